/* test-line-plot.c — LwLinePlot: series and properties, rendered pixels (markers, log axis,
 * decimated long series keep their spikes), style colours, fixed x range
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pixels are read at the positions lw_line_plot_data_to_widget() gives, in a 400×300 window:
 * the series' colour where a marker is (markers are drawn while points are ≥ 8 px apart),
 * nothing (the widget leaves its background to CSS) away from lines and grid.
 */
#define G_LOG_DOMAIN "test-line-plot"

#include <gtk/gtk.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lw-line-plot.h"

#define GREEN  0xff339900u   /* the colour the tests give their first series */
#define BLUE   0xff3584e4u   /* the palette's first colour */

static const GdkRGBA green = { 0x33 / 255., 0x99 / 255., 0, 1 };

typedef struct
{
  GtkWidget  *window;
  LwLinePlot *plot;
  int         width, height;
} Shown;

static void
on_timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
}

static void
on_after_paint_cb (gboolean *painted)
{
  *painted = TRUE;
}

static void
show_plot (Shown      *s,
           LwLinePlot *plot)
{
  gboolean timed_out = FALSE;
  guint timeout_id;

  s->plot = plot;
  s->window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (s->window), GTK_WIDGET (plot));
  gtk_window_set_default_size (GTK_WINDOW (s->window), 400, 300);
  gtk_window_present (GTK_WINDOW (s->window));

  timeout_id = g_timeout_add_once (10000, on_timeout_cb, &timed_out);
  while (!timed_out && (!gtk_widget_get_mapped (GTK_WIDGET (plot)) ||
                        gtk_widget_get_width (GTK_WIDGET (plot)) < 300))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout_id);
  s->width = gtk_widget_get_width (GTK_WIDGET (plot));
  s->height = gtk_widget_get_height (GTK_WIDGET (plot));
}

/* The widget paintable shows the widget's last drawn frame: paint one first */
static void
paint_frame (Shown *s)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (s->window);
  gboolean painted = FALSE, timed_out = FALSE;
  guint timeout_id = g_timeout_add_once (10000, on_timeout_cb, &timed_out);
  gulong handler = g_signal_connect_swapped (clock, "after-paint",
                                             G_CALLBACK (on_after_paint_cb), &painted);

  gtk_widget_queue_draw (GTK_WIDGET (s->plot));
  while (!timed_out && !painted)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);
  g_assert_false (timed_out);
  g_source_remove (timeout_id);
}

/* The widget alone (no window background), as premultiplied ARGB32 words */
static guint32 *
render (Shown *s)
{
  g_autoptr (GdkPaintable) paintable = NULL;
  g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (s->window));
  graphene_rect_t viewport = GRAPHENE_RECT_INIT (0, 0, s->width, s->height);
  guint32 *px = g_new (guint32, (gsize) s->width * s->height);

  paint_frame (s);
  paintable = gtk_widget_paintable_new (GTK_WIDGET (s->plot));
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), s->width, s->height);
  node = gtk_snapshot_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &viewport);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, s->width);
  gdk_texture_download (texture, (guint8 *) px, (gsize) s->width * 4);
  return px;
}

static guint32
pixel (Shown         *s,
       const guint32 *px,
       double         x,
       double         y)
{
  int ix = (int) floor (x), iy = (int) floor (y);

  g_assert_cmpint (ix, >=, 0);
  g_assert_cmpint (iy, >=, 0);
  g_assert_cmpint (ix, <, s->width);
  g_assert_cmpint (iy, <, s->height);
  return px[(gsize) iy * s->width + ix];
}

static guint
count_pixels (Shown         *s,
              const guint32 *px,
              guint32        colour)
{
  guint n = 0;

  for (gsize i = 0; i < (gsize) s->width * s->height; i++)
    n += px[i] == colour;
  return n;
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 int        *count)
{
  (*count)++;
}

static void
test_properties (void)
{
  LwLinePlot *plot = g_object_ref_sink (LW_LINE_PLOT (lw_line_plot_new ()));
  int n_log = 0, n_label = 0;
  gboolean log_y;
  g_autofree char *label = NULL;

  g_signal_connect (plot, "notify::log-y", G_CALLBACK (count_notify_cb), &n_log);
  g_signal_connect (plot, "notify::x-label", G_CALLBACK (count_notify_cb), &n_label);

  g_assert_false (lw_line_plot_get_log_y (plot));
  lw_line_plot_set_log_y (plot, FALSE); /* unchanged: no notify */
  lw_line_plot_set_log_y (plot, TRUE);
  lw_line_plot_set_log_y (plot, 2);     /* any true value is TRUE */
  g_assert_cmpint (n_log, ==, 1);
  g_object_get (plot, "log-y", &log_y, NULL);
  g_assert_true (log_y);

  lw_line_plot_set_x_label (plot, "Step");
  lw_line_plot_set_x_label (plot, "Step");
  g_assert_cmpint (n_label, ==, 1);
  g_object_get (plot, "x-label", &label, NULL);
  g_assert_cmpstr (label, ==, "Step");
  g_object_set (plot, "y-label", "Loss", NULL);
  g_assert_cmpstr (lw_line_plot_get_y_label (plot), ==, "Loss");

  /* Series: added by name once, explicit or palette colours, points per series */
  g_assert_cmpuint (lw_line_plot_get_n_series (plot), ==, 0);
  g_assert_cmpuint (lw_line_plot_add_series (plot, "loss", &green), ==, 0);
  g_assert_cmpuint (lw_line_plot_add_series (plot, "loss", NULL), ==, 0);
  lw_line_plot_add_point (plot, "psnr", 1, 30);
  lw_line_plot_add_point (plot, "psnr", 2, 31);
  lw_line_plot_add_point (plot, "loss", 1, 100);
  g_assert_cmpuint (lw_line_plot_get_n_series (plot), ==, 2);
  g_assert_cmpuint (lw_line_plot_get_n_points (plot, "psnr"), ==, 2);
  g_assert_cmpuint (lw_line_plot_get_n_points (plot, "loss"), ==, 1);
  g_assert_cmpuint (lw_line_plot_get_n_points (plot, "nothing"), ==, 0);
  g_assert_true (gdk_rgba_equal (lw_line_plot_get_series_colour (plot, "loss"), &green));
  g_assert_false (gdk_rgba_equal (lw_line_plot_get_series_colour (plot, "psnr"), &green));
  g_assert_null (lw_line_plot_get_series_colour (plot, "nothing"));

  lw_line_plot_clear_points (plot);
  g_assert_cmpuint (lw_line_plot_get_n_series (plot), ==, 2);
  g_assert_cmpuint (lw_line_plot_get_n_points (plot, "psnr"), ==, 0);
  lw_line_plot_clear (plot);
  g_assert_cmpuint (lw_line_plot_get_n_series (plot), ==, 0);

  /* No allocation: no axes */
  lw_line_plot_add_point (plot, "loss", 1, 100);
  g_assert_false (lw_line_plot_data_to_widget (plot, 1, 100, NULL, NULL));

  g_assert_finalize_object (plot);
}

/* A short series: its markers are where data_to_widget says, in its colour, and the axes
 * grow the right way; a second series takes the first palette colour */
static void
test_render_series (void)
{
  LwLinePlot *plot = g_object_ref_sink (LW_LINE_PLOT (lw_line_plot_new ()));
  g_autofree guint32 *px = NULL;
  Shown s;
  double x, y, x0, y0, x1, y1;

  lw_line_plot_set_x_label (plot, "Step");
  lw_line_plot_set_y_label (plot, "Loss");
  lw_line_plot_add_series (plot, "loss", &green);
  for (int i = 0; i <= 10; i++)
    lw_line_plot_add_point (plot, "loss", i * 10, 100 - 5 * i);
  show_plot (&s, plot);
  px = render (&s);

  for (int i = 0; i <= 10; i++)
    {
      g_assert_true (lw_line_plot_data_to_widget (plot, i * 10, 100 - 5 * i, &x, &y));
      g_assert_cmphex (pixel (&s, px, x, y), ==, GREEN);
    }
  g_assert_true (lw_line_plot_data_to_widget (plot, 0, 100, &x0, &y0));
  g_assert_true (lw_line_plot_data_to_widget (plot, 100, 50, &x1, &y1));
  g_assert_cmpfloat (x0, <, x1);
  g_assert_cmpfloat (y0, <, y1);   /* y grows upward: the larger value is higher */
  g_assert_cmpfloat (x0, >, 0);
  g_assert_cmpfloat (x1, <, s.width);
  /* linear: step 50 is halfway */
  g_assert_true (lw_line_plot_data_to_widget (plot, 50, 75, &x, &y));
  g_assert_cmpfloat_with_epsilon ((x - x0) / (x1 - x0), 0.5, 1e-9);
  g_assert_cmpfloat_with_epsilon ((y - y0) / (y1 - y0), 0.5, 1e-9);
  /* below the falling line, between grid lines: nothing */
  g_assert_true (lw_line_plot_data_to_widget (plot, 27, 57, &x, &y));
  g_assert_cmphex (pixel (&s, px, x, y), ==, 0);

  /* a second series in the first palette colour */
  lw_line_plot_add_point (plot, "other", 30, 60);
  lw_line_plot_add_point (plot, "other", 70, 90);
  g_free (px);
  px = render (&s);
  g_assert_true (lw_line_plot_data_to_widget (plot, 70, 90, &x, &y));
  g_assert_cmphex (pixel (&s, px, x, y), ==, BLUE);

  gtk_window_destroy (GTK_WINDOW (s.window));
  g_assert_finalize_object (plot);
}

/* Log y: 10 lies halfway between 1 and 100; values ≤ 0 are left out, not fatal */
static void
test_render_log (void)
{
  LwLinePlot *plot = g_object_ref_sink (LW_LINE_PLOT (lw_line_plot_new ()));
  g_autofree guint32 *px = NULL;
  Shown s;
  double x, y, y1, y100, ylin;

  lw_line_plot_add_series (plot, "loss", &green);
  lw_line_plot_add_point (plot, "loss", 1, 1);
  lw_line_plot_add_point (plot, "loss", 2, 10);
  lw_line_plot_add_point (plot, "loss", 3, 100);
  lw_line_plot_add_point (plot, "loss", 4, 0);
  lw_line_plot_add_point (plot, "loss", 5, NAN);
  lw_line_plot_set_log_y (plot, TRUE);
  show_plot (&s, plot);
  px = render (&s);

  g_assert_true (lw_line_plot_data_to_widget (plot, 1, 1, NULL, &y1));
  g_assert_true (lw_line_plot_data_to_widget (plot, 2, 10, &x, &y));
  g_assert_true (lw_line_plot_data_to_widget (plot, 3, 100, NULL, &y100));
  g_assert_cmpfloat_with_epsilon ((y - y1) / (y100 - y1), 0.5, 1e-9);
  g_assert_false (lw_line_plot_data_to_widget (plot, 4, 0, NULL, NULL));
  g_assert_cmphex (pixel (&s, px, x, y), ==, GREEN);

  /* the same data on a linear axis: 10 sits near the bottom, not in the middle */
  lw_line_plot_set_log_y (plot, FALSE);
  g_assert_true (lw_line_plot_data_to_widget (plot, 2, 10, NULL, &ylin));
  g_assert_true (lw_line_plot_data_to_widget (plot, 1, 1, NULL, &y1));
  g_assert_true (lw_line_plot_data_to_widget (plot, 3, 100, NULL, &y100));
  g_assert_cmpfloat ((ylin - y1) / (y100 - y1), <, 0.2);
  g_free (px);
  px = render (&s);
  g_assert_true (lw_line_plot_data_to_widget (plot, 2, 10, &x, &y));
  g_assert_cmphex (pixel (&s, px, x, y), ==, GREEN);

  gtk_window_destroy (GTK_WINDOW (s.window));
  g_assert_finalize_object (plot);
}

/* 50 000 points: decimated per pixel column, yet a one-point spike still reaches its height;
 * no markers (they would cover the plot) */
static void
test_render_many (void)
{
  LwLinePlot *plot = g_object_ref_sink (LW_LINE_PLOT (lw_line_plot_new ()));
  g_autofree guint32 *px = NULL;
  const guint n = 50000, spike = 31234;
  Shown s;
  double x, y, ylo, yhi;
  gint64 t0;
  guint n_green;

  lw_line_plot_add_series (plot, "loss", &green);
  for (guint i = 0; i < n; i++)
    lw_line_plot_add_point (plot, "loss", i, i == spike ? 10.0 : 1.0 + 0.01 * (i % 2));
  show_plot (&s, plot);
  t0 = g_get_monotonic_time ();
  px = render (&s);
  g_test_message ("50 000 points rendered in %.1f ms",
                  (g_get_monotonic_time () - t0) / 1000.0);

  /* halfway up the spike's vertical stroke */
  g_assert_true (lw_line_plot_data_to_widget (plot, spike, 1.0, &x, &ylo));
  g_assert_true (lw_line_plot_data_to_widget (plot, spike, 10.0, NULL, &yhi));
  y = (ylo + yhi) / 2;
  g_assert_cmphex (pixel (&s, px, floor (x) + 0.5, y), ==, GREEN);
  /* no markers: a thin band along the bottom and the spike, far from filling the plot */
  n_green = count_pixels (&s, px, GREEN);
  g_assert_cmpuint (n_green, >, 200);
  g_assert_cmpuint (n_green, <, (guint) (s.width * 6));

  gtk_window_destroy (GTK_WINDOW (s.window));
  g_assert_finalize_object (plot);
}

/* A fixed x range: the curve grows across a steady axis; style foreground for the axes;
 * the placeholder when there is nothing to draw */
static void
test_range_style_placeholder (void)
{
  LwLinePlot *plot = g_object_ref_sink (LW_LINE_PLOT (lw_line_plot_new ()));
  g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();
  g_autofree guint32 *empty = NULL;
  g_autofree guint32 *styled = NULL;
  GdkDisplay *display = gdk_display_get_default ();
  Shown s;
  double x0, x1, x;

  show_plot (&s, plot);
  empty = render (&s);
  g_assert_false (lw_line_plot_data_to_widget (plot, 1, 1, NULL, NULL));
  /* the placeholder text is drawn, in no series colour */
  g_assert_cmpuint (count_pixels (&s, empty, 0), <, (guint) (s.width * s.height));
  g_assert_cmpuint (count_pixels (&s, empty, GREEN), ==, 0);

  lw_line_plot_set_x_range (plot, 0, 1000);
  lw_line_plot_add_series (plot, "loss", &green);
  lw_line_plot_add_point (plot, "loss", 10, 5);
  lw_line_plot_add_point (plot, "loss", 20, 4);
  g_assert_true (lw_line_plot_data_to_widget (plot, 0, 5, &x0, NULL));
  g_assert_true (lw_line_plot_data_to_widget (plot, 1000, 5, &x1, NULL));
  g_assert_true (lw_line_plot_data_to_widget (plot, 500, 5, &x, NULL));
  g_assert_cmpfloat_with_epsilon ((x - x0) / (x1 - x0), 0.5, 1e-9);
  g_assert_cmpfloat (x1 - x0, >, 250);
  /* back to fitting the data: 10…20 spans the plot */
  lw_line_plot_set_x_range (plot, NAN, NAN);
  g_assert_true (lw_line_plot_data_to_widget (plot, 10, 5, &x0, NULL));
  g_assert_true (lw_line_plot_data_to_widget (plot, 20, 5, &x1, NULL));
  g_assert_cmpfloat (x1 - x0, >, 250);

  /* The axes and text take the style's foreground (as the dark style would set it) */
  gtk_css_provider_load_from_data (css, "lineplot { color: rgb(0, 160, 0); }", -1);
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_USER);
  styled = render (&s);
  g_assert_cmpuint (count_pixels (&s, styled, 0xff00a000), >, 300);
  gtk_style_context_remove_provider_for_display (display, GTK_STYLE_PROVIDER (css));

  gtk_window_destroy (GTK_WINDOW (s.window));
  g_assert_finalize_object (plot);
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

  g_test_add_func ("/line-plot/properties", test_properties);
  g_test_add_func ("/line-plot/render/series", test_render_series);
  g_test_add_func ("/line-plot/render/log", test_render_log);
  g_test_add_func ("/line-plot/render/many-points", test_render_many);
  g_test_add_func ("/line-plot/render/range-style-placeholder", test_range_style_placeholder);
  return g_test_run ();
}
