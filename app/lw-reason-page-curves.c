/* lw-reason-page-curves.c — the reasoning page's Training view: a model's recorded curves
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each model file carries the training curve of its own stage (lw-train-curve.h): one row per
 * recorded step with the loss, its parts, log σ, gradient norm, learning rate, or for RL the
 * reward and accuracy. The view lists the loaded models and the fields of the chosen one's
 * curve and plots the field against the step: the raw values faint, a centred moving average
 * over them. The chosen model and field are kept as wishes (and in the settings), so a
 * model that comes later, or a field only some models have, is shown once it is there.
 */
#define G_LOG_DOMAIN "lw-reason-page"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "lw-reason-page-private.h"

static const GdkRGBA raw_colour = { 0.21f, 0.52f, 0.89f, 0.30f };
static const GdkRGBA mean_colour = { 0.21f, 0.52f, 0.89f, 1.0f };
/* one trend per compression factor: c drawn per sequence (recorded as c = 0), then c = 1…5
 * (GNOME's palette: brown, blue, green, orange, purple, red) */
static const GdkRGBA speed_colours[LW_REASON_MAX_SPEED + 1] = {
  { 0.60f, 0.40f, 0.24f, 1.0f }, { 0.21f, 0.52f, 0.89f, 1.0f }, { 0.18f, 0.76f, 0.49f, 1.0f },
  { 1.0f, 0.47f, 0.0f, 1.0f }, { 0.57f, 0.25f, 0.67f, 1.0f }, { 0.88f, 0.11f, 0.14f, 1.0f },
};

/* The name a field goes by on screen; unknown fields show as they are */
static const char *
field_title (const char *field)
{
  static const struct
  {
    const char *field;
    const char *title;
  } titles[] = {
    { "loss", N_("Total loss") },
    { "ce", N_("Cross-entropy") },
    { "latent", N_("Latent loss") },
    { "mean_log_sigma", N_("Mean log σ") },
    { "grad_norm", N_("Gradient norm") },
    { "lr", N_("Learning rate") },
    { "c", N_("Compression c") },
    { "reward", N_("Reward") },
    { "accuracy", N_("Accuracy") },
    { "mean_steps", N_("Mean #L") },
    { "n_latent", N_("Mean #L") },
    { "latent_loss", N_("Latent loss") },
    { "answer_loss", N_("Answer loss") },
    { "clip_fraction", N_("Clip fraction") },
    { "clip_frac", N_("Clip fraction") },
    { "mean_latent", N_("Mean #L") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    if (strcmp (field, titles[i].field) == 0)
      return _(titles[i].title);
  return field;
}

static const LwTrainCurve *
chosen_curve (LwReasonPage  *self,
              LwReasonStage *stage)
{
  guint i = gtk_drop_down_get_selected (self->curve_model_dropdown);

  if (self->models == NULL || i >= self->n_curve_stages)
    return NULL;
  *stage = self->curve_stages[i];
  return self->models->model[*stage] ? lw_reasoner_curve (self->models->model[*stage]) : NULL;
}

/* A centred box average, 2·half + 1 wide, over rows[0…n) of y (indices into it), added to the
 * series name at those rows' steps; returns the box width */
static guint
add_moving_average (LwLinePlot *plot, const char *name, const double *x, const double *y,
                    const guint *rows, guint n, guint half)
{
  for (guint r = 0; r < n; r++)
    {
      double sum = 0.0;
      guint k = 0;

      for (guint j = r > half ? r - half : 0; j <= MIN (n - 1, r + half); j++)
        if (isfinite (y[rows[j]]))
          {
            sum += y[rows[j]];
            k++;
          }
      lw_line_plot_add_point (plot, name, x[rows[r]], k ? sum / k : NAN);
    }
  return 2 * half + 1;
}

/* The factors a CoLaR curve's steps were trained at (bit c for c = 1…5, bit 0 for c drawn per
 * sequence, recorded as 0), for a field that depends on c; 0 when there is no c column or the
 * field is c itself or the rate */
static guint
speeds_of (const LwTrainCurve *curve, const char *field)
{
  int col = lw_train_curve_find (curve, "c");
  guint mask = 0;

  if (col < 0 || strcmp (field, "c") == 0 || strcmp (field, "lr") == 0)
    return 0;
  for (guint r = 0; r < lw_train_curve_n_rows (curve); r++)
    {
      float c = lw_train_curve_row (curve, r)[col];

      if (c >= 0.0f && c <= LW_REASON_MAX_SPEED && c == floorf (c))
        mask |= 1u << (guint) c;
    }
  return mask;
}

static void
plot_curve (LwReasonPage *self)
{
  LwReasonStage stage = LW_REASON_STAGE_COT;
  const LwTrainCurve *curve = chosen_curve (self, &stage);
  guint i = gtk_drop_down_get_selected (self->curve_field_dropdown);
  g_autofree char *note = NULL;

  lw_line_plot_clear (self->curve_plot);
  g_clear_pointer (&self->curve_shown, g_free);
  if (self->n_curve_stages == 0)
    {
      lw_line_plot_set_placeholder_text (self->curve_plot,
                                         self->models == NULL ? _("Looking for the models…")
                                                              : _("No model loaded"));
      gtk_label_set_text (self->curve_note_label, "");
      return;
    }
  if (curve == NULL || lw_train_curve_n_rows (curve) == 0 || i >= self->curve_fields->len)
    {
      lw_line_plot_set_placeholder_text (self->curve_plot,
                                         _("This model’s file has no training curve"));
      /* Translators: %s is a model (CoT, CoLaR…) */
      note = g_strdup_printf (_("The %s model was saved before training curves were recorded. "
                                "Curves are recorded by `reason train`; `reason export "
                                "--curve LOG.jsonl` attaches the rows of a `reason train "
                                "--json` log to a model file."), _lw_reason_stage_title (stage));
      gtk_label_set_text (self->curve_note_label, note);
      return;
    }

  const char *field = g_ptr_array_index (self->curve_fields, i);
  int col = lw_train_curve_find (curve, field);
  guint n = lw_train_curve_n_rows (curve);
  const char *title = field_title (field);
  const char *mean_name = _("Moving average");
  g_autofree double *x = g_new (double, n);
  g_autofree double *y = g_new (double, n);
  g_autofree guint *rows = g_new (guint, n);
  double lo = INFINITY, hi = -INFINITY;
  guint width = 0, speeds = speeds_of (curve, field);
  int ccol = lw_train_curve_find (curve, "c");

  for (guint r = 0; r < n; r++)
    {
      const float *row = lw_train_curve_row (curve, r);
      x[r] = row[0];
      y[r] = row[col];
      if (isfinite (y[r]))
        {
          lo = MIN (lo, y[r]);
          hi = MAX (hi, y[r]);
        }
    }
  self->curve_shown = g_strdup (field);
  /* losses and the learning rate span decades: a log axis when every value is positive and
   * they spread over more than one */
  lw_line_plot_set_log_y (self->curve_plot, lo > 0.0 && hi / lo > 10.0);
  lw_line_plot_set_x_label (self->curve_plot, _("Training step"));
  lw_line_plot_set_y_label (self->curve_plot, title);
  lw_line_plot_add_series (self->curve_plot, title, &raw_colour);
  for (guint r = 0; r < n; r++)
    lw_line_plot_add_point (self->curve_plot, title, x[r], y[r]);
  /* the trend of a noisy curve: a centred box over about 1/50 of the run. CoLaR draws c per
   * batch and its losses differ by c, so they alternate between levels: one trend per c, each
   * over about 1/25 of its steps (a c has a fifth of them). */
  if (speeds & (speeds - 1))
    {
      for (guint c = 0; c <= LW_REASON_MAX_SPEED; c++)
        {
          g_autofree char *name = NULL;
          guint m = 0;

          if (!(speeds & (1u << c)))
            continue;
          for (guint r = 0; r < n; r++)
            if (lw_train_curve_row (curve, r)[ccol] == (float) c)
              rows[m++] = r;
          /* Translators: a series of the steps trained at compression factor c, or with c
           * drawn for each sequence */
          name = c > 0 ? g_strdup_printf (_("c = %u"), c) : g_strdup (_("c per sequence"));
          lw_line_plot_add_series (self->curve_plot, name, &speed_colours[c]);
          guint w = add_moving_average (self->curve_plot, name, x, y, rows, m, m / 50);
          width = MAX (width, w);
        }
      /* Translators: a model, its recorded points, and the steps they span */
      note = g_strdup_printf (_("%s model · %u recorded points, steps %.0f to %.0f · the faint "
                                "line is every recorded value, the solid ones the moving "
                                "average of the steps at each c, over up to %u points"),
                              _lw_reason_stage_title (stage), n, x[0], x[n - 1], width);
    }
  else
    {
      for (guint r = 0; r < n; r++)
        rows[r] = r;
      lw_line_plot_add_series (self->curve_plot, mean_name, &mean_colour);
      width = add_moving_average (self->curve_plot, mean_name, x, y, rows, n, n / 100);
      /* Translators: a model, its recorded points, and the steps they span */
      note = g_strdup_printf (_("%s model · %u recorded points, steps %.0f to %.0f · the faint "
                                "line is every recorded value, the solid one their moving "
                                "average over %u points"),
                              _lw_reason_stage_title (stage), n, x[0], x[n - 1], width);
    }
  gtk_label_set_text (self->curve_note_label, note);
}

/* The field dropdown for the chosen model: its curve's fields but the step */
static void
show_fields (LwReasonPage *self)
{
  LwReasonStage stage = LW_REASON_STAGE_COT;
  const LwTrainCurve *curve = chosen_curve (self, &stage);
  g_autoptr (GtkStringList) list = gtk_string_list_new (NULL);
  guint select = 0;

  g_ptr_array_set_size (self->curve_fields, 0);
  if (curve != NULL)
    for (guint f = 1; f < lw_train_curve_n_fields (curve); f++)
      {
        const char *name = lw_train_curve_field (curve, f);

        if (self->curve_field != NULL && strcmp (name, self->curve_field) == 0)
          select = self->curve_fields->len;
        g_ptr_array_add (self->curve_fields, g_strdup (name));
        gtk_string_list_append (list, field_title (name));
      }
  self->curve_syncing = TRUE;
  gtk_drop_down_set_model (self->curve_field_dropdown, G_LIST_MODEL (list));
  gtk_drop_down_set_selected (self->curve_field_dropdown,
                              self->curve_fields->len ? select : GTK_INVALID_LIST_POSITION);
  gtk_widget_set_sensitive (GTK_WIDGET (self->curve_field_dropdown), self->curve_fields->len > 0);
  self->curve_syncing = FALSE;
  plot_curve (self);
}

void
_lw_reason_page_show_curves (LwReasonPage *self)
{
  g_autoptr (GtkStringList) list = gtk_string_list_new (NULL);
  guint select = 0;

  self->n_curve_stages = 0;
  for (guint s = 0; self->models != NULL && s < LW_REASON_N_STAGES; s++)
    if (self->models->model[s] != NULL)
      {
        if (s == self->curve_stage)
          select = self->n_curve_stages;
        self->curve_stages[self->n_curve_stages++] = s;
        gtk_string_list_append (list, _lw_reason_stage_title (s));
      }
  self->curve_syncing = TRUE;
  gtk_drop_down_set_model (self->curve_model_dropdown, G_LIST_MODEL (list));
  gtk_drop_down_set_selected (self->curve_model_dropdown,
                              self->n_curve_stages ? select : GTK_INVALID_LIST_POSITION);
  gtk_widget_set_sensitive (GTK_WIDGET (self->curve_model_dropdown), self->n_curve_stages > 0);
  self->curve_syncing = FALSE;
  show_fields (self);
}

void
_lw_reason_page_on_curve_model_changed (LwReasonPage *self)
{
  guint i = gtk_drop_down_get_selected (self->curve_model_dropdown);

  if (self->curve_syncing || i >= self->n_curve_stages)
    return;
  self->curve_stage = self->curve_stages[i];
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "reason-curve-model",
                           lw_reason_stage_name (self->curve_stage));
  show_fields (self);
}

void
_lw_reason_page_on_curve_field_changed (LwReasonPage *self)
{
  guint i = gtk_drop_down_get_selected (self->curve_field_dropdown);

  if (self->curve_syncing || i >= self->curve_fields->len)
    return;
  g_free (self->curve_field);
  self->curve_field = g_strdup (g_ptr_array_index (self->curve_fields, i));
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "reason-curve-field", self->curve_field);
  plot_curve (self);
}

void
_lw_reason_page_curves_init (LwReasonPage *self)
{
  self->curve_fields = g_ptr_array_new_with_free_func (g_free);
  self->curve_stage = LW_REASON_STAGE_COLAR;
  self->curve_field = g_strdup ("loss");
  if (self->settings != NULL)
    {
      g_autofree char *stage = g_settings_get_string (self->settings, "reason-curve-model");

      g_free (self->curve_field);
      self->curve_field = g_settings_get_string (self->settings, "reason-curve-field");
      if (!lw_reason_stage_parse (stage, &self->curve_stage, NULL))
        self->curve_stage = LW_REASON_STAGE_COLAR;
    }
  _lw_reason_page_show_curves (self);
}

/* Public API */

void
lw_reason_page_set_curve (LwReasonPage  *self,
                          LwReasonStage  stage,
                          const char    *field)
{
  g_return_if_fail (LW_IS_REASON_PAGE (self));
  g_return_if_fail (stage < LW_REASON_N_STAGES && field != NULL);
  self->curve_stage = stage;
  g_free (self->curve_field);
  self->curve_field = g_strdup (field);
  if (self->settings != NULL)
    {
      g_settings_set_string (self->settings, "reason-curve-model", lw_reason_stage_name (stage));
      g_settings_set_string (self->settings, "reason-curve-field", field);
    }
  _lw_reason_page_show_curves (self);
}

const char *
lw_reason_page_get_curve_field (LwReasonPage *self)
{
  g_return_val_if_fail (LW_IS_REASON_PAGE (self), NULL);
  return self->curve_shown;
}

LwLinePlot *
lw_reason_page_get_curve_plot (LwReasonPage *self)
{
  g_return_val_if_fail (LW_IS_REASON_PAGE (self), NULL);
  return self->curve_plot;
}
