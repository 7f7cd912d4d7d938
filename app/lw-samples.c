/* lw-samples.c — where the bundled sample images and audio are
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

static gboolean
is_audio_name (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  return g_str_has_suffix (lower, ".wav") || g_str_has_suffix (lower, ".flac");
}

static char *
first_in (const char *dir,
          gboolean  (*wanted) (const char *name))
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
    if (wanted (name) && (best == NULL || strcmp (name, best) < 0))
      {
        g_free (best);
        best = g_strdup (name);
      }
  return best ? g_build_filename (dir, best, NULL) : NULL;
}

static char *
find_sample (gboolean (*wanted) (const char *name))
{
  const char *env = g_getenv ("LW_DATADIR");
  const char *roots[] = { env, LW_PKGDATADIR, LW_SOURCE_DATADIR };

  for (guint i = 0; i < G_N_ELEMENTS (roots); i++)
    {
      if (roots[i] == NULL || *roots[i] == '\0')
        continue;
      g_autofree char *dir = g_build_filename (roots[i], "samples", NULL);
      char *path = first_in (dir, wanted);
      if (path != NULL)
        return path;
    }
  return NULL;
}

char *
lw_samples_find_default (void)
{
  return find_sample (is_image_name);
}

char *
lw_samples_find_default_audio (void)
{
  return find_sample (is_audio_name);
}
