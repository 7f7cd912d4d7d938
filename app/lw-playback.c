/* lw-playback.c — A/B audio playback of two pre-decoded buffers through PortAudio
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Threads. The main thread owns the object; PortAudio's callback (lw-playback-rt.c) runs on a
 * real-time thread.
 * The callback never allocates, locks, logs or does I/O. What it reads is either prepared by the
 * main thread while no stream is running (the buffers, channel count, crossfade length, the
 * ring, the starting playhead — Pa_StartStream orders these before the first callback) or a
 * request the main thread posts in an atomic:
 *   req_source  the source wanted (A or B)        — compared at each buffer
 *   req_seek    a frame to go to, or −1           — taken with an exchange
 *   req_loop    loop bounds packed start << 32 | end (0 = no loop) — one word, so never torn
 *   req_paused  fade out and hold
 *   req_b, req_b_gen  a new B (same shape, same A) while the stream runs: the pointer, then
 *               its generation with release order; the callback takes it between crossfades
 *               and acknowledges in out_b_ack once no fade reads the old one, and only then
 *               does the main thread free the old buffer
 * and the callback answers through atomics the main thread reads on a 30 ms timeout (one
 * coalesced position update, no idle per buffer): the playhead, "idle" (faded out or at the
 * end, so the stream can be stopped), and the frame of the last A/B switch.
 *
 * Crossfades. A switch or a seek while sound is playing starts a second "voice" at the new
 * place and fades between the two linearly over LW_PLAYBACK_CROSSFADE_MS (5 ms, 221 frames at
 * 44.1 kHz), beginning with the first frame of the next callback buffer. Linear rather than
 * equal-power because A and B are nearly the same signal: for correlated signals a linear fade
 * keeps the level constant where an equal-power fade bumps it by up to 3 dB. One crossfade runs
 * at a time; a request arriving during one is taken when it ends. A new B while B sounds
 * crossfades old B → new B at the playhead the same way. Starting and pausing ramp the
 * whole output in or out over the same length; a request while silent applies at once. Loop
 * wraps are hard cuts (the region is the user's choice; a crossfade there would play past it).
 */
#define G_LOG_DOMAIN "lw-playback"

#include "lw-playback.h"

#include <glib/gi18n.h>
#include <math.h>
#include <portaudio.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "lw-error.h"
#include "lw-playback-private.h"
#include "lw-ring.h"

#define POSITION_INTERVAL_MS 30
#define MAX_FRAMES           ((gint64) UINT32_MAX - 1)

struct _LwPlayback
{
  GObject           parent_instance;

  LwPlaybackRt               *rt;             /* owned, 64-byte aligned */
  LwTensor         *a;              /* owned copies */
  LwTensor         *b;              /* NULL: B is A */
  double            rate;
  guint             channels;
  gint64            frames;

  gboolean          pa_ok;          /* Pa_Initialize succeeded (and needs Pa_Terminate) */
  PaStream         *stream;
  PaDeviceIndex     stream_device;
  gboolean          stream_active;  /* started and not yet stopped */
  guint             tick_id;

  gboolean          playing;
  gint64            position;       /* frames */
  LwPlaybackSource  source;
  gboolean          loop;
  double            loop_start;     /* seconds, as asked */
  double            loop_end;

  /* B buffers replaced while the stream ran, each with the generation that replaced it: freed
   * once the callback acknowledges that generation (or the stream stops) */
  GPtrArray        *retired;        /* of Retired */
  unsigned          b_gen;

  char             *device;         /* NULL: default */
  gboolean          available;
  char             *error_message;
};

typedef struct
{
  LwTensor *b;
  unsigned  gen;
} Retired;

static void
retired_free (Retired *r)
{
  lw_tensor_free (r->b);
  g_free (r);
}

G_DEFINE_FINAL_TYPE (LwPlayback, lw_playback, G_TYPE_OBJECT)
G_DEFINE_ENUM_TYPE (LwPlaybackSource, lw_playback_source,
                    G_DEFINE_ENUM_VALUE (LW_PLAYBACK_SOURCE_A, "a"),
                    G_DEFINE_ENUM_VALUE (LW_PLAYBACK_SOURCE_B, "b"))

enum
{
  PROP_0,
  PROP_POSITION,
  PROP_DURATION,
  PROP_PLAYING,
  PROP_SOURCE,
  PROP_DEVICE,
  PROP_AVAILABLE,
  PROP_ERROR_MESSAGE,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

void
lw_audio_device_free (LwAudioDevice *device)
{
  if (device == NULL)
    return;
  g_free (device->name);
  g_free (device->host_api);
  g_free (device);
}

/* The main-thread side */

static void
set_error_message (LwPlayback *self,
                   const char *message)
{
  if (g_strcmp0 (self->error_message, message) == 0)
    return;
  g_free (self->error_message);
  self->error_message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
}

static void
set_available (LwPlayback *self,
               gboolean    available)
{
  if (self->available == available)
    return;
  self->available = available;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
}

static void
set_playing (LwPlayback *self,
             gboolean    playing)
{
  if (self->playing == playing)
    return;
  self->playing = playing;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
}

static void
set_position_frame (LwPlayback *self,
                    gint64      frame)
{
  if (self->position == frame)
    return;
  self->position = frame;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
}

/* The output device the stream should use, or paNoDevice with `error` set. */
static PaDeviceIndex
resolve_device (LwPlayback  *self,
                GError     **error)
{
  if (!self->pa_ok)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_IO, "%s", self->error_message);
      return paNoDevice;
    }
  if (self->device != NULL)
    {
      for (PaDeviceIndex i = 0; i < Pa_GetDeviceCount (); i++)
        {
          const PaDeviceInfo *info = Pa_GetDeviceInfo (i);
          if (info != NULL && info->maxOutputChannels > 0 && g_strcmp0 (info->name, self->device) == 0)
            return i;
        }
      g_set_error (error, LW_ERROR, LW_ERROR_IO,
                   _("Audio output device “%s” is not available"), self->device);
      return paNoDevice;
    }
  PaDeviceIndex index = Pa_GetDefaultOutputDevice ();
  if (index == paNoDevice)
    g_set_error (error, LW_ERROR, LW_ERROR_IO,
                 _("No audio output device was found; playback is off"));
  return index;
}

static void
update_available (LwPlayback *self)
{
  g_autoptr (GError) error = NULL;

  if (resolve_device (self, &error) == paNoDevice)
    {
      set_error_message (self, error->message);
      set_available (self, FALSE);
    }
  else
    {
      set_error_message (self, NULL);
      set_available (self, TRUE);
    }
}

static void
remove_tick (LwPlayback *self)
{
  g_clear_handle_id (&self->tick_id, g_source_remove);
}

/* Waits for the callback to finish (Pa_StopStream plays out what is queued; the output is
 * silent by then) and takes its playhead. */
static void
stop_stream (LwPlayback *self,
             gboolean    abort)
{
  if (self->stream != NULL && self->stream_active)
    {
      if (abort)
        Pa_AbortStream (self->stream);
      else
        Pa_StopStream (self->stream);
      self->stream_active = FALSE;
      if (atomic_load (&self->rt->req_seek) == LW_PLAYBACK_NO_SEEK)
        set_position_frame (self, atomic_load (&self->rt->out_pos));
      atomic_store (&self->rt->req_seek, LW_PLAYBACK_NO_SEEK);
    }
  /* No callback runs: nothing reads a retired buffer */
  g_ptr_array_set_size (self->retired, 0);
  remove_tick (self);
}

/* Lets the callback fade the output out before the stream is cut (on the main thread, which
 * waits: the fade is 5 ms plus a buffer; at most 100 ms when the device stalls). */
static void
fade_out_now (LwPlayback *self)
{
  if (!self->stream_active)
    return;
  atomic_store (&self->rt->req_paused, 1);
  for (guint i = 0; i < 100 && !atomic_load (&self->rt->out_idle); i++)
    g_usleep (1000);
}

static void
close_stream (LwPlayback *self)
{
  stop_stream (self, TRUE);
  if (self->stream != NULL)
    {
      Pa_CloseStream (self->stream);
      self->stream = NULL;
      self->stream_device = paNoDevice;
    }
}

/* Frees the replaced B buffers the callback has let go of (generations are compared modulo
 * 2^32, with far fewer than 2^31 in flight) */
static void
free_retired (LwPlayback *self)
{
  unsigned ack = atomic_load_explicit (&self->rt->out_b_ack, memory_order_acquire);

  for (guint i = self->retired->len; i-- > 0;)
    {
      Retired *r = g_ptr_array_index (self->retired, i);
      if ((int) (ack - r->gen) >= 0)
        g_ptr_array_remove_index_fast (self->retired, i);
    }
}

/* While the stream runs with the same A and format, a new B is handed to the callback through
 * an atomic instead of stopping the stream: it crossfades old B → new B at the playhead when
 * B is sounding, so moving the rate slider while listening neither gaps nor clicks. */
static gboolean
hand_over_b (LwPlayback     *self,
             const LwTensor *a,
             const LwTensor *b)
{
  LwPlaybackRt *rt = self->rt;
  Retired *r;

  if (!self->stream_active || b == NULL || self->b == NULL || self->a == NULL ||
      !lw_tensor_same_shape (self->a, a) || self->rate != a->sample_rate ||
      memcmp (self->a->data, a->data, lw_tensor_numel (a) * sizeof (float)) != 0)
    return FALSE;
  r = g_new (Retired, 1);
  r->b = g_steal_pointer (&self->b);
  r->gen = ++self->b_gen;
  g_ptr_array_add (self->retired, r);
  self->b = lw_tensor_copy (b);
  atomic_store_explicit (&rt->req_b, self->b->data, memory_order_relaxed);
  atomic_store_explicit (&rt->req_b_gen, self->b_gen, memory_order_release);
  return TRUE;
}

static gboolean
tick_cb (gpointer user_data)
{
  LwPlayback *self = user_data;
  LwPlaybackRt *rt = self->rt;

  /* A seek not yet taken by the callback keeps the position the main thread set. */
  if (atomic_load (&rt->req_seek) == LW_PLAYBACK_NO_SEEK)
    set_position_frame (self, atomic_load (&rt->out_pos));
  free_retired (self);

  if (atomic_load (&rt->out_ended))
    {
      set_playing (self, FALSE);
      atomic_store (&rt->req_paused, 1);
    }
  if (!self->playing && atomic_load (&rt->out_idle))
    {
      self->tick_id = 0;
      stop_stream (self, FALSE);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
ensure_stream (LwPlayback  *self,
               GError     **error)
{
  PaDeviceIndex index = resolve_device (self, error);
  if (index == paNoDevice)
    return FALSE;
  if (self->stream != NULL && self->stream_device == index)
    return TRUE;
  close_stream (self);

  const PaDeviceInfo *info = Pa_GetDeviceInfo (index);
  if ((guint) info->maxOutputChannels < self->channels)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                   _("Audio output device “%s” has %d output channels; the audio has %u "
                   "(downmixing is not done)"), info->name, info->maxOutputChannels, self->channels);
      return FALSE;
    }

  PaStreamParameters params = {
    .device = index,
    .channelCount = (int) self->channels,
    .sampleFormat = paFloat32,
    .suggestedLatency = info->defaultLowOutputLatency,
  };
  /* Pa_OpenStream reports an unsupported rate or channel count itself. (Pa_IsFormatSupported
   * is not used: on ALSA it configures the device with its largest buffer, which for virtual
   * devices such as `null` means allocating gigabytes.) */
  PaError err = Pa_OpenStream (&self->stream, NULL, &params, self->rate,
                               paFramesPerBufferUnspecified, paClipOff, _lw_playback_stream_cb, self->rt);
  if (err != paNoError)
    {
      self->stream = NULL;
      g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                   _("Audio output device “%s” cannot play %u channel(s) at %g Hz: %s "
                   "(playback does not resample)"), info->name, self->channels, self->rate,
                   Pa_GetErrorText (err));
      return FALSE;
    }
  self->stream_device = index;
  const PaStreamInfo *stream_info = Pa_GetStreamInfo (self->stream);
  g_debug ("Opened “%s” for %u channel(s) at %g Hz; output latency %.1f ms", info->name,
           self->channels, self->rate, stream_info != NULL ? stream_info->outputLatency * 1e3 : NAN);
  return TRUE;
}

static gint64
seconds_to_frame (LwPlayback *self,
                  double      seconds)
{
  if (!(seconds > 0.) || self->frames == 0)
    return 0;
  double f = round (seconds * self->rate);
  return f >= (double) self->frames ? self->frames : (gint64) f;
}

static void
post_loop (LwPlayback *self)
{
  uint64_t packed = 0;

  if (self->loop && self->frames > 0)
    {
      gint64 s = seconds_to_frame (self, self->loop_start);
      gint64 e = seconds_to_frame (self, self->loop_end);
      if (s < e)
        packed = ((uint64_t) s << 32) | (uint64_t) e;
    }
  atomic_store (&self->rt->req_loop, packed);
}

static void
lw_playback_dispose (GObject *object)
{
  LwPlayback *self = LW_PLAYBACK (object);

  close_stream (self);
  G_OBJECT_CLASS (lw_playback_parent_class)->dispose (object);
}

static void
lw_playback_finalize (GObject *object)
{
  LwPlayback *self = LW_PLAYBACK (object);

  g_clear_pointer (&self->a, lw_tensor_free);
  g_clear_pointer (&self->b, lw_tensor_free);
  g_clear_pointer (&self->retired, g_ptr_array_unref);
  lw_ring_free (self->rt->ring);
  g_aligned_free (self->rt);
  g_free (self->device);
  g_free (self->error_message);
  if (self->pa_ok)
    Pa_Terminate ();
  G_OBJECT_CLASS (lw_playback_parent_class)->finalize (object);
}

static void
lw_playback_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  LwPlayback *self = LW_PLAYBACK (object);

  switch (prop_id)
    {
    case PROP_POSITION:
      g_value_set_double (value, lw_playback_get_position (self));
      break;
    case PROP_DURATION:
      g_value_set_double (value, lw_playback_get_duration (self));
      break;
    case PROP_PLAYING:
      g_value_set_boolean (value, self->playing);
      break;
    case PROP_SOURCE:
      g_value_set_enum (value, self->source);
      break;
    case PROP_DEVICE:
      g_value_set_string (value, self->device);
      break;
    case PROP_AVAILABLE:
      g_value_set_boolean (value, self->available);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lw_playback_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  LwPlayback *self = LW_PLAYBACK (object);

  switch (prop_id)
    {
    case PROP_POSITION:
      lw_playback_seek (self, g_value_get_double (value));
      break;
    case PROP_SOURCE:
      lw_playback_set_source (self, g_value_get_enum (value));
      break;
    case PROP_DEVICE:
      lw_playback_set_device (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lw_playback_class_init (LwPlaybackClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = lw_playback_dispose;
  object_class->finalize = lw_playback_finalize;
  object_class->get_property = lw_playback_get_property;
  object_class->set_property = lw_playback_set_property;

  properties[PROP_POSITION] =
    g_param_spec_double ("position", NULL, NULL, 0., G_MAXDOUBLE, 0., rw);
  properties[PROP_DURATION] =
    g_param_spec_double ("duration", NULL, NULL, 0., G_MAXDOUBLE, 0., ro);
  properties[PROP_PLAYING] =
    g_param_spec_boolean ("playing", NULL, NULL, FALSE, ro);
  properties[PROP_SOURCE] =
    g_param_spec_enum ("source", NULL, NULL, LW_TYPE_PLAYBACK_SOURCE, LW_PLAYBACK_SOURCE_A, rw);
  properties[PROP_DEVICE] =
    g_param_spec_string ("device", NULL, NULL, NULL, rw);
  properties[PROP_AVAILABLE] =
    g_param_spec_boolean ("available", NULL, NULL, FALSE, ro);
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lw_playback_init (LwPlayback *self)
{
  self->rt = g_aligned_alloc0 (1, sizeof (LwPlaybackRt), 64);
  self->retired = g_ptr_array_new_with_free_func ((GDestroyNotify) retired_free);
  atomic_init (&self->rt->req_seek, LW_PLAYBACK_NO_SEEK);
  atomic_init (&self->rt->out_switch_frame, -1);
  self->stream_device = paNoDevice;
  self->loop_start = self->loop_end = NAN;

  PaError err = Pa_Initialize ();
  self->pa_ok = err == paNoError;
  if (!self->pa_ok)
    {
      g_autofree char *message =
        g_strdup_printf (_("Audio output is unavailable: PortAudio could not start (%s)"),
                         Pa_GetErrorText (err));
      self->error_message = g_steal_pointer (&message);
      return;
    }
  update_available (self);
}

LwPlayback *
lw_playback_new (void)
{
  return g_object_new (LW_TYPE_PLAYBACK, NULL);
}

static gboolean
check_audio (const LwTensor  *t,
             const char      *what,
             GError         **error)
{
  if (t->ndim != 2 || t->shape[0] < 1 || t->shape[0] > 8 || t->shape[1] < 1)
    {
      g_autofree char *shape = lw_tensor_shape_string (t);
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE,
                   _("Playback buffer %s is %s; expected channels×frames with 1–8 channels"),
                   what, shape);
      return FALSE;
    }
  if (!(t->sample_rate >= 8000. && t->sample_rate <= 192000.))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                   _("Playback buffer %s has a sample rate of %g Hz; 8000–192000 Hz are supported"),
                   what, t->sample_rate);
      return FALSE;
    }
  if ((gint64) t->shape[1] > MAX_FRAMES)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "Playback buffer %s has %" G_GSIZE_FORMAT " frames; at most %" G_GINT64_FORMAT
                   " are supported", what, t->shape[1], MAX_FRAMES);
      return FALSE;
    }
  return TRUE;
}

gboolean
lw_playback_set_buffers (LwPlayback      *self,
                         const LwTensor  *a,
                         const LwTensor  *b,
                         GError         **error)
{
  g_return_val_if_fail (LW_IS_PLAYBACK (self), FALSE);
  g_return_val_if_fail (a != NULL, FALSE);

  if (!check_audio (a, "A", error) || (b != NULL && !check_audio (b, "B", error)))
    return FALSE;
  if (b != NULL && (!lw_tensor_same_shape (a, b) || a->sample_rate != b->sample_rate))
    {
      g_autofree char *sa = lw_tensor_shape_string (a);
      g_autofree char *sb = lw_tensor_shape_string (b);
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE,
                   _("Playback buffers differ: A is %s at %g Hz, B is %s at %g Hz"),
                   sa, a->sample_rate, sb, b->sample_rate);
      return FALSE;
    }

  if (hand_over_b (self, a, b))
    return TRUE;

  gboolean same_format = self->a != NULL && self->channels == a->shape[0] &&
                         self->rate == a->sample_rate;
  double old_duration = lw_playback_get_duration (self);

  /* The callback reads the buffers: no stream may run while they change. */
  gboolean was_playing = self->playing;
  fade_out_now (self);
  set_playing (self, FALSE);
  if (same_format)
    stop_stream (self, TRUE);
  else
    close_stream (self);

  g_clear_pointer (&self->a, lw_tensor_free);
  g_clear_pointer (&self->b, lw_tensor_free);
  self->a = lw_tensor_copy (a);
  self->b = b != NULL ? lw_tensor_copy (b) : NULL;
  self->channels = (guint) a->shape[0];
  self->frames = (gint64) a->shape[1];
  self->rate = a->sample_rate;

  LwPlaybackRt *rt = self->rt;
  rt->src[0] = self->a->data;
  rt->src[1] = self->b != NULL ? self->b->data : self->a->data;
  rt->channels = self->channels;
  rt->frames = self->frames;
  rt->fade_len = lw_playback_get_crossfade_frames (self);
  if (!same_format)
    {
      /* A quarter of a second of output for the meters: the UI drains it every frame. */
      lw_ring_free (rt->ring);
      rt->ring = lw_ring_new ((gsize) ceil (self->rate / 4.) * self->channels);
    }
  post_loop (self);

  set_position_frame (self, MIN (self->position, self->frames));
  if (old_duration != lw_playback_get_duration (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
  if (was_playing)
    lw_playback_play (self, NULL); /* a failure is in error-message */
  return TRUE;
}

void
lw_playback_clear_buffers (LwPlayback *self)
{
  g_return_if_fail (LW_IS_PLAYBACK (self));

  set_playing (self, FALSE);
  close_stream (self);
  g_clear_pointer (&self->a, lw_tensor_free);
  g_clear_pointer (&self->b, lw_tensor_free);
  memset (self->rt->src, 0, sizeof self->rt->src);
  self->frames = 0;
  set_position_frame (self, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
}

gboolean
lw_playback_has_buffers (LwPlayback *self)
{
  g_return_val_if_fail (LW_IS_PLAYBACK (self), FALSE);
  return self->a != NULL;
}

gboolean
lw_playback_play (LwPlayback  *self,
                  GError     **error)
{
  g_autoptr (GError) local_error = NULL;
  LwPlaybackRt *rt = self->rt;

  g_return_val_if_fail (LW_IS_PLAYBACK (self), FALSE);

  if (self->playing)
    return TRUE;
  if (self->a == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_FAILED, _("Nothing to play: no audio is loaded"));
      return FALSE;
    }
  if (self->stream_active && (atomic_load (&rt->out_ended) || self->position >= self->frames))
    stop_stream (self, TRUE); /* at the end, not yet stopped by the tick: start over below */
  if (self->stream_active)
    {
      /* Still fading out after a pause: fade back in. */
      atomic_store (&rt->req_paused, 0);
      set_playing (self, TRUE);
      return TRUE;
    }
  if (!ensure_stream (self, &local_error))
    {
      set_error_message (self, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (self->position >= self->frames)
    {
      gint64 start = 0;
      uint64_t packed = atomic_load (&rt->req_loop);
      if (packed != 0)
        start = (gint64) (packed >> 32);
      set_position_frame (self, start);
    }

  /* No callback runs now: its state is ours to set. */
  rt->pos = self->position;
  rt->source = (int) self->source;
  rt->old_pos = 0;
  rt->old_buf = rt->src[rt->source];
  rt->b_gen = self->b_gen;
  atomic_store (&rt->req_b_gen, self->b_gen);
  atomic_store (&rt->out_b_ack, self->b_gen);
  rt->fade_left = 0;
  rt->master = 0.f;
  rt->ended = FALSE;
  atomic_store (&rt->req_source, (int) self->source);
  atomic_store (&rt->req_seek, LW_PLAYBACK_NO_SEEK);
  atomic_store (&rt->req_paused, 0);
  atomic_store (&rt->out_pos, self->position);
  atomic_store (&rt->out_idle, 0);
  atomic_store (&rt->out_ended, 0);
  if (rt->ring != NULL)
    lw_ring_skip (rt->ring, G_MAXSIZE);

  PaError err = Pa_StartStream (self->stream);
  if (err != paNoError)
    {
      g_set_error (&local_error, LW_ERROR, LW_ERROR_IO,
                   _("The audio output could not start: %s"), Pa_GetErrorText (err));
      set_error_message (self, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      close_stream (self);
      return FALSE;
    }
  self->stream_active = TRUE;
  set_error_message (self, NULL);
  set_playing (self, TRUE);
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add (POSITION_INTERVAL_MS, tick_cb, self);
  return TRUE;
}

void
lw_playback_pause (LwPlayback *self)
{
  g_return_if_fail (LW_IS_PLAYBACK (self));

  if (!self->playing)
    return;
  atomic_store (&self->rt->req_paused, 1);
  set_playing (self, FALSE);
  /* tick_cb stops the stream once the callback has faded out. */
}

gboolean
lw_playback_get_playing (LwPlayback *self)
{
  g_return_val_if_fail (LW_IS_PLAYBACK (self), FALSE);
  return self->playing;
}

gboolean
lw_playback_get_stream_active (LwPlayback *self)
{
  g_return_val_if_fail (LW_IS_PLAYBACK (self), FALSE);
  return self->stream_active;
}

void
lw_playback_seek (LwPlayback *self,
                  double      seconds)
{
  g_return_if_fail (LW_IS_PLAYBACK (self));

  gint64 frame = seconds_to_frame (self, seconds);
  if (self->stream_active)
    atomic_store (&self->rt->req_seek, frame);
  set_position_frame (self, frame);
}

double
lw_playback_get_position (LwPlayback *self)
{
  g_return_val_if_fail (LW_IS_PLAYBACK (self), 0.);
  return self->rate > 0. ? (double) self->position / self->rate : 0.;
}

double
lw_playback_get_duration (LwPlayback *self)
{
  g_return_val_if_fail (LW_IS_PLAYBACK (self), 0.);
  return self->a != NULL ? (double) self->frames / self->rate : 0.;
}

double
lw_playback_get_sample_rate (LwPlayback *self)
{
  g_return_val_if_fail (LW_IS_PLAYBACK (self), 0.);
  return self->a != NULL ? self->rate : 0.;
}

guint
lw_playback_get_channels (LwPlayback *self)
{
  g_return_val_if_fail (LW_IS_PLAYBACK (self), 0);
  return self->a != NULL ? self->channels : 0;
}

void
lw_playback_set_loop (LwPlayback *self,
                      double      start,
                      double      end)
{
  g_return_if_fail (LW_IS_PLAYBACK (self));

  self->loop = start < end; /* FALSE for NaN */
  self->loop_start = self->loop ? start : NAN;
  self->loop_end = self->loop ? end : NAN;
  post_loop (self);
}

gboolean
lw_playback_get_loop (LwPlayback *self,
                      double     *start,
                      double     *end)
{
  g_return_val_if_fail (LW_IS_PLAYBACK (self), FALSE);

  if (start != NULL)
    *start = self->loop_start;
  if (end != NULL)
    *end = self->loop_end;
  return self->loop;
}

void
lw_playback_set_source (LwPlayback       *self,
                        LwPlaybackSource  source)
{
  g_return_if_fail (LW_IS_PLAYBACK (self));
  g_return_if_fail (source == LW_PLAYBACK_SOURCE_A || source == LW_PLAYBACK_SOURCE_B);

  if (self->source == source)
    return;
  self->source = source;
  atomic_store (&self->rt->req_source, (int) source);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOURCE]);
}

LwPlaybackSource
lw_playback_get_source (LwPlayback *self)
{
  g_return_val_if_fail (LW_IS_PLAYBACK (self), LW_PLAYBACK_SOURCE_A);
  return self->source;
}

GPtrArray *
lw_playback_list_devices (LwPlayback *self)
{
  GPtrArray *devices = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_audio_device_free);

  g_return_val_if_fail (LW_IS_PLAYBACK (self), devices);

  if (!self->pa_ok)
    return devices;
  PaDeviceIndex default_index = Pa_GetDefaultOutputDevice ();
  for (PaDeviceIndex i = 0; i < Pa_GetDeviceCount (); i++)
    {
      const PaDeviceInfo *info = Pa_GetDeviceInfo (i);
      if (info == NULL || info->maxOutputChannels <= 0)
        continue;
      const PaHostApiInfo *api = Pa_GetHostApiInfo (info->hostApi);
      LwAudioDevice *device = g_new0 (LwAudioDevice, 1);
      device->name = g_strdup (info->name);
      device->host_api = g_strdup (api != NULL ? api->name : "");
      device->max_output_channels = info->maxOutputChannels;
      device->default_sample_rate = info->defaultSampleRate;
      device->is_default = i == default_index;
      g_ptr_array_add (devices, device);
    }
  return devices;
}

void
lw_playback_set_device (LwPlayback *self,
                        const char *name)
{
  g_return_if_fail (LW_IS_PLAYBACK (self));

  if (name != NULL && name[0] == '\0')
    name = NULL;
  if (g_strcmp0 (self->device, name) == 0)
    return;
  g_free (self->device);
  self->device = g_strdup (name);

  gboolean was_playing = self->playing;
  fade_out_now (self);
  set_playing (self, FALSE);
  close_stream (self);
  update_available (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEVICE]);
  if (was_playing)
    lw_playback_play (self, NULL); /* a failure is in error-message */
}

const char *
lw_playback_get_device (LwPlayback *self)
{
  g_return_val_if_fail (LW_IS_PLAYBACK (self), NULL);
  return self->device;
}

gboolean
lw_playback_get_available (LwPlayback *self)
{
  g_return_val_if_fail (LW_IS_PLAYBACK (self), FALSE);
  return self->available;
}

const char *
lw_playback_get_error_message (LwPlayback *self)
{
  g_return_val_if_fail (LW_IS_PLAYBACK (self), NULL);
  return self->error_message;
}

gsize
lw_playback_read_output (LwPlayback *self,
                         float      *frames,
                         gsize       max_frames)
{
  g_return_val_if_fail (LW_IS_PLAYBACK (self), 0);

  if (self->rt->ring == NULL || self->channels == 0)
    return 0;
  return lw_ring_read (self->rt->ring, frames, max_frames * self->channels) / self->channels;
}

guint
lw_playback_get_crossfade_frames (LwPlayback *self)
{
  g_return_val_if_fail (LW_IS_PLAYBACK (self), 0);

  if (self->rate <= 0.)
    return 0;
  return MAX (1u, (guint) lround (self->rate * LW_PLAYBACK_CROSSFADE_MS / 1000.));
}

gint64
lw_playback_get_switch_frame (LwPlayback *self,
                              guint      *n_switches)
{
  g_return_val_if_fail (LW_IS_PLAYBACK (self), -1);

  if (n_switches != NULL)
    *n_switches = atomic_load (&self->rt->out_switches);
  return atomic_load (&self->rt->out_switch_frame);
}

guint
lw_playback_get_max_callback_frames (LwPlayback *self)
{
  g_return_val_if_fail (LW_IS_PLAYBACK (self), 0);
  return atomic_load (&self->rt->out_max_frames);
}
