/* lw-fit.c — layout math for showing images scaled to fit
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-fit"

#include "lw-fit.h"

#include <math.h>

double
lw_fit_scale (double content_w,
              double content_h,
              double box_w,
              double box_h,
              double max_scale)
{
  if (!(content_w > 0 && content_h > 0 && box_w > 0 && box_h > 0))
    return 0.0;
  return MIN (MIN (box_w / content_w, box_h / content_h), max_scale);
}

void
lw_fit_center (double        content_w,
               double        content_h,
               double        scale,
               const LwRect *box,
               LwRect       *out)
{
  out->width = content_w * scale;
  out->height = content_h * scale;
  out->x = box->x + (box->width - out->width) / 2.0;
  out->y = box->y + (box->height - out->height) / 2.0;
}

double
lw_fit_side_by_side (double        left_w,
                     double        left_h,
                     double        right_w,
                     double        right_h,
                     const LwRect *area,
                     double        gap,
                     double        max_scale,
                     LwRect       *left_out,
                     LwRect       *right_out)
{
  double cell_w = (area->width - gap) / 2.0;
  double mid = area->x + area->width / 2.0;
  /* The common scale fits the larger extent of the two, so neither overflows its half. */
  double scale = lw_fit_scale (MAX (left_w, right_w), MAX (left_h, right_h),
                               cell_w, area->height, max_scale);

  /* Both images hug the middle line, `gap` apart, so the eye jumps the shortest way between
   * them; each is centred vertically. */
  left_out->width = left_w * scale;
  left_out->height = left_h * scale;
  left_out->x = mid - gap / 2.0 - left_out->width;
  left_out->y = area->y + (area->height - left_out->height) / 2.0;

  right_out->width = right_w * scale;
  right_out->height = right_h * scale;
  right_out->x = mid + gap / 2.0;
  right_out->y = area->y + (area->height - right_out->height) / 2.0;
  return scale;
}

double
lw_fit_clamp_center (double center,
                     double image_len,
                     double view_len,
                     double scale)
{
  if (!(image_len > 0 && scale > 0) || image_len * scale <= view_len || isnan (center))
    return image_len > 0 ? image_len / 2.0 : 0.0;

  double half = view_len / (2.0 * scale);
  return CLAMP (center, half, image_len - half);
}

double
lw_fit_zoom_step (double scale,
                  int    direction,
                  double min_scale,
                  double max_scale)
{
  double level;

  if (!(scale > 0))
    level = 1.0;
  else
    {
      /* position on the ladder in half-octaves; the tolerance keeps an exact level (whose
       * log2 may come out a hair off) from counting as "between" levels */
      double k = 2.0 * log2 (scale);
      k = direction > 0 ? floor (k + 1e-6) + 1.0 : ceil (k - 1e-6) - 1.0;
      level = exp2 (k / 2.0);
    }
  return CLAMP (level, min_scale, max_scale);
}
