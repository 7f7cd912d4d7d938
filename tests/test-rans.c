/* test-rans.c — the low-level rANS coder: tables, exact round trips, rate, hostile streams
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Rates are checked against the zero-order entropy −Σ n_s log2 (n_s / n) computed here,
 * independently of the coder's own tables.
 */
#define G_LOG_DOMAIN "test-rans"

#include <math.h>
#include <string.h>

#include "lw-error.h"
#include "lw-rans.h"

static guint
draw (GRand *r, const guint32 *counts, guint n_symbols, guint64 total)
{
  guint64 u = (guint64) (g_rand_double (r) * (double) total);
  for (guint s = 0; s < n_symbols; s++)
    {
      if (u < counts[s])
        return s;
      u -= counts[s];
    }
  for (guint s = n_symbols; s-- > 0;)
    if (counts[s])
      return s;
  return 0;
}

static void
test_table_normalised (void)
{
  GRand *r = g_rand_new_with_seed (11);
  for (guint iter = 0; iter < 200; iter++)
    {
      guint n = 1 + g_rand_int_range (r, 0, iter < 100 ? 300 : 5000);
      g_autofree guint32 *counts = g_new0 (guint32, n);
      for (guint s = 0; s < n; s++)
        if (g_rand_int_range (r, 0, 3) > 0)
          counts[s] = g_rand_int_range (r, 0, 2) ? (guint32) g_rand_int_range (r, 1, 4) : g_rand_int (r) % 100000;
      counts[g_rand_int_range (r, 0, n)] = 1 + g_rand_int_range (r, 0, 1000);
      gboolean keep_all = iter % 2;
      GError *error = NULL;
      g_autoptr (LwRansTable) t = lw_rans_table_new_from_counts (counts, n, keep_all, &error);
      guint present = 0;
      for (guint s = 0; s < n; s++)
        present += counts[s] > 0 || keep_all;
      if (present > LW_RANS_PROB_SCALE)
        {
          g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
          g_clear_error (&error);
          continue;
        }
      g_assert_no_error (error);
      guint64 sum = 0;
      for (guint s = 0; s < n; s++)
        {
          if (counts[s] > 0 || keep_all)
            g_assert_cmpuint (t->freq[s], >=, 1);
          else
            g_assert_cmpuint (t->freq[s], ==, 0);
          g_assert_cmpuint (t->cum[s], ==, sum);
          sum += t->freq[s];
        }
      g_assert_cmpuint (sum, ==, LW_RANS_PROB_SCALE);
      g_assert_cmpuint (t->cum[n], ==, LW_RANS_PROB_SCALE);
      for (guint k = 0; k < LW_RANS_PROB_SCALE; k += 97)
        {
          guint s = t->lookup[k];
          g_assert_true (t->cum[s] <= k && k < t->cum[s + 1]);
        }
    }
  g_rand_free (r);
}

static void
test_table_errors (void)
{
  guint32 zeros[4] = { 0 };
  GError *error = NULL;
  g_assert_null (lw_rans_table_new_from_counts (zeros, 4, FALSE, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
  g_clear_error (&error);
  g_assert_null (lw_rans_table_new_from_counts (zeros, 0, TRUE, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
  g_clear_error (&error);
  g_autofree guint32 *big = g_new0 (guint32, 65537);
  g_assert_null (lw_rans_table_new_from_counts (big, 65537, TRUE, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
  g_clear_error (&error);
  /* 65536 symbols all kept: more than the 2^15 slots */
  g_assert_null (lw_rans_table_new_from_counts (big, 65536, TRUE, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
  g_clear_error (&error);
  /* a 65536-symbol alphabet with few present symbols is fine, up to symbol 65535 */
  big[0] = 5;
  big[65535] = 7;
  g_autoptr (LwRansTable) t = lw_rans_table_new_from_counts (big, 65536, FALSE, &error);
  g_assert_no_error (error);
  LwRansEncoder *enc = lw_rans_encoder_new ();
  g_assert_false (lw_rans_encoder_put (enc, t, 1));
  g_assert_false (lw_rans_encoder_put (enc, t, 65536));
  g_assert_true (lw_rans_encoder_put (enc, t, 65535));
  g_assert_true (lw_rans_encoder_put (enc, t, 0));
  g_autoptr (GBytes) b = lw_rans_encoder_finish (enc);
  gsize len;
  const guint8 *d = g_bytes_get_data (b, &len);
  LwRansDecoder *dec = lw_rans_decoder_new (d, len, &error);
  g_assert_no_error (error);
  guint s;
  g_assert_true (lw_rans_decoder_get (dec, t, &s, &error));
  g_assert_cmpuint (s, ==, 65535);
  g_assert_true (lw_rans_decoder_get (dec, t, &s, &error));
  g_assert_cmpuint (s, ==, 0);
  g_assert_true (lw_rans_decoder_finish (dec, &error));
  g_assert_no_error (error);
  lw_rans_decoder_free (dec);
}

typedef struct
{
  LwRansTable *tables[3];
  guint32     *counts[3];
  guint        n_symbols[3];
  guint       *which; /* table used for each symbol */
  guint       *symbols;
  guint        n;
  GBytes      *coded;
  double       entropy_bits; /* zero-order, per table, summed */
  double       source_bits;  /* −Σ log2 of the source probabilities counts/total */
} Stream;

static void
stream_make (Stream *st, GRand *r, guint n)
{
  memset (st, 0, sizeof *st);
  for (guint k = 0; k < 3; k++)
    {
      guint ns = k == 0 ? 2 : k == 1 ? 40 : 1000;
      st->n_symbols[k] = ns;
      st->counts[k] = g_new0 (guint32, ns);
      double scale = k == 2 ? 60 : 5;
      for (guint s = 0; s < ns; s++)
        st->counts[k][s] = (guint32) (10000 * exp (-fabs ((double) s - ns / 2.0) / scale));
      st->counts[k][0] += 1;
      st->counts[k][ns - 1] += 1;
      st->tables[k] = lw_rans_table_new_from_counts (st->counts[k], ns, FALSE, NULL);
      g_assert_nonnull (st->tables[k]);
    }
  st->n = n;
  st->which = g_new (guint, n);
  st->symbols = g_new (guint, n);
  LwRansEncoder *enc = lw_rans_encoder_new ();
  guint32 *hist[3];
  for (guint k = 0; k < 3; k++)
    hist[k] = g_new0 (guint32, st->n_symbols[k]);
  guint64 totals[3];
  for (guint k = 0; k < 3; k++)
    {
      totals[k] = 0;
      for (guint s = 0; s < st->n_symbols[k]; s++)
        totals[k] += st->counts[k][s];
    }
  guint used[3] = { 0 };
  for (guint i = 0; i < n; i++)
    {
      guint k = g_rand_int_range (r, 0, 3);
      guint s = draw (r, st->counts[k], st->n_symbols[k], totals[k]);
      st->which[i] = k;
      st->symbols[i] = s;
      hist[k][s]++;
      used[k]++;
      st->source_bits -= log2 ((double) st->counts[k][s] / totals[k]);
      g_assert_true (lw_rans_encoder_put (enc, st->tables[k], s));
    }
  st->coded = lw_rans_encoder_finish (enc);
  for (guint k = 0; k < 3; k++)
    {
      for (guint s = 0; s < st->n_symbols[k]; s++)
        if (hist[k][s])
          st->entropy_bits -= hist[k][s] * log2 ((double) hist[k][s] / used[k]);
      g_free (hist[k]);
    }
}

static void
stream_clear (Stream *st)
{
  for (guint k = 0; k < 3; k++)
    {
      lw_rans_table_free (st->tables[k]);
      g_free (st->counts[k]);
    }
  g_free (st->which);
  g_free (st->symbols);
  g_bytes_unref (st->coded);
}

/* TRUE if the whole stream decodes to st's symbols and finishes cleanly */
static gboolean
stream_decode (const Stream *st, const guint8 *data, gsize len, GError **error)
{
  LwRansDecoder *dec = lw_rans_decoder_new (data, len, error);
  if (!dec)
    return FALSE;
  gboolean same = TRUE;
  for (guint i = 0; i < st->n; i++)
    {
      guint s;
      if (!lw_rans_decoder_get (dec, st->tables[st->which[i]], &s, error))
        {
          lw_rans_decoder_free (dec);
          return FALSE;
        }
      g_assert_cmpuint (s, <, st->n_symbols[st->which[i]]);
      same &= s == st->symbols[i];
    }
  gboolean ok = lw_rans_decoder_finish (dec, error);
  lw_rans_decoder_free (dec);
  return ok && same;
}

static void
test_round_trip (void)
{
  GRand *r = g_rand_new_with_seed (5);
  guint sizes[] = { 0, 1, 2, 7, 100, 5000, 60000 };
  for (guint j = 0; j < G_N_ELEMENTS (sizes); j++)
    {
      Stream st;
      stream_make (&st, r, sizes[j]);
      gsize len;
      const guint8 *d = g_bytes_get_data (st.coded, &len);
      GError *error = NULL;
      g_assert_true (stream_decode (&st, d, len, &error));
      g_assert_no_error (error);
      /* rate: within 0.5 % of the ideal code length under the source probabilities, plus
       * the 4-byte flush; for long streams also within 1 % of the empirical entropy */
      g_assert_cmpfloat (len * 8.0, <=, 1.005 * st.source_bits + 8 * 8);
      if (sizes[j] >= 60000)
        g_assert_cmpfloat (len * 8.0, <=, 1.01 * st.entropy_bits + 8 * 8);
      if (sizes[j] == 60000)
        g_test_message ("60000 symbols: %" G_GSIZE_FORMAT " bytes, entropy %.0f bytes", len,
                        st.entropy_bits / 8);
      stream_clear (&st);
    }
  g_rand_free (r);
}

static void
test_truncated (void)
{
  GRand *r = g_rand_new_with_seed (7);
  Stream st;
  stream_make (&st, r, 3000);
  gsize len;
  const guint8 *d = g_bytes_get_data (st.coded, &len);
  for (gsize cut = 0; cut < len; cut++)
    {
      /* a copy of exactly `cut` bytes so ASan sees any read past the end */
      g_autofree guint8 *copy = g_memdup2 (d, cut);
      GError *error = NULL;
      g_assert_false (stream_decode (&st, copy, cut, &error));
      g_assert_nonnull (error);
      g_assert_true (error->domain == LW_ERROR);
      g_assert_true (error->code == LW_ERROR_TRUNCATED || error->code == LW_ERROR_INVALID_DATA);
      g_clear_error (&error);
    }
  /* a trailing byte is reported too */
  g_autofree guint8 *longer = g_malloc (len + 1);
  memcpy (longer, d, len);
  longer[len] = 0;
  GError *error = NULL;
  g_assert_false (stream_decode (&st, longer, len + 1, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_DATA);
  g_clear_error (&error);
  stream_clear (&st);
  g_rand_free (r);
}

static void
test_corrupt (void)
{
  GRand *r = g_rand_new_with_seed (9);
  Stream st;
  stream_make (&st, r, 2000);
  gsize len;
  const guint8 *d = g_bytes_get_data (st.coded, &len);
  guint detected = 0, trials = 300;
  for (guint k = 0; k < trials; k++)
    {
      g_autofree guint8 *copy = g_memdup2 (d, len);
      guint flips = 1 + g_rand_int_range (r, 0, 4);
      for (guint f = 0; f < flips; f++)
        copy[g_rand_int_range (r, 0, len)] ^= (guint8) (1 + g_rand_int_range (r, 0, 255));
      GError *error = NULL;
      if (!stream_decode (&st, copy, len, &error))
        {
          detected++;
          if (error)
            g_assert_true (error->domain == LW_ERROR);
          g_clear_error (&error);
        }
    }
  g_test_message ("corruption: %u of %u damaged streams detected or decoded differently",
                  detected, trials);
  /* a decode that matches after damage is possible only by chance */
  g_assert_cmpuint (detected, >=, trials * 9 / 10);
  stream_clear (&st);
  g_rand_free (r);
}

static void
test_bad_initial_state (void)
{
  const guint8 small[4] = { 0, 0, 0, 1 }, huge[4] = { 0xff, 0, 0, 0 };
  GError *error = NULL;
  g_assert_null (lw_rans_decoder_new (small, 4, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_null (lw_rans_decoder_new (huge, 4, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_null (lw_rans_decoder_new (small, 3, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_TRUNCATED);
  g_clear_error (&error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rans/table/normalised", test_table_normalised);
  g_test_add_func ("/rans/table/errors-and-big-alphabet", test_table_errors);
  g_test_add_func ("/rans/round-trip/rate", test_round_trip);
  g_test_add_func ("/rans/hostile/truncated", test_truncated);
  g_test_add_func ("/rans/hostile/corrupt", test_corrupt);
  g_test_add_func ("/rans/hostile/initial-state", test_bad_initial_state);
  return g_test_run ();
}
