/* lw-latent-decoder.c — decoder of the latent-plane stream (see lw-latent-coder.c)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-latent-coder"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "lw-error.h"
#include "lw-latent-private.h"
#include "lw-rans-private.h"
#include "lw-rans.h"

/* The decoder reads the stream from a copy with DEC_PAD zero bytes after it and checks for a
 * read past the end every DEC_CHUNK symbols (each reads at most 6 bytes) */
#define DEC_CHUNK 256
#define DEC_PAD   (6 * DEC_CHUNK + 16)

/* Two rANS states share the byte stream and take turns, one coding step (a token with its
 * raw field, or one raw header field) each: the dependency chain of one state then overlaps
 * the next symbol's work on the other */
typedef struct
{
  LwRansDec d;    /* d.x: the state of the next step */
  guint32   xo;   /* the other state */
  guint     odd;  /* d.x is the second state (each plane starts with the first) */
} Dec2;

static inline void
dec2_swap (Dec2 *s)
{
  guint32 t = s->d.x;
  s->d.x = s->xo;
  s->xo = t;
  s->odd ^= 1;
}

static inline guint32
dec2_bits (Dec2 *s, guint nbits)
{
  guint32 v = _lw_rans_dec_get_bits (&s->d, nbits);
  dec2_swap (s);
  return v;
}

static gboolean
read_header (Dec2 *d, LwLatentPlane *pp, guint p, guint alphabet, GError **error)
{
  if (d->odd)
    dec2_swap (d);
  memset (pp, 0, offsetof (LwLatentPlane, n_tok));
  guint mid = alphabet / 2;
  pp->is_const = dec2_bits (d, 1) == 0;
  if (pp->is_const)
    {
      pp->value = dec2_bits (d, 8) << 8;
      pp->value |= dec2_bits (d, 8);
      pp->centre = pp->value;
      if (pp->value >= alphabet)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "latent stream: plane %u: constant %u is outside the alphabet of %u",
                       p, pp->value, alphabet);
          return FALSE;
        }
      return TRUE;
    }
  if (dec2_bits (d, 1))
    pp->centre = mid;
  else
    {
      pp->centre = dec2_bits (d, 8) << 8;
      pp->centre |= dec2_bits (d, 8);
    }
  pp->d = dec2_bits (d, 3);
  pp->msb = dec2_bits (d, 2);
  pp->pos_max = dec2_bits (d, 8);
  pp->neg_max = dec2_bits (d, 8);
  pp->symmetric = dec2_bits (d, 1);
  pp->n_ctx = dec2_bits (d, 3) + 1;
  pp->use_prev = dec2_bits (d, 1);
  for (guint k = 0; k + 1 < pp->n_ctx; k++)
    pp->thr[k] = (guint8) dec2_bits (d, 8);

  if (pp->centre >= alphabet)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "latent stream: plane %u: centre %u is outside the alphabet of %u",
                   p, pp->centre, alphabet);
      return FALSE;
    }
  if (pp->d > MAX_D || pp->msb > MIN (pp->d, MAX_MSB))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "latent stream: plane %u: invalid token split d=%u msb=%u", p, pp->d, pp->msb);
      return FALSE;
    }
  guint up = alphabet - 1 - pp->centre, down = pp->centre;
  guint pos_lim = up ? _lw_latent_mag_token (up, pp->d, pp->msb, NULL) : 0;
  guint neg_lim = down ? _lw_latent_mag_token (down, pp->d, pp->msb, NULL) : 0;
  if (pp->pos_max > pos_lim || pp->neg_max > neg_lim)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "latent stream: plane %u: magnitude tokens %u/%u exceed the alphabet's %u/%u",
                   p, pp->pos_max, pp->neg_max, pos_lim, neg_lim);
      return FALSE;
    }
  if (pp->use_prev && p == 0)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "latent stream: plane 0 refers to a previous plane");
      return FALSE;
    }
  for (guint k = 0; k + 1 < pp->n_ctx; k++)
    if (pp->thr[k] == 0 || (k > 0 && pp->thr[k] <= pp->thr[k - 1]))
      {
        g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                     "latent stream: plane %u: context thresholds are not increasing", p);
        return FALSE;
      }
  _lw_latent_plane_derive (pp);
  return TRUE;
}

typedef struct
{
  const LwLatentPlane *pp;
  LwLatentModel *const      *mptr;  /* activity → its context's model */
  guint16           *out;
  guint8            *act;
  const guint16     *top;
  guint              w, alphabet;
} RowCtx;

/* One row; wl is the weight of the left neighbour (7 in row 0, where it stands in for the
 * missing row above, else 2). Returns the column of a symbol outside the alphabet, or w. */
static inline __attribute__ ((always_inline)) guint
decode_row (Dec2 *d, const RowCtx *rc, const guint wl)
{
  /* everything in locals: the guint8 stores below may alias anything */
  const LwLatentTok *toks = rc->pp->tok;
  const guint n_tok = rc->pp->n_tok;
  const gint c = (gint) rc->pp->centre;
  const guint alphabet = rc->alphabet, w = rc->w;
  LwLatentModel *const *mptr = rc->mptr;
  guint16 *out = rc->out;
  guint8 *act = rc->act;
  const guint16 *top = rc->top;
  LwRansDec dec = d->d;
  guint32 xo = d->xo;
  guint odd = d->odd;
  guint l1 = 0, l2 = 0;
  guint x = 0;
  while (x < w)
    {
      const guint x_end = MIN (w, x + DEC_CHUNK);
      for (; x < x_end; x++)
        {
          LwLatentModel *mo = mptr[top[x] + wl * l1 + l2];
          guint32 slot = _lw_rans_dec_slot (&dec);
          guint t = _lw_latent_model_find (mo, slot);
          guint32 start = mo->start[t];
          _lw_rans_dec_advance_padded (&dec, start, (guint32) mo->cm1[t] + 1 - start);
          LwLatentTok tk = toks[t];
          guint32 bits = _lw_rans_dec_get_bits_padded (&dec, tk.nr);
          guint32 xt = dec.x;
          dec.x = xo;
          xo = xt;
          odd ^= 1;
          if (G_UNLIKELY (tk.extra))
            {
              bits = (bits << tk.extra) | _lw_rans_dec_get_bits_padded (&dec, tk.extra);
              xt = dec.x;
              dec.x = xo;
              xo = xt;
              odd ^= 1;
            }
          guint32 neg = tk.neg | (bits >> tk.nb);
          guint32 m = tk.base + (bits & ((1u << tk.nb) - 1));
          _lw_latent_model_update (mo, t, n_tok);
          gint v = neg ? c - (gint) m : c + (gint) m;
          if (G_UNLIKELY ((guint) v >= alphabet))
            goto out;
          out[x] = (guint16) v;
          act[x] = tk.act;
          l2 = x ? l1 : tk.act; /* at x = 1 the missing LL is L */
          l1 = tk.act;
        }
      /* past the end the padding (zeros) was read: the stream is truncated */
      if (G_UNLIKELY (dec.p > dec.end))
        {
          dec.overrun = TRUE;
          break;
        }
    }
out:
  d->d = dec;
  d->xo = xo;
  d->odd = odd;
  return x;
}

static gboolean
decode_plane (Dec2 *d, const LwLatentPlane *pp, guint p, guint16 *out, guint8 *act_cur,
              const guint8 *act_prev, guint16 *top, guint h, guint w, guint alphabet,
              LwLatentModel *models, GError **error)
{
  LwLatentModel *mptr[G_N_ELEMENTS (pp->ctx_of)];
  for (guint k = 0; k < pp->n_ctx; k++)
    _lw_latent_model_init (&models[k], pp->n_tok);
  for (guint a = 0; a < G_N_ELEMENTS (pp->ctx_of); a++)
    mptr[a] = &models[pp->ctx_of[a]];
  RowCtx rc = { pp, mptr, NULL, NULL, top, w, alphabet };
  for (guint y = 0; y < h; y++)
    {
      _lw_latent_row_top (top, act_cur, pp->use_prev ? act_prev : NULL, y, w, h);
      rc.out = out + (gsize) y * w;
      rc.act = act_cur + (gsize) y * w;
      guint x = y ? decode_row (d, &rc, 2) : decode_row (d, &rc, 7);
      if (G_UNLIKELY (x < w))
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "latent stream: plane %u, row %u, column %u: decoded symbol is "
                       "outside the alphabet of %u", p, y, x, alphabet);
          return FALSE;
        }
      /* a hostile stream can run dry anywhere; stop within a row, not at the very end */
      if (G_UNLIKELY (d->d.overrun))
        break;
    }
  return TRUE;
}

static inline double
state_bits (const Dec2 *d)
{
  return log2 ((double) d->d.x) + log2 ((double) d->xo);
}

/* plane_bits (nullable): see lw_latent_decode_planes_bits(); measured at plane boundaries
 * only, so the symbol loop is the same with and without it */
static gboolean
decode_planes (const guint8 *data,
               gsize         len,
               guint16      *symbols,
               guint         n_planes,
               guint         height,
               guint         width,
               guint         alphabet,
               double       *plane_bits,
               GError      **error)
{
  if (!_lw_latent_check_shape (n_planes, height, width, alphabet, error))
    return FALSE;
  g_return_val_if_fail (symbols != NULL, FALSE);
  if (data == NULL || len < 1 + 8)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TRUNCATED,
                   "latent stream: %" G_GSIZE_FORMAT " bytes, at least 9 are needed", len);
      return FALSE;
    }
  if (data[0] != LATENT_VERSION)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                   "latent stream: format version %u (this build reads %u)", data[0],
                   LATENT_VERSION);
      return FALSE;
    }
  g_autofree guint8 *padded = g_malloc (len - 1 + DEC_PAD);
  memcpy (padded, data + 1, len - 1);
  memset (padded + len - 1, 0, DEC_PAD);
  Dec2 d;
  gboolean ok_b = _lw_rans_dec_init (&d.d, padded + 4, len - 5);
  d.xo = d.d.x;
  d.odd = 0;
  if (!ok_b || !_lw_rans_dec_init (&d.d, padded, len - 1))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "latent stream: initial rANS states 0x%08x, 0x%08x: not in [2^23, 2^31)",
                   d.d.x, d.xo);
      return FALSE;
    }
  d.d.p += 4; /* past the second state */

  gsize plane = (gsize) height * width;
  g_autofree guint8 *act_a = g_new (guint8, plane);
  g_autofree guint8 *act_b = g_new (guint8, plane);
  g_autofree guint16 *top = g_new (guint16, width);
  g_autofree LwLatentModel *models = g_new (LwLatentModel, MAX_CTX);
  g_autofree LwLatentPlane *pp = g_new0 (LwLatentPlane, 1);
  guint8 *act_cur = act_a, *act_prev = act_b;

  for (guint p = 0; p < n_planes; p++)
    {
      guint16 *out = symbols + (gsize) p * plane;
      const guint8 *p_start = d.d.p;
      double x_start = plane_bits != NULL ? state_bits (&d) : 0;
      if (!read_header (&d, pp, p, alphabet, error))
        return FALSE;
      if (pp->is_const)
        {
          for (gsize i = 0; i < plane; i++)
            out[i] = (guint16) pp->value;
          memset (act_cur, 0, plane);
        }
      else if (!decode_plane (&d, pp, p, out, act_cur, act_prev, top, height, width, alphabet,
                              models, error))
        return FALSE;
      if (d.d.overrun)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_TRUNCATED,
                       "latent stream: ran out of bytes in plane %u of %u (%" G_GSIZE_FORMAT
                       " bytes)", p, n_planes, len);
          return FALSE;
        }
      if (plane_bits != NULL)
        plane_bits[p] = 8.0 * (double) (d.d.p - p_start) + x_start - state_bits (&d);
      guint8 *tmp = act_cur;
      act_cur = act_prev;
      act_prev = tmp;
    }
  if (d.d.p != d.d.end)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "latent stream: %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
                   " bytes left after the last plane", (gsize) (d.d.end - d.d.p), len);
      return FALSE;
    }
  if (d.d.x != LW_RANS_L || d.xo != LW_RANS_L)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "latent stream: final rANS states 0x%08x, 0x%08x are not the initial ones "
                   "(corrupt data)", d.d.x, d.xo);
      return FALSE;
    }
  return TRUE;
}

gboolean
lw_latent_decode_planes (const guint8 *data,
                         gsize         len,
                         guint16      *symbols,
                         guint         n_planes,
                         guint         height,
                         guint         width,
                         guint         alphabet,
                         GError      **error)
{
  return decode_planes (data, len, symbols, n_planes, height, width, alphabet, NULL, error);
}

gboolean
lw_latent_decode_planes_bits (const guint8 *data,
                              gsize         len,
                              guint16      *symbols,
                              guint         n_planes,
                              guint         height,
                              guint         width,
                              guint         alphabet,
                              double       *plane_bits,
                              GError      **error)
{
  g_return_val_if_fail (plane_bits != NULL, FALSE);
  return decode_planes (data, len, symbols, n_planes, height, width, alphabet, plane_bits,
                        error);
}
