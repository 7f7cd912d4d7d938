/* test-decimate.c — min/max pyramids against a brute-force scan
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The reference is a plain loop over the samples of each range; the pyramid must agree
 * exactly (same floats), for every length around powers of two, random ranges and columns.
 */
#define G_LOG_DOMAIN "test-decimate"

#include <math.h>

#include "lw-decimate.h"

static float *
random_signal (GRand *rand,
               gsize  n)
{
  float *x = g_new (float, n);

  for (gsize i = 0; i < n; i++)
    x[i] = (float) g_rand_double_range (rand, -1.0, 1.0);
  return x;
}

static void
brute (const float *x,
       gsize        a,
       gsize        b,
       float       *lo,
       float       *hi)
{
  *lo = INFINITY;
  *hi = -INFINITY;
  for (gsize k = a; k < b; k++)
    {
      if (x[k] < *lo)
        *lo = x[k];
      if (x[k] > *hi)
        *hi = x[k];
    }
}

static void
test_levels (void)
{
  const float x[5] = { 0, 1, 2, 3, 4 };
  g_autoptr (LwMinMaxPyramid) one = lw_minmax_pyramid_new (x, 1);
  g_autoptr (LwMinMaxPyramid) five = lw_minmax_pyramid_new (x, 5);

  g_assert_null (lw_minmax_pyramid_new (x, 0));
  g_assert_cmpuint (lw_minmax_pyramid_get_n_levels (one), ==, 1);
  /* 5 → 3 → 2 → 1 blocks: four levels with the samples */
  g_assert_cmpuint (lw_minmax_pyramid_get_n_levels (five), ==, 4);
  g_assert_cmpuint (lw_minmax_pyramid_get_length (five), ==, 5);
  g_assert_cmpfloat (lw_minmax_pyramid_get_samples (five)[4], ==, 4.0f);
}

/* Every range of every length 1..70 (powers of two and their neighbours included) */
static void
test_all_ranges (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (1);

  for (gsize n = 1; n <= 70; n++)
    {
      g_autofree float *x = random_signal (rand, n);
      g_autoptr (LwMinMaxPyramid) pyr = lw_minmax_pyramid_new (x, n);

      for (gsize a = 0; a < n; a++)
        for (gsize b = a + 1; b <= n; b++)
          {
            float lo, hi, rlo, rhi;

            g_assert_true (lw_minmax_pyramid_range (pyr, a, b, &lo, &hi));
            brute (x, a, b, &rlo, &rhi);
            g_assert_cmpfloat (lo, ==, rlo);
            g_assert_cmpfloat (hi, ==, rhi);
          }
      /* empty and out-of-range requests */
      g_assert_false (lw_minmax_pyramid_range (pyr, n, n + 3, NULL, NULL));
      g_assert_false (lw_minmax_pyramid_range (pyr, 3, 3, NULL, NULL));
    }
}

/* Random ranges of a long signal and ranges clamped at its end */
static void
test_long_ranges (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (2);
  const gsize n = 1000003;
  g_autofree float *x = random_signal (rand, n);
  g_autoptr (LwMinMaxPyramid) pyr = lw_minmax_pyramid_new (x, n);

  for (int t = 0; t < 300; t++)
    {
      gsize a = g_rand_int_range (rand, 0, n);
      gsize b = a + 1 + g_rand_int_range (rand, 0, t < 150 ? 5000 : (gint32) n);
      float lo, hi, rlo, rhi;

      g_assert_true (lw_minmax_pyramid_range (pyr, a, b, &lo, &hi));
      brute (x, a, MIN (b, n), &rlo, &rhi);
      g_assert_cmpfloat (lo, ==, rlo);
      g_assert_cmpfloat (hi, ==, rhi);
    }
}

/* Columns: spans tile the range, and each column's extremes are its span's */
static void
check_columns (const float           *x,
               gsize                  n,
               const LwMinMaxPyramid *pyr,
               double                 start,
               double                 end,
               guint                  n_cols)
{
  g_autofree float *lo = g_new (float, n_cols);
  g_autofree float *hi = g_new (float, n_cols);
  gint64 prev_b = G_MININT64;

  lw_minmax_pyramid_columns (pyr, start, end, n_cols, lo, hi);
  for (guint i = 0; i < n_cols; i++)
    {
      gint64 a, b;
      float rlo, rhi;

      lw_minmax_pyramid_column_span (start, end, n_cols, i, &a, &b);
      g_assert_cmpint (a, <, b);
      /* wide columns tile without gaps or overlap; narrow ones hold one sample each */
      if (end - start >= n_cols && prev_b != G_MININT64)
        g_assert_cmpint (a, ==, prev_b);
      prev_b = b;
      a = MAX (a, 0);
      b = MIN (b, (gint64) n);
      if (a >= b)
        {
          g_assert_true (isnan (lo[i]) && isnan (hi[i]));
          continue;
        }
      brute (x, (gsize) a, (gsize) b, &rlo, &rhi);
      g_assert_cmpfloat (lo[i], ==, rlo);
      g_assert_cmpfloat (hi[i], ==, rhi);
    }
}

static void
test_columns (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (3);
  const gsize n = 44100;
  g_autofree float *x = random_signal (rand, n);
  g_autoptr (LwMinMaxPyramid) pyr = lw_minmax_pyramid_new (x, n);

  check_columns (x, n, pyr, 0, n, 800);                 /* whole signal */
  check_columns (x, n, pyr, 0, n, 7);
  check_columns (x, n, pyr, 1234.5, 5678.25, 333);      /* fractional zoomed range */
  check_columns (x, n, pyr, -500, 1000, 100);           /* starts before the signal */
  check_columns (x, n, pyr, n - 300.0, n + 300.0, 60);  /* runs past its end */
  check_columns (x, n, pyr, 100, 120, 400);             /* narrower than a sample per column */
  for (int t = 0; t < 50; t++)
    {
      double a = g_rand_double_range (rand, -100, n);
      double b = a + g_rand_double_range (rand, 1, n);

      check_columns (x, n, pyr, a, b, g_rand_int_range (rand, 1, 1200));
    }
}

/* Zoomed in, each column shows the sample under its middle: a ramp reads back in order */
static void
test_columns_zoomed_in (void)
{
  float x[10];
  float lo[40], hi[40];
  g_autoptr (LwMinMaxPyramid) pyr = NULL;

  for (int i = 0; i < 10; i++)
    x[i] = (float) i;
  pyr = lw_minmax_pyramid_new (x, 10);
  lw_minmax_pyramid_columns (pyr, 0, 10, 40, lo, hi);
  for (int i = 0; i < 40; i++)
    {
      g_assert_cmpfloat (lo[i], ==, hi[i]);
      g_assert_cmpfloat (lo[i], ==, (float) (i / 4));
    }
  /* an empty or reversed range gives NaN everywhere */
  lw_minmax_pyramid_columns (pyr, 5, 5, 4, lo, hi);
  g_assert_true (isnan (lo[0]) && isnan (hi[3]));
  lw_minmax_pyramid_columns (pyr, 20, 30, 4, lo, hi);
  g_assert_true (isnan (lo[0]) && isnan (hi[3]));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/decimate/levels", test_levels);
  g_test_add_func ("/decimate/range/all", test_all_ranges);
  g_test_add_func ("/decimate/range/long", test_long_ranges);
  g_test_add_func ("/decimate/columns/brute-force", test_columns);
  g_test_add_func ("/decimate/columns/zoomed-in", test_columns_zoomed_in);
  return g_test_run ();
}
