/* lw-nn-params.h — the nn engine's parameters: named tensors in one arena, their gradients,
 * deterministic random numbers, AdamW with a warmup + cosine schedule, checkpoints
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A model declares its tensors by name and shape (lw_nn_params_declare), then allocates once
 * (lw_nn_params_allocate): one 64-byte-aligned block of floats for all values and one for all
 * gradients, each tensor a contiguous row-major slice at the same offset in both (llm.c's
 * layout, so the optimiser and gradient clipping are single loops over the arena).
 * Names follow PyTorch's state_dict ("blocks.0.attn.qkv.weight"), so checkpoints open in
 * other tools. Units: counts are floats (not bytes) unless a name says bytes.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LW_NN_MAX_DIMS 4

/* ---- random numbers: xoshiro256** seeded by splitmix64; same sequence on every machine ---- */
typedef struct
{
  guint64 s[4];
} LwRng;

void    lw_rng_seed    (LwRng *rng, guint64 seed);
guint64 lw_rng_next    (LwRng *rng);
/* uniform in [0, 1) with 53 random bits */
double  lw_rng_uniform (LwRng *rng);
/* standard normal (Box–Muller, both values used in turn is NOT required: one per call) */
double  lw_rng_normal  (LwRng *rng);
/* uniform integer in [0, n), n ≥ 1, without modulo bias */
guint32 lw_rng_below   (LwRng *rng, guint32 n);

/* ---- the parameter arena ---------------------------------------------------------------- */
typedef struct _LwNnParams LwNnParams;

LwNnParams  *lw_nn_params_new        (void);
void         lw_nn_params_free       (LwNnParams *p);
/* A second gradient arena for the same values: the shadow reads src's values (and its tensors'
 * trainable and decay flags) and has gradients of its own, so two threads can each run a
 * backward on part of a batch; lw_nn_params_add_grads then sums them. src must outlive it. */
LwNnParams  *lw_nn_params_new_shadow (LwNnParams *src);
/* dst's gradients += src's; src is dst's shadow (or dst src's, or both of one arena) */
void         lw_nn_params_add_grads  (LwNnParams *dst, const LwNnParams *src);
/* Before allocation only. Returns the tensor's index (0, 1, …). Names are unique. */
guint        lw_nn_params_declare    (LwNnParams *p, const char *name, guint ndim,
                                      const gsize *shape);
/* Allocates values and gradients, all zero. Declaring after this is a programming error. */
void         lw_nn_params_allocate   (LwNnParams *p);

guint        lw_nn_params_count      (const LwNnParams *p);   /* tensors */
gsize        lw_nn_params_total      (const LwNnParams *p);   /* floats in all tensors */
const char  *lw_nn_params_name       (const LwNnParams *p, guint i);
guint        lw_nn_params_ndim       (const LwNnParams *p, guint i);
const gsize *lw_nn_params_shape      (const LwNnParams *p, guint i);
gsize        lw_nn_params_numel      (const LwNnParams *p, guint i);
/* −1 if no tensor has that name */
int          lw_nn_params_find       (const LwNnParams *p, const char *name);
float       *lw_nn_params_value      (LwNnParams *p, guint i);
float       *lw_nn_params_grad       (LwNnParams *p, guint i);
/* the whole arenas, lw_nn_params_total floats each */
float       *lw_nn_params_values     (LwNnParams *p);
float       *lw_nn_params_grads      (LwNnParams *p);

void         lw_nn_params_zero_grad  (LwNnParams *p);
/* Frozen tensors (trainable = FALSE) keep their values: the optimiser skips them and they do
 * not count in the gradient norm. All tensors start trainable. */
void         lw_nn_params_set_trainable (LwNnParams *p, guint i, gboolean trainable);
gboolean     lw_nn_params_trainable  (const LwNnParams *p, guint i);
/* Weight decay applies to a tensor when this is TRUE; default: TRUE for ndim ≥ 2 (matrices,
 * convolution kernels, embeddings), FALSE for biases and norm gains (GPT-2 / llm.c). */
void         lw_nn_params_set_decay  (LwNnParams *p, guint i, gboolean decay);
gboolean     lw_nn_params_decay      (const LwNnParams *p, guint i);

/* Initialisers (deterministic given the RNG state) */
void         lw_nn_params_init_normal   (LwNnParams *p, guint i, double std, LwRng *rng);
void         lw_nn_params_init_uniform  (LwNnParams *p, guint i, double bound, LwRng *rng);
void         lw_nn_params_init_constant (LwNnParams *p, guint i, float value);

/* L2 norm of the gradients of trainable tensors */
double       lw_nn_params_grad_norm  (LwNnParams *p);
/* Scales the trainable gradients so their norm is at most max_norm (PyTorch's
 * clip_grad_norm_, eps 1e-6). Returns the norm before clipping. */
double       lw_nn_params_clip_grad  (LwNnParams *p, double max_norm);
/* The same over the joint norm of n arenas (NULL entries are skipped), as clip_grad_norm_
 * over a model and its extra head */
double       lw_nn_params_clip_grad_joint (LwNnParams *const *arenas, guint n, double max_norm);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwNnParams, lw_nn_params_free)

/* ---- AdamW (decoupled weight decay, PyTorch's torch.optim.AdamW update, bias-corrected) ---- */
typedef struct
{
  double beta1;         /* 0.9 */
  double beta2;         /* 0.95 for transformers (llm.c), 0.999 PyTorch's default */
  double eps;           /* 1e-8 */
  double weight_decay;  /* 0.01; applied as θ ← θ − lr·wd·θ to tensors with decay set */
} LwAdamWConfig;

typedef struct _LwAdamW LwAdamW;

/* m and v: two more arenas of lw_nn_params_total floats, zero; step count 0 */
LwAdamW *lw_adamw_new   (LwNnParams *p, const LwAdamWConfig *config);
void     lw_adamw_free  (LwAdamW *opt);
/* One update of every trainable tensor with learning rate lr; increments the step count
 * first (bias correction uses the new count, as PyTorch does). */
void     lw_adamw_step  (LwAdamW *opt, double lr);
guint64  lw_adamw_steps (const LwAdamW *opt);
float   *lw_adamw_m     (LwAdamW *opt);   /* arena-shaped first moments */
float   *lw_adamw_v     (LwAdamW *opt);   /* arena-shaped second moments */
void     lw_adamw_set_steps (LwAdamW *opt, guint64 steps);   /* for resuming */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwAdamW, lw_adamw_free)

/* Linear warmup from 0 over `warmup` steps to lr_max, then cosine decay to lr_min at `total`
 * and lr_min after it. step counts from 0. */
double lw_lr_warmup_cosine (guint64 step, guint64 warmup, guint64 total, double lr_max,
                            double lr_min);

/* ---- checkpoints (safetensors, lw-safetensors.h) -------------------------------------------
 * Save writes every tensor as F32 under its name; with an optimiser also "adamw.m.<name>" and
 * "adamw.v.<name>" and metadata "adamw.steps". `metadata` (string → string, may be NULL) goes
 * into __metadata__ (model config, training step, command line…). Writing is atomic: the old
 * file stays intact until the new one is complete.
 * Load requires every declared tensor to be present with the same shape; F32, F16 and BF16 are
 * accepted. Errors name the file and the tensor ("decoder.pt: tensor 'blocks.0.conv1.weight':
 * shape [64, 64, 3, 3] in the file, [32, 32, 3, 3] expected"). Tensors in the file that the
 * model does not declare are an error too, unless they are optimiser state. With opt non-NULL
 * the optimiser state is restored when present (absent = fresh state). *metadata, when
 * metadata is non-NULL, receives a new string → string table. On error p is unchanged. */
gboolean lw_nn_checkpoint_save (const char *path, LwNnParams *p, LwAdamW *opt,
                                GHashTable *metadata, GError **error);
gboolean lw_nn_checkpoint_load (const char *path, LwNnParams *p, LwAdamW *opt,
                                GHashTable **metadata, GError **error);
/* The same with tensors beside the model's (a training curve, lw-train-curve.h): save adds
 * the model's tensors and metadata to `extra` (nullable), which may hold others already, and
 * writes it; load skips the file's tensors named in `skip` (NULL-terminated, nullable)
 * instead of refusing them. */
typedef struct _LwSafetensorsWriter LwSafetensorsWriter;
gboolean lw_nn_checkpoint_save_with (const char *path, LwNnParams *p, LwAdamW *opt,
                                     GHashTable *metadata, LwSafetensorsWriter *extra,
                                     GError **error);
gboolean lw_nn_checkpoint_load_with (const char *path, LwNnParams *p, LwAdamW *opt,
                                     GHashTable **metadata, const char *const *skip,
                                     GError **error);

G_END_DECLS
