/* lw-plot-paint.c — layout and cairo painting shared by the x–y plot widgets
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The frame both plot widgets draw (plot area, ticks, grid, labels, titles, legend box,
 * placeholder) and the render-node cache around it. Lines that must look sharp (grid, axes,
 * ticks, box edges) sit on half pixels; text sits on whole pixels.
 */
#define G_LOG_DOMAIN "lw-plot"

#include <math.h>
#include <string.h>

#include "lw-plot-paint.h"

const GdkRGBA _lw_plot_palette[LW_PLOT_N_COLOURS] = {
  { 0x35 / 255., 0x84 / 255., 0xe4 / 255., 1 }, /* blue */
  { 0xe6 / 255., 0x61 / 255., 0x00 / 255., 1 }, /* orange */
  { 0x2e / 255., 0xa2 / 255., 0x6e / 255., 1 }, /* green */
  { 0xc0 / 255., 0x61 / 255., 0xcb / 255., 1 }, /* purple */
  { 0xe0 / 255., 0x1b / 255., 0x24 / 255., 1 }, /* red */
  { 0x21 / 255., 0x90 / 255., 0xa4 / 255., 1 }, /* teal */
  { 0x98 / 255., 0x6a / 255., 0x44 / 255., 1 }, /* brown */
  { 0xc8 / 255., 0x88 / 255., 0x00 / 255., 1 }, /* ochre */
};

/* Colours and text */

void
_lw_plot_style_from_widget (GtkWidget   *widget,
                            LwPlotStyle *st)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkStyleContext *context = gtk_widget_get_style_context (widget);

  gtk_style_context_get_color (context, &st->fg);
  /* libadwaita names the view background; plain GTK themes the base colour */
  if (!gtk_style_context_lookup_color (context, "view_bg_color", &st->bg) &&
      !gtk_style_context_lookup_color (context, "theme_base_color", &st->bg))
    {
      double lum = 0.2126 * st->fg.red + 0.7152 * st->fg.green + 0.0722 * st->fg.blue;
      double v = lum > 0.5 ? 0.14 : 1.0;
      st->bg = (GdkRGBA) { v, v, v, 1 };
    }
  G_GNUC_END_IGNORE_DEPRECATIONS
  st->paint_bg = FALSE;
}

void
_lw_plot_set_colour (cairo_t       *cr,
                     const GdkRGBA *c,
                     double         alpha)
{
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, c->alpha * alpha);
}

void
_lw_plot_text_size (PangoLayout *layout,
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

void
_lw_plot_show_text (cairo_t     *cr,
                    PangoLayout *layout,
                    const char  *text,
                    double       x,
                    double       y,
                    double       xalign,
                    double       yalign)
{
  double w, h;

  _lw_plot_text_size (layout, text, &w, &h);
  cairo_move_to (cr, round (x - xalign * w), round (y - yalign * h));
  pango_cairo_show_layout (cr, layout);
}

/* Layout */

double
_lw_plot_map_x (const LwPlotLayout *L,
                double              x)
{
  double t = L->log_x ? log (x / L->x_lo) / log (L->x_hi / L->x_lo)
                      : (x - L->x_lo) / (L->x_hi - L->x_lo);
  return L->ax + t * L->aw;
}

double
_lw_plot_map_y (const LwPlotLayout *L,
                double              y)
{
  double t = L->log_y ? log (y / L->y_lo) / log (L->y_hi / L->y_lo)
                      : (y - L->y_lo) / (L->y_hi - L->y_lo);
  return L->ay + L->ah - t * L->ah;
}

void
_lw_plot_layout_init (LwPlotLayout *L,
                      PangoLayout  *text,
                      int           width,
                      int           height)
{
  memset (L, 0, sizeof *L);
  L->width = width;
  L->height = height;
  _lw_plot_text_size (text, "0.5", NULL, &L->line_h);
}

gboolean
_lw_plot_axis_ticks (double    lo,
                     double    hi,
                     gboolean  log,
                     guint     target,
                     gboolean  extend,
                     LwTicks  *ticks)
{
  LwTicks lin;

  if (!log)
    return lw_ticks_linear (lo, hi, target, extend, ticks);
  if (!lw_ticks_log (lo, hi, ticks))
    return FALSE;
  /* within one 1-2-5 step a log axis shows two far-apart ticks; nice linear ticks on the log
   * scale read better there */
  if (ticks->n < 4 && lw_ticks_linear (lo, hi, target, TRUE, &lin) && lin.lo > 0)
    *ticks = lin;
  return TRUE;
}

gboolean
_lw_plot_layout_frame (LwPlotLayout *L,
                       PangoLayout  *text,
                       gboolean      x_title,
                       gboolean      y_title)
{
  double label_w = 0, tw, left, right, top, bottom;

  /* the widest y tick label sets the left margin */
  for (guint i = 0; i < L->yt.n; i++)
    {
      g_autofree char *s = lw_ticks_format (&L->yt, L->yt.values[i]);
      _lw_plot_text_size (text, s, &tw, NULL);
      label_w = MAX (label_w, tw);
    }

  left = LW_PLOT_PAD + (y_title ? L->line_h + LW_PLOT_LABEL_GAP : 0) + label_w +
         LW_PLOT_LABEL_GAP + LW_PLOT_TICK_LEN;
  bottom = LW_PLOT_PAD + (x_title ? L->line_h + LW_PLOT_LABEL_GAP : 0) + L->line_h +
           LW_PLOT_LABEL_GAP + LW_PLOT_TICK_LEN;
  top = LW_PLOT_PAD + L->line_h / 2;
  right = LW_PLOT_PAD + 3 * L->line_h / 2; /* half of a last x label */
  L->ax = round (left);
  L->ay = round (top);
  L->aw = round (L->width - left - right);
  L->ah = round (L->height - top - bottom);
  return L->aw >= 40 && L->ah >= 30;
}

void
_lw_plot_place_legend (LwPlotLayout       *L,
                       PangoLayout        *text,
                       GPtrArray          *names,
                       GArray             *points,
                       const LwPlotCorner  order[4],
                       double              margin)
{
  g_autofree LwPlotPoint *px = NULL;
  double w = 0, tw, best_x = 0, best_y = 0;
  guint best = G_MAXUINT;

  L->lw = 0;
  if (names->len == 0)
    return;
  for (guint i = 0; i < names->len; i++)
    {
      _lw_plot_text_size (text, g_ptr_array_index (names, i), &tw, NULL);
      w = MAX (w, tw);
    }
  w += LW_PLOT_LEGEND_SWATCH + 3 * 6.0;
  L->lh = names->len * L->line_h + 2 * 4.0;
  if (w > L->aw - 2 * LW_PLOT_PAD || L->lh > L->ah - 2 * LW_PLOT_PAD)
    return;
  L->lw = w;

  /* surface positions once, not once per corner */
  px = g_new (LwPlotPoint, MAX (points->len, 1));
  for (guint k = 0; k < points->len; k++)
    {
      const LwPlotPoint *p = &g_array_index (points, LwPlotPoint, k);

      px[k].x = _lw_plot_map_x (L, p->x);
      px[k].y = _lw_plot_map_y (L, p->y);
    }

  for (int c = 0; c < 4; c++)
    {
      gboolean right = order[c] == LW_PLOT_TOP_RIGHT || order[c] == LW_PLOT_BOTTOM_RIGHT;
      gboolean bottom = order[c] == LW_PLOT_BOTTOM_RIGHT || order[c] == LW_PLOT_BOTTOM_LEFT;
      double x = right ? L->ax + L->aw - LW_PLOT_PAD - L->lw : L->ax + LW_PLOT_PAD;
      double y = bottom ? L->ay + L->ah - LW_PLOT_PAD - L->lh : L->ay + LW_PLOT_PAD;
      guint covered = 0;

      for (guint k = 0; k < points->len; k++)
        if (px[k].x > x - margin && px[k].x < x + L->lw + margin && px[k].y > y - margin &&
            px[k].y < y + L->lh + margin)
          covered++;
      /* on a tie the earlier corner in `order` keeps the legend */
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

/* Drawing */

void
_lw_plot_draw_placeholder (cairo_t            *cr,
                           PangoLayout        *text,
                           const LwPlotLayout *L,
                           const LwPlotStyle  *st,
                           const char         *message)
{
  _lw_plot_set_colour (cr, &st->fg, 0.55);
  _lw_plot_show_text (cr, text, message ? message : "", L->width / 2.0, L->height / 2.0, 0.5,
                      0.5);
}

void
_lw_plot_draw_axes (cairo_t            *cr,
                    PangoLayout        *text,
                    const LwPlotLayout *L,
                    const LwPlotStyle  *st,
                    const char         *x_title,
                    const char         *y_title)
{
  double base = L->ay + L->ah, last_right = -INFINITY, last_top = INFINITY;

  /* grid on whole pixels so the 1 px lines stay sharp */
  cairo_set_line_width (cr, 1);
  _lw_plot_set_colour (cr, &st->fg, 0.12);
  for (guint i = 0; i < L->xt.n; i++)
    {
      double x = floor (_lw_plot_map_x (L, L->xt.values[i])) + 0.5;
      cairo_move_to (cr, x, L->ay);
      cairo_line_to (cr, x, base);
    }
  for (guint i = 0; i < L->yt.n; i++)
    {
      double y = floor (_lw_plot_map_y (L, L->yt.values[i])) + 0.5;
      cairo_move_to (cr, L->ax, y);
      cairo_line_to (cr, L->ax + L->aw, y);
    }
  cairo_stroke (cr);

  /* axes and tick marks */
  _lw_plot_set_colour (cr, &st->fg, 1);
  cairo_move_to (cr, L->ax - 0.5, L->ay);
  cairo_line_to (cr, L->ax - 0.5, base + 0.5);
  cairo_line_to (cr, L->ax + L->aw, base + 0.5);
  for (guint i = 0; i < L->xt.n; i++)
    {
      double x = floor (_lw_plot_map_x (L, L->xt.values[i])) + 0.5;
      cairo_move_to (cr, x, base + 0.5);
      cairo_line_to (cr, x, base + LW_PLOT_TICK_LEN);
    }
  for (guint i = 0; i < L->yt.n; i++)
    {
      double y = floor (_lw_plot_map_y (L, L->yt.values[i])) + 0.5;
      cairo_move_to (cr, L->ax - 0.5, y);
      cairo_line_to (cr, L->ax - LW_PLOT_TICK_LEN, y);
    }
  cairo_stroke (cr);

  /* tick labels; a label that would touch the previous one is left out (log axes over many
   * decades, narrow widgets) while its grid line stays */
  for (guint i = 0; i < L->xt.n; i++)
    {
      g_autofree char *s = lw_ticks_format (&L->xt, L->xt.values[i]);
      double x = _lw_plot_map_x (L, L->xt.values[i]), w;

      _lw_plot_text_size (text, s, &w, NULL);
      if (x - w / 2 < last_right + LW_PLOT_LABEL_GAP)
        continue;
      _lw_plot_show_text (cr, text, s, x, base + LW_PLOT_TICK_LEN + LW_PLOT_LABEL_GAP, 0.5, 0);
      last_right = x + w / 2;
    }
  for (guint i = 0; i < L->yt.n; i++)
    {
      g_autofree char *s = lw_ticks_format (&L->yt, L->yt.values[i]);
      double y = _lw_plot_map_y (L, L->yt.values[i]);

      if (y + L->line_h / 2 > last_top)
        continue;
      _lw_plot_show_text (cr, text, s, L->ax - LW_PLOT_TICK_LEN - LW_PLOT_LABEL_GAP, y, 1, 0.5);
      last_top = y - L->line_h / 2;
    }

  /* axis titles: x centred under the plot, y turned to read upwards */
  if (x_title)
    _lw_plot_show_text (cr, text, x_title, L->ax + L->aw / 2, L->height - LW_PLOT_PAD, 0.5, 1);
  if (y_title)
    {
      cairo_save (cr);
      cairo_translate (cr, LW_PLOT_PAD, L->ay + L->ah / 2);
      cairo_rotate (cr, -G_PI / 2);
      _lw_plot_show_text (cr, text, y_title, 0, 0, 0.5, 0);
      cairo_restore (cr);
    }
}

void
_lw_plot_draw_legend_box (cairo_t            *cr,
                          const LwPlotLayout *L,
                          const LwPlotStyle  *st)
{
  if (L->lw <= 0)
    return;
  /* nearly opaque, so a curve under the legend still shows through faintly */
  cairo_rectangle (cr, L->lx + 0.5, L->ly + 0.5, L->lw - 1, L->lh - 1);
  _lw_plot_set_colour (cr, &st->bg, 0.9);
  cairo_fill_preserve (cr);
  _lw_plot_set_colour (cr, &st->fg, 0.25);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
}

void
_lw_plot_draw_legend_row (cairo_t            *cr,
                          PangoLayout        *text,
                          const LwPlotLayout *L,
                          const LwPlotStyle  *st,
                          guint               row,
                          const GdkRGBA      *colour,
                          double              line_width,
                          double              marker_radius,
                          const char         *name)
{
  double y = L->ly + 4 + (row + 0.5) * L->line_h;
  double x = L->lx + 6;

  _lw_plot_set_colour (cr, colour, 1);
  cairo_set_line_width (cr, line_width);
  cairo_move_to (cr, x, y);
  cairo_line_to (cr, x + LW_PLOT_LEGEND_SWATCH, y);
  cairo_stroke (cr);
  if (marker_radius > 0)
    {
      cairo_arc (cr, x + LW_PLOT_LEGEND_SWATCH / 2, y, marker_radius, 0, 2 * G_PI);
      cairo_fill (cr);
    }
  _lw_plot_set_colour (cr, &st->fg, 1);
  _lw_plot_show_text (cr, text, name, x + LW_PLOT_LEGEND_SWATCH + 6, y, 0, 0.5);
}

/* The render-node cache and sizes */

void
_lw_plot_cache_invalidate (LwPlotCache *cache,
                           GtkWidget   *widget)
{
  cache->layout_ok = FALSE;
  g_clear_pointer (&cache->node, gsk_render_node_unref);
  gtk_widget_queue_draw (widget);
}

void
_lw_plot_cache_resize (LwPlotCache *cache,
                       int          width,
                       int          height)
{
  if (cache->layout.width != width || cache->layout.height != height)
    {
      cache->layout_ok = FALSE;
      g_clear_pointer (&cache->node, gsk_render_node_unref);
    }
}

gboolean
_lw_plot_cache_needs_layout (LwPlotCache *cache,
                             GtkWidget   *widget,
                             int         *width,
                             int         *height)
{
  *width = gtk_widget_get_width (widget);
  *height = gtk_widget_get_height (widget);
  if (cache->layout_ok && cache->layout.width == *width && cache->layout.height == *height)
    return FALSE;
  cache->layout_ok = TRUE;
  return TRUE;
}

cairo_t *
_lw_plot_cache_begin (LwPlotCache  *cache,
                      GtkSnapshot **sub)
{
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, cache->layout.width, cache->layout.height);

  *sub = gtk_snapshot_new ();
  return gtk_snapshot_append_cairo (*sub, &bounds);
}

void
_lw_plot_cache_end (LwPlotCache *cache,
                    GtkSnapshot *sub,
                    cairo_t     *cr)
{
  cairo_destroy (cr);
  g_clear_pointer (&cache->node, gsk_render_node_unref);
  cache->node = gtk_snapshot_free_to_node (sub);
}

void
_lw_plot_measure (GtkOrientation  orientation,
                  int             min_width,
                  int             min_height,
                  int             nat_width,
                  int             nat_height,
                  int            *minimum,
                  int            *natural)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? min_width : min_height;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? nat_width : nat_height;
}
