/* lw-colar.c — CoLaR: merged chain embeddings, the latent head and loss, the SFT step and
 * latent inference on the tiny reasoner
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-colar"

#include "lw-reasoner-private.h"

#include "lw-error.h"
#include "lw-nn-ops.h"

#include <math.h>
#include <string.h>

#define LN_EPS 1e-5f
#define MERGE_EPS 1e-5   /* the released code's √n + 1e-5 */
#define DL_SIGMA 1e-9    /* the deterministic head's σ */

/* ---- merging ------------------------------------------------------------------------------- */

guint
lw_colar_n_groups (guint n_chain, guint c)
{
  g_return_val_if_fail (n_chain >= 1 && c >= 1, 0);
  return 1 + (n_chain - 1 + c - 1) / c;
}

guint
lw_colar_group_tokens (const LwReasonToken *chain, guint n_chain, guint c, guint k,
                       LwReasonToken *out)
{
  g_return_val_if_fail (chain != NULL && n_chain >= 1 && c >= 1, 0);
  if (k == 0)
    {
      out[0] = chain[0];
      return 1;
    }
  /* c − 1 pads on the left put chain token i in padded slot c − 1 + i, group (c − 1 + i)/c */
  guint first = (k - 1) * c + 1, n = 0;
  for (guint i = first; i < n_chain && i < first + c; i++)
    out[n++] = chain[i];
  return n;
}

float
lw_colar_merge_scale (guint n, gboolean mean_pool)
{
  g_return_val_if_fail (n >= 1, 0.0f);
  return (float) (1.0 / (mean_pool ? (double) n : sqrt ((double) n) + MERGE_EPS));
}

guint
lw_colar_merge (const float *wte, gsize dim, const LwReasonToken *chain, guint n_chain, guint c,
                gboolean mean_pool, float *out)
{
  g_return_val_if_fail (wte != NULL && chain != NULL && out != NULL, 0);
  guint groups = lw_colar_n_groups (n_chain, c);
  LwReasonToken tok[LW_REASON_MAX_SPEED * 4];
  g_return_val_if_fail (c <= G_N_ELEMENTS (tok), 0);
  for (guint k = 0; k < groups; k++)
    {
      guint n = lw_colar_group_tokens (chain, n_chain, c, k, tok);
      float *o = out + k * dim;
      memset (o, 0, dim * sizeof (float));
      for (guint j = 0; j < n; j++)
        lw_nn_accumulate (o, wte + (gsize) tok[j] * dim, dim);
      float s = lw_colar_merge_scale (n, mean_pool);
      for (gsize i = 0; i < dim; i++)
        o[i] *= s;
    }
  return groups;
}

/* ---- latent head --------------------------------------------------------------------------- */

enum { FC1W, FC1B, FC2W, FC2B, LNW, LNB, MUW, MUB, LSW, LSB, N_HEAD };

static const char *const head_names[N_HEAD] = {
  "latent.fc1.weight", "latent.fc1.bias", "latent.fc2.weight", "latent.fc2.bias",
  "latent.ln.weight", "latent.ln.bias", "latent.mean.weight", "latent.mean.bias",
  "latent.log_std.weight", "latent.log_std.bias",
};

void
lw_colar_head_declare (LwNnParams *p, guint dim, guint inner)
{
  g_return_if_fail (p != NULL && dim >= 1 && inner >= 1);
  const gsize shapes[N_HEAD][2] = {
    { inner, dim }, { inner, 0 }, { inner, inner }, { inner, 0 }, { inner, 0 }, { inner, 0 },
    { dim, inner }, { dim, 0 }, { dim, inner }, { dim, 0 },
  };
  for (guint i = 0; i < N_HEAD; i++)
    lw_nn_params_declare (p, head_names[i], shapes[i][1] ? 2 : 1, shapes[i]);
}

void
lw_colar_head_init (LwNnParams *p, LwRng *rng)
{
  g_return_if_fail (p != NULL && rng != NULL);
  const guint linears[4][2] = { { FC1W, FC1B }, { FC2W, FC2B }, { MUW, MUB }, { LSW, LSB } };
  for (guint k = 0; k < 4; k++)
    {
      guint w = (guint) lw_nn_params_find (p, head_names[linears[k][0]]);
      guint b = (guint) lw_nn_params_find (p, head_names[linears[k][1]]);
      double bound = 1.0 / sqrt ((double) lw_nn_params_shape (p, w)[1]);
      lw_nn_params_init_uniform (p, w, bound, rng);
      lw_nn_params_init_uniform (p, b, bound, rng);
    }
  lw_nn_params_init_constant (p, (guint) lw_nn_params_find (p, head_names[LNW]), 1.0f);
  lw_nn_params_init_constant (p, (guint) lw_nn_params_find (p, head_names[LNB]), 0.0f);
}

struct _LwColarHead
{
  LwNnParams *p;
  guint idx[N_HEAD];
  guint dim, inner;
  gsize cap, n;
  float *x, *a1, *g, *a2, *u, *mean, *rstd, *mu, *ls;
  float *du, *da2, *dg, *da1;
};

LwColarHead *
lw_colar_head_new (LwNnParams *p)
{
  g_return_val_if_fail (p != NULL, NULL);
  LwColarHead *h = g_new0 (LwColarHead, 1);
  h->p = p;
  for (guint i = 0; i < N_HEAD; i++)
    {
      int k = lw_nn_params_find (p, head_names[i]);
      g_return_val_if_fail (k >= 0, (g_free (h), NULL));
      h->idx[i] = (guint) k;
    }
  h->inner = (guint) lw_nn_params_shape (p, h->idx[FC1W])[0];
  h->dim = (guint) lw_nn_params_shape (p, h->idx[FC1W])[1];
  return h;
}

static void
head_buffers_free (LwColarHead *h)
{
  float **bufs[] = { &h->x, &h->a1, &h->g, &h->a2, &h->u, &h->mean, &h->rstd, &h->mu, &h->ls,
                     &h->du, &h->da2, &h->dg, &h->da1 };
  for (guint i = 0; i < G_N_ELEMENTS (bufs); i++)
    g_clear_pointer (bufs[i], g_free);
}

void
lw_colar_head_free (LwColarHead *h)
{
  if (h == NULL)
    return;
  head_buffers_free (h);
  g_free (h);
}

guint
lw_colar_head_dim (const LwColarHead *h)
{
  return h->dim;
}

guint
lw_colar_head_inner (const LwColarHead *h)
{
  return h->inner;
}

#define HW(i) lw_nn_params_value (h->p, h->idx[i])
#define HG(i) lw_nn_params_grad (h->p, h->idx[i])

void
lw_colar_head_forward (LwColarHead *h, const float *x, gsize n)
{
  g_return_if_fail (h != NULL && x != NULL && n >= 1);
  gsize d = h->dim, di = h->inner;
  if (n > h->cap)
    {
      head_buffers_free (h);
      h->x = g_new (float, n * d);
      h->a1 = g_new (float, n * di);
      h->g = g_new (float, n * di);
      h->a2 = g_new (float, n * di);
      h->u = g_new (float, n * di);
      h->mean = g_new (float, n);
      h->rstd = g_new (float, n);
      h->mu = g_new (float, n * d);
      h->ls = g_new (float, n * d);
      h->du = g_new (float, n * di);
      h->da2 = g_new (float, n * di);
      h->dg = g_new (float, n * di);
      h->da1 = g_new (float, n * di);
      h->cap = n;
    }
  h->n = n;
  memcpy (h->x, x, n * d * sizeof (float));
  lw_nn_linear_forward (h->a1, x, HW (FC1W), HW (FC1B), n, d, di);
  lw_nn_gelu_forward (h->g, h->a1, n * di);
  lw_nn_linear_forward (h->a2, h->g, HW (FC2W), HW (FC2B), n, di, di);
  lw_nn_layernorm_forward (h->u, h->mean, h->rstd, h->a2, HW (LNW), HW (LNB), n, di, LN_EPS);
  lw_nn_linear_forward (h->mu, h->u, HW (MUW), HW (MUB), n, di, d);
  lw_nn_linear_forward (h->ls, h->u, HW (LSW), HW (LSB), n, di, d);
}

const float *
lw_colar_head_mean (const LwColarHead *h)
{
  return h->mu;
}

const float *
lw_colar_head_log_std (const LwColarHead *h)
{
  return h->ls;
}

void
lw_colar_head_backward (LwColarHead *h, const float *dmean, const float *dlog_std, float *dx)
{
  g_return_if_fail (h != NULL && h->n > 0 && dmean != NULL);
  gsize n = h->n, d = h->dim, di = h->inner;
  memset (h->du, 0, n * di * sizeof (float));
  lw_nn_linear_backward (h->du, HG (MUW), HG (MUB), dmean, h->u, HW (MUW), n, di, d);
  if (dlog_std != NULL)
    lw_nn_linear_backward (h->du, HG (LSW), HG (LSB), dlog_std, h->u, HW (LSW), n, di, d);
  memset (h->da2, 0, n * di * sizeof (float));
  lw_nn_layernorm_backward (h->da2, HG (LNW), HG (LNB), h->du, h->a2, h->mean, h->rstd,
                            HW (LNW), n, di);
  memset (h->dg, 0, n * di * sizeof (float));
  lw_nn_linear_backward (h->dg, HG (FC2W), HG (FC2B), h->da2, h->g, HW (FC2W), n, di, di);
  memset (h->da1, 0, n * di * sizeof (float));
  lw_nn_gelu_backward (h->da1, h->dg, h->a1, n * di);
  lw_nn_linear_backward (dx, HG (FC1W), HG (FC1B), h->da1, h->x, HW (FC1W), n, d, di);
}

/* ---- latent loss --------------------------------------------------------------------------- */

double
lw_colar_latent_loss (LwColarLoss kind, gboolean deterministic, double weight,
                      double entropy_weight, const float *mean, const float *log_std,
                      const float *noise, const float *target, gsize n, gsize dim, float *dmean,
                      float *dlog_std, LwColarLossParts *parts)
{
  g_return_val_if_fail (mean != NULL && noise != NULL && target != NULL && dmean != NULL, 0.0);
  g_return_val_if_fail (deterministic || (log_std != NULL && dlog_std != NULL), 0.0);
  g_return_val_if_fail (!(deterministic && kind == LW_COLAR_LOSS_NLL), 0.0);
  gsize N = n * dim;
  double latent = 0.0, log_sigma_sum = 0.0;
  const double half_log_2pi = 0.5 * log (2.0 * G_PI);
  const double inv = 1.0 / (double) N;

  for (gsize i = 0; i < N; i++)
    {
      double mu = mean[i], t = target[i], e = noise[i];
      double ls = deterministic ? log (DL_SIGMA) : log_std[i];
      double sigma = deterministic ? DL_SIGMA : exp (ls);
      double dmu, dls;
      if (kind == LW_COLAR_LOSS_MSE)
        {
          /* the reparameterised sample z = μ + σ·ε */
          double diff = mu + sigma * e - t;
          latent += diff * diff;
          dmu = 2.0 * diff;
          dls = 2.0 * diff * sigma * e;
        }
      else
        {
          double r = (t - mu) / sigma;
          latent += ls + half_log_2pi + 0.5 * r * r;
          dmu = -r / sigma;
          dls = 1.0 - r * r;
        }
      log_sigma_sum += ls;
      dmean[i] = (float) (weight * dmu * inv);
      if (!deterministic)
        /* the entropy ½·log(2πe) + log σ enters with −entropy_weight */
        dlog_std[i] = (float) ((weight * dls - entropy_weight) * inv);
    }
  LwColarLossParts p = { 0 };
  p.latent = latent * inv;
  p.mean_log_sigma = log_sigma_sum * inv;
  p.entropy = 0.5 * log (2.0 * G_PI * G_E) + p.mean_log_sigma;
  p.total = weight * p.latent - entropy_weight * p.entropy;
  if (parts != NULL)
    *parts = p;
  return p.total;
}

/* ---- the model ----------------------------------------------------------------------------- */

static int
find_param (LwNnParams *p, const char *name)
{
  int i = lw_nn_params_find (p, name);
  g_assert (i >= 0);
  return i;
}

double
lw_colar_measure_embeds_std (LwGpt *gpt)
{
  g_return_val_if_fail (gpt != NULL, 0.0);
  LwNnParams *p = lw_gpt_params (gpt);
  const float *w = lw_nn_params_value (p, (guint) find_param (p, "wte.weight"));
  gsize n = (gsize) lw_gpt_config (gpt)->vocab * lw_gpt_config (gpt)->dim;
  double s = 0.0, s2 = 0.0;
  for (gsize i = 0; i < n; i++)
    s += w[i];
  double mean = s / n;
  for (gsize i = 0; i < n; i++)
    s2 += (w[i] - mean) * (w[i] - mean);
  return sqrt (s2 / n);
}

gboolean
lw_colar_prepare (LwReasoner *r, guint64 seed, guint head_width, GError **error)
{
  g_return_val_if_fail (r != NULL, FALSE);
  if (r->stage != LW_REASON_STAGE_COT || r->head != NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "CoLaR starts from a cot model, not a %s one", lw_reason_stage_name (r->stage));
      return FALSE;
    }
  guint dim = lw_gpt_config (r->gpt)->dim;
  r->embeds_std = lw_colar_measure_embeds_std (r->gpt);
  r->head = lw_nn_params_new ();
  lw_colar_head_declare (r->head, dim, head_width > 0 ? head_width : dim);
  lw_nn_params_allocate (r->head);
  LwRng rng;
  lw_rng_seed (&rng, seed ^ G_GUINT64_CONSTANT (0xC01A4C01A4C01A4));
  lw_colar_head_init (r->head, &rng);

  /* the CoT stage's settings no longer describe this model; keep only where it came from */
  g_autofree char *cot_steps = g_strdup_printf ("%" G_GUINT64_FORMAT, r->steps_trained);
  g_hash_table_remove_all (r->meta);
  g_hash_table_insert (r->meta, g_strdup ("lw.reason.colar.cot_steps"),
                       g_steal_pointer (&cot_steps));
  r->stage = LW_REASON_STAGE_COLAR;
  r->steps_trained = 0;
  return TRUE;
}

void
lw_colar_nearest (LwGpt *gpt, const float *v, guint k, LwReasonToken *tokens, float *cosines)
{
  g_return_if_fail (gpt != NULL && v != NULL && k >= 1 && k <= 8);
  LwNnParams *p = lw_gpt_params (gpt);
  const float *w = lw_nn_params_value (p, (guint) find_param (p, "wte.weight"));
  guint V = lw_gpt_config (gpt)->vocab, C = lw_gpt_config (gpt)->dim;
  double vn = 0.0;
  for (guint i = 0; i < C; i++)
    vn += (double) v[i] * v[i];
  vn = sqrt (vn) + 1e-12;
  for (guint j = 0; j < k; j++)
    {
      tokens[j] = 0;
      cosines[j] = -2.0f;
    }
  for (guint t = 0; t < V; t++)
    {
      double dot = 0.0, wn = 0.0;
      for (guint i = 0; i < C; i++)
        {
          dot += (double) v[i] * w[(gsize) t * C + i];
          wn += (double) w[(gsize) t * C + i] * w[(gsize) t * C + i];
        }
      float cs = (float) (dot / (vn * (sqrt (wn) + 1e-12)));
      /* insertion into the sorted top k */
      guint j = k;
      while (j > 0 && cosines[j - 1] < cs)
        {
          if (j < k)
            {
              cosines[j] = cosines[j - 1];
              tokens[j] = tokens[j - 1];
            }
          j--;
        }
      if (j < k)
        {
          cosines[j] = cs;
          tokens[j] = (LwReasonToken) t;
        }
    }
}

static gboolean
is_deterministic (const LwReasoner *r)
{
  const char *v = g_hash_table_lookup (r->meta, "lw.reason.colar.deterministic");
  return v != NULL && strcmp (v, "1") == 0;
}

/* ---- latent inference ---------------------------------------------------------------------- */

double
_lw_colar_latent_logp (const float *mean, const float *log_std, const float *z, guint d)
{
  /* log N(z; μ, σ) = −½((z − μ)/σ)² − log σ − ½ log 2π, averaged over the dimensions as
   * CoLaR's policy does */
  double sum = 0.0;
  for (guint i = 0; i < d; i++)
    {
      double u = ((double) z[i] - mean[i]) * exp (-(double) log_std[i]);
      sum += -0.5 * u * u - log_std[i];
    }
  return sum / d - 0.5 * log (2.0 * G_PI);
}

void
_lw_colar_run (LwReasoner *r, const LwReasonToken *prompt, guint n_prompt,
               const LwReasonGenConfig *gen, LwRng *rng, LwReasonRun *run, LwColarTrace *trace)
{
  const LwGptConfig *cfg = lw_gpt_config (r->gpt);
  guint C = cfg->dim, V = cfg->vocab;
  float logits[LW_REASON_VOCAB_PADDED], probs[LW_REASON_VOCAB_PADDED];
  g_autofree float *hidden = g_new (float, C);
  g_autofree float *z = g_new (float, C);
  gboolean det = is_deterministic (r);
  double std = r->embeds_std, tau = MAX (gen->latent_temperature, 0.0);

  if (r->head_run == NULL)
    r->head_run = lw_colar_head_new (r->head);
  if (trace != NULL)
    trace->n_answer = 0;
  for (guint i = 0; i < n_prompt; i++)
    {
      gboolean last = i + 1 == n_prompt;
      lw_gpt_cache_step (r->cache, prompt[i], NULL, last ? logits : NULL, last ? hidden : NULL);
    }
  run->forward_passes = 1;

  guint max_latent = MIN (gen->max_latent, (guint) LW_REASON_T_MAX);
  while (run->n_latent < max_latent)
    {
      /* leave room for the ### that closes the chain */
      if (lw_gpt_cache_len (r->cache) + 1 >= cfg->max_t)
        {
          run->truncated = TRUE;
          break;
        }
      LwReasonLatentStep *st = &run->latent[run->n_latent];
      lw_colar_head_forward (r->head_run, hidden, 1);
      const float *mu = lw_colar_head_mean (r->head_run);
      const float *ls = lw_colar_head_log_std (r->head_run);
      double mu2 = 0.0, sig = 0.0;
      float *zt = trace != NULL ? trace->z + (gsize) run->n_latent * C : NULL;
      for (guint i = 0; i < C; i++)
        {
          double sigma = det ? 0.0 : exp (ls[i]);
          double e = tau > 0.0 && !det ? lw_rng_normal (rng) : 0.0;
          double zi = mu[i] + sigma * tau * e;
          z[i] = (float) (zi * std);
          if (zt != NULL)
            zt[i] = (float) zi;
          mu2 += (double) mu[i] * mu[i];
          sig += sigma;
        }
      if (trace != NULL)
        trace->latent_logp[run->n_latent] = det ? 0.0f
                                                : (float) _lw_colar_latent_logp (mu, ls, zt, C);
      st->mu_norm = (float) (sqrt (mu2) * std);
      st->sigma_mean = (float) (sig / C * std);
      lw_gpt_cache_step (r->cache, 0, z, logits, hidden);
      run->n_latent++;
      run->forward_passes++;

      _lw_reason_softmax (logits, V, probs);
      for (guint j = 0; j < 3; j++)
        {
          guint best = 0;
          float bp = -1.0f;
          for (guint t = 0; t < V; t++)
            if (probs[t] > bp && (j < 1 || t != st->top[0]) && (j < 2 || t != st->top[1]))
              {
                bp = probs[t];
                best = t;
              }
          st->top[j] = (LwReasonToken) best;
          st->top_prob[j] = bp;
        }
      st->p_end = probs[LW_REASON_TOK_SEP];
      lw_colar_nearest (r->gpt, z, 4, st->nearest, st->nearest_cos);
      guint eol = gen->end_mode == LW_REASON_END_SAMPLE
                    ? _lw_reason_sample (logits, V, 1.0, 1.0, rng) : st->top[0];
      st->end = eol == LW_REASON_TOK_SEP;
      if (trace != NULL)
        {
          /* the ### that closes the chain is "predicted" at the last latent */
          trace->answer_logp[0] = logf (MAX (probs[LW_REASON_TOK_SEP], 1e-30f));
          trace->n_answer = 1;
        }
      if (st->end)
        break;
    }

  /* close the chain with e(###) and generate the answer */
  run->ids[run->n_ids++] = LW_REASON_TOK_SEP;
  if (lw_gpt_cache_len (r->cache) >= cfg->max_t)
    {
      run->truncated = TRUE;
      return;
    }
  lw_gpt_cache_step (r->cache, LW_REASON_TOK_SEP, NULL, logits, NULL);
  run->forward_passes++;
  guint max_answer = MIN (gen->max_answer, 64u);
  for (guint j = 0; j < max_answer; j++)
    {
      guint tok = _lw_reason_sample (logits, V, gen->temperature, gen->top_p, rng);
      run->ids[run->n_ids++] = (LwReasonToken) tok;
      if (trace != NULL && trace->n_answer > 0)
        {
          _lw_reason_softmax (logits, V, probs);
          trace->answer_logp[trace->n_answer++] = logf (MAX (probs[tok], 1e-30f));
        }
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
}
