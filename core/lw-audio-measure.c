/* lw-audio-measure.c — decode an audio .lwc and measure it against the original
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Mirrors lw-measure.c: the decode is timed from the start of parsing to the decoded tensor,
 * and the cheap metrics come first so a cancelled request stops before the STFT of LSD.
 */
#define G_LOG_DOMAIN "lw-audio-measure"

#include "lw-audio-measure.h"
#include "lw-measure-private.h"
#include "lw-audio-io.h"
#include "lw-audio-metrics.h"
#include "lw-error.h"

#include <math.h>

static gboolean
check_audio (const LwTensor *audio, const char *who, GError **error)
{
  if (audio->ndim != 2 || audio->shape[0] < 1 || audio->shape[0] > LW_AUDIO_MAX_CHANNELS
      || audio->shape[1] < 1)
    {
      g_autofree char *s = lw_tensor_shape_string (audio);
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE, "%s: expected C×T audio, got %s", who, s);
      return FALSE;
    }
  if (!(audio->sample_rate > 0.0))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE, "%s: the audio has no sample rate", who);
      return FALSE;
    }
  return TRUE;
}

gboolean
lw_audio_measure_lwc (const LwCodec *codec, const LwTensor *audio, GBytes *lwc,
                      LwAudioMeasure *out, LwTensor **decoded_out, GCancellable *cancellable,
                      GError **error)
{
  return lw_audio_measure_lwc_partial (codec, audio, lwc, TRUE, out, decoded_out, cancellable,
                                       error);
}

gboolean
lw_audio_measure_lwc_partial (const LwCodec *codec, const LwTensor *audio, GBytes *lwc,
                              gboolean with_lsd, LwAudioMeasure *out, LwTensor **decoded_out,
                              GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (audio != NULL && lwc != NULL && out != NULL, FALSE);

  if (!check_audio (audio, codec ? codec->name : "measure", error))
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  gsize len = g_bytes_get_size (lwc);
  g_autoptr (LwBitstream) file = NULL;
  double decode_ms;
  g_autoptr (LwTensor) decoded = _lw_measure_decode (&codec, LW_MEDIA_AUDIO, audio, lwc, &file,
                                                     &decode_ms, error);
  if (decoded == NULL)
    return FALSE;

  gsize c = audio->shape[0], t = audio->shape[1];
  LwAudioMeasure m = { 0 };
  m.bytes = len;
  m.kbps = lw_kbps (len, t, audio->sample_rate);
  m.bits_per_sample = lw_bits_per_sample (len, t, c);
  m.ratio = len > 0 ? 2.0 * (double) c * (double) t / (double) len : NAN;
  m.dim_reduction = 1.0;
  double dr;
  if (lw_bitstream_get_param (file, "dim_reduction", &dr) && isfinite (dr) && dr > 0)
    m.dim_reduction = dr;
  m.decode_ms = decode_ms;

  m.snr = lw_snr (audio, decoded);
  m.psnr = lw_audio_psnr (audio, decoded);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  m.si_sdr = lw_si_sdr (audio, decoded);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  m.lsd = NAN;
  if (with_lsd)
    {
      m.lsd = lw_lsd (audio, decoded);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }

  *out = m;
  if (decoded_out)
    *decoded_out = g_steal_pointer (&decoded);
  return TRUE;
}

gboolean
lw_audio_measure_encode (const LwCodec *codec, const LwTensor *audio, const LwParams *params,
                         LwAudioMeasure *out, GBytes **lwc_out, LwTensor **decoded_out,
                         GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (codec != NULL && audio != NULL && params != NULL && out != NULL, FALSE);
  g_return_val_if_fail (params->codec == codec, FALSE);

  if (!check_audio (audio, codec->name, error))
    return FALSE;
  if (codec->kind != LW_MEDIA_AUDIO)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM, "%s: not an audio codec",
                   codec->name);
      return FALSE;
    }

  LwEncodeTimes times;
  g_autoptr (GBytes) lwc = lw_codec_encode_timed (codec, audio, params, &times, cancellable,
                                                  error);
  if (lwc == NULL)
    return FALSE;

  LwAudioMeasure m;
  if (!lw_audio_measure_lwc (codec, audio, lwc, &m, decoded_out, cancellable, error))
    return FALSE;
  m.analyse_ms = times.analyse_ms;
  m.encode_ms = times.encode_ms;
  *out = m;
  if (lwc_out)
    *lwc_out = g_steal_pointer (&lwc);
  return TRUE;
}
