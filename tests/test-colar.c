/* test-colar.c — CoLaR: the merge rule on hand-checked examples, the latent head and its
 * losses against PyTorch, a smoke SFT run whose loss falls, exact resume, checkpoints, latent
 * inference and its inspection data; the options beyond CoLaR's recipe (c per sequence,
 * trained embeddings with their gradient against finite differences, the head's width)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reference for the head: tests/vectors/colar-head.safetensors from tools/gen-colar-vectors.py
 * (PyTorch autograd in float64 on float32 values).
 */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "lw-colar.h"
#include "lw-error.h"
#include "lw-nn-ops.h"
#include "lw-reasoner-private.h"
#include "lw-safetensors.h"
#include "lw-test-fd.h"

/* ---- merge --------------------------------------------------------------------------------- */

/* A fake 2-column embedding: row t = (t, 1), so a group's sum is (Σ ids, count) */
static float *
fake_wte (void)
{
  float *w = g_new (float, LW_REASON_VOCAB_PADDED * 2);
  for (guint t = 0; t < LW_REASON_VOCAB_PADDED; t++)
    {
      w[2 * t] = (float) t;
      w[2 * t + 1] = 1.0f;
    }
  return w;
}

static void
assert_vec2 (const float *v, double a, double b)
{
  g_assert_cmpfloat_with_epsilon (v[0], a, 1e-4);
  g_assert_cmpfloat_with_epsilon (v[1], b, 1e-6);
}

static void
test_merge (void)
{
  g_autofree float *wte = fake_wte ();
  /* "### 20 21 22 23 24": ### = 3 */
  const LwReasonToken chain[6] = { 3, 20, 21, 22, 23, 24 };
  float out[6 * 2];
  const double e = 1e-5;

  /* c = 2: [pad ###] [20 21] [22 23] [24 pad] */
  g_assert_cmpuint (lw_colar_n_groups (6, 2), ==, 4);
  g_assert_cmpuint (lw_colar_merge (wte, 2, chain, 6, 2, FALSE, out), ==, 4);
  assert_vec2 (out + 0, 3 / (1 + e), 1 / (1 + e));                   /* e(###) */
  assert_vec2 (out + 2, 41 / (sqrt (2) + e), 2 / (sqrt (2) + e));
  assert_vec2 (out + 4, 45 / (sqrt (2) + e), 2 / (sqrt (2) + e));
  assert_vec2 (out + 6, 24 / (1 + e), 1 / (1 + e));                  /* partial: √1 */

  /* c = 3: [pad pad ###] [20 21 22] [23 24 pad] */
  g_assert_cmpuint (lw_colar_merge (wte, 2, chain, 6, 3, FALSE, out), ==, 3);
  assert_vec2 (out + 0, 3 / (1 + e), 1 / (1 + e));
  assert_vec2 (out + 2, 63 / (sqrt (3) + e), 3 / (sqrt (3) + e));
  assert_vec2 (out + 4, 47 / (sqrt (2) + e), 2 / (sqrt (2) + e));
  /* mean pooling ("-MP") divides by the count */
  lw_colar_merge (wte, 2, chain, 6, 3, TRUE, out);
  assert_vec2 (out + 2, 21, 1);
  assert_vec2 (out + 4, 23.5, 1);

  /* c = 1: every token its own group, each e(t)/(1 + 1e-5) */
  g_assert_cmpuint (lw_colar_merge (wte, 2, chain, 6, 1, FALSE, out), ==, 6);
  for (guint k = 0; k < 6; k++)
    assert_vec2 (out + 2 * k, chain[k] / (1 + e), 1 / (1 + e));

  /* c = 5: [pad×4 ###] [20 … 24] */
  g_assert_cmpuint (lw_colar_merge (wte, 2, chain, 6, 5, FALSE, out), ==, 2);
  assert_vec2 (out + 2, 110 / (sqrt (5) + e), 5 / (sqrt (5) + e));

  /* the groups' tokens (the CE labels draw from these) */
  LwReasonToken tok[5];
  g_assert_cmpuint (lw_colar_group_tokens (chain, 6, 2, 0, tok), ==, 1);
  g_assert_cmpuint (tok[0], ==, 3);
  g_assert_cmpuint (lw_colar_group_tokens (chain, 6, 2, 2, tok), ==, 2);
  g_assert_cmpuint (tok[0], ==, 22);
  g_assert_cmpuint (tok[1], ==, 23);
  g_assert_cmpuint (lw_colar_group_tokens (chain, 6, 2, 3, tok), ==, 1);
  g_assert_cmpuint (tok[0], ==, 24);
  g_assert_cmpuint (lw_colar_group_tokens (chain, 6, 2, 4, tok), ==, 0);
  /* a real chain: ⌈L/c⌉ + 1 groups */
  g_assert_cmpuint (lw_colar_n_groups (1 + 27, 2), ==, 1 + 14);
  g_assert_cmpuint (lw_colar_n_groups (1 + 27, 5), ==, 1 + 6);
}

/* ---- head and losses against PyTorch ------------------------------------------------------ */

static float *
read_f32 (LwSafetensors *st, const char *name, gsize *numel)
{
  g_autoptr (GError) error = NULL;
  int i = lw_safetensors_find (st, name);
  if (i < 0)
    g_error ("vector file has no tensor '%s'", name);
  float *v = lw_safetensors_read_f32 (st, (guint) i, &error);
  g_assert_no_error (error);
  if (numel != NULL)
    *numel = lw_safetensors_info (st, (guint) i)->numel;
  return v;
}

static void
assert_close (const float *got, const float *want, gsize n, double tol, const char *what)
{
  double worst = 0.0, scale = 0.0;
  for (gsize i = 0; i < n; i++)
    scale = MAX (scale, fabs (want[i]));
  for (gsize i = 0; i < n; i++)
    worst = MAX (worst, fabs ((double) got[i] - want[i]));
  if (worst > tol * MAX (scale, 1e-3))
    g_error ("%s: max error %g (scale %g)", what, worst, scale);
}

static void
test_head_reference (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "vectors",
                                                 "colar-head.safetensors", NULL);
  g_autoptr (LwSafetensors) st = lw_safetensors_open (path, &error);
  g_assert_no_error (error);
  guint d = (guint) g_ascii_strtoull (lw_safetensors_metadata (st, "dim"), NULL, 10);
  guint di = (guint) g_ascii_strtoull (lw_safetensors_metadata (st, "inner"), NULL, 10);
  gsize n = g_ascii_strtoull (lw_safetensors_metadata (st, "n"), NULL, 10);

  g_autoptr (LwNnParams) p = lw_nn_params_new ();
  lw_colar_head_declare (p, d, di);
  lw_nn_params_allocate (p);
  for (guint i = 0; i < lw_nn_params_count (p); i++)
    {
      gsize numel;
      g_autofree float *v = read_f32 (st, lw_nn_params_name (p, i), &numel);
      g_assert_cmpuint (numel, ==, lw_nn_params_numel (p, i));
      memcpy (lw_nn_params_value (p, i), v, numel * sizeof (float));
    }
  g_autofree float *x = read_f32 (st, "in.x", NULL);
  g_autofree float *noise = read_f32 (st, "in.noise", NULL);
  g_autofree float *target = read_f32 (st, "in.target", NULL);
  g_autofree float *want_mu = read_f32 (st, "out.mean", NULL);
  g_autofree float *want_ls = read_f32 (st, "out.log_std", NULL);

  g_autoptr (LwColarHead) h = lw_colar_head_new (p);
  g_assert_cmpuint (lw_colar_head_dim (h), ==, d);
  g_assert_cmpuint (lw_colar_head_inner (h), ==, di);
  lw_colar_head_forward (h, x, n);
  assert_close (lw_colar_head_mean (h), want_mu, n * d, 1e-5, "mean");
  assert_close (lw_colar_head_log_std (h), want_ls, n * d, 1e-5, "log_std");

  const struct { const char *name; LwColarLoss kind; gboolean det; double w, alpha; } cases[] = {
    { "mse", LW_COLAR_LOSS_MSE, FALSE, 1.0, 0.1 },
    { "nll", LW_COLAR_LOSS_NLL, FALSE, 1.0, 0.0 },
    { "dl", LW_COLAR_LOSS_MSE, TRUE, 0.5, 0.0 },
  };
  g_autofree float *dmu = g_new (float, n * d);
  g_autofree float *dls = g_new (float, n * d);
  g_autofree float *dx = g_new (float, n * d);
  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      char name[64];
      lw_colar_head_forward (h, x, n);
      LwColarLossParts parts;
      double total = lw_colar_latent_loss (cases[k].kind, cases[k].det, cases[k].w,
                                           cases[k].alpha, lw_colar_head_mean (h),
                                           lw_colar_head_log_std (h), noise, target, n, d, dmu,
                                           cases[k].det ? NULL : dls, &parts);
      g_snprintf (name, sizeof name, "out.%s.total", cases[k].name);
      g_autofree float *want_total = read_f32 (st, name, NULL);
      g_snprintf (name, sizeof name, "out.%s.latent", cases[k].name);
      g_autofree float *want_latent = read_f32 (st, name, NULL);
      g_snprintf (name, sizeof name, "out.%s.entropy", cases[k].name);
      g_autofree float *want_entropy = read_f32 (st, name, NULL);
      g_assert_cmpfloat_with_epsilon (total, want_total[0], 1e-5 * MAX (1, fabs (total)));
      g_assert_cmpfloat_with_epsilon (parts.latent, want_latent[0], 1e-5 * MAX (1, parts.latent));
      g_assert_cmpfloat_with_epsilon (parts.entropy, want_entropy[0], 1e-5 * 20);

      lw_nn_params_zero_grad (p);
      memset (dx, 0, n * d * sizeof (float));
      lw_colar_head_backward (h, dmu, cases[k].det ? NULL : dls, dx);
      for (guint i = 0; i < lw_nn_params_count (p); i++)
        {
          g_snprintf (name, sizeof name, "grad.%s.%s", cases[k].name, lw_nn_params_name (p, i));
          g_autofree float *want = read_f32 (st, name, NULL);
          assert_close (lw_nn_params_grad (p, i), want, lw_nn_params_numel (p, i), 1e-4, name);
        }
      g_snprintf (name, sizeof name, "grad.%s.x", cases[k].name);
      g_autofree float *want_dx = read_f32 (st, name, NULL);
      assert_close (dx, want_dx, n * d, 1e-4, name);
    }
}

/* ---- training and inference on a small model ---------------------------------------------- */

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
  g_autofree char *dir = g_dir_make_tmp ("lw-colar-XXXXXX", NULL);
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

/* A briefly trained small CoT checkpoint, made once for the tests that need one */
static char *cot_path;

static const char *
cot_checkpoint (void)
{
  char *path = cot_path;
  if (path == NULL)
    {
      g_autoptr (GError) error = NULL;
      LwReasonTrainConfig tc;
      small_config (&tc, LW_REASON_STAGE_COT, 30);
      path = cot_path = tmp_path ("cot.safetensors");
      g_autoptr (LwReasonTrainer) t = lw_reason_trainer_new (&tc, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (lw_reason_trainer_run (t, NULL, NULL, path, 0, NULL, &error));
      g_assert_no_error (error);
    }
  return path;
}

typedef struct
{
  double ce0, ce1, lat0, lat1;
  guint speeds;   /* bit c−1: c was drawn */
} Curve;

static gboolean
record_cb (const LwReasonTrainProgress *pr, gpointer user_data)
{
  Curve *c = user_data;
  if (pr->step <= 8)
    {
      c->ce0 += pr->ce / 8;
      c->lat0 += pr->latent / 8;
    }
  if (pr->step > pr->steps - 8)
    {
      c->ce1 += pr->ce / 8;
      c->lat1 += pr->latent / 8;
    }
  g_assert_cmpuint (pr->speed, >=, 1);
  g_assert_cmpuint (pr->speed, <=, 5);
  c->speeds |= 1u << (pr->speed - 1);
  g_assert_cmpfloat_with_epsilon (pr->loss, pr->ce + pr->latent, 1e-9 * pr->loss + 1e-12);
  g_assert_true (isfinite (pr->mean_log_sigma));
  return TRUE;
}

static void
test_train_smoke (void)
{
  g_autoptr (GError) error = NULL;
  LwReasonTrainConfig tc;
  small_config (&tc, LW_REASON_STAGE_COLAR, 50);
  g_autoptr (LwReasonTrainer) t = lw_reason_trainer_new (&tc, cot_checkpoint (), &error);
  g_assert_no_error (error);
  LwReasoner *r = lw_reason_trainer_get_model (t);
  g_assert_cmpint (lw_reasoner_stage (r), ==, LW_REASON_STAGE_COLAR);
  g_assert_cmpfloat (lw_reasoner_embeds_std (r), >, 0.0);

  /* the embeddings are frozen: wte must not move */
  LwNnParams *gp = lw_gpt_params (lw_reasoner_gpt (r));
  guint wte = (guint) lw_nn_params_find (gp, "wte.weight");
  gsize n = lw_nn_params_numel (gp, wte);
  g_autofree float *before = g_memdup2 (lw_nn_params_value (gp, wte), n * sizeof (float));

  Curve c = { 0 };
  gint64 t0 = g_get_monotonic_time ();
  g_assert_true (lw_reason_trainer_run (t, record_cb, &c, NULL, 0, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("colar: CE %.3f → %.3f, latent MSE %.3f → %.3f in 50 steps, %.2f s", c.ce0,
                  c.ce1, c.lat0, c.lat1, (g_get_monotonic_time () - t0) * 1e-6);
  g_assert_cmpmem (before, n * sizeof (float), lw_nn_params_value (gp, wte), n * sizeof (float));
  g_assert_cmpuint (c.speeds, ==, 0x1f);   /* every c in 1…5 was drawn */
  g_assert_cmpfloat (c.ce1, <, c.ce0);
  g_assert_cmpfloat (c.lat1, <, c.lat0);
}

static gboolean
stop_at_2_cb (const LwReasonTrainProgress *pr, gpointer user_data)
{
  return pr->step < 2;
}

static void
test_resume_and_checkpoint (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = tmp_path ("colar.safetensors");
  LwReasonTrainConfig tc;
  small_config (&tc, LW_REASON_STAGE_COLAR, 4);

  g_autoptr (LwReasonTrainer) full = lw_reason_trainer_new (&tc, cot_checkpoint (), &error);
  g_assert_no_error (error);
  g_assert_true (lw_reason_trainer_run (full, NULL, NULL, NULL, 0, NULL, &error));
  g_autoptr (LwReasonTrainer) part = lw_reason_trainer_new (&tc, cot_checkpoint (), &error);
  g_assert_false (lw_reason_trainer_run (part, stop_at_2_cb, NULL, path, 0, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_autoptr (LwReasonTrainer) resumed = lw_reason_trainer_new (&tc, path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lw_reason_trainer_step (resumed), ==, 2);
  g_assert_true (lw_reason_trainer_run (resumed, NULL, NULL, path, 0, NULL, &error));
  g_assert_no_error (error);

  LwReasoner *a = lw_reason_trainer_get_model (full);
  LwReasoner *b = lw_reason_trainer_get_model (resumed);
  LwNnParams *ps[2][2] = { { lw_gpt_params (lw_reasoner_gpt (a)), lw_reasoner_head_params (a) },
                           { lw_gpt_params (lw_reasoner_gpt (b)), lw_reasoner_head_params (b) } };
  for (guint k = 0; k < 2; k++)
    g_assert_cmpmem (lw_nn_params_values (ps[0][k]), lw_nn_params_total (ps[0][k]) * 4,
                     lw_nn_params_values (ps[1][k]), lw_nn_params_total (ps[1][k]) * 4);

  /* the checkpoint loads as a CoLaR model with the same weights and scale */
  g_autoptr (LwReasoner) loaded = lw_reasoner_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lw_reasoner_stage (loaded), ==, LW_REASON_STAGE_COLAR);
  g_assert_cmpuint (lw_reasoner_steps_trained (loaded), ==, 4);
  g_assert_cmpfloat (lw_reasoner_embeds_std (loaded), ==, lw_reasoner_embeds_std (a));
  g_assert_cmpstr (lw_reasoner_get_meta (loaded, "lw.reason.colar.loss"), ==, "mse");
  LwNnParams *h = lw_reasoner_head_params (loaded);
  g_assert_cmpmem (lw_nn_params_values (ps[0][1]), lw_nn_params_total (ps[0][1]) * 4,
                   lw_nn_params_values (h), lw_nn_params_total (h) * 4);

  /* a colar checkpoint cannot resume the cot stage */
  LwReasonTrainConfig cc;
  small_config (&cc, LW_REASON_STAGE_COT, 4);
  g_assert_null (lw_reason_trainer_new (&cc, path, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "a colar checkpoint"));
  g_clear_error (&error);

  /* a colar checkpoint without its head is refused, naming the missing tensor */
  {
    g_autoptr (LwSafetensors) st = lw_safetensors_open (path, &error);
    g_autoptr (LwSafetensorsWriter) w = lw_safetensors_writer_new ();
    for (const char *const *key = lw_safetensors_metadata_keys (st); *key; key++)
      lw_safetensors_writer_add_metadata (w, *key, lw_safetensors_metadata (st, *key));
    LwNnParams *gp = ps[0][0];
    for (guint i = 0; i < lw_nn_params_count (gp); i++)
      lw_safetensors_writer_add_f32 (w, lw_nn_params_name (gp, i), lw_nn_params_ndim (gp, i),
                                     lw_nn_params_shape (gp, i), lw_nn_params_value (gp, i));
    g_assert_true (lw_safetensors_writer_write (w, path, &error));
    g_assert_null (lw_reasoner_load (path, &error));
    g_assert_nonnull (error);
    g_assert_nonnull (strstr (error->message, "latent.fc1.weight"));
  }
  remove_tmp (path);
}

static void
test_latent_run (void)
{
  g_autoptr (GError) error = NULL;
  LwReasonTrainConfig tc;
  small_config (&tc, LW_REASON_STAGE_COLAR, 2);
  g_autoptr (LwReasonTrainer) t = lw_reason_trainer_new (&tc, cot_checkpoint (), &error);
  g_assert_no_error (error);
  g_assert_true (lw_reason_trainer_run (t, NULL, NULL, NULL, 0, NULL, &error));
  LwReasoner *r = lw_reason_trainer_get_model (t);
  g_autoptr (LwReasonTestSet) set = lw_reason_test_set_new (LW_REASON_TEST_SEED, 4);
  const LwReasonProblem *p = lw_reason_test_set_get (set, 0);
  g_autofree LwReasonRun *run = g_new0 (LwReasonRun, 1);
  g_autofree LwReasonRun *again = g_new0 (LwReasonRun, 1);
  LwReasonGenConfig gen;
  lw_reason_gen_config_init (&gen);
  gen.speed = 3;
  gen.max_latent = 6;

  for (guint mode = 0; mode < 2; mode++)
    {
      gen.end_mode = mode;
      gen.latent_temperature = mode;   /* the mean, then sampled latents */
      g_assert_true (lw_reasoner_run (r, p->question, p->n_question, &gen, run, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (run->speed, ==, 3);
      g_assert_cmpuint (run->ids[run->n_prompt - 2], ==, lw_reason_speed_token (3));
      g_assert_cmpuint (run->ids[run->n_prompt - 1], ==, LW_REASON_TOK_SEP);
      g_assert_cmpuint (run->n_latent, >=, 1);
      g_assert_cmpuint (run->n_latent, <=, 6);
      /* the chain is closed by an appended ###, then the answer */
      g_assert_cmpuint (run->ids[run->n_prompt], ==, LW_REASON_TOK_SEP);
      /* 1 (prompt) + latents + ### + answer tokens fed */
      guint answer = run->n_ids - run->n_prompt - 1;
      g_assert_cmpuint (run->forward_passes, ==,
                        1 + run->n_latent + 1 + answer -
                          (run->ids[run->n_ids - 1] == LW_REASON_TOK_EOS));
      for (guint k = 0; k < run->n_latent; k++)
        {
          const LwReasonLatentStep *s = &run->latent[k];
          g_assert_true (s->top_prob[0] >= s->top_prob[1] && s->top_prob[1] >= s->top_prob[2]);
          g_assert_cmpfloat (s->top_prob[0] + s->top_prob[1] + s->top_prob[2], <=, 1.0001);
          g_assert_true (s->p_end >= 0.0f && s->p_end <= 1.0f);
          g_assert_true (s->nearest_cos[0] <= 1.0001f && s->nearest_cos[0] >= s->nearest_cos[3]);
          g_assert_cmpfloat (s->mu_norm, >, 0.0);
          g_assert_cmpfloat (s->sigma_mean, >, 0.0);
          g_assert_true (s->end == (k + 1 == run->n_latent && run->n_latent < 6) ||
                         (s->end && k + 1 == 6));
          if (mode == 0)
            g_assert_true (s->end == (s->top[0] == LW_REASON_TOK_SEP));
        }
      /* same seed, same run */
      g_assert_true (lw_reasoner_run (r, p->question, p->n_question, &gen, again, &error));
      g_assert_cmpuint (again->n_latent, ==, run->n_latent);
      g_assert_cmpmem (again->ids, again->n_ids * 2, run->ids, run->n_ids * 2);
      g_assert_cmpmem (again->latent, sizeof (LwReasonLatentStep) * run->n_latent, run->latent,
                       sizeof (LwReasonLatentStep) * run->n_latent);
    }

  /* evaluation counts #L from the latents */
  LwReasonEval e;
  gen.end_mode = LW_REASON_END_ARGMAX;
  gen.latent_temperature = 0.0;
  g_assert_true (lw_reasoner_evaluate (r, set, 4, 1, &gen, NULL, NULL, NULL, &e, &error));
  g_assert_no_error (error);
  g_assert_cmpint (e.stage, ==, LW_REASON_STAGE_COLAR);
  g_assert_cmpuint (e.speed, ==, 3);
  g_assert_cmpfloat (e.mean_steps, >=, 1.0);
  g_assert_cmpfloat (e.mean_steps, <=, 6.0);
}

static void
test_nearest (void)
{
  LwGptConfig cfg;
  lw_reasoner_config_default (&cfg);
  cfg.dim = 16;
  cfg.layers = 1;
  cfg.heads = 1;
  g_autoptr (LwGpt) gpt = lw_gpt_new (&cfg, 4);
  LwNnParams *p = lw_gpt_params (gpt);
  const float *wte = lw_nn_params_value (p, (guint) lw_nn_params_find (p, "wte.weight"));
  float v[16];
  for (guint i = 0; i < 16; i++)
    v[i] = 3.0f * wte[40 * 16 + i];   /* a scaled row: cosine 1 with token 40 */
  LwReasonToken tok[4];
  float cs[4];
  lw_colar_nearest (gpt, v, 4, tok, cs);
  g_assert_cmpuint (tok[0], ==, 40);
  g_assert_cmpfloat_with_epsilon (cs[0], 1.0, 1e-5);
  g_assert_true (cs[1] >= cs[2] && cs[2] >= cs[3] && cs[1] < cs[0]);
  /* the std of wte: GPT-2's init is N(0, 0.02) */
  g_assert_cmpfloat_with_epsilon (lw_colar_measure_embeds_std (gpt), 0.02, 0.002);
}

/* ---- options beyond CoLaR's recipe --------------------------------------------------------- */

/* The loss of one fixed batch, c drawn per sequence (c, labels and noise from a fixed seed),
 * gradients zeroed first */
static double
batch_loss (LwColarTrain *ct, const LwReasonTrainConfig *tc, LwReasoner *r,
            const LwReasonProblem *problems, guint n)
{
  LwRng rng;
  LwReasonTrainProgress pr = { 0 };
  g_autoptr (GError) error = NULL;
  lw_nn_params_zero_grad (lw_gpt_params (lw_reasoner_gpt (r)));
  lw_nn_params_zero_grad (lw_reasoner_head_params (r));
  lw_rng_seed (&rng, 11);
  g_assert_true (_lw_colar_train_step (ct, tc, problems, n, 0, &rng, &pr, &error));
  g_assert_no_error (error);
  return pr.loss;
}

typedef struct
{
  LwColarTrain              *ct;
  const LwReasonTrainConfig *tc;
  LwReasoner                *r;
  const LwReasonProblem     *problems;
  guint                      n;
} Batch;

static double
batch_loss_cb (gpointer user_data)
{
  const Batch *b = user_data;
  return batch_loss (b->ct, b->tc, b->r, b->problems, b->n);
}

/* The largest-gradient entry of row `row` of tensor `name` (all of it when row < 0) against a
 * central difference of the batch's loss */
static void
check_entry (Batch *batch, LwNnParams *p, const char *name, int row)
{
  guint t = (guint) lw_nn_params_find (p, name);
  gsize width = lw_nn_params_ndim (p, t) == 2 ? lw_nn_params_shape (p, t)[1] : 1;
  gsize first = row < 0 ? 0 : (gsize) row * width;
  gsize count = row < 0 ? lw_nn_params_numel (p, t) : width;
  lw_test_fd_check (p, name, first, count, 1e-2f, batch_loss_cb, batch);
}

/* c drawn per sequence: the batch is cut into two length buckets, and the gradient is still
 * the whole batch's, with the latent loss averaged per latent or per sequence. With embeddings
 * trained, the gradient reaching wte — through the question and answer inputs, each merged
 * group's √n scaling and the tied LM head — too. Each against central differences of the
 * loss. For wte the latent loss is weighted 0: its targets are detached (as in CoLaR), so a
 * finite difference through them would measure a gradient the method does not take. */
static void
test_gradient (void)
{
  LwReasonTrainConfig tc;
  small_config (&tc, LW_REASON_STAGE_COLAR, 1);
  g_autoptr (LwReasoner) r = lw_reasoner_new (LW_REASON_STAGE_COT, &tc.model, 5);
  g_autoptr (GError) error = NULL;
  g_assert_true (lw_colar_prepare (r, 5, 0, &error));
  g_assert_no_error (error);
  g_autoptr (LwReasonTestSet) set = lw_reason_test_set_new (LW_REASON_TEST_SEED, 8);
  LwReasonProblem problems[8];
  for (guint i = 0; i < 8; i++)
    problems[i] = *lw_reason_test_set_get (set, i);
  LwColarTrain *ct = _lw_colar_train_new (r, 8);
  LwNnParams *gp = lw_gpt_params (lw_reasoner_gpt (r));
  Batch batch = { ct, &tc, r, problems, 8 };

  /* CE and latent loss, over two buckets */
  batch_loss (ct, &tc, r, problems, 8);
  g_assert_cmpuint (_lw_colar_train_buckets (ct), ==, 2);
  lw_nn_params_set_trainable (gp, (guint) lw_nn_params_find (gp, "wte.weight"), FALSE);
  const char *gpt_tensors[] = { "blocks.0.attn.qkv.weight", "blocks.1.mlp.fc.weight",
                                "ln_f.weight", "wpe.weight" };
  const char *head_tensors[] = { "latent.fc1.weight", "latent.mean.weight",
                                 "latent.log_std.bias", "latent.ln.weight" };
  for (guint i = 0; i < G_N_ELEMENTS (gpt_tensors); i++)
    check_entry (&batch, gp, gpt_tensors[i], -1);
  for (guint i = 0; i < G_N_ELEMENTS (head_tensors); i++)
    check_entry (&batch, lw_reasoner_head_params (r), head_tensors[i], -1);

  /* the latent loss as a mean of the sequences' means */
  double per_latent = batch_loss (ct, &tc, r, problems, 8);
  tc.row_mean = TRUE;
  g_assert_cmpfloat (fabs (batch_loss (ct, &tc, r, problems, 8) - per_latent), >, 1e-4);
  check_entry (&batch, lw_reasoner_head_params (r), "latent.mean.weight", -1);
  check_entry (&batch, gp, "blocks.1.attn.qkv.weight", -1);
  tc.row_mean = FALSE;

  /* a word of the questions, ### (input at group 0 and in the answer), tokens only ever
   * inside merged groups, and a digit (questions, groups and answers) */
  tc.latent_weight = 0.0;
  lw_nn_params_set_trainable (gp, (guint) lw_nn_params_find (gp, "wte.weight"), TRUE);
  const LwReasonToken probe[] = { LW_REASON_TOK_WORD0, LW_REASON_TOK_SEP, LW_REASON_TOK_OPEN,
                                  LW_REASON_TOK_EQUALS, LW_REASON_TOK_DIGIT0 + 7 };
  for (guint k = 0; k < G_N_ELEMENTS (probe); k++)
    check_entry (&batch, gp, "wte.weight", (int) probe[k]);

  /* frozen, wte gets no gradient from the inputs: only the tied head's remains */
  guint wte = (guint) lw_nn_params_find (gp, "wte.weight");
  lw_nn_params_set_trainable (gp, wte, FALSE);
  batch_loss (ct, &tc, r, problems, 8);
  g_autofree float *head_only = g_memdup2 (lw_nn_params_grad (gp, wte),
                                           lw_nn_params_numel (gp, wte) * sizeof (float));
  lw_nn_params_set_trainable (gp, wte, TRUE);
  batch_loss (ct, &tc, r, problems, 8);
  g_assert_true (memcmp (head_only, lw_nn_params_grad (gp, wte),
                         lw_nn_params_numel (gp, wte) * sizeof (float)) != 0);
  _lw_colar_train_free (ct);
}

/* The cut of a batch sorted by length into two parts that run at once */
static void
test_balanced_cut (void)
{
  const guint skewed[] = { 3, 3, 3, 3, 10, 10 };   /* 4 × 3 | 2 × 10: 20 positions at most */
  const guint even[] = { 5, 5, 5, 5 };
  const guint two[] = { 1, 9 };
  g_assert_cmpuint (_lw_reason_balanced_cut (skewed, 6), ==, 4);
  g_assert_cmpuint (_lw_reason_balanced_cut (even, 4), ==, 2);
  g_assert_cmpuint (_lw_reason_balanced_cut (two, 2), ==, 1);
}

/* Training on one thread and on two (the batch's two parts at once) gives the same model bit
 * for bit: CoT, and CoLaR with c per batch and per sequence */
static void
train_with_threads (LwReasonStage stage, gboolean mix, guint threads, LwNnParams **gpt_out,
                    LwReasoner **model_out, LwReasonTrainer **trainer_out)
{
  g_autoptr (GError) error = NULL;
  LwReasonTrainConfig tc;
  small_config (&tc, stage, 4);
  tc.threads = threads;
  tc.mix_speeds = mix;
  LwReasonTrainer *t = lw_reason_trainer_new (&tc, stage == LW_REASON_STAGE_COLAR
                                                     ? cot_checkpoint () : NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lw_reason_trainer_run (t, NULL, NULL, NULL, 0, NULL, &error));
  g_assert_no_error (error);
  *trainer_out = t;
  *model_out = lw_reason_trainer_get_model (t);
  *gpt_out = lw_gpt_params (lw_reasoner_gpt (*model_out));
}

static void
test_threads (void)
{
  const struct { LwReasonStage stage; gboolean mix; } runs[] = {
    { LW_REASON_STAGE_COT, FALSE }, { LW_REASON_STAGE_COLAR, FALSE },
    { LW_REASON_STAGE_COLAR, TRUE },
  };
  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      LwNnParams *p[2];
      LwReasoner *m[2];
      LwReasonTrainer *t[2];
      for (guint k = 0; k < 2; k++)
        train_with_threads (runs[i].stage, runs[i].mix, k + 1, &p[k], &m[k], &t[k]);
      g_assert_cmpmem (lw_nn_params_values (p[0]), lw_nn_params_total (p[0]) * sizeof (float),
                       lw_nn_params_values (p[1]), lw_nn_params_total (p[1]) * sizeof (float));
      LwNnParams *h0 = lw_reasoner_head_params (m[0]), *h1 = lw_reasoner_head_params (m[1]);
      g_assert_true ((h0 == NULL) == (h1 == NULL));
      if (h0 != NULL)
        g_assert_cmpmem (lw_nn_params_values (h0), lw_nn_params_total (h0) * sizeof (float),
                         lw_nn_params_values (h1), lw_nn_params_total (h1) * sizeof (float));
      lw_reason_trainer_free (t[0]);
      lw_reason_trainer_free (t[1]);
    }
}

static gboolean
mixed_cb (const LwReasonTrainProgress *pr, gpointer user_data)
{
  g_assert_cmpuint (pr->speed, ==, 0);   /* no single c for the batch */
  g_assert_true (isfinite (pr->loss));
  return TRUE;
}

/* c per sequence, trained embeddings and a wider head: the run trains, wte moves, and the
 * checkpoint says how it was made and loads with the head's width */
static void
test_train_options (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = tmp_path ("colar-options.safetensors");
  LwReasonTrainConfig tc;
  small_config (&tc, LW_REASON_STAGE_COLAR, 3);
  tc.mix_speeds = TRUE;
  tc.train_embeddings = TRUE;
  tc.head_width = 48;
  g_autoptr (LwReasonTrainer) t = lw_reason_trainer_new (&tc, cot_checkpoint (), &error);
  g_assert_no_error (error);
  LwReasoner *r = lw_reason_trainer_get_model (t);
  LwNnParams *gp = lw_gpt_params (lw_reasoner_gpt (r));
  guint wte = (guint) lw_nn_params_find (gp, "wte.weight");
  gsize n = lw_nn_params_numel (gp, wte);
  g_autofree float *before = g_memdup2 (lw_nn_params_value (gp, wte), n * sizeof (float));
  g_assert_true (lw_reason_trainer_run (t, mixed_cb, NULL, path, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (memcmp (before, lw_nn_params_value (gp, wte), n * sizeof (float)) != 0);

  g_autoptr (LwReasoner) loaded = lw_reasoner_load (path, &error);
  g_assert_no_error (error);
  LwNnParams *h = lw_reasoner_head_params (loaded);
  g_assert_cmpuint (lw_nn_params_shape (h, (guint) lw_nn_params_find (h, "latent.fc1.weight"))[0],
                    ==, 48);
  g_assert_cmpstr (lw_reasoner_get_meta (loaded, "lw.reason.colar.mix_speeds"), ==, "1");
  g_assert_cmpstr (lw_reasoner_get_meta (loaded, "lw.reason.colar.train_embeddings"), ==, "1");
  g_assert_cmpstr (lw_reasoner_get_meta (loaded, "lw.reason.model.latent_dim"), ==, "48");

  /* an absurd width is refused by name */
  tc.head_width = 100000;
  g_assert_null (lw_reason_trainer_new (&tc, cot_checkpoint (), &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
  g_assert_nonnull (strstr (error->message, "width"));
  remove_tmp (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/colar/merge", test_merge);
  g_test_add_func ("/colar/head/pytorch", test_head_reference);
  g_test_add_func ("/colar/nearest", test_nearest);
  g_test_add_func ("/colar/train/smoke", test_train_smoke);
  g_test_add_func ("/colar/train/resume-checkpoint", test_resume_and_checkpoint);
  g_test_add_func ("/colar/run", test_latent_run);
  g_test_add_func ("/colar/train/gradient", test_gradient);
  g_test_add_func ("/colar/train/balanced-cut", test_balanced_cut);
  g_test_add_func ("/colar/train/threads", test_threads);
  g_test_add_func ("/colar/train/options", test_train_options);
  int rc = g_test_run ();
  if (cot_path != NULL)
    remove_tmp (cot_path);
  g_free (cot_path);
  return rc;
}
