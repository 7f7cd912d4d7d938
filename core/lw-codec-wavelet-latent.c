/* lw-codec-wavelet-latent.c — WaLLoC-style image codec: wavelet packets → linear latent →
 * compander + quantiser → entropy coding (our rANS, or WaLLoC's lossless-WebP mosaic)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pipeline (research/codecs.md §1.1), for a C×H×W image in [0, 1]:
 *   x ← 255·v − 127.5 (8-bit units, centred), reflect-padded to multiples of 2^J
 *   → J-level full wavelet packet transform: D = C·4^J channels of P = (H/2^J)(W/2^J) positions
 *   → linear 1×1 encoder y = W (x − μ) with the first N rows of a PCA basis
 *   → q = round (compander_b (y / Δ))   (see lw-compander.h)
 *   → entropy coding of the N integer planes.
 * The decoder dequantises, applies the pseudo-inverse of W, the inverse packet transform,
 * crops and clamps. With decoder=learned (WaLLoC's asymmetric design: the same linear encoder,
 * a nonlinear decoder) a small conv net (lw-learned-decoder.h) adds its correction to the
 * pseudo-inverse's packets before the inverse transform; the file records the net's id
 * ("decoder_id", the CRC-32 of its weights), so it is never decoded with other weights, and
 * decoder=linear files are byte for byte what they were before the parameter existed (the
 * "decoder" parameter is only written when it is learned). With chroma=guided (either
 * decoder) a guided filter restores fine colour from the luma after the inverse transform,
 * adding only what the kept latents cannot hold (lw-chroma-guide.h); "chroma" too is written
 * only when used. The analysis (packet transform + projection on all D directions) does not depend on N, Δ, b or the entropy coder, so moving
 * any of those re-runs only quantisation and coding.
 *
 * Chunks: 'LATR' latent planes coded by lw_latent_code_planes (entropy=rans), 'LATW' a
 * lossless WebP mosaic of the planes (entropy=webp), 'BASE' the fitted basis (basis=fit):
 * D float32 mean, then N×D float16 rows.
 */
#define G_LOG_DOMAIN "lw-wavelet-latent"

#include "lw-codec-private.h"
#include "lw-chroma-guide.h"
#include "lw-compander.h"
#include "lw-error.h"
#include "lw-half.h"
#include "lw-image-io.h"
#include "lw-latent-inspect-private.h"
#include "lw-latent-planes-private.h"
#include "lw-learned-decoder.h"
#include "lw-pca.h"
#include "lw-rans.h"
#include "lw-wavelet.h"
#include "lw-wavelet-latent.h"
#include "lw-wavelet-latent-private.h"

#include <math.h>
#include <string.h>

#define CHUNK_RANS LW_FOURCC ('L', 'A', 'T', 'R')
#define CHUNK_WEBP LW_FOURCC ('L', 'A', 'T', 'W')
#define CHUNK_BASIS LW_FOURCC ('B', 'A', 'S', 'E')
#define CHUNK_PREDICT LW_FOURCC ('P', 'R', 'E', 'D')

enum { ENTROPY_RANS, ENTROPY_WEBP };
enum { BASIS_SHIPPED, BASIS_FIT };

static const char *const wavelet_choices[] = { "haar", "cdf53", "cdf97", NULL };
static const char *const basis_choices[] = { "shipped", "fit", NULL };
static const char *const entropy_choices[] = { "rans", "webp", NULL };
static const char *const predict_choices[] = { "off", "auto", NULL };
enum { PREDICT_OFF, PREDICT_AUTO };
static const char *const decoder_choices[] = { "linear", "learned", NULL };
enum { DECODER_LINEAR, DECODER_LEARNED };
static const char *const chroma_choices[] = { "off", "guided", NULL };
enum { CHROMA_OFF, CHROMA_GUIDED };

static const LwParamSpec params[] = {
  { "step", LW_PARAM_DOUBLE, 0.25, 256, 12, TRUE, TRUE,
    "quantiser step near zero, in 8-bit pixel units; larger steps give lower rates", NULL },
  { "latents", LW_PARAM_INT, 1, 768, 48, TRUE, FALSE,
    "latent channels N kept out of C·4^J (192 for RGB at J=3); fewer = more reduction", NULL },
  { "bits", LW_PARAM_INT, 2, 16, 12, TRUE, FALSE,
    "compander bits b: integer latents lie in ±(2^(b−1)−1); fewer bits clip the tails", NULL },
  { "entropy", LW_PARAM_ENUM, 0, 1, ENTROPY_RANS, TRUE, FALSE,
    "latent coder: rans (ours, context-modelled) or webp (WaLLoC's lossless mosaic, bits ≤ 8)",
    entropy_choices },
  { "predict", LW_PARAM_ENUM, 0, 1, PREDICT_AUTO, TRUE, FALSE,
    "auto: code a latent plane as residuals of a spatial (MED) prediction when that is smaller",
    predict_choices },
  { "rounding", LW_PARAM_DOUBLE, 0.05, 0.5, 0.35, TRUE, FALSE,
    "quantiser rounding offset: 0.5 rounds to nearest (WaLLoC); less widens the zero bin", NULL },
  { "bias", LW_PARAM_DOUBLE, -0.45, 0.45, -0.08, TRUE, FALSE,
    "reconstruction offset in steps: > 0 toward zero, < 0 away (0 = WaLLoC, the level itself)",
    NULL },
  { "levels", LW_PARAM_INT, 1, 4, 3, FALSE, FALSE,
    "wavelet packet levels J (latents are 1/2^J of the image size per side)", NULL },
  { "wavelet", LW_PARAM_ENUM, 0, 2, LW_WAVELET_CDF97, FALSE, FALSE,
    "wavelet: haar, cdf53 (bior2.2) or cdf97 (bior4.4, WaLLoC's)", wavelet_choices },
  { "basis", LW_PARAM_ENUM, 0, 1, BASIS_SHIPPED, FALSE, FALSE,
    "shipped: PCA basis fitted on training images; fit: fitted to this image, sent in the stream",
    basis_choices },
  /* appended last: the indices above and the files that use them stay valid */
  { "decoder", LW_PARAM_ENUM, 0, 1, DECODER_LINEAR, FALSE, FALSE,
    "linear: the basis's pseudo-inverse; learned: a small conv net trained on images adds a "
    "correction (same stream and rate, needs the shipped basis and a decoder for C, J, N)",
    decoder_choices },
  { "chroma", LW_PARAM_ENUM, 0, 1, CHROMA_OFF, FALSE, FALSE,
    "guided: the decoder restores fine colour from the brightness (a guided filter of Cb and Cr "
    "by Y), adding only what the kept latents cannot hold (same stream and rate)",
    chroma_choices },
};

/* Parameters appended after files existed: written only when they differ from their default,
 * so files that do not use them stay byte for byte what they were, and read as the default
 * when absent. */
static gboolean
optional_param (guint i)
{
  return strcmp (params[i].name, "decoder") == 0 || strcmp (params[i].name, "chroma") == 0;
}

typedef struct
{
  guint      c, h, w;     /* original image */
  guint      hp, wp;      /* padded */
  guint      levels;
  LwWavelet  wavelet;
  guint      dim;         /* D = C·4^J */
  gsize      positions;   /* P */
  LwPca     *pca;         /* owned: shipped copy or fitted (rows rounded to float16) */
  gboolean   fitted;
  LwTensor  *packets;     /* D × P packet channels; the encoder projects only the N rows it
                           * needs, so a small N stays cheap on every rate change */
} Analysis;

static void
analysis_free (gpointer data)
{
  Analysis *a = data;
  if (a == NULL)
    return;
  lw_pca_free (a->pca);
  lw_tensor_free (a->packets);
  g_free (a);
}

static guint
mirror (gint64 i, guint n)
{
  /* numpy 'reflect' (edge not repeated), bouncing as often as needed */
  if (n == 1)
    return 0;
  gint64 period = 2 * (gint64) n - 2;
  i %= period;
  if (i < 0)
    i += period;
  return (guint) (i < n ? i : period - i);
}

static guint
round_up (guint v, guint m)
{
  return (v + m - 1) / m * m;
}

static gboolean
check_cancel (GCancellable *cancellable, GError **error)
{
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

LwTensor *
lw_wavelet_latent_packets (const LwTensor *image, LwWavelet wavelet, guint levels,
                           GError **error)
{
  guint c = image->shape[0], h = image->shape[1], w = image->shape[2];
  guint hp = round_up (h, 1u << levels), wp = round_up (w, 1u << levels);
  gsize dims[3] = { c, hp, wp };
  g_autoptr (LwTensor) padded = lw_tensor_new_uninit (3, dims, error);
  if (padded == NULL)
    return NULL;
  for (guint ch = 0; ch < c; ch++)
    for (guint y = 0; y < hp; y++)
      {
        const float *src = image->data + ((gsize) ch * h + mirror (y, h)) * w;
        float *dst = padded->data + ((gsize) ch * hp + y) * wp;
        for (guint x = 0; x < w; x++)
          dst[x] = 255.0f * src[x] - 127.5f;
        for (guint x = w; x < wp; x++)
          dst[x] = 255.0f * src[mirror (x, w)] - 127.5f;
      }
  return lw_wpt2d_forward (wavelet, padded, levels, error);
}

static gpointer
wl_analyse (const LwCodec *codec, const LwTensor *signal, const LwParams *p,
            GCancellable *cancellable, GError **error)
{
  guint levels = lw_params_get (p, "levels");
  guint wavelet = lw_params_get (p, "wavelet");
  guint basis_mode = lw_params_get (p, "basis");

  if (basis_mode == BASIS_FIT && lw_params_get (p, "decoder") == DECODER_LEARNED)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "wavelet-latent: decoder=learned needs basis=shipped (the decoder was "
                   "trained on the shipped basis's latents)");
      return NULL;
    }
  if (signal->ndim != 3 || signal->shape[0] < 1 || signal->shape[0] > 4)
    {
      g_autofree char *s = lw_tensor_shape_string (signal);
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE,
                   "wavelet-latent: expected a C×H×W image with 1 to 4 channels, got %s", s);
      return NULL;
    }
  guint c = signal->shape[0], h = signal->shape[1], w = signal->shape[2];
  const LwPca *shipped = NULL;
  if (basis_mode == BASIS_SHIPPED)
    {
      if (c == 2 || c == 4)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                       "wavelet-latent: the image has an alpha channel and the shipped basis "
                       "covers only gray and RGB; use basis=fit to code the alpha channel too, "
                       "or flatten the image");
          return NULL;
        }
      shipped = lw_pca_shipped (c, levels, wavelet, error);
      if (shipped == NULL)
        return NULL;
    }

  g_autoptr (LwTensor) packets = NULL;
  Analysis *a = g_new0 (Analysis, 1);
  a->c = c;
  a->h = h;
  a->w = w;
  a->levels = levels;
  a->wavelet = wavelet;
  a->hp = round_up (h, 1u << levels);
  a->wp = round_up (w, 1u << levels);
  a->dim = c << (2 * levels);
  a->positions = (gsize) (a->hp >> levels) * (a->wp >> levels);

  packets = lw_wavelet_latent_packets (signal, wavelet, levels, error);
  if (packets == NULL || !check_cancel (cancellable, error))
    goto fail;

  if (shipped != NULL)
    {
      a->pca = lw_pca_copy (shipped);
    }
  else
    {
      LwPcaAccumulator *acc = lw_pca_accumulator_new (a->dim);
      lw_pca_accumulator_add (acc, packets->data, a->positions);
      a->pca = lw_pca_accumulator_finish (acc, error);
      lw_pca_accumulator_free (acc);
      if (a->pca == NULL)
        goto fail;
      /* The stream carries the rows as float16 and the mean as float32: project with exactly
       * what the decoder will see. */
      for (gsize i = 0; i < (gsize) a->pca->n * a->dim; i++)
        a->pca->basis[i] = lw_half_to_float (lw_float_to_half (a->pca->basis[i]));
      a->fitted = TRUE;
    }
  if (!check_cancel (cancellable, error))
    goto fail;

  a->packets = g_steal_pointer (&packets);
  return a;

fail:
  analysis_free (a);
  return NULL;
}


GBytes *
_lw_wavelet_latent_basis_chunk (const LwPca *pca, guint n)
{
  GByteArray *b = g_byte_array_sized_new (4 * pca->dim + 2 * (gsize) n * pca->dim);
  for (guint i = 0; i < pca->dim; i++)
    {
      guint32 u;
      memcpy (&u, &pca->mean[i], 4);
      guint8 le[4] = { u, u >> 8, u >> 16, u >> 24 };
      g_byte_array_append (b, le, 4);
    }
  for (gsize i = 0; i < (gsize) n * pca->dim; i++)
    {
      guint16 hv = lw_float_to_half (pca->basis[i]);
      guint8 le[2] = { hv, hv >> 8 };
      g_byte_array_append (b, le, 2);
    }
  return g_byte_array_free_to_bytes (b);
}

/* _lw_codec_container_new, except that the optional parameters are written only when they are
 * not their default ("decoder" with the decoder's id) */
static LwBitstream *
container_new (const LwCodec *codec, const Analysis *a, const LwParams *p,
               const LwLearnedDecoder *learned)
{
  LwBitstream *bs = lw_bitstream_new (codec->id, codec->kind);
  guint32 shape[3] = { a->c, a->h, a->w };
  lw_bitstream_set_shape (bs, 3, shape);
  for (guint i = 0; i < codec->n_params; i++)
    if (!optional_param (i) || p->values[i] != codec->params[i].default_value)
      lw_bitstream_set_param (bs, codec->params[i].name, p->values[i]);
  if (learned != NULL)
    lw_bitstream_set_param (bs, "decoder_id", lw_learned_decoder_id (learned));
  return bs;
}

static GBytes *
wl_encode (const LwCodec *codec, gpointer data, const LwParams *p, GCancellable *cancellable,
           GError **error)
{
  Analysis *a = data;
  guint n = lw_params_get (p, "latents");
  guint bits = lw_params_get (p, "bits");
  double step = lw_params_get (p, "step");
  guint entropy = lw_params_get (p, "entropy");

  if (n > a->dim)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "wavelet-latent: latents=%u exceeds the %u packet channels (C·4^J = %u·4^%u)",
                   n, a->dim, a->c, a->levels);
      return NULL;
    }
  if (entropy == ENTROPY_WEBP && bits > 8)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "wavelet-latent: entropy=webp stores 8-bit latents; set bits to 8 or fewer "
                   "(bits=%u)", bits);
      return NULL;
    }
  /* the encoder is the same for both decoders: learned only records which net decodes */
  g_autoptr (LwLearnedDecoder) learned = NULL;
  if (lw_params_get (p, "decoder") == DECODER_LEARNED)
    {
      if (a->fitted)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                       "wavelet-latent: decoder=learned needs basis=shipped");
          return NULL;
        }
      learned = lw_learned_decoder_find (a->c, a->levels, n, a->wavelet, 0, error);
      if (learned == NULL)
        {
          g_prefix_error (error, "wavelet-latent: decoder=learned: ");
          return NULL;
        }
      if (lw_learned_decoder_id (learned) == 0)
        {
          /* id 0 means "any" to lw_learned_decoder_find: such weights cannot be recorded */
          g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                       "wavelet-latent: the learned decoder's weights have the reserved id 0");
          return NULL;
        }
    }

  double rounding = lw_params_get (p, "rounding");
  g_autoptr (LwCompander) comp = lw_compander_new_full (bits, step, rounding, 0.0);
  guint16 zero = 1u << (bits - 1);
  gsize total = (gsize) n * a->positions;
  g_autofree float *latent = g_new (float, total);
  lw_pca_project (a->pca, n, a->packets->data, a->positions, latent);
  guint16 *sym = g_new (guint16, total);
  lw_compander_quantise_block (comp, latent, total, sym, zero);
  if (!check_cancel (cancellable, error))
    {
      g_free (sym);
      return NULL;
    }

  guint ph = a->hp >> a->levels, pw = a->wp >> a->levels;
  g_autofree guint8 *flags = NULL;
  if (lw_params_get (p, "predict") == PREDICT_AUTO)
    flags = _lw_predict_planes (sym, n, ph, pw, 1u << bits);
  GBytes *coded = entropy == ENTROPY_RANS
                      ? lw_latent_code_planes (sym, n, ph, pw, 1u << bits, error)
                      : _lw_webp_mosaic_encode (sym, n, ph, pw, zero, error);
  g_free (sym);
  if (coded == NULL)
    return NULL;

  g_autoptr (LwBitstream) bs = container_new (codec, a, p, learned);
  lw_bitstream_set_param (bs, "dim_reduction", (double) a->c * a->h * a->w / total);
  if (a->fitted)
    {
      g_autoptr (GBytes) bb = _lw_wavelet_latent_basis_chunk (a->pca, n);
      lw_bitstream_add_chunk (bs, CHUNK_BASIS, bb);
    }
  if (flags != NULL && memchr (flags, 1, n) != NULL)
    {
      /* one bit per plane, plane k in bit k mod 8 of byte k / 8 */
      guint8 *mask = g_new0 (guint8, (n + 7) / 8);
      for (guint k = 0; k < n; k++)
        mask[k / 8] |= flags[k] << (k % 8);
      g_autoptr (GBytes) fb = g_bytes_new_take (mask, (n + 7) / 8);
      lw_bitstream_add_chunk (bs, CHUNK_PREDICT, fb);
    }
  lw_bitstream_add_chunk (bs, entropy == ENTROPY_RANS ? CHUNK_RANS : CHUNK_WEBP, coded);
  g_bytes_unref (coded);
  return lw_bitstream_serialize (bs);
}

LwPca *
_lw_wavelet_latent_read_basis (GBytes *chunk, guint dim, guint n, const char *who,
                               GError **error)
{
  gsize len;
  const guint8 *d = g_bytes_get_data (chunk, &len);
  if (len != 4 * (gsize) dim + 2 * (gsize) n * dim)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "%s: basis chunk has %" G_GSIZE_FORMAT " bytes, expected %"
                   G_GSIZE_FORMAT " for %u rows of %u",
                   who, len, 4 * (gsize) dim + 2 * (gsize) n * dim, n, dim);
      return NULL;
    }
  LwPca *pca = lw_pca_new (dim, n);
  for (guint i = 0; i < dim; i++)
    {
      guint32 u = (guint32) d[4 * i] | ((guint32) d[4 * i + 1] << 8) |
                  ((guint32) d[4 * i + 2] << 16) | ((guint32) d[4 * i + 3] << 24);
      memcpy (&pca->mean[i], &u, 4);
    }
  const guint8 *h = d + 4 * (gsize) dim;
  for (gsize i = 0; i < (gsize) n * dim; i++)
    pca->basis[i] = lw_half_to_float ((guint16) (h[2 * i] | (h[2 * i + 1] << 8)));
  for (gsize i = 0; i < (gsize) n * dim; i++)
    if (!isfinite (pca->basis[i]))
      {
        lw_pca_free (pca);
        g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                     "%s: basis chunk holds a non-finite value", who);
        return NULL;
      }
  for (guint i = 0; i < dim; i++)
    if (!isfinite (pca->mean[i]) || fabsf (pca->mean[i]) > 1e6f)
      {
        lw_pca_free (pca);
        g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                     "%s: basis chunk has an invalid mean", who);
        return NULL;
      }
  return pca;
}

/* What decoding a file up to its latent gives: the steps decode and inspect share */
typedef struct
{
  guint      c, h, w;        /* image */
  guint      n, bits, entropy, levels, wavelet, basis;
  double     step;
  guint      decoder;        /* DECODER_LINEAR (also when the file predates the parameter) */
  guint32    decoder_id;     /* decoder=learned: the net's id */
  guint      chroma;         /* CHROMA_OFF or CHROMA_GUIDED */
  guint      dim, ph, pw;    /* packet channels, latent grid */
  gsize      positions;
  LwPca     *fitted;         /* owned, basis=fit */
  const LwPca *pca;          /* fitted or shipped */
  guint16   *sym;            /* n × P quantised latent symbols */
  guint16   *coded;          /* inspect only: n × P symbols as the entropy coder saw them */
  const guint8 *mask;        /* prediction flags (in the file), or NULL */
  gsize      latent_bytes;   /* size of the latent chunk */
  double    *plane_bits;     /* inspect with entropy=rans: bits per plane, measured */
  LwTensor  *values;         /* n × ph × pw dequantised latents */
} Latent;

static void
latent_clear (Latent *l)
{
  lw_pca_free (l->fitted);
  g_free (l->sym);
  g_free (l->coded);
  g_free (l->plane_bits);
  lw_tensor_free (l->values);
  memset (l, 0, sizeof *l);
}

/* Checks the file and decodes it up to the dequantised latent. `inspect` also keeps the coded
 * symbols and measures each plane's bits (rans). */
static gboolean
decode_latent (const LwCodec *codec, LwBitstream *file, gboolean inspect, Latent *l,
               GError **error)
{
  double v[G_N_ELEMENTS (params)];

  memset (l, 0, sizeof *l);
  if (!_lw_codec_container_image_shape (file, &l->c, &l->h, &l->w, error))
    return FALSE;
  double id;
  for (guint i = 0; i < G_N_ELEMENTS (params); i++)
    if (optional_param (i) && !lw_bitstream_get_param (file, params[i].name, NULL))
      v[i] = params[i].default_value;
    else if (!_lw_codec_container_param (codec, file, params[i].name, &v[i], error))
      return FALSE;
  /* by name, so the order of the parameter table can change */
#define P(name) v[lw_params_index (codec, name)]
  double step = l->step = P ("step"), bias = P ("bias");
  l->n = P ("latents");
  l->bits = P ("bits");
  l->entropy = P ("entropy");
  l->levels = P ("levels");
  l->wavelet = P ("wavelet");
  l->basis = P ("basis");
  l->decoder = P ("decoder");
  l->chroma = P ("chroma");
#undef P
  if (l->decoder == DECODER_LEARNED)
    {
      if (!lw_bitstream_get_param (file, "decoder_id", &id) || !(id >= 1 && id <= G_MAXUINT32)
          || id != floor (id))
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "wavelet-latent: decoder=learned without a valid “decoder_id”");
          return FALSE;
        }
      if (l->basis != BASIS_SHIPPED)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "wavelet-latent: decoder=learned declared with basis=fit");
          return FALSE;
        }
      l->decoder_id = (guint32) id;
    }
  guint n = l->n, bits = l->bits, entropy = l->entropy, levels = l->levels;
  l->dim = l->c << (2 * levels);
  l->ph = round_up (l->h, 1u << levels) >> levels;
  l->pw = round_up (l->w, 1u << levels) >> levels;
  guint dim = l->dim, ph = l->ph, pw = l->pw;
  gsize positions = l->positions = (gsize) ph * pw;

  if (n > dim)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "wavelet-latent: %u latents declared for only %u packet channels", n, dim);
      return FALSE;
    }
  if (entropy == ENTROPY_WEBP && bits > 8)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "wavelet-latent: WebP latents declared with %u bits (8 at most)", bits);
      return FALSE;
    }

  if (l->basis == BASIS_FIT)
    {
      GBytes *chunk = lw_bitstream_get_chunk (file, CHUNK_BASIS);
      if (chunk == NULL)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "wavelet-latent: basis=fit but the BASE chunk is missing");
          return FALSE;
        }
      l->pca = l->fitted =
          _lw_wavelet_latent_read_basis (chunk, dim, n, "wavelet-latent", error);
    }
  else
    {
      l->pca = lw_pca_shipped (l->c, levels, l->wavelet, error);
    }
  if (l->pca == NULL)
    return FALSE;

  GBytes *lat = lw_bitstream_get_chunk (file, entropy == ENTROPY_RANS ? CHUNK_RANS : CHUNK_WEBP);
  if (lat == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "wavelet-latent: the latent chunk (%s) is missing",
                   entropy == ENTROPY_RANS ? "LATR" : "LATW");
      return FALSE;
    }

  /* prediction mask, checked before any decoding work */
  const guint8 *mask = NULL;
  GBytes *pred = lw_bitstream_get_chunk (file, CHUNK_PREDICT);
  if (pred != NULL)
    {
      gsize n_bytes;
      mask = g_bytes_get_data (pred, &n_bytes);
      if (n_bytes != (n + 7) / 8)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "wavelet-latent: prediction chunk has %" G_GSIZE_FORMAT
                       " bytes, expected %u for %u planes", n_bytes, (n + 7) / 8, n);
          return FALSE;
        }
      if (n % 8 != 0 && (mask[n / 8] >> (n % 8)) != 0)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "wavelet-latent: prediction chunk flags planes beyond the %u coded", n);
          return FALSE;
        }
    }
  l->mask = mask;

  gsize total = (gsize) n * positions;
  if (total > LW_LATENT_MAX_SYMBOLS)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "wavelet-latent: %u latents of %u×%u are more than the %u symbols a file may "
                   "hold", n, ph, pw, LW_LATENT_MAX_SYMBOLS);
      return FALSE;
    }
  guint16 *sym = l->sym = g_new (guint16, total);
  gsize lat_len;
  const guint8 *lat_data = g_bytes_get_data (lat, &lat_len);
  l->latent_bytes = lat_len;
  gboolean ok;
  if (entropy == ENTROPY_RANS && inspect)
    {
      l->plane_bits = g_new0 (double, n);
      ok = lw_latent_decode_planes_bits (lat_data, lat_len, sym, n, ph, pw, 1u << bits,
                                         l->plane_bits, error);
    }
  else if (entropy == ENTROPY_RANS)
    ok = lw_latent_decode_planes (lat_data, lat_len, sym, n, ph, pw, 1u << bits, error);
  else
    ok = _lw_webp_mosaic_decode (lat, sym, n, ph, pw, 1u << bits, error);
  if (!ok)
    return FALSE;

  if (mask != NULL)
    {
      if (inspect)
        l->coded = g_memdup2 (sym, total * sizeof (guint16));
      for (guint k = 0; k < n; k++)
        if (mask[k / 8] & (1u << (k % 8)))
          _lw_residuals_to_plane (sym + (gsize) k * positions, ph, pw, 1u << bits);
    }

  g_autoptr (LwCompander) comp = lw_compander_new_full (bits, step, 0.5, bias);
  int zero = 1 << (bits - 1);
  /* one value per symbol of the alphabet, then a plain lookup per latent */
  g_autofree float *value = g_new (float, 1u << bits);
  for (guint s = 0; s < 1u << bits; s++)
    value[s] = lw_compander_dequantise (comp, (int) s - zero);
  gsize vdims[3] = { n, ph, pw };
  l->values = lw_tensor_new_uninit (3, vdims, NULL);
  float *y = l->values->data;
  for (gsize i = 0; i < total; i++)
    y[i] = value[sym[i]];
  return TRUE;
}

static LwTensor *
wl_decode (const LwCodec *codec, LwBitstream *file, GError **error)
{
  Latent l;
  if (!decode_latent (codec, file, FALSE, &l, error))
    {
      latent_clear (&l);
      return NULL;
    }

  /* The shipped rows are orthonormal eigenvectors, so their pseudo-inverse is the transpose;
   * a fitted basis travels as float16 rows and needs the real one. */
  g_autofree float *pinv = NULL;
  if (l.fitted != NULL && (pinv = lw_pca_pinv (l.pca, l.n, error)) == NULL)
    {
      latent_clear (&l);
      return NULL;
    }
  g_autoptr (LwLearnedDecoder) learned = NULL;
  if (l.decoder == DECODER_LEARNED
      && (learned = lw_learned_decoder_find (l.c, l.levels, l.n, l.wavelet, l.decoder_id,
                                             error)) == NULL)
    {
      g_prefix_error (error, "wavelet-latent: ");
      latent_clear (&l);
      return NULL;
    }
  gsize pdims[3] = { l.dim, l.ph, l.pw };
  g_autoptr (LwTensor) packets = lw_tensor_new_uninit (3, pdims, NULL);
  lw_pca_reconstruct (l.pca, pinv, l.n, l.values->data, l.positions, packets->data);
  /* the net's correction on top of the linear decoder, before the inverse transform */
  if (learned != NULL && !lw_learned_decoder_apply (learned, l.values->data, l.ph, l.pw, l.step,
                                                    packets->data, error))
    {
      latent_clear (&l);
      return NULL;
    }
  guint c = l.c, h = l.h, w = l.w, levels = l.levels, wavelet = l.wavelet;

  g_autoptr (LwTensor) padded = lw_wpt2d_inverse (wavelet, packets, levels, error);
  if (padded == NULL
      || (l.chroma == CHROMA_GUIDED
          && !lw_chroma_guide (padded, wavelet, levels, l.pca, pinv, l.n, error)))
    {
      latent_clear (&l);
      return NULL;
    }
  latent_clear (&l);
  guint hp = round_up (h, 1u << levels), wp = round_up (w, 1u << levels);
  gsize odims[3] = { c, h, w };
  LwTensor *out = lw_tensor_new_uninit (3, odims, NULL);
  for (guint ch = 0; ch < c; ch++)
    for (guint yy = 0; yy < h; yy++)
      {
        const float *src = padded->data + ((gsize) ch * hp + yy) * wp;
        float *dst = out->data + ((gsize) ch * h + yy) * w;
        for (guint x = 0; x < w; x++)
          dst[x] = CLAMP ((src[x] + 127.5f) * (1.0f / 255.0f), 0.0f, 1.0f);
      }
  return out;
}

static LwLatentInfo *
wl_inspect (const LwCodec *codec, LwBitstream *file, GError **error)
{
  static const char *const wavelet_titles[] = { "Haar", "CDF 5/3", "CDF 9/7" };
  Latent l;
  if (!decode_latent (codec, file, TRUE, &l, error))
    {
      latent_clear (&l);
      return NULL;
    }

  LwLatentInfo *info = _lw_latent_info_new (l.n, l.ph, l.pw);
  info->codec = codec->name;
  info->alphabet = 1u << l.bits;
  info->values = g_steal_pointer (&l.values);
  info->total_bits = 8.0 * (double) l.latent_bytes;
  /* the other chunks; lw_latent_inspect_bytes() adds the container header, which only it sees */
  for (guint i = 0; i < lw_bitstream_get_n_chunks (file); i++)
    info->side_bits += 8.0 * (double) g_bytes_get_size (lw_bitstream_get_chunk_at (file, i));
  info->side_bits -= info->total_bits;

  g_autofree guint32 *hist = g_new0 (guint32, info->alphabet);
  double weight_sum = 0;
  for (guint k = 0; k < l.n; k++)
    {
      LwLatentChannel *ch = &info->channels[k];
      gsize off = (gsize) k * l.positions;
      ch->predicted = l.mask != NULL && (l.mask[k / 8] & (1u << (k % 8))) != 0;
      _lw_latent_channel_fill (ch, l.sym + off, ch->predicted ? l.coded + off : NULL,
                               info->values->data + off, l.positions, info->alphabet / 2, hist);
      if (l.plane_bits != NULL)
        ch->coded_bits = l.plane_bits[k];
      weight_sum += ch->coded_entropy_bits;
    }
  if (l.plane_bits != NULL)
    info->bits_kind = LW_LATENT_BITS_MEASURED;
  else
    {
      /* the mosaic interleaves three planes per WebP pixel: only a share can be given */
      info->bits_kind = LW_LATENT_BITS_SHARED;
      for (guint k = 0; k < l.n; k++)
        info->channels[k].coded_bits =
            weight_sum > 0 ? info->total_bits * info->channels[k].coded_entropy_bits / weight_sum
                           : info->total_bits / l.n;
    }

  guint n_pred = 0;
  for (guint k = 0; k < l.n; k++)
    n_pred += info->channels[k].predicted;
  g_autofree char *pred = n_pred ? g_strdup_printf (", %u predicted", n_pred) : g_strdup ("");
  g_autofree char *dec = l.decoder == DECODER_LEARNED
                             ? g_strdup_printf (", learned decoder %08x", l.decoder_id)
                             : g_strdup ("");
  info->description = g_strdup_printf (
      "%u latents of %u×%u from a %u-level %s packet transform (%u channels), %s basis, "
      "%u-bit symbols, %s coder%s%s",
      l.n, l.ph, l.pw, l.levels, wavelet_titles[MIN (l.wavelet, 2u)], l.dim,
      l.basis == BASIS_FIT ? "fitted" : "shipped", l.bits,
      l.entropy == ENTROPY_RANS ? "rANS" : "WebP mosaic", pred, dec);
  latent_clear (&l);
  return info;
}

const LwCodec lw_codec_wavelet_latent = {
  .name = "wavelet-latent",
  .title = "Wavelet latent (WaLLoC-style)",
  .description = "wavelet packets → linear PCA latent → Gaussian-CDF compander → rANS; "
                 "linear or learned decoder",
  .kind = LW_MEDIA_IMAGE,
  .id = LW_CODEC_ID_WAVELET_LATENT,
  .params = params,
  .n_params = G_N_ELEMENTS (params),
  .sweep_param = "step",
  .sweep_descending = TRUE,
  .sweep_min = 1.5,
  .sweep_max = 160,
  .analyse = wl_analyse,
  .analysis_free = analysis_free,
  .encode = wl_encode,
  .decode = wl_decode,
  .inspect = wl_inspect,
};
