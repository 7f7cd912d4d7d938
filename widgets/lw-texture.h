/* lw-texture.h — image tensors (C×H×W floats in [0, 1]) to GDK textures
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "lw-tensor.h"

G_BEGIN_DECLS

/* 8-bit pixels ready for a GdkMemoryTexture, made from an image tensor. Plain data, so a
 * worker thread may build it and the main thread turn it into a texture. */
typedef struct
{
  GBytes         *bytes;  /* H rows of `stride` bytes */
  guint           width;
  guint           height;
  gsize           stride;
  GdkMemoryFormat format; /* R8G8B8 (1 or 3 channels) or R8G8B8A8 (2 or 4), straight alpha */
} LwPixels;

/* Gray becomes RGB, gray+alpha RGBA; values are clamped to [0, 1] and rounded to 8 bits.
 * Returns FALSE with an LW_ERROR_SHAPE error when `image` is not C×H×W with 1 ≤ C ≤ 4. */
gboolean    lw_pixels_from_tensor (const LwTensor *image, LwPixels *out, GError **error);
void        lw_pixels_clear       (LwPixels *pixels);

/* (transfer full): a texture over the pixels (the bytes are shared, not copied) */
GdkTexture *lw_pixels_to_texture  (const LwPixels *pixels);

/* (transfer full) (nullable): both steps at once */
GdkTexture *lw_texture_from_tensor (const LwTensor *image, GError **error);

G_END_DECLS
