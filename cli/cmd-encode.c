/* cmd-encode.c — `latent-workbench-cli encode` and `decode`: image or audio ⇄ .lwc
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input's extension says whether it is audio (lw_audio_path_is_audio: WAV, FLAC, Ogg,
 * AIFF); everything else is read as an image. A codec of the other kind is a usage error.
 * `decode` writes what the container holds: an image as PNG, audio as WAV or FLAC (16-bit,
 * by the output's extension).
 */
#define G_LOG_DOMAIN "lw-cli"

#include "cli-common.h"

#include "lw-audio-io.h"
#include "lw-audio-metrics.h"
#include "lw-error.h"
#include "lw-image-io.h"
#include "lw-learned-decoder.h"
#include "lw-metrics.h"

#include <math.h>

/* A .lwc file is compressed pixels: far below the raw size of the largest image we accept. */
#define CLI_MAX_LWC_BYTES ((gsize) 1 << 30)

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

/* "an image codec" / "an audio codec" for usage errors that name both sides */
static const char *
kind_phrase (LwMediaKind kind)
{
  return kind == LW_MEDIA_AUDIO ? "an audio codec" : "an image codec";
}

static int
encode_audio (const LwCodec *codec, const LwParams *params, const char *input,
              const char *output)
{
  g_autoptr (GError) error = NULL;
  LwAudioInfo info = { 0 };
  g_autoptr (LwTensor) audio = lw_audio_load (input, &info, &error);
  if (audio == NULL)
    return cli_report_error (input, error);

  g_autoptr (GBytes) bytes = lw_codec_encode_signal (codec, audio, params, NULL, &error);
  if (bytes == NULL)
    {
      if (!g_str_has_prefix (error->message, codec->name))
        g_prefix_error (&error, "%s: ", codec->name);
      return cli_report_error (input, error);
    }
  gsize size = g_bytes_get_size (bytes);
  if (!lw_file_write_atomic (output, g_bytes_get_data (bytes, NULL), size, &error))
    return cli_report_error (output, error);

  gsize channels = audio->shape[0], frames = audio->shape[1];
  g_autofree char *param_text = lw_params_to_string (params);
  g_autofree char *ratio = cli_format_double (2.0 * channels * frames / (double) size, 1);
  g_print ("%s: %s %zu×%zu (%.3f s at %.0f Hz) → %zu bytes, %.2f kbit/s, %.4f bits/sample, "
           "%s:1 (%s)\n", output, codec->name, channels, frames,
           frames / audio->sample_rate, audio->sample_rate, size,
           lw_kbps (size, frames, audio->sample_rate),
           lw_bits_per_sample (size, frames, channels), ratio, param_text);
  return CLI_EXIT_OK;
}

int
cli_cmd_encode (int    argc,
                char **argv)
{
  g_autofree char *codec_name = NULL;
  g_autofree char *decoder_path = NULL;
  g_auto (GStrv) assignments = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (LwParams) params = NULL;
  g_autoptr (LwTensor) image = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *param_text = NULL;
  g_autofree char *ratio = NULL;
  LwImageInfo info = { 0 };
  const LwCodec *codec;
  const char *input, *output;
  gsize size, width, height, channels;
  int status = CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "codec", 'c', 0, G_OPTION_ARG_STRING, &codec_name,
      "Codec to use (see “codecs”)", "NAME" },
    { "param", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &assignments,
      "Set a codec parameter; may repeat", "KEY=VALUE" },
    { "decoder", 0, 0, G_OPTION_ARG_FILENAME, &decoder_path,
      "Learned decoder model for decoder=learned (a .safetensors from “train decoder”)",
      "FILE" },
    { NULL }
  };

  if (!cli_parse_options ("encode", "INPUT OUTPUT.lwc",
                          "Compress a PNG or JPEG image, or a WAV, FLAC, Ogg or AIFF file (by\n"
                          "extension) with an audio codec, into a .lwc file.\n"
                          "Unknown codecs and unknown or out-of-range parameters are usage "
                          "errors (exit 2).",
                          entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (codec_name == NULL)
    return cli_usage_error ("encode", "missing --codec NAME");
  if (argc != 3)
    return cli_usage_error ("encode", argc < 3 ? "expected INPUT and OUTPUT.lwc"
                                               : "too many arguments");
  input = argv[1];
  output = argv[2];

  codec = lw_codec_lookup (codec_name, &error);
  if (codec == NULL)
    return cli_usage_error ("encode", "%s", error->message);
  if (lw_audio_path_is_audio (input) != (codec->kind == LW_MEDIA_AUDIO))
    return cli_usage_error ("encode", "codec “%s” is %s but %s is %s", codec->name,
                            kind_phrase (codec->kind), input,
                            lw_audio_path_is_audio (input) ? "audio" : "an image");
  params = cli_params_from_args (codec, assignments, &error);
  if (params == NULL)
    return cli_usage_error ("encode", "%s", error->message);
  if (!use_decoder_file (decoder_path, &status))
    return status;
  if (codec->kind == LW_MEDIA_AUDIO)
    return encode_audio (codec, params, input, output);

  image = lw_image_load (input, &info, &error);
  if (image == NULL)
    return cli_report_error (input, error);

  bytes = lw_codec_encode_signal (codec, image, params, NULL, &error);
  if (bytes == NULL)
    {
      if (!g_str_has_prefix (error->message, codec->name))
        g_prefix_error (&error, "%s: ", codec->name);
      return cli_report_error (input, error);
    }

  size = g_bytes_get_size (bytes);
  if (!lw_file_write_atomic (output, g_bytes_get_data (bytes, NULL), size, &error))
    return cli_report_error (output, error);

  channels = image->shape[0];
  height = image->shape[1];
  width = image->shape[2];
  param_text = lw_params_to_string (params);
  ratio = cli_format_double (lw_compression_ratio (size, width, height, channels), 1);
  g_print ("%s: %s %zu×%zu×%zu → %zu bytes, %.4f bpp, %s:1 (%s)\n", output, codec->name,
           channels, height, width, size, lw_bpp (size, width, height), ratio, param_text);
  return CLI_EXIT_OK;
}

/* The audio half of `decode`: `audio` is what the container decoded to */
static int
decode_write_audio (const char *input, const char *output, gsize lwc_size,
                    const LwCodec *codec, const LwTensor *audio, const char *reference_path,
                    const LwTensor *reference)
{
  g_autoptr (GError) error = NULL;
  LwAudioFormat format;

  if (!lw_audio_format_for_path (output, &format))
    return cli_usage_error ("decode", "%s holds audio: the output must end in .wav or .flac, "
                            "not %s", input, output);
  if (reference != NULL && reference->ndim != 2)
    {
      g_printerr ("%s: %s: the reference is an image but %s holds audio\n", CLI_PROGRAM,
                  reference_path, input);
      return CLI_EXIT_BAD_INPUT;
    }
  if (reference != NULL && (!lw_tensor_same_shape (reference, audio)
                            || reference->sample_rate != audio->sample_rate))
    {
      g_autofree char *a = lw_tensor_shape_string (reference);
      g_autofree char *b = lw_tensor_shape_string (audio);
      g_printerr ("%s: %s: reference is %s at %.0f Hz but the decoded audio is %s at %.0f Hz\n",
                  CLI_PROGRAM, reference_path, a, reference->sample_rate, b,
                  audio->sample_rate);
      return CLI_EXIT_BAD_INPUT;
    }
  if (!lw_audio_save (audio, output, format, &error))
    return cli_report_error (output, error);

  gsize channels = audio->shape[0], frames = audio->shape[1];
  g_print ("%s: %s %zu×%zu, %.0f Hz, %.2f kbit/s, %.4f bits/sample", output, codec->name,
           channels, frames, audio->sample_rate, lw_kbps (lwc_size, frames, audio->sample_rate),
           lw_bits_per_sample (lwc_size, frames, channels));
  if (reference != NULL)
    {
      g_autofree char *snr = cli_format_double (lw_snr (reference, audio), 2);
      g_autofree char *si_sdr = cli_format_double (lw_si_sdr (reference, audio), 2);
      g_autofree char *lsd = cli_format_double (lw_lsd (reference, audio), 3);
      g_print (", SNR %s dB, SI-SDR %s dB, LSD %s dB", snr, si_sdr, lsd);
    }
  g_print ("\n");
  return CLI_EXIT_OK;
}

int
cli_cmd_decode (int    argc,
                char **argv)
{
  g_autofree char *reference_path = NULL;
  g_autofree char *decoder_path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (LwTensor) image = NULL;
  g_autoptr (LwTensor) reference = NULL;
  g_autofree char *shape = NULL;
  const LwCodec *codec = NULL;
  const char *input, *output;
  int status = CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "reference", 'r', 0, G_OPTION_ARG_FILENAME, &reference_path,
      "Original image: also print PSNR, PSNR-Y and SSIM against it (original audio: SNR, "
      "SI-SDR and LSD)", "ORIGINAL" },
    { "decoder", 0, 0, G_OPTION_ARG_FILENAME, &decoder_path,
      "Learned decoder model for decoder=learned (a .safetensors from “train decoder”)",
      "FILE" },
    { NULL }
  };

  if (!cli_parse_options ("decode", "INPUT.lwc OUTPUT",
                          "Decompress a .lwc file: an image into an 8-bit PNG, audio into a\n"
                          "16-bit WAV or FLAC file (by OUTPUT's extension).",
                          entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (argc != 3)
    return cli_usage_error ("decode", argc < 3 ? "expected INPUT.lwc and OUTPUT"
                                               : "too many arguments");
  input = argv[1];
  output = argv[2];
  if (!use_decoder_file (decoder_path, &status))
    return status;

  bytes = cli_read_file (input, CLI_MAX_LWC_BYTES, &error);
  if (bytes == NULL)
    return cli_report_error (input, error);

  /* Load the reference before writing anything, so a bad reference leaves no output */
  if (reference_path != NULL)
    {
      if (lw_audio_path_is_audio (reference_path))
        reference = lw_audio_load (reference_path, NULL, &error);
      else
        reference = lw_image_load (reference_path, NULL, &error);
      if (reference == NULL)
        return cli_report_error (reference_path, error);
    }

  image = lw_codec_decode_bytes (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                 &codec, &error);
  if (image == NULL)
    {
      /* A damaged file is bad input, even if the damage lands in a parameter value */
      cli_report_error (input, error);
      return CLI_EXIT_BAD_INPUT;
    }
  if (image->ndim == 2 && codec->kind == LW_MEDIA_AUDIO)
    return decode_write_audio (input, output, g_bytes_get_size (bytes), codec, image,
                               reference_path, reference);
  if (image->ndim != 3)
    {
      g_printerr ("%s: %s: decodes to %u-dimensional data, not an image\n", CLI_PROGRAM,
                  input, image->ndim);
      return CLI_EXIT_BAD_INPUT;
    }
  if (lw_audio_path_is_audio (output))
    return cli_usage_error ("decode", "%s holds an image: write it to a .png, not %s", input,
                            output);
  if (reference != NULL && reference->ndim != 3)
    {
      g_printerr ("%s: %s: the reference is audio but %s holds an image\n", CLI_PROGRAM,
                  reference_path, input);
      return CLI_EXIT_BAD_INPUT;
    }
  if (reference != NULL && !lw_tensor_same_shape (reference, image))
    {
      g_autofree char *a = lw_tensor_shape_string (reference);
      g_autofree char *b = lw_tensor_shape_string (image);
      g_printerr ("%s: %s: reference is %s but the decoded image is %s\n", CLI_PROGRAM,
                  reference_path, a, b);
      return CLI_EXIT_BAD_INPUT;
    }

  if (!lw_image_save_png (image, output, 8, &error))
    return cli_report_error (output, error);

  shape = lw_tensor_shape_string (image);
  g_print ("%s: %s %s, %.4f bpp", output, codec->name, shape,
           lw_bpp (g_bytes_get_size (bytes), image->shape[2], image->shape[1]));
  if (reference != NULL)
    {
      g_autofree char *psnr = cli_format_double (lw_psnr (reference, image), 2);
      g_autofree char *psnr_y = cli_format_double (lw_psnr_y (reference, image), 2);
      g_autofree char *ssim = cli_format_double (lw_ssim (reference, image), 4);
      g_print (", PSNR %s dB, PSNR-Y %s dB, SSIM %s", psnr, psnr_y, ssim);
    }
  g_print ("\n");
  return CLI_EXIT_OK;
}
