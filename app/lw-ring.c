/* lw-ring.c — lock-free single-producer/single-consumer ring buffer of floats
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-ring"

#include "lw-ring.h"

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#define LW_RING_MAX_CAPACITY ((gsize) 1 << 30)

struct _LwRing
{
  /* Written by the producer only; read by both. Kept on its own cache line so the two threads
   * do not bounce one line between cores on every call. */
  _Alignas (64) _Atomic uint64_t write_pos;
  _Alignas (64) _Atomic uint64_t read_pos;   /* written by the consumer only */
  _Alignas (64) _Atomic uint64_t dropped;
  gsize  capacity;
  gsize  mask;
  float *data;
};

LwRing *
lw_ring_new (gsize min_capacity)
{
  gsize capacity = 2;

  if (min_capacity > LW_RING_MAX_CAPACITY)
    return NULL;
  while (capacity < min_capacity)
    capacity <<= 1;

  LwRing *ring = g_aligned_alloc0 (1, sizeof (LwRing), 64);
  ring->capacity = capacity;
  ring->mask = capacity - 1;
  ring->data = g_new0 (float, capacity);
  atomic_init (&ring->write_pos, 0);
  atomic_init (&ring->read_pos, 0);
  atomic_init (&ring->dropped, 0);
  return ring;
}

void
lw_ring_free (LwRing *ring)
{
  if (ring == NULL)
    return;
  g_free (ring->data);
  g_aligned_free (ring);
}

gsize
lw_ring_get_capacity (const LwRing *ring)
{
  return ring->capacity;
}

gsize
lw_ring_get_write_available (const LwRing *ring)
{
  /* Our own position needs no ordering; the consumer's needs acquire so that its reads of the
   * slots it released happen before we overwrite them. */
  uint64_t w = atomic_load_explicit (&((LwRing *) ring)->write_pos, memory_order_relaxed);
  uint64_t r = atomic_load_explicit (&((LwRing *) ring)->read_pos, memory_order_acquire);
  return ring->capacity - (gsize) (w - r);
}

gsize
lw_ring_get_read_available (const LwRing *ring)
{
  uint64_t r = atomic_load_explicit (&((LwRing *) ring)->read_pos, memory_order_relaxed);
  uint64_t w = atomic_load_explicit (&((LwRing *) ring)->write_pos, memory_order_acquire);
  return (gsize) (w - r);
}

gsize
lw_ring_write (LwRing      *ring,
               const float *data,
               gsize        n)
{
  uint64_t w = atomic_load_explicit (&ring->write_pos, memory_order_relaxed);
  uint64_t r = atomic_load_explicit (&ring->read_pos, memory_order_acquire);
  gsize space = ring->capacity - (gsize) (w - r);
  gsize count = MIN (n, space);

  if (count == 0)
    return 0;

  gsize at = (gsize) w & ring->mask;
  gsize first = MIN (count, ring->capacity - at);
  memcpy (ring->data + at, data, first * sizeof (float));
  if (count > first)
    memcpy (ring->data, data + first, (count - first) * sizeof (float));

  /* Release: the consumer that sees the new position also sees the floats written above. */
  atomic_store_explicit (&ring->write_pos, w + count, memory_order_release);
  return count;
}

void
lw_ring_add_dropped (LwRing *ring,
                     gsize   n)
{
  atomic_fetch_add_explicit (&ring->dropped, n, memory_order_relaxed);
}

gsize
lw_ring_read (LwRing *ring,
              float  *out,
              gsize   n)
{
  uint64_t r = atomic_load_explicit (&ring->read_pos, memory_order_relaxed);
  uint64_t w = atomic_load_explicit (&ring->write_pos, memory_order_acquire);
  gsize count = MIN (n, (gsize) (w - r));

  if (count == 0)
    return 0;

  gsize at = (gsize) r & ring->mask;
  gsize first = MIN (count, ring->capacity - at);
  memcpy (out, ring->data + at, first * sizeof (float));
  if (count > first)
    memcpy (out + first, ring->data, (count - first) * sizeof (float));

  /* Release: our copies above complete before the producer may reuse these slots. */
  atomic_store_explicit (&ring->read_pos, r + count, memory_order_release);
  return count;
}

gsize
lw_ring_skip (LwRing *ring,
              gsize   n)
{
  uint64_t r = atomic_load_explicit (&ring->read_pos, memory_order_relaxed);
  uint64_t w = atomic_load_explicit (&ring->write_pos, memory_order_acquire);
  gsize count = MIN (n, (gsize) (w - r));

  atomic_store_explicit (&ring->read_pos, r + count, memory_order_release);
  return count;
}

guint64
lw_ring_get_dropped (const LwRing *ring)
{
  return atomic_load_explicit (&((LwRing *) ring)->dropped, memory_order_relaxed);
}
