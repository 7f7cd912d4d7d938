/* lw-rd-plot-private.h — LwRdPlot internals shared by the widget and its drawing code
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * lw-rd-plot.c is the widget (API, properties, events, snapshot, export);
 * lw-rd-plot-draw.c lays the plot out and draws it into any cairo context, so the snapshot
 * and the exported file come from the same code; the frame (layout steps, axes, legend box,
 * node cache) comes from lw-plot-paint.h.
 */
#pragma once

#include "lw-plot-paint.h"
#include "lw-rd-plot.h"

G_BEGIN_DECLS

#define LINE_WIDTH     2.0
#define MARKER_RADIUS  3.5
#define OP_RADIUS      7.0
#define HOVER_RADIUS   5.5
#define HOVER_DIST    10.0   /* how near the pointer must be to a point */

typedef struct
{
  LwRdCurve *curve;    /* owned copy */
  guint      colour;   /* index into _lw_plot_palette */
} LwRdPlotCurve;

struct _LwRdPlot
{
  GtkWidget      parent_instance;

  GPtrArray     *curves;        /* LwRdPlotCurve, in insertion order */
  LwRdMetric     metric;
  guint          log_rate : 1;

  char          *op_codec;
  double         op_bpp;
  double         op_values[4];  /* indexed by LwRdMetric */

  LwPlotCache    cache;         /* the layout; the node holds grid, axes, curves, legend */

  int            hover_curve;   /* -1: none */
  guint          hover_point;
};

/* The point's (x, y) in data units; FALSE when it cannot be drawn on these axes */
gboolean _lw_rd_plot_point_xy             (const LwRdPoint *pt, LwRdMetric metric, gboolean log_x,
                                          double *x, double *y);
/* Index of the curve with this codec name, −1 if none */
int      _lw_rd_plot_find_curve           (LwRdPlot *self, const char *codec);
/* Plot area, ticks and legend for a width × height surface; text measured with `pctx`.
 * FALSE (and L->valid FALSE) when there is nothing to plot or no room. */
gboolean _lw_rd_plot_compute_layout       (LwRdPlot *self, PangoContext *pctx, int width,
                                          int height, LwPlotLayout *L);
/* Grid, axes, curves and legend, or the placeholder */
void     _lw_rd_plot_draw_static          (LwRdPlot *self, cairo_t *cr, PangoContext *pctx,
                                          const LwPlotLayout *L, const LwPlotStyle *st);
void     _lw_rd_plot_draw_operating_point (LwRdPlot *self, cairo_t *cr,
                                          const LwPlotLayout *L, const LwPlotStyle *st);
void     _lw_rd_plot_draw_hover           (LwRdPlot *self, cairo_t *cr, PangoContext *pctx,
                                          const LwPlotLayout *L, const LwPlotStyle *st);

G_END_DECLS
