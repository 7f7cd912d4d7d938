/* test-image-page.c — the image page as a person uses it: load a sample, change the rate,
 * switch views and codecs by action, read pixels, compute curves, save and reopen an
 * experiment (and replay it with the CLI), and survive bad files
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-image-page"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "lw-error.h"
#include "lw-image-io.h"
#include "lw-samples.h"
#include "lw-window.h"

#define WAIT_MS 60000

typedef struct
{
  LwWindow    *window;
  LwImagePage *page;
  guint        n_toasts;
  char        *last_toast;
  char        *dir;     /* scratch folder */
} Fixture;

static void
on_timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
}

static void
iterate_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add_once (ms, on_timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* Runs the main loop until the page is idle with a result on show. */
static void
wait_for_result (LwImagePage *page)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_once (WAIT_MS, on_timeout_cb, &timed_out);

  while (!timed_out && (lw_image_page_get_busy (page) || isnan (lw_image_page_get_bpp (page))))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
}

static void
wait_idle (LwImagePage *page)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_once (WAIT_MS, on_timeout_cb, &timed_out);

  while (!timed_out && (lw_image_page_get_busy (page) || lw_image_page_get_rd_busy (page)))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
}

static void
on_toast_cb (LwImagePage *page,
             const char  *text,
             Fixture     *fx)
{
  fx->n_toasts++;
  g_free (fx->last_toast);
  fx->last_toast = g_strdup (text);
  g_test_message ("toast: %s", text);
}

static void
open_path (Fixture    *fx,
           const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);

  lw_window_open (fx->window, file);
}

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  g_autofree char *sample = lw_samples_find_default ();

  fx->dir = g_dir_make_tmp ("lw-test-page-XXXXXX", NULL);
  g_assert_nonnull (fx->dir);
  fx->window = g_object_ref (lw_window_new (NULL));
  gtk_window_set_default_size (GTK_WINDOW (fx->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (fx->window));
  fx->page = lw_window_get_image_page (fx->window);
  g_signal_connect (fx->page, "toast", G_CALLBACK (on_toast_cb), fx);
  g_assert_true (lw_image_page_select_codec (fx->page, "wavelet-latent"));
  g_assert_nonnull (sample);
  open_path (fx, sample);
  wait_for_result (fx->page);
}

static void
remove_dir (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  wait_idle (fx->page);
  gtk_window_destroy (GTK_WINDOW (fx->window));
  g_assert_finalize_object (fx->window);
  remove_dir (fx->dir);
  g_free (fx->dir);
  g_free (fx->last_toast);
}

/* The rate, changed through the page's API (as the slider does), moves every figure. */
static void
test_rate_changes_metrics (Fixture       *fx,
                           gconstpointer  data)
{
  LwMeasure fine, coarse;
  g_autoptr (GError) error = NULL;

  g_assert_true (lw_image_page_set_param (fx->page, "step", 4.0, &error));
  g_assert_no_error (error);
  wait_for_result (fx->page);
  g_assert_true (lw_image_page_get_measure (fx->page, &fine));

  g_assert_true (lw_image_page_set_param (fx->page, "step", 64.0, &error));
  wait_for_result (fx->page);
  g_assert_true (lw_image_page_get_measure (fx->page, &coarse));
  g_test_message ("step 4: %.3f bpp %.2f dB; step 64: %.3f bpp %.2f dB", fine.bpp, fine.psnr,
                  coarse.bpp, coarse.psnr);
  g_assert_cmpfloat (coarse.bpp, <, fine.bpp);
  g_assert_cmpfloat (coarse.psnr, <, fine.psnr);
  g_assert_cmpfloat (coarse.ssim, <, fine.ssim);
  g_assert_cmpuint (coarse.bytes, <, fine.bytes);

  /* Out of range: refused with a message, nothing changes */
  g_assert_false (lw_image_page_set_param (fx->page, "step", 1e6, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
  g_assert_cmpfloat (lw_params_get (lw_image_page_get_params (fx->page), "step"), ==, 64.0);
}

/* Views and codecs change through actions, as the shortcuts do. */
static void
test_actions (Fixture       *fx,
              gconstpointer  data)
{
  GActionGroup *actions = lw_image_page_get_actions (fx->page);
  LwCompareView *view = lw_image_page_get_compare_view (fx->page);
  g_autoptr (GVariant) state = NULL;
  const char *first;

  g_action_group_activate_action (actions, "compare-mode", g_variant_new_string ("difference"));
  g_assert_cmpint (lw_compare_view_get_mode (view), ==, LW_COMPARE_MODE_DIFFERENCE);
  g_action_group_activate_action (actions, "cycle-mode", NULL);
  state = g_action_group_get_action_state (actions, "compare-mode");
  g_assert_cmpstr (g_variant_get_string (state, NULL), ==, "latent");

  g_action_group_activate_action (actions, "compare-mode", g_variant_new_string ("split"));
  g_action_group_activate_action (actions, "zoom-100", NULL);
  g_assert_cmpfloat (lw_compare_view_get_zoom (view), ==, 1.0);
  g_action_group_activate_action (actions, "zoom-in", NULL);
  g_assert_cmpfloat (lw_compare_view_get_zoom (view), >, 1.0);
  g_action_group_activate_action (actions, "zoom-fit", NULL);
  g_assert_cmpfloat (lw_compare_view_get_zoom (view), ==, 0.0);

  first = lw_image_page_get_params (fx->page)->codec->name;
  g_action_group_activate_action (actions, "next-codec", NULL);
  g_assert_cmpstr (lw_image_page_get_params (fx->page)->codec->name, !=, first);
  wait_for_result (fx->page);
  g_action_group_activate_action (actions, "previous-codec", NULL);
  g_assert_cmpstr (lw_image_page_get_params (fx->page)->codec->name, ==, first);
  wait_for_result (fx->page);
}

/* Hovering a pixel shows the original's and the decoded image's values there. */
static void
test_pixel_readout (Fixture       *fx,
                    gconstpointer  data)
{
  LwCompareView *view = lw_image_page_get_compare_view (fx->page);
  g_autoptr (LwTensor) image = lw_image_load (lw_image_page_get_image_path (fx->page), NULL, NULL);
  g_autofree char *expected = NULL;
  int r = (int) lrintf (image->data[(0 * image->shape[1] + 20) * image->shape[2] + 10] * 255.0f);

  g_signal_emit_by_name (view, "hover", 10, 20);
  g_test_message ("readout: %s", lw_image_page_get_readout (fx->page));
  g_assert_nonnull (strstr (lw_image_page_get_readout (fx->page), "x 10  y 20"));
  expected = g_strdup_printf ("original %d ", r);
  g_assert_nonnull (strstr (lw_image_page_get_readout (fx->page), expected));
  g_assert_nonnull (strstr (lw_image_page_get_readout (fx->page), "decoded"));
  g_signal_emit_by_name (view, "hover", -1, -1);
  g_assert_cmpstr (lw_image_page_get_readout (fx->page), ==, "");
}

/* Ticked codecs get curves in the background; the BD table compares them with the anchor. */
static void
test_rd_curves (Fixture       *fx,
                gconstpointer  data)
{
  LwRdPanel *panel = lw_image_page_get_rd_panel (fx->page);
  const char *ticked[] = { "jpeg", "webp", NULL };
  g_autofree char *csv = g_build_filename (fx->dir, "curves.csv", NULL);
  g_autofree char *svg = g_build_filename (fx->dir, "plot.svg", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  double bd;

  lw_rd_panel_set_anchor (panel, "jpeg");
  lw_rd_panel_set_ticked (panel, ticked);
  g_assert_true (lw_rd_panel_get_busy (panel));
  wait_idle (fx->page);
  g_assert_cmpuint (lw_rd_plot_get_n_curves (lw_rd_panel_get_plot (panel)), ==, 2);
  g_assert_true (lw_rd_panel_get_bd_rate (panel, "webp", &bd));
  g_test_message ("webp vs jpeg on the sample: BD-rate %+.1f %%", bd);
  g_assert_true (isfinite (bd));
  g_assert_false (lw_rd_panel_get_bd_rate (panel, "jpeg2000", &bd));

  g_assert_true (lw_rd_panel_export_csv (panel, csv, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "codec,"));
  g_assert_nonnull (strstr (text, "\nwebp,"));
  g_assert_true (lw_rd_plot_export (lw_rd_panel_get_plot (panel), svg, 600, 400, &error));
  g_assert_no_error (error);

  /* Cancelling stops the queue at once */
  lw_rd_panel_set_ticked (panel, (const char *[]) { "jpeg", "webp", "jpeg2000", NULL });
  g_assert_true (lw_rd_panel_get_busy (panel));
  lw_rd_panel_cancel (panel);
  g_assert_false (lw_rd_panel_get_busy (panel));
  g_assert_cmpuint (lw_rd_plot_get_n_curves (lw_rd_panel_get_plot (panel)), ==, 2);
}

static char *
run_cli (const char *experiment,
         int        *status)
{
  const char *cli = g_getenv ("LW_CLI");
  const char *argv[] = { cli, "run", experiment, "--json", NULL };
  g_autoptr (GError) error = NULL;
  char *out = NULL;

  g_assert_nonnull (cli);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                               NULL, status, &error));
  g_assert_no_error (error);
  return out;
}

/* Save → open in a new window → the same state; the CLI replays the file to the same figures */
static void
test_experiment_round_trip (Fixture       *fx,
                            gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fx->dir, "experiment.json", NULL);
  g_autoptr (GError) error = NULL;
  LwCompareView *view = lw_image_page_get_compare_view (fx->page);
  LwMeasure saved, reopened;
  LwWindow *window2;
  LwImagePage *page2;
  g_autofree char *out = NULL;
  int status = -1;
  double cx, cy;

  g_assert_true (lw_image_page_set_param (fx->page, "step", 20.0, &error));
  g_assert_true (lw_image_page_set_param (fx->page, "latents", 64, &error));
  g_action_group_activate_action (lw_image_page_get_actions (fx->page), "compare-mode",
                                  g_variant_new_string ("side-by-side"));
  lw_compare_view_set_zoom (view, 2.0);
  lw_compare_view_set_center (view, 100.0, 150.0);
  lw_compare_view_set_split (view, 0.3);
  wait_for_result (fx->page);
  g_assert_true (lw_image_page_get_measure (fx->page, &saved));
  g_assert_true (lw_image_page_save_experiment (fx->page, path, &error));
  g_assert_no_error (error);

  window2 = g_object_ref (lw_window_new (NULL));
  gtk_window_set_default_size (GTK_WINDOW (window2), 1280, 800);
  gtk_window_present (GTK_WINDOW (window2));
  page2 = lw_window_get_image_page (window2);
  g_assert_true (lw_image_page_select_codec (page2, "jpeg"));
  {
    g_autoptr (GFile) file = g_file_new_for_path (path);
    lw_window_open (window2, file);
  }
  iterate_for (50);
  wait_for_result (page2);
  g_assert_cmpstr (lw_image_page_get_params (page2)->codec->name, ==, "wavelet-latent");
  g_assert_cmpfloat (lw_params_get (lw_image_page_get_params (page2), "step"), ==, 20.0);
  g_assert_cmpfloat (lw_params_get (lw_image_page_get_params (page2), "latents"), ==, 64.0);
  g_assert_cmpstr (lw_image_page_get_image_path (page2), ==,
                   lw_image_page_get_image_path (fx->page));
  view = lw_image_page_get_compare_view (page2);
  g_assert_cmpint (lw_compare_view_get_mode (view), ==, LW_COMPARE_MODE_SIDE_BY_SIDE);
  g_assert_cmpfloat (lw_compare_view_get_zoom (view), ==, 2.0);
  g_assert_cmpfloat_with_epsilon (lw_compare_view_get_split (view), 0.3, 1e-9);
  lw_compare_view_get_center (view, &cx, &cy);
  {
    /* The view may keep the centre inside the image at this zoom: compare with what was saved */
    g_autoptr (LwProject) project = lw_project_load (path, &error);
    g_assert_no_error (error);
    g_test_message ("centre saved (%g, %g), reopened (%g, %g)", project->center_x,
                    project->center_y, cx, cy);
    g_assert_cmpfloat_with_epsilon (cx, project->center_x, 1e-6);
    g_assert_cmpfloat_with_epsilon (cy, project->center_y, 1e-6);
  }
  g_assert_true (lw_image_page_get_measure (page2, &reopened));
  g_assert_cmpuint (reopened.bytes, ==, saved.bytes);
  g_assert_cmpfloat (reopened.psnr, ==, saved.psnr);
  g_assert_cmpfloat (reopened.ms_ssim, ==, saved.ms_ssim);
  wait_idle (page2);
  gtk_window_destroy (GTK_WINDOW (window2));
  g_assert_finalize_object (window2);

  /* The command line replays it: same bytes and metrics as the window showed */
  out = run_cli (path, &status);
  g_test_message ("cli run: %s", out);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  {
    g_autofree char *bytes = g_strdup_printf ("\"bytes\" : %zu", saved.bytes);
    g_autofree char *bytes2 = g_strdup_printf ("\"bytes\":%zu", saved.bytes);
    g_assert_true (strstr (out, bytes) != NULL || strstr (out, bytes2) != NULL);
  }
  /* The GUI recorded its figures in the file, and the CLI found the same (not null, not false) */
  g_assert_true (strstr (out, "\"reproduced\" : true") != NULL ||
                 strstr (out, "\"reproduced\":true") != NULL);
}

/* Bad files give a message; the page keeps what it had. */
static void
test_bad_input (Fixture       *fx,
                gconstpointer  data)
{
  g_autofree char *junk = g_build_filename (fx->dir, "junk.png", NULL);
  g_autofree char *bad_json = g_build_filename (fx->dir, "bad.json", NULL);
  g_autofree char *rgba = g_build_filename (fx->dir, "rgba16.png", NULL);
  const char *before = NULL;
  g_autofree char *before_copy = NULL;
  double bpp = lw_image_page_get_bpp (fx->page);
  guint toasts = fx->n_toasts;

  before = lw_image_page_get_image_path (fx->page);
  before_copy = g_strdup (before);

  g_assert_true (g_file_set_contents (junk, "not an image at all", -1, NULL));
  open_path (fx, junk);
  wait_idle (fx->page);
  g_assert_cmpuint (fx->n_toasts, ==, toasts + 1);
  g_assert_nonnull (strstr (fx->last_toast, "junk.png"));
  g_assert_cmpstr (lw_image_page_get_image_path (fx->page), ==, before_copy);
  g_assert_cmpfloat (lw_image_page_get_bpp (fx->page), ==, bpp);

  g_assert_true (g_file_set_contents (bad_json, "{\"format\": \"something else\"}", -1, NULL));
  open_path (fx, bad_json);
  wait_idle (fx->page);
  g_assert_cmpuint (fx->n_toasts, ==, toasts + 2);
  g_assert_nonnull (strstr (fx->last_toast, "bad.json"));
  g_assert_cmpstr (lw_image_page_get_image_path (fx->page), ==, before_copy);

  open_path (fx, "/nonexistent/lw-test/missing.png");
  wait_idle (fx->page);
  g_assert_cmpuint (fx->n_toasts, ==, toasts + 3);

  /* A 16-bit image with alpha opens and encodes with every codec, or says why not */
  {
    g_autoptr (LwTensor) t = lw_tensor_new_3d (4, 48, 64);
    for (gsize i = 0; i < lw_tensor_numel (t); i++)
      t->data[i] = (float) ((i * 7919) % 65536) / 65535.0f;
    g_assert_true (lw_image_save_png (t, rgba, 16, NULL));
  }
  open_path (fx, rgba);
  wait_idle (fx->page);
  g_assert_cmpstr (lw_image_page_get_image_path (fx->page), ==, rgba);
  for (const char *const *c = (const char *[]) { "jpeg", "jpeg2000", "webp", "wavelet-latent", NULL };
       *c != NULL; c++)
    {
      guint n = fx->n_toasts;
      g_assert_true (lw_image_page_select_codec (fx->page, *c));
      wait_idle (fx->page);
      g_test_message ("%s on RGBA16: bpp %.3f, %u new messages", *c,
                      lw_image_page_get_bpp (fx->page), fx->n_toasts - n);
      g_assert_true (!isnan (lw_image_page_get_bpp (fx->page)) || fx->n_toasts > n);
    }
}

static void
wait_toasts (Fixture *fx,
             guint    n)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_once (WAIT_MS, on_timeout_cb, &timed_out);

  while (!timed_out && fx->n_toasts < n)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
}

/* The decoded PNG and the .lwc saved from the page agree with each other through the CLI's
 * decoder; the original is never overwritten. */
static void
test_save_files (Fixture       *fx,
                 gconstpointer  data)
{
  g_autofree char *copy = g_build_filename (fx->dir, "original.png", NULL);
  g_autofree char *png = g_build_filename (fx->dir, "decoded.png", NULL);
  g_autofree char *lwc = g_build_filename (fx->dir, "stream.lwc", NULL);
  g_autofree char *redecoded = g_build_filename (fx->dir, "redecoded.png", NULL);
  g_autofree char *before = NULL, *after = NULL;
  gsize before_len, after_len;
  g_autoptr (GError) error = NULL;
  g_autoptr (LwTensor) a = NULL;
  g_autoptr (LwTensor) b = NULL;
  guint n = fx->n_toasts;
  int status = -1;

  /* Work on a copy so that a failure here cannot touch the bundled sample */
  g_assert_true (g_file_get_contents (lw_image_page_get_image_path (fx->page), &before,
                                      &before_len, NULL));
  g_assert_true (g_file_set_contents (copy, before, before_len, NULL));
  open_path (fx, copy);
  wait_for_result (fx->page);

  lw_image_page_save_as (fx->page, "decoded", png);
  wait_toasts (fx, n + 1);
  g_assert_nonnull (strstr (fx->last_toast, "Saved"));
  lw_image_page_save_as (fx->page, "bitstream", lwc);
  wait_toasts (fx, n + 2);
  g_assert_nonnull (strstr (fx->last_toast, "Saved"));

  {
    const char *argv[] = { g_getenv ("LW_CLI"), "decode", lwc, redecoded, NULL };
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                                 NULL, NULL, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  a = lw_image_load (png, NULL, &error);
  g_assert_no_error (error);
  b = lw_image_load (redecoded, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lw_tensor_same_shape (a, b));
  g_assert_cmpmem (a->data, lw_tensor_numel (a) * sizeof (float), b->data,
                   lw_tensor_numel (b) * sizeof (float));

  /* Saving the decoded image over its original is refused; the file stays as it was */
  lw_image_page_save_as (fx->page, "decoded", copy);
  wait_toasts (fx, n + 3);
  g_assert_nonnull (strstr (fx->last_toast, "original"));
  g_assert_true (g_file_get_contents (copy, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);
}

/* A file dropped on the window opens like one chosen in the dialog (the window routes it to
 * the image page). */
static void
test_drop (Fixture       *fx,
           gconstpointer  data)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (fx->window));
  g_autofree char *copy = g_build_filename (fx->dir, "dropped.png", NULL);
  g_autofree char *bytes = NULL;
  gsize len;
  GtkDropTarget *target = NULL;
  g_autoptr (GFile) file = g_file_new_for_path (copy);
  GValue value = G_VALUE_INIT;
  gboolean accepted = FALSE;

  g_assert_true (g_file_get_contents (lw_image_page_get_image_path (fx->page), &bytes, &len,
                                      NULL));
  g_assert_true (g_file_set_contents (copy, bytes, len, NULL));
  for (guint i = 0; i < g_list_model_get_n_items (controllers) && target == NULL; i++)
    {
      g_autoptr (GObject) c = g_list_model_get_item (controllers, i);
      if (GTK_IS_DROP_TARGET (c))
        target = GTK_DROP_TARGET (c);
    }
  g_assert_nonnull (target);
  g_value_init (&value, G_TYPE_FILE);
  g_value_set_object (&value, file);
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
  g_value_unset (&value);
  g_assert_true (accepted);
  wait_for_result (fx->page);
  g_assert_cmpstr (lw_image_page_get_image_path (fx->page), ==, copy);
}

/* An image whose header claims 20000×20000 pixels is refused before anything is allocated. */
static void
test_huge_image (Fixture       *fx,
                 gconstpointer  data)
{
  static const guint8 png[] = {
    0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
    0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0x4e, 0x20, 0, 0, 0x4e, 0x20, 8, 2, 0, 0, 0,
    0, 0, 0, 0, /* CRC, filled in below */
    0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82,
  };
  guint8 file[sizeof png];
  g_autofree char *path = g_build_filename (fx->dir, "huge.png", NULL);
  guint n = fx->n_toasts;
  guint32 crc;

  memcpy (file, png, sizeof png);
  crc = (guint32) crc32 (0, file + 12, 17);
  file[29] = crc >> 24;
  file[30] = (crc >> 16) & 0xff;
  file[31] = (crc >> 8) & 0xff;
  file[32] = crc & 0xff;
  g_assert_true (g_file_set_contents (path, (const char *) file, sizeof file, NULL));
  open_path (fx, path);
  wait_toasts (fx, n + 1);
  g_assert_nonnull (strstr (fx->last_toast, "huge.png"));
  g_assert_nonnull (strstr (fx->last_toast, "16384"));
  g_assert_cmpstr (lw_image_page_get_image_path (fx->page), !=, path);
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

#define ADD(path, func) \
  g_test_add ("/image-page/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("rate-changes-metrics", test_rate_changes_metrics);
  ADD ("actions", test_actions);
  ADD ("pixel-readout", test_pixel_readout);
  ADD ("rd-curves", test_rd_curves);
  ADD ("experiment-round-trip", test_experiment_round_trip);
  ADD ("bad-input", test_bad_input);
  ADD ("save-files", test_save_files);
  ADD ("drop", test_drop);
  ADD ("huge-image", test_huge_image);
  return g_test_run ();
}
