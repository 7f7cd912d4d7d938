/* lw-codec-flac.c — FLAC (libsndfile's writer and reader, in memory) as the lossless reference
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Samples are quantised here, not by libsndfile (whose float→int scale is 0x7FFF on write but
 * 1/0x8000 on read): k = clamp (round (x·2^(b−1)), −2^(b−1), 2^(b−1) − 1) with b = 16 or 24
 * ("bits"), decoded as k / 2^(b−1). A signal already on that grid — any 16-bit (or 24-bit)
 * PCM file as loaded by lw-audio-io — round-trips bit-exactly.
 * FLAC is lossless, so "level" (libFLAC's compression level 0…8, passed to libsndfile as
 * level/8 through SFC_SET_COMPRESSION_LEVEL) only trades encoder time for size; it is still
 * the sweep parameter so an RD sweep produces (nearly identical) points instead of failing.
 *
 * Stream: shape {C, T}; parameters level, bits, sample_rate; chunk NATV = the .flac file.
 */
#define G_LOG_DOMAIN "lw-codec-flac"

#include "lw-codec-private.h"
#include "lw-audio-io.h"
#include "lw-error.h"

#include <math.h>
#include <string.h>

#include <sndfile.h>

enum { P_LEVEL, P_BITS };

static const char * const bits_choices[] = { "16", "24", NULL };

static const LwParamSpec flac_params[] = {
  [P_LEVEL] = { "level", LW_PARAM_INT, 0, 8, 5, TRUE, FALSE,
                "compression level: 0 fastest … 8 smallest (lossless at every level)", NULL },
  [P_BITS] = { "bits", LW_PARAM_ENUM, 0, 1, 0, TRUE, FALSE,
               "bits per sample the signal is quantised to: 16 or 24", bits_choices },
};

/* A growable memory file for libsndfile's virtual I/O */
typedef struct
{
  guint8     *data;   /* read mode: borrowed */
  GByteArray *buf;    /* write mode */
  sf_count_t  len, pos;
} MemFile;

static sf_count_t
mem_get_filelen (void *user)
{
  MemFile *m = user;
  return m->buf ? (sf_count_t) m->buf->len : m->len;
}

static sf_count_t
mem_seek (sf_count_t offset, int whence, void *user)
{
  MemFile *m = user;
  sf_count_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? m->pos : mem_get_filelen (m);
  sf_count_t p = base + offset;
  if (p < 0 || p > ((sf_count_t) 1 << 40))
    return -1;
  m->pos = p;
  return p;
}

static sf_count_t
mem_read (void *ptr, sf_count_t count, void *user)
{
  MemFile *m = user;
  sf_count_t len = mem_get_filelen (m);
  const guint8 *src = m->buf ? m->buf->data : m->data;
  if (count <= 0 || m->pos >= len)
    return 0;
  sf_count_t n = MIN (count, len - m->pos);
  memcpy (ptr, src + m->pos, (size_t) n);
  m->pos += n;
  return n;
}

static sf_count_t
mem_write (const void *ptr, sf_count_t count, void *user)
{
  MemFile *m = user;
  if (m->buf == NULL || count < 0)
    return 0;
  sf_count_t end = m->pos + count;
  if (end > G_MAXUINT32)
    return 0;
  if ((sf_count_t) m->buf->len < end)
    g_byte_array_set_size (m->buf, (guint) end); /* a seek past the end leaves a gap: zeros */
  memcpy (m->buf->data + m->pos, ptr, (size_t) count);
  m->pos = end;
  return count;
}

static sf_count_t
mem_tell (void *user)
{
  return ((MemFile *) user)->pos;
}

static SF_VIRTUAL_IO mem_io = { mem_get_filelen, mem_seek, mem_read, mem_write, mem_tell };

static gboolean
check_signal (const LwTensor *s, GError **error)
{
  if (s->ndim != 2 || s->shape[0] < 1 || s->shape[0] > LW_AUDIO_MAX_CHANNELS || s->shape[1] < 1)
    {
      g_autofree char *str = lw_tensor_shape_string (s);
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE,
                   "flac: expected C×T audio with 1 to %d channels, got %s",
                   LW_AUDIO_MAX_CHANNELS, str);
      return FALSE;
    }
  if (!(s->sample_rate >= LW_AUDIO_MIN_RATE && s->sample_rate <= LW_AUDIO_MAX_RATE) ||
      s->sample_rate != floor (s->sample_rate))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                   "flac: sample rate %g Hz is not a whole number in %d…%d Hz", s->sample_rate,
                   LW_AUDIO_MIN_RATE, LW_AUDIO_MAX_RATE);
      return FALSE;
    }
  if ((double) s->shape[1] > LW_AUDIO_MAX_SECONDS * s->sample_rate)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "flac: %" G_GSIZE_FORMAT " frames are more than %d minutes", s->shape[1],
                   LW_AUDIO_MAX_SECONDS / 60);
      return FALSE;
    }
  return TRUE;
}

static gpointer
flac_analyse (const LwCodec *codec, const LwTensor *signal, const LwParams *params,
              GCancellable *cancellable, GError **error)
{
  if (!check_signal (signal, error))
    return NULL;
  return lw_tensor_copy (signal);
}

static void
flac_analysis_free (gpointer p)
{
  lw_tensor_free (p);
}

static GBytes *
flac_encode (const LwCodec *codec, gpointer analysis, const LwParams *params,
             GCancellable *cancellable, GError **error)
{
  const LwTensor *s = analysis;
  guint c = s->shape[0];
  gsize t = s->shape[1];
  gboolean b24 = params->values[P_BITS] != 0;
  SF_INFO info = { .samplerate = (int) s->sample_rate, .channels = (int) c,
                   .format = SF_FORMAT_FLAC | (b24 ? SF_FORMAT_PCM_24 : SF_FORMAT_PCM_16) };
  MemFile m = { .buf = g_byte_array_new () };
  SNDFILE *sf = sf_open_virtual (&mem_io, SFM_WRITE, &info, &m);
  if (sf == NULL)
    {
      g_byte_array_unref (m.buf);
      g_set_error (error, LW_ERROR, LW_ERROR_FAILED, "flac: cannot start a FLAC writer: %s",
                   sf_strerror (NULL));
      return NULL;
    }
  double level = params->values[P_LEVEL] / 8.0;
  sf_command (sf, SFC_SET_COMPRESSION_LEVEL, &level, sizeof level);

  /* left-justified 32-bit integers, as sf_writef_int expects */
  const double scale = b24 ? 8388608.0 : 32768.0;
  const int shift = b24 ? 8 : 16;
  const gsize block = 4096;
  g_autofree int *buf = g_new (int, block * c);
  gboolean ok = TRUE;
  for (gsize i0 = 0; i0 < t && ok; i0 += block)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }
      gsize n = MIN (block, t - i0);
      for (gsize i = 0; i < n; i++)
        for (guint ch = 0; ch < c; ch++)
          {
            double v = s->data[ch * t + i0 + i];
            double k = isnan (v) ? 0.0 : nearbyint (v * scale); /* NaN would be UB below */
            k = CLAMP (k, -scale, scale - 1);
            buf[i * c + ch] = (int) ((guint32) (gint32) k << shift);
          }
      if (sf_writef_int (sf, buf, (sf_count_t) n) != (sf_count_t) n)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_FAILED, "flac: writing samples failed: %s",
                       sf_strerror (sf));
          ok = FALSE;
        }
    }
  if (!ok)
    {
      sf_close (sf);
      g_byte_array_unref (m.buf);
      return NULL;
    }
  if (sf_close (sf) != 0)
    {
      g_byte_array_unref (m.buf);
      g_set_error (error, LW_ERROR, LW_ERROR_FAILED, "flac: finishing the FLAC stream failed");
      return NULL;
    }

  g_autoptr (LwBitstream) bs = _lw_codec_container_new (codec, s, params);
  lw_bitstream_set_param (bs, "sample_rate", s->sample_rate);
  g_autoptr (GBytes) native = g_byte_array_free_to_bytes (m.buf);
  lw_bitstream_add_chunk (bs, LW_CHUNK_NATIVE, native);
  return lw_bitstream_serialize (bs);
}

static LwTensor *
flac_decode (const LwCodec *codec, LwBitstream *file, GError **error)
{
  double value, rate, bits;
  if (lw_bitstream_get_ndim (file) != 2)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "flac: the container's shape has %u dimensions, expected 2 (C×T)",
                   lw_bitstream_get_ndim (file));
      return NULL;
    }
  guint c = lw_bitstream_get_dim (file, 0);
  gsize t = lw_bitstream_get_dim (file, 1);
  if (c < 1 || c > LW_AUDIO_MAX_CHANNELS || t < 1)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "flac: the container declares %u×%" G_GSIZE_FORMAT " audio (1 to %d "
                   "channels, at least one frame)", c, t, LW_AUDIO_MAX_CHANNELS);
      return NULL;
    }
  if (!_lw_codec_container_param (codec, file, "level", &value, error) ||
      !_lw_codec_container_param (codec, file, "bits", &bits, error))
    return NULL;
  if (!lw_bitstream_get_param (file, "sample_rate", &rate) || !(rate >= LW_AUDIO_MIN_RATE) ||
      !(rate <= LW_AUDIO_MAX_RATE) || rate != floor (rate))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "flac: the sample_rate parameter is missing or not a whole number in %d…%d Hz",
                   LW_AUDIO_MIN_RATE, LW_AUDIO_MAX_RATE);
      return NULL;
    }
  if ((double) t > LW_AUDIO_MAX_SECONDS * rate)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "flac: the container declares %" G_GSIZE_FORMAT " frames, more than %d "
                   "minutes", t, LW_AUDIO_MAX_SECONDS / 60);
      return NULL;
    }
  GBytes *native = lw_bitstream_get_chunk (file, LW_CHUNK_NATIVE);
  if (native == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA, "flac: container has no NATV chunk");
      return NULL;
    }
  gsize len;
  const guint8 *data = g_bytes_get_data (native, &len);
  guint64 samples = (guint64) c * t;
  if (samples > LW_DECODE_FREE_SAMPLES && samples > (guint64) len * LW_DECODE_SAMPLES_PER_BYTE)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "flac: %u×%" G_GSIZE_FORMAT " samples from %" G_GSIZE_FORMAT " bytes is more "
                   "than %u samples per byte; refusing a likely decompression bomb", c, t, len,
                   LW_DECODE_SAMPLES_PER_BYTE);
      return NULL;
    }

  MemFile m = { .data = (guint8 *) data, .len = (sf_count_t) len };
  SF_INFO info = { 0 };
  SNDFILE *sf = sf_open_virtual (&mem_io, SFM_READ, &info, &m);
  if (sf == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA, "flac: NATV chunk: %s",
                   sf_strerror (NULL));
      return NULL;
    }
  int want_sub = bits != 0 ? SF_FORMAT_PCM_24 : SF_FORMAT_PCM_16;
  if ((info.format & SF_FORMAT_TYPEMASK) != SF_FORMAT_FLAC ||
      (info.format & SF_FORMAT_SUBMASK) != want_sub || info.channels != (int) c ||
      info.samplerate != (int) rate || info.frames != (sf_count_t) t)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "flac: NATV stream (format 0x%x, %d channels, %d Hz, %" G_GINT64_FORMAT
                   " frames) does not match the container (%u-bit FLAC, %u channels, %g Hz, %"
                   G_GSIZE_FORMAT " frames)", info.format, info.channels, info.samplerate,
                   (gint64) info.frames, bits != 0 ? 24 : 16, c, rate, t);
      sf_close (sf);
      return NULL;
    }

  LwTensor *out = lw_tensor_new_2d (c, t);
  out->sample_rate = rate;
  const gsize block = 4096;
  g_autofree int *buf = g_new (int, block * c);
  for (gsize i0 = 0; i0 < t; i0 += block)
    {
      gsize n = MIN (block, t - i0);
      if (sf_readf_int (sf, buf, (sf_count_t) n) != (sf_count_t) n)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_TRUNCATED,
                       "flac: NATV stream ends or fails after %" G_GSIZE_FORMAT " of %"
                       G_GSIZE_FORMAT " frames", i0, t);
          sf_close (sf);
          lw_tensor_free (out);
          return NULL;
        }
      /* k·2^(32−b) / 2^31 = k / 2^(b−1), exact in float for b ≤ 24 */
      for (gsize i = 0; i < n; i++)
        for (guint ch = 0; ch < c; ch++)
          out->data[ch * t + i0 + i] = (float) (buf[i * c + ch] * (1.0 / 2147483648.0));
    }
  sf_close (sf);
  return out;
}

const LwCodec lw_codec_flac = {
  .name = "flac",
  .title = "FLAC",
  .description = "FLAC (libsndfile/libFLAC): lossless after 16- or 24-bit quantisation",
  .kind = LW_MEDIA_AUDIO,
  .id = LW_CODEC_ID_FLAC,
  .params = flac_params,
  .n_params = G_N_ELEMENTS (flac_params),
  .sweep_param = "level",
  .sweep_descending = TRUE,
  .analyse = flac_analyse,
  .analysis_free = flac_analysis_free,
  .encode = flac_encode,
  .decode = flac_decode,
};
