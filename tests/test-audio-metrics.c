/* test-audio-metrics.c — SNR, SI-SDR, WaLLoC PSNR and LSD against numpy/scipy values
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tests/vectors/audio/metrics.txt and its .f32 signals come from tools/gen-audio-vectors.py
 * (numpy in float64; LSD through scipy.signal.stft). Tolerance 1e-4 relative.
 */
#define G_LOG_DOMAIN "test-audio-metrics"

#include <glib.h>
#include <math.h>
#include <string.h>

#include "lw-audio-metrics.h"

static LwTensor *
read_signal (const char *name, gsize c, gsize t)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "vectors", "audio", name, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;
  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, ==, c * t * 4);
  LwTensor *x = lw_tensor_new_2d (c, t);
  memcpy (x->data, data, len); /* little-endian host */
  x->sample_rate = 16000;
  return x;
}

static void
assert_rel (double got, double want)
{
  g_assert_cmpfloat_with_epsilon (got, want, 1e-4 * fabs (want) + 1e-9);
}

static void
test_reference (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "vectors", "audio", "metrics.txt",
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
      gsize c = g_ascii_strtoull (tok[1], NULL, 10), t = g_ascii_strtoull (tok[2], NULL, 10);
      g_assert_cmpstr (tok[5], ==, "=");
      g_autoptr (LwTensor) ref = read_signal (tok[3], c, t);
      g_autoptr (LwTensor) test = read_signal (tok[4], c, t);
      g_test_message ("%s", tok[0]);
      assert_rel (lw_snr (ref, test), g_ascii_strtod (tok[6], NULL));
      assert_rel (lw_si_sdr (ref, test), g_ascii_strtod (tok[7], NULL));
      assert_rel (lw_audio_psnr (ref, test), g_ascii_strtod (tok[8], NULL));
      assert_rel (lw_lsd (ref, test), g_ascii_strtod (tok[9], NULL));
      checked++;
    }
  g_assert_cmpuint (checked, ==, 3);
}

static void
test_special (void)
{
  g_autoptr (LwTensor) a = lw_tensor_new_2d (2, 3000);
  for (gsize i = 0; i < 6000; i++)
    a->data[i] = (float) (0.5 * sin (0.05 * i) + 0.1);
  a->sample_rate = 8000;
  g_autoptr (LwTensor) b = lw_tensor_copy (a);

  g_assert_true (isinf (lw_snr (a, b)) && lw_snr (a, b) > 0);
  g_assert_true (isinf (lw_si_sdr (a, b)) && lw_si_sdr (a, b) > 0);
  g_assert_true (isinf (lw_audio_psnr (a, b)));
  g_assert_cmpfloat_with_epsilon (lw_lsd (a, b), 0.0, 1e-12);

  /* silence against a signal: no component along the reference */
  g_autoptr (LwTensor) z = lw_tensor_new_2d (2, 3000);
  g_assert_true (isinf (lw_si_sdr (a, z)) && lw_si_sdr (a, z) < 0);
  g_assert_cmpfloat_with_epsilon (lw_snr (a, z), 0.0, 1e-12);

  /* SI-SDR ignores gain and offset; SNR does not */
  for (gsize i = 0; i < 6000; i++)
    b->data[i] = 0.5f * a->data[i] + 0.25f + (i % 7 == 0 ? 1e-3f : 0.0f);
  g_assert_cmpfloat (lw_si_sdr (a, b), >, 45);
  g_assert_cmpfloat (lw_snr (a, b), <, 10);

  /* PSNR: peak 0.5 about the mean, MSE 1e-4 → 10 log10 (1 / 1e-4) = 40 dB */
  g_autoptr (LwTensor) sq = lw_tensor_new_2d (1, 1000);
  g_autoptr (LwTensor) sqt = lw_tensor_new_2d (1, 1000);
  for (gsize i = 0; i < 1000; i++)
    {
      sq->data[i] = (i % 2) ? 0.6f : -0.4f;  /* mean 0.1, peak 0.5 */
      sqt->data[i] = sq->data[i] + ((i / 2) % 2 ? 0.01f : -0.01f);
    }
  g_assert_cmpfloat_with_epsilon (lw_audio_psnr (sq, sqt), 40.0, 1e-4);

  /* Shape mismatch → NaN with a critical */
  g_autoptr (LwTensor) c = lw_tensor_new_2d (1, 3000);
  if (g_test_undefined ())
    {
      g_test_expect_message ("lw-audio-metrics", G_LOG_LEVEL_CRITICAL, "*check_pair*");
      g_assert_true (isnan (lw_snr (a, c)));
      g_test_assert_expected_messages ();
    }
}

static void
test_rates (void)
{
  /* 1 s of 44.1 kHz at 128 kbit/s = 16000 bytes */
  g_assert_cmpfloat_with_epsilon (lw_kbps (16000, 44100, 44100.0), 128.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (lw_bits_per_sample (44100 * 2 * 2, 44100, 2), 16.0, 1e-12);
  g_assert_true (isnan (lw_kbps (10, 0, 44100)));
  g_assert_true (isnan (lw_bits_per_sample (10, 10, 0)));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/audio-metrics/numpy-reference", test_reference);
  g_test_add_func ("/audio-metrics/special-cases", test_special);
  g_test_add_func ("/audio-metrics/rates", test_rates);
  return g_test_run ();
}
