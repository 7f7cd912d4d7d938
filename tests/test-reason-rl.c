/* test-reason-rl.c — GRPO for CoLaR: advantages and the PPO-clip term against hand values,
 * the surrogate's gradient against finite differences, and the rl training stage
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "lw-colar.h"
#include "lw-error.h"
#include "lw-reason-rl.h"
#include "lw-reasoner-private.h"
#include "lw-test-fd.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

static void
test_advantages (void)
{
  /* rewards 1, 0, 0, 1: mean ½, sample std √(1/3) → ±½·√3 */
  const double r[] = { 1, 0, 0, 1 };
  double a[4];
  lw_reason_group_advantages (r, 4, a);
  g_assert_cmpfloat_with_epsilon (a[0], 0.5 * sqrt (3.0), 1e-7);
  g_assert_cmpfloat_with_epsilon (a[1], -0.5 * sqrt (3.0), 1e-7);
  /* all equal: no signal at all */
  const double same[] = { 1, 1, 1 };
  lw_reason_group_advantages (same, 3, a);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpfloat (a[i], ==, 0.0);
  /* one rollout: std 0, advantage 0 */
  lw_reason_group_advantages (r, 1, a);
  g_assert_cmpfloat (a[0], ==, 0.0);
}

static void
test_ppo_term (void)
{
  double d;
  gboolean clipped;
  /* on policy: −A, gradient −A */
  g_assert_cmpfloat_with_epsilon (lw_reason_ppo_term (-1.0, -1.0, 2.0, 0.2, &d, &clipped),
                                  -2.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (d, -2.0, 1e-12);
  g_assert_false (clipped);
  /* A > 0 and ρ = e^0.5 > 1.2: the clipped side, −1.2·A, no gradient */
  g_assert_cmpfloat_with_epsilon (lw_reason_ppo_term (0.5, 0.0, 1.0, 0.2, &d, &clipped),
                                  -1.2, 1e-12);
  g_assert_cmpfloat (d, ==, 0.0);
  g_assert_true (clipped);
  /* A > 0 and ρ = e^−0.5 < 0.8: min picks ρA, still a gradient −ρA */
  g_assert_cmpfloat_with_epsilon (lw_reason_ppo_term (-0.5, 0.0, 1.0, 0.2, &d, &clipped),
                                  -exp (-0.5), 1e-12);
  g_assert_cmpfloat_with_epsilon (d, -exp (-0.5), 1e-12);
  g_assert_false (clipped);
  /* A < 0 and ρ < 0.8: clipped at 0.8·A, no gradient */
  g_assert_cmpfloat_with_epsilon (lw_reason_ppo_term (-0.5, 0.0, -1.0, 0.2, &d, &clipped),
                                  0.8, 1e-12);
  g_assert_cmpfloat (d, ==, 0.0);
  g_assert_true (clipped);
  /* A < 0 and ρ > 1.2: the unclipped ρA is the smaller, gradient −ρA = +ρ */
  g_assert_cmpfloat_with_epsilon (lw_reason_ppo_term (0.5, 0.0, -1.0, 0.2, &d, &clipped),
                                  exp (0.5), 1e-12);
  g_assert_cmpfloat_with_epsilon (d, exp (0.5), 1e-12);
  g_assert_false (clipped);
}

/* ---- a small model -------------------------------------------------------------------------- */

static void
small_config (LwReasonTrainConfig *c, LwReasonStage stage, guint64 steps)
{
  lw_reason_train_config_init (c, stage);
  c->model.dim = 32;
  c->model.layers = 2;
  c->model.heads = 2;
  c->steps = steps;
  c->threads = 1;
  if (stage == LW_REASON_STAGE_RL)
    {
      c->batch = 2;
      c->rl_group = 4;
      c->rl_minibatch = 4;
      c->rl_max_latent = 6;
    }
  else
    {
      c->batch = 8;
      c->warmup = 1;
      c->lr = 3e-3;
      c->lr_min = 3e-4;
    }
}

/* An untrained CoLaR model of the small shape: σ ≈ 1, so latents really are drawn */
static LwReasoner *
small_colar (void)
{
  LwReasonTrainConfig tc;
  small_config (&tc, LW_REASON_STAGE_COT, 1);
  LwReasoner *r = lw_reasoner_new (LW_REASON_STAGE_COT, &tc.model, 7);
  g_autoptr (GError) error = NULL;
  g_assert_true (lw_colar_prepare (r, 7, 0, &error));
  g_assert_no_error (error);
  return r;
}

static double
surrogate (LwReasonRl *rl, const LwReasonTrainConfig *c, LwReasoner *r)
{
  lw_nn_params_zero_grad (lw_gpt_params (r->gpt));
  lw_nn_params_zero_grad (r->head);
  return _lw_reason_rl_surrogate (rl, c, 0, 4);
}

typedef struct
{
  LwReasonRl                *rl;
  const LwReasonTrainConfig *c;
  LwReasoner                *r;
} Surrogate;

static double
surrogate_cb (gpointer user_data)
{
  const Surrogate *s = user_data;
  return surrogate (s->rl, s->c, s->r);
}

/* The largest-gradient entry of a tensor against a central difference of the surrogate */
static void
check_tensor (Surrogate *s, LwNnParams *p, const char *name)
{
  int t = lw_nn_params_find (p, name);
  g_assert_cmpint (t, >=, 0);
  lw_test_fd_check (p, name, 0, lw_nn_params_numel (p, (guint) t), 1e-2f, surrogate_cb, s);
}

static void
test_gradient (void)
{
  g_autoptr (LwReasoner) r = small_colar ();
  LwReasonTrainConfig c;
  small_config (&c, LW_REASON_STAGE_RL, 1);
  LwReasonRl *rl = _lw_reason_rl_new (r, &c);
  g_autoptr (LwReasonTestSet) set = lw_reason_test_set_new (LW_REASON_TEST_SEED, 2);
  LwReasonProblem problems[2] = { *lw_reason_test_set_get (set, 0),
                                  *lw_reason_test_set_get (set, 1) };
  LwRng rng;
  LwReasonTrainProgress pr = { 0 };
  g_autoptr (GError) error = NULL;
  lw_rng_seed (&rng, 3);
  g_assert_true (_lw_reason_rl_rollouts (rl, &c, problems, &rng, &pr, &error));
  g_assert_no_error (error);
  /* an untrained model earns nothing: give the first group's rollouts advantages by hand */
  const double adv[] = { 1.0, -0.5, 0.7, -1.2 };
  for (guint i = 0; i < 4; i++)
    _lw_reason_rl_set_advantage (rl, i, adv[i]);

  /* on policy the surrogate is −Σ w·A over the terms, whatever the gradient */
  double s = surrogate (rl, &c, r);
  g_assert_true (isfinite (s));

  LwNnParams *gp = lw_gpt_params (r->gpt);
  Surrogate sur = { rl, &c, r };
  const char *gpt_tensors[] = { "blocks.0.attn.qkv.weight", "blocks.1.mlp.proj.weight",
                                "ln_f.weight", "wpe.weight" };
  const char *head_tensors[] = { "latent.fc1.weight", "latent.mean.weight",
                                 "latent.log_std.bias", "latent.ln.weight" };
  for (guint i = 0; i < G_N_ELEMENTS (gpt_tensors); i++)
    check_tensor (&sur, gp, gpt_tensors[i]);
  for (guint i = 0; i < G_N_ELEMENTS (head_tensors); i++)
    check_tensor (&sur, r->head, head_tensors[i]);
  _lw_reason_rl_free (rl);
}

static char *
tmp_dir (void)
{
  char *dir = g_dir_make_tmp ("lw-rl-XXXXXX", NULL);
  g_assert_nonnull (dir);
  return dir;
}

static gboolean
stop_at_2_cb (const LwReasonTrainProgress *pr, gpointer user_data)
{
  return pr->step < 2;
}

static gboolean
check_progress_cb (const LwReasonTrainProgress *pr, gpointer user_data)
{
  guint *calls = user_data;
  (*calls)++;
  g_assert_cmpfloat (pr->reward, >=, 0.0);
  g_assert_cmpfloat (pr->reward, <=, 1.0);
  g_assert_cmpfloat (pr->accuracy, ==, pr->reward);   /* no length penalty */
  g_assert_cmpfloat (pr->mean_latent, >=, 1.0);
  g_assert_cmpfloat (pr->mean_latent, <=, 6.0);       /* rl_max_latent */
  g_assert_true (isfinite (pr->loss) && isfinite (pr->grad_norm));
  g_assert_cmpfloat (pr->clip_frac, >=, 0.0);
  g_assert_cmpfloat (pr->clip_frac, <=, 1.0);
  return TRUE;
}

static void
test_train (void)
{
  g_autofree char *dir = tmp_dir ();
  g_autofree char *cot = g_build_filename (dir, "cot.safetensors", NULL);
  g_autofree char *colar = g_build_filename (dir, "colar.safetensors", NULL);
  g_autofree char *rl_path = g_build_filename (dir, "rl.safetensors", NULL);
  g_autofree char *part = g_build_filename (dir, "part.safetensors", NULL);
  g_autoptr (GError) error = NULL;

  {
    g_autoptr (LwReasoner) r = small_colar ();
    g_assert_true (lw_reasoner_save (r, colar, &error));
    g_assert_no_error (error);
  }

  /* GRPO from the colar model: three steps, a checkpoint of stage rl */
  LwReasonTrainConfig c;
  small_config (&c, LW_REASON_STAGE_RL, 3);
  guint calls = 0;
  g_autoptr (LwReasonTrainer) full = lw_reason_trainer_new (&c, colar, &error);
  g_assert_no_error (error);
  g_assert_true (lw_reason_trainer_run (full, check_progress_cb, &calls, rl_path, 0, NULL,
                                        &error));
  g_assert_no_error (error);
  g_assert_cmpuint (calls, ==, 3);
  g_autoptr (LwReasoner) saved = lw_reasoner_load (rl_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lw_reasoner_stage (saved), ==, LW_REASON_STAGE_RL);
  g_assert_cmpuint (lw_reasoner_steps_trained (saved), ==, 3);
  g_assert_cmpstr (lw_reasoner_get_meta (saved, "lw.reason.rl.group"), ==, "4");
  g_assert_cmpstr (lw_reasoner_get_meta (saved, "lw.reason.rl.from"), ==, "colar.safetensors");
  const LwTrainCurve *curve = lw_reasoner_curve (saved);
  g_assert_nonnull (curve);
  g_assert_cmpuint (lw_train_curve_n_rows (curve), ==, 3);
  g_assert_cmpint (lw_train_curve_find (curve, "reward"), >, 0);
  g_assert_cmpint (lw_train_curve_find (curve, "clip_frac"), >, 0);

  /* stopped after 2 and resumed: the same weights as three steps in one go */
  g_autoptr (LwReasonTrainer) first = lw_reason_trainer_new (&c, colar, &error);
  g_assert_false (lw_reason_trainer_run (first, stop_at_2_cb, NULL, part, 0, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_autoptr (LwReasonTrainer) resumed = lw_reason_trainer_new (&c, part, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lw_reason_trainer_step (resumed), ==, 2);
  g_assert_true (lw_reason_trainer_run (resumed, NULL, NULL, NULL, 0, NULL, &error));
  g_assert_no_error (error);
  LwNnParams *a = lw_gpt_params (lw_reasoner_gpt (lw_reason_trainer_get_model (full)));
  LwNnParams *b = lw_gpt_params (lw_reasoner_gpt (lw_reason_trainer_get_model (resumed)));
  g_assert_cmpmem (lw_nn_params_values (a), lw_nn_params_total (a) * sizeof (float),
                   lw_nn_params_values (b), lw_nn_params_total (b) * sizeof (float));
  a = lw_reasoner_head_params (lw_reason_trainer_get_model (full));
  b = lw_reasoner_head_params (lw_reason_trainer_get_model (resumed));
  g_assert_cmpmem (lw_nn_params_values (a), lw_nn_params_total (a) * sizeof (float),
                   lw_nn_params_values (b), lw_nn_params_total (b) * sizeof (float));

  /* what GRPO refuses: a cot model, a deterministic head, a group of one */
  {
    LwReasonTrainConfig tc;
    small_config (&tc, LW_REASON_STAGE_COT, 1);
    g_autoptr (LwReasoner) r = lw_reasoner_new (LW_REASON_STAGE_COT, &tc.model, 1);
    g_assert_true (lw_reasoner_save (r, cot, &error));
    g_assert_null (lw_reason_trainer_new (&c, cot, &error));
    g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_DATA);
    g_assert_nonnull (strstr (error->message, "starts from a colar checkpoint"));
    g_clear_error (&error);
  }
  {
    g_autoptr (LwReasoner) r = small_colar ();
    lw_reasoner_set_meta (r, "lw.reason.colar.deterministic", "1");
    g_assert_true (lw_reasoner_save (r, colar, &error));
    g_assert_null (lw_reason_trainer_new (&c, colar, &error));
    g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_DATA);
    g_assert_nonnull (strstr (error->message, "deterministic"));
    g_clear_error (&error);
  }
  LwReasonTrainConfig bad = c;
  bad.rl_group = 1;
  g_assert_null (lw_reason_trainer_new (&bad, rl_path, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
  g_clear_error (&error);

  const char *files[] = { cot, colar, rl_path, part };
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    g_remove (files[i]);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/reason-rl/advantages", test_advantages);
  g_test_add_func ("/reason-rl/ppo-term", test_ppo_term);
  g_test_add_func ("/reason-rl/gradient", test_gradient);
  g_test_add_func ("/reason-rl/train", test_train);
  return g_test_run ();
}
