/* lw-colar.h — CoLaR (Compressed Latent Reasoning) on the tiny reasoner: merging chain
 * embeddings, the latent head, its losses, and the model's preparation from a CoT checkpoint
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The exact rules (research/reasoning.md §1.2–1.5, the released code):
 *  - Merge. The reasoning tokens "### steps" (n tokens) are left-padded with c − 1 pads so ###
 *    is the last slot of group 0, then right-padded to a multiple of c. Group k is the sum of
 *    its real tokens' embeddings divided by √(real count) + 1e-5 (mean pooling, the "-MP"
 *    ablation, divides by the count instead). So there are 1 + ⌈(n − 1)/c⌉ groups, group 0 is
 *    e(###)/(1 + 1e-5), and a partial last group uses √ of its own count.
 *  - Training row: <bos> Q <c_k>, the groups g_0…g_m, then "### Answer: digits <eos>".
 *    CE labels: at <c_k> "###"; at g_k (k < m) one token drawn uniformly from the real tokens
 *    of group k + 1; at g_m "###"; then the answer's next tokens.
 *  - Latent head on the final hidden state h (after ln_f):
 *    Linear(d, dᵢ) → GELU → Linear(dᵢ, dᵢ) → LayerNorm(dᵢ) → mean = Linear(dᵢ, d),
 *    log σ = Linear(dᵢ, d); here dᵢ = d (§3.2). GELU is the engine's tanh form (the released
 *    code uses PyTorch's erf GELU; the difference is < 1e-3 — labelled divergence).
 *    Tensors: latent.fc1.weight|bias, latent.fc2.weight|bias, latent.ln.weight|bias,
 *    latent.mean.weight|bias, latent.log_std.weight|bias. Initialisation: PyTorch's nn.Linear
 *    default, U(±1/√fan_in) for weights and biases; LayerNorm 1 and 0.
 *  - Latent target at g_k: the next input embedding (g_{k+1}, and e(###) of the answer after
 *    g_m) divided by embeds_std. Losses (mean over d, then over latent positions):
 *    MSE(μ + σ·ε, target) (released default), or NLL −log N(target; μ, σ); minus
 *    entropy_weight · the mean entropy ½·log(2πe σ²). The deterministic ("-DL") head uses
 *    σ = 1e-9. Total = CE + latent_weight · latent.
 *  - Inference: the prompt "<bos> Q <c_k> ###"; the head on the last hidden state gives a
 *    latent z = μ + σ·τ·ε (τ the latent temperature; τ = 0 feeds μ), fed as the embedding
 *    z · embeds_std; after each latent the LM head's logits there decide the end of the chain
 *    (### as argmax, or drawn from the softmax); #L counts every latent fed, the last one
 *    included; then e(###) is appended and the answer generated.
 * Embeddings (and so the tied LM head) stay frozen during CoLaR training; everything else is
 * trained (the paper trains LoRA adapters on a 1B model instead — labelled divergence).
 */
#pragma once

#include "lw-reasoner.h"

G_BEGIN_DECLS

/* ---- merging ------------------------------------------------------------------------------ */
/* Groups of an n-token chain ("###" + steps, n ≥ 1) at factor c */
guint lw_colar_n_groups     (guint n_chain, guint c);
/* The real tokens of group k into out (≤ c of them); returns how many (0 if k is past the
 * end). Group 0 is the ###; group k ≥ 1 holds chain tokens (k − 1)·c + 1 … k·c. */
guint lw_colar_group_tokens (const LwReasonToken *chain, guint n_chain, guint c, guint k,
                             LwReasonToken *out);
/* The factor a group of n real tokens is scaled by: 1 / (√n + 1e-5), as the released code
 * has it, or 1 / n with mean pooling */
float lw_colar_merge_scale  (guint n, gboolean mean_pool);
/* Writes the groups' vectors [groups, dim] to out from embedding rows wte [*, dim]; returns
 * the number of groups */
guint lw_colar_merge        (const float *wte, gsize dim, const LwReasonToken *chain,
                             guint n_chain, guint c, gboolean mean_pool, float *out);

/* ---- latent head -------------------------------------------------------------------------- */
/* Declares the head's tensors (before lw_nn_params_allocate) */
void lw_colar_head_declare (LwNnParams *params, guint dim, guint inner);
/* PyTorch-default initialisation (after allocation) */
void lw_colar_head_init    (LwNnParams *params, LwRng *rng);

typedef struct _LwColarHead LwColarHead;

/* A workspace over declared and allocated head tensors (not owned; must outlive it) */
LwColarHead *lw_colar_head_new      (LwNnParams *params);
void         lw_colar_head_free     (LwColarHead *head);
guint        lw_colar_head_dim      (const LwColarHead *head);   /* d */
guint        lw_colar_head_inner    (const LwColarHead *head);   /* dᵢ */
/* Forward over x [n, d]; keeps what backward needs */
void         lw_colar_head_forward  (LwColarHead *head, const float *x, gsize n);
const float *lw_colar_head_mean     (const LwColarHead *head);   /* [n, d] */
const float *lw_colar_head_log_std  (const LwColarHead *head);   /* [n, d] */
/* Backward of the last forward: parameter gradients ADD into the arena; dx [n, d] (may be
 * NULL) is ADDED to. dlog_std may be NULL (the deterministic head). */
void         lw_colar_head_backward (LwColarHead *head, const float *dmean,
                                     const float *dlog_std, float *dx);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwColarHead, lw_colar_head_free)

/* ---- the latent loss ---------------------------------------------------------------------- */
typedef struct
{
  double latent;          /* MSE or NLL, mean over d and positions */
  double entropy;         /* mean entropy of N(μ, σ) per dimension */
  double mean_log_sigma;
  double total;           /* weight · latent − entropy_weight · entropy */
} LwColarLossParts;

/* n positions of d dimensions: mean, log_std, noise ε ~ N(0, 1) and target [n, d]. With
 * deterministic, σ = 1e-9 and log_std is not read (may be NULL). Writes the gradient of
 * `total` into dmean and dlog_std (overwritten; dlog_std may be NULL when deterministic) and
 * returns total. */
double lw_colar_latent_loss (LwColarLoss kind, gboolean deterministic, double weight,
                             double entropy_weight, const float *mean, const float *log_std,
                             const float *noise, const float *target, gsize n, gsize dim,
                             float *dmean, float *dlog_std, LwColarLossParts *parts);

/* ---- the model ---------------------------------------------------------------------------- */
#define LW_COLAR_MAX_HEAD_WIDTH 4096
/* std of the real rows of wte (population std over all their entries) */
double   lw_colar_measure_embeds_std (LwGpt *gpt);
/* Turns a trained cot model into a CoLaR model: measures embeds_std, adds a latent head
 * of inner width head_width (0: dᵢ = d, as CoLaR has it) initialised from seed, sets the stage
 * to colar and its step count to 0. LW_ERROR_INVALID_PARAM if the model is not a cot model. */
gboolean lw_colar_prepare (LwReasoner *reasoner, guint64 seed, guint head_width,
                           GError **error);

/* The vocabulary rows most similar by cosine to v [d] (real tokens only): k ≤ 8 of them */
void     lw_colar_nearest (LwGpt *gpt, const float *v, guint k, LwReasonToken *tokens,
                           float *cosines);

G_END_DECLS
