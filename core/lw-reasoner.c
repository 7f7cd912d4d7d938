/* lw-reasoner.c — the reasoning model: stages, checkpoints, token inference, evaluation
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The training loop is in lw-reason-train.c, CoLaR's parts in lw-colar.c. A CoLaR checkpoint
 * holds two arenas (the GPT's and the head's); they are written and read through one
 * combined arena so lw_nn_checkpoint_save/load's strict checks cover both.
 */
#define G_LOG_DOMAIN "lw-reasoner"

#include "lw-reasoner-private.h"

#include "lw-error.h"
#include "lw-safetensors.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const stage_names[LW_REASON_N_STAGES] = { "cot", "nocot", "colar", "rl" };

const char *
lw_reason_stage_name (LwReasonStage stage)
{
  g_return_val_if_fail ((guint) stage < LW_REASON_N_STAGES, "?");
  return stage_names[stage];
}

gboolean
lw_reason_stage_parse (const char *name, LwReasonStage *stage, GError **error)
{
  g_return_val_if_fail (name != NULL && stage != NULL, FALSE);
  for (guint i = 0; i < LW_REASON_N_STAGES; i++)
    if (strcmp (name, stage_names[i]) == 0)
      {
        *stage = (LwReasonStage) i;
        return TRUE;
      }
  g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
               "unknown reasoning stage '%s' (cot, nocot, colar or rl)", name);
  return FALSE;
}

void
lw_reasoner_config_default (LwGptConfig *config)
{
  g_return_if_fail (config != NULL);
  *config = (LwGptConfig) { .vocab = LW_REASON_VOCAB_SIZE,
                            .vocab_padded = LW_REASON_VOCAB_PADDED,
                            .max_t = LW_REASON_T_MAX, .layers = 4, .heads = 4, .dim = 128 };
}

void
lw_reason_gen_config_init (LwReasonGenConfig *config)
{
  g_return_if_fail (config != NULL);
  *config = (LwReasonGenConfig) { .speed = 1, .temperature = 0.0, .top_p = 1.0,
                                  .latent_temperature = 0.0, .end_mode = LW_REASON_END_ARGMAX,
                                  .max_latent = 64, .max_answer = 16, .seed = 1 };
}

/* ---- the model ----------------------------------------------------------------------------- */

LwReasoner *
_lw_reasoner_new_empty (LwReasonStage stage, const LwGptConfig *config, guint64 seed)
{
  LwReasoner *r = g_new0 (LwReasoner, 1);
  r->stage = stage;
  r->gpt = lw_gpt_new (config, seed);
  r->meta = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return r;
}

LwReasoner *
lw_reasoner_new (LwReasonStage stage, const LwGptConfig *config, guint64 seed)
{
  g_return_val_if_fail (stage == LW_REASON_STAGE_COT || stage == LW_REASON_STAGE_NO_COT, NULL);
  g_return_val_if_fail (config != NULL && config->vocab == LW_REASON_VOCAB_SIZE, NULL);
  g_return_val_if_fail (config->max_t <= LW_REASON_T_MAX, NULL);
  return _lw_reasoner_new_empty (stage, config, seed);
}

void
lw_reasoner_free (LwReasoner *r)
{
  if (r == NULL)
    return;
  lw_gpt_cache_free (r->cache);
  lw_colar_head_free (r->head_run);
  lw_nn_params_free (r->head);
  lw_gpt_free (r->gpt);
  lw_train_curve_free (r->curve);
  g_hash_table_unref (r->meta);
  g_free (r);
}

LwReasonStage
lw_reasoner_stage (const LwReasoner *r)
{
  g_return_val_if_fail (r != NULL, LW_REASON_STAGE_COT);
  return r->stage;
}

LwGpt *
lw_reasoner_gpt (LwReasoner *r)
{
  g_return_val_if_fail (r != NULL, NULL);
  return r->gpt;
}

LwNnParams *
lw_reasoner_head_params (LwReasoner *r)
{
  g_return_val_if_fail (r != NULL, NULL);
  return r->head;
}

double
lw_reasoner_embeds_std (const LwReasoner *r)
{
  g_return_val_if_fail (r != NULL, 0.0);
  return r->embeds_std;
}

guint64
lw_reasoner_steps_trained (const LwReasoner *r)
{
  g_return_val_if_fail (r != NULL, 0);
  return r->steps_trained;
}

const char *
lw_reasoner_get_meta (const LwReasoner *r, const char *key)
{
  g_return_val_if_fail (r != NULL && key != NULL, NULL);
  return g_hash_table_lookup (r->meta, key);
}

void
lw_reasoner_set_meta (LwReasoner *r, const char *key, const char *value)
{
  g_return_if_fail (r != NULL && key != NULL && value != NULL);
  g_hash_table_insert (r->meta, g_strdup (key), g_strdup (value));
}

const LwTrainCurve *
lw_reasoner_curve (const LwReasoner *r)
{
  g_return_val_if_fail (r != NULL, NULL);
  return r->curve;
}

void
lw_reasoner_set_curve (LwReasoner *r, LwTrainCurve *curve)
{
  g_return_if_fail (r != NULL);
  if (curve != r->curve)
    lw_train_curve_free (r->curve);
  r->curve = curve;
}

LwTrainCurve *
_lw_reasoner_curve_ensure (LwReasoner *r, const char *const *fields)
{
  g_return_val_if_fail (r != NULL && fields != NULL, NULL);
  if (r->curve == NULL || !lw_train_curve_has_fields (r->curve, fields))
    lw_reasoner_set_curve (r, lw_train_curve_new (fields));
  return r->curve;
}

LwReasoner *
lw_reasoner_load (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_autoptr (LwReasoner) r = _lw_reasoner_open (path, error);
  if (r == NULL || !_lw_reasoner_load_tensors (r, path, NULL, NULL, error))
    return NULL;
  return g_steal_pointer (&r);
}

gboolean
lw_reasoner_save (LwReasoner *r, const char *path, GError **error)
{
  g_return_val_if_fail (r != NULL && path != NULL, FALSE);
  return _lw_reasoner_save_tensors (r, path, NULL, NULL, error);
}

/* ---- sampling ------------------------------------------------------------------------------ */

void
_lw_reason_softmax (const float *logits, guint vocab, float *probs)
{
  float mx = logits[0];
  for (guint i = 1; i < vocab; i++)
    mx = MAX (mx, logits[i]);
  double sum = 0.0;
  for (guint i = 0; i < vocab; i++)
    {
      probs[i] = expf (logits[i] - mx);
      sum += probs[i];
    }
  for (guint i = 0; i < vocab; i++)
    probs[i] = (float) (probs[i] / sum);
}

static int
compare_prob_desc (const void *a, const void *b, void *probs)
{
  float pa = ((const float *) probs)[*(const guint *) a];
  float pb = ((const float *) probs)[*(const guint *) b];
  if (pa != pb)
    return pa > pb ? -1 : 1;
  return (int) *(const guint *) a - (int) *(const guint *) b;  /* stable on ties */
}

guint
_lw_reason_sample (const float *logits, guint vocab, double temperature, double top_p,
                   LwRng *rng)
{
  g_return_val_if_fail (vocab >= 1 && vocab <= LW_REASON_VOCAB_PADDED, 0);
  if (temperature <= 0.0)
    {
      guint best = 0;
      for (guint i = 1; i < vocab; i++)
        if (logits[i] > logits[best])
          best = i;
      return best;
    }
  float scaled[LW_REASON_VOCAB_PADDED], probs[LW_REASON_VOCAB_PADDED];
  guint order[LW_REASON_VOCAB_PADDED];
  for (guint i = 0; i < vocab; i++)
    {
      scaled[i] = (float) (logits[i] / temperature);
      order[i] = i;
    }
  _lw_reason_softmax (scaled, vocab, probs);
  /* nucleus: the most probable tokens whose mass first reaches top_p */
  guint keep = vocab;
  double mass = 1.0;
  if (top_p < 1.0)
    {
      g_qsort_with_data (order, (gint) vocab, sizeof (guint),
                         (GCompareDataFunc) compare_prob_desc, probs);
      mass = 0.0;
      for (keep = 0; keep < vocab;)
        {
          mass += probs[order[keep++]];
          if (mass >= top_p)
            break;
        }
    }
  double u = lw_rng_uniform (rng) * mass, acc = 0.0;
  for (guint j = 0; j < keep; j++)
    {
      acc += probs[order[j]];
      if (u < acc)
        return order[j];
    }
  return order[keep - 1];
}

/* ---- inference ----------------------------------------------------------------------------- */

static void
run_tokens (LwReasoner *r, const LwReasonToken *prompt, guint n_prompt,
            const LwReasonGenConfig *gen, LwRng *rng, LwReasonRun *run)
{
  const LwGptConfig *cfg = lw_gpt_config (r->gpt);
  float logits[LW_REASON_VOCAB_PADDED];

  for (guint i = 0; i < n_prompt; i++)
    lw_gpt_cache_step (r->cache, prompt[i], NULL, i + 1 == n_prompt ? logits : NULL, NULL);
  run->forward_passes = 1;
  for (;;)
    {
      guint tok = _lw_reason_sample (logits, cfg->vocab, gen->temperature, gen->top_p, rng);
      run->ids[run->n_ids++] = (LwReasonToken) tok;
      if (tok == LW_REASON_TOK_EOS)
        break;
      if (lw_gpt_cache_len (r->cache) >= cfg->max_t)
        {
          run->truncated = TRUE;
          break;
        }
      lw_gpt_cache_step (r->cache, (int) tok, NULL, logits, NULL);
      run->forward_passes++;
    }
  int chain = lw_reason_chain_length (run->ids, run->n_ids);
  run->n_latent = chain > 0 ? (guint) chain : 0;
}

gboolean
_lw_reasoner_run_traced (LwReasoner *r, const LwReasonToken *question, guint n_question,
                         const LwReasonGenConfig *gen, LwReasonRun *run, LwColarTrace *trace,
                         GError **error)
{
  g_return_val_if_fail (r != NULL && gen != NULL && run != NULL, FALSE);
  g_return_val_if_fail (question != NULL || n_question == 0, FALSE);
  g_return_val_if_fail (gen->speed >= 1 && gen->speed <= LW_REASON_MAX_SPEED, FALSE);

  const LwGptConfig *cfg = lw_gpt_config (r->gpt);
  gint64 t0 = g_get_monotonic_time ();
  guint speed = lw_reason_stage_is_latent (r->stage) ? gen->speed : 1;

  memset (run, 0, sizeof *run);
  run->stage = r->stage;
  run->speed = speed;
  for (guint i = 0; i < n_question; i++)
    if (question[i] >= cfg->vocab)
      {
        g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                     "question: token %u at position %u is not in the vocabulary",
                     question[i], i);
        return FALSE;
      }
  /* the prompt and at least the answer's "### Answer: d <eos>" must fit */
  guint n_prompt = lw_reason_prompt (question, n_question, speed, run->ids, cfg->max_t);
  if (n_prompt == 0 || n_prompt + 4 > cfg->max_t)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "question: %u tokens; at most %u fit the model's context of %u", n_question,
                   cfg->max_t - 7, cfg->max_t);
      return FALSE;
    }
  run->n_prompt = run->n_ids = n_prompt;

  if (r->cache == NULL)
    r->cache = lw_gpt_cache_new (r->gpt);
  lw_gpt_cache_reset (r->cache);
  LwRng rng;
  lw_rng_seed (&rng, gen->seed);
  if (lw_reason_stage_is_latent (r->stage))
    _lw_colar_run (r, run->ids, n_prompt, gen, &rng, run, trace);
  else
    run_tokens (r, run->ids, n_prompt, gen, &rng, run);
  run->answered = lw_reason_extract_answer (run->ids, run->n_ids, &run->answer);
  run->ms = (double) (g_get_monotonic_time () - t0) * 1e-3;
  return TRUE;
}
gboolean
lw_reasoner_run (LwReasoner *r, const LwReasonToken *question, guint n_question,
                 const LwReasonGenConfig *gen, LwReasonRun *run, GError **error)
{
  return _lw_reasoner_run_traced (r, question, n_question, gen, run, NULL, error);
}

/* ---- evaluation ---------------------------------------------------------------------------- */

void
lw_reason_eval_from_scores (const LwReasonScore *scores, guint n_seeds, LwReasonEval *out)
{
  g_return_if_fail (scores != NULL && n_seeds >= 1 && out != NULL);
  double acc = 0.0, acc2 = 0.0, steps = 0.0, steps_ok = 0.0, answered = 0.0;
  guint n_steps_ok = 0;
  for (guint s = 0; s < n_seeds; s++)
    {
      double a = lw_reason_score_accuracy (&scores[s]);
      acc += a;
      steps += lw_reason_score_mean_chain (&scores[s]);
      if (scores[s].n_chain_correct > 0)
        {
          steps_ok += lw_reason_score_mean_chain_correct (&scores[s]);
          n_steps_ok++;
        }
      answered += scores[s].n > 0 ? (double) scores[s].n_answered / scores[s].n : 0.0;
    }
  double mean = acc / n_seeds;
  for (guint s = 0; s < n_seeds; s++)
    {
      double d = lw_reason_score_accuracy (&scores[s]) - mean;
      acc2 += d * d;
    }
  out->n_questions = scores[0].n;
  out->n_seeds = n_seeds;
  out->accuracy = mean;
  out->ci95 = n_seeds > 1 ? 1.96 * sqrt (acc2 / (n_seeds - 1)) / sqrt (n_seeds) : 0.0;
  out->answered = answered / n_seeds;
  out->mean_steps = steps / n_seeds;
  out->mean_steps_correct = n_steps_ok > 0 ? steps_ok / n_steps_ok : 0.0;
}

gboolean
lw_reasoner_evaluate (LwReasoner *r, const LwReasonTestSet *set, guint n, guint n_seeds,
                      const LwReasonGenConfig *gen, LwReasonEvalFunc func, gpointer user_data,
                      GCancellable *cancellable, LwReasonEval *out, GError **error)
{
  g_return_val_if_fail (r != NULL && set != NULL && gen != NULL && out != NULL, FALSE);
  g_return_val_if_fail (n >= 1 && n <= lw_reason_test_set_size (set) && n_seeds >= 1, FALSE);

  g_autofree LwReasonScore *scores = g_new0 (LwReasonScore, n_seeds);
  g_autofree LwReasonRun *run = g_new0 (LwReasonRun, 1);
  guint total = n * n_seeds, done = 0;
  double passes = 0.0, ms = 0.0;

  for (guint s = 0; s < n_seeds; s++)
    for (guint i = 0; i < n; i++)
      {
        if (g_cancellable_set_error_if_cancelled (cancellable, error))
          return FALSE;
        const LwReasonProblem *p = lw_reason_test_set_get (set, i);
        LwReasonGenConfig g = *gen;
        /* one stream per question and seed: a question's result does not depend on the
         * questions run before it */
        g.seed = gen->seed + s + (guint64) i * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
        if (!lw_reasoner_run (r, p->question, p->n_question, &g, run, error))
          return FALSE;
        lw_reason_score_add (&scores[s], run->ids, run->n_ids, p->answer,
                             lw_reason_stage_is_latent (r->stage) ? (int) run->n_latent : -1);
        passes += run->forward_passes;
        ms += run->ms;
        done++;
        if (func != NULL && !func (done, total, user_data))
          {
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                         "evaluation stopped after %u of %u runs", done, total);
            return FALSE;
          }
      }
  memset (out, 0, sizeof *out);
  lw_reason_eval_from_scores (scores, n_seeds, out);
  out->stage = r->stage;
  out->speed = lw_reason_stage_is_latent (r->stage) ? gen->speed : 1;
  out->forward_passes = passes / total;
  out->ms_per_question = ms / total;
  return TRUE;
}

/* ---- checkpoints --------------------------------------------------------------------------- */

#define KEY_STAGE "lw.reason.stage"
#define KEY_STEP "lw.reason.step"
#define KEY_LATENT_DIM "lw.reason.model.latent_dim"
#define KEY_EMBEDS_STD "lw.reason.embeds_std"
#define CURVE_KEY_PREFIX "lw.train.curve."

/* tensors in a checkpoint beside the model's and the optimiser's */
static const char *const extra_tensors[] = { LW_TRAIN_CURVE_TENSOR, NULL };

static const struct
{
  const char *key;
  gsize       offset;
  guint       min, max;
} config_keys[] = {
  { "lw.reason.model.vocab", G_STRUCT_OFFSET (LwGptConfig, vocab), LW_REASON_VOCAB_SIZE,
    LW_REASON_VOCAB_SIZE },
  { "lw.reason.model.vocab_padded", G_STRUCT_OFFSET (LwGptConfig, vocab_padded),
    LW_REASON_VOCAB_SIZE, LW_REASON_VOCAB_PADDED },
  { "lw.reason.model.max_t", G_STRUCT_OFFSET (LwGptConfig, max_t), 8, LW_REASON_T_MAX },
  { "lw.reason.model.layers", G_STRUCT_OFFSET (LwGptConfig, layers), 1, 64 },
  { "lw.reason.model.heads", G_STRUCT_OFFSET (LwGptConfig, heads), 1, 64 },
  { "lw.reason.model.dim", G_STRUCT_OFFSET (LwGptConfig, dim), 1, 2048 },
};

static gboolean
meta_uint (LwSafetensors *st, const char *path, const char *key, guint min, guint max,
           guint *out, GError **error)
{
  const char *text = lw_safetensors_metadata (st, key);
  guint64 v = 0;
  if (text == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA, "%s: metadata '%s' is missing", path,
                   key);
      return FALSE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, min, max, &v, NULL))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "%s: metadata '%s' is '%s', a whole number from %u to %u is expected", path,
                   key, text, min, max);
      return FALSE;
    }
  *out = (guint) v;
  return TRUE;
}

LwReasoner *
_lw_reasoner_open (const char *path, GError **error)
{
  g_autoptr (LwSafetensors) st = lw_safetensors_open (path, error);
  if (st == NULL)
    return NULL;

  const char *stage_text = lw_safetensors_metadata (st, KEY_STAGE);
  LwReasonStage stage;
  if (stage_text == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "%s: not a reasoning checkpoint (no '%s' in its metadata)", path, KEY_STAGE);
      return NULL;
    }
  if (!lw_reason_stage_parse (stage_text, &stage, NULL))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "%s: unknown reasoning stage '%s' (cot, nocot, colar or rl)", path, stage_text);
      return NULL;
    }
  LwGptConfig cfg = { 0 };
  for (guint i = 0; i < G_N_ELEMENTS (config_keys); i++)
    if (!meta_uint (st, path, config_keys[i].key, config_keys[i].min, config_keys[i].max,
                    G_STRUCT_MEMBER_P (&cfg, config_keys[i].offset), error))
      return NULL;
  if (cfg.dim % cfg.heads != 0)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "%s: model dimension %u is not a multiple of its %u heads", path, cfg.dim,
                   cfg.heads);
      return NULL;
    }
  guint64 step = 0;
  const char *step_text = lw_safetensors_metadata (st, KEY_STEP);
  if (step_text != NULL && !g_ascii_string_to_unsigned (step_text, 10, 0, G_MAXUINT32, &step,
                                                        NULL))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "%s: metadata '%s' is '%s', not a step count", path, KEY_STEP, step_text);
      return NULL;
    }

  g_autoptr (LwReasoner) r = _lw_reasoner_new_empty (stage, &cfg, 0);
  r->steps_trained = step;
  if (lw_reason_stage_is_latent (stage))
    {
      guint inner = 0;
      if (!meta_uint (st, path, KEY_LATENT_DIM, 1, 8192, &inner, error))
        return NULL;
      const char *std_text = lw_safetensors_metadata (st, KEY_EMBEDS_STD);
      char *end = NULL;
      double std = std_text != NULL ? g_ascii_strtod (std_text, &end) : NAN;
      if (std_text == NULL || end == std_text || *end != '\0' || !isfinite (std) || std <= 0.0)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "%s: metadata '%s' is %s%s%s, a positive number is expected", path,
                       KEY_EMBEDS_STD, std_text ? "'" : "missing", std_text ? std_text : "",
                       std_text ? "'" : "");
          return NULL;
        }
      r->embeds_std = std;
      r->head = lw_nn_params_new ();
      lw_colar_head_declare (r->head, cfg.dim, inner);
      lw_nn_params_allocate (r->head);
    }
  /* the curve's own keys are rewritten from the curve on save; the curve itself is read
   * with the tensors, after the model's have passed */
  for (const char *const *k = lw_safetensors_metadata_keys (st); *k; k++)
    if (!g_str_has_prefix (*k, CURVE_KEY_PREFIX))
      g_hash_table_insert (r->meta, g_strdup (*k), g_strdup (lw_safetensors_metadata (st, *k)));
  return g_steal_pointer (&r);
}

/* One arena holding both the GPT's and the head's tensors, in that order */
static LwNnParams *
combined_new (LwReasoner *r)
{
  LwNnParams *parts[2] = { lw_gpt_params (r->gpt), r->head };
  LwNnParams *c = lw_nn_params_new ();
  for (guint k = 0; k < 2; k++)
    for (guint i = 0; i < lw_nn_params_count (parts[k]); i++)
      lw_nn_params_declare (c, lw_nn_params_name (parts[k], i), lw_nn_params_ndim (parts[k], i),
                            lw_nn_params_shape (parts[k], i));
  lw_nn_params_allocate (c);
  return c;
}

/* Copies values (and optimiser moments when both sides have them) between the model's two
 * arenas and the combined one */
static void
combined_copy (LwReasoner *r, LwNnParams *c, LwAdamW *copt, LwAdamW *opt, LwAdamW *head_opt,
               gboolean into_combined)
{
  LwNnParams *parts[2] = { lw_gpt_params (r->gpt), r->head };
  LwAdamW *opts[2] = { opt, head_opt };
  guint j = 0;
  for (guint k = 0; k < 2; k++)
    for (guint i = 0; i < lw_nn_params_count (parts[k]); i++, j++)
      {
        gsize n = lw_nn_params_numel (parts[k], i) * sizeof (float);
        gsize po = (gsize) (lw_nn_params_value (parts[k], i) - lw_nn_params_values (parts[k]));
        gsize co = (gsize) (lw_nn_params_value (c, j) - lw_nn_params_values (c));
        float *pv = lw_nn_params_value (parts[k], i), *cv = lw_nn_params_value (c, j);
        memcpy (into_combined ? cv : pv, into_combined ? pv : cv, n);
        if (copt != NULL && opts[k] != NULL)
          {
            float *pm = lw_adamw_m (opts[k]) + po, *cm = lw_adamw_m (copt) + co;
            float *pw = lw_adamw_v (opts[k]) + po, *cw = lw_adamw_v (copt) + co;
            memcpy (into_combined ? cm : pm, into_combined ? pm : cm, n);
            memcpy (into_combined ? cw : pw, into_combined ? pw : cw, n);
          }
      }
  if (copt != NULL)
    for (guint k = 0; k < 2; k++)
      if (opts[k] != NULL)
        {
          if (into_combined)
            lw_adamw_set_steps (copt, lw_adamw_steps (opts[k]));
          else
            lw_adamw_set_steps (opts[k], lw_adamw_steps (copt));
        }
}

static const LwAdamWConfig combined_opt_config = { 0.9, 0.999, 1e-8, 0.0 };

/* The file's training curve (none is fine: older files have none) */
static gboolean
load_curve (LwReasoner *r, const char *path, GError **error)
{
  g_autoptr (LwSafetensors) st = lw_safetensors_open (path, error);
  LwTrainCurve *curve = NULL;
  if (st == NULL || !lw_train_curve_read (st, path, &curve, error))
    return FALSE;
  lw_reasoner_set_curve (r, curve);
  return TRUE;
}

gboolean
_lw_reasoner_load_tensors (LwReasoner *r, const char *path, LwAdamW *opt, LwAdamW *head_opt,
                           GError **error)
{
  if (r->head == NULL)
    return lw_nn_checkpoint_load_with (path, lw_gpt_params (r->gpt), opt, NULL, extra_tensors,
                                       error)
           && load_curve (r, path, error);
  g_autoptr (LwNnParams) c = combined_new (r);
  g_autoptr (LwAdamW) copt = opt != NULL ? lw_adamw_new (c, &combined_opt_config) : NULL;
  if (!lw_nn_checkpoint_load_with (path, c, copt, NULL, extra_tensors, error)
      || !load_curve (r, path, error))
    return FALSE;
  combined_copy (r, c, copt, opt, head_opt, FALSE);
  return TRUE;
}

static void
meta_set (GHashTable *meta, const char *key, char *value /* owned */)
{
  g_hash_table_insert (meta, g_strdup (key), value);
}

gboolean
_lw_reasoner_save_tensors (LwReasoner *r, const char *path, LwAdamW *opt, LwAdamW *head_opt,
                           GError **error)
{
  g_autoptr (GHashTable) meta = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, r->meta);
  while (g_hash_table_iter_next (&it, &k, &v))
    if (strcmp (k, "adamw.steps") != 0 && !g_str_has_prefix (k, CURVE_KEY_PREFIX))
      meta_set (meta, k, g_strdup (v));
  g_autoptr (LwSafetensorsWriter) w = lw_safetensors_writer_new ();
  if (r->curve != NULL && lw_train_curve_n_rows (r->curve) > 0)
    lw_train_curve_write (r->curve, w);

  const LwGptConfig *cfg = lw_gpt_config (r->gpt);
  meta_set (meta, KEY_STAGE, g_strdup (lw_reason_stage_name (r->stage)));
  for (guint i = 0; i < G_N_ELEMENTS (config_keys); i++)
    meta_set (meta, config_keys[i].key,
              g_strdup_printf ("%u", G_STRUCT_MEMBER (guint, cfg, config_keys[i].offset)));
  meta_set (meta, KEY_STEP, g_strdup_printf ("%" G_GUINT64_FORMAT, r->steps_trained));
  if (r->head == NULL)
    return lw_nn_checkpoint_save_with (path, lw_gpt_params (r->gpt), opt, meta, w, error);

  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  meta_set (meta, KEY_EMBEDS_STD, g_strdup (g_ascii_dtostr (buf, sizeof buf, r->embeds_std)));
  meta_set (meta, KEY_LATENT_DIM,
            g_strdup_printf ("%" G_GSIZE_FORMAT, lw_nn_params_shape (r->head, 0)[0]));
  g_autoptr (LwNnParams) c = combined_new (r);
  g_autoptr (LwAdamW) copt = opt != NULL ? lw_adamw_new (c, &combined_opt_config) : NULL;
  combined_copy (r, c, copt, opt, head_opt, TRUE);
  return lw_nn_checkpoint_save_with (path, c, copt, meta, w, error);
}
