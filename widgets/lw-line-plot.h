/* lw-line-plot.h — a small line plot for live curves (training loss, validation PSNR)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One or more named series of (x, y) points, appended as they arrive. The x axis is linear
 * (automatic, or a fixed range so a curve grows across the plot); the y axis linear or log.
 * Points whose x or y is not finite (or y ≤ 0 on the log axis) are left out and break their
 * series' line there. Series are drawn as polylines decimated to at most four vertices per
 * pixel column (first, lowest, highest, last), so tens of thousands of points stay cheap and
 * the envelope of a noisy curve is kept. Axes and text take the widget's style colour, so the
 * plot follows the light and dark styles; the background is left to CSS (node "lineplot").
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LW_TYPE_LINE_PLOT (lw_line_plot_get_type ())
G_DECLARE_FINAL_TYPE (LwLinePlot, lw_line_plot, LW, LINE_PLOT, GtkWidget)

GtkWidget   *lw_line_plot_new              (void);

/* Adds a series (or finds the one with this name) and returns its index. `colour` (nullable)
 * is its line colour, alpha included; NULL takes the first palette colour no series uses.
 * Series are drawn and listed in the legend in the order they were added. */
guint        lw_line_plot_add_series       (LwLinePlot    *self,
                                            const char    *name,
                                            const GdkRGBA *colour);
/* Appends a point to the named series, adding the series (palette colour) if it is new. */
void         lw_line_plot_add_point        (LwLinePlot    *self,
                                            const char    *series,
                                            double         x,
                                            double         y);
/* Removes every point and keeps the series (a new run of the same curves) */
void         lw_line_plot_clear_points     (LwLinePlot    *self);
/* Removes the series too */
void         lw_line_plot_clear            (LwLinePlot    *self);
guint        lw_line_plot_get_n_series     (LwLinePlot    *self);
/* Points of the named series (0 for an unknown name) */
guint        lw_line_plot_get_n_points     (LwLinePlot    *self,
                                            const char    *series);
/* (transfer none) (nullable): the colour of the named series */
const GdkRGBA *lw_line_plot_get_series_colour (LwLinePlot *self,
                                               const char *series);

/* y axis log or linear; default FALSE ("log-y") */
void         lw_line_plot_set_log_y        (LwLinePlot    *self,
                                            gboolean       log_y);
gboolean     lw_line_plot_get_log_y        (LwLinePlot    *self);
/* Axis titles ("x-label", "y-label"; nullable: none) */
void         lw_line_plot_set_x_label      (LwLinePlot    *self,
                                            const char    *label);
const char  *lw_line_plot_get_x_label      (LwLinePlot    *self);
void         lw_line_plot_set_y_label      (LwLinePlot    *self,
                                            const char    *label);
const char  *lw_line_plot_get_y_label      (LwLinePlot    *self);
/* Text shown while there is nothing to plot ("placeholder-text"; default "No data yet") */
void         lw_line_plot_set_placeholder_text (LwLinePlot *self,
                                                const char *text);
/* A fixed x range (lo < hi, both finite), or NaN for either to fit the data again. Points
 * outside a fixed range are clipped. */
void         lw_line_plot_set_x_range      (LwLinePlot    *self,
                                            double         lo,
                                            double         hi);

/* Data → widget coordinates in the current allocation (tests, overlays); FALSE when there are
 * no axes (nothing to plot, no allocation yet) or y cannot be shown (y ≤ 0 on the log axis). */
gboolean     lw_line_plot_data_to_widget   (LwLinePlot    *self,
                                            double         x,
                                            double         y,
                                            double        *wx,
                                            double        *wy);

G_END_DECLS
