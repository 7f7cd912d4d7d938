/* lw-train-dialog.h — the "Train Decoder" window: images, settings, a live loss curve, and
 * handing the trained decoder to the image page
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Training (lw-decoder-train.h) runs on a worker thread; its progress reaches the window
 * through one coalescing idle source, and the window only ever draws what arrived. The output
 * file is also the checkpoint: it is written every few hundred steps, at the end, and when
 * training is cancelled (or the window is closed while training), so "Resume" continues
 * where it stopped. "Use This Decoder" loads the newest checkpoint, registers it with
 * lw_learned_decoder_use and announces it with "decoder-ready"; the image page switches its
 * codec to the learned decoder in answer.
 * The window's commands are actions under "train." (train.start, train.cancel, train.resume,
 * train.resume-from, train.use-decoder, train.choose-folder, train.use-bundled,
 * train.choose-output).
 */
#pragma once

#include <adwaita.h>

#include "lw-decoder-train.h"
#include "lw-line-plot.h"

G_BEGIN_DECLS

#define LW_TYPE_TRAIN_DIALOG (lw_train_dialog_get_type ())
G_DECLARE_FINAL_TYPE (LwTrainDialog, lw_train_dialog, LW, TRAIN_DIALOG, AdwWindow)

/* Transient for `parent` (nullable), destroyed with it */
LwTrainDialog *lw_train_dialog_new            (GtkWindow *parent);

/* The training images: every PNG or JPEG directly in `folder` (errors: the folder cannot be
 * read, or holds no image) */
gboolean     lw_train_dialog_set_folder       (LwTrainDialog *self,
                                               const char    *folder,
                                               GError       **error);
/* The CC0/public-domain images shipped with python3-skimage (the set the shipped decoder was
 * trained on); FALSE when none of them is installed */
gboolean     lw_train_dialog_use_bundled      (LwTrainDialog *self);
/* (transfer none): NULL-terminated; empty while none are chosen */
const char * const *lw_train_dialog_get_images (LwTrainDialog *self);

/* The settings the controls show (steps, batch, crop, width, blocks, proxy) */
void         lw_train_dialog_set_settings     (LwTrainDialog *self,
                                               guint64        steps,
                                               guint          batch,
                                               guint          crop,
                                               guint          width,
                                               guint          blocks,
                                               LwQuantProxy   proxy);
/* The model file written (default: a dated file under the user's data folder) */
void         lw_train_dialog_set_output       (LwTrainDialog *self,
                                               const char    *path);
const char  *lw_train_dialog_get_output       (LwTrainDialog *self);

/* Starts training a fresh decoder with the settings on show. FALSE with an error when no
 * images are chosen, the output folder cannot be made, or a training runs already. */
gboolean     lw_train_dialog_start            (LwTrainDialog *self,
                                               GError       **error);
/* Continues from a checkpoint (NULL: the output file, after a cancel); the output becomes
 * that checkpoint. Errors as for start, and a missing checkpoint. */
gboolean     lw_train_dialog_resume           (LwTrainDialog *self,
                                               const char    *checkpoint,
                                               GError       **error);
/* Stops the training; the worker saves a checkpoint first. */
void         lw_train_dialog_cancel           (LwTrainDialog *self);
/* TRUE from start until the worker has returned (and saved) ("running") */
gboolean     lw_train_dialog_get_running      (LwTrainDialog *self);
/* Steps done according to the last progress shown */
guint64      lw_train_dialog_get_step         (LwTrainDialog *self);

/* Loads the output file, registers it (lw_learned_decoder_use) and emits "decoder-ready". */
gboolean     lw_train_dialog_use_decoder      (LwTrainDialog *self,
                                               GError       **error);

/* (transfer none): parts, for tests */
GtkProgressBar *lw_train_dialog_get_progress_bar (LwTrainDialog *self);
LwLinePlot     *lw_train_dialog_get_loss_plot    (LwTrainDialog *self);
LwLinePlot     *lw_train_dialog_get_psnr_plot    (LwTrainDialog *self);

G_END_DECLS
