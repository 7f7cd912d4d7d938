/* lw-stft.c — short-time Fourier transform over FFTW3 (single precision) and display rows
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Conventions are in lw-stft.h. FFTW's planner is not reentrant; the GUI runs STFTs on worker
 * threads, so the planner is made thread-safe once (fftw3f_threads) before the first plan.
 * Plans use FFTW_ESTIMATE: measuring would cost more than a whole spectrogram of a short clip.
 */
#define G_LOG_DOMAIN "lw-stft"

#include "lw-stft.h"
#include "lw-error.h"

#include <math.h>
#include <string.h>

#include <fftw3.h>

static void
planner_init (void)
{
  static gsize once = 0;
  if (g_once_init_enter (&once))
    {
      fftwf_make_planner_thread_safe ();
      g_once_init_leave (&once, 1);
    }
}

void
lw_window_fill (LwWindowKind kind, guint n, float *w)
{
  for (guint k = 0; k < n; k++)
    {
      double p = 2.0 * G_PI * k / n;
      double v;
      switch (kind)
        {
        case LW_WINDOW_HANN:
          v = 0.5 - 0.5 * cos (p);
          break;
        case LW_WINDOW_HAMMING:
          v = 0.54 - 0.46 * cos (p);
          break;
        case LW_WINDOW_BLACKMAN:
          v = 0.42 - 0.5 * cos (p) + 0.08 * cos (2.0 * p);
          break;
        case LW_WINDOW_RECT:
        default:
          v = 1.0;
          break;
        }
      w[k] = (float) v;
    }
}

static gboolean
n_fft_ok (guint n_fft)
{
  return n_fft >= LW_STFT_MIN_FFT && n_fft <= LW_STFT_MAX_FFT && (n_fft & (n_fft - 1)) == 0;
}

gsize
lw_stft_n_frames (gsize n, guint hop)
{
  g_return_val_if_fail (hop > 0, 0);
  return 1 + (n + hop - 1) / hop;
}

/* A plan with its buffers and the window; shared by lw_stft_* and the analyser */
typedef struct
{
  guint          n_fft;
  float         *window;
  float         *in;
  fftwf_complex *out;
  fftwf_plan     plan;
  double         norm;  /* 2/Σw: a full-scale sine on a bin centre reads 1 */
} Fft;

static gboolean
fft_init (Fft *f, guint n_fft, LwWindowKind kind)
{
  planner_init ();
  f->n_fft = n_fft;
  f->window = g_new (float, n_fft);
  lw_window_fill (kind, n_fft, f->window);
  double sum = 0;
  for (guint k = 0; k < n_fft; k++)
    sum += f->window[k];
  f->norm = 2.0 / sum;
  f->in = fftwf_malloc (sizeof (float) * n_fft);
  f->out = fftwf_malloc (sizeof (fftwf_complex) * (n_fft / 2 + 1));
  f->plan = NULL;
  if (f->in && f->out)
    f->plan = fftwf_plan_dft_r2c_1d ((int) n_fft, f->in, f->out, FFTW_ESTIMATE);
  return f->plan != NULL;
}

static void
fft_clear (Fft *f)
{
  if (f->plan)
    fftwf_destroy_plan (f->plan);
  fftwf_free (f->in);
  fftwf_free (f->out);
  g_free (f->window);
  memset (f, 0, sizeof *f);
}

/* f->in already holds the windowed frame; writes n_fft/2+1 normalised magnitudes */
static void
fft_magnitudes (Fft *f, float *mag)
{
  fftwf_execute (f->plan);
  guint nb = f->n_fft / 2 + 1;
  for (guint b = 0; b < nb; b++)
    {
      double re = f->out[b][0], im = f->out[b][1];
      mag[b] = (float) (sqrt (re * re + im * im) * f->norm);
    }
}

static gboolean
check_config (const LwStftConfig *cfg, GError **error)
{
  if (cfg == NULL || !n_fft_ok (cfg->n_fft))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "stft: FFT size %u is not a power of two in %u…%u", cfg ? cfg->n_fft : 0,
                   LW_STFT_MIN_FFT, LW_STFT_MAX_FFT);
      return FALSE;
    }
  if (cfg->hop == 0 || cfg->hop > cfg->n_fft)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "stft: hop %u must be in 1…%u (the FFT size)", cfg->hop, cfg->n_fft);
      return FALSE;
    }
  if ((guint) cfg->window > LW_WINDOW_RECT)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM, "stft: unknown window kind %d",
                   (int) cfg->window);
      return FALSE;
    }
  return TRUE;
}

LwTensor *
lw_stft_magnitude (const float *x, gsize n, const LwStftConfig *cfg, GError **error)
{
  if (!check_config (cfg, error))
    return NULL;
  g_return_val_if_fail (x != NULL || n == 0, NULL);

  guint n_fft = cfg->n_fft, half = n_fft / 2, nb = n_fft / 2 + 1;
  gsize frames = lw_stft_n_frames (n, cfg->hop);
  if (frames > G_MAXSIZE / nb / sizeof (float))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE, "stft: %" G_GSIZE_FORMAT
                   " samples at hop %u give too many frames", n, cfg->hop);
      return NULL;
    }
  gsize shape[2] = { frames, nb };
  g_autoptr (LwTensor) out = lw_tensor_new_uninit (2, shape, error);
  if (out == NULL)
    return NULL;

  Fft f;
  if (!fft_init (&f, n_fft, cfg->window))
    {
      fft_clear (&f);
      g_set_error (error, LW_ERROR, LW_ERROR_FAILED, "stft: FFTW could not plan a %u-point FFT",
                   n_fft);
      return NULL;
    }
  for (gsize i = 0; i < frames; i++)
    {
      /* frame i covers x[i·hop − half, i·hop + half) */
      gint64 start = (gint64) (i * cfg->hop) - half;
      for (guint k = 0; k < n_fft; k++)
        {
          gint64 j = start + k;
          f.in[k] = (j >= 0 && j < (gint64) n) ? x[j] * f.window[k] : 0.0f;
        }
      fft_magnitudes (&f, out->data + i * nb);
    }
  fft_clear (&f);
  return g_steal_pointer (&out);
}

LwTensor *
lw_stft_db (const float *x, gsize n, const LwStftConfig *cfg, GError **error)
{
  LwTensor *t = lw_stft_magnitude (x, n, cfg, error);
  if (t == NULL)
    return NULL;
  gsize m = lw_tensor_numel (t);
  for (gsize i = 0; i < m; i++)
    t->data[i] = (float) (20.0 * log10 ((double) t->data[i] + 1e-10));
  return t;
}

double
lw_hz_to_mel (double hz)
{
  return 2595.0 * log10 (1.0 + hz / 700.0);
}

double
lw_mel_to_hz (double mel)
{
  return 700.0 * (pow (10.0, mel / 2595.0) - 1.0);
}

/* Position of row r in the scale's own domain (Hz, log Hz or mel), and back to Hz */
static double
scale_fwd (LwFreqScale s, double hz)
{
  switch (s)
    {
    case LW_FREQ_LOG:
      return log (hz);
    case LW_FREQ_MEL:
      return lw_hz_to_mel (hz);
    case LW_FREQ_LINEAR:
    default:
      return hz;
    }
}

static double
scale_inv (LwFreqScale s, double u)
{
  switch (s)
    {
    case LW_FREQ_LOG:
      return exp (u);
    case LW_FREQ_MEL:
      return lw_mel_to_hz (u);
    case LW_FREQ_LINEAR:
    default:
      return u;
    }
}

LwTensor *
lw_spectrum_rows (const LwTensor *db, double sample_rate, guint n_fft, LwFreqScale scale,
                  guint n_rows, double f_min, GError **error)
{
  g_return_val_if_fail (db != NULL, NULL);
  guint nb = n_fft / 2 + 1;
  if (!n_fft_ok (n_fft) || db->ndim != 2 || db->shape[1] != nb)
    {
      g_autofree char *s = lw_tensor_shape_string (db);
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE,
                   "spectrum rows: a %s spectrogram does not match FFT size %u (frames × %u)",
                   s, n_fft, nb);
      return NULL;
    }
  double nyq = sample_rate / 2;
  if (!(sample_rate > 0) || !isfinite (sample_rate) || n_rows < 2 || n_rows > 65536 ||
      !(f_min >= 0) || !(f_min < nyq) || (scale == LW_FREQ_LOG && !(f_min > 0)) ||
      (guint) scale > LW_FREQ_MEL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "spectrum rows: need 2…65536 rows and 0 ≤ f_min < rate/2 (f_min > 0 on a log "
                   "axis); got %u rows, f_min %g Hz, rate %g Hz", n_rows, f_min, sample_rate);
      return NULL;
    }

  gsize frames = db->shape[0];
  gsize shape[2] = { frames, n_rows };
  g_autoptr (LwTensor) out = lw_tensor_new_uninit (2, shape, error);
  if (out == NULL)
    return NULL;

  /* Per row: the bin range [lo, hi] whose centres lie in the row's band, or interpolation */
  g_autofree gint *lo = g_new (gint, n_rows);
  g_autofree gint *hi = g_new (gint, n_rows);
  g_autofree double *pos = g_new (double, n_rows);
  double u0 = scale_fwd (scale, f_min), u1 = scale_fwd (scale, nyq);
  double du = (u1 - u0) / (n_rows - 1);
  double bin_hz = sample_rate / n_fft;
  for (guint r = 0; r < n_rows; r++)
    {
      double uc = u0 + du * r;
      double b_lo = scale_inv (scale, MAX (u0, uc - du / 2)) / bin_hz;
      double b_hi = scale_inv (scale, MIN (u1, uc + du / 2)) / bin_hz;
      pos[r] = CLAMP (scale_inv (scale, uc) / bin_hz, 0.0, nb - 1.0);
      gint a = (gint) ceil (b_lo), b = (gint) floor (b_hi);
      /* a band edge on a bin centre belongs to the upper row only */
      if (r + 1 < n_rows && b == b_hi && b > a)
        b--;
      lo[r] = MAX (a, 0);
      hi[r] = MIN (b, (gint) nb - 1);
    }

  for (gsize i = 0; i < frames; i++)
    {
      const float *in = db->data + i * nb;
      float *o = out->data + i * n_rows;
      for (guint r = 0; r < n_rows; r++)
        {
          if (lo[r] <= hi[r])
            {
              float m = in[lo[r]];
              for (gint b = lo[r] + 1; b <= hi[r]; b++)
                m = MAX (m, in[b]);
              o[r] = m;
            }
          else
            {
              guint b0 = (guint) floor (pos[r]);
              guint b1 = MIN (b0 + 1, nb - 1);
              double t = pos[r] - b0;
              o[r] = (float) ((1 - t) * in[b0] + t * in[b1]);
            }
        }
    }
  return g_steal_pointer (&out);
}

struct _LwSpectrumAnalyser
{
  Fft fft;
};

LwSpectrumAnalyser *
lw_spectrum_analyser_new (guint n_fft, LwWindowKind window)
{
  if (!n_fft_ok (n_fft) || (guint) window > LW_WINDOW_RECT)
    return NULL;
  LwSpectrumAnalyser *a = g_new0 (LwSpectrumAnalyser, 1);
  if (!fft_init (&a->fft, n_fft, window))
    {
      lw_spectrum_analyser_free (a);
      return NULL;
    }
  return a;
}

void
lw_spectrum_analyser_process (LwSpectrumAnalyser *a, const float *frame, float *db_out)
{
  g_return_if_fail (a != NULL && frame != NULL && db_out != NULL);
  guint n = a->fft.n_fft;
  for (guint k = 0; k < n; k++)
    a->fft.in[k] = frame[k] * a->fft.window[k];
  fft_magnitudes (&a->fft, db_out);
  for (guint b = 0; b < n / 2 + 1; b++)
    db_out[b] = (float) (20.0 * log10 ((double) db_out[b] + 1e-10));
}

void
lw_spectrum_analyser_magnitude (LwSpectrumAnalyser *a, const float *frame, float *mag_out)
{
  g_return_if_fail (a != NULL && frame != NULL && mag_out != NULL);
  guint n = a->fft.n_fft;
  for (guint k = 0; k < n; k++)
    a->fft.in[k] = frame[k] * a->fft.window[k];
  fft_magnitudes (&a->fft, mag_out);
}

void
lw_spectrum_analyser_free (LwSpectrumAnalyser *a)
{
  if (a == NULL)
    return;
  fft_clear (&a->fft);
  g_free (a);
}
