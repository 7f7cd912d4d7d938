/* lw-nn-ops.c — nn kernels: linear, norms, activations, embeddings, losses
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Convolutions are in lw-nn-conv.c, attention in lw-nn-attention.c. Conventions (backward
 * ADDS, NULL gradients skipped, PyTorch numerics) are in lw-nn-ops.h.
 */
#define G_LOG_DOMAIN "lw-nn"

#include "lw-nn-ops.h"
#include "lw-nn-ops-private.h"

#include <cblas.h>
#include <math.h>

/* ---- transcendental loops, one instantiation per instruction set --------------------------- */

#define LW_VM_N 4
#define LW_VM_SUFFIX sse
#define LW_VM_ATTR
#include "lw-nn-vecmath-private.h"
#undef LW_VM_N
#undef LW_VM_SUFFIX
#undef LW_VM_ATTR

#if defined(__x86_64__) && defined(__GNUC__)
#define HAVE_AVX2_PATH 1
#define LW_VM_N 8
#define LW_VM_SUFFIX avx2
#define LW_VM_ATTR __attribute__ ((target ("avx2")))
#include "lw-nn-vecmath-private.h"
#undef LW_VM_N
#undef LW_VM_SUFFIX
#undef LW_VM_ATTR
#endif

typedef struct
{
  void  (*gelu_forward)  (float *y, const float *x, gsize n);
  void  (*gelu_backward) (float *dx, const float *dy, const float *x, gsize n);
  void  (*silu_forward)  (float *y, const float *x, gsize n);
  void  (*silu_backward) (float *dx, const float *dy, const float *x, gsize n);
  float (*exp_sum)       (float *y, const float *x, gsize n, float shift);
  void  (*causal_softmax) (float *att, gsize t);
  void  (*causal_softmax_backward) (float *dp, const float *att, gsize t);
} VecKernels;

static const VecKernels kernels_sse = {
  gelu_forward_sse, gelu_backward_sse, silu_forward_sse, silu_backward_sse, exp_sum_sse,
  causal_softmax_sse, causal_softmax_backward_sse,
};
#ifdef HAVE_AVX2_PATH
static const VecKernels kernels_avx2 = {
  gelu_forward_avx2, gelu_backward_avx2, silu_forward_avx2, silu_backward_avx2, exp_sum_avx2,
  causal_softmax_avx2, causal_softmax_backward_avx2,
};
#endif

static const VecKernels *
vec_kernels (void)
{
  static gsize chosen;   /* 1 + index into the table below, 0 before the first call */
#ifdef HAVE_AVX2_PATH
  static const VecKernels *table[] = { &kernels_sse, &kernels_avx2 };
#else
  static const VecKernels *table[] = { &kernels_sse };
#endif
  if (g_once_init_enter (&chosen))
    {
      gsize k = 0;
#ifdef HAVE_AVX2_PATH
      /* LW_NN_NO_AVX2 forces the baseline path (the tests run both) */
      __builtin_cpu_init ();
      if (__builtin_cpu_supports ("avx2") && !g_getenv ("LW_NN_NO_AVX2"))
        k = 1;
#endif
      g_once_init_leave (&chosen, k + 1);
    }
  return table[chosen - 1];
}

/* ---- shared helpers ------------------------------------------------------------------------ */

float
_lw_nn_exp_sum (float *y, const float *x, gsize n, float shift)
{
  return vec_kernels ()->exp_sum (y, x, n, shift);
}

void
_lw_nn_causal_softmax (float *att, gsize t)
{
  vec_kernels ()->causal_softmax (att, t);
}

void
_lw_nn_causal_softmax_backward (float *dp, const float *att, gsize t)
{
  vec_kernels ()->causal_softmax_backward (dp, att, t);
}

float
_lw_nn_max (const float *x, gsize n)
{
  gsize i = 0;
  float m = x[0];
  if (n >= 4)
    {
      LwV4f vm = lw_v4_load (x);
      for (i = 4; i + 4 <= n; i += 4)
        vm = lw_v4_max (vm, lw_v4_load (x + i));
      m = MAX (MAX (vm[0], vm[1]), MAX (vm[2], vm[3]));
    }
  for (; i < n; i++)
    m = MAX (m, x[i]);
  return m;
}

static float
vsum (const float *x, gsize n)
{
  LwV4f a0 = lw_v4_splat (0.0f), a1 = a0;
  gsize i = 0;
  for (; i + 8 <= n; i += 8)
    {
      a0 += lw_v4_load (x + i);
      a1 += lw_v4_load (x + i + 4);
    }
  for (; i + 4 <= n; i += 4)
    a0 += lw_v4_load (x + i);
  float s = lw_v4_hsum (a0 + a1);
  for (; i < n; i++)
    s += x[i];
  return s;
}

/* Σ (x − m)² */
static float
vsum_sq_dev (const float *x, gsize n, float m)
{
  LwV4f vm = lw_v4_splat (m);
  LwV4f a0 = lw_v4_splat (0.0f), a1 = a0;
  gsize i = 0;
  for (; i + 8 <= n; i += 8)
    {
      LwV4f d0 = lw_v4_load (x + i) - vm, d1 = lw_v4_load (x + i + 4) - vm;
      a0 += d0 * d0;
      a1 += d1 * d1;
    }
  for (; i + 4 <= n; i += 4)
    {
      LwV4f d = lw_v4_load (x + i) - vm;
      a0 += d * d;
    }
  float s = lw_v4_hsum (a0 + a1);
  for (; i < n; i++)
    s += (x[i] - m) * (x[i] - m);
  return s;
}

/* Σ a·b */
static float
vdot (const float *a, const float *b, gsize n)
{
  LwV4f a0 = lw_v4_splat (0.0f), a1 = a0;
  gsize i = 0;
  for (; i + 8 <= n; i += 8)
    {
      a0 += lw_v4_load (a + i) * lw_v4_load (b + i);
      a1 += lw_v4_load (a + i + 4) * lw_v4_load (b + i + 4);
    }
  for (; i + 4 <= n; i += 4)
    a0 += lw_v4_load (a + i) * lw_v4_load (b + i);
  float s = lw_v4_hsum (a0 + a1);
  for (; i < n; i++)
    s += a[i] * b[i];
  return s;
}

/* dst += src */
static void
vacc (float *dst, const float *src, gsize n)
{
  gsize i = 0;
  for (; i + 4 <= n; i += 4)
    lw_v4_store (dst + i, lw_v4_load (dst + i) + lw_v4_load (src + i));
  for (; i < n; i++)
    dst[i] += src[i];
}

/* ---- linear -------------------------------------------------------------------------------- */

void
lw_nn_linear_forward (float *y, const float *x, const float *w, const float *b,
                      gsize n, gsize in, gsize out)
{
  if (n == 0 || out == 0)
    return;
  /* the bias goes in through sgemm's beta: no second pass over y */
  if (b)
    for (gsize r = 0; r < n; r++)
      memcpy (y + r * out, b, out * sizeof (float));
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) n, (int) out, (int) in,
               1.0f, x, (int) in, w, (int) in, b ? 1.0f : 0.0f, y, (int) out);
}

void
lw_nn_linear_backward (float *dx, float *dw, float *db, const float *dy, const float *x,
                       const float *w, gsize n, gsize in, gsize out)
{
  if (n == 0)
    return;
  if (dx)   /* dx[n, in] += dy[n, out] · w[out, in] */
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) n, (int) in, (int) out,
                 1.0f, dy, (int) out, w, (int) in, 1.0f, dx, (int) in);
  if (dw)   /* dw[out, in] += dyᵀ · x */
    cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) out, (int) in, (int) n,
                 1.0f, dy, (int) out, x, (int) in, 1.0f, dw, (int) in);
  if (db)
    for (gsize r = 0; r < n; r++)
      vacc (db, dy + r * out, out);
}

/* ---- GroupNorm ----------------------------------------------------------------------------- */

void
lw_nn_groupnorm_forward (float *y, float *mean, float *rstd, const float *x,
                         const float *gamma, const float *beta, gsize batch, gsize c,
                         gsize s, guint groups, float eps)
{
  g_return_if_fail (groups > 0 && c % groups == 0);
  gsize cpg = c / groups;
  gsize count = cpg * s;

  for (gsize b = 0; b < batch; b++)
    for (guint g = 0; g < groups; g++)
      {
        gsize c0 = g * cpg;
        const float *xg = x + (b * c + c0) * s;
        float *yg = y + (b * c + c0) * s;
        /* two passes, per channel partial sums combined in double: a group can hold 10⁵
         * elements in the decoder */
        double sum = 0.0;
        for (gsize k = 0; k < cpg; k++)
          sum += vsum (xg + k * s, s);
        float m = (float) (sum / (double) count);
        double ss = 0.0;
        for (gsize k = 0; k < cpg; k++)
          ss += vsum_sq_dev (xg + k * s, s, m);
        float rs = (float) (1.0 / sqrt (ss / (double) count + (double) eps));
        mean[b * groups + g] = m;
        rstd[b * groups + g] = rs;

        for (gsize k = 0; k < cpg; k++)
          {
            /* y = x·a + sh per channel */
            float a = rs * gamma[c0 + k];
            float sh = beta[c0 + k] - m * a;
            const float *xc = xg + k * s;
            float *yc = yg + k * s;
            LwV4f va = lw_v4_splat (a), vsh = lw_v4_splat (sh);
            gsize i = 0;
            for (; i + 4 <= s; i += 4)
              lw_v4_store (yc + i, lw_v4_load (xc + i) * va + vsh);
            for (; i < s; i++)
              yc[i] = xc[i] * a + sh;
          }
      }
}

void
lw_nn_groupnorm_backward (float *dx, float *dgamma, float *dbeta, const float *dy,
                          const float *x, const float *mean, const float *rstd,
                          const float *gamma, gsize batch, gsize c, gsize s, guint groups)
{
  g_return_if_fail (groups > 0 && c % groups == 0);
  gsize cpg = c / groups;
  double count = (double) (cpg * s);

  for (gsize b = 0; b < batch; b++)
    for (guint g = 0; g < groups; g++)
      {
        gsize c0 = g * cpg;
        gsize off = (b * c + c0) * s;
        float m = mean[b * groups + g];
        float rs = rstd[b * groups + g];
        /* with x̂ = (x − m)·rs and g = dy·γ: dx = rs·(g − mean(g) − x̂·mean(g·x̂)); both
         * means come from per-channel Σdy and Σdy·x */
        double sum_g = 0.0, sum_gx = 0.0;
        for (gsize k = 0; k < cpg; k++)
          {
            const float *dyc = dy + off + k * s;
            const float *xc = x + off + k * s;
            double sdy = vsum (dyc, s);
            double sdyx = vdot (dyc, xc, s);
            double sdyxhat = (sdyx - m * sdy) * rs;   /* Σ dy·x̂ */
            if (dgamma)
              dgamma[c0 + k] += (float) sdyxhat;
            if (dbeta)
              dbeta[c0 + k] += (float) sdy;
            sum_g += gamma[c0 + k] * sdy;
            sum_gx += gamma[c0 + k] * sdyxhat;
          }
        if (!dx)
          continue;
        float m1 = (float) (sum_g / count);
        float m2 = (float) (sum_gx / count);
        /* dx = a_k·dy + bx·x + d */
        float bx = -rs * rs * m2;
        float d = rs * (m * rs * m2 - m1);
        for (gsize k = 0; k < cpg; k++)
          {
            const float *dyc = dy + off + k * s;
            const float *xc = x + off + k * s;
            float *dxc = dx + off + k * s;
            float a = rs * gamma[c0 + k];
            LwV4f va = lw_v4_splat (a), vb = lw_v4_splat (bx), vd = lw_v4_splat (d);
            gsize i = 0;
            for (; i + 4 <= s; i += 4)
              lw_v4_store (dxc + i, lw_v4_load (dxc + i) + lw_v4_load (dyc + i) * va
                                      + lw_v4_load (xc + i) * vb + vd);
            for (; i < s; i++)
              dxc[i] += dyc[i] * a + xc[i] * bx + d;
          }
      }
}

/* ---- LayerNorm ----------------------------------------------------------------------------- */

static void
layernorm_row (float *y, float *mean, float *rstd, const float *x, const float *gamma,
               const float *beta, gsize c, float eps)
{
  float m = vsum (x, c) / (float) c;
  float var = vsum_sq_dev (x, c, m) / (float) c;
  float rs = 1.0f / sqrtf (var + eps);
  *mean = m;
  *rstd = rs;
  LwV4f vm = lw_v4_splat (m), vr = lw_v4_splat (rs);
  gsize i = 0;
  for (; i + 4 <= c; i += 4)
    lw_v4_store (y + i, (lw_v4_load (x + i) - vm) * vr * lw_v4_load (gamma + i)
                          + lw_v4_load (beta + i));
  for (; i < c; i++)
    y[i] = (x[i] - m) * rs * gamma[i] + beta[i];
}

void
lw_nn_layernorm_forward (float *y, float *mean, float *rstd, const float *x,
                         const float *gamma, const float *beta, gsize n, gsize c, float eps)
{
  for (gsize r = 0; r < n; r++)
    layernorm_row (y + r * c, mean + r, rstd + r, x + r * c, gamma, beta, c, eps);
}

void
lw_nn_residual_layernorm_forward (float *r, float *y, float *mean, float *rstd,
                                  const float *a, const float *b, const float *gamma,
                                  const float *beta, gsize n, gsize c, float eps)
{
  for (gsize row = 0; row < n; row++)
    {
      /* the row is still in L1 when the norm reads it back */
      lw_nn_add_forward (r + row * c, a + row * c, b + row * c, c);
      layernorm_row (y + row * c, mean + row, rstd + row, r + row * c, gamma, beta, c, eps);
    }
}

void
lw_nn_layernorm_backward (float *dx, float *dgamma, float *dbeta, const float *dy,
                          const float *x, const float *mean, const float *rstd,
                          const float *gamma, gsize n, gsize c)
{
  for (gsize r = 0; r < n; r++)
    {
      const float *dyr = dy + r * c;
      const float *xr = x + r * c;
      LwV4f vm = lw_v4_splat (mean[r]), vr = lw_v4_splat (rstd[r]);
      float m = mean[r], rs = rstd[r];

      if (dgamma || dbeta)
        {
          gsize i = 0;
          for (; i + 4 <= c; i += 4)
            {
              LwV4f d = lw_v4_load (dyr + i);
              if (dgamma)
                lw_v4_store (dgamma + i, lw_v4_load (dgamma + i)
                                           + d * (lw_v4_load (xr + i) - vm) * vr);
              if (dbeta)
                lw_v4_store (dbeta + i, lw_v4_load (dbeta + i) + d);
            }
          for (; i < c; i++)
            {
              if (dgamma)
                dgamma[i] += dyr[i] * (xr[i] - m) * rs;
              if (dbeta)
                dbeta[i] += dyr[i];
            }
        }
      if (!dx)
        continue;

      /* g = dy·γ; dx = rs·(g − mean(g) − x̂·mean(g·x̂)) */
      LwV4f sg = lw_v4_splat (0.0f), sgx = sg;
      float tg = 0.0f, tgx = 0.0f;
      gsize i = 0;
      for (; i + 4 <= c; i += 4)
        {
          LwV4f g = lw_v4_load (dyr + i) * lw_v4_load (gamma + i);
          sg += g;
          sgx += g * (lw_v4_load (xr + i) - vm) * vr;
        }
      for (; i < c; i++)
        {
          float g = dyr[i] * gamma[i];
          tg += g;
          tgx += g * (xr[i] - m) * rs;
        }
      float m1 = (lw_v4_hsum (sg) + tg) / (float) c;
      float m2 = (lw_v4_hsum (sgx) + tgx) / (float) c;
      float *dxr = dx + r * c;
      LwV4f vm1 = lw_v4_splat (m1), vm2 = lw_v4_splat (m2);
      for (i = 0; i + 4 <= c; i += 4)
        {
          LwV4f g = lw_v4_load (dyr + i) * lw_v4_load (gamma + i);
          LwV4f xhat = (lw_v4_load (xr + i) - vm) * vr;
          lw_v4_store (dxr + i, lw_v4_load (dxr + i) + (g - vm1 - xhat * vm2) * vr);
        }
      for (; i < c; i++)
        {
          float g = dyr[i] * gamma[i];
          float xhat = (xr[i] - m) * rs;
          dxr[i] += (g - m1 - xhat * m2) * rs;
        }
    }
}

/* ---- elementwise --------------------------------------------------------------------------- */

void
lw_nn_silu_forward (float *y, const float *x, gsize n)
{
  vec_kernels ()->silu_forward (y, x, n);
}

void
lw_nn_silu_backward (float *dx, const float *dy, const float *x, gsize n)
{
  if (dx)
    vec_kernels ()->silu_backward (dx, dy, x, n);
}

void
lw_nn_gelu_forward (float *y, const float *x, gsize n)
{
  vec_kernels ()->gelu_forward (y, x, n);
}

void
lw_nn_gelu_backward (float *dx, const float *dy, const float *x, gsize n)
{
  if (dx)
    vec_kernels ()->gelu_backward (dx, dy, x, n);
}

void
lw_nn_add_forward (float *y, const float *a, const float *b, gsize n)
{
  gsize i = 0;
  for (; i + 4 <= n; i += 4)
    lw_v4_store (y + i, lw_v4_load (a + i) + lw_v4_load (b + i));
  for (; i < n; i++)
    y[i] = a[i] + b[i];
}

void
lw_nn_accumulate (float *dst, const float *src, gsize n)
{
  if (dst)
    vacc (dst, src, n);
}

/* ---- embeddings ---------------------------------------------------------------------------- */

void
lw_nn_embedding_forward (float *y, const int *tokens, const float *wte, const float *wpe,
                         gsize batch, gsize t, gsize c)
{
  for (gsize b = 0; b < batch; b++)
    for (gsize p = 0; p < t; p++)
      {
        gsize row = b * t + p;
        lw_nn_add_forward (y + row * c, wte + (gsize) tokens[row] * c, wpe + p * c, c);
      }
}

void
lw_nn_embedding_backward (float *dwte, float *dwpe, const float *dy, const int *tokens,
                          gsize batch, gsize t, gsize c)
{
  for (gsize b = 0; b < batch; b++)
    for (gsize p = 0; p < t; p++)
      {
        gsize row = b * t + p;
        if (dwte)
          vacc (dwte + (gsize) tokens[row] * c, dy + row * c, c);
        if (dwpe)
          vacc (dwpe + p * c, dy + row * c, c);
      }
}

/* ---- losses -------------------------------------------------------------------------------- */

double
lw_nn_cross_entropy (float *dlogits, float *probs, const float *logits, const int *targets,
                     gsize n, gsize vocab, gsize stride, float scale)
{
  g_return_val_if_fail (vocab >= 1 && vocab <= stride, 0.0);
  gsize count = 0;
  for (gsize r = 0; r < n; r++)
    {
      g_return_val_if_fail (targets[r] < (int) vocab, 0.0);
      if (targets[r] >= 0)
        count++;
    }
  if (count == 0 && !probs)
    {
      if (dlogits)
        memset (dlogits, 0, n * stride * sizeof (float));
      return 0.0;
    }

  double loss = 0.0;
  float gscale = count > 0 ? scale / (float) count : 0.0f;
  for (gsize r = 0; r < n; r++)
    {
      const float *lr = logits + r * stride;
      int tg = targets[r];
      float *pr = probs ? probs + r * stride : NULL;
      float *dr = dlogits ? dlogits + r * stride : NULL;
      if (tg < 0 && !pr)
        {
          if (dr)
            memset (dr, 0, stride * sizeof (float));
          continue;
        }
      /* exp (l − max) goes where the softmax will end up */
      float *er = pr ? pr : (dr && tg >= 0 ? dr : NULL);
      float m = _lw_nn_max (lr, vocab);
      float sum = _lw_nn_exp_sum (er, lr, vocab, m);
      float inv = 1.0f / sum;
      if (tg >= 0)
        loss += (double) m + log ((double) sum) - (double) lr[tg];
      if (pr)
        {
          for (gsize j = 0; j < vocab; j++)
            pr[j] *= inv;
          memset (pr + vocab, 0, (stride - vocab) * sizeof (float));
        }
      if (dr)
        {
          if (tg < 0)
            memset (dr, 0, stride * sizeof (float));
          else
            {
              /* d mean / d logit = (p − onehot) / count */
              float k = (pr ? 1.0f : inv) * gscale;
              const float *src = pr ? pr : dr;
              for (gsize j = 0; j < vocab; j++)
                dr[j] = src[j] * k;
              dr[tg] -= gscale;
              memset (dr + vocab, 0, (stride - vocab) * sizeof (float));
            }
        }
    }
  return count > 0 ? loss / (double) count : 0.0;
}

double
lw_nn_mse (float *dx, const float *x, const float *target, gsize n, float scale)
{
  if (n == 0)
    return 0.0;
  double loss = 0.0;
  float k = 2.0f * scale / (float) n;
  for (gsize i = 0; i < n; i++)
    {
      float d = x[i] - target[i];
      loss += (double) d * d;
      if (dx)
        dx[i] = k * d;
    }
  return loss / (double) n;
}

double
lw_nn_l1 (float *dx, const float *x, const float *target, gsize n, float scale)
{
  if (n == 0)
    return 0.0;
  double loss = 0.0;
  float k = scale / (float) n;
  for (gsize i = 0; i < n; i++)
    {
      float d = x[i] - target[i];
      loss += fabs ((double) d);
      /* PyTorch's sign: 0 at d = 0 */
      if (dx)
        dx[i] = d > 0.0f ? k : (d < 0.0f ? -k : 0.0f);
    }
  return loss / (double) n;
}
