/* test-safetensors.c — the safetensors reader and writer: round trips, files assembled by
 * Python (tools/gen-safetensors-vectors.py), and hostile headers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "lw-error.h"
#include "lw-safetensors.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

/* u64 length + header + data_len bytes of data (0, 1, 2, …) */
static GBytes *
assemble (const char *header, gsize data_len)
{
  gsize n = strlen (header);
  guint8 *buf = g_malloc (8 + n + data_len + 1);
  for (int i = 0; i < 8; i++)
    buf[i] = (guint8) ((guint64) n >> (8 * i));
  memcpy (buf + 8, header, n);
  for (gsize i = 0; i < data_len; i++)
    buf[8 + n + i] = (guint8) i;
  return g_bytes_new_take (buf, 8 + n + data_len);
}

static void
test_round_trip (void)
{
  float a[6] = { 1.5f, -2.0f, 0.0f, INFINITY, 1e-40f, -3.25f };
  float b[3] = { 7.0f, 8.0f, 9.0f };
  float s = 0.125f;
  gsize shape_a[2] = { 2, 3 }, shape_b[1] = { 3 }, shape_e[2] = { 4, 0 };
  g_autoptr (LwSafetensorsWriter) w = lw_safetensors_writer_new ();
  lw_safetensors_writer_add_metadata (w, "config", "{\"d\": 128}");
  lw_safetensors_writer_add_metadata (w, "weird \"key\"\n\\", "caf\xc3\xa9 \x01");
  lw_safetensors_writer_add_metadata (w, "config", "replaced");
  lw_safetensors_writer_add_f32 (w, "blocks.0.weight", 2, shape_a, a);
  lw_safetensors_writer_add_f32 (w, "scalar", 0, NULL, &s);
  lw_safetensors_writer_add_f32 (w, "empty", 2, shape_e, NULL);
  lw_safetensors_writer_add_f32 (w, "odd \"name\"", 1, shape_b, b);

  g_autoptr (GBytes) bytes = lw_safetensors_writer_to_bytes (w);
  gsize size;
  const guint8 *raw = g_bytes_get_data (bytes, &size);
  guint64 n = 0;
  for (int i = 7; i >= 0; i--)
    n = n << 8 | raw[i];
  g_assert_cmpuint (n % 8, ==, 0);
  g_assert_cmpuint (size, ==, 8 + n + 4 * (6 + 1 + 0 + 3));
  /* the JSON, then spaces up to the multiple of 8 */
  gsize last = 8 + n - 1;
  while (raw[last] == ' ')
    last--;
  g_assert_cmpint (raw[last], ==, '}');
  g_assert_cmpuint (8 + n - 1 - last, <, 8);

  g_autoptr (GError) error = NULL;
  g_autoptr (LwSafetensors) st = lw_safetensors_new_from_bytes (bytes, "mem", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lw_safetensors_count (st), ==, 4);
  /* in data order, which is the order added (the empty tensor sorts before "odd") */
  const char *order[] = { "blocks.0.weight", "scalar", "empty", "odd \"name\"" };
  for (guint i = 0; i < 4; i++)
    {
      g_assert_cmpstr (lw_safetensors_info (st, i)->name, ==, order[i]);
      g_assert_cmpint (lw_safetensors_find (st, order[i]), ==, (int) i);
      g_assert_cmpint (lw_safetensors_info (st, i)->dtype, ==, LW_ST_F32);
    }
  g_assert_cmpint (lw_safetensors_find (st, "nope"), ==, -1);
  const LwStTensorInfo *ia = lw_safetensors_info (st, 0);
  g_assert_cmpuint (ia->ndim, ==, 2);
  g_assert_cmpuint (ia->shape[0], ==, 2);
  g_assert_cmpuint (ia->shape[1], ==, 3);
  g_assert_cmpuint (ia->numel, ==, 6);
  g_assert_cmpuint (ia->nbytes, ==, 24);
  g_assert_cmpuint (lw_safetensors_info (st, 1)->ndim, ==, 0);
  g_assert_cmpuint (lw_safetensors_info (st, 1)->numel, ==, 1);
  g_assert_cmpuint (lw_safetensors_info (st, 2)->numel, ==, 0);

  g_autofree float *ra = lw_safetensors_read_f32 (st, 0, &error);
  g_assert_no_error (error);
  g_assert_true (memcmp (ra, a, sizeof a) == 0);
  g_autofree float *rs = lw_safetensors_read_f32 (st, 1, &error);
  g_assert_cmpfloat (rs[0], ==, s);
  g_autofree float *re = lw_safetensors_read_f32 (st, 2, &error);
  g_assert_no_error (error);
  g_assert_nonnull (re);
  g_autofree float *rb = lw_safetensors_read_f32 (st, 3, &error);
  g_assert_true (memcmp (rb, b, sizeof b) == 0);
  g_assert_true (memcmp (lw_safetensors_data (st, 3), b, sizeof b) == 0);

  g_assert_cmpstr (lw_safetensors_metadata (st, "config"), ==, "replaced");
  g_assert_cmpstr (lw_safetensors_metadata (st, "weird \"key\"\n\\"), ==, "caf\xc3\xa9 \x01");
  g_assert_null (lw_safetensors_metadata (st, "absent"));
  const char *const *keys = lw_safetensors_metadata_keys (st);
  g_assert_cmpstr (keys[0], ==, "config");
  g_assert_cmpstr (keys[1], ==, "weird \"key\"\n\\");
  g_assert_null (keys[2]);

  /* through a file: atomic write, memory-mapped read */
  g_autofree char *dir = g_dir_make_tmp ("lw-st-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "t.safetensors", NULL);
  g_assert_true (lw_safetensors_writer_write (w, path, &error));
  g_assert_no_error (error);
  g_autoptr (LwSafetensors) st2 = lw_safetensors_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lw_safetensors_count (st2), ==, 4);
  g_autofree float *fa = lw_safetensors_read_f32 (st2, 0, &error);
  g_assert_true (memcmp (fa, a, sizeof a) == 0);
  /* the file holds exactly the bytes to_bytes gives */
  g_autofree char *contents = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpmem (contents, len, raw, size);
  /* no temporary file left beside it */
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_assert_cmpstr (g_dir_read_name (d), ==, "t.safetensors");
  g_assert_null (g_dir_read_name (d));

  /* a folder that does not exist: an I/O error naming the path */
  g_autofree char *bad = g_build_filename (dir, "missing", "x.safetensors", NULL);
  g_assert_false (lw_safetensors_writer_write (w, bad, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_IO);
  g_assert_nonnull (strstr (error->message, bad));
  g_clear_error (&error);
  g_assert_null (lw_safetensors_open (bad, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_IO);
  g_assert_nonnull (strstr (error->message, bad));
  g_clear_error (&error);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_empty (void)
{
  g_autoptr (LwSafetensorsWriter) w = lw_safetensors_writer_new ();
  g_autoptr (GBytes) bytes = lw_safetensors_writer_to_bytes (w);
  g_autoptr (GError) error = NULL;
  g_autoptr (LwSafetensors) st = lw_safetensors_new_from_bytes (bytes, "empty", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lw_safetensors_count (st), ==, 0);
  g_assert_null (lw_safetensors_metadata_keys (st)[0]);
}

/* Reads tests/vectors/st-python.txt and checks a file written by Python against it */
static void
check_python_file (const char *file)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *txt = NULL;
  g_assert_true (g_file_get_contents (g_test_get_filename (G_TEST_DIST, "vectors",
                                                           "st-python.txt", NULL),
                                      &txt, NULL, &error));
  g_assert_no_error (error);
  g_autoptr (LwSafetensors) st
    = lw_safetensors_open (g_test_get_filename (G_TEST_DIST, "vectors", file, NULL), &error);
  g_assert_no_error (error);

  g_auto (GStrv) lines = g_strsplit (txt, "\n", -1);
  guint n_tensors = 0, n_meta = 0;
  int cur = -1;
  for (guint l = 0; lines[l]; l++)
    {
      g_auto (GStrv) f = g_strsplit (lines[l], " ", -1);
      if (f[0] == NULL || f[0][0] == '#' || f[0][0] == '\0')
        continue;
      if (strcmp (f[0], "tensor") == 0)
        {
          cur = lw_safetensors_find (st, f[1]);
          g_assert_cmpint (cur, >=, 0);
          const LwStTensorInfo *t = lw_safetensors_info (st, (guint) cur);
          g_assert_cmpstr (lw_st_dtype_name (t->dtype), ==, f[2]);
          guint ndim = (guint) atoi (f[3]);
          g_assert_cmpuint (t->ndim, ==, ndim);
          for (guint d = 0; d < ndim; d++)
            g_assert_cmpuint (t->shape[d], ==, g_ascii_strtoull (f[4 + d], NULL, 10));
          g_assert_cmpuint (t->offset, ==, g_ascii_strtoull (f[4 + ndim], NULL, 10));
          g_assert_cmpuint (t->nbytes, ==, g_ascii_strtoull (f[5 + ndim], NULL, 10));
          n_tensors++;
        }
      else if (strcmp (f[0], "values") == 0)
        {
          const LwStTensorInfo *t = lw_safetensors_info (st, (guint) cur);
          if (t->dtype == LW_ST_I64)
            {
              float *x = lw_safetensors_read_f32 (st, (guint) cur, &error);
              g_assert_null (x);
              g_assert_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED);
              g_assert_nonnull (strstr (error->message, "'ids'"));
              g_assert_nonnull (strstr (error->message, "I64"));
              g_clear_error (&error);
              const guint8 *raw = lw_safetensors_data (st, (guint) cur);
              for (gsize k = 0; k < t->numel; k++)
                {
                  gint64 v;
                  memcpy (&v, raw + 8 * k, 8);
                  g_assert_cmpint (GINT64_FROM_LE (v), ==, g_ascii_strtoll (f[1 + k], NULL, 10));
                }
              continue;
            }
          g_autofree float *x = lw_safetensors_read_f32 (st, (guint) cur, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (g_strv_length (f) - 1, ==, t->numel + (t->numel == 0));
          for (gsize k = 0; k < t->numel; k++)
            {
              /* the expected values are float32 printed with 9 digits: exact round trip */
              float want = strtof (f[1 + k], NULL);
              g_assert_true (memcmp (&x[k], &want, 4) == 0 || (isnan (x[k]) && isnan (want)));
            }
        }
      else if (strcmp (f[0], "meta") == 0)
        {
          guint8 key[256] = { 0 }, value[256] = { 0 };
          for (gsize k = 0; f[1][2 * k]; k++)
            key[k] = (guint8) (g_ascii_xdigit_value (f[1][2 * k]) << 4
                               | g_ascii_xdigit_value (f[1][2 * k + 1]));
          for (gsize k = 0; f[2][2 * k]; k++)
            value[k] = (guint8) (g_ascii_xdigit_value (f[2][2 * k]) << 4
                                 | g_ascii_xdigit_value (f[2][2 * k + 1]));
          g_assert_cmpstr (lw_safetensors_metadata (st, (char *) key), ==, (char *) value);
          g_assert_cmpstr (lw_safetensors_metadata_keys (st)[n_meta], ==, (char *) key);
          n_meta++;
        }
    }
  g_assert_cmpuint (n_tensors, ==, lw_safetensors_count (st));
  g_assert_cmpuint (n_tensors, ==, 7);
  g_assert_cmpuint (n_meta, ==, 3);
  g_assert_null (lw_safetensors_metadata_keys (st)[n_meta]);
  /* info is in offset order even though the JSON lists the tensors differently */
  for (guint i = 1; i < lw_safetensors_count (st); i++)
    g_assert_cmpuint (lw_safetensors_info (st, i - 1)->offset, <=,
                      lw_safetensors_info (st, i)->offset);
}

static void
test_python (void)
{
  check_python_file ("st-python.safetensors");
  check_python_file ("st-padded.safetensors");
}

/* Half and bfloat16 edge values against their IEEE definitions */
static void
test_conversions (void)
{
  /* F16: 1, -2, 65504, smallest subnormal, inf, NaN; BF16: 1, -inf, 3·2^-133 (subnormal) */
  const char *header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[6],\"data_offsets\":[0,12]},"
                       "\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[12,18]}}";
  const guint16 half[6] = { 0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0x7e00 };
  const guint16 bf[3] = { 0x3f80, 0xff80, 0x0003 };
  gsize n = strlen (header);
  guint8 buf[8 + 200];
  memset (buf, 0, 8);
  buf[0] = (guint8) n;
  memcpy (buf + 8, header, n);
  for (int i = 0; i < 6; i++)
    {
      buf[8 + n + 2 * i] = (guint8) half[i];
      buf[8 + n + 2 * i + 1] = (guint8) (half[i] >> 8);
    }
  for (int i = 0; i < 3; i++)
    {
      buf[8 + n + 12 + 2 * i] = (guint8) bf[i];
      buf[8 + n + 12 + 2 * i + 1] = (guint8) (bf[i] >> 8);
    }
  g_autoptr (GBytes) bytes = g_bytes_new (buf, 8 + n + 18);
  g_autoptr (GError) error = NULL;
  g_autoptr (LwSafetensors) st = lw_safetensors_new_from_bytes (bytes, "conv", &error);
  g_assert_no_error (error);
  g_autofree float *h = lw_safetensors_read_f32 (st, (guint) lw_safetensors_find (st, "h"), &error);
  g_assert_cmpfloat (h[0], ==, 1.0f);
  g_assert_cmpfloat (h[1], ==, -2.0f);
  g_assert_cmpfloat (h[2], ==, 65504.0f);
  g_assert_cmpfloat (h[3], ==, ldexpf (1.0f, -24));
  g_assert_true (isinf (h[4]) && h[4] > 0);
  g_assert_true (isnan (h[5]));
  g_autofree float *b = lw_safetensors_read_f32 (st, (guint) lw_safetensors_find (st, "b"), &error);
  g_assert_cmpfloat (b[0], ==, 1.0f);
  g_assert_true (isinf (b[1]) && b[1] < 0);
  g_assert_cmpfloat (b[2], ==, 3.0f * ldexpf (1.0f, -133));
}

typedef struct
{
  const char *what;
  const char *header;
  gsize       data_len;
  int         code;
  const char *needle1;
  const char *needle2;
} Hostile;

#define T(name, dt, shape, b, e) \
  "\"" name "\":{\"dtype\":\"" dt "\",\"shape\":" shape ",\"data_offsets\":[" #b "," #e "]}"

static const Hostile hostile[] = {
  { "overlap", "{" T ("a", "F32", "[4]", 0, 16) "," T ("b", "F32", "[2]", 8, 16) "}", 16,
    LW_ERROR_INVALID_DATA, "overlaps", "'a'" },
  { "gap", "{" T ("a", "F32", "[2]", 0, 8) "," T ("b", "F32", "[2]", 12, 20) "}", 20,
    LW_ERROR_INVALID_DATA, "gap of 4 bytes", "'b'" },
  { "gap at start", "{" T ("a", "F32", "[2]", 4, 12) "}", 12, LW_ERROR_INVALID_DATA, "gap",
    "'a'" },
  { "trailing data", "{" T ("a", "F32", "[2]", 0, 8) "}", 9, LW_ERROR_INVALID_DATA,
    "1 trailing bytes", NULL },
  { "shape/length mismatch", "{" T ("w", "F32", "[2,3]", 0, 20) "}", 20,
    LW_ERROR_INVALID_DATA, "tensor 'w'", "needs 24 bytes" },
  { "F16 mismatch", "{" T ("w", "F16", "[4]", 0, 16) "}", 16, LW_ERROR_INVALID_DATA,
    "tensor 'w'", "needs 8 bytes" },
  { "shape overflow", "{" T ("big", "F32", "[4294967296,4294967296,2]", 0, 0) "}", 0,
    LW_ERROR_INVALID_DATA, "tensor 'big'", "overflows" },
  { "byte size overflow", "{" T ("big", "F64", "[4611686018427387904]", 0, 0) "}", 0,
    LW_ERROR_INVALID_DATA, "tensor 'big'", "overflows" },
  { "offset beyond 64 bits", "{" T ("x", "F32", "[1]", 0, 18446744073709551616) "}", 4,
    LW_ERROR_TOO_LARGE, "tensor 'x'", "64 bits" },
  { "offsets backwards", "{" T ("x", "F32", "[1]", 8, 4) "}", 8, LW_ERROR_INVALID_DATA,
    "tensor 'x'", "end before" },
  { "truncated data", "{" T ("a", "F32", "[2]", 0, 8) "," T ("tail", "F32", "[4]", 8, 24) "}",
    20, LW_ERROR_TRUNCATED, "tensor 'tail'", "holds only 20" },
  { "bad dtype", "{" T ("x", "F31", "[1]", 0, 4) "}", 4, LW_ERROR_UNSUPPORTED, "tensor 'x'",
    "'F31'" },
  { "dtype not a string", "{\"x\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", 4,
    LW_ERROR_INVALID_DATA, "tensor 'x'", "found a number" },
  { "shape a string", "{\"x\":{\"dtype\":\"F32\",\"shape\":\"1\",\"data_offsets\":[0,4]}}", 4,
    LW_ERROR_INVALID_DATA, "tensor 'x'", "found a string" },
  { "negative dim", "{" T ("x", "F32", "[-1]", 0, 4) "}", 4, LW_ERROR_INVALID_DATA,
    "tensor 'x'", "negative" },
  { "float dim", "{" T ("x", "F32", "[1.0]", 0, 4) "}", 4, LW_ERROR_INVALID_DATA, "tensor 'x'",
    "integer" },
  { "exponent offset", "{" T ("x", "F32", "[1]", 0, 4e0) "}", 4, LW_ERROR_INVALID_DATA,
    "tensor 'x'", "integer" },
  { "three offsets", "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 4,
    LW_ERROR_INVALID_DATA, "tensor 'x'", "more than 2" },
  { "one offset", "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4,
    LW_ERROR_INVALID_DATA, "tensor 'x'", "2 entries" },
  { "nine dims", "{" T ("x", "F32", "[1,1,1,1,1,1,1,1,1]", 0, 4) "}", 4, LW_ERROR_UNSUPPORTED,
    "tensor 'x'", "more than 8" },
  { "missing field", "{\"x\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, LW_ERROR_INVALID_DATA,
    "tensor 'x'", "data_offsets" },
  { "unknown field", "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"q\":1}}",
    4, LW_ERROR_INVALID_DATA, "tensor 'x'", "'q'" },
  { "field twice", "{\"x\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[1],"
                   "\"data_offsets\":[0,4]}}",
    4, LW_ERROR_INVALID_DATA, "tensor 'x'", "twice" },
  { "duplicate names", "{" T ("a", "F32", "[1]", 0, 4) "," T ("a", "F32", "[1]", 4, 8) "}", 8,
    LW_ERROR_INVALID_DATA, "tensor 'a'", "twice" },
  { "empty name", "{" T ("", "F32", "[1]", 0, 4) "}", 4, LW_ERROR_INVALID_DATA, "empty name",
    NULL },
  { "NUL in name", "{" T ("a\\u0000b", "F32", "[1]", 0, 4) "}", 4, LW_ERROR_INVALID_DATA,
    "\\u0000", NULL },
  { "lone surrogate", "{" T ("a\\ud800", "F32", "[1]", 0, 4) "}", 4, LW_ERROR_INVALID_DATA,
    "surrogate", NULL },
  { "non-string metadata", "{\"__metadata__\":{\"lr\":0.1}}", 0, LW_ERROR_INVALID_DATA,
    "'lr'", "must be a string" },
  { "metadata array", "{\"__metadata__\":[\"a\"]}", 0, LW_ERROR_INVALID_DATA, "__metadata__",
    "an array" },
  { "metadata twice", "{\"__metadata__\":{},\"__metadata__\":{}}", 0, LW_ERROR_INVALID_DATA,
    "__metadata__", "twice" },
  { "metadata key twice", "{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", 0,
    LW_ERROR_INVALID_DATA, "'k'", "two entries" },
  { "not an object", "[1,2]", 0, LW_ERROR_INVALID_DATA, "JSON object", NULL },
  { "empty header", "", 0, LW_ERROR_INVALID_DATA, "empty", NULL },
  { "garbage after", "{} x", 0, LW_ERROR_INVALID_DATA, "after the JSON", NULL },
  { "unclosed", "{\"a\":{\"dtype\":\"F32\"", 0, LW_ERROR_INVALID_DATA, "header byte", NULL },
  { "tensor not an object", "{\"a\":3}", 0, LW_ERROR_INVALID_DATA, "tensor 'a'",
    "an object expected" },
  { "control char", "{\"a\tb\":{}}", 0, LW_ERROR_INVALID_DATA, "control character", NULL },
  { "invalid UTF-8", "{\"\xc3(\":{}}", 0, LW_ERROR_INVALID_DATA, "UTF-8", NULL },
  { "leading zero", "{" T ("x", "F32", "[01]", 0, 4) "}", 4, LW_ERROR_INVALID_DATA,
    "tensor 'x'", "leading zero" },
};

static void
test_hostile (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      const Hostile *h = &hostile[i];
      g_test_message ("case: %s", h->what);
      g_autoptr (GBytes) bytes = assemble (h->header, h->data_len);
      g_autoptr (GError) error = NULL;
      LwSafetensors *st = lw_safetensors_new_from_bytes (bytes, "evil.safetensors", &error);
      if (st != NULL || error == NULL)
        g_error ("case '%s' was accepted", h->what);
      g_assert_null (st);
      if (error->code != h->code || !strstr (error->message, "evil.safetensors")
          || (h->needle1 && !strstr (error->message, h->needle1))
          || (h->needle2 && !strstr (error->message, h->needle2)))
        g_error ("case '%s': code %d, message '%s'", h->what, error->code, error->message);
      g_assert_error (error, LW_ERROR, h->code);
      g_test_message ("  %s", error->message);
    }
}

static void
test_hostile_lengths (void)
{
  g_autoptr (GError) error = NULL;
  /* shorter than the length field */
  g_autoptr (GBytes) tiny = g_bytes_new ("\x02\0\0", 3);
  g_assert_null (lw_safetensors_new_from_bytes (tiny, "tiny", &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_TRUNCATED);
  g_clear_error (&error);

  /* header length beyond the file */
  guint8 buf[40] = { 0 };
  buf[0] = 200;
  memcpy (buf + 8, "{}", 2);
  g_autoptr (GBytes) beyond = g_bytes_new (buf, sizeof buf);
  g_assert_null (lw_safetensors_new_from_bytes (beyond, "beyond", &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_TRUNCATED);
  g_assert_nonnull (strstr (error->message, "claims 200 bytes but only 32"));
  g_clear_error (&error);

  /* above 100 MB, and a length near 2^64 (no wrap-around in 8 + N) */
  buf[0] = 0;
  buf[3] = 0x06; /* 0x06000000 = 100 663 296 */
  g_autoptr (GBytes) huge = g_bytes_new (buf, sizeof buf);
  g_assert_null (lw_safetensors_new_from_bytes (huge, "huge", &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_TOO_LARGE);
  g_clear_error (&error);
  memset (buf, 0xff, 8);
  g_autoptr (GBytes) wrap = g_bytes_new (buf, sizeof buf);
  g_assert_null (lw_safetensors_new_from_bytes (wrap, "wrap", &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* a valid file cut short anywhere is an error, never a crash */
  const char *python = g_test_get_filename (G_TEST_DIST, "vectors", "st-python.safetensors",
                                            NULL);
  g_autofree char *contents = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (python, &contents, &len, NULL));
  for (gsize cut = 0; cut < len; cut++)
    {
      g_autoptr (GBytes) part = g_bytes_new (contents, cut);
      LwSafetensors *st = lw_safetensors_new_from_bytes (part, "cut", &error);
      g_assert_null (st);
      g_assert_nonnull (error);
      g_clear_error (&error);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/safetensors/round-trip", test_round_trip);
  g_test_add_func ("/safetensors/empty", test_empty);
  g_test_add_func ("/safetensors/python", test_python);
  g_test_add_func ("/safetensors/conversions", test_conversions);
  g_test_add_func ("/safetensors/hostile", test_hostile);
  g_test_add_func ("/safetensors/hostile-lengths", test_hostile_lengths);
  return g_test_run ();
}
