/* lw-codec.c — codec parameters, the codec registry, and helpers shared by codecs
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-codec"

#include "lw-codec-private.h"
#include "lw-error.h"
#include "lw-image-io.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const LwCodec *registry[] = {
  &lw_codec_wavelet_latent,
  &lw_codec_jpeg,
  &lw_codec_jpeg2000,
  &lw_codec_webp,
  &lw_codec_wavelet_latent_audio,
  &lw_codec_opus,
  &lw_codec_flac,
  NULL,
};

const LwCodec **
lw_codec_list (void)
{
  return registry;
}

const LwCodec *
lw_codec_lookup (const char *name, GError **error)
{
  for (guint i = 0; registry[i]; i++)
    if (g_strcmp0 (registry[i]->name, name) == 0)
      return registry[i];

  GString *known = g_string_new (NULL);
  for (guint i = 0; registry[i]; i++)
    g_string_append_printf (known, "%s%s", i ? ", " : "", registry[i]->name);
  g_set_error (error, LW_ERROR, LW_ERROR_UNKNOWN_CODEC, "unknown codec “%s” (known: %s)",
               name ? name : "(null)", known->str);
  g_string_free (known, TRUE);
  return NULL;
}

const LwCodec *
lw_codec_lookup_id (guint16 id, GError **error)
{
  for (guint i = 0; registry[i]; i++)
    if (registry[i]->id == id)
      return registry[i];
  g_set_error (error, LW_ERROR, LW_ERROR_UNKNOWN_CODEC, "unknown codec id %u", id);
  return NULL;
}

/* Parameters */

LwParams *
lw_params_new (const LwCodec *codec)
{
  LwParams *p = g_new0 (LwParams, 1);
  p->codec = codec;
  p->values = g_new0 (double, MAX (codec->n_params, 1));
  for (guint i = 0; i < codec->n_params; i++)
    p->values[i] = codec->params[i].default_value;
  return p;
}

LwParams *
lw_params_copy (const LwParams *params)
{
  LwParams *p = lw_params_new (params->codec);
  memcpy (p->values, params->values, sizeof (double) * params->codec->n_params);
  return p;
}

void
lw_params_free (LwParams *params)
{
  if (params == NULL)
    return;
  g_free (params->values);
  g_free (params);
}

int
lw_params_index (const LwCodec *codec, const char *name)
{
  for (guint i = 0; i < codec->n_params; i++)
    if (g_strcmp0 (codec->params[i].name, name) == 0)
      return (int) i;
  return -1;
}

double
lw_params_get (const LwParams *params, const char *name)
{
  int i = lw_params_index (params->codec, name);
  g_return_val_if_fail (i >= 0, NAN);
  return params->values[i];
}

static gboolean
check_value (const LwCodec *codec, const LwParamSpec *spec, double value, GError **error)
{
  if (!isfinite (value) || value < spec->min || value > spec->max)
    {
      g_autofree char *lo = lw_param_format (spec, spec->min);
      g_autofree char *hi = lw_param_format (spec, spec->max);
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "%s: parameter “%s” = %g is out of range [%s, %s]", codec->name, spec->name,
                   value, lo, hi);
      return FALSE;
    }
  if (spec->type != LW_PARAM_DOUBLE && value != floor (value))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "%s: parameter “%s” must be a whole number, got %g", codec->name, spec->name,
                   value);
      return FALSE;
    }
  return TRUE;
}

gboolean
lw_params_set (LwParams *params, const char *name, double value, GError **error)
{
  const LwCodec *codec = params->codec;
  int i = lw_params_index (codec, name);

  if (i < 0)
    {
      GString *known = g_string_new (NULL);
      for (guint k = 0; k < codec->n_params; k++)
        g_string_append_printf (known, "%s%s", k ? ", " : "", codec->params[k].name);
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "%s: unknown parameter “%s” (known: %s)", codec->name, name, known->str);
      g_string_free (known, TRUE);
      return FALSE;
    }
  if (!check_value (codec, &codec->params[i], value, error))
    return FALSE;
  params->values[i] = value;
  return TRUE;
}

gboolean
lw_params_parse (LwParams *params, const char *assignment, GError **error)
{
  const char *eq = strchr (assignment, '=');
  if (eq == NULL || eq == assignment || eq[1] == '\0')
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "parameter “%s” is not of the form KEY=VALUE", assignment);
      return FALSE;
    }
  g_autofree char *key = g_strndup (assignment, eq - assignment);
  const char *text = eq + 1;
  int i = lw_params_index (params->codec, key);
  double value;

  if (i >= 0 && params->codec->params[i].type == LW_PARAM_ENUM)
    {
      const LwParamSpec *spec = &params->codec->params[i];
      for (guint k = 0; spec->choices && spec->choices[k]; k++)
        if (g_strcmp0 (spec->choices[k], text) == 0)
          return lw_params_set (params, key, k, error);
    }
  if (i >= 0 && params->codec->params[i].type == LW_PARAM_BOOL)
    {
      if (g_strcmp0 (text, "true") == 0 || g_strcmp0 (text, "yes") == 0)
        return lw_params_set (params, key, 1, error);
      if (g_strcmp0 (text, "false") == 0 || g_strcmp0 (text, "no") == 0)
        return lw_params_set (params, key, 0, error);
    }

  char *end = NULL;
  value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0')
    {
      if (i >= 0 && params->codec->params[i].type == LW_PARAM_ENUM)
        {
          const LwParamSpec *spec = &params->codec->params[i];
          g_autofree char *names = g_strjoinv (", ", (char **) spec->choices);
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                       "%s: parameter “%s” must be one of: %s (got “%s”)",
                       params->codec->name, key, names, text);
          return FALSE;
        }
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "%s: value “%s” for parameter “%s” is not a number", params->codec->name,
                   text, key);
      return FALSE;
    }
  return lw_params_set (params, key, value, error);
}

gboolean
lw_params_check (const LwParams *params, GError **error)
{
  for (guint i = 0; i < params->codec->n_params; i++)
    if (!check_value (params->codec, &params->codec->params[i], params->values[i], error))
      return FALSE;
  return TRUE;
}

gboolean
lw_params_need_reanalysis (const LwParams *a, const LwParams *b)
{
  if (a == NULL || b == NULL || a->codec != b->codec)
    return TRUE;
  for (guint i = 0; i < a->codec->n_params; i++)
    if (!a->codec->params[i].drives_rate && a->values[i] != b->values[i])
      return TRUE;
  return FALSE;
}

char *
lw_param_format (const LwParamSpec *spec, double value)
{
  switch (spec->type)
    {
    case LW_PARAM_ENUM:
      {
        guint n = 0;
        while (spec->choices && spec->choices[n])
          n++;
        if (value >= 0 && value < n && value == floor (value))
          return g_strdup (spec->choices[(guint) value]);
        return g_strdup_printf ("%g", value);
      }
    case LW_PARAM_BOOL:
      return g_strdup (value != 0 ? "true" : "false");
    case LW_PARAM_INT:
      return g_strdup_printf ("%.0f", value);
    case LW_PARAM_DOUBLE:
    default:
      {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];
        return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.6g", value));
      }
    }
}

char *
lw_params_to_string (const LwParams *params)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < params->codec->n_params; i++)
    {
      g_autofree char *v = lw_param_format (&params->codec->params[i], params->values[i]);
      g_string_append_printf (s, "%s%s=%s", i ? " " : "", params->codec->params[i].name, v);
    }
  return g_string_free (s, FALSE);
}

/* Vtable convenience */

gpointer
lw_codec_analyse (const LwCodec *codec, const LwTensor *signal, const LwParams *params,
                  GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (params->codec == codec, NULL);
  if (!lw_params_check (params, error))
    return NULL;
  return codec->analyse (codec, signal, params, cancellable, error);
}

void
lw_codec_analysis_free (const LwCodec *codec, gpointer analysis)
{
  if (analysis != NULL)
    codec->analysis_free (analysis);
}

GBytes *
lw_codec_encode (const LwCodec *codec, gpointer analysis, const LwParams *params,
                 GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (params->codec == codec, NULL);
  if (!lw_params_check (params, error))
    return NULL;
  return codec->encode (codec, analysis, params, cancellable, error);
}

GBytes *
lw_codec_encode_signal (const LwCodec *codec, const LwTensor *signal, const LwParams *params,
                        GCancellable *cancellable, GError **error)
{
  return lw_codec_encode_timed (codec, signal, params, NULL, cancellable, error);
}

GBytes *
lw_codec_encode_timed (const LwCodec *codec, const LwTensor *signal, const LwParams *params,
                       LwEncodeTimes *times, GCancellable *cancellable, GError **error)
{
  gint64 t0 = g_get_monotonic_time ();
  gpointer analysis = lw_codec_analyse (codec, signal, params, cancellable, error);
  gint64 t1 = g_get_monotonic_time ();
  if (analysis == NULL)
    return NULL;
  GBytes *bytes = lw_codec_encode (codec, analysis, params, cancellable, error);
  gint64 t2 = g_get_monotonic_time ();
  codec->analysis_free (analysis);
  if (times != NULL)
    {
      times->analyse_ms = (double) (t1 - t0) / 1000.0;
      times->encode_ms = (double) (t2 - t1) / 1000.0;
    }
  return bytes;
}

LwTensor *
lw_codec_decode_bytes (const guint8 *data, gsize len, const LwCodec **codec_out, GError **error)
{
  g_autoptr (LwBitstream) file = lw_bitstream_parse (data, len, error);
  if (file == NULL)
    return NULL;
  const LwCodec *codec = lw_codec_lookup_id (lw_bitstream_get_codec_id (file), error);
  if (codec == NULL)
    return NULL;
  if (codec_out)
    *codec_out = codec;
  return codec->decode (codec, file, error);
}

/* Shared by codec implementations */

LwBitstream *
_lw_codec_container_new (const LwCodec *codec, const LwTensor *signal, const LwParams *params)
{
  LwBitstream *bs = lw_bitstream_new (codec->id, codec->kind);
  guint32 shape[LW_TENSOR_MAX_DIMS];
  for (guint i = 0; i < signal->ndim; i++)
    shape[i] = (guint32) signal->shape[i];
  lw_bitstream_set_shape (bs, signal->ndim, shape);
  for (guint i = 0; i < codec->n_params; i++)
    lw_bitstream_set_param (bs, codec->params[i].name, params->values[i]);
  return bs;
}

gboolean
_lw_codec_container_image_shape (LwBitstream *file, guint *c, guint *h, guint *w,
                                 GError **error)
{
  if (lw_bitstream_get_ndim (file) != 3)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "container: image shape has %u dimensions, expected 3 (C×H×W)",
                   lw_bitstream_get_ndim (file));
      return FALSE;
    }
  guint32 cc = lw_bitstream_get_dim (file, 0);
  guint32 hh = lw_bitstream_get_dim (file, 1);
  guint32 ww = lw_bitstream_get_dim (file, 2);
  if (cc < 1 || cc > 4)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "container: image has %u channels (1 to 4 allowed)", cc);
      return FALSE;
    }
  if (hh < 1 || ww < 1 || hh > LW_IMAGE_MAX_SIDE || ww > LW_IMAGE_MAX_SIDE)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "container: image size %u×%u is outside 1…%d per side", ww, hh,
                   LW_IMAGE_MAX_SIDE);
      return FALSE;
    }
  /* Decompression bombs: a few hundred bytes may honestly describe a huge flat image, and
   * decoding it would take gigabytes. Past 2^24 samples a file must carry at least one byte per
   * LW_DECODE_SAMPLES_PER_BYTE samples (0.0005 bits per sample, far below any real image). */
  guint64 samples = (guint64) cc * hh * ww, payload = 0;
  for (guint i = 0; i < lw_bitstream_get_n_chunks (file); i++)
    payload += g_bytes_get_size (lw_bitstream_get_chunk_at (file, i));
  if (samples > LW_DECODE_FREE_SAMPLES && samples > payload * LW_DECODE_SAMPLES_PER_BYTE)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "container: %u×%u×%u samples from %" G_GUINT64_FORMAT " bytes of data is "
                   "more than %u samples per byte; refusing a likely decompression bomb",
                   cc, hh, ww, payload, LW_DECODE_SAMPLES_PER_BYTE);
      return FALSE;
    }
  *c = cc;
  *h = hh;
  *w = ww;
  return TRUE;
}

gboolean
_lw_codec_container_param (const LwCodec *codec, LwBitstream *file, const char *name,
                           double *value, GError **error)
{
  int i = lw_params_index (codec, name);
  g_return_val_if_fail (i >= 0, FALSE);
  if (!lw_bitstream_get_param (file, name, value))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "container: %s parameter “%s” is missing", codec->name, name);
      return FALSE;
    }
  return check_value (codec, &codec->params[i], *value, error);
}

gpointer
_lw_u8_image_analyse (const LwCodec *codec, const LwTensor *signal, const LwParams *params,
                      GCancellable *cancellable, GError **error)
{
  if (signal->ndim != 3 || signal->shape[0] < 1 || signal->shape[0] > 4)
    {
      g_autofree char *s = lw_tensor_shape_string (signal);
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE, "%s: expected a C×H×W image, got %s",
                   codec->name, s);
      return NULL;
    }
  LwU8Image *img = g_new0 (LwU8Image, 1);
  img->channels = signal->shape[0];
  img->height = signal->shape[1];
  img->width = signal->shape[2];
  img->pixels = lw_image_to_u8 (signal);
  return img;
}

void
_lw_u8_image_free (gpointer analysis)
{
  LwU8Image *img = analysis;
  if (img == NULL)
    return;
  g_free (img->pixels);
  g_free (img);
}
