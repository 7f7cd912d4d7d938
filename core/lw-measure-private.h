/* lw-measure-private.h — the decode step image and audio measuring share
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lw-bitstream.h"
#include "lw-codec.h"

G_BEGIN_DECLS

/* Parses `lwc`, resolves the codec (*codec NULL: by the container's id; else the container
 * must be for it, and it is used as it is, registered or not), checks it is of `kind`,
 * decodes (timed into *decode_ms, parse included) and checks the result has `signal`'s shape.
 * *file_out receives the parsed container (for its recorded parameters). (transfer full) */
LwTensor *_lw_measure_decode (const LwCodec  **codec,
                              LwMediaKind      kind,
                              const LwTensor  *signal,
                              GBytes          *lwc,
                              LwBitstream    **file_out,
                              double          *decode_ms,
                              GError         **error);

G_END_DECLS
