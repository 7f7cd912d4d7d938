/* lw-rd-plot.h — rate–distortion plot: one curve per codec, an operating point, hover readout
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * x is the rate in bits per pixel (linear or log axis), y one quality metric of the points
 * (PSNR, PSNR-Y in dB; SSIM, MS-SSIM unitless). Points whose bpp or metric is not finite (or
 * bpp ≤ 0 on the log axis) are left out and break the curve's line there.
 */
#pragma once

#include <gtk/gtk.h>

#include "lw-rd.h"

G_BEGIN_DECLS

typedef enum
{
  LW_RD_METRIC_PSNR,
  LW_RD_METRIC_PSNR_Y,
  LW_RD_METRIC_SSIM,
  LW_RD_METRIC_MS_SSIM,
} LwRdMetric;

#define LW_TYPE_RD_METRIC (lw_rd_metric_get_type ())
GType        lw_rd_metric_get_type        (void);
/* "PSNR (dB)", "PSNR-Y (dB)", "SSIM", "MS-SSIM": the axis title (translated) */
const char  *lw_rd_metric_get_title       (LwRdMetric metric);

#define LW_TYPE_RD_PLOT (lw_rd_plot_get_type ())
G_DECLARE_FINAL_TYPE (LwRdPlot, lw_rd_plot, LW, RD_PLOT, GtkWidget)

GtkWidget   *lw_rd_plot_new               (void);

/* Adds or replaces the curve with this codec name; the plot keeps a copy. A new codec takes
 * the first palette colour no other curve uses; a replaced one keeps its colour. */
void         lw_rd_plot_set_curve         (LwRdPlot        *self,
                                           const LwRdCurve *curve);
void         lw_rd_plot_remove_curve      (LwRdPlot        *self,
                                           const char      *codec);
void         lw_rd_plot_clear             (LwRdPlot        *self);
guint        lw_rd_plot_get_n_curves      (LwRdPlot        *self);

/* The current operating point (the slider's result), drawn as a ring in its codec's colour
 * (the foreground colour when no curve has that codec); NaN bpp hides it. */
void         lw_rd_plot_set_operating_point (LwRdPlot   *self,
                                             const char *codec,
                                             double      bpp,
                                             double      psnr,
                                             double      psnr_y,
                                             double      ssim,
                                             double      ms_ssim);

void         lw_rd_plot_set_metric        (LwRdPlot        *self,
                                           LwRdMetric       metric);
LwRdMetric   lw_rd_plot_get_metric        (LwRdPlot        *self);
/* x axis log or linear; default FALSE */
void         lw_rd_plot_set_log_rate      (LwRdPlot        *self,
                                           gboolean         log_rate);
gboolean     lw_rd_plot_get_log_rate      (LwRdPlot        *self);

/* Data → widget coordinates in the current allocation (for tests and hover); FALSE when
 * there are no axes (no drawable points, or no allocation yet). */
gboolean     lw_rd_plot_data_to_widget    (LwRdPlot        *self,
                                           double           bpp,
                                           double           value,
                                           double          *wx,
                                           double          *wy);

/* Export the plot as it looks (light style, without the hover readout) at width × height (px
 * for PNG, pt for SVG and PDF), the format chosen by the file name's extension (.png .svg
 * .pdf, any case). Written to a temporary file in the same folder, then renamed: on failure
 * nothing is left behind and an old file stays. Errors: LW_ERROR_UNSUPPORTED (extension),
 * LW_ERROR_INVALID_PARAM (size outside 16..8192), LW_ERROR_IO (writing). */
gboolean     lw_rd_plot_export            (LwRdPlot        *self,
                                           const char      *path,
                                           int              width,
                                           int              height,
                                           GError         **error);

G_END_DECLS
