/* lw-measure.c — decode a .lwc and measure it against the original image
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the GUI worker, the CLI and RD sweeps so their numbers agree to the bit. The
 * decode is timed from the start of parsing to the decoded tensor, as lw_rd_sweep always
 * did. SSIM and MS-SSIM come from one call (lw_ssim_and_ms_ssim): the SSIM pass is MS-SSIM's
 * first scale, and running it twice was a third of the measuring time.
 */
#define G_LOG_DOMAIN "lw-measure"

#include "lw-measure.h"
#include "lw-measure-private.h"
#include "lw-error.h"
#include "lw-metrics.h"

#include <math.h>

static gboolean
check_image (const LwTensor *image, const char *who, GError **error)
{
  if (image->ndim != 3 || image->shape[0] < 1 || image->shape[0] > 4 || image->shape[1] < 1
      || image->shape[2] < 1)
    {
      g_autofree char *s = lw_tensor_shape_string (image);
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE, "%s: expected a C×H×W image, got %s", who,
                   s);
      return FALSE;
    }
  return TRUE;
}

gboolean
lw_measure_lwc (const LwCodec *codec, const LwTensor *image, GBytes *lwc, LwMeasure *out,
                LwTensor **decoded_out, GCancellable *cancellable, GError **error)
{
  return lw_measure_lwc_partial (codec, image, lwc, TRUE, out, decoded_out, cancellable, error);
}

gboolean
lw_measure_structural (const LwTensor *image, const LwTensor *decoded, LwMeasure *out,
                       GCancellable *cancellable, GError **error)
{
  double ssim, ms_ssim;

  g_return_val_if_fail (image != NULL && decoded != NULL && out != NULL, FALSE);
  if (!lw_tensor_same_shape (image, decoded))
    {
      g_autofree char *a = lw_tensor_shape_string (image);
      g_autofree char *b = lw_tensor_shape_string (decoded);
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE, "SSIM: a %s image against a %s one", b, a);
      return FALSE;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  lw_ssim_and_ms_ssim (image, decoded, &ssim, &ms_ssim, NULL);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  out->ssim = ssim;
  out->ms_ssim = ms_ssim;
  return TRUE;
}

LwTensor *
_lw_measure_decode (const LwCodec  **codec,
                    LwMediaKind      kind,
                    const LwTensor  *signal,
                    GBytes          *lwc,
                    LwBitstream    **file_out,
                    double          *decode_ms,
                    GError         **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (lwc, &len);
  gint64 t0 = g_get_monotonic_time ();
  /* Like lw_codec_decode_bytes, but a given codec is used as it is (unregistered codecs can
   * be measured) and the parsed container stays at hand for its recorded parameters. */
  g_autoptr (LwBitstream) file = lw_bitstream_parse (data, len, error);
  g_autoptr (LwTensor) decoded = NULL;
  guint16 id;

  if (file == NULL)
    return NULL;
  id = lw_bitstream_get_codec_id (file);
  if (*codec == NULL)
    {
      *codec = lw_codec_lookup_id (id, error);
      if (*codec == NULL)
        return NULL;
    }
  else if (id != (*codec)->id)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "%s: the container is for codec id %u, expected %u", (*codec)->name, id,
                   (*codec)->id);
      return NULL;
    }
  if ((*codec)->kind != kind)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM, "%s: not an %s codec",
                   (*codec)->name, kind == LW_MEDIA_AUDIO ? "audio" : "image");
      return NULL;
    }
  decoded = (*codec)->decode (*codec, file, error);
  *decode_ms = (double) (g_get_monotonic_time () - t0) / 1000.0;
  if (decoded == NULL)
    return NULL;
  if (!lw_tensor_same_shape (decoded, signal))
    {
      g_autofree char *a = lw_tensor_shape_string (signal);
      g_autofree char *b = lw_tensor_shape_string (decoded);
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE, "%s decoded a %s signal from a %s input",
                   (*codec)->name, b, a);
      return NULL;
    }
  *file_out = g_steal_pointer (&file);
  return g_steal_pointer (&decoded);
}

gboolean
lw_measure_lwc_partial (const LwCodec *codec, const LwTensor *image, GBytes *lwc,
                        gboolean structural, LwMeasure *out, LwTensor **decoded_out,
                        GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (image != NULL && lwc != NULL && out != NULL, FALSE);

  if (!check_image (image, codec ? codec->name : "measure", error))
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  gsize len = g_bytes_get_size (lwc);
  g_autoptr (LwBitstream) file = NULL;
  double decode_ms;
  g_autoptr (LwTensor) decoded = _lw_measure_decode (&codec, LW_MEDIA_IMAGE, image, lwc, &file,
                                                     &decode_ms, error);
  if (decoded == NULL)
    return FALSE;

  gsize c = image->shape[0], h = image->shape[1], w = image->shape[2];
  LwMeasure m = { 0 };
  m.bytes = len;
  m.bpp = lw_bpp (len, w, h);
  m.ratio = lw_compression_ratio (len, w, h, c);
  m.dim_reduction = 1.0;
  double dr;
  if (lw_bitstream_get_param (file, "dim_reduction", &dr) && isfinite (dr) && dr > 0)
    m.dim_reduction = dr;
  m.decode_ms = decode_ms;

  /* Cheapest first, so a cancelled request stops before the expensive part */
  m.psnr = lw_psnr (image, decoded);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  m.psnr_y = lw_psnr_y (image, decoded);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  m.ssim = m.ms_ssim = NAN;
  if (structural && !lw_measure_structural (image, decoded, &m, cancellable, error))
    return FALSE;

  *out = m;
  if (decoded_out)
    *decoded_out = g_steal_pointer (&decoded);
  return TRUE;
}

gboolean
lw_measure_encode (const LwCodec *codec, const LwTensor *image, const LwParams *params,
                   LwMeasure *out, GBytes **lwc_out, LwTensor **decoded_out,
                   GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (codec != NULL && image != NULL && params != NULL && out != NULL, FALSE);
  g_return_val_if_fail (params->codec == codec, FALSE);

  if (!check_image (image, codec->name, error))
    return FALSE;

  LwEncodeTimes times;
  g_autoptr (GBytes) lwc = lw_codec_encode_timed (codec, image, params, &times, cancellable,
                                                  error);
  if (lwc == NULL)
    return FALSE;

  LwMeasure m;
  if (!lw_measure_lwc (codec, image, lwc, &m, decoded_out, cancellable, error))
    return FALSE;
  m.analyse_ms = times.analyse_ms;
  m.encode_ms = times.encode_ms;
  *out = m;
  if (lwc_out)
    *lwc_out = g_steal_pointer (&lwc);
  return TRUE;
}
