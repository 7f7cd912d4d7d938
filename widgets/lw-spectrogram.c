/* lw-spectrogram.c — spectrogram: a frames × rows dB tensor as an inferno image over time
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The colours are computed once per data set into an image (one pixel per frame and row);
 * it is scaled with nearest-neighbour filtering while a frame is at least a pixel wide, so
 * bins stay crisp cells rather than blurring into their neighbours. The image and the labels are cached in a render node dropped on size, style,
 * data or view change, and the cursor is drawn on top each frame.
 */
#define G_LOG_DOMAIN "lw-spectrogram"

#include <glib/gi18n.h>
#include <math.h>

#include "lw-audio-widget-private.h"
#include "lw-colormap.h"
#include "lw-error.h"
#include "lw-spectrogram.h"
#include "lw-ticks.h"

#define MAX_COLUMNS 8192   /* bounds the image's memory and every redraw's cost */

struct _LwSpectrogram
{
  GtkWidget      parent_instance;

  cairo_surface_t *image;       /* columns × rows, RGB24; NULL: no data */
  guint          n_frames, n_rows;
  double         seconds_per_frame;
  double         f_min, f_max;
  LwFreqScale    scale;

  double         view_start, view_end, cursor;
  GskRenderNode *static_node;   /* image and labels */
};

G_DEFINE_FINAL_TYPE (LwSpectrogram, lw_spectrogram, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_VIEW_START,
  PROP_VIEW_END,
  PROP_CURSOR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_SEEK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
same_double (double a,
             double b)
{
  return a == b || (isnan (a) && isnan (b));
}

static double
duration (LwSpectrogram *self)
{
  return self->image ? self->n_frames * self->seconds_per_frame : 0.0;
}

static gboolean
view_valid (LwSpectrogram *self)
{
  return isfinite (self->view_start) && isfinite (self->view_end) &&
         self->view_start < self->view_end;
}

static void
invalidate (LwSpectrogram *self)
{
  g_clear_pointer (&self->static_node, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
draw_image (LwSpectrogram *self,
            cairo_t       *cr,
            int            height)
{
  double x0 = lw_spectrogram_time_to_x (self, 0);
  double x1 = lw_spectrogram_time_to_x (self, duration (self));
  int cols = cairo_image_surface_get_width (self->image);
  double sx = (x1 - x0) / cols;

  cairo_save (cr);
  cairo_translate (cr, x0, 0);
  cairo_scale (cr, sx, (double) height / self->n_rows);
  cairo_set_source_surface (cr, self->image, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), sx >= 1 ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD);
  cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  cairo_rectangle (cr, 0, 0, cols, self->n_rows);
  cairo_fill (cr);
  cairo_restore (cr);
}

/* Position of hz on the frequency axis, 0 at f_min and 1 at f_max */
static double
axis_position (LwSpectrogram *self,
               double         hz)
{
  switch (self->scale)
    {
    case LW_FREQ_LOG:
      return log (hz / self->f_min) / log (self->f_max / self->f_min);
    case LW_FREQ_MEL:
      return (lw_hz_to_mel (hz) - lw_hz_to_mel (self->f_min)) /
             (lw_hz_to_mel (self->f_max) - lw_hz_to_mel (self->f_min));
    case LW_FREQ_LINEAR:
    default:
      return (hz - self->f_min) / (self->f_max - self->f_min);
    }
}

static void
draw_labels (LwSpectrogram *self,
             cairo_t       *cr,
             int            height)
{
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  int line_h = _lw_audio_line_height (GTK_WIDGET (self));
  double last_y = INFINITY;
  LwTicks ticks;
  gboolean ok;

  if (self->scale == LW_FREQ_LINEAR)
    ok = lw_ticks_linear (self->f_min, self->f_max, CLAMP (height / (2 * line_h), 2, 16), FALSE, &ticks);
  else
    ok = lw_ticks_log (self->f_min, self->f_max, &ticks);
  if (!ok)
    return;

  /* bottom up, skipping labels that would overlap the one below */
  for (guint i = 0; i < ticks.n; i++)
    {
      double hz = ticks.values[i];
      double y = lw_spectrogram_freq_to_y (self, hz);
      g_autofree char *text = NULL;
      int tw, th;

      if (hz < self->f_min || hz > self->f_max || !isfinite (y) || y > last_y - 1.3 * line_h ||
          y < line_h / 2.0 || y > height - line_h / 2.0)
        continue;
      last_y = y;
      text = _lw_audio_format_hz (hz);
      pango_layout_set_text (layout, text, -1);
      pango_layout_get_pixel_size (layout, &tw, &th);
      /* light text on a dark plate reads on every part of the colour map */
      cairo_set_source_rgba (cr, 0, 0, 0, 0.55);
      cairo_rectangle (cr, 0, y - th / 2.0, LW_AUDIO_TICK_LEN + 2 + tw + 2, th);
      cairo_fill (cr);
      cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
      cairo_rectangle (cr, 0, floor (y), LW_AUDIO_TICK_LEN, 1);
      cairo_fill (cr);
      _lw_audio_draw_text (cr, layout, text, LW_AUDIO_TICK_LEN + 2, y - th / 2.0, 0.0);
    }
}

static void
on_click_cb (GtkGestureClick *click,
             int              n_press,
             double           x,
             double           y,
             LwSpectrogram   *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  double t;

  if (!view_valid (self) || width <= 0 || self->image == NULL)
    return;
  t = self->view_start + x / width * (self->view_end - self->view_start);
  t = CLAMP (t, 0, duration (self));
  lw_spectrogram_set_cursor (self, t);
  g_signal_emit (self, signals[SIGNAL_SEEK], 0, t);
}

static void
lw_spectrogram_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  LwSpectrogram *self = LW_SPECTROGRAM (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  LwAudioStyle st;

  if (width <= 0 || height <= 0 || self->image == NULL || !view_valid (self))
    return;
  if (self->static_node == NULL)
    {
      GtkSnapshot *sub = gtk_snapshot_new ();
      cairo_t *cr = gtk_snapshot_append_cairo (sub, &GRAPHENE_RECT_INIT (0, 0, width, height));

      draw_image (self, cr, height);
      draw_labels (self, cr, height);
      cairo_destroy (cr);
      self->static_node = gtk_snapshot_free_to_node (sub);
    }
  if (self->static_node != NULL)
    gtk_snapshot_append_node (snapshot, self->static_node);

  if (isfinite (self->cursor))
    {
      double x = floor (lw_spectrogram_time_to_x (self, self->cursor));

      /* the accent, not the text colour: dark text would vanish on the dark end of the map */
      _lw_audio_style_lookup (widget, &st);
      if (x >= 0 && x < width)
        gtk_snapshot_append_color (snapshot, &st.accent, &GRAPHENE_RECT_INIT (x, 0, 1, height));
    }
}

static void
lw_spectrogram_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  g_clear_pointer (&LW_SPECTROGRAM (widget)->static_node, gsk_render_node_unref);
}

static void
lw_spectrogram_css_changed (GtkWidget         *widget,
                            GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (lw_spectrogram_parent_class)->css_changed (widget, change);
  invalidate (LW_SPECTROGRAM (widget));
}

static void
lw_spectrogram_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 100 : 60;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 600 : 200;
}

static void
lw_spectrogram_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  LwSpectrogram *self = LW_SPECTROGRAM (object);

  switch (prop_id)
    {
    case PROP_VIEW_START:
      g_value_set_double (value, self->view_start);
      break;
    case PROP_VIEW_END:
      g_value_set_double (value, self->view_end);
      break;
    case PROP_CURSOR:
      g_value_set_double (value, self->cursor);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lw_spectrogram_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  LwSpectrogram *self = LW_SPECTROGRAM (object);

  switch (prop_id)
    {
    case PROP_VIEW_START:
      lw_spectrogram_set_view (self, g_value_get_double (value), self->view_end);
      break;
    case PROP_VIEW_END:
      lw_spectrogram_set_view (self, self->view_start, g_value_get_double (value));
      break;
    case PROP_CURSOR:
      lw_spectrogram_set_cursor (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lw_spectrogram_dispose (GObject *object)
{
  LwSpectrogram *self = LW_SPECTROGRAM (object);

  g_clear_pointer (&self->static_node, gsk_render_node_unref);
  g_clear_pointer (&self->image, cairo_surface_destroy);
  G_OBJECT_CLASS (lw_spectrogram_parent_class)->dispose (object);
}

static void
lw_spectrogram_class_init (LwSpectrogramClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = lw_spectrogram_get_property;
  object_class->set_property = lw_spectrogram_set_property;
  object_class->dispose = lw_spectrogram_dispose;
  widget_class->snapshot = lw_spectrogram_snapshot;
  widget_class->size_allocate = lw_spectrogram_size_allocate;
  widget_class->css_changed = lw_spectrogram_css_changed;
  widget_class->measure = lw_spectrogram_measure;

  /* NaN cannot be a GParamSpecDouble default: the cursor starts at NaN regardless */
  properties[PROP_VIEW_START] =
    g_param_spec_double ("view-start", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_VIEW_END] =
    g_param_spec_double ("view-end", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_CURSOR] =
    g_param_spec_double ("cursor", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LwSpectrogram::seek:
   * @seconds: the clicked time, within the data
   */
  signals[SIGNAL_SEEK] =
    g_signal_new ("seek", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_DOUBLE);

  gtk_widget_class_set_css_name (widget_class, "spectrogram");
}

static void
lw_spectrogram_init (LwSpectrogram *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  self->cursor = NAN;
  g_signal_connect (click, "pressed", G_CALLBACK (on_click_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

/**
 * lw_spectrogram_new:
 *
 * Returns: (transfer floating): an empty spectrogram
 */
GtkWidget *
lw_spectrogram_new (void)
{
  return g_object_new (LW_TYPE_SPECTROGRAM, NULL);
}

/**
 * lw_spectrogram_set_db:
 * @db: (nullable): frames × rows of dB values, row 0 the lowest frequency
 *
 * Returns: FALSE (old image kept) when the data or parameters are not usable
 */
gboolean
lw_spectrogram_set_db (LwSpectrogram  *self,
                       const LwTensor *db,
                       double          seconds_per_frame,
                       double          f_min,
                       double          f_max,
                       LwFreqScale     scale,
                       double          db_floor,
                       double          db_ceiling,
                       GError        **error)
{
  guint frames, rows, cols;
  int stride;
  guint8 *px;
  cairo_surface_t *image;
  double old = duration (self);

  g_return_val_if_fail (LW_IS_SPECTROGRAM (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (db == NULL)
    {
      g_clear_pointer (&self->image, cairo_surface_destroy);
      invalidate (self);
      return TRUE;
    }
  if (db->ndim != 2 || db->shape[0] < 1 || db->shape[1] < 1 || db->shape[0] > G_MAXINT32 ||
      db->shape[1] > 16384)
    {
      g_autofree char *shape = lw_tensor_shape_string (db);
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE,
                   _("Spectrogram: expected frames × rows (at most 16384 rows), got %s"), shape);
      return FALSE;
    }
  if (!(seconds_per_frame > 0) || !isfinite (seconds_per_frame) || !(f_min < f_max) ||
      !isfinite (f_min) || !isfinite (f_max) || (scale == LW_FREQ_LOG && !(f_min > 0)) ||
      (scale == LW_FREQ_MEL && !(f_min >= 0)) || !(db_floor < db_ceiling) || scale > LW_FREQ_MEL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   _("Spectrogram: invalid axes (%g s per frame, %g to %g Hz, %g to %g dB)"),
                   seconds_per_frame, f_min, f_max, db_floor, db_ceiling);
      return FALSE;
    }

  frames = (guint) db->shape[0];
  rows = (guint) db->shape[1];
  cols = MIN (frames, MAX_COLUMNS);
  image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) cols, (int) rows);
  if (cairo_surface_status (image) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (image);
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   _("Spectrogram: cannot make a %u × %u image"), cols, rows);
      return FALSE;
    }
  cairo_surface_flush (image);
  stride = cairo_image_surface_get_stride (image);
  px = cairo_image_surface_get_data (image);
  for (guint c = 0; c < cols; c++)
    {
      /* frames [f0, f1) merge into column c by their maximum, so short events stay visible */
      guint f0 = (guint) ((guint64) c * frames / cols);
      guint f1 = (guint) ((guint64) (c + 1) * frames / cols);

      for (guint r = 0; r < rows; r++)
        {
          float v = -INFINITY;
          guint8 rgb[3];

          for (guint f = f0; f < f1; f++)
            v = MAX (v, db->data[(gsize) f * rows + r]);
          lw_colormap_lookup (LW_COLORMAP_INFERNO, (v - db_floor) / (db_ceiling - db_floor), rgb);
          /* RGB24 is a native-endian 0x00RRGGBB word */
          ((guint32 *) (px + (gsize) (rows - 1 - r) * stride))[c] =
            (guint32) rgb[0] << 16 | (guint32) rgb[1] << 8 | rgb[2];
        }
    }
  cairo_surface_mark_dirty (image);
  g_clear_pointer (&self->image, cairo_surface_destroy);
  self->image = image;
  self->n_frames = frames;
  self->n_rows = rows;
  self->seconds_per_frame = seconds_per_frame;
  self->f_min = f_min;
  self->f_max = f_max;
  self->scale = scale;
  invalidate (self);
  if (old != duration (self))
    lw_spectrogram_set_view (self, 0, duration (self));
  return TRUE;
}

double
lw_spectrogram_get_duration (LwSpectrogram *self)
{
  g_return_val_if_fail (LW_IS_SPECTROGRAM (self), 0);
  return duration (self);
}

/**
 * lw_spectrogram_set_view:
 * @start: seconds at the left edge
 * @end: seconds at the right edge
 */
void
lw_spectrogram_set_view (LwSpectrogram *self,
                         double         start,
                         double         end)
{
  gboolean s, e;

  g_return_if_fail (LW_IS_SPECTROGRAM (self));

  s = !same_double (self->view_start, start);
  e = !same_double (self->view_end, end);
  if (!s && !e)
    return;
  self->view_start = start;
  self->view_end = end;
  invalidate (self);
  if (s)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW_START]);
  if (e)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW_END]);
}

double
lw_spectrogram_get_view_start (LwSpectrogram *self)
{
  g_return_val_if_fail (LW_IS_SPECTROGRAM (self), 0);
  return self->view_start;
}

double
lw_spectrogram_get_view_end (LwSpectrogram *self)
{
  g_return_val_if_fail (LW_IS_SPECTROGRAM (self), 0);
  return self->view_end;
}

/**
 * lw_spectrogram_set_cursor:
 * @seconds: the cursor's time; NaN hides it
 */
void
lw_spectrogram_set_cursor (LwSpectrogram *self,
                           double         seconds)
{
  g_return_if_fail (LW_IS_SPECTROGRAM (self));

  if (same_double (self->cursor, seconds))
    return;
  self->cursor = seconds;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURSOR]);
}

double
lw_spectrogram_get_cursor (LwSpectrogram *self)
{
  g_return_val_if_fail (LW_IS_SPECTROGRAM (self), NAN);
  return self->cursor;
}

double
lw_spectrogram_time_to_x (LwSpectrogram *self,
                          double         seconds)
{
  int width;

  g_return_val_if_fail (LW_IS_SPECTROGRAM (self), NAN);

  width = gtk_widget_get_width (GTK_WIDGET (self));
  if (!view_valid (self) || width <= 0)
    return NAN;
  return (seconds - self->view_start) / (self->view_end - self->view_start) * width;
}

double
lw_spectrogram_row_to_y (LwSpectrogram *self,
                         double         row)
{
  int height;

  g_return_val_if_fail (LW_IS_SPECTROGRAM (self), NAN);

  height = gtk_widget_get_height (GTK_WIDGET (self));
  if (self->image == NULL || height <= 0)
    return NAN;
  return height * (self->n_rows - 0.5 - row) / self->n_rows;
}

double
lw_spectrogram_freq_to_y (LwSpectrogram *self,
                          double         hz)
{
  g_return_val_if_fail (LW_IS_SPECTROGRAM (self), NAN);

  if (self->image == NULL)
    return NAN;
  return lw_spectrogram_row_to_y (self, axis_position (self, hz) * (self->n_rows - 1));
}
