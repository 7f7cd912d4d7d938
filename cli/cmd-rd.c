/* cmd-rd.c — `latent-workbench-cli rd`: rate–distortion sweeps, mean curves, BD-rate/BD-PSNR
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every codec sweeps its rate parameter over the same values on every image (the values
 * come from lw_rd_sweep_values), so curves can be averaged at matched settings: the mean
 * curve's point k is the mean bpp and mean PSNR (etc.) over the images at sweep value k.
 * Bjøntegaard deltas compare each codec with the FIRST codec given, on the mean curves and
 * on each image's curves.
 *
 * Audio inputs (by extension, lw_audio_path_is_audio) take audio codecs: the tables then show
 * kbit/s, bits per sample (per channel), SNR, SI-SDR, PSNR (WaLLoC's convention) and LSD, and
 * BD-rate runs on bits per sample against that PSNR. Image output is unchanged.
 */
#define G_LOG_DOMAIN "lw-cli"

#include "cli-common.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

#include "lw-audio-io.h"
#include "lw-error.h"
#include "lw-image-io.h"
#include "lw-learned-decoder.h"
#include "lw-rd.h"
#include "lw-rd-csv.h"

#define RD_DEFAULT_POINTS 8
#define RD_MAX_POINTS     64

typedef struct
{
  const LwCodec *codec;
  const char    *label;      /* the --codec argument: NAME or NAME:KEY=VALUE,… */
  LwParams      *base;       /* the other parameters the sweep keeps fixed */
  LwRdCurve    **curves;     /* one per image */
  LwRdCurve     *mean;       /* matched-setting mean over images */
} RdCodecRun;

typedef struct
{
  const char *codec;
  const char *image;         /* NULL: the mean curves */
  double      bd_rate;       /* percent; NaN when it could not be computed */
  double      bd_psnr;       /* dB */
  char       *error;         /* why not, or NULL */
} RdDelta;

typedef struct
{
  const char *codec_name;
  const char *image_label;
  gboolean    tty;
} RdProgress;

static void
on_progress_cb (double   fraction,
                gpointer user_data)
{
  RdProgress *p = user_data;

  if (p->tty)
    g_printerr ("\r%s %s: %3.0f%%   ", p->codec_name, p->image_label, 100.0 * fraction);
}


static void
compute_delta (RdDelta         *d,
               const LwRdCurve *anchor,
               const LwRdCurve *test)
{
  g_autoptr (GError) error = NULL;

  d->bd_rate = NAN;
  d->bd_psnr = NAN;
  if (!lw_bd_rate (anchor, test, &d->bd_rate, &error) ||
      !lw_bd_psnr (anchor, test, &d->bd_psnr, &error))
    {
      d->bd_rate = NAN;
      d->bd_psnr = NAN;
      d->error = g_strdup (error->message);
    }
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

/* File names label the curves; full paths only when two images share a name. */
static char **
image_labels (char **paths,
              guint   n)
{
  char **labels = g_new0 (char *, n + 1);
  gboolean clash = FALSE;

  for (guint i = 0; i < n; i++)
    labels[i] = g_path_get_basename (paths[i]);
  for (guint i = 0; i < n && !clash; i++)
    for (guint j = i + 1; j < n && !clash; j++)
      clash = strcmp (labels[i], labels[j]) == 0;
  if (clash)
    for (guint i = 0; i < n; i++)
      {
        g_free (labels[i]);
        labels[i] = g_strdup (paths[i]);
      }
  return labels;
}

/* Output: text */

static void
print_curve_text (const LwCodec   *codec,
                  const LwRdCurve *curve,
                  const char      *heading)
{
  const LwParamSpec *spec = &codec->params[lw_params_index (codec, codec->sweep_param)];

  g_print ("%s%s\n", heading, lw_rd_curve_is_monotone (curve) ? "" : "  (PSNR not monotone)");
  g_print ("  %12s %9s %8s %8s %7s %8s %9s %9s\n", codec->sweep_param, "bpp", "PSNR", "PSNR-Y",
           "SSIM", "MS-SSIM", "enc ms", "dec ms");
  for (guint k = 0; k < curve->points->len; k++)
    {
      const LwRdPoint *pt = &g_array_index (curve->points, LwRdPoint, k);
      g_autofree char *param = lw_param_format (spec, pt->param);
      g_autofree char *psnr = cli_format_double (pt->psnr, 2);
      g_autofree char *psnr_y = cli_format_double (pt->psnr_y, 2);
      g_autofree char *ssim = cli_format_double (pt->ssim, 4);
      g_autofree char *ms_ssim = cli_format_double (pt->ms_ssim, 4);

      g_print ("  %12s %9.4f %8s %8s %7s %8s %9.1f %9.1f\n", param, pt->bpp, psnr, psnr_y,
               ssim, ms_ssim, pt->encode_ms, pt->decode_ms);
    }
}

static void
print_curve_text_audio (const LwCodec   *codec,
                        const LwRdCurve *curve,
                        const char      *heading)
{
  const LwParamSpec *spec = &codec->params[lw_params_index (codec, codec->sweep_param)];

  g_print ("%s%s\n", heading, lw_rd_curve_is_monotone (curve) ? "" : "  (PSNR not monotone)");
  g_print ("  %12s %9s %9s %8s %8s %8s %7s %9s %9s\n", codec->sweep_param, "kbit/s",
           "bits/smp", "SNR", "SI-SDR", "PSNR", "LSD", "enc ms", "dec ms");
  for (guint k = 0; k < curve->points->len; k++)
    {
      const LwRdPoint *pt = &g_array_index (curve->points, LwRdPoint, k);
      g_autofree char *param = lw_param_format (spec, pt->param);
      g_autofree char *snr = cli_format_double (pt->snr, 2);
      g_autofree char *si_sdr = cli_format_double (pt->si_sdr, 2);
      g_autofree char *psnr = cli_format_double (pt->psnr, 2);
      g_autofree char *lsd = cli_format_double (pt->lsd, 3);

      g_print ("  %12s %9.2f %9.4f %8s %8s %8s %7s %9.1f %9.1f\n", param, pt->kbps, pt->bpp,
               snr, si_sdr, psnr, lsd, pt->encode_ms, pt->decode_ms);
    }
}

static void
print_text (RdCodecRun *runs,
            guint       n_codecs,
            char      **labels,
            guint       n_images,
            RdDelta    *deltas,
            guint       n_deltas)
{
  for (guint c = 0; c < n_codecs; c++)
    {
      const LwCodec *codec = runs[c].codec;

      g_print ("%s== %s (sweep: %s) ==\n", c ? "\n" : "", runs[c].label, codec->sweep_param);
      for (guint i = 0; i < n_images; i++)
        {
          g_autofree char *heading = g_strdup_printf ("%s:", labels[i]);
          if (codec->kind == LW_MEDIA_AUDIO)
            print_curve_text_audio (codec, runs[c].curves[i], heading);
          else
            print_curve_text (codec, runs[c].curves[i], heading);
        }
      if (n_images > 1)
        {
          g_autofree char *heading =
            g_strdup_printf ("mean over %u %s at matched %s:", n_images,
                             codec->kind == LW_MEDIA_AUDIO ? "files" : "images",
                             codec->sweep_param);
          if (codec->kind == LW_MEDIA_AUDIO)
            print_curve_text_audio (codec, runs[c].mean, heading);
          else
            print_curve_text (codec, runs[c].mean, heading);
        }
    }

  if (n_deltas == 0)
    return;
  g_print ("\nBjøntegaard deltas vs %s (negative BD-rate: fewer bits for the same PSNR)\n",
           runs[0].label);
  g_print ("  %-16s %-24s %11s %11s\n", "codec", "curve", "BD-rate %", "BD-PSNR dB");
  for (guint k = 0; k < n_deltas; k++)
    {
      const RdDelta *d = &deltas[k];
      g_autofree char *rate = cli_format_double (d->bd_rate, 2);
      g_autofree char *psnr = cli_format_double (d->bd_psnr, 3);

      g_print ("  %-16s %-24s %11s %11s%s%s\n", d->codec, d->image ? d->image : "mean", rate,
               psnr, d->error ? "  " : "", d->error ? d->error : "");
    }
}

/* Output: JSON */

static void
add_points_json (JsonBuilder     *b,
                 const LwCodec   *codec,
                 const LwRdCurve *curve)
{
  const LwParamSpec *spec = &codec->params[lw_params_index (codec, codec->sweep_param)];

  json_builder_set_member_name (b, "monotone");
  json_builder_add_boolean_value (b, lw_rd_curve_is_monotone (curve));
  json_builder_set_member_name (b, "points");
  json_builder_begin_array (b);
  for (guint k = 0; k < curve->points->len; k++)
    {
      const LwRdPoint *pt = &g_array_index (curve->points, LwRdPoint, k);
      g_autofree char *param = lw_param_format (spec, pt->param);

      json_builder_begin_object (b);
      cli_json_add_double (b, "param", pt->param);
      json_builder_set_member_name (b, "param_text");
      json_builder_add_string_value (b, param);
      json_builder_set_member_name (b, "bytes");
      json_builder_add_int_value (b, (gint64) pt->bytes);
      cli_json_add_double (b, "bpp", pt->bpp);
      cli_json_add_double (b, "psnr", pt->psnr);
      cli_json_add_double (b, "psnr_y", pt->psnr_y);
      cli_json_add_double (b, "ssim", pt->ssim);
      cli_json_add_double (b, "ms_ssim", pt->ms_ssim);
      cli_json_add_double (b, "dim_reduction", pt->dim_reduction);
      cli_json_add_double (b, "encode_ms", pt->encode_ms);
      cli_json_add_double (b, "decode_ms", pt->decode_ms);
      /* Audio only, so image output stays as it was; bpp is then bits per sample */
      if (codec->kind == LW_MEDIA_AUDIO)
        {
          cli_json_add_double (b, "kbps", pt->kbps);
          cli_json_add_double (b, "bits_per_sample", pt->bpp);
          cli_json_add_double (b, "snr", pt->snr);
          cli_json_add_double (b, "si_sdr", pt->si_sdr);
          cli_json_add_double (b, "lsd", pt->lsd);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
print_json (RdCodecRun *runs,
            guint       n_codecs,
            char      **labels,
            guint       n_images,
            guint       n_points,
            RdDelta    *deltas,
            guint       n_deltas)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "anchor");
  json_builder_add_string_value (b, runs[0].label);
  json_builder_set_member_name (b, "points_requested");
  json_builder_add_int_value (b, n_points);
  json_builder_set_member_name (b, "images");
  json_builder_begin_array (b);
  for (guint i = 0; i < n_images; i++)
    json_builder_add_string_value (b, labels[i]);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "curves");
  json_builder_begin_array (b);
  for (guint c = 0; c < n_codecs; c++)
    for (guint i = 0; i < n_images; i++)
      {
        json_builder_begin_object (b);
        json_builder_set_member_name (b, "codec");
        json_builder_add_string_value (b, runs[c].label);
        json_builder_set_member_name (b, "image");
        json_builder_add_string_value (b, labels[i]);
        json_builder_set_member_name (b, "sweep_param");
        json_builder_add_string_value (b, runs[c].codec->sweep_param);
        add_points_json (b, runs[c].codec, runs[c].curves[i]);
        json_builder_end_object (b);
      }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "mean_curves");
  json_builder_begin_array (b);
  for (guint c = 0; c < n_codecs; c++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "codec");
      json_builder_add_string_value (b, runs[c].label);
      json_builder_set_member_name (b, "n_images");
      json_builder_add_int_value (b, n_images);
      json_builder_set_member_name (b, "sweep_param");
      json_builder_add_string_value (b, runs[c].codec->sweep_param);
      add_points_json (b, runs[c].codec, runs[c].mean);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "bd");
  json_builder_begin_array (b);
  for (guint k = 0; k < n_deltas; k++)
    {
      const RdDelta *d = &deltas[k];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "anchor");
      json_builder_add_string_value (b, runs[0].label);
      json_builder_set_member_name (b, "codec");
      json_builder_add_string_value (b, d->codec);
      json_builder_set_member_name (b, "curve");
      json_builder_add_string_value (b, d->image ? "image" : "mean");
      json_builder_set_member_name (b, "image");
      if (d->image)
        json_builder_add_string_value (b, d->image);
      else
        json_builder_add_null_value (b);
      cli_json_add_double (b, "bd_rate", d->bd_rate);
      cli_json_add_double (b, "bd_psnr", d->bd_psnr);
      if (d->error)
        {
          json_builder_set_member_name (b, "error");
          json_builder_add_string_value (b, d->error);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  cli_print_json (root);
}

/* Output: CSV */

static void
csv_append_number (GString *s,
                   double   value,
                   int      decimals)
{
  g_autofree char *text = cli_format_double (value, decimals);
  g_string_append_c (s, ',');
  g_string_append (s, text);
}

static GString *
build_csv (RdCodecRun *runs,
           guint       n_codecs,
           char      **labels,
           guint       n_images,
           gboolean    audio)
{
  GString *s = g_string_new ("codec,image,sweep_param,param,bytes,bpp,psnr,psnr_y,ssim,ms_ssim,"
                             "dim_reduction,encode_ms,decode_ms");
  /* Audio sweeps add their columns at the end; image CSVs are unchanged */
  g_string_append (s, audio ? ",kbps,snr,si_sdr,lsd\n" : "\n");

  for (guint c = 0; c < n_codecs; c++)
    for (guint i = 0; i < n_images; i++)
      {
        const LwRdCurve *curve = runs[c].curves[i];

        for (guint k = 0; k < curve->points->len; k++)
          {
            const LwRdPoint *pt = &g_array_index (curve->points, LwRdPoint, k);

            lw_csv_append_field (s, runs[c].label);
            g_string_append_c (s, ',');
            lw_csv_append_field (s, labels[i]);
            g_string_append_c (s, ',');
            lw_csv_append_field (s, runs[c].codec->sweep_param);
            csv_append_number (s, pt->param, 6);
            g_string_append_printf (s, ",%" G_GSIZE_FORMAT, pt->bytes);
            csv_append_number (s, pt->bpp, 6);
            csv_append_number (s, pt->psnr, 4);
            csv_append_number (s, pt->psnr_y, 4);
            csv_append_number (s, pt->ssim, 6);
            csv_append_number (s, pt->ms_ssim, 6);
            csv_append_number (s, pt->dim_reduction, 4);
            csv_append_number (s, pt->encode_ms, 3);
            csv_append_number (s, pt->decode_ms, 3);
            if (audio)
              {
                csv_append_number (s, pt->kbps, 4);
                csv_append_number (s, pt->snr, 4);
                csv_append_number (s, pt->si_sdr, 4);
                csv_append_number (s, pt->lsd, 4);
              }
            g_string_append_c (s, '\n');
          }
      }
  return s;
}

int
cli_cmd_rd (int    argc,
            char **argv)
{
  g_auto (GStrv) codec_names = NULL;
  g_autofree char *csv_path = NULL;
  g_autofree char *decoder_path = NULL;
  g_auto (GStrv) labels = NULL;
  g_autoptr (GError) error = NULL;
  gboolean json = FALSE;
  gboolean audio = FALSE;
  int n_points = RD_DEFAULT_POINTS;
  int status = CLI_EXIT_OK;
  guint n_codecs, n_images, n_deltas = 0;
  char **paths;
  LwTensor **images = NULL;
  RdCodecRun *runs = NULL;
  RdDelta *deltas = NULL;
  RdProgress progress = { 0 };
  const GOptionEntry entries[] = {
    { "codec", 'c', 0, G_OPTION_ARG_STRING_ARRAY, &codec_names,
      "Codec to sweep; repeat for more (the first is the BD anchor). NAME:KEY=VALUE,… fixes "
      "other parameters of that codec", "NAME" },
    { "points", 'n', 0, G_OPTION_ARG_INT, &n_points,
      "Settings of the rate parameter per curve (default 8, 4 to 64)", "N" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv_path,
      "Also write one row per codec, image and point to FILE", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      "Print one JSON object {\"curves\", \"mean_curves\", \"bd\"} instead of tables", NULL },
    { "decoder", 0, 0, G_OPTION_ARG_FILENAME, &decoder_path,
      "Learned decoder model for decoder=learned (a .safetensors from “train decoder”)",
      "FILE" },
    { NULL }
  };

  if (!cli_parse_options ("rd", "IMAGE…",
                          "Sweep each codec’s rate parameter on each image, average the curves\n"
                          "at matched settings, and compute BD-rate/BD-PSNR against the first\n"
                          "codec (on the mean curves and per image).\n"
                          "Audio files (WAV, FLAC, Ogg, AIFF) take audio codecs: the tables\n"
                          "show kbit/s, bits/sample, SNR, SI-SDR, PSNR and LSD; BD-rate uses\n"
                          "bits/sample and PSNR.",
                          entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (codec_names == NULL || codec_names[0] == NULL)
    return cli_usage_error ("rd", "missing --codec NAME");
  if (argc < 2)
    return cli_usage_error ("rd", "expected at least one IMAGE");
  /* Four points is the least a cubic Bjøntegaard fit accepts */
  if (n_points < 4 || n_points > RD_MAX_POINTS)
    return cli_usage_error ("rd", "--points must be between 4 and %d, got %d", RD_MAX_POINTS,
                            n_points);

  if (!use_decoder_file (decoder_path, &status))
    return status;

  n_codecs = g_strv_length (codec_names);
  n_images = (guint) argc - 1;
  paths = argv + 1;
  /* One kind per run: the curves of images and of audio do not share axes */
  audio = lw_audio_path_is_audio (paths[0]);
  for (guint i = 1; i < n_images; i++)
    if (lw_audio_path_is_audio (paths[i]) != audio)
      return cli_usage_error ("rd", "%s is %s but %s is %s: sweep images and audio separately",
                              paths[0], audio ? "audio" : "an image", paths[i],
                              audio ? "an image" : "audio");

  runs = g_new0 (RdCodecRun, n_codecs);
  for (guint c = 0; c < n_codecs; c++)
    {
      /* NAME or NAME:KEY=VALUE,KEY=VALUE — fixes other parameters for this codec's sweep */
      g_auto (GStrv) spec = g_strsplit (codec_names[c], ":", 2);
      runs[c].label = codec_names[c];
      runs[c].codec = lw_codec_lookup (spec[0], &error);
      if (runs[c].codec == NULL)
        {
          status = cli_usage_error ("rd", "%s", error->message);
          goto out;
        }
      runs[c].base = lw_params_new (runs[c].codec);
      if (spec[1] != NULL)
        {
          g_auto (GStrv) kv = g_strsplit (spec[1], ",", -1);
          for (guint k = 0; kv[k]; k++)
            if (!lw_params_parse (runs[c].base, kv[k], &error))
              {
                status = cli_usage_error ("rd", "%s", error->message);
                goto out;
              }
        }
      if ((runs[c].codec->kind == LW_MEDIA_AUDIO) != audio)
        {
          status = cli_usage_error ("rd", "codec “%s” is %s codec but %s is %s", runs[c].label,
                                    audio ? "an image" : "an audio", paths[0],
                                    audio ? "audio" : "an image");
          goto out;
        }
      if (runs[c].codec->sweep_param == NULL ||
          lw_params_index (runs[c].codec, runs[c].codec->sweep_param) < 0)
        {
          status = cli_usage_error ("rd", "codec “%s” has no %s rate parameter to sweep",
                                    runs[c].label, audio ? "audio" : "image");
          goto out;
        }
      runs[c].curves = g_new0 (LwRdCurve *, n_images);
    }

  labels = image_labels (paths, n_images);
  images = g_new0 (LwTensor *, n_images);
  for (guint i = 0; i < n_images; i++)
    {
      images[i] = audio ? lw_audio_load (paths[i], NULL, &error)
                        : lw_image_load (paths[i], NULL, &error);
      if (images[i] == NULL)
        {
          status = cli_report_error (paths[i], error);
          goto out;
        }
    }

  progress.tty = isatty (STDERR_FILENO);
  for (guint c = 0; c < n_codecs; c++)
    {
      for (guint i = 0; i < n_images; i++)
        {
          progress.codec_name = runs[c].label;
          progress.image_label = labels[i];
          runs[c].curves[i] = lw_rd_sweep (runs[c].codec, images[i], runs[c].base, (guint) n_points,
                                           labels[i], on_progress_cb, &progress, NULL, &error);
          if (runs[c].curves[i] == NULL)
            {
              if (progress.tty)
                g_printerr ("\n");
              if (!g_str_has_prefix (error->message, runs[c].label))
                g_prefix_error (&error, "%s sweep: ", runs[c].label);
              status = cli_report_error (paths[i], error);
              goto out;
            }
        }
      runs[c].mean = lw_rd_curve_mean (runs[c].curves, n_images, "mean");
    }
  if (progress.tty)
    g_printerr ("\r\033[K");

  deltas = g_new0 (RdDelta, (n_codecs - 1) * (n_images + 1) + 1);
  for (guint c = 1; c < n_codecs; c++)
    {
      RdDelta *d = &deltas[n_deltas++];

      d->codec = runs[c].label;
      compute_delta (d, runs[0].mean, runs[c].mean);
      for (guint i = 0; i < n_images; i++)
        {
          d = &deltas[n_deltas++];
          d->codec = runs[c].label;
          d->image = labels[i];
          compute_delta (d, runs[0].curves[i], runs[c].curves[i]);
        }
    }

  if (csv_path != NULL)
    {
      g_autoptr (GString) csv = build_csv (runs, n_codecs, labels, n_images, audio);

      if (!lw_file_write_atomic (csv_path, (const guint8 *) csv->str, csv->len, &error))
        {
          status = cli_report_error (csv_path, error);
          goto out;
        }
    }

  if (json)
    print_json (runs, n_codecs, labels, n_images, (guint) n_points, deltas, n_deltas);
  else
    print_text (runs, n_codecs, labels, n_images, deltas, n_deltas);

out:
  for (guint k = 0; deltas != NULL && k < n_deltas; k++)
    g_free (deltas[k].error);
  g_free (deltas);
  for (guint i = 0; images != NULL && i < n_images; i++)
    lw_tensor_free (images[i]);
  g_free (images);
  for (guint c = 0; runs != NULL && c < n_codecs; c++)
    {
      for (guint i = 0; runs[c].curves != NULL && i < n_images; i++)
        lw_rd_curve_free (runs[c].curves[i]);
      g_free (runs[c].curves);
      lw_params_free (runs[c].base);
      lw_rd_curve_free (runs[c].mean);
    }
  g_free (runs);
  return status;
}
