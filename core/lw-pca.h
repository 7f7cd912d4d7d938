/* lw-pca.h — principal component bases: fitting, projection, pseudo-inverse, model files
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A basis maps D-dimensional vectors (one per spatial position: the D = C·4^J wavelet packet
 * channels at that position) to n ≤ D latents: y = W (x − μ), W the first n principal
 * directions as rows (unit length, by decreasing variance). The decoder is the pseudo-inverse:
 * x̂ = W⁺ y + μ with W⁺ = Wᵀ (W Wᵀ)⁻¹ (= Wᵀ for exactly orthonormal rows).
 * Data layout everywhere: channel-major, D × P floats (P positions, contiguous per channel).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint  dim;       /* D */
  guint  n;         /* rows of basis */
  float *mean;      /* D */
  float *variance;  /* n, eigenvalues, decreasing */
  float *basis;     /* n × D, row-major */
  /* what it was fitted for (model files): channels, levels, wavelet id */
  guint  channels, levels, wavelet;
} LwPca;

LwPca *lw_pca_new  (guint dim, guint n);
LwPca *lw_pca_copy (const LwPca *pca);
void   lw_pca_free (LwPca *pca);

/* Covariance accumulator (double precision) over any number of D × P blocks */
typedef struct _LwPcaAccumulator LwPcaAccumulator;
LwPcaAccumulator *lw_pca_accumulator_new  (guint dim);
void              lw_pca_accumulator_add  (LwPcaAccumulator *acc, const float *x, gsize positions);
/* Eigen-decomposition (LAPACK dsyevd) of the covariance; all D directions. Signs are fixed so
 * that each row's largest-magnitude entry is positive (deterministic output). */
LwPca            *lw_pca_accumulator_finish (LwPcaAccumulator *acc, GError **error);
void              lw_pca_accumulator_free (LwPcaAccumulator *acc);

/* y (n × P) = W[:n] (x − μ), n ≤ pca->n */
void   lw_pca_project (const LwPca *pca, guint n, const float *x, gsize positions, float *y);
/* D × n pseudo-inverse of W[:n]; NULL and error if W Wᵀ is singular */
float *lw_pca_pinv    (const LwPca *pca, guint n, GError **error);
/* x (D × P) = pinv y + μ; pinv NULL: W has orthonormal rows and Wᵀ is used */
void   lw_pca_reconstruct (const LwPca *pca, const float *pinv, guint n, const float *y,
                           gsize positions, float *x);
/* x (D × P) = pinv y, without the mean: the packets of a change y of the latents */
void   lw_pca_expand      (const LwPca *pca, const float *pinv, guint n, const float *y,
                           gsize positions, float *x);

/* Model files: a .lwc container (codec id 0) holding one chunk per basis. */
GBytes    *lw_pca_set_serialize (LwPca **bases, guint n_bases);
GPtrArray *lw_pca_set_parse     (const guint8 *data, gsize len, GError **error);
/* The shipped basis for (channels, levels, wavelet) from the built-in model file;
 * (transfer none), NULL with an error naming what is missing. */
const LwPca *lw_pca_shipped (guint channels, guint levels, guint wavelet, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwPca, lw_pca_free)

G_END_DECLS
