/* lw-audio-io.c — audio files (libsndfile) to and from C×T float tensors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything goes through libsndfile's virtual I/O over memory: files are mapped, not copied,
 * and the fuzz target exercises exactly the path real files take. Integer PCM is read and
 * written through libsndfile's int interface with our own scaling (1/2^31 on read, rounding
 * to the target depth on write): libsndfile's float conversion scales by 2^15 one way and
 * 2^15 − 1 the other, which would break bit-exact 16-bit round trips.
 */
#define G_LOG_DOMAIN "lw-audio-io"

#include "lw-audio-io.h"
#include "lw-error.h"
#include "lw-image-io.h"

#include <math.h>
#include <sndfile.h>
#include <string.h>

/* Frames per libsndfile read/write call: bounds temporary buffers */
#define BLOCK_FRAMES 16384

/* ---------------------------------------------------------------- virtual I/O */

typedef struct
{
  const guint8 *data;
  gsize         len;
  sf_count_t    pos;
} MemReader;

static sf_count_t
mr_get_filelen (void *user)
{
  return (sf_count_t) ((MemReader *) user)->len;
}

static sf_count_t
mr_seek (sf_count_t offset, int whence, void *user)
{
  MemReader *m = user;
  sf_count_t base = whence == SEEK_CUR ? m->pos : whence == SEEK_END ? (sf_count_t) m->len : 0;
  sf_count_t pos = base + offset;
  if (pos < 0)
    return -1;
  /* Beyond the end is allowed, as with a file; reads there return 0 bytes */
  m->pos = pos;
  return pos;
}

static sf_count_t
mr_read (void *ptr, sf_count_t count, void *user)
{
  MemReader *m = user;
  if (count <= 0 || m->pos >= (sf_count_t) m->len)
    return 0;
  sf_count_t n = MIN (count, (sf_count_t) m->len - m->pos);
  memcpy (ptr, m->data + m->pos, (size_t) n);
  m->pos += n;
  return n;
}

static sf_count_t
mr_write (const void *ptr, sf_count_t count, void *user)
{
  return 0;
}

static sf_count_t
mr_tell (void *user)
{
  return ((MemReader *) user)->pos;
}

typedef struct
{
  GByteArray *buf;
  sf_count_t  pos;
} MemWriter;

static sf_count_t
mw_get_filelen (void *user)
{
  return (sf_count_t) ((MemWriter *) user)->buf->len;
}

static sf_count_t
mw_seek (sf_count_t offset, int whence, void *user)
{
  MemWriter *m = user;
  sf_count_t base = whence == SEEK_CUR ? m->pos
                    : whence == SEEK_END ? (sf_count_t) m->buf->len : 0;
  sf_count_t pos = base + offset;
  if (pos < 0)
    return -1;
  m->pos = pos;
  return pos;
}

static sf_count_t
mw_read (void *ptr, sf_count_t count, void *user)
{
  MemWriter *m = user;
  if (count <= 0 || m->pos >= (sf_count_t) m->buf->len)
    return 0;
  sf_count_t n = MIN (count, (sf_count_t) m->buf->len - m->pos);
  memcpy (ptr, m->buf->data + m->pos, (size_t) n);
  m->pos += n;
  return n;
}

static sf_count_t
mw_write (const void *ptr, sf_count_t count, void *user)
{
  MemWriter *m = user;
  if (count <= 0)
    return 0;
  gsize end = (gsize) m->pos + (gsize) count;
  if (end > G_MAXUINT)
    return 0; /* GByteArray's limit; libsndfile reports the short write */
  if (end > m->buf->len)
    {
      gsize old = m->buf->len;
      g_byte_array_set_size (m->buf, (guint) end);
      /* A seek past the end leaves a gap that a file would read back as zeros */
      if ((gsize) m->pos > old)
        memset (m->buf->data + old, 0, (gsize) m->pos - old);
    }
  memcpy (m->buf->data + m->pos, ptr, (size_t) count);
  m->pos += count;
  return count;
}

static sf_count_t
mw_tell (void *user)
{
  return ((MemWriter *) user)->pos;
}

/* ---------------------------------------------------------------- containers */

typedef enum
{
  CONTAINER_NONE,
  CONTAINER_WAV,
  CONTAINER_RF64,
  CONTAINER_FLAC,
  CONTAINER_OGG,
  CONTAINER_AIFF,
} Container;

static Container
sniff_container (const guint8 *d, gsize len)
{
  if (len >= 12 && memcmp (d, "RIFF", 4) == 0 && memcmp (d + 8, "WAVE", 4) == 0)
    return CONTAINER_WAV;
  if (len >= 12 && memcmp (d, "RF64", 4) == 0 && memcmp (d + 8, "WAVE", 4) == 0)
    return CONTAINER_RF64;
  if (len >= 4 && memcmp (d, "fLaC", 4) == 0)
    return CONTAINER_FLAC;
  if (len >= 4 && memcmp (d, "OggS", 4) == 0)
    return CONTAINER_OGG;
  if (len >= 12 && memcmp (d, "FORM", 4) == 0
      && (memcmp (d + 8, "AIFF", 4) == 0 || memcmp (d + 8, "AIFC", 4) == 0))
    return CONTAINER_AIFF;
  return CONTAINER_NONE;
}

static guint32
le32 (const guint8 *p)
{
  return p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

static guint32
be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

/* The frame count a WAV or AIFF header declares, or −1 when it does not say (streaming
 * writers put 0 or 0xFFFFFFFF in the data size). libsndfile quietly shortens a data chunk
 * that runs past the end of the file, so truncation is only visible by reading the header
 * ourselves. */
static gint64
declared_frames (Container c, const guint8 *d, gsize len)
{
  gsize off = 12;
  gint64 block_align = 0, data_size = -1, aiff_frames = -1;

  if (c != CONTAINER_WAV && c != CONTAINER_AIFF)
    return -1;
  while (off + 8 <= len)
    {
      const guint8 *h = d + off;
      guint32 size = c == CONTAINER_WAV ? le32 (h + 4) : be32 (h + 4);
      const guint8 *body = h + 8;
      gsize avail = len - off - 8;

      if (c == CONTAINER_WAV)
        {
          if (memcmp (h, "fmt ", 4) == 0 && avail >= 14)
            block_align = body[12] | body[13] << 8;
          else if (memcmp (h, "data", 4) == 0)
            {
              data_size = size;
              break;
            }
        }
      else if (memcmp (h, "COMM", 4) == 0 && avail >= 6)
        {
          aiff_frames = be32 (body + 2);
          break;
        }
      /* Chunks are padded to an even size */
      guint64 next = (guint64) off + 8 + size + (size & 1);
      if (next > len)
        break;
      off = (gsize) next;
    }
  if (c == CONTAINER_AIFF)
    return aiff_frames > 0 ? aiff_frames : -1;
  if (block_align <= 0 || data_size <= 0 || data_size == 0xFFFFFFFF)
    return -1;
  return data_size / block_align;
}

static const char *
container_name (int format)
{
  switch (format & SF_FORMAT_TYPEMASK)
    {
    case SF_FORMAT_WAV:
    case SF_FORMAT_WAVEX:
    case SF_FORMAT_RF64:
      return "WAV";
    case SF_FORMAT_FLAC:
      return "FLAC";
    case SF_FORMAT_OGG:
      return "OGG";
    case SF_FORMAT_AIFF:
      return "AIFF";
    default:
      return "OTHER";
    }
}

static const char *
encoding_name (int format, guint *bits, gboolean *integer)
{
  *integer = FALSE;
  *bits = 0;
  switch (format & SF_FORMAT_SUBMASK)
    {
    case SF_FORMAT_PCM_S8:
      *bits = 8, *integer = TRUE;
      return "PCM_S8";
    case SF_FORMAT_PCM_U8:
      *bits = 8, *integer = TRUE;
      return "PCM_U8";
    case SF_FORMAT_PCM_16:
      *bits = 16, *integer = TRUE;
      return "PCM_16";
    case SF_FORMAT_PCM_24:
      *bits = 24, *integer = TRUE;
      return "PCM_24";
    case SF_FORMAT_PCM_32:
      *bits = 32, *integer = TRUE;
      return "PCM_32";
    case SF_FORMAT_FLOAT:
      *bits = 32;
      return "FLOAT";
    case SF_FORMAT_DOUBLE:
      *bits = 64;
      return "DOUBLE";
    case SF_FORMAT_VORBIS:
      return "VORBIS";
    case SF_FORMAT_OPUS:
      return "OPUS";
    case SF_FORMAT_ULAW:
      *bits = 8;
      return "ULAW";
    case SF_FORMAT_ALAW:
      *bits = 8;
      return "ALAW";
    case SF_FORMAT_IMA_ADPCM:
      *bits = 4;
      return "IMA_ADPCM";
    case SF_FORMAT_MS_ADPCM:
      *bits = 4;
      return "MS_ADPCM";
    default:
      return "OTHER";
    }
}

/* ---------------------------------------------------------------- loading */

static gboolean
check_header (const SF_INFO *sfi, gint64 frames, const char *name, GError **error)
{
  if (sfi->samplerate < LW_AUDIO_MIN_RATE || sfi->samplerate > LW_AUDIO_MAX_RATE)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                   "%s: sample rate %d Hz is outside the supported %d–%d Hz", name,
                   sfi->samplerate, LW_AUDIO_MIN_RATE, LW_AUDIO_MAX_RATE);
      return FALSE;
    }
  if (sfi->channels < 1 || sfi->channels > LW_AUDIO_MAX_CHANNELS)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                   "%s: %d channels; 1 to %d are supported", name, sfi->channels,
                   LW_AUDIO_MAX_CHANNELS);
      return FALSE;
    }
  if (frames <= 0)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "%s: the file holds no audio (zero frames)", name);
      return FALSE;
    }
  if (frames > (gint64) LW_AUDIO_MAX_SECONDS * sfi->samplerate)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "%s: %.1f minutes of audio; at most %d minutes are supported", name,
                   (double) frames / sfi->samplerate / 60.0, LW_AUDIO_MAX_SECONDS / 60);
      return FALSE;
    }
  return TRUE;
}

LwTensor *
lw_audio_load_from_memory (const guint8 *data, gsize len, const char *name, LwAudioInfo *info,
                           GError **error)
{
  g_return_val_if_fail (data != NULL || len == 0, NULL);
  if (name == NULL)
    name = "audio";

  if (len == 0)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "%s: the file is empty; not a WAV, FLAC, Ogg or AIFF file", name);
      return NULL;
    }
  Container container = sniff_container (data, len);
  if (container == CONTAINER_NONE)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                   "%s: not a WAV, FLAC, Ogg or AIFF audio file", name);
      return NULL;
    }

  MemReader mr = { data, len, 0 };
  SF_VIRTUAL_IO vio = { mr_get_filelen, mr_seek, mr_read, mr_write, mr_tell };
  SF_INFO sfi = { 0 };
  SNDFILE *sf = sf_open_virtual (&vio, SFM_READ, &sfi, &mr);
  if (sf == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA, "%s: not readable as audio: %s",
                   name, sf_strerror (NULL));
      return NULL;
    }

  LwTensor *result = NULL;
  float *inter = NULL;
  int *ibuf = NULL;
  guint bits;
  gboolean integer;
  const char *encoding = encoding_name (sfi.format, &bits, &integer);

  gint64 declared = MAX ((gint64) sfi.frames, declared_frames (container, data, len));
  if (!check_header (&sfi, declared, name, error))
    goto out;
  if (sfi.frames <= 0)
    {
      /* libsndfile shortened a data chunk that holds nothing at all */
      g_set_error (error, LW_ERROR, LW_ERROR_TRUNCATED,
                   "%s: truncated: all %" G_GINT64_FORMAT " frames the header declares are "
                   "missing", name, declared);
      goto out;
    }
  gsize channels = (gsize) sfi.channels;
  gsize want = (gsize) sfi.frames;
  gsize got = 0, cap = 0;

  /* Grow with what the file delivers, not with what it declares (see the header) */
  if (integer)
    ibuf = g_new (int, (gsize) BLOCK_FRAMES * channels);
  while (got < want)
    {
      gsize n = MIN ((gsize) BLOCK_FRAMES, want - got);
      if (got + n > cap)
        {
          cap = MIN (want, MAX (got + n, 2 * cap));
          float *grown = g_try_realloc_n (inter, cap * channels, sizeof (float));
          if (grown == NULL)
            {
              g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                           "%s: out of memory for %zu frames of audio", name, cap);
              goto out;
            }
          inter = grown;
        }
      float *dst = inter + got * channels;
      sf_count_t r;
      if (integer)
        {
          r = sf_readf_int (sf, ibuf, (sf_count_t) n);
          for (gsize i = 0; r > 0 && i < (gsize) r * channels; i++)
            dst[i] = (float) ((double) ibuf[i] * (1.0 / 2147483648.0));
        }
      else
        r = sf_readf_float (sf, dst, (sf_count_t) n);
      if (r <= 0)
        break;
      got += (gsize) r;
    }

  if (got == 0)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TRUNCATED,
                   "%s: truncated: the header declares %" G_GINT64_FORMAT
                   " frames but none could be read", name, declared);
      goto out;
    }
  if ((gint64) got < declared)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TRUNCATED,
                   "%s: truncated: %" G_GINT64_FORMAT " of the %" G_GINT64_FORMAT
                   " frames the header declares are missing", name, declared - (gint64) got,
                   declared);
      goto out;
    }

  for (gsize i = 0; i < got * channels; i++)
    if (!isfinite (inter[i]))
      {
        g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                     "%s: sample %zu of channel %zu is not a finite number", name,
                     i / channels, i % channels);
        goto out;
      }
    else if (fabsf (inter[i]) > LW_AUDIO_MAX_SAMPLE)
      {
        g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                     "%s: sample %zu of channel %zu is %g, beyond ±%g (120 dB over full "
                     "scale): not audio", name, i / channels, i % channels, inter[i],
                     LW_AUDIO_MAX_SAMPLE);
        goto out;
      }

  gsize shape[2] = { channels, got };
  result = lw_tensor_new_uninit (2, shape, error);
  if (result == NULL)
    goto out;
  result->sample_rate = sfi.samplerate;
  for (gsize c = 0; c < channels; c++)
    {
      float *row = result->data + c * got;
      for (gsize t = 0; t < got; t++)
        row[t] = inter[t * channels + c];
    }

  if (info != NULL)
    {
      memset (info, 0, sizeof *info);
      info->sample_rate = (guint) sfi.samplerate;
      info->channels = (guint) sfi.channels;
      info->frames = (gint64) got;
      info->bits = bits;
      g_strlcpy (info->container, container_name (sfi.format), sizeof info->container);
      g_strlcpy (info->encoding, encoding, sizeof info->encoding);
    }

out:
  g_free (ibuf);
  g_free (inter);
  sf_close (sf);
  return result;
}

LwTensor *
lw_audio_load (const char *path, LwAudioInfo *info, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *display = g_filename_display_name (path);
  /* Mapped, not read: a 30-minute 8-channel file is large, and only the samples are copied */
  g_autoptr (GMappedFile) map = g_mapped_file_new (path, FALSE, &local);

  if (map == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_IO, "%s", local->message);
      return NULL;
    }
  const guint8 *data = (const guint8 *) g_mapped_file_get_contents (map);
  gsize len = g_mapped_file_get_length (map);
  return lw_audio_load_from_memory (data != NULL ? data : (const guint8 *) "", len, display,
                                    info, error);
}

/* ---------------------------------------------------------------- writing */

static gboolean
check_audio (const LwTensor *audio, GError **error)
{
  if (audio->ndim != 2 || audio->shape[0] < 1 || audio->shape[0] > LW_AUDIO_MAX_CHANNELS
      || audio->shape[1] < 1)
    {
      g_autofree char *s = lw_tensor_shape_string (audio);
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE,
                   "audio: expected C×T samples with 1 to %d channels, got %s",
                   LW_AUDIO_MAX_CHANNELS, s);
      return FALSE;
    }
  double rate = round (audio->sample_rate);
  if (!(rate >= LW_AUDIO_MIN_RATE && rate <= LW_AUDIO_MAX_RATE))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "audio: sample rate %g Hz is outside the supported %d–%d Hz",
                   audio->sample_rate, LW_AUDIO_MIN_RATE, LW_AUDIO_MAX_RATE);
      return FALSE;
    }
  return TRUE;
}

/* Round to a signed integer of `bits` bits after clipping to [−1, 1]; NaN → 0 */
static inline int
quantise (float x, int bits)
{
  double full = (double) (1u << (bits - 1));
  double v = isnan (x) ? 0.0 : CLAMP ((double) x, -1.0, 1.0);
  double s = CLAMP (nearbyint (v * full), -full, full - 1.0);
  /* libsndfile's int interface takes the sample in the top bits of an int */
  return (int) s * (1 << (32 - bits));
}

GBytes *
lw_audio_encode_memory (const LwTensor *audio, LwAudioFormat format, GError **error)
{
  g_return_val_if_fail (audio != NULL, NULL);
  if (!check_audio (audio, error))
    return NULL;

  int sf_format, bits = 0;
  switch (format)
    {
    case LW_AUDIO_WAV_16:
      sf_format = SF_FORMAT_WAV | SF_FORMAT_PCM_16, bits = 16;
      break;
    case LW_AUDIO_WAV_24:
      sf_format = SF_FORMAT_WAV | SF_FORMAT_PCM_24, bits = 24;
      break;
    case LW_AUDIO_WAV_FLOAT:
      sf_format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
      break;
    case LW_AUDIO_FLAC_16:
      sf_format = SF_FORMAT_FLAC | SF_FORMAT_PCM_16, bits = 16;
      break;
    case LW_AUDIO_FLAC_24:
      sf_format = SF_FORMAT_FLAC | SF_FORMAT_PCM_24, bits = 24;
      break;
    default:
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM, "audio: unknown output format %d",
                   (int) format);
      return NULL;
    }

  gsize channels = audio->shape[0], frames = audio->shape[1];
  SF_INFO sfi = { 0 };
  sfi.samplerate = (int) round (audio->sample_rate);
  sfi.channels = (int) channels;
  sfi.format = sf_format;
  if (!sf_format_check (&sfi))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                   "audio: libsndfile cannot write %zu channels at %d Hz in this format",
                   channels, sfi.samplerate);
      return NULL;
    }

  MemWriter mw = { g_byte_array_new (), 0 };
  SF_VIRTUAL_IO vio = { mw_get_filelen, mw_seek, mw_read, mw_write, mw_tell };
  SNDFILE *sf = sf_open_virtual (&vio, SFM_WRITE, &sfi, &mw);
  if (sf == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_FAILED, "audio: cannot start writing: %s",
                   sf_strerror (NULL));
      g_byte_array_unref (mw.buf);
      return NULL;
    }

  gboolean ok = TRUE;
  g_autofree int *ibuf = bits ? g_new (int, (gsize) BLOCK_FRAMES * channels) : NULL;
  g_autofree float *fbuf = bits ? NULL : g_new (float, (gsize) BLOCK_FRAMES * channels);
  for (gsize t0 = 0; t0 < frames && ok; t0 += BLOCK_FRAMES)
    {
      gsize n = MIN ((gsize) BLOCK_FRAMES, frames - t0);
      for (gsize c = 0; c < channels; c++)
        {
          const float *row = audio->data + c * frames + t0;
          if (bits)
            for (gsize t = 0; t < n; t++)
              ibuf[t * channels + c] = quantise (row[t], bits);
          else
            for (gsize t = 0; t < n; t++)
              fbuf[t * channels + c] = row[t];
        }
      sf_count_t w = bits ? sf_writef_int (sf, ibuf, (sf_count_t) n)
                          : sf_writef_float (sf, fbuf, (sf_count_t) n);
      ok = w == (sf_count_t) n;
    }
  if (!ok)
    g_set_error (error, LW_ERROR, LW_ERROR_FAILED, "audio: writing samples failed: %s",
                 sf_strerror (sf));
  /* Closing writes the final header fields (and, for FLAC, flushes the last block) */
  if (sf_close (sf) != 0 && ok)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_FAILED, "audio: finishing the file failed");
      ok = FALSE;
    }
  if (!ok)
    {
      g_byte_array_unref (mw.buf);
      return NULL;
    }
  return g_byte_array_free_to_bytes (mw.buf);
}

gboolean
lw_audio_format_for_path (const char *path, LwAudioFormat *format)
{
  g_return_val_if_fail (path != NULL, FALSE);
  const char *dot = strrchr (path, '.');
  LwAudioFormat f;

  if (dot == NULL || strchr (dot, G_DIR_SEPARATOR) != NULL)
    return FALSE;
  if (g_ascii_strcasecmp (dot, ".wav") == 0)
    f = LW_AUDIO_WAV_16;
  else if (g_ascii_strcasecmp (dot, ".flac") == 0)
    f = LW_AUDIO_FLAC_16;
  else
    return FALSE;
  if (format)
    *format = f;
  return TRUE;
}

gboolean
lw_audio_path_is_audio (const char *path)
{
  static const char *const exts[] = { ".wav", ".flac", ".ogg", ".oga", ".aif", ".aiff", ".aifc" };

  g_return_val_if_fail (path != NULL, FALSE);
  const char *dot = strrchr (path, '.');
  if (dot == NULL || strchr (dot, G_DIR_SEPARATOR) != NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (exts); i++)
    if (g_ascii_strcasecmp (dot, exts[i]) == 0)
      return TRUE;
  return FALSE;
}

gboolean
lw_audio_save (const LwTensor *audio, const char *path, LwAudioFormat format, GError **error)
{
  LwAudioFormat by_path;
  g_autofree char *display = g_filename_display_name (path);

  if (!lw_audio_format_for_path (path, &by_path))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "%s: audio can be written as .wav or .flac only", display);
      return FALSE;
    }
  /* The extension picks the container; `format` may choose the depth within it */
  gboolean is_wav = by_path == LW_AUDIO_WAV_16;
  gboolean format_is_wav = format == LW_AUDIO_WAV_16 || format == LW_AUDIO_WAV_24
                           || format == LW_AUDIO_WAV_FLOAT;
  if (is_wav != format_is_wav)
    format = by_path;

  g_autoptr (GError) local = NULL;
  g_autoptr (GBytes) bytes = lw_audio_encode_memory (audio, format, &local);
  if (bytes == NULL)
    {
      g_set_error (error, local->domain, local->code, "%s: %s", display, local->message);
      return FALSE;
    }
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  return lw_file_write_atomic (path, data, len, error);
}
