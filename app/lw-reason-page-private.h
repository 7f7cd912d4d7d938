/* lw-reason-page-private.h — what the reasoning page's files share: its state, the models it
 * found, and internal calls
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * lw-reason-page.c       state, the models on show, the question and settings, actions,
 *                        public API
 * lw-reason-page-models.c  finding and loading the checkpoints, their descriptions
 * lw-reason-page-run.c   a run: the worker answering one question with every model, the two
 *                        chains and the latent inspector
 * lw-reason-page-eval.c  evaluation over the test set: the worker, progress, table and plot
 * lw-reason-page-curves.c the Training view: a model's recorded training curves
 */
#pragma once

#include "lw-reason-page.h"

G_BEGIN_DECLS

/* The checkpoints found, shared (read-only once made) by the page and its workers. A run
 * worker uses the loaded models; only one run is in flight at a time, so a model is never
 * used by two threads. Evaluation loads its own copies from the paths. */
typedef struct
{
  gatomicrefcount  ref;
  char            *folders;                   /* where the page looked, for messages */
  char            *path[LW_REASON_N_STAGES];  /* nullable: not found */
  char            *error[LW_REASON_N_STAGES]; /* nullable: found but not loadable */
  LwReasoner      *model[LW_REASON_N_STAGES]; /* nullable */
  LwReasonTestSet *test_set;
} LwReasonModels;

/* lw-reason-page-models.c */
LwReasonModels *_lw_reason_models_ref   (LwReasonModels *models);
void            _lw_reason_models_unref (LwReasonModels *models);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwReasonModels, _lw_reason_models_unref)
/* A GTaskThreadFunc: finds and loads the models; returns an LwReasonModels */
void            _lw_reason_models_load_thread (GTask        *task,
                                               gpointer      source_object,
                                               gpointer      task_data,
                                               GCancellable *cancellable);
/* "CoT", "No-CoT", "CoLaR" (translated) */
const char     *_lw_reason_stage_title  (LwReasonStage stage);
/* What to do about a missing model: the command that trains one */
char           *_lw_reason_missing_text (LwReasonStage stage);
/* How a loaded model was trained, from its metadata (or why it is not loaded) */
char           *_lw_reason_models_details (LwReasonModels *models,
                                           LwReasonStage   stage);

typedef struct _LwReasonEvalJob LwReasonEvalJob;

struct _LwReasonPage
{
  GtkWidget           parent_instance;

  /* template children */
  GtkStack           *result_stack;
  AdwActionRow       *model_rows[LW_REASON_N_STAGES];
  GtkLabel           *model_details[LW_REASON_N_STAGES];
  GtkWidget          *model_buttons[LW_REASON_N_STAGES];
  GtkLabel           *folder_label;
  AdwComboRow        *source_row;
  GtkSpinButton      *index_spin;
  GtkEntry           *question_entry;
  GtkLabel           *question_error_label;
  GtkScale           *speed_scale;
  GtkSpinButton      *temperature_spin;
  AdwComboRow        *end_row;
  GtkSpinButton      *max_steps_spin;
  GtkSpinButton      *seed_spin;
  GtkSpinButton      *eval_n_spin;
  GtkSpinButton      *eval_seeds_spin;
  GtkLabel           *question_label;
  GtkLabel           *reference_label;
  GtkLabel           *cot_title;
  GtkLabel           *cot_chain_label;
  GtkLabel           *cot_stats_label;
  GtkLabel           *cot_answer_label;
  GtkLabel           *latent_title;
  GtkScrolledWindow  *latent_scroller;
  GtkLabel           *latent_stats_label;
  GtkLabel           *latent_answer_label;
  GtkLabel           *nocot_answer_label;
  GtkProgressBar     *eval_progress;
  GtkButton          *eval_cancel_button;
  GtkGrid            *eval_grid;
  LwLinePlot         *pareto_plot;
  GtkLabel           *eval_note_label;
  GtkSpinner         *spinner;
  GtkDropDown        *latent_model_dropdown;
  GtkDropDown        *curve_model_dropdown;
  GtkDropDown        *curve_field_dropdown;
  LwLinePlot         *curve_plot;
  GtkLabel           *curve_note_label;

  GSettings          *settings;        /* nullable: no schema */

  GSimpleActionGroup *actions;
  gboolean            disposed;
  gboolean            syncing;         /* setting controls from code */

  /* models */
  LwReasonModels     *models;          /* nullable: still looking */
  GCancellable       *models_cancellable;
  char               *status[LW_REASON_N_STAGES];
  gboolean            auto_ran;        /* the first question ran once the models came */

  /* question */
  char               *question_error;  /* nullable */

  /* runs */
  gboolean            run_in_flight;
  gboolean            run_pending;
  gboolean            has_result;      /* a run is on show: setting changes re-run it */
  LwReasonRun        *shown[LW_REASON_N_STAGES]; /* nullable */
  GPtrArray          *chunks;          /* char *: the latent rows' chunks */
  char               *cot_chain;

  /* evaluation */
  LwReasonEvalJob    *eval;            /* nullable: the current one */
  GArray             *eval_rows;       /* LwReasonEval */

  gboolean            busy;
  gboolean            evaluating;

  /* training curves: the stage and field wanted (saved), the models and fields listed */
  LwReasonStage       curve_stage;
  char               *curve_field;
  LwReasonStage       curve_stages[LW_REASON_N_STAGES];
  guint               n_curve_stages;
  GPtrArray          *curve_fields;    /* char *: the field dropdown's names */
  gboolean            curve_syncing;
  char               *curve_shown;     /* nullable: the field on the plot */
};

/* lw-reason-page.c */
void     _lw_reason_page_toast          (LwReasonPage *self,
                                         const char   *text);
void     _lw_reason_page_update_state   (LwReasonPage *self);
/* The settings on show, c included */
void     _lw_reason_page_gen_config     (LwReasonPage      *self,
                                         LwReasonGenConfig *gen);

/* The latent model a run shows: the one chosen when both are loaded, else the one there is */
LwReasonStage _lw_reason_page_latent_stage (LwReasonPage *self);

/* lw-reason-page-curves.c */
/* The models' curves after (re)loading them, and the view in its initial state */
void     _lw_reason_page_show_curves    (LwReasonPage *self);
void     _lw_reason_page_curves_init    (LwReasonPage *self);
void     _lw_reason_page_on_curve_model_changed (LwReasonPage *self);
void     _lw_reason_page_on_curve_field_changed (LwReasonPage *self);

/* lw-reason-page-run.c */
/* Starts answering the question on show (or queues it behind the run in flight) */
void     _lw_reason_page_request_run    (LwReasonPage *self);
/* Empties the chains and the inspector */
void     _lw_reason_page_clear_run      (LwReasonPage *self);

/* lw-reason-page-eval.c */
gboolean _lw_reason_page_start_eval     (LwReasonPage *self,
                                         GError      **error);
void     _lw_reason_page_cancel_eval    (LwReasonPage *self);
/* Drops the page's evaluation, which then no longer reports to it */
void     _lw_reason_page_detach_eval    (LwReasonPage *self);

G_END_DECLS
