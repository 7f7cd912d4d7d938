/* lw-audio-page-playback.c — the audio page's playback: position and cursor, seeking,
 * selection and loop, level meters and the live spectrum on the frame clock, the ABX score
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-audio-page"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "lw-audio-page-private.h"

/* Playback, meters and the live spectrum */

static char *
format_time (double seconds)
{
  if (!isfinite (seconds) || seconds < 0)
    seconds = 0;
  return g_strdup_printf ("%d:%06.3f", (int) (seconds / 60), fmod (seconds, 60.0));
}

void
_lw_audio_page_update_position (LwAudioPage *self)
{
  double pos = lw_playback_get_position (self->playback);
  double dur = self->audio ? lw_waveform_get_duration (self->original_wave) : 0.0;
  g_autofree char *a = format_time (pos);
  g_autofree char *b = format_time (dur);
  g_autofree char *text = g_strdup_printf ("%s / %s", a, b);

  gtk_label_set_text (self->position_label, text);
  pos = self->audio ? pos : NAN;
  lw_waveform_set_cursor (self->original_wave, pos);
  lw_waveform_set_cursor (self->decoded_wave, pos);
  lw_waveform_set_cursor (self->residual_wave, pos);
  lw_spectrogram_set_cursor (self->original_spec, pos);
  lw_spectrogram_set_cursor (self->decoded_spec, pos);
}

static gboolean
meter_tick_cb (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       user_data)
{
  LwAudioPage *self = LW_AUDIO_PAGE (widget);
  guint channels = lw_playback_get_channels (self->playback);
  float rms[8] = { 0 }, peak[8] = { 0 };
  gsize n;

  if (channels == 0 || channels > 8)
    return G_SOURCE_CONTINUE;
  n = lw_playback_read_output (self->playback, self->drain, self->drain_frames);
  if (n > 0)
    {
      double sum[8] = { 0 };
      for (gsize i = 0; i < n; i++)
        {
          float mono = 0.0f;
          for (guint c = 0; c < channels; c++)
            {
              float v = self->drain[i * channels + c];
              sum[c] += (double) v * v;
              peak[c] = MAX (peak[c], fabsf (v));
              mono += v;
            }
          /* The analyser looks at the last ANALYSER_FFT mono samples played. */
          memmove (self->window, self->window + 1, (ANALYSER_FFT - 1) * sizeof (float));
          self->window[ANALYSER_FFT - 1] = mono / channels;
        }
      for (guint c = 0; c < channels; c++)
        rms[c] = (float) sqrt (sum[c] / n);
      lw_level_meter_set (self->meter, rms, peak, channels);
      lw_spectrum_analyser_process (self->analyser, self->window, self->db);
      lw_spectrum_push (self->spectrum, self->db, ANALYSER_FFT / 2 + 1,
                        lw_playback_get_sample_rate (self->playback));
    }
  _lw_audio_page_update_position (self);
  if (!lw_playback_get_playing (self->playback))
    {
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

void
_lw_audio_page_on_playing_cb (LwPlayback  *playback,
                              GParamSpec  *pspec,
                              LwAudioPage *self)
{
  gboolean playing = lw_playback_get_playing (playback);

  gtk_button_set_icon_name (GTK_BUTTON (self->play_button),
                            playing ? "media-playback-pause-symbolic"
                                    : "media-playback-start-symbolic");
  if (playing && self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), meter_tick_cb, NULL, NULL);
}

void
_lw_audio_page_on_position_cb (LwPlayback  *playback,
                               GParamSpec  *pspec,
                               LwAudioPage *self)
{
  _lw_audio_page_update_position (self);
}

void
_lw_audio_page_on_seek_cb (GtkWidget   *widget,
                           double       seconds,
                           LwAudioPage *self)
{
  lw_playback_seek (self->playback, seconds);
  _lw_audio_page_update_position (self);
}

void
_lw_audio_page_apply_loop (LwAudioPage *self)
{
  double a = lw_waveform_get_selection_start (self->original_wave);
  double b = lw_waveform_get_selection_end (self->original_wave);

  if (self->loop && isfinite (a) && isfinite (b) && b > a)
    lw_playback_set_loop (self->playback, a, b);
  else
    lw_playback_set_loop (self->playback, NAN, NAN);
}

/* A selection made on any waveform selects on all three. */
void
_lw_audio_page_on_selection_cb (LwWaveform  *wave,
                                double       start,
                                double       end,
                                LwAudioPage *self)
{
  LwWaveform *waves[] = { self->original_wave, self->decoded_wave, self->residual_wave };

  for (guint i = 0; i < G_N_ELEMENTS (waves); i++)
    if (waves[i] != wave)
      lw_waveform_set_selection (waves[i], start, end);
  _lw_audio_page_apply_loop (self);
}

/* ABX */

void
_lw_audio_page_update_abx (LwAudioPage *self)
{
  guint n = lw_abx_get_trials (self->abx), k = lw_abx_get_correct (self->abx);
  g_autofree char *text = NULL;

  if (n == 0)
    text = g_strdup (_("Trial 1: play A, B and X, then answer."));
  else
    /* Translators: ABX score: trial number, correct answers, trials, one-sided p-value */
    text = g_strdup_printf (_("Trial %u · %u of %u right · p = %.3f"), n + 1, k, n,
                            lw_abx_p_value (self->abx));
  gtk_label_set_text (self->abx_label, text);
}

void
_lw_audio_page_abx_restart (LwAudioPage *self,
                            guint64      seed)
{
  g_clear_pointer (&self->abx, lw_abx_free);
  self->abx = lw_abx_new (seed);
  self->abx_playing_x = FALSE;
  _lw_audio_page_update_abx (self);
}

/* Actions: play, source, loop and ABX */

void
_lw_audio_page_play_action (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  LwAudioPage *self = user_data;
  g_autoptr (GError) error = NULL;

  if (lw_playback_get_playing (self->playback))
    {
      lw_playback_pause (self->playback);
      return;
    }
  if (!lw_playback_has_buffers (self->playback))
    {
      _lw_audio_page_toast (self, _("Nothing to play yet"));
      return;
    }
  if (!lw_playback_play (self->playback, &error))
    {
      _lw_audio_page_toast (self, error->message);
      _lw_audio_page_update_device_message (self);
    }
}

void
_lw_audio_page_source_action (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  LwAudioPage *self = user_data;
  const char *s = g_variant_get_string (parameter, NULL);

  self->abx_playing_x = FALSE;
  lw_playback_set_source (self->playback, g_str_equal (s, "b") ? LW_PLAYBACK_SOURCE_B
                                                               : LW_PLAYBACK_SOURCE_A);
  g_simple_action_set_state (action, g_variant_new_string (g_str_equal (s, "b") ? "b" : "a"));
}

void
_lw_audio_page_loop_action (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  LwAudioPage *self = user_data;

  self->loop = !self->loop;
  g_simple_action_set_state (action, g_variant_new_boolean (self->loop));
  _lw_audio_page_apply_loop (self);
}

void
_lw_audio_page_abx_play_x_action (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data)
{
  LwAudioPage *self = user_data;
  g_autoptr (GError) error = NULL;
  GAction *source = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "source");

  /* X plays without the A/B buttons saying which it is. */
  self->abx_playing_x = TRUE;
  g_simple_action_set_state (G_SIMPLE_ACTION (source), g_variant_new_string ("x"));
  lw_playback_set_source (self->playback, lw_abx_current_x (self->abx) == LW_ABX_B
                                            ? LW_PLAYBACK_SOURCE_B : LW_PLAYBACK_SOURCE_A);
  if (!lw_playback_get_playing (self->playback) && lw_playback_has_buffers (self->playback) &&
      !lw_playback_play (self->playback, &error))
    _lw_audio_page_toast (self, error->message);
}

void
_lw_audio_page_abx_answer_action (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data)
{
  LwAudioPage *self = user_data;
  const char *s = g_variant_get_string (parameter, NULL);

  lw_abx_answer (self->abx, g_str_equal (s, "b") ? LW_ABX_B : LW_ABX_A);
  /* The next trial's X is new: a listener hears it only by pressing Play X again. */
  if (self->abx_playing_x)
    lw_playback_pause (self->playback);
  self->abx_playing_x = FALSE;
  _lw_audio_page_update_abx (self);
}

void
_lw_audio_page_abx_restart_action (GSimpleAction *action,
                                   GVariant      *parameter,
                                   gpointer       user_data)
{
  _lw_audio_page_abx_restart (LW_AUDIO_PAGE (user_data), g_get_real_time ());
}
