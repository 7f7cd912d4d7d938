/* test-wavelet.c — DWT / wavelet packet transforms against PyWavelets vectors, round trips, errors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The reference values are in tests/vectors/wavelet-{haar,cdf53,cdf97}.txt, written by
 * tools/gen-wavelet-vectors.py with pywt (periodization mode, float64 arithmetic); the format is
 * described there.
 */
#define G_LOG_DOMAIN "test-wavelet"

#include <math.h>
#include <string.h>

#include <glib.h>

#include "lw-error.h"
#include "lw-wavelet.h"

/* float32 arithmetic against a float64 reference; errors are relative to the largest
 * reference magnitude of the array */
#define TOL_VECTOR 1e-5
#define TOL_ROUND_TRIP 1e-5

static const LwWavelet all_wavelets[] = { LW_WAVELET_HAAR, LW_WAVELET_CDF53, LW_WAVELET_CDF97 };

/* ---- vector files ------------------------------------------------------------------------- */

#define MAX_ARRAYS 5

typedef struct
{
  char   name[8];
  gsize  n;
  float *v;
} Array;

typedef struct
{
  char  kind[8];
  gsize p[4];
  guint np;
  Array arr[MAX_ARRAYS];
  guint narr;
} Case;

static void
case_free (gpointer data)
{
  Case *c = data;
  for (guint i = 0; i < c->narr; i++)
    g_free (c->arr[i].v);
  g_free (c);
}

static GPtrArray *
load_cases (LwWavelet w)
{
  g_autofree char *base = g_strdup_printf ("wavelet-%s.txt", lw_wavelet_name (w));
  const char *path = g_test_get_filename (G_TEST_DIST, "vectors", base, NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *cases = g_ptr_array_new_with_free_func (case_free);

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);

  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  Case *cur = NULL;
  for (guint li = 0; lines[li] != NULL; li++)
    {
      const char *line = lines[li];
      if (line[0] == '\0' || line[0] == '#')
        continue;
      g_auto (GStrv) tok = g_strsplit (line, " ", -1);
      guint ntok = g_strv_length (tok);
      g_assert_cmpuint (ntok, >=, 2);
      if (g_ascii_isdigit (tok[1][0]) && g_str_has_prefix (tok[0], "dwt") == FALSE &&
          g_str_has_prefix (tok[0], "wpt") == FALSE)
        {
          /* data line: name count values… */
          g_assert_nonnull (cur);
          g_assert_cmpuint (cur->narr, <, MAX_ARRAYS);
          Array *a = &cur->arr[cur->narr++];
          g_strlcpy (a->name, tok[0], sizeof a->name);
          a->n = g_ascii_strtoull (tok[1], NULL, 10);
          g_assert_cmpuint (ntok, ==, a->n + 2);
          a->v = g_new (float, a->n);
          for (gsize i = 0; i < a->n; i++)
            a->v[i] = (float) g_ascii_strtod (tok[i + 2], NULL);
        }
      else
        {
          cur = g_new0 (Case, 1);
          g_strlcpy (cur->kind, tok[0], sizeof cur->kind);
          cur->np = ntok - 1;
          g_assert_cmpuint (cur->np, <=, 4);
          for (guint i = 0; i < cur->np; i++)
            cur->p[i] = g_ascii_strtoull (tok[i + 1], NULL, 10);
          g_ptr_array_add (cases, cur);
        }
    }
  g_assert_cmpuint (cases->len, >, 0);
  return cases;
}

static const Array *
case_array (const Case *c, const char *name, gsize expect_n)
{
  for (guint i = 0; i < c->narr; i++)
    if (strcmp (c->arr[i].name, name) == 0)
      {
        g_assert_cmpuint (c->arr[i].n, ==, expect_n);
        return &c->arr[i];
      }
  g_error ("vector case %s has no array %s", c->kind, name);
  return NULL;
}

/* max |a - ref| / max |ref|, a read with stride */
static double
rel_err_strided (const float *a, gsize stride, const float *ref, gsize n)
{
  double num = 0.0, den = 0.0;
  for (gsize i = 0; i < n; i++)
    {
      num = MAX (num, fabs ((double) a[i * stride] - (double) ref[i]));
      den = MAX (den, fabs ((double) ref[i]));
    }
  return den > 0.0 ? num / den : num;
}

static double
rel_err (const float *a, const float *ref, gsize n)
{
  return rel_err_strided (a, 1, ref, n);
}

static LwTensor *
tensor_from (const float *v, guint ndim, const gsize *shape)
{
  g_autoptr (GError) error = NULL;
  LwTensor *t = lw_tensor_new (ndim, shape, &error);
  g_assert_no_error (error);
  memcpy (t->data, v, lw_tensor_numel (t) * sizeof (float));
  return t;
}

/* ---- tests -------------------------------------------------------------------------------- */

static void
test_names (void)
{
  LwWavelet w = LW_WAVELET_HAAR;

  g_assert_cmpstr (lw_wavelet_name (LW_WAVELET_HAAR), ==, "haar");
  g_assert_cmpstr (lw_wavelet_name (LW_WAVELET_CDF53), ==, "cdf53");
  g_assert_cmpstr (lw_wavelet_name (LW_WAVELET_CDF97), ==, "cdf97");
  for (guint i = 0; i < G_N_ELEMENTS (all_wavelets); i++)
    {
      g_assert_true (lw_wavelet_from_name (lw_wavelet_name (all_wavelets[i]), &w));
      g_assert_cmpint (w, ==, all_wavelets[i]);
    }
  g_assert_true (lw_wavelet_from_name ("bior4.4", &w));
  g_assert_cmpint (w, ==, LW_WAVELET_CDF97);
  g_assert_true (lw_wavelet_from_name ("bior2.2", &w));
  g_assert_cmpint (w, ==, LW_WAVELET_CDF53);
  g_assert_false (lw_wavelet_from_name ("db4", &w));
  g_assert_false (lw_wavelet_from_name ("", &w));
  g_assert_false (lw_wavelet_from_name (NULL, &w));
  g_assert_cmpint (w, ==, LW_WAVELET_CDF53); /* untouched on failure */
}

static void
check_dwt1d (LwWavelet w, const Case *c)
{
  gsize n = c->p[0], half = n / 2;
  const float *x = case_array (c, "x", n)->v;
  const float *lo_ref = case_array (c, "lo", half)->v;
  const float *hi_ref = case_array (c, "hi", half)->v;
  g_autofree float *lo = g_new (float, half);
  g_autofree float *hi = g_new (float, half);
  g_autofree float *xs = g_new0 (float, 3 * n);
  g_autofree float *out = g_new0 (float, 2 * half);
  g_autofree float *xr = g_new0 (float, 3 * n);

  lw_dwt1d_forward (w, x, n, 1, lo, hi, 1);
  g_assert_cmpfloat (rel_err (lo, lo_ref, half), <=, TOL_VECTOR);
  g_assert_cmpfloat (rel_err (hi, hi_ref, half), <=, TOL_VECTOR);

  /* strided: input every 3rd float, bands interleaved in one array */
  for (gsize i = 0; i < n; i++)
    xs[3 * i] = x[i];
  lw_dwt1d_forward (w, xs, n, 3, out, out + 1, 2);
  g_assert_cmpfloat (rel_err_strided (out, 2, lo_ref, half), <=, TOL_VECTOR);
  g_assert_cmpfloat (rel_err_strided (out + 1, 2, hi_ref, half), <=, TOL_VECTOR);

  /* the inverse of pywt's coefficients gives pywt's input back */
  g_autofree float *x1 = g_new (float, n);
  lw_dwt1d_inverse (w, lo_ref, hi_ref, half, 1, x1, 1);
  g_assert_cmpfloat (rel_err (x1, x, n), <=, TOL_VECTOR);
  lw_dwt1d_inverse (w, out, out + 1, half, 2, xr, 3);
  g_assert_cmpfloat (rel_err_strided (xr, 3, x, n), <=, TOL_VECTOR);
}

static void
check_dwt2d (LwWavelet w, const Case *c)
{
  gsize h = c->p[0], wd = c->p[1], q = (h / 2) * (wd / 2);
  const float *x = case_array (c, "x", h * wd)->v;
  const char *names[4] = { "ll", "h", "v", "d" };
  const float *ref[4];
  g_autofree float *bands = g_new (float, 4 * q);
  g_autofree float *xr = g_new (float, h * wd);

  for (guint k = 0; k < 4; k++)
    ref[k] = case_array (c, names[k], q)->v;
  lw_dwt2d_forward (w, x, h, wd, bands, bands + q, bands + 2 * q, bands + 3 * q);
  for (guint k = 0; k < 4; k++)
    {
      double e = rel_err (bands + k * q, ref[k], q);
      if (e > TOL_VECTOR)
        g_test_message ("dwt2d %" G_GSIZE_FORMAT "x%" G_GSIZE_FORMAT " band %s: relative error %g", h, wd, names[k], e);
      g_assert_cmpfloat (e, <=, TOL_VECTOR);
    }
  lw_dwt2d_inverse (w, ref[0], ref[1], ref[2], ref[3], h, wd, xr);
  g_assert_cmpfloat (rel_err (xr, x, h * wd), <=, TOL_VECTOR);
}

static void
check_wpt2d (LwWavelet w, const Case *c)
{
  guint levels = (guint) c->p[0];
  gsize shape[3] = { c->p[1], c->p[2], c->p[3] };
  gsize numel = shape[0] * shape[1] * shape[2];
  g_autoptr (GError) error = NULL;
  g_autoptr (LwTensor) x = tensor_from (case_array (c, "x", numel)->v, 3, shape);
  const float *yref = case_array (c, "y", numel)->v;

  g_autoptr (LwTensor) y = lw_wpt2d_forward (w, x, levels, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (y->ndim, ==, 3);
  g_assert_cmpuint (y->shape[0], ==, shape[0] << (2 * levels));
  g_assert_cmpuint (y->shape[1], ==, shape[1] >> levels);
  g_assert_cmpuint (y->shape[2], ==, shape[2] >> levels);
  double e = rel_err (y->data, yref, numel);
  g_test_message ("%s wpt2d J=%u %" G_GSIZE_FORMAT "x%" G_GSIZE_FORMAT "x%" G_GSIZE_FORMAT ": relative error %.3g vs pywt", lw_wavelet_name (w),
                  levels, shape[0], shape[1], shape[2], e);
  g_assert_cmpfloat (e, <=, TOL_VECTOR);

  gsize yshape[3] = { y->shape[0], y->shape[1], y->shape[2] };
  g_autoptr (LwTensor) yr = tensor_from (yref, 3, yshape);
  g_autoptr (LwTensor) xr = lw_wpt2d_inverse (w, yr, levels, &error);
  g_assert_no_error (error);
  g_assert_true (lw_tensor_same_shape (xr, x));
  g_assert_cmpfloat (rel_err (xr->data, x->data, numel), <=, TOL_VECTOR);
}

static void
check_wpt1d (LwWavelet w, const Case *c)
{
  guint levels = (guint) c->p[0];
  gsize shape[2] = { c->p[1], c->p[2] };
  gsize numel = shape[0] * shape[1];
  g_autoptr (GError) error = NULL;
  g_autoptr (LwTensor) x = tensor_from (case_array (c, "x", numel)->v, 2, shape);
  const float *yref = case_array (c, "y", numel)->v;

  g_autoptr (LwTensor) y = lw_wpt1d_forward (w, x, levels, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (y->shape[0], ==, shape[0] << levels);
  g_assert_cmpuint (y->shape[1], ==, shape[1] >> levels);
  g_assert_cmpfloat (rel_err (y->data, yref, numel), <=, TOL_VECTOR);

  gsize yshape[2] = { y->shape[0], y->shape[1] };
  g_autoptr (LwTensor) yr = tensor_from (yref, 2, yshape);
  g_autoptr (LwTensor) xr = lw_wpt1d_inverse (w, yr, levels, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (rel_err (xr->data, x->data, numel), <=, TOL_VECTOR);
}

static void
test_vectors (gconstpointer data)
{
  LwWavelet w = GPOINTER_TO_INT (data);
  g_autoptr (GPtrArray) cases = load_cases (w);
  guint seen[4] = { 0 };

  for (guint i = 0; i < cases->len; i++)
    {
      const Case *c = cases->pdata[i];
      if (strcmp (c->kind, "dwt1d") == 0)
        check_dwt1d (w, c), seen[0]++;
      else if (strcmp (c->kind, "dwt2d") == 0)
        check_dwt2d (w, c), seen[1]++;
      else if (strcmp (c->kind, "wpt2d") == 0)
        check_wpt2d (w, c), seen[2]++;
      else if (strcmp (c->kind, "wpt1d") == 0)
        check_wpt1d (w, c), seen[3]++;
      else
        g_error ("unknown vector case %s", c->kind);
    }
  for (guint k = 0; k < 4; k++)
    g_assert_cmpuint (seen[k], >, 0);
}

static void
fill_random (LwTensor *t, guint32 seed)
{
  g_autoptr (GRand) r = g_rand_new_with_seed (seed);
  gsize n = lw_tensor_numel (t);
  for (gsize i = 0; i < n; i++)
    t->data[i] = (float) g_rand_double_range (r, -1.0, 1.0);
}

static void
test_round_trip_2d (gconstpointer data)
{
  LwWavelet w = GPOINTER_TO_INT (data);
  static const gsize sizes[][3] = { { 3, 24, 40 }, { 2, 64, 48 }, { 1, 16, 16 }, { 3, 32, 8 } };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (guint levels = 1; levels <= 4; levels++)
      {
        gsize step = (gsize) 1 << levels;
        if (sizes[s][1] % step != 0 || sizes[s][2] % step != 0)
          continue;
        g_autoptr (GError) error = NULL;
        g_autoptr (LwTensor) x = lw_tensor_new_3d (sizes[s][0], sizes[s][1], sizes[s][2]);
        fill_random (x, 17 * s + levels);
        g_autoptr (LwTensor) y = lw_wpt2d_forward (w, x, levels, &error);
        g_assert_no_error (error);
        g_autoptr (LwTensor) xr = lw_wpt2d_inverse (w, y, levels, &error);
        g_assert_no_error (error);
        g_assert_true (lw_tensor_same_shape (x, xr));
        double e = rel_err (xr->data, x->data, lw_tensor_numel (x));
        g_assert_cmpfloat (e, <, TOL_ROUND_TRIP);
      }

  /* one level on a single plane, through the plain-pointer API */
  gsize h = 6, wd = 10, q = (h / 2) * (wd / 2);
  g_autoptr (LwTensor) x = lw_tensor_new_2d (h, wd);
  fill_random (x, 99);
  g_autofree float *b = g_new (float, 4 * q);
  g_autofree float *xr = g_new (float, h * wd);
  lw_dwt2d_forward (w, x->data, h, wd, b, b + q, b + 2 * q, b + 3 * q);
  lw_dwt2d_inverse (w, b, b + q, b + 2 * q, b + 3 * q, h, wd, xr);
  g_assert_cmpfloat (rel_err (xr, x->data, h * wd), <, TOL_ROUND_TRIP);
}

static void
test_round_trip_1d (gconstpointer data)
{
  LwWavelet w = GPOINTER_TO_INT (data);
  static const gsize sizes[][2] = { { 2, 48 }, { 3, 80 }, { 1, 16 } };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (guint levels = 1; levels <= 4; levels++)
      {
        g_autoptr (GError) error = NULL;
        g_autoptr (LwTensor) x = lw_tensor_new_2d (sizes[s][0], sizes[s][1]);
        fill_random (x, 31 * s + levels);
        g_autoptr (LwTensor) y = lw_wpt1d_forward (w, x, levels, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (y->shape[0], ==, sizes[s][0] << levels);
        g_autoptr (LwTensor) xr = lw_wpt1d_inverse (w, y, levels, &error);
        g_assert_no_error (error);
        g_assert_true (lw_tensor_same_shape (x, xr));
        g_assert_cmpfloat (rel_err (xr->data, x->data, lw_tensor_numel (x)), <, TOL_ROUND_TRIP);
      }
}

/* Orthonormal Haar keeps the energy; a cheap independent check of scaling and of the bands
 * being a permutation-free split (no band written twice, none left out). */
static void
test_energy_and_dc (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LwTensor) x = lw_tensor_new_3d (2, 32, 24);
  fill_random (x, 5);
  g_autoptr (LwTensor) y = lw_wpt2d_forward (LW_WAVELET_HAAR, x, 3, &error);
  g_assert_no_error (error);
  double ex = 0.0, ey = 0.0;
  for (gsize i = 0; i < lw_tensor_numel (x); i++)
    {
      ex += (double) x->data[i] * x->data[i];
      ey += (double) y->data[i] * y->data[i];
    }
  g_assert_cmpfloat_with_epsilon (ey / ex, 1.0, 1e-5);

  /* a constant image puts everything in channel 0 (LL of LL of LL) of each input channel */
  for (gsize i = 0; i < lw_tensor_numel (x); i++)
    x->data[i] = 0.25f;
  g_autoptr (LwTensor) z = lw_wpt2d_forward (LW_WAVELET_CDF97, x, 2, &error);
  g_assert_no_error (error);
  gsize plane = z->shape[1] * z->shape[2];
  for (gsize ch = 0; ch < z->shape[0]; ch++)
    for (gsize i = 0; i < plane; i++)
      g_assert_cmpfloat_with_epsilon (z->data[ch * plane + i], ch % 16 == 0 ? 0.25 * 4 : 0.0,
                                      1e-5);
}

static void
expect_shape_error (LwTensor *t, gboolean inverse, gboolean one_d, guint levels,
                    const char *needle)
{
  g_autoptr (GError) error = NULL;
  LwTensor *r;

  if (one_d)
    r = inverse ? lw_wpt1d_inverse (LW_WAVELET_CDF97, t, levels, &error)
                : lw_wpt1d_forward (LW_WAVELET_CDF97, t, levels, &error);
  else
    r = inverse ? lw_wpt2d_inverse (LW_WAVELET_CDF97, t, levels, &error)
                : lw_wpt2d_forward (LW_WAVELET_CDF97, t, levels, &error);
  g_assert_null (r);
  g_assert_error (error, LW_ERROR, LW_ERROR_SHAPE);
  if (strstr (error->message, needle) == NULL)
    g_error ("error message \"%s\" does not name \"%s\"", error->message, needle);
}

static void
test_bad_shapes (void)
{
  g_autoptr (LwTensor) odd = lw_tensor_new_3d (3, 510, 512);
  g_autoptr (LwTensor) ok = lw_tensor_new_3d (1, 16, 16);
  g_autoptr (LwTensor) flat = lw_tensor_new_2d (16, 16);
  g_autoptr (LwTensor) audio = lw_tensor_new_2d (2, 100);
  g_autoptr (LwTensor) bands = lw_tensor_new_3d (6, 4, 4);
  g_autoptr (GError) error = NULL;

  expect_shape_error (odd, FALSE, FALSE, 3, "3×510×512");
  expect_shape_error (ok, FALSE, FALSE, 0, "0 levels");
  expect_shape_error (ok, FALSE, FALSE, 9, "9 levels");
  expect_shape_error (ok, FALSE, FALSE, 5, "1×16×16");
  expect_shape_error (flat, FALSE, FALSE, 1, "16×16");
  expect_shape_error (audio, FALSE, TRUE, 3, "2×100");
  expect_shape_error (ok, FALSE, TRUE, 1, "1×16×16");
  expect_shape_error (bands, TRUE, FALSE, 1, "6×4×4");
  expect_shape_error (bands, TRUE, TRUE, 2, "6×4×4");
  expect_shape_error (ok, TRUE, FALSE, 9, "9 levels");

  /* a hand-made tensor with an empty dimension (lw_tensor_new refuses to make one) */
  float dummy[4] = { 0 };
  LwTensor empty = { .ndim = 3, .shape = { 1, 0, 8, 1 }, .data = dummy };
  expect_shape_error (&empty, FALSE, FALSE, 1, "1×0×8");
  expect_shape_error (&empty, TRUE, FALSE, 1, "1×0×8");

  /* unknown wavelet id */
  g_assert_null (lw_wpt2d_forward ((LwWavelet) 7, ok, 1, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
}

/* A timing print, not an assertion (the machine may be shared); bench/wavelet-speed.c is
 * the real benchmark. Best of three, so first-touch page faults do not dominate. */
static void
test_speed (void)
{
  g_autoptr (LwTensor) x = lw_tensor_new_3d (3, 512, 512);
  double mp = 512.0 * 512.0 / 1e6, best_fwd = G_MAXDOUBLE, best_inv = G_MAXDOUBLE;

  fill_random (x, 1);
  for (guint run = 0; run < 3; run++)
    {
      g_autoptr (GError) error = NULL;
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr (LwTensor) y = lw_wpt2d_forward (LW_WAVELET_CDF97, x, 3, &error);
      gint64 t1 = g_get_monotonic_time ();
      g_autoptr (LwTensor) xr = lw_wpt2d_inverse (LW_WAVELET_CDF97, y, 3, &error);
      gint64 t2 = g_get_monotonic_time ();
      g_assert_no_error (error);
      g_assert_cmpfloat (rel_err (xr->data, x->data, lw_tensor_numel (x)), <, TOL_ROUND_TRIP);
      best_fwd = MIN (best_fwd, (t1 - t0) / 1e6 + 1e-9);
      best_inv = MIN (best_inv, (t2 - t1) / 1e6 + 1e-9);
    }
  g_test_message ("cdf97 J=3 RGB 512x512: forward %.0f MP/s, inverse %.0f MP/s", mp / best_fwd,
                  mp / best_inv);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/wavelet/names", test_names);
  for (guint i = 0; i < G_N_ELEMENTS (all_wavelets); i++)
    {
      LwWavelet w = all_wavelets[i];
      gconstpointer d = GINT_TO_POINTER (w);
      g_autofree char *p1 = g_strdup_printf ("/wavelet/%s/pywt-vectors", lw_wavelet_name (w));
      g_autofree char *p2 = g_strdup_printf ("/wavelet/%s/perfect-reconstruction-2d",
                                             lw_wavelet_name (w));
      g_autofree char *p3 = g_strdup_printf ("/wavelet/%s/perfect-reconstruction-1d",
                                             lw_wavelet_name (w));
      g_test_add_data_func (p1, d, test_vectors);
      g_test_add_data_func (p2, d, test_round_trip_2d);
      g_test_add_data_func (p3, d, test_round_trip_1d);
    }
  g_test_add_func ("/wavelet/energy-and-dc", test_energy_and_dc);
  g_test_add_func ("/wavelet/bad-shapes", test_bad_shapes);
  g_test_add_func ("/wavelet/cdf97/speed", test_speed);

  return g_test_run ();
}
