/* lw-blas.c — the BLAS thread count, and two halves of a batch run at once
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-blas"

#include "lw-blas.h"

#include <cblas.h>
#include <stdlib.h>

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
  qsort (v, n, sizeof *v, compare_doubles);
  return n == 0 ? 0.0 : n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

guint
lw_blas_probe_threads (double  seconds,
                       double *gflops_one,
                       double *gflops_all)
{
  enum { M = 4096, N = 512, K = 128, MAX_ROUNDS = 64 };
  guint cores = MAX (g_get_num_processors (), 1u);
  guint before = lw_blas_get_threads ();
  double one[MAX_ROUNDS], all[MAX_ROUNDS];
  double flops = 2.0 * M * N * K;
  guint rounds = 0;
  gint64 deadline;
  float *a, *b, *c;

  if (gflops_one != NULL)
    *gflops_one = 0.0;
  if (gflops_all != NULL)
    *gflops_all = 0.0;
  if (cores == 1)
    return 1;
  a = g_new (float, (gsize) M * K);
  b = g_new (float, (gsize) K * N);
  c = g_new0 (float, (gsize) M * N);
  for (gsize i = 0; i < (gsize) M * K; i++)
    a[i] = (float) ((i * 7919) % 1000) * 1e-3f;
  for (gsize i = 0; i < (gsize) K * N; i++)
    b[i] = (float) ((i * 104729) % 1000) * 1e-3f;

  deadline = g_get_monotonic_time () + (gint64) (MAX (seconds, 0.05) * G_USEC_PER_SEC);
  while (rounds < MAX_ROUNDS && (rounds < 3 || g_get_monotonic_time () < deadline))
    {
      for (guint side = 0; side < 2; side++)
        {
          gint64 t0;
          lw_blas_set_threads (side == 0 ? 1 : cores);
          t0 = g_get_monotonic_time ();
          cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0f, a, K, b, N,
                       0.0f, c, N);
          (side == 0 ? one : all)[rounds] =
            flops / (MAX (g_get_monotonic_time () - t0, 1) * 1e3);
        }
      rounds++;
    }
  g_free (a);
  g_free (b);
  g_free (c);
  lw_blas_set_threads (before);

  double m1 = median (one, rounds), ma = median (all, rounds);
  if (gflops_one != NULL)
    *gflops_one = m1;
  if (gflops_all != NULL)
    *gflops_all = ma;
  return ma > m1 ? cores : 1;
}

typedef struct
{
  GFunc    func;
  gpointer data;
} PairThread;

static gpointer
pair_thread (gpointer user_data)
{
  PairThread *p = user_data;
  p->func (p->data, NULL);
  return NULL;
}

void
lw_blas_run_pair (GFunc func, gpointer first, gpointer second, gboolean parallel)
{
  PairThread p = { func, second };
  GThread *thread = parallel ? g_thread_try_new ("lw-train-part", pair_thread, &p, NULL) : NULL;
  func (first, NULL);
  if (thread != NULL)
    g_thread_join (thread);
  else
    func (second, NULL);
}
