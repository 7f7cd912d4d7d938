/* lw-learned-decoder.c — wavelet-latent's learned decoder: model files, identity, tiled apply
 * and the decoders the codec can use
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Loading trusts nothing in the file: the metadata must describe a configuration the codec can
 * have (kind, every number in range, latents ≤ C·4^J, a known wavelet), and every tensor of
 * the net that configuration implies must be there with its exact shape and finite values.
 * The net is built from the metadata, so a file whose tensors disagree with its own metadata
 * (say lw.latents = 32 beside a conv_in for 48) is refused naming the tensor.
 * Apply works tile by tile: each tile of TILE × TILE latent positions is run with a halo of
 * HALO = 1 + 2·blocks positions (the receptive field radius of conv_in and the two 3×3 convs
 * per block; conv_out is 1×1), clipped at the image border where the convs' zero padding is
 * what the whole image would see too. Without GroupNorm (groups = 0) every output then sees
 * exactly the inputs it would see in one pass over the whole image (the sums are the same; not
 * always bitwise, as OpenBLAS's sgemm rounds a column differently with the matrix width). The
 * tiling depends only on the grid size, so decoding a file always gives the same result.
 */
#define G_LOG_DOMAIN "lw-learned-decoder"

#include "lw-learned-decoder.h"

#include "lw-core-resources.h"
#include "lw-error.h"
#include "lw-pca.h"
#include "lw-safetensors.h"
#include "lw-wavelet.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <zlib.h>

#define KIND "wavelet-latent-decoder"
#define SHIPPED_RESOURCE "/org/latentworkbench/core/models/wavelet-latent-decoder.safetensors"
#define TILE 64
#define MAX_WIDTH 1024
#define MAX_BLOCKS 32
#define MAX_LATENTS 768   /* the codec's own limit */
#define MAX_SCALE 1e6

static const char *const wavelet_names[] = { "haar", "cdf53", "cdf97" };

struct _LwLearnedDecoder
{
  gatomicrefcount ref;
  LwLearnedDecoderConfig cfg;
  LwConvDec *net;
  guint32 id;
  GHashTable *meta;   /* key → value, the file's metadata minus optimiser state */
  GMutex lock;        /* apply: the net's activation arena is shared */
};

static guint
dimension (const LwLearnedDecoderConfig *c)
{
  return c->channels << (2 * c->levels);
}

static gboolean G_GNUC_PRINTF (4, 5)
bad_key (GError **error, const char *who, const char *key, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *why = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA, "%s: '%s' is %s", who, key, why);
  return FALSE;
}

/* The configuration checks both new and load make; `who` names the file or "learned decoder",
 * and each message names the metadata key. */
static gboolean
check_config (const LwLearnedDecoderConfig *c, const char *who, GError **error)
{
  guint max_latents;

  if (c->channels < 1 || c->channels > 4)
    return bad_key (error, who, "lw.channels", "%u, expected 1 to 4", c->channels);
  if (c->levels < 1 || c->levels > 4)
    return bad_key (error, who, "lw.levels", "%u, expected 1 to 4", c->levels);
  max_latents = MIN (dimension (c), MAX_LATENTS);
  if (c->latents < 1 || c->latents > max_latents)
    return bad_key (error, who, "lw.latents", "%u, expected 1 to %u (C·4^J = %u·4^%u = %u "
                    "packet channels, at most %u)", c->latents, max_latents, c->channels,
                    c->levels, dimension (c), MAX_LATENTS);
  if (c->wavelet >= G_N_ELEMENTS (wavelet_names))
    return bad_key (error, who, "lw.wavelet", "%u, not a known wavelet", c->wavelet);
  if (c->width < 1 || c->width > MAX_WIDTH)
    return bad_key (error, who, "lw.width", "%u, expected 1 to %u", c->width, MAX_WIDTH);
  if (c->blocks > MAX_BLOCKS)
    return bad_key (error, who, "lw.blocks", "%u, expected 0 to %u", c->blocks, MAX_BLOCKS);
  if (c->groups > 0 && (c->groups > c->width || c->width % c->groups != 0))
    return bad_key (error, who, "lw.groups", "%u, which does not divide lw.width = %u",
                    c->groups, c->width);
  if (!isfinite (c->input_scale) || c->input_scale <= 0 || c->input_scale > MAX_SCALE)
    return bad_key (error, who, "lw.input_scale", "%g, expected a positive number up to %g",
                    c->input_scale, MAX_SCALE);
  if (!isfinite (c->step_scale) || fabs (c->step_scale) > MAX_SCALE)
    return bad_key (error, who, "lw.step_scale", "%g, expected a number within ±%g",
                    c->step_scale, MAX_SCALE);
  return TRUE;
}

static LwConvDecConfig
net_config (const LwLearnedDecoderConfig *c)
{
  /* the last input plane is the constant log2 (step) */
  LwConvDecConfig n = { .in_channels = c->latents + 1, .out_channels = dimension (c),
                        .width = c->width, .blocks = c->blocks, .groups = c->groups };
  return n;
}

static LwLearnedDecoder *
decoder_new (const LwLearnedDecoderConfig *config, guint64 seed)
{
  LwLearnedDecoder *dec = g_new0 (LwLearnedDecoder, 1);
  LwConvDecConfig nc = net_config (config);

  g_atomic_ref_count_init (&dec->ref);
  dec->cfg = *config;
  dec->net = lw_convdec_new (&nc, seed);
  dec->meta = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_mutex_init (&dec->lock);
  return dec;
}

LwLearnedDecoder *
lw_learned_decoder_new (const LwLearnedDecoderConfig *config, guint64 seed, GError **error)
{
  g_return_val_if_fail (config != NULL, NULL);
  if (!check_config (config, "learned decoder", error))
    return NULL;
  LwLearnedDecoder *dec = decoder_new (config, seed);
  lw_learned_decoder_update_id (dec);
  return dec;
}

/* ---- loading ---------------------------------------------------------------------------- */

static const char *
need_meta (LwSafetensors *st, const char *label, const char *key, GError **error)
{
  const char *v = lw_safetensors_metadata (st, key);
  if (v == NULL)
    g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA, "%s: metadata '%s' is missing", label,
                 key);
  return v;
}

static gboolean
meta_uint (LwSafetensors *st, const char *label, const char *key, guint *out, GError **error)
{
  const char *v = need_meta (st, label, key, error);
  guint64 u;
  if (v == NULL)
    return FALSE;
  /* digits only: no sign, no spaces, no hex */
  if (v[0] < '0' || v[0] > '9' || !g_ascii_string_to_unsigned (v, 10, 0, 1u << 20, &u, NULL))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "%s: metadata '%s' is '%s', not a whole number", label, key, v);
      return FALSE;
    }
  *out = (guint) u;
  return TRUE;
}

static gboolean
meta_double (LwSafetensors *st, const char *label, const char *key, double *out,
             GError **error)
{
  const char *v = need_meta (st, label, key, error);
  char *end = NULL;
  if (v == NULL)
    return FALSE;
  *out = g_ascii_strtod (v, &end);
  if (v[0] == '\0' || end == NULL || *end != '\0' || !isfinite (*out))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "%s: metadata '%s' is '%s', not a finite number", label, key, v);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_config (LwSafetensors *st, const char *label, LwLearnedDecoderConfig *c, GError **error)
{
  const char *kind = lw_safetensors_metadata (st, "lw.kind");
  if (kind == NULL || strcmp (kind, KIND) != 0)
    {
      if (kind == NULL)
        g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                     "%s: metadata 'lw.kind' is missing: not a wavelet-latent decoder model",
                     label);
      else
        g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                     "%s: metadata 'lw.kind' is '%s', expected '%s'", label, kind, KIND);
      return FALSE;
    }
  memset (c, 0, sizeof *c);
  if (!meta_uint (st, label, "lw.channels", &c->channels, error)
      || !meta_uint (st, label, "lw.levels", &c->levels, error)
      || !meta_uint (st, label, "lw.latents", &c->latents, error)
      || !meta_uint (st, label, "lw.width", &c->width, error)
      || !meta_uint (st, label, "lw.blocks", &c->blocks, error)
      || !meta_uint (st, label, "lw.groups", &c->groups, error)
      || !meta_double (st, label, "lw.input_scale", &c->input_scale, error)
      || !meta_double (st, label, "lw.step_scale", &c->step_scale, error))
    return FALSE;
  const char *norm = lw_safetensors_metadata (st, "lw.input_norm");
  if (norm != NULL && strcmp (norm, "none") != 0 && strcmp (norm, "pca-std") != 0)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "%s: metadata 'lw.input_norm' is '%s', expected none or pca-std", label, norm);
      return FALSE;
    }
  c->input_norm = norm != NULL && strcmp (norm, "pca-std") == 0;
  const char *wavelet = need_meta (st, label, "lw.wavelet", error);
  if (wavelet == NULL)
    return FALSE;
  c->wavelet = G_N_ELEMENTS (wavelet_names);
  for (guint i = 0; i < G_N_ELEMENTS (wavelet_names); i++)
    if (strcmp (wavelet, wavelet_names[i]) == 0)
      c->wavelet = i;
  if (c->wavelet == G_N_ELEMENTS (wavelet_names))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "%s: metadata 'lw.wavelet' is '%s', expected haar, cdf53 or cdf97", label,
                   wavelet);
      return FALSE;
    }
  return check_config (c, label, error);
}

static char *
shape_string (guint ndim, const gsize *shape)
{
  GString *s = g_string_new ("[");
  for (guint d = 0; d < ndim; d++)
    g_string_append_printf (s, d ? ", %" G_GSIZE_FORMAT : "%" G_GSIZE_FORMAT, shape[d]);
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

/* Copies the net's tensors from the file, checking names, dtypes, shapes and values */
static gboolean
read_weights (LwSafetensors *st, const char *label, LwLearnedDecoder *dec, GError **error)
{
  LwNnParams *p = lw_convdec_params (dec->net);
  const LwLearnedDecoderConfig *c = &dec->cfg;

  for (guint k = 0; k < lw_safetensors_count (st); k++)
    {
      const char *name = lw_safetensors_info (st, k)->name;
      if (!g_str_has_prefix (name, "adamw.") && lw_nn_params_find (p, name) < 0)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "%s: tensor '%s': not part of a decoder with lw.blocks = %u and "
                       "lw.groups = %u", label, name, c->blocks, c->groups);
          return FALSE;
        }
    }
  for (guint i = 0; i < lw_nn_params_count (p); i++)
    {
      const char *name = lw_nn_params_name (p, i);
      int k = lw_safetensors_find (st, name);
      if (k < 0)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "%s: tensor '%s': missing from the file", label, name);
          return FALSE;
        }
      const LwStTensorInfo *info = lw_safetensors_info (st, (guint) k);
      if (info->dtype != LW_ST_F32 && info->dtype != LW_ST_F16 && info->dtype != LW_ST_BF16)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                       "%s: tensor '%s': dtype %s, expected F32, F16 or BF16", label, name,
                       lw_st_dtype_name (info->dtype));
          return FALSE;
        }
      guint ndim = lw_nn_params_ndim (p, i);
      const gsize *shape = lw_nn_params_shape (p, i);
      gboolean same = info->ndim == ndim;
      for (guint d = 0; same && d < ndim; d++)
        same = info->shape[d] == shape[d];
      if (!same)
        {
          g_autofree char *found = shape_string (info->ndim, info->shape);
          g_autofree char *expected = shape_string (ndim, shape);
          g_set_error (error, LW_ERROR, LW_ERROR_SHAPE,
                       "%s: tensor '%s': shape %s in the file, %s expected for lw.channels = "
                       "%u, lw.levels = %u, lw.latents = %u, lw.width = %u", label, name, found,
                       expected, c->channels, c->levels, c->latents, c->width);
          return FALSE;
        }
      g_autofree float *v = lw_safetensors_read_f32 (st, (guint) k, error);
      if (v == NULL)
        return FALSE;
      for (gsize j = 0; j < info->numel; j++)
        if (!isfinite (v[j]))
          {
            g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                         "%s: tensor '%s': element %" G_GSIZE_FORMAT " is not finite", label,
                         name, j);
            return FALSE;
          }
      memcpy (lw_nn_params_value (p, i), v, info->numel * sizeof (float));
    }
  return TRUE;
}

static LwLearnedDecoder *
load_st (LwSafetensors *st, const char *label, GError **error)
{
  LwLearnedDecoderConfig c;
  if (st == NULL || !read_config (st, label, &c, error))
    return NULL;
  g_autoptr (LwLearnedDecoder) dec = decoder_new (&c, 0);
  if (!read_weights (st, label, dec, error))
    return NULL;
  for (const char *const *k = lw_safetensors_metadata_keys (st); *k != NULL; k++)
    if (!g_str_has_prefix (*k, "adamw."))
      g_hash_table_insert (dec->meta, g_strdup (*k), g_strdup (lw_safetensors_metadata (st, *k)));
  lw_learned_decoder_update_id (dec);
  return g_steal_pointer (&dec);
}

LwLearnedDecoder *
lw_learned_decoder_load (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_autoptr (LwSafetensors) st = lw_safetensors_open (path, error);
  return load_st (st, path, error);
}

LwLearnedDecoder *
lw_learned_decoder_load_bytes (GBytes *bytes, const char *label, GError **error)
{
  g_return_val_if_fail (bytes != NULL, NULL);
  if (label == NULL)
    label = "decoder model";
  g_autoptr (LwSafetensors) st = lw_safetensors_new_from_bytes (bytes, label, error);
  return load_st (st, label, error);
}

LwLearnedDecoder *
lw_learned_decoder_ref (LwLearnedDecoder *dec)
{
  g_return_val_if_fail (dec != NULL, NULL);
  g_atomic_ref_count_inc (&dec->ref);
  return dec;
}

void
lw_learned_decoder_unref (LwLearnedDecoder *dec)
{
  if (dec == NULL || !g_atomic_ref_count_dec (&dec->ref))
    return;
  lw_convdec_free (dec->net);
  g_hash_table_unref (dec->meta);
  g_mutex_clear (&dec->lock);
  g_free (dec);
}

const LwLearnedDecoderConfig *
lw_learned_decoder_config (const LwLearnedDecoder *dec)
{
  g_return_val_if_fail (dec != NULL, NULL);
  return &dec->cfg;
}

guint32
lw_learned_decoder_id (const LwLearnedDecoder *dec)
{
  g_return_val_if_fail (dec != NULL, 0);
  return dec->id;
}

void
lw_learned_decoder_update_id (LwLearnedDecoder *dec)
{
  g_return_if_fail (dec != NULL);
  LwNnParams *p = lw_convdec_params (dec->net);
  uLong crc = crc32 (0L, Z_NULL, 0);

  for (guint i = 0; i < lw_nn_params_count (p); i++)
    {
      const float *v = lw_nn_params_value (p, i);
      gsize n = lw_nn_params_numel (p, i);
      /* little-endian bytes, 4096 floats at a time (zlib takes a uInt length) */
      guint32 buf[4096];
      for (gsize j = 0; j < n; j += G_N_ELEMENTS (buf))
        {
          gsize m = MIN (n - j, G_N_ELEMENTS (buf));
          memcpy (buf, v + j, m * sizeof (float));
          for (gsize k = 0; k < m; k++)
            buf[k] = GUINT32_TO_LE (buf[k]);
          crc = crc32 (crc, (const Bytef *) buf, (uInt) (m * sizeof (float)));
        }
    }
  dec->id = (guint32) crc;
}

LwConvDec *
lw_learned_decoder_net (LwLearnedDecoder *dec)
{
  g_return_val_if_fail (dec != NULL, NULL);
  return dec->net;
}

const char *
lw_learned_decoder_get_meta (const LwLearnedDecoder *dec, const char *key)
{
  g_return_val_if_fail (dec != NULL && key != NULL, NULL);
  return g_hash_table_lookup (dec->meta, key);
}

void
lw_learned_decoder_set_meta (LwLearnedDecoder *dec, const char *key, const char *value)
{
  g_return_if_fail (dec != NULL && key != NULL && value != NULL);
  g_hash_table_insert (dec->meta, g_strdup (key), g_strdup (value));
}

static void
put (GHashTable *t, const char *key, char *value)
{
  g_hash_table_insert (t, g_strdup (key), value);
}

gboolean
lw_learned_decoder_save (LwLearnedDecoder *dec, LwAdamW *opt, const char *path, GError **error)
{
  g_return_val_if_fail (dec != NULL && path != NULL, FALSE);
  const LwLearnedDecoderConfig *c = &dec->cfg;
  g_autoptr (GHashTable) t = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter it;
  gpointer k, v;
  char num[G_ASCII_DTOSTR_BUF_SIZE];

  g_hash_table_iter_init (&it, dec->meta);
  while (g_hash_table_iter_next (&it, &k, &v))
    if (!g_str_has_prefix (k, "adamw."))   /* the checkpoint writer owns those */
      put (t, k, g_strdup (v));
  /* the configuration always comes from the decoder itself */
  put (t, "lw.kind", g_strdup (KIND));
  put (t, "lw.channels", g_strdup_printf ("%u", c->channels));
  put (t, "lw.levels", g_strdup_printf ("%u", c->levels));
  put (t, "lw.latents", g_strdup_printf ("%u", c->latents));
  put (t, "lw.wavelet", g_strdup (wavelet_names[c->wavelet]));
  put (t, "lw.width", g_strdup_printf ("%u", c->width));
  put (t, "lw.blocks", g_strdup_printf ("%u", c->blocks));
  put (t, "lw.groups", g_strdup_printf ("%u", c->groups));
  put (t, "lw.input_scale", g_strdup (g_ascii_dtostr (num, sizeof num, c->input_scale)));
  put (t, "lw.step_scale", g_strdup (g_ascii_dtostr (num, sizeof num, c->step_scale)));
  put (t, "lw.input_norm", g_strdup (c->input_norm ? "pca-std" : "none"));
  return lw_nn_checkpoint_save (path, lw_convdec_params (dec->net), opt, t, error);
}

/* ---- applying ------------------------------------------------------------------------------ */

gboolean
lw_learned_decoder_input_scales (const LwLearnedDecoderConfig *c, float *scales,
                                 GError **error)
{
  const LwPca *pca = NULL;

  if (c->input_norm)
    {
      pca = lw_pca_shipped (c->channels, c->levels, c->wavelet, error);
      if (pca == NULL)
        return FALSE;
    }
  for (guint k = 0; k < c->latents; k++)
    {
      /* a floor keeps near-empty directions from being blown up */
      double sd = pca != NULL && k < pca->n ? sqrt (MAX (pca->variance[k], 1.0)) : 1.0;
      scales[k] = (float) (c->input_scale / sd);
    }
  return TRUE;
}

gboolean
lw_learned_decoder_apply (LwLearnedDecoder *dec, const float *latents, guint h, guint w,
                          double step, float *packets, GError **error)
{
  g_return_val_if_fail (dec != NULL && latents != NULL && packets != NULL, FALSE);
  const LwLearnedDecoderConfig *c = &dec->cfg;
  if (h < 1 || w < 1 || !isfinite (step) || step <= 0)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "learned decoder: latent grid %u×%u with step %g cannot be decoded", w, h,
                   step);
      return FALSE;
    }

  guint n = c->latents, dim = dimension (c), halo = 1 + 2 * c->blocks;
  gsize plane = (gsize) h * w;
  guint ext = TILE + 2 * halo;
  g_autofree float *scales = g_new (float, n);
  if (!lw_learned_decoder_input_scales (c, scales, error))
    return FALSE;
  float step_plane = (float) (log2 (step) * c->step_scale);
  g_autofree float *x = g_new (float, (gsize) (n + 1) * MIN (ext, h) * MIN (ext, w));

  g_mutex_lock (&dec->lock);
  for (guint y0 = 0; y0 < h; y0 += TILE)
    for (guint x0 = 0; x0 < w; x0 += TILE)
      {
        /* interior [y0, y1) × [x0, x1), run on [ey0, ey1) × [ex0, ex1) */
        guint y1 = MIN (y0 + TILE, h), x1 = MIN (x0 + TILE, w);
        guint ey0 = y0 > halo ? y0 - halo : 0, ex0 = x0 > halo ? x0 - halo : 0;
        guint ey1 = MIN (y1 + halo, h), ex1 = MIN (x1 + halo, w);
        guint th = ey1 - ey0, tw = ex1 - ex0;
        gsize ts = (gsize) th * tw;

        for (guint k = 0; k < n; k++)
          for (guint r = 0; r < th; r++)
            {
              const float *src = latents + k * plane + (gsize) (ey0 + r) * w + ex0;
              float *dst = x + k * ts + (gsize) r * tw;
              for (guint i = 0; i < tw; i++)
                dst[i] = src[i] * scales[k];
            }
        for (gsize i = 0; i < ts; i++)
          x[n * ts + i] = step_plane;

        const float *y = lw_convdec_forward (dec->net, x, 1, th, tw);
        for (guint d = 0; d < dim; d++)
          for (guint r = y0; r < y1; r++)
            {
              const float *src = y + d * ts + (gsize) (r - ey0) * tw + (x0 - ex0);
              float *dst = packets + d * plane + (gsize) r * w + x0;
              for (guint i = 0; i < x1 - x0; i++)
                dst[i] += src[i];
            }
      }
  g_mutex_unlock (&dec->lock);
  return TRUE;
}

/* ---- the decoders the codec can use --------------------------------------------------------- */

static GMutex registry_lock;
static GPtrArray *registry;         /* lw_learned_decoder_use, oldest first */
static LwLearnedDecoder *shipped;   /* loaded on first use; NULL if none is built in */
static char *shipped_problem;       /* why the built-in one could not be loaded */
static gboolean shipped_tried;

void
lw_learned_decoder_use (LwLearnedDecoder *dec)
{
  g_return_if_fail (dec != NULL);
  g_mutex_lock (&registry_lock);
  if (registry == NULL)
    registry = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_learned_decoder_unref);
  /* used again: it moves to the end, taking precedence again */
  lw_learned_decoder_ref (dec);
  g_ptr_array_remove (registry, dec);
  g_ptr_array_add (registry, dec);
  g_mutex_unlock (&registry_lock);
}

static void
load_shipped_locked (void)
{
  g_autoptr (GError) error = NULL;
  if (shipped_tried)
    return;
  shipped_tried = TRUE;
  g_autoptr (GBytes) bytes = g_resource_lookup_data (lw_core_get_resource (), SHIPPED_RESOURCE,
                                                     G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL)
    return;   /* this build has no trained decoder */
  shipped = lw_learned_decoder_load_bytes (bytes, "the built-in decoder model", &error);
  if (shipped == NULL)
    {
      shipped_problem = g_strdup (error->message);
      g_warning ("%s", error->message);
    }
}

static gboolean
matches (const LwLearnedDecoder *dec, guint channels, guint levels, guint latents,
         guint wavelet, guint32 id)
{
  const LwLearnedDecoderConfig *c = &dec->cfg;
  return c->channels == channels && c->levels == levels && c->latents == latents
         && c->wavelet == wavelet && (id == 0 || dec->id == id);
}

LwLearnedDecoder *
lw_learned_decoder_find (guint channels, guint levels, guint latents, guint wavelet, guint32 id,
                         GError **error)
{
  LwLearnedDecoder *found = NULL;

  g_mutex_lock (&registry_lock);
  load_shipped_locked ();
  for (guint i = registry != NULL ? registry->len : 0; found == NULL && i-- > 0;)
    if (matches (g_ptr_array_index (registry, i), channels, levels, latents, wavelet, id))
      found = lw_learned_decoder_ref (g_ptr_array_index (registry, i));
  if (found == NULL && shipped != NULL
      && matches (shipped, channels, levels, latents, wavelet, id))
    found = lw_learned_decoder_ref (shipped);

  if (found == NULL)
    {
      const char *wname = wavelet < G_N_ELEMENTS (wavelet_names) ? wavelet_names[wavelet] : "?";
      g_autofree char *what = g_strdup_printf ("%u channels, %u levels, %u latents, %s",
                                               channels, levels, latents, wname);
      g_autofree char *builtin = NULL;
      if (shipped != NULL)
        builtin = g_strdup_printf ("the built-in one is for %u channels, %u levels, %u latents, "
                                   "%s (id %08x)", shipped->cfg.channels, shipped->cfg.levels,
                                   shipped->cfg.latents, wavelet_names[shipped->cfg.wavelet],
                                   shipped->id);
      else if (shipped_problem != NULL)
        builtin = g_strdup_printf ("the built-in one could not be loaded: %s", shipped_problem);
      else
        builtin = g_strdup ("this build has no built-in one");
      if (id != 0)
        g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                     "the learned decoder with id %08x (%s) is not available (%s): give the "
                     "model file the image was encoded with, e.g. with --decoder FILE", id, what,
                     builtin);
      else
        g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                     "no learned decoder for %s (%s): train one for this configuration and "
                     "give it with --decoder FILE, or use decoder=linear", what, builtin);
    }
  g_mutex_unlock (&registry_lock);
  return found;
}
