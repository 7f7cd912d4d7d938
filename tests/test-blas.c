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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/blas/threads", test_threads);
  return g_test_run ();
}
