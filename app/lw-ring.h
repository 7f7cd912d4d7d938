/* lw-ring.h — lock-free single-producer/single-consumer ring buffer of floats
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One thread writes (the audio callback), one other thread reads (the UI). Neither side ever
 * blocks, locks or allocates after lw_ring_new (): the write and read positions are C11
 * atomics, and the capacity is a power of two so that positions wrap with a mask. The
 * positions count floats from the start and are never reset, so "full" and "empty" are told
 * apart without wasting a slot (64-bit counters do not wrap in practice).
 *
 * When the ring is full the writer drops what does not fit (a real-time thread must not wait
 * for the UI) and counts it in lw_ring_get_dropped ().
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _LwRing LwRing;

/* Capacity: `min_capacity` rounded up to a power of two (at least 2, at most 2^30 floats).
 * Returns NULL if that is above the limit. */
LwRing *lw_ring_new                 (gsize min_capacity);
void    lw_ring_free                (LwRing *ring);
gsize   lw_ring_get_capacity        (const LwRing *ring);

/* Producer side. Writes min (n, free space) floats and returns how many. */
gsize   lw_ring_write               (LwRing      *ring,
                                     const float *data,
                                     gsize        n);
/* Producer side: free space in floats (may grow meanwhile as the consumer reads). */
gsize   lw_ring_get_write_available (const LwRing *ring);
/* Producer side: counts floats that did not fit, for lw_ring_get_dropped (). */
void    lw_ring_add_dropped         (LwRing *ring,
                                     gsize   n);

/* Consumer side. Reads min (n, available) floats into `out` and returns how many. */
gsize   lw_ring_read                (LwRing *ring,
                                     float  *out,
                                     gsize   n);
/* Consumer side: floats waiting (may grow meanwhile as the producer writes). */
gsize   lw_ring_get_read_available  (const LwRing *ring);
/* Consumer side: drops up to n waiting floats without copying them; returns how many. */
gsize   lw_ring_skip                (LwRing *ring,
                                     gsize   n);

/* Any thread: floats the producer dropped because the ring was full, since creation. */
guint64 lw_ring_get_dropped         (const LwRing *ring);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwRing, lw_ring_free)

G_END_DECLS
