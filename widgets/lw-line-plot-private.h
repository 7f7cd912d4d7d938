/* lw-line-plot-private.h — LwLinePlot internals shared by the widget and its drawing code
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * lw-line-plot.c is the widget (series, properties, snapshot, API); lw-line-plot-draw.c lays
 * the plot out (axes, nice ticks, legend corner) and draws it into a cairo context, with the
 * frame (layout steps, axes, legend box, node cache) from lw-plot-paint.h.
 */
#pragma once

#include "lw-line-plot.h"
#include "lw-plot-paint.h"

G_BEGIN_DECLS

#define LINE_WIDTH     1.5
#define MARKER_RADIUS  2.5
#define MARKER_SPACING 8.0   /* markers only while points are at least this far apart */
/* series take the shared palette's first six colours, then repeat them: the line plot had
 * six before the palette was shared with LwRdPlot, and a seventh series stays blue */
#define N_SERIES_COLOURS 6

typedef LwPlotPoint LwLinePoint;

typedef struct
{
  char    *name;
  GdkRGBA  colour;
  int      palette;      /* index into _lw_plot_palette, −1 for a colour the caller chose */
  GArray  *points;       /* LwLinePoint, in the order added */
  double   x_min, x_max; /* over points with finite x and y */
  double   y_min, y_max;
  double   y_min_pos;    /* smallest y > 0 (the log axis) */
  guint    n_drawable;   /* points with finite x and y */
} LwLineSeries;

struct _LwLinePlot
{
  GtkWidget         parent_instance;

  GPtrArray        *series;        /* LwLineSeries */
  char             *x_label;
  char             *y_label;
  char             *placeholder;
  double            fixed_lo, fixed_hi;   /* NaN: fit the data */
  guint             log_y : 1;

  LwPlotCache       cache;         /* the layout and everything drawn */
};

/* Plot area, ticks and legend for a width × height surface, text measured with `pctx`; FALSE
 * (and L->valid FALSE) when there is nothing to plot or no room */
gboolean _lw_line_plot_compute_layout (LwLinePlot *self, PangoContext *pctx, int width,
                                       int height, LwPlotLayout *L);
/* Grid, axes, series and legend, or the placeholder; st->fg for axes and text, st->bg behind
 * the legend */
void     _lw_line_plot_draw           (LwLinePlot *self, cairo_t *cr, PangoContext *pctx,
                                       const LwPlotLayout *L, const LwPlotStyle *st);

G_END_DECLS
