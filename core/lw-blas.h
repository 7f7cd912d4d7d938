/* lw-blas.h — the BLAS thread count, one setting for the whole process
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * OpenBLAS keeps one thread pool per process. Every caller that wants a different count goes
 * through here, so several workers never each start a full pool, and benchmarks that claim
 * "one core" can say so.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Threads OpenBLAS uses for one call (≥ 1). */
guint lw_blas_get_threads (void);

/* Sets the count; 0 restores the count OpenBLAS chose at start-up (the OPENBLAS_NUM_THREADS
 * environment variable, or the number of cores). Values above the number of cores are clamped
 * to it. */
void  lw_blas_set_threads (guint threads);

/* The measured default: times the same single-precision GEMM work (the transformer's MLP
 * shape, 4096×512×128) with one thread and with every core, alternating, for about `seconds`
 * in all, and returns the count whose median rate was higher. The rates (GFLOP/s) are stored
 * when the pointers are non-NULL. The thread count is left as it was. On a one-core machine
 * returns 1 at once. Call it where no other thread runs BLAS (OpenBLAS's count is global). */
guint lw_blas_probe_threads (double  seconds,
                             double *gflops_one,
                             double *gflops_all);

/* Runs func (first, NULL) and func (second, NULL), on two threads at once when parallel
 * (falling back to one after the other if no thread can be started), and returns when both
 * are done. For two halves of a batch that each call BLAS: set the thread count to 1 first, so
 * the two do not share one pool (lw-reason-train.c, bench/nn-step). */
void  lw_blas_run_pair (GFunc    func,
                        gpointer first,
                        gpointer second,
                        gboolean parallel);

G_END_DECLS
