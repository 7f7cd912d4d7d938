/* lw-test-fd.h — a gradient entry against a central difference, for the tests of losses the
 * nn engine's own gradient check does not cover (CoLaR's step, GRPO's surrogate)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <math.h>

#include <glib.h>

#include "lw-nn-params.h"

/* The loss at the parameters' current values, with the gradient written into their arena */
typedef double (*LwTestLossFunc) (gpointer user_data);

/* Takes the entry of largest gradient among entries first … first + count of tensor `name` of
 * p, moves it by ±h and checks the central difference of loss() against the gradient, to 3 %
 * (+1e-5). The gradient must not be zero. */
static inline void
lw_test_fd_check (LwNnParams *p, const char *name, gsize first, gsize count, float h,
                  LwTestLossFunc loss, gpointer user_data)
{
  int t = lw_nn_params_find (p, name);
  g_assert_cmpint (t, >=, 0);
  loss (user_data);
  const float *g = lw_nn_params_grad (p, (guint) t);
  gsize best = first;
  for (gsize i = first; i < first + count; i++)
    if (fabsf (g[i]) > fabsf (g[best]))
      best = i;
  double analytic = g[best];
  float *v = lw_nn_params_value (p, (guint) t) + best;
  const float keep = *v;
  *v = keep + h;
  double up = loss (user_data);
  *v = keep - h;
  double down = loss (user_data);
  *v = keep;
  double numeric = (up - down) / (2.0 * h);
  if (g_test_verbose ())
    g_printerr ("%s[%" G_GSIZE_FORMAT "]: analytic %.6g numeric %.6g\n", name, best, analytic,
                numeric);
  g_assert_cmpfloat (analytic, !=, 0.0);
  g_assert_cmpfloat (fabs (numeric - analytic), <=, 0.03 * fabs (analytic) + 1e-5);
}
