/* test-reason-page.c — the reasoning page in the window, with tiny CoT, no-CoT and CoLaR
 * models trained here for a few steps: it finds them, a run fills both chains and the latent
 * inspector, c regroups the chain, a typed unknown word is reported, evaluation fills the table
 * and the plot, cancel stops it, missing models are named; the Training view plots the
 * models' recorded curves; the settings outlive the window; a (faked) RL model is evaluated
 * as its own series and can be the latent model on show
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The models are far too small and short-trained to answer anything; the page's work (finding,
 * running, inspecting, scoring) does not depend on that.
 */
#define G_LOG_DOMAIN "test-reason-page"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "lw-colar.h"
#include "lw-reason-page.h"
#include "lw-reasoner-private.h"
#include "lw-settings.h"
#include "lw-window.h"

#define WAIT_MS 60000

static char *models_dir;   /* all three models */
static char *cot_only_dir; /* the CoT model alone */
static char *rl_dir;       /* all four (RL faked from CoLaR), no-CoT without a curve */

static void
small_config (LwReasonTrainConfig *c,
              LwReasonStage        stage,
              guint64              steps)
{
  lw_reason_train_config_init (c, stage);
  c->model.dim = 32;
  c->model.layers = 2;
  c->model.heads = 2;
  c->batch = 8;
  c->steps = steps;
  c->warmup = 1;
  c->lr = 3e-3;
  c->lr_min = 3e-4;
  c->threads = 1;
}

static void
train (LwReasonStage  stage,
       const char    *from,
       const char    *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LwReasonTrainer) trainer = NULL;
  LwReasonTrainConfig config;

  small_config (&config, stage, 3);
  trainer = lw_reason_trainer_new (&config, from, &error);
  g_assert_no_error (error);
  g_assert_true (lw_reason_trainer_run (trainer, NULL, NULL, NULL, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (lw_reasoner_save (lw_reason_trainer_get_model (trainer), path, &error));
  g_assert_no_error (error);
}

static void
save_as (LwReasoner *model,
         const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (rl_dir, name, NULL);

  g_assert_true (lw_reasoner_save (model, path, &error));
  g_assert_no_error (error);
}

/* An RL model is a CoLaR model after GRPO, the same tensors: a copy of the CoLaR model with
 * its stage changed and an RL-like curve stands in for one */
static void
make_rl_dir (const char *cot,
             const char *nocot,
             const char *colar)
{
  static const char *const fields[] = { "step", "reward", "accuracy", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (LwReasoner) c = lw_reasoner_load (cot, &error);
  g_autoptr (LwReasoner) n = lw_reasoner_load (nocot, &error);
  g_autoptr (LwReasoner) l = lw_reasoner_load (colar, &error);
  g_autoptr (LwReasoner) r = lw_reasoner_load (colar, &error);
  LwTrainCurve *curve = lw_train_curve_new (fields);

  g_assert_no_error (error);
  rl_dir = g_dir_make_tmp ("lw-reason-page-rl-XXXXXX", NULL);
  g_assert_nonnull (rl_dir);
  for (guint i = 1; i <= 4; i++)
    {
      double row[3] = { 10.0 * i, 0.1 * i, 0.05 * i };
      lw_train_curve_append (curve, row);
    }
  r->stage = LW_REASON_STAGE_RL;
  lw_reasoner_set_curve (r, curve);
  /* CoLaR's curve: ten steps at c = 1, 2, 3, 4, 5, 1, 2…, then three with c per sequence */
  {
    static const char *const colar_fields[] = { "step", "loss", "latent", "lr", "c", NULL };
    LwTrainCurve *cc = lw_train_curve_new (colar_fields);

    for (guint i = 1; i <= 13; i++)
      {
        double row[5] = { i, 1.0 / i, 0.5 / i, 1e-3, i <= 10 ? 1 + (i - 1) % 5 : 0 };
        lw_train_curve_append (cc, row);
      }
    lw_reasoner_set_curve (l, cc);
  }
  lw_reasoner_set_curve (n, NULL);
  save_as (c, "reason-cot.safetensors");
  save_as (n, "reason-nocot.safetensors");
  save_as (l, "reason-colar.safetensors");
  save_as (r, "reason-rl.safetensors");
}

static void
make_models (void)
{
  g_autofree char *cot = NULL, *nocot = NULL, *colar = NULL, *copy = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  models_dir = g_dir_make_tmp ("lw-reason-page-XXXXXX", NULL);
  cot_only_dir = g_dir_make_tmp ("lw-reason-page-cot-XXXXXX", NULL);
  g_assert_nonnull (models_dir);
  g_assert_nonnull (cot_only_dir);
  cot = g_build_filename (models_dir, "reason-cot.safetensors", NULL);
  nocot = g_build_filename (models_dir, "reason-nocot.safetensors", NULL);
  colar = g_build_filename (models_dir, "reason-colar.safetensors", NULL);
  train (LW_REASON_STAGE_COT, NULL, cot);
  train (LW_REASON_STAGE_NO_COT, NULL, nocot);
  train (LW_REASON_STAGE_COLAR, cot, colar);
  copy = g_build_filename (cot_only_dir, "reason-cot.safetensors", NULL);
  g_assert_true (g_file_get_contents (cot, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (copy, contents, (gssize) length, NULL));
  make_rl_dir (cot, nocot, colar);
}

static void
remove_dir (const char *dir)
{
  const char *names[] = { "reason-cot.safetensors", "reason-nocot.safetensors",
                          "reason-colar.safetensors", "reason-rl.safetensors" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_remove (path);
    }
  g_rmdir (dir);
}

static void
on_timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
}

/* Runs the main loop until the page has its models (it starts looking when made) and no run
 * is in flight */
static void
wait_idle (LwReasonPage *page)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_once (WAIT_MS, on_timeout_cb, &timed_out);

  while (!timed_out && lw_reason_page_get_busy (page))
    g_main_context_iteration (NULL, TRUE);
  /* a run's result arrives in a callback after busy drops: let it land */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_false (timed_out);
  g_source_remove (id);
}

static void
wait_evaluated (LwReasonPage *page)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_once (WAIT_MS, on_timeout_cb, &timed_out);

  while (!timed_out && lw_reason_page_get_evaluating (page))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
}

static LwWindow *
open_window (const char *dir)
{
  LwWindow *window;
  LwReasonPage *page;

  g_setenv ("LW_REASON_MODELS", dir, TRUE);
  window = g_object_ref (lw_window_new (NULL));
  gtk_window_present (GTK_WINDOW (window));
  /* the page's commands answer while it is on show: cycle to it as Alt+Page Down does */
  g_action_group_activate_action (G_ACTION_GROUP (window), "page", g_variant_new_string ("next"));
  g_action_group_activate_action (G_ACTION_GROUP (window), "page", g_variant_new_string ("next"));
  page = lw_window_get_reason_page (window);
  while (!gtk_widget_get_mapped (GTK_WIDGET (page)))
    g_main_context_iteration (NULL, TRUE);
  wait_idle (page);
  return window;
}

static void
close_window (LwWindow *window)
{
  wait_idle (lw_window_get_reason_page (window));
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

static void
activate (LwWindow   *window,
          const char *name)
{
  GActionGroup *actions = lw_reason_page_get_actions (lw_window_get_reason_page (window));

  g_assert_true (g_action_group_get_action_enabled (actions, name));
  g_action_group_activate_action (actions, name, NULL);
}

static void
test_run (void)
{
  LwWindow *window = open_window (models_dir);
  LwReasonPage *page = lw_window_get_reason_page (window);
  const LwReasonRun *colar, *cot;
  g_autofree char *chunk1 = NULL;
  g_autofree char *chunk3 = NULL;

  for (guint s = 0; s <= LW_REASON_STAGE_COLAR; s++)
    {
      g_assert_true (lw_reason_page_has_model (page, s));
      g_assert_nonnull (strstr (lw_reason_page_get_model_status (page, s), ".safetensors"));
    }
  /* no RL model in the folder: optional, and the status says how to train one */
  g_assert_false (lw_reason_page_has_model (page, LW_REASON_STAGE_RL));
  g_assert_nonnull (strstr (lw_reason_page_get_model_status (page, LW_REASON_STAGE_RL),
                            "--stage rl"));

  /* the first test problem ran by itself once the models were in; run it at c = 1 */
  lw_reason_page_set_test_index (page, 0);
  lw_reason_page_set_speed (page, 1);
  activate (window, "run");
  wait_idle (page);
  cot = lw_reason_page_get_run (page, LW_REASON_STAGE_COT);
  colar = lw_reason_page_get_run (page, LW_REASON_STAGE_COLAR);
  g_assert_nonnull (cot);
  g_assert_nonnull (colar);
  g_assert_nonnull (lw_reason_page_get_run (page, LW_REASON_STAGE_NO_COT));
  g_assert_nonnull (lw_reason_page_get_cot_chain (page));
  g_assert_cmpuint (colar->speed, ==, 1);
  g_assert_cmpuint (colar->n_latent, >=, 1);
  g_assert_cmpuint (lw_reason_page_get_n_latent_rows (page), ==, colar->n_latent);
  /* latent 1 stands for the first token of the chain after ###: "<<" */
  g_assert_cmpstr (lw_reason_page_get_latent_chunk (page, 0), ==, "<<");
  chunk1 = g_strdup (lw_reason_page_get_latent_chunk (page, 0));

  /* c = 3: the slider alone re-runs the question on show, and latent 1 stands for three
   * tokens */
  lw_reason_page_set_speed (page, 3);
  wait_idle (page);
  colar = lw_reason_page_get_run (page, LW_REASON_STAGE_COLAR);
  g_assert_cmpuint (colar->speed, ==, 3);
  g_assert_cmpuint (lw_reason_page_get_n_latent_rows (page), ==, colar->n_latent);
  chunk3 = g_strdup (lw_reason_page_get_latent_chunk (page, 0));
  g_assert_cmpstr (chunk1, !=, chunk3);
  g_assert_true (g_str_has_prefix (chunk3, "<<"));
  g_assert_cmpuint (strlen (chunk3), >, strlen (chunk1));

  /* Random picks a test problem and runs it */
  activate (window, "random");
  wait_idle (page);
  g_assert_nonnull (lw_reason_page_get_run (page, LW_REASON_STAGE_COT));
  close_window (window);
}

static void
test_typed_question (void)
{
  LwWindow *window = open_window (models_dir);
  LwReasonPage *page = lw_window_get_reason_page (window);
  const char *error;

  lw_reason_page_set_question_text (page, "a farmer has 23 zebras . how many eggs ?");
  error = lw_reason_page_get_question_error (page);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error, "zebras"));

  lw_reason_page_set_question_text (page, "a farmer has 23 eggs . he sells 5 eggs . how many "
                                          "eggs are left ?");
  g_assert_null (lw_reason_page_get_question_error (page));
  activate (window, "run");
  wait_idle (page);
  g_assert_nonnull (lw_reason_page_get_run (page, LW_REASON_STAGE_COT));
  g_assert_nonnull (lw_reason_page_get_run (page, LW_REASON_STAGE_COLAR));
  g_assert_cmpuint (lw_reason_page_get_n_latent_rows (page), ==,
                    lw_reason_page_get_run (page, LW_REASON_STAGE_COLAR)->n_latent);
  close_window (window);
}

static void
test_evaluate (void)
{
  LwWindow *window = open_window (models_dir);
  LwReasonPage *page = lw_window_get_reason_page (window);
  LwLinePlot *plot = lw_reason_page_get_pareto_plot (page);
  const LwReasonEval *rows;
  guint n_rows = 0;

  lw_reason_page_set_eval_size (page, 3, 2);
  activate (window, "evaluate");
  g_assert_true (lw_reason_page_get_evaluating (page));
  wait_evaluated (page);
  rows = lw_reason_page_get_eval_rows (page, &n_rows);
  /* CoT, no-CoT, CoLaR at c = 1…5 */
  g_assert_cmpuint (n_rows, ==, 7);
  g_assert_cmpint (rows[0].stage, ==, LW_REASON_STAGE_COT);
  g_assert_cmpint (rows[1].stage, ==, LW_REASON_STAGE_NO_COT);
  for (guint c = 1; c <= 5; c++)
    {
      g_assert_cmpint (rows[1 + c].stage, ==, LW_REASON_STAGE_COLAR);
      g_assert_cmpuint (rows[1 + c].speed, ==, c);
    }
  for (guint i = 0; i < n_rows; i++)
    {
      g_assert_cmpuint (rows[i].n_questions, ==, 3);
      g_assert_cmpuint (rows[i].n_seeds, ==, 2);
      g_assert_cmpfloat (rows[i].accuracy, >=, 0.0);
      g_assert_cmpfloat (rows[i].accuracy, <=, 1.0);
      g_assert_cmpfloat (rows[i].forward_passes, >=, 1.0);
    }
  g_assert_cmpuint (lw_line_plot_get_n_series (plot), ==, 3);
  g_assert_cmpuint (lw_line_plot_get_n_points (plot, "CoT"), ==, 1);
  g_assert_cmpuint (lw_line_plot_get_n_points (plot, "No-CoT"), ==, 1);
  g_assert_cmpuint (lw_line_plot_get_n_points (plot, "CoLaR"), ==, 5);
  close_window (window);
}

static void
test_cancel (void)
{
  LwWindow *window = open_window (models_dir);
  LwReasonPage *page = lw_window_get_reason_page (window);
  guint n_rows = 0;

  /* 7 × 500 × 10 runs: far more than the test waits for */
  lw_reason_page_set_eval_size (page, 500, 10);
  activate (window, "evaluate");
  g_assert_true (lw_reason_page_get_evaluating (page));
  activate (window, "cancel-evaluation");
  wait_evaluated (page);
  lw_reason_page_get_eval_rows (page, &n_rows);
  g_assert_cmpuint (n_rows, <, 7);
  /* and a new evaluation may start */
  g_assert_true (g_action_group_get_action_enabled (
                   lw_reason_page_get_actions (page), "evaluate"));

  /* closing the window during an evaluation cancels it */
  activate (window, "evaluate");
  close_window (window);
}

static void
test_missing_models (void)
{
  LwWindow *window = open_window (cot_only_dir);
  LwReasonPage *page = lw_window_get_reason_page (window);
  const char *status;

  g_assert_true (lw_reason_page_has_model (page, LW_REASON_STAGE_COT));
  g_assert_false (lw_reason_page_has_model (page, LW_REASON_STAGE_NO_COT));
  g_assert_false (lw_reason_page_has_model (page, LW_REASON_STAGE_COLAR));
  status = lw_reason_page_get_model_status (page, LW_REASON_STAGE_COLAR);
  g_assert_nonnull (strstr (status, "No CoLaR model yet"));
  g_assert_nonnull (strstr (status, "reason train --stage colar"));
  status = lw_reason_page_get_model_status (page, LW_REASON_STAGE_NO_COT);
  g_assert_nonnull (strstr (status, "--stage nocot"));

  /* the page works with what there is */
  activate (window, "run");
  wait_idle (page);
  g_assert_nonnull (lw_reason_page_get_run (page, LW_REASON_STAGE_COT));
  g_assert_null (lw_reason_page_get_run (page, LW_REASON_STAGE_COLAR));
  g_assert_cmpuint (lw_reason_page_get_n_latent_rows (page), ==, 0);

  /* the three models appear when looked for again */
  g_setenv ("LW_REASON_MODELS", models_dir, TRUE);
  lw_reason_page_reload_models (page);
  wait_idle (page);
  g_assert_true (lw_reason_page_has_model (page, LW_REASON_STAGE_COLAR));
  g_assert_nonnull (lw_reason_page_get_run (page, LW_REASON_STAGE_COLAR));
  close_window (window);
}

/* The Training view: the trainer's curves of the tiny models, a field switch changes the
 * series, a model without a curve says so, RL's own fields */
static void
test_curves (void)
{
  LwWindow *window = open_window (rl_dir);
  LwReasonPage *page = lw_window_get_reason_page (window);
  LwLinePlot *plot = lw_reason_page_get_curve_plot (page);

  /* CoLaR's losses: the raw values and one trend per c */
  lw_reason_page_set_curve (page, LW_REASON_STAGE_COLAR, "loss");
  g_assert_cmpstr (lw_reason_page_get_curve_field (page), ==, "loss");
  g_assert_cmpuint (lw_line_plot_get_n_series (plot), ==, 7);
  g_assert_cmpuint (lw_line_plot_get_n_points (plot, "Total loss"), ==, 13);
  g_assert_cmpuint (lw_line_plot_get_n_points (plot, "c per sequence"), ==, 3);
  g_assert_cmpuint (lw_line_plot_get_n_points (plot, "Moving average"), ==, 0);
  for (guint c = 1; c <= 5; c++)
    {
      g_autofree char *name = g_strdup_printf ("c = %u", c);
      g_assert_cmpuint (lw_line_plot_get_n_points (plot, name), ==, 2);
    }

  /* the rate does not depend on c: one trend */
  lw_reason_page_set_curve (page, LW_REASON_STAGE_COLAR, "lr");
  g_assert_cmpstr (lw_reason_page_get_curve_field (page), ==, "lr");
  g_assert_cmpuint (lw_line_plot_get_n_points (plot, "Total loss"), ==, 0);
  g_assert_cmpuint (lw_line_plot_get_n_series (plot), ==, 2);
  g_assert_cmpuint (lw_line_plot_get_n_points (plot, "Moving average"), ==, 13);

  /* the trainer's own curve (CoT: c is 1 throughout): three steps, raw and averaged */
  lw_reason_page_set_curve (page, LW_REASON_STAGE_COT, "mean_log_sigma");
  g_assert_cmpstr (lw_reason_page_get_curve_field (page), ==, "mean_log_sigma");
  g_assert_cmpuint (lw_line_plot_get_n_series (plot), ==, 2);
  g_assert_cmpuint (lw_line_plot_get_n_points (plot, "Mean log σ"), ==, 3);
  g_assert_cmpuint (lw_line_plot_get_n_points (plot, "Moving average"), ==, 3);

  lw_reason_page_set_curve (page, LW_REASON_STAGE_COT, "ce");
  g_assert_cmpuint (lw_line_plot_get_n_points (plot, "Cross-entropy"), ==, 3);

  /* no curve in the file: nothing plotted */
  lw_reason_page_set_curve (page, LW_REASON_STAGE_NO_COT, "ce");
  g_assert_null (lw_reason_page_get_curve_field (page));
  g_assert_cmpuint (lw_line_plot_get_n_series (plot), ==, 0);

  /* RL's fields; a wish it does not have falls back to its first */
  lw_reason_page_set_curve (page, LW_REASON_STAGE_RL, "accuracy");
  g_assert_cmpstr (lw_reason_page_get_curve_field (page), ==, "accuracy");
  g_assert_cmpuint (lw_line_plot_get_n_points (plot, "Accuracy"), ==, 4);
  lw_reason_page_set_curve (page, LW_REASON_STAGE_RL, "latent");
  g_assert_cmpstr (lw_reason_page_get_curve_field (page), ==, "reward");
  close_window (window);
}

/* The knobs and the curve choice are there again in a new window */
static void
test_settings (void)
{
  g_autoptr (GSettings) settings = lw_settings_new ();
  LwWindow *window = open_window (models_dir);
  LwReasonPage *page = lw_window_get_reason_page (window);

  g_assert_nonnull (settings);
  lw_reason_page_set_speed (page, 4);
  lw_reason_page_set_eval_size (page, 7, 3);
  lw_reason_page_set_curve (page, LW_REASON_STAGE_COT, "grad_norm");
  g_assert_cmpstr (lw_reason_page_get_view (page), ==, "run");
  g_settings_set_string (settings, "reason-view", "training");
  g_assert_cmpstr (lw_reason_page_get_view (page), ==, "training");
  close_window (window);
  g_assert_cmpuint (g_settings_get_uint (settings, "reason-speed"), ==, 4);
  g_assert_cmpuint (g_settings_get_uint (settings, "reason-eval-problems"), ==, 7);
  g_assert_cmpuint (g_settings_get_uint (settings, "reason-eval-seeds"), ==, 3);

  window = open_window (models_dir);
  page = lw_window_get_reason_page (window);
  g_assert_cmpuint (lw_reason_page_get_speed (page), ==, 4);
  g_assert_cmpstr (lw_reason_page_get_curve_field (page), ==, "grad_norm");
  g_assert_cmpstr (lw_reason_page_get_view (page), ==, "training");   /* opens where it was */
  activate (window, "run");   /* running a question shows the run, and that is kept */
  {
    g_autofree char *view = g_settings_get_string (settings, "reason-view");
    g_assert_cmpstr (view, ==, "run");
  }
  wait_idle (lw_window_get_reason_page (window));
  g_assert_cmpuint (lw_line_plot_get_n_points (lw_reason_page_get_curve_plot (page),
                                               "Gradient norm"), ==, 3);
  close_window (window);

  /* and a setting changed outside shows in the next window */
  g_settings_set_uint (settings, "reason-speed", 5);
  window = open_window (models_dir);
  g_assert_cmpuint (lw_reason_page_get_speed (lw_window_get_reason_page (window)), ==, 5);
  close_window (window);
  const char *keys[] = { "reason-speed", "reason-eval-problems", "reason-eval-seeds",
                         "reason-curve-model", "reason-curve-field", "reason-view" };
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (settings, keys[i]);
}

/* With an RL model: its own rows at c = 1…5 and series, and it can be the latent model run */
static void
test_rl (void)
{
  LwWindow *window = open_window (rl_dir);
  LwReasonPage *page = lw_window_get_reason_page (window);
  LwLinePlot *plot = lw_reason_page_get_pareto_plot (page);
  const LwReasonEval *rows;
  guint n_rows = 0;

  g_assert_true (lw_reason_page_has_model (page, LW_REASON_STAGE_RL));
  lw_reason_page_set_eval_size (page, 2, 1);
  activate (window, "evaluate");
  wait_evaluated (page);
  rows = lw_reason_page_get_eval_rows (page, &n_rows);
  g_assert_cmpuint (n_rows, ==, 12);
  for (guint c = 1; c <= 5; c++)
    {
      g_assert_cmpint (rows[6 + c].stage, ==, LW_REASON_STAGE_RL);
      g_assert_cmpuint (rows[6 + c].speed, ==, c);
    }
  g_assert_cmpuint (lw_line_plot_get_n_series (plot), ==, 4);
  g_assert_cmpuint (lw_line_plot_get_n_points (plot, "CoLaR + RL"), ==, 5);

  /* the latent model beside CoT: CoLaR by default, RL when chosen */
  lw_reason_page_set_test_index (page, 2);
  lw_reason_page_set_latent_stage (page, LW_REASON_STAGE_RL);
  activate (window, "run");
  wait_idle (page);
  g_assert_nonnull (lw_reason_page_get_run (page, LW_REASON_STAGE_RL));
  g_assert_cmpuint (lw_reason_page_get_n_latent_rows (page), ==,
                    lw_reason_page_get_run (page, LW_REASON_STAGE_RL)->n_latent);
  lw_reason_page_set_latent_stage (page, LW_REASON_STAGE_COLAR);
  wait_idle (page);
  g_assert_cmpuint (lw_reason_page_get_n_latent_rows (page), ==,
                    lw_reason_page_get_run (page, LW_REASON_STAGE_COLAR)->n_latent);
  close_window (window);
  g_autoptr (GSettings) settings = lw_settings_new ();
  g_settings_reset (settings, "reason-latent-model");
  g_settings_reset (settings, "reason-eval-problems");
  g_settings_reset (settings, "reason-eval-seeds");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_printerr ("no display\n");
      return 77;
    }
  adw_init ();
  make_models ();
  g_test_add_func ("/reason-page/run", test_run);
  g_test_add_func ("/reason-page/typed-question", test_typed_question);
  g_test_add_func ("/reason-page/evaluate", test_evaluate);
  g_test_add_func ("/reason-page/cancel", test_cancel);
  g_test_add_func ("/reason-page/missing-models", test_missing_models);
  g_test_add_func ("/reason-page/curves", test_curves);
  g_test_add_func ("/reason-page/settings", test_settings);
  g_test_add_func ("/reason-page/rl", test_rl);
  status = g_test_run ();
  remove_dir (models_dir);
  remove_dir (cot_only_dir);
  remove_dir (rl_dir);
  g_free (models_dir);
  g_free (cot_only_dir);
  g_free (rl_dir);
  return status;
}
