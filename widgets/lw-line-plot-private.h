/* lw-line-plot-private.h — LwLinePlot internals shared by the widget and its drawing code
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * lw-line-plot.c is the widget (series, properties, snapshot, API); lw-line-plot-draw.c lays
 * the plot out (axes, nice ticks, legend corner) and draws it into a cairo context.
 */
#pragma once

#include "lw-line-plot.h"
#include "lw-ticks.h"

G_BEGIN_DECLS

#define PAD            8.0   /* around everything, logical px */
#define TICK_LEN       4.0
#define LABEL_GAP      4.0
#define LINE_WIDTH     1.5
#define MARKER_RADIUS  2.5
#define MARKER_SPACING 8.0   /* markers only while points are at least this far apart */
#define LEGEND_SWATCH 16.0

typedef struct
{
  double x, y;
} LwLinePoint;

typedef struct
{
  char    *name;
  GdkRGBA  colour;
  int      palette;      /* index into palette, −1 for a colour the caller chose */
  GArray  *points;       /* LwLinePoint, in the order added */
  double   x_min, x_max; /* over points with finite x and y */
  double   y_min, y_max;
  double   y_min_pos;    /* smallest y > 0 (the log axis) */
  guint    n_drawable;   /* points with finite x and y */
} LwLineSeries;

typedef struct
{
  gboolean valid;        /* there are axes */
  int      width, height;
  double   ax, ay, aw, ah;      /* plot area */
  gboolean log_y;
  double   x_lo, x_hi, y_lo, y_hi;
  LwTicks  xt, yt;
  double   lx, ly, lw, lh;      /* legend box; lw = 0: none */
  double   line_h;
} LwLinePlotLayout;

struct _LwLinePlot
{
  GtkWidget         parent_instance;

  GPtrArray        *series;        /* LwLineSeries */
  char             *x_label;
  char             *y_label;
  char             *placeholder;
  double            fixed_lo, fixed_hi;   /* NaN: fit the data */
  guint             log_y : 1;

  LwLinePlotLayout  layout;        /* valid while layout_ok */
  guint             layout_ok : 1;
  GskRenderNode    *node;          /* everything; dropped on size/css/data change */
};

double   _lw_line_plot_map_x          (const LwLinePlotLayout *L, double x);
double   _lw_line_plot_map_y          (const LwLinePlotLayout *L, double y);
/* Plot area, ticks and legend for a width × height surface, text measured with `pctx`; FALSE
 * (and L->valid FALSE) when there is nothing to plot or no room */
gboolean _lw_line_plot_compute_layout (LwLinePlot *self, PangoContext *pctx, int width,
                                       int height, LwLinePlotLayout *L);
/* Grid, axes, series and legend, or the placeholder; fg for axes and text, bg behind the
 * legend */
void     _lw_line_plot_draw           (LwLinePlot *self, cairo_t *cr, PangoContext *pctx,
                                       const LwLinePlotLayout *L, const GdkRGBA *fg,
                                       const GdkRGBA *bg);

G_END_DECLS
