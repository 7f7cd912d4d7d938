/* test-wavelet-latent.c — the WaLLoC-style codec: round trips, rate behaviour, modes, bad streams
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "lw-bitstream.h"
#include "lw-codec.h"
#include "lw-error.h"
#include "lw-image-io.h"
#include "lw-metrics.h"
#include "lw-wavelet-latent.h"

#include <math.h>
#include <string.h>

static const LwCodec *codec;

static LwTensor *
load_sample (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("LW_SHARED_DATADIR"), "images", name, NULL);
  GError *error = NULL;
  LwTensor *t = lw_image_load (path, NULL, &error);
  g_assert_no_error (error);
  return t;
}

static LwParams *
params_with (const char *first, ...)
{
  LwParams *p = lw_params_new (codec);
  va_list ap;
  va_start (ap, first);
  for (const char *kv = first; kv; kv = va_arg (ap, const char *))
    {
      GError *error = NULL;
      g_assert_true (lw_params_parse (p, kv, &error));
      g_assert_no_error (error);
    }
  va_end (ap);
  return p;
}

static GBytes *
encode_ok (const LwTensor *img, const LwParams *p)
{
  GError *error = NULL;
  GBytes *b = lw_codec_encode_signal (codec, img, p, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (b);
  return b;
}

static LwTensor *
decode_ok (GBytes *b)
{
  GError *error = NULL;
  const LwCodec *used = NULL;
  LwTensor *t = lw_codec_decode_bytes (g_bytes_get_data (b, NULL), g_bytes_get_size (b), &used,
                                       &error);
  g_assert_no_error (error);
  g_assert_true (used == codec);
  return t;
}

static void
test_round_trip_deterministic (void)
{
  g_autoptr (LwTensor) img = load_sample ("astronaut.png");
  g_autoptr (LwParams) p = lw_params_new (codec);
  g_autoptr (GBytes) a = encode_ok (img, p);
  g_autoptr (GBytes) b = encode_ok (img, p);
  g_assert_true (g_bytes_equal (a, b));

  g_autoptr (LwTensor) x = decode_ok (a);
  g_autoptr (LwTensor) y = decode_ok (a);
  g_assert_true (lw_tensor_same_shape (x, img));
  g_assert_cmpmem (x->data, lw_tensor_numel (x) * 4, y->data, lw_tensor_numel (y) * 4);
  double psnr = lw_psnr (img, x);
  g_test_message ("default: %" G_GSIZE_FORMAT " bytes, %.3f bpp, %.2f dB", g_bytes_get_size (a),
                  lw_bpp (g_bytes_get_size (a), 512, 512), psnr);
  g_assert_cmpfloat (psnr, >, 28);
}

/* Smaller steps cost more bits and give more PSNR; reusing one analysis for several rates gives
 * the same bytes as encoding from scratch. */
static void
test_rate_monotone (void)
{
  g_autoptr (LwTensor) img = load_sample ("coffee.png");
  g_autoptr (LwParams) p = lw_params_new (codec);
  GError *error = NULL;
  gpointer an = lw_codec_analyse (codec, img, p, NULL, &error);
  g_assert_no_error (error);
  const double steps[] = { 40, 20, 10, 5, 2.5 };
  gsize prev_size = 0;
  double prev_psnr = 0;
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_assert_true (lw_params_set (p, "step", steps[i], &error));
      g_autoptr (GBytes) b = lw_codec_encode (codec, an, p, NULL, &error);
      g_assert_no_error (error);
      g_autoptr (GBytes) fresh = encode_ok (img, p);
      g_assert_true (g_bytes_equal (b, fresh));
      g_autoptr (LwTensor) x = decode_ok (b);
      double psnr = lw_psnr (img, x);
      g_test_message ("step %.1f: %" G_GSIZE_FORMAT " bytes %.2f dB", steps[i],
                      g_bytes_get_size (b), psnr);
      g_assert_cmpuint (g_bytes_get_size (b), >, prev_size);
      g_assert_cmpfloat (psnr, >, prev_psnr);
      prev_size = g_bytes_get_size (b);
      prev_psnr = psnr;
    }
  lw_codec_analysis_free (codec, an);
}

/* All 192 directions and a fine step: the codec is near lossless */
static void
test_near_lossless (void)
{
  g_autoptr (LwTensor) img = load_sample ("chelsea.png");
  g_autoptr (LwParams) p = params_with ("latents=192", "step=0.5", "bits=16", NULL);
  g_autoptr (GBytes) b = encode_ok (img, p);
  g_autoptr (LwTensor) x = decode_ok (b);
  g_assert_cmpfloat (lw_psnr (img, x), >, 50);
}

static void
test_fit_basis_and_alpha (void)
{
  g_autoptr (LwTensor) rgb = load_sample ("chelsea.png");
  gsize h = rgb->shape[1], w = rgb->shape[2], plane = h * w;
  g_autoptr (LwTensor) rgba = lw_tensor_new_3d (4, h, w);
  memcpy (rgba->data, rgb->data, 3 * plane * sizeof (float));
  for (gsize i = 0; i < plane; i++)
    rgba->data[3 * plane + i] = (i % w) < w / 2 ? 1.0f : 0.25f;

  GError *error = NULL;
  g_autoptr (LwParams) shipped = lw_params_new (codec);
  GBytes *none = lw_codec_encode_signal (codec, rgba, shipped, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "alpha"));
  g_clear_error (&error);

  g_autoptr (LwParams) fit = params_with ("basis=fit", "latents=96", NULL);
  g_autoptr (GBytes) b = encode_ok (rgba, fit);
  g_autoptr (LwTensor) x = decode_ok (b);
  g_assert_cmpuint (x->shape[0], ==, 4);
  g_assert_cmpfloat (lw_psnr (rgba, x), >, 28);

  /* the fitted basis travels in the stream */
  g_autoptr (LwBitstream) bs = lw_bitstream_parse (g_bytes_get_data (b, NULL),
                                                   g_bytes_get_size (b), &error);
  g_assert_no_error (error);
  GBytes *basis = lw_bitstream_get_chunk (bs, LW_FOURCC ('B', 'A', 'S', 'E'));
  g_assert_nonnull (basis);
  g_assert_cmpuint (g_bytes_get_size (basis), ==, 4 * 256 + 2 * 96 * 256);
}

static void
test_gray_and_odd_sizes (void)
{
  g_autoptr (LwTensor) rgb = load_sample ("coffee.png");
  const guint sizes[][2] = { { 37, 23 }, { 1, 9 }, { 8, 8 }, { 100, 3 } };
  for (guint k = 0; k < G_N_ELEMENTS (sizes); k++)
    for (guint c = 1; c <= 3; c += 2)
      {
        guint h = sizes[k][0], w = sizes[k][1];
        g_autoptr (LwTensor) img = lw_tensor_new_3d (c, h, w);
        for (guint ch = 0; ch < c; ch++)
          for (guint y = 0; y < h; y++)
            for (guint x = 0; x < w; x++)
              img->data[(ch * h + y) * w + x] = rgb->data[(ch * 400 + y + 100) * 600 + x + 200];
        g_autoptr (LwParams) p = params_with ("latents=12", NULL);
        g_autoptr (GBytes) b = encode_ok (img, p);
        g_autoptr (LwTensor) out = decode_ok (b);
        g_assert_true (lw_tensor_same_shape (out, img));
      }
}

static void
test_webp_mosaic (void)
{
  g_autoptr (LwTensor) img = load_sample ("astronaut.png");
  g_autoptr (LwParams) p = params_with ("entropy=webp", "bits=8", "latents=12", NULL);
  g_autoptr (GBytes) b = encode_ok (img, p);
  g_autoptr (LwTensor) x = decode_ok (b);
  g_autoptr (LwParams) r = params_with ("entropy=rans", "bits=8", "latents=12", NULL);
  g_autoptr (GBytes) rb = encode_ok (img, r);
  g_autoptr (LwTensor) rx = decode_ok (rb);
  /* same symbols, so the same picture; only the size differs */
  g_assert_cmpmem (x->data, lw_tensor_numel (x) * 4, rx->data, lw_tensor_numel (rx) * 4);
  g_test_message ("12 latents, 8 bits: webp %" G_GSIZE_FORMAT " bytes, rans %" G_GSIZE_FORMAT,
                  g_bytes_get_size (b), g_bytes_get_size (rb));

  GError *error = NULL;
  g_autoptr (LwParams) bad = params_with ("entropy=webp", "bits=12", NULL);
  GBytes *none = lw_codec_encode_signal (codec, img, bad, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
  g_clear_error (&error);
}

/* numpy.pad (mode='reflect') one step at a time, as numpy does for pads wider than the image */
static guint
numpy_reflect (gint64 i, guint n)
{
  if (n == 1)
    return 0;
  while (i < 0 || i >= n)
    i = i < 0 ? -i : 2 * (gint64) (n - 1) - i;
  return (guint) i;
}

/* The codec's front end pads like numpy's reflect mode and works in centred 8-bit units:
 * inverting its packet transform gives back 255·v − 127.5 of the reflect-padded image. */
static void
test_front_end_padding (void)
{
  const guint sizes[][2] = { { 5, 3 }, { 1, 9 }, { 13, 8 }, { 2, 2 } };
  for (guint k = 0; k < G_N_ELEMENTS (sizes); k++)
    {
      guint h = sizes[k][0], w = sizes[k][1];
      g_autoptr (LwTensor) img = lw_tensor_new_3d (2, h, w);
      for (gsize i = 0; i < lw_tensor_numel (img); i++)
        img->data[i] = (float) ((i * 37) % 101) / 100.0f;
      GError *error = NULL;
      g_autoptr (LwTensor) pk = lw_wavelet_latent_packets (img, LW_WAVELET_CDF97, 3, &error);
      g_assert_no_error (error);
      g_autoptr (LwTensor) back = lw_wpt2d_inverse (LW_WAVELET_CDF97, pk, 3, &error);
      g_assert_no_error (error);
      guint hp = back->shape[1], wp = back->shape[2];
      g_assert_cmpuint (hp, ==, (h + 7) / 8 * 8);
      g_assert_cmpuint (wp, ==, (w + 7) / 8 * 8);
      for (guint c = 0; c < 2; c++)
        for (guint y = 0; y < hp; y++)
          for (guint x = 0; x < wp; x++)
            {
              float v = img->data[((gsize) c * h + numpy_reflect (y, h)) * w + numpy_reflect (x, w)];
              g_assert_cmpfloat_with_epsilon (back->data[((gsize) c * hp + y) * wp + x],
                                              255.0f * v - 127.5f, 1e-3);
            }
    }
}

typedef struct
{
  const LwTensor *img;
  double          step;
  GBytes         *bytes;
  LwTensor       *decoded;
} ThreadJob;

static gpointer
thread_job (gpointer data)
{
  ThreadJob *job = data;
  g_autoptr (LwParams) p = lw_params_new (codec);
  g_assert_true (lw_params_set (p, "step", job->step, NULL));
  for (int rep = 0; rep < 3; rep++)
    {
      g_clear_pointer (&job->bytes, g_bytes_unref);
      g_clear_pointer (&job->decoded, lw_tensor_free);
      job->bytes = lw_codec_encode_signal (codec, job->img, p, NULL, NULL);
      job->decoded = lw_codec_decode_bytes (g_bytes_get_data (job->bytes, NULL),
                                            g_bytes_get_size (job->bytes), NULL, NULL);
    }
  return NULL;
}

/* Workers encode and decode at once (as the GUI's do): the same bytes and pixels as alone */
static void
test_concurrent (void)
{
  g_autoptr (LwTensor) img = load_sample ("chelsea.png");
  ThreadJob jobs[4];
  GThread *threads[4];
  for (guint i = 0; i < 4; i++)
    {
      jobs[i] = (ThreadJob) { img, 3.0 + 7 * i, NULL, NULL };
      threads[i] = g_thread_new ("codec", thread_job, &jobs[i]);
    }
  for (guint i = 0; i < 4; i++)
    g_thread_join (threads[i]);
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr (LwParams) p = lw_params_new (codec);
      g_assert_true (lw_params_set (p, "step", jobs[i].step, NULL));
      g_autoptr (GBytes) alone = encode_ok (img, p);
      g_autoptr (LwTensor) x = decode_ok (alone);
      g_assert_true (g_bytes_equal (alone, jobs[i].bytes));
      g_assert_cmpmem (x->data, lw_tensor_numel (x) * 4, jobs[i].decoded->data,
                       lw_tensor_numel (x) * 4);
      g_bytes_unref (jobs[i].bytes);
      lw_tensor_free (jobs[i].decoded);
    }
}

/* Spatial prediction is lossless: the same picture, fewer bytes */
static void
test_prediction_lossless (void)
{
  g_autoptr (LwTensor) img = load_sample ("coffee.png");
  g_autoptr (LwParams) off = params_with ("predict=off", "step=20", NULL);
  g_autoptr (LwParams) on = params_with ("predict=auto", "step=20", NULL);
  g_autoptr (GBytes) a = encode_ok (img, off);
  g_autoptr (GBytes) b = encode_ok (img, on);
  g_autoptr (LwTensor) x = decode_ok (a);
  g_autoptr (LwTensor) y = decode_ok (b);
  g_assert_cmpmem (x->data, lw_tensor_numel (x) * 4, y->data, lw_tensor_numel (y) * 4);
  g_test_message ("prediction off %" G_GSIZE_FORMAT " bytes, auto %" G_GSIZE_FORMAT,
                  g_bytes_get_size (a), g_bytes_get_size (b));
  g_assert_cmpuint (g_bytes_get_size (b), <, g_bytes_get_size (a));
}

/* Containers that pass the CRC checks but lie about the codec's data */
static void
test_bad_streams (void)
{
  g_autoptr (LwTensor) img = load_sample ("chelsea.png");
  g_autoptr (LwParams) p = lw_params_new (codec);
  g_autoptr (GBytes) good = encode_ok (img, p);
  GError *error = NULL;
  g_autoptr (LwBitstream) src = lw_bitstream_parse (g_bytes_get_data (good, NULL),
                                                    g_bytes_get_size (good), &error);
  g_assert_no_error (error);
  GBytes *lat = lw_bitstream_get_chunk (src, LW_FOURCC ('L', 'A', 'T', 'R'));
  g_assert_nonnull (lat);

  for (guint variant = 0; variant < 7; variant++)
    {
      g_autoptr (LwBitstream) bs = lw_bitstream_new (lw_bitstream_get_codec_id (src), 0);
      guint32 shape[3] = { 3, 300, 451 };
      lw_bitstream_set_shape (bs, 3, shape);
      for (guint i = 0; i < lw_bitstream_get_n_params (src); i++)
        {
          const char *name = lw_bitstream_get_param_name (src, i);
          double v = lw_bitstream_get_param_value (src, i);
          if (variant == 0 && g_str_equal (name, "latents"))
            v = 999; /* out of range */
          if (variant == 6 && g_str_equal (name, "latents"))
            v = 50; /* with a 7-byte mask flagging planes 50…55 */
          if (variant == 1 && g_str_equal (name, "bits"))
            v = 9; /* planes coded with another alphabet */
          if (variant == 2 && g_str_equal (name, "basis"))
            v = 1; /* claims a fitted basis but carries none */
          if (variant != 3 || !g_str_equal (name, "step"))
            lw_bitstream_set_param (bs, name, v); /* variant 3: a parameter is missing */
        }
      if (variant == 5 || variant == 6)
        {
          /* a prediction mask of the wrong size; or flagging planes that were not coded */
          guint8 mask[7] = { 1, 0, 0, 0, 0, 0, 0xff };
          g_autoptr (GBytes) fb = g_bytes_new (mask, variant == 5 ? 5 : 7);
          lw_bitstream_add_chunk (bs, LW_FOURCC ('P', 'R', 'E', 'D'), fb);
        }
      if (variant == 4)
        {
          g_autoptr (GBytes) half = g_bytes_new_from_bytes (lat, 0, g_bytes_get_size (lat) / 2);
          lw_bitstream_add_chunk (bs, LW_FOURCC ('L', 'A', 'T', 'R'), half);
        }
      else
        lw_bitstream_add_chunk (bs, LW_FOURCC ('L', 'A', 'T', 'R'), lat);
      g_autoptr (GBytes) bytes = lw_bitstream_serialize (bs);
      LwTensor *t = lw_codec_decode_bytes (g_bytes_get_data (bytes, NULL),
                                           g_bytes_get_size (bytes), NULL, &error);
      g_assert_null (t);
      g_assert_nonnull (error);
      g_test_message ("variant %u: %s", variant, error->message);
      static const char *const expect[] = { "out of range", "alphabet", "BASE chunk is missing",
                                            "is missing", "ran out of bytes", "expected 6",
                                            "beyond the 50" };
      g_assert_nonnull (strstr (error->message, expect[variant]));
      g_clear_error (&error);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  GError *error = NULL;
  codec = lw_codec_lookup ("wavelet-latent", &error);
  g_assert_no_error (error);
  g_test_add_func ("/wavelet-latent/round-trip-deterministic", test_round_trip_deterministic);
  g_test_add_func ("/wavelet-latent/rate-monotone", test_rate_monotone);
  g_test_add_func ("/wavelet-latent/near-lossless", test_near_lossless);
  g_test_add_func ("/wavelet-latent/fit-basis-and-alpha", test_fit_basis_and_alpha);
  g_test_add_func ("/wavelet-latent/gray-and-odd-sizes", test_gray_and_odd_sizes);
  g_test_add_func ("/wavelet-latent/webp-mosaic", test_webp_mosaic);
  g_test_add_func ("/wavelet-latent/prediction-lossless", test_prediction_lossless);
  g_test_add_func ("/wavelet-latent/front-end-padding", test_front_end_padding);
  g_test_add_func ("/wavelet-latent/concurrent", test_concurrent);
  g_test_add_func ("/wavelet-latent/bad-streams", test_bad_streams);
  return g_test_run ();
}
