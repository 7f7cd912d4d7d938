/* lw-playback.h — A/B audio playback of two pre-decoded buffers through PortAudio
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * LwPlayback plays one of two equally shaped audio tensors — A (the original) and B (the
 * decoded) — and switches between them at the playhead with a short linear crossfade, so a
 * listener hears the difference and not a click. Every method runs on the main thread; the
 * PortAudio callback only reads buffers prepared before its stream started and exchanges
 * requests and the playhead with the main thread through atomics (see lw-playback.c).
 *
 * Without an output device (no sound card, PortAudio failing to initialise, the chosen device
 * gone) the object still works — seek, loop, source and position behave the same — but play
 * fails with a GError, `available` is FALSE and `error-message` says why.
 *
 * The stream is opened at the buffers' own sample rate; a device that refuses that rate is
 * reported as an error (resampling for playback is not done here).
 */
#pragma once

#include <glib-object.h>

#include "lw-tensor.h"

G_BEGIN_DECLS

typedef enum
{
  LW_PLAYBACK_SOURCE_A = 0, /* the original */
  LW_PLAYBACK_SOURCE_B = 1, /* the decoded */
} LwPlaybackSource;

#define LW_TYPE_PLAYBACK_SOURCE (lw_playback_source_get_type ())
GType lw_playback_source_get_type (void);

/* Length of the A/B, seek and pause/resume crossfades. */
#define LW_PLAYBACK_CROSSFADE_MS 5.0

typedef struct
{
  char    *name;               /* PortAudio's device name, the key stored in settings */
  char    *host_api;           /* "ALSA", "JACK Audio Connection Kit", … */
  int      max_output_channels;
  double   default_sample_rate;
  gboolean is_default;         /* the host's default output */
} LwAudioDevice;

void lw_audio_device_free (LwAudioDevice *device);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwAudioDevice, lw_audio_device_free)

#define LW_TYPE_PLAYBACK (lw_playback_get_type ())
G_DECLARE_FINAL_TYPE (LwPlayback, lw_playback, LW, PLAYBACK, GObject)

LwPlayback       *lw_playback_new                 (void);

/* Copies `a` and `b` (C×T, same shape and sample rate, 1 ≤ C ≤ 8; `b` NULL means A twice).
 * Keeps the position if it still fits. While playing, the output fades out (the call waits
 * for that: about 5 ms plus one device buffer), the buffers are swapped with the stream
 * stopped, and playback resumes with a fade-in — a short gap, no click. */
gboolean          lw_playback_set_buffers         (LwPlayback      *self,
                                                   const LwTensor  *a,
                                                   const LwTensor  *b,
                                                   GError         **error);
void              lw_playback_clear_buffers       (LwPlayback      *self);
gboolean          lw_playback_has_buffers         (LwPlayback      *self);

/* Starts (or resumes) at the position; from the start (or the loop start) when at the end.
 * FALSE with an LW_ERROR_IO error (also kept in `error-message`) when there is no buffer,
 * no device, or the device refuses the channel count or sample rate. */
gboolean          lw_playback_play                (LwPlayback      *self,
                                                   GError         **error);
/* Fades out over the crossfade length, then stops the stream; the position stays. */
void              lw_playback_pause               (LwPlayback      *self);
gboolean          lw_playback_get_playing         (LwPlayback      *self);
/* TRUE while the device stream runs: while playing, and for a moment after a pause (fade-out). */
gboolean          lw_playback_get_stream_active   (LwPlayback      *self);

/* Seconds from the start, clamped to [0, duration]; while playing, a crossfade to the new place. */
void              lw_playback_seek                (LwPlayback      *self,
                                                   double           seconds);
double            lw_playback_get_position        (LwPlayback      *self);
double            lw_playback_get_duration        (LwPlayback      *self);
double            lw_playback_get_sample_rate     (LwPlayback      *self);
guint             lw_playback_get_channels        (LwPlayback      *self);

/* Loops [start, end) seconds (clamped to the buffers); start ≥ end or NaN clears the loop.
 * A playhead at or past `end` jumps to `start`. */
void              lw_playback_set_loop            (LwPlayback      *self,
                                                   double           start,
                                                   double           end);
gboolean          lw_playback_get_loop            (LwPlayback      *self,
                                                   double          *start,
                                                   double          *end);

/* Switches at the playhead, at the start of the next audio buffer, with a crossfade. */
void              lw_playback_set_source          (LwPlayback       *self,
                                                   LwPlaybackSource  source);
LwPlaybackSource  lw_playback_get_source          (LwPlayback       *self);

/* Output devices, for Preferences: element type LwAudioDevice (transfer full). */
GPtrArray        *lw_playback_list_devices        (LwPlayback      *self);
/* NULL or "" = the default output. Playing goes on on the new device (fade out, reopen, fade
 * in); a device that cannot be used leaves playback stopped with `available` FALSE. The list
 * is PortAudio's at the object's creation (devices plugged in later need a new LwPlayback). */
void              lw_playback_set_device          (LwPlayback      *self,
                                                   const char      *name);
const char       *lw_playback_get_device          (LwPlayback      *self);
gboolean          lw_playback_get_available       (LwPlayback      *self);
const char       *lw_playback_get_error_message   (LwPlayback      *self);

/* Drains what the callback played (interleaved frames, `channels` floats each) for meters and
 * the live spectrum; returns the number of frames copied. The ring holds a quarter of a second:
 * when nobody drains it, the callback drops what no longer fits (the newest frames), so drain
 * it on every frame-clock tick while playing. It is emptied when playback starts. */
gsize             lw_playback_read_output         (LwPlayback      *self,
                                                   float           *frames,
                                                   gsize            max_frames);

/* Diagnostics (and the playback test): crossfade length in frames at the current rate; the
 * buffer frame at which the last A/B crossfade began (−1 before any) and how many there were;
 * the largest callback buffer seen, in frames. */
guint             lw_playback_get_crossfade_frames (LwPlayback     *self);
gint64            lw_playback_get_switch_frame     (LwPlayback     *self,
                                                    guint          *n_switches);
guint             lw_playback_get_max_callback_frames (LwPlayback  *self);

G_END_DECLS
