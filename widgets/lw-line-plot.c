/* lw-line-plot.c — a small line plot for live curves (training loss, validation PSNR)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Appending a point only updates the series' running extremes and drops the cached render
 * node; GTK draws at most once per frame, so points arriving faster than the frame rate cost
 * one redraw per frame. The redraw lays the axes out from the running extremes (no pass over
 * the points) and strokes each series as a polyline decimated per pixel column.
 */
#define G_LOG_DOMAIN "lw-line-plot"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "lw-line-plot-private.h"

G_DEFINE_FINAL_TYPE (LwLinePlot, lw_line_plot, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LOG_Y,
  PROP_X_LABEL,
  PROP_Y_LABEL,
  PROP_PLACEHOLDER_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Helpers: data */

static void
series_free (gpointer data)
{
  LwLineSeries *s = data;

  g_free (s->name);
  g_array_unref (s->points);
  g_free (s);
}

static void
series_reset_range (LwLineSeries *s)
{
  s->x_min = s->y_min = s->y_min_pos = INFINITY;
  s->x_max = s->y_max = -INFINITY;
  s->n_drawable = 0;
}

static int
find_series (LwLinePlot *self,
             const char *name)
{
  for (guint i = 0; i < self->series->len; i++)
    if (g_strcmp0 (((LwLineSeries *) g_ptr_array_index (self->series, i))->name, name) == 0)
      return (int) i;
  return -1;
}

/* The first palette colour no series uses; with all in use, colours repeat */
static int
free_palette_colour (LwLinePlot *self)
{
  for (guint c = 0; c < N_SERIES_COLOURS; c++)
    {
      gboolean used = FALSE;

      for (guint k = 0; k < self->series->len && !used; k++)
        used = ((LwLineSeries *) g_ptr_array_index (self->series, k))->palette == (int) c;
      if (!used)
        return (int) c;
    }
  return (int) (self->series->len % N_SERIES_COLOURS);
}

static void
invalidate (LwLinePlot *self)
{
  _lw_plot_cache_invalidate (&self->cache, GTK_WIDGET (self));
}

static const LwPlotLayout *
ensure_layout (LwLinePlot *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  int width, height;

  if (_lw_plot_cache_needs_layout (&self->cache, widget, &width, &height))
    _lw_line_plot_compute_layout (self, gtk_widget_get_pango_context (widget), width, height,
                                  &self->cache.layout);
  return &self->cache.layout;
}

/* Overrides */

static void
lw_line_plot_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  LwLinePlot *self = LW_LINE_PLOT (widget);
  const LwPlotLayout *L = ensure_layout (self);

  if (L->width <= 0 || L->height <= 0)
    return;
  /* everything is one cached node: a new point redraws the whole plot anyway */
  if (self->cache.node == NULL)
    {
      GtkSnapshot *sub;
      LwPlotStyle st;
      cairo_t *cr = _lw_plot_cache_begin (&self->cache, &sub);

      _lw_plot_style_from_widget (widget, &st);
      _lw_line_plot_draw (self, cr, gtk_widget_get_pango_context (widget), L, &st);
      _lw_plot_cache_end (&self->cache, sub, cr);
    }
  if (self->cache.node != NULL)
    gtk_snapshot_append_node (snapshot, self->cache.node);
}

static void
lw_line_plot_size_allocate (GtkWidget *widget,
                            int        width,
                            int        height,
                            int        baseline)
{
  _lw_plot_cache_resize (&LW_LINE_PLOT (widget)->cache, width, height);
}

static void
lw_line_plot_css_changed (GtkWidget         *widget,
                          GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (lw_line_plot_parent_class)->css_changed (widget, change);
  /* colours or fonts may have changed (dark style, text scaling) */
  invalidate (LW_LINE_PLOT (widget));
}

static void
lw_line_plot_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  _lw_plot_measure (orientation, 200, 120, 400, 240, minimum, natural);
}

static void
lw_line_plot_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  LwLinePlot *self = LW_LINE_PLOT (object);

  switch (prop_id)
    {
    case PROP_LOG_Y:
      g_value_set_boolean (value, self->log_y);
      break;
    case PROP_X_LABEL:
      g_value_set_string (value, self->x_label);
      break;
    case PROP_Y_LABEL:
      g_value_set_string (value, self->y_label);
      break;
    case PROP_PLACEHOLDER_TEXT:
      g_value_set_string (value, self->placeholder);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lw_line_plot_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  LwLinePlot *self = LW_LINE_PLOT (object);

  switch (prop_id)
    {
    case PROP_LOG_Y:
      lw_line_plot_set_log_y (self, g_value_get_boolean (value));
      break;
    case PROP_X_LABEL:
      lw_line_plot_set_x_label (self, g_value_get_string (value));
      break;
    case PROP_Y_LABEL:
      lw_line_plot_set_y_label (self, g_value_get_string (value));
      break;
    case PROP_PLACEHOLDER_TEXT:
      lw_line_plot_set_placeholder_text (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lw_line_plot_dispose (GObject *object)
{
  LwLinePlot *self = LW_LINE_PLOT (object);

  g_clear_pointer (&self->cache.node, gsk_render_node_unref);
  G_OBJECT_CLASS (lw_line_plot_parent_class)->dispose (object);
}

static void
lw_line_plot_finalize (GObject *object)
{
  LwLinePlot *self = LW_LINE_PLOT (object);

  g_ptr_array_unref (self->series);
  g_free (self->x_label);
  g_free (self->y_label);
  g_free (self->placeholder);
  G_OBJECT_CLASS (lw_line_plot_parent_class)->finalize (object);
}

static void
lw_line_plot_class_init (LwLinePlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = lw_line_plot_get_property;
  object_class->set_property = lw_line_plot_set_property;
  object_class->dispose = lw_line_plot_dispose;
  object_class->finalize = lw_line_plot_finalize;
  widget_class->snapshot = lw_line_plot_snapshot;
  widget_class->size_allocate = lw_line_plot_size_allocate;
  widget_class->css_changed = lw_line_plot_css_changed;
  widget_class->measure = lw_line_plot_measure;

  properties[PROP_LOG_Y] =
    g_param_spec_boolean ("log-y", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_X_LABEL] =
    g_param_spec_string ("x-label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_Y_LABEL] =
    g_param_spec_string ("y-label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PLACEHOLDER_TEXT] =
    g_param_spec_string ("placeholder-text", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "lineplot");
}

static void
lw_line_plot_init (LwLinePlot *self)
{
  self->series = g_ptr_array_new_with_free_func (series_free);
  self->placeholder = g_strdup (_("No data yet"));
  self->fixed_lo = self->fixed_hi = NAN;
}

/* Public API */

GtkWidget *
lw_line_plot_new (void)
{
  return g_object_new (LW_TYPE_LINE_PLOT, NULL);
}

guint
lw_line_plot_add_series (LwLinePlot    *self,
                         const char    *name,
                         const GdkRGBA *colour)
{
  LwLineSeries *s;
  int i;

  g_return_val_if_fail (LW_IS_LINE_PLOT (self), 0);

  i = find_series (self, name);
  if (i >= 0)
    return (guint) i;
  s = g_new0 (LwLineSeries, 1);
  s->name = g_strdup (name);
  s->points = g_array_new (FALSE, FALSE, sizeof (LwLinePoint));
  series_reset_range (s);
  if (colour != NULL)
    {
      s->colour = *colour;
      s->palette = -1;
    }
  else
    {
      s->palette = free_palette_colour (self);
      s->colour = _lw_plot_palette[s->palette];
    }
  g_ptr_array_add (self->series, s);
  invalidate (self);
  return self->series->len - 1;
}

void
lw_line_plot_add_point (LwLinePlot *self,
                        const char *series,
                        double      x,
                        double      y)
{
  LwLinePoint p = { x, y };
  LwLineSeries *s;
  guint i;

  g_return_if_fail (LW_IS_LINE_PLOT (self));

  /* not in one expression: adding a series may move the array's storage */
  i = lw_line_plot_add_series (self, series, NULL);
  s = g_ptr_array_index (self->series, i);
  g_array_append_val (s->points, p);
  if (isfinite (x) && isfinite (y))
    {
      s->x_min = MIN (s->x_min, x);
      s->x_max = MAX (s->x_max, x);
      s->y_min = MIN (s->y_min, y);
      s->y_max = MAX (s->y_max, y);
      if (y > 0)
        s->y_min_pos = MIN (s->y_min_pos, y);
      s->n_drawable++;
    }
  invalidate (self);
}

void
lw_line_plot_clear_points (LwLinePlot *self)
{
  g_return_if_fail (LW_IS_LINE_PLOT (self));

  for (guint i = 0; i < self->series->len; i++)
    {
      LwLineSeries *s = g_ptr_array_index (self->series, i);

      g_array_set_size (s->points, 0);
      series_reset_range (s);
    }
  invalidate (self);
}

void
lw_line_plot_clear (LwLinePlot *self)
{
  g_return_if_fail (LW_IS_LINE_PLOT (self));

  g_ptr_array_set_size (self->series, 0);
  invalidate (self);
}

guint
lw_line_plot_get_n_series (LwLinePlot *self)
{
  g_return_val_if_fail (LW_IS_LINE_PLOT (self), 0);
  return self->series->len;
}

guint
lw_line_plot_get_n_points (LwLinePlot *self,
                           const char *series)
{
  int i;

  g_return_val_if_fail (LW_IS_LINE_PLOT (self), 0);
  i = find_series (self, series);
  return i < 0 ? 0 : ((LwLineSeries *) g_ptr_array_index (self->series, i))->points->len;
}

const GdkRGBA *
lw_line_plot_get_series_colour (LwLinePlot *self,
                                const char *series)
{
  int i;

  g_return_val_if_fail (LW_IS_LINE_PLOT (self), NULL);
  i = find_series (self, series);
  return i < 0 ? NULL : &((LwLineSeries *) g_ptr_array_index (self->series, i))->colour;
}

void
lw_line_plot_set_log_y (LwLinePlot *self,
                        gboolean    log_y)
{
  g_return_if_fail (LW_IS_LINE_PLOT (self));

  log_y = !!log_y;
  if (self->log_y == (guint) log_y)
    return;
  self->log_y = log_y;
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOG_Y]);
}

gboolean
lw_line_plot_get_log_y (LwLinePlot *self)
{
  g_return_val_if_fail (LW_IS_LINE_PLOT (self), FALSE);
  return self->log_y;
}

static void
set_string (LwLinePlot *self,
            char      **field,
            const char *value,
            GParamSpec *pspec)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

void
lw_line_plot_set_x_label (LwLinePlot *self,
                          const char *label)
{
  g_return_if_fail (LW_IS_LINE_PLOT (self));
  set_string (self, &self->x_label, label, properties[PROP_X_LABEL]);
}

const char *
lw_line_plot_get_x_label (LwLinePlot *self)
{
  g_return_val_if_fail (LW_IS_LINE_PLOT (self), NULL);
  return self->x_label;
}

void
lw_line_plot_set_y_label (LwLinePlot *self,
                          const char *label)
{
  g_return_if_fail (LW_IS_LINE_PLOT (self));
  set_string (self, &self->y_label, label, properties[PROP_Y_LABEL]);
}

const char *
lw_line_plot_get_y_label (LwLinePlot *self)
{
  g_return_val_if_fail (LW_IS_LINE_PLOT (self), NULL);
  return self->y_label;
}

void
lw_line_plot_set_placeholder_text (LwLinePlot *self,
                                   const char *text)
{
  g_return_if_fail (LW_IS_LINE_PLOT (self));
  set_string (self, &self->placeholder, text, properties[PROP_PLACEHOLDER_TEXT]);
}

void
lw_line_plot_set_x_range (LwLinePlot *self,
                          double      lo,
                          double      hi)
{
  g_return_if_fail (LW_IS_LINE_PLOT (self));

  if (!isfinite (lo) || !isfinite (hi) || !(hi > lo))
    lo = hi = NAN;
  if ((lo == self->fixed_lo || (isnan (lo) && isnan (self->fixed_lo))) &&
      (hi == self->fixed_hi || (isnan (hi) && isnan (self->fixed_hi))))
    return;
  self->fixed_lo = lo;
  self->fixed_hi = hi;
  invalidate (self);
}

gboolean
lw_line_plot_data_to_widget (LwLinePlot *self,
                             double      x,
                             double      y,
                             double     *wx,
                             double     *wy)
{
  const LwPlotLayout *L;

  g_return_val_if_fail (LW_IS_LINE_PLOT (self), FALSE);

  L = ensure_layout (self);
  if (!L->valid || !isfinite (x) || !isfinite (y) || (L->log_y && !(y > 0)))
    return FALSE;
  if (wx)
    *wx = _lw_plot_map_x (L, x);
  if (wy)
    *wy = _lw_plot_map_y (L, y);
  return TRUE;
}
