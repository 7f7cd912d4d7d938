/* lw-chroma-guide.c — colour detail from brightness detail (see lw-chroma-guide.h)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-chroma-guide"

#include "lw-chroma-guide.h"

#include "lw-error.h"

#include <string.h>

#include <cblas.h>

/* JFIF's YCbCr, without offsets (the values are centred) */
#define CB_R (-0.168736f)
#define CB_G (-0.331264f)
#define CB_B 0.5f
#define CR_R 0.5f
#define CR_G (-0.418688f)
#define CR_B (-0.081312f)

/* index i ∈ [−n, 2n) mirrored into [0, n), the edge sample repeated (… c b a | a b c …) */
static inline gsize
mirror (gssize i, gsize n)
{
  if (i < 0)
    i = -i - 1;
  if (i >= (gssize) n)
    i = 2 * (gssize) n - i - 1;
  return (gsize) i;
}

/* out = mean of x over (2r+1)² windows, mirrored at the edges; tmp holds h×w floats, row
 * w + 2r; r < min (h, w). Cloned for AVX2 where the CPU has it, without FMA, so both clones
 * round alike (as in lw-wavelet.c). */
__attribute__ ((target_clones ("avx2", "default"))) static void
box_mean (const float *x, guint h, guint w, guint r, float *tmp, float *row, float *out)
{
  float norm = 1.0f / (float) ((2 * r + 1) * (2 * r + 1));
  /* rows: the row with r mirrored samples on each side, then the 2r + 1 shifted copies summed
   * (vectorises; a running sum along the row would be one long dependency chain) */
  for (guint y = 0; y < h; y++)
    {
      const float *src = x + (gsize) y * w;
      float *dst = tmp + (gsize) y * w;
      for (guint i = 0; i < r; i++)
        {
          row[r - 1 - i] = src[i];
          row[r + w + i] = src[w - 1 - i];
        }
      memcpy (row + r, src, w * sizeof (float));
      memcpy (dst, row, w * sizeof (float));
      for (guint k = 1; k <= 2 * r; k++)
        {
          const float *shifted = row + k;
          for (guint c = 0; c < w; c++)
            dst[c] += shifted[c];
        }
    }
  /* columns: a running row of sums, so memory is walked row by row */
  float *acc = row;
  memset (acc, 0, w * sizeof (float));
  for (gssize i = -(gssize) r; i <= (gssize) r; i++)
    {
      const float *src = tmp + mirror (i, h) * w;
      for (guint c = 0; c < w; c++)
        acc[c] += src[c];
    }
  for (guint y = 0; y < h; y++)
    {
      float *dst = out + (gsize) y * w;
      const float *add = tmp + mirror ((gssize) y + r + 1, h) * w;
      const float *sub = tmp + mirror ((gssize) y - r, h) * w;
      for (guint c = 0; c < w; c++)
        {
          dst[c] = acc[c] * norm;
          acc[c] += add[c] - sub[c];
        }
    }
}

/* Box means of the guide that every input filtered by it shares */
typedef struct
{
  guint  h, w, r;
  float  eps;
  float *mean, *var;      /* mean (I), mean (I²) − mean (I)² */
  float *tmp, *row, *buf; /* scratch: 4 planes and a row */
} Guide;

static void
guide_init (Guide *g, const float *guide, guint h, guint w, guint r, float eps)
{
  gsize n = (gsize) h * w;
  g->h = h;
  g->w = w;
  g->r = MIN (r, MIN (h, w) - 1);
  g->eps = eps;
  g->mean = g_new (float, 7 * n + w + 2 * r);
  g->var = g->mean + n;
  g->tmp = g->mean + 2 * n;
  g->buf = g->mean + 3 * n;
  g->row = g->mean + 7 * n;
  box_mean (guide, h, w, g->r, g->tmp, g->row, g->mean);
  for (gsize i = 0; i < n; i++)
    g->buf[i] = guide[i] * guide[i];
  box_mean (g->buf, h, w, g->r, g->tmp, g->row, g->var);
  for (gsize i = 0; i < n; i++)
    g->var[i] = MAX (g->var[i] - g->mean[i] * g->mean[i], 0.0f);
}

static void
guide_clear (Guide *g)
{
  g_free (g->mean);
}

/* q = mean (a)·I + mean (b) with a = cov (I, p)/(var (I) + ε), b = mean (p) − a·mean (I) */
static void
guide_filter (const Guide *g, const float *guide, const float *p, float *q)
{
  gsize n = (gsize) g->h * g->w;
  float *mp = g->buf, *a = g->buf + n, *b = g->buf + 2 * n, *prod = g->buf + 3 * n;
  box_mean (p, g->h, g->w, g->r, g->tmp, g->row, mp);
  for (gsize i = 0; i < n; i++)
    prod[i] = guide[i] * p[i];
  box_mean (prod, g->h, g->w, g->r, g->tmp, g->row, b);
  for (gsize i = 0; i < n; i++)
    {
      a[i] = (b[i] - g->mean[i] * mp[i]) / (g->var[i] + g->eps);
      b[i] = mp[i] - a[i] * g->mean[i];
    }
  box_mean (a, g->h, g->w, g->r, g->tmp, g->row, mp);
  box_mean (b, g->h, g->w, g->r, g->tmp, g->row, prod);
  for (gsize i = 0; i < n; i++)
    q[i] = mp[i] * guide[i] + prod[i];
}

void
_lw_guided_filter (const float *guide, const float *p, guint h, guint w, guint r, float eps,
                   float *q)
{
  g_return_if_fail (h > 0 && w > 0);
  Guide g;
  guide_init (&g, guide, h, w, r, eps);
  guide_filter (&g, guide, p, q);
  guide_clear (&g);
}

/* JFIF's inverse for a change of chroma only: dR = 1.402 dCr, dG = −0.344136 dCb − 0.714136 dCr,
 * dB = 1.772 dCb */
#define R_CR 1.402f
#define G_CB (-0.344136f)
#define G_CR (-0.714136f)
#define B_CB 1.772f

/* The kept coordinates of a chroma-only change from the packets of dCb and dCr: W Δ =
 * A [P(dCb); P(dCr)] with A (n × 2q, q = 4^J packets per plane) mixing W's colour blocks */
static float *
chroma_rows (const LwPca *pca, guint n, guint q)
{
  float *A = g_new (float, (gsize) n * 2 * q);
  for (guint k = 0; k < n; k++)
    {
      const float *wr = pca->basis + (gsize) k * pca->dim, *wg = wr + q, *wb = wg + q;
      float *row = A + (gsize) k * 2 * q;
      for (guint j = 0; j < q; j++)
        {
          row[j] = G_CB * wg[j] + B_CB * wb[j];
          row[q + j] = R_CR * wr[j] + G_CR * wg[j];
        }
    }
  return A;
}

gboolean
lw_chroma_guide (LwTensor *image, LwWavelet wavelet, guint levels, const LwPca *pca,
                 const float *pinv, guint n, GError **error)
{
  g_return_val_if_fail (image != NULL && image->ndim == 3 && pca != NULL, FALSE);
  g_return_val_if_fail (n >= 1 && n <= pca->n, FALSE);
  if (image->shape[0] != 3 || image->shape[1] == 0 || image->shape[2] == 0)
    return TRUE;
  guint q = 1u << (2 * levels);
  if (pca->dim != 3 * q)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "chroma guide: a basis of %u packet channels for 3 colours at %u levels "
                   "(%u expected)", pca->dim, levels, 3 * q);
      return FALSE;
    }
  guint h = image->shape[1], w = image->shape[2];
  gsize np = (gsize) h * w;
  gsize cdims[3] = { 2, h, w };
  g_autoptr (LwTensor) dc = lw_tensor_new_uninit (3, cdims, error);
  if (dc == NULL)
    return FALSE;
  g_autofree float *plane = g_new (float, 2 * np);
  g_autofree float *A = chroma_rows (pca, n, q);
  float *Y = plane, *C = plane + np, *dcb = dc->data, *dcr = dc->data + np;

  for (guint it = 0; it < LW_CHROMA_GUIDE_ITERATIONS; it++)
    {
      float *R = image->data, *G = R + np, *B = G + np;
      for (gsize i = 0; i < np; i++)
        Y[i] = 0.299f * R[i] + 0.587f * G[i] + 0.114f * B[i];
      /* the guided filter's new Cb and Cr, kept as changes dCb and dCr */
      Guide g;
      guide_init (&g, Y, h, w, LW_CHROMA_GUIDE_RADIUS, LW_CHROMA_GUIDE_EPS);
      for (gsize i = 0; i < np; i++)
        C[i] = CB_R * R[i] + CB_G * G[i] + CB_B * B[i];
      guide_filter (&g, Y, C, dcb);
      for (gsize i = 0; i < np; i++)
        dcb[i] -= C[i];
      for (gsize i = 0; i < np; i++)
        C[i] = CR_R * R[i] + CR_G * G[i] + CR_B * B[i];
      guide_filter (&g, Y, C, dcr);
      guide_clear (&g);
      for (gsize i = 0; i < np; i++)
        dcr[i] -= C[i];

      /* image += Δ − W⁺ W Δ in the packet domain, Δ the change in R, G, B: only dCb and dCr
       * are transformed, and the kept part W⁺ W Δ is transformed back */
      g_autoptr (LwTensor) packets = lw_wpt2d_forward (wavelet, dc, levels, error);
      if (packets == NULL)
        return FALSE;
      gsize positions = packets->shape[1] * packets->shape[2];
      g_autofree float *y = g_new (float, (gsize) n * positions);
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, n, positions, 2 * q, 1.0f, A,
                   2 * q, packets->data, positions, 0.0f, y, positions);
      gsize kdims[3] = { pca->dim, packets->shape[1], packets->shape[2] };
      g_autoptr (LwTensor) kept = lw_tensor_new_uninit (3, kdims, error);
      if (kept == NULL)
        return FALSE;
      lw_pca_expand (pca, pinv, n, y, positions, kept->data);
      g_autoptr (LwTensor) back = lw_wpt2d_inverse (wavelet, kept, levels, error);
      if (back == NULL)
        return FALSE;
      const float *kr = back->data, *kg = kr + np, *kb = kg + np;
      for (gsize i = 0; i < np; i++)
        {
          R[i] += R_CR * dcr[i] - kr[i];
          G[i] += G_CB * dcb[i] + G_CR * dcr[i] - kg[i];
          B[i] += B_CB * dcb[i] - kb[i];
        }
    }
  return TRUE;
}
