/* image-latency.c — benchmark: how long the image page takes from a slider move to the
 * picture, for each codec, on a 768×512 image
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drives the page's own worker (app/lw-jobs: lw_encode_async with the cached analysis, as the
 * slider does) from a GLib main loop and times request → result callback, for 15 rate
 * settings spread over each codec's sweep range, repeated 3 times (median and 90th percentile
 * of 45 requests). A "result" is what the page shows at once in its default split view:
 * decoded image, rate, PSNR and PSNR-Y; "with SSIM" adds the SSIM/MS-SSIM job that follows.
 * For wavelet-latent the difference view (plus heat map) and latent view (plus latent
 * inspection) are timed too.
 * Peer figures in the same run: the bare codec (encode + decode, no pipeline) and JPEG
 * through the same pipeline. Target: wavelet-latent median ≤ 50 ms.
 * Usage: image-latency [--json] [IMAGE]   (IMAGE is tiled by mirroring to 768×512)
 */
#define G_LOG_DOMAIN "lw-bench"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "lw-image-io.h"
#include "lw-jobs.h"
#include "lw-rd.h"

#define WIDTH   768
#define HEIGHT  512
#define N_RATES 15
#define REPS    3
#define TARGET_MS 50.0

static const char *codec_names[] = { "wavelet-latent", "jpeg", "webp", "jpeg2000" };

typedef struct
{
  GMainLoop      *loop;
  LwEncodeResult *result;
  gboolean        ok;
} Wait;

static void
on_encoded_cb (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  Wait *w = user_data;
  g_autoptr (GError) error = NULL;

  w->result = lw_encode_finish (res, &error);
  if (w->result == NULL)
    g_printerr ("encode failed: %s\n", error->message);
  g_main_loop_quit (w->loop);
}

static void
on_structural_cb (GObject      *source,
                  GAsyncResult *res,
                  gpointer      user_data)
{
  Wait *w = user_data;
  double ssim, ms_ssim;

  w->ok = lw_structural_finish (res, &ssim, &ms_ssim, NULL);
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

/* Mirror-tiles `src` to WIDTH × HEIGHT */
static LwTensor *
make_image (const LwTensor *src)
{
  gsize c = src->shape[0], h = src->shape[1], w = src->shape[2];
  LwTensor *out = lw_tensor_new_3d (c, HEIGHT, WIDTH);

  for (gsize k = 0; k < c; k++)
    for (gsize y = 0; y < HEIGHT; y++)
      for (gsize x = 0; x < WIDTH; x++)
        {
          gsize sx = x % (2 * w), sy = y % (2 * h);
          sx = sx < w ? sx : 2 * w - 1 - sx;
          sy = sy < h ? sy : 2 * h - 1 - sy;
          out->data[(k * HEIGHT + y) * WIDTH + x] = src->data[(k * h + sy) * w + sx];
        }
  return out;
}

typedef struct
{
  const char *name;
  double      median_ms, p90_ms, full_median_ms, codec_median_ms;
} Row;

typedef enum { VIEW_SPLIT, VIEW_DIFFERENCE, VIEW_LATENT } View;

static gboolean
bench_codec (const LwCodec *codec,
             LwSharedImage *image,
             View           view,
             Row           *row)
{
  g_autofree double *values = lw_rd_sweep_values (codec, N_RATES);
  g_autoptr (LwParams) params = lw_params_new (codec);
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (LwAnalysis) analysis = NULL;
  double lat[N_RATES * REPS], full[N_RATES * REPS], bare[N_RATES * REPS];
  guint n = 0;

  row->name = codec->name;
  for (int rep = -1; rep < REPS; rep++)
    for (guint i = 0; i < N_RATES; i++)
      {
        Wait w = { loop, NULL, FALSE };
        LwEncodeRequest *request;
        gint64 t0, t1, t2;

        lw_params_set (params, codec->sweep_param, values[i], NULL);
        request = lw_encode_request_new (i, image, params, analysis);
        request->structural = FALSE;
        request->diff = view == VIEW_DIFFERENCE;
        request->latent = view == VIEW_LATENT;
        t0 = g_get_monotonic_time ();
        lw_encode_async (NULL, request, NULL, on_encoded_cb, &w);
        g_main_loop_run (loop);
        t1 = g_get_monotonic_time ();
        if (w.result == NULL || !w.result->complete)
          return FALSE;
        if (analysis == NULL)
          analysis = lw_analysis_ref (w.result->analysis);
        lw_structural_async (NULL, image, w.result->decoded, NULL, on_structural_cb, &w);
        g_main_loop_run (loop);
        t2 = g_get_monotonic_time ();
        if (rep >= 0) /* the first round warms caches and makes the analysis */
          {
            lat[n] = (t1 - t0) / 1000.0;
            full[n] = (t2 - t0) / 1000.0;
            bare[n] = w.result->measure.encode_ms + w.result->measure.decode_ms;
            n++;
          }
        lw_encode_result_free (w.result);
      }
  row->median_ms = quantile (lat, n, 0.5);
  row->p90_ms = quantile (lat, n, 0.9);
  row->full_median_ms = quantile (full, n, 0.5);
  row->codec_median_ms = quantile (bare, n, 0.5);
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  gboolean json = FALSE;
  const char *path = NULL;
  g_autofree char *default_path = g_build_filename (LW_SOURCE_DATADIR, "samples",
                                                    "astronaut.png", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (LwTensor) src = NULL;
  g_autoptr (LwSharedImage) image = NULL;
  Row rows[G_N_ELEMENTS (codec_names)];
  Row diff_row, latent_row;

  lw_memory_keep_large_blocks ();
  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--json"))
      json = TRUE;
    else
      path = argv[i];
  src = lw_image_load (path ? path : default_path, NULL, &error);
  if (src == NULL)
    {
      g_printerr ("image-latency: %s\n", error->message);
      return 1;
    }
  image = lw_shared_image_new (make_image (src), "bench");

  for (guint c = 0; c < G_N_ELEMENTS (codec_names); c++)
    {
      const LwCodec *codec = lw_codec_lookup (codec_names[c], &error);
      if (codec == NULL || !bench_codec (codec, image, VIEW_SPLIT, &rows[c]) ||
          (c == 0 && (!bench_codec (codec, image, VIEW_DIFFERENCE, &diff_row) ||
                      !bench_codec (codec, image, VIEW_LATENT, &latent_row))))
        {
          g_printerr ("image-latency: %s failed\n", codec_names[c]);
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
      json_builder_set_member_name (b, "width");
      json_builder_add_int_value (b, WIDTH);
      json_builder_set_member_name (b, "height");
      json_builder_add_int_value (b, HEIGHT);
      json_builder_set_member_name (b, "requests_per_codec");
      json_builder_add_int_value (b, N_RATES * REPS);
      json_builder_set_member_name (b, "target_ms");
      json_builder_add_double_value (b, TARGET_MS);
      json_builder_set_member_name (b, "codecs");
      json_builder_begin_array (b);
      for (guint c = 0; c < G_N_ELEMENTS (codec_names); c++)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "codec");
          json_builder_add_string_value (b, rows[c].name);
          json_builder_set_member_name (b, "median_ms");
          json_builder_add_double_value (b, rows[c].median_ms);
          json_builder_set_member_name (b, "p90_ms");
          json_builder_add_double_value (b, rows[c].p90_ms);
          json_builder_set_member_name (b, "full_median_ms");
          json_builder_add_double_value (b, rows[c].full_median_ms);
          json_builder_set_member_name (b, "codec_median_ms");
          json_builder_add_double_value (b, rows[c].codec_median_ms);
          json_builder_set_member_name (b, "pipeline_overhead_ratio");
          json_builder_add_double_value (b, rows[c].median_ms / rows[c].codec_median_ms);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_set_member_name (b, "wavelet_latent_difference_view_median_ms");
      json_builder_add_double_value (b, diff_row.median_ms);
      json_builder_set_member_name (b, "wavelet_latent_latent_view_median_ms");
      json_builder_add_double_value (b, latent_row.median_ms);
      json_builder_set_member_name (b, "wavelet_latent_median_over_target");
      json_builder_add_double_value (b, rows[0].median_ms / TARGET_MS);
      json_builder_set_member_name (b, "wavelet_latent_over_jpeg");
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
      printf ("request → result on a %d×%d image, %d requests per codec (median, p90 in ms)\n",
              WIDTH, HEIGHT, N_RATES * REPS);
      printf ("%-16s %9s %9s %12s %14s %10s\n", "codec", "median", "p90", "with SSIM",
              "codec alone", "overhead");
      for (guint c = 0; c < G_N_ELEMENTS (codec_names); c++)
        printf ("%-16s %9.1f %9.1f %12.1f %14.1f %9.2f×\n", rows[c].name, rows[c].median_ms,
                rows[c].p90_ms, rows[c].full_median_ms, rows[c].codec_median_ms,
                rows[c].median_ms / rows[c].codec_median_ms);
      printf ("wavelet-latent, difference view: median %.1f ms, p90 %.1f ms\n",
              diff_row.median_ms, diff_row.p90_ms);
      printf ("wavelet-latent, latent view:     median %.1f ms, p90 %.1f ms\n",
              latent_row.median_ms, latent_row.p90_ms);
      printf ("wavelet-latent median / target (%.0f ms): %.2f\n", TARGET_MS,
              rows[0].median_ms / TARGET_MS);
    }
  return 0;
}
