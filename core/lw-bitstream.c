/* lw-bitstream.c — the `.lwc` container: writer, strict parser, CRC32 checks
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The byte layout is specified in docs/lwc-format.md and pinned by the byte-level test vector
 * in tests/test-bitstream.c; change all three together. The parser reads only through
 * bounds-checked helpers, validates every count and length before it is used, and refuses
 * anything the specification does not allow (see "Decoder obligations" in the spec).
 */
#define G_LOG_DOMAIN "lw-bitstream"

#include "lw-bitstream.h"
#include "lw-error.h"

#include <math.h>
#include <string.h>
#include <zlib.h>

/* "\x89LWC\r\n\x1a\n": the high byte catches 7-bit transfers, CR LF / LF catch newline
 * translation, ^Z stops a DOS `type`; the same reasoning as PNG's signature. */
static const guint8 lwc_magic[8] = { 0x89, 'L', 'W', 'C', '\r', '\n', 0x1a, '\n' };

#define FIXED_HEADER_SIZE 16 /* magic, version, codec id, media kind, 3 counts */
#define CHUNK_ENTRY_SIZE  20 /* tag u32, offset u64, length u32, crc u32 */
#define PARAM_MIN_SIZE    10 /* name length u8, ≥ 1 name byte, value f64 */
#define MAX_NAME_LEN      63
#define MAX_MEDIA_KIND    1  /* 0 image, 1 audio (LwMediaKind) */
#define MAX_DIM           G_MAXINT32

typedef struct
{
  char  *name;
  double value;
} Param;

typedef struct
{
  guint32 tag;
  GBytes *data;
} Chunk;

struct _LwBitstream
{
  guint16 codec_id;
  guint8  media_kind;
  guint   ndim;
  guint32 shape[LW_BITSTREAM_MAX_DIMS];
  GArray *params; /* of Param, names owned */
  GArray *chunks; /* of Chunk, bytes referenced */
};

static void
param_clear (gpointer p)
{
  g_free (((Param *) p)->name);
}

static void
chunk_clear (gpointer p)
{
  g_bytes_unref (((Chunk *) p)->data);
}

LwBitstream *
lw_bitstream_new (guint16 codec_id, guint8 media_kind)
{
  LwBitstream *bs = g_new0 (LwBitstream, 1);
  bs->codec_id = codec_id;
  bs->media_kind = media_kind;
  bs->params = g_array_new (FALSE, TRUE, sizeof (Param));
  g_array_set_clear_func (bs->params, param_clear);
  bs->chunks = g_array_new (FALSE, TRUE, sizeof (Chunk));
  g_array_set_clear_func (bs->chunks, chunk_clear);
  return bs;
}

void
lw_bitstream_free (LwBitstream *bs)
{
  if (bs == NULL)
    return;
  g_array_unref (bs->params);
  g_array_unref (bs->chunks);
  g_free (bs);
}

guint16
lw_bitstream_get_codec_id (const LwBitstream *bs)
{
  return bs->codec_id;
}

guint8
lw_bitstream_get_media_kind (const LwBitstream *bs)
{
  return bs->media_kind;
}

void
lw_bitstream_set_shape (LwBitstream *bs, guint ndim, const guint32 *shape)
{
  g_return_if_fail (ndim <= LW_BITSTREAM_MAX_DIMS);
  for (guint i = 0; i < ndim; i++)
    g_return_if_fail (shape[i] >= 1 && shape[i] <= MAX_DIM);
  bs->ndim = ndim;
  memset (bs->shape, 0, sizeof bs->shape);
  for (guint i = 0; i < ndim; i++)
    bs->shape[i] = shape[i];
}

guint
lw_bitstream_get_ndim (const LwBitstream *bs)
{
  return bs->ndim;
}

guint32
lw_bitstream_get_dim (const LwBitstream *bs, guint i)
{
  g_return_val_if_fail (i < bs->ndim, 0);
  return bs->shape[i];
}

/* Printable ASCII without space (names are written as KEY=VALUE lists) and without '=' */
static gboolean
name_char_ok (guint8 c)
{
  return c >= 0x21 && c <= 0x7e && c != '=';
}

static gboolean
name_ok (const char *name, gsize len)
{
  if (len < 1 || len > MAX_NAME_LEN)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!name_char_ok ((guint8) name[i]))
      return FALSE;
  return TRUE;
}

static int
find_param (const LwBitstream *bs, const char *name, gsize len)
{
  for (guint i = 0; i < bs->params->len; i++)
    {
      const Param *p = &g_array_index (bs->params, Param, i);
      if (strlen (p->name) == len && memcmp (p->name, name, len) == 0)
        return (int) i;
    }
  return -1;
}

void
lw_bitstream_set_param (LwBitstream *bs, const char *name, double value)
{
  g_return_if_fail (name != NULL && name_ok (name, strlen (name)));
  g_return_if_fail (isfinite (value));

  int i = find_param (bs, name, strlen (name));
  if (i >= 0)
    {
      g_array_index (bs->params, Param, i).value = value;
      return;
    }
  g_return_if_fail (bs->params->len < LW_BITSTREAM_MAX_PARAMS);
  Param p = { g_strdup (name), value };
  g_array_append_val (bs->params, p);
}

gboolean
lw_bitstream_get_param (const LwBitstream *bs, const char *name, double *value)
{
  int i = name ? find_param (bs, name, strlen (name)) : -1;
  if (i < 0)
    return FALSE;
  if (value)
    *value = g_array_index (bs->params, Param, i).value;
  return TRUE;
}

guint
lw_bitstream_get_n_params (const LwBitstream *bs)
{
  return bs->params->len;
}

const char *
lw_bitstream_get_param_name (const LwBitstream *bs, guint i)
{
  g_return_val_if_fail (i < bs->params->len, NULL);
  return g_array_index (bs->params, Param, i).name;
}

double
lw_bitstream_get_param_value (const LwBitstream *bs, guint i)
{
  g_return_val_if_fail (i < bs->params->len, NAN);
  return g_array_index (bs->params, Param, i).value;
}

void
lw_bitstream_add_chunk (LwBitstream *bs, guint32 tag, GBytes *data)
{
  g_return_if_fail (data != NULL);
  g_return_if_fail (bs->chunks->len < LW_BITSTREAM_MAX_CHUNKS);
  g_return_if_fail (g_bytes_get_size (data) <= G_MAXUINT32);
  Chunk c = { tag, g_bytes_ref (data) };
  g_array_append_val (bs->chunks, c);
}

GBytes *
lw_bitstream_get_chunk (const LwBitstream *bs, guint32 tag)
{
  for (guint i = 0; i < bs->chunks->len; i++)
    if (g_array_index (bs->chunks, Chunk, i).tag == tag)
      return g_array_index (bs->chunks, Chunk, i).data;
  return NULL;
}

guint
lw_bitstream_get_n_chunks (const LwBitstream *bs)
{
  return bs->chunks->len;
}

guint32
lw_bitstream_get_chunk_tag (const LwBitstream *bs, guint i)
{
  g_return_val_if_fail (i < bs->chunks->len, 0);
  return g_array_index (bs->chunks, Chunk, i).tag;
}

GBytes *
lw_bitstream_get_chunk_at (const LwBitstream *bs, guint i)
{
  g_return_val_if_fail (i < bs->chunks->len, NULL);
  return g_array_index (bs->chunks, Chunk, i).data;
}

void
lw_fourcc_to_string (guint32 tag, char out[5])
{
  for (guint i = 0; i < 4; i++)
    {
      guint8 c = (tag >> (8 * i)) & 0xff;
      out[i] = (c >= 0x20 && c <= 0x7e) ? (char) c : '?';
    }
  out[4] = '\0';
}

/* zlib's crc32 takes a uInt length; chunk payloads are < 4 GiB but loop anyway so the
 * function is safe for any gsize. */
static guint32
crc32_of (const guint8 *data, gsize len)
{
  uLong crc = crc32 (0L, Z_NULL, 0);
  while (len > 0)
    {
      uInt n = len > G_MAXUINT32 ? G_MAXUINT32 : (uInt) len;
      crc = crc32 (crc, data, n);
      data += n;
      len -= n;
    }
  return (guint32) crc;
}

/* Writer */

static void
put_u8 (GByteArray *a, guint8 v)
{
  g_byte_array_append (a, &v, 1);
}

static void
put_u16 (GByteArray *a, guint16 v)
{
  guint8 b[2] = { v & 0xff, v >> 8 };
  g_byte_array_append (a, b, 2);
}

static void
put_u32 (GByteArray *a, guint32 v)
{
  guint8 b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };
  g_byte_array_append (a, b, 4);
}

static void
put_u64 (GByteArray *a, guint64 v)
{
  put_u32 (a, (guint32) v);
  put_u32 (a, (guint32) (v >> 32));
}

static void
put_f64 (GByteArray *a, double v)
{
  guint64 bits;
  memcpy (&bits, &v, sizeof bits);
  put_u64 (a, bits);
}

GBytes *
lw_bitstream_serialize (const LwBitstream *bs)
{
  GByteArray *a = g_byte_array_new ();
  guint64 offset;

  g_byte_array_append (a, lwc_magic, sizeof lwc_magic);
  put_u16 (a, (guint16) (LW_BITSTREAM_VERSION << 8)); /* major.minor = 1.0 */
  put_u16 (a, bs->codec_id);
  put_u8 (a, bs->media_kind);
  put_u8 (a, (guint8) bs->ndim);
  put_u8 (a, (guint8) bs->params->len);
  put_u8 (a, (guint8) bs->chunks->len);
  for (guint i = 0; i < bs->ndim; i++)
    put_u32 (a, bs->shape[i]);
  for (guint i = 0; i < bs->params->len; i++)
    {
      const Param *p = &g_array_index (bs->params, Param, i);
      gsize n = strlen (p->name);
      put_u8 (a, (guint8) n);
      g_byte_array_append (a, (const guint8 *) p->name, n);
      put_f64 (a, p->value);
    }

  /* Payloads follow the header CRC, contiguously and in table order */
  offset = a->len + (guint64) bs->chunks->len * CHUNK_ENTRY_SIZE + 4;
  for (guint i = 0; i < bs->chunks->len; i++)
    {
      const Chunk *c = &g_array_index (bs->chunks, Chunk, i);
      gsize n;
      const guint8 *d = g_bytes_get_data (c->data, &n);
      put_u32 (a, c->tag);
      put_u64 (a, offset);
      put_u32 (a, (guint32) n);
      put_u32 (a, crc32_of (d, n));
      offset += n;
    }
  put_u32 (a, crc32_of (a->data, a->len));

  for (guint i = 0; i < bs->chunks->len; i++)
    {
      gsize n;
      const guint8 *d = g_bytes_get_data (g_array_index (bs->chunks, Chunk, i).data, &n);
      if (n > 0)
        g_byte_array_append (a, d, n);
    }
  return g_byte_array_free_to_bytes (a);
}

/* Parser: every read goes through these, after the caller has checked `pos + size <= len`. */

static guint16
get_u16 (const guint8 *p)
{
  return (guint16) (p[0] | (p[1] << 8));
}

static guint32
get_u32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static guint64
get_u64 (const guint8 *p)
{
  return (guint64) get_u32 (p) | ((guint64) get_u32 (p + 4) << 32);
}

static double
get_f64 (const guint8 *p)
{
  guint64 bits = get_u64 (p);
  double v;
  memcpy (&v, &bits, sizeof v);
  return v;
}

typedef struct
{
  guint   index;
  guint32 tag;
  guint64 offset;
  guint32 length;
} Range;

static int
range_cmp (gconstpointer a, gconstpointer b)
{
  const Range *ra = a, *rb = b;
  if (ra->offset != rb->offset)
    return ra->offset < rb->offset ? -1 : 1;
  if (ra->length != rb->length)
    return ra->length < rb->length ? -1 : 1;
  return ra->index < rb->index ? -1 : (ra->index > rb->index);
}

static gboolean
truncated (GError **error, gsize need, gsize len, gboolean at_least)
{
  g_set_error (error, LW_ERROR, LW_ERROR_TRUNCATED,
               "truncated: header needs %s%" G_GSIZE_FORMAT " bytes, file has %" G_GSIZE_FORMAT,
               at_least ? "at least " : "", need, len);
  return FALSE;
}

/* Sizes the header from its counts and name lengths; on success *header_len includes the
 * header CRC. Checks magic, version and limits, i.e. everything needed to find the CRC. */
static gboolean
parse_frame (const guint8 *data, gsize len, gsize *header_len, GError **error)
{
  if (len < sizeof lwc_magic)
    {
      if (memcmp (data, lwc_magic, len) == 0)
        return truncated (error, FIXED_HEADER_SIZE, len, TRUE);
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "not an .lwc file: wrong magic (file has only %" G_GSIZE_FORMAT " bytes)",
                   len);
      return FALSE;
    }
  if (memcmp (data, lwc_magic, sizeof lwc_magic) != 0)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "not an .lwc file: wrong magic %02x %02x %02x %02x %02x %02x %02x %02x",
                   data[0], data[1], data[2], data[3], data[4], data[5], data[6], data[7]);
      return FALSE;
    }
  if (len < FIXED_HEADER_SIZE)
    return truncated (error, FIXED_HEADER_SIZE, len, TRUE);

  guint16 version = get_u16 (data + 8);
  guint ndim = data[13], n_params = data[14], n_chunks = data[15];
  if ((version >> 8) != LW_BITSTREAM_VERSION)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                   "unsupported .lwc format version %u.%u (this build reads %d.x)",
                   version >> 8, version & 0xff, LW_BITSTREAM_VERSION);
      return FALSE;
    }
  if (ndim > LW_BITSTREAM_MAX_DIMS)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "header: %u dimensions (at most %d allowed)", ndim, LW_BITSTREAM_MAX_DIMS);
      return FALSE;
    }
  if (n_params > LW_BITSTREAM_MAX_PARAMS)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "header: %u parameters (at most %d allowed)", n_params,
                   LW_BITSTREAM_MAX_PARAMS);
      return FALSE;
    }
  if (n_chunks > LW_BITSTREAM_MAX_CHUNKS)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "header: %u chunks (at most %d allowed)", n_chunks, LW_BITSTREAM_MAX_CHUNKS);
      return FALSE;
    }

  /* Walk the variable-length parameter records; until the last name length is known,
   * report the least the header could need ("at least"). */
  gsize pos = FIXED_HEADER_SIZE + 4 * (gsize) ndim;
  for (guint i = 0; i < n_params; i++)
    {
      if (pos >= len)
        {
          gsize need = pos + (n_params - i) * PARAM_MIN_SIZE + n_chunks * CHUNK_ENTRY_SIZE + 4;
          return truncated (error, need, len, TRUE);
        }
      guint name_len = data[pos];
      if (name_len < 1 || name_len > MAX_NAME_LEN)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "parameter %u: name length %u (1 to %d allowed)", i, name_len,
                       MAX_NAME_LEN);
          return FALSE;
        }
      pos += 1 + name_len + 8;
    }
  pos += (gsize) n_chunks * CHUNK_ENTRY_SIZE + 4;
  if (pos > len)
    return truncated (error, pos, len, FALSE);
  *header_len = pos;
  return TRUE;
}

static gboolean
parse_params (LwBitstream *bs, const guint8 *data, gsize *pos, guint n_params, GError **error)
{
  for (guint i = 0; i < n_params; i++)
    {
      guint name_len = data[*pos];
      const char *name = (const char *) data + *pos + 1;
      double value = get_f64 (data + *pos + 1 + name_len);

      if (!name_ok (name, name_len))
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "parameter %u: name is not printable ASCII without spaces and '='", i);
          return FALSE;
        }
      if (find_param (bs, name, name_len) >= 0)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "parameter %u: duplicate name “%.*s”", i, (int) name_len, name);
          return FALSE;
        }
      if (!isfinite (value))
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "parameter %u (“%.*s”): value is not a finite number", i,
                       (int) name_len, name);
          return FALSE;
        }
      Param p = { g_strndup (name, name_len), value };
      g_array_append_val (bs->params, p);
      *pos += 1 + name_len + 8;
    }
  return TRUE;
}

static gboolean
parse_chunks (LwBitstream *bs, GBytes *file, gsize pos, guint n_chunks, gsize header_len,
              GError **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (file, &len);
  g_autofree Range *ranges = g_new0 (Range, MAX (n_chunks, 1));
  char tag_s[5], tag2_s[5];

  for (guint i = 0; i < n_chunks; i++, pos += CHUNK_ENTRY_SIZE)
    {
      Range *r = &ranges[i];
      r->index = i;
      r->tag = get_u32 (data + pos);
      r->offset = get_u64 (data + pos + 4);
      r->length = get_u32 (data + pos + 12);
      lw_fourcc_to_string (r->tag, tag_s);

      for (guint k = 0; k < 4; k++)
        {
          guint8 c = (r->tag >> (8 * k)) & 0xff;
          if (c < 0x20 || c > 0x7e)
            {
              g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                           "chunk %u: tag 0x%08x is not four printable ASCII characters", i,
                           r->tag);
              return FALSE;
            }
        }
      if (r->offset < header_len)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "chunk %u (%s): offset %" G_GUINT64_FORMAT
                       " lies inside the header (%" G_GSIZE_FORMAT " bytes)",
                       i, tag_s, r->offset, header_len);
          return FALSE;
        }
      /* offset ≤ len is checked first so offset + length cannot overflow */
      if (r->offset > len || r->length > len - r->offset)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_TRUNCATED,
                       "chunk %u (%s): bytes %" G_GUINT64_FORMAT "…%" G_GUINT64_FORMAT
                       " extend past the end of the file (%" G_GSIZE_FORMAT " bytes)",
                       i, tag_s, r->offset, r->offset + r->length, len);
          return FALSE;
        }
    }

  /* The payload area must be tiled exactly: no overlaps, no gaps, nothing after the end. */
  g_autofree Range *sorted = g_memdup2 (ranges, sizeof (Range) * MAX (n_chunks, 1));
  qsort (sorted, n_chunks, sizeof (Range), range_cmp);
  guint64 expect = header_len;
  for (guint i = 0; i < n_chunks; i++)
    {
      const Range *r = &sorted[i];
      lw_fourcc_to_string (r->tag, tag_s);
      if (i > 0 && r->offset < sorted[i - 1].offset + sorted[i - 1].length)
        {
          lw_fourcc_to_string (sorted[i - 1].tag, tag2_s);
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "chunk %u (%s) overlaps chunk %u (%s)", r->index, tag_s,
                       sorted[i - 1].index, tag2_s);
          return FALSE;
        }
      if (r->offset > expect)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "%" G_GUINT64_FORMAT " unused bytes at offset %" G_GUINT64_FORMAT
                       " before chunk %u (%s)",
                       r->offset - expect, expect, r->index, tag_s);
          return FALSE;
        }
      expect = r->offset + r->length;
    }
  if (expect != len)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "%" G_GUINT64_FORMAT " bytes of trailing data after offset %" G_GUINT64_FORMAT,
                   (guint64) len - expect, expect);
      return FALSE;
    }

  /* CRCs in table order, so the error names the first bad chunk as the table lists it */
  for (guint i = 0; i < n_chunks; i++)
    {
      const Range *r = &ranges[i];
      guint32 stored = get_u32 (data + header_len - 4 - (n_chunks - i) * CHUNK_ENTRY_SIZE + 16);
      guint32 actual = crc32_of (data + r->offset, r->length);
      if (stored != actual)
        {
          lw_fourcc_to_string (r->tag, tag_s);
          g_set_error (error, LW_ERROR, LW_ERROR_CHECKSUM,
                       "chunk %u (%s): CRC mismatch (stored %08x, computed %08x)", i, tag_s,
                       stored, actual);
          return FALSE;
        }
      Chunk c = { r->tag, g_bytes_new_from_bytes (file, r->offset, r->length) };
      g_array_append_val (bs->chunks, c);
    }
  return TRUE;
}

LwBitstream *
lw_bitstream_parse (const guint8 *data, gsize len, GError **error)
{
  gsize header_len = 0;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  if (data == NULL)
    data = (const guint8 *) "";

  if (!parse_frame (data, len, &header_len, error))
    return NULL;

  guint32 stored = get_u32 (data + header_len - 4);
  guint32 actual = crc32_of (data, header_len - 4);
  if (stored != actual)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_CHECKSUM,
                   "header: CRC mismatch (stored %08x, computed %08x)", stored, actual);
      return NULL;
    }

  guint media_kind = data[12];
  guint ndim = data[13], n_params = data[14], n_chunks = data[15];
  if (media_kind > MAX_MEDIA_KIND)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                   "header: unknown media kind %u (0 image, 1 audio)", media_kind);
      return NULL;
    }

  /* Copy first: chunks are slices of this copy, so the caller's buffer can go away. */
  g_autoptr (GBytes) file = g_bytes_new (data, len);
  data = g_bytes_get_data (file, NULL);

  g_autoptr (LwBitstream) bs = lw_bitstream_new (get_u16 (data + 10), (guint8) media_kind);
  gsize pos = FIXED_HEADER_SIZE;
  bs->ndim = ndim;
  for (guint i = 0; i < ndim; i++, pos += 4)
    {
      guint32 d = get_u32 (data + pos);
      if (d < 1 || d > MAX_DIM)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "header: dimension %u is %u (1 to %d allowed)", i, d, MAX_DIM);
          return NULL;
        }
      bs->shape[i] = d;
    }
  if (!parse_params (bs, data, &pos, n_params, error))
    return NULL;
  if (!parse_chunks (bs, file, pos, n_chunks, header_len, error))
    return NULL;
  return g_steal_pointer (&bs);
}
