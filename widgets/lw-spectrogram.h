/* lw-spectrogram.h — spectrogram: a frames × rows dB tensor as an inferno image over time
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Takes finished dB data (e.g. lw_spectrum_rows of lw_stft_db): row 0 is f_min, the last row
 * f_max, rows spaced on `scale` (the layout of lw_spectrum_rows). Frame f covers the seconds
 * [f·seconds_per_frame, (f + 1)·seconds_per_frame). Values map to inferno between db_floor
 * (black) and db_ceiling (pale yellow). The view (view-start/view-end, seconds over the whole
 * width) and cursor properties match LwWaveform's, so the two can be bound together;
 * frequency labels are drawn inside the image at the left edge, so x maps alike in both.
 * A click emits "seek" (double seconds).
 */
#pragma once

#include <gtk/gtk.h>

#include "lw-stft.h"
#include "lw-tensor.h"

G_BEGIN_DECLS

#define LW_TYPE_SPECTROGRAM (lw_spectrogram_get_type ())
G_DECLARE_FINAL_TYPE (LwSpectrogram, lw_spectrogram, LW, SPECTROGRAM, GtkWidget)

GtkWidget *lw_spectrogram_new            (void);

/* Builds the image at once (the tensor is not kept). More than 8192 frames are merged by
 * their maximum into 8192 columns. NULL clears. FALSE with LW_ERROR_SHAPE (not frames × rows,
 * ndim 2) or LW_ERROR_INVALID_PARAM (seconds_per_frame ≤ 0, f_min ≥ f_max, f_min ≤ 0 on the
 * log scale, db_floor ≥ db_ceiling). When the duration changes the view resets to it all. */
gboolean   lw_spectrogram_set_db         (LwSpectrogram  *self,
                                          const LwTensor *db,
                                          double          seconds_per_frame,
                                          double          f_min,
                                          double          f_max,
                                          LwFreqScale     scale,
                                          double          db_floor,
                                          double          db_ceiling,
                                          GError        **error);
double     lw_spectrogram_get_duration   (LwSpectrogram  *self);

/* "view-start", "view-end" (seconds), "cursor" (seconds, NaN hides; default NaN) */
void       lw_spectrogram_set_view       (LwSpectrogram  *self,
                                          double          start,
                                          double          end);
double     lw_spectrogram_get_view_start (LwSpectrogram  *self);
double     lw_spectrogram_get_view_end   (LwSpectrogram  *self);
void       lw_spectrogram_set_cursor     (LwSpectrogram  *self,
                                          double          seconds);
double     lw_spectrogram_get_cursor     (LwSpectrogram  *self);

/* Widget coordinates (current allocation) of a time and of the centre of a data row; NaN
 * without data, view or allocation */
double     lw_spectrogram_time_to_x      (LwSpectrogram  *self,
                                          double          seconds);
double     lw_spectrogram_row_to_y       (LwSpectrogram  *self,
                                          double          row);
/* y of a frequency on the axis (row centres sit at their frequencies); NaN as above */
double     lw_spectrogram_freq_to_y      (LwSpectrogram  *self,
                                          double          hz);

G_END_DECLS
