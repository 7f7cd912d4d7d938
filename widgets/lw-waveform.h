/* lw-waveform.h — audio waveform: channels stacked, shared zoom and cursor, seek and selection
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Draws a C×T audio tensor (values in [−1, 1], t->sample_rate set) as one lane per channel,
 * each lane's top row +1 and bottom row −1, with a time axis along the bottom. The view is the
 * time span [view-start, view-end) in seconds mapped onto the whole width, so several
 * waveforms and spectrograms can share one zoom and cursor through g_object_bind_property.
 * The widget keeps a min/max pyramid per channel (core/lw-decimate.h), not the tensor.
 *
 * Input: click sets the cursor and emits "seek"; dragging selects (emits
 * "selection-changed"); scrolling pans, Ctrl+scroll zooms around the pointer. Keys are bound
 * to widget actions the page can also activate: Home "waveform.home" and End "waveform.end"
 * put the cursor at the start or end, ← → "waveform.step" (int32 −1 / +1) move it by 5 % of
 * the view (each emits "seek" and pans to keep the cursor in view), + − "waveform.zoom"
 * (double factor on the span, 0.5 / 2) zoom around the cursor, within the signal.
 *
 * Signals: "seek" (double seconds), "selection-changed" (double start, double end).
 * Properties: view-start, view-end, cursor, selection-start, selection-end (double, seconds,
 * read-write, notified only on change), duration (double, read-only).
 */
#pragma once

#include <gtk/gtk.h>

#include "lw-tensor.h"

G_BEGIN_DECLS

#define LW_TYPE_WAVEFORM (lw_waveform_get_type ())
G_DECLARE_FINAL_TYPE (LwWaveform, lw_waveform, LW, WAVEFORM, GtkWidget)

GtkWidget   *lw_waveform_new                (void);

/* The signal drawn (NULL clears). When the duration changes the view resets to the whole
 * signal; the cursor and selection stay. Returns FALSE (and keeps the old signal) with an
 * LW_ERROR_SHAPE error when `audio` is not C×T with 1 ≤ C ≤ 8, T ≥ 1 and a positive rate. */
gboolean     lw_waveform_set_audio          (LwWaveform     *self,
                                             const LwTensor *audio,
                                             GError        **error);
/* A second signal drawn over the first in another colour (e.g. the decoded one over the
 * original); its channels pair with the lanes (extra channels are not drawn). NULL clears. */
gboolean     lw_waveform_set_overlay        (LwWaveform     *self,
                                             const LwTensor *overlay,
                                             GError        **error);
guint        lw_waveform_get_n_channels     (LwWaveform     *self);
/* Seconds of the (main) signal; 0 without one */
double       lw_waveform_get_duration       (LwWaveform     *self);

/* "view-start", "view-end": seconds at the left and right edges (any finite values with
 * start < end; the widget's own pans and zooms stay within the signal) */
void         lw_waveform_set_view           (LwWaveform     *self,
                                             double          start,
                                             double          end);
void         lw_waveform_set_view_start     (LwWaveform     *self,
                                             double          start);
double       lw_waveform_get_view_start     (LwWaveform     *self);
void         lw_waveform_set_view_end       (LwWaveform     *self,
                                             double          end);
double       lw_waveform_get_view_end       (LwWaveform     *self);
/* "cursor": seconds, NaN hides it (default NaN) */
void         lw_waveform_set_cursor         (LwWaveform     *self,
                                             double          seconds);
double       lw_waveform_get_cursor         (LwWaveform     *self);
/* "selection-start", "selection-end": seconds, NaN = no selection (default) */
void         lw_waveform_set_selection      (LwWaveform     *self,
                                             double          start,
                                             double          end);
double       lw_waveform_get_selection_start (LwWaveform    *self);
double       lw_waveform_get_selection_end  (LwWaveform     *self);

/* Seconds ↔ widget x in the current allocation (for tests and overlays); NAN without a valid
 * view or allocation */
double       lw_waveform_time_to_x          (LwWaveform     *self,
                                             double          seconds);
double       lw_waveform_x_to_time          (LwWaveform     *self,
                                             double          x);
/* Lane of `channel`: rows y .. y + height − 1; FALSE without such a channel or allocation */
gboolean     lw_waveform_get_lane           (LwWaveform     *self,
                                             guint           channel,
                                             int            *y,
                                             int            *height);

G_END_DECLS
