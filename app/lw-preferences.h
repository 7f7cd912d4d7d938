/* lw-preferences.h — the Preferences window, bound to the application's settings
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* (transfer none): a new preferences window over `settings` (nullable: nothing to change,
 * the window says so) */
GtkWindow *lw_preferences_new (GtkWindow *parent,
                               GSettings *settings);

/* Applies the "color-scheme" setting to the style manager, now and whenever it changes. */
void       lw_preferences_follow_color_scheme (GSettings *settings);

G_END_DECLS
