/* lw-nn-attention.c — multi-head causal self-attention: forward, backward, KV-cache step
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Per (batch, head) the work is three small GEMMs read straight out of the interleaved qkv
 * rows (leading dimension 3C, no copies): S = scale·Q·Kᵀ, P = causal softmax (S),
 * Y = P·V. Backward: dV += Pᵀ·dY, dP = dY·Vᵀ, dS = P ⊙ (dP − rowsum (P ⊙ dP)),
 * dQ += scale·dS·K, dK += scale·dSᵀ·Q. The GEMMs also compute the masked upper triangle;
 * at T = 64 that waste is cheaper than splitting each product into causal blocks.
 */
#define G_LOG_DOMAIN "lw-nn"

#include "lw-nn-ops.h"
#include "lw-nn-ops-private.h"

#include <cblas.h>
#include <math.h>

gsize
lw_nn_attention_scratch (gsize t, gsize c, guint heads)
{
  return t * t;   /* dP for one (batch, head) in backward; forward needs none */
}

void
lw_nn_attention_forward (float *y, float *att, const float *qkv, gsize batch, gsize t,
                         gsize c, guint heads, float *scratch)
{
  g_return_if_fail (heads > 0 && c % heads == 0);
  gsize hd = c / heads;
  float scale = 1.0f / sqrtf ((float) hd);
  int ld = (int) (3 * c);

  for (gsize b = 0; b < batch; b++)
    for (guint h = 0; h < heads; h++)
      {
        const float *q = qkv + b * t * 3 * c + h * hd;
        const float *k = q + c;
        const float *v = q + 2 * c;
        float *a = att + (b * heads + h) * t * t;
        float *yh = y + b * t * c + h * hd;
        cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) t, (int) t, (int) hd,
                     scale, q, ld, k, ld, 0.0f, a, (int) t);
        _lw_nn_causal_softmax (a, t);
        cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) t, (int) hd, (int) t,
                     1.0f, a, (int) t, v, ld, 0.0f, yh, (int) c);
      }
}

void
lw_nn_attention_backward (float *dqkv, const float *dy, const float *qkv, const float *att,
                          gsize batch, gsize t, gsize c, guint heads, float *scratch)
{
  g_return_if_fail (heads > 0 && c % heads == 0);
  if (!dqkv)
    return;
  gsize hd = c / heads;
  float scale = 1.0f / sqrtf ((float) hd);
  int ld = (int) (3 * c);
  float *dp = scratch;

  for (gsize b = 0; b < batch; b++)
    for (guint h = 0; h < heads; h++)
      {
        gsize off = b * t * 3 * c + h * hd;
        const float *q = qkv + off, *k = q + c, *v = q + 2 * c;
        float *dq = dqkv + off, *dk = dq + c, *dv = dq + 2 * c;
        const float *a = att + (b * heads + h) * t * t;
        const float *dyh = dy + b * t * c + h * hd;

        /* dV[t, hd] += Pᵀ · dY */
        cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) t, (int) hd, (int) t,
                     1.0f, a, (int) t, dyh, (int) c, 1.0f, dv, ld);
        /* dP[t, t] = dY · Vᵀ */
        cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) t, (int) t, (int) hd,
                     1.0f, dyh, (int) c, v, ld, 0.0f, dp, (int) t);
        /* dS = P ⊙ (dP − Σ_j P·dP) on the causal part, 0 above it */
        _lw_nn_causal_softmax_backward (dp, a, t);
        /* dQ += scale · dS · K;  dK += scale · dSᵀ · Q */
        cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) t, (int) hd, (int) t,
                     scale, dp, (int) t, k, ld, 1.0f, dq, ld);
        cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) t, (int) hd, (int) t,
                     scale, dp, (int) t, q, ld, 1.0f, dk, ld);
      }
}

void
lw_nn_attention_step (float *y, const float *q, const float *kcache, const float *vcache,
                      gsize pos, gsize c, guint heads, float *scratch)
{
  g_return_if_fail (heads > 0 && c % heads == 0);
  gsize hd = c / heads;
  gsize len = pos + 1;
  float scale = 1.0f / sqrtf ((float) hd);

  for (guint h = 0; h < heads; h++)
    {
      /* scores[j] = scale · K[j]·q over cached positions, then y = Vᵀ · softmax */
      cblas_sgemv (CblasRowMajor, CblasNoTrans, (int) len, (int) hd, scale, kcache + h * hd,
                   (int) c, q + h * hd, 1, 0.0f, scratch, 1);
      float m = _lw_nn_max (scratch, len);
      float sum = _lw_nn_exp_sum (scratch, scratch, len, m);
      float inv = 1.0f / sum;
      for (gsize j = 0; j < len; j++)
        scratch[j] *= inv;
      cblas_sgemv (CblasRowMajor, CblasTrans, (int) len, (int) hd, 1.0f, vcache + h * hd,
                   (int) c, scratch, 1, 0.0f, y + h * hd, 1);
    }
}
