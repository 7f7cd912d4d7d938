/* lw-reason-page.c — the reasoning page: models, question, settings, actions
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This file holds the page's state, shows the checkpoints that lw-reason-page-models.c finds
 * and loads on a worker (three small files and the 500-problem test set, still nothing for the
 * main thread to wait on), reads the question and the settings, and owns the actions. A run (lw-reason-page-run.c) answers the
 * question with every model found; an evaluation (lw-reason-page-eval.c) scores every method
 * over the test set. Once a run is on show, any change of the settings or the test problem
 * answers again, so the inspector always matches the controls.
 */
#define G_LOG_DOMAIN "lw-reason-page"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "lw-error.h"
#include "lw-reason-page-private.h"
#include "lw-settings.h"

G_DEFINE_FINAL_TYPE (LwReasonPage, lw_reason_page, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_BUSY, PROP_EVALUATING, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIGNAL_TOAST, N_SIGNALS };
static guint signals[N_SIGNALS];

void
_lw_reason_page_toast (LwReasonPage *self,
                       const char   *text)
{
  g_debug ("%s", text);
  g_signal_emit (self, signals[SIGNAL_TOAST], 0, text);
}

/* Models */

static void
show_models (LwReasonPage *self)
{
  LwReasonModels *models = self->models;

  for (guint s = 0; s < LW_REASON_N_STAGES; s++)
    {
      g_autofree char *markup = NULL;
      g_autofree char *details = NULL;
      char *text;

      if (models == NULL)
        text = g_strdup (_("Looking for the model…"));
      else if (models->model[s] != NULL)
        {
          g_autofree char *name = g_path_get_basename (models->path[s]);
          g_autofree char *steps = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                                    lw_reasoner_steps_trained (models->model[s]));
          /* Translators: a model file's name and the training steps it had */
          text = g_strdup_printf (_("%s · %s training steps"), name, steps);
        }
      else if (models->path[s] != NULL)
        {
          g_autofree char *name = g_path_get_basename (models->path[s]);
          /* Translators: a model file's name and why it could not be loaded */
          text = g_strdup_printf (_("Could not load %s: %s"), name, models->error[s]);
        }
      else
        text = _lw_reason_missing_text (s);
      g_free (self->status[s]);
      self->status[s] = text;
      markup = g_markup_escape_text (text, -1);
      adw_action_row_set_subtitle (self->model_rows[s], markup);
      /* missing is a warning (the page works without it), unloadable an error */
      gtk_widget_remove_css_class (GTK_WIDGET (self->model_rows[s]), "warning");
      gtk_widget_remove_css_class (GTK_WIDGET (self->model_rows[s]), "error");
      if (models != NULL && models->model[s] == NULL)
        gtk_widget_add_css_class (GTK_WIDGET (self->model_rows[s]),
                                  models->path[s] != NULL ? "error" : "warning");
      details = models ? _lw_reason_models_details (models, s) : g_strdup ("");
      gtk_label_set_text (self->model_details[s], details);
      gtk_widget_set_visible (self->model_buttons[s], models != NULL && models->model[s] != NULL);
    }
  if (models != NULL)
    {
      /* Translators: %s is a list of folders, one per line */
      g_autofree char *text = g_strdup_printf (_("Looked in:\n%s"), models->folders);
      gtk_label_set_text (self->folder_label, text);
    }
}

/* The latent model to run beside CoT is a choice only when both are loaded */
static void
show_latent_choice (LwReasonPage *self)
{
  gboolean both = self->models != NULL && self->models->model[LW_REASON_STAGE_COLAR] != NULL &&
                  self->models->model[LW_REASON_STAGE_RL] != NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->latent_model_dropdown), both);
}

LwReasonStage
_lw_reason_page_latent_stage (LwReasonPage *self)
{
  LwReasonStage want = gtk_drop_down_get_selected (self->latent_model_dropdown) == 1
                         ? LW_REASON_STAGE_RL : LW_REASON_STAGE_COLAR;
  LwReasonStage other = want == LW_REASON_STAGE_RL ? LW_REASON_STAGE_COLAR : LW_REASON_STAGE_RL;

  if (self->models != NULL && self->models->model[want] == NULL &&
      self->models->model[other] != NULL)
    return other;
  return want;
}

static void
on_models_loaded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr (GCancellable) cancellable = user_data;
  LwReasonModels *models = g_task_propagate_pointer (G_TASK (result), NULL);
  LwReasonPage *self;

  if (g_cancellable_is_cancelled (cancellable))
    {
      if (models != NULL)
        _lw_reason_models_unref (models);
      return;
    }
  /* not cancelled: the page is alive and this is its newest request */
  self = LW_REASON_PAGE (source);
  g_clear_object (&self->models_cancellable);
  g_clear_pointer (&self->models, _lw_reason_models_unref);
  self->models = models;
  show_models (self);
  show_latent_choice (self);
  _lw_reason_page_show_curves (self);
  _lw_reason_page_update_state (self);
  /* A first answer on show, so the page says what it is about at once */
  if (!self->auto_ran || self->has_result)
    {
      self->auto_ran = TRUE;
      _lw_reason_page_request_run (self);
    }
}

/* Question */

static void
check_question (LwReasonPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->question_entry));
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (LwReasonToken));
  g_autoptr (GError) error = NULL;
  g_autoptr (PangoAttrList) attrs = pango_attr_list_new ();
  LwReasonSpan span = { 0, 0 };

  g_clear_pointer (&self->question_error, g_free);
  if (!lw_reason_tokenize (text, ids, &span, &error))
    {
      PangoAttribute *underline = pango_attr_underline_new (PANGO_UNDERLINE_ERROR);
      PangoAttribute *weight = pango_attr_weight_new (PANGO_WEIGHT_BOLD);

      underline->start_index = weight->start_index = (guint) span.offset;
      underline->end_index = weight->end_index = (guint) (span.offset + span.length);
      pango_attr_list_insert (attrs, underline);
      pango_attr_list_insert (attrs, weight);
      self->question_error = g_strdup (error->message);
    }
  gtk_entry_set_attributes (self->question_entry, attrs);
  gtk_label_set_text (self->question_error_label,
                      self->question_error ? self->question_error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->question_error_label), self->question_error != NULL);
}

static void
on_question_changed_cb (LwReasonPage *self)
{
  check_question (self);
  if (self->syncing)
    return;
  /* typing means asking one's own question */
  self->syncing = TRUE;
  adw_combo_row_set_selected (self->source_row, 1);
  self->syncing = FALSE;
}

static void
on_question_activate_cb (LwReasonPage *self)
{
  gtk_stack_set_visible_child_name (self->result_stack, "run");
  _lw_reason_page_request_run (self);
}

static void
on_setting_changed_cb (LwReasonPage *self)
{
  if (!self->syncing && self->has_result)
    _lw_reason_page_request_run (self);
}

static void
on_latent_model_changed_cb (LwReasonPage *self)
{
  if (self->settings != NULL && !self->syncing)
    g_settings_set_string (self->settings, "reason-latent-model",
                           gtk_drop_down_get_selected (self->latent_model_dropdown) == 1
                             ? "rl" : "colar");
  on_setting_changed_cb (self);
}

static void
on_end_mode_changed_cb (LwReasonPage *self)
{
  if (self->settings != NULL && !self->syncing)
    g_settings_set_string (self->settings, "reason-end-mode",
                           adw_combo_row_get_selected (self->end_row) == 1 ? "sample" : "argmax");
}

/* The knobs as they were left: numbers bound to their keys, choices restored and written back
 * on change */
static void
restore_settings (LwReasonPage *self)
{
  static const struct
  {
    const char *key;
    gsize       offset;
  } spins[] = {
    { "reason-latent-temperature", G_STRUCT_OFFSET (LwReasonPage, temperature_spin) },
    { "reason-max-latent", G_STRUCT_OFFSET (LwReasonPage, max_steps_spin) },
    { "reason-seed", G_STRUCT_OFFSET (LwReasonPage, seed_spin) },
    { "reason-eval-problems", G_STRUCT_OFFSET (LwReasonPage, eval_n_spin) },
    { "reason-eval-seeds", G_STRUCT_OFFSET (LwReasonPage, eval_seeds_spin) },
  };
  g_autofree char *end = NULL;
  g_autofree char *latent = NULL;

  self->settings = lw_settings_new ();
  if (self->settings == NULL)
    return;
  self->syncing = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (spins); i++)
    g_settings_bind (self->settings, spins[i].key,
                     G_STRUCT_MEMBER (GObject *, self, spins[i].offset), "value",
                     G_SETTINGS_BIND_DEFAULT | G_SETTINGS_BIND_NO_SENSITIVITY);
  g_settings_bind (self->settings, "reason-view", self->result_stack, "visible-child-name",
                   G_SETTINGS_BIND_DEFAULT | G_SETTINGS_BIND_NO_SENSITIVITY);
  g_settings_bind (self->settings, "reason-speed",
                   gtk_range_get_adjustment (GTK_RANGE (self->speed_scale)), "value",
                   G_SETTINGS_BIND_DEFAULT | G_SETTINGS_BIND_NO_SENSITIVITY);
  end = g_settings_get_string (self->settings, "reason-end-mode");
  adw_combo_row_set_selected (self->end_row, g_strcmp0 (end, "sample") == 0 ? 1 : 0);
  latent = g_settings_get_string (self->settings, "reason-latent-model");
  gtk_drop_down_set_selected (self->latent_model_dropdown, g_strcmp0 (latent, "rl") == 0);
  self->syncing = FALSE;
}

static void
on_index_changed_cb (LwReasonPage *self)
{
  if (self->syncing)
    return;
  /* choosing a problem means asking it */
  self->syncing = TRUE;
  adw_combo_row_set_selected (self->source_row, 0);
  self->syncing = FALSE;
  on_setting_changed_cb (self);
}

void
_lw_reason_page_gen_config (LwReasonPage      *self,
                            LwReasonGenConfig *gen)
{
  lw_reason_gen_config_init (gen);
  gen->speed = (guint) CLAMP (lround (gtk_range_get_value (GTK_RANGE (self->speed_scale))), 1,
                              LW_REASON_MAX_SPEED);
  gen->latent_temperature = gtk_spin_button_get_value (self->temperature_spin);
  gen->end_mode = adw_combo_row_get_selected (self->end_row) == 1 ? LW_REASON_END_SAMPLE
                                                                   : LW_REASON_END_ARGMAX;
  gen->max_latent = (guint) gtk_spin_button_get_value_as_int (self->max_steps_spin);
  gen->seed = (guint64) gtk_spin_button_get_value (self->seed_spin);
}

/* State and actions */

static gboolean
any_model (LwReasonPage *self)
{
  if (self->models == NULL)
    return FALSE;
  for (guint s = 0; s < LW_REASON_N_STAGES; s++)
    if (self->models->model[s] != NULL)
      return TRUE;
  return FALSE;
}

static void
set_enabled (LwReasonPage *self,
             const char   *name,
             gboolean      enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

void
_lw_reason_page_update_state (LwReasonPage *self)
{
  gboolean busy = self->models_cancellable != NULL || self->run_in_flight;
  gboolean evaluating = self->eval != NULL;
  gboolean shown;

  if (self->disposed)
    return;
  /* The keys are the application's, so the commands answer only while the page is on show
   * (Ctrl+E is the image page's plot export elsewhere) */
  shown = gtk_widget_get_mapped (GTK_WIDGET (self));
  set_enabled (self, "run", shown && any_model (self));
  set_enabled (self, "random", shown && self->models != NULL);
  set_enabled (self, "evaluate", shown && any_model (self) && !evaluating);
  set_enabled (self, "cancel-evaluation", evaluating);
  set_enabled (self, "reload-models", self->models_cancellable == NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->eval_cancel_button), evaluating);
  /* not while evaluating: the progress bar says it, and a spinning spinner keeps a loaded
   * main loop redrawing, which starves the low-priority idle that carries the progress */
  gtk_spinner_set_spinning (self->spinner, busy);
  if (busy != self->busy)
    {
      self->busy = busy;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }
  if (evaluating != self->evaluating)
    {
      self->evaluating = evaluating;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EVALUATING]);
    }
}

static void
run_action (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
  LwReasonPage *self = user_data;

  gtk_stack_set_visible_child_name (self->result_stack, "run");
  _lw_reason_page_request_run (self);
}

static void
random_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  LwReasonPage *self = user_data;

  self->syncing = TRUE;
  adw_combo_row_set_selected (self->source_row, 0);
  gtk_spin_button_set_value (self->index_spin, g_random_int_range (0, LW_REASONER_TEST_SIZE));
  self->syncing = FALSE;
  gtk_stack_set_visible_child_name (self->result_stack, "run");
  _lw_reason_page_request_run (self);
}

static void
evaluate_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  LwReasonPage *self = user_data;
  g_autoptr (GError) error = NULL;

  gtk_stack_set_visible_child_name (self->result_stack, "evaluation");
  if (!_lw_reason_page_start_eval (self, &error))
    {
      /* Translators: %s says why */
      g_autofree char *text = g_strdup_printf (_("Could not evaluate: %s"), error->message);
      _lw_reason_page_toast (self, text);
    }
}

static void
cancel_evaluation_action (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  _lw_reason_page_cancel_eval (user_data);
}

static void
reload_models_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  lw_reason_page_reload_models (user_data);
}

static const GActionEntry page_actions[] = {
  { "run", run_action, NULL, NULL, NULL, { 0 } },
  { "random", random_action, NULL, NULL, NULL, { 0 } },
  { "evaluate", evaluate_action, NULL, NULL, NULL, { 0 } },
  { "cancel-evaluation", cancel_evaluation_action, NULL, NULL, NULL, { 0 } },
  { "reload-models", reload_models_action, NULL, NULL, NULL, { 0 } },
};

/* GObject */

static void
lw_reason_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (lw_reason_page_parent_class)->map (widget);
  _lw_reason_page_update_state (LW_REASON_PAGE (widget));
}

static void
lw_reason_page_unmap (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (lw_reason_page_parent_class)->unmap (widget);
  _lw_reason_page_update_state (LW_REASON_PAGE (widget));
}

static void
lw_reason_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  LwReasonPage *self = LW_REASON_PAGE (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_EVALUATING:
      g_value_set_boolean (value, self->evaluating);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lw_reason_page_dispose (GObject *object)
{
  LwReasonPage *self = LW_REASON_PAGE (object);
  GtkWidget *child;

  self->disposed = TRUE;
  self->run_pending = FALSE;
  g_cancellable_cancel (self->models_cancellable);
  g_clear_object (&self->models_cancellable);
  _lw_reason_page_detach_eval (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), LW_TYPE_REASON_PAGE);
  /* the template's top widget is not a bound child, so dispose_template leaves it */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->models, _lw_reason_models_unref);
  g_clear_object (&self->actions);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (lw_reason_page_parent_class)->dispose (object);
}

static void
lw_reason_page_finalize (GObject *object)
{
  LwReasonPage *self = LW_REASON_PAGE (object);

  for (guint s = 0; s < LW_REASON_N_STAGES; s++)
    {
      g_free (self->shown[s]);
      g_free (self->status[s]);
    }
  g_clear_pointer (&self->chunks, g_ptr_array_unref);
  g_clear_pointer (&self->eval_rows, g_array_unref);
  g_free (self->cot_chain);
  g_free (self->question_error);
  g_free (self->curve_field);
  g_free (self->curve_shown);
  g_clear_pointer (&self->curve_fields, g_ptr_array_unref);
  G_OBJECT_CLASS (lw_reason_page_parent_class)->finalize (object);
}

static void
lw_reason_page_class_init (LwReasonPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const char *stages[LW_REASON_N_STAGES] = { "cot", "nocot", "colar", "rl" };

  object_class->get_property = lw_reason_page_get_property;
  object_class->dispose = lw_reason_page_dispose;
  object_class->finalize = lw_reason_page_finalize;
  widget_class->map = lw_reason_page_map;
  widget_class->unmap = lw_reason_page_unmap;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EVALUATING] =
    g_param_spec_boolean ("evaluating", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_TOAST] =
    g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (LW_TYPE_LINE_PLOT);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/latentworkbench/Workbench/ui/lw-reason-page.ui");
  for (guint s = 0; s < LW_REASON_N_STAGES; s++)
    {
      g_autofree char *row = g_strdup_printf ("%s_row", stages[s]);
      g_autofree char *details = g_strdup_printf ("%s_details", stages[s]);
      g_autofree char *button = g_strdup_printf ("%s_button", stages[s]);

      /* the names stay alive: the template keeps them for the class's lifetime */
      gtk_widget_class_bind_template_child_full (widget_class, g_intern_string (row), FALSE,
                                                 G_STRUCT_OFFSET (LwReasonPage, model_rows[s]));
      gtk_widget_class_bind_template_child_full (widget_class, g_intern_string (details), FALSE,
                                                 G_STRUCT_OFFSET (LwReasonPage, model_details[s]));
      gtk_widget_class_bind_template_child_full (widget_class, g_intern_string (button), FALSE,
                                                 G_STRUCT_OFFSET (LwReasonPage, model_buttons[s]));
    }
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, result_stack);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, folder_label);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, source_row);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, index_spin);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, question_entry);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, question_error_label);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, speed_scale);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, temperature_spin);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, end_row);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, max_steps_spin);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, eval_n_spin);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, eval_seeds_spin);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, question_label);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, reference_label);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, cot_title);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, cot_chain_label);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, cot_stats_label);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, cot_answer_label);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, latent_title);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, latent_scroller);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, latent_stats_label);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, latent_answer_label);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, nocot_answer_label);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, eval_progress);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, eval_cancel_button);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, eval_grid);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, pareto_plot);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, eval_note_label);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, latent_model_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, curve_model_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, curve_field_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, curve_plot);
  gtk_widget_class_bind_template_child (widget_class, LwReasonPage, curve_note_label);
  gtk_widget_class_bind_template_callback (widget_class, on_latent_model_changed_cb);
  gtk_widget_class_bind_template_callback_full (widget_class, "on_curve_model_changed_cb",
                                                G_CALLBACK (_lw_reason_page_on_curve_model_changed));
  gtk_widget_class_bind_template_callback_full (widget_class, "on_curve_field_changed_cb",
                                                G_CALLBACK (_lw_reason_page_on_curve_field_changed));
  gtk_widget_class_bind_template_callback (widget_class, on_question_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_question_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_setting_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_index_changed_cb);
}

static void
lw_reason_page_init (LwReasonPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), page_actions,
                                   G_N_ELEMENTS (page_actions), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "reason", G_ACTION_GROUP (self->actions));
  self->chunks = g_ptr_array_new_with_free_func (g_free);
  self->eval_rows = g_array_new (FALSE, FALSE, sizeof (LwReasonEval));

  lw_line_plot_set_x_label (self->pareto_plot, _("Mean chain length #L"));
  lw_line_plot_set_y_label (self->pareto_plot, _("Accuracy (%)"));
  lw_line_plot_set_placeholder_text (self->pareto_plot, _("Evaluate to compare the methods"));
  for (guint s = 0; s < LW_REASON_N_STAGES; s++)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->model_rows[s]),
                                   _lw_reason_stage_title (s));
  restore_settings (self);
  /* after restoring, so restoring does not write the choice back */
  g_signal_connect_swapped (self->end_row, "notify::selected",
                            G_CALLBACK (on_end_mode_changed_cb), self);
  _lw_reason_page_curves_init (self);
  check_question (self);
  _lw_reason_page_clear_run (self);
  show_models (self);
  lw_reason_page_reload_models (self);
}

/* Public API */

GtkWidget *
lw_reason_page_new (void)
{
  return g_object_new (LW_TYPE_REASON_PAGE, NULL);
}

GActionGroup *
lw_reason_page_get_actions (LwReasonPage *self)
{
  g_return_val_if_fail (LW_IS_REASON_PAGE (self), NULL);
  return G_ACTION_GROUP (self->actions);
}

void
lw_reason_page_reload_models (LwReasonPage *self)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (LW_IS_REASON_PAGE (self));
  g_cancellable_cancel (self->models_cancellable);
  g_clear_object (&self->models_cancellable);
  self->models_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->models_cancellable, on_models_loaded_cb,
                     g_object_ref (self->models_cancellable));
  g_task_set_source_tag (task, lw_reason_page_reload_models);
  g_task_run_in_thread (task, _lw_reason_models_load_thread);
  _lw_reason_page_update_state (self);
}

gboolean
lw_reason_page_get_busy (LwReasonPage *self)
{
  g_return_val_if_fail (LW_IS_REASON_PAGE (self), FALSE);
  return self->busy;
}

gboolean
lw_reason_page_get_evaluating (LwReasonPage *self)
{
  g_return_val_if_fail (LW_IS_REASON_PAGE (self), FALSE);
  return self->evaluating;
}

gboolean
lw_reason_page_has_model (LwReasonPage  *self,
                          LwReasonStage  stage)
{
  g_return_val_if_fail (LW_IS_REASON_PAGE (self), FALSE);
  g_return_val_if_fail (stage < LW_REASON_N_STAGES, FALSE);
  return self->models != NULL && self->models->model[stage] != NULL;
}

const char *
lw_reason_page_get_model_status (LwReasonPage  *self,
                                 LwReasonStage  stage)
{
  g_return_val_if_fail (LW_IS_REASON_PAGE (self), NULL);
  g_return_val_if_fail (stage < LW_REASON_N_STAGES, NULL);
  return self->status[stage];
}

void
lw_reason_page_set_test_index (LwReasonPage *self,
                               guint         index)
{
  g_return_if_fail (LW_IS_REASON_PAGE (self));
  g_return_if_fail (index < LW_REASONER_TEST_SIZE);
  self->syncing = TRUE;
  adw_combo_row_set_selected (self->source_row, 0);
  gtk_spin_button_set_value (self->index_spin, index);
  self->syncing = FALSE;
}

void
lw_reason_page_set_question_text (LwReasonPage *self,
                                  const char   *text)
{
  g_return_if_fail (LW_IS_REASON_PAGE (self));
  gtk_editable_set_text (GTK_EDITABLE (self->question_entry), text);
  self->syncing = TRUE;
  adw_combo_row_set_selected (self->source_row, 1);
  self->syncing = FALSE;
}

const char *
lw_reason_page_get_question_error (LwReasonPage *self)
{
  g_return_val_if_fail (LW_IS_REASON_PAGE (self), NULL);
  return self->question_error;
}

void
lw_reason_page_set_speed (LwReasonPage *self,
                          guint         speed)
{
  g_return_if_fail (LW_IS_REASON_PAGE (self));
  g_return_if_fail (speed >= 1 && speed <= LW_REASON_MAX_SPEED);
  gtk_range_set_value (GTK_RANGE (self->speed_scale), speed);
}

guint
lw_reason_page_get_speed (LwReasonPage *self)
{
  LwReasonGenConfig gen;

  g_return_val_if_fail (LW_IS_REASON_PAGE (self), 1);
  _lw_reason_page_gen_config (self, &gen);
  return gen.speed;
}

void
lw_reason_page_set_eval_size (LwReasonPage *self,
                              guint         n_problems,
                              guint         n_seeds)
{
  g_return_if_fail (LW_IS_REASON_PAGE (self));
  gtk_spin_button_set_value (self->eval_n_spin, n_problems);
  gtk_spin_button_set_value (self->eval_seeds_spin, n_seeds);
}

const LwReasonRun *
lw_reason_page_get_run (LwReasonPage  *self,
                        LwReasonStage  stage)
{
  g_return_val_if_fail (LW_IS_REASON_PAGE (self), NULL);
  g_return_val_if_fail (stage < LW_REASON_N_STAGES, NULL);
  return self->shown[stage];
}

guint
lw_reason_page_get_n_latent_rows (LwReasonPage *self)
{
  g_return_val_if_fail (LW_IS_REASON_PAGE (self), 0);
  return self->chunks->len;
}

const char *
lw_reason_page_get_latent_chunk (LwReasonPage *self,
                                 guint         k)
{
  g_return_val_if_fail (LW_IS_REASON_PAGE (self), NULL);
  g_return_val_if_fail (k < self->chunks->len, NULL);
  return g_ptr_array_index (self->chunks, k);
}

const char *
lw_reason_page_get_cot_chain (LwReasonPage *self)
{
  g_return_val_if_fail (LW_IS_REASON_PAGE (self), NULL);
  return self->cot_chain;
}

const LwReasonEval *
lw_reason_page_get_eval_rows (LwReasonPage *self,
                              guint        *n_rows)
{
  g_return_val_if_fail (LW_IS_REASON_PAGE (self), NULL);
  *n_rows = self->eval_rows->len;
  return (const LwReasonEval *) (void *) self->eval_rows->data;
}

LwLinePlot *
lw_reason_page_get_pareto_plot (LwReasonPage *self)
{
  g_return_val_if_fail (LW_IS_REASON_PAGE (self), NULL);
  return self->pareto_plot;
}

void
lw_reason_page_set_latent_stage (LwReasonPage  *self,
                                 LwReasonStage  stage)
{
  g_return_if_fail (LW_IS_REASON_PAGE (self));
  g_return_if_fail (lw_reason_stage_is_latent (stage));
  gtk_drop_down_set_selected (self->latent_model_dropdown, stage == LW_REASON_STAGE_RL);
}

const char *
lw_reason_page_get_view (LwReasonPage *self)
{
  g_return_val_if_fail (LW_IS_REASON_PAGE (self), NULL);
  return gtk_stack_get_visible_child_name (self->result_stack);
}
