/* lw-wavelet-latent.h — pieces of the wavelet-latent codec that tools reuse (basis fitting,
 * later the learned decoder trainer)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lw-tensor.h"
#include "lw-wavelet.h"

G_BEGIN_DECLS

/* The codec's front end: C×H×W image in [0, 1] → centred 8-bit units (255·v − 127.5) →
 * reflect padding to multiples of 2^levels → full packet transform. Returns
 * C·4^levels × H'/2^levels × W'/2^levels. */
LwTensor *lw_wavelet_latent_packets (const LwTensor *image, LwWavelet wavelet, guint levels,
                                     GError **error);

G_END_DECLS
