/* lw-codec-jpeg.c — baseline JPEG through libjpeg-turbo, as a peer codec in an .lwc container
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The native chunk (NATV) is an ordinary baseline JFIF stream. libjpeg reports errors by
 * calling error_exit, which by default prints and exit()s; here it longjmps back into the
 * codec, which turns the message into a GError. On decode, libjpeg's warnings ("corrupt
 * data", "premature end") are errors too: this encoder never produces a stream that warns,
 * so a warning means the chunk is damaged.
 */
#define G_LOG_DOMAIN "lw-codec-jpeg"

#include "lw-codec-private.h"
#include "lw-error.h"
#include "lw-image-io.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

#include <jpeglib.h>

/* A baseline Huffman stream spends at least 2 bits (DC + EOB) on every 8×8 block of every
 * component, so it holds at most 256 pixels per byte. A stream claiming more pixels than
 * 512 per byte (plus a small allowance for tiny images) cannot be ours, and is refused
 * before the pixel buffer is allocated. */
#define JPEG_MAX_PIXELS_PER_BYTE 512
#define JPEG_PIXEL_ALLOWANCE     (64 * 64)

enum { P_QUALITY, P_SUBSAMPLING, P_OPTIMIZE };

static const char * const subsampling_choices[] = { "420", "422", "444", NULL };

static const LwParamSpec jpeg_params[] = {
  [P_QUALITY] = { "quality", LW_PARAM_INT, 1, 100, 75, TRUE, FALSE,
                  "libjpeg quality factor: scales the quantisation tables (higher = larger, better)",
                  NULL },
  [P_SUBSAMPLING] = { "subsampling", LW_PARAM_ENUM, 0, 2, 0, TRUE, FALSE,
                      "chroma subsampling of colour images: 4:2:0, 4:2:2 or none (4:4:4)",
                      subsampling_choices },
  [P_OPTIMIZE] = { "optimize", LW_PARAM_BOOL, 0, 1, 1, TRUE, FALSE,
                   "optimised Huffman tables (a second pass; smaller file, same pixels)", NULL },
};

typedef struct
{
  struct jpeg_error_mgr pub;
  jmp_buf               jump;
  gboolean              warnings_fatal;
  char                  message[JMSG_LENGTH_MAX];
} ErrorMgr;

static void
on_error_exit (j_common_ptr cinfo)
{
  ErrorMgr *err = (ErrorMgr *) cinfo->err;
  err->pub.format_message (cinfo, err->message);
  longjmp (err->jump, 1);
}

static void
on_emit_message (j_common_ptr cinfo, int level)
{
  ErrorMgr *err = (ErrorMgr *) cinfo->err;
  if (level < 0 && err->warnings_fatal)
    {
      err->pub.format_message (cinfo, err->message);
      longjmp (err->jump, 1);
    }
  /* Other warnings and trace messages are dropped: a library does not print. */
}

static void
on_output_message (j_common_ptr cinfo)
{
}

static void
error_mgr_init (ErrorMgr *err, gboolean warnings_fatal)
{
  jpeg_std_error (&err->pub);
  err->pub.error_exit = on_error_exit;
  err->pub.emit_message = on_emit_message;
  err->pub.output_message = on_output_message;
  err->warnings_fatal = warnings_fatal;
  err->message[0] = '\0';
}

static gpointer
jpeg_analyse (const LwCodec *codec, const LwTensor *signal, const LwParams *params,
              GCancellable *cancellable, GError **error)
{
  if (signal->ndim == 3 && (signal->shape[0] == 2 || signal->shape[0] == 4))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                   "jpeg cannot code an alpha channel (image has %" G_GSIZE_FORMAT
                   " channels); use webp or jpeg2000, or flatten the image",
                   signal->shape[0]);
      return NULL;
    }
  return _lw_u8_image_analyse (codec, signal, params, cancellable, error);
}

/* Everything setjmp must not lose lives here, behind a pointer that does not change. */
typedef struct
{
  struct jpeg_compress_struct cinfo;
  ErrorMgr                    err;
  unsigned char              *out;
  unsigned long               out_len;
} Encoder;

static GBytes *
jpeg_encode (const LwCodec *codec, gpointer analysis, const LwParams *params,
             GCancellable *cancellable, GError **error)
{
  const LwU8Image *img = analysis;
  g_autofree Encoder *enc = g_new0 (Encoder, 1);
  int quality = (int) params->values[P_QUALITY];
  guint subsampling = (guint) params->values[P_SUBSAMPLING];
  GBytes *native;

  if (img->channels != 1 && img->channels != 3)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                   "jpeg cannot code %u channels (1 gray or 3 RGB)", img->channels);
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  error_mgr_init (&enc->err, FALSE);
  enc->cinfo.err = &enc->err.pub;
  if (setjmp (enc->err.jump))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_FAILED, "jpeg: encoder failed: %s",
                   enc->err.message);
      jpeg_destroy_compress (&enc->cinfo);
      free (enc->out);
      return NULL;
    }
  jpeg_create_compress (&enc->cinfo);
  jpeg_mem_dest (&enc->cinfo, &enc->out, &enc->out_len);
  enc->cinfo.image_width = img->width;
  enc->cinfo.image_height = img->height;
  enc->cinfo.input_components = (int) img->channels;
  enc->cinfo.in_color_space = img->channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults (&enc->cinfo);
  jpeg_set_quality (&enc->cinfo, quality, TRUE);
  enc->cinfo.optimize_coding = params->values[P_OPTIMIZE] != 0;
  enc->cinfo.dct_method = JDCT_ISLOW; /* deterministic across machines */
  if (img->channels == 3)
    {
      static const int h_samp[] = { 2, 2, 1 }, v_samp[] = { 2, 1, 1 };
      enc->cinfo.comp_info[0].h_samp_factor = h_samp[subsampling];
      enc->cinfo.comp_info[0].v_samp_factor = v_samp[subsampling];
      for (int c = 1; c < 3; c++)
        enc->cinfo.comp_info[c].h_samp_factor = enc->cinfo.comp_info[c].v_samp_factor = 1;
    }

  jpeg_start_compress (&enc->cinfo, TRUE);
  gsize stride = (gsize) img->width * img->channels;
  while (enc->cinfo.next_scanline < enc->cinfo.image_height)
    {
      if (enc->cinfo.next_scanline % 256 == 0 &&
          g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          jpeg_destroy_compress (&enc->cinfo);
          free (enc->out);
          return NULL;
        }
      JSAMPROW row = img->pixels + enc->cinfo.next_scanline * stride;
      jpeg_write_scanlines (&enc->cinfo, &row, 1);
    }
  jpeg_finish_compress (&enc->cinfo);
  jpeg_destroy_compress (&enc->cinfo);
  native = g_bytes_new (enc->out, enc->out_len);
  free (enc->out);

  /* _lw_codec_container_new reads only the shape; the pixels were consumed above */
  const LwTensor shape = { 3, { img->channels, img->height, img->width, 1 }, NULL };
  g_autoptr (LwBitstream) bs = _lw_codec_container_new (codec, &shape, params);
  lw_bitstream_add_chunk (bs, LW_CHUNK_NATIVE, native);
  g_bytes_unref (native);
  return lw_bitstream_serialize (bs);
}

typedef struct
{
  struct jpeg_decompress_struct cinfo;
  ErrorMgr                      err;
  guint8                       *pixels;
} Decoder;

static LwTensor *
jpeg_decode (const LwCodec *codec, LwBitstream *file, GError **error)
{
  guint c, h, w;
  double value;

  if (!_lw_codec_container_image_shape (file, &c, &h, &w, error))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (jpeg_params); i++)
    if (!_lw_codec_container_param (codec, file, jpeg_params[i].name, &value, error))
      return NULL;
  if (c != 1 && c != 3)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "jpeg: container says %u channels; jpeg files hold 1 or 3", c);
      return NULL;
    }
  GBytes *native = lw_bitstream_get_chunk (file, LW_CHUNK_NATIVE);
  if (native == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA, "jpeg: container has no NATV chunk");
      return NULL;
    }
  gsize len;
  const guint8 *data = g_bytes_get_data (native, &len);
  if (len == 0 || (guint64) w * h > (guint64) len * JPEG_MAX_PIXELS_PER_BYTE + JPEG_PIXEL_ALLOWANCE)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TRUNCATED,
                   "jpeg: NATV chunk of %" G_GSIZE_FORMAT " bytes is too small for %u×%u pixels",
                   len, w, h);
      return NULL;
    }

  g_autofree Decoder *dec = g_new0 (Decoder, 1);
  error_mgr_init (&dec->err, TRUE);
  dec->cinfo.err = &dec->err.pub;
  if (setjmp (dec->err.jump))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA, "jpeg: NATV chunk is corrupt: %s",
                   dec->err.message);
      jpeg_destroy_decompress (&dec->cinfo);
      g_free (dec->pixels);
      return NULL;
    }
  jpeg_create_decompress (&dec->cinfo);
  jpeg_mem_src (&dec->cinfo, data, len);
  jpeg_read_header (&dec->cinfo, TRUE);

  const char *problem = NULL;
  if (dec->cinfo.image_width != w || dec->cinfo.image_height != h)
    problem = "size";
  else if (dec->cinfo.num_components != (int) c)
    problem = "component count";
  else if (dec->cinfo.progressive_mode || dec->cinfo.arith_code)
    problem = "coding mode (only baseline Huffman is written here)";
  else if (dec->cinfo.data_precision != 8)
    problem = "precision";
  if (problem)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "jpeg: NATV stream %s does not match the container: stream %u×%u, %d "
                   "components, %d bits; container %u×%u, %u channels",
                   problem, dec->cinfo.image_width, dec->cinfo.image_height,
                   dec->cinfo.num_components, dec->cinfo.data_precision, w, h, c);
      jpeg_destroy_decompress (&dec->cinfo);
      return NULL;
    }
  dec->cinfo.out_color_space = c == 1 ? JCS_GRAYSCALE : JCS_RGB;
  dec->cinfo.dct_method = JDCT_ISLOW;
  jpeg_start_decompress (&dec->cinfo);
  if (dec->cinfo.output_components != (int) c)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "jpeg: decoder produces %d components, container says %u",
                   dec->cinfo.output_components, c);
      jpeg_destroy_decompress (&dec->cinfo);
      return NULL;
    }
  gsize stride = (gsize) w * c;
  dec->pixels = g_malloc (stride * h);
  while (dec->cinfo.output_scanline < dec->cinfo.output_height)
    {
      JSAMPROW row = dec->pixels + dec->cinfo.output_scanline * stride;
      jpeg_read_scanlines (&dec->cinfo, &row, 1);
    }
  jpeg_finish_decompress (&dec->cinfo);
  jpeg_destroy_decompress (&dec->cinfo);

  LwTensor *t = lw_image_from_u8 (dec->pixels, w, h, c);
  g_clear_pointer (&dec->pixels, g_free);
  return t;
}

const LwCodec lw_codec_jpeg = {
  .name = "jpeg",
  .title = "JPEG",
  .description = "Baseline JPEG (libjpeg-turbo): 8×8 DCT, quantisation tables, Huffman coding",
  .kind = LW_MEDIA_IMAGE,
  .id = LW_CODEC_ID_JPEG,
  .params = jpeg_params,
  .n_params = G_N_ELEMENTS (jpeg_params),
  .sweep_param = "quality",
  .sweep_descending = FALSE,
  .analyse = jpeg_analyse,
  .analysis_free = _lw_u8_image_free,
  .encode = jpeg_encode,
  .decode = jpeg_decode,
};
