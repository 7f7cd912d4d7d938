/* lw-line-plot-draw.c — LwLinePlot layout (data ranges, ticks, legend corner) and cairo
 * drawing, with series decimated per pixel column
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here draws into a plain cairo context in the coordinates of a width × height
 * surface (the widget's snapshot through gtk_snapshot_append_cairo). A series is stroked as
 * one polyline with at most four vertices per pixel column (first, lowest, highest, last), so
 * the cost follows the width of the plot, not the number of points, and a noisy curve keeps
 * its envelope. The frame around the series (axes, grid, labels, legend box) comes from
 * lw-plot-paint.c, shared with LwRdPlot.
 */
#define G_LOG_DOMAIN "lw-line-plot"

#include <math.h>

#include "lw-line-plot-private.h"

static gboolean
point_drawable (const LwLinePoint *p,
                gboolean           log_y)
{
  return isfinite (p->x) && isfinite (p->y) && (!log_y || p->y > 0);
}

static gboolean
series_in_legend (const LwLineSeries *s)
{
  return s->n_drawable > 0 && s->name != NULL && *s->name != '\0';
}

/* Helpers: layout */

/* The legend goes in the corner of the plot area that covers the fewest points, preferring
 * the top right (falling curves leave it empty); long series are sampled. */
static void
place_legend (LwLinePlot   *self,
              PangoLayout  *text,
              LwPlotLayout *L)
{
  static const LwPlotCorner order[4] = {
    LW_PLOT_TOP_RIGHT, LW_PLOT_BOTTOM_RIGHT, LW_PLOT_TOP_LEFT, LW_PLOT_BOTTOM_LEFT,
  };
  g_autoptr (GArray) sample = g_array_new (FALSE, FALSE, sizeof (LwLinePoint));
  g_autoptr (GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; i < self->series->len; i++)
    {
      LwLineSeries *s = g_ptr_array_index (self->series, i);
      guint stride = MAX (1, s->points->len / 2000);

      for (guint k = 0; k < s->points->len; k += stride)
        {
          const LwLinePoint *p = &g_array_index (s->points, LwLinePoint, k);

          /* points outside a fixed x range are not drawn */
          if (point_drawable (p, L->log_y) && p->x >= L->x_lo && p->x <= L->x_hi)
            g_array_append_val (sample, *p);
        }
      if (series_in_legend (s))
        g_ptr_array_add (names, s->name);
    }
  _lw_plot_place_legend (L, text, names, sample, order, 4);
}

gboolean
_lw_line_plot_compute_layout (LwLinePlot   *self,
                              PangoContext *pctx,
                              int           width,
                              int           height,
                              LwPlotLayout *L)
{
  g_autoptr (PangoLayout) text = pango_layout_new (pctx);
  double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
  gboolean fixed = isfinite (self->fixed_lo) && isfinite (self->fixed_hi);
  guint target;

  _lw_plot_layout_init (L, text, width, height);
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

  /* y ticks first: the width of their labels sets the left margin */
  target = (guint) CLAMP ((height - 3 * L->line_h) / 40, 3, 10);
  if (!_lw_plot_axis_ticks (ymin, ymax, L->log_y, target, TRUE, &L->yt))
    return FALSE;
  L->y_lo = L->yt.lo;
  L->y_hi = L->yt.hi;
  if (!_lw_plot_layout_frame (L, text, self->x_label != NULL, self->y_label != NULL))
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
draw_series (LwLinePlot         *self,
             cairo_t            *cr,
             const LwPlotLayout *L,
             const LwLineSeries *s)
{
  gboolean pen_down = FALSE, markers;
  Column c = { 0 };

  if (s->n_drawable == 0)
    return;
  _lw_plot_set_colour (cr, &s->colour, 1);
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
      px = _lw_plot_map_x (L, p->x);
      py = _lw_plot_map_y (L, p->y);
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
             (_lw_plot_map_x (L, s->x_max) - _lw_plot_map_x (L, s->x_min)) / (s->n_drawable - 1) >=
               MARKER_SPACING);
  if (!markers)
    return;
  for (guint k = 0; k < s->points->len; k++)
    {
      const LwLinePoint *p = &g_array_index (s->points, LwLinePoint, k);

      if (!point_drawable (p, L->log_y))
        continue;
      cairo_new_sub_path (cr);
      cairo_arc (cr, _lw_plot_map_x (L, p->x), _lw_plot_map_y (L, p->y), MARKER_RADIUS, 0,
                 2 * G_PI);
    }
  cairo_fill (cr);
}

static void
draw_legend (LwLinePlot         *self,
             cairo_t            *cr,
             PangoLayout        *text,
             const LwPlotLayout *L,
             const LwPlotStyle  *st)
{
  guint row = 0;

  if (L->lw <= 0)
    return;
  _lw_plot_draw_legend_box (cr, L, st);
  for (guint i = 0; i < self->series->len; i++)
    {
      LwLineSeries *s = g_ptr_array_index (self->series, i);

      if (series_in_legend (s))
        _lw_plot_draw_legend_row (cr, text, L, st, row++, &s->colour, 2.5, 0, s->name);
    }
}

void
_lw_line_plot_draw (LwLinePlot         *self,
                    cairo_t            *cr,
                    PangoContext       *pctx,
                    const LwPlotLayout *L,
                    const LwPlotStyle  *st)
{
  g_autoptr (PangoLayout) text = pango_layout_new (pctx);

  if (!L->valid)
    {
      _lw_plot_draw_placeholder (cr, text, L, st, self->placeholder);
      return;
    }
  /* a fixed x range has its ticks inside it (no grid line outside the plot area) */
  _lw_plot_draw_axes (cr, text, L, st, self->x_label, self->y_label);
  cairo_save (cr);
  cairo_rectangle (cr, L->ax, L->ay - LINE_WIDTH, L->aw + LINE_WIDTH, L->ah + 2 * LINE_WIDTH);
  cairo_clip (cr);
  for (guint i = 0; i < self->series->len; i++)
    draw_series (self, cr, L, g_ptr_array_index (self->series, i));
  cairo_restore (cr);
  draw_legend (self, cr, text, L, st);
}
