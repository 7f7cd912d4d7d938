/* lw-latent-view.c — the latent channels of an encoding as a grid of small images with statistics
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * LwLatentView is a vertical box of a header label, a scrolled window holding the tile grid,
 * and a placeholder label. The grid (LwLatentGrid, private to this file) lays the tiles out
 * itself and draws them in one snapshot: with 48–192 channels that is far cheaper than a
 * widget per tile. Its node is cached and dropped on size, style and data changes.
 */
#define G_LOG_DOMAIN "lw-latent-view"

#include <glib/gi18n.h>

#include "lw-latent-view.h"

#include <math.h>

#define PAD         8  /* around tiles */
#define CAPTION_GAP 3  /* between a tile and its caption */

/* The grid of tiles */

#define LW_TYPE_LATENT_GRID (lw_latent_grid_get_type ())
G_DECLARE_FINAL_TYPE (LwLatentGrid, lw_latent_grid, LW, LATENT_GRID, GtkWidget)

struct _LwLatentGrid
{
  GtkWidget         parent_instance;
  LwLatentView     *view;      /* not owned: the view owns the grid */
  cairo_surface_t **surfaces;  /* n_tiles channel images, one pixel per latent */
  char            **captions;  /* n_tiles */
  guint             n_tiles;
  guint             lw, lh;    /* latent width and height */
  double            img_w, img_h; /* a channel image on screen */
  int               cell_w, cell_h, caption_h;
  GskRenderNode    *cached;
};

struct _LwLatentView
{
  GtkWidget     parent_instance;
  GtkWidget    *header;      /* GtkLabel */
  GtkWidget    *scroller;    /* GtkScrolledWindow */
  LwLatentGrid *grid;
  GtkWidget    *placeholder; /* GtkLabel */
  LwLatentInfo *info;        /* owned */
  guint         common_range : 1;
};

G_DEFINE_FINAL_TYPE (LwLatentGrid, lw_latent_grid, GTK_TYPE_WIDGET)
G_DEFINE_FINAL_TYPE (LwLatentView, lw_latent_view, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_COMMON_RANGE, PROP_PLACEHOLDER, N_PROPS };
static GParamSpec *properties[N_PROPS];

/* Helpers */

/* Diverging map of t ∈ [−1, 1]: dark blue, light blue, white at 0, light red, dark red
 * (the stops of ColorBrewer's RdBu, reversed so that positive is red) */
static void
diverging_rgb (double t, guint8 rgb[3])
{
  static const guint8 stops[5][3] = {
    { 5, 48, 97 }, { 67, 147, 195 }, { 247, 247, 247 }, { 214, 96, 77 }, { 103, 0, 31 },
  };
  if (!(t > -1)) /* also NaN */
    t = t < 0 ? -1 : 0;
  t = MIN (t, 1);
  double u = (t + 1) * 2; /* 0..4 */
  guint i = MIN ((guint) u, 3u);
  double f = u - i;
  for (guint c = 0; c < 3; c++)
    rgb[c] = (guint8) lround (stops[i][c] + f * (stops[i + 1][c] - stops[i][c]));
}

static double
channel_range (const LwLatentChannel *ch)
{
  return MAX (fabs (ch->min), fabs (ch->max));
}

static char *
format_bits (double bits)
{
  if (bits < 1000)
    return g_strdup_printf ("%.0f bit", bits);
  if (bits < 1e6)
    return g_strdup_printf ("%.1f kbit", bits / 1e3);
  return g_strdup_printf ("%.2f Mbit", bits / 1e6);
}

static PangoLayout *
caption_layout (GtkWidget *widget, const char *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  PangoAttrList *attrs = pango_attr_list_new ();
  pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  return layout;
}

/* LwLatentGrid */

static void
grid_clear (LwLatentGrid *self)
{
  for (guint k = 0; k < self->n_tiles; k++)
    {
      cairo_surface_destroy (self->surfaces[k]);
      g_free (self->captions[k]);
    }
  g_clear_pointer (&self->surfaces, g_free);
  g_clear_pointer (&self->captions, g_free);
  self->n_tiles = 0;
  g_clear_pointer (&self->cached, gsk_render_node_unref);
}

/* Caption sizes depend on the font: recomputed with the style */
static void
grid_measure_captions (LwLatentGrid *self)
{
  int widest = 0, tallest = 0;
  for (guint k = 0; k < self->n_tiles; k++)
    {
      g_autoptr (PangoLayout) layout = caption_layout (GTK_WIDGET (self), self->captions[k]);
      int w, h;
      pango_layout_get_pixel_size (layout, &w, &h);
      widest = MAX (widest, w);
      tallest = MAX (tallest, h);
    }
  self->cell_w = MAX (LW_LATENT_VIEW_TILE_SIZE, widest) + PAD;
  self->caption_h = tallest;
  /* all channels have one shape: a row is as tall as its images, not the whole box */
  self->cell_h = (int) self->img_h + CAPTION_GAP + tallest + PAD;
}

static guint
grid_columns (LwLatentGrid *self, int width)
{
  if (self->cell_w <= 0)
    return 1;
  return MAX (1, (width - PAD) / self->cell_w);
}

/* Tile k's image rectangle in grid coordinates */
static void
grid_image_rect (LwLatentGrid *self, guint k, guint cols, graphene_rect_t *r)
{
  double x = PAD + (double) (k % cols) * self->cell_w;
  double y = PAD + (double) (k / cols) * self->cell_h;
  double box_w = self->cell_w - PAD;
  graphene_rect_init (r, x + floor ((box_w - self->img_w) / 2), y, self->img_w, self->img_h);
}

static int
grid_tile_at (LwLatentGrid *self, double x, double y)
{
  if (self->n_tiles == 0)
    return -1;
  guint cols = grid_columns (self, gtk_widget_get_width (GTK_WIDGET (self)));
  if (x < PAD || y < PAD)
    return -1;
  guint col = (guint) ((x - PAD) / self->cell_w), row = (guint) ((y - PAD) / self->cell_h);
  guint k = row * cols + col;
  if (col >= cols || k >= self->n_tiles)
    return -1;
  return (int) k;
}

static void
grid_set_info (LwLatentGrid *self, const LwLatentInfo *info, gboolean common)
{
  grid_clear (self);
  if (info == NULL || info->n_channels == 0 || info->values == NULL)
    {
      gtk_widget_queue_resize (GTK_WIDGET (self));
      return;
    }
  guint n = info->n_channels, lw = info->width, lh = info->height;
  self->n_tiles = n;
  self->lw = lw;
  self->lh = lh;
  double scale = (double) LW_LATENT_VIEW_TILE_SIZE / MAX (MAX (lw, lh), 1u);
  self->img_w = round (lw * scale);
  self->img_h = round (lh * scale);
  self->surfaces = g_new0 (cairo_surface_t *, n);
  self->captions = g_new0 (char *, n);

  double common_r = 0;
  for (guint k = 0; k < n; k++)
    common_r = MAX (common_r, channel_range (&info->channels[k]));
  gsize plane = (gsize) lw * lh;
  for (guint k = 0; k < n; k++)
    {
      const LwLatentChannel *ch = &info->channels[k];
      double r = common ? common_r : channel_range (ch);
      double inv = r > 0 && isfinite (r) ? 1.0 / r : 0;
      cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) lw, (int) lh);
      guint8 *px = cairo_image_surface_get_data (s);
      int stride = cairo_image_surface_get_stride (s);
      const float *v = info->values->data + k * plane;
      for (guint y = 0; y < lh; y++)
        {
          guint32 *row = (guint32 *) (void *) (px + (gsize) y * stride);
          for (guint x = 0; x < lw; x++)
            {
              guint8 rgb[3];
              diverging_rgb (v[(gsize) y * lw + x] * inv, rgb);
              row[x] = 0xff000000u | ((guint32) rgb[0] << 16) | ((guint32) rgb[1] << 8) | rgb[2];
            }
        }
      cairo_surface_mark_dirty (s);
      self->surfaces[k] = s;
      g_autofree char *bits = format_bits (ch->coded_bits);
      self->captions[k] = g_strdup_printf (_("#%u · H=%.2f b · %s"), k, ch->entropy_bits, bits);
    }
  grid_measure_captions (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static GskRenderNode *
grid_build_node (LwLatentGrid *self, int width)
{
  GtkWidget *widget = GTK_WIDGET (self);
  g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
  GdkRGBA fg;
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  GdkRGBA frame = fg;
  frame.alpha *= 0.25;
  guint cols = grid_columns (self, width);

  for (guint k = 0; k < self->n_tiles; k++)
    {
      graphene_rect_t r;
      grid_image_rect (self, k, cols, &r);
      /* a hairline frame, so white (all-zero) channels still show their extent */
      GskRoundedRect outline;
      graphene_rect_t fr;
      graphene_rect_inset_r (&r, -1, -1, &fr);
      gsk_rounded_rect_init_from_rect (&outline, &fr, 0);
      gtk_snapshot_append_border (snapshot, &outline, (const float[4]) { 1, 1, 1, 1 },
                                  (const GdkRGBA[4]) { frame, frame, frame, frame });

      cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &r);
      cairo_translate (cr, r.origin.x, r.origin.y);
      cairo_scale (cr, r.size.width / self->lw, r.size.height / self->lh);
      cairo_set_source_surface (cr, self->surfaces[k], 0, 0);
      /* pixel-exact when enlarging; averaged when a large latent must shrink to the box */
      cairo_pattern_set_filter (cairo_get_source (cr), r.size.width >= self->lw
                                                           ? CAIRO_FILTER_NEAREST
                                                           : CAIRO_FILTER_GOOD);
      cairo_paint (cr);
      cairo_destroy (cr);

      g_autoptr (PangoLayout) layout = caption_layout (widget, self->captions[k]);
      int tw, th;
      pango_layout_get_pixel_size (layout, &tw, &th);
      double cx = PAD + (double) (k % cols) * self->cell_w + ((self->cell_w - PAD) - tw) / 2.0;
      double cy = r.origin.y + self->img_h + CAPTION_GAP;
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (floor (cx), cy));
      gtk_snapshot_append_layout (snapshot, layout, &fg);
      gtk_snapshot_restore (snapshot);
    }
  return gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
}

static void
lw_latent_grid_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  LwLatentGrid *self = LW_LATENT_GRID (widget);
  if (self->n_tiles == 0)
    return;
  if (self->cached == NULL)
    self->cached = grid_build_node (self, gtk_widget_get_width (widget));
  if (self->cached != NULL)
    gtk_snapshot_append_node (snapshot, self->cached);
}

static GtkSizeRequestMode
lw_latent_grid_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
lw_latent_grid_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                        int *minimum, int *natural, int *minimum_baseline,
                        int *natural_baseline)
{
  LwLatentGrid *self = LW_LATENT_GRID (widget);
  if (self->n_tiles == 0)
    {
      *minimum = *natural = 0;
      return;
    }
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = self->cell_w + PAD;
      /* ask for about eight columns; the scrolled window gives what there is */
      *natural = PAD + (int) MIN (self->n_tiles, 8u) * self->cell_w;
      return;
    }
  int width = for_size >= 0 ? for_size : PAD + (int) MIN (self->n_tiles, 8u) * self->cell_w;
  guint cols = grid_columns (self, width);
  guint rows = (self->n_tiles + cols - 1) / cols;
  *minimum = *natural = PAD + (int) rows * self->cell_h;
}

static void
lw_latent_grid_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  LwLatentGrid *self = LW_LATENT_GRID (widget);
  g_clear_pointer (&self->cached, gsk_render_node_unref);
}

static void
lw_latent_grid_css_changed (GtkWidget *widget, GtkCssStyleChange *change)
{
  LwLatentGrid *self = LW_LATENT_GRID (widget);
  GTK_WIDGET_CLASS (lw_latent_grid_parent_class)->css_changed (widget, change);
  /* colours or the font may have changed: captions are measured and drawn again */
  g_clear_pointer (&self->cached, gsk_render_node_unref);
  if (self->n_tiles > 0)
    {
      grid_measure_captions (self);
      gtk_widget_queue_resize (widget);
    }
}

static gboolean
lw_latent_grid_query_tooltip (GtkWidget *widget, int x, int y, gboolean keyboard_mode,
                              GtkTooltip *tooltip)
{
  LwLatentGrid *self = LW_LATENT_GRID (widget);
  int k = grid_tile_at (self, x, y);
  if (k < 0 || self->view == NULL)
    return FALSE;
  g_autofree char *text = lw_latent_view_describe_channel (self->view, (guint) k);
  if (text == NULL)
    return FALSE;
  guint cols = grid_columns (self, gtk_widget_get_width (widget));
  gtk_tooltip_set_text (tooltip, text);
  gtk_tooltip_set_tip_area (tooltip, &(GdkRectangle) {
                                         PAD + (int) ((guint) k % cols) * self->cell_w,
                                         PAD + (int) ((guint) k / cols) * self->cell_h,
                                         self->cell_w - PAD, self->cell_h - PAD });
  return TRUE;
}

static void
lw_latent_grid_finalize (GObject *object)
{
  grid_clear (LW_LATENT_GRID (object));
  G_OBJECT_CLASS (lw_latent_grid_parent_class)->finalize (object);
}

static void
lw_latent_grid_class_init (LwLatentGridClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = lw_latent_grid_finalize;
  widget_class->snapshot = lw_latent_grid_snapshot;
  widget_class->get_request_mode = lw_latent_grid_get_request_mode;
  widget_class->measure = lw_latent_grid_measure;
  widget_class->size_allocate = lw_latent_grid_size_allocate;
  widget_class->css_changed = lw_latent_grid_css_changed;
  widget_class->query_tooltip = lw_latent_grid_query_tooltip;
  gtk_widget_class_set_css_name (widget_class, "lw-latent-grid");
}

static void
lw_latent_grid_init (LwLatentGrid *self)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
}

/* LwLatentView */

static void
view_update_header (LwLatentView *self)
{
  const LwLatentInfo *info = self->info;
  if (info == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->header), "");
      return;
    }
  double coded = 0;
  for (guint k = 0; k < info->n_channels; k++)
    coded += info->channels[k].coded_bits;
  g_autofree char *total = format_bits (info->total_bits);
  g_autofree char *side = format_bits (info->side_bits);
  gsize symbols = (gsize) info->n_channels * info->height * info->width;
  g_autofree char *text = g_strdup_printf (
      /* Translators: latent view header: description, latent size, bits per symbol, side
       * information size, and how per-channel bits were obtained */
      _("%s\nlatent %s (%.3f bits/symbol), side %s; per-channel bits %s"),
      info->description != NULL ? info->description : "",
      total, symbols ? info->total_bits / symbols : 0.0, side,
      info->bits_kind == LW_LATENT_BITS_MEASURED ? _("measured from the coder")
                                                 : _("estimated as entropy shares"));
  gtk_label_set_text (GTK_LABEL (self->header), text);
}

static void
view_update (LwLatentView *self)
{
  gboolean have = self->info != NULL && self->info->n_channels > 0;
  gtk_widget_set_visible (self->header, have);
  gtk_widget_set_visible (self->scroller, have);
  gtk_widget_set_visible (self->placeholder, !have);
  view_update_header (self);
  grid_set_info (self->grid, self->info, self->common_range);
}

static void
lw_latent_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  LwLatentView *self = LW_LATENT_VIEW (object);
  switch (prop_id)
    {
    case PROP_COMMON_RANGE:
      g_value_set_boolean (value, self->common_range);
      break;
    case PROP_PLACEHOLDER:
      g_value_set_string (value, lw_latent_view_get_placeholder (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lw_latent_view_set_property (GObject *object, guint prop_id, const GValue *value,
                             GParamSpec *pspec)
{
  LwLatentView *self = LW_LATENT_VIEW (object);
  switch (prop_id)
    {
    case PROP_COMMON_RANGE:
      lw_latent_view_set_common_range (self, g_value_get_boolean (value));
      break;
    case PROP_PLACEHOLDER:
      lw_latent_view_set_placeholder (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lw_latent_view_dispose (GObject *object)
{
  LwLatentView *self = LW_LATENT_VIEW (object);
  if (self->grid != NULL)
    self->grid->view = NULL;
  g_clear_pointer (&self->header, gtk_widget_unparent);
  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  g_clear_pointer (&self->placeholder, gtk_widget_unparent);
  self->grid = NULL; /* owned by the scroller */
  G_OBJECT_CLASS (lw_latent_view_parent_class)->dispose (object);
}

static void
lw_latent_view_finalize (GObject *object)
{
  LwLatentView *self = LW_LATENT_VIEW (object);
  g_clear_pointer (&self->info, lw_latent_info_free);
  G_OBJECT_CLASS (lw_latent_view_parent_class)->finalize (object);
}

static void
lw_latent_view_class_init (LwLatentViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = lw_latent_view_get_property;
  object_class->set_property = lw_latent_view_set_property;
  object_class->dispose = lw_latent_view_dispose;
  object_class->finalize = lw_latent_view_finalize;

  properties[PROP_COMMON_RANGE] =
      g_param_spec_boolean ("common-range", NULL, NULL, FALSE,
                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PLACEHOLDER] =
      g_param_spec_string ("placeholder", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "lw-latent-view");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
lw_latent_view_init (LwLatentView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (widget);
  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 4);

  self->header = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->header), 0);
  gtk_label_set_wrap (GTK_LABEL (self->header), TRUE);
  gtk_label_set_selectable (GTK_LABEL (self->header), FALSE);
  gtk_widget_set_margin_start (self->header, PAD);
  gtk_widget_set_margin_end (self->header, PAD);
  gtk_widget_set_margin_top (self->header, PAD);
  gtk_widget_add_css_class (self->header, "caption");
  gtk_widget_set_parent (self->header, widget);

  self->grid = g_object_new (LW_TYPE_LATENT_GRID, NULL);
  self->grid->view = self;
  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), GTK_WIDGET (self->grid));
  gtk_widget_set_vexpand (self->scroller, TRUE);
  gtk_widget_set_hexpand (self->scroller, TRUE);
  gtk_widget_set_parent (self->scroller, widget);

  self->placeholder = gtk_label_new (_("No latent to show"));
  gtk_label_set_wrap (GTK_LABEL (self->placeholder), TRUE);
  gtk_label_set_justify (GTK_LABEL (self->placeholder), GTK_JUSTIFY_CENTER);
  gtk_widget_set_vexpand (self->placeholder, TRUE);
  gtk_widget_set_hexpand (self->placeholder, TRUE);
  gtk_widget_add_css_class (self->placeholder, "dim-label");
  gtk_widget_set_parent (self->placeholder, widget);

  view_update (self);
}

/* Public API */

GtkWidget *
lw_latent_view_new (void)
{
  return g_object_new (LW_TYPE_LATENT_VIEW, NULL);
}

void
lw_latent_view_set_info (LwLatentView *self, LwLatentInfo *info)
{
  g_return_if_fail (LW_IS_LATENT_VIEW (self));
  if (info == self->info)
    return;
  g_clear_pointer (&self->info, lw_latent_info_free);
  if (info != NULL && (info->values == NULL || info->channels == NULL ||
                       lw_tensor_numel (info->values) !=
                           (gsize) info->n_channels * info->height * info->width))
    {
      g_critical ("lw_latent_view_set_info: values do not match the %u×%u×%u latent grid",
                  info->n_channels, info->height, info->width);
      lw_latent_info_free (info);
      info = NULL;
    }
  self->info = info;
  view_update (self);
}

const LwLatentInfo *
lw_latent_view_get_info (LwLatentView *self)
{
  g_return_val_if_fail (LW_IS_LATENT_VIEW (self), NULL);
  return self->info;
}

void
lw_latent_view_set_placeholder (LwLatentView *self, const char *text)
{
  g_return_if_fail (LW_IS_LATENT_VIEW (self));
  if (g_strcmp0 (text, gtk_label_get_text (GTK_LABEL (self->placeholder))) == 0)
    return;
  gtk_label_set_text (GTK_LABEL (self->placeholder), text != NULL ? text : "");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLACEHOLDER]);
}

const char *
lw_latent_view_get_placeholder (LwLatentView *self)
{
  g_return_val_if_fail (LW_IS_LATENT_VIEW (self), NULL);
  return gtk_label_get_text (GTK_LABEL (self->placeholder));
}

void
lw_latent_view_set_common_range (LwLatentView *self, gboolean common)
{
  g_return_if_fail (LW_IS_LATENT_VIEW (self));
  common = !!common;
  if (self->common_range == (guint) common)
    return;
  self->common_range = common;
  grid_set_info (self->grid, self->info, common);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMMON_RANGE]);
}

gboolean
lw_latent_view_get_common_range (LwLatentView *self)
{
  g_return_val_if_fail (LW_IS_LATENT_VIEW (self), FALSE);
  return self->common_range;
}

gboolean
lw_latent_view_get_tile_bounds (LwLatentView *self, guint k, graphene_rect_t *bounds)
{
  g_return_val_if_fail (LW_IS_LATENT_VIEW (self), FALSE);
  g_return_val_if_fail (bounds != NULL, FALSE);
  LwLatentGrid *grid = self->grid;
  if (k >= grid->n_tiles || gtk_widget_get_width (GTK_WIDGET (grid)) <= 0)
    return FALSE;
  graphene_rect_t r;
  grid_image_rect (grid, k, grid_columns (grid, gtk_widget_get_width (GTK_WIDGET (grid))), &r);
  graphene_point_t origin;
  if (!gtk_widget_compute_point (GTK_WIDGET (grid), GTK_WIDGET (self), &r.origin, &origin))
    return FALSE;
  graphene_rect_init (bounds, origin.x, origin.y, r.size.width, r.size.height);
  return TRUE;
}

char *
lw_latent_view_describe_channel (LwLatentView *self, guint k)
{
  g_return_val_if_fail (LW_IS_LATENT_VIEW (self), NULL);
  const LwLatentInfo *info = self->info;
  if (info == NULL || k >= info->n_channels)
    return NULL;
  const LwLatentChannel *ch = &info->channels[k];
  gsize n = (gsize) info->height * info->width;
  g_autofree char *bits = format_bits (ch->coded_bits);
  g_autofree char *pred = ch->predicted
                              ? g_strdup_printf (_("\ncoded as MED residuals: H=%.3f bits/symbol"),
                                                 ch->coded_entropy_bits)
                              : g_strdup ("");
  return g_strdup_printf (
      _("#%u %s (%u×%u)\n"
        "entropy H=%.3f bits/symbol (%.0f bits for the channel)%s\n"
        "coded %s = %.3f bits/symbol, %.1f %% of the latent (%s)\n"
        "zero bin %u of %lu (%.1f %%)\n"
        "values min %.4g, max %.4g, mean %.4g, std %.4g"),
      k, ch->name != NULL ? ch->name : "", info->width, info->height,
      ch->entropy_bits, ch->entropy_bits * n, pred,
      bits, n ? ch->coded_bits / n : 0.0,
      info->total_bits > 0 ? 100.0 * ch->coded_bits / info->total_bits : 0.0,
      info->bits_kind == LW_LATENT_BITS_MEASURED ? _("measured") : _("estimated share"),
      ch->n_zero, (unsigned long) n, n ? 100.0 * ch->n_zero / n : 0.0,
      ch->min, ch->max, ch->mean, ch->std);
}
