/* lw-level-meter.h — level meter: one horizontal dBFS bar per channel, peak hold, clip light
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Levels are linear amplitudes (1.0 = full scale) shown in dBFS on a −60..0 dB scale: a solid
 * bar to the RMS level, a lighter one on to the peak, and a peak-hold mark that stays for a
 * second and then falls at 20 dB/s. A peak ≥ 1.0 lights the channel's clip indicator until
 * lw_level_meter_reset or a click on the meter. The hold marks fall on the frame clock, whose
 * tick is removed as soon as every mark has reached its peak.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LW_LEVEL_METER_MIN_DB      -60.0
#define LW_LEVEL_METER_MAX_CHANNELS 8

#define LW_TYPE_LEVEL_METER (lw_level_meter_get_type ())
G_DECLARE_FINAL_TYPE (LwLevelMeter, lw_level_meter, LW, LEVEL_METER, GtkWidget)

GtkWidget *lw_level_meter_new          (void);

/* rms[c], peak[c]: linear amplitudes of channel c (0..1, more clips); 1 ≤ channels ≤ 8 */
void       lw_level_meter_set          (LwLevelMeter *self,
                                        const float  *rms,
                                        const float  *peak,
                                        guint         channels);
/* Levels to silence, hold marks and clip lights off (the channel count stays) */
void       lw_level_meter_reset        (LwLevelMeter *self);
guint      lw_level_meter_get_n_channels (LwLevelMeter *self);
/* "clipped": some channel's clip light is on (read-only, notified) */
gboolean   lw_level_meter_get_clipped  (LwLevelMeter *self);
gboolean   lw_level_meter_is_animating (LwLevelMeter *self);
/* x of a dB value on the scale; NaN without an allocation */
double     lw_level_meter_db_to_x      (LwLevelMeter *self,
                                        double        db);
/* Rows of channel c's bar; FALSE without such a channel or an allocation */
gboolean   lw_level_meter_get_bar      (LwLevelMeter *self,
                                        guint         channel,
                                        int          *y,
                                        int          *height);

G_END_DECLS
