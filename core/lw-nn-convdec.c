/* lw-nn-convdec.c — the small convolutional decoder (latent planes → packet channels)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Activations that backward needs live in one arena (grown on demand), the activation
 * gradients in a second one created at the first backward. Each block's residual addition is
 * done in place on the conv2 output, so a block keeps six planes: h, GN1, SiLU1, conv1, GN2,
 * SiLU2. With groups = 0 there is no GroupNorm: the GN planes are the planes they would
 * normalise (no copies), and the norm backward passes the gradient through.
 */
#define G_LOG_DOMAIN "lw-nn-convdec"

#include "lw-nn-convdec.h"

#include <math.h>
#include <string.h>

#include "lw-nn-ops.h"

#define GN_EPS 1e-6f
#define ALIGN_FLOATS 16

typedef struct
{
  guint n1w, n1b, c1w, c1b, n2w, n2b, c2w, c2b;
} BlockIdx;

typedef struct
{
  float *gn1, *mean1, *rstd1, *s1, *c1, *gn2, *mean2, *rstd2, *s2;
} BlockActs;

struct _LwConvDec
{
  LwConvDecConfig cfg;
  LwNnParams *params;
  guint cinw, cinb, now, nob, coutw, coutb;
  BlockIdx *bi;

  float *acts;
  gsize acts_cap;   /* floats */
  float *x;         /* copy of the input (conv_in backward) */
  float **h;        /* blocks + 1 residual-stream planes [B, width, S] */
  BlockActs *ba;
  float *gno, *meano, *rstdo, *so, *y, *scratch;

  float *grads;
  gsize grads_cap;
  float *dh, *bufa, *bufb;

  guint batch, hh, ww;
  gboolean have_forward;
};

static gsize
round_up (gsize n)
{
  return (n + ALIGN_FLOATS - 1) / ALIGN_FLOATS * ALIGN_FLOATS;
}

static float *
carve (float *base, gsize *used, gsize n)
{
  float *p = base != NULL ? base + *used : NULL;
  *used += round_up (n);
  return p;
}

static gsize
conv_scratch (const LwConvDecConfig *c, gsize h, gsize w)
{
  gsize s = lw_nn_conv2d_scratch (c->in_channels, h, w, 3);
  s = MAX (s, lw_nn_conv2d_scratch (c->width, h, w, 3));
  return MAX (s, lw_nn_conv2d_scratch (c->width, h, w, 1));
}

/* Lays the activations out in base (NULL: only counts); returns the floats used */
static gsize
layout_acts (LwConvDec *d, float *base, gsize batch, gsize h, gsize w)
{
  const LwConvDecConfig *c = &d->cfg;
  gsize s = h * w, plane = batch * c->width * s, stats = batch * c->groups, used = 0;

  gboolean norm = c->groups > 0;

  d->x = carve (base, &used, batch * c->in_channels * s);
  for (guint i = 0; i <= c->blocks; i++)
    d->h[i] = carve (base, &used, plane);
  for (guint i = 0; i < c->blocks; i++)
    {
      BlockActs *a = &d->ba[i];
      a->gn1 = norm ? carve (base, &used, plane) : d->h[i];
      a->mean1 = carve (base, &used, stats);
      a->rstd1 = carve (base, &used, stats);
      a->s1 = carve (base, &used, plane);
      a->c1 = carve (base, &used, plane);
      a->gn2 = norm ? carve (base, &used, plane) : a->c1;
      a->mean2 = carve (base, &used, stats);
      a->rstd2 = carve (base, &used, stats);
      a->s2 = carve (base, &used, plane);
    }
  d->gno = norm ? carve (base, &used, plane) : d->h[c->blocks];
  d->meano = carve (base, &used, stats);
  d->rstdo = carve (base, &used, stats);
  d->so = carve (base, &used, plane);
  d->y = carve (base, &used, batch * c->out_channels * s);
  d->scratch = carve (base, &used, conv_scratch (c, h, w));
  return used;
}

static gsize
layout_grads (LwConvDec *d, float *base, gsize batch, gsize h, gsize w)
{
  gsize plane = batch * d->cfg.width * h * w, used = 0;

  d->dh = carve (base, &used, plane);
  d->bufa = carve (base, &used, plane);
  d->bufb = carve (base, &used, plane);
  return used;
}

static guint
declare (LwNnParams *p, const char *prefix, const char *suffix, guint ndim, gsize d0, gsize d1,
         gsize k)
{
  gsize shape[4] = { d0, d1, k, k };
  g_autofree char *name = g_strconcat (prefix, suffix, NULL);
  return lw_nn_params_declare (p, name, ndim, shape);
}

static void
init_conv (LwNnParams *p, guint wi, guint bi, gsize fan_in, LwRng *rng)
{
  /* PyTorch's Conv2d default: kaiming_uniform(a=√5) gives U(±1/√fan_in), and so the bias */
  double bound = 1.0 / sqrt ((double) fan_in);
  lw_nn_params_init_uniform (p, wi, bound, rng);
  lw_nn_params_init_uniform (p, bi, bound, rng);
}

LwConvDec *
lw_convdec_new (const LwConvDecConfig *config, guint64 seed)
{
  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (config->in_channels >= 1 && config->out_channels >= 1, NULL);
  g_return_val_if_fail (config->width >= 1 && config->width >= config->groups, NULL);
  g_return_val_if_fail (config->groups == 0 || config->width % config->groups == 0, NULL);

  LwConvDec *d = g_new0 (LwConvDec, 1);
  gsize Ci = config->in_channels, Cw = config->width, Co = config->out_channels;
  LwRng rng;

  d->cfg = *config;
  d->params = lw_nn_params_new ();
  d->bi = g_new0 (BlockIdx, MAX (config->blocks, 1));
  d->ba = g_new0 (BlockActs, MAX (config->blocks, 1));
  d->h = g_new0 (float *, config->blocks + 1);

  LwNnParams *p = d->params;
  d->cinw = declare (p, "conv_in", ".weight", 4, Cw, Ci, 3);
  d->cinb = declare (p, "conv_in", ".bias", 1, Cw, 0, 0);
  for (guint i = 0; i < config->blocks; i++)
    {
      g_autofree char *pre = g_strdup_printf ("blocks.%u.", i);
      BlockIdx *b = &d->bi[i];
      if (config->groups > 0)
        {
          b->n1w = declare (p, pre, "norm1.weight", 1, Cw, 0, 0);
          b->n1b = declare (p, pre, "norm1.bias", 1, Cw, 0, 0);
        }
      b->c1w = declare (p, pre, "conv1.weight", 4, Cw, Cw, 3);
      b->c1b = declare (p, pre, "conv1.bias", 1, Cw, 0, 0);
      if (config->groups > 0)
        {
          b->n2w = declare (p, pre, "norm2.weight", 1, Cw, 0, 0);
          b->n2b = declare (p, pre, "norm2.bias", 1, Cw, 0, 0);
        }
      b->c2w = declare (p, pre, "conv2.weight", 4, Cw, Cw, 3);
      b->c2b = declare (p, pre, "conv2.bias", 1, Cw, 0, 0);
    }
  if (config->groups > 0)
    {
      d->now = declare (p, "norm_out", ".weight", 1, Cw, 0, 0);
      d->nob = declare (p, "norm_out", ".bias", 1, Cw, 0, 0);
    }
  d->coutw = declare (p, "conv_out", ".weight", 4, Co, Cw, 1);
  d->coutb = declare (p, "conv_out", ".bias", 1, Co, 0, 0);
  lw_nn_params_allocate (p);

  lw_rng_seed (&rng, seed);
  init_conv (p, d->cinw, d->cinb, Ci * 9, &rng);
  for (guint i = 0; i < config->blocks; i++)
    {
      BlockIdx *b = &d->bi[i];
      if (config->groups > 0)
        lw_nn_params_init_constant (p, b->n1w, 1.0f);
      init_conv (p, b->c1w, b->c1b, Cw * 9, &rng);
      if (config->groups > 0)
        lw_nn_params_init_constant (p, b->n2w, 1.0f);
      init_conv (p, b->c2w, b->c2b, Cw * 9, &rng);
    }
  if (config->groups > 0)
    lw_nn_params_init_constant (p, d->now, 1.0f);
  /* a fresh decoder outputs exactly 0, so training starts from the linear decoder */
  lw_nn_params_init_constant (p, d->coutw, 0.0f);
  lw_nn_params_init_constant (p, d->coutb, 0.0f);
  return d;
}

void
lw_convdec_free (LwConvDec *dec)
{
  if (dec == NULL)
    return;
  lw_nn_params_free (dec->params);
  g_aligned_free (dec->acts);
  g_aligned_free (dec->grads);
  g_free (dec->bi);
  g_free (dec->ba);
  g_free (dec->h);
  g_free (dec);
}

const LwConvDecConfig *
lw_convdec_config (const LwConvDec *dec)
{
  g_return_val_if_fail (dec != NULL, NULL);
  return &dec->cfg;
}

LwNnParams *
lw_convdec_params (LwConvDec *dec)
{
  g_return_val_if_fail (dec != NULL, NULL);
  return dec->params;
}

#define W(i) lw_nn_params_value (d->params, (i))
#define DW(i) lw_nn_params_grad (d->params, (i))

/* GroupNorm, or nothing with groups = 0 (y is then x itself: layout_acts aliased them) */
static void
norm_forward (LwConvDec *d, float *y, float *mean, float *rstd, const float *x, guint wi,
              guint bi, gsize s)
{
  if (d->cfg.groups > 0)
    lw_nn_groupnorm_forward (y, mean, rstd, x, W (wi), W (bi), d->batch, d->cfg.width, s,
                             d->cfg.groups, GN_EPS);
}

/* Adds the norm's input gradient into dx (the identity's is dy itself) */
static void
norm_backward (LwConvDec *d, float *dx, const float *dy, const float *x, const float *mean,
               const float *rstd, guint wi, guint bi, gsize s)
{
  if (d->cfg.groups > 0)
    lw_nn_groupnorm_backward (dx, DW (wi), DW (bi), dy, x, mean, rstd, W (wi), d->batch,
                              d->cfg.width, s, d->cfg.groups);
  else
    lw_nn_accumulate (dx, dy, d->batch * d->cfg.width * s);
}

const float *
lw_convdec_forward (LwConvDec *d, const float *x, guint batch, guint h, guint w)
{
  g_return_val_if_fail (d != NULL && x != NULL, NULL);
  g_return_val_if_fail (batch >= 1 && h >= 1 && w >= 1, NULL);

  const LwConvDecConfig *c = &d->cfg;
  gsize s = (gsize) h * w, Cw = c->width;
  gsize need = layout_acts (d, NULL, batch, h, w);

  if (need > d->acts_cap)
    {
      g_aligned_free (d->acts);
      d->acts = g_aligned_alloc0 (need, sizeof (float), 64);
      d->acts_cap = need;
    }
  layout_acts (d, d->acts, batch, h, w);
  d->batch = batch;
  d->hh = h;
  d->ww = w;
  memcpy (d->x, x, batch * c->in_channels * s * sizeof (float));

  lw_nn_conv2d_forward (d->h[0], d->x, W (d->cinw), W (d->cinb), batch, c->in_channels, h, w,
                        Cw, 3, d->scratch);
  for (guint i = 0; i < c->blocks; i++)
    {
      BlockIdx *b = &d->bi[i];
      BlockActs *a = &d->ba[i];
      gsize plane = batch * Cw * s;

      norm_forward (d, a->gn1, a->mean1, a->rstd1, d->h[i], b->n1w, b->n1b, s);
      lw_nn_silu_forward (a->s1, a->gn1, plane);
      lw_nn_conv2d_forward (a->c1, a->s1, W (b->c1w), W (b->c1b), batch, Cw, h, w, Cw, 3,
                            d->scratch);
      norm_forward (d, a->gn2, a->mean2, a->rstd2, a->c1, b->n2w, b->n2b, s);
      lw_nn_silu_forward (a->s2, a->gn2, plane);
      lw_nn_conv2d_forward (d->h[i + 1], a->s2, W (b->c2w), W (b->c2b), batch, Cw, h, w, Cw, 3,
                            d->scratch);
      lw_nn_accumulate (d->h[i + 1], d->h[i], plane);   /* the skip connection */
    }
  norm_forward (d, d->gno, d->meano, d->rstdo, d->h[c->blocks], d->now, d->nob, s);
  lw_nn_silu_forward (d->so, d->gno, batch * Cw * s);
  lw_nn_conv2d_forward (d->y, d->so, W (d->coutw), W (d->coutb), batch, Cw, h, w,
                        c->out_channels, 1, d->scratch);
  d->have_forward = TRUE;
  return d->y;
}

void
lw_convdec_backward (LwConvDec *d, const float *dy, float *dx)
{
  g_return_if_fail (d != NULL && dy != NULL && d->have_forward);

  const LwConvDecConfig *c = &d->cfg;
  gsize batch = d->batch, h = d->hh, w = d->ww, s = h * w, Cw = c->width;
  gsize plane = batch * Cw * s, bytes = plane * sizeof (float);
  gsize need = layout_grads (d, NULL, batch, h, w);

  if (need > d->grads_cap)
    {
      g_aligned_free (d->grads);
      d->grads = g_aligned_alloc0 (need, sizeof (float), 64);
      d->grads_cap = need;
    }
  layout_grads (d, d->grads, batch, h, w);

  memset (d->bufa, 0, bytes);
  lw_nn_conv2d_backward (d->bufa, DW (d->coutw), DW (d->coutb), dy, d->so, W (d->coutw), batch,
                         Cw, h, w, c->out_channels, 1, d->scratch);
  memset (d->bufb, 0, bytes);
  lw_nn_silu_backward (d->bufb, d->bufa, d->gno, plane);
  memset (d->dh, 0, bytes);
  norm_backward (d, d->dh, d->bufb, d->h[c->blocks], d->meano, d->rstdo, d->now, d->nob, s);

  /* dh is the residual stream's gradient: the skip passes it on unchanged and the branch
   * adds its own share through GN1's backward */
  for (guint i = c->blocks; i-- > 0;)
    {
      BlockIdx *b = &d->bi[i];
      BlockActs *a = &d->ba[i];

      memset (d->bufa, 0, bytes);
      lw_nn_conv2d_backward (d->bufa, DW (b->c2w), DW (b->c2b), d->dh, a->s2, W (b->c2w), batch,
                             Cw, h, w, Cw, 3, d->scratch);
      memset (d->bufb, 0, bytes);
      lw_nn_silu_backward (d->bufb, d->bufa, a->gn2, plane);
      memset (d->bufa, 0, bytes);
      norm_backward (d, d->bufa, d->bufb, a->c1, a->mean2, a->rstd2, b->n2w, b->n2b, s);
      memset (d->bufb, 0, bytes);
      lw_nn_conv2d_backward (d->bufb, DW (b->c1w), DW (b->c1b), d->bufa, a->s1, W (b->c1w),
                             batch, Cw, h, w, Cw, 3, d->scratch);
      memset (d->bufa, 0, bytes);
      lw_nn_silu_backward (d->bufa, d->bufb, a->gn1, plane);
      norm_backward (d, d->dh, d->bufa, d->h[i], a->mean1, a->rstd1, b->n1w, b->n1b, s);
    }
  lw_nn_conv2d_backward (dx, DW (d->cinw), DW (d->cinb), d->dh, d->x, W (d->cinw), batch,
                         c->in_channels, h, w, Cw, 3, d->scratch);
}

double
lw_convdec_forward_flops (const LwConvDecConfig *config, guint batch, guint h, guint w)
{
  g_return_val_if_fail (config != NULL, 0.0);
  double s = (double) batch * h * w, Cw = config->width;
  double macs = config->in_channels * Cw * 9.0 + config->blocks * 2.0 * Cw * Cw * 9.0
                + Cw * config->out_channels;
  return 2.0 * s * macs;
}
