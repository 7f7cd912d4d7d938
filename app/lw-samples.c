/* lw-samples.c — where the bundled sample images are
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-samples"

#include "config.h"

#include "lw-samples.h"

#include <string.h>

static gboolean
is_image_name (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  return g_str_has_suffix (lower, ".png") || g_str_has_suffix (lower, ".jpg") ||
         g_str_has_suffix (lower, ".jpeg");
}

static char *
first_image_in (const char *dir)
{
  g_autoptr (GDir) d = NULL;
  g_autofree char *best = NULL;
  const char *name;

  if (dir == NULL)
    return NULL;
  d = g_dir_open (dir, 0, NULL);
  if (d == NULL)
    return NULL;
  while ((name = g_dir_read_name (d)) != NULL)
    if (is_image_name (name) && (best == NULL || strcmp (name, best) < 0))
      {
        g_free (best);
        best = g_strdup (name);
      }
  return best ? g_build_filename (dir, best, NULL) : NULL;
}

char *
lw_samples_find_default (void)
{
  const char *env = g_getenv ("LW_DATADIR");
  const char *roots[] = { env, LW_PKGDATADIR, LW_SOURCE_DATADIR };

  for (guint i = 0; i < G_N_ELEMENTS (roots); i++)
    {
      if (roots[i] == NULL || *roots[i] == '\0')
        continue;
      g_autofree char *dir = g_build_filename (roots[i], "samples", NULL);
      char *path = first_image_in (dir);
      if (path != NULL)
        return path;
    }
  return NULL;
}
