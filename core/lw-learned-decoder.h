/* lw-learned-decoder.h — wavelet-latent's learned, asymmetric decoder (WaLLoC's design: linear
 * encoder, nonlinear decoder): model files, the decoders the codec can use, and applying one
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The decoder keeps the linear reconstruction and learns a correction on top:
 *   packets [D, h, w] = W⁺ ŷ + μ  +  net ([ŷ_k · input_scale / σ_k ; log2 (step) · step_scale])
 * (σ_k = 1 unless input_norm asks for the PCA's per-latent spread)
 * where ŷ [N, h, w] are the dequantised latents, W⁺/μ the shipped PCA basis's pseudo-inverse and
 * mean (lw_pca_shipped: the basis is never in the model file), and net an LwConvDec
 * (lw-nn-convdec.h) with in_channels = N + 1 (the last input plane is the constant log2 step)
 * and out_channels = D = C·4^J. A fresh net outputs 0, so an untrained model decodes exactly
 * as the linear decoder does.
 *
 * Model file: safetensors; the LwConvDec tensors under their names, and __metadata__ with
 *   "lw.kind" = "wavelet-latent-decoder", "lw.channels", "lw.levels", "lw.latents",
 *   "lw.wavelet" (haar | cdf53 | cdf97), "lw.width", "lw.blocks", "lw.groups" (0 = no
 *   GroupNorm: then tiles decode as the whole image does), "lw.input_scale",
 *   "lw.step_scale", and free-form training facts ("lw.train.steps", "lw.train.images",
 *   "lw.train.command", …). Optimiser state ("adamw.*") may be present (training checkpoints
 *   double as models) and is ignored here.
 * Identity: lw_learned_decoder_id is the CRC-32 of the net's float32 weights in declaration
 * order (little-endian bytes); .lwc files decoded with a learned decoder record it
 * ("decoder_id"), so a file is never decoded with other weights than it was encoded for.
 */
#pragma once

#include <gio/gio.h>

#include "lw-nn-convdec.h"

G_BEGIN_DECLS

typedef struct
{
  guint  channels;      /* image channels C (3 for RGB) */
  guint  levels;        /* J */
  guint  latents;       /* N */
  guint  wavelet;       /* LwWavelet */
  guint  width, blocks, groups;
  double input_scale;   /* multiplies ŷ (8-bit units) at the net's input, e.g. 1/64 */
  double step_scale;    /* multiplies log2 (step) in the extra plane, e.g. 1/4 */
  guint  input_norm;    /* 0 = none; 1 = latent k is also divided by √variance_k of the shipped
                         * PCA, so every input plane has about unit spread (metadata
                         * "lw.input_norm" = none | pca-std; absent = none) */
} LwLearnedDecoderConfig;

typedef struct _LwLearnedDecoder LwLearnedDecoder;

/* A fresh decoder (net from `seed`, conv_out zero) */
LwLearnedDecoder *lw_learned_decoder_new        (const LwLearnedDecoderConfig *config,
                                                 guint64 seed, GError **error);
LwLearnedDecoder *lw_learned_decoder_load       (const char *path, GError **error);
/* label names the data in messages */
LwLearnedDecoder *lw_learned_decoder_load_bytes (GBytes *bytes, const char *label,
                                                 GError **error);
LwLearnedDecoder *lw_learned_decoder_ref        (LwLearnedDecoder *dec);
void              lw_learned_decoder_unref      (LwLearnedDecoder *dec);

const LwLearnedDecoderConfig *lw_learned_decoder_config (const LwLearnedDecoder *dec);
/* CRC-32 of the weights (computed when loaded or when lw_learned_decoder_update_id is called) */
guint32           lw_learned_decoder_id         (const LwLearnedDecoder *dec);
void              lw_learned_decoder_update_id  (LwLearnedDecoder *dec);
/* The net, for training (not thread-safe while training) */
LwConvDec        *lw_learned_decoder_net        (LwLearnedDecoder *dec);
/* metadata value or NULL ("lw.train.steps"…); set adds or replaces (written by save) */
const char       *lw_learned_decoder_get_meta   (const LwLearnedDecoder *dec, const char *key);
void              lw_learned_decoder_set_meta   (LwLearnedDecoder *dec, const char *key,
                                                 const char *value);
/* Writes the model file atomically; with opt non-NULL a resumable training checkpoint
 * (lw_nn_checkpoint_save). */
gboolean          lw_learned_decoder_save       (LwLearnedDecoder *dec, LwAdamW *opt,
                                                 const char *path, GError **error);

/* The factor on latent k at the net's input (input_scale, divided by σ_k with input_norm);
 * scales gets `latents` values. FALSE when the shipped basis is missing. */
gboolean          lw_learned_decoder_input_scales (const LwLearnedDecoderConfig *config,
                                                   float *scales, GError **error);

/* Adds the net's correction to packets [D, h, w] (already holding W⁺ŷ + μ) for latents
 * ŷ [N, h, w] quantised with `step`. Works in tiles with a halo wide enough for the net's
 * receptive field, so memory stays bounded for any image size (with groups = 0 the same sums
 * as one pass over the whole image; OpenBLAS may round them differently, ~1e-7 relative).
 * Thread-safe: calls on one decoder are serialised. */
gboolean          lw_learned_decoder_apply      (LwLearnedDecoder *dec, const float *latents,
                                                 guint h, guint w, double step,
                                                 float *packets, GError **error);

/* ---- the decoders the codec can use ---------------------------------------------------------
 * The shipped model (data/models/wavelet-latent-decoder.safetensors, a GResource) is always
 * known. lw_learned_decoder_use adds a user's model for this process (the GUI's "Use this
 * decoder", the CLI's --decoder FILE); a later one with the same (channels, levels, latents,
 * wavelet) takes precedence over earlier ones and the shipped one for encoding. */
void              lw_learned_decoder_use        (LwLearnedDecoder *dec);
/* (transfer full) (nullable): the decoder to encode with for this configuration, or the one
 * with this id when id ≠ 0 (decoding); NULL with an error naming what is missing. */
LwLearnedDecoder *lw_learned_decoder_find       (guint channels, guint levels, guint latents,
                                                 guint wavelet, guint32 id, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwLearnedDecoder, lw_learned_decoder_unref)

G_END_DECLS
