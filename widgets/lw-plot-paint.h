/* lw-plot-paint.h — layout and cairo painting shared by the x–y plot widgets
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Private to the widgets library. LwLinePlot (live training curves) and LwRdPlot (rate–
 * distortion curves) lay out and draw the same frame: a plot area with nice ticks on a linear
 * or log axis, a faint grid, tick labels that skip rather than overlap, rotated axis titles, a
 * legend box in the emptiest corner, and a placeholder line when there is nothing to plot.
 * That frame lives here and knows nothing of either widget's data; each widget gathers its
 * own ranges, names and points and draws its own series. Everything paints into a plain cairo
 * context in the coordinates of a width × height surface, so snapshots and exports share it.
 */
#pragma once

#include <gtk/gtk.h>

#include "lw-ticks.h"

G_BEGIN_DECLS

#define LW_PLOT_PAD           8.0   /* around everything, logical px */
#define LW_PLOT_TICK_LEN      4.0
#define LW_PLOT_LABEL_GAP     4.0
#define LW_PLOT_LEGEND_SWATCH 16.0

#define LW_PLOT_N_COLOURS 8
/* Mid-tone colours (GNOME palette) that keep their contrast on white and on dark grey */
extern const GdkRGBA _lw_plot_palette[LW_PLOT_N_COLOURS];

typedef struct
{
  double x, y;                  /* data units */
} LwPlotPoint;

typedef struct
{
  gboolean valid;               /* there are axes */
  int      width, height;       /* of the surface drawn into */
  double   ax, ay, aw, ah;      /* plot area */
  gboolean log_x, log_y;
  double   x_lo, x_hi, y_lo, y_hi;
  LwTicks  xt, yt;
  double   lx, ly, lw, lh;      /* legend box; lw = 0: none */
  double   line_h;              /* height of one line of text */
} LwPlotLayout;

typedef struct
{
  GdkRGBA  fg;         /* axes and text */
  GdkRGBA  bg;         /* behind the legend and readout boxes */
  gboolean paint_bg;   /* exports fill their background; the widgets leave it to CSS */
} LwPlotStyle;

typedef enum
{
  LW_PLOT_TOP_RIGHT,
  LW_PLOT_BOTTOM_RIGHT,
  LW_PLOT_TOP_LEFT,
  LW_PLOT_BOTTOM_LEFT,
} LwPlotCorner;

/* What a plot widget keeps between frames */
typedef struct
{
  LwPlotLayout   layout;      /* valid while layout_ok */
  gboolean       layout_ok;
  GskRenderNode *node;        /* the drawing that does not follow pointer or slider; dropped
                               * on size, CSS and data changes */
} LwPlotCache;

/* The widget's text colour and view background (a grey that contrasts with the text when the
 * theme names neither); paint_bg FALSE */
void     _lw_plot_style_from_widget (GtkWidget *widget, LwPlotStyle *st);
void     _lw_plot_set_colour        (cairo_t *cr, const GdkRGBA *c, double alpha);
/* Pixel size of `text` laid out in `layout` (which keeps the text) */
void     _lw_plot_text_size         (PangoLayout *layout, const char *text, double *w, double *h);
/* `text` with the point (xalign, yalign) of its box (0..1 each) at (x, y), on whole pixels */
void     _lw_plot_show_text         (cairo_t *cr, PangoLayout *layout, const char *text,
                                     double x, double y, double xalign, double yalign);

/* Data → surface coordinates, on the layout's linear or log axes */
double   _lw_plot_map_x             (const LwPlotLayout *L, double x);
double   _lw_plot_map_y             (const LwPlotLayout *L, double y);

/* Layout steps, in this order. Init clears L for a width × height surface and measures the
 * line height. Axis ticks: nice linear ticks (grown to whole ticks with `extend`), or 1-2-5
 * log ticks that fall back to linear ones within a narrow range. Frame sets the plot area
 * from the y tick labels in L->yt and which axis titles there are: FALSE when too small.
 * Place legend sizes the legend for `names` (const char *) and puts it in the first corner of
 * `order` that covers the fewest of `points` (LwPlotPoint in data units, all drawable on these
 * axes), a point counting within `margin` px of the box; no legend (L->lw = 0) without names
 * or room. */
void     _lw_plot_layout_init       (LwPlotLayout *L, PangoLayout *text, int width, int height);
gboolean _lw_plot_axis_ticks        (double lo, double hi, gboolean log, guint target,
                                     gboolean extend, LwTicks *ticks);
gboolean _lw_plot_layout_frame      (LwPlotLayout *L, PangoLayout *text, gboolean x_title,
                                     gboolean y_title);
void     _lw_plot_place_legend      (LwPlotLayout *L, PangoLayout *text, GPtrArray *names,
                                     GArray *points, const LwPlotCorner order[4],
                                     double margin);

/* `message` in the middle of the surface, faded */
void     _lw_plot_draw_placeholder  (cairo_t *cr, PangoLayout *text, const LwPlotLayout *L,
                                     const LwPlotStyle *st, const char *message);
/* Grid, axis lines, tick marks and labels, and the titles that are not NULL */
void     _lw_plot_draw_axes         (cairo_t *cr, PangoLayout *text, const LwPlotLayout *L,
                                     const LwPlotStyle *st, const char *x_title,
                                     const char *y_title);
/* The legend's box (nothing when there is no legend), then one row per name: a line swatch
 * `line_width` wide, a dot when marker_radius > 0, and the name */
void     _lw_plot_draw_legend_box   (cairo_t *cr, const LwPlotLayout *L, const LwPlotStyle *st);
void     _lw_plot_draw_legend_row   (cairo_t *cr, PangoLayout *text, const LwPlotLayout *L,
                                     const LwPlotStyle *st, guint row, const GdkRGBA *colour,
                                     double line_width, double marker_radius, const char *name);

/* The cache: drop everything (and redraw), follow a new size, and tell whether the layout
 * must be computed now for the widget's current size (then it counts as valid again). */
void     _lw_plot_cache_invalidate  (LwPlotCache *cache, GtkWidget *widget);
void     _lw_plot_cache_resize      (LwPlotCache *cache, int width, int height);
gboolean _lw_plot_cache_needs_layout (LwPlotCache *cache, GtkWidget *widget, int *width,
                                      int *height);
/* Starts recording the cached node: a cairo context over the whole surface, to draw into
 * and hand to _lw_plot_cache_end(), which keeps the node */
cairo_t *_lw_plot_cache_begin       (LwPlotCache *cache, GtkSnapshot **sub);
void     _lw_plot_cache_end         (LwPlotCache *cache, GtkSnapshot *sub, cairo_t *cr);

/* measure(): fixed minimum and natural sizes */
void     _lw_plot_measure           (GtkOrientation orientation, int min_width, int min_height,
                                     int nat_width, int nat_height, int *minimum, int *natural);

G_END_DECLS
