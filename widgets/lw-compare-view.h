/* lw-compare-view.h — original vs decoded image: split, side by side, or difference heat map
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  LW_COMPARE_MODE_SPLIT,        /* one image, original left of a draggable divider */
  LW_COMPARE_MODE_SIDE_BY_SIDE, /* two panes with one zoom and pan */
  LW_COMPARE_MODE_DIFFERENCE,   /* the heat map from lw_diff_map with its legend */
} LwCompareMode;

#define LW_TYPE_COMPARE_MODE (lw_compare_mode_get_type ())
GType lw_compare_mode_get_type (void);

#define LW_COMPARE_VIEW_MIN_ZOOM (1.0 / 64.0)
#define LW_COMPARE_VIEW_MAX_ZOOM 32.0

#define LW_TYPE_COMPARE_VIEW (lw_compare_view_get_type ())
G_DECLARE_FINAL_TYPE (LwCompareView, lw_compare_view, LW, COMPARE_VIEW, GtkWidget)

GtkWidget    *lw_compare_view_new                  (void);

GdkTexture   *lw_compare_view_get_original         (LwCompareView *self);
void          lw_compare_view_set_original         (LwCompareView *self,
                                                    GdkTexture    *texture);
GdkTexture   *lw_compare_view_get_decoded          (LwCompareView *self);
void          lw_compare_view_set_decoded          (LwCompareView *self,
                                                    GdkTexture    *texture);
const char   *lw_compare_view_get_original_caption (LwCompareView *self);
void          lw_compare_view_set_original_caption (LwCompareView *self,
                                                    const char    *caption);
const char   *lw_compare_view_get_decoded_caption  (LwCompareView *self);
void          lw_compare_view_set_decoded_caption  (LwCompareView *self,
                                                    const char    *caption);

void          lw_compare_view_set_mode             (LwCompareView *self,
                                                    LwCompareMode  mode);
LwCompareMode lw_compare_view_get_mode             (LwCompareView *self);

/* heat map made by lw_diff_map on a worker; legend_max = 255/gain, the difference (8-bit
 * units) at the top of the colour bar, drawn as a legend (colour bar with tick labels) */
void          lw_compare_view_set_difference       (LwCompareView *self,
                                                    GdkTexture    *heat_map,
                                                    double         legend_max);
GdkTexture   *lw_compare_view_get_difference       (LwCompareView *self);

/* zoom: 0 means "fit"; otherwise the scale factor (1 = 100 %), clamped to [1/64, 32] */
void          lw_compare_view_set_zoom             (LwCompareView *self,
                                                    double         zoom);
double        lw_compare_view_get_zoom             (LwCompareView *self); /* 0 when fitting */
double        lw_compare_view_get_effective_zoom   (LwCompareView *self); /* the scale on screen */
void          lw_compare_view_zoom_in              (LwCompareView *self); /* ×√2 steps, to 3200 % */
void          lw_compare_view_zoom_out             (LwCompareView *self);
/* the image pixel at the view centre (continuous coordinates: pixel i spans [i, i + 1)) */
void          lw_compare_view_get_center           (LwCompareView *self,
                                                    double        *x,
                                                    double        *y);
void          lw_compare_view_set_center           (LwCompareView *self,
                                                    double         x,
                                                    double         y);
/* divider position as a fraction 0..1 of the image width */
void          lw_compare_view_set_split            (LwCompareView *self,
                                                    double         fraction);
double        lw_compare_view_get_split            (LwCompareView *self);

/* the image pixel under widget point (wx, wy) in the current layout; FALSE when outside */
gboolean      lw_compare_view_widget_to_image      (LwCompareView *self,
                                                    double         wx,
                                                    double         wy,
                                                    double        *ix,
                                                    double        *iy);

G_END_DECLS
