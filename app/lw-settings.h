/* lw-settings.h — the application's GSettings, also when the schema is not installed
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* (transfer full) (nullable): settings for APP_ID. The installed schema is preferred; when
 * running from the build tree the schema compiled there (LW_BUILD_SCHEMADIR) or in
 * $LW_SCHEMA_DIR is used. NULL, with a message, when no schema can be found: the app then
 * runs with defaults and remembers nothing. */
GSettings *lw_settings_new (void);

G_END_DECLS
