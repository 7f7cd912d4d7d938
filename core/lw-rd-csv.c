/* lw-rd-csv.c — rate–distortion curves as CSV, one row per point
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-rd-csv"

#include "lw-rd-csv.h"

#include <math.h>
#include <string.h>

#include "lw-error.h"

void
lw_csv_append_field (GString    *s,
                     const char *text)
{
  if (text == NULL)
    return;
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (s, text);
      return;
    }
  g_string_append_c (s, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (s, '"');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
}

/* The shortest of %.15g, %.16g, %.17g that reads back as the same double: 17 digits always
 * round-trip, but print 0.1 as 0.10000000000000001 */
static void
append_number (GString *s,
               double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_c (s, ',');
  if (isnan (value))
    {
      g_string_append (s, "nan");
      return;
    }
  if (isinf (value))
    {
      g_string_append (s, value > 0 ? "inf" : "-inf");
      return;
    }
  for (int prec = 15; prec <= 17; prec++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", prec);
      g_ascii_formatd (buf, sizeof buf, format, value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }
  g_string_append (s, buf);
}

char *
lw_rd_curves_to_csv (LwRdCurve * const *curves,
                     guint              n_curves)
{
  GString *s = g_string_new ("codec,label,param,bytes,bpp,psnr,psnr_y,ssim,ms_ssim,"
                             "dim_reduction,encode_ms,decode_ms\n");

  g_return_val_if_fail (curves != NULL || n_curves == 0, g_string_free (s, FALSE));

  for (guint c = 0; c < n_curves; c++)
    {
      const LwRdCurve *curve = curves[c];

      if (curve == NULL || curve->points == NULL)
        continue;
      for (guint k = 0; k < curve->points->len; k++)
        {
          const LwRdPoint *pt = &g_array_index (curve->points, LwRdPoint, k);

          lw_csv_append_field (s, curve->codec);
          g_string_append_c (s, ',');
          lw_csv_append_field (s, curve->label);
          append_number (s, pt->param);
          /* an integer: a double would lose sizes above 2^53 and %.6g even small ones */
          g_string_append_printf (s, ",%" G_GSIZE_FORMAT, pt->bytes);
          append_number (s, pt->bpp);
          append_number (s, pt->psnr);
          append_number (s, pt->psnr_y);
          append_number (s, pt->ssim);
          append_number (s, pt->ms_ssim);
          append_number (s, pt->dim_reduction);
          append_number (s, pt->encode_ms);
          append_number (s, pt->decode_ms);
          g_string_append_c (s, '\n');
        }
    }
  return g_string_free (s, FALSE);
}

gboolean
lw_rd_curves_write_csv (LwRdCurve * const *curves,
                        guint              n_curves,
                        const char        *path,
                        GError           **error)
{
  g_autofree char *csv = NULL;
  g_autoptr (GError) local = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  csv = lw_rd_curves_to_csv (curves, n_curves);
  if (!g_file_set_contents (path, csv, -1, &local))
    {
      /* GLib's message already names the file and the system error */
      g_set_error (error, LW_ERROR, LW_ERROR_IO, "RD curves CSV: %s", local->message);
      return FALSE;
    }
  return TRUE;
}
