/* lw-rd-plot-draw.c — LwRdPlot layout (plot area, nice ticks, legend corner) and cairo drawing
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here draws into a plain cairo context in the coordinates of a width × height
 * surface: the widget's snapshot (gtk_snapshot_append_cairo) and the exported PNG, SVG or PDF
 * surface run the same code. Text is laid out with the PangoContext handed in (the widget's,
 * or one made for the export surface with the widget's font).
 */
#define G_LOG_DOMAIN "lw-rd-plot"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "lw-codec.h"
#include "lw-rd-plot-private.h"

/* Mid-tone colours (GNOME palette) that keep their contrast on white and on dark grey */
const GdkRGBA _lw_rd_plot_palette[LW_RD_PLOT_N_COLOURS] = {
  { 0x35 / 255., 0x84 / 255., 0xe4 / 255., 1 }, /* blue */
  { 0xe6 / 255., 0x61 / 255., 0x00 / 255., 1 }, /* orange */
  { 0x2e / 255., 0xa2 / 255., 0x6e / 255., 1 }, /* green */
  { 0xc0 / 255., 0x61 / 255., 0xcb / 255., 1 }, /* purple */
  { 0xe0 / 255., 0x1b / 255., 0x24 / 255., 1 }, /* red */
  { 0x21 / 255., 0x90 / 255., 0xa4 / 255., 1 }, /* teal */
  { 0x98 / 255., 0x6a / 255., 0x44 / 255., 1 }, /* brown */
  { 0xc8 / 255., 0x88 / 255., 0x00 / 255., 1 }, /* ochre */
};

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

static void
text_size (PangoLayout *layout,
           const char  *text,
           double      *w,
           double      *h)
{
  int pw, ph;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &pw, &ph);
  if (w)
    *w = pw;
  if (h)
    *h = ph;
}

double
_lw_rd_plot_map_x (const LwRdPlotLayout *L,
                   double                x)
{
  double t = L->log_x ? log (x / L->x_lo) / log (L->x_hi / L->x_lo)
                      : (x - L->x_lo) / (L->x_hi - L->x_lo);
  return L->ax + t * L->aw;
}

double
_lw_rd_plot_map_y (const LwRdPlotLayout *L,
                   double                y)
{
  return L->ay + L->ah - (y - L->y_lo) / (L->y_hi - L->y_lo) * L->ah;
}

/* The legend goes in the corner of the plot area that covers the fewest points, preferring
 * bottom right (RD curves rise to the upper right, so that corner is usually empty). */
static void
place_legend (LwRdPlot       *self,
              PangoLayout    *text,
              LwRdPlotLayout *L)
{
  double w = 0, tw, best_x = 0, best_y = 0;
  guint best = G_MAXUINT;

  L->lw = 0;
  if (self->curves->len == 0)
    return;
  for (guint i = 0; i < self->curves->len; i++)
    {
      LwRdPlotCurve *pc = g_ptr_array_index (self->curves, i);

      text_size (text, pc->curve->codec ? pc->curve->codec : "", &tw, NULL);
      w = MAX (w, tw);
    }
  w += LEGEND_SWATCH + 3 * 6.0;
  L->lh = self->curves->len * L->line_h + 2 * 4.0;
  if (w > L->aw - 2 * PAD || L->lh > L->ah - 2 * PAD)
    return;
  L->lw = w;

  for (int corner = 0; corner < 4; corner++)
    {
      /* bottom right, top left, top right, bottom left */
      gboolean right = corner == 0 || corner == 2, bottom = corner == 0 || corner == 3;
      double x = right ? L->ax + L->aw - PAD - L->lw : L->ax + PAD;
      double y = bottom ? L->ay + L->ah - PAD - L->lh : L->ay + PAD;
      guint covered = 0;

      for (guint i = 0; i < self->curves->len; i++)
        {
          LwRdPlotCurve *pc = g_ptr_array_index (self->curves, i);

          for (guint k = 0; k < pc->curve->points->len; k++)
            {
              double px, py;

              if (!_lw_rd_plot_point_xy (&g_array_index (pc->curve->points, LwRdPoint, k),
                                         self->metric, L->log_x, &px, &py))
                continue;
              px = _lw_rd_plot_map_x (L, px);
              py = _lw_rd_plot_map_y (L, py);
              if (px > x - MARKER_RADIUS && px < x + L->lw + MARKER_RADIUS &&
                  py > y - MARKER_RADIUS && py < y + L->lh + MARKER_RADIUS)
                covered++;
            }
        }
      if (covered < best)
        {
          best = covered;
          best_x = x;
          best_y = y;
        }
    }
  L->lx = best_x;
  L->ly = best_y;
}

gboolean
_lw_rd_plot_compute_layout (LwRdPlot       *self,
                            PangoContext   *pctx,
                            int             width,
                            int             height,
                            LwRdPlotLayout *L)
{
  g_autoptr (PangoLayout) text = pango_layout_new (pctx);
  double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
  double label_w = 0, tw, left, right, top, bottom;
  guint target;

  memset (L, 0, sizeof *L);
  L->width = width;
  L->height = height;
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

  text_size (text, "0.5", NULL, &L->line_h);

  /* y ticks first: the width of their labels sets the left margin */
  target = (guint) CLAMP ((height - 3 * L->line_h) / 50, 3, 10);
  if (!lw_ticks_linear (ymin, ymax, target, TRUE, &L->yt))
    return FALSE;
  L->y_lo = L->yt.lo;
  L->y_hi = L->yt.hi;
  for (guint i = 0; i < L->yt.n; i++)
    {
      g_autofree char *s = lw_ticks_format (&L->yt, L->yt.values[i]);
      text_size (text, s, &tw, NULL);
      label_w = MAX (label_w, tw);
    }

  left = PAD + L->line_h + LABEL_GAP + label_w + LABEL_GAP + TICK_LEN;
  bottom = PAD + L->line_h + LABEL_GAP + L->line_h + LABEL_GAP + TICK_LEN;
  top = PAD + L->line_h / 2;
  right = PAD + 3 * L->line_h / 2; /* half of a last x label */
  L->ax = round (left);
  L->ay = round (top);
  L->aw = round (width - left - right);
  L->ah = round (height - top - bottom);
  if (L->aw < 40 || L->ah < 30)
    return FALSE;

  target = (guint) CLAMP (L->aw / 80, 3, 10);
  if (L->log_x)
    {
      LwTicks lin;

      if (!lw_ticks_log (xmin, xmax, &L->xt))
        return FALSE;
      /* Within one 1-2-5 step a log axis would show two far-apart ticks; plain nice ticks
       * on the log scale read better there */
      if (L->xt.n < 4 && lw_ticks_linear (xmin, xmax, target, TRUE, &lin) && lin.lo > 0)
        L->xt = lin;
    }
  else if (!lw_ticks_linear (xmin, xmax, target, TRUE, &L->xt))
    return FALSE;
  L->x_lo = L->xt.lo;
  L->x_hi = L->xt.hi;

  place_legend (self, text, L);
  L->valid = TRUE;
  return TRUE;
}

/* Helpers: drawing (shared by snapshot and export) */

static void
set_colour (cairo_t       *cr,
            const GdkRGBA *c,
            double         alpha)
{
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, c->alpha * alpha);
}

static void
show_text (cairo_t     *cr,
           PangoLayout *layout,
           const char  *text,
           double       x,
           double       y,
           double       xalign,
           double       yalign)
{
  double w, h;

  text_size (layout, text, &w, &h);
  cairo_move_to (cr, round (x - xalign * w), round (y - yalign * h));
  pango_cairo_show_layout (cr, layout);
}

static void
draw_axes (LwRdPlot             *self,
           cairo_t              *cr,
           PangoLayout          *text,
           const LwRdPlotLayout *L,
           const LwRdPlotStyle  *st)
{
  double base = L->ay + L->ah, last_right = -INFINITY, last_top = INFINITY;

  /* grid, on whole pixels so the 1 px lines stay sharp */
  cairo_set_line_width (cr, 1);
  set_colour (cr, &st->fg, 0.12);
  for (guint i = 0; i < L->xt.n; i++)
    {
      double x = floor (_lw_rd_plot_map_x (L, L->xt.values[i])) + 0.5;
      cairo_move_to (cr, x, L->ay);
      cairo_line_to (cr, x, base);
    }
  for (guint i = 0; i < L->yt.n; i++)
    {
      double y = floor (_lw_rd_plot_map_y (L, L->yt.values[i])) + 0.5;
      cairo_move_to (cr, L->ax, y);
      cairo_line_to (cr, L->ax + L->aw, y);
    }
  cairo_stroke (cr);

  /* axes and tick marks */
  set_colour (cr, &st->fg, 1);
  cairo_move_to (cr, L->ax - 0.5, L->ay);
  cairo_line_to (cr, L->ax - 0.5, base + 0.5);
  cairo_line_to (cr, L->ax + L->aw, base + 0.5);
  for (guint i = 0; i < L->xt.n; i++)
    {
      double x = floor (_lw_rd_plot_map_x (L, L->xt.values[i])) + 0.5;
      cairo_move_to (cr, x, base + 0.5);
      cairo_line_to (cr, x, base + TICK_LEN);
    }
  for (guint i = 0; i < L->yt.n; i++)
    {
      double y = floor (_lw_rd_plot_map_y (L, L->yt.values[i])) + 0.5;
      cairo_move_to (cr, L->ax - 0.5, y);
      cairo_line_to (cr, L->ax - TICK_LEN, y);
    }
  cairo_stroke (cr);

  /* tick labels; a label that would touch the previous one is left out (log axes over many
   * decades, narrow widgets) while its grid line stays */
  for (guint i = 0; i < L->xt.n; i++)
    {
      g_autofree char *s = lw_ticks_format (&L->xt, L->xt.values[i]);
      double x = _lw_rd_plot_map_x (L, L->xt.values[i]), w;

      text_size (text, s, &w, NULL);
      if (x - w / 2 < last_right + LABEL_GAP)
        continue;
      show_text (cr, text, s, x, base + TICK_LEN + LABEL_GAP, 0.5, 0);
      last_right = x + w / 2;
    }
  for (guint i = 0; i < L->yt.n; i++)
    {
      g_autofree char *s = lw_ticks_format (&L->yt, L->yt.values[i]);
      double y = _lw_rd_plot_map_y (L, L->yt.values[i]);

      if (y + L->line_h / 2 > last_top)
        continue;
      show_text (cr, text, s, L->ax - TICK_LEN - LABEL_GAP, y, 1, 0.5);
      last_top = y - L->line_h / 2;
    }

  /* axis titles */
  show_text (cr, text, _("Rate (bpp)"), L->ax + L->aw / 2, L->height - PAD, 0.5, 1);
  cairo_save (cr);
  cairo_translate (cr, PAD, L->ay + L->ah / 2);
  cairo_rotate (cr, -G_PI / 2);
  show_text (cr, text, lw_rd_metric_get_title (self->metric), 0, 0, 0.5, 0);
  cairo_restore (cr);
}

static void
draw_curves (LwRdPlot             *self,
             cairo_t              *cr,
             const LwRdPlotLayout *L)
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

      set_colour (cr, &_lw_rd_plot_palette[pc->colour], 1);
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
            cairo_line_to (cr, _lw_rd_plot_map_x (L, x), _lw_rd_plot_map_y (L, y));
          else
            cairo_move_to (cr, _lw_rd_plot_map_x (L, x), _lw_rd_plot_map_y (L, y));
          pen_down = TRUE;
        }
      cairo_stroke (cr);
    }
  for (guint i = 0; i < self->curves->len; i++)
    {
      LwRdPlotCurve *pc = g_ptr_array_index (self->curves, i);

      set_colour (cr, &_lw_rd_plot_palette[pc->colour], 1);
      for (guint k = 0; k < pc->curve->points->len; k++)
        {
          double x, y;

          if (!_lw_rd_plot_point_xy (&g_array_index (pc->curve->points, LwRdPoint, k),
                                     self->metric, L->log_x, &x, &y))
            continue;
          cairo_new_sub_path (cr);
          cairo_arc (cr, _lw_rd_plot_map_x (L, x), _lw_rd_plot_map_y (L, y), MARKER_RADIUS, 0,
                     2 * G_PI);
        }
      cairo_fill (cr);
    }
  cairo_restore (cr);
}

static void
draw_legend (LwRdPlot             *self,
             cairo_t              *cr,
             PangoLayout          *text,
             const LwRdPlotLayout *L,
             const LwRdPlotStyle  *st)
{
  if (L->lw <= 0)
    return;
  cairo_rectangle (cr, L->lx + 0.5, L->ly + 0.5, L->lw - 1, L->lh - 1);
  set_colour (cr, &st->bg, 0.9);
  cairo_fill_preserve (cr);
  set_colour (cr, &st->fg, 0.25);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);

  for (guint i = 0; i < self->curves->len; i++)
    {
      LwRdPlotCurve *pc = g_ptr_array_index (self->curves, i);
      double y = L->ly + 4 + (i + 0.5) * L->line_h;
      double x = L->lx + 6;

      set_colour (cr, &_lw_rd_plot_palette[pc->colour], 1);
      cairo_set_line_width (cr, LINE_WIDTH);
      cairo_move_to (cr, x, y);
      cairo_line_to (cr, x + LEGEND_SWATCH, y);
      cairo_stroke (cr);
      cairo_arc (cr, x + LEGEND_SWATCH / 2, y, MARKER_RADIUS, 0, 2 * G_PI);
      cairo_fill (cr);
      set_colour (cr, &st->fg, 1);
      show_text (cr, text, pc->curve->codec ? pc->curve->codec : "", x + LEGEND_SWATCH + 6, y,
                 0, 0.5);
    }
}

/* Grid, axes, curves and legend, or the placeholder when there is nothing to plot */
void
_lw_rd_plot_draw_static (LwRdPlot             *self,
                         cairo_t              *cr,
                         PangoContext         *pctx,
                         const LwRdPlotLayout *L,
                         const LwRdPlotStyle  *st)
{
  g_autoptr (PangoLayout) text = pango_layout_new (pctx);

  if (st->paint_bg)
    {
      set_colour (cr, &st->bg, 1);
      cairo_paint (cr);
    }
  if (!L->valid)
    {
      set_colour (cr, &st->fg, 0.55);
      show_text (cr, text, self->curves->len ? _("No points to plot") : _("No curves yet"),
                 L->width / 2.0, L->height / 2.0, 0.5, 0.5);
      return;
    }
  draw_axes (self, cr, text, L, st);
  draw_curves (self, cr, L);
  draw_legend (self, cr, text, L, st);
}

static const GdkRGBA *
curve_colour (LwRdPlot            *self,
              const char          *codec,
              const LwRdPlotStyle *st)
{
  int i = _lw_rd_plot_find_curve (self, codec);

  if (i < 0)
    return &st->fg;
  return &_lw_rd_plot_palette[((LwRdPlotCurve *) g_ptr_array_index (self->curves, i))->colour];
}

void
_lw_rd_plot_draw_operating_point (LwRdPlot             *self,
                                  cairo_t              *cr,
                                  const LwRdPlotLayout *L,
                                  const LwRdPlotStyle  *st)
{
  double y = self->op_values[self->metric], px, py;

  if (!L->valid || !isfinite (self->op_bpp) || !isfinite (y) || (L->log_x && self->op_bpp <= 0))
    return;
  px = _lw_rd_plot_map_x (L, self->op_bpp);
  py = _lw_rd_plot_map_y (L, y);
  cairo_save (cr);
  cairo_rectangle (cr, L->ax - OP_RADIUS - 2, L->ay - OP_RADIUS - 2, L->aw + 2 * OP_RADIUS + 4,
                   L->ah + 2 * OP_RADIUS + 4);
  cairo_clip (cr);
  /* a halo in the background colour keeps the ring visible over its own curve */
  cairo_arc (cr, px, py, OP_RADIUS, 0, 2 * G_PI);
  set_colour (cr, &st->bg, 1);
  cairo_set_line_width (cr, 5);
  cairo_stroke_preserve (cr);
  set_colour (cr, curve_colour (self, self->op_codec, st), 1);
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
_lw_rd_plot_draw_hover (LwRdPlot             *self,
                        cairo_t              *cr,
                        PangoContext         *pctx,
                        const LwRdPlotLayout *L,
                        const LwRdPlotStyle  *st)
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
  px = _lw_rd_plot_map_x (L, x);
  py = _lw_rd_plot_map_y (L, y);

  cairo_arc (cr, px, py, HOVER_RADIUS, 0, 2 * G_PI);
  set_colour (cr, &_lw_rd_plot_palette[pc->colour], 1);
  cairo_fill_preserve (cr);
  set_colour (cr, &st->fg, 1);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);

  /* the axis title carries the unit in brackets; the readout puts it after the value */
  db = self->metric == LW_RD_METRIC_PSNR || self->metric == LW_RD_METRIC_PSNR_Y;
  param = param_text (pc->curve->codec, pt->param);
  readout = g_strdup_printf ("%s\n%.4g bpp\n%s %.*f%s\n%s",
                             pc->curve->codec ? pc->curve->codec : "", x,
                             metric_name[self->metric], db ? 2 : 4, y, db ? " dB" : "", param);
  text = pango_layout_new (pctx);
  text_size (text, readout, &w, &h);
  w += 12;
  h += 8;
  /* above right of the point, flipped to stay inside the widget */
  bx = px + 10 + w <= L->width ? px + 10 : px - 10 - w;
  by = py - 10 - h >= 0 ? py - 10 - h : py + 10;
  bx = CLAMP (bx, 0, MAX (0, L->width - w));
  by = CLAMP (by, 0, MAX (0, L->height - h));
  cairo_rectangle (cr, round (bx) + 0.5, round (by) + 0.5, w - 1, h - 1);
  set_colour (cr, &st->bg, 0.95);
  cairo_fill_preserve (cr);
  set_colour (cr, &_lw_rd_plot_palette[pc->colour], 1);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
  set_colour (cr, &st->fg, 1);
  show_text (cr, text, readout, round (bx) + 6, round (by) + 4, 0, 0);
}
