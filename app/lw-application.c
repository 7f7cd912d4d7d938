/* lw-application.c — the application: app-wide actions, windows, command-line files
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `latent-workbench [FILE…]` opens each FILE in a window; without files one window opens
 * with the first bundled sample image.
 */
#define G_LOG_DOMAIN "lw-application"

#include "config.h"

#include <glib/gi18n.h>

#include "lw-application.h"
#include "lw-preferences.h"
#include "lw-samples.h"
#include "lw-settings.h"
#include "lw-window.h"

struct _LwApplication
{
  AdwApplication parent_instance;

  GSettings     *settings;  /* nullable: no schema found */
};

G_DEFINE_FINAL_TYPE (LwApplication, lw_application, ADW_TYPE_APPLICATION)

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GApplication *app = G_APPLICATION (user_data);
  g_autoptr (GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (app)));

  /* Closing (not destroying) lets each window save its settings. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
  g_application_quit (app);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GtkWidget *about = adw_about_window_new ();
  const char *developers[] = { _("The Latent Workbench developers"), NULL };

  adw_about_window_set_application_name (ADW_ABOUT_WINDOW (about), _("Latent Workbench"));
  adw_about_window_set_application_icon (ADW_ABOUT_WINDOW (about), APP_ID);
  adw_about_window_set_version (ADW_ABOUT_WINDOW (about), PACKAGE_VERSION);
  adw_about_window_set_developer_name (ADW_ABOUT_WINDOW (about),
                                       _("The Latent Workbench developers"));
  adw_about_window_set_developers (ADW_ABOUT_WINDOW (about), developers);
  adw_about_window_set_comments (ADW_ABOUT_WINDOW (about),
                                 _("See what latent-space codecs do to your images at every "
                                   "rate, next to JPEG, JPEG 2000 and WebP: split and "
                                   "difference views, the latent itself, and rate–distortion "
                                   "curves with Bjøntegaard deltas."));
  adw_about_window_set_license_type (ADW_ABOUT_WINDOW (about), GTK_LICENSE_GPL_3_0);
  /* Translators: put your names here, one per line */
  adw_about_window_set_translator_credits (ADW_ABOUT_WINDOW (about), _("translator-credits"));
  gtk_window_set_transient_for (GTK_WINDOW (about), gtk_application_get_active_window (app));
  gtk_window_set_modal (GTK_WINDOW (about), TRUE);
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  LwApplication *self = LW_APPLICATION (user_data);
  GtkWindow *window = lw_preferences_new (gtk_application_get_active_window (GTK_APPLICATION (self)),
                                          self->settings);

  gtk_window_present (window);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action, NULL, NULL, NULL, { 0 } },
  { "about", about_action, NULL, NULL, NULL, { 0 } },
  { "preferences", preferences_action, NULL, NULL, NULL, { 0 } },
};

/* Every command of the window and its pages, with its keys; the shortcuts window
 * (resources/gtk/help-overlay.ui) lists the same. */
static const struct
{
  const char *action;
  const char *accels[4];
} shortcuts[] = {
  { "app.quit", { "<Control>q", NULL } },
  { "app.preferences", { "<Control>comma", NULL } },
  { "image.save-experiment", { "<Control>s", NULL } },
  { "image.save-decoded", { "<Control><Shift>s", NULL } },
  { "image.save-bitstream", { "<Control>b", NULL } },
  /* before image.export-plot: of two actions on one key the first enabled one runs, and
   * reason.evaluate is enabled only while the reasoning page is on show */
  { "reason.evaluate", { "<Control>e", NULL } },
  { "image.export-plot", { "<Control>e", NULL } },
  { "image.export-csv", { "<Control><Shift>e", NULL } },
  { "image.zoom-in", { "<Control>plus", "<Control>equal", "<Control>KP_Add", NULL } },
  { "image.zoom-out", { "<Control>minus", "<Control>KP_Subtract", NULL } },
  { "image.zoom-fit", { "<Control>0", NULL } },
  { "image.zoom-100", { "<Control>1", NULL } },
  { "image.cycle-mode", { "<Control>m", NULL } },
  { "image.compare-mode('split')", { "<Alt>1", NULL } },
  { "image.compare-mode('side-by-side')", { "<Alt>2", NULL } },
  { "image.compare-mode('difference')", { "<Alt>3", NULL } },
  { "image.compare-mode('latent')", { "<Alt>4", NULL } },
  { "image.next-codec", { "<Control>Page_Down", NULL } },
  { "image.previous-codec", { "<Control>Page_Up", NULL } },
  { "image.cancel-rd", { "<Control>period", NULL } },
  { "image.train-decoder", { "<Control><Shift>t", NULL } },
  { "audio.play", { "<Control>space", NULL } },
  { "audio.source('a')", { "<Alt>a", NULL } },
  { "audio.source('b')", { "<Alt>b", NULL } },
  { "audio.loop", { "<Control>l", NULL } },
  { "audio.abx-play-x", { "<Alt>x", NULL } },
  { "audio.abx-answer('a')", { "<Alt><Shift>a", NULL } },
  { "audio.abx-answer('b')", { "<Alt><Shift>b", NULL } },
  { "win.open", { "<Control>o", NULL } },
  { "reason.run", { "<Control>Return", "<Control>KP_Enter", NULL } },
  { "reason.random", { "<Control>r", NULL } },
  { "win.page('previous')", { "<Alt>Page_Up", NULL } },
  { "win.page('next')", { "<Alt>Page_Down", NULL } },
};

static void
lw_application_startup (GApplication *application)
{
  LwApplication *self = LW_APPLICATION (application);

  G_APPLICATION_CLASS (lw_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (application), app_actions,
                                   G_N_ELEMENTS (app_actions), application);
  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (application), shortcuts[i].action,
                                           shortcuts[i].accels);
  self->settings = lw_settings_new ();
  lw_preferences_follow_color_scheme (self->settings);
}

static void
lw_application_activate (GApplication *application)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (application));
  LwWindow *window;
  g_autofree char *sample = NULL;
  g_autofree char *audio = NULL;

  if (active != NULL)
    {
      gtk_window_present (active);
      return;
    }
  window = lw_window_new (GTK_APPLICATION (application));
  /* The audio page gets the bundled music, the image page (shown first) an image. */
  audio = lw_samples_find_default_audio ();
  if (audio != NULL)
    {
      g_autoptr (GFile) file = g_file_new_for_path (audio);
      lw_audio_page_open (lw_window_get_audio_page (window), file);
    }
  sample = lw_samples_find_default ();
  if (sample != NULL)
    {
      g_autoptr (GFile) file = g_file_new_for_path (sample);
      lw_window_open (window, file);
    }
  else
    g_message ("no sample images found; use Open to choose an image");
  gtk_window_present (GTK_WINDOW (window));
}

static void
lw_application_open (GApplication  *application,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  for (int i = 0; i < n_files; i++)
    {
      LwWindow *window = lw_window_new (GTK_APPLICATION (application));
      lw_window_open (window, files[i]);
      gtk_window_present (GTK_WINDOW (window));
    }
}

static void
lw_application_dispose (GObject *object)
{
  LwApplication *self = LW_APPLICATION (object);

  g_clear_object (&self->settings);
  G_OBJECT_CLASS (lw_application_parent_class)->dispose (object);
}

static void
lw_application_class_init (LwApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = lw_application_dispose;
  app_class->startup = lw_application_startup;
  app_class->activate = lw_application_activate;
  app_class->open = lw_application_open;
}

static void
lw_application_init (LwApplication *self)
{
}

LwApplication *
lw_application_new (void)
{
  return g_object_new (LW_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/org/latentworkbench/Workbench",
                       NULL);
}
