/* lw-nn-ops.h — the nn engine's layers as plain forward and backward kernels
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Conventions (llm.c style):
 *  - float32, row-major, contiguous. Token activations are [N, C] with N = B·T rows; images
 *    are NCHW; 1-D signals are NCL.
 *  - Weights have PyTorch's layouts: linear [out, in]; conv2d [out, in, k, k]; conv1d
 *    [out, in, k]; so checkpoints exchange with PyTorch as they are.
 *  - Every backward ADDS into the gradients it is given (dx, dw, db…): the caller zeroes the
 *    gradient arenas once per step, and residual branches simply both add into the same dx.
 *    A NULL gradient pointer means "not needed" and is skipped (e.g. dx of the first layer).
 *  - Forward outputs never alias inputs unless a function says so.
 *  - Heavy work goes to cblas_sgemm; the elementwise loops are fused where a pair is always
 *    used together (bias + GELU, residual + LayerNorm).
 *  - Nothing allocates except where a function says so; scratch memory is passed in, its size
 *    from the matching *_scratch function (floats).
 * Numerics match PyTorch: LayerNorm/GroupNorm use the biased variance and eps inside the
 * square root; GELU is the tanh approximation (nn.GELU(approximate='tanh'), GPT-2's);
 * softmax cross-entropy is the mean over rows whose target is ≥ 0 (ignore_index −1).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ---- linear: y[N, out] = x[N, in] · wᵀ + b ---------------------------------------------- */
void lw_nn_linear_forward  (float *y, const float *x, const float *w, const float *b,
                            gsize n, gsize in, gsize out);            /* b may be NULL */
void lw_nn_linear_backward (float *dx, float *dw, float *db, const float *dy, const float *x,
                            const float *w, gsize n, gsize in, gsize out);

/* ---- 2-D convolution, stride 1, zero padding k/2 (same size), k odd (1, 3, 5…) -------------
 * x [B, cin, H, W], w [cout, cin, k, k], b [cout] (may be NULL) → y [B, cout, H, W].
 * k = 1 is a plain GEMM per image; larger k uses im2col + sgemm. */
gsize lw_nn_conv2d_scratch  (gsize cin, gsize h, gsize w, guint k);
void  lw_nn_conv2d_forward  (float *y, const float *x, const float *w, const float *b,
                             gsize batch, gsize cin, gsize h, gsize width, gsize cout, guint k,
                             float *scratch);
void  lw_nn_conv2d_backward (float *dx, float *dw, float *db, const float *dy, const float *x,
                             const float *w, gsize batch, gsize cin, gsize h, gsize width,
                             gsize cout, guint k, float *scratch);

/* ---- 1-D convolution, stride 1, zero padding k/2, k odd ----------------------------------
 * x [B, cin, L], w [cout, cin, k], b [cout] → y [B, cout, L] */
gsize lw_nn_conv1d_scratch  (gsize cin, gsize len, guint k);
void  lw_nn_conv1d_forward  (float *y, const float *x, const float *w, const float *b,
                             gsize batch, gsize cin, gsize len, gsize cout, guint k,
                             float *scratch);
void  lw_nn_conv1d_backward (float *dx, float *dw, float *db, const float *dy, const float *x,
                             const float *w, gsize batch, gsize cin, gsize len, gsize cout,
                             guint k, float *scratch);

/* ---- GroupNorm over x [B, C, S] (S = H·W or L), G groups dividing C, affine gamma/beta [C].
 * mean and rstd [B, G] are written by forward and read by backward. eps: PyTorch's 1e-5 /
 * diffusers' 1e-6 — the caller says. */
void lw_nn_groupnorm_forward  (float *y, float *mean, float *rstd, const float *x,
                               const float *gamma, const float *beta, gsize batch, gsize c,
                               gsize s, guint groups, float eps);
void lw_nn_groupnorm_backward (float *dx, float *dgamma, float *dbeta, const float *dy,
                               const float *x, const float *mean, const float *rstd,
                               const float *gamma, gsize batch, gsize c, gsize s, guint groups);

/* ---- LayerNorm over the last dimension: x [N, C], gamma/beta [C], mean/rstd [N] ---------- */
void lw_nn_layernorm_forward  (float *y, float *mean, float *rstd, const float *x,
                               const float *gamma, const float *beta, gsize n, gsize c,
                               float eps);
void lw_nn_layernorm_backward (float *dx, float *dgamma, float *dbeta, const float *dy,
                               const float *x, const float *mean, const float *rstd,
                               const float *gamma, gsize n, gsize c);
/* Fused residual + LayerNorm (pre-LN transformers): r = a + b (written, it is the residual
 * stream), y = LN(r). Backward of the LN part is lw_nn_layernorm_backward on r. */
void lw_nn_residual_layernorm_forward (float *r, float *y, float *mean, float *rstd,
                                       const float *a, const float *b, const float *gamma,
                                       const float *beta, gsize n, gsize c, float eps);

/* ---- elementwise ---------------------------------------------------------------------------
 * y and x may be the same buffer for the forwards (in place); backward needs the input x. */
void lw_nn_silu_forward  (float *y, const float *x, gsize n);
void lw_nn_silu_backward (float *dx, const float *dy, const float *x, gsize n);
void lw_nn_gelu_forward  (float *y, const float *x, gsize n);
void lw_nn_gelu_backward (float *dx, const float *dy, const float *x, gsize n);
/* y = a + b (residual); its backward is adding dy into both inputs' gradients */
void lw_nn_add_forward   (float *y, const float *a, const float *b, gsize n);
void lw_nn_accumulate    (float *dst, const float *src, gsize n);   /* dst += src */

/* ---- token and position embeddings: y[b, t] = wte[tokens[b, t]] + wpe[t] -----------------
 * tokens [B, T] in [0, vocab) (callers validate); wte [vocab, C], wpe [max_t, C] */
void lw_nn_embedding_forward  (float *y, const int *tokens, const float *wte, const float *wpe,
                               gsize batch, gsize t, gsize c);
void lw_nn_embedding_backward (float *dwte, float *dwpe, const float *dy, const int *tokens,
                               gsize batch, gsize t, gsize c);

/* ---- multi-head causal self-attention -----------------------------------------------------
 * qkv [B, T, 3C] (q, then k, then v, each C = heads · head_dim, head h at columns h·hd…),
 * y [B, T, C]; att [B, heads, T, T] keeps the softmax probabilities for backward (the upper
 * triangle is zero). Scale 1/√head_dim. */
gsize lw_nn_attention_scratch  (gsize t, gsize c, guint heads);
void  lw_nn_attention_forward  (float *y, float *att, const float *qkv, gsize batch, gsize t,
                                gsize c, guint heads, float *scratch);
void  lw_nn_attention_backward (float *dqkv, const float *dy, const float *qkv,
                                const float *att, gsize batch, gsize t, gsize c, guint heads,
                                float *scratch);
/* One new position against a KV cache (inference): q [C] of the new position; kcache/vcache
 * [max_t, C] holding positions 0…pos (the new k and v already stored at pos) → y [C]. */
void  lw_nn_attention_step     (float *y, const float *q, const float *kcache,
                                const float *vcache, gsize pos, gsize c, guint heads,
                                float *scratch /* ≥ pos + 1 floats */);

/* ---- losses: return the mean loss over counted elements and write the gradient of that mean
 * (scaled by `scale`, usually 1) into the d* output (overwritten, not added) -------------- */
/* Softmax cross-entropy: logits [N, V] (only the first `vocab` of `stride` columns are real,
 * padded columns get zero gradient), targets [N] with −1 = ignore. probs [N, stride] may be
 * NULL; when given it receives the softmax. If no target counts, returns 0 and zero grads. */
double lw_nn_cross_entropy (float *dlogits, float *probs, const float *logits,
                            const int *targets, gsize n, gsize vocab, gsize stride, float scale);
/* mean over n of (x − y)² and |x − y| */
double lw_nn_mse (float *dx, const float *x, const float *target, gsize n, float scale);
double lw_nn_l1  (float *dx, const float *x, const float *target, gsize n, float scale);

G_END_DECLS
