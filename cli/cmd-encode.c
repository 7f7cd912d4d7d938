/* cmd-encode.c — `latent-workbench-cli encode` and `decode`: image ⇄ .lwc
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-cli"

#include "cli-common.h"

#include "lw-error.h"
#include "lw-image-io.h"
#include "lw-metrics.h"

/* A .lwc file is compressed pixels: far below the raw size of the largest image we accept. */
#define CLI_MAX_LWC_BYTES ((gsize) 1 << 30)

int
cli_cmd_encode (int    argc,
                char **argv)
{
  g_autofree char *codec_name = NULL;
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
  const GOptionEntry entries[] = {
    { "codec", 'c', 0, G_OPTION_ARG_STRING, &codec_name,
      "Codec to use (see “codecs”)", "NAME" },
    { "param", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &assignments,
      "Set a codec parameter; may repeat", "KEY=VALUE" },
    { NULL }
  };

  if (!cli_parse_options ("encode", "INPUT OUTPUT.lwc",
                          "Compress a PNG or JPEG image into a .lwc file.\n"
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
  if (codec->kind != LW_MEDIA_IMAGE)
    return cli_usage_error ("encode", "codec “%s” is not an image codec", codec->name);
  params = cli_params_from_args (codec, assignments, &error);
  if (params == NULL)
    return cli_usage_error ("encode", "%s", error->message);

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

int
cli_cmd_decode (int    argc,
                char **argv)
{
  g_autofree char *reference_path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (LwTensor) image = NULL;
  g_autoptr (LwTensor) reference = NULL;
  g_autofree char *shape = NULL;
  const LwCodec *codec = NULL;
  const char *input, *output;
  const GOptionEntry entries[] = {
    { "reference", 'r', 0, G_OPTION_ARG_FILENAME, &reference_path,
      "Original image: also print PSNR, PSNR-Y and SSIM against it", "IMAGE" },
    { NULL }
  };

  if (!cli_parse_options ("decode", "INPUT.lwc OUTPUT.png",
                          "Decompress a .lwc file into an 8-bit PNG.", entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (argc != 3)
    return cli_usage_error ("decode", argc < 3 ? "expected INPUT.lwc and OUTPUT.png"
                                               : "too many arguments");
  input = argv[1];
  output = argv[2];

  bytes = cli_read_file (input, CLI_MAX_LWC_BYTES, &error);
  if (bytes == NULL)
    return cli_report_error (input, error);

  /* Load the reference before writing anything, so a bad reference leaves no output */
  if (reference_path != NULL)
    {
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
  if (image->ndim != 3)
    {
      g_printerr ("%s: %s: decodes to %u-dimensional data, not an image\n", CLI_PROGRAM,
                  input, image->ndim);
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
