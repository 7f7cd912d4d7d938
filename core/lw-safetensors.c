/* lw-safetensors.c — the safetensors format: a strict reader (memory-mapped) and an atomic writer
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The header is parsed by a small JSON reader written for this grammar rather than json-glib:
 * json-glib 1.6 silently keeps the last of two members with the same name (so duplicate tensor
 * names would go unnoticed) and wraps integers above 2^63 to negative numbers (so an offset of
 * 2^64 − 1 would read as −1). Here every value is checked for its JSON type, integers are
 * parsed as unsigned 64-bit with overflow detection, and duplicates are errors.
 */
#define G_LOG_DOMAIN "lw-safetensors"

#include "lw-safetensors.h"

#include "lw-error.h"
#include "lw-half.h"

#include <stdlib.h>
#include <string.h>

#define HEADER_LIMIT (100u * 1000u * 1000u) /* bytes of JSON, as the reference reader */

struct _LwSafetensors
{
  GBytes         *bytes;      /* owned: the whole file */
  char           *label;
  const guint8   *block;      /* the data block inside bytes */
  gsize           block_size;
  GArray         *infos;      /* LwStTensorInfo, sorted by offset */
  GHashTable     *by_name;    /* name → index + 1 */
  GStringChunk   *strings;    /* tensor names, metadata keys and values */
  GPtrArray      *meta_keys;  /* NULL-terminated, strings in `strings` */
  GHashTable     *meta;       /* key → value, strings in `strings` */
};

static const struct
{
  const char *name;
  gsize       size;
} dtypes[] = {
  [LW_ST_BOOL] = { "BOOL", 1 }, [LW_ST_U8] = { "U8", 1 },     [LW_ST_I8] = { "I8", 1 },
  [LW_ST_I16] = { "I16", 2 },   [LW_ST_U16] = { "U16", 2 },   [LW_ST_F16] = { "F16", 2 },
  [LW_ST_BF16] = { "BF16", 2 }, [LW_ST_I32] = { "I32", 4 },   [LW_ST_U32] = { "U32", 4 },
  [LW_ST_F32] = { "F32", 4 },   [LW_ST_F64] = { "F64", 8 },   [LW_ST_I64] = { "I64", 8 },
  [LW_ST_U64] = { "U64", 8 },
};

const char *
lw_st_dtype_name (LwStDtype dtype)
{
  g_return_val_if_fail ((guint) dtype < G_N_ELEMENTS (dtypes), "?");
  return dtypes[dtype].name;
}

gsize
lw_st_dtype_size (LwStDtype dtype)
{
  g_return_val_if_fail ((guint) dtype < G_N_ELEMENTS (dtypes), 0);
  return dtypes[dtype].size;
}

static gboolean
dtype_from_name (const char *name, LwStDtype *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (dtypes); i++)
    if (strcmp (dtypes[i].name, name) == 0)
      {
        *out = (LwStDtype) i;
        return TRUE;
      }
  return FALSE;
}

/* ---- the header's JSON ------------------------------------------------------------------- */

typedef struct
{
  const char    *start;
  const char    *p;
  const char    *end;
  const char    *label;
  LwSafetensors *st;
  GError       **error;
} Json;

static gboolean G_GNUC_PRINTF (3, 4)
json_fail (Json *j, int code, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (j->error, LW_ERROR, code, "%s: header byte %" G_GSIZE_FORMAT ": %s", j->label,
               (gsize) (j->p - j->start), msg);
  return FALSE;
}

static void
json_ws (Json *j)
{
  while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
    j->p++;
}

static gboolean
json_expect (Json *j, char c, const char *where)
{
  json_ws (j);
  if (j->p >= j->end)
    return json_fail (j, LW_ERROR_INVALID_DATA, "the JSON ends where '%c' was expected %s", c,
                      where);
  if (*j->p != c)
    return json_fail (j, LW_ERROR_INVALID_DATA, "'%c' expected %s", c, where);
  j->p++;
  return TRUE;
}

/* what the next value is, for messages about wrong types */
static const char *
json_kind (Json *j)
{
  json_ws (j);
  if (j->p >= j->end)
    return "the end of the header";
  switch (*j->p)
    {
    case '"': return "a string";
    case '{': return "an object";
    case '[': return "an array";
    case 't': case 'f': return "a boolean";
    case 'n': return "null";
    case '-': case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
    case '8': case '9':
      return "a number";
    default: return "something that is not JSON";
    }
}

static int
hex_digit (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
json_hex4 (Json *j, guint32 *out)
{
  if (j->end - j->p < 4)
    return json_fail (j, LW_ERROR_INVALID_DATA, "a \\u escape ends early");
  guint32 v = 0;
  for (int i = 0; i < 4; i++)
    {
      int d = hex_digit (j->p[i]);
      if (d < 0)
        return json_fail (j, LW_ERROR_INVALID_DATA, "bad \\u escape");
      v = v << 4 | (guint32) d;
    }
  j->p += 4;
  *out = v;
  return TRUE;
}

/* The header was validated as UTF-8 (without NUL bytes) beforehand, so only escapes and
 * control characters need care here. NUL is refused because names are C strings. */
static gboolean
json_string (Json *j, GString *out)
{
  json_ws (j);
  if (j->p >= j->end || *j->p != '"')
    return json_fail (j, LW_ERROR_INVALID_DATA, "a string expected, found %s", json_kind (j));
  j->p++;
  g_string_truncate (out, 0);
  for (;;)
    {
      if (j->p >= j->end)
        return json_fail (j, LW_ERROR_INVALID_DATA, "a string is not closed");
      guchar c = (guchar) *j->p;
      if (c == '"')
        {
          j->p++;
          return TRUE;
        }
      if (c < 0x20)
        return json_fail (j, LW_ERROR_INVALID_DATA, "a control character inside a string");
      if (c != '\\')
        {
          g_string_append_c (out, (char) c);
          j->p++;
          continue;
        }
      j->p++;
      if (j->p >= j->end)
        return json_fail (j, LW_ERROR_INVALID_DATA, "a string is not closed");
      char e = *j->p++;
      switch (e)
        {
        case '"': g_string_append_c (out, '"'); break;
        case '\\': g_string_append_c (out, '\\'); break;
        case '/': g_string_append_c (out, '/'); break;
        case 'b': g_string_append_c (out, '\b'); break;
        case 'f': g_string_append_c (out, '\f'); break;
        case 'n': g_string_append_c (out, '\n'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'u':
          {
            guint32 u;
            if (!json_hex4 (j, &u))
              return FALSE;
            if (u >= 0xdc00 && u <= 0xdfff)
              return json_fail (j, LW_ERROR_INVALID_DATA, "a lone low surrogate in a string");
            if (u >= 0xd800 && u <= 0xdbff)
              {
                guint32 lo;
                if (j->end - j->p < 2 || j->p[0] != '\\' || j->p[1] != 'u')
                  return json_fail (j, LW_ERROR_INVALID_DATA,
                                    "a high surrogate without its low half");
                j->p += 2;
                if (!json_hex4 (j, &lo))
                  return FALSE;
                if (lo < 0xdc00 || lo > 0xdfff)
                  return json_fail (j, LW_ERROR_INVALID_DATA,
                                    "a high surrogate without its low half");
                u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
              }
            if (u == 0)
              return json_fail (j, LW_ERROR_INVALID_DATA, "\\u0000 inside a string");
            g_string_append_unichar (out, u);
            break;
          }
        default:
          return json_fail (j, LW_ERROR_INVALID_DATA, "bad escape '\\%c'", e);
        }
    }
}

/* A non-negative integer in plain JSON syntax that fits 64 bits: no sign, fraction or
 * exponent (1.0 and 1e3 are numbers to JSON but not offsets or sizes). */
static gboolean
json_uint (Json *j, const char *what, guint64 *out)
{
  json_ws (j);
  if (j->p >= j->end || *j->p < '0' || *j->p > '9')
    {
      if (j->p < j->end && *j->p == '-')
        return json_fail (j, LW_ERROR_INVALID_DATA, "%s is negative", what);
      return json_fail (j, LW_ERROR_INVALID_DATA, "%s must be a non-negative integer, found %s",
                        what, json_kind (j));
    }
  if (*j->p == '0' && j->end - j->p > 1 && j->p[1] >= '0' && j->p[1] <= '9')
    return json_fail (j, LW_ERROR_INVALID_DATA, "%s has a leading zero", what);
  guint64 v = 0;
  while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
    {
      guint d = (guint) (*j->p - '0');
      if (v > (G_MAXUINT64 - d) / 10)
        return json_fail (j, LW_ERROR_TOO_LARGE, "%s does not fit 64 bits", what);
      v = v * 10 + d;
      j->p++;
    }
  if (j->p < j->end && (*j->p == '.' || *j->p == 'e' || *j->p == 'E'))
    return json_fail (j, LW_ERROR_INVALID_DATA, "%s must be an integer", what);
  *out = v;
  return TRUE;
}

/* [u, u, …] with at most `max` entries */
static gboolean
json_uint_array (Json *j, const char *what, guint max, guint64 *values, guint *n,
                 const char *tensor)
{
  json_ws (j);
  if (j->p >= j->end || *j->p != '[')
    return json_fail (j, LW_ERROR_INVALID_DATA,
                      "tensor '%s': '%s' must be an array of integers, found %s", tensor, what,
                      json_kind (j));
  j->p++;
  *n = 0;
  json_ws (j);
  if (j->p < j->end && *j->p == ']')
    {
      j->p++;
      return TRUE;
    }
  g_autofree char *item = g_strdup_printf ("tensor '%s': an entry of '%s'", tensor, what);
  for (;;)
    {
      /* more dimensions than we handle is unsupported; more than 2 offsets is nonsense */
      if (*n == max)
        return json_fail (j, max == LW_ST_MAX_DIMS ? LW_ERROR_UNSUPPORTED : LW_ERROR_INVALID_DATA,
                          "tensor '%s': '%s' has more than %u entries", tensor, what, max);
      if (!json_uint (j, item, &values[(*n)++]))
        return FALSE;
      json_ws (j);
      if (j->p < j->end && *j->p == ',')
        {
          j->p++;
          continue;
        }
      return json_expect (j, ']', "after an array entry");
    }
}

static gboolean
json_metadata (Json *j)
{
  LwSafetensors *st = j->st;
  g_autoptr (GString) key = g_string_new (NULL);
  g_autoptr (GString) value = g_string_new (NULL);

  json_ws (j);
  if (j->p >= j->end || *j->p != '{')
    return json_fail (j, LW_ERROR_INVALID_DATA, "__metadata__ must be an object, found %s",
                      json_kind (j));
  j->p++;
  json_ws (j);
  if (j->p < j->end && *j->p == '}')
    {
      j->p++;
      return TRUE;
    }
  for (;;)
    {
      if (!json_string (j, key) || !json_expect (j, ':', "after a metadata key"))
        return FALSE;
      json_ws (j);
      if (j->p >= j->end || *j->p != '"')
        return json_fail (j, LW_ERROR_INVALID_DATA,
                          "__metadata__ entry '%s' must be a string, found %s", key->str,
                          json_kind (j));
      if (!json_string (j, value))
        return FALSE;
      if (g_hash_table_contains (st->meta, key->str))
        return json_fail (j, LW_ERROR_INVALID_DATA, "__metadata__ has two entries '%s'",
                          key->str);
      char *k = g_string_chunk_insert_len (st->strings, key->str, (gssize) key->len);
      char *v = g_string_chunk_insert_len (st->strings, value->str, (gssize) value->len);
      g_hash_table_insert (st->meta, k, v);
      g_ptr_array_add (st->meta_keys, k);
      json_ws (j);
      if (j->p < j->end && *j->p == ',')
        {
          j->p++;
          continue;
        }
      return json_expect (j, '}', "after a metadata entry");
    }
}

static gboolean
json_tensor (Json *j, const char *name)
{
  LwSafetensors *st = j->st;
  g_autoptr (GString) field = g_string_new (NULL);
  g_autoptr (GString) dtype_name = g_string_new (NULL);
  LwStTensorInfo info = { 0 };
  guint64 shape[LW_ST_MAX_DIMS];
  guint64 offsets[2];
  guint n_offsets = 0;
  gboolean have_dtype = FALSE, have_shape = FALSE, have_offsets = FALSE;

  if (name[0] == '\0')
    return json_fail (j, LW_ERROR_INVALID_DATA, "a tensor with an empty name");
  if (g_hash_table_contains (st->by_name, name))
    return json_fail (j, LW_ERROR_INVALID_DATA, "tensor '%s': the name appears twice", name);
  json_ws (j);
  if (j->p >= j->end || *j->p != '{')
    return json_fail (j, LW_ERROR_INVALID_DATA, "tensor '%s': an object expected, found %s",
                      name, json_kind (j));
  j->p++;
  json_ws (j);
  if (j->p < j->end && *j->p == '}')
    return json_fail (j, LW_ERROR_INVALID_DATA, "tensor '%s': no dtype, shape or data_offsets",
                      name);
  for (;;)
    {
      if (!json_string (j, field) || !json_expect (j, ':', "after a tensor field name"))
        return FALSE;
      if (strcmp (field->str, "dtype") == 0 && !have_dtype)
        {
          json_ws (j);
          if (j->p >= j->end || *j->p != '"')
            return json_fail (j, LW_ERROR_INVALID_DATA,
                              "tensor '%s': 'dtype' must be a string, found %s", name,
                              json_kind (j));
          if (!json_string (j, dtype_name))
            return FALSE;
          if (!dtype_from_name (dtype_name->str, &info.dtype))
            return json_fail (j, LW_ERROR_UNSUPPORTED, "tensor '%s': unknown dtype '%s'", name,
                              dtype_name->str);
          have_dtype = TRUE;
        }
      else if (strcmp (field->str, "shape") == 0 && !have_shape)
        {
          if (!json_uint_array (j, "shape", LW_ST_MAX_DIMS, shape, &info.ndim, name))
            return FALSE;
          have_shape = TRUE;
        }
      else if (strcmp (field->str, "data_offsets") == 0 && !have_offsets)
        {
          if (!json_uint_array (j, "data_offsets", 2, offsets, &n_offsets, name))
            return FALSE;
          if (n_offsets != 2)
            return json_fail (j, LW_ERROR_INVALID_DATA,
                              "tensor '%s': 'data_offsets' must have 2 entries, not %u", name,
                              n_offsets);
          have_offsets = TRUE;
        }
      else if (strcmp (field->str, "dtype") == 0 || strcmp (field->str, "shape") == 0
               || strcmp (field->str, "data_offsets") == 0)
        return json_fail (j, LW_ERROR_INVALID_DATA, "tensor '%s': '%s' appears twice", name,
                          field->str);
      else
        return json_fail (j, LW_ERROR_INVALID_DATA, "tensor '%s': unknown field '%s'", name,
                          field->str);
      json_ws (j);
      if (j->p < j->end && *j->p == ',')
        {
          j->p++;
          continue;
        }
      if (!json_expect (j, '}', "after a tensor field"))
        return FALSE;
      break;
    }
  if (!have_dtype || !have_shape || !have_offsets)
    return json_fail (j, LW_ERROR_INVALID_DATA, "tensor '%s': no '%s'", name,
                      !have_dtype ? "dtype" : !have_shape ? "shape" : "data_offsets");

  /* sizes: everything in 64 bits with overflow checks, then into gsize */
  guint64 numel = 1;
  for (guint d = 0; d < info.ndim; d++)
    {
      if (shape[d] != 0 && numel > G_MAXUINT64 / shape[d])
        return json_fail (j, LW_ERROR_INVALID_DATA, "tensor '%s': the shape's product overflows",
                          name);
      numel *= shape[d];
      info.shape[d] = (gsize) shape[d];
    }
  /* with a zero elsewhere numel fits while a dimension may not fit gsize (32-bit systems) */
  for (guint d = 0; d < info.ndim; d++)
    if (shape[d] > G_MAXSIZE)
      return json_fail (j, LW_ERROR_INVALID_DATA, "tensor '%s': a dimension overflows", name);
  gsize esize = dtypes[info.dtype].size;
  if (numel > G_MAXUINT64 / esize)
    return json_fail (j, LW_ERROR_INVALID_DATA, "tensor '%s': the shape's byte size overflows",
                      name);
  guint64 nbytes = numel * esize;
  if (offsets[1] < offsets[0])
    return json_fail (j, LW_ERROR_INVALID_DATA,
                      "tensor '%s': data_offsets [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT
                      "] end before they begin",
                      name, offsets[0], offsets[1]);
  if (offsets[1] - offsets[0] != nbytes)
    return json_fail (j, LW_ERROR_INVALID_DATA,
                      "tensor '%s': %s shape of %" G_GUINT64_FORMAT " elements needs %"
                      G_GUINT64_FORMAT " bytes, data_offsets give %" G_GUINT64_FORMAT,
                      name, dtypes[info.dtype].name, numel, nbytes, offsets[1] - offsets[0]);
  if (offsets[1] > st->block_size)
    return json_fail (j, LW_ERROR_TRUNCATED,
                      "tensor '%s': data ends at byte %" G_GUINT64_FORMAT " of the data block, "
                      "which holds only %" G_GSIZE_FORMAT " bytes (truncated file?)",
                      name, offsets[1], st->block_size);
  info.numel = (gsize) numel;
  info.offset = (gsize) offsets[0];
  info.nbytes = (gsize) nbytes;
  info.name = g_string_chunk_insert (st->strings, name);
  g_array_append_val (st->infos, info);
  g_hash_table_insert (st->by_name, (gpointer) info.name, GUINT_TO_POINTER (st->infos->len));
  return TRUE;
}

static gboolean
json_header (Json *j)
{
  g_autoptr (GString) key = g_string_new (NULL);
  gboolean have_metadata = FALSE;

  json_ws (j);
  if (j->p >= j->end)
    return json_fail (j, LW_ERROR_INVALID_DATA, "the header is empty");
  if (*j->p != '{')
    return json_fail (j, LW_ERROR_INVALID_DATA, "the header must be a JSON object, found %s",
                      json_kind (j));
  j->p++;
  json_ws (j);
  if (j->p < j->end && *j->p == '}')
    j->p++;
  else
    for (;;)
      {
        if (!json_string (j, key) || !json_expect (j, ':', "after a tensor name"))
          return FALSE;
        if (strcmp (key->str, "__metadata__") == 0)
          {
            if (have_metadata)
              return json_fail (j, LW_ERROR_INVALID_DATA, "__metadata__ appears twice");
            have_metadata = TRUE;
            if (!json_metadata (j))
              return FALSE;
          }
        else if (!json_tensor (j, key->str))
          return FALSE;
        json_ws (j);
        if (j->p < j->end && *j->p == ',')
          {
            j->p++;
            continue;
          }
        if (!json_expect (j, '}', "after a tensor"))
          return FALSE;
        break;
      }
  json_ws (j);
  if (j->p != j->end)
    return json_fail (j, LW_ERROR_INVALID_DATA, "characters after the JSON object");
  return TRUE;
}

/* ---- reading ----------------------------------------------------------------------------- */

static int
compare_offsets (gconstpointer a, gconstpointer b)
{
  const LwStTensorInfo *x = a, *y = b;
  if (x->offset != y->offset)
    return x->offset < y->offset ? -1 : 1;
  if (x->nbytes != y->nbytes)
    return x->nbytes < y->nbytes ? -1 : 1;
  return strcmp (x->name, y->name);
}

LwSafetensors *
lw_safetensors_new_from_bytes (GBytes *bytes, const char *label, GError **error)
{
  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  gsize size = 0;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  if (label == NULL)
    label = "safetensors data";

  if (size < 8)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TRUNCATED,
                   "%s: %" G_GSIZE_FORMAT " bytes, too short for the 8-byte header length",
                   label, size);
      return NULL;
    }
  guint64 n = 0;
  for (int i = 7; i >= 0; i--)
    n = n << 8 | data[i];
  if (n > HEADER_LIMIT)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "%s: a header of %" G_GUINT64_FORMAT " bytes is above the limit of %u",
                   label, n, HEADER_LIMIT);
      return NULL;
    }
  if (n > size - 8)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TRUNCATED,
                   "%s: the header claims %" G_GUINT64_FORMAT " bytes but only %" G_GSIZE_FORMAT
                   " follow the length",
                   label, n, size - 8);
      return NULL;
    }
  const char *header = (const char *) data + 8;
  if (!g_utf8_validate_len (header, (gsize) n, NULL))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "%s: the header is not UTF-8 text (or holds a NUL byte)", label);
      return NULL;
    }

  LwSafetensors *st = g_new0 (LwSafetensors, 1);
  st->bytes = g_bytes_ref (bytes);
  st->label = g_strdup (label);
  st->block = data + 8 + n;
  st->block_size = size - 8 - (gsize) n;
  st->infos = g_array_new (FALSE, FALSE, sizeof (LwStTensorInfo));
  st->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  st->strings = g_string_chunk_new (256);
  st->meta_keys = g_ptr_array_new ();
  st->meta = g_hash_table_new (g_str_hash, g_str_equal);

  Json j = { header, header, header + n, label, st, error };
  if (!json_header (&j))
    {
      lw_safetensors_free (st);
      return NULL;
    }
  g_ptr_array_add (st->meta_keys, NULL);

  /* The tensors must tile the data block exactly: no overlaps, no gaps, nothing after. */
  g_array_sort (st->infos, compare_offsets);
  gsize expected = 0;
  for (guint i = 0; i < st->infos->len; i++)
    {
      LwStTensorInfo *t = &g_array_index (st->infos, LwStTensorInfo, i);
      g_hash_table_insert (st->by_name, (gpointer) t->name, GUINT_TO_POINTER (i + 1));
      if (t->offset < expected)
        {
          const LwStTensorInfo *prev = &g_array_index (st->infos, LwStTensorInfo, i - 1);
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "%s: tensor '%s' (bytes %" G_GSIZE_FORMAT " to %" G_GSIZE_FORMAT
                       ") overlaps tensor '%s' (bytes %" G_GSIZE_FORMAT " to %" G_GSIZE_FORMAT ")",
                       label, t->name, t->offset, t->offset + t->nbytes, prev->name,
                       prev->offset, prev->offset + prev->nbytes);
          lw_safetensors_free (st);
          return NULL;
        }
      if (t->offset > expected)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "%s: a gap of %" G_GSIZE_FORMAT " bytes before tensor '%s' in the data "
                       "block",
                       label, t->offset - expected, t->name);
          lw_safetensors_free (st);
          return NULL;
        }
      expected = t->offset + t->nbytes;
    }
  if (expected != st->block_size)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "%s: %" G_GSIZE_FORMAT " trailing bytes after the last tensor's data", label,
                   st->block_size - expected);
      lw_safetensors_free (st);
      return NULL;
    }
  return st;
}

LwSafetensors *
lw_safetensors_open (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_autoptr (GError) local = NULL;
  GMappedFile *mf = g_mapped_file_new (path, FALSE, &local);
  if (mf == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_IO, "%s: cannot open: %s", path, local->message);
      return NULL;
    }
  g_autoptr (GBytes) bytes = g_mapped_file_get_bytes (mf);
  g_mapped_file_unref (mf);
  return lw_safetensors_new_from_bytes (bytes, path, error);
}

void
lw_safetensors_free (LwSafetensors *st)
{
  if (st == NULL)
    return;
  g_bytes_unref (st->bytes);
  g_free (st->label);
  g_array_unref (st->infos);
  g_hash_table_unref (st->by_name);
  g_string_chunk_free (st->strings);
  g_ptr_array_unref (st->meta_keys);
  g_hash_table_unref (st->meta);
  g_free (st);
}

guint
lw_safetensors_count (const LwSafetensors *st)
{
  g_return_val_if_fail (st != NULL, 0);
  return st->infos->len;
}

const LwStTensorInfo *
lw_safetensors_info (const LwSafetensors *st, guint i)
{
  g_return_val_if_fail (st != NULL && i < st->infos->len, NULL);
  return &g_array_index (st->infos, LwStTensorInfo, i);
}

int
lw_safetensors_find (const LwSafetensors *st, const char *name)
{
  g_return_val_if_fail (st != NULL && name != NULL, -1);
  return (int) GPOINTER_TO_UINT (g_hash_table_lookup (st->by_name, name)) - 1;
}

const char *
lw_safetensors_metadata (const LwSafetensors *st, const char *key)
{
  g_return_val_if_fail (st != NULL && key != NULL, NULL);
  return g_hash_table_lookup (st->meta, key);
}

const char *const *
lw_safetensors_metadata_keys (const LwSafetensors *st)
{
  g_return_val_if_fail (st != NULL, NULL);
  return (const char *const *) st->meta_keys->pdata;
}

const guint8 *
lw_safetensors_data (const LwSafetensors *st, guint i)
{
  g_return_val_if_fail (st != NULL && i < st->infos->len, NULL);
  return st->block + g_array_index (st->infos, LwStTensorInfo, i).offset;
}

/* bfloat16 is the top half of a binary32: widening is exact */
static inline float
bf16_to_float (guint16 b)
{
  guint32 x = (guint32) b << 16;
  float f;
  memcpy (&f, &x, 4);
  return f;
}

float *
lw_safetensors_read_f32 (const LwSafetensors *st, guint i, GError **error)
{
  g_return_val_if_fail (st != NULL && i < st->infos->len, NULL);
  const LwStTensorInfo *t = &g_array_index (st->infos, LwStTensorInfo, i);
  const guint8 *src = st->block + t->offset;

  if (t->dtype != LW_ST_F32 && t->dtype != LW_ST_F16 && t->dtype != LW_ST_BF16
      && t->dtype != LW_ST_F64)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                   "%s: tensor '%s': dtype %s cannot be read as floats (F32, F16, BF16 or F64)",
                   st->label, t->name, dtypes[t->dtype].name);
      return NULL;
    }
  /* numel × 4 ≤ the file's size here (F32/F64), or twice it (F16/BF16): no overflow */
  float *out = g_malloc (MAX (t->numel, 1) * sizeof (float));
  /* The bytes may sit at any alignment (a file from elsewhere, fuzz input): assemble each
   * little-endian value byte by byte; compilers turn this into plain loads. */
  switch (t->dtype)
    {
    case LW_ST_F32:
      for (gsize k = 0; k < t->numel; k++)
        {
          const guint8 *b = src + 4 * k;
          guint32 x = (guint32) b[0] | (guint32) b[1] << 8 | (guint32) b[2] << 16
                      | (guint32) b[3] << 24;
          memcpy (&out[k], &x, 4);
        }
      break;
    case LW_ST_F16:
      for (gsize k = 0; k < t->numel; k++)
        out[k] = lw_half_to_float ((guint16) (src[2 * k] | src[2 * k + 1] << 8));
      break;
    case LW_ST_BF16:
      for (gsize k = 0; k < t->numel; k++)
        out[k] = bf16_to_float ((guint16) (src[2 * k] | src[2 * k + 1] << 8));
      break;
    case LW_ST_F64:
      for (gsize k = 0; k < t->numel; k++)
        {
          guint64 x = 0;
          for (int b = 7; b >= 0; b--)
            x = x << 8 | src[8 * k + (gsize) b];
          double d;
          memcpy (&d, &x, 8);
          out[k] = (float) d;
        }
      break;
    default:
      g_assert_not_reached ();
    }
  return out;
}

/* ---- writing ----------------------------------------------------------------------------- */

typedef struct
{
  char        *name;
  guint        ndim;
  gsize        shape[LW_ST_MAX_DIMS];
  gsize        numel;
  const float *data;
} WriterTensor;

struct _LwSafetensorsWriter
{
  GArray     *tensors;    /* WriterTensor */
  GHashTable *names;      /* borrowed from tensors */
  GPtrArray  *meta_keys;  /* owned strings */
  GPtrArray  *meta_values;
};

static void
writer_tensor_clear (gpointer p)
{
  g_free (((WriterTensor *) p)->name);
}

LwSafetensorsWriter *
lw_safetensors_writer_new (void)
{
  LwSafetensorsWriter *w = g_new0 (LwSafetensorsWriter, 1);
  w->tensors = g_array_new (FALSE, FALSE, sizeof (WriterTensor));
  g_array_set_clear_func (w->tensors, writer_tensor_clear);
  w->names = g_hash_table_new (g_str_hash, g_str_equal);
  w->meta_keys = g_ptr_array_new_with_free_func (g_free);
  w->meta_values = g_ptr_array_new_with_free_func (g_free);
  return w;
}

void
lw_safetensors_writer_free (LwSafetensorsWriter *w)
{
  if (w == NULL)
    return;
  g_hash_table_unref (w->names);
  g_array_unref (w->tensors);
  g_ptr_array_unref (w->meta_keys);
  g_ptr_array_unref (w->meta_values);
  g_free (w);
}

void
lw_safetensors_writer_add_metadata (LwSafetensorsWriter *w, const char *key, const char *value)
{
  g_return_if_fail (w != NULL && key != NULL && value != NULL);
  g_return_if_fail (g_utf8_validate (key, -1, NULL) && g_utf8_validate (value, -1, NULL));
  for (guint i = 0; i < w->meta_keys->len; i++)
    if (strcmp (g_ptr_array_index (w->meta_keys, i), key) == 0)
      {
        /* a second value for a key replaces the first: a JSON object has unique keys */
        g_free (g_ptr_array_index (w->meta_values, i));
        g_ptr_array_index (w->meta_values, i) = g_strdup (value);
        return;
      }
  g_ptr_array_add (w->meta_keys, g_strdup (key));
  g_ptr_array_add (w->meta_values, g_strdup (value));
}

void
lw_safetensors_writer_add_f32 (LwSafetensorsWriter *w, const char *name, guint ndim,
                               const gsize *shape, const float *data)
{
  g_return_if_fail (w != NULL && name != NULL && name[0] != '\0');
  g_return_if_fail (strcmp (name, "__metadata__") != 0 && g_utf8_validate (name, -1, NULL));
  g_return_if_fail (ndim <= LW_ST_MAX_DIMS && (ndim == 0 || shape != NULL));
  g_return_if_fail (!g_hash_table_contains (w->names, name));

  WriterTensor t = { g_strdup (name), ndim, { 0 }, 1, data };
  gboolean empty = FALSE;
  for (guint d = 0; d < ndim; d++)
    {
      t.shape[d] = shape[d];
      empty |= shape[d] == 0;
    }
  /* as the reader: a zero anywhere makes an empty tensor, whatever the other dimensions */
  for (guint d = 0; d < ndim && !empty; d++)
    if (!g_size_checked_mul (&t.numel, t.numel, shape[d]) ||
        t.numel > G_MAXSIZE / sizeof (float))
      {
        g_critical ("tensor '%s': the shape overflows", name);
        g_free (t.name);
        return;
      }
  if (empty)
    t.numel = 0;
  g_return_if_fail (t.numel == 0 || data != NULL);
  g_array_append_val (w->tensors, t);
  WriterTensor *added = &g_array_index (w->tensors, WriterTensor, w->tensors->len - 1);
  g_hash_table_add (w->names, added->name);
}

static void
append_json_string (GString *s, const char *str)
{
  g_string_append_c (s, '"');
  for (const guchar *p = (const guchar *) str; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        {
          g_string_append_c (s, '\\');
          g_string_append_c (s, (char) *p);
        }
      else if (*p < 0x20)
        g_string_append_printf (s, "\\u%04x", *p);
      else
        g_string_append_c (s, (char) *p);
    }
  g_string_append_c (s, '"');
}

GBytes *
lw_safetensors_writer_to_bytes (LwSafetensorsWriter *w)
{
  g_return_val_if_fail (w != NULL, NULL);
  g_autoptr (GString) h = g_string_new ("{");
  gboolean first = TRUE;

  if (w->meta_keys->len > 0)
    {
      g_string_append (h, "\"__metadata__\":{");
      for (guint i = 0; i < w->meta_keys->len; i++)
        {
          if (i > 0)
            g_string_append_c (h, ',');
          append_json_string (h, g_ptr_array_index (w->meta_keys, i));
          g_string_append_c (h, ':');
          append_json_string (h, g_ptr_array_index (w->meta_values, i));
        }
      g_string_append_c (h, '}');
      first = FALSE;
    }
  /* Tensors follow each other without gaps, as the reference reader requires; F32 data stay
   * 4-byte aligned because the data block starts at a multiple of 8. */
  gsize offset = 0;
  for (guint i = 0; i < w->tensors->len; i++)
    {
      const WriterTensor *t = &g_array_index (w->tensors, WriterTensor, i);
      if (!first)
        g_string_append_c (h, ',');
      first = FALSE;
      append_json_string (h, t->name);
      g_string_append (h, ":{\"dtype\":\"F32\",\"shape\":[");
      for (guint d = 0; d < t->ndim; d++)
        g_string_append_printf (h, d ? ",%" G_GSIZE_FORMAT : "%" G_GSIZE_FORMAT, t->shape[d]);
      gsize nbytes = t->numel * sizeof (float);
      g_string_append_printf (h, "],\"data_offsets\":[%" G_GSIZE_FORMAT ",%" G_GSIZE_FORMAT "]}",
                              offset, offset + nbytes);
      offset += nbytes;
    }
  g_string_append_c (h, '}');
  while (h->len % 8 != 0)
    g_string_append_c (h, ' ');

  gsize total = 8 + h->len + offset;
  guint8 *out = g_malloc (total);
  guint64 n = h->len;
  for (int i = 0; i < 8; i++)
    out[i] = (guint8) (n >> (8 * i));
  memcpy (out + 8, h->str, h->len);
  guint8 *dst = out + 8 + h->len;
  for (guint i = 0; i < w->tensors->len; i++)
    {
      const WriterTensor *t = &g_array_index (w->tensors, WriterTensor, i);
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
      if (t->numel > 0)
        memcpy (dst, t->data, t->numel * sizeof (float));
#else
      for (gsize k = 0; k < t->numel; k++)
        {
          guint32 x;
          memcpy (&x, &t->data[k], 4);
          x = GUINT32_TO_LE (x);
          memcpy (dst + 4 * k, &x, 4);
        }
#endif
      dst += t->numel * sizeof (float);
    }
  return g_bytes_new_take (out, total);
}

gboolean
lw_safetensors_writer_write (LwSafetensorsWriter *w, const char *path, GError **error)
{
  g_return_val_if_fail (w != NULL && path != NULL, FALSE);
  g_autoptr (GBytes) bytes = lw_safetensors_writer_to_bytes (w);
  g_autoptr (GError) local = NULL;
  gsize size = 0;
  const char *data = g_bytes_get_data (bytes, &size);

  /* CONSISTENT: a temporary file in the same folder, flushed, then renamed over path */
  if (!g_file_set_contents_full (path, data, (gssize) size, G_FILE_SET_CONTENTS_CONSISTENT, 0666,
                                 &local))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_IO, "%s: cannot write: %s", path, local->message);
      return FALSE;
    }
  return TRUE;
}
