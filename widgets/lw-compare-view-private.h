/* lw-compare-view-private.h — what lw-compare-view.c, -draw.c and -input.c share
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lw-compare-view.h"
#include "lw-fit.h"

G_BEGIN_DECLS

#define GAP           12   /* between the side-by-side panes, logical px */
#define MARGIN         8   /* captions and legend from the pane corners */
#define PAD            4   /* inside a caption's or the legend's backdrop */
#define MIN_CELL      64   /* smallest image size we ask room for */
#define MAX_FIT      1.0   /* "fit" never enlarges: 100 % shows codec artefacts as they are */
#define KNOB_RADIUS   14
#define BAR_W        160   /* legend colour bar */
#define BAR_H         10
#define TICK_H         4

struct _LwCompareView
{
  GtkWidget        parent_instance;

  GdkTexture      *original;            /* owned, nullable */
  GdkTexture      *decoded;             /* owned, nullable */
  GdkTexture      *difference;          /* owned, nullable */
  cairo_surface_t *original_surface;    /* pixels for nearest-neighbour drawing, per texture */
  cairo_surface_t *decoded_surface;
  cairo_surface_t *difference_surface;
  cairo_surface_t *bar_surface;         /* 256×1 inferno, made with the first legend */
  GskRenderNode   *legend_node;         /* cached; dropped on legend or style change */
  double           legend_w, legend_h;
  double           legend_max;

  GtkWidget       *original_label;      /* child */
  GtkWidget       *decoded_label;       /* child */

  LwCompareMode    mode;
  double           zoom;                /* 0: fit */
  double           cx, cy;              /* image point at the pane centre, unclamped */
  gboolean         center_pending;      /* set before any original: kept for the first one */
  double           split;               /* divider, fraction of the image width */

  /* pointer state */
  GtkGesture      *drag;                /* owned by the widget */
  gboolean         drag_divider;
  double           drag_cx, drag_cy;
  gboolean         pointer_in;
  double           pointer_x, pointer_y;
  int              hover_x, hover_y;
  const char      *cursor_name;         /* static string or NULL */
};

/* Where things are on screen, derived from the state and the allocation on demand */
typedef struct
{
  LwRect pane[2];      /* widget coordinates; one pane except side by side */
  guint  n_panes;
  double iw, ih;       /* the original's size; 0 without one */
  double scale;        /* 0 when nothing can be shown */
  double cx, cy;       /* clamped centre, image px */
} LwCompareLayout;

static inline double
_lw_texture_width (GdkTexture *t)
{
  return t ? gdk_texture_get_width (t) : 0;
}

static inline double
_lw_texture_height (GdkTexture *t)
{
  return t ? gdk_texture_get_height (t) : 0;
}

static inline gboolean
_lw_rect_contains (const LwRect *r,
                   double        x,
                   double        y)
{
  return x >= r->x && x < r->x + r->width && y >= r->y && y < r->y + r->height;
}

/* lw-compare-view.c */
void             _lw_compare_view_layout        (LwCompareView         *self,
                                                 LwCompareLayout       *l);
void             _lw_compare_view_image_origin  (const LwCompareLayout *l,
                                                 guint                  pane,
                                                 double                *ox,
                                                 double                *oy);
double           _lw_compare_view_divider_x     (LwCompareView         *self,
                                                 const LwCompareLayout *l);
int              _lw_compare_view_pane_at       (const LwCompareLayout *l,
                                                 double                 x,
                                                 double                 y);
gboolean         _lw_compare_view_has_divider   (LwCompareView         *self);
gboolean         _lw_compare_view_can_pan       (const LwCompareLayout *l);
/* after a zoom or pan: actions, the hover pixel, a redraw */
void             _lw_compare_view_view_changed  (LwCompareView         *self);
void             _lw_compare_view_update_hover  (LwCompareView         *self);
/* sets and notifies; FALSE when the clamped value is the current one */
gboolean         _lw_compare_view_set_zoom_value (LwCompareView        *self,
                                                  double                zoom);

/* lw-compare-view-input.c */
void             _lw_compare_view_class_init_input (GtkWidgetClass    *widget_class);
void             _lw_compare_view_init_input    (LwCompareView         *self);

/* lw-compare-view-draw.c */
void             _lw_compare_view_snapshot      (GtkWidget             *widget,
                                                 GtkSnapshot           *snapshot);
cairo_surface_t *_lw_compare_view_surface_from_texture (GdkTexture     *texture);
void             _lw_compare_view_drop_legend   (LwCompareView         *self);

G_END_DECLS
