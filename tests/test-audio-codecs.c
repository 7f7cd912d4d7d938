/* test-audio-codecs.c — the opus and flac peer codecs: alignment, quality, rate, exactness,
 * hostile streams
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opus is checked for sample-exact alignment (cross-correlation lag of a tone burst is 0 ± 1
 * at 48 kHz and through the 44.1 kHz resampling path), SNR at 128 kbit/s on a synthetic
 * music-like signal and monotone rate in the bit rate; FLAC for bit-exact round trips of
 * 16- and 24-bit-quantised input. Hostile streams are built from valid ones (truncated,
 * flipped bytes) and with valid CRCs but lying contents, to reach the codecs' own checks.
 */
#define G_LOG_DOMAIN "test-audio-codecs"

#include <glib.h>
#include <math.h>
#include <string.h>

#include "lw-audio-metrics.h"
#include "lw-codec-private.h"
#include "lw-codec.h"
#include "lw-error.h"

/* A few decaying notes with harmonics, a little noise: music-like for a codec */
static LwTensor *
music_like (guint c, gsize t, double rate)
{
  LwTensor *x = lw_tensor_new_2d (c, t);
  x->sample_rate = rate;
  GRand *r = g_rand_new_with_seed (11);
  const double notes[] = { 196.0, 246.9, 293.7, 392.0, 523.3 };
  for (guint ch = 0; ch < c; ch++)
    for (gsize i = 0; i < t; i++)
      {
        double tt = i / rate, v = 0;
        for (guint k = 0; k < G_N_ELEMENTS (notes); k++)
          {
            double onset = fmod (tt + 0.11 * k, 0.6);
            double env = exp (-4.0 * onset) * (1 - exp (-300 * onset));
            for (guint h = 1; h <= 4; h++)
              v += 0.12 / (h * (1 + 0.2 * k)) * env *
                   sin (2 * G_PI * notes[k] * h * (1 + 0.003 * ch) * tt + k + h);
          }
        x->data[ch * t + i] = (float) (v + 0.003 * g_rand_double_range (r, -1, 1));
      }
  g_rand_free (r);
  return x;
}

/* A Gaussian-enveloped 1 kHz burst centred on sample `at` (channel ch shifted by 100·ch) */
static LwTensor *
burst (guint c, gsize t, double rate, gsize at)
{
  LwTensor *x = lw_tensor_new_2d (c, t);
  x->sample_rate = rate;
  for (guint ch = 0; ch < c; ch++)
    for (gsize i = 0; i < t; i++)
      {
        double d = ((double) i - (double) (at + 100 * ch)) / rate;
        x->data[ch * t + i] = (float) (0.7 * exp (-d * d / (2 * 0.004 * 0.004)) *
                                       sin (2 * G_PI * 1000 * d));
      }
  return x;
}

static GBytes *
encode (const char *name, const LwTensor *x, const char *p1, const char *p2, GError **error)
{
  const LwCodec *codec = lw_codec_lookup (name, NULL);
  g_assert_nonnull (codec);
  g_autoptr (LwParams) p = lw_params_new (codec);
  if (p1)
    g_assert_true (lw_params_parse (p, p1, NULL));
  if (p2)
    g_assert_true (lw_params_parse (p, p2, NULL));
  return lw_codec_encode_signal (codec, x, p, NULL, error);
}

static LwTensor *
roundtrip (const char *name, const LwTensor *x, const char *p1, const char *p2, gsize *bytes)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) lwc = encode (name, x, p1, p2, &error);
  g_assert_no_error (error);
  if (bytes)
    *bytes = g_bytes_get_size (lwc);
  const LwCodec *used = NULL;
  LwTensor *y = lw_codec_decode_bytes (g_bytes_get_data (lwc, NULL), g_bytes_get_size (lwc), &used,
                                       &error);
  g_assert_no_error (error);
  g_assert_cmpstr (used->name, ==, name);
  g_assert_cmpuint (y->ndim, ==, 2);
  g_assert_cmpuint (y->shape[0], ==, x->shape[0]);
  g_assert_cmpuint (y->shape[1], ==, x->shape[1]);
  g_assert_cmpfloat (y->sample_rate, ==, x->sample_rate);
  return y;
}

/* The lag in [−max, max] maximising the cross-correlation of channel ch */
static int
best_lag (const LwTensor *x, const LwTensor *y, guint ch, int max)
{
  gsize t = x->shape[1];
  const float *a = x->data + ch * t, *b = y->data + ch * t;
  int best = 0;
  double best_v = -1e300;
  for (int lag = -max; lag <= max; lag++)
    {
      double s = 0;
      for (gsize i = max; i + max < t; i++)
        s += (double) a[i] * b[i + lag];
      if (s > best_v)
        {
          best_v = s;
          best = lag;
        }
    }
  return best;
}

static void
test_registry (void)
{
  const LwCodec *o = lw_codec_lookup ("opus", NULL), *f = lw_codec_lookup ("flac", NULL);
  g_assert_nonnull (o);
  g_assert_nonnull (f);
  g_assert_cmpuint (o->id, ==, 17);
  g_assert_cmpuint (f->id, ==, 18);
  g_assert_true (o->kind == LW_MEDIA_AUDIO && f->kind == LW_MEDIA_AUDIO);
  g_assert_true (lw_codec_lookup_id (17, NULL) == o);
  g_assert_true (lw_codec_lookup_id (18, NULL) == f);
  g_assert_cmpint (lw_params_index (o, o->sweep_param), >=, 0);
  g_assert_cmpint (lw_params_index (f, f->sweep_param), >=, 0);
  g_autoptr (LwParams) p = lw_params_new (f);
  g_assert_true (lw_params_parse (p, "bits=24", NULL));
  g_assert_cmpfloat (lw_params_get (p, "bits"), ==, 1);
}

static void
test_opus_alignment (void)
{
  const double rates[] = { 48000, 44100, 16000 };
  for (guint r = 0; r < G_N_ELEMENTS (rates); r++)
    for (guint c = 1; c <= 2; c++)
      {
        gsize t = (gsize) (0.5 * rates[r]) + 7;
        gsize at = t / 3;
        g_autoptr (LwTensor) x = burst (c, t, rates[r], at);
        g_autoptr (LwTensor) y = roundtrip ("opus", x, "bitrate=128", NULL, NULL);
        for (guint ch = 0; ch < c; ch++)
          {
            int lag = best_lag (x, y, ch, 60);
            g_test_message ("rate %g, %u ch, channel %u: lag %d", rates[r], c, ch, lag);
            g_assert_cmpint (ABS (lag), <=, 1);
          }
        /* delay-compensated and therefore accurate on this simple signal */
        g_assert_cmpfloat (lw_snr (x, y), >, 15);
      }
}

static void
test_opus_quality_rate (void)
{
  g_autoptr (LwTensor) x = music_like (2, 48000 * 3 / 2, 48000);
  const double kbps[] = { 16, 32, 64, 128 };
  gsize prev = 0;
  double snr128 = 0;
  for (guint i = 0; i < G_N_ELEMENTS (kbps); i++)
    {
      g_autofree char *arg = g_strdup_printf ("bitrate=%g", kbps[i]);
      gsize bytes;
      g_autoptr (LwTensor) y = roundtrip ("opus", x, arg, NULL, &bytes);
      double rate = lw_kbps (bytes, x->shape[1], x->sample_rate);
      double snr = lw_snr (x, y);
      g_test_message ("opus %g kbit/s: %.1f kbit/s actual, SNR %.2f dB, SI-SDR %.2f dB, "
                      "PSNR %.2f dB, LSD %.2f dB", kbps[i], rate, snr, lw_si_sdr (x, y),
                      lw_audio_psnr (x, y), lw_lsd (x, y));
      g_assert_cmpuint (bytes, >, prev);
      /* VBR lands near its target; the 0.8 kbit/s of packet lengths and headers on top */
      g_assert_cmpfloat (rate, <, kbps[i] * 1.4 + 2);
      g_assert_cmpfloat (rate, >, kbps[i] * 0.5);
      prev = bytes;
      snr128 = snr;
    }
  g_assert_cmpfloat (snr128, >, 20);

  /* the resampled path: 44.1 kHz mono */
  g_autoptr (LwTensor) x44 = music_like (1, 44100, 44100);
  g_autoptr (LwTensor) y44 = roundtrip ("opus", x44, "bitrate=128", "complexity=5", NULL);
  g_test_message ("opus 44.1 kHz mono 128 kbit/s: SNR %.2f dB", lw_snr (x44, y44));
  g_assert_cmpfloat (lw_snr (x44, y44), >, 20);
  for (gsize i = 0; i < lw_tensor_numel (y44); i++)
    g_assert_true (y44->data[i] >= -1.0f && y44->data[i] <= 1.0f);
}

static void
test_opus_bad_signal (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LwTensor) x = music_like (3, 4800, 48000);
  g_autoptr (GBytes) lwc = encode ("opus", x, NULL, NULL, &error);
  g_assert_null (lwc);
  g_assert_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "3 channels"));
  g_assert_nonnull (strstr (error->message, "1 or 2"));
  g_clear_error (&error);

  /* NaN and out-of-range samples must neither crash nor poison the stream */
  for (guint k = 0; k < 2; k++)
    {
      g_autoptr (LwTensor) nan = music_like (2, 4800, 48000);
      nan->data[100] = NAN;
      nan->data[200] = INFINITY;
      nan->data[300] = -3.0f;
      g_autoptr (LwTensor) y = roundtrip (k ? "flac" : "opus", nan, NULL, NULL, NULL);
      for (gsize i = 0; i < lw_tensor_numel (y); i++)
        g_assert_true (isfinite (y->data[i]) && fabsf (y->data[i]) <= 1.0f);
      if (k)
        g_assert_cmpfloat (y->data[100], ==, 0.0f);
    }

  g_autoptr (LwTensor) odd = music_like (1, 4800, 44100.5);
  g_assert_null (encode ("opus", odd, NULL, NULL, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED);
}

static void
test_flac_exact (void)
{
  GRand *r = g_rand_new_with_seed (3);
  const guint chans[] = { 1, 2, 6 };
  for (guint k = 0; k < G_N_ELEMENTS (chans); k++)
    for (guint b24 = 0; b24 <= 1; b24++)
      {
        guint c = chans[k];
        gsize t = 20000 + k;
        g_autoptr (LwTensor) x = music_like (c, t, k == 1 ? 44100 : 48000);
        double q = b24 ? 8388608.0 : 32768.0;
        for (gsize i = 0; i < lw_tensor_numel (x); i++)
          x->data[i] = (float) (nearbyint ((x->data[i] + g_rand_double_range (r, -0.01, 0.01)) * q) / q);
        x->data[0] = -1.0f;              /* the most negative code */
        x->data[1] = (float) ((q - 1) / q); /* the most positive */
        gsize prev = G_MAXSIZE / 2;
        for (guint level = 0; level <= 8; level += 4)
          {
            g_autofree char *lv = g_strdup_printf ("level=%u", level);
            gsize bytes;
            g_autoptr (LwTensor) y = roundtrip ("flac", x, lv, b24 ? "bits=24" : "bits=16", &bytes);
            for (gsize i = 0; i < lw_tensor_numel (x); i++)
              if (x->data[i] != y->data[i])
                g_error ("flac %u ch %s level %u: sample %" G_GSIZE_FORMAT " is %.9g, decoded %.9g",
                         c, b24 ? "24-bit" : "16-bit", level, i, x->data[i], y->data[i]);
            g_test_message ("flac %u ch %s level %u: %" G_GSIZE_FORMAT " bytes (%.2f bits/sample)",
                            c, b24 ? "24-bit" : "16-bit", level, bytes,
                            lw_bits_per_sample (bytes, t, c));
            g_assert_cmpuint (bytes, <=, prev + 64);
            prev = bytes;
          }
      }
  g_rand_free (r);

  /* off-grid input: within half a 16-bit step, clipped at full scale */
  g_autoptr (LwTensor) x = music_like (1, 5000, 22050);
  x->data[10] = 1.5f;
  x->data[11] = -2.0f;
  g_autoptr (LwTensor) y = roundtrip ("flac", x, NULL, NULL, NULL);
  for (gsize i = 12; i < 5000; i++)
    g_assert_cmpfloat (fabs (x->data[i] - y->data[i]), <=, 0.5 / 32768 + 1e-9);
  g_assert_cmpfloat (y->data[10], ==, 32767.0f / 32768);
  g_assert_cmpfloat (y->data[11], ==, -1.0f);
}

/* A copy of a valid container with its NATV chunk replaced and a parameter changed */
static GBytes *
rebuild (GBytes *lwc, GBytes *native, const char *param, double value, gint64 t)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LwBitstream) in = lw_bitstream_parse (g_bytes_get_data (lwc, NULL),
                                                   g_bytes_get_size (lwc), &error);
  g_assert_no_error (error);
  g_autoptr (LwBitstream) out = lw_bitstream_new (lw_bitstream_get_codec_id (in),
                                                  lw_bitstream_get_media_kind (in));
  guint32 shape[2] = { lw_bitstream_get_dim (in, 0),
                       t >= 0 ? (guint32) t : lw_bitstream_get_dim (in, 1) };
  lw_bitstream_set_shape (out, 2, shape);
  for (guint i = 0; i < lw_bitstream_get_n_params (in); i++)
    {
      const char *name = lw_bitstream_get_param_name (in, i);
      if (param && g_str_equal (name, param))
        {
          if (!isnan (value))
            lw_bitstream_set_param (out, name, value);
        }
      else
        lw_bitstream_set_param (out, name, lw_bitstream_get_param_value (in, i));
    }
  lw_bitstream_add_chunk (out, LW_CHUNK_NATIVE,
                          native ? native : lw_bitstream_get_chunk (in, LW_CHUNK_NATIVE));
  return lw_bitstream_serialize (out);
}

static void
expect_failure (GBytes *lwc, const char *what)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LwTensor) y = lw_codec_decode_bytes (g_bytes_get_data (lwc, NULL),
                                                  g_bytes_get_size (lwc), NULL, &error);
  g_test_message ("%s: %s", what, error ? error->message : "(decoded)");
  g_assert_null (y);
  g_assert_nonnull (error);
  g_assert_true (error->domain == LW_ERROR);
}

static GBytes *
mutate (GBytes *b, gsize cut, gsize flip_at, guint8 flip)
{
  gsize len;
  const guint8 *d = g_bytes_get_data (b, &len);
  guint8 *copy = g_memdup2 (d, len);
  if (flip_at < len)
    copy[flip_at] ^= flip;
  return g_bytes_new_take (copy, MIN (cut, len));
}

static void
test_hostile (void)
{
  g_autoptr (LwTensor) x = music_like (2, 9600, 44100);
  for (guint k = 0; k < 2; k++)
    {
      const char *name = k ? "flac" : "opus";
      g_autoptr (GBytes) lwc = encode (name, x, NULL, NULL, NULL);
      g_assert_nonnull (lwc);
      gsize len = g_bytes_get_size (lwc);
      /* truncations and flipped bytes anywhere: the container's checks or the codec's */
      for (gsize cut = 0; cut < len; cut += 1 + len / 37)
        {
          g_autoptr (GBytes) m = mutate (lwc, cut, G_MAXSIZE, 0);
          expect_failure (m, "truncated");
        }
      for (gsize at = 0; at < len; at += 1 + len / 53)
        {
          g_autoptr (GBytes) m = mutate (lwc, G_MAXSIZE, at, 0x5a);
          g_autoptr (GError) error = NULL;
          g_autoptr (LwTensor) y = lw_codec_decode_bytes (g_bytes_get_data (m, NULL),
                                                          g_bytes_get_size (m), NULL, &error);
          g_assert_true (y == NULL || error == NULL);
        }

      g_autoptr (GBytes) no_rate = rebuild (lwc, NULL, "sample_rate", NAN, -1);
      expect_failure (no_rate, "no sample_rate");
      g_autoptr (GBytes) bad_rate = rebuild (lwc, NULL, "sample_rate", 1e9, -1);
      expect_failure (bad_rate, "absurd sample_rate");
      g_autoptr (GBytes) long_t = rebuild (lwc, NULL, NULL, 0, 2000000000);
      expect_failure (long_t, "2e9 frames");
      g_autoptr (GBytes) other_t = rebuild (lwc, NULL, NULL, 0, 12000);
      expect_failure (other_t, "more frames than coded");
      g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
      g_autoptr (GBytes) no_data = rebuild (lwc, empty, NULL, 0, -1);
      expect_failure (no_data, "empty NATV");

      /* a valid NATV whose bytes are damaged, behind a valid CRC */
      GBytes *native = NULL;
      {
        g_autoptr (LwBitstream) bs = lw_bitstream_parse (g_bytes_get_data (lwc, NULL), len, NULL);
        native = g_bytes_ref (lw_bitstream_get_chunk (bs, LW_CHUNK_NATIVE));
      }
      gsize nlen = g_bytes_get_size (native);
      for (gsize cut = 0; cut < nlen; cut += 1 + nlen / 17)
        {
          g_autoptr (GBytes) m = mutate (native, cut, G_MAXSIZE, 0);
          g_autoptr (GBytes) f = rebuild (lwc, m, NULL, 0, -1);
          expect_failure (f, "NATV truncated");
        }
      for (gsize at = 0; at < nlen; at += 1 + nlen / 61)
        {
          g_autoptr (GBytes) m = mutate (native, G_MAXSIZE, at, 0xff);
          g_autoptr (GBytes) f = rebuild (lwc, m, NULL, 0, -1);
          g_autoptr (GError) error = NULL;
          g_autoptr (LwTensor) y = lw_codec_decode_bytes (g_bytes_get_data (f, NULL),
                                                          g_bytes_get_size (f), NULL, &error);
          g_assert_true (y == NULL || error == NULL);
          if (y)
            for (gsize i = 0; i < lw_tensor_numel (y); i++)
              g_assert_true (isfinite (y->data[i]));
        }
      if (k == 0)
        {
          g_autoptr (GBytes) skip = rebuild (lwc, NULL, "pre_skip", 1e6, -1);
          expect_failure (skip, "absurd pre_skip");
          g_autoptr (GBytes) noskip = rebuild (lwc, NULL, "pre_skip", NAN, -1);
          expect_failure (noskip, "no pre_skip");
          /* the right packet count with garbage packets */
          gsize n = ((gsize) (9600.0 * 48000 / 44100) + 312 + 959) / 960 + 1;
          GByteArray *g = g_byte_array_new ();
          guint8 hdr[4] = { n & 0xff, n >> 8, 0, 0 };
          g_byte_array_append (g, hdr, 4);
          for (gsize i = 0; i < n; i++)
            {
              guint8 p[5] = { 3, 0, (guint8) (0xfc + i), 0xff, 0x13 };
              g_byte_array_append (g, p, 5);
            }
          g_autoptr (GBytes) gb = g_byte_array_free_to_bytes (g);
          g_autoptr (GBytes) f = rebuild (lwc, gb, NULL, 0, -1);
          g_autoptr (GError) error = NULL;
          g_autoptr (LwTensor) y = lw_codec_decode_bytes (g_bytes_get_data (f, NULL),
                                                          g_bytes_get_size (f), NULL, &error);
          g_assert_true (y == NULL || error == NULL);
        }
      else
        {
          g_autoptr (GBytes) b24 = rebuild (lwc, NULL, "bits", 1, -1);
          expect_failure (b24, "bits differ from the stream's");
          g_autoptr (GBytes) mono = NULL;
          {
            g_autoptr (LwBitstream) in = lw_bitstream_parse (g_bytes_get_data (lwc, NULL), len, NULL);
            g_autoptr (LwBitstream) out = lw_bitstream_new (18, LW_MEDIA_AUDIO);
            guint32 shape[2] = { 1, 9600 };
            lw_bitstream_set_shape (out, 2, shape);
            for (guint i = 0; i < lw_bitstream_get_n_params (in); i++)
              lw_bitstream_set_param (out, lw_bitstream_get_param_name (in, i),
                                      lw_bitstream_get_param_value (in, i));
            lw_bitstream_add_chunk (out, LW_CHUNK_NATIVE, native);
            mono = lw_bitstream_serialize (out);
          }
          expect_failure (mono, "channel count differs from the stream's");
        }
      g_bytes_unref (native);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/audio-codecs/registry", test_registry);
  g_test_add_func ("/audio-codecs/opus/alignment", test_opus_alignment);
  g_test_add_func ("/audio-codecs/opus/quality-and-rate", test_opus_quality_rate);
  g_test_add_func ("/audio-codecs/opus/bad-signal", test_opus_bad_signal);
  g_test_add_func ("/audio-codecs/flac/bit-exact", test_flac_exact);
  g_test_add_func ("/audio-codecs/hostile-streams", test_hostile);
  return g_test_run ();
}
