/* lw-playback-private.h — state shared by LwPlayback and its PortAudio callback
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * See lw-playback.c for who writes what and when.
 */
#pragma once

#include <glib.h>
#include <portaudio.h>
#include <stdatomic.h>
#include <stdint.h>

#include "lw-ring.h"

G_BEGIN_DECLS

#define LW_PLAYBACK_NO_SEEK ((int64_t) -1)

typedef struct
{
  /* Set by the main thread while no stream runs; read-only for the callback. */
  const float *src[2];       /* planar C×T */
  guint        channels;
  gint64       frames;
  guint        fade_len;
  LwRing      *ring;

  /* The callback's own state (initialised by the main thread before each start). */
  gint64   pos;
  int      source;
  gint64       old_pos;      /* the voice fading out */
  const float *old_buf;      /* and the buffer it reads */
  unsigned     b_gen;        /* generation of src[1] */
  guint    fade_left;
  float    master;           /* output gain, ramps for start and pause */
  gboolean ended;

  /* Main thread → callback */
  _Atomic int      req_source;
  _Atomic int64_t  req_seek;
  _Atomic uint64_t req_loop;
  _Atomic int      req_paused;
  /* A new B while running: the buffer, then its generation (release); see lw-playback.c */
  const float *_Atomic req_b;
  _Atomic unsigned req_b_gen;

  /* Callback → main thread */
  _Atomic int64_t  out_pos;
  _Atomic int      out_idle;
  _Atomic int      out_ended;
  _Atomic int64_t  out_switch_frame;
  _Atomic unsigned out_switches;
  _Atomic unsigned out_max_frames;
  _Atomic unsigned out_b_ack;  /* no B older than this generation is read any more */
} LwPlaybackRt;

/* The PortAudio stream callback; user_data is the LwPlaybackRt. */
int _lw_playback_stream_cb (const void                      *input,
                            void                            *output,
                            unsigned long                    n_frames,
                            const PaStreamCallbackTimeInfo  *time_info,
                            PaStreamCallbackFlags            status,
                            void                            *user_data);

G_END_DECLS
