/* lw-latent-inspect.c — the latent of a coded file: dispatch to the codec, channel statistics
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-latent-inspect"

#include "lw-latent-inspect-private.h"

#include <math.h>

#include "lw-bitstream.h"
#include "lw-error.h"

void
lw_latent_info_free (LwLatentInfo *info)
{
  if (info == NULL)
    return;
  if (info->channels != NULL)
    for (guint k = 0; k < info->n_channels; k++)
      g_free (info->channels[k].name);
  g_free (info->channels);
  lw_tensor_free (info->values);
  g_free (info->description);
  g_free (info);
}

LwLatentInfo *
_lw_latent_info_new (guint n_channels, guint height, guint width)
{
  LwLatentInfo *info = g_new0 (LwLatentInfo, 1);
  info->n_channels = n_channels;
  info->height = height;
  info->width = width;
  info->channels = g_new0 (LwLatentChannel, n_channels);
  for (guint k = 0; k < n_channels; k++)
    info->channels[k].name = g_strdup_printf ("latent %u", k);
  return info;
}

double
_lw_latent_entropy_u16 (const guint16 *sym, gsize n, guint32 *hist)
{
  if (n == 0)
    return 0;
  guint lo = G_MAXUINT16, hi = 0;
  for (gsize i = 0; i < n; i++)
    {
      guint s = sym[i];
      hist[s]++;
      lo = MIN (lo, s);
      hi = MAX (hi, s);
    }
  /* H = log2 n − (1/n) Σ c log2 c: one log per distinct symbol, none per position */
  double acc = 0;
  for (guint s = lo; s <= hi; s++)
    {
      guint32 c = hist[s];
      if (c != 0)
        {
          acc += c * log2 ((double) c);
          hist[s] = 0;
        }
    }
  double h = log2 ((double) n) - acc / (double) n;
  return h > 0 ? h : 0; /* −0 and rounding below 0 for a single symbol */
}

void
_lw_latent_channel_fill (LwLatentChannel *ch, const guint16 *sym, const guint16 *coded,
                         const float *values, gsize n, guint zero, guint32 *hist)
{
  ch->entropy_bits = _lw_latent_entropy_u16 (sym, n, hist);
  ch->coded_entropy_bits =
      coded != NULL && coded != sym ? _lw_latent_entropy_u16 (coded, n, hist) : ch->entropy_bits;

  guint n_zero = 0;
  for (gsize i = 0; i < n; i++)
    n_zero += sym[i] == zero;
  ch->n_zero = n_zero;

  /* two passes: the mean first, then squared deviations (no cancellation for large means) */
  float lo = n ? values[0] : 0, hi = lo;
  double sum = 0;
  for (gsize i = 0; i < n; i++)
    {
      float v = values[i];
      lo = MIN (lo, v);
      hi = MAX (hi, v);
      sum += v;
    }
  double mean = n ? sum / (double) n : 0, ss = 0;
  for (gsize i = 0; i < n; i++)
    {
      double dv = values[i] - mean;
      ss += dv * dv;
    }
  ch->min = lo;
  ch->max = hi;
  ch->mean = mean;
  ch->std = n ? sqrt (ss / (double) n) : 0;
}

LwLatentInfo *
lw_latent_inspect_bytes (const guint8 *data, gsize len, GError **error)
{
  g_autoptr (LwBitstream) file = lw_bitstream_parse (data, len, error);
  if (file == NULL)
    return NULL;
  const LwCodec *codec = lw_codec_lookup_id (lw_bitstream_get_codec_id (file), error);
  if (codec == NULL)
    return NULL;
  if (codec->inspect == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                   "%s: the codec has no latent to inspect (%s)", codec->name, codec->title);
      return NULL;
    }
  LwLatentInfo *info = codec->inspect (codec, file, error);
  if (info != NULL)
    info->side_bits = 8.0 * (double) len - info->total_bits;
  return info;
}
