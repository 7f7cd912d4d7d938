/* lw-metrics.c — PSNR, PSNR-Y, SSIM, MS-SSIM on 8-bit rounded images; rate figures
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SSIM reproduces scikit-image's structural_similarity (gaussian_weights=True, sigma=1.5,
 * use_sample_covariance=False, data_range=255): an 11-tap Gaussian (radius int(3.5·1.5+0.5)
 * = 5, scipy's gaussian_filter kernel), statistics at every pixel, then the mean over the
 * image with a 5-pixel border cropped. Because the crop equals the filter radius, the
 * cropped region never reads past the image edge, so the boundary mode ('reflect' in
 * scikit-image) cannot change the result and we only filter the part that is kept.
 *
 * MS-SSIM (Wang, Simoncelli, Bovik 2003): contrast–structure means at scales 1…M−1 and the
 * full SSIM mean at scale M, each raised to its weight, per channel, then channels averaged.
 * Downsampling is a 2×2 average; an odd side is first padded by repeating its last row or
 * column (so sides round up, as in TensorFlow's ssim_multiscale). A scale needs both sides
 * ≥ 11, hence 5 scales need a shorter side ≥ 161. Smaller images use as many scales as fit,
 * with the leading weights renormalised to sum to 1. Negative means are clamped to 0 so the
 * fractional powers stay real.
 */
#define G_LOG_DOMAIN "lw-metrics"

#include "lw-metrics.h"

#include <math.h>
#include <string.h>

#define SSIM_RADIUS 5
#define SSIM_TAPS   (2 * SSIM_RADIUS + 1)
#define SSIM_SIGMA  1.5
#define SSIM_C1     ((0.01 * 255.0) * (0.01 * 255.0))
#define SSIM_C2     ((0.03 * 255.0) * (0.03 * 255.0))
#define MS_SSIM_SCALES 5

static const double ms_ssim_weights[MS_SSIM_SCALES] = { 0.0448, 0.2856, 0.3001, 0.2363,
                                                        0.1333 };

/* Clamp to [0, 1] (NaN → 0), then floor(255·v + 0.5). Written without branches or calls so
 * the compiler vectorises the loops that use it; the argument of the truncation is positive,
 * so truncation is floor(). */
static inline double
to_u8 (float v)
{
  float c = v > 0.0f ? v : 0.0f;

  c = c < 1.0f ? c : 1.0f;
  return (double) (int) ((double) c * 255.0 + 0.5);
}

static gboolean
check_pair (const LwTensor *ref, const LwTensor *test)
{
  g_return_val_if_fail (ref != NULL && test != NULL, FALSE);
  g_return_val_if_fail (ref->ndim == 3, FALSE);
  g_return_val_if_fail (lw_tensor_same_shape (ref, test), FALSE);
  return TRUE;
}

double
lw_mse_u8 (const LwTensor *ref, const LwTensor *test)
{
  if (!check_pair (ref, test))
    return NAN;
  gsize n = lw_tensor_numel (ref);
  double sum = 0.0;
  for (gsize i = 0; i < n; i++)
    {
      double d = to_u8 (ref->data[i]) - to_u8 (test->data[i]);
      sum += d * d;
    }
  return sum / (double) n;
}

static double
psnr_from_mse (double mse)
{
  if (isnan (mse))
    return NAN;
  if (mse == 0.0)
    return INFINITY;
  return 10.0 * log10 (255.0 * 255.0 / mse);
}

double
lw_psnr (const LwTensor *ref, const LwTensor *test)
{
  return psnr_from_mse (lw_mse_u8 (ref, test));
}

double
lw_psnr_y (const LwTensor *ref, const LwTensor *test)
{
  if (!check_pair (ref, test))
    return NAN;
  gsize plane = ref->shape[1] * ref->shape[2];
  gboolean color = ref->shape[0] >= 3;
  double sum = 0.0;
  for (gsize i = 0; i < plane; i++)
    {
      double d;
      if (color)
        {
          double yr = 0.299 * to_u8 (ref->data[i]) + 0.587 * to_u8 (ref->data[plane + i])
                      + 0.114 * to_u8 (ref->data[2 * plane + i]);
          double yt = 0.299 * to_u8 (test->data[i]) + 0.587 * to_u8 (test->data[plane + i])
                      + 0.114 * to_u8 (test->data[2 * plane + i]);
          d = yr - yt;
        }
      else
        d = to_u8 (ref->data[i]) - to_u8 (test->data[i]);
      sum += d * d;
    }
  return psnr_from_mse (sum / (double) plane);
}

/* scipy.ndimage's Gaussian kernel: exp(−x²/2σ²) for |x| ≤ radius, normalised to sum 1 */
static void
gaussian_kernel (double k[SSIM_TAPS])
{
  double sum = 0.0;
  for (int i = 0; i < SSIM_TAPS; i++)
    {
      double x = i - SSIM_RADIUS;
      k[i] = exp (-0.5 / (SSIM_SIGMA * SSIM_SIGMA) * x * x);
      sum += k[i];
    }
  for (int i = 0; i < SSIM_TAPS; i++)
    k[i] /= sum;
}

/* One tap-symmetric 11-tap correlation of `n` outputs: out[i] = Σ g[k] src[i + k] */
static inline void
filter_line (const double *g, const double *src, double *out, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      const double *s = src + i;
      out[i] = g[5] * s[5] + g[0] * (s[0] + s[10]) + g[1] * (s[1] + s[9])
               + g[2] * (s[2] + s[8]) + g[3] * (s[3] + s[7]) + g[4] * (s[4] + s[6]);
    }
}

/* Mean SSIM and mean contrast–structure of one channel (both sides ≥ SSIM_TAPS), over the
 * region cropped by SSIM_RADIUS on each side. Rows are filtered horizontally into a ring of
 * SSIM_TAPS rows per statistic, so the working set stays in cache. */
static void
ssim_channel (const double *x, const double *y, gsize h, gsize w, double *ssim_out,
              double *cs_out)
{
  double g[SSIM_TAPS];
  gaussian_kernel (g);

  gsize wo = w - 2 * SSIM_RADIUS, ho = h - 2 * SSIM_RADIUS;
  double *ring = g_new (double, 5 * SSIM_TAPS * wo);  /* [stat][slot][col] */
  double *prod = g_new (double, 3 * w);
  double *stat = g_new (double, 5 * wo);               /* one output row per statistic */
  double ssim_sum = 0.0, cs_sum = 0.0;

  for (gsize r = 0; r < h; r++)
    {
      const double *xr = x + r * w, *yr = y + r * w;
      double *pxx = prod, *pyy = prod + w, *pxy = prod + 2 * w;
      for (gsize c = 0; c < w; c++)
        {
          pxx[c] = xr[c] * xr[c];
          pyy[c] = yr[c] * yr[c];
          pxy[c] = xr[c] * yr[c];
        }
      gsize slot = r % SSIM_TAPS;
      const double *srcs[5] = { xr, yr, pxx, pyy, pxy };
      for (int s = 0; s < 5; s++)
        filter_line (g, srcs[s], ring + ((gsize) s * SSIM_TAPS + slot) * wo, wo);
      if (r + 1 < SSIM_TAPS)
        continue;

      /* Rows r−10 … r are in the ring; row r−10+k sits in slot (r+1+k) mod 11 */
      for (int s = 0; s < 5; s++)
        {
          const double *rk[SSIM_TAPS];
          for (gsize k = 0; k < SSIM_TAPS; k++)
            rk[k] = ring + ((gsize) s * SSIM_TAPS + (r + 1 + k) % SSIM_TAPS) * wo;
          double *o = stat + (gsize) s * wo;
          for (gsize c = 0; c < wo; c++)
            o[c] = g[5] * rk[5][c] + g[0] * (rk[0][c] + rk[10][c]) + g[1] * (rk[1][c] + rk[9][c])
                   + g[2] * (rk[2][c] + rk[8][c]) + g[3] * (rk[3][c] + rk[7][c])
                   + g[4] * (rk[4][c] + rk[6][c]);
        }
      double row_ssim = 0.0, row_cs = 0.0;
      for (gsize c = 0; c < wo; c++)
        {
          double ux = stat[c], uy = stat[wo + c];
          double vx = stat[2 * wo + c] - ux * ux;
          double vy = stat[3 * wo + c] - uy * uy;
          double vxy = stat[4 * wo + c] - ux * uy;
          double l_num = 2.0 * ux * uy + SSIM_C1, l_den = ux * ux + uy * uy + SSIM_C1;
          double cs_num = 2.0 * vxy + SSIM_C2, cs_den = vx + vy + SSIM_C2;
          double inv = 1.0 / (l_den * cs_den); /* one division instead of two */
          row_ssim += l_num * cs_num * inv;
          row_cs += cs_num * l_den * inv;
        }
      ssim_sum += row_ssim;
      cs_sum += row_cs;
    }

  *ssim_out = ssim_sum / (double) (ho * wo);
  *cs_out = cs_sum / (double) (ho * wo);
  g_free (stat);
  g_free (prod);
  g_free (ring);
}

static double *
channel_u8 (const LwTensor *t, gsize c)
{
  gsize plane = t->shape[1] * t->shape[2];
  double *out = g_new (double, plane);
  for (gsize i = 0; i < plane; i++)
    out[i] = to_u8 (t->data[c * plane + i]);
  return out;
}

double
lw_ssim (const LwTensor *ref, const LwTensor *test)
{
  if (!check_pair (ref, test))
    return NAN;
  gsize ch = ref->shape[0], h = ref->shape[1], w = ref->shape[2];
  if (h < SSIM_TAPS || w < SSIM_TAPS)
    return NAN;
  double total = 0.0;
  for (gsize c = 0; c < ch; c++)
    {
      g_autofree double *x = channel_u8 (ref, c);
      g_autofree double *y = channel_u8 (test, c);
      double s, cs;
      ssim_channel (x, y, h, w, &s, &cs);
      total += s;
    }
  return total / (double) ch;
}

/* 2×2 mean; an odd side repeats its last row/column first. Returns the new buffer. */
static double *
downsample (const double *src, gsize h, gsize w, gsize *h_out, gsize *w_out)
{
  gsize h2 = (h + 1) / 2, w2 = (w + 1) / 2;
  double *dst = g_new (double, h2 * w2);
  for (gsize r = 0; r < h2; r++)
    {
      const double *r0 = src + MIN (2 * r, h - 1) * w;
      const double *r1 = src + MIN (2 * r + 1, h - 1) * w;
      for (gsize c = 0; c < w2; c++)
        {
          gsize c0 = MIN (2 * c, w - 1), c1 = MIN (2 * c + 1, w - 1);
          dst[r * w2 + c] = 0.25 * (r0[c0] + r0[c1] + r1[c0] + r1[c1]);
        }
    }
  *h_out = h2;
  *w_out = w2;
  return dst;
}

/* MS-SSIM's first scale runs the full-resolution SSIM pass, which yields the SSIM mean as well
 * as the contrast–structure mean; both metrics come from that one pass when both are wanted.
 * Each value is computed with exactly the operations lw_ssim and lw_ms_ssim would use alone. */
static void
ssim_ms_ssim (const LwTensor *ref, const LwTensor *test, double *ssim_out, double *ms_ssim_out,
              guint *scales_used)
{
  gsize ch = ref->shape[0], h = ref->shape[1], w = ref->shape[2];

  guint scales = 0;
  for (gsize sh = MIN (h, w); scales < MS_SSIM_SCALES && sh >= SSIM_TAPS; sh = (sh + 1) / 2)
    scales++;
  if (scales_used)
    *scales_used = scales;
  if (ssim_out)
    *ssim_out = NAN;
  if (ms_ssim_out)
    *ms_ssim_out = NAN;
  if (scales == 0)
    return;
  /* Only SSIM wanted: one scale is all the work */
  guint run_scales = ms_ssim_out ? scales : 1;

  /* The standard weights are used as published (they sum to 1.0001); only a shortened
   * set is renormalised. */
  double wsum = 1.0;
  if (scales < MS_SSIM_SCALES)
    {
      wsum = 0.0;
      for (guint s = 0; s < scales; s++)
        wsum += ms_ssim_weights[s];
    }

  double total = 0.0, ssim_total = 0.0;
  for (gsize c = 0; c < ch; c++)
    {
      double *x = channel_u8 (ref, c);
      double *y = channel_u8 (test, c);
      gsize hh = h, ww = w;
      double value = 1.0;
      for (guint s = 0; s < run_scales; s++)
        {
          double ssim, cs;
          ssim_channel (x, y, hh, ww, &ssim, &cs);
          if (s == 0)
            ssim_total += ssim;
          double term = s + 1 == scales ? ssim : cs;
          value *= pow (MAX (term, 0.0), ms_ssim_weights[s] / wsum);
          if (s + 1 < run_scales)
            {
              gsize nh, nw;
              double *nx = downsample (x, hh, ww, &nh, &nw);
              double *ny = downsample (y, hh, ww, &nh, &nw);
              g_free (x);
              g_free (y);
              x = nx;
              y = ny;
              hh = nh;
              ww = nw;
            }
        }
      g_free (x);
      g_free (y);
      total += value;
    }
  if (ssim_out)
    *ssim_out = ssim_total / (double) ch;
  if (ms_ssim_out)
    *ms_ssim_out = total / (double) ch;
}

double
lw_ms_ssim (const LwTensor *ref, const LwTensor *test, guint *scales_used)
{
  double ms_ssim;

  if (scales_used)
    *scales_used = 0;
  if (!check_pair (ref, test))
    return NAN;
  ssim_ms_ssim (ref, test, NULL, &ms_ssim, scales_used);
  return ms_ssim;
}

void
lw_ssim_and_ms_ssim (const LwTensor *ref, const LwTensor *test, double *ssim, double *ms_ssim,
                     guint *scales_used)
{
  if (scales_used)
    *scales_used = 0;
  *ssim = NAN;
  *ms_ssim = NAN;
  if (!check_pair (ref, test))
    return;
  ssim_ms_ssim (ref, test, ssim, ms_ssim, scales_used);
}

double
lw_bpp (gsize bytes, gsize width, gsize height)
{
  if (width == 0 || height == 0)
    return NAN;
  return 8.0 * (double) bytes / ((double) width * (double) height);
}

double
lw_compression_ratio (gsize bytes, gsize width, gsize height, gsize channels)
{
  if (bytes == 0)
    return INFINITY;
  return (double) width * (double) height * (double) channels / (double) bytes;
}
