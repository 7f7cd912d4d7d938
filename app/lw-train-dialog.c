/* lw-train-dialog.c — the "Train Decoder" window: images, settings, a live loss curve, and
 * handing the trained decoder to the image page
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This file is the window: its images, settings and output file, the file choosers, the
 * actions and the API. The training run (worker thread, progress, outcome) is in
 * lw-train-dialog-run.c. Closing the window while training asks nothing: it cancels, and the
 * run saves a checkpoint to resume from.
 */
#define G_LOG_DOMAIN "lw-train-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "lw-error.h"
#include "lw-train-dialog-private.h"

#define BUNDLED_DIR  "/usr/lib/python3/dist-packages/skimage/data"

/* The CC0/public-domain images of python3-skimage the shipped decoder was trained on (the
 * measured images astronaut, chelsea and coffee are kept out) */
static const char *const bundled_names[] = {
  "rocket.jpg", "hubble_deep_field.jpg", "retina.jpg", "ihc.png", "camera.png", "brick.png",
  "grass.png", "gravel.png",
};

G_DEFINE_FINAL_TYPE (LwTrainDialog, lw_train_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_DECODER_READY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Helpers */

void
_lw_train_dialog_toast (LwTrainDialog *self,
                        const char    *text)
{
  g_autofree char *markup = g_markup_escape_text (text, -1);

  g_debug ("%s", text);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (markup));
}

static char *
default_output (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *name = g_date_time_format (now, "decoder-%Y%m%d-%H%M%S.safetensors");

  return g_build_filename (g_get_user_data_dir (), "latent-workbench", "decoders", name, NULL);
}

static gboolean
is_image_name (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  return g_str_has_suffix (lower, ".png") || g_str_has_suffix (lower, ".jpg") ||
         g_str_has_suffix (lower, ".jpeg");
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static GStrv
bundled_images (void)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < G_N_ELEMENTS (bundled_names); i++)
    {
      g_autofree char *path = g_build_filename (BUNDLED_DIR, bundled_names[i], NULL);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_strv_builder_add (builder, path);
    }
  return g_strv_builder_end (builder);
}

static void
set_images (LwTrainDialog *self,
            GStrv          images,
            const char    *where)
{
  guint n = g_strv_length (images);
  /* Translators: the number of training images, then where they are */
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u image in %s",
                                                        "%u images in %s", n), n, where);

  g_strfreev (self->images);
  self->images = images;
  adw_action_row_set_subtitle (self->folder_row, text);
}

static void
set_output (LwTrainDialog *self,
            const char    *path,
            gboolean       is_default)
{
  if (path != self->output)
    {
      g_free (self->output);
      self->output = g_strdup (path);
    }
  self->output_is_default = is_default;
  adw_action_row_set_subtitle (self->output_row, path);
}

void
_lw_train_dialog_update_actions (LwTrainDialog *self)
{
  GtkWidget *w = GTK_WIDGET (self);
  gboolean idle = !self->running;
  g_auto (GStrv) bundled = NULL;
  gboolean have_checkpoint = self->output != NULL &&
                             g_file_test (self->output, G_FILE_TEST_IS_REGULAR);

  gtk_widget_action_set_enabled (w, "train.start", idle);
  gtk_widget_action_set_enabled (w, "train.cancel", self->running);
  gtk_widget_action_set_enabled (w, "train.resume", idle && self->resumable && have_checkpoint);
  gtk_widget_action_set_enabled (w, "train.resume-from", idle);
  gtk_widget_action_set_enabled (w, "train.use-decoder", have_checkpoint);
  gtk_widget_action_set_enabled (w, "train.choose-folder", idle);
  gtk_widget_action_set_enabled (w, "train.choose-output", idle);
  bundled = bundled_images ();
  gtk_widget_action_set_enabled (w, "train.use-bundled", idle && bundled[0] != NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->start_button), idle);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), self->running);
  gtk_widget_set_visible (GTK_WIDGET (self->resume_button),
                          idle && self->resumable && have_checkpoint);
  gtk_widget_set_sensitive (GTK_WIDGET (self->settings_group), idle);
  if (have_checkpoint)
    {
      g_autofree char *name = g_path_get_basename (self->output);
      /* Translators: %s is the model file's name */
      g_autofree char *text = g_strdup_printf (_("Checkpoint: %s"), name);
      gtk_label_set_text (self->checkpoint_label, text);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->checkpoint_label), self->output);
    }
}

void
_lw_train_dialog_set_running (LwTrainDialog *self,
                              gboolean       running)
{
  if (self->running == running)
    return;
  self->running = running;
  if (!self->disposed)
    _lw_train_dialog_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/* File choosers */

static void
clear_chooser (LwTrainDialog *self)
{
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
}

static GtkFileChooser *
new_chooser (LwTrainDialog        *self,
             const char           *title,
             GtkFileChooserAction  action,
             const char           *accept,
             GCallback             response_cb)
{
  clear_chooser (self);
  self->chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action, accept,
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", response_cb, self);
  return GTK_FILE_CHOOSER (self->chooser);
}

static char *
chosen_path (GtkNativeDialog *dialog,
             int              response)
{
  g_autoptr (GFile) file = NULL;

  if (response != GTK_RESPONSE_ACCEPT)
    return NULL;
  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  return file ? g_file_get_path (file) : NULL;
}

static void
on_folder_response_cb (GtkNativeDialog *dialog,
                       int              response,
                       LwTrainDialog   *self)
{
  g_autofree char *path = chosen_path (dialog, response);
  g_autoptr (GError) error = NULL;

  if (path != NULL && !lw_train_dialog_set_folder (self, path, &error))
    _lw_train_dialog_toast (self, error->message);
  g_clear_object (&self->chooser);
}

static void
on_output_response_cb (GtkNativeDialog *dialog,
                       int              response,
                       LwTrainDialog   *self)
{
  g_autofree char *path = chosen_path (dialog, response);

  if (path != NULL)
    lw_train_dialog_set_output (self, path);
  g_clear_object (&self->chooser);
}

static void
on_resume_response_cb (GtkNativeDialog *dialog,
                       int              response,
                       LwTrainDialog   *self)
{
  g_autofree char *path = chosen_path (dialog, response);
  g_autoptr (GError) error = NULL;

  g_clear_object (&self->chooser);
  if (path != NULL && !lw_train_dialog_resume (self, path, &error))
    _lw_train_dialog_toast (self, error->message);
}

static void
add_model_filter (GtkFileChooser *chooser)
{
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Decoder models and checkpoints (.safetensors)"));
  gtk_file_filter_add_suffix (filter, "safetensors");
  gtk_file_chooser_add_filter (chooser, filter);
}

/* Actions */

static void
start_action (GtkWidget  *widget,
              const char *name,
              GVariant   *parameter)
{
  LwTrainDialog *self = LW_TRAIN_DIALOG (widget);
  g_autoptr (GError) error = NULL;

  if (!lw_train_dialog_start (self, &error))
    _lw_train_dialog_toast (self, error->message);
}

static void
cancel_action (GtkWidget  *widget,
               const char *name,
               GVariant   *parameter)
{
  lw_train_dialog_cancel (LW_TRAIN_DIALOG (widget));
}

static void
resume_action (GtkWidget  *widget,
               const char *name,
               GVariant   *parameter)
{
  LwTrainDialog *self = LW_TRAIN_DIALOG (widget);
  g_autoptr (GError) error = NULL;

  if (!lw_train_dialog_resume (self, NULL, &error))
    _lw_train_dialog_toast (self, error->message);
}

static void
resume_from_action (GtkWidget  *widget,
                    const char *name,
                    GVariant   *parameter)
{
  LwTrainDialog *self = LW_TRAIN_DIALOG (widget);
  GtkFileChooser *chooser = new_chooser (self, _("Resume from Checkpoint"),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Resume"),
                                         G_CALLBACK (on_resume_response_cb));
  g_autofree char *dir = g_path_get_dirname (self->output);
  g_autoptr (GFile) folder = g_file_new_for_path (dir);

  add_model_filter (chooser);
  if (g_file_test (dir, G_FILE_TEST_IS_DIR))
    gtk_file_chooser_set_current_folder (chooser, folder, NULL);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
use_decoder_action (GtkWidget  *widget,
                    const char *name,
                    GVariant   *parameter)
{
  LwTrainDialog *self = LW_TRAIN_DIALOG (widget);
  g_autoptr (GError) error = NULL;

  if (!lw_train_dialog_use_decoder (self, &error))
    _lw_train_dialog_toast (self, error->message);
}

static void
choose_folder_action (GtkWidget  *widget,
                      const char *name,
                      GVariant   *parameter)
{
  LwTrainDialog *self = LW_TRAIN_DIALOG (widget);

  new_chooser (self, _("Training Images"), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Select"),
               G_CALLBACK (on_folder_response_cb));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
use_bundled_action (GtkWidget  *widget,
                    const char *name,
                    GVariant   *parameter)
{
  LwTrainDialog *self = LW_TRAIN_DIALOG (widget);

  if (!lw_train_dialog_use_bundled (self))
    _lw_train_dialog_toast (self,
                            _("The bundled training images (python3-skimage) are not installed"));
}

static void
choose_output_action (GtkWidget  *widget,
                      const char *name,
                      GVariant   *parameter)
{
  LwTrainDialog *self = LW_TRAIN_DIALOG (widget);
  GtkFileChooser *chooser = new_chooser (self, _("Save Decoder As"),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                                         G_CALLBACK (on_output_response_cb));
  g_autofree char *dir = g_path_get_dirname (self->output);
  g_autofree char *base = g_path_get_basename (self->output);
  g_autoptr (GFile) folder = g_file_new_for_path (dir);

  add_model_filter (chooser);
  g_mkdir_with_parents (dir, 0755);
  gtk_file_chooser_set_current_folder (chooser, folder, NULL);
  gtk_file_chooser_set_current_name (chooser, base);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* Settings rows */

static void
add_spin_row (LwTrainDialog *self,
              guint          which,
              const char    *title,
              const char    *subtitle,
              double         lower,
              double         upper,
              double         step,
              double         value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (lower, upper, step);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  adw_preferences_group_add (self->settings_group, row);
  self->spins[which] = GTK_SPIN_BUTTON (spin);
}

static void
setup_settings (LwTrainDialog *self)
{
  LwDecoderTrainConfig d;
  const char *proxies[] = { _("Uniform noise (WaLLoC)"), _("The codec’s quantiser"), NULL };
  g_autoptr (GtkStringList) model = gtk_string_list_new (proxies);
  GtkWidget *row;

  /* the trainer's defaults, so the window and the CLI start from the same place */
  lw_decoder_train_config_init (&d);
  add_spin_row (self, SET_STEPS, _("Steps"), _("Optimiser steps, each on a batch of crops"),
                10, 1000000, 100, d.steps);
  add_spin_row (self, SET_BATCH, _("Batch"), _("Random crops per step"), 1, 256, 1, d.batch);
  add_spin_row (self, SET_CROP, _("Crop"), _("Side of each crop in pixels, a multiple of 8"),
                16, 512, 8, d.crop);
  gtk_spin_button_set_snap_to_ticks (self->spins[SET_CROP], TRUE);
  add_spin_row (self, SET_WIDTH, _("Width"), _("Hidden channels of the decoder network"), 4,
                512, 4, d.model.width);
  add_spin_row (self, SET_BLOCKS, _("Blocks"), _("Residual blocks of the decoder network"), 0,
                16, 1, d.model.blocks);

  row = adw_combo_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Quantisation stand-in"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               _("What the latents go through while training"));
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), d.proxy == LW_PROXY_QUANTISE ? 1 : 0);
  adw_preferences_group_add (self->settings_group, row);
  self->proxy_row = ADW_COMBO_ROW (row);
}

/* GObject */

static void
lw_train_dialog_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  LwTrainDialog *self = LW_TRAIN_DIALOG (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
lw_train_dialog_close_request (GtkWindow *window)
{
  LwTrainDialog *self = LW_TRAIN_DIALOG (window);

  /* nothing to ask: the checkpoint keeps the work */
  if (self->run != NULL)
    g_cancellable_cancel (self->run->cancellable);
  return GTK_WINDOW_CLASS (lw_train_dialog_parent_class)->close_request (window);
}

static void
lw_train_dialog_dispose (GObject *object)
{
  LwTrainDialog *self = LW_TRAIN_DIALOG (object);

  /* Closing while training stops it; the worker still saves its checkpoint and finishes on
   * its own (it holds the run, not the window). */
  self->disposed = TRUE;
  if (self->run != NULL)
    g_cancellable_cancel (self->run->cancellable);
  clear_chooser (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), LW_TYPE_TRAIN_DIALOG);
  G_OBJECT_CLASS (lw_train_dialog_parent_class)->dispose (object);
}

static void
lw_train_dialog_finalize (GObject *object)
{
  LwTrainDialog *self = LW_TRAIN_DIALOG (object);

  g_clear_pointer (&self->run, _lw_train_run_detach);
  g_strfreev (self->images);
  g_free (self->output);
  G_OBJECT_CLASS (lw_train_dialog_parent_class)->finalize (object);
}

static void
lw_train_dialog_class_init (LwTrainDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->get_property = lw_train_dialog_get_property;
  object_class->dispose = lw_train_dialog_dispose;
  object_class->finalize = lw_train_dialog_finalize;
  window_class->close_request = lw_train_dialog_close_request;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LwTrainDialog::decoder-ready:
   * @path: the model file
   * @decoder: (type gpointer): the LwLearnedDecoder now in use, valid during emission
   *
   * A trained decoder was loaded and registered (lw_learned_decoder_use).
   */
  signals[SIGNAL_DECODER_READY] =
    g_signal_new ("decoder-ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_POINTER);

  g_type_ensure (LW_TYPE_LINE_PLOT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/latentworkbench/Workbench/ui/lw-train-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, LwTrainDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, LwTrainDialog, start_button);
  gtk_widget_class_bind_template_child (widget_class, LwTrainDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, LwTrainDialog, resume_button);
  gtk_widget_class_bind_template_child (widget_class, LwTrainDialog, settings_page);
  gtk_widget_class_bind_template_child (widget_class, LwTrainDialog, folder_row);
  gtk_widget_class_bind_template_child (widget_class, LwTrainDialog, bundled_row);
  gtk_widget_class_bind_template_child (widget_class, LwTrainDialog, settings_group);
  gtk_widget_class_bind_template_child (widget_class, LwTrainDialog, output_row);
  gtk_widget_class_bind_template_child (widget_class, LwTrainDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, LwTrainDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, LwTrainDialog, loss_plot);
  gtk_widget_class_bind_template_child (widget_class, LwTrainDialog, psnr_plot);
  gtk_widget_class_bind_template_child (widget_class, LwTrainDialog, checkpoint_label);

  gtk_widget_class_install_action (widget_class, "train.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "train.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "train.resume", NULL, resume_action);
  gtk_widget_class_install_action (widget_class, "train.resume-from", NULL, resume_from_action);
  gtk_widget_class_install_action (widget_class, "train.use-decoder", NULL, use_decoder_action);
  gtk_widget_class_install_action (widget_class, "train.choose-folder", NULL,
                                   choose_folder_action);
  gtk_widget_class_install_action (widget_class, "train.use-bundled", NULL, use_bundled_action);
  gtk_widget_class_install_action (widget_class, "train.choose-output", NULL,
                                   choose_output_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "train.start", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_period, GDK_CONTROL_MASK,
                                       "train.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
}

static void
lw_train_dialog_init (LwTrainDialog *self)
{
  g_autofree char *output = default_output ();
  g_auto (GStrv) bundled = bundled_images ();
  static const GdkRGBA raw = { 0x35 / 255., 0x84 / 255., 0xe4 / 255., 0.35 };
  static const GdkRGBA smooth = { 0x35 / 255., 0x84 / 255., 0xe4 / 255., 1 };
  static const GdkRGBA learned = { 0xe6 / 255., 0x61 / 255., 0x00 / 255., 1 };
  static const GdkRGBA linear = { 0x77 / 255., 0x76 / 255., 0x7b / 255., 1 };

  gtk_widget_init_template (GTK_WIDGET (self));
  self->images = g_new0 (char *, 1);
  setup_settings (self);
  set_output (self, output, TRUE);

  if (bundled[0] != NULL)
    {
      guint n = g_strv_length (bundled);
      /* Translators: %u public-domain images */
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u CC0 image from scikit-image, none of the images measured",
                                                            "%u CC0 images from scikit-image, none of the images measured",
                                                            n), n);
      adw_action_row_set_subtitle (self->bundled_row, text);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->bundled_row), BUNDLED_DIR);
    }
  else
    adw_action_row_set_subtitle (self->bundled_row,
                                 _("Not installed (Debian package python3-skimage)"));

  lw_line_plot_add_series (self->loss_plot, _("Loss"), &raw);
  lw_line_plot_add_series (self->loss_plot, _("Smoothed"), &smooth);
  lw_line_plot_add_series (self->psnr_plot, _("Learned"), &learned);
  lw_line_plot_add_series (self->psnr_plot, _("Linear"), &linear);
  _lw_train_dialog_update_actions (self);
}

/* Public API */

LwTrainDialog *
lw_train_dialog_new (GtkWindow *parent)
{
  return g_object_new (LW_TYPE_TRAIN_DIALOG, "transient-for", parent, NULL);
}

gboolean
lw_train_dialog_set_folder (LwTrainDialog *self,
                            const char    *folder,
                            GError       **error)
{
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) local = NULL;
  const char *name;

  g_return_val_if_fail (LW_IS_TRAIN_DIALOG (self), FALSE);
  g_return_val_if_fail (folder != NULL, FALSE);

  dir = g_dir_open (folder, 0, &local);
  if (dir == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_IO, _("%s: cannot read the folder: %s"), folder,
                   local->message);
      return FALSE;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);

      if (is_image_name (name) && g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (paths, g_steal_pointer (&path));
    }
  if (paths->len == 0)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   _("%s: the folder holds no PNG or JPEG image"), folder);
      return FALSE;
    }
  g_ptr_array_sort (paths, compare_paths);
  g_ptr_array_add (paths, NULL);
  set_images (self, (GStrv) g_ptr_array_steal (paths, NULL), folder);
  return TRUE;
}

gboolean
lw_train_dialog_use_bundled (LwTrainDialog *self)
{
  GStrv images;

  g_return_val_if_fail (LW_IS_TRAIN_DIALOG (self), FALSE);

  images = bundled_images ();
  if (images[0] == NULL)
    {
      g_strfreev (images);
      return FALSE;
    }
  set_images (self, images, _("the bundled training set"));
  return TRUE;
}

const char * const *
lw_train_dialog_get_images (LwTrainDialog *self)
{
  g_return_val_if_fail (LW_IS_TRAIN_DIALOG (self), NULL);
  return (const char * const *) self->images;
}

void
lw_train_dialog_set_settings (LwTrainDialog *self,
                              guint64        steps,
                              guint          batch,
                              guint          crop,
                              guint          width,
                              guint          blocks,
                              LwQuantProxy   proxy)
{
  g_return_if_fail (LW_IS_TRAIN_DIALOG (self));

  gtk_spin_button_set_value (self->spins[SET_STEPS], (double) steps);
  gtk_spin_button_set_value (self->spins[SET_BATCH], batch);
  gtk_spin_button_set_value (self->spins[SET_CROP], crop);
  gtk_spin_button_set_value (self->spins[SET_WIDTH], width);
  gtk_spin_button_set_value (self->spins[SET_BLOCKS], blocks);
  adw_combo_row_set_selected (self->proxy_row, proxy == LW_PROXY_QUANTISE ? 1 : 0);
}

void
lw_train_dialog_set_output (LwTrainDialog *self,
                            const char    *path)
{
  g_return_if_fail (LW_IS_TRAIN_DIALOG (self));
  g_return_if_fail (path != NULL);

  set_output (self, path, FALSE);
  self->resumable = FALSE;
  _lw_train_dialog_update_actions (self);
}

const char *
lw_train_dialog_get_output (LwTrainDialog *self)
{
  g_return_val_if_fail (LW_IS_TRAIN_DIALOG (self), NULL);
  return self->output;
}

gboolean
lw_train_dialog_start (LwTrainDialog *self,
                       GError       **error)
{
  g_return_val_if_fail (LW_IS_TRAIN_DIALOG (self), FALSE);

  /* a new run never overwrites the model an earlier one wrote under the default name */
  if (!self->running && self->output_is_default &&
      g_file_test (self->output, G_FILE_TEST_EXISTS))
    {
      g_autofree char *output = default_output ();
      set_output (self, output, TRUE);
    }
  if (!_lw_train_dialog_start_run (self, NULL, error))
    return FALSE;
  self->step = 0;
  self->ema = 0;
  self->ema_n = 0;
  self->has_eval = FALSE;
  lw_line_plot_clear_points (self->loss_plot);
  lw_line_plot_clear_points (self->psnr_plot);
  return TRUE;
}

gboolean
lw_train_dialog_resume (LwTrainDialog *self,
                        const char    *checkpoint,
                        GError       **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (LW_IS_TRAIN_DIALOG (self), FALSE);

  path = g_strdup (checkpoint ? checkpoint : self->output);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_IO, _("%s: no checkpoint to resume from"), path);
      return FALSE;
    }
  if (self->running)
    return _lw_train_dialog_start_run (self, path, error); /* reports that one runs */
  /* the checkpoint is updated in place from now on */
  if (g_strcmp0 (path, self->output) != 0)
    set_output (self, path, FALSE);
  return _lw_train_dialog_start_run (self, path, error);
}

void
lw_train_dialog_cancel (LwTrainDialog *self)
{
  g_return_if_fail (LW_IS_TRAIN_DIALOG (self));

  if (self->running && self->run != NULL)
    {
      g_cancellable_cancel (self->run->cancellable);
      gtk_progress_bar_set_text (self->progress_bar, _("Stopping and saving a checkpoint…"));
    }
}

gboolean
lw_train_dialog_get_running (LwTrainDialog *self)
{
  g_return_val_if_fail (LW_IS_TRAIN_DIALOG (self), FALSE);
  return self->running;
}

guint64
lw_train_dialog_get_step (LwTrainDialog *self)
{
  g_return_val_if_fail (LW_IS_TRAIN_DIALOG (self), 0);
  return self->step;
}

gboolean
lw_train_dialog_use_decoder (LwTrainDialog *self,
                             GError       **error)
{
  g_autoptr (LwLearnedDecoder) decoder = NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (LW_IS_TRAIN_DIALOG (self), FALSE);

  /* checkpoints are replaced atomically, so one can be read while training goes on */
  decoder = lw_learned_decoder_load (self->output, error);
  if (decoder == NULL)
    return FALSE;
  lw_learned_decoder_use (decoder);
  g_signal_emit (self, signals[SIGNAL_DECODER_READY], 0, self->output, decoder);
  name = g_path_get_basename (self->output);
  /* Translators: %s is the model file's name */
  text = g_strdup_printf (_("The image page decodes with “%s” now"), name);
  _lw_train_dialog_toast (self, text);
  return TRUE;
}

GtkProgressBar *
lw_train_dialog_get_progress_bar (LwTrainDialog *self)
{
  g_return_val_if_fail (LW_IS_TRAIN_DIALOG (self), NULL);
  return self->progress_bar;
}

LwLinePlot *
lw_train_dialog_get_loss_plot (LwTrainDialog *self)
{
  g_return_val_if_fail (LW_IS_TRAIN_DIALOG (self), NULL);
  return self->loss_plot;
}

LwLinePlot *
lw_train_dialog_get_psnr_plot (LwTrainDialog *self)
{
  g_return_val_if_fail (LW_IS_TRAIN_DIALOG (self), NULL);
  return self->psnr_plot;
}
