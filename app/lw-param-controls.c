/* lw-param-controls.c — a codec's parameter controls, built from its parameter description
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-param-controls"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "lw-param-controls.h"
#include "lw-rate-map.h"

typedef struct
{
  LwParamControls *self;      /* weak: the rows live in the widget */
  guint            index;     /* into codec->params */
  LwRateMap        map;       /* numeric rows: value ↔ slider position */
  GtkAdjustment   *slider;    /* numeric rows (owned by the scale) */
  GtkAdjustment   *spin;      /* numeric rows: the value itself */
  GtkWidget       *dropdown;  /* enum rows */
  GtkWidget       *toggle;    /* bool rows */
} Row;

struct _LwParamControls
{
  GtkWidget  parent_instance;

  GtkWidget *box;
  GtkWidget *grid;     /* the rate parameter */
  GtkWidget *expander; /* "More parameters" */
  GtkWidget *more;     /* grid of the other parameters, inside the expander */
  LwParams  *params;   /* owned, nullable */
  GArray    *rows;     /* Row */
  gboolean   syncing;  /* controls are being set from code */
};

G_DEFINE_FINAL_TYPE (LwParamControls, lw_param_controls, GTK_TYPE_WIDGET)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const LwParamSpec *
row_spec (const Row *row)
{
  return &row->self->params->codec->params[row->index];
}

static int
spin_digits (const LwParamSpec *spec)
{
  if (spec->type != LW_PARAM_DOUBLE)
    return 0;
  if (spec->max - spec->min <= 2.0)
    return 3;
  return 2;
}

/* Puts the stored value into the row's controls without reporting a change. */
static void
row_sync (Row *row)
{
  LwParamControls *self = row->self;
  const LwParamSpec *spec = row_spec (row);
  double value = self->params->values[row->index];

  self->syncing = TRUE;
  if (row->slider != NULL)
    {
      gtk_adjustment_set_value (row->slider, lw_rate_map_to_slider (&row->map, value));
      gtk_adjustment_set_value (row->spin, value);
    }
  else if (row->dropdown != NULL)
    gtk_drop_down_set_selected (GTK_DROP_DOWN (row->dropdown), (guint) value);
  else if (row->toggle != NULL)
    gtk_switch_set_active (GTK_SWITCH (row->toggle), value != 0.0);
  self->syncing = FALSE;
  (void) spec;
}

static void
store_value (Row    *row,
             double  value)
{
  LwParamControls *self = row->self;
  const LwParamSpec *spec = row_spec (row);

  if (self->syncing)
    return;
  value = CLAMP (value, spec->min, spec->max);
  if (spec->type != LW_PARAM_DOUBLE)
    value = round (value);
  if (value == self->params->values[row->index])
    {
      /* Snap the control back to the value it stands for (integers, rounding). */
      row_sync (row);
      return;
    }
  self->params->values[row->index] = value;
  row_sync (row);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, spec->name);
}

static void
on_slider_changed_cb (GtkAdjustment *adjustment,
                      Row           *row)
{
  if (!row->self->syncing)
    store_value (row, lw_rate_map_from_slider (&row->map, gtk_adjustment_get_value (adjustment)));
}

static void
on_spin_changed_cb (GtkAdjustment *adjustment,
                    Row           *row)
{
  if (!row->self->syncing)
    store_value (row, gtk_adjustment_get_value (adjustment));
}

static void
on_dropdown_selected_cb (GtkDropDown *dropdown,
                         GParamSpec  *pspec,
                         Row         *row)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (!row->self->syncing && selected != GTK_INVALID_LIST_POSITION)
    store_value (row, selected);
}

static void
on_switch_active_cb (GtkSwitch  *toggle,
                     GParamSpec *pspec,
                     Row        *row)
{
  if (!row->self->syncing)
    store_value (row, gtk_switch_get_active (toggle) ? 1.0 : 0.0);
}

static GtkWidget *
make_label (const LwParamSpec *spec,
            gboolean           is_rate)
{
  GtkWidget *label = gtk_label_new (spec->name);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_set_tooltip_text (label, spec->help);
  if (is_rate)
    gtk_widget_add_css_class (label, "heading");
  return label;
}

static void
add_row (LwParamControls *self,
         GtkWidget       *grid,
         guint            index,
         int              line)
{
  const LwCodec *codec = self->params->codec;
  const LwParamSpec *spec = &codec->params[index];
  gboolean is_rate = g_strcmp0 (spec->name, codec->sweep_param) == 0;
  GtkWidget *label = make_label (spec, is_rate);
  Row *row;

  g_array_set_size (self->rows, self->rows->len + 1);
  row = &g_array_index (self->rows, Row, self->rows->len - 1);
  row->self = self;
  row->index = index;
  gtk_grid_attach (GTK_GRID (grid), label, 0, line, 1, 1);

  switch (spec->type)
    {
    case LW_PARAM_INT:
    case LW_PARAM_DOUBLE:
      {
        GtkWidget *scale, *spin;

        /* Only the rate parameter runs "more bits to the right"; others keep their order. */
        lw_rate_map_init (&row->map, spec, is_rate && codec->sweep_descending);
        row->slider = gtk_adjustment_new (row->map.lower, row->map.lower, row->map.upper,
                                          row->map.step, 10.0 * row->map.step, 0.0);
        scale = gtk_scale_new (GTK_ORIENTATION_HORIZONTAL, row->slider);
        gtk_scale_set_draw_value (GTK_SCALE (scale), FALSE);
        gtk_scale_add_mark (GTK_SCALE (scale),
                            lw_rate_map_to_slider (&row->map, spec->default_value),
                            GTK_POS_BOTTOM, NULL);
        gtk_widget_set_hexpand (scale, TRUE);
        gtk_widget_set_tooltip_text (scale, spec->help);
        gtk_accessible_update_property (GTK_ACCESSIBLE (scale), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        spec->name, -1);

        row->spin = gtk_adjustment_new (spec->default_value, spec->min, spec->max,
                                        spec->type == LW_PARAM_DOUBLE
                                          ? (spec->max - spec->min) / 200.0 : 1.0,
                                        spec->type == LW_PARAM_DOUBLE
                                          ? (spec->max - spec->min) / 20.0 : 10.0, 0.0);
        spin = gtk_spin_button_new (row->spin, 1.0, spin_digits (spec));
        gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
        gtk_editable_set_width_chars (GTK_EDITABLE (spin), 6);
        gtk_widget_set_tooltip_text (spin, spec->help);
        gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
        gtk_label_set_mnemonic_widget (GTK_LABEL (label), scale);

        gtk_grid_attach (GTK_GRID (grid), scale, 1, line, 1, 1);
        gtk_grid_attach (GTK_GRID (grid), spin, 2, line, 1, 1);
        break;
      }
    case LW_PARAM_ENUM:
      row->dropdown = gtk_drop_down_new_from_strings ((const char * const *) spec->choices);
      gtk_widget_set_tooltip_text (row->dropdown, spec->help);
      gtk_widget_set_halign (row->dropdown, GTK_ALIGN_START);
      gtk_grid_attach (GTK_GRID (grid), row->dropdown, 1, line, 2, 1);
      gtk_label_set_mnemonic_widget (GTK_LABEL (label), row->dropdown);
      break;
    case LW_PARAM_BOOL:
    default:
      row->toggle = gtk_switch_new ();
      gtk_widget_set_tooltip_text (row->toggle, spec->help);
      gtk_widget_set_halign (row->toggle, GTK_ALIGN_START);
      gtk_widget_set_valign (row->toggle, GTK_ALIGN_CENTER);
      gtk_grid_attach (GTK_GRID (grid), row->toggle, 1, line, 2, 1);
      gtk_label_set_mnemonic_widget (GTK_LABEL (label), row->toggle);
      break;
    }
}

/* Signals are connected after all rows exist: the array does not move any more. */
static void
connect_rows (LwParamControls *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = &g_array_index (self->rows, Row, i);

      if (row->slider != NULL)
        {
          g_signal_connect (row->slider, "value-changed", G_CALLBACK (on_slider_changed_cb), row);
          g_signal_connect (row->spin, "value-changed", G_CALLBACK (on_spin_changed_cb), row);
        }
      else if (row->dropdown != NULL)
        g_signal_connect (row->dropdown, "notify::selected",
                          G_CALLBACK (on_dropdown_selected_cb), row);
      else if (row->toggle != NULL)
        g_signal_connect (row->toggle, "notify::active", G_CALLBACK (on_switch_active_cb), row);
      row_sync (row);
    }
}

static void
disconnect_rows (LwParamControls *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = &g_array_index (self->rows, Row, i);

      if (row->slider != NULL)
        {
          g_signal_handlers_disconnect_by_data (row->slider, row);
          g_signal_handlers_disconnect_by_data (row->spin, row);
        }
      if (row->dropdown != NULL)
        g_signal_handlers_disconnect_by_data (row->dropdown, row);
      if (row->toggle != NULL)
        g_signal_handlers_disconnect_by_data (row->toggle, row);
    }
  g_array_set_size (self->rows, 0);
}

static void
rebuild (LwParamControls *self)
{
  const LwCodec *codec = self->params->codec;
  int rate = lw_params_index (codec, codec->sweep_param);
  int line = 0;
  GtkWidget *child;

  disconnect_rows (self);
  while ((child = gtk_widget_get_first_child (self->grid)) != NULL)
    gtk_grid_remove (GTK_GRID (self->grid), child);
  while ((child = gtk_widget_get_first_child (self->more)) != NULL)
    gtk_grid_remove (GTK_GRID (self->more), child);

  if (rate >= 0)
    add_row (self, self->grid, (guint) rate, 0);
  for (guint i = 0; i < codec->n_params; i++)
    if ((int) i != rate)
      add_row (self, self->more, i, line++);
  gtk_widget_set_visible (self->expander, line > 0);
  connect_rows (self);
}

static Row *
find_row (LwParamControls *self,
          const char      *name)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = &g_array_index (self->rows, Row, i);
      if (g_strcmp0 (row_spec (row)->name, name) == 0)
        return row;
    }
  return NULL;
}

static void
lw_param_controls_dispose (GObject *object)
{
  LwParamControls *self = LW_PARAM_CONTROLS (object);

  if (self->rows != NULL)
    disconnect_rows (self);
  g_clear_pointer (&self->box, gtk_widget_unparent);

  G_OBJECT_CLASS (lw_param_controls_parent_class)->dispose (object);
}

static void
lw_param_controls_finalize (GObject *object)
{
  LwParamControls *self = LW_PARAM_CONTROLS (object);

  g_clear_pointer (&self->params, lw_params_free);
  g_clear_pointer (&self->rows, g_array_unref);

  G_OBJECT_CLASS (lw_param_controls_parent_class)->finalize (object);
}

static void
lw_param_controls_class_init (LwParamControlsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lw_param_controls_dispose;
  object_class->finalize = lw_param_controls_finalize;

  /**
   * LwParamControls::changed:
   * @name: the parameter's name as the codec describes it
   *
   * The user (or lw_param_controls_set_value()) changed a value.
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "lw-param-controls");
}

static void
lw_param_controls_init (LwParamControls *self)
{
  self->rows = g_array_new (FALSE, TRUE, sizeof (Row));
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  self->grid = gtk_grid_new ();
  self->more = gtk_grid_new ();
  for (int i = 0; i < 2; i++)
    {
      GtkWidget *grid = i ? self->more : self->grid;
      gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
      gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
    }
  gtk_widget_set_margin_top (self->more, 6);
  self->expander = gtk_expander_new_with_mnemonic (_("_More parameters"));
  gtk_expander_set_child (GTK_EXPANDER (self->expander), self->more);
  gtk_box_append (GTK_BOX (self->box), self->grid);
  gtk_box_append (GTK_BOX (self->box), self->expander);
}

GtkWidget *
lw_param_controls_new (void)
{
  return g_object_new (LW_TYPE_PARAM_CONTROLS, NULL);
}

void
lw_param_controls_set_params (LwParamControls *self,
                              const LwParams  *params)
{
  gboolean same_codec;

  g_return_if_fail (LW_IS_PARAM_CONTROLS (self));
  g_return_if_fail (params != NULL);

  same_codec = self->params != NULL && self->params->codec == params->codec;
  g_clear_pointer (&self->params, lw_params_free);
  self->params = lw_params_copy (params);
  if (!same_codec)
    rebuild (self);
  else
    for (guint i = 0; i < self->rows->len; i++)
      row_sync (&g_array_index (self->rows, Row, i));
}

const LwParams *
lw_param_controls_get_params (LwParamControls *self)
{
  g_return_val_if_fail (LW_IS_PARAM_CONTROLS (self), NULL);
  return self->params;
}

gboolean
lw_param_controls_set_value (LwParamControls *self,
                             const char      *name,
                             double           value,
                             GError         **error)
{
  g_autoptr (LwParams) check = NULL;
  Row *row;

  g_return_val_if_fail (LW_IS_PARAM_CONTROLS (self), FALSE);
  g_return_val_if_fail (self->params != NULL, FALSE);

  /* lw_params_set names the problem the same way the CLI does. */
  check = lw_params_copy (self->params);
  if (!lw_params_set (check, name, value, error))
    return FALSE;
  row = find_row (self, name);
  g_return_val_if_fail (row != NULL, FALSE);
  store_value (row, check->values[row->index]);
  return TRUE;
}

GtkAdjustment *
lw_param_controls_get_adjustment (LwParamControls *self,
                                  const char      *name)
{
  Row *row;

  g_return_val_if_fail (LW_IS_PARAM_CONTROLS (self), NULL);
  if (self->params == NULL || (row = find_row (self, name)) == NULL)
    return NULL;
  return row->slider;
}
