/* lw-rd-panel.c — rate–distortion curves of the image on show, computed in the background
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A queue of codec names; one sweep (core lw_rd_sweep) runs at a time on a worker with an
 * immutable reference to the image and a copy of the parameters. The worker writes its
 * progress into an atomic the main thread reads on a low-rate timeout, so no per-point idle
 * sources pile up. A sweep's result is kept only if its cancellable is still the panel's, that
 * is, if nothing cancelled or replaced it meanwhile.
 */
#define G_LOG_DOMAIN "lw-rd-panel"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "lw-rd-csv.h"
#include "lw-rd-panel.h"

#define PROGRESS_SCALE 10000

typedef struct
{
  LwSharedImage *image;
  LwParams      *base;
  guint          n_points;
  int            progress;   /* atomic, 0..PROGRESS_SCALE */
} SweepJob;

struct _LwRdPanel
{
  GtkWidget       parent_instance;

  GtkWidget      *box;
  LwRdPlot       *plot;
  GtkWidget      *progress_row;
  GtkProgressBar *progress_bar;
  GtkWidget      *anchor_dropdown;
  GtkWidget      *bd_grid;
  GPtrArray      *codecs;      /* const LwCodec *: image codecs with a rate parameter */
  GPtrArray      *checks;      /* GtkCheckButton *, parallel to codecs */

  LwSharedImage  *image;       /* nullable */
  GHashTable     *bases;       /* codec name → LwParams * the codec is swept with */
  GHashTable     *curves;      /* codec name → LwRdCurve * (owned) */
  GQueue          queue;       /* codec names (static strings) waiting */
  const LwCodec  *running;     /* the sweep in flight, nullable */
  SweepJob       *job;         /* its progress (shared with the worker; task owns it) */
  GCancellable   *cancellable;
  guint           n_done;      /* sweeps finished since the queue was last empty */
  guint           n_points;
  guint           progress_id;
  char           *anchor;      /* codec name */
  const LwCodec  *current;     /* the page's codec, nullable */
  gboolean        syncing;
};

G_DEFINE_FINAL_TYPE (LwRdPanel, lw_rd_panel, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_BUSY,
  PROP_TICKED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void start_next (LwRdPanel *self);

static void
sweep_job_free (SweepJob *job)
{
  g_clear_pointer (&job->image, lw_shared_image_unref);
  g_clear_pointer (&job->base, lw_params_free);
  g_free (job);
}

static int
codec_index (LwRdPanel  *self,
             const char *name)
{
  for (guint i = 0; i < self->codecs->len; i++)
    if (g_strcmp0 (((const LwCodec *) g_ptr_array_index (self->codecs, i))->name, name) == 0)
      return (int) i;
  return -1;
}

static gboolean
is_ticked (LwRdPanel     *self,
           const LwCodec *codec)
{
  for (guint i = 0; i < self->codecs->len; i++)
    if (g_ptr_array_index (self->codecs, i) == codec)
      return gtk_check_button_get_active (g_ptr_array_index (self->checks, i));
  return FALSE;
}

/* BD table */

static void
update_bd_table (LwRdPanel *self)
{
  GtkWidget *child;
  LwRdCurve *anchor = self->anchor ? g_hash_table_lookup (self->curves, self->anchor) : NULL;
  int row = 0;

  while ((child = gtk_widget_get_first_child (self->bd_grid)) != NULL)
    gtk_grid_remove (GTK_GRID (self->bd_grid), child);

  for (guint i = 0; i < self->codecs->len; i++)
    {
      const LwCodec *codec = g_ptr_array_index (self->codecs, i);
      LwRdCurve *curve = g_hash_table_lookup (self->curves, codec->name);
      g_autofree char *rate = NULL, *psnr = NULL;
      double v;
      GtkWidget *label;

      if (curve == NULL || g_strcmp0 (codec->name, self->anchor) == 0)
        continue;
      if (anchor != NULL && lw_bd_rate (anchor, curve, &v, NULL))
        rate = g_strdup_printf ("%+.1f %%", v);
      if (anchor != NULL && lw_bd_psnr (anchor, curve, &v, NULL))
        /* Translators: decibels */
        psnr = g_strdup_printf (_("%+.2f dB"), v);

      label = gtk_label_new (codec->title);
      gtk_label_set_xalign (GTK_LABEL (label), 0.0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_grid_attach (GTK_GRID (self->bd_grid), label, 0, row, 1, 1);
      label = gtk_label_new (rate ? rate : "—");
      gtk_label_set_xalign (GTK_LABEL (label), 1.0);
      gtk_widget_add_css_class (label, "numeric");
      gtk_grid_attach (GTK_GRID (self->bd_grid), label, 1, row, 1, 1);
      label = gtk_label_new (psnr ? psnr : "—");
      gtk_label_set_xalign (GTK_LABEL (label), 1.0);
      gtk_widget_add_css_class (label, "numeric");
      gtk_grid_attach (GTK_GRID (self->bd_grid), label, 2, row, 1, 1);
      row++;
    }
  if (row > 0)
    {
      /* Column heads go in last so the rows above could be counted first. */
      const char *heads[] = { _("vs anchor"), _("BD-rate"), _("BD-PSNR") };
      gtk_grid_insert_row (GTK_GRID (self->bd_grid), 0);
      for (int c = 0; c < 3; c++)
        {
          GtkWidget *head = gtk_label_new (heads[c]);
          gtk_label_set_xalign (GTK_LABEL (head), c == 0 ? 0.0 : 1.0);
          gtk_widget_add_css_class (head, "caption-heading");
          gtk_grid_attach (GTK_GRID (self->bd_grid), head, c, 0, 1, 1);
        }
    }
  gtk_widget_set_visible (self->bd_grid, row > 0);
}

/* Sweeps */

static void
set_busy_ui (LwRdPanel *self)
{
  gboolean busy = self->running != NULL;

  gtk_widget_set_visible (self->progress_row, busy);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static gboolean
on_progress_tick_cb (gpointer data)
{
  LwRdPanel *self = data;
  guint total = self->n_done + 1 + g_queue_get_length (&self->queue);
  double f = 0.0;
  g_autofree char *text = NULL;

  if (self->job != NULL)
    f = g_atomic_int_get (&self->job->progress) / (double) PROGRESS_SCALE;
  gtk_progress_bar_set_fraction (self->progress_bar, (self->n_done + f) / total);
  if (self->running != NULL)
    {
      /* Translators: progress of RD sweeps: codec name, then sweep k of n */
      text = g_strdup_printf (_("%s — %u of %u"), self->running->title, self->n_done + 1, total);
      gtk_progress_bar_set_text (self->progress_bar, text);
    }
  return G_SOURCE_CONTINUE;
}

static void
sweep_progress_cb (double   fraction,
                   gpointer user_data)
{
  SweepJob *job = user_data;

  g_atomic_int_set (&job->progress, (int) (CLAMP (fraction, 0.0, 1.0) * PROGRESS_SCALE));
}

static void
sweep_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  SweepJob *job = task_data;
  GError *error = NULL;
  LwRdCurve *curve;

  curve = lw_rd_sweep (job->base->codec, job->image->tensor, job->base, job->n_points,
                       job->image->name, sweep_progress_cb, job, cancellable, &error);
  if (curve == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, curve, (GDestroyNotify) lw_rd_curve_free);
}

static void
on_sweep_done_cb (GObject      *source,
                  GAsyncResult *res,
                  gpointer      user_data)
{
  g_autoptr (GWeakRef) weak = user_data;
  g_autoptr (LwRdPanel) self = g_weak_ref_get (weak);
  g_autoptr (GError) error = NULL;
  LwRdCurve *curve = g_task_propagate_pointer (G_TASK (res), &error);

  /* A sweep that was cancelled or replaced has a cancellable that is no longer ours. */
  if (self == NULL || g_task_get_cancellable (G_TASK (res)) != self->cancellable)
    {
      g_clear_pointer (&curve, lw_rd_curve_free);
      return;
    }
  if (curve != NULL)
    {
      g_hash_table_replace (self->curves, g_strdup (self->running->name), curve);
      lw_rd_plot_set_curve (self->plot, curve);
      update_bd_table (self);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Translators: first %s is a codec, the second the problem */
      g_autofree char *text = g_strdup_printf (_("No curve for %s: %s"), self->running->title,
                                               error->message);
      g_signal_emit (self, signals[SIGNAL_MESSAGE], 0, text);
    }

  g_clear_object (&self->cancellable);
  self->running = NULL;
  self->job = NULL;
  self->n_done++;
  start_next (self);
}

static void
start_next (LwRdPanel *self)
{
  g_autoptr (GTask) task = NULL;
  const char *name;
  const LwCodec *codec = NULL;
  GWeakRef *weak;
  SweepJob *job;

  if (self->running != NULL)
    return;
  while (codec == NULL && (name = g_queue_pop_head (&self->queue)) != NULL)
    {
      int i = codec_index (self, name);
      if (i >= 0 && self->image != NULL && is_ticked (self, g_ptr_array_index (self->codecs, i)) &&
          !g_hash_table_contains (self->curves, name))
        codec = g_ptr_array_index (self->codecs, i);
    }
  if (codec == NULL)
    {
      self->n_done = 0;
      g_clear_handle_id (&self->progress_id, g_source_remove);
      set_busy_ui (self);
      return;
    }

  job = g_new0 (SweepJob, 1);
  job->image = lw_shared_image_ref (self->image);
  job->base = g_hash_table_contains (self->bases, codec->name)
                ? lw_params_copy (g_hash_table_lookup (self->bases, codec->name))
                : lw_params_new (codec);
  job->n_points = self->n_points;
  self->running = codec;
  self->job = job;
  self->cancellable = g_cancellable_new ();
  weak = lw_weak_ref_new (self);
  task = g_task_new (NULL, self->cancellable, on_sweep_done_cb, weak);
  g_task_set_task_data (task, job, (GDestroyNotify) sweep_job_free);
  g_task_run_in_thread (task, sweep_thread);

  if (self->progress_id == 0)
    self->progress_id = g_timeout_add (100, on_progress_tick_cb, self);
  on_progress_tick_cb (self);
  set_busy_ui (self);
}

static void
queue_codec (LwRdPanel     *self,
             const LwCodec *codec)
{
  if (g_queue_find_custom (&self->queue, codec->name, (GCompareFunc) g_strcmp0) == NULL)
    g_queue_push_tail (&self->queue, (gpointer) codec->name);
  start_next (self);
}

/* Drops a codec's curve; its sweep in flight is cancelled; ticked ones are queued again. */
static void
invalidate (LwRdPanel     *self,
            const LwCodec *codec)
{
  g_hash_table_remove (self->curves, codec->name);
  lw_rd_plot_remove_curve (self->plot, codec->name);
  if (self->running == codec)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      self->running = NULL;
      self->job = NULL;
    }
  if (is_ticked (self, codec))
    queue_codec (self, codec);
  else
    start_next (self);
  update_bd_table (self);
}

/* Controls */

static void
on_check_toggled_cb (GtkCheckButton *check,
                     LwRdPanel      *self)
{
  guint i;

  if (self->syncing || !g_ptr_array_find (self->checks, check, &i))
    return;
  if (gtk_check_button_get_active (check))
    queue_codec (self, g_ptr_array_index (self->codecs, i));
  else
    {
      const LwCodec *codec = g_ptr_array_index (self->codecs, i);
      /* Unticked curves are dropped: the plot shows what is ticked. */
      invalidate (self, codec);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TICKED]);
}

static void
on_metric_selected_cb (GtkDropDown *dropdown,
                       GParamSpec  *pspec,
                       LwRdPanel   *self)
{
  guint i = gtk_drop_down_get_selected (dropdown);

  if (i != GTK_INVALID_LIST_POSITION)
    lw_rd_plot_set_metric (self->plot, (LwRdMetric) i);
}

static void
on_plot_metric_cb (LwRdPlot    *plot,
                   GParamSpec  *pspec,
                   GtkDropDown *dropdown)
{
  guint metric = (guint) lw_rd_plot_get_metric (plot);

  if (gtk_drop_down_get_selected (dropdown) != metric)
    gtk_drop_down_set_selected (dropdown, metric);
}

static void
on_anchor_selected_cb (GtkDropDown *dropdown,
                       GParamSpec  *pspec,
                       LwRdPanel   *self)
{
  guint i = gtk_drop_down_get_selected (dropdown);

  if (self->syncing || i >= self->codecs->len)
    return;
  g_free (self->anchor);
  self->anchor = g_strdup (((const LwCodec *) g_ptr_array_index (self->codecs, i))->name);
  update_bd_table (self);
}

static GtkWidget *
button_for (const char *label,
            const char *action,
            const char *tooltip)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_set_tooltip_text (button, tooltip);
  return button;
}

static void
build (LwRdPanel *self)
{
  const LwCodec **all = lw_codec_list ();
  g_autoptr (GtkStringList) titles = gtk_string_list_new (NULL);
  const char *metrics[] = { lw_rd_metric_get_title (LW_RD_METRIC_PSNR),
                            lw_rd_metric_get_title (LW_RD_METRIC_PSNR_Y),
                            lw_rd_metric_get_title (LW_RD_METRIC_SSIM),
                            lw_rd_metric_get_title (LW_RD_METRIC_MS_SSIM), NULL };
  GtkWidget *flow, *row, *metric, *log_check, *cancel, *label, *exports;

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  flow = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 4);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (flow), 6);
  gtk_widget_set_tooltip_text (flow, _("Codecs whose rate–distortion curves are computed and drawn"));
  for (guint i = 0; all[i] != NULL; i++)
    {
      const LwCodec *c = all[i];
      GtkWidget *check;

      if (c->kind != LW_MEDIA_IMAGE || c->sweep_param == NULL ||
          lw_params_index (c, c->sweep_param) < 0)
        continue;
      check = gtk_check_button_new_with_label (c->title);
      gtk_widget_set_tooltip_text (check, c->description);
      g_signal_connect (check, "toggled", G_CALLBACK (on_check_toggled_cb), self);
      gtk_flow_box_append (GTK_FLOW_BOX (flow), check);
      g_ptr_array_add (self->codecs, (gpointer) c);
      g_ptr_array_add (self->checks, check);
      gtk_string_list_append (titles, c->title);
    }
  gtk_box_append (GTK_BOX (self->box), flow);

  self->plot = LW_RD_PLOT (lw_rd_plot_new ());
  gtk_widget_set_size_request (GTK_WIDGET (self->plot), -1, 240);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->plot));

  self->progress_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->progress_bar = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_progress_bar_set_show_text (self->progress_bar, TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->progress_bar), TRUE);
  gtk_widget_set_valign (GTK_WIDGET (self->progress_bar), GTK_ALIGN_CENTER);
  cancel = button_for (_("_Cancel"), "image.cancel-rd", _("Stop computing curves"));
  gtk_box_append (GTK_BOX (self->progress_row), GTK_WIDGET (self->progress_bar));
  gtk_box_append (GTK_BOX (self->progress_row), cancel);
  gtk_widget_set_visible (self->progress_row, FALSE);
  gtk_box_append (GTK_BOX (self->box), self->progress_row);

  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  metric = gtk_drop_down_new_from_strings (metrics);
  gtk_widget_set_tooltip_text (metric, _("Quality measure on the vertical axis"));
  g_signal_connect (metric, "notify::selected", G_CALLBACK (on_metric_selected_cb), self);
  g_signal_connect_object (self->plot, "notify::metric", G_CALLBACK (on_plot_metric_cb), metric,
                           0);
  log_check = gtk_check_button_new_with_mnemonic (_("_Log rate axis"));
  g_object_bind_property (log_check, "active", self->plot, "log-rate",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  gtk_box_append (GTK_BOX (row), metric);
  gtk_box_append (GTK_BOX (row), log_check);
  gtk_box_append (GTK_BOX (self->box), row);

  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  label = gtk_label_new_with_mnemonic (_("_Anchor"));
  self->anchor_dropdown = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (titles)), NULL);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), self->anchor_dropdown);
  gtk_widget_set_tooltip_text (self->anchor_dropdown,
                               _("Codec the Bjøntegaard deltas are measured against"));
  g_signal_connect (self->anchor_dropdown, "notify::selected",
                    G_CALLBACK (on_anchor_selected_cb), self);
  gtk_box_append (GTK_BOX (row), label);
  gtk_box_append (GTK_BOX (row), self->anchor_dropdown);
  gtk_box_append (GTK_BOX (self->box), row);

  self->bd_grid = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (self->bd_grid), 12);
  gtk_widget_set_visible (self->bd_grid, FALSE);
  gtk_box_append (GTK_BOX (self->box), self->bd_grid);

  exports = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append (GTK_BOX (exports), button_for (_("Export _Plot…"), "image.export-plot",
                                                 _("Save the plot as PNG, SVG or PDF (Ctrl+E)")));
  gtk_box_append (GTK_BOX (exports), button_for (_("Export _CSV…"), "image.export-csv",
                                                 _("Save the curves’ points as CSV (Ctrl+Shift+E)")));
  gtk_box_append (GTK_BOX (self->box), exports);
}

/* GObject */

static void
lw_rd_panel_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  LwRdPanel *self = LW_RD_PANEL (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->running != NULL);
      break;
    case PROP_TICKED:
      g_value_take_boxed (value, lw_rd_panel_get_ticked (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lw_rd_panel_dispose (GObject *object)
{
  LwRdPanel *self = LW_RD_PANEL (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->running = NULL;
  self->job = NULL;
  g_queue_clear (&self->queue);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_pointer (&self->image, lw_shared_image_unref);

  G_OBJECT_CLASS (lw_rd_panel_parent_class)->dispose (object);
}

static void
lw_rd_panel_finalize (GObject *object)
{
  LwRdPanel *self = LW_RD_PANEL (object);

  g_clear_pointer (&self->codecs, g_ptr_array_unref);
  g_clear_pointer (&self->checks, g_ptr_array_unref);
  g_clear_pointer (&self->bases, g_hash_table_unref);
  g_clear_pointer (&self->curves, g_hash_table_unref);
  g_free (self->anchor);

  G_OBJECT_CLASS (lw_rd_panel_parent_class)->finalize (object);
}

static void
lw_rd_panel_class_init (LwRdPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = lw_rd_panel_get_property;
  object_class->dispose = lw_rd_panel_dispose;
  object_class->finalize = lw_rd_panel_finalize;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TICKED] =
    g_param_spec_boxed ("ticked", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LwRdPanel::message:
   * @text: something the user should know, such as why a codec has no curve
   */
  signals[SIGNAL_MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "lw-rd-panel");
}

static void
lw_rd_panel_init (LwRdPanel *self)
{
  self->codecs = g_ptr_array_new ();
  self->checks = g_ptr_array_new ();
  self->bases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) lw_params_free);
  self->curves = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) lw_rd_curve_free);
  g_queue_init (&self->queue);
  self->n_points = 8;
  build (self);
  lw_rd_panel_set_anchor (self, "jpeg");
}

/* Public API */

GtkWidget *
lw_rd_panel_new (void)
{
  return g_object_new (LW_TYPE_RD_PANEL, NULL);
}

void
lw_rd_panel_set_image (LwRdPanel     *self,
                       LwSharedImage *image)
{
  g_return_if_fail (LW_IS_RD_PANEL (self));

  if (image == self->image)
    return;
  g_clear_pointer (&self->image, lw_shared_image_unref);
  self->image = image ? lw_shared_image_ref (image) : NULL;
  for (guint i = 0; i < self->codecs->len; i++)
    invalidate (self, g_ptr_array_index (self->codecs, i));
}

static gboolean
same_base (const LwParams *a,
           const LwParams *b)
{
  const LwCodec *codec = a->codec;

  if (b == NULL || b->codec != codec)
    return FALSE;
  for (guint i = 0; i < codec->n_params; i++)
    if (g_strcmp0 (codec->params[i].name, codec->sweep_param) != 0 &&
        a->values[i] != b->values[i])
      return FALSE;
  return TRUE;
}

void
lw_rd_panel_set_params (LwRdPanel      *self,
                        const LwParams *params)
{
  const LwCodec *codec;
  const LwParams *old;

  g_return_if_fail (LW_IS_RD_PANEL (self));
  g_return_if_fail (params != NULL);

  codec = params->codec;
  self->current = codec;
  old = g_hash_table_lookup (self->bases, codec->name);
  /* A never-seen codec whose settings are its defaults keeps any curve it has. */
  if (old == NULL)
    {
      g_autoptr (LwParams) defaults = lw_params_new (codec);
      g_hash_table_insert (self->bases, g_strdup (codec->name), lw_params_copy (params));
      if (!same_base (params, defaults))
        invalidate (self, codec);
      return;
    }
  if (same_base (params, old))
    return;
  g_hash_table_insert (self->bases, g_strdup (codec->name), lw_params_copy (params));
  invalidate (self, codec);
}

void
lw_rd_panel_set_operating_point (LwRdPanel       *self,
                                 const LwMeasure *m)
{
  g_return_if_fail (LW_IS_RD_PANEL (self));

  if (m == NULL || self->current == NULL)
    lw_rd_plot_set_operating_point (self->plot, NULL, NAN, NAN, NAN, NAN, NAN);
  else
    lw_rd_plot_set_operating_point (self->plot, self->current->name, m->bpp, m->psnr, m->psnr_y,
                                    m->ssim, m->ms_ssim);
}

void
lw_rd_panel_set_n_points (LwRdPanel *self,
                          guint      n_points)
{
  g_return_if_fail (LW_IS_RD_PANEL (self));

  n_points = CLAMP (n_points, 4, 32);
  if (n_points == self->n_points)
    return;
  self->n_points = n_points;
  for (guint i = 0; i < self->codecs->len; i++)
    invalidate (self, g_ptr_array_index (self->codecs, i));
}

char **
lw_rd_panel_get_ticked (LwRdPanel *self)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  char **names;

  for (guint i = 0; i < self->codecs->len; i++)
    if (gtk_check_button_get_active (g_ptr_array_index (self->checks, i)))
      g_strv_builder_add (builder,
                          ((const LwCodec *) g_ptr_array_index (self->codecs, i))->name);
  names = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return names;
}

void
lw_rd_panel_set_ticked (LwRdPanel          *self,
                        const char * const *codecs)
{
  g_return_if_fail (LW_IS_RD_PANEL (self));

  for (guint i = 0; i < self->codecs->len; i++)
    {
      const LwCodec *c = g_ptr_array_index (self->codecs, i);
      gboolean on = codecs != NULL && g_strv_contains (codecs, c->name);
      GtkCheckButton *check = g_ptr_array_index (self->checks, i);

      /* Through the toggled handler: it queues or drops the curve and notifies. */
      if (gtk_check_button_get_active (check) != on)
        gtk_check_button_set_active (check, on);
    }
}

const char *
lw_rd_panel_get_anchor (LwRdPanel *self)
{
  g_return_val_if_fail (LW_IS_RD_PANEL (self), NULL);
  return self->anchor;
}

void
lw_rd_panel_set_anchor (LwRdPanel  *self,
                        const char *codec)
{
  int i;

  g_return_if_fail (LW_IS_RD_PANEL (self));
  i = codec ? codec_index (self, codec) : -1;
  if (i < 0)
    return;
  g_free (self->anchor);
  self->anchor = g_strdup (codec);
  self->syncing = TRUE;
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->anchor_dropdown), (guint) i);
  self->syncing = FALSE;
  update_bd_table (self);
}

LwRdPlot *
lw_rd_panel_get_plot (LwRdPanel *self)
{
  g_return_val_if_fail (LW_IS_RD_PANEL (self), NULL);
  return self->plot;
}

gboolean
lw_rd_panel_get_busy (LwRdPanel *self)
{
  g_return_val_if_fail (LW_IS_RD_PANEL (self), FALSE);
  return self->running != NULL;
}

double
lw_rd_panel_get_progress (LwRdPanel *self)
{
  g_return_val_if_fail (LW_IS_RD_PANEL (self), 0.0);
  return gtk_progress_bar_get_fraction (self->progress_bar);
}

void
lw_rd_panel_cancel (LwRdPanel *self)
{
  g_return_if_fail (LW_IS_RD_PANEL (self));

  g_queue_clear (&self->queue);
  if (self->running != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      self->running = NULL;
      self->job = NULL;
    }
  start_next (self);
}

gboolean
lw_rd_panel_get_bd_rate (LwRdPanel  *self,
                         const char *codec,
                         double     *percent)
{
  LwRdCurve *anchor, *test;

  g_return_val_if_fail (LW_IS_RD_PANEL (self), FALSE);
  anchor = self->anchor ? g_hash_table_lookup (self->curves, self->anchor) : NULL;
  test = g_hash_table_lookup (self->curves, codec);
  return anchor != NULL && test != NULL && lw_bd_rate (anchor, test, percent, NULL);
}

gboolean
lw_rd_panel_export_csv (LwRdPanel  *self,
                        const char *path,
                        GError    **error)
{
  g_autoptr (GPtrArray) curves = g_ptr_array_new ();

  g_return_val_if_fail (LW_IS_RD_PANEL (self), FALSE);
  for (guint i = 0; i < self->codecs->len; i++)
    {
      LwRdCurve *curve = g_hash_table_lookup (self->curves,
                                              ((const LwCodec *) g_ptr_array_index (self->codecs, i))->name);
      if (curve != NULL)
        g_ptr_array_add (curves, curve);
    }
  return lw_rd_curves_write_csv ((LwRdCurve * const *) curves->pdata, curves->len, path, error);
}
