/* lw-nn-convdec.h — a small convolutional decoder on the nn engine: latent planes → wavelet
 * packet channels (the learned, asymmetric decoder of wavelet-latent, WaLLoC's design)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * x [B, in, H, W] → conv 3×3 (in → width) → `blocks` residual blocks
 *   h ← h + conv3×3 (SiLU (GN (conv3×3 (SiLU (GN (h))))))
 * → GN → SiLU → conv 1×1 (width → out) → y [B, out, H, W].
 * GroupNorm with `groups` groups, eps 1e-6 (diffusers); groups = 0: no GroupNorm (the norms
 * are the identity and have no tensors), so every output depends only on its neighbourhood
 * and tiles compute exactly what the whole image would. The last conv starts at zero, so a
 * fresh decoder outputs 0: the codec adds it to the linear (pseudo-inverse) decoder's output,
 * and training starts from exactly the linear decoder's quality.
 * Parameter names: "conv_in.weight|bias", "blocks.<i>.norm1.weight|bias",
 * "blocks.<i>.conv1.weight|bias", "blocks.<i>.norm2.weight|bias",
 * "blocks.<i>.conv2.weight|bias", "norm_out.weight|bias", "conv_out.weight|bias" (no
 * norm tensors when groups = 0).
 * Initialisation: PyTorch's default for conv (kaiming-uniform a=√5: U(±1/√fan_in) for weights
 * and biases) from the seed, norms gain 1 bias 0, conv_out zero.
 */
#pragma once

#include "lw-nn-params.h"

G_BEGIN_DECLS

typedef struct
{
  guint in_channels;    /* latent channels N */
  guint out_channels;   /* packet channels D = C·4^J */
  guint width;          /* hidden channels, a multiple of groups */
  guint blocks;
  guint groups;         /* GroupNorm groups dividing width; 0 = none */
} LwConvDecConfig;

typedef struct _LwConvDec LwConvDec;

LwConvDec             *lw_convdec_new      (const LwConvDecConfig *config, guint64 seed);
void                   lw_convdec_free     (LwConvDec *dec);
const LwConvDecConfig *lw_convdec_config   (const LwConvDec *dec);
LwNnParams            *lw_convdec_params   (LwConvDec *dec);

/* Forward; returns y [B, out, H, W] (owned by dec, valid until the next forward).
 * The activation arena grows on demand. */
const float *lw_convdec_forward  (LwConvDec *dec, const float *x, guint batch, guint h,
                                  guint w);
/* Backward of the last forward given dy [B, out, H, W]; ADDS into the parameter gradients.
 * dx [B, in, H, W] (may be NULL) receives (added) the input gradient. */
void         lw_convdec_backward (LwConvDec *dec, const float *dy, float *dx);
/* FLOPs of one forward at (B, H, W), 2 per multiply-add */
double       lw_convdec_forward_flops (const LwConvDecConfig *config, guint batch, guint h,
                                       guint w);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwConvDec, lw_convdec_free)

G_END_DECLS
