/* lw-reasoner-private.h — what lw-reasoner.c and lw-colar.c share: the model struct, token
 * sampling, CoLaR's training step and latent run
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lw-colar.h"
#include "lw-reasoner.h"
#include "lw-train-curve.h"

G_BEGIN_DECLS

struct _LwReasoner
{
  LwReasonStage stage;
  LwGpt        *gpt;
  LwNnParams   *head;          /* CoLaR's latent head tensors, NULL for token models */
  LwColarHead  *head_run;      /* its workspace, made on first use */
  double        embeds_std;    /* CoLaR; 0 otherwise */
  guint64       steps_trained; /* of its own stage */
  GHashTable   *meta;          /* string → string: the checkpoint's metadata (or empty) */
  LwGptCache   *cache;         /* inference, made on first use */
  LwTrainCurve *curve;         /* nullable: the training curve of its own stage */
};

/* The model's curve with these fields (NULL-terminated, "step" first): its own when the
 * fields match, else a fresh one replacing it (a stage started from another stage's
 * checkpoint records its own curve) */
LwTrainCurve *_lw_reasoner_curve_ensure (LwReasoner *reasoner, const char *const *fields);

/* A model of this stage and configuration with fresh weights (any stage; no head) */
LwReasoner *_lw_reasoner_new_empty (LwReasonStage stage, const LwGptConfig *config,
                                    guint64 seed);
/* Reads and checks a checkpoint's metadata (stage, configuration, CoLaR's head size and
 * embeds_std, step) and builds a model of that shape with its metadata, weights not loaded */
LwReasoner *_lw_reasoner_open      (const char *path, GError **error);
/* Weights (and, with opt / head_opt non-NULL, the optimiser state) from / to a checkpoint;
 * the model's metadata table is written along with its stage, configuration and step */
gboolean    _lw_reasoner_load_tensors (LwReasoner *reasoner, const char *path, LwAdamW *opt,
                                       LwAdamW *head_opt, GError **error);
gboolean    _lw_reasoner_save_tensors (LwReasoner *reasoner, const char *path, LwAdamW *opt,
                                       LwAdamW *head_opt, GError **error);

/* Softmax over the first `vocab` logits into probs */
void  _lw_reason_softmax (const float *logits, guint vocab, float *probs);
/* A token from the first `vocab` logits: argmax when temperature ≤ 0, else drawn from the
 * softmax at that temperature restricted to the top-p nucleus */
guint _lw_reason_sample  (const float *logits, guint vocab, double temperature, double top_p,
                          LwRng *rng);

/* What a latent run did, for GRPO (lw-reason-rl.c): the latents fed and the log-probabilities
 * of every choice under the model that made them */
typedef struct
{
  float *z;              /* [n_latent, d]: the latents fed, in embeds_std units (caller's) */
  float  latent_logp[LW_REASON_T_MAX];  /* mean over d of log N(z; μ, σ) */
  guint  n_answer;       /* ### (predicted at the last latent) and the answer tokens after it */
  float  answer_logp[LW_REASON_RUN_MAX]; /* log softmax (temperature 1) of each */
} LwColarTrace;

/* CoLaR's inference (lw-colar.c): prompt already built ("<bos> Q <c_k> ###"); fills run and,
 * when trace is non-NULL, trace */
void  _lw_colar_run      (LwReasoner *reasoner, const LwReasonToken *prompt, guint n_prompt,
                          const LwReasonGenConfig *gen, LwRng *rng, LwReasonRun *run,
                          LwColarTrace *trace);
/* lw_reasoner_run with a trace of a latent model's choices (trace may be NULL) */
gboolean _lw_reasoner_run_traced (LwReasoner *reasoner, const LwReasonToken *question,
                                  guint n_question, const LwReasonGenConfig *gen,
                                  LwReasonRun *run, LwColarTrace *trace, GError **error);
/* log N(z; μ, σ) averaged over d dimensions, given μ, log σ and z (embeds_std units) */
double _lw_colar_latent_logp (const float *mean, const float *log_std, const float *z, guint d);

/* CoLaR's training step (lw-colar.c): forward and backward of one batch with factor c; the
 * gradients ADD into the GPT's and the head's arenas (the caller zeroes them), and into wte's
 * when it is trainable. c is the batch's compression factor, or 0 to draw one per sequence
 * from config->speed_mask. The losses
 * go into progress (loss, ce, latent, mean_log_sigma). */
typedef struct _LwColarTrain LwColarTrain;


LwColarTrain *_lw_colar_train_new  (LwReasoner *reasoner, guint batch);
void          _lw_colar_train_free (LwColarTrain *train);
gboolean      _lw_colar_train_step (LwColarTrain *train, const LwReasonTrainConfig *config,
                                    const LwReasonProblem *problems, guint batch, guint c,
                                    LwRng *rng, LwReasonTrainProgress *progress,
                                    GError **error);
/* How many length buckets (1 or 2) the last step's batch was cut into */
guint         _lw_colar_train_buckets (const LwColarTrain *train);
/* Whether the two buckets run at once (on two threads; BLAS must be on one) */
void          _lw_colar_train_set_parallel (LwColarTrain *train, gboolean parallel);

/* Where to cut n ≥ 2 rows sorted by length (lens ascending) into two parts, each padded to its
 * longest row, to run at once: the cut (1 … n − 1) with the fewest positions in the larger
 * part, and of those the fewest in all */
guint _lw_reason_balanced_cut   (const guint *lens, guint n);
/* order[0 … n) = the indices 0 … n − 1 sorted by lens[i], ascending (ties by index) */
void  _lw_reason_order_by_length (guint *order, const guint *lens, guint n);

/* A compression factor drawn uniformly from the bits of speed_mask (bit c − 1 = c), with one
 * lw_rng_below draw (lw-reason-train.c) */
guint _lw_reason_draw_speed (guint speed_mask, LwRng *rng);

/* GRPO's step (lw-reason-rl.c): rollouts of the `batch` questions, then one pass of
 * minibatch updates with opt and head_opt at rate lr; fills progress's loss, latent,
 * answer_loss, reward, accuracy, mean_latent, clip_frac, grad_norm (mean over updates) and
 * mean_log_sigma */
typedef struct _LwReasonRl LwReasonRl;

LwReasonRl *_lw_reason_rl_new  (LwReasoner *reasoner, const LwReasonTrainConfig *config);
void        _lw_reason_rl_free (LwReasonRl *rl);
gboolean    _lw_reason_rl_step (LwReasonRl *rl, const LwReasonTrainConfig *config,
                                const LwReasonProblem *problems, LwRng *rng, LwAdamW *opt,
                                LwAdamW *head_opt, double lr, LwReasonTrainProgress *progress,
                                GError **error);
/* The step's parts, for tests: the rollouts (with rewards and advantages; fills progress's
 * reward, accuracy, mean_latent), an advantage overridden, and the surrogate of rollouts
 * first … first + n − 1 (n ≤ minibatch, each usable: a latent, an answer, a non-zero
 * advantage) whose gradient ADDS into the arenas */
gboolean    _lw_reason_rl_rollouts      (LwReasonRl *rl, const LwReasonTrainConfig *config,
                                         const LwReasonProblem *problems, LwRng *rng,
                                         LwReasonTrainProgress *progress, GError **error);
void        _lw_reason_rl_set_advantage (LwReasonRl *rl, guint i, double advantage);
double      _lw_reason_rl_surrogate     (LwReasonRl *rl, const LwReasonTrainConfig *config,
                                         guint first, guint n);

G_END_DECLS
