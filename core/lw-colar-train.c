/* lw-colar-train.c — CoLaR-SFT's training step: a batch laid out with its chains compressed,
 * the GPT's cross-entropy and the latent head's loss, and their gradients
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A row is the question with its speed token <c_k>, the chain merged into groups of c, and
 * "### Answer: digits <eos>". The LM head learns ### at <c_k>, a token drawn from the next
 * group at each group, ### at the last group and the answer after it; the latent head learns
 * the next group's merged vector (in embeds_std units, detached) from each group's hidden
 * state.
 *
 * The rows are sorted by length and cut into two buckets (_lw_reason_balanced_cut), each
 * padded to its own longest row: one for each core, and less padding when c is drawn per
 * sequence (mix_speeds), where c = 1 rows have about twice the positions of c = 5 rows. Each
 * bucket is one forward and backward, its losses weighted by its share of the labels and
 * latents, so the gradient is the whole batch's. The second bucket runs on a replica of the
 * GPT and a latent head over a shadow of the head's parameters, each with gradients of its
 * own, which are added to the model's afterwards; so the two can run at once
 * (_lw_colar_train_set_parallel), and the result is the same either way.
 */
#define G_LOG_DOMAIN "lw-colar"

#include "lw-reasoner-private.h"

#include "lw-blas.h"
#include "lw-error.h"
#include "lw-nn-ops.h"

#include <string.h>

struct _LwColarTrain
{
  LwReasoner  *r;          /* not owned */
  LwColarHead *head;
  LwGpt       *replica;    /* the second bucket's GPT, head and head parameters */
  LwNnParams  *head_shadow;
  LwColarHead *head1;
  gboolean     parallel;
  gsize        cap_rows;   /* B · max_t */
  float       *embeds, *dhidden;          /* [B·T, C] */
  int         *targets, *rows;            /* [B·T]: CE labels; latent position → row */
  float       *x, *noise, *target, *dmu, *dls, *dx;   /* [K, C] */
  guint        buckets;    /* the last step's */
};

LwColarTrain *
_lw_colar_train_new (LwReasoner *r, guint batch)
{
  g_return_val_if_fail (r != NULL && r->head != NULL, NULL);
  LwColarTrain *ct = g_new0 (LwColarTrain, 1);
  const LwGptConfig *cfg = lw_gpt_config (r->gpt);
  gsize rows = (gsize) batch * cfg->max_t, C = cfg->dim;
  ct->r = r;
  ct->head = lw_colar_head_new (r->head);
  ct->replica = lw_gpt_new_replica (r->gpt);
  ct->head_shadow = lw_nn_params_new_shadow (r->head);
  ct->head1 = lw_colar_head_new (ct->head_shadow);
  ct->cap_rows = rows;
  ct->embeds = g_new (float, rows * C);
  ct->dhidden = g_new (float, rows * C);
  ct->targets = g_new (int, rows);
  ct->rows = g_new (int, rows);
  ct->x = g_new (float, rows * C);
  ct->noise = g_new (float, rows * C);
  ct->target = g_new (float, rows * C);
  ct->dmu = g_new (float, rows * C);
  ct->dls = g_new (float, rows * C);
  ct->dx = g_new (float, rows * C);
  return ct;
}

void
_lw_colar_train_free (LwColarTrain *ct)
{
  if (ct == NULL)
    return;
  lw_colar_head_free (ct->head);
  lw_colar_head_free (ct->head1);
  lw_nn_params_free (ct->head_shadow);
  lw_gpt_free (ct->replica);
  g_free (ct->embeds);
  g_free (ct->dhidden);
  g_free (ct->targets);
  g_free (ct->rows);
  g_free (ct->x);
  g_free (ct->noise);
  g_free (ct->target);
  g_free (ct->dmu);
  g_free (ct->dls);
  g_free (ct->dx);
  g_free (ct);
}

/* One row of the batch as CoLaR lays it out */
typedef struct
{
  LwReasonSequence seq;
  guint            c, groups, len;   /* len: the row's positions */
  gsize            k0;               /* its first latent */
} Row;

/* A bucket: rows order[first … first + n), padded to T, its vectors from offset `base` rows of
 * the batch buffers on, its latents K0 … K0 + K */
typedef struct
{
  guint first, n, T;
  gsize base, K0, K, labels;
} Bucket;

/* The gradient of one row's input vectors into the embedding table: each question and answer
 * token gets its position's, each token of a merged group its group's scaled as the merge
 * scaled it. (The latent targets are detached, as in CoLaR, so nothing flows through them.) */
static void
embeds_backward (const Row *row, gboolean mean_pool, const float *drow, float *dwte, gsize C)
{
  const LwReasonSequence *s = &row->seq;
  guint P = s->speed_pos + 1, A = s->len - s->sep2;
  const LwReasonToken *chain = s->ids + s->sep1;
  guint n_chain = 1 + s->steps_len;

  for (guint j = 0; j < P; j++)
    lw_nn_accumulate (dwte + (gsize) s->ids[j] * C, drow + (gsize) j * C, C);
  for (guint k = 0; k < row->groups; k++)
    {
      LwReasonToken tok[LW_REASON_MAX_SPEED * 4];
      guint n = lw_colar_group_tokens (chain, n_chain, row->c, k, tok);
      float scale = lw_colar_merge_scale (n, mean_pool);
      const float *d = drow + (gsize) (P + k) * C;
      for (guint q = 0; q < n; q++)
        {
          float *g = dwte + (gsize) tok[q] * C;
          for (gsize i = 0; i < C; i++)
            g[i] += scale * d[i];
        }
    }
  for (guint j = 0; j < A; j++)
    lw_nn_accumulate (dwte + (gsize) s->ids[s->sep2 + j] * C,
                      drow + (gsize) (P + row->groups + j) * C, C);
}

/* Lays one row out at `out` (T positions of C): its input vectors, CE labels (drawn from rng)
 * and, from latent index K on, its latent targets and their rows (relative to the bucket).
 * Returns the number of latents. */
static guint
lay_out_row (LwColarTrain *ct, const LwReasonTrainConfig *config, const Row *row,
             const float *wte, gsize C, guint T, gsize row_in_bucket, gsize out, gsize K,
             LwRng *rng)
{
  const LwReasonSequence *s = &row->seq;
  float *emb = ct->embeds + out * C;
  int *tg = ct->targets + out;
  guint P = s->speed_pos + 1, G = row->groups, A = s->len - s->sep2;
  const LwReasonToken *chain = s->ids + s->sep1;
  guint n_chain = 1 + s->steps_len;
  double std = ct->r->embeds_std;

  memset (emb, 0, (gsize) T * C * sizeof (float));
  for (guint j = 0; j < T; j++)
    tg[j] = -1;
  for (guint j = 0; j < P; j++)
    memcpy (emb + j * C, wte + (gsize) s->ids[j] * C, C * sizeof (float));
  lw_colar_merge (wte, C, chain, n_chain, row->c, config->mean_pool, emb + (gsize) P * C);
  for (guint j = 0; j < A; j++)
    memcpy (emb + (gsize) (P + G + j) * C, wte + (gsize) s->ids[s->sep2 + j] * C,
            C * sizeof (float));

  /* CE labels: <c_k> → ###; g_k → a token of group k + 1; g_m → ###; then the answer */
  tg[P - 1] = LW_REASON_TOK_SEP;
  for (guint k = 0; k + 1 < G; k++)
    {
      LwReasonToken tok[LW_REASON_MAX_SPEED * 4];
      guint n = lw_colar_group_tokens (chain, n_chain, row->c, k + 1, tok);
      guint pick = lw_rng_below (rng, n);   /* drawn even when unused: same stream */
      if (!config->no_chain_labels)
        tg[P + k] = tok[pick];
    }
  tg[P + G - 1] = LW_REASON_TOK_SEP;
  for (guint j = 0; j + 1 < A; j++)
    tg[P + G + j] = s->ids[s->sep2 + j + 1];

  /* latent targets: the next input vector, in embeds_std units */
  for (guint k = 0; k < G; k++)
    {
      ct->rows[K + k] = (int) (row_in_bucket * T + P + k);
      const float *next = emb + (gsize) (P + k + 1) * C;
      for (gsize i = 0; i < C; i++)
        ct->target[(K + k) * C + i] = (float) (next[i] / std);
    }
  return G;
}

/* The latent loss of a bucket's latents given the head's outputs for them: their mean, times
 * share; or with row_mean, each row's mean over its own latents, times 1/batch. Adds the
 * weighted parts to *parts. */
static void
bucket_latent_loss (LwColarTrain *ct, LwColarHead *head, const LwReasonTrainConfig *config,
                    const Row *rows, const guint *order, const Bucket *bk, double share,
                    guint batch, const float *noise, float *dmu, float *dls,
                    LwColarLossParts *parts)
{
  gsize C = lw_gpt_config (ct->r->gpt)->dim;
  gboolean det = config->deterministic;
  const float *mu = lw_colar_head_mean (head), *ls = lw_colar_head_log_std (head);
  const float *target = ct->target + bk->K0 * C;
  LwColarLossParts p;

  if (!config->row_mean)
    {
      lw_colar_latent_loss (config->latent_loss, det, config->latent_weight * share,
                            config->entropy_weight * share, mu, ls, noise, target, bk->K, C,
                            dmu, det ? NULL : dls, &p);
      parts->latent += share * p.latent;
      parts->mean_log_sigma += share * p.mean_log_sigma;
      parts->total += p.total;
      return;
    }
  for (guint j = 0; j < bk->n; j++)
    {
      const Row *row = &rows[order[bk->first + j]];
      gsize o = (row->k0 - bk->K0) * C;
      lw_colar_latent_loss (config->latent_loss, det, config->latent_weight / batch,
                            config->entropy_weight / batch, mu + o, det ? NULL : ls + o,
                            noise + o, target + o, row->groups, C, dmu + o,
                            det ? NULL : dls + o, &p);
      parts->latent += p.latent / batch;
      parts->mean_log_sigma += p.mean_log_sigma / batch;
      parts->total += p.total;
    }
}

/* One laid-out bucket and what runs it: the model's GPT and head, or the replicas */
typedef struct
{
  LwColarTrain              *ct;
  const LwReasonTrainConfig *config;
  const Row                 *rows;
  const guint               *order;
  const Bucket              *bk;
  LwGpt                     *gpt;
  LwColarHead               *head;
  LwNnParams                *head_params;
  gboolean                   replica;      /* zero its gradients first */
  double                     ce_share, latent_share;
  guint                      batch;
  double                     ce;           /* out: the weighted CE, and the latent parts */
  LwColarLossParts           parts;
} Part;

/* Forward and backward of one bucket, its CE weighted by ce_share and its latent loss by
 * latent_share (see bucket_latent_loss); its noise is drawn already */
static void
bucket_step (gpointer data, gpointer unused)
{
  Part *p = data;
  LwColarTrain *ct = p->ct;
  const Bucket *bk = p->bk;
  const LwReasonTrainConfig *config = p->config;
  LwNnParams *gp = lw_gpt_params (p->gpt);
  gsize C = lw_gpt_config (p->gpt)->dim, N = (gsize) bk->n * bk->T;
  float *dhidden = ct->dhidden + bk->base * C;
  float *x = ct->x + bk->K0 * C, *noise = ct->noise + bk->K0 * C;
  float *dmu = ct->dmu + bk->K0 * C, *dls = ct->dls + bk->K0 * C, *dx = ct->dx + bk->K0 * C;
  const int *lrows = ct->rows + bk->K0;
  gboolean det = config->deterministic;

  if (p->replica)
    {
      lw_nn_params_zero_grad (gp);
      lw_nn_params_zero_grad (p->head_params);
    }
  double bce = lw_gpt_forward (p->gpt, NULL, ct->embeds + bk->base * C,
                               ct->targets + bk->base, bk->n, bk->T);
  const float *hidden = lw_gpt_hidden (p->gpt);
  for (gsize k = 0; k < bk->K; k++)
    memcpy (x + k * C, hidden + (gsize) lrows[k] * C, C * sizeof (float));

  lw_colar_head_forward (p->head, x, bk->K);
  bucket_latent_loss (ct, p->head, config, p->rows, p->order, bk, p->latent_share, p->batch,
                      noise, dmu, dls, &p->parts);
  memset (dx, 0, bk->K * C * sizeof (float));
  lw_colar_head_backward (p->head, dmu, det ? NULL : dls, dx);
  memset (dhidden, 0, N * C * sizeof (float));
  for (gsize k = 0; k < bk->K; k++)
    memcpy (dhidden + (gsize) lrows[k] * C, dx + k * C, C * sizeof (float));
  lw_gpt_backward (p->gpt, (float) p->ce_share, dhidden);

  guint wte = (guint) lw_nn_params_find (gp, "wte.weight");
  if (lw_nn_params_trainable (gp, wte))
    for (guint j = 0; j < bk->n; j++)
      embeds_backward (&p->rows[p->order[bk->first + j]], config->mean_pool,
                       lw_gpt_dembeds (p->gpt) + (gsize) j * bk->T * C,
                       lw_nn_params_grad (gp, wte), C);

  p->ce = p->ce_share * bce;
}


gboolean
_lw_colar_train_step (LwColarTrain *ct, const LwReasonTrainConfig *config,
                      const LwReasonProblem *problems, guint batch, guint c, LwRng *rng,
                      LwReasonTrainProgress *pr, GError **error)
{
  LwReasoner *r = ct->r;
  LwNnParams *gp = lw_gpt_params (r->gpt);
  const LwGptConfig *cfg = lw_gpt_config (r->gpt);
  const float *wte = lw_nn_params_value (gp, (guint) lw_nn_params_find (gp, "wte.weight"));
  gsize C = cfg->dim;
  g_autofree Row *rows = g_new (Row, batch);
  g_autofree guint *order = g_new (guint, batch);
  g_autofree guint *lens = g_new (guint, batch), *sorted = g_new (guint, batch);

  for (guint b = 0; b < batch; b++)
    {
      Row *row = &rows[b];
      row->c = c > 0 ? c : _lw_reason_draw_speed (config->speed_mask, rng);
      if (!lw_reason_sequence_build (&problems[b], LW_REASON_FORMAT_COT, row->c, &row->seq,
                                     error))
        return FALSE;
      row->groups = lw_colar_n_groups (1 + row->seq.steps_len, row->c);
      /* question with <c_k>, the groups, "### Answer: digits <eos>" */
      row->len = row->seq.speed_pos + 1 + row->groups + (row->seq.len - row->seq.sep2);
      if (row->len > cfg->max_t)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                       "CoLaR training: a %u-position row exceeds the model's context of %u",
                       row->len, cfg->max_t);
          return FALSE;
        }
      lens[b] = row->len;
    }

  /* two buckets by length (one with a single row) */
  Bucket bk[2] = { { 0 } };
  guint n_buckets = 1;
  _lw_reason_order_by_length (order, lens, batch);
  bk[0].n = batch;
  if (batch >= 2)
    {
      for (guint b = 0; b < batch; b++)
        sorted[b] = lens[order[b]];
      guint cut = _lw_reason_balanced_cut (sorted, batch);
      bk[0].n = cut;
      bk[1].first = cut;
      bk[1].n = batch - cut;
      n_buckets = 2;
    }

  gsize out = 0, K = 0, labels = 0;
  for (guint i = 0; i < n_buckets; i++)
    {
      Bucket *b = &bk[i];
      for (guint j = 0; j < b->n; j++)
        b->T = MAX (b->T, rows[order[b->first + j]].len);
      b->base = out;
      b->K0 = K;
      for (guint j = 0; j < b->n; j++, out += b->T)
        {
          Row *row = &rows[order[b->first + j]];
          row->k0 = K;
          K += lay_out_row (ct, config, row, wte, C, b->T, j, out, K, rng);
        }
      b->K = K - b->K0;
      for (gsize q = b->base; q < out; q++)
        b->labels += ct->targets[q] >= 0;
      labels += b->labels;
    }
  g_assert (out <= ct->cap_rows);
  /* the rsample noise of every latent, in order, before the buckets may run at once */
  for (gsize i = 0; i < K * C; i++)
    ct->noise[i] = (float) lw_rng_normal (rng);

  Part part[2];
  for (guint i = 0; i < n_buckets; i++)
    part[i] = (Part) {
      .ct = ct, .config = config, .rows = rows, .order = order, .bk = &bk[i], .batch = batch,
      .gpt = i == 0 ? r->gpt : ct->replica,
      .head = i == 0 ? ct->head : ct->head1,
      .head_params = i == 0 ? r->head : ct->head_shadow,
      .replica = i == 1,
      .ce_share = n_buckets == 1 ? 1.0 : (double) bk[i].labels / (double) labels,
      .latent_share = n_buckets == 1 ? 1.0 : (double) bk[i].K / (double) K,
    };
  ct->buckets = n_buckets;
  if (n_buckets == 1)
    bucket_step (&part[0], NULL);
  else
    {
      lw_blas_run_pair (bucket_step, &part[0], &part[1], ct->parallel);
      lw_nn_params_add_grads (gp, lw_gpt_params (ct->replica));
      lw_nn_params_add_grads (r->head, ct->head_shadow);
    }

  double ce = 0.0;
  LwColarLossParts parts = { 0 };
  for (guint i = 0; i < n_buckets; i++)
    {
      ce += part[i].ce;
      parts.latent += part[i].parts.latent;
      parts.mean_log_sigma += part[i].parts.mean_log_sigma;
      parts.total += part[i].parts.total;
    }
  pr->ce = ce;
  pr->latent = parts.latent;
  pr->mean_log_sigma = parts.mean_log_sigma;
  pr->loss = ce + parts.total;
  return TRUE;
}

guint
_lw_colar_train_buckets (const LwColarTrain *ct)
{
  g_return_val_if_fail (ct != NULL, 0);
  return ct->buckets;
}

void
_lw_colar_train_set_parallel (LwColarTrain *ct, gboolean parallel)
{
  g_return_if_fail (ct != NULL);
  ct->parallel = parallel;
}
