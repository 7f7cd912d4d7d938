/* test-bad-input.c — hostile files found by review and fuzzing: each gets the right error
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "lw-codec.h"
#include "lw-compander.h"
#include "lw-error.h"

#include <math.h>
#include <string.h>

static void
expect_error (const char *name, int code, const char *needle)
{
  const char *path = g_test_get_filename (G_TEST_DIST, "vectors", "bad", name, NULL);
  g_autofree char *data = NULL;
  gsize len;
  GError *error = NULL;
  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  LwTensor *t = lw_codec_decode_bytes ((const guint8 *) data, len, NULL, &error);
  g_assert_null (t);
  g_assert_error (error, LW_ERROR, code);
  g_assert_nonnull (strstr (error->message, needle));
  g_clear_error (&error);
}

/* WebP pixels are 8-bit but the latent alphabet may be smaller: a heap over-read before */
static void
test_webp_out_of_alphabet (void)
{
  expect_error ("wavelet-latent-webp-out-of-alphabet.lwc", LW_ERROR_INVALID_DATA,
                "outside the alphabet");
}

/* 167 bytes that would decode to 16384×16384 (2.4 GB, 30 s before the guard) */
static void
test_decompression_bomb (void)
{
  expect_error ("jpeg2000-bomb.lwc", LW_ERROR_TOO_LARGE, "decompression bomb");
}

/* NaN latents quantise to level 0 instead of indexing with INT_MIN */
static void
test_nan_latent (void)
{
  g_autoptr (LwCompander) c = lw_compander_new_full (12, 4, 0.35, 0);
  g_assert_cmpint (lw_compander_quantise (c, NAN), ==, 0);
  g_assert_cmpint (lw_compander_quantise (c, INFINITY), ==, c->qmax);
  const float x[] = { NAN, -NAN, INFINITY, -INFINITY, 1.0f };
  guint16 sym[G_N_ELEMENTS (x)];
  lw_compander_quantise_block (c, x, G_N_ELEMENTS (x), sym, 2048);
  g_assert_cmpuint (sym[0], ==, 2048);
  g_assert_cmpuint (sym[1], ==, 2048);
  g_assert_cmpuint (sym[2], ==, 2048 + c->qmax);
  g_assert_cmpuint (sym[3], ==, 2048 - c->qmax);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bad-input/webp-latents-out-of-alphabet", test_webp_out_of_alphabet);
  g_test_add_func ("/bad-input/decompression-bomb", test_decompression_bomb);
  g_test_add_func ("/bad-input/nan-latent", test_nan_latent);
  return g_test_run ();
}
