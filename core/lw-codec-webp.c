/* lw-codec-webp.c — WebP (lossy VP8 or lossless VP8L) through libwebp, as a peer codec
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The native chunk (NATV) is a complete RIFF/WebP file. WebP has no gray mode: gray and
 * gray+alpha images are expanded to RGB / RGBA for encoding, and the decoder folds the colour
 * planes back to one (the container's shape says how many channels the signal had). An
 * opaque alpha plane may be dropped by libwebp; decoding into RGBA restores it as 255.
 */
#define G_LOG_DOMAIN "lw-codec-webp"

#include "lw-codec-private.h"
#include "lw-error.h"
#include "lw-image-io.h"

#include <string.h>

#include <webp/decode.h>
#include <webp/encode.h>

enum { P_QUALITY, P_LOSSLESS, P_METHOD };

static const LwParamSpec webp_params[] = {
  [P_QUALITY] = { "quality", LW_PARAM_DOUBLE, 0, 100, 75, TRUE, FALSE,
                  "lossy: quantiser quality (higher = larger, better); lossless: effort",
                  NULL },
  [P_LOSSLESS] = { "lossless", LW_PARAM_BOOL, 0, 1, 0, TRUE, FALSE,
                   "code the pixels exactly (VP8L) instead of lossy VP8", NULL },
  [P_METHOD] = { "method", LW_PARAM_INT, 0, 6, 4, TRUE, FALSE,
                 "encoder effort: 0 fast … 6 slowest and smallest", NULL },
};

static const char *
enc_error_string (WebPEncodingError e)
{
  switch (e)
    {
    case VP8_ENC_ERROR_OUT_OF_MEMORY:
    case VP8_ENC_ERROR_BITSTREAM_OUT_OF_MEMORY:
      return "out of memory";
    case VP8_ENC_ERROR_INVALID_CONFIGURATION:
      return "invalid configuration";
    case VP8_ENC_ERROR_BAD_DIMENSION:
      return "bad dimensions";
    case VP8_ENC_ERROR_PARTITION0_OVERFLOW:
    case VP8_ENC_ERROR_PARTITION_OVERFLOW:
      return "partition overflow (image too large for this quality)";
    case VP8_ENC_ERROR_FILE_TOO_BIG:
      return "file too big";
    case VP8_ENC_ERROR_USER_ABORT:
      return "cancelled";
    default:
      return "encoder error";
    }
}

static const char *
dec_status_string (VP8StatusCode s)
{
  switch (s)
    {
    case VP8_STATUS_OUT_OF_MEMORY:
      return "out of memory";
    case VP8_STATUS_INVALID_PARAM:
      return "invalid parameter";
    case VP8_STATUS_BITSTREAM_ERROR:
      return "bitstream error";
    case VP8_STATUS_UNSUPPORTED_FEATURE:
      return "unsupported feature";
    case VP8_STATUS_NOT_ENOUGH_DATA:
      return "not enough data (truncated)";
    default:
      return "decoder error";
    }
}

static int
progress_hook (int percent, const WebPPicture *pic)
{
  return !g_cancellable_is_cancelled (pic->user_data);
}

static GBytes *
webp_encode (const LwCodec *codec, gpointer analysis, const LwParams *params,
             GCancellable *cancellable, GError **error)
{
  const LwU8Image *img = analysis;
  guint nc = img->channels, w = img->width, h = img->height;
  gboolean alpha = nc == 2 || nc == 4;
  WebPConfig config;
  WebPPicture pic;
  WebPMemoryWriter writer;

  if (w > WEBP_MAX_DIMENSION || h > WEBP_MAX_DIMENSION)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "webp: image is %u×%u; WebP allows at most %d pixels per side", w, h,
                   WEBP_MAX_DIMENSION);
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  /* WebP codes RGB(A) only; gray becomes R = G = B */
  g_autofree guint8 *expanded = NULL;
  const guint8 *rgb = img->pixels;
  if (nc <= 2)
    {
      guint oc = alpha ? 4 : 3;
      gsize n = (gsize) w * h;
      expanded = g_malloc (n * oc);
      for (gsize i = 0; i < n; i++)
        {
          guint8 v = img->pixels[i * nc];
          expanded[i * oc] = expanded[i * oc + 1] = expanded[i * oc + 2] = v;
          if (alpha)
            expanded[i * oc + 3] = img->pixels[i * nc + 1];
        }
      rgb = expanded;
    }

  if (!WebPConfigInit (&config) || !WebPPictureInit (&pic))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_FAILED, "webp: library version mismatch");
      return NULL;
    }
  config.quality = (float) params->values[P_QUALITY];
  config.lossless = params->values[P_LOSSLESS] != 0;
  config.method = (int) params->values[P_METHOD];
  /* Lossless must mean lossless: keep RGB under fully transparent pixels too */
  config.exact = config.lossless;
  if (!WebPValidateConfig (&config))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM, "webp: invalid configuration");
      return NULL;
    }
  pic.use_argb = config.lossless;
  pic.width = (int) w;
  pic.height = (int) h;
  int stride = (int) (w * (alpha ? 4 : 3));
  if (!(alpha ? WebPPictureImportRGBA (&pic, rgb, stride) : WebPPictureImportRGB (&pic, rgb, stride)))
    {
      WebPPictureFree (&pic);
      g_set_error (error, LW_ERROR, LW_ERROR_FAILED, "webp: cannot import a %u×%u picture",
                   w, h);
      return NULL;
    }
  WebPMemoryWriterInit (&writer);
  pic.writer = WebPMemoryWrite;
  pic.custom_ptr = &writer;
  pic.progress_hook = cancellable ? progress_hook : NULL;
  pic.user_data = cancellable;
  int ok = WebPEncode (&config, &pic);
  WebPEncodingError code = pic.error_code;
  WebPPictureFree (&pic);
  if (!ok)
    {
      WebPMemoryWriterClear (&writer);
      if (code == VP8_ENC_ERROR_USER_ABORT &&
          g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      g_set_error (error, LW_ERROR, LW_ERROR_FAILED, "webp: encoding failed: %s",
                   enc_error_string (code));
      return NULL;
    }
  g_autoptr (GBytes) native = g_bytes_new (writer.mem, writer.size);
  WebPMemoryWriterClear (&writer);

  const LwTensor shape = { 3, { nc, h, w, 1 }, NULL };
  g_autoptr (LwBitstream) bs = _lw_codec_container_new (codec, &shape, params);
  lw_bitstream_add_chunk (bs, LW_CHUNK_NATIVE, native);
  return lw_bitstream_serialize (bs);
}

static LwTensor *
webp_decode (const LwCodec *codec, LwBitstream *file, GError **error)
{
  guint c, h, w;
  double value;
  WebPDecoderConfig config;

  if (!_lw_codec_container_image_shape (file, &c, &h, &w, error))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (webp_params); i++)
    if (!_lw_codec_container_param (codec, file, webp_params[i].name, &value, error))
      return NULL;
  GBytes *native = lw_bitstream_get_chunk (file, LW_CHUNK_NATIVE);
  if (native == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA, "webp: container has no NATV chunk");
      return NULL;
    }
  gsize len;
  const guint8 *data = g_bytes_get_data (native, &len);

  if (!WebPInitDecoderConfig (&config))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_FAILED, "webp: library version mismatch");
      return NULL;
    }
  VP8StatusCode st = WebPGetFeatures (data, len, &config.input);
  if (st != VP8_STATUS_OK)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA, "webp: NATV header: %s",
                   dec_status_string (st));
      return NULL;
    }
  /* Compare before any pixel memory is allocated */
  if (config.input.width != (int) w || config.input.height != (int) h)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "webp: NATV stream is %d×%d, the container says %u×%u", config.input.width,
                   config.input.height, w, h);
      return NULL;
    }
  if (config.input.has_animation)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED, "webp: NATV stream is animated");
      return NULL;
    }

  gboolean alpha = c == 2 || c == 4;
  guint oc = alpha ? 4 : 3;
  gsize n = (gsize) w * h;
  g_autofree guint8 *rgb = g_malloc (n * oc);
  config.output.colorspace = alpha ? MODE_RGBA : MODE_RGB;
  config.output.is_external_memory = 1;
  config.output.u.RGBA.rgba = rgb;
  config.output.u.RGBA.stride = (int) (w * oc);
  config.output.u.RGBA.size = n * oc;
  st = WebPDecode (data, len, &config);
  WebPFreeDecBuffer (&config.output);
  if (st != VP8_STATUS_OK)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA, "webp: NATV stream: %s",
                   dec_status_string (st));
      return NULL;
    }

  if (c <= 2)
    {
      /* Fold R, G, B back to gray: exact for lossless (all equal), the mean for lossy */
      for (gsize i = 0; i < n; i++)
        {
          const guint8 *p = rgb + i * oc;
          rgb[i * c] = (guint8) ((p[0] + p[1] + p[2] + 1) / 3);
          if (alpha)
            rgb[i * c + 1] = p[3];
        }
    }
  return lw_image_from_u8 (rgb, w, h, c);
}

const LwCodec lw_codec_webp = {
  .name = "webp",
  .title = "WebP",
  .description = "WebP (libwebp): lossy VP8 intra coding or lossless VP8L, alpha supported",
  .kind = LW_MEDIA_IMAGE,
  .id = LW_CODEC_ID_WEBP,
  .params = webp_params,
  .n_params = G_N_ELEMENTS (webp_params),
  .sweep_param = "quality",
  .sweep_descending = FALSE,
  .analyse = _lw_u8_image_analyse,
  .analysis_free = _lw_u8_image_free,
  .encode = webp_encode,
  .decode = webp_decode,
};
