/* lw-codec-opus.c — Opus (libopus, in-process) as the lossy audio peer codec
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libopus runs at 48 kHz with OPUS_APPLICATION_AUDIO and 20 ms frames (960 samples). Other
 * rates are resampled to 48 kHz with libsamplerate (SRC_SINC_MEDIUM_QUALITY: its error,
 * ≈ −97 dB, is far below any Opus bit rate's, and it is several times faster than BEST) and
 * back after decoding; libsamplerate's converters add no delay. The encoder's lookahead is
 * stored as "pre_skip": the encoder is fed pre_skip extra samples of zeros at the end and the
 * decoder drops the first pre_skip output samples, so the decoded signal has exactly the
 * input's T frames and is aligned with it sample for sample. Decoded samples are clamped to
 * [−1, 1] (Opus may overshoot).
 * Only 1 or 2 channels: libopus's plain encoder is mono/stereo (more needs multistream).
 *
 * Stream: shape {C, T}; parameters bitrate, complexity, sample_rate, pre_skip; chunk NATV =
 * u32 packet count, then per packet a u16 length and the packet (all little-endian). The
 * 2-byte lengths cost 0.8 kbit/s, about what an Ogg container would.
 */
#define G_LOG_DOMAIN "lw-codec-opus"

#include "lw-codec-private.h"
#include "lw-audio-io.h"
#include "lw-error.h"

#include <math.h>
#include <string.h>

#include <opus.h>
#include <samplerate.h>

#define OPUS_RATE        48000
#define OPUS_FRAME       960     /* 20 ms at 48 kHz */
#define OPUS_MAX_PACKET  1500    /* > 1275, the largest 20 ms packet */
#define OPUS_MAX_PRESKIP 4800

enum { P_BITRATE, P_COMPLEXITY };

static const LwParamSpec opus_params[] = {
  [P_BITRATE] = { "bitrate", LW_PARAM_DOUBLE, 6, 510, 64, TRUE, TRUE,
                  "target bit rate of the whole stream (all channels) in kbit/s", NULL },
  [P_COMPLEXITY] = { "complexity", LW_PARAM_INT, 0, 10, 10, TRUE, FALSE,
                     "encoder effort: 0 fastest … 10 best", NULL },
};

typedef struct
{
  guint  channels;
  gsize  frames;    /* at the input rate */
  double rate;
  gsize  frames48;  /* at 48 kHz */
  float *pcm48;     /* frames48 × channels, interleaved */
} OpusAnalysis;

/* Frames at 48 kHz for T frames at `rate`: ⌈T·48000/rate⌉ (exact integer arithmetic) */
static gsize
frames_at_48k (gsize t, guint rate)
{
  if (rate == OPUS_RATE)
    return t;
  return (gsize) (((guint64) t * OPUS_RATE + rate - 1) / rate);
}

/* Resample interleaved `in` (n_in frames) to exactly n_out frames (zeros pad a short tail) */
static float *
resample (const float *in, gsize n_in, guint channels, double ratio, gsize n_out, GError **error)
{
  int err = 0;
  SRC_STATE *src = src_new (SRC_SINC_MEDIUM_QUALITY, (int) channels, &err);
  if (src == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_FAILED, "opus: resampler: %s", src_strerror (err));
      return NULL;
    }
  float *out = g_new0 (float, n_out * channels);
  SRC_DATA d = { 0 };
  gsize done_in = 0, done_out = 0;
  /* in slices: SRC_DATA counts are long, and a slice bounds the converter's working set */
  while (done_out < n_out)
    {
      gsize slice = MIN (n_in - done_in, (gsize) 1 << 20);
      d.data_in = in + done_in * channels;
      d.input_frames = (long) slice;
      d.data_out = out + done_out * channels;
      d.output_frames = (long) MIN (n_out - done_out, (gsize) 1 << 22);
      d.src_ratio = ratio;
      d.end_of_input = done_in + slice == n_in;
      err = src_process (src, &d);
      if (err)
        {
          src_delete (src);
          g_free (out);
          g_set_error (error, LW_ERROR, LW_ERROR_FAILED, "opus: resampler: %s",
                       src_strerror (err));
          return NULL;
        }
      done_in += d.input_frames_used;
      done_out += d.output_frames_gen;
      if (d.output_frames_gen == 0 && (d.end_of_input || d.input_frames_used == 0))
        break; /* flushed, or (never seen) stuck: the tail stays zero */
    }
  src_delete (src);
  return out;
}

static void
lwopus_analysis_free (gpointer p)
{
  OpusAnalysis *a = p;
  if (a == NULL)
    return;
  g_free (a->pcm48);
  g_free (a);
}

static gpointer
lwopus_analyse (const LwCodec *codec, const LwTensor *signal, const LwParams *params,
              GCancellable *cancellable, GError **error)
{
  if (signal->ndim != 2 || signal->shape[0] < 1 || signal->shape[1] < 1)
    {
      g_autofree char *s = lw_tensor_shape_string (signal);
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE, "opus: expected C×T audio, got %s", s);
      return NULL;
    }
  if (signal->shape[0] > 2)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                   "opus: the signal has %" G_GSIZE_FORMAT " channels; this codec handles 1 or "
                   "2 (mono or stereo)", signal->shape[0]);
      return NULL;
    }
  double rate = signal->sample_rate;
  if (!(rate >= LW_AUDIO_MIN_RATE && rate <= LW_AUDIO_MAX_RATE) || rate != floor (rate))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                   "opus: sample rate %g Hz is not a whole number in %d…%d Hz", rate,
                   LW_AUDIO_MIN_RATE, LW_AUDIO_MAX_RATE);
      return NULL;
    }
  if ((double) signal->shape[1] > LW_AUDIO_MAX_SECONDS * rate)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "opus: %" G_GSIZE_FORMAT " frames are more than %d minutes",
                   signal->shape[1], LW_AUDIO_MAX_SECONDS / 60);
      return NULL;
    }

  guint c = signal->shape[0];
  gsize t = signal->shape[1];
  g_autofree float *inter = g_new (float, t * c);
  for (gsize i = 0; i < t; i++)
    for (guint ch = 0; ch < c; ch++)
      {
        /* the contract's range; NaN (which libopus must never see) as silence */
        float v = signal->data[ch * t + i];
        inter[i * c + ch] = isnan (v) ? 0.0f : CLAMP (v, -1.0f, 1.0f);
      }

  OpusAnalysis *a = g_new0 (OpusAnalysis, 1);
  a->channels = c;
  a->frames = t;
  a->rate = rate;
  a->frames48 = frames_at_48k (t, (guint) rate);
  if (a->frames48 == t)
    a->pcm48 = g_steal_pointer (&inter);
  else
    {
      a->pcm48 = resample (inter, t, c, OPUS_RATE / rate, a->frames48, error);
      if (a->pcm48 == NULL)
        {
          lwopus_analysis_free (a);
          return NULL;
        }
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      lwopus_analysis_free (a);
      return NULL;
    }
  return a;
}

static void
put_u16 (GByteArray *b, guint v)
{
  guint8 x[2] = { v & 0xff, (v >> 8) & 0xff };
  g_byte_array_append (b, x, 2);
}

static GBytes *
lwopus_encode (const LwCodec *codec, gpointer analysis, const LwParams *params,
             GCancellable *cancellable, GError **error)
{
  const OpusAnalysis *a = analysis;
  guint c = a->channels;
  int err = 0;
  OpusEncoder *enc = opus_encoder_create (OPUS_RATE, (int) c, OPUS_APPLICATION_AUDIO, &err);
  if (enc == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_FAILED, "opus: cannot create an encoder: %s",
                   opus_strerror (err));
      return NULL;
    }
  opus_int32 lookahead = 0;
  if (opus_encoder_ctl (enc, OPUS_SET_BITRATE ((opus_int32) lround (params->values[P_BITRATE] * 1000))) != OPUS_OK ||
      opus_encoder_ctl (enc, OPUS_SET_COMPLEXITY ((opus_int32) params->values[P_COMPLEXITY])) != OPUS_OK ||
      opus_encoder_ctl (enc, OPUS_GET_LOOKAHEAD (&lookahead)) != OPUS_OK ||
      lookahead < 0 || lookahead > OPUS_MAX_PRESKIP)
    {
      opus_encoder_destroy (enc);
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "opus: the encoder refused bitrate %g kbit/s or complexity %g",
                   params->values[P_BITRATE], params->values[P_COMPLEXITY]);
      return NULL;
    }

  /* lookahead samples of zeros at the end push the last input sample out of the decoder */
  gsize total = a->frames48 + (gsize) lookahead;
  gsize n_packets = (total + OPUS_FRAME - 1) / OPUS_FRAME;
  GByteArray *native = g_byte_array_sized_new (4 + n_packets * 64);
  guint8 count[4] = { n_packets & 0xff, (n_packets >> 8) & 0xff, (n_packets >> 16) & 0xff,
                      (n_packets >> 24) & 0xff };
  g_byte_array_append (native, count, 4);
  float frame[OPUS_FRAME * 2];
  guint8 packet[OPUS_MAX_PACKET];
  gboolean ok = TRUE;
  for (gsize k = 0; k < n_packets && ok; k++)
    {
      if (k % 64 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }
      gsize start = k * OPUS_FRAME;
      const float *src = a->pcm48 + start * c;
      if (start + OPUS_FRAME > a->frames48)
        {
          memset (frame, 0, sizeof frame);
          if (start < a->frames48)
            memcpy (frame, src, sizeof (float) * (a->frames48 - start) * c);
          src = frame;
        }
      opus_int32 len = opus_encode_float (enc, src, OPUS_FRAME, packet, OPUS_MAX_PACKET);
      if (len < 1)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_FAILED, "opus: encoding frame %" G_GSIZE_FORMAT
                       " failed: %s", k, opus_strerror (len));
          ok = FALSE;
          break;
        }
      put_u16 (native, (guint) len);
      g_byte_array_append (native, packet, (guint) len);
    }
  opus_encoder_destroy (enc);
  if (!ok)
    {
      g_byte_array_unref (native);
      return NULL;
    }

  const LwTensor shape = { 2, { c, a->frames, 1, 1 }, NULL, a->rate };
  g_autoptr (LwBitstream) bs = _lw_codec_container_new (codec, &shape, params);
  lw_bitstream_set_param (bs, "sample_rate", a->rate);
  lw_bitstream_set_param (bs, "pre_skip", lookahead);
  g_autoptr (GBytes) chunk = g_byte_array_free_to_bytes (native);
  lw_bitstream_add_chunk (bs, LW_CHUNK_NATIVE, chunk);
  return lw_bitstream_serialize (bs);
}

static LwTensor *
truncated (gsize len, GError **error)
{
  g_set_error (error, LW_ERROR, LW_ERROR_TRUNCATED,
               "opus: NATV chunk ends inside its packets (%" G_GSIZE_FORMAT " bytes)", len);
  return NULL;
}

static LwTensor *
lwopus_decode (const LwCodec *codec, LwBitstream *file, GError **error)
{
  double value, rate, pre_skip;
  if (lw_bitstream_get_ndim (file) != 2)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "opus: the container's shape has %u dimensions, expected 2 (C×T)",
                   lw_bitstream_get_ndim (file));
      return NULL;
    }
  guint c = lw_bitstream_get_dim (file, 0);
  gsize t = lw_bitstream_get_dim (file, 1);
  if (c < 1 || c > 2 || t < 1)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "opus: the container declares %u×%" G_GSIZE_FORMAT " audio; Opus streams "
                   "here have 1 or 2 channels and at least one frame", c, t);
      return NULL;
    }
  for (guint i = 0; i < G_N_ELEMENTS (opus_params); i++)
    if (!_lw_codec_container_param (codec, file, opus_params[i].name, &value, error))
      return NULL;
  if (!lw_bitstream_get_param (file, "sample_rate", &rate) || !(rate >= LW_AUDIO_MIN_RATE) ||
      !(rate <= LW_AUDIO_MAX_RATE) || rate != floor (rate))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "opus: the sample_rate parameter is missing or not a whole number in %d…%d Hz",
                   LW_AUDIO_MIN_RATE, LW_AUDIO_MAX_RATE);
      return NULL;
    }
  if ((double) t > LW_AUDIO_MAX_SECONDS * rate)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "opus: the container declares %" G_GSIZE_FORMAT " frames, more than %d "
                   "minutes", t, LW_AUDIO_MAX_SECONDS / 60);
      return NULL;
    }
  if (!lw_bitstream_get_param (file, "pre_skip", &pre_skip) || !(pre_skip >= 0) ||
      !(pre_skip <= OPUS_MAX_PRESKIP) || pre_skip != floor (pre_skip))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "opus: the pre_skip parameter is missing or not a whole number in 0…%d",
                   OPUS_MAX_PRESKIP);
      return NULL;
    }

  GBytes *native = lw_bitstream_get_chunk (file, LW_CHUNK_NATIVE);
  if (native == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA, "opus: container has no NATV chunk");
      return NULL;
    }
  gsize len;
  const guint8 *data = g_bytes_get_data (native, &len);
  gsize frames48 = frames_at_48k (t, (guint) rate);
  gsize skip = (gsize) pre_skip;
  gsize n_packets = (frames48 + skip + OPUS_FRAME - 1) / OPUS_FRAME;
  if (len < 4)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TRUNCATED, "opus: NATV chunk of %" G_GSIZE_FORMAT
                   " bytes has no packet count", len);
      return NULL;
    }
  guint32 declared = data[0] | (guint32) data[1] << 8 | (guint32) data[2] << 16 |
                     (guint32) data[3] << 24;
  if (declared != n_packets)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "opus: NATV chunk holds %u packets; %" G_GSIZE_FORMAT " frames at %g Hz "
                   "need %" G_GSIZE_FORMAT, declared, t, rate, n_packets);
      return NULL;
    }
  /* every length checked before any audio memory is allocated */
  gsize pos = 4;
  for (gsize k = 0; k < n_packets; k++)
    {
      if (len - pos < 2)
        return truncated (len, error);
      guint plen = data[pos] | (guint) data[pos + 1] << 8;
      if (plen < 1 || plen > OPUS_MAX_PACKET)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "opus: packet %" G_GSIZE_FORMAT " has length %u (1…%d allowed)", k, plen,
                       OPUS_MAX_PACKET);
          return NULL;
        }
      if (len - pos - 2 < plen)
        return truncated (len, error);
      pos += 2 + plen;
    }
  if (pos != len)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "opus: %" G_GSIZE_FORMAT " stray bytes after the last packet", len - pos);
      return NULL;
    }

  int err = 0;
  OpusDecoder *dec = opus_decoder_create (OPUS_RATE, (int) c, &err);
  if (dec == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_FAILED, "opus: cannot create a decoder: %s",
                   opus_strerror (err));
      return NULL;
    }
  g_autofree float *pcm = g_new (float, n_packets * OPUS_FRAME * c);
  pos = 4;
  for (gsize k = 0; k < n_packets; k++)
    {
      guint plen = data[pos] | (guint) data[pos + 1] << 8;
      int got = opus_decode_float (dec, data + pos + 2, (opus_int32) plen,
                                   pcm + k * OPUS_FRAME * c, OPUS_FRAME, 0);
      if (got != OPUS_FRAME)
        {
          opus_decoder_destroy (dec);
          if (got < 0)
            g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                         "opus: packet %" G_GSIZE_FORMAT " does not decode: %s", k,
                         opus_strerror (got));
          else
            g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                         "opus: packet %" G_GSIZE_FORMAT " decodes to %d samples, expected %d",
                         k, got, OPUS_FRAME);
          return NULL;
        }
      pos += 2 + plen;
    }
  opus_decoder_destroy (dec);

  const float *aligned = pcm + skip * c;
  g_autofree float *back = NULL;
  if (frames48 != t)
    {
      back = resample (aligned, frames48, c, rate / OPUS_RATE, t, error);
      if (back == NULL)
        return NULL;
      aligned = back;
    }
  LwTensor *out = lw_tensor_new_2d (c, t);
  out->sample_rate = rate;
  for (gsize i = 0; i < t; i++)
    for (guint ch = 0; ch < c; ch++)
      out->data[ch * t + i] = CLAMP (aligned[i * c + ch], -1.0f, 1.0f);
  return out;
}

const LwCodec lw_codec_opus = {
  .name = "opus",
  .title = "Opus",
  .description = "Opus (libopus) at 48 kHz, 20 ms frames; other rates resampled; mono or stereo",
  .kind = LW_MEDIA_AUDIO,
  .id = LW_CODEC_ID_OPUS,
  .params = opus_params,
  .n_params = G_N_ELEMENTS (opus_params),
  .sweep_param = "bitrate",
  .sweep_descending = FALSE,
  .sweep_min = 6,
  .sweep_max = 256,
  .analyse = lwopus_analyse,
  .analysis_free = lwopus_analysis_free,
  .encode = lwopus_encode,
  .decode = lwopus_decode,
};
