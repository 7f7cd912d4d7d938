/* lw-compare-view.c — two images side by side at one common scale, each under a caption
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The left image is the original, the right one the decoded version. Both are drawn with the
 * same scale (never enlarged beyond 1:1, so codec artefacts are not smeared by upscaling) and
 * meet at the middle, one per half; each caption sits right above its image. While there is no decoded
 * image yet, a placeholder the size of the original marks where it will appear.
 */
#define G_LOG_DOMAIN "lw-compare-view"

#include <glib/gi18n.h>
#include <math.h>

#include "lw-compare-view.h"
#include "lw-fit.h"

#define GAP          16   /* between the two images, logical px */
#define CAPTION_GAP   6   /* between a caption and its image */
#define MIN_CELL     64   /* smallest image size we ask room for */
#define MAX_SCALE   1.0

struct _LwCompareView
{
  GtkWidget   parent_instance;

  GdkTexture *original;          /* owned, nullable */
  GdkTexture *decoded;           /* owned, nullable */
  GtkWidget  *original_label;    /* child */
  GtkWidget  *decoded_label;     /* child */

  /* from the last size_allocate, used by snapshot */
  LwRect      original_rect;
  LwRect      decoded_rect;
};

G_DEFINE_FINAL_TYPE (LwCompareView, lw_compare_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ORIGINAL,
  PROP_DECODED,
  PROP_ORIGINAL_CAPTION,
  PROP_DECODED_CAPTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
texture_size (GdkTexture *texture,
              double     *w,
              double     *h)
{
  *w = texture ? gdk_texture_get_width (texture) : 0;
  *h = texture ? gdk_texture_get_height (texture) : 0;
}

static int
caption_height (LwCompareView *self)
{
  int a = 0, b = 0;

  /* Captions are single lines that ellipsize: their height does not depend on the width. */
  gtk_widget_measure (self->original_label, GTK_ORIENTATION_VERTICAL, -1, NULL, &a, NULL, NULL);
  gtk_widget_measure (self->decoded_label, GTK_ORIENTATION_VERTICAL, -1, NULL, &b, NULL, NULL);
  return MAX (a, b);
}

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
  double ow, oh, dw, dh;

  texture_size (self->original, &ow, &oh);
  texture_size (self->decoded, &dw, &dh);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      int lmin = 0, rmin = 0;
      gtk_widget_measure (self->original_label, orientation, -1, &lmin, NULL, NULL, NULL);
      gtk_widget_measure (self->decoded_label, orientation, -1, &rmin, NULL, NULL, NULL);
      /* Labels ellipsize, so they add little to the minimum. */
      *minimum = 2 * MAX (MIN_CELL, MAX (lmin, rmin)) + GAP;
      *natural = MAX (*minimum, (int) (2 * MAX (ow, dw)) + GAP);
    }
  else
    {
      int ch = caption_height (self);
      *minimum = ch + CAPTION_GAP + MIN_CELL;
      *natural = MAX (*minimum, ch + CAPTION_GAP + (int) MAX (oh, dh));
    }
}

static void
allocate_caption (GtkWidget    *label,
                  const LwRect *image,
                  double        half_x,
                  double        half_w,
                  int           ch)
{
  int min_w = 0, nat_w = 0;

  /* Centred over its image, as wide as the text wants but inside its half of the widget so
   * the two captions never overlap; right above the image's top edge. */
  gtk_widget_measure (label, GTK_ORIENTATION_HORIZONTAL, -1, &min_w, &nat_w, NULL, NULL);
  double w = MAX (MIN ((double) nat_w, half_w), MIN ((double) min_w, half_w));
  w = MAX (w, MIN (image->width, half_w));
  double x = CLAMP (image->x + image->width / 2.0 - w / 2.0, half_x, half_x + half_w - w);
  double y = MAX (0.0, image->y - CAPTION_GAP - ch);
  GtkAllocation alloc = { (int) floor (x), (int) floor (y), (int) floor (w), ch };

  gtk_widget_size_allocate (label, &alloc, -1);
}

static void
lw_compare_view_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  LwCompareView *self = LW_COMPARE_VIEW (widget);
  double ow, oh, dw, dh;
  double cell_w = (width - GAP) / 2.0;
  int ch = caption_height (self);
  LwRect area = { 0, ch + CAPTION_GAP, width, MAX (0, height - ch - CAPTION_GAP) };

  texture_size (self->original, &ow, &oh);
  texture_size (self->decoded, &dw, &dh);
  /* Without a decoded image the placeholder takes the original's size. */
  if (self->decoded == NULL)
    {
      dw = ow;
      dh = oh;
    }

  lw_fit_side_by_side (ow, oh, dw, dh, &area, GAP, MAX_SCALE,
                       &self->original_rect, &self->decoded_rect);

  /* Nothing to show yet: captions at the top of their halves */
  if (self->original_rect.width <= 0)
    self->original_rect = (LwRect) { 0, area.y, cell_w, 0 };
  if (self->decoded_rect.width <= 0)
    self->decoded_rect = (LwRect) { cell_w + GAP, area.y, cell_w, 0 };

  allocate_caption (self->original_label, &self->original_rect, 0, cell_w, ch);
  allocate_caption (self->decoded_label, &self->decoded_rect, cell_w + GAP, cell_w, ch);
}

static void
append_image (GtkSnapshot   *snapshot,
              GdkTexture    *texture,
              const LwRect  *r,
              const GdkRGBA *fg)
{
  graphene_rect_t bounds = GRAPHENE_RECT_INIT ((float) r->x, (float) r->y,
                                               (float) r->width, (float) r->height);

  if (r->width <= 0 || r->height <= 0)
    return;
  if (texture != NULL)
    {
      gtk_snapshot_append_texture (snapshot, texture, &bounds);
      return;
    }
  /* Placeholder: a faint box in the text colour, visible in light and dark styles */
  GdkRGBA faint = *fg;
  faint.alpha *= 0.08f;
  gtk_snapshot_append_color (snapshot, &faint, &bounds);
}

static void
lw_compare_view_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  LwCompareView *self = LW_COMPARE_VIEW (widget);
  GdkRGBA fg;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  append_image (snapshot, self->original, &self->original_rect, &fg);
  if (self->original != NULL || self->decoded != NULL)
    append_image (snapshot, self->decoded, &self->decoded_rect, &fg);

  gtk_widget_snapshot_child (widget, self->original_label, snapshot);
  gtk_widget_snapshot_child (widget, self->decoded_label, snapshot);
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

  G_OBJECT_CLASS (lw_compare_view_parent_class)->dispose (object);
}

static void
lw_compare_view_class_init (LwCompareViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = lw_compare_view_get_property;
  object_class->set_property = lw_compare_view_set_property;
  object_class->dispose = lw_compare_view_dispose;

  widget_class->measure = lw_compare_view_measure;
  widget_class->size_allocate = lw_compare_view_size_allocate;
  widget_class->snapshot = lw_compare_view_snapshot;

  properties[PROP_ORIGINAL] =
    g_param_spec_object ("original", NULL, NULL, GDK_TYPE_TEXTURE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DECODED] =
    g_param_spec_object ("decoded", NULL, NULL, GDK_TYPE_TEXTURE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ORIGINAL_CAPTION] =
    g_param_spec_string ("original-caption", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DECODED_CAPTION] =
    g_param_spec_string ("decoded-caption", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "lw-compare-view");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static GtkWidget *
caption_label_new (LwCompareView *self,
                   const char    *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (label), 0.5f);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_parent (label, GTK_WIDGET (self));
  return label;
}

static void
lw_compare_view_init (LwCompareView *self)
{
  self->original_label = caption_label_new (self, _("Original"));
  self->decoded_label = caption_label_new (self, _("Decoded"));
}

/**
 * lw_compare_view_new:
 *
 * Returns: (transfer floating): a new, empty compare view
 */
GtkWidget *
lw_compare_view_new (void)
{
  return g_object_new (LW_TYPE_COMPARE_VIEW, NULL);
}

/**
 * lw_compare_view_get_original:
 *
 * Returns: (transfer none) (nullable): the image shown on the left
 */
GdkTexture *
lw_compare_view_get_original (LwCompareView *self)
{
  g_return_val_if_fail (LW_IS_COMPARE_VIEW (self), NULL);
  return self->original;
}

void
lw_compare_view_set_original (LwCompareView *self,
                              GdkTexture    *texture)
{
  g_return_if_fail (LW_IS_COMPARE_VIEW (self));
  g_return_if_fail (texture == NULL || GDK_IS_TEXTURE (texture));

  if (g_set_object (&self->original, texture))
    {
      /* A new size moves both images and the captions. */
      gtk_widget_queue_resize (GTK_WIDGET (self));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ORIGINAL]);
    }
}

/**
 * lw_compare_view_get_decoded:
 *
 * Returns: (transfer none) (nullable): the image shown on the right
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

  GdkTexture *old = self->decoded;
  gboolean same_size = old != NULL && texture != NULL &&
                       gdk_texture_get_width (old) == gdk_texture_get_width (texture) &&
                       gdk_texture_get_height (old) == gdk_texture_get_height (texture);

  if (g_set_object (&self->decoded, texture))
    {
      /* The usual case while a slider moves: same size, only pixels change. */
      if (same_size)
        gtk_widget_queue_draw (GTK_WIDGET (self));
      else
        gtk_widget_queue_resize (GTK_WIDGET (self));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DECODED]);
    }
}

const char *
lw_compare_view_get_original_caption (LwCompareView *self)
{
  g_return_val_if_fail (LW_IS_COMPARE_VIEW (self), NULL);
  return gtk_label_get_text (GTK_LABEL (self->original_label));
}

/**
 * lw_compare_view_set_original_caption:
 * @caption: (nullable): the text above the original; NULL restores “Original”
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
 * @caption: (nullable): the text above the decoded image, e.g. “Decoded — 0.52 bpp, 31.2 dB”;
 *   NULL restores “Decoded”
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
