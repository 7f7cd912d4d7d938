/* lw-nn-params.c — the parameter arena, deterministic random numbers, AdamW and its schedule
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-nn-params"

#include "lw-nn-params.h"

#include <math.h>
#include <string.h>

#define ARENA_ALIGN 64 /* a cache line, and enough for any SIMD width BLAS uses */

/* ---- random numbers ---------------------------------------------------------------------- */

static inline guint64
rotl (guint64 x, int k)
{
  return (x << k) | (x >> (64 - k));
}

static inline guint64
splitmix64 (guint64 *x)
{
  guint64 z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void
lw_rng_seed (LwRng *rng, guint64 seed)
{
  g_return_if_fail (rng != NULL);
  /* splitmix64 never yields four zero words, the one state xoshiro cannot leave */
  for (int i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&seed);
}

guint64
lw_rng_next (LwRng *rng)
{
  guint64 *s = rng->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

double
lw_rng_uniform (LwRng *rng)
{
  return (double) (lw_rng_next (rng) >> 11) * 0x1.0p-53;
}

double
lw_rng_normal (LwRng *rng)
{
  /* 1 − u lies in (0, 1], so the logarithm is finite */
  double u1 = 1.0 - lw_rng_uniform (rng);
  double u2 = lw_rng_uniform (rng);
  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

guint32
lw_rng_below (LwRng *rng, guint32 n)
{
  g_return_val_if_fail (n >= 1, 0);
  /* Lemire's multiply-and-reject on the high 32 bits: unbiased, rarely loops */
  guint64 m = (lw_rng_next (rng) >> 32) * (guint64) n;
  guint32 low = (guint32) m;
  if (low < n)
    {
      guint32 threshold = (guint32) (-n) % n;
      while (low < threshold)
        {
          m = (lw_rng_next (rng) >> 32) * (guint64) n;
          low = (guint32) m;
        }
    }
  return (guint32) (m >> 32);
}

/* ---- the arena --------------------------------------------------------------------------- */

typedef struct
{
  char    *name;
  guint    ndim;
  gsize    shape[LW_NN_MAX_DIMS];
  gsize    numel;
  gsize    offset;     /* floats from the start of either arena */
  gboolean trainable;
  gboolean decay;
} Tensor;

struct _LwNnParams
{
  GArray     *tensors;   /* Tensor */
  GHashTable *by_name;   /* name (borrowed) → index + 1 */
  gsize       total;
  float      *values;    /* NULL until allocated */
  float      *grads;
  gboolean    shadow;    /* values borrowed from another arena (lw_nn_params_new_shadow) */
};

static float *
arena_new (gsize n)
{
  /* at least one float, so an empty model still has non-NULL arenas */
  return g_aligned_alloc0 (MAX (n, 1), sizeof (float), ARENA_ALIGN);
}

static void
tensor_clear (gpointer p)
{
  g_free (((Tensor *) p)->name);
}

LwNnParams *
lw_nn_params_new (void)
{
  LwNnParams *p = g_new0 (LwNnParams, 1);
  p->tensors = g_array_new (FALSE, FALSE, sizeof (Tensor));
  g_array_set_clear_func (p->tensors, tensor_clear);
  p->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  return p;
}

void
lw_nn_params_free (LwNnParams *p)
{
  if (p == NULL)
    return;
  g_hash_table_unref (p->by_name);
  g_array_unref (p->tensors);
  if (!p->shadow)
    g_aligned_free (p->values);
  g_aligned_free (p->grads);
  g_free (p);
}

LwNnParams *
lw_nn_params_new_shadow (LwNnParams *src)
{
  g_return_val_if_fail (src != NULL && src->values != NULL, NULL);
  LwNnParams *p = g_new0 (LwNnParams, 1);
  /* the same Tensor records, so the source's trainable and decay flags hold here too */
  p->tensors = g_array_ref (src->tensors);
  p->by_name = g_hash_table_ref (src->by_name);
  p->total = src->total;
  p->values = src->values;
  p->grads = arena_new (p->total);
  p->shadow = TRUE;
  return p;
}

void
lw_nn_params_add_grads (LwNnParams *dst, const LwNnParams *src)
{
  g_return_if_fail (dst != NULL && src != NULL && dst->tensors == src->tensors);
  float *restrict d = dst->grads;
  const float *restrict s = src->grads;
  for (gsize i = 0; i < dst->total; i++)
    d[i] += s[i];
}

#define TENSOR(p, i) (&g_array_index ((p)->tensors, Tensor, (i)))

guint
lw_nn_params_declare (LwNnParams *p, const char *name, guint ndim, const gsize *shape)
{
  g_return_val_if_fail (p != NULL && name != NULL && name[0] != '\0', G_MAXUINT);
  g_return_val_if_fail (p->values == NULL, G_MAXUINT);
  g_return_val_if_fail (ndim <= LW_NN_MAX_DIMS && (ndim == 0 || shape != NULL), G_MAXUINT);
  g_return_val_if_fail (!g_hash_table_contains (p->by_name, name), G_MAXUINT);

  Tensor t = { g_strdup (name), ndim, { 0 }, 1, p->total, TRUE, ndim >= 2 };
  for (guint d = 0; d < ndim; d++)
    {
      t.shape[d] = shape[d];
      if (!g_size_checked_mul (&t.numel, t.numel, shape[d]))
        g_error ("tensor '%s': the shape overflows", name);
    }
  if (!g_size_checked_add (&p->total, p->total, t.numel)
      || p->total > G_MAXSIZE / sizeof (float))
    g_error ("tensor '%s': the parameters overflow the address space", name);
  g_array_append_val (p->tensors, t);
  guint index = p->tensors->len - 1;
  g_hash_table_insert (p->by_name, TENSOR (p, index)->name, GUINT_TO_POINTER (index + 1));
  return index;
}

void
lw_nn_params_allocate (LwNnParams *p)
{
  g_return_if_fail (p != NULL && p->values == NULL);
  p->values = arena_new (p->total);
  p->grads = arena_new (p->total);
}

guint
lw_nn_params_count (const LwNnParams *p)
{
  g_return_val_if_fail (p != NULL, 0);
  return p->tensors->len;
}

gsize
lw_nn_params_total (const LwNnParams *p)
{
  g_return_val_if_fail (p != NULL, 0);
  return p->total;
}

const char *
lw_nn_params_name (const LwNnParams *p, guint i)
{
  g_return_val_if_fail (p != NULL && i < p->tensors->len, NULL);
  return TENSOR (p, i)->name;
}

guint
lw_nn_params_ndim (const LwNnParams *p, guint i)
{
  g_return_val_if_fail (p != NULL && i < p->tensors->len, 0);
  return TENSOR (p, i)->ndim;
}

const gsize *
lw_nn_params_shape (const LwNnParams *p, guint i)
{
  g_return_val_if_fail (p != NULL && i < p->tensors->len, NULL);
  return TENSOR (p, i)->shape;
}

gsize
lw_nn_params_numel (const LwNnParams *p, guint i)
{
  g_return_val_if_fail (p != NULL && i < p->tensors->len, 0);
  return TENSOR (p, i)->numel;
}

int
lw_nn_params_find (const LwNnParams *p, const char *name)
{
  g_return_val_if_fail (p != NULL && name != NULL, -1);
  return (int) GPOINTER_TO_UINT (g_hash_table_lookup (p->by_name, name)) - 1;
}

float *
lw_nn_params_value (LwNnParams *p, guint i)
{
  g_return_val_if_fail (p != NULL && p->values != NULL && i < p->tensors->len, NULL);
  return p->values + TENSOR (p, i)->offset;
}

float *
lw_nn_params_grad (LwNnParams *p, guint i)
{
  g_return_val_if_fail (p != NULL && p->grads != NULL && i < p->tensors->len, NULL);
  return p->grads + TENSOR (p, i)->offset;
}

float *
lw_nn_params_values (LwNnParams *p)
{
  g_return_val_if_fail (p != NULL && p->values != NULL, NULL);
  return p->values;
}

float *
lw_nn_params_grads (LwNnParams *p)
{
  g_return_val_if_fail (p != NULL && p->grads != NULL, NULL);
  return p->grads;
}

void
lw_nn_params_zero_grad (LwNnParams *p)
{
  g_return_if_fail (p != NULL && p->grads != NULL);
  memset (p->grads, 0, p->total * sizeof (float));
}

void
lw_nn_params_set_trainable (LwNnParams *p, guint i, gboolean trainable)
{
  g_return_if_fail (p != NULL && i < p->tensors->len);
  TENSOR (p, i)->trainable = !!trainable;
}

gboolean
lw_nn_params_trainable (const LwNnParams *p, guint i)
{
  g_return_val_if_fail (p != NULL && i < p->tensors->len, FALSE);
  return TENSOR (p, i)->trainable;
}

void
lw_nn_params_set_decay (LwNnParams *p, guint i, gboolean decay)
{
  g_return_if_fail (p != NULL && i < p->tensors->len);
  TENSOR (p, i)->decay = !!decay;
}

gboolean
lw_nn_params_decay (const LwNnParams *p, guint i)
{
  g_return_val_if_fail (p != NULL && i < p->tensors->len, FALSE);
  return TENSOR (p, i)->decay;
}

void
lw_nn_params_init_normal (LwNnParams *p, guint i, double std, LwRng *rng)
{
  float *v = lw_nn_params_value (p, i);
  g_return_if_fail (v != NULL && rng != NULL);
  for (gsize k = 0; k < TENSOR (p, i)->numel; k++)
    v[k] = (float) (std * lw_rng_normal (rng));
}

void
lw_nn_params_init_uniform (LwNnParams *p, guint i, double bound, LwRng *rng)
{
  float *v = lw_nn_params_value (p, i);
  g_return_if_fail (v != NULL && rng != NULL);
  for (gsize k = 0; k < TENSOR (p, i)->numel; k++)
    v[k] = (float) (bound * (2.0 * lw_rng_uniform (rng) - 1.0));
}

void
lw_nn_params_init_constant (LwNnParams *p, guint i, float value)
{
  float *v = lw_nn_params_value (p, i);
  g_return_if_fail (v != NULL);
  for (gsize k = 0; k < TENSOR (p, i)->numel; k++)
    v[k] = value;
}

double
lw_nn_params_grad_norm (LwNnParams *p)
{
  g_return_val_if_fail (p != NULL && p->grads != NULL, 0.0);
  double sum = 0.0;
  for (guint i = 0; i < p->tensors->len; i++)
    {
      const Tensor *t = TENSOR (p, i);
      if (!t->trainable)
        continue;
      const float *g = p->grads + t->offset;
      for (gsize k = 0; k < t->numel; k++)
        sum += (double) g[k] * g[k];
    }
  return sqrt (sum);
}

double
lw_nn_params_clip_grad_joint (LwNnParams *const *arenas, guint n, double max_norm)
{
  double sum = 0.0;
  for (guint j = 0; j < n; j++)
    if (arenas[j] != NULL)
      {
        double norm = lw_nn_params_grad_norm (arenas[j]);
        sum += norm * norm;
      }
  double norm = sqrt (sum);
  double coef = max_norm / (norm + 1e-6);
  /* as torch.nn.utils.clip_grad_norm_: only ever scales down; a NaN norm leaves the
   * gradients alone (NaN < 1 is false) */
  if (coef < 1.0)
    {
      float c = (float) coef;
      for (guint j = 0; j < n; j++)
        for (guint i = 0; arenas[j] != NULL && i < arenas[j]->tensors->len; i++)
          {
            const Tensor *t = TENSOR (arenas[j], i);
            if (!t->trainable)
              continue;
            float *g = arenas[j]->grads + t->offset;
            for (gsize k = 0; k < t->numel; k++)
              g[k] *= c;
          }
    }
  return norm;
}

double
lw_nn_params_clip_grad (LwNnParams *p, double max_norm)
{
  g_return_val_if_fail (p != NULL, 0.0);
  return lw_nn_params_clip_grad_joint (&p, 1, max_norm);
}

/* ---- AdamW ------------------------------------------------------------------------------- */

struct _LwAdamW
{
  LwNnParams   *params;   /* borrowed: must outlive the optimiser */
  LwAdamWConfig config;
  float        *m;
  float        *v;
  guint64       steps;
};

LwAdamW *
lw_adamw_new (LwNnParams *p, const LwAdamWConfig *config)
{
  g_return_val_if_fail (p != NULL && p->values != NULL && config != NULL, NULL);
  LwAdamW *opt = g_new0 (LwAdamW, 1);
  opt->params = p;
  opt->config = *config;
  opt->m = arena_new (p->total);
  opt->v = arena_new (p->total);
  return opt;
}

void
lw_adamw_free (LwAdamW *opt)
{
  if (opt == NULL)
    return;
  g_aligned_free (opt->m);
  g_aligned_free (opt->v);
  g_free (opt);
}

void
lw_adamw_step (LwAdamW *opt, double lr)
{
  g_return_if_fail (opt != NULL);
  LwNnParams *p = opt->params;
  const LwAdamWConfig *c = &opt->config;

  opt->steps++;
  /* The scalars follow torch.optim.AdamW (1.13, single-tensor path): bias corrections in
   * double, the element updates in float, eps added after dividing by sqrt(1 − β2^t). */
  double bc1 = 1.0 - pow (c->beta1, (double) opt->steps);
  double bc2_sqrt = sqrt (1.0 - pow (c->beta2, (double) opt->steps));
  float step_size = (float) (lr / bc1);
  float inv_bc2_sqrt = (float) bc2_sqrt;
  float b1 = (float) c->beta1, b2 = (float) c->beta2;
  float one_b1 = (float) (1.0 - c->beta1), one_b2 = (float) (1.0 - c->beta2);
  float eps = (float) c->eps;

  for (guint i = 0; i < p->tensors->len; i++)
    {
      const Tensor *t = TENSOR (p, i);
      if (!t->trainable)
        continue;
      float decay = (float) (1.0 - lr * (t->decay ? c->weight_decay : 0.0));
      float *restrict w = p->values + t->offset;
      const float *restrict g = p->grads + t->offset;
      float *restrict m = opt->m + t->offset;
      float *restrict v = opt->v + t->offset;
      /* one fused pass: decay, both moments, update */
      for (gsize k = 0; k < t->numel; k++)
        {
          float gk = g[k];
          float mk = m[k] * b1 + one_b1 * gk;
          float vk = v[k] * b2 + one_b2 * (gk * gk);
          m[k] = mk;
          v[k] = vk;
          float denom = sqrtf (vk) / inv_bc2_sqrt + eps;
          w[k] = w[k] * decay - step_size * (mk / denom);
        }
    }
}

guint64
lw_adamw_steps (const LwAdamW *opt)
{
  g_return_val_if_fail (opt != NULL, 0);
  return opt->steps;
}

float *
lw_adamw_m (LwAdamW *opt)
{
  g_return_val_if_fail (opt != NULL, NULL);
  return opt->m;
}

float *
lw_adamw_v (LwAdamW *opt)
{
  g_return_val_if_fail (opt != NULL, NULL);
  return opt->v;
}

void
lw_adamw_set_steps (LwAdamW *opt, guint64 steps)
{
  g_return_if_fail (opt != NULL);
  opt->steps = steps;
}

/* for lw-nn-checkpoint.c: the optimiser's model, to check it is the one being loaded */
LwNnParams *_lw_adamw_params (LwAdamW *opt);

LwNnParams *
_lw_adamw_params (LwAdamW *opt)
{
  return opt->params;
}

/* ---- the schedule ------------------------------------------------------------------------ */

/* Warmup as llm.c: lr_max·(step + 1)/warmup, a line from 0 (at step −1) that reaches lr_max
 * at step warmup − 1, so the first update already moves the weights. Then a half cosine from
 * lr_max at step `warmup` to lr_min at step `total`. */
double
lw_lr_warmup_cosine (guint64 step, guint64 warmup, guint64 total, double lr_max, double lr_min)
{
  if (step < warmup)
    return lr_max * (double) (step + 1) / (double) warmup;
  if (step >= total)
    return lr_min;
  double ratio = (double) (step - warmup) / (double) (total - warmup);
  return lr_min + 0.5 * (1.0 + cos (G_PI * ratio)) * (lr_max - lr_min);
}
