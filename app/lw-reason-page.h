/* lw-reason-page.h — the reasoning page: an explicit chain of thought next to CoLaR's
 * compressed latent chain, each latent inspected, and test-set evaluation of every method
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The page finds the CoT, no-CoT and CoLaR checkpoints (reason-{cot,nocot,colar}.safetensors)
 * in $LW_REASON_MODELS when that is set (and only there), else in the bundled data folders'
 * models/ and then in ~/.local/share/latent-workbench/reason/; it works with any subset and
 * says which are missing. A question comes from the held-out test set or is typed in the
 * template language. Runs and evaluations happen on worker threads; commands are actions in a
 * group the window inserts under the prefix "reason"; messages go out through "toast".
 */
#pragma once

#include <adwaita.h>

#include "lw-line-plot.h"
#include "lw-reasoner.h"

G_BEGIN_DECLS

#define LW_TYPE_REASON_PAGE (lw_reason_page_get_type ())
G_DECLARE_FINAL_TYPE (LwReasonPage, lw_reason_page, LW, REASON_PAGE, GtkWidget)

GtkWidget          *lw_reason_page_new               (void);
/* (transfer none): the page's actions, for the window to insert as "reason" */
GActionGroup       *lw_reason_page_get_actions       (LwReasonPage *self);
/* Looks for the checkpoints again (in the background) */
void                lw_reason_page_reload_models     (LwReasonPage *self);
/* Loading models or running a question (property "busy") */
gboolean            lw_reason_page_get_busy          (LwReasonPage *self);
/* An evaluation is in progress (property "evaluating") */
gboolean            lw_reason_page_get_evaluating    (LwReasonPage *self);

/* Whether the stage's checkpoint was found and loaded */
gboolean            lw_reason_page_has_model         (LwReasonPage  *self,
                                                      LwReasonStage  stage);
/* (transfer none): what the page says about the stage's model (file and steps, or why it is
 * missing) */
const char         *lw_reason_page_get_model_status  (LwReasonPage  *self,
                                                      LwReasonStage  stage);

/* The question: a test problem (0…LW_REASONER_TEST_SIZE − 1) or typed text; either selects
 * its source. Neither runs anything. */
void                lw_reason_page_set_test_index    (LwReasonPage *self,
                                                      guint         index);
void                lw_reason_page_set_question_text (LwReasonPage *self,
                                                      const char   *text);
/* (nullable): why the typed text does not tokenise; NULL when it does */
const char         *lw_reason_page_get_question_error (LwReasonPage *self);
/* The compression factor c, 1…5 (re-runs the question on show) */
void                lw_reason_page_set_speed         (LwReasonPage *self,
                                                      guint         speed);
guint               lw_reason_page_get_speed         (LwReasonPage *self);
/* Test problems and seeds of the next evaluation */
void                lw_reason_page_set_eval_size     (LwReasonPage *self,
                                                      guint         n_problems,
                                                      guint         n_seeds);

/* (nullable) (transfer none): the stage's run on show */
const LwReasonRun  *lw_reason_page_get_run           (LwReasonPage  *self,
                                                      LwReasonStage  stage);
/* Inspector rows on show (one per latent of the CoLaR run) */
guint               lw_reason_page_get_n_latent_rows (LwReasonPage *self);
/* (transfer none): the chunk of the reference chain latent k stands for ("" past its end) */
const char         *lw_reason_page_get_latent_chunk  (LwReasonPage *self,
                                                      guint         k);
/* (transfer none) (nullable): the CoT model's chain on show */
const char         *lw_reason_page_get_cot_chain     (LwReasonPage *self);
/* (transfer none): the evaluation table's rows so far */
const LwReasonEval *lw_reason_page_get_eval_rows     (LwReasonPage *self,
                                                      guint        *n_rows);
/* (transfer none): the accuracy-against-#L plot */
LwLinePlot         *lw_reason_page_get_pareto_plot   (LwReasonPage *self);

/* The latent model a run shows beside CoT when both CoLaR and RL are loaded (colar or rl;
 * saved in the settings) */
void                lw_reason_page_set_latent_stage  (LwReasonPage  *self,
                                                      LwReasonStage  stage);
/* Training view: the model and the curve field ("loss", "ce", "reward"…) to plot; kept as
 * the wish (and saved) when that model or field is not there */
void                lw_reason_page_set_curve         (LwReasonPage  *self,
                                                      LwReasonStage  stage,
                                                      const char    *field);
/* (transfer none) (nullable): the field on the training plot; NULL when the chosen model has
 * no curve or is not loaded */
const char         *lw_reason_page_get_curve_field   (LwReasonPage *self);
/* (transfer none): the training-curve plot */
LwLinePlot         *lw_reason_page_get_curve_plot    (LwReasonPage *self);
/* The view shown: "run", "evaluation" or "training" */
const char         *lw_reason_page_get_view          (LwReasonPage *self);

G_END_DECLS
