/* lw-metrics.h — image distortion metrics and rate figures
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Inputs are C×H×W tensors in [0, 1] of equal shape. Images are compared as 8-bit values
 * (rounded to 1/255) — that is what a user saves and what other tools measure.
 * SSIM follows Wang et al. 2004: Gaussian window σ = 1.5 (truncated at 3.5σ, 11 taps),
 * K1 = 0.01, K2 = 0.03, L = 255, population covariances, mean over the valid region,
 * channels averaged — the same as scikit-image structural_similarity(gaussian_weights=True,
 * sigma=1.5, use_sample_covariance=False, data_range=255). MS-SSIM: Wang et al. 2003,
 * 5 scales, weights (0.0448, 0.2856, 0.3001, 0.2363, 0.1333), 2×2 average downsampling.
 */
#pragma once

#include <glib.h>

#include "lw-tensor.h"

G_BEGIN_DECLS

/* PSNR in dB over all channels (alpha included), peak 255 on 8-bit values; +inf if equal */
double lw_psnr       (const LwTensor *ref, const LwTensor *test);
/* PSNR of BT.601 luma Y = 0.299 R + 0.587 G + 0.114 B (gray images: the gray channel) */
double lw_psnr_y     (const LwTensor *ref, const LwTensor *test);
double lw_mse_u8     (const LwTensor *ref, const LwTensor *test);
double lw_ssim       (const LwTensor *ref, const LwTensor *test);
/* Images too small for 5 scales (shorter side < 161) use fewer scales with their weights
 * rescaled to sum to 1; the number used is written to *scales_used when non-NULL. NaN only when
 * a side is under 11 pixels. */
double lw_ms_ssim    (const LwTensor *ref, const LwTensor *test, guint *scales_used);
/* Both at the cost of MS-SSIM alone (its first scale is the SSIM pass); the values are exactly
 * those of lw_ssim and lw_ms_ssim. */
void   lw_ssim_and_ms_ssim (const LwTensor *ref, const LwTensor *test, double *ssim,
                            double *ms_ssim, guint *scales_used);

/* Rate figures for an image of w×h×c 8-bit samples coded in `bytes` bytes */
double lw_bpp        (gsize bytes, gsize width, gsize height);
double lw_compression_ratio (gsize bytes, gsize width, gsize height, gsize channels);

G_END_DECLS
