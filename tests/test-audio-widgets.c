/* test-audio-widgets.c — waveform, spectrogram, spectrum analyser, level meter: properties,
 * rendered pixels, frame-clock animation
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pixels are checked on the widget as rendered (gtk_widget_paintable_new →
 * gsk_renderer_render_texture → gdk_texture_download) against geometry the widgets report
 * (lanes, time → x, row → y, dB → x) and against lw_colormap_lookup for the spectrogram.
 */
#define G_LOG_DOMAIN "test-audio-widgets"

#include <gtk/gtk.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lw-colormap.h"
#include "lw-error.h"
#include "lw-level-meter.h"
#include "lw-spectrogram.h"
#include "lw-spectrum.h"
#include "lw-waveform.h"

#define RATE 8000.0

/* Helpers */

static void
on_timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
}

static void
settle (void)
{
  for (int i = 0; i < 50 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
}

static GtkWidget *
show_widget (GtkWidget *widget,
             int        width,
             int        height)
{
  GtkWidget *window = gtk_window_new ();
  gboolean timed_out = FALSE;
  guint timeout_id;

  gtk_window_set_child (GTK_WINDOW (window), widget);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));

  timeout_id = g_timeout_add_once (10000, on_timeout_cb, &timed_out);
  while (!timed_out && (!gtk_widget_get_mapped (widget) || gtk_widget_get_width (widget) < 100))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout_id);
  settle ();
  return window;
}

/* Premultiplied ARGB32 (0xAARRGGBB per pixel) of the widget as drawn now */
static guint8 *
render (GtkWidget *widget,
        GtkWidget *window,
        gsize     *stride_out)
{
  int w = gtk_widget_get_width (widget);
  int h = gtk_widget_get_height (widget);
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) rendered = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  graphene_rect_t viewport = GRAPHENE_RECT_INIT (0, 0, w, h);
  gsize stride = (gsize) w * 4;
  guint8 *buf;

  for (int attempt = 0; attempt < 100 && node == NULL; attempt++)
    {
      g_autoptr (GdkPaintable) paintable = NULL;
      g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();

      if (attempt > 0)
        g_usleep (10000);
      settle ();
      paintable = gtk_widget_paintable_new (widget);
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), w, h);
      node = gtk_snapshot_to_node (snapshot);
    }
  g_assert_nonnull (node);
  rendered = gsk_renderer_render_texture (renderer, node, &viewport);
  buf = g_malloc (stride * h);
  gdk_texture_download (rendered, buf, stride);
  *stride_out = stride;
  return buf;
}

static guint32
pixel_at (const guint8 *buf,
          gsize         stride,
          int           x,
          int           y)
{
  guint32 p;

  memcpy (&p, buf + (gsize) y * stride + (gsize) x * 4, 4);
  return p;
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static LwTensor *
make_audio (guint  channels,
            gsize  frames)
{
  LwTensor *t = lw_tensor_new_2d (channels, frames);

  t->sample_rate = RATE;
  return t;
}

/* Waveform */

static void
test_waveform_properties (void)
{
  LwWaveform *wf = g_object_ref_sink (LW_WAVEFORM (lw_waveform_new ()));
  g_autoptr (LwTensor) audio = make_audio (2, 8000);
  g_autoptr (LwTensor) bad = lw_tensor_new_1d (100);
  g_autoptr (GError) error = NULL;
  guint n_start = 0, n_end = 0, n_cursor = 0, n_sel = 0, n_dur = 0;

  g_signal_connect (wf, "notify::view-start", G_CALLBACK (count_notify_cb), &n_start);
  g_signal_connect (wf, "notify::view-end", G_CALLBACK (count_notify_cb), &n_end);
  g_signal_connect (wf, "notify::cursor", G_CALLBACK (count_notify_cb), &n_cursor);
  g_signal_connect (wf, "notify::selection-start", G_CALLBACK (count_notify_cb), &n_sel);
  g_signal_connect (wf, "notify::duration", G_CALLBACK (count_notify_cb), &n_dur);

  g_assert_true (isnan (lw_waveform_get_cursor (wf)));
  g_assert_true (isnan (lw_waveform_get_selection_start (wf)));

  /* a signal sets the duration and shows it all: start stays 0, end becomes 1 s */
  g_assert_true (lw_waveform_set_audio (wf, audio, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lw_waveform_get_n_channels (wf), ==, 2);
  g_assert_cmpfloat_with_epsilon (lw_waveform_get_duration (wf), 1.0, 1e-12);
  g_assert_cmpuint (n_dur, ==, 1);
  g_assert_cmpuint (n_start, ==, 0);
  g_assert_cmpuint (n_end, ==, 1);
  /* the same length again keeps the view without notifications */
  g_assert_true (lw_waveform_set_audio (wf, audio, NULL));
  g_assert_cmpuint (n_dur, ==, 1);
  g_assert_cmpuint (n_end, ==, 1);

  /* bad input is refused and leaves the signal */
  g_assert_false (lw_waveform_set_audio (wf, bad, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_SHAPE);
  g_assert_cmpuint (lw_waveform_get_n_channels (wf), ==, 2);

  lw_waveform_set_view (wf, 0.25, 0.5);
  lw_waveform_set_view (wf, 0.25, 0.5);
  g_assert_cmpuint (n_start, ==, 1);
  g_assert_cmpuint (n_end, ==, 2);
  g_object_set (wf, "view-start", 0.125, NULL);
  g_assert_cmpfloat (lw_waveform_get_view_start (wf), ==, 0.125);
  g_assert_cmpuint (n_start, ==, 2);

  lw_waveform_set_cursor (wf, 0.3);
  lw_waveform_set_cursor (wf, 0.3);
  lw_waveform_set_cursor (wf, NAN);
  lw_waveform_set_cursor (wf, NAN);
  g_assert_cmpuint (n_cursor, ==, 2);

  lw_waveform_set_selection (wf, 0.1, 0.2);
  lw_waveform_set_selection (wf, 0.1, 0.2);
  g_assert_cmpuint (n_sel, ==, 1);
  g_assert_cmpfloat (lw_waveform_get_selection_end (wf), ==, 0.2);

  g_assert_finalize_object (wf);
}

/* Lane 0 a full-scale sine, lane 1 silence: the sine fills its lane from the top row to the
 * bottom row; silence is a line at the lane's middle and nothing else */
static void
test_waveform_sine_and_silence (void)
{
  LwWaveform *wf = g_object_ref_sink (LW_WAVEFORM (lw_waveform_new ()));
  g_autoptr (LwTensor) audio = make_audio (2, 8000);
  g_autofree guint8 *buf = NULL;
  GtkWidget *window;
  gsize stride;
  int y0, h0, y1, h1, w;

  /* 400 Hz: 20 samples a period, so each column of a 400 px view (20 samples) holds both
   * extremes; the sine peaks at ±1 exactly at a quarter period */
  for (gsize i = 0; i < 8000; i++)
    audio->data[i] = (float) sin (2 * G_PI * 400 * i / RATE);
  g_assert_true (lw_waveform_set_audio (wf, audio, NULL));
  window = show_widget (GTK_WIDGET (wf), 400, 300);
  w = gtk_widget_get_width (GTK_WIDGET (wf));
  g_assert_true (lw_waveform_get_lane (wf, 0, &y0, &h0));
  g_assert_true (lw_waveform_get_lane (wf, 1, &y1, &h1));
  g_assert_false (lw_waveform_get_lane (wf, 2, NULL, NULL));
  g_assert_cmpint (y1, >=, y0 + h0);
  buf = render (GTK_WIDGET (wf), window, &stride);

  {
    guint32 trace = pixel_at (buf, stride, w / 2, y0 + h0 / 2);
    guint32 gap = pixel_at (buf, stride, w / 2, y0 + h0 + 1);

    g_assert_cmphex (trace, !=, gap);
    for (int x = 10; x < w - 10; x += 37)
      {
        g_assert_cmphex (pixel_at (buf, stride, x, y0), ==, trace);
        g_assert_cmphex (pixel_at (buf, stride, x, y0 + h0 - 1), ==, trace);
        /* silence: the middle row has the trace; rows a few px off it are empty */
        g_assert_cmphex (pixel_at (buf, stride, x, y1 + h1 / 2), ==, trace);
        g_assert_cmphex (pixel_at (buf, stride, x, y1 + h1 / 2 - 4), ==, gap);
        g_assert_cmphex (pixel_at (buf, stride, x, y1 + h1 / 2 + 4), ==, gap);
        g_assert_cmphex (pixel_at (buf, stride, x, y1 + 1), ==, gap);
      }
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (wf);
}

/* The cursor is a line at the x of its time; view changes move it */
static void
test_waveform_cursor (void)
{
  LwWaveform *wf = g_object_ref_sink (LW_WAVEFORM (lw_waveform_new ()));
  g_autoptr (LwTensor) audio = make_audio (1, 16000);
  GtkWidget *window;
  int y0, h0;

  g_assert_true (lw_waveform_set_audio (wf, audio, NULL));
  window = show_widget (GTK_WIDGET (wf), 400, 200);
  g_assert_true (lw_waveform_get_lane (wf, 0, &y0, &h0));

  for (int k = 0; k < 3; k++)
    {
      const double t[] = { 0.5, 1.25, 1.9 };
      g_autofree guint8 *buf = NULL;
      gsize stride;
      double x;
      int xi;

      if (k == 2)
        lw_waveform_set_view (wf, 1.5, 2.0);
      lw_waveform_set_cursor (wf, t[k]);
      x = lw_waveform_time_to_x (wf, t[k]);
      g_assert_cmpfloat_with_epsilon (lw_waveform_x_to_time (wf, x), t[k], 1e-9);
      xi = (int) floor (x);
      buf = render (GTK_WIDGET (wf), window, &stride);
      /* a quarter down the lane: only the cursor is there (silence sits at the middle) */
      g_assert_cmphex (pixel_at (buf, stride, xi, y0 + h0 / 4), !=,
                       pixel_at (buf, stride, xi + 5, y0 + h0 / 4));
      g_assert_cmphex (pixel_at (buf, stride, xi - 5, y0 + h0 / 4), ==,
                       pixel_at (buf, stride, xi + 5, y0 + h0 / 4));
    }
  /* 0.5 s in the full 2 s view is a quarter of the width */
  lw_waveform_set_view (wf, 0, 2);
  g_assert_cmpfloat_with_epsilon (lw_waveform_time_to_x (wf, 0.5),
                                  gtk_widget_get_width (GTK_WIDGET (wf)) / 4.0, 1e-9);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (wf);
}

/* An impulse at 0.6 s: zoomed to [0.5, 0.7] it is in the middle column; zoomed to [0, 0.5]
 * it is off screen; zoomed to 40 samples the trace is a line through the samples */
static void
test_waveform_zoom (void)
{
  LwWaveform *wf = g_object_ref_sink (LW_WAVEFORM (lw_waveform_new ()));
  g_autoptr (LwTensor) audio = make_audio (1, 8000);
  GtkWidget *window;
  int y0, h0, w;

  audio->data[4800] = 1.0f;
  g_assert_true (lw_waveform_set_audio (wf, audio, NULL));
  window = show_widget (GTK_WIDGET (wf), 400, 200);
  g_assert_true (lw_waveform_get_lane (wf, 0, &y0, &h0));
  w = gtk_widget_get_width (GTK_WIDGET (wf));

  {
    g_autofree guint8 *buf = NULL;
    gsize stride;
    int xi;

    lw_waveform_set_view (wf, 0.5, 0.7);
    xi = (int) floor (lw_waveform_time_to_x (wf, 0.6));
    g_assert_cmpint (abs (xi - w / 2), <=, 1);
    buf = render (GTK_WIDGET (wf), window, &stride);
    g_assert_cmphex (pixel_at (buf, stride, xi, y0 + 2), !=, pixel_at (buf, stride, xi + 6, y0 + 2));
    g_assert_cmphex (pixel_at (buf, stride, xi - 6, y0 + 2), ==, pixel_at (buf, stride, xi + 6, y0 + 2));
  }
  {
    g_autofree guint8 *buf = NULL;
    gsize stride;

    lw_waveform_set_view (wf, 0, 0.5);
    buf = render (GTK_WIDGET (wf), window, &stride);
    for (int x = 0; x < w; x++)
      g_assert_cmphex (pixel_at (buf, stride, x, y0 + 2), ==, pixel_at (buf, stride, 0, y0 + 2));
  }
  {
    g_autofree guint8 *buf = NULL;
    gsize stride;
    int xi;

    /* 40 samples over the width: 10 px per sample, a line from 0 up to 1 and back */
    lw_waveform_set_view (wf, 4780 / RATE, 4820 / RATE);
    xi = (int) round (lw_waveform_time_to_x (wf, 0.6));
    buf = render (GTK_WIDGET (wf), window, &stride);
    g_assert_cmphex (pixel_at (buf, stride, xi, y0 + 2), !=, pixel_at (buf, stride, xi + 20, y0 + 2));
    /* half-way up the ramp the line passes 5 px from the peak */
    g_assert_cmphex (pixel_at (buf, stride, xi - 20, y0 + h0 / 2 - h0 / 4), ==,
                     pixel_at (buf, stride, xi + 20, y0 + h0 / 2 - h0 / 4));
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (wf);
}

static void
on_seek_cb (GtkWidget *widget,
            double     seconds,
            double    *out)
{
  *out = seconds;
}

/* Home/End/←/→ move the cursor and emit seek; zoom keeps the view in the signal. Two
 * waveforms and a spectrogram bound together share the view and cursor. */
static void
test_waveform_actions_and_binding (void)
{
  LwWaveform *a = g_object_ref_sink (LW_WAVEFORM (lw_waveform_new ()));
  LwWaveform *b = g_object_ref_sink (LW_WAVEFORM (lw_waveform_new ()));
  LwSpectrogram *sg = g_object_ref_sink (LW_SPECTROGRAM (lw_spectrogram_new ()));
  g_autoptr (LwTensor) audio = make_audio (1, 16000);
  g_autoptr (LwTensor) db = lw_tensor_new_2d (100, 8);
  double sought = NAN;
  const char *props[] = { "view-start", "view-end", "cursor" };

  g_assert_true (lw_waveform_set_audio (a, audio, NULL));
  g_assert_true (lw_waveform_set_audio (b, audio, NULL));
  g_assert_true (lw_spectrogram_set_db (sg, db, 0.02, 0, 4000, LW_FREQ_LINEAR, -100, 0, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (props); i++)
    {
      g_object_bind_property (a, props[i], b, props[i], G_BINDING_BIDIRECTIONAL);
      g_object_bind_property (a, props[i], sg, props[i], G_BINDING_BIDIRECTIONAL);
    }
  g_signal_connect (a, "seek", G_CALLBACK (on_seek_cb), &sought);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (a), "waveform.end", NULL));
  g_assert_cmpfloat (sought, ==, 2.0);
  g_assert_cmpfloat (lw_waveform_get_cursor (b), ==, 2.0);
  g_assert_cmpfloat (lw_spectrogram_get_cursor (sg), ==, 2.0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (a), "waveform.home", NULL));
  g_assert_cmpfloat (sought, ==, 0.0);
  /* a step is 5 % of the 2 s view */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (a), "waveform.step", "i", 1));
  g_assert_cmpfloat_with_epsilon (sought, 0.1, 1e-12);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (a), "waveform.step", "i", -1));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (a), "waveform.step", "i", -1));
  g_assert_cmpfloat (sought, ==, 0.0);   /* clamped at the start */

  /* zoom in around the cursor at 1 s: [0.5, 1.5], shared */
  lw_waveform_set_cursor (a, 1.0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (a), "waveform.zoom", "d", 0.5));
  g_assert_cmpfloat_with_epsilon (lw_waveform_get_view_start (b), 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (lw_spectrogram_get_view_end (sg), 1.5, 1e-12);
  /* zooming out far stops at the whole signal */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (a), "waveform.zoom", "d", 100.0));
  g_assert_cmpfloat (lw_waveform_get_view_start (a), ==, 0.0);
  g_assert_cmpfloat (lw_waveform_get_view_end (a), ==, 2.0);
  /* the binding works the other way too */
  lw_spectrogram_set_view (sg, 0.25, 0.75);
  g_assert_cmpfloat (lw_waveform_get_view_start (b), ==, 0.25);
  g_assert_cmpfloat (lw_waveform_get_view_end (a), ==, 0.75);

  g_assert_finalize_object (a);
  g_assert_finalize_object (b);
  g_assert_finalize_object (sg);
}

static void
on_selection_cb (GtkWidget *widget,
                 double     start,
                 double     end,
                 double    *out)
{
  out[0] = start;
  out[1] = end;
}

static GtkEventController *
find_controller (GtkWidget *widget,
                 GType      type)
{
  g_autoptr (GListModel) list = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr (GtkEventController) c = g_list_model_get_item (list, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (c, type))
        return c;
    }
  return NULL;
}

/* A press and release without moving seeks to the time under the pointer; a drag selects
 * (the gesture's signals are emitted directly: the widget's handlers are what is tested) */
static void
test_waveform_click_and_drag (void)
{
  LwWaveform *wf = g_object_ref_sink (LW_WAVEFORM (lw_waveform_new ()));
  g_autoptr (LwTensor) audio = make_audio (1, 16000);
  GtkEventController *drag;
  GtkWidget *window;
  double sought = NAN, sel[2] = { NAN, NAN };
  double w;

  g_assert_true (lw_waveform_set_audio (wf, audio, NULL));
  window = show_widget (GTK_WIDGET (wf), 400, 200);
  w = gtk_widget_get_width (GTK_WIDGET (wf));
  g_signal_connect (wf, "seek", G_CALLBACK (on_seek_cb), &sought);
  g_signal_connect (wf, "selection-changed", G_CALLBACK (on_selection_cb), sel);
  drag = find_controller (GTK_WIDGET (wf), GTK_TYPE_GESTURE_DRAG);
  g_assert_nonnull (drag);

  g_signal_emit_by_name (drag, "drag-begin", w / 4, 50.0);
  g_signal_emit_by_name (drag, "drag-end", 1.0, 0.0);
  g_assert_cmpfloat_with_epsilon (sought, 0.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (lw_waveform_get_cursor (wf), 0.5, 1e-9);
  g_assert_true (isnan (sel[0]));

  sought = NAN;
  g_signal_emit_by_name (drag, "drag-begin", w / 2, 50.0);
  g_signal_emit_by_name (drag, "drag-update", -w / 4, 0.0);
  g_signal_emit_by_name (drag, "drag-end", -w / 4, 0.0);
  g_assert_true (isnan (sought));
  g_assert_cmpfloat_with_epsilon (sel[0], 0.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (sel[1], 1.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (lw_waveform_get_selection_start (wf), 0.5, 1e-9);
  /* dragging past the end stops at the signal's end */
  g_signal_emit_by_name (drag, "drag-begin", w / 2, 50.0);
  g_signal_emit_by_name (drag, "drag-update", w, 0.0);
  g_signal_emit_by_name (drag, "drag-end", w, 0.0);
  g_assert_cmpfloat_with_epsilon (sel[1], 2.0, 1e-9);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (wf);
}

/* Spectrogram */

/* One hot row (0 dB) in −100 dB: that row shows inferno's top colour at its centre, the
 * others inferno's bottom colour; the cursor is drawn at its x */
static void
test_spectrogram_pixels (void)
{
  LwSpectrogram *sg = g_object_ref_sink (LW_SPECTROGRAM (lw_spectrogram_new ()));
  g_autoptr (LwTensor) db = lw_tensor_new_2d (50, 16);
  g_autoptr (GError) error = NULL;
  g_autofree guint8 *buf = NULL;
  GtkWidget *window;
  guint8 hot[3], cold[3], mid[3];
  guint n_cursor = 0, n_view = 0;
  gsize stride;
  int w, y;

  for (gsize f = 0; f < 50; f++)
    for (gsize r = 0; r < 16; r++)
      db->data[f * 16 + r] = r == 5 ? 0.0f : -100.0f;
  db->data[20 * 16 + 9] = -50.0f;   /* one frame, one row at the middle of the range */
  g_signal_connect (sg, "notify::cursor", G_CALLBACK (count_notify_cb), &n_cursor);
  g_signal_connect (sg, "notify::view-end", G_CALLBACK (count_notify_cb), &n_view);
  g_assert_false (lw_spectrogram_set_db (sg, db, 0.01, 100, 50, LW_FREQ_LINEAR, -100, 0, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
  g_assert_true (lw_spectrogram_set_db (sg, db, 0.01, 0, 8000, LW_FREQ_LINEAR, -100, 0, NULL));
  g_assert_cmpfloat_with_epsilon (lw_spectrogram_get_duration (sg), 0.5, 1e-12);
  g_assert_cmpuint (n_view, ==, 1);

  window = show_widget (GTK_WIDGET (sg), 400, 320);
  w = gtk_widget_get_width (GTK_WIDGET (sg));
  buf = render (GTK_WIDGET (sg), window, &stride);
  lw_colormap_lookup (LW_COLORMAP_INFERNO, 1.0, hot);
  lw_colormap_lookup (LW_COLORMAP_INFERNO, 0.0, cold);
  lw_colormap_lookup (LW_COLORMAP_INFERNO, 0.5, mid);

  y = (int) lw_spectrogram_row_to_y (sg, 5);
  g_assert_cmphex (pixel_at (buf, stride, w / 2 + 40, y),
                   ==, 0xff000000u | hot[0] << 16 | hot[1] << 8 | hot[2]);
  g_assert_cmphex (pixel_at (buf, stride, w / 2 + 40, (int) lw_spectrogram_row_to_y (sg, 12)),
                   ==, 0xff000000u | cold[0] << 16 | cold[1] << 8 | cold[2]);
  /* frame 20 spans x 160..168 of 400 */
  g_assert_cmphex (pixel_at (buf, stride, (int) lw_spectrogram_time_to_x (sg, 0.205),
                             (int) lw_spectrogram_row_to_y (sg, 9)),
                   ==, 0xff000000u | mid[0] << 16 | mid[1] << 8 | mid[2]);
  /* row 5 of 16 rows from 0 to 8000 Hz sits at 5/15 of the range */
  g_assert_cmpfloat_with_epsilon (lw_spectrogram_freq_to_y (sg, 8000.0 / 3),
                                  lw_spectrogram_row_to_y (sg, 5), 1e-9);

  lw_spectrogram_set_cursor (sg, 0.3);
  lw_spectrogram_set_cursor (sg, 0.3);
  g_assert_cmpuint (n_cursor, ==, 1);
  {
    g_autofree guint8 *buf2 = render (GTK_WIDGET (sg), window, &stride);
    int xc = (int) floor (lw_spectrogram_time_to_x (sg, 0.3));
    int yc = (int) lw_spectrogram_row_to_y (sg, 12);

    g_assert_cmphex (pixel_at (buf2, stride, xc, yc), !=, pixel_at (buf2, stride, xc + 5, yc));
    g_assert_cmphex (pixel_at (buf2, stride, xc - 5, yc), ==, pixel_at (buf2, stride, xc + 5, yc));
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (sg);
}

/* Spectrum analyser */

static gboolean
wait_idle (gboolean (*animating) (gpointer),
           gpointer  widget,
           guint     timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_once (timeout_ms, on_timeout_cb, &timed_out);

  while (!timed_out && animating (widget))
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return !timed_out;
}

static void
test_spectrum (void)
{
  LwSpectrum *sp = g_object_ref_sink (LW_SPECTRUM (lw_spectrum_new ()));
  const guint n = 1025;
  const double rate = 48000;
  g_autofree float *flat = g_new (float, n);
  g_autofree float *spike = g_new (float, n);
  g_autofree guint8 *before = NULL;
  g_autofree guint8 *after = NULL;
  GtkWidget *window;
  gsize stride;
  double xs, ys, y_floor;
  int first = -1, last = -1, w;
  guint n_decay = 0;

  for (guint k = 0; k < n; k++)
    flat[k] = spike[k] = -100.0f;
  spike[100] = 0.0f;   /* 100 · 48000 / 2048 = 2343.75 Hz */

  g_signal_connect (sp, "notify::peak-decay", G_CALLBACK (count_notify_cb), &n_decay);
  lw_spectrum_set_peak_decay (sp, 2000);
  lw_spectrum_set_peak_decay (sp, 2000);
  g_assert_cmpuint (n_decay, ==, 1);

  window = show_widget (GTK_WIDGET (sp), 400, 300);
  w = gtk_widget_get_width (GTK_WIDGET (sp));
  g_assert_false (lw_spectrum_is_animating (sp));

  /* a flat frame animates for a frame or two and then the tick goes away */
  lw_spectrum_push (sp, flat, n, rate);
  g_assert_true (lw_spectrum_is_animating (sp));
  g_assert_true (wait_idle ((gboolean (*) (gpointer)) lw_spectrum_is_animating, sp, 3000));
  before = render (GTK_WIDGET (sp), window, &stride);

  lw_spectrum_push (sp, spike, n, rate);
  after = render (GTK_WIDGET (sp), window, &stride);
  g_assert_true (lw_spectrum_map (sp, 100 * rate / 2048, -10, &xs, &ys));
  g_assert_true (lw_spectrum_map (sp, 1000, -100, NULL, &y_floor));
  /* in the row 10 dB under the top only the spike's columns changed */
  for (int x = 0; x < w; x++)
    if (pixel_at (before, stride, x, (int) ys) != pixel_at (after, stride, x, (int) ys))
      {
        if (first < 0)
          first = x;
        last = x;
      }
  g_assert_cmpint (first, >=, 0);
  g_assert_cmpint (first, >=, (int) floor (xs) - 3);
  g_assert_cmpint (last, <=, (int) floor (xs) + 3);

  /* the spike gone, its peak falls (hold 0.5 s, then 2000 dB/s) and the tick stops */
  lw_spectrum_push (sp, flat, n, rate);
  g_assert_true (lw_spectrum_is_animating (sp));
  g_assert_true (wait_idle ((gboolean (*) (gpointer)) lw_spectrum_is_animating, sp, 5000));
  {
    g_autofree guint8 *idle = render (GTK_WIDGET (sp), window, &stride);
    g_assert_cmpint (memcmp (idle, before, stride * gtk_widget_get_height (GTK_WIDGET (sp))), ==, 0);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (sp);
}

/* Level meter */

static void
test_level_meter (void)
{
  LwLevelMeter *lm = g_object_ref_sink (LW_LEVEL_METER (lw_level_meter_new ()));
  float rms[2] = { powf (10, -30 / 20.0f), powf (10, -12 / 20.0f) };
  float peak[2] = { rms[0], rms[1] };
  g_autofree guint8 *buf = NULL;
  GtkWidget *window;
  guint n_clip = 0;
  gsize stride;

  g_signal_connect (lm, "notify::clipped", G_CALLBACK (count_notify_cb), &n_clip);
  lw_level_meter_set (lm, rms, peak, 2);
  g_assert_cmpuint (lw_level_meter_get_n_channels (lm), ==, 2);
  window = show_widget (GTK_WIDGET (lm), 400, 120);
  g_assert_false (lw_level_meter_is_animating (lm));
  /* −30 dB is the middle of the −60..0 scale */
  g_assert_cmpfloat_with_epsilon (lw_level_meter_db_to_x (lm, -30),
                                  0.5 * (lw_level_meter_db_to_x (lm, -60) +
                                         lw_level_meter_db_to_x (lm, 0)), 1e-9);
  buf = render (GTK_WIDGET (lm), window, &stride);
  for (guint c = 0; c < 2; c++)
    {
      const double level[2] = { -30, -12 };
      double x = lw_level_meter_db_to_x (lm, level[c]);
      int y, h;
      int x_track = (int) lw_level_meter_db_to_x (lm, -1);
      guint32 bar, empty;

      g_assert_true (lw_level_meter_get_bar (lm, c, &y, &h));
      bar = pixel_at (buf, stride, (int) lw_level_meter_db_to_x (lm, -59), y + h / 2);
      empty = pixel_at (buf, stride, x_track, y + h / 2);
      g_assert_cmphex (bar, !=, empty);
      /* the bar ends at the level's pixel edge nearest to x (the hold mark covers the 2 px
       * before it); −30 dB lands on a half pixel here, so allow either side */
      g_assert_cmphex (pixel_at (buf, stride, (int) floor (x) - 3, y + h / 2), ==, bar);
      g_assert_cmphex (pixel_at (buf, stride, (int) ceil (x) + 1, y + h / 2), ==, empty);
    }

  /* clipping lights the indicator once; a reset puts it out */
  peak[1] = 1.0f;
  lw_level_meter_set (lm, rms, peak, 2);
  lw_level_meter_set (lm, rms, peak, 2);
  g_assert_true (lw_level_meter_get_clipped (lm));
  g_assert_cmpuint (n_clip, ==, 1);
  lw_level_meter_reset (lm);
  g_assert_false (lw_level_meter_get_clipped (lm));
  g_assert_cmpuint (n_clip, ==, 2);

  /* a falling peak animates until its hold mark (1 s, then 20 dB/s) reaches it */
  peak[0] = rms[0] = powf (10, -38 / 20.0f);
  peak[1] = rms[1];
  lw_level_meter_set (lm, rms, peak, 2);
  g_assert_false (lw_level_meter_is_animating (lm));
  peak[0] = rms[0] = powf (10, -40 / 20.0f);
  lw_level_meter_set (lm, rms, peak, 2);
  g_assert_true (lw_level_meter_is_animating (lm));
  g_assert_true (wait_idle ((gboolean (*) (gpointer)) lw_level_meter_is_animating, lm, 4000));

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (lm);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      printf ("1..0 # SKIP no display\n");
      return 77;
    }

  g_test_add_func ("/audio-widgets/waveform/properties", test_waveform_properties);
  g_test_add_func ("/audio-widgets/waveform/sine-and-silence", test_waveform_sine_and_silence);
  g_test_add_func ("/audio-widgets/waveform/cursor", test_waveform_cursor);
  g_test_add_func ("/audio-widgets/waveform/zoom", test_waveform_zoom);
  g_test_add_func ("/audio-widgets/waveform/actions-and-binding", test_waveform_actions_and_binding);
  g_test_add_func ("/audio-widgets/waveform/click-and-drag", test_waveform_click_and_drag);
  g_test_add_func ("/audio-widgets/spectrogram/pixels", test_spectrogram_pixels);
  g_test_add_func ("/audio-widgets/spectrum/peak-and-idle", test_spectrum);
  g_test_add_func ("/audio-widgets/level-meter", test_level_meter);
  return g_test_run ();
}
