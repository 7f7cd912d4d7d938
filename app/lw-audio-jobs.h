/* lw-audio-jobs.h — work the audio page hands to worker threads: loading a clip with its
 * spectrogram, and one analyse → encode → decode → measure round trip for the rate slider
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The audio counterpart of lw-jobs.h, with the same rules: inputs are immutable and
 * reference-counted (LwSharedImage holds any signal tensor — here C×T with sample_rate —
 * and LwAnalysis is the codec analysis cache), workers never touch widgets, and the
 * spectrograms come back as dB tensors ready for LwSpectrogram's set_db.
 */
#pragma once

#include "lw-jobs.h"
#include "lw-audio-io.h"
#include "lw-audio-measure.h"
#include "lw-stft.h"

G_BEGIN_DECLS

/* A spectrogram for display: the channel mean's |STFT| in dB (lw_stft_db, Hann window),
 * resampled onto display rows (lw_spectrum_rows). */
typedef struct
{
  LwTensor   *db;                 /* frames × rows, dB */
  double      seconds_per_frame;  /* hop / rate; frame i is centred on i·hop / rate */
  double      f_min, f_max;       /* rows span f_min … rate/2 */
  LwFreqScale scale;
  guint       n_fft, hop;         /* what was used (hop possibly raised, see the settings) */
  LwWindowKind window;
} LwSpectrogramData;

void lw_spectrogram_data_free (LwSpectrogramData *s);

typedef struct
{
  guint        n_fft, hop;  /* 0, 0 = choose from the length: n_fft 2048, and the smallest hop
                             * of at least n_fft/4 that gives ≤ 4000 frames (hop 0 alone: the
                             * same rule for the given n_fft). A given hop is raised when the
                             * signal would need more than 4000 frames (memory). */
  LwFreqScale  scale;       /* default LW_FREQ_LOG (f_min 20 Hz; linear and mel start at 0) */
  guint        rows;        /* display rows, e.g. 256 (0: 256) */
  LwWindowKind window;      /* default LW_WINDOW_HANN */
} LwSpectrogramSettings;

/* Addition: the defaults (auto n_fft/hop, LW_FREQ_LOG, 256 rows) */
void               lw_spectrogram_settings_init (LwSpectrogramSettings *settings);
/* Addition: the spectrogram of `audio` (C×T with sample_rate) under `settings` (nullable:
 * defaults). Thread-safe; what the workers below use. */
LwSpectrogramData *lw_spectrogram_compute (const LwTensor              *audio,
                                           const LwSpectrogramSettings *settings,
                                           GError                     **error);

/* Addition: the spectrogram of `audio` on a worker thread (settings nullable: defaults,
 * copied); the result is an LwSpectrogramData */
void               lw_spectrogram_async  (LwSharedImage               *audio,
                                          const LwSpectrogramSettings *settings,
                                          GCancellable                *cancellable,
                                          GAsyncReadyCallback          cb,
                                          gpointer                     user_data);
LwSpectrogramData *lw_spectrogram_finish (GAsyncResult *result,
                                          GError      **error);

typedef struct
{
  LwSharedImage     *audio;        /* C×T with sample_rate; name and path set */
  LwAudioInfo        info;
  LwSpectrogramData *spectrogram;  /* of the original */
} LwAudioLoadResult;

void               lw_audio_load_result_free (LwAudioLoadResult *r);
/* `source` (nullable) is kept alive until the callback has run; `settings` nullable (defaults),
 * copied. */
void               lw_load_audio_async  (GObject                     *source,
                                         GFile                       *file,
                                         const LwSpectrogramSettings *settings,
                                         GCancellable                *cancellable,
                                         GAsyncReadyCallback          cb,
                                         gpointer                     user_data);
LwAudioLoadResult *lw_load_audio_finish (GAsyncResult  *res,
                                         GError       **error);

/* One point of the rate slider */
typedef struct
{
  guint64               serial;       /* chosen by the caller, returned in the result */
  LwSharedImage        *audio;        /* owned ref */
  LwParams             *params;       /* owned copy; params->codec is an LW_MEDIA_AUDIO codec */
  LwAnalysis           *analysis;     /* owned ref, nullable: analyse first when NULL */
  LwSpectrogramSettings spectrogram;  /* lw_audio_encode_request_new sets the defaults */
  gboolean              lsd;          /* also the log-spectral distance (TRUE by default; FALSE:
                                       * NaN, to be added by lw_audio_lsd_async) */
  gboolean              residual_spectrogram; /* TRUE by default; FALSE: not made (NULL) */
} LwAudioEncodeRequest;

typedef struct
{
  guint64            serial;
  gboolean           complete;        /* FALSE: cancelled after the analysis; only `analysis` set */
  LwAnalysis        *analysis;        /* the analysis used (reused or new): cache it */
  gboolean           analysis_reused;
  LwAudioMeasure     measure;         /* timings filled (analyse_ms 0 when reused) */
  GBytes            *lwc;             /* the complete .lwc file */
  LwSharedImage     *decoded;         /* C×T, sample_rate set */
  LwSharedImage     *residual;        /* decoded − original, C×T, sample_rate set */
  LwSpectrogramData *decoded_spectrogram;
  LwSpectrogramData *residual_spectrogram;
} LwAudioEncodeResult;

LwAudioEncodeRequest *lw_audio_encode_request_new  (guint64         serial,
                                                    LwSharedImage  *audio,
                                                    const LwParams *params,
                                                    LwAnalysis     *analysis);
void                  lw_audio_encode_request_free (LwAudioEncodeRequest *r);
void                  lw_audio_encode_result_free  (LwAudioEncodeResult *r);
/* Takes `request`. `source` (nullable) is kept alive until the callback has run. Cancellation
 * is polled between steps: cancelled after the analysis → an incomplete result carrying the
 * analysis (for the cache); otherwise G_IO_ERROR_CANCELLED. */
void                  lw_audio_encode_async  (GObject              *source,
                                              LwAudioEncodeRequest *request,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   cb,
                                              gpointer              user_data);
LwAudioEncodeResult  *lw_audio_encode_finish (GAsyncResult  *res,
                                              GError       **error);

/* The log-spectral distance of a result on show — the slow figure, after the picture. */
void     lw_audio_lsd_async  (GObject             *source,
                              LwSharedImage       *audio,
                              LwSharedImage       *decoded,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data);
gboolean lw_audio_lsd_finish (GAsyncResult  *result,
                              double        *lsd,
                              GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwSpectrogramData, lw_spectrogram_data_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwAudioLoadResult, lw_audio_load_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwAudioEncodeRequest, lw_audio_encode_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwAudioEncodeResult, lw_audio_encode_result_free)

G_END_DECLS
