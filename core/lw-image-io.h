/* lw-image-io.h — PNG and JPEG reading, PNG writing, to and from C×H×W float tensors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pixels are floats in [0, 1]: value / 255 for 8-bit sources, value / 65535 for 16-bit.
 * Channels: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA (palette images expand to RGB or RGBA).
 * Dimensions are checked against LW_IMAGE_MAX_SIDE before any pixel memory is allocated.
 */
#pragma once

#include <glib.h>

#include "lw-tensor.h"

G_BEGIN_DECLS

#define LW_IMAGE_MAX_SIDE 16384

typedef struct
{
  guint bit_depth;   /* of the source file: 8 or 16 (JPEG: 8) */
  guint channels;    /* 1..4 as above */
  gboolean has_alpha;
  const char *format; /* "png" or "jpeg" */
} LwImageInfo;

/* Detects the format by content (magic bytes), not by name. `name` is used in messages. */
LwTensor *lw_image_load_from_memory (const guint8 *data, gsize len, const char *name,
                                     LwImageInfo *info, GError **error);
LwTensor *lw_image_load             (const char *path, LwImageInfo *info, GError **error);

/* PNG bytes of a 1..4 channel tensor; values clamped to [0,1] and rounded; bit_depth 8 or 16 */
GBytes   *lw_image_encode_png       (const LwTensor *image, guint bit_depth, GError **error);
/* Written to a temporary file in the same folder, then renamed: on failure the old file stays */
gboolean  lw_image_save_png         (const LwTensor *image, const char *path, guint bit_depth,
                                     GError **error);

/* Interleaved 8-bit pixels (H×W×C), rounding and clamping; free with g_free */
guint8   *lw_image_to_u8            (const LwTensor *image);
/* C×H×W tensor from interleaved 8-bit pixels */
LwTensor *lw_image_from_u8          (const guint8 *pixels, guint width, guint height,
                                     guint channels);

/* Write bytes atomically (temp file + rename in the same folder). */
gboolean  lw_file_write_atomic      (const char *path, const guint8 *data, gsize len,
                                     GError **error);

G_END_DECLS
