/* lw-reason-rl.c — GRPO for CoLaR models: rollouts, group advantages, the PPO-clip update
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rules are in lw-reason-rl.h. The rollouts reuse the latent inference of lw-colar.c with
 * a trace of every choice's log-probability; the update re-runs each minibatch of rollouts
 * through the GPT in one batched forward and turns the surrogate's gradient into gradients of
 * the latent head's outputs and of the LM head's logits, both of which end on the final hidden
 * states. The tied LM head's weight is the frozen embedding table, so its own gradient is not
 * formed.
 */
#define G_LOG_DOMAIN "lw-reason-rl"

#include "lw-reason-rl.h"

#include "lw-error.h"
#include "lw-reasoner-private.h"

#include <math.h>
#include <string.h>

/* CoLaR's "masked sum / 32" aggregation when the per-token mean is off */
#define SUM_DIVISOR 32.0

void
lw_reason_group_advantages (const double *rewards, guint n, double *adv)
{
  g_return_if_fail (rewards != NULL && adv != NULL && n >= 1);
  double mean = 0.0, var = 0.0;
  for (guint i = 0; i < n; i++)
    mean += rewards[i];
  mean /= n;
  for (guint i = 0; i < n; i++)
    var += (rewards[i] - mean) * (rewards[i] - mean);
  double std = n > 1 ? sqrt (var / (n - 1)) : 0.0;
  for (guint i = 0; i < n; i++)
    adv[i] = (rewards[i] - mean) / (std + 1e-8);
}

double
lw_reason_ppo_term (double logp, double logp_old, double advantage, double eps, double *dlogp,
                    gboolean *clipped)
{
  double rho = exp (logp - logp_old);
  double plain = rho * advantage;
  double clamped = CLAMP (rho, 1.0 - eps, 1.0 + eps) * advantage;
  if (plain <= clamped)
    {
      *dlogp = -plain;     /* d(−ρA)/d log p = −ρA */
      *clipped = FALSE;
      return -plain;
    }
  *dlogp = 0.0;
  *clipped = TRUE;
  return -clamped;
}

/* ---- the workspace ------------------------------------------------------------------------- */

typedef struct
{
  LwReasonRun  run;
  LwColarTrace trace;
  double       reward, advantage;
} Rollout;

struct _LwReasonRl
{
  LwReasoner  *r;            /* not owned */
  LwColarHead *head;
  guint        n_rollouts;   /* questions × group */
  Rollout     *rollouts;
  float       *z;            /* [n_rollouts, T_MAX, d]: the traces' latents */
  guint        cap;          /* minibatch rows */
  float       *embeds, *dhidden;    /* [minibatch · T_MAX, d] */
  float       *x, *dmu, *dls, *dx;  /* [minibatch · T_MAX, d]: latent positions */
  int         *rows;                /* latent k of the minibatch → its hidden row */
};

LwReasonRl *
_lw_reason_rl_new (LwReasoner *r, const LwReasonTrainConfig *config)
{
  g_return_val_if_fail (r != NULL && r->head != NULL && config != NULL, NULL);
  LwReasonRl *rl = g_new0 (LwReasonRl, 1);
  const LwGptConfig *cfg = lw_gpt_config (r->gpt);
  gsize C = cfg->dim, T = cfg->max_t;
  rl->r = r;
  rl->head = lw_colar_head_new (r->head);
  rl->n_rollouts = config->batch * config->rl_group;
  rl->rollouts = g_new0 (Rollout, rl->n_rollouts);
  rl->z = g_new (float, (gsize) rl->n_rollouts * LW_REASON_T_MAX * C);
  for (guint i = 0; i < rl->n_rollouts; i++)
    rl->rollouts[i].trace.z = rl->z + (gsize) i * LW_REASON_T_MAX * C;
  rl->cap = config->rl_minibatch;
  gsize rows = (gsize) rl->cap * T;
  rl->embeds = g_new (float, rows * C);
  rl->dhidden = g_new (float, rows * C);
  rl->x = g_new (float, rows * C);
  rl->dmu = g_new (float, rows * C);
  rl->dls = g_new (float, rows * C);
  rl->dx = g_new (float, rows * C);
  rl->rows = g_new (int, rows);
  return rl;
}

void
_lw_reason_rl_free (LwReasonRl *rl)
{
  if (rl == NULL)
    return;
  lw_colar_head_free (rl->head);
  g_free (rl->rollouts);
  g_free (rl->z);
  g_free (rl->embeds);
  g_free (rl->dhidden);
  g_free (rl->x);
  g_free (rl->dmu);
  g_free (rl->dls);
  g_free (rl->dx);
  g_free (rl->rows);
  g_free (rl);
}

/* Positions of rollout o's re-forward: the prompt, the latents, then ### and the answer
 * tokens but the last (which predicts nothing) */
static guint
rollout_len (const Rollout *o)
{
  return o->run.n_prompt + o->run.n_latent + o->trace.n_answer - 1;
}

static gboolean
rollout_usable (const Rollout *o, guint max_t)
{
  return o->advantage != 0.0 && o->run.n_latent >= 1 && o->trace.n_answer >= 1 &&
         o->run.n_prompt + o->trace.n_answer <= o->run.n_ids &&
         rollout_len (o) <= max_t;
}

/* The loss weight of each of rollout o's terms in a minibatch of n: the mean over its latents
 * and answer tokens, or their sum / 32; then the mean over the minibatch */
static double
term_weight (const LwReasonTrainConfig *config, const Rollout *o, guint n)
{
  double terms = config->rl_token_mean ? o->run.n_latent + o->trace.n_answer : SUM_DIVISOR;
  return 1.0 / (terms * n);
}

typedef struct
{
  double latent, answer;     /* surrogate sums, each term weighted as in the loss */
  guint  terms, clipped;
} Surrogate;

/* Forward, surrogate and backward of rollouts list[0 … n); gradients ADD into the arenas */
static void
minibatch_backward (LwReasonRl *rl, const LwReasonTrainConfig *config, Rollout **list, guint n,
                    Surrogate *sur)
{
  LwReasoner *r = rl->r;
  LwNnParams *gp = lw_gpt_params (r->gpt);
  const LwGptConfig *cfg = lw_gpt_config (r->gpt);
  const float *wte = lw_nn_params_value (gp, (guint) lw_nn_params_find (gp, "wte.weight"));
  gsize C = cfg->dim, Vp = cfg->vocab_padded;
  guint V = cfg->vocab, T = 0;
  double eps = config->rl_clip;

  for (guint b = 0; b < n; b++)
    T = MAX (T, rollout_len (list[b]));
  gsize N = (gsize) n * T, K = 0;
  memset (rl->embeds, 0, N * C * sizeof (float));
  for (guint b = 0; b < n; b++)
    {
      const Rollout *o = list[b];
      float *row = rl->embeds + (gsize) b * T * C;
      guint P = o->run.n_prompt, L = o->run.n_latent, A = o->trace.n_answer;
      for (guint j = 0; j < P; j++)
        memcpy (row + (gsize) j * C, wte + (gsize) o->run.ids[j] * C, C * sizeof (float));
      for (guint k = 0; k < L; k++, K++)
        {
          const float *z = o->trace.z + (gsize) k * C;
          for (gsize i = 0; i < C; i++)
            row[(P + k) * C + i] = (float) (z[i] * r->embeds_std);
          rl->rows[K] = (int) ((gsize) b * T + P - 1 + k);   /* latent k is predicted here */
        }
      for (guint j = 0; j + 1 < A; j++)
        memcpy (row + (gsize) (P + L + j) * C, wte + (gsize) o->run.ids[P + j] * C,
                C * sizeof (float));
    }

  lw_gpt_forward (r->gpt, NULL, rl->embeds, NULL, n, T);
  const float *hidden = lw_gpt_hidden (r->gpt);
  const float *logits = lw_gpt_logits (r->gpt);
  memset (rl->dhidden, 0, N * C * sizeof (float));

  /* latents: log N(z; μ, σ) under the current head */
  for (gsize k = 0; k < K; k++)
    memcpy (rl->x + k * C, hidden + (gsize) rl->rows[k] * C, C * sizeof (float));
  lw_colar_head_forward (rl->head, rl->x, K);
  const float *mu = lw_colar_head_mean (rl->head);
  const float *ls = lw_colar_head_log_std (rl->head);
  K = 0;
  for (guint b = 0; b < n; b++)
    {
      const Rollout *o = list[b];
      double w = term_weight (config, o, n);
      for (guint k = 0; k < o->run.n_latent; k++, K++)
        {
          const float *z = o->trace.z + (gsize) k * C;
          const float *m = mu + K * C, *s = ls + K * C;
          double logp = _lw_colar_latent_logp (m, s, z, (guint) C), d;
          gboolean clipped;
          double term = lw_reason_ppo_term (logp, o->trace.latent_logp[k], o->advantage, eps,
                                            &d, &clipped);
          sur->latent += w * term;
          sur->terms++;
          sur->clipped += clipped;
          /* d log p / dμ = (z − μ)/σ² / d;  d log p / d log σ = (((z − μ)/σ)² − 1) / d */
          double g = d * w / (double) C;
          for (gsize i = 0; i < C; i++)
            {
              double inv = exp (-(double) s[i]);
              double u = ((double) z[i] - m[i]) * inv;
              rl->dmu[K * C + i] = (float) (g * u * inv);
              rl->dls[K * C + i] = (float) (g * (u * u - 1.0));
            }
        }
    }
  memset (rl->dx, 0, K * C * sizeof (float));
  lw_colar_head_backward (rl->head, rl->dmu, rl->dls, rl->dx);
  for (gsize k = 0; k < K; k++)
    {
      float *dh = rl->dhidden + (gsize) rl->rows[k] * C;
      for (gsize i = 0; i < C; i++)
        dh[i] += rl->dx[k * C + i];
    }

  /* answer tokens: log-softmax of the LM head; the gradient reaches the hidden state through
   * the tied head, logits = h · wteᵀ */
  for (guint b = 0; b < n; b++)
    {
      const Rollout *o = list[b];
      guint P = o->run.n_prompt, L = o->run.n_latent, A = o->trace.n_answer;
      double w = term_weight (config, o, n);
      for (guint j = 0; j < A; j++)
        {
          gsize pos = (gsize) b * T + P + L + j - 1;
          const float *lg = logits + pos * Vp;
          float probs[LW_REASON_VOCAB_PADDED];
          guint tok = o->run.ids[P + j];
          _lw_reason_softmax (lg, V, probs);
          double logp = log (MAX (probs[tok], 1e-30f)), d;
          gboolean clipped;
          double term = lw_reason_ppo_term (logp, o->trace.answer_logp[j], o->advantage, eps,
                                            &d, &clipped);
          sur->answer += w * term;
          sur->terms++;
          sur->clipped += clipped;
          if (d == 0.0)
            continue;
          /* d log p / d logit_v = [v = tok] − p_v */
          float *dh = rl->dhidden + pos * C;
          for (guint v = 0; v < V; v++)
            {
              float gl = (float) (d * w * ((v == tok ? 1.0 : 0.0) - probs[v]));
              const float *e = wte + (gsize) v * C;
              for (gsize i = 0; i < C; i++)
                dh[i] += gl * e[i];
            }
        }
    }
  lw_gpt_backward (r->gpt, 0.0f, rl->dhidden);
}

gboolean
_lw_reason_rl_rollouts (LwReasonRl *rl, const LwReasonTrainConfig *config,
                        const LwReasonProblem *problems, LwRng *rng,
                        LwReasonTrainProgress *pr, GError **error)
{
  LwReasoner *r = rl->r;
  guint Q = config->batch, G = config->rl_group;

  /* 1–2: rollouts */
  double reward_sum = 0.0, correct = 0.0, latents = 0.0;
  for (guint q = 0; q < Q; q++)
    {
      LwReasonGenConfig gen;
      lw_reason_gen_config_init (&gen);
      gen.speed = _lw_reason_draw_speed (config->speed_mask, rng);
      gen.temperature = 1.0;
      gen.top_p = config->rl_top_p;
      gen.latent_temperature = config->rl_latent_temperature;
      gen.end_mode = LW_REASON_END_SAMPLE;
      gen.max_latent = config->rl_max_latent;
      double rewards[64], adv[64];
      for (guint g = 0; g < G; g++)
        {
          Rollout *o = &rl->rollouts[q * G + g];
          gen.seed = lw_rng_next (rng);
          if (!_lw_reasoner_run_traced (r, problems[q].question, problems[q].n_question, &gen,
                                        &o->run, &o->trace, error))
            return FALSE;
          gboolean right = o->run.answered && o->run.answer == problems[q].answer;
          o->reward = right ? 1.0 : 0.0;
          if (config->rl_length_penalty && o->run.n_latent > 0)
            o->reward /= o->run.n_latent;
          rewards[g] = o->reward;
          reward_sum += o->reward;
          correct += right;
          latents += o->run.n_latent;
        }
      lw_reason_group_advantages (rewards, G, adv);
      for (guint g = 0; g < G; g++)
        rl->rollouts[q * G + g].advantage = adv[g];
    }
  pr->reward = reward_sum / (Q * G);
  pr->accuracy = correct / (Q * G);
  pr->mean_latent = latents / (Q * G);
  return TRUE;
}

void
_lw_reason_rl_set_advantage (LwReasonRl *rl, guint i, double advantage)
{
  g_return_if_fail (rl != NULL && i < rl->n_rollouts);
  rl->rollouts[i].advantage = advantage;
}

double
_lw_reason_rl_surrogate (LwReasonRl *rl, const LwReasonTrainConfig *config, guint first,
                         guint n)
{
  g_return_val_if_fail (rl != NULL && n >= 1 && n <= rl->cap && first + n <= rl->n_rollouts,
                        NAN);
  g_autofree Rollout **list = g_new (Rollout *, n);
  for (guint i = 0; i < n; i++)
    {
      list[i] = &rl->rollouts[first + i];
      g_return_val_if_fail (rollout_usable (list[i], lw_gpt_config (rl->r->gpt)->max_t), NAN);
    }
  Surrogate sur = { 0 };
  minibatch_backward (rl, config, list, n, &sur);
  return sur.latent + sur.answer;
}

gboolean
_lw_reason_rl_step (LwReasonRl *rl, const LwReasonTrainConfig *config,
                    const LwReasonProblem *problems, LwRng *rng, LwAdamW *opt,
                    LwAdamW *head_opt, double lr, LwReasonTrainProgress *pr, GError **error)
{
  LwReasoner *r = rl->r;
  LwNnParams *gp = lw_gpt_params (r->gpt);
  const LwGptConfig *cfg = lw_gpt_config (r->gpt);
  if (!_lw_reason_rl_rollouts (rl, config, problems, rng, pr, error))
    return FALSE;

  /* 3–4: one pass of minibatch updates over the rollouts that carry a signal */
  g_autofree Rollout **list = g_new (Rollout *, rl->n_rollouts);
  guint n_list = 0;
  for (guint i = 0; i < rl->n_rollouts; i++)
    if (rollout_usable (&rl->rollouts[i], cfg->max_t))
      list[n_list++] = &rl->rollouts[i];
  g_debug ("GRPO: %u of %u rollouts carry a signal", n_list, rl->n_rollouts);
  Surrogate sur = { 0 };
  double norm_sum = 0.0, log_sigma = 0.0;
  guint updates = 0;
  for (guint start = 0; start < n_list; start += rl->cap)
    {
      guint n = MIN (rl->cap, n_list - start);
      lw_nn_params_zero_grad (gp);
      lw_nn_params_zero_grad (r->head);
      minibatch_backward (rl, config, list + start, n, &sur);
      LwNnParams *arenas[] = { gp, r->head };
      double norm = lw_nn_params_clip_grad_joint (arenas, 2, config->clip);
      if (!isfinite (norm))
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "GRPO: the gradient is not finite; try a lower learning rate");
          return FALSE;
        }
      lw_adamw_step (opt, lr);
      lw_adamw_step (head_opt, lr);
      norm_sum += norm;
      updates++;
      const float *ls = lw_colar_head_log_std (rl->head);
      gsize count = 0;
      double sum = 0.0;
      for (guint b = 0; b < n; b++)
        count += list[start + b]->run.n_latent;
      for (gsize i = 0; i < count * cfg->dim; i++)
        sum += ls[i];
      log_sigma += count > 0 ? sum / (double) (count * cfg->dim) : 0.0;
    }
  /* the surrogate sums are per minibatch means; report their mean over the updates */
  pr->latent = updates > 0 ? sur.latent / updates : 0.0;
  pr->answer_loss = updates > 0 ? sur.answer / updates : 0.0;
  pr->loss = pr->latent + pr->answer_loss;
  pr->clip_frac = sur.terms > 0 ? (double) sur.clipped / sur.terms : 0.0;
  pr->grad_norm = updates > 0 ? norm_sum / updates : 0.0;
  pr->mean_log_sigma = updates > 0 ? log_sigma / updates : 0.0;
  pr->ce = 0.0;
  return TRUE;
}
