/* fuzz-image-load.c — libFuzzer target: PNG/JPEG decoding of arbitrary bytes
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Any input must give either an image with sane shape and values in [0, 1], or a GError in
 * the LW_ERROR domain — never a crash, a leak or an oversized allocation.
 */
#define G_LOG_DOMAIN "fuzz-image-load"

#include <glib.h>
#include <stdint.h>

#include "lw-error.h"
#include "lw-image-io.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  LwImageInfo info = { 0 };
  LwTensor *img = lw_image_load_from_memory (data, size, "fuzz-input", &info, &error);

  if (img == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == LW_ERROR);
      g_error_free (error);
      return 0;
    }
  g_assert_null (error);
  g_assert_true (img->ndim == 3);
  g_assert_true (img->shape[0] >= 1 && img->shape[0] <= 4);
  g_assert_true (img->shape[0] == info.channels);
  g_assert_true (img->shape[1] >= 1 && img->shape[1] <= LW_IMAGE_MAX_SIDE);
  g_assert_true (img->shape[2] >= 1 && img->shape[2] <= LW_IMAGE_MAX_SIDE);
  gsize n = lw_tensor_numel (img);
  for (gsize i = 0; i < n; i++)
    g_assert_true (img->data[i] >= 0.0f && img->data[i] <= 1.0f);

  /* Re-encoding what we decoded must work and decode to the same shape */
  GBytes *png = lw_image_encode_png (img, info.bit_depth == 16 ? 16 : 8, &error);
  g_assert_no_error (error);
  gsize len;
  const guint8 *bytes = g_bytes_get_data (png, &len);
  LwTensor *again = lw_image_load_from_memory (bytes, len, "re-encoded", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lw_tensor_same_shape (img, again));
  lw_tensor_free (again);
  g_bytes_unref (png);
  lw_tensor_free (img);
  return 0;
}
