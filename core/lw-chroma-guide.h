/* lw-chroma-guide.h — colour detail from brightness detail, a decoder-side stage of
 * wavelet-latent ("chroma=guided")
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * With N of the C·4^J packet directions kept, most of what an RGB photo loses is fine colour
 * detail: the kept directions are mostly brightness-like, so Cb and Cr come back blurred while
 * Y keeps its edges. In a small window the colours of a photo lie close to a line in colour
 * space, so the chroma there is nearly a linear function of the luma. The stage estimates that
 * function with a guided filter (He, Sun and Tang: per window a = cov(Y, C)/(var(Y) + ε),
 * b = mean(C) − a·mean(Y), averaged over the windows covering a pixel, C' = ā·Y + b̄), then keeps
 * only the part of the change that the latents cannot contain: the change goes through the
 * packet transform, its component in the span of the N kept directions is removed (Δ − W⁺WΔ),
 * and the rest is transformed back and added. The decoded latents are therefore unchanged:
 * projecting the result gives the same y. The two steps repeat `iterations` times.
 *
 * Chosen on the colour images among the shipped decoder's training images
 * (tools/chroma-guide-select.py), never on the measured ones: the best setting with two
 * iterations there, radius 4 (9×9 windows) and ε = 100 (8-bit units squared).
 */
#pragma once

#include "lw-pca.h"
#include "lw-tensor.h"
#include "lw-wavelet.h"

G_BEGIN_DECLS

#define LW_CHROMA_GUIDE_RADIUS     4
#define LW_CHROMA_GUIDE_EPS        100.0f
#define LW_CHROMA_GUIDE_ITERATIONS 2

/* image: 3×H×W, R, G, B in centred 8-bit units (the codec's padded reconstruction before
 * cropping; H and W multiples of 2^levels), changed in place. pca/pinv/n: the basis the
 * latents were coded with (pinv NULL when its rows are orthonormal, as lw_pca_reconstruct).
 * Images with other than 3 channels are left as they are. */
gboolean lw_chroma_guide (LwTensor *image, LwWavelet wavelet, guint levels, const LwPca *pca,
                          const float *pinv, guint n, GError **error);

/* The guided filter alone, exposed for tests: q (h×w) from guide and input p, both h×w;
 * box windows of (2r+1)², mirrored at the edges (… c b a | a b c …). */
void     _lw_guided_filter (const float *guide, const float *p, guint h, guint w, guint r, float eps,
                            float *q);

G_END_DECLS
