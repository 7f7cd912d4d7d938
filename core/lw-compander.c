/* lw-compander.c — Gaussian-CDF compander with a uniform step (see lw-compander.h)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-compander"

#include "lw-compander.h"

#include <math.h>

double
lw_normal_cdf (double x)
{
  return 0.5 * erfc (-x / G_SQRT2);
}

double
lw_normal_quantile (double p)
{
  /* Acklam's rational approximation, then one Halley step against erfc for full precision. */
  static const double a[] = { -3.969683028665376e+01, 2.209460984245205e+02,
                              -2.759285104469687e+02, 1.383577518672690e+02,
                              -3.066479806614716e+01, 2.506628277459239e+00 };
  static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02,
                              -1.556989798598866e+02, 6.680131188771972e+01,
                              -1.328068155288572e+01 };
  static const double c[] = { -7.784894002430293e-03, -3.223964580411365e-01,
                              -2.400758277161838e+00, -2.549732539343734e+00,
                              4.374664141464968e+00,  2.938163982698783e+00 };
  static const double d[] = { 7.784695709041462e-03, 3.224671290700398e-01,
                              2.445134137142996e+00, 3.754408661907416e+00 };
  const double plow = 0.02425;
  double q, r, x;

  if (!(p > 0.0))
    return -INFINITY;
  if (!(p < 1.0))
    return INFINITY;

  if (p < plow)
    {
      q = sqrt (-2 * log (p));
      x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
          ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
  else if (p <= 1 - plow)
    {
      q = p - 0.5;
      r = q * q;
      x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
          (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
  else
    {
      q = sqrt (-2 * log (1 - p));
      x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
          ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }

  double e = lw_normal_cdf (x) - p;
  double u = e * sqrt (2 * G_PI) * exp (x * x / 2);
  return x - u / (1 + x * u / 2);
}

double
lw_compander_forward (const LwCompander *c, double x)
{
  return 2 * c->m * (lw_normal_cdf (x * c->gain / (c->step * c->s)) - 0.5);
}

double
lw_compander_inverse (const LwCompander *c, double u)
{
  double p = CLAMP (u / (2 * c->m) + 0.5, 1e-4, 1 - 1e-4);
  return c->step * c->s / c->gain * lw_normal_quantile (p);
}

/* Thresholds and reconstruction levels for Δ = 1 depend only on (b, θ, ρ), and every encode
 * and decode needs them (2·(2^(b−1) − 1) normal quantiles, a third of a millisecond at
 * b = 12): a few recent sets are kept and scaled by Δ. */
typedef struct
{
  guint   bits;
  double  rounding, bias;
  double *thr;  /* qmax + 1: thr[k] for k ≥ 1 */
  double *rec;  /* qmax + 1 */
} UnitTables;

#define N_CACHED_TABLES 8

static void
unit_tables_scaled (LwCompander *c, double rounding, double bias)
{
  static UnitTables cache[N_CACHED_TABLES];
  static guint next;
  static GMutex lock;
  UnitTables *t = NULL;

  g_mutex_lock (&lock);
  for (guint i = 0; i < N_CACHED_TABLES && t == NULL; i++)
    if (cache[i].thr != NULL && cache[i].bits == c->bits && cache[i].rounding == rounding &&
        cache[i].bias == bias)
      t = &cache[i];
  if (t == NULL)
    {
      t = &cache[next];
      next = (next + 1) % N_CACHED_TABLES;
      g_free (t->thr);
      g_free (t->rec);
      t->bits = c->bits;
      t->rounding = rounding;
      t->bias = bias;
      t->thr = g_new (double, c->qmax + 1);
      t->rec = g_new (double, c->qmax + 1);
      double unit = c->s / c->gain;
      /* Decision thresholds come from the forward map, which WaLLoC does not clamp (only its
       * inverse clamps to [1e−4, 1 − 1e−4]). */
      t->thr[0] = 0;
      for (int k = 1; k <= c->qmax; k++)
        t->thr[k] = unit * lw_normal_quantile ((k - rounding) / (2 * c->m) + 0.5);
      t->rec[0] = 0;
      for (int q = 1; q <= c->qmax; q++)
        t->rec[q] = unit * lw_normal_quantile (CLAMP ((q - bias) / (2 * c->m) + 0.5, 1e-4,
                                                      1 - 1e-4));
    }
  for (int k = 0; k <= c->qmax; k++)
    {
      c->thr[k] = (float) (c->step * t->thr[k]);
      c->rec[k] = (float) (c->step * t->rec[k]);
    }
  c->thr[c->qmax + 1] = INFINITY;
  g_mutex_unlock (&lock);
}

LwCompander *
lw_compander_new (guint bits, double step)
{
  return lw_compander_new_full (bits, step, 0.5, 0.0);
}

LwCompander *
lw_compander_new_full (guint bits, double step, double rounding, double bias)
{
  g_return_val_if_fail (bits >= 2 && bits <= 16, NULL);
  g_return_val_if_fail (rounding > 0 && rounding <= 0.5, NULL);
  g_return_val_if_fail (bias > -0.5 && bias < 0.5, NULL);
  g_return_val_if_fail (step > 0 && isfinite (step), NULL);

  LwCompander *c = g_new0 (LwCompander, 1);
  c->bits = bits;
  c->step = step;
  c->s = (ldexp (1, bits - 1) - 1) / 1.85;
  c->m = ldexp (1, bits - 1) - 0.5 - 0.001;
  c->gain = c->s * sqrt (2 * G_PI) / (2 * c->m);
  c->qmax = (1 << (bits - 1)) - 1;
  c->inv_step = (float) (1.0 / step);
  c->rounding = (float) rounding;
  c->thr = g_new (float, c->qmax + 2);
  c->rec = g_new (float, c->qmax + 1);
  unit_tables_scaled (c, rounding, bias);
  c->n_cells = 2 * (guint) MIN (8192.0, ceil (c->thr[c->qmax] / step) + 2);
  c->cell_level = g_new (gint32, c->n_cells);
  /* thresholds are increasing, so one merge-like walk fills every cell */
  for (guint i = 0, k = 0; i < c->n_cells; i++)
    {
      float t = (float) (i * 0.5 * step);
      while ((int) k < c->qmax && c->thr[k + 1] <= t)
        k++;
      c->cell_level[i] = k;
    }
  /* The float thresholds must stay strictly increasing, or the search below could disagree
   * with the exact formula; at 16 bits adjacent thresholds are still ≥ 1e−4·Δ apart. */
  return c;
}

void
lw_compander_free (LwCompander *c)
{
  if (c == NULL)
    return;
  g_free (c->thr);
  g_free (c->rec);
  g_free (c->cell_level);
  g_free (c);
}

int
lw_compander_quantise (const LwCompander *c, float x)
{
  float ax = fabsf (x);
  if (!(ax >= 0)) /* NaN: no level; 0 keeps every index below in range */
    return 0;
  /* The compander's slope is largest (1) at zero, so C(|x|) ≤ |x|/Δ and ⌊|x|/Δ + θ⌋ bounds
   * the level from above (with a little slack for float rounding); most latents of a coarse
   * setting fall in the zero bin and leave here. */
  float guess = ax * c->inv_step + c->rounding + 1e-3f;
  if (guess < 1.0f)
    return 0;
  int hi = guess >= (float) c->qmax ? c->qmax : (int) guess;
  int lo = 0;

  /* Largest k in [0, hi] with thr[k] ≤ |x| (thr[0] = 0). Near zero the compander is almost
   * the identity, so the answer is hi or a step or two below: walk first, bisect if far. */
  for (int walk = 0; walk < 3; walk++, hi--)
    if (c->thr[hi] <= ax)
      return x < 0 ? -hi : hi;
  if (hi <= 0)
    return 0;
  hi++; /* thr[hi] > |x| again */
  while (hi - lo > 1)
    {
      int mid = (lo + hi) / 2;
      if (c->thr[mid] <= ax)
        lo = mid;
      else
        hi = mid;
    }
  return x < 0 ? -lo : lo;
}

float
lw_compander_dequantise (const LwCompander *c, int q)
{
  int a = ABS (q);
  if (a > c->qmax)
    a = c->qmax;
  return q < 0 ? -c->rec[a] : c->rec[a];
}

void
lw_compander_quantise_block (const LwCompander *c, const float *x, gsize n, guint16 *sym,
                             int offset)
{
  const float cells_per_unit = 2.0f * c->inv_step;
  const float limit = (float) (c->n_cells - 1);
  for (gsize i = 0; i < n; i++)
    {
      float ax = fabsf (x[i]);
      float f = ax * cells_per_unit;
      int q;
      if (G_LIKELY (f < limit))
        {
          int k = c->cell_level[(int) f];
          /* thr[0] = 0 and thr[qmax + 1] = +inf keep both look-ups in bounds */
          q = k + (ax >= c->thr[k + 1]) - (k > 0 && ax < c->thr[k]);
        }
      else
        q = ABS (lw_compander_quantise (c, ax));
      sym[i] = (guint16) ((x[i] < 0 ? -q : q) + offset);
    }
}
