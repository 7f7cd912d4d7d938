/* lw-rd-panel.h — rate–distortion curves of the image on show for the codecs the user ticks,
 * computed in the background, with the operating point, a BD-rate table and export
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Ticking a codec queues its sweep; one sweep runs at a time on a worker, with progress and a
 * cancel button. The current codec is swept with the page's own parameters (all but the rate
 * one), the others with their defaults; changing a parameter that is not the rate makes the
 * current codec's curve stale and, when ticked, it is swept again.
 */
#pragma once

#include <gtk/gtk.h>

#include "lw-jobs.h"
#include "lw-measure.h"
#include "lw-rd-plot.h"

G_BEGIN_DECLS

#define LW_TYPE_RD_PANEL (lw_rd_panel_get_type ())
G_DECLARE_FINAL_TYPE (LwRdPanel, lw_rd_panel, LW, RD_PANEL, GtkWidget)

GtkWidget  *lw_rd_panel_new            (void);
/* nullable: no image; drops all curves and re-queues the ticked codecs */
void        lw_rd_panel_set_image      (LwRdPanel      *self,
                                        LwSharedImage  *image);
/* the page's codec and parameters */
void        lw_rd_panel_set_params     (LwRdPanel      *self,
                                        const LwParams *params);
/* NULL measure hides the point */
void        lw_rd_panel_set_operating_point (LwRdPanel       *self,
                                             const LwMeasure *measure);
void        lw_rd_panel_set_n_points   (LwRdPanel      *self,
                                        guint           n_points);

/* Ticked codecs by name (transfer full, NULL-terminated) and setting them (queues sweeps) */
char      **lw_rd_panel_get_ticked     (LwRdPanel      *self);
void        lw_rd_panel_set_ticked     (LwRdPanel          *self,
                                        const char * const *codecs);
const char *lw_rd_panel_get_anchor     (LwRdPanel      *self);
void        lw_rd_panel_set_anchor     (LwRdPanel      *self,
                                        const char     *codec);
LwRdPlot   *lw_rd_panel_get_plot       (LwRdPanel      *self);
gboolean    lw_rd_panel_get_busy       (LwRdPanel      *self);  /* property "busy" */
double      lw_rd_panel_get_progress   (LwRdPanel      *self);  /* 0–1 over the queue */
void        lw_rd_panel_cancel         (LwRdPanel      *self);
/* BD-rate of `codec` against the anchor in percent; FALSE when either curve is missing or
 * they do not overlap */
gboolean    lw_rd_panel_get_bd_rate    (LwRdPanel      *self,
                                        const char     *codec,
                                        double         *percent);
/* CSV of all curves on show (core/lw-rd-csv); atomic */
gboolean    lw_rd_panel_export_csv     (LwRdPanel      *self,
                                        const char     *path,
                                        GError        **error);

G_END_DECLS
