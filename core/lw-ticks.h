/* lw-ticks.h — "nice" axis ticks for plots (linear 1/2/2.5/5 × 10^k steps, log 1-2-5 decades)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure functions, no state. Tick values are the doubles nearest to their decimal values
 * (0.3 is 0.3, not 0.30000000000000004), so they compare and format cleanly.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LW_TICKS_MAX 32

typedef struct
{
  double lo, hi;     /* the axis range the ticks span: values[0] and values[n - 1] */
  double step;       /* linear spacing; 0 for log ticks (not equally spaced) */
  guint  n;          /* number of values, 1..LW_TICKS_MAX */
  double values[LW_TICKS_MAX];
  int    decimals;   /* digits after the point that show every value exactly (linear) */
} LwTicks;

/* Nice ticks (steps 1, 2, 2.5, 5 × 10^k) covering [min, max] with about `target` ticks
 * (target is clamped to 2..16; the count stays within target/2..2·target). With `extend`,
 * lo ≤ min and hi ≥ max (the axis grows to the next ticks); without it, the ticks lie inside
 * [min, max]. min > max is swapped; min == max gets a small range around the value. Returns
 * FALSE (and out->n = 0) for NaN or infinite input or a range whose width overflows. */
gboolean lw_ticks_linear (double min, double max, guint target, gboolean extend, LwTicks *out);

/* Log axis ticks at 1, 2, 5 × 10^k from the largest such value ≤ min to the smallest ≥ max
 * (only 1 × 10^k when the range spans more than 10 decades). Returns FALSE (out->n = 0) when
 * min or max is not finite and positive, or the range spans more than LW_TICKS_MAX decades. */
gboolean lw_ticks_log (double min, double max, LwTicks *out);

/* A tick value as text: linear ticks with ticks->decimals digits after the point, log ticks
 * (step 0) with as many as the value needs; never "-0", no rounding noise, "." as the decimal
 * point whatever the locale. Values beyond 1e15 or needing more than 12 decimals use %g.
 * (transfer full) */
char *lw_ticks_format (const LwTicks *ticks, double value);

G_END_DECLS
