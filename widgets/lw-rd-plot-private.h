/* lw-rd-plot-private.h — LwRdPlot internals shared by the widget and its drawing code
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * lw-rd-plot.c is the widget (API, properties, events, snapshot, export);
 * lw-rd-plot-draw.c lays the plot out and draws it into any cairo context, so the snapshot
 * and the exported file come from the same code.
 */
#pragma once

#include "lw-rd-plot.h"
#include "lw-ticks.h"

G_BEGIN_DECLS

#define PAD            8.0   /* around everything, logical px */
#define TICK_LEN       4.0
#define LABEL_GAP      4.0
#define LINE_WIDTH     2.0
#define MARKER_RADIUS  3.5
#define OP_RADIUS      7.0
#define HOVER_RADIUS   5.5
#define HOVER_DIST    10.0   /* how near the pointer must be to a point */
#define LEGEND_SWATCH 16.0

typedef struct
{
  LwRdCurve *curve;    /* owned copy */
  guint      colour;   /* index into _lw_rd_plot_palette */
} LwRdPlotCurve;

typedef struct
{
  gboolean valid;      /* there are axes */
  int      width, height;
  double   ax, ay, aw, ah;      /* plot area */
  gboolean log_x;
  double   x_lo, x_hi, y_lo, y_hi;
  LwTicks  xt, yt;
  double   lx, ly, lw, lh;      /* legend box; lw = 0: none */
  double   line_h;
} LwRdPlotLayout;

typedef struct
{
  GdkRGBA fg;
  GdkRGBA bg;          /* for the legend and readout boxes */
  gboolean paint_bg;   /* exports fill their background; the widget leaves it to CSS */
} LwRdPlotStyle;

struct _LwRdPlot
{
  GtkWidget      parent_instance;

  GPtrArray     *curves;        /* LwRdPlotCurve, in insertion order */
  LwRdMetric     metric;
  guint          log_rate : 1;

  char          *op_codec;
  double         op_bpp;
  double         op_values[4];  /* indexed by LwRdMetric */

  LwRdPlotLayout layout;        /* valid while layout_ok */
  guint          layout_ok : 1;
  GskRenderNode *static_node;   /* grid, axes, curves, legend; dropped on size/css/data change */

  int            hover_curve;   /* -1: none */
  guint          hover_point;
};

#define LW_RD_PLOT_N_COLOURS 8
extern const GdkRGBA _lw_rd_plot_palette[LW_RD_PLOT_N_COLOURS];

/* The point's (x, y) in data units; FALSE when it cannot be drawn on these axes */
gboolean _lw_rd_plot_point_xy             (const LwRdPoint *pt, LwRdMetric metric, gboolean log_x,
                                          double *x, double *y);
/* Index of the curve with this codec name, −1 if none */
int      _lw_rd_plot_find_curve           (LwRdPlot *self, const char *codec);
/* Data → widget (or export surface) coordinates */
double   _lw_rd_plot_map_x                (const LwRdPlotLayout *L, double x);
double   _lw_rd_plot_map_y                (const LwRdPlotLayout *L, double y);
/* Plot area, ticks and legend for a width × height surface; text measured with `pctx`.
 * FALSE (and L->valid FALSE) when there is nothing to plot or no room. */
gboolean _lw_rd_plot_compute_layout       (LwRdPlot *self, PangoContext *pctx, int width,
                                          int height, LwRdPlotLayout *L);
/* Grid, axes, curves and legend, or the placeholder */
void     _lw_rd_plot_draw_static          (LwRdPlot *self, cairo_t *cr, PangoContext *pctx,
                                          const LwRdPlotLayout *L, const LwRdPlotStyle *st);
void     _lw_rd_plot_draw_operating_point (LwRdPlot *self, cairo_t *cr,
                                          const LwRdPlotLayout *L, const LwRdPlotStyle *st);
void     _lw_rd_plot_draw_hover           (LwRdPlot *self, cairo_t *cr, PangoContext *pctx,
                                          const LwRdPlotLayout *L, const LwRdPlotStyle *st);

G_END_DECLS
