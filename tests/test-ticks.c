/* test-ticks.c — nice axis ticks: worked cases and invariants over random ranges
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The known cases are worked out by hand in the comments (the step that brings the tick count
 * closest to the target wins; a 2.5 step costs a quarter tick; the share of the axis without
 * data (or of the data without ticks, inside the range) is added; ties go to the larger step).
 */
#define G_LOG_DOMAIN "test-ticks"

#include <math.h>

#include "lw-ticks.h"

static void
assert_values (const LwTicks *t,
               const double  *expected,
               guint          n)
{
  g_assert_cmpuint (t->n, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpfloat (t->values[i], ==, expected[i]); /* exact: nearest double to the decimal */
  g_assert_cmpfloat (t->lo, ==, expected[0]);
  g_assert_cmpfloat (t->hi, ==, expected[n - 1]);
}

static void
assert_format (const LwTicks *t,
               double         value,
               const char    *expected)
{
  g_autofree char *text = lw_ticks_format (t, value);
  g_assert_cmpstr (text, ==, expected);
}

static void
test_linear_known (void)
{
  LwTicks t;

  /* 0.13..3.7 with 8 wanted: span/7 = 0.51; step 0.5 gives 0..4 = 9 ticks (off by 1),
   * step 1 gives 5 (off by 3), step 0.25 gives 16. */
  {
    const double e[] = { 0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4 };
    g_assert_true (lw_ticks_linear (0.13, 3.7, 8, TRUE, &t));
    assert_values (&t, e, G_N_ELEMENTS (e));
    g_assert_cmpfloat (t.step, ==, 0.5);
    g_assert_cmpint (t.decimals, ==, 1);
    assert_format (&t, t.values[0], "0.0");
    assert_format (&t, t.values[3], "1.5");
  }
  /* Same range, 5 wanted: step 1 gives exactly 5 */
  {
    const double e[] = { 0, 1, 2, 3, 4 };
    g_assert_true (lw_ticks_linear (0.13, 3.7, 5, TRUE, &t));
    assert_values (&t, e, G_N_ELEMENTS (e));
    g_assert_cmpint (t.decimals, ==, 0);
    assert_format (&t, 3, "3");
  }
  /* Inside the range (no extend): step 1 → 1, 2, 3 and step 0.5 → 0.5..3.5 (7) are both two
   * off, but 1..3 leaves 44 % of the data outside the ticks and 0.5..3.5 only 16 % */
  {
    const double e[] = { 0.5, 1, 1.5, 2, 2.5, 3, 3.5 };
    g_assert_true (lw_ticks_linear (0.13, 3.7, 5, FALSE, &t));
    assert_values (&t, e, G_N_ELEMENTS (e));
  }
  /* PSNR 30..40 dB, 5 wanted: step 2.5 gives 5 ticks (score 0.25), step 2 gives 6 (1) */
  {
    const double e[] = { 30, 32.5, 35, 37.5, 40 };
    g_assert_true (lw_ticks_linear (30, 40, 5, TRUE, &t));
    assert_values (&t, e, G_N_ELEMENTS (e));
    g_assert_cmpint (t.decimals, ==, 1);
    assert_format (&t, 32.5, "32.5");
    assert_format (&t, 35, "35.0");
  }
  /* Negative range −7.3..−0.2, 6 wanted: span/5 = 1.42; step 2 → −8..0 (5 ticks, one off),
   * step 1 → 9, step 2.5 → −7.5..0 (4 ticks + penalty) */
  {
    const double e[] = { -8, -6, -4, -2, 0 };
    g_assert_true (lw_ticks_linear (-7.3, -0.2, 6, TRUE, &t));
    assert_values (&t, e, G_N_ELEMENTS (e));
    g_assert_false (signbit (t.values[4]));
    assert_format (&t, t.values[4], "0");
  }
  /* Swapped bounds give the same ticks */
  {
    LwTicks u;
    g_assert_true (lw_ticks_linear (3.7, 0.13, 8, TRUE, &u));
    g_assert_true (lw_ticks_linear (0.13, 3.7, 8, TRUE, &t));
    g_assert_cmpuint (u.n, ==, t.n);
    g_assert_cmpfloat (u.lo, ==, t.lo);
    g_assert_cmpfloat (u.hi, ==, t.hi);
  }
  /* Decimal ticks are the nearest doubles: 0.3 is 0.3, printed without noise. Steps 0.1
   * (0.1..0.3) and 0.2 (0..0.4) both give 3 ticks; 0.1 leaves no axis empty. */
  {
    const double e[] = { 0.1, 0.2, 0.3 };
    g_assert_true (lw_ticks_linear (0.1, 0.3, 3, TRUE, &t));
    assert_values (&t, e, G_N_ELEMENTS (e));
    assert_format (&t, t.values[2], "0.3");
  }
  /* Large and tiny magnitudes */
  {
    const double e[] = { 1e6, 2e6, 3e6, 4e6, 5e6 };
    g_assert_true (lw_ticks_linear (1e6, 5e6, 5, TRUE, &t));
    assert_values (&t, e, G_N_ELEMENTS (e));
    assert_format (&t, 3e6, "3000000");
  }
  g_assert_true (lw_ticks_linear (1e20, 5e20, 5, TRUE, &t));
  assert_format (&t, t.values[0], "1e+20");
  g_assert_true (lw_ticks_linear (1e-20, 5e-20, 5, TRUE, &t));
  g_assert_cmpfloat (t.values[1], ==, 2e-20);
  assert_format (&t, t.values[1], "2e-20");
}

static void
test_linear_degenerate (void)
{
  LwTicks t;

  /* One value, 35: the range becomes 35 ± 5 % = 33.25..36.75; step 1 → 33..37, 5 ticks */
  {
    const double e[] = { 33, 34, 35, 36, 37 };
    g_assert_true (lw_ticks_linear (35, 35, 5, TRUE, &t));
    assert_values (&t, e, G_N_ELEMENTS (e));
  }
  /* Zero: ±0.5; step 0.25 → 5 ticks */
  {
    const double e[] = { -0.5, -0.25, 0, 0.25, 0.5 };
    g_assert_true (lw_ticks_linear (0, 0, 5, TRUE, &t));
    assert_values (&t, e, G_N_ELEMENTS (e));
    g_assert_cmpint (t.decimals, ==, 2);
    assert_format (&t, -0.25, "-0.25");
  }
  /* No "-0" from a negative zero or a tiny negative rounded away */
  g_assert_true (lw_ticks_linear (-1, 1, 5, TRUE, &t));
  assert_format (&t, -0.0, "0.0");
  assert_format (&t, -1e-9, "0.0");

  /* Not finite: FALSE and no ticks */
  g_assert_false (lw_ticks_linear (NAN, 1, 5, TRUE, &t));
  g_assert_cmpuint (t.n, ==, 0);
  g_assert_false (lw_ticks_linear (0, INFINITY, 5, TRUE, &t));
  g_assert_false (lw_ticks_linear (-INFINITY, 0, 5, FALSE, &t));
  /* The width overflows */
  g_assert_false (lw_ticks_linear (-1.5e308, 1.5e308, 5, TRUE, &t));
  /* Too narrow for double precision around a large offset */
  g_assert_false (lw_ticks_linear (1e17, 1e17 + 32, 5, TRUE, &t));
  /* Odd targets are clamped, not refused */
  g_assert_true (lw_ticks_linear (0, 1, 0, TRUE, &t));
  g_assert_cmpuint (t.n, >=, 2);
  g_assert_true (lw_ticks_linear (0, 1, 1000, TRUE, &t));
  g_assert_cmpuint (t.n, <=, LW_TICKS_MAX);

  assert_format (&t, NAN, "nan");
  assert_format (&t, -INFINITY, "-inf");
}

static void
test_linear_invariants (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (20240611);

  for (int iter = 0; iter < 20000; iter++)
    {
      double scale = pow (10.0, g_rand_double_range (rand, -8, 8));
      double min = g_rand_double_range (rand, -1000, 1000) * scale;
      double width = g_rand_double_range (rand, 0.001, 2000) * scale;
      double max = min + width;
      guint target = (guint) g_rand_int_range (rand, 2, 17);
      gboolean extend = g_rand_boolean (rand);
      LwTicks t;

      g_assert_true (lw_ticks_linear (min, max, target, extend, &t));
      g_assert_cmpuint (t.n, >=, MAX (2, target / 2));
      g_assert_cmpuint (t.n, <=, 2 * target);
      if (extend)
        {
          g_assert_cmpfloat (t.lo, <=, min);
          g_assert_cmpfloat (t.hi, >=, max);
        }
      else
        {
          g_assert_cmpfloat (t.lo, >=, min);
          g_assert_cmpfloat (t.hi, <=, max);
        }
      for (guint i = 1; i < t.n; i++)
        {
          double d = t.values[i] - t.values[i - 1];

          g_assert_cmpfloat (d, >, 0);
          /* equal spacing up to the rounding of each value (a few ulps of the largest) */
          g_assert_cmpfloat (fabs (d - t.step), <=,
                             1e-12 * MAX (fabs (t.values[i]), t.step) + 1e-300);
        }
      /* The printed labels read back as the values and are all different */
      for (guint i = 0; i < t.n; i++)
        {
          g_autofree char *a = lw_ticks_format (&t, t.values[i]);
          double back = g_ascii_strtod (a, NULL);

          g_assert_cmpfloat (fabs (back - t.values[i]), <=, 1e-9 * t.step);
          if (i > 0)
            {
              g_autofree char *b = lw_ticks_format (&t, t.values[i - 1]);
              g_assert_cmpstr (a, !=, b);
            }
        }
    }
}

static void
test_log (void)
{
  LwTicks t;

  /* bpp 0.13..3.7: from 0.1 (the largest 1-2-5 value ≤ 0.13) to 5 */
  {
    const double e[] = { 0.1, 0.2, 0.5, 1, 2, 5 };
    g_assert_true (lw_ticks_log (0.13, 3.7, &t));
    assert_values (&t, e, G_N_ELEMENTS (e));
    g_assert_cmpfloat (t.step, ==, 0);
    assert_format (&t, 0.2, "0.2");
    assert_format (&t, 5, "5");
  }
  /* Bounds on ticks stay; swapped bounds are ordered */
  {
    const double e[] = { 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50 };
    g_assert_true (lw_ticks_log (50, 0.05, &t));
    assert_values (&t, e, G_N_ELEMENTS (e));
    assert_format (&t, 0.05, "0.05");
    assert_format (&t, 50, "50");
  }
  /* One value gets a neighbour on each side */
  {
    const double e[] = { 0.5, 1, 2 };
    g_assert_true (lw_ticks_log (1, 1, &t));
    assert_values (&t, e, G_N_ELEMENTS (e));
  }
  /* Many decades: 1-2-5 would need 3·24 ticks, so decades only */
  g_assert_true (lw_ticks_log (1e-3, 1e20, &t));
  g_assert_cmpuint (t.n, ==, 24);
  g_assert_cmpfloat (t.values[0], ==, 1e-3);
  g_assert_cmpfloat (t.values[23], ==, 1e20);
  assert_format (&t, 1e-3, "0.001");
  assert_format (&t, 1e20, "1e+20");
  /* Too many decades even so, and values a log axis cannot show */
  g_assert_false (lw_ticks_log (1e-10, 1e30, &t));
  g_assert_cmpuint (t.n, ==, 0);
  g_assert_false (lw_ticks_log (0, 1, &t));
  g_assert_false (lw_ticks_log (-1, 1, &t));
  g_assert_false (lw_ticks_log (NAN, 1, &t));
  g_assert_false (lw_ticks_log (1, INFINITY, &t));

  /* Invariants: ascending, covering, each a 1, 2 or 5 times a power of ten */
  {
    g_autoptr (GRand) rand = g_rand_new_with_seed (7);

    for (int iter = 0; iter < 5000; iter++)
      {
        double a = pow (10.0, g_rand_double_range (rand, -6, 6));
        double b = a * pow (10.0, g_rand_double_range (rand, 0, 8));

        g_assert_true (lw_ticks_log (a, b, &t));
        g_assert_cmpfloat (t.lo, <=, a);
        g_assert_cmpfloat (t.hi, >=, b);
        g_assert_cmpuint (t.n, >=, 2);
        for (guint i = 0; i < t.n; i++)
          {
            double m = t.values[i] / pow (10.0, floor (log10 (t.values[i]) + 1e-12));
            gboolean nice = fabs (m - 1) < 1e-9 || fabs (m - 2) < 1e-9 || fabs (m - 5) < 1e-9;

            g_assert_true (nice);
            if (i > 0)
              g_assert_cmpfloat (t.values[i], >, t.values[i - 1]);
          }
      }
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ticks/linear/known", test_linear_known);
  g_test_add_func ("/ticks/linear/degenerate", test_linear_degenerate);
  g_test_add_func ("/ticks/linear/invariants", test_linear_invariants);
  g_test_add_func ("/ticks/log", test_log);
  return g_test_run ();
}
