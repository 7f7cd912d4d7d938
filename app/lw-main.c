/* lw-main.c — entry point of the latent-workbench GUI
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-main"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "lw-application.h"
#include "lw-tensor.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr (LwApplication) app = NULL;

  setlocale (LC_ALL, "");
  lw_memory_keep_large_blocks ();
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Latent Workbench"));
  app = lw_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
