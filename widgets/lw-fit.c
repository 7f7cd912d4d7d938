/* lw-fit.c — layout math for showing images scaled to fit
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-fit"

#include "lw-fit.h"

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
