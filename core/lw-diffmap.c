/* lw-diffmap.c — heat map of the per-pixel difference between two images
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs per slider step on a worker, so the colour work is done once per call: the difference
 * of two 8-bit values is an integer 0…255, and a 256-entry table maps it straight to the
 * three output floats. What remains per pixel is rounding, a max and three stores.
 */
#define G_LOG_DOMAIN "lw-diffmap"

#include "lw-diffmap.h"

#include <math.h>
#include <stdlib.h>

#include <string.h>

#include "lw-error.h"

/* The same rounding as lw-metrics: clamp to [0, 1], then floor(255·v + 0.5); NaN → 0 */
static inline int
to_u8 (float v)
{
  /* branch-free so the loop vectorises; the truncated argument is positive, so it is floor */
  float c = v > 0.0f ? v : 0.0f;

  c = c < 1.0f ? c : 1.0f;
  return (int) ((double) c * 255.0 + 0.5);
}

static gboolean
check_image (const LwTensor *t,
             const char     *name,
             GError        **error)
{
  if (t->ndim != 3 || t->shape[0] < 1 || t->shape[0] > 4 || t->shape[1] < 1 || t->shape[2] < 1)
    {
      g_autofree char *shape = lw_tensor_shape_string (t);
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE,
                   "difference map: the %s image is %s, expected C×H×W with 1 to 4 channels",
                   name, shape);
      return FALSE;
    }
  return TRUE;
}

/* Checks the arguments; on success fills `levels` (h·w bytes, the largest channel difference
 * per pixel in 8-bit levels, alpha left out) and `lut` (the colour of each level). */
static gboolean
diff_levels (const LwTensor *ref,
             const LwTensor *test,
             double          gain,
             LwColormap      map,
             guint8        **levels_out,
             guint8          lut[256][3],
             double         *max_diff_out,
             GError        **error)
{
  if (max_diff_out != NULL)
    *max_diff_out = 0.0;
  if (!check_image (ref, "reference", error) || !check_image (test, "test", error))
    return FALSE;
  if (!lw_tensor_same_shape (ref, test))
    {
      g_autofree char *a = lw_tensor_shape_string (ref);
      g_autofree char *b = lw_tensor_shape_string (test);
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE,
                   "difference map: the reference image is %s but the test image is %s", a, b);
      return FALSE;
    }
  if (!(gain >= LW_DIFF_MAP_GAIN_MIN && gain <= LW_DIFF_MAP_GAIN_MAX))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "difference map: gain %g is outside [%g, %g]", gain,
                   LW_DIFF_MAP_GAIN_MIN, LW_DIFF_MAP_GAIN_MAX);
      return FALSE;
    }

  gsize c = ref->shape[0], h = ref->shape[1], w = ref->shape[2];
  gsize plane = h * w;
  /* Alpha is the last channel of 2- and 4-channel images; only colour is compared. */
  gsize n_colour = (c == 2 || c == 4) ? c - 1 : c;
  guint8 *levels = g_try_malloc (plane);
  int max_diff = 0;

  if (levels == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "difference map: no memory for %zu×%zu pixels", w, h);
      return FALSE;
    }
  for (int d = 0; d < 256; d++)
    lw_colormap_lookup (map, MIN (d * gain, 255.0) / 255.0, lut[d]);

  memset (levels, 0, plane);
  /* Channel by channel so each inner loop runs over contiguous floats and vectorises. */
  for (gsize k = 0; k < n_colour; k++)
    {
      const float *r = ref->data + k * plane, *t = test->data + k * plane;
      for (gsize i = 0; i < plane; i++)
        {
          int e = abs (to_u8 (r[i]) - to_u8 (t[i]));
          levels[i] = (guint8) MAX (levels[i], e);
        }
    }
  for (gsize i = 0; i < plane; i++)
    max_diff = MAX (max_diff, levels[i]);

  if (max_diff_out != NULL)
    *max_diff_out = max_diff;
  *levels_out = levels;
  return TRUE;
}

LwTensor *
lw_diff_map (const LwTensor *ref,
             const LwTensor *test,
             double          gain,
             LwColormap      map,
             double         *max_diff_out,
             GError        **error)
{
  g_autofree guint8 *levels = NULL;
  guint8 lut[256][3];

  g_return_val_if_fail (ref != NULL, NULL);
  g_return_val_if_fail (test != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!diff_levels (ref, test, gain, map, &levels, lut, max_diff_out, error))
    return NULL;

  gsize h = ref->shape[1], w = ref->shape[2], plane = h * w;
  g_autoptr (LwTensor) out = lw_tensor_new_uninit (3, (gsize[]) { 3, h, w }, error);
  if (out == NULL)
    return NULL;
  for (gsize k = 0; k < 3; k++)
    {
      float *o = out->data + k * plane;
      for (gsize i = 0; i < plane; i++)
        o[i] = lut[levels[i]][k] / 255.0f;
    }
  return g_steal_pointer (&out);
}

guint8 *
lw_diff_map_rgb8 (const LwTensor *ref,
                  const LwTensor *test,
                  double          gain,
                  LwColormap      map,
                  double         *max_diff_out,
                  GError        **error)
{
  g_autofree guint8 *levels = NULL;
  guint8 lut[256][3];

  g_return_val_if_fail (ref != NULL, NULL);
  g_return_val_if_fail (test != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!diff_levels (ref, test, gain, map, &levels, lut, max_diff_out, error))
    return NULL;

  gsize plane = ref->shape[1] * ref->shape[2];
  guint8 *out = g_try_malloc (3 * plane);
  if (out == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "difference map: no memory for %zu pixels", plane);
      return NULL;
    }
  for (gsize i = 0; i < plane; i++)
    memcpy (out + 3 * i, lut[levels[i]], 3);
  return out;
}
