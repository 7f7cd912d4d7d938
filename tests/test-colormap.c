/* test-colormap.c — lw_colormap_lookup against matplotlib's inferno and the gray ramp
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-colormap"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "lw-colormap.h"

static void
test_inferno_vectors (void)
{
  /* tests/vectors/colormap.txt: "t r g b" from matplotlib (tools/gen-colormap.py). Our 8-bit
   * output must be matplotlib's float colour rounded to the nearest level. */
  const char *path = g_test_get_filename (G_TEST_DIST, "vectors", "colormap.txt", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = NULL;
  guint n = 0;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      double t, ref[3];
      guint8 rgb[3];

      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      g_assert_cmpint (sscanf (lines[i], "%lf %lf %lf %lf", &t, &ref[0], &ref[1], &ref[2]), ==, 4);
      lw_colormap_lookup (LW_COLORMAP_INFERNO, t, rgb);
      for (int k = 0; k < 3; k++)
        {
          if (g_test_verbose ())
            g_test_message ("t=%.17g channel %d: %u vs %.4f", t, k, rgb[k], ref[k] * 255.0);
          g_assert_cmpint (rgb[k], ==, (int) floor (ref[k] * 255.0 + 0.5));
        }
      n++;
    }
  g_assert_cmpuint (n, >=, 19);
}

static void
test_inferno_properties (void)
{
  guint8 rgb[3], prev[3] = { 0, 0, 0 };
  double prev_luma = -1.0;

  /* near-black at 0 (matplotlib's first entry is (0.0015, 0.0005, 0.0139)) */
  lw_colormap_lookup (LW_COLORMAP_INFERNO, 0.0, rgb);
  g_assert_cmpint (rgb[0], ==, 0);
  g_assert_cmpint (rgb[1], ==, 0);
  g_assert_cmpint (rgb[2], ==, 4);

  /* clamping and NaN */
  lw_colormap_lookup (LW_COLORMAP_INFERNO, -3.0, prev);
  g_assert_cmpmem (prev, 3, rgb, 3);
  lw_colormap_lookup (LW_COLORMAP_INFERNO, NAN, prev);
  g_assert_cmpmem (prev, 3, rgb, 3);
  lw_colormap_lookup (LW_COLORMAP_INFERNO, 1.0, rgb);
  lw_colormap_lookup (LW_COLORMAP_INFERNO, 42.0, prev);
  g_assert_cmpmem (prev, 3, rgb, 3);
  lw_colormap_lookup (LW_COLORMAP_INFERNO, INFINITY, prev);
  g_assert_cmpmem (prev, 3, rgb, 3);

  /* perceptual ordering: lightness (Rec. 601 luma as a proxy) never falls along the map */
  for (int i = 0; i < 256; i++)
    {
      lw_colormap_lookup (LW_COLORMAP_INFERNO, (i + 0.5) / 256.0, rgb);
      double luma = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
      g_assert_cmpfloat (luma, >=, prev_luma - 1.0);
      prev_luma = luma;
    }
}

static void
test_gray (void)
{
  guint8 rgb[3];

  lw_colormap_lookup (LW_COLORMAP_GRAY, 0.0, rgb);
  g_assert_cmpint (rgb[0], ==, 0);
  lw_colormap_lookup (LW_COLORMAP_GRAY, 1.0, rgb);
  g_assert_cmpint (rgb[0], ==, 255);
  lw_colormap_lookup (LW_COLORMAP_GRAY, 0.5, rgb);
  g_assert_cmpint (rgb[0], ==, 128);
  g_assert_cmpint (rgb[1], ==, 128);
  g_assert_cmpint (rgb[2], ==, 128);
  lw_colormap_lookup (LW_COLORMAP_GRAY, 100.0 / 255.0, rgb);
  g_assert_cmpint (rgb[1], ==, 100);
  lw_colormap_lookup (LW_COLORMAP_GRAY, NAN, rgb);
  g_assert_cmpint (rgb[2], ==, 0);
  lw_colormap_lookup (LW_COLORMAP_GRAY, 2.0, rgb);
  g_assert_cmpint (rgb[2], ==, 255);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/colormap/inferno/matplotlib-vectors", test_inferno_vectors);
  g_test_add_func ("/colormap/inferno/properties", test_inferno_properties);
  g_test_add_func ("/colormap/gray", test_gray);
  return g_test_run ();
}
