/* lw-decimate.c — min/max pyramids: per-column extremes of a signal for waveform drawing
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Level k (k ≥ 1) holds ⌈n / 2^k⌉ blocks; block j covers samples [j·2^k, min((j+1)·2^k, n)).
 * A range query walks up from level 0: an odd left index takes its block alone and steps
 * right, an odd right end takes the block before it; both halve and go one level up. Because
 * the last block of each level is clipped to n, a range ending at n is covered exactly too.
 * Levels below BASE_LEVEL are not stored: their blocks (at most 8 samples) are scanned from
 * the samples when a query needs them, which keeps the extra memory at n/4 floats instead of
 * 2n (a 30-minute 48 kHz channel is 86 M samples) for a constant extra cost per query.
 */
#define G_LOG_DOMAIN "lw-decimate"

#include "lw-decimate.h"

#include <math.h>

#define BASE_LEVEL 4   /* first stored level: blocks of 16 samples */

struct _LwMinMaxPyramid
{
  gsize   n;
  guint   n_levels;
  float  *samples;     /* level 0 */
  gsize  *len;         /* blocks per level */
  float **mins;        /* [k] for k ≥ BASE_LEVEL; lower ones NULL */
  float **maxs;
};

/* Extremes of block j of level k, read from the samples */
static void
block_scan (const LwMinMaxPyramid *pyr,
            guint                  k,
            gsize                  j,
            float                 *lo,
            float                 *hi)
{
  gsize a = j << k, b = MIN ((j + 1) << k, pyr->n);

  *lo = *hi = pyr->samples[a];
  for (gsize i = a + 1; i < b; i++)
    {
      *lo = MIN (*lo, pyr->samples[i]);
      *hi = MAX (*hi, pyr->samples[i]);
    }
}

/* Folds block j of level k into [*lo, *hi] */
static void
block_minmax (const LwMinMaxPyramid *pyr,
              guint                  k,
              gsize                  j,
              float                 *lo,
              float                 *hi)
{
  float a, b;

  if (k >= BASE_LEVEL)
    {
      a = pyr->mins[k][j];
      b = pyr->maxs[k][j];
    }
  else
    block_scan (pyr, k, j, &a, &b);
  *lo = MIN (*lo, a);
  *hi = MAX (*hi, b);
}

LwMinMaxPyramid *
lw_minmax_pyramid_new (const float *x,
                       gsize        n)
{
  LwMinMaxPyramid *pyr;
  guint levels = 1;

  g_return_val_if_fail (x != NULL || n == 0, NULL);
  if (n == 0)
    return NULL;

  for (gsize m = n; m > 1; m = (m + 1) / 2)
    levels++;

  pyr = g_new0 (LwMinMaxPyramid, 1);
  pyr->n = n;
  pyr->n_levels = levels;
  pyr->samples = g_memdup2 (x, n * sizeof (float));
  pyr->len = g_new0 (gsize, levels);
  pyr->mins = g_new0 (float *, levels);
  pyr->maxs = g_new0 (float *, levels);
  pyr->len[0] = n;

  for (guint k = 1; k < levels; k++)
    pyr->len[k] = (pyr->len[k - 1] + 1) / 2;

  for (guint k = BASE_LEVEL; k < levels; k++)
    {
      gsize m = pyr->len[k];

      pyr->mins[k] = g_new (float, m);
      pyr->maxs[k] = g_new (float, m);
      if (k == BASE_LEVEL)
        {
          for (gsize j = 0; j < m; j++)
            block_scan (pyr, k, j, &pyr->mins[k][j], &pyr->maxs[k][j]);
          continue;
        }
      for (gsize j = 0; j < m; j++)
        {
          float a = pyr->mins[k - 1][2 * j], b = pyr->maxs[k - 1][2 * j];

          /* the odd block out at the end of a level has no partner */
          if (2 * j + 1 < pyr->len[k - 1])
            {
              a = MIN (a, pyr->mins[k - 1][2 * j + 1]);
              b = MAX (b, pyr->maxs[k - 1][2 * j + 1]);
            }
          pyr->mins[k][j] = a;
          pyr->maxs[k][j] = b;
        }
    }
  return pyr;
}

void
lw_minmax_pyramid_free (LwMinMaxPyramid *pyr)
{
  if (pyr == NULL)
    return;
  for (guint k = 0; k < pyr->n_levels; k++)
    {
      g_free (pyr->mins[k]);
      g_free (pyr->maxs[k]);
    }
  g_free (pyr->mins);
  g_free (pyr->maxs);
  g_free (pyr->len);
  g_free (pyr->samples);
  g_free (pyr);
}

gsize
lw_minmax_pyramid_get_length (const LwMinMaxPyramid *pyr)
{
  g_return_val_if_fail (pyr != NULL, 0);
  return pyr->n;
}

guint
lw_minmax_pyramid_get_n_levels (const LwMinMaxPyramid *pyr)
{
  g_return_val_if_fail (pyr != NULL, 0);
  return pyr->n_levels;
}

const float *
lw_minmax_pyramid_get_samples (const LwMinMaxPyramid *pyr)
{
  g_return_val_if_fail (pyr != NULL, NULL);
  return pyr->samples;
}

gboolean
lw_minmax_pyramid_range (const LwMinMaxPyramid *pyr,
                         gsize                  start,
                         gsize                  end,
                         float                 *min_out,
                         float                 *max_out)
{
  float lo = INFINITY, hi = -INFINITY;
  gsize a, b;

  g_return_val_if_fail (pyr != NULL, FALSE);

  a = MIN (start, pyr->n);
  b = MIN (end, pyr->n);
  if (a >= b)
    return FALSE;

  for (guint k = 0; a < b; k++)
    {
      if (a & 1)
        {
          block_minmax (pyr, k, a, &lo, &hi);
          a++;
        }
      if (b & 1)
        {
          b--;
          block_minmax (pyr, k, b, &lo, &hi);
        }
      a >>= 1;
      b >>= 1;
    }
  if (min_out)
    *min_out = lo;
  if (max_out)
    *max_out = hi;
  return TRUE;
}

void
lw_minmax_pyramid_column_span (double  start,
                               double  end,
                               guint   n_cols,
                               guint   i,
                               gint64 *a,
                               gint64 *b)
{
  double w = (end - start) / n_cols;
  double s0 = start + i * w, s1 = start + (i + 1) * w;
  gint64 lo = (gint64) ceil (s0), hi = (gint64) ceil (s1);

  if (lo >= hi)
    {
      lo = (gint64) floor (0.5 * (s0 + s1));
      hi = lo + 1;
    }
  *a = lo;
  *b = hi;
}

void
lw_minmax_pyramid_columns (const LwMinMaxPyramid *pyr,
                           double                 start,
                           double                 end,
                           guint                  n_cols,
                           float                 *min_out,
                           float                 *max_out)
{
  g_return_if_fail (pyr != NULL);
  g_return_if_fail (n_cols == 0 || (min_out != NULL && max_out != NULL));

  for (guint i = 0; i < n_cols; i++)
    {
      gint64 a, b;

      min_out[i] = max_out[i] = NAN;
      if (!(start < end) || !isfinite (start) || !isfinite (end))
        continue;
      lw_minmax_pyramid_column_span (start, end, n_cols, i, &a, &b);
      a = MAX (a, 0);
      b = MIN (b, (gint64) pyr->n);
      if (a < b)
        lw_minmax_pyramid_range (pyr, (gsize) a, (gsize) b, &min_out[i], &max_out[i]);
    }
}
