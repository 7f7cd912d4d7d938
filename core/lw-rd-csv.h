/* lw-rd-csv.h — rate–distortion curves as CSV, one row per point
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Header row:
 *   codec,label,param,bytes,bpp,psnr,psnr_y,ssim,ms_ssim,dim_reduction,encode_ms,decode_ms
 * Text fields are quoted (RFC 4180: "" for a quote) when they hold a comma, quote, CR or LF.
 * bytes is an integer; the other numbers are the shortest decimal that reads back (strtod) as
 * the same double — at most 17 significant digits — with "." whatever the locale; non-finite
 * values are written nan, inf, -inf. Rows end with "\n".
 */
#pragma once

#include <glib.h>

#include "lw-rd.h"

G_BEGIN_DECLS

/* Appends one CSV text field, quoted (RFC 4180) when it holds a comma, quote, CR or LF; NULL
 * appends nothing (an empty field). */
void      lw_csv_append_field      (GString *s, const char *text);

/* The CSV text of the curves' points, in curve order, then point order. NULL entries in
 * `curves` are skipped; a NULL codec or label is written as an empty field. (transfer full) */
char     *lw_rd_curves_to_csv      (LwRdCurve * const *curves, guint n_curves);

/* Writes lw_rd_curves_to_csv() to `path` atomically (g_file_set_contents: a temporary file in
 * the same folder, then renamed, so a failed write leaves any old file as it was).
 * Errors: LW_ERROR_IO naming the path. */
gboolean  lw_rd_curves_write_csv   (LwRdCurve * const *curves, guint n_curves, const char *path,
                                    GError **error);

G_END_DECLS
