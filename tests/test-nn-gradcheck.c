/* test-nn-gradcheck.c — finite-difference gradient checks for every kernel in lw-nn-ops.h
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each op is wrapped as a scalar loss L = Σ r ⊙ y (random r, accumulated in double); its
 * backward, given dy = r, must match central differences of L in every input element. The
 * losses (cross-entropy, MSE, L1) are checked on their own value. Every check also runs the
 * backward a second time and expects the gradients to double (backward ADDS).
 */
#define G_LOG_DOMAIN "lw-test"

#include "lw-nn-ops.h"

#include <math.h>
#include <string.h>

#define STEP 1e-3
#define RTOL 1e-2
#define ATOL 5e-4

typedef struct _Op Op;

typedef struct
{
  const char *name;
  float      *p;      /* the input */
  float      *grad;   /* its gradient, filled by backward */
  gsize       n;
} Var;

struct _Op
{
  double (*forward)  (Op *op);   /* runs the forward, returns L */
  void   (*backward) (Op *op);   /* adds dL/d(input) into every var's grad */
  Var     vars[4];
  guint   n_vars;
};

static GRand *rng;

static float *
rand_buf (gsize n, double lo, double hi)
{
  float *p = g_new (float, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    p[i] = (float) g_rand_double_range (rng, lo, hi);
  return p;
}

static double
dot_r (const float *r, const float *y, gsize n)
{
  double s = 0.0;
  for (gsize i = 0; i < n; i++)
    s += (double) r[i] * y[i];
  return s;
}

/* Runs the two checks on op; names the op and element on failure */
static void
gradcheck (Op *op, const char *what)
{
  /* backward ADDS: twice gives twice */
  float *first[G_N_ELEMENTS (op->vars)];
  for (guint v = 0; v < op->n_vars; v++)
    memset (op->vars[v].grad, 0, op->vars[v].n * sizeof (float));
  op->forward (op);
  op->backward (op);
  for (guint v = 0; v < op->n_vars; v++)
    first[v] = g_memdup2 (op->vars[v].grad, op->vars[v].n * sizeof (float));
  op->backward (op);
  for (guint v = 0; v < op->n_vars; v++)
    {
      for (gsize i = 0; i < op->vars[v].n; i++)
        {
          double twice = 2.0 * first[v][i];
          if (fabs (op->vars[v].grad[i] - twice) > 1e-5 * (fabs (twice) + 1e-3))
            g_error ("%s: d%s[%zu] after two backwards is %g, not 2 × %g", what,
                     op->vars[v].name, i, op->vars[v].grad[i], first[v][i]);
        }
    }

  double worst = 0.0;
  for (guint v = 0; v < op->n_vars; v++)
    {
      Var *var = &op->vars[v];
      for (gsize i = 0; i < var->n; i++)
        {
          float keep = var->p[i];
          float up = (float) (keep + STEP), down = (float) (keep - STEP);
          var->p[i] = up;
          double lp = op->forward (op);
          var->p[i] = down;
          double lm = op->forward (op);
          var->p[i] = keep;
          double num = (lp - lm) / ((double) up - (double) down);
          double ana = first[v][i];
          double err = fabs (num - ana);
          double allowed = RTOL * MAX (fabs (num), fabs (ana)) + ATOL;
          worst = MAX (worst, err / allowed);
          if (err > allowed)
            g_error ("%s: d%s[%zu] analytic %.7g, finite difference %.7g", what, var->name,
                     i, ana, num);
        }
    }
  op->forward (op);   /* leave the op's outputs as of the unperturbed inputs */
  g_test_message ("%s: worst error %.3f of the tolerance", what, worst);
  for (guint v = 0; v < op->n_vars; v++)
    g_free (first[v]);
}

/* ---- linear -------------------------------------------------------------------------------- */

typedef struct
{
  Op     op;
  gsize  n, in, out;
  float *x, *w, *b, *y, *r, *dx, *dw, *db;
  gboolean bias;
} LinearOp;

static double
linear_fwd (Op *op)
{
  LinearOp *l = (LinearOp *) op;
  lw_nn_linear_forward (l->y, l->x, l->w, l->bias ? l->b : NULL, l->n, l->in, l->out);
  return dot_r (l->r, l->y, l->n * l->out);
}

static void
linear_bwd (Op *op)
{
  LinearOp *l = (LinearOp *) op;
  lw_nn_linear_backward (l->dx, l->dw, l->bias ? l->db : NULL, l->r, l->x, l->w, l->n, l->in,
                         l->out);
}

static void
test_linear (void)
{
  for (int bias = 0; bias <= 1; bias++)
    {
      LinearOp l = { .n = 2 * 3, .in = 7, .out = 5, .bias = bias };
      l.x = rand_buf (l.n * l.in, -1, 1);
      l.w = rand_buf (l.out * l.in, -1, 1);
      l.b = rand_buf (l.out, -1, 1);
      l.y = rand_buf (l.n * l.out, 0, 0);
      l.r = rand_buf (l.n * l.out, -1, 1);
      l.dx = g_new (float, l.n * l.in);
      l.dw = g_new (float, l.out * l.in);
      l.db = g_new (float, l.out);
      l.op = (Op) { linear_fwd, linear_bwd,
                    { { "x", l.x, l.dx, l.n * l.in }, { "w", l.w, l.dw, l.out * l.in },
                      { "b", l.b, l.db, l.out } }, bias ? 3 : 2 };
      gradcheck (&l.op, bias ? "linear" : "linear (no bias)");

      /* NULL gradients are skipped and do not change the others */
      float *dw2 = g_new0 (float, l.out * l.in);
      memset (l.dw, 0, l.out * l.in * sizeof (float));
      lw_nn_linear_backward (NULL, l.dw, NULL, l.r, l.x, l.w, l.n, l.in, l.out);
      lw_nn_linear_backward (l.dx, dw2, l.db, l.r, l.x, l.w, l.n, l.in, l.out);
      for (gsize i = 0; i < l.out * l.in; i++)
        g_assert_cmpfloat_with_epsilon (l.dw[i], dw2[i], 1e-6);
      lw_nn_linear_backward (NULL, NULL, NULL, l.r, l.x, l.w, l.n, l.in, l.out);
      g_free (dw2);
      g_free (l.x); g_free (l.w); g_free (l.b); g_free (l.y); g_free (l.r);
      g_free (l.dx); g_free (l.dw); g_free (l.db);
    }
}

/* ---- convolutions -------------------------------------------------------------------------- */

typedef struct
{
  Op     op;
  gboolean one_d;
  gsize  batch, cin, h, w, cout;
  guint  k;
  float *x, *wt, *b, *y, *r, *dx, *dw, *db, *scratch;
} ConvOp;

static double
conv_fwd (Op *op)
{
  ConvOp *c = (ConvOp *) op;
  if (c->one_d)
    lw_nn_conv1d_forward (c->y, c->x, c->wt, c->b, c->batch, c->cin, c->w, c->cout, c->k,
                          c->scratch);
  else
    lw_nn_conv2d_forward (c->y, c->x, c->wt, c->b, c->batch, c->cin, c->h, c->w, c->cout,
                          c->k, c->scratch);
  return dot_r (c->r, c->y, c->batch * c->cout * c->h * c->w);
}

static void
conv_bwd (Op *op)
{
  ConvOp *c = (ConvOp *) op;
  if (c->one_d)
    lw_nn_conv1d_backward (c->dx, c->dw, c->db, c->r, c->x, c->wt, c->batch, c->cin, c->w,
                           c->cout, c->k, c->scratch);
  else
    lw_nn_conv2d_backward (c->dx, c->dw, c->db, c->r, c->x, c->wt, c->batch, c->cin, c->h,
                           c->w, c->cout, c->k, c->scratch);
}

static void
check_conv (gboolean one_d, gsize batch, gsize cin, gsize h, gsize w, gsize cout, guint k)
{
  ConvOp c = { .one_d = one_d, .batch = batch, .cin = cin, .h = one_d ? 1 : h, .w = w,
               .cout = cout, .k = k };
  gsize kk = one_d ? k : k * k;
  gsize nx = batch * cin * c.h * w, ny = batch * cout * c.h * w, nw = cout * cin * kk;
  gsize ns = one_d ? lw_nn_conv1d_scratch (cin, w, k) : lw_nn_conv2d_scratch (cin, h, w, k);
  c.x = rand_buf (nx, -1, 1);
  c.wt = rand_buf (nw, -1, 1);
  c.b = rand_buf (cout, -1, 1);
  c.y = rand_buf (ny, 0, 0);
  c.r = rand_buf (ny, -1, 1);
  c.dx = g_new (float, nx);
  c.dw = g_new (float, nw);
  c.db = g_new (float, cout);
  c.scratch = g_new (float, MAX (ns, 1));
  c.op = (Op) { conv_fwd, conv_bwd,
                { { "x", c.x, c.dx, nx }, { "w", c.wt, c.dw, nw }, { "b", c.b, c.db, cout } },
                3 };
  g_autofree char *what = one_d
    ? g_strdup_printf ("conv1d k=%u [%zu,%zu,%zu]→%zu", k, batch, cin, w, cout)
    : g_strdup_printf ("conv2d k=%u [%zu,%zu,%zu,%zu]→%zu", k, batch, cin, h, w, cout);
  gradcheck (&c.op, what);
  g_free (c.x); g_free (c.wt); g_free (c.b); g_free (c.y); g_free (c.r);
  g_free (c.dx); g_free (c.dw); g_free (c.db); g_free (c.scratch);
}

static void
test_conv2d (void)
{
  check_conv (FALSE, 2, 3, 5, 4, 4, 1);
  check_conv (FALSE, 2, 3, 5, 6, 2, 3);
  check_conv (FALSE, 2, 2, 3, 2, 3, 5);   /* kernel wider than the image */
}

static void
test_conv1d (void)
{
  check_conv (TRUE, 2, 3, 1, 7, 4, 1);
  check_conv (TRUE, 2, 3, 1, 7, 4, 3);
  check_conv (TRUE, 2, 3, 1, 9, 2, 5);
  check_conv (TRUE, 2, 2, 1, 3, 3, 5);    /* kernel longer than the signal */
}

/* ---- norms --------------------------------------------------------------------------------- */

typedef struct
{
  Op     op;
  gboolean group, residual;
  gsize  batch, c, s;   /* LayerNorm: batch = rows, s unused */
  guint  groups;
  float *x, *x2, *g, *be, *y, *res, *mean, *rstd, *r, *r2, *dx, *dx2, *dg, *db, *dres;
} NormOp;

static double
norm_fwd (Op *op)
{
  NormOp *nm = (NormOp *) op;
  if (nm->group)
    {
      lw_nn_groupnorm_forward (nm->y, nm->mean, nm->rstd, nm->x, nm->g, nm->be, nm->batch,
                               nm->c, nm->s, nm->groups, 1e-5f);
      return dot_r (nm->r, nm->y, nm->batch * nm->c * nm->s);
    }
  if (nm->residual)
    {
      lw_nn_residual_layernorm_forward (nm->res, nm->y, nm->mean, nm->rstd, nm->x, nm->x2,
                                        nm->g, nm->be, nm->batch, nm->c, 1e-5f);
      return dot_r (nm->r, nm->y, nm->batch * nm->c)
             + dot_r (nm->r2, nm->res, nm->batch * nm->c);
    }
  lw_nn_layernorm_forward (nm->y, nm->mean, nm->rstd, nm->x, nm->g, nm->be, nm->batch, nm->c,
                           1e-5f);
  return dot_r (nm->r, nm->y, nm->batch * nm->c);
}

static void
norm_bwd (Op *op)
{
  NormOp *nm = (NormOp *) op;
  if (nm->group)
    lw_nn_groupnorm_backward (nm->dx, nm->dg, nm->db, nm->r, nm->x, nm->mean, nm->rstd, nm->g,
                              nm->batch, nm->c, nm->s, nm->groups);
  else if (nm->residual)
    {
      /* the stream's gradient is r2 plus the norm's; both branch inputs receive it */
      gsize n = nm->batch * nm->c;
      memcpy (nm->dres, nm->r2, n * sizeof (float));
      lw_nn_layernorm_backward (nm->dres, nm->dg, nm->db, nm->r, nm->res, nm->mean, nm->rstd,
                                nm->g, nm->batch, nm->c);
      lw_nn_accumulate (nm->dx, nm->dres, n);
      lw_nn_accumulate (nm->dx2, nm->dres, n);
    }
  else
    lw_nn_layernorm_backward (nm->dx, nm->dg, nm->db, nm->r, nm->x, nm->mean, nm->rstd,
                              nm->g, nm->batch, nm->c);
}

static void
check_norm (gboolean group, gboolean residual, gsize batch, gsize c, gsize s, guint groups)
{
  NormOp nm = { .group = group, .residual = residual, .batch = batch, .c = c,
                .s = group ? s : 1, .groups = groups };
  gsize n = batch * c * nm.s;
  gsize nstat = group ? batch * groups : batch;
  nm.x = rand_buf (n, -2, 2);
  nm.x2 = rand_buf (n, -2, 2);
  nm.g = rand_buf (c, 0.5, 1.5);
  nm.be = rand_buf (c, -0.5, 0.5);
  nm.y = rand_buf (n, 0, 0);
  nm.res = rand_buf (n, 0, 0);
  nm.r = rand_buf (n, -1, 1);
  nm.r2 = rand_buf (n, -1, 1);
  nm.mean = rand_buf (nstat, 0, 0);
  nm.rstd = rand_buf (nstat, 0, 0);
  nm.dx = g_new (float, n);
  nm.dx2 = g_new (float, n);
  nm.dres = g_new (float, n);
  nm.dg = g_new (float, c);
  nm.db = g_new (float, c);
  nm.op = (Op) { norm_fwd, norm_bwd,
                 { { "x", nm.x, nm.dx, n }, { "gamma", nm.g, nm.dg, c },
                   { "beta", nm.be, nm.db, c }, { "b", nm.x2, nm.dx2, n } },
                 residual ? 4 : 3 };
  g_autofree char *what = group
    ? g_strdup_printf ("groupnorm [%zu,%zu,%zu] G=%u", batch, c, s, groups)
    : g_strdup_printf ("%slayernorm [%zu,%zu]", residual ? "residual+" : "", batch, c);
  gradcheck (&nm.op, what);

  if (residual)
    for (gsize i = 0; i < n; i++)
      g_assert_cmpfloat (nm.res[i], ==, nm.x[i] + nm.x2[i]);

  /* NULL gradients: dx alone equals dx of the full call */
  if (!residual)
    {
      float *dxa = g_new0 (float, n);
      memset (nm.dx, 0, n * sizeof (float));
      norm_bwd (&nm.op);
      float *keep = nm.dx;
      nm.dx = dxa;
      nm.dg = nm.db = NULL;
      norm_bwd (&nm.op);
      for (gsize i = 0; i < n; i++)
        g_assert_cmpfloat_with_epsilon (dxa[i], keep[i], 1e-5);
      nm.dx = NULL;
      norm_bwd (&nm.op);
      nm.dx = keep;
      g_free (dxa);
      nm.dg = nm.op.vars[1].grad;
      nm.db = nm.op.vars[2].grad;
    }
  g_free (nm.x); g_free (nm.x2); g_free (nm.g); g_free (nm.be); g_free (nm.y);
  g_free (nm.res); g_free (nm.r); g_free (nm.r2); g_free (nm.mean); g_free (nm.rstd);
  g_free (nm.dx); g_free (nm.dx2); g_free (nm.dres); g_free (nm.dg); g_free (nm.db);
}

static void
test_groupnorm (void)
{
  check_norm (TRUE, FALSE, 2, 6, 5, 3);
  check_norm (TRUE, FALSE, 2, 4, 9, 1);
  check_norm (TRUE, FALSE, 1, 3, 7, 3);
}

static void
test_layernorm (void)
{
  check_norm (FALSE, FALSE, 5, 7, 0, 0);
  check_norm (FALSE, FALSE, 3, 12, 0, 0);
}

static void
test_residual_layernorm (void)
{
  check_norm (FALSE, TRUE, 5, 9, 0, 0);
}

/* ---- elementwise --------------------------------------------------------------------------- */

typedef struct
{
  Op     op;
  int    kind;   /* 0 silu, 1 gelu, 2 add */
  gsize  n;
  float *x, *x2, *y, *r, *dx, *dx2;
} EltOp;

static double
elt_fwd (Op *op)
{
  EltOp *e = (EltOp *) op;
  if (e->kind == 0)
    lw_nn_silu_forward (e->y, e->x, e->n);
  else if (e->kind == 1)
    lw_nn_gelu_forward (e->y, e->x, e->n);
  else
    lw_nn_add_forward (e->y, e->x, e->x2, e->n);
  return dot_r (e->r, e->y, e->n);
}

static void
elt_bwd (Op *op)
{
  EltOp *e = (EltOp *) op;
  if (e->kind == 0)
    lw_nn_silu_backward (e->dx, e->r, e->x, e->n);
  else if (e->kind == 1)
    lw_nn_gelu_backward (e->dx, e->r, e->x, e->n);
  else
    {
      lw_nn_accumulate (e->dx, e->r, e->n);
      lw_nn_accumulate (e->dx2, e->r, e->n);
    }
}

static void
check_elt (int kind, const char *what)
{
  EltOp e = { .kind = kind, .n = 37 };
  e.x = rand_buf (e.n, -5, 5);
  e.x2 = rand_buf (e.n, -5, 5);
  e.y = rand_buf (e.n, 0, 0);
  e.r = rand_buf (e.n, -1, 1);
  e.dx = g_new (float, e.n);
  e.dx2 = g_new (float, e.n);
  e.op = (Op) { elt_fwd, elt_bwd, { { "x", e.x, e.dx, e.n }, { "b", e.x2, e.dx2, e.n } },
                kind == 2 ? 2 : 1 };
  gradcheck (&e.op, what);

  /* in place gives the same values */
  if (kind < 2)
    {
      float *copy = g_memdup2 (e.x, e.n * sizeof (float));
      if (kind == 0)
        lw_nn_silu_forward (copy, copy, e.n);
      else
        lw_nn_gelu_forward (copy, copy, e.n);
      for (gsize i = 0; i < e.n; i++)
        g_assert_cmpfloat (copy[i], ==, e.y[i]);
      g_free (copy);
    }
  g_free (e.x); g_free (e.x2); g_free (e.y); g_free (e.r); g_free (e.dx); g_free (e.dx2);
}

static void
test_silu (void)
{
  check_elt (0, "silu");
}

static void
test_gelu (void)
{
  check_elt (1, "gelu");
  /* extreme inputs saturate cleanly */
  float x[6] = { -200.0f, -30.0f, 0.0f, 30.0f, 200.0f, 1e-30f }, y[6];
  lw_nn_gelu_forward (y, x, 6);
  g_assert_cmpfloat_with_epsilon (y[0], 0.0, 1e-30);
  g_assert_cmpfloat_with_epsilon (y[1], 0.0, 1e-30);
  g_assert_cmpfloat (y[2], ==, 0.0);
  g_assert_cmpfloat (y[3], ==, 30.0);
  g_assert_cmpfloat (y[4], ==, 200.0);
  g_assert_cmpfloat_with_epsilon (y[5], 0.5e-30, 1e-36);
}

static void
test_add (void)
{
  check_elt (2, "add");
}

/* ---- embeddings ---------------------------------------------------------------------------- */

typedef struct
{
  Op     op;
  gsize  batch, t, c, vocab;
  int   *tokens;
  float *wte, *wpe, *y, *r, *dwte, *dwpe;
} EmbOp;

static double
emb_fwd (Op *op)
{
  EmbOp *e = (EmbOp *) op;
  lw_nn_embedding_forward (e->y, e->tokens, e->wte, e->wpe, e->batch, e->t, e->c);
  return dot_r (e->r, e->y, e->batch * e->t * e->c);
}

static void
emb_bwd (Op *op)
{
  EmbOp *e = (EmbOp *) op;
  lw_nn_embedding_backward (e->dwte, e->dwpe, e->r, e->tokens, e->batch, e->t, e->c);
}

static void
test_embedding (void)
{
  int tokens[2 * 5] = { 3, 1, 3, 0, 6, 6, 2, 3, 3, 5 };   /* repeats, one row never used */
  EmbOp e = { .batch = 2, .t = 5, .c = 7, .vocab = 8, .tokens = tokens };
  gsize tmax = 6;
  e.wte = rand_buf (e.vocab * e.c, -1, 1);
  e.wpe = rand_buf (tmax * e.c, -1, 1);
  e.y = rand_buf (e.batch * e.t * e.c, 0, 0);
  e.r = rand_buf (e.batch * e.t * e.c, -1, 1);
  e.dwte = g_new (float, e.vocab * e.c);
  e.dwpe = g_new (float, tmax * e.c);
  e.op = (Op) { emb_fwd, emb_bwd,
                { { "wte", e.wte, e.dwte, e.vocab * e.c }, { "wpe", e.wpe, e.dwpe, tmax * e.c } },
                2 };
  gradcheck (&e.op, "embedding");
  g_free (e.wte); g_free (e.wpe); g_free (e.y); g_free (e.r); g_free (e.dwte); g_free (e.dwpe);
}

/* ---- attention ----------------------------------------------------------------------------- */

typedef struct
{
  Op     op;
  gsize  batch, t, c;
  guint  heads;
  float *qkv, *y, *att, *r, *dqkv, *scratch;
} AttOp;

static double
att_fwd (Op *op)
{
  AttOp *a = (AttOp *) op;
  lw_nn_attention_forward (a->y, a->att, a->qkv, a->batch, a->t, a->c, a->heads, a->scratch);
  return dot_r (a->r, a->y, a->batch * a->t * a->c);
}

static void
att_bwd (Op *op)
{
  AttOp *a = (AttOp *) op;
  lw_nn_attention_backward (a->dqkv, a->r, a->qkv, a->att, a->batch, a->t, a->c, a->heads,
                            a->scratch);
}

static void
check_attention (gsize batch, gsize t, gsize c, guint heads)
{
  AttOp a = { .batch = batch, .t = t, .c = c, .heads = heads };
  gsize nqkv = batch * t * 3 * c, ny = batch * t * c;
  a.qkv = rand_buf (nqkv, -1.5, 1.5);
  a.y = rand_buf (ny, 0, 0);
  a.att = rand_buf (batch * heads * t * t, 0, 0);
  a.r = rand_buf (ny, -1, 1);
  a.dqkv = g_new (float, nqkv);
  a.scratch = g_new (float, lw_nn_attention_scratch (t, c, heads));
  a.op = (Op) { att_fwd, att_bwd, { { "qkv", a.qkv, a.dqkv, nqkv } }, 1 };
  g_autofree char *what = g_strdup_printf ("attention B=%zu T=%zu C=%zu heads=%u", batch, t, c,
                                           heads);
  gradcheck (&a.op, what);

  /* probabilities: rows sum to one, nothing above the diagonal */
  for (gsize bh = 0; bh < batch * heads; bh++)
    for (gsize i = 0; i < t; i++)
      {
        double s = 0.0;
        for (gsize j = 0; j < t; j++)
          {
            float p = a.att[(bh * t + i) * t + j];
            if (j > i)
              g_assert_cmpfloat (p, ==, 0.0f);
            s += p;
          }
        g_assert_cmpfloat_with_epsilon (s, 1.0, 1e-5);
      }

  /* the KV-cache step reproduces each row of the full forward */
  float *kc = g_new (float, t * c), *vc = g_new (float, t * c), *ys = g_new (float, c);
  float *sc = g_new (float, t);
  for (gsize b = 0; b < batch; b++)
    for (gsize pos = 0; pos < t; pos++)
      {
        const float *row = a.qkv + (b * t + pos) * 3 * c;
        memcpy (kc + pos * c, row + c, c * sizeof (float));
        memcpy (vc + pos * c, row + 2 * c, c * sizeof (float));
        lw_nn_attention_step (ys, row, kc, vc, pos, c, heads, sc);
        for (gsize j = 0; j < c; j++)
          g_assert_cmpfloat_with_epsilon (ys[j], a.y[(b * t + pos) * c + j], 1e-5);
      }
  g_free (kc); g_free (vc); g_free (ys); g_free (sc);
  g_free (a.qkv); g_free (a.y); g_free (a.att); g_free (a.r); g_free (a.dqkv);
  g_free (a.scratch);
}

static void
test_attention (void)
{
  check_attention (2, 5, 6, 2);
  check_attention (2, 7, 8, 4);
  check_attention (1, 9, 5, 1);
}

/* ---- losses -------------------------------------------------------------------------------- */

typedef struct
{
  Op     op;
  int    kind;   /* 0 cross-entropy, 1 mse, 2 l1 */
  gsize  n, vocab, stride;
  int   *targets;
  float  scale;
  float *x, *target, *dx, *tmp;
} LossOp;

static double
loss_value (LossOp *l, float *d)
{
  if (l->kind == 0)
    return lw_nn_cross_entropy (d, NULL, l->x, l->targets, l->n, l->vocab, l->stride,
                                l->scale);
  if (l->kind == 1)
    return lw_nn_mse (d, l->x, l->target, l->n, l->scale);
  return lw_nn_l1 (d, l->x, l->target, l->n, l->scale);
}

static double
loss_fwd (Op *op)
{
  LossOp *l = (LossOp *) op;
  return l->scale * loss_value (l, NULL);
}

static void
loss_bwd (Op *op)
{
  /* the losses overwrite their gradient; add it in here so the generic doubling check holds */
  LossOp *l = (LossOp *) op;
  gsize n = l->op.vars[0].n;
  loss_value (l, l->tmp);
  lw_nn_accumulate (l->dx, l->tmp, n);
}

static void
check_loss (int kind, float scale)
{
  int targets[7] = { 2, -1, 0, 4, 4, -1, 1 };
  LossOp l = { .kind = kind, .n = kind == 0 ? 7 : 11, .vocab = 5, .stride = 8,
               .targets = targets, .scale = scale };
  gsize nx = kind == 0 ? l.n * l.stride : l.n;
  l.x = rand_buf (nx, -3, 3);
  l.target = rand_buf (nx, -3, 3);
  if (kind == 2)   /* keep away from the kink of |d| */
    for (gsize i = 0; i < nx; i++)
      if (fabsf (l.x[i] - l.target[i]) < 0.05f)
        l.target[i] += 0.1f;
  l.dx = g_new (float, nx);
  l.tmp = g_new (float, nx);
  l.op = (Op) { loss_fwd, loss_bwd, { { "x", l.x, l.dx, nx } }, 1 };
  const char *names[] = { "cross-entropy", "mse", "l1" };
  g_autofree char *what = g_strdup_printf ("%s scale=%g", names[kind], scale);
  gradcheck (&l.op, what);

  if (kind == 0)
    {
      /* ignored rows and padded columns get exactly zero; probs is the softmax */
      float *probs = g_new (float, nx);
      double loss = lw_nn_cross_entropy (l.tmp, probs, l.x, targets, l.n, l.vocab, l.stride,
                                         scale);
      double ref = 0.0;
      int counted = 0;
      for (gsize i = 0; i < l.n; i++)
        {
          const float *row = l.x + i * l.stride;
          double m = -INFINITY, s = 0.0;
          for (gsize j = 0; j < l.vocab; j++)
            m = MAX (m, row[j]);
          for (gsize j = 0; j < l.vocab; j++)
            s += exp (row[j] - m);
          for (gsize j = 0; j < l.stride; j++)
            {
              double p = j < l.vocab ? exp (row[j] - m) / s : 0.0;
              g_assert_cmpfloat_with_epsilon (probs[i * l.stride + j], p, 1e-6);
              if (j >= l.vocab || targets[i] < 0)
                g_assert_cmpfloat (l.tmp[i * l.stride + j], ==, 0.0f);
            }
          if (targets[i] >= 0)
            {
              ref += m + log (s) - row[targets[i]];
              counted++;
            }
        }
      g_assert_cmpfloat_with_epsilon (loss, ref / counted, 1e-6);

      /* nothing counted: loss 0, gradient all zero */
      int none[7] = { -1, -1, -1, -1, -1, -1, -1 };
      for (gsize i = 0; i < nx; i++)
        l.tmp[i] = 1.0f;
      loss = lw_nn_cross_entropy (l.tmp, NULL, l.x, none, l.n, l.vocab, l.stride, scale);
      g_assert_cmpfloat (loss, ==, 0.0);
      for (gsize i = 0; i < nx; i++)
        g_assert_cmpfloat (l.tmp[i], ==, 0.0f);
      g_free (probs);
    }
  g_free (l.x); g_free (l.target); g_free (l.dx); g_free (l.tmp);
}

static void
test_cross_entropy (void)
{
  check_loss (0, 1.0f);
  check_loss (0, 0.5f);
}

static void
test_mse (void)
{
  check_loss (1, 1.0f);
  check_loss (1, 3.0f);
}

static void
test_l1 (void)
{
  check_loss (2, 1.0f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  rng = g_rand_new_with_seed (20240605);

  g_test_add_func ("/nn/gradcheck/linear", test_linear);
  g_test_add_func ("/nn/gradcheck/conv2d", test_conv2d);
  g_test_add_func ("/nn/gradcheck/conv1d", test_conv1d);
  g_test_add_func ("/nn/gradcheck/groupnorm", test_groupnorm);
  g_test_add_func ("/nn/gradcheck/layernorm", test_layernorm);
  g_test_add_func ("/nn/gradcheck/residual-layernorm", test_residual_layernorm);
  g_test_add_func ("/nn/gradcheck/silu", test_silu);
  g_test_add_func ("/nn/gradcheck/gelu", test_gelu);
  g_test_add_func ("/nn/gradcheck/add", test_add);
  g_test_add_func ("/nn/gradcheck/embedding", test_embedding);
  g_test_add_func ("/nn/gradcheck/attention", test_attention);
  g_test_add_func ("/nn/gradcheck/cross-entropy", test_cross_entropy);
  g_test_add_func ("/nn/gradcheck/mse", test_mse);
  g_test_add_func ("/nn/gradcheck/l1", test_l1);

  int ret = g_test_run ();
  g_rand_free (rng);
  return ret;
}
