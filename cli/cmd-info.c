/* cmd-info.c — `latent-workbench-cli info`: what a .lwc container holds
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-cli"

#include "cli-common.h"

#include <math.h>

#include "lw-audio-metrics.h"
#include "lw-bitstream.h"
#include "lw-error.h"
#include "lw-metrics.h"

#define CLI_MAX_LWC_BYTES ((gsize) 1 << 30)

typedef struct
{
  const char        *path;
  gsize              size;
  guint              version_major;
  guint              version_minor;
  LwBitstream       *file;
  const LwCodec     *codec;  /* NULL when the id is not in this build's registry */
  double             bpp;    /* NaN unless an image */
  double             ratio;  /* image: raw 8-bit size / size; audio: 16-bit PCM size / size */
  /* audio (C×T with a "sample_rate" parameter); NaN otherwise */
  double             sample_rate;
  double             seconds;
  double             kbps;
  double             bits_per_sample;
} InfoData;

static const LwParamSpec *
find_spec (const LwCodec *codec,
           const char    *name)
{
  int i;

  if (codec == NULL)
    return NULL;
  i = lw_params_index (codec, name);
  return i >= 0 ? &codec->params[i] : NULL;
}

static char *
format_param_value (const InfoData *d,
                    guint           i)
{
  const LwParamSpec *spec = find_spec (d->codec, lw_bitstream_get_param_name (d->file, i));
  double value = lw_bitstream_get_param_value (d->file, i);

  if (spec != NULL)
    return lw_param_format (spec, value);
  return cli_format_double (value, 6);
}

static char *
shape_string (LwBitstream *file)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < lw_bitstream_get_ndim (file); i++)
    g_string_append_printf (s, "%s%u", i ? "×" : "", lw_bitstream_get_dim (file, i));
  return g_string_free (s, FALSE);
}

static void
print_info_text (const InfoData *d)
{
  guint16 id = lw_bitstream_get_codec_id (d->file);
  guint8 kind = lw_bitstream_get_media_kind (d->file);
  g_autofree char *shape = shape_string (d->file);
  guint n_params = lw_bitstream_get_n_params (d->file);
  guint n_chunks = lw_bitstream_get_n_chunks (d->file);

  g_print ("file:       %s\n", d->path);
  g_print ("size:       %zu bytes\n", d->size);
  g_print ("container:  .lwc version %u.%u\n", d->version_major, d->version_minor);
  if (d->codec != NULL)
    g_print ("codec:      %s (id %u) — %s\n", d->codec->name, id,
             d->codec->title ? d->codec->title : d->codec->name);
  else
    g_print ("codec:      unknown (id %u; not in this build)\n", id);
  g_print ("media:      %s\n", cli_media_kind_name (kind));
  guint ndim = lw_bitstream_get_ndim (d->file);
  g_print ("shape:      %s%s\n", shape,
           kind == LW_MEDIA_IMAGE && ndim == 3   ? " (C×H×W)"
           : kind == LW_MEDIA_AUDIO && ndim == 2 ? " (C×T)"
                                                 : "");
  if (!isnan (d->bpp))
    {
      g_autofree char *ratio = cli_format_double (d->ratio, 1);
      g_print ("rate:       %.4f bpp, %s:1\n", d->bpp, ratio);
    }
  if (!isnan (d->kbps))
    {
      g_autofree char *ratio = cli_format_double (d->ratio, 1);
      g_print ("audio:      %.0f Hz, %.3f s\n", d->sample_rate, d->seconds);
      g_print ("rate:       %.2f kbit/s, %.4f bits/sample, %s:1 vs 16-bit PCM\n", d->kbps,
               d->bits_per_sample, ratio);
    }
  g_print ("parameters: %u\n", n_params);
  for (guint i = 0; i < n_params; i++)
    {
      g_autofree char *value = format_param_value (d, i);
      g_print ("  %-20s %s\n", lw_bitstream_get_param_name (d->file, i), value);
    }
  g_print ("chunks:     %u (CRC32 checked)\n", n_chunks);
  for (guint i = 0; i < n_chunks; i++)
    {
      char tag[5];
      GBytes *chunk = lw_bitstream_get_chunk_at (d->file, i);

      lw_fourcc_to_string (lw_bitstream_get_chunk_tag (d->file, i), tag);
      g_print ("  %-4s %10zu bytes  crc ok\n", tag, chunk ? g_bytes_get_size (chunk) : 0);
    }
}

static void
print_info_json (const InfoData *d)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  guint16 id = lw_bitstream_get_codec_id (d->file);
  guint8 kind = lw_bitstream_get_media_kind (d->file);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "file");
  json_builder_add_string_value (b, d->path);
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, (gint64) d->size);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, d->version_major);
  json_builder_set_member_name (b, "version_minor");
  json_builder_add_int_value (b, d->version_minor);
  json_builder_set_member_name (b, "codec");
  if (d->codec != NULL)
    json_builder_add_string_value (b, d->codec->name);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "codec_id");
  json_builder_add_int_value (b, id);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, cli_media_kind_name (kind));
  json_builder_set_member_name (b, "shape");
  json_builder_begin_array (b);
  for (guint i = 0; i < lw_bitstream_get_ndim (d->file); i++)
    json_builder_add_int_value (b, lw_bitstream_get_dim (d->file, i));
  json_builder_end_array (b);
  cli_json_add_double (b, "bpp", d->bpp);
  cli_json_add_double (b, "ratio", d->ratio);
  if (!isnan (d->kbps))
    {
      cli_json_add_double (b, "sample_rate", d->sample_rate);
      cli_json_add_double (b, "seconds", d->seconds);
      cli_json_add_double (b, "kbps", d->kbps);
      cli_json_add_double (b, "bits_per_sample", d->bits_per_sample);
    }

  json_builder_set_member_name (b, "params");
  json_builder_begin_array (b);
  for (guint i = 0; i < lw_bitstream_get_n_params (d->file); i++)
    {
      g_autofree char *text = format_param_value (d, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, lw_bitstream_get_param_name (d->file, i));
      cli_json_add_double (b, "value", lw_bitstream_get_param_value (d->file, i));
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, text);
      json_builder_set_member_name (b, "known");
      json_builder_add_boolean_value (b, find_spec (d->codec, lw_bitstream_get_param_name (d->file, i)) != NULL);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "chunks");
  json_builder_begin_array (b);
  for (guint i = 0; i < lw_bitstream_get_n_chunks (d->file); i++)
    {
      char tag[5];
      GBytes *chunk = lw_bitstream_get_chunk_at (d->file, i);

      lw_fourcc_to_string (lw_bitstream_get_chunk_tag (d->file, i), tag);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "tag");
      json_builder_add_string_value (b, tag);
      json_builder_set_member_name (b, "size");
      json_builder_add_int_value (b, chunk ? (gint64) g_bytes_get_size (chunk) : 0);
      /* The parser refuses a file whose CRCs do not match, so a listed chunk checked out */
      json_builder_set_member_name (b, "crc_ok");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  cli_print_json (root);
}

int
cli_cmd_info (int    argc,
              char **argv)
{
  gboolean json = FALSE;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (LwBitstream) file = NULL;
  InfoData d = { 0 };
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object", NULL },
    { NULL }
  };

  if (!cli_parse_options ("info", "FILE.lwc",
                          "Show the header, parameters and chunks of a .lwc file (for audio also\n"
                          "the sample rate, duration and kbit/s).",
                          entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (argc != 2)
    return cli_usage_error ("info", argc < 2 ? "expected FILE.lwc" : "too many arguments");

  d.path = argv[1];
  bytes = cli_read_file (d.path, CLI_MAX_LWC_BYTES, &error);
  if (bytes == NULL)
    return cli_report_error (d.path, error);
  d.size = g_bytes_get_size (bytes);
  file = lw_bitstream_parse (g_bytes_get_data (bytes, NULL), d.size, &error);
  if (file == NULL)
    {
      cli_report_error (d.path, error);
      return CLI_EXIT_BAD_INPUT;
    }
  d.file = file;
  /* The header's u16 version (major << 8 | minor) after the 8-byte magic; the parser has
   * checked that the bytes are there and the major version is one it reads. */
  {
    const guint8 *raw = g_bytes_get_data (bytes, NULL);
    guint version = raw[8] | (guint) raw[9] << 8;
    d.version_major = version >> 8;
    d.version_minor = version & 0xff;
  }
  /* An id this build does not know is still a readable container: show what it holds */
  d.codec = lw_codec_lookup_id (lw_bitstream_get_codec_id (file), NULL);
  d.bpp = NAN;
  d.ratio = NAN;
  if (lw_bitstream_get_media_kind (file) == LW_MEDIA_IMAGE && lw_bitstream_get_ndim (file) == 3)
    {
      gsize c = lw_bitstream_get_dim (file, 0);
      gsize h = lw_bitstream_get_dim (file, 1);
      gsize w = lw_bitstream_get_dim (file, 2);

      d.bpp = lw_bpp (d.size, w, h);
      d.ratio = lw_compression_ratio (d.size, w, h, c);
    }
  d.sample_rate = d.seconds = d.kbps = d.bits_per_sample = NAN;
  if (lw_bitstream_get_media_kind (file) == LW_MEDIA_AUDIO && lw_bitstream_get_ndim (file) == 2
      && lw_bitstream_get_param (file, "sample_rate", &d.sample_rate) && d.sample_rate > 0
      && lw_bitstream_get_dim (file, 1) > 0)
    {
      gsize c = lw_bitstream_get_dim (file, 0);
      gsize t = lw_bitstream_get_dim (file, 1);

      d.seconds = t / d.sample_rate;
      d.kbps = lw_kbps (d.size, t, d.sample_rate);
      d.bits_per_sample = lw_bits_per_sample (d.size, t, c);
      d.ratio = 2.0 * c * t / (double) d.size;
    }
  else
    d.sample_rate = NAN;

  if (json)
    print_info_json (&d);
  else
    print_info_text (&d);
  return CLI_EXIT_OK;
}
