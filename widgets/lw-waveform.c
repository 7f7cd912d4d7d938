/* lw-waveform.c — audio waveform: channels stacked, shared zoom and cursor, seek and selection
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The traces and the time axis depend on the data, the view and the size: they are drawn once
 * into a cached render node, dropped when any of those (or the style) change. The cursor and
 * the selection go on top each frame, so playback moving the cursor never redraws the traces.
 * Per-column extremes come from a min/max pyramid (O(width · log T) per redraw); when a
 * column holds less than a sample the trace becomes a line through the samples.
 */
#define G_LOG_DOMAIN "lw-waveform"

#include <glib/gi18n.h>
#include <math.h>

#include "lw-audio-widget-private.h"
#include "lw-decimate.h"
#include "lw-error.h"
#include "lw-ticks.h"
#include "lw-waveform-private.h"

#define DRAG_THRESHOLD  3.0    /* px the pointer moves before a press becomes a selection */
#define MIN_SAMPLES     16.0   /* narrowest view, in samples */
#define KEY_STEP        0.05   /* ← → move the cursor by this share of the view */

G_DEFINE_FINAL_TYPE (LwWaveform, lw_waveform, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_VIEW_START,
  PROP_VIEW_END,
  PROP_CURSOR,
  PROP_SELECTION_START,
  PROP_SELECTION_END,
  PROP_DURATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_SEEK,
  SIGNAL_SELECTION_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Helpers */

static gboolean
same_double (double a,
             double b)
{
  return a == b || (isnan (a) && isnan (b));
}

static void
invalidate (LwWaveform *self)
{
  g_clear_pointer (&self->static_node, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Keeps a view of the given span inside the signal; spans longer than the signal show all */
static void
clamp_and_set_view (LwWaveform *self,
                    double      start,
                    double      end)
{
  double dur = _lw_waveform_duration (self);
  double span = end - start;
  double min_span = self->audio.rate > 0 ? MIN_SAMPLES / self->audio.rate : 0;

  if (dur <= 0 || !isfinite (span))
    return;
  span = CLAMP (span, MIN (min_span, dur), dur);
  start = CLAMP (start, 0, dur - span);
  lw_waveform_set_view (self, start, start + span);
}

static void
seek_to (LwWaveform *self,
         double      t)
{
  double dur = _lw_waveform_duration (self);

  if (dur <= 0 || !isfinite (t))
    return;
  t = CLAMP (t, 0, dur);
  lw_waveform_set_cursor (self, t);
  /* keep the cursor in sight when keys move it out of the view */
  if (_lw_waveform_view_valid (self) && (t < self->view_start || t > self->view_end))
    {
      double span = self->view_end - self->view_start;
      clamp_and_set_view (self, t - span / 2, t + span / 2);
    }
  g_signal_emit (self, signals[SIGNAL_SEEK], 0, t);
}

/* Event handlers */

static void
on_drag_begin_cb (GtkGestureDrag *gesture,
                  double          x,
                  double          y,
                  LwWaveform     *self)
{
  self->drag_x0 = x;
  self->dragging = FALSE;
  if (gtk_widget_get_focusable (GTK_WIDGET (self)))
    gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
on_drag_update_cb (GtkGestureDrag *gesture,
                   double          dx,
                   double          dy,
                   LwWaveform     *self)
{
  double dur = _lw_waveform_duration (self);
  double t0, t1;

  if (!self->dragging && fabs (dx) < DRAG_THRESHOLD)
    return;
  if (dur <= 0 || !_lw_waveform_view_valid (self))
    return;
  self->dragging = TRUE;
  t0 = CLAMP (lw_waveform_x_to_time (self, self->drag_x0), 0, dur);
  t1 = CLAMP (lw_waveform_x_to_time (self, self->drag_x0 + dx), 0, dur);
  lw_waveform_set_selection (self, MIN (t0, t1), MAX (t0, t1));
  g_signal_emit (self, signals[SIGNAL_SELECTION_CHANGED], 0, self->sel_start, self->sel_end);
}

static void
on_drag_end_cb (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                LwWaveform     *self)
{
  if (!self->dragging && _lw_waveform_view_valid (self))
    seek_to (self, lw_waveform_x_to_time (self, self->drag_x0));
  self->dragging = FALSE;
}

static void
on_motion_cb (GtkEventControllerMotion *motion,
              double                    x,
              double                    y,
              LwWaveform               *self)
{
  self->pointer_x = x;
}

static void
on_leave_cb (GtkEventControllerMotion *motion,
             LwWaveform               *self)
{
  self->pointer_x = NAN;
}

static void
zoom_around (LwWaveform *self,
             double      t,
             double      factor)
{
  double s = self->view_start, e = self->view_end;

  if (!_lw_waveform_view_valid (self) || !isfinite (t))
    return;
  clamp_and_set_view (self, t - (t - s) * factor, t + (e - t) * factor);
}

static gboolean
on_scroll_cb (GtkEventControllerScroll *scroll,
              double                    dx,
              double                    dy,
              LwWaveform               *self)
{
  GdkModifierType state =
    gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll));
  double span = self->view_end - self->view_start;

  if (!_lw_waveform_view_valid (self) || _lw_waveform_duration (self) <= 0)
    return FALSE;
  if (state & GDK_CONTROL_MASK)
    {
      double x = isnan (self->pointer_x) ? gtk_widget_get_width (GTK_WIDGET (self)) / 2.0
                                         : self->pointer_x;
      zoom_around (self, lw_waveform_x_to_time (self, x), pow (1.25, dy));
    }
  else
    clamp_and_set_view (self, self->view_start + (dx + dy) * 0.1 * span,
                        self->view_end + (dx + dy) * 0.1 * span);
  return TRUE;
}

/* Actions behind the keys, so the page and tests can trigger them too */
static void
home_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  seek_to (LW_WAVEFORM (widget), 0);
}

static void
end_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  seek_to (LW_WAVEFORM (widget), _lw_waveform_duration (LW_WAVEFORM (widget)));
}

/* param "i": −1 a step back, +1 a step on (KEY_STEP of the view) */
static void
step_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  LwWaveform *self = LW_WAVEFORM (widget);
  double span = _lw_waveform_view_valid (self) ? self->view_end - self->view_start : _lw_waveform_duration (self);
  double cur = isnan (self->cursor) ? (_lw_waveform_view_valid (self) ? self->view_start : 0) : self->cursor;

  seek_to (self, cur + g_variant_get_int32 (param) * KEY_STEP * span);
}

/* param "d": the factor the view's span is multiplied by, around the cursor (or the middle) */
static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  LwWaveform *self = LW_WAVEFORM (widget);
  double factor = g_variant_get_double (param);

  if (!(factor > 0) || !_lw_waveform_view_valid (self))
    return;
  zoom_around (self, isfinite (self->cursor) ? self->cursor
                                             : 0.5 * (self->view_start + self->view_end), factor);
}

/* Overrides */

static void
lw_waveform_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  LwWaveform *self = LW_WAVEFORM (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int top, bottom, ly, lh, n;
  LwAudioStyle st;

  if (width <= 0 || height <= 0)
    return;
  if (self->static_node == NULL)
    {
      GtkSnapshot *sub = gtk_snapshot_new ();
      cairo_t *cr = gtk_snapshot_append_cairo (sub, &GRAPHENE_RECT_INIT (0, 0, width, height));

      _lw_waveform_draw_static (self, cr, width, height);
      cairo_destroy (cr);
      self->static_node = gtk_snapshot_free_to_node (sub);
    }
  if (self->static_node != NULL)
    gtk_snapshot_append_node (snapshot, self->static_node);

  n = self->audio.pyramids ? (int) self->audio.pyramids->len : 0;
  if (n == 0 || !_lw_waveform_view_valid (self) || !_lw_waveform_lane_geometry (self, 0, &top, &lh) ||
      !_lw_waveform_lane_geometry (self, n - 1, &ly, &lh))
    return;
  bottom = ly + lh;
  _lw_audio_style_lookup (widget, &st);

  if (isfinite (self->sel_start) && isfinite (self->sel_end) && self->sel_end > self->sel_start)
    {
      double x0 = CLAMP (lw_waveform_time_to_x (self, self->sel_start), 0, width);
      double x1 = CLAMP (lw_waveform_time_to_x (self, self->sel_end), 0, width);
      GdkRGBA sel = _lw_audio_with_alpha (&st.accent, 0.25f);

      if (x1 > x0)
        gtk_snapshot_append_color (snapshot, &sel,
                                   &GRAPHENE_RECT_INIT (x0, top, x1 - x0, bottom - top));
    }
  if (isfinite (self->cursor))
    {
      double x = floor (lw_waveform_time_to_x (self, self->cursor));

      if (x >= 0 && x < width)
        gtk_snapshot_append_color (snapshot, &st.fg,
                                   &GRAPHENE_RECT_INIT (x, top, 1, bottom - top));
    }
}

static void
lw_waveform_size_allocate (GtkWidget *widget,
                           int        width,
                           int        height,
                           int        baseline)
{
  g_clear_pointer (&LW_WAVEFORM (widget)->static_node, gsk_render_node_unref);
}

static void
lw_waveform_css_changed (GtkWidget         *widget,
                         GtkCssStyleChange *change)
{
  LwWaveform *self = LW_WAVEFORM (widget);

  GTK_WIDGET_CLASS (lw_waveform_parent_class)->css_changed (widget, change);
  /* colours or font size may have changed (dark style, text scaling) */
  self->axis_h = 0;
  invalidate (self);
}

static void
lw_waveform_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 100 : 60;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 600 : 160;
}

static void
lw_waveform_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  LwWaveform *self = LW_WAVEFORM (object);

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
    case PROP_SELECTION_START:
      g_value_set_double (value, self->sel_start);
      break;
    case PROP_SELECTION_END:
      g_value_set_double (value, self->sel_end);
      break;
    case PROP_DURATION:
      g_value_set_double (value, _lw_waveform_duration (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lw_waveform_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  LwWaveform *self = LW_WAVEFORM (object);

  switch (prop_id)
    {
    case PROP_VIEW_START:
      lw_waveform_set_view_start (self, g_value_get_double (value));
      break;
    case PROP_VIEW_END:
      lw_waveform_set_view_end (self, g_value_get_double (value));
      break;
    case PROP_CURSOR:
      lw_waveform_set_cursor (self, g_value_get_double (value));
      break;
    case PROP_SELECTION_START:
      lw_waveform_set_selection (self, g_value_get_double (value), self->sel_end);
      break;
    case PROP_SELECTION_END:
      lw_waveform_set_selection (self, self->sel_start, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lw_waveform_dispose (GObject *object)
{
  LwWaveform *self = LW_WAVEFORM (object);

  g_clear_pointer (&self->static_node, gsk_render_node_unref);
  G_OBJECT_CLASS (lw_waveform_parent_class)->dispose (object);
}

static void
lw_waveform_finalize (GObject *object)
{
  LwWaveform *self = LW_WAVEFORM (object);

  _lw_waveform_signal_clear (&self->audio);
  _lw_waveform_signal_clear (&self->overlay);
  G_OBJECT_CLASS (lw_waveform_parent_class)->finalize (object);
}

static void
lw_waveform_class_init (LwWaveformClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = lw_waveform_get_property;
  object_class->set_property = lw_waveform_set_property;
  object_class->dispose = lw_waveform_dispose;
  object_class->finalize = lw_waveform_finalize;
  widget_class->snapshot = lw_waveform_snapshot;
  widget_class->size_allocate = lw_waveform_size_allocate;
  widget_class->css_changed = lw_waveform_css_changed;
  widget_class->measure = lw_waveform_measure;

  /* GParamSpecDouble cannot hold a NaN default: the specs say 0, instances start at NaN
   * where the header says so */
  properties[PROP_VIEW_START] =
    g_param_spec_double ("view-start", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_VIEW_END] =
    g_param_spec_double ("view-end", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_CURSOR] =
    g_param_spec_double ("cursor", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_SELECTION_START] =
    g_param_spec_double ("selection-start", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_SELECTION_END] =
    g_param_spec_double ("selection-end", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_DURATION] =
    g_param_spec_double ("duration", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LwWaveform::seek:
   * @seconds: where the user clicked or moved the cursor with a key, within the signal
   */
  signals[SIGNAL_SEEK] =
    g_signal_new ("seek", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_DOUBLE);
  /**
   * LwWaveform::selection-changed:
   * @start: seconds
   * @end: seconds (> @start)
   *
   * Emitted while the user drags a selection (not when it is set through the API).
   */
  signals[SIGNAL_SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_DOUBLE);

  gtk_widget_class_install_action (widget_class, "waveform.home", NULL, home_action);
  gtk_widget_class_install_action (widget_class, "waveform.end", NULL, end_action);
  gtk_widget_class_install_action (widget_class, "waveform.step", "i", step_action);
  gtk_widget_class_install_action (widget_class, "waveform.zoom", "d", zoom_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, 0, "waveform.home", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_End, 0, "waveform.end", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "waveform.step", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "waveform.step", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "waveform.zoom", "d", 0.5);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, 0, "waveform.zoom", "d", 0.5);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, 0, "waveform.zoom", "d", 0.5);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "waveform.zoom", "d", 2.0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, 0, "waveform.zoom", "d", 2.0);

  gtk_widget_class_set_css_name (widget_class, "waveform");
}

static void
lw_waveform_init (LwWaveform *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *scroll =
    gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);

  self->cursor = NAN;
  self->sel_start = self->sel_end = NAN;
  self->pointer_x = NAN;

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
}

/* Public API */

/**
 * lw_waveform_new:
 *
 * Returns: (transfer floating): an empty waveform (no signal, cursor and selection hidden)
 */
GtkWidget *
lw_waveform_new (void)
{
  return g_object_new (LW_TYPE_WAVEFORM, NULL);
}

/**
 * lw_waveform_set_audio:
 * @audio: (nullable): C×T samples in [−1, 1] with a sample rate; copied into a pyramid
 *
 * Returns: FALSE (old signal kept) when @audio is not usable
 */
gboolean
lw_waveform_set_audio (LwWaveform     *self,
                       const LwTensor *audio,
                       GError        **error)
{
  double old;

  g_return_val_if_fail (LW_IS_WAVEFORM (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  old = _lw_waveform_duration (self);
  if (!_lw_waveform_signal_set (&self->audio, audio, _("Waveform"), error))
    return FALSE;
  invalidate (self);
  if (old != _lw_waveform_duration (self))
    {
      g_object_freeze_notify (G_OBJECT (self));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
      if (_lw_waveform_duration (self) > 0)
        lw_waveform_set_view (self, 0, _lw_waveform_duration (self));
      g_object_thaw_notify (G_OBJECT (self));
    }
  return TRUE;
}

/**
 * lw_waveform_set_overlay:
 * @overlay: (nullable): a second C×T signal, drawn over the first
 */
gboolean
lw_waveform_set_overlay (LwWaveform     *self,
                         const LwTensor *overlay,
                         GError        **error)
{
  g_return_val_if_fail (LW_IS_WAVEFORM (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_lw_waveform_signal_set (&self->overlay, overlay, _("Waveform overlay"), error))
    return FALSE;
  invalidate (self);
  return TRUE;
}

guint
lw_waveform_get_n_channels (LwWaveform *self)
{
  g_return_val_if_fail (LW_IS_WAVEFORM (self), 0);
  return self->audio.pyramids ? self->audio.pyramids->len : 0;
}

double
lw_waveform_get_duration (LwWaveform *self)
{
  g_return_val_if_fail (LW_IS_WAVEFORM (self), 0);
  return _lw_waveform_duration (self);
}

/**
 * lw_waveform_set_view:
 * @start: seconds at the left edge
 * @end: seconds at the right edge
 *
 * Sets both ends with one redraw; each property is notified only if it changed.
 */
void
lw_waveform_set_view (LwWaveform *self,
                      double      start,
                      double      end)
{
  g_return_if_fail (LW_IS_WAVEFORM (self));

  g_object_freeze_notify (G_OBJECT (self));
  lw_waveform_set_view_start (self, start);
  lw_waveform_set_view_end (self, end);
  g_object_thaw_notify (G_OBJECT (self));
}

void
lw_waveform_set_view_start (LwWaveform *self,
                            double      start)
{
  g_return_if_fail (LW_IS_WAVEFORM (self));

  if (same_double (self->view_start, start))
    return;
  self->view_start = start;
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW_START]);
}

double
lw_waveform_get_view_start (LwWaveform *self)
{
  g_return_val_if_fail (LW_IS_WAVEFORM (self), 0);
  return self->view_start;
}

void
lw_waveform_set_view_end (LwWaveform *self,
                          double      end)
{
  g_return_if_fail (LW_IS_WAVEFORM (self));

  if (same_double (self->view_end, end))
    return;
  self->view_end = end;
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW_END]);
}

double
lw_waveform_get_view_end (LwWaveform *self)
{
  g_return_val_if_fail (LW_IS_WAVEFORM (self), 0);
  return self->view_end;
}

/**
 * lw_waveform_set_cursor:
 * @seconds: the cursor's time; NaN hides it
 *
 * Only the cursor layer is redrawn.
 */
void
lw_waveform_set_cursor (LwWaveform *self,
                        double      seconds)
{
  g_return_if_fail (LW_IS_WAVEFORM (self));

  if (same_double (self->cursor, seconds))
    return;
  self->cursor = seconds;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURSOR]);
}

double
lw_waveform_get_cursor (LwWaveform *self)
{
  g_return_val_if_fail (LW_IS_WAVEFORM (self), NAN);
  return self->cursor;
}

/**
 * lw_waveform_set_selection:
 * @start: seconds, NaN for none
 * @end: seconds, NaN for none
 *
 * Drawn only when both are finite and @end > @start.
 */
void
lw_waveform_set_selection (LwWaveform *self,
                           double      start,
                           double      end)
{
  g_return_if_fail (LW_IS_WAVEFORM (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (!same_double (self->sel_start, start))
    {
      self->sel_start = start;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTION_START]);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  if (!same_double (self->sel_end, end))
    {
      self->sel_end = end;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTION_END]);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  g_object_thaw_notify (G_OBJECT (self));
}

double
lw_waveform_get_selection_start (LwWaveform *self)
{
  g_return_val_if_fail (LW_IS_WAVEFORM (self), NAN);
  return self->sel_start;
}

double
lw_waveform_get_selection_end (LwWaveform *self)
{
  g_return_val_if_fail (LW_IS_WAVEFORM (self), NAN);
  return self->sel_end;
}

double
lw_waveform_time_to_x (LwWaveform *self,
                       double      seconds)
{
  int width;

  g_return_val_if_fail (LW_IS_WAVEFORM (self), NAN);

  width = gtk_widget_get_width (GTK_WIDGET (self));
  if (!_lw_waveform_view_valid (self) || width <= 0)
    return NAN;
  return (seconds - self->view_start) / (self->view_end - self->view_start) * width;
}

double
lw_waveform_x_to_time (LwWaveform *self,
                       double      x)
{
  int width;

  g_return_val_if_fail (LW_IS_WAVEFORM (self), NAN);

  width = gtk_widget_get_width (GTK_WIDGET (self));
  if (!_lw_waveform_view_valid (self) || width <= 0)
    return NAN;
  return self->view_start + x / width * (self->view_end - self->view_start);
}

gboolean
lw_waveform_get_lane (LwWaveform *self,
                      guint       channel,
                      int        *y,
                      int        *height)
{
  int ly, lh;

  g_return_val_if_fail (LW_IS_WAVEFORM (self), FALSE);

  if (gtk_widget_get_width (GTK_WIDGET (self)) <= 0 || !_lw_waveform_lane_geometry (self, channel, &ly, &lh))
    return FALSE;
  if (y)
    *y = ly;
  if (height)
    *height = lh;
  return TRUE;
}
