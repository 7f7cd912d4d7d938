/* lw-image-io.c — PNG and JPEG reading, PNG writing, to and from C×H×W float tensors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both decoders read from memory and report every libpng/libjpeg error as a GError through
 * setjmp/longjmp. Dimensions are checked twice before pixel memory is allocated: against
 * LW_IMAGE_MAX_SIDE, and against what the file's size can possibly hold (a deflate or
 * Huffman stream cannot expand without bound), so a tiny hostile header cannot make us
 * allocate gigabytes.
 */
#define G_LOG_DOMAIN "lw-image-io"

#include "lw-image-io.h"
#include "lw-error.h"

#include <gio/gio.h>
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

/* zlib's deflate cannot expand more than 1032:1; a PNG whose raw rows need more than this
 * many bytes per byte of file is certainly truncated. */
#define PNG_MAX_EXPANSION 1040
/* Each Huffman-coded JPEG block costs at least one bit in its first scan: at most
 * 64 × 8 = 512 pixels per byte. Arithmetic coding can go further, so it gets a looser bound. */
#define JPEG_MAX_PIXELS_PER_BYTE       1024
#define JPEG_ARITH_MAX_PIXELS_PER_BYTE 65536
#define SIZE_SLACK                     65536

static const guint8 png_magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

static gboolean
check_dimensions (const char *name, guint64 width, guint64 height, GError **error)
{
  if (width == 0 || height == 0)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "%s: image is %" G_GUINT64_FORMAT "×%" G_GUINT64_FORMAT
                   " pixels; both sides must be at least 1", name, width, height);
      return FALSE;
    }
  if (width > LW_IMAGE_MAX_SIDE || height > LW_IMAGE_MAX_SIDE)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "%s: image is %" G_GUINT64_FORMAT "×%" G_GUINT64_FORMAT
                   " pixels; the limit is %d per side", name, width, height, LW_IMAGE_MAX_SIDE);
      return FALSE;
    }
  return TRUE;
}

static LwTensor *
new_image_tensor (guint channels, guint height, guint width, const char *name, GError **error)
{
  gsize shape[3] = { channels, height, width };
  g_autoptr (GError) local = NULL;
  LwTensor *t = lw_tensor_new (3, shape, &local);
  if (t == NULL)
    g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE, "%s: %s", name, local->message);
  return t;
}

/* ---------------------------------------------------------------- PNG reading */

typedef struct
{
  const char   *name;
  const guint8 *data;
  gsize         len;
  gsize         pos;
  gboolean      truncated;
  char          message[256];
  /* owned, freed by the caller of the setjmp'ing function */
  png_structp   png;
  png_infop     info;
  guint8       *pixels;
  png_bytep    *rows;
  LwTensor     *tensor;
} PngReadCtx;

static void
png_error_cb (png_structp png, png_const_charp msg)
{
  PngReadCtx *ctx = png_get_error_ptr (png);
  g_strlcpy (ctx->message, msg, sizeof ctx->message);
  png_longjmp (png, 1);
}

static void
png_warning_cb (png_structp png, png_const_charp msg)
{
  PngReadCtx *ctx = png_get_error_ptr (png);
  /* Warnings are about ancillary chunks we do not use; never print them on stderr. */
  g_debug ("%s: libpng: %s", ctx->name, msg);
}

static void
png_read_cb (png_structp png, png_bytep out, png_size_t n)
{
  PngReadCtx *ctx = png_get_io_ptr (png);
  if (n > ctx->len - ctx->pos)
    {
      ctx->truncated = TRUE;
      png_error (png, "unexpected end of file");
    }
  memcpy (out, ctx->data + ctx->pos, n);
  ctx->pos += n;
}

/* Contains the setjmp; everything it allocates lives in ctx so a longjmp cannot lose it. */
static gboolean
png_decode (PngReadCtx *ctx, LwImageInfo *info, GError **error)
{
  png_structp png = ctx->png;
  png_infop pinfo = ctx->info;

  if (setjmp (png_jmpbuf (png)))
    {
      g_set_error (error, LW_ERROR, ctx->truncated ? LW_ERROR_TRUNCATED : LW_ERROR_INVALID_DATA,
                   "%s: %s PNG: %s", ctx->name, ctx->truncated ? "truncated" : "corrupt",
                   ctx->message);
      return FALSE;
    }

  png_set_read_fn (png, ctx, png_read_cb);
  png_set_user_limits (png, LW_IMAGE_MAX_SIDE, LW_IMAGE_MAX_SIDE);
  png_read_info (png, pinfo);

  png_uint_32 width = png_get_image_width (png, pinfo);
  png_uint_32 height = png_get_image_height (png, pinfo);
  int depth = png_get_bit_depth (png, pinfo);
  int color = png_get_color_type (png, pinfo);

  if (color == PNG_COLOR_TYPE_PALETTE)
    png_set_palette_to_rgb (png);
  if (color == PNG_COLOR_TYPE_GRAY && depth < 8)
    png_set_expand_gray_1_2_4_to_8 (png);
  if (png_get_valid (png, pinfo, PNG_INFO_tRNS))
    png_set_tRNS_to_alpha (png);
  if (png_get_interlace_type (png, pinfo) != PNG_INTERLACE_NONE)
    png_set_interlace_handling (png);
  png_read_update_info (png, pinfo);

  guint channels = png_get_channels (png, pinfo);
  guint out_depth = png_get_bit_depth (png, pinfo);
  gsize rowbytes = png_get_rowbytes (png, pinfo);
  if (channels < 1 || channels > 4 || (out_depth != 8 && out_depth != 16)
      || rowbytes != (gsize) width * channels * (out_depth / 8))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                   "%s: PNG layout not supported (%u channels of %u bits)", ctx->name, channels,
                   out_depth);
      return FALSE;
    }

  ctx->tensor = new_image_tensor (channels, height, width, ctx->name, error);
  if (ctx->tensor == NULL)
    return FALSE;
  ctx->pixels = g_try_malloc ((gsize) height * rowbytes);
  ctx->rows = g_try_new (png_bytep, height);
  if (ctx->pixels == NULL || ctx->rows == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE, "%s: out of memory for %u×%u pixels",
                   ctx->name, width, height);
      return FALSE;
    }
  for (png_uint_32 y = 0; y < height; y++)
    ctx->rows[y] = ctx->pixels + (gsize) y * rowbytes;
  png_read_image (png, ctx->rows);
  /* Reading to IEND checks the trailing CRCs and makes any truncation an error. */
  png_read_end (png, NULL);

  gsize plane = (gsize) width * height;
  float *out = ctx->tensor->data;
  for (png_uint_32 y = 0; y < height; y++)
    {
      const guint8 *row = ctx->rows[y];
      for (png_uint_32 x = 0; x < width; x++)
        for (guint c = 0; c < channels; c++)
          {
            gsize i = (gsize) x * channels + c;
            float v = out_depth == 16 ? (float) ((row[2 * i] << 8) | row[2 * i + 1]) / 65535.0f
                                      : (float) row[i] / 255.0f;
            out[c * plane + (gsize) y * width + x] = v;
          }
    }

  if (info)
    {
      info->bit_depth = out_depth;
      info->channels = channels;
      info->has_alpha = channels == 2 || channels == 4;
      info->format = "png";
    }
  return TRUE;
}

static LwTensor *
load_png (const guint8 *data, gsize len, const char *name, LwImageInfo *info, GError **error)
{
  /* Check the IHDR ourselves first, so an oversized header gets LW_ERROR_TOO_LARGE with the
   * limit in the message rather than libpng's generic complaint. */
  if (len >= 33 && memcmp (data + 12, "IHDR", 4) == 0)
    {
      guint64 w = ((guint64) data[16] << 24) | (data[17] << 16) | (data[18] << 8) | data[19];
      guint64 h = ((guint64) data[20] << 24) | (data[21] << 16) | (data[22] << 8) | data[23];
      guint depth = data[24], color = data[25];
      if (!check_dimensions (name, w, h, error))
        return NULL;
      guint samples = color == 2 ? 3 : color == 4 ? 2 : color == 6 ? 4 : 1;
      guint64 raw = h * (1 + (w * samples * MAX (depth, 1) + 7) / 8);
      if (raw > (guint64) len * PNG_MAX_EXPANSION + SIZE_SLACK)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_TRUNCATED,
                       "%s: truncated PNG: %" G_GSIZE_FORMAT " bytes cannot hold a %"
                       G_GUINT64_FORMAT "×%" G_GUINT64_FORMAT " image", name, len, w, h);
          return NULL;
        }
    }

  PngReadCtx ctx = { .name = name, .data = data, .len = len };
  ctx.png = png_create_read_struct (PNG_LIBPNG_VER_STRING, &ctx, png_error_cb, png_warning_cb);
  if (ctx.png == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_FAILED, "%s: cannot create a PNG reader", name);
      return NULL;
    }
  ctx.info = png_create_info_struct (ctx.png);
  if (ctx.info == NULL)
    g_set_error (error, LW_ERROR, LW_ERROR_FAILED, "%s: cannot create a PNG reader", name);
  gboolean ok = ctx.info != NULL && png_decode (&ctx, info, error);
  png_destroy_read_struct (&ctx.png, ctx.info ? &ctx.info : NULL, NULL);
  g_free (ctx.rows);
  g_free (ctx.pixels);
  if (!ok)
    {
      lw_tensor_free (ctx.tensor);
      return NULL;
    }
  return ctx.tensor;
}

/* ---------------------------------------------------------------- JPEG reading */

typedef struct
{
  struct jpeg_error_mgr pub;
  jmp_buf      jump;
  const char  *name;
  gboolean     truncated;
  char         message[JMSG_LENGTH_MAX];
} JpegErrorMgr;

typedef struct
{
  struct jpeg_decompress_struct cinfo;
  JpegErrorMgr err;
  guint8      *row;
  LwTensor    *tensor;
} JpegReadCtx;

static void
jpeg_error_exit_cb (j_common_ptr cinfo)
{
  JpegErrorMgr *err = (JpegErrorMgr *) cinfo->err;
  err->pub.format_message (cinfo, err->message);
  longjmp (err->jump, 1);
}

static void
jpeg_emit_message_cb (j_common_ptr cinfo, int level)
{
  JpegErrorMgr *err = (JpegErrorMgr *) cinfo->err;
  if (level >= 0)
    return; /* trace messages */
  /* libjpeg pads a truncated stream with gray and only warns; a cut file is an error here. */
  if (err->pub.msg_code == JWRN_JPEG_EOF)
    {
      err->truncated = TRUE;
      err->pub.format_message (cinfo, err->message);
      longjmp (err->jump, 1);
    }
  char buf[JMSG_LENGTH_MAX];
  err->pub.format_message (cinfo, buf);
  g_debug ("%s: libjpeg: %s", err->name, buf);
}

static gboolean
jpeg_decode (JpegReadCtx *ctx, const guint8 *data, gsize len, LwImageInfo *info,
             GError **error)
{
  j_decompress_ptr cinfo = &ctx->cinfo;
  const char *name = ctx->err.name;

  if (setjmp (ctx->err.jump))
    {
      g_set_error (error, LW_ERROR,
                   ctx->err.truncated ? LW_ERROR_TRUNCATED : LW_ERROR_INVALID_DATA,
                   "%s: %s JPEG: %s", name, ctx->err.truncated ? "truncated" : "corrupt",
                   ctx->err.message);
      return FALSE;
    }

  jpeg_create_decompress (cinfo);
  jpeg_mem_src (cinfo, data, len);
  jpeg_read_header (cinfo, TRUE);

  if (!check_dimensions (name, cinfo->image_width, cinfo->image_height, error))
    return FALSE;
  guint64 pixels = (guint64) cinfo->image_width * cinfo->image_height;
  guint64 per_byte = cinfo->arith_code ? JPEG_ARITH_MAX_PIXELS_PER_BYTE
                                       : JPEG_MAX_PIXELS_PER_BYTE;
  if (pixels > (guint64) len * per_byte + SIZE_SLACK)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TRUNCATED,
                   "%s: truncated JPEG: %" G_GSIZE_FORMAT " bytes cannot hold a %u×%u image",
                   name, len, cinfo->image_width, cinfo->image_height);
      return FALSE;
    }

  switch (cinfo->jpeg_color_space)
    {
    case JCS_GRAYSCALE:
      cinfo->out_color_space = JCS_GRAYSCALE;
      break;
    case JCS_YCbCr:
    case JCS_RGB:
      cinfo->out_color_space = JCS_RGB;
      break;
    case JCS_CMYK:
    case JCS_YCCK:
      g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                   "%s: CMYK JPEG images are not supported; convert the image to RGB first",
                   name);
      return FALSE;
    default:
      g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                   "%s: JPEG colour space %d is not supported", name,
                   (int) cinfo->jpeg_color_space);
      return FALSE;
    }

  jpeg_start_decompress (cinfo);
  guint width = cinfo->output_width, height = cinfo->output_height;
  guint channels = cinfo->output_components;
  if ((channels != 1 && channels != 3) || width != cinfo->image_width
      || height != cinfo->image_height)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                   "%s: unexpected JPEG output layout (%u components)", name, channels);
      return FALSE;
    }

  ctx->tensor = new_image_tensor (channels, height, width, name, error);
  if (ctx->tensor == NULL)
    return FALSE;
  ctx->row = g_malloc ((gsize) width * channels);
  gsize plane = (gsize) width * height;
  while (cinfo->output_scanline < height)
    {
      guint y = cinfo->output_scanline;
      JSAMPROW rowp = ctx->row;
      if (jpeg_read_scanlines (cinfo, &rowp, 1) != 1)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_TRUNCATED, "%s: truncated JPEG at row %u",
                       name, y);
          return FALSE;
        }
      for (guint x = 0; x < width; x++)
        for (guint c = 0; c < channels; c++)
          ctx->tensor->data[c * plane + (gsize) y * width + x]
            = (float) ctx->row[x * channels + c] / 255.0f;
    }
  jpeg_finish_decompress (cinfo);

  if (info)
    {
      info->bit_depth = 8;
      info->channels = channels;
      info->has_alpha = FALSE;
      info->format = "jpeg";
    }
  return TRUE;
}

static LwTensor *
load_jpeg (const guint8 *data, gsize len, const char *name, LwImageInfo *info, GError **error)
{
  JpegReadCtx *ctx = g_new0 (JpegReadCtx, 1);
  ctx->cinfo.err = jpeg_std_error (&ctx->err.pub);
  ctx->err.pub.error_exit = jpeg_error_exit_cb;
  ctx->err.pub.emit_message = jpeg_emit_message_cb;
  ctx->err.name = name;

  gboolean ok = jpeg_decode (ctx, data, len, info, error);
  jpeg_destroy_decompress (&ctx->cinfo);
  g_free (ctx->row);
  LwTensor *t = ctx->tensor;
  g_free (ctx);
  if (!ok)
    {
      lw_tensor_free (t);
      return NULL;
    }
  return t;
}

/* ---------------------------------------------------------------- loading */

LwTensor *
lw_image_load_from_memory (const guint8 *data, gsize len, const char *name, LwImageInfo *info,
                           GError **error)
{
  g_return_val_if_fail (data != NULL || len == 0, NULL);
  if (name == NULL)
    name = "image";

  if (len >= 8 && memcmp (data, png_magic, 8) == 0)
    return load_png (data, len, name, info, error);
  if (len >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
    return load_jpeg (data, len, name, info, error);

  if (len == 0)
    g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED, "%s: the file is empty; not a PNG or "
                 "JPEG image", name);
  else
    g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED, "%s: not a PNG or JPEG image", name);
  return NULL;
}

LwTensor *
lw_image_load (const char *path, LwImageInfo *info, GError **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_autoptr (GError) local = NULL;

  if (!g_file_get_contents (path, &contents, &len, &local))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_IO, "%s", local->message);
      return NULL;
    }
  g_autofree char *display = g_filename_display_name (path);
  return lw_image_load_from_memory ((const guint8 *) contents, len, display, info, error);
}

/* ---------------------------------------------------------------- PNG writing */

typedef struct
{
  GByteArray *out;
  char        message[256];
  png_structp png;
  png_infop   info;
  guint8     *pixels;
  png_bytep  *rows;
} PngWriteCtx;

static void
png_write_error_cb (png_structp png, png_const_charp msg)
{
  PngWriteCtx *ctx = png_get_error_ptr (png);
  g_strlcpy (ctx->message, msg, sizeof ctx->message);
  png_longjmp (png, 1);
}

static void
png_write_warning_cb (png_structp png, png_const_charp msg)
{
  g_debug ("libpng (writing): %s", msg);
}

static void
png_write_cb (png_structp png, png_bytep data, png_size_t n)
{
  PngWriteCtx *ctx = png_get_io_ptr (png);
  g_byte_array_append (ctx->out, data, n);
}

static void
png_flush_cb (png_structp png)
{
}

static gboolean
png_encode (PngWriteCtx *ctx, guint width, guint height, guint channels, guint depth,
            GError **error)
{
  static const int color_types[] = { PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
                                     PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA };
  if (setjmp (png_jmpbuf (ctx->png)))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_FAILED, "PNG encoder: %s", ctx->message);
      return FALSE;
    }
  png_set_write_fn (ctx->png, ctx, png_write_cb, png_flush_cb);
  png_set_IHDR (ctx->png, ctx->info, width, height, depth, color_types[channels - 1],
                PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info (ctx->png, ctx->info);
  png_write_image (ctx->png, ctx->rows);
  png_write_end (ctx->png, NULL);
  return TRUE;
}

static inline guint
quantise (float v, guint max)
{
  if (!(v > 0.0f)) /* also NaN */
    return 0;
  if (v >= 1.0f)
    return max;
  return (guint) floor ((double) v * max + 0.5);
}

GBytes *
lw_image_encode_png (const LwTensor *image, guint bit_depth, GError **error)
{
  if (image->ndim != 3 || image->shape[0] < 1 || image->shape[0] > 4)
    {
      g_autofree char *s = lw_tensor_shape_string (image);
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE,
                   "PNG encoder: expected a C×H×W image with 1 to 4 channels, got %s", s);
      return NULL;
    }
  if (bit_depth != 8 && bit_depth != 16)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "PNG encoder: bit depth %u (8 or 16 allowed)", bit_depth);
      return NULL;
    }
  guint channels = image->shape[0], height = image->shape[1], width = image->shape[2];
  if (!check_dimensions ("PNG encoder", width, height, error))
    return NULL;

  PngWriteCtx ctx = { .out = g_byte_array_new () };
  gsize bps = bit_depth / 8;
  gsize rowbytes = (gsize) width * channels * bps;
  gsize plane = (gsize) width * height;
  ctx.pixels = g_malloc (rowbytes * height);
  ctx.rows = g_new (png_bytep, height);
  guint max = bit_depth == 16 ? 65535 : 255;
  for (guint y = 0; y < height; y++)
    {
      guint8 *row = ctx.pixels + rowbytes * y;
      ctx.rows[y] = row;
      for (guint x = 0; x < width; x++)
        for (guint c = 0; c < channels; c++)
          {
            guint v = quantise (image->data[c * plane + (gsize) y * width + x], max);
            gsize i = ((gsize) x * channels + c) * bps;
            if (bit_depth == 16)
              {
                row[i] = v >> 8;
                row[i + 1] = v & 0xff;
              }
            else
              row[i] = v;
          }
    }

  gboolean ok = FALSE;
  ctx.png = png_create_write_struct (PNG_LIBPNG_VER_STRING, &ctx, png_write_error_cb,
                                     png_write_warning_cb);
  if (ctx.png)
    ctx.info = png_create_info_struct (ctx.png);
  if (ctx.png && ctx.info)
    ok = png_encode (&ctx, width, height, channels, bit_depth, error);
  else
    g_set_error (error, LW_ERROR, LW_ERROR_FAILED, "cannot create a PNG writer");
  png_destroy_write_struct (&ctx.png, &ctx.info);
  g_free (ctx.rows);
  g_free (ctx.pixels);
  if (!ok)
    {
      g_byte_array_unref (ctx.out);
      return NULL;
    }
  return g_byte_array_free_to_bytes (ctx.out);
}

gboolean
lw_file_write_atomic (const char *path, const guint8 *data, gsize len, GError **error)
{
  g_autoptr (GError) local = NULL;
  /* g_file_set_contents writes a temporary file beside `path` and renames it over. */
  if (!g_file_set_contents (path, (const char *) data, len, &local))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_IO, "%s", local->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
lw_image_save_png (const LwTensor *image, const char *path, guint bit_depth, GError **error)
{
  g_autoptr (GBytes) png = lw_image_encode_png (image, bit_depth, error);
  if (png == NULL)
    return FALSE;
  gsize len;
  const guint8 *data = g_bytes_get_data (png, &len);
  return lw_file_write_atomic (path, data, len, error);
}

/* ---------------------------------------------------------------- 8-bit conversion */

guint8 *
lw_image_to_u8 (const LwTensor *image)
{
  g_return_val_if_fail (image != NULL && image->ndim == 3, NULL);
  gsize c = image->shape[0], h = image->shape[1], w = image->shape[2];
  gsize plane = h * w;
  guint8 *out = g_malloc (plane * c);
  for (gsize ch = 0; ch < c; ch++)
    {
      const float *src = image->data + ch * plane;
      for (gsize i = 0; i < plane; i++)
        out[i * c + ch] = quantise (src[i], 255);
    }
  return out;
}

LwTensor *
lw_image_from_u8 (const guint8 *pixels, guint width, guint height, guint channels)
{
  g_return_val_if_fail (pixels != NULL && channels >= 1 && channels <= 4, NULL);
  LwTensor *t = lw_tensor_new_3d (channels, height, width);
  gsize plane = (gsize) width * height;
  for (guint c = 0; c < channels; c++)
    for (gsize i = 0; i < plane; i++)
      t->data[c * plane + i] = (float) pixels[i * channels + c] / 255.0f;
  return t;
}
