/* lw-nn-ops-private.h — small SIMD helpers shared by the nn kernels (not public API)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The build is -O2 without -ffast-math, where GCC vectorises neither float reductions nor
 * loops with selects, so the nn loops use the GCC/Clang vector extension: four floats at a
 * time here (portable across architectures), and no libm call per element. The
 * transcendental loops are in lw-nn-vecmath-private.h, also built 8 wide for AVX2.
 */
#pragma once

#include <glib.h>
#include <stdint.h>
#include <string.h>

G_BEGIN_DECLS

typedef float   LwV4f __attribute__ ((vector_size (16)));
typedef int32_t LwV4i __attribute__ ((vector_size (16)));

static inline LwV4f
lw_v4_load (const float *p)
{
  LwV4f v;
  memcpy (&v, p, sizeof v);   /* unaligned load */
  return v;
}

static inline void
lw_v4_store (float *p, LwV4f v)
{
  memcpy (p, &v, sizeof v);
}

static inline LwV4f
lw_v4_splat (float a)
{
  return (LwV4f) { a, a, a, a };
}

/* Loads the n < 4 trailing elements, zero-filled, so tails use the same arithmetic as the
 * body (results do not depend on where an element sits) */
static inline LwV4f
lw_v4_load_part (const float *p, gsize n)
{
  float tmp[4] = { 0, 0, 0, 0 };
  memcpy (tmp, p, n * sizeof (float));
  return lw_v4_load (tmp);
}

static inline void
lw_v4_store_part (float *p, LwV4f v, gsize n)
{
  float tmp[4];
  lw_v4_store (tmp, v);
  memcpy (p, tmp, n * sizeof (float));
}

static inline LwV4f
lw_v4_select (LwV4i mask, LwV4f a, LwV4f b)   /* mask ? a : b, lane-wise */
{
  return (LwV4f) ((mask & (LwV4i) a) | (~mask & (LwV4i) b));
}

static inline LwV4f
lw_v4_max (LwV4f a, LwV4f b)
{
  return lw_v4_select (a > b, a, b);
}

static inline float
lw_v4_hsum (LwV4f v)
{
  return (v[0] + v[1]) + (v[2] + v[3]);
}

/* Largest of x[0…n) (n ≥ 1) */
float _lw_nn_max      (const float *x, gsize n);
/* y[i] = exp (x[i] − shift) (y may be NULL, or equal to x); returns Σ exp (x[i] − shift).
 * exp has ≈ 2.5e-7 relative error and saturates below −87. */
float _lw_nn_exp_sum  (float *y, const float *x, gsize n, float shift);
/* Attention's softmax over a [t, t] score matrix, row i over its first i + 1 entries (the
 * rest set to 0), in place; and its backward: dP in, dS = P ⊙ (dP − Σ_j P·dP) out, in place */
void  _lw_nn_causal_softmax          (float *att, gsize t);
void  _lw_nn_causal_softmax_backward (float *dp, const float *att, gsize t);

G_END_DECLS
