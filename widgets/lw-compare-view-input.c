/* lw-compare-view-input.c — LwCompareView's pointer, scroll and keyboard handling
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drag moves the divider when it starts near it and pans elsewhere; Ctrl+scroll zooms about
 * the pointer, plain scroll pans; +/−/0/1 and the arrows work through widget actions and key
 * bindings, so they act on the focused view only.
 */
#define G_LOG_DOMAIN "lw-compare-view"

#include <math.h>

#include "lw-compare-view-private.h"

#define GRAB          10   /* the divider catches the pointer this close, logical px */
#define PAN_KEY_STEP 0.1   /* arrows pan by this fraction of the pane */
#define WHEEL_PAN     48   /* logical px per wheel notch */

/* Zoom so that the image point under widget point (wx, wy) stays put. */
static void
zoom_about (LwCompareView *self,
            double         zoom,
            double         wx,
            double         wy)
{
  LwCompareLayout l;
  double ix, iy;
  int p;

  _lw_compare_view_layout (self, &l);
  p = _lw_compare_view_pane_at (&l, wx, wy);
  if (l.scale <= 0 || p < 0)
    {
      lw_compare_view_set_zoom (self, zoom);
      return;
    }
  double px = l.pane[p].x + l.pane[p].width / 2.0, py = l.pane[p].y + l.pane[p].height / 2.0;
  ix = l.cx + (wx - px) / l.scale;
  iy = l.cy + (wy - py) / l.scale;
  if (!_lw_compare_view_set_zoom_value (self, zoom))
    return;
  if (self->zoom > 0)
    {
      self->cx = ix - (wx - px) / self->zoom;
      self->cy = iy - (wy - py) / self->zoom;
      _lw_compare_view_layout (self, &l);
      /* store the clamped centre so a later pan starts from what is on screen */
      self->cx = l.cx;
      self->cy = l.cy;
    }
  _lw_compare_view_view_changed (self);
}

static void
pan_by (LwCompareView *self,
        double         dx,
        double         dy)
{
  LwCompareLayout l;

  _lw_compare_view_layout (self, &l);
  if (!_lw_compare_view_can_pan (&l) || self->zoom == 0)
    return;
  self->cx = lw_fit_clamp_center (l.cx + dx / l.scale, l.iw, l.pane[0].width, l.scale);
  self->cy = lw_fit_clamp_center (l.cy + dy / l.scale, l.ih, l.pane[0].height, l.scale);
  _lw_compare_view_view_changed (self);
}

static void
set_cursor (LwCompareView *self,
            const char    *name)
{
  if (self->cursor_name == name)
    return;
  self->cursor_name = name;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), name);
}

static gboolean
near_divider (LwCompareView         *self,
              const LwCompareLayout *l,
              double                 x,
              double                 y)
{
  return _lw_compare_view_has_divider (self) && l->scale > 0 && _lw_rect_contains (&l->pane[0], x, y) &&
         fabs (x - _lw_compare_view_divider_x (self, l)) <= GRAB;
}

static void
on_drag_begin_cb (GtkGestureDrag *gesture,
                  double          x,
                  double          y,
                  LwCompareView  *self)
{
  LwCompareLayout l;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  _lw_compare_view_layout (self, &l);
  self->drag_divider = near_divider (self, &l, x, y);
  self->drag_cx = l.cx;
  self->drag_cy = l.cy;
  if (self->drag_divider || _lw_compare_view_can_pan (&l))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      set_cursor (self, self->drag_divider ? "col-resize" : "grabbing");
    }
}

static void
on_drag_update_cb (GtkGestureDrag *gesture,
                   double          dx,
                   double          dy,
                   LwCompareView  *self)
{
  LwCompareLayout l;
  double x0, y0, ox, oy;

  _lw_compare_view_layout (self, &l);
  if (l.scale <= 0)
    return;
  if (self->drag_divider)
    {
      gtk_gesture_drag_get_start_point (gesture, &x0, &y0);
      _lw_compare_view_image_origin (&l, 0, &ox, &oy);
      lw_compare_view_set_split (self, (x0 + dx - ox) / (l.iw * l.scale));
      return;
    }
  if (!_lw_compare_view_can_pan (&l) || self->zoom == 0)
    return;
  /* absolute from the start, so pushing against the clamp and back does not drift */
  self->cx = lw_fit_clamp_center (self->drag_cx - dx / l.scale, l.iw, l.pane[0].width, l.scale);
  self->cy = lw_fit_clamp_center (self->drag_cy - dy / l.scale, l.ih, l.pane[0].height, l.scale);
  _lw_compare_view_view_changed (self);
}

static void
on_drag_end_cb (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                LwCompareView  *self)
{
  self->drag_divider = FALSE;
  set_cursor (self, NULL);
}

static void
on_motion_cb (GtkEventControllerMotion *controller,
              double                    x,
              double                    y,
              LwCompareView            *self)
{
  LwCompareLayout l;

  self->pointer_in = TRUE;
  self->pointer_x = x;
  self->pointer_y = y;
  if (!gtk_gesture_is_active (self->drag))
    {
      _lw_compare_view_layout (self, &l);
      set_cursor (self, near_divider (self, &l, x, y) ? "col-resize"
                        : _lw_compare_view_can_pan (&l) && _lw_compare_view_pane_at (&l, x, y) >= 0 ? "grab" : NULL);
    }
  _lw_compare_view_update_hover (self);
}

static void
on_leave_cb (GtkEventControllerMotion *controller,
             LwCompareView            *self)
{
  self->pointer_in = FALSE;
  _lw_compare_view_update_hover (self);
}

static gboolean
on_scroll_cb (GtkEventControllerScroll *controller,
              double                    dx,
              double                    dy,
              LwCompareView            *self)
{
  GdkModifierType state =
    gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  gboolean wheel = gtk_event_controller_scroll_get_unit (controller) == GDK_SCROLL_UNIT_WHEEL;
  double s = lw_compare_view_get_effective_zoom (self);
  LwCompareLayout l;

  if (self->original == NULL || s <= 0)
    return FALSE;
  if (state & GDK_CONTROL_MASK)
    {
      double x = self->pointer_in ? self->pointer_x : gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      double y = self->pointer_in ? self->pointer_y : gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
      double zoom;

      if (dy == 0)
        return TRUE;
      /* wheel notches walk the same ladder as the keys; touchpads zoom smoothly */
      if (wheel)
        zoom = lw_fit_zoom_step (s, dy < 0 ? 1 : -1, LW_COMPARE_VIEW_MIN_ZOOM,
                                 LW_COMPARE_VIEW_MAX_ZOOM);
      else
        zoom = s * exp2 (-dy / 100.0);
      zoom_about (self, zoom, x, y);
      return TRUE;
    }

  /* Plain scrolling pans; an image that fits leaves the scroll to an enclosing scroller */
  _lw_compare_view_layout (self, &l);
  if (!_lw_compare_view_can_pan (&l) || self->zoom == 0)
    return FALSE;
  pan_by (self, dx * (wheel ? WHEEL_PAN : 1), dy * (wheel ? WHEEL_PAN : 1));
  return TRUE;
}

static void
zoom_in_action (GtkWidget  *widget,
                const char *name,
                GVariant   *param)
{
  lw_compare_view_zoom_in (LW_COMPARE_VIEW (widget));
}

static void
zoom_out_action (GtkWidget  *widget,
                 const char *name,
                 GVariant   *param)
{
  lw_compare_view_zoom_out (LW_COMPARE_VIEW (widget));
}

static void
zoom_fit_action (GtkWidget  *widget,
                 const char *name,
                 GVariant   *param)
{
  lw_compare_view_set_zoom (LW_COMPARE_VIEW (widget), 0);
}

static void
zoom_100_action (GtkWidget  *widget,
                 const char *name,
                 GVariant   *param)
{
  lw_compare_view_set_zoom (LW_COMPARE_VIEW (widget), 1.0);
}

static gboolean
pan_key_cb (GtkWidget *widget,
            GVariant  *args,
            gpointer   user_data)
{
  LwCompareView *self = LW_COMPARE_VIEW (widget);
  int sx, sy;
  LwCompareLayout l;

  g_variant_get (args, "(ii)", &sx, &sy);
  _lw_compare_view_layout (self, &l);
  if (!_lw_compare_view_can_pan (&l) || self->zoom == 0)
    return FALSE;
  pan_by (self, sx * PAN_KEY_STEP * l.pane[0].width, sy * PAN_KEY_STEP * l.pane[0].height);
  return TRUE;
}

static void
add_key (GtkWidgetClass *widget_class,
         guint           keyval,
         const char     *action)
{
  /* with and without Ctrl, as image viewers accept both */
  gtk_widget_class_add_binding_action (widget_class, keyval, 0, action, NULL);
  gtk_widget_class_add_binding_action (widget_class, keyval, GDK_CONTROL_MASK, action, NULL);
}

void
_lw_compare_view_class_init_input (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "compare.zoom-in", NULL, zoom_in_action);
  gtk_widget_class_install_action (widget_class, "compare.zoom-out", NULL, zoom_out_action);
  gtk_widget_class_install_action (widget_class, "compare.zoom-fit", NULL, zoom_fit_action);
  gtk_widget_class_install_action (widget_class, "compare.zoom-100", NULL, zoom_100_action);
  add_key (widget_class, GDK_KEY_plus, "compare.zoom-in");
  add_key (widget_class, GDK_KEY_equal, "compare.zoom-in");
  add_key (widget_class, GDK_KEY_KP_Add, "compare.zoom-in");
  add_key (widget_class, GDK_KEY_minus, "compare.zoom-out");
  add_key (widget_class, GDK_KEY_KP_Subtract, "compare.zoom-out");
  add_key (widget_class, GDK_KEY_0, "compare.zoom-fit");
  add_key (widget_class, GDK_KEY_KP_0, "compare.zoom-fit");
  add_key (widget_class, GDK_KEY_1, "compare.zoom-100");
  add_key (widget_class, GDK_KEY_KP_1, "compare.zoom-100");
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Left, 0, pan_key_cb, "(ii)", -1, 0);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Right, 0, pan_key_cb, "(ii)", 1, 0);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Up, 0, pan_key_cb, "(ii)", 0, -1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Down, 0, pan_key_cb, "(ii)", 0, 1);
}

void
_lw_compare_view_init_input (LwCompareView *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *scroll =
    gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end_cb), self);
  self->drag = drag;
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  g_signal_connect (motion, "motion", G_CALLBACK (on_motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
}
