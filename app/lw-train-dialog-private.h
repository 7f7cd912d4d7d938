/* lw-train-dialog-private.h — what the Train Decoder window's files share: its state, a
 * training run, and internal calls
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * lw-train-dialog.c      the window: images, settings, output, choosers, actions, API
 * lw-train-dialog-run.c  a training run: the worker thread, progress carried to the window,
 *                        the curves and the progress bar, the outcome
 */
#pragma once

#include "lw-train-dialog.h"

G_BEGIN_DECLS

enum { SET_STEPS, SET_BATCH, SET_CROP, SET_WIDTH, SET_BLOCKS, N_SPINS };

typedef struct _LwTrainRun LwTrainRun;

/* Shared by the window, the worker thread and the idle that carries progress */
struct _LwTrainRun
{
  gatomicrefcount       ref;
  GMutex                lock;
  GArray               *pending;     /* LwDecoderTrainProgress not yet shown; under lock */
  gboolean              idle_queued; /* under lock */
  LwTrainDialog        *dialog;      /* main thread only; NULL once the window is finalized */
  GCancellable         *cancellable;
  LwDecoderTrainConfig  config;      /* owned copy (images) */
  char                 *resume;      /* nullable */
  char                 *output;
  guint                 checkpoint_every;
  char                 *threads_note; /* how many BLAS threads and why; under lock */
};

struct _LwTrainDialog
{
  AdwWindow             parent_instance;

  /* template children */
  AdwToastOverlay      *toast_overlay;
  GtkButton            *start_button;
  GtkButton            *cancel_button;
  GtkButton            *resume_button;
  AdwPreferencesPage   *settings_page;
  AdwActionRow         *folder_row;
  AdwActionRow         *bundled_row;
  AdwPreferencesGroup  *settings_group;
  AdwActionRow         *output_row;
  GtkProgressBar       *progress_bar;
  GtkLabel             *status_label;
  LwLinePlot           *loss_plot;
  LwLinePlot           *psnr_plot;
  GtkLabel             *checkpoint_label;

  GtkSpinButton        *spins[N_SPINS];
  AdwComboRow          *proxy_row;
  GtkFileChooserNative *chooser;

  GStrv                 images;
  char                 *output;
  gboolean              output_is_default;
  LwTrainRun           *run;         /* the current or last run, nullable */
  gboolean              running;
  gboolean              resumable;   /* the last run was stopped and left a checkpoint */
  gboolean              disposed;
  guint64               step;
  double                ema;         /* smoothed loss (bias-corrected when shown) */
  guint                 ema_n;
  gboolean              has_eval;    /* the validation figures below are set */
  double                eval_learned, eval_linear;  /* dB */
};

/* lw-train-dialog.c */
void     _lw_train_dialog_toast          (LwTrainDialog *self,
                                          const char    *text);
void     _lw_train_dialog_update_actions (LwTrainDialog *self);
void     _lw_train_dialog_set_running    (LwTrainDialog *self,
                                          gboolean       running);

/* lw-train-dialog-run.c */
/* Starts a run with the settings on show, fresh or from `resume` (a checkpoint) */
gboolean _lw_train_dialog_start_run      (LwTrainDialog *self,
                                          const char    *resume,
                                          GError       **error);
/* Drops the window's run, which then no longer reports to it */
void     _lw_train_run_detach            (LwTrainRun    *run);

G_END_DECLS
