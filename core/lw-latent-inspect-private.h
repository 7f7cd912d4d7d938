/* lw-latent-inspect-private.h — helpers for codecs that implement LwCodec.inspect
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lw-latent-inspect.h"

G_BEGIN_DECLS

/* A zeroed info with n_channels channels named "latent k"; values and description unset */
LwLatentInfo *_lw_latent_info_new (guint n_channels, guint height, guint width);

/* Empirical zeroth-order entropy (bits/symbol) of n symbols. `hist` has an entry for every
 * symbol that can occur, all 0, and is left all 0 again; the work is n plus the span of the
 * values that occur, not the alphabet. */
double _lw_latent_entropy_u16 (const guint16 *sym, gsize n, guint32 *hist);

/* Statistics of one channel of n positions: `sym` its quantised symbols, `coded` the symbols
 * the entropy coder saw (NULL: the same), `values` the dequantised values, `zero` the symbol
 * of the zero bin; `hist` as above. Leaves name, coded_bits and predicted alone. */
void   _lw_latent_channel_fill (LwLatentChannel *ch, const guint16 *sym, const guint16 *coded,
                                const float *values, gsize n, guint zero, guint32 *hist);

G_END_DECLS
