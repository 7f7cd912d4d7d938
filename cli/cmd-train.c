/* cmd-train.c — `latent-workbench-cli train decoder`: trains wavelet-latent's learned decoder
 * on random crops of a folder of images (lw-decoder-train.h)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Progress goes to stderr as text lines, or to stdout as one JSON object per line with
 * --json. The model is written to --out every CHECKPOINT_EVERY steps and at the end, each time
 * atomically; it doubles as a checkpoint (optimiser state included), so an interrupted run
 * continues with --resume FILE. SIGINT stops after the current step and saves; a second
 * SIGINT ends the process at once.
 */
#define G_LOG_DOMAIN "lw-cli"

#include "cli-common.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lw-decoder-train.h"
#include "lw-error.h"
#include "lw-wavelet.h"

#define CHECKPOINT_EVERY 100
/* text progress: a line every this many steps (and on every validation) */
#define PRINT_EVERY 10

typedef struct
{
  gboolean json;
  double   best_gain;
} TrainUi;

static void
print_json_line (const LwDecoderTrainProgress *p)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "step");
  json_builder_add_int_value (b, (gint64) p->step);
  json_builder_set_member_name (b, "steps");
  json_builder_add_int_value (b, (gint64) p->steps);
  cli_json_add_double (b, "loss", p->loss);
  cli_json_add_double (b, "lr", p->lr);
  cli_json_add_double (b, "elapsed_s", p->elapsed_s);
  cli_json_add_double (b, "eta_s", p->eta_s);
  if (p->has_eval)
    {
      cli_json_add_double (b, "eval_psnr", p->eval_psnr);
      cli_json_add_double (b, "eval_psnr_linear", p->eval_psnr_linear);
      cli_json_add_double (b, "eval_gain_db", p->eval_psnr - p->eval_psnr_linear);
    }
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_root (gen, root);
  g_autofree char *text = json_generator_to_data (gen, NULL);
  g_print ("%s\n", text);
  fflush (stdout);
}

static gboolean
on_progress (const LwDecoderTrainProgress *p, gpointer user_data)
{
  TrainUi *ui = user_data;
  if (p->has_eval)
    ui->best_gain = MAX (ui->best_gain, p->eval_psnr - p->eval_psnr_linear);
  if (ui->json)
    {
      if (p->has_eval || p->step % PRINT_EVERY == 0 || p->step == p->steps)
        print_json_line (p);
    }
  else if (p->has_eval || p->step % PRINT_EVERY == 0 || p->step == p->steps)
    {
      g_autofree char *elapsed = cli_format_duration (p->elapsed_s);
      g_autofree char *eta = cli_format_duration (p->eta_s);
      GString *line = g_string_new (NULL);
      g_string_append_printf (line, "step %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT
                              "  loss %.3f  lr %.2e", p->step, p->steps, p->loss, p->lr);
      if (p->has_eval)
        g_string_append_printf (line, "  eval PSNR %.3f dB (linear %.3f, %+.3f)",
                                p->eval_psnr, p->eval_psnr_linear,
                                p->eval_psnr - p->eval_psnr_linear);
      g_string_append_printf (line, "  elapsed %s  ETA %s", elapsed, eta);
      g_printerr ("%s\n", line->str);
      g_string_free (line, TRUE);
    }
  return !cli_interrupted ();
}

static gboolean
is_image_name (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);
  return g_str_has_suffix (lower, ".png") || g_str_has_suffix (lower, ".jpg") ||
         g_str_has_suffix (lower, ".jpeg");
}

static int
compare_strings (gconstpointer a, gconstpointer b, gpointer unused)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Folders contribute their PNG and JPEG files (by name, sorted, so runs are reproducible);
 * files are taken as given (lw-image-io rejects non-images with a message naming them). */
static char **
expand_images (char **args, GError **error)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    {
      if (!g_file_test (args[i], G_FILE_TEST_IS_DIR))
        {
          g_ptr_array_add (out, g_strdup (args[i]));
          continue;
        }
      g_autoptr (GDir) dir = g_dir_open (args[i], 0, error);
      if (dir == NULL)
        {
          g_ptr_array_unref (out);
          return NULL;
        }
      guint before = out->len;
      const char *name;
      while ((name = g_dir_read_name (dir)) != NULL)
        if (is_image_name (name))
          g_ptr_array_add (out, g_build_filename (args[i], name, NULL));
      if (out->len == before)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_IO,
                       "%s: the folder holds no PNG or JPEG images", args[i]);
          g_ptr_array_unref (out);
          return NULL;
        }
      g_qsort_with_data (out->pdata + before, out->len - before, sizeof (gpointer),
                         compare_strings, NULL);
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LwDecoderTrainConfig, lw_decoder_train_config_clear)

static int
cmd_train_decoder (int argc, char **argv)
{
  g_auto (GStrv) images = NULL;
  g_autofree char *out = NULL, *resume = NULL, *proxy = NULL;
  gint64 steps = 3000, seed = 1;
  int batch = 16, crop = 128, margin = 0, width = 64, blocks = 2, latents = 48, threads = 0;
  double lr = 1e-3, input_scale = 1.0 / 64;
  g_autofree char *input_norm = NULL;
  gboolean augment = FALSE;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "images", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &images,
      "Training image or folder of PNG/JPEG images (repeatable; more may follow as arguments)",
      "DIR|FILE" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
      "Model / checkpoint to write (safetensors)", "FILE" },
    { "steps", 0, 0, G_OPTION_ARG_INT64, &steps, "Total training steps (3000)", "N" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &batch, "Crops per step (16)", "N" },
    { "crop", 0, 0, G_OPTION_ARG_INT, &crop, "Crop size in pixels, a multiple of 8 (128)", "N" },
    { "margin", 0, 0, G_OPTION_ARG_INT, &margin,
      "Context in pixels around each crop, a multiple of 8, seen but not scored (0)", "N" },
    { "width", 0, 0, G_OPTION_ARG_INT, &width, "Hidden channels of the net (64)", "N" },
    { "blocks", 0, 0, G_OPTION_ARG_INT, &blocks, "Residual blocks (2)", "N" },
    { "latents", 0, 0, G_OPTION_ARG_INT, &latents, "Latent channels N of the codec (48)", "N" },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &lr,
      "Peak learning rate (1e-3; cosine decay to a tenth)", "X" },
    { "input-scale", 0, 0, G_OPTION_ARG_DOUBLE, &input_scale,
      "Factor on the latents (8-bit units) at the net's input (1/64 = 0.015625)", "X" },
    { "augment", 0, 0, G_OPTION_ARG_NONE, &augment,
      "More varied crops: halved from twice the size, transposed, colour channels permuted "
      "and scaled", NULL },
    { "input-norm", 0, 0, G_OPTION_ARG_STRING, &input_norm,
      "none (default) or pca-std: divide each latent by its spread in the shipped PCA basis "
      "(then an --input-scale near 1)", "none|pca-std" },
    { "proxy", 0, 0, G_OPTION_ARG_STRING, &proxy,
      "Quantisation stand-in while training: noise (WaLLoC's, default) or quantise",
      "noise|quantise" },
    { "resume", 0, 0, G_OPTION_ARG_FILENAME, &resume,
      "Continue from a checkpoint (its net configuration wins over --width/--blocks/--latents)",
      "FILE" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "BLAS threads (default: OpenBLAS's)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Random seed (1)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Progress as JSON lines on stdout", NULL },
    { NULL }
  };

  g_autofree char *command_line = g_strjoinv (" ", argv);
  if (!cli_parse_options ("train decoder", "[IMAGE…]",
                          "Trains wavelet-latent's learned decoder on random crops of images.",
                          entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  /* positional images after the options */
  if (argc > 1)
    {
      GPtrArray *all = g_ptr_array_new ();
      for (guint i = 0; images != NULL && images[i] != NULL; i++)
        g_ptr_array_add (all, g_strdup (images[i]));
      for (int i = 1; i < argc; i++)
        {
          if (argv[i][0] == '-' && argv[i][1] != '\0')
            {
              g_ptr_array_free (all, TRUE);
              return cli_usage_error ("train decoder", "unknown option “%s”", argv[i]);
            }
          g_ptr_array_add (all, g_strdup (argv[i]));
        }
      g_ptr_array_add (all, NULL);
      g_strfreev (images);
      images = (char **) g_ptr_array_free (all, FALSE);
    }
  if (images == NULL || images[0] == NULL)
    return cli_usage_error ("train decoder", "no training images (--images DIR|FILE)");
  if (out == NULL)
    return cli_usage_error ("train decoder", "no output file (--out FILE)");
  if (steps < 1 || batch < 1 || crop < 8 || width < 1 || blocks < 0 || latents < 1 ||
      threads < 0 || seed < 0 || margin < 0)
    return cli_usage_error ("train decoder", "--steps, --batch, --crop, --width, --latents must "
                            "be positive, --blocks, --margin, --threads and --seed not "
                            "negative");
  if (!(lr > 0) || !isfinite (lr) || !(input_scale > 0) || !isfinite (input_scale))
    return cli_usage_error ("train decoder", "--lr and --input-scale must be positive numbers");

  g_auto (LwDecoderTrainConfig) config;
  lw_decoder_train_config_init (&config);
  if (proxy == NULL || strcmp (proxy, "noise") == 0)
    config.proxy = LW_PROXY_NOISE;
  else if (strcmp (proxy, "quantise") == 0 || strcmp (proxy, "quantize") == 0)
    config.proxy = LW_PROXY_QUANTISE;
  else
    return cli_usage_error ("train decoder", "--proxy must be noise or quantise, not “%s”",
                            proxy);

  g_autoptr (GError) error = NULL;
  config.images = expand_images (images, &error);
  if (config.images == NULL)
    return cli_report_error (NULL, error);
  config.model.width = width;
  config.model.blocks = blocks;
  config.model.latents = latents;
  config.model.input_scale = input_scale;
  if (input_norm != NULL && g_strcmp0 (input_norm, "none") != 0 &&
      g_strcmp0 (input_norm, "pca-std") != 0)
    return cli_usage_error ("train decoder", "--input-norm is none or pca-std, not '%s'",
                            input_norm);
  config.model.input_norm = g_strcmp0 (input_norm, "pca-std") == 0;
  config.augment = augment;
  config.crop = crop;
  config.margin = (guint) margin;
  config.batch = batch;
  config.steps = steps;
  /* the default 100 warmup steps, but at most a tenth of a short run */
  config.warmup = MIN (config.warmup, (guint64) steps / 10);
  config.lr = lr;
  config.lr_min = lr / 10;
  config.seed = seed;
  config.threads = threads;

  g_autoptr (LwDecoderTrainer) trainer = lw_decoder_trainer_new (&config, resume, &error);
  if (trainer == NULL)
    return cli_report_error (NULL, error);
  LwLearnedDecoder *dec = lw_decoder_trainer_get_decoder (trainer);
  g_autofree char *recorded = g_strdup_printf ("%s %s", CLI_PROGRAM, command_line);
  lw_learned_decoder_set_meta (dec, "lw.train.command", recorded);
  const LwLearnedDecoderConfig *m = lw_learned_decoder_config (dec);
  guint64 start = lw_decoder_trainer_step (trainer);
  if (start >= config.steps)
    {
      g_printerr ("%s: %s is at step %" G_GUINT64_FORMAT " already; raise --steps to train "
                  "further\n", CLI_PROGRAM, resume, start);
      return CLI_EXIT_USAGE;
    }
  if (!json)
    g_printerr ("training: %u images, net width %u, %u blocks, %u latents (%s, J=%u), crop %u, "
                "batch %u, proxy %s, steps %" G_GUINT64_FORMAT "–%" G_GUINT64_FORMAT "\n",
                g_strv_length (config.images), m->width, m->blocks, m->latents,
                lw_wavelet_name (m->wavelet), m->levels, config.crop, config.batch,
                config.proxy == LW_PROXY_NOISE ? "noise" : "quantise", start + 1,
                config.steps);

  TrainUi ui = { .json = json, .best_gain = -INFINITY };
  cli_sigint_catch ();
  gboolean ok = lw_decoder_trainer_run (trainer, on_progress, &ui, out, CHECKPOINT_EVERY, NULL,
                                        &error);
  cli_sigint_release ();

  guint64 done = lw_decoder_trainer_step (trainer);
  int rc = cli_train_outcome (ok, error, done, out, "--resume");
  if (rc == CLI_EXIT_OK && !json)
    g_printerr ("wrote %s (decoder id %08x, step %" G_GUINT64_FORMAT ")\n", out,
                lw_learned_decoder_id (dec), done);
  return rc;
}

int
cli_cmd_train (int argc, char **argv)
{
  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      FILE *f = argc < 2 ? stderr : stdout;
      fprintf (f, "Usage: %s train decoder --images DIR|FILE... --out FILE [OPTION…]\n"
                  "Run “%s train decoder --help” for the options.\n", CLI_PROGRAM, CLI_PROGRAM);
      return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
    }
  if (strcmp (argv[1], "decoder") == 0)
    return cmd_train_decoder (argc - 1, argv + 1);
  return cli_usage_error ("train", "unknown training target “%s” (only “decoder”)",
                          argv[1]);
}
