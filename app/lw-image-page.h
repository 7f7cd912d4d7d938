/* lw-image-page.h — the image workbench page: an image, a codec and its parameters, the
 * compare/difference/latent views, measurements and rate–distortion curves
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The page's commands are actions in a group the window inserts under the prefix "image"
 * (image.open, image.save-experiment, image.zoom-in, …), so each has a shortcut and can be
 * driven without a mouse. Messages for the user go out through the "toast" signal.
 */
#pragma once

#include <adwaita.h>

#include "lw-codec.h"
#include "lw-compare-view.h"
#include "lw-measure.h"
#include "lw-project.h"
#include "lw-rd-panel.h"

G_BEGIN_DECLS

#define LW_TYPE_IMAGE_PAGE (lw_image_page_get_type ())
G_DECLARE_FINAL_TYPE (LwImagePage, lw_image_page, LW, IMAGE_PAGE, GtkWidget)

GtkWidget      *lw_image_page_new              (void);
/* (transfer none): the page's actions, for the window to insert as "image" */
GActionGroup   *lw_image_page_get_actions      (LwImagePage *self);

/* Opens an image, or an experiment file (.json), in the background. */
void            lw_image_page_open             (LwImagePage *self,
                                                GFile       *file);
gboolean        lw_image_page_select_codec     (LwImagePage *self,
                                                const char  *name);
const LwParams *lw_image_page_get_params       (LwImagePage *self);
/* Sets a codec parameter as the controls would (re-encodes). */
gboolean        lw_image_page_set_param        (LwImagePage *self,
                                                const char  *name,
                                                double       value,
                                                GError     **error);
/* (transfer none) (nullable): the slider adjustment of the codec's rate parameter (positions
 * as in lw-rate-map: right is more bits) */
GtkAdjustment  *lw_image_page_get_rate_adjustment (LwImagePage *self);
/* The measurements on show; FALSE while there are none */
gboolean        lw_image_page_get_measure      (LwImagePage *self,
                                                LwMeasure   *out);
double          lw_image_page_get_bpp          (LwImagePage *self); /* NaN while none */
gboolean        lw_image_page_get_busy         (LwImagePage *self); /* loading or encoding */
gboolean        lw_image_page_get_rd_busy      (LwImagePage *self); /* RD curves computing */
/* (nullable): the absolute path of the image on show */
const char     *lw_image_page_get_image_path   (LwImagePage *self);
/* The page's state as an experiment (transfer full) (nullable: no image) */
LwProject      *lw_image_page_to_project       (LwImagePage *self);
/* Saves/loads directly (the actions ask for a file first). */
gboolean        lw_image_page_save_experiment  (LwImagePage *self,
                                                const char  *path,
                                                GError     **error);
/* Saves what the save actions save, without asking for a file: `what` is "experiment",
 * "decoded", "bitstream", "plot" or "csv". Written in the background; the outcome is
 * announced with the "toast" signal ("Saved “NAME”" or why not). */
void            lw_image_page_save_as          (LwImagePage *self,
                                                const char  *what,
                                                const char  *path);
/* (transfer none): the page's parts, for tests */
LwRdPanel      *lw_image_page_get_rd_panel     (LwImagePage *self);
LwCompareView  *lw_image_page_get_compare_view (LwImagePage *self);
/* (transfer none): the text of the pixel readout, for tests */
const char     *lw_image_page_get_readout      (LwImagePage *self);

G_END_DECLS
