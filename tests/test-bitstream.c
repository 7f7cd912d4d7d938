/* test-bitstream.c — the .lwc container: round trip, byte layout, and rejection of bad files
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The layout reference is docs/lwc-format.md; /bitstream/spec-vector spells out the worked
 * example of that document byte by byte (CRCs computed with Python's zlib.crc32), so the spec
 * and the code cannot drift apart.
 */
#define G_LOG_DOMAIN "test-bitstream"

#include "lw-bitstream.h"
#include "lw-error.h"

#include <math.h>
#include <string.h>
#include <zlib.h>

/* A reference file: codec 2, image, shape 3×5×7, params "quality" = 75 and "sub" = 1,
 * chunks NATV, LAT1, LAT0 of 5 bytes each. Offsets follow the spec's layout. */
enum
{
  OFF_VERSION = 8,
  OFF_CODEC = 10,
  OFF_MEDIA = 12,
  OFF_NDIM = 13,
  OFF_NPARAMS = 14,
  OFF_NCHUNKS = 15,
  OFF_DIMS = 16,
  OFF_P0_LEN = 28,
  OFF_P0_NAME = 29,
  OFF_P0_VALUE = 36,
  OFF_P1_LEN = 44,
  OFF_P1_NAME = 45,
  OFF_P1_VALUE = 48,
  OFF_TABLE = 56, /* entries of 20 bytes: tag, offset u64, length, crc */
  OFF_HCRC = 116,
  HEADER_LEN = 120,
  FILE_LEN = 135,
};

static GBytes *
make_reference (void)
{
  g_autoptr (LwBitstream) bs = lw_bitstream_new (2, 0);
  const guint32 shape[] = { 3, 5, 7 };
  lw_bitstream_set_shape (bs, 3, shape);
  lw_bitstream_set_param (bs, "quality", 75);
  lw_bitstream_set_param (bs, "sub", 1);
  const char *tags[] = { "NATV", "LAT1", "LAT0" };
  for (guint i = 0; i < 3; i++)
    {
      guint8 payload[5];
      for (guint k = 0; k < 5; k++)
        payload[k] = (guint8) (i * 16 + k);
      g_autoptr (GBytes) b = g_bytes_new (payload, sizeof payload);
      lw_bitstream_add_chunk (bs, LW_FOURCC (tags[i][0], tags[i][1], tags[i][2], tags[i][3]), b);
    }
  return lw_bitstream_serialize (bs);
}

static guint8 *
reference_copy (gsize *len)
{
  g_autoptr (GBytes) b = make_reference ();
  g_assert_cmpuint (g_bytes_get_size (b), ==, FILE_LEN);
  *len = FILE_LEN;
  return g_memdup2 (g_bytes_get_data (b, NULL), FILE_LEN);
}

static void
put32 (guint8 *p, guint32 v)
{
  p[0] = v & 0xff;
  p[1] = (v >> 8) & 0xff;
  p[2] = (v >> 16) & 0xff;
  p[3] = v >> 24;
}

static void
put64 (guint8 *p, guint64 v)
{
  put32 (p, (guint32) v);
  put32 (p + 4, (guint32) (v >> 32));
}

static void
fix_header_crc (guint8 *buf, gsize crc_at)
{
  put32 (buf + crc_at, (guint32) crc32 (crc32 (0, NULL, 0), buf, (uInt) crc_at));
}

/* Parses and expects failure with `code`; returns the message for further checks. */
static char *
expect_error (const guint8 *buf, gsize len, int code)
{
  GError *error = NULL;
  LwBitstream *bs = lw_bitstream_parse (buf, len, &error);
  if (bs != NULL)
    g_error ("expected error code %d, parse succeeded", code);
  g_assert_error (error, LW_ERROR, code);
  char *msg = g_strdup (error->message);
  g_test_message ("%s", msg);
  g_error_free (error);
  return msg;
}

static void
test_round_trip (void)
{
  g_autoptr (LwBitstream) bs = lw_bitstream_new (0xBEEF, 1);
  const guint32 shape[] = { 2, 1, 0x7fffffff, 9 };
  const char *names[] = { "a", "rate.bits", "x_max-1", "lambda" };
  const double values[] = { -1.5, 1e-300, 12345678.875, G_PI };
  const char *tags[] = { "LAT0", "LAT1", "EMPT", "LAT0" };
  const gsize sizes[] = { 1000, 1, 0, 17 };
  GError *error = NULL;

  lw_bitstream_set_shape (bs, 4, shape);
  for (guint i = 0; i < 4; i++)
    lw_bitstream_set_param (bs, names[i], 0);
  for (guint i = 0; i < 4; i++) /* second set overwrites, keeping the order */
    lw_bitstream_set_param (bs, names[i], values[i]);
  g_assert_cmpuint (lw_bitstream_get_n_params (bs), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      guint8 *p = g_malloc0 (MAX (sizes[i], 1));
      for (gsize k = 0; k < sizes[i]; k++)
        p[k] = (guint8) (k * 31 + i);
      g_autoptr (GBytes) b = g_bytes_new_take (p, sizes[i]);
      lw_bitstream_add_chunk (bs, LW_FOURCC (tags[i][0], tags[i][1], tags[i][2], tags[i][3]), b);
    }

  g_autoptr (GBytes) bytes = lw_bitstream_serialize (bs);
  gsize len = g_bytes_get_size (bytes);
  /* Parse from a private copy that is destroyed first: the result must not point into it. */
  guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, NULL), len);
  g_autoptr (LwBitstream) back = lw_bitstream_parse (copy, len, &error);
  memset (copy, 0xAA, len);
  g_free (copy);
  g_assert_no_error (error);
  g_assert_nonnull (back);

  g_assert_cmpuint (lw_bitstream_get_codec_id (back), ==, 0xBEEF);
  g_assert_cmpuint (lw_bitstream_get_media_kind (back), ==, 1);
  g_assert_cmpuint (lw_bitstream_get_ndim (back), ==, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (lw_bitstream_get_dim (back, i), ==, shape[i]);
  g_assert_cmpuint (lw_bitstream_get_n_params (back), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      double v = 0;
      g_assert_cmpstr (lw_bitstream_get_param_name (back, i), ==, names[i]);
      g_assert_true (lw_bitstream_get_param_value (back, i) == values[i]); /* bit-exact */
      g_assert_true (lw_bitstream_get_param (back, names[i], &v));
      g_assert_true (v == values[i]);
    }
  g_assert_false (lw_bitstream_get_param (back, "missing", NULL));
  g_assert_cmpuint (lw_bitstream_get_n_chunks (back), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      char s[5];
      lw_fourcc_to_string (lw_bitstream_get_chunk_tag (back, i), s);
      g_assert_cmpstr (s, ==, tags[i]);
      g_assert_true (g_bytes_equal (lw_bitstream_get_chunk_at (back, i),
                                    lw_bitstream_get_chunk_at (bs, i)));
    }
  /* Lookup by tag finds the first of duplicates */
  g_assert_cmpuint (g_bytes_get_size (lw_bitstream_get_chunk (back, LW_FOURCC ('L', 'A', 'T', '0'))),
                    ==, 1000);
  g_assert_null (lw_bitstream_get_chunk (back, LW_FOURCC ('N', 'O', 'N', 'E')));

  /* Re-serialising gives the same bytes: one container, one representation */
  g_autoptr (GBytes) again = lw_bitstream_serialize (back);
  g_assert_true (g_bytes_equal (bytes, again));
}

static void
test_empty (void)
{
  g_autoptr (LwBitstream) bs = lw_bitstream_new (1, 0);
  g_autoptr (GBytes) bytes = lw_bitstream_serialize (bs);
  GError *error = NULL;
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 20);
  g_autoptr (LwBitstream) back = lw_bitstream_parse (g_bytes_get_data (bytes, NULL), 20, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lw_bitstream_get_ndim (back), ==, 0);
  g_assert_cmpuint (lw_bitstream_get_n_params (back), ==, 0);
  g_assert_cmpuint (lw_bitstream_get_n_chunks (back), ==, 0);
}

static void
test_truncation (void)
{
  gsize len;
  g_autofree guint8 *buf = reference_copy (&len);

  for (gsize n = 0; n < len; n++)
    {
      /* A fresh heap block of exactly n bytes, so ASan sees any read past the cut */
      g_autofree guint8 *cut = g_malloc (MAX (n, 1));
      memcpy (cut, buf, n);
      g_autofree char *msg = expect_error (cut, n, LW_ERROR_TRUNCATED);
      g_assert_true (strstr (msg, "truncated") != NULL || strstr (msg, "past the end") != NULL);
    }
  g_autofree char *msg = expect_error (buf, 20, LW_ERROR_TRUNCATED);
  g_assert_cmpstr (msg, ==, "truncated: header needs at least 112 bytes, file has 20");
  g_autofree char *msg2 = expect_error (buf, 100, LW_ERROR_TRUNCATED);
  g_assert_cmpstr (msg2, ==, "truncated: header needs 120 bytes, file has 100");
}

typedef struct
{
  const char *what;
  gsize       offset;
  guint       size;     /* 1, 2, 4 or 8 */
  guint64     value;
  int         code;     /* expected error with the header CRC fixed, −1: parses */
  const char *message;  /* substring of the message, or NULL */
  gboolean    before_crc; /* refused before the header CRC is even located */
} Corruption;

static void
test_header_fields (void)
{
  const Corruption cases[] = {
    { "magic", 1, 1, 'l', LW_ERROR_INVALID_DATA, "wrong magic", TRUE },
    { "version major", OFF_VERSION + 1, 1, 2, LW_ERROR_UNSUPPORTED, "version 2.0", TRUE },
    { "version minor", OFF_VERSION, 1, 7, -1, NULL, TRUE },
    { "codec id", OFF_CODEC, 2, 0x1234, -1, NULL },
    { "media kind", OFF_MEDIA, 1, 7, LW_ERROR_UNSUPPORTED, "media kind 7" },
    { "ndim", OFF_NDIM, 1, 5, LW_ERROR_TOO_LARGE, "5 dimensions", TRUE },
    { "n_params", OFF_NPARAMS, 1, 33, LW_ERROR_TOO_LARGE, "33 parameters", TRUE },
    { "n_chunks", OFF_NCHUNKS, 1, 65, LW_ERROR_TOO_LARGE, "65 chunks", TRUE },
    { "dim zero", OFF_DIMS + 4, 4, 0, LW_ERROR_INVALID_DATA, "dimension 1 is 0" },
    { "dim huge", OFF_DIMS + 8, 4, 0x80000000u, LW_ERROR_INVALID_DATA, "dimension 2" },
    { "name length 0", OFF_P0_LEN, 1, 0, LW_ERROR_INVALID_DATA, "name length 0", TRUE },
    { "name length 64", OFF_P0_LEN, 1, 64, LW_ERROR_INVALID_DATA, "name length 64", TRUE },
    { "name with =", OFF_P0_NAME + 2, 1, '=', LW_ERROR_INVALID_DATA, "parameter 0" },
    { "name with space", OFF_P1_NAME, 1, ' ', LW_ERROR_INVALID_DATA, "parameter 1" },
    { "name with NUL", OFF_P1_NAME + 1, 1, 0, LW_ERROR_INVALID_DATA, "parameter 1" },
    { "value NaN", OFF_P1_VALUE, 8, 0x7ff8000000000000ull, LW_ERROR_INVALID_DATA, "finite" },
    { "value inf", OFF_P0_VALUE, 8, 0x7ff0000000000000ull, LW_ERROR_INVALID_DATA, "finite" },
    { "tag control char", OFF_TABLE + 20 + 3, 1, 0x01, LW_ERROR_INVALID_DATA, "chunk 1" },
    { "offset in header", OFF_TABLE + 4, 8, HEADER_LEN - 1, LW_ERROR_INVALID_DATA,
      "chunk 0 (NATV): offset 119 lies inside the header" },
    { "offset past end", OFF_TABLE + 40 + 4, 8, FILE_LEN + 1, LW_ERROR_TRUNCATED,
      "chunk 2 (LAT0)" },
    { "offset overflow", OFF_TABLE + 4, 8, G_MAXUINT64 - 2, LW_ERROR_TRUNCATED, "chunk 0" },
    { "length past end", OFF_TABLE + 40 + 12, 4, 6, LW_ERROR_TRUNCATED, "chunk 2 (LAT0)" },
    { "length huge", OFF_TABLE + 12, 4, G_MAXUINT32, LW_ERROR_TRUNCATED, "chunk 0 (NATV)" },
    { "overlap", OFF_TABLE + 20 + 4, 8, HEADER_LEN + 2, LW_ERROR_INVALID_DATA, "overlaps" },
    { "gap", OFF_TABLE + 12, 4, 4, LW_ERROR_INVALID_DATA, "1 unused bytes at offset 124" },
    { "short last", OFF_TABLE + 40 + 12, 4, 4, LW_ERROR_INVALID_DATA, "trailing" },
    { "chunk crc", OFF_TABLE + 20 + 16, 1, 0x00, LW_ERROR_CHECKSUM,
      "chunk 1 (LAT1): CRC mismatch" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Corruption *c = &cases[i];
      gsize len;
      g_autofree guint8 *buf = reference_copy (&len);
      guint64 old = 0;
      for (guint k = 0; k < c->size; k++)
        old |= (guint64) buf[c->offset + k] << (8 * k);
      g_assert_cmpuint (old, !=, c->value);
      for (guint k = 0; k < c->size; k++)
        buf[c->offset + k] = (guint8) (c->value >> (8 * k));
      g_test_message ("case %s", c->what);

      /* As corrupted in transit: the header CRC catches it, unless a check that must come
       * first (magic, version, counts, name lengths) already refuses the file. */
      if (!c->before_crc)
        {
          g_autofree char *m = expect_error (buf, len, LW_ERROR_CHECKSUM);
          g_assert_true (strstr (m, "header: CRC mismatch") != NULL);
        }

      /* As written by a faulty encoder: the CRC is right, the field is wrong */
      fix_header_crc (buf, OFF_HCRC);
      if (c->code < 0)
        {
          GError *error = NULL;
          g_autoptr (LwBitstream) bs = lw_bitstream_parse (buf, len, &error);
          g_assert_no_error (error);
          g_assert_nonnull (bs);
          continue;
        }
      g_autofree char *msg = expect_error (buf, len, c->code);
      if (c->message)
        g_assert_true (strstr (msg, c->message) != NULL);
    }
}

static void
test_header_crc (void)
{
  gsize len;
  g_autofree guint8 *buf = reference_copy (&len);
  buf[OFF_HCRC + 2] ^= 0x10;
  g_autofree char *msg = expect_error (buf, len, LW_ERROR_CHECKSUM);
  g_assert_true (g_str_has_prefix (msg, "header: CRC mismatch"));
}

static void
test_chunk_crc (void)
{
  gsize len;
  g_autofree guint8 *buf = reference_copy (&len);
  /* Chunk 2 (LAT0) is the last 5 bytes; every single-bit flip there must be caught */
  for (guint bit = 0; bit < 40; bit++)
    {
      buf[FILE_LEN - 5 + bit / 8] ^= (guint8) (1u << (bit % 8));
      g_autofree char *msg = expect_error (buf, len, LW_ERROR_CHECKSUM);
      g_assert_true (g_str_has_prefix (msg, "chunk 2 (LAT0): CRC mismatch"));
      buf[FILE_LEN - 5 + bit / 8] ^= (guint8) (1u << (bit % 8));
    }
}

static void
test_trailing (void)
{
  gsize len;
  g_autofree guint8 *buf = reference_copy (&len);
  g_autofree guint8 *longer = g_malloc0 (len + 1);
  memcpy (longer, buf, len);
  g_autofree char *msg = expect_error (longer, len + 1, LW_ERROR_INVALID_DATA);
  g_assert_cmpstr (msg, ==, "1 bytes of trailing data after offset 135");
}

/* Builds a file by hand, with n chunks of one byte each, bypassing the writer's limit */
static guint8 *
hand_made_chunks (guint n, gsize *len_out)
{
  gsize header = 16 + 20 * (gsize) n + 4, len = header + n;
  guint8 *b = g_malloc0 (len);
  const guint8 magic[8] = { 0x89, 'L', 'W', 'C', '\r', '\n', 0x1a, '\n' };
  memcpy (b, magic, 8);
  b[9] = 1;
  b[10] = 4;
  b[15] = (guint8) n;
  for (guint i = 0; i < n; i++)
    {
      guint8 *e = b + 16 + 20 * i;
      guint8 payload = (guint8) i;
      put32 (e, LW_FOURCC ('C', 'H', '0' + i / 10, '0' + i % 10));
      put64 (e + 4, header + i);
      put32 (e + 12, 1);
      put32 (e + 16, (guint32) crc32 (crc32 (0, NULL, 0), &payload, 1));
      b[header + i] = payload;
    }
  fix_header_crc (b, header - 4);
  *len_out = len;
  return b;
}

static void
test_chunk_limit (void)
{
  gsize len;
  GError *error = NULL;
  g_autofree guint8 *ok = hand_made_chunks (64, &len);
  g_autoptr (LwBitstream) bs = lw_bitstream_parse (ok, len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lw_bitstream_get_n_chunks (bs), ==, 64);
  g_assert_cmpuint (g_bytes_get_size (lw_bitstream_get_chunk_at (bs, 63)), ==, 1);

  g_autofree guint8 *bad = hand_made_chunks (65, &len);
  g_autofree char *msg = expect_error (bad, len, LW_ERROR_TOO_LARGE);
  g_assert_cmpstr (msg, ==, "header: 65 chunks (at most 64 allowed)");
}

/* The worked example of docs/lwc-format.md, byte for byte */
static const guint8 spec_vector[] = {
  0x89, 0x4C, 0x57, 0x43, 0x0D, 0x0A, 0x1A, 0x0A, /* magic */
  0x00, 0x01,                                     /* version 1.0 */
  0x02, 0x00,                                     /* codec id 2 */
  0x00,                                           /* media kind image */
  0x03, 0x01, 0x01,                               /* ndim, n_params, n_chunks */
  0x03, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, /* 3, 2, 4 */
  0x01, 0x71,                                     /* "q" */
  0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x52, 0x40, /* 75.0 */
  0x4E, 0x41, 0x54, 0x56,                         /* "NATV" */
  0x3E, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* offset 62 */
  0x03, 0x00, 0x00, 0x00,                         /* length 3 */
  0x1D, 0x80, 0xBC, 0x55,                         /* crc32(01 02 03) */
  0x74, 0xCF, 0x79, 0xC6,                         /* header CRC */
  0x01, 0x02, 0x03,                               /* payload */
};

static void
test_spec_vector (void)
{
  const guint8 payload[] = { 1, 2, 3 };
  const guint32 shape[] = { 3, 2, 4 };
  GError *error = NULL;

  g_autoptr (LwBitstream) bs = lw_bitstream_new (2, 0);
  lw_bitstream_set_shape (bs, 3, shape);
  lw_bitstream_set_param (bs, "q", 75.0);
  g_autoptr (GBytes) p = g_bytes_new_static (payload, sizeof payload);
  lw_bitstream_add_chunk (bs, LW_FOURCC ('N', 'A', 'T', 'V'), p);
  g_autoptr (GBytes) out = lw_bitstream_serialize (bs);
  gsize len;
  const guint8 *d = g_bytes_get_data (out, &len);
  g_assert_cmpmem (d, len, spec_vector, sizeof spec_vector);

  g_autoptr (LwBitstream) back = lw_bitstream_parse (spec_vector, sizeof spec_vector, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lw_bitstream_get_codec_id (back), ==, 2);
  g_assert_cmpuint (lw_bitstream_get_media_kind (back), ==, 0);
  g_assert_cmpuint (lw_bitstream_get_ndim (back), ==, 3);
  g_assert_cmpuint (lw_bitstream_get_dim (back, 2), ==, 4);
  g_assert_cmpstr (lw_bitstream_get_param_name (back, 0), ==, "q");
  g_assert_cmpfloat (lw_bitstream_get_param_value (back, 0), ==, 75.0);
  GBytes *c = lw_bitstream_get_chunk (back, 0x5654414E);
  g_assert_nonnull (c);
  g_assert_cmpmem (g_bytes_get_data (c, NULL), g_bytes_get_size (c), payload, 3);

  g_autofree char *msg = expect_error (spec_vector, 20, LW_ERROR_TRUNCATED);
  g_assert_cmpstr (msg, ==, "truncated: header needs at least 62 bytes, file has 20");
  g_autofree char *msg2 = expect_error (spec_vector, 40, LW_ERROR_TRUNCATED);
  g_assert_cmpstr (msg2, ==, "truncated: header needs 62 bytes, file has 40");
}

static void
test_fourcc (void)
{
  char s[5];
  lw_fourcc_to_string (LW_FOURCC ('L', 'A', 'T', '0'), s);
  g_assert_cmpstr (s, ==, "LAT0");
  g_assert_cmpuint (LW_FOURCC ('L', 'A', 'T', '0'), ==, 0x3054414C);
  lw_fourcc_to_string (0x00417F42, s);
  g_assert_cmpstr (s, ==, "B?A?");
}

/* Random corruptions of a valid file: whatever happens, no crash, and failure sets an error */
static void
test_random_damage (void)
{
  gsize len;
  g_autofree guint8 *ref = reference_copy (&len);
  GRand *rand = g_rand_new_with_seed (20240611);

  for (guint iter = 0; iter < 3000; iter++)
    {
      g_autofree guint8 *buf = g_memdup2 (ref, len);
      guint n_flips = g_rand_int_range (rand, 1, 4);
      for (guint k = 0; k < n_flips; k++)
        buf[g_rand_int_range (rand, 0, (gint32) len)] = (guint8) g_rand_int (rand);
      if (g_rand_boolean (rand))
        fix_header_crc (buf, OFF_HCRC);
      gsize cut = g_rand_boolean (rand) ? len : (gsize) g_rand_int_range (rand, 0, (gint32) len);
      GError *error = NULL;
      LwBitstream *bs = lw_bitstream_parse (buf, cut, &error);
      g_assert_true ((bs == NULL) == (error != NULL));
      if (error)
        g_assert_true (error->domain == LW_ERROR && error->message[0] != '\0');
      g_clear_error (&error);
      lw_bitstream_free (bs);
    }
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bitstream/round-trip", test_round_trip);
  g_test_add_func ("/bitstream/empty", test_empty);
  g_test_add_func ("/bitstream/spec-vector", test_spec_vector);
  g_test_add_func ("/bitstream/truncation", test_truncation);
  g_test_add_func ("/bitstream/header-fields", test_header_fields);
  g_test_add_func ("/bitstream/header-crc", test_header_crc);
  g_test_add_func ("/bitstream/chunk-crc", test_chunk_crc);
  g_test_add_func ("/bitstream/trailing-data", test_trailing);
  g_test_add_func ("/bitstream/chunk-limit", test_chunk_limit);
  g_test_add_func ("/bitstream/fourcc", test_fourcc);
  g_test_add_func ("/bitstream/random-damage", test_random_damage);
  return g_test_run ();
}
