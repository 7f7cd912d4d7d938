/* lw-colormap.h — perceptual colormaps: a value in [0, 1] to an 8-bit RGB colour
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  LW_COLORMAP_INFERNO = 0, /* matplotlib's "inferno": near-black at 0, pale yellow at 1 */
  LW_COLORMAP_GRAY = 1,    /* black to white */
} LwColormap;

/* t in [0,1] (clamped, NaN → 0) → 8-bit RGB. Inferno follows matplotlib's sampling of its
 * 256-entry table (entry floor(256·t), t = 1 → entry 255). An unknown map gives gray. */
void lw_colormap_lookup (LwColormap map, double t, guint8 rgb[3]);

G_END_DECLS
