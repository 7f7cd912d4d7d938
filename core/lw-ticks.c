/* lw-ticks.c — "nice" axis ticks for plots
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A step is kept as an integer mantissa M ∈ {10, 20, 25, 50} and a power of ten p (step =
 * M·10^p), and tick i is computed as (i·M) · 10^p or (i·M) / 10^−p: both operands are exact
 * doubles (for |p| ≤ 22), so one rounding gives the double nearest the decimal tick value.
 * Accumulating lo + i·step instead would print as 0.30000000000000004.
 */
#define G_LOG_DOMAIN "lw-ticks"

#include "lw-ticks.h"

#include <math.h>
#include <string.h>

#define MAX_EXACT 9007199254740992.0 /* 2^53: integers above are not all doubles */

static const double exact_pow10[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* mant · 10^p, rounded once when |p| ≤ 22 */
static double
decimal_value (double mant,
               int    p)
{
  if (p >= 0 && p <= 22)
    return mant * exact_pow10[p];
  if (p < 0 && p >= -22)
    return mant / exact_pow10[-p];
  return mant * pow (10.0, p);
}

static void
clear_ticks (LwTicks *out)
{
  memset (out, 0, sizeof *out);
}

typedef struct
{
  gint64 i0, i1;
} Span;

/* First and last tick index for step M·10^p; tolerates rounding in min/step, then checks
 * the exact tick values against the bounds. */
static gboolean
span_for_step (double   min,
               double   max,
               int      mant,
               int      p,
               gboolean extend,
               Span    *span)
{
  double step = decimal_value (mant, p);
  double a = min / step, b = max / step;
  gint64 i0, i1;

  /* i·M must be an exact double for the one-rounding argument (and the tick distinct) */
  if (!(fabs (a) * mant < MAX_EXACT / 2 && fabs (b) * mant < MAX_EXACT / 2))
    return FALSE;
  if (extend)
    {
      i0 = (gint64) floor (a + 1e-9);
      i1 = (gint64) ceil (b - 1e-9);
      if (decimal_value ((double) (i0 * mant), p) > min)
        i0--;
      if (decimal_value ((double) (i1 * mant), p) < max)
        i1++;
    }
  else
    {
      i0 = (gint64) ceil (a - 1e-9);
      i1 = (gint64) floor (b + 1e-9);
      if (decimal_value ((double) (i0 * mant), p) < min)
        i0++;
      if (decimal_value ((double) (i1 * mant), p) > max)
        i1--;
    }
  span->i0 = i0;
  span->i1 = i1;
  return TRUE;
}

gboolean
lw_ticks_linear (double    min,
                 double    max,
                 guint     target,
                 gboolean  extend,
                 LwTicks  *out)
{
  static const int mantissas[] = { 10, 20, 25, 50 };
  double span, raw, best_score = G_MAXDOUBLE;
  int e, best_mant = 0, best_p = 0;
  Span best = { 0, 0 };

  g_return_val_if_fail (out != NULL, FALSE);
  clear_ticks (out);
  if (!isfinite (min) || !isfinite (max))
    return FALSE;
  if (min > max)
    {
      double t = min;
      min = max;
      max = t;
    }
  target = CLAMP (target, 2, 16);

  if (min == max)
    {
      /* A single value: show it with ±5 % around it (±0.5 around zero or denormals) */
      double pad = fabs (min) * 0.05;

      if (!(pad > 1e-290))
        pad = 0.5;
      min -= pad;
      max += pad;
    }

  span = max - min;
  if (!isfinite (span) || span <= 0)
    return FALSE;

  raw = span / (target - 1);
  e = (int) floor (log10 (raw));
  /* Candidates from 10^(e−1) to 5·10^(e+1), in increasing order. The score is the distance
   * from the target count, plus a quarter for a 2.5 step (its extra decimal), plus the
   * axis share left empty; ties go to the larger step (fewer labels). */
  for (int k = e - 1; k <= e + 1; k++)
    for (guint m = 0; m < G_N_ELEMENTS (mantissas); m++)
      {
        Span s;
        double n, score, lo, hi, slack;

        if (!span_for_step (min, max, mantissas[m], k - 1, extend, &s))
          continue;
        n = (double) (s.i1 - s.i0 + 1);
        if (n < 2 || n > LW_TICKS_MAX)
          continue;
        /* the share of the axis that shows nothing (extend) or of the data without ticks
         * beyond it (inside): makes 0.1, 0.2, 0.3 win over 0, 0.2, 0.4 */
        lo = decimal_value ((double) (s.i0 * mantissas[m]), k - 1);
        hi = decimal_value ((double) (s.i1 * mantissas[m]), k - 1);
        slack = extend ? (hi - lo - span) / (hi - lo) : (span - (hi - lo)) / span;
        score = fabs (n - target) + (mantissas[m] == 25 ? 0.25 : 0.0) + slack;
        if (score <= best_score)
          {
            best_score = score;
            best = s;
            best_mant = mantissas[m];
            best_p = k - 1;
          }
      }
  if (best_mant == 0)
    return FALSE;

  out->n = (guint) (best.i1 - best.i0 + 1);
  for (guint i = 0; i < out->n; i++)
    out->values[i] = decimal_value ((double) ((best.i0 + (gint64) i) * best_mant), best_p);
  out->lo = out->values[0];
  out->hi = out->values[out->n - 1];
  out->step = decimal_value (best_mant, best_p);
  /* M = 10, 20, 50 end in a zero that does not need a digit; 25 does */
  out->decimals = MAX (0, -best_p - (best_mant % 10 == 0 ? 1 : 0));
  return TRUE;
}

/* The exponent k with 10^k ≤ v < 10^(k+1), checked against exact powers */
static int
decade_of (double v)
{
  int k = (int) floor (log10 (v));

  if (decimal_value (1, k) > v)
    k--;
  else if (decimal_value (1, k + 1) <= v)
    k++;
  return k;
}

static guint
fill_log (double   min,
          double   max,
          gboolean decades_only,
          LwTicks *out)
{
  static const int all[] = { 1, 2, 5 };
  static const int one[] = { 1 };
  const int *ms = decades_only ? one : all;
  guint n_ms = decades_only ? 1 : 3;
  int k0 = decade_of (min) - 1, k1 = decade_of (max) + 1;
  gint first = -1, last = -1;
  guint n = 0;
  /* Walk the candidates in increasing order; the index is k·n_ms + m */
  for (int k = k0; k <= k1; k++)
    for (guint m = 0; m < n_ms; m++)
      {
        double v = decimal_value (ms[m], k);
        int idx = (k - k0) * (int) n_ms + (int) m;

        if (v <= min)
          first = idx;
        if (v >= max && last < 0)
          last = idx;
      }
  if (first < 0 || last < 0)
    return 0;
  if (first == last)
    {
      /* a single value: one candidate to each side */
      first--;
      last++;
    }
  for (int idx = first; idx <= last; idx++)
    {
      int k = k0 + idx / (int) n_ms, m = idx % (int) n_ms;

      if (n == LW_TICKS_MAX)
        return LW_TICKS_MAX + 1;
      out->values[n++] = decimal_value (ms[m], k);
    }
  return n;
}

gboolean
lw_ticks_log (double   min,
              double   max,
              LwTicks *out)
{
  guint n;

  g_return_val_if_fail (out != NULL, FALSE);
  clear_ticks (out);
  if (!isfinite (min) || !isfinite (max) || min <= 0 || max <= 0)
    return FALSE;
  if (min > max)
    {
      double t = min;
      min = max;
      max = t;
    }
  /* leave room for the neighbours fill_log may add at either end */
  if (decade_of (min) < -300 || decade_of (max) > 300)
    return FALSE;

  n = fill_log (min, max, FALSE, out);
  if (n > LW_TICKS_MAX)
    n = fill_log (min, max, TRUE, out);
  if (n == 0 || n > LW_TICKS_MAX)
    {
      clear_ticks (out);
      return FALSE;
    }
  out->n = n;
  out->lo = out->values[0];
  out->hi = out->values[n - 1];
  out->step = 0;
  out->decimals = MAX (0, -decade_of (out->lo));
  return TRUE;
}

/* Drop the sign of a zero that rounding produced ("-0", "-0.00") */
static char *
strip_negative_zero (char *text)
{
  if (text[0] == '-' && strspn (text + 1, "0.") == strlen (text + 1))
    memmove (text, text + 1, strlen (text));
  return text;
}

char *
lw_ticks_format (const LwTicks *ticks,
                 double         value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char format[16];
  int decimals;

  g_return_val_if_fail (ticks != NULL, NULL);
  if (isnan (value))
    return g_strdup ("nan");
  if (isinf (value))
    return g_strdup (value > 0 ? "inf" : "-inf");

  if (ticks->step > 0)
    decimals = ticks->decimals;
  else
    decimals = value != 0 ? MAX (0, -decade_of (fabs (value))) : 0;

  if (decimals > 12 || fabs (value) >= 1e15)
    {
      /* The shortest %g that reads back within 1e-12: no noise digits */
      for (int prec = 1; prec <= 17; prec++)
        {
          g_snprintf (format, sizeof format, "%%.%dg", prec);
          g_ascii_formatd (buf, sizeof buf, format, value);
          if (fabs (g_ascii_strtod (buf, NULL) - value) <= 1e-12 * fabs (value))
            break;
        }
      return strip_negative_zero (g_strdup (buf));
    }

  g_snprintf (format, sizeof format, "%%.%df", decimals);
  g_ascii_formatd (buf, sizeof buf, format, value);
  return strip_negative_zero (g_strdup (buf));
}
