/* test-compare-widget.c — LwCompareView: layout math, properties, zoom/pan, rendered pixels
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-compare-widget"

#include <gtk/gtk.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lw-compare-view.h"
#include "lw-diffmap.h"
#include "lw-fit.h"
#include "lw-texture.h"

#define EPS 1e-9

static void
assert_rect (const LwRect *r,
             double        x,
             double        y,
             double        w,
             double        h)
{
  g_assert_cmpfloat_with_epsilon (r->x, x, EPS);
  g_assert_cmpfloat_with_epsilon (r->y, y, EPS);
  g_assert_cmpfloat_with_epsilon (r->width, w, EPS);
  g_assert_cmpfloat_with_epsilon (r->height, h, EPS);
}

static void
test_fit_scale (void)
{
  /* limited by width, by height, by the cap, and degenerate sizes */
  g_assert_cmpfloat_with_epsilon (lw_fit_scale (200, 100, 100, 100, 1.0), 0.5, EPS);
  g_assert_cmpfloat_with_epsilon (lw_fit_scale (100, 400, 100, 100, 1.0), 0.25, EPS);
  g_assert_cmpfloat_with_epsilon (lw_fit_scale (50, 50, 100, 200, 1.0), 1.0, EPS);
  g_assert_cmpfloat_with_epsilon (lw_fit_scale (50, 50, 100, 200, 4.0), 2.0, EPS);
  g_assert_cmpfloat (lw_fit_scale (0, 50, 100, 100, 1.0), ==, 0.0);
  g_assert_cmpfloat (lw_fit_scale (50, 50, 100, -3, 1.0), ==, 0.0);
}

static void
test_fit_center (void)
{
  LwRect box = { 10, 20, 100, 50 };
  LwRect r;

  lw_fit_center (40, 30, 1.0, &box, &r);
  assert_rect (&r, 40, 30, 40, 30);
  lw_fit_center (40, 30, 0.5, &box, &r);
  assert_rect (&r, 50, 37.5, 20, 15);
}

static void
test_fit_side_by_side (void)
{
  LwRect area = { 0, 30, 412, 200 };
  LwRect l, r;
  double s;

  /* Equal images: cells 200 wide, scale 0.5 from the width, centred vertically */
  s = lw_fit_side_by_side (400, 200, 400, 200, &area, 12, 1.0, &l, &r);
  g_assert_cmpfloat_with_epsilon (s, 0.5, EPS);
  assert_rect (&l, 0, 80, 200, 100);
  assert_rect (&r, 212, 80, 200, 100);

  /* Different sizes share the scale of the larger one: the smaller stays smaller, and both
   * meet at the middle line (206 ± 6) */
  s = lw_fit_side_by_side (400, 200, 200, 100, &area, 12, 1.0, &l, &r);
  g_assert_cmpfloat_with_epsilon (s, 0.5, EPS);
  assert_rect (&l, 0, 80, 200, 100);
  assert_rect (&r, 212, 105, 100, 50);

  /* Small images are not enlarged beyond the cap */
  s = lw_fit_side_by_side (50, 40, 50, 40, &area, 12, 1.0, &l, &r);
  g_assert_cmpfloat_with_epsilon (s, 1.0, EPS);
  assert_rect (&l, 150, 110, 50, 40);
  assert_rect (&r, 212, 110, 50, 40);

  /* A missing image gets an empty rect; no room gives scale 0 */
  s = lw_fit_side_by_side (400, 200, 0, 0, &area, 12, 1.0, &l, &r);
  g_assert_cmpfloat_with_epsilon (s, 0.5, EPS);
  g_assert_cmpfloat (r.width, ==, 0.0);
  area.width = 10;
  s = lw_fit_side_by_side (400, 200, 400, 200, &area, 12, 1.0, &l, &r);
  g_assert_cmpfloat (s, ==, 0.0);
  g_assert_cmpfloat (l.width, ==, 0.0);
}

static void
test_fit_zoom_step (void)
{
  const double lo = 1.0 / 64.0, hi = 32.0;

  /* from "fit" scales between levels to the adjacent level; from a level one √2 step */
  g_assert_cmpfloat_with_epsilon (lw_fit_zoom_step (0.75, 1, lo, hi), 1.0, EPS);
  g_assert_cmpfloat_with_epsilon (lw_fit_zoom_step (0.75, -1, lo, hi), M_SQRT1_2, EPS);
  g_assert_cmpfloat_with_epsilon (lw_fit_zoom_step (1.0, 1, lo, hi), M_SQRT2, EPS);
  g_assert_cmpfloat_with_epsilon (lw_fit_zoom_step (M_SQRT2, 1, lo, hi), 2.0, EPS);
  g_assert_cmpfloat_with_epsilon (lw_fit_zoom_step (2.0, -1, lo, hi), M_SQRT2, EPS);
  g_assert_cmpfloat_with_epsilon (lw_fit_zoom_step (M_SQRT2, -1, lo, hi), 1.0, EPS);
  /* 3200 % is the top and 1/64 the bottom */
  g_assert_cmpfloat (lw_fit_zoom_step (32.0, 1, lo, hi), ==, 32.0);
  g_assert_cmpfloat (lw_fit_zoom_step (23.0, 1, lo, hi), ==, 32.0);
  g_assert_cmpfloat (lw_fit_zoom_step (lo, -1, lo, hi), ==, lo);
  g_assert_cmpfloat (lw_fit_zoom_step (0.0, 1, lo, hi), ==, 1.0);
  /* ten steps up from 1 reach 32 exactly */
  double z = 1.0;
  for (int i = 0; i < 10; i++)
    z = lw_fit_zoom_step (z, 1, lo, hi);
  g_assert_cmpfloat_with_epsilon (z, 32.0, 1e-12);
}

static void
test_fit_clamp_center (void)
{
  /* image fits the view: centred whatever was asked */
  g_assert_cmpfloat (lw_fit_clamp_center (3.0, 100, 400, 2.0), ==, 50.0);
  g_assert_cmpfloat (lw_fit_clamp_center (NAN, 100, 400, 2.0), ==, 50.0);
  /* 100 px at 8× in a 400 px view: the view spans 50 image px, centre in [25, 75] */
  g_assert_cmpfloat (lw_fit_clamp_center (10.0, 100, 400, 8.0), ==, 25.0);
  g_assert_cmpfloat (lw_fit_clamp_center (90.0, 100, 400, 8.0), ==, 75.0);
  g_assert_cmpfloat (lw_fit_clamp_center (60.0, 100, 400, 8.0), ==, 60.0);
  g_assert_cmpfloat (lw_fit_clamp_center (5.0, 0, 400, 8.0), ==, 0.0);
}

static GdkTexture *
solid_texture (int    width,
               int    height,
               guint8 r,
               guint8 g,
               guint8 b)
{
  gsize n = (gsize) width * height * 3;
  guint8 *px = g_malloc (n);
  g_autoptr (GBytes) bytes = NULL;

  for (gsize i = 0; i < n; i += 3)
    {
      px[i] = r;
      px[i + 1] = g;
      px[i + 2] = b;
    }
  bytes = g_bytes_new_take (px, n);
  return gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8, bytes, (gsize) width * 3);
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
  LwCompareView *view = g_object_ref_sink (LW_COMPARE_VIEW (lw_compare_view_new ()));
  g_autoptr (GdkTexture) a = solid_texture (8, 8, 255, 0, 0);
  g_autoptr (GdkTexture) b = solid_texture (8, 8, 0, 0, 255);
  int n_original = 0, n_decoded = 0, n_caption = 0;
  g_autofree char *default_caption = NULL;

  g_signal_connect (view, "notify::original", G_CALLBACK (count_notify_cb), &n_original);
  g_signal_connect (view, "notify::decoded", G_CALLBACK (count_notify_cb), &n_decoded);
  g_signal_connect (view, "notify::decoded-caption", G_CALLBACK (count_notify_cb), &n_caption);

  g_assert_null (lw_compare_view_get_original (view));
  lw_compare_view_set_original (view, a);
  lw_compare_view_set_original (view, a);
  g_assert_cmpint (n_original, ==, 1);
  g_assert_true (lw_compare_view_get_original (view) == a);

  g_object_set (view, "decoded", b, NULL);
  g_object_set (view, "decoded", b, NULL);
  g_assert_cmpint (n_decoded, ==, 1);
  lw_compare_view_set_decoded (view, NULL);
  g_assert_cmpint (n_decoded, ==, 2);
  g_assert_null (lw_compare_view_get_decoded (view));

  default_caption = g_strdup (lw_compare_view_get_decoded_caption (view));
  g_assert_cmpstr (default_caption, !=, "");
  lw_compare_view_set_decoded_caption (view, "Decoded — 0.52 bpp, 31.2 dB");
  lw_compare_view_set_decoded_caption (view, "Decoded — 0.52 bpp, 31.2 dB");
  g_assert_cmpint (n_caption, ==, 1);
  g_assert_cmpstr (lw_compare_view_get_decoded_caption (view), ==, "Decoded — 0.52 bpp, 31.2 dB");
  lw_compare_view_set_decoded_caption (view, NULL);
  g_assert_cmpstr (lw_compare_view_get_decoded_caption (view), ==, default_caption);
  g_assert_cmpint (n_caption, ==, 2);

  g_assert_finalize_object (view);
}

static void
test_properties_view (void)
{
  LwCompareView *view = g_object_ref_sink (LW_COMPARE_VIEW (lw_compare_view_new ()));
  g_autoptr (GdkTexture) a = solid_texture (8, 8, 255, 0, 0);
  g_autoptr (GdkTexture) heat = solid_texture (8, 8, 0, 0, 4);
  int n_mode = 0, n_zoom = 0, n_split = 0, n_diff = 0, n_orig_caption = 0;
  LwCompareMode mode;
  double zoom;
  GEnumClass *enum_class;

  /* the enum is registered by hand with nicks for GtkBuilder and settings */
  enum_class = g_type_class_ref (LW_TYPE_COMPARE_MODE);
  g_assert_cmpstr (g_enum_get_value (enum_class, LW_COMPARE_MODE_SIDE_BY_SIDE)->value_nick, ==,
                   "side-by-side");
  g_assert_cmpint (g_enum_get_value_by_nick (enum_class, "difference")->value, ==,
                   LW_COMPARE_MODE_DIFFERENCE);
  g_type_class_unref (enum_class);

  g_signal_connect (view, "notify::mode", G_CALLBACK (count_notify_cb), &n_mode);
  g_signal_connect (view, "notify::zoom", G_CALLBACK (count_notify_cb), &n_zoom);
  g_signal_connect (view, "notify::split", G_CALLBACK (count_notify_cb), &n_split);
  g_signal_connect (view, "notify::difference", G_CALLBACK (count_notify_cb), &n_diff);
  g_signal_connect (view, "notify::original-caption", G_CALLBACK (count_notify_cb),
                    &n_orig_caption);
  lw_compare_view_set_original (view, a);

  /* defaults: split view, fit, divider in the middle */
  g_assert_cmpint (lw_compare_view_get_mode (view), ==, LW_COMPARE_MODE_SPLIT);
  g_assert_cmpfloat (lw_compare_view_get_zoom (view), ==, 0.0);
  g_assert_cmpfloat (lw_compare_view_get_split (view), ==, 0.5);

  lw_compare_view_set_mode (view, LW_COMPARE_MODE_SPLIT);
  g_assert_cmpint (n_mode, ==, 0);
  g_object_set (view, "mode", LW_COMPARE_MODE_DIFFERENCE, NULL);
  lw_compare_view_set_mode (view, LW_COMPARE_MODE_DIFFERENCE);
  g_assert_cmpint (n_mode, ==, 1);
  g_object_get (view, "mode", &mode, NULL);
  g_assert_cmpint (mode, ==, LW_COMPARE_MODE_DIFFERENCE);

  /* zoom: 0 is fit; values clamp to [1/64, 32], so a clamped repeat is no change */
  lw_compare_view_set_zoom (view, 0);
  lw_compare_view_set_zoom (view, -5);
  g_assert_cmpint (n_zoom, ==, 0);
  lw_compare_view_set_zoom (view, 100);
  g_assert_cmpint (n_zoom, ==, 1);
  g_assert_cmpfloat (lw_compare_view_get_zoom (view), ==, 32.0);
  lw_compare_view_set_zoom (view, 32);
  lw_compare_view_zoom_in (view); /* already at the top */
  g_assert_cmpint (n_zoom, ==, 1);
  g_object_set (view, "zoom", 1e-9, NULL);
  g_assert_cmpint (n_zoom, ==, 2);
  g_object_get (view, "zoom", &zoom, NULL);
  g_assert_cmpfloat (zoom, ==, 1.0 / 64.0);
  lw_compare_view_zoom_out (view);
  g_assert_cmpint (n_zoom, ==, 2);
  lw_compare_view_set_zoom (view, NAN);
  g_assert_cmpint (n_zoom, ==, 3);
  g_assert_cmpfloat (lw_compare_view_get_zoom (view), ==, 0.0);

  lw_compare_view_set_split (view, 0.5);
  g_assert_cmpint (n_split, ==, 0);
  lw_compare_view_set_split (view, 0.25);
  g_object_set (view, "split", 0.25, NULL);
  g_assert_cmpint (n_split, ==, 1);
  lw_compare_view_set_split (view, 7.0);
  lw_compare_view_set_split (view, 1.0);
  g_assert_cmpint (n_split, ==, 2);
  g_assert_cmpfloat (lw_compare_view_get_split (view), ==, 1.0);

  /* a new legend range alone is not a new heat map */
  lw_compare_view_set_difference (view, heat, 255.0);
  lw_compare_view_set_difference (view, heat, 25.5);
  g_assert_cmpint (n_diff, ==, 1);
  g_assert_true (lw_compare_view_get_difference (view) == heat);
  g_object_set (view, "difference", NULL, NULL);
  g_assert_cmpint (n_diff, ==, 2);
  g_assert_null (lw_compare_view_get_difference (view));

  g_object_set (view, "original-caption", "Astronaut", NULL);
  g_object_set (view, "original-caption", "Astronaut", NULL);
  g_assert_cmpint (n_orig_caption, ==, 1);

  g_assert_finalize_object (view);
}

static void
test_texture_from_tensor (void)
{
  g_autoptr (LwTensor) gray = lw_tensor_new_3d (1, 2, 3);
  g_autoptr (LwTensor) bad = lw_tensor_new_2d (2, 3);
  g_autoptr (GdkTexture) texture = NULL;
  g_autoptr (GError) error = NULL;
  guint8 px[2 * 3 * 4];

  for (gsize i = 0; i < 6; i++)
    gray->data[i] = (float) i / 5.0f;
  gray->data[5] = 1.7f; /* clamped */
  texture = lw_texture_from_tensor (gray, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 3);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, 2);
  gdk_texture_download (texture, px, 3 * 4);
  /* Download gives premultiplied ARGB32 in native order: B, G, R, A on little endian.
   * Pixel 1 (value 0.2 → 51) and pixel 5 (clamped → 255); gray means R = G = B. */
  guint32 p1, p5;
  memcpy (&p1, px + 4, 4);
  memcpy (&p5, px + 5 * 4, 4);
  g_assert_cmphex (p1, ==, 0xff333333);
  g_assert_cmphex (p5, ==, 0xffffffff);

  g_assert_null (lw_texture_from_tensor (bad, &error));
  g_assert_nonnull (error);
}

static void
on_timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
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

/* A window around the view, shown and laid out */
static GtkWidget *
show_view (LwCompareView *view)
{
  GtkWidget *window = gtk_window_new ();
  gboolean timed_out = FALSE;
  guint timeout_id;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 300);
  gtk_window_present (GTK_WINDOW (window));

  timeout_id = g_timeout_add_once (10000, on_timeout_cb, &timed_out);
  while (!timed_out && (!gtk_widget_get_mapped (GTK_WIDGET (view)) ||
                        gtk_widget_get_width (GTK_WIDGET (view)) < 100))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout_id);
  return window;
}

/* Let pending relayouts (mode changes move the captions) happen */
static void
settle (void)
{
  for (int i = 0; i < 50 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
}

/* The view drawn into memory as premultiplied ARGB32, 0xAARRGGBB per pixel (little endian) */
static guint8 *
render_view (LwCompareView *view,
             GtkWidget     *window,
             gsize         *stride_out)
{
  int w = gtk_widget_get_width (GTK_WIDGET (view));
  int h = gtk_widget_get_height (GTK_WIDGET (view));
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) rendered = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  graphene_rect_t viewport = GRAPHENE_RECT_INIT (0, 0, w, h);
  gsize stride = (gsize) w * 4;
  guint8 *buf;

  /* The paintable takes the widget's image when it is made; right after showing the window
   * (before its first frame) that image can still be empty, so wait for a frame and retry. */
  for (int attempt = 0; attempt < 100 && node == NULL; attempt++)
    {
      g_autoptr (GdkPaintable) paintable = NULL;
      g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();

      if (attempt > 0)
        g_usleep (10000);
      settle ();
      paintable = gtk_widget_paintable_new (GTK_WIDGET (view));
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), w, h);
      node = gtk_snapshot_to_node (snapshot);
    }
  g_assert_nonnull (node);
  rendered = gsk_renderer_render_texture (renderer, node, &viewport);
  g_assert_cmpint (gdk_texture_get_width (rendered), ==, w);
  buf = g_malloc (stride * h);
  gdk_texture_download (rendered, buf, stride);
  *stride_out = stride;
  return buf;
}

static void
test_render_side_by_side (void)
{
  LwCompareView *view = g_object_ref_sink (LW_COMPARE_VIEW (lw_compare_view_new ()));
  g_autoptr (GdkTexture) red = solid_texture (400, 400, 255, 0, 0);
  g_autoptr (GdkTexture) blue = solid_texture (400, 400, 0, 0, 255);
  GtkWidget *window;
  g_autofree guint8 *buf = NULL;
  gsize stride;
  int w, h;

  lw_compare_view_set_original (view, red);
  lw_compare_view_set_decoded (view, blue);
  lw_compare_view_set_mode (view, LW_COMPARE_MODE_SIDE_BY_SIDE);
  window = show_view (view);
  w = gtk_widget_get_width (GTK_WIDGET (view));
  h = gtk_widget_get_height (GTK_WIDGET (view));
  buf = render_view (view, window, &stride);

  /* The images are square and fill their pane's width; the centre of each pane, a little
   * below the middle (captions sit at the top), is inside its image. */
  g_assert_cmphex (pixel_at (buf, stride, w / 4, h / 2 + 10), ==, 0xffff0000);
  g_assert_cmphex (pixel_at (buf, stride, 3 * w / 4, h / 2 + 10), ==, 0xff0000ff);
  /* the gap between them shows neither */
  g_assert_cmphex (pixel_at (buf, stride, w / 2, h / 2 + 10) & 0x00ffffff, !=, 0xff0000);
  g_assert_cmphex (pixel_at (buf, stride, w / 2, h / 2 + 10) & 0x00ffffff, !=, 0x0000ff);

  /* both panes show the same image point at the same place in the pane */
  {
    double pw = floor ((w - 12) / 2.0), lx, ly, rx, ry;
    g_assert_true (lw_compare_view_widget_to_image (view, 30, h / 2.0, &lx, &ly));
    g_assert_true (lw_compare_view_widget_to_image (view, 30 + (w - pw), h / 2.0, &rx, &ry));
    g_assert_cmpfloat_with_epsilon (lx, rx, EPS);
    g_assert_cmpfloat_with_epsilon (ly, ry, EPS);
    g_assert_false (lw_compare_view_widget_to_image (view, w / 2.0, h / 2.0, NULL, NULL));
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (view);
}

/* Split view along one row: left of the divider red, right of it blue, judged by the image
 * column widget_to_image reports (the 3 px around the divider line are its drawing). */
static void
check_split_row (LwCompareView *view,
                 const guint8  *buf,
                 gsize          stride,
                 int            w,
                 int            y,
                 double         boundary)
{
  double s = lw_compare_view_get_effective_zoom (view);
  int n_red = 0, n_blue = 0, n_out = 0;

  for (int x = 0; x < w; x++)
    {
      guint32 p = pixel_at (buf, stride, x, y);
      double ix, iy;

      if (!lw_compare_view_widget_to_image (view, x + 0.5, y + 0.5, &ix, &iy))
        {
          g_assert_cmphex (p, !=, 0xffff0000);
          g_assert_cmphex (p, !=, 0xff0000ff);
          n_out++;
        }
      else if ((boundary - ix) * s > 3)
        {
          g_assert_cmphex (p, ==, 0xffff0000);
          n_red++;
        }
      else if ((ix - boundary) * s > 3)
        {
          g_assert_cmphex (p, ==, 0xff0000ff);
          n_blue++;
        }
    }
  g_assert_cmpint (n_red, >, 20);
  g_assert_cmpint (n_blue, >, 20);
  g_assert_cmpint (n_out, >, 0);
}

static void
test_render_split (void)
{
  LwCompareView *view = g_object_ref_sink (LW_COMPARE_VIEW (lw_compare_view_new ()));
  g_autoptr (GdkTexture) red = solid_texture (400, 400, 255, 0, 0);
  g_autoptr (GdkTexture) blue = solid_texture (400, 400, 0, 0, 255);
  GtkWidget *window;
  int w, h;

  lw_compare_view_set_original (view, red);
  lw_compare_view_set_decoded (view, blue);
  window = show_view (view);
  w = gtk_widget_get_width (GTK_WIDGET (view));
  h = gtk_widget_get_height (GTK_WIDGET (view));

  {
    gsize stride;
    g_autofree guint8 *buf = render_view (view, window, &stride);
    /* below the knob (at the middle) and the captions (at the top) */
    check_split_row (view, buf, stride, w, h / 2 + 40, 200.0);
    /* the divider line itself is neither image */
    double ix, iy;
    int x;
    for (x = 0; x < w; x++)
      if (lw_compare_view_widget_to_image (view, x + 0.5, h / 2.0, &ix, &iy) && ix >= 200)
        break;
    guint32 line = pixel_at (buf, stride, x, h / 2 + 40);
    g_assert_cmphex (line, !=, 0xffff0000);
    g_assert_cmphex (line, !=, 0xff0000ff);
  }

  lw_compare_view_set_split (view, 0.25);
  {
    gsize stride;
    g_autofree guint8 *buf = render_view (view, window, &stride);
    check_split_row (view, buf, stride, w, h / 2 + 40, 100.0);
  }

  /* zoomed in at 400 % around the divider: still red | blue, with nearest-neighbour pixels */
  lw_compare_view_set_zoom (view, 4.0);
  lw_compare_view_set_center (view, 100, 200);
  {
    gsize stride;
    g_autofree guint8 *buf = render_view (view, window, &stride);
    g_assert_cmphex (pixel_at (buf, stride, 10, h / 2 + 40), ==, 0xffff0000);
    g_assert_cmphex (pixel_at (buf, stride, w - 10, h / 2 + 40), ==, 0xff0000ff);
  }

  /* without a decoded image the original fills the view */
  lw_compare_view_set_decoded (view, NULL);
  lw_compare_view_set_zoom (view, 0);
  {
    gsize stride;
    g_autofree guint8 *buf = render_view (view, window, &stride);
    double ix, iy;
    for (int x = 0; x < w; x += 7)
      if (lw_compare_view_widget_to_image (view, x + 0.5, h / 2 + 40.5, &ix, &iy))
        g_assert_cmphex (pixel_at (buf, stride, x, h / 2 + 40), ==, 0xffff0000);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (view);
}

static void
test_render_difference (void)
{
  LwCompareView *view = g_object_ref_sink (LW_COMPARE_VIEW (lw_compare_view_new ()));
  g_autoptr (LwTensor) image = lw_tensor_new_3d (3, 200, 300);
  g_autoptr (LwTensor) same = NULL;
  g_autoptr (LwTensor) heat = NULL;
  g_autoptr (GdkTexture) original = NULL;
  g_autoptr (GdkTexture) heat_texture = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree guint8 *buf = NULL;
  GtkWidget *window;
  double max_diff;
  gsize stride;
  int w, h, n_image = 0, n_bright = 0;

  for (gsize i = 0; i < lw_tensor_numel (image); i++)
    image->data[i] = (float) ((i * 31) % 256) / 255.0f;
  same = lw_tensor_copy (image);
  heat = lw_diff_map (image, same, 4.0, LW_COLORMAP_INFERNO, &max_diff, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (max_diff, ==, 0.0);
  original = lw_texture_from_tensor (image, &error);
  g_assert_no_error (error);
  heat_texture = lw_texture_from_tensor (heat, &error);
  g_assert_no_error (error);

  lw_compare_view_set_original (view, original);
  lw_compare_view_set_decoded (view, original);
  lw_compare_view_set_difference (view, heat_texture, 255.0 / 4.0);
  lw_compare_view_set_mode (view, LW_COMPARE_MODE_DIFFERENCE);
  window = show_view (view);
  w = gtk_widget_get_width (GTK_WIDGET (view));
  h = gtk_widget_get_height (GTK_WIDGET (view));
  buf = render_view (view, window, &stride);

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 p = pixel_at (buf, stride, x, y);
        double ix, iy;
        /* the legend sits in the bottom-right corner, the caption at the top left */
        gboolean legend = x > w - 220 && y > h - 90;
        gboolean caption = y < 40;

        if (legend)
          {
            /* pale yellow of the bar's top end, or white text */
            if (((p >> 16) & 0xff) > 200 && ((p >> 8) & 0xff) > 200)
              n_bright++;
            continue;
          }
        if (caption || !lw_compare_view_widget_to_image (view, x + 0.5, y + 0.5, &ix, &iy))
          continue;
        /* inferno at 0 is (0, 0, 4): black for the eye */
        g_assert_cmphex (p, ==, 0xff000004);
        n_image++;
      }
  g_assert_cmpint (n_image, >, 40000);
  g_assert_cmpint (n_bright, >, 10);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (view);
}

static GdkTexture *
checker_texture (void)
{
  /* 2×2: black, white / white, black */
  static const guint8 px[] = { 0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 0 };
  g_autoptr (GBytes) bytes = g_bytes_new (px, sizeof px);

  return gdk_memory_texture_new (2, 2, GDK_MEMORY_R8G8B8, bytes, 6);
}

/* Every widget pixel over the image is pure black or white and matches the checker cell
 * widget_to_image names: no interpolated grays at the cell edges. */
static void
check_checker (LwCompareView *view,
               GtkWidget     *window,
               double         zoom)
{
  int w = gtk_widget_get_width (GTK_WIDGET (view));
  int h = gtk_widget_get_height (GTK_WIDGET (view));
  gsize stride;
  g_autofree guint8 *buf = NULL;
  int n = 0;

  lw_compare_view_set_zoom (view, zoom);
  g_assert_cmpfloat (lw_compare_view_get_effective_zoom (view), ==, zoom);
  buf = render_view (view, window, &stride);
  for (int y = 40; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        double ix, iy;
        if (!lw_compare_view_widget_to_image (view, x + 0.5, y + 0.5, &ix, &iy))
          continue;
        gboolean white = ((int) ix + (int) iy) % 2 == 1;
        g_assert_cmphex (pixel_at (buf, stride, x, y), ==, white ? 0xffffffff : 0xff000000);
        n++;
      }
  /* the whole image is on screen, or the screen is all image */
  g_assert_cmpint (n, ==, (int) MIN (4 * zoom * zoom, (double) w * (h - 40)));
}

static void
test_render_nearest (void)
{
  LwCompareView *view = g_object_ref_sink (LW_COMPARE_VIEW (lw_compare_view_new ()));
  g_autoptr (GdkTexture) checker = checker_texture ();
  GtkWidget *window;

  lw_compare_view_set_original (view, checker);
  window = show_view (view);
  /* "fit" never enlarges */
  g_assert_cmpfloat (lw_compare_view_get_effective_zoom (view), ==, 1.0);
  check_checker (view, window, 1.0);
  check_checker (view, window, 8.0);
  check_checker (view, window, 32.0);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (view);
}

static void
test_zoom_and_center (void)
{
  LwCompareView *view = g_object_ref_sink (LW_COMPARE_VIEW (lw_compare_view_new ()));
  g_autoptr (GdkTexture) red = solid_texture (400, 400, 255, 0, 0);
  GtkWidget *window;
  double x, y, s, fit;
  int w, h;

  lw_compare_view_set_original (view, red);
  window = show_view (view);
  w = gtk_widget_get_width (GTK_WIDGET (view));
  h = gtk_widget_get_height (GTK_WIDGET (view));

  /* fit: the whole image, centred */
  fit = MIN (1.0, MIN (w / 400.0, h / 400.0));
  g_assert_cmpfloat_with_epsilon (lw_compare_view_get_effective_zoom (view), fit, EPS);
  lw_compare_view_get_center (view, &x, &y);
  g_assert_cmpfloat (x, ==, 200.0);
  g_assert_cmpfloat (y, ==, 200.0);
  g_assert_true (lw_compare_view_widget_to_image (view, w / 2.0, h / 2.0, &x, &y));
  /* the image sits on whole pixels: within half a screen pixel of the exact centre */
  g_assert_cmpfloat (fabs (x - 200.0), <=, 0.5 / fit + EPS);
  g_assert_cmpfloat (fabs (y - 200.0), <=, 0.5 / fit + EPS);
  g_assert_false (lw_compare_view_widget_to_image (view, -5, h / 2.0, &x, &y));
  g_assert_false (lw_compare_view_widget_to_image (view, w / 2.0, h + 5.0, &x, &y));

  /* 200 %: the view spans w/2 × h/2 image px, so the centre is clamped to keep it inside */
  lw_compare_view_set_zoom (view, 2.0);
  lw_compare_view_set_center (view, 150, 180);
  lw_compare_view_get_center (view, &x, &y);
  g_assert_cmpfloat (x, ==, CLAMP (150.0, w / 4.0, 400 - w / 4.0));
  g_assert_cmpfloat (y, ==, CLAMP (180.0, h / 4.0, 400 - h / 4.0));
  double cx = x, cy = y;
  g_assert_true (lw_compare_view_widget_to_image (view, w / 2.0 + 20, h / 2.0 - 10, &x, &y));
  g_assert_cmpfloat (fabs (x - (cx + 10)), <=, 0.25 + EPS);
  g_assert_cmpfloat (fabs (y - (cy - 5)), <=, 0.25 + EPS);
  /* moving one screen pixel moves half an image pixel */
  {
    double x2, y2;
    lw_compare_view_widget_to_image (view, w / 2.0 + 21, h / 2.0 - 10, &x2, &y2);
    g_assert_cmpfloat_with_epsilon (x2 - x, 0.5, EPS);
  }

  /* the image cannot be panned off screen */
  lw_compare_view_set_center (view, -1000, 1e6);
  lw_compare_view_get_center (view, &x, &y);
  g_assert_cmpfloat (x, ==, w / 4.0);
  g_assert_cmpfloat (y, ==, 400 - h / 4.0);
  g_assert_true (lw_compare_view_widget_to_image (view, 0.5, h - 0.5, &x, &y));
  g_assert_cmpfloat (x, <, 1.0);
  g_assert_cmpfloat (y, >, 399.0);

  /* steps: from fit to 100 %, then √2 at a time; the actions do the same */
  lw_compare_view_set_zoom (view, 0);
  lw_compare_view_zoom_in (view);
  s = lw_compare_view_get_effective_zoom (view);
  g_assert_cmpfloat_with_epsilon (s, fit < 1.0 ? 1.0 : M_SQRT2, EPS);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "compare.zoom-in", NULL));
  g_assert_cmpfloat_with_epsilon (lw_compare_view_get_zoom (view), s * M_SQRT2, EPS);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "compare.zoom-out", NULL));
  g_assert_cmpfloat_with_epsilon (lw_compare_view_get_zoom (view), s, EPS);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "compare.zoom-fit", NULL));
  g_assert_cmpfloat (lw_compare_view_get_zoom (view), ==, 0.0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "compare.zoom-100", NULL));
  g_assert_cmpfloat (lw_compare_view_get_zoom (view), ==, 1.0);
  for (int i = 0; i < 20; i++)
    lw_compare_view_zoom_in (view);
  g_assert_cmpfloat_with_epsilon (lw_compare_view_get_zoom (view), 32.0, 1e-12);
  g_assert_true (gtk_widget_get_focusable (GTK_WIDGET (view)));

  /* a new image of another size starts at its centre; one of the same size keeps the view */
  {
    g_autoptr (GdkTexture) same = solid_texture (400, 400, 0, 0, 255);
    g_autoptr (GdkTexture) other = solid_texture (800, 600, 0, 0, 255);
    lw_compare_view_set_zoom (view, 2.0);
    lw_compare_view_set_center (view, 150, 180);
    lw_compare_view_set_original (view, same);
    lw_compare_view_get_center (view, &x, &y);
    g_assert_cmpfloat (x, ==, CLAMP (150.0, w / 4.0, 400 - w / 4.0));
    lw_compare_view_set_original (view, other);
    lw_compare_view_get_center (view, &x, &y);
    g_assert_cmpfloat (x, ==, 400.0);
    g_assert_cmpfloat (y, ==, 300.0);
  }
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (view);

  /* a view restored (zoom, centre) before its first image keeps that centre */
  view = g_object_ref_sink (LW_COMPARE_VIEW (lw_compare_view_new ()));
  lw_compare_view_set_zoom (view, 2.0);
  lw_compare_view_set_center (view, 150, 180);
  lw_compare_view_set_original (view, red);
  window = show_view (view);
  lw_compare_view_get_center (view, &x, &y);
  g_assert_cmpfloat (x, ==, CLAMP (150.0, w / 4.0, 400 - w / 4.0));
  g_assert_cmpfloat (y, ==, CLAMP (180.0, h / 4.0, 400 - h / 4.0));
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (view);
}

static void
on_hover_cb (LwCompareView *view,
             int            x,
             int            y,
             int           *last)
{
  last[0] = x;
  last[1] = y;
  last[2]++;
}

static GtkEventController *
find_controller (GtkWidget *widget,
                 GType      type)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) c = g_list_model_get_item (controllers, i);
      if (G_TYPE_CHECK_INSTANCE_TYPE (c, type))
        return GTK_EVENT_CONTROLLER (c); /* the widget keeps it alive */
    }
  return NULL;
}

static void
test_hover (void)
{
  LwCompareView *view = g_object_ref_sink (LW_COMPARE_VIEW (lw_compare_view_new ()));
  g_autoptr (GdkTexture) red = solid_texture (40, 30, 255, 0, 0);
  GtkWidget *window;
  GtkEventController *motion;
  int last[3] = { 0, 0, 0 };
  double ix, iy;
  int w, h;

  lw_compare_view_set_original (view, red);
  window = show_view (view);
  w = gtk_widget_get_width (GTK_WIDGET (view));
  h = gtk_widget_get_height (GTK_WIDGET (view));
  g_signal_connect (view, "hover", G_CALLBACK (on_hover_cb), last);
  motion = find_controller (GTK_WIDGET (view), GTK_TYPE_EVENT_CONTROLLER_MOTION);
  g_assert_nonnull (motion);

  /* the pointer over the image reports the pixel widget_to_image names, once per pixel */
  lw_compare_view_set_zoom (view, 4.0);
  g_assert_true (lw_compare_view_widget_to_image (view, w / 2.0 + 9, h / 2.0 - 5, &ix, &iy));
  g_signal_emit_by_name (motion, "motion", w / 2.0 + 9, h / 2.0 - 5);
  g_assert_cmpint (last[0], ==, (int) floor (ix));
  g_assert_cmpint (last[1], ==, (int) floor (iy));
  g_assert_cmpint (last[2], ==, 1);
  g_signal_emit_by_name (motion, "motion", w / 2.0 + 9.1, h / 2.0 - 5);
  g_assert_cmpint (last[2], ==, 1);

  /* zooming under a still pointer changes the pixel below it */
  lw_compare_view_set_zoom (view, 1.0);
  g_assert_true (lw_compare_view_widget_to_image (view, w / 2.0 + 9, h / 2.0 - 5, &ix, &iy));
  g_assert_cmpint (last[0], ==, (int) floor (ix));
  g_assert_cmpint (last[2], ==, 2);

  /* outside the image and on leaving: (−1, −1) */
  g_signal_emit_by_name (motion, "motion", 1.0, 1.0);
  g_assert_cmpint (last[0], ==, -1);
  g_assert_cmpint (last[1], ==, -1);
  g_assert_cmpint (last[2], ==, 3);
  g_signal_emit_by_name (motion, "motion", w / 2.0, h / 2.0);
  g_assert_cmpint (last[0], ==, 20);
  g_assert_cmpint (last[1], ==, 15);
  g_signal_emit_by_name (motion, "leave");
  g_assert_cmpint (last[0], ==, -1);
  g_assert_cmpint (last[2], ==, 5);

  /* plain wheel scrolling pans (48 px a notch) while there is something to pan, and is left
   * to an enclosing scroller otherwise */
  {
    GtkEventController *scroll = find_controller (GTK_WIDGET (view),
                                                  GTK_TYPE_EVENT_CONTROLLER_SCROLL);
    gboolean handled = FALSE;
    double x0, y0, x1, y1;

    lw_compare_view_set_zoom (view, 0);
    g_signal_emit_by_name (scroll, "scroll", 0.0, 1.0, &handled);
    g_assert_false (handled);
    lw_compare_view_set_zoom (view, 32.0);
    lw_compare_view_get_center (view, &x0, &y0);
    g_signal_emit_by_name (scroll, "scroll", 1.0, -1.0, &handled);
    g_assert_true (handled);
    lw_compare_view_get_center (view, &x1, &y1);
    g_assert_cmpfloat_with_epsilon (x1 - x0, 48.0 / 32.0, EPS);
    g_assert_cmpfloat_with_epsilon (y1 - y0, -48.0 / 32.0, EPS);
    for (int i = 0; i < 100; i++)
      g_signal_emit_by_name (scroll, "scroll", 0.0, 1.0, &handled);
    lw_compare_view_get_center (view, NULL, &y1);
    g_assert_cmpfloat (y1, ==, 30.0 - h / 64.0);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (view);
}

static void
test_no_image (void)
{
  LwCompareView *view = g_object_ref_sink (LW_COMPARE_VIEW (lw_compare_view_new ()));
  g_autoptr (GdkTexture) wide = solid_texture (300, 100, 0, 255, 0);
  g_autoptr (GdkTexture) tall = solid_texture (100, 300, 255, 0, 0);
  GtkWidget *window = show_view (view);
  g_autofree guint8 *buf = NULL;
  gsize stride;
  double x, y;
  int w = gtk_widget_get_width (GTK_WIDGET (view));
  int h = gtk_widget_get_height (GTK_WIDGET (view));
  guint32 bg;
  gboolean text = FALSE;

  /* empty: the placeholder text in the middle, no mapping */
  buf = render_view (view, window, &stride);
  bg = pixel_at (buf, stride, 2, 2);
  for (int yy = h / 2 - 10; yy < h / 2 + 10; yy++)
    for (int xx = w / 2 - 40; xx < w / 2 + 40; xx++)
      text |= pixel_at (buf, stride, xx, yy) != bg;
  g_assert_true (text);
  g_assert_false (lw_compare_view_widget_to_image (view, w / 2.0, h / 2.0, &x, &y));
  g_assert_cmpfloat (lw_compare_view_get_effective_zoom (view), ==, 0.0);

  /* a decoded image of another size is drawn from the same corner at the same scale, and
   * every mode copes */
  lw_compare_view_set_original (view, wide);
  lw_compare_view_set_decoded (view, tall);
  for (int mode = LW_COMPARE_MODE_SPLIT; mode <= LW_COMPARE_MODE_DIFFERENCE; mode++)
    {
      g_autofree guint8 *b = NULL;
      lw_compare_view_set_mode (view, mode);
      lw_compare_view_set_zoom (view, 0);
      b = render_view (view, window, &stride);
      lw_compare_view_set_zoom (view, 5.0);
      g_clear_pointer (&b, g_free);
      b = render_view (view, window, &stride);
    }

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (view);
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

  g_test_add_func ("/compare-view/fit/scale", test_fit_scale);
  g_test_add_func ("/compare-view/fit/center", test_fit_center);
  g_test_add_func ("/compare-view/fit/side-by-side", test_fit_side_by_side);
  g_test_add_func ("/compare-view/fit/zoom-step", test_fit_zoom_step);
  g_test_add_func ("/compare-view/fit/clamp-center", test_fit_clamp_center);
  g_test_add_func ("/compare-view/properties", test_properties);
  g_test_add_func ("/compare-view/properties/view", test_properties_view);
  g_test_add_func ("/compare-view/texture-from-tensor", test_texture_from_tensor);
  g_test_add_func ("/compare-view/render/side-by-side", test_render_side_by_side);
  g_test_add_func ("/compare-view/render/split", test_render_split);
  g_test_add_func ("/compare-view/render/difference", test_render_difference);
  g_test_add_func ("/compare-view/render/nearest", test_render_nearest);
  g_test_add_func ("/compare-view/zoom-and-center", test_zoom_and_center);
  g_test_add_func ("/compare-view/hover", test_hover);
  g_test_add_func ("/compare-view/no-image", test_no_image);
  return g_test_run ();
}
