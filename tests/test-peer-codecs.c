/* test-peer-codecs.c — jpeg, jpeg2000 and webp behind the LwCodec interface
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Round trips on the shared reference photos, monotone rate–distortion over the rate knob,
 * exactness of WebP lossless, refusal of what a codec cannot code, damaged native streams,
 * and OpenJPEG's rate control. PSNR is computed here from a plain MSE so the test does not
 * depend on core/lw-metrics.
 */
#define G_LOG_DOMAIN "test-peer-codecs"

#include "lw-codec-private.h"
#include "lw-error.h"
#include "lw-image-io.h"

#include <math.h>
#include <string.h>

static const char *images[] = { "astronaut.png", "chelsea.png", "coffee.png" };

static LwTensor *
load_image (const char *name)
{
  const char *dir = g_getenv ("LW_SHARED_DATADIR");
  g_autofree char *path = NULL;
  GError *error = NULL;

  if (dir == NULL)
    dir = "/work/shared/data";
  path = g_build_filename (dir, "images", name, NULL);
  LwTensor *t = lw_image_load (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (t->ndim, ==, 3);
  return t;
}

static double
psnr (const LwTensor *a, const LwTensor *b)
{
  g_assert_true (lw_tensor_same_shape (a, b));
  gsize n = lw_tensor_numel (a);
  double se = 0;
  for (gsize i = 0; i < n; i++)
    {
      double d = (double) a->data[i] - b->data[i];
      se += d * d;
    }
  double mse = se / n;
  return mse == 0 ? INFINITY : 10 * log10 (1.0 / mse);
}

static GBytes *
encode (const LwCodec *codec, const LwTensor *img, const char *p1, const char *p2, GError **error)
{
  g_autoptr (LwParams) params = lw_params_new (codec);
  GError *local = NULL;
  if (p1)
    lw_params_parse (params, p1, &local);
  g_assert_no_error (local);
  if (p2)
    lw_params_parse (params, p2, &local);
  g_assert_no_error (local);
  return lw_codec_encode_signal (codec, img, params, NULL, error);
}

static LwTensor *
decode (GBytes *bytes, GError **error)
{
  gsize len;
  const guint8 *d = g_bytes_get_data (bytes, &len);
  return lw_codec_decode_bytes (d, len, NULL, error);
}

/* A tensor with its interior converted from RGB to another channel count */
static LwTensor *
with_channels (const LwTensor *rgb, guint c)
{
  gsize h = rgb->shape[1], w = rgb->shape[2], plane = h * w;
  LwTensor *t = lw_tensor_new_3d (c, h, w);
  for (gsize i = 0; i < plane; i++)
    {
      float y = (rgb->data[i] + rgb->data[plane + i] + rgb->data[2 * plane + i]) / 3;
      y = roundf (y * 255) / 255;
      float a = (float) ((i * 7 / w + i) % 256) / 255.0f; /* a varying alpha */
      switch (c)
        {
        case 1: t->data[i] = y; break;
        case 2: t->data[i] = y; t->data[plane + i] = a; break;
        case 4:
          for (guint k = 0; k < 3; k++)
            t->data[k * plane + i] = rgb->data[k * plane + i];
          t->data[3 * plane + i] = a;
          break;
        default: g_assert_not_reached ();
        }
    }
  return t;
}

typedef struct
{
  const char *codec;
  const char *knob;
  const char *values[5]; /* increasing rate */
  const char *extra;
} Sweep;

static const Sweep sweeps[] = {
  { "jpeg", "quality", { "10", "30", "50", "70", "90" }, NULL },
  { "jpeg2000", "ratio", { "200", "100", "50", "25", "10" }, NULL },
  { "webp", "quality", { "10", "30", "50", "70", "90" }, NULL },
};

static void
test_round_trip (gconstpointer data)
{
  const LwCodec *codec = lw_codec_lookup (data, NULL);
  g_assert_nonnull (codec);
  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    {
      g_autoptr (LwTensor) img = load_image (images[i]);
      GError *error = NULL;
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr (GBytes) bytes = encode (codec, img, NULL, NULL, &error);
      gint64 t1 = g_get_monotonic_time ();
      g_assert_no_error (error);
      const LwCodec *found = NULL;
      gsize len;
      const guint8 *d = g_bytes_get_data (bytes, &len);
      g_autoptr (LwTensor) out = lw_codec_decode_bytes (d, len, &found, &error);
      gint64 t2 = g_get_monotonic_time ();
      g_assert_no_error (error);
      g_assert_true (found == codec);
      g_assert_true (lw_tensor_same_shape (img, out));
      double mp = img->shape[1] * img->shape[2] / 1e6;
      g_test_message ("%s %s default: %" G_GSIZE_FORMAT " bytes (%.3f bpp), %.2f dB, "
                      "encode %.1f MP/s, decode %.1f MP/s",
                      codec->name, images[i], len, 8.0 * len / (mp * 1e6), psnr (img, out),
                      mp / ((t1 - t0) / 1e6), mp / ((t2 - t1) / 1e6));
    }
}

static void
test_rd_monotonic (gconstpointer data)
{
  const Sweep *s = data;
  const LwCodec *codec = lw_codec_lookup (s->codec, NULL);
  g_assert_cmpstr (codec->sweep_param, ==, s->knob);
  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    {
      g_autoptr (LwTensor) img = load_image (images[i]);
      double last_psnr = -1;
      gsize last_len = 0;
      for (guint k = 0; k < 5; k++)
        {
          GError *error = NULL;
          g_autofree char *assign = g_strdup_printf ("%s=%s", s->knob, s->values[k]);
          g_autoptr (GBytes) bytes = encode (codec, img, assign, s->extra, &error);
          g_assert_no_error (error);
          g_autoptr (LwTensor) out = decode (bytes, &error);
          g_assert_no_error (error);
          double p = psnr (img, out);
          gsize len = g_bytes_get_size (bytes);
          g_test_message ("%s %s %s: %" G_GSIZE_FORMAT " bytes, %.3f bpp, %.2f dB", s->codec,
                          images[i], assign, len, 8.0 * len / (img->shape[1] * img->shape[2]), p);
          g_assert_cmpfloat (p, >, last_psnr);
          g_assert_cmpuint (len, >, last_len);
          last_psnr = p;
          last_len = len;
        }
    }
}

static void
test_jpeg_quality90 (void)
{
  g_autoptr (LwTensor) img = load_image ("astronaut.png");
  GError *error = NULL;
  g_autoptr (GBytes) bytes = encode (&lw_codec_jpeg, img, "quality=90", NULL, &error);
  g_assert_no_error (error);
  g_autoptr (LwTensor) out = decode (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (psnr (img, out), >, 30.0);
}

static void
test_jpeg_params (void)
{
  g_autoptr (LwTensor) img = load_image ("chelsea.png");
  GError *error = NULL;
  gsize sizes[3];
  /* Less chroma subsampling: more bytes and at least as good */
  double last = 0;
  const char *subs[] = { "subsampling=420", "subsampling=422", "subsampling=444" };
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (GBytes) b = encode (&lw_codec_jpeg, img, subs[i], NULL, &error);
      g_assert_no_error (error);
      g_autoptr (LwTensor) out = decode (b, &error);
      g_assert_no_error (error);
      sizes[i] = g_bytes_get_size (b);
      double p = psnr (img, out);
      g_assert_cmpfloat (p, >=, last);
      last = p;
    }
  g_assert_cmpuint (sizes[0], <, sizes[1]);
  g_assert_cmpuint (sizes[1], <, sizes[2]);
  /* Optimised Huffman tables: smaller file, identical pixels */
  g_autoptr (GBytes) opt = encode (&lw_codec_jpeg, img, "optimize=true", NULL, &error);
  g_autoptr (GBytes) plain = encode (&lw_codec_jpeg, img, "optimize=false", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (opt), <, g_bytes_get_size (plain));
  g_autoptr (LwTensor) a = decode (opt, &error);
  g_autoptr (LwTensor) b = decode (plain, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (a->data, lw_tensor_numel (a) * 4, b->data, lw_tensor_numel (b) * 4);
}

static void
test_jpeg_rejects_alpha (void)
{
  g_autoptr (LwTensor) rgb = load_image ("chelsea.png");
  for (guint c = 2; c <= 4; c += 2)
    {
      g_autoptr (LwTensor) img = with_channels (rgb, c);
      GError *error = NULL;
      g_autoptr (GBytes) bytes = encode (&lw_codec_jpeg, img, NULL, NULL, &error);
      g_assert_null (bytes);
      g_assert_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED);
      g_assert_true (strstr (error->message, "alpha") != NULL);
      g_error_free (error);
    }
}

static void
test_webp_lossless (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    {
      g_autoptr (LwTensor) img = load_image (images[i]);
      GError *error = NULL;
      g_autoptr (GBytes) bytes = encode (&lw_codec_webp, img, "lossless=true", NULL, &error);
      g_assert_no_error (error);
      g_autoptr (LwTensor) out = decode (bytes, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (img->data, lw_tensor_numel (img) * 4, out->data, lw_tensor_numel (out) * 4);
      g_test_message ("webp lossless %s: %" G_GSIZE_FORMAT " bytes", images[i],
                      g_bytes_get_size (bytes));
    }
}

/* Gray, gray+alpha, RGBA through each codec that takes them; lossless WebP exactly */
static void
test_channel_counts (void)
{
  g_autoptr (LwTensor) rgb = load_image ("coffee.png");
  const LwCodec *codecs[] = { &lw_codec_jpeg, &lw_codec_jpeg2000, &lw_codec_webp };
  const guint counts[] = { 1, 2, 4 };
  for (guint k = 0; k < G_N_ELEMENTS (codecs); k++)
    for (guint j = 0; j < G_N_ELEMENTS (counts); j++)
      {
        if (codecs[k] == &lw_codec_jpeg && counts[j] != 1)
          continue;
        g_autoptr (LwTensor) img = with_channels (rgb, counts[j]);
        GError *error = NULL;
        gboolean exact = codecs[k] == &lw_codec_webp;
        g_autoptr (GBytes) bytes = encode (codecs[k], img, exact ? "lossless=1" : NULL, NULL,
                                           &error);
        g_assert_no_error (error);
        g_autoptr (LwTensor) out = decode (bytes, &error);
        g_assert_no_error (error);
        g_assert_true (lw_tensor_same_shape (img, out));
        double p = psnr (img, out);
        g_test_message ("%s %u channels: %.2f dB", codecs[k]->name, counts[j], p);
        if (exact)
          g_assert_true (isinf (p));
        else
          g_assert_cmpfloat (p, >, 25.0);
      }
}

/* Rebuilds the container around a changed native chunk or shape, with correct CRCs */
static GBytes *
reserialise (GBytes *bytes, GBytes *native, const guint32 *shape)
{
  GError *error = NULL;
  gsize len;
  const guint8 *d = g_bytes_get_data (bytes, &len);
  g_autoptr (LwBitstream) in = lw_bitstream_parse (d, len, &error);
  g_assert_no_error (error);
  g_autoptr (LwBitstream) out = lw_bitstream_new (lw_bitstream_get_codec_id (in),
                                                  lw_bitstream_get_media_kind (in));
  guint32 s[4];
  for (guint i = 0; i < lw_bitstream_get_ndim (in); i++)
    s[i] = shape ? shape[i] : lw_bitstream_get_dim (in, i);
  lw_bitstream_set_shape (out, lw_bitstream_get_ndim (in), s);
  for (guint i = 0; i < lw_bitstream_get_n_params (in); i++)
    lw_bitstream_set_param (out, lw_bitstream_get_param_name (in, i),
                            lw_bitstream_get_param_value (in, i));
  lw_bitstream_add_chunk (out, LW_CHUNK_NATIVE,
                          native ? native : lw_bitstream_get_chunk (in, LW_CHUNK_NATIVE));
  return lw_bitstream_serialize (out);
}

static GBytes *
native_of (GBytes *bytes)
{
  gsize len;
  const guint8 *d = g_bytes_get_data (bytes, &len);
  g_autoptr (LwBitstream) in = lw_bitstream_parse (d, len, NULL);
  g_assert_nonnull (in);
  return g_bytes_ref (lw_bitstream_get_chunk (in, LW_CHUNK_NATIVE));
}

static void
expect_decode_error (GBytes *bytes, const char *what)
{
  GError *error = NULL;
  g_autoptr (LwTensor) out = decode (bytes, &error);
  if (out != NULL)
    g_error ("%s: decoding succeeded", what);
  g_assert_true (error != NULL && error->domain == LW_ERROR);
  g_test_message ("%s: %s", what, error->message);
  g_error_free (error);
}

static void
test_corrupt_native (gconstpointer data)
{
  const LwCodec *codec = lw_codec_lookup (data, NULL);
  g_autoptr (LwTensor) img = load_image ("chelsea.png");
  GError *error = NULL;
  g_autoptr (GBytes) good = encode (codec, img, NULL, NULL, &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) native = native_of (good);
  gsize n;
  const guint8 *nd = g_bytes_get_data (native, &n);

  /* The re-serialised but unchanged container still decodes */
  g_autoptr (GBytes) same = reserialise (good, NULL, NULL);
  g_assert_true (g_bytes_equal (same, good));

  /* Damaged signature / main header */
  g_autofree guint8 *flip = g_memdup2 (nd, n);
  for (guint i = 0; i < 12; i++)
    flip[i] ^= 0x5a;
  g_autoptr (GBytes) flipped = g_bytes_new (flip, n);
  g_autoptr (GBytes) f1 = reserialise (good, flipped, NULL);
  expect_decode_error (f1, "header bytes flipped");

  /* Cut in half */
  g_autoptr (GBytes) half = g_bytes_new (nd, n / 2);
  g_autoptr (GBytes) f2 = reserialise (good, half, NULL);
  expect_decode_error (f2, "native stream cut in half");

  /* Empty */
  g_autoptr (GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr (GBytes) f3 = reserialise (good, empty, NULL);
  expect_decode_error (f3, "empty native stream");

  /* Container shape disagreeing with the stream */
  const guint32 wrong[] = { 3, (guint32) img->shape[1], (guint32) img->shape[2] + 1 };
  g_autoptr (GBytes) f4 = reserialise (good, NULL, wrong);
  expect_decode_error (f4, "width off by one");
  const guint32 gray[] = { 1, (guint32) img->shape[1], (guint32) img->shape[2] };
  if (codec != &lw_codec_webp) /* webp stores no channel count: gray is a valid reading */
    {
      g_autoptr (GBytes) f5 = reserialise (good, NULL, gray);
      expect_decode_error (f5, "channel count");
    }

  /* Random byte flips in the body: an error or an image of the right shape, never a crash */
  GRand *rand = g_rand_new_with_seed (7);
  guint errors = 0;
  for (guint iter = 0; iter < 40; iter++)
    {
      g_autofree guint8 *buf = g_memdup2 (nd, n);
      for (guint k = 0; k < 8; k++)
        buf[g_rand_int_range (rand, 0, (gint32) n)] ^= (guint8) g_rand_int_range (rand, 1, 256);
      g_autoptr (GBytes) nb = g_bytes_new_take (g_steal_pointer (&buf), n);
      g_autoptr (GBytes) f = reserialise (good, nb, NULL);
      g_autoptr (LwTensor) out = decode (f, &error);
      if (out == NULL)
        {
          g_assert_true (error != NULL);
          g_clear_error (&error);
          errors++;
        }
      else
        g_assert_true (lw_tensor_same_shape (out, img));
    }
  g_rand_free (rand);
  g_test_message ("%s: %u of 40 randomly damaged streams rejected", codec->name, errors);
}

static void
test_j2k_rate (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    {
      g_autoptr (LwTensor) img = load_image (images[i]);
      GError *error = NULL;
      g_autoptr (GBytes) bytes = encode (&lw_codec_jpeg2000, img, "ratio=40", NULL, &error);
      g_assert_no_error (error);
      double target = (double) lw_tensor_numel (img) / 40;
      double got = g_bytes_get_size (bytes);
      g_test_message ("jpeg2000 %s ratio=40: %.0f bytes, target %.0f (%+.1f%%)", images[i], got,
                      target, 100 * (got / target - 1));
      g_assert_cmpfloat (fabs (got / target - 1), <=, 0.15);
    }
}

static void
test_j2k_small (void)
{
  /* Images smaller than 2^levels get fewer levels instead of an error */
  const gsize sizes[][2] = { { 1, 1 }, { 3, 17 }, { 40, 2 } };
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr (LwTensor) img = lw_tensor_new_3d (3, sizes[i][0], sizes[i][1]);
      for (gsize k = 0; k < lw_tensor_numel (img); k++)
        img->data[k] = (float) (k % 256) / 255.0f;
      const LwCodec *codecs[] = { &lw_codec_jpeg, &lw_codec_jpeg2000, &lw_codec_webp };
      for (guint c = 0; c < G_N_ELEMENTS (codecs); c++)
        {
          GError *error = NULL;
          g_autoptr (GBytes) bytes = encode (codecs[c], img, NULL, NULL, &error);
          g_assert_no_error (error);
          g_autoptr (LwTensor) out = decode (bytes, &error);
          g_assert_no_error (error);
          g_assert_true (lw_tensor_same_shape (img, out));
        }
    }
}

static void
test_missing_param (void)
{
  g_autoptr (LwTensor) img = lw_tensor_new_3d (3, 8, 8);
  GError *error = NULL;
  g_autoptr (GBytes) good = encode (&lw_codec_webp, img, NULL, NULL, &error);
  g_assert_no_error (error);
  g_autoptr (LwBitstream) in = lw_bitstream_parse (g_bytes_get_data (good, NULL),
                                                   g_bytes_get_size (good), &error);
  g_assert_no_error (error);
  g_autoptr (LwBitstream) out = lw_bitstream_new (LW_CODEC_ID_WEBP, 0);
  const guint32 shape[] = { 3, 8, 8 };
  lw_bitstream_set_shape (out, 3, shape);
  lw_bitstream_set_param (out, "quality", 75);
  lw_bitstream_set_param (out, "method", 9); /* out of range, and "lossless" missing */
  lw_bitstream_add_chunk (out, LW_CHUNK_NATIVE, lw_bitstream_get_chunk (in, LW_CHUNK_NATIVE));
  g_autoptr (GBytes) bad = lw_bitstream_serialize (out);
  expect_decode_error (bad, "parameters");
}

/* A top-left crop, for small fuzz seeds */
static LwTensor *
crop (const LwTensor *img, gsize h, gsize w)
{
  gsize c = img->shape[0], ih = img->shape[1], iw = img->shape[2];
  LwTensor *t = lw_tensor_new_3d (c, h, w);
  for (gsize k = 0; k < c; k++)
    for (gsize y = 0; y < h; y++)
      memcpy (t->data + (k * h + y) * w, img->data + (k * ih + y + ih / 3) * iw + iw / 3,
              w * sizeof (float));
  return t;
}

/* LW_WRITE_FUZZ_CORPUS=DIR test-peer-codecs: writes small valid .lwc files of every codec,
 * the seeds of tests/fuzz/corpus/lwc-decode/. */
static void
write_fuzz_seeds (const char *dir)
{
  g_autoptr (LwTensor) full = load_image ("chelsea.png");
  g_autoptr (LwTensor) rgb = crop (full, 24, 32);
  g_autoptr (LwTensor) gray = with_channels (rgb, 1);
  g_autoptr (LwTensor) ga = with_channels (rgb, 2);
  g_autoptr (LwTensor) rgba = with_channels (rgb, 4);
  const struct
  {
    const char *file, *codec;
    const LwTensor *img;
    const char *p1, *p2;
  } seeds[] = {
    { "jpeg-rgb.lwc", "jpeg", rgb, "quality=50", NULL },
    { "jpeg-rgb-444.lwc", "jpeg", rgb, "subsampling=444", "optimize=false" },
    { "jpeg-gray.lwc", "jpeg", gray, NULL, NULL },
    { "jpeg2000-rgb.lwc", "jpeg2000", rgb, "ratio=8", NULL },
    { "jpeg2000-rgba-53.lwc", "jpeg2000", rgba, "irreversible=false", "ratio=4" },
    { "jpeg2000-gray.lwc", "jpeg2000", gray, "levels=2", NULL },
    { "webp-rgb.lwc", "webp", rgb, NULL, NULL },
    { "webp-rgba.lwc", "webp", rgba, "quality=30", NULL },
    { "webp-gray-lossless.lwc", "webp", gray, "lossless=true", NULL },
    { "webp-ga-lossless.lwc", "webp", ga, "lossless=true", "method=0" },
    { "wavelet-latent-rgb.lwc", "wavelet-latent", rgb, NULL, NULL },
    { "wavelet-latent-rgb-webp.lwc", "wavelet-latent", rgb, "entropy=webp", "bits=8" },
    { "wavelet-latent-gray-fit.lwc", "wavelet-latent", gray, "basis=fit", "latents=4" },
  };
  g_mkdir_with_parents (dir, 0755);
  for (guint i = 0; i < G_N_ELEMENTS (seeds); i++)
    {
      GError *error = NULL;
      const LwCodec *codec = lw_codec_lookup (seeds[i].codec, &error);
      g_assert_no_error (error);
      g_autoptr (LwParams) params = lw_params_new (codec);
      if ((seeds[i].p1 && !lw_params_parse (params, seeds[i].p1, &error)) ||
          (seeds[i].p2 && !lw_params_parse (params, seeds[i].p2, &error)))
        g_error ("%s: %s", seeds[i].file, error->message);
      g_autoptr (GBytes) b = lw_codec_encode_signal (codec, seeds[i].img, params, NULL, &error);
      if (b == NULL)
        {
          g_printerr ("%s: not written: %s\n", seeds[i].file, error->message);
          g_clear_error (&error);
          continue;
        }
      g_autoptr (LwTensor) back = decode (b, &error);
      g_assert_no_error (error);
      g_assert_true (lw_tensor_same_shape (back, seeds[i].img));
      g_autofree char *path = g_build_filename (dir, seeds[i].file, NULL);
      g_file_set_contents (path, g_bytes_get_data (b, NULL), g_bytes_get_size (b), &error);
      g_assert_no_error (error);
      g_print ("%s: %" G_GSIZE_FORMAT " bytes\n", path, g_bytes_get_size (b));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("LW_WRITE_FUZZ_CORPUS"))
    {
      write_fuzz_seeds (g_getenv ("LW_WRITE_FUZZ_CORPUS"));
      return 0;
    }
  const char *names[] = { "jpeg", "jpeg2000", "webp" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *p1 = g_strdup_printf ("/peer/%s/round-trip", names[i]);
      g_autofree char *p2 = g_strdup_printf ("/peer/%s/rd-monotonic", names[i]);
      g_autofree char *p3 = g_strdup_printf ("/peer/%s/corrupt-native", names[i]);
      g_test_add_data_func (p1, names[i], test_round_trip);
      g_test_add_data_func (p2, &sweeps[i], test_rd_monotonic);
      g_test_add_data_func (p3, names[i], test_corrupt_native);
    }
  g_test_add_func ("/peer/jpeg/quality90-astronaut", test_jpeg_quality90);
  g_test_add_func ("/peer/jpeg/subsampling-optimize", test_jpeg_params);
  g_test_add_func ("/peer/jpeg/rejects-alpha", test_jpeg_rejects_alpha);
  g_test_add_func ("/peer/webp/lossless-exact", test_webp_lossless);
  g_test_add_func ("/peer/jpeg2000/rate-control", test_j2k_rate);
  g_test_add_func ("/peer/all/channel-counts", test_channel_counts);
  g_test_add_func ("/peer/all/tiny-images", test_j2k_small);
  g_test_add_func ("/peer/webp/missing-param", test_missing_param);
  return g_test_run ();
}
