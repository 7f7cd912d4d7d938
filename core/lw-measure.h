/* lw-measure.h — decode a .lwc and measure it against the original image: the one place
 * where rate, distortion and timing figures of a coded image are computed
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The GUI's worker, `latent-workbench-cli run` and RD sweeps all call lw_measure_lwc, so a
 * number shown in the window, printed by the CLI and stored in an experiment file come from
 * the same code. Units: bytes of the complete .lwc container (header, parameters and chunk
 * table included — peer codecs pay for the container too), bits per pixel, milliseconds.
 */
#pragma once

#include <gio/gio.h>

#include "lw-codec.h"
#include "lw-tensor.h"

G_BEGIN_DECLS

typedef struct
{
  gsize  bytes;          /* complete .lwc size */
  double bpp, ratio;     /* lw_bpp, lw_compression_ratio */
  double dim_reduction;  /* from the container's "dim_reduction" param, else 1 */
  double psnr, psnr_y, ssim, ms_ssim;
  double analyse_ms, encode_ms, decode_ms;  /* 0 when not timed here */
} LwMeasure;

/* Decode `lwc` (a complete .lwc of `image` written by `codec`; codec NULL = look up by id),
 * time the decode, check the shape, and measure every field against image. decoded_out
 * (nullable) receives the decoded tensor. Polls cancellable between metrics.
 * A non-NULL `codec` is used as it is (it need not be registered) and the container's codec
 * id must be its id. On error `out` is left untouched. */
gboolean lw_measure_lwc (const LwCodec *codec, const LwTensor *image, GBytes *lwc, LwMeasure *out,
                         LwTensor **decoded_out, GCancellable *cancellable, GError **error);

/* What lw_measure_lwc does, with a choice: `structural` FALSE leaves ssim and ms_ssim NaN, for
 * callers that show the cheap figures first and add lw_measure_structural() a moment later
 * (the GUI's slider). lw_measure_lwc is this with structural TRUE. */
gboolean lw_measure_lwc_partial (const LwCodec *codec, const LwTensor *image, GBytes *lwc,
                                 gboolean structural, LwMeasure *out, LwTensor **decoded_out,
                                 GCancellable *cancellable, GError **error);
/* Fills out->ssim and out->ms_ssim (lw_ssim_and_ms_ssim) */
gboolean lw_measure_structural (const LwTensor *image, const LwTensor *decoded, LwMeasure *out,
                                GCancellable *cancellable, GError **error);

/* analyse + encode (timed separately) + lw_measure_lwc. lwc_out and decoded_out are nullable. */
gboolean lw_measure_encode (const LwCodec *codec, const LwTensor *image, const LwParams *params,
                            LwMeasure *out, GBytes **lwc_out, LwTensor **decoded_out,
                            GCancellable *cancellable, GError **error);

G_END_DECLS
