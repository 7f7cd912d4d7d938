/* test-audio-page.c — the audio page as a person uses it: open a sound, change the rate,
 * switch A/B, take ABX trials, save and reopen an experiment, and survive bad files
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-audio-page"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lw-audio-io.h"
#include "lw-error.h"
#include "lw-samples.h"
#include "lw-spectrogram-options.h"
#include "lw-window.h"

#define WAIT_MS 60000

typedef struct
{
  LwWindow    *window;
  LwAudioPage *page;
  guint        n_toasts;
  char        *last_toast;
  char        *dir;
} Fixture;

static void
on_timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
}

static void
wait_for_result (LwAudioPage *page)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_once (WAIT_MS, on_timeout_cb, &timed_out);

  while (!timed_out && (lw_audio_page_get_busy (page) || isnan (lw_audio_page_get_kbps (page))))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
}

static void
wait_idle (LwAudioPage *page)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_once (WAIT_MS, on_timeout_cb, &timed_out);

  while (!timed_out && lw_audio_page_get_busy (page))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
}

static void
on_toast_cb (LwAudioPage *page,
             const char  *text,
             Fixture     *fx)
{
  fx->n_toasts++;
  g_free (fx->last_toast);
  fx->last_toast = g_strdup (text);
  g_test_message ("toast: %s", text);
}

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  g_autofree char *sample = lw_samples_find_default_audio ();
  g_autoptr (GFile) file = NULL;

  /* Playback goes nowhere in these tests: ALSA is pointed at an empty configuration so the
   * page meets "no device" as on a machine without sound (the playback test covers sound). */
  fx->dir = g_dir_make_tmp ("lw-test-audio-page-XXXXXX", NULL);
  g_assert_nonnull (sample);
  fx->window = g_object_ref (lw_window_new (NULL));
  gtk_window_set_default_size (GTK_WINDOW (fx->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (fx->window));
  fx->page = lw_window_get_audio_page (fx->window);
  g_signal_connect (fx->page, "toast", G_CALLBACK (on_toast_cb), fx);
  g_assert_true (lw_audio_page_select_codec (fx->page, "wavelet-latent-audio"));
  file = g_file_new_for_path (sample);
  lw_window_open (fx->window, file);
  wait_for_result (fx->page);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr (GDir) d = NULL;
  const char *name;

  wait_idle (fx->page);
  gtk_window_destroy (GTK_WINDOW (fx->window));
  g_assert_finalize_object (fx->window);
  d = g_dir_open (fx->dir, 0, NULL);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (fx->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (fx->dir);
  g_free (fx->dir);
  g_free (fx->last_toast);
}

static GtkWidget *
find_widget (GtkWidget *root,
             GType      type,
             const char *label_prefix)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) &&
      (label_prefix == NULL ||
       g_str_has_prefix (gtk_label_get_text (GTK_LABEL (root)), label_prefix)))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_widget (c, type, label_prefix);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
wait_for_caption (GtkLabel   *label,
                  const char *part)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_once (WAIT_MS, on_timeout_cb, &timed_out);

  while (!timed_out && strstr (gtk_label_get_text (label), part) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("caption: %s", gtk_label_get_text (label));
  g_assert_false (timed_out);
  g_source_remove (id);
}

/* Choosing window, FFT size, hop and axis re-analyses both spectrograms off the main thread;
 * the captions say what was used; the next result keeps the choice. */
static void
test_spectrogram_options (Fixture       *fx,
                          gconstpointer  data)
{
  GtkWidget *page = GTK_WIDGET (fx->page);
  LwSpectrogramOptions *options =
    LW_SPECTROGRAM_OPTIONS (find_widget (page, LW_TYPE_SPECTROGRAM_OPTIONS, NULL));
  GtkLabel *original = GTK_LABEL (find_widget (page, GTK_TYPE_LABEL, "Spectrogram: original"));
  GtkLabel *decoded = GTK_LABEL (find_widget (page, GTK_TYPE_LABEL, "Spectrogram: decoded"));
  g_autofree char *text = NULL;

  g_assert_nonnull (options);
  g_assert_nonnull (original);
  g_assert_nonnull (decoded);
  /* the defaults: Hann, 2048 points, automatic hop (≥ 512) */
  g_assert_nonnull (strstr (gtk_label_get_text (original), "Hann, 2048 points"));
  g_assert_false (lw_spectrogram_options_set_string (options, "kaiser 2048 0 log"));
  g_assert_false (lw_spectrogram_options_set_string (options, "hann 1000 0 log"));
  g_assert_true (lw_spectrogram_options_set_string (options, "blackman 4096 8 mel"));
  text = lw_spectrogram_options_to_string (options);
  g_assert_cmpstr (text, ==, "blackman 4096 8 mel");
  /* piano-band is 16 s: hop 4096/8 = 512 needs 1379 frames, under the cap */
  wait_for_caption (original, "Blackman, 4096 points, hop 512 (11.6 ms)");
  wait_for_caption (decoded, "Blackman, 4096 points, hop 512");
  /* a new result is analysed the same way */
  g_assert_true (lw_audio_page_set_param (fx->page, "step", 0.05, NULL));
  wait_for_result (fx->page);
  wait_for_caption (decoded, "Blackman, 4096 points, hop 512");
  g_assert_true (lw_spectrogram_options_set_string (options, "hann 2048 0 log"));
  wait_for_caption (original, "Hann, 2048 points");
}

/* The rate knob moves the rate and the distortion; every audio codec gives a result. */
static void
test_rate_and_codecs (Fixture       *fx,
                      gconstpointer  data)
{
  LwAudioMeasure fine, coarse;
  g_autoptr (GError) error = NULL;

  g_assert_true (lw_audio_page_set_param (fx->page, "step", 0.01, &error));
  g_assert_no_error (error);
  wait_for_result (fx->page);
  g_assert_true (lw_audio_page_get_measure (fx->page, &fine));
  g_assert_true (lw_audio_page_set_param (fx->page, "step", 0.1, &error));
  wait_for_result (fx->page);
  g_assert_true (lw_audio_page_get_measure (fx->page, &coarse));
  g_test_message ("step 0.01: %.1f kbit/s SNR %.2f dB; step 0.1: %.1f kbit/s SNR %.2f dB",
                  fine.kbps, fine.snr, coarse.kbps, coarse.snr);
  g_assert_cmpfloat (coarse.kbps, <, fine.kbps);
  g_assert_cmpfloat (coarse.snr, <, fine.snr);

  for (const char *const *c = (const char *[]) { "opus", "flac", NULL }; *c != NULL; c++)
    {
      LwAudioMeasure m;
      g_assert_true (lw_audio_page_select_codec (fx->page, *c));
      wait_for_result (fx->page);
      g_assert_true (lw_audio_page_get_measure (fx->page, &m));
      g_test_message ("%s: %.1f kbit/s, SNR %.2f dB", *c, m.kbps, m.snr);
      g_assert_cmpfloat (m.kbps, >, 0.0);
      if (g_str_equal (*c, "flac"))
        g_assert_true (isinf (m.snr));
    }
}

/* A and B are the original and the decoded signal; ABX counts trials and answers. */
static void
test_ab_and_abx (Fixture       *fx,
                 gconstpointer  data)
{
  GActionGroup *actions = lw_audio_page_get_actions (fx->page);
  LwPlayback *playback = lw_audio_page_get_playback (fx->page);
  guint trials, correct;
  double p;

  g_assert_true (lw_playback_has_buffers (playback));
  g_action_group_activate_action (actions, "source", g_variant_new_string ("b"));
  g_assert_cmpint (lw_playback_get_source (playback), ==, LW_PLAYBACK_SOURCE_B);
  g_action_group_activate_action (actions, "source", g_variant_new_string ("a"));
  g_assert_cmpint (lw_playback_get_source (playback), ==, LW_PLAYBACK_SOURCE_A);

  lw_audio_page_get_abx (fx->page, &trials, &correct, &p);
  g_assert_cmpuint (trials, ==, 0);
  g_assert_cmpfloat (p, ==, 1.0);
  for (int i = 0; i < 6; i++)
    {
      g_action_group_activate_action (actions, "abx-play-x", NULL);
      g_action_group_activate_action (actions, "abx-answer", g_variant_new_string ("a"));
    }
  lw_audio_page_get_abx (fx->page, &trials, &correct, &p);
  g_test_message ("ABX: %u of %u, p = %.4f", correct, trials, p);
  g_assert_cmpuint (trials, ==, 6);
  g_assert_cmpuint (correct, <=, 6);
  g_assert_cmpfloat (p, >, 0.0);
  g_assert_cmpfloat (p, <=, 1.0);
  g_action_group_activate_action (actions, "abx-restart", NULL);
  lw_audio_page_get_abx (fx->page, &trials, &correct, &p);
  g_assert_cmpuint (trials, ==, 0);
}

/* Save → open in a new window → same codec, parameters and ABX score; bad files leave the
 * page as it was. */
static void
test_experiment_and_bad_input (Fixture       *fx,
                               gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fx->dir, "audio-experiment.json", NULL);
  g_autofree char *junk = g_build_filename (fx->dir, "junk.wav", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (LwProject) project = NULL;
  GActionGroup *actions = lw_audio_page_get_actions (fx->page);
  LwAudioMeasure saved, reopened;
  LwWindow *window2;
  LwAudioPage *page2;
  guint t1, c1, t2, c2;
  double p1, p2;
  guint n;

  g_assert_true (lw_audio_page_set_param (fx->page, "step", 0.05, &error));
  for (int i = 0; i < 3; i++)
    g_action_group_activate_action (actions, "abx-answer", g_variant_new_string ("b"));
  wait_for_result (fx->page);
  g_assert_true (lw_audio_page_get_measure (fx->page, &saved));
  lw_audio_page_get_abx (fx->page, &t1, &c1, &p1);
  project = lw_audio_page_to_project (fx->page);
  g_assert_nonnull (project);
  g_assert_true (lw_project_save (project, path, &error));
  g_assert_no_error (error);

  window2 = g_object_ref (lw_window_new (NULL));
  gtk_window_present (GTK_WINDOW (window2));
  page2 = lw_window_get_audio_page (window2);
  {
    g_autoptr (GFile) file = g_file_new_for_path (path);
    lw_window_open (window2, file);
  }
  wait_for_result (page2);
  g_assert_cmpstr (lw_audio_page_get_params (page2)->codec->name, ==, "wavelet-latent-audio");
  g_assert_cmpfloat (lw_params_get (lw_audio_page_get_params (page2), "step"), ==, 0.05);
  g_assert_true (lw_audio_page_get_measure (page2, &reopened));
  g_assert_cmpuint (reopened.bytes, ==, saved.bytes);
  g_assert_cmpfloat (reopened.snr, ==, saved.snr);
  lw_audio_page_get_abx (page2, &t2, &c2, &p2);
  g_assert_cmpuint (t2, ==, t1);
  g_assert_cmpuint (c2, ==, c1);
  g_assert_cmpfloat_with_epsilon (p2, p1, 1e-12);
  wait_idle (page2);
  gtk_window_destroy (GTK_WINDOW (window2));
  g_assert_finalize_object (window2);

  /* A file named .wav that is not audio: a message, nothing lost */
  n = fx->n_toasts;
  g_assert_true (g_file_set_contents (junk, "RIFF....WAVEnot really", -1, NULL));
  {
    g_autoptr (GFile) file = g_file_new_for_path (junk);
    lw_window_open (fx->window, file);
  }
  wait_idle (fx->page);
  g_assert_cmpuint (fx->n_toasts, >, n);
  g_assert_nonnull (strstr (fx->last_toast, "junk.wav"));
  g_assert_cmpstr (lw_audio_page_get_audio_path (fx->page), !=, junk);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* No sound card here: an empty ALSA configuration under a private HOME */
  {
    g_autofree char *home = g_dir_make_tmp ("lw-test-audio-home-XXXXXX", NULL);
    g_autofree char *rc = g_build_filename (home, ".asoundrc", NULL);
    g_file_set_contents (rc, "pcm.!default { type null }\n", -1, NULL);
    g_setenv ("HOME", home, TRUE);
  }
  if (!gtk_init_check ())
    {
      printf ("1..0 # SKIP no display\n");
      return 77;
    }
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/audio-page/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("rate-and-codecs", test_rate_and_codecs);
  ADD ("ab-and-abx", test_ab_and_abx);
  ADD ("experiment-and-bad-input", test_experiment_and_bad_input);
  ADD ("spectrogram-options", test_spectrogram_options);
  return g_test_run ();
}
