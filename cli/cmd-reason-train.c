/* cmd-reason-train.c — `latent-workbench-cli reason train|export`: training a stage with
 * progress, and exporting a finished model (optionally with its recorded training logs)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * train: progress on stderr (or JSON lines on stdout with --json); --out is written every
 * CHECKPOINT_EVERY steps and at the end, atomically, with the optimiser state, so passing it
 * back as --from resumes. SIGINT stops after the current step and saves (exit 130).
 * export: the model without the optimiser state; --curve attaches `train --json` logs.
 */
#define G_LOG_DOMAIN "lw-cli"

#include "cmd-reason-private.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lw-blas.h"
#include "lw-error.h"

#define CHECKPOINT_EVERY 250
#define PRINT_EVERY 25
#define PRINT_EVERY_RL 4

/* ---- train --------------------------------------------------------------------------------- */

typedef struct
{
  gboolean json;
  gboolean colar;
  gboolean rl;
} TrainUi;

static gboolean
on_train_progress (const LwReasonTrainProgress *p, gpointer user_data)
{
  TrainUi *ui = user_data;
  guint every = ui->rl ? PRINT_EVERY_RL : PRINT_EVERY;
  if (p->step % every != 0 && p->step != p->steps && p->step != 1)
    return !cli_interrupted ();
  if (ui->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "step");
      json_builder_add_int_value (b, (gint64) p->step);
      json_builder_set_member_name (b, "steps");
      json_builder_add_int_value (b, (gint64) p->steps);
      cli_json_add_double (b, "loss", p->loss);
      if (ui->rl)
        {
          cli_json_add_double (b, "reward", p->reward);
          cli_json_add_double (b, "accuracy", p->accuracy);
          cli_json_add_double (b, "mean_latent", p->mean_latent);
          cli_json_add_double (b, "latent", p->latent);
          cli_json_add_double (b, "answer_loss", p->answer_loss);
          cli_json_add_double (b, "clip_frac", p->clip_frac);
          cli_json_add_double (b, "mean_log_sigma", p->mean_log_sigma);
        }
      else
        cli_json_add_double (b, "ce", p->ce);
      if (ui->colar)
        {
          json_builder_set_member_name (b, "c");
          json_builder_add_int_value (b, p->speed);
          cli_json_add_double (b, "latent", p->latent);
          cli_json_add_double (b, "mean_log_sigma", p->mean_log_sigma);
        }
      cli_json_add_double (b, "grad_norm", p->grad_norm);
      cli_json_add_double (b, "lr", p->lr);
      cli_json_add_double (b, "elapsed_s", p->elapsed_s);
      cli_json_add_double (b, "eta_s", p->eta_s);
      json_builder_end_object (b);
      _cli_reason_print_json (b);
    }
  else
    {
      g_autofree char *elapsed = cli_format_duration (p->elapsed_s);
      g_autofree char *eta = cli_format_duration (p->eta_s);
      if (ui->rl)
        g_printerr ("step %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT "  reward %.3f  "
                    "accuracy %.3f  #L %.1f  surrogate %.4f + %.4f  clipped %.1f %%  "
                    "elapsed %s  ETA %s\n", p->step, p->steps, p->reward, p->accuracy,
                    p->mean_latent, p->latent, p->answer_loss, 100.0 * p->clip_frac, elapsed,
                    eta);
      else if (ui->colar)
        g_printerr ("step %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT "  loss %.4f  CE %.4f  "
                    "latent %.4f  log σ %.2f  c %u  lr %.2e  elapsed %s  ETA %s\n", p->step,
                    p->steps, p->loss, p->ce, p->latent, p->mean_log_sigma, p->speed, p->lr,
                    elapsed, eta);
      else
        g_printerr ("step %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT "  loss %.4f  lr %.2e  "
                    "elapsed %s  ETA %s\n", p->step, p->steps, p->loss, p->lr, elapsed, eta);
    }
  return !cli_interrupted ();
}

int
_cli_reason_train (int argc, char **argv)
{
  g_autofree char *stage_name = NULL, *from = NULL, *out = NULL, *loss = NULL, *speeds = NULL;
  gint64 steps = 0, seed = 1;
  int threads = 0, batch = 0, group = 8, minibatch = 8, max_latent = 64;
  double lr = 0.0, entropy_weight = 0.0, latent_weight = 1.0, clip_eps = 0.2, top_p = 0.9;
  double latent_temperature = 1.0;
  gboolean json = FALSE, deterministic = FALSE, mean_pool = FALSE, no_chain_labels = FALSE;
  gboolean length_penalty = FALSE, sum_loss = FALSE, mix_speeds = FALSE, train_embeddings = FALSE;
  gboolean row_mean = FALSE;
  int head_width = 0;
  const GOptionEntry entries[] = {
    { "stage", 0, 0, G_OPTION_ARG_STRING, &stage_name, "Training stage",
      "cot|nocot|colar|rl" },
    { "from", 0, 0, G_OPTION_ARG_FILENAME, &from,
      "Checkpoint to resume (same stage); for colar the cot checkpoint to start from, for rl "
      "the colar one", "CKPT" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Checkpoint to write (safetensors)", "CKPT" },
    { "steps", 0, 0, G_OPTION_ARG_INT64, &steps,
      "Total steps (cot, nocot 2500; colar 5000; rl 256)", "N" },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &lr,
      "Peak learning rate (1e-3, cosine to a tenth; rl: 1e-5, constant)", "X" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &batch,
      "Sequences per step (64); rl: questions per step (8)", "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads,
      "Threads (default: OpenBLAS's count); with 2 or more, cot, nocot and colar run the "
      "batch's two parts at once, one BLAS thread each (the same result as 1)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Random seed (1)", "N" },
    { "speeds", 0, 0, G_OPTION_ARG_STRING, &speeds,
      "colar: compression factors drawn per batch (1..5)", "LIST" },
    { "loss", 0, 0, G_OPTION_ARG_STRING, &loss, "colar: latent loss (mse)", "mse|nll" },
    { "latent-weight", 0, 0, G_OPTION_ARG_DOUBLE, &latent_weight,
      "colar: weight of the latent loss (1)", "X" },
    { "entropy-weight", 0, 0, G_OPTION_ARG_DOUBLE, &entropy_weight,
      "colar: weight of the head's entropy bonus (0)", "X" },
    { "deterministic", 0, 0, G_OPTION_ARG_NONE, &deterministic,
      "colar: the deterministic head (σ = 1e-9, \"-DL\")", NULL },
    { "mean-pool", 0, 0, G_OPTION_ARG_NONE, &mean_pool,
      "colar: merge by the mean instead of sum/√n (\"-MP\" ablation)", NULL },
    { "no-chain-labels", 0, 0, G_OPTION_ARG_NONE, &no_chain_labels,
      "colar: no CE labels inside the latent chain (\"-OC\" ablation)", NULL },
    { "mix-speeds", 0, 0, G_OPTION_ARG_NONE, &mix_speeds,
      "colar: draw c per sequence, not per batch (not CoLaR's recipe)", NULL },
    { "row-mean", 0, 0, G_OPTION_ARG_NONE, &row_mean,
      "colar: latent loss averaged per sequence, then over sequences (not per latent)", NULL },
    { "train-embeddings", 0, 0, G_OPTION_ARG_NONE, &train_embeddings,
      "colar: fine-tune the embeddings and tied head too (CoLaR freezes them)", NULL },
    { "head-width", 0, 0, G_OPTION_ARG_INT, &head_width,
      "colar: the latent head's inner width when starting from cot (the model's d)", "N" },
    { "group", 0, 0, G_OPTION_ARG_INT, &group, "rl: rollouts per question (8)", "N" },
    { "minibatch", 0, 0, G_OPTION_ARG_INT, &minibatch, "rl: rollouts per update (8)", "N" },
    { "clip-eps", 0, 0, G_OPTION_ARG_DOUBLE, &clip_eps, "rl: PPO clip ε (0.2)", "X" },
    { "top-p", 0, 0, G_OPTION_ARG_DOUBLE, &top_p, "rl: nucleus for answer tokens (0.9)", "X" },
    { "latent-temperature", 0, 0, G_OPTION_ARG_DOUBLE, &latent_temperature,
      "rl: scale of σ when sampling latents (1)", "X" },
    { "max-latent", 0, 0, G_OPTION_ARG_INT, &max_latent, "rl: cap on #L in rollouts (64)", "N" },
    { "length-penalty", 0, 0, G_OPTION_ARG_NONE, &length_penalty,
      "rl: reward ÷ #L (CoLaR's punish_latent_length)", NULL },
    { "sum-loss", 0, 0, G_OPTION_ARG_NONE, &sum_loss,
      "rl: sum a rollout's terms / 32 instead of their mean", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Progress as JSON lines on stdout", NULL },
    { NULL }
  };
  g_autofree char *command_line = g_strjoinv (" ", argv);
  if (!cli_parse_options ("reason train", "", "Trains the tiny reasoner (one stage).", entries,
                          &argc, &argv))
    return CLI_EXIT_USAGE;
  if (argc > 1)
    return cli_usage_error ("reason train", "unexpected argument “%s”", argv[1]);
  if (stage_name == NULL)
    return cli_usage_error ("reason train", "no stage (--stage cot|nocot|colar|rl)");
  if (out == NULL)
    return cli_usage_error ("reason train", "no output checkpoint (--out CKPT)");
  g_autoptr (GError) error = NULL;
  LwReasonStage stage;
  if (!lw_reason_stage_parse (stage_name, &stage, &error))
    return cli_usage_error ("reason train", "%s", error->message);
  if (steps < 0 || batch < 0 || threads < 0 || seed < 0 || !(lr >= 0) || !isfinite (lr) ||
      !(entropy_weight >= 0) || !(latent_weight >= 0))
    return cli_usage_error ("reason train", "--steps, --batch and --lr must be positive, "
                            "--threads, --seed and the weights not negative");
  if (head_width < 0 || head_width > LW_COLAR_MAX_HEAD_WIDTH)
    return cli_usage_error ("reason train", "--head-width must be 1…%d",
                            LW_COLAR_MAX_HEAD_WIDTH);
  if (group < 2 || group > 64 || minibatch < 1 || minibatch > 4096 || !(clip_eps > 0) ||
      !(clip_eps < 1) || !(top_p > 0) || !(top_p <= 1) || !(latent_temperature > 0) ||
      !(latent_temperature <= 10) || max_latent < 1 || max_latent > LW_REASON_T_MAX)
    return cli_usage_error ("reason train", "--group must be 2…64, --minibatch 1…4096, "
                            "--clip-eps in (0, 1), --top-p in (0, 1], --latent-temperature "
                            "in (0, 10] and --max-latent 1…%d", LW_REASON_T_MAX);

  LwReasonTrainConfig config;
  lw_reason_train_config_init (&config, stage);
  if (steps > 0)
    config.steps = (guint64) steps;
  config.warmup = MIN (config.warmup, config.steps / 10);
  if (lr > 0)
    {
      config.lr = lr;
      /* GRPO keeps its rate; the SFT stages decay to a tenth */
      config.lr_min = stage == LW_REASON_STAGE_RL ? lr : lr / 10;
    }
  if (batch > 0)
    config.batch = (guint) batch;
  config.rl_group = (guint) group;
  config.rl_minibatch = (guint) minibatch;
  config.rl_clip = clip_eps;
  config.rl_top_p = top_p;
  config.rl_latent_temperature = latent_temperature;
  config.rl_max_latent = (guint) max_latent;
  config.rl_length_penalty = length_penalty;
  config.rl_token_mean = !sum_loss;
  config.seed = (guint64) seed;
  config.threads = (guint) threads;
  config.latent_weight = latent_weight;
  config.entropy_weight = entropy_weight;
  config.deterministic = deterministic;
  config.mean_pool = mean_pool;
  config.no_chain_labels = no_chain_labels;
  config.mix_speeds = mix_speeds;
  config.row_mean = row_mean;
  config.train_embeddings = train_embeddings;
  config.head_width = (guint) head_width;
  if (speeds != NULL && !_cli_reason_parse_speeds (speeds, &config.speed_mask))
    return cli_usage_error ("reason train", "--speeds: “%s” is not a list of 1…5 (e.g. 1..5 or "
                            "1,3,5)", speeds);
  if (loss != NULL && strcmp (loss, "nll") == 0)
    config.latent_loss = LW_COLAR_LOSS_NLL;
  else if (loss != NULL && strcmp (loss, "mse") != 0)
    return cli_usage_error ("reason train", "--loss must be mse or nll, not “%s”", loss);

  g_autoptr (LwReasonTrainer) trainer = lw_reason_trainer_new (&config, from, &error);
  if (trainer == NULL)
    return cli_report_error (NULL, error);
  LwReasoner *model = lw_reason_trainer_get_model (trainer);
  g_autofree char *recorded = g_strdup_printf ("%s %s", CLI_PROGRAM, command_line);
  lw_reasoner_set_meta (model, "lw.reason.command", recorded);
  const char *head_loss = lw_reasoner_get_meta (model, "lw.reason.colar.loss");
  if (stage == LW_REASON_STAGE_RL && lw_reasoner_steps_trained (model) == 0 && !json &&
      g_strcmp0 (head_loss, "nll") != 0)
    g_printerr ("note: %s's latent head was trained with the MSE loss, which shrinks σ to "
                "nearly 0: its rollouts barely differ, so few groups carry a signal. GRPO "
                "explores better from a head trained with --loss nll (as CoLaR's RL does).\n",
                from);
  guint64 start = lw_reason_trainer_step (trainer);
  if (start >= config.steps)
    {
      g_printerr ("%s: %s is at step %" G_GUINT64_FORMAT " already; raise --steps to train "
                  "further\n", CLI_PROGRAM, from, start);
      return CLI_EXIT_USAGE;
    }
  const LwGptConfig *mc = lw_gpt_config (lw_reasoner_gpt (model));
  if (!json)
    g_printerr ("training %s: d=%u, %u layers, %u heads, batch %u, steps %" G_GUINT64_FORMAT
                "–%" G_GUINT64_FORMAT ", lr %.2e → %.2e, %u BLAS thread(s)\n",
                lw_reason_stage_name (stage), mc->dim, mc->layers, mc->heads, config.batch,
                start + 1, config.steps, config.lr, config.lr_min, lw_blas_get_threads ());

  TrainUi ui = { .json = json, .colar = stage == LW_REASON_STAGE_COLAR,
                 .rl = stage == LW_REASON_STAGE_RL };
  cli_sigint_catch ();
  gboolean ok = lw_reason_trainer_run (trainer, on_train_progress, &ui, out, CHECKPOINT_EVERY,
                                       NULL, &error);
  cli_sigint_release ();
  guint64 done = lw_reason_trainer_step (trainer);
  int rc = cli_train_outcome (ok, error, done, out, "--from");
  if (rc == CLI_EXIT_OK && !json)
    g_printerr ("wrote %s (%s, step %" G_GUINT64_FORMAT ")\n", out,
                lw_reason_stage_name (stage), done);
  return rc;
}

/* The members of a `reason train --json` line that are not a curve's: the run's length and
 * its timing */
static gboolean
log_member_skipped (const char *name)
{
  return strcmp (name, "steps") == 0 || strcmp (name, "elapsed_s") == 0 ||
         strcmp (name, "eta_s") == 0;
}

/* Appends the rows of one JSON-lines training log to *curve (made from the first row's
 * numeric members, "step" first, when NULL); steps must increase across all logs */
static gboolean
curve_add_log (LwTrainCurve **curve, const char *path, double *last_step, GError **error)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, error))
    return FALSE;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr (JsonParser) parser = json_parser_new ();
  for (guint ln = 0; lines[ln] != NULL; ln++)
    {
      if (g_strstrip (lines[ln])[0] == '\0')
        continue;
      g_autoptr (GError) local = NULL;
      JsonNode *root = NULL;
      if (json_parser_load_from_data (parser, lines[ln], -1, &local))
        root = json_parser_get_root (parser);
      if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA, "%s:%u: not a JSON object%s%s",
                       path, ln + 1, local ? ": " : "", local ? local->message : "");
          return FALSE;
        }
      JsonObject *o = json_node_get_object (root);
      if (*curve == NULL)
        {
          g_autoptr (GStrvBuilder) names = g_strv_builder_new ();
          g_strv_builder_add (names, "step");
          g_autoptr (GList) members = json_object_get_members (o);
          for (GList *m = members; m != NULL; m = m->next)
            {
              JsonNode *v = json_object_get_member (o, m->data);
              if (strcmp (m->data, "step") != 0 && !log_member_skipped (m->data) &&
                  JSON_NODE_HOLDS_VALUE (v) && json_node_get_value_type (v) != G_TYPE_STRING &&
                  json_node_get_value_type (v) != G_TYPE_BOOLEAN)
                g_strv_builder_add (names, m->data);
            }
          g_auto (GStrv) fields = g_strv_builder_end (names);
          g_autofree char *where = g_strdup_printf ("%s:%u", path, ln + 1);
          if (!lw_train_curve_check_fields ((const char *const *) fields, where, error))
            return FALSE;
          *curve = lw_train_curve_new ((const char *const *) fields);
        }
      guint nf = lw_train_curve_n_fields (*curve);
      g_autofree double *row = g_new (double, nf);
      for (guint j = 0; j < nf; j++)
        {
          const char *name = lw_train_curve_field (*curve, j);
          JsonNode *v = json_object_get_member (o, name);
          if (v == NULL || !JSON_NODE_HOLDS_VALUE (v) ||
              json_node_get_value_type (v) == G_TYPE_STRING ||
              json_node_get_value_type (v) == G_TYPE_BOOLEAN)
            {
              g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                           "%s:%u: no number '%s' (the curve's fields come from the first "
                           "log's first line)", path, ln + 1, name);
              return FALSE;
            }
          row[j] = json_node_get_double (v);
        }
      if (!isfinite (row[0]) || !(row[0] > *last_step))
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "%s:%u: step %g does not follow step %g of the row before", path, ln + 1,
                       row[0], *last_step);
          return FALSE;
        }
      *last_step = row[0];
      lw_train_curve_append (*curve, row);
    }
  return TRUE;
}

/* A finished model from a training checkpoint: the weights and metadata without the optimiser
 * state (a third of the size), as data/models/reason-*.safetensors are shipped; --curve
 * attaches the rows of `reason train --json` logs as its training curve */
int
_cli_reason_export (int argc, char **argv)
{
  g_auto (GStrv) logs = NULL;
  const GOptionEntry entries[] = {
    { "curve", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &logs,
      "A `reason train --json` log whose rows become the model's training curve (replacing "
      "any); repeat for a run in several parts, in order", "LOG.jsonl" },
    { NULL }
  };
  g_autoptr (GError) error = NULL;

  if (!cli_parse_options ("reason export", "CKPT OUT",
                          "Writes the model of a checkpoint without its optimiser state.",
                          entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (argc != 3)
    return cli_usage_error ("reason export", "a checkpoint and an output file expected");
  g_autoptr (LwReasoner) r = lw_reasoner_load (argv[1], &error);
  if (r == NULL)
    return cli_report_error (NULL, error);
  if (logs != NULL)
    {
      LwTrainCurve *curve = NULL;
      double last_step = -INFINITY;
      for (guint i = 0; logs[i] != NULL; i++)
        if (!curve_add_log (&curve, logs[i], &last_step, &error))
          {
            lw_train_curve_free (curve);
            return cli_report_error (NULL, error);
          }
      if (curve == NULL)
        return cli_usage_error ("reason export", "--curve: the logs hold no rows");
      lw_reasoner_set_curve (r, curve);
    }
  if (!lw_reasoner_save (r, argv[2], &error))
    return cli_report_error (argv[2], error);
  return CLI_EXIT_OK;
}

