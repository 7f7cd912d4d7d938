/* learned-decoder.c — benchmark: wavelet-latent's learned decoder against its linear decoder
 * at equal rate, on images not used in training
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: learned-decoder [--json] [--model FILE] [--points N] [IMAGE…]
 *
 * Four decoders of the same latents: linear, learned (the net), chroma (the linear decoder with
 * the chroma=guided stage, lw-chroma-guide.h) and learned+chroma; each is compared with the
 * linear one. JSON keys without a variant name (mean_psnr_gain_db, bd_psnr_db, …) are the net
 * alone, as before the chroma stage existed.
 *
 * The model is the shipped decoder, or FILE (then used for encoding, lw_learned_decoder_use).
 * Images: astronaut, chelsea, coffee from $LW_SHARED_DATADIR/images (never trained on), or
 * those named. For each image and quantiser step (6, 9, 12, 18, 24, 32 by default; --points N
 * spreads N steps geometrically over [6, 32]) the image is encoded once per decoder
 * from one analysis. The encoder is the same, so the latent
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

/* The decoders compared, all on the same latents: the network, the chroma stage
 * (chroma=guided, lw-chroma-guide.h) and both together, each against the linear decoder */
enum { V_LINEAR, V_LEARNED, V_CHROMA, V_BOTH, N_VARIANTS };
static const struct
{
  const char *title, *key;
  gboolean    learned, chroma;
} variants[N_VARIANTS] = {
  { "linear", "linear", FALSE, FALSE },
  { "learned", "learned", TRUE, FALSE },
  { "chroma", "chroma", FALSE, TRUE },
  { "learned+chroma", "learned_chroma", TRUE, TRUE },
};

typedef struct
{
  char   *label;
  guint   n;
  double *bpp, *psnr[N_VARIANTS];
  double  mean_gain[N_VARIANTS], bd_psnr[N_VARIANTS];
  double  sse[N_VARIANTS][2], count[2];   /* [variant][interior, border], pixels×channels */
  double  interior_gain[N_VARIANTS], border_gain[N_VARIANTS];
  double  pixels;
  GBytes *speed[N_VARIANTS];              /* files at the default step */
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

/* Encodes at every step with each variant's parameters from one analysis; fails unless the
 * latent chunks are byte for byte the linear one's */
static gboolean
encode_all (const LwCodec *codec, gpointer analysis, LwParams **params, const LwTensor *img,
            const double *steps, guint n, ImageResult *r, GError **error)
{
  for (guint i = 0; i < n; i++)
    {
      GBytes *files[N_VARIANTS] = { NULL };
      g_autoptr (GBytes) reference = NULL;
      gboolean ok = TRUE;
      for (guint v = 0; v < N_VARIANTS && ok; v++)
        {
          lw_params_set (params[v], "step", steps[i], NULL);
          files[v] = lw_codec_encode (codec, analysis, params[v], NULL, error);
          g_autoptr (GBytes) chunk = files[v] != NULL ? latent_chunk (files[v]) : NULL;
          if (files[v] == NULL)
            ok = FALSE;
          else if (v == V_LINEAR)
            reference = g_steal_pointer (&chunk);
          else if (chunk == NULL || reference == NULL || !g_bytes_equal (chunk, reference))
            {
              g_set_error (error, LW_ERROR, LW_ERROR_FAILED,
                           "%s at step %g: the %s decoder's latents differ from the linear "
                           "one's (the rate must be equal)", r->label, steps[i],
                           variants[v].title);
              ok = FALSE;
            }
        }
      if (ok)
        r->bpp[i] = lw_bpp (g_bytes_get_size (files[V_LINEAR]), img->shape[2], img->shape[1]);
      for (guint v = 0; v < N_VARIANTS && ok; v++)
        {
          r->psnr[v][i] = psnr_of (files[v], img, r->sse[v], v == V_LINEAR ? r->count : NULL,
                                   error);
          ok = isfinite (r->psnr[v][i]);
        }
      for (guint v = 0; v < N_VARIANTS; v++)
        {
          if (ok && steps[i] == SPEED_STEP)
            r->speed[v] = g_bytes_ref (files[v]);
          if (files[v] != NULL)
            g_bytes_unref (files[v]);
        }
      if (!ok)
        return FALSE;
    }
  return TRUE;
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
  for (guint v = 0; v < N_VARIANTS; v++)
    r->psnr[v] = g_new (double, n);
  r->pixels = (double) img->shape[1] * img->shape[2];
  /* the configuration the model was trained for; only the decoder side differs */
  LwParams *params[N_VARIANTS];
  gboolean ok = TRUE;
  for (guint v = 0; v < N_VARIANTS; v++)
    {
      params[v] = lw_params_new (codec);
      ok = ok && lw_params_set (params[v], "latents", mc->latents, error)
           && lw_params_set (params[v], "levels", mc->levels, error)
           && lw_params_set (params[v], "wavelet", mc->wavelet, error)
           && lw_params_set (params[v], "decoder", variants[v].learned, error)
           && lw_params_set (params[v], "chroma", variants[v].chroma, error);
    }
  gpointer analysis = ok ? lw_codec_analyse (codec, img, params[V_LINEAR], NULL, error) : NULL;
  if (analysis != NULL)
    {
      ok = encode_all (codec, analysis, params, img, steps, n, r, error);
      lw_codec_analysis_free (codec, analysis);
    }
  else
    ok = FALSE;
  for (guint v = 0; ok && r->speed[V_LINEAR] == NULL && v < N_VARIANTS; v++)
    {
      lw_params_set (params[v], "step", SPEED_STEP, NULL);
      ok = (r->speed[v] = lw_codec_encode_signal (codec, img, params[v], NULL, error)) != NULL;
    }
  for (guint v = 0; v < N_VARIANTS; v++)
    lw_params_free (params[v]);
  if (!ok)
    return FALSE;
  for (guint v = 0; v < N_VARIANTS; v++)
    {
      double sum = 0;
      for (guint i = 0; i < n; i++)
        sum += r->psnr[v][i] - r->psnr[V_LINEAR][i];
      r->mean_gain[v] = r->bd_psnr[v] = sum / n;
      /* the same number of samples on both sides, so a ratio of squared errors is a PSNR gain */
      r->interior_gain[v] = 10 * log10 (r->sse[V_LINEAR][0] / r->sse[v][0]);
      r->border_gain[v] = 10 * log10 (r->sse[V_LINEAR][1] / r->sse[v][1]);
      /* rates are equal point by point; BD-PSNR weighs the gains over log rate */
      g_autoptr (GError) bd_error = NULL;
      if (n >= 4 && !lw_bd_psnr_arrays (r->bpp, r->psnr[V_LINEAR], n, r->bpp, r->psnr[v], n,
                                        &r->bd_psnr[v], &bd_error))
        r->bd_psnr[v] = r->mean_gain[v];
    }
  return TRUE;
}

static void
image_result_clear (ImageResult *r)
{
  g_free (r->label);
  g_free (r->bpp);
  for (guint v = 0; v < N_VARIANTS; v++)
    {
      g_free (r->psnr[v]);
      if (r->speed[v])
        g_bytes_unref (r->speed[v]);
    }
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
  double t[N_VARIANTS] = { 0 }, mp = 0, gain[N_VARIANTS] = { 0 }, interior[N_VARIANTS] = { 0 };
  for (guint k = 0; k < n_img; k++)
    {
      if (!run_image (codec, lw_learned_decoder_config (model), paths->pdata[k], steps, n_steps,
                      &res[k], &error))
        {
          g_printerr ("learned-decoder: %s\n", error->message);
          return 1;
        }
      for (guint v = 0; v < N_VARIANTS; v++)
        {
          t[v] += median_decode_s (res[k].speed[v]);
          gain[v] += res[k].bd_psnr[v] / n_img;
          interior[v] += res[k].interior_gain[v] / n_img;
        }
      mp += res[k].pixels * 1e-6;
    }
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
      /* "mean_psnr_gain_db" is the net alone; the others name their variant */
      json_double (b, "mean_psnr_gain_db", gain[V_LEARNED]);
      json_double (b, "mean_interior_gain_db", interior[V_LEARNED]);
      for (guint v = V_CHROMA; v < N_VARIANTS; v++)
        {
          g_autofree char *g = g_strdup_printf ("mean_%s_gain_db", variants[v].key);
          g_autofree char *in = g_strdup_printf ("mean_%s_interior_gain_db", variants[v].key);
          json_double (b, g, gain[v]);
          json_double (b, in, interior[v]);
        }
      for (guint v = 0; v < N_VARIANTS; v++)
        {
          g_autofree char *name = g_strdup_printf ("%s_decode_mp_per_s", variants[v].key);
          json_double (b, name, mp / t[v]);
        }
      json_builder_set_member_name (b, "images");
      json_builder_begin_array (b);
      for (guint k = 0; k < n_img; k++)
        {
          ImageResult *r = &res[k];
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "image");
          json_builder_add_string_value (b, r->label);
          json_double (b, "bd_psnr_db", r->bd_psnr[V_LEARNED]);
          json_double (b, "mean_gain_db", r->mean_gain[V_LEARNED]);
          json_double (b, "interior_gain_db", r->interior_gain[V_LEARNED]);
          json_double (b, "border_gain_db", r->border_gain[V_LEARNED]);
          for (guint v = V_CHROMA; v < N_VARIANTS; v++)
            {
              const char *key = variants[v].key;
              g_autofree char *bd = g_strdup_printf ("%s_bd_psnr_db", key);
              g_autofree char *in = g_strdup_printf ("%s_interior_gain_db", key);
              g_autofree char *bo = g_strdup_printf ("%s_border_gain_db", key);
              json_double (b, bd, r->bd_psnr[v]);
              json_double (b, in, r->interior_gain[v]);
              json_double (b, bo, r->border_gain[v]);
            }
          json_double (b, "border_share", r->count[1] / (r->count[0] + r->count[1]));
          json_builder_set_member_name (b, "points");
          json_builder_begin_array (b);
          for (guint i = 0; i < r->n; i++)
            {
              json_builder_begin_object (b);
              json_double (b, "step", steps[i]);
              json_double (b, "bpp", r->bpp[i]);
              for (guint v = 0; v < N_VARIANTS; v++)
                {
                  g_autofree char *name = g_strdup_printf ("psnr_%s", variants[v].key);
                  json_double (b, name, r->psnr[v][i]);
                }
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
      g_print ("learned decoder %08x (width %u, %u blocks, %s steps) and the chroma stage "
               "against the linear decoder, equal rate\n", lw_learned_decoder_id (model),
               mc->width, mc->blocks, steps_meta ? steps_meta : "?");
      for (guint k = 0; k < n_img; k++)
        {
          ImageResult *r = &res[k];
          g_print ("\n%s (the %d px border band holds %.0f %% of the pixels)\n", r->label,
                   BORDER, 100 * r->count[1] / (r->count[0] + r->count[1]));
          for (guint v = V_LEARNED; v < N_VARIANTS; v++)
            g_print ("  %-15s BD-PSNR %+.3f dB, mean gain %+.3f dB; interior %+.3f dB, border "
                     "band %+.3f dB\n", variants[v].title, r->bd_psnr[v], r->mean_gain[v],
                     r->interior_gain[v], r->border_gain[v]);
          g_print ("  %6s %8s", "step", "bpp");
          for (guint v = 0; v < N_VARIANTS; v++)
            g_print (" %15s", variants[v].title);
          g_print ("\n");
          for (guint i = 0; i < r->n; i++)
            {
              g_print ("  %6.2f %8.4f", steps[i], r->bpp[i]);
              for (guint v = 0; v < N_VARIANTS; v++)
                g_print (" %15.3f", r->psnr[v][i]);
              g_print ("\n");
            }
        }
      g_print ("\nmean BD-PSNR gain over linear (interior only):\n");
      for (guint v = V_LEARNED; v < N_VARIANTS; v++)
        g_print ("  %-15s %+.3f dB (%+.3f dB)\n", variants[v].title, gain[v], interior[v]);
      g_print ("decode, one core, MP/s:");
      for (guint v = 0; v < N_VARIANTS; v++)
        g_print (" %s %.2f%s", variants[v].title, mp / t[v], v + 1 < N_VARIANTS ? "," : "\n");
    }
  for (guint k = 0; k < n_img; k++)
    image_result_clear (&res[k]);
  return 0;
}
