/* lw-nn-gpt.c — a tiny GPT-2-style transformer: forward, backward and KV-cached inference
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Layout follows llm.c: every activation the backward pass needs lives in one arena, laid out
 * per forward for the current (B, T); the activation gradients live in a second arena that
 * only exists once backward has been called. The residual stream is written by the fused
 * residual + LayerNorm kernel, so each block's two additions cost no extra pass.
 */
#define G_LOG_DOMAIN "lw-nn-gpt"

#include "lw-nn-gpt.h"

#include <math.h>
#include <string.h>

#include "lw-nn-ops.h"

#define LN_EPS 1e-5f
#define ALIGN_FLOATS 16 /* 64 bytes: each buffer starts on a cache line */

typedef struct
{
  guint ln1w, ln1b, qkvw, qkvb, projw, projb, ln2w, ln2b, fcw, fcb, fcpw, fcpb;
} LayerIdx;

/* Per-layer activations kept for backward */
typedef struct
{
  float *ln1, *ln1_mean, *ln1_rstd;
  float *qkv;    /* [N, 3C] */
  float *atty;   /* [N, C] attention output before the projection */
  float *att;    /* [B, H, T, T] softmax probabilities */
  float *res2;   /* [N, C] residual after the attention branch */
  float *ln2, *ln2_mean, *ln2_rstd;
  float *fch;    /* [N, 4C] before GELU */
  float *fchg;   /* [N, 4C] after GELU */
  float *res3;   /* [N, C] residual after the MLP branch (written by the next fused LN) */
} LayerActs;

struct _LwGpt
{
  LwGptConfig cfg;
  LwNnParams *params;
  guint wte, wpe, lnfw, lnfb;
  LayerIdx *li;

  /* activations: capacity in rows (B·T); laid out for the current (B, T) */
  float *acts;
  gsize acts_cap;
  LayerActs *la;
  float *encoded, *lnf, *lnf_mean, *lnf_rstd, *logits, *dlogits;
  float *tmp;      /* [N, C] a branch output, consumed at once by the fused residual LN */
  float *scratch;  /* attention forward scratch */
  int *tokens;     /* copy of the last forward's tokens (embedding backward) */

  /* activation gradients */
  float *grads;
  gsize grads_cap;
  float *dres, *dln, *dqkv, *datty, *dfch, *dfchg, *dlogits_scaled, *gscratch;

  guint batch, t;
  gboolean have_forward, have_targets, used_embeds, have_dembeds;
};

static gsize
round_up (gsize n)
{
  return (n + ALIGN_FLOATS - 1) / ALIGN_FLOATS * ALIGN_FLOATS;
}

/* Hands out consecutive aligned slices of an arena; with base NULL it only counts. */
typedef struct
{
  float *base;
  gsize used;
} Carver;

static float *
carve (Carver *c, gsize n)
{
  float *p = c->base != NULL ? c->base + c->used : NULL;
  c->used += round_up (n);
  return p;
}

/* The buffers for n = B·T rows; att_elems = B·H·T² and scratch_elems for attention. The
 * capacity layout uses the largest of each, so every (B, T) with B·T ≤ capacity fits. */
static void
layout_acts (LwGpt *g, Carver *cv, gsize n, gsize att_elems, gsize scratch_elems)
{
  gsize C = g->cfg.dim;

  g->encoded = carve (cv, n * C);
  for (guint l = 0; l < g->cfg.layers; l++)
    {
      LayerActs *a = &g->la[l];
      a->ln1 = carve (cv, n * C);
      a->ln1_mean = carve (cv, n);
      a->ln1_rstd = carve (cv, n);
      a->qkv = carve (cv, n * 3 * C);
      a->atty = carve (cv, n * C);
      a->att = carve (cv, att_elems);
      a->res2 = carve (cv, n * C);
      a->ln2 = carve (cv, n * C);
      a->ln2_mean = carve (cv, n);
      a->ln2_rstd = carve (cv, n);
      a->fch = carve (cv, n * 4 * C);
      a->fchg = carve (cv, n * 4 * C);
      a->res3 = carve (cv, n * C);
    }
  g->lnf = carve (cv, n * C);
  g->lnf_mean = carve (cv, n);
  g->lnf_rstd = carve (cv, n);
  g->logits = carve (cv, n * g->cfg.vocab_padded);
  g->dlogits = carve (cv, n * g->cfg.vocab_padded);
  g->tmp = carve (cv, n * C);
  g->scratch = carve (cv, scratch_elems);
}

static void
layout_grads (LwGpt *g, Carver *cv, gsize n, gsize scratch_elems)
{
  gsize C = g->cfg.dim;

  g->dres = carve (cv, n * C);
  g->dln = carve (cv, n * C);
  g->dqkv = carve (cv, n * 3 * C);
  g->datty = carve (cv, n * C);
  g->dfch = carve (cv, n * 4 * C);
  g->dfchg = carve (cv, n * 4 * C);
  g->dlogits_scaled = carve (cv, n * g->cfg.vocab_padded);
  g->gscratch = carve (cv, scratch_elems);
}

static gsize
max_attention_scratch (LwGpt *g)
{
  gsize m = 0;
  for (guint t = 1; t <= g->cfg.max_t; t++)
    m = MAX (m, lw_nn_attention_scratch (t, g->cfg.dim, g->cfg.heads));
  return m;
}

static gsize
acts_size (LwGpt *g, gsize cap)
{
  Carver cv = { NULL, 0 };
  layout_acts (g, &cv, cap, cap * g->cfg.heads * g->cfg.max_t, max_attention_scratch (g));
  return cv.used;
}

static gsize
grads_size (LwGpt *g, gsize cap)
{
  Carver cv = { NULL, 0 };
  layout_grads (g, &cv, cap, max_attention_scratch (g));
  return cv.used;
}

static void
ensure_acts (LwGpt *g, gsize batch, gsize t)
{
  gsize n = batch * t;

  if (n > g->acts_cap)
    {
      g_aligned_free (g->acts);
      g_free (g->tokens);
      g->acts = g_aligned_alloc0 (acts_size (g, n), sizeof (float), 64);
      g->tokens = g_new0 (int, n);
      g->acts_cap = n;
      /* gradients are sized with the activations; drop them so backward re-allocates */
      g_aligned_free (g->grads);
      g->grads = NULL;
      g->grads_cap = 0;
      g->have_dembeds = FALSE;
    }
  Carver cv = { g->acts, 0 };
  layout_acts (g, &cv, n, batch * g->cfg.heads * t * t,
               lw_nn_attention_scratch (t, g->cfg.dim, g->cfg.heads));
}

static void
ensure_grads (LwGpt *g, gsize batch, gsize t)
{
  if (g->grads == NULL || g->grads_cap < g->acts_cap)
    {
      g_aligned_free (g->grads);
      g->grads = g_aligned_alloc0 (grads_size (g, g->acts_cap), sizeof (float), 64);
      g->grads_cap = g->acts_cap;
    }
  Carver cv = { g->grads, 0 };
  layout_grads (g, &cv, batch * t, lw_nn_attention_scratch (t, g->cfg.dim, g->cfg.heads));
}

static guint
declare (LwNnParams *p, const char *name, gsize d0, gsize d1)
{
  gsize shape[2] = { d0, d1 };
  return lw_nn_params_declare (p, name, d1 == 0 ? 1 : 2, shape);
}

LwGpt *
lw_gpt_new (const LwGptConfig *config, guint64 seed)
{
  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (config->vocab >= 1 && config->vocab_padded >= config->vocab, NULL);
  g_return_val_if_fail (config->max_t >= 1 && config->layers >= 1, NULL);
  g_return_val_if_fail (config->heads >= 1 && config->dim % config->heads == 0, NULL);

  LwGpt *g = g_new0 (LwGpt, 1);
  gsize C = config->dim, L = config->layers;
  LwRng rng;

  g->cfg = *config;
  g->params = lw_nn_params_new ();
  g->li = g_new0 (LayerIdx, L);
  g->la = g_new0 (LayerActs, L);

  LwNnParams *p = g->params;
  g->wte = declare (p, "wte.weight", config->vocab_padded, C);
  g->wpe = declare (p, "wpe.weight", config->max_t, C);
  for (guint l = 0; l < L; l++)
    {
      LayerIdx *li = &g->li[l];
      char name[64];
#define DECL(field, suffix, d0, d1) \
      g_snprintf (name, sizeof name, "blocks.%u.%s", l, suffix); \
      li->field = declare (p, name, d0, d1)
      DECL (ln1w, "ln1.weight", C, 0);
      DECL (ln1b, "ln1.bias", C, 0);
      DECL (qkvw, "attn.qkv.weight", 3 * C, C);
      DECL (qkvb, "attn.qkv.bias", 3 * C, 0);
      DECL (projw, "attn.proj.weight", C, C);
      DECL (projb, "attn.proj.bias", C, 0);
      DECL (ln2w, "ln2.weight", C, 0);
      DECL (ln2b, "ln2.bias", C, 0);
      DECL (fcw, "mlp.fc.weight", 4 * C, C);
      DECL (fcb, "mlp.fc.bias", 4 * C, 0);
      DECL (fcpw, "mlp.proj.weight", C, 4 * C);
      DECL (fcpb, "mlp.proj.bias", C, 0);
#undef DECL
    }
  g->lnfw = declare (p, "ln_f.weight", C, 0);
  g->lnfb = declare (p, "ln_f.bias", C, 0);
  lw_nn_params_allocate (p);

  /* GPT-2 initialisation in declaration order, so the values depend on the seed only */
  double res_std = 0.02 / sqrt (2.0 * L);
  lw_rng_seed (&rng, seed);
  lw_nn_params_init_normal (p, g->wte, 0.02, &rng);
  /* padding rows are never a target nor an input: zero keeps their logits at exactly 0 */
  memset (lw_nn_params_value (p, g->wte) + (gsize) config->vocab * C, 0,
          (gsize) (config->vocab_padded - config->vocab) * C * sizeof (float));
  lw_nn_params_init_normal (p, g->wpe, 0.02, &rng);
  for (guint l = 0; l < L; l++)
    {
      LayerIdx *li = &g->li[l];
      lw_nn_params_init_constant (p, li->ln1w, 1.0f);
      lw_nn_params_init_normal (p, li->qkvw, 0.02, &rng);
      lw_nn_params_init_normal (p, li->projw, res_std, &rng);
      lw_nn_params_init_constant (p, li->ln2w, 1.0f);
      lw_nn_params_init_normal (p, li->fcw, 0.02, &rng);
      lw_nn_params_init_normal (p, li->fcpw, res_std, &rng);
    }
  lw_nn_params_init_constant (p, g->lnfw, 1.0f);
  return g;
}

LwGpt *
lw_gpt_new_replica (LwGpt *gpt)
{
  g_return_val_if_fail (gpt != NULL, NULL);
  LwGpt *g = g_new0 (LwGpt, 1);
  guint L = gpt->cfg.layers;
  g->cfg = gpt->cfg;
  g->params = lw_nn_params_new_shadow (gpt->params);
  g->wte = gpt->wte;
  g->wpe = gpt->wpe;
  g->lnfw = gpt->lnfw;
  g->lnfb = gpt->lnfb;
  g->li = g_memdup2 (gpt->li, L * sizeof (LayerIdx));
  g->la = g_new0 (LayerActs, L);
  return g;
}

void
lw_gpt_free (LwGpt *gpt)
{
  if (gpt == NULL)
    return;
  lw_nn_params_free (gpt->params);
  g_aligned_free (gpt->acts);
  g_aligned_free (gpt->grads);
  g_free (gpt->tokens);
  g_free (gpt->li);
  g_free (gpt->la);
  g_free (gpt);
}

const LwGptConfig *
lw_gpt_config (const LwGpt *gpt)
{
  g_return_val_if_fail (gpt != NULL, NULL);
  return &gpt->cfg;
}

LwNnParams *
lw_gpt_params (LwGpt *gpt)
{
  g_return_val_if_fail (gpt != NULL, NULL);
  return gpt->params;
}

#define W(i) lw_nn_params_value (g->params, (i))
#define DW(i) lw_nn_params_grad (g->params, (i))

double
lw_gpt_forward (LwGpt *g, const int *tokens, const float *embeds, const int *targets,
                guint batch, guint t)
{
  g_return_val_if_fail (g != NULL, 0.0);
  g_return_val_if_fail (tokens != NULL || embeds != NULL, 0.0);
  g_return_val_if_fail (batch >= 1 && t >= 1 && t <= g->cfg.max_t, 0.0);

  gsize n = (gsize) batch * t, C = g->cfg.dim, Vp = g->cfg.vocab_padded;
  guint H = g->cfg.heads, L = g->cfg.layers;

  if (embeds == NULL)
    for (gsize i = 0; i < n; i++)
      g_return_val_if_fail (tokens[i] >= 0 && (guint) tokens[i] < g->cfg.vocab, 0.0);

  ensure_acts (g, batch, t);
  g->batch = batch;
  g->t = t;
  g->used_embeds = embeds != NULL;
  g->have_dembeds = FALSE;

  if (embeds == NULL)
    {
      memcpy (g->tokens, tokens, n * sizeof (int));
      lw_nn_embedding_forward (g->encoded, tokens, W (g->wte), W (g->wpe), batch, t, C);
    }
  else
    {
      const float *wpe = W (g->wpe);
      for (gsize b = 0; b < batch; b++)
        for (gsize j = 0; j < t; j++)
          lw_nn_add_forward (g->encoded + (b * t + j) * C, embeds + (b * t + j) * C,
                             wpe + j * C, C);
    }

  for (guint l = 0; l < L; l++)
    {
      LayerIdx *li = &g->li[l];
      LayerActs *a = &g->la[l];
      const float *resin = l == 0 ? g->encoded : g->la[l - 1].res3;

      if (l == 0)
        lw_nn_layernorm_forward (a->ln1, a->ln1_mean, a->ln1_rstd, g->encoded, W (li->ln1w),
                                 W (li->ln1b), n, C, LN_EPS);
      else
        /* closes the previous block: res3 = res2 + mlp output, then LN1 of this block */
        lw_nn_residual_layernorm_forward (g->la[l - 1].res3, a->ln1, a->ln1_mean, a->ln1_rstd,
                                          g->la[l - 1].res2, g->tmp, W (li->ln1w),
                                          W (li->ln1b), n, C, LN_EPS);
      lw_nn_linear_forward (a->qkv, a->ln1, W (li->qkvw), W (li->qkvb), n, C, 3 * C);
      lw_nn_attention_forward (a->atty, a->att, a->qkv, batch, t, C, H, g->scratch);
      lw_nn_linear_forward (g->tmp, a->atty, W (li->projw), W (li->projb), n, C, C);
      lw_nn_residual_layernorm_forward (a->res2, a->ln2, a->ln2_mean, a->ln2_rstd, resin,
                                        g->tmp, W (li->ln2w), W (li->ln2b), n, C, LN_EPS);
      lw_nn_linear_forward (a->fch, a->ln2, W (li->fcw), W (li->fcb), n, C, 4 * C);
      lw_nn_gelu_forward (a->fchg, a->fch, n * 4 * C);
      lw_nn_linear_forward (g->tmp, a->fchg, W (li->fcpw), W (li->fcpb), n, 4 * C, C);
    }
  lw_nn_residual_layernorm_forward (g->la[L - 1].res3, g->lnf, g->lnf_mean, g->lnf_rstd,
                                    g->la[L - 1].res2, g->tmp, W (g->lnfw), W (g->lnfb), n, C,
                                    LN_EPS);
  /* tied head: logits = lnf · wteᵀ */
  lw_nn_linear_forward (g->logits, g->lnf, W (g->wte), NULL, n, C, Vp);

  g->have_forward = TRUE;
  g->have_targets = targets != NULL;
  if (targets == NULL)
    return 0.0;
  /* the gradient of the mean loss comes out of the same pass over the logits */
  return lw_nn_cross_entropy (g->dlogits, NULL, g->logits, targets, n, g->cfg.vocab, Vp, 1.0f);
}

const float *
lw_gpt_logits (const LwGpt *gpt)
{
  g_return_val_if_fail (gpt != NULL && gpt->have_forward, NULL);
  return gpt->logits;
}

const float *
lw_gpt_hidden (const LwGpt *gpt)
{
  g_return_val_if_fail (gpt != NULL && gpt->have_forward, NULL);
  return gpt->lnf;
}

void
lw_gpt_backward (LwGpt *g, float loss_scale, const float *dhidden)
{
  g_return_if_fail (g != NULL && g->have_forward);

  guint batch = g->batch, t = g->t, H = g->cfg.heads, L = g->cfg.layers;
  gsize n = (gsize) batch * t, C = g->cfg.dim, Vp = g->cfg.vocab_padded;

  ensure_grads (g, batch, t);

  memset (g->dln, 0, n * C * sizeof (float));
  if (g->have_targets && loss_scale != 0.0f)
    {
      const float *dlogits = g->dlogits;
      /* the forward's gradient stays unscaled, so a second backward gives the same result */
      if (loss_scale != 1.0f)
        {
          for (gsize i = 0; i < n * Vp; i++)
            g->dlogits_scaled[i] = loss_scale * g->dlogits[i];
          dlogits = g->dlogits_scaled;
        }
      lw_nn_linear_backward (g->dln, DW (g->wte), NULL, dlogits, g->lnf, W (g->wte), n, C, Vp);
    }
  if (dhidden != NULL)
    lw_nn_accumulate (g->dln, dhidden, n * C);

  memset (g->dres, 0, n * C * sizeof (float));
  lw_nn_layernorm_backward (g->dres, DW (g->lnfw), DW (g->lnfb), g->dln, g->la[L - 1].res3,
                            g->lnf_mean, g->lnf_rstd, W (g->lnfw), n, C);

  /* dres is the gradient of the residual stream; both branches of a block add into it */
  for (guint l = L; l-- > 0;)
    {
      LayerIdx *li = &g->li[l];
      LayerActs *a = &g->la[l];
      const float *resin = l == 0 ? g->encoded : g->la[l - 1].res3;

      memset (g->dfchg, 0, n * 4 * C * sizeof (float));
      lw_nn_linear_backward (g->dfchg, DW (li->fcpw), DW (li->fcpb), g->dres, a->fchg,
                             W (li->fcpw), n, 4 * C, C);
      memset (g->dfch, 0, n * 4 * C * sizeof (float));
      lw_nn_gelu_backward (g->dfch, g->dfchg, a->fch, n * 4 * C);
      memset (g->dln, 0, n * C * sizeof (float));
      lw_nn_linear_backward (g->dln, DW (li->fcw), DW (li->fcb), g->dfch, a->ln2, W (li->fcw),
                             n, C, 4 * C);
      lw_nn_layernorm_backward (g->dres, DW (li->ln2w), DW (li->ln2b), g->dln, a->res2,
                                a->ln2_mean, a->ln2_rstd, W (li->ln2w), n, C);

      memset (g->datty, 0, n * C * sizeof (float));
      lw_nn_linear_backward (g->datty, DW (li->projw), DW (li->projb), g->dres, a->atty,
                             W (li->projw), n, C, C);
      memset (g->dqkv, 0, n * 3 * C * sizeof (float));
      lw_nn_attention_backward (g->dqkv, g->datty, a->qkv, a->att, batch, t, C, H,
                                g->gscratch);
      memset (g->dln, 0, n * C * sizeof (float));
      lw_nn_linear_backward (g->dln, DW (li->qkvw), DW (li->qkvb), g->dqkv, a->ln1,
                             W (li->qkvw), n, C, 3 * C);
      lw_nn_layernorm_backward (g->dres, DW (li->ln1w), DW (li->ln1b), g->dln, resin,
                                a->ln1_mean, a->ln1_rstd, W (li->ln1w), n, C);
    }

  if (g->used_embeds)
    {
      float *dwpe = DW (g->wpe);
      for (gsize b = 0; b < batch; b++)
        for (gsize j = 0; j < t; j++)
          lw_nn_accumulate (dwpe + j * C, g->dres + (b * t + j) * C, C);
      g->have_dembeds = TRUE;   /* dres now is the gradient of the embeds */
    }
  else
    lw_nn_embedding_backward (DW (g->wte), DW (g->wpe), g->dres, g->tokens, batch, t, C);
}

const float *
lw_gpt_dembeds (const LwGpt *gpt)
{
  g_return_val_if_fail (gpt != NULL && gpt->have_dembeds, NULL);
  return gpt->dres;
}

double
lw_gpt_step_flops (const LwGptConfig *config, guint batch, guint t)
{
  g_return_val_if_fail (config != NULL, 0.0);
  double n = (double) batch * t, C = config->dim, L = config->layers;
  /* per position and layer the four linears hold 3C² + C² + 4C² + 4C² = 12C² weights */
  double linear = n * (L * 12.0 * C * C + C * config->vocab_padded);
  /* attention: q·k and p·v over the causal pairs, t(t+1)/2 per sequence and head, hd each */
  double attention = L * (double) batch * t * (t + 1.0) / 2.0 * C * 2.0;
  /* a multiply-add is 2 FLOPs; backward does twice the forward's products */
  return 3.0 * 2.0 * (linear + attention);
}

/* ---- KV cache ----------------------------------------------------------------------------- */

struct _LwGptCache
{
  LwGpt *gpt;
  guint len;
  float *k, *v;          /* [layers, max_t, C] */
  float *xa, *xb;        /* residual stream, ping-pong (the fused LN writes r ≠ a) */
  float *ln, *qkv, *y, *tmp, *fc, *fcg, *hidden, *mean, *rstd, *scratch;
};

LwGptCache *
lw_gpt_cache_new (LwGpt *gpt)
{
  g_return_val_if_fail (gpt != NULL, NULL);

  LwGptCache *c = g_new0 (LwGptCache, 1);
  gsize C = gpt->cfg.dim, T = gpt->cfg.max_t, L = gpt->cfg.layers;

  c->gpt = gpt;
  c->k = g_new0 (float, L * T * C);
  c->v = g_new0 (float, L * T * C);
  c->xa = g_new0 (float, C);
  c->xb = g_new0 (float, C);
  c->ln = g_new0 (float, C);
  c->qkv = g_new0 (float, 3 * C);
  c->y = g_new0 (float, C);
  c->tmp = g_new0 (float, C);
  c->fc = g_new0 (float, 4 * C);
  c->fcg = g_new0 (float, 4 * C);
  c->hidden = g_new0 (float, C);
  c->mean = g_new0 (float, 1);
  c->rstd = g_new0 (float, 1);
  c->scratch = g_new0 (float, T + 16);
  return c;
}

void
lw_gpt_cache_free (LwGptCache *c)
{
  if (c == NULL)
    return;
  g_free (c->k);
  g_free (c->v);
  g_free (c->xa);
  g_free (c->xb);
  g_free (c->ln);
  g_free (c->qkv);
  g_free (c->y);
  g_free (c->tmp);
  g_free (c->fc);
  g_free (c->fcg);
  g_free (c->hidden);
  g_free (c->mean);
  g_free (c->rstd);
  g_free (c->scratch);
  g_free (c);
}

void
lw_gpt_cache_reset (LwGptCache *cache)
{
  g_return_if_fail (cache != NULL);
  cache->len = 0;
}

guint
lw_gpt_cache_len (const LwGptCache *cache)
{
  g_return_val_if_fail (cache != NULL, 0);
  return cache->len;
}

gboolean
lw_gpt_cache_step (LwGptCache *c, int token, const float *embed, float *logits, float *hidden)
{
  g_return_val_if_fail (c != NULL, FALSE);

  LwGpt *g = c->gpt;
  gsize C = g->cfg.dim, T = g->cfg.max_t, pos = c->len;
  guint L = g->cfg.layers, H = g->cfg.heads;

  if (pos >= T)
    return FALSE;
  if (embed == NULL)
    g_return_val_if_fail (token >= 0 && (guint) token < g->cfg.vocab, FALSE);

  const float *wpe = W (g->wpe) + pos * C;
  lw_nn_add_forward (c->xa, embed != NULL ? embed : W (g->wte) + (gsize) token * C, wpe, C);

  /* the same kernels in the same order as lw_gpt_forward, on one row */
  float *x = c->xa, *x2 = c->xb;
  for (guint l = 0; l < L; l++)
    {
      LayerIdx *li = &g->li[l];
      float *kc = c->k + (gsize) l * T * C, *vc = c->v + (gsize) l * T * C;

      if (l == 0)
        lw_nn_layernorm_forward (c->ln, c->mean, c->rstd, x, W (li->ln1w), W (li->ln1b), 1, C,
                                 LN_EPS);
      else
        {
          lw_nn_residual_layernorm_forward (x2, c->ln, c->mean, c->rstd, x, c->tmp,
                                            W (li->ln1w), W (li->ln1b), 1, C, LN_EPS);
          float *s = x; x = x2; x2 = s;
        }
      lw_nn_linear_forward (c->qkv, c->ln, W (li->qkvw), W (li->qkvb), 1, C, 3 * C);
      memcpy (kc + pos * C, c->qkv + C, C * sizeof (float));
      memcpy (vc + pos * C, c->qkv + 2 * C, C * sizeof (float));
      lw_nn_attention_step (c->y, c->qkv, kc, vc, pos, C, H, c->scratch);
      lw_nn_linear_forward (c->tmp, c->y, W (li->projw), W (li->projb), 1, C, C);
      lw_nn_residual_layernorm_forward (x2, c->ln, c->mean, c->rstd, x, c->tmp, W (li->ln2w),
                                        W (li->ln2b), 1, C, LN_EPS);
      { float *s = x; x = x2; x2 = s; }
      lw_nn_linear_forward (c->fc, c->ln, W (li->fcw), W (li->fcb), 1, C, 4 * C);
      lw_nn_gelu_forward (c->fcg, c->fc, 4 * C);
      lw_nn_linear_forward (c->tmp, c->fcg, W (li->fcpw), W (li->fcpb), 1, 4 * C, C);
    }
  lw_nn_residual_layernorm_forward (x2, c->hidden, c->mean, c->rstd, x, c->tmp, W (g->lnfw),
                                    W (g->lnfb), 1, C, LN_EPS);
  if (logits != NULL)
    lw_nn_linear_forward (logits, c->hidden, W (g->wte), NULL, 1, C, g->cfg.vocab_padded);
  if (hidden != NULL)
    memcpy (hidden, c->hidden, C * sizeof (float));
  c->len++;
  return TRUE;
}
