/* lw-reason-rl.h — GRPO for CoLaR models (stage rl): group-relative advantages and the
 * PPO-clip surrogate on latent and answer log-probabilities, without a KL term
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One training step (research/reasoning.md §1.7, §3.3 item 4):
 *  1. Draw `batch` questions from the training stream (the test set skipped) and a c per
 *     question from the speed mask.
 *  2. Roll each out G times with the current model: latents drawn from N(μ, σ·τ), the end of
 *     the chain drawn from the LM head's softmax, answer tokens drawn with top-p. Each choice's
 *     log-probability is kept: a latent's is log N(z; μ, σ) averaged over d, an answer token's
 *     the log-softmax at temperature 1; the ### that closes the chain counts as the first
 *     answer token, predicted at the last latent.
 *  3. Reward 1 for the right answer (÷ #L with the length penalty), advantage
 *     (r − mean) / (std + 1e-8) within each question's group (std with n − 1).
 *  4. For each minibatch of rollouts (groups with any spread only): one forward of
 *     [prompt, latents, ###, answer], ratios ρ = exp(log p_new − log p_old), the loss
 *     −min(ρA, clip(ρ, 1 − ε, 1 + ε)·A) per latent and answer token, averaged over a rollout's
 *     terms (or summed and divided by 32) and over the minibatch; backward, clip the gradient
 *     norm, one AdamW update. One pass over the rollouts; later minibatches are off-policy by
 *     the earlier updates, which is what the clip is for.
 * The embeddings (and the tied LM head) stay frozen, as in CoLaR-SFT. The deterministic
 * ("-DL") head has no σ to explore with and is refused.
 */
#pragma once

#include "lw-reasoner.h"

G_BEGIN_DECLS

/* Group-relative advantages of n ≥ 1 rewards: (r − mean) / (std + 1e-8), std with n − 1
 * (0 for n = 1) */
void   lw_reason_group_advantages (const double *rewards, guint n, double *advantages);

/* One PPO-clip term −min(ρA, clip(ρ, 1 − ε, 1 + ε)·A) with ρ = exp(logp − logp_old).
 * Writes d(term)/d(logp) (0 where the clipped side is taken) and whether it was clipped. */
double lw_reason_ppo_term (double logp, double logp_old, double advantage, double eps,
                           double *dlogp, gboolean *clipped);

G_END_DECLS
