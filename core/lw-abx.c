/* lw-abx.c — blind ABX listening test: trial sequence, score and binomial p-value
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-abx"

#include "lw-abx.h"

#include <math.h>

struct _LwAbx
{
  guint64     seed;
  GRand      *rand;
  LwAbxChoice x;          /* the current trial's hidden X */
  GArray     *xs;         /* LwAbxChoice per finished trial */
  GArray     *answers;
  guint       correct;
};

/* The top bit of a Mersenne Twister output: uniformly A or B */
static LwAbxChoice
draw (GRand *rand)
{
  return (g_rand_int (rand) >> 31) ? LW_ABX_B : LW_ABX_A;
}

LwAbx *
lw_abx_new (guint64 seed)
{
  /* Both halves of the seed matter: g_rand_new_with_seed takes only 32 bits */
  const guint32 words[2] = { (guint32) (seed & 0xffffffffu), (guint32) (seed >> 32) };
  LwAbx *abx = g_new0 (LwAbx, 1);

  abx->seed = seed;
  abx->rand = g_rand_new_with_seed_array (words, 2);
  abx->xs = g_array_new (FALSE, FALSE, sizeof (LwAbxChoice));
  abx->answers = g_array_new (FALSE, FALSE, sizeof (LwAbxChoice));
  abx->x = draw (abx->rand);
  return abx;
}

void
lw_abx_free (LwAbx *abx)
{
  if (abx == NULL)
    return;
  g_rand_free (abx->rand);
  g_array_unref (abx->xs);
  g_array_unref (abx->answers);
  g_free (abx);
}

guint64
lw_abx_get_seed (const LwAbx *abx)
{
  g_return_val_if_fail (abx != NULL, 0);
  return abx->seed;
}

LwAbxChoice
lw_abx_current_x (const LwAbx *abx)
{
  g_return_val_if_fail (abx != NULL, LW_ABX_A);
  return abx->x;
}

gboolean
lw_abx_answer (LwAbx *abx, LwAbxChoice answer)
{
  g_return_val_if_fail (abx != NULL, FALSE);
  g_return_val_if_fail (answer == LW_ABX_A || answer == LW_ABX_B, FALSE);
  gboolean right = answer == abx->x;

  g_array_append_val (abx->xs, abx->x);
  g_array_append_val (abx->answers, answer);
  if (right)
    abx->correct++;
  abx->x = draw (abx->rand);
  return right;
}

guint
lw_abx_get_trials (const LwAbx *abx)
{
  g_return_val_if_fail (abx != NULL, 0);
  return abx->xs->len;
}

guint
lw_abx_get_correct (const LwAbx *abx)
{
  g_return_val_if_fail (abx != NULL, 0);
  return abx->correct;
}

double
lw_abx_p_value (const LwAbx *abx)
{
  g_return_val_if_fail (abx != NULL, 1.0);
  return lw_binomial_tail (abx->xs->len, abx->correct);
}

/* log C(n, i) − n log 2 = log P(K = i) */
static double
log_pmf (guint n, guint i)
{
  return lgamma (n + 1.0) - lgamma (i + 1.0) - lgamma ((double) (n - i) + 1.0) - n * G_LN2;
}

double
lw_binomial_tail (guint n, guint k)
{
  if (k == 0)
    return 1.0;
  if (k > n)
    return 0.0;
  /* Sum the smaller side so no cancellation happens: the upper tail directly when k is above
   * the mean, else 1 − P(K ≤ k − 1) where that lower tail is the small one. Terms are scaled
   * by the largest (log-sum-exp), so nothing overflows or underflows before it must. */
  gboolean upper = 2.0 * k >= n;
  guint lo = upper ? k : 0, hi = upper ? n : k - 1;
  /* pmf is unimodal with its peak at n/2: the largest term of [lo, hi] is the one nearest it */
  guint peak = upper ? lo : hi;
  double lmax = log_pmf (n, peak);
  double sum = 0.0;

  /* Successive terms by the exact ratio P(i+1)/P(i) = (n − i)/(i + 1); they fall away from the
   * peak, so the sum stops once they no longer change it */
  double t = 1.0;
  if (upper)
    {
      for (guint i = lo; i <= hi && t >= 1e-18 * sum; i++)
        {
          sum += t;
          t *= (double) (n - i) / (i + 1.0);
        }
    }
  else
    {
      for (guint i = hi + 1; i-- > lo && t >= 1e-18 * sum;)
        {
          sum += t;
          t *= i / (double) (n - i + 1);
        }
    }
  double tail = exp (lmax + log (sum));
  return upper ? MIN (tail, 1.0) : CLAMP (1.0 - tail, 0.0, 1.0);
}

guint
lw_abx_get_history (const LwAbx *abx, LwAbxChoice **x, LwAbxChoice **answers)
{
  g_return_val_if_fail (abx != NULL, 0);
  guint n = abx->xs->len;
  gsize size = (gsize) n * sizeof (LwAbxChoice);

  if (x)
    *x = n ? g_memdup2 (abx->xs->data, size) : NULL;
  if (answers)
    *answers = n ? g_memdup2 (abx->answers->data, size) : NULL;
  return n;
}

LwAbx *
lw_abx_new_from_history (guint64 seed, const LwAbxChoice *x, const LwAbxChoice *answers,
                         guint n)
{
  g_return_val_if_fail (n == 0 || (x != NULL && answers != NULL), NULL);
  if (n > LW_ABX_MAX_TRIALS)
    return NULL;
  g_autoptr (LwAbx) abx = lw_abx_new (seed);

  for (guint i = 0; i < n; i++)
    {
      /* Replaying through the generator both restores its state for the next trial and
       * proves every recorded X is the one the seed drew */
      if (x[i] != abx->x || (answers[i] != LW_ABX_A && answers[i] != LW_ABX_B))
        return NULL;
      lw_abx_answer (abx, answers[i]);
    }
  return g_steal_pointer (&abx);
}
