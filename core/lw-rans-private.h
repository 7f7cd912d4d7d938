/* lw-rans-private.h — inline rANS primitives shared by lw-rans.c and lw-latent-coder.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * State x lives in [LW_RANS_L, 2^31) between symbols; renormalisation moves one byte at a time.
 * The encoder runs backwards and appends bytes to a growable buffer; the finished stream is
 * that buffer reversed, so the decoder reads forward: 4 bytes of initial state (big-endian),
 * then one byte per renormalisation step.
 *
 * Why these bounds hold: with freq ≤ 2^PROB_BITS and x < 2^31, decoding gives
 * freq·(x >> PROB_BITS) + (slot − start) < freq·((x >> PROB_BITS) + 1) ≤ 2^31, and
 * x ≥ 2^23 gives a result ≥ 2^8, so at most two renormalisation bytes follow and nothing
 * overflows even when the bytes are hostile.
 */
#pragma once

#include <glib.h>
#include <string.h>

#include "lw-rans.h"

#define LW_RANS_L         (1u << 23)
#define LW_RANS_PROB_MASK (LW_RANS_PROB_SCALE - 1)

/* Growable output for the (backwards running) encoder */
typedef struct
{
  guint8 *buf;
  gsize   len;
  gsize   cap;
} LwRansOut;

static inline void
_lw_rans_out_grow (LwRansOut *out, gsize extra)
{
  if (out->len + extra <= out->cap)
    return;
  gsize cap = MAX (out->cap * 2, out->len + extra + 256);
  out->buf = g_realloc (out->buf, cap);
  out->cap = cap;
}

static inline void
_lw_rans_enc_put (guint32 *x, LwRansOut *out, guint32 start, guint32 freq)
{
  guint32 x_max = ((LW_RANS_L >> LW_RANS_PROB_BITS) << 8) * freq;
  guint32 v = *x;
  if (G_UNLIKELY (out->len + 4 > out->cap))
    _lw_rans_out_grow (out, 4);
  while (v >= x_max)
    {
      out->buf[out->len++] = (guint8) (v & 0xff);
      v >>= 8;
    }
  *x = ((v / freq) << LW_RANS_PROB_BITS) + (v % freq) + start;
}

/* Appends the final state; the stream is then out->buf reversed */
static inline void
_lw_rans_enc_flush (guint32 x, LwRansOut *out)
{
  _lw_rans_out_grow (out, 4);
  for (int i = 0; i < 4; i++)
    {
      out->buf[out->len++] = (guint8) (x & 0xff);
      x >>= 8;
    }
}

static inline void
_lw_rans_out_reverse (guint8 *buf, gsize len)
{
  for (gsize i = 0, j = len; i + 1 < j; i++, j--)
    {
      guint8 t = buf[i];
      buf[i] = buf[j - 1];
      buf[j - 1] = t;
    }
}

typedef struct
{
  guint32       x;
  const guint8 *p;
  const guint8 *end;
  gboolean      overrun; /* ran out of bytes: zeros were shifted in, the caller reports it */
} LwRansDec;

/* FALSE if fewer than 4 bytes or the initial state is outside [L, 2^31) */
static inline gboolean
_lw_rans_dec_init (LwRansDec *d, const guint8 *data, gsize len)
{
  memset (d, 0, sizeof *d);
  if (len < 4)
    return FALSE;
  d->x = ((guint32) data[0] << 24) | ((guint32) data[1] << 16) | ((guint32) data[2] << 8) | data[3];
  d->p = data + 4;
  d->end = data + len;
  return d->x >= LW_RANS_L && d->x < (1u << 31);
}

static inline guint32
_lw_rans_dec_slot (const LwRansDec *d)
{
  return d->x & LW_RANS_PROB_MASK;
}

/* The caller guarantees start ≤ slot < start + freq. Then x ≥ 2^8 after the step, so at
 * most two bytes follow. Past the end, zeros are shifted in and `overrun` is set. (A
 * branch-free variant measured ~10 % slower here.) */
static inline void
_lw_rans_dec_advance (LwRansDec *d, guint32 start, guint32 freq)
{
  guint32 x = freq * (d->x >> LW_RANS_PROB_BITS) + (d->x & LW_RANS_PROB_MASK) - start;
  while (x < LW_RANS_L)
    {
      if (G_LIKELY (d->p < d->end))
        x = (x << 8) | *d->p++;
      else
        {
          d->overrun = TRUE;
          x <<= 8;
        }
    }
  d->x = x;
}

/* The same step for a stream that is followed by at least 2 readable padding bytes: the
 * number of renormalisation bytes (0, 1 or 2, see above) is computed instead of branched on,
 * which saves the mispredictions of a data-dependent branch. Reading past `end` takes the
 * padding; the caller checks `p > end` often enough that the padding is never exceeded. */
static inline void
_lw_rans_dec_advance_padded (LwRansDec *d, guint32 start, guint32 freq)
{
  guint32 x = freq * (d->x >> LW_RANS_PROB_BITS) + (d->x & LW_RANS_PROB_MASK) - start;
  guint n = (x < LW_RANS_L) + (x < (LW_RANS_L >> 8));
  guint32 next = ((guint32) d->p[0] << 8) | d->p[1];
  d->x = (x << (8 * n)) | (next >> (16 - 8 * n));
  d->p += n;
}

static inline guint32
_lw_rans_dec_get_bits_padded (LwRansDec *d, guint nbits)
{
  guint shift = LW_RANS_PROB_BITS - nbits;
  guint32 v = _lw_rans_dec_slot (d) >> shift;
  _lw_rans_dec_advance_padded (d, v << shift, 1u << shift);
  return v;
}

/* Raw bits (nbits ≤ PROB_BITS) through the same state: a uniform symbol of 2^nbits values */
static inline void
_lw_rans_enc_put_bits (guint32 *x, LwRansOut *out, guint32 value, guint nbits)
{
  guint shift = LW_RANS_PROB_BITS - nbits;
  _lw_rans_enc_put (x, out, value << shift, 1u << shift);
}

static inline guint32
_lw_rans_dec_get_bits (LwRansDec *d, guint nbits)
{
  guint shift = LW_RANS_PROB_BITS - nbits;
  guint32 v = _lw_rans_dec_slot (d) >> shift;
  _lw_rans_dec_advance (d, v << shift, 1u << shift);
  return v;
}
