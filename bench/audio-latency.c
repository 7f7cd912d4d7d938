/* audio-latency.c — benchmark: how long the audio page takes from a rate-slider move to the
 * result (decoded and residual signals, spectrograms and figures), per codec, on a 30 s
 * stereo 44.1 kHz clip
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drives the page's own worker (app/lw-audio-jobs: lw_audio_encode_async with the cached
 * analysis, as the slider does) from a GLib main loop and times request → result callback for
 * 10 rate settings spread over each codec's sweep range, 3 rounds (median and 90th percentile
 * of 30 requests; a first round, not counted, warms caches and makes the analysis).
 * As on the page, the log-spectral distance is left out of the result and computed after it
 * (lw_audio_lsd_async); "with LSD" times request → LSD as well.
 * Peer figure in the same run: the codec alone (encode + decode ms of the same requests), and
 * the cost of one spectrogram of the clip. Target: wavelet-latent-audio median ≤ 250 ms.
 * Clip: piano-band.flac ($LW_SHARED_DATADIR/audio, else /work/shared/data/audio) looped or cut
 * to 30 s; a generated music-like signal when it is absent.
 * Usage: audio-latency [--json] [--codec NAME] [AUDIO]   (--codec: only that codec)
 */
#define G_LOG_DOMAIN "lw-bench"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "lw-audio-jobs.h"
#include "lw-rd.h"

#define RATE      44100
#define SECONDS   30
#define CHANNELS  2
#define N_RATES   10
#define REPS      3
#define TARGET_MS 250.0

static const char *codec_names[] = { "wavelet-latent-audio", "opus", "flac" };

typedef struct
{
  GMainLoop           *loop;
  LwAudioEncodeResult *result;
} Wait;

static void
on_lsd_cb (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  double lsd;

  if (!lw_audio_lsd_finish (res, &lsd, NULL))
    g_printerr ("LSD failed\n");
  g_main_loop_quit (user_data);
}

static void
on_encoded_cb (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  Wait *w = user_data;
  g_autoptr (GError) error = NULL;

  w->result = lw_audio_encode_finish (res, &error);
  if (w->result == NULL)
    g_printerr ("encode failed: %s\n", error->message);
  g_main_loop_quit (w->loop);
}

static int
cmp_double (const void *a,
            const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
quantile (double *v,
          guint   n,
          double  q)
{
  qsort (v, n, sizeof (double), cmp_double);
  return v[MIN (n - 1, (guint) floor (q * (n - 1) + 0.5))];
}

/* Loops (or cuts) `src` to SECONDS of CHANNELS channels; a mono source is duplicated. */
static LwTensor *
make_clip (const LwTensor *src)
{
  gsize c = src->shape[0], t = src->shape[1], n = (gsize) SECONDS * RATE;
  LwTensor *out = lw_tensor_new_2d (CHANNELS, n);

  out->sample_rate = RATE;
  for (gsize k = 0; k < CHANNELS; k++)
    {
      const float *x = src->data + MIN (k, c - 1) * t;
      for (gsize i = 0; i < n; i++)
        out->data[k * n + i] = x[i % t];
    }
  return out;
}

/* A music-like stand-in: a chord progression of plucked harmonic notes, panned, with a
 * little noise — broadband, with transients, unlike a pure tone. */
static LwTensor *
make_music (void)
{
  gsize n = (gsize) SECONDS * RATE;
  LwTensor *out = lw_tensor_new_2d (CHANNELS, n);
  static const double roots[] = { 220.0, 174.61, 261.63, 196.0 };
  guint32 seed = 12345;

  out->sample_rate = RATE;
  for (gsize i = 0; i < n; i++)
    {
      double s = (double) i / RATE, l = 0, r = 0;
      guint note = (guint) (s * 4);       /* four notes a second */
      double age = s - note / 4.0;
      double f = roots[(note / 8) % 4] * (1 + (note % 3) * 0.25);
      double env = exp (-6.0 * age), pan = 0.5 + 0.4 * sin (note);
      double v = 0;

      for (guint h = 1; h <= 6; h++)
        v += sin (2 * G_PI * f * h * s) / h;
      seed = seed * 1664525u + 1013904223u;
      v = 0.25 * env * v + 0.01 * ((seed >> 8) / 8388608.0 - 1.0);
      l = v * (1 - pan);
      r = v * pan;
      out->data[i] = (float) l;
      out->data[n + i] = (float) r;
    }
  return out;
}

typedef struct
{
  const char *name;
  double      median_ms, p90_ms, codec_median_ms, kbps_min, kbps_max, lsd_median_ms;
} Row;

static gboolean
bench_codec (const LwCodec *codec,
             LwSharedImage *audio,
             Row           *row)
{
  g_autofree double *values = lw_rd_sweep_values (codec, N_RATES);
  g_autoptr (LwParams) params = lw_params_new (codec);
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (LwAnalysis) analysis = NULL;
  double lat[N_RATES * REPS], bare[N_RATES * REPS], with_lsd[N_RATES * REPS];
  guint n = 0;

  row->name = codec->name;
  row->kbps_min = INFINITY;
  row->kbps_max = -INFINITY;
  for (int rep = -1; rep < REPS; rep++)
    for (guint i = 0; i < N_RATES; i++)
      {
        Wait w = { loop, NULL };
        LwAudioEncodeRequest *request;
        gint64 t0, t1;

        lw_params_set (params, codec->sweep_param, values[i], NULL);
        request = lw_audio_encode_request_new (i, audio, params, analysis);
        request->lsd = FALSE;
        request->residual_spectrogram = FALSE;  /* as the page asks */
        t0 = g_get_monotonic_time ();
        lw_audio_encode_async (NULL, request, NULL, on_encoded_cb, &w);
        g_main_loop_run (loop);
        t1 = g_get_monotonic_time ();
        if (w.result == NULL || !w.result->complete)
          return FALSE;
        lw_audio_lsd_async (NULL, audio, w.result->decoded, NULL, on_lsd_cb, loop);
        g_main_loop_run (loop);
        if (analysis == NULL)
          analysis = lw_analysis_ref (w.result->analysis);
        if (rep >= 0)
          {
            lat[n] = (t1 - t0) / 1000.0;
            with_lsd[n] = (g_get_monotonic_time () - t0) / 1000.0;
            bare[n] = w.result->measure.encode_ms + w.result->measure.decode_ms;
            row->kbps_min = MIN (row->kbps_min, w.result->measure.kbps);
            row->kbps_max = MAX (row->kbps_max, w.result->measure.kbps);
            n++;
          }
        lw_audio_encode_result_free (w.result);
      }
  row->median_ms = quantile (lat, n, 0.5);
  row->lsd_median_ms = quantile (with_lsd, n, 0.5);
  row->p90_ms = quantile (lat, n, 0.9);
  row->codec_median_ms = quantile (bare, n, 0.5);
  return TRUE;
}

static double
spectrogram_ms (const LwTensor *clip)
{
  double t[5];

  for (guint i = 0; i < G_N_ELEMENTS (t); i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr (LwSpectrogramData) s = lw_spectrogram_compute (clip, NULL, NULL);
      t[i] = (g_get_monotonic_time () - t0) / 1000.0;
    }
  return quantile (t, G_N_ELEMENTS (t), 0.5);
}

static char *
default_clip_path (void)
{
  const char *datadir = g_getenv ("LW_SHARED_DATADIR");
  char *path = g_build_filename (datadir ? datadir : "/work/shared/data", "audio",
                                 "piano-band.flac", NULL);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    g_clear_pointer (&path, g_free);
  return path;
}

int
main (int   argc,
      char *argv[])
{
  gboolean json = FALSE;
  const char *only = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (LwSharedImage) audio = NULL;
  const char *source = "generated";
  Row rows[G_N_ELEMENTS (codec_names)];
  double spec_ms;

  lw_memory_keep_large_blocks ();
  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--json"))
      json = TRUE;
    else if (g_str_equal (argv[i], "--codec") && i + 1 < argc)
      only = argv[++i];
    else
      path = g_strdup (argv[i]);
  if (path == NULL)
    path = default_clip_path ();
  if (path != NULL)
    {
      g_autoptr (LwTensor) src = lw_audio_load (path, NULL, &error);
      if (src == NULL)
        {
          g_printerr ("audio-latency: %s\n", error->message);
          return 1;
        }
      if (src->sample_rate != RATE)
        {
          g_printerr ("audio-latency: %s: need %d Hz audio, got %g Hz\n", path, RATE,
                      src->sample_rate);
          return 1;
        }
      audio = lw_shared_image_new (make_clip (src), "bench");
      source = path;
    }
  else
    audio = lw_shared_image_new (make_music (), "bench");

  spec_ms = spectrogram_ms (audio->tensor);
  for (guint c = 0; c < G_N_ELEMENTS (codec_names); c++)
    {
      const LwCodec *codec;

      rows[c] = (Row) { codec_names[c], NAN, NAN, NAN, NAN, NAN };
      if (only != NULL && !g_str_equal (only, codec_names[c]))
        continue;
      codec = lw_codec_lookup (codec_names[c], &error);
      if (codec == NULL || !bench_codec (codec, audio, &rows[c]))
        {
          g_printerr ("audio-latency: %s failed\n", codec_names[c]);
          return 1;
        }
    }

  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      g_autoptr (JsonGenerator) gen = json_generator_new ();
      g_autoptr (JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "clip");
      json_builder_add_string_value (b, source);
      json_builder_set_member_name (b, "seconds");
      json_builder_add_int_value (b, SECONDS);
      json_builder_set_member_name (b, "channels");
      json_builder_add_int_value (b, CHANNELS);
      json_builder_set_member_name (b, "sample_rate");
      json_builder_add_int_value (b, RATE);
      json_builder_set_member_name (b, "requests_per_codec");
      json_builder_add_int_value (b, N_RATES * REPS);
      json_builder_set_member_name (b, "target_ms");
      json_builder_add_double_value (b, TARGET_MS);
      json_builder_set_member_name (b, "spectrogram_ms");
      json_builder_add_double_value (b, spec_ms);
      json_builder_set_member_name (b, "codecs");
      json_builder_begin_array (b);
      for (guint c = 0; c < G_N_ELEMENTS (codec_names); c++)
        {
          if (isnan (rows[c].median_ms))
            continue; /* not run (--codec): JSON has no NaN */
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "codec");
          json_builder_add_string_value (b, rows[c].name);
          json_builder_set_member_name (b, "median_ms");
          json_builder_add_double_value (b, rows[c].median_ms);
          json_builder_set_member_name (b, "p90_ms");
          json_builder_add_double_value (b, rows[c].p90_ms);
          json_builder_set_member_name (b, "with_lsd_median_ms");
          json_builder_add_double_value (b, rows[c].lsd_median_ms);
          json_builder_set_member_name (b, "codec_median_ms");
          json_builder_add_double_value (b, rows[c].codec_median_ms);
          json_builder_set_member_name (b, "pipeline_overhead_ratio");
          json_builder_add_double_value (b, rows[c].median_ms / rows[c].codec_median_ms);
          json_builder_set_member_name (b, "kbps_min");
          json_builder_add_double_value (b, rows[c].kbps_min);
          json_builder_set_member_name (b, "kbps_max");
          json_builder_add_double_value (b, rows[c].kbps_max);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_set_member_name (b, "wavelet_latent_audio_median_over_target");
      if (isnan (rows[0].median_ms))
        json_builder_add_null_value (b);
      else
        json_builder_add_double_value (b, rows[0].median_ms / TARGET_MS);
      json_builder_set_member_name (b, "wavelet_latent_audio_over_opus");
      if (isnan (rows[0].median_ms / rows[1].median_ms))
        json_builder_add_null_value (b);
      else
        json_builder_add_double_value (b, rows[0].median_ms / rows[1].median_ms);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      json_generator_set_pretty (gen, TRUE);
      text = json_generator_to_data (gen, NULL);
      printf ("%s\n", text);
    }
  else
    {
      printf ("request → result on a %d s %d-channel %d Hz clip (%s), %d requests per codec "
              "(ms)\n", SECONDS, CHANNELS, RATE, source, N_RATES * REPS);
      printf ("%-22s %9s %9s %14s %10s %16s\n", "codec", "median", "p90", "codec alone",
              "overhead", "kbit/s");
      for (guint c = 0; c < G_N_ELEMENTS (codec_names); c++)
        printf ("%-22s %9.1f %9.1f %14.1f %9.2f× %7.1f–%-7.1f\n", rows[c].name,
                rows[c].median_ms, rows[c].p90_ms, rows[c].codec_median_ms,
                rows[c].median_ms / rows[c].codec_median_ms, rows[c].kbps_min,
                rows[c].kbps_max);
      printf ("one spectrogram of the clip: %.1f ms\n", spec_ms);
      printf ("wavelet-latent-audio median / target (%.0f ms): %.2f\n", TARGET_MS,
              rows[0].median_ms / TARGET_MS);
    }
  return 0;
}
