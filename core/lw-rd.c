/* lw-rd.c — rate–distortion sweeps, curves, and Bjøntegaard deltas
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * BD-rate and BD-PSNR follow VCEG-M33 as the widely used reference scripts compute it:
 * natural log of the rate, a least-squares cubic per curve, both integrated over the
 * overlapping interval, and the mean difference (BD-rate: exp(mean) − 1, in percent).
 */
#define G_LOG_DOMAIN "lw-rd"

#include "lw-rd.h"
#include "lw-audio-measure.h"
#include "lw-error.h"
#include "lw-measure.h"
#include "lw-metrics.h"

#include <math.h>
#include <string.h>

/* ---------------------------------------------------------------- curves */

LwRdCurve *
lw_rd_curve_new (const char *codec, const char *label)
{
  LwRdCurve *curve = g_new0 (LwRdCurve, 1);
  curve->codec = g_strdup (codec);
  curve->label = g_strdup (label);
  curve->points = g_array_new (FALSE, TRUE, sizeof (LwRdPoint));
  return curve;
}

void
lw_rd_curve_free (LwRdCurve *curve)
{
  if (curve == NULL)
    return;
  g_free (curve->codec);
  g_free (curve->label);
  g_array_unref (curve->points);
  g_free (curve);
}

void
lw_rd_curve_add (LwRdCurve *curve, const LwRdPoint *point)
{
  guint i = curve->points->len;
  /* Insert after any point of equal rate, so equal rates keep their arrival order. */
  while (i > 0 && g_array_index (curve->points, LwRdPoint, i - 1).bpp > point->bpp)
    i--;
  g_array_insert_val (curve->points, i, *point);
}

gboolean
lw_rd_curve_is_monotone (const LwRdCurve *curve)
{
  for (guint i = 1; i < curve->points->len; i++)
    if (g_array_index (curve->points, LwRdPoint, i).psnr
        < g_array_index (curve->points, LwRdPoint, i - 1).psnr)
      return FALSE;
  return TRUE;
}

double
lw_rd_curve_psnr_at (const LwRdCurve *curve, double bpp)
{
  guint n = curve->points->len;
  if (n == 0 || !(bpp > 0.0))
    return NAN;
  const LwRdPoint *p = (const LwRdPoint *) curve->points->data;
  if (bpp < p[0].bpp || bpp > p[n - 1].bpp)
    return NAN;
  for (guint i = 0; i < n; i++)
    {
      if (p[i].bpp == bpp)
        return p[i].psnr;
      if (i + 1 < n && p[i].bpp < bpp && bpp < p[i + 1].bpp)
        {
          if (!(p[i].bpp > 0.0))
            return NAN;
          double t = (log (bpp) - log (p[i].bpp)) / (log (p[i + 1].bpp) - log (p[i].bpp));
          return p[i].psnr + t * (p[i + 1].psnr - p[i].psnr);
        }
    }
  return NAN;
}

/* ---------------------------------------------------------------- sweeps */

double *
lw_rd_sweep_values (const LwCodec *codec, guint n_points)
{
  g_return_val_if_fail (codec != NULL && n_points > 0, NULL);
  int idx = lw_params_index (codec, codec->sweep_param);
  g_return_val_if_fail (idx >= 0, NULL);
  const LwParamSpec *spec = &codec->params[idx];
  double *v = g_new (double, n_points);
  /* A codec may narrow the sweep to the part of the range where the knob is useful */
  double lo = spec->min, hi = spec->max;
  if (codec->sweep_min < codec->sweep_max)
    {
      lo = MAX (lo, codec->sweep_min);
      hi = MIN (hi, codec->sweep_max);
    }
  gboolean geometric = spec->log_scale && lo > 0.0;

  for (guint i = 0; i < n_points; i++)
    {
      double t = n_points > 1 ? (double) i / (n_points - 1) : 0.5;
      v[i] = geometric ? lo * pow (hi / lo, t) : lo + t * (hi - lo);
      if (spec->type != LW_PARAM_DOUBLE)
        v[i] = round (v[i]);
      v[i] = CLAMP (v[i], spec->min, spec->max);
    }
  if (n_points == 1)
    v[0] = spec->default_value;
  return v;
}

/* One audio point, measured by lw-audio-measure as the audio page and the CLI measure it */
static gboolean
sweep_audio_point (const LwCodec *codec, const LwTensor *audio, const LwParams *params,
                   LwRdPoint *pt, GCancellable *cancellable, GError **error)
{
  LwAudioMeasure m;
  if (!lw_audio_measure_encode (codec, audio, params, &m, NULL, NULL, cancellable, error))
    return FALSE;
  pt->bytes = m.bytes;
  pt->bpp = m.bits_per_sample;
  pt->psnr = m.psnr;
  pt->psnr_y = pt->ssim = pt->ms_ssim = NAN;
  pt->dim_reduction = m.dim_reduction;
  pt->encode_ms = m.analyse_ms + m.encode_ms;
  pt->decode_ms = m.decode_ms;
  pt->kbps = m.kbps;
  pt->snr = m.snr;
  pt->si_sdr = m.si_sdr;
  pt->lsd = m.lsd;
  return TRUE;
}

LwRdCurve *
lw_rd_sweep (const LwCodec *codec, const LwTensor *image, const LwParams *base, guint n_points,
             const char *label, LwProgressFunc progress, gpointer user_data,
             GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (codec != NULL && image != NULL, NULL);
  g_return_val_if_fail (base == NULL || base->codec == codec, NULL);

  gboolean audio = codec->kind == LW_MEDIA_AUDIO;
  if (audio && (image->ndim != 2 || image->shape[0] < 1))
    {
      g_autofree char *s = lw_tensor_shape_string (image);
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE, "RD sweep: %s expects C×T audio, got %s",
                   codec->name, s);
      return NULL;
    }
  if (!audio && (image->ndim != 3 || image->shape[0] < 1 || image->shape[0] > 4))
    {
      g_autofree char *s = lw_tensor_shape_string (image);
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE, "RD sweep: expected a C×H×W image, got %s",
                   s);
      return NULL;
    }
  if (n_points == 0)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM, "RD sweep: no points requested");
      return NULL;
    }
  if (lw_params_index (codec, codec->sweep_param) < 0)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "RD sweep: codec %s has no sweep parameter", codec->name);
      return NULL;
    }

  g_autofree double *values = lw_rd_sweep_values (codec, n_points);
  g_autoptr (LwRdCurve) curve = lw_rd_curve_new (codec->name, label);

  for (guint i = 0; i < n_points; i++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      /* Integer parameters can round to the same value twice; one point is enough. */
      if (i > 0 && values[i] == values[i - 1])
        continue;

      g_autoptr (LwParams) params = base ? lw_params_copy (base) : lw_params_new (codec);
      if (!lw_params_set (params, codec->sweep_param, values[i], error))
        return NULL;

      LwRdPoint pt = { 0 };
      g_autoptr (GError) local = NULL;
      if (audio && !sweep_audio_point (codec, image, params, &pt, cancellable, &local))
        {
          if (local->domain == LW_ERROR
              && (local->code == LW_ERROR_SHAPE || local->code == LW_ERROR_INVALID_DATA))
            g_prefix_error (&local, "RD sweep at %s = %g: ", codec->sweep_param, values[i]);
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      /* Measured by lw-measure, as the GUI and `run` measure: the rate is the whole .lwc */
      LwMeasure m;
      if (!audio && !lw_measure_encode (codec, image, params, &m, NULL, NULL, cancellable, &local))
        {
          if (local->domain == LW_ERROR
              && (local->code == LW_ERROR_SHAPE || local->code == LW_ERROR_INVALID_DATA))
            g_prefix_error (&local, "RD sweep at %s = %g: ", codec->sweep_param, values[i]);
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }

      pt.param = values[i];
      if (audio)
        {
          lw_rd_curve_add (curve, &pt);
          if (progress)
            progress ((double) (i + 1) / n_points, user_data);
          continue;
        }
      pt.bytes = m.bytes;
      pt.bpp = m.bpp;
      pt.psnr = m.psnr;
      pt.psnr_y = m.psnr_y;
      pt.ssim = m.ssim;
      pt.ms_ssim = m.ms_ssim;
      pt.encode_ms = m.analyse_ms + m.encode_ms;
      pt.decode_ms = m.decode_ms;
      pt.dim_reduction = m.dim_reduction;
      pt.kbps = pt.snr = pt.si_sdr = pt.lsd = NAN;
      lw_rd_curve_add (curve, &pt);

      if (progress)
        progress ((double) (i + 1) / n_points, user_data);
    }
  return g_steal_pointer (&curve);
}

/* ---------------------------------------------------------------- Bjøntegaard */

typedef struct
{
  double coef[4]; /* p(u) = c0 + c1 u + c2 u² + c3 u³, u = (x − centre) / scale */
  double centre;
  double scale;
} Cubic;

/* Least-squares cubic through (x, y). x is centred and scaled to [−1, 1] so the normal
 * equations stay well conditioned; solved by Gaussian elimination with partial pivoting. */
static gboolean
fit_cubic (const double *x, const double *y, guint n, Cubic *fit)
{
  double lo = x[0], hi = x[0];
  for (guint i = 1; i < n; i++)
    {
      lo = MIN (lo, x[i]);
      hi = MAX (hi, x[i]);
    }
  fit->centre = 0.5 * (lo + hi);
  fit->scale = 0.5 * (hi - lo);
  if (!(fit->scale > 0.0))
    return FALSE;

  double a[4][5] = { { 0 } };
  for (guint i = 0; i < n; i++)
    {
      double u = (x[i] - fit->centre) / fit->scale;
      double pw[7] = { 1.0 };
      for (int k = 1; k < 7; k++)
        pw[k] = pw[k - 1] * u;
      for (int r = 0; r < 4; r++)
        {
          for (int c = 0; c < 4; c++)
            a[r][c] += pw[r + c];
          a[r][4] += pw[r] * y[i];
        }
    }
  for (int col = 0; col < 4; col++)
    {
      int piv = col;
      for (int r = col + 1; r < 4; r++)
        if (fabs (a[r][col]) > fabs (a[piv][col]))
          piv = r;
      if (fabs (a[piv][col]) < 1e-12 * fabs (a[0][0]))
        return FALSE; /* fewer than 4 distinct abscissae */
      if (piv != col)
        for (int c = 0; c < 5; c++)
          {
            double t = a[col][c];
            a[col][c] = a[piv][c];
            a[piv][c] = t;
          }
      for (int r = col + 1; r < 4; r++)
        {
          double f = a[r][col] / a[col][col];
          for (int c = col; c < 5; c++)
            a[r][c] -= f * a[col][c];
        }
    }
  for (int r = 3; r >= 0; r--)
    {
      double s = a[r][4];
      for (int c = r + 1; c < 4; c++)
        s -= a[r][c] * fit->coef[c];
      fit->coef[r] = s / a[r][r];
    }
  return TRUE;
}

/* Mean of the cubic over [x0, x1] */
static double
cubic_mean (const Cubic *fit, double x0, double x1)
{
  double u0 = (x0 - fit->centre) / fit->scale, u1 = (x1 - fit->centre) / fit->scale;
  double integral = 0.0;
  for (int k = 0; k < 4; k++)
    integral += fit->coef[k] / (k + 1) * (pow (u1, k + 1) - pow (u0, k + 1));
  return integral / (u1 - u0);
}

/* Keeps points with a finite PSNR and a positive finite rate; x/y chosen by `rate_on_x`. */
static guint
usable_points (const double *r, const double *p, guint n, gboolean rate_on_x, double *x,
               double *y)
{
  guint m = 0;
  for (guint i = 0; i < n; i++)
    {
      if (!isfinite (p[i]) || !isfinite (r[i]) || !(r[i] > 0.0))
        continue;
      x[m] = rate_on_x ? log (r[i]) : p[i];
      y[m] = rate_on_x ? p[i] : log (r[i]);
      m++;
    }
  return m;
}

/* Mean difference (test − anchor) of the fitted y over the common x interval */
static gboolean
bd_mean_difference (const double *r1, const double *p1, guint n1, const double *r2,
                    const double *p2, guint n2, gboolean rate_on_x, double *diff,
                    GError **error)
{
  g_autofree double *buf = g_new (double, 2 * ((gsize) n1 + n2) + 4);
  double *x1 = buf, *y1 = x1 + n1, *x2 = y1 + n1, *y2 = x2 + n2;
  guint m1 = usable_points (r1, p1, n1, rate_on_x, x1, y1);
  guint m2 = usable_points (r2, p2, n2, rate_on_x, x2, y2);
  const char *what = rate_on_x ? "BD-PSNR" : "BD-rate";

  if (m1 < 4 || m2 < 4)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "%s: the %s curve has %u usable points (finite PSNR, positive rate); "
                   "at least 4 are needed", what, m1 < 4 ? "anchor" : "test", m1 < 4 ? m1 : m2);
      return FALSE;
    }
  Cubic f1, f2;
  if (!fit_cubic (x1, y1, m1, &f1) || !fit_cubic (x2, y2, m2, &f2))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "%s: a curve has fewer than 4 distinct %s values; no cubic fit", what,
                   rate_on_x ? "rate" : "PSNR");
      return FALSE;
    }
  double lo1 = x1[0], hi1 = x1[0], lo2 = x2[0], hi2 = x2[0];
  for (guint i = 1; i < m1; i++)
    {
      lo1 = MIN (lo1, x1[i]);
      hi1 = MAX (hi1, x1[i]);
    }
  for (guint i = 1; i < m2; i++)
    {
      lo2 = MIN (lo2, x2[i]);
      hi2 = MAX (hi2, x2[i]);
    }
  double lo = MAX (lo1, lo2), hi = MIN (hi1, hi2);
  if (!(hi > lo))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "%s: the curves do not overlap in %s", what, rate_on_x ? "rate" : "PSNR");
      return FALSE;
    }
  *diff = cubic_mean (&f2, lo, hi) - cubic_mean (&f1, lo, hi);
  return TRUE;
}

gboolean
lw_bd_rate_arrays (const double *r1, const double *p1, guint n1, const double *r2,
                   const double *p2, guint n2, double *percent, GError **error)
{
  double d;
  if (!bd_mean_difference (r1, p1, n1, r2, p2, n2, FALSE, &d, error))
    return FALSE;
  *percent = (exp (d) - 1.0) * 100.0;
  return TRUE;
}

gboolean
lw_bd_psnr_arrays (const double *r1, const double *p1, guint n1, const double *r2,
                   const double *p2, guint n2, double *db, GError **error)
{
  return bd_mean_difference (r1, p1, n1, r2, p2, n2, TRUE, db, error);
}

static void
curve_arrays (const LwRdCurve *c, double **r, double **p)
{
  guint n = c->points->len;
  *r = g_new (double, MAX (n, 1));
  *p = g_new (double, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      (*r)[i] = g_array_index (c->points, LwRdPoint, i).bpp;
      (*p)[i] = g_array_index (c->points, LwRdPoint, i).psnr;
    }
}

gboolean
lw_bd_rate (const LwRdCurve *anchor, const LwRdCurve *test, double *percent, GError **error)
{
  g_autofree double *r1 = NULL, *p1 = NULL, *r2 = NULL, *p2 = NULL;
  curve_arrays (anchor, &r1, &p1);
  curve_arrays (test, &r2, &p2);
  return lw_bd_rate_arrays (r1, p1, anchor->points->len, r2, p2, test->points->len, percent,
                            error);
}

gboolean
lw_bd_psnr (const LwRdCurve *anchor, const LwRdCurve *test, double *db, GError **error)
{
  g_autofree double *r1 = NULL, *p1 = NULL, *r2 = NULL, *p2 = NULL;
  curve_arrays (anchor, &r1, &p1);
  curve_arrays (test, &r2, &p2);
  return lw_bd_psnr_arrays (r1, p1, anchor->points->len, r2, p2, test->points->len, db, error);
}

/* ---------------------------------------------------------------- mean curves */

static gboolean
same_setting (double a, double b)
{
  return fabs (a - b) <= 1e-9 * MAX (1.0, MAX (fabs (a), fabs (b)));
}

static const LwRdPoint *
find_point (const LwRdCurve *curve, double param)
{
  for (guint k = 0; k < curve->points->len; k++)
    {
      const LwRdPoint *pt = &g_array_index (curve->points, LwRdPoint, k);
      if (same_setting (pt->param, param))
        return pt;
    }
  return NULL;
}

LwRdCurve *
lw_rd_curve_mean (LwRdCurve **curves, guint n_images, const char *label)
{
  g_return_val_if_fail (n_images > 0, NULL);
  LwRdCurve *mean = lw_rd_curve_new (curves[0]->codec, label);
  GArray *first = curves[0]->points;
  g_autoptr (GArray) done = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint k = 0; k < first->len; k++)
    {
      double param = g_array_index (first, LwRdPoint, k).param;
      LwRdPoint m = { 0 };
      gboolean complete = TRUE, repeated = FALSE;
      double bytes = 0;

      for (guint j = 0; j < done->len; j++)
        repeated |= same_setting (g_array_index (done, double, j), param);
      if (repeated)
        continue;
      g_array_append_val (done, param);

      m.param = param;
      for (guint i = 0; i < n_images && complete; i++)
        {
          const LwRdPoint *pt = find_point (curves[i], param);
          if (pt == NULL)
            {
              complete = FALSE;
              break;
            }
          bytes += pt->bytes;
          m.bpp += pt->bpp;
          m.psnr += pt->psnr;
          m.psnr_y += pt->psnr_y;
          m.ssim += pt->ssim;
          m.ms_ssim += pt->ms_ssim;
          m.dim_reduction += pt->dim_reduction;
          m.encode_ms += pt->encode_ms;
          m.decode_ms += pt->decode_ms;
          m.kbps += pt->kbps;
          m.snr += pt->snr;
          m.si_sdr += pt->si_sdr;
          m.lsd += pt->lsd;
        }
      if (!complete)
        continue;
      m.bytes = (gsize) llround (bytes / n_images);
      m.bpp /= n_images;
      m.psnr /= n_images;
      m.psnr_y /= n_images;
      m.ssim /= n_images;
      m.ms_ssim /= n_images;
      m.dim_reduction /= n_images;
      m.encode_ms /= n_images;
      m.decode_ms /= n_images;
      m.kbps /= n_images;
      m.snr /= n_images;
      m.si_sdr /= n_images;
      m.lsd /= n_images;
      lw_rd_curve_add (mean, &m);
    }
  return mean;
}
