/* test-compander.c — WaLLoC compander and normal quantile against scipy reference values
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "lw-compander.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static void
test_vectors (void)
{
  const char *path = g_test_get_filename (G_TEST_DIST, "vectors", "compander.txt", NULL);
  g_autofree char *text = NULL;
  GError *error = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);

  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  guint nq = 0, nr = 0, np = 0;
  for (guint i = 0; lines[i]; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], " ", -1);
      if (g_strv_length (f) < 3 || f[0][0] == '#')
        continue;
      if (f[0][0] == 'q')
        {
          g_autoptr (LwCompander) c = lw_compander_new (atoi (f[1]), g_ascii_strtod (f[2], NULL));
          float x = g_ascii_strtod (f[3], NULL);
          g_assert_cmpint (lw_compander_quantise (c, x), ==, atoi (f[4]));
          nq++;
        }
      else if (f[0][0] == 'r')
        {
          g_autoptr (LwCompander) c = lw_compander_new (atoi (f[1]), g_ascii_strtod (f[2], NULL));
          double want = g_ascii_strtod (f[4], NULL);
          double got = lw_compander_dequantise (c, atoi (f[3]));
          g_assert_cmpfloat_with_epsilon (got, want, 1e-5 * MAX (1.0, fabs (want)));
          nr++;
        }
      else if (f[0][0] == 'p')
        {
          double want = g_ascii_strtod (f[2], NULL);
          double got = lw_normal_quantile (g_ascii_strtod (f[1], NULL));
          g_assert_cmpfloat_with_epsilon (got, want, 1e-9 * MAX (1.0, fabs (want)));
          np++;
        }
    }
  g_assert_cmpuint (nq, >, 500);
  g_assert_cmpuint (nr, >, 100);
  g_assert_cmpuint (np, >=, 10);
}

/* Slope 1 at zero: small latents quantise like a plain uniform quantiser of step Δ. */
static void
test_uniform_near_zero (void)
{
  g_autoptr (LwCompander) c = lw_compander_new (16, 2.0);
  for (int k = -20; k <= 20; k++)
    {
      g_assert_cmpint (lw_compander_quantise (c, 2.0f * k + 0.3f), ==, k);
      g_assert_cmpfloat_with_epsilon (lw_compander_dequantise (c, k), 2.0 * k, 1e-3);
    }
}

/* The quantiser is monotone, odd, saturates at ±qmax, and dequantise∘quantise is idempotent. */
static void
test_invariants (void)
{
  for (guint bits = 2; bits <= 16; bits += 2)
    {
      g_autoptr (LwCompander) c = lw_compander_new (bits, 1.5);
      int prev = -c->qmax;
      for (float x = -1e5f; x <= 1e5f; x += 7.3f)
        {
          int q = lw_compander_quantise (c, x);
          g_assert_cmpint (q, >=, prev);
          g_assert_cmpint (q, ==, -lw_compander_quantise (c, -x));
          g_assert_cmpint (ABS (q), <=, c->qmax);
          /* WaLLoC's inverse clamps the CDF to [1e−4, 1 − 1e−4], so only levels inside that
           * band survive a second quantisation unchanged */
          if (ABS (q) / (2 * c->m) + 0.5 < 1 - 1e-4)
            g_assert_cmpint (lw_compander_quantise (c, lw_compander_dequantise (c, q)), ==, q);
          prev = q;
        }
      g_assert_cmpint (lw_compander_quantise (c, 1e30f), ==, c->qmax);
    }
}

/* The table-driven block quantiser gives exactly the scalar quantiser's levels */
static void
test_block_matches_scalar (void)
{
  GRand *rand = g_rand_new_with_seed (7);
  const double steps[] = { 0.25, 1, 6, 40 };
  const double roundings[] = { 0.5, 0.35, 0.1 };
  float x[4000];
  guint16 sym[4000];
  for (guint bits = 2; bits <= 16; bits += 3)
    for (guint si = 0; si < G_N_ELEMENTS (steps); si++)
      for (guint ri = 0; ri < G_N_ELEMENTS (roundings); ri++)
        {
          g_autoptr (LwCompander) c = lw_compander_new_full (bits, steps[si], roundings[ri], 0);
          for (guint i = 0; i < G_N_ELEMENTS (x); i++)
            {
              double scale = steps[si] * pow (10, g_rand_double_range (rand, -1, 4));
              x[i] = g_rand_double_range (rand, -scale, scale);
              /* values exactly on thresholds and cell edges */
              if (i % 7 == 0)
                x[i] = c->thr[g_rand_int_range (rand, 1, c->qmax + 1)];
              if (i % 11 == 0)
                x[i] = -0.5f * steps[si] * g_rand_int_range (rand, 0, 100);
            }
          lw_compander_quantise_block (c, x, G_N_ELEMENTS (x), sym, 1 << (bits - 1));
          for (guint i = 0; i < G_N_ELEMENTS (x); i++)
            g_assert_cmpint ((int) sym[i] - (1 << (bits - 1)), ==, lw_compander_quantise (c, x[i]));
        }
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/compander/scipy-vectors", test_vectors);
  g_test_add_func ("/compander/uniform-near-zero", test_uniform_near_zero);
  g_test_add_func ("/compander/invariants", test_invariants);
  g_test_add_func ("/compander/block-matches-scalar", test_block_matches_scalar);
  return g_test_run ();
}
