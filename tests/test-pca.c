/* test-pca.c — PCA fitting against a closed form, pseudo-inverse identities, model files
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "lw-error.h"
#include "lw-pca.h"

#include <math.h>

#define D 6

/* A rotation R (from Givens rotations) and points μ ± σ_i·r_i: the covariance of this set is
 * exactly (1/D) Σ σ_i² r_i r_iᵀ, so the eigenvalues are σ_i²/D and the directions ±r_i. */
static void
make_rotation (double r[D][D])
{
  for (int i = 0; i < D; i++)
    for (int j = 0; j < D; j++)
      r[i][j] = i == j;
  for (int k = 0; k < D - 1; k++)
    {
      double a = 0.3 + 0.4 * k, c = cos (a), s = sin (a);
      for (int i = 0; i < D; i++)
        {
          double x = r[i][k], y = r[i][k + 1];
          r[i][k] = c * x - s * y;
          r[i][k + 1] = s * x + c * y;
        }
    }
}

static void
test_closed_form (void)
{
  double r[D][D];
  const double sigma[D] = { 9, 7, 5, 3, 2, 1 };
  const double mu[D] = { 1, -2, 3, 0.5, 0, 10 };
  make_rotation (r);

  gsize p = 2 * D;
  float x[D * 2 * D];
  for (int i = 0; i < D; i++)
    for (int s = 0; s < 2; s++)
      for (int d = 0; d < D; d++)
        x[d * p + 2 * i + s] = mu[d] + (s ? -1 : 1) * sigma[i] * r[d][i];

  LwPcaAccumulator *acc = lw_pca_accumulator_new (D);
  lw_pca_accumulator_add (acc, x, p);
  GError *error = NULL;
  g_autoptr (LwPca) pca = lw_pca_accumulator_finish (acc, &error);
  lw_pca_accumulator_free (acc);
  g_assert_no_error (error);

  for (int i = 0; i < D; i++)
    {
      g_assert_cmpfloat_with_epsilon (pca->variance[i], sigma[i] * sigma[i] / D, 1e-3);
      g_assert_cmpfloat_with_epsilon (pca->mean[i], mu[i], 1e-5);
      double dot = 0;
      for (int d = 0; d < D; d++)
        dot += pca->basis[i * D + d] * r[d][i];
      g_assert_cmpfloat_with_epsilon (fabs (dot), 1.0, 1e-5);
    }

  /* full basis: projection then reconstruction is the identity */
  float y[D * 2 * D], back[D * 2 * D];
  g_autofree float *pinv = lw_pca_pinv (pca, D, &error);
  g_assert_no_error (error);
  lw_pca_project (pca, D, x, p, y);
  lw_pca_reconstruct (pca, pinv, D, y, p, back);
  for (gsize i = 0; i < D * p; i++)
    g_assert_cmpfloat_with_epsilon (back[i], x[i], 1e-4);
  /* orthonormal rows: the transpose path gives the same reconstruction */
  float back_t[D * 2 * D];
  lw_pca_reconstruct (pca, NULL, D, y, p, back_t);
  for (gsize i = 0; i < D * p; i++)
    g_assert_cmpfloat_with_epsilon (back_t[i], x[i], 1e-4);
  /* expand is the reconstruction without the mean, on either path */
  float ex[D * 2 * D];
  lw_pca_expand (pca, pinv, D, y, p, ex);
  for (gsize i = 0; i < D * p; i++)
    g_assert_cmpfloat_with_epsilon (ex[i] + pca->mean[i / p], back[i], 1e-4);
  lw_pca_expand (pca, NULL, D, y, p, ex);
  for (gsize i = 0; i < D * p; i++)
    g_assert_cmpfloat_with_epsilon (ex[i] + pca->mean[i / p], back_t[i], 1e-4);

  /* first latent of the first point is σ_0 (up to the sign convention) */
  g_assert_cmpfloat_with_epsilon (fabs (y[0]), sigma[0], 1e-4);
}

/* W W⁺ = I for a non-orthogonal W; a rank-deficient W is refused */
static void
test_pinv (void)
{
  g_autoptr (LwPca) pca = lw_pca_new (5, 3);
  for (int i = 0; i < 15; i++)
    pca->basis[i] = sin (1.7 * i + 0.3) + (i % 6 == 0);
  GError *error = NULL;
  g_autofree float *pinv = lw_pca_pinv (pca, 3, &error);
  g_assert_no_error (error);
  for (int a = 0; a < 3; a++)
    for (int b = 0; b < 3; b++)
      {
        double s = 0;
        for (int i = 0; i < 5; i++)
          s += pca->basis[a * 5 + i] * pinv[i * 3 + b];
        g_assert_cmpfloat_with_epsilon (s, a == b, 1e-5);
      }

  for (int i = 0; i < 5; i++)
    pca->basis[10 + i] = pca->basis[i];
  float *bad = lw_pca_pinv (pca, 3, &error);
  g_assert_null (bad);
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_DATA);
  g_clear_error (&error);
}

static void
test_model_file (void)
{
  g_autoptr (LwPca) a = lw_pca_new (4, 2);
  for (int i = 0; i < 8; i++)
    a->basis[i] = i * 0.5f - 1;
  a->mean[3] = 7;
  a->variance[0] = 3;
  a->channels = 1;
  a->levels = 1;
  a->wavelet = 2;
  LwPca *set[] = { a };
  g_autoptr (GBytes) bytes = lw_pca_set_serialize (set, 1);
  GError *error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  g_autoptr (GPtrArray) back = lw_pca_set_parse (data, len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 1);
  LwPca *b = g_ptr_array_index (back, 0);
  g_assert_cmpuint (b->dim, ==, 4);
  g_assert_cmpuint (b->n, ==, 2);
  g_assert_cmpuint (b->wavelet, ==, 2);
  g_assert_cmpfloat (b->mean[3], ==, 7);
  for (int i = 0; i < 8; i++)
    g_assert_cmpfloat (b->basis[i], ==, a->basis[i]);

  /* every truncation is an error, not a crash */
  for (gsize cut = 0; cut < len; cut += 7)
    {
      GPtrArray *t = lw_pca_set_parse (data, cut, &error);
      g_assert_null (t);
      g_assert_nonnull (error);
      g_clear_error (&error);
    }
}

/* The built-in model has orthonormal RGB J=3 cdf97 rows ordered by variance */
static void
test_shipped (void)
{
  GError *error = NULL;
  const LwPca *pca = lw_pca_shipped (3, 3, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pca->dim, ==, 192);
  for (guint k = 0; k + 1 < pca->n; k++)
    g_assert_cmpfloat (pca->variance[k], >=, pca->variance[k + 1]);
  for (guint a = 0; a < pca->n; a += 17)
    for (guint b = 0; b < pca->n; b += 13)
      {
        double s = 0;
        for (guint i = 0; i < pca->dim; i++)
          s += (double) pca->basis[a * pca->dim + i] * pca->basis[b * pca->dim + i];
        g_assert_cmpfloat_with_epsilon (s, a == b, 1e-5);
      }
  g_assert_null (lw_pca_shipped (3, 4, 2, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED);
  g_clear_error (&error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pca/closed-form", test_closed_form);
  g_test_add_func ("/pca/pinv", test_pinv);
  g_test_add_func ("/pca/model-file", test_model_file);
  g_test_add_func ("/pca/shipped", test_shipped);
  return g_test_run ();
}
