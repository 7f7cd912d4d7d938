/* lw-line-plot-draw.c — LwLinePlot layout (plot area, nice ticks, legend corner) and cairo
 * drawing, with series decimated per pixel column
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here draws into a plain cairo context in the coordinates of a width × height
 * surface (the widget's snapshot through gtk_snapshot_append_cairo). A series is stroked as
 * one polyline with at most four vertices per pixel column (first, lowest, highest, last), so
 * the cost follows the width of the plot, not the number of points, and a noisy curve keeps
 * its envelope.
 */
#define G_LOG_DOMAIN "lw-line-plot"

#include <math.h>
#include <string.h>

#include "lw-line-plot-private.h"

static gboolean
point_drawable (const LwLinePoint *p,
                gboolean           log_y)
{
  return isfinite (p->x) && isfinite (p->y) && (!log_y || p->y > 0);
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
_lw_line_plot_map_x (const LwLinePlotLayout *L,
                     double                  x)
{
  return L->ax + (x - L->x_lo) / (L->x_hi - L->x_lo) * L->aw;
}

double
_lw_line_plot_map_y (const LwLinePlotLayout *L,
                     double                  y)
{
  double t = L->log_y ? log (y / L->y_lo) / log (L->y_hi / L->y_lo)
                      : (y - L->y_lo) / (L->y_hi - L->y_lo);
  return L->ay + L->ah - t * L->ah;
}

/* The legend goes in the corner of the plot area that covers the fewest points, preferring
 * the top right (falling curves leave it empty); long series are sampled. */
static void
place_legend (LwLinePlot       *self,
              PangoLayout      *text,
              LwLinePlotLayout *L)
{
  double w = 0, tw, best_x = 0, best_y = 0;
  guint n = 0, best = G_MAXUINT;

  L->lw = 0;
  for (guint i = 0; i < self->series->len; i++)
    {
      LwLineSeries *s = g_ptr_array_index (self->series, i);

      if (s->n_drawable == 0 || s->name == NULL || *s->name == '\0')
        continue;
      text_size (text, s->name, &tw, NULL);
      w = MAX (w, tw);
      n++;
    }
  if (n == 0)
    return;
  w += LEGEND_SWATCH + 3 * 6.0;
  L->lh = n * L->line_h + 2 * 4.0;
  if (w > L->aw - 2 * PAD || L->lh > L->ah - 2 * PAD)
    return;
  L->lw = w;

  for (int corner = 0; corner < 4; corner++)
    {
      /* top right, bottom right, top left, bottom left */
      gboolean right = corner < 2, bottom = corner == 1 || corner == 3;
      double x = right ? L->ax + L->aw - PAD - L->lw : L->ax + PAD;
      double y = bottom ? L->ay + L->ah - PAD - L->lh : L->ay + PAD;
      guint covered = 0;

      for (guint i = 0; i < self->series->len; i++)
        {
          LwLineSeries *s = g_ptr_array_index (self->series, i);
          guint stride = MAX (1, s->points->len / 2000);

          for (guint k = 0; k < s->points->len; k += stride)
            {
              const LwLinePoint *p = &g_array_index (s->points, LwLinePoint, k);
              double px, py;

              if (!point_drawable (p, L->log_y) || p->x < L->x_lo || p->x > L->x_hi)
                continue;
              px = _lw_line_plot_map_x (L, p->x);
              py = _lw_line_plot_map_y (L, p->y);
              if (px > x - 4 && px < x + L->lw + 4 && py > y - 4 && py < y + L->lh + 4)
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
_lw_line_plot_compute_layout (LwLinePlot       *self,
                              PangoContext     *pctx,
                              int               width,
                              int               height,
                              LwLinePlotLayout *L)
{
  g_autoptr (PangoLayout) text = pango_layout_new (pctx);
  double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
  double label_w = 0, tw, left, right, top, bottom;
  gboolean fixed = isfinite (self->fixed_lo) && isfinite (self->fixed_hi);
  guint target;

  memset (L, 0, sizeof *L);
  L->width = width;
  L->height = height;
  L->log_y = self->log_y;

  for (guint i = 0; i < self->series->len; i++)
    {
      LwLineSeries *s = g_ptr_array_index (self->series, i);

      if (s->n_drawable == 0)
        continue;
      xmin = MIN (xmin, s->x_min);
      xmax = MAX (xmax, s->x_max);
      ymin = MIN (ymin, L->log_y ? s->y_min_pos : s->y_min);
      ymax = MAX (ymax, s->y_max);
    }
  if (!isfinite (ymin) || !isfinite (ymax) || ymax < ymin || width <= 0 || height <= 0)
    return FALSE;
  if (fixed)
    {
      xmin = self->fixed_lo;
      xmax = self->fixed_hi;
    }

  text_size (text, "0.5", NULL, &L->line_h);

  /* y ticks first: the width of their labels sets the left margin */
  target = (guint) CLAMP ((height - 3 * L->line_h) / 40, 3, 10);
  if (L->log_y)
    {
      LwTicks lin;

      if (!lw_ticks_log (ymin, ymax, &L->yt))
        return FALSE;
      /* within one 1-2-5 step a log axis shows two far-apart ticks; nice linear ticks on
       * the log scale read better there */
      if (L->yt.n < 4 && lw_ticks_linear (ymin, ymax, target, TRUE, &lin) && lin.lo > 0)
        L->yt = lin;
    }
  else if (!lw_ticks_linear (ymin, ymax, target, TRUE, &L->yt))
    return FALSE;
  L->y_lo = L->yt.lo;
  L->y_hi = L->yt.hi;
  for (guint i = 0; i < L->yt.n; i++)
    {
      g_autofree char *s = lw_ticks_format (&L->yt, L->yt.values[i]);
      text_size (text, s, &tw, NULL);
      label_w = MAX (label_w, tw);
    }

  left = PAD + (self->y_label ? L->line_h + LABEL_GAP : 0) + label_w + LABEL_GAP + TICK_LEN;
  bottom = PAD + (self->x_label ? L->line_h + LABEL_GAP : 0) + L->line_h + LABEL_GAP + TICK_LEN;
  top = PAD + L->line_h / 2;
  right = PAD + 3 * L->line_h / 2; /* half of a last x label */
  L->ax = round (left);
  L->ay = round (top);
  L->aw = round (width - left - right);
  L->ah = round (height - top - bottom);
  if (L->aw < 40 || L->ah < 30)
    return FALSE;

  target = (guint) CLAMP (L->aw / 80, 3, 10);
  /* a fixed range is the axis as given; a fitted one grows to nice ticks */
  if (!lw_ticks_linear (xmin, xmax, target, !fixed, &L->xt))
    return FALSE;
  L->x_lo = fixed ? xmin : L->xt.lo;
  L->x_hi = fixed ? xmax : L->xt.hi;
  if (!(L->x_hi > L->x_lo))
    return FALSE;

  place_legend (self, text, L);
  L->valid = TRUE;
  return TRUE;
}

/* Helpers: drawing */

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
draw_axes (LwLinePlot             *self,
           cairo_t                *cr,
           PangoLayout            *text,
           const LwLinePlotLayout *L,
           const GdkRGBA          *fg)
{
  double base = L->ay + L->ah, last_right = -INFINITY, last_top = INFINITY;

  /* grid on whole pixels so the 1 px lines stay sharp; ticks outside a fixed range are left
   * out */
  cairo_set_line_width (cr, 1);
  set_colour (cr, fg, 0.12);
  for (guint i = 0; i < L->xt.n; i++)
    {
      double x = floor (_lw_line_plot_map_x (L, L->xt.values[i])) + 0.5;
      cairo_move_to (cr, x, L->ay);
      cairo_line_to (cr, x, base);
    }
  for (guint i = 0; i < L->yt.n; i++)
    {
      double y = floor (_lw_line_plot_map_y (L, L->yt.values[i])) + 0.5;
      cairo_move_to (cr, L->ax, y);
      cairo_line_to (cr, L->ax + L->aw, y);
    }
  cairo_stroke (cr);

  set_colour (cr, fg, 1);
  cairo_move_to (cr, L->ax - 0.5, L->ay);
  cairo_line_to (cr, L->ax - 0.5, base + 0.5);
  cairo_line_to (cr, L->ax + L->aw, base + 0.5);
  for (guint i = 0; i < L->xt.n; i++)
    {
      double x = floor (_lw_line_plot_map_x (L, L->xt.values[i])) + 0.5;
      cairo_move_to (cr, x, base + 0.5);
      cairo_line_to (cr, x, base + TICK_LEN);
    }
  for (guint i = 0; i < L->yt.n; i++)
    {
      double y = floor (_lw_line_plot_map_y (L, L->yt.values[i])) + 0.5;
      cairo_move_to (cr, L->ax - 0.5, y);
      cairo_line_to (cr, L->ax - TICK_LEN, y);
    }
  cairo_stroke (cr);

  /* a label that would touch the previous one is left out; its grid line stays */
  for (guint i = 0; i < L->xt.n; i++)
    {
      g_autofree char *s = lw_ticks_format (&L->xt, L->xt.values[i]);
      double x = _lw_line_plot_map_x (L, L->xt.values[i]), w;

      text_size (text, s, &w, NULL);
      if (x - w / 2 < last_right + LABEL_GAP)
        continue;
      show_text (cr, text, s, x, base + TICK_LEN + LABEL_GAP, 0.5, 0);
      last_right = x + w / 2;
    }
  for (guint i = 0; i < L->yt.n; i++)
    {
      g_autofree char *s = lw_ticks_format (&L->yt, L->yt.values[i]);
      double y = _lw_line_plot_map_y (L, L->yt.values[i]);

      if (y + L->line_h / 2 > last_top)
        continue;
      show_text (cr, text, s, L->ax - TICK_LEN - LABEL_GAP, y, 1, 0.5);
      last_top = y - L->line_h / 2;
    }

  if (self->x_label)
    show_text (cr, text, self->x_label, L->ax + L->aw / 2, L->height - PAD, 0.5, 1);
  if (self->y_label)
    {
      cairo_save (cr);
      cairo_translate (cr, PAD, L->ay + L->ah / 2);
      cairo_rotate (cr, -G_PI / 2);
      show_text (cr, text, self->y_label, 0, 0, 0.5, 0);
      cairo_restore (cr);
    }
}

/* One pixel column's vertices beyond its first: the lowest and highest y in the order they
 * came, then the last, each only when it adds something */
typedef struct
{
  int    col;
  double first, last, lo, hi;
  guint  lo_k, hi_k;
} Column;

static void
flush_column (cairo_t      *cr,
              const Column *c)
{
  double x = c->col + 0.5;
  double a = c->lo_k <= c->hi_k ? c->lo : c->hi, b = c->lo_k <= c->hi_k ? c->hi : c->lo;

  if (a != c->first)
    cairo_line_to (cr, x, a);
  if (b != a)
    cairo_line_to (cr, x, b);
  if (c->last != b)
    cairo_line_to (cr, x, c->last);
}

static void
draw_series (LwLinePlot             *self,
             cairo_t                *cr,
             const LwLinePlotLayout *L,
             const LwLineSeries     *s)
{
  gboolean pen_down = FALSE, markers;
  Column c = { 0 };

  if (s->n_drawable == 0)
    return;
  set_colour (cr, &s->colour, 1);
  cairo_set_line_width (cr, LINE_WIDTH);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  for (guint k = 0; k < s->points->len; k++)
    {
      const LwLinePoint *p = &g_array_index (s->points, LwLinePoint, k);
      double px, py;
      int col;

      if (!point_drawable (p, L->log_y))
        {
          if (pen_down)
            flush_column (cr, &c);
          pen_down = FALSE; /* a gap where the value is missing */
          continue;
        }
      px = _lw_line_plot_map_x (L, p->x);
      py = _lw_line_plot_map_y (L, p->y);
      col = (int) floor (px);
      if (pen_down && col == c.col)
        {
          if (py < c.lo)
            c.lo = py, c.lo_k = k;
          if (py > c.hi)
            c.hi = py, c.hi_k = k;
          c.last = py;
          continue;
        }
      if (pen_down)
        {
          flush_column (cr, &c);
          cairo_line_to (cr, col + 0.5, py);
        }
      else
        {
          cairo_move_to (cr, col + 0.5, py);
          /* a lone point still shows as a dot (round caps) */
          cairo_line_to (cr, col + 0.5, py);
        }
      c = (Column) { col, py, py, py, py, k, k };
      pen_down = TRUE;
    }
  if (pen_down)
    flush_column (cr, &c);
  cairo_stroke (cr);

  /* markers while the points are far enough apart to tell them apart */
  markers = s->n_drawable <= 1 ||
            (s->x_max > s->x_min &&
             (_lw_line_plot_map_x (L, s->x_max) - _lw_line_plot_map_x (L, s->x_min)) / (s->n_drawable - 1) >= MARKER_SPACING);
  if (!markers)
    return;
  for (guint k = 0; k < s->points->len; k++)
    {
      const LwLinePoint *p = &g_array_index (s->points, LwLinePoint, k);

      if (!point_drawable (p, L->log_y))
        continue;
      cairo_new_sub_path (cr);
      cairo_arc (cr, _lw_line_plot_map_x (L, p->x), _lw_line_plot_map_y (L, p->y), MARKER_RADIUS, 0, 2 * G_PI);
    }
  cairo_fill (cr);
}

static void
draw_legend (LwLinePlot             *self,
             cairo_t                *cr,
             PangoLayout            *text,
             const LwLinePlotLayout *L,
             const GdkRGBA          *fg,
             const GdkRGBA          *bg)
{
  guint row = 0;

  if (L->lw <= 0)
    return;
  cairo_rectangle (cr, L->lx + 0.5, L->ly + 0.5, L->lw - 1, L->lh - 1);
  set_colour (cr, bg, 0.9);
  cairo_fill_preserve (cr);
  set_colour (cr, fg, 0.25);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);

  for (guint i = 0; i < self->series->len; i++)
    {
      LwLineSeries *s = g_ptr_array_index (self->series, i);
      double y = L->ly + 4 + (row + 0.5) * L->line_h;
      double x = L->lx + 6;

      if (s->n_drawable == 0 || s->name == NULL || *s->name == '\0')
        continue;
      row++;
      set_colour (cr, &s->colour, 1);
      cairo_set_line_width (cr, 2.5);
      cairo_move_to (cr, x, y);
      cairo_line_to (cr, x + LEGEND_SWATCH, y);
      cairo_stroke (cr);
      set_colour (cr, fg, 1);
      show_text (cr, text, s->name, x + LEGEND_SWATCH + 6, y, 0, 0.5);
    }
}

void
_lw_line_plot_draw (LwLinePlot             *self,
                    cairo_t                *cr,
                    PangoContext           *pctx,
                    const LwLinePlotLayout *L,
                    const GdkRGBA          *fg,
                    const GdkRGBA          *bg)
{
  g_autoptr (PangoLayout) text = pango_layout_new (pctx);

  if (!L->valid)
    {
      set_colour (cr, fg, 0.55);
      show_text (cr, text, self->placeholder ? self->placeholder : "", L->width / 2.0,
                 L->height / 2.0, 0.5, 0.5);
      return;
    }
  draw_axes (self, cr, text, L, fg);
  cairo_save (cr);
  cairo_rectangle (cr, L->ax, L->ay - LINE_WIDTH, L->aw + LINE_WIDTH, L->ah + 2 * LINE_WIDTH);
  cairo_clip (cr);
  for (guint i = 0; i < self->series->len; i++)
    draw_series (self, cr, L, g_ptr_array_index (self->series, i));
  cairo_restore (cr);
  draw_legend (self, cr, text, L, fg, bg);
}
