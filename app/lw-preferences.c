/* lw-preferences.c — the Preferences window, bound to the application's settings
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every control is bound to its GSettings key (g_settings_bind), so the pages hear a change
 * the moment it is made, and the ranges are the schema's.
 */
#define G_LOG_DOMAIN "lw-preferences"

#include "config.h"

#include <glib/gi18n.h>

#include "lw-playback.h"
#include "lw-preferences.h"

static const char *const schemes[] = { "default", "light", "dark" };

static void
apply_color_scheme (GSettings *settings)
{
  g_autofree char *scheme = g_settings_get_string (settings, "color-scheme");
  AdwColorScheme value = ADW_COLOR_SCHEME_DEFAULT;

  if (g_str_equal (scheme, "light"))
    value = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_str_equal (scheme, "dark"))
    value = ADW_COLOR_SCHEME_FORCE_DARK;
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), value);
}

static void
on_color_scheme_changed_cb (GSettings  *settings,
                            const char *key,
                            gpointer    user_data)
{
  apply_color_scheme (settings);
}

void
lw_preferences_follow_color_scheme (GSettings *settings)
{
  if (settings == NULL)
    return;
  apply_color_scheme (settings);
  g_signal_connect (settings, "changed::color-scheme", G_CALLBACK (on_color_scheme_changed_cb),
                    NULL);
}

static gboolean
scheme_to_index (GValue   *value,
                 GVariant *variant,
                 gpointer  user_data)
{
  const char *s = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (schemes); i++)
    if (g_str_equal (s, schemes[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
index_to_scheme (const GValue       *value,
                 const GVariantType *type,
                 gpointer            user_data)
{
  guint i = g_value_get_uint (value);

  return g_variant_new_string (schemes[MIN (i, G_N_ELEMENTS (schemes) - 1)]);
}

static GtkWidget *
spin_row (GSettings  *settings,
          const char *key,
          const char *title,
          const char *subtitle,
          double      lower,
          double      upper,
          double      step,
          guint       digits)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (lower, upper, step);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), digits);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  g_settings_bind (settings, key, spin, "value", G_SETTINGS_BIND_DEFAULT);
  return row;
}

/* Output devices as PortAudio lists them; the first entry is the system default (stored as
 * ""). The list is read when the window opens. */
static void
on_device_selected_cb (AdwComboRow *row,
                       GParamSpec  *pspec,
                       GSettings   *settings)
{
  guint i = adw_combo_row_get_selected (row);
  GStrv names = g_object_get_data (G_OBJECT (row), "lw-device-names");

  if (names != NULL && i < g_strv_length (names))
    g_settings_set_string (settings, "audio-device", names[i]);
}

static GtkWidget *
device_row (GSettings *settings)
{
  GtkWidget *row = adw_combo_row_new ();
  g_autoptr (LwPlayback) playback = lw_playback_new ();
  g_autoptr (GPtrArray) devices = lw_playback_list_devices (playback);
  g_autoptr (GtkStringList) labels = gtk_string_list_new (NULL);
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();
  g_autofree char *current = g_settings_get_string (settings, "audio-device");
  guint selected = 0;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Output device"));
  gtk_string_list_append (labels, _("System default"));
  g_strv_builder_add (names, "");
  for (guint i = 0; devices != NULL && i < devices->len; i++)
    {
      LwAudioDevice *d = g_ptr_array_index (devices, i);
      g_autofree char *label = g_strdup_printf ("%s (%s)", d->name, d->host_api);
      gtk_string_list_append (labels, label);
      g_strv_builder_add (names, d->name);
      if (g_strcmp0 (d->name, current) == 0)
        selected = i + 1;
    }
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (labels));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
  if (devices == NULL || devices->len == 0)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("No output device was found"));
  g_object_set_data_full (G_OBJECT (row), "lw-device-names", g_strv_builder_end (names),
                          (GDestroyNotify) g_strfreev);
  g_signal_connect_object (row, "notify::selected", G_CALLBACK (on_device_selected_cb),
                           settings, 0);
  return row;
}

/* Automatic, then 1 … cores; the index is the setting's value */
static gboolean
threads_to_index (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  guint cores = GPOINTER_TO_UINT (user_data);
  g_value_set_uint (value, MIN (g_variant_get_uint32 (variant), cores));
  return TRUE;
}

static GVariant *
index_to_threads (const GValue       *value,
                  const GVariantType *type,
                  gpointer            user_data)
{
  return g_variant_new_uint32 (g_value_get_uint (value));
}

static GtkWidget *
threads_row (GSettings *settings)
{
  GtkWidget *row = adw_combo_row_new ();
  guint cores = MAX (g_get_num_processors (), 1u);
  g_autoptr (GtkStringList) labels = gtk_string_list_new (NULL);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Threads for training"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               _("Automatic measures one thread against all cores when "
                                 "training starts; more threads are slower when other work "
                                 "competes for the cores"));
  gtk_string_list_append (labels, _("Automatic"));
  for (guint i = 1; i <= cores; i++)
    {
      g_autofree char *label = g_strdup_printf ("%u", i);
      gtk_string_list_append (labels, label);
    }
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (labels));
  g_settings_bind_with_mapping (settings, "compute-threads", row, "selected",
                                G_SETTINGS_BIND_DEFAULT, threads_to_index, index_to_threads,
                                GUINT_TO_POINTER (cores), NULL);
  return row;
}

GtkWindow *
lw_preferences_new (GtkWindow *parent,
                    GSettings *settings)
{
  GtkWidget *window = adw_preferences_window_new ();
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group, *row, *toggle;

  gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  adw_preferences_window_set_search_enabled (ADW_PREFERENCES_WINDOW (window), FALSE);
  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), _("General"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (page), "preferences-system-symbolic");
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (window), ADW_PREFERENCES_PAGE (page));

  if (settings == NULL)
    {
      group = adw_preferences_group_new ();
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                             _("The settings schema is not installed, so "
                                               "preferences cannot be kept."));
      adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
      return GTK_WINDOW (window);
    }

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Appearance"));
  row = adw_combo_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Style"));
  {
    const char *labels[] = { _("Follow System"), _("Light"), _("Dark"), NULL };
    g_autoptr (GtkStringList) model = gtk_string_list_new (labels);
    adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  }
  g_settings_bind_with_mapping (settings, "color-scheme", row, "selected",
                                G_SETTINGS_BIND_DEFAULT, scheme_to_index, index_to_scheme,
                                NULL, NULL);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Image Page"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             spin_row (settings, "diff-gain", _("Difference magnification"),
                                       _("The heat map shows |original − decoded| times this"),
                                       1, 256, 1, 0));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             spin_row (settings, "rd-points", _("Points per curve"),
                                       _("Rate settings each rate–distortion curve is measured at"),
                                       4, 32, 1, 0));
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("One range for all latents"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               _("Map every latent channel through the same value range"));
  toggle = gtk_switch_new ();
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  g_settings_bind (settings, "latent-common-range", toggle, "active", G_SETTINGS_BIND_DEFAULT);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Audio Page"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), device_row (settings));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Computation"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), threads_row (settings));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  return GTK_WINDOW (window);
}
