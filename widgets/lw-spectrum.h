/* lw-spectrum.h — live spectrum analyser: the newest dB frame with decaying peak hold
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Frequency on a log axis from 20 Hz to rate/2, level on a linear axis from −100 to 0 dB.
 * A pushed frame is bins 0..n_bins−1 at k·rate/(2·(n_bins − 1)) Hz (n_bins = n_fft/2 + 1,
 * lw_spectrum_analyser_process's output). Each bin's peak holds for half a second, then falls
 * at "peak-decay" dB/s. The widget animates on the frame clock only while frames arrive or
 * peaks are still falling; idle, it draws nothing new and keeps no tick callback.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LW_SPECTRUM_MIN_HZ  20.0
#define LW_SPECTRUM_MIN_DB  -100.0
#define LW_SPECTRUM_MAX_DB  0.0

#define LW_TYPE_SPECTRUM (lw_spectrum_get_type ())
G_DECLARE_FINAL_TYPE (LwSpectrum, lw_spectrum, LW, SPECTRUM, GtkWidget)

GtkWidget *lw_spectrum_new            (void);

/* Copies the frame (n_bins ≥ 2, sample_rate > 0). A new bin count or rate resets the peaks. */
void       lw_spectrum_push           (LwSpectrum  *self,
                                       const float *db,
                                       guint        n_bins,
                                       double       sample_rate);
/* Forgets the frame and the peaks */
void       lw_spectrum_clear          (LwSpectrum  *self);
/* "peak-decay": dB per second the held peaks fall after their hold time (default 60) */
void       lw_spectrum_set_peak_decay (LwSpectrum  *self,
                                       double       db_per_second);
double     lw_spectrum_get_peak_decay (LwSpectrum  *self);
/* TRUE while a frame-clock tick callback is installed */
gboolean   lw_spectrum_is_animating   (LwSpectrum  *self);
/* (hz, dB) → widget coordinates in the current allocation; FALSE without an allocation or
 * for hz ≤ 0 */
gboolean   lw_spectrum_map            (LwSpectrum  *self,
                                       double       hz,
                                       double       db,
                                       double      *x,
                                       double      *y);

G_END_DECLS
