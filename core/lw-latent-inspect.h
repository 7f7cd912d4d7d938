/* lw-latent-inspect.h — the latent of a coded file made visible: channel values and statistics
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * lw_latent_inspect_bytes() takes a complete .lwc file and returns the latent its codec's
 * decoder works from (dequantised, before the synthesis transform), one channel per latent
 * plane, each with what it cost. Only codecs with a latent implement it (LwCodec.inspect);
 * jpeg, jpeg2000 and webp give LW_ERROR_UNSUPPORTED. It runs the codec's own decoding steps
 * up to the latent and never the synthesis, so it costs less than a decode. Thread-safe: the
 * GUI calls it on a worker thread for every rate step.
 *
 * Units: entropies in bits per symbol, coded/total/side sizes in bits.
 */
#pragma once

#include <glib.h>

#include "lw-codec.h"
#include "lw-tensor.h"

G_BEGIN_DECLS

/* How LwLatentChannel.coded_bits was obtained */
typedef enum
{
  /* Measured from the entropy coder as it decoded the channel (rANS: bytes read plus the change
   * of the coder states, = the ideal code length −log2 p under its adaptive model up to rANS
   * rounding). The channels sum to total_bits less a small stream overhead (≤ 72 bits). */
  LW_LATENT_BITS_MEASURED = 0,
  /* The coder does not separate channels (WebP mosaic): total_bits shared out in proportion
   * to each channel's zeroth-order entropy of its coded symbols × its symbol count. The
   * channels sum to total_bits exactly; each share is an estimate. */
  LW_LATENT_BITS_SHARED = 1,
} LwLatentBitsKind;

typedef struct
{
  char     *name;               /* "latent 0" …, or a codec-specific label */
  double    entropy_bits;       /* empirical zeroth-order entropy of the channel's quantised
                                 * symbols, bits/symbol */
  double    coded_bits;         /* bits the entropy coder spent on the channel (bits_kind) */
  double    min, max, mean, std; /* of the dequantised latent values */
  guint     n_zero;             /* symbols equal to the zero bin */
  /* additions */
  gboolean  predicted;          /* coded as residuals of a spatial prediction (MED) */
  double    coded_entropy_bits; /* zeroth-order entropy of the symbols the coder saw (the
                                 * residuals when predicted, else = entropy_bits) */
} LwLatentChannel;

struct _LwLatentInfo
{
  guint            n_channels, height, width; /* latent grid */
  LwTensor        *values;      /* n_channels × height × width dequantised latent values */
  LwLatentChannel *channels;    /* n_channels */
  double           total_bits;  /* bits of the whole latent payload (its chunk) */
  double           side_bits;   /* everything else in the file: header, basis, other chunks */
  char            *description; /* e.g. "48 latents of 64×64 from a 3-level CDF 9/7 …" */
  /* additions */
  const char      *codec;       /* (static) codec name, "wavelet-latent" */
  LwLatentBitsKind bits_kind;   /* how channels[].coded_bits were obtained */
  guint            alphabet;    /* symbols are 0 … alphabet−1, the zero bin alphabet/2 */
};

void          lw_latent_info_free     (LwLatentInfo *info);

/* From a complete .lwc file. Codecs without an inspectable latent give NULL with
 * LW_ERROR_UNSUPPORTED and a message naming the codec. The file is checked as a decode
 * checks it. (transfer full) (nullable) */
LwLatentInfo *lw_latent_inspect_bytes (const guint8 *data, gsize len, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwLatentInfo, lw_latent_info_free)

G_END_DECLS
