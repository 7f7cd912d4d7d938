/* lw-rans.h — rANS entropy coder (static frequency tables) and the latent-plane coder on top
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Low level: a 32-bit-state rANS with byte-wise renormalisation and LW_RANS_PROB_BITS-bit
 * probabilities. Symbols are put in forward order; the encoder buffers them and codes in reverse
 * so the decoder reads forward. Decoding never reads past the buffer it is given: running out of
 * bytes, or a final state that is not the initial one, is an error.
 *
 * High level (the product's coder): lw_latent_code_planes() codes C planes of H×W unsigned
 * integer symbols with per-plane adaptive or context-modelled frequency tables that are part of
 * the stream, so a decoder needs only the shape and the alphabet size.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LW_RANS_PROB_BITS 15
#define LW_RANS_PROB_SCALE (1u << LW_RANS_PROB_BITS)

/* A normalised table: freq[s] ≥ 1 for every symbol that may occur, Σ freq = 2^PROB_BITS */
typedef struct
{
  guint     n_symbols;
  guint32  *freq;   /* n_symbols */
  guint32  *cum;    /* n_symbols + 1 */
  guint16  *lookup; /* 2^PROB_BITS entries: slot → symbol (decoder) */
} LwRansTable;

/* Build from raw counts; symbols with count 0 get frequency 0 (cannot be coded) unless
 * `keep_all` is set, in which case every symbol gets at least 1. Fails if all counts are 0. */
LwRansTable *lw_rans_table_new_from_counts (const guint32 *counts, guint n_symbols,
                                            gboolean keep_all, GError **error);
void         lw_rans_table_free (LwRansTable *table);

typedef struct _LwRansEncoder LwRansEncoder;
LwRansEncoder *lw_rans_encoder_new    (void);
/* Fails (FALSE) if the symbol has zero frequency in table */
gboolean       lw_rans_encoder_put    (LwRansEncoder *enc, const LwRansTable *table, guint symbol);
/* Encodes everything put so far and frees the encoder. */
GBytes        *lw_rans_encoder_finish (LwRansEncoder *enc);
void           lw_rans_encoder_free   (LwRansEncoder *enc);

typedef struct _LwRansDecoder LwRansDecoder;
LwRansDecoder *lw_rans_decoder_new    (const guint8 *data, gsize len, GError **error);
/* Returns FALSE and sets error on corrupt data (state underflow, out of bytes) */
gboolean       lw_rans_decoder_get    (LwRansDecoder *dec, const LwRansTable *table,
                                       guint *symbol, GError **error);
/* TRUE if the whole buffer was consumed and the final state is the initial one */
gboolean       lw_rans_decoder_finish (LwRansDecoder *dec, GError **error);
void           lw_rans_decoder_free   (LwRansDecoder *dec);

/* The most symbols one latent stream may hold (n_planes × height × width) */
#define LW_LATENT_MAX_SYMBOLS (1u << 28)

/* Latent planes: `symbols` holds n_planes × height × width values in [0, alphabet),
 * alphabet ≤ 65536. Returns a self-describing byte string (tables included). */
GBytes  *lw_latent_code_planes   (const guint16 *symbols, guint n_planes, guint height,
                                  guint width, guint alphabet, GError **error);
/* Decodes into `symbols` (n_planes × height × width). Any inconsistency is an error. */
gboolean lw_latent_decode_planes (const guint8 *data, gsize len, guint16 *symbols,
                                  guint n_planes, guint height, guint width, guint alphabet,
                                  GError **error);

/* The same, and plane_bits[p] (n_planes doubles) receives the bits plane p cost in the
 * stream. The format has no per-plane lengths and the planes share two interleaved states, so
 * this is measured from the coder itself: 8 × the bytes read while decoding plane p, plus
 * log2 of the two states before it, minus log2 of the two states after it. That is the ideal
 * code length −log2 p of the plane's steps under the adaptive model, up to rANS rounding
 * (below 0.01 bit per step). The planes sum to 8·len less the stream overhead: the version
 * byte and the unused headroom of the two initial states, 56 to 72 bits. */
gboolean lw_latent_decode_planes_bits (const guint8 *data, gsize len, guint16 *symbols,
                                       guint n_planes, guint height, guint width,
                                       guint alphabet, double *plane_bits, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwRansTable, lw_rans_table_free)

G_END_DECLS
