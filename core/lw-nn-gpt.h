/* lw-nn-gpt.h — a tiny GPT-2-style transformer on the nn engine (training and KV-cached
 * inference)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Architecture (research/reasoning.md §3.2, llm.c): learned token and position embeddings;
 * L pre-LN blocks  x += attn (LN1 (x)); x += mlp (LN2 (x))  with causal multi-head attention
 * (one qkv linear [3C, C] with bias, output projection [C, C] with bias) and a GELU MLP
 * (C → 4C → C, biases); a final LayerNorm; the LM head tied to wte (logits over
 * vocab_padded columns, the padding columns never targeted). LayerNorm eps 1e-5.
 * Parameter names (PyTorch state_dict style): "wte.weight" [Vp, C], "wpe.weight" [Tmax, C],
 * "blocks.<l>.ln1.weight|bias", "blocks.<l>.attn.qkv.weight|bias",
 * "blocks.<l>.attn.proj.weight|bias", "blocks.<l>.ln2.weight|bias",
 * "blocks.<l>.mlp.fc.weight|bias", "blocks.<l>.mlp.proj.weight|bias", "ln_f.weight|bias".
 * Initialisation (GPT-2): normal(0, 0.02) for matrices and embeddings, the two residual
 * projections normal(0, 0.02/√(2L)), biases 0, norm gains 1; from the seed only.
 * Activations live in one arena sized for (B, T) at the first forward with that size (and
 * re-allocated only when a larger B·T comes).
 */
#pragma once

#include "lw-nn-params.h"

G_BEGIN_DECLS

typedef struct
{
  guint vocab;         /* real tokens */
  guint vocab_padded;  /* ≥ vocab; rows of wte and columns of the logits (e.g. 96 for 92) */
  guint max_t;         /* positions */
  guint layers;
  guint heads;
  guint dim;           /* C, a multiple of heads */
} LwGptConfig;

typedef struct _LwGpt LwGpt;

LwGpt            *lw_gpt_new         (const LwGptConfig *config, guint64 seed);
/* A second instance over the same weights, with activations and parameter gradients of its
 * own (lw_nn_params_new_shadow): two threads can run forward and backward on two parts of a
 * batch at once, one on each. gpt must outlive it. */
LwGpt            *lw_gpt_new_replica (LwGpt *gpt);
void              lw_gpt_free        (LwGpt *gpt);
const LwGptConfig *lw_gpt_config     (const LwGpt *gpt);
LwNnParams       *lw_gpt_params      (LwGpt *gpt);

/* Forward over B sequences of T ≤ max_t positions. Input: tokens [B, T] (each < vocab), or,
 * when embeds [B, T, C] is non-NULL, those vectors instead of token embeddings (positions
 * are still added; CoLaR feeds latent steps this way; tokens is then ignored and may be
 * NULL). With targets [B, T] (−1 = no loss there) returns the mean cross-entropy, else 0. */
double            lw_gpt_forward     (LwGpt *gpt, const int *tokens, const float *embeds,
                                      const int *targets, guint batch, guint t);
/* After a forward: logits [B, T, vocab_padded]; final hidden states after ln_f [B, T, C] */
const float      *lw_gpt_logits      (const LwGpt *gpt);
const float      *lw_gpt_hidden      (const LwGpt *gpt);
/* Backward of the last forward: gradients ADD into the parameter arena. The loss gradient
 * comes from the targets given to forward (scaled by loss_scale); dhidden [B, T, C] (may be
 * NULL) adds a gradient on the final hidden states (an extra head on top, CoLaR's latent
 * head). When the forward took embeds, their gradient is available afterwards from
 * lw_gpt_dembeds [B, T, C]. */
void              lw_gpt_backward    (LwGpt *gpt, float loss_scale, const float *dhidden);
const float      *lw_gpt_dembeds     (const LwGpt *gpt);

/* Useful counts for benchmarks: FLOPs of one forward+backward over B·T positions (GEMMs and
 * attention, counted 2 per multiply-add) */
double            lw_gpt_step_flops  (const LwGptConfig *config, guint batch, guint t);

/* ---- KV-cached inference (one sequence) ---------------------------------------------------- */
typedef struct _LwGptCache LwGptCache;

LwGptCache *lw_gpt_cache_new   (LwGpt *gpt);      /* room for max_t positions */
void        lw_gpt_cache_free  (LwGptCache *cache);
void        lw_gpt_cache_reset (LwGptCache *cache);
guint       lw_gpt_cache_len   (const LwGptCache *cache);
/* Appends one position (a token, or an embedding [C] when embed is non-NULL) and computes
 * logits [vocab_padded] and the final hidden state [C] at it (either output may be NULL).
 * Returns FALSE when the cache is full (max_t reached). Matches lw_gpt_forward's values. */
gboolean    lw_gpt_cache_step  (LwGptCache *cache, int token, const float *embed,
                                float *logits, float *hidden);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwGpt, lw_gpt_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwGptCache, lw_gpt_cache_free)

G_END_DECLS
