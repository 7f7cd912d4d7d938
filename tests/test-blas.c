/* test-blas.c — the BLAS thread count setting
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "lw-blas.h"

static void
test_threads (void)
{
  guint initial = lw_blas_get_threads ();
  g_assert_cmpuint (initial, >=, 1);
  lw_blas_set_threads (1);
  g_assert_cmpuint (lw_blas_get_threads (), ==, 1);
  /* never more than the machine has */
  lw_blas_set_threads (100000);
  g_assert_cmpuint (lw_blas_get_threads (), <=, MAX (1, g_get_num_processors ()));
  lw_blas_set_threads (0);
  g_assert_cmpuint (lw_blas_get_threads (), ==, initial);
}

/* The probe returns 1 or the core count, reports positive rates, and leaves the count alone */
static void
test_probe (void)
{
  double one = -1, all = -1;
  guint before = lw_blas_get_threads ();
  guint n = lw_blas_probe_threads (0.2, &one, &all);

  g_test_message ("probe: %u threads; 1 thread %.1f GFLOP/s, all %.1f GFLOP/s", n, one, all);
  g_assert_true (n == 1 || n == MAX (1, g_get_num_processors ()));
  if (g_get_num_processors () > 1)
    {
      g_assert_cmpfloat (one, >, 0.1);
      g_assert_cmpfloat (all, >, 0.1);
      g_assert_true ((n > 1) == (all > one));
    }
  g_assert_cmpuint (lw_blas_get_threads (), ==, before);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/blas/threads", test_threads);
  g_test_add_func ("/blas/probe", test_probe);
  return g_test_run ();
}
