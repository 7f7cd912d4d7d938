/* test-nn-gpt.c — the tiny GPT against PyTorch golden values, its KV cache, embeds input,
 * a short training run, determinism and a checkpoint round trip
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reference: tests/vectors/nn-gpt.safetensors from tools/gen-nn-vectors.py (PyTorch autograd
 * in float64 on float32 weights).
 */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "lw-nn-gpt.h"
#include "lw-nn-ops.h"
#include "lw-safetensors.h"

#define TOL 1e-4

static LwSafetensors *
open_vectors (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "vectors", "nn-gpt.safetensors",
                                                 NULL);
  LwSafetensors *st = lw_safetensors_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (st);
  return st;
}

static guint
meta_uint (LwSafetensors *st, const char *key)
{
  const char *v = lw_safetensors_metadata (st, key);
  g_assert_nonnull (v);
  return (guint) g_ascii_strtoull (v, NULL, 10);
}

/* tensor `name` as floats; *numel receives its size */
static float *
read_f32 (LwSafetensors *st, const char *name, gsize *numel)
{
  g_autoptr (GError) error = NULL;
  int i = lw_safetensors_find (st, name);
  if (i < 0)
    g_error ("vector file has no tensor '%s'", name);
  float *v = lw_safetensors_read_f32 (st, (guint) i, &error);
  g_assert_no_error (error);
  if (numel != NULL)
    *numel = lw_safetensors_info (st, (guint) i)->numel;
  return v;
}

static int *
read_i32 (LwSafetensors *st, const char *name)
{
  int i = lw_safetensors_find (st, name);
  g_assert_cmpint (i, >=, 0);
  const LwStTensorInfo *info = lw_safetensors_info (st, (guint) i);
  g_assert_cmpint (info->dtype, ==, LW_ST_I32);
  int *v = g_new (int, info->numel);
  memcpy (v, lw_safetensors_data (st, (guint) i), info->numel * sizeof (int));
  return v;
}

/* |a − b| ≤ TOL·max(1, |b|) everywhere */
static void
assert_close (const char *what, const float *a, const float *b, gsize n, double tol)
{
  double worst = 0.0;
  gsize at = 0;
  for (gsize i = 0; i < n; i++)
    {
      double e = fabs ((double) a[i] - b[i]) / MAX (1.0, fabs ((double) b[i]));
      if (!(e <= worst))
        {
          worst = e;
          at = i;
        }
    }
  if (!(worst <= tol))
    g_error ("%s: element %" G_GSIZE_FORMAT " is %.8g, expected %.8g (error %.3g)", what, at,
             a[at], b[at], worst);
}

static LwGptConfig
vectors_config (LwSafetensors *st)
{
  LwGptConfig c = {
    .vocab = meta_uint (st, "vocab"), .vocab_padded = meta_uint (st, "vocab_padded"),
    .max_t = meta_uint (st, "max_t"), .layers = meta_uint (st, "layers"),
    .heads = meta_uint (st, "heads"), .dim = meta_uint (st, "dim"),
  };
  return c;
}

static LwGpt *
golden_model (LwSafetensors *st)
{
  LwGptConfig c = vectors_config (st);
  LwGpt *gpt = lw_gpt_new (&c, 7);
  LwNnParams *p = lw_gpt_params (gpt);

  for (guint i = 0; i < lw_nn_params_count (p); i++)
    {
      gsize n = 0;
      g_autofree float *v = read_f32 (st, lw_nn_params_name (p, i), &n);
      g_assert_cmpuint (n, ==, lw_nn_params_numel (p, i));
      memcpy (lw_nn_params_value (p, i), v, n * sizeof (float));
    }
  return gpt;
}

static void
assert_grads (LwSafetensors *st, LwNnParams *p, const char *prefix)
{
  for (guint i = 0; i < lw_nn_params_count (p); i++)
    {
      gsize n = 0;
      g_autofree char *name = g_strconcat (prefix, lw_nn_params_name (p, i), NULL);
      g_autofree float *ref = read_f32 (st, name, &n);
      g_assert_cmpuint (n, ==, lw_nn_params_numel (p, i));
      assert_close (name, lw_nn_params_grad (p, i), ref, n, TOL);
    }
}

static void
test_golden_tokens (void)
{
  g_autoptr (LwSafetensors) st = open_vectors ();
  g_autoptr (LwGpt) gpt = golden_model (st);
  guint B = meta_uint (st, "batch"), T = meta_uint (st, "t");
  gsize C = lw_gpt_config (gpt)->dim, Vp = lw_gpt_config (gpt)->vocab_padded;
  g_autofree int *tokens = read_i32 (st, "in.tokens");
  g_autofree int *targets = read_i32 (st, "in.targets");
  g_autofree float *logits = read_f32 (st, "out.tok.logits", NULL);
  g_autofree float *hidden = read_f32 (st, "out.tok.hidden", NULL);
  g_autofree float *loss = read_f32 (st, "out.tok.loss", NULL);

  double l = lw_gpt_forward (gpt, tokens, NULL, targets, B, T);
  g_assert_cmpfloat_with_epsilon (l, loss[0], TOL);
  assert_close ("logits", lw_gpt_logits (gpt), logits, B * T * Vp, TOL);
  assert_close ("hidden", lw_gpt_hidden (gpt), hidden, B * T * C, TOL);

  lw_nn_params_zero_grad (lw_gpt_params (gpt));
  lw_gpt_backward (gpt, 1.0f, NULL);
  assert_grads (st, lw_gpt_params (gpt), "grad.tok.");

  /* backward does not consume the forward: a second one adds the same gradients again */
  lw_gpt_backward (gpt, 1.0f, NULL);
  LwNnParams *p = lw_gpt_params (gpt);
  for (guint i = 0; i < lw_nn_params_total (p); i++)
    lw_nn_params_grads (p)[i] *= 0.5f;
  assert_grads (st, p, "grad.tok.");
}

static void
test_golden_embeds (void)
{
  g_autoptr (LwSafetensors) st = open_vectors ();
  g_autoptr (LwGpt) gpt = golden_model (st);
  guint B = meta_uint (st, "batch"), T = meta_uint (st, "t");
  gsize C = lw_gpt_config (gpt)->dim, Vp = lw_gpt_config (gpt)->vocab_padded;
  double scale = g_ascii_strtod (lw_safetensors_metadata (st, "emb.loss_scale"), NULL);
  g_autofree int *targets = read_i32 (st, "in.targets");
  g_autofree float *embeds = read_f32 (st, "in.embeds", NULL);
  g_autofree float *dhidden = read_f32 (st, "in.dhidden", NULL);
  g_autofree float *logits = read_f32 (st, "out.emb.logits", NULL);
  g_autofree float *hidden = read_f32 (st, "out.emb.hidden", NULL);
  g_autofree float *loss = read_f32 (st, "out.emb.loss", NULL);
  g_autofree float *dembeds = read_f32 (st, "grad.emb.embeds", NULL);

  double l = lw_gpt_forward (gpt, NULL, embeds, targets, B, T);
  g_assert_cmpfloat_with_epsilon (l, loss[0], TOL);
  assert_close ("logits (embeds)", lw_gpt_logits (gpt), logits, B * T * Vp, TOL);
  assert_close ("hidden (embeds)", lw_gpt_hidden (gpt), hidden, B * T * C, TOL);

  lw_nn_params_zero_grad (lw_gpt_params (gpt));
  lw_gpt_backward (gpt, (float) scale, dhidden);
  assert_grads (st, lw_gpt_params (gpt), "grad.emb.");
  assert_close ("dembeds", lw_gpt_dembeds (gpt), dembeds, B * T * C, TOL);
}

static void
test_kv_cache (void)
{
  g_autoptr (LwSafetensors) st = open_vectors ();
  g_autoptr (LwGpt) gpt = golden_model (st);
  const LwGptConfig *c = lw_gpt_config (gpt);
  guint B = meta_uint (st, "batch"), T = meta_uint (st, "t");
  gsize C = c->dim, Vp = c->vocab_padded;
  g_autofree int *tokens = read_i32 (st, "in.tokens");
  g_autofree float *ref_tok = read_f32 (st, "out.tok.logits", NULL);
  g_autofree float *embeds = read_f32 (st, "in.embeds", NULL);
  g_autofree float *ref_emb = read_f32 (st, "out.emb.logits", NULL);
  g_autofree float *ref_hid = read_f32 (st, "out.emb.hidden", NULL);
  g_autoptr (LwGptCache) cache = lw_gpt_cache_new (gpt);
  g_autofree float *logits = g_new (float, Vp);
  g_autofree float *hidden = g_new (float, C);

  lw_gpt_forward (gpt, tokens, NULL, NULL, B, T);
  const float *full = lw_gpt_logits (gpt);
  for (guint b = 0; b < B; b++)
    {
      lw_gpt_cache_reset (cache);
      for (guint j = 0; j < T; j++)
        {
          g_assert_true (lw_gpt_cache_step (cache, tokens[b * T + j], NULL, logits, NULL));
          g_assert_cmpuint (lw_gpt_cache_len (cache), ==, j + 1);
          assert_close ("cache logits vs forward", logits, full + (b * T + j) * Vp, Vp, 1e-5);
          assert_close ("cache logits vs PyTorch", logits, ref_tok + (b * T + j) * Vp, Vp, TOL);
        }
    }

  /* embeds input through the cache */
  lw_gpt_cache_reset (cache);
  g_assert_cmpuint (lw_gpt_cache_len (cache), ==, 0);
  for (guint j = 0; j < T; j++)
    {
      g_assert_true (lw_gpt_cache_step (cache, -1, embeds + j * C, logits, hidden));
      assert_close ("cache logits (embeds)", logits, ref_emb + j * Vp, Vp, TOL);
      assert_close ("cache hidden (embeds)", hidden, ref_hid + j * C, C, TOL);
    }

  /* fill to max_t, then it refuses */
  for (guint j = T; j < c->max_t; j++)
    g_assert_true (lw_gpt_cache_step (cache, 1, NULL, NULL, NULL));
  g_assert_false (lw_gpt_cache_step (cache, 1, NULL, logits, NULL));
  g_assert_cmpuint (lw_gpt_cache_len (cache), ==, c->max_t);
}

/* Embedding rows fed as embeds give the token path's values; the token path's wte gradient is
 * the embeds path's plus dembeds scattered onto the rows */
static void
test_embeds_equal_tokens (void)
{
  LwGptConfig c = { .vocab = 11, .vocab_padded = 16, .max_t = 6, .layers = 2, .heads = 2,
                    .dim = 8 };
  g_autoptr (LwGpt) gpt = lw_gpt_new (&c, 3);
  LwNnParams *p = lw_gpt_params (gpt);
  guint B = 3, T = 6;
  gsize n = B * T, C = c.dim, Vp = c.vocab_padded, total = lw_nn_params_total (p);
  int tokens[18], targets[18];
  LwRng rng;

  lw_rng_seed (&rng, 5);
  for (gsize i = 0; i < n; i++)
    {
      tokens[i] = (int) lw_rng_below (&rng, c.vocab);
      targets[i] = i % 5 == 0 ? -1 : (int) lw_rng_below (&rng, c.vocab);
    }
  /* larger weights than GPT-2's init, so the comparison is not between near-zeros */
  for (guint i = 0; i < lw_nn_params_count (p); i++)
    if (lw_nn_params_ndim (p, i) == 2)
      lw_nn_params_init_normal (p, i, 0.3, &rng);

  const float *wte = lw_nn_params_value (p, lw_nn_params_find (p, "wte.weight"));
  g_autofree float *embeds = g_new (float, n * C);
  for (gsize i = 0; i < n; i++)
    memcpy (embeds + i * C, wte + (gsize) tokens[i] * C, C * sizeof (float));

  double l_tok = lw_gpt_forward (gpt, tokens, NULL, targets, B, T);
  g_autofree float *logits_tok = g_memdup2 (lw_gpt_logits (gpt), n * Vp * sizeof (float));
  lw_nn_params_zero_grad (p);
  lw_gpt_backward (gpt, 1.0f, NULL);
  g_autofree float *g_tok = g_memdup2 (lw_nn_params_grads (p), total * sizeof (float));

  double l_emb = lw_gpt_forward (gpt, NULL, embeds, targets, B, T);
  assert_close ("logits embeds vs tokens", lw_gpt_logits (gpt), logits_tok, n * Vp, 1e-6);
  g_assert_cmpfloat_with_epsilon (l_emb, l_tok, 1e-6);
  lw_nn_params_zero_grad (p);
  lw_gpt_backward (gpt, 1.0f, NULL);
  float *g_emb = lw_nn_params_grads (p);
  guint iwte = (guint) lw_nn_params_find (p, "wte.weight");
  float *dwte = lw_nn_params_grad (p, iwte);
  const float *dembeds = lw_gpt_dembeds (gpt);
  for (gsize i = 0; i < n; i++)
    lw_nn_accumulate (dwte + (gsize) tokens[i] * C, dembeds + i * C, C);
  assert_close ("gradients embeds vs tokens", g_emb, g_tok, total, 1e-5);
}

static void
copy_task_batch (int *tokens, int *targets, guint B, guint T, guint vocab, LwRng *rng)
{
  guint half = T / 2;
  for (guint b = 0; b < B; b++)
    for (guint j = 0; j < half; j++)
      {
        int v = (int) lw_rng_below (rng, vocab);
        tokens[b * T + j] = v;
        tokens[b * T + j + half] = v;
      }
  /* next-token targets; only the second half is predictable */
  for (guint b = 0; b < B; b++)
    for (guint j = 0; j < T; j++)
      targets[b * T + j] = j + 1 >= half && j + 1 < T ? tokens[b * T + j + 1] : -1;
}

/* Trains for `steps` AdamW steps on the copy task; returns the mean loss of the first and the
 * last five steps */
static void
train_copy (LwGpt *gpt, guint steps, double *first, double *last)
{
  LwNnParams *p = lw_gpt_params (gpt);
  LwAdamWConfig oc = { 0.9, 0.95, 1e-8, 0.01 };
  g_autoptr (LwAdamW) opt = lw_adamw_new (p, &oc);
  guint B = 16, T = 8;
  int tokens[16 * 8], targets[16 * 8];
  LwRng rng;

  lw_rng_seed (&rng, 11);
  *first = *last = 0.0;
  for (guint s = 0; s < steps; s++)
    {
      copy_task_batch (tokens, targets, B, T, lw_gpt_config (gpt)->vocab, &rng);
      double loss = lw_gpt_forward (gpt, tokens, NULL, targets, B, T);
      lw_nn_params_zero_grad (p);
      lw_gpt_backward (gpt, 1.0f, NULL);
      lw_nn_params_clip_grad (p, 1.0);
      lw_adamw_step (opt, lw_lr_warmup_cosine (s, 5, steps, 1e-2, 1e-3));
      if (s < 5)
        *first += loss / 5;
      if (s + 5 >= steps)
        *last += loss / 5;
    }
}

static const LwGptConfig copy_config = { .vocab = 6, .vocab_padded = 8, .max_t = 8,
                                         .layers = 2, .heads = 2, .dim = 32 };

static void
test_train (void)
{
  g_autoptr (LwGpt) gpt = lw_gpt_new (&copy_config, 42);
  double first, last;

  train_copy (gpt, 60, &first, &last);
  g_test_message ("copy task: loss %.4f -> %.4f", first, last);
  g_assert_cmpfloat (first, >, 1.5);        /* ≈ ln 6 at the start */
  g_assert_cmpfloat (last, <, 0.7 * first);
}

/* A replica shares the weights and has gradients of its own: the batch's halves, one on the
 * model and one on the replica, each weighted by its share of the targets, sum to the whole
 * batch's gradient; the model's values are never written, and changes to them show at once */
static void
test_replica (void)
{
  g_autoptr (LwGpt) gpt = lw_gpt_new (&copy_config, 42);
  g_autoptr (LwGpt) replica = lw_gpt_new_replica (gpt);
  LwNnParams *p = lw_gpt_params (gpt), *rp = lw_gpt_params (replica);
  guint B = 8, T = 8, H = B / 2;
  gsize n = lw_nn_params_total (p);
  int tokens[8 * 8], targets[8 * 8];
  LwRng rng;

  g_assert_true (lw_nn_params_values (rp) == lw_nn_params_values (p));
  g_assert_cmpuint (lw_nn_params_total (rp), ==, n);
  g_assert_true (lw_nn_params_grads (rp) != lw_nn_params_grads (p));
  lw_rng_seed (&rng, 5);
  copy_task_batch (tokens, targets, B, T, copy_config.vocab, &rng);
  targets[3] = -1;   /* unequal target counts in the halves */

  lw_nn_params_zero_grad (p);
  double whole = lw_gpt_forward (gpt, tokens, NULL, targets, B, T);
  lw_gpt_backward (gpt, 1.0f, NULL);
  g_autofree float *want = g_memdup2 (lw_nn_params_grads (p), n * sizeof (float));

  guint count[2] = { 0, 0 };
  for (guint i = 0; i < B * T; i++)
    count[i >= H * T] += targets[i] >= 0;
  double share0 = (double) count[0] / (count[0] + count[1]);
  lw_nn_params_zero_grad (p);
  lw_nn_params_zero_grad (rp);
  double l0 = lw_gpt_forward (gpt, tokens, NULL, targets, H, T);
  double l1 = lw_gpt_forward (replica, tokens + H * T, NULL, targets + H * T, H, T);
  lw_gpt_backward (replica, (float) (1.0 - share0), NULL);
  lw_gpt_backward (gpt, (float) share0, NULL);
  lw_nn_params_add_grads (p, rp);
  g_assert_cmpfloat_with_epsilon (share0 * l0 + (1.0 - share0) * l1, whole, 1e-5);
  const float *got = lw_nn_params_grads (p);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpfloat_with_epsilon (got[i], want[i], 1e-5 + 1e-4 * fabsf (want[i]));

  /* the trainable flags are the model's */
  guint wte = (guint) lw_nn_params_find (p, "wte.weight");
  lw_nn_params_set_trainable (p, wte, FALSE);
  g_assert_false (lw_nn_params_trainable (rp, wte));
  /* an update of the model's weights is the replica's at once */
  lw_nn_params_value (p, wte)[0] += 1.0f;
  g_assert_cmpfloat (lw_nn_params_value (rp, wte)[0], ==, lw_nn_params_value (p, wte)[0]);
}

static void
test_determinism (void)
{
  g_autoptr (LwGpt) a = lw_gpt_new (&copy_config, 9);
  g_autoptr (LwGpt) b = lw_gpt_new (&copy_config, 9);
  g_autoptr (LwGpt) other = lw_gpt_new (&copy_config, 10);
  gsize bytes = lw_nn_params_total (lw_gpt_params (a)) * sizeof (float);
  double fa, la, fb, lb;

  g_assert_true (memcmp (lw_nn_params_values (lw_gpt_params (a)),
                         lw_nn_params_values (lw_gpt_params (b)), bytes) == 0);
  g_assert_false (memcmp (lw_nn_params_values (lw_gpt_params (a)),
                          lw_nn_params_values (lw_gpt_params (other)), bytes) == 0);
  train_copy (a, 6, &fa, &la);
  train_copy (b, 6, &fb, &lb);
  g_assert_true (fa == fb && la == lb);
  g_assert_true (memcmp (lw_nn_params_values (lw_gpt_params (a)),
                         lw_nn_params_values (lw_gpt_params (b)), bytes) == 0);
}

static void
test_checkpoint (void)
{
  g_autoptr (LwGpt) gpt = lw_gpt_new (&copy_config, 21);
  g_autoptr (LwGpt) back = lw_gpt_new (&copy_config, 22);
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) meta = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) meta_back = NULL;
  g_autofree char *dir = g_dir_make_tmp ("lw-nn-gpt-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "gpt.safetensors", NULL);
  LwNnParams *p = lw_gpt_params (gpt);
  double first, last;

  train_copy (gpt, 3, &first, &last);
  g_hash_table_insert (meta, (gpointer) "layers", (gpointer) "2");
  g_assert_true (lw_nn_checkpoint_save (path, p, NULL, meta, &error));
  g_assert_no_error (error);
  g_assert_true (lw_nn_checkpoint_load (path, lw_gpt_params (back), NULL, &meta_back, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (meta_back, "layers"), ==, "2");
  g_assert_true (memcmp (lw_nn_params_values (p), lw_nn_params_values (lw_gpt_params (back)),
                         lw_nn_params_total (p) * sizeof (float)) == 0);

  /* the loaded model computes the same logits */
  int tokens[8] = { 1, 2, 3, 4, 1, 2, 3, 4 };
  lw_gpt_forward (gpt, tokens, NULL, NULL, 1, 8);
  lw_gpt_forward (back, tokens, NULL, NULL, 1, 8);
  g_assert_true (memcmp (lw_gpt_logits (gpt), lw_gpt_logits (back),
                         8 * copy_config.vocab_padded * sizeof (float)) == 0);

  /* a model of another size does not load it, and says which tensor */
  LwGptConfig wide = copy_config;
  wide.dim = 16;
  g_autoptr (LwGpt) other = lw_gpt_new (&wide, 1);
  g_assert_false (lw_nn_checkpoint_load (path, lw_gpt_params (other), NULL, NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "wte.weight"));
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_flops (void)
{
  LwGptConfig c = { .vocab = 92, .vocab_padded = 96, .max_t = 64, .layers = 4, .heads = 4,
                    .dim = 128 };
  /* per position: 12·C² weights per layer and C·Vp in the head; attention t(t+1)/2·C·2 per
   * sequence and layer; ×2 FLOPs per multiply-add, ×3 for forward + backward */
  double n = 64.0 * 64, C = 128;
  double expect = 6.0 * (n * (4 * 12 * C * C + C * 96) + 4 * 64.0 * 64 * 65 / 2 * C * 2);
  g_assert_cmpfloat_with_epsilon (lw_gpt_step_flops (&c, 64, 64), expect, 1.0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nn/gpt/golden/tokens", test_golden_tokens);
  g_test_add_func ("/nn/gpt/golden/embeds", test_golden_embeds);
  g_test_add_func ("/nn/gpt/kv-cache", test_kv_cache);
  g_test_add_func ("/nn/gpt/embeds-equal-tokens", test_embeds_equal_tokens);
  g_test_add_func ("/nn/gpt/train-copy", test_train);
  g_test_add_func ("/nn/gpt/replica", test_replica);
  g_test_add_func ("/nn/gpt/determinism", test_determinism);
  g_test_add_func ("/nn/gpt/checkpoint", test_checkpoint);
  g_test_add_func ("/nn/gpt/flops", test_flops);
  return g_test_run ();
}
