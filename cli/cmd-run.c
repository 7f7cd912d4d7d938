/* cmd-run.c — `latent-workbench-cli run`: replay a saved experiment and check its results
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The experiment file (docs/project-format.md) names an image or an audio file, a codec and its
 * parameters. `run` encodes and measures exactly as the GUI does (lw_measure_encode, or
 * lw_audio_measure_encode for audio), prints the figures,
 * and when the file records results compares them: the byte count must be equal and every
 * metric equal within RUN_REL_TOLERANCE (relative), else exit 3.
 */
#define G_LOG_DOMAIN "lw-cli"

#include "cli-common.h"

#include <math.h>
#include <string.h>

#include "lw-audio-io.h"
#include "lw-audio-measure.h"
#include "lw-error.h"
#include "lw-image-io.h"
#include "lw-learned-decoder.h"
#include "lw-measure.h"
#include "lw-project.h"

#define RUN_REL_TOLERANCE 1e-6

typedef struct
{
  const char *field;
  double      recorded;
  double      measured;
} RunDiff;

/* Equal within the relative tolerance; infinities must match, NaN matches only NaN */
static gboolean
close_enough (double recorded, double measured)
{
  if (isnan (recorded) || isnan (measured))
    return isnan (recorded) && isnan (measured);
  if (isinf (recorded) || isinf (measured))
    return recorded == measured;
  return fabs (recorded - measured) <= RUN_REL_TOLERANCE * MAX (fabs (recorded), fabs (measured));
}

static guint
compare_results (const LwMeasure *rec, const LwMeasure *got, RunDiff diffs[8])
{
  const struct { const char *field; double a, b; } pairs[] = {
    { "bpp", rec->bpp, got->bpp },
    { "ratio", rec->ratio, got->ratio },
    { "dim_reduction", rec->dim_reduction, got->dim_reduction },
    { "psnr", rec->psnr, got->psnr },
    { "psnr_y", rec->psnr_y, got->psnr_y },
    { "ssim", rec->ssim, got->ssim },
    { "ms_ssim", rec->ms_ssim, got->ms_ssim },
  };
  guint n = 0;

  if (rec->bytes != got->bytes)
    diffs[n++] = (RunDiff) { "bytes", (double) rec->bytes, (double) got->bytes };
  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    if (!close_enough (pairs[i].a, pairs[i].b))
      diffs[n++] = (RunDiff) { pairs[i].field, pairs[i].a, pairs[i].b };
  return n;
}

static char *
format_field (const char *field, double value)
{
  if (strcmp (field, "bytes") == 0)
    return g_strdup_printf ("%.0f", value);
  /* Enough digits to show a difference at the 1e-6 level */
  return cli_format_double (value, 9);
}

static void
print_text (const char *path, const LwProject *project, const LwTensor *image,
            const LwMeasure *m, const RunDiff *diffs, guint n_diffs)
{
  const LwCodec *codec = project->params->codec;
  g_autofree char *shape = lw_tensor_shape_string (image);
  g_autofree char *params = lw_params_to_string (project->params);
  g_autofree char *ratio = cli_format_double (m->ratio, 1);
  g_autofree char *dr = cli_format_double (m->dim_reduction, 2);
  g_autofree char *psnr = cli_format_double (m->psnr, 2);
  g_autofree char *psnr_y = cli_format_double (m->psnr_y, 2);
  g_autofree char *ssim = cli_format_double (m->ssim, 4);
  g_autofree char *ms_ssim = cli_format_double (m->ms_ssim, 4);

  g_print ("%s: %s on %s (%s), %s\n", path, codec->name, project->image, shape, params);
  g_print ("  size           %zu bytes, %.4f bpp, %s:1\n", m->bytes, m->bpp, ratio);
  g_print ("  dim reduction  %s\n", dr);
  g_print ("  PSNR           %s dB\n", psnr);
  g_print ("  PSNR-Y         %s dB\n", psnr_y);
  g_print ("  SSIM           %s\n", ssim);
  g_print ("  MS-SSIM        %s\n", ms_ssim);
  g_print ("  time           analyse %.1f ms, encode %.1f ms, decode %.1f ms\n", m->analyse_ms,
           m->encode_ms, m->decode_ms);
  if (!project->has_results)
    g_print ("reproduced: n/a (the experiment records no results)\n");
  else if (n_diffs == 0)
    g_print ("reproduced: yes\n");
  else
    {
      g_print ("reproduced: NO\n");
      for (guint i = 0; i < n_diffs; i++)
        {
          g_autofree char *a = format_field (diffs[i].field, diffs[i].recorded);
          g_autofree char *b = format_field (diffs[i].field, diffs[i].measured);
          g_print ("  %-14s recorded %s, measured %s\n", diffs[i].field, a, b);
        }
    }
}

static void
print_json (const char *path, const LwProject *project, const LwTensor *image,
            const LwMeasure *m, const RunDiff *diffs, guint n_diffs)
{
  const LwCodec *codec = project->params->codec;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "experiment");
  json_builder_add_string_value (b, path);
  json_builder_set_member_name (b, "image");
  json_builder_add_string_value (b, project->image);
  json_builder_set_member_name (b, "shape");
  json_builder_begin_array (b);
  for (guint i = 0; i < image->ndim; i++)
    json_builder_add_int_value (b, (gint64) image->shape[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "codec");
  json_builder_add_string_value (b, codec->name);
  json_builder_set_member_name (b, "params");
  json_builder_begin_object (b);
  for (guint i = 0; i < codec->n_params; i++)
    {
      g_autofree char *text = lw_param_format (&codec->params[i], project->params->values[i]);
      json_builder_set_member_name (b, codec->params[i].name);
      json_builder_add_string_value (b, text);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "bytes");
  json_builder_add_int_value (b, (gint64) m->bytes);
  cli_json_add_double (b, "bpp", m->bpp);
  cli_json_add_double (b, "ratio", m->ratio);
  cli_json_add_double (b, "dim_reduction", m->dim_reduction);
  cli_json_add_double (b, "psnr", m->psnr);
  cli_json_add_double (b, "psnr_y", m->psnr_y);
  cli_json_add_double (b, "ssim", m->ssim);
  cli_json_add_double (b, "ms_ssim", m->ms_ssim);
  cli_json_add_double (b, "analyse_ms", m->analyse_ms);
  cli_json_add_double (b, "encode_ms", m->encode_ms);
  cli_json_add_double (b, "decode_ms", m->decode_ms);
  json_builder_set_member_name (b, "reproduced");
  if (project->has_results)
    json_builder_add_boolean_value (b, n_diffs == 0);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "differences");
  json_builder_begin_array (b);
  for (guint i = 0; i < n_diffs; i++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "field");
      json_builder_add_string_value (b, diffs[i].field);
      cli_json_add_double (b, "recorded", diffs[i].recorded);
      cli_json_add_double (b, "measured", diffs[i].measured);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  cli_print_json (root);
}

/* An audio experiment: the audio is measured by lw-audio-measure and compared field by field
 * with the recorded audio results (bytes equal, the rest within RUN_REL_TOLERANCE). */
static int
run_audio (const char *path, const LwProject *project, gboolean json, const char *out_lwc,
           const char *out_audio)
{
  const LwCodec *codec = project->params->codec;
  g_autoptr (GError) error = NULL;
  g_autoptr (LwTensor) audio = lw_audio_load (project->audio, NULL, &error);
  g_autoptr (LwTensor) decoded = NULL;
  g_autoptr (GBytes) lwc = NULL;
  LwAudioMeasure m;
  LwAudioFormat format;
  RunDiff diffs[9];
  guint n_diffs = 0;

  if (out_audio != NULL && !lw_audio_format_for_path (out_audio, &format))
    return cli_usage_error ("run", "--out-audio: %s must end in .wav or .flac", out_audio);
  if (audio == NULL)
    {
      g_prefix_error (&error, "%s: audio: ", path);
      cli_report_error (NULL, error);
      return CLI_EXIT_BAD_INPUT;
    }
  if (!lw_audio_measure_encode (codec, audio, project->params, &m, &lwc,
                                out_audio ? &decoded : NULL, NULL, &error))
    {
      if (!g_str_has_prefix (error->message, codec->name))
        g_prefix_error (&error, "%s: ", codec->name);
      cli_report_error (path, error);
      return CLI_EXIT_BAD_INPUT;
    }
  if (out_lwc != NULL
      && !lw_file_write_atomic (out_lwc, g_bytes_get_data (lwc, NULL), g_bytes_get_size (lwc),
                                &error))
    return cli_report_error (out_lwc, error);
  if (out_audio != NULL && !lw_audio_save (decoded, out_audio, format, &error))
    return cli_report_error (out_audio, error);

  if (project->has_results)
    {
      const LwAudioMeasure *rec = &project->audio_results;
      const struct { const char *field; double a, b; } pairs[] = {
        { "kbps", rec->kbps, m.kbps },
        { "bits_per_sample", rec->bits_per_sample, m.bits_per_sample },
        { "ratio", rec->ratio, m.ratio },
        { "dim_reduction", rec->dim_reduction, m.dim_reduction },
        { "snr", rec->snr, m.snr },
        { "si_sdr", rec->si_sdr, m.si_sdr },
        { "psnr", rec->psnr, m.psnr },
        { "lsd", rec->lsd, m.lsd },
      };
      if (rec->bytes != m.bytes)
        diffs[n_diffs++] = (RunDiff) { "bytes", (double) rec->bytes, (double) m.bytes };
      for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
        if (!close_enough (pairs[i].a, pairs[i].b))
          diffs[n_diffs++] = (RunDiff) { pairs[i].field, pairs[i].a, pairs[i].b };
    }

  g_autofree char *params = lw_params_to_string (project->params);
  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      g_autoptr (JsonNode) root = NULL;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "experiment");
      json_builder_add_string_value (b, path);
      json_builder_set_member_name (b, "audio");
      json_builder_add_string_value (b, project->audio);
      json_builder_set_member_name (b, "shape");
      json_builder_begin_array (b);
      for (guint i = 0; i < audio->ndim; i++)
        json_builder_add_int_value (b, (gint64) audio->shape[i]);
      json_builder_end_array (b);
      cli_json_add_double (b, "sample_rate", audio->sample_rate);
      json_builder_set_member_name (b, "codec");
      json_builder_add_string_value (b, codec->name);
      json_builder_set_member_name (b, "params");
      json_builder_begin_object (b);
      for (guint i = 0; i < codec->n_params; i++)
        {
          g_autofree char *text = lw_param_format (&codec->params[i],
                                                   project->params->values[i]);
          json_builder_set_member_name (b, codec->params[i].name);
          json_builder_add_string_value (b, text);
        }
      json_builder_end_object (b);
      json_builder_set_member_name (b, "bytes");
      json_builder_add_int_value (b, (gint64) m.bytes);
      cli_json_add_double (b, "kbps", m.kbps);
      cli_json_add_double (b, "bits_per_sample", m.bits_per_sample);
      cli_json_add_double (b, "ratio", m.ratio);
      cli_json_add_double (b, "dim_reduction", m.dim_reduction);
      cli_json_add_double (b, "snr", m.snr);
      cli_json_add_double (b, "si_sdr", m.si_sdr);
      cli_json_add_double (b, "psnr", m.psnr);
      cli_json_add_double (b, "lsd", m.lsd);
      cli_json_add_double (b, "analyse_ms", m.analyse_ms);
      cli_json_add_double (b, "encode_ms", m.encode_ms);
      cli_json_add_double (b, "decode_ms", m.decode_ms);
      json_builder_set_member_name (b, "reproduced");
      if (project->has_results)
        json_builder_add_boolean_value (b, n_diffs == 0);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "differences");
      json_builder_begin_array (b);
      for (guint i = 0; i < n_diffs; i++)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "field");
          json_builder_add_string_value (b, diffs[i].field);
          cli_json_add_double (b, "recorded", diffs[i].recorded);
          cli_json_add_double (b, "measured", diffs[i].measured);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      cli_print_json (root);
    }
  else
    {
      g_autofree char *snr = cli_format_double (m.snr, 2);
      g_autofree char *si_sdr = cli_format_double (m.si_sdr, 2);
      g_autofree char *psnr = cli_format_double (m.psnr, 2);
      g_autofree char *lsd = cli_format_double (m.lsd, 3);
      g_print ("%s: %s on %s (%zu×%zu at %.0f Hz), %s\n", path, codec->name, project->audio,
               audio->shape[0], audio->shape[1], audio->sample_rate, params);
      g_print ("  size           %zu bytes, %.2f kbit/s, %.4f bits/sample\n", m.bytes, m.kbps,
               m.bits_per_sample);
      g_print ("  SNR            %s dB\n  SI-SDR         %s dB\n  PSNR           %s dB\n"
               "  LSD            %s dB\n", snr, si_sdr, psnr, lsd);
      g_print ("  time           analyse %.1f ms, encode %.1f ms, decode %.1f ms\n",
               m.analyse_ms, m.encode_ms, m.decode_ms);
      if (!project->has_results)
        g_print ("reproduced: n/a (the experiment records no results)\n");
      else
        g_print ("reproduced: %s\n", n_diffs == 0 ? "yes" : "NO");
      for (guint i = 0; i < n_diffs; i++)
        {
          g_autofree char *a = format_field (diffs[i].field, diffs[i].recorded);
          g_autofree char *b = format_field (diffs[i].field, diffs[i].measured);
          g_print ("  %-15s recorded %s, measured %s\n", diffs[i].field, a, b);
        }
    }
  return n_diffs == 0 ? CLI_EXIT_OK : CLI_EXIT_NOT_REPRODUCED;
}

/* --decoder FILE: a learned decoder model for decoder=learned, used for this run (encoding
 * prefers it; decoding finds it by the id the file records). A bad model is bad input. */
static gboolean
use_decoder_file (const char *path, int *status)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LwLearnedDecoder) dec = NULL;

  if (path == NULL)
    return TRUE;
  dec = lw_learned_decoder_load (path, &error);
  if (dec == NULL)
    {
      cli_report_error (path, error);
      *status = CLI_EXIT_BAD_INPUT;
      return FALSE;
    }
  lw_learned_decoder_use (dec);
  return TRUE;
}

int
cli_cmd_run (int    argc,
             char **argv)
{
  g_autofree char *decoder_path = NULL;
  g_autofree char *out_lwc = NULL;
  g_autofree char *out_png = NULL;
  g_autofree char *out_audio = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (LwProject) project = NULL;
  g_autoptr (LwTensor) image = NULL;
  g_autoptr (LwTensor) decoded = NULL;
  g_autoptr (GBytes) lwc = NULL;
  gboolean json = FALSE;
  LwMeasure m;
  RunDiff diffs[8];
  guint n_diffs = 0;
  const char *path;
  int status = CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      "Print one JSON object instead of text", NULL },
    { "decoder", 0, 0, G_OPTION_ARG_FILENAME, &decoder_path,
      "Learned decoder model for decoder=learned (a .safetensors from “train decoder”)",
      "FILE" },
    { "out-lwc", 0, 0, G_OPTION_ARG_FILENAME, &out_lwc,
      "Also write the encoded .lwc file", "FILE" },
    { "out-audio", 0, 0, G_OPTION_ARG_FILENAME, &out_audio,
      "Audio experiments: also write the decoded audio (.wav or .flac)", "FILE" },
    { "out-png", 0, 0, G_OPTION_ARG_FILENAME, &out_png,
      "Also write the decoded image as an 8-bit PNG", "FILE" },
    { NULL }
  };

  if (!cli_parse_options ("run", "EXPERIMENT.json",
                          "Replay a saved experiment: encode its image with its codec and\n"
                          "parameters, print the metrics, and compare them with the results the\n"
                          "experiment records (bytes equal, metrics within 1e-6 relative).\n"
                          "Exit 3 when they differ (“reproduced: NO”). A broken experiment file\n"
                          "is bad input (exit 1). Output files are written whenever the\n"
                          "experiment ran, also on exit 3.",
                          entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (argc != 2)
    return cli_usage_error ("run", argc < 2 ? "expected EXPERIMENT.json" : "too many arguments");
  path = argv[1];
  if (!use_decoder_file (decoder_path, &status))
    return status;

  project = lw_project_load (path, &error);
  if (project == NULL)
    {
      /* Whatever is wrong inside the file — a parameter out of range included — the file is
       * the bad input, not the command line */
      cli_report_error (path, error);
      return CLI_EXIT_BAD_INPUT;
    }

  if (project->kind == LW_MEDIA_AUDIO)
    return run_audio (path, project, json, out_lwc, out_audio);

  image = lw_image_load (project->image, NULL, &error);
  if (image == NULL)
    {
      g_prefix_error (&error, "%s: image: ", path);
      cli_report_error (NULL, error);
      return CLI_EXIT_BAD_INPUT;
    }

  if (!lw_measure_encode (project->params->codec, image, project->params, &m, &lwc,
                          out_png ? &decoded : NULL, NULL, &error))
    {
      if (!g_str_has_prefix (error->message, project->params->codec->name))
        g_prefix_error (&error, "%s: ", project->params->codec->name);
      cli_report_error (path, error);
      return CLI_EXIT_BAD_INPUT;
    }

  if (out_lwc != NULL
      && !lw_file_write_atomic (out_lwc, g_bytes_get_data (lwc, NULL), g_bytes_get_size (lwc),
                                &error))
    return cli_report_error (out_lwc, error);
  if (out_png != NULL && !lw_image_save_png (decoded, out_png, 8, &error))
    return cli_report_error (out_png, error);

  if (project->has_results)
    n_diffs = compare_results (&project->results, &m, diffs);

  if (json)
    print_json (path, project, image, &m, diffs, n_diffs);
  else
    print_text (path, project, image, &m, diffs, n_diffs);

  return n_diffs == 0 ? CLI_EXIT_OK : CLI_EXIT_NOT_REPRODUCED;
}
