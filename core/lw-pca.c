/* lw-pca.c — principal component bases: fitting, projection, pseudo-inverse, model files
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-pca"

#include "lw-pca.h"
#include "lw-bitstream.h"
#include "lw-error.h"

#include <cblas.h>
#include <gio/gio.h>
#include "lw-core-resources.h"
#include <lapacke.h>
#include <math.h>
#include <string.h>

#define MODEL_RESOURCE "/org/latentworkbench/core/models/wavelet-latent-pca.lwm"
#define MAX_DIM 4096

LwPca *
lw_pca_new (guint dim, guint n)
{
  LwPca *pca = g_new0 (LwPca, 1);
  pca->dim = dim;
  pca->n = n;
  pca->mean = g_new0 (float, dim);
  pca->variance = g_new0 (float, MAX (n, 1));
  pca->basis = g_new0 (float, (gsize) n * dim + 1);
  return pca;
}

LwPca *
lw_pca_copy (const LwPca *pca)
{
  LwPca *c = lw_pca_new (pca->dim, pca->n);
  memcpy (c->mean, pca->mean, sizeof (float) * pca->dim);
  memcpy (c->variance, pca->variance, sizeof (float) * pca->n);
  memcpy (c->basis, pca->basis, sizeof (float) * pca->n * pca->dim);
  c->channels = pca->channels;
  c->levels = pca->levels;
  c->wavelet = pca->wavelet;
  return c;
}

void
lw_pca_free (LwPca *pca)
{
  if (pca == NULL)
    return;
  g_free (pca->mean);
  g_free (pca->variance);
  g_free (pca->basis);
  g_free (pca);
}

struct _LwPcaAccumulator
{
  guint   dim;
  double  count;
  double *sum;  /* D */
  double *sxx;  /* D × D, upper triangle used */
  float  *block;
};

LwPcaAccumulator *
lw_pca_accumulator_new (guint dim)
{
  LwPcaAccumulator *acc = g_new0 (LwPcaAccumulator, 1);
  acc->dim = dim;
  acc->sum = g_new0 (double, dim);
  acc->sxx = g_new0 (double, (gsize) dim * dim);
  return acc;
}

void
lw_pca_accumulator_free (LwPcaAccumulator *acc)
{
  if (acc == NULL)
    return;
  g_free (acc->sum);
  g_free (acc->sxx);
  g_free (acc);
}

void
lw_pca_accumulator_add (LwPcaAccumulator *acc, const float *x, gsize positions)
{
  guint d = acc->dim;
  /* Second moments in float blocks through BLAS, summed into doubles: blocks of 4096
   * positions keep float round-off small compared with the data's own spread. */
  const gsize block = 4096;
  float *gram = g_new (float, (gsize) d * d);
  float *tmp = g_new (float, (gsize) d * block);

  for (gsize p0 = 0; p0 < positions; p0 += block)
    {
      gsize nb = MIN (block, positions - p0);
      for (guint i = 0; i < d; i++)
        {
          memcpy (tmp + (gsize) i * nb, x + (gsize) i * positions + p0, nb * sizeof (float));
          double s = 0;
          for (gsize p = 0; p < nb; p++)
            s += tmp[(gsize) i * nb + p];
          acc->sum[i] += s;
        }
      cblas_ssyrk (CblasRowMajor, CblasUpper, CblasNoTrans, d, nb, 1.0f, tmp, nb, 0.0f, gram,
                   d);
      for (guint i = 0; i < d; i++)
        for (guint j = i; j < d; j++)
          acc->sxx[(gsize) i * d + j] += gram[(gsize) i * d + j];
      acc->count += nb;
    }
  g_free (gram);
  g_free (tmp);
}

LwPca *
lw_pca_accumulator_finish (LwPcaAccumulator *acc, GError **error)
{
  guint d = acc->dim;
  if (acc->count < 2)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "PCA: %.0f samples are too few to fit a basis", acc->count);
      return NULL;
    }
  double *cov = g_new (double, (gsize) d * d);
  double *w = g_new (double, d);
  for (guint i = 0; i < d; i++)
    for (guint j = i; j < d; j++)
      {
        double c = acc->sxx[(gsize) i * d + j] / acc->count -
                   (acc->sum[i] / acc->count) * (acc->sum[j] / acc->count);
        cov[(gsize) i * d + j] = c;
        cov[(gsize) j * d + i] = c;
      }
  lapack_int info = LAPACKE_dsyevd (LAPACK_ROW_MAJOR, 'V', 'U', d, cov, d, w);
  if (info != 0)
    {
      g_free (cov);
      g_free (w);
      g_set_error (error, LW_ERROR, LW_ERROR_FAILED, "PCA: eigen-decomposition failed (%d)",
                   (int) info);
      return NULL;
    }
  /* dsyevd returns ascending eigenvalues, eigenvectors in columns */
  LwPca *pca = lw_pca_new (d, d);
  for (guint i = 0; i < d; i++)
    pca->mean[i] = acc->sum[i] / acc->count;
  for (guint k = 0; k < d; k++)
    {
      guint col = d - 1 - k;
      double big = 0;
      for (guint i = 0; i < d; i++)
        if (fabs (cov[(gsize) i * d + col]) > fabs (big))
          big = cov[(gsize) i * d + col];
      double sign = big < 0 ? -1 : 1;
      pca->variance[k] = MAX (w[col], 0.0);
      for (guint i = 0; i < d; i++)
        pca->basis[(gsize) k * d + i] = sign * cov[(gsize) i * d + col];
    }
  g_free (cov);
  g_free (w);
  return pca;
}

void
lw_pca_project (const LwPca *pca, guint n, const float *x, gsize positions, float *y)
{
  guint d = pca->dim;
  g_return_if_fail (n <= pca->n);
  /* y = W x − W μ: one GEMM, then a per-row constant */
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, n, positions, d, 1.0f, pca->basis, d,
               x, positions, 0.0f, y, positions);
  for (guint k = 0; k < n; k++)
    {
      double off = 0;
      for (guint i = 0; i < d; i++)
        off += (double) pca->basis[(gsize) k * d + i] * pca->mean[i];
      float o = (float) off;
      float *row = y + (gsize) k * positions;
      for (gsize p = 0; p < positions; p++)
        row[p] -= o;
    }
}

float *
lw_pca_pinv (const LwPca *pca, guint n, GError **error)
{
  guint d = pca->dim;
  g_return_val_if_fail (n >= 1 && n <= pca->n, NULL);
  double *g = g_new0 (double, (gsize) n * n);
  for (guint a = 0; a < n; a++)
    for (guint b = a; b < n; b++)
      {
        double s = 0;
        for (guint i = 0; i < d; i++)
          s += (double) pca->basis[(gsize) a * d + i] * pca->basis[(gsize) b * d + i];
        g[(gsize) a * n + b] = s;
        g[(gsize) b * n + a] = s;
      }
  lapack_int info = LAPACKE_dpotrf (LAPACK_ROW_MAJOR, 'U', n, g, n);
  if (info == 0)
    info = LAPACKE_dpotri (LAPACK_ROW_MAJOR, 'U', n, g, n);
  if (info != 0)
    {
      g_free (g);
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "latent basis: the %u basis vectors are linearly dependent", n);
      return NULL;
    }
  for (guint a = 0; a < n; a++)
    for (guint b = 0; b < a; b++)
      g[(gsize) a * n + b] = g[(gsize) b * n + a];

  float *pinv = g_new (float, (gsize) d * n);
  for (guint i = 0; i < d; i++)
    for (guint k = 0; k < n; k++)
      {
        double s = 0;
        for (guint j = 0; j < n; j++)
          s += (double) pca->basis[(gsize) j * d + i] * g[(gsize) j * n + k];
        pinv[(gsize) i * n + k] = s;
      }
  g_free (g);
  return pinv;
}

/* x (D × P) = pinv y + beta·x (pinv NULL: Wᵀ) */
static void
expand (const LwPca *pca, const float *pinv, guint n, const float *y, gsize positions,
        float beta, float *x)
{
  guint d = pca->dim;
  if (pinv != NULL)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, d, positions, n, 1.0f, pinv, n, y,
                 positions, beta, x, positions);
  else
    cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, d, positions, n, 1.0f, pca->basis, d,
                 y, positions, beta, x, positions);
}

void
lw_pca_expand (const LwPca *pca, const float *pinv, guint n, const float *y, gsize positions,
               float *x)
{
  expand (pca, pinv, n, y, positions, 0.0f, x);
}

void
lw_pca_reconstruct (const LwPca *pca, const float *pinv, guint n, const float *y,
                    gsize positions, float *x)
{
  guint d = pca->dim;
  for (guint i = 0; i < d; i++)
    {
      float *row = x + (gsize) i * positions;
      for (gsize p = 0; p < positions; p++)
        row[p] = pca->mean[i];
    }
  expand (pca, pinv, n, y, positions, 1.0f, x);
}

/* Model files */

static void
put_u32 (GByteArray *b, guint32 v)
{
  guint8 le[4] = { v, v >> 8, v >> 16, v >> 24 };
  g_byte_array_append (b, le, 4);
}

static void
put_floats (GByteArray *b, const float *f, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      guint32 u;
      memcpy (&u, &f[i], 4);
      put_u32 (b, u);
    }
}

static guint32
get_u32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static void
get_floats (const guint8 *p, float *f, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      guint32 u = get_u32 (p + 4 * i);
      memcpy (&f[i], &u, 4);
    }
}

GBytes *
lw_pca_set_serialize (LwPca **bases, guint n_bases)
{
  g_autoptr (LwBitstream) bs = lw_bitstream_new (0, 0);
  guint32 shape[1] = { n_bases };
  lw_bitstream_set_shape (bs, 1, shape);
  for (guint k = 0; k < n_bases; k++)
    {
      const LwPca *p = bases[k];
      GByteArray *b = g_byte_array_new ();
      put_u32 (b, p->channels);
      put_u32 (b, p->levels);
      put_u32 (b, p->wavelet);
      put_u32 (b, p->dim);
      put_u32 (b, p->n);
      put_floats (b, p->mean, p->dim);
      put_floats (b, p->variance, p->n);
      put_floats (b, p->basis, (gsize) p->n * p->dim);
      GBytes *bytes = g_byte_array_free_to_bytes (b);
      lw_bitstream_add_chunk (bs, LW_FOURCC ('P', 'C', 'A', 'A' + k), bytes);
      g_bytes_unref (bytes);
    }
  return lw_bitstream_serialize (bs);
}

GPtrArray *
lw_pca_set_parse (const guint8 *data, gsize len, GError **error)
{
  g_autoptr (LwBitstream) bs = lw_bitstream_parse (data, len, error);
  if (bs == NULL)
    return NULL;
  GPtrArray *set = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_pca_free);
  for (guint k = 0; k < lw_bitstream_get_n_chunks (bs); k++)
    {
      gsize n_bytes;
      const guint8 *p = g_bytes_get_data (lw_bitstream_get_chunk_at (bs, k), &n_bytes);
      if (n_bytes < 20)
        goto bad;
      guint32 c = get_u32 (p), lv = get_u32 (p + 4), wv = get_u32 (p + 8);
      guint32 d = get_u32 (p + 12), n = get_u32 (p + 16);
      if (d == 0 || d > MAX_DIM || n == 0 || n > d ||
          n_bytes != 20 + 4 * ((gsize) d + n + (gsize) n * d))
        goto bad;
      LwPca *pca = lw_pca_new (d, n);
      pca->channels = c;
      pca->levels = lv;
      pca->wavelet = wv;
      get_floats (p + 20, pca->mean, d);
      get_floats (p + 20 + 4 * d, pca->variance, n);
      get_floats (p + 20 + 4 * (d + n), pca->basis, (gsize) n * d);
      g_ptr_array_add (set, pca);
    }
  return set;

bad:
  g_ptr_array_unref (set);
  g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA, "model file: a basis chunk is malformed");
  return NULL;
}

static GPtrArray *
shipped_set (GError **error)
{
  static GPtrArray *set;
  static GMutex lock;
  GPtrArray *result;

  g_mutex_lock (&lock);
  if (set == NULL)
    {
      g_autoptr (GBytes) bytes =
          g_resource_lookup_data (lw_core_get_resource (), MODEL_RESOURCE,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, error);
      if (bytes != NULL)
        {
          gsize len;
          const guint8 *data = g_bytes_get_data (bytes, &len);
          set = lw_pca_set_parse (data, len, error);
        }
    }
  result = set;
  g_mutex_unlock (&lock);
  return result;
}

const LwPca *
lw_pca_shipped (guint channels, guint levels, guint wavelet, GError **error)
{
  GPtrArray *set = shipped_set (error);
  if (set == NULL)
    return NULL;
  for (guint i = 0; i < set->len; i++)
    {
      const LwPca *p = g_ptr_array_index (set, i);
      if (p->channels == channels && p->levels == levels && p->wavelet == wavelet)
        return p;
    }
  g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
               "no shipped latent basis for %u channel%s at J=%u with this wavelet; "
               "use basis=fit to fit one to the image",
               channels, channels == 1 ? "" : "s", levels);
  return NULL;
}
