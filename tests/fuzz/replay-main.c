/* replay-main.c — runs a fuzz target over saved inputs (files or folders), without libFuzzer
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every file in the given folders (recursively) is fed to LLVMFuzzerTestOneInput once.
 * Crashes and sanitizer reports fail the test; a clean pass prints how many inputs ran.
 */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
int main (int argc, char **argv);

static guint
run_path (const char *path)
{
  guint n = 0;
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      GDir *dir = g_dir_open (path, 0, NULL);
      const char *name;
      GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
      while (dir && (name = g_dir_read_name (dir)))
        g_ptr_array_add (names, g_build_filename (path, name, NULL));
      if (dir)
        g_dir_close (dir);
      g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
      for (guint i = 0; i < names->len; i++)
        n += run_path (g_ptr_array_index (names, i));
      g_ptr_array_unref (names);
      return n;
    }
  gchar *contents = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &contents, &len, NULL))
    return 0;
  LLVMFuzzerTestOneInput ((const uint8_t *) contents, len);
  g_free (contents);
  return 1;
}

int
main (int argc, char **argv)
{
  guint n = 0;
  for (int i = 1; i < argc; i++)
    n += run_path (argv[i]);
  printf ("replayed %u inputs\n", n);
  return 0;
}
