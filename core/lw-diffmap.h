/* lw-diffmap.h — heat map of the per-pixel difference between two images
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "lw-colormap.h"
#include "lw-tensor.h"

G_BEGIN_DECLS

#define LW_DIFF_MAP_GAIN_MIN    1.0
#define LW_DIFF_MAP_GAIN_MAX 1000.0

/* Heat map of |ref − test|: per pixel the largest absolute channel difference in 8-bit units
 * (both images rounded to 8 bits as lw-metrics does), multiplied by `gain`, divided by 255,
 * through `map`. Returns a 3×H×W tensor in [0,1] (transfer full), or NULL with LW_ERROR_SHAPE
 * when shapes differ / are not C×H×W; gain must be finite and in [1, 1000]
 * (LW_ERROR_INVALID_PARAM otherwise). *max_diff_out (nullable) receives the largest
 * difference found (8-bit units). Alpha channels are not compared (C = 2: gray; C = 4: RGB).
 * Safe to call from any thread. */
LwTensor *lw_diff_map (const LwTensor *ref, const LwTensor *test, double gain, LwColormap map,
                       double *max_diff_out, GError **error);

/* The same map as 8-bit RGB, interleaved: H·W·3 bytes, row by row, ready for display
 * (free with g_free). Values equal lw_diff_map's × 255 exactly. */
guint8   *lw_diff_map_rgb8 (const LwTensor *ref, const LwTensor *test, double gain,
                            LwColormap map, double *max_diff_out, GError **error);

G_END_DECLS
