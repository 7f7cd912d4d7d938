/* lw-settings.c — the application's GSettings, also when the schema is not installed
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-settings"

#include "config.h"

#include "lw-settings.h"

static GSettingsSchema *
lookup_in (const char *dir)
{
  g_autoptr (GSettingsSchemaSource) source = NULL;
  g_autoptr (GError) error = NULL;

  if (dir == NULL || *dir == '\0')
    return NULL;
  source = g_settings_schema_source_new_from_directory (dir,
                                                        g_settings_schema_source_get_default (),
                                                        FALSE, &error);
  if (source == NULL)
    {
      g_debug ("no usable schemas in %s: %s", dir, error->message);
      return NULL;
    }
  return g_settings_schema_source_lookup (source, APP_ID, FALSE);
}

GSettings *
lw_settings_new (void)
{
  GSettingsSchemaSource *installed = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  if (installed != NULL)
    schema = g_settings_schema_source_lookup (installed, APP_ID, TRUE);
  if (schema == NULL)
    schema = lookup_in (g_getenv ("LW_SCHEMA_DIR"));
#ifdef LW_BUILD_SCHEMADIR
  if (schema == NULL)
    schema = lookup_in (LW_BUILD_SCHEMADIR);
#endif
  if (schema == NULL)
    {
      g_message ("settings schema %s not found; window size, codec and rate will not be "
                 "remembered", APP_ID);
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}
