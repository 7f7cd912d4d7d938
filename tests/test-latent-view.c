/* test-latent-view.c — LwLatentView: properties, tiles where expected, placeholder text
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-latent-view"

#include <gtk/gtk.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lw-latent-view.h"

#define LH 8
#define LW 12

/* Three channels: 0 a ramp −1 … +1 along x, 1 all zero, 2 constant +2 */
static LwLatentInfo *
make_info (void)
{
  LwLatentInfo *info = g_new0 (LwLatentInfo, 1);
  info->n_channels = 3;
  info->height = LH;
  info->width = LW;
  info->values = lw_tensor_new_3d (3, LH, LW);
  info->channels = g_new0 (LwLatentChannel, 3);
  for (guint y = 0; y < LH; y++)
    for (guint x = 0; x < LW; x++)
      {
        info->values->data[y * LW + x] = -1.0f + 2.0f * x / (LW - 1);
        info->values->data[2 * LH * LW + y * LW + x] = 2.0f;
      }
  const double mins[3] = { -1, 0, 2 }, maxs[3] = { 1, 0, 2 };
  for (guint k = 0; k < 3; k++)
    {
      info->channels[k].name = g_strdup_printf ("latent %u", k);
      info->channels[k].min = mins[k];
      info->channels[k].max = maxs[k];
      info->channels[k].entropy_bits = k == 0 ? log2 (LW) : 0;
      info->channels[k].coded_bits = k == 0 ? 1234 : 17;
    }
  info->total_bits = 1300;
  info->side_bits = 400;
  info->description = g_strdup ("3 test latents of 8×12");
  return info;
}

static void
on_notify_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  (*(guint *) user_data)++;
}

static void
test_properties (void)
{
  LwLatentView *view = g_object_ref_sink (LW_LATENT_VIEW (lw_latent_view_new ()));
  guint n_common = 0;

  g_signal_connect (view, "notify::common-range", G_CALLBACK (on_notify_cb), &n_common);
  g_assert_null (lw_latent_view_get_info (view));
  g_assert_false (lw_latent_view_get_common_range (view));
  lw_latent_view_set_common_range (view, TRUE);
  lw_latent_view_set_common_range (view, TRUE);
  g_assert_true (lw_latent_view_get_common_range (view));
  g_object_set (view, "common-range", FALSE, NULL);
  g_assert_cmpuint (n_common, ==, 2);

  lw_latent_view_set_placeholder (view, "JPEG has no latent to show");
  g_assert_cmpstr (lw_latent_view_get_placeholder (view), ==, "JPEG has no latent to show");

  LwLatentInfo *info = make_info ();
  lw_latent_view_set_info (view, info);
  g_assert_true (lw_latent_view_get_info (view) == info);
  g_autofree char *tip = lw_latent_view_describe_channel (view, 0);
  g_assert_nonnull (strstr (tip, "H=3.585 bits/symbol"));
  g_assert_nonnull (strstr (tip, "1.2 kbit"));
  g_assert_null (lw_latent_view_describe_channel (view, 3));
  lw_latent_view_set_info (view, NULL);
  g_assert_null (lw_latent_view_get_info (view));
  lw_latent_view_set_info (view, make_info ()); /* freed with the view */

  g_assert_finalize_object (view);
}

static void
on_timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
show_in_window (GtkWidget *window, GtkWidget *view)
{
  gboolean timed_out = FALSE;
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_set_default_size (GTK_WINDOW (window), 520, 420);
  gtk_window_present (GTK_WINDOW (window));
  guint id = g_timeout_add_once (10000, on_timeout_cb, &timed_out);
  while (!timed_out && (!gtk_widget_get_mapped (view) || gtk_widget_get_width (view) < 100))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
}

static gboolean
on_tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  (*(guint *) user_data)++;
  return G_SOURCE_CONTINUE;
}

/* Lays out and draws pending changes (two frame clock cycles: layout happens in a frame),
 * then renders the view: ARGB pixels, width×height */
static guint8 *
render (GtkWidget *window, GtkWidget *view, int *w, int *h, gsize *stride)
{
  guint frames = 0;
  gboolean timed_out = FALSE;
  guint tick = gtk_widget_add_tick_callback (view, on_tick_cb, &frames, NULL);
  guint id = g_timeout_add_once (10000, on_timeout_cb, &timed_out);
  while (!timed_out && frames < 3)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
  gtk_widget_remove_tick_callback (view, tick);
  *w = gtk_widget_get_width (view);
  *h = gtk_widget_get_height (view);
  *stride = (gsize) *w * 4;
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (view);
  g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), *w, *h);
  g_autoptr (GskRenderNode) node = gtk_snapshot_to_node (snapshot);
  guint8 *buf = g_malloc0 (*stride * *h);
  if (node == NULL)
    return buf; /* nothing drawn at all: transparent */
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  graphene_rect_t viewport = GRAPHENE_RECT_INIT (0, 0, *w, *h);
  g_autoptr (GdkTexture) texture = gsk_renderer_render_texture (renderer, node, &viewport);
  gdk_texture_download (texture, buf, *stride);
  return buf;
}

static void
rgb_at (const guint8 *buf, gsize stride, double x, double y, int rgb[3])
{
  guint32 p;
  memcpy (&p, buf + (gsize) floor (y) * stride + (gsize) floor (x) * 4, 4);
  rgb[0] = (p >> 16) & 0xff;
  rgb[1] = (p >> 8) & 0xff;
  rgb[2] = p & 0xff;
}

/* Sum of the absolute differences of the four bytes (premultiplied ARGB) of two pixels */
static int
pixel_diff (const guint8 *buf, gsize stride, double x0, double y0, double x1, double y1)
{
  const guint8 *p = buf + (gsize) floor (y0) * stride + (gsize) floor (x0) * 4;
  const guint8 *q = buf + (gsize) floor (y1) * stride + (gsize) floor (x1) * 4;
  int d = 0;
  for (guint i = 0; i < 4; i++)
    d += abs (p[i] - q[i]);
  return d;
}

static void
test_render_tiles (void)
{
  LwLatentView *view = g_object_ref_sink (LW_LATENT_VIEW (lw_latent_view_new ()));
  GtkWidget *window = gtk_window_new ();
  int w, h, c[3];
  gsize stride;
  graphene_rect_t b0, b1, b2;

  lw_latent_view_set_info (view, make_info ());
  show_in_window (window, GTK_WIDGET (view));
  g_autofree guint8 *buf = render (window, GTK_WIDGET (view), &w, &h, &stride);

  g_assert_true (lw_latent_view_get_tile_bounds (view, 0, &b0));
  g_assert_true (lw_latent_view_get_tile_bounds (view, 1, &b1));
  g_assert_true (lw_latent_view_get_tile_bounds (view, 2, &b2));
  g_assert_false (lw_latent_view_get_tile_bounds (view, 3, &b2));
  /* 12×8 scaled to the 96-pixel box; in index order along a row */
  g_assert_cmpfloat_with_epsilon (b0.size.width, LW_LATENT_VIEW_TILE_SIZE, 1e-9);
  g_assert_cmpfloat_with_epsilon (b0.size.height, 64, 1e-9);
  g_assert_cmpfloat (b1.origin.x, >, b0.origin.x + b0.size.width);
  g_assert_cmpfloat (b2.origin.x, >, b1.origin.x + b1.size.width);
  g_assert_cmpfloat (b1.origin.y, ==, b0.origin.y);
  g_assert_cmpfloat (b0.origin.y, >, 10); /* the header line is above */
  g_assert_cmpfloat (b2.origin.x + b2.size.width, <=, w);

  double ym = b0.origin.y + b0.size.height / 2;
  /* ramp: the first column (−1) dark blue, the last (+1) dark red, its middle light; each
   * source pixel is 8 screen pixels wide (nearest neighbour) */
  rgb_at (buf, stride, b0.origin.x + 4, ym, c);
  g_assert_cmpint (c[0], ==, 5);
  g_assert_cmpint (c[1], ==, 48);
  g_assert_cmpint (c[2], ==, 97);
  rgb_at (buf, stride, b0.origin.x + b0.size.width - 4, ym, c);
  g_assert_cmpint (c[0], ==, 103);
  g_assert_cmpint (c[1], ==, 0);
  g_assert_cmpint (c[2], ==, 31);
  rgb_at (buf, stride, b0.origin.x + b0.size.width / 2 - 4, ym, c); /* x = 5: −1/11 */
  g_assert_cmpint (c[2], >, c[0]);
  g_assert_cmpint (c[1], >, 200);
  /* the zero channel white, the constant one the top of its own range */
  rgb_at (buf, stride, b1.origin.x + b1.size.width / 2, ym, c);
  g_assert_cmpint (c[0], ==, 247);
  g_assert_cmpint (c[1], ==, 247);
  g_assert_cmpint (c[2], ==, 247);
  rgb_at (buf, stride, b2.origin.x + b2.size.width / 2, ym, c);
  g_assert_cmpint (c[0], ==, 103);

  /* one range for all (2): the ramp's right end is now only halfway to dark red */
  lw_latent_view_set_common_range (view, TRUE);
  g_free (buf);
  buf = render (window, GTK_WIDGET (view), &w, &h, &stride);
  rgb_at (buf, stride, b0.origin.x + b0.size.width - 4, ym, c);
  g_assert_cmpint (c[0], ==, 214);
  g_assert_cmpint (c[1], ==, 96);
  g_assert_cmpint (c[2], ==, 77);

  /* captions under the tiles: some pixels differ from the background there */
  guint n_text = 0;
  for (double y = b0.origin.y + b0.size.height + 2; y < MIN (h, b0.origin.y + 120); y++)
    for (double x = b0.origin.x; x < b0.origin.x + b0.size.width; x++)
      n_text += pixel_diff (buf, stride, x, y, 2, h - 2) > 60;
  g_assert_cmpuint (n_text, >, 20);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (view);
}

/* Pixels in the middle of the view that differ from the corner */
static guint
count_ink (const guint8 *buf, gsize stride, int w, int h)
{
  guint n = 0;
  for (int y = h / 4; y < 3 * h / 4; y++)
    for (int x = 0; x < w; x++)
      n += pixel_diff (buf, stride, x, y, 1, 1) > 60;
  return n;
}

static void
test_placeholder (void)
{
  LwLatentView *view = g_object_ref_sink (LW_LATENT_VIEW (lw_latent_view_new ()));
  GtkWidget *window = gtk_window_new ();
  int w, h;
  gsize stride;
  graphene_rect_t b;

  lw_latent_view_set_info (view, make_info ());
  lw_latent_view_set_info (view, NULL);
  lw_latent_view_set_placeholder (view, "");
  show_in_window (window, GTK_WIDGET (view));
  g_assert_false (lw_latent_view_get_tile_bounds (view, 0, &b));
  g_autofree guint8 *empty = render (window, GTK_WIDGET (view), &w, &h, &stride);
  g_assert_cmpuint (count_ink (empty, stride, w, h), ==, 0);

  lw_latent_view_set_placeholder (view, "JPEG has no latent to show");
  g_autofree guint8 *text = render (window, GTK_WIDGET (view), &w, &h, &stride);
  g_assert_cmpuint (count_ink (text, stride, w, h), >, 50);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (view);
}

/* 192 channels of 64×64 (the largest usual latent) lay out in rows and scroll */
static void
test_many (void)
{
  LwLatentView *view = g_object_ref_sink (LW_LATENT_VIEW (lw_latent_view_new ()));
  GtkWidget *window = gtk_window_new ();
  LwLatentInfo *info = g_new0 (LwLatentInfo, 1);
  info->n_channels = 192;
  info->height = info->width = 64;
  info->values = lw_tensor_new_3d (192, 64, 64);
  info->channels = g_new0 (LwLatentChannel, 192);
  for (guint k = 0; k < 192; k++)
    info->channels[k].max = 1;
  lw_latent_view_set_info (view, info);
  show_in_window (window, GTK_WIDGET (view));
  int w, h;
  gsize stride;
  g_autofree guint8 *buf = render (window, GTK_WIDGET (view), &w, &h, &stride);
  graphene_rect_t b0, b1, last;
  g_assert_true (lw_latent_view_get_tile_bounds (view, 0, &b0));
  g_assert_true (lw_latent_view_get_tile_bounds (view, 1, &b1));
  g_assert_true (lw_latent_view_get_tile_bounds (view, 191, &last));
  g_assert_cmpfloat (b1.origin.x, >, b0.origin.x);
  g_assert_cmpfloat (last.origin.y, >, h); /* below the fold: scrolled */
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (view);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      printf ("1..0 # SKIP no display\n");
      return 77;
    }

  g_test_add_func ("/latent-view/properties", test_properties);
  g_test_add_func ("/latent-view/render-tiles", test_render_tiles);
  g_test_add_func ("/latent-view/placeholder", test_placeholder);
  g_test_add_func ("/latent-view/many", test_many);
  return g_test_run ();
}
