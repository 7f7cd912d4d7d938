/* lw-latent-planes-private.h — the WebP mosaic and the MED prediction of wavelet-latent's
 * integer latent planes (docs/lwc-format.md, chunks 'LATW' and 'PRED')
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Planes are `planes` × ph × pw symbols, row-major, each in [0, alphabet); `zero` is the
 * symbol of level 0 (alphabet / 2).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* WaLLoC's mosaic: planes tiled n×n into an RGB image (3n² ≥ planes), coded as lossless WebP */
GBytes   *_lw_webp_mosaic_encode (const guint16 *sym, guint planes, guint ph, guint pw,
                                  guint16 zero, GError **error);
/* The inverse; checks the image's size and that every symbol is below `alphabet` */
gboolean  _lw_webp_mosaic_decode (GBytes *chunk, guint16 *sym, guint planes, guint ph,
                                  guint pw, guint alphabet, GError **error);
/* Replaces each plane whose MED residuals code smaller by those residuals; returns one flag
 * per plane (1 = predicted; g_free) */
guint8   *_lw_predict_planes     (guint16 *sym, guint planes, guint h, guint w,
                                  guint alphabet);
/* Undoes the prediction of one plane in place */
void      _lw_residuals_to_plane (guint16 *plane, guint h, guint w, guint alphabet);

G_END_DECLS
