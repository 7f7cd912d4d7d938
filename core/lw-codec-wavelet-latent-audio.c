/* lw-codec-wavelet-latent-audio.c — WaLLoC's stereo design with a linear encoder: wavelet
 * packets → PCA latent → compander + quantiser → rANS
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pipeline (research/codecs.md §1.1, audio), for a C×T signal in [−1, 1] at rate fs:
 *   x_c ← (x_c − mean_c)·g_c with g_c = 0.5 / max|x_c − mean_c| (WaLLoC scales every clip to a
 *        peak of 0.5); zero padding to T' = a multiple of 2^J
 *   → J-level full 1-D packet transform per channel (lw_wpt1d_forward, CDF 9/7 by default):
 *     D = C·2^J packet channels of P = T'/2^J time steps, bands of fs/2^(J+1) Hz
 *   → linear encoder y = W (x − μ): the first N rows of a PCA basis over the D channels, each
 *     time step one observation (the stereo bands are coded jointly, so W finds mid/side and
 *     the inter-band structure itself)
 *   → q = round (compander_b (y / Δ))   (lw-compander.h; Δ in units of the 0.5-peak signal)
 *   → the N integer planes (1 × P each) coded by lw_latent_code_planes.
 * The decoder dequantises, applies the pseudo-inverse of W, the inverse packet transform,
 * drops the padding, undoes the scaling and the mean and clamps to [−1, 1].
 *
 * J (levels=0, auto) is the largest J ≤ 8 whose bands are at least 344 Hz wide, i.e.
 * J = ⌊log2 (fs / 688)⌋: 6 at 44.1 and 48 kHz (344 and 375 Hz bands), 5 at 22.05–32 kHz, 4 at
 * 11.025–16 kHz, 3 at 8 kHz. WaLLoC uses J = 8 (86 Hz bands) with a learned decoder; with this
 * linear pipeline coarser bands code better: on piano-band.flac at 64 kbit/s J = 6 gives
 * 22.0 dB SNR where J = 8 gives 18.7 dB (bench/audio-codecs), and the transform and the
 * D×D projection cost a quarter as much. levels=8 remains one click away.
 * latents=0 (auto) keeps all D latents: with a linear encoder and a basis fitted on other
 * audio, a coarser step costs less SNR per bit than dropping directions (piano-band.flac at
 * about 93 kbit/s at J = 8: 22.5 dB with all 512, 20.4 dB with 256), and latents whose variance is
 * below the step quantise to zero and cost little. Smaller N gives WaLLoC-style dimensionality
 * reduction (its "5×" stereo model keeps 108 of 512).
 *
 * The analysis (normalisation + packet transform) depends only on levels, wavelet and basis;
 * the rate parameters (step, latents, bits, rounding, bias) re-run projection, quantisation and
 * coding only.
 *
 * Stream: shape {C, T}; parameters as coded, with levels and latents resolved (never 0), plus
 * sample_rate and dim_reduction; chunks 'NORM' (C × {float32 mean, float32 gain}), 'BASE' for
 * basis=fit (lw-wavelet-latent-private.h; counted in the rate), 'LATR' the latent planes.
 * Shipped bases (data/models/wavelet-latent-audio-pca.lwm, fitted by tools/fit-audio-basis.sh)
 * exist for CDF 9/7, 1 and 2 channels and J = 3…8 (each J fitted at the rate auto picks it
 * for; 6, 7 and 8 at 44.1 kHz): all D directions, stored as float16 rows
 * and re-orthonormalised in double precision when first used.
 */
#define G_LOG_DOMAIN "lw-wavelet-latent-audio"

#include "lw-codec-private.h"
#include "lw-compander.h"
#include "lw-core-resources.h"
#include "lw-error.h"
#include "lw-half.h"
#include "lw-latent-inspect-private.h"
#include "lw-pca.h"
#include "lw-rans.h"
#include "lw-wavelet.h"
#include "lw-wavelet-latent-private.h"

#include <math.h>
#include <string.h>

#define CHUNK_RANS LW_FOURCC ('L', 'A', 'T', 'R')
#define CHUNK_BASIS LW_FOURCC ('B', 'A', 'S', 'E')
#define CHUNK_NORM LW_FOURCC ('N', 'O', 'R', 'M')

/* stable id in the .lwc header (audio codecs: 16–18) */
#define CODEC_ID 16

#define MODEL_RESOURCE "/org/latentworkbench/core/models/wavelet-latent-audio-pca.lwm"

#define MIN_RATE 8000
#define MAX_RATE 192000
#define MAX_CHANNELS 8
#define MAX_SECONDS (30 * 60)
#define MAX_LEVELS 8
/* A gain above this would mean a channel whose peak is below 5e−10 after the mean: silence */
#define MAX_GAIN 1e9f

enum { BASIS_SHIPPED, BASIS_FIT };

static const char *const wavelet_choices[] = { "haar", "cdf53", "cdf97", NULL };
static const char *const basis_choices[] = { "shipped", "fit", NULL };

static const LwParamSpec params[] = {
  { "step", LW_PARAM_DOUBLE, 1e-4, 0.5, 0.03, TRUE, TRUE,
    "quantiser step near zero, relative to the signal scaled to a peak of 0.5; larger steps "
    "give lower rates", NULL },
  { "latents", LW_PARAM_INT, 0, 4096, 0, TRUE, FALSE,
    "latent channels N kept out of C·2^J (128 for stereo at J=6, 512 at J=8); 0 = auto (all of them)", NULL },
  { "bits", LW_PARAM_INT, 2, 16, 12, TRUE, FALSE,
    "compander bits b: integer latents lie in ±(2^(b−1)−1); fewer bits clip the tails", NULL },
  { "rounding", LW_PARAM_DOUBLE, 0.05, 0.5, 0.35, TRUE, FALSE,
    "quantiser rounding offset: 0.5 rounds to nearest (WaLLoC); less widens the zero bin", NULL },
  { "bias", LW_PARAM_DOUBLE, -0.45, 0.45, -0.08, TRUE, FALSE,
    "reconstruction offset in steps: > 0 toward zero, < 0 away (0 = WaLLoC, the level itself)",
    NULL },
  { "levels", LW_PARAM_INT, 0, MAX_LEVELS, 0, FALSE, FALSE,
    "wavelet packet levels J (bands of rate/2^(J+1) Hz); 0 = auto, bands of at least 344 Hz",
    NULL },
  { "wavelet", LW_PARAM_ENUM, 0, 2, LW_WAVELET_CDF97, FALSE, FALSE,
    "wavelet: haar, cdf53 (bior2.2) or cdf97 (bior4.4, WaLLoC's)", wavelet_choices },
  { "basis", LW_PARAM_ENUM, 0, 1, BASIS_SHIPPED, FALSE, FALSE,
    "shipped: PCA basis fitted on training audio (1 or 2 channels, cdf97); fit: fitted to this "
    "signal, sent in the stream as float16", basis_choices },
};

/* See the top of the file: J = 6 at 44.1/48 kHz. */
#define AUTO_MIN_BAND_HZ 344.0

static guint
auto_levels (double rate)
{
  guint j = 1;
  while (j < MAX_LEVELS && rate / (double) (1u << (j + 2)) >= AUTO_MIN_BAND_HZ)
    j++;
  return j;
}

static guint
auto_latents (guint dim)
{
  return dim;
}

/* ---- shipped bases ------------------------------------------------------------------------ */

/* Rows rounded to float16 are orthonormal only to about 1e−3; modified Gram–Schmidt in double
 * (plain loops, so every machine gets the same bits) restores it, and the decoder can use Wᵀ. */
static void
orthonormalise (LwPca *pca)
{
  guint n = pca->n, d = pca->dim;
  g_autofree double *w = g_new (double, (gsize) n * d);
  for (gsize i = 0; i < (gsize) n * d; i++)
    w[i] = pca->basis[i];
  for (guint r = 0; r < n; r++)
    {
      double *row = w + (gsize) r * d;
      for (guint q = 0; q < r; q++)
        {
          const double *prev = w + (gsize) q * d;
          double dot = 0;
          for (guint i = 0; i < d; i++)
            dot += row[i] * prev[i];
          for (guint i = 0; i < d; i++)
            row[i] -= dot * prev[i];
        }
      double norm = 0;
      for (guint i = 0; i < d; i++)
        norm += row[i] * row[i];
      norm = norm > 0 ? 1.0 / sqrt (norm) : 0.0;
      for (guint i = 0; i < d; i++)
        row[i] *= norm;
    }
  for (gsize i = 0; i < (gsize) n * d; i++)
    pca->basis[i] = (float) w[i];
}

/* The model file (tools/fit-audio-basis.c): a container with one chunk per basis, four
 * little-endian u32 (channels, levels, wavelet, dim), then a 'BASE' payload of dim rows. */
static GPtrArray *
parse_models (GBytes *bytes, GError **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  g_autoptr (LwBitstream) bs = lw_bitstream_parse (data, len, error);
  if (bs == NULL)
    return NULL;
  g_autoptr (GPtrArray) set = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_pca_free);
  for (guint k = 0; k < lw_bitstream_get_n_chunks (bs); k++)
    {
      gsize n_bytes;
      const guint8 *p = g_bytes_get_data (lw_bitstream_get_chunk_at (bs, k), &n_bytes);
      guint32 head[4] = { 0 };
      for (guint i = 0; i < 4 && n_bytes >= 16; i++)
        head[i] = (guint32) p[4 * i] | ((guint32) p[4 * i + 1] << 8) |
                  ((guint32) p[4 * i + 2] << 16) | ((guint32) p[4 * i + 3] << 24);
      if (n_bytes < 16 || head[0] < 1 || head[0] > MAX_CHANNELS || head[1] < 1 ||
          head[1] > MAX_LEVELS || head[3] != head[0] << head[1])
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "wavelet-latent-audio: shipped model chunk %u is malformed", k);
          return NULL;
        }
      g_autoptr (GBytes) base = g_bytes_new_static (p + 16, n_bytes - 16);
      LwPca *pca = _lw_wavelet_latent_read_basis (base, head[3], head[3],
                                                  "wavelet-latent-audio (shipped model)", error);
      if (pca == NULL)
        return NULL;
      pca->channels = head[0];
      pca->levels = head[1];
      pca->wavelet = head[2];
      orthonormalise (pca);
      g_ptr_array_add (set, pca);
    }
  return g_steal_pointer (&set);
}

static GPtrArray *
shipped_set (GError **error)
{
  static GPtrArray *set;
  static GMutex lock;
  GPtrArray *result;

  g_mutex_lock (&lock);
  if (set == NULL)
    {
      g_autoptr (GBytes) bytes = g_resource_lookup_data (lw_core_get_resource (), MODEL_RESOURCE,
                                                         G_RESOURCE_LOOKUP_FLAGS_NONE, error);
      if (bytes != NULL)
        set = parse_models (bytes, error);
    }
  result = set;
  g_mutex_unlock (&lock);
  return result;
}

static const LwPca *
shipped_basis (guint channels, guint levels, guint wavelet, GError **error)
{
  GPtrArray *set = shipped_set (error);
  if (set == NULL)
    return NULL;
  for (guint i = 0; i < set->len; i++)
    {
      const LwPca *p = g_ptr_array_index (set, i);
      if (p->channels == channels && p->levels == levels && p->wavelet == wavelet &&
          p->dim == channels << levels)
        return p;
    }
  g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
               "wavelet-latent-audio: no shipped basis for %u channel%s at J=%u with the %s "
               "wavelet (shipped: 1 or 2 channels, J 5 to 8, cdf97); use basis=fit",
               channels, channels == 1 ? "" : "s", levels, lw_wavelet_name (wavelet));
  return NULL;
}

/* ---- analysis ----------------------------------------------------------------------------- */

typedef struct
{
  guint      c;
  gsize      t, tp;       /* length, padded */
  double     rate;
  guint      levels;
  LwWavelet  wavelet;
  guint      dim;         /* D = C·2^J */
  gsize      positions;   /* P = T'/2^J */
  float     *mean, *gain; /* per channel */
  LwPca     *pca;         /* owned: shipped copy or fitted (rows rounded to float16) */
  gboolean   fitted;
  LwTensor  *packets;     /* D × P */
} Analysis;

static void
analysis_free (gpointer data)
{
  Analysis *a = data;
  if (a == NULL)
    return;
  g_free (a->mean);
  g_free (a->gain);
  lw_pca_free (a->pca);
  lw_tensor_free (a->packets);
  g_free (a);
}

static gboolean
check_audio (const LwTensor *s, GError **error)
{
  if (s->ndim != 2 || s->shape[0] < 1 || s->shape[0] > MAX_CHANNELS || s->shape[1] < 1)
    {
      g_autofree char *str = lw_tensor_shape_string (s);
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE,
                   "wavelet-latent-audio: expected C×T audio with 1 to %d channels, got %s",
                   MAX_CHANNELS, str);
      return FALSE;
    }
  if (!(s->sample_rate >= MIN_RATE && s->sample_rate <= MAX_RATE))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                   "wavelet-latent-audio: sample rate %g Hz is outside %d…%d Hz",
                   s->sample_rate, MIN_RATE, MAX_RATE);
      return FALSE;
    }
  if ((double) s->shape[1] > MAX_SECONDS * s->sample_rate)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "wavelet-latent-audio: %" G_GSIZE_FORMAT " frames are more than %d minutes",
                   s->shape[1], MAX_SECONDS / 60);
      return FALSE;
    }
  return TRUE;
}

static gpointer
wla_analyse (const LwCodec *codec, const LwTensor *signal, const LwParams *p,
             GCancellable *cancellable, GError **error)
{
  if (!check_audio (signal, error))
    return NULL;
  guint c = signal->shape[0];
  gsize t = signal->shape[1];
  guint levels = lw_params_get (p, "levels");
  if (levels == 0)
    levels = auto_levels (signal->sample_rate);
  guint wavelet = lw_params_get (p, "wavelet");
  gboolean fit = lw_params_get (p, "basis") == BASIS_FIT;

  const LwPca *shipped = NULL;
  if (!fit && (shipped = shipped_basis (c, levels, wavelet, error)) == NULL)
    return NULL;

  Analysis *a = g_new0 (Analysis, 1);
  a->c = c;
  a->t = t;
  a->rate = signal->sample_rate;
  a->levels = levels;
  a->wavelet = wavelet;
  a->tp = (t + (1u << levels) - 1) >> levels << levels;
  a->dim = c << levels;
  a->positions = a->tp >> levels;
  a->mean = g_new (float, c);
  a->gain = g_new (float, c);

  gsize dims[2] = { c, a->tp };
  g_autoptr (LwTensor) x = lw_tensor_new_uninit (2, dims, error);
  if (x == NULL)
    goto fail;
  for (guint ch = 0; ch < c; ch++)
    {
      const float *src = signal->data + ch * t;
      double sum = 0;
      for (gsize i = 0; i < t; i++)
        sum += src[i];
      float mean = (float) (sum / t), peak = 0;
      for (gsize i = 0; i < t; i++)
        peak = fmaxf (peak, fabsf (src[i] - mean));
      if (!isfinite (mean) || !isfinite (peak))
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "wavelet-latent-audio: channel %u holds non-finite samples", ch);
          goto fail;
        }
      float gain = peak > 0.5f / MAX_GAIN ? 0.5f / peak : 1.0f;
      a->mean[ch] = mean;
      a->gain[ch] = gain;
      float *dst = x->data + ch * a->tp;
      for (gsize i = 0; i < t; i++)
        dst[i] = (src[i] - mean) * gain;
      memset (dst + t, 0, (a->tp - t) * sizeof (float));
    }
  a->packets = lw_wpt1d_forward (wavelet, x, levels, error);
  if (a->packets == NULL || g_cancellable_set_error_if_cancelled (cancellable, error))
    goto fail;

  if (shipped != NULL)
    a->pca = lw_pca_copy (shipped);
  else
    {
      LwPcaAccumulator *acc = lw_pca_accumulator_new (a->dim);
      lw_pca_accumulator_add (acc, a->packets->data, a->positions);
      a->pca = lw_pca_accumulator_finish (acc, error);
      lw_pca_accumulator_free (acc);
      if (a->pca == NULL)
        goto fail;
      /* the stream carries the rows as float16: project with what the decoder will see */
      for (gsize i = 0; i < (gsize) a->pca->n * a->dim; i++)
        a->pca->basis[i] = lw_half_to_float (lw_float_to_half (a->pca->basis[i]));
      a->fitted = TRUE;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto fail;
  return a;

fail:
  analysis_free (a);
  return NULL;
}

/* ---- encoding ----------------------------------------------------------------------------- */

static GBytes *
norm_chunk (const Analysis *a)
{
  GByteArray *b = g_byte_array_sized_new (8 * a->c);
  for (guint ch = 0; ch < a->c; ch++)
    {
      const float v[2] = { a->mean[ch], a->gain[ch] };
      for (guint k = 0; k < 2; k++)
        {
          guint32 u;
          memcpy (&u, &v[k], 4);
          guint8 le[4] = { u, u >> 8, u >> 16, u >> 24 };
          g_byte_array_append (b, le, 4);
        }
    }
  return g_byte_array_free_to_bytes (b);
}

static GBytes *
wla_encode (const LwCodec *codec, gpointer data, const LwParams *p, GCancellable *cancellable,
            GError **error)
{
  Analysis *a = data;
  guint n = lw_params_get (p, "latents");
  guint bits = lw_params_get (p, "bits");
  double step = lw_params_get (p, "step");
  double rounding = lw_params_get (p, "rounding");

  if (n == 0)
    n = MIN (auto_latents (a->dim), a->pca->n);
  if (n > a->pca->n)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "wavelet-latent-audio: latents=%u exceeds the %u %s (C·2^J = %u·2^%u = %u)",
                   n, a->pca->n, a->fitted ? "packet channels" : "directions of the shipped basis",
                   a->c, a->levels, a->dim);
      return NULL;
    }
  gsize total = (gsize) n * a->positions;
  if (total > LW_LATENT_MAX_SYMBOLS)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "wavelet-latent-audio: %u latents × %" G_GSIZE_FORMAT " steps exceed the %u "
                   "symbols a file may hold; use fewer latents", n, a->positions,
                   LW_LATENT_MAX_SYMBOLS);
      return NULL;
    }

  g_autoptr (LwCompander) comp = lw_compander_new_full (bits, step, rounding, 0.0);
  g_autofree float *latent = g_new (float, total);
  lw_pca_project (a->pca, n, a->packets->data, a->positions, latent);
  g_autofree guint16 *sym = g_new (guint16, total);
  lw_compander_quantise_block (comp, latent, total, sym, 1 << (bits - 1));
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  g_autoptr (GBytes) coded =
      lw_latent_code_planes (sym, n, 1, a->positions, 1u << bits, error);
  if (coded == NULL)
    return NULL;

  /* the container records the resolved J and N, so a decoder never guesses */
  g_autoptr (LwParams) resolved = lw_params_copy (p);
  lw_params_set (resolved, "levels", a->levels, NULL);
  lw_params_set (resolved, "latents", n, NULL);
  LwTensor shape = { .ndim = 2, .shape = { a->c, a->t, 1, 1 } };
  g_autoptr (LwBitstream) bs = _lw_codec_container_new (codec, &shape, resolved);
  lw_bitstream_set_param (bs, "sample_rate", a->rate);
  lw_bitstream_set_param (bs, "dim_reduction", (double) a->c * a->t / total);
  g_autoptr (GBytes) norm = norm_chunk (a);
  lw_bitstream_add_chunk (bs, CHUNK_NORM, norm);
  if (a->fitted)
    {
      g_autoptr (GBytes) bb = _lw_wavelet_latent_basis_chunk (a->pca, n);
      lw_bitstream_add_chunk (bs, CHUNK_BASIS, bb);
    }
  lw_bitstream_add_chunk (bs, CHUNK_RANS, coded);
  return lw_bitstream_serialize (bs);
}

/* ---- decoding ----------------------------------------------------------------------------- */

typedef struct
{
  guint      c, n, bits, levels, wavelet, basis, dim;
  gsize      t, tp, positions;
  double     rate;
  float     *mean, *gain;
  LwPca     *fitted;       /* owned, basis=fit */
  const LwPca *pca;        /* fitted or shipped */
  guint16   *sym;          /* n × P */
  gsize      latent_bytes;
  double    *plane_bits;   /* inspect only */
  LwTensor  *values;       /* n × 1 × P dequantised latents */
} Latent;

static void
latent_clear (Latent *l)
{
  g_free (l->mean);
  g_free (l->gain);
  lw_pca_free (l->fitted);
  g_free (l->sym);
  g_free (l->plane_bits);
  lw_tensor_free (l->values);
  memset (l, 0, sizeof *l);
}

static float
get_f32 (const guint8 *d)
{
  guint32 u = (guint32) d[0] | ((guint32) d[1] << 8) | ((guint32) d[2] << 16) |
              ((guint32) d[3] << 24);
  float f;
  memcpy (&f, &u, 4);
  return f;
}

static gboolean
bad (GError **error, const char *message)
{
  g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA, "wavelet-latent-audio: %s", message);
  return FALSE;
}

static gboolean
decode_latent (const LwCodec *codec, LwBitstream *file, gboolean inspect, Latent *l,
               GError **error)
{
  double v[G_N_ELEMENTS (params)];

  memset (l, 0, sizeof *l);
  if (lw_bitstream_get_media_kind (file) != LW_MEDIA_AUDIO || lw_bitstream_get_ndim (file) != 2)
    return bad (error, "the container does not describe C×T audio");
  guint32 c = lw_bitstream_get_dim (file, 0), t = lw_bitstream_get_dim (file, 1);
  if (c < 1 || c > MAX_CHANNELS || t < 1)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "wavelet-latent-audio: %u channels of %u frames (1 to %d channels allowed)",
                   c, t, MAX_CHANNELS);
      return FALSE;
    }
  if (!lw_bitstream_get_param (file, "sample_rate", &l->rate) ||
      !(l->rate >= MIN_RATE && l->rate <= MAX_RATE))
    return bad (error, "the sample_rate parameter is missing or outside 8000…192000 Hz");
  if ((double) t > MAX_SECONDS * l->rate)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "wavelet-latent-audio: %u frames at %g Hz are more than %d minutes", t,
                   l->rate, MAX_SECONDS / 60);
      return FALSE;
    }
  /* decompression bombs, as for images (lw-codec-private.h) */
  guint64 samples = (guint64) c * t, payload = 0;
  for (guint i = 0; i < lw_bitstream_get_n_chunks (file); i++)
    payload += g_bytes_get_size (lw_bitstream_get_chunk_at (file, i));
  if (samples > LW_DECODE_FREE_SAMPLES && samples > payload * LW_DECODE_SAMPLES_PER_BYTE)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "wavelet-latent-audio: %" G_GUINT64_FORMAT " samples from %" G_GUINT64_FORMAT
                   " bytes of data is more than %u samples per byte; refusing a likely "
                   "decompression bomb", samples, payload, LW_DECODE_SAMPLES_PER_BYTE);
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (params); i++)
    if (!_lw_codec_container_param (codec, file, params[i].name, &v[i], error))
      return FALSE;
#define P(name) v[lw_params_index (codec, name)]
  double step = P ("step"), bias = P ("bias");
  l->n = P ("latents");
  l->bits = P ("bits");
  l->levels = P ("levels");
  l->wavelet = P ("wavelet");
  l->basis = P ("basis");
#undef P
  if (l->levels == 0 || l->n == 0)
    return bad (error, "levels and latents must be resolved (not 0) in a file");
  l->c = c;
  l->t = t;
  l->dim = c << l->levels;
  l->tp = ((gsize) t + (1u << l->levels) - 1) >> l->levels << l->levels;
  l->positions = l->tp >> l->levels;
  if (l->n > l->dim)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "wavelet-latent-audio: %u latents declared for only %u packet channels",
                   l->n, l->dim);
      return FALSE;
    }
  gsize total = (gsize) l->n * l->positions;
  if (total > LW_LATENT_MAX_SYMBOLS)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "wavelet-latent-audio: %u latents of %" G_GSIZE_FORMAT " steps are more than "
                   "the %u symbols a file may hold", l->n, l->positions, LW_LATENT_MAX_SYMBOLS);
      return FALSE;
    }

  GBytes *norm = lw_bitstream_get_chunk (file, CHUNK_NORM);
  if (norm == NULL || g_bytes_get_size (norm) != 8 * (gsize) c)
    return bad (error, "the NORM chunk is missing or does not hold 8 bytes per channel");
  const guint8 *nd = g_bytes_get_data (norm, NULL);
  l->mean = g_new (float, c);
  l->gain = g_new (float, c);
  for (guint ch = 0; ch < c; ch++)
    {
      l->mean[ch] = get_f32 (nd + 8 * ch);
      l->gain[ch] = get_f32 (nd + 8 * ch + 4);
      if (!(fabsf (l->mean[ch]) <= 2.0f) || !(l->gain[ch] > 0 && l->gain[ch] <= MAX_GAIN))
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "wavelet-latent-audio: channel %u has mean %g and gain %g (expected "
                       "|mean| ≤ 2, 0 < gain ≤ 1e9)", ch, l->mean[ch], l->gain[ch]);
          return FALSE;
        }
    }

  if (l->basis == BASIS_FIT)
    {
      GBytes *chunk = lw_bitstream_get_chunk (file, CHUNK_BASIS);
      if (chunk == NULL)
        return bad (error, "basis=fit but the BASE chunk is missing");
      l->pca = l->fitted =
          _lw_wavelet_latent_read_basis (chunk, l->dim, l->n, "wavelet-latent-audio", error);
    }
  else
    {
      l->pca = shipped_basis (c, l->levels, l->wavelet, error);
      if (l->pca != NULL && l->n > l->pca->n)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "wavelet-latent-audio: %u latents declared, the shipped basis has %u",
                       l->n, l->pca->n);
          return FALSE;
        }
    }
  if (l->pca == NULL)
    return FALSE;

  GBytes *lat = lw_bitstream_get_chunk (file, CHUNK_RANS);
  if (lat == NULL)
    return bad (error, "the latent chunk (LATR) is missing");
  gsize lat_len;
  const guint8 *lat_data = g_bytes_get_data (lat, &lat_len);
  l->latent_bytes = lat_len;
  l->sym = g_new (guint16, total);
  gboolean ok;
  if (inspect)
    {
      l->plane_bits = g_new0 (double, l->n);
      ok = lw_latent_decode_planes_bits (lat_data, lat_len, l->sym, l->n, 1, l->positions,
                                         1u << l->bits, l->plane_bits, error);
    }
  else
    ok = lw_latent_decode_planes (lat_data, lat_len, l->sym, l->n, 1, l->positions,
                                  1u << l->bits, error);
  if (!ok)
    return FALSE;

  g_autoptr (LwCompander) comp = lw_compander_new_full (l->bits, step, 0.5, bias);
  int zero = 1 << (l->bits - 1);
  g_autofree float *value = g_new (float, 1u << l->bits);
  for (guint s = 0; s < 1u << l->bits; s++)
    value[s] = lw_compander_dequantise (comp, (int) s - zero);
  gsize vdims[3] = { l->n, 1, l->positions };
  l->values = lw_tensor_new_uninit (3, vdims, error);
  if (l->values == NULL)
    return FALSE;
  for (gsize i = 0; i < total; i++)
    l->values->data[i] = value[l->sym[i]];
  return TRUE;
}

static LwTensor *
wla_decode (const LwCodec *codec, LwBitstream *file, GError **error)
{
  Latent l;
  if (!decode_latent (codec, file, FALSE, &l, error))
    {
      latent_clear (&l);
      return NULL;
    }
  /* shipped rows are orthonormal (pseudo-inverse = transpose); float16 rows need the real one */
  g_autofree float *pinv = NULL;
  if (l.fitted != NULL && (pinv = lw_pca_pinv (l.pca, l.n, error)) == NULL)
    {
      latent_clear (&l);
      return NULL;
    }
  gsize pdims[2] = { l.dim, l.positions };
  g_autoptr (LwTensor) packets = lw_tensor_new_uninit (2, pdims, error);
  if (packets == NULL)
    {
      latent_clear (&l);
      return NULL;
    }
  lw_pca_reconstruct (l.pca, pinv, l.n, l.values->data, l.positions, packets->data);
  g_autoptr (LwTensor) x = lw_wpt1d_inverse (l.wavelet, packets, l.levels, error);
  if (x == NULL)
    {
      latent_clear (&l);
      return NULL;
    }
  gsize odims[2] = { l.c, l.t };
  LwTensor *out = lw_tensor_new_uninit (2, odims, error);
  if (out != NULL)
    {
      out->sample_rate = l.rate;
      for (guint ch = 0; ch < l.c; ch++)
        {
          const float *src = x->data + ch * l.tp;
          float *dst = out->data + ch * l.t;
          float inv = 1.0f / l.gain[ch], mean = l.mean[ch];
          for (gsize i = 0; i < l.t; i++)
            dst[i] = CLAMP (src[i] * inv + mean, -1.0f, 1.0f);
        }
    }
  latent_clear (&l);
  return out;
}

static LwLatentInfo *
wla_inspect (const LwCodec *codec, LwBitstream *file, GError **error)
{
  Latent l;
  if (!decode_latent (codec, file, TRUE, &l, error))
    {
      latent_clear (&l);
      return NULL;
    }
  LwLatentInfo *info = _lw_latent_info_new (l.n, 1, l.positions);
  info->codec = codec->name;
  info->alphabet = 1u << l.bits;
  info->values = g_steal_pointer (&l.values);
  info->total_bits = 8.0 * (double) l.latent_bytes;
  for (guint i = 0; i < lw_bitstream_get_n_chunks (file); i++)
    info->side_bits += 8.0 * (double) g_bytes_get_size (lw_bitstream_get_chunk_at (file, i));
  info->side_bits -= info->total_bits;
  info->bits_kind = LW_LATENT_BITS_MEASURED;
  g_autofree guint32 *hist = g_new0 (guint32, info->alphabet);
  for (guint k = 0; k < l.n; k++)
    {
      LwLatentChannel *ch = &info->channels[k];
      gsize off = (gsize) k * l.positions;
      _lw_latent_channel_fill (ch, l.sym + off, NULL, info->values->data + off, l.positions,
                               info->alphabet / 2, hist);
      ch->coded_bits = l.plane_bits[k];
    }
  info->description = g_strdup_printf (
      "%u latents of %" G_GSIZE_FORMAT " steps from a %u-level %s packet transform "
      "(%u channels, %.0f Hz bands), %s basis, %u-bit symbols, rANS coder",
      l.n, l.positions, l.levels, lw_wavelet_name (l.wavelet), l.dim,
      l.rate / (double) (2u << l.levels), l.basis == BASIS_FIT ? "fitted" : "shipped", l.bits);
  latent_clear (&l);
  return info;
}

const LwCodec lw_codec_wavelet_latent_audio = {
  .name = "wavelet-latent-audio",
  .title = "Wavelet latent audio (WaLLoC-style)",
  .description = "1-D wavelet packets → linear PCA latent → Gaussian-CDF compander → rANS",
  .kind = LW_MEDIA_AUDIO,
  .id = CODEC_ID,
  .params = params,
  .n_params = G_N_ELEMENTS (params),
  .sweep_param = "step",
  .sweep_descending = TRUE,
  .sweep_min = 0.002,
  .sweep_max = 0.15,
  .analyse = wla_analyse,
  .analysis_free = analysis_free,
  .encode = wla_encode,
  .decode = wla_decode,
  .inspect = wla_inspect,
};
