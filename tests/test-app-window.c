/* test-app-window.c — LwWindow with a sample image: first result, rate changes, coalescing,
 * a bad file, clean teardown
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-app-window"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>

#include "lw-codec.h"
#include "lw-samples.h"
#include "lw-window.h"

#define WAIT_MS 30000

static void
on_timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
}

/* Runs the main loop until the window is idle with a result on show. */
static void
wait_for_result (LwWindow *window)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_once (WAIT_MS, on_timeout_cb, &timed_out);

  while (!timed_out && (lw_window_get_busy (window) || isnan (lw_window_get_bpp (window))))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
}

static void
wait_idle (LwWindow *window)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_once (WAIT_MS, on_timeout_cb, &timed_out);

  while (!timed_out && lw_window_get_busy (window))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
}

/* Slider position at `fraction` of its range */
static void
set_slider (GtkAdjustment *adj,
            double         fraction)
{
  double lo = gtk_adjustment_get_lower (adj);
  double hi = gtk_adjustment_get_upper (adj);

  gtk_adjustment_set_value (adj, lo + fraction * (hi - lo));
}

static LwWindow *
window_with_sample (void)
{
  g_autofree char *path = lw_samples_find_default ();
  g_autoptr (GFile) file = NULL;
  LwWindow *window;

  g_assert_nonnull (path);
  file = g_file_new_for_path (path);
  window = g_object_ref (lw_window_new (NULL));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (lw_window_select_codec (window, "jpeg"));
  lw_window_open (window, file);
  return window;
}

static void
destroy_window (LwWindow *window)
{
  wait_idle (window);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

static void
test_rate_changes_bpp (void)
{
  LwWindow *window = window_with_sample ();
  GtkAdjustment *adj = lw_window_get_rate_adjustment (window);
  const LwCodec *codec = lw_codec_lookup (lw_window_get_codec_name (window), NULL);
  double bpp_default, bpp_low, bpp_high, rate_low, rate_high;

  wait_for_result (window);
  bpp_default = lw_window_get_bpp (window);
  g_assert_cmpfloat (bpp_default, >, 0.0);
  g_assert_cmpfloat (bpp_default, <, 24.0);

  /* The slider range comes from the codec's description of its rate parameter. */
  {
    const LwParamSpec *spec = &codec->params[lw_params_index (codec, codec->sweep_param)];
    double lo = spec->log_scale && spec->min > 0 ? log (spec->min) : spec->min;
    double hi = spec->log_scale && spec->min > 0 ? log (spec->max) : spec->max;
    g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_lower (adj), lo, 1e-9);
    g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_upper (adj), hi, 1e-9);
    g_assert_cmpfloat_with_epsilon (lw_window_get_rate (window), spec->default_value, 1e-9);
  }

  set_slider (adj, 0.1);
  rate_low = lw_window_get_rate (window);
  wait_for_result (window);
  bpp_low = lw_window_get_bpp (window);

  set_slider (adj, 0.9);
  rate_high = lw_window_get_rate (window);
  wait_for_result (window);
  bpp_high = lw_window_get_bpp (window);

  g_test_message ("%s: %s %g → %.3f bpp, %g → %.3f bpp (default %.3f)", codec->name,
                  codec->sweep_param, rate_low, bpp_low, rate_high, bpp_high, bpp_default);
  g_assert_cmpfloat (bpp_low, !=, bpp_high);
  /* Whichever way the parameter runs, a larger value at the descending end means fewer bits */
  if (codec->sweep_descending)
    g_assert_cmpfloat ((rate_high - rate_low) * (bpp_low - bpp_high), <, 0.0);
  else
    g_assert_cmpfloat ((rate_high - rate_low) * (bpp_high - bpp_low), >, 0.0);

  destroy_window (window);
}

static void
test_coalescing_shows_latest (void)
{
  LwWindow *window = window_with_sample ();
  GtkAdjustment *adj = lw_window_get_rate_adjustment (window);
  double bpp_burst, bpp_single;

  wait_for_result (window);

  /* A burst of slider moves without waiting: only the last one may end up on screen. */
  for (int i = 0; i <= 20; i++)
    {
      set_slider (adj, 0.05 + 0.04 * i);
      g_main_context_iteration (NULL, FALSE);
    }
  set_slider (adj, 0.3);
  wait_for_result (window);
  bpp_burst = lw_window_get_bpp (window);

  /* The same position reached in one step gives the same figure (decoding is deterministic). */
  set_slider (adj, 0.8);
  wait_for_result (window);
  g_assert_cmpfloat (lw_window_get_bpp (window), !=, bpp_burst);
  set_slider (adj, 0.3);
  wait_for_result (window);
  bpp_single = lw_window_get_bpp (window);
  g_assert_cmpfloat (bpp_burst, ==, bpp_single);

  destroy_window (window);
}

static void
test_bad_file_keeps_window (void)
{
  LwWindow *window = window_with_sample ();
  g_autoptr (GFile) missing = g_file_new_for_path ("/nonexistent/lw-test/missing.png");
  g_autofree char *tmp = NULL;
  g_autoptr (GFile) junk = NULL;
  double bpp;

  wait_for_result (window);
  bpp = lw_window_get_bpp (window);

  lw_window_open (window, missing);
  wait_idle (window);
  g_assert_cmpfloat (lw_window_get_bpp (window), ==, bpp);

  /* A file that is not an image */
  tmp = g_build_filename (g_get_tmp_dir (), "lw-test-not-an-image.png", NULL);
  g_assert_true (g_file_set_contents (tmp, "this is not a PNG", -1, NULL));
  junk = g_file_new_for_path (tmp);
  lw_window_open (window, junk);
  wait_idle (window);
  g_assert_cmpfloat (lw_window_get_bpp (window), ==, bpp);
  g_unlink (tmp);

  destroy_window (window);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      printf ("1..0 # SKIP no display\n");
      return 77;
    }
  adw_init ();

  g_test_add_func ("/app-window/rate-changes-bpp", test_rate_changes_bpp);
  g_test_add_func ("/app-window/coalescing-shows-latest", test_coalescing_shows_latest);
  g_test_add_func ("/app-window/bad-file-keeps-window", test_bad_file_keeps_window);
  return g_test_run ();
}
