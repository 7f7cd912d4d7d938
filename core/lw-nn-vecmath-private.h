/* lw-nn-vecmath-private.h — the transcendental nn loops (GELU, SiLU, exp-sum), written once
 * for any vector width
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A template, not a normal header: lw-nn-ops.c includes it once per instruction set, with
 *   LW_VM_N       lanes (4: SSE2, the x86-64 baseline; 8: AVX2)
 *   LW_VM_SUFFIX  appended to every name (sse, avx2)
 *   LW_VM_ATTR    function attribute (empty, or __attribute__ ((target ("avx2"))))
 * and picks an instantiation at run time. The build targets baseline x86-64, and these loops
 * are compute-bound, so running them 8 wide where the CPU can roughly triples their speed
 * (GELU over a transformer's MLP activations was a fifth of a training step at 4 wide).
 * Lane arithmetic is the same in every instantiation, so elementwise results are identical.
 */
/* no #pragma once: included once per instantiation */

#define LW_VM_CAT2(a, b) a##_##b
#define LW_VM_CAT(a, b) LW_VM_CAT2 (a, b)
#define LW_VM(name) LW_VM_CAT (name, LW_VM_SUFFIX)

typedef float   LW_VM (vm_f) __attribute__ ((vector_size (LW_VM_N * 4)));
typedef int32_t LW_VM (vm_i) __attribute__ ((vector_size (LW_VM_N * 4)));
#define VF LW_VM (vm_f)
#define VI LW_VM (vm_i)

LW_VM_ATTR static inline VF
LW_VM (vm_load) (const float *p)
{
  VF v;
  memcpy (&v, p, sizeof v);
  return v;
}

LW_VM_ATTR static inline void
LW_VM (vm_store) (float *p, VF v)
{
  memcpy (p, &v, sizeof v);
}

/* the n < LW_VM_N trailing elements, zero-filled */
LW_VM_ATTR static inline VF
LW_VM (vm_load_part) (const float *p, gsize n)
{
  float tmp[LW_VM_N] = { 0 };
  memcpy (tmp, p, n * sizeof (float));
  return LW_VM (vm_load) (tmp);
}

LW_VM_ATTR static inline void
LW_VM (vm_store_part) (float *p, VF v, gsize n)
{
  float tmp[LW_VM_N];
  LW_VM (vm_store) (tmp, v);
  memcpy (p, tmp, n * sizeof (float));
}

LW_VM_ATTR static inline VF
LW_VM (vm_splat) (float a)
{
  VF v = { 0 };
  return v + a;
}

LW_VM_ATTR static inline VF
LW_VM (vm_select) (VI mask, VF a, VF b)
{
  return (VF) ((mask & (VI) a) | (~mask & (VI) b));
}

/* exp (x): x = n·ln2 + r, |r| ≤ ln2/2 (ln2 split in two so r keeps its precision); e^r by its
 * degree-6 Taylor polynomial in Estrin's form (shorter dependency chains than Horner's;
 * truncation < 2e-7 relative); 2^n written into the exponent bits. Inputs are clamped to
 * [−87, 88] so 2^n stays a normal float: the callers (softmax, sigmoid) saturate there anyway.
 * Max relative error ≈ 2.5e-7 against double exp. */
LW_VM_ATTR static inline VF
LW_VM (vm_exp) (VF x)
{
  x = LW_VM (vm_select) (x < -87.0f, LW_VM (vm_splat) (-87.0f), x);
  x = LW_VM (vm_select) (x > 88.0f, LW_VM (vm_splat) (88.0f), x);
  /* round to nearest with the 1.5·2^23 trick (exact for |t| < 2^22) */
  VF t = x * 1.44269504088896341f + 12582912.0f;
  VF n = t - 12582912.0f;
  VF r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  VF r2 = r * r, r4 = r2 * r2;
  VF p = (1.0f + r) + r2 * (0.5f + r * (1.0f / 6.0f))
         + r4 * ((1.0f / 24.0f + r * (1.0f / 120.0f)) + r2 * (1.0f / 720.0f));
  VI e = (__builtin_convertvector (n, VI) + 127) << 23;
  return p * (VF) e;
}

/* σ(x) = 1 / (1 + e^−x); e^−x saturates at e^88, so σ never reaches a denormal */
LW_VM_ATTR static inline VF
LW_VM (vm_sigmoid) (VF x)
{
  return 1.0f / (1.0f + LW_VM (vm_exp) (-x));
}

LW_VM_ATTR static inline VF
LW_VM (vm_silu) (VF x)
{
  return x * LW_VM (vm_sigmoid) (x);
}

LW_VM_ATTR static inline VF
LW_VM (vm_silu_grad) (VF dy, VF x)
{
  VF s = LW_VM (vm_sigmoid) (x);
  return dy * s * (1.0f + x * (1.0f - s));
}

/* tanh-GELU as x·σ(2u), u = √(2/π)(x + 0.044715x³), since ½(1 + tanh u) = σ(2u): one exp,
 * and no cancellation in 1 + tanh u for large negative x */
#define LW_VM_GELU_K0 0.7978845608028654f   /* √(2/π) */
#define LW_VM_GELU_K1 0.044715f

LW_VM_ATTR static inline VF
LW_VM (vm_gelu) (VF x)
{
  VF u = LW_VM_GELU_K0 * (x + LW_VM_GELU_K1 * x * x * x);
  return x * LW_VM (vm_sigmoid) (u + u);
}

/* d/dx x·σ(2u) = s + 2x·s(1 − s)·u',  u' = √(2/π)(1 + 3·0.044715x²) */
LW_VM_ATTR static inline VF
LW_VM (vm_gelu_grad) (VF dy, VF x)
{
  VF x2 = x * x;
  VF u = LW_VM_GELU_K0 * (x + LW_VM_GELU_K1 * x2 * x);
  VF du = LW_VM_GELU_K0 * (1.0f + (3.0f * LW_VM_GELU_K1) * x2);
  VF s = LW_VM (vm_sigmoid) (u + u);
  return dy * (s + 2.0f * x * s * (1.0f - s) * du);
}

/* y = f (x) over n elements; y may equal x */
#define LW_VM_UNARY(fname, f)                                                               \
  LW_VM_ATTR static void                                                                    \
  LW_VM (fname) (float *y, const float *x, gsize n)                                         \
  {                                                                                         \
    gsize i = 0;                                                                            \
    for (; i + LW_VM_N <= n; i += LW_VM_N)                                                  \
      LW_VM (vm_store) (y + i, f (LW_VM (vm_load) (x + i)));                                \
    if (i < n)                                                                              \
      LW_VM (vm_store_part) (y + i, f (LW_VM (vm_load_part) (x + i, n - i)), n - i);        \
  }

/* dx += g (dy, x) over n elements */
#define LW_VM_GRAD(fname, g)                                                                \
  LW_VM_ATTR static void                                                                    \
  LW_VM (fname) (float *dx, const float *dy, const float *x, gsize n)                       \
  {                                                                                         \
    gsize i = 0;                                                                            \
    for (; i + LW_VM_N <= n; i += LW_VM_N)                                                  \
      LW_VM (vm_store) (dx + i, LW_VM (vm_load) (dx + i)                                    \
                                  + g (LW_VM (vm_load) (dy + i), LW_VM (vm_load) (x + i))); \
    if (i < n)                                                                              \
      {                                                                                     \
        gsize rest = n - i;                                                                 \
        VF d = g (LW_VM (vm_load_part) (dy + i, rest), LW_VM (vm_load_part) (x + i, rest)); \
        LW_VM (vm_store_part) (dx + i, LW_VM (vm_load_part) (dx + i, rest) + d, rest);      \
      }                                                                                     \
  }

LW_VM_UNARY (gelu_forward, LW_VM (vm_gelu))
LW_VM_GRAD (gelu_backward, LW_VM (vm_gelu_grad))
LW_VM_UNARY (silu_forward, LW_VM (vm_silu))
LW_VM_GRAD (silu_backward, LW_VM (vm_silu_grad))

/* y = exp (x − shift) (y may be NULL or x); returns the sum */
LW_VM_ATTR static float
LW_VM (exp_sum) (float *y, const float *x, gsize n, float shift)
{
  VF acc = LW_VM (vm_splat) (0.0f);
  gsize i = 0;
  for (; i + LW_VM_N <= n; i += LW_VM_N)
    {
      VF e = LW_VM (vm_exp) (LW_VM (vm_load) (x + i) - shift);
      acc += e;
      if (y)
        LW_VM (vm_store) (y + i, e);
    }
  if (i < n)
    {
      gsize rest = n - i;
      VF e = LW_VM (vm_exp) (LW_VM (vm_load_part) (x + i, rest) - shift);
      /* the zero-filled lanes hold exp (−shift): not part of the sum */
      for (gsize j = rest; j < LW_VM_N; j++)
        e[j] = 0.0f;
      acc += e;
      if (y)
        LW_VM (vm_store_part) (y + i, e, rest);
    }
  float s = 0.0f;
  for (int j = 0; j < LW_VM_N; j++)
    s += acc[j];
  return s;
}

LW_VM_ATTR static inline float
LW_VM (vm_hsum) (VF v)
{
  float s = 0.0f;
  for (int j = 0; j < LW_VM_N; j++)
    s += v[j];
  return s;
}

/* Causal softmax of a [t, t] score matrix in place: row i over its first i + 1 entries, the
 * rest set to 0 (attention's P) */
LW_VM_ATTR static void
LW_VM (causal_softmax) (float *att, gsize t)
{
  for (gsize i = 0; i < t; i++)
    {
      float *row = att + i * t;
      gsize len = i + 1, j = 0;
      float m = row[0];
      if (len >= LW_VM_N)
        {
          VF vm = LW_VM (vm_load) (row);
          for (j = LW_VM_N; j + LW_VM_N <= len; j += LW_VM_N)
            {
              VF v = LW_VM (vm_load) (row + j);
              vm = LW_VM (vm_select) (v > vm, v, vm);
            }
          for (int k = 0; k < LW_VM_N; k++)
            m = MAX (m, vm[k]);
        }
      for (; j < len; j++)
        m = MAX (m, row[j]);
      float inv = 1.0f / LW_VM (exp_sum) (row, row, len, m);
      for (j = 0; j + LW_VM_N <= len; j += LW_VM_N)
        LW_VM (vm_store) (row + j, LW_VM (vm_load) (row + j) * inv);
      for (; j < len; j++)
        row[j] *= inv;
      memset (row + len, 0, (t - len) * sizeof (float));
    }
}

/* Backward of causal_softmax: dp (dL/dP, [t, t]) becomes dL/dS = P ⊙ (dP − Σ_j P·dP) in
 * place, 0 above the diagonal */
LW_VM_ATTR static void
LW_VM (causal_softmax_backward) (float *dp, const float *att, gsize t)
{
  for (gsize i = 0; i < t; i++)
    {
      const float *pr = att + i * t;
      float *dr = dp + i * t;
      gsize len = i + 1, j = 0;
      VF acc = LW_VM (vm_splat) (0.0f);
      for (; j + LW_VM_N <= len; j += LW_VM_N)
        acc += LW_VM (vm_load) (pr + j) * LW_VM (vm_load) (dr + j);
      float dot = LW_VM (vm_hsum) (acc);
      for (; j < len; j++)
        dot += pr[j] * dr[j];
      for (j = 0; j + LW_VM_N <= len; j += LW_VM_N)
        LW_VM (vm_store) (dr + j, LW_VM (vm_load) (pr + j) * (LW_VM (vm_load) (dr + j) - dot));
      for (; j < len; j++)
        dr[j] = pr[j] * (dr[j] - dot);
      memset (dr + len, 0, (t - len) * sizeof (float));
    }
}

#undef LW_VM_UNARY
#undef LW_VM_GRAD
#undef LW_VM_GELU_K0
#undef LW_VM_GELU_K1
#undef VF
#undef VI
#undef LW_VM
#undef LW_VM_CAT
#undef LW_VM_CAT2
