/* lw-latent-planes.c — wavelet-latent's two ways of storing the integer latent planes besides
 * rANS (WaLLoC's lossless WebP mosaic) and the optional spatial prediction of a plane
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-wavelet-latent"

#include "lw-error.h"
#include "lw-latent-planes-private.h"

#include <math.h>
#include <string.h>
#include <webp/decode.h>
#include <webp/encode.h>

/* WaLLoC's mosaic: planes tiled n×n as 3-channel images (N padded to 3n² with zero planes) */
GBytes *
_lw_webp_mosaic_encode (const guint16 *sym, guint planes, guint ph, guint pw, guint16 zero,
                        GError **error)
{
  guint n = 1;
  while (3 * n * n < planes)
    n++;
  guint mw = n * pw, mh = n * ph;
  if (mw > 16383 || mh > 16383)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "wavelet-latent: the WebP mosaic would be %u×%u, above WebP's 16383", mw, mh);
      return NULL;
    }
  guint8 *rgb = g_new (guint8, (gsize) mw * mh * 3);
  for (guint ty = 0; ty < n; ty++)
    for (guint tx = 0; tx < n; tx++)
      for (guint k = 0; k < 3; k++)
        {
          guint plane = 3 * (ty * n + tx) + k;
          for (guint y = 0; y < ph; y++)
            for (guint x = 0; x < pw; x++)
              rgb[((gsize) (ty * ph + y) * mw + tx * pw + x) * 3 + k] =
                  plane < planes ? sym[((gsize) plane * ph + y) * pw + x] : zero;
        }
  uint8_t *out = NULL;
  size_t len = WebPEncodeLosslessRGB (rgb, mw, mh, mw * 3, &out);
  g_free (rgb);
  if (len == 0)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_FAILED, "wavelet-latent: WebP encoding failed");
      return NULL;
    }
  GBytes *bytes = g_bytes_new (out, len);
  WebPFree (out);
  return bytes;
}

gboolean
_lw_webp_mosaic_decode (GBytes *chunk, guint16 *sym, guint planes, guint ph, guint pw,
                        guint alphabet, GError **error)
{
  guint n = 1;
  while (3 * n * n < planes)
    n++;
  guint mw = n * pw, mh = n * ph;
  gsize len;
  const guint8 *data = g_bytes_get_data (chunk, &len);
  int width = 0, height = 0;
  if (!WebPGetInfo (data, len, &width, &height) || (guint) width != mw || (guint) height != mh)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "wavelet-latent: latent WebP mosaic is %d×%d or unreadable, expected %u×%u",
                   width, height, mw, mh);
      return FALSE;
    }
  guint8 *rgb = g_new (guint8, (gsize) mw * mh * 3);
  if (WebPDecodeRGBInto (data, len, rgb, (gsize) mw * mh * 3, mw * 3) == NULL)
    {
      g_free (rgb);
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "wavelet-latent: latent WebP mosaic is corrupt");
      return FALSE;
    }
  for (guint plane = 0; plane < planes; plane++)
    {
      guint t = plane / 3, k = plane % 3, ty = t / n, tx = t % n;
      for (guint y = 0; y < ph; y++)
        for (guint x = 0; x < pw; x++)
          {
            guint v = rgb[((gsize) (ty * ph + y) * mw + tx * pw + x) * 3 + k];
            /* 8-bit pixels, but the alphabet may be smaller (bits < 8) */
            if (v >= alphabet)
              {
                g_free (rgb);
                g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                             "wavelet-latent: latent WebP mosaic holds %u in plane %u, outside "
                             "the alphabet of %u", v, plane, alphabet);
                return FALSE;
              }
            sym[((gsize) plane * ph + y) * pw + x] = v;
          }
    }
  g_free (rgb);
  return TRUE;
}

/* Spatial prediction of one plane of symbols (LOCO-I's median edge detector on the left, top
 * and top-left neighbours), applied losslessly modulo the alphabet A = 2^b: the residual
 * symbol is (s − pred + A/2) mod A. The low-frequency latents are smooth images at 1/2^J of
 * the image size, and their residuals cost far fewer bits than the values. */
static inline guint
med_predict (const guint16 *plane, guint w, guint y, guint x, guint zero)
{
  if (y == 0)
    return x == 0 ? zero : plane[x - 1];
  const guint16 *up = plane + (gsize) (y - 1) * w;
  if (x == 0)
    return up[0];
  guint a = plane[(gsize) y * w + x - 1], b = up[x], c = up[x - 1];
  guint lo = MIN (a, b), hi = MAX (a, b);
  if (c >= hi)
    return lo;
  if (c <= lo)
    return hi;
  return a + b - c;
}

static void
plane_to_residuals (const guint16 *plane, guint16 *out, guint h, guint w, guint alphabet)
{
  guint zero = alphabet / 2, mask = alphabet - 1;
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      out[(gsize) y * w + x] =
          (plane[(gsize) y * w + x] - med_predict (plane, w, y, x, zero) + zero) & mask;
}

void
_lw_residuals_to_plane (guint16 *plane, guint h, guint w, guint alphabet)
{
  /* in place: each prediction reads only symbols already restored */
  guint zero = alphabet / 2, mask = alphabet - 1;
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      plane[(gsize) y * w + x] =
          (plane[(gsize) y * w + x] + med_predict (plane, w, y, x, zero) - zero) & mask;
}

static void
prediction_gain (const guint16 *plane, guint h, guint w, guint alphabet, guint row_step,
                 double *raw_mad, double *res_mad)
{
  guint zero = alphabet / 2, mask = alphabet - 1;
  double mean = 0, raw = 0, res = 0;
  gsize n = 0;
  for (guint y = MIN (1, h - 1); y < h; y += row_step)
    for (guint x = 0; x < w; x++)
      mean += plane[(gsize) y * w + x], n++;
  mean /= n;
  for (guint y = MIN (1, h - 1); y < h; y += row_step)
    for (guint x = 0; x < w; x++)
      {
        guint s = plane[(gsize) y * w + x];
        guint r = (s - med_predict (plane, w, y, x, zero) + zero) & mask;
        raw += fabs (s - mean);
        res += abs ((int) r - (int) zero);
      }
  *raw_mad = raw / n;
  *res_mad = res / n;
}

guint8 *
_lw_predict_planes (guint16 *sym, guint planes, guint h, guint w, guint alphabet)
{
  gsize size = (gsize) h * w;
  guint8 *flags = g_new0 (guint8, planes);
  g_autofree guint16 *res = g_new (guint16, size);
  for (guint k = 0; k < planes; k++)
    {
      guint16 *plane = sym + (gsize) k * size;
      double raw, pred;
      /* a quarter of the rows decides; the margin covers what the coder's own context model
       * already captures of the spatial redundancy */
      prediction_gain (plane, h, w, alphabet, 4, &raw, &pred);
      if (pred < 0.8 * raw)
        {
          plane_to_residuals (plane, res, h, w, alphabet);
          memcpy (plane, res, size * sizeof (guint16));
          flags[k] = 1;
        }
    }
  return flags;
}
