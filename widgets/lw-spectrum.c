/* lw-spectrum.c — live spectrum analyser: the newest dB frame with decaying peak hold
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Axes and grid depend only on size, style and sample rate: they are a cached render node.
 * The trace and the peaks change every frame and are drawn on top. A tick callback runs while
 * there is something to animate: a frame pushed since the last tick, or a peak above the
 * current level; it removes itself otherwise, so an idle analyser costs nothing.
 */
#define G_LOG_DOMAIN "lw-spectrum"

#include <math.h>

#include "lw-audio-widget-private.h"
#include "lw-spectrum.h"
#include "lw-ticks.h"

#define PEAK_HOLD_S     0.5
#define DEFAULT_DECAY   60.0

struct _LwSpectrum
{
  GtkWidget      parent_instance;

  float         *db;            /* n_bins; NULL: nothing pushed */
  float         *peak;
  double        *peak_age;      /* seconds since each peak was set */
  guint          n_bins;
  double         rate;
  double         decay;

  guint          tick_id;
  gint64         last_frame_us;
  guint          fresh : 1;

  GskRenderNode *static_node;   /* axes and grid */
  double         ax, ay, aw, ah;
};

G_DEFINE_FINAL_TYPE (LwSpectrum, lw_spectrum, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PEAK_DECAY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static double
max_hz (LwSpectrum *self)
{
  return self->rate > 0 ? self->rate / 2 : 24000.0;
}

static void
compute_layout (LwSpectrum *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), "−100");
  int tw, th;

  pango_layout_get_pixel_size (layout, &tw, &th);
  g_object_unref (layout);
  self->ax = LW_AUDIO_PAD + tw + LW_AUDIO_TICK_LEN + 2;
  self->ay = LW_AUDIO_PAD + th / 2.0;
  self->aw = MAX (width - self->ax - LW_AUDIO_PAD - 8, 0);
  self->ah = MAX (height - self->ay - LW_AUDIO_TICK_LEN - 2 - th - LW_AUDIO_PAD, 0);
}

static double
map_x (LwSpectrum *self,
       double      hz)
{
  return self->ax + log (hz / LW_SPECTRUM_MIN_HZ) / log (max_hz (self) / LW_SPECTRUM_MIN_HZ) * self->aw;
}

static double
map_y (LwSpectrum *self,
       double      db)
{
  db = CLAMP (db, LW_SPECTRUM_MIN_DB, LW_SPECTRUM_MAX_DB);
  return self->ay + (LW_SPECTRUM_MAX_DB - db) / (LW_SPECTRUM_MAX_DB - LW_SPECTRUM_MIN_DB) * self->ah;
}

static void
draw_axes (LwSpectrum *self,
           cairo_t    *cr)
{
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  LwAudioStyle st;
  GdkRGBA faint;
  LwTicks ticks;
  double last_x = -INFINITY;

  _lw_audio_style_lookup (GTK_WIDGET (self), &st);
  faint = _lw_audio_with_alpha (&st.fg, 0.15f);

  if (lw_ticks_linear (LW_SPECTRUM_MIN_DB, LW_SPECTRUM_MAX_DB, 6, FALSE, &ticks))
    for (guint i = 0; i < ticks.n; i++)
      {
        double y = floor (map_y (self, ticks.values[i]));
        g_autofree char *text = lw_ticks_format (&ticks, ticks.values[i]);
        int tw, th;

        gdk_cairo_set_source_rgba (cr, &faint);
        cairo_rectangle (cr, self->ax - LW_AUDIO_TICK_LEN, y, self->aw + LW_AUDIO_TICK_LEN, 1);
        cairo_fill (cr);
        pango_layout_set_text (layout, text, -1);
        pango_layout_get_pixel_size (layout, &tw, &th);
        gdk_cairo_set_source_rgba (cr, &st.fg);
        _lw_audio_draw_text (cr, layout, text, self->ax - LW_AUDIO_TICK_LEN - 2, y - th / 2.0, 1.0);
      }

  if (lw_ticks_log (LW_SPECTRUM_MIN_HZ, max_hz (self), &ticks))
    for (guint i = 0; i < ticks.n; i++)
      {
        double hz = ticks.values[i];
        double x;
        double mant = hz / pow (10, floor (log10 (hz) + 1e-9));

        if (hz < LW_SPECTRUM_MIN_HZ || hz > max_hz (self))
          continue;
        x = floor (map_x (self, hz));
        gdk_cairo_set_source_rgba (cr, &faint);
        cairo_rectangle (cr, x, self->ay, 1, self->ah + LW_AUDIO_TICK_LEN);
        cairo_fill (cr);
        /* label decades always, 2 and 5 when there is room */
        if (fabs (mant - 1) < 1e-6 || x - last_x > 40)
          {
            g_autofree char *text = _lw_audio_format_hz (hz);

            gdk_cairo_set_source_rgba (cr, &st.fg);
            _lw_audio_draw_text (cr, layout, text, x, self->ay + self->ah + LW_AUDIO_TICK_LEN + 2, 0.5);
            last_x = x;
          }
      }
}

/* Polyline of `v` over the bins, each pixel column taking its bins' maximum */
static void
trace_path (LwSpectrum  *self,
            cairo_t     *cr,
            const float *v,
            gboolean     close_to_floor)
{
  double bin_hz = self->rate / (2.0 * (self->n_bins - 1));
  gboolean started = FALSE;
  double col = NAN, col_max = -INFINITY, first_x = NAN, last_x = NAN;

  for (guint k = 1; k <= self->n_bins; k++)
    {
      double x = k < self->n_bins ? floor (map_x (self, k * bin_hz)) : NAN;

      if (k < self->n_bins && k * bin_hz < LW_SPECTRUM_MIN_HZ)
        continue;
      if (x != col || k == self->n_bins)
        {
          if (isfinite (col))
            {
              double y = map_y (self, col_max);

              if (!started)
                {
                  if (close_to_floor)
                    {
                      cairo_move_to (cr, col + 0.5, map_y (self, LW_SPECTRUM_MIN_DB));
                      cairo_line_to (cr, col + 0.5, y);
                    }
                  else
                    cairo_move_to (cr, col + 0.5, y);
                  first_x = col + 0.5;
                  started = TRUE;
                }
              else
                cairo_line_to (cr, col + 0.5, y);
              last_x = col + 0.5;
            }
          col = x;
          col_max = -INFINITY;
        }
      if (k < self->n_bins)
        col_max = MAX (col_max, v[k]);
    }
  if (started && close_to_floor)
    {
      cairo_line_to (cr, last_x, map_y (self, LW_SPECTRUM_MIN_DB));
      cairo_line_to (cr, first_x, map_y (self, LW_SPECTRUM_MIN_DB));
      cairo_close_path (cr);
    }
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  LwSpectrum *self = LW_SPECTRUM (widget);
  gint64 now = gdk_frame_clock_get_frame_time (clock);
  double dt = self->last_frame_us > 0 ? (now - self->last_frame_us) / 1e6 : 0.0;
  gboolean falling = FALSE;

  self->last_frame_us = now;
  for (guint k = 0; self->db != NULL && k < self->n_bins; k++)
    {
      self->peak_age[k] += dt;
      if (self->peak_age[k] > PEAK_HOLD_S)
        self->peak[k] = MAX (self->db[k], self->peak[k] - (float) (self->decay * dt));
      /* below the axis a fall is invisible */
      if (self->peak[k] > self->db[k] && self->peak[k] > LW_SPECTRUM_MIN_DB)
        falling = TRUE;
    }
  gtk_widget_queue_draw (widget);
  if (!self->fresh && !falling)
    {
      self->tick_id = 0;
      self->last_frame_us = 0;
      return G_SOURCE_REMOVE;
    }
  self->fresh = FALSE;
  return G_SOURCE_CONTINUE;
}

static void
lw_spectrum_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  LwSpectrum *self = LW_SPECTRUM (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, width, height);
  LwAudioStyle st;
  GdkRGBA fill;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;
  if (self->static_node == NULL)
    {
      GtkSnapshot *sub = gtk_snapshot_new ();

      compute_layout (self);
      cr = gtk_snapshot_append_cairo (sub, &bounds);
      draw_axes (self, cr);
      cairo_destroy (cr);
      self->static_node = gtk_snapshot_free_to_node (sub);
    }
  if (self->static_node != NULL)
    gtk_snapshot_append_node (snapshot, self->static_node);
  if (self->db == NULL || self->aw <= 0 || self->ah <= 0)
    return;

  _lw_audio_style_lookup (widget, &st);
  fill = _lw_audio_with_alpha (&st.accent, 0.3f);
  cr = gtk_snapshot_append_cairo (snapshot, &bounds);
  cairo_rectangle (cr, self->ax, self->ay - 1, self->aw + 1, self->ah + 2);
  cairo_clip (cr);
  trace_path (self, cr, self->db, TRUE);
  gdk_cairo_set_source_rgba (cr, &fill);
  cairo_fill_preserve (cr);
  gdk_cairo_set_source_rgba (cr, &st.accent);
  cairo_set_line_width (cr, 1.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke (cr);
  trace_path (self, cr, self->peak, FALSE);
  gdk_cairo_set_source_rgba (cr, &st.second);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);
  cairo_destroy (cr);
}

static void
lw_spectrum_size_allocate (GtkWidget *widget,
                           int        width,
                           int        height,
                           int        baseline)
{
  LwSpectrum *self = LW_SPECTRUM (widget);

  g_clear_pointer (&self->static_node, gsk_render_node_unref);
  compute_layout (self);
}

static void
lw_spectrum_css_changed (GtkWidget         *widget,
                         GtkCssStyleChange *change)
{
  LwSpectrum *self = LW_SPECTRUM (widget);

  GTK_WIDGET_CLASS (lw_spectrum_parent_class)->css_changed (widget, change);
  g_clear_pointer (&self->static_node, gsk_render_node_unref);
  gtk_widget_queue_draw (widget);
}

static void
lw_spectrum_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 160 : 100;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 400 : 200;
}

static void
lw_spectrum_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_PEAK_DECAY:
      g_value_set_double (value, LW_SPECTRUM (object)->decay);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lw_spectrum_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_PEAK_DECAY:
      lw_spectrum_set_peak_decay (LW_SPECTRUM (object), g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lw_spectrum_dispose (GObject *object)
{
  LwSpectrum *self = LW_SPECTRUM (object);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  g_clear_pointer (&self->static_node, gsk_render_node_unref);
  G_OBJECT_CLASS (lw_spectrum_parent_class)->dispose (object);
}

static void
lw_spectrum_finalize (GObject *object)
{
  LwSpectrum *self = LW_SPECTRUM (object);

  g_free (self->db);
  g_free (self->peak);
  g_free (self->peak_age);
  G_OBJECT_CLASS (lw_spectrum_parent_class)->finalize (object);
}

static void
lw_spectrum_class_init (LwSpectrumClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = lw_spectrum_get_property;
  object_class->set_property = lw_spectrum_set_property;
  object_class->dispose = lw_spectrum_dispose;
  object_class->finalize = lw_spectrum_finalize;
  widget_class->snapshot = lw_spectrum_snapshot;
  widget_class->size_allocate = lw_spectrum_size_allocate;
  widget_class->css_changed = lw_spectrum_css_changed;
  widget_class->measure = lw_spectrum_measure;

  properties[PROP_PEAK_DECAY] =
    g_param_spec_double ("peak-decay", NULL, NULL, 0.1, 10000, DEFAULT_DECAY,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "spectrum");
}

static void
lw_spectrum_init (LwSpectrum *self)
{
  self->decay = DEFAULT_DECAY;
}

/**
 * lw_spectrum_new:
 *
 * Returns: (transfer floating): an analyser showing only its axes
 */
GtkWidget *
lw_spectrum_new (void)
{
  return g_object_new (LW_TYPE_SPECTRUM, NULL);
}

/**
 * lw_spectrum_push:
 * @db: (array length=n_bins): one frame's levels in dB, bin 0 at 0 Hz
 * @n_bins: bins in the frame, n_fft/2 + 1
 * @sample_rate: Hz of the analysed signal
 *
 * Stores the newest frame; it is drawn on the next frame-clock tick.
 */
void
lw_spectrum_push (LwSpectrum  *self,
                  const float *db,
                  guint        n_bins,
                  double       sample_rate)
{
  g_return_if_fail (LW_IS_SPECTRUM (self));
  g_return_if_fail (db != NULL);
  g_return_if_fail (n_bins >= 2);
  g_return_if_fail (sample_rate > 0);

  if (self->db == NULL || n_bins != self->n_bins || sample_rate != self->rate)
    {
      if (sample_rate != self->rate)
        g_clear_pointer (&self->static_node, gsk_render_node_unref);
      g_free (self->db);
      g_free (self->peak);
      g_free (self->peak_age);
      self->db = g_memdup2 (db, n_bins * sizeof (float));
      self->peak = g_memdup2 (db, n_bins * sizeof (float));
      self->peak_age = g_new0 (double, n_bins);
      self->n_bins = n_bins;
      self->rate = sample_rate;
    }
  else
    for (guint k = 0; k < n_bins; k++)
      {
        self->db[k] = db[k];
        if (db[k] >= self->peak[k])
          {
            self->peak[k] = db[k];
            self->peak_age[k] = 0;
          }
      }
  self->fresh = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
}

void
lw_spectrum_clear (LwSpectrum *self)
{
  g_return_if_fail (LW_IS_SPECTRUM (self));

  g_clear_pointer (&self->db, g_free);
  g_clear_pointer (&self->peak, g_free);
  g_clear_pointer (&self->peak_age, g_free);
  self->n_bins = 0;
  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
      self->last_frame_us = 0;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lw_spectrum_set_peak_decay (LwSpectrum *self,
                            double      db_per_second)
{
  g_return_if_fail (LW_IS_SPECTRUM (self));
  g_return_if_fail (db_per_second > 0);

  if (self->decay == db_per_second)
    return;
  self->decay = db_per_second;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEAK_DECAY]);
}

double
lw_spectrum_get_peak_decay (LwSpectrum *self)
{
  g_return_val_if_fail (LW_IS_SPECTRUM (self), DEFAULT_DECAY);
  return self->decay;
}

gboolean
lw_spectrum_is_animating (LwSpectrum *self)
{
  g_return_val_if_fail (LW_IS_SPECTRUM (self), FALSE);
  return self->tick_id != 0;
}

gboolean
lw_spectrum_map (LwSpectrum *self,
                 double      hz,
                 double      db,
                 double     *x,
                 double     *y)
{
  g_return_val_if_fail (LW_IS_SPECTRUM (self), FALSE);

  if (gtk_widget_get_width (GTK_WIDGET (self)) <= 0 || !(hz > 0))
    return FALSE;
  compute_layout (self);
  if (x)
    *x = map_x (self, hz);
  if (y)
    *y = map_y (self, db);
  return TRUE;
}
