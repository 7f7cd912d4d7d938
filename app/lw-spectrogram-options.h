/* lw-spectrogram-options.h — the spectrogram's analysis settings as four drop-downs: window,
 * FFT size, hop (a fraction of the FFT size, or automatic) and frequency axis
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "changed" is emitted when the user (or lw_spectrogram_options_set) changes a choice. The
 * settings text ("hann 2048 4 log": window, FFT size, hop divisor with 0 = automatic, axis)
 * is what GSettings keeps.
 */
#pragma once

#include <gtk/gtk.h>

#include "lw-audio-jobs.h"

G_BEGIN_DECLS

#define LW_TYPE_SPECTROGRAM_OPTIONS (lw_spectrogram_options_get_type ())
G_DECLARE_FINAL_TYPE (LwSpectrogramOptions, lw_spectrogram_options, LW, SPECTROGRAM_OPTIONS,
                      GtkWidget)

GtkWidget *lw_spectrogram_options_new  (void);
/* The settings chosen: window, n_fft, hop (n_fft / divisor, or 0 = automatic), scale; rows
 * are left as they were in *settings. */
void       lw_spectrogram_options_get  (LwSpectrogramOptions  *self,
                                        LwSpectrogramSettings *settings);
/* (transfer full): the settings text */
char      *lw_spectrogram_options_to_string   (LwSpectrogramOptions *self);
/* Applies a settings text; FALSE (nothing changed) when it does not parse. */
gboolean   lw_spectrogram_options_set_string  (LwSpectrogramOptions *self,
                                               const char           *text);
/* The translated name of a window ("Hann") */
const char *lw_spectrogram_window_label (LwWindowKind kind);

G_END_DECLS
