/* lw-level-meter.c — level meter: one horizontal dBFS bar per channel, peak hold, clip light
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Bars are plain colour nodes (cheap to rebuild each frame); only the scale labels are a
 * cached node. The hold marks fall on a tick callback that exists only while some mark is
 * above its channel's peak.
 */
#define G_LOG_DOMAIN "lw-level-meter"

#include <math.h>

#include "lw-audio-widget-private.h"
#include "lw-level-meter.h"

#define HOLD_S       1.0
#define FALL_DB_S    20.0
#define CLIP_W       10.0   /* clip light at the right end */
#define GAP          3.0
#define MAX_BAR_H    16.0
#define FLOOR_DB     -120.0

struct _LwLevelMeter
{
  GtkWidget      parent_instance;

  guint          n;
  double         rms_db[LW_LEVEL_METER_MAX_CHANNELS];
  double         peak_db[LW_LEVEL_METER_MAX_CHANNELS];
  double         hold_db[LW_LEVEL_METER_MAX_CHANNELS];
  double         hold_age[LW_LEVEL_METER_MAX_CHANNELS];
  gboolean       clip[LW_LEVEL_METER_MAX_CHANNELS];

  guint          tick_id;
  gint64         last_frame_us;
  GskRenderNode *scale_node;    /* labels; dropped on size/css change */
};

G_DEFINE_FINAL_TYPE (LwLevelMeter, lw_level_meter, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CLIPPED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static double
to_db (float amplitude)
{
  return amplitude > 0 ? MAX (20.0 * log10 (amplitude), FLOOR_DB) : FLOOR_DB;
}

static gboolean
any_clip (LwLevelMeter *self)
{
  for (guint c = 0; c < self->n; c++)
    if (self->clip[c])
      return TRUE;
  return FALSE;
}

/* Track: x from PAD to the clip light; bars stacked above one line of scale labels */
static void
track (LwLevelMeter *self,
       double       *x0,
       double       *x1)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));

  *x0 = LW_AUDIO_PAD;
  *x1 = MAX (width - LW_AUDIO_PAD - CLIP_W - GAP, *x0 + 1);
}

static gboolean
bar_rows (LwLevelMeter *self,
          guint         c,
          double       *y,
          double       *h)
{
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  double avail = height - 2 * LW_AUDIO_PAD - _lw_audio_line_height (GTK_WIDGET (self)) - GAP;
  double bh;

  if (c >= self->n)
    return FALSE;
  bh = floor (MIN ((avail - GAP * (self->n - 1)) / self->n, MAX_BAR_H));
  if (bh < 1)
    return FALSE;
  *y = LW_AUDIO_PAD + c * (bh + GAP);
  *h = bh;
  return TRUE;
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  LwLevelMeter *self = LW_LEVEL_METER (widget);
  gint64 now = gdk_frame_clock_get_frame_time (clock);
  double dt = self->last_frame_us > 0 ? (now - self->last_frame_us) / 1e6 : 0.0;
  gboolean falling = FALSE;

  self->last_frame_us = now;
  for (guint c = 0; c < self->n; c++)
    {
      self->hold_age[c] += dt;
      if (self->hold_age[c] > HOLD_S)
        self->hold_db[c] = MAX (self->peak_db[c], self->hold_db[c] - FALL_DB_S * dt);
      if (self->hold_db[c] > self->peak_db[c] && self->hold_db[c] > LW_LEVEL_METER_MIN_DB)
        falling = TRUE;
    }
  gtk_widget_queue_draw (widget);
  if (!falling)
    {
      self->tick_id = 0;
      self->last_frame_us = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
ensure_tick (LwLevelMeter *self)
{
  for (guint c = 0; c < self->n; c++)
    if (self->hold_db[c] > self->peak_db[c] && self->hold_db[c] > LW_LEVEL_METER_MIN_DB)
      {
        if (self->tick_id == 0)
          self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
        return;
      }
}

static void
draw_scale (LwLevelMeter *self,
            cairo_t      *cr,
            double        y)
{
  static const double marks[] = { -60, -40, -30, -20, -12, -6, -3, 0 };
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  LwAudioStyle st;
  double last_right = -INFINITY;

  _lw_audio_style_lookup (GTK_WIDGET (self), &st);
  gdk_cairo_set_source_rgba (cr, &st.fg);
  for (guint i = 0; i < G_N_ELEMENTS (marks); i++)
    {
      g_autofree char *text = g_strdup_printf ("%.0f", marks[i]);
      double x = lw_level_meter_db_to_x (self, marks[i]);
      int tw, th;

      pango_layout_set_text (layout, text, -1);
      pango_layout_get_pixel_size (layout, &tw, &th);
      /* the end labels stay inside the widget */
      x = CLAMP (x, tw / 2.0, gtk_widget_get_width (GTK_WIDGET (self)) - tw / 2.0);
      if (x - tw / 2.0 < last_right + 4)
        continue;
      _lw_audio_draw_text (cr, layout, text, x, y, 0.5);
      last_right = x + tw / 2.0;
    }
}

static void
lw_level_meter_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  LwLevelMeter *self = LW_LEVEL_METER (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  double x0, x1, y, h, last_bottom = LW_AUDIO_PAD;
  LwAudioStyle st;
  GdkRGBA track_c, peak_c;

  if (width <= 0 || height <= 0 || self->n == 0)
    return;
  _lw_audio_style_lookup (widget, &st);
  track_c = _lw_audio_with_alpha (&st.fg, 0.1f);
  peak_c = _lw_audio_with_alpha (&st.accent, 0.45f);
  track (self, &x0, &x1);

  for (guint c = 0; c < self->n; c++)
    {
      double xr, xp, xh;

      if (!bar_rows (self, c, &y, &h))
        continue;
      last_bottom = y + h;
      xr = round (lw_level_meter_db_to_x (self, self->rms_db[c]));
      xp = round (lw_level_meter_db_to_x (self, self->peak_db[c]));
      xh = round (lw_level_meter_db_to_x (self, self->hold_db[c]));
      gtk_snapshot_append_color (snapshot, &track_c, &GRAPHENE_RECT_INIT (x0, y, x1 - x0, h));
      if (xr > x0)
        gtk_snapshot_append_color (snapshot, &st.accent, &GRAPHENE_RECT_INIT (x0, y, xr - x0, h));
      if (xp > xr)
        gtk_snapshot_append_color (snapshot, &peak_c, &GRAPHENE_RECT_INIT (xr, y, xp - xr, h));
      if (self->hold_db[c] > LW_LEVEL_METER_MIN_DB)
        gtk_snapshot_append_color (snapshot, self->hold_db[c] > -6 ? &st.warning : &st.fg,
                                   &GRAPHENE_RECT_INIT (MAX (xh - 2, x0), y, 2, h));
      gtk_snapshot_append_color (snapshot, self->clip[c] ? &st.error : &track_c,
                                 &GRAPHENE_RECT_INIT (x1 + GAP, y, CLIP_W, h));
    }

  if (self->scale_node == NULL)
    {
      GtkSnapshot *sub = gtk_snapshot_new ();
      cairo_t *cr = gtk_snapshot_append_cairo (sub, &GRAPHENE_RECT_INIT (0, 0, width, height));

      draw_scale (self, cr, last_bottom + GAP);
      cairo_destroy (cr);
      self->scale_node = gtk_snapshot_free_to_node (sub);
    }
  if (self->scale_node != NULL)
    gtk_snapshot_append_node (snapshot, self->scale_node);
}

static void
on_click_cb (GtkGestureClick *click,
             int              n_press,
             double           x,
             double           y,
             LwLevelMeter    *self)
{
  /* a click acknowledges the clip lights */
  if (!any_clip (self))
    return;
  for (guint c = 0; c < self->n; c++)
    self->clip[c] = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIPPED]);
}

static void
lw_level_meter_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  g_clear_pointer (&LW_LEVEL_METER (widget)->scale_node, gsk_render_node_unref);
}

static void
lw_level_meter_css_changed (GtkWidget         *widget,
                            GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (lw_level_meter_parent_class)->css_changed (widget, change);
  g_clear_pointer (&LW_LEVEL_METER (widget)->scale_node, gsk_render_node_unref);
  gtk_widget_queue_draw (widget);
}

static void
lw_level_meter_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  LwLevelMeter *self = LW_LEVEL_METER (widget);
  guint n = MAX (self->n, 1);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 120;
      *natural = 240;
    }
  else
    {
      int text = _lw_audio_line_height (widget);
      *minimum = (int) (2 * LW_AUDIO_PAD + text + GAP + n * (4 + GAP));
      *natural = (int) (2 * LW_AUDIO_PAD + text + GAP + n * (MAX_BAR_H + GAP));
    }
}

static void
lw_level_meter_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_CLIPPED:
      g_value_set_boolean (value, any_clip (LW_LEVEL_METER (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lw_level_meter_dispose (GObject *object)
{
  LwLevelMeter *self = LW_LEVEL_METER (object);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  g_clear_pointer (&self->scale_node, gsk_render_node_unref);
  G_OBJECT_CLASS (lw_level_meter_parent_class)->dispose (object);
}

static void
lw_level_meter_class_init (LwLevelMeterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = lw_level_meter_get_property;
  object_class->dispose = lw_level_meter_dispose;
  widget_class->snapshot = lw_level_meter_snapshot;
  widget_class->size_allocate = lw_level_meter_size_allocate;
  widget_class->css_changed = lw_level_meter_css_changed;
  widget_class->measure = lw_level_meter_measure;

  properties[PROP_CLIPPED] =
    g_param_spec_boolean ("clipped", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "levelmeter");
}

static void
lw_level_meter_init (LwLevelMeter *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  g_signal_connect (click, "pressed", G_CALLBACK (on_click_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

/**
 * lw_level_meter_new:
 *
 * Returns: (transfer floating): a meter with no channels (nothing drawn until set)
 */
GtkWidget *
lw_level_meter_new (void)
{
  return g_object_new (LW_TYPE_LEVEL_METER, NULL);
}

/**
 * lw_level_meter_set:
 * @rms: (array length=channels): RMS amplitude per channel, linear (1.0 = full scale)
 * @peak: (array length=channels): peak amplitude per channel, linear
 * @channels: 1..8; a new count resets the hold marks and clip lights
 */
void
lw_level_meter_set (LwLevelMeter *self,
                    const float  *rms,
                    const float  *peak,
                    guint         channels)
{
  gboolean was_clipped;

  g_return_if_fail (LW_IS_LEVEL_METER (self));
  g_return_if_fail (rms != NULL && peak != NULL);
  g_return_if_fail (channels >= 1 && channels <= LW_LEVEL_METER_MAX_CHANNELS);

  was_clipped = any_clip (self);
  if (channels != self->n)
    {
      self->n = channels;
      for (guint c = 0; c < channels; c++)
        {
          self->hold_db[c] = FLOOR_DB;
          self->clip[c] = FALSE;
        }
      g_clear_pointer (&self->scale_node, gsk_render_node_unref);
      gtk_widget_queue_resize (GTK_WIDGET (self));
    }
  for (guint c = 0; c < channels; c++)
    {
      self->rms_db[c] = to_db (rms[c]);
      self->peak_db[c] = MAX (to_db (peak[c]), self->rms_db[c]);
      if (self->peak_db[c] >= self->hold_db[c])
        {
          self->hold_db[c] = self->peak_db[c];
          self->hold_age[c] = 0;
        }
      if (peak[c] >= 1.0f)
        self->clip[c] = TRUE;
    }
  ensure_tick (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (was_clipped != any_clip (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIPPED]);
}

void
lw_level_meter_reset (LwLevelMeter *self)
{
  gboolean was_clipped;

  g_return_if_fail (LW_IS_LEVEL_METER (self));

  was_clipped = any_clip (self);
  for (guint c = 0; c < self->n; c++)
    {
      self->rms_db[c] = self->peak_db[c] = self->hold_db[c] = FLOOR_DB;
      self->clip[c] = FALSE;
    }
  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
      self->last_frame_us = 0;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (was_clipped)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIPPED]);
}

guint
lw_level_meter_get_n_channels (LwLevelMeter *self)
{
  g_return_val_if_fail (LW_IS_LEVEL_METER (self), 0);
  return self->n;
}

gboolean
lw_level_meter_get_clipped (LwLevelMeter *self)
{
  g_return_val_if_fail (LW_IS_LEVEL_METER (self), FALSE);
  return any_clip (self);
}

gboolean
lw_level_meter_is_animating (LwLevelMeter *self)
{
  g_return_val_if_fail (LW_IS_LEVEL_METER (self), FALSE);
  return self->tick_id != 0;
}

double
lw_level_meter_db_to_x (LwLevelMeter *self,
                        double        db)
{
  double x0, x1;

  g_return_val_if_fail (LW_IS_LEVEL_METER (self), NAN);

  if (gtk_widget_get_width (GTK_WIDGET (self)) <= 0)
    return NAN;
  track (self, &x0, &x1);
  db = CLAMP (db, LW_LEVEL_METER_MIN_DB, 0.0);
  return x0 + (db - LW_LEVEL_METER_MIN_DB) / -LW_LEVEL_METER_MIN_DB * (x1 - x0);
}

gboolean
lw_level_meter_get_bar (LwLevelMeter *self,
                        guint         channel,
                        int          *y,
                        int          *height)
{
  double by, bh;

  g_return_val_if_fail (LW_IS_LEVEL_METER (self), FALSE);

  if (gtk_widget_get_width (GTK_WIDGET (self)) <= 0 || !bar_rows (self, channel, &by, &bh))
    return FALSE;
  if (y)
    *y = (int) by;
  if (height)
    *height = (int) bh;
  return TRUE;
}
