/* test-rd-plot.c — LwRdPlot: properties, rendered pixels, hover, style colours, export
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pixels are checked at the positions lw_rd_plot_data_to_widget() gives, in a 400×300 window:
 * the curve's palette colour where a marker is, nothing (the widget leaves its background to
 * CSS) far from any curve, the ring of the operating point at its radius.
 */
#define G_LOG_DOMAIN "test-rd-plot"

#include <gtk/gtk.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lw-error.h"
#include "lw-image-io.h"
#include "lw-rd-plot.h"

#define BLUE   0xff3584e4u   /* palette[0], the first curve */
#define ORANGE 0xffe66100u   /* palette[1] */
#define OP_RADIUS 7          /* as in lw-rd-plot.c */

typedef struct
{
  GtkWidget *window;
  LwRdPlot  *plot;
  int        width, height;
} Shown;

static LwRdCurve *
make_curve (const char   *codec,
            const double *bpp,
            const double *psnr,
            guint         n)
{
  LwRdCurve *curve = lw_rd_curve_new (codec, "test.png");

  for (guint i = 0; i < n; i++)
    {
      LwRdPoint pt = { .param = 10.0 * (i + 1), .bytes = 1000 * (i + 1), .bpp = bpp[i],
                       .psnr = psnr[i], .psnr_y = psnr[i] + 1, .ssim = 0.8 + 0.05 * i,
                       .ms_ssim = 0.9 + 0.03 * i, .dim_reduction = 1 };
      lw_rd_curve_add (curve, &pt);
    }
  return curve;
}

static LwRdCurve *
known_curve (const char *codec)
{
  static const double bpp[] = { 0.5, 1, 2 };
  static const double psnr[] = { 30, 35, 40 };

  return make_curve (codec, bpp, psnr, 3);
}

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
show_plot (Shown    *s,
           LwRdPlot *plot)
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

/* The widget paintable shows the widget's last drawn frame, and a change (queue_draw)
 * drops that: paint one frame first */
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
test_metric_enum (void)
{
  g_autoptr (GEnumClass) klass = g_type_class_ref (LW_TYPE_RD_METRIC);

  g_assert_true (G_TYPE_IS_ENUM (LW_TYPE_RD_METRIC));
  g_assert_cmpuint (klass->n_values, ==, 4);
  g_assert_cmpint (g_enum_get_value_by_nick (klass, "psnr")->value, ==, LW_RD_METRIC_PSNR);
  g_assert_cmpint (g_enum_get_value_by_nick (klass, "psnr-y")->value, ==, LW_RD_METRIC_PSNR_Y);
  g_assert_cmpint (g_enum_get_value_by_nick (klass, "ssim")->value, ==, LW_RD_METRIC_SSIM);
  g_assert_cmpint (g_enum_get_value_by_nick (klass, "ms-ssim")->value, ==, LW_RD_METRIC_MS_SSIM);
  g_assert_cmpstr (lw_rd_metric_get_title (LW_RD_METRIC_PSNR), ==, "PSNR (dB)");
}

static void
test_properties (void)
{
  LwRdPlot *plot = g_object_ref_sink (LW_RD_PLOT (lw_rd_plot_new ()));
  g_autoptr (LwRdCurve) a = known_curve ("jpeg");
  g_autoptr (LwRdCurve) b = known_curve ("webp");
  int n_metric = 0, n_log = 0;
  LwRdMetric metric;
  gboolean log_rate;

  g_signal_connect (plot, "notify::metric", G_CALLBACK (count_notify_cb), &n_metric);
  g_signal_connect (plot, "notify::log-rate", G_CALLBACK (count_notify_cb), &n_log);

  g_assert_cmpint (lw_rd_plot_get_metric (plot), ==, LW_RD_METRIC_PSNR);
  lw_rd_plot_set_metric (plot, LW_RD_METRIC_PSNR); /* unchanged: no notify */
  g_assert_cmpint (n_metric, ==, 0);
  lw_rd_plot_set_metric (plot, LW_RD_METRIC_SSIM);
  lw_rd_plot_set_metric (plot, LW_RD_METRIC_SSIM);
  g_assert_cmpint (n_metric, ==, 1);
  g_object_set (plot, "metric", LW_RD_METRIC_MS_SSIM, NULL);
  g_object_set (plot, "metric", LW_RD_METRIC_MS_SSIM, NULL);
  g_assert_cmpint (n_metric, ==, 2);
  g_object_get (plot, "metric", &metric, NULL);
  g_assert_cmpint (metric, ==, LW_RD_METRIC_MS_SSIM);

  g_assert_false (lw_rd_plot_get_log_rate (plot));
  lw_rd_plot_set_log_rate (plot, TRUE);
  lw_rd_plot_set_log_rate (plot, 2); /* any true value is TRUE */
  g_assert_cmpint (n_log, ==, 1);
  g_object_get (plot, "log-rate", &log_rate, NULL);
  g_assert_true (log_rate);
  g_object_set (plot, "log-rate", FALSE, NULL);
  g_assert_cmpint (n_log, ==, 2);

  /* Curves: add, replace by codec name, remove, clear */
  g_assert_cmpuint (lw_rd_plot_get_n_curves (plot), ==, 0);
  lw_rd_plot_set_curve (plot, a);
  lw_rd_plot_set_curve (plot, b);
  lw_rd_plot_set_curve (plot, a);
  g_assert_cmpuint (lw_rd_plot_get_n_curves (plot), ==, 2);
  lw_rd_plot_remove_curve (plot, "nothing");
  lw_rd_plot_remove_curve (plot, "jpeg");
  g_assert_cmpuint (lw_rd_plot_get_n_curves (plot), ==, 1);
  lw_rd_plot_clear (plot);
  g_assert_cmpuint (lw_rd_plot_get_n_curves (plot), ==, 0);
  /* the plot keeps copies: the caller's curves are untouched and still ours to free */
  g_assert_cmpuint (a->points->len, ==, 3);

  /* No allocation: no axes */
  lw_rd_plot_set_curve (plot, a);
  g_assert_false (lw_rd_plot_data_to_widget (plot, 1, 35, NULL, NULL));

  g_assert_finalize_object (plot);
}

static void
test_render_curve (void)
{
  LwRdPlot *plot = g_object_ref_sink (LW_RD_PLOT (lw_rd_plot_new ()));
  g_autoptr (LwRdCurve) curve = known_curve ("jpeg");
  g_autofree guint32 *px = NULL;
  Shown s;
  double x, y, x0, y0, x1, y1;

  lw_rd_plot_set_curve (plot, curve);
  show_plot (&s, plot);
  px = render (&s);

  /* the marker at (1 bpp, 35 dB) is drawn in the first palette colour */
  g_assert_true (lw_rd_plot_data_to_widget (plot, 1, 35, &x, &y));
  g_assert_cmphex (pixel (&s, px, x, y), ==, BLUE);
  /* axes grow upward and rightward; the points lie inside the widget */
  g_assert_true (lw_rd_plot_data_to_widget (plot, 0.5, 30, &x0, &y0));
  g_assert_true (lw_rd_plot_data_to_widget (plot, 2, 40, &x1, &y1));
  g_assert_cmpfloat (x0, <, x);
  g_assert_cmpfloat (x, <, x1);
  g_assert_cmpfloat (y0, >, y);
  g_assert_cmpfloat (y, >, y1);
  g_assert_cmpfloat (x0, >, 0);
  g_assert_cmpfloat (x1, <, s.width);
  g_assert_cmpfloat (y1, >, 0);
  g_assert_cmpfloat (y0, <, s.height);
  /* linear x: 1 bpp is a third of the way from 0.5 to 2 */
  g_assert_cmpfloat_with_epsilon ((x - x0) / (x1 - x0), 1.0 / 3.0, 1e-9);
  /* far from the curve (upper left, between grid lines, away from the legend): nothing */
  g_assert_true (lw_rd_plot_data_to_widget (plot, 0.7, 38.5, &x, &y));
  g_assert_cmphex (pixel (&s, px, x, y), ==, 0);

  /* Log rate: 1 bpp is halfway (in log) between 0.5 and 2 */
  lw_rd_plot_set_log_rate (plot, TRUE);
  g_assert_true (lw_rd_plot_data_to_widget (plot, 0.5, 30, &x0, NULL));
  g_assert_true (lw_rd_plot_data_to_widget (plot, 1, 35, &x, NULL));
  g_assert_true (lw_rd_plot_data_to_widget (plot, 2, 40, &x1, NULL));
  g_assert_cmpfloat_with_epsilon ((x - x0) / (x1 - x0), 0.5, 1e-9);
  g_assert_false (lw_rd_plot_data_to_widget (plot, 0, 35, NULL, NULL));
  g_free (px);
  px = render (&s);
  g_assert_true (lw_rd_plot_data_to_widget (plot, 1, 35, &x, &y));
  g_assert_cmphex (pixel (&s, px, x, y), ==, BLUE);

  /* A second curve takes the second colour; the metric switch moves the points */
  {
    static const double bpp[] = { 0.6, 1.2, 1.8 };
    static const double psnr[] = { 31, 36, 39 };
    g_autoptr (LwRdCurve) other = make_curve ("webp", bpp, psnr, 3);

    lw_rd_plot_set_curve (plot, other);
    lw_rd_plot_set_metric (plot, LW_RD_METRIC_PSNR_Y); /* psnr_y = psnr + 1 */
    g_free (px);
    px = render (&s);
    g_assert_true (lw_rd_plot_data_to_widget (plot, 1.2, 37, &x, &y));
    g_assert_cmphex (pixel (&s, px, x, y), ==, ORANGE);
    g_assert_true (lw_rd_plot_data_to_widget (plot, 1, 36, &x, &y));
    g_assert_cmphex (pixel (&s, px, x, y), ==, BLUE);
  }

  gtk_window_destroy (GTK_WINDOW (s.window));
  g_assert_finalize_object (plot);
}

static void
test_operating_point (void)
{
  LwRdPlot *plot = g_object_ref_sink (LW_RD_PLOT (lw_rd_plot_new ()));
  g_autoptr (LwRdCurve) curve = known_curve ("jpeg");
  g_autofree guint32 *before = NULL;
  g_autofree guint32 *with = NULL;
  g_autofree guint32 *hidden = NULL;
  Shown s;
  double x, y;

  lw_rd_plot_set_curve (plot, curve);
  show_plot (&s, plot);
  before = render (&s);

  /* below the curve and off the grid lines (ticks 0.5, 1, …; 30, 35, 40), so the ring is
   * clear of both: the middle of its stroke is at the radius */
  lw_rd_plot_set_operating_point (plot, "jpeg", 1.6, 33, 34, 0.9, 0.95);
  with = render (&s);
  g_assert_true (lw_rd_plot_data_to_widget (plot, 1.6, 33, &x, &y));
  g_assert_cmphex (pixel (&s, before, x + OP_RADIUS, y), ==, 0);
  g_assert_cmphex (pixel (&s, with, x + OP_RADIUS, y), ==, BLUE);
  g_assert_cmphex (pixel (&s, with, x - OP_RADIUS, y), ==, BLUE);
  g_assert_cmphex (pixel (&s, with, x, y - OP_RADIUS), ==, BLUE);
  /* a ring: the middle stays empty */
  g_assert_cmphex (pixel (&s, with, x, y), ==, 0);

  /* NaN bpp hides it again: the same pixels as without */
  lw_rd_plot_set_operating_point (plot, "jpeg", NAN, NAN, NAN, NAN, NAN);
  hidden = render (&s);
  g_assert_true (memcmp (before, hidden, (gsize) s.width * s.height * 4) == 0);

  gtk_window_destroy (GTK_WINDOW (s.window));
  g_assert_finalize_object (plot);
}

static void
test_hover (void)
{
  LwRdPlot *plot = g_object_ref_sink (LW_RD_PLOT (lw_rd_plot_new ()));
  g_autoptr (LwRdCurve) curve = known_curve ("jpeg");
  g_autoptr (GListModel) controllers = NULL;
  g_autofree guint32 *before = NULL;
  g_autofree guint32 *hovered = NULL;
  g_autofree guint32 *far = NULL;
  g_autofree guint32 *left = NULL;
  GtkEventController *motion = NULL;
  gsize size;
  Shown s;
  double x, y;

  lw_rd_plot_set_curve (plot, curve);
  show_plot (&s, plot);
  size = (gsize) s.width * s.height * 4;
  before = render (&s);

  /* Drive the widget's own motion controller: no pointer under Xvfb */
  controllers = gtk_widget_observe_controllers (GTK_WIDGET (plot));
  for (guint i = 0; i < g_list_model_get_n_items (controllers) && motion == NULL; i++)
    {
      g_autoptr (GObject) c = g_list_model_get_item (controllers, i);
      if (GTK_IS_EVENT_CONTROLLER_MOTION (c))
        motion = GTK_EVENT_CONTROLLER (c);
    }
  g_assert_nonnull (motion);

  /* 6 px from the middle point: within reach, it is highlighted and a readout appears */
  g_assert_true (lw_rd_plot_data_to_widget (plot, 1, 35, &x, &y));
  g_signal_emit_by_name (motion, "motion", x + 4, y + 4.5);
  hovered = render (&s);
  g_assert_false (memcmp (before, hovered, size) == 0);
  /* the highlight disc is larger than the marker, and the readout is framed in the colour */
  g_assert_cmpuint (count_pixels (&s, hovered, BLUE), >, count_pixels (&s, before, BLUE) + 40);

  /* 30 px away: nothing to highlight */
  g_signal_emit_by_name (motion, "motion", x + 30, y + 30);
  far = render (&s);
  g_assert_true (memcmp (before, far, size) == 0);

  g_signal_emit_by_name (motion, "motion", x, y);
  g_signal_emit_by_name (motion, "leave");
  left = render (&s);
  g_assert_true (memcmp (before, left, size) == 0);

  gtk_window_destroy (GTK_WINDOW (s.window));
  g_assert_finalize_object (plot);
}

static void
test_style_colours (void)
{
  LwRdPlot *plot = g_object_ref_sink (LW_RD_PLOT (lw_rd_plot_new ()));
  g_autoptr (LwRdCurve) curve = known_curve ("jpeg");
  g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();
  g_autofree guint32 *plain = NULL;
  g_autofree guint32 *green = NULL;
  g_autofree guint32 *empty = NULL;
  GdkDisplay *display = gdk_display_get_default ();
  Shown s;

  lw_rd_plot_set_curve (plot, curve);
  show_plot (&s, plot);
  plain = render (&s);
  g_assert_cmpuint (count_pixels (&s, plain, 0xff00a000), ==, 0);

  /* The axes and text take the style's foreground (as a dark style would set it) */
  gtk_css_provider_load_from_data (css, "rdplot { color: rgb(0, 160, 0); }", -1);
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_USER);
  green = render (&s);
  /* the two axis lines alone are several hundred pixels */
  g_assert_cmpuint (count_pixels (&s, green, 0xff00a000), >, 300);
  gtk_style_context_remove_provider_for_display (display, GTK_STYLE_PROVIDER (css));

  /* No curves: the placeholder text, and no axes */
  lw_rd_plot_clear (plot);
  empty = render (&s);
  g_assert_false (lw_rd_plot_data_to_widget (plot, 1, 35, NULL, NULL));
  g_assert_cmpuint (count_pixels (&s, empty, 0), <, (guint) (s.width * s.height));
  g_assert_cmpuint (count_pixels (&s, empty, BLUE), ==, 0);

  gtk_window_destroy (GTK_WINDOW (s.window));
  g_assert_finalize_object (plot);
}

static guint
count_entries (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (d);
  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
assert_file_starts_with (const char *path,
                         const char *a,
                         const char *b)
{
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (contents, a) || (b && g_str_has_prefix (contents, b)));
}

static void
test_export (void)
{
  LwRdPlot *plot = g_object_ref_sink (LW_RD_PLOT (lw_rd_plot_new ()));
  g_autoptr (LwRdCurve) curve = known_curve ("jpeg");
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("lw-rd-plot-XXXXXX", &error);
  g_autofree char *png = g_build_filename (dir, "plot.png", NULL);
  g_autofree char *svg = g_build_filename (dir, "plot.svg", NULL);
  g_autofree char *pdf = g_build_filename (dir, "Plot.PDF", NULL);
  g_autofree char *bad = g_build_filename (dir, "plot.bmp", NULL);
  g_autofree char *noext = g_build_filename (dir, "plot", NULL);
  g_autofree char *missing = g_build_filename (dir, "no-folder", "plot.png", NULL);
  g_autofree char *not_dir = g_build_filename (png, "plot.png", NULL);
  g_autoptr (LwTensor) image = NULL;
  LwImageInfo info;

  g_assert_no_error (error);
  lw_rd_plot_set_curve (plot, curve);
  lw_rd_plot_set_operating_point (plot, "jpeg", 1.5, 33, 34, 0.9, 0.95);

  /* PNG at the given size, white in the corner */
  g_assert_true (lw_rd_plot_export (plot, png, 640, 400, &error));
  g_assert_no_error (error);
  image = lw_image_load (png, &info, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (image->shape[1], ==, 400);
  g_assert_cmpuint (image->shape[2], ==, 640);
  /* cairo writes RGB when every pixel is opaque, as here */
  g_assert_cmpuint (info.channels, ==, 3);
  for (guint c = 0; c < 3; c++)
    g_assert_cmpfloat (image->data[c * 400 * 640], ==, 1.0f);

  g_assert_true (lw_rd_plot_export (plot, svg, 640, 400, &error));
  g_assert_no_error (error);
  assert_file_starts_with (svg, "<?xml", "<svg");
  /* the extension's case does not matter */
  g_assert_true (lw_rd_plot_export (plot, pdf, 640, 400, &error));
  g_assert_no_error (error);
  assert_file_starts_with (pdf, "%PDF", NULL);

  /* Replacing an existing file leaves no temporary file behind */
  g_assert_true (lw_rd_plot_export (plot, png, 320, 200, &error));
  g_assert_no_error (error);
  g_clear_pointer (&image, lw_tensor_free);
  image = lw_image_load (png, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (image->shape[2], ==, 320);
  g_assert_cmpuint (count_entries (dir), ==, 3);

  /* Unknown extension, size out of range, missing folder, a file where the folder should
   * be: clear errors and no new files */
  g_assert_false (lw_rd_plot_export (plot, bad, 640, 400, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, ".bmp"));
  g_clear_error (&error);
  g_assert_false (lw_rd_plot_export (plot, noext, 640, 400, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_assert_false (lw_rd_plot_export (plot, png, 0, 400, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
  g_clear_error (&error);
  g_assert_false (lw_rd_plot_export (plot, missing, 640, 400, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_IO);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);
  g_assert_false (lw_rd_plot_export (plot, not_dir, 640, 400, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_IO);
  g_clear_error (&error);
  g_assert_cmpuint (count_entries (dir), ==, 3);

  /* Without curves the export shows the placeholder, and still works */
  lw_rd_plot_clear (plot);
  g_assert_true (lw_rd_plot_export (plot, svg, 200, 100, &error));
  g_assert_no_error (error);

  g_assert_cmpint (g_remove (png), ==, 0);
  g_assert_cmpint (g_remove (svg), ==, 0);
  g_assert_cmpint (g_remove (pdf), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
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

  g_test_add_func ("/rd-plot/metric-enum", test_metric_enum);
  g_test_add_func ("/rd-plot/properties", test_properties);
  g_test_add_func ("/rd-plot/render/curve", test_render_curve);
  g_test_add_func ("/rd-plot/render/operating-point", test_operating_point);
  g_test_add_func ("/rd-plot/render/hover", test_hover);
  g_test_add_func ("/rd-plot/render/style-colours", test_style_colours);
  g_test_add_func ("/rd-plot/export", test_export);
  return g_test_run ();
}
