/* lw-window.c — the main window: header bar, the workbench pages, menus, messages
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-window"

#include "config.h"

#include <glib/gi18n.h>

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
  GMenu                *recent_section;

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

/* Recent files: images and experiments this application opened */

static gboolean
is_ours (GtkRecentInfo *info)
{
  const char *uri = gtk_recent_info_get_uri (info);

  return gtk_recent_info_has_application (info, g_get_prgname ()) &&
         (g_str_has_suffix (uri, ".png") || g_str_has_suffix (uri, ".jpg") ||
          g_str_has_suffix (uri, ".jpeg") || g_str_has_suffix (uri, ".json") ||
          g_str_has_suffix (uri, ".PNG") || g_str_has_suffix (uri, ".JPG"));
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

      g_menu_item_set_action_and_target (item, "image.open-recent", "s",
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
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/latentworkbench/Workbench/ui/lw-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LwWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, LwWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, LwWindow, image_page);
  gtk_widget_class_bind_template_child (widget_class, LwWindow, recent_section);
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
  g_return_if_fail (LW_IS_WINDOW (self));
  lw_image_page_open (self->image_page, file);
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
