/* lw-compare-view.c — original vs decoded image: split, side by side, or difference heat map
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Squoosh-like: in split mode one image area shows the original left of a draggable divider
 * and the decoded image right of it; side by side shows two panes that share zoom and pan;
 * difference mode shows a heat map with a legend. Zoom goes from "fit" to 3200 %, and
 * enlarged images are drawn nearest-neighbour through cairo (GTK 4.8 has no nearest filter
 * for texture nodes) from an image surface made once per texture, clipped to what is
 * visible, so 3200 % costs no more than 100 %. Reduced images go through texture nodes,
 * which the renderer filters smoothly.
 *
 * Coordinates: the original's size is the reference; the view keeps the image point at the
 * centre of each pane (self->cx, cy, clamped at layout time so the image cannot leave the
 * screen) and the scale. A decoded image or heat map of another size shares the original's
 * top-left corner and scale. Drawing is in lw-compare-view-draw.c, pointer and keys in
 * lw-compare-view-input.c.
 */
#define G_LOG_DOMAIN "lw-compare-view"

#include <glib/gi18n.h>
#include <math.h>

#include "lw-compare-view-private.h"

G_DEFINE_FINAL_TYPE (LwCompareView, lw_compare_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ORIGINAL,
  PROP_DECODED,
  PROP_DIFFERENCE,
  PROP_MODE,
  PROP_ZOOM,
  PROP_SPLIT,
  PROP_ORIGINAL_CAPTION,
  PROP_DECODED_CAPTION,
  N_PROPS
};

enum {
  SIGNAL_HOVER,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

GType
lw_compare_mode_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { LW_COMPARE_MODE_SPLIT, "LW_COMPARE_MODE_SPLIT", "split" },
        { LW_COMPARE_MODE_SIDE_BY_SIDE, "LW_COMPARE_MODE_SIDE_BY_SIDE", "side-by-side" },
        { LW_COMPARE_MODE_DIFFERENCE, "LW_COMPARE_MODE_DIFFERENCE", "difference" },
        { 0, NULL, NULL }
      };
      GType type = g_enum_register_static (g_intern_static_string ("LwCompareMode"), values);
      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

/* ---- layout ------------------------------------------------------------------------------ */

void
_lw_compare_view_layout (LwCompareView   *self,
                         LwCompareLayout *l)
{
  double W = gtk_widget_get_width (GTK_WIDGET (self));
  double H = gtk_widget_get_height (GTK_WIDGET (self));
  /* "fit" fits everything the mode shows, so a larger decoded image is not cut off */
  GdkTexture *other = self->mode == LW_COMPARE_MODE_DIFFERENCE ? self->difference : self->decoded;

  l->iw = _lw_texture_width (self->original);
  l->ih = _lw_texture_height (self->original);
  if (self->mode == LW_COMPARE_MODE_SIDE_BY_SIDE)
    {
      double pw = MAX (0.0, floor ((W - GAP) / 2.0));
      l->pane[0] = (LwRect) { 0, 0, pw, H };
      l->pane[1] = (LwRect) { W - pw, 0, pw, H };
      l->n_panes = 2;
    }
  else
    {
      l->pane[0] = (LwRect) { 0, 0, W, H };
      l->n_panes = 1;
    }

  if (l->iw <= 0)
    l->scale = 0;
  else if (self->zoom > 0)
    l->scale = self->zoom;
  else
    l->scale = lw_fit_scale (MAX (l->iw, _lw_texture_width (other)),
                             MAX (l->ih, _lw_texture_height (other)),
                             l->pane[0].width, l->pane[0].height, MAX_FIT);

  l->cx = lw_fit_clamp_center (self->zoom > 0 ? self->cx : l->iw / 2, l->iw,
                               l->pane[0].width, l->scale);
  l->cy = lw_fit_clamp_center (self->zoom > 0 ? self->cy : l->ih / 2, l->ih,
                               l->pane[0].height, l->scale);
}

/* Top-left corner of the image in pane p, on whole pixels so pixel edges stay crisp */
void
_lw_compare_view_image_origin (const LwCompareLayout *l,
                               guint                  p,
                               double                *ox,
                               double                *oy)
{
  *ox = round (l->pane[p].x + l->pane[p].width / 2.0 - l->cx * l->scale);
  *oy = round (l->pane[p].y + l->pane[p].height / 2.0 - l->cy * l->scale);
}

int
_lw_compare_view_pane_at (const LwCompareLayout *l,
         double                 x,
         double                 y)
{
  for (guint p = 0; p < l->n_panes; p++)
    if (_lw_rect_contains (&l->pane[p], x, y))
      return (int) p;
  return -1;
}

gboolean
_lw_compare_view_has_divider (LwCompareView *self)
{
  return self->mode == LW_COMPARE_MODE_SPLIT && self->original != NULL && self->decoded != NULL;
}

/* The divider's x in widget coordinates; kept inside the pane so that, when zooming has moved
 * the split point off screen, the handle still sits at the edge and can be dragged back. */
double
_lw_compare_view_divider_x (LwCompareView         *self,
                            const LwCompareLayout *l)
{
  double ox, oy;

  _lw_compare_view_image_origin (l, 0, &ox, &oy);
  return CLAMP (round (ox + self->split * l->iw * l->scale), l->pane[0].x,
                l->pane[0].x + l->pane[0].width);
}

gboolean
_lw_compare_view_can_pan (const LwCompareLayout *l)
{
  return l->scale > 0 && (l->iw * l->scale > l->pane[0].width ||
                          l->ih * l->scale > l->pane[0].height);
}

static void
update_actions (LwCompareView *self)
{
  double s = lw_compare_view_get_effective_zoom (self);
  GtkWidget *w = GTK_WIDGET (self);
  gboolean have = self->original != NULL;

  gtk_widget_action_set_enabled (w, "compare.zoom-in", have && s < LW_COMPARE_VIEW_MAX_ZOOM);
  gtk_widget_action_set_enabled (w, "compare.zoom-out", have && s > LW_COMPARE_VIEW_MIN_ZOOM);
  gtk_widget_action_set_enabled (w, "compare.zoom-fit", have && self->zoom != 0);
  gtk_widget_action_set_enabled (w, "compare.zoom-100", have && self->zoom != 1.0);
}

/* The pixel under a still pointer changes when the view zooms or pans. */
void
_lw_compare_view_update_hover (LwCompareView *self)
{
  double ix, iy;
  int x = -1, y = -1;

  if (self->pointer_in &&
      lw_compare_view_widget_to_image (self, self->pointer_x, self->pointer_y, &ix, &iy))
    {
      x = (int) floor (ix);
      y = (int) floor (iy);
    }
  if (x == self->hover_x && y == self->hover_y)
    return;
  self->hover_x = x;
  self->hover_y = y;
  g_signal_emit (self, signals[SIGNAL_HOVER], 0, x, y);
}

void
_lw_compare_view_view_changed (LwCompareView *self)
{
  update_actions (self);
  _lw_compare_view_update_hover (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
_lw_compare_view_set_zoom_value (LwCompareView *self,
                double         zoom)
{
  if (!(zoom > 0)) /* also NaN */
    zoom = 0;
  else
    zoom = CLAMP (zoom, LW_COMPARE_VIEW_MIN_ZOOM, LW_COMPARE_VIEW_MAX_ZOOM);
  if (zoom == self->zoom)
    return FALSE;
  if (self->zoom == 0 && self->original != NULL)
    {
      /* leaving "fit": start from the centre the fitted view showed */
      self->cx = _lw_texture_width (self->original) / 2;
      self->cy = _lw_texture_height (self->original) / 2;
    }
  self->zoom = zoom;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  return TRUE;
}

/* ---- size -------------------------------------------------------------------------------- */

static void
lw_compare_view_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  LwCompareView *self = LW_COMPARE_VIEW (widget);
  gboolean two = self->mode == LW_COMPARE_MODE_SIDE_BY_SIDE;
  double size;

  /* Captions float over the image and ellipsize, so only the images ask for room. */
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    size = MAX (_lw_texture_width (self->original), _lw_texture_width (self->decoded));
  else
    size = MAX (_lw_texture_height (self->original), _lw_texture_height (self->decoded));

  if (orientation == GTK_ORIENTATION_HORIZONTAL && two)
    {
      *minimum = 2 * MIN_CELL + GAP;
      *natural = MAX (*minimum, (int) ceil (2 * size) + GAP);
    }
  else
    {
      *minimum = MIN_CELL;
      *natural = MAX (MIN_CELL, (int) ceil (size));
    }
}

static void
place_caption (GtkWidget    *label,
               const LwRect *pane,
               double        max_w,
               gboolean      right)
{
  int min_w = 0, nat_w = 0, h = 0;

  if (!gtk_widget_get_child_visible (label))
    return;
  gtk_widget_measure (label, GTK_ORIENTATION_HORIZONTAL, -1, &min_w, &nat_w, NULL, NULL);
  gtk_widget_measure (label, GTK_ORIENTATION_VERTICAL, -1, NULL, &h, NULL, NULL);
  double w = MAX (MIN ((double) nat_w, max_w), (double) min_w);
  double x = right ? pane->x + pane->width - MARGIN - PAD - w : pane->x + MARGIN + PAD;
  GtkAllocation alloc = { (int) floor (x), (int) (pane->y + MARGIN), (int) floor (w), h };

  gtk_widget_size_allocate (label, &alloc, -1);
}

static void
lw_compare_view_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  LwCompareView *self = LW_COMPARE_VIEW (widget);
  gboolean have = self->original != NULL;
  LwCompareLayout l;

  _lw_compare_view_layout (self, &l);
  /* the decoded caption carries the rate and distortion, so difference mode keeps it */
  gtk_widget_set_child_visible (self->original_label,
                                have && self->mode != LW_COMPARE_MODE_DIFFERENCE);
  gtk_widget_set_child_visible (self->decoded_label,
                                have && (self->decoded != NULL ||
                                         self->mode == LW_COMPARE_MODE_SIDE_BY_SIDE));

  double room = l.pane[0].width - 2 * (MARGIN + PAD);
  switch (self->mode)
    {
    case LW_COMPARE_MODE_SPLIT:
      /* top-left and top-right corners, each within its half */
      room = l.pane[0].width / 2.0 - 2 * (MARGIN + PAD);
      place_caption (self->original_label, &l.pane[0], room, FALSE);
      place_caption (self->decoded_label, &l.pane[0], room, TRUE);
      break;
    case LW_COMPARE_MODE_SIDE_BY_SIDE:
      place_caption (self->original_label, &l.pane[0], room, FALSE);
      place_caption (self->decoded_label, &l.pane[1], room, FALSE);
      break;
    case LW_COMPARE_MODE_DIFFERENCE:
    default:
      place_caption (self->decoded_label, &l.pane[0], room, FALSE);
      break;
    }
  update_actions (self);
}

/* ---- GObject ----------------------------------------------------------------------------- */

static void
lw_compare_view_css_changed (GtkWidget         *widget,
                             GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (lw_compare_view_parent_class)->css_changed (widget, change);
  /* fonts may have changed: the legend's text is laid out again */
  _lw_compare_view_drop_legend (LW_COMPARE_VIEW (widget));
}

static void
lw_compare_view_system_setting_changed (GtkWidget        *widget,
                                        GtkSystemSetting  setting)
{
  GTK_WIDGET_CLASS (lw_compare_view_parent_class)->system_setting_changed (widget, setting);
  _lw_compare_view_drop_legend (LW_COMPARE_VIEW (widget));
  gtk_widget_queue_draw (widget);
}

static void
lw_compare_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  LwCompareView *self = LW_COMPARE_VIEW (object);

  switch (prop_id)
    {
    case PROP_ORIGINAL:
      g_value_set_object (value, self->original);
      break;
    case PROP_DECODED:
      g_value_set_object (value, self->decoded);
      break;
    case PROP_DIFFERENCE:
      g_value_set_object (value, self->difference);
      break;
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    case PROP_SPLIT:
      g_value_set_double (value, self->split);
      break;
    case PROP_ORIGINAL_CAPTION:
      g_value_set_string (value, lw_compare_view_get_original_caption (self));
      break;
    case PROP_DECODED_CAPTION:
      g_value_set_string (value, lw_compare_view_get_decoded_caption (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lw_compare_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  LwCompareView *self = LW_COMPARE_VIEW (object);

  switch (prop_id)
    {
    case PROP_ORIGINAL:
      lw_compare_view_set_original (self, g_value_get_object (value));
      break;
    case PROP_DECODED:
      lw_compare_view_set_decoded (self, g_value_get_object (value));
      break;
    case PROP_DIFFERENCE:
      lw_compare_view_set_difference (self, g_value_get_object (value), self->legend_max);
      break;
    case PROP_MODE:
      lw_compare_view_set_mode (self, g_value_get_enum (value));
      break;
    case PROP_ZOOM:
      lw_compare_view_set_zoom (self, g_value_get_double (value));
      break;
    case PROP_SPLIT:
      lw_compare_view_set_split (self, g_value_get_double (value));
      break;
    case PROP_ORIGINAL_CAPTION:
      lw_compare_view_set_original_caption (self, g_value_get_string (value));
      break;
    case PROP_DECODED_CAPTION:
      lw_compare_view_set_decoded_caption (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lw_compare_view_dispose (GObject *object)
{
  LwCompareView *self = LW_COMPARE_VIEW (object);

  g_clear_pointer (&self->original_label, gtk_widget_unparent);
  g_clear_pointer (&self->decoded_label, gtk_widget_unparent);
  g_clear_object (&self->original);
  g_clear_object (&self->decoded);
  g_clear_object (&self->difference);
  _lw_compare_view_drop_legend (self);

  G_OBJECT_CLASS (lw_compare_view_parent_class)->dispose (object);
}

static void
lw_compare_view_finalize (GObject *object)
{
  LwCompareView *self = LW_COMPARE_VIEW (object);

  g_clear_pointer (&self->original_surface, cairo_surface_destroy);
  g_clear_pointer (&self->decoded_surface, cairo_surface_destroy);
  g_clear_pointer (&self->difference_surface, cairo_surface_destroy);
  g_clear_pointer (&self->bar_surface, cairo_surface_destroy);

  G_OBJECT_CLASS (lw_compare_view_parent_class)->finalize (object);
}

static void
lw_compare_view_class_init (LwCompareViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = lw_compare_view_get_property;
  object_class->set_property = lw_compare_view_set_property;
  object_class->dispose = lw_compare_view_dispose;
  object_class->finalize = lw_compare_view_finalize;

  widget_class->measure = lw_compare_view_measure;
  widget_class->size_allocate = lw_compare_view_size_allocate;
  widget_class->snapshot = _lw_compare_view_snapshot;
  widget_class->css_changed = lw_compare_view_css_changed;
  widget_class->system_setting_changed = lw_compare_view_system_setting_changed;

  properties[PROP_ORIGINAL] =
    g_param_spec_object ("original", NULL, NULL, GDK_TYPE_TEXTURE, flags);
  properties[PROP_DECODED] =
    g_param_spec_object ("decoded", NULL, NULL, GDK_TYPE_TEXTURE, flags);
  properties[PROP_DIFFERENCE] =
    g_param_spec_object ("difference", NULL, NULL, GDK_TYPE_TEXTURE, flags);
  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL, LW_TYPE_COMPARE_MODE, LW_COMPARE_MODE_SPLIT, flags);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, 0, LW_COMPARE_VIEW_MAX_ZOOM, 0, flags);
  properties[PROP_SPLIT] =
    g_param_spec_double ("split", NULL, NULL, 0, 1, 0.5, flags);
  properties[PROP_ORIGINAL_CAPTION] =
    g_param_spec_string ("original-caption", NULL, NULL, NULL, flags);
  properties[PROP_DECODED_CAPTION] =
    g_param_spec_string ("decoded-caption", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LwCompareView::hover:
   * @x: image column under the pointer, or -1 when it is outside the image
   * @y: image row, or -1
   */
  signals[SIGNAL_HOVER] =
    g_signal_new ("hover", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);

  _lw_compare_view_class_init_input (widget_class);

  gtk_widget_class_set_css_name (widget_class, "lw-compare-view");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static GtkWidget *
caption_label_new (LwCompareView *self,
                   const char    *text)
{
  GtkWidget *label = gtk_label_new (text);
  g_autoptr (PangoAttrList) attrs = pango_attr_list_new ();

  /* light text on the dark backdrop drawn behind it, whatever the theme */
  pango_attr_list_insert (attrs, pango_attr_foreground_new (0xffff, 0xffff, 0xffff));
  gtk_label_set_attributes (GTK_LABEL (label), attrs);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_can_target (label, FALSE);
  gtk_widget_set_parent (label, GTK_WIDGET (self));
  return label;
}

static void
lw_compare_view_init (LwCompareView *self)
{
  self->split = 0.5;
  self->legend_max = 255.0;
  self->hover_x = self->hover_y = -1;
  self->original_label = caption_label_new (self, _("Original"));
  self->decoded_label = caption_label_new (self, _("Decoded"));

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  _lw_compare_view_init_input (self);
}

/* ---- public API -------------------------------------------------------------------------- */

/**
 * lw_compare_view_new:
 *
 * Returns: (transfer floating): a new, empty compare view (split mode, zoom to fit)
 */
GtkWidget *
lw_compare_view_new (void)
{
  return g_object_new (LW_TYPE_COMPARE_VIEW, NULL);
}

/**
 * lw_compare_view_get_original:
 *
 * Returns: (transfer none) (nullable): the reference image
 */
GdkTexture *
lw_compare_view_get_original (LwCompareView *self)
{
  g_return_val_if_fail (LW_IS_COMPARE_VIEW (self), NULL);
  return self->original;
}

static gboolean
same_size (GdkTexture *a,
           GdkTexture *b)
{
  return a != NULL && b != NULL && gdk_texture_get_width (a) == gdk_texture_get_width (b) &&
         gdk_texture_get_height (a) == gdk_texture_get_height (b);
}

void
lw_compare_view_set_original (LwCompareView *self,
                              GdkTexture    *texture)
{
  g_return_if_fail (LW_IS_COMPARE_VIEW (self));
  g_return_if_fail (texture == NULL || GDK_IS_TEXTURE (texture));

  gboolean kept_size = same_size (self->original, texture);
  gboolean first = self->original == NULL;

  if (!g_set_object (&self->original, texture))
    return;
  g_clear_pointer (&self->original_surface, cairo_surface_destroy);
  self->original_surface = _lw_compare_view_surface_from_texture (texture);
  /* A new image starts at its centre; a new version of the same-size image keeps the view,
   * and so does a first image after set_center (a project restoring its view). */
  if (!kept_size && !(first && self->center_pending))
    {
      self->cx = _lw_texture_width (texture) / 2;
      self->cy = _lw_texture_height (texture) / 2;
    }
  self->center_pending = FALSE;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  _lw_compare_view_view_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ORIGINAL]);
}

/**
 * lw_compare_view_get_decoded:
 *
 * Returns: (transfer none) (nullable): the decoded image
 */
GdkTexture *
lw_compare_view_get_decoded (LwCompareView *self)
{
  g_return_val_if_fail (LW_IS_COMPARE_VIEW (self), NULL);
  return self->decoded;
}

void
lw_compare_view_set_decoded (LwCompareView *self,
                             GdkTexture    *texture)
{
  g_return_if_fail (LW_IS_COMPARE_VIEW (self));
  g_return_if_fail (texture == NULL || GDK_IS_TEXTURE (texture));

  gboolean kept_size = same_size (self->decoded, texture);

  if (!g_set_object (&self->decoded, texture))
    return;
  g_clear_pointer (&self->decoded_surface, cairo_surface_destroy);
  self->decoded_surface = _lw_compare_view_surface_from_texture (texture);
  /* The usual case while a slider moves: same size, only pixels change. */
  if (kept_size)
    gtk_widget_queue_draw (GTK_WIDGET (self));
  else
    gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DECODED]);
}

/**
 * lw_compare_view_set_difference:
 * @heat_map: (nullable): the heat map from lw_diff_map, as a texture
 * @legend_max: the difference (8-bit levels) at the top of the colour bar: 255 / gain
 */
void
lw_compare_view_set_difference (LwCompareView *self,
                                GdkTexture    *heat_map,
                                double         legend_max)
{
  g_return_if_fail (LW_IS_COMPARE_VIEW (self));
  g_return_if_fail (heat_map == NULL || GDK_IS_TEXTURE (heat_map));

  if (!(legend_max > 0 && legend_max <= 1e6))
    legend_max = 255.0;
  if (legend_max != self->legend_max)
    {
      self->legend_max = legend_max;
      _lw_compare_view_drop_legend (self);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  if (!g_set_object (&self->difference, heat_map))
    return;
  g_clear_pointer (&self->difference_surface, cairo_surface_destroy);
  self->difference_surface = _lw_compare_view_surface_from_texture (heat_map);
  if (self->mode == LW_COMPARE_MODE_DIFFERENCE)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIFFERENCE]);
}

/**
 * lw_compare_view_get_difference:
 *
 * Returns: (transfer none) (nullable): the heat map
 */
GdkTexture *
lw_compare_view_get_difference (LwCompareView *self)
{
  g_return_val_if_fail (LW_IS_COMPARE_VIEW (self), NULL);
  return self->difference;
}

const char *
lw_compare_view_get_original_caption (LwCompareView *self)
{
  g_return_val_if_fail (LW_IS_COMPARE_VIEW (self), NULL);
  return gtk_label_get_text (GTK_LABEL (self->original_label));
}

/**
 * lw_compare_view_set_original_caption:
 * @caption: (nullable): the text over the original; NULL restores “Original”
 */
void
lw_compare_view_set_original_caption (LwCompareView *self,
                                      const char    *caption)
{
  g_return_if_fail (LW_IS_COMPARE_VIEW (self));

  if (caption == NULL)
    caption = _("Original");
  if (g_strcmp0 (caption, gtk_label_get_text (GTK_LABEL (self->original_label))) == 0)
    return;
  gtk_label_set_text (GTK_LABEL (self->original_label), caption);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ORIGINAL_CAPTION]);
}

const char *
lw_compare_view_get_decoded_caption (LwCompareView *self)
{
  g_return_val_if_fail (LW_IS_COMPARE_VIEW (self), NULL);
  return gtk_label_get_text (GTK_LABEL (self->decoded_label));
}

/**
 * lw_compare_view_set_decoded_caption:
 * @caption: (nullable): the text over the decoded image; NULL restores “Decoded”
 */
void
lw_compare_view_set_decoded_caption (LwCompareView *self,
                                     const char    *caption)
{
  g_return_if_fail (LW_IS_COMPARE_VIEW (self));

  if (caption == NULL)
    caption = _("Decoded");
  if (g_strcmp0 (caption, gtk_label_get_text (GTK_LABEL (self->decoded_label))) == 0)
    return;
  gtk_label_set_text (GTK_LABEL (self->decoded_label), caption);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DECODED_CAPTION]);
}

void
lw_compare_view_set_mode (LwCompareView *self,
                          LwCompareMode  mode)
{
  g_return_if_fail (LW_IS_COMPARE_VIEW (self));
  g_return_if_fail (mode <= LW_COMPARE_MODE_DIFFERENCE);

  if (mode == self->mode)
    return;
  self->mode = mode;
  /* panes, captions and the fit scale all depend on the mode */
  gtk_widget_queue_resize (GTK_WIDGET (self));
  _lw_compare_view_view_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
}

LwCompareMode
lw_compare_view_get_mode (LwCompareView *self)
{
  g_return_val_if_fail (LW_IS_COMPARE_VIEW (self), LW_COMPARE_MODE_SPLIT);
  return self->mode;
}

void
lw_compare_view_set_zoom (LwCompareView *self,
                          double         zoom)
{
  g_return_if_fail (LW_IS_COMPARE_VIEW (self));

  if (_lw_compare_view_set_zoom_value (self, zoom))
    _lw_compare_view_view_changed (self);
}

double
lw_compare_view_get_zoom (LwCompareView *self)
{
  g_return_val_if_fail (LW_IS_COMPARE_VIEW (self), 0);
  return self->zoom;
}

double
lw_compare_view_get_effective_zoom (LwCompareView *self)
{
  LwCompareLayout l;

  g_return_val_if_fail (LW_IS_COMPARE_VIEW (self), 0);
  _lw_compare_view_layout (self, &l);
  return l.scale;
}

void
lw_compare_view_zoom_in (LwCompareView *self)
{
  g_return_if_fail (LW_IS_COMPARE_VIEW (self));
  lw_compare_view_set_zoom (self, lw_fit_zoom_step (lw_compare_view_get_effective_zoom (self), 1,
                                                    LW_COMPARE_VIEW_MIN_ZOOM,
                                                    LW_COMPARE_VIEW_MAX_ZOOM));
}

void
lw_compare_view_zoom_out (LwCompareView *self)
{
  g_return_if_fail (LW_IS_COMPARE_VIEW (self));
  lw_compare_view_set_zoom (self, lw_fit_zoom_step (lw_compare_view_get_effective_zoom (self), -1,
                                                    LW_COMPARE_VIEW_MIN_ZOOM,
                                                    LW_COMPARE_VIEW_MAX_ZOOM));
}

void
lw_compare_view_get_center (LwCompareView *self,
                            double        *x,
                            double        *y)
{
  LwCompareLayout l;

  g_return_if_fail (LW_IS_COMPARE_VIEW (self));
  _lw_compare_view_layout (self, &l);
  if (x != NULL)
    *x = l.cx;
  if (y != NULL)
    *y = l.cy;
}

/* Pans so that image point (x, y) is at the centre of the view, as far as the clamp allows
 * (while fitting, the fitted image stays centred). */
void
lw_compare_view_set_center (LwCompareView *self,
                            double         x,
                            double         y)
{
  g_return_if_fail (LW_IS_COMPARE_VIEW (self));
  g_return_if_fail (!isnan (x) && !isnan (y));

  self->cx = x;
  self->cy = y;
  self->center_pending = self->original == NULL;
  _lw_compare_view_view_changed (self);
}

void
lw_compare_view_set_split (LwCompareView *self,
                           double         fraction)
{
  g_return_if_fail (LW_IS_COMPARE_VIEW (self));
  g_return_if_fail (!isnan (fraction));

  fraction = CLAMP (fraction, 0.0, 1.0);
  if (fraction == self->split)
    return;
  self->split = fraction;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPLIT]);
}

double
lw_compare_view_get_split (LwCompareView *self)
{
  g_return_val_if_fail (LW_IS_COMPARE_VIEW (self), 0.5);
  return self->split;
}

gboolean
lw_compare_view_widget_to_image (LwCompareView *self,
                                 double         wx,
                                 double         wy,
                                 double        *ix,
                                 double        *iy)
{
  LwCompareLayout l;
  double ox, oy, x = -1, y = -1;
  int p;

  g_return_val_if_fail (LW_IS_COMPARE_VIEW (self), FALSE);

  _lw_compare_view_layout (self, &l);
  p = _lw_compare_view_pane_at (&l, wx, wy);
  if (l.scale > 0 && p >= 0)
    {
      _lw_compare_view_image_origin (&l, (guint) p, &ox, &oy);
      x = (wx - ox) / l.scale;
      y = (wy - oy) / l.scale;
    }
  if (ix != NULL)
    *ix = x;
  if (iy != NULL)
    *iy = y;
  return p >= 0 && l.scale > 0 && x >= 0 && x < l.iw && y >= 0 && y < l.ih;
}
