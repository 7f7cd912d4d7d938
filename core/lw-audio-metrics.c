/* lw-audio-metrics.c — SNR, SI-SDR, WaLLoC-convention PSNR, log-spectral distance, rates
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Definitions are in lw-audio-metrics.h. Sums are in double: a 30 min stereo clip has 1.6e8
 * samples, far beyond what a float accumulator keeps exact.
 */
#define G_LOG_DOMAIN "lw-audio-metrics"

#include "lw-audio-metrics.h"
#include "lw-stft.h"

#include <math.h>

static gboolean
check_pair (const LwTensor *ref, const LwTensor *test)
{
  g_return_val_if_fail (ref != NULL && test != NULL, FALSE);
  g_return_val_if_fail (ref->ndim == 2 && lw_tensor_same_shape (ref, test), FALSE);
  return TRUE;
}

static double
ratio_db (double num, double den)
{
  if (den == 0)
    return num == 0 ? NAN : INFINITY;
  return 10.0 * log10 (num / den);
}

double
lw_snr (const LwTensor *ref, const LwTensor *test)
{
  if (!check_pair (ref, test))
    return NAN;
  double s = 0, e = 0;
  gsize n = lw_tensor_numel (ref);
  for (gsize i = 0; i < n; i++)
    {
      double r = ref->data[i], d = r - test->data[i];
      s += r * r;
      e += d * d;
    }
  if (e == 0)
    return INFINITY;
  return ratio_db (s, e);
}

double
lw_si_sdr (const LwTensor *ref, const LwTensor *test)
{
  if (!check_pair (ref, test))
    return NAN;
  gsize c = ref->shape[0], t = ref->shape[1];
  if (t == 0)
    return NAN;
  double total = 0;
  for (gsize ch = 0; ch < c; ch++)
    {
      const float *r = ref->data + ch * t, *e = test->data + ch * t;
      double mr = 0, me = 0;
      for (gsize i = 0; i < t; i++)
        {
          mr += r[i];
          me += e[i];
        }
      mr /= t;
      me /= t;
      double rr = 0, re = 0;
      for (gsize i = 0; i < t; i++)
        {
          double a = r[i] - mr;
          rr += a * a;
          re += a * (e[i] - me);
        }
      if (rr == 0)
        return NAN;
      /* the residual in a second pass: ‖α r‖² − ‖e‖²-style shortcuts cancel badly at high SDR */
      double alpha = re / rr, target = alpha * alpha * rr, noise = 0;
      for (gsize i = 0; i < t; i++)
        {
          double d = alpha * (r[i] - mr) - (e[i] - me);
          noise += d * d;
        }
      /* no component along the reference (e.g. a silent test channel): −inf, even when
       * the residual is empty too */
      if (target == 0)
        total += -INFINITY;
      else
        total += noise == 0 ? INFINITY : ratio_db (target, noise);
    }
  return total / c;
}

double
lw_audio_psnr (const LwTensor *ref, const LwTensor *test)
{
  if (!check_pair (ref, test))
    return NAN;
  gsize n = lw_tensor_numel (ref);
  if (n == 0)
    return NAN;
  double mean = 0;
  for (gsize i = 0; i < n; i++)
    mean += ref->data[i];
  mean /= n;
  double peak = 0, e = 0;
  for (gsize i = 0; i < n; i++)
    {
      double r = ref->data[i], d = r - test->data[i];
      peak = MAX (peak, fabs (r - mean));
      e += d * d;
    }
  if (e == 0)
    return INFINITY;
  if (peak == 0)
    peak = 1.0;
  /* scaled by s = 0.5/peak the MSE becomes s²·MSE; PSNR = −10 log10 of that */
  double mse = e / n;
  return 10.0 * log10 (4.0 * peak * peak / mse);
}

/* Frame i of x (centred at i·hop, zeros outside), as lw_stft_magnitude frames it */
static void
centred_frame (const float *x, gsize n, gsize i, float *frame)
{
  gint64 start = (gint64) (i * LW_LSD_HOP) - LW_LSD_N_FFT / 2;
  for (guint k = 0; k < LW_LSD_N_FFT; k++)
    {
      gint64 j = start + k;
      frame[k] = (j >= 0 && j < (gint64) n) ? x[j] : 0.0f;
    }
}

double
lw_lsd (const LwTensor *ref, const LwTensor *test)
{
  if (!check_pair (ref, test))
    return NAN;
  gsize c = ref->shape[0], t = ref->shape[1];
  const guint nb = LW_LSD_N_FFT / 2 + 1;
  /* frame by frame: a whole spectrogram of a long clip would take gigabytes */
  g_autoptr (LwSpectrumAnalyser) an = lw_spectrum_analyser_new (LW_LSD_N_FFT, LW_WINDOW_HANN);
  g_autofree float *fa = g_new (float, LW_LSD_N_FFT), *fb = g_new (float, LW_LSD_N_FFT);
  g_autofree float *ma = g_new (float, nb), *mb = g_new (float, nb);
  gsize frames = lw_stft_n_frames (t, LW_LSD_HOP);
  double total = 0;
  for (gsize ch = 0; ch < c; ch++)
    for (gsize i = 0; i < frames; i++)
      {
        centred_frame (ref->data + ch * t, t, i, fa);
        centred_frame (test->data + ch * t, t, i, fb);
        lw_spectrum_analyser_magnitude (an, fa, ma);
        lw_spectrum_analyser_magnitude (an, fb, mb);
        double acc = 0;
        for (guint k = 0; k < nb; k++)
          {
            double pa = ma[k], pb = mb[k];
            double d = 10.0 * (log10 (pa * pa + LW_LSD_FLOOR) - log10 (pb * pb + LW_LSD_FLOOR));
            acc += d * d;
          }
        total += sqrt (acc / nb);
      }
  return c > 0 ? total / (double) (c * frames) : NAN;
}

double
lw_kbps (gsize bytes, gsize frames, double sample_rate)
{
  if (frames == 0 || !(sample_rate > 0))
    return NAN;
  return bytes * 8.0 / ((double) frames / sample_rate) / 1000.0;
}

double
lw_bits_per_sample (gsize bytes, gsize frames, gsize channels)
{
  if (frames == 0 || channels == 0)
    return NAN;
  return bytes * 8.0 / ((double) frames * channels);
}
