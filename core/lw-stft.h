/* lw-stft.h — short-time Fourier transform (FFTW3 single precision), dB magnitudes, display rows
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Conventions (checked against scipy.signal by tests/test-stft.c):
 * - Windows are periodic ("DFT-even", scipy.signal.get_window's default fftbins=True):
 *   Hann w[k] = 0.5 − 0.5 cos(2πk/N), Hamming 0.54 − 0.46 cos(2πk/N), Blackman
 *   0.42 − 0.5 cos(2πk/N) + 0.08 cos(4πk/N), k = 0…N−1. (numpy.hanning etc. are symmetric:
 *   not what is used here.)
 * - Frames are centred: frame i covers x[i·hop − n_fft/2 … i·hop + n_fft/2) with zeros outside
 *   the signal, so frame i belongs to time i·hop / rate; there are 1 + ⌈n / hop⌉ frames (as
 *   scipy.signal.stft (…, boundary='zeros', padded=True)).
 * - Magnitudes are normalised by Σw/2, so a full-scale sine on a bin centre reads 1 (0 dB);
 *   lw_stft_db returns 20·log10 (|X|/(Σw/2) + 1e-10).
 * Planning is serialised through FFTW's thread-safe planner, so any thread may call these.
 */
#pragma once

#include <glib.h>

#include "lw-tensor.h"

G_BEGIN_DECLS

#define LW_STFT_MIN_FFT 64
#define LW_STFT_MAX_FFT 65536

typedef enum { LW_WINDOW_HANN, LW_WINDOW_HAMMING, LW_WINDOW_BLACKMAN, LW_WINDOW_RECT } LwWindowKind;
typedef enum { LW_FREQ_LINEAR, LW_FREQ_LOG, LW_FREQ_MEL } LwFreqScale;
typedef struct { guint n_fft; guint hop; LwWindowKind window; } LwStftConfig;  /* n_fft 64..65536 power of 2 */

/* |STFT| in dB of one channel x[0..n): tensor frames × (n_fft/2 + 1), frames centred (above).
 * Returns: (transfer full) (nullable): NULL with `error` set for a bad configuration.
 * Memory is frames × (n_fft/2 + 1) floats: pick the hop for long signals accordingly. */
LwTensor *lw_stft_db (const float *x, gsize n, const LwStftConfig *cfg, GError **error);
/* Addition: the same frames as linear magnitudes |X|/(Σw/2) (a full-scale sine reads 1) */
LwTensor *lw_stft_magnitude (const float *x, gsize n, const LwStftConfig *cfg, GError **error);
/* Number of frames lw_stft_db returns for n samples: 1 + ⌈n / hop⌉ */
gsize     lw_stft_n_frames (gsize n, guint hop);
/* Fills w[0..n) with the periodic window */
void      lw_window_fill (LwWindowKind kind, guint n, float *w);

/* Rows of a display: resample each frame's bins onto n_rows rows spaced linearly, logarithmically
 * or on the mel scale between f_min and rate/2 → tensor frames × n_rows. Row 0 is f_min, the
 * last row rate/2. A row whose band (between the midpoints to its neighbours) holds one or more
 * bin centres takes the largest of them, so narrow peaks survive; narrower rows interpolate
 * linearly between the two nearest bins. */
LwTensor *lw_spectrum_rows (const LwTensor *db, double sample_rate, guint n_fft, LwFreqScale scale,
                            guint n_rows, double f_min, GError **error);
double lw_hz_to_mel (double hz);   double lw_mel_to_hz (double mel);  /* HTK: 2595 log10 (1 + f/700) */

/* Live analyser: one frame at a time, plan and window made once */
typedef struct _LwSpectrumAnalyser LwSpectrumAnalyser;
/* NULL if n_fft is not a power of two in [LW_STFT_MIN_FFT, LW_STFT_MAX_FFT] */
LwSpectrumAnalyser *lw_spectrum_analyser_new (guint n_fft, LwWindowKind window);
void  lw_spectrum_analyser_process (LwSpectrumAnalyser *a, const float *frame /* n_fft */, float *db_out /* n_fft/2+1 */);
/* Addition: the same frame as linear magnitudes |X|/(Σw/2) */
void  lw_spectrum_analyser_magnitude (LwSpectrumAnalyser *a, const float *frame /* n_fft */, float *mag_out /* n_fft/2+1 */);
void  lw_spectrum_analyser_free (LwSpectrumAnalyser *a);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwSpectrumAnalyser, lw_spectrum_analyser_free)

G_END_DECLS
