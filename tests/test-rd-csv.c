/* test-rd-csv.c — RD curves to CSV: quoting against Python's csv module, numbers bit for bit
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tests/vectors/rd-csv.csv is written by tools/gen-rd-csv-vectors.py with Python's csv.writer
 * and repr() floats. We parse it, rebuild the curves, write them again and compare: header
 * and text fields byte for byte, numbers as the same doubles (including -0, NaN, inf,
 * denormals and DBL_MAX), bytes as the same integers (2^53 + 1 included).
 */
#define G_LOG_DOMAIN "test-rd-csv"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "lw-error.h"
#include "lw-rd-csv.h"

#define N_FIELDS 12

typedef struct
{
  char *value;   /* unquoted */
  char *raw;     /* as written, quotes included */
} Field;

static void
field_clear (gpointer data)
{
  Field *f = data;

  g_free (f->value);
  g_free (f->raw);
}

/* RFC 4180 reader: rows of Field arrays; quoted fields may hold "," "\"\"" CR and LF */
static GPtrArray *
parse_csv (const char *text)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  const char *p = text;

  while (*p)
    {
      GArray *row = g_array_new (FALSE, TRUE, sizeof (Field));

      g_array_set_clear_func (row, field_clear);
      for (;;)
        {
          GString *value = g_string_new (NULL);
          const char *start = p;
          Field f;

          if (*p == '"')
            {
              p++;
              for (;;)
                {
                  g_assert_true (*p != '\0'); /* unterminated quote */
                  if (p[0] == '"' && p[1] == '"')
                    {
                      g_string_append_c (value, '"');
                      p += 2;
                    }
                  else if (p[0] == '"')
                    {
                      p++;
                      break;
                    }
                  else
                    g_string_append_c (value, *p++);
                }
            }
          else
            while (*p && *p != ',' && *p != '\n')
              {
                g_assert_true (*p != '"' && *p != '\r'); /* must have been quoted */
                g_string_append_c (value, *p++);
              }
          f.value = g_string_free (value, FALSE);
          f.raw = g_strndup (start, (gsize) (p - start));
          g_array_append_val (row, f);
          if (*p == ',')
            {
              p++;
              continue;
            }
          g_assert_true (*p == '\n'); /* every row ends with LF */
          p++;
          break;
        }
      g_ptr_array_add (rows, row);
    }
  return rows;
}

static const char *
field (GPtrArray *rows,
       guint      r,
       guint      c)
{
  GArray *row = g_ptr_array_index (rows, r);

  return g_array_index (row, Field, c).value;
}

static const char *
raw (GPtrArray *rows,
     guint      r,
     guint      c)
{
  GArray *row = g_ptr_array_index (rows, r);

  return g_array_index (row, Field, c).raw;
}

static double
number (const char *text)
{
  char *end = NULL;
  double v = g_ascii_strtod (text, &end);

  g_assert_true (end != text && *end == '\0');
  return v;
}

static void
assert_same_double (double a,
                    double b)
{
  /* bit for bit, except that any NaN matches any NaN */
  if (isnan (a) || isnan (b))
    g_assert_true (isnan (a) && isnan (b));
  else
    g_assert_true (memcmp (&a, &b, sizeof a) == 0);
}

static LwRdPoint
point_from_row (GPtrArray *rows,
                guint      r)
{
  LwRdPoint pt = { 0 };

  pt.param = number (field (rows, r, 2));
  pt.bytes = (gsize) g_ascii_strtoull (field (rows, r, 3), NULL, 10);
  pt.bpp = number (field (rows, r, 4));
  pt.psnr = number (field (rows, r, 5));
  pt.psnr_y = number (field (rows, r, 6));
  pt.ssim = number (field (rows, r, 7));
  pt.ms_ssim = number (field (rows, r, 8));
  pt.dim_reduction = number (field (rows, r, 9));
  pt.encode_ms = number (field (rows, r, 10));
  pt.decode_ms = number (field (rows, r, 11));
  return pt;
}

static void
test_python_reference (void)
{
  const char *path = g_test_get_filename (G_TEST_DIST, "vectors", "rd-csv.csv", NULL);
  g_autofree char *expected = NULL;
  g_autofree char *ours = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ref = NULL;
  g_autoptr (GPtrArray) got = NULL;
  g_autoptr (GPtrArray) curves = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_rd_curve_free);

  g_file_get_contents (path, &expected, NULL, &error);
  g_assert_no_error (error);
  ref = parse_csv (expected);
  g_assert_cmpuint (ref->len, ==, 12);

  /* Consecutive rows with the same codec and label form one curve; points are appended as
   * they come (lw_rd_curve_add would re-sort them) */
  for (guint r = 1; r < ref->len; r++)
    {
      LwRdCurve *curve = curves->len ? g_ptr_array_index (curves, curves->len - 1) : NULL;
      LwRdPoint pt = point_from_row (ref, r);

      g_assert_cmpuint (((GArray *) g_ptr_array_index (ref, r))->len, ==, N_FIELDS);
      if (curve == NULL || strcmp (curve->codec, field (ref, r, 0)) != 0 ||
          strcmp (curve->label, field (ref, r, 1)) != 0)
        {
          curve = lw_rd_curve_new (field (ref, r, 0), field (ref, r, 1));
          g_ptr_array_add (curves, curve);
        }
      g_array_append_val (curve->points, pt);
    }
  g_assert_cmpuint (curves->len, ==, 7);

  ours = lw_rd_curves_to_csv ((LwRdCurve * const *) curves->pdata, curves->len);
  got = parse_csv (ours);
  g_assert_cmpuint (got->len, ==, ref->len);

  /* The header, whole */
  g_assert_true (g_str_has_prefix (ours, "codec,label,param,bytes,bpp,psnr,psnr_y,ssim,ms_ssim,"
                                         "dim_reduction,encode_ms,decode_ms\n"));
  for (guint r = 0; r < ref->len; r++)
    {
      g_assert_cmpuint (((GArray *) g_ptr_array_index (got, r))->len, ==, N_FIELDS);
      /* text fields quoted exactly as Python's csv module quotes them */
      g_assert_cmpstr (raw (got, r, 0), ==, raw (ref, r, 0));
      g_assert_cmpstr (raw (got, r, 1), ==, raw (ref, r, 1));
      if (r == 0)
        {
          for (guint c = 0; c < N_FIELDS; c++)
            g_assert_cmpstr (raw (got, r, c), ==, raw (ref, r, c));
          continue;
        }
      /* bytes as an integer, digit for digit */
      g_assert_cmpstr (raw (got, r, 3), ==, raw (ref, r, 3));
      for (guint c = 2; c < N_FIELDS; c++)
        if (c != 3)
          assert_same_double (number (field (got, r, c)), number (field (ref, r, c)));
    }
}

static void
test_quoting_and_short_numbers (void)
{
  g_autoptr (LwRdCurve) a = lw_rd_curve_new ("jpeg", "cr\rhere");
  g_autoptr (LwRdCurve) b = lw_rd_curve_new (NULL, NULL);
  LwRdCurve *list[] = { a, NULL, b };
  LwRdPoint pt = { .param = 75, .bytes = 12345, .bpp = 0.1, .psnr = 30.25, .psnr_y = 31,
                   .ssim = 0.9, .ms_ssim = 0.95, .dim_reduction = 1, .encode_ms = 2.5,
                   .decode_ms = 1.0 / 3.0 };
  g_autofree char *csv = NULL;
  g_auto (GStrv) lines = NULL;

  lw_rd_curve_add (a, &pt);
  lw_rd_curve_add (b, &pt);
  csv = lw_rd_curves_to_csv (list, G_N_ELEMENTS (list));
  lines = g_strsplit (csv, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4); /* header, 2 rows, "" after the last LF */
  /* A CR is quoted too (a reader could take it for a line end); NULL text is an empty field;
   * 0.1 is "0.1", not the 17-digit 0.10000000000000001; 1/3 needs all 16 digits */
  g_assert_cmpstr (lines[1], ==, "jpeg,\"cr\rhere\",75,12345,0.1,30.25,31,0.9,0.95,1,2.5,"
                                 "0.3333333333333333");
  g_assert_cmpstr (lines[2], ==, ",,75,12345,0.1,30.25,31,0.9,0.95,1,2.5,0.3333333333333333");
  g_assert_cmpstr (lines[3], ==, "");

  /* No curves: just the header */
  {
    g_autofree char *empty = lw_rd_curves_to_csv (NULL, 0);
    g_assert_cmpstr (empty, ==, "codec,label,param,bytes,bpp,psnr,psnr_y,ssim,ms_ssim,"
                                "dim_reduction,encode_ms,decode_ms\n");
  }
}

static void
test_write (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("lw-rd-csv-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (LwRdCurve) curve = lw_rd_curve_new ("jpeg", "x.png");
  LwRdCurve *list[] = { curve };
  LwRdPoint pt = { .param = 50, .bytes = 1000, .bpp = 0.5, .psnr = 33 };

  g_assert_no_error (error);
  lw_rd_curve_add (curve, &pt);
  path = g_build_filename (dir, "rd.csv", NULL);
  g_assert_true (lw_rd_curves_write_csv (list, 1, path, &error));
  g_assert_no_error (error);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  expected = lw_rd_curves_to_csv (list, 1);
  g_assert_cmpstr (contents, ==, expected);

  /* A missing folder: LW_ERROR_IO naming the path, nothing written */
  bad = g_build_filename (dir, "no-such-folder", "rd.csv", NULL);
  g_assert_false (lw_rd_curves_write_csv (list, 1, bad, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_IO);
  g_assert_nonnull (strstr (error->message, bad));
  g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rd-csv/python-reference", test_python_reference);
  g_test_add_func ("/rd-csv/quoting-and-short-numbers", test_quoting_and_short_numbers);
  g_test_add_func ("/rd-csv/write", test_write);
  return g_test_run ();
}
