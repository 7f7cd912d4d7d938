/* fuzz-project-load.c — libFuzzer target: arbitrary bytes through the experiment-file loader
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * lw_project_from_json must return a project or a GError in the LW_ERROR domain, never both
 * and never neither; a loaded project must serialise and load again to the same JSON (so the
 * writer accepts everything the reader lets through). Everything is freed, so leaks show up
 * under LeakSanitizer.
 */
#define G_LOG_DOMAIN "fuzz-project-load"

#include "lw-error.h"
#include "lw-project.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  /* An exact-size heap copy, so reads past the end are caught */
  char *text = g_malloc (MAX (size, 1));
  memcpy (text, data, size);

  LwProject *p = lw_project_from_json (text, size, "/base", &error);
  if ((p == NULL) == (error == NULL))
    abort ();
  if (error != NULL && (error->domain != LW_ERROR || error->message == NULL))
    abort ();
  g_clear_error (&error);

  if (p != NULL)
    {
      char *json = lw_project_to_json (p, "/base");
      LwProject *q = lw_project_from_json (json, strlen (json), "/base", &error);
      if (q == NULL)
        abort ();
      char *again = lw_project_to_json (q, "/base");
      if (strcmp (json, again) != 0)
        abort ();
      g_free (again);
      g_free (json);
      lw_project_free (q);
      lw_project_free (p);
    }
  g_free (text);
  return 0;
}
