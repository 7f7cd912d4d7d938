/* lw-reasoner-private.h — what lw-reasoner.c and lw-colar.c share: the model struct, token
 * sampling, CoLaR's training step and latent run
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lw-colar.h"
#include "lw-reasoner.h"

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
};

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

/* CoLaR's inference (lw-colar.c): prompt already built ("<bos> Q <c_k> ###"); fills run */
void  _lw_colar_run      (LwReasoner *reasoner, const LwReasonToken *prompt, guint n_prompt,
                          const LwReasonGenConfig *gen, LwRng *rng, LwReasonRun *run);

/* CoLaR's training step (lw-colar.c): forward and backward of one batch with factor c; the
 * gradients ADD into the GPT's and the head's arenas (the caller zeroes them). The losses
 * go into progress (loss, ce, latent, mean_log_sigma). */
typedef struct _LwColarTrain LwColarTrain;

LwColarTrain *_lw_colar_train_new  (LwReasoner *reasoner, guint batch);
void          _lw_colar_train_free (LwColarTrain *train);
gboolean      _lw_colar_train_step (LwColarTrain *train, const LwReasonTrainConfig *config,
                                    const LwReasonProblem *problems, guint batch, guint c,
                                    LwRng *rng, LwReasonTrainProgress *progress,
                                    GError **error);

G_END_DECLS
