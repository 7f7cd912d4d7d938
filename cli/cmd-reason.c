/* cmd-reason.c — `latent-workbench-cli reason eval|run` and the `reason` dispatcher: the tiny
 * reasoner's test-set evaluation and single questions with their latent steps (lw-reasoner.h,
 * lw-colar.h); train and export are in cmd-reason-train.c
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * eval: a table (or one JSON object) with method, c, accuracy and its 95 % CI over seeds (in
 * percent), mean #L, #L on correct answers, forward passes and ms per question.
 */
#define G_LOG_DOMAIN "lw-cli"

#include "cmd-reason-private.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lw-blas.h"
#include "lw-colar.h"
#include "lw-error.h"
#include "lw-reasoner.h"

void
_cli_reason_print_json (JsonBuilder *b)
{
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_root (gen, root);
  g_autofree char *text = json_generator_to_data (gen, NULL);
  g_print ("%s\n", text);
  fflush (stdout);
}

/* "1..5", "2", "1,3,5" → bit mask of c values */
gboolean
_cli_reason_parse_speeds (const char *text, guint *mask)
{
  *mask = 0;
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      guint64 lo, hi;
      char *dots = strstr (parts[i], "..");
      if (dots != NULL)
        {
          *dots = '\0';
          if (!g_ascii_string_to_unsigned (parts[i], 10, 1, LW_REASON_MAX_SPEED, &lo, NULL) ||
              !g_ascii_string_to_unsigned (dots + 2, 10, lo, LW_REASON_MAX_SPEED, &hi, NULL))
            return FALSE;
        }
      else if (!g_ascii_string_to_unsigned (parts[i], 10, 1, LW_REASON_MAX_SPEED, &lo, NULL))
        return FALSE;
      else
        hi = lo;
      for (guint64 c = lo; c <= hi; c++)
        *mask |= 1u << (c - 1);
    }
  return *mask != 0;
}

/* ---- generation options shared by eval and run --------------------------------------------- */

typedef struct
{
  double temperature, top_p, latent_temperature;
  char  *end;
  int    max_latent, threads;
  gint64 seed;
} GenOptions;

#define GEN_ENTRIES(o) \
  { "temperature", 0, 0, G_OPTION_ARG_DOUBLE, &(o).temperature, \
    "Token sampling temperature (0 = greedy)", "X" }, \
  { "top-p", 0, 0, G_OPTION_ARG_DOUBLE, &(o).top_p, "Nucleus for sampled tokens (1)", "X" }, \
  { "latent-temperature", 0, 0, G_OPTION_ARG_DOUBLE, &(o).latent_temperature, \
    "colar: scale of σ for latents (0 = feed the mean)", "X" }, \
  { "end", 0, 0, G_OPTION_ARG_STRING, &(o).end, \
    "colar: end of chain when ### is the argmax or a sampled token (argmax)", "argmax|sample" }, \
  { "max-latent", 0, 0, G_OPTION_ARG_INT, &(o).max_latent, "colar: cap on #L (64)", "N" }, \
  { "seed", 0, 0, G_OPTION_ARG_INT64, &(o).seed, "Sampling seed (1)", "N" }, \
  { "threads", 0, 0, G_OPTION_ARG_INT, &(o).threads, "BLAS threads (default: OpenBLAS's)", "N" }

static int
gen_from_options (const char *command, GenOptions *o, LwReasonGenConfig *gen)
{
  lw_reason_gen_config_init (gen);
  if (!(o->temperature >= 0) || !(o->top_p > 0 && o->top_p <= 1) ||
      !(o->latent_temperature >= 0) || o->max_latent < 1 || o->max_latent > LW_REASON_T_MAX ||
      o->seed < 0 || o->threads < 0)
    return cli_usage_error (command, "--temperature and --latent-temperature must be ≥ 0, "
                            "--top-p in (0, 1], --max-latent 1…%d, --seed and --threads ≥ 0",
                            LW_REASON_T_MAX);
  if (o->end != NULL && strcmp (o->end, "sample") == 0)
    gen->end_mode = LW_REASON_END_SAMPLE;
  else if (o->end != NULL && strcmp (o->end, "argmax") != 0)
    return cli_usage_error (command, "--end must be argmax or sample, not “%s”", o->end);
  gen->temperature = o->temperature;
  gen->top_p = o->top_p;
  gen->latent_temperature = o->latent_temperature;
  gen->max_latent = (guint) o->max_latent;
  gen->seed = (guint64) o->seed;
  if (o->threads > 0)
    lw_blas_set_threads ((guint) o->threads);
  return CLI_EXIT_OK;
}

/* ---- eval ---------------------------------------------------------------------------------- */

static int
cmd_reason_eval (int argc, char **argv)
{
  g_autofree char *speeds = NULL;
  int n = LW_REASONER_TEST_SIZE, seeds = 1;
  gboolean json = FALSE;
  GenOptions o = { .top_p = 1.0, .max_latent = 64, .seed = 1 };
  const GOptionEntry entries[] = {
    { "c", 0, 0, G_OPTION_ARG_STRING, &speeds, "colar: compression factors (1..5)", "LIST" },
    { "seeds", 0, 0, G_OPTION_ARG_INT, &seeds, "Runs per question, seeds seed…seed+N−1 (1)",
      "N" },
    { "n", 0, 0, G_OPTION_ARG_INT, &n, "Test problems (500, the held-out set)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "One JSON object on stdout", NULL },
    GEN_ENTRIES (o),
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  if (!cli_parse_options ("reason eval", "CKPT…",
                          "Evaluates reasoning checkpoints on the held-out test set.", entries,
                          &argc, &argv))
    return CLI_EXIT_USAGE;
  if (argc < 2)
    return cli_usage_error ("reason eval", "no checkpoint given");
  if (n < 1 || n > LW_REASONER_TEST_SIZE || seeds < 1 || seeds > 100)
    return cli_usage_error ("reason eval", "--n must be 1…%d and --seeds 1…100",
                            LW_REASONER_TEST_SIZE);
  guint mask = 0x1f;
  if (speeds != NULL && !_cli_reason_parse_speeds (speeds, &mask))
    return cli_usage_error ("reason eval", "--c: “%s” is not a list of 1…5 (e.g. 1..5 or 2)",
                            speeds);
  LwReasonGenConfig gen;
  int rc = gen_from_options ("reason eval", &o, &gen);
  g_free (o.end);
  if (rc != CLI_EXIT_OK)
    return rc;

  /* every checkpoint is checked before any output */
  g_autoptr (GPtrArray) models = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_reasoner_free);
  for (int i = 1; i < argc; i++)
    {
      LwReasoner *r = lw_reasoner_load (argv[i], &error);
      if (r == NULL)
        return cli_report_error (NULL, error);
      g_ptr_array_add (models, r);
    }
  g_autoptr (LwReasonTestSet) set = lw_reason_test_set_new (LW_REASON_TEST_SEED,
                                                            LW_REASONER_TEST_SIZE);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "n");
  json_builder_add_int_value (b, n);
  json_builder_set_member_name (b, "seeds");
  json_builder_add_int_value (b, seeds);
  json_builder_set_member_name (b, "rows");
  json_builder_begin_array (b);
  if (!json)
    g_print ("%-8s %-24s %2s %9s %7s %10s %10s %8s %9s\n", "method", "checkpoint", "c",
             "accuracy", "ci95", "mean_steps", "on_correct", "passes", "ms/quest");

  for (int i = 1; i < argc; i++)
    {
      LwReasoner *r = g_ptr_array_index (models, i - 1);
      gboolean colar = lw_reason_stage_is_latent (lw_reasoner_stage (r));
      g_autofree char *base = g_path_get_basename (argv[i]);
      for (guint c = 1; c <= LW_REASON_MAX_SPEED; c++)
        {
          if (colar ? !(mask & (1u << (c - 1))) : c > 1)
            continue;
          gen.speed = c;
          LwReasonEval e;
          if (!lw_reasoner_evaluate (r, set, (guint) n, (guint) seeds, &gen, NULL, NULL, NULL,
                                     &e, &error))
            return cli_report_error (argv[i], error);
          const char *method = lw_reason_stage_name (e.stage);
          if (json)
            {
              json_builder_begin_object (b);
              json_builder_set_member_name (b, "method");
              json_builder_add_string_value (b, method);
              json_builder_set_member_name (b, "checkpoint");
              json_builder_add_string_value (b, argv[i]);
              json_builder_set_member_name (b, "c");
              json_builder_add_int_value (b, e.speed);
              cli_json_add_double (b, "accuracy", 100.0 * e.accuracy);
              cli_json_add_double (b, "ci95", 100.0 * e.ci95);
              cli_json_add_double (b, "answered", 100.0 * e.answered);
              cli_json_add_double (b, "mean_steps", e.mean_steps);
              cli_json_add_double (b, "mean_steps_correct", e.mean_steps_correct);
              cli_json_add_double (b, "forward_passes", e.forward_passes);
              cli_json_add_double (b, "ms_per_question", e.ms_per_question);
              json_builder_end_object (b);
            }
          else
            {
              g_print ("%-8s %-24.24s %2u %8.2f%% %6.2f%% %10.2f %10.2f %8.1f %9.2f\n", method,
                       base, e.speed, 100.0 * e.accuracy, 100.0 * e.ci95, e.mean_steps,
                       e.mean_steps_correct, e.forward_passes, e.ms_per_question);
              fflush (stdout);
            }
        }
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  if (json)
    _cli_reason_print_json (b);
  return CLI_EXIT_OK;
}

/* ---- run ----------------------------------------------------------------------------------- */

static char *
tokens_text (const LwReasonToken *ids, guint n)
{
  return lw_reason_detokenize (ids, n);
}

static int
cmd_reason_run (int argc, char **argv)
{
  g_autofree char *question_text = NULL;
  int index = -1, speed = 2;
  gboolean json = FALSE;
  GenOptions o = { .top_p = 1.0, .max_latent = 64, .seed = 1 };
  const GOptionEntry entries[] = {
    { "question", 'q', 0, G_OPTION_ARG_STRING, &question_text,
      "A question in the template language (\"a farmer has 23 eggs . … ?\")", "TEXT" },
    { "test-index", 0, 0, G_OPTION_ARG_INT, &index, "A held-out test problem (0…499)", "K" },
    { "c", 0, 0, G_OPTION_ARG_INT, &speed, "colar: compression factor (2)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "One JSON object on stdout", NULL },
    GEN_ENTRIES (o),
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  if (!cli_parse_options ("reason run", "CKPT",
                          "Answers one question, showing the chain or the latent steps.",
                          entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (argc != 2)
    return cli_usage_error ("reason run", "one checkpoint expected");
  if ((question_text == NULL) == (index < 0))
    return cli_usage_error ("reason run", "give either --question TEXT or --test-index K");
  if (index >= LW_REASONER_TEST_SIZE || speed < 1 || speed > LW_REASON_MAX_SPEED)
    return cli_usage_error ("reason run", "--test-index must be 0…%d and --c 1…5",
                            LW_REASONER_TEST_SIZE - 1);
  LwReasonGenConfig gen;
  int rc = gen_from_options ("reason run", &o, &gen);
  g_free (o.end);
  if (rc != CLI_EXIT_OK)
    return rc;
  gen.speed = (guint) speed;

  g_autoptr (LwReasoner) r = lw_reasoner_load (argv[1], &error);
  if (r == NULL)
    return cli_report_error (NULL, error);
  g_autoptr (GArray) q = g_array_new (FALSE, FALSE, sizeof (LwReasonToken));
  g_autoptr (LwReasonTestSet) set = NULL;
  const LwReasonProblem *problem = NULL;
  if (index >= 0)
    {
      set = lw_reason_test_set_new (LW_REASON_TEST_SEED, LW_REASONER_TEST_SIZE);
      problem = lw_reason_test_set_get (set, (guint) index);
      g_array_append_vals (q, problem->question, problem->n_question);
    }
  else if (!lw_reason_tokenize (question_text, q, NULL, &error))
    return cli_usage_error ("reason run", "--question: %s", error->message);

  g_autofree LwReasonRun *run = g_new0 (LwReasonRun, 1);
  if (!lw_reasoner_run (r, (const LwReasonToken *) q->data, q->len, &gen, run, &error))
    return cli_report_error (NULL, error);

  /* the reference chain, for the chunk each latent stands for */
  LwReasonToken chain[LW_REASON_T_MAX];
  guint n_chain = 0;
  if (problem != NULL)
    {
      chain[0] = LW_REASON_TOK_SEP;
      n_chain = 1 + lw_reason_steps_tokens (problem, chain + 1, G_N_ELEMENTS (chain) - 1);
    }
  gboolean colar = lw_reason_stage_is_latent (run->stage);
  g_autofree char *qtext = tokens_text ((const LwReasonToken *) q->data, q->len);
  g_autofree char *output = tokens_text (run->ids + run->n_prompt, run->n_ids - run->n_prompt);
  gboolean correct = problem != NULL && run->answered && run->answer == problem->answer;

  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "method");
      json_builder_add_string_value (b, lw_reason_stage_name (run->stage));
      json_builder_set_member_name (b, "c");
      json_builder_add_int_value (b, run->speed);
      json_builder_set_member_name (b, "question");
      json_builder_add_string_value (b, qtext);
      json_builder_set_member_name (b, "output");
      json_builder_add_string_value (b, output);
      json_builder_set_member_name (b, "steps");
      json_builder_add_int_value (b, run->n_latent);
      json_builder_set_member_name (b, "forward_passes");
      json_builder_add_int_value (b, run->forward_passes);
      cli_json_add_double (b, "ms", run->ms);
      json_builder_set_member_name (b, "answer");
      if (run->answered)
        json_builder_add_int_value (b, (gint64) run->answer);
      else
        json_builder_add_null_value (b);
      if (problem != NULL)
        {
          json_builder_set_member_name (b, "reference");
          json_builder_add_int_value (b, problem->answer);
          json_builder_set_member_name (b, "correct");
          json_builder_add_boolean_value (b, correct);
        }
      if (colar)
        {
          json_builder_set_member_name (b, "latents");
          json_builder_begin_array (b);
          for (guint k = 0; k < run->n_latent; k++)
            {
              const LwReasonLatentStep *s = &run->latent[k];
              json_builder_begin_object (b);
              if (n_chain > 0)
                {
                  LwReasonToken tok[LW_REASON_MAX_SPEED];
                  guint nt = lw_colar_group_tokens (chain, n_chain, run->speed, k + 1, tok);
                  g_autofree char *chunk = tokens_text (tok, nt);
                  json_builder_set_member_name (b, "reference_chunk");
                  json_builder_add_string_value (b, chunk);
                }
              json_builder_set_member_name (b, "top");
              json_builder_begin_array (b);
              for (guint j = 0; j < 3; j++)
                {
                  json_builder_begin_object (b);
                  json_builder_set_member_name (b, "token");
                  json_builder_add_string_value (b, lw_reason_token_text (s->top[j]));
                  cli_json_add_double (b, "p", s->top_prob[j]);
                  json_builder_end_object (b);
                }
              json_builder_end_array (b);
              cli_json_add_double (b, "p_end", s->p_end);
              json_builder_set_member_name (b, "end");
              json_builder_add_boolean_value (b, s->end);
              json_builder_set_member_name (b, "nearest");
              json_builder_begin_array (b);
              for (guint j = 0; j < 4; j++)
                {
                  json_builder_begin_object (b);
                  json_builder_set_member_name (b, "token");
                  json_builder_add_string_value (b, lw_reason_token_text (s->nearest[j]));
                  cli_json_add_double (b, "cos", s->nearest_cos[j]);
                  json_builder_end_object (b);
                }
              json_builder_end_array (b);
              cli_json_add_double (b, "mu_norm", s->mu_norm);
              cli_json_add_double (b, "sigma_mean", s->sigma_mean);
              json_builder_end_object (b);
            }
          json_builder_end_array (b);
        }
      json_builder_end_object (b);
      _cli_reason_print_json (b);
      return CLI_EXIT_OK;
    }

  g_autofree char *cnote = colar ? g_strdup_printf (" (c = %u)", run->speed) : g_strdup ("");
  g_print ("method    %s%s\n", lw_reason_stage_name (run->stage), cnote);
  g_print ("question  %s\n", qtext);
  if (problem != NULL)
    {
      g_autofree char *ref = lw_reason_steps_text (problem);
      g_print ("reference %s → %u\n", ref, problem->answer);
    }
  if (colar)
    {
      g_print ("\n  #  %-16s %-28s %6s  %-32s %6s %6s\n", "reference chunk", "LM head top-3",
               "p(###)", "nearest embeddings (cos)", "‖μ‖", "σ̄");
      for (guint k = 0; k < run->n_latent; k++)
        {
          const LwReasonLatentStep *s = &run->latent[k];
          g_autofree char *chunk = NULL;
          if (n_chain > 0)
            {
              LwReasonToken tok[LW_REASON_MAX_SPEED];
              guint nt = lw_colar_group_tokens (chain, n_chain, run->speed, k + 1, tok);
              chunk = tokens_text (tok, nt);
            }
          g_autofree char *top = g_strdup_printf ("%s %.2f, %s %.2f, %s %.2f",
                                                  lw_reason_token_text (s->top[0]), s->top_prob[0],
                                                  lw_reason_token_text (s->top[1]), s->top_prob[1],
                                                  lw_reason_token_text (s->top[2]), s->top_prob[2]);
          g_autofree char *near = g_strdup_printf ("%s %.2f, %s %.2f, %s %.2f, %s %.2f",
                                                   lw_reason_token_text (s->nearest[0]),
                                                   s->nearest_cos[0],
                                                   lw_reason_token_text (s->nearest[1]),
                                                   s->nearest_cos[1],
                                                   lw_reason_token_text (s->nearest[2]),
                                                   s->nearest_cos[2],
                                                   lw_reason_token_text (s->nearest[3]),
                                                   s->nearest_cos[3]);
          g_print ("%3u  %-16s %-28s %6.3f%s %-32s %6.3f %6.4f\n", k + 1, chunk ? chunk : "",
                   top, s->p_end, s->end ? "*" : " ", near, s->mu_norm, s->sigma_mean);
        }
      g_print ("\n");
    }
  g_print ("output    %s\n", output);
  g_print ("steps     %u %s, %u forward passes, %.1f ms%s\n", run->n_latent,
           colar ? "latents" : "chain tokens", run->forward_passes, run->ms,
           run->truncated ? " (context full)" : "");
  if (run->answered)
    g_print ("answer    %" G_GUINT64_FORMAT "%s\n", run->answer,
             problem == NULL ? "" : correct ? "  (correct)" : "  (wrong)");
  else
    g_print ("answer    none%s\n", problem == NULL ? "" : "  (wrong)");
  return CLI_EXIT_OK;
}

int
cli_cmd_reason (int argc, char **argv)
{
  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      FILE *f = argc < 2 ? stderr : stdout;
      fprintf (f, "Usage: %s reason train|eval|run|export [OPTION…]\n"
                  "Run “%s reason train --help” (or eval, run, export) for the options.\n",
               CLI_PROGRAM, CLI_PROGRAM);
      return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
    }
  if (strcmp (argv[1], "train") == 0)
    return _cli_reason_train (argc - 1, argv + 1);
  if (strcmp (argv[1], "eval") == 0)
    return cmd_reason_eval (argc - 1, argv + 1);
  if (strcmp (argv[1], "run") == 0)
    return cmd_reason_run (argc - 1, argv + 1);
  if (strcmp (argv[1], "export") == 0)
    return _cli_reason_export (argc - 1, argv + 1);
  return cli_usage_error ("reason", "unknown subcommand “%s” (train, eval, run or export)",
                          argv[1]);
}
