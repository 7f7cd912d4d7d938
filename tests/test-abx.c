/* test-abx.c — blind ABX sessions: binomial p-values against scipy, determinism, history
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "lw-abx.h"

#include <math.h>
#include <stdlib.h>

/* tests/vectors/abx-binomial.txt from tools/gen-abx-vectors.py (scipy.stats.binomtest) */
static void
test_binomial_scipy (void)
{
  const char *path = g_test_get_filename (G_TEST_DIST, "vectors", "abx-binomial.txt", NULL);
  g_autofree char *text = NULL;
  GError *error = NULL;
  guint cases = 0;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], " ", -1);
      if (g_strv_length (f) != 3 || f[0][0] == '#')
        continue;
      guint n = atoi (f[0]), k = atoi (f[1]);
      double want = g_ascii_strtod (f[2], NULL);
      double got = lw_binomial_tail (n, k);
      if (want < 1e-300)
        g_assert_cmpfloat (got, <, 1e-290);
      else
        g_assert_cmpfloat_with_epsilon (got, want, 1e-9 * want);
      cases++;
    }
  g_assert_cmpuint (cases, >, 150);
}

static void
test_binomial_edges (void)
{
  g_assert_cmpfloat (lw_binomial_tail (0, 0), ==, 1.0);
  g_assert_cmpfloat (lw_binomial_tail (0, 1), ==, 0.0);
  g_assert_cmpfloat (lw_binomial_tail (10, 0), ==, 1.0);
  g_assert_cmpfloat (lw_binomial_tail (10, 11), ==, 0.0);
  g_assert_cmpfloat_with_epsilon (lw_binomial_tail (1, 1), 0.5, 1e-15);
  g_assert_cmpfloat_with_epsilon (lw_binomial_tail (10, 10), 1.0 / 1024, 1e-18);
  g_assert_cmpfloat_with_epsilon (lw_binomial_tail (16, 12), 2517.0 / 65536, 1e-15);
  /* Largest n: finite, in [0, 1], monotone in k */
  double prev = 1.0;
  for (guint k = 0; k <= 10000; k += 37)
    {
      double p = lw_binomial_tail (10000, k);
      g_assert_true (isfinite (p) && p >= 0.0 && p <= prev);
      prev = p;
    }
  /* Complement: P(K ≥ k) + P(K ≥ n − k + 1) = 1 by symmetry */
  for (guint n = 1; n <= 2000; n += 199)
    for (guint k = 1; k <= n; k += 1 + n / 7)
      g_assert_cmpfloat_with_epsilon (lw_binomial_tail (n, k) + lw_binomial_tail (n, n - k + 1),
                                      1.0, 1e-12);
  /* Larger than the limit in the docs: still no overflow */
  g_assert_cmpfloat_with_epsilon (lw_binomial_tail (100000, 50000), 0.501261563107098,
                                  1e-6);
}

static void
test_empty_session (void)
{
  g_autoptr (LwAbx) abx = lw_abx_new (7);
  g_assert_cmpuint (lw_abx_get_trials (abx), ==, 0);
  g_assert_cmpuint (lw_abx_get_correct (abx), ==, 0);
  g_assert_cmpfloat (lw_abx_p_value (abx), ==, 1.0);
  g_assert_cmpuint (lw_abx_get_seed (abx), ==, 7);
  /* Asking does not draw */
  LwAbxChoice x = lw_abx_current_x (abx);
  g_assert_cmpint (lw_abx_current_x (abx), ==, x);
  LwAbxChoice *xs = (LwAbxChoice *) 1, *as = (LwAbxChoice *) 1;
  g_assert_cmpuint (lw_abx_get_history (abx, &xs, &as), ==, 0);
  g_assert_null (xs);
  g_assert_null (as);
}

static void
test_determinism (void)
{
  const guint64 seeds[] = { 0, 1, 42, G_GUINT64_CONSTANT (1) << 32,
                            G_GUINT64_CONSTANT (0xfedcba9876543210), G_MAXUINT64 };
  guint64 sequences[G_N_ELEMENTS (seeds)] = { 0 };

  for (guint s = 0; s < G_N_ELEMENTS (seeds); s++)
    {
      g_autoptr (LwAbx) a = lw_abx_new (seeds[s]);
      g_autoptr (LwAbx) b = lw_abx_new (seeds[s]);
      guint n_b = 0;
      for (guint i = 0; i < 2000; i++)
        {
          LwAbxChoice x = lw_abx_current_x (a);
          g_assert_cmpint (x, ==, lw_abx_current_x (b));
          g_assert_true (x == LW_ABX_A || x == LW_ABX_B);
          if (i < 64)
            sequences[s] |= (guint64) x << i;
          n_b += x == LW_ABX_B;
          /* Answers do not influence the draw: a always says A, b always says B */
          lw_abx_answer (a, LW_ABX_A);
          lw_abx_answer (b, LW_ABX_B);
        }
      /* Fair coin: 2000 draws lie within 1000 ± 5σ (σ ≈ 22.4) */
      g_assert_cmpuint (n_b, >, 888);
      g_assert_cmpuint (n_b, <, 1112);
      g_assert_cmpuint (lw_abx_get_correct (a) + lw_abx_get_correct (b), ==, 2000);
    }
  /* Different seeds (also ones differing only in the high 32 bits) give other sequences */
  for (guint s = 0; s < G_N_ELEMENTS (seeds); s++)
    for (guint t = s + 1; t < G_N_ELEMENTS (seeds); t++)
      g_assert_cmpuint (sequences[s], !=, sequences[t]);
}

static void
test_score (void)
{
  g_autoptr (LwAbx) abx = lw_abx_new (20261201);
  guint right = 0;

  /* A listener who hears the difference in 3 of 4 trials */
  for (guint i = 0; i < 40; i++)
    {
      LwAbxChoice x = lw_abx_current_x (abx);
      LwAbxChoice answer = (i % 4 == 3) ? !x : x;
      g_assert_cmpint (lw_abx_answer (abx, answer), ==, answer == x);
      right += answer == x;
      g_assert_cmpuint (lw_abx_get_trials (abx), ==, i + 1);
      g_assert_cmpuint (lw_abx_get_correct (abx), ==, right);
      g_assert_cmpfloat (lw_abx_p_value (abx), ==, lw_binomial_tail (i + 1, right));
    }
  g_assert_cmpuint (right, ==, 30);
  /* scipy.stats.binomtest(30, 40, 0.5, alternative='greater').pvalue */
  g_assert_cmpfloat_with_epsilon (lw_abx_p_value (abx), 0.0011107168866146822, 1e-12);
}

static void
test_history_round_trip (void)
{
  const guint64 seed = G_GUINT64_CONSTANT (0x123456789abcdef0);
  g_autoptr (LwAbx) abx = lw_abx_new (seed);
  g_autofree LwAbxChoice *xs = NULL, *answers = NULL;

  for (guint i = 0; i < 57; i++)
    lw_abx_answer (abx, (i * 7 % 5) < 2 ? LW_ABX_A : LW_ABX_B);
  guint n = lw_abx_get_history (abx, &xs, &answers);
  g_assert_cmpuint (n, ==, 57);

  g_autoptr (LwAbx) back = lw_abx_new_from_history (seed, xs, answers, n);
  g_assert_nonnull (back);
  g_assert_cmpuint (lw_abx_get_seed (back), ==, seed);
  g_assert_cmpuint (lw_abx_get_trials (back), ==, 57);
  g_assert_cmpuint (lw_abx_get_correct (back), ==, lw_abx_get_correct (abx));
  g_assert_cmpfloat (lw_abx_p_value (back), ==, lw_abx_p_value (abx));
  g_autofree LwAbxChoice *xs2 = NULL, *answers2 = NULL;
  g_assert_cmpuint (lw_abx_get_history (back, &xs2, &answers2), ==, 57);
  g_assert_cmpmem (xs, 57 * sizeof *xs, xs2, 57 * sizeof *xs2);
  g_assert_cmpmem (answers, 57 * sizeof *answers, answers2, 57 * sizeof *answers2);
  /* The restored session continues with the same X as the original */
  for (guint i = 0; i < 100; i++)
    {
      g_assert_cmpint (lw_abx_current_x (back), ==, lw_abx_current_x (abx));
      lw_abx_answer (abx, LW_ABX_A);
      lw_abx_answer (back, LW_ABX_A);
    }
  /* An empty history is a fresh session */
  g_autoptr (LwAbx) fresh = lw_abx_new_from_history (seed, NULL, NULL, 0);
  g_autoptr (LwAbx) ref = lw_abx_new (seed);
  g_assert_nonnull (fresh);
  g_assert_cmpint (lw_abx_current_x (fresh), ==, lw_abx_current_x (ref));
}

static void
test_history_tampered (void)
{
  const guint64 seed = 99;
  g_autoptr (LwAbx) abx = lw_abx_new (seed);
  g_autofree LwAbxChoice *xs = NULL, *answers = NULL;

  for (guint i = 0; i < 20; i++)
    lw_abx_answer (abx, lw_abx_current_x (abx));
  guint n = lw_abx_get_history (abx, &xs, &answers);

  /* Each recorded X must be the one the seed drew */
  for (guint i = 0; i < n; i += 3)
    {
      xs[i] = !xs[i];
      g_assert_null (lw_abx_new_from_history (seed, xs, answers, n));
      xs[i] = !xs[i];
    }
  /* The same history under another seed does not fit (a 2^-20 chance it would) */
  g_assert_null (lw_abx_new_from_history (seed + 1, xs, answers, n));
  /* An answer other than A or B */
  answers[5] = (LwAbxChoice) 2;
  g_assert_null (lw_abx_new_from_history (seed, xs, answers, n));
  answers[5] = xs[5];
  g_autoptr (LwAbx) ok = lw_abx_new_from_history (seed, xs, answers, n);
  g_assert_nonnull (ok);
  g_assert_cmpuint (lw_abx_get_correct (ok), ==, 20);
  /* More trials than a file may hold */
  g_autofree LwAbxChoice *big = g_new0 (LwAbxChoice, LW_ABX_MAX_TRIALS + 1);
  g_assert_null (lw_abx_new_from_history (seed, big, big, LW_ABX_MAX_TRIALS + 1));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/abx/binomial/scipy", test_binomial_scipy);
  g_test_add_func ("/abx/binomial/edges", test_binomial_edges);
  g_test_add_func ("/abx/session/empty", test_empty_session);
  g_test_add_func ("/abx/session/determinism", test_determinism);
  g_test_add_func ("/abx/session/score", test_score);
  g_test_add_func ("/abx/history/round-trip", test_history_round_trip);
  g_test_add_func ("/abx/history/tampered", test_history_tampered);
  return g_test_run ();
}
