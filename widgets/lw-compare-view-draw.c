/* lw-compare-view-draw.c — LwCompareView's drawing: images, divider, captions, legend
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Snapshot only draws: pixels come from cairo surfaces made once per texture (enlarged views
 * are nearest-neighbour through cairo, reduced ones texture nodes), the legend is a render
 * node cached until its range or the style changes, and only the visible part of an image
 * is rasterised.
 */
#define G_LOG_DOMAIN "lw-compare-view"

#include <glib/gi18n.h>
#include <math.h>

#include "lw-colormap.h"
#include "lw-compare-view-private.h"

cairo_surface_t *
_lw_compare_view_surface_from_texture (GdkTexture *texture)
{
  cairo_surface_t *surface;

  if (texture == NULL)
    return NULL;
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, gdk_texture_get_width (texture),
                                        gdk_texture_get_height (texture));
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      /* too large for cairo: such an image is drawn through its texture at every zoom */
      cairo_surface_destroy (surface);
      return NULL;
    }
  /* gdk_texture_download writes premultiplied ARGB32 in native byte order: cairo's format */
  cairo_surface_flush (surface);
  gdk_texture_download (texture, cairo_image_surface_get_data (surface),
                        cairo_image_surface_get_stride (surface));
  cairo_surface_mark_dirty (surface);
  return surface;
}

static double
nice_step (double range)
{
  /* 1, 2 or 5 × 10^k, giving three to six ticks */
  double raw = range / 4.0;
  double mag = pow (10.0, floor (log10 (raw)));
  double f = raw / mag;

  return (f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 5.0 ? 5.0 : 10.0) * mag;
}

static GskRenderNode *
build_legend (LwCompareView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr (PangoLayout) title = gtk_widget_create_pango_layout (widget, _("Difference (8-bit levels)"));
  const GdkRGBA white = { 1, 1, 1, 1 };
  const GdkRGBA backdrop = { 0, 0, 0, 0.65f };
  double max = self->legend_max;
  double step = nice_step (max);
  int decimals = MAX (0, (int) -floor (log10 (step) + 1e-9));
  int tw, th, lh = 0;

  if (self->bar_surface == NULL)
    {
      self->bar_surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 256, 1);
      cairo_surface_flush (self->bar_surface);
      guint32 *px = (guint32 *) cairo_image_surface_get_data (self->bar_surface);
      for (int i = 0; i < 256; i++)
        {
          guint8 rgb[3];
          lw_colormap_lookup (LW_COLORMAP_INFERNO, (i + 0.5) / 256.0, rgb);
          px[i] = 0xff000000u | (guint32) rgb[0] << 16 | (guint32) rgb[1] << 8 | rgb[2];
        }
      cairo_surface_mark_dirty (self->bar_surface);
    }

  pango_layout_get_pixel_size (title, &tw, &th);
  double bar_y = PAD + th + 4;
  double w = MAX (BAR_W, tw) + 2 * PAD;

  /* measure one label for the height; text is built once here, not per frame */
  {
    g_autoptr (PangoLayout) probe = gtk_widget_create_pango_layout (widget, "0");
    pango_layout_get_pixel_size (probe, NULL, &lh);
  }
  double h = bar_y + BAR_H + TICK_H + lh + PAD;
  double bar_x = PAD + 0.5 * (w - 2 * PAD - BAR_W);
  /* labels may stick out half their width past the bar ends: leave room for that */
  double extra = 0;

  for (int i = 0; i * step <= max * (1 + 1e-9); i++)
    {
      g_autofree char *text = g_strdup_printf ("%.*f", decimals, i * step);
      g_autoptr (PangoLayout) label = gtk_widget_create_pango_layout (widget, text);
      int lw;
      pango_layout_get_pixel_size (label, &lw, NULL);
      extra = MAX (extra, lw / 2.0 - PAD);
    }
  bar_x += extra;
  w += 2 * extra;

  GskRoundedRect box;
  gsk_rounded_rect_init_from_rect (&box, &GRAPHENE_RECT_INIT (0, 0, w, h), 6);
  gtk_snapshot_push_rounded_clip (snapshot, &box);
  gtk_snapshot_append_color (snapshot, &backdrop, &box.bounds);
  gtk_snapshot_pop (snapshot);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((w - tw) / 2.0, PAD));
  gtk_snapshot_append_layout (snapshot, title, &white);
  gtk_snapshot_restore (snapshot);

  {
    cairo_t *cr = gtk_snapshot_append_cairo (snapshot,
                                             &GRAPHENE_RECT_INIT (bar_x, bar_y, BAR_W, BAR_H));
    cairo_translate (cr, bar_x, bar_y);
    cairo_scale (cr, BAR_W / 256.0, BAR_H);
    cairo_set_source_surface (cr, self->bar_surface, 0, 0);
    cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_BILINEAR);
    cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
    cairo_paint (cr);
    cairo_destroy (cr);
  }

  for (int i = 0; i * step <= max * (1 + 1e-9); i++)
    {
      double x = round (bar_x + BAR_W * MIN (1.0, i * step / max));
      g_autofree char *text = g_strdup_printf ("%.*f", decimals, i * step);
      g_autoptr (PangoLayout) label = gtk_widget_create_pango_layout (widget, text);
      int lw;

      pango_layout_get_pixel_size (label, &lw, NULL);
      gtk_snapshot_append_color (snapshot, &white,
                                 &GRAPHENE_RECT_INIT (x - 0.5, bar_y + BAR_H, 1, TICK_H));
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot,
                              &GRAPHENE_POINT_INIT (round (x - lw / 2.0), bar_y + BAR_H + TICK_H));
      gtk_snapshot_append_layout (snapshot, label, &white);
      gtk_snapshot_restore (snapshot);
    }

  self->legend_w = w;
  self->legend_h = h;
  return gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
}

void
_lw_compare_view_drop_legend (LwCompareView *self)
{
  g_clear_pointer (&self->legend_node, gsk_render_node_unref);
}

/* ---- drawing ----------------------------------------------------------------------------- */

/* One image at (ox, oy) × scale, showing only what lies inside `clip` */
static void
append_image (GtkSnapshot     *snapshot,
              GdkTexture      *texture,
              cairo_surface_t *surface,
              double           ox,
              double           oy,
              double           scale,
              const LwRect    *clip)
{
  graphene_rect_t image = GRAPHENE_RECT_INIT (ox, oy, _lw_texture_width (texture) * scale,
                                              _lw_texture_height (texture) * scale);
  graphene_rect_t area = GRAPHENE_RECT_INIT (clip->x, clip->y, clip->width, clip->height);
  graphene_rect_t visible;

  if (!graphene_rect_intersection (&image, &area, &visible) ||
      visible.size.width <= 0 || visible.size.height <= 0)
    return;

  if (scale < 1.0 || surface == NULL)
    {
      gtk_snapshot_push_clip (snapshot, &visible);
      gtk_snapshot_append_texture (snapshot, texture, &image);
      gtk_snapshot_pop (snapshot);
      return;
    }

  /* Nearest neighbour, rasterised only over the visible part */
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &visible);
  cairo_rectangle (cr, visible.origin.x, visible.origin.y, visible.size.width,
                   visible.size.height);
  cairo_clip (cr);
  cairo_translate (cr, ox, oy);
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
  cairo_paint (cr);
  cairo_destroy (cr);
}

static void
append_placeholder (GtkSnapshot   *snapshot,
                    const GdkRGBA *fg,
                    double         ox,
                    double         oy,
                    double         w,
                    double         h,
                    const LwRect  *clip)
{
  graphene_rect_t r = GRAPHENE_RECT_INIT (ox, oy, w, h);
  graphene_rect_t c = GRAPHENE_RECT_INIT (clip->x, clip->y, clip->width, clip->height);
  graphene_rect_t v;
  GdkRGBA faint = *fg;

  /* a faint box in the text colour, visible in light and dark styles */
  faint.alpha *= 0.08f;
  if (graphene_rect_intersection (&r, &c, &v))
    gtk_snapshot_append_color (snapshot, &faint, &v);
}

static void
append_divider (GtkSnapshot  *snapshot,
                double        x,
                const LwRect *pane,
                double        knob_y)
{
  const GdkRGBA white = { 1, 1, 1, 1 };
  const GdkRGBA shade = { 0, 0, 0, 0.4f };
  GskRoundedRect knob;
  float border_w[4] = { 1, 1, 1, 1 };
  GdkRGBA border_c[4] = { shade, shade, shade, shade };

  /* a white line edged in dark so it shows on any image */
  gtk_snapshot_append_color (snapshot, &shade, &GRAPHENE_RECT_INIT (x - 2, pane->y, 4, pane->height));
  gtk_snapshot_append_color (snapshot, &white, &GRAPHENE_RECT_INIT (x - 1, pane->y, 2, pane->height));

  gsk_rounded_rect_init_from_rect (&knob, &GRAPHENE_RECT_INIT (x - KNOB_RADIUS, knob_y - KNOB_RADIUS,
                                                               2 * KNOB_RADIUS, 2 * KNOB_RADIUS),
                                   KNOB_RADIUS);
  gtk_snapshot_push_rounded_clip (snapshot, &knob);
  gtk_snapshot_append_color (snapshot, &white, &knob.bounds);
  /* grip: two short bars */
  gtk_snapshot_append_color (snapshot, &shade, &GRAPHENE_RECT_INIT (x - 4, knob_y - 6, 2, 12));
  gtk_snapshot_append_color (snapshot, &shade, &GRAPHENE_RECT_INIT (x + 2, knob_y - 6, 2, 12));
  gtk_snapshot_pop (snapshot);
  gtk_snapshot_append_border (snapshot, &knob, border_w, border_c);
}

static void
append_caption (GtkWidget   *widget,
                GtkWidget   *label,
                GtkSnapshot *snapshot)
{
  const GdkRGBA backdrop = { 0, 0, 0, 0.6f };
  graphene_rect_t bounds;
  GskRoundedRect box;

  if (!gtk_widget_get_child_visible (label) ||
      !gtk_widget_compute_bounds (label, widget, &bounds))
    return;
  graphene_rect_inset (&bounds, -PAD, -PAD / 2.0f);
  gsk_rounded_rect_init_from_rect (&box, &bounds, 6);
  gtk_snapshot_push_rounded_clip (snapshot, &box);
  gtk_snapshot_append_color (snapshot, &backdrop, &bounds);
  gtk_snapshot_pop (snapshot);
  gtk_widget_snapshot_child (widget, label, snapshot);
}

static void
append_no_image (GtkWidget     *widget,
                 GtkSnapshot   *snapshot,
                 const GdkRGBA *fg)
{
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (widget, _("No image"));
  GdkRGBA dim = *fg;
  int w, h;

  dim.alpha *= 0.55f;
  pango_layout_get_pixel_size (layout, &w, &h);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (round ((gtk_widget_get_width (widget) - w) / 2.0),
                                                round ((gtk_widget_get_height (widget) - h) / 2.0)));
  gtk_snapshot_append_layout (snapshot, layout, &dim);
  gtk_snapshot_restore (snapshot);
}

void
_lw_compare_view_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  LwCompareView *self = LW_COMPARE_VIEW (widget);
  LwCompareLayout l;
  GdkRGBA fg;
  double ox, oy;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  if (self->original == NULL)
    {
      append_no_image (widget, snapshot, &fg);
      return;
    }

  _lw_compare_view_layout (self, &l);
  if (l.scale <= 0)
    return;
  _lw_compare_view_image_origin (&l, 0, &ox, &oy);

  switch (self->mode)
    {
    case LW_COMPARE_MODE_SPLIT:
      if (self->decoded == NULL)
        append_image (snapshot, self->original, self->original_surface, ox, oy, l.scale, &l.pane[0]);
      else
        {
          double x = _lw_compare_view_divider_x (self, &l);
          LwRect left = l.pane[0], right = l.pane[0];
          left.width = x - left.x;
          right.x = x;
          right.width = l.pane[0].x + l.pane[0].width - x;
          append_image (snapshot, self->original, self->original_surface, ox, oy, l.scale, &left);
          append_image (snapshot, self->decoded, self->decoded_surface, ox, oy, l.scale, &right);
          /* the knob at the middle of the visible image, so it is where the eye is */
          double top = MAX (oy, l.pane[0].y);
          double bottom = MIN (oy + l.ih * l.scale, l.pane[0].y + l.pane[0].height);
          append_divider (snapshot, x, &l.pane[0], round ((top + bottom) / 2.0));
        }
      break;

    case LW_COMPARE_MODE_SIDE_BY_SIDE:
      append_image (snapshot, self->original, self->original_surface, ox, oy, l.scale, &l.pane[0]);
      _lw_compare_view_image_origin (&l, 1, &ox, &oy);
      if (self->decoded != NULL)
        append_image (snapshot, self->decoded, self->decoded_surface, ox, oy, l.scale, &l.pane[1]);
      else
        append_placeholder (snapshot, &fg, ox, oy, l.iw * l.scale, l.ih * l.scale, &l.pane[1]);
      break;

    case LW_COMPARE_MODE_DIFFERENCE:
    default:
      if (self->difference == NULL)
        {
          append_placeholder (snapshot, &fg, ox, oy, l.iw * l.scale, l.ih * l.scale, &l.pane[0]);
          break;
        }
      append_image (snapshot, self->difference, self->difference_surface, ox, oy, l.scale,
                    &l.pane[0]);
      if (self->legend_node == NULL)
        self->legend_node = build_legend (self);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot,
                              &GRAPHENE_POINT_INIT (l.pane[0].x + l.pane[0].width - MARGIN - self->legend_w,
                                                    l.pane[0].y + l.pane[0].height - MARGIN - self->legend_h));
      gtk_snapshot_append_node (snapshot, self->legend_node);
      gtk_snapshot_restore (snapshot);
      break;
    }

  append_caption (widget, self->original_label, snapshot);
  append_caption (widget, self->decoded_label, snapshot);

  if (gtk_widget_has_visible_focus (widget))
    {
      GskRoundedRect r;
      float bw[4] = { 2, 2, 2, 2 };
      GdkRGBA accent = { 0.21f, 0.52f, 0.89f, 0.8f };
      GdkRGBA bc[4] = { accent, accent, accent, accent };
      gsk_rounded_rect_init_from_rect (&r, &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                                                gtk_widget_get_height (widget)), 0);
      gtk_snapshot_append_border (snapshot, &r, bw, bc);
    }
}
