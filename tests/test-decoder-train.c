/* test-decoder-train.c — the learned decoder's trainer: it learns, is deterministic, resumes
 * exactly, and rejects bad input clearly
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs on small synthetic images written to a temporary folder as PNG (shapes with sharp
 * edges, gradients and a little texture, which a linear decoder with 48 of 192 packet
 * channels reconstructs poorly), with a tiny net and crops, so each run takes a fraction of a
 * second.
 */
#define G_LOG_DOMAIN "test-decoder-train"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "lw-compander.h"
#include "lw-decoder-train.h"
#include "lw-error.h"
#include "lw-image-io.h"
#include "lw-nn-params.h"
#include "lw-pca.h"
#include "lw-wavelet-latent.h"

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LwDecoderTrainConfig, lw_decoder_train_config_clear)

static char *tmpdir;
static char *image_paths[4];

static void
make_images (void)
{
  GError *error = NULL;
  tmpdir = g_dir_make_tmp ("lw-decoder-train-XXXXXX", &error);
  g_assert_no_error (error);
  LwRng rng;
  lw_rng_seed (&rng, 7);
  for (guint n = 0; n < 3; n++)
    {
      guint h = 96 + 16 * n, w = 112;
      g_autoptr (LwTensor) img = lw_tensor_new_3d (3, h, w);
      for (guint c = 0; c < 3; c++)
        for (guint y = 0; y < h; y++)
          for (guint x = 0; x < w; x++)
            img->data[((gsize) c * h + y) * w + x] = 0.2f + 0.3f * (float) (x + c * y) / (w + h);
      /* rectangles and discs of random colours */
      for (guint s = 0; s < 14; s++)
        {
          guint cx = lw_rng_below (&rng, w), cy = lw_rng_below (&rng, h);
          guint r = 4 + lw_rng_below (&rng, 14);
          gboolean disc = lw_rng_below (&rng, 2);
          float col[3];
          for (guint c = 0; c < 3; c++)
            col[c] = (float) lw_rng_uniform (&rng);
          for (guint y = 0; y < h; y++)
            for (guint x = 0; x < w; x++)
              {
                int dx = (int) x - (int) cx, dy = (int) y - (int) cy;
                gboolean in = disc ? dx * dx + dy * dy <= (int) (r * r)
                                   : ABS (dx) <= (int) r && ABS (dy) <= (int) r / 2;
                if (in)
                  for (guint c = 0; c < 3; c++)
                    img->data[((gsize) c * h + y) * w + x] = col[c];
              }
        }
      for (gsize i = 0; i < lw_tensor_numel (img); i++)
        img->data[i] = CLAMP (img->data[i] + 0.02f * (float) (lw_rng_uniform (&rng) - 0.5), 0, 1);
      if (n == 2)
        {
          /* a gray image: replicated to RGB by the trainer */
          g_autoptr (LwTensor) gray = lw_tensor_new_3d (1, h, w);
          memcpy (gray->data, img->data, (gsize) h * w * sizeof (float));
          g_clear_pointer (&img, lw_tensor_free);
          img = g_steal_pointer (&gray);
        }
      image_paths[n] = g_strdup_printf ("%s/synthetic-%u.png", tmpdir, n);
      g_assert_true (lw_image_save_png (img, image_paths[n], 8, &error));
      g_assert_no_error (error);
    }
}

static void
tiny_config (LwDecoderTrainConfig *c, guint64 steps)
{
  lw_decoder_train_config_init (c);
  c->images = g_strdupv (image_paths);
  c->model.width = 16;
  c->model.blocks = 1;
  c->crop = 48;
  c->batch = 6;
  c->steps = steps;
  c->warmup = 4;
  c->lr = 5e-3;
  c->lr_min = 3e-4;
  c->eval_every = 10;
  c->eval_crops = 8;
  c->threads = 1;
}

typedef struct
{
  GArray  *losses;
  double   psnr, psnr_linear;
  guint    evals;
  guint64  stop_at;   /* 0 = never */
  double   last_eta;
} Record;

static gboolean
record_cb (const LwDecoderTrainProgress *p, gpointer data)
{
  Record *r = data;
  g_assert_true (isfinite (p->loss) && p->loss >= 0);
  g_assert_true (p->eta_s >= 0 && p->elapsed_s >= 0);
  g_array_append_val (r->losses, p->loss);
  if (p->has_eval)
    {
      r->psnr = p->eval_psnr;
      r->psnr_linear = p->eval_psnr_linear;
      r->evals++;
    }
  r->last_eta = p->eta_s;
  return r->stop_at == 0 || p->step < r->stop_at;
}

static double
mean_of (GArray *a, guint from, guint n)
{
  double s = 0;
  for (guint i = from; i < from + n; i++)
    s += g_array_index (a, double, i);
  return s / n;
}

static void
test_learns (void)
{
  g_auto (LwDecoderTrainConfig) c;
  tiny_config (&c, 200);
  GError *error = NULL;
  g_autoptr (LwDecoderTrainer) t = lw_decoder_trainer_new (&c, NULL, &error);
  g_assert_no_error (error);
  Record r = { .losses = g_array_new (FALSE, FALSE, sizeof (double)) };
  g_assert_true (lw_decoder_trainer_run (t, record_cb, &r, NULL, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r.losses->len, ==, 200);
  g_assert_cmpuint (r.evals, ==, 20);
  g_assert_cmpuint (lw_decoder_trainer_step (t), ==, 200);
  g_assert_cmpfloat (r.last_eta, ==, 0);

  /* Batches differ a lot (flat crops against busy ones), so the loss is compared with the
   * linear decoder's on the same batches: a run that does not move the weights sees the same
   * crops, steps and noise (each step's draws depend only on the seed and the step). */
  c.lr = 1e-12;
  c.lr_min = 0;
  g_autoptr (LwDecoderTrainer) still = lw_decoder_trainer_new (&c, NULL, &error);
  g_assert_no_error (error);
  Record base = { .losses = g_array_new (FALSE, FALSE, sizeof (double)) };
  g_assert_true (lw_decoder_trainer_run (still, record_cb, &base, NULL, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (g_array_index (r.losses, double, 0),
                                  g_array_index (base.losses, double, 0), 1e-9);
  double first = mean_of (r.losses, 0, 20) / mean_of (base.losses, 0, 20);
  double last = mean_of (r.losses, 150, 50) / mean_of (base.losses, 150, 50);
  g_test_message ("loss / linear decoder's: %.4f (steps 1–20) → %.4f (151–200); validation "
                  "PSNR learned %.3f dB, linear %.3f dB", first, last, r.psnr, r.psnr_linear);
  g_assert_cmpfloat (first, <, 1.01);
  g_assert_cmpfloat (last, <, 0.95);
  g_assert_cmpfloat (r.psnr, >=, r.psnr_linear + 0.1);
  g_assert_cmpfloat (base.psnr, ==, base.psnr_linear);
  g_assert_cmpfloat (r.psnr_linear, >, 15);
  g_array_unref (r.losses);
  g_array_unref (base.losses);

  /* The header's formula, independently: the decoder's own tiled apply on a crop's latents
   * gives what [ŷ·input_scale ; log2 (Δ)·step_scale] through the net gives. This ties the
   * trainer's input layout to the one the codec decodes with. */
  LwLearnedDecoder *dec = lw_decoder_trainer_get_decoder (t);
  const LwLearnedDecoderConfig *m = lw_learned_decoder_config (dec);
  g_autoptr (LwTensor) img = lw_image_load (image_paths[0], NULL, &error);
  g_assert_no_error (error);
  g_autoptr (LwTensor) packets = lw_wavelet_latent_packets (img, m->wavelet, m->levels, &error);
  g_assert_no_error (error);
  const LwPca *pca = lw_pca_shipped (3, m->levels, m->wavelet, &error);
  g_assert_no_error (error);
  guint gh = packets->shape[1], gw = packets->shape[2], n = m->latents;
  gsize pos = (gsize) gh * gw, dim = packets->shape[0];
  g_autofree float *y = g_new (float, n * pos);
  lw_pca_project (pca, n, packets->data, pos, y);
  double step = 12;
  g_autoptr (LwCompander) comp = lw_compander_new_full (12, step, 0.35, -0.08);
  for (gsize i = 0; i < n * pos; i++)
    y[i] = lw_compander_dequantise (comp, lw_compander_quantise (comp, y[i]));
  g_autofree float *applied = g_new0 (float, dim * pos);
  g_assert_true (lw_learned_decoder_apply (dec, y, gh, gw, step, applied, &error));
  g_assert_no_error (error);
  g_autofree float *x = g_new (float, (n + 1) * pos);
  for (gsize i = 0; i < n * pos; i++)
    x[i] = y[i] * (float) m->input_scale;
  for (gsize i = 0; i < pos; i++)
    x[n * pos + i] = (float) (log2 (step) * m->step_scale);
  const float *direct = lw_convdec_forward (lw_learned_decoder_net (dec), x, 1, gh, gw);
  double maxdiff = 0, maxval = 0;
  for (gsize i = 0; i < dim * pos; i++)
    {
      maxdiff = MAX (maxdiff, fabs (applied[i] - direct[i]));
      maxval = MAX (maxval, fabs (direct[i]));
    }
  g_assert_cmpfloat (maxval, >, 0.01);
  g_assert_cmpfloat (maxdiff, <=, 1e-4 * maxval);
}

static LwNnParams *
params_of (LwDecoderTrainer *t)
{
  return lw_convdec_params (lw_learned_decoder_net (lw_decoder_trainer_get_decoder (t)));
}

static gboolean
same_weights (LwDecoderTrainer *a, LwDecoderTrainer *b)
{
  LwNnParams *pa = params_of (a), *pb = params_of (b);
  return lw_nn_params_total (pa) == lw_nn_params_total (pb) &&
         memcmp (lw_nn_params_values (pa), lw_nn_params_values (pb),
                 lw_nn_params_total (pa) * sizeof (float)) == 0;
}

static void
test_deterministic (void)
{
  g_auto (LwDecoderTrainConfig) c;
  tiny_config (&c, 15);
  c.proxy = LW_PROXY_QUANTISE;
  GError *error = NULL;
  g_autoptr (LwDecoderTrainer) a = lw_decoder_trainer_new (&c, NULL, &error);
  g_assert_no_error (error);
  g_autoptr (LwDecoderTrainer) b = lw_decoder_trainer_new (&c, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lw_decoder_trainer_run (a, NULL, NULL, NULL, 0, NULL, &error));
  g_assert_true (lw_decoder_trainer_run (b, NULL, NULL, NULL, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (same_weights (a, b));
  g_assert_cmpuint (lw_learned_decoder_id (lw_decoder_trainer_get_decoder (a)), ==,
                    lw_learned_decoder_id (lw_decoder_trainer_get_decoder (b)));

  /* another seed trains other weights */
  c.seed = 2;
  g_autoptr (LwDecoderTrainer) d = lw_decoder_trainer_new (&c, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lw_decoder_trainer_run (d, NULL, NULL, NULL, 0, NULL, &error));
  g_assert_false (same_weights (a, d));

  /* augmented crops: as deterministic, and other crops than without */
  c.seed = 1;
  c.augment = TRUE;
  g_autoptr (LwDecoderTrainer) e = lw_decoder_trainer_new (&c, NULL, &error);
  g_assert_no_error (error);
  g_autoptr (LwDecoderTrainer) f = lw_decoder_trainer_new (&c, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lw_decoder_trainer_run (e, NULL, NULL, NULL, 0, NULL, &error));
  g_assert_true (lw_decoder_trainer_run (f, NULL, NULL, NULL, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (same_weights (e, f));
  g_assert_false (same_weights (a, e));
}

/* A margin is context only: with crop 32 and margin 16 the trainer draws the same 64×64 crops
 * as with crop 64 and no margin, and scores their central 32×32. There the linear decoder is
 * better than over the whole crop, whose transform wraps around at its edges. Training with a
 * margin improves on the linear decoder there and is deterministic. */
static void
test_margin (void)
{
  g_auto (LwDecoderTrainConfig) c;
  tiny_config (&c, 30);
  c.crop = 64;
  GError *error = NULL;
  Record whole = { g_array_new (FALSE, FALSE, sizeof (double)) };
  g_autoptr (LwDecoderTrainer) a = lw_decoder_trainer_new (&c, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lw_decoder_trainer_run (a, record_cb, &whole, NULL, 0, NULL, &error));
  g_assert_no_error (error);

  c.crop = 32;
  c.margin = 16;
  Record centre = { g_array_new (FALSE, FALSE, sizeof (double)) };
  g_autoptr (LwDecoderTrainer) b = lw_decoder_trainer_new (&c, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lw_decoder_trainer_run (b, record_cb, &centre, NULL, 0, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("linear PSNR: whole crops %.2f dB, their centres %.2f dB", whole.psnr_linear,
                  centre.psnr_linear);
  g_assert_cmpfloat (centre.psnr_linear, >, whole.psnr_linear + 0.2);
  g_assert_cmpfloat (centre.psnr, >, centre.psnr_linear);

  g_autoptr (LwDecoderTrainer) b2 = lw_decoder_trainer_new (&c, NULL, &error);
  g_assert_true (lw_decoder_trainer_run (b2, NULL, NULL, NULL, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (same_weights (b, b2));
  g_array_unref (whole.losses);
  g_array_unref (centre.losses);
}

static gboolean
cancel_at_cb (const LwDecoderTrainProgress *p, gpointer data)
{
  if (p->step == 9)
    g_cancellable_cancel (data);
  return TRUE;
}

static void
test_resume (void)
{
  g_auto (LwDecoderTrainConfig) c;
  tiny_config (&c, 24);
  GError *error = NULL;
  g_autofree char *ckpt = g_build_filename (tmpdir, "ckpt.safetensors", NULL);

  g_autoptr (LwDecoderTrainer) whole = lw_decoder_trainer_new (&c, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lw_decoder_trainer_run (whole, NULL, NULL, NULL, 0, NULL, &error));
  g_assert_no_error (error);

  /* cancelled after step 9: the checkpoint holds step 9 */
  g_autoptr (GCancellable) cancel = g_cancellable_new ();
  g_autoptr (LwDecoderTrainer) part = lw_decoder_trainer_new (&c, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (lw_decoder_trainer_run (part, cancel_at_cb, cancel, ckpt, 4, cancel, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (lw_decoder_trainer_step (part), ==, 9);
  g_autoptr (LwLearnedDecoder) saved = lw_learned_decoder_load (ckpt, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lw_learned_decoder_get_meta (saved, "lw.train.step"), ==, "9");
  g_assert_cmpstr (lw_learned_decoder_get_meta (saved, "lw.train.steps"), ==, "24");
  g_assert_cmpstr (lw_learned_decoder_get_meta (saved, "lw.train.proxy"), ==, "noise");
  g_assert_nonnull (strstr (lw_learned_decoder_get_meta (saved, "lw.train.images"),
                            "synthetic-1.png"));

  /* a FALSE from the callback stops like cancelling; then resume from step 9 to the end */
  g_autoptr (LwDecoderTrainer) rest = lw_decoder_trainer_new (&c, ckpt, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lw_decoder_trainer_step (rest), ==, 9);
  Record r = { .losses = g_array_new (FALSE, FALSE, sizeof (double)), .stop_at = 13 };
  g_assert_false (lw_decoder_trainer_run (rest, record_cb, &r, ckpt, 0, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (r.losses->len, ==, 4);
  g_array_unref (r.losses);
  g_clear_pointer (&rest, lw_decoder_trainer_free);
  rest = lw_decoder_trainer_new (&c, ckpt, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lw_decoder_trainer_step (rest), ==, 13);
  g_assert_true (lw_decoder_trainer_run (rest, NULL, NULL, ckpt, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (same_weights (whole, rest));

  /* the final checkpoint is the finished model */
  g_clear_pointer (&saved, lw_learned_decoder_unref);
  saved = lw_learned_decoder_load (ckpt, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lw_learned_decoder_get_meta (saved, "lw.train.step"), ==, "24");
  g_assert_cmpuint (lw_learned_decoder_id (saved), ==,
                    lw_learned_decoder_id (lw_decoder_trainer_get_decoder (whole)));
  g_unlink (ckpt);
}

static void
expect_error (LwDecoderTrainConfig *c, const char *resume, const char *needle)
{
  GError *error = NULL;
  LwDecoderTrainer *t = lw_decoder_trainer_new (c, resume, &error);
  g_assert_null (t);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  if (strstr (error->message, needle) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, needle);
  g_error_free (error);
}

static void
test_bad_input (void)
{
  g_auto (LwDecoderTrainConfig) c;
  tiny_config (&c, 5);
  GError *error = NULL;

  /* a missing image, named */
  g_autofree char *missing = g_build_filename (tmpdir, "no-such-image.png", NULL);
  g_free (c.images[1]);
  c.images[1] = g_strdup (missing);
  expect_error (&c, NULL, "no-such-image.png");

  /* a file that is not an image */
  g_autofree char *text = g_build_filename (tmpdir, "notes.png", NULL);
  g_assert_true (g_file_set_contents (text, "not an image at all\n", -1, &error));
  g_free (c.images[1]);
  c.images[1] = g_strdup (text);
  expect_error (&c, NULL, "notes.png");
  g_free (c.images[1]);
  c.images[1] = g_strdup (image_paths[1]);

  /* crop not a multiple of 2^levels, or larger than an image */
  c.crop = 36;
  expect_error (&c, NULL, "2^levels");
  c.crop = 128;
  expect_error (&c, NULL, "smaller than the 128×128");
  c.crop = 48;
  /* a margin not a multiple of 2^levels, or one that makes the drawn crop too large */
  c.margin = 12;
  expect_error (&c, NULL, "margin 12");
  c.margin = 40;
  expect_error (&c, NULL, "smaller than the 128×128");
  c.margin = 0;

  /* no images */
  g_auto (GStrv) keep = c.images;
  c.images = NULL;
  expect_error (&c, NULL, "no training images");
  c.images = g_steal_pointer (&keep);

  /* corrupt checkpoints: garbage, a truncated one, a finished model without optimiser */
  g_autofree char *bad = g_build_filename (tmpdir, "bad.safetensors", NULL);
  g_assert_true (g_file_set_contents (bad, "\x10\0\0\0\0\0\0\0{\"a\":1}", 16, &error));
  expect_error (&c, bad, "bad.safetensors");
  g_autofree char *good = g_build_filename (tmpdir, "good.safetensors", NULL);
  g_autoptr (LwDecoderTrainer) t = lw_decoder_trainer_new (&c, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lw_decoder_trainer_run (t, NULL, NULL, good, 0, NULL, &error));
  g_assert_no_error (error);
  g_autofree char *contents = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (good, &contents, &len, &error));
  g_assert_true (g_file_set_contents (bad, contents, len / 2, &error));
  expect_error (&c, bad, "bad.safetensors");
  g_assert_true (lw_learned_decoder_save (lw_decoder_trainer_get_decoder (t), NULL, bad, &error));
  g_assert_no_error (error);
  expect_error (&c, bad, "not a training checkpoint");
  g_unlink (bad);
  g_unlink (good);
  g_unlink (text);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  make_images ();
  g_test_add_func ("/decoder-train/learns", test_learns);
  g_test_add_func ("/decoder-train/deterministic", test_deterministic);
  g_test_add_func ("/decoder-train/resume", test_resume);
  g_test_add_func ("/decoder-train/margin", test_margin);
  g_test_add_func ("/decoder-train/bad-input", test_bad_input);
  int ret = g_test_run ();
  for (guint i = 0; image_paths[i] != NULL; i++)
    {
      g_unlink (image_paths[i]);
      g_free (image_paths[i]);
    }
  g_rmdir (tmpdir);
  g_free (tmpdir);
  return ret;
}
