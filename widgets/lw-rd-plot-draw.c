/* lw-rd-plot-draw.c — LwRdPlot layout (data ranges, ticks, legend corner) and cairo drawing
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here draws into a plain cairo context in the coordinates of a width × height
 * surface: the widget's snapshot (gtk_snapshot_append_cairo) and the exported PNG, SVG or PDF
 * surface run the same code. Text is laid out with the PangoContext handed in (the widget's,
 * or one made for the export surface with the widget's font). The frame around the curves
 * (axes, grid, labels, legend box) comes from lw-plot-paint.c, shared with LwLinePlot.
 */
#define G_LOG_DOMAIN "lw-rd-plot"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "lw-codec.h"
#include "lw-rd-plot-private.h"

static double
metric_of (const LwRdPoint *pt,
           LwRdMetric       metric)
{
  switch (metric)
    {
    case LW_RD_METRIC_PSNR_Y:
      return pt->psnr_y;
    case LW_RD_METRIC_SSIM:
      return pt->ssim;
    case LW_RD_METRIC_MS_SSIM:
      return pt->ms_ssim;
    case LW_RD_METRIC_PSNR:
    default:
      return pt->psnr;
    }
}

/* The point's (x, y) in data units, FALSE when it cannot be drawn on these axes */
gboolean
_lw_rd_plot_point_xy (const LwRdPoint *pt,
                      LwRdMetric       metric,
                      gboolean         log_x,
                      double          *x,
                      double          *y)
{
  *x = pt->bpp;
  *y = metric_of (pt, metric);
  return isfinite (*x) && isfinite (*y) && (!log_x || *x > 0);
}

int
_lw_rd_plot_find_curve (LwRdPlot   *self,
                        const char *codec)
{
  for (guint i = 0; i < self->curves->len; i++)
    {
      LwRdPlotCurve *pc = g_ptr_array_index (self->curves, i);

      if (g_strcmp0 (pc->curve->codec, codec) == 0)
        return (int) i;
    }
  return -1;
}

/* Helpers: layout */

/* The legend goes in the corner of the plot area that covers the fewest points, preferring
 * bottom right (RD curves rise to the upper right, so that corner is usually empty). */
static void
place_legend (LwRdPlot     *self,
              PangoLayout  *text,
              LwPlotLayout *L)
{
  static const LwPlotCorner order[4] = {
    LW_PLOT_BOTTOM_RIGHT, LW_PLOT_TOP_LEFT, LW_PLOT_TOP_RIGHT, LW_PLOT_BOTTOM_LEFT,
  };
  g_autoptr (GPtrArray) codecs = g_ptr_array_sized_new (self->curves->len);
  g_autoptr (GArray) points = g_array_new (FALSE, FALSE, sizeof (LwPlotPoint));

  for (guint i = 0; i < self->curves->len; i++)
    {
      const LwRdCurve *curve = ((LwRdPlotCurve *) g_ptr_array_index (self->curves, i))->curve;

      g_ptr_array_add (codecs, curve->codec ? curve->codec : "");
      for (guint k = 0; k < curve->points->len; k++)
        {
          LwPlotPoint p;

          if (_lw_rd_plot_point_xy (&g_array_index (curve->points, LwRdPoint, k), self->metric,
                                    L->log_x, &p.x, &p.y))
            g_array_append_val (points, p);
        }
    }
  /* a marker touching the box counts as covered */
  _lw_plot_place_legend (L, text, codecs, points, order, MARKER_RADIUS);
}

gboolean
_lw_rd_plot_compute_layout (LwRdPlot     *self,
                            PangoContext *pctx,
                            int           width,
                            int           height,
                            LwPlotLayout *L)
{
  g_autoptr (PangoLayout) text = pango_layout_new (pctx);
  double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
  guint target;

  _lw_plot_layout_init (L, text, width, height);
  L->log_x = self->log_rate;

  for (guint i = 0; i < self->curves->len; i++)
    {
      LwRdPlotCurve *pc = g_ptr_array_index (self->curves, i);

      for (guint k = 0; k < pc->curve->points->len; k++)
        {
          double x, y;

          if (!_lw_rd_plot_point_xy (&g_array_index (pc->curve->points, LwRdPoint, k),
                                     self->metric, L->log_x, &x, &y))
            continue;
          xmin = MIN (xmin, x);
          xmax = MAX (xmax, x);
          ymin = MIN (ymin, y);
          ymax = MAX (ymax, y);
        }
    }
  if (!isfinite (xmin) || width <= 0 || height <= 0)
    return FALSE;

  /* y ticks first: the width of their labels sets the left margin; both axes have titles */
  target = (guint) CLAMP ((height - 3 * L->line_h) / 50, 3, 10);
  if (!_lw_plot_axis_ticks (ymin, ymax, FALSE, target, TRUE, &L->yt))
    return FALSE;
  L->y_lo = L->yt.lo;
  L->y_hi = L->yt.hi;
  if (!_lw_plot_layout_frame (L, text, TRUE, TRUE))
    return FALSE;

  target = (guint) CLAMP (L->aw / 80, 3, 10);
  if (!_lw_plot_axis_ticks (xmin, xmax, L->log_x, target, TRUE, &L->xt))
    return FALSE;
  L->x_lo = L->xt.lo;
  L->x_hi = L->xt.hi;

  place_legend (self, text, L);
  L->valid = TRUE;
  return TRUE;
}

/* Helpers: drawing (shared by snapshot and export) */

static void
draw_curves (LwRdPlot           *self,
             cairo_t            *cr,
             const LwPlotLayout *L)
{
  cairo_save (cr);
  /* points on the axis range's edge keep their whole marker */
  cairo_rectangle (cr, L->ax - OP_RADIUS, L->ay - OP_RADIUS, L->aw + 2 * OP_RADIUS,
                   L->ah + 2 * OP_RADIUS);
  cairo_clip (cr);
  cairo_set_line_width (cr, LINE_WIDTH);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);

  /* all lines first, then all markers, so no line crosses a marker */
  for (guint i = 0; i < self->curves->len; i++)
    {
      LwRdPlotCurve *pc = g_ptr_array_index (self->curves, i);
      gboolean pen_down = FALSE;

      _lw_plot_set_colour (cr, &_lw_plot_palette[pc->colour], 1);
      for (guint k = 0; k < pc->curve->points->len; k++)
        {
          double x, y;

          if (!_lw_rd_plot_point_xy (&g_array_index (pc->curve->points, LwRdPoint, k),
                                     self->metric, L->log_x, &x, &y))
            {
              pen_down = FALSE; /* a gap where the metric is missing */
              continue;
            }
          if (pen_down)
            cairo_line_to (cr, _lw_plot_map_x (L, x), _lw_plot_map_y (L, y));
          else
            cairo_move_to (cr, _lw_plot_map_x (L, x), _lw_plot_map_y (L, y));
          pen_down = TRUE;
        }
      cairo_stroke (cr);
    }
  for (guint i = 0; i < self->curves->len; i++)
    {
      LwRdPlotCurve *pc = g_ptr_array_index (self->curves, i);

      _lw_plot_set_colour (cr, &_lw_plot_palette[pc->colour], 1);
      for (guint k = 0; k < pc->curve->points->len; k++)
        {
          double x, y;

          if (!_lw_rd_plot_point_xy (&g_array_index (pc->curve->points, LwRdPoint, k),
                                     self->metric, L->log_x, &x, &y))
            continue;
          cairo_new_sub_path (cr);
          cairo_arc (cr, _lw_plot_map_x (L, x), _lw_plot_map_y (L, y), MARKER_RADIUS, 0,
                     2 * G_PI);
        }
      cairo_fill (cr);
    }
  cairo_restore (cr);
}

static void
draw_legend (LwRdPlot           *self,
             cairo_t            *cr,
             PangoLayout        *text,
             const LwPlotLayout *L,
             const LwPlotStyle  *st)
{
  if (L->lw <= 0)
    return;
  _lw_plot_draw_legend_box (cr, L, st);
  /* swatches look like the curves: line and marker */
  for (guint i = 0; i < self->curves->len; i++)
    {
      LwRdPlotCurve *pc = g_ptr_array_index (self->curves, i);

      _lw_plot_draw_legend_row (cr, text, L, st, i, &_lw_plot_palette[pc->colour], LINE_WIDTH,
                                MARKER_RADIUS, pc->curve->codec ? pc->curve->codec : "");
    }
}

/* Grid, axes, curves and legend, or the placeholder when there is nothing to plot */
void
_lw_rd_plot_draw_static (LwRdPlot           *self,
                         cairo_t            *cr,
                         PangoContext       *pctx,
                         const LwPlotLayout *L,
                         const LwPlotStyle  *st)
{
  g_autoptr (PangoLayout) text = pango_layout_new (pctx);

  if (st->paint_bg)
    {
      _lw_plot_set_colour (cr, &st->bg, 1);
      cairo_paint (cr);
    }
  if (!L->valid)
    {
      _lw_plot_draw_placeholder (cr, text, L, st,
                                 self->curves->len ? _("No points to plot") : _("No curves yet"));
      return;
    }
  _lw_plot_draw_axes (cr, text, L, st, _("Rate (bpp)"), lw_rd_metric_get_title (self->metric));
  draw_curves (self, cr, L);
  draw_legend (self, cr, text, L, st);
}

static const GdkRGBA *
curve_colour (LwRdPlot          *self,
              const char        *codec,
              const LwPlotStyle *st)
{
  int i = _lw_rd_plot_find_curve (self, codec);

  if (i < 0)
    return &st->fg;
  return &_lw_plot_palette[((LwRdPlotCurve *) g_ptr_array_index (self->curves, i))->colour];
}

void
_lw_rd_plot_draw_operating_point (LwRdPlot           *self,
                                  cairo_t            *cr,
                                  const LwPlotLayout *L,
                                  const LwPlotStyle  *st)
{
  double y = self->op_values[self->metric], px, py;

  if (!L->valid || !isfinite (self->op_bpp) || !isfinite (y) || (L->log_x && self->op_bpp <= 0))
    return;
  px = _lw_plot_map_x (L, self->op_bpp);
  py = _lw_plot_map_y (L, y);
  cairo_save (cr);
  cairo_rectangle (cr, L->ax - OP_RADIUS - 2, L->ay - OP_RADIUS - 2, L->aw + 2 * OP_RADIUS + 4,
                   L->ah + 2 * OP_RADIUS + 4);
  cairo_clip (cr);
  /* a halo in the background colour keeps the ring visible over its own curve */
  cairo_arc (cr, px, py, OP_RADIUS, 0, 2 * G_PI);
  _lw_plot_set_colour (cr, &st->bg, 1);
  cairo_set_line_width (cr, 5);
  cairo_stroke_preserve (cr);
  _lw_plot_set_colour (cr, curve_colour (self, self->op_codec, st), 1);
  cairo_set_line_width (cr, 2.5);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static char *
param_text (const char *codec_name,
            double      value)
{
  g_autofree char *name = codec_name ? g_strndup (codec_name, strcspn (codec_name, ":")) : NULL;
  const LwCodec *codec = name ? lw_codec_lookup (name, NULL) : NULL;
  int idx = codec && codec->sweep_param ? lw_params_index (codec, codec->sweep_param) : -1;

  if (idx >= 0)
    {
      g_autofree char *v = lw_param_format (&codec->params[idx], value);
      return g_strdup_printf ("%s = %s", codec->sweep_param, v);
    }
  return g_strdup_printf ("%s = %g", _("parameter"), value);
}

static const char *const metric_name[] = { "PSNR", "PSNR-Y", "SSIM", "MS-SSIM" };

void
_lw_rd_plot_draw_hover (LwRdPlot           *self,
                        cairo_t            *cr,
                        PangoContext       *pctx,
                        const LwPlotLayout *L,
                        const LwPlotStyle  *st)
{
  g_autoptr (PangoLayout) text = NULL;
  g_autofree char *param = NULL;
  g_autofree char *readout = NULL;
  LwRdPlotCurve *pc;
  const LwRdPoint *pt;
  double x, y, px, py, w, h, bx, by;
  gboolean db;

  if (!L->valid || self->hover_curve < 0 || (guint) self->hover_curve >= self->curves->len)
    return;
  pc = g_ptr_array_index (self->curves, self->hover_curve);
  if (self->hover_point >= pc->curve->points->len)
    return;
  pt = &g_array_index (pc->curve->points, LwRdPoint, self->hover_point);
  if (!_lw_rd_plot_point_xy (pt, self->metric, L->log_x, &x, &y))
    return;
  px = _lw_plot_map_x (L, x);
  py = _lw_plot_map_y (L, y);

  cairo_arc (cr, px, py, HOVER_RADIUS, 0, 2 * G_PI);
  _lw_plot_set_colour (cr, &_lw_plot_palette[pc->colour], 1);
  cairo_fill_preserve (cr);
  _lw_plot_set_colour (cr, &st->fg, 1);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);

  /* the axis title carries the unit in brackets; the readout puts it after the value */
  db = self->metric == LW_RD_METRIC_PSNR || self->metric == LW_RD_METRIC_PSNR_Y;
  param = param_text (pc->curve->codec, pt->param);
  readout = g_strdup_printf ("%s\n%.4g bpp\n%s %.*f%s\n%s",
                             pc->curve->codec ? pc->curve->codec : "", x,
                             metric_name[self->metric], db ? 2 : 4, y, db ? " dB" : "", param);
  text = pango_layout_new (pctx);
  _lw_plot_text_size (text, readout, &w, &h);
  w += 12;
  h += 8;
  /* above right of the point, flipped to stay inside the widget */
  bx = px + 10 + w <= L->width ? px + 10 : px - 10 - w;
  by = py - 10 - h >= 0 ? py - 10 - h : py + 10;
  bx = CLAMP (bx, 0, MAX (0, L->width - w));
  by = CLAMP (by, 0, MAX (0, L->height - h));
  cairo_rectangle (cr, round (bx) + 0.5, round (by) + 0.5, w - 1, h - 1);
  _lw_plot_set_colour (cr, &st->bg, 0.95);
  cairo_fill_preserve (cr);
  _lw_plot_set_colour (cr, &_lw_plot_palette[pc->colour], 1);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
  _lw_plot_set_colour (cr, &st->fg, 1);
  _lw_plot_show_text (cr, text, readout, round (bx) + 6, round (by) + 4, 0, 0);
}
