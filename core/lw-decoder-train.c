/* lw-decoder-train.c — training wavelet-latent's learned decoder on random crops (see
 * lw-decoder-train.h)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every random draw of step k comes from an RNG seeded with (seed, k) alone, so a run that is
 * stopped, saved and resumed at step k continues with exactly the crops, steps and noise the
 * uninterrupted run would have used: resuming reproduces it bit for bit (same thread count).
 * Images are kept as 8-bit planes (a quarter of the floats' memory); crops are converted as
 * they are drawn. All per-step buffers are allocated once and reused.
 */
#define G_LOG_DOMAIN "lw-decoder-train"

#include "lw-decoder-train.h"

#include <math.h>
#include <string.h>

#include "lw-blas.h"
#include "lw-compander.h"
#include "lw-error.h"
#include "lw-image-io.h"
#include "lw-pca.h"
#include "lw-wavelet.h"
#include "lw-wavelet-latent.h"

/* The codec's defaults (lw-codec-wavelet-latent.c): compander bits, rounding, bias */
#define CODEC_BITS 12
#define CODEC_ROUNDING 0.35
#define CODEC_BIAS (-0.08)
/* WaLLoC's inverse compander clamps the CDF to [1e−4, 1 − 1e−4], i.e. |z| ≤ 3.719 */
#define COMPANDER_Z_MAX 3.719

typedef struct
{
  char   *path;
  guint   h, w;
  guint8 *pixels;  /* channels × h × w, model channel count */
} TrainImage;

struct _LwDecoderTrainer
{
  LwDecoderTrainConfig config;  /* images deep-copied */
  LwLearnedDecoderConfig model;
  GArray           *images;     /* TrainImage */
  LwLearnedDecoder *dec;
  LwAdamW          *opt;
  const LwPca      *pca;        /* shipped, orthonormal rows: the pseudo-inverse is Wᵀ */
  guint64           step;
  guint64           seed_base;

  guint dim, n, gh, gw;         /* D, N, latent grid of a drawn crop (with its margin) */
  gsize positions;              /* gh·gw */
  guint span;                   /* pixels drawn: crop + 2·margin */
  guint m0, gi;                 /* the scored part: positions m0 … m0 + gi in each direction */
  /* per-step buffers */
  LwTensor *crop;               /* C × crop × crop in [0, 1] */
  float    *latent;             /* N × P, one crop */
  float    *scales;             /* N: the factor on each latent at the net's input */
  float    *input;              /* B × (N+1) × P */
  float    *target;             /* B × D × P: packets − linear reconstruction */
  float    *dy;                 /* B × D × P */
  float    *linear;             /* D × P, one crop */
  /* validation (fixed): inputs at eval_step, linear packets, the crops in 8-bit units */
  guint     n_eval;
  float    *eval_input;         /* E × (N+1) × P */
  float    *eval_linear;        /* E × D × P */
  float    *eval_pixels;        /* E × C × crop × crop, 0..255 */
  double    eval_psnr_linear;
  double    last_eval_psnr;     /* NaN until the validation ran */
};

void
lw_decoder_train_config_init (LwDecoderTrainConfig *config)
{
  memset (config, 0, sizeof *config);
  config->model = (LwLearnedDecoderConfig) {
    .channels = 3, .levels = 3, .latents = 48, .wavelet = LW_WAVELET_CDF97,
    .width = 64, .blocks = 2, .groups = 0, .input_scale = 1.0 / 64, .step_scale = 0.25,
  };
  config->crop = 128;
  config->batch = 16;
  config->steps = 3000;
  config->warmup = 100;
  config->lr = 1e-3;
  config->lr_min = 1e-4;
  config->weight_decay = 0;
  config->step_min = 4;
  config->step_max = 40;
  config->proxy = LW_PROXY_NOISE;
  config->eval_every = 100;
  config->eval_crops = 24;
  config->eval_step = 12;
  config->seed = 1;
  config->threads = 0;
}

void
lw_decoder_train_config_clear (LwDecoderTrainConfig *config)
{
  g_clear_pointer (&config->images, g_strfreev);
}

static void
train_image_clear (gpointer data)
{
  TrainImage *im = data;
  g_free (im->path);
  g_free (im->pixels);
}

void
lw_decoder_trainer_free (LwDecoderTrainer *t)
{
  if (t == NULL)
    return;
  lw_decoder_train_config_clear (&t->config);
  if (t->images != NULL)
    g_array_unref (t->images);
  g_clear_pointer (&t->dec, lw_learned_decoder_unref);
  g_clear_pointer (&t->opt, lw_adamw_free);
  lw_tensor_free (t->crop);
  g_free (t->latent);
  g_free (t->scales);
  g_free (t->input);
  g_free (t->target);
  g_free (t->dy);
  g_free (t->linear);
  g_free (t->eval_input);
  g_free (t->eval_linear);
  g_free (t->eval_pixels);
  g_free (t);
}

static gboolean
check_config (const LwDecoderTrainConfig *c, const LwLearnedDecoderConfig *m, GError **error)
{
#define BAD(...) \
  G_STMT_START { g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM, __VA_ARGS__); \
                 return FALSE; } G_STMT_END
  if (c->images == NULL || c->images[0] == NULL)
    BAD ("decoder training: no training images given");
  if (m->channels != 1 && m->channels != 3)
    BAD ("decoder training: %u image channels; 1 (gray) or 3 (RGB) are supported", m->channels);
  if (m->levels < 1 || m->levels > 4)
    BAD ("decoder training: %u wavelet levels, 1 to 4 are supported", m->levels);
  guint unit = 1u << m->levels;
  if (c->crop < unit || c->crop % unit != 0)
    BAD ("decoder training: crop %u is not a positive multiple of 2^levels = %u", c->crop, unit);
  if (c->margin % unit != 0 || c->margin > 4096)
    BAD ("decoder training: margin %u is not a multiple of 2^levels = %u up to 4096", c->margin,
         unit);
  if (c->batch < 1)
    BAD ("decoder training: batch must be at least 1");
  if (c->steps < 1)
    BAD ("decoder training: steps must be at least 1");
  if (!(c->lr > 0) || !(c->lr_min >= 0) || !isfinite (c->lr))
    BAD ("decoder training: learning rate %g (minimum %g) is not positive", c->lr, c->lr_min);
  if (!(c->weight_decay >= 0))
    BAD ("decoder training: weight decay %g is negative", c->weight_decay);
  if (!(c->step_min > 0) || !(c->step_max >= c->step_min) || !isfinite (c->step_max))
    BAD ("decoder training: step range [%g, %g] is not a positive interval", c->step_min,
         c->step_max);
  if (c->eval_every > 0 && (!(c->eval_step > 0) || c->eval_crops < 1))
    BAD ("decoder training: validation needs a positive step and at least one crop");
  if (c->proxy != LW_PROXY_NOISE && c->proxy != LW_PROXY_QUANTISE)
    BAD ("decoder training: unknown quantisation proxy %d", (int) c->proxy);
  return TRUE;
#undef BAD
}

/* Loads one image as model-channel 8-bit planes: gray is replicated to RGB, RGB averaged to
 * gray (BT.601 luma) for one-channel models, alpha dropped. */
static gboolean
load_image (const char *path, guint channels, guint crop, TrainImage *out, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (LwTensor) img = lw_image_load (path, NULL, &local);
  if (img == NULL)
    {
      /* lw_image_load names the file already */
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  guint c = img->shape[0], h = img->shape[1], w = img->shape[2];
  if (h < crop || w < crop)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE,
                   "%s: the image is %u×%u, smaller than the %u×%u training crop", path, w, h,
                   crop, crop);
      return FALSE;
    }
  gsize plane = (gsize) h * w;
  guint colour = c >= 3 ? 3 : 1;
  out->path = g_strdup (path);
  out->h = h;
  out->w = w;
  out->pixels = g_new (guint8, channels * plane);
  for (gsize i = 0; i < plane; i++)
    {
      float v[3];
      for (guint k = 0; k < 3; k++)
        v[k] = img->data[(colour == 3 ? k : 0) * plane + i];
      if (channels == 1)
        v[0] = 0.299f * v[0] + 0.587f * v[1] + 0.114f * v[2];
      for (guint k = 0; k < channels; k++)
        out->pixels[k * plane + i] = (guint8) lrintf (CLAMP (v[k], 0.0f, 1.0f) * 255.0f);
    }
  return TRUE;
}

/* A random crop into t->crop as [0, 1] floats: flipped at random, and with `augment` also
 * halved from a crop twice the size, transposed, channels permuted and scaled (lw-decoder-train.h) */
static void
draw_crop (LwDecoderTrainer *t, LwRng *rng, gboolean augment)
{
  static const guint8 perms[6][3] = { { 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 },
                                      { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 } };
  guint which = lw_rng_below (rng, t->images->len);
  const TrainImage *im = &g_array_index (t->images, TrainImage, which);
  guint s = t->span, ch = t->model.channels;
  guint z = 1, perm = 0;
  gboolean transpose = FALSE;
  float gain[3] = { 1.0f, 1.0f, 1.0f };

  if (augment)
    {
      z = lw_rng_below (rng, 2) && im->h >= 2 * s && im->w >= 2 * s ? 2 : 1;
      transpose = lw_rng_below (rng, 2);
      perm = ch == 3 ? lw_rng_below (rng, 6) : 0;
      for (guint k = 0; k < 3; k++)
        gain[k] = (float) (0.8 + 0.4 * lw_rng_uniform (rng));
    }
  guint span = z * s;
  /* without augmentation the draws are which, y0, x0, fx, fy: the shipped model's run */
  guint y0 = lw_rng_below (rng, im->h - span + 1), x0 = lw_rng_below (rng, im->w - span + 1);
  gboolean fx = lw_rng_below (rng, 2), fy = lw_rng_below (rng, 2);
  float scale;
  for (guint k = 0; k < ch; k++)
    {
      guint src_k = ch == 3 ? perms[perm][k] : k;
      scale = gain[k] / (255.0f * z * z);
      for (guint y = 0; y < s; y++)
        for (guint x = 0; x < s; x++)
          {
            guint yy = fy ? s - 1 - y : y, xx = fx ? s - 1 - x : x;
            if (transpose)
              {
                guint tmp = yy;
                yy = xx;
                xx = tmp;
              }
            guint sum = 0;
            for (guint dy = 0; dy < z; dy++)
              {
                const guint8 *src = im->pixels + ((gsize) src_k * im->h + y0 + yy * z + dy) * im->w
                                    + x0 + xx * z;
                for (guint dx = 0; dx < z; dx++)
                  sum += src[dx];
              }
            t->crop->data[((gsize) k * s + y) * s + x] = MIN (sum * scale, 1.0f);
          }
    }
}

/* Latents of the crop in t->crop → t->latent (N × P); packets (D × P) into `packets` */
static gboolean
analyse_crop (LwDecoderTrainer *t, float *packets, GError **error)
{
  g_autoptr (LwTensor) p = lw_wavelet_latent_packets (t->crop, t->model.wavelet, t->model.levels,
                                                      error);
  if (p == NULL)
    return FALSE;
  memcpy (packets, p->data, (gsize) t->dim * t->positions * sizeof (float));
  lw_pca_project (t->pca, t->n, packets, t->positions, t->latent);
  return TRUE;
}

/* The codec's quantiser and dequantiser at step Δ (rounding 0.35, reconstruction bias −0.08;
 * the rounding only moves thresholds and the bias only reconstructions, so one compander
 * holds both) */
static void
quantise_latents (float *y, gsize n, double step)
{
  g_autoptr (LwCompander) comp = lw_compander_new_full (CODEC_BITS, step, CODEC_ROUNDING,
                                                        CODEC_BIAS);
  for (gsize i = 0; i < n; i++)
    y[i] = lw_compander_dequantise (comp, lw_compander_quantise (comp, y[i]));
}

/* WaLLoC's proxy: uniform noise of one quantiser cell. The compander maps y to
 * u = 2m (Φ (y·g/(Δs)) − ½) with slope du/dy = exp (−z²/2)/Δ at z = y·g/(Δs) (g makes it
 * 1/Δ at zero), so a cell of u is Δ·exp (z²/2) wide in latent units there; adding
 * U(−½, ½)·Δ·exp (z²/2) is C⁻¹ (C (y) + U(−½, ½)) to first order, without the two
 * erfc/quantile evaluations per latent that would cost a third of the net's step. At 12 bits
 * z stays below 0.1 for all latents these images produce, so the cell is Δ to within 0.5 %. */
static void
noise_latents (float *y, gsize n, double step, LwRng *rng)
{
  double m = ldexp (1, CODEC_BITS - 1) - 0.5 - 0.001;
  double zscale = sqrt (2 * G_PI) / (2 * m) / step;  /* g/(Δ s) */
  for (gsize i = 0; i < n; i++)
    {
      double z = MIN (fabs (y[i] * zscale), COMPANDER_Z_MAX);
      double cell = step * exp (0.5 * z * z);
      y[i] += (float) ((lw_rng_uniform (rng) - 0.5) * cell);
    }
}

/* Net input of one crop: [ŷ_k · scale_k ; log2 (Δ) · step_scale] (lw-learned-decoder.h) */
static void
fill_input (const LwDecoderTrainer *t, const float *yhat, double step, float *x)
{
  gsize np = (gsize) t->n * t->positions;
  for (guint k = 0; k < t->n; k++)
    {
      float s = t->scales[k];
      for (gsize i = 0; i < t->positions; i++)
        x[(gsize) k * t->positions + i] = yhat[(gsize) k * t->positions + i] * s;
    }
  float c = (float) (log2 (step) * t->model.step_scale);
  for (gsize i = 0; i < t->positions; i++)
    x[np + i] = c;
}

/* packets (D × P) → pixels in 8-bit units (C × crop × crop, clamped as the codec does) */
static gboolean
packets_to_pixels (const LwDecoderTrainer *t, const float *packets, float *pixels,
                   GError **error)
{
  gsize dims[3] = { t->dim, t->gh, t->gw };
  g_autoptr (LwTensor) p = lw_tensor_new_uninit (3, dims, error);
  if (p == NULL)
    return FALSE;
  memcpy (p->data, packets, (gsize) t->dim * t->positions * sizeof (float));
  g_autoptr (LwTensor) img = lw_wpt2d_inverse (t->model.wavelet, p, t->model.levels, error);
  if (img == NULL)
    return FALSE;
  gsize n = lw_tensor_numel (img);
  for (gsize i = 0; i < n; i++)
    pixels[i] = CLAMP (img->data[i] + 127.5f, 0.0f, 255.0f);
  return TRUE;
}

static double
psnr_of_sse (double sse, gsize count)
{
  double mse = sse / (double) count;
  return mse > 0 ? 10 * log10 (255.0 * 255.0 / mse) : INFINITY;
}

/* Pixels in the scored window of a crop (all channels; the margin left out) */
static gsize
scored_pixels (const LwDecoderTrainer *t)
{
  return (gsize) t->model.channels * t->config.crop * t->config.crop;
}

/* Squared error over the scored window of two span × span crops */
static double
scored_sse (const LwDecoderTrainer *t, const float *a, const float *b)
{
  guint s = t->span, m = t->config.margin, crop = t->config.crop;
  double sse = 0;
  for (guint k = 0; k < t->model.channels; k++)
    for (guint y = m; y < m + crop; y++)
      {
        gsize row = ((gsize) k * s + y) * s;
        for (guint x = m; x < m + crop; x++)
          {
            double d = a[row + x] - b[row + x];
            sse += d * d;
          }
      }
  return sse;
}

/* The fixed validation crops (their own seed), quantised with the codec's quantiser */
static gboolean
prepare_eval (LwDecoderTrainer *t, GError **error)
{
  const LwDecoderTrainConfig *c = &t->config;
  if (c->eval_every == 0)
    return TRUE;
  guint e = t->n_eval = c->eval_crops;
  gsize pix = (gsize) t->model.channels * t->span * t->span;
  gsize dp = (gsize) t->dim * t->positions;
  t->eval_input = g_new (float, e * (gsize) (t->n + 1) * t->positions);
  t->eval_linear = g_new (float, e * dp);
  t->eval_pixels = g_new (float, e * pix);
  g_autofree float *recon = g_new (float, pix);
  LwRng rng;
  lw_rng_seed (&rng, c->seed ^ G_GUINT64_CONSTANT (0x5EEDE7A1DA7A5E7));
  double sse = 0;
  for (guint i = 0; i < e; i++)
    {
      draw_crop (t, &rng, FALSE);
      float *packets = t->eval_linear + i * dp;
      if (!analyse_crop (t, packets, error))
        return FALSE;
      for (gsize k = 0; k < pix; k++)
        t->eval_pixels[i * pix + k] = t->crop->data[k] * 255.0f;
      quantise_latents (t->latent, (gsize) t->n * t->positions, c->eval_step);
      fill_input (t, t->latent, c->eval_step,
                  t->eval_input + i * (gsize) (t->n + 1) * t->positions);
      lw_pca_reconstruct (t->pca, NULL, t->n, t->latent, t->positions, packets);
      if (!packets_to_pixels (t, packets, recon, error))
        return FALSE;
      sse += scored_sse (t, recon, t->eval_pixels + i * pix);
    }
  t->eval_psnr_linear = psnr_of_sse (sse, e * scored_pixels (t));
  return TRUE;
}

static gboolean
run_eval (LwDecoderTrainer *t, double *psnr, GError **error)
{
  const LwDecoderTrainConfig *c = &t->config;
  LwConvDec *net = lw_learned_decoder_net (t->dec);
  gsize pix = (gsize) t->model.channels * t->span * t->span;
  gsize dp = (gsize) t->dim * t->positions;
  gsize ip = (gsize) (t->n + 1) * t->positions;
  g_autofree float *recon = g_new (float, pix);
  /* t->target is free between steps and holds a batch of packets */
  float *packets = t->target;
  double sse = 0;
  for (guint i0 = 0; i0 < t->n_eval; i0 += c->batch)
    {
      guint nb = MIN (c->batch, t->n_eval - i0);
      const float *out = lw_convdec_forward (net, t->eval_input + i0 * ip, nb, t->gh, t->gw);
      for (guint b = 0; b < nb; b++)
        {
          const float *lin = t->eval_linear + (i0 + b) * dp;
          for (gsize k = 0; k < dp; k++)
            packets[k] = lin[k] + out[b * dp + k];
          if (!packets_to_pixels (t, packets, recon, error))
            return FALSE;
          sse += scored_sse (t, recon, t->eval_pixels + (i0 + b) * pix);
        }
    }
  *psnr = psnr_of_sse (sse, t->n_eval * scored_pixels (t));
  return TRUE;
}

LwDecoderTrainer *
lw_decoder_trainer_new (const LwDecoderTrainConfig *config, const char *resume, GError **error)
{
  g_autoptr (LwDecoderTrainer) t = g_new0 (LwDecoderTrainer, 1);
  t->config = *config;
  t->config.images = g_strdupv (config->images);
  t->last_eval_psnr = NAN;

  g_autoptr (GHashTable) meta = NULL;
  if (resume != NULL)
    {
      t->dec = lw_learned_decoder_load (resume, error);
      if (t->dec == NULL)
        return NULL;
      t->model = *lw_learned_decoder_config (t->dec);
    }
  else
    t->model = config->model;
  if (!check_config (&t->config, &t->model, error))
    return NULL;

  t->span = t->config.crop + 2 * t->config.margin;
  t->m0 = t->config.margin >> t->model.levels;
  t->gi = t->config.crop >> t->model.levels;
  const LwPca *pca = lw_pca_shipped (t->model.channels, t->model.levels, t->model.wavelet, error);
  if (pca == NULL)
    return NULL;
  t->pca = pca;
  t->dim = t->model.channels << (2 * t->model.levels);
  t->n = t->model.latents;
  if (t->n < 1 || t->n > pca->n)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "decoder training: %u latents; the shipped basis has %u (1 to %u)", t->n,
                   pca->n, pca->n);
      return NULL;
    }
  t->scales = g_new (float, t->n);
  if (!lw_learned_decoder_input_scales (&t->model, t->scales, error))
    return NULL;

  if (t->dec == NULL)
    {
      t->dec = lw_learned_decoder_new (&t->model, config->seed, error);
      if (t->dec == NULL)
        return NULL;
    }
  LwNnParams *params = lw_convdec_params (lw_learned_decoder_net (t->dec));
  LwAdamWConfig ocfg = { .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8,
                         .weight_decay = config->weight_decay };
  t->opt = lw_adamw_new (params, &ocfg);
  if (resume != NULL)
    {
      /* weights again (the same), and the optimiser state the model loader ignores */
      if (!lw_nn_checkpoint_load (resume, params, t->opt, &meta, error))
        return NULL;
      const char *s = g_hash_table_lookup (meta, "lw.train.step");
      char *end = NULL;
      guint64 step = s != NULL ? g_ascii_strtoull (s, &end, 10) : 0;
      if (s == NULL || end == s || *end != '\0' ||
          g_hash_table_lookup (meta, "adamw.steps") == NULL)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "%s: not a training checkpoint (no %s); a finished model cannot be "
                       "resumed", resume, s == NULL ? "'lw.train.step'" : "optimiser state");
          return NULL;
        }
      t->step = step;
    }

  /* images after the cheap checks, so a bad option does not wait for decoding */
  t->images = g_array_new (FALSE, TRUE, sizeof (TrainImage));
  g_array_set_clear_func (t->images, train_image_clear);
  for (guint i = 0; t->config.images[i] != NULL; i++)
    {
      TrainImage im = { 0 };
      if (!load_image (t->config.images[i], t->model.channels, t->span, &im, error))
        {
          train_image_clear (&im);
          return NULL;
        }
      g_array_append_val (t->images, im);
    }

  guint s = t->span;
  t->gh = t->gw = s >> t->model.levels;
  t->positions = (gsize) t->gh * t->gw;
  t->crop = lw_tensor_new_3d (t->model.channels, s, s);
  gsize b = t->config.batch;
  t->latent = g_new (float, (gsize) t->n * t->positions);
  t->input = g_new (float, b * (t->n + 1) * t->positions);
  t->target = g_new (float, b * t->dim * t->positions);
  t->dy = g_new (float, b * t->dim * t->positions);
  t->linear = g_new (float, (gsize) t->dim * t->positions);

  LwRng rng;
  lw_rng_seed (&rng, config->seed);
  t->seed_base = lw_rng_next (&rng);
  if (!prepare_eval (t, error))
    return NULL;
  return g_steal_pointer (&t);
}

guint64
lw_decoder_trainer_step (const LwDecoderTrainer *trainer)
{
  return trainer->step;
}

LwLearnedDecoder *
lw_decoder_trainer_get_decoder (LwDecoderTrainer *trainer)
{
  return trainer->dec;
}

static void
set_meta_u64 (LwLearnedDecoder *dec, const char *key, guint64 v)
{
  g_autofree char *s = g_strdup_printf ("%" G_GUINT64_FORMAT, v);
  lw_learned_decoder_set_meta (dec, key, s);
}

static void
set_meta_double (LwLearnedDecoder *dec, const char *key, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  lw_learned_decoder_set_meta (dec, key, g_ascii_formatd (buf, sizeof buf, "%.6g", v));
}

gboolean
lw_decoder_trainer_save (LwDecoderTrainer *t, const char *path, GError **error)
{
  const LwDecoderTrainConfig *c = &t->config;
  LwLearnedDecoder *dec = t->dec;
  set_meta_u64 (dec, "lw.train.step", t->step);
  set_meta_u64 (dec, "lw.train.steps", c->steps);
  /* base names: the model file should not carry the trainer's folder layout */
  GString *names = g_string_new (NULL);
  for (guint i = 0; c->images[i] != NULL; i++)
    {
      g_autofree char *base = g_path_get_basename (c->images[i]);
      g_string_append_printf (names, "%s%s", i ? "," : "", base);
    }
  lw_learned_decoder_set_meta (dec, "lw.train.images", names->str);
  g_string_free (names, TRUE);
  lw_learned_decoder_set_meta (dec, "lw.train.proxy",
                               c->proxy == LW_PROXY_NOISE ? "noise" : "quantise");
  set_meta_u64 (dec, "lw.train.crop", c->crop);
  set_meta_u64 (dec, "lw.train.margin", c->margin);
  set_meta_u64 (dec, "lw.train.batch", c->batch);
  set_meta_u64 (dec, "lw.train.warmup", c->warmup);
  set_meta_u64 (dec, "lw.train.seed", c->seed);
  set_meta_double (dec, "lw.train.lr", c->lr);
  set_meta_double (dec, "lw.train.lr_min", c->lr_min);
  set_meta_double (dec, "lw.train.weight_decay", c->weight_decay);
  set_meta_double (dec, "lw.train.step_min", c->step_min);
  set_meta_double (dec, "lw.train.step_max", c->step_max);
  if (c->eval_every > 0)
    {
      set_meta_double (dec, "lw.train.eval_step", c->eval_step);
      set_meta_double (dec, "lw.train.eval_psnr_linear", t->eval_psnr_linear);
      if (isfinite (t->last_eval_psnr))
        set_meta_double (dec, "lw.train.eval_psnr", t->last_eval_psnr);
    }
  lw_learned_decoder_update_id (dec);
  return lw_learned_decoder_save (dec, t->opt, path, error);
}

/* One optimisation step; returns the batch's MSE */
static gboolean
train_step (LwDecoderTrainer *t, double *loss, GError **error)
{
  const LwDecoderTrainConfig *c = &t->config;
  LwConvDec *net = lw_learned_decoder_net (t->dec);
  LwNnParams *params = lw_convdec_params (net);
  LwRng rng;
  lw_rng_seed (&rng, t->seed_base + t->step * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));

  gsize dp = (gsize) t->dim * t->positions;
  gsize np = (gsize) t->n * t->positions;
  gsize ip = np + t->positions;
  float *linear = t->linear;
  double log_lo = log (c->step_min), log_hi = log (c->step_max);
  for (guint b = 0; b < c->batch; b++)
    {
      float *target = t->target + b * dp;
      draw_crop (t, &rng, c->augment);
      if (!analyse_crop (t, target, error))
        return FALSE;
      double step = exp (log_lo + (log_hi - log_lo) * lw_rng_uniform (&rng));
      if (c->proxy == LW_PROXY_NOISE)
        noise_latents (t->latent, np, step, &rng);
      else
        quantise_latents (t->latent, np, step);
      fill_input (t, t->latent, step, t->input + b * ip);
      /* the net learns what the linear decoder misses */
      lw_pca_reconstruct (t->pca, NULL, t->n, t->latent, t->positions, linear);
      for (gsize k = 0; k < dp; k++)
        target[k] -= linear[k];
    }

  lw_nn_params_zero_grad (params);
  const float *out = lw_convdec_forward (net, t->input, c->batch, t->gh, t->gw);
  /* MSE over the scored positions: with a margin, the crop's edges (where the transform of a
   * crop alone sees its wrapped-around other side, unlike a whole image) only give context */
  gsize total = c->batch * t->dim * (gsize) t->gi * t->gi;
  double sse = 0;
  float scale = 2.0f / (float) total;
  for (gsize q = 0; q < c->batch * (gsize) t->dim; q++)
    for (guint y = 0; y < t->gh; y++)
      for (guint x = 0; x < t->gw; x++)
        {
          gsize k = (q * t->gh + y) * t->gw + x;
          gboolean scored = y >= t->m0 && y < t->m0 + t->gi && x >= t->m0 && x < t->m0 + t->gi;
          float d = scored ? out[k] - t->target[k] : 0.0f;
          sse += (double) d * d;
          t->dy[k] = scale * d;
        }
  *loss = sse / (double) total;
  if (!isfinite (*loss))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_FAILED,
                   "decoder training diverged at step %" G_GUINT64_FORMAT
                   " (loss is not finite); lower the learning rate", t->step);
      return FALSE;
    }
  lw_convdec_backward (net, t->dy, NULL);
  lw_nn_params_clip_grad (params, 1.0);
  lw_adamw_step (t->opt, lw_lr_warmup_cosine (t->step, c->warmup, c->steps, c->lr, c->lr_min));
  t->step++;
  return TRUE;
}

gboolean
lw_decoder_trainer_run (LwDecoderTrainer *t, LwDecoderTrainFunc func, gpointer user_data,
                        const char *checkpoint, guint checkpoint_every,
                        GCancellable *cancellable, GError **error)
{
  const LwDecoderTrainConfig *c = &t->config;
  if (c->threads > 0)
    lw_blas_set_threads (c->threads);
  gint64 t0 = g_get_monotonic_time ();
  guint64 first = t->step;
  gboolean ok = TRUE;
  g_autoptr (GError) local = NULL;

  while (t->step < c->steps)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, &local))
        {
          ok = FALSE;
          break;
        }
      LwDecoderTrainProgress pr = { 0 };
      pr.lr = lw_lr_warmup_cosine (t->step, c->warmup, c->steps, c->lr, c->lr_min);
      if (!train_step (t, &pr.loss, &local))
        {
          ok = FALSE;
          break;
        }
      pr.step = t->step;
      pr.steps = c->steps;
      if (c->eval_every > 0 && (t->step % c->eval_every == 0 || t->step == c->steps))
        {
          if (!run_eval (t, &pr.eval_psnr, &local))
            {
              ok = FALSE;
              break;
            }
          t->last_eval_psnr = pr.eval_psnr;
          pr.has_eval = TRUE;
          pr.eval_psnr_linear = t->eval_psnr_linear;
        }
      pr.elapsed_s = (double) (g_get_monotonic_time () - t0) * 1e-6;
      pr.eta_s = pr.elapsed_s / (double) (t->step - first) * (double) (c->steps - t->step);
      if (checkpoint != NULL && checkpoint_every > 0 && t->step % checkpoint_every == 0 &&
          t->step < c->steps && !lw_decoder_trainer_save (t, checkpoint, &local))
        {
          ok = FALSE;
          break;
        }
      if (func != NULL && !func (&pr, user_data))
        {
          g_set_error (&local, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                       "decoder training stopped at step %" G_GUINT64_FORMAT, t->step);
          ok = FALSE;
          break;
        }
    }

  lw_learned_decoder_update_id (t->dec);
  /* Stopped, cancelled or done, the state is consistent: keep it so the run can resume. A
   * failed step leaves nothing worth writing. */
  gboolean step_failed = !ok && !g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  if (checkpoint != NULL && !step_failed)
    {
      g_autoptr (GError) save_error = NULL;
      if (!lw_decoder_trainer_save (t, checkpoint, &save_error))
        {
          g_clear_error (&local);
          local = g_steal_pointer (&save_error);
          ok = FALSE;
        }
    }
  if (!ok)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}
