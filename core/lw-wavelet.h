/* lw-wavelet.h — periodized discrete wavelet transforms and full wavelet packet transforms
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Wavelets: Haar, CDF 5/3 (pywt 'bior2.2'), CDF 9/7 (pywt 'bior4.4'). Mode is periodization
 * as in pywt / pytorch_wavelets 'periodization': a signal of even length n gives n/2
 * approximation and n/2 detail coefficients, and the inverse reconstructs it exactly.
 * Coefficients agree with PyWavelets (tests/vectors/wavelet-*.txt, tools/gen-wavelet-vectors.py).
 *
 * 2-D one level gives four bands in pywt order [LL, (H, V, D)] = [cA, cH, cV, cD], where
 * H = cH is low-pass along the width and high-pass along the height, V = cV the reverse.
 * The J-level full packet transform (WaLLoC) splits every band at every level and orders
 * channels c-major: after one level input channel c becomes channels 4c + {0: LL, 1: H, 2: V,
 * 3: D}; J levels apply this J times, giving C·4^J channels of size H/2^J × W/2^J.
 * (WaLLoC concatenates pytorch_wavelets' DWTForward [yl, yh[0][:, :, 0..2]] and rearranges
 * 'b c f h w -> b (c f) h w'; pytorch_wavelets' three detail bands are pywt's cH, cV, cD in
 * that order, so the two agree.)
 * 1-D: channel c becomes 2c + {0: L, 1: H}, C·2^J channels of length T/2^J.
 */
#pragma once

#include <glib.h>

#include "lw-tensor.h"

G_BEGIN_DECLS

typedef enum
{
  LW_WAVELET_HAAR = 0,
  LW_WAVELET_CDF53 = 1, /* bior2.2 */
  LW_WAVELET_CDF97 = 2, /* bior4.4 */
} LwWavelet;

const char *lw_wavelet_name (LwWavelet w);  /* "haar", "cdf53", "cdf97" */
gboolean    lw_wavelet_from_name (const char *name, LwWavelet *out);

/* One level, 1-D, n even, strided input and output (strides in floats). */
void lw_dwt1d_forward (LwWavelet w, const float *x, gsize n, gsize stride,
                       float *lo, float *hi, gsize out_stride);
void lw_dwt1d_inverse (LwWavelet w, const float *lo, const float *hi, gsize half, gsize in_stride,
                       float *x, gsize stride);

/* One level, 2-D on a single h×w plane (both even); each band (h/2)×(w/2), contiguous. */
void lw_dwt2d_forward (LwWavelet w, const float *x, gsize h, gsize wd,
                       float *ll, float *bh, float *bv, float *bd);
void lw_dwt2d_inverse (LwWavelet w, const float *ll, const float *bh, const float *bv,
                       const float *bd, gsize h, gsize wd, float *x);

/* Full packet transforms. Input C×H×W with H and W multiples of 2^J (1 ≤ J ≤ 8), output
 * C·4^J × H/2^J × W/2^J. Errors on shapes that do not fit. */
LwTensor *lw_wpt2d_forward (LwWavelet w, const LwTensor *x, guint levels, GError **error);
LwTensor *lw_wpt2d_inverse (LwWavelet w, const LwTensor *y, guint levels, GError **error);
/* Input C×T with T a multiple of 2^J, output C·2^J × T/2^J */
LwTensor *lw_wpt1d_forward (LwWavelet w, const LwTensor *x, guint levels, GError **error);
LwTensor *lw_wpt1d_inverse (LwWavelet w, const LwTensor *y, guint levels, GError **error);

G_END_DECLS
