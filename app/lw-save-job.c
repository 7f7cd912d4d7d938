/* lw-save-job.c — writing what a page saves on a worker thread
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-save-job"

#include "config.h"

#include <glib/gi18n.h>

#include "lw-audio-io.h"
#include "lw-error.h"
#include "lw-image-io.h"
#include "lw-save-job.h"

typedef struct
{
  LwSaveKind kind;
  char      *path;
  gpointer   data;
} SaveJob;

static void
save_job_free (SaveJob *job)
{
  switch (job->kind)
    {
    case LW_SAVE_PROJECT:
      g_clear_pointer ((LwProject **) &job->data, lw_project_free);
      break;
    case LW_SAVE_IMAGE:
    case LW_SAVE_AUDIO:
      g_clear_pointer ((LwTensor **) &job->data, lw_tensor_free);
      break;
    case LW_SAVE_BYTES:
    default:
      g_clear_pointer ((GBytes **) &job->data, g_bytes_unref);
      break;
    }
  g_free (job->path);
  g_free (job);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveJob *job = task_data;
  GError *error = NULL;
  LwAudioFormat format = LW_AUDIO_WAV_16;
  gboolean ok = FALSE;

  switch (job->kind)
    {
    case LW_SAVE_PROJECT:
      ok = lw_project_save (job->data, job->path, &error);
      break;
    case LW_SAVE_IMAGE:
      ok = lw_image_save_png (job->data, job->path, 8, &error);
      break;
    case LW_SAVE_AUDIO:
      if (lw_audio_format_for_path (job->path, &format))
        ok = lw_audio_save (job->data, job->path, format, &error);
      else
        g_set_error (&error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                     _("decoded audio is saved as .wav or .flac"));
      break;
    case LW_SAVE_BYTES:
    default:
      {
        gsize len;
        const guint8 *bytes = g_bytes_get_data (job->data, &len);
        ok = lw_file_write_atomic (job->path, bytes, len, &error);
        break;
      }
    }
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
lw_save_async (LwSaveKind           kind,
               const char          *path,
               gpointer             data,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, NULL, callback, user_data);
  SaveJob *job = g_new0 (SaveJob, 1);

  job->kind = kind;
  job->path = g_strdup (path);
  job->data = data;
  g_task_set_source_tag (task, lw_save_async);
  g_task_set_task_data (task, job, (GDestroyNotify) save_job_free);
  g_task_run_in_thread (task, save_thread);
}

gboolean
lw_save_finish (GAsyncResult  *result,
                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

const char *
lw_save_get_path (GAsyncResult *result)
{
  SaveJob *job = g_task_get_task_data (G_TASK (result));

  return job->path;
}

char *
lw_save_message (const char   *path,
                 const GError *error)
{
  g_autofree char *name = g_path_get_basename (path);

  if (error == NULL)
    /* Translators: %s is a file name */
    return g_strdup_printf (_("Saved “%s”"), name);
  /* Translators: first %s is a file name, the second the problem */
  return g_strdup_printf (_("Could not save “%s”: %s"), name, error->message);
}
