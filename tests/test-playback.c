/* test-playback.c — the lock-free ring and A/B playback, played for real into ALSA's file plugin
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Before PortAudio starts, main () points HOME at a temporary directory holding an .asoundrc
 * whose default PCM is a `plug` (forcing 32-bit float, so samples pass unchanged) into a
 * `file` PCM writing raw frames to capture.raw, with the `null` PCM as its slave. alsa-lib
 * reads ~/.asoundrc through /usr/share/alsa/alsa.conf, so PortAudio's "default" ALSA device
 * is then that file. The null PCM is not paced by a clock: the callback runs as fast as the
 * CPU allows, which keeps the test short but means real-time latencies are not measured here.
 */
#include "lw-playback.h"
#include "lw-ring.h"
#include "lw-error.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static char *capture_path;   /* NULL: no temporary ALSA setup */

/* Ring */

static void
test_ring_basic (void)
{
  g_autoptr (LwRing) ring = lw_ring_new (5);
  float in[16], out[16];

  g_assert_cmpuint (lw_ring_get_capacity (ring), ==, 8);
  g_assert_null (lw_ring_new (((gsize) 1 << 30) + 1));
  for (guint i = 0; i < G_N_ELEMENTS (in); i++)
    in[i] = (float) i;

  g_assert_cmpuint (lw_ring_get_read_available (ring), ==, 0);
  g_assert_cmpuint (lw_ring_read (ring, out, 4), ==, 0);
  g_assert_cmpuint (lw_ring_write (ring, in, 6), ==, 6);
  g_assert_cmpuint (lw_ring_get_write_available (ring), ==, 2);
  /* Full: only what fits goes in. */
  g_assert_cmpuint (lw_ring_write (ring, in + 6, 5), ==, 2);
  g_assert_cmpuint (lw_ring_write (ring, in, 1), ==, 0);
  g_assert_cmpuint (lw_ring_read (ring, out, 3), ==, 3);
  g_assert_cmpfloat (out[0], ==, 0.f);
  g_assert_cmpfloat (out[2], ==, 2.f);
  /* This write wraps round the end of the storage. */
  g_assert_cmpuint (lw_ring_write (ring, in + 8, 3), ==, 3);
  g_assert_cmpuint (lw_ring_get_read_available (ring), ==, 8);
  g_assert_cmpuint (lw_ring_skip (ring, 2), ==, 2);
  g_assert_cmpuint (lw_ring_read (ring, out, 16), ==, 6);
  for (guint i = 0; i < 6; i++)
    g_assert_cmpfloat (out[i], ==, (float) (5 + i));
  g_assert_cmpuint (lw_ring_skip (ring, 2), ==, 0);
  lw_ring_add_dropped (ring, 7);
  g_assert_cmpuint (lw_ring_get_dropped (ring), ==, 7);
}

#define STRESS_COUNT (1u << 22)  /* floats hold integers exactly up to 2^24 */

static gpointer
stress_producer (gpointer data)
{
  LwRing *ring = data;
  float chunk[97];
  guint next = 0, size = 1;

  while (next < STRESS_COUNT)
    {
      guint n = MIN (size, STRESS_COUNT - next);
      for (guint i = 0; i < n; i++)
        chunk[i] = (float) (next + i);
      gsize done = 0;
      while (done < n)
        {
          gsize w = lw_ring_write (ring, chunk + done, n - done);
          if (w == 0)
            g_thread_yield ();
          done += w;
        }
      next += n;
      size = size % 97 + 1;
    }
  return NULL;
}

static void
test_ring_stress (void)
{
  g_autoptr (LwRing) ring = lw_ring_new (256);
  float chunk[61];
  guint expect = 0, size = 1, mismatches = 0;

  GThread *producer = g_thread_new ("ring-producer", stress_producer, ring);
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (expect < STRESS_COUNT && g_get_monotonic_time () < deadline)
    {
      gsize n = lw_ring_read (ring, chunk, size);
      if (n == 0)
        g_thread_yield ();
      for (gsize i = 0; i < n; i++, expect++)
        mismatches += chunk[i] != (float) expect;
      size = size % 61 + 1;
    }
  g_thread_join (producer);
  g_assert_cmpuint (expect, ==, STRESS_COUNT);
  g_assert_cmpuint (mismatches, ==, 0);
  g_assert_cmpuint (lw_ring_get_read_available (ring), ==, 0);
  g_assert_cmpuint (lw_ring_get_dropped (ring), ==, 0);
}

/* Playback helpers */

static LwTensor *
make_audio (guint   channels,
            gsize   frames,
            double  rate,
            guint32 seed)
{
  LwTensor *t = lw_tensor_new_2d (channels, frames);
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);

  t->sample_rate = rate;
  for (gsize i = 0; i < channels * frames; i++)
    t->data[i] = (float) g_rand_double_range (rand, -0.3, 0.3);
  return t;
}

static gboolean
wait_for (LwPlayback *pb,
          gboolean  (*done) (LwPlayback *pb),
          double      seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  while (!done (pb))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

static gboolean
is_stopped (LwPlayback *pb)
{
  return !lw_playback_get_playing (pb);
}

static gboolean
is_stream_stopped (LwPlayback *pb)
{
  return !lw_playback_get_stream_active (pb);
}

static gboolean
has_switched (LwPlayback *pb)
{
  guint n = 0;
  lw_playback_get_switch_frame (pb, &n);
  return n > 0;
}

static gboolean
skip_without_device (LwPlayback *pb)
{
  if (capture_path == NULL)
    {
      g_test_skip ("no temporary ALSA configuration could be written");
      return TRUE;
    }
  if (!lw_playback_get_available (pb))
    {
      g_autofree char *reason =
        g_strdup_printf ("PortAudio has no usable ALSA output here: %s",
                         lw_playback_get_error_message (pb));
      g_test_skip (reason);
      return TRUE;
    }
  return FALSE;
}

static guint notify_count;

static void
on_notify_cb (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  notify_count++;
}

/* Playback without sound: the API and the error paths */

static void
test_playback_api (void)
{
  g_autoptr (LwPlayback) pb = lw_playback_new ();
  g_autoptr (GError) error = NULL;

  g_assert_false (lw_playback_has_buffers (pb));
  g_assert_false (lw_playback_play (pb, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_FAILED);
  g_clear_error (&error);

  g_autoptr (LwTensor) a = make_audio (2, 4800, 48000., 1);
  g_autoptr (LwTensor) b = make_audio (2, 4801, 48000., 2);
  g_assert_false (lw_playback_set_buffers (pb, a, b, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_SHAPE);
  g_clear_error (&error);
  g_autoptr (LwTensor) slow = make_audio (1, 100, 4000., 3);
  g_assert_false (lw_playback_set_buffers (pb, slow, NULL, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "4000 Hz"));
  g_clear_error (&error);

  g_autoptr (LwTensor) b2 = make_audio (2, 4800, 48000., 2);
  g_assert_true (lw_playback_set_buffers (pb, a, b2, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (lw_playback_get_duration (pb), 0.1, 1e-12);
  g_assert_cmpuint (lw_playback_get_channels (pb), ==, 2);
  g_assert_cmpuint (lw_playback_get_crossfade_frames (pb), ==, 240);

  g_signal_connect (pb, "notify::position", G_CALLBACK (on_notify_cb), NULL);
  notify_count = 0;
  lw_playback_seek (pb, 0.05);
  g_assert_cmpfloat_with_epsilon (lw_playback_get_position (pb), 0.05, 1e-12);
  lw_playback_seek (pb, 0.05);
  g_assert_cmpuint (notify_count, ==, 1);
  lw_playback_seek (pb, 7.);
  g_assert_cmpfloat_with_epsilon (lw_playback_get_position (pb), 0.1, 1e-12);
  lw_playback_seek (pb, -1.);
  g_assert_cmpfloat (lw_playback_get_position (pb), ==, 0.);

  double s, e;
  lw_playback_set_loop (pb, 0.02, 0.04);
  g_assert_true (lw_playback_get_loop (pb, &s, &e));
  g_assert_cmpfloat (s, ==, 0.02);
  lw_playback_set_loop (pb, NAN, NAN);
  g_assert_false (lw_playback_get_loop (pb, NULL, NULL));

  lw_playback_set_source (pb, LW_PLAYBACK_SOURCE_B);
  LwPlaybackSource source;
  g_object_get (pb, "source", &source, NULL);
  g_assert_cmpint (source, ==, LW_PLAYBACK_SOURCE_B);

  /* Device list: every entry is an output with a name; at most one default. */
  g_autoptr (GPtrArray) devices = lw_playback_list_devices (pb);
  guint defaults = 0;
  for (guint i = 0; i < devices->len; i++)
    {
      LwAudioDevice *d = g_ptr_array_index (devices, i);
      g_assert_nonnull (d->name);
      g_assert_cmpint (d->max_output_channels, >, 0);
      defaults += d->is_default;
      g_test_message ("device %u: %s (%s, %d channels, %g Hz)%s", i, d->name, d->host_api,
                      d->max_output_channels, d->default_sample_rate,
                      d->is_default ? " default" : "");
    }
  g_assert_cmpuint (defaults, <=, 1);

  lw_playback_clear_buffers (pb);
  g_assert_false (lw_playback_has_buffers (pb));
  g_assert_cmpfloat (lw_playback_get_duration (pb), ==, 0.);
}

/* "No device": plainly reported, everything but sound keeps working */
static void
test_playback_no_device (void)
{
  g_autoptr (LwPlayback) pb = lw_playback_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (LwTensor) a = make_audio (1, 8000, 8000., 4);

  g_assert_true (lw_playback_set_buffers (pb, a, NULL, &error));
  g_signal_connect (pb, "notify::available", G_CALLBACK (on_notify_cb), NULL);
  notify_count = 0;
  gboolean had = lw_playback_get_available (pb);
  lw_playback_set_device (pb, "No Such Sound Card 9000");
  g_assert_cmpstr (lw_playback_get_device (pb), ==, "No Such Sound Card 9000");
  g_assert_false (lw_playback_get_available (pb));
  g_assert_cmpuint (notify_count, ==, had ? 1 : 0);
  const char *message = lw_playback_get_error_message (pb);
  g_assert_nonnull (message);
  g_test_message ("no-device message: %s", message);

  g_assert_false (lw_playback_play (pb, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_IO);
  g_assert_false (lw_playback_get_playing (pb));
  lw_playback_seek (pb, 0.5);
  lw_playback_set_source (pb, LW_PLAYBACK_SOURCE_B);
  g_assert_cmpfloat (lw_playback_get_position (pb), ==, 0.5);

  lw_playback_set_device (pb, NULL);
  g_assert_null (lw_playback_get_device (pb));
  g_assert_true (lw_playback_get_available (pb) == had);
}

/* Plays to the end of the buffer without a loop: playback stops there by itself. */
static void
test_playback_end (void)
{
  g_autoptr (LwPlayback) pb = lw_playback_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (LwTensor) a = make_audio (1, 44100, 44100., 5);

  if (skip_without_device (pb))
    return;
  g_assert_true (lw_playback_set_buffers (pb, a, NULL, &error));
  lw_playback_seek (pb, 0.9);
  g_assert_true (lw_playback_play (pb, &error));
  g_assert_no_error (error);
  g_assert_true (lw_playback_get_playing (pb));
  g_assert_true (wait_for (pb, is_stopped, 10.));
  g_assert_cmpfloat (lw_playback_get_position (pb), ==, 1.0);
  /* Playing again at the end starts over. */
  g_assert_true (lw_playback_play (pb, &error));
  g_assert_cmpfloat (lw_playback_get_position (pb), <, 0.5);
  /* New buffers while playing (the page's re-encode): playback goes on. */
  g_autoptr (LwTensor) b = make_audio (1, 44100, 44100., 6);
  g_assert_true (lw_playback_set_buffers (pb, a, b, &error));
  g_assert_no_error (error);
  g_assert_true (lw_playback_get_playing (pb));
  g_assert_true (lw_playback_get_stream_active (pb));
  g_assert_null (lw_playback_get_error_message (pb));
  lw_playback_pause (pb);
  g_assert_false (lw_playback_get_playing (pb));
  g_assert_true (wait_for (pb, is_stream_stopped, 10.));
}

/* The real check: play into the file, then walk a model of what should have been played */

#define RATE   44100.
#define LS     ((gint64) 4410)          /* loop [LS, LE): 0.1 s to 0.6 s */
#define LE     ((gint64) (4410 + 22050))
#define MARKER (LS + 1000)             /* after the 221-frame fade-in */

static float
sample (const LwTensor *t,
        guint           c,
        gint64          frame)
{
  return frame < (gint64) t->shape[1] ? t->data[c * t->shape[1] + frame] : 0.f;
}

static gint64
next_frame (gint64 f)
{
  return f + 1 >= LE ? LS : f + 1;
}

/* Frames of the capture equal to `want` within a float rounding's worth */
static gboolean
frame_is (const float *got,
          const float *want,
          guint        channels)
{
  for (guint c = 0; c < channels; c++)
    if (fabsf (got[c] - want[c]) > 1e-6f)
      return FALSE;
  return TRUE;
}

static gboolean
is_past_marker (LwPlayback *pb)
{
  return lw_playback_get_position (pb) * RATE > MARKER + 1;
}

typedef struct
{
  char   *bytes;
  float  *cap;          /* interleaved captured frames */
  gsize   n_cap;
  gsize   o0;           /* capture frame of the first callback's first frame */
  float  *drained;      /* what lw_playback_read_output gave */
  gsize   n_drained;
  guint   fade_len;
  /* found by the walk */
  gsize   change_at;    /* capture frame where the crossfade began */
  gint64  change_from;  /* source frame the old voice was at */
  gsize   new_frames;   /* frames of the new voice at full level after the crossfade */
  gsize   fade_out_at;
  gsize   silence;
} Capture;

static void
capture_clear (Capture *c)
{
  g_free (c->bytes);
  g_free (c->drained);
}

/* Plays A from LS with the loop on, waits for the marker, calls `change`, lets it play 20 ms
 * more, pauses, waits for the stream to stop and reads the file back. */
static gboolean
run_capture (LwPlayback  *pb,
             const LwTensor *a,
             const LwTensor *b,
             void       (*change) (LwPlayback *pb),
             Capture     *out)
{
  g_autoptr (GError) error = NULL;
  const guint C = (guint) a->shape[0];

  g_assert_true (lw_playback_set_buffers (pb, a, b, &error));
  g_assert_no_error (error);
  out->fade_len = lw_playback_get_crossfade_frames (pb);
  lw_playback_set_loop (pb, LS / RATE, LE / RATE);
  lw_playback_seek (pb, LS / RATE);
  unlink (capture_path);

  g_assert_true (lw_playback_play (pb, &error));
  g_assert_no_error (error);
  g_assert_true (wait_for (pb, is_past_marker, 10.));
  change (pb);
  g_usleep (20000);
  lw_playback_pause (pb);
  g_assert_false (lw_playback_get_playing (pb));
  /* The position tick stops the stream once the callback has faded out. */
  g_assert_true (wait_for (pb, is_stream_stopped, 10.));
  g_test_message ("callback buffers up to %u frames; crossfade %u frames (%.2f ms)",
                  lw_playback_get_max_callback_frames (pb), out->fade_len,
                  out->fade_len * 1000. / RATE);

  /* What the UI would have drained: the first frames played, the rest dropped. */
  out->drained = g_new (float, (gsize) RATE * C);
  out->n_drained = lw_playback_read_output (pb, out->drained, (gsize) RATE);

  /* Closing the PCM flushes the file: the stream is closed with the buffers. */
  lw_playback_clear_buffers (pb);

  g_assert_true (g_file_get_contents (capture_path, &out->bytes, &out->n_cap, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (out->n_cap % (C * sizeof (float)), ==, 0);
  out->cap = (float *) out->bytes;
  out->n_cap /= C * sizeof (float);
  g_test_message ("captured %" G_GSIZE_FORMAT " frames (%.2f s of audio)", out->n_cap,
                  out->n_cap / RATE);

  /* Align on the first marker; before the first callback's output, the device's priming. */
  gsize om = 0;
  while (om < out->n_cap && !(out->cap[om * C] > 0.9f && out->cap[om * C + 1] < -0.9f))
    om++;
  g_assert_cmpuint (om, <, out->n_cap);
  g_assert_cmpuint (om, >=, (gsize) (MARKER - LS));
  out->o0 = om - (gsize) (MARKER - LS);
  for (gsize k = 0; k < out->o0 * C; k++)
    g_assert_cmpfloat (out->cap[k], ==, 0.f);
  g_test_message ("alignment: %" G_GSIZE_FORMAT " frames of silence before the first "
                  "callback's output", out->o0);
  return TRUE;
}

/* Walks the capture from o0: fade-in on A from LS, A looping; at the first frame that differs,
 * a linear crossfade to `to` at frame `to_frame` (−1: the frame A was at); then `to` looping,
 * and the pause's fade-out; then silence to the end. Fails at the first frame that fits none. */
static void
walk_capture (Capture        *w,
              const LwTensor *a,
              const LwTensor *to,
              gint64          to_frame)
{
  const guint C = (guint) a->shape[0];
  const guint N = w->fade_len;
  const float ramp = 1.f / (float) N;
  const LwTensor *src = a;
  float master = 0.f, want[8];
  gint64 f = LS, old = -1;
  guint fade_left = 0, fade_k = 0;
  gboolean changed = FALSE, fading_out = FALSE;
  gsize k;

  for (k = w->o0; k < w->n_cap; k++)
    {
      const float *got = w->cap + k * C;

      if (fade_left > 0)
        {
          const float g = (float) (fade_k + 1) / (float) (N + 1);
          for (guint c = 0; c < C; c++)
            want[c] = (g * sample (to, c, f) + (1.f - g) * sample (a, c, old)) * master;
        }
      else
        for (guint c = 0; c < C; c++)
          want[c] = sample (src, c, f) * master;

      if (!frame_is (got, want, C))
        {
          if (!changed && master == 1.f)
            {
              /* The change: from here on, a crossfade from A to the new voice. */
              changed = TRUE;
              w->change_at = k;
              w->change_from = f;
              old = f;
              f = to_frame >= 0 ? to_frame : f;
              src = to;
              fade_left = N;
              fade_k = 0;
              k--;
              continue;
            }
          if (changed && fade_left == 0 && !fading_out && master == 1.f && w->new_frames > 0)
            {
              /* The pause, seen at a buffer's start: its first frame was still at full level. */
              fading_out = TRUE;
              w->fade_out_at = k;
              master = MAX (master - ramp, 0.f);
              k--;
              continue;
            }
          g_error ("capture frame %" G_GSIZE_FORMAT " (source frame %" G_GINT64_FORMAT
                   ", %s): got (%g, %g), expected (%g, %g)", k, f, changed ? "after" : "before",
                   got[0], got[1], want[0], want[1]);
        }
      if (fading_out && master == 0.f)
        break;

      if (fade_left > 0)
        {
          old = next_frame (old);
          fade_left--;
          fade_k++;
        }
      else if (changed && !fading_out)
        w->new_frames++;
      if (fading_out)
        master = MAX (master - ramp, 0.f);
      else if (master < 1.f)
        master = MIN (master + ramp, 1.f);
      f = next_frame (f);
    }
  g_assert_true (changed);
  g_assert_true (fading_out);
  g_assert_cmpuint (fade_left, ==, 0);
  g_assert_cmpuint (w->new_frames, >=, N);
  for (w->silence = 0; k < w->n_cap; k++, w->silence++)
    for (guint c = 0; c < C; c++)
      g_assert_cmpfloat (w->cap[k * C + c], ==, 0.f);
  g_test_message ("crossfade at capture frame %" G_GSIZE_FORMAT " from source frame %"
                  G_GINT64_FORMAT ", %" G_GSIZE_FORMAT " frames after it, fade-out at %"
                  G_GSIZE_FORMAT ", then %" G_GSIZE_FORMAT " frames of silence", w->change_at,
                  w->change_from, w->new_frames, w->fade_out_at, w->silence);

  /* The meter ring saw the same frames, starting with the first callback's. */
  g_test_message ("ring drained %" G_GSIZE_FORMAT " frames", w->n_drained);
  g_assert_cmpuint (w->n_drained, >, 0);
  g_assert_cmpuint (w->o0 + w->n_drained, <=, w->n_cap);
  g_assert_cmpint (memcmp (w->drained, w->cap + w->o0 * C, w->n_drained * C * sizeof (float)),
                   ==, 0);
}

/* A and B: different noise (|x| ≤ 0.3), 2 s of stereo; A carries a marker (+0.95, −0.95). */
static void
make_ab (LwTensor **a,
         LwTensor **b)
{
  const gsize T = 88200;

  *a = make_audio (2, T, RATE, 11);
  *b = make_audio (2, T, RATE, 12);
  (*a)->data[MARKER] = 0.95f;
  (*a)->data[T + MARKER] = -0.95f;
}

static void
switch_to_b (LwPlayback *pb)
{
  lw_playback_set_source (pb, LW_PLAYBACK_SOURCE_B);
  g_assert_true (wait_for (pb, has_switched, 10.));
}

static void
test_playback_capture_ab (void)
{
  g_autoptr (LwPlayback) pb = lw_playback_new ();
  g_autoptr (LwTensor) a = NULL;
  g_autoptr (LwTensor) b = NULL;
  Capture w = { 0 };

  if (skip_without_device (pb))
    return;
  make_ab (&a, &b);
  run_capture (pb, a, b, switch_to_b, &w);
  g_assert_cmpuint (w.fade_len, ==, 221);

  /* The switch, at the frame the callback reports, wherever the playhead was. */
  guint n_switches = 0;
  gint64 p = lw_playback_get_switch_frame (pb, &n_switches);
  g_assert_cmpuint (n_switches, ==, 1);
  g_assert_cmpint (p, >=, LS);
  g_assert_cmpint (p, <, LE);
  walk_capture (&w, a, b, -1);
  g_assert_cmpint (w.change_from, ==, p);
  capture_clear (&w);
}

/* The page re-encodes while B plays: the new B takes over at the playhead with a crossfade
 * from the old B, the stream never stops (no fade-out, no gap) */
static LwTensor *replace_a, *replace_b2;

static void
replace_b (LwPlayback *pb)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (lw_playback_set_buffers (pb, replace_a, replace_b2, &error));
  g_assert_no_error (error);
  g_assert_true (lw_playback_get_playing (pb));
  g_assert_true (lw_playback_get_stream_active (pb));
}

static void
test_playback_capture_replace_b (void)
{
  g_autoptr (LwPlayback) pb = lw_playback_new ();
  g_autoptr (LwTensor) a = NULL;
  g_autoptr (LwTensor) b = NULL;
  g_autoptr (LwTensor) b1 = NULL;
  Capture w = { 0 };

  if (skip_without_device (pb))
    return;
  make_ab (&a, &b);
  /* B plays first and carries A's marker (B1 = A's samples), then B2 = other noise arrives */
  b1 = lw_tensor_copy (a);
  replace_a = a;
  replace_b2 = b;
  lw_playback_set_source (pb, LW_PLAYBACK_SOURCE_B);
  run_capture (pb, a, b1, replace_b, &w);
  /* B1 holds A's samples, so the walk's "A" is what played first */
  walk_capture (&w, a, b, -1);
  /* The replacement came after the marker had played. Counted in the capture, not in the
   * source: on a loaded machine (sanitizers, other jobs) the loop can wrap before the change,
   * and the source frame is then back near LS (seen once in CI: 4445). */
  g_assert_cmpuint (w.change_at, >=, w.o0 + (gsize) (MARKER - LS));
  g_assert_cmpint (w.change_from, >=, LS);
  g_assert_cmpint (w.change_from, <, LE);
  replace_a = replace_b2 = NULL;
  capture_clear (&w);
}

#define SEEK_TO (LS + 15000)

static void
seek_in_region (LwPlayback *pb)
{
  lw_playback_seek (pb, SEEK_TO / RATE);
  /* The main thread's position is the target at once, not the callback's stale one. */
  g_assert_cmpfloat (lw_playback_get_position (pb), ==, SEEK_TO / RATE);
}

static void
test_playback_capture_seek (void)
{
  g_autoptr (LwPlayback) pb = lw_playback_new ();
  g_autoptr (LwTensor) a = NULL;
  g_autoptr (LwTensor) b = NULL;
  Capture w = { 0 };

  if (skip_without_device (pb))
    return;
  make_ab (&a, &b);
  run_capture (pb, a, b, seek_in_region, &w);
  walk_capture (&w, a, a, SEEK_TO);
  guint n_switches = 0;
  lw_playback_get_switch_frame (pb, &n_switches);
  g_assert_cmpuint (n_switches, ==, 0);
  capture_clear (&w);
}

/* Writes $HOME/.asoundrc (HOME a new temporary directory) before anything starts ALSA. */
static void
setup_alsa (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *home = g_dir_make_tmp ("lw-playback-XXXXXX", &error);

  if (home == NULL)
    {
      g_printerr ("# no temporary directory: %s\n", error->message);
      return;
    }
  capture_path = g_build_filename (home, "capture.raw", NULL);
  g_autofree char *rc = g_strdup_printf (
    "pcm.!default {\n"
    "  type plug\n"
    "  slave { pcm \"lwcapture\"; format FLOAT_LE }\n"
    "}\n"
    "pcm.lwcapture {\n"
    "  type file\n"
    "  slave.pcm \"null\"\n"
    "  file \"%s\"\n"
    "  format \"raw\"\n"
    "}\n", capture_path);
  g_autofree char *rc_path = g_build_filename (home, ".asoundrc", NULL);
  if (!g_file_set_contents (rc_path, rc, -1, &error))
    {
      g_printerr ("# cannot write %s: %s\n", rc_path, error->message);
      g_clear_pointer (&capture_path, g_free);
      return;
    }
  g_setenv ("HOME", home, TRUE);
  /* alsa.conf also reads $XDG_CONFIG_HOME/alsa/asoundrc, and ALSA_CONFIG_PATH replaces
   * alsa.conf itself: neither may override the file above. */
  g_setenv ("XDG_CONFIG_HOME", home, TRUE);
  g_unsetenv ("ALSA_CONFIG_PATH");
  /* PortAudio would also probe a JACK server. */
  g_setenv ("JACK_NO_START_SERVER", "1", TRUE);
}

static void
cleanup_alsa (void)
{
  if (capture_path == NULL)
    return;
  g_autofree char *home = g_path_get_dirname (capture_path);
  g_autofree char *rc_path = g_build_filename (home, ".asoundrc", NULL);
  unlink (capture_path);
  unlink (rc_path);
  rmdir (home);
  g_clear_pointer (&capture_path, g_free);
}

int
main (int   argc,
      char *argv[])
{
  setup_alsa ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ring/basic", test_ring_basic);
  g_test_add_func ("/ring/two-thread-stress", test_ring_stress);
  g_test_add_func ("/playback/api", test_playback_api);
  g_test_add_func ("/playback/no-device", test_playback_no_device);
  g_test_add_func ("/playback/end-of-buffer", test_playback_end);
  g_test_add_func ("/playback/capture-ab", test_playback_capture_ab);
  g_test_add_func ("/playback/capture-seek", test_playback_capture_seek);
  g_test_add_func ("/playback/capture-replace-b", test_playback_capture_replace_b);

  int status = g_test_run ();
  cleanup_alsa ();
  return status;
}
