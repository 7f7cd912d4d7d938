/* test-latent-inspect.c — the latent of a coded file: values, statistics, bits, bad input
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * References are independent of the inspector's code paths: a vector computed with numpy,
 * Pillow and scipy from the format document (tools/gen-latent-inspect-vectors.py, WebP back
 * end); for the other cases entropies and counts from a plain sort-and-count histogram of the
 * returned dequantised values (the dequantiser is one-to-one on the symbols an encoder
 * produces), the values against the codec's own decode (synthesis run here on them must give
 * the decoded image exactly), and the bits against the file's chunk sizes.
 */
#define G_LOG_DOMAIN "test-latent-inspect"

#include "lw-bitstream.h"
#include "lw-codec.h"
#include "lw-error.h"
#include "lw-image-io.h"
#include "lw-latent-inspect.h"
#include "lw-pca.h"
#include "lw-wavelet.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static LwTensor *
load_sample (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("LW_SHARED_DATADIR"), "images", name, NULL);
  GError *error = NULL;
  LwTensor *t = lw_image_load (path, NULL, &error);
  g_assert_no_error (error);
  return t;
}

/* A w×h crop of the image at (x0, y0) */
static LwTensor *
crop (const LwTensor *img, guint x0, guint y0, guint w, guint h)
{
  LwTensor *t = lw_tensor_new_3d (img->shape[0], h, w);
  for (gsize c = 0; c < img->shape[0]; c++)
    for (guint y = 0; y < h; y++)
      memcpy (t->data + (c * h + y) * w,
              img->data + (c * img->shape[1] + y0 + y) * img->shape[2] + x0, w * sizeof (float));
  return t;
}

static GBytes *
encode_with (const char *codec_name, const LwTensor *img, const char *const *assignments)
{
  GError *error = NULL;
  const LwCodec *codec = lw_codec_lookup (codec_name, &error);
  g_assert_no_error (error);
  g_autoptr (LwParams) p = lw_params_new (codec);
  for (guint i = 0; assignments != NULL && assignments[i] != NULL; i++)
    {
      g_assert_true (lw_params_parse (p, assignments[i], &error));
      g_assert_no_error (error);
    }
  GBytes *b = lw_codec_encode_signal (codec, img, p, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (b);
  return b;
}

static LwLatentInfo *
inspect_ok (GBytes *b)
{
  GError *error = NULL;
  LwLatentInfo *info = lw_latent_inspect_bytes (g_bytes_get_data (b, NULL), g_bytes_get_size (b),
                                                &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);
  return info;
}

static int
cmp_float (const void *a, const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;
  return (x > y) - (x < y);
}

/* Statistics of every channel recomputed from the values alone */
static void
check_channel_stats (const LwLatentInfo *info)
{
  gsize n = (gsize) info->height * info->width;
  g_autofree float *v = g_new (float, n);
  for (guint k = 0; k < info->n_channels; k++)
    {
      const LwLatentChannel *ch = &info->channels[k];
      memcpy (v, info->values->data + k * n, n * sizeof (float));
      double sum = 0, sum2 = 0;
      guint zeros = 0;
      for (gsize i = 0; i < n; i++)
        {
          sum += v[i];
          zeros += v[i] == 0.0f;
        }
      double mean = sum / n;
      for (gsize i = 0; i < n; i++)
        sum2 += (v[i] - mean) * (v[i] - mean);
      qsort (v, n, sizeof (float), cmp_float);
      double h = 0;
      for (gsize i = 0, j; i < n; i = j)
        {
          for (j = i; j < n && v[j] == v[i]; j++)
            ;
          double p = (double) (j - i) / n;
          h -= p * log2 (p);
        }
      g_assert_cmpfloat_with_epsilon (ch->entropy_bits, h, 1e-9);
      g_assert_cmpuint (ch->n_zero, ==, zeros);
      g_assert_cmpfloat (ch->min, ==, v[0]);
      g_assert_cmpfloat (ch->max, ==, v[n - 1]);
      g_assert_cmpfloat_with_epsilon (ch->mean, mean, 1e-9 * (1 + fabs (mean)));
      g_assert_cmpfloat_with_epsilon (ch->std, sqrt (sum2 / n), 1e-9 * (1 + sqrt (sum2 / n)));
      if (!ch->predicted)
        g_assert_cmpfloat (ch->coded_entropy_bits, ==, ch->entropy_bits);
      g_assert_true (ch->coded_bits >= 0);
      g_assert_nonnull (ch->name);
    }
}

/* Runs the codec's synthesis (shipped basis) on the inspected values and compares with the
 * decoded image: they must be the same latent */
static void
check_values_are_the_decoders (GBytes *b, const LwLatentInfo *info, guint c, guint h, guint w,
                               guint levels, LwWavelet wavelet)
{
  GError *error = NULL;
  g_autoptr (LwTensor) decoded = lw_codec_decode_bytes (g_bytes_get_data (b, NULL),
                                                        g_bytes_get_size (b), NULL, &error);
  g_assert_no_error (error);
  const LwPca *pca = lw_pca_shipped (c, levels, wavelet, &error);
  g_assert_no_error (error);
  gsize positions = (gsize) info->height * info->width;
  g_autoptr (LwTensor) packets = lw_tensor_new_3d (pca->dim, info->height, info->width);
  lw_pca_reconstruct (pca, NULL, info->n_channels, info->values->data, positions, packets->data);
  g_autoptr (LwTensor) padded = lw_wpt2d_inverse (wavelet, packets, levels, &error);
  g_assert_no_error (error);
  gsize hp = padded->shape[1], wp = padded->shape[2];
  double max_diff = 0;
  for (guint ch = 0; ch < c; ch++)
    for (guint y = 0; y < h; y++)
      for (guint x = 0; x < w; x++)
        {
          float v = (padded->data[(ch * hp + y) * wp + x] + 127.5f) * (1.0f / 255.0f);
          v = CLAMP (v, 0.0f, 1.0f);
          max_diff = MAX (max_diff, fabs (v - decoded->data[((gsize) ch * h + y) * w + x]));
        }
  g_assert_cmpfloat (max_diff, ==, 0.0);
}

static void
test_rans (void)
{
  g_autoptr (LwTensor) full = load_sample ("astronaut.png");
  g_autoptr (LwTensor) img = crop (full, 100, 60, 250, 190); /* not multiples of 8: padding */
  const char *const args[] = { "step=10", NULL };
  g_autoptr (GBytes) b = encode_with ("wavelet-latent", img, args);
  g_autoptr (LwLatentInfo) info = inspect_ok (b);

  g_assert_cmpstr (info->codec, ==, "wavelet-latent");
  g_assert_cmpuint (info->n_channels, ==, 48);
  g_assert_cmpuint (info->height, ==, 24);
  g_assert_cmpuint (info->width, ==, 32);
  g_assert_cmpuint (info->values->ndim, ==, 3);
  g_assert_cmpuint (info->values->shape[0], ==, 48);
  g_assert_cmpuint (info->values->shape[1], ==, 24);
  g_assert_cmpuint (info->values->shape[2], ==, 32);
  g_assert_cmpuint (info->alphabet, ==, 4096);
  g_assert_cmpint (info->bits_kind, ==, LW_LATENT_BITS_MEASURED);
  g_assert_nonnull (strstr (info->description, "48 latents of 24×32"));
  check_channel_stats (info);

  /* the latent chunk and the rest make up the file */
  g_autoptr (LwBitstream) file = lw_bitstream_parse (g_bytes_get_data (b, NULL),
                                                     g_bytes_get_size (b), NULL);
  GBytes *lat = lw_bitstream_get_chunk (file, LW_FOURCC ('L', 'A', 'T', 'R'));
  g_assert_nonnull (lat);
  g_assert_cmpfloat (info->total_bits, ==, 8.0 * g_bytes_get_size (lat));
  g_assert_cmpfloat (info->total_bits + info->side_bits, ==, 8.0 * g_bytes_get_size (b));

  /* measured plane bits sum to the stream less its overhead: the version byte and the unused
   * headroom of the two 32-bit initial states above 2^23 (56 to 72 bits) */
  double sum = 0;
  guint n_pred = 0;
  for (guint k = 0; k < info->n_channels; k++)
    {
      sum += info->channels[k].coded_bits;
      n_pred += info->channels[k].predicted;
    }
  g_test_message ("coded %.1f of %.0f bits, %u planes predicted", sum, info->total_bits, n_pred);
  g_assert_cmpfloat (info->total_bits - sum, >=, 56 - 1e-6);
  g_assert_cmpfloat (info->total_bits - sum, <=, 72 + 1e-6);
  g_assert_cmpuint (n_pred, >, 0); /* the low-pass latent is smooth */

  /* a context-modelled coder beats the zeroth-order entropy of what it codes by little, and
   * never by much; per plane: its bits are within a plausible band of n·H */
  gsize n = (gsize) info->height * info->width;
  for (guint k = 0; k < info->n_channels; k++)
    {
      const LwLatentChannel *ch = &info->channels[k];
      double ideal = ch->coded_entropy_bits * n;
      g_assert_cmpfloat (ch->coded_bits, <=, 1.3 * ideal + 200);
      g_assert_cmpfloat (ch->coded_bits, >=, 0.5 * ideal);
    }

  check_values_are_the_decoders (b, info, 3, 190, 250, 3, LW_WAVELET_CDF97);
}

/* A flat image gives constant planes, which the format codes as 17 raw bits each: the
 * measured bits must say so */
static void
test_rans_constant_planes (void)
{
  g_autoptr (LwTensor) img = lw_tensor_new_3d (3, 64, 80);
  for (gsize i = 0; i < lw_tensor_numel (img); i++)
    img->data[i] = 0.5f;
  g_autoptr (GBytes) b = encode_with ("wavelet-latent", img, NULL);
  g_autoptr (LwLatentInfo) info = inspect_ok (b);
  for (guint k = 0; k < info->n_channels; k++)
    {
      const LwLatentChannel *ch = &info->channels[k];
      g_assert_cmpfloat_with_epsilon (ch->coded_bits, 17, 0.01);
      g_assert_cmpfloat (ch->entropy_bits, ==, 0);
      g_assert_cmpfloat (ch->std, ==, 0);
    }
}

static void
test_rans_variants (void)
{
  /* gray, haar, 2 levels, no prediction, few bits: another shape and another alphabet */
  g_autoptr (LwTensor) full = load_sample ("chelsea.png");
  g_autoptr (LwTensor) rgb = crop (full, 0, 0, 120, 84);
  g_autoptr (LwTensor) img = lw_tensor_new_3d (1, 84, 120);
  for (gsize i = 0; i < 84 * 120; i++)
    img->data[i] = (rgb->data[i] + rgb->data[i + 84 * 120] + rgb->data[i + 2 * 84 * 120]) / 3;
  const char *const args[] = { "levels=2", "wavelet=haar", "latents=10", "bits=5",
                               "predict=off", "step=6", NULL };
  g_autoptr (GBytes) b = encode_with ("wavelet-latent", img, args);
  g_autoptr (LwLatentInfo) info = inspect_ok (b);
  g_assert_cmpuint (info->n_channels, ==, 10);
  g_assert_cmpuint (info->height, ==, 21);
  g_assert_cmpuint (info->width, ==, 30);
  g_assert_cmpuint (info->alphabet, ==, 32);
  for (guint k = 0; k < info->n_channels; k++)
    g_assert_false (info->channels[k].predicted);
  check_channel_stats (info);
  check_values_are_the_decoders (b, info, 1, 84, 120, 2, LW_WAVELET_HAAR);
}

static void
test_webp (void)
{
  g_autoptr (LwTensor) full = load_sample ("coffee.png");
  g_autoptr (LwTensor) img = crop (full, 200, 100, 160, 128);
  const char *const args[] = { "entropy=webp", "bits=8", "step=8", NULL };
  g_autoptr (GBytes) b = encode_with ("wavelet-latent", img, args);
  g_autoptr (LwLatentInfo) info = inspect_ok (b);
  g_assert_cmpint (info->bits_kind, ==, LW_LATENT_BITS_SHARED);
  g_assert_cmpuint (info->alphabet, ==, 256);
  check_channel_stats (info);

  g_autoptr (LwBitstream) file = lw_bitstream_parse (g_bytes_get_data (b, NULL),
                                                     g_bytes_get_size (b), NULL);
  GBytes *lat = lw_bitstream_get_chunk (file, LW_FOURCC ('L', 'A', 'T', 'W'));
  g_assert_nonnull (lat);
  g_assert_cmpfloat (info->total_bits, ==, 8.0 * g_bytes_get_size (lat));
  /* shares: exact total, in proportion to the coded symbols' entropy */
  double sum = 0, hsum = 0;
  for (guint k = 0; k < info->n_channels; k++)
    {
      sum += info->channels[k].coded_bits;
      hsum += info->channels[k].coded_entropy_bits;
    }
  g_assert_cmpfloat_with_epsilon (sum, info->total_bits, 1e-6 * info->total_bits);
  for (guint k = 0; k < info->n_channels; k++)
    g_assert_cmpfloat_with_epsilon (info->channels[k].coded_bits,
                                    info->total_bits * info->channels[k].coded_entropy_bits / hsum,
                                    1e-6 * info->total_bits);
  check_values_are_the_decoders (b, info, 3, 128, 160, 3, LW_WAVELET_CDF97);
}

/* Against tests/vectors/latent-inspect-webp.txt: numpy/Pillow/scipy decoded the WebP mosaic of
 * the committed file, undid the prediction and dequantised it from the format document */
static void
test_webp_vector (void)
{
  g_autofree char *lwc_path = g_test_build_filename (G_TEST_DIST, "vectors",
                                                     "latent-inspect-webp.lwc", NULL);
  g_autofree char *txt_path = g_test_build_filename (G_TEST_DIST, "vectors",
                                                     "latent-inspect-webp.txt", NULL);
  g_autofree char *lwc = NULL, *txt = NULL;
  gsize len;
  GError *error = NULL;
  g_assert_true (g_file_get_contents (lwc_path, &lwc, &len, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (txt_path, &txt, NULL, &error));
  g_assert_no_error (error);
  g_autoptr (GBytes) b = g_bytes_new (lwc, len);
  g_autoptr (LwLatentInfo) info = inspect_ok (b);
  g_assert_cmpuint (info->n_channels, ==, 48);
  g_assert_cmpuint (info->height, ==, 18);
  g_assert_cmpuint (info->width, ==, 24);

  g_auto (GStrv) lines = g_strsplit (txt, "\n", -1);
  guint n_checked = 0, n_pred = 0;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      guint k, pred, n_zero;
      double h, hc, mn, mx, mean, sd;
      g_assert_cmpint (sscanf (lines[i], "%u %u %lf %lf %u %lf %lf %lf %lf", &k, &pred, &h, &hc,
                               &n_zero, &mn, &mx, &mean, &sd), ==, 9);
      g_assert_cmpuint (k, <, info->n_channels);
      const LwLatentChannel *ch = &info->channels[k];
      g_assert_cmpint (ch->predicted, ==, pred);
      g_assert_cmpfloat_with_epsilon (ch->entropy_bits, h, 1e-9);
      g_assert_cmpfloat_with_epsilon (ch->coded_entropy_bits, hc, 1e-9);
      g_assert_cmpuint (ch->n_zero, ==, n_zero);
      /* our values are float32 */
      double tol = 2e-6 * MAX (fabs (mn), fabs (mx));
      g_assert_cmpfloat_with_epsilon (ch->min, mn, tol);
      g_assert_cmpfloat_with_epsilon (ch->max, mx, tol);
      g_assert_cmpfloat_with_epsilon (ch->mean, mean, tol);
      g_assert_cmpfloat_with_epsilon (ch->std, sd, tol);
      n_checked++;
      n_pred += pred;
    }
  g_assert_cmpuint (n_checked, ==, 48);
  g_assert_cmpuint (n_pred, >, 0); /* the vector covers the residual path */
}

static void
test_fitted_basis (void)
{
  g_autoptr (LwTensor) full = load_sample ("astronaut.png");
  g_autoptr (LwTensor) img = crop (full, 0, 0, 128, 128);
  const char *const args[] = { "basis=fit", "latents=24", NULL };
  g_autoptr (GBytes) b = encode_with ("wavelet-latent", img, args);
  g_autoptr (LwLatentInfo) info = inspect_ok (b);
  g_assert_cmpuint (info->n_channels, ==, 24);
  /* the basis chunk (192 float32 means, 24×192 float16 rows) is side information */
  g_assert_cmpfloat (info->side_bits, >=, 8.0 * (4 * 192 + 2 * 24 * 192));
  g_assert_nonnull (strstr (info->description, "fitted"));
  check_channel_stats (info);
}

static void
test_unsupported (void)
{
  g_autoptr (LwTensor) full = load_sample ("chelsea.png");
  g_autoptr (LwTensor) img = crop (full, 0, 0, 64, 48);
  const char *const names[] = { "jpeg", "jpeg2000", "webp" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr (GBytes) b = encode_with (names[i], img, NULL);
      GError *error = NULL;
      LwLatentInfo *info = lw_latent_inspect_bytes (g_bytes_get_data (b, NULL),
                                                    g_bytes_get_size (b), &error);
      g_assert_null (info);
      g_assert_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED);
      g_assert_true (g_str_has_prefix (error->message, names[i]));
      g_clear_error (&error);
    }
}

static void
expect_failure (const guint8 *data, gsize len)
{
  GError *error = NULL;
  LwLatentInfo *info = lw_latent_inspect_bytes (data, len, &error);
  g_assert_null (info);
  g_assert_nonnull (error);
  g_assert_true (error->domain == LW_ERROR);
  g_clear_error (&error);
}

static void
test_bad_input (void)
{
  g_autoptr (LwTensor) full = load_sample ("astronaut.png");
  g_autoptr (LwTensor) img = crop (full, 200, 200, 64, 64);
  g_autoptr (GBytes) b = encode_with ("wavelet-latent", img, NULL);
  gsize len;
  const guint8 *data = g_bytes_get_data (b, &len);

  expect_failure (NULL, 0);
  expect_failure (data, 0);
  for (gsize cut = 1; cut < len; cut += 1 + cut / 16)
    {
      g_autofree guint8 *copy = g_memdup2 (data, cut); /* exact size: over-reads show */
      expect_failure (copy, cut);
    }
  GRand *rand = g_rand_new_with_seed (7);
  for (guint i = 0; i < 64; i++)
    {
      gsize n = 1 + g_rand_int_range (rand, 0, 4096);
      g_autofree guint8 *junk = g_malloc (n);
      for (gsize j = 0; j < n; j++)
        junk[j] = g_rand_int (rand);
      if (i % 2 == 0 && n > 8)
        memcpy (junk, data, 8); /* the magic, so the parser goes further */
      expect_failure (junk, n);
    }
  g_rand_free (rand);
}

/* Every saved fuzz input: a result or an error, and whenever the decoder accepts a file that
 * has a latent, the inspector does too (they share the checks) */
static void
test_fuzz_corpus (void)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "fuzz", "corpus",
                                                     "lwc-decode", NULL);
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  if (dir == NULL)
    {
      g_test_skip ("no fuzz corpus");
      return;
    }
  guint n_files = 0, n_inspected = 0;
  for (const char *name; (name = g_dir_read_name (dir)) != NULL;)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autofree char *contents = NULL;
      gsize len;
      if (!g_file_get_contents (path, &contents, &len, NULL))
        continue;
      g_autofree guint8 *data = g_memdup2 (contents, len);
      /* skip files the fuzzer itself skips: huge declared shapes take seconds to decode */
      g_autoptr (LwBitstream) bs = lw_bitstream_parse (data, len, NULL);
      if (bs != NULL)
        {
          guint64 samples = 1;
          for (guint i = 0; i < lw_bitstream_get_ndim (bs); i++)
            samples = MIN (samples * lw_bitstream_get_dim (bs, i), (guint64) 1 << 23);
          if (samples > (1u << 22))
            continue;
        }
      GError *error = NULL;
      g_autoptr (LwLatentInfo) info = lw_latent_inspect_bytes (data, len, &error);
      g_assert_true ((info == NULL) != (error == NULL));
      if (error != NULL)
        g_assert_true (error->domain == LW_ERROR && error->message != NULL);
      n_files++;
      n_inspected += info != NULL;
      if (bs != NULL && lw_bitstream_get_codec_id (bs) == 1)
        {
          GError *derr = NULL;
          g_autoptr (LwTensor) t = lw_codec_decode_bytes (data, len, NULL, &derr);
          if (t != NULL)
            g_assert_nonnull (info);
          g_clear_error (&derr);
        }
      g_clear_error (&error);
    }
  g_test_message ("%u corpus files, %u inspected", n_files, n_inspected);
  g_assert_cmpuint (n_files, >, 10);
  g_assert_cmpuint (n_inspected, >, 0);
}

/* -m perf: inspect vs decode at 768×512 (astronaut stretched to 3:2), default parameters */
static void
test_perf (void)
{
  g_autoptr (LwTensor) full = load_sample ("astronaut.png");
  g_autoptr (LwTensor) img = lw_tensor_new_3d (3, 512, 768);
  for (guint c = 0; c < 3; c++)
    for (guint y = 0; y < 512; y++)
      for (guint x = 0; x < 768; x++)
        img->data[((gsize) c * 512 + y) * 768 + x] =
            full->data[((gsize) c * 512 + y) * 512 + x * 2 / 3];
  const char *const rans[] = { NULL };
  const char *const webp[] = { "entropy=webp", "bits=8", NULL };
  const char *const *variants[] = { rans, webp };
  for (guint v = 0; v < 2; v++)
    {
      g_autoptr (GBytes) b = encode_with ("wavelet-latent", img, variants[v]);
      double best_inspect = G_MAXDOUBLE, best_decode = G_MAXDOUBLE;
      for (guint r = 0; r < 7; r++)
        {
          gint64 t0 = g_get_monotonic_time ();
          g_autoptr (LwLatentInfo) info = inspect_ok (b);
          gint64 t1 = g_get_monotonic_time ();
          g_autoptr (LwTensor) t = lw_codec_decode_bytes (g_bytes_get_data (b, NULL),
                                                          g_bytes_get_size (b), NULL, NULL);
          gint64 t2 = g_get_monotonic_time ();
          g_assert_nonnull (t);
          best_inspect = MIN (best_inspect, (t1 - t0) / 1000.0);
          best_decode = MIN (best_decode, (t2 - t1) / 1000.0);
        }
      g_test_minimized_result (best_inspect, "%s: inspect %.2f ms, decode %.2f ms (%" G_GSIZE_FORMAT
                               " bytes)", v ? "webp" : "rans", best_inspect, best_decode,
                               g_bytes_get_size (b));
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/latent-inspect/rans", test_rans);
  g_test_add_func ("/latent-inspect/rans-constant-planes", test_rans_constant_planes);
  g_test_add_func ("/latent-inspect/rans-variants", test_rans_variants);
  g_test_add_func ("/latent-inspect/webp", test_webp);
  g_test_add_func ("/latent-inspect/webp-vector", test_webp_vector);
  g_test_add_func ("/latent-inspect/fitted-basis", test_fitted_basis);
  g_test_add_func ("/latent-inspect/unsupported", test_unsupported);
  g_test_add_func ("/latent-inspect/bad-input", test_bad_input);
  g_test_add_func ("/latent-inspect/fuzz-corpus", test_fuzz_corpus);
  if (g_test_perf ())
    g_test_add_func ("/latent-inspect/perf", test_perf);
  return g_test_run ();
}
