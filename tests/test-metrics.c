/* test-metrics.c — PSNR, PSNR-Y, SSIM and MS-SSIM against numpy / scikit-image values
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tests/vectors/metrics-vectors.txt comes from tools/gen-metric-vectors.py: PSNR by numpy,
 * SSIM by scikit-image, MS-SSIM by that script's own numpy/scipy implementation. The
 * distortions are recomputed here bit-exactly (integer hashing, single IEEE operations).
 */
#define G_LOG_DOMAIN "test-metrics"

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lw-image-io.h"
#include "lw-metrics.h"

static guint64
splitmix_at (guint64 seed, guint64 counter)
{
  guint64 x = seed + (counter + 1) * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  guint64 z = (x ^ (x >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

/* Works on 8-bit values held in the tensor as v/255 */
static LwTensor *
distort_noise (const LwTensor *ref, double sigma, guint64 seed)
{
  LwTensor *out = lw_tensor_copy (ref);
  double kscale = sigma * sqrt (3.0) / 131072.0;
  for (gsize i = 0; i < lw_tensor_numel (ref); i++)
    {
      gint64 s = 0;
      for (guint k = 0; k < 4; k++)
        s += (gint64) (splitmix_at (seed, 4 * (guint64) i + k) >> 48);
      double n = (double) (2 * s - 262140) * kscale;
      double v = round (ref->data[i] * 255.0);
      double d = floor ((v + n) + 0.5);
      out->data[i] = (float) (CLAMP (d, 0.0, 255.0) / 255.0);
    }
  return out;
}

static LwTensor *
distort_pattern (const LwTensor *ref)
{
  LwTensor *out = lw_tensor_copy (ref);
  gsize c = ref->shape[0], h = ref->shape[1], w = ref->shape[2];
  for (gsize ch = 0; ch < c; ch++)
    for (gsize y = 0; y < h; y++)
      for (gsize x = 0; x < w; x++)
        {
          gsize i = (ch * h + y) * w + x;
          double v = round (ref->data[i] * 255.0) + (double) ((7 * x + 13 * y + 3 * ch) % 21) - 10;
          out->data[i] = (float) (CLAMP (v, 0.0, 255.0) / 255.0);
        }
  return out;
}

static LwTensor *
crop (const LwTensor *src, gsize y0, gsize x0, gsize h, gsize w, gsize channels)
{
  LwTensor *out = lw_tensor_new_3d (channels, h, w);
  for (gsize c = 0; c < channels; c++)
    for (gsize y = 0; y < h; y++)
      memcpy (out->data + (c * h + y) * w,
              src->data + (c * src->shape[1] + y0 + y) * src->shape[2] + x0, w * sizeof (float));
  return out;
}

static void
test_vectors (void)
{
  const char *datadir = g_getenv ("LW_SHARED_DATADIR");
  if (datadir == NULL)
    {
      g_test_skip ("LW_SHARED_DATADIR is not set");
      return;
    }
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "vectors", "metrics-vectors.txt",
                                                 NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);

  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  guint n_cases = 0;
  double worst_ssim = 0, worst_ms = 0, worst_psnr = 0;
  for (guint i = 0; lines[i]; i++)
    {
      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      g_auto (GStrv) halves = g_strsplit (lines[i], " = ", 2);
      g_assert_cmpuint (g_strv_length (halves), ==, 2);
      g_auto (GStrv) f = g_strsplit (halves[0], " ", -1);
      g_assert_cmpuint (g_strv_length (f), >=, 7);
      double exp_psnr, exp_psnr_y, exp_ssim, exp_ms;
      guint exp_scales;
      g_assert_cmpint (sscanf (halves[1], "%lf %lf %lf %lf %u", &exp_psnr, &exp_psnr_y,
                               &exp_ssim, &exp_ms, &exp_scales), ==, 5);

      g_autofree char *file = g_build_filename (datadir, "images", f[0], NULL);
      g_autoptr (LwTensor) full = lw_image_load (file, NULL, &error);
      g_assert_no_error (error);
      gsize y0 = atoi (f[1]), x0 = atoi (f[2]), h = atoi (f[3]), w = atoi (f[4]);
      gsize channels = g_str_equal (f[5], "r") ? 1 : 3;
      g_autoptr (LwTensor) ref = crop (full, y0, x0, h, w, channels);
      g_autoptr (LwTensor) test = NULL;
      if (g_str_equal (f[6], "noise"))
        test = distort_noise (ref, g_ascii_strtod (f[7], NULL),
                              g_ascii_strtoull (f[8], NULL, 10));
      else if (g_str_equal (f[6], "pattern"))
        test = distort_pattern (ref);
      else if (g_str_equal (f[6], "jpeg"))
        {
          g_autofree char *jpg = g_test_build_filename (G_TEST_DIST, "vectors", "images", f[7],
                                                        NULL);
          test = lw_image_load (jpg, NULL, &error);
          g_assert_no_error (error);
        }
      else
        g_assert_not_reached ();

      double psnr = lw_psnr (ref, test);
      double psnr_y = lw_psnr_y (ref, test);
      double ssim = lw_ssim (ref, test);
      guint scales = 0;
      double ms = lw_ms_ssim (ref, test, &scales);
      g_test_message ("%s: psnr %.9f/%.9f  psnr_y %.9f/%.9f  ssim %.9f/%.9f  ms %.9f/%.9f",
                      halves[0], psnr, exp_psnr, psnr_y, exp_psnr_y, ssim, exp_ssim, ms,
                      exp_ms);
      g_assert_cmpfloat_with_epsilon (psnr, exp_psnr, 1e-6);
      g_assert_cmpfloat_with_epsilon (psnr_y, exp_psnr_y, 1e-6);
      g_assert_cmpfloat_with_epsilon (ssim, exp_ssim, 1e-8);
      g_assert_cmpfloat_with_epsilon (ms, exp_ms, 1e-8);
      g_assert_cmpuint (scales, ==, exp_scales);
      worst_psnr = MAX (worst_psnr, fabs (psnr - exp_psnr));
      worst_ssim = MAX (worst_ssim, fabs (ssim - exp_ssim));
      worst_ms = MAX (worst_ms, fabs (ms - exp_ms));
      n_cases++;
    }
  g_test_message ("%u cases; largest differences: PSNR %.3g dB, SSIM %.3g, MS-SSIM %.3g",
                  n_cases, worst_psnr, worst_ssim, worst_ms);
  g_assert_cmpuint (n_cases, >=, 16);
}

static LwTensor *
gradient_image (gsize c, gsize h, gsize w)
{
  LwTensor *t = lw_tensor_new_3d (c, h, w);
  for (gsize i = 0; i < lw_tensor_numel (t); i++)
    t->data[i] = (float) ((i * 37) % 256) / 255.0f;
  return t;
}

static void
test_identical (void)
{
  g_autoptr (LwTensor) a = gradient_image (3, 200, 170);
  g_assert_true (isinf (lw_psnr (a, a)) && lw_psnr (a, a) > 0);
  g_assert_true (isinf (lw_psnr_y (a, a)));
  g_assert_cmpfloat (lw_mse_u8 (a, a), ==, 0.0);
  g_assert_cmpfloat_with_epsilon (lw_ssim (a, a), 1.0, 1e-12);
  guint scales = 0;
  g_assert_cmpfloat_with_epsilon (lw_ms_ssim (a, a, &scales), 1.0, 1e-12);
  g_assert_cmpuint (scales, ==, 5);

  /* Differences below half a code value vanish in the 8-bit comparison */
  g_autoptr (LwTensor) b = lw_tensor_copy (a);
  for (gsize i = 0; i < lw_tensor_numel (b); i++)
    b->data[i] += 0.4f / 255.0f * (i % 2 ? 1 : -1);
  g_assert_true (isinf (lw_psnr (a, b)));
}

static void
test_closed_form (void)
{
  /* Every value off by exactly 3 code values: MSE 9, PSNR = 10 log10(255²/9) */
  g_autoptr (LwTensor) a = lw_tensor_new_3d (1, 16, 16);
  g_autoptr (LwTensor) b = lw_tensor_new_3d (1, 16, 16);
  for (gsize i = 0; i < 256; i++)
    {
      a->data[i] = 100.0f / 255.0f;
      b->data[i] = 103.0f / 255.0f;
    }
  g_assert_cmpfloat_with_epsilon (lw_mse_u8 (a, b), 9.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (lw_psnr (a, b), 10.0 * log10 (255.0 * 255.0 / 9.0), 1e-12);
  g_assert_cmpfloat_with_epsilon (lw_psnr_y (a, b), lw_psnr (a, b), 1e-12);
  /* Flat images: SSIM is the luminance term (2·100·103 + C1) / (100² + 103² + C1) */
  double c1 = 0.01 * 255 * 0.01 * 255;
  g_assert_cmpfloat_with_epsilon (lw_ssim (a, b),
                                  (2.0 * 100 * 103 + c1) / (100.0 * 100 + 103.0 * 103 + c1),
                                  1e-12);

  /* Too small for the 11-tap window: NaN, no scales */
  g_autoptr (LwTensor) s1 = gradient_image (3, 10, 40);
  guint scales = 99;
  g_assert_true (isnan (lw_ssim (s1, s1)));
  g_assert_true (isnan (lw_ms_ssim (s1, s1, &scales)));
  g_assert_cmpuint (scales, ==, 0);

  /* Scale counts: 161 is the smallest side for 5; 160 gives 4 */
  g_autoptr (LwTensor) s2 = gradient_image (1, 161, 300);
  g_autoptr (LwTensor) s3 = gradient_image (1, 300, 160);
  lw_ms_ssim (s2, s2, &scales);
  g_assert_cmpuint (scales, ==, 5);
  lw_ms_ssim (s3, s3, &scales);
  g_assert_cmpuint (scales, ==, 4);
}

static void
test_rate_figures (void)
{
  g_assert_cmpfloat_with_epsilon (lw_bpp (1000, 100, 80), 1.0, 1e-15);
  g_assert_cmpfloat_with_epsilon (lw_compression_ratio (1000, 100, 80, 3), 24.0, 1e-15);
  g_assert_true (isinf (lw_compression_ratio (0, 10, 10, 3)));
}

static void
test_speed (void)
{
  g_autoptr (LwTensor) a = gradient_image (3, 512, 512);
  g_autoptr (LwTensor) b = distort_pattern (a);
  gint64 t0 = g_get_monotonic_time ();
  double s = lw_ssim (a, b);
  gint64 t1 = g_get_monotonic_time ();
  double m = lw_ms_ssim (a, b, NULL);
  gint64 t2 = g_get_monotonic_time ();
  g_assert_true (s > 0 && s < 1 && m > 0 && m < 1);
  /* Reported, not asserted: sanitizer and loaded CI builds are slower */
  g_test_message ("512×512 RGB: SSIM %.1f ms, MS-SSIM %.1f ms", (t1 - t0) / 1000.0,
                  (t2 - t1) / 1000.0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/metrics/reference-vectors", test_vectors);
  g_test_add_func ("/metrics/identical", test_identical);
  g_test_add_func ("/metrics/closed-form", test_closed_form);
  g_test_add_func ("/metrics/rate-figures", test_rate_figures);
  g_test_add_func ("/metrics/speed", test_speed);
  return g_test_run ();
}
