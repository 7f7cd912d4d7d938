/* lw-decoder-train.h — training wavelet-latent's learned decoder on random crops of a folder
 * of images (CPU, the nn engine)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each step: a batch of random crops (size × size pixels, random image, position and flip) →
 * the codec's analysis (lw_wavelet_latent_packets, the shipped PCA's first N rows) → latents y
 * → a quantisation stand-in at a step Δ drawn log-uniformly from [step_min, step_max] per
 * crop: "noise" (WaLLoC's proxy: y + U(−Δ/2, Δ/2)·(local compander step)) or "quantise" (the
 * codec's own quantiser and dequantiser with its default rounding and bias) → ŷ → decoder
 * (lw-learned-decoder.h) → MSE against the true packets (8-bit units²). AdamW with warmup +
 * cosine decay, gradient clipping at 1. Every `eval_every` steps the fixed validation crops
 * (taken once from the same images with a separate seed) are decoded at Δ = eval_step with
 * the codec's real quantiser, and PSNR of the learned and of the linear decoder is reported.
 * Deterministic for a given config (seed) and thread count.
 */
#pragma once

#include <gio/gio.h>

#include "lw-learned-decoder.h"

G_BEGIN_DECLS

typedef enum { LW_PROXY_NOISE, LW_PROXY_QUANTISE } LwQuantProxy;

typedef struct
{
  char        **images;       /* NULL-terminated paths (PNG/JPEG; read by lw-image-io) */
  LwLearnedDecoderConfig model;  /* channels 3, levels 3, latents 48, cdf97, width 64,
                                  * blocks 2, groups 0, input_scale 1/64, step_scale 1/4 */
  guint         crop;         /* pixels, a multiple of 2^levels (default 128) */
  guint         margin;       /* pixels of context drawn around each crop, a multiple of
                               * 2^levels (default 0): the analysis and the net see
                               * crop + 2·margin, the loss and the validation PSNR count the
                               * crop only */
  guint         batch;        /* default 16 */
  guint64       steps;        /* total steps (default 3000) */
  guint64       warmup;       /* default 100 */
  double        lr, lr_min;   /* default 1e-3, 1e-4 */
  double        weight_decay; /* default 0 */
  double        step_min, step_max;  /* Δ range in 8-bit units (default 4, 40) */
  LwQuantProxy  proxy;        /* default LW_PROXY_NOISE */
  gboolean      augment;      /* more varied training crops: half of them taken at twice the
                               * size and halved (2×2 mean), transposed half the time, colour
                               * channels permuted and scaled by U(0.8, 1.2) each (gray images
                               * get tints); default FALSE. Validation crops never are. */
  guint         eval_every;   /* default 100; 0 = never */
  guint         eval_crops;   /* default 24 */
  double        eval_step;    /* default 12 (the codec's default step) */
  guint64       seed;         /* default 1 */
  guint         threads;      /* BLAS threads (lw_blas_set_threads); 0 = leave as is */
} LwDecoderTrainConfig;

void lw_decoder_train_config_init (LwDecoderTrainConfig *config);   /* the defaults above */
void lw_decoder_train_config_clear (LwDecoderTrainConfig *config);  /* frees images */

typedef struct
{
  guint64 step;           /* steps done */
  guint64 steps;          /* total */
  double  loss;           /* this step's training MSE (8-bit units²) */
  double  lr;
  double  elapsed_s;      /* wall time since this run started (not counting earlier runs) */
  double  eta_s;          /* estimated time to the end */
  gboolean has_eval;      /* TRUE on steps where the validation ran */
  double  eval_psnr;      /* learned decoder on the validation crops, dB */
  double  eval_psnr_linear;
} LwDecoderTrainProgress;

/* Called on the training thread after each step; return FALSE to stop (like cancelling). */
typedef gboolean (*LwDecoderTrainFunc) (const LwDecoderTrainProgress *progress,
                                        gpointer user_data);

typedef struct _LwDecoderTrainer LwDecoderTrainer;

/* Loads the images (errors name the file) and prepares a fresh decoder, or, with `resume`
 * (a checkpoint written by lw_decoder_trainer_save), continues from its weights, optimiser
 * state and step; the checkpoint's model configuration then wins over config->model. */
LwDecoderTrainer *lw_decoder_trainer_new  (const LwDecoderTrainConfig *config,
                                           const char *resume, GError **error);
void              lw_decoder_trainer_free (LwDecoderTrainer *trainer);
/* Trains until config->steps, a FALSE from func, or cancellation (then FALSE with
 * G_IO_ERROR_CANCELLED; the state stays consistent and can be saved and resumed).
 * checkpoint (nullable): written atomically every `checkpoint_every` steps and at the end. */
gboolean          lw_decoder_trainer_run  (LwDecoderTrainer *trainer, LwDecoderTrainFunc func,
                                           gpointer user_data, const char *checkpoint,
                                           guint checkpoint_every, GCancellable *cancellable,
                                           GError **error);
guint64           lw_decoder_trainer_step (const LwDecoderTrainer *trainer);
/* The decoder being trained (a reference; its id is updated at the end of run) */
LwLearnedDecoder *lw_decoder_trainer_get_decoder (LwDecoderTrainer *trainer);
/* A resumable checkpoint (model + optimiser + step + config in the metadata) */
gboolean          lw_decoder_trainer_save (LwDecoderTrainer *trainer, const char *path,
                                           GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwDecoderTrainer, lw_decoder_trainer_free)

G_END_DECLS
