/* lw-rate-map.c — between a codec's rate parameter and a slider position
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-rate-map"

#include "lw-rate-map.h"

#include <math.h>

void
lw_rate_map_init (LwRateMap         *map,
                  const LwParamSpec *spec,
                  gboolean           descending)
{
  map->spec = spec;
  /* A log scale needs a positive range; otherwise fall back to linear. */
  map->log = spec->log_scale && spec->min > 0;
  map->negate = descending;
  map->lower = lw_rate_map_to_slider (map, descending ? spec->max : spec->min);
  map->upper = lw_rate_map_to_slider (map, descending ? spec->min : spec->max);
  if (spec->type != LW_PARAM_DOUBLE && !map->log)
    map->step = 1.0;
  else
    map->step = (map->upper - map->lower) / 100.0;
}

double
lw_rate_map_to_slider (const LwRateMap *map,
                       double           value)
{
  double p = map->log ? log (value) : value;

  return map->negate ? -p : p;
}

double
lw_rate_map_from_slider (const LwRateMap *map,
                         double           position)
{
  const LwParamSpec *spec = map->spec;
  double p = map->negate ? -position : position;
  double v = map->log ? exp (p) : p;

  if (spec->type != LW_PARAM_DOUBLE)
    v = round (v);
  else if (v != 0.0 && isfinite (v))
    {
      /* Finer steps than three digits change nothing visible and only cost encodes. */
      double scale = pow (10.0, 3.0 - ceil (log10 (fabs (v))));
      v = round (v * scale) / scale;
    }
  return CLAMP (v, spec->min, spec->max);
}
