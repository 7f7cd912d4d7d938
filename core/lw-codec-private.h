/* lw-codec-private.h — what codec implementations share; not for front ends
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lw-codec.h"
#include "lw-bitstream.h"

G_BEGIN_DECLS

extern const LwCodec lw_codec_wavelet_latent;
extern const LwCodec lw_codec_jpeg;
extern const LwCodec lw_codec_jpeg2000;
extern const LwCodec lw_codec_webp;
extern const LwCodec lw_codec_wavelet_latent_audio;
extern const LwCodec lw_codec_opus;
extern const LwCodec lw_codec_flac;

/* Stable codec ids in the .lwc header */
enum
{
  LW_CODEC_ID_WAVELET_LATENT = 1,
  LW_CODEC_ID_JPEG = 2,
  LW_CODEC_ID_JPEG2000 = 3,
  LW_CODEC_ID_WEBP = 4,
  LW_CODEC_ID_OPUS = 17,
  LW_CODEC_ID_FLAC = 18,
};

/* Common chunk tag for a peer codec's native stream */
#define LW_CHUNK_NATIVE LW_FOURCC ('N', 'A', 'T', 'V')

/* A container for `codec` with the signal's shape and all parameter values recorded. */
LwBitstream *_lw_codec_container_new (const LwCodec *codec, const LwTensor *signal,
                                      const LwParams *params);
/* Decoders refuse files that would expand beyond this many samples per payload byte once
 * they declare more than LW_DECODE_FREE_SAMPLES samples (docs/lwc-format.md) */
#define LW_DECODE_FREE_SAMPLES (1u << 24)
#define LW_DECODE_SAMPLES_PER_BYTE 16384u

/* Checks that the container's shape is a C×H×W image with 1 ≤ C ≤ 4 and sides within
 * LW_IMAGE_MAX_SIDE, that the payload is large enough for it (no decompression bomb), and
 * returns it. */
gboolean     _lw_codec_container_image_shape (LwBitstream *file, guint *c, guint *h, guint *w,
                                              GError **error);
/* Reads a parameter the container must carry, range-checked against the codec's spec. */
gboolean     _lw_codec_container_param (const LwCodec *codec, LwBitstream *file,
                                        const char *name, double *value, GError **error);

/* Image analysis for peer codecs: an 8-bit interleaved copy of the input */
typedef struct
{
  guint   width, height, channels;
  guint8 *pixels; /* H×W×C */
} LwU8Image;

gpointer _lw_u8_image_analyse (const LwCodec *codec, const LwTensor *signal,
                               const LwParams *params, GCancellable *cancellable, GError **error);
void     _lw_u8_image_free    (gpointer analysis);

G_END_DECLS
