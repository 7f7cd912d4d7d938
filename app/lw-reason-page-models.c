/* lw-reason-page-models.c — the reasoning page's models: where the checkpoints are looked for,
 * loading them (with the test set) on a worker, and what the page says about each
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-reason-page"

#include "config.h"

#include <glib/gi18n.h>

#include "lw-reason-page-private.h"

LwReasonModels *
_lw_reason_models_ref (LwReasonModels *models)
{
  g_atomic_ref_count_inc (&models->ref);
  return models;
}

void
_lw_reason_models_unref (LwReasonModels *models)
{
  if (!g_atomic_ref_count_dec (&models->ref))
    return;
  for (guint s = 0; s < LW_REASON_N_STAGES; s++)
    {
      g_free (models->path[s]);
      g_free (models->error[s]);
      lw_reasoner_free (models->model[s]);
    }
  lw_reason_test_set_free (models->test_set);
  g_free (models->folders);
  g_free (models);
}

/* The folders to look in, in order: $LW_REASON_MODELS alone when set (so a test or a user
 * decides exactly which models exist), else the bundled data folders' models/ (as for the
 * samples: $LW_DATADIR, the installed folder, the source tree) and the user's own folder, where
 * `latent-workbench-cli reason train` output is meant to go. */
static GPtrArray *
model_folders (void)
{
  GPtrArray *folders = g_ptr_array_new_with_free_func (g_free);
  const char *env = g_getenv ("LW_REASON_MODELS");
  const char *roots[] = { g_getenv ("LW_DATADIR"), LW_PKGDATADIR, LW_SOURCE_DATADIR };

  if (env != NULL && *env != '\0')
    {
      g_ptr_array_add (folders, g_strdup (env));
      return folders;
    }
  for (guint i = 0; i < G_N_ELEMENTS (roots); i++)
    if (roots[i] != NULL && *roots[i] != '\0')
      g_ptr_array_add (folders, g_build_filename (roots[i], "models", NULL));
  g_ptr_array_add (folders, g_build_filename (g_get_user_data_dir (), "latent-workbench",
                                              "reason", NULL));
  return folders;
}

void
_lw_reason_models_load_thread (GTask        *task,
                               gpointer      source_object,
                               gpointer      task_data,
                               GCancellable *cancellable)
{
  g_autoptr (GPtrArray) folders = model_folders ();
  LwReasonModels *models = g_new0 (LwReasonModels, 1);

  g_atomic_ref_count_init (&models->ref);
  g_ptr_array_add (folders, NULL);
  models->folders = g_strjoinv ("\n", (char **) folders->pdata);
  for (guint s = 0; s < LW_REASON_N_STAGES; s++)
    {
      g_autofree char *name = g_strdup_printf ("reason-%s.safetensors", lw_reason_stage_name (s));
      g_autoptr (GError) error = NULL;

      for (guint i = 0; folders->pdata[i] != NULL && models->path[s] == NULL; i++)
        {
          char *path = g_build_filename (folders->pdata[i], name, NULL);
          if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
            models->path[s] = path;
          else
            g_free (path);
        }
      if (models->path[s] == NULL || g_cancellable_is_cancelled (cancellable))
        continue;
      models->model[s] = lw_reasoner_load (models->path[s], &error);
      if (models->model[s] != NULL && lw_reasoner_stage (models->model[s]) != s)
        {
          /* Translators: a checkpoint file holds a model of another training stage */
          models->error[s] = g_strdup_printf (_("it holds a %s model, not a %s model"),
                                              lw_reason_stage_name (lw_reasoner_stage (models->model[s])),
                                              lw_reason_stage_name (s));
          g_clear_pointer (&models->model[s], lw_reasoner_free);
        }
      else if (models->model[s] == NULL)
        models->error[s] = g_strdup (error->message);
    }
  models->test_set = lw_reason_test_set_new (LW_REASON_TEST_SEED, LW_REASONER_TEST_SIZE);
  g_task_return_pointer (task, models, (GDestroyNotify) _lw_reason_models_unref);
}

const char *
_lw_reason_stage_title (LwReasonStage stage)
{
  switch (stage)
    {
    case LW_REASON_STAGE_COT:
      return _("CoT");
    case LW_REASON_STAGE_NO_COT:
      return _("No-CoT");
    case LW_REASON_STAGE_RL:
      return _("CoLaR + RL");
    case LW_REASON_STAGE_COLAR:
    default:
      return _("CoLaR");
    }
}

char *
_lw_reason_missing_text (LwReasonStage stage)
{
  switch (stage)
    {
    case LW_REASON_STAGE_COT:
      return g_strdup (_("No CoT model yet: train one with `latent-workbench-cli reason train "
                         "--stage cot --out reason-cot.safetensors`"));
    case LW_REASON_STAGE_NO_COT:
      return g_strdup (_("No no-CoT model yet: train one with `latent-workbench-cli reason "
                         "train --stage nocot --out reason-nocot.safetensors`"));
    case LW_REASON_STAGE_RL:
      return g_strdup (_("No RL model yet (optional): train one with `latent-workbench-cli "
                         "reason train --stage rl --from reason-colar.safetensors --out "
                         "reason-rl.safetensors`"));
    case LW_REASON_STAGE_COLAR:
    default:
      return g_strdup (_("No CoLaR model yet: train one with `latent-workbench-cli reason "
                         "train --stage colar --from reason-cot.safetensors --out "
                         "reason-colar.safetensors`"));
    }
}

static void
append_meta (GString          *out,
             const LwReasoner *model,
             const char       *title,
             const char       *key)
{
  const char *value = lw_reasoner_get_meta (model, key);

  if (value != NULL)
    g_string_append_printf (out, "\n%s: %s", title, value);
}

/* Everything a checkpoint says about how it was made (its curve is in the Training view) */
char *
_lw_reason_models_details (LwReasonModels *models,
                           LwReasonStage   stage)
{
  LwReasoner *m = models->model[stage];
  const LwGptConfig *c;
  GString *out;

  if (m == NULL)
    return g_strdup (models->error[stage] ? models->error[stage] : "");
  c = lw_gpt_config (lw_reasoner_gpt (m));
  out = g_string_new (NULL);
  /* Translators: model details; the first %s is the stage (cot, nocot, colar), then a path */
  g_string_append_printf (out, _("Stage: %s\nFile: %s"), lw_reason_stage_name (stage),
                          models->path[stage]);
  /* Translators: model size: embedding width, layers, heads, context length */
  g_string_append_printf (out, _("\nModel: d = %u, %u layers, %u heads, T ≤ %u"), c->dim,
                          c->layers, c->heads, c->max_t);
  append_meta (out, m, _("Training steps"), "lw.reason.step");
  append_meta (out, m, _("Planned steps"), "lw.reason.train.steps");
  append_meta (out, m, _("Learning rate"), "lw.reason.train.lr");
  append_meta (out, m, _("Final learning rate"), "lw.reason.train.lr_min");
  append_meta (out, m, _("Warm-up steps"), "lw.reason.train.warmup");
  append_meta (out, m, _("Batch"), "lw.reason.train.batch");
  append_meta (out, m, _("Weight decay"), "lw.reason.train.weight_decay");
  append_meta (out, m, _("Seed"), "lw.reason.train.seed");
  append_meta (out, m, _("Latent loss"), "lw.reason.colar.loss");
  append_meta (out, m, _("Latent loss weight"), "lw.reason.colar.latent_weight");
  append_meta (out, m, _("Entropy weight"), "lw.reason.colar.entropy_weight");
  append_meta (out, m, _("Compression factors (bit mask)"), "lw.reason.colar.speed_mask");
  append_meta (out, m, _("Deterministic head"), "lw.reason.colar.deterministic");
  append_meta (out, m, _("Latent head width"), "lw.reason.model.latent_dim");
  append_meta (out, m, _("c drawn per sequence"), "lw.reason.colar.mix_speeds");
  append_meta (out, m, _("Latent loss averaged per sequence"), "lw.reason.colar.row_mean");
  append_meta (out, m, _("Embeddings trained"), "lw.reason.colar.train_embeddings");
  append_meta (out, m, _("Embedding scale"), "lw.reason.embeds_std");
  append_meta (out, m, _("Started from"), "lw.reason.colar.from");
  append_meta (out, m, _("CoT steps before"), "lw.reason.colar.cot_steps");
  append_meta (out, m, _("Command"), "lw.reason.command");
  return g_string_free (out, FALSE);
}
