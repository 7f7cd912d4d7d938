/* test-reasoner.c — the reasoning model: stages, sampling, evaluation counting and CI, a
 * smoke training run, checkpoints (round trip, exact resume, bad files and stage mismatches)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Training tests use a small model (dim 32, 2 layers) and batch 16 so each stays well under
 * a few seconds; the stage logic is the same as at full size.
 */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "lw-colar.h"
#include "lw-error.h"
#include "lw-reasoner.h"
#include "lw-safetensors.h"

static void
small_config (LwReasonTrainConfig *c, LwReasonStage stage, guint64 steps)
{
  lw_reason_train_config_init (c, stage);
  c->model.dim = 32;
  c->model.layers = 2;
  c->model.heads = 2;
  c->batch = 16;
  c->steps = steps;
  c->warmup = 2;
  c->lr = 3e-3;
  c->lr_min = 3e-4;
  c->threads = 1;
}

static char *
tmp_path (const char *name)
{
  g_autofree char *dir = g_dir_make_tmp ("lw-reasoner-XXXXXX", NULL);
  g_assert_nonnull (dir);
  return g_build_filename (dir, name, NULL);
}

static void
remove_tmp (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_remove (path);
  g_rmdir (dir);
}

static void
test_stage_names (void)
{
  g_autoptr (GError) error = NULL;
  LwReasonStage s;
  for (guint i = 0; i < LW_REASON_N_STAGES; i++)
    {
      g_assert_true (lw_reason_stage_parse (lw_reason_stage_name (i), &s, &error));
      g_assert_no_error (error);
      g_assert_cmpint (s, ==, i);
    }
  g_assert_cmpstr (lw_reason_stage_name (LW_REASON_STAGE_NO_COT), ==, "nocot");
  g_assert_false (lw_reason_stage_parse ("latent", &s, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
  g_assert_nonnull (strstr (error->message, "'latent'"));

  LwGptConfig cfg;
  lw_reasoner_config_default (&cfg);
  g_assert_cmpuint (cfg.dim, ==, 128);
  g_assert_cmpuint (cfg.layers, ==, 4);
  g_assert_cmpuint (cfg.heads, ==, 4);
  g_assert_cmpuint (cfg.max_t, ==, 128);
  g_assert_cmpuint (cfg.vocab, ==, 92);
  g_assert_cmpuint (cfg.vocab_padded, ==, 96);
  /* §3.2's count: 821,504 parameters with V = 92; padding to 96 adds 4 · 128 */
  g_autoptr (LwReasoner) r = lw_reasoner_new (LW_REASON_STAGE_COT, &cfg, 1);
  g_assert_cmpuint (lw_nn_params_total (lw_gpt_params (lw_reasoner_gpt (r))), ==,
                    821504 + 4 * 128);
}

/* Evaluation's combination over seeds, against hand arithmetic */
static void
test_eval_ci (void)
{
  LwReasonScore scores[3] = { 0 };
  /* seed accuracies 5/10, 7/10, 6/10: mean 0.6, sample std 0.1 */
  const guint correct[3] = { 5, 7, 6 };
  for (guint s = 0; s < 3; s++)
    {
      scores[s].n = 10;
      scores[s].n_correct = correct[s];
      scores[s].n_answered = 9;
      scores[s].n_chain = 10;
      scores[s].chain_sum = 10.0 * (20 + s);       /* mean #L 20, 21, 22 */
      scores[s].n_chain_correct = correct[s];
      scores[s].chain_sum_correct = correct[s] * 18.0;
    }
  LwReasonEval e = { 0 };
  lw_reason_eval_from_scores (scores, 3, &e);
  g_assert_cmpuint (e.n_questions, ==, 10);
  g_assert_cmpuint (e.n_seeds, ==, 3);
  g_assert_cmpfloat_with_epsilon (e.accuracy, 0.6, 1e-12);
  g_assert_cmpfloat_with_epsilon (e.ci95, 1.96 * 0.1 / sqrt (3.0), 1e-12);
  g_assert_cmpfloat_with_epsilon (e.mean_steps, 21.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (e.mean_steps_correct, 18.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (e.answered, 0.9, 1e-12);
  lw_reason_eval_from_scores (scores, 1, &e);
  g_assert_cmpfloat_with_epsilon (e.accuracy, 0.5, 1e-12);
  g_assert_cmpfloat (e.ci95, ==, 0.0);
}

/* Evaluation counts exactly what single runs score (a crafted mini set of 6 problems) */
static void
test_eval_counting (void)
{
  LwReasonTrainConfig tc;
  small_config (&tc, LW_REASON_STAGE_COT, 1);
  g_autoptr (LwReasoner) r = lw_reasoner_new (LW_REASON_STAGE_COT, &tc.model, 3);
  g_autoptr (LwReasonTestSet) set = lw_reason_test_set_new (LW_REASON_TEST_SEED, 6);
  LwReasonGenConfig gen;
  lw_reason_gen_config_init (&gen);
  gen.temperature = 1.0;   /* sampled, so seeds differ */
  g_autoptr (GError) error = NULL;
  LwReasonEval e;
  g_assert_true (lw_reasoner_evaluate (r, set, 6, 2, &gen, NULL, NULL, NULL, &e, &error));
  g_assert_no_error (error);

  /* recount by hand with the same per-run seeds */
  LwReasonScore scores[2] = { 0 };
  g_autofree LwReasonRun *run = g_new0 (LwReasonRun, 1);
  double passes = 0;
  for (guint s = 0; s < 2; s++)
    for (guint i = 0; i < 6; i++)
      {
        const LwReasonProblem *p = lw_reason_test_set_get (set, i);
        LwReasonGenConfig g = gen;
        g.seed = gen.seed + s + (guint64) i * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
        g_assert_true (lw_reasoner_run (r, p->question, p->n_question, &g, run, &error));
        g_assert_no_error (error);
        /* a token run: prompt, then every generated token; one pass per fed position */
        g_assert_cmpuint (run->forward_passes, ==, 1 + run->n_ids - run->n_prompt -
                          (run->ids[run->n_ids - 1] == LW_REASON_TOK_EOS || run->truncated));
        lw_reason_score_add (&scores[s], run->ids, run->n_ids, p->answer, -1);
        passes += run->forward_passes;
      }
  LwReasonEval h = { 0 };
  lw_reason_eval_from_scores (scores, 2, &h);
  g_assert_cmpfloat (e.accuracy, ==, h.accuracy);
  g_assert_cmpfloat (e.mean_steps, ==, h.mean_steps);
  g_assert_cmpfloat (e.answered, ==, h.answered);
  g_assert_cmpfloat_with_epsilon (e.forward_passes, passes / 12, 1e-9);
  g_assert_cmpuint (e.n_questions, ==, 6);
  g_assert_cmpfloat (e.ms_per_question, >, 0.0);

  /* a question longer than the context is refused by name */
  LwReasonToken q[LW_REASON_T_MAX] = { 0 };
  for (guint i = 0; i < G_N_ELEMENTS (q); i++)
    q[i] = LW_REASON_TOK_WORD0;
  g_assert_false (lw_reasoner_run (r, q, G_N_ELEMENTS (q), &gen, run, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_TOO_LARGE);
}

static void
test_sampling (void)
{
  /* through the public run: greedy is the same for every seed; top_p → 0 is greedy too */
  LwReasonTrainConfig tc;
  small_config (&tc, LW_REASON_STAGE_COT, 1);
  g_autoptr (LwReasoner) r = lw_reasoner_new (LW_REASON_STAGE_COT, &tc.model, 5);
  g_autoptr (LwReasonTestSet) set = lw_reason_test_set_new (LW_REASON_TEST_SEED, 1);
  const LwReasonProblem *p = lw_reason_test_set_get (set, 0);
  g_autofree LwReasonRun *a = g_new0 (LwReasonRun, 1);
  g_autofree LwReasonRun *b = g_new0 (LwReasonRun, 1);
  LwReasonGenConfig gen;
  lw_reason_gen_config_init (&gen);
  g_assert_true (lw_reasoner_run (r, p->question, p->n_question, &gen, a, NULL));
  gen.seed = 99;
  g_assert_true (lw_reasoner_run (r, p->question, p->n_question, &gen, b, NULL));
  g_assert_cmpuint (a->n_ids, ==, b->n_ids);
  g_assert_cmpmem (a->ids, a->n_ids * sizeof (LwReasonToken), b->ids,
                   b->n_ids * sizeof (LwReasonToken));
  gen.temperature = 1.0;
  gen.top_p = 1e-6;
  g_assert_true (lw_reasoner_run (r, p->question, p->n_question, &gen, b, NULL));
  g_assert_cmpmem (a->ids, a->n_ids * sizeof (LwReasonToken), b->ids,
                   b->n_ids * sizeof (LwReasonToken));
  /* the same seed gives the same sampled run */
  gen.top_p = 0.9;
  g_assert_true (lw_reasoner_run (r, p->question, p->n_question, &gen, a, NULL));
  g_assert_true (lw_reasoner_run (r, p->question, p->n_question, &gen, b, NULL));
  g_assert_cmpmem (a->ids, a->n_ids * sizeof (LwReasonToken), b->ids,
                   b->n_ids * sizeof (LwReasonToken));
}

typedef struct
{
  double first, last;
  guint n;
  guint64 last_step;
} Curve;

static gboolean
record_cb (const LwReasonTrainProgress *pr, gpointer user_data)
{
  Curve *c = user_data;
  /* average the first and last five steps: single batches are noisy */
  if (pr->step <= 5)
    c->first += pr->loss / 5;
  if (pr->step > pr->steps - 5)
    c->last += pr->loss / 5;
  g_assert_cmpfloat (pr->lr, >, 0.0);
  g_assert_cmpfloat (pr->eta_s, >=, 0.0);
  g_assert_cmpuint (pr->step, ==, c->last_step + 1);
  c->last_step = pr->step;
  c->n++;
  return TRUE;
}

static void
test_train_smoke (gconstpointer data)
{
  LwReasonStage stage = GPOINTER_TO_UINT (data);
  LwReasonTrainConfig tc;
  small_config (&tc, stage, 40);
  g_autoptr (GError) error = NULL;
  g_autoptr (LwReasonTrainer) t = lw_reason_trainer_new (&tc, NULL, &error);
  g_assert_no_error (error);
  Curve c = { 0 };
  gint64 t0 = g_get_monotonic_time ();
  g_assert_true (lw_reason_trainer_run (t, record_cb, &c, NULL, 0, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("%s: loss %.3f → %.3f in 40 steps, %.2f s", lw_reason_stage_name (stage),
                  c.first, c.last, (g_get_monotonic_time () - t0) * 1e-6);
  g_assert_cmpuint (c.n, ==, 40);
  g_assert_cmpuint (lw_reason_trainer_step (t), ==, 40);
  /* from ln 92 ≈ 4.5 at the start the loss must have fallen clearly */
  g_assert_cmpfloat (c.first, >, 3.0);
  g_assert_cmpfloat (c.last, <, c.first - 1.0);
}

static gboolean
stop_at_3_cb (const LwReasonTrainProgress *pr, gpointer user_data)
{
  return pr->step < 3;
}

/* 3 steps, stop, checkpoint, resume for 3 more == 6 steps straight; save/load round trip */
static void
test_checkpoint_resume (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = tmp_path ("cot.safetensors");
  g_autofree char *model_path = tmp_path ("cot-model.safetensors");
  LwReasonTrainConfig tc;
  small_config (&tc, LW_REASON_STAGE_COT, 6);

  g_autoptr (LwReasonTrainer) full = lw_reason_trainer_new (&tc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lw_reason_trainer_run (full, NULL, NULL, NULL, 0, NULL, &error));

  g_autoptr (LwReasonTrainer) part = lw_reason_trainer_new (&tc, NULL, &error);
  g_assert_false (lw_reason_trainer_run (part, stop_at_3_cb, NULL, path, 0, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

  g_autoptr (LwReasonTrainer) resumed = lw_reason_trainer_new (&tc, path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lw_reason_trainer_step (resumed), ==, 3);
  g_assert_true (lw_reason_trainer_run (resumed, NULL, NULL, NULL, 0, NULL, &error));
  g_assert_no_error (error);

  LwNnParams *pa = lw_gpt_params (lw_reasoner_gpt (lw_reason_trainer_get_model (full)));
  LwNnParams *pb = lw_gpt_params (lw_reasoner_gpt (lw_reason_trainer_get_model (resumed)));
  g_assert_cmpmem (lw_nn_params_values (pa), lw_nn_params_total (pa) * sizeof (float),
                   lw_nn_params_values (pb), lw_nn_params_total (pb) * sizeof (float));

  /* a finished model: weights and metadata survive, optimiser state is not written */
  LwReasoner *m = lw_reason_trainer_get_model (full);
  g_assert_true (lw_reasoner_save (m, model_path, &error));
  g_assert_no_error (error);
  g_autoptr (LwReasoner) loaded = lw_reasoner_load (model_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lw_reasoner_stage (loaded), ==, LW_REASON_STAGE_COT);
  g_assert_cmpuint (lw_reasoner_steps_trained (loaded), ==, 6);
  g_assert_cmpuint (lw_gpt_config (lw_reasoner_gpt (loaded))->dim, ==, 32);
  g_assert_cmpstr (lw_reasoner_get_meta (loaded, "lw.reason.train.batch"), ==, "16");
  LwNnParams *pl = lw_gpt_params (lw_reasoner_gpt (loaded));
  g_assert_cmpmem (lw_nn_params_values (pa), lw_nn_params_total (pa) * sizeof (float),
                   lw_nn_params_values (pl), lw_nn_params_total (pl) * sizeof (float));
  g_autoptr (LwSafetensors) st = lw_safetensors_open (model_path, &error);
  g_assert_nonnull (st);
  g_assert_cmpint (lw_safetensors_find (st, "adamw.m.wte.weight"), <, 0);

  remove_tmp (path);
  remove_tmp (model_path);
}

static void
test_bad_checkpoints (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *cot = tmp_path ("cot.safetensors");
  g_autofree char *bad = tmp_path ("bad.safetensors");
  LwReasonTrainConfig tc;
  small_config (&tc, LW_REASON_STAGE_COT, 1);
  g_autoptr (LwReasonTrainer) t = lw_reason_trainer_new (&tc, NULL, &error);
  g_assert_true (lw_reason_trainer_run (t, NULL, NULL, cot, 0, NULL, &error));
  g_assert_no_error (error);

  /* another safetensors file: not a reasoning checkpoint */
  g_autofree char *other = g_test_build_filename (G_TEST_DIST, "vectors", "nn-gpt.safetensors",
                                                  NULL);
  g_assert_null (lw_reasoner_load (other, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "not a reasoning checkpoint"));
  g_clear_error (&error);

  /* missing file */
  g_assert_null (lw_reasoner_load ("/nonexistent/x.safetensors", &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "/nonexistent/x.safetensors"));
  g_clear_error (&error);

  /* stage mismatches */
  LwReasonTrainConfig nc;
  small_config (&nc, LW_REASON_STAGE_NO_COT, 2);
  g_assert_null (lw_reason_trainer_new (&nc, cot, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "a cot checkpoint"));
  g_assert_nonnull (strstr (error->message, "nocot"));
  g_clear_error (&error);
  LwReasonTrainConfig cc;
  small_config (&cc, LW_REASON_STAGE_COLAR, 2);
  g_assert_null (lw_reason_trainer_new (&cc, NULL, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
  g_clear_error (&error);
  cc.deterministic = TRUE;
  cc.latent_loss = LW_COLAR_LOSS_NLL;
  g_assert_null (lw_reason_trainer_new (&cc, cot, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
  g_clear_error (&error);

  /* bad metadata: the checks run before any tensor is read */
  struct { const char *key, *value, *expect; } cases[] = {
    { "lw.reason.stage", "latent", "unknown reasoning stage 'latent'" },
    { "lw.reason.model.dim", "33", "dimension 33 is not a multiple of its 2 heads" },
    { "lw.reason.model.vocab", "100", "'lw.reason.model.vocab' is '100'" },
    { "lw.reason.model.max_t", "x", "'lw.reason.model.max_t' is 'x'" },
  };
  g_autoptr (LwSafetensors) st = lw_safetensors_open (cot, &error);
  g_assert_no_error (error);
  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autoptr (LwSafetensorsWriter) w = lw_safetensors_writer_new ();
      for (const char *const *key = lw_safetensors_metadata_keys (st); *key; key++)
        lw_safetensors_writer_add_metadata (w, *key,
                                            strcmp (*key, cases[k].key) == 0
                                              ? cases[k].value
                                              : lw_safetensors_metadata (st, *key));
      g_autofree float *v = g_new0 (float, 4);
      gsize shape[1] = { 4 };
      lw_safetensors_writer_add_f32 (w, "wte.weight", 1, shape, v);
      g_assert_true (lw_safetensors_writer_write (w, bad, &error));
      g_assert_null (lw_reasoner_load (bad, &error));
      g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_DATA);
      g_assert_nonnull (strstr (error->message, cases[k].expect));
      g_assert_nonnull (strstr (error->message, bad));
      g_clear_error (&error);
    }
  /* right metadata, wrong tensors */
  {
    g_autoptr (LwSafetensorsWriter) w = lw_safetensors_writer_new ();
    for (const char *const *key = lw_safetensors_metadata_keys (st); *key; key++)
      lw_safetensors_writer_add_metadata (w, *key, lw_safetensors_metadata (st, *key));
    g_autofree float *v = g_new0 (float, 4);
    gsize shape[1] = { 4 };
    lw_safetensors_writer_add_f32 (w, "wte.weight", 1, shape, v);
    g_assert_true (lw_safetensors_writer_write (w, bad, &error));
    g_assert_null (lw_reasoner_load (bad, &error));
    g_assert_nonnull (error);
    g_assert_nonnull (strstr (error->message, "wte.weight"));
    g_clear_error (&error);
  }
  remove_tmp (cot);
  remove_tmp (bad);
}

static gboolean
cancel_cb (const LwReasonTrainProgress *pr, gpointer user_data)
{
  if (pr->step == 2)
    g_cancellable_cancel (user_data);
  return TRUE;
}

static void
test_cancel (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancel = g_cancellable_new ();
  LwReasonTrainConfig tc;
  small_config (&tc, LW_REASON_STAGE_NO_COT, 50);
  g_autoptr (LwReasonTrainer) t = lw_reason_trainer_new (&tc, NULL, &error);
  g_assert_false (lw_reason_trainer_run (t, cancel_cb, cancel, NULL, 0, cancel, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (lw_reason_trainer_step (t), ==, 2);
}

/* The models shipped in data/models/ (tools/train-reasoner.sh): each loads as its stage with
 * its training curve, and the first 50 test problems are answered about as well as the
 * README's table says (greedy decoding is deterministic: these counts move only when the
 * models are retrained) */
static void
test_shipped (void)
{
  const struct { const char *name; LwReasonStage stage; guint speed; double min_acc; } m[] = {
    { "reason-cot.safetensors", LW_REASON_STAGE_COT, 1, 0.5 },
    { "reason-nocot.safetensors", LW_REASON_STAGE_NO_COT, 1, 0.0 },
    { "reason-colar.safetensors", LW_REASON_STAGE_COLAR, 1, 0.5 },
    { "reason-colar.safetensors", LW_REASON_STAGE_COLAR, 2, 0.25 },
  };
  g_autoptr (LwReasonTestSet) set = lw_reason_test_set_new (LW_REASON_TEST_SEED, 50);
  for (guint i = 0; i < G_N_ELEMENTS (m); i++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "models",
                                                     m[i].name, NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (LwReasoner) r = lw_reasoner_load (path, &error);
      g_assert_no_error (error);
      g_assert_cmpint (lw_reasoner_stage (r), ==, m[i].stage);
      g_assert_nonnull (lw_reasoner_curve (r));
      g_assert_cmpuint (lw_train_curve_n_rows (lw_reasoner_curve (r)), >, 50);
      LwReasonGenConfig gen;
      LwReasonEval ev;
      lw_reason_gen_config_init (&gen);
      gen.speed = m[i].speed;
      g_assert_true (lw_reasoner_evaluate (r, set, 50, 1, &gen, NULL, NULL, NULL, &ev, &error));
      g_assert_no_error (error);
      if (g_test_verbose ())
        g_printerr ("%s c=%u: %.0f %% on 50\n", m[i].name, m[i].speed, 100 * ev.accuracy);
      g_assert_cmpfloat (ev.accuracy, >=, m[i].min_acc);
      g_assert_cmpfloat (ev.answered, >, 0.9);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/reasoner/stages", test_stage_names);
  g_test_add_func ("/reasoner/eval/ci", test_eval_ci);
  g_test_add_func ("/reasoner/eval/counting", test_eval_counting);
  g_test_add_func ("/reasoner/sampling", test_sampling);
  g_test_add_data_func ("/reasoner/train/cot-smoke", GUINT_TO_POINTER (LW_REASON_STAGE_COT),
                        test_train_smoke);
  g_test_add_data_func ("/reasoner/train/nocot-smoke",
                        GUINT_TO_POINTER (LW_REASON_STAGE_NO_COT), test_train_smoke);
  g_test_add_func ("/reasoner/train/cancel", test_cancel);
  g_test_add_func ("/reasoner/checkpoint/resume", test_checkpoint_resume);
  g_test_add_func ("/reasoner/checkpoint/bad", test_bad_checkpoints);
  g_test_add_func ("/reasoner/shipped", test_shipped);
  return g_test_run ();
}
