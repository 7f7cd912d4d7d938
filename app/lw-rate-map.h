/* lw-rate-map.h — between a codec's rate parameter and a slider position
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The slider range comes from the parameter's description (LwParamSpec), never from the
 * GUI: linear over [min, max], or over [ln min, ln max] for log-scale parameters. For
 * parameters where larger values give lower rates (a quantiser step) the axis is negated,
 * so that right is always “more bits” and the slider's fill reads as the rate.
 */
#pragma once

#include "lw-codec.h"

G_BEGIN_DECLS

typedef struct
{
  const LwParamSpec *spec;
  gboolean           log;    /* positions are ln (value) */
  gboolean           negate; /* positions are −value or −ln (value) */
  double             lower;  /* slider range */
  double             upper;
  double             step;   /* one keyboard step: 1 for linear integers, else 1 % of the range */
} LwRateMap;

/* `descending`: the codec's sweep_descending */
void   lw_rate_map_init          (LwRateMap         *map,
                                  const LwParamSpec *spec,
                                  gboolean           descending);
double lw_rate_map_to_slider     (const LwRateMap *map,
                                  double           value);
/* The parameter value a position stands for: whole numbers for non-real parameters, three
 * significant digits for real ones, clamped to [min, max]. */
double lw_rate_map_from_slider   (const LwRateMap *map,
                                  double           position);

G_END_DECLS
