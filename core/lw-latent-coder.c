/* lw-latent-coder.c — context-modelled adaptive rANS coder for planes of latent symbols
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Stream layout (docs/lwc-format.md, "Latent plane stream"): one version byte, then a single rANS
 * stream holding, per plane in order, a small header (as raw bits) and the plane's symbols.
 *
 * Model, per plane: symbols are centred (v = s − centre) and split into a token (sign and a
 * log-bucketed magnitude, JPEG XL "hybrid uint" style: magnitudes below 2^d are their own
 * token, above that the exponent and `msb` top mantissa bits form the token and the remaining
 * low bits are sent raw). Tokens are coded with adaptive frequency counts — no table is sent,
 * which keeps both the side cost and the attack surface small — in one of K contexts picked
 * from the magnitude of already decoded neighbours (six causal ones in the plane and, as an
 * option, three around the same position in the previous plane). The encoder tries a few K
 * and keeps the cheapest, so i.i.d. planes pay nothing for contexts they cannot use.
 */
#define G_LOG_DOMAIN "lw-latent-coder"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "lw-error.h"
#include "lw-rans-private.h"
#include "lw-rans.h"

#define LATENT_VERSION    1
#define MAX_SYMBOLS_TOTAL (1u << 28)
#define MAX_ALPHABET      65536u

#define MAX_D    6                    /* magnitudes below 2^d are direct tokens */
#define MAX_MSB  3                    /* mantissa bits kept in the token */
#define MAX_MT   (64 + (9 << 3) + 8)  /* magnitude tokens for d = 6, msb = 3, m < 2^16 */
#define MAX_T    (2 * MAX_MT - 1)     /* signed tokens */
#define MAX_CTX  8
#define ACT_CAP  255

/* Adaptive model: counts start at PRIOR, grow by INC, are halved above LIMIT; the coding
 * table is rebuilt at geometrically spaced points (n → n + n/2: fast learning, few rebuilds)
 * and every REBUILD_MAX symbols later (bounded work per symbol). */
#define PRIOR        1
#define INC          16
#define LIMIT        (1u << 16)
#define REBUILD_MAX  128
#define LUT_BITS     7
#define LUT_SHIFT    (LW_RANS_PROB_BITS - LUT_BITS)

typedef struct
{
  guint32 n_seen;
  guint32 next_rebuild;
  guint32 total;
  guint32 cum[MAX_T + 1];
  guint32 freq[MAX_T];
  guint16 lut[1 << LUT_BITS];
  guint32 counts[MAX_T];
} Model;

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
  guint    n_tok;
  guint8   ctx_of[ACT_CAP + 1];
  guint16  idx_pos[MAX_MT], idx_neg[MAX_MT];
  guint32  tok_base[MAX_T];
  guint8   tok_nb[MAX_T];
  guint8   tok_neg[MAX_T];
} PlaneParams;

static inline guint
floor_log2 (guint32 m)
{
  return 31 - (guint) __builtin_clz (m);
}

/* Hybrid-uint token of magnitude m; *nb raw low bits with value *raw follow it */
static inline guint
mag_token (guint32 m, guint d, guint msb, guint *nb, guint32 *raw)
{
  if (m < (1u << d))
    {
      *nb = 0;
      *raw = 0;
      return m;
    }
  guint n = floor_log2 (m);
  guint bits = n - msb;
  *nb = bits;
  *raw = m & ((1u << bits) - 1);
  return (1u << d) + ((n - d) << msb) + ((m >> bits) & ((1u << msb) - 1));
}

/* Neighbourhood activity of one magnitude: a fixed log-like scale, 0..33 */
static inline guint
act_of (guint32 m)
{
  if (m < 8)
    return m;
  guint n = floor_log2 (m);
  return 8 + 2 * (n - 3) + ((m >> (n - 1)) & 1);
}

static void
plane_derive (PlaneParams *pp)
{
  guint t = 0;
  pp->tok_base[0] = 0;
  pp->tok_nb[0] = 0;
  pp->tok_neg[0] = 0;
  t = 1;
  guint top = MAX (pp->pos_max, pp->neg_max);
  for (guint mt = 1; mt <= top; mt++)
    {
      guint32 base;
      guint nb;
      if (mt < (1u << pp->d))
        {
          base = mt;
          nb = 0;
        }
      else
        {
          guint k = mt - (1u << pp->d);
          guint n = pp->d + (k >> pp->msb);
          nb = n - pp->msb;
          base = (1u << n) | ((k & ((1u << pp->msb) - 1)) << nb);
        }
      for (guint neg = 0; neg < 2; neg++)
        {
          if (pp->symmetric && neg)
            {
              pp->idx_neg[mt] = pp->idx_pos[mt];
              continue;
            }
          if (!pp->symmetric && mt > (neg ? pp->neg_max : pp->pos_max))
            continue;
          if (neg)
            pp->idx_neg[mt] = (guint16) t;
          else
            pp->idx_pos[mt] = (guint16) t;
          pp->tok_base[t] = base;
          pp->tok_nb[t] = (guint8) nb;
          pp->tok_neg[t] = (guint8) neg;
          t++;
        }
    }
  pp->n_tok = t;
  guint c = 0;
  for (guint a = 0; a <= ACT_CAP; a++)
    {
      while (c + 1 < pp->n_ctx && a >= pp->thr[c])
        c++;
      pp->ctx_of[a] = (guint8) c;
    }
}

/* Number of magnitude tokens needed for magnitudes up to m_max */
static guint
mt_of_max (guint32 m_max, guint d, guint msb)
{
  guint nb;
  guint32 raw;
  return mag_token (m_max, d, msb, &nb, &raw);
}

static void
model_rebuild (Model *mo, guint n_tok)
{
  if (mo->total > LIMIT)
    {
      mo->total = 0;
      for (guint t = 0; t < n_tok; t++)
        {
          mo->counts[t] = (mo->counts[t] + 1) >> 1;
          mo->total += mo->counts[t];
        }
    }
  /* 1 + proportional share of what is left keeps every token codable */
  guint32 spare = LW_RANS_PROB_SCALE - n_tok;
  guint32 sum = 0, best = 0, largest = 0;
  guint64 inv = ((guint64) spare << 32) / mo->total; /* one division, not one per token */
  for (guint t = 0; t < n_tok; t++)
    {
      guint32 f = 1 + (guint32) (((guint64) mo->counts[t] * inv) >> 32);
      mo->freq[t] = f;
      sum += f;
      if (mo->counts[t] > best)
        {
          best = mo->counts[t];
          largest = t;
        }
    }
  mo->freq[largest] += LW_RANS_PROB_SCALE - sum;
  mo->cum[0] = 0;
  for (guint t = 0; t < n_tok; t++)
    mo->cum[t + 1] = mo->cum[t] + mo->freq[t];
  guint t = 0;
  for (guint b = 0; b < (1u << LUT_BITS); b++)
    {
      guint32 slot = b << LUT_SHIFT;
      while (mo->cum[t + 1] <= slot)
        t++;
      mo->lut[b] = (guint16) t;
    }
  mo->next_rebuild = mo->n_seen + CLAMP (mo->n_seen / 2, 1, REBUILD_MAX);
}

static void
model_init (Model *mo, guint n_tok)
{
  mo->n_seen = 0;
  mo->total = n_tok * PRIOR;
  for (guint t = 0; t < n_tok; t++)
    mo->counts[t] = PRIOR;
  model_rebuild (mo, n_tok);
}

static inline void
model_update (Model *mo, guint t, guint n_tok)
{
  mo->counts[t] += INC;
  mo->total += INC;
  if (++mo->n_seen == mo->next_rebuild)
    model_rebuild (mo, n_tok);
}

/* Context activity at position i = y·w + x from the activities decoded so far: six causal
 * neighbours in this plane (L, T weighted 2; TL, TR, LL, TT) and, with `prev`, the same
 * position and its right and lower neighbours in the previous plane (all decoded already).
 * Missing neighbours are replaced by the nearest available one, see the format notes. */
static inline guint
activity (const guint8 *cur, const guint8 *prev, guint i, guint y, guint x, guint w, guint h)
{
  guint l, t, tl, tr, tt;
  if (y == 0)
    {
      l = x > 0 ? cur[i - 1] : 0;
      t = tl = tr = tt = l;
    }
  else
    {
      t = cur[i - w];
      l = x > 0 ? cur[i - 1] : t;
      tl = x > 0 ? cur[i - w - 1] : t;
      tr = x + 1 < w ? cur[i - w + 1] : t;
      tt = y > 1 ? cur[i - 2 * w] : t;
    }
  guint ll = x > 1 ? cur[i - 2] : l;
  guint a = 2 * l + 2 * t + tl + tr + ll + tt;
  if (prev)
    a += prev[i] + (x + 1 < w ? prev[i + 1] : prev[i]) + (y + 1 < h ? prev[i + w] : prev[i]);
  return MIN (a, ACT_CAP);
}

static gboolean
check_shape (guint n_planes, guint height, guint width, guint alphabet, GError **error)
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

/* ---------------------------------------------------------------------------------------- */
/* Encoder                                                                                  */

typedef struct
{
  guint32 *ops; /* start | freq << 16, in decoding order */
  gsize    n;
} OpList;

static inline void
ops_push (OpList *o, guint32 start, guint32 freq)
{
  o->ops[o->n++] = start | (freq << 16);
}

static inline void
ops_bits (OpList *o, guint32 value, guint nb)
{
  guint shift = LW_RANS_PROB_BITS - nb;
  ops_push (o, value << shift, 1u << shift);
}

/* −log2 (f / 2^PROB_BITS) for the encoder's cost estimates */
static float cost_table[LW_RANS_PROB_SCALE + 1];

static void
cost_table_init (void)
{
  static gsize done = 0;
  if (g_once_init_enter (&done))
    {
      cost_table[0] = 64.f;
      for (guint f = 1; f <= LW_RANS_PROB_SCALE; f++)
        cost_table[f] = (float) (LW_RANS_PROB_BITS - log2 ((double) f));
      g_once_init_leave (&done, 1);
    }
}

static guint
header_bits (const PlaneParams *pp, guint mid)
{
  if (pp->is_const)
    return 17;
  return 1 + 1 + (pp->centre == mid ? 0 : 16) + 3 + 2 + 8 + 8 + 1 + 3 + 1 + 8 * (pp->n_ctx - 1);
}

static void
header_ops (OpList *o, const PlaneParams *pp, guint mid)
{
  ops_bits (o, pp->is_const ? 0 : 1, 1);
  if (pp->is_const)
    {
      ops_bits (o, pp->value >> 8, 8);
      ops_bits (o, pp->value & 0xff, 8);
      return;
    }
  ops_bits (o, pp->centre == mid, 1);
  if (pp->centre != mid)
    {
      ops_bits (o, pp->centre >> 8, 8);
      ops_bits (o, pp->centre & 0xff, 8);
    }
  ops_bits (o, pp->d, 3);
  ops_bits (o, pp->msb, 2);
  ops_bits (o, pp->pos_max, 8);
  ops_bits (o, pp->neg_max, 8);
  ops_bits (o, pp->symmetric ? 1 : 0, 1);
  ops_bits (o, pp->n_ctx - 1, 3);
  ops_bits (o, pp->use_prev ? 1 : 0, 1);
  for (guint k = 0; k + 1 < pp->n_ctx; k++)
    ops_bits (o, pp->thr[k], 8);
}

/* Runs the adaptive model over a plane exactly as the decoder will; with `o` it records the
 * coding operations, without it returns the ideal code length in bits. */
static double
plane_pass (const PlaneParams *pp, const guint16 *sym, const guint8 *act_cur,
            const guint8 *act_prev, guint h, guint w, Model *models, OpList *o)
{
  for (guint k = 0; k < pp->n_ctx; k++)
    model_init (&models[k], pp->n_tok);
  const guint8 *prev = pp->use_prev ? act_prev : NULL;
  double cost = 0;
  gint c = (gint) pp->centre;
  for (guint y = 0, i = 0; y < h; y++)
    for (guint x = 0; x < w; x++, i++)
      {
        Model *mo = &models[pp->ctx_of[activity (act_cur, prev, i, y, x, w, h)]];
        gint v = (gint) sym[i] - c;
        guint nb;
        guint32 raw;
        guint mt = mag_token ((guint32) ABS (v), pp->d, pp->msb, &nb, &raw);
        guint t = v > 0 ? pp->idx_pos[mt] : v < 0 ? pp->idx_neg[mt] : 0;
        guint sign = pp->symmetric && v != 0;
        if (o)
          {
            ops_push (o, mo->cum[t], mo->freq[t]);
            /* sign and low bits are both uniform: one rANS step when they fit together */
            if (sign && nb + 1 <= LW_RANS_PROB_BITS)
              ops_bits (o, ((guint32) (v < 0) << nb) | raw, nb + 1);
            else
              {
                if (sign)
                  ops_bits (o, v < 0, 1);
                if (nb)
                  ops_bits (o, raw, nb);
              }
          }
        else
          cost += cost_table[mo->freq[t]] + nb + sign;
        model_update (mo, t, pp->n_tok);
      }
  return cost;
}

typedef struct
{
  gint    v;
  guint32 n;
} ValueCount;

/* Static estimate of the token + raw-bit cost for one (d, msb) split, with a learning cost
 * of ½·log2 n bits per used token (what an adaptive model pays, roughly) */
static double
split_cost (const ValueCount *vals, guint n_vals, guint64 n, guint d, guint msb)
{
  static const guint32 zero[2][MAX_MT];
  guint32 hist[2][MAX_MT];
  memcpy (hist, zero, sizeof hist);
  double raw_bits = 0;
  for (guint k = 0; k < n_vals; k++)
    {
      guint nb;
      guint32 raw;
      guint mt = mag_token ((guint32) ABS (vals[k].v), d, msb, &nb, &raw);
      hist[vals[k].v < 0][mt] += vals[k].n;
      raw_bits += (double) nb * vals[k].n;
    }
  double bits = raw_bits, ln = log2 ((double) n);
  for (guint s = 0; s < 2; s++)
    for (guint mt = 0; mt < MAX_MT; mt++)
      if (hist[s][mt])
        bits += hist[s][mt] * (ln - log2 ((double) hist[s][mt])) + 0.5 * ln;
  return bits;
}

/* Thresholds splitting the activity histogram into k classes of about equal size;
 * FALSE if they collapse (too few distinct activities) */
static gboolean
quantile_thresholds (const guint32 *ahist, guint64 n, guint k, guint8 *thr)
{
  guint64 below = 0;
  guint a = 0, j = 1;
  while (j < k)
    {
      if (a > ACT_CAP)
        return FALSE;
      if (below * k >= n * j && a > 0 && (j == 1 || a > thr[j - 2]))
        {
          thr[j - 1] = (guint8) a;
          j++;
          continue;
        }
      below += ahist[a];
      a++;
    }
  /* the last class must not be empty */
  guint64 last = 0;
  for (guint b = thr[k - 2]; b <= ACT_CAP; b++)
    last += ahist[b];
  return last > 0;
}

static void
choose_params (PlaneParams *pp, const guint16 *sym, guint h, guint w, guint alphabet,
               guint32 *hist, ValueCount *vals, const guint8 *act_cur, const guint8 *act_prev,
               Model *models)
{
  guint64 n = (guint64) h * w;
  guint mid = alphabet / 2;
  guint lo = G_MAXUINT, hi = 0;
  for (guint64 i = 0; i < n; i++)
    {
      hist[sym[i]]++;
      lo = MIN (lo, sym[i]);
      hi = MAX (hi, sym[i]);
    }
  guint n_vals = 0;
  for (guint s = lo; s <= hi; s++)
    if (hist[s])
      {
        vals[n_vals].v = (gint) s - (gint) pp->centre;
        vals[n_vals].n = hist[s];
        n_vals++;
        hist[s] = 0;
      }

  /* token split: the cheapest (d, msb) by a static estimate */
  double best = INFINITY;
  for (guint d = 0; d <= MAX_D; d++)
    for (guint msb = 0; msb <= MIN (d, MAX_MSB); msb++)
      {
        double b = split_cost (vals, n_vals, n, d, msb);
        if (b < best)
          {
            best = b;
            pp->d = d;
            pp->msb = msb;
          }
      }
  pp->pos_max = hi > pp->centre ? mt_of_max (hi - pp->centre, pp->d, pp->msb) : 0;
  pp->neg_max = lo < pp->centre ? mt_of_max (pp->centre - lo, pp->d, pp->msb) : 0;

  /* contexts: try a few class counts, with and without the previous plane */
  static const guint ks[] = { 2, 3, 4, 6 };
  guint32 ahist[2][ACT_CAP + 1];
  memset (ahist, 0, sizeof ahist);
  for (guint y = 0, i = 0; y < h; y++)
    for (guint x = 0; x < w; x++, i++)
      {
        ahist[0][activity (act_cur, NULL, i, y, x, w, h)]++;
        if (act_prev)
          ahist[1][activity (act_cur, act_prev, i, y, x, w, h)]++;
      }
  PlaneParams trial = *pp;
  trial.n_ctx = 1;
  trial.use_prev = FALSE;
  best = INFINITY;
  for (guint sy = 0; sy < 2; sy++)
    {
      trial.symmetric = sy;
      plane_derive (&trial);
      double b = plane_pass (&trial, sym, act_cur, act_prev, h, w, models, NULL)
                 + header_bits (&trial, mid);
      if (b < best)
        {
          best = b;
          *pp = trial;
        }
    }
  trial = *pp;
  for (guint up = 0; up < (act_prev ? 2u : 1u); up++)
    for (guint j = 0; j < G_N_ELEMENTS (ks); j++)
      {
        trial.n_ctx = ks[j];
        trial.use_prev = up;
        if ((guint64) ks[j] * 64 > n || !quantile_thresholds (ahist[up], n, ks[j], trial.thr))
          continue;
        plane_derive (&trial);
        double b = plane_pass (&trial, sym, act_cur, act_prev, h, w, models, NULL)
                   + header_bits (&trial, mid);
        if (b < best)
          {
            best = b;
            *pp = trial;
          }
      }
}

/* Median of a plane (the centre its tokens are measured from) and whether it is constant */
static guint
plane_centre (const guint16 *sym, guint64 n, guint alphabet, guint32 *hist, gboolean *is_const)
{
  guint lo = G_MAXUINT, hi = 0;
  for (guint64 i = 0; i < n; i++)
    {
      hist[sym[i]]++;
      lo = MIN (lo, sym[i]);
      hi = MAX (hi, sym[i]);
    }
  guint64 seen = 0;
  guint med = lo;
  for (guint s = lo; s <= hi; s++)
    {
      if (seen * 2 < n && (seen + hist[s]) * 2 >= n)
        med = s;
      seen += hist[s];
      hist[s] = 0;
    }
  *is_const = lo == hi;
  return med;
}

static void
plane_activity (const guint16 *sym, guint64 n, guint centre, guint8 *act)
{
  for (guint64 i = 0; i < n; i++)
    act[i] = (guint8) act_of ((guint32) ABS ((gint) sym[i] - (gint) centre));
}

GBytes *
lw_latent_code_planes (const guint16 *symbols,
                       guint          n_planes,
                       guint          height,
                       guint          width,
                       guint          alphabet,
                       GError       **error)
{
  if (!check_shape (n_planes, height, width, alphabet, error))
    return NULL;
  g_return_val_if_fail (symbols != NULL, NULL);
  gsize plane = (gsize) height * width;
  for (guint p = 0; p < n_planes; p++)
    for (gsize i = 0; i < plane; i++)
      if (symbols[p * plane + i] >= alphabet)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                       "latent planes: plane %u, row %u, column %u: symbol %u is outside "
                       "the alphabet of %u", p, (guint) (i / width), (guint) (i % width),
                       symbols[p * plane + i], alphabet);
          return NULL;
        }
  cost_table_init ();

  g_autofree guint32 *hist = g_new0 (guint32, alphabet);
  g_autofree guint *centres = g_new (guint, n_planes);
  g_autofree gboolean *consts = g_new (gboolean, n_planes);
  for (guint p = 0; p < n_planes; p++)
    centres[p] = plane_centre (symbols + p * plane, plane, alphabet, hist, &consts[p]);

  g_autofree ValueCount *vals = g_new (ValueCount, MIN (plane, (gsize) alphabet));
  g_autofree guint8 *act_a = g_new (guint8, plane);
  g_autofree guint8 *act_b = g_new (guint8, plane);
  g_autofree Model *models = g_new (Model, MAX_CTX);
  PlaneParams *pp = g_new0 (PlaneParams, 1);
  OpList o = { g_new (guint32, 3 * plane + 64), 0 }; /* token, sign, raw bits */
  LwRansOut out = { NULL, 0, 0 };
  _lw_rans_out_grow (&out, plane + 64);
  guint32 x = LW_RANS_L;
  guint mid = alphabet / 2;
  guint8 *act_cur = act_a, *act_prev = act_b;

  /* rANS runs backwards: code the last plane first; each plane's own ops are produced
   * forwards (the model must see symbols in decoding order) and then fed in reverse */
  plane_activity (symbols + (gsize) (n_planes - 1) * plane, plane, centres[n_planes - 1],
                  act_cur);
  for (guint p = n_planes; p-- > 0;)
    {
      const guint16 *sym = symbols + (gsize) p * plane;
      memset (pp, 0, sizeof *pp);
      pp->centre = centres[p];
      if (p > 0)
        plane_activity (symbols + (gsize) (p - 1) * plane, plane, centres[p - 1], act_prev);
      o.n = 0;
      if (consts[p])
        {
          pp->is_const = TRUE;
          pp->value = sym[0];
          header_ops (&o, pp, mid);
        }
      else
        {
          choose_params (pp, sym, height, width, alphabet, hist, vals, act_cur,
                         p > 0 ? act_prev : NULL, models);
          header_ops (&o, pp, mid);
          plane_pass (pp, sym, act_cur, act_prev, height, width, models, &o);
        }
      for (gsize k = o.n; k-- > 0;)
        _lw_rans_enc_put (&x, &out, o.ops[k] & 0xffff, o.ops[k] >> 16);
      guint8 *tmp = act_cur;
      act_cur = act_prev;
      act_prev = tmp;
    }
  _lw_rans_enc_flush (x, &out);

  guint8 *buf = g_malloc (out.len + 1);
  buf[0] = LATENT_VERSION;
  for (gsize i = 0; i < out.len; i++)
    buf[1 + i] = out.buf[out.len - 1 - i];
  g_free (out.buf);
  g_free (o.ops);
  g_free (pp);
  return g_bytes_new_take (buf, out.len + 1);
}

/* ---------------------------------------------------------------------------------------- */
/* Decoder                                                                                  */

static gboolean
read_header (LwRansDec *d, PlaneParams *pp, guint p, guint alphabet, GError **error)
{
  memset (pp, 0, offsetof (PlaneParams, n_tok));
  guint mid = alphabet / 2;
  pp->is_const = _lw_rans_dec_get_bits (d, 1) == 0;
  if (pp->is_const)
    {
      pp->value = _lw_rans_dec_get_bits (d, 8) << 8;
      pp->value |= _lw_rans_dec_get_bits (d, 8);
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
  if (_lw_rans_dec_get_bits (d, 1))
    pp->centre = mid;
  else
    {
      pp->centre = _lw_rans_dec_get_bits (d, 8) << 8;
      pp->centre |= _lw_rans_dec_get_bits (d, 8);
    }
  pp->d = _lw_rans_dec_get_bits (d, 3);
  pp->msb = _lw_rans_dec_get_bits (d, 2);
  pp->pos_max = _lw_rans_dec_get_bits (d, 8);
  pp->neg_max = _lw_rans_dec_get_bits (d, 8);
  pp->symmetric = _lw_rans_dec_get_bits (d, 1);
  pp->n_ctx = _lw_rans_dec_get_bits (d, 3) + 1;
  pp->use_prev = _lw_rans_dec_get_bits (d, 1);
  for (guint k = 0; k + 1 < pp->n_ctx; k++)
    pp->thr[k] = (guint8) _lw_rans_dec_get_bits (d, 8);

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
  guint pos_lim = up ? mt_of_max (up, pp->d, pp->msb) : 0;
  guint neg_lim = down ? mt_of_max (down, pp->d, pp->msb) : 0;
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
  plane_derive (pp);
  return TRUE;
}

static gboolean
decode_plane (LwRansDec *d, const PlaneParams *pp, guint p, guint16 *out, guint8 *act_cur,
              const guint8 *act_prev, guint h, guint w, guint alphabet, Model *models,
              GError **error)
{
  for (guint k = 0; k < pp->n_ctx; k++)
    model_init (&models[k], pp->n_tok);
  const guint8 *prev = pp->use_prev ? act_prev : NULL;
  const guint n_tok = pp->n_tok;
  const gint c = (gint) pp->centre;
  const gboolean symmetric = pp->symmetric;
  const guint8 *ctx_of = pp->ctx_of, *tok_nb = pp->tok_nb, *tok_neg = pp->tok_neg;
  const guint32 *tok_base = pp->tok_base;
  /* a local copy of the coder state: the guint8 stores below may alias anything, and would
   * otherwise force the state back to memory after every symbol */
  LwRansDec dec = *d;
  gboolean ok = TRUE;
  for (guint y = 0, i = 0; y < h && ok; y++)
    {
      const gboolean inner_row = y >= 2 && y + 1 < h;
      for (guint x = 0; x < w; x++, i++)
        {
          guint a;
          if (G_LIKELY (inner_row && x >= 2 && x + 1 < w))
            {
              /* activity() without its border cases */
              const guint8 *q = act_cur + i;
              a = 2 * q[-1] + 2 * q[-(gssize) w] + q[-(gssize) w - 1] + q[-(gssize) w + 1] + q[-2]
                  + q[-2 * (gssize) w];
              if (prev)
                a += prev[i] + prev[i + 1] + prev[i + w];
              a = MIN (a, ACT_CAP);
            }
          else
            a = activity (act_cur, prev, i, y, x, w, h);
          Model *mo = &models[ctx_of[a]];
          guint32 slot = _lw_rans_dec_slot (&dec);
          guint t = mo->lut[slot >> LUT_SHIFT];
          while (mo->cum[t + 1] <= slot)
            t++;
          _lw_rans_dec_advance (&dec, mo->cum[t], mo->freq[t]);
          guint32 m = tok_base[t];
          guint neg = tok_neg[t], nb = tok_nb[t];
          if (symmetric && t > 0 && nb + 1 <= LW_RANS_PROB_BITS)
            {
              guint32 bits = _lw_rans_dec_get_bits (&dec, nb + 1);
              neg = bits >> nb;
              m += bits & ((1u << nb) - 1);
            }
          else
            {
              if (symmetric && t > 0)
                neg = _lw_rans_dec_get_bits (&dec, 1);
              if (nb)
                m += _lw_rans_dec_get_bits (&dec, nb);
            }
          model_update (mo, t, n_tok);
          gint v = neg ? c - (gint) m : c + (gint) m;
          if (G_UNLIKELY ((guint) v >= alphabet))
            {
              g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                           "latent stream: plane %u, row %u, column %u: decoded symbol %d is "
                           "outside the alphabet of %u", p, y, x, v, alphabet);
              ok = FALSE;
              break;
            }
          out[i] = (guint16) v;
          act_cur[i] = (guint8) act_of (m);
        }
      /* a hostile stream can run dry anywhere; stop within a row, not at the very end */
      if (G_UNLIKELY (dec.overrun))
        break;
    }
  *d = dec;
  return ok;
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
  if (!check_shape (n_planes, height, width, alphabet, error))
    return FALSE;
  g_return_val_if_fail (symbols != NULL, FALSE);
  if (data == NULL || len < 1 + 4)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TRUNCATED,
                   "latent stream: %" G_GSIZE_FORMAT " bytes, at least 5 are needed", len);
      return FALSE;
    }
  if (data[0] != LATENT_VERSION)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                   "latent stream: format version %u (this build reads %u)", data[0],
                   LATENT_VERSION);
      return FALSE;
    }
  LwRansDec d;
  if (!_lw_rans_dec_init (&d, data + 1, len - 1))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "latent stream: initial rANS state 0x%08x is outside [2^23, 2^31)", d.x);
      return FALSE;
    }

  gsize plane = (gsize) height * width;
  g_autofree guint8 *act_a = g_new (guint8, plane);
  g_autofree guint8 *act_b = g_new (guint8, plane);
  g_autofree Model *models = g_new (Model, MAX_CTX);
  g_autofree PlaneParams *pp = g_new0 (PlaneParams, 1);
  guint8 *act_cur = act_a, *act_prev = act_b;

  for (guint p = 0; p < n_planes; p++)
    {
      guint16 *out = symbols + (gsize) p * plane;
      if (!read_header (&d, pp, p, alphabet, error))
        return FALSE;
      if (pp->is_const)
        {
          for (gsize i = 0; i < plane; i++)
            out[i] = (guint16) pp->value;
          memset (act_cur, 0, plane);
        }
      else if (!decode_plane (&d, pp, p, out, act_cur, act_prev, height, width, alphabet,
                              models, error))
        return FALSE;
      if (d.overrun)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_TRUNCATED,
                       "latent stream: ran out of bytes in plane %u of %u (%" G_GSIZE_FORMAT
                       " bytes)", p, n_planes, len);
          return FALSE;
        }
      guint8 *tmp = act_cur;
      act_cur = act_prev;
      act_prev = tmp;
    }
  if (d.p != d.end)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "latent stream: %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
                   " bytes left after the last plane", (gsize) (d.end - d.p), len);
      return FALSE;
    }
  if (d.x != LW_RANS_L)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "latent stream: final rANS state 0x%08x is not the initial one (corrupt data)",
                   d.x);
      return FALSE;
    }
  return TRUE;
}
