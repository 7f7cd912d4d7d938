/* image-codecs.c — benchmark: wavelet-latent against JPEG, JPEG 2000 and WebP in one run
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For each codec, on the sample images (astronaut, chelsea, coffee) or the images named on
 * the command line, single-threaded:
 *   speed    encode MP/s (analyse + encode into a complete .lwc) and decode MP/s
 *            (lw_codec_decode_bytes) at the codec's default parameters; per image the
 *            median of REPS timed runs after one warm-up; the codec's figure is total
 *            megapixels / sum of the per-image medians.
 *   quality  PSNR at 0.25, 0.5 and 1.0 bpp: an RD sweep per image, interpolated per image
 *            (lw_rd_curve_psnr_at, linear in log bpp), then averaged over the images whose
 *            curve covers that rate (n reported).
 *   BD-rate  wavelet-latent against each peer: the mean of the per-image BD-rates (the
 *            primary figure), and also on the matched-setting mean curves.
 *   ratios   wavelet-latent MP/s divided by each peer's MP/s.
 * Usage: image-codecs [--quick] [--json] [IMAGE…]
 */
#define G_LOG_DOMAIN "lw-bench"

#include "config.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "lw-codec.h"
#include "lw-error.h"
#include "lw-image-io.h"
#include "lw-rd.h"

static const char *codec_names[] = { "wavelet-latent", "jpeg", "jpeg2000", "webp" };
#define N_CODECS G_N_ELEMENTS (codec_names)
#define SUBJECT  0 /* the codec compared against the others */

static const double target_bpp[] = { 0.25, 0.5, 1.0 };
#define N_TARGETS G_N_ELEMENTS (target_bpp)

static const char *default_images[] = { "astronaut.png", "chelsea.png", "coffee.png" };

typedef struct
{
  const LwCodec *codec;
  double         enc_mps;
  double         dec_mps;
  double         default_bpp;           /* mean over images at default params */
  double         psnr_at[N_TARGETS];    /* mean over images that reach the rate */
  guint          n_at[N_TARGETS];
  LwRdCurve    **curves;                /* per image */
  LwRdCurve     *mean;
} CodecResult;

typedef struct
{
  const char *peer;
  double      bd_rate_image_mean;   /* mean of per-image BD-rates, percent */
  guint       n_images;             /* how many images gave a BD-rate */
  double      bd_rate_mean_curve;   /* on the mean curves */
  double      bd_psnr_image_mean;   /* dB */
  double      enc_ratio;
  double      dec_ratio;
} PeerComparison;

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *v,
        guint   n)
{
  qsort (v, n, sizeof (double), compare_doubles);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static char *
find_image (const char *name)
{
  const char *env = g_getenv ("LW_SHARED_DATADIR");
  g_autofree char *src_root = g_path_get_dirname (LW_SOURCE_DATADIR);
  char *candidates[] = {
    env ? g_build_filename (env, "images", name, NULL) : NULL,
    g_build_filename (src_root, "..", "shared", "data", "images", name, NULL),
    g_build_filename ("..", "shared", "data", "images", name, NULL),
    g_build_filename ("/work/shared/data/images", name, NULL),
  };
  char *found = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      if (found == NULL && candidates[i] && g_file_test (candidates[i], G_FILE_TEST_IS_REGULAR))
        found = g_strdup (candidates[i]);
      g_free (candidates[i]);
    }
  return found;
}

/* Median encode and decode milliseconds at default parameters for one image */
static gboolean
time_codec (const LwCodec  *codec,
            const LwTensor *image,
            guint           reps,
            double         *enc_ms,
            double         *dec_ms,
            gsize          *bytes_out,
            GError        **error)
{
  g_autoptr (LwParams) params = lw_params_new (codec);
  g_autofree double *enc = g_new0 (double, reps);
  g_autofree double *dec = g_new0 (double, reps);

  for (guint r = 0; r <= reps; r++)  /* run 0 warms caches and is not counted */
    {
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (LwTensor) out = NULL;
      gint64 t0, t1, t2;

      t0 = g_get_monotonic_time ();
      bytes = lw_codec_encode_signal (codec, image, params, NULL, error);
      t1 = g_get_monotonic_time ();
      if (bytes == NULL)
        return FALSE;
      out = lw_codec_decode_bytes (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                   NULL, error);
      t2 = g_get_monotonic_time ();
      if (out == NULL)
        return FALSE;
      if (r == 0)
        {
          *bytes_out = g_bytes_get_size (bytes);
          continue;
        }
      enc[r - 1] = (t1 - t0) / 1000.0;
      dec[r - 1] = (t2 - t1) / 1000.0;
    }
  *enc_ms = median (enc, reps);
  *dec_ms = median (dec, reps);
  return TRUE;
}


static void
add_double (JsonBuilder *b,
            const char  *name,
            double       v)
{
  json_builder_set_member_name (b, name);
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

static void
print_json (CodecResult *res, PeerComparison *cmp, guint n_peers, char **paths, guint n_images,
            guint reps, guint points, double total_mp, double seconds)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "benchmark");
  json_builder_add_string_value (b, "image-codecs");
  json_builder_set_member_name (b, "threads");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "repetitions");
  json_builder_add_int_value (b, reps);
  json_builder_set_member_name (b, "rd_points");
  json_builder_add_int_value (b, points);
  add_double (b, "megapixels", total_mp);
  add_double (b, "seconds", seconds);
  json_builder_set_member_name (b, "images");
  json_builder_begin_array (b);
  for (guint i = 0; i < n_images; i++)
    json_builder_add_string_value (b, paths[i]);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "codecs");
  json_builder_begin_array (b);
  for (guint c = 0; c < N_CODECS; c++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, res[c].codec->name);
      add_double (b, "encode_mp_per_s", res[c].enc_mps);
      add_double (b, "decode_mp_per_s", res[c].dec_mps);
      add_double (b, "default_bpp", res[c].default_bpp);
      json_builder_set_member_name (b, "psnr_at_bpp");
      json_builder_begin_array (b);
      for (guint t = 0; t < N_TARGETS; t++)
        {
          json_builder_begin_object (b);
          add_double (b, "bpp", target_bpp[t]);
          add_double (b, "psnr", res[c].psnr_at[t]);
          json_builder_set_member_name (b, "n");
          json_builder_add_int_value (b, res[c].n_at[t]);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "comparisons");
  json_builder_begin_array (b);
  for (guint p = 0; p < n_peers; p++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "codec");
      json_builder_add_string_value (b, codec_names[SUBJECT]);
      json_builder_set_member_name (b, "anchor");
      json_builder_add_string_value (b, cmp[p].peer);
      add_double (b, "bd_rate_percent", cmp[p].bd_rate_image_mean);
      json_builder_set_member_name (b, "bd_rate_method");
      json_builder_add_string_value (b, "mean of per-image BD-rates");
      json_builder_set_member_name (b, "bd_rate_n_images");
      json_builder_add_int_value (b, cmp[p].n_images);
      add_double (b, "bd_rate_mean_curve_percent", cmp[p].bd_rate_mean_curve);
      add_double (b, "bd_psnr_db", cmp[p].bd_psnr_image_mean);
      add_double (b, "encode_speed_ratio", cmp[p].enc_ratio);
      add_double (b, "decode_speed_ratio", cmp[p].dec_ratio);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  printf ("%s\n", text);
}

static void
print_table (CodecResult *res, PeerComparison *cmp, guint n_peers, guint n_images, guint reps,
             guint points, double total_mp, double seconds)
{
  printf ("image-codecs: %u images, %.3f MP in total, 1 thread, median of %u runs, "
          "RD sweeps of %u points\n\n", n_images, total_mp, reps, points);
  printf ("%-16s %10s %10s %11s", "codec", "enc MP/s", "dec MP/s", "default bpp");
  for (guint t = 0; t < N_TARGETS; t++)
    printf ("   PSNR@%-4g(n)", target_bpp[t]);
  printf ("\n");
  for (guint c = 0; c < N_CODECS; c++)
    {
      printf ("%-16s %10.2f %10.2f %11.3f", res[c].codec->name, res[c].enc_mps, res[c].dec_mps,
              res[c].default_bpp);
      for (guint t = 0; t < N_TARGETS; t++)
        {
          if (res[c].n_at[t] > 0)
            printf ("   %8.2f (%u)", res[c].psnr_at[t], res[c].n_at[t]);
          else
            printf ("   %8s (0)", "—");
        }
      printf ("\n");
    }
  printf ("\n%s against peers (BD-rate: mean of per-image BD-rates, negative = fewer bits; "
          "speed ratios: %s MP/s ÷ peer MP/s)\n", codec_names[SUBJECT], codec_names[SUBJECT]);
  printf ("%-12s %12s %5s %16s %11s %10s %10s\n", "anchor", "BD-rate %", "n", "BD-rate mean-crv",
          "BD-PSNR dB", "enc ratio", "dec ratio");
  for (guint p = 0; p < n_peers; p++)
    printf ("%-12s %12.2f %5u %16.2f %11.3f %10.3f %10.3f\n", cmp[p].peer,
            cmp[p].bd_rate_image_mean, cmp[p].n_images, cmp[p].bd_rate_mean_curve,
            cmp[p].bd_psnr_image_mean, cmp[p].enc_ratio, cmp[p].dec_ratio);
  printf ("\ntotal time %.1f s\n", seconds);
}

int
main (int    argc,
      char **argv)
{
  gboolean quick = FALSE, json = FALSE;
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) images = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_tensor_free);
  g_autoptr (GError) error = NULL;
  CodecResult res[N_CODECS] = { 0 };
  PeerComparison cmp[N_CODECS - 1] = { 0 };
  guint reps, points, n_images, n_peers = 0;
  double total_mp = 0;
  gint64 start = g_get_monotonic_time ();

  /* Every codec runs in this process with the same allocator settings */
  lw_memory_keep_large_blocks ();

  /* One thread, so figures compare codecs and not core counts. The variable is read when
   * OpenBLAS starts, the call covers a library that already has. */
  g_setenv ("OPENBLAS_NUM_THREADS", "1", TRUE);
  openblas_set_num_threads (1);

  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--quick") == 0)
        quick = TRUE;
      else if (strcmp (argv[i], "--json") == 0)
        json = TRUE;
      else if (strcmp (argv[i], "--help") == 0 || strcmp (argv[i], "-h") == 0)
        {
          printf ("Usage: %s [--quick] [--json] [IMAGE…]\n"
                  "Compares wavelet-latent with jpeg, jpeg2000 and webp: speed, PSNR at "
                  "0.25/0.5/1 bpp, BD-rate.\n", argv[0]);
          return 0;
        }
      else if (argv[i][0] == '-')
        {
          fprintf (stderr, "%s: unknown option “%s”\n", argv[0], argv[i]);
          return 2;
        }
      else
        g_ptr_array_add (paths, g_strdup (argv[i]));
    }
  if (paths->len == 0)
    for (guint i = 0; i < G_N_ELEMENTS (default_images); i++)
      {
        char *path = find_image (default_images[i]);
        if (path == NULL)
          {
            fprintf (stderr, "%s: sample image %s not found; set LW_SHARED_DATADIR or name "
                     "images on the command line\n", argv[0], default_images[i]);
            return 1;
          }
        g_ptr_array_add (paths, path);
      }
  n_images = paths->len;
  reps = quick ? 3 : 7;
  points = quick ? 6 : 11;

  for (guint i = 0; i < n_images; i++)
    {
      LwTensor *img = lw_image_load (paths->pdata[i], NULL, &error);
      if (img == NULL)
        {
          fprintf (stderr, "%s: %s\n", argv[0], error->message);
          return 1;
        }
      total_mp += img->shape[1] * (double) img->shape[2] / 1e6;
      g_ptr_array_add (images, img);
    }

  for (guint c = 0; c < N_CODECS; c++)
    {
      CodecResult *r = &res[c];
      double enc_total = 0, dec_total = 0;

      r->codec = lw_codec_lookup (codec_names[c], &error);
      if (r->codec == NULL)
        {
          fprintf (stderr, "%s: %s\n", argv[0], error->message);
          return 1;
        }
      r->curves = g_new0 (LwRdCurve *, n_images);
      for (guint i = 0; i < n_images; i++)
        {
          const LwTensor *img = images->pdata[i];
          double enc_ms, dec_ms;
          gsize bytes;
          g_autofree char *label = g_path_get_basename (paths->pdata[i]);

          if (!json)
            fprintf (stderr, "%s on %s…\n", r->codec->name, label);
          if (!time_codec (r->codec, img, reps, &enc_ms, &dec_ms, &bytes, &error))
            {
              fprintf (stderr, "%s: %s on %s: %s\n", argv[0], r->codec->name, label,
                       error->message);
              return 1;
            }
          enc_total += enc_ms;
          dec_total += dec_ms;
          r->default_bpp += bytes * 8.0 / (img->shape[1] * (double) img->shape[2]) / n_images;

          r->curves[i] = lw_rd_sweep (r->codec, img, NULL, points, label, NULL, NULL, NULL,
                                      &error);
          if (r->curves[i] == NULL)
            {
              fprintf (stderr, "%s: %s sweep on %s: %s\n", argv[0], r->codec->name, label,
                       error->message);
              return 1;
            }
          for (guint t = 0; t < N_TARGETS; t++)
            {
              double v = lw_rd_curve_psnr_at (r->curves[i], target_bpp[t]);
              if (isfinite (v))
                {
                  r->psnr_at[t] += v;
                  r->n_at[t]++;
                }
            }
        }
      r->enc_mps = total_mp / (enc_total / 1000.0);
      r->dec_mps = total_mp / (dec_total / 1000.0);
      for (guint t = 0; t < N_TARGETS; t++)
        r->psnr_at[t] = r->n_at[t] ? r->psnr_at[t] / r->n_at[t] : NAN;
      r->mean = lw_rd_curve_mean (r->curves, n_images, "mean");
    }

  for (guint c = 0; c < N_CODECS; c++)
    {
      PeerComparison *p;
      double sum_rate = 0, sum_psnr = 0;
      guint n_psnr = 0;

      if (c == SUBJECT)
        continue;
      p = &cmp[n_peers++];
      p->peer = codec_names[c];
      for (guint i = 0; i < n_images; i++)
        {
          double v;
          if (lw_bd_rate (res[c].curves[i], res[SUBJECT].curves[i], &v, NULL) && isfinite (v))
            {
              sum_rate += v;
              p->n_images++;
            }
          if (lw_bd_psnr (res[c].curves[i], res[SUBJECT].curves[i], &v, NULL) && isfinite (v))
            {
              sum_psnr += v;
              n_psnr++;
            }
        }
      p->bd_rate_image_mean = p->n_images ? sum_rate / p->n_images : NAN;
      p->bd_psnr_image_mean = n_psnr ? sum_psnr / n_psnr : NAN;
      if (!lw_bd_rate (res[c].mean, res[SUBJECT].mean, &p->bd_rate_mean_curve, NULL))
        p->bd_rate_mean_curve = NAN;
      p->enc_ratio = res[SUBJECT].enc_mps / res[c].enc_mps;
      p->dec_ratio = res[SUBJECT].dec_mps / res[c].dec_mps;
    }

  {
    double seconds = (g_get_monotonic_time () - start) / 1e6;
    if (json)
      print_json (res, cmp, n_peers, (char **) paths->pdata, n_images, reps, points, total_mp,
                  seconds);
    else
      print_table (res, cmp, n_peers, n_images, reps, points, total_mp, seconds);
  }

  for (guint c = 0; c < N_CODECS; c++)
    {
      for (guint i = 0; res[c].curves && i < n_images; i++)
        lw_rd_curve_free (res[c].curves[i]);
      g_free (res[c].curves);
      lw_rd_curve_free (res[c].mean);
    }
  return 0;
}
