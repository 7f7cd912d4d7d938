/* test-tensor.c — tensor allocation, shape checks and copies
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "lw-error.h"
#include "lw-tensor.h"

#include <string.h>

static void
test_new (void)
{
  gsize shape[] = { 3, 5, 7 };
  GError *error = NULL;
  g_autoptr (LwTensor) t = lw_tensor_new (3, shape, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lw_tensor_numel (t), ==, 105);
  g_assert_cmpuint (t->shape[3], ==, 1);
  g_assert_cmpuint ((guintptr) t->data % 64, ==, 0);
  for (gsize i = 0; i < 105; i++)
    g_assert_cmpfloat (t->data[i], ==, 0);
  g_autofree char *s = lw_tensor_shape_string (t);
  g_assert_cmpstr (s, ==, "3×5×7");

  t->data[104] = 2.5f;
  g_autoptr (LwTensor) c = lw_tensor_copy (t);
  g_assert_true (lw_tensor_same_shape (t, c));
  g_assert_cmpmem (t->data, 105 * 4, c->data, 105 * 4);
  g_autoptr (LwTensor) other = lw_tensor_new_3d (3, 7, 5);
  g_assert_false (lw_tensor_same_shape (t, other));
}

static void
test_bad_shapes (void)
{
  GError *error = NULL;
  gsize zero[] = { 3, 0, 4 };
  g_assert_null (lw_tensor_new (3, zero, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_TOO_LARGE);
  g_clear_error (&error);

  gsize huge[] = { 1u << 20, 1u << 20, 1u << 20 };
  g_assert_null (lw_tensor_new (3, huge, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_TOO_LARGE);
  g_clear_error (&error);

  gsize five[] = { 1, 1, 1, 1, 1 };
  g_assert_null (lw_tensor_new (5, five, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_SHAPE);
  g_clear_error (&error);
  g_assert_null (lw_tensor_new (0, five, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_SHAPE);
  g_clear_error (&error);

  lw_tensor_free (NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tensor/new", test_new);
  g_test_add_func ("/tensor/bad-shapes", test_bad_shapes);
  return g_test_run ();
}
