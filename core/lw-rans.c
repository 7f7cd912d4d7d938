/* lw-rans.c — static-table rANS coder: tables from counts, buffered reverse encoder, checked decoder
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-rans"

#include "lw-rans.h"

#include "lw-error.h"
#include "lw-rans-private.h"

/* The lookup stores symbols as guint16 */
#define LW_RANS_MAX_SYMBOLS 65536u

LwRansTable *
lw_rans_table_new_from_counts (const guint32 *counts,
                               guint          n_symbols,
                               gboolean       keep_all,
                               GError       **error)
{
  if (counts == NULL || n_symbols == 0 || n_symbols > LW_RANS_MAX_SYMBOLS)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "rANS table: %u symbols (must be 1..%u)", n_symbols, LW_RANS_MAX_SYMBOLS);
      return NULL;
    }

  guint64 total = 0;
  guint n_present = 0;
  for (guint s = 0; s < n_symbols; s++)
    {
      total += counts[s];
      if (counts[s] > 0 || keep_all)
        n_present++;
    }
  if (total == 0 && !keep_all)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "rANS table: all %u counts are zero", n_symbols);
      return NULL;
    }
  if (n_present > LW_RANS_PROB_SCALE)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "rANS table: %u symbols need a frequency but the scale is only %u",
                   n_present, LW_RANS_PROB_SCALE);
      return NULL;
    }

  LwRansTable *t = g_new0 (LwRansTable, 1);
  t->n_symbols = n_symbols;
  t->freq = g_new0 (guint32, n_symbols);
  t->cum = g_new0 (guint32, (gsize) n_symbols + 1);
  t->lookup = g_new (guint16, LW_RANS_PROB_SCALE);

  /* Proportional share f = max(1, floor(count·k/total)) for present symbols, with the
   * largest k ≤ 2^PROB_BITS whose sum still fits (binary search: the sum grows with k and
   * k = 0 fits because n_present ≤ scale). The small remainder goes to the most frequent
   * symbol, where it costs the least rate. */
  guint64 lo = 0, hi = LW_RANS_PROB_SCALE;
  while (lo < hi)
    {
      guint64 k = (lo + hi + 1) / 2;
      guint64 sum = 0;
      for (guint s = 0; s < n_symbols; s++)
        {
          guint64 f = total > 0 ? (guint64) counts[s] * k / total : 0;
          if (f == 0 && (counts[s] > 0 || keep_all))
            f = 1;
          sum += f;
        }
      if (sum <= LW_RANS_PROB_SCALE)
        lo = k;
      else
        hi = k - 1;
    }
  guint64 sum = 0;
  guint largest = 0;
  for (guint s = 0; s < n_symbols; s++)
    {
      guint64 f = total > 0 ? (guint64) counts[s] * lo / total : 0;
      if (f == 0 && (counts[s] > 0 || keep_all))
        f = 1;
      t->freq[s] = (guint32) f;
      sum += f;
      if (t->freq[s] > t->freq[largest])
        largest = s;
    }
  t->freq[largest] += (guint32) (LW_RANS_PROB_SCALE - sum);

  for (guint s = 0; s < n_symbols; s++)
    {
      t->cum[s + 1] = t->cum[s] + t->freq[s];
      for (guint32 k = t->cum[s]; k < t->cum[s + 1]; k++)
        t->lookup[k] = (guint16) s;
    }
  g_assert_true (t->cum[n_symbols] == LW_RANS_PROB_SCALE);
  return t;
}

void
lw_rans_table_free (LwRansTable *table)
{
  if (table == NULL)
    return;
  g_free (table->freq);
  g_free (table->cum);
  g_free (table->lookup);
  g_free (table);
}

typedef struct
{
  const LwRansTable *table;
  guint              symbol;
} PendingSymbol;

struct _LwRansEncoder
{
  GArray *pending; /* PendingSymbol, in put order */
};

LwRansEncoder *
lw_rans_encoder_new (void)
{
  LwRansEncoder *enc = g_new0 (LwRansEncoder, 1);
  enc->pending = g_array_new (FALSE, FALSE, sizeof (PendingSymbol));
  return enc;
}

gboolean
lw_rans_encoder_put (LwRansEncoder     *enc,
                     const LwRansTable *table,
                     guint              symbol)
{
  g_return_val_if_fail (enc != NULL && table != NULL, FALSE);
  if (symbol >= table->n_symbols || table->freq[symbol] == 0)
    return FALSE;
  PendingSymbol p = { table, symbol };
  g_array_append_val (enc->pending, p);
  return TRUE;
}

GBytes *
lw_rans_encoder_finish (LwRansEncoder *enc)
{
  g_return_val_if_fail (enc != NULL, NULL);
  LwRansOut out = { NULL, 0, 0 };
  guint32 x = LW_RANS_L;
  _lw_rans_out_grow (&out, enc->pending->len / 2 + 16);
  for (guint i = enc->pending->len; i-- > 0;)
    {
      const PendingSymbol *p = &g_array_index (enc->pending, PendingSymbol, i);
      _lw_rans_enc_put (&x, &out, p->table->cum[p->symbol], p->table->freq[p->symbol]);
    }
  _lw_rans_enc_flush (x, &out);
  _lw_rans_out_reverse (out.buf, out.len);
  lw_rans_encoder_free (enc);
  return g_bytes_new_take (out.buf, out.len);
}

void
lw_rans_encoder_free (LwRansEncoder *enc)
{
  if (enc == NULL)
    return;
  g_array_unref (enc->pending);
  g_free (enc);
}

struct _LwRansDecoder
{
  LwRansDec d;
  gsize     len;
};

LwRansDecoder *
lw_rans_decoder_new (const guint8 *data,
                     gsize         len,
                     GError      **error)
{
  LwRansDecoder *dec = g_new0 (LwRansDecoder, 1);
  if (data == NULL || len < 4)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TRUNCATED,
                   "rANS stream: %" G_GSIZE_FORMAT " bytes, the initial state needs 4", len);
      g_free (dec);
      return NULL;
    }
  if (!_lw_rans_dec_init (&dec->d, data, len))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "rANS stream: initial state 0x%08x is outside [2^23, 2^31)", dec->d.x);
      g_free (dec);
      return NULL;
    }
  dec->len = len;
  return dec;
}

gboolean
lw_rans_decoder_get (LwRansDecoder     *dec,
                     const LwRansTable *table,
                     guint             *symbol,
                     GError           **error)
{
  g_return_val_if_fail (dec != NULL && table != NULL && symbol != NULL, FALSE);
  guint32 slot = _lw_rans_dec_slot (&dec->d);
  guint s = table->lookup[slot];
  _lw_rans_dec_advance (&dec->d, table->cum[s], table->freq[s]);
  if (dec->d.overrun)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TRUNCATED,
                   "rANS stream: ran out of bytes after %" G_GSIZE_FORMAT " bytes", dec->len);
      return FALSE;
    }
  *symbol = s;
  return TRUE;
}

gboolean
lw_rans_decoder_finish (LwRansDecoder *dec,
                        GError       **error)
{
  g_return_val_if_fail (dec != NULL, FALSE);
  if (dec->d.overrun)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TRUNCATED,
                   "rANS stream: ran out of bytes after %" G_GSIZE_FORMAT " bytes", dec->len);
      return FALSE;
    }
  if (dec->d.p != dec->d.end)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "rANS stream: %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes left unread",
                   (gsize) (dec->d.end - dec->d.p), dec->len);
      return FALSE;
    }
  if (dec->d.x != LW_RANS_L)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "rANS stream: final state 0x%08x is not the initial state 0x%08x",
                   dec->d.x, LW_RANS_L);
      return FALSE;
    }
  return TRUE;
}

void
lw_rans_decoder_free (LwRansDecoder *dec)
{
  g_free (dec);
}
