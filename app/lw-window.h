/* lw-window.h — the main window: an image, a codec, a rate slider, the decoded result
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LW_TYPE_WINDOW (lw_window_get_type ())
G_DECLARE_FINAL_TYPE (LwWindow, lw_window, LW, WINDOW, AdwApplicationWindow)

/* @application: (nullable) */
LwWindow      *lw_window_new                 (GtkApplication *application);
/* Loads the image on a worker thread; failures are shown as a toast. */
void           lw_window_open                (LwWindow *self,
                                              GFile    *file);
/* Selects an image codec by its name ("jpeg"); FALSE if there is none by that name. */
gboolean       lw_window_select_codec        (LwWindow   *self,
                                              const char *name);
const char    *lw_window_get_codec_name      (LwWindow *self);
/* (transfer none): the rate slider's adjustment (its value may be a logarithm) */
GtkAdjustment *lw_window_get_rate_adjustment (LwWindow *self);
/* The rate parameter's value as the codec sees it */
double         lw_window_get_rate            (LwWindow *self);
/* Bits per pixel of the result on show; NaN while there is none */
double         lw_window_get_bpp             (LwWindow *self);
gboolean       lw_window_get_busy            (LwWindow *self);

G_END_DECLS
