/* test-measure.c — lw_measure_lwc / lw_measure_encode and the shared SSIM + MS-SSIM pass
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The metrics themselves are checked against scikit-image in test-metrics.c; here the
 * measuring code must give exactly the values of the separate metric calls on the decoded
 * image (to the bit: GUI, CLI and RD sweeps must agree), the whole-container rate, and
 * clear errors for a mismatched codec, a wrong shape, damaged bytes and cancellation.
 */
#define G_LOG_DOMAIN "test-measure"

#include <glib.h>
#include <math.h>
#include <string.h>

#include "lw-error.h"
#include "lw-image-io.h"
#include "lw-measure.h"
#include "lw-metrics.h"

static LwTensor *
load_sample (const char *name)
{
  const char *datadir = g_getenv ("LW_DATADIR");
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;

  if (datadir != NULL)
    path = g_build_filename (datadir, "samples", name, NULL);
  else
    path = g_test_build_filename (G_TEST_DIST, "..", "data", "samples", name, NULL);
  LwTensor *t = lw_image_load (path, NULL, &error);
  g_assert_no_error (error);
  return t;
}

/* Same value, NaN equal to NaN: "bit-identical" for our purposes */
static void
assert_same (double a, double b)
{
  if (isnan (a) && isnan (b))
    return;
  g_assert_true (a == b);
}

static void
test_encode_matches_metrics (void)
{
  g_autoptr (LwTensor) image = load_sample ("chelsea.png");
  const char *names[] = { "jpeg", "webp", "jpeg2000", "wavelet-latent" };

  for (guint k = 0; k < G_N_ELEMENTS (names); k++)
    {
      g_autoptr (GError) error = NULL;
      const LwCodec *codec = lw_codec_lookup (names[k], &error);
      g_assert_no_error (error);
      g_autoptr (LwParams) params = lw_params_new (codec);
      g_autoptr (GBytes) lwc = NULL;
      g_autoptr (LwTensor) decoded = NULL;
      LwMeasure m;

      g_assert_true (lw_measure_encode (codec, image, params, &m, &lwc, &decoded, NULL, &error));
      g_assert_no_error (error);
      g_assert_nonnull (lwc);
      g_assert_nonnull (decoded);

      /* The rate is the whole container, as written to disk */
      gsize len = g_bytes_get_size (lwc);
      gsize w = image->shape[2], h = image->shape[1], c = image->shape[0];
      g_assert_cmpuint (m.bytes, ==, len);
      g_assert_cmpfloat_with_epsilon (m.bpp, 8.0 * len / (double) (w * h), 1e-12);
      g_assert_cmpfloat_with_epsilon (m.ratio, (double) (w * h * c) / len, 1e-9);

      /* An independent decode through the registry gives the same pixels */
      g_autoptr (LwTensor) again = lw_codec_decode_bytes (g_bytes_get_data (lwc, NULL), len,
                                                          NULL, &error);
      g_assert_no_error (error);
      g_assert_true (lw_tensor_same_shape (again, decoded));
      g_assert_cmpmem (again->data, lw_tensor_numel (again) * sizeof (float), decoded->data,
                       lw_tensor_numel (decoded) * sizeof (float));

      assert_same (m.psnr, lw_psnr (image, again));
      assert_same (m.psnr_y, lw_psnr_y (image, again));
      assert_same (m.ssim, lw_ssim (image, again));
      assert_same (m.ms_ssim, lw_ms_ssim (image, again, NULL));
      g_assert_true (m.psnr > 20 && m.ssim > 0.5 && m.ms_ssim > 0.8);
      g_assert_true (m.analyse_ms >= 0 && m.encode_ms > 0 && m.decode_ms > 0);

      /* wavelet-latent records its dimension reduction (192 → 48 latents: 4, a little less
       * where padding to whole wavelet blocks adds latent samples), peers 1 */
      if (strcmp (names[k], "wavelet-latent") == 0)
        g_assert_true (m.dim_reduction > 3.5 && m.dim_reduction <= 4.0);
      else
        g_assert_cmpfloat (m.dim_reduction, ==, 1.0);

      /* codec NULL: looked up by the container's id; same figures, no encode timings */
      LwMeasure m2;
      g_assert_true (lw_measure_lwc (NULL, image, lwc, &m2, NULL, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (m2.bytes, ==, m.bytes);
      assert_same (m2.psnr, m.psnr);
      assert_same (m2.ms_ssim, m.ms_ssim);
      g_assert_cmpfloat (m2.analyse_ms, ==, 0.0);
      g_assert_cmpfloat (m2.encode_ms, ==, 0.0);
    }
}

/* The shared pass must equal the separate functions exactly, whatever the number of scales */
static void
test_ssim_and_ms_ssim (void)
{
  const gsize sizes[][3] = { { 3, 200, 170 }, { 1, 64, 90 }, { 4, 12, 30 }, { 3, 10, 40 },
                             { 2, 161, 161 } };

  for (guint k = 0; k < G_N_ELEMENTS (sizes); k++)
    {
      g_autoptr (LwTensor) a = lw_tensor_new_3d (sizes[k][0], sizes[k][1], sizes[k][2]);
      g_autoptr (LwTensor) b = lw_tensor_new_3d (sizes[k][0], sizes[k][1], sizes[k][2]);
      GRand *rand = g_rand_new_with_seed (17 + k);
      for (gsize i = 0; i < lw_tensor_numel (a); i++)
        {
          a->data[i] = (float) g_rand_double (rand);
          b->data[i] = CLAMP (a->data[i] + (float) g_rand_double_range (rand, -0.1, 0.1), 0, 1);
        }
      g_rand_free (rand);
      double s, ms;
      guint scales = 99, scales2 = 98;
      lw_ssim_and_ms_ssim (a, b, &s, &ms, &scales);
      double ms2 = lw_ms_ssim (a, b, &scales2);
      assert_same (s, lw_ssim (a, b));
      assert_same (ms, ms2);
      g_assert_cmpuint (scales, ==, scales2);
    }
}

static void
test_errors (void)
{
  g_autoptr (LwTensor) image = load_sample ("chelsea.png");
  g_autoptr (GError) error = NULL;
  const LwCodec *jpeg = lw_codec_lookup ("jpeg", NULL);
  const LwCodec *webp = lw_codec_lookup ("webp", NULL);
  g_autoptr (LwParams) params = lw_params_new (webp);
  g_autoptr (GBytes) lwc = lw_codec_encode_signal (webp, image, params, NULL, &error);
  g_assert_no_error (error);
  LwMeasure m = { .bytes = 12345 };

  /* A container of another codec */
  g_assert_false (lw_measure_lwc (jpeg, image, lwc, &m, NULL, NULL, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "jpeg"));
  g_assert_cmpuint (m.bytes, ==, 12345);  /* untouched on error */
  g_clear_error (&error);

  /* A reference of another shape */
  g_autoptr (LwTensor) small = lw_tensor_new_3d (3, 20, 20);
  g_assert_false (lw_measure_lwc (webp, small, lwc, &m, NULL, NULL, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_SHAPE);
  g_assert_nonnull (strstr (error->message, "3×20×20"));
  g_clear_error (&error);

  /* Not an image */
  g_autoptr (LwTensor) flat = lw_tensor_new_2d (20, 20);
  g_assert_false (lw_measure_encode (webp, flat, params, &m, NULL, NULL, NULL, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_SHAPE);
  g_clear_error (&error);

  /* Damaged bytes: a truncated container */
  g_autoptr (GBytes) cut = g_bytes_new_from_bytes (lwc, 0, g_bytes_get_size (lwc) / 2);
  g_assert_false (lw_measure_lwc (NULL, image, cut, &m, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == LW_ERROR);
  g_clear_error (&error);

  /* Cancelled before it starts */
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_cancellable_cancel (cancellable);
  g_assert_false (lw_measure_lwc (webp, image, lwc, &m, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (m.bytes, ==, 12345);
}

static double
ms_since (gint64 t0)
{
  return (g_get_monotonic_time () - t0) / 1000.0;
}

/* Reported, not asserted (sanitizer and loaded CI builds are slower): what each step costs on
 * a 768×512 RGB image, the size the GUI's 50 ms request→result budget is set for. */
static void
test_timing (void)
{
  g_autoptr (LwTensor) astro = load_sample ("astronaut.png");
  gsize h = 512, w = 768, sw = astro->shape[2];
  g_autoptr (LwTensor) image = lw_tensor_new_3d (3, h, w);
  /* astronaut (512×512) with its mirror image continued on the right */
  for (gsize c = 0; c < 3; c++)
    for (gsize y = 0; y < h; y++)
      for (gsize x = 0; x < w; x++)
        image->data[(c * h + y) * w + x] =
          astro->data[(c * h + y) * sw + (x < sw ? x : 2 * sw - 1 - x)];

  const LwCodec *codec = lw_codec_lookup ("jpeg", NULL);
  g_autoptr (LwParams) params = lw_params_new (codec);
  g_autoptr (LwTensor) decoded = NULL;
  g_autoptr (GError) error = NULL;
  LwMeasure m;
  g_assert_true (lw_measure_encode (codec, image, params, &m, NULL, &decoded, NULL, &error));
  g_assert_no_error (error);

  double t[5] = { 1e9, 1e9, 1e9, 1e9, 1e9 };
  for (int rep = 0; rep < 2; rep++)
    {
      double s, ms;
      gint64 t0 = g_get_monotonic_time ();
      lw_psnr (image, decoded);
      t[0] = MIN (t[0], ms_since (t0));
      t0 = g_get_monotonic_time ();
      lw_psnr_y (image, decoded);
      t[1] = MIN (t[1], ms_since (t0));
      t0 = g_get_monotonic_time ();
      lw_ssim (image, decoded);
      t[2] = MIN (t[2], ms_since (t0));
      t0 = g_get_monotonic_time ();
      lw_ms_ssim (image, decoded, NULL);
      t[3] = MIN (t[3], ms_since (t0));
      t0 = g_get_monotonic_time ();
      lw_ssim_and_ms_ssim (image, decoded, &s, &ms, NULL);
      t[4] = MIN (t[4], ms_since (t0));
    }
  g_test_message ("768×512 RGB jpeg q75: analyse %.1f ms, encode %.1f ms, decode %.1f ms; "
                  "PSNR %.1f ms, PSNR-Y %.1f ms, SSIM %.1f ms, MS-SSIM %.1f ms, "
                  "SSIM+MS-SSIM together %.1f ms", m.analyse_ms, m.encode_ms, m.decode_ms,
                  t[0], t[1], t[2], t[3], t[4]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lw_memory_keep_large_blocks ();
  g_test_add_func ("/measure/encode/matches-metrics", test_encode_matches_metrics);
  g_test_add_func ("/measure/ssim-and-ms-ssim/same-values", test_ssim_and_ms_ssim);
  g_test_add_func ("/measure/errors", test_errors);
  g_test_add_func ("/measure/timing-768x512", test_timing);
  return g_test_run ();
}
