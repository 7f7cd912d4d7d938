/* lw-train-dialog-run.c — a training run of the Train Decoder window: the worker thread,
 * progress carried to the window, the curves and the progress bar, the outcome
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A run is a reference-counted LwTrainRun shared by the window, the worker thread and the
 * idle that carries progress. The worker owns the trainer and never touches a widget: after
 * each step it appends the step's figures to run->pending under a lock and, if no idle is
 * scheduled yet, schedules one low-priority idle, which hands everything that arrived since
 * to the window in one go (so a fast trainer costs one redraw per frame, not one per step).
 * The run points back at the window only for the main thread's callbacks, and the window's
 * finalize clears that pointer, so closing the window while training only cancels: the worker
 * saves a checkpoint (the trainer writes one when stopped), restores the BLAS thread count and
 * returns to a callback that finds no window and frees the run. A window that is destroyed
 * but still referenced (tests) keeps hearing from its run, without touching its widgets.
 */
#define G_LOG_DOMAIN "lw-train-dialog"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>

#include "lw-blas.h"
#include "lw-error.h"
#include "lw-settings.h"
#include "lw-train-dialog-private.h"

#define EMA_DECAY    0.95   /* smoothing of the loss curve, about 20 steps */

/* Runs */

static LwTrainRun *
run_ref (LwTrainRun *run)
{
  g_atomic_ref_count_inc (&run->ref);
  return run;
}

static void
run_unref (LwTrainRun *run)
{
  if (!g_atomic_ref_count_dec (&run->ref))
    return;
  g_mutex_clear (&run->lock);
  g_array_unref (run->pending);
  g_clear_object (&run->cancellable);
  lw_decoder_train_config_clear (&run->config);
  g_free (run->resume);
  g_free (run->output);
  g_free (run->threads_note);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwTrainRun, run_unref)

static char *
format_duration (double seconds)
{
  guint s = (guint) MAX (0, round (seconds));

  if (s < 60)
    /* Translators: a duration in seconds */
    return g_strdup_printf (_("%u s"), s);
  if (s < 3600)
    /* Translators: a duration in minutes and seconds */
    return g_strdup_printf (_("%u min %02u s"), s / 60, s % 60);
  /* Translators: a duration in hours and minutes */
  return g_strdup_printf (_("%u h %02u min"), s / 3600, (s / 60) % 60);
}

/* Progress, on the main thread */

static void
show_progress (LwTrainDialog                *self,
               const LwDecoderTrainProgress *p)
{
  double fraction = p->steps > 0 ? (double) p->step / p->steps : 0;
  g_autofree char *text = NULL;
  g_autofree char *status = NULL;
  /* numbers first: a 64-bit format macro cannot go into a translatable string */
  g_autofree char *step = g_strdup_printf ("%" G_GUINT64_FORMAT, p->step);
  g_autofree char *steps = g_strdup_printf ("%" G_GUINT64_FORMAT, p->steps);
  double smooth = self->ema / (1 - pow (EMA_DECAY, self->ema_n));

  if (p->step >= p->steps)
    {
      g_autofree char *took = format_duration (p->elapsed_s);
      /* Translators: training is complete: the number of steps, then how long this run took
       * (a resumed run counts from where it resumed) */
      text = g_strdup_printf (_("Done: %s steps (%s in this run)"), steps, took);
    }
  else if (isfinite (p->eta_s) && p->step > 0)
    {
      g_autofree char *eta = format_duration (p->eta_s);
      /* Translators: progress of training: step, total steps, the estimated time left */
      text = g_strdup_printf (_("Step %s of %s · %s left"), step, steps, eta);
    }
  else
    /* Translators: progress of training: step, total steps */
    text = g_strdup_printf (_("Step %s of %s"), step, steps);
  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0, 1));
  gtk_progress_bar_set_text (self->progress_bar, text);

  /* Translators: training figures: the loss (mean squared error) and the learning rate */
  status = g_strdup_printf (_("Loss %.2f (smoothed %.2f) · learning rate %.2g"), p->loss,
                            smooth, p->lr);
  if (self->has_eval)
    {
      g_autofree char *with = NULL;

      /* Translators: validation PSNR of the learned and linear decoders and the gain */
      with = g_strdup_printf (_("%s · validation %.2f dB learned, %.2f dB linear (%+.2f dB)"),
                              status, self->eval_learned, self->eval_linear,
                              self->eval_learned - self->eval_linear);
      g_free (status);
      status = g_steal_pointer (&with);
    }
  gtk_label_set_text (self->status_label, status);
}

static void
take_progress (LwTrainDialog                *self,
               const LwDecoderTrainProgress *p)
{
  self->step = p->step;
  if (isfinite (p->loss))
    {
      self->ema = EMA_DECAY * self->ema + (1 - EMA_DECAY) * p->loss;
      self->ema_n++;
      lw_line_plot_add_point (self->loss_plot, _("Loss"), p->step, p->loss);
      lw_line_plot_add_point (self->loss_plot, _("Smoothed"), p->step,
                              self->ema / (1 - pow (EMA_DECAY, self->ema_n)));
    }
  if (p->has_eval)
    {
      lw_line_plot_add_point (self->psnr_plot, _("Learned"), p->step, p->eval_psnr);
      lw_line_plot_add_point (self->psnr_plot, _("Linear"), p->step, p->eval_psnr_linear);
      self->has_eval = TRUE;
      self->eval_learned = p->eval_psnr;
      self->eval_linear = p->eval_psnr_linear;
    }
}

/* Everything the worker reported since the last call; the newest figures go on show */
static void
drain (LwTrainRun *run)
{
  LwTrainDialog *self = run->dialog;
  g_autoptr (GArray) batch = NULL;
  g_autofree char *note = NULL;

  g_mutex_lock (&run->lock);
  batch = run->pending;
  run->pending = g_array_new (FALSE, FALSE, sizeof (LwDecoderTrainProgress));
  run->idle_queued = FALSE;
  g_mutex_unlock (&run->lock);

  if (self == NULL || self->disposed || self->run != run)
    return;
  g_mutex_lock (&run->lock);
  note = g_steal_pointer (&run->threads_note);
  g_mutex_unlock (&run->lock);
  if (note != NULL)
    _lw_train_dialog_toast (self, note);
  if (batch->len == 0)
    return;
  for (guint i = 0; i < batch->len; i++)
    take_progress (self, &g_array_index (batch, LwDecoderTrainProgress, i));
  show_progress (self, &g_array_index (batch, LwDecoderTrainProgress, batch->len - 1));
  /* a checkpoint may have appeared: "Use This Decoder" needs nothing more */
  _lw_train_dialog_update_actions (self);
}

static gboolean
drain_idle_cb (gpointer data)
{
  drain (data);
  return G_SOURCE_REMOVE;
}

/* The worker */

static gboolean
on_step_cb (const LwDecoderTrainProgress *progress,
            gpointer                      user_data)
{
  LwTrainRun *run = user_data;

  g_mutex_lock (&run->lock);
  g_array_append_val (run->pending, *progress);
  if (!run->idle_queued)
    {
      run->idle_queued = TRUE;
      g_idle_add_full (G_PRIORITY_LOW, drain_idle_cb, run_ref (run), (GDestroyNotify) run_unref);
    }
  g_mutex_unlock (&run->lock);
  return !g_cancellable_is_cancelled (run->cancellable);
}

static void
train_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  LwTrainRun *run = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (LwDecoderTrainer) trainer = NULL;
  guint threads = lw_blas_get_threads ();
  gboolean ok;

  /* The "Threads for training" preference; Automatic measures it here, where the run is
   * about to use BLAS anyway */
  if (run->config.threads == 0)
    {
      double one = 0, all = 0;
      guint n = lw_blas_probe_threads (0.5, &one, &all);
      g_mutex_lock (&run->lock);
      g_free (run->threads_note);
      /* Translators: BLAS thread count chosen by measuring; the rates are GFLOP/s */
      run->threads_note = g_strdup_printf (ngettext ("Training with %u thread (measured: one "
                                                     "thread %.0f GFLOP/s, all cores %.0f)",
                                                     "Training with %u threads (measured: one "
                                                     "thread %.0f GFLOP/s, all cores %.0f)", n),
                                           n, one, all);
      g_mutex_unlock (&run->lock);
      run->config.threads = n;
    }
  trainer = lw_decoder_trainer_new (&run->config, run->resume, &error);
  if (trainer == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* the trainer sets config.threads for the run; the count before is restored after */
  ok = lw_decoder_trainer_run (trainer, on_step_cb, run, run->output, run->checkpoint_every,
                               cancellable, &error);
  lw_blas_set_threads (threads);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
on_train_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (LwTrainRun) run = user_data;
  g_autoptr (LwTrainDialog) self = run->dialog ? g_object_ref (run->dialog) : NULL;
  g_autoptr (GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  /* progress still queued comes before the outcome */
  drain (run);
  if (self == NULL || self->run != run)
    return;
  self->resumable = !ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  _lw_train_dialog_set_running (self, FALSE);
  if (self->disposed)
    return;
  if (ok)
    {
      g_autofree char *name = g_path_get_basename (run->output);
      /* Translators: %s is the model file's name */
      g_autofree char *text = g_strdup_printf (_("Training finished; saved “%s”"), name);
      gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
      _lw_train_dialog_toast (self, text);
    }
  else if (self->resumable)
    _lw_train_dialog_toast (self, _("Training stopped; resume continues from the checkpoint"));
  else
    {
      /* Translators: %s says why training failed */
      g_autofree char *text = g_strdup_printf (_("Training failed: %s"), error->message);
      gtk_progress_bar_set_text (self->progress_bar, _("Failed"));
      gtk_label_set_text (self->status_label, text);
      _lw_train_dialog_toast (self, text);
    }
  _lw_train_dialog_update_actions (self);
}

static guint
spin_value (LwTrainDialog *self,
            guint          which)
{
  return (guint) gtk_spin_button_get_value_as_int (self->spins[which]);
}

/* The preference (0 = measure when the run starts); 1 without settings, leaving a core to the
 * window */
static guint
training_threads (void)
{
  g_autoptr (GSettings) settings = lw_settings_new ();

  return settings != NULL ? g_settings_get_uint (settings, "compute-threads") : 1;
}

gboolean
_lw_train_dialog_start_run (LwTrainDialog *self,
                            const char    *resume,
                            GError       **error)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *dir = NULL;
  LwTrainRun *run;

  if (self->running)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_FAILED, _("a training runs already"));
      return FALSE;
    }
  if (self->images == NULL || self->images[0] == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   _("no training images: choose a folder of PNG or JPEG images first"));
      return FALSE;
    }
  dir = g_path_get_dirname (self->output);
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, LW_ERROR, LW_ERROR_IO, _("cannot make the folder “%s”: %s"), dir,
                   g_strerror (saved));
      return FALSE;
    }

  run = g_new0 (LwTrainRun, 1);
  g_atomic_ref_count_init (&run->ref);
  g_mutex_init (&run->lock);
  run->pending = g_array_new (FALSE, FALSE, sizeof (LwDecoderTrainProgress));
  run->dialog = self;
  run->cancellable = g_cancellable_new ();
  lw_decoder_train_config_init (&run->config);
  run->config.images = g_strdupv (self->images);
  run->config.steps = (guint64) gtk_spin_button_get_value (self->spins[SET_STEPS]);
  run->config.batch = spin_value (self, SET_BATCH);
  run->config.crop = spin_value (self, SET_CROP) / 8 * 8;
  run->config.model.width = spin_value (self, SET_WIDTH);
  run->config.model.blocks = spin_value (self, SET_BLOCKS);
  run->config.proxy = adw_combo_row_get_selected (self->proxy_row) == 1 ? LW_PROXY_QUANTISE
                                                                         : LW_PROXY_NOISE;
  run->config.warmup = MIN (run->config.warmup, run->config.steps / 10);
  /* about 30 validation points and 20 checkpoints over a run, whatever its length */
  run->config.eval_every = (guint) CLAMP (run->config.steps / 30, 1, 100);
  run->config.threads = training_threads ();
  run->checkpoint_every = (guint) CLAMP (run->config.steps / 20, 10, 250);
  run->resume = g_strdup (resume);
  run->output = g_strdup (self->output);

  if (self->run != NULL)
    _lw_train_run_detach (self->run);
  self->run = run;
  self->resumable = FALSE;
  lw_line_plot_set_x_range (self->loss_plot, 0, run->config.steps);
  lw_line_plot_set_x_range (self->psnr_plot, 0, run->config.steps);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar,
                             resume ? _("Loading the checkpoint…") : _("Loading the images…"));
  _lw_train_dialog_set_running (self, TRUE);

  task = g_task_new (NULL, run->cancellable, on_train_done_cb, run_ref (run));
  g_task_set_source_tag (task, _lw_train_dialog_start_run);
  g_task_set_task_data (task, run_ref (run), (GDestroyNotify) run_unref);
  g_task_run_in_thread (task, train_thread);
  return TRUE;
}

void
_lw_train_run_detach (LwTrainRun *run)
{
  run->dialog = NULL;
  run_unref (run);
}
