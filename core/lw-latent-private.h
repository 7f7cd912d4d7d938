/* lw-latent-private.h — what the latent-plane encoder and decoder share: limits, tokens, the
 * adaptive model, the activity context
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The format is described in notes/latent-coder-format.md ("Latent plane stream").
 */
#pragma once

#include <glib.h>
#include <string.h>

#include "lw-error.h"
#include "lw-rans.h"

#define LATENT_VERSION    2
#define MAX_SYMBOLS_TOTAL LW_LATENT_MAX_SYMBOLS
#define MAX_ALPHABET      65536u

#define MAX_D     6                    /* magnitudes below 2^d are direct tokens */
#define MAX_MSB   3                    /* mantissa bits kept in the token */
#define MAX_MT    (64 + (9 << 3) + 8)  /* magnitude tokens for d = 6, msb = 3, m < 2^16 */
#define MAX_T     (2 * MAX_MT - 1)     /* signed tokens */
#define MAX_T_PAD 288                  /* MAX_T rounded up to a multiple of 16 */
#define MAX_CTX   8
#define ACT_CAP   255
#define ACT_MAX   363                  /* 11 neighbour weights × the largest activity 33 */

/* Adaptive model: counts start at PRIOR, grow by INC, are halved above LIMIT; the coding
 * table is rebuilt at geometrically spaced points (n → n + n/2: fast learning, few rebuilds)
 * and every REBUILD_MAX symbols later (bounded work per symbol). */
#define PRIOR        1
#define INC          16
#define LIMIT        (1u << 16)
#define REBUILD_MAX  128

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* What the decoder needs of a coded token: the smallest magnitude it stands for, the raw
 * field that follows (nr bits now, `extra` more in a second field), how many of those bits
 * are low magnitude bits (nb; a bit above them is the sign), the sign of signed tokens, and
 * the activity the position gets. */
typedef struct
{
  guint16 base;
  guint8  nb, nr, neg, act, extra, pad;
} LwLatentTok;

/* Everything a plane header carries, plus the token maps derived from it */
typedef struct
{
  gboolean is_const;
  guint    value;      /* constant planes */
  guint    centre;
  guint    d, msb;
  guint    pos_max, neg_max;
  guint    n_ctx;
  gboolean use_prev;
  gboolean symmetric;  /* one token per magnitude, the sign as a raw bit */
  guint8   thr[MAX_CTX - 1];
  /* derived */
  guint    n_tok;      /* coded tokens */
  guint    n_tok_signed;
  guint8   ctx_of[512]; /* activity (≤ ACT_MAX) → context class */
  LwLatentTok tok[MAX_T]; /* coded tokens */
  /* the signed (asymmetric) layout, which the encoder always works in */
  guint16  idx_pos[MAX_MT], idx_neg[MAX_MT];
  guint16  stok_mag[MAX_T];
  guint8   stok_nb[MAX_T], stok_neg[MAX_T];
} LwLatentPlane;

typedef struct
{
  /* cm1[t] = cum[t + 1] − 1, padded with 2^15 − 1: the slot search compares 16 at a time */
  gint16  cm1[MAX_T_PAD] __attribute__ ((aligned (16)));
  guint16 start[MAX_T_PAD];
  guint32 counts[MAX_T_PAD];
  guint32 n_seen;  /* at the last rebuild */
  guint32 left;    /* symbols until the next rebuild */
} LwLatentModel;

static inline guint
_lw_latent_floor_log2 (guint32 m)
{
  return 31 - (guint) __builtin_clz (m);
}

/* Hybrid-uint token of magnitude m; *nb raw low bits follow it */
static inline guint
_lw_latent_mag_token (guint32 m, guint d, guint msb, guint *nb)
{
  if (m < (1u << d))
    {
      if (nb)
        *nb = 0;
      return m;
    }
  guint n = _lw_latent_floor_log2 (m);
  guint bits = n - msb;
  if (nb)
    *nb = bits;
  return (1u << d) + ((n - d) << msb) + ((m >> bits) & ((1u << msb) - 1));
}

/* Activity of one magnitude: a fixed log-like scale, 0..33 */
static inline guint
_lw_latent_act_of (guint32 m)
{
  if (m < 8)
    return m;
  guint n = _lw_latent_floor_log2 (m);
  return 8 + 2 * (n - 3) + ((m >> (n - 1)) & 1);
}

/* Smallest magnitude of magnitude token mt and its raw low bits */
static inline void
_lw_latent_token_range (guint mt, guint d, guint msb, guint32 *base, guint *nb)
{
  if (mt < (1u << d))
    {
      *base = mt;
      *nb = 0;
      return;
    }
  guint k = mt - (1u << d);
  guint n = d + (k >> msb);
  *nb = n - msb;
  *base = (1u << n) | ((k & ((1u << msb) - 1)) << *nb);
}

static inline void
_lw_latent_plane_derive (LwLatentPlane *pp)
{
  guint top = MAX (pp->pos_max, pp->neg_max);
  guint t = 1;
  pp->stok_mag[0] = 0;
  pp->stok_nb[0] = 0;
  pp->stok_neg[0] = 0;
  pp->idx_pos[0] = pp->idx_neg[0] = 0;
  for (guint mt = 1; mt <= top; mt++)
    {
      guint32 base;
      guint nb;
      _lw_latent_token_range (mt, pp->d, pp->msb, &base, &nb);
      for (guint neg = 0; neg < 2; neg++)
        {
          if (mt > (neg ? pp->neg_max : pp->pos_max))
            continue;
          if (neg)
            pp->idx_neg[mt] = (guint16) t;
          else
            pp->idx_pos[mt] = (guint16) t;
          pp->stok_mag[t] = (guint16) mt;
          pp->stok_nb[t] = (guint8) nb;
          pp->stok_neg[t] = (guint8) neg;
          t++;
        }
    }
  pp->n_tok_signed = t;

  pp->n_tok = pp->symmetric ? top + 1 : pp->n_tok_signed;
  for (guint c = 0; c < pp->n_tok; c++)
    {
      guint mt = pp->symmetric ? c : pp->stok_mag[c];
      guint32 base;
      guint nb;
      _lw_latent_token_range (mt, pp->d, pp->msb, &base, &nb);
      LwLatentTok *tk = &pp->tok[c];
      tk->base = (guint16) base;
      tk->nb = (guint8) nb;
      tk->nr = (guint8) nb;
      tk->neg = pp->symmetric ? 0 : pp->stok_neg[c];
      tk->act = (guint8) _lw_latent_act_of (base);
      tk->extra = 0;
      tk->pad = 0;
      if (pp->symmetric && c > 0)
        {
          /* sign on top of the low bits, as one field when it fits */
          if (nb + 1 <= LW_RANS_PROB_BITS)
            tk->nr = (guint8) (nb + 1);
          else
            {
              tk->nr = 1;
              tk->extra = (guint8) nb;
            }
        }
    }
  guint c = 0;
  for (guint a = 0; a < G_N_ELEMENTS (pp->ctx_of); a++)
    {
      while (c + 1 < pp->n_ctx && MIN (a, ACT_CAP) >= pp->thr[c])
        c++;
      pp->ctx_of[a] = (guint8) c;
    }
}

static inline void
_lw_latent_model_rebuild (LwLatentModel *mo, guint n_tok)
{
  guint32 total = 0;
  for (guint t = 0; t < n_tok; t++)
    total += mo->counts[t];
  if (total > LIMIT)
    {
      total = 0;
      for (guint t = 0; t < n_tok; t++)
        {
          mo->counts[t] = (mo->counts[t] + 1) >> 1;
          total += mo->counts[t];
        }
    }
  /* 1 + proportional share of what is left keeps every token codable */
  guint32 f[MAX_T];
  guint32 spare = LW_RANS_PROB_SCALE - n_tok;
  guint32 sum = 0, best = 0, largest = 0;
  guint64 inv = ((guint64) spare << 32) / total; /* one division, not one per token */
  for (guint t = 0; t < n_tok; t++)
    {
      f[t] = 1 + (guint32) (((guint64) mo->counts[t] * inv) >> 32);
      sum += f[t];
      if (mo->counts[t] > best)
        {
          best = mo->counts[t];
          largest = t;
        }
    }
  f[largest] += LW_RANS_PROB_SCALE - sum;
  guint32 cum = 0;
  for (guint t = 0; t < n_tok; t++)
    {
      mo->start[t] = (guint16) cum;
      cum += f[t];
      mo->cm1[t] = (gint16) (cum - 1);
    }
  mo->left = CLAMP (mo->n_seen / 2, 1, REBUILD_MAX);
  mo->n_seen += mo->left;
}

static inline void
_lw_latent_model_init (LwLatentModel *mo, guint n_tok)
{
  mo->n_seen = 0;
  for (guint t = 0; t < n_tok; t++)
    mo->counts[t] = PRIOR;
  for (guint t = n_tok; t < MAX_T_PAD; t++)
    mo->cm1[t] = (gint16) (LW_RANS_PROB_SCALE - 1);
  _lw_latent_model_rebuild (mo, n_tok);
}

static inline void
_lw_latent_model_update (LwLatentModel *mo, guint t, guint n_tok)
{
  mo->counts[t] += INC;
  if (G_UNLIKELY (--mo->left == 0))
    _lw_latent_model_rebuild (mo, n_tok);
}

/* The token whose range holds slot: the number of t with cum[t + 1] ≤ slot. cm1 increases
 * strictly, so the comparisons give a run of ones from the low end and its length is the
 * answer; the padding (2^15 − 1 ≥ any slot) ends the search. */
static inline guint
_lw_latent_model_find (const LwLatentModel *mo, guint32 slot)
{
#ifdef __SSE2__
  const __m128i s = _mm_set1_epi16 ((short) slot);
  const __m128i *p = (const __m128i *) mo->cm1;
  for (guint base = 0;; base += 16, p += 2)
    {
      __m128i lt0 = _mm_cmpgt_epi16 (s, _mm_load_si128 (p));
      __m128i lt1 = _mm_cmpgt_epi16 (s, _mm_load_si128 (p + 1));
      guint ones = (guint) _mm_movemask_epi8 (_mm_packs_epi16 (lt0, lt1));
      if (G_LIKELY (ones != 0xffff))
        return base + (guint) __builtin_ctz (~ones);
    }
#else
  guint t = 0;
  while ((gint32) slot > mo->cm1[t])
    t++;
  return t;
#endif
}

/* Activity context. For position (y, x) the sum 2L + 2T + TL + TR + LL + TT (+ P + P_right +
 * P_down of the previous plane) with the border replacements of the format notes.
 * _lw_latent_row_top() computes everything but the current row's left neighbours for a whole
 * row; the caller
 * adds wl·L + LL (wl = 2, or 7 in row 0 where L stands in for T, TL, TR and TT), with L = LL
 * = 0 at x = 0 and LL = L at x = 1. act (the current plane) or prev may be NULL: their part
 * is left out. */
static inline guint
_lw_latent_top_at (const guint8 *r1, const guint8 *r2, const guint8 *q, const guint8 *qd,
                   guint x, guint w)
{
  guint a = 0;
  if (r1)
    {
      guint t = r1[x];
      guint tl = x > 0 ? r1[x - 1] : t, tr = x + 1 < w ? r1[x + 1] : t;
      a = 2 * t + tl + tr + r2[x];
      if (x == 0)
        a += 3 * t; /* L and LL stand in as T */
    }
  if (q)
    a += q[x] + (x + 1 < w ? q[x + 1] : q[x]) + qd[x];
  return a;
}

static inline void
_lw_latent_row_top (guint16 *top, const guint8 *act, const guint8 *prev, guint y, guint w,
                    guint h)
{
  const guint8 *r1 = act && y ? act + (gsize) (y - 1) * w : NULL;
  const guint8 *r2 = r1 && y >= 2 ? r1 - w : r1;
  const guint8 *q = prev ? prev + (gsize) y * w : NULL;
  const guint8 *qd = q && y + 1 < h ? q + w : q;
  top[0] = (guint16) _lw_latent_top_at (r1, r2, q, qd, 0, w);
  guint x = 1;
#ifdef __SSE2__
  const __m128i z = _mm_setzero_si128 ();
#define LD8(p) _mm_unpacklo_epi8 (_mm_loadl_epi64 ((const __m128i *) (const void *) (p)), z)
  for (; x + 8 < w; x += 8)
    {
      __m128i v = z;
      if (r1)
        {
          __m128i t = LD8 (r1 + x);
          v = _mm_add_epi16 (_mm_add_epi16 (t, t), _mm_add_epi16 (LD8 (r1 + x - 1),
                                                                 LD8 (r1 + x + 1)));
          v = _mm_add_epi16 (v, LD8 (r2 + x));
        }
      if (q)
        v = _mm_add_epi16 (v, _mm_add_epi16 (_mm_add_epi16 (LD8 (q + x), LD8 (q + x + 1)),
                                             LD8 (qd + x)));
      _mm_storeu_si128 ((__m128i *) (void *) (top + x), v);
    }
#endif
  for (; x < w; x++)
    top[x] = (guint16) _lw_latent_top_at (r1, r2, q, qd, x, w);
}

static inline gboolean
_lw_latent_check_shape (guint n_planes, guint height, guint width, guint alphabet,
                        GError **error)
{
  if (n_planes == 0 || height == 0 || width == 0)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "latent planes: empty shape %u×%u×%u", n_planes, height, width);
      return FALSE;
    }
  if ((guint64) n_planes * height * width > MAX_SYMBOLS_TOTAL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "latent planes: %u×%u×%u symbols exceed the limit of 2^28",
                   n_planes, height, width);
      return FALSE;
    }
  if (alphabet == 0 || alphabet > MAX_ALPHABET)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "latent planes: alphabet size %u (must be 1..%u)", alphabet, MAX_ALPHABET);
      return FALSE;
    }
  return TRUE;
}
