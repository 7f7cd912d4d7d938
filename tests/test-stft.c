/* test-stft.c — windows, STFT magnitudes and display rows against scipy.signal
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tests/vectors/audio/{windows,stft}.txt and the .f32 files they name come from
 * tools/gen-audio-vectors.py (scipy.signal.get_window and scipy.signal.stft with
 * boundary='zeros', padded=True; magnitude 2|Z|).
 */
#define G_LOG_DOMAIN "test-stft"

#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lw-error.h"
#include "lw-stft.h"

static float *
read_f32 (const char *name, gsize *n)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "vectors", "audio", name, NULL);
  g_autoptr (GError) error = NULL;
  char *data = NULL;
  gsize len = 0;
  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len % 4, ==, 0);
  *n = len / 4;
  return (float *) data; /* little-endian host assumed (x86-64, aarch64) */
}

static LwWindowKind
window_kind (const char *name)
{
  if (g_str_equal (name, "hann"))
    return LW_WINDOW_HANN;
  if (g_str_equal (name, "hamming"))
    return LW_WINDOW_HAMMING;
  if (g_str_equal (name, "blackman"))
    return LW_WINDOW_BLACKMAN;
  g_assert_cmpstr (name, ==, "boxcar");
  return LW_WINDOW_RECT;
}

static void
test_windows (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "vectors", "audio", "windows.txt",
                                                 NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  guint checked = 0;
  for (guint l = 0; lines[l]; l++)
    {
      if (lines[l][0] == '#' || lines[l][0] == 0)
        continue;
      g_auto (GStrv) tok = g_strsplit (lines[l], " ", -1);
      guint n = (guint) g_ascii_strtoull (tok[1], NULL, 10);
      g_assert_cmpstr (tok[2], ==, "=");
      g_autofree float *w = g_new (float, n);
      lw_window_fill (window_kind (tok[0]), n, w);
      for (guint k = 0; k < n; k++)
        g_assert_cmpfloat_with_epsilon (w[k], g_ascii_strtod (tok[3 + k], NULL), 1e-6);
      checked++;
    }
  g_assert_cmpuint (checked, ==, 8);
}

static void
test_reference (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "vectors", "audio", "stft.txt", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  guint checked = 0;
  for (guint l = 0; lines[l]; l++)
    {
      if (lines[l][0] == '#' || lines[l][0] == 0)
        continue;
      g_auto (GStrv) tok = g_strsplit (lines[l], " ", -1);
      gsize n, nref;
      g_autofree float *x = read_f32 (tok[0], &n);
      g_autofree float *ref = read_f32 (tok[6], &nref);
      LwStftConfig cfg = { (guint) atoi (tok[1]), (guint) atoi (tok[2]), window_kind (tok[3]) };
      gsize frames = g_ascii_strtoull (tok[4], NULL, 10), bins = g_ascii_strtoull (tok[5], NULL, 10);
      g_assert_cmpuint (frames * bins, ==, nref);
      g_assert_cmpuint (lw_stft_n_frames (n, cfg.hop), ==, frames);

      g_autoptr (LwTensor) mag = lw_stft_magnitude (x, n, &cfg, &error);
      g_assert_no_error (error);
      g_autoptr (LwTensor) db = lw_stft_db (x, n, &cfg, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (mag->shape[0], ==, frames);
      g_assert_cmpuint (mag->shape[1], ==, bins);
      float peak = 0;
      for (gsize i = 0; i < nref; i++)
        peak = MAX (peak, ref[i]);
      /* 1e-4 relative to each value, with a floor of 1e-4 of the largest (float FFT noise) */
      for (gsize i = 0; i < nref; i++)
        {
          g_assert_cmpfloat (fabs (mag->data[i] - ref[i]), <=, 1e-4 * (ref[i] + peak));
          if (ref[i] > 1e-3 * peak)
            g_assert_cmpfloat_with_epsilon (db->data[i], 20 * log10 (ref[i]), 2e-3);
        }
      checked++;
    }
  g_assert_cmpuint (checked, ==, 4);
}

/* A full-scale sine on a bin centre peaks at 0 dB, whatever the window */
static void
test_full_scale (void)
{
  const guint n_fft = 1024, n = 8192;
  g_autofree float *x = g_new (float, n);
  for (guint i = 0; i < n; i++)
    x[i] = (float) sin (2 * G_PI * 64.0 * i / n_fft);
  for (int w = LW_WINDOW_HANN; w <= LW_WINDOW_RECT; w++)
    {
      LwStftConfig cfg = { n_fft, 256, w };
      g_autoptr (GError) error = NULL;
      g_autoptr (LwTensor) db = lw_stft_db (x, n, &cfg, &error);
      g_assert_no_error (error);
      /* a frame well inside the signal */
      const float *row = db->data + 10 * db->shape[1];
      guint arg = 0;
      for (guint b = 0; b < db->shape[1]; b++)
        if (row[b] > row[arg])
          arg = b;
      g_assert_cmpuint (arg, ==, 64);
      g_assert_cmpfloat_with_epsilon (row[arg], 0.0, 0.01);

      g_autoptr (LwSpectrumAnalyser) a = lw_spectrum_analyser_new (n_fft, w);
      g_assert_nonnull (a);
      g_autofree float *out = g_new (float, n_fft / 2 + 1);
      lw_spectrum_analyser_process (a, x + 10 * 256 - n_fft / 2, out);
      for (guint b = 0; b < n_fft / 2 + 1; b++)
        g_assert_cmpfloat_with_epsilon (out[b], row[b], 1e-3 + 1e-4 * fabs (row[b]));
      lw_spectrum_analyser_magnitude (a, x + 10 * 256 - n_fft / 2, out);
      g_assert_cmpfloat_with_epsilon (out[64], 1.0, 1e-3);
    }
}

static void
test_bad_config (void)
{
  float x[16] = { 0 };
  LwStftConfig bad[] = { { 100, 10, LW_WINDOW_HANN }, { 32, 8, LW_WINDOW_HANN },
                         { 256, 0, LW_WINDOW_HANN }, { 256, 512, LW_WINDOW_HANN },
                         { 131072, 64, LW_WINDOW_HANN }, { 256, 64, 17 } };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_null (lw_stft_db (x, 16, &bad[i], &error));
      g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
    }
  g_assert_null (lw_spectrum_analyser_new (1000, LW_WINDOW_HANN));
  /* an empty signal is one frame of silence */
  LwStftConfig cfg = { 64, 16, LW_WINDOW_HANN };
  g_autoptr (GError) error = NULL;
  g_autoptr (LwTensor) db = lw_stft_db (NULL, 0, &cfg, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (db->shape[0], ==, 1);
  g_assert_cmpfloat_with_epsilon (db->data[0], -200.0, 1e-3);
}

static void
test_mel (void)
{
  g_assert_cmpfloat_with_epsilon (lw_hz_to_mel (0), 0, 1e-12);
  g_assert_cmpfloat_with_epsilon (lw_hz_to_mel (1000), 999.9855, 1e-3);  /* HTK */
  g_assert_cmpfloat_with_epsilon (lw_hz_to_mel (700), 2595 * log10 (2.0), 1e-9);
  for (double f = 10; f < 30000; f *= 1.7)
    g_assert_cmpfloat_with_epsilon (lw_mel_to_hz (lw_hz_to_mel (f)), f, 1e-9 * f);
}

static void
test_rows (void)
{
  const guint n_fft = 256, nb = n_fft / 2 + 1;
  const double rate = 8000;
  /* one frame: a ramp in dB (bin b → −b) with a narrow peak at bin 100 (3125 Hz) */
  g_autoptr (LwTensor) db = lw_tensor_new_2d (2, nb);
  for (guint b = 0; b < nb; b++)
    db->data[b] = db->data[nb + b] = -(float) b;
  db->data[100] = 10;

  for (int s = LW_FREQ_LINEAR; s <= LW_FREQ_MEL; s++)
    {
      g_autoptr (GError) error = NULL;
      guint n_rows = 40;
      g_autoptr (LwTensor) rows = lw_spectrum_rows (db, rate, n_fft, s, n_rows, 50, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (rows->shape[0], ==, 2);
      g_assert_cmpuint (rows->shape[1], ==, n_rows);
      /* the last row's band ends at the Nyquist bin (it holds the band's largest value); the
       * first row is 50 Hz = bin 1.6 */
      g_assert_cmpfloat (rows->data[n_rows - 1], >=, -(float) (nb - 1));
      g_assert_cmpfloat (rows->data[n_rows - 1], <=, -0.85 * (nb - 1));
      g_assert_cmpfloat_with_epsilon (rows->data[0], -1.6, 0.61);
      /* the narrow peak survives on every scale (fewer rows than bins up there) */
      float m = -1e9;
      for (guint r = 0; r < n_rows; r++)
        m = MAX (m, rows->data[r]);
      g_assert_cmpfloat (m, ==, 10);
      /* away from the peak, rows fall with frequency */
      for (guint r = 1; r < n_rows; r++)
        if (rows->data[r] != 10 && rows->data[r - 1] != 10)
          g_assert_cmpfloat (rows->data[r], <=, rows->data[r - 1]);
      /* second frame = the first without the peak */
      g_assert_cmpfloat (rows->data[n_rows + n_rows - 1], ==, rows->data[n_rows - 1]);
    }
  /* a linear display with as many rows as bins from 0 Hz is the identity */
  g_autoptr (GError) error = NULL;
  g_autoptr (LwTensor) same = lw_spectrum_rows (db, rate, n_fft, LW_FREQ_LINEAR, nb, 0, &error);
  g_assert_no_error (error);
  for (guint b = 0; b < nb; b++)
    g_assert_cmpfloat_with_epsilon (same->data[b], db->data[b], 1e-4);

  g_assert_null (lw_spectrum_rows (db, rate, 512, LW_FREQ_LINEAR, 10, 0, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_SHAPE);
  g_clear_error (&error);
  g_assert_null (lw_spectrum_rows (db, rate, n_fft, LW_FREQ_LOG, 10, 0, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
}

static gpointer
thread_main (gpointer data)
{
  const guint n = 20000;
  g_autofree float *x = g_new (float, n);
  for (guint i = 0; i < n; i++)
    x[i] = (float) sin (0.01 * i * (1 + GPOINTER_TO_UINT (data)));
  for (guint k = 0; k < 20; k++)
    {
      LwStftConfig cfg = { 64u << (k % 6), 64, LW_WINDOW_HANN };
      g_autoptr (LwTensor) db = lw_stft_db (x, n, &cfg, NULL);
      g_assert_nonnull (db);
      g_autoptr (LwSpectrumAnalyser) a = lw_spectrum_analyser_new (cfg.n_fft, LW_WINDOW_BLACKMAN);
      g_assert_nonnull (a);
    }
  return NULL;
}

/* Workers plan concurrently: must neither crash nor corrupt (run under TSan/ASan too) */
static void
test_threads (void)
{
  GThread *t[4];
  for (guint i = 0; i < 4; i++)
    t[i] = g_thread_new ("stft", thread_main, GUINT_TO_POINTER (i));
  for (guint i = 0; i < 4; i++)
    g_thread_join (t[i]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/stft/windows", test_windows);
  g_test_add_func ("/stft/scipy-reference", test_reference);
  g_test_add_func ("/stft/full-scale-sine", test_full_scale);
  g_test_add_func ("/stft/bad-config", test_bad_config);
  g_test_add_func ("/stft/mel", test_mel);
  g_test_add_func ("/stft/rows", test_rows);
  g_test_add_func ("/stft/threads", test_threads);
  return g_test_run ();
}
