/* lw-latent-coder.c — context-modelled adaptive rANS coder for planes of latent symbols (encoder;
 * the decoder is lw-latent-decoder.c, what both share lw-latent-private.h)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Stream layout (notes/latent-coder-format.md, "Latent plane stream"): one version byte, then a
 * rANS byte stream driven by two interleaved states, holding per plane in order a small header
 * (as raw bits) and the plane's symbols.
 *
 * Model, per plane: symbols are centred (v = s − centre) and split into a token (sign and a
 * log-bucketed magnitude, JPEG XL "hybrid uint" style: magnitudes below 2^d are their own
 * token, above that the exponent and `msb` top mantissa bits form the token and the remaining
 * low bits are sent raw). Tokens are coded with adaptive frequency counts — no table is sent,
 * which keeps both the side cost and the attack surface small — in one of K contexts picked
 * from the token activity of already decoded neighbours (six causal ones in the plane and, as
 * an option, three around the same position in the previous plane).
 *
 * Speed: the decoder finds a token by comparing the slot with the cumulative frequencies, 16 at
 * a time (SSE2), so a model rebuild is only O(tokens) and there is no lookup table to refill;
 * the neighbourhood sum of the row above is computed for a whole row before the row is
 * decoded. The encoder does not simulate the adaptive model for its choices: one pass collects
 * a joint histogram of (activity bin, token), and the adaptive code length of every candidate
 * setting is computed in closed form from it (see choose_contexts).
 */
#define G_LOG_DOMAIN "lw-latent-coder"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "lw-error.h"
#include "lw-latent-private.h"
#include "lw-rans-private.h"
#include "lw-rans.h"

/* Encoder cost tables: x·log2 x, and log2 Γ(k + α) − log2 Γ(α) for the adaptive model's
 * α = PRIOR / INC, tabulated for small counts */
#define TAB_N 4096
static float xlog2x_tab[TAB_N];
static float lg_alpha_tab[TAB_N];
#define ALPHA ((double) PRIOR / INC)

/* The allowed token splits (d, msb) and, for each, the token and raw bit count of every
 * fine magnitude bin (see fine_bin) */
#define N_SPLITS 22
#define N_FINE   MAX_MT
static guint8 split_d[N_SPLITS], split_msb[N_SPLITS];
static guint8 split_tok[N_SPLITS][N_FINE], split_nb[N_SPLITS][N_FINE];

static inline guint32
fine_rep (guint b)
{
  if (b < 64)
    return b;
  guint e = 6 + ((b - 64) >> 3);
  return (1u << e) | ((guint32) ((b - 64) & 7) << (e - 3));
}

static void
tables_init (void)
{
  static gsize done = 0;
  if (g_once_init_enter (&done))
    {
      guint ci = 0;
      for (guint d = 0; d <= MAX_D; d++)
        for (guint msb = 0; msb <= MIN (d, MAX_MSB); msb++, ci++)
          {
            split_d[ci] = (guint8) d;
            split_msb[ci] = (guint8) msb;
            for (guint b = 0; b < N_FINE; b++)
              {
                guint nb;
                split_tok[ci][b] = (guint8) _lw_latent_mag_token (fine_rep (b), d, msb, &nb);
                split_nb[ci][b] = (guint8) nb;
              }
          }
      g_assert_true (ci == N_SPLITS);
      double acc = 0;
      for (guint k = 0; k < TAB_N; k++)
        {
          xlog2x_tab[k] = k ? (float) (k * log2 ((double) k)) : 0.f;
          lg_alpha_tab[k] = (float) acc;
          acc += log2 (k + ALPHA);
        }
      g_once_init_leave (&done, 1);
    }
}

static inline double
xlog2x (guint32 k)
{
  return k < TAB_N ? xlog2x_tab[k] : k * log2 ((double) k);
}

/* ln Γ(z) for z ≥ 8 by Stirling's series (error < 1e-9), else by lgamma_r() (plain lgamma()
 * writes the global signgam, a data race when two workers encode at once) */
static inline double
ln_gamma (double z)
{
  int sign;
  if (z < 8)
    return lgamma_r (z, &sign);
  double r = 1 / z, r2 = r * r;
  return (z - 0.5) * log (z) - z + 0.91893853320467274178
         + r * (1.0 / 12 - r2 * (1.0 / 360 - r2 / 1260));
}

static inline double
lg_alpha (guint32 k)
{
  if (k < TAB_N)
    return lg_alpha_tab[k];
  return (ln_gamma (k + ALPHA) - ln_gamma (ALPHA)) / G_LN2;
}

/* log2 Γ(n + b) − log2 Γ(b) with b = n_tok·α; lg_b = ln Γ(b) */
static inline double
lg_total (guint64 n, guint n_tok, double lg_b)
{
  return (ln_gamma ((double) n + n_tok * ALPHA) - lg_b) / G_LN2;
}

/* Activity bins the encoder places context thresholds on (lower bounds); finer where the
 * activity of low-rate planes lives */
static const guint8 act_bin_lo[] = { 0,  1,  2,  3,  4,  5,  6,  7,  8,   9,   10,  12,
                                     14, 16, 18, 20, 23, 26, 30, 34, 39,  45,  52,  60,
                                     69, 80, 92, 106, 122, 140, 162, 187, 216 };
#define N_BINS G_N_ELEMENTS (act_bin_lo)

/* ---------------------------------------------------------------------------------------- */
/* Encoder                                                                                  */

/* One coding step pair in decoding order: a token (start, freq; freq = 2^15 is a no-op) and
 * then a raw field of nr ≤ 15 bits (nr = 0 is a no-op). Packed as
 * start | freq << 16 | raw << 32 | nr << 48. */
typedef struct
{
  guint64 *e;
  gsize    n, cap;
} Steps;

static inline void
steps_reserve (Steps *s, gsize extra)
{
  if (s->n + extra <= s->cap)
    return;
  s->cap = MAX (s->cap * 2, s->n + extra);
  s->e = g_renew (guint64, s->e, s->cap);
}

static inline guint64
step_pack (guint32 start, guint32 freq, guint32 raw, guint nr)
{
  return start | ((guint64) freq << 16) | ((guint64) raw << 32) | ((guint64) nr << 48);
}

static inline void
steps_bits (Steps *s, guint32 value, guint nr)
{
  s->e[s->n++] = step_pack (0, LW_RANS_PROB_SCALE, value, nr);
}

static guint
header_bits (const LwLatentPlane *pp, guint mid)
{
  if (pp->is_const)
    return 17;
  return 1 + 1 + (pp->centre == mid ? 0 : 16) + 3 + 2 + 8 + 8 + 1 + 3 + 1 + 8 * (pp->n_ctx - 1);
}

static void
header_steps (Steps *s, const LwLatentPlane *pp, guint mid)
{
  steps_bits (s, pp->is_const ? 0 : 1, 1);
  if (pp->is_const)
    {
      steps_bits (s, pp->value >> 8, 8);
      steps_bits (s, pp->value & 0xff, 8);
      return;
    }
  steps_bits (s, pp->centre == mid, 1);
  if (pp->centre != mid)
    {
      steps_bits (s, pp->centre >> 8, 8);
      steps_bits (s, pp->centre & 0xff, 8);
    }
  steps_bits (s, pp->d, 3);
  steps_bits (s, pp->msb, 2);
  steps_bits (s, pp->pos_max, 8);
  steps_bits (s, pp->neg_max, 8);
  steps_bits (s, pp->symmetric ? 1 : 0, 1);
  steps_bits (s, pp->n_ctx - 1, 3);
  steps_bits (s, pp->use_prev ? 1 : 0, 1);
  for (guint k = 0; k + 1 < pp->n_ctx; k++)
    steps_bits (s, pp->thr[k], 8);
}

/* Per-plane scratch of the encoder */
/* A plane prepared for coding: statistics, token split, and per position its signed token
 * and activity (the next plane's context needs the activities before this plane is coded) */
typedef struct
{
  LwLatentPlane *pp;             /* header fields so far; asymmetric layout, one context */
  guint        lo, hi;
  guint16     *vals;           /* the values present, ascending */
  guint        n_vals;
  guint16     *vtok, *vraw;    /* alphabet: value − lo → signed token index, raw low bits */
  guint8      *vact;           /* alphabet: value − lo → activity */
  guint16     *tok;            /* plane: signed token index per position */
  guint8      *act;            /* plane: activity per position */
} Prep;

typedef struct
{
  guint32 *hist, *hist2;       /* 2^16: value histograms, all zero between planes */
  guint64 *vtmpl;              /* alphabet: value − lo → step template (code_plane) */
  guint8  *a[2];               /* plane: activity without / with the previous plane (≤ 255) */
  guint16 *top, *top_prev, *left; /* width */
  guint32  jh[2][N_BINS + 1][MAX_T_PAD]; /* (activity bin, token) counts, then prefix sums */
  guint32  jh_odd[2][N_BINS][MAX_T_PAD];  /* the same for odd columns, added in later */
  guint8   bin_of[ACT_CAP + 1];
} EncScratch;

/* Plane statistics: median (the centre), range, constant or not */
static void
plane_stats (const guint16 *sym, gsize n, guint32 *hist, guint32 *hist2, guint *centre,
             guint *lo_out, guint *hi_out, guint16 *vals, guint *n_vals)
{
  /* two histograms (even and odd positions) so that runs of one value do not wait on each
   * other's increments; merged below */
  guint lo = G_MAXUINT, hi = 0;
  gsize i = 0;
  for (; i + 1 < n; i += 2)
    {
      guint a = sym[i], b = sym[i + 1];
      hist[a]++;
      hist2[b]++;
      lo = MIN (lo, MIN (a, b));
      hi = MAX (hi, MAX (a, b));
    }
  if (i < n)
    {
      hist[sym[i]]++;
      lo = MIN (lo, sym[i]);
      hi = MAX (hi, sym[i]);
    }
  guint64 seen = 0;
  guint med = lo, nv = 0;
  for (guint s = lo; s <= hi; s++)
    {
      guint32 c = hist[s] + hist2[s];
      hist[s] = c;
      hist2[s] = 0;
      if (!c)
        continue;
      vals[nv++] = (guint16) s; /* later passes visit only the values present */
      if (seen * 2 < n && (seen + c) * 2 >= n)
        med = s;
      seen += c;
    }
  *n_vals = nv;
  *centre = med;
  *lo_out = lo;
  *hi_out = hi;
}

/* Fine magnitude bins: every magnitude below 64 alone, above that (exponent, top 3 mantissa
 * bits). Every token of every allowed (d, msb) is a union of fine bins. */
static inline guint
fine_bin (guint32 m)
{
  if (m < 64)
    return m;
  guint e = _lw_latent_floor_log2 (m);
  return 64 + ((e - 6) << 3) + ((m >> (e - 3)) & 7);
}


/* The cheapest (d, msb) by a static estimate: token entropy + raw bits + ½·log2 n per used
 * token (roughly what an adaptive model pays to learn it) */
static void
choose_split (const guint32 fine[2][N_FINE], guint64 n, guint *d_out, guint *msb_out)
{
  double best = INFINITY, ln = log2 ((double) n);
  guint used[N_FINE], n_used = 0;
  for (guint b = 0; b < N_FINE; b++)
    if (fine[0][b] || fine[1][b])
      used[n_used++] = b;
  for (guint ci = 0; ci < N_SPLITS; ci++)
    {
      const guint8 *tokmap = split_tok[ci], *nbmap = split_nb[ci];
      guint32 h[2][MAX_MT];
      guint top = tokmap[used[n_used - 1]];
      memset (h, 0, 2 * sizeof h[0]);
      double bits = 0;
      for (guint j = 0; j < n_used; j++)
        {
          guint b = used[j], mt = tokmap[b];
          h[0][mt] += fine[0][b];
          h[1][mt] += fine[1][b];
          bits += (double) nbmap[b] * (fine[0][b] + fine[1][b]);
        }
      for (guint s = 0; s < 2; s++)
        for (guint mt = 0; mt <= top; mt++)
          if (h[s][mt])
            bits += h[s][mt] * ln - xlog2x (h[s][mt]) + 0.5 * ln;
      if (bits < best)
        {
          best = bits;
          *d_out = split_d[ci];
          *msb_out = split_msb[ci];
        }
    }
}

/* Adaptive code length (bits) of a class whose token counts are h[0..n_tok): with counts
 * starting at 1 and growing by 16, the model is a Dirichlet estimator with α = 1/16, whose
 * sequential code length does not depend on the order. The real coder pays a little more
 * (tables are rebuilt only now and then, 15-bit probabilities), about equally for every
 * candidate, which is all a choice needs. */
static double
class_bits (const guint32 *h, guint n_tok, double lg_b)
{
  guint64 total = 0;
  double bits = 0;
  for (guint t = 0; t < n_tok; t++)
    if (h[t])
      {
        total += h[t];
        bits -= lg_alpha (h[t]);
      }
  if (total == 0)
    return 0;
  return bits + lg_total (total, n_tok, lg_b);
}

/* Class boundaries (bin indices) splitting the activity-bin histogram into k classes of
 * about equal size; FALSE if they collapse */
static gboolean
quantile_bins (const guint32 *bin_count, guint64 n, guint k, guint *cut)
{
  guint64 below = 0;
  guint b = 0, j = 1;
  while (j < k)
    {
      if (b >= N_BINS)
        return FALSE;
      if (below * k >= n * j && b > 0 && (j == 1 || b > cut[j - 2]))
        {
          cut[j - 1] = b;
          j++;
          continue;
        }
      below += bin_count[b];
      b++;
    }
  return below < n; /* the last class is not empty */
}

/* Cost of one context layout from the prefix sums P[bin][token]: classes [cut[k-1], cut[k]) */
static double
layout_bits (guint32 P[N_BINS + 1][MAX_T_PAD], const guint *cut, guint k, gboolean sym,
             const LwLatentPlane *pp)
{
  double bits = 0;
  guint lo = 0;
  guint32 h[MAX_T_PAD];
  guint n_sym = MAX (pp->pos_max, pp->neg_max) + 1;
  double lg_b = ln_gamma ((sym ? n_sym : pp->n_tok) * ALPHA);
  for (guint j = 0; j < k; j++)
    {
      guint hi = j + 1 < k ? cut[j] : N_BINS;
      if (!sym)
        {
          for (guint t = 0; t < pp->n_tok; t++)
            h[t] = P[hi][t] - P[lo][t];
          bits += class_bits (h, pp->n_tok, lg_b);
        }
      else
        {
          h[0] = P[hi][0] - P[lo][0];
          guint64 nonzero = 0;
          for (guint mt = 1; mt < n_sym; mt++)
            {
              guint32 c = 0;
              if (mt <= pp->pos_max)
                c += P[hi][pp->idx_pos[mt]] - P[lo][pp->idx_pos[mt]];
              if (mt <= pp->neg_max)
                c += P[hi][pp->idx_neg[mt]] - P[lo][pp->idx_neg[mt]];
              h[mt] = c;
              nonzero += c;
            }
          bits += class_bits (h, n_sym, lg_b) + (double) nonzero; /* sign bits */
        }
      lo = hi;
    }
  return bits;
}

/* Picks symmetric or not, K ∈ {1, 2, 3, 4, 6}, with or without the previous plane, and the
 * thresholds, by the closed-form code length of each candidate. `pp` holds the asymmetric
 * token layout on entry. */
static void
choose_contexts (LwLatentPlane *pp, EncScratch *sc, guint64 n, gboolean have_prev, guint mid)
{
  static const guint ks[] = { 1, 2, 3, 4, 6 };
  double best = INFINITY;
  guint best_sym = 0, best_up = 0, best_k = 1;
  guint8 best_thr[MAX_CTX - 1] = { 0 };
  for (guint up = 0; up < (have_prev ? 2u : 1u); up++)
    {
      guint32 (*P)[MAX_T_PAD] = sc->jh[up];
      /* prefix sums over bins, in place: row b becomes Σ of bins < b */
      guint32 acc[MAX_T_PAD] = { 0 };
      guint32 bin_count[N_BINS];
      for (guint b = 0; b <= N_BINS; b++)
        {
          guint32 c = 0;
          for (guint t = 0; t < pp->n_tok; t++)
            {
              guint32 v = b < N_BINS ? P[b][t] + sc->jh_odd[up][b][t] : 0;
              P[b][t] = acc[t];
              acc[t] += v;
              c += v;
            }
          if (b < N_BINS)
            bin_count[b] = c;
        }
      for (guint j = 0; j < G_N_ELEMENTS (ks); j++)
        {
          guint k = ks[j], cut[MAX_CTX];
          if (k == 1 && up == 1)
            continue; /* the same as without */
          if (k > 1 && ((guint64) k * 64 > n || !quantile_bins (bin_count, n, k, cut)))
            continue;
          for (guint sym = 0; sym < 2; sym++)
            {
              pp->n_ctx = k; /* for header_bits */
              double b = layout_bits (P, cut, k, sym, pp) + header_bits (pp, mid);
              if (b < best)
                {
                  best = b;
                  best_sym = sym;
                  best_up = up;
                  best_k = k;
                  for (guint c = 0; c + 1 < k; c++)
                    best_thr[c] = act_bin_lo[cut[c]];
                }
            }
        }
    }
  pp->symmetric = best_sym;
  pp->use_prev = best_up;
  pp->n_ctx = best_k;
  memcpy (pp->thr, best_thr, sizeof best_thr);
  _lw_latent_plane_derive (pp);
}

/* Token, raw bits and activity of every position, the activities with and without the
 * previous plane, and their joint histograms with the token */
static void
analyse_plane (const Prep *pr, guint h, guint w, const guint8 *act_prev, EncScratch *sc)
{
  guint nt = pr->pp->n_tok;
  const guint8 *act = pr->act;
  for (guint up = 0; up < 2; up++)
    for (guint b = 0; b < N_BINS; b++)
      {
        memset (sc->jh[up][b], 0, nt * sizeof (guint32));
        memset (sc->jh_odd[up][b], 0, nt * sizeof (guint32));
      }
  for (guint y = 0; y < h; y++)
    {
      const guint8 *row = act + (gsize) y * w;
      const guint16 *trow = pr->tok + (gsize) y * w;
      guint8 *a0 = sc->a[0] + (gsize) y * w, *a1 = sc->a[1] + (gsize) y * w;
      const guint wl = y ? 2 : 7;
      _lw_latent_row_top (sc->top, act, NULL, y, w, h);
      if (act_prev)
        _lw_latent_row_top (sc->top_prev, NULL, act_prev, y, w, h);
      else
        memset (sc->top_prev, 0, w * sizeof *sc->top_prev);
      /* the left neighbours are known here: whole rows at once */
      sc->left[0] = 0;
      if (w > 1)
        sc->left[1] = (guint16) ((wl + 1) * row[0]);
      guint x = 2;
#ifdef __SSE2__
      const __m128i z = _mm_setzero_si128 ();
      const __m128i vw = _mm_set1_epi16 ((short) wl);
      for (; x + 8 <= w; x += 8)
        _mm_storeu_si128 ((__m128i *) (void *) (sc->left + x),
                          _mm_add_epi16 (_mm_mullo_epi16 (LD8 (row + x - 1), vw),
                                         LD8 (row + x - 2)));
#endif
      for (; x < w; x++)
        sc->left[x] = (guint16) (wl * row[x - 1] + row[x - 2]);
      x = 0;
#ifdef __SSE2__
      for (; x + 8 <= w; x += 8)
        {
          __m128i a = _mm_add_epi16 (_mm_loadu_si128 ((const __m128i *) (void *) (sc->top + x)),
                                     _mm_loadu_si128 ((const __m128i *) (void *) (sc->left + x)));
          __m128i b = _mm_add_epi16 (a, _mm_loadu_si128 ((const __m128i *) (void *)
                                                         (sc->top_prev + x)));
          /* ≤ 363 each: the unsigned saturation to 8 bits is min (·, 255) */
          _mm_storel_epi64 ((__m128i *) (void *) (a0 + x), _mm_packus_epi16 (a, a));
          _mm_storel_epi64 ((__m128i *) (void *) (a1 + x), _mm_packus_epi16 (b, b));
        }
#endif
      for (; x < w; x++)
        {
          guint a = sc->top[x] + sc->left[x], b = a + sc->top_prev[x];
          a0[x] = (guint8) MIN (a, ACT_CAP);
          a1[x] = (guint8) MIN (b, ACT_CAP);
        }
      /* two copies each (even and odd columns), so that runs of the same (bin, token) do
       * not wait on each other's increments */
      guint32 (*e0)[MAX_T_PAD] = sc->jh[0], (*e1)[MAX_T_PAD] = sc->jh[1];
      guint32 (*o0)[MAX_T_PAD] = sc->jh_odd[0], (*o1)[MAX_T_PAD] = sc->jh_odd[1];
      const guint8 *bin_of = sc->bin_of;
      for (x = 0; x + 1 < w; x += 2)
        {
          e0[bin_of[a0[x]]][trow[x]]++;
          e1[bin_of[a1[x]]][trow[x]]++;
          o0[bin_of[a0[x + 1]]][trow[x + 1]]++;
          o1[bin_of[a1[x + 1]]][trow[x + 1]]++;
        }
      if (x < w)
        {
          e0[bin_of[a0[x]]][trow[x]]++;
          e1[bin_of[a1[x]]][trow[x]]++;
        }
    }
}

/* Runs the adaptive model over the plane in decoding order and records the coding steps */
static void
code_plane (const LwLatentPlane *pp, const Prep *pr, const guint16 *sym, gsize n,
            EncScratch *sc, LwLatentModel *models, Steps *s)
{
  const guint lo = pr->lo;
  /* per value: everything of its step but the token's start and frequency, i.e. the raw
   * field (with the sign above the low bits on symmetric planes) and its width, plus the
   * coded token index in bits 52..60 and bit 63 for a raw field too wide for one step */
  guint64 *vt = sc->vtmpl - lo;
  for (guint j = 0; j < pr->n_vals; j++)
    {
      guint v = pr->vals[j];
      guint t = pr->vtok[v - lo], nb = pp->stok_nb[t];
      guint64 c = pp->symmetric ? pp->stok_mag[t] : t, raw = pr->vraw[v - lo], nr = nb;
      guint64 split = 0;
      if (pp->symmetric && t > 0)
        {
          if (nb + 1 <= LW_RANS_PROB_BITS)
            {
              nr = nb + 1;
              raw |= (guint64) pp->stok_neg[t] << nb;
            }
          else
            split = 1;
        }
      vt[v] = (raw << 32) | (nr << 48) | (c << 52) | (split << 63);
    }
  LwLatentModel *mptr[ACT_CAP + 1];
  for (guint k = 0; k < pp->n_ctx; k++)
    _lw_latent_model_init (&models[k], pp->n_tok);
  for (guint a = 0; a <= ACT_CAP; a++)
    mptr[a] = &models[pp->ctx_of[a]];
  const guint8 *a = sc->a[pp->use_prev ? 1 : 0];
  const guint n_tok = pp->n_tok;
  steps_reserve (s, 2 * n + 16);
  guint64 *e = s->e + s->n;
  for (gsize i = 0; i < n; i++)
    {
      LwLatentModel *mo = mptr[a[i]];
      guint64 tm = vt[sym[i]];
      guint c = (guint) (tm >> 52) & 511;
      guint32 start = mo->start[c], freq = (guint32) mo->cm1[c] + 1 - start;
      if (G_LIKELY (!(tm >> 63)))
        *e++ = (tm & G_GUINT64_CONSTANT (0x000fffff00000000)) | start | ((guint64) freq << 16);
      else
        {
          /* symmetric, 15 low bits: the sign alone, then the low bits in a step of their own */
          guint t = pr->vtok[sym[i] - lo];
          *e++ = step_pack (start, freq, pp->stok_neg[t], 1);
          *e++ = step_pack (0, LW_RANS_PROB_SCALE, (guint32) (tm >> 32) & 0xffff, 15);
        }
      _lw_latent_model_update (mo, c, n_tok);
    }
  s->n = (gsize) (e - s->e);
}

/* Emits the 0, 1 or 2 low bytes of x that bring it below x_max (x < 2^31, x_max ≥ 2^16).
 * Both bytes are always stored, which is safe: the buffer has room for 2 bytes per step and
 * at least 9 more below. A byte not counted is overwritten later. */
static inline guint8 *
put_renorm (guint32 *xp, guint8 *q, guint64 x_max)
{
  guint32 x = *xp;
  guint n = (x >= x_max) + (x >= (x_max << 8));
  q[-1] = (guint8) x;
  q[-2] = (guint8) (x >> 8);
  *xp = x >> (8 * n);
  return q - n;
}

/* One entry, coded backwards: bytes are written downwards from q, so the stream comes out
 * forwards; returns the new q */
static inline guint8 *
put_step (guint32 *xp, guint8 *q, guint64 e)
{
  guint32 x = *xp;
  guint32 start = (guint32) (e & 0xffff), freq = (guint32) ((e >> 16) & 0xffff);
  guint32 raw = (guint32) ((e >> 32) & 0xffff);
  guint nr = (guint) (e >> 48);
  /* the raw field is decoded after the token, so it is coded first */
  guint sh = LW_RANS_PROB_BITS - nr;
  q = put_renorm (&x, q, (guint64) 1 << (16 + sh));
  x = ((x >> sh) << LW_RANS_PROB_BITS) | (raw << sh) | (x & ((1u << sh) - 1));
  q = put_renorm (&x, q, (guint64) freq << 16);
  *xp = ((x / freq) << LW_RANS_PROB_BITS) + (x % freq) + start;
  return q;
}

/* The output, written downwards from the end of buf: the stream comes out forwards */
typedef struct
{
  guint8 *buf, *q;
  gsize   cap;
  guint32 x[2];  /* the two rANS states */
} Out;

/* rANS-codes one plane's steps backwards. Within a plane, step j (in decoding order) goes
 * through state j & 1: the first step of every plane takes the state that comes first in the
 * stream, whatever the parity of the steps before it. */
static void
steps_put (Out *o, const Steps *s)
{
  gsize need = 4 * s->n + 16; /* ≤ 2 bytes per renormalisation, 2 per step */
  if ((gsize) (o->q - o->buf) < need)
    {
      gsize len = (gsize) (o->buf + o->cap - o->q), cap = MAX (2 * o->cap, len + need + 64);
      guint8 *nb = g_malloc (cap);
      memcpy (nb + cap - len, o->q, len);
      g_free (o->buf);
      o->buf = nb;
      o->cap = cap;
      o->q = nb + cap - len;
    }
  guint8 *q = o->q;
  gsize k = s->n;
  if (k & 1)
    {
      k--;
      q = put_step (&o->x[0], q, s->e[k]);
    }
  while (k > 0)
    {
      k -= 2;
      q = put_step (&o->x[1], q, s->e[k + 1]);
      q = put_step (&o->x[0], q, s->e[k]);
    }
  o->q = q;
}

/* The two states (first state first, big-endian) and the version byte */
static GBytes *
out_finish (Out *o)
{
  if ((gsize) (o->q - o->buf) < 9)
    {
      gsize len = (gsize) (o->buf + o->cap - o->q);
      guint8 *nb = g_malloc (len + 9);
      memcpy (nb + 9, o->q, len);
      g_free (o->buf);
      o->buf = nb;
      o->cap = len + 9;
      o->q = nb + 9;
    }
  for (int j = 1; j >= 0; j--)
    for (int i = 0; i < 4; i++)
      {
        *--o->q = (guint8) o->x[j];
        o->x[j] >>= 8;
      }
  *--o->q = LATENT_VERSION;
  gsize len = (gsize) (o->buf + o->cap - o->q);
  memmove (o->buf, o->q, len);
  return g_bytes_new_take (g_realloc (o->buf, len), len);
}

static void
prep_alloc (Prep *pr, guint alphabet, gsize plane)
{
  pr->pp = g_new0 (LwLatentPlane, 1);
  pr->vals = g_new (guint16, MIN (plane, (gsize) MAX_ALPHABET));
  pr->vtok = g_new (guint16, alphabet);
  pr->vraw = g_new (guint16, alphabet);
  pr->vact = g_new (guint8, alphabet);
  pr->tok = g_new (guint16, plane);
  pr->act = g_new (guint8, plane);
}

static void
prep_free (Prep *pr)
{
  g_free (pr->pp);
  g_free (pr->vals);
  g_free (pr->vtok);
  g_free (pr->vraw);
  g_free (pr->vact);
  g_free (pr->tok);
  g_free (pr->act);
}

/* Statistics, token split, tokens and activities of plane p; FALSE if a symbol is outside
 * the alphabet */
static gboolean
prep_plane (Prep *pr, const guint16 *sym, guint p, guint w, gsize n, guint alphabet,
            EncScratch *sc, GError **error)
{
  guint centre, lo, hi;
  plane_stats (sym, n, sc->hist, sc->hist2, &centre, &lo, &hi, pr->vals, &pr->n_vals);
  if (G_UNLIKELY (hi >= alphabet))
    {
      for (guint j = 0; j < pr->n_vals; j++)
        sc->hist[pr->vals[j]] = 0;
      gsize i = 0;
      while (sym[i] < alphabet)
        i++;
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "latent planes: plane %u, row %u, column %u: symbol %u is outside "
                   "the alphabet of %u", p, (guint) (i / w), (guint) (i % w), sym[i], alphabet);
      return FALSE;
    }
  LwLatentPlane *pp = pr->pp;
  memset (pp, 0, sizeof *pp);
  pp->centre = centre;
  pr->lo = lo;
  pr->hi = hi;
  if (lo == hi)
    {
      sc->hist[lo] = 0;
      pp->is_const = TRUE;
      pp->value = lo;
      memset (pr->act, 0, n);
      return TRUE;
    }
  guint32 fine[2][N_FINE];
  memset (fine, 0, sizeof fine);
  for (guint j = 0; j < pr->n_vals; j++)
    {
      guint v = pr->vals[j];
      gint d = (gint) v - (gint) centre;
      fine[d < 0][fine_bin ((guint32) ABS (d))] += sc->hist[v];
      sc->hist[v] = 0;
    }
  choose_split (fine, n, &pp->d, &pp->msb);
  pp->pos_max = hi > centre ? _lw_latent_mag_token (hi - centre, pp->d, pp->msb, NULL) : 0;
  pp->neg_max = lo < centre ? _lw_latent_mag_token (centre - lo, pp->d, pp->msb, NULL) : 0;
  pp->n_ctx = 1;
  _lw_latent_plane_derive (pp);
  for (guint j = 0; j < pr->n_vals; j++)
    {
      guint v = pr->vals[j];
      gint d = (gint) v - (gint) centre;
      guint nb;
      guint mt = _lw_latent_mag_token ((guint32) ABS (d), pp->d, pp->msb, &nb);
      guint t = d > 0 ? pp->idx_pos[mt] : d < 0 ? pp->idx_neg[mt] : 0;
      pr->vtok[v - lo] = (guint16) t;
      pr->vraw[v - lo] = (guint16) ((guint32) ABS (d) & ((1u << nb) - 1));
      pr->vact[v - lo] = pp->tok[t].act;
    }
  const guint16 *vtok = pr->vtok - lo;
  const guint8 *vact = pr->vact - lo;
  for (gsize i = 0; i < n; i++)
    {
      pr->tok[i] = vtok[sym[i]];
      pr->act[i] = vact[sym[i]];
    }
  return TRUE;
}

GBytes *
lw_latent_code_planes (const guint16 *symbols,
                       guint          n_planes,
                       guint          height,
                       guint          width,
                       guint          alphabet,
                       GError       **error)
{
  if (!_lw_latent_check_shape (n_planes, height, width, alphabet, error))
    return NULL;
  g_return_val_if_fail (symbols != NULL, NULL);
  gsize plane = (gsize) height * width;
  tables_init ();

  EncScratch *sc = g_new0 (EncScratch, 1);
  /* any 16-bit symbol may come in: the range is checked plane by plane from the histogram */
  sc->hist = g_new0 (guint32, MAX_ALPHABET);
  sc->hist2 = g_new0 (guint32, MAX_ALPHABET);
  sc->vtmpl = g_new (guint64, alphabet);
  sc->a[0] = g_new (guint8, plane);
  sc->a[1] = g_new (guint8, plane);
  sc->top = g_new (guint16, width);
  sc->top_prev = g_new (guint16, width);
  sc->left = g_new (guint16, width);
  for (guint a = 0, b = 0; a <= ACT_CAP; a++)
    {
      while (b + 1 < N_BINS && a >= act_bin_lo[b + 1])
        b++;
      sc->bin_of[a] = (guint8) b;
    }
  Prep prep[2];
  prep_alloc (&prep[0], alphabet, plane);
  prep_alloc (&prep[1], alphabet, plane);
  g_autofree LwLatentModel *models = g_new (LwLatentModel, MAX_CTX);
  Steps s = { NULL, 0, 0 };
  Out o = { NULL, NULL, 0, { LW_RANS_L, LW_RANS_L } };
  o.cap = plane + 64;
  o.buf = g_malloc (o.cap);
  o.q = o.buf + o.cap;
  guint mid = alphabet / 2;
  gboolean ok = TRUE;

  /* rANS runs backwards, so the planes are coded last to first; plane p's context may use
   * plane p − 1, which is therefore prepared first */
  Prep *cur = &prep[0], *prev = &prep[1];
  ok = prep_plane (cur, symbols + (gsize) (n_planes - 1) * plane, n_planes - 1, width, plane,
                   alphabet, sc, error);
  for (guint p = n_planes; ok && p-- > 0;)
    {
      const guint16 *sym = symbols + (gsize) p * plane;
      if (p > 0 && !(ok = prep_plane (prev, symbols + (gsize) (p - 1) * plane, p - 1, width,
                                      plane, alphabet, sc, error)))
        break;
      LwLatentPlane *pp = cur->pp;
      s.n = 0;
      steps_reserve (&s, 64);
      if (pp->is_const)
        header_steps (&s, pp, mid);
      else
        {
          analyse_plane (cur, height, width, p > 0 ? prev->act : NULL, sc);
          choose_contexts (pp, sc, plane, p > 0, mid);
          header_steps (&s, pp, mid);
          code_plane (pp, cur, sym, plane, sc, models, &s);
        }
      steps_put (&o, &s);
      Prep *tmp = cur;
      cur = prev;
      prev = tmp;
    }

  GBytes *bytes = NULL;
  if (ok)
    bytes = out_finish (&o);
  else
    g_free (o.buf);
  g_free (s.e);
  prep_free (&prep[0]);
  prep_free (&prep[1]);
  g_free (sc->hist);
  g_free (sc->hist2);
  g_free (sc->vtmpl);
  g_free (sc->a[0]);
  g_free (sc->a[1]);
  g_free (sc->top);
  g_free (sc->top_prev);
  g_free (sc->left);
  g_free (sc);
  return bytes;
}
