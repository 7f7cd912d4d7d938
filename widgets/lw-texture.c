/* lw-texture.c — image tensors to GDK textures
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-texture"

#include "lw-texture.h"

#include <math.h>

#include "lw-error.h"

static inline guint8
to_u8 (float v)
{
  /* NaN fails both comparisons and ends up 0, like a clamped negative value */
  if (!(v > 0.0f))
    return 0;
  if (v >= 1.0f)
    return 255;
  return (guint8) lrintf (v * 255.0f);
}

gboolean
lw_pixels_from_tensor (const LwTensor *image,
                       LwPixels       *out,
                       GError        **error)
{
  g_return_val_if_fail (image != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (image->ndim != 3 || image->shape[0] < 1 || image->shape[0] > 4 ||
      image->shape[1] < 1 || image->shape[2] < 1 ||
      image->shape[1] > G_MAXINT / 4 || image->shape[2] > G_MAXINT / 4)
    {
      g_autofree char *shape = lw_tensor_shape_string (image);
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE,
                   "cannot show a %s tensor as an image (expected C×H×W with 1 to 4 channels)",
                   shape);
      return FALSE;
    }

  gsize c = image->shape[0], h = image->shape[1], w = image->shape[2];
  gsize plane = h * w;
  gboolean alpha = (c == 2 || c == 4);
  gsize bpp = alpha ? 4 : 3;
  gsize stride = w * bpp;
  guint8 *buf = g_malloc (stride * h);
  const float *d = image->data;

  for (gsize y = 0; y < h; y++)
    {
      guint8 *row = buf + y * stride;
      for (gsize x = 0; x < w; x++)
        {
          gsize i = y * w + x;
          guint8 *p = row + x * bpp;
          if (c <= 2)
            p[0] = p[1] = p[2] = to_u8 (d[i]);
          else
            {
              p[0] = to_u8 (d[i]);
              p[1] = to_u8 (d[plane + i]);
              p[2] = to_u8 (d[2 * plane + i]);
            }
          if (alpha)
            p[3] = to_u8 (d[(c - 1) * plane + i]);
        }
    }

  out->bytes = g_bytes_new_take (buf, stride * h);
  out->width = (guint) w;
  out->height = (guint) h;
  out->stride = stride;
  out->format = alpha ? GDK_MEMORY_R8G8B8A8 : GDK_MEMORY_R8G8B8;
  return TRUE;
}

void
lw_pixels_clear (LwPixels *pixels)
{
  g_clear_pointer (&pixels->bytes, g_bytes_unref);
  pixels->width = pixels->height = 0;
  pixels->stride = 0;
}

GdkTexture *
lw_pixels_to_texture (const LwPixels *pixels)
{
  g_return_val_if_fail (pixels != NULL && pixels->bytes != NULL, NULL);
  return gdk_memory_texture_new ((int) pixels->width, (int) pixels->height, pixels->format,
                                 pixels->bytes, pixels->stride);
}

GdkTexture *
lw_texture_from_tensor (const LwTensor *image,
                        GError        **error)
{
  LwPixels pixels = { 0 };

  if (!lw_pixels_from_tensor (image, &pixels, error))
    return NULL;
  GdkTexture *texture = lw_pixels_to_texture (&pixels);
  lw_pixels_clear (&pixels);
  return texture;
}
