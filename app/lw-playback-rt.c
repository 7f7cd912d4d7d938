/* lw-playback-rt.c — LwPlayback's PortAudio callback: everything here runs on the audio thread
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No allocation, no lock, no logging, no I/O: the callback reads buffers the main thread
 * prepared before the stream started, takes requests from atomics, mixes, and publishes its
 * playhead through atomics and what it played through the lock-free ring (lw-playback.c
 * describes the protocol and the crossfades).
 */
#define G_LOG_DOMAIN "lw-playback"

#include "lw-playback-private.h"

static inline void
step_voice (gint64   *pos,
            gboolean  loop,
            gint64    loop_start,
            gint64    loop_end)
{
  *pos += 1;
  if (loop && *pos >= loop_end)
    *pos = loop_start;
}

int
_lw_playback_stream_cb (const void                      *input,
                        void                            *output,
                        unsigned long                    n_frames,
                        const PaStreamCallbackTimeInfo  *time_info,
                        PaStreamCallbackFlags            status,
                        void                            *user_data)
{
  LwPlaybackRt *rt = user_data;
  float *out = output;
  const guint C = rt->channels;
  const gint64 T = rt->frames;
  const uint64_t packed = atomic_load_explicit (&rt->req_loop, memory_order_relaxed);
  const gboolean loop = packed != 0;
  const gint64 loop_start = (gint64) (packed >> 32);
  const gint64 loop_end = (gint64) (packed & 0xffffffffu);
  const gboolean paused = atomic_load_explicit (&rt->req_paused, memory_order_relaxed);
  const float target = paused ? 0.f : 1.f;
  const float ramp = 1.f / (float) rt->fade_len;
  float master = rt->master;

  (void) input;
  (void) time_info;
  (void) status;

  if (rt->fade_left == 0)
    {
      /* A new B (the page re-encoded): crossfade from the old B to the new one at the same
       * frame when B is sounding, else just take it. After the fade the old one is free. */
      unsigned gen = atomic_load_explicit (&rt->req_b_gen, memory_order_acquire);
      if (gen != rt->b_gen)
        {
          const float *nb = atomic_load_explicit (&rt->req_b, memory_order_relaxed);
          if (rt->source == 1 && master > 0.f && !rt->ended)
            {
              rt->old_pos = rt->pos;
              rt->old_buf = rt->src[1];
              rt->fade_left = rt->fade_len;
            }
          rt->src[1] = nb;
          rt->b_gen = gen;
        }
    }
  if (rt->fade_left == 0)
    {
      int64_t seek = atomic_exchange_explicit (&rt->req_seek, LW_PLAYBACK_NO_SEEK, memory_order_relaxed);
      int want = atomic_load_explicit (&rt->req_source, memory_order_relaxed);

      if (seek != LW_PLAYBACK_NO_SEEK || want != rt->source)
        {
          gint64 to = seek != LW_PLAYBACK_NO_SEEK ? seek : rt->pos;

          if (master > 0.f && !rt->ended)
            {
              rt->old_pos = rt->pos;
              rt->old_buf = rt->src[rt->source];
              rt->fade_left = rt->fade_len;
            }
          if (want != rt->source)
            {
              atomic_store_explicit (&rt->out_switch_frame, to, memory_order_relaxed);
              atomic_fetch_add_explicit (&rt->out_switches, 1, memory_order_relaxed);
            }
          rt->pos = to;
          rt->source = want;
          rt->ended = FALSE;
        }
    }
  if (loop && rt->pos >= loop_end)
    rt->pos = loop_start;
  if (rt->pos >= T)
    {
      /* A seek to the very end: nothing left to read. */
      rt->ended = TRUE;
      rt->pos = T;
      master = 0.f;
    }

  for (unsigned long f = 0; f < n_frames; f++)
    {
      float *o = out + f * C;

      if (rt->ended || (paused && master == 0.f))
        {
          for (guint c = 0; c < C; c++)
            o[c] = 0.f;
          continue;
        }

      const float *s = rt->src[rt->source] + rt->pos;
      if (rt->fade_left > 0)
        {
          const guint k = rt->fade_len - rt->fade_left;
          const float g = (float) (k + 1) / (float) (rt->fade_len + 1);
          const gboolean old_ok = rt->old_pos < T;
          const float *so = rt->old_buf + (old_ok ? rt->old_pos : 0);

          for (guint c = 0; c < C; c++)
            {
              float was = old_ok ? so[c * T] : 0.f;
              o[c] = (g * s[c * T] + (1.f - g) * was) * master;
            }
          step_voice (&rt->old_pos, loop, loop_start, loop_end);
          rt->fade_left--;
        }
      else
        {
          for (guint c = 0; c < C; c++)
            o[c] = s[c * T] * master;
        }

      if (master != target)
        master = target > master ? MIN (master + ramp, 1.f) : MAX (master - ramp, 0.f);

      step_voice (&rt->pos, loop, loop_start, loop_end);
      if (rt->pos >= T)
        {
          rt->ended = TRUE;
          rt->pos = T;
          master = 0.f;
        }
    }
  rt->master = master;

  atomic_store_explicit (&rt->out_pos, rt->pos, memory_order_relaxed);
  if (rt->fade_left == 0)
    atomic_store_explicit (&rt->out_b_ack, rt->b_gen, memory_order_release);
  atomic_store_explicit (&rt->out_ended, rt->ended, memory_order_relaxed);
  atomic_store_explicit (&rt->out_idle, rt->ended || (paused && master == 0.f),
                         memory_order_relaxed);
  if (n_frames > atomic_load_explicit (&rt->out_max_frames, memory_order_relaxed))
    atomic_store_explicit (&rt->out_max_frames, (unsigned) n_frames, memory_order_relaxed);

  if (rt->ring != NULL)
    {
      gsize want = n_frames * C;
      gsize space = lw_ring_get_write_available (rt->ring) / C * C;
      gsize written = lw_ring_write (rt->ring, out, MIN (want, space));
      if (written < want)
        lw_ring_add_dropped (rt->ring, want - written);
    }
  return paContinue;
}
