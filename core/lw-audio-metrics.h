/* lw-audio-metrics.h — distortion and rate measures for audio (C×T tensors)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * All sums run in double over every channel and sample; ref and test must have the same C×T
 * shape (otherwise NaN and a critical warning). Definitions (checked against numpy by
 * tests/test-audio-metrics.c with tools/gen-audio-vectors.py):
 * - SNR    = 10 log10 (Σ ref² / Σ (ref − test)²); +inf when equal.
 * - SI-SDR (Le Roux et al., ICASSP 2019), per channel on zero-mean signals r = ref − mean,
 *          e = test − mean: α = ⟨e, r⟩/⟨r, r⟩, SI-SDR = 10 log10 (‖α r‖² / ‖α r − e‖²);
 *          the mean over channels (a channel equal to its reference gives +inf, one with no
 *          component along it — silence included — −inf; a constant reference gives NaN).
 * - PSNR   WaLLoC's convention (research/codecs.md §1.3, §5.4): the clip is made zero-mean and
 *          scaled by s so max|ref − mean| = 0.5 (one scale for all channels), then
 *          PSNR = −10 log10 MSE of the scaled signals = 10 log10 ((2·max|ref − mean|)² / MSE).
 *          A constant reference uses max = 1 (full scale). +inf when equal.
 * - LSD    log-spectral distance in dB: per channel, STFT (lw-stft.h: 2048-point periodic
 *          Hann, hop 512, centred frames with zero padding) → P = (|X|/(Σw/2))²;
 *          per frame sqrt (mean over the 1025 bins of (10 log10 (P_ref + 1e-10) −
 *          10 log10 (P_test + 1e-10))²), then the mean over frames and channels. The 1e-10
 *          floor (−100 dB re full scale) keeps digital silence from dominating.
 */
#pragma once

#include "lw-tensor.h"

G_BEGIN_DECLS

#define LW_LSD_N_FFT 2048
#define LW_LSD_HOP   512
#define LW_LSD_FLOOR 1e-10

double lw_snr          (const LwTensor *ref, const LwTensor *test);   /* dB */
double lw_si_sdr       (const LwTensor *ref, const LwTensor *test);   /* dB, channel mean */
double lw_audio_psnr   (const LwTensor *ref, const LwTensor *test);   /* dB, WaLLoC convention */
double lw_lsd          (const LwTensor *ref, const LwTensor *test);   /* dB */
double lw_kbps         (gsize bytes, gsize frames, double sample_rate); /* kbit/s of the whole file */
double lw_bits_per_sample (gsize bytes, gsize frames, gsize channels);  /* bits per sample per channel */

G_END_DECLS
