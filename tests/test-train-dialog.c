/* test-train-dialog.c — the Train Decoder window as a person uses it: opened from the image
 * page's action, tiny settings on a folder of synthetic PNGs, trained to the end, used on the
 * page; cancelled and resumed; closed while training; refused input
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-train-dialog"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lw-blas.h"
#include "lw-error.h"
#include "lw-image-io.h"
#include "lw-samples.h"
#include "lw-train-dialog.h"
#include "lw-window.h"

#define WAIT_MS 60000

typedef struct
{
  LwWindow      *window;
  LwImagePage   *page;
  LwTrainDialog *dialog;   /* a reference of the test's own */
  char          *dir;      /* scratch folder */
  char          *images;   /* folder of training images */
  char          *output;
  guint          n_ready;
} Fixture;

static void
on_timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
}

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
wait_until_stopped (LwTrainDialog *dialog)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_once (WAIT_MS, on_timeout_cb, &timed_out);

  while (!timed_out && lw_train_dialog_get_running (dialog))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
}

static void
wait_for_step (LwTrainDialog *dialog,
               guint64        step)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_once (WAIT_MS, on_timeout_cb, &timed_out);

  while (!timed_out && lw_train_dialog_get_running (dialog) &&
         lw_train_dialog_get_step (dialog) < step)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
}

/* Smooth gradients with a little texture: something a decoder can learn */
static void
write_images (const char *dir)
{
  for (guint k = 0; k < 3; k++)
    {
      g_autoptr (LwTensor) image = lw_tensor_new_3d (3, 64, 72);
      g_autofree char *name = g_strdup_printf ("train-%u.png", k);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr (GError) error = NULL;

      for (gsize c = 0; c < 3; c++)
        for (gsize y = 0; y < 64; y++)
          for (gsize x = 0; x < 72; x++)
            image->data[(c * 64 + y) * 72 + x] =
              0.5f + 0.3f * sinf (0.11f * (k + 1) * x + 0.07f * c * y) +
              0.1f * cosf (0.9f * (x + 2 * y + 3 * k));
      g_assert_true (lw_image_save_png (image, path, 8, &error));
      g_assert_no_error (error);
    }
}

static LwTrainDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* (transfer none) */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) w = g_list_model_get_item (toplevels, i);
      if (LW_IS_TRAIN_DIALOG (w))
        return LW_TRAIN_DIALOG (w);
    }
  return NULL;
}

static void
on_decoder_ready_cb (LwTrainDialog *dialog,
                     const char    *path,
                     gpointer       decoder,
                     Fixture       *fx)
{
  g_assert_cmpstr (path, ==, fx->output);
  g_assert_nonnull (decoder);
  fx->n_ready++;
}

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  g_autofree char *sample = lw_samples_find_default ();
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;

  fx->dir = g_dir_make_tmp ("lw-test-train-XXXXXX", NULL);
  g_assert_nonnull (fx->dir);
  fx->images = g_build_filename (fx->dir, "images", NULL);
  fx->output = g_build_filename (fx->dir, "decoder.safetensors", NULL);
  g_assert_cmpint (g_mkdir (fx->images, 0755), ==, 0);
  write_images (fx->images);

  fx->window = g_object_ref (lw_window_new (NULL));
  gtk_window_set_default_size (GTK_WINDOW (fx->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (fx->window));
  fx->page = lw_window_get_image_page (fx->window);
  g_assert_true (lw_image_page_select_codec (fx->page, "wavelet-latent"));
  g_assert_nonnull (sample);
  file = g_file_new_for_path (sample);
  lw_window_open (fx->window, file);

  /* The dialog comes from the page's action (Ctrl+Shift+T); a second activation presents
   * the same window */
  g_assert_null (find_dialog ());
  g_action_group_activate_action (lw_image_page_get_actions (fx->page), "train-decoder", NULL);
  fx->dialog = find_dialog ();
  g_assert_nonnull (fx->dialog);
  g_object_ref (fx->dialog);
  g_action_group_activate_action (lw_image_page_get_actions (fx->page), "train-decoder", NULL);
  g_assert_true (find_dialog () == fx->dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (fx->dialog)) ==
                 GTK_WINDOW (fx->window));
  g_signal_connect (fx->dialog, "decoder-ready", G_CALLBACK (on_decoder_ready_cb), fx);

  /* Defaults: no images, the trainer's settings, a dated output file */
  g_assert_null (lw_train_dialog_get_images (fx->dialog)[0]);
  g_assert_true (g_str_has_suffix (lw_train_dialog_get_output (fx->dialog), ".safetensors"));
  g_assert_nonnull (strstr (lw_train_dialog_get_output (fx->dialog), "decoders"));

  g_assert_true (lw_train_dialog_set_folder (fx->dialog, fx->images, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length ((GStrv) lw_train_dialog_get_images (fx->dialog)), ==, 3);
  lw_train_dialog_set_output (fx->dialog, fx->output);
  wait_for_result (fx->page);
}

static void
remove_tree (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  if (fx->dialog != NULL)
    {
      gtk_window_destroy (GTK_WINDOW (fx->dialog));
      wait_until_stopped (fx->dialog);
      g_assert_finalize_object (fx->dialog);
    }
  g_assert_null (find_dialog ());
  while (lw_image_page_get_busy (fx->page))
    g_main_context_iteration (NULL, TRUE);
  gtk_window_destroy (GTK_WINDOW (fx->window));
  g_assert_finalize_object (fx->window);
  remove_tree (fx->dir);
  g_free (fx->dir);
  g_free (fx->images);
  g_free (fx->output);
}

static void
activate (LwTrainDialog *dialog,
          const char    *name)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), name, NULL));
}

/* Train to the end, then hand the decoder to the page */
static void
test_train_and_use (Fixture       *fx,
                    gconstpointer  data)
{
  GtkProgressBar *bar = lw_train_dialog_get_progress_bar (fx->dialog);
  const LwParams *params;
  const LwCodec *codec;
  LwMeasure m;
  guint threads = lw_blas_get_threads ();
  int idx;

  lw_train_dialog_set_settings (fx->dialog, 20, 2, 32, 8, 1, LW_PROXY_NOISE);
  g_assert_false (g_file_test (fx->output, G_FILE_TEST_EXISTS));
  activate (fx->dialog, "train.start");
  g_assert_true (lw_train_dialog_get_running (fx->dialog));
  wait_until_stopped (fx->dialog);

  g_assert_cmpuint (lw_train_dialog_get_step (fx->dialog), ==, 20);
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (bar), ==, 1.0);
  g_test_message ("progress: %s", gtk_progress_bar_get_text (bar));
  g_assert_cmpuint (lw_line_plot_get_n_points (lw_train_dialog_get_loss_plot (fx->dialog), "Loss"),
                    ==, 20);
  g_assert_cmpuint (lw_line_plot_get_n_points (lw_train_dialog_get_psnr_plot (fx->dialog),
                                               "Learned"), >, 0);
  g_assert_true (g_file_test (fx->output, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (lw_blas_get_threads (), ==, threads);

  /* "Use This Decoder": the page switches to the learned decoder and still encodes */
  activate (fx->dialog, "train.use-decoder");
  g_assert_cmpuint (fx->n_ready, ==, 1);
  params = lw_image_page_get_params (fx->page);
  codec = params->codec;
  g_assert_cmpstr (codec->name, ==, "wavelet-latent");
  idx = lw_params_index (codec, "decoder");
  g_assert_cmpint (idx, >=, 0);
  g_assert_cmpstr (codec->params[idx].choices[(int) lw_params_get (params, "decoder")], ==,
                   "learned");
  wait_for_result (fx->page);
  g_assert_true (lw_image_page_get_measure (fx->page, &m));
  g_test_message ("with the learned decoder: %.3f bpp, %.2f dB", m.bpp, m.psnr);
  g_assert_cmpfloat (m.psnr, >, 20);
  g_assert_cmpfloat (m.bpp, >, 0);
}

/* Cancel mid-run: a checkpoint is kept, and Resume continues from it to the end */
static void
test_cancel_resume (Fixture       *fx,
                    gconstpointer  data)
{
  GtkProgressBar *bar = lw_train_dialog_get_progress_bar (fx->dialog);
  LwLinePlot *loss = lw_train_dialog_get_loss_plot (fx->dialog);
  const guint64 steps = 300;
  guint64 stopped;

  lw_train_dialog_set_settings (fx->dialog, steps, 2, 32, 8, 1, LW_PROXY_QUANTISE);
  activate (fx->dialog, "train.start");
  wait_for_step (fx->dialog, 5);
  g_assert_true (lw_train_dialog_get_running (fx->dialog));
  activate (fx->dialog, "train.cancel");
  wait_until_stopped (fx->dialog);
  stopped = lw_train_dialog_get_step (fx->dialog);
  g_test_message ("stopped at step %" G_GUINT64_FORMAT, stopped);
  g_assert_cmpuint (stopped, >=, 5);
  g_assert_cmpuint (stopped, <, steps);
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (bar), <, 1.0);
  g_assert_true (g_file_test (fx->output, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (lw_line_plot_get_n_points (loss, "Loss"), ==, stopped);

  activate (fx->dialog, "train.resume");
  g_assert_true (lw_train_dialog_get_running (fx->dialog));
  wait_until_stopped (fx->dialog);
  g_assert_cmpuint (lw_train_dialog_get_step (fx->dialog), ==, steps);
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (bar), ==, 1.0);
  /* every step once: the resumed run took up where the checkpoint left off */
  g_assert_cmpuint (lw_line_plot_get_n_points (loss, "Loss"), ==, steps);
  /* nothing left to resume */
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (fx->dialog), "train.resume", NULL) &&
                  lw_train_dialog_get_running (fx->dialog));
}

/* Closing the window while training stops the worker, which still saves its checkpoint;
 * the window is then finalized */
static void
test_close_while_training (Fixture       *fx,
                           gconstpointer  data)
{
  guint threads = lw_blas_get_threads ();
  LwTrainDialog *dialog = g_steal_pointer (&fx->dialog);

  lw_train_dialog_set_settings (dialog, 100000, 2, 32, 8, 1, LW_PROXY_NOISE);
  activate (dialog, "train.start");
  wait_for_step (dialog, 3);
  g_assert_true (lw_train_dialog_get_running (dialog));
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_null (find_dialog ());
  /* the test's reference keeps the object (not the window) alive until the worker is back */
  wait_until_stopped (dialog);
  g_assert_true (g_file_test (fx->output, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (lw_blas_get_threads (), ==, threads);
  g_assert_finalize_object (dialog);

  /* the page opens a new window on the next activation */
  g_action_group_activate_action (lw_image_page_get_actions (fx->page), "train-decoder", NULL);
  fx->dialog = g_object_ref (find_dialog ());
  g_assert_nonnull (fx->dialog);
}

/* No images, an empty folder, a missing or corrupt checkpoint: refused with messages that
 * name the input */
static void
test_bad_input (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr (LwTrainDialog) fresh = g_object_ref_sink (lw_train_dialog_new (NULL));
  g_autoptr (GError) error = NULL;
  g_autofree char *empty = g_build_filename (fx->dir, "empty", NULL);
  g_autofree char *missing = g_build_filename (fx->dir, "missing.safetensors", NULL);
  g_autofree char *corrupt = g_build_filename (fx->dir, "corrupt.safetensors", NULL);

  g_assert_false (lw_train_dialog_start (fresh, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
  g_clear_error (&error);
  gtk_window_destroy (GTK_WINDOW (fresh));

  g_assert_cmpint (g_mkdir (empty, 0755), ==, 0);
  g_assert_false (lw_train_dialog_set_folder (fx->dialog, empty, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
  g_assert_nonnull (strstr (error->message, empty));
  g_clear_error (&error);
  /* the images chosen before stay */
  g_assert_cmpuint (g_strv_length ((GStrv) lw_train_dialog_get_images (fx->dialog)), ==, 3);

  g_assert_false (lw_train_dialog_resume (fx->dialog, missing, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_IO);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);
  g_assert_false (lw_train_dialog_use_decoder (fx->dialog, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* a corrupt checkpoint starts, fails on the worker, and says so */
  g_assert_true (g_file_set_contents (corrupt, "{\"not\": \"safetensors\"}", -1, NULL));
  lw_train_dialog_set_settings (fx->dialog, 20, 2, 32, 8, 1, LW_PROXY_NOISE);
  g_assert_true (lw_train_dialog_resume (fx->dialog, corrupt, &error));
  g_assert_no_error (error);
  wait_until_stopped (fx->dialog);
  g_test_message ("corrupt checkpoint: %s",
                  gtk_progress_bar_get_text (lw_train_dialog_get_progress_bar (fx->dialog)));
  g_assert_cmpstr (gtk_progress_bar_get_text (lw_train_dialog_get_progress_bar (fx->dialog)), ==,
                   "Failed");
  g_assert_cmpuint (fx->n_ready, ==, 0);
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
  g_test_add ("/train-dialog/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("train-and-use", test_train_and_use);
  ADD ("cancel-resume", test_cancel_resume);
  ADD ("close-while-training", test_close_while_training);
  ADD ("bad-input", test_bad_input);
  return g_test_run ();
}
