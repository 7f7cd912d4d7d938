/* lw-bitstream.h — the `.lwc` container: header, parameters, chunk table, CRC32 per chunk
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Layout and rules are specified in docs/lwc-format.md. All integers little-endian.
 * A writer collects a codec id, the signal shape, the parameter values (by name) and
 * chunks (four-character tag + bytes), then serialises. The parser checks every length,
 * count and CRC before anything is used, and names what was wrong in its error.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LW_BITSTREAM_VERSION     1
#define LW_BITSTREAM_MAX_CHUNKS  64
#define LW_BITSTREAM_MAX_PARAMS  32
#define LW_BITSTREAM_MAX_DIMS    4

/* Four-character chunk tags, e.g. LW_FOURCC ('L','A','T','0') */
#define LW_FOURCC(a, b, c, d) \
  ((guint32) (guint8) (a) | ((guint32) (guint8) (b) << 8) | ((guint32) (guint8) (c) << 16) | \
   ((guint32) (guint8) (d) << 24))

typedef struct _LwBitstream LwBitstream;

LwBitstream *lw_bitstream_new          (guint16 codec_id, guint8 media_kind);
void         lw_bitstream_free         (LwBitstream *bs);

guint16      lw_bitstream_get_codec_id (const LwBitstream *bs);
guint8       lw_bitstream_get_media_kind (const LwBitstream *bs);

/* Shape of the original signal, e.g. {C, H, W} for an image; each dim 1..2^31−1 */
void         lw_bitstream_set_shape    (LwBitstream *bs, guint ndim, const guint32 *shape);
guint        lw_bitstream_get_ndim     (const LwBitstream *bs);
guint32      lw_bitstream_get_dim      (const LwBitstream *bs, guint i);

/* Named parameter values (name ≤ 63 bytes); order kept */
void         lw_bitstream_set_param    (LwBitstream *bs, const char *name, double value);
gboolean     lw_bitstream_get_param    (const LwBitstream *bs, const char *name, double *value);
guint        lw_bitstream_get_n_params (const LwBitstream *bs);
const char  *lw_bitstream_get_param_name (const LwBitstream *bs, guint i);
double       lw_bitstream_get_param_value (const LwBitstream *bs, guint i);

/* Chunks: tag + payload; the container keeps a reference to `data` */
void         lw_bitstream_add_chunk    (LwBitstream *bs, guint32 tag, GBytes *data);
/* (transfer none) (nullable): the first chunk with this tag */
GBytes      *lw_bitstream_get_chunk    (const LwBitstream *bs, guint32 tag);
guint        lw_bitstream_get_n_chunks (const LwBitstream *bs);
guint32      lw_bitstream_get_chunk_tag (const LwBitstream *bs, guint i);
GBytes      *lw_bitstream_get_chunk_at (const LwBitstream *bs, guint i);

GBytes      *lw_bitstream_serialize    (const LwBitstream *bs);
/* (transfer full) (nullable); `data` is copied */
LwBitstream *lw_bitstream_parse        (const guint8 *data, gsize len, GError **error);

/* "LAT0" for a tag; static buffer-free: writes into out[5] */
void         lw_fourcc_to_string       (guint32 tag, char out[5]);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwBitstream, lw_bitstream_free)

G_END_DECLS
