/* lw-audio-page-private.h — what the audio page's files share: its state and internal calls
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * lw-audio-page.c          state, the encode pipeline, codec and parameters, spectrograms,
 *                          actions, loading
 * lw-audio-page-playback.c playback, position, selection and loop, meters and the live
 *                          spectrum, the ABX score
 * lw-audio-page-files.c    experiments (apply, make, the view they keep) and saving
 */
#pragma once

#include <gtk/gtk.h>

#include "lw-abx.h"
#include "lw-audio-jobs.h"
#include "lw-audio-page.h"
#include "lw-level-meter.h"
#include "lw-param-controls.h"
#include "lw-spectrogram.h"
#include "lw-spectrogram-options.h"
#include "lw-spectrum.h"
#include "lw-waveform.h"

#define ANALYSER_FFT 4096
#define SPECTROGRAM_ROWS 256

enum {
  METRIC_KBPS,
  METRIC_BPS,
  METRIC_SIZE,
  METRIC_RATIO,
  METRIC_SNR,
  METRIC_SI_SDR,
  METRIC_PSNR,
  METRIC_LSD,
  METRIC_DR,
  METRIC_ANALYSE,
  METRIC_ENCODE,
  METRIC_DECODE,
  N_METRICS
};

struct _LwAudioPage
{
  GtkWidget             parent_instance;

  /* template children */
  GtkPaned             *paned;
  GtkWidget            *play_button;
  GtkLabel             *position_label;
  GtkRevealer          *device_revealer;
  GtkLabel             *device_label;
  GtkStack             *view_stack;
  GtkLabel             *decoded_caption;
  GtkLabel             *residual_caption;
  LwWaveform           *original_wave;
  LwWaveform           *decoded_wave;
  LwWaveform           *residual_wave;
  LwSpectrogram        *original_spec;
  LwSpectrogram        *decoded_spec;
  GtkLabel             *original_spec_caption;
  GtkLabel             *decoded_spec_caption;
  LwSpectrogramOptions *spectrogram_options;
  GtkLabel             *audio_label;
  GtkSpinner           *spinner;
  GtkDropDown          *codec_dropdown;
  LwParamControls      *param_controls;
  GtkGrid              *metrics_grid;
  LwSpectrum           *spectrum;
  LwLevelMeter         *meter;
  GtkLabel             *abx_label;

  GtkLabel            **metric_values;
  GSimpleActionGroup   *actions;
  GSettings            *settings;          /* nullable */
  GPtrArray            *codecs;            /* const LwCodec *: audio codecs with a rate knob */
  LwParams             *params;
  gboolean              syncing;

  LwSharedImage        *audio;             /* nullable: the original signal */
  GCancellable         *load_cancellable;
  LwProject            *pending_project;   /* view and ABX to apply once its audio is in */
  LwAnalysis           *analysis;
  guint64               serial, running_serial;
  GCancellable         *encode_cancellable;
  GCancellable         *lsd_cancellable;   /* LSD of the result on show, in flight */
  GCancellable         *spectrogram_cancellable; /* re-analysis after an options change */
  gboolean              pending;
  LwAudioEncodeResult  *shown;
  gboolean              busy;
  gboolean              disposed;

  LwPlayback           *playback;
  guint                 tick_id;           /* meters, while playing */
  LwSpectrumAnalyser   *analyser;
  float                *drain;             /* interleaved frames read from the playback ring */
  gsize                 drain_frames;
  float                *window;            /* mono history for the analyser, ANALYSER_FFT */
  float                *db;
  gboolean              loop;

  LwAbx                *abx;
  gboolean              abx_playing_x;
  GtkFileChooserNative *chooser;
};

/* lw-audio-page.c */
void           _lw_audio_page_toast          (LwAudioPage *self,
                                              const char  *text);
const LwCodec *_lw_audio_page_find_codec     (LwAudioPage *self,
                                              const char  *name);
void           _lw_audio_page_set_params     (LwAudioPage    *self,
                                              const LwParams *params);
void           _lw_audio_page_update_device_message (LwAudioPage *self);

/* lw-audio-page-playback.c */
void     _lw_audio_page_update_position (LwAudioPage *self);
void     _lw_audio_page_on_playing_cb   (LwPlayback  *playback,
                                         GParamSpec  *pspec,
                                         LwAudioPage *self);
void     _lw_audio_page_on_position_cb  (LwPlayback  *playback,
                                         GParamSpec  *pspec,
                                         LwAudioPage *self);
void     _lw_audio_page_on_seek_cb      (GtkWidget   *widget,
                                         double       seconds,
                                         LwAudioPage *self);
void     _lw_audio_page_apply_loop      (LwAudioPage *self);
void     _lw_audio_page_on_selection_cb (LwWaveform  *wave,
                                         double       start,
                                         double       end,
                                         LwAudioPage *self);
void     _lw_audio_page_update_abx      (LwAudioPage *self);
void     _lw_audio_page_abx_restart     (LwAudioPage *self,
                                         guint64      seed);
/* actions */
void     _lw_audio_page_play_action (GSimpleAction *action,
                                     GVariant      *parameter,
                                     gpointer       user_data);
void     _lw_audio_page_source_action (GSimpleAction *action,
                                       GVariant      *parameter,
                                       gpointer       user_data);
void     _lw_audio_page_loop_action (GSimpleAction *action,
                                     GVariant      *parameter,
                                     gpointer       user_data);
void     _lw_audio_page_abx_play_x_action (GSimpleAction *action,
                                           GVariant      *parameter,
                                           gpointer       user_data);
void     _lw_audio_page_abx_answer_action (GSimpleAction *action,
                                           GVariant      *parameter,
                                           gpointer       user_data);
void     _lw_audio_page_abx_restart_action (GSimpleAction *action,
                                            GVariant      *parameter,
                                            gpointer       user_data);

/* lw-audio-page-files.c */
void     _lw_audio_page_apply_view      (LwAudioPage *self,
                                         LwProject   *project);
void     _lw_audio_page_save_action     (GSimpleAction *action,
                                         GVariant      *parameter,
                                         gpointer       user_data);
