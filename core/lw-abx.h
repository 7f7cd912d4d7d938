/* lw-abx.h — blind ABX listening test: hidden X per trial, score and one-sided binomial p-value
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * In each trial the listener hears A (original), B (decoded) and X, which is secretly A or B,
 * and answers which one X is. Under the null hypothesis (no audible difference) every answer is
 * a fair coin, so the number correct K out of n is Binomial(n, 1/2) and the p-value is
 * P(K ≥ correct). X is drawn from a GRand seeded with the session seed, so a session, and any
 * saved history of it, is reproducible: the seed alone determines every X.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A saved session holds at most this many trials (lw-project refuses more) */
#define LW_ABX_MAX_TRIALS 10000

typedef enum
{
  LW_ABX_A = 0,
  LW_ABX_B = 1
} LwAbxChoice;

typedef struct _LwAbx LwAbx;

/* A session with no trials yet; the sequence of X depends on the seed only. (transfer full) */
LwAbx      *lw_abx_new              (guint64 seed);
void        lw_abx_free             (LwAbx *abx);
guint64     lw_abx_get_seed         (const LwAbx *abx);
/* The hidden identity of the current trial's X: what the page plays when X is chosen */
LwAbxChoice lw_abx_current_x        (const LwAbx *abx);
/* Records the answer for the current trial and draws the next X; TRUE when it was right */
gboolean    lw_abx_answer           (LwAbx *abx, LwAbxChoice answer);
guint       lw_abx_get_trials       (const LwAbx *abx);
guint       lw_abx_get_correct      (const LwAbx *abx);
/* One-sided binomial p-value P(K ≥ correct | n = trials, p = 1/2); 1 with no trials */
double      lw_abx_p_value          (const LwAbx *abx);
/* P(K ≥ k) for K ~ Binomial(n, 1/2), summed in scaled form from the largest term (no overflow
 * for any n; relative error below 1e-10 for n ≤ 10^4, lgamma's rounding); 1 for k = 0, 0 for
 * k > n; values below the smallest double come out as 0 */
double      lw_binomial_tail        (guint n, guint k);
/* The trials so far as (x, answer) pairs, oldest first; *x and *answers are newly allocated
 * arrays of the returned length (NULL when 0) for g_free. */
guint       lw_abx_get_history      (const LwAbx *abx, LwAbxChoice **x, LwAbxChoice **answers);
/* Restores a saved session: replays n trials. NULL when the history cannot come from `seed`
 * (an x differs from the one the seed draws, or a value is not A/B, or n > LW_ABX_MAX_TRIALS),
 * so a tampered or mismatched file is detected. (transfer full) */
LwAbx      *lw_abx_new_from_history (guint64 seed, const LwAbxChoice *x,
                                     const LwAbxChoice *answers, guint n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwAbx, lw_abx_free)

G_END_DECLS
