/* lw-window.h — the main window: header bar, the workbench pages, menus, messages
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pages live in an AdwViewStack; only pages that work are added. Each page's actions are
 * inserted into the window under the page's prefix ("image."), so the application's
 * keyboard shortcuts reach them wherever the focus is.
 */
#pragma once

#include <adwaita.h>

#include "lw-audio-page.h"
#include "lw-image-page.h"
#include "lw-reason-page.h"

G_BEGIN_DECLS

#define LW_TYPE_WINDOW (lw_window_get_type ())
G_DECLARE_FINAL_TYPE (LwWindow, lw_window, LW, WINDOW, AdwApplicationWindow)

/* @application: (nullable) */
LwWindow    *lw_window_new            (GtkApplication *application);
/* Opens an image, an audio file or an experiment on its page, in the background. */
void         lw_window_open           (LwWindow *self,
                                       GFile    *file);
/* (transfer none) */
LwImagePage *lw_window_get_image_page (LwWindow *self);
/* (transfer none) */
LwAudioPage *lw_window_get_audio_page (LwWindow *self);
/* (transfer none) */
LwReasonPage *lw_window_get_reason_page (LwWindow *self);
void         lw_window_show_toast     (LwWindow   *self,
                                       const char *text);

G_END_DECLS
