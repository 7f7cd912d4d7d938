/* lw-reasoner.h — the reasoning page's model: a tiny GPT trained on the synthetic problems
 * (lw-reason-data.h) with an explicit chain of thought, without one, or with CoLaR's
 * compressed latent chain (lw-colar.h); its training stages, checkpoints, inference and
 * test-set evaluation
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Stages (research/reasoning.md §3.3):
 *   cot    CoT-SFT from scratch on "<bos> Q <c1> ### steps ### Answer: digits <eos>"
 *   nocot  the baseline, from scratch, on "<bos> Q <c1> ### ### Answer: digits <eos>"
 *   colar  CoLaR-SFT from a cot checkpoint (lw-colar.h): the GPT plus a latent head
 *   rl     GRPO from a colar checkpoint (lw-reason-rl.h)
 * All three: AdamW (β 0.9/0.999, eps 1e-8), lr 1e-3 with 100 warmup steps and cosine decay
 * to 0.1×, weight decay 0.01 on matrices, gradient clipping at 1, batch 64, the loss counted
 * from the first ### on. Every batch is drawn afresh from the training stream, which skips
 * the first LW_REASONER_TEST_SIZE problems of the held-out test set; the randomness of step s
 * (problems, CoLaR's c, label draws, noise) comes from (seed, s) alone, so a resumed run
 * continues exactly as an uninterrupted one would.
 *
 * Checkpoints are safetensors files (lw_nn_checkpoint_save): the GPT's tensors under their
 * state_dict names, a CoLaR model's latent head under "latent.*", optionally the AdamW state,
 * and metadata "lw.reason.*": stage, model configuration, embeds_std, training step and
 * settings. Loading checks the stage and configuration before any tensor, so a checkpoint of
 * the wrong kind is refused with a message that says what it is. The stage's training curve
 * (lw-train-curve.h) travels in the same file as the tensor "train.curve".
 *
 * Inference runs one question at a time on the GPT's KV cache. Token models generate after
 * the prompt "<bos> Q <c1> ###" until <eos>; #L is the number of tokens between the two ###
 * (CoLaR's "index of ### in the output minus 1"). CoLaR models are run by lw-colar.c, through
 * the same lw_reasoner_run.
 */
#pragma once

#include <gio/gio.h>

#include "lw-nn-gpt.h"
#include "lw-reason-data.h"
#include "lw-train-curve.h"

G_BEGIN_DECLS

typedef enum
{
  LW_REASON_STAGE_COT = 0,
  LW_REASON_STAGE_NO_COT = 1,
  LW_REASON_STAGE_COLAR = 2,
  LW_REASON_STAGE_RL = 3,     /* CoLaR after GRPO (lw-reason-rl.h): same tensors as colar */
} LwReasonStage;

#define LW_REASON_N_STAGES 4

/* TRUE for the stages that reason in latents (colar, rl) */
#define lw_reason_stage_is_latent(stage) \
  ((stage) == LW_REASON_STAGE_COLAR || (stage) == LW_REASON_STAGE_RL)

/* "cot", "nocot", "colar", "rl" */
const char *lw_reason_stage_name  (LwReasonStage stage);
/* The reverse; LW_ERROR_INVALID_PARAM naming the text and the choices if unknown */
gboolean    lw_reason_stage_parse (const char *name, LwReasonStage *stage, GError **error);

/* Problems of the held-out test set (LW_REASON_TEST_SEED) kept out of training and
 * available to evaluation */
#define LW_REASONER_TEST_SIZE 500

/* §3.2: vocab 92 padded to 96, max_t 128, 4 layers, 4 heads, dim 128 */
void lw_reasoner_config_default (LwGptConfig *config);

/* ---- the model ----------------------------------------------------------------------------- */
typedef struct _LwReasoner LwReasoner;

/* A fresh token model (stage cot or nocot; CoLaR models come from lw_colar_prepare) with
 * GPT-2 initialisation from seed. config->vocab must be LW_REASON_VOCAB_SIZE. */
LwReasoner    *lw_reasoner_new     (LwReasonStage stage, const LwGptConfig *config,
                                    guint64 seed);
/* Any stage's checkpoint (optimiser state in the file is ignored). Errors name the file:
 * not a reasoning checkpoint, bad or unsupported configuration, missing or misshapen
 * tensors. */
LwReasoner    *lw_reasoner_load    (const char *path, GError **error);
/* The weights and metadata without optimiser state (a finished model) */
gboolean       lw_reasoner_save    (LwReasoner *reasoner, const char *path, GError **error);
void           lw_reasoner_free    (LwReasoner *reasoner);

LwReasonStage  lw_reasoner_stage   (const LwReasoner *reasoner);
LwGpt         *lw_reasoner_gpt     (LwReasoner *reasoner);
/* CoLaR's latent head, NULL for the token models */
LwNnParams    *lw_reasoner_head_params (LwReasoner *reasoner);
/* CoLaR's embedding scale (std of the real rows of wte when CoLaR training began); 0 for
 * token models */
double         lw_reasoner_embeds_std  (const LwReasoner *reasoner);
/* Training steps of this model's own stage */
guint64        lw_reasoner_steps_trained (const LwReasoner *reasoner);
/* The loaded checkpoint's metadata entry (NULL if absent or not loaded from a file) */
const char    *lw_reasoner_get_meta (const LwReasoner *reasoner, const char *key);
/* Adds or replaces a metadata entry written with the next save (e.g. the command line) */
void           lw_reasoner_set_meta (LwReasoner *reasoner, const char *key, const char *value);
/* The training curve of this model's stage (lw-train-curve.h), saved in its checkpoint; NULL
 * when there is none (files from before curves were recorded) */
const LwTrainCurve *lw_reasoner_curve     (const LwReasoner *reasoner);
/* Replaces it (transfer full, nullable: none), e.g. with rows from a training log */
void           lw_reasoner_set_curve (LwReasoner *reasoner, LwTrainCurve *curve);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwReasoner, lw_reasoner_free)

/* ---- inference ----------------------------------------------------------------------------- */
typedef enum
{
  LW_REASON_END_ARGMAX = 0,  /* the latent chain ends when ### is the LM head's argmax */
  LW_REASON_END_SAMPLE = 1,  /* … when a token drawn from its softmax is ### (CoLaR's rule) */
} LwReasonEndMode;

typedef struct
{
  guint            speed;              /* c, 1…5 (CoLaR; token models always use <c1>) */
  double           temperature;        /* token sampling; 0 = greedy (default) */
  double           top_p;              /* nucleus in (0, 1] (default 1) */
  double           latent_temperature; /* scales σ; 0 = feed the mean (default) */
  LwReasonEndMode  end_mode;           /* default argmax */
  guint            max_latent;         /* CoLaR's cap on #L (default 64) */
  guint            max_answer;         /* tokens after a latent chain (default 16) */
  guint64          seed;               /* sampling (default 1) */
} LwReasonGenConfig;

void lw_reason_gen_config_init (LwReasonGenConfig *config);

/* One latent of a CoLaR run, for the inspector */
typedef struct
{
  LwReasonToken top[3];          /* the LM head at the latent's position: top-3 real tokens */
  float         top_prob[3];     /* their softmax probabilities */
  float         p_end;           /* p(###) there */
  gboolean      end;             /* the chain ended after this latent */
  LwReasonToken nearest[4];      /* vocabulary rows most similar (cosine) to the latent fed */
  float         nearest_cos[4];
  float         mu_norm;         /* ‖μ‖ in embedding units (‖μ‖ · embeds_std) */
  float         sigma_mean;      /* mean σ over dimensions, embedding units */
} LwReasonLatentStep;

#define LW_REASON_RUN_MAX (2 * LW_REASON_T_MAX)

typedef struct
{
  LwReasonStage stage;
  guint         speed;
  guint         n_prompt;              /* ids[0 … n_prompt) is the prompt, ending with ### */
  guint         n_ids;
  LwReasonToken ids[LW_REASON_RUN_MAX]; /* prompt + generated tokens; CoLaR: prompt, then the
                                        * ### appended after the latents and the answer */
  guint         n_latent;              /* #L: CoLaR's latents fed in, or the chain's tokens */
  LwReasonLatentStep latent[LW_REASON_T_MAX]; /* CoLaR: n_latent of them */
  guint         forward_passes;        /* 1 for the prompt + 1 per position after it */
  gboolean      answered;              /* a well-formed "Answer: digits <eos>" */
  guint64       answer;
  gboolean      truncated;             /* the context (max_t) ran out */
  double        ms;                    /* wall time of the run */
} LwReasonRun;

/* Answers one question (its tokens, without <bos> and the speed token). Fails only on a
 * question too long for the context (LW_ERROR_TOO_LARGE) or a token id out of range. */
gboolean lw_reasoner_run (LwReasoner *reasoner, const LwReasonToken *question,
                          guint n_question, const LwReasonGenConfig *gen, LwReasonRun *run,
                          GError **error);

/* ---- evaluation ---------------------------------------------------------------------------- */
typedef struct
{
  LwReasonStage stage;
  guint   speed;
  guint   n_questions;
  guint   n_seeds;
  double  accuracy;            /* mean over seeds, in [0, 1] */
  double  ci95;                /* 1.96 · std / √n_seeds (std over seeds, n − 1); 0 for 1 seed */
  double  answered;            /* fraction with a well-formed answer */
  double  mean_steps;          /* #L */
  double  mean_steps_correct;  /* #L on correct answers */
  double  forward_passes;      /* per question */
  double  ms_per_question;
} LwReasonEval;

/* Combines per-seed scores (CoLaR's test_times): accuracy and #L as means over seeds of each
 * seed's value, the CI from the spread of the seeds' accuracies. Forward passes and timing
 * are left to the caller. */
void lw_reason_eval_from_scores (const LwReasonScore *scores, guint n_seeds, LwReasonEval *out);

/* Progress: runs done of total (questions × seeds); return FALSE to stop (like cancelling) */
typedef gboolean (*LwReasonEvalFunc) (guint done, guint total, gpointer user_data);

/* Runs the first n problems of set (n ≤ its size) n_seeds times (CoLaR's test_times); run s
 * of question i samples with seed gen->seed + s + i·0x9E3779B97F4A7C15, so a question's
 * result does not depend on the others. Cancellation or a FALSE from func:
 * G_IO_ERROR_CANCELLED. */
gboolean lw_reasoner_evaluate (LwReasoner *reasoner, const LwReasonTestSet *set, guint n,
                               guint n_seeds, const LwReasonGenConfig *gen,
                               LwReasonEvalFunc func, gpointer user_data,
                               GCancellable *cancellable, LwReasonEval *out, GError **error);

/* ---- training ------------------------------------------------------------------------------ */
typedef enum
{
  LW_COLAR_LOSS_MSE = 0,   /* MSE(rsample, target) — the released default */
  LW_COLAR_LOSS_NLL = 1,   /* −log N(target; μ, σ) */
} LwColarLoss;

typedef struct
{
  LwReasonStage stage;
  LwGptConfig   model;          /* for a fresh model (default lw_reasoner_config_default) */
  guint64       steps;          /* total (cot, nocot 2500; colar 5000) */
  guint64       warmup;         /* 100 */
  double        lr, lr_min;     /* 1e-3, 1e-4 */
  double        weight_decay;   /* 0.01 */
  double        clip;           /* 1.0 */
  guint         batch;          /* 64 */
  guint64       seed;           /* 1: initialisation, data and every random draw */
  guint         threads;        /* threads (BLAS's count; 0 = leave it as is); with 2 or
                                 * more the SFT stages run the batch's two parts at once,
                                 * each on one BLAS thread (lw-reason-train.c) */
  /* CoLaR-SFT */
  guint         speed_mask;     /* bit c−1 set: c may be drawn per batch (0x1f = 1…5) */
  LwColarLoss   latent_loss;    /* MSE */
  double        latent_weight;  /* 1 */
  double        entropy_weight; /* 0; subtracts weight · mean entropy of N(μ, σ) */
  gboolean      deterministic;  /* the "-DL" head: σ = 1e-9, the log σ output unused */
  gboolean      mean_pool;      /* the "-MP" ablation: divide a group by n, not √n */
  gboolean      no_chain_labels;/* the "-OC" ablation: no CE labels inside the chain */
  /* departures from CoLaR's recipe, off by default */
  gboolean      mix_speeds;     /* draw c per sequence, so every batch mixes them */
  gboolean      train_embeddings; /* fine-tune wte (and with it the tied LM head) too */
  guint         head_width;     /* the latent head's inner width dᵢ; 0 = d (CoLaR: dᵢ = d) */
  gboolean      row_mean;       /* latent loss: each sequence's mean, then their mean (so a
                                 * sequence weighs the same whatever its c), not one mean over
                                 * all latents */
  /* GRPO (stage rl, lw-reason-rl.h); batch is then the questions per step (8) */
  guint         rl_group;       /* rollouts per question, G (8) */
  guint         rl_minibatch;   /* rollouts per AdamW update (8) */
  double        rl_clip;        /* PPO ε: the ratio is clipped to [1 − ε, 1 + ε] (0.2) */
  double        rl_top_p;       /* nucleus for the sampled answer tokens (0.9) */
  double        rl_latent_temperature; /* scales σ when sampling latents (1) */
  gboolean      rl_length_penalty; /* reward ÷ #L (CoLaR's punish_latent_length; off) */
  gboolean      rl_token_mean;  /* loss: mean over a rollout's steps (on), or their sum / 32 */
  guint         rl_max_latent;  /* cap on #L while exploring (64) */
} LwReasonTrainConfig;

/* The defaults above for a stage */
void lw_reason_train_config_init (LwReasonTrainConfig *config, LwReasonStage stage);

typedef struct
{
  guint64 step;            /* steps done */
  guint64 steps;           /* total */
  guint   speed;           /* CoLaR: this batch's c (0 when c is drawn per sequence); 1 otherwise */
  double  loss;            /* total */
  double  ce;              /* cross-entropy part */
  double  latent;          /* CoLaR: the latent loss (MSE or NLL, target / embeds_std units) */
  double  mean_log_sigma;  /* CoLaR: mean log σ of the head */
  double  grad_norm;       /* before clipping */
  double  lr;
  double  elapsed_s;       /* wall time of this run (not of earlier, resumed ones) */
  double  eta_s;
  /* GRPO (stage rl): over this step's rollouts. loss = latent + answer surrogate terms. */
  double  reward;          /* mean reward */
  double  accuracy;        /* fraction answered correctly */
  double  mean_latent;     /* mean #L */
  double  answer_loss;     /* the answer tokens' PPO-clip surrogate (latent: the latents') */
  double  clip_frac;       /* fraction of terms whose ratio was clipped (no gradient) */
} LwReasonTrainProgress;

typedef gboolean (*LwReasonTrainFunc) (const LwReasonTrainProgress *progress,
                                       gpointer user_data);

typedef struct _LwReasonTrainer LwReasonTrainer;

/* from (nullable): for cot and nocot a checkpoint of the same stage to resume (weights,
 * optimiser state, step); for colar a cot checkpoint to start from (required) or a colar
 * checkpoint to resume. Anything else is LW_ERROR_INVALID_DATA naming the file and its stage.
 * A resumed model keeps its own configuration; config's settings apply to the steps left. */
LwReasonTrainer *lw_reason_trainer_new  (const LwReasonTrainConfig *config, const char *from,
                                         GError **error);
void             lw_reason_trainer_free (LwReasonTrainer *trainer);
/* Trains until config->steps, a FALSE from func, or cancellation (then FALSE with
 * G_IO_ERROR_CANCELLED, the state consistent). checkpoint (nullable) is written atomically
 * every checkpoint_every steps (0 = never in between) and when the run stops for any reason
 * but a failed step. */
gboolean         lw_reason_trainer_run  (LwReasonTrainer *trainer, LwReasonTrainFunc func,
                                         gpointer user_data, const char *checkpoint,
                                         guint checkpoint_every, GCancellable *cancellable,
                                         GError **error);
/* A resumable checkpoint: the model, the optimiser state, step and settings */
gboolean         lw_reason_trainer_save (LwReasonTrainer *trainer, const char *path,
                                         GError **error);
guint64          lw_reason_trainer_step (const LwReasonTrainer *trainer);
LwReasoner      *lw_reason_trainer_get_model (LwReasonTrainer *trainer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwReasonTrainer, lw_reason_trainer_free)

G_END_DECLS
