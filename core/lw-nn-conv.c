/* lw-nn-conv.c — 2-D and 1-D convolutions (stride 1, same padding) as im2col + sgemm
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Per image: y[cout, S] = w[cout, cin·K] · col[cin·K, S] with S = H·W (or L) and K = k·k (or
 * k); k = 1 needs no col at all, the image itself is the [cin, S] matrix. Backward reuses the
 * one scratch: first col (for dw += dy·colᵀ), then dcol = wᵀ·dy, scattered back into dx.
 */
#define G_LOG_DOMAIN "lw-nn"

#include "lw-nn-ops.h"
#include "lw-nn-ops-private.h"

#include <cblas.h>
#include <string.h>

/* ---- 2-D ----------------------------------------------------------------------------------- */

gsize
lw_nn_conv2d_scratch (gsize cin, gsize h, gsize w, guint k)
{
  return k <= 1 ? 0 : cin * k * k * h * w;
}

/* col[(c·k + ky)·k + kx, y·W + x] = x[c, y + ky − p, x + kx − p] (0 outside) */
static void
im2col_2d (float *col, const float *x, gsize cin, gsize h, gsize w, guint k)
{
  gsize hw = h * w;
  long p = k / 2;
  for (gsize c = 0; c < cin; c++)
    for (guint ky = 0; ky < k; ky++)
      for (guint kx = 0; kx < k; kx++)
        {
          float *row = col + ((c * k + ky) * k + kx) * hw;
          long dx = (long) kx - p;
          /* output columns whose source column lies inside: [x0, x1) */
          long x0 = MAX (0, -dx), x1 = MIN ((long) w, (long) w - dx);
          for (gsize yy = 0; yy < h; yy++)
            {
              float *dst = row + yy * w;
              long sy = (long) yy + (long) ky - p;
              if (sy < 0 || sy >= (long) h || x1 <= x0)
                {
                  memset (dst, 0, w * sizeof (float));
                  continue;
                }
              const float *src = x + (c * h + (gsize) sy) * w;
              if (x0 > 0)
                memset (dst, 0, (gsize) x0 * sizeof (float));
              memcpy (dst + x0, src + x0 + dx, (gsize) (x1 - x0) * sizeof (float));
              if (x1 < (long) w)
                memset (dst + x1, 0, (gsize) ((long) w - x1) * sizeof (float));
            }
        }
}

/* dst += src; GCC does not vectorise the plain loop at -O2 (unknown count, possible alias) */
static inline void
add_into (float *dst, const float *src, gsize n)
{
  gsize i = 0;
  for (; i + 4 <= n; i += 4)
    lw_v4_store (dst + i, lw_v4_load (dst + i) + lw_v4_load (src + i));
  for (; i < n; i++)
    dst[i] += src[i];
}

/* dx[c, y + ky − p, x + kx − p] += col[…] (the adjoint of im2col_2d) */
static void
col2im_2d (float *dx, const float *col, gsize cin, gsize h, gsize w, guint k)
{
  gsize hw = h * w;
  long p = k / 2;
  for (gsize c = 0; c < cin; c++)
    for (guint ky = 0; ky < k; ky++)
      for (guint kx = 0; kx < k; kx++)
        {
          const float *row = col + ((c * k + ky) * k + kx) * hw;
          long dx_ = (long) kx - p;
          long x0 = MAX (0, -dx_), x1 = MIN ((long) w, (long) w - dx_);
          if (x1 <= x0)
            continue;
          for (gsize yy = 0; yy < h; yy++)
            {
              long sy = (long) yy + (long) ky - p;
              if (sy < 0 || sy >= (long) h)
                continue;
              add_into (dx + (c * h + (gsize) sy) * w + x0 + dx_, row + yy * w + x0,
                        (gsize) (x1 - x0));
            }
        }
}

/* y[cout, s] = b (broadcast per row), so sgemm can add into it with beta = 1 */
static void
fill_bias (float *y, const float *b, gsize cout, gsize s)
{
  for (gsize o = 0; o < cout; o++)
    {
      LwV4f v = lw_v4_splat (b[o]);
      float *row = y + o * s;
      gsize i = 0;
      for (; i + 4 <= s; i += 4)
        lw_v4_store (row + i, v);
      for (; i < s; i++)
        row[i] = b[o];
    }
}

/* db[o] += Σ_s dy[o, s] */
static void
bias_grad (float *db, const float *dy, gsize cout, gsize s)
{
  for (gsize o = 0; o < cout; o++)
    {
      const float *row = dy + o * s;
      /* eight partial sums: a reduction GCC vectorises at -O2 */
      float acc[8] = { 0 };
      gsize i = 0;
      for (; i + 8 <= s; i += 8)
        for (int j = 0; j < 8; j++)
          acc[j] += row[i + j];
      float t = 0.0f;
      for (; i < s; i++)
        t += row[i];
      for (int j = 0; j < 8; j++)
        t += acc[j];
      db[o] += t;
    }
}

/* The shared GEMM part of both convolutions, given how to make col from an image.
 * kk = cin·K, the inner dimension. */
typedef void (*Im2ColFunc) (float *col, const float *x, gsize cin, gsize h, gsize w, guint k);

static void
conv_forward (float *y, const float *x, const float *w, const float *b, gsize batch,
              gsize cin, gsize h, gsize width, gsize cout, guint k, guint kk_per_cin,
              Im2ColFunc im2col, float *scratch)
{
  gsize s = h * width;
  gsize kk = cin * kk_per_cin;
  for (gsize n = 0; n < batch; n++)
    {
      const float *xn = x + n * cin * s;
      float *yn = y + n * cout * s;
      const float *a = xn;
      if (k > 1)
        {
          im2col (scratch, xn, cin, h, width, k);
          a = scratch;
        }
      if (b)
        fill_bias (yn, b, cout, s);
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) cout, (int) s, (int) kk,
                   1.0f, w, (int) kk, a, (int) s, b ? 1.0f : 0.0f, yn, (int) s);
    }
}

typedef void (*Col2ImFunc) (float *dx, const float *col, gsize cin, gsize h, gsize w, guint k);

static void
conv_backward (float *dx, float *dw, float *db, const float *dy, const float *x,
               const float *w, gsize batch, gsize cin, gsize h, gsize width, gsize cout,
               guint k, guint kk_per_cin, Im2ColFunc im2col, Col2ImFunc col2im,
               float *scratch)
{
  gsize s = h * width;
  gsize kk = cin * kk_per_cin;
  for (gsize n = 0; n < batch; n++)
    {
      const float *xn = x + n * cin * s;
      const float *dyn = dy + n * cout * s;
      if (db)
        bias_grad (db, dyn, cout, s);
      if (dw)   /* dw[cout, kk] += dy[cout, s] · colᵀ */
        {
          const float *a = xn;
          if (k > 1)
            {
              im2col (scratch, xn, cin, h, width, k);
              a = scratch;
            }
          cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) cout, (int) kk, (int) s,
                       1.0f, dyn, (int) s, a, (int) s, 1.0f, dw, (int) kk);
        }
      if (dx)   /* dcol[kk, s] = wᵀ · dy */
        {
          float *dxn = dx + n * cin * s;
          if (k > 1)
            {
              cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) kk, (int) s,
                           (int) cout, 1.0f, w, (int) kk, dyn, (int) s, 0.0f, scratch, (int) s);
              col2im (dxn, scratch, cin, h, width, k);
            }
          else
            cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) cin, (int) s,
                         (int) cout, 1.0f, w, (int) cin, dyn, (int) s, 1.0f, dxn, (int) s);
        }
    }
}

void
lw_nn_conv2d_forward (float *y, const float *x, const float *w, const float *b, gsize batch,
                      gsize cin, gsize h, gsize width, gsize cout, guint k, float *scratch)
{
  g_return_if_fail (k % 2 == 1);
  conv_forward (y, x, w, b, batch, cin, h, width, cout, k, k * k, im2col_2d, scratch);
}

void
lw_nn_conv2d_backward (float *dx, float *dw, float *db, const float *dy, const float *x,
                       const float *w, gsize batch, gsize cin, gsize h, gsize width,
                       gsize cout, guint k, float *scratch)
{
  g_return_if_fail (k % 2 == 1);
  conv_backward (dx, dw, db, dy, x, w, batch, cin, h, width, cout, k, k * k, im2col_2d,
                 col2im_2d, scratch);
}

/* ---- 1-D (an image of height 1 with a 1×k kernel) ------------------------------------------ */

gsize
lw_nn_conv1d_scratch (gsize cin, gsize len, guint k)
{
  return k <= 1 ? 0 : cin * k * len;
}

static void
im2col_1d (float *col, const float *x, gsize cin, gsize h, gsize len, guint k)
{
  long p = k / 2;
  for (gsize c = 0; c < cin; c++)
    for (guint kx = 0; kx < k; kx++)
      {
        float *dst = col + (c * k + kx) * len;
        const float *src = x + c * len;
        long d = (long) kx - p;
        long x0 = MAX (0, -d), x1 = MIN ((long) len, (long) len - d);
        if (x1 <= x0)
          {
            memset (dst, 0, len * sizeof (float));
            continue;
          }
        if (x0 > 0)
          memset (dst, 0, (gsize) x0 * sizeof (float));
        memcpy (dst + x0, src + x0 + d, (gsize) (x1 - x0) * sizeof (float));
        if (x1 < (long) len)
          memset (dst + x1, 0, (gsize) ((long) len - x1) * sizeof (float));
      }
}

static void
col2im_1d (float *dx, const float *col, gsize cin, gsize h, gsize len, guint k)
{
  long p = k / 2;
  for (gsize c = 0; c < cin; c++)
    for (guint kx = 0; kx < k; kx++)
      {
        const float *src = col + (c * k + kx) * len;
        float *dst = dx + c * len;
        long d = (long) kx - p;
        long x0 = MAX (0, -d), x1 = MIN ((long) len, (long) len - d);
        if (x1 > x0)
          add_into (dst + x0 + d, src + x0, (gsize) (x1 - x0));
      }
}

void
lw_nn_conv1d_forward (float *y, const float *x, const float *w, const float *b, gsize batch,
                      gsize cin, gsize len, gsize cout, guint k, float *scratch)
{
  g_return_if_fail (k % 2 == 1);
  conv_forward (y, x, w, b, batch, cin, 1, len, cout, k, k, im2col_1d, scratch);
}

void
lw_nn_conv1d_backward (float *dx, float *dw, float *db, const float *dy, const float *x,
                       const float *w, gsize batch, gsize cin, gsize len, gsize cout,
                       guint k, float *scratch)
{
  g_return_if_fail (k % 2 == 1);
  conv_backward (dx, dw, db, dy, x, w, batch, cin, 1, len, cout, k, k, im2col_1d, col2im_1d,
                 scratch);
}
