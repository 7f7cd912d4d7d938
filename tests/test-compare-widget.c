/* test-compare-widget.c — LwCompareView: fit-rect math, properties, and rendered pixels
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-compare-widget"

#include <gtk/gtk.h>
#include <stdio.h>
#include <string.h>

#include "lw-compare-view.h"
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

static void
test_render (void)
{
  LwCompareView *view = g_object_ref_sink (LW_COMPARE_VIEW (lw_compare_view_new ()));
  g_autoptr (GdkTexture) red = solid_texture (400, 400, 255, 0, 0);
  g_autoptr (GdkTexture) blue = solid_texture (400, 400, 0, 0, 255);
  GtkWidget *window = gtk_window_new ();
  gboolean timed_out = FALSE;
  guint timeout_id;
  int w, h;

  lw_compare_view_set_original (view, red);
  lw_compare_view_set_decoded (view, blue);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 300);
  gtk_window_present (GTK_WINDOW (window));

  timeout_id = g_timeout_add_once (10000, on_timeout_cb, &timed_out);
  while (!timed_out && (!gtk_widget_get_mapped (GTK_WIDGET (view)) ||
                        gtk_widget_get_width (GTK_WIDGET (view)) < 100))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout_id);

  w = gtk_widget_get_width (GTK_WIDGET (view));
  h = gtk_widget_get_height (GTK_WIDGET (view));

  {
    g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (view));
    g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
    g_autoptr (GskRenderNode) node = NULL;
    g_autoptr (GdkTexture) rendered = NULL;
    g_autofree guint8 *buf = NULL;
    GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
    graphene_rect_t viewport = GRAPHENE_RECT_INIT (0, 0, w, h);
    gsize stride = (gsize) w * 4;

    gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), w, h);
    node = gtk_snapshot_to_node (snapshot);
    g_assert_nonnull (node);
    rendered = gsk_renderer_render_texture (renderer, node, &viewport);
    g_assert_cmpint (gdk_texture_get_width (rendered), ==, w);
    buf = g_malloc (stride * h);
    gdk_texture_download (rendered, buf, stride);

    /* The images are square and fill their half's width; the centre of each half, a little
     * below the middle (captions take the top), is inside its image. */
    g_assert_cmphex (pixel_at (buf, stride, w / 4, h / 2 + 10), ==, 0xffff0000);
    g_assert_cmphex (pixel_at (buf, stride, 3 * w / 4, h / 2 + 10), ==, 0xff0000ff);
    /* the gap between them shows neither */
    g_assert_cmphex (pixel_at (buf, stride, w / 2, h / 2 + 10) & 0x00ffffff, !=, 0xff0000);
    g_assert_cmphex (pixel_at (buf, stride, w / 2, h / 2 + 10) & 0x00ffffff, !=, 0x0000ff);
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
  g_test_add_func ("/compare-view/properties", test_properties);
  g_test_add_func ("/compare-view/texture-from-tensor", test_texture_from_tensor);
  g_test_add_func ("/compare-view/render", test_render);
  return g_test_run ();
}
