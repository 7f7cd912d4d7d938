/* learned-decoder.c — benchmark: wavelet-latent's learned decoder against its linear decoder
 * at equal rate, on images not used in training
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: learned-decoder [--json] [--model FILE] [--points N] [IMAGE…]
 *
 * The model is the shipped decoder, or FILE (then used for encoding, lw_learned_decoder_use).
 * Images: astronaut, chelsea, coffee from $LW_SHARED_DATADIR/images (never trained on), or
 * those named. For each image and quantiser step (6, 9, 12, 18, 24, 32 by default; --points N
 * spreads N steps geometrically over [6, 32]) the image is encoded once per decoder
 * (decoder=linear, decoder=learned) from one analysis. The encoder is the same, so the latent
 * chunks must be byte for byte equal (checked: the bench fails otherwise); the rate reported is
 * the linear file's. Per image: PSNR of each decoder per step, the mean gain and a BD-PSNR of
 * learned over linear (equal rates make the two nearly the same; the BD-PSNR integrates over
 * log rate). mean_psnr_gain_db is the mean over images of their BD-PSNR.
 * Where the gain is: the mean over steps of each decoder's squared error split into the
 * interior (pixels at least BORDER px from every edge) and the border band, as PSNR gains
 * (interior_gain_db, border_gain_db). The transform of a whole image wraps around at its
 * edges (periodization), so the band holds errors a linear decoder cannot avoid.
 * Speed: decoding (lw_codec_decode_bytes) of the default-step files on one core
 * (lw_blas_set_threads (1)), median of 5 runs after a warm-up, total MP / total time.
 */
#define G_LOG_DOMAIN "lw-bench"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "lw-bitstream.h"
#include "lw-blas.h"
#include "lw-codec.h"
#include "lw-error.h"
#include "lw-image-io.h"
#include "lw-learned-decoder.h"
#include "lw-metrics.h"
#include "lw-rd.h"

static const char *default_images[] = { "astronaut.png", "chelsea.png", "coffee.png" };
static const double default_steps[] = { 6, 9, 12, 18, 24, 32 };
#define SPEED_REPS 5
#define SPEED_STEP 12
#define BORDER 32

typedef struct
{
  char   *label;
  guint   n;
  double *bpp, *psnr_linear, *psnr_learned;
  double  mean_gain, bd_psnr;
  double  sse[2][2], count[2];   /* [linear, learned][interior, border], pixels×channels */
  double  interior_gain, border_gain;
  double  pixels;
  GBytes *speed_linear, *speed_learned;   /* files at the default step */
} ImageResult;

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median_decode_s (GBytes *file)
{
  double t[SPEED_REPS];
  gsize len;
  const guint8 *data = g_bytes_get_data (file, &len);
  for (int r = -1; r < SPEED_REPS; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      LwTensor *img = lw_codec_decode_bytes (data, len, NULL, NULL);
      gint64 t1 = g_get_monotonic_time ();
      g_assert_true (img != NULL);
      lw_tensor_free (img);
      if (r >= 0)
        t[r] = (double) (t1 - t0) * 1e-6;
    }
  qsort (t, SPEED_REPS, sizeof (double), cmp_double);
  return t[SPEED_REPS / 2];
}

static GBytes *
latent_chunk (GBytes *file)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (file, &len);
  g_autoptr (GError) error = NULL;
  LwBitstream *bs = lw_bitstream_parse (data, len, &error);
  g_assert_no_error (error);
  GBytes *c = lw_bitstream_get_chunk (bs, LW_FOURCC ('L', 'A', 'T', 'R'));
  GBytes *out = c != NULL ? g_bytes_ref (c) : NULL;
  lw_bitstream_free (bs);
  return out;
}

/* PSNR of the decoded file; adds its squared errors in the interior and the border band to
 * sse[0], sse[1] and, when count is non-NULL, the sample counts to count[0], count[1] */
static double
psnr_of (GBytes *file, const LwTensor *ref, double *sse, double *count, GError **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (file, &len);
  g_autoptr (LwTensor) out = lw_codec_decode_bytes (data, len, NULL, error);
  if (out == NULL)
    return NAN;
  gsize C = ref->shape[0], H = ref->shape[1], W = ref->shape[2];
  for (gsize k = 0; k < C; k++)
    for (gsize y = 0; y < H; y++)
      for (gsize x = 0; x < W; x++)
        {
          gsize i = (k * H + y) * W + x;
          gboolean band = y < BORDER || x < BORDER || y + BORDER >= H || x + BORDER >= W;
          double d = ((double) out->data[i] - ref->data[i]) * 255.0;
          sse[band] += d * d;
          if (count != NULL)
            count[band] += 1;
        }
  return lw_psnr (ref, out);
}

static gboolean
run_image (const LwCodec *codec, const LwLearnedDecoderConfig *mc, const char *path,
           const double *steps, guint n, ImageResult *r, GError **error)
{
  g_autoptr (LwTensor) img = lw_image_load (path, NULL, error);
  if (img == NULL)
    return FALSE;
  r->label = g_path_get_basename (path);
  r->n = n;
  r->bpp = g_new (double, n);
  r->psnr_linear = g_new (double, n);
  r->psnr_learned = g_new (double, n);
  r->pixels = (double) img->shape[1] * img->shape[2];
  g_autoptr (LwParams) lin = lw_params_new (codec);
  g_autoptr (LwParams) learned = lw_params_new (codec);
  /* the configuration the model was trained for; only the decoder differs */
  LwParams *both[] = { lin, learned };
  for (guint i = 0; i < 2; i++)
    if (!lw_params_set (both[i], "latents", mc->latents, error) ||
        !lw_params_set (both[i], "levels", mc->levels, error) ||
        !lw_params_set (both[i], "wavelet", mc->wavelet, error))
      return FALSE;
  if (!lw_params_set (learned, "decoder", 1, error))
    return FALSE;
  gpointer analysis = lw_codec_analyse (codec, img, lin, NULL, error);
  if (analysis == NULL)
    return FALSE;
  gboolean ok = TRUE;
  for (guint i = 0; i < n && ok; i++)
    {
      lw_params_set (lin, "step", steps[i], NULL);
      lw_params_set (learned, "step", steps[i], NULL);
      g_autoptr (GBytes) a = lw_codec_encode (codec, analysis, lin, NULL, error);
      g_autoptr (GBytes) b = a != NULL ? lw_codec_encode (codec, analysis, learned, NULL, error)
                                       : NULL;
      if (b == NULL)
        {
          ok = FALSE;
          break;
        }
      g_autoptr (GBytes) ca = latent_chunk (a);
      g_autoptr (GBytes) cb = latent_chunk (b);
      if (ca == NULL || cb == NULL || !g_bytes_equal (ca, cb))
        {
          g_set_error (error, LW_ERROR, LW_ERROR_FAILED,
                       "%s at step %g: the learned decoder's latents differ from the linear "
                       "one's (the rate must be equal)", r->label, steps[i]);
          ok = FALSE;
          break;
        }
      r->bpp[i] = lw_bpp (g_bytes_get_size (a), img->shape[2], img->shape[1]);
      r->psnr_linear[i] = psnr_of (a, img, r->sse[0], r->count, error);
      r->psnr_learned[i] = isfinite (r->psnr_linear[i])
                             ? psnr_of (b, img, r->sse[1], NULL, error) : NAN;
      if (!isfinite (r->psnr_learned[i]))
        {
          ok = FALSE;
          break;
        }
      if (steps[i] == SPEED_STEP)
        {
          r->speed_linear = g_bytes_ref (a);
          r->speed_learned = g_bytes_ref (b);
        }
    }
  lw_codec_analysis_free (codec, analysis);
  if (!ok)
    return FALSE;
  if (r->speed_linear == NULL)
    {
      lw_params_set (lin, "step", SPEED_STEP, NULL);
      lw_params_set (learned, "step", SPEED_STEP, NULL);
      r->speed_linear = lw_codec_encode_signal (codec, img, lin, NULL, error);
      r->speed_learned = r->speed_linear != NULL
                             ? lw_codec_encode_signal (codec, img, learned, NULL, error) : NULL;
      if (r->speed_learned == NULL)
        return FALSE;
    }
  double sum = 0;
  for (guint i = 0; i < n; i++)
    sum += r->psnr_learned[i] - r->psnr_linear[i];
  r->mean_gain = sum / n;
  r->bd_psnr = r->mean_gain;
  /* the same number of samples on both sides, so a ratio of squared errors is a PSNR gain */
  r->interior_gain = 10 * log10 (r->sse[0][0] / r->sse[1][0]);
  r->border_gain = 10 * log10 (r->sse[0][1] / r->sse[1][1]);
  if (n >= 4)
    {
      /* rates are equal point by point; BD-PSNR weighs the gains over log rate */
      g_autoptr (GError) bd_error = NULL;
      if (!lw_bd_psnr_arrays (r->bpp, r->psnr_linear, n, r->bpp, r->psnr_learned, n,
                              &r->bd_psnr, &bd_error))
        r->bd_psnr = r->mean_gain;
    }
  return TRUE;
}

static void
image_result_clear (ImageResult *r)
{
  g_free (r->label);
  g_free (r->bpp);
  g_free (r->psnr_linear);
  g_free (r->psnr_learned);
  if (r->speed_linear)
    g_bytes_unref (r->speed_linear);
  if (r->speed_learned)
    g_bytes_unref (r->speed_learned);
}

static void
json_double (JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name (b, name);
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

int
main (int argc, char **argv)
{
  gboolean json = FALSE;
  g_autofree char *model_path = NULL;
  int points = 0;
  g_auto (GStrv) rest = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "One JSON object on stdout", NULL },
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path,
      "Decoder model (default: the shipped one)", "FILE" },
    { "points", 0, 0, G_OPTION_ARG_INT, &points, "Quantiser steps per image (6)", "N" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, "[IMAGE…]" },
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) ctx = g_option_context_new ("[IMAGE…]");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("learned-decoder: %s\n", error->message);
      return 2;
    }
  lw_memory_keep_large_blocks ();
  lw_blas_set_threads (1);

  g_autoptr (LwLearnedDecoder) model = NULL;
  if (model_path != NULL)
    {
      model = lw_learned_decoder_load (model_path, &error);
      if (model == NULL)
        {
          g_printerr ("learned-decoder: %s\n", error->message);
          return 1;
        }
      lw_learned_decoder_use (model);
    }
  else
    {
      model = lw_learned_decoder_find (3, 3, 48, 2, 0, &error);
      if (model == NULL)
        {
          g_printerr ("learned-decoder: no shipped decoder (%s); name one with --model FILE\n",
                      error->message);
          return 2;
        }
    }

  guint n_steps = G_N_ELEMENTS (default_steps);
  g_autofree double *steps = g_memdup2 (default_steps, sizeof default_steps);
  if (points > 0)
    {
      n_steps = points;
      g_free (steps);
      steps = g_new (double, n_steps);
      for (guint i = 0; i < n_steps; i++)
        steps[i] = n_steps == 1
                       ? 12 : round (6 * pow (32.0 / 6, (double) i / (n_steps - 1)) * 4) / 4;
    }

  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  if (rest != NULL && rest[0] != NULL)
    for (guint i = 0; rest[i]; i++)
      g_ptr_array_add (paths, g_strdup (rest[i]));
  else
    {
      const char *dir = g_getenv ("LW_SHARED_DATADIR");
      if (dir == NULL)
        dir = "/work/shared/data";
      for (guint i = 0; i < G_N_ELEMENTS (default_images); i++)
        g_ptr_array_add (paths, g_build_filename (dir, "images", default_images[i], NULL));
    }

  const LwCodec *codec = lw_codec_lookup ("wavelet-latent", &error);
  g_assert_no_error (error);
  guint n_img = paths->len;
  g_autofree ImageResult *res = g_new0 (ImageResult, n_img);
  double t_lin = 0, t_learned = 0, mp = 0, gain_sum = 0, interior_sum = 0;
  for (guint k = 0; k < n_img; k++)
    {
      if (!run_image (codec, lw_learned_decoder_config (model), paths->pdata[k], steps, n_steps,
                      &res[k], &error))
        {
          g_printerr ("learned-decoder: %s\n", error->message);
          return 1;
        }
      t_lin += median_decode_s (res[k].speed_linear);
      t_learned += median_decode_s (res[k].speed_learned);
      mp += res[k].pixels * 1e-6;
      gain_sum += res[k].bd_psnr;
      interior_sum += res[k].interior_gain;
    }
  double mean_gain = gain_sum / n_img, mean_interior = interior_sum / n_img;
  double lin_mps = mp / t_lin, learned_mps = mp / t_learned;
  const LwLearnedDecoderConfig *mc = lw_learned_decoder_config (model);
  const char *steps_meta = lw_learned_decoder_get_meta (model, "lw.train.step");

  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "model");
      json_builder_add_string_value (b, model_path != NULL ? model_path : "shipped");
      json_builder_set_member_name (b, "decoder_id");
      g_autofree char *id = g_strdup_printf ("%08x", lw_learned_decoder_id (model));
      json_builder_add_string_value (b, id);
      json_builder_set_member_name (b, "width");
      json_builder_add_int_value (b, mc->width);
      json_builder_set_member_name (b, "blocks");
      json_builder_add_int_value (b, mc->blocks);
      json_builder_set_member_name (b, "train_steps");
      json_builder_add_int_value (b, steps_meta ? g_ascii_strtoll (steps_meta, NULL, 10) : 0);
      json_double (b, "mean_psnr_gain_db", mean_gain);
      json_double (b, "mean_interior_gain_db", mean_interior);
      json_double (b, "learned_decode_mp_per_s", learned_mps);
      json_double (b, "linear_decode_mp_per_s", lin_mps);
      json_builder_set_member_name (b, "images");
      json_builder_begin_array (b);
      for (guint k = 0; k < n_img; k++)
        {
          ImageResult *r = &res[k];
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "image");
          json_builder_add_string_value (b, r->label);
          json_double (b, "bd_psnr_db", r->bd_psnr);
          json_double (b, "mean_gain_db", r->mean_gain);
          json_double (b, "interior_gain_db", r->interior_gain);
          json_double (b, "border_gain_db", r->border_gain);
          json_double (b, "border_share", r->count[1] / (r->count[0] + r->count[1]));
          json_builder_set_member_name (b, "points");
          json_builder_begin_array (b);
          for (guint i = 0; i < r->n; i++)
            {
              json_builder_begin_object (b);
              json_double (b, "step", steps[i]);
              json_double (b, "bpp", r->bpp[i]);
              json_double (b, "psnr_linear", r->psnr_linear[i]);
              json_double (b, "psnr_learned", r->psnr_learned[i]);
              json_builder_end_object (b);
            }
          json_builder_end_array (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      g_autoptr (JsonNode) root = json_builder_get_root (b);
      g_autoptr (JsonGenerator) gen = json_generator_new ();
      json_generator_set_pretty (gen, TRUE);
      json_generator_set_root (gen, root);
      g_autofree char *text = json_generator_to_data (gen, NULL);
      g_print ("%s\n", text);
    }
  else
    {
      g_print ("learned decoder %08x (width %u, %u blocks, %s steps) vs linear, equal rate\n",
               lw_learned_decoder_id (model), mc->width, mc->blocks,
               steps_meta ? steps_meta : "?");
      for (guint k = 0; k < n_img; k++)
        {
          ImageResult *r = &res[k];
          g_print ("\n%s: BD-PSNR %+.3f dB, mean gain %+.3f dB; interior %+.3f dB, the %d px "
                   "border band (%.0f %% of the pixels) %+.3f dB\n", r->label, r->bd_psnr,
                   r->mean_gain, r->interior_gain, BORDER,
                   100 * r->count[1] / (r->count[0] + r->count[1]), r->border_gain);
          g_print ("  %6s %8s %10s %10s %8s\n", "step", "bpp", "linear", "learned", "gain");
          for (guint i = 0; i < r->n; i++)
            g_print ("  %6.2f %8.4f %10.3f %10.3f %+8.3f\n", steps[i], r->bpp[i],
                     r->psnr_linear[i], r->psnr_learned[i],
                     r->psnr_learned[i] - r->psnr_linear[i]);
        }
      g_print ("\nmean BD-PSNR gain: %+.3f dB (interior only: %+.3f dB)\n", mean_gain,
               mean_interior);
      g_print ("decode, one core: learned %.2f MP/s, linear %.2f MP/s\n", learned_mps, lin_mps);
    }
  for (guint k = 0; k < n_img; k++)
    image_result_clear (&res[k]);
  return 0;
}
