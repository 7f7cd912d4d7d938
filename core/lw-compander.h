/* lw-compander.h — WaLLoC's Gaussian-CDF compander and the uniform quantiser behind it
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For b bits, WaLLoC (research/codecs.md §1.1 step 4) uses s = (2^(b−1) − 1)/1.85 and
 * m = 2^(b−1) − 0.5 − 0.001, and maps a latent x to u = 2m·(Φ(x/s) − 0.5), rounds u to an
 * integer in [−(2^(b−1) − 1), 2^(b−1) − 1] and inverts with x = s·Φ⁻¹(clamp(u/(2m) + 0.5,
 * 1e−4, 1 − 1e−4)). Quantisation is uniform in CDF space: finest near 0, coarser in the tails.
 *
 * We put a uniform quantiser step Δ in front: the compander sees x·g/Δ where g = s·√(2π)/(2m)
 * makes its slope at zero exactly 1, so near zero the integer step is Δ latent units and Δ and
 * b are independent knobs: Δ sets the resolution, b the dynamic range (large |x| saturate at
 * about ±2.9·m·Δ/… and are quantised more coarsely the fewer bits there are).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint  bits;       /* 2..16 */
  double step;       /* Δ > 0, latent units */
  double s, m, gain; /* derived */
  float  inv_step;   /* 1/Δ */
  float  rounding;   /* θ */
  int    qmax;       /* 2^(b−1) − 1 */
  /* Lookup of decision thresholds in latent units: x ≥ thr[k] ⇒ q ≥ k (k = 1..qmax), the
   * quantiser is odd-symmetric; and reconstruction values rec[q] for q = 0..qmax. */
  float *thr;
  float *rec;
  /* Fast path for |x|/Δ < n_cells/2: cell i = ⌊2|x|/Δ⌋ holds the level at the cell's start;
   * the compander rises by at most ½ over a cell, so the true level is that one or a
   * neighbour, decided by two threshold comparisons. */
  guint  n_cells;
  gint32 *cell_level;
} LwCompander;

LwCompander *lw_compander_new   (guint bits, double step);
/* Rounding offset θ ∈ (0, 0.5] in companded units: q = ⌊|u| + θ⌋ (0.5 = round to nearest, as
 * WaLLoC; smaller θ widens the zero bin, a dead zone). Reconstruction of q ≠ 0 at
 * C⁻¹(|q| − ρ), ρ ∈ (−0.5, 0.5): ρ > 0 pulls values toward zero where the density is higher;
 * with a dead zone the bins shift outward and a small negative ρ fits them better. */
LwCompander *lw_compander_new_full (guint bits, double step, double rounding, double bias);
void         lw_compander_free  (LwCompander *c);
/* Integer level in [−qmax, qmax] */
int          lw_compander_quantise   (const LwCompander *c, float x);
float        lw_compander_dequantise (const LwCompander *c, int q);
/* sym[i] = quantise (x[i]) + offset, for n values; same results as lw_compander_quantise */
void         lw_compander_quantise_block (const LwCompander *c, const float *x, gsize n,
                                          guint16 *sym, int offset);
/* Exact formula versions (slow, for tests and table building) */
double       lw_compander_forward (const LwCompander *c, double x); /* x → u (real) */
double       lw_compander_inverse (const LwCompander *c, double u); /* u → x */

/* Standard normal CDF and its inverse (Acklam's rational approximation refined by one Halley
 * step, |error| < 1e−12 on (1e−300, 1 − 1e−16)). */
double lw_normal_cdf (double x);
double lw_normal_quantile (double p);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwCompander, lw_compander_free)

G_END_DECLS
