/* lw-codec-jpeg2000.c — JPEG 2000 through OpenJPEG, as a peer codec in an .lwc container
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The native chunk (NATV) is a raw J2K codestream (no JP2 boxes: the container already says
 * what the image is). One quality layer, rate-allocated to the requested compression ratio
 * (OpenJPEG's `tcp_rates`, relative to 8 bits per sample). Streams are in memory through
 * custom read/write/skip/seek callbacks. OpenJPEG's messages go to handlers that keep the
 * last error for the GError; nothing is printed.
 */
#define G_LOG_DOMAIN "lw-codec-jpeg2000"

#include "lw-codec-private.h"
#include "lw-error.h"
#include "lw-image-io.h"

#include <string.h>

#include <openjpeg.h>

enum { P_RATIO, P_IRREVERSIBLE, P_LEVELS };

static const LwParamSpec j2k_params[] = {
  [P_RATIO] = { "ratio", LW_PARAM_DOUBLE, 2, 400, 40, TRUE, TRUE,
                "target compression ratio against 8-bit samples (higher = smaller file)", NULL },
  [P_IRREVERSIBLE] = { "irreversible", LW_PARAM_BOOL, 0, 1, 1, TRUE, FALSE,
                       "irreversible CDF 9/7 wavelet and YCbCr (else reversible 5/3 and RCT)",
                       NULL },
  [P_LEVELS] = { "levels", LW_PARAM_INT, 1, 8, 5, TRUE, FALSE,
                 "wavelet decomposition levels (fewer on images too small for them)", NULL },
};

/* Messages */

typedef struct
{
  char *last_error;
} Messages;

static void
on_error (const char *msg, void *data)
{
  Messages *m = data;
  g_free (m->last_error);
  m->last_error = g_strstrip (g_strdup (msg));
}

static void
on_quiet (const char *msg, void *data)
{
}

static void
install_handlers (opj_codec_t *codec, Messages *m)
{
  opj_set_info_handler (codec, on_quiet, m);
  opj_set_warning_handler (codec, on_quiet, m);
  opj_set_error_handler (codec, on_error, m);
}

/* Memory streams */

typedef struct
{
  guint8 *data; /* output: owned and growing; input: borrowed */
  gsize   len;  /* bytes valid */
  gsize   cap;  /* output only */
  gsize   pos;
} MemStream;

static gboolean
mem_reserve (MemStream *s, gsize end)
{
  if (end <= s->cap)
    return TRUE;
  gsize cap = MAX (s->cap * 2, MAX (end, 4096));
  s->data = g_realloc (s->data, cap);
  s->cap = cap;
  return TRUE;
}

static OPJ_SIZE_T
mem_write (void *buffer, OPJ_SIZE_T n, void *user)
{
  MemStream *s = user;
  mem_reserve (s, s->pos + n);
  if (s->pos > s->len) /* a skip or seek left a hole: define its bytes */
    memset (s->data + s->len, 0, s->pos - s->len);
  memcpy (s->data + s->pos, buffer, n);
  s->pos += n;
  s->len = MAX (s->len, s->pos);
  return n;
}

static OPJ_SIZE_T
mem_read (void *buffer, OPJ_SIZE_T n, void *user)
{
  MemStream *s = user;
  if (s->pos >= s->len)
    return (OPJ_SIZE_T) -1;
  gsize k = MIN (n, s->len - s->pos);
  memcpy (buffer, s->data + s->pos, k);
  s->pos += k;
  return k;
}

static OPJ_OFF_T
mem_skip_in (OPJ_OFF_T n, void *user)
{
  MemStream *s = user;
  if (n < 0)
    {
      if ((gsize) -n > s->pos)
        return -1;
      s->pos -= (gsize) -n;
      return n;
    }
  if (s->pos >= s->len)
    return -1;
  gsize k = MIN ((guint64) n, s->len - s->pos);
  s->pos += k;
  return (OPJ_OFF_T) k;
}

static OPJ_BOOL
mem_seek_in (OPJ_OFF_T n, void *user)
{
  MemStream *s = user;
  if (n < 0 || (guint64) n > s->len)
    return OPJ_FALSE;
  s->pos = (gsize) n;
  return OPJ_TRUE;
}

static OPJ_OFF_T
mem_skip_out (OPJ_OFF_T n, void *user)
{
  MemStream *s = user;
  if (n < 0 && (gsize) -n > s->pos)
    return -1;
  s->pos = (gsize) ((OPJ_OFF_T) s->pos + n);
  return n;
}

static OPJ_BOOL
mem_seek_out (OPJ_OFF_T n, void *user)
{
  MemStream *s = user;
  if (n < 0)
    return OPJ_FALSE;
  s->pos = (gsize) n;
  return OPJ_TRUE;
}

static opj_stream_t *
stream_new (MemStream *s, gboolean input)
{
  opj_stream_t *st = opj_stream_create (64 * 1024, input);
  opj_stream_set_user_data (st, s, NULL);
  if (input)
    {
      opj_stream_set_user_data_length (st, s->len);
      opj_stream_set_read_function (st, mem_read);
      opj_stream_set_skip_function (st, mem_skip_in);
      opj_stream_set_seek_function (st, mem_seek_in);
    }
  else
    {
      opj_stream_set_write_function (st, mem_write);
      opj_stream_set_skip_function (st, mem_skip_out);
      opj_stream_set_seek_function (st, mem_seek_out);
    }
  return st;
}

/* Codec */

static void
set_failure (GError **error, int code, const char *what, Messages *m)
{
  g_set_error (error, LW_ERROR, code, "jpeg2000: %s%s%s", what,
               m->last_error ? ": " : "", m->last_error ? m->last_error : "");
}

static GBytes *
j2k_encode (const LwCodec *codec, gpointer analysis, const LwParams *params,
            GCancellable *cancellable, GError **error)
{
  const LwU8Image *img = analysis;
  guint nc = img->channels, w = img->width, h = img->height;
  opj_cparameters_t cp;
  opj_image_cmptparm_t comp[4];
  Messages msgs = { NULL };
  MemStream out = { NULL };
  GBytes *result = NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  opj_set_default_encoder_parameters (&cp);
  cp.tcp_numlayers = 1;
  cp.tcp_rates[0] = (float) params->values[P_RATIO];
  cp.cp_disto_alloc = 1;
  cp.irreversible = params->values[P_IRREVERSIBLE] != 0;
  /* OpenJPEG refuses more levels than the smaller side can halve into */
  guint levels = (guint) params->values[P_LEVELS];
  guint side = MIN (w, h);
  while (levels > 0 && (side >> levels) == 0)
    levels--;
  cp.numresolution = (int) levels + 1;
  cp.tcp_mct = nc >= 3 ? 1 : 0;

  memset (comp, 0, sizeof comp);
  for (guint c = 0; c < nc; c++)
    {
      comp[c].dx = comp[c].dy = 1;
      comp[c].w = w;
      comp[c].h = h;
      comp[c].prec = 8;
      comp[c].sgnd = 0;
    }
  opj_image_t *image = opj_image_create (nc, comp, nc >= 3 ? OPJ_CLRSPC_SRGB : OPJ_CLRSPC_GRAY);
  if (image == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_FAILED, "jpeg2000: cannot allocate a %u×%u image",
                   w, h);
      return NULL;
    }
  image->x1 = w;
  image->y1 = h;
  if (nc == 2 || nc == 4)
    image->comps[nc - 1].alpha = 1;
  gsize plane = (gsize) w * h;
  for (guint c = 0; c < nc; c++)
    for (gsize i = 0; i < plane; i++)
      image->comps[c].data[i] = img->pixels[i * nc + c];

  opj_codec_t *enc = opj_create_compress (OPJ_CODEC_J2K);
  install_handlers (enc, &msgs);
  opj_stream_t *stream = stream_new (&out, FALSE);
  if (!opj_setup_encoder (enc, &cp, image))
    set_failure (error, LW_ERROR_FAILED, "encoder setup failed", &msgs);
  else if (!opj_start_compress (enc, image, stream) || !opj_encode (enc, stream) ||
           !opj_end_compress (enc, stream))
    set_failure (error, LW_ERROR_FAILED, "encoding failed", &msgs);
  else
    result = g_bytes_new (out.data, out.len);
  opj_stream_destroy (stream);
  opj_destroy_codec (enc);
  opj_image_destroy (image);
  g_free (out.data);
  g_free (msgs.last_error);
  if (result == NULL)
    return NULL;

  const LwTensor shape = { 3, { nc, h, w, 1 }, NULL };
  g_autoptr (LwBitstream) bs = _lw_codec_container_new (codec, &shape, params);
  lw_bitstream_add_chunk (bs, LW_CHUNK_NATIVE, result);
  g_bytes_unref (result);
  return lw_bitstream_serialize (bs);
}

static gboolean
check_image (const opj_image_t *image, guint c, guint h, guint w, gboolean decoded,
             GError **error)
{
  if (image->x0 != 0 || image->y0 != 0 || image->x1 != w || image->y1 != h ||
      image->numcomps != c)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "jpeg2000: NATV stream is %u×%u with %u components at (%u, %u); the "
                   "container says %u×%u with %u channels",
                   image->x1 - image->x0, image->y1 - image->y0, image->numcomps, image->x0,
                   image->y0, w, h, c);
      return FALSE;
    }
  for (guint i = 0; i < c; i++)
    {
      const opj_image_comp_t *k = &image->comps[i];
      if (k->dx != 1 || k->dy != 1 || k->prec != 8 || k->sgnd ||
          (decoded && (k->w != w || k->h != h || k->data == NULL)))
        {
          g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                       "jpeg2000: component %u is %u×%u, %u-bit%s, subsampled %u×%u; expected "
                       "%u×%u unsigned 8-bit, not subsampled",
                       i, k->w, k->h, k->prec, k->sgnd ? " signed" : "", k->dx, k->dy, w, h);
          return FALSE;
        }
    }
  return TRUE;
}

static LwTensor *
j2k_decode (const LwCodec *codec, LwBitstream *file, GError **error)
{
  guint c, h, w;
  double value;

  if (!_lw_codec_container_image_shape (file, &c, &h, &w, error))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (j2k_params); i++)
    if (!_lw_codec_container_param (codec, file, j2k_params[i].name, &value, error))
      return NULL;
  GBytes *native = lw_bitstream_get_chunk (file, LW_CHUNK_NATIVE);
  if (native == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "jpeg2000: container has no NATV chunk");
      return NULL;
    }

  MemStream in = { NULL };
  in.data = (guint8 *) g_bytes_get_data (native, &in.len);
  Messages msgs = { NULL };
  opj_dparameters_t dp;
  opj_image_t *image = NULL;
  LwTensor *t = NULL;

  opj_set_default_decoder_parameters (&dp);
  opj_codec_t *dec = opj_create_decompress (OPJ_CODEC_J2K);
  install_handlers (dec, &msgs);
  opj_stream_t *stream = stream_new (&in, TRUE);
  if (!opj_setup_decoder (dec, &dp) || !opj_decoder_set_strict_mode (dec, OPJ_TRUE))
    set_failure (error, LW_ERROR_FAILED, "decoder setup failed", &msgs);
  else if (!opj_read_header (stream, dec, &image))
    set_failure (error, LW_ERROR_INVALID_DATA, "NATV header is corrupt", &msgs);
  /* Shape first: no pixel memory is allocated for a stream that is not this image */
  else if (!check_image (image, c, h, w, FALSE, error))
    ;
  else if (!opj_decode (dec, stream, image) || !opj_end_decompress (dec, stream))
    set_failure (error, LW_ERROR_INVALID_DATA, "NATV stream is corrupt", &msgs);
  else if (check_image (image, c, h, w, TRUE, error))
    {
      gsize plane = (gsize) w * h;
      g_autofree guint8 *px = g_malloc (plane * c);
      for (guint k = 0; k < c; k++)
        {
          const OPJ_INT32 *src = image->comps[k].data;
          for (gsize i = 0; i < plane; i++)
            px[i * c + k] = (guint8) CLAMP (src[i], 0, 255);
        }
      t = lw_image_from_u8 (px, w, h, c);
    }
  opj_stream_destroy (stream);
  opj_destroy_codec (dec);
  if (image)
    opj_image_destroy (image);
  g_free (msgs.last_error);
  return t;
}

const LwCodec lw_codec_jpeg2000 = {
  .name = "jpeg2000",
  .title = "JPEG 2000",
  .description = "JPEG 2000 (OpenJPEG): wavelet transform, EBCOT, rate-allocated to a ratio",
  .kind = LW_MEDIA_IMAGE,
  .id = LW_CODEC_ID_JPEG2000,
  .params = j2k_params,
  .n_params = G_N_ELEMENTS (j2k_params),
  .sweep_param = "ratio",
  .sweep_descending = TRUE,
  /* below about 5:1 the irreversible path stops adding bits on 8-bit photos (identical
   * streams at ratios 2 and 4.3), which would only repeat the last point */
  .sweep_min = 5,
  .sweep_max = 400,
  .analyse = _lw_u8_image_analyse,
  .analysis_free = _lw_u8_image_free,
  .encode = j2k_encode,
  .decode = j2k_decode,
};
