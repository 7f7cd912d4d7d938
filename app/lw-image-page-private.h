/* lw-image-page-private.h — what the image page's files share: its state and internal calls
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * lw-image-page.c       state, the encode pipeline, codec and parameters, views, actions
 * lw-image-page-files.c opening (file chooser, drag and drop, recent files, experiments) and
 *                       saving (decoded PNG, .lwc, experiment, plot, CSV)
 */
#pragma once

#include "lw-compare-view.h"
#include "lw-image-page.h"
#include "lw-jobs.h"
#include "lw-latent-view.h"
#include "lw-param-controls.h"
#include "lw-rd-panel.h"

typedef enum
{
  LW_VIEW_SPLIT,
  LW_VIEW_SIDE_BY_SIDE,
  LW_VIEW_DIFFERENCE,
  LW_VIEW_LATENT,
  LW_N_VIEWS
} LwViewMode;

struct _LwImagePage
{
  GtkWidget             parent_instance;

  /* template children */
  GtkPaned             *paned;
  GtkStack             *view_stack;
  LwCompareView        *compare_view;
  LwLatentView         *latent_view;
  GtkLabel             *readout_label;
  GtkLabel             *zoom_label;
  GtkLabel             *image_label;
  GtkSpinner           *spinner;
  GtkDropDown          *codec_dropdown;
  LwParamControls      *param_controls;
  GtkGrid              *metrics_grid;
  LwRdPanel            *rd_panel;

  GtkLabel            **metric_values;      /* one per metric row */
  GSimpleActionGroup   *actions;
  GSettings            *settings;           /* nullable: no schema found */
  GPtrArray            *codecs;             /* const LwCodec *, in drop-down order */
  LwParams             *params;             /* the current codec's values */
  gboolean              syncing;            /* controls are being set from code */
  LwViewMode            view_mode;
  double                diff_gain;

  LwSharedImage        *image;              /* nullable */
  GCancellable         *load_cancellable;   /* of the newest load in flight */
  LwProject            *pending_project;    /* view state to apply once its image is in */
  GtkFileChooserNative *chooser;            /* the open or save dialog on show */
  GtkWindow            *train_dialog;       /* weak: the Train Decoder window on show */

  LwAnalysis           *analysis;           /* cache, nullable */
  guint64               serial;             /* newest request */
  guint64               running_serial;     /* request the worker is on */
  GCancellable         *encode_cancellable; /* non-NULL while a worker runs */
  gboolean              pending;            /* a newer request waits for the worker */
  GCancellable         *structural_cancellable; /* SSIM of the result on show, in flight */
  LwEncodeResult       *shown;              /* the result on show, nullable */
  GString              *readout;
  gboolean              busy;
  gboolean              disposed;
};

/* lw-image-page.c */
void     _lw_image_page_toast          (LwImagePage *self,
                                        const char  *text);
void     _lw_image_page_update_busy    (LwImagePage *self);
void     _lw_image_page_set_image      (LwImagePage  *self,
                                        LwLoadResult *result);
gboolean _lw_image_page_apply_project  (LwImagePage *self,
                                        LwProject   *project,
                                        GError     **error);
void     _lw_image_page_apply_view     (LwImagePage *self,
                                        LwProject   *project);
const char *_lw_view_mode_to_string    (LwViewMode mode);

/* lw-image-page-files.c */
void     _lw_image_page_add_file_actions (LwImagePage *self);
void     _lw_image_page_files_dispose    (LwImagePage *self);
