/* lw-reason-page-eval.c — evaluation on the reasoning page: every method found (CoT, no-CoT,
 * CoLaR at c = 1…5) over the first problems of the held-out test set, in the background with
 * progress and cancel; the table and the accuracy-against-#L plot fill in row by row
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An evaluation is a reference-counted LwReasonEvalJob shared by the page, the worker and the
 * idle that carries progress (as the Train Decoder window's runs are). The worker loads its own
 * copies of the models, so the page's runs go on meanwhile; it reports after every question
 * under a lock and schedules one low-priority idle at a time, which hands the newest count and
 * any finished rows to the page. The page's dispose detaches and cancels it; a detached job
 * finishes quietly.
 */
#define G_LOG_DOMAIN "lw-reason-page"

#include "config.h"

#include <glib/gi18n.h>

#include "lw-error.h"
#include "lw-reason-page-private.h"

#define MAX_CONFIGS (2 + 2 * LW_REASON_MAX_SPEED)   /* CoT, no-CoT, CoLaR and RL at c = 1…5 */

struct _LwReasonEvalJob
{
  gatomicrefcount    ref;
  GMutex             lock;
  LwReasonPage      *page;         /* main thread only; NULL once detached */
  GCancellable      *cancellable;
  LwReasonModels    *models;       /* paths and the test set */
  LwReasonGenConfig  gen;
  guint              n, seeds;
  guint              n_configs;
  LwReasonStage      stage[MAX_CONFIGS];
  guint              speed[MAX_CONFIGS];
  gint64             started;      /* monotonic µs */
  /* under lock */
  guint              config;       /* the one running */
  guint              done;         /* runs done over all configurations */
  GArray            *new_rows;     /* LwReasonEval not yet shown */
  gboolean           idle_queued;
};

static LwReasonEvalJob *
job_ref (LwReasonEvalJob *job)
{
  g_atomic_ref_count_inc (&job->ref);
  return job;
}

static void
job_unref (LwReasonEvalJob *job)
{
  if (!g_atomic_ref_count_dec (&job->ref))
    return;
  g_mutex_clear (&job->lock);
  g_clear_object (&job->cancellable);
  g_clear_pointer (&job->models, _lw_reason_models_unref);
  g_array_unref (job->new_rows);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwReasonEvalJob, job_unref)

/* The table */

static void
grid_text (GtkGrid    *grid,
           const char *text,
           int         column,
           int         row,
           gboolean    heading)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column < 1 ? 0.0f : 1.0f);
  gtk_widget_add_css_class (label, heading ? "caption-heading" : "numeric");
  gtk_grid_attach (grid, label, column, row, 1, 1);
}

static void
reset_table (LwReasonPage *self)
{
  GtkWidget *child;
  const char *heads[] = {
    /* Translators: evaluation table headings: method, compression factor, accuracy, its 95 %
     * confidence interval over seeds, mean chain length, mean chain length on correct answers,
     * forward passes per question, milliseconds per question */
    _("Method"), _("c"), _("Accuracy"), _("± 95 % CI"), _("#L"), _("#L correct"),
    _("Passes"), _("ms/question"),
  };

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->eval_grid))) != NULL)
    gtk_grid_remove (self->eval_grid, child);
  for (guint i = 0; i < G_N_ELEMENTS (heads); i++)
    grid_text (self->eval_grid, heads[i], i, 0, TRUE);
  g_array_set_size (self->eval_rows, 0);
  lw_line_plot_clear (self->pareto_plot);
}

static void
add_row (LwReasonPage       *self,
         const LwReasonEval *e)
{
  int row = (int) self->eval_rows->len + 1;
  char *cells[8];

  cells[0] = g_strdup (_lw_reason_stage_title (e->stage));
  cells[1] = lw_reason_stage_is_latent (e->stage) ? g_strdup_printf ("%u", e->speed) : g_strdup ("—");
  cells[2] = g_strdup_printf ("%.1f %%", 100.0 * e->accuracy);
  cells[3] = g_strdup_printf ("± %.1f", 100.0 * e->ci95);
  cells[4] = g_strdup_printf ("%.1f", e->mean_steps);
  cells[5] = g_strdup_printf ("%.1f", e->mean_steps_correct);
  cells[6] = g_strdup_printf ("%.1f", e->forward_passes);
  cells[7] = g_strdup_printf ("%.2f", e->ms_per_question);
  for (guint i = 0; i < G_N_ELEMENTS (cells); i++)
    {
      grid_text (self->eval_grid, cells[i], i, row, FALSE);
      g_free (cells[i]);
    }
  g_array_append_val (self->eval_rows, *e);
  lw_line_plot_add_point (self->pareto_plot, _lw_reason_stage_title (e->stage), e->mean_steps,
                          100.0 * e->accuracy);
}

/* Progress, on the main thread */

static void
drain (LwReasonEvalJob *job)
{
  LwReasonPage *self = job->page;
  g_autoptr (GArray) rows = NULL;
  guint config, done, total = job->n * job->seeds * job->n_configs;
  g_autofree char *text = NULL;

  g_mutex_lock (&job->lock);
  rows = job->new_rows;
  job->new_rows = g_array_new (FALSE, FALSE, sizeof (LwReasonEval));
  job->idle_queued = FALSE;
  config = MIN (job->config, job->n_configs - 1);
  done = job->done;
  g_mutex_unlock (&job->lock);

  if (self == NULL || self->disposed || self->eval != job)
    return;
  for (guint i = 0; i < rows->len; i++)
    add_row (self, &g_array_index (rows, LwReasonEval, i));
  if (lw_reason_stage_is_latent (job->stage[config]))
    /* Translators: evaluation progress: method, compression factor, runs done, runs in all */
    text = g_strdup_printf (_("%s, c = %u · %u of %u runs"), _lw_reason_stage_title (job->stage[config]),
                            job->speed[config], done, total);
  else
    /* Translators: evaluation progress: method, runs done, runs in all */
    text = g_strdup_printf (_("%s · %u of %u runs"), _lw_reason_stage_title (job->stage[config]), done,
                            total);
  gtk_progress_bar_set_fraction (self->eval_progress, total ? (double) done / total : 0);
  gtk_progress_bar_set_text (self->eval_progress, text);
}

static gboolean
drain_idle_cb (gpointer data)
{
  drain (data);
  return G_SOURCE_REMOVE;
}

static void
queue_drain (LwReasonEvalJob *job)
{
  /* under lock */
  if (!job->idle_queued)
    {
      job->idle_queued = TRUE;
      g_idle_add_full (G_PRIORITY_LOW, drain_idle_cb, job_ref (job), (GDestroyNotify) job_unref);
    }
}

/* The worker */

typedef struct
{
  LwReasonEvalJob *job;
  guint            base;   /* runs done before this configuration */
} Progress;

static gboolean
on_eval_progress_cb (guint    done,
                     guint    total,
                     gpointer user_data)
{
  Progress *p = user_data;

  g_mutex_lock (&p->job->lock);
  p->job->done = p->base + done;
  queue_drain (p->job);
  g_mutex_unlock (&p->job->lock);
  return !g_cancellable_is_cancelled (p->job->cancellable);
}

static void
eval_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LwReasonEvalJob *job = task_data;
  LwReasoner *models[LW_REASON_N_STAGES] = { NULL };
  g_autoptr (GError) error = NULL;
  gboolean ok = TRUE;

  for (guint i = 0; i < job->n_configs && ok; i++)
    {
      LwReasonStage s = job->stage[i];
      Progress p = { job, i * job->n * job->seeds };
      LwReasonGenConfig gen = job->gen;
      LwReasonEval e;

      /* a copy of its own: the page's models answer the page's questions meanwhile */
      if (models[s] == NULL)
        models[s] = lw_reasoner_load (job->models->path[s], &error);
      if (models[s] == NULL)
        {
          ok = FALSE;
          break;
        }
      g_mutex_lock (&job->lock);
      job->config = i;
      g_mutex_unlock (&job->lock);
      gen.speed = job->speed[i];
      ok = lw_reasoner_evaluate (models[s], job->models->test_set, job->n, job->seeds, &gen,
                                 on_eval_progress_cb, &p, cancellable, &e, &error);
      if (ok)
        {
          g_mutex_lock (&job->lock);
          g_array_append_val (job->new_rows, e);
          queue_drain (job);
          g_mutex_unlock (&job->lock);
        }
    }
  for (guint s = 0; s < LW_REASON_N_STAGES; s++)
    lw_reasoner_free (models[s]);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static char *
format_seconds (double seconds)
{
  if (seconds < 60)
    /* Translators: a duration in seconds */
    return g_strdup_printf (_("%.1f s"), seconds);
  /* Translators: a duration in minutes and seconds */
  return g_strdup_printf (_("%u min %02u s"), (guint) seconds / 60, (guint) seconds % 60);
}

static void
on_eval_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (LwReasonEvalJob) job = user_data;
  g_autoptr (GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  LwReasonPage *self;
  g_autofree char *took = format_seconds ((g_get_monotonic_time () - job->started) / 1e6);
  g_autofree char *text = NULL;

  drain (job);
  self = job->page;
  if (self == NULL || self->disposed || self->eval != job)
    return;
  _lw_reason_page_detach_eval (self);
  if (ok)
    {
      /* Translators: evaluation finished: problems, seeds, how long it took */
      text = g_strdup_printf (_("Done: %u problems × %u seeds in %s"), job->n, job->seeds, took);
      gtk_progress_bar_set_fraction (self->eval_progress, 1.0);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    text = g_strdup (_("Cancelled; the rows above are complete"));
  else
    {
      /* Translators: %s says why the evaluation failed */
      text = g_strdup_printf (_("Evaluation failed: %s"), error->message);
      _lw_reason_page_toast (self, text);
    }
  gtk_progress_bar_set_text (self->eval_progress, text);
  _lw_reason_page_update_state (self);
}

gboolean
_lw_reason_page_start_eval (LwReasonPage *self,
                            GError      **error)
{
  g_autoptr (GTask) task = NULL;
  LwReasonEvalJob *job;
  g_autofree char *note = NULL;

  if (self->eval != NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_FAILED, _("an evaluation runs already"));
      return FALSE;
    }
  if (self->models == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_FAILED, _("the models are still loading"));
      return FALSE;
    }

  job = g_new0 (LwReasonEvalJob, 1);
  g_atomic_ref_count_init (&job->ref);
  g_mutex_init (&job->lock);
  job->page = self;
  job->cancellable = g_cancellable_new ();
  job->models = _lw_reason_models_ref (self->models);
  job->new_rows = g_array_new (FALSE, FALSE, sizeof (LwReasonEval));
  job->n = (guint) gtk_spin_button_get_value_as_int (self->eval_n_spin);
  job->n = CLAMP (job->n, 1, lw_reason_test_set_size (self->models->test_set));
  job->seeds = (guint) CLAMP (gtk_spin_button_get_value_as_int (self->eval_seeds_spin), 1, 100);
  _lw_reason_page_gen_config (self, &job->gen);
  for (guint s = 0; s < LW_REASON_N_STAGES; s++)
    {
      if (self->models->model[s] == NULL)
        continue;
      for (guint c = 1; c <= (lw_reason_stage_is_latent (s) ? LW_REASON_MAX_SPEED : 1); c++)
        {
          job->stage[job->n_configs] = s;
          job->speed[job->n_configs++] = c;
        }
    }
  if (job->n_configs == 0)
    {
      job_unref (job);
      g_set_error (error, LW_ERROR, LW_ERROR_FAILED, _("there is no model to evaluate"));
      return FALSE;
    }
  job->started = g_get_monotonic_time ();

  self->eval = job;
  reset_table (self);
  gtk_progress_bar_set_fraction (self->eval_progress, 0);
  gtk_progress_bar_set_text (self->eval_progress, _("Loading the models…"));
  /* Translators: what the evaluation covers and how sampling is set */
  note = g_strdup_printf (_("The first %u test problems, %u seeds each; latent temperature "
                            "%.2g, end of chain by %s, at most %u latents. Seeds only differ "
                            "when something is sampled."), job->n, job->seeds,
                          job->gen.latent_temperature,
                          job->gen.end_mode == LW_REASON_END_SAMPLE ? _("sampling")
                                                                     : _("argmax"),
                          job->gen.max_latent);
  gtk_label_set_text (self->eval_note_label, note);

  task = g_task_new (NULL, job->cancellable, on_eval_done_cb, job_ref (job));
  g_task_set_source_tag (task, _lw_reason_page_start_eval);
  g_task_set_task_data (task, job_ref (job), (GDestroyNotify) job_unref);
  g_task_run_in_thread (task, eval_thread);
  _lw_reason_page_update_state (self);
  return TRUE;
}

void
_lw_reason_page_cancel_eval (LwReasonPage *self)
{
  if (self->eval != NULL)
    g_cancellable_cancel (self->eval->cancellable);
}

void
_lw_reason_page_detach_eval (LwReasonPage *self)
{
  LwReasonEvalJob *job = g_steal_pointer (&self->eval);

  if (job == NULL)
    return;
  g_cancellable_cancel (job->cancellable);
  job->page = NULL;
  job_unref (job);
}
