/* test-wavelet-1d.c — 1-D full wavelet packet transforms at J up to 8 against PyWavelets
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tests/test-wavelet.c checks one 1-D level and packets at J = 2, 3; the audio codec runs
 * J = 5…8. tests/vectors/wavelet-1d.txt (tools/gen-wavelet-1d-vectors.py) holds forward
 * transforms computed with pywt in float64, cross-checked there against pywt.WaveletPacket;
 * here both directions are compared, plus a round trip at audio length.
 */
#define G_LOG_DOMAIN "test-wavelet-1d"

#include "lw-error.h"
#include "lw-wavelet.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* float32 lifting through 8 levels against a float64 reference, relative to the largest value */
#define TOL 1e-5

static double
max_rel_diff (const float *a, const double *ref, gsize n)
{
  double peak = 0, diff = 0;
  for (gsize i = 0; i < n; i++)
    {
      peak = fmax (peak, fabs (ref[i]));
      diff = fmax (diff, fabs (a[i] - ref[i]));
    }
  return diff / fmax (peak, 1e-30);
}

static double *
parse_values (const char *line, const char *name, gsize expected)
{
  g_auto (GStrv) f = g_strsplit (line, " ", -1);
  g_assert_cmpstr (f[0], ==, name);
  g_assert_cmpuint (g_ascii_strtoull (f[1], NULL, 10), ==, expected);
  g_assert_cmpuint (g_strv_length (f), ==, expected + 2);
  double *v = g_new (double, expected);
  for (gsize i = 0; i < expected; i++)
    v[i] = g_ascii_strtod (f[i + 2], NULL);
  return v;
}

static void
test_vectors (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "vectors", "wavelet-1d.txt", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  LwWavelet w = LW_WAVELET_CDF97;
  guint cases = 0, deepest = 0;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *l = lines[i];
      if (g_str_has_prefix (l, "wavelet "))
        g_assert_true (lw_wavelet_from_name (l + 8, &w));
      if (!g_str_has_prefix (l, "wpt1d "))
        continue;
      guint j, c, t;
      g_assert_cmpint (sscanf (l, "wpt1d %u %u %u", &j, &c, &t), ==, 3);
      gsize n = (gsize) c * t;
      g_autofree double *x = parse_values (lines[i + 1], "x", n);
      g_autofree double *y = parse_values (lines[i + 2], "y", n);
      g_autoptr (LwTensor) xt = lw_tensor_new_2d (c, t);
      for (gsize k = 0; k < n; k++)
        xt->data[k] = (float) x[k];
      g_autoptr (LwTensor) yt = lw_wpt1d_forward (w, xt, j, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (yt->shape[0], ==, (gsize) c << j);
      g_assert_cmpuint (yt->shape[1], ==, t >> j);
      double fwd = max_rel_diff (yt->data, y, n);
      /* inverse from the reference coefficients */
      gsize ydims[2] = { (gsize) c << j, t >> j };
      g_autoptr (LwTensor) yr = lw_tensor_new (2, ydims, NULL);
      for (gsize k = 0; k < n; k++)
        yr->data[k] = (float) y[k];
      g_autoptr (LwTensor) xr = lw_wpt1d_inverse (w, yr, j, &error);
      g_assert_no_error (error);
      g_assert_true (lw_tensor_same_shape (xr, xt));
      double inv = max_rel_diff (xr->data, x, n);
      g_test_message ("%s J=%u %u×%u: forward %.2g, inverse %.2g", lw_wavelet_name (w), j, c, t,
                      fwd, inv);
      g_assert_cmpfloat (fwd, <, TOL);
      g_assert_cmpfloat (inv, <, TOL);
      cases++;
      deepest = MAX (deepest, j);
    }
  g_assert_cmpuint (cases, ==, 17);
  g_assert_cmpuint (deepest, ==, 8);
}

/* The codec's case: J = 8 on a second of 44.1 kHz stereo (padded to a multiple of 256) */
static void
test_round_trip_audio_length (void)
{
  g_autoptr (GError) error = NULL;
  gsize t = (44100 + 255) / 256 * 256;
  g_autoptr (LwTensor) x = lw_tensor_new_2d (2, t);
  for (gsize i = 0; i < 2 * t; i++)
    x->data[i] = 0.4f * sinf (0.031f * i) + 0.1f * sinf (1.7f * i) * (i % 7 == 0);
  g_autoptr (LwTensor) y = lw_wpt1d_forward (LW_WAVELET_CDF97, x, 8, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (y->shape[0], ==, 512);
  /* CDF 9/7 is close to orthogonal: the energy is nearly kept */
  double ex = 0, ey = 0;
  for (gsize i = 0; i < 2 * t; i++)
    ex += (double) x->data[i] * x->data[i], ey += (double) y->data[i] * y->data[i];
  g_assert_cmpfloat (fabs (ey / ex - 1), <, 0.05);
  g_autoptr (LwTensor) xr = lw_wpt1d_inverse (LW_WAVELET_CDF97, y, 8, &error);
  g_assert_no_error (error);
  double err = 0;
  for (gsize i = 0; i < 2 * t; i++)
    err = fmax (err, fabs (xr->data[i] - x->data[i]));
  g_assert_cmpfloat (err, <, 1e-5);
}

static void
test_levels_limit (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LwTensor) x = lw_tensor_new_2d (1, 1024);
  g_assert_null (lw_wpt1d_forward (LW_WAVELET_CDF97, x, 9, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_autoptr (LwTensor) odd = lw_tensor_new_2d (1, 384);
  g_assert_null (lw_wpt1d_forward (LW_WAVELET_CDF97, odd, 8, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_SHAPE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/wavelet-1d/pywt-vectors-deep", test_vectors);
  g_test_add_func ("/wavelet-1d/round-trip-audio-length", test_round_trip_audio_length);
  g_test_add_func ("/wavelet-1d/levels-limit", test_levels_limit);
  return g_test_run ();
}
