/* lw-audio-page.h — the audio workbench page: hear and see what a codec does to sound
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Original, decoded and residual waveforms and spectrograms on one time axis with one cursor
 * and zoom; the codec's controls from its parameter description, re-encoding in the
 * background; playback with an A/B switch at the playhead, loop of a selected region, live
 * spectrum and level meters; a blind ABX test. Commands are actions in a group the window
 * inserts under the prefix "audio"; messages go out through the "toast" signal.
 */
#pragma once

#include <adwaita.h>

#include "lw-audio-measure.h"
#include "lw-codec.h"
#include "lw-playback.h"
#include "lw-project.h"

G_BEGIN_DECLS

#define LW_TYPE_AUDIO_PAGE (lw_audio_page_get_type ())
G_DECLARE_FINAL_TYPE (LwAudioPage, lw_audio_page, LW, AUDIO_PAGE, GtkWidget)

GtkWidget      *lw_audio_page_new            (void);
/* (transfer none): the page's actions, for the window to insert as "audio" */
GActionGroup   *lw_audio_page_get_actions    (LwAudioPage *self);
/* Loads an audio file in the background. */
void            lw_audio_page_open           (LwAudioPage *self,
                                              GFile       *file);
/* The codec, parameters, view and ABX session of an audio experiment; loads its audio. */
gboolean        lw_audio_page_apply_project  (LwAudioPage *self,
                                              LwProject   *project,
                                              GError     **error);
/* (transfer full) (nullable: no audio from a local file) */
LwProject      *lw_audio_page_to_project     (LwAudioPage *self);
gboolean        lw_audio_page_select_codec   (LwAudioPage *self,
                                              const char  *name);
const LwParams *lw_audio_page_get_params     (LwAudioPage *self);
gboolean        lw_audio_page_set_param      (LwAudioPage *self,
                                              const char  *name,
                                              double       value,
                                              GError     **error);
gboolean        lw_audio_page_get_measure    (LwAudioPage    *self,
                                              LwAudioMeasure *out);
double          lw_audio_page_get_kbps       (LwAudioPage *self); /* NaN while none; property "kbps" */
gboolean        lw_audio_page_get_busy       (LwAudioPage *self); /* property "busy" */
const char     *lw_audio_page_get_audio_path (LwAudioPage *self);
/* (transfer none) */
LwPlayback     *lw_audio_page_get_playback   (LwAudioPage *self);
/* ABX: trials done, correct answers, one-sided binomial p-value */
void            lw_audio_page_get_abx        (LwAudioPage *self,
                                              guint       *trials,
                                              guint       *correct,
                                              double      *p_value);

G_END_DECLS
