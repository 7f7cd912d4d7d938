/* test-nn-convdec.c — the conv decoder against PyTorch golden values, its initial state, a
 * short training run, determinism and a checkpoint round trip
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reference: tests/vectors/nn-convdec.safetensors from tools/gen-nn-vectors.py (PyTorch
 * autograd in float64 on float32 weights; the gradients are those of L = Σ r ⊙ y).
 * Without GroupNorm (groups = 0): a direct double-precision evaluation of the net written
 * here, and central finite differences for the backward.
 */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "lw-nn-convdec.h"
#include "lw-nn-ops.h"
#include "lw-safetensors.h"

#define TOL 1e-4

static LwSafetensors *
open_vectors (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "vectors",
                                                 "nn-convdec.safetensors", NULL);
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

static void
test_golden (void)
{
  g_autoptr (LwSafetensors) st = open_vectors ();
  LwConvDecConfig c = {
    .in_channels = meta_uint (st, "in_channels"), .out_channels = meta_uint (st, "out_channels"),
    .width = meta_uint (st, "width"), .blocks = meta_uint (st, "blocks"),
    .groups = meta_uint (st, "groups"),
  };
  guint B = meta_uint (st, "batch"), H = meta_uint (st, "h"), Wd = meta_uint (st, "w");
  gsize nx = (gsize) B * c.in_channels * H * Wd, ny = (gsize) B * c.out_channels * H * Wd;
  g_autoptr (LwConvDec) dec = lw_convdec_new (&c, 1);
  LwNnParams *p = lw_convdec_params (dec);
  g_autofree float *x = read_f32 (st, "in.x", NULL);
  g_autofree float *r = read_f32 (st, "in.r", NULL);
  g_autofree float *y_ref = read_f32 (st, "out.y", NULL);
  g_autofree float *dx_ref = read_f32 (st, "grad.x", NULL);
  g_autofree float *dx = g_new0 (float, nx);

  for (guint i = 0; i < lw_nn_params_count (p); i++)
    {
      gsize n = 0;
      g_autofree float *v = read_f32 (st, lw_nn_params_name (p, i), &n);
      g_assert_cmpuint (n, ==, lw_nn_params_numel (p, i));
      memcpy (lw_nn_params_value (p, i), v, n * sizeof (float));
    }

  const float *y = lw_convdec_forward (dec, x, B, H, Wd);
  assert_close ("y", y, y_ref, ny, TOL);

  lw_nn_params_zero_grad (p);
  lw_convdec_backward (dec, r, dx);
  assert_close ("dx", dx, dx_ref, nx, TOL);
  for (guint i = 0; i < lw_nn_params_count (p); i++)
    {
      gsize n = 0;
      g_autofree char *name = g_strconcat ("grad.", lw_nn_params_name (p, i), NULL);
      g_autofree float *ref = read_f32 (st, name, &n);
      assert_close (name, lw_nn_params_grad (p, i), ref, n, TOL);
    }

  /* dx may be NULL; a smaller input after a larger one reuses the arena */
  lw_convdec_backward (dec, r, NULL);
  y = lw_convdec_forward (dec, x, 1, H, Wd);
  assert_close ("y (batch 1)", y, y_ref, ny / B, TOL);
}

static const LwConvDecConfig small = { .in_channels = 3, .out_channels = 12, .width = 16,
                                       .blocks = 2, .groups = 4 };

static void
test_fresh (void)
{
  g_autoptr (LwConvDec) dec = lw_convdec_new (&small, 5);
  LwNnParams *p = lw_convdec_params (dec);
  float x[3 * 4 * 4];
  LwRng rng;

  lw_rng_seed (&rng, 1);
  for (guint i = 0; i < G_N_ELEMENTS (x); i++)
    x[i] = (float) lw_rng_normal (&rng);
  const float *y = lw_convdec_forward (dec, x, 1, 4, 4);
  for (guint i = 0; i < 12 * 16; i++)
    g_assert_cmpfloat (y[i], ==, 0.0f);

  /* names and shapes as the header lists them; PyTorch's default conv init bound */
  g_assert_cmpuint (lw_nn_params_count (p), ==, 2 + 2 * 8 + 4);
  int i = lw_nn_params_find (p, "blocks.1.conv2.weight");
  g_assert_cmpint (i, >=, 0);
  g_assert_cmpuint (lw_nn_params_shape (p, i)[1], ==, 16);
  g_assert_cmpuint (lw_nn_params_shape (p, i)[3], ==, 3);
  double bound = 1.0 / sqrt (16 * 9), maxabs = 0.0;
  for (gsize k = 0; k < lw_nn_params_numel (p, i); k++)
    maxabs = MAX (maxabs, fabs (lw_nn_params_value (p, i)[k]));
  g_assert_cmpfloat (maxabs, <=, bound);
  g_assert_cmpfloat (maxabs, >, 0.8 * bound);
  g_assert_cmpint (lw_nn_params_find (p, "conv_out.bias"), >=, 0);
  g_assert_cmpint (lw_nn_params_find (p, "norm_out.weight"), >=, 0);
}

/* MSE towards fixed random targets; returns the mean loss of the first and last five steps */
static void
train (LwConvDec *dec, guint steps, double *first, double *last)
{
  LwNnParams *p = lw_convdec_params (dec);
  LwAdamWConfig oc = { 0.9, 0.999, 1e-8, 0.0 };
  g_autoptr (LwAdamW) opt = lw_adamw_new (p, &oc);
  guint B = 2, H = 6, Wd = 6;
  gsize nx = B * small.in_channels * H * Wd, ny = B * small.out_channels * H * Wd;
  g_autofree float *x = g_new (float, nx);
  g_autofree float *target = g_new (float, ny);
  g_autofree float *dy = g_new (float, ny);
  LwRng rng;

  lw_rng_seed (&rng, 3);
  for (gsize i = 0; i < nx; i++)
    x[i] = (float) lw_rng_normal (&rng);
  for (gsize i = 0; i < ny; i++)
    target[i] = (float) lw_rng_normal (&rng);
  *first = *last = 0.0;
  for (guint s = 0; s < steps; s++)
    {
      const float *y = lw_convdec_forward (dec, x, B, H, Wd);
      double loss = lw_nn_mse (dy, y, target, ny, 1.0f);
      lw_nn_params_zero_grad (p);
      lw_convdec_backward (dec, dy, NULL);
      lw_adamw_step (opt, 1e-2);
      if (s < 5)
        *first += loss / 5;
      if (s + 5 >= steps)
        *last += loss / 5;
    }
}

static void
test_train (void)
{
  g_autoptr (LwConvDec) dec = lw_convdec_new (&small, 8);
  double first, last;

  train (dec, 40, &first, &last);
  g_test_message ("random targets: loss %.4f -> %.4f", first, last);
  g_assert_cmpfloat (last, <, 0.8 * first);
}

static void
test_determinism (void)
{
  g_autoptr (LwConvDec) a = lw_convdec_new (&small, 4);
  g_autoptr (LwConvDec) b = lw_convdec_new (&small, 4);
  g_autoptr (LwConvDec) other = lw_convdec_new (&small, 6);
  gsize bytes = lw_nn_params_total (lw_convdec_params (a)) * sizeof (float);
  double fa, la, fb, lb;

  g_assert_true (memcmp (lw_nn_params_values (lw_convdec_params (a)),
                         lw_nn_params_values (lw_convdec_params (b)), bytes) == 0);
  g_assert_false (memcmp (lw_nn_params_values (lw_convdec_params (a)),
                          lw_nn_params_values (lw_convdec_params (other)), bytes) == 0);
  train (a, 6, &fa, &la);
  train (b, 6, &fb, &lb);
  g_assert_true (fa == fb && la == lb);
  g_assert_true (memcmp (lw_nn_params_values (lw_convdec_params (a)),
                         lw_nn_params_values (lw_convdec_params (b)), bytes) == 0);
}

static void
test_checkpoint (void)
{
  g_autoptr (LwConvDec) dec = lw_convdec_new (&small, 12);
  g_autoptr (LwConvDec) back = lw_convdec_new (&small, 13);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("lw-nn-convdec-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "dec.safetensors", NULL);
  LwNnParams *p = lw_convdec_params (dec);
  double first, last;

  train (dec, 3, &first, &last);
  g_assert_true (lw_nn_checkpoint_save (path, p, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (lw_nn_checkpoint_load (path, lw_convdec_params (back), NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (memcmp (lw_nn_params_values (p), lw_nn_params_values (lw_convdec_params (back)),
                         lw_nn_params_total (p) * sizeof (float)) == 0);

  /* another width: refused, naming the first tensor that differs */
  LwConvDecConfig wide = small;
  wide.width = 32;
  g_autoptr (LwConvDec) other = lw_convdec_new (&wide, 1);
  g_assert_false (lw_nn_checkpoint_load (path, lw_convdec_params (other), NULL, NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "conv_in.weight"));
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_flops (void)
{
  LwConvDecConfig c = { .in_channels = 48, .out_channels = 192, .width = 64, .blocks = 2,
                        .groups = 8 };
  double s = 16.0 * 32 * 32;
  double expect = 2 * s * (48 * 64 * 9 + 2 * 2 * 64 * 64 * 9 + 64 * 192);
  g_assert_cmpfloat_with_epsilon (lw_convdec_forward_flops (&c, 16, 32, 32), expect, 1.0);
}

/* ---- groups = 0: no GroupNorm ------------------------------------------------------------- */

static const LwConvDecConfig plain = { .in_channels = 3, .out_channels = 5, .width = 6,
                                       .blocks = 2, .groups = 0 };

/* y = conv (x) with zero padding, in double: an independent reference */
static void
ref_conv (double *y, const double *x, const float *w, const float *b, guint cin, guint cout,
          guint h, guint wd, guint k)
{
  int r = (int) k / 2;
  for (guint o = 0; o < cout; o++)
    for (guint yy = 0; yy < h; yy++)
      for (guint xx = 0; xx < wd; xx++)
        {
          double acc = b[o];
          for (guint i = 0; i < cin; i++)
            for (int dy = -r; dy <= r; dy++)
              for (int dx = -r; dx <= r; dx++)
                {
                  int sy = (int) yy + dy, sx = (int) xx + dx;
                  if (sy < 0 || sx < 0 || sy >= (int) h || sx >= (int) wd)
                    continue;
                  acc += (double) w[((o * cin + i) * k + (dy + r)) * k + (dx + r)]
                         * x[((gsize) i * h + sy) * wd + sx];
                }
          y[((gsize) o * h + yy) * wd + xx] = acc;
        }
}

static void
ref_silu (double *y, const double *x, gsize n)
{
  for (gsize i = 0; i < n; i++)
    y[i] = x[i] / (1.0 + exp (-x[i]));
}

static float *
param (LwNnParams *p, const char *name)
{
  int i = lw_nn_params_find (p, name);
  if (i < 0)
    g_error ("no parameter '%s'", name);
  return lw_nn_params_value (p, (guint) i);
}

/* Random values everywhere, conv_out included, so the output is not trivially zero */
static void
randomise (LwNnParams *p, guint64 seed)
{
  LwRng rng;
  lw_rng_seed (&rng, seed);
  for (guint i = 0; i < lw_nn_params_count (p); i++)
    lw_nn_params_init_uniform (p, i, 0.4, &rng);
}

static void
test_plain_forward (void)
{
  const LwConvDecConfig *c = &plain;
  g_autoptr (LwConvDec) dec = lw_convdec_new (c, 2);
  LwNnParams *p = lw_convdec_params (dec);
  guint H = 5, Wd = 7, Cw = c->width;
  gsize s = (gsize) H * Wd;
  g_autofree float *x = g_new (float, c->in_channels * s);
  g_autofree double *h = g_new (double, Cw * s);
  g_autofree double *t1 = g_new (double, Cw * s);
  g_autofree double *t2 = g_new (double, Cw * s);
  g_autofree double *ref = g_new (double, c->out_channels * s);
  LwRng rng;

  /* no norm tensors: conv_in, two convs per block, conv_out */
  g_assert_cmpuint (lw_nn_params_count (p), ==, 2 + 4 * c->blocks + 2);
  g_assert_cmpint (lw_nn_params_find (p, "blocks.0.norm1.weight"), <, 0);
  g_assert_cmpint (lw_nn_params_find (p, "norm_out.bias"), <, 0);

  randomise (p, 9);
  lw_rng_seed (&rng, 10);
  for (gsize i = 0; i < c->in_channels * s; i++)
    x[i] = (float) lw_rng_normal (&rng);
  const float *y = lw_convdec_forward (dec, x, 1, H, Wd);

  g_autofree double *xd = g_new (double, c->in_channels * s);
  for (gsize i = 0; i < c->in_channels * s; i++)
    xd[i] = x[i];
  ref_conv (h, xd, param (p, "conv_in.weight"), param (p, "conv_in.bias"), c->in_channels, Cw,
            H, Wd, 3);
  for (guint b = 0; b < c->blocks; b++)
    {
      g_autofree char *w1 = g_strdup_printf ("blocks.%u.conv1.weight", b);
      g_autofree char *b1 = g_strdup_printf ("blocks.%u.conv1.bias", b);
      g_autofree char *w2 = g_strdup_printf ("blocks.%u.conv2.weight", b);
      g_autofree char *b2 = g_strdup_printf ("blocks.%u.conv2.bias", b);
      ref_silu (t1, h, Cw * s);
      ref_conv (t2, t1, param (p, w1), param (p, b1), Cw, Cw, H, Wd, 3);
      ref_silu (t2, t2, Cw * s);
      ref_conv (t1, t2, param (p, w2), param (p, b2), Cw, Cw, H, Wd, 3);
      for (gsize i = 0; i < Cw * s; i++)
        h[i] += t1[i];
    }
  ref_silu (t1, h, Cw * s);
  ref_conv (ref, t1, param (p, "conv_out.weight"), param (p, "conv_out.bias"), Cw,
            c->out_channels, H, Wd, 1);

  g_autofree float *reff = g_new (float, c->out_channels * s);
  for (gsize i = 0; i < c->out_channels * s; i++)
    reff[i] = (float) ref[i];
  assert_close ("y (groups 0)", y, reff, c->out_channels * s, TOL);
}

/* L = Σ r ⊙ y in double */
static double
plain_loss (LwConvDec *dec, const float *x, const float *r, guint B, guint H, guint Wd)
{
  const float *y = lw_convdec_forward (dec, x, B, H, Wd);
  double l = 0;
  for (gsize i = 0; i < (gsize) B * plain.out_channels * H * Wd; i++)
    l += (double) r[i] * y[i];
  return l;
}

/* Backward against central differences of the forward (float32, so a loose tolerance) */
static void
test_plain_gradcheck (void)
{
  g_autoptr (LwConvDec) dec = lw_convdec_new (&plain, 3);
  LwNnParams *p = lw_convdec_params (dec);
  guint B = 2, H = 4, Wd = 5;
  gsize nx = (gsize) B * plain.in_channels * H * Wd, ny = (gsize) B * plain.out_channels * H * Wd;
  g_autofree float *x = g_new (float, nx);
  g_autofree float *r = g_new (float, ny);
  g_autofree float *dx = g_new0 (float, nx);
  const double eps = 1e-2;
  LwRng rng;

  randomise (p, 11);
  lw_rng_seed (&rng, 12);
  for (gsize i = 0; i < nx; i++)
    x[i] = (float) lw_rng_normal (&rng);
  for (gsize i = 0; i < ny; i++)
    r[i] = (float) lw_rng_normal (&rng);

  plain_loss (dec, x, r, B, H, Wd);
  lw_nn_params_zero_grad (p);
  lw_convdec_backward (dec, r, dx);

  /* a few entries of every tensor, and of the input */
  double worst = 0;
  for (guint t = 0; t < lw_nn_params_count (p); t++)
    for (guint k = 0; k < 3; k++)
      {
        gsize j = lw_rng_below (&rng, (guint32) lw_nn_params_numel (p, t));
        float *v = lw_nn_params_value (p, t) + j, keep = *v;
        *v = keep + (float) eps;
        double lp = plain_loss (dec, x, r, B, H, Wd);
        *v = keep - (float) eps;
        double lm = plain_loss (dec, x, r, B, H, Wd);
        *v = keep;
        double fd = (lp - lm) / (2 * eps), an = lw_nn_params_grad (p, t)[j];
        double e = fabs (fd - an) / MAX (1.0, fabs (fd));
        if (e > 2e-2)
          g_error ("%s[%" G_GSIZE_FORMAT "]: backward %.6g, finite difference %.6g",
                   lw_nn_params_name (p, t), j, an, fd);
        worst = MAX (worst, e);
      }
  for (guint k = 0; k < 8; k++)
    {
      gsize j = lw_rng_below (&rng, (guint32) nx);
      float keep = x[j];
      x[j] = keep + (float) eps;
      double lp = plain_loss (dec, x, r, B, H, Wd);
      x[j] = keep - (float) eps;
      double lm = plain_loss (dec, x, r, B, H, Wd);
      x[j] = keep;
      double fd = (lp - lm) / (2 * eps);
      double e = fabs (fd - dx[j]) / MAX (1.0, fabs (fd));
      if (e > 2e-2)
        g_error ("x[%" G_GSIZE_FORMAT "]: backward %.6g, finite difference %.6g", j, dx[j], fd);
      worst = MAX (worst, e);
    }
  g_test_message ("groups 0: worst relative gradient error %.3g", worst);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nn/convdec/golden", test_golden);
  g_test_add_func ("/nn/convdec/fresh-outputs-zero", test_fresh);
  g_test_add_func ("/nn/convdec/train", test_train);
  g_test_add_func ("/nn/convdec/determinism", test_determinism);
  g_test_add_func ("/nn/convdec/checkpoint", test_checkpoint);
  g_test_add_func ("/nn/convdec/flops", test_flops);
  g_test_add_func ("/nn/convdec/no-norm/forward", test_plain_forward);
  g_test_add_func ("/nn/convdec/no-norm/gradcheck", test_plain_gradcheck);
  return g_test_run ();
}
