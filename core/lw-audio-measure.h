/* lw-audio-measure.h — decode an audio .lwc and measure it against the original: the one place
 * where rate, distortion and timing figures of coded audio are computed
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The audio counterpart of lw-measure.h: the GUI's audio page, `latent-workbench-cli` and RD
 * sweeps call these, so their numbers agree to the bit. Units: bytes of the complete .lwc
 * container; kbit/s over the clip's duration; bits per sample per channel; dB; milliseconds.
 * ratio = size of the same audio as 16-bit PCM (2 · C · T bytes) / bytes.
 */
#pragma once

#include <gio/gio.h>

#include "lw-codec.h"
#include "lw-tensor.h"

G_BEGIN_DECLS

typedef struct
{
  gsize  bytes;
  double kbps, bits_per_sample, ratio /* 16-bit PCM size / bytes */, dim_reduction;
  double snr, si_sdr, psnr, lsd;                 /* lw-audio-metrics.h */
  double analyse_ms, encode_ms, decode_ms;       /* 0 when not timed here */
} LwAudioMeasure;

/* Decode `lwc` (a complete .lwc of `audio` written by `codec`; codec NULL = look up by id),
 * time the decode, check the shape (C×T equal to audio's) and measure every field. A non-NULL
 * codec is used as it is and the container's codec id must be its id. decoded_out (nullable)
 * receives the decoded tensor. Polls cancellable between metrics; `out` is untouched on error. */
gboolean lw_audio_measure_lwc    (const LwCodec *codec, const LwTensor *audio, GBytes *lwc,
                                  LwAudioMeasure *out, LwTensor **decoded_out,
                                  GCancellable *cancellable, GError **error);
/* lw_audio_measure_lwc with a choice: `with_lsd` FALSE leaves lsd NaN — the log-spectral
 * distance needs four STFTs per channel, as long as the rest together, so the GUI's slider
 * shows the other figures first and adds lw_lsd() a moment later. */
gboolean lw_audio_measure_lwc_partial (const LwCodec *codec, const LwTensor *audio, GBytes *lwc,
                                       gboolean with_lsd, LwAudioMeasure *out,
                                       LwTensor **decoded_out, GCancellable *cancellable,
                                       GError **error);
/* analyse + encode (timed separately) + lw_audio_measure_lwc. lwc_out, decoded_out nullable. */
gboolean lw_audio_measure_encode (const LwCodec *codec, const LwTensor *audio,
                                  const LwParams *params, LwAudioMeasure *out, GBytes **lwc_out,
                                  LwTensor **decoded_out, GCancellable *cancellable,
                                  GError **error);

G_END_DECLS
