/* test-app-window.c — LwWindow with a sample image: first result, rate changes, coalescing,
 * a bad file, clean teardown
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-app-window"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lw-codec.h"
#include "lw-error.h"
#include "lw-param-controls.h"
#include "lw-preferences.h"
#include "lw-rate-map.h"
#include "lw-samples.h"
#include "lw-settings.h"
#include "lw-window.h"

#define WAIT_MS 30000

/* The window's image page does the work; these read it through the window. */
#define PAGE(w) lw_window_get_image_page (w)
#define lw_window_get_busy(w) lw_image_page_get_busy (PAGE (w))
#define lw_window_get_bpp(w) lw_image_page_get_bpp (PAGE (w))
#define lw_window_select_codec(w, n) lw_image_page_select_codec (PAGE (w), n)
#define lw_window_get_rate_adjustment(w) lw_image_page_get_rate_adjustment (PAGE (w))
#define lw_window_get_codec_name(w) (lw_image_page_get_params (PAGE (w))->codec->name)

static double
lw_window_get_rate (LwWindow *window)
{
  const LwParams *params = lw_image_page_get_params (PAGE (window));

  return lw_params_get (params, params->codec->sweep_param);
}

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
    gboolean lg = spec->log_scale && spec->min > 0;
    double a = lg ? log (spec->min) : spec->min, b = lg ? log (spec->max) : spec->max;
    double lo = codec->sweep_descending ? -b : a, hi = codec->sweep_descending ? -a : b;
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
  /* Right is “more bits” whichever way the parameter runs */
  g_assert_cmpfloat (bpp_high, >, bpp_low);

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

/* Every image codec the drop-down offers produces a result on the sample, and its slider
 * range is its own rate parameter's. */
static void
test_every_codec (void)
{
  LwWindow *window = window_with_sample ();
  const LwCodec **codecs = lw_codec_list ();
  guint n_tried = 0;

  wait_for_result (window);
  for (guint i = 0; codecs[i] != NULL; i++)
    {
      const LwCodec *codec = codecs[i];
      if (codec->kind != LW_MEDIA_IMAGE)
        continue;
      g_assert_true (lw_window_select_codec (window, codec->name));
      g_assert_cmpstr (lw_window_get_codec_name (window), ==, codec->name);
      wait_idle (window);
      g_test_message ("%s: %s=%g → %.3f bpp", codec->name, codec->sweep_param,
                      lw_window_get_rate (window), lw_window_get_bpp (window));
      g_assert_cmpfloat (lw_window_get_bpp (window), >, 0.0);

      /* Moving the slider right gives more bits, for every codec */
      set_slider (lw_window_get_rate_adjustment (window), 0.2);
      wait_for_result (window);
      double bpp_left = lw_window_get_bpp (window);
      set_slider (lw_window_get_rate_adjustment (window), 0.8);
      wait_for_result (window);
      g_test_message ("%s: slider 0.2 → %.3f bpp, 0.8 → %.3f bpp", codec->name, bpp_left,
                      lw_window_get_bpp (window));
      g_assert_cmpfloat (lw_window_get_bpp (window), >, bpp_left);
      n_tried++;
    }
  g_assert_cmpuint (n_tried, >, 0);
  destroy_window (window);
}

/* Closing the window while workers run frees it at once; their late results are dropped. */
static void
test_destroy_while_busy (void)
{
  LwWindow *window = window_with_sample ();
  gboolean timed_out = FALSE;

  g_assert_true (g_action_group_has_action (lw_image_page_get_actions (PAGE (window)), "open"));
  g_assert_true (lw_window_get_busy (window));
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);

  /* Let the worker finish and its callback run against the gone window. */
  g_timeout_add_once (500, on_timeout_cb, &timed_out);
  while (!timed_out)
    g_main_context_iteration (NULL, TRUE);
}

/* image.open shows a file chooser; closing the window with it open tears both down. */
static void
test_open_dialog (void)
{
  LwWindow *window = window_with_sample ();
  gboolean timed_out = FALSE;

  wait_for_result (window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "image.open", NULL));
  g_timeout_add_once (300, on_timeout_cb, &timed_out);
  while (!timed_out)
    g_main_context_iteration (NULL, TRUE);
  destroy_window (window);
}

static void
test_rate_map (void)
{
  const LwParamSpec quality = { "quality", LW_PARAM_INT, 1, 100, 75, TRUE, FALSE, "", NULL };
  const LwParamSpec step = { "step", LW_PARAM_DOUBLE, 0.5, 64, 4, TRUE, TRUE, "", NULL };
  const LwParamSpec zero = { "lambda", LW_PARAM_DOUBLE, 0, 10, 1, TRUE, TRUE, "", NULL };
  LwRateMap map;

  /* Linear integer: slider in parameter units, whole steps, clamped */
  lw_rate_map_init (&map, &quality, FALSE);
  g_assert_false (map.log);
  g_assert_cmpfloat (map.lower, ==, 1.0);
  g_assert_cmpfloat (map.upper, ==, 100.0);
  g_assert_cmpfloat (map.step, ==, 1.0);
  g_assert_cmpfloat (lw_rate_map_from_slider (&map, 50.4), ==, 50.0);
  g_assert_cmpfloat (lw_rate_map_from_slider (&map, 150.0), ==, 100.0);

  /* Log scale: slider in ln units, values rounded to three significant digits */
  lw_rate_map_init (&map, &step, FALSE);
  g_assert_true (map.log);
  g_assert_cmpfloat_with_epsilon (map.lower, log (0.5), 1e-12);
  g_assert_cmpfloat_with_epsilon (map.upper, log (64.0), 1e-12);
  g_assert_cmpfloat_with_epsilon (lw_rate_map_from_slider (&map, log (3.14159)), 3.14, 1e-12);
  g_assert_cmpfloat_with_epsilon (lw_rate_map_from_slider (&map, log (12.345)), 12.3, 1e-12);
  g_assert_cmpfloat_with_epsilon (lw_rate_map_from_slider (&map,
                                    lw_rate_map_to_slider (&map, 4.0)), 4.0, 1e-12);
  g_assert_cmpfloat (lw_rate_map_from_slider (&map, map.upper + 1.0), ==, 64.0);

  /* Descending (larger step, fewer bits): the axis is negated, right is a smaller step */
  lw_rate_map_init (&map, &step, TRUE);
  g_assert_cmpfloat_with_epsilon (map.lower, -log (64.0), 1e-12);
  g_assert_cmpfloat_with_epsilon (map.upper, -log (0.5), 1e-12);
  g_assert_cmpfloat_with_epsilon (lw_rate_map_from_slider (&map, map.upper), 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (lw_rate_map_from_slider (&map, -log (3.14159)), 3.14, 1e-12);
  g_assert_cmpfloat_with_epsilon (lw_rate_map_to_slider (&map, 4.0), -log (4.0), 1e-12);

  /* A log-scale parameter whose range starts at 0 cannot be logarithmic: linear */
  lw_rate_map_init (&map, &zero, FALSE);
  g_assert_false (map.log);
  g_assert_cmpfloat (map.lower, ==, 0.0);
}

/* The controls come from each codec's parameter description: one per parameter, numeric
 * sliders over exactly the spec's range (in lw-rate-map positions), values set through them
 * checked against the same range. */
static void
test_controls_from_spec (void)
{
  GtkWidget *controls = g_object_ref_sink (lw_param_controls_new ());
  const LwCodec **codecs = lw_codec_list ();
  guint n_changed = 0;

  for (guint c = 0; codecs[c] != NULL; c++)
    {
      const LwCodec *codec = codecs[c];
      g_autoptr (LwParams) params = lw_params_new (codec);

      lw_param_controls_set_params (LW_PARAM_CONTROLS (controls), params);
      for (guint i = 0; i < codec->n_params; i++)
        {
          const LwParamSpec *spec = &codec->params[i];
          GtkAdjustment *adj = lw_param_controls_get_adjustment (LW_PARAM_CONTROLS (controls),
                                                                 spec->name);
          g_autoptr (GError) error = NULL;
          LwRateMap map;

          if (spec->type != LW_PARAM_INT && spec->type != LW_PARAM_DOUBLE)
            {
              g_assert_null (adj);
              continue;
            }
          g_assert_nonnull (adj);
          lw_rate_map_init (&map, spec, g_str_equal (spec->name, codec->sweep_param) &&
                                          codec->sweep_descending);
          g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_lower (adj), map.lower, 1e-9);
          g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_upper (adj), map.upper, 1e-9);
          g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (adj),
                                          lw_rate_map_to_slider (&map, spec->default_value), 1e-9);
          /* The far end of the slider is the far end of the range */
          gtk_adjustment_set_value (adj, map.upper);
          g_assert_cmpfloat (lw_params_get (lw_param_controls_get_params (LW_PARAM_CONTROLS (controls)),
                                            spec->name), ==,
                             codec->sweep_descending && g_str_equal (spec->name, codec->sweep_param)
                               ? spec->min : spec->max);
          g_assert_false (lw_param_controls_set_value (LW_PARAM_CONTROLS (controls), spec->name,
                                                       spec->max + 1e6, &error));
          g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
          n_changed++;
        }
    }
  g_assert_cmpuint (n_changed, >, 8);
  g_assert_finalize_object (controls);
}

static GtkWidget *
find_row (GtkWidget  *root,
          const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (root) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_row (c, title);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Preferences open with every row (style, heat map, RD points, latent range, audio device,
 * training threads) bound to the settings, and close cleanly. */
static void
test_preferences (void)
{
  g_autoptr (GSettings) settings = lw_settings_new ();
  GtkWindow *prefs;

  if (settings == NULL)
    {
      g_test_skip ("schema not compiled in the build tree");
      return;
    }
  prefs = g_object_ref (lw_preferences_new (NULL, settings));
  gtk_window_present (prefs);
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_settings_set_double (settings, "diff-gain", 16.0);
  g_assert_cmpfloat (g_settings_get_double (settings, "diff-gain"), ==, 16.0);
  g_settings_reset (settings, "diff-gain");
  {
    GtkWidget *threads = find_row (GTK_WIDGET (prefs), "Threads for training");
    g_assert_nonnull (threads);
    /* Automatic first, then 1 … cores */
    g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (threads)), ==, 0);
    adw_combo_row_set_selected (ADW_COMBO_ROW (threads), 1);
    g_assert_cmpuint (g_settings_get_uint (settings, "compute-threads"), ==, 1);
    g_settings_set_uint (settings, "compute-threads", 0);
    g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (threads)), ==, 0);
  }
  gtk_window_destroy (prefs);
  g_assert_finalize_object (prefs);
}

/* Closing the window remembers codec and rate (GSETTINGS_BACKEND=memory in tests). */
static void
test_settings_saved (void)
{
  LwWindow *window = window_with_sample ();
  g_autoptr (GSettings) settings = lw_settings_new ();
  g_autofree char *codec = NULL;
  g_autofree char *params = NULL;
  g_autofree char *expected = NULL;
  double rate;

  if (settings == NULL)
    {
      g_test_skip ("schema not compiled in the build tree");
      destroy_window (window);
      return;
    }
  wait_for_result (window);
  set_slider (lw_window_get_rate_adjustment (window), 0.25);
  rate = lw_window_get_rate (window);
  wait_idle (window);
  gtk_window_close (GTK_WINDOW (window)); /* saves, then destroys it */
  g_assert_finalize_object (window);

  codec = g_settings_get_string (settings, "last-codec");
  g_assert_cmpstr (codec, ==, "jpeg");
  params = g_settings_get_string (settings, "last-params");
  expected = g_strdup_printf ("quality=%g", rate);
  g_test_message ("saved parameters: %s", params);
  g_assert_nonnull (strstr (params, expected));

  /* A new window starts where the last one stopped */
  window = g_object_ref (lw_window_new (NULL));
  g_assert_cmpstr (lw_window_get_codec_name (window), ==, "jpeg");
  g_assert_cmpfloat (lw_window_get_rate (window), ==, rate);
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

  g_test_add_func ("/app-window/rate-map", test_rate_map);
  g_test_add_func ("/app-window/controls-from-spec", test_controls_from_spec);
  g_test_add_func ("/app-window/preferences", test_preferences);
  g_test_add_func ("/app-window/rate-changes-bpp", test_rate_changes_bpp);
  g_test_add_func ("/app-window/coalescing-shows-latest", test_coalescing_shows_latest);
  g_test_add_func ("/app-window/bad-file-keeps-window", test_bad_file_keeps_window);
  g_test_add_func ("/app-window/every-codec", test_every_codec);
  g_test_add_func ("/app-window/destroy-while-busy", test_destroy_while_busy);
  g_test_add_func ("/app-window/open-dialog", test_open_dialog);
  g_test_add_func ("/app-window/settings-saved", test_settings_saved);
  return g_test_run ();
}
