/* test-audio-io.c — audio file reading and writing, audio measuring and RD sweeps on audio
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reading is checked against an independent reader: tests/vectors/audio/io-samples.txt holds
 * the samples of the committed WAV files as scipy.io.wavfile reads them
 * (tools/gen-audio-io-vectors.py); the AIFF file holds the same samples as the 16-bit WAV.
 * Writing is checked by bit-exact round trips and by what the integer formats do to values
 * outside [−1, 1]. Bad inputs are hand-made headers and cut files.
 */
#define G_LOG_DOMAIN "test-audio-io"

#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "lw-audio-io.h"
#include "lw-audio-measure.h"
#include "lw-audio-metrics.h"
#include "lw-codec.h"
#include "lw-error.h"
#include "lw-rd.h"

const char *__lsan_default_suppressions (void);

/* Under ASan, LeakSanitizer asks for this weak hook. libvorbis leaks a header structure when
 * libsndfile's Ogg open fails on a cut stream (inside the library's error path, cf.
 * xiph/vorbis#125; nothing is handed back for us to free). Only libvorbis is exempt. */
const char *
__lsan_default_suppressions (void)
{
  return "leak:libvorbis.so\n";
}

/* ---------------------------------------------------------------- helpers */

static LwTensor *
load_vector (const char *name, LwAudioInfo *info)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "vectors", "audio", name, NULL);
  g_autoptr (GError) error = NULL;
  LwTensor *t = lw_audio_load (path, info, &error);
  g_assert_no_error (error);
  g_assert_nonnull (t);
  return t;
}

/* The samples of `name` from io-samples.txt, already divided by the file's scale */
static LwTensor *
expected_samples (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "vectors", "audio",
                                                 "io-samples.txt", NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i]; i++)
    {
      g_auto (GStrv) head = g_strsplit (lines[i], " ", -1);
      if (g_strv_length (head) != 5 || strcmp (head[0], name) != 0)
        continue;
      gsize channels = g_ascii_strtoull (head[1], NULL, 10);
      gsize frames = g_ascii_strtoull (head[2], NULL, 10);
      double rate = g_ascii_strtod (head[3], NULL);
      double scale = g_ascii_strtod (head[4], NULL);
      LwTensor *t = lw_tensor_new_2d (channels, frames);
      t->sample_rate = rate;
      for (gsize f = 0; f < frames; f++)
        {
          g_auto (GStrv) v = g_strsplit (lines[i + 1 + f], " ", -1);
          g_assert_cmpuint (g_strv_length (v), ==, channels);
          for (gsize c = 0; c < channels; c++)
            t->data[c * frames + f] = (float) (g_ascii_strtod (v[c], NULL) / scale);
        }
      return t;
    }
  g_error ("%s not in io-samples.txt", name);
  return NULL;
}

static void
assert_same_samples (const LwTensor *a, const LwTensor *b)
{
  g_assert_true (lw_tensor_same_shape (a, b));
  g_assert_cmpfloat (a->sample_rate, ==, b->sample_rate);
  gsize n = lw_tensor_numel (a);
  for (gsize i = 0; i < n; i++)
    if (a->data[i] != b->data[i])
      g_error ("sample %zu differs: %.9g vs %.9g", i, a->data[i], b->data[i]);
}

/* A deterministic C×T signal on the grid of `bits`-bit integers (exact after quantising) */
static LwTensor *
grid_signal (gsize channels, gsize frames, double rate, int bits)
{
  LwTensor *t = lw_tensor_new_2d (channels, frames);
  double full = (double) (1u << (bits - 1));
  guint32 s = 12345;
  t->sample_rate = rate;
  for (gsize c = 0; c < channels; c++)
    for (gsize i = 0; i < frames; i++)
      {
        s = s * 1664525u + 1013904223u;
        double v = 0.6 * sin (2 * G_PI * 330.0 * (c + 1) * i / rate)
                   + 0.3 * ((s >> 8) / 16777216.0 - 0.5);
        t->data[c * frames + i] = (float) (round (v * full) / full);
      }
  return t;
}

static LwTensor *
roundtrip (const LwTensor *t, LwAudioFormat format, LwAudioInfo *info)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = lw_audio_encode_memory (t, format, &error);
  g_assert_no_error (error);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  LwTensor *back = lw_audio_load_from_memory (data, len, "roundtrip", info, &error);
  g_assert_no_error (error);
  return back;
}

static void
assert_load_fails (const guint8 *data, gsize len, const char *name, int code,
                   const char *needle)
{
  g_autoptr (GError) error = NULL;
  LwTensor *t = lw_audio_load_from_memory (data, len, name, NULL, &error);
  g_assert_null (t);
  g_assert_error (error, LW_ERROR, code);
  g_assert_nonnull (strstr (error->message, name));
  if (needle && strstr (error->message, needle) == NULL)
    g_error ("“%s” lacks “%s”", error->message, needle);
}

/* A 16-bit PCM WAV header (44 bytes) declaring `data_bytes` of samples */
static GByteArray *
wav_header (guint channels, guint rate, guint32 data_bytes)
{
  GByteArray *b = g_byte_array_new ();
  guint8 h[44];
  guint block = channels * 2;
  memcpy (h, "RIFF", 4);
  guint32 riff = 36 + data_bytes;
  guint32 v[] = { riff };
  memcpy (h + 4, v, 4); /* little-endian host (x86, arm64) */
  memcpy (h + 8, "WAVEfmt ", 8);
  guint32 fmt_len = 16, byte_rate = rate * block;
  guint16 pcm = 1, ch = (guint16) channels, align = (guint16) block, bits = 16;
  memcpy (h + 16, &fmt_len, 4);
  memcpy (h + 20, &pcm, 2);
  memcpy (h + 22, &ch, 2);
  memcpy (h + 24, &rate, 4);
  memcpy (h + 28, &byte_rate, 4);
  memcpy (h + 32, &align, 2);
  memcpy (h + 34, &bits, 2);
  memcpy (h + 36, "data", 4);
  memcpy (h + 40, &data_bytes, 4);
  g_byte_array_append (b, h, sizeof h);
  return b;
}

/* ---------------------------------------------------------------- reading */

static void
test_read_s16 (void)
{
  LwAudioInfo info;
  g_autoptr (LwTensor) t = load_vector ("s16-stereo.wav", &info);
  g_autoptr (LwTensor) want = expected_samples ("s16-stereo.wav");
  assert_same_samples (t, want);
  g_assert_cmpuint (info.sample_rate, ==, 22050);
  g_assert_cmpuint (info.channels, ==, 2);
  g_assert_cmpint (info.frames, ==, 300);
  g_assert_cmpuint (info.bits, ==, 16);
  g_assert_cmpstr (info.container, ==, "WAV");
  g_assert_cmpstr (info.encoding, ==, "PCM_16");
  /* −32768 is exactly −1 and 32767 is 32767/32768 */
  g_assert_cmpfloat (t->data[0], ==, -1.0f);
  g_assert_cmpfloat (t->data[1], ==, 32767.0f / 32768.0f);
}

static void
test_read_s24 (void)
{
  LwAudioInfo info;
  g_autoptr (LwTensor) t = load_vector ("s24-mono.wav", &info);
  g_autoptr (LwTensor) want = expected_samples ("s24-mono.wav");
  assert_same_samples (t, want);
  g_assert_cmpuint (info.bits, ==, 24);
  g_assert_cmpstr (info.encoding, ==, "PCM_24");
  g_assert_cmpfloat (t->data[0], ==, -1.0f);
}

static void
test_read_float (void)
{
  LwAudioInfo info;
  g_autoptr (LwTensor) t = load_vector ("f32-mono.wav", &info);
  g_autoptr (LwTensor) want = expected_samples ("f32-mono.wav");
  assert_same_samples (t, want);
  g_assert_cmpstr (info.encoding, ==, "FLOAT");
  /* Float sources beyond ±1 are kept as they are */
  g_assert_cmpfloat (t->data[0], ==, 1.25f);
  g_assert_cmpfloat (t->data[1], ==, -1.5f);
}

static void
test_read_aiff (void)
{
  LwAudioInfo info;
  g_autoptr (LwTensor) t = load_vector ("s16-stereo.aiff", &info);
  g_autoptr (LwTensor) want = expected_samples ("s16-stereo.wav");
  assert_same_samples (t, want);
  g_assert_cmpstr (info.container, ==, "AIFF");
}

/* The Ogg Vorbis seed of the fuzz corpus: 2000 frames of 0.5 sin (2π 300 t) at 22050 Hz,
 * written through libsndfile by tools/gen-audio-io-vectors.py */
static void
test_read_ogg (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fuzz", "corpus", "audio-load",
                                                 "ogg-vorbis-mono.ogg", NULL);
  g_autoptr (GError) error = NULL;
  LwAudioInfo info;
  g_autoptr (LwTensor) t = lw_audio_load (path, &info, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info.container, ==, "OGG");
  g_assert_cmpstr (info.encoding, ==, "VORBIS");
  g_assert_cmpuint (info.bits, ==, 0);
  g_assert_cmpuint (t->shape[0], ==, 1);
  g_assert_cmpuint (t->shape[1], ==, 2000);
  g_assert_cmpfloat (t->sample_rate, ==, 22050);
  g_autoptr (LwTensor) sine = lw_tensor_new_2d (1, 2000);
  sine->sample_rate = 22050;
  for (gsize i = 0; i < 2000; i++)
    sine->data[i] = (float) (0.5 * sin (2 * G_PI * 300 * i / 22050.0));
  /* Lossy, but the same tone: well above 10 dB */
  g_assert_cmpfloat (lw_snr (sine, t), >, 10.0);

  /* Cut short, libsndfile cannot find the stream's end: refused, naming the file */
  g_autofree char *bytes = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
  g_autoptr (LwTensor) cut = lw_audio_load_from_memory ((const guint8 *) bytes, len - 700,
                                                        "cut.ogg", NULL, &error);
  g_assert_null (cut);
  g_assert_true (error != NULL && error->domain == LW_ERROR);
  g_assert_nonnull (strstr (error->message, "cut.ogg"));
}

static void
test_read_shared (void)
{
  const char *dir = g_getenv ("LW_SHARED_DATADIR");
  g_autofree char *voice = dir ? g_build_filename (dir, "audio", "voice.wav", NULL) : NULL;
  g_autofree char *piano = dir ? g_build_filename (dir, "audio", "piano-band.flac", NULL) : NULL;
  if (voice == NULL || !g_file_test (voice, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no shared audio");
      return;
    }
  g_autoptr (GError) error = NULL;
  LwAudioInfo info;
  g_autoptr (LwTensor) v = lw_audio_load (voice, &info, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (v->shape[0], ==, 1);
  g_assert_cmpfloat (v->sample_rate, ==, 44100);
  g_assert_cmpint (info.frames, ==, (gint64) v->shape[1]);
  g_autoptr (LwTensor) p = lw_audio_load (piano, &info, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info.container, ==, "FLAC");
  g_assert_cmpuint (p->shape[1], >, 1000);
}

/* ---------------------------------------------------------------- writing */

static void
test_roundtrip_16 (void)
{
  g_autoptr (LwTensor) t = load_vector ("s16-stereo.wav", NULL);
  LwAudioInfo info;
  g_autoptr (LwTensor) wav = roundtrip (t, LW_AUDIO_WAV_16, &info);
  assert_same_samples (t, wav);
  g_assert_cmpstr (info.encoding, ==, "PCM_16");
  g_autoptr (LwTensor) flac = roundtrip (t, LW_AUDIO_FLAC_16, &info);
  assert_same_samples (t, flac);
  g_assert_cmpstr (info.container, ==, "FLAC");

  /* 8 channels at 192 kHz, the limits */
  g_autoptr (LwTensor) wide = grid_signal (8, 5000, 192000, 16);
  g_autoptr (LwTensor) wide_back = roundtrip (wide, LW_AUDIO_FLAC_16, NULL);
  assert_same_samples (wide, wide_back);
}

static void
test_roundtrip_24 (void)
{
  g_autoptr (LwTensor) t = load_vector ("s24-mono.wav", NULL);
  g_autoptr (LwTensor) wav = roundtrip (t, LW_AUDIO_WAV_24, NULL);
  assert_same_samples (t, wav);
  g_autoptr (LwTensor) g = grid_signal (2, 3000, 48000, 24);
  LwAudioInfo info;
  g_autoptr (LwTensor) flac = roundtrip (g, LW_AUDIO_FLAC_24, &info);
  assert_same_samples (g, flac);
  g_assert_cmpuint (info.bits, ==, 24);
}

static void
test_roundtrip_float (void)
{
  g_autoptr (LwTensor) t = lw_tensor_new_2d (3, 1000);
  t->sample_rate = 32000;
  for (gsize i = 0; i < lw_tensor_numel (t); i++)
    t->data[i] = (float) (sin (i * 0.37) * 1.3 + 1e-9 * i);
  LwAudioInfo info;
  g_autoptr (LwTensor) back = roundtrip (t, LW_AUDIO_WAV_FLOAT, &info);
  assert_same_samples (t, back);
  g_assert_cmpstr (info.encoding, ==, "FLOAT");
}

static void
test_write_clips (void)
{
  g_autoptr (LwTensor) t = lw_tensor_new_2d (1, 6);
  const float v[] = { 1.5f, -2.0f, 1.0f, -1.0f, NAN, 0.5f / 32768.0f * 3.0f };
  memcpy (t->data, v, sizeof v);
  t->sample_rate = 8000;
  g_autoptr (LwTensor) b = roundtrip (t, LW_AUDIO_WAV_16, NULL);
  g_assert_cmpfloat (b->data[0], ==, 32767.0f / 32768.0f);
  g_assert_cmpfloat (b->data[1], ==, -1.0f);
  g_assert_cmpfloat (b->data[2], ==, 32767.0f / 32768.0f);
  g_assert_cmpfloat (b->data[3], ==, -1.0f);
  g_assert_cmpfloat (b->data[4], ==, 0.0f);
  g_assert_cmpfloat (b->data[5], ==, 2.0f / 32768.0f); /* 1.5 LSB rounds to 2 */
  g_autoptr (LwTensor) b24 = roundtrip (t, LW_AUDIO_FLAC_24, NULL);
  g_assert_cmpfloat (b24->data[0], ==, 8388607.0f / 8388608.0f);
  g_assert_cmpfloat (b24->data[1], ==, -1.0f);
}

static void
test_save_files (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("lw-audio-io-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *wav = g_build_filename (dir, "out.wav", NULL);
  g_autofree char *flac = g_build_filename (dir, "out.FLAC", NULL);
  g_autofree char *mp3 = g_build_filename (dir, "out.mp3", NULL);
  g_autofree char *nodir = g_build_filename (dir, "missing", "out.wav", NULL);
  g_autoptr (LwTensor) t = grid_signal (2, 2000, 44100, 16);

  g_assert_true (lw_audio_save (t, wav, LW_AUDIO_WAV_16, &error));
  g_assert_no_error (error);
  /* A FLAC format asked for a .wav name: the extension decides the container */
  g_assert_true (lw_audio_save (t, flac, LW_AUDIO_WAV_24, &error));
  g_assert_no_error (error);
  LwAudioInfo info;
  g_autoptr (LwTensor) a = lw_audio_load (wav, &info, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info.container, ==, "WAV");
  assert_same_samples (t, a);
  g_autoptr (LwTensor) b = lw_audio_load (flac, &info, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info.container, ==, "FLAC");
  assert_same_samples (t, b);

  g_assert_false (lw_audio_save (t, mp3, LW_AUDIO_WAV_16, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
  g_assert_nonnull (strstr (error->message, "out.mp3"));
  g_clear_error (&error);
  g_assert_false (lw_audio_save (t, nodir, LW_AUDIO_WAV_16, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_IO);
  g_clear_error (&error);

  /* A failed save (bad tensor) leaves the existing file as it was */
  g_autofree char *before = NULL, *after = NULL;
  gsize n1, n2;
  g_assert_true (g_file_get_contents (wav, &before, &n1, NULL));
  g_autoptr (LwTensor) bad = lw_tensor_new_2d (2, 10); /* no sample rate */
  g_assert_false (lw_audio_save (bad, wav, LW_AUDIO_WAV_16, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (wav, &after, &n2, NULL));
  g_assert_cmpmem (before, n1, after, n2);

  g_autoptr (LwTensor) nine = lw_tensor_new_2d (9, 10);
  nine->sample_rate = 8000;
  g_assert_null (lw_audio_encode_memory (nine, LW_AUDIO_WAV_16, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_SHAPE);
  g_clear_error (&error);

  g_remove (wav);
  g_remove (flac);
  g_rmdir (dir);
}

static void
test_paths (void)
{
  LwAudioFormat f;
  g_assert_true (lw_audio_path_is_audio ("a/b.WAV"));
  g_assert_true (lw_audio_path_is_audio ("x.flac"));
  g_assert_true (lw_audio_path_is_audio ("x.ogg"));
  g_assert_true (lw_audio_path_is_audio ("x.oga"));
  g_assert_true (lw_audio_path_is_audio ("x.aif"));
  g_assert_true (lw_audio_path_is_audio ("x.aiff"));
  g_assert_false (lw_audio_path_is_audio ("x.png"));
  g_assert_false (lw_audio_path_is_audio ("wav"));
  g_assert_false (lw_audio_path_is_audio ("dir.wav/file"));
  g_assert_true (lw_audio_format_for_path ("o.wav", &f));
  g_assert_cmpint (f, ==, LW_AUDIO_WAV_16);
  g_assert_true (lw_audio_format_for_path ("o.Flac", &f));
  g_assert_cmpint (f, ==, LW_AUDIO_FLAC_16);
  g_assert_false (lw_audio_format_for_path ("o.ogg", &f));
  g_assert_false (lw_audio_format_for_path ("o", &f));
}

/* ---------------------------------------------------------------- bad input */

static void
test_bad_truncated (void)
{
  /* A WAV whose data chunk declares 1000 frames; only 600 are there */
  g_autoptr (GByteArray) b = wav_header (1, 8000, 2000);
  guint8 zeros[1200] = { 0 };
  g_byte_array_append (b, zeros, sizeof zeros);
  assert_load_fails (b->data, b->len, "cut.wav", LW_ERROR_TRUNCATED, "400 of the 1000 frames");

  /* The header alone */
  assert_load_fails (b->data, 44, "header-only.wav", LW_ERROR_TRUNCATED, NULL);

  /* A FLAC cut in half */
  g_autoptr (LwTensor) t = grid_signal (2, 20000, 44100, 16);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) flac = lw_audio_encode_memory (t, LW_AUDIO_FLAC_16, &error);
  g_assert_no_error (error);
  gsize len;
  const guint8 *data = g_bytes_get_data (flac, &len);
  assert_load_fails (data, len / 2, "cut.flac", LW_ERROR_TRUNCATED, "missing");

  /* An AIFF cut short */
  g_autofree char *aiff = g_test_build_filename (G_TEST_DIST, "vectors", "audio",
                                                 "s16-stereo.aiff", NULL);
  g_autofree char *bytes = NULL;
  g_assert_true (g_file_get_contents (aiff, &bytes, &len, NULL));
  assert_load_fails ((const guint8 *) bytes, len - 400, "cut.aiff", LW_ERROR_TRUNCATED,
                     "100 of the 300 frames");
}

static void
test_bad_header (void)
{
  /* zero frames */
  g_autoptr (GByteArray) z = wav_header (1, 8000, 0);
  assert_load_fails (z->data, z->len, "zero.wav", LW_ERROR_INVALID_DATA, "zero frames");

  guint8 pad[64] = { 0 };
  g_autoptr (GByteArray) slow = wav_header (1, 100, 64);
  g_byte_array_append (slow, pad, sizeof pad);
  assert_load_fails (slow->data, slow->len, "slow.wav", LW_ERROR_UNSUPPORTED, "100 Hz");
  g_autoptr (GByteArray) fast = wav_header (1, 1000000, 64);
  g_byte_array_append (fast, pad, sizeof pad);
  assert_load_fails (fast->data, fast->len, "fast.wav", LW_ERROR_UNSUPPORTED, "1000000 Hz");
  g_autoptr (GByteArray) many = wav_header (32, 8000, 64);
  g_byte_array_append (many, pad, sizeof pad);
  assert_load_fails (many->data, many->len, "many.wav", LW_ERROR_UNSUPPORTED, "32 channels");

  /* 31 minutes declared at 8 kHz (the samples are not there: refused from the header) */
  g_autoptr (GByteArray) lng = wav_header (1, 8000, 31u * 60 * 8000 * 2);
  g_byte_array_append (lng, pad, sizeof pad);
  assert_load_fails (lng->data, lng->len, "long.wav", LW_ERROR_TOO_LARGE, "30 minutes");

  const char *text = "this is not audio at all, just some text";
  assert_load_fails ((const guint8 *) text, strlen (text), "notes.wav", LW_ERROR_UNSUPPORTED,
                     "not a WAV");
  assert_load_fails ((const guint8 *) "", 0, "empty.wav", LW_ERROR_INVALID_DATA, "empty");
  /* The right magic and garbage after it */
  guint8 junk[80];
  memcpy (junk, "RIFF\x48\0\0\0WAVEjunk", 16);
  memset (junk + 16, 0xff, sizeof junk - 16);
  assert_load_fails (junk, sizeof junk, "junk.wav", LW_ERROR_INVALID_DATA, NULL);

  /* A float WAV with a NaN sample */
  g_autoptr (LwTensor) t = lw_tensor_new_2d (1, 4);
  t->sample_rate = 8000;
  t->data[2] = NAN;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) f = lw_audio_encode_memory (t, LW_AUDIO_WAV_FLOAT, &error);
  g_assert_no_error (error);
  gsize len;
  const guint8 *data = g_bytes_get_data (f, &len);
  assert_load_fails (data, len, "nan.wav", LW_ERROR_INVALID_DATA, "finite");

  /* … and with a sample of 1e9: not audio, named with its frame (at 1e6 it still loads) */
  t->data[2] = 1e6f;
  g_autoptr (GBytes) big_ok = lw_audio_encode_memory (t, LW_AUDIO_WAV_FLOAT, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (big_ok, &len);
  g_autoptr (LwTensor) loaded = lw_audio_load_from_memory (data, len, "loud.wav", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (loaded->data[2], ==, 1e6f);
  t->data[2] = 1e9f;
  g_autoptr (GBytes) big = lw_audio_encode_memory (t, LW_AUDIO_WAV_FLOAT, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (big, &len);
  assert_load_fails (data, len, "huge.wav", LW_ERROR_INVALID_DATA, "sample 2 of channel 0");

  g_assert_null (lw_audio_load ("/nonexistent/dir/x.wav", NULL, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "x.wav"));
}

/* ---------------------------------------------------------------- measuring and RD */

static const LwCodec *
flac_codec (void)
{
  const LwCodec *codec = lw_codec_lookup ("flac", NULL);
  if (codec == NULL)
    g_test_skip ("the flac codec is not registered");
  return codec;
}

static void
test_measure_flac (void)
{
  const LwCodec *codec = flac_codec ();
  if (codec == NULL)
    return;
  g_autoptr (LwTensor) t = grid_signal (2, 22050, 44100, 16);
  g_autoptr (LwParams) params = lw_params_new (codec);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) lwc = NULL;
  g_autoptr (LwTensor) decoded = NULL;
  LwAudioMeasure m;

  g_assert_true (lw_audio_measure_encode (codec, t, params, &m, &lwc, &decoded, NULL, &error));
  g_assert_no_error (error);
  gsize len = g_bytes_get_size (lwc);
  g_assert_cmpuint (m.bytes, ==, len);
  /* 0.5 s of audio: kbit/s = bits / 0.5 s / 1000; bits/sample = bits / (2 · 22050) */
  g_assert_cmpfloat_with_epsilon (m.kbps, len * 8.0 / 0.5 / 1000.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (m.bits_per_sample, len * 8.0 / 44100.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (m.ratio, 2.0 * 44100.0 / len, 1e-9);
  g_assert_cmpfloat (m.bits_per_sample, <, 16.0);
  g_assert_true (isinf (m.snr) && m.snr > 0);
  g_assert_true (isinf (m.psnr) && m.psnr > 0);
  g_assert_cmpfloat_with_epsilon (m.lsd, 0.0, 1e-9);
  g_assert_cmpfloat (m.decode_ms, >=, 0.0);
  assert_same_samples (t, decoded);

  /* Measuring the same .lwc again (codec looked up by id) gives the same figures */
  LwAudioMeasure again;
  g_assert_true (lw_audio_measure_lwc (NULL, t, lwc, &again, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (again.bytes, ==, m.bytes);
  g_assert_cmpfloat (again.kbps, ==, m.kbps);

  /* Against a different signal of the same shape: finite SNR */
  g_autoptr (LwTensor) other = lw_tensor_copy (t);
  for (gsize i = 0; i < lw_tensor_numel (other); i += 7)
    other->data[i] += 0.01f;
  g_assert_true (lw_audio_measure_lwc (codec, other, lwc, &again, NULL, NULL, &error));
  g_assert_true (isfinite (again.snr) && again.snr > 20);
  g_assert_true (isfinite (again.si_sdr) && isfinite (again.lsd));

  /* Wrong shape and an image are errors */
  g_autoptr (LwTensor) mono = grid_signal (1, 22050, 44100, 16);
  g_assert_false (lw_audio_measure_lwc (codec, mono, lwc, &again, NULL, NULL, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_SHAPE);
  g_clear_error (&error);
  g_autoptr (LwTensor) image = lw_tensor_new_3d (3, 8, 8);
  g_assert_false (lw_audio_measure_encode (codec, image, params, &m, NULL, NULL, NULL, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_SHAPE);
  g_clear_error (&error);

  /* Cancelled before starting */
  g_autoptr (GCancellable) cancel = g_cancellable_new ();
  g_cancellable_cancel (cancel);
  g_assert_false (lw_audio_measure_lwc (codec, t, lwc, &again, NULL, cancel, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_rd_audio (void)
{
  const LwCodec *codec = flac_codec ();
  if (codec == NULL)
    return;
  g_autoptr (LwTensor) t = grid_signal (1, 8000, 16000, 16);
  g_autoptr (GError) error = NULL;
  g_autoptr (LwRdCurve) curve = lw_rd_sweep (codec, t, NULL, 4, "grid", NULL, NULL, NULL,
                                             &error);
  g_assert_no_error (error);
  g_assert_cmpuint (curve->points->len, >=, 1);
  for (guint k = 0; k < curve->points->len; k++)
    {
      const LwRdPoint *pt = &g_array_index (curve->points, LwRdPoint, k);
      g_assert_cmpfloat_with_epsilon (pt->bpp, pt->bytes * 8.0 / 8000.0, 1e-9);
      g_assert_cmpfloat_with_epsilon (pt->kbps, pt->bytes * 8.0 / 0.5 / 1000.0, 1e-9);
      g_assert_true (isinf (pt->snr) && isinf (pt->psnr));
      g_assert_true (isnan (pt->ssim) && isnan (pt->psnr_y));
    }

  /* An image for an audio codec (and audio for an image codec) is a shape error */
  g_autoptr (LwTensor) image = lw_tensor_new_3d (3, 16, 16);
  g_assert_null (lw_rd_sweep (codec, image, NULL, 4, "x", NULL, NULL, NULL, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_SHAPE);
  g_clear_error (&error);
  const LwCodec *jpeg = lw_codec_lookup ("jpeg", NULL);
  if (jpeg == NULL)
    return;
  g_assert_null (lw_rd_sweep (jpeg, t, NULL, 4, "x", NULL, NULL, NULL, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_SHAPE);
  g_clear_error (&error);

  /* Image points carry NaN in the audio fields */
  for (gsize i = 0; i < lw_tensor_numel (image); i++)
    image->data[i] = (float) ((i * 37) % 101) / 100.0f;
  g_autoptr (LwRdCurve) ic = lw_rd_sweep (jpeg, image, NULL, 4, "img", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  const LwRdPoint *p0 = &g_array_index (ic->points, LwRdPoint, 0);
  g_assert_true (isnan (p0->kbps) && isnan (p0->snr) && isnan (p0->si_sdr) && isnan (p0->lsd));
  g_assert_true (isfinite (p0->psnr));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/audio-io/read/s16-wav-vs-scipy", test_read_s16);
  g_test_add_func ("/audio-io/read/s24-wav-vs-scipy", test_read_s24);
  g_test_add_func ("/audio-io/read/float-wav-vs-scipy", test_read_float);
  g_test_add_func ("/audio-io/read/aiff-same-as-wav", test_read_aiff);
  g_test_add_func ("/audio-io/read/ogg-vorbis", test_read_ogg);
  g_test_add_func ("/audio-io/read/shared-samples", test_read_shared);
  g_test_add_func ("/audio-io/write/roundtrip-16-exact", test_roundtrip_16);
  g_test_add_func ("/audio-io/write/roundtrip-24-exact", test_roundtrip_24);
  g_test_add_func ("/audio-io/write/roundtrip-float-exact", test_roundtrip_float);
  g_test_add_func ("/audio-io/write/clips-integer", test_write_clips);
  g_test_add_func ("/audio-io/write/files-atomic", test_save_files);
  g_test_add_func ("/audio-io/paths", test_paths);
  g_test_add_func ("/audio-io/bad/truncated", test_bad_truncated);
  g_test_add_func ("/audio-io/bad/header", test_bad_header);
  g_test_add_func ("/audio-measure/flac", test_measure_flac);
  g_test_add_func ("/audio-measure/rd-sweep", test_rd_audio);
  return g_test_run ();
}
