/* lw-reason-page-run.c — a run of the reasoning page: one question answered by every model
 * found, the explicit chain of thought beside CoLaR's latent chain with an inspector row per
 * latent, and each model's answer
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One run is in flight at a time and it uses the page's loaded models, which nothing else
 * touches meanwhile; a request made while one runs is remembered and started when it returns,
 * so a slider dragged across c costs at most one stale run. The worker gets a copy of the
 * question and the settings and hands back plain structs; widgets are only built here, on the
 * main thread.
 *
 * A latent stands for a chunk of the reference chain: latent j (from 0) is fed where CoLaR's
 * training put group j + 1 of the chain "### steps" merged at factor c (lw-colar.h), so its
 * chunk is lw_colar_group_tokens (…, j + 1). For a test problem the reference chain is the
 * problem's own; for a typed question it is the CoT model's chain, when there is one.
 */
#define G_LOG_DOMAIN "lw-reason-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "lw-colar.h"
#include "lw-reason-page-private.h"

typedef struct
{
  GWeakRef           page;
  LwReasonModels    *models;
  LwReasonGenConfig  gen;
  GArray            *question;                     /* LwReasonToken */
  gboolean           typed;
  int                index;                        /* test problem, −1 if none matched */
  LwReasonProblem    problem;                      /* valid when index ≥ 0 */
  LwReasonRun       *runs[LW_REASON_N_STAGES];     /* nullable */
  char              *errors[LW_REASON_N_STAGES];   /* nullable */
  LwReasonToken      chain[LW_REASON_RUN_MAX];     /* the reference chain, ### first */
  guint              n_chain;
  gboolean           chain_from_cot;
  LwReasonStage      latent_stage;                 /* the latent model on show: colar or rl */
} RunJob;

static void
run_job_free (RunJob *job)
{
  g_weak_ref_clear (&job->page);
  g_clear_pointer (&job->models, _lw_reason_models_unref);
  g_array_unref (job->question);
  for (guint s = 0; s < LW_REASON_N_STAGES; s++)
    {
      g_free (job->runs[s]);
      g_free (job->errors[s]);
    }
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RunJob, run_job_free)

/* The tokens a token model generated between the prompt's ### and the next one */
static guint
generated_chain (const LwReasonRun *run,
                 const LwReasonToken **start)
{
  guint n = 0;

  *start = run->ids + run->n_prompt;
  while (run->n_prompt + n < run->n_ids && run->ids[run->n_prompt + n] != LW_REASON_TOK_SEP)
    n++;
  return n;
}

/* The worker */

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  RunJob *job = task_data;
  const LwReasonTestSet *set = job->models->test_set;

  /* A typed question that is a test problem has that problem's chain and answer */
  if (job->typed)
    {
      g_autofree char *text = lw_reason_detokenize ((const LwReasonToken *) job->question->data,
                                                    job->question->len);
      for (guint i = 0; i < lw_reason_test_set_size (set) && job->index < 0; i++)
        {
          g_autofree char *other = lw_reason_question_text (lw_reason_test_set_get (set, i));
          if (strcmp (text, other) == 0)
            {
              job->index = (int) i;
              job->problem = *lw_reason_test_set_get (set, i);
            }
        }
    }
  for (guint s = 0; s < LW_REASON_N_STAGES; s++)
    {
      g_autoptr (GError) error = NULL;

      if (job->models->model[s] == NULL)
        continue;
      job->runs[s] = g_new0 (LwReasonRun, 1);
      if (!lw_reasoner_run (job->models->model[s], (const LwReasonToken *) job->question->data,
                            job->question->len, &job->gen, job->runs[s], &error))
        {
          job->errors[s] = g_strdup (error->message);
          g_clear_pointer (&job->runs[s], g_free);
        }
    }
  job->chain[0] = LW_REASON_TOK_SEP;
  if (job->index >= 0)
    job->n_chain = 1 + lw_reason_steps_tokens (&job->problem, job->chain + 1,
                                               G_N_ELEMENTS (job->chain) - 1);
  else if (job->runs[LW_REASON_STAGE_COT] != NULL)
    {
      const LwReasonToken *start;
      guint n = generated_chain (job->runs[LW_REASON_STAGE_COT], &start);

      n = MIN (n, G_N_ELEMENTS (job->chain) - 1);
      memcpy (job->chain + 1, start, n * sizeof (LwReasonToken));
      job->n_chain = 1 + n;
      job->chain_from_cot = TRUE;
    }
  g_task_return_boolean (task, TRUE);
}

/* Showing a run */

static void
set_answer (GtkLabel          *label,
            const LwReasonRun *run,
            const RunJob      *job)
{
  g_autofree char *text = NULL;
  const char *css = NULL;

  gtk_widget_remove_css_class (GTK_WIDGET (label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
  if (!run->answered)
    {
      text = g_strdup (_("No well-formed answer"));
      css = "error";
    }
  else
    {
      g_autofree char *answer = g_strdup_printf ("%" G_GUINT64_FORMAT, run->answer);
      if (job->index < 0)
        /* Translators: a model's answer to a typed question, with nothing to check it against */
        text = g_strdup_printf (_("Answer %s (no reference for a typed question)"), answer);
      else if (run->answer == job->problem.answer)
        {
          /* Translators: a model's answer, which is right */
          text = g_strdup_printf (_("Answer %s — right"), answer);
          css = "success";
        }
      else
        {
          /* Translators: a model's answer, which is wrong, then the right one */
          text = g_strdup_printf (_("Answer %s — wrong (the answer is %u)"), answer,
                                  job->problem.answer);
          css = "error";
        }
    }
  if (css != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (label), css);
  gtk_label_set_text (label, text);
}

static char *
run_stats (const LwReasonRun *run,
           gboolean           latent)
{
  /* Translators: #L is the chain length; the number of latents fed, or tokens written */
  g_autofree char *length = latent ? g_strdup_printf (ngettext ("#L = %u latent",
                                                                "#L = %u latents", run->n_latent),
                                                      run->n_latent)
                                   : g_strdup_printf (ngettext ("#L = %u token",
                                                                "#L = %u tokens", run->n_latent),
                                                      run->n_latent);

  /* Translators: chain length, forward passes of the model, wall time */
  return g_strdup_printf (_("%s · %u forward passes · %.1f ms"), length, run->forward_passes,
                          run->ms);
}

static GtkWidget *
cell (GtkGrid    *grid,
      const char *text,
      int         column,
      int         row,
      const char *css)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column >= 3 && column != 4 ? 1.0f : 0.0f);
  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  if (css != NULL)
    gtk_widget_add_css_class (label, css);
  gtk_grid_attach (grid, label, column, row, 1, 1);
  return label;
}

static const char *
token_text (LwReasonToken id)
{
  const char *text = lw_reason_token_text (id);

  return text != NULL ? text : "<?>";
}

/* A chunk of a chain as it reads inside the steps: "<<23-", "5=18>> <<18" */
static char *
chunk_text (const LwReasonToken *ids,
            guint                n)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      if (i > 0 && (ids[i] == LW_REASON_TOK_OPEN || ids[i] == LW_REASON_TOK_SEP ||
                    ids[i - 1] == LW_REASON_TOK_SEP))
        g_string_append_c (out, ' ');
      g_string_append (out, token_text (ids[i]));
    }
  return g_string_free (out, FALSE);
}

/* ".53", "1.0": a probability in three characters, so the row stays narrow */
static char *
short_probability (float p)
{
  if (p >= 0.995f)
    return g_strdup ("1.0");
  return g_strdup_printf (".%02d", (int) (p * 100.0f + 0.5f));
}

/* One row per latent: #, the chunk it stands for, the LM head's top-3, p(end), the nearest
 * vocabulary embeddings, ‖μ‖ and mean σ */
static GtkWidget *
build_inspector (LwReasonPage      *self,
                 const LwReasonRun *run,
                 const RunJob      *job)
{
  GtkGrid *grid = GTK_GRID (gtk_grid_new ());
  const char *heads[] = {
    /* Translators: inspector column headings: latent number, the reference tokens it stands
     * for, the LM head's three likeliest tokens, probability of ending the chain, the
     * vocabulary embeddings closest to it, its mean's norm, its mean σ */
    _("#"), _("Stands for"), _("LM head top-3"), _("p(end)"), _("Nearest"),
    _("‖μ‖"), _("mean σ"),
  };
  const char *tips[] = {
    NULL,
    _("The chunk of the reference chain this latent replaces: c tokens at compression factor c"),
    _("What the LM head predicts at this latent (CoLaR trains it on a token of the next chunk)"),
    _("Probability of ### (the end of the chain) at this latent"),
    _("Vocabulary embeddings most similar (cosine) to the latent fed to the model"),
    _("Norm of the latent head’s mean, in embedding units"),
    _("Mean of the latent head’s σ over dimensions, in embedding units"),
  };

  gtk_grid_set_column_spacing (grid, 10);
  gtk_grid_set_row_spacing (grid, 3);
  gtk_widget_add_css_class (GTK_WIDGET (grid), "inspector");
  for (guint i = 0; i < G_N_ELEMENTS (heads); i++)
    gtk_widget_set_tooltip_text (cell (grid, heads[i], i, 0, "caption-heading"), tips[i]);
  for (guint k = 0; k < run->n_latent; k++)
    {
      const LwReasonLatentStep *step = &run->latent[k];
      LwReasonToken group[LW_REASON_MAX_SPEED];
      guint n = job->n_chain ? lw_colar_group_tokens (job->chain, job->n_chain, run->speed,
                                                      k + 1, group)
                             : 0;
      g_autofree char *chunk = n > 0 ? chunk_text (group, n) : NULL;
      g_autofree char *p0 = short_probability (step->top_prob[0]);
      g_autofree char *p1 = short_probability (step->top_prob[1]);
      g_autofree char *p2 = short_probability (step->top_prob[2]);
      g_autofree char *number = g_strdup_printf ("%u", k + 1);
      g_autofree char *top = g_strdup_printf ("%s %s  %s %s  %s %s",
                                              token_text (step->top[0]), p0,
                                              token_text (step->top[1]), p1,
                                              token_text (step->top[2]), p2);
      g_autofree char *p_end = g_strdup_printf ("%.2f", step->p_end);
      g_autofree char *nearest = g_strdup_printf ("%s · %s · %s · %s",
                                                  token_text (step->nearest[0]),
                                                  token_text (step->nearest[1]),
                                                  token_text (step->nearest[2]),
                                                  token_text (step->nearest[3]));
      g_autofree char *cosines = g_strdup_printf (_("cosine %.2f, %.2f, %.2f, %.2f"),
                                                  step->nearest_cos[0], step->nearest_cos[1],
                                                  step->nearest_cos[2], step->nearest_cos[3]);
      g_autofree char *mu = g_strdup_printf ("%.2f", step->mu_norm);
      g_autofree char *sigma = g_strdup_printf ("%.3f", step->sigma_mean);
      GtkWidget *w;

      cell (grid, number, 0, k + 1, "dim-label");
      w = cell (grid, chunk ? chunk : "—", 1, k + 1, "monospace");
      if (chunk == NULL)
        {
          gtk_widget_add_css_class (w, "dim-label");
          gtk_widget_set_tooltip_text (w, _("Past the end of the reference chain"));
        }
      cell (grid, top, 2, k + 1, "monospace");
      w = cell (grid, p_end, 3, k + 1, "numeric");
      if (step->end)
        {
          gtk_widget_add_css_class (w, "accent");
          gtk_widget_set_tooltip_text (w, _("The chain ended here"));
        }
      w = cell (grid, nearest, 4, k + 1, "monospace");
      gtk_widget_set_tooltip_text (w, cosines);
      cell (grid, mu, 5, k + 1, "numeric");
      cell (grid, sigma, 6, k + 1, "numeric");
      g_ptr_array_add (self->chunks, g_strdup (chunk ? chunk : ""));
    }
  return GTK_WIDGET (grid);
}

static void
show_placeholder (GtkScrolledWindow *scroller,
                  const char        *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_label_set_yalign (GTK_LABEL (label), 0.0f);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_scrolled_window_set_child (scroller, label);
}

static void
show_run (LwReasonPage *self,
          RunJob       *job)
{
  const LwReasonRun *cot = job->runs[LW_REASON_STAGE_COT];
  const LwReasonRun *colar = job->runs[job->latent_stage];
  const LwReasonRun *nocot = job->runs[LW_REASON_STAGE_NO_COT];
  g_autofree char *question = lw_reason_detokenize ((const LwReasonToken *) job->question->data,
                                                    job->question->len);
  g_autofree char *reference = NULL;
  g_autofree char *title = NULL;

  _lw_reason_page_clear_run (self);
  self->has_result = TRUE;
  for (guint s = 0; s < LW_REASON_N_STAGES; s++)
    self->shown[s] = g_steal_pointer (&job->runs[s]);

  gtk_label_set_text (self->question_label, question);
  if (job->index >= 0)
    {
      g_autofree char *steps = lw_reason_steps_text (&job->problem);
      /* Translators: the test problem's number, its reference chain and answer */
      reference = g_strdup_printf (_("Test problem %d · reference chain %s · answer %u"),
                                   job->index, steps, job->problem.answer);
    }
  else if (job->chain_from_cot)
    reference = g_strdup (_("A typed question, not in the test set: no reference answer; the "
                            "chunks each latent stands for are cut from the CoT model’s chain"));
  else
    reference = g_strdup (_("A typed question, not in the test set: no reference answer or "
                            "chain"));
  gtk_label_set_text (self->reference_label, reference);

  /* The explicit chain */
  if (cot != NULL)
    {
      const LwReasonToken *start;
      guint n = generated_chain (cot, &start);
      g_autofree char *stats = run_stats (cot, FALSE);

      self->cot_chain = lw_reason_detokenize (start, n);
      gtk_label_set_text (self->cot_chain_label, n > 0 ? self->cot_chain : _("(empty chain)"));
      gtk_widget_remove_css_class (GTK_WIDGET (self->cot_chain_label), "dim-label");
      gtk_label_set_text (self->cot_stats_label, stats);
      set_answer (self->cot_answer_label, cot, job);
    }
  else
    gtk_label_set_text (self->cot_chain_label,
                        job->errors[LW_REASON_STAGE_COT] ? job->errors[LW_REASON_STAGE_COT]
                                                         : _("No CoT model: see Models"));

  /* The latent chain */
  /* Translators: the latent model's name (CoLaR, CoLaR + RL) and the compression factor */
  title = g_strdup_printf (_("Latent chain (%s model, c = %u)"),
                           _lw_reason_stage_title (job->latent_stage), job->gen.speed);
  gtk_label_set_text (self->latent_title, title);
  if (colar != NULL)
    {
      g_autofree char *stats = run_stats (colar, TRUE);

      gtk_scrolled_window_set_child (self->latent_scroller, build_inspector (self, colar, job));
      if (cot != NULL && cot->n_latent > 0)
        {
          /* Translators: the latent chain's length against the explicit chain's */
          g_autofree char *with = g_strdup_printf (_("%s · %.0f %% shorter than the CoT chain"),
                                                   stats, 100.0 * (1.0 - (double) colar->n_latent
                                                                   / cot->n_latent));
          gtk_label_set_text (self->latent_stats_label, with);
        }
      else
        gtk_label_set_text (self->latent_stats_label, stats);
      set_answer (self->latent_answer_label, colar, job);
    }
  else
    show_placeholder (self->latent_scroller,
                      job->errors[job->latent_stage] ? job->errors[job->latent_stage]
                                                     : _("No CoLaR model: see Models"));

  if (nocot != NULL)
    {
      g_autofree char *text = NULL;
      set_answer (self->nocot_answer_label, nocot, job);
      /* Translators: the no-CoT baseline's answer line */
      text = g_strdup_printf (_("No-CoT baseline: %s"), gtk_label_get_text (self->nocot_answer_label));
      gtk_label_set_text (self->nocot_answer_label, text);
    }
  else
    gtk_label_set_text (self->nocot_answer_label, _("No-CoT baseline: no model"));
}

void
_lw_reason_page_clear_run (LwReasonPage *self)
{
  GtkLabel *labels[] = { self->cot_stats_label, self->cot_answer_label,
                         self->latent_stats_label, self->latent_answer_label,
                         self->nocot_answer_label };

  for (guint s = 0; s < LW_REASON_N_STAGES; s++)
    g_clear_pointer (&self->shown[s], g_free);
  g_ptr_array_set_size (self->chunks, 0);
  g_clear_pointer (&self->cot_chain, g_free);
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      gtk_label_set_text (labels[i], "");
      gtk_widget_remove_css_class (GTK_WIDGET (labels[i]), "success");
      gtk_widget_remove_css_class (GTK_WIDGET (labels[i]), "error");
    }
  gtk_label_set_text (self->cot_chain_label, "");
  gtk_widget_add_css_class (GTK_WIDGET (self->cot_chain_label), "dim-label");
  show_placeholder (self->latent_scroller, "");
}

static void
on_run_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (RunJob) job = user_data;
  g_autoptr (LwReasonPage) self = g_weak_ref_get (&job->page);

  if (self == NULL || self->disposed)
    return;
  self->run_in_flight = FALSE;
  /* the models may have been looked for again meanwhile: the result still stands */
  show_run (self, job);
  if (self->run_pending)
    {
      self->run_pending = FALSE;
      _lw_reason_page_request_run (self);
    }
  _lw_reason_page_update_state (self);
}

void
_lw_reason_page_request_run (LwReasonPage *self)
{
  g_autoptr (GTask) task = NULL;
  RunJob *job;
  gboolean any = FALSE;

  if (self->disposed || self->models == NULL)
    return;
  for (guint s = 0; s < LW_REASON_N_STAGES; s++)
    any |= self->models->model[s] != NULL;
  if (!any)
    return;
  if (self->run_in_flight)
    {
      self->run_pending = TRUE;
      return;
    }

  job = g_new0 (RunJob, 1);
  g_weak_ref_init (&job->page, self);
  job->question = g_array_new (FALSE, FALSE, sizeof (LwReasonToken));
  job->index = -1;
  if (adw_combo_row_get_selected (self->source_row) == 0)
    {
      guint index = (guint) gtk_spin_button_get_value_as_int (self->index_spin);
      job->index = (int) MIN (index, lw_reason_test_set_size (self->models->test_set) - 1);
      job->problem = *lw_reason_test_set_get (self->models->test_set, (guint) job->index);
      g_array_append_vals (job->question, job->problem.question, job->problem.n_question);
    }
  else
    {
      const char *text = gtk_editable_get_text (GTK_EDITABLE (self->question_entry));

      job->typed = TRUE;
      if (self->question_error != NULL ||
          !lw_reason_tokenize (text, job->question, NULL, NULL) || job->question->len == 0)
        {
          _lw_reason_page_toast (self, self->question_error
                                       ? self->question_error
                                       : _("Type a question in the template language first"));
          run_job_free (job);
          return;
        }
    }
  job->models = _lw_reason_models_ref (self->models);
  _lw_reason_page_gen_config (self, &job->gen);
  job->latent_stage = _lw_reason_page_latent_stage (self);

  self->run_in_flight = TRUE;
  task = g_task_new (NULL, NULL, on_run_done_cb, job);
  g_task_set_source_tag (task, _lw_reason_page_request_run);
  g_task_set_task_data (task, job, NULL);
  g_task_run_in_thread (task, run_thread);
  _lw_reason_page_update_state (self);
}
