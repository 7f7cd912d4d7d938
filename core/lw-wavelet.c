/* lw-wavelet.c — periodized DWT and full wavelet packet transforms (Haar, CDF 5/3, CDF 9/7)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PyWavelets' periodization mode is a circular convolution. With its dec filters of length F
 * (pywt pads the bior filters with zeros to an even length):
 *   lo[i] = Σ_j dec_lo[j] x[(2i + F/2 - j) mod n]        (hi likewise with dec_hi)
 * so lo sits on the even samples and hi on the odd ones, for every even n ≥ 2, including n < F
 * where the filter wraps around the signal several times (checked against pywt).
 *
 * The transform is computed by lifting on the even (E) and odd (O) samples, which needs about
 * half the arithmetic of the convolution: for CDF 9/7
 *   O[i] += α (E[i] + E[i+1]);  E[i] += β (O[i-1] + O[i]);  O += γ (…);  E += δ (…);
 *   lo = kE·E, hi = kO·O
 * and the inverse undoes the steps in reverse. Circular indices make lifting equal to the
 * periodized convolution for any length, since both are products of circulant polyphase
 * matrices. The constants were fitted to pywt's dec_lo/dec_hi taps in double precision
 * (`tools/gen-wavelet-vectors.py --taps` prints taps, constants and the residual, 1e-12);
 * results agree with pywt to about 1e-7 relative in float32.
 *
 * Memory order: the row pass works on one row at a time (split into E/O in the workspace;
 * only the one or two samples at each end of a row wrap around); the column pass applies the
 * same steps to whole rows (O row m += c·(E row m + E row m+1)), two steps per sweep down
 * the rows, the last sweep writing the scaled bands. Every inner loop runs over contiguous
 * floats with 4- or 8-float vectors; on x86-64 the two kernels get an AVX2 clone.
 * A 3×512×512 image, CDF 9/7, J = 3: ~2 ms forward on one core (bench/wavelet-speed).
 */
#define G_LOG_DOMAIN "lw-wavelet"

#include "lw-wavelet.h"
#include "lw-error.h"

#include <string.h>

typedef struct
{
  gboolean odd;          /* the step updates O from E (TRUE) or E from O (FALSE) */
  float    c;
  int      off_a, off_b; /* dst[i] += c · (src[i + off_a] + src[i + off_b]) */
  gboolean two;          /* FALSE: dst[i] += c · src[i + off_a] */
} LiftStep;

typedef struct
{
  guint    nsteps;
  LiftStep step[4];
  float    k_lo, k_hi; /* lo = k_lo · E, hi = k_hi · O */
} Lifting;

/* CDF 9/7 constants: least-squares fit to pywt.Wavelet('bior4.4').dec_lo/dec_hi (see above). */
#define CDF97_ALPHA (-1.586134342058574)
#define CDF97_BETA (-0.05298011857297905)
#define CDF97_GAMMA (0.8829110755304158)
#define CDF97_DELTA (0.44350685204449636)
#define CDF97_K_LO (1.1496043988597249)
#define CDF97_K_HI (-0.8698644516244626)
#define SQRT2       1.4142135623730951
#define SQRT1_2     0.7071067811865476

static const Lifting liftings[] = {
  /* Haar: hi = (x0 - x1)/√2 (pywt dec_hi = [-1/√2, 1/√2]), lo = (x0 + x1)/√2 */
  [LW_WAVELET_HAAR] = { 2, {
      { TRUE, -1.0f, 0, 0, FALSE },
      { FALSE, 0.5f, 0, 0, FALSE },
    }, (float) SQRT2, (float) -SQRT1_2 },
  /* bior2.2 = LeGall 5/3 */
  [LW_WAVELET_CDF53] = { 2, {
      { TRUE, -0.5f, 0, 1, TRUE },
      { FALSE, 0.25f, -1, 0, TRUE },
    }, (float) SQRT2, (float) -SQRT1_2 },
  /* bior4.4 = CDF 9/7 */
  [LW_WAVELET_CDF97] = { 4, {
      { TRUE, (float) CDF97_ALPHA, 0, 1, TRUE },
      { FALSE, (float) CDF97_BETA, -1, 0, TRUE },
      { TRUE, (float) CDF97_GAMMA, 0, 1, TRUE },
      { FALSE, (float) CDF97_DELTA, -1, 0, TRUE },
    }, (float) CDF97_K_LO, (float) CDF97_K_HI },
};

static const char *const wavelet_names[] = { "haar", "cdf53", "cdf97" };

/* The deepest packet transform accepted: 4^8 = 65536 bands per input channel is already far
 * beyond any use; the limit keeps shifts and channel counts from overflowing. */
#define MAX_LEVELS 8

/* Column strip width (floats): the two sweeps of a very wide band pair run on strips so that
 * the second finds the first one's rows still in cache. Up to 512 the whole width measured
 * fastest. */
#define STRIP 512

static gboolean
wavelet_valid (LwWavelet w)
{
  return (guint) w < G_N_ELEMENTS (liftings);
}

/* i mod n for indices a few steps outside [0, n): no division, which would cost more than
 * the row of arithmetic it selects when called per row */
static inline gsize
wrap (gssize i, gsize n)
{
  while (i < 0)
    i += (gssize) n;
  while (i >= (gssize) n)
    i -= (gssize) n;
  return (gsize) i;
}

/* ---- kernels ------------------------------------------------------------------------------ */

/* GCC at -O2 only vectorises loops whose trip count is a known multiple of the vector width,
 * so the kernels use GCC/clang vector types for the bulk and scalar loops for the tails.
 * Loads and stores are unaligned (memcpy): rows are shifted by a sample. */
#if defined(__GNUC__) || defined(__clang__)
#define LW_HAVE_V4 1
#if defined(__x86_64__) && defined(__linux__)
/* The two kernels that do nearly all the work get an AVX2 clone picked at load time. AVX2
 * does not include FMA, so both clones round identically: results do not depend on the CPU. */
#define LW_KERNEL __attribute__ ((target_clones ("avx2", "default")))
#endif
typedef float V4 __attribute__ ((vector_size (16)));

static inline V4
load4 (const float *p)
{
  V4 v;
  memcpy (&v, p, sizeof v);
  return v;
}

static inline void
store4 (float *p, V4 v)
{
  memcpy (p, &v, sizeof v);
}

/* 8-float vectors: one AVX register, or two SSE registers in the baseline build. They are
 * never passed to or returned from functions (memcpy instead), since that would need the AVX
 * calling convention in the baseline build. */
typedef float V8 __attribute__ ((vector_size (32)));

#if defined(__clang__)
#define EVENS(a, b) __builtin_shufflevector (a, b, 0, 2, 4, 6)
#define ODDS(a, b)  __builtin_shufflevector (a, b, 1, 3, 5, 7)
#define ZIPLO(a, b) __builtin_shufflevector (a, b, 0, 4, 1, 5)
#define ZIPHI(a, b) __builtin_shufflevector (a, b, 2, 6, 3, 7)
#else
typedef int V4i __attribute__ ((vector_size (16)));
#define EVENS(a, b) __builtin_shuffle (a, b, (V4i) { 0, 2, 4, 6 })
#define ODDS(a, b)  __builtin_shuffle (a, b, (V4i) { 1, 3, 5, 7 })
#define ZIPLO(a, b) __builtin_shuffle (a, b, (V4i) { 0, 4, 1, 5 })
#define ZIPHI(a, b) __builtin_shuffle (a, b, (V4i) { 2, 6, 3, 7 })
#endif
#endif

#ifndef LW_KERNEL
#define LW_KERNEL
#endif

/* dst[x] += c · (a[x] + b[x]) for x < n; b == NULL means dst[x] += c · a[x].
 * dst never overlaps a or b (E and O live in different rows or buffers). */
LW_KERNEL static void
lift_add (float *restrict dst, const float *a, const float *b, float c, gsize n)
{
  gsize x = 0;

#ifdef LW_HAVE_V4
  V8 cv = { c, c, c, c, c, c, c, c }, d, va, vb;
  if (b != NULL)
    for (; x + 8 <= n; x += 8)
      {
        memcpy (&d, dst + x, sizeof d);
        memcpy (&va, a + x, sizeof va);
        memcpy (&vb, b + x, sizeof vb);
        d += cv * (va + vb);
        memcpy (dst + x, &d, sizeof d);
      }
  else
    for (; x + 8 <= n; x += 8)
      {
        memcpy (&d, dst + x, sizeof d);
        memcpy (&va, a + x, sizeof va);
        d += cv * va;
        memcpy (dst + x, &d, sizeof d);
      }
#endif
  if (b != NULL)
    for (; x < n; x++)
      dst[x] += c * (a[x] + b[x]);
  else
    for (; x < n; x++)
      dst[x] += c * a[x];
}

/* dst[x] = k · src[x]; dst may equal src */
LW_KERNEL static void
scale (float *dst, const float *src, float k, gsize n)
{
  gsize x = 0;

#ifdef LW_HAVE_V4
  V8 kv = { k, k, k, k, k, k, k, k }, v;
  for (; x + 8 <= n; x += 8)
    {
      memcpy (&v, src + x, sizeof v);
      v *= kv;
      memcpy (dst + x, &v, sizeof v);
    }
#endif
  for (; x < n; x++)
    dst[x] = k * src[x];
}

/* e[m] = x[2m·stride], o[m] = x[(2m + 1)·stride] */
static void
split (float *restrict e, float *restrict o, const float *restrict x, gsize stride, gsize half)
{
  gsize m = 0;

#ifdef LW_HAVE_V4
  if (stride == 1)
    for (; m + 4 <= half; m += 4)
      {
        V4 v0 = load4 (x + 2 * m), v1 = load4 (x + 2 * m + 4);
        store4 (e + m, EVENS (v0, v1));
        store4 (o + m, ODDS (v0, v1));
      }
#endif
  for (; m < half; m++)
    {
      e[m] = x[2 * m * stride];
      o[m] = x[(2 * m + 1) * stride];
    }
}

/* the inverse of split */
static void
merge (float *restrict x, gsize stride, const float *restrict e, const float *restrict o,
       gsize half)
{
  gsize m = 0;

#ifdef LW_HAVE_V4
  if (stride == 1)
    for (; m + 4 <= half; m += 4)
      {
        V4 ve = load4 (e + m), vo = load4 (o + m);
        store4 (x + 2 * m, ZIPLO (ve, vo));
        store4 (x + 2 * m + 4, ZIPHI (ve, vo));
      }
#endif
  for (; m < half; m++)
    {
      x[2 * m * stride] = e[m];
      x[(2 * m + 1) * stride] = o[m];
    }
}

/* ---- one sequence (a row) ----------------------------------------------------------------- */

/* One lifting step along a sequence of half samples: the bulk runs as a vector loop, the
 * one or two samples at each end whose neighbour wraps around are done one by one.
 * sign = -1 undoes the step. */
static void
row_step (const LiftStep *s, float sign, float *e, float *o, gsize half)
{
  float *dst = s->odd ? o : e;
  const float *src = s->odd ? e : o;
  float c = sign * s->c;
  int omin = s->two ? MIN (s->off_a, s->off_b) : s->off_a;
  int omax = s->two ? MAX (s->off_a, s->off_b) : s->off_a;
  gsize lo = omin < 0 ? (gsize) -omin : 0;
  gsize hi = half > (gsize) MAX (omax, 0) ? half - (gsize) MAX (omax, 0) : 0;

  if (hi <= lo)
    lo = hi = 0; /* too short for an interior: every sample wraps */
  else
    lift_add (dst + lo, src + lo + s->off_a, s->two ? src + lo + s->off_b : NULL, c, hi - lo);
  for (gsize i = 0; i < half; i++)
    {
      if (i == lo)
        i = hi; /* skip the interior done above (empty when lo = hi = 0) */
      if (i >= half)
        break;
      float v = src[wrap ((gssize) i + s->off_a, half)];
      if (s->two)
        v += src[wrap ((gssize) i + s->off_b, half)];
      dst[i] += c * v;
    }
}

/* The steps run one after the other over the whole row (in L1). Fusing each pair into one
 * pass with the neighbour shifted in between vectors measured slower on SSE2. */
static void
row_forward (const Lifting *l, float *e, float *o, gsize half)
{
  for (guint i = 0; i < l->nsteps; i++)
    row_step (&l->step[i], 1.0f, e, o, half);
}

static void
row_inverse (const Lifting *l, float *e, float *o, gsize half)
{
  for (guint i = l->nsteps; i-- > 0;)
    row_step (&l->step[i], -1.0f, e, o, half);
}

/* Column lifting on a band pair: E rows at ebase, O rows at obase, n rows each, row_stride
 * apart; only columns [0, width) of the base pointers are touched. Steps come in pairs, an
 * O step reading E rows m and m+1, then an E step reading O rows m-1 and m (Haar: row m
 * only), so one sweep down the rows can do both: O row m is ready when E row m needs it,
 * and E row m+1, which O row m reads, is still untouched. Two sweeps instead of four keep
 * the traffic to memory down; the last one also applies the scale factors. */
static inline void
col_apply (const LiftStep *s, float sign, float *ebase, float *obase, gsize n, gsize row_stride,
           gsize width, gsize m)
{
  float *dst = (s->odd ? obase : ebase) + m * row_stride;
  const float *src = s->odd ? ebase : obase;
  const float *a = src + wrap ((gssize) m + s->off_a, n) * row_stride;
  const float *b = s->two ? src + wrap ((gssize) m + s->off_b, n) * row_stride : NULL;

  lift_add (dst, a, b, sign * s->c, width);
}

static void
col_pair_forward (const LiftStep *so, const LiftStep *se, float *ebase, float *obase, gsize n,
                  gsize row_stride, gsize width, float *out_e, float *out_o, float ke, float ko)
{
  /* E row 0 reads O row n-1, which reads E rows n-1 and 0 before they change: do it first */
  col_apply (so, 1.0f, ebase, obase, n, row_stride, width, n - 1);
  for (gsize m = 0; m < n; m++)
    {
      if (m != n - 1)
        col_apply (so, 1.0f, ebase, obase, n, row_stride, width, m);
      col_apply (se, 1.0f, ebase, obase, n, row_stride, width, m);
      if (out_e != NULL)
        {
          /* the last pair: rows leave scaled as soon as nothing reads them any more */
          scale (out_e + m * row_stride, ebase + m * row_stride, ke, width);
          if (m >= 1)
            scale (out_o + (m - 1) * row_stride, obase + (m - 1) * row_stride, ko, width);
        }
    }
  if (out_e != NULL) /* O row n-1 was read by E rows 0 and n-1 */
    scale (out_o + (n - 1) * row_stride, obase + (n - 1) * row_stride, ko, width);
}

static void
col_pair_inverse (const LiftStep *so, const LiftStep *se, float *ebase, float *obase, gsize n,
                  gsize row_stride, gsize width)
{
  /* undo the E step one row ahead of the O step; O row n-1 needs E row 0 restored */
  col_apply (se, -1.0f, ebase, obase, n, row_stride, width, 0);
  for (gsize m = 0; m < n; m++)
    {
      if (m + 1 < n)
        col_apply (se, -1.0f, ebase, obase, n, row_stride, width, m + 1);
      col_apply (so, -1.0f, ebase, obase, n, row_stride, width, m);
    }
}

/* Lifts the band pair (ebase, obase) and writes it, scaled by ke and ko, to (out_e, out_o),
 * which may be the same memory as the pair or as anything already consumed. */
static void
col_forward (const Lifting *l, float *ebase, float *obase, gsize nrows, gsize row_stride,
             gsize width, float *out_e, float *out_o, float ke, float ko)
{
  for (gsize c0 = 0; c0 < width; c0 += STRIP)
    {
      gsize sw = MIN (STRIP, width - c0);
      for (guint i = 0; i < l->nsteps; i += 2)
        {
          gboolean last = i + 2 == l->nsteps;
          col_pair_forward (&l->step[i], &l->step[i + 1], ebase + c0, obase + c0, nrows,
                            row_stride, sw, last ? out_e + c0 : NULL, last ? out_o + c0 : NULL,
                            ke, ko);
        }
    }
}

static void
col_inverse (const Lifting *l, float *ebase, float *obase, gsize nrows, gsize row_stride,
             gsize width)
{
  for (gsize c0 = 0; c0 < width; c0 += STRIP)
    {
      gsize sw = MIN (STRIP, width - c0);
      for (guint i = l->nsteps; i >= 2; i -= 2)
        col_pair_inverse (&l->step[i - 2], &l->step[i - 1], ebase + c0, obase + c0, nrows,
                          row_stride, sw);
    }
}

/* ---- 1-D ---------------------------------------------------------------------------------- */

static void
fwd1d (const Lifting *l, float *e, float *o, const float *x, gsize n, gsize stride, float *lo,
       float *hi, gsize out_stride)
{
  gsize half = n / 2;

  split (e, o, x, stride, half);
  row_forward (l, e, o, half);
  if (out_stride == 1)
    {
      scale (lo, e, l->k_lo, half);
      scale (hi, o, l->k_hi, half);
      return;
    }
  for (gsize i = 0; i < half; i++)
    {
      lo[i * out_stride] = l->k_lo * e[i];
      hi[i * out_stride] = l->k_hi * o[i];
    }
}

static void
inv1d (const Lifting *l, float *e, float *o, const float *lo, const float *hi, gsize half,
       gsize in_stride, float *x, gsize stride)
{
  float klo = 1.0f / l->k_lo, khi = 1.0f / l->k_hi;

  if (in_stride == 1)
    {
      scale (e, lo, klo, half);
      scale (o, hi, khi, half);
    }
  else
    for (gsize i = 0; i < half; i++)
      {
        e[i] = klo * lo[i * in_stride];
        o[i] = khi * hi[i * in_stride];
      }
  row_inverse (l, e, o, half);
  merge (x, stride, e, o, half);
}

void
lw_dwt1d_forward (LwWavelet w, const float *x, gsize n, gsize stride, float *lo, float *hi,
                  gsize out_stride)
{
  g_return_if_fail (wavelet_valid (w));
  g_return_if_fail (n >= 2 && n % 2 == 0);
  g_return_if_fail (x != NULL && lo != NULL && hi != NULL && stride > 0 && out_stride > 0);

  g_autofree float *buf = g_new (float, n);
  fwd1d (&liftings[w], buf, buf + n / 2, x, n, stride, lo, hi, out_stride);
}

void
lw_dwt1d_inverse (LwWavelet w, const float *lo, const float *hi, gsize half, gsize in_stride,
                  float *x, gsize stride)
{
  g_return_if_fail (wavelet_valid (w));
  g_return_if_fail (half >= 1);
  g_return_if_fail (x != NULL && lo != NULL && hi != NULL && stride > 0 && in_stride > 0);

  g_autofree float *buf = g_new (float, 2 * half);
  inv1d (&liftings[w], buf, buf + half, lo, hi, half, in_stride, x, stride);
}

/* ---- 2-D ---------------------------------------------------------------------------------- */

/* Bands follow pywt dwt2: cA = low·low, cH = high down the columns of the row-lowpass, cV =
 * low down the columns of the row-highpass, cD = high·high. The row pass splits even input
 * rows into (le, he) and odd ones into (lo, ho) of the workspace and lifts them in place; the
 * column pass lifts (le, lo) and (he, ho) and writes the bands, applying both passes' scale
 * factors at once. x is read completely before any band is written, so the bands may
 * overwrite x (the packet transform runs in place). */
static void
fwd2d (const Lifting *l, float *work, const float *x, gsize h, gsize wd, float *ll, float *bh,
       float *bv, float *bd)
{
  gsize w2 = wd / 2, h2 = h / 2, q = h2 * w2;
  float *le = work, *lo = le + q, *he = lo + q, *ho = he + q;

  for (gsize r = 0; r < h; r++)
    {
      gsize off = (r / 2) * w2;
      float *e = ((r & 1) ? lo : le) + off;
      float *o = ((r & 1) ? ho : he) + off;
      split (e, o, x + r * wd, 1, w2);
      row_forward (l, e, o, w2);
    }
  col_forward (l, le, lo, h2, w2, w2, ll, bh, l->k_lo * l->k_lo, l->k_lo * l->k_hi);
  col_forward (l, he, ho, h2, w2, w2, bv, bd, l->k_hi * l->k_lo, l->k_hi * l->k_hi);
}

/* The bands are copied (unscaled) into the workspace before x is written, so x may overlay
 * them. */
static void
inv2d (const Lifting *l, float *work, const float *ll, const float *bh, const float *bv,
       const float *bd, gsize h, gsize wd, float *x)
{
  gsize w2 = wd / 2, h2 = h / 2, q = h2 * w2;
  float *le = work, *lo = le + q, *he = lo + q, *ho = he + q;

  scale (le, ll, 1.0f / (l->k_lo * l->k_lo), q);
  scale (lo, bh, 1.0f / (l->k_lo * l->k_hi), q);
  scale (he, bv, 1.0f / (l->k_hi * l->k_lo), q);
  scale (ho, bd, 1.0f / (l->k_hi * l->k_hi), q);
  col_inverse (l, le, lo, h2, w2, w2);
  col_inverse (l, he, ho, h2, w2, w2);
  for (gsize r = 0; r < h; r++)
    {
      gsize off = (r / 2) * w2;
      float *e = ((r & 1) ? lo : le) + off;
      float *o = ((r & 1) ? ho : he) + off;
      row_inverse (l, e, o, w2);
      merge (x + r * wd, 1, e, o, w2);
    }
}

void
lw_dwt2d_forward (LwWavelet w, const float *x, gsize h, gsize wd, float *ll, float *bh,
                  float *bv, float *bd)
{
  g_return_if_fail (wavelet_valid (w));
  g_return_if_fail (h >= 2 && h % 2 == 0 && wd >= 2 && wd % 2 == 0);
  g_return_if_fail (x != NULL && ll != NULL && bh != NULL && bv != NULL && bd != NULL);

  g_autofree float *work = g_new (float, h * wd);
  fwd2d (&liftings[w], work, x, h, wd, ll, bh, bv, bd);
}

void
lw_dwt2d_inverse (LwWavelet w, const float *ll, const float *bh, const float *bv,
                  const float *bd, gsize h, gsize wd, float *x)
{
  g_return_if_fail (wavelet_valid (w));
  g_return_if_fail (h >= 2 && h % 2 == 0 && wd >= 2 && wd % 2 == 0);
  g_return_if_fail (x != NULL && ll != NULL && bh != NULL && bv != NULL && bd != NULL);

  g_autofree float *work = g_new (float, h * wd);
  inv2d (&liftings[w], work, ll, bh, bv, bd, h, wd, x);
}

/* ---- packet transforms -------------------------------------------------------------------- */

static gboolean
check_common (LwWavelet w, const LwTensor *t, guint levels, const char *what, GError **error)
{
  if (!wavelet_valid (w))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM, "%s: unknown wavelet %d", what,
                   (int) w);
      return FALSE;
    }
  if (t == NULL || t->data == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE, "%s: no input tensor", what);
      return FALSE;
    }
  if (levels < 1 || levels > MAX_LEVELS)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE, "%s: %u levels (1 to %d allowed)", what,
                   levels, MAX_LEVELS);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_dims (const LwTensor *t, guint ndim, const char *layout, const char *what, GError **error)
{
  g_autofree char *s = lw_tensor_shape_string (t);

  if (t->ndim != ndim)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE, "%s: input %s is not %s", what, s, layout);
      return FALSE;
    }
  for (guint i = 0; i < ndim; i++)
    if (t->shape[i] == 0)
      {
        g_set_error (error, LW_ERROR, LW_ERROR_SHAPE, "%s: input %s has an empty dimension",
                     what, s);
        return FALSE;
      }
  return TRUE;
}

/* Channel c of a level's input becomes channels 4c..4c+3 of its output (WaLLoC's
 * `b c f h w -> b (c f) h w` over pytorch_wavelets' [yl, yh[0]] = pywt [cA, cH, cV, cD]).
 * Channel k of a level and its four output bands cover the same range of floats, so level 1
 * reads x and writes y and the later levels run in place in y (fwd2d and inv2d read all
 * their input into the workspace before they write). */
LwTensor *
lw_wpt2d_forward (LwWavelet w, const LwTensor *x, guint levels, GError **error)
{
  static const char what[] = "wavelet packet transform";
  if (!check_common (w, x, levels, what, error) ||
      !check_dims (x, 3, "C×H×W", what, error))
    return NULL;

  gsize c = x->shape[0], h = x->shape[1], wd = x->shape[2];
  gsize step = (gsize) 1 << levels;
  if (h % step != 0 || wd % step != 0)
    {
      g_autofree char *s = lw_tensor_shape_string (x);
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE,
                   "%s: input %s: height and width must be multiples of 2^%u = %" G_GSIZE_FORMAT,
                   what, s, levels, step);
      return NULL;
    }
  if (c > G_MAXSIZE >> (2 * levels))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE, "%s: too many channels (%" G_GSIZE_FORMAT
                   ") for %u levels", what, c, levels);
      return NULL;
    }

  gsize oshape[3] = { c << (2 * levels), h / step, wd / step };
  g_autoptr (LwTensor) y = lw_tensor_new_uninit (3, oshape, error);
  if (y == NULL)
    return NULL;

  const Lifting *l = &liftings[w];
  g_autofree float *work = g_new (float, h * wd);

  const float *src = x->data;
  gsize ch = c, hh = h, ww = wd;
  for (guint lev = 0; lev < levels; lev++)
    {
      float *dst = y->data;
      gsize plane = (hh / 2) * (ww / 2);
      for (gsize k = 0; k < ch; k++)
        {
          float *o = dst + 4 * k * plane;
          fwd2d (l, work, src + k * hh * ww, hh, ww, o, o + plane, o + 2 * plane,
                 o + 3 * plane);
        }
      src = dst;
      ch *= 4;
      hh /= 2;
      ww /= 2;
    }
  return g_steal_pointer (&y);
}

LwTensor *
lw_wpt2d_inverse (LwWavelet w, const LwTensor *y, guint levels, GError **error)
{
  static const char what[] = "inverse wavelet packet transform";
  if (!check_common (w, y, levels, what, error) ||
      !check_dims (y, 3, "C×H×W", what, error))
    return NULL;

  gsize bands = (gsize) 1 << (2 * levels);
  gsize cc = y->shape[0], hh = y->shape[1], ww = y->shape[2];
  if (cc % bands != 0)
    {
      g_autofree char *s = lw_tensor_shape_string (y);
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE,
                   "%s: input %s: channel count must be a multiple of 4^%u = %" G_GSIZE_FORMAT,
                   what, s, levels, bands);
      return NULL;
    }
  if (hh > G_MAXSIZE >> levels || ww > G_MAXSIZE >> levels)
    {
      g_autofree char *s = lw_tensor_shape_string (y);
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE, "%s: input %s is too large", what, s);
      return NULL;
    }

  gsize c = cc / bands, h = hh << levels, wd = ww << levels;
  gsize oshape[3] = { c, h, wd };
  g_autoptr (LwTensor) x = lw_tensor_new_uninit (3, oshape, error);
  if (x == NULL)
    return NULL;

  const Lifting *l = &liftings[w];
  g_autofree float *work = g_new (float, h * wd);

  const float *src = y->data;
  for (guint lev = 0; lev < levels; lev++)
    {
      float *dst = x->data;
      gsize plane = hh * ww;
      gsize groups = cc / 4;
      for (gsize k = 0; k < groups; k++)
        {
          const float *i = src + 4 * k * plane;
          inv2d (l, work, i, i + plane, i + 2 * plane, i + 3 * plane, 2 * hh, 2 * ww,
                 dst + k * 4 * plane);
        }
      src = dst;
      cc = groups;
      hh *= 2;
      ww *= 2;
    }
  return g_steal_pointer (&x);
}

LwTensor *
lw_wpt1d_forward (LwWavelet w, const LwTensor *x, guint levels, GError **error)
{
  static const char what[] = "1-D wavelet packet transform";
  if (!check_common (w, x, levels, what, error) || !check_dims (x, 2, "C×T", what, error))
    return NULL;

  gsize c = x->shape[0], t = x->shape[1];
  gsize step = (gsize) 1 << levels;
  if (t % step != 0)
    {
      g_autofree char *s = lw_tensor_shape_string (x);
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE,
                   "%s: input %s: length must be a multiple of 2^%u = %" G_GSIZE_FORMAT, what,
                   s, levels, step);
      return NULL;
    }
  if (c > G_MAXSIZE >> levels)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE, "%s: too many channels (%" G_GSIZE_FORMAT
                   ") for %u levels", what, c, levels);
      return NULL;
    }

  gsize oshape[2] = { c << levels, t / step };
  g_autoptr (LwTensor) y = lw_tensor_new_uninit (2, oshape, error);
  if (y == NULL)
    return NULL;

  const Lifting *l = &liftings[w];
  g_autofree float *buf = g_new (float, t);

  const float *src = x->data;
  gsize ch = c, len = t;
  for (guint lev = 0; lev < levels; lev++)
    {
      float *dst = y->data;
      gsize half = len / 2;
      for (gsize k = 0; k < ch; k++)
        fwd1d (l, buf, buf + t / 2, src + k * len, len, 1, dst + 2 * k * half, dst + (2 * k + 1) * half, 1);
      src = dst;
      ch *= 2;
      len = half;
    }
  return g_steal_pointer (&y);
}

LwTensor *
lw_wpt1d_inverse (LwWavelet w, const LwTensor *y, guint levels, GError **error)
{
  static const char what[] = "inverse 1-D wavelet packet transform";
  if (!check_common (w, y, levels, what, error) || !check_dims (y, 2, "C×T", what, error))
    return NULL;

  gsize bands = (gsize) 1 << levels;
  gsize cc = y->shape[0], len = y->shape[1];
  if (cc % bands != 0)
    {
      g_autofree char *s = lw_tensor_shape_string (y);
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE,
                   "%s: input %s: channel count must be a multiple of 2^%u = %" G_GSIZE_FORMAT,
                   what, s, levels, bands);
      return NULL;
    }
  if (len > G_MAXSIZE >> levels)
    {
      g_autofree char *s = lw_tensor_shape_string (y);
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE, "%s: input %s is too large", what, s);
      return NULL;
    }

  gsize c = cc / bands, t = len << levels;
  gsize oshape[2] = { c, t };
  g_autoptr (LwTensor) x = lw_tensor_new_uninit (2, oshape, error);
  if (x == NULL)
    return NULL;

  const Lifting *l = &liftings[w];
  g_autofree float *buf = g_new (float, t);

  const float *src = y->data;
  for (guint lev = 0; lev < levels; lev++)
    {
      float *dst = x->data;
      gsize groups = cc / 2;
      for (gsize k = 0; k < groups; k++)
        inv1d (l, buf, buf + t / 2, src + 2 * k * len, src + (2 * k + 1) * len, len, 1,
               dst + 2 * k * len, 1);
      src = dst;
      cc = groups;
      len *= 2;
    }
  return g_steal_pointer (&x);
}

/* ---- names -------------------------------------------------------------------------------- */

const char *
lw_wavelet_name (LwWavelet w)
{
  g_return_val_if_fail (wavelet_valid (w), NULL);
  return wavelet_names[w];
}

gboolean
lw_wavelet_from_name (const char *name, LwWavelet *out)
{
  /* pywt's names are accepted too, so settings written by Python tools read back */
  static const struct { const char *name; LwWavelet w; } aliases[] = {
    { "haar", LW_WAVELET_HAAR },   { "db1", LW_WAVELET_HAAR },
    { "cdf53", LW_WAVELET_CDF53 }, { "bior2.2", LW_WAVELET_CDF53 },
    { "cdf97", LW_WAVELET_CDF97 }, { "bior4.4", LW_WAVELET_CDF97 },
  };

  if (name == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (aliases); i++)
    if (g_ascii_strcasecmp (name, aliases[i].name) == 0)
      {
        if (out != NULL)
          *out = aliases[i].w;
        return TRUE;
      }
  return FALSE;
}
