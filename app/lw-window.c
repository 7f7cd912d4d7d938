/* lw-window.c — the main window: header bar, the workbench pages, menus, messages
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-window"

#include "config.h"

#include <glib/gi18n.h>

#include "lw-audio-io.h"
#include "lw-settings.h"
#include "lw-window.h"

#define N_RECENT 10

struct _LwWindow
{
  AdwApplicationWindow  parent_instance;

  /* template children */
  AdwToastOverlay      *toast_overlay;
  AdwViewStack         *view_stack;
  LwImagePage          *image_page;
  LwAudioPage          *audio_page;
  LwReasonPage         *reason_page;
  GtkMenuButton        *save_button;
  GMenuModel           *save_menu;
  GMenuModel           *audio_save_menu;
  GMenu                *recent_section;
  GtkFileChooserNative *chooser;

  GSettings            *settings;  /* nullable: no schema found */
  AdwToast             *toast;     /* weak: the last message shown */
};

G_DEFINE_FINAL_TYPE (LwWindow, lw_window, ADW_TYPE_APPLICATION_WINDOW)

static void
on_page_toast_cb (LwImagePage *page,
                  const char  *text,
                  LwWindow    *self)
{
  lw_window_show_toast (self, text);
}

static void
on_page_result_cb (LwImagePage *page,
                   GParamSpec  *pspec,
                   LwWindow    *self)
{
  const char *path = lw_image_page_get_image_path (page);
  g_autofree char *name = path ? g_path_get_basename (path) : NULL;

  /* Translators: window title; %s is the image file's name */
  if (name != NULL)
    {
      g_autofree char *title = g_strdup_printf (_("%s — Latent Workbench"), name);
      gtk_window_set_title (GTK_WINDOW (self), title);
    }
}

static void
on_foreign_project_cb (LwImagePage *page,
                       LwProject   *project,
                       LwWindow    *self)
{
  g_autoptr (GError) error = NULL;

  /* An experiment of another page: the image page read it, the audio page applies it. */
  if (!lw_audio_page_apply_project (self->audio_page, project, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not open the experiment: %s"),
                                               error->message);
      lw_window_show_toast (self, text);
      return;
    }
  adw_view_stack_set_visible_child_name (self->view_stack, "audio");
}

static void
on_visible_page_cb (AdwViewStack *stack,
                    GParamSpec   *pspec,
                    LwWindow     *self)
{
  const char *name = adw_view_stack_get_visible_child_name (stack);
  gboolean audio = g_strcmp0 (name, "audio") == 0;

  gtk_menu_button_set_menu_model (self->save_button,
                                  audio ? self->audio_save_menu : self->save_menu);
  /* the reasoning page saves nothing */
  gtk_widget_set_visible (GTK_WIDGET (self->save_button), g_strcmp0 (name, "reasoning") != 0);
}

static void
on_open_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     LwWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      if (file != NULL)
        lw_window_open (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
add_filter (GtkFileChooser *chooser,
            const char     *name,
            const char     *suffixes)
{
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  g_auto (GStrv) parts = g_strsplit (suffixes, " ", -1);

  gtk_file_filter_set_name (filter, name);
  for (guint i = 0; parts[i] != NULL; i++)
    gtk_file_filter_add_suffix (filter, parts[i]);
  gtk_file_chooser_add_filter (chooser, filter);
}

static void
open_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  LwWindow *self = user_data;
  GtkFileChooser *chooser;

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Open Image, Audio or Experiment"),
                                               GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Open"), _("_Cancel"));
  chooser = GTK_FILE_CHOOSER (self->chooser);
  add_filter (chooser, _("Images, Audio and Experiments"),
              "png jpg jpeg wav flac ogg oga aif aiff json");
  add_filter (chooser, _("PNG and JPEG Images"), "png jpg jpeg");
  add_filter (chooser, _("Audio (WAV, FLAC, Ogg Vorbis, AIFF)"), "wav flac ogg oga aif aiff");
  add_filter (chooser, _("Experiments"), "json");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_open_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
open_recent_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  g_autoptr (GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  lw_window_open (LW_WINDOW (user_data), file);
}

static void
page_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  LwWindow *self = user_data;
  const char *name = g_variant_get_string (parameter, NULL);
  int step = g_str_equal (name, "next") ? 1 : g_str_equal (name, "previous") ? -1 : 0;

  /* "next" and "previous" cycle through the visible pages (Alt+Page Down and Up) */
  if (step != 0)
    {
      GtkSelectionModel *pages = adw_view_stack_get_pages (self->view_stack);
      guint n = g_list_model_get_n_items (G_LIST_MODEL (pages));
      const char *current = adw_view_stack_get_visible_child_name (self->view_stack);
      guint at = 0;

      for (guint i = 0; i < n; i++)
        {
          g_autoptr (AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);
          if (g_strcmp0 (adw_view_stack_page_get_name (page), current) == 0)
            at = i;
        }
      for (guint k = 1; k < n; k++)
        {
          g_autoptr (AdwViewStackPage) page =
            g_list_model_get_item (G_LIST_MODEL (pages), (at + n + step * (int) k) % n);
          if (adw_view_stack_page_get_visible (page))
            {
              adw_view_stack_set_visible_child (self->view_stack,
                                                adw_view_stack_page_get_child (page));
              break;
            }
        }
      g_object_unref (pages);
      return;
    }
  adw_view_stack_set_visible_child_name (self->view_stack, name);
}

static const GActionEntry win_actions[] = {
  { "open", open_action, NULL, NULL, NULL, { 0 } },
  { "page", page_action, "s", NULL, NULL, { 0 } },
  { "open-recent", open_recent_action, "s", NULL, NULL, { 0 } },
};

static gboolean
on_drop_cb (GtkDropTarget *target,
            const GValue  *value,
            double         x,
            double         y,
            LwWindow      *self)
{
  GFile *file = NULL;

  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = g_value_get_boxed (value);
      if (files != NULL)
        file = files->data;
    }
  else if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    file = g_value_get_object (value);
  if (file == NULL)
    return FALSE;
  lw_window_open (self, file);
  return TRUE;
}

/* Recent files: images, audio and experiments this application opened */

static gboolean
is_ours (GtkRecentInfo *info)
{
  const char *uri = gtk_recent_info_get_uri (info);

  return gtk_recent_info_has_application (info, g_get_prgname ()) &&
         (g_str_has_suffix (uri, ".png") || g_str_has_suffix (uri, ".jpg") ||
          g_str_has_suffix (uri, ".jpeg") || g_str_has_suffix (uri, ".json") ||
          g_str_has_suffix (uri, ".PNG") || g_str_has_suffix (uri, ".JPG") ||
          lw_audio_path_is_audio (uri));
}

static int
compare_recent (gconstpointer a,
                gconstpointer b)
{
  GDateTime *ta = gtk_recent_info_get_modified ((GtkRecentInfo *) a);
  GDateTime *tb = gtk_recent_info_get_modified ((GtkRecentInfo *) b);

  return -g_date_time_compare (ta, tb);
}

static void
update_recent (LwWindow *self)
{
  GList *items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  GList *ours = NULL;
  guint n = 0;

  g_menu_remove_all (self->recent_section);
  for (GList *l = items; l != NULL; l = l->next)
    if (is_ours (l->data))
      ours = g_list_prepend (ours, l->data);
  ours = g_list_sort (ours, compare_recent);
  for (GList *l = ours; l != NULL && n < N_RECENT; l = l->next, n++)
    {
      GtkRecentInfo *info = l->data;
      g_autoptr (GMenuItem) item = g_menu_item_new (gtk_recent_info_get_display_name (info), NULL);

      g_menu_item_set_action_and_target (item, "win.open-recent", "s",
                                         gtk_recent_info_get_uri (info));
      g_menu_append_item (self->recent_section, item);
    }
  if (n == 0)
    {
      g_autoptr (GMenuItem) item = g_menu_item_new (_("No recent files"), "image.none");
      g_menu_append_item (self->recent_section, item);
    }
  g_list_free (ours);
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

static void
on_recent_changed_cb (GtkRecentManager *manager,
                      LwWindow         *self)
{
  update_recent (self);
}

/* Settings */

static void
restore_settings (LwWindow *self)
{
  if (self->settings == NULL)
    return;
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
save_settings (LwWindow *self)
{
  int width = 0, height = 0;

  if (self->settings == NULL)
    return;
  /* The default size is the unmaximized size in GTK 4. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  if (width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
}

/* Overrides */

static gboolean
lw_window_close_request (GtkWindow *window)
{
  save_settings (LW_WINDOW (window));
  return GTK_WINDOW_CLASS (lw_window_parent_class)->close_request (window);
}

static void
lw_window_dispose (GObject *object)
{
  LwWindow *self = LW_WINDOW (object);

  g_signal_handlers_disconnect_by_data (gtk_recent_manager_get_default (), self);
  g_clear_weak_pointer (&self->toast);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), LW_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (lw_window_parent_class)->dispose (object);
}

static void
lw_window_class_init (LwWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = lw_window_dispose;
  window_class->close_request = lw_window_close_request;

  g_type_ensure (LW_TYPE_IMAGE_PAGE);
  g_type_ensure (LW_TYPE_AUDIO_PAGE);
  g_type_ensure (LW_TYPE_REASON_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/latentworkbench/Workbench/ui/lw-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LwWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, LwWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, LwWindow, image_page);
  gtk_widget_class_bind_template_child (widget_class, LwWindow, recent_section);
  gtk_widget_class_bind_template_child (widget_class, LwWindow, audio_page);
  gtk_widget_class_bind_template_child (widget_class, LwWindow, reason_page);
  gtk_widget_class_bind_template_child (widget_class, LwWindow, save_button);
  gtk_widget_class_bind_template_child (widget_class, LwWindow, save_menu);
  gtk_widget_class_bind_template_child (widget_class, LwWindow, audio_save_menu);
  gtk_widget_class_bind_template_callback (widget_class, on_foreign_project_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_visible_page_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_page_toast_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_page_result_cb);
}

static void
lw_window_init (LwWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The header bar's buttons and the application's shortcuts reach the page's actions here. */
  gtk_widget_insert_action_group (GTK_WIDGET (self), "image",
                                  lw_image_page_get_actions (self->image_page));
  gtk_widget_insert_action_group (GTK_WIDGET (self), "audio",
                                  lw_audio_page_get_actions (self->audio_page));
  gtk_widget_insert_action_group (GTK_WIDGET (self), "reason",
                                  lw_reason_page_get_actions (self->reason_page));
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions),
                                   self);
  {
    GtkDropTarget *target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
    GType types[] = { GDK_TYPE_FILE_LIST, G_TYPE_FILE };

    gtk_drop_target_set_gtypes (target, types, G_N_ELEMENTS (types));
    g_signal_connect (target, "drop", G_CALLBACK (on_drop_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
  }
  self->settings = lw_settings_new ();
  restore_settings (self);
  update_recent (self);
  g_signal_connect (gtk_recent_manager_get_default (), "changed",
                    G_CALLBACK (on_recent_changed_cb), self);
}

/* Public API */

/**
 * lw_window_new:
 * @application: (nullable): the application the window belongs to
 *
 * Returns: (transfer none): a new window (owned by GTK's window list)
 */
LwWindow *
lw_window_new (GtkApplication *application)
{
  return g_object_new (LW_TYPE_WINDOW, "application", application, NULL);
}

void
lw_window_open (LwWindow *self,
                GFile    *file)
{
  g_autofree char *name = NULL;

  g_return_if_fail (LW_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  /* Audio goes to the audio page; images and experiments to the image page, which hands an
   * audio experiment on (foreign-project). */
  name = g_file_get_basename (file);
  if (name != NULL && lw_audio_path_is_audio (name))
    {
      lw_audio_page_open (self->audio_page, file);
      adw_view_stack_set_visible_child_name (self->view_stack, "audio");
      return;
    }
  lw_image_page_open (self->image_page, file);
  if (name == NULL || !g_str_has_suffix (name, ".json"))
    adw_view_stack_set_visible_child_name (self->view_stack, "image");
}

LwAudioPage *
lw_window_get_audio_page (LwWindow *self)
{
  g_return_val_if_fail (LW_IS_WINDOW (self), NULL);
  return self->audio_page;
}

LwReasonPage *
lw_window_get_reason_page (LwWindow *self)
{
  g_return_val_if_fail (LW_IS_WINDOW (self), NULL);
  return self->reason_page;
}

LwImagePage *
lw_window_get_image_page (LwWindow *self)
{
  g_return_val_if_fail (LW_IS_WINDOW (self), NULL);
  return self->image_page;
}

static void
on_toast_dismissed_cb (LwWindow *self,
                       AdwToast *toast)
{
  if (self->toast == toast)
    g_clear_weak_pointer (&self->toast);
}

void
lw_window_show_toast (LwWindow   *self,
                      const char *text)
{
  g_autofree char *markup = g_markup_escape_text (text, -1);
  AdwToast *toast;

  g_return_if_fail (LW_IS_WINDOW (self));
  /* One message at a time: a failing codec would otherwise queue one per slider step. A toast
   * still on show gets the new text rather than being dismissed for a new one: dismissing a
   * toast during its show animation and closing the window before the hide animation ends
   * makes libadwaita 1.2 unref a finalized toast. */
  if (self->toast != NULL)
    {
      adw_toast_set_title (self->toast, markup);
      return;
    }
  toast = adw_toast_new (markup);
  adw_toast_set_timeout (toast, 6);
  g_set_weak_pointer (&self->toast, toast);
  /* From the moment it starts to hide, a new message needs a new toast. */
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_toast_dismissed_cb), self,
                           G_CONNECT_SWAPPED);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}
