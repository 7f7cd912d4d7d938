/* lw-reason-train.c — the reasoner's training stages: CoT-SFT, no-CoT and CoLaR-SFT
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One step: zero the gradients, draw the batch from (seed, step), forward and backward (the
 * token models here, CoLaR in lw-colar-train.c), clip the joint gradient norm of the GPT and
 * the latent head, AdamW on both with the warmup + cosine rate.
 *
 * Two cores: the batch is sorted by length and cut into two parts (_lw_reason_balanced_cut),
 * each padded to its own longest row and weighted by its share of the loss, so the gradient is
 * the whole batch's. With two threads the parts run at once, one on the model and one on a
 * replica with its own gradients (lw_gpt_new_replica), each on one BLAS thread; the replica's
 * gradients are then added to the model's. At these sizes that is about 1.35 times as fast as
 * one pass on two BLAS threads, which scale only the GEMMs. With one thread the same parts run
 * one after the other, so the result does not depend on the thread count.
 */
#define G_LOG_DOMAIN "lw-reason-train"

#include "lw-reasoner-private.h"

#include "lw-blas.h"
#include "lw-error.h"

#include <math.h>
#include <string.h>

struct _LwReasonTrainer
{
  LwReasonTrainConfig config;
  LwReasoner         *model;
  LwAdamW            *opt, *head_opt;
  LwReasonTestSet    *exclude;
  LwColarTrain       *colar;
  LwReasonRl         *rl;
  LwReasonProblem    *problems;  /* [batch] */
  int                *tokens, *targets;  /* [batch, max_t] */
  LwGpt              *replica;   /* the second part's (token models) */
  gboolean            parallel;  /* the two parts at once (during a run with 2+ threads) */
  char               *from;      /* the checkpoint CoLaR started from (base name) */
};

void
lw_reason_train_config_init (LwReasonTrainConfig *c, LwReasonStage stage)
{
  g_return_if_fail (c != NULL);
  memset (c, 0, sizeof *c);
  c->stage = stage;
  lw_reasoner_config_default (&c->model);
  c->steps = stage == LW_REASON_STAGE_COLAR ? 5000 : 2500;
  c->warmup = 100;
  c->lr = 1e-3;
  c->lr_min = 1e-4;
  c->weight_decay = 0.01;
  c->clip = 1.0;
  c->batch = 64;
  c->seed = 1;
  c->speed_mask = 0x1f;
  c->latent_loss = LW_COLAR_LOSS_MSE;
  c->latent_weight = 1.0;
  c->rl_group = 8;
  c->rl_minibatch = 8;
  c->rl_clip = 0.2;
  c->rl_top_p = 0.9;
  c->rl_latent_temperature = 1.0;
  c->rl_token_mean = TRUE;
  c->rl_max_latent = 64;
  if (stage == LW_REASON_STAGE_RL)
    {
      /* 8 questions × 8 rollouts per step; 64 steps ≈ one CoLaR epoch of 512 questions */
      c->steps = 256;
      c->batch = 8;
      c->warmup = 0;
      c->lr = c->lr_min = 1e-5;
      c->weight_decay = 0.0;
    }
}

void
lw_reason_trainer_free (LwReasonTrainer *t)
{
  if (t == NULL)
    return;
  _lw_colar_train_free (t->colar);
  _lw_reason_rl_free (t->rl);
  lw_gpt_free (t->replica);
  lw_adamw_free (t->opt);
  lw_adamw_free (t->head_opt);
  lw_reasoner_free (t->model);
  lw_reason_test_set_free (t->exclude);
  g_free (t->problems);
  g_free (t->tokens);
  g_free (t->targets);
  g_free (t->from);
  g_free (t);
}

static gboolean
check_config (const LwReasonTrainConfig *c, GError **error)
{
  const char *bad = NULL;
  if ((guint) c->stage >= LW_REASON_N_STAGES)
    bad = "unknown stage";
  else if (c->steps < 1 || c->batch < 1 || c->batch > 4096)
    bad = "steps ≥ 1 and batch 1…4096 are required";
  else if (!(c->lr > 0.0 && c->lr < 1.0) || !(c->lr_min >= 0.0 && c->lr_min <= c->lr))
    bad = "learning rate in (0, 1) and 0 ≤ lr_min ≤ lr are required";
  else if (!(c->weight_decay >= 0.0 && c->weight_decay < 1.0) || !(c->clip > 0.0))
    bad = "weight decay in [0, 1) and clip > 0 are required";
  else if (c->stage == LW_REASON_STAGE_COLAR && (c->speed_mask & 0x1f) == 0)
    bad = "no compression factor to draw (speed mask)";
  else if (c->stage == LW_REASON_STAGE_COLAR && c->deterministic &&
           c->latent_loss == LW_COLAR_LOSS_NLL)
    bad = "the deterministic head has no σ for the NLL loss";
  else if (!(c->latent_weight >= 0.0) || !(c->entropy_weight >= 0.0))
    bad = "latent and entropy weights must be ≥ 0";
  else if (c->head_width > LW_COLAR_MAX_HEAD_WIDTH)
    bad = "the latent head's width must be at most 4096";
  else if (c->stage == LW_REASON_STAGE_RL &&
           (c->rl_group < 2 || c->rl_group > 64 || c->rl_minibatch < 1 ||
            c->rl_minibatch > 4096 || c->batch > 512))
    bad = "GRPO needs a group of 2…64 rollouts, a minibatch of 1…4096 and at most 512 "
          "questions per step";
  else if (c->stage == LW_REASON_STAGE_RL &&
           (!(c->rl_clip > 0.0 && c->rl_clip < 1.0) || !(c->rl_top_p > 0.0 && c->rl_top_p <= 1.0) ||
            !(c->rl_latent_temperature > 0.0 && c->rl_latent_temperature <= 10.0) ||
            c->rl_max_latent < 1 || c->rl_max_latent > LW_REASON_T_MAX))
    bad = "GRPO needs a clip ε in (0, 1), top-p in (0, 1], a latent temperature in (0, 10] "
          "and a latent cap of 1…128";
  if (bad == NULL)
    return TRUE;
  g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM, "reasoning training: %s", bad);
  return FALSE;
}

static void put_settings (LwReasonTrainer *t);

/* The curve each step appends to (lw-train-curve.h); latent and log σ are 0 for the token
 * stages, c is 1 for them */
static const char *const curve_fields[] = { "step", "loss", "ce", "latent", "mean_log_sigma",
                                            "grad_norm", "lr", "c", NULL };
/* GRPO's (stage rl): the latent and answer columns are the PPO-clip surrogates */
static const char *const rl_curve_fields[] = { "step", "reward", "accuracy", "mean_latent",
                                               "latent", "answer_loss", "clip_frac",
                                               "grad_norm", "lr", "mean_log_sigma", NULL };

/* The model to train: fresh, resumed, or CoLaR from a CoT checkpoint */
static LwReasoner *
open_model (LwReasonTrainer *t, const char *from, gboolean *resume, GError **error)
{
  const LwReasonTrainConfig *c = &t->config;
  const char *want = lw_reason_stage_name (c->stage);
  *resume = FALSE;
  if (from == NULL)
    {
      if (c->stage == LW_REASON_STAGE_COLAR)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                       "CoLaR training starts from a cot checkpoint (none given)");
          return NULL;
        }
      if (c->model.vocab != LW_REASON_VOCAB_SIZE || c->model.max_t > LW_REASON_T_MAX ||
          c->model.vocab_padded < c->model.vocab || c->model.heads == 0 ||
          c->model.dim % c->model.heads != 0 || c->model.layers == 0)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                       "reasoning training: unsupported model configuration");
          return NULL;
        }
      return lw_reasoner_new (c->stage, &c->model, c->seed);
    }
  g_autoptr (LwReasoner) r = lw_reasoner_load (from, error);
  if (r == NULL)
    return NULL;
  LwReasonStage have = r->stage;
  if (have == c->stage)
    {
      *resume = TRUE;
      return g_steal_pointer (&r);
    }
  if (c->stage == LW_REASON_STAGE_COLAR && have == LW_REASON_STAGE_COT)
    {
      g_autofree char *base = g_path_get_basename (from);
      if (!lw_colar_prepare (r, c->seed, c->head_width, error))
        return NULL;
      lw_reasoner_set_curve (r, NULL);   /* CoLaR records its own curve, not CoT's */
      t->from = g_steal_pointer (&base);
      return g_steal_pointer (&r);
    }
  if (c->stage == LW_REASON_STAGE_RL && have == LW_REASON_STAGE_COLAR)
    {
      const char *det = lw_reasoner_get_meta (r, "lw.reason.colar.deterministic");
      if (det != NULL && strcmp (det, "1") == 0)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "%s: a deterministic-head (-DL) CoLaR model has no σ to explore with; "
                       "GRPO needs a stochastic head", from);
          return NULL;
        }
      r->stage = LW_REASON_STAGE_RL;
      r->steps_trained = 0;
      lw_reasoner_set_curve (r, NULL);   /* GRPO records its own curve */
      t->from = g_path_get_basename (from);
      return g_steal_pointer (&r);
    }
  g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
               c->stage == LW_REASON_STAGE_COLAR
                 ? "%s: a %s checkpoint; stage %s starts from a cot checkpoint or resumes a "
                   "colar one"
               : c->stage == LW_REASON_STAGE_RL
                 ? "%s: a %s checkpoint; stage %s starts from a colar checkpoint or resumes an "
                   "rl one"
                 : "%s: a %s checkpoint; stage %s resumes only from a %s checkpoint",
               from, lw_reason_stage_name (have), want, want);
  return NULL;
}

LwReasonTrainer *
lw_reason_trainer_new (const LwReasonTrainConfig *config, const char *from, GError **error)
{
  g_return_val_if_fail (config != NULL, NULL);
  if (!check_config (config, error))
    return NULL;

  g_autoptr (LwReasonTrainer) t = g_new0 (LwReasonTrainer, 1);
  t->config = *config;
  gboolean resume = FALSE;
  t->model = open_model (t, from, &resume, error);
  if (t->model == NULL)
    return NULL;

  LwReasoner *r = t->model;
  LwNnParams *params = lw_gpt_params (r->gpt);
  LwAdamWConfig ocfg = { .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8,
                         .weight_decay = config->weight_decay };
  t->opt = lw_adamw_new (params, &ocfg);
  if (r->head != NULL)
    {
      t->head_opt = lw_adamw_new (r->head, &ocfg);
      /* the embeddings, and with them the tied LM head, stay as the CoT stage left them
       * (unless asked to train them in CoLaR-SFT) */
      if (r->stage == LW_REASON_STAGE_RL || !config->train_embeddings)
        lw_nn_params_set_trainable (params, (guint) lw_nn_params_find (params, "wte.weight"),
                                    FALSE);
      if (r->stage == LW_REASON_STAGE_RL)
        t->rl = _lw_reason_rl_new (r, config);
      else
        t->colar = _lw_colar_train_new (r, config->batch);
    }
  else
    t->replica = lw_gpt_new_replica (r->gpt);
  if (resume && !_lw_reasoner_load_tensors (r, from, t->opt, t->head_opt, error))
    return NULL;

  put_settings (t);
  const LwGptConfig *mc = lw_gpt_config (r->gpt);
  t->exclude = lw_reason_test_set_new (LW_REASON_TEST_SEED, LW_REASONER_TEST_SIZE);
  t->problems = g_new0 (LwReasonProblem, config->batch);
  t->tokens = g_new0 (int, (gsize) config->batch * mc->max_t);
  t->targets = g_new0 (int, (gsize) config->batch * mc->max_t);
  return g_steal_pointer (&t);
}

guint64
lw_reason_trainer_step (const LwReasonTrainer *t)
{
  g_return_val_if_fail (t != NULL, 0);
  return t->model->steps_trained;
}

LwReasoner *
lw_reason_trainer_get_model (LwReasonTrainer *t)
{
  g_return_val_if_fail (t != NULL, NULL);
  return t->model;
}

guint
_lw_reason_balanced_cut (const guint *lens, guint n)
{
  g_return_val_if_fail (n >= 2, 1);
  guint best = 1;
  gsize best_max = G_MAXSIZE, best_sum = G_MAXSIZE;
  for (guint cut = 1; cut < n; cut++)
    {
      gsize a = (gsize) cut * lens[cut - 1], b = (gsize) (n - cut) * lens[n - 1];
      gsize m = MAX (a, b);
      if (m < best_max || (m == best_max && a + b < best_sum))
        {
          best = cut;
          best_max = m;
          best_sum = a + b;
        }
    }
  return best;
}

/* One part of a token model's batch: forward and backward on gpt, the loss weighted by share */
typedef struct
{
  LwGpt     *gpt;
  gboolean   replica;     /* zero its gradients first */
  const int *tokens, *targets;
  guint      n, T;
  double     share, ce;
} TokenPart;

static void
token_part (gpointer data, gpointer unused)
{
  TokenPart *p = data;
  if (p->replica)
    lw_nn_params_zero_grad (lw_gpt_params (p->gpt));
  p->ce = lw_gpt_forward (p->gpt, p->tokens, NULL, p->targets, p->n, p->T);
  lw_gpt_backward (p->gpt, (float) p->share, NULL);
}

static gint
by_length (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const guint *lens = user_data;
  guint ia = *(const guint *) a, ib = *(const guint *) b;
  if (lens[ia] != lens[ib])
    return lens[ia] < lens[ib] ? -1 : 1;
  return ia < ib ? -1 : 1;
}

void
_lw_reason_order_by_length (guint *order, const guint *lens, guint n)
{
  for (guint i = 0; i < n; i++)
    order[i] = i;
  g_qsort_with_data (order, (gint) n, sizeof *order, by_length, (gpointer) lens);
}

/* Forward and backward of a token model on the batch in t->problems, in two parts (see the
 * top of the file) */
static gboolean
token_step (LwReasonTrainer *t, LwReasonTrainProgress *pr, GError **error)
{
  guint B = t->config.batch;
  LwReasonFormat format = t->config.stage == LW_REASON_STAGE_NO_COT ? LW_REASON_FORMAT_NO_COT
                                                                    : LW_REASON_FORMAT_COT;
  g_autofree LwReasonSequence *seq = g_new (LwReasonSequence, B);
  g_autofree guint *order = g_new (guint, B);
  g_autofree guint *lens = g_new (guint, B), *sorted = g_new (guint, B);
  const LwGptConfig *mc = lw_gpt_config (t->model->gpt);

  for (guint b = 0; b < B; b++)
    {
      if (!lw_reason_sequence_build (&t->problems[b], format, 1, &seq[b], error))
        return FALSE;
      if (seq[b].len > mc->max_t)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                       "reasoning training: a %u-token sequence exceeds the model's context "
                       "of %u", seq[b].len, mc->max_t);
          return FALSE;
        }
      lens[b] = seq[b].len;
    }
  _lw_reason_order_by_length (order, lens, B);
  for (guint b = 0; b < B; b++)
    sorted[b] = lens[order[b]];

  guint cut = B >= 2 ? _lw_reason_balanced_cut (sorted, B) : B;
  TokenPart part[2] = { { t->model->gpt, FALSE }, { t->replica, TRUE } };
  gsize out = 0, labels = 0, part_labels[2] = { 0, 0 };
  for (guint i = 0; i < 2; i++)
    {
      guint first = i == 0 ? 0 : cut, n = i == 0 ? cut : B - cut;
      TokenPart *p = &part[i];
      p->n = n;
      p->T = n > 0 ? sorted[first + n - 1] : 0;
      p->tokens = t->tokens + out;
      p->targets = t->targets + out;
      /* position j predicts token j + 1 where that token is a target; the rest is ignored */
      for (guint k = 0; k < n; k++)
        {
          const LwReasonSequence *sq = &seq[order[first + k]];
          for (guint j = 0; j < p->T; j++, out++)
            {
              t->tokens[out] = sq->ids[j];   /* <pad> after len */
              t->targets[out] = j + 1 < sq->len && sq->target[j + 1] ? sq->ids[j + 1] : -1;
              part_labels[i] += t->targets[out] >= 0;
            }
        }
      labels += part_labels[i];
    }
  for (guint i = 0; i < 2; i++)
    part[i].share = labels > 0 ? (double) part_labels[i] / (double) labels : 0.5;

  if (cut == B)
    token_part (&part[0], NULL);
  else
    {
      lw_blas_run_pair (token_part, &part[0], &part[1], t->parallel);
      lw_nn_params_add_grads (lw_gpt_params (t->model->gpt), lw_gpt_params (t->replica));
    }
  pr->ce = pr->loss = part[0].share * part[0].ce + (cut == B ? 0.0 : part[1].share * part[1].ce);
  return TRUE;
}

guint
_lw_reason_draw_speed (guint speed_mask, LwRng *rng)
{
  guint choices[LW_REASON_MAX_SPEED], n = 0;
  for (guint k = 1; k <= LW_REASON_MAX_SPEED; k++)
    if (speed_mask & (1u << (k - 1)))
      choices[n++] = k;
  g_return_val_if_fail (n > 0, 1);
  return choices[lw_rng_below (rng, n)];
}

static gboolean
train_step (LwReasonTrainer *t, LwReasonTrainProgress *pr, GError **error)
{
  const LwReasonTrainConfig *c = &t->config;
  LwReasoner *r = t->model;
  guint64 step = r->steps_trained;
  LwNnParams *params = lw_gpt_params (r->gpt);

  /* everything random in this step comes from (seed, step) */
  guint64 mix = c->seed * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)
                ^ (step + 1) * G_GUINT64_CONSTANT (0xD1B54A32D192ED03);
  LwRng rng;
  LwReasonStream stream;
  lw_rng_seed (&rng, mix);
  lw_reason_stream_init (&stream, LW_REASON_TRAIN_SEED ^ mix, t->exclude);
  for (guint b = 0; b < c->batch; b++)
    lw_reason_stream_next (&stream, &t->problems[b]);

  pr->speed = 1;
  if (t->rl != NULL)
    {
      pr->lr = lw_lr_warmup_cosine (step, c->warmup, c->steps, c->lr, c->lr_min);
      if (!_lw_reason_rl_step (t->rl, c, t->problems, &rng, t->opt, t->head_opt, pr->lr, pr,
                               error))
        return FALSE;
      r->steps_trained++;
      return TRUE;
    }
  lw_nn_params_zero_grad (params);
  if (r->head != NULL)
    {
      /* one c for the batch as CoLaR draws it, or 0: the step draws one per sequence */
      pr->speed = c->mix_speeds ? 0 : _lw_reason_draw_speed (c->speed_mask, &rng);
      lw_nn_params_zero_grad (r->head);
      if (!_lw_colar_train_step (t->colar, c, t->problems, c->batch, pr->speed, &rng, pr,
                                 error))
        return FALSE;
    }
  else if (!token_step (t, pr, error))
    return FALSE;

  /* clip the joint norm, as clip_grad_norm_ over all trainable tensors does */
  LwNnParams *arenas[] = { params, r->head };
  pr->grad_norm = lw_nn_params_clip_grad_joint (arenas, 2, c->clip);
  pr->lr = lw_lr_warmup_cosine (step, c->warmup, c->steps, c->lr, c->lr_min);
  lw_adamw_step (t->opt, pr->lr);
  if (t->head_opt != NULL)
    lw_adamw_step (t->head_opt, pr->lr);
  r->steps_trained++;
  return TRUE;
}

static void
meta_put (GHashTable *meta, const char *key, char *value /* owned */)
{
  g_hash_table_insert (meta, g_strdup (key), value);
}

static char *
format_double (double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.6g", v));
}

/* The settings into the model's metadata (also read by inference: the deterministic head) */
static void
put_settings (LwReasonTrainer *t)
{
  const LwReasonTrainConfig *c = &t->config;
  GHashTable *m = t->model->meta;

  meta_put (m, "lw.reason.train.steps", g_strdup_printf ("%" G_GUINT64_FORMAT, c->steps));
  meta_put (m, "lw.reason.train.warmup", g_strdup_printf ("%" G_GUINT64_FORMAT, c->warmup));
  meta_put (m, "lw.reason.train.lr", format_double (c->lr));
  meta_put (m, "lw.reason.train.lr_min", format_double (c->lr_min));
  meta_put (m, "lw.reason.train.weight_decay", format_double (c->weight_decay));
  meta_put (m, "lw.reason.train.clip", format_double (c->clip));
  meta_put (m, "lw.reason.train.batch", g_strdup_printf ("%u", c->batch));
  meta_put (m, "lw.reason.train.seed", g_strdup_printf ("%" G_GUINT64_FORMAT, c->seed));
  if (t->model->head != NULL)
    {
      meta_put (m, "lw.reason.colar.speed_mask", g_strdup_printf ("0x%x", c->speed_mask));
      meta_put (m, "lw.reason.colar.loss",
                g_strdup (c->latent_loss == LW_COLAR_LOSS_NLL ? "nll" : "mse"));
      meta_put (m, "lw.reason.colar.latent_weight", format_double (c->latent_weight));
      meta_put (m, "lw.reason.colar.entropy_weight", format_double (c->entropy_weight));
      meta_put (m, "lw.reason.colar.deterministic", g_strdup (c->deterministic ? "1" : "0"));
      meta_put (m, "lw.reason.colar.mean_pool", g_strdup (c->mean_pool ? "1" : "0"));
      meta_put (m, "lw.reason.colar.no_chain_labels",
                g_strdup (c->no_chain_labels ? "1" : "0"));
      if (t->rl == NULL)
        {
          meta_put (m, "lw.reason.colar.mix_speeds", g_strdup (c->mix_speeds ? "1" : "0"));
          meta_put (m, "lw.reason.colar.row_mean", g_strdup (c->row_mean ? "1" : "0"));
          meta_put (m, "lw.reason.colar.train_embeddings",
                    g_strdup (c->train_embeddings ? "1" : "0"));
        }
      if (t->from != NULL)
        meta_put (m, t->rl != NULL ? "lw.reason.rl.from" : "lw.reason.colar.from",
                  g_strdup (t->from));
    }
  if (t->rl != NULL)
    {
      meta_put (m, "lw.reason.rl.group", g_strdup_printf ("%u", c->rl_group));
      meta_put (m, "lw.reason.rl.minibatch", g_strdup_printf ("%u", c->rl_minibatch));
      meta_put (m, "lw.reason.rl.clip", format_double (c->rl_clip));
      meta_put (m, "lw.reason.rl.top_p", format_double (c->rl_top_p));
      meta_put (m, "lw.reason.rl.latent_temperature", format_double (c->rl_latent_temperature));
      meta_put (m, "lw.reason.rl.length_penalty", g_strdup (c->rl_length_penalty ? "1" : "0"));
      meta_put (m, "lw.reason.rl.token_mean", g_strdup (c->rl_token_mean ? "1" : "0"));
      meta_put (m, "lw.reason.rl.max_latent", g_strdup_printf ("%u", c->rl_max_latent));
    }
}

gboolean
lw_reason_trainer_save (LwReasonTrainer *t, const char *path, GError **error)
{
  g_return_val_if_fail (t != NULL && path != NULL, FALSE);
  put_settings (t);
  return _lw_reasoner_save_tensors (t->model, path, t->opt, t->head_opt, error);
}

gboolean
lw_reason_trainer_run (LwReasonTrainer *t, LwReasonTrainFunc func, gpointer user_data,
                       const char *checkpoint, guint checkpoint_every,
                       GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (t != NULL, FALSE);
  const LwReasonTrainConfig *c = &t->config;
  if (c->threads > 0)
    lw_blas_set_threads (c->threads);
  /* two cores: the SFT stages run the batch's two parts at once, each on one BLAS thread */
  guint threads = lw_blas_get_threads ();
  t->parallel = threads >= 2 && t->rl == NULL;
  if (t->colar != NULL)
    _lw_colar_train_set_parallel (t->colar, t->parallel);
  if (t->parallel)
    lw_blas_set_threads (1);
  gint64 t0 = g_get_monotonic_time ();
  guint64 first = t->model->steps_trained;
  gboolean ok = TRUE;
  g_autoptr (GError) local = NULL;

  while (t->model->steps_trained < c->steps)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, &local))
        {
          ok = FALSE;
          break;
        }
      LwReasonTrainProgress pr = { 0 };
      if (!train_step (t, &pr, &local))
        {
          ok = FALSE;
          break;
        }
      guint64 step = t->model->steps_trained;
      pr.step = step;
      pr.steps = c->steps;
      pr.elapsed_s = (double) (g_get_monotonic_time () - t0) * 1e-6;
      pr.eta_s = pr.elapsed_s / (double) (step - first) * (double) (c->steps - step);
      if (!isfinite (pr.loss))
        {
          g_set_error (&local, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "reasoning training diverged at step %" G_GUINT64_FORMAT
                       " (loss is not finite); try a lower learning rate", step);
          ok = FALSE;
          break;
        }
      if (t->rl != NULL)
        {
          const double row[] = { (double) step, pr.reward, pr.accuracy, pr.mean_latent,
                                 pr.latent, pr.answer_loss, pr.clip_frac, pr.grad_norm, pr.lr,
                                 pr.mean_log_sigma };
          lw_train_curve_append (_lw_reasoner_curve_ensure (t->model, rl_curve_fields), row);
        }
      else
        {
          const double row[] = { (double) step, pr.loss, pr.ce, pr.latent, pr.mean_log_sigma,
                                 pr.grad_norm, pr.lr, (double) pr.speed };
          lw_train_curve_append (_lw_reasoner_curve_ensure (t->model, curve_fields), row);
        }
      if (checkpoint != NULL && checkpoint_every > 0 && step % checkpoint_every == 0 &&
          step < c->steps && !lw_reason_trainer_save (t, checkpoint, &local))
        {
          ok = FALSE;
          break;
        }
      if (func != NULL && !func (&pr, user_data))
        {
          g_set_error (&local, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                       "reasoning training stopped at step %" G_GUINT64_FORMAT, step);
          ok = FALSE;
          break;
        }
    }

  /* stopped, cancelled or done, the state is consistent and worth keeping; a failed step
   * (or a diverged one) is not */
  gboolean step_failed = !ok && !g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  if (checkpoint != NULL && !step_failed)
    {
      g_autoptr (GError) save_error = NULL;
      if (!lw_reason_trainer_save (t, checkpoint, &save_error))
        {
          g_clear_error (&local);
          local = g_steal_pointer (&save_error);
          ok = FALSE;
        }
    }
  if (t->parallel)
    lw_blas_set_threads (threads);
  if (!ok)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}
