/* test-latent-coder.c — latent-plane coder: exact round trips, rate vs entropy, hostile streams
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The reference for the rate is the zero-order empirical entropy Σ_planes −Σ_s n_s log2 (n_s/n),
 * computed here in closed form, independently of the coder.
 */
#define G_LOG_DOMAIN "test-latent-coder"

#include <math.h>
#include <string.h>

#include "lw-error.h"
#include "lw-rans.h"

static double
gauss (GRand *r)
{
  double u1 = g_rand_double_range (r, 1e-12, 1.0), u2 = g_rand_double (r);
  return sqrt (-2 * log (u1)) * cos (2 * G_PI * u2);
}

/* Smooth random field: bilinear interpolation of N(0,1) values on a grid of `cell` pixels */
static void
smooth_field (GRand *r, double *f, guint h, guint w, guint cell)
{
  guint gh = h / cell + 2, gw = w / cell + 2;
  g_autofree double *g = g_new (double, gh * gw);
  for (guint i = 0; i < gh * gw; i++)
    g[i] = gauss (r);
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        double fy = (double) y / cell, fx = (double) x / cell;
        guint iy = (guint) fy, ix = (guint) fx;
        double ay = fy - iy, ax = fx - ix;
        f[y * w + x] = (1 - ay) * ((1 - ax) * g[iy * gw + ix] + ax * g[iy * gw + ix + 1])
                       + ay * ((1 - ax) * g[(iy + 1) * gw + ix] + ax * g[(iy + 1) * gw + ix + 1]);
      }
}

/* Laplacian planes around alphabet/2 with scale scale0·decay^p·exp(strength·field) */
static void
laplacian_planes (GRand *r, guint16 *sym, guint np, guint h, guint w, guint alphabet,
                  double scale0, double decay, double strength)
{
  g_autofree double *f = g_new0 (double, (gsize) h * w);
  if (strength > 0)
    smooth_field (r, f, h, w, 8);
  for (guint p = 0; p < np; p++)
    {
      double b = scale0 * pow (decay, p);
      for (gsize i = 0; i < (gsize) h * w; i++)
        {
          double s = b * exp (strength * f[i]);
          double l = -log (g_rand_double_range (r, 1e-12, 1.0)) * s;
          long v = lround (g_rand_boolean (r) ? l : -l) + alphabet / 2;
          sym[(gsize) p * h * w + i] = (guint16) CLAMP (v, 0, (long) alphabet - 1);
        }
    }
}

static double
zero_order_bits (const guint16 *sym, guint np, gsize n, guint alphabet)
{
  g_autofree guint32 *hist = g_new0 (guint32, alphabet);
  double bits = 0;
  for (guint p = 0; p < np; p++)
    {
      memset (hist, 0, alphabet * sizeof *hist);
      for (gsize i = 0; i < n; i++)
        hist[sym[p * n + i]]++;
      for (guint s = 0; s < alphabet; s++)
        if (hist[s])
          bits -= hist[s] * log2 ((double) hist[s] / n);
    }
  return bits;
}

static GBytes *
code_and_check (const guint16 *sym, guint np, guint h, guint w, guint alphabet)
{
  GError *error = NULL;
  GBytes *b = lw_latent_code_planes (sym, np, h, w, alphabet, &error);
  g_assert_no_error (error);
  g_assert_nonnull (b);
  gsize len, n = (gsize) np * h * w;
  const guint8 *d = g_bytes_get_data (b, &len);
  g_autofree guint16 *out = g_new (guint16, n);
  /* an exact-size copy so ASan catches any read past the end */
  g_autofree guint8 *copy = g_memdup2 (d, len);
  g_assert_true (lw_latent_decode_planes (copy, len, out, np, h, w, alphabet, &error));
  g_assert_no_error (error);
  g_assert_true (memcmp (out, sym, n * sizeof *out) == 0);
  return b;
}

static void
test_round_trip_shapes (void)
{
  GRand *r = g_rand_new_with_seed (2024);
  static const guint alphabets[] = { 1, 2, 3, 16, 255, 256, 4096, 65535, 65536 };
  for (guint iter = 0; iter < 300; iter++)
    {
      guint np = 1 + g_rand_int_range (r, 0, 4);
      guint h = iter % 7 == 0 ? 1 : 1 + g_rand_int_range (r, 0, 40);
      guint w = iter % 5 == 0 ? 1 : 1 + g_rand_int_range (r, 0, 40);
      guint a = alphabets[g_rand_int_range (r, 0, G_N_ELEMENTS (alphabets))];
      gsize n = (gsize) np * h * w;
      g_autofree guint16 *sym = g_new (guint16, n);
      guint kind = g_rand_int_range (r, 0, 6);
      switch (kind)
        {
        case 0: /* uniform over the alphabet */
          for (gsize i = 0; i < n; i++)
            sym[i] = (guint16) g_rand_int_range (r, 0, a);
          break;
        case 1: /* constant */
          for (gsize i = 0; i < n; i++)
            sym[i] = (guint16) (a - 1);
          break;
        case 2: /* only the two edges */
          for (gsize i = 0; i < n; i++)
            sym[i] = g_rand_boolean (r) ? 0 : (guint16) (a - 1);
          break;
        case 3: /* mostly the centre, rare far outliers */
          for (gsize i = 0; i < n; i++)
            sym[i] = g_rand_int_range (r, 0, 20) ? (guint16) (a / 2)
                                                 : (guint16) g_rand_int_range (r, 0, a);
          break;
        default: /* Laplacian, correlated or not, wide or narrow */
          laplacian_planes (r, sym, np, h, w, a, g_rand_double_range (r, 0.2, a / 4.0 + 0.3),
                            g_rand_double_range (r, 0.5, 1.0), kind == 5 ? 1.2 : 0);
          break;
        }
      g_autoptr (GBytes) b = code_and_check (sym, np, h, w, a);
    }
  g_rand_free (r);
}

/* Rows longer than the decoder's unchecked stretch (256 symbols): round trip, and every
 * truncation is still caught although the decoder only checks for it between stretches */
static void
test_wide_rows (void)
{
  GRand *r = g_rand_new_with_seed (31);
  guint np = 3, h = 2, w = 1500, a = 4096;
  g_autofree guint16 *sym = g_new (guint16, np * h * w);
  laplacian_planes (r, sym, np, h, w, a, 300, 0.8, 1.0);
  g_autoptr (GBytes) b = code_and_check (sym, np, h, w, a);
  gsize len;
  const guint8 *d = g_bytes_get_data (b, &len);
  g_autofree guint16 *out = g_new (guint16, np * h * w);
  for (gsize cut = 0; cut < len; cut += 1 + cut / 16)
    {
      g_autofree guint8 *copy = g_memdup2 (d, cut);
      GError *error = NULL;
      g_assert_false (lw_latent_decode_planes (copy, cut, out, np, h, w, a, &error));
      g_assert_true (error != NULL && error->domain == LW_ERROR);
      g_clear_error (&error);
    }
  g_rand_free (r);
}

static void
test_constant_planes_are_tiny (void)
{
  guint np = 20, h = 64, w = 64;
  g_autofree guint16 *sym = g_new (guint16, np * h * w);
  for (guint p = 0; p < np; p++)
    for (guint i = 0; i < h * w; i++)
      sym[p * h * w + i] = (guint16) (p * 1000);
  g_autoptr (GBytes) b = code_and_check (sym, np, h, w, 65536);
  /* 17 bits per plane, the version byte and the flush of the two 4-byte rANS states */
  g_assert_cmpuint (g_bytes_get_size (b), <=, 9 + (np * 17 + 7) / 8 + 1);
}

static void
check_rate (const char *what, guint seed, guint np, guint h, guint w, guint alphabet,
            double scale0, double decay, double strength, double factor, double per_plane)
{
  GRand *r = g_rand_new_with_seed (seed);
  g_autofree guint16 *sym = g_new (guint16, (gsize) np * h * w);
  laplacian_planes (r, sym, np, h, w, alphabet, scale0, decay, strength);
  double bits = zero_order_bits (sym, np, (gsize) h * w, alphabet);
  g_autoptr (GBytes) b = code_and_check (sym, np, h, w, alphabet);
  double coded = 8.0 * g_bytes_get_size (b);
  g_test_message ("%s: coded %.0f bytes, zero-order entropy %.0f bytes, ratio %.4f", what,
                  coded / 8, bits / 8, coded / bits);
  g_assert_cmpfloat (coded, <=, factor * bits + 8 * per_plane * np);
  g_rand_free (r);
}

static void
test_rate_iid (void)
{
  /* the contract: ≤ 1.05 × zero-order entropy + 64 bytes per plane on i.i.d. data */
  check_rate ("iid 16x64x64 A=256", 1, 16, 64, 64, 256, 12, 0.75, 0, 1.05, 64);
  check_rate ("iid 12x64x64 A=16 narrow", 2, 12, 64, 64, 16, 0.6, 0.8, 0, 1.05, 64);
  check_rate ("iid 4x128x128 A=4096", 3, 4, 128, 128, 4096, 40, 0.7, 0, 1.05, 64);
  /* and the tighter aim on 64×64 planes: ≤ 1.03 × entropy + 16 bytes per plane */
  check_rate ("iid 16x64x64 A=256 (tight)", 4, 16, 64, 64, 256, 12, 0.75, 0, 1.03, 16);
}

static void
test_rate_correlated (void)
{
  /* spatially varying scale: contexts must bring the rate below the zero-order entropy */
  check_rate ("field 16x64x64 A=256", 5, 16, 64, 64, 256, 12, 0.75, 1.5, 1.0, 0);
  check_rate ("field 8x64x64 A=4096", 6, 8, 64, 64, 4096, 6, 0.8, 1.5, 1.0, 0);
}

static void
test_big_alphabet (void)
{
  /* 65536 symbols, values spread over a few hundred around the centre: the empirical entropy
   * of such sparse histograms is an underestimate, hence the looser factor */
  check_rate ("A=65536 spread ~300", 7, 6, 64, 64, 65536, 100, 0.9, 0, 1.08, 64);
}

static void
test_bad_params (void)
{
  guint16 sym[4] = { 0, 1, 2, 3 };
  guint16 out[4];
  GError *error = NULL;
  g_assert_null (lw_latent_code_planes (sym, 0, 2, 2, 4, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
  g_clear_error (&error);
  g_assert_null (lw_latent_code_planes (sym, 1, 2, 2, 65537, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
  g_clear_error (&error);
  g_assert_null (lw_latent_code_planes (sym, 1, 2, 2, 3, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
  g_clear_error (&error);
  const guint8 junk[16] = { 1, 0x40 };
  g_assert_false (lw_latent_decode_planes (junk, 16, out, 1 << 15, 1 << 14, 2, 4, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_false (lw_latent_decode_planes (junk, 3, out, 1, 2, 2, 4, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_TRUNCATED);
  g_clear_error (&error);

  g_autoptr (GBytes) b = code_and_check (sym, 1, 2, 2, 4);
  gsize len;
  const guint8 *d = g_bytes_get_data (b, &len);
  g_autofree guint8 *copy = g_malloc (len + 1);
  memcpy (copy, d, len);
  copy[0] = 99;
  g_assert_false (lw_latent_decode_planes (copy, len, out, 1, 2, 2, 4, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  copy[0] = d[0];
  copy[len] = 0;
  g_assert_false (lw_latent_decode_planes (copy, len + 1, out, 1, 2, 2, 4, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_DATA);
  g_clear_error (&error);
}

static GBytes *
hostile_source (guint16 **sym_out, guint *np, guint *h, guint *w, guint *a)
{
  GRand *r = g_rand_new_with_seed (77);
  *np = 4;
  *h = 24;
  *w = 20;
  *a = 256;
  guint16 *sym = g_new (guint16, *np * *h * *w);
  laplacian_planes (r, sym, *np, *h, *w, *a, 6, 0.7, 1.0);
  g_rand_free (r);
  *sym_out = sym;
  return code_and_check (sym, *np, *h, *w, *a);
}

static void
test_truncated (void)
{
  g_autofree guint16 *sym = NULL;
  guint np, h, w, a;
  g_autoptr (GBytes) b = hostile_source (&sym, &np, &h, &w, &a);
  gsize len;
  const guint8 *d = g_bytes_get_data (b, &len);
  g_autofree guint16 *out = g_new (guint16, np * h * w);
  for (gsize cut = 0; cut < len; cut++)
    {
      g_autofree guint8 *copy = g_memdup2 (d, cut);
      GError *error = NULL;
      g_assert_false (lw_latent_decode_planes (copy, cut, out, np, h, w, a, &error));
      g_assert_nonnull (error);
      g_assert_true (error->domain == LW_ERROR);
      g_assert_true (error->code == LW_ERROR_TRUNCATED || error->code == LW_ERROR_INVALID_DATA);
      g_clear_error (&error);
    }
}

static void
test_corrupt (void)
{
  g_autofree guint16 *sym = NULL;
  guint np, h, w, a;
  g_autoptr (GBytes) b = hostile_source (&sym, &np, &h, &w, &a);
  gsize len, n;
  const guint8 *d = g_bytes_get_data (b, &len);
  n = (gsize) np * h * w;
  g_autofree guint16 *out = g_new (guint16, n);
  GRand *r = g_rand_new_with_seed (78);
  guint errors = 0, same = 0, trials = 400;
  for (guint k = 0; k < trials; k++)
    {
      g_autofree guint8 *copy = g_memdup2 (d, len);
      guint flips = 1 + g_rand_int_range (r, 0, 3);
      for (guint f = 0; f < flips; f++)
        copy[g_rand_int_range (r, 0, len)] ^= (guint8) (1 + g_rand_int_range (r, 0, 255));
      GError *error = NULL;
      if (lw_latent_decode_planes (copy, len, out, np, h, w, a, &error))
        {
          for (gsize i = 0; i < n; i++)
            g_assert_cmpuint (out[i], <, a);
          same += memcmp (out, sym, n * sizeof *out) == 0;
        }
      else
        {
          g_assert_true (error->domain == LW_ERROR);
          errors++;
          g_clear_error (&error);
        }
    }
  g_test_message ("corruption: %u of %u rejected, %u decoded to the original", errors, trials,
                  same);
  g_assert_cmpuint (same, <, trials / 10);
  g_rand_free (r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/latent-coder/round-trip/shapes", test_round_trip_shapes);
  g_test_add_func ("/latent-coder/round-trip/constant-planes", test_constant_planes_are_tiny);
  g_test_add_func ("/latent-coder/round-trip/wide-rows", test_wide_rows);
  g_test_add_func ("/latent-coder/rate/iid", test_rate_iid);
  g_test_add_func ("/latent-coder/rate/correlated", test_rate_correlated);
  g_test_add_func ("/latent-coder/rate/big-alphabet", test_big_alphabet);
  g_test_add_func ("/latent-coder/hostile/params", test_bad_params);
  g_test_add_func ("/latent-coder/hostile/truncated", test_truncated);
  g_test_add_func ("/latent-coder/hostile/corrupt", test_corrupt);
  return g_test_run ();
}
