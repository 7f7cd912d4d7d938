/* lw-fit.h — layout math for showing images scaled to fit: pure functions, no widgets
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Units are logical pixels (GTK's coordinate space). Images keep their aspect ratio.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double x, y, width, height;
} LwRect;

/* Scale factor that fits a content_w×content_h item into box_w×box_h without distortion,
 * capped at max_scale (use 1.0 to never enlarge). 0 when either size is empty. */
double lw_fit_scale (double content_w, double content_h, double box_w, double box_h,
                     double max_scale);

/* `content` scaled by `scale` and centred in `box`. */
void   lw_fit_center (double content_w, double content_h, double scale, const LwRect *box,
                      LwRect *out);

/* Two images side by side in `area`, each in one half, `gap` apart at the middle line.
 * Both are drawn with one common scale (the largest that fits both in a half, capped at
 * max_scale), so equal-sized images appear equal-sized and their pixels line up. The left
 * image ends and the right one starts at the middle (± gap/2); each is centred vertically.
 * Returns the common scale; 0 (and empty rects) when nothing fits. A missing image is passed
 * as 0×0 and gets an empty rect. */
double lw_fit_side_by_side (double left_w, double left_h, double right_w, double right_h,
                            const LwRect *area, double gap, double max_scale,
                            LwRect *left_out, LwRect *right_out);

/* One axis of a zoomed view: the image point (in image pixels) to put at the view's centre,
 * clamped so the image cannot be panned off screen. When the scaled image fits in the view
 * along this axis it is centred (image_len / 2); otherwise the view stays inside the image.
 * NaN centres become the image centre. */
double lw_fit_clamp_center (double center, double image_len, double view_len, double scale);

/* The next zoom level up (direction > 0) or down (direction < 0) from `scale` on the ladder
 * 2^(k/2) (… 0.707, 1, 1.414, 2, … — each step ×√2), clamped to [min_scale, max_scale].
 * A scale between levels (say a fit scale of 0.8) goes to the adjacent level in that
 * direction (1 or 0.707), so stepping from "fit" lands on 100 %. A scale ≤ 0 steps up to 1. */
double lw_fit_zoom_step (double scale, int direction, double min_scale, double max_scale);

G_END_DECLS
