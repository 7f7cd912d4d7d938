/* test-rd.c — RD curves, sweeps (with a fake codec), and BD-rate/BD-PSNR against numpy
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tests/vectors/bd-vectors.txt comes from tools/gen-bd-vectors.py (np.polyfit/np.polyint).
 * The sweep runs a tiny quantising codec defined here, so it depends on no real codec.
 */
#define G_LOG_DOMAIN "test-rd"

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "lw-error.h"
#include "lw-metrics.h"
#include "lw-rd.h"

/* ---------------------------------------------------------------- a fake codec */

#define FAKE_CHUNK LW_FOURCC ('Q', 'N', 'T', '0')

static const LwParamSpec fake_params[] = {
  { "mode", LW_PARAM_ENUM, 0, 1, 0, FALSE, FALSE, "unused", (const char *const[]) { "a", "b",
                                                                                       NULL } },
  { "step", LW_PARAM_INT, 1, 64, 4, TRUE, TRUE, "quantiser step in code values", NULL },
};

static gpointer
fake_analyse (const LwCodec *codec, const LwTensor *signal, const LwParams *params,
              GCancellable *cancellable, GError **error)
{
  return lw_tensor_copy (signal);
}

static void
fake_analysis_free (gpointer analysis)
{
  lw_tensor_free (analysis);
}

static GBytes *
fake_encode (const LwCodec *codec, gpointer analysis, const LwParams *params,
             GCancellable *cancellable, GError **error)
{
  const LwTensor *img = analysis;
  double step = lw_params_get (params, "step");
  gsize n = lw_tensor_numel (img);
  g_autofree guint8 *q = g_malloc (n);
  for (gsize i = 0; i < n; i++)
    q[i] = (guint8) floor (img->data[i] * 255.0 / step + 0.5);
  uLongf clen = compressBound (n);
  guint8 *z = g_malloc (clen);
  g_assert_cmpint (compress2 (z, &clen, q, n, 9), ==, Z_OK);

  g_autoptr (LwBitstream) bs = lw_bitstream_new (codec->id, LW_MEDIA_IMAGE);
  guint32 shape[3] = { img->shape[0], img->shape[1], img->shape[2] };
  lw_bitstream_set_shape (bs, 3, shape);
  lw_bitstream_set_param (bs, "step", step);
  lw_bitstream_set_param (bs, "dim_reduction", 2.5);
  g_autoptr (GBytes) payload = g_bytes_new_take (z, clen);
  lw_bitstream_add_chunk (bs, FAKE_CHUNK, payload);
  return lw_bitstream_serialize (bs);
}

static LwTensor *
fake_decode (const LwCodec *codec, LwBitstream *file, GError **error)
{
  double step;
  g_assert_true (lw_bitstream_get_param (file, "step", &step));
  gsize c = lw_bitstream_get_dim (file, 0), h = lw_bitstream_get_dim (file, 1),
        w = lw_bitstream_get_dim (file, 2);
  LwTensor *out = lw_tensor_new_3d (c, h, w);
  gsize n = lw_tensor_numel (out);
  g_autofree guint8 *q = g_malloc (n);
  uLongf qlen = n;
  GBytes *chunk = lw_bitstream_get_chunk (file, FAKE_CHUNK);
  g_assert_nonnull (chunk);
  g_assert_cmpint (uncompress (q, &qlen, g_bytes_get_data (chunk, NULL),
                               g_bytes_get_size (chunk)), ==, Z_OK);
  for (gsize i = 0; i < n; i++)
    out->data[i] = (float) MIN (q[i] * step / 255.0, 1.0);
  return out;
}

static const LwCodec fake_codec = {
  .name = "fake-quantiser",
  .title = "Fake quantiser",
  .description = "quantises pixels with a step; for tests",
  .kind = LW_MEDIA_IMAGE,
  .id = 0xfff0,
  .params = fake_params,
  .n_params = G_N_ELEMENTS (fake_params),
  .sweep_param = "step",
  .sweep_descending = TRUE,
  .analyse = fake_analyse,
  .analysis_free = fake_analysis_free,
  .encode = fake_encode,
  .decode = fake_decode,
};

/* ---------------------------------------------------------------- BD vectors */

static double *
parse_doubles (const char *line, guint expected)
{
  g_auto (GStrv) f = g_strsplit (line, " ", -1);
  g_assert_cmpuint (g_strv_length (f), ==, expected);
  double *v = g_new (double, expected);
  for (guint i = 0; i < expected; i++)
    v[i] = g_ascii_strtod (f[i], NULL);
  return v;
}

static LwRdCurve *
curve_from (const double *r, const double *p, guint n)
{
  LwRdCurve *c = lw_rd_curve_new ("x", "y");
  for (guint i = 0; i < n; i++)
    {
      LwRdPoint pt = { .bpp = r[i], .psnr = p[i] };
      lw_rd_curve_add (c, &pt);
    }
  return c;
}

static void
assert_rel (double got, double expected, double rel)
{
  if (fabs (got - expected) > rel * MAX (fabs (expected), 1e-3))
    g_error ("got %.15g, expected %.15g", got, expected);
}

static void
test_bd_vectors (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "vectors", "bd-vectors.txt",
                                                 NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  guint pairs = 0;
  for (guint i = 0; lines[i]; i++)
    {
      guint n1, n2;
      if (sscanf (lines[i], "pair %u %u", &n1, &n2) != 2)
        continue;
      g_autofree double *r1 = parse_doubles (lines[i + 1], n1);
      g_autofree double *p1 = parse_doubles (lines[i + 2], n1);
      g_autofree double *r2 = parse_doubles (lines[i + 3], n2);
      g_autofree double *p2 = parse_doubles (lines[i + 4], n2);
      double exp_rate, exp_psnr;
      g_assert_cmpint (sscanf (lines[i + 5], "= %lf %lf", &exp_rate, &exp_psnr), ==, 2);

      double rate, db;
      g_assert_true (lw_bd_rate_arrays (r1, p1, n1, r2, p2, n2, &rate, &error));
      g_assert_no_error (error);
      g_assert_true (lw_bd_psnr_arrays (r1, p1, n1, r2, p2, n2, &db, &error));
      g_assert_no_error (error);
      g_test_message ("pair %u: BD-rate %.12g%% (numpy %.12g), BD-PSNR %.12g dB (numpy %.12g)",
                      pairs, rate, exp_rate, db, exp_psnr);
      assert_rel (rate, exp_rate, 1e-6);
      assert_rel (db, exp_psnr, 1e-6);

      /* The same through curves (which sort their points by rate) */
      g_autoptr (LwRdCurve) c1 = curve_from (r1, p1, n1);
      g_autoptr (LwRdCurve) c2 = curve_from (r2, p2, n2);
      g_assert_true (lw_bd_rate (c1, c2, &rate, &error));
      g_assert_true (lw_bd_psnr (c1, c2, &db, &error));
      assert_rel (rate, exp_rate, 1e-6);
      assert_rel (db, exp_psnr, 1e-6);
      pairs++;
    }
  g_assert_cmpuint (pairs, >=, 5);
}

static void
test_bd_errors (void)
{
  double r[] = { 0.1, 0.2, 0.4, 0.8, 1.6 };
  double p[] = { 30, 33, 36, 39, INFINITY };
  double far_r[] = { 10, 20, 40, 80 };
  double far_p[] = { 50, 53, 56, 59 };
  double flat_p[] = { 30, 30, 30, 30 };
  double out;
  g_autoptr (GError) error = NULL;

  /* one point is lossless: 4 finite remain, enough */
  g_assert_true (lw_bd_psnr_arrays (r, p, 5, r, p, 4, &out, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (out, 0.0, 1e-9);
  g_assert_true (lw_bd_rate_arrays (r, p, 5, r, p, 5, &out, &error));
  g_assert_cmpfloat_with_epsilon (out, 0.0, 1e-9);

  g_assert_false (lw_bd_rate_arrays (r, p, 3, r, p, 5, &out, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
  g_assert_nonnull (strstr (error->message, "at least 4"));
  g_clear_error (&error);

  double r4[] = { 0.1, 0.2, 0.4, 0.8 };
  double p4[] = { 30, 33, 36, INFINITY };
  g_assert_false (lw_bd_psnr_arrays (r4, p4, 4, r, p, 5, &out, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
  g_clear_error (&error);

  g_assert_false (lw_bd_rate_arrays (r, p, 4, far_r, far_p, 4, &out, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
  g_assert_nonnull (strstr (error->message, "overlap"));
  g_clear_error (&error);
  g_assert_false (lw_bd_psnr_arrays (r, p, 4, far_r, far_p, 4, &out, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
  g_clear_error (&error);

  g_assert_false (lw_bd_rate_arrays (r, flat_p, 4, r, p, 4, &out, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
}

/* ---------------------------------------------------------------- curves */

static void
test_curve (void)
{
  g_autoptr (LwRdCurve) c = lw_rd_curve_new ("codec", "label");
  double bpp[] = { 4.0, 1.0, 2.0, 0.5 };
  double psnr[] = { 40.0, 34.0, 37.0, 30.0 };
  for (guint i = 0; i < 4; i++)
    {
      LwRdPoint pt = { .param = i, .bpp = bpp[i], .psnr = psnr[i] };
      lw_rd_curve_add (c, &pt);
    }
  g_assert_cmpuint (c->points->len, ==, 4);
  for (guint i = 1; i < 4; i++)
    g_assert_cmpfloat (g_array_index (c->points, LwRdPoint, i - 1).bpp, <,
                       g_array_index (c->points, LwRdPoint, i).bpp);
  g_assert_true (lw_rd_curve_is_monotone (c));

  /* linear in log bpp: halfway between 1 and 4 in log is 2 → between 34 and 40 … but 2 is a
   * point; sqrt(2) is halfway between 1 and 2 */
  g_assert_cmpfloat_with_epsilon (lw_rd_curve_psnr_at (c, 2.0), 37.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (lw_rd_curve_psnr_at (c, sqrt (2.0)), 35.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (lw_rd_curve_psnr_at (c, 0.5), 30.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (lw_rd_curve_psnr_at (c, 4.0), 40.0, 1e-12);
  g_assert_true (isnan (lw_rd_curve_psnr_at (c, 0.4)));
  g_assert_true (isnan (lw_rd_curve_psnr_at (c, 4.1)));

  LwRdPoint dip = { .bpp = 3.0, .psnr = 36.0 };
  lw_rd_curve_add (c, &dip);
  g_assert_false (lw_rd_curve_is_monotone (c));
}

/* ---------------------------------------------------------------- sweeps */

static void
test_sweep_values (void)
{
  g_autofree double *v = lw_rd_sweep_values (&fake_codec, 7);
  double expected[] = { 1, 2, 4, 8, 16, 32, 64 };
  for (guint i = 0; i < 7; i++)
    g_assert_cmpfloat_with_epsilon (v[i], expected[i], 1e-12);
  g_autofree double *one = lw_rd_sweep_values (&fake_codec, 1);
  g_assert_cmpfloat (one[0], ==, 4.0);
}

typedef struct
{
  guint calls;
  double last;
  GCancellable *cancel_after_first;
} ProgressLog;

static void
on_progress (double fraction, gpointer user_data)
{
  ProgressLog *log = user_data;
  g_assert_cmpfloat (fraction, >, log->last);
  log->last = fraction;
  log->calls++;
  if (log->cancel_after_first)
    g_cancellable_cancel (log->cancel_after_first);
}

static LwTensor *
test_image (void)
{
  LwTensor *t = lw_tensor_new_3d (3, 40, 48);
  for (gsize c = 0; c < 3; c++)
    for (gsize y = 0; y < 40; y++)
      for (gsize x = 0; x < 48; x++)
        t->data[(c * 40 + y) * 48 + x]
          = (float) (((x * 5 + y * 3 + c * 40 + (x * y) % 7) % 256)) / 255.0f;
  return t;
}

static void
test_sweep (void)
{
  g_autoptr (LwTensor) img = test_image ();
  ProgressLog log = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (LwRdCurve) curve = lw_rd_sweep (&fake_codec, img, NULL, 7, "gradient",
                                             on_progress, &log, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (curve);
  g_assert_cmpstr (curve->codec, ==, "fake-quantiser");
  g_assert_cmpstr (curve->label, ==, "gradient");
  g_assert_cmpuint (curve->points->len, ==, 7);
  g_assert_cmpuint (log.calls, ==, 7);
  g_assert_cmpfloat (log.last, ==, 1.0);
  /* Larger steps give fewer bits and lower quality; points come out sorted by bpp */
  g_assert_true (lw_rd_curve_is_monotone (curve));
  for (guint i = 0; i < curve->points->len; i++)
    {
      const LwRdPoint *p = &g_array_index (curve->points, LwRdPoint, i);
      g_assert_cmpfloat_with_epsilon (p->bpp, 8.0 * p->bytes / (40.0 * 48.0), 1e-12);
      g_assert_cmpfloat (p->dim_reduction, ==, 2.5);
      g_assert_true (p->encode_ms >= 0 && p->decode_ms >= 0);
      g_assert_true (p->ssim <= 1.0 && p->ms_ssim <= 1.0);
      if (i > 0)
        {
          const LwRdPoint *q = &g_array_index (curve->points, LwRdPoint, i - 1);
          g_assert_cmpfloat (q->bpp, <=, p->bpp);
          g_assert_cmpfloat (q->param, >, p->param);
        }
      if (p->param == 1.0)
        g_assert_true (isinf (p->psnr)); /* step 1 is lossless */
      else
        {
          /* a uniform quantiser with step s has error ≤ s/2 per value */
          g_assert_cmpfloat (p->psnr, >=, 10 * log10 (255.0 * 255.0 / (p->param * p->param / 4)));
        }
    }

  /* other parameters come from `base` */
  g_autoptr (LwParams) base = lw_params_new (&fake_codec);
  g_assert_true (lw_params_set (base, "mode", 1, &error));
  g_autoptr (LwRdCurve) again = lw_rd_sweep (&fake_codec, img, base, 3, "b", NULL, NULL, NULL,
                                             &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->points->len, ==, 3);
}

static void
test_sweep_cancel (void)
{
  g_autoptr (LwTensor) img = test_image ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  ProgressLog log = { .cancel_after_first = cancellable };
  g_autoptr (GError) error = NULL;
  g_autoptr (LwRdCurve) curve = lw_rd_sweep (&fake_codec, img, NULL, 5, "x", on_progress, &log,
                                             cancellable, &error);
  g_assert_null (curve);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (log.calls, ==, 1);

  g_clear_error (&error);
  g_autoptr (LwTensor) flat = lw_tensor_new_2d (4, 4);
  g_assert_null (lw_rd_sweep (&fake_codec, flat, NULL, 3, "x", NULL, NULL, NULL, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_SHAPE);
}

/* Matched-setting means: a setting one image lacks is left out, the rest average every field */
static void
test_curve_mean (void)
{
  g_autoptr (LwRdCurve) a = lw_rd_curve_new ("x", "a");
  g_autoptr (LwRdCurve) b = lw_rd_curve_new ("x", "b");
  for (guint k = 1; k <= 4; k++)
    {
      LwRdPoint p = { .param = k, .bytes = 100 * k, .bpp = k, .psnr = 30 + k, .ssim = 0.9 };
      lw_rd_curve_add (a, &p);
      p.bpp = 3 * k;
      p.psnr = 20 + k;
      p.ssim = 0.7;
      if (k != 2)
        lw_rd_curve_add (b, &p);
    }
  LwRdCurve *both[] = { a, b };
  g_autoptr (LwRdCurve) m = lw_rd_curve_mean (both, 2, "mean");
  g_assert_cmpstr (m->codec, ==, "x");
  g_assert_cmpuint (m->points->len, ==, 3);
  const LwRdPoint *p0 = &g_array_index (m->points, LwRdPoint, 0);
  g_assert_cmpfloat_with_epsilon (p0->bpp, 2, 1e-12);
  g_assert_cmpfloat_with_epsilon (p0->psnr, 26, 1e-12);
  g_assert_cmpfloat_with_epsilon (p0->ssim, 0.8, 1e-12);
  const LwRdPoint *p1 = &g_array_index (m->points, LwRdPoint, 1);
  g_assert_cmpfloat (p1->param, ==, 3);
  g_assert_cmpuint (p1->bytes, ==, 300);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rd/bd/reference-vectors", test_bd_vectors);
  g_test_add_func ("/rd/bd/errors", test_bd_errors);
  g_test_add_func ("/rd/curve/order-interpolation", test_curve);
  g_test_add_func ("/rd/sweep/values", test_sweep_values);
  g_test_add_func ("/rd/sweep/fake-codec", test_sweep);
  g_test_add_func ("/rd/sweep/cancel", test_sweep_cancel);
  g_test_add_func ("/rd/curve-mean", test_curve_mean);
  return g_test_run ();
}
