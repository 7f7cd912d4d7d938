/* test-nn-ops.c — nn kernel values against PyTorch (tests/vectors/nn-ops.txt)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The vectors come from tools/gen-nn-ops-vectors.py: PyTorch functional ops and autograd in
 * float64 on float32 inputs. Forward outputs, saved statistics and gradients of every case
 * must agree to 1e-4 (relative where values exceed 1).
 */
#define G_LOG_DOMAIN "lw-test"

#include "lw-nn-ops.h"

#include <math.h>
#include <string.h>

#define TOL 1e-4

typedef struct
{
  GHashTable *ints;      /* key → GINT_TO_POINTER (value) */
  GHashTable *reals;     /* key → double* */
  GHashTable *tensors;   /* name → GArray of float */
} Case;

static GHashTable *cases;   /* name → Case* */

static void
case_free (gpointer data)
{
  Case *c = data;
  g_hash_table_unref (c->ints);
  g_hash_table_unref (c->reals);
  g_hash_table_unref (c->tensors);
  g_free (c);
}

static void
load_vectors (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "vectors", "nn-ops.txt", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);

  cases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, case_free);
  /* drop comment lines, then read the rest as a token stream */
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  GPtrArray *tok = g_ptr_array_new ();
  for (char **l = lines; *l; l++)
    {
      if ((*l)[0] == '#')
        continue;
      char **parts = g_strsplit_set (*l, " \t\r", -1);
      for (char **p = parts; *p; p++)
        if (**p)
          g_ptr_array_add (tok, g_strdup (*p));
      g_strfreev (parts);
    }
  g_ptr_array_set_free_func (tok, g_free);

  Case *cur = NULL;
  for (guint i = 0; i < tok->len;)
    {
      const char *kw = tok->pdata[i++];
      g_assert_true (i < tok->len);
      if (g_str_equal (kw, "case"))
        {
          cur = g_new0 (Case, 1);
          cur->ints = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          cur->reals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
          cur->tensors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) g_array_unref);
          g_hash_table_insert (cases, g_strdup (tok->pdata[i++]), cur);
          continue;
        }
      g_assert_nonnull (cur);
      const char *key = tok->pdata[i++];
      g_assert_true (i < tok->len);
      if (g_str_equal (kw, "int"))
        g_hash_table_insert (cur->ints, g_strdup (key),
                             GINT_TO_POINTER (atoi (tok->pdata[i++])));
      else if (g_str_equal (kw, "real"))
        {
          double *v = g_new (double, 1);
          *v = g_ascii_strtod (tok->pdata[i++], NULL);
          g_hash_table_insert (cur->reals, g_strdup (key), v);
        }
      else if (g_str_equal (kw, "tensor"))
        {
          guint count = (guint) atoi (tok->pdata[i++]);
          g_assert_cmpuint (i + count, <=, tok->len);
          GArray *a = g_array_sized_new (FALSE, FALSE, sizeof (float), count);
          for (guint j = 0; j < count; j++)
            {
              float v = (float) g_ascii_strtod (tok->pdata[i++], NULL);
              g_array_append_val (a, v);
            }
          g_hash_table_insert (cur->tensors, g_strdup (key), a);
        }
      else
        g_assert_not_reached ();
    }
  g_ptr_array_unref (tok);
}

static Case *
get_case (const char *name)
{
  Case *c = g_hash_table_lookup (cases, name);
  g_assert_nonnull (c);
  return c;
}

static gsize
get_int (Case *c, const char *key)
{
  g_assert_true (g_hash_table_contains (c->ints, key));
  return (gsize) GPOINTER_TO_INT (g_hash_table_lookup (c->ints, key));
}

static double
get_real (Case *c, const char *key)
{
  double *v = g_hash_table_lookup (c->reals, key);
  g_assert_nonnull (v);
  return *v;
}

/* a tensor of the case, checked to hold n values */
static float *
get_tensor (Case *c, const char *name, gsize n)
{
  GArray *a = g_hash_table_lookup (c->tensors, name);
  g_assert_nonnull (a);
  g_assert_cmpuint (a->len, ==, n);
  return (float *) a->data;
}

static void
check_close (const char *what, const float *got, const float *ref, gsize n)
{
  double worst = 0.0;
  for (gsize i = 0; i < n; i++)
    {
      double err = fabs ((double) got[i] - ref[i]) / MAX (1.0, fabs (ref[i]));
      worst = MAX (worst, err);
      if (!(err <= TOL))
        g_error ("%s[%zu] = %.8g, PyTorch %.8g", what, i, got[i], ref[i]);
    }
  g_test_message ("%s: worst relative error %.2g", what, worst);
}

static float *
zeros (gsize n)
{
  return g_new0 (float, MAX (n, 1));
}

static void
test_linear (void)
{
  Case *c = get_case ("linear");
  gsize n = get_int (c, "n"), in = get_int (c, "in"), out = get_int (c, "out");
  const float *x = get_tensor (c, "x", n * in), *w = get_tensor (c, "w", out * in);
  const float *b = get_tensor (c, "b", out), *dy = get_tensor (c, "dy", n * out);
  g_autofree float *y = zeros (n * out);
  g_autofree float *dx = zeros (n * in), *dw = zeros (out * in), *db = zeros (out);

  lw_nn_linear_forward (y, x, w, b, n, in, out);
  check_close ("linear y", y, get_tensor (c, "y", n * out), n * out);
  lw_nn_linear_backward (dx, dw, db, dy, x, w, n, in, out);
  check_close ("linear dx", dx, get_tensor (c, "dx", n * in), n * in);
  check_close ("linear dw", dw, get_tensor (c, "dw", out * in), out * in);
  check_close ("linear db", db, get_tensor (c, "db", out), out);
}

static void
check_conv (const char *name, gboolean one_d)
{
  Case *c = get_case (name);
  gsize batch = get_int (c, "batch"), cin = get_int (c, "cin"), cout = get_int (c, "cout");
  guint k = (guint) get_int (c, "k");
  gsize h = one_d ? 1 : get_int (c, "h"), w = one_d ? get_int (c, "len") : get_int (c, "w");
  gsize kk = one_d ? k : k * k;
  gsize nx = batch * cin * h * w, ny = batch * cout * h * w, nw = cout * cin * kk;
  const float *x = get_tensor (c, "x", nx), *wt = get_tensor (c, "w", nw);
  const float *b = get_tensor (c, "b", cout), *dy = get_tensor (c, "dy", ny);
  gsize ns = one_d ? lw_nn_conv1d_scratch (cin, w, k) : lw_nn_conv2d_scratch (cin, h, w, k);
  g_autofree float *scratch = zeros (ns), *y = zeros (ny);
  g_autofree float *dx = zeros (nx), *dw = zeros (nw), *db = zeros (cout);
  g_autofree char *ny_ = g_strdup_printf ("%s y", name), *ndx = g_strdup_printf ("%s dx", name);
  g_autofree char *ndw = g_strdup_printf ("%s dw", name), *ndb = g_strdup_printf ("%s db", name);

  if (one_d)
    {
      lw_nn_conv1d_forward (y, x, wt, b, batch, cin, w, cout, k, scratch);
      lw_nn_conv1d_backward (dx, dw, db, dy, x, wt, batch, cin, w, cout, k, scratch);
    }
  else
    {
      lw_nn_conv2d_forward (y, x, wt, b, batch, cin, h, w, cout, k, scratch);
      lw_nn_conv2d_backward (dx, dw, db, dy, x, wt, batch, cin, h, w, cout, k, scratch);
    }
  check_close (ny_, y, get_tensor (c, "y", ny), ny);
  check_close (ndx, dx, get_tensor (c, "dx", nx), nx);
  check_close (ndw, dw, get_tensor (c, "dw", nw), nw);
  check_close (ndb, db, get_tensor (c, "db", cout), cout);
}

static void
test_conv2d (void)
{
  check_conv ("conv2d-k3", FALSE);
  check_conv ("conv2d-k1", FALSE);
}

static void
test_conv1d (void)
{
  check_conv ("conv1d-k3", TRUE);
}

static void
test_groupnorm (void)
{
  Case *c = get_case ("groupnorm");
  gsize batch = get_int (c, "batch"), ch = get_int (c, "c"), s = get_int (c, "s");
  guint groups = (guint) get_int (c, "groups");
  gsize n = batch * ch * s, ns = batch * groups;
  const float *x = get_tensor (c, "x", n), *gamma = get_tensor (c, "gamma", ch);
  const float *beta = get_tensor (c, "beta", ch), *dy = get_tensor (c, "dy", n);
  g_autofree float *y = zeros (n), *mean = zeros (ns), *rstd = zeros (ns);
  g_autofree float *dx = zeros (n), *dg = zeros (ch), *db = zeros (ch);

  lw_nn_groupnorm_forward (y, mean, rstd, x, gamma, beta, batch, ch, s, groups,
                           (float) get_real (c, "eps"));
  check_close ("groupnorm y", y, get_tensor (c, "y", n), n);
  check_close ("groupnorm mean", mean, get_tensor (c, "mean", ns), ns);
  check_close ("groupnorm rstd", rstd, get_tensor (c, "rstd", ns), ns);
  lw_nn_groupnorm_backward (dx, dg, db, dy, x, mean, rstd, gamma, batch, ch, s, groups);
  check_close ("groupnorm dx", dx, get_tensor (c, "dx", n), n);
  check_close ("groupnorm dgamma", dg, get_tensor (c, "dgamma", ch), ch);
  check_close ("groupnorm dbeta", db, get_tensor (c, "dbeta", ch), ch);
}

static void
test_layernorm (void)
{
  Case *c = get_case ("layernorm");
  gsize rows = get_int (c, "n"), ch = get_int (c, "c");
  gsize n = rows * ch;
  const float *x = get_tensor (c, "x", n), *gamma = get_tensor (c, "gamma", ch);
  const float *beta = get_tensor (c, "beta", ch), *dy = get_tensor (c, "dy", n);
  float eps = (float) get_real (c, "eps");
  g_autofree float *y = zeros (n), *mean = zeros (rows), *rstd = zeros (rows);
  g_autofree float *dx = zeros (n), *dg = zeros (ch), *db = zeros (ch);

  lw_nn_layernorm_forward (y, mean, rstd, x, gamma, beta, rows, ch, eps);
  check_close ("layernorm y", y, get_tensor (c, "y", n), n);
  check_close ("layernorm mean", mean, get_tensor (c, "mean", rows), rows);
  check_close ("layernorm rstd", rstd, get_tensor (c, "rstd", rows), rows);
  lw_nn_layernorm_backward (dx, dg, db, dy, x, mean, rstd, gamma, rows, ch);
  check_close ("layernorm dx", dx, get_tensor (c, "dx", n), n);
  check_close ("layernorm dgamma", dg, get_tensor (c, "dgamma", ch), ch);
  check_close ("layernorm dbeta", db, get_tensor (c, "dbeta", ch), ch);

  /* the fused residual form: x split as a + b gives the same norm */
  g_autofree float *a = zeros (n), *bb = zeros (n), *r = zeros (n), *y2 = zeros (n);
  for (gsize i = 0; i < n; i++)
    {
      a[i] = x[i] * 0.25f;
      bb[i] = x[i] - a[i];
    }
  lw_nn_residual_layernorm_forward (r, y2, mean, rstd, a, bb, gamma, beta, rows, ch, eps);
  check_close ("residual+layernorm r", r, x, n);
  check_close ("residual+layernorm y", y2, get_tensor (c, "y", n), n);
}

static void
check_act (const char *name, void (*fwd) (float *, const float *, gsize),
           void (*bwd) (float *, const float *, const float *, gsize))
{
  Case *c = get_case (name);
  gsize n = get_int (c, "n");
  const float *x = get_tensor (c, "x", n), *dy = get_tensor (c, "dy", n);
  g_autofree float *y = zeros (n), *dx = zeros (n);
  g_autofree char *ny = g_strdup_printf ("%s y", name), *ndx = g_strdup_printf ("%s dx", name);
  fwd (y, x, n);
  check_close (ny, y, get_tensor (c, "y", n), n);
  bwd (dx, dy, x, n);
  check_close (ndx, dx, get_tensor (c, "dx", n), n);
}

static void
test_gelu (void)
{
  check_act ("gelu", lw_nn_gelu_forward, lw_nn_gelu_backward);
}

static void
test_silu (void)
{
  check_act ("silu", lw_nn_silu_forward, lw_nn_silu_backward);
}

static void
test_attention (void)
{
  Case *c = get_case ("attention");
  gsize batch = get_int (c, "batch"), t = get_int (c, "t"), ch = get_int (c, "c");
  guint heads = (guint) get_int (c, "heads");
  gsize nqkv = batch * t * 3 * ch, ny = batch * t * ch, natt = batch * heads * t * t;
  const float *qkv = get_tensor (c, "qkv", nqkv), *dy = get_tensor (c, "dy", ny);
  g_autofree float *scratch = zeros (lw_nn_attention_scratch (t, ch, heads));
  g_autofree float *y = zeros (ny), *att = zeros (natt), *dqkv = zeros (nqkv);

  lw_nn_attention_forward (y, att, qkv, batch, t, ch, heads, scratch);
  check_close ("attention y", y, get_tensor (c, "y", ny), ny);
  check_close ("attention att", att, get_tensor (c, "att", natt), natt);
  lw_nn_attention_backward (dqkv, dy, qkv, att, batch, t, ch, heads, scratch);
  check_close ("attention dqkv", dqkv, get_tensor (c, "dqkv", nqkv), nqkv);
}

static void
test_cross_entropy (void)
{
  Case *c = get_case ("cross-entropy");
  gsize n = get_int (c, "n"), vocab = get_int (c, "vocab"), stride = get_int (c, "stride");
  const float *tf = get_tensor (c, "targets", n);
  const float *logits = get_tensor (c, "logits", n * stride);
  g_autofree int *targets = g_new (int, n);
  for (gsize i = 0; i < n; i++)
    targets[i] = (int) tf[i];
  g_autofree float *probs = zeros (n * stride), *dl = zeros (n * stride);

  double loss = lw_nn_cross_entropy (dl, probs, logits, targets, n, vocab, stride,
                                     (float) get_real (c, "scale"));
  g_assert_cmpfloat_with_epsilon (loss, get_real (c, "loss"), TOL);
  check_close ("cross-entropy probs", probs, get_tensor (c, "probs", n * stride), n * stride);
  check_close ("cross-entropy dlogits", dl, get_tensor (c, "dlogits", n * stride), n * stride);

  /* without probs the gradient is the same */
  g_autofree float *dl2 = zeros (n * stride);
  double loss2 = lw_nn_cross_entropy (dl2, NULL, logits, targets, n, vocab, stride,
                                      (float) get_real (c, "scale"));
  g_assert_cmpfloat_with_epsilon (loss2, loss, 1e-12);
  check_close ("cross-entropy dlogits (no probs)", dl2,
               get_tensor (c, "dlogits", n * stride), n * stride);
}

static void
check_regression (const char *name,
                  double (*fn) (float *, const float *, const float *, gsize, float))
{
  Case *c = get_case (name);
  gsize n = get_int (c, "n");
  g_autofree float *dx = zeros (n);
  double loss = fn (dx, get_tensor (c, "x", n), get_tensor (c, "target", n), n,
                    (float) get_real (c, "scale"));
  g_autofree char *what = g_strdup_printf ("%s dx", name);
  g_assert_cmpfloat_with_epsilon (loss, get_real (c, "loss"), TOL);
  check_close (what, dx, get_tensor (c, "dx", n), n);
}

static void
test_mse_l1 (void)
{
  check_regression ("mse", lw_nn_mse);
  check_regression ("l1", lw_nn_l1);
}

/* On CPUs with AVX2 the kernels take their 8-wide path; run every case again in a
 * subprocess forced onto the 4-wide baseline (the choice is made once per process) */
static void
test_baseline_path (void)
{
  if (g_test_subprocess ())
    {
      g_assert_cmpstr (g_getenv ("LW_NN_NO_AVX2"), ==, "1");
      test_linear ();
      test_conv2d ();
      test_conv1d ();
      test_groupnorm ();
      test_layernorm ();
      test_gelu ();
      test_silu ();
      test_attention ();
      test_cross_entropy ();
      test_mse_l1 ();
      return;
    }
  g_setenv ("LW_NN_NO_AVX2", "1", TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_unsetenv ("LW_NN_NO_AVX2");
  g_test_trap_assert_passed ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  load_vectors ();

  g_test_add_func ("/nn/ops/linear", test_linear);
  g_test_add_func ("/nn/ops/conv2d", test_conv2d);
  g_test_add_func ("/nn/ops/conv1d", test_conv1d);
  g_test_add_func ("/nn/ops/groupnorm", test_groupnorm);
  g_test_add_func ("/nn/ops/layernorm", test_layernorm);
  g_test_add_func ("/nn/ops/gelu", test_gelu);
  g_test_add_func ("/nn/ops/silu", test_silu);
  g_test_add_func ("/nn/ops/attention", test_attention);
  g_test_add_func ("/nn/ops/cross-entropy", test_cross_entropy);
  g_test_add_func ("/nn/ops/mse-l1", test_mse_l1);
  g_test_add_func ("/nn/ops/baseline-path", test_baseline_path);

  int ret = g_test_run ();
  g_hash_table_unref (cases);
  return ret;
}
