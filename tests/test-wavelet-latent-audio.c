/* test-wavelet-latent-audio.c — the wavelet-latent-audio codec: reconstruction, rate control,
 * determinism, shapes and rates, hostile streams
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-wavelet-latent-audio"

#include "lw-audio-io.h"
#include "lw-bitstream.h"
#include "lw-codec.h"
#include "lw-error.h"
#include "lw-latent-inspect.h"

#include <math.h>
#include <string.h>

static const LwCodec *
codec (void)
{
  g_autoptr (GError) error = NULL;
  const LwCodec *c = lw_codec_lookup ("wavelet-latent-audio", &error);
  g_assert_no_error (error);
  g_assert_cmpint (c->kind, ==, LW_MEDIA_AUDIO);
  g_assert_cmpuint (c->id, ==, 16);
  return c;
}

/* Music-like test signal: decaying harmonic notes, a little noise, different per channel */
static LwTensor *
synth (guint channels, gsize frames, double rate, guint seed)
{
  LwTensor *t = lw_tensor_new_2d (channels, frames);
  t->sample_rate = rate;
  GRand *r = g_rand_new_with_seed (seed);
  for (guint c = 0; c < channels; c++)
    for (guint note = 0; note < 4; note++)
      {
        double f0 = 110.0 * (note + 1) * (1 + 0.01 * c), start = note * frames / 4;
        for (gsize i = start; i < frames; i++)
          {
            double tt = (i - start) / rate, v = 0;
            for (guint k = 1; k <= 6 && k * f0 < rate / 2; k++)
              v += sin (2 * G_PI * k * f0 * tt) / k;
            t->data[c * frames + i] += 0.15 * exp (-3 * tt) * v;
          }
      }
  for (gsize i = 0; i < lw_tensor_numel (t); i++)
    t->data[i] += 0.002f * (float) g_rand_double_range (r, -1, 1) + 0.01f;
  g_rand_free (r);
  return t;
}

static double
snr (const LwTensor *a, const LwTensor *b)
{
  double s = 0, e = 0;
  for (gsize i = 0; i < lw_tensor_numel (a); i++)
    {
      double d = (double) a->data[i] - b->data[i];
      s += (double) a->data[i] * a->data[i];
      e += d * d;
    }
  return e == 0 ? INFINITY : 10 * log10 (s / e);
}

static GBytes *
encode (const LwTensor *x, const char *params)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LwParams) p = lw_params_new (codec ());
  g_auto (GStrv) a = g_strsplit (params, " ", -1);
  for (guint i = 0; a[i]; i++)
    if (*a[i])
      {
        lw_params_parse (p, a[i], &error);
        g_assert_no_error (error);
      }
  GBytes *b = lw_codec_encode_signal (codec (), x, p, NULL, &error);
  g_assert_no_error (error);
  return b;
}

static LwTensor *
decode (GBytes *b)
{
  g_autoptr (GError) error = NULL;
  const LwCodec *c = NULL;
  LwTensor *y = lw_codec_decode_bytes (g_bytes_get_data (b, NULL), g_bytes_get_size (b), &c,
                                       &error);
  g_assert_no_error (error);
  g_assert_true (c == codec ());
  return y;
}

static LwTensor *
round_trip (const LwTensor *x, const char *params, gsize *bytes)
{
  g_autoptr (GBytes) b = encode (x, params);
  if (bytes)
    *bytes = g_bytes_get_size (b);
  LwTensor *y = decode (b);
  g_assert_true (lw_tensor_same_shape (x, y));
  g_assert_cmpfloat (y->sample_rate, ==, x->sample_rate);
  for (gsize i = 0; i < lw_tensor_numel (y); i++)
    g_assert_true (y->data[i] >= -1.0f && y->data[i] <= 1.0f);
  return y;
}

static double
file_param (GBytes *b, const char *name)
{
  g_autoptr (LwBitstream) bs = lw_bitstream_parse (g_bytes_get_data (b, NULL),
                                                   g_bytes_get_size (b), NULL);
  double v = NAN;
  g_assert_nonnull (bs);
  g_assert_true (lw_bitstream_get_param (bs, name, &v));
  return v;
}

static void
test_perfect_reconstruction (void)
{
  /* all latents, fine step, 16 bits: only float rounding and the quantiser's tiny step left */
  g_autoptr (LwTensor) st = synth (2, 12000, 48000, 1);
  g_autoptr (LwTensor) y = round_trip (st, "step=0.0001 bits=16 latents=0", NULL);
  g_assert_cmpfloat (snr (st, y), >, 60);
  /* a basis fitted to the input, full rank, float16 rows inverted exactly */
  g_autoptr (LwTensor) mono = synth (1, 4000, 8000, 2);
  g_autoptr (LwTensor) z = round_trip (mono, "step=0.0001 bits=16 basis=fit latents=8", NULL);
  g_assert_cmpfloat (snr (mono, z), >, 60);
}

static LwTensor *
voice_or_synth (void)
{
  const char *dir = g_getenv ("LW_SHARED_DATADIR");
  if (dir != NULL)
    {
      g_autofree char *path = g_build_filename (dir, "audio", "voice.wav", NULL);
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_autoptr (GError) error = NULL;
          LwTensor *t = lw_audio_load (path, NULL, &error);
          g_assert_no_error (error);
          return t;
        }
    }
  return synth (1, 44100, 44100, 3);
}

static void
test_rate_monotone (void)
{
  g_autoptr (LwTensor) x = voice_or_synth ();
  static const double steps[] = { 0.001, 0.004, 0.016, 0.064 };
  gsize prev_bytes = G_MAXSIZE;
  double prev_snr = INFINITY;
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autofree char *p = g_strdup_printf ("step=%g", steps[i]);
      gsize bytes;
      g_autoptr (LwTensor) y = round_trip (x, p, &bytes);
      double s = snr (x, y);
      g_test_message ("step %g: %" G_GSIZE_FORMAT " bytes, %.2f kbit/s, SNR %.2f dB", steps[i],
                      bytes, bytes * 8.0 / (x->shape[1] / x->sample_rate) / 1000, s);
      g_assert_cmpuint (bytes, <, prev_bytes);
      g_assert_cmpfloat (s, <, prev_snr);
      prev_bytes = bytes;
      prev_snr = s;
    }
  /* the finest step is near-transparent, the coarsest still recognisable */
  g_autoptr (LwTensor) y = round_trip (x, "step=0.001", NULL);
  g_assert_cmpfloat (snr (x, y), >, 30);
}

static void
test_deterministic (void)
{
  g_autoptr (LwTensor) x = synth (2, 9000, 44100, 4);
  g_autoptr (GBytes) a = encode (x, "step=0.01");
  g_autoptr (GBytes) b = encode (x, "step=0.01");
  g_assert_true (g_bytes_equal (a, b));
  g_autoptr (LwTensor) ya = decode (a);
  g_autoptr (LwTensor) yb = decode (b);
  g_assert_cmpmem (ya->data, lw_tensor_numel (ya) * 4, yb->data, lw_tensor_numel (yb) * 4);
}

static void
test_shapes_and_rates (void)
{
  static const struct { guint c; gsize t; double rate; guint levels; } cases[] = {
    { 1, 1, 8000, 3 },   { 1, 3, 8000, 3 },    { 2, 1001, 8000, 3 }, { 1, 4097, 16000, 4 },
    { 2, 777, 22050, 5 }, { 1, 257, 44100, 6 }, { 2, 4801, 48000, 6 }, { 2, 1000, 96000, 7 },
    { 2, 3000, 192000, 8 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (LwTensor) x = synth (cases[i].c, cases[i].t, cases[i].rate, 10 + i);
      g_autoptr (GBytes) b = encode (x, "step=0.002");
      g_assert_cmpfloat (file_param (b, "levels"), ==, cases[i].levels);
      g_assert_cmpfloat (file_param (b, "latents"), ==, cases[i].c << cases[i].levels);
      g_assert_cmpfloat (file_param (b, "sample_rate"), ==, cases[i].rate);
      g_autoptr (LwTensor) y = decode (b);
      g_assert_true (lw_tensor_same_shape (x, y));
      g_assert_cmpfloat (y->sample_rate, ==, cases[i].rate);
      if (cases[i].t > 500)
        g_assert_cmpfloat (snr (x, y), >, 25);
    }
  /* more channels than the shipped bases cover: basis=fit works, shipped names the problem */
  g_autoptr (LwTensor) x3 = synth (3, 2048, 16000, 30);
  g_autoptr (LwTensor) y3 = round_trip (x3, "basis=fit levels=3", NULL);
  g_assert_cmpfloat (snr (x3, y3), >, 25);
  g_autoptr (GError) error = NULL;
  g_autoptr (LwParams) p = lw_params_new (codec ());
  g_assert_null (lw_codec_encode_signal (codec (), x3, p, NULL, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "basis=fit"));
}

static void
test_bad_input (void)
{
  g_autoptr (LwParams) p = lw_params_new (codec ());
  g_autoptr (LwTensor) x = synth (1, 1000, 4000, 5);
  g_autoptr (GError) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL;
  g_assert_null (lw_codec_encode_signal (codec (), x, p, NULL, &e1));
  g_assert_error (e1, LW_ERROR, LW_ERROR_UNSUPPORTED);
  x->sample_rate = 8000;
  x->data[10] = NAN;
  g_assert_null (lw_codec_encode_signal (codec (), x, p, NULL, &e2));
  g_assert_error (e2, LW_ERROR, LW_ERROR_INVALID_DATA);
  x->data[10] = 0;
  lw_params_set (p, "latents", 9, NULL); /* J = 3 at 8 kHz: 8 packet channels */
  g_assert_null (lw_codec_encode_signal (codec (), x, p, NULL, &e3));
  g_assert_error (e3, LW_ERROR, LW_ERROR_INVALID_PARAM);
  g_autoptr (LwTensor) img = lw_tensor_new_3d (3, 8, 8);
  g_assert_null (lw_codec_encode_signal (codec (), img, p, NULL, &e4));
  g_assert_error (e4, LW_ERROR, LW_ERROR_SHAPE);
}

static void
expect_decode_error (GBytes *b)
{
  g_autoptr (GError) error = NULL;
  LwTensor *y = lw_codec_decode_bytes (g_bytes_get_data (b, NULL), g_bytes_get_size (b), NULL,
                                       &error);
  g_assert_null (y);
  g_assert_nonnull (error);
  g_assert_true (error->domain == LW_ERROR);
}

/* The file `b` rebuilt with one parameter replaced (NAN: removed) and one chunk replaced
 * (data NULL: removed); CRCs are valid, so the decoder's own checks are exercised */
static GBytes *
rebuild (GBytes *b, const char *param, double value, guint32 tag, GBytes *data,
         const guint32 *shape)
{
  g_autoptr (LwBitstream) in = lw_bitstream_parse (g_bytes_get_data (b, NULL),
                                                   g_bytes_get_size (b), NULL);
  g_autoptr (LwBitstream) out = lw_bitstream_new (lw_bitstream_get_codec_id (in),
                                                  lw_bitstream_get_media_kind (in));
  guint32 dims[2] = { lw_bitstream_get_dim (in, 0), lw_bitstream_get_dim (in, 1) };
  lw_bitstream_set_shape (out, 2, shape ? shape : dims);
  for (guint i = 0; i < lw_bitstream_get_n_params (in); i++)
    {
      const char *name = lw_bitstream_get_param_name (in, i);
      if (g_strcmp0 (name, param) != 0)
        lw_bitstream_set_param (out, name, lw_bitstream_get_param_value (in, i));
      else if (!isnan (value))
        lw_bitstream_set_param (out, name, value);
    }
  for (guint i = 0; i < lw_bitstream_get_n_chunks (in); i++)
    {
      guint32 t = lw_bitstream_get_chunk_tag (in, i);
      if (t != tag)
        lw_bitstream_add_chunk (out, t, lw_bitstream_get_chunk_at (in, i));
      else if (data != NULL)
        lw_bitstream_add_chunk (out, t, data);
    }
  return lw_bitstream_serialize (out);
}

static void
test_hostile (void)
{
  g_autoptr (LwTensor) x = synth (2, 3000, 44100, 6);
  g_autoptr (GBytes) good = encode (x, "step=0.01");
  g_autoptr (LwTensor) x1 = synth (1, 2000, 8000, 7);
  g_autoptr (GBytes) fit = encode (x1, "step=0.01 basis=fit latents=6");
  GBytes *files[] = { good, fit };
  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      gsize len;
      const guint8 *d = g_bytes_get_data (files[f], &len);
      /* every truncation, and bit flips (most caught by CRCs, which is the point: no crash) */
      for (gsize cut = 0; cut < len; cut += 1 + cut / 16)
        {
          g_autoptr (GBytes) t = g_bytes_new (d, cut);
          expect_decode_error (t);
        }
      g_autofree guint8 *m = g_memdup2 (d, len);
      for (gsize i = 0; i < len; i += 1 + i / 8)
        {
          m[i] ^= 1u << (i % 8);
          g_autoptr (GError) error = NULL;
          LwTensor *y = lw_codec_decode_bytes (m, len, NULL, &error);
          g_assert_true ((y == NULL) != (error == NULL));
          lw_tensor_free (y);
          m[i] ^= 1u << (i % 8);
        }
    }

  /* well-formed containers with bad contents */
  static const struct { const char *param; double value; } bad_params[] = {
    { "sample_rate", NAN }, { "sample_rate", 4000 }, { "levels", 0 }, { "latents", 0 },
    { "latents", 513 }, { "levels", 9 }, { "step", NAN }, { "bits", 1 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad_params); i++)
    {
      g_autoptr (GBytes) b = rebuild (good, bad_params[i].param, bad_params[i].value, 0, NULL,
                                      NULL);
      expect_decode_error (b);
    }
  guint32 norm = LW_FOURCC ('N', 'O', 'R', 'M'), latr = LW_FOURCC ('L', 'A', 'T', 'R');
  guint32 base = LW_FOURCC ('B', 'A', 'S', 'E');
  static const guint8 nan_gain[16] = { 0, 0, 0, 0, 0, 0, 0xc0, 0x7f, 0, 0, 0, 0, 0, 0, 0x80, 0x3f };
  static const guint8 zero_gain[16] = { 0 };
  g_autoptr (GBytes) short_chunk = g_bytes_new_static (zero_gain, 7);
  g_autoptr (GBytes) nan_chunk = g_bytes_new_static (nan_gain, 16);
  g_autoptr (GBytes) zero_chunk = g_bytes_new_static (zero_gain, 16);
  GBytes *b1 = rebuild (good, NULL, 0, norm, NULL, NULL);
  GBytes *b2 = rebuild (good, NULL, 0, norm, short_chunk, NULL);
  GBytes *b3 = rebuild (good, NULL, 0, norm, nan_chunk, NULL);
  GBytes *b4 = rebuild (good, NULL, 0, norm, zero_chunk, NULL);
  GBytes *b5 = rebuild (good, NULL, 0, latr, NULL, NULL);
  GBytes *b6 = rebuild (good, NULL, 0, latr, short_chunk, NULL);
  GBytes *b7 = rebuild (fit, NULL, 0, base, NULL, NULL);
  GBytes *b8 = rebuild (fit, NULL, 0, base, short_chunk, NULL);
  static const guint32 nine[2] = { 9, 3000 }, huge[2] = { 2, 2000000000u }, one[2] = { 1, 3000 };
  GBytes *b9 = rebuild (good, NULL, 0, 0, NULL, nine);
  GBytes *b10 = rebuild (good, NULL, 0, 0, NULL, huge); /* bomb / longer than 30 minutes */
  GBytes *b11 = rebuild (good, NULL, 0, 0, NULL, one);  /* NORM for 2 channels, shape 1 */
  GBytes *all[] = { b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11 };
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    {
      expect_decode_error (all[i]);
      g_bytes_unref (all[i]);
    }
}

static void
test_inspect (void)
{
  g_autoptr (LwTensor) x = synth (2, 5000, 44100, 8);
  g_autoptr (GBytes) b = encode (x, "step=0.01 latents=40");
  g_autoptr (GError) error = NULL;
  LwLatentInfo *info = lw_latent_inspect_bytes (g_bytes_get_data (b, NULL),
                                                g_bytes_get_size (b), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (info->n_channels, ==, 40);
  g_assert_cmpuint (info->height, ==, 1);
  g_assert_cmpuint (info->width, ==, (5000 + 63) / 64); /* J = 6 at 44.1 kHz */
  double sum = 0;
  for (guint k = 0; k < info->n_channels; k++)
    sum += info->channels[k].coded_bits;
  g_assert_cmpfloat (sum, <=, info->total_bits);
  g_assert_cmpfloat (sum, >, info->total_bits - 80);
  g_assert_nonnull (strstr (info->description, "6-level"));
  lw_latent_info_free (info);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/wavelet-latent-audio/perfect-reconstruction", test_perfect_reconstruction);
  g_test_add_func ("/wavelet-latent-audio/rate-monotone", test_rate_monotone);
  g_test_add_func ("/wavelet-latent-audio/deterministic", test_deterministic);
  g_test_add_func ("/wavelet-latent-audio/shapes-and-rates", test_shapes_and_rates);
  g_test_add_func ("/wavelet-latent-audio/bad-input", test_bad_input);
  g_test_add_func ("/wavelet-latent-audio/hostile-streams", test_hostile);
  g_test_add_func ("/wavelet-latent-audio/inspect", test_inspect);
  return g_test_run ();
}
