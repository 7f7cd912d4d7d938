/* lw-audio-page-files.c — the audio page's experiments (the view they keep, applying and
 * making them) and saving (experiment, decoded audio, .lwc) on a worker thread
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-audio-page"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "lw-audio-io.h"
#include "lw-audio-page-private.h"
#include "lw-error.h"
#include "lw-jobs.h"
#include "lw-save-job.h"

/* Experiments */

void
_lw_audio_page_apply_view (LwAudioPage *self,
                           LwProject   *project)
{
  GAction *source = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "source");
  const char *s = project->source == LW_ABX_B ? "b" : "a";

  if (isfinite (project->view_start) && isfinite (project->view_end))
    lw_waveform_set_view (self->original_wave, project->view_start, project->view_end);
  lw_waveform_set_selection (self->original_wave, project->selection_start,
                             project->selection_end);
  if (isfinite (project->cursor))
    lw_playback_seek (self->playback, project->cursor);
  g_action_activate (source, g_variant_new_string (s));
  g_clear_pointer (&self->abx, lw_abx_free);
  if (project->abx != NULL)
    {
      /* The project keeps its session; the page takes it over. */
      self->abx = g_steal_pointer (&project->abx);
      self->abx_playing_x = FALSE;
      _lw_audio_page_update_abx (self);
    }
  else
    _lw_audio_page_abx_restart (self, (guint64) g_get_real_time ());
}

typedef enum { SAVE_EXPERIMENT, SAVE_DECODED, SAVE_BITSTREAM } SaveKind;

static void
on_saved_cb (GObject      *source,
             GAsyncResult *res,
             gpointer      user_data)
{
  g_autoptr (GWeakRef) weak = user_data;
  g_autoptr (LwAudioPage) self = g_weak_ref_get (weak);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  if (self == NULL || self->disposed)
    return;
  lw_save_finish (res, &error);
  text = lw_save_message (lw_save_get_path (res), error);
  _lw_audio_page_toast (self, text);
}

static void
save_to (LwAudioPage *self,
         SaveKind     kind,
         const char  *path)
{
  gpointer data = NULL;

  if (self->audio != NULL && self->audio->path != NULL &&
      g_strcmp0 (path, self->audio->path) == 0)
    {
      _lw_audio_page_toast (self, _("That is the original audio file; choose another name"));
      return;
    }
  if (kind == SAVE_EXPERIMENT)
    data = lw_audio_page_to_project (self);
  else if (self->shown != NULL && kind == SAVE_DECODED)
    data = lw_tensor_copy (self->shown->decoded->tensor);
  else if (self->shown != NULL)
    data = g_bytes_ref (self->shown->lwc);
  if (data == NULL)
    {
      _lw_audio_page_toast (self, _("There is no result on show yet"));
      return;
    }
  lw_save_async (kind == SAVE_EXPERIMENT ? LW_SAVE_PROJECT
                 : kind == SAVE_DECODED ? LW_SAVE_AUDIO : LW_SAVE_BYTES,
                 path, data, on_saved_cb, lw_weak_ref_new (self));
}

static void
on_save_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     LwAudioPage     *self)
{
  SaveKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "lw-save-kind"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;
      if (path != NULL)
        save_to (self, kind, path);
    }
  g_clear_object (&self->chooser);
}

void
_lw_audio_page_save_action (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  LwAudioPage *self = user_data;
  const char *name = g_action_get_name (G_ACTION (action));
  SaveKind kind = g_str_equal (name, "save-decoded") ? SAVE_DECODED
                  : g_str_equal (name, "save-bitstream") ? SAVE_BITSTREAM : SAVE_EXPERIMENT;
  const char *titles[] = { N_("Save Experiment"), N_("Save Decoded Audio"), N_("Save Bitstream") };
  const char *suffixes[] = { ".json", ".wav", ".lwc" };
  g_autofree char *stem = NULL;
  g_autofree char *suggested = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->audio == NULL)
    {
      _lw_audio_page_toast (self, _("Open an audio file first"));
      return;
    }
  stem = g_strdup (self->audio->name);
  if (strrchr (stem, '.') != NULL)
    *strrchr (stem, '.') = '\0';
  suggested = g_strdup_printf ("%s-%s%s", stem, self->params ? self->params->codec->name : "",
                               suffixes[kind]);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_(titles[kind]),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                                               _("_Cancel"));
  g_object_set_data (G_OBJECT (self->chooser), "lw-save-kind", GINT_TO_POINTER (kind));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), suggested);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_save_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

gboolean
lw_audio_page_apply_project (LwAudioPage *self,
                             LwProject   *project,
                             GError     **error)
{
  g_return_val_if_fail (LW_IS_AUDIO_PAGE (self), FALSE);
  if (project->kind != LW_MEDIA_AUDIO || _lw_audio_page_find_codec (self, project->params->codec->name) == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   _("codec “%s” cannot be used on the audio page"),
                   project->params->codec->name);
      return FALSE;
    }
  _lw_audio_page_set_params (self, project->params);
  {
    g_autoptr (GFile) file = g_file_new_for_path (project->audio);
    g_clear_pointer (&self->pending_project, lw_project_free);
    /* The view and ABX session wait for the audio (set_audio); the project is copied by
     * reloading it is not possible here, so keep what apply_view needs. */
    self->pending_project = lw_project_new (project->params->codec, project->audio);
    self->pending_project->view_start = project->view_start;
    self->pending_project->view_end = project->view_end;
    self->pending_project->cursor = project->cursor;
    self->pending_project->selection_start = project->selection_start;
    self->pending_project->selection_end = project->selection_end;
    self->pending_project->source = project->source;
    self->pending_project->abx = g_steal_pointer (&project->abx);
    lw_audio_page_open (self, file);
  }
  return TRUE;
}

LwProject *
lw_audio_page_to_project (LwAudioPage *self)
{
  LwProject *project;
  LwPlaybackSource source;

  g_return_val_if_fail (LW_IS_AUDIO_PAGE (self), NULL);
  if (self->audio == NULL || self->audio->path == NULL || self->params == NULL)
    return NULL;
  project = lw_project_new (self->params->codec, self->audio->path);
  lw_params_free (project->params);
  project->params = lw_params_copy (self->params);
  project->view_start = lw_waveform_get_view_start (self->original_wave);
  project->view_end = lw_waveform_get_view_end (self->original_wave);
  project->cursor = lw_playback_get_position (self->playback);
  project->selection_start = lw_waveform_get_selection_start (self->original_wave);
  project->selection_end = lw_waveform_get_selection_end (self->original_wave);
  source = lw_playback_get_source (self->playback);
  project->source = self->abx_playing_x || source == LW_PLAYBACK_SOURCE_A ? LW_ABX_A : LW_ABX_B;
  if (self->abx != NULL)
    {
      LwAbxChoice *x = NULL, *answers = NULL;
      guint n = lw_abx_get_history (self->abx, &x, &answers);
      project->abx = lw_abx_new_from_history (lw_abx_get_seed (self->abx), x, answers, n);
      g_free (x);
      g_free (answers);
    }
  if (self->shown != NULL && !self->busy && !isnan (self->shown->measure.lsd))
    {
      project->has_results = TRUE;
      project->audio_results = self->shown->measure;
    }
  return project;
}
