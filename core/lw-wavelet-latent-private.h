/* lw-wavelet-latent-private.h — pieces the image and audio wavelet-latent codecs share
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The fitted-basis chunk ('BASE'): D float32 means, then N×D float16 rows, little-endian.
 */
#pragma once

#include <glib.h>

#include "lw-pca.h"

G_BEGIN_DECLS

/* The first n rows of `pca` and its mean as a 'BASE' chunk */
GBytes *_lw_wavelet_latent_basis_chunk (const LwPca *pca, guint n);
/* Parses a 'BASE' chunk for n rows of dim; checks its length and that every value is finite.
 * `who` prefixes error messages (the codec name). */
LwPca  *_lw_wavelet_latent_read_basis (GBytes *chunk, guint dim, guint n, const char *who,
                                       GError **error);

G_END_DECLS
