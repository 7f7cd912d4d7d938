/* lw-blas.c — the BLAS thread count
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-blas"

#include "lw-blas.h"

#include <cblas.h>

static guint initial_threads;
static GMutex lock;

static void
remember_initial (void)
{
  if (initial_threads == 0)
    initial_threads = MAX (1, openblas_get_num_threads ());
}

guint
lw_blas_get_threads (void)
{
  return MAX (1, openblas_get_num_threads ());
}

void
lw_blas_set_threads (guint threads)
{
  g_mutex_lock (&lock);
  remember_initial ();
  guint cores = g_get_num_processors ();
  guint n = threads == 0 ? initial_threads : MIN (threads, MAX (cores, 1u));
  openblas_set_num_threads ((int) n);
  g_mutex_unlock (&lock);
}
