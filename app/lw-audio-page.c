/* lw-audio-page.c — the audio workbench page
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * As on the image page, every change of audio, codec or parameter becomes a numbered request;
 * one worker runs at a time, a newer request cancels the one in flight, and only the newest
 * result is shown, so what is drawn and played always matches the controls. The waveforms
 * and spectrograms share view and cursor through bound properties. Playback (LwPlayback)
 * plays the original as A and the decoded signal as B; the page drains what was played on the
 * frame clock for the level meters and the live spectrum.
 */
#define G_LOG_DOMAIN "lw-audio-page"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "lw-audio-page-private.h"
#include "lw-error.h"
#include "lw-settings.h"

G_DEFINE_FINAL_TYPE (LwAudioPage, lw_audio_page, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_KBPS, PROP_BUSY, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIGNAL_TOAST, N_SIGNALS };
static guint signals[N_SIGNALS];

static void start_encode (LwAudioPage *self);
static void cancel_lsd (LwAudioPage *self);

void
_lw_audio_page_toast (LwAudioPage *self,
                      const char  *text)
{
  g_debug ("%s", text);
  g_signal_emit (self, signals[SIGNAL_TOAST], 0, text);
}

static void
update_busy (LwAudioPage *self)
{
  gboolean busy = self->encode_cancellable != NULL || self->load_cancellable != NULL ||
                  self->lsd_cancellable != NULL;

  if (busy == self->busy)
    return;
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  if (busy)
    gtk_widget_add_css_class (GTK_WIDGET (self->metrics_grid), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->metrics_grid), "dim-label");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Measurements */

static void
setup_metrics (LwAudioPage *self)
{
  const char *names[N_METRICS] = {
    [METRIC_KBPS] = _("Rate"), [METRIC_BPS] = _("Bits/sample"), [METRIC_SIZE] = _("Size"),
    [METRIC_RATIO] = _("Ratio"), [METRIC_SNR] = _("SNR"), [METRIC_SI_SDR] = _("SI-SDR"),
    [METRIC_PSNR] = _("PSNR"), [METRIC_LSD] = _("LSD"), [METRIC_DR] = _("Dim. reduction"),
    [METRIC_ANALYSE] = _("Analyse"), [METRIC_ENCODE] = _("Encode"), [METRIC_DECODE] = _("Decode"),
  };
  const char *tips[N_METRICS] = {
    [METRIC_KBPS] = _("Kilobits per second of the complete .lwc file"),
    [METRIC_BPS] = _("Bits per sample per channel"),
    [METRIC_SIZE] = _("Size of the complete .lwc file"),
    [METRIC_RATIO] = _("Size as 16-bit PCM divided by the coded size"),
    [METRIC_SNR] = _("Signal-to-noise ratio over all channels"),
    [METRIC_SI_SDR] = _("Scale-invariant signal-to-distortion ratio, per channel, averaged"),
    [METRIC_PSNR] = _("PSNR in WaLLoC’s convention (zero-mean signal scaled to peak 0.5)"),
    [METRIC_LSD] = _("Log-spectral distance (2048-point Hann STFT, hop 512)"),
    [METRIC_DR] = _("Dimensionality reduction: input samples per latent value"),
    [METRIC_ANALYSE] = _("Time of the codec’s analysis (0 when reused from the cache)"),
    [METRIC_ENCODE] = _("Time to encode at the current rate"),
    [METRIC_DECODE] = _("Time to decode the file"),
  };

  self->metric_values = g_new0 (GtkLabel *, N_METRICS);
  for (int i = 0; i < N_METRICS; i++)
    {
      GtkWidget *name = gtk_label_new (names[i]);
      GtkWidget *value = gtk_label_new ("—");

      gtk_label_set_xalign (GTK_LABEL (name), 0.0);
      gtk_widget_add_css_class (name, "dim-label");
      gtk_widget_set_tooltip_text (name, tips[i]);
      gtk_label_set_xalign (GTK_LABEL (value), 1.0);
      gtk_label_set_selectable (GTK_LABEL (value), TRUE);
      gtk_widget_add_css_class (value, "numeric");
      gtk_grid_attach (self->metrics_grid, name, 2 * (i % 2), i / 2, 1, 1);
      gtk_grid_attach (self->metrics_grid, value, 2 * (i % 2) + 1, i / 2, 1, 1);
      self->metric_values[i] = GTK_LABEL (value);
    }
}

static char *
format_db (double db)
{
  if (isinf (db) && db > 0)
    return g_strdup (_("lossless"));
  /* Translators: decibels */
  return g_strdup_printf (_("%.2f dB"), db);
}

static void
show_metrics (LwAudioPage          *self,
              const LwAudioMeasure *m)
{
  char *text[N_METRICS] = { NULL };

  if (m != NULL)
    {
      g_autofree char *human = g_format_size (m->bytes);
      /* Translators: kilobits per second */
      text[METRIC_KBPS] = g_strdup_printf (_("%.1f kbit/s"), m->kbps);
      text[METRIC_BPS] = g_strdup_printf ("%.3f", m->bits_per_sample);
      text[METRIC_SIZE] = g_strdup_printf (_("%s (%zu B)"), human, m->bytes);
      text[METRIC_RATIO] = g_strdup_printf (_("%.1f:1"), m->ratio);
      text[METRIC_SNR] = format_db (m->snr);
      text[METRIC_SI_SDR] = format_db (m->si_sdr);
      text[METRIC_PSNR] = format_db (m->psnr);
      /* NaN: still being computed (see start_lsd) */
      text[METRIC_LSD] = isnan (m->lsd) ? g_strdup ("…") : g_strdup_printf (_("%.2f dB"), m->lsd);
      text[METRIC_DR] = g_strdup_printf ("%.2f×", m->dim_reduction);
      text[METRIC_ANALYSE] = g_strdup_printf (_("%.1f ms"), m->analyse_ms);
      text[METRIC_ENCODE] = g_strdup_printf (_("%.1f ms"), m->encode_ms);
      text[METRIC_DECODE] = g_strdup_printf (_("%.1f ms"), m->decode_ms);
    }
  for (int i = 0; i < N_METRICS; i++)
    {
      gtk_label_set_text (self->metric_values[i], text[i] ? text[i] : "—");
      g_free (text[i]);
    }
}

/* Views */

/* What the page asks of every spectrogram: the user's options at the lane's resolution */
static void
spectrogram_settings (LwAudioPage           *self,
                      LwSpectrogramSettings *settings)
{
  lw_spectrogram_settings_init (settings);
  settings->rows = SPECTROGRAM_ROWS;
  lw_spectrogram_options_get (self->spectrogram_options, settings);
}

static void
set_spectrogram (LwAudioPage             *self,
                 LwSpectrogram           *spec,
                 const LwSpectrogramData *data)
{
  g_autoptr (GError) error = NULL;
  gboolean original = spec == self->original_spec;
  GtkLabel *caption = original ? self->original_spec_caption : self->decoded_spec_caption;
  const char *title = original ? _("Spectrogram: original") : _("Spectrogram: decoded");
  g_autofree char *text = NULL;

  if (data == NULL)
    {
      lw_spectrogram_set_db (spec, NULL, 1.0, 20.0, 20000.0, LW_FREQ_LOG, -100.0, 0.0, NULL);
      gtk_label_set_text (caption, title);
      return;
    }
  if (!lw_spectrogram_set_db (spec, data->db, data->seconds_per_frame, data->f_min, data->f_max,
                              data->scale, -100.0, 0.0, &error))
    g_warning ("spectrogram: %s", error->message);
  /* Translators: spectrogram caption: title, window name, FFT size, hop in samples and ms */
  text = g_strdup_printf (_("%s · %s, %u points, hop %u (%.1f ms)"), title,
                          lw_spectrogram_window_label (data->window), data->n_fft, data->hop,
                          data->seconds_per_frame * 1000.0);
  gtk_label_set_text (caption, text);
}

/* Re-analysis after the spectrogram options change: the original and, when one is on show,
 * the decoded signal, each on a worker; a newer change cancels both. */
typedef struct
{
  GWeakRef      page;
  GCancellable *cancellable;
  gboolean      original;
} RespecData;

static void
respec_data_free (RespecData *data)
{
  g_weak_ref_clear (&data->page);
  g_clear_object (&data->cancellable);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RespecData, respec_data_free)

static void
on_respec_done_cb (GObject      *source,
                   GAsyncResult *res,
                   gpointer      user_data)
{
  g_autoptr (RespecData) data = user_data;
  g_autoptr (LwAudioPage) self = g_weak_ref_get (&data->page);
  g_autoptr (GError) error = NULL;
  g_autoptr (LwSpectrogramData) s = lw_spectrogram_finish (res, &error);

  if (self == NULL || self->disposed || data->cancellable != self->spectrogram_cancellable)
    return;
  if (s == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _lw_audio_page_toast (self, error->message);
      return;
    }
  if (data->original)
    set_spectrogram (self, self->original_spec, s);
  else if (self->shown != NULL)
    {
      /* keep it with the result, so a later redraw shows the same analysis */
      g_clear_pointer (&self->shown->decoded_spectrogram, lw_spectrogram_data_free);
      self->shown->decoded_spectrogram = g_steal_pointer (&s);
      set_spectrogram (self, self->decoded_spec, self->shown->decoded_spectrogram);
    }
}

static void
respec (LwAudioPage   *self,
        LwSharedImage *audio,
        gboolean       original)
{
  LwSpectrogramSettings settings;
  RespecData *data = g_new0 (RespecData, 1);

  g_weak_ref_init (&data->page, self);
  data->cancellable = g_object_ref (self->spectrogram_cancellable);
  data->original = original;
  spectrogram_settings (self, &settings);
  lw_spectrogram_async (audio, &settings, self->spectrogram_cancellable, on_respec_done_cb,
                        data);
}

static void
on_spectrogram_options_cb (LwSpectrogramOptions *options,
                           LwAudioPage          *self)
{
  if (self->settings != NULL)
    {
      g_autofree char *text = lw_spectrogram_options_to_string (options);
      g_settings_set_string (self->settings, "spectrogram", text);
    }
  g_cancellable_cancel (self->spectrogram_cancellable);
  g_clear_object (&self->spectrogram_cancellable);
  self->spectrogram_cancellable = g_cancellable_new ();
  if (self->audio != NULL)
    respec (self, self->audio, TRUE);
  /* A result still being made uses the new options already (start_encode reads them). */
  if (self->shown != NULL && self->shown->decoded != NULL)
    respec (self, self->shown->decoded, FALSE);
}

static void
clear_result (LwAudioPage *self)
{
  gboolean had = self->shown != NULL;

  cancel_lsd (self);
  g_clear_pointer (&self->shown, lw_audio_encode_result_free);
  lw_waveform_set_audio (self->decoded_wave, NULL, NULL);
  lw_waveform_set_audio (self->residual_wave, NULL, NULL);
  set_spectrogram (self, self->decoded_spec, NULL);
  show_metrics (self, NULL);
  if (had)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KBPS]);
}

void
_lw_audio_page_update_device_message (LwAudioPage *self)
{
  gboolean available = lw_playback_get_available (self->playback);
  const char *message = lw_playback_get_error_message (self->playback);

  if (!available)
    {
      /* Translators: shown when there is no audio output; %s is the reason */
      g_autofree char *text = g_strdup_printf (_("No sound output: %s. Everything but playback "
                                                 "still works."),
                                               message ? message : _("no audio device"));
      gtk_label_set_text (self->device_label, text);
    }
  gtk_revealer_set_reveal_child (self->device_revealer, !available);
}

/* The residual is drawn magnified by a power of two so that its peak fills most of its lane
 * (a residual at 20 dB SNR would otherwise be a flat line); the caption says by how much. */
static void
show_residual (LwAudioPage    *self,
               const LwTensor *residual)
{
  g_autoptr (LwTensor) shown = lw_tensor_copy (residual);
  gsize n = lw_tensor_numel (shown);
  float peak = 0.0f;
  double gain = 1.0;
  g_autofree char *caption = NULL;

  for (gsize i = 0; i < n; i++)
    peak = MAX (peak, fabsf (shown->data[i]));
  while (gain < 4096.0 && peak * gain * 2.0 <= 0.9)
    gain *= 2.0;
  for (gsize i = 0; i < n; i++)
    shown->data[i] *= (float) gain;
  lw_waveform_set_audio (self->residual_wave, shown, NULL);
  if (gain > 1.0)
    /* Translators: caption of the residual waveform, magnified %g times */
    caption = g_strdup_printf (_("Residual (decoded − original), shown ×%g"), gain);
  else
    caption = g_strdup (_("Residual (decoded − original)"));
  gtk_label_set_text (self->residual_caption, caption);
}

static void
show_result (LwAudioPage         *self,
             LwAudioEncodeResult *result)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *caption = NULL;
  const LwAudioMeasure *m = &result->measure;

  lw_waveform_set_audio (self->decoded_wave, result->decoded->tensor, NULL);
  show_residual (self, result->residual->tensor);
  set_spectrogram (self, self->decoded_spec, result->decoded_spectrogram);
  /* Translators: caption over the decoded waveform: codec, kbit/s, SNR */
  caption = g_strdup_printf (_("Decoded — %s, %.1f kbit/s, SNR %.2f dB"),
                             self->params->codec->title, m->kbps, m->snr);
  gtk_label_set_text (self->decoded_caption, caption);
  show_metrics (self, m);
  /* B follows the slider; A stays the original. */
  if (!lw_playback_set_buffers (self->playback, self->audio->tensor, result->decoded->tensor,
                                &error))
    _lw_audio_page_toast (self, error->message);
  g_clear_pointer (&self->shown, lw_audio_encode_result_free);
  self->shown = result;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KBPS]);
}

/* Encoding */

static void
on_lsd_done_cb (GObject      *source,
                GAsyncResult *res,
                gpointer      user_data)
{
  g_autoptr (GWeakRef) weak = user_data;
  g_autoptr (LwAudioPage) self = g_weak_ref_get (weak);
  g_autoptr (GError) error = NULL;
  double lsd = NAN;
  gboolean ok = lw_audio_lsd_finish (res, &lsd, &error);

  if (self == NULL || self->disposed ||
      g_task_get_cancellable (G_TASK (res)) != self->lsd_cancellable)
    return;
  g_clear_object (&self->lsd_cancellable);
  if (ok && self->shown != NULL)
    {
      self->shown->measure.lsd = lsd;
      show_metrics (self, &self->shown->measure);
    }
  update_busy (self);
}

static void
cancel_lsd (LwAudioPage *self)
{
  g_cancellable_cancel (self->lsd_cancellable);
  g_clear_object (&self->lsd_cancellable);
}

/* The log-spectral distance takes as long as the rest of a step; it follows the picture. */
static void
start_lsd (LwAudioPage *self)
{
  cancel_lsd (self);
  if (self->shown == NULL || self->audio == NULL)
    return;
  self->lsd_cancellable = g_cancellable_new ();
  lw_audio_lsd_async (NULL, self->audio, self->shown->decoded, self->lsd_cancellable,
                      on_lsd_done_cb, lw_weak_ref_new (self));
}

static void
on_encode_done_cb (GObject      *source,
                   GAsyncResult *res,
                   gpointer      user_data)
{
  g_autoptr (GWeakRef) weak = user_data;
  g_autoptr (LwAudioPage) self = g_weak_ref_get (weak);
  g_autoptr (GError) error = NULL;
  g_autoptr (LwAudioEncodeResult) result = lw_audio_encode_finish (res, &error);
  gboolean newest;

  if (self == NULL || self->disposed)
    return;
  newest = self->running_serial == self->serial;
  g_clear_object (&self->encode_cancellable);

  if (result != NULL && result->analysis != NULL && result->analysis != self->analysis &&
      lw_analysis_matches (result->analysis, self->audio, self->params))
    {
      g_clear_pointer (&self->analysis, lw_analysis_unref);
      self->analysis = lw_analysis_ref (result->analysis);
    }
  if (newest && result != NULL && result->complete)
    {
      show_result (self, g_steal_pointer (&result));
      if (!self->pending)
        start_lsd (self);
    }
  else if (newest && error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Translators: first %s is a codec, second the audio file, third the problem */
      g_autofree char *text = g_strdup_printf (_("%s could not encode “%s”: %s"),
                                               self->params->codec->title,
                                               self->audio ? self->audio->name : "?",
                                               error->message);
      clear_result (self);
      _lw_audio_page_toast (self, text);
    }
  if (self->pending)
    start_encode (self);
  update_busy (self);
}

static void
start_encode (LwAudioPage *self)
{
  LwAudioEncodeRequest *request;

  self->pending = FALSE;
  if (self->audio == NULL || self->params == NULL)
    return;
  self->running_serial = self->serial;
  self->encode_cancellable = g_cancellable_new ();
  request = lw_audio_encode_request_new (self->serial, self->audio, self->params,
                                         lw_analysis_matches (self->analysis, self->audio,
                                                              self->params)
                                           ? self->analysis : NULL);
  spectrogram_settings (self, &request->spectrogram);
  request->lsd = FALSE;
  request->residual_spectrogram = FALSE;
  lw_audio_encode_async (NULL, request, self->encode_cancellable, on_encode_done_cb,
                         lw_weak_ref_new (self));
}

static void
schedule_encode (LwAudioPage *self)
{
  if (self->audio == NULL || self->params == NULL)
    return;
  self->serial++;
  cancel_lsd (self);
  if (self->encode_cancellable != NULL)
    {
      g_cancellable_cancel (self->encode_cancellable);
      self->pending = TRUE;
    }
  else
    start_encode (self);
  update_busy (self);
}

/* Codec and parameters */

void
_lw_audio_page_set_params (LwAudioPage    *self,
                           const LwParams *params)
{
  gboolean same_codec = self->params != NULL && self->params->codec == params->codec;

  if (!same_codec || lw_params_need_reanalysis (self->params, params))
    g_clear_pointer (&self->analysis, lw_analysis_unref);
  g_clear_pointer (&self->params, lw_params_free);
  self->params = lw_params_copy (params);

  self->syncing = TRUE;
  for (guint i = 0; i < self->codecs->len; i++)
    if (g_ptr_array_index (self->codecs, i) == params->codec)
      gtk_drop_down_set_selected (self->codec_dropdown, i);
  self->syncing = FALSE;
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->codec_dropdown), params->codec->description);
  lw_param_controls_set_params (self->param_controls, self->params);
  if (!same_codec)
    clear_result (self);
  if (self->settings != NULL)
    {
      g_autofree char *text = lw_params_to_string (self->params);
      g_settings_set_string (self->settings, "audio-codec", self->params->codec->name);
      g_settings_set_string (self->settings, "audio-params", text);
    }
  schedule_encode (self);
}

const LwCodec *
_lw_audio_page_find_codec (LwAudioPage *self,
                           const char  *name)
{
  for (guint i = 0; i < self->codecs->len; i++)
    {
      const LwCodec *c = g_ptr_array_index (self->codecs, i);
      if (g_strcmp0 (c->name, name) == 0)
        return c;
    }
  return NULL;
}

static void
set_codec (LwAudioPage   *self,
           const LwCodec *codec)
{
  g_autoptr (LwParams) params = NULL;

  if (self->params != NULL && self->params->codec == codec)
    return;
  params = lw_params_new (codec);
  _lw_audio_page_set_params (self, params);
}

static void
on_codec_selected_cb (GtkDropDown *dropdown,
                      GParamSpec  *pspec,
                      LwAudioPage *self)
{
  guint i = gtk_drop_down_get_selected (dropdown);

  if (self->syncing || self->codecs == NULL || i >= self->codecs->len)
    return;
  set_codec (self, g_ptr_array_index (self->codecs, i));
}

static void
on_param_changed_cb (LwParamControls *controls,
                     const char      *name,
                     LwAudioPage     *self)
{
  const LwParams *params = lw_param_controls_get_params (controls);

  if (!self->syncing && params != NULL)
    _lw_audio_page_set_params (self, params);
}

static void
setup_codecs (LwAudioPage *self)
{
  const LwCodec **all = lw_codec_list ();
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);

  self->codecs = g_ptr_array_new ();
  for (guint i = 0; all[i] != NULL; i++)
    {
      const LwCodec *c = all[i];
      if (c->kind != LW_MEDIA_AUDIO || c->sweep_param == NULL ||
          lw_params_index (c, c->sweep_param) < 0)
        continue;
      g_ptr_array_add (self->codecs, (gpointer) c);
      gtk_string_list_append (names, c->title ? c->title : c->name);
    }
  self->syncing = TRUE;
  gtk_drop_down_set_model (self->codec_dropdown, G_LIST_MODEL (names));
  self->syncing = FALSE;
}

/* Actions */

static void
zoom_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  LwAudioPage *self = user_data;
  const char *name = g_action_get_name (G_ACTION (action));
  double a = lw_waveform_get_view_start (self->original_wave);
  double b = lw_waveform_get_view_end (self->original_wave);
  double dur = lw_waveform_get_duration (self->original_wave);
  double mid = 0.5 * (a + b), half = 0.5 * (b - a);

  if (dur <= 0)
    return;
  if (g_str_equal (name, "zoom-in"))
    half *= 0.5;
  else if (g_str_equal (name, "zoom-out"))
    half *= 2.0;
  else
    {
      mid = 0.5 * dur;
      half = 0.5 * dur;
    }
  half = MIN (half, 0.5 * dur);
  mid = CLAMP (mid, half, dur - half);
  lw_waveform_set_view (self->original_wave, mid - half, mid + half);
}

static void
codec_step_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  LwAudioPage *self = user_data;
  guint n = self->codecs->len, i = gtk_drop_down_get_selected (self->codec_dropdown);
  int delta = g_str_equal (g_action_get_name (G_ACTION (action)), "next-codec") ? 1 : -1;

  if (n == 0)
    return;
  i = (i == GTK_INVALID_LIST_POSITION) ? 0 : (guint) (((int) i + delta + (int) n) % (int) n);
  set_codec (self, g_ptr_array_index (self->codecs, i));
}

static const GActionEntry page_actions[] = {
  { "play", _lw_audio_page_play_action, NULL, NULL, NULL, { 0 } },
  { "source", _lw_audio_page_source_action, "s", "'a'", NULL, { 0 } },
  { "loop", _lw_audio_page_loop_action, NULL, "false", NULL, { 0 } },
  { "zoom-in", zoom_action, NULL, NULL, NULL, { 0 } },
  { "zoom-out", zoom_action, NULL, NULL, NULL, { 0 } },
  { "zoom-fit", zoom_action, NULL, NULL, NULL, { 0 } },
  { "next-codec", codec_step_action, NULL, NULL, NULL, { 0 } },
  { "previous-codec", codec_step_action, NULL, NULL, NULL, { 0 } },
  { "abx-play-x", _lw_audio_page_abx_play_x_action, NULL, NULL, NULL, { 0 } },
  { "abx-answer", _lw_audio_page_abx_answer_action, "s", NULL, NULL, { 0 } },
  { "abx-restart", _lw_audio_page_abx_restart_action, NULL, NULL, NULL, { 0 } },
  { "save-experiment", _lw_audio_page_save_action, NULL, NULL, NULL, { 0 } },
  { "save-decoded", _lw_audio_page_save_action, NULL, NULL, NULL, { 0 } },
  { "save-bitstream", _lw_audio_page_save_action, NULL, NULL, NULL, { 0 } },
};

/* Loading */

typedef struct
{
  GWeakRef      page;
  GCancellable *cancellable;
  GFile        *file;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_weak_ref_clear (&data->page);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->file);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LoadData, load_data_free)

static void
set_audio (LwAudioPage       *self,
           LwAudioLoadResult *result)
{
  g_autofree char *info = NULL;
  const LwTensor *t;

  lw_playback_pause (self->playback);
  lw_playback_clear_buffers (self->playback);
  g_clear_pointer (&self->audio, lw_shared_image_unref);
  g_clear_pointer (&self->analysis, lw_analysis_unref);
  self->audio = g_steal_pointer (&result->audio);
  t = self->audio->tensor;
  clear_result (self);
  lw_waveform_set_audio (self->original_wave, t, NULL);
  set_spectrogram (self, self->original_spec, result->spectrogram);
  /* Translators: file name, channels, sample rate in Hz, seconds, then the file's encoding */
  info = g_strdup_printf (_("%s · %u channels · %u Hz · %.2f s · %s %s"), self->audio->name,
                          result->info.channels, result->info.sample_rate,
                          (double) t->shape[1] / t->sample_rate, result->info.container,
                          result->info.encoding);
  gtk_label_set_text (self->audio_label, info);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->audio_label), self->audio->path);
  gtk_stack_set_visible_child_name (self->view_stack, "signals");
  if (self->audio->path != NULL)
    {
      g_autofree char *uri = g_filename_to_uri (self->audio->path, NULL, NULL);
      if (uri != NULL)
        gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);
    }
  if (self->pending_project != NULL)
    {
      _lw_audio_page_apply_view (self, self->pending_project);
      g_clear_pointer (&self->pending_project, lw_project_free);
    }
  else
    _lw_audio_page_abx_restart (self, (guint64) g_get_real_time ());
  _lw_audio_page_update_position (self);
  schedule_encode (self);
}

static void
on_audio_loaded_cb (GObject      *source,
                    GAsyncResult *res,
                    gpointer      user_data)
{
  g_autoptr (LoadData) data = user_data;
  g_autoptr (LwAudioPage) self = g_weak_ref_get (&data->page);
  g_autoptr (GError) error = NULL;
  g_autoptr (LwAudioLoadResult) result = lw_load_audio_finish (res, &error);

  if (self == NULL || self->disposed || data->cancellable != self->load_cancellable)
    return;
  g_clear_object (&self->load_cancellable);
  if (result != NULL)
    set_audio (self, result);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *name = g_file_get_basename (data->file);
      /* Translators: first %s is a file name, the second the problem */
      g_autofree char *text = g_strdup_printf (_("Could not open “%s”: %s"), name,
                                               error->message);
      g_clear_pointer (&self->pending_project, lw_project_free);
      _lw_audio_page_toast (self, text);
    }
  update_busy (self);
}

/* GObject */

static void
lw_audio_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  LwAudioPage *self = LW_AUDIO_PAGE (object);

  switch (prop_id)
    {
    case PROP_KBPS:
      g_value_set_double (value, lw_audio_page_get_kbps (self));
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lw_audio_page_dispose (GObject *object)
{
  LwAudioPage *self = LW_AUDIO_PAGE (object);

  self->disposed = TRUE;
  self->pending = FALSE;
  g_cancellable_cancel (self->encode_cancellable);
  g_cancellable_cancel (self->load_cancellable);
  cancel_lsd (self);
  g_cancellable_cancel (self->spectrogram_cancellable);
  g_clear_object (&self->encode_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->spectrogram_cancellable);
  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
  self->tick_id = 0;
  if (self->playback != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->playback, self);
      lw_playback_pause (self->playback);
    }
  g_clear_object (&self->playback);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), LW_TYPE_AUDIO_PAGE);
  g_clear_pointer (&self->shown, lw_audio_encode_result_free);
  g_clear_pointer (&self->analysis, lw_analysis_unref);
  g_clear_pointer (&self->audio, lw_shared_image_unref);
  g_clear_pointer (&self->pending_project, lw_project_free);
  g_clear_object (&self->settings);
  g_clear_object (&self->actions);
  G_OBJECT_CLASS (lw_audio_page_parent_class)->dispose (object);
}

static void
lw_audio_page_finalize (GObject *object)
{
  LwAudioPage *self = LW_AUDIO_PAGE (object);

  g_clear_pointer (&self->params, lw_params_free);
  g_clear_pointer (&self->codecs, g_ptr_array_unref);
  g_clear_pointer (&self->metric_values, g_free);
  g_clear_pointer (&self->analyser, lw_spectrum_analyser_free);
  g_clear_pointer (&self->abx, lw_abx_free);
  g_free (self->drain);
  g_free (self->window);
  g_free (self->db);
  G_OBJECT_CLASS (lw_audio_page_parent_class)->finalize (object);
}

static void
lw_audio_page_class_init (LwAudioPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = lw_audio_page_get_property;
  object_class->dispose = lw_audio_page_dispose;
  object_class->finalize = lw_audio_page_finalize;

  properties[PROP_KBPS] =
    g_param_spec_double ("kbps", NULL, NULL, 0.0, G_MAXDOUBLE, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_TOAST] =
    g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (LW_TYPE_WAVEFORM);
  g_type_ensure (LW_TYPE_SPECTROGRAM);
  g_type_ensure (LW_TYPE_SPECTRUM);
  g_type_ensure (LW_TYPE_LEVEL_METER);
  g_type_ensure (LW_TYPE_PARAM_CONTROLS);
  g_type_ensure (LW_TYPE_SPECTROGRAM_OPTIONS);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/latentworkbench/Workbench/ui/lw-audio-page.ui");
  gtk_widget_class_bind_template_child (widget_class, LwAudioPage, paned);
  gtk_widget_class_bind_template_child (widget_class, LwAudioPage, play_button);
  gtk_widget_class_bind_template_child (widget_class, LwAudioPage, position_label);
  gtk_widget_class_bind_template_child (widget_class, LwAudioPage, device_revealer);
  gtk_widget_class_bind_template_child (widget_class, LwAudioPage, device_label);
  gtk_widget_class_bind_template_child (widget_class, LwAudioPage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, LwAudioPage, decoded_caption);
  gtk_widget_class_bind_template_child (widget_class, LwAudioPage, residual_caption);
  gtk_widget_class_bind_template_child (widget_class, LwAudioPage, original_wave);
  gtk_widget_class_bind_template_child (widget_class, LwAudioPage, decoded_wave);
  gtk_widget_class_bind_template_child (widget_class, LwAudioPage, residual_wave);
  gtk_widget_class_bind_template_child (widget_class, LwAudioPage, original_spec);
  gtk_widget_class_bind_template_child (widget_class, LwAudioPage, decoded_spec);
  gtk_widget_class_bind_template_child (widget_class, LwAudioPage, original_spec_caption);
  gtk_widget_class_bind_template_child (widget_class, LwAudioPage, decoded_spec_caption);
  gtk_widget_class_bind_template_child (widget_class, LwAudioPage, spectrogram_options);
  gtk_widget_class_bind_template_child (widget_class, LwAudioPage, audio_label);
  gtk_widget_class_bind_template_child (widget_class, LwAudioPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, LwAudioPage, codec_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LwAudioPage, param_controls);
  gtk_widget_class_bind_template_child (widget_class, LwAudioPage, metrics_grid);
  gtk_widget_class_bind_template_child (widget_class, LwAudioPage, spectrum);
  gtk_widget_class_bind_template_child (widget_class, LwAudioPage, meter);
  gtk_widget_class_bind_template_child (widget_class, LwAudioPage, abx_label);
  gtk_widget_class_bind_template_callback (widget_class, on_codec_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_param_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_spectrogram_options_cb);
}

/* The three waveforms and two spectrograms show one time axis: view and cursor follow the
 * original's. */
static void
bind_views (LwAudioPage *self)
{
  GObject *targets[] = { G_OBJECT (self->decoded_wave), G_OBJECT (self->residual_wave),
                         G_OBJECT (self->original_spec), G_OBJECT (self->decoded_spec) };
  /* Cursor and selection are NaN when there is none, which a GBinding cannot carry (GObject
   * rejects NaN for a double property); update_position and on_selection_cb set them. */
  const char *props[] = { "view-start", "view-end" };

  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    for (guint p = 0; p < G_N_ELEMENTS (props); p++)
      g_object_bind_property (self->original_wave, props[p], targets[i], props[p],
                              G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    g_signal_connect (targets[i], "seek", G_CALLBACK (_lw_audio_page_on_seek_cb), self);
  g_signal_connect (self->original_wave, "seek", G_CALLBACK (_lw_audio_page_on_seek_cb), self);
  for (guint i = 0; i < 2; i++)
    g_signal_connect (targets[i], "selection-changed",
                      G_CALLBACK (_lw_audio_page_on_selection_cb), self);
  g_signal_connect (self->original_wave, "selection-changed",
                    G_CALLBACK (_lw_audio_page_on_selection_cb), self);
}

static void
restore_settings (LwAudioPage *self)
{
  g_autofree char *codec_name = NULL;
  g_autofree char *param_text = NULL;
  const LwCodec *codec = NULL;
  g_autoptr (LwParams) params = NULL;

  if (self->settings != NULL)
    {
      g_autofree char *device = g_settings_get_string (self->settings, "audio-device");
      g_autofree char *spectrogram = g_settings_get_string (self->settings, "spectrogram");
      codec_name = g_settings_get_string (self->settings, "audio-codec");
      param_text = g_settings_get_string (self->settings, "audio-params");
      codec = _lw_audio_page_find_codec (self, codec_name);
      lw_playback_set_device (self->playback, device);
      if (!lw_spectrogram_options_set_string (self->spectrogram_options, spectrogram))
        g_debug ("ignoring saved spectrogram options %s", spectrogram);
    }
  if (codec == NULL)
    codec = _lw_audio_page_find_codec (self, "wavelet-latent-audio");
  if (codec == NULL && self->codecs->len > 0)
    codec = g_ptr_array_index (self->codecs, 0);
  if (codec == NULL)
    return;
  params = lw_params_new (codec);
  if (param_text != NULL && g_strcmp0 (codec_name, codec->name) == 0)
    {
      g_auto (GStrv) parts = g_strsplit (param_text, " ", -1);
      for (guint i = 0; parts[i] != NULL; i++)
        if (*parts[i] != '\0' && !lw_params_parse (params, parts[i], NULL))
          g_debug ("ignoring saved parameter %s", parts[i]);
    }
  _lw_audio_page_set_params (self, params);
}

static void
on_device_setting_cb (GSettings   *settings,
                      const char  *key,
                      LwAudioPage *self)
{
  g_autofree char *device = g_settings_get_string (settings, key);

  lw_playback_set_device (self->playback, device);
  _lw_audio_page_update_device_message (self);
}

static void
lw_audio_page_init (LwAudioPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), page_actions,
                                   G_N_ELEMENTS (page_actions), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "audio", G_ACTION_GROUP (self->actions));

  self->playback = lw_playback_new ();
  g_signal_connect (self->playback, "notify::playing",
                    G_CALLBACK (_lw_audio_page_on_playing_cb), self);
  g_signal_connect (self->playback, "notify::position",
                    G_CALLBACK (_lw_audio_page_on_position_cb), self);
  self->analyser = lw_spectrum_analyser_new (ANALYSER_FFT, LW_WINDOW_HANN);
  self->drain_frames = 16384;
  self->drain = g_new0 (float, self->drain_frames * 8);
  self->window = g_new0 (float, ANALYSER_FFT);
  self->db = g_new0 (float, ANALYSER_FFT / 2 + 1);

  setup_metrics (self);
  setup_codecs (self);
  bind_views (self);
  self->settings = lw_settings_new ();
  if (self->settings != NULL)
    g_signal_connect (self->settings, "changed::audio-device", G_CALLBACK (on_device_setting_cb),
                      self);
  restore_settings (self);
  _lw_audio_page_update_device_message (self);
  _lw_audio_page_abx_restart (self, (guint64) g_get_real_time ());
  gtk_label_set_text (self->audio_label, _("No audio — open or drop a WAV, FLAC, Ogg or AIFF file"));
  _lw_audio_page_update_position (self);
}

/* Public API */

GtkWidget *
lw_audio_page_new (void)
{
  return g_object_new (LW_TYPE_AUDIO_PAGE, NULL);
}

GActionGroup *
lw_audio_page_get_actions (LwAudioPage *self)
{
  g_return_val_if_fail (LW_IS_AUDIO_PAGE (self), NULL);
  return G_ACTION_GROUP (self->actions);
}

void
lw_audio_page_open (LwAudioPage *self,
                    GFile       *file)
{
  LoadData *data;
  LwSpectrogramSettings settings;

  g_return_if_fail (LW_IS_AUDIO_PAGE (self));
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  data = g_new0 (LoadData, 1);
  g_weak_ref_init (&data->page, self);
  data->cancellable = g_object_ref (self->load_cancellable);
  data->file = g_object_ref (file);
  spectrogram_settings (self, &settings);
  lw_load_audio_async (NULL, file, &settings, self->load_cancellable, on_audio_loaded_cb, data);
  update_busy (self);
}

gboolean
lw_audio_page_select_codec (LwAudioPage *self,
                            const char  *name)
{
  const LwCodec *codec;

  g_return_val_if_fail (LW_IS_AUDIO_PAGE (self), FALSE);
  codec = _lw_audio_page_find_codec (self, name);
  if (codec == NULL)
    return FALSE;
  set_codec (self, codec);
  return TRUE;
}

const LwParams *
lw_audio_page_get_params (LwAudioPage *self)
{
  g_return_val_if_fail (LW_IS_AUDIO_PAGE (self), NULL);
  return self->params;
}

gboolean
lw_audio_page_set_param (LwAudioPage *self,
                         const char  *name,
                         double       value,
                         GError     **error)
{
  g_return_val_if_fail (LW_IS_AUDIO_PAGE (self), FALSE);
  return lw_param_controls_set_value (self->param_controls, name, value, error);
}

gboolean
lw_audio_page_get_measure (LwAudioPage    *self,
                           LwAudioMeasure *out)
{
  g_return_val_if_fail (LW_IS_AUDIO_PAGE (self), FALSE);
  if (self->shown == NULL)
    return FALSE;
  *out = self->shown->measure;
  return TRUE;
}

double
lw_audio_page_get_kbps (LwAudioPage *self)
{
  g_return_val_if_fail (LW_IS_AUDIO_PAGE (self), NAN);
  return self->shown ? self->shown->measure.kbps : NAN;
}

gboolean
lw_audio_page_get_busy (LwAudioPage *self)
{
  g_return_val_if_fail (LW_IS_AUDIO_PAGE (self), FALSE);
  return self->busy;
}

const char *
lw_audio_page_get_audio_path (LwAudioPage *self)
{
  g_return_val_if_fail (LW_IS_AUDIO_PAGE (self), NULL);
  return self->audio ? self->audio->path : NULL;
}

LwPlayback *
lw_audio_page_get_playback (LwAudioPage *self)
{
  g_return_val_if_fail (LW_IS_AUDIO_PAGE (self), NULL);
  return self->playback;
}

void
lw_audio_page_get_abx (LwAudioPage *self,
                       guint       *trials,
                       guint       *correct,
                       double      *p_value)
{
  g_return_if_fail (LW_IS_AUDIO_PAGE (self));
  *trials = lw_abx_get_trials (self->abx);
  *correct = lw_abx_get_correct (self->abx);
  *p_value = lw_abx_p_value (self->abx);
}

