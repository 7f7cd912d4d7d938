/* lw-image-page-files.c — the image page's files: opening (file chooser, drag and drop,
 * recent files, experiments) and saving (decoded PNG, .lwc, experiment, plot, CSV)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reading and writing run on worker threads; the main thread only asks for a file and shows
 * what happened. Every write goes to a temporary file that replaces the target only when
 * complete, and the decoded image is never written over the original it came from.
 */
#define G_LOG_DOMAIN "lw-image-page"

#include "config.h"

#include <glib/gi18n.h>

#include "lw-error.h"
#include "lw-image-io.h"
#include "lw-image-page-private.h"
#include "lw-save-job.h"

typedef enum
{
  SAVE_EXPERIMENT,
  SAVE_DECODED,
  SAVE_BITSTREAM,
  SAVE_PLOT,
  SAVE_CSV,
} SaveKind;

/* Reading */

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
note_recent (GFile *file)
{
  g_autofree char *uri = g_file_get_uri (file);

  gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);
}

static void
on_image_loaded_cb (GObject      *source,
                    GAsyncResult *res,
                    gpointer      user_data)
{
  g_autoptr (LoadData) data = user_data;
  g_autoptr (LwImagePage) self = g_weak_ref_get (&data->page);
  g_autoptr (GError) error = NULL;
  g_autoptr (LwLoadResult) result = lw_load_image_finish (res, &error);

  /* Only the newest load counts; an older one was cancelled when it was replaced. */
  if (self == NULL || self->disposed || data->cancellable != self->load_cancellable)
    return;
  g_clear_object (&self->load_cancellable);

  if (result != NULL)
    {
      note_recent (data->file);
      _lw_image_page_set_image (self, result);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *name = g_file_get_basename (data->file);
      /* Translators: first %s is a file name, the second the problem */
      g_autofree char *text = g_strdup_printf (_("Could not open “%s”: %s"), name,
                                               error->message);
      g_clear_pointer (&self->pending_project, lw_project_free);
      _lw_image_page_toast (self, text);
    }
  _lw_image_page_update_busy (self);
}

/* A newer load (image or experiment) replaces an older one still running. */
static LoadData *
load_data_new (LwImagePage *self,
               GFile       *file)
{
  LoadData *data = g_new0 (LoadData, 1);

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  g_weak_ref_init (&data->page, self);
  data->cancellable = g_object_ref (self->load_cancellable);
  data->file = g_object_ref (file);
  return data;
}

static void
start_image_load (LwImagePage *self,
                  GFile       *file)
{
  LoadData *data = load_data_new (self, file);

  lw_load_image_async (NULL, file, self->load_cancellable, on_image_loaded_cb, data);
  _lw_image_page_update_busy (self);
}

static void
project_load_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  g_autofree char *path = g_file_get_path (G_FILE (task_data));
  GError *error = NULL;
  LwProject *project;

  if (path == NULL)
    {
      g_task_return_new_error (task, LW_ERROR, LW_ERROR_IO,
                               _("only local files can be opened"));
      return;
    }
  project = lw_project_load (path, &error);
  if (project == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, project, (GDestroyNotify) lw_project_free);
}

static void
on_project_loaded_cb (GObject      *source,
                      GAsyncResult *res,
                      gpointer      user_data)
{
  g_autoptr (LoadData) data = user_data;
  g_autoptr (LwImagePage) self = g_weak_ref_get (&data->page);
  g_autoptr (GError) error = NULL;
  g_autoptr (LwProject) project = g_task_propagate_pointer (G_TASK (res), &error);
  g_autofree char *name = g_file_get_basename (data->file);

  if (self == NULL || self->disposed || data->cancellable != self->load_cancellable)
    return;
  g_clear_object (&self->load_cancellable);

  if (project != NULL && project->kind != LW_MEDIA_IMAGE)
    {
      /* Another page's experiment (audio): the window routes it. */
      note_recent (data->file);
      g_signal_emit_by_name (self, "foreign-project", project);
    }
  else if (project != NULL && _lw_image_page_apply_project (self, project, &error))
    {
      g_autoptr (GFile) image = g_file_new_for_path (project->image);

      note_recent (data->file);
      g_clear_pointer (&self->pending_project, lw_project_free);
      self->pending_project = g_steal_pointer (&project);
      start_image_load (self, image);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Translators: first %s is a file name, the second the problem */
      g_autofree char *text = g_strdup_printf (_("Could not open the experiment “%s”: %s"),
                                               name, error->message);
      _lw_image_page_toast (self, text);
    }
  _lw_image_page_update_busy (self);
}

static gboolean
is_experiment (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);

  return name != NULL && g_str_has_suffix (name, ".json");
}

void
lw_image_page_open (LwImagePage *self,
                    GFile       *file)
{
  g_return_if_fail (LW_IS_IMAGE_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  if (is_experiment (file))
    {
      g_autoptr (GTask) task = NULL;
      LoadData *data = load_data_new (self, file);

      task = g_task_new (NULL, self->load_cancellable, on_project_loaded_cb, data);
      g_task_set_task_data (task, g_object_ref (file), g_object_unref);
      g_task_run_in_thread (task, project_load_thread);
      _lw_image_page_update_busy (self);
    }
  else
    start_image_load (self, file);
}

/* Dialogs */

static void
add_filter (GtkFileChooser *chooser,
            const char     *name,
            const char     *mime,
            const char     *suffixes)
{
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  g_auto (GStrv) parts = g_strsplit (suffixes, " ", -1);

  gtk_file_filter_set_name (filter, name);
  if (mime != NULL)
    gtk_file_filter_add_mime_type (filter, mime);
  for (guint i = 0; parts[i] != NULL; i++)
    gtk_file_filter_add_suffix (filter, parts[i]);
  gtk_file_chooser_add_filter (chooser, filter);
}

static GtkWindow *
page_window (LwImagePage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

/* One Open for the whole window: it takes images, audio and experiments and routes them. */
static void
open_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  LwImagePage *self = user_data;

  if (!gtk_widget_activate_action (GTK_WIDGET (self), "win.open", NULL))
    g_debug ("no window to open files with");
}

static void
open_recent_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  LwImagePage *self = user_data;
  g_autoptr (GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  lw_image_page_open (self, file);
}

/* Writing */

static void
report_saved (LwImagePage *self,
              const char  *path,
              GError      *error)
{
  g_autofree char *text = lw_save_message (path, error);

  _lw_image_page_toast (self, text);
}

static void
on_saved_cb (GObject      *source,
             GAsyncResult *res,
             gpointer      user_data)
{
  g_autoptr (GWeakRef) weak = user_data;
  g_autoptr (LwImagePage) self = g_weak_ref_get (weak);
  g_autoptr (GError) error = NULL;

  lw_save_finish (res, &error);
  if (self != NULL && !self->disposed)
    report_saved (self, lw_save_get_path (res), error);
}

static gboolean
same_file (const char *a,
           const char *b)
{
  g_autoptr (GFile) fa = NULL;
  g_autoptr (GFile) fb = NULL;

  if (a == NULL || b == NULL)
    return FALSE;
  fa = g_file_new_for_path (a);
  fb = g_file_new_for_path (b);
  return g_file_equal (fa, fb);
}

static void
save_to (LwImagePage *self,
         SaveKind     kind,
         const char  *path)
{
  g_autoptr (GError) error = NULL;
  gpointer data = NULL;

  /* The original is what the user had: no output of ours replaces it. */
  if (self->image != NULL && same_file (path, self->image->path))
    {
      g_set_error (&error, LW_ERROR, LW_ERROR_IO,
                   _("that is the original image; choose another name"));
      report_saved (self, path, error);
      return;
    }

  switch (kind)
    {
    case SAVE_PLOT:
      lw_rd_plot_export (lw_rd_panel_get_plot (self->rd_panel), path, 1200, 800, &error);
      report_saved (self, path, error);
      return;
    case SAVE_CSV:
      lw_rd_panel_export_csv (self->rd_panel, path, &error);
      report_saved (self, path, error);
      return;
    case SAVE_EXPERIMENT:
    case SAVE_DECODED:
    case SAVE_BITSTREAM:
    default:
      break;
    }

  if (kind == SAVE_EXPERIMENT)
    data = lw_image_page_to_project (self);
  else if (self->shown != NULL && kind == SAVE_DECODED)
    data = lw_tensor_copy (self->shown->decoded->tensor);
  else if (self->shown != NULL && kind == SAVE_BITSTREAM)
    data = g_bytes_ref (self->shown->lwc);
  if (data == NULL)
    {
      g_set_error (&error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   _("there is no result on show yet"));
      report_saved (self, path, error);
      return;
    }
  lw_save_async (kind == SAVE_EXPERIMENT ? LW_SAVE_PROJECT
                 : kind == SAVE_DECODED ? LW_SAVE_IMAGE : LW_SAVE_BYTES,
                 path, data, on_saved_cb, lw_weak_ref_new (self));
}

static void
on_save_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     LwImagePage     *self)
{
  SaveKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "lw-save-kind"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path != NULL)
        save_to (self, kind, path);
      else if (file != NULL)
        _lw_image_page_toast (self, _("Only local files can be written"));
    }
  g_clear_object (&self->chooser);
}

static char *
suggested_name (LwImagePage *self,
                const char  *suffix)
{
  g_autofree char *stem = NULL;
  const char *dot;

  if (self->image == NULL)
    return g_strconcat ("experiment", suffix, NULL);
  dot = strrchr (self->image->name, '.');
  stem = dot ? g_strndup (self->image->name, dot - self->image->name)
             : g_strdup (self->image->name);
  return g_strdup_printf ("%s-%s%s", stem, self->params ? self->params->codec->name : "", suffix);
}

static void
ask_save (LwImagePage *self,
          SaveKind     kind)
{
  static const struct { const char *title; const char *suffix; const char *filter; } kinds[] = {
    [SAVE_EXPERIMENT] = { N_("Save Experiment"), ".json", "json" },
    [SAVE_DECODED] = { N_("Save Decoded Image"), ".png", "png" },
    [SAVE_BITSTREAM] = { N_("Save Bitstream"), ".lwc", "lwc" },
    [SAVE_PLOT] = { N_("Export Rate–Distortion Plot"), ".svg", "svg png pdf" },
    [SAVE_CSV] = { N_("Export Rate–Distortion Curves"), ".csv", "csv" },
  };
  g_autofree char *name = NULL;

  if (self->image == NULL)
    {
      _lw_image_page_toast (self, _("Open an image first"));
      return;
    }
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_(kinds[kind].title), page_window (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Save"), _("_Cancel"));
  g_object_set_data (G_OBJECT (self->chooser), "lw-save-kind", GINT_TO_POINTER (kind));
  name = suggested_name (self, kinds[kind].suffix);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  add_filter (GTK_FILE_CHOOSER (self->chooser), _(kinds[kind].title), NULL, kinds[kind].filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_save_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
save_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  const char *name = g_action_get_name (G_ACTION (action));
  SaveKind kind = SAVE_EXPERIMENT;

  if (g_str_equal (name, "save-decoded"))
    kind = SAVE_DECODED;
  else if (g_str_equal (name, "save-bitstream"))
    kind = SAVE_BITSTREAM;
  else if (g_str_equal (name, "export-plot"))
    kind = SAVE_PLOT;
  else if (g_str_equal (name, "export-csv"))
    kind = SAVE_CSV;
  ask_save (LW_IMAGE_PAGE (user_data), kind);
}

void
lw_image_page_save_as (LwImagePage *self,
                       const char  *what,
                       const char  *path)
{
  static const char *const names[] = { "experiment", "decoded", "bitstream", "plot", "csv" };

  g_return_if_fail (LW_IS_IMAGE_PAGE (self));
  g_return_if_fail (path != NULL);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (what, names[i]) == 0)
      {
        save_to (self, (SaveKind) i, path);
        return;
      }
  g_return_if_reached ();
}

static const GActionEntry file_actions[] = {
  { "open", open_action, NULL, NULL, NULL, { 0 } },
  { "open-recent", open_recent_action, "s", NULL, NULL, { 0 } },
  { "save-experiment", save_action, NULL, NULL, NULL, { 0 } },
  { "save-decoded", save_action, NULL, NULL, NULL, { 0 } },
  { "save-bitstream", save_action, NULL, NULL, NULL, { 0 } },
  { "export-plot", save_action, NULL, NULL, NULL, { 0 } },
  { "export-csv", save_action, NULL, NULL, NULL, { 0 } },
};

void
_lw_image_page_add_file_actions (LwImagePage *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), file_actions,
                                   G_N_ELEMENTS (file_actions), self);
}

void
_lw_image_page_files_dispose (LwImagePage *self)
{
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
}
