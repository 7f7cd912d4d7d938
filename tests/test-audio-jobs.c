/* test-audio-jobs.c — the audio page's worker jobs: loading with a spectrogram, and the
 * encode → decode → measure round trip with residual, spectrograms, analysis reuse and
 * cancellation
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Needs no display (no widget is made) but links the app library, so it is in the gui suite.
 */
#define G_LOG_DOMAIN "test-audio-jobs"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "lw-audio-jobs.h"
#include "lw-error.h"

static char *tmp_dir;
static char *voice_path;

typedef struct
{
  GMainLoop           *loop;
  LwAudioLoadResult   *load;
  LwAudioEncodeResult *encode;
  GError              *error;
} Wait;

static void
on_loaded_cb (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  Wait *w = user_data;

  w->load = lw_load_audio_finish (res, &w->error);
  g_main_loop_quit (w->loop);
}

static void
on_encoded_cb (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  Wait *w = user_data;

  w->encode = lw_audio_encode_finish (res, &w->error);
  g_main_loop_quit (w->loop);
}

static LwAudioLoadResult *
load (const char                  *path,
      const LwSpectrogramSettings *settings,
      GError                     **error)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  Wait w = { loop, NULL, NULL, NULL };

  lw_load_audio_async (NULL, file, settings, NULL, on_loaded_cb, &w);
  g_main_loop_run (loop);
  if (w.error != NULL)
    g_propagate_error (error, w.error);
  return w.load;
}

static LwAudioEncodeResult *
encode (LwAudioEncodeRequest *request,
        GCancellable         *cancellable,
        gboolean              cancel_after_start,
        GError              **error)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Wait w = { loop, NULL, NULL, NULL };

  lw_audio_encode_async (NULL, request, cancellable, on_encoded_cb, &w);
  if (cancel_after_start)
    g_cancellable_cancel (cancellable);
  g_main_loop_run (loop);
  if (w.error != NULL)
    g_propagate_error (error, w.error);
  return w.encode;
}

static LwAudioLoadResult *
load_voice (void)
{
  g_autoptr (GError) error = NULL;
  LwAudioLoadResult *r = load (voice_path, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (r);
  return r;
}

static void
test_load (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LwAudioLoadResult) r = NULL;
  LwSpectrogramSettings settings = { 1024, 256, LW_FREQ_LINEAR, 128 };
  const LwTensor *t;
  gsize frames;

  r = load (voice_path, &settings, &error);
  g_assert_no_error (error);
  g_assert_nonnull (r);
  t = r->audio->tensor;
  g_assert_cmpuint (t->ndim, ==, 2);
  g_assert_cmpuint (t->shape[0], ==, r->info.channels);
  g_assert_cmpint ((gint64) t->shape[1], ==, r->info.frames);
  g_assert_cmpfloat (t->sample_rate, ==, (double) r->info.sample_rate);
  g_assert_cmpuint (r->info.sample_rate, ==, 44100);
  g_assert_cmpstr (r->audio->name, ==, "voice.wav");
  g_assert_nonnull (r->audio->path);
  g_assert_true (g_path_is_absolute (r->audio->path));

  /* centred frames: 1 + ⌈T / hop⌉ */
  frames = 1 + (t->shape[1] + 255) / 256;
  g_assert_cmpuint (r->spectrogram->db->ndim, ==, 2);
  g_assert_cmpuint (r->spectrogram->db->shape[0], ==, frames);
  g_assert_cmpuint (r->spectrogram->db->shape[1], ==, 128);
  g_assert_cmpfloat_with_epsilon (r->spectrogram->seconds_per_frame, 256.0 / 44100.0, 1e-12);
  g_assert_cmpfloat (r->spectrogram->f_min, ==, 0.0);
  g_assert_cmpfloat (r->spectrogram->f_max, ==, 22050.0);
  g_assert_true (r->spectrogram->scale == LW_FREQ_LINEAR);
}

static void
test_load_defaults (void)
{
  g_autoptr (LwAudioLoadResult) r = load_voice ();
  const LwTensor *t = r->audio->tensor;
  gsize hop = 2048 / 4;

  /* A 1.4 s clip: the smallest hop, n_fft / 4 */
  g_assert_cmpuint (r->spectrogram->db->shape[0], ==, 1 + (t->shape[1] + hop - 1) / hop);
  g_assert_cmpuint (r->spectrogram->db->shape[1], ==, 256);
  g_assert_true (r->spectrogram->scale == LW_FREQ_LOG);
  g_assert_cmpfloat (r->spectrogram->f_min, >, 0.0);
}

/* Auto hop: n_fft / 4 while that gives ≤ 4000 frames (30 s at 44.1 kHz: 2585 frames), and
 * beyond that the smallest hop that does (60 s: just under 4000) */
static void
check_auto_frames (gsize  seconds,
                   gsize  channels,
                   gsize  expect_min)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LwTensor) t = lw_tensor_new_2d (channels, seconds * 44100);
  g_autoptr (LwSpectrogramData) s = NULL;
  gsize hop, n = t->shape[1];

  t->sample_rate = 44100;
  for (gsize k = 0; k < channels; k++)
    for (gsize i = 0; i < n; i++)
      t->data[k * n + i] = 0.5f * sinf (2.0f * G_PI * 440.0f * i / 44100.0f);
  s = lw_spectrogram_compute (t, NULL, &error);
  g_assert_no_error (error);
  hop = (gsize) round (s->seconds_per_frame * 44100.0);
  g_assert_cmpuint (hop, >=, 512);
  g_assert_cmpuint (s->db->shape[0], ==, 1 + (n + hop - 1) / hop);
  g_assert_cmpuint (s->db->shape[0], <=, 4000);
  g_assert_cmpuint (s->db->shape[0], >=, expect_min);
  g_assert_cmpuint (s->db->shape[1], ==, 256);
}

static void
test_long_clip_frames (void)
{
  check_auto_frames (30, 2, 2585);
  check_auto_frames (60, 1, 3990);
}

/* A chosen hop is kept while the frames fit, raised when they would not; the window is the one
 * asked for: on a 1001 Hz sine (between bins 23 and 24), the rectangular window leaks far more into distant
 * rows than Blackman's. */
static void
test_chosen_settings (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LwTensor) t = lw_tensor_new_2d (1, 60 * 44100);
  LwSpectrogramSettings settings;
  gsize n = t->shape[1];
  double leak[2];

  t->sample_rate = 44100;
  for (gsize i = 0; i < n; i++)
    t->data[i] = (float) (0.5 * sin (2.0 * G_PI * 1001.0 * (double) (i % 44100) / 44100.0));
  lw_spectrogram_settings_init (&settings);
  g_assert_true (settings.window == LW_WINDOW_HANN);
  settings.n_fft = 1024;
  settings.hop = 128;   /* 60 s would need 20672 frames: raised to ⌈n / 3999⌉ */
  settings.scale = LW_FREQ_LINEAR;
  for (guint w = 0; w < 2; w++)
    {
      g_autoptr (LwSpectrogramData) s = NULL;
      settings.window = w == 0 ? LW_WINDOW_RECT : LW_WINDOW_BLACKMAN;
      s = lw_spectrogram_compute (t, &settings, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (s->n_fft, ==, 1024);
      g_assert_cmpuint (s->hop, ==, (n + 3998) / 3999);
      g_assert_true (s->window == settings.window);
      g_assert_cmpuint (s->db->shape[0], <=, 4000);
      /* the top row (≈ 22 kHz), mid-clip */
      leak[w] = s->db->data[(s->db->shape[0] / 2) * s->db->shape[1] + s->db->shape[1] - 1];
    }
  g_test_message ("22 kHz row: rect %.1f dB, blackman %.1f dB", leak[0], leak[1]);
  g_assert_cmpfloat (leak[0], >, leak[1] + 30.0);

  /* a short clip keeps the chosen hop */
  {
    g_autoptr (LwTensor) short_clip = lw_tensor_new_2d (1, 44100);
    g_autoptr (LwSpectrogramData) s = NULL;
    short_clip->sample_rate = 44100;
    s = lw_spectrogram_compute (short_clip, &settings, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (s->hop, ==, 128);
    g_assert_cmpuint (s->db->shape[0], ==, 1 + (44100 + 127) / 128);
  }
}

static void
check_spectrogram_like (const LwSpectrogramData *s,
                        const LwSpectrogramData *like)
{
  g_assert_nonnull (s);
  g_assert_true (lw_tensor_same_shape (s->db, like->db));
  g_assert_cmpfloat (s->seconds_per_frame, ==, like->seconds_per_frame);
  g_assert_cmpfloat (s->f_min, ==, like->f_min);
  g_assert_cmpfloat (s->f_max, ==, like->f_max);
}

static void
test_flac (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LwAudioLoadResult) r = load_voice ();
  const LwCodec *codec = lw_codec_lookup ("flac", &error);
  g_autoptr (LwParams) params = NULL;
  g_autoptr (LwAudioEncodeResult) e = NULL;
  const LwTensor *res;

  g_assert_no_error (error);
  params = lw_params_new (codec);
  e = encode (lw_audio_encode_request_new (7, r->audio, params, NULL), NULL, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (e->complete);
  g_assert_cmpuint (e->serial, ==, 7);
  g_assert_false (e->analysis_reused);
  g_assert_nonnull (e->analysis);
  g_assert_cmpuint (e->measure.bytes, ==, g_bytes_get_size (e->lwc));
  g_assert_true (isinf (e->measure.snr) && e->measure.snr > 0);
  g_assert_cmpfloat (e->measure.encode_ms, >, 0.0);
  g_assert_true (lw_tensor_same_shape (e->decoded->tensor, r->audio->tensor));
  g_assert_cmpfloat (e->decoded->tensor->sample_rate, ==, 44100.0);
  res = e->residual->tensor;
  g_assert_true (lw_tensor_same_shape (res, r->audio->tensor));
  g_assert_cmpfloat (res->sample_rate, ==, 44100.0);
  for (gsize i = 0; i < lw_tensor_numel (res); i++)
    if (res->data[i] != 0.0f)
      g_assert_cmpfloat (res->data[i], ==, 0.0f);
  check_spectrogram_like (e->decoded_spectrogram, r->spectrogram);
  check_spectrogram_like (e->residual_spectrogram, r->spectrogram);
  /* the original's spectrogram is the decoded one's, bit for bit */
  g_assert_cmpmem (e->decoded_spectrogram->db->data, lw_tensor_numel (r->spectrogram->db) * 4,
                   r->spectrogram->db->data, lw_tensor_numel (r->spectrogram->db) * 4);
}

static void
test_opus_and_reuse (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LwAudioLoadResult) r = load_voice ();
  const LwCodec *codec = lw_codec_lookup ("opus", &error);
  g_autoptr (LwParams) params = NULL;
  g_autoptr (LwAudioEncodeResult) e = NULL;
  g_autoptr (LwAudioEncodeResult) e2 = NULL;
  const LwTensor *orig = r->audio->tensor, *dec, *res;

  g_assert_no_error (error);
  params = lw_params_new (codec);
  lw_params_set (params, "bitrate", 32, &error);
  g_assert_no_error (error);
  e = encode (lw_audio_encode_request_new (1, r->audio, params, NULL), NULL, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (e->complete);
  g_assert_true (isfinite (e->measure.snr));
  g_assert_cmpfloat (e->measure.kbps, >, 20.0);
  g_assert_cmpfloat (e->measure.kbps, <, 60.0);
  dec = e->decoded->tensor;
  res = e->residual->tensor;
  g_assert_true (lw_tensor_same_shape (dec, orig));
  g_assert_true (lw_tensor_same_shape (res, orig));
  for (gsize i = 0; i < lw_tensor_numel (res); i++)
    if (res->data[i] != dec->data[i] - orig->data[i])
      g_assert_cmpfloat (res->data[i], ==, dec->data[i] - orig->data[i]);
  check_spectrogram_like (e->decoded_spectrogram, r->spectrogram);
  check_spectrogram_like (e->residual_spectrogram, r->spectrogram);

  /* A slider move: the same analysis serves another bitrate */
  lw_params_set (params, "bitrate", 96, &error);
  g_assert_no_error (error);
  e2 = encode (lw_audio_encode_request_new (2, r->audio, params, e->analysis), NULL, FALSE,
               &error);
  g_assert_no_error (error);
  g_assert_true (e2->complete);
  g_assert_true (e2->analysis_reused);
  g_assert_true (e2->analysis == e->analysis);
  g_assert_cmpfloat (e2->measure.analyse_ms, ==, 0.0);
  g_assert_cmpfloat (e2->measure.kbps, >, e->measure.kbps);
  g_assert_cmpfloat (e2->measure.snr, >, e->measure.snr);
}

static void
test_wavelet_latent_audio (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LwAudioLoadResult) r = load_voice ();
  const LwCodec *codec = lw_codec_lookup ("wavelet-latent-audio", &error);
  g_autoptr (LwParams) params = NULL;
  g_autoptr (LwAudioEncodeResult) e = NULL;

  g_assert_no_error (error);
  params = lw_params_new (codec);
  e = encode (lw_audio_encode_request_new (3, r->audio, params, NULL), NULL, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (e->complete);
  g_assert_cmpfloat (e->measure.snr, >, 0.0);
  g_assert_cmpfloat (e->measure.analyse_ms, >, 0.0);
  check_spectrogram_like (e->residual_spectrogram, r->spectrogram);
}

static void
check_cancelled (LwAudioEncodeResult *e,
                 GError              *error)
{
  if (e == NULL)
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  else
    {
      g_assert_no_error (error);
      g_assert_false (e->complete);
      g_assert_nonnull (e->analysis);
      g_assert_null (e->lwc);
      g_assert_null (e->decoded);
    }
}

static void
test_cancel (void)
{
  g_autoptr (LwAudioLoadResult) r = load_voice ();
  const LwCodec *codec = lw_codec_lookup ("opus", NULL);
  g_autoptr (LwParams) params = lw_params_new (codec);

  /* cancelled before it starts */
  {
    g_autoptr (GCancellable) cancellable = g_cancellable_new ();
    g_autoptr (GError) error = NULL;
    g_autoptr (LwAudioEncodeResult) e = NULL;

    g_cancellable_cancel (cancellable);
    e = encode (lw_audio_encode_request_new (1, r->audio, params, NULL), cancellable, FALSE,
                &error);
    check_cancelled (e, error);
  }
  /* cancelled while it runs */
  {
    g_autoptr (GCancellable) cancellable = g_cancellable_new ();
    g_autoptr (GError) error = NULL;
    g_autoptr (LwAudioEncodeResult) e = NULL;

    e = encode (lw_audio_encode_request_new (2, r->audio, params, NULL), cancellable, TRUE,
                &error);
    check_cancelled (e, error);
  }
}

static void
test_image_codec_refused (void)
{
  g_autoptr (LwAudioLoadResult) r = load_voice ();
  const LwCodec *codec = lw_codec_lookup ("jpeg", NULL);
  g_autoptr (LwParams) params = lw_params_new (codec);
  g_autoptr (GError) error = NULL;
  g_autoptr (LwAudioEncodeResult) e = NULL;

  e = encode (lw_audio_encode_request_new (1, r->audio, params, NULL), NULL, FALSE, &error);
  g_assert_null (e);
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
  g_assert_nonnull (strstr (error->message, "jpeg"));
}

static void
test_bad_file (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "not-audio.wav", NULL);
  g_autofree char *missing = g_build_filename (tmp_dir, "missing.flac", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) error2 = NULL;
  LwAudioLoadResult *r;

  g_assert_true (g_file_set_contents (path, "RIFF\x10\0\0\0WAVEjunkjunkjunk", 24, NULL));
  r = load (path, NULL, &error);
  g_assert_null (r);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "not-audio.wav"));

  r = load (missing, NULL, &error2);
  g_assert_null (r);
  g_assert_nonnull (error2);
  g_assert_nonnull (strstr (error2->message, "missing.flac"));
}

/* voice.wav from the shared data, or a generated stand-in of the same kind (16-bit mono
 * 44.1 kHz, 1.4 s: a gliding tone with an amplitude envelope) */
static char *
find_or_make_voice (void)
{
  const char *datadir = g_getenv ("LW_SHARED_DATADIR");
  g_autoptr (LwTensor) t = NULL;
  g_autoptr (GError) error = NULL;
  char *path;

  if (datadir != NULL)
    {
      path = g_build_filename (datadir, "audio", "voice.wav", NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return path;
      g_free (path);
    }
  path = g_build_filename (tmp_dir, "voice.wav", NULL);
  t = lw_tensor_new_2d (1, 62079);
  t->sample_rate = 44100;
  for (gsize i = 0; i < t->shape[1]; i++)
    {
      double s = i / 44100.0;
      t->data[i] = (float) (0.4 * sin (G_PI * s / 1.4) *
                            sin (2 * G_PI * (150 + 100 * s) * s));
    }
  g_assert_true (lw_audio_save (t, path, LW_AUDIO_WAV_16, &error));
  g_assert_no_error (error);
  return path;
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  lw_memory_keep_large_blocks ();
  tmp_dir = g_dir_make_tmp ("test-audio-jobs-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  voice_path = find_or_make_voice ();

  g_test_add_func ("/audio-jobs/load/shape-and-spectrogram", test_load);
  g_test_add_func ("/audio-jobs/load/default-settings", test_load_defaults);
  g_test_add_func ("/audio-jobs/spectrogram/long-clip-frames", test_long_clip_frames);
  g_test_add_func ("/audio-jobs/spectrogram/chosen-settings", test_chosen_settings);
  g_test_add_func ("/audio-jobs/load/bad-file", test_bad_file);
  g_test_add_func ("/audio-jobs/encode/flac-lossless", test_flac);
  g_test_add_func ("/audio-jobs/encode/opus-residual-and-reuse", test_opus_and_reuse);
  g_test_add_func ("/audio-jobs/encode/wavelet-latent-audio", test_wavelet_latent_audio);
  g_test_add_func ("/audio-jobs/encode/cancel", test_cancel);
  g_test_add_func ("/audio-jobs/encode/image-codec-refused", test_image_codec_refused);
  status = g_test_run ();

  {
    g_autofree char *generated = g_build_filename (tmp_dir, "voice.wav", NULL);
    g_autofree char *bad = g_build_filename (tmp_dir, "not-audio.wav", NULL);
    g_remove (generated);
    g_remove (bad);
    g_rmdir (tmp_dir);
  }
  g_free (voice_path);
  g_free (tmp_dir);
  return status;
}
