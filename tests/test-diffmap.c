/* test-diffmap.c — lw_diff_map: black for identical images, known colours, shapes, speed
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-diffmap"

#include <math.h>
#include <string.h>

#include "lw-diffmap.h"
#include "lw-error.h"

static LwTensor *
filled (gsize  c,
        gsize  h,
        gsize  w,
        float  v)
{
  LwTensor *t = lw_tensor_new_3d (c, h, w);

  for (gsize i = 0; i < lw_tensor_numel (t); i++)
    t->data[i] = v;
  return t;
}

static void
assert_pixel (const LwTensor *map,
              gsize           y,
              gsize           x,
              int             r,
              int             g,
              int             b)
{
  gsize plane = map->shape[1] * map->shape[2], i = y * map->shape[2] + x;

  g_assert_cmpfloat_with_epsilon (map->data[i], r / 255.0f, 1e-6);
  g_assert_cmpfloat_with_epsilon (map->data[plane + i], g / 255.0f, 1e-6);
  g_assert_cmpfloat_with_epsilon (map->data[2 * plane + i], b / 255.0f, 1e-6);
}

static void
test_identical (void)
{
  g_autoptr (LwTensor) a = lw_tensor_new_3d (3, 5, 7);
  g_autoptr (LwTensor) b = NULL;
  g_autoptr (LwTensor) map = NULL;
  g_autoptr (GError) error = NULL;
  double max_diff = -1;

  for (gsize i = 0; i < lw_tensor_numel (a); i++)
    a->data[i] = (float) ((i * 37) % 101) / 100.0f;
  b = lw_tensor_copy (a);
  /* values that differ by less than half an 8-bit level round to the same level */
  b->data[3] += 0.4f / 255.0f;
  map = lw_diff_map (a, b, 1000.0, LW_COLORMAP_INFERNO, &max_diff, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (map->ndim, ==, 3);
  g_assert_cmpuint (map->shape[0], ==, 3);
  g_assert_cmpuint (map->shape[1], ==, 5);
  g_assert_cmpuint (map->shape[2], ==, 7);
  g_assert_cmpfloat (max_diff, ==, 0.0);
  /* inferno's zero is matplotlib's (0.0015, 0.0005, 0.0139) → (0, 0, 4) */
  for (gsize y = 0; y < 5; y++)
    for (gsize x = 0; x < 7; x++)
      assert_pixel (map, y, x, 0, 0, 4);

  g_clear_pointer (&map, lw_tensor_free);
  map = lw_diff_map (a, b, 1.0, LW_COLORMAP_GRAY, NULL, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < lw_tensor_numel (map); i++)
    g_assert_cmpfloat (map->data[i], ==, 0.0f);
}

static void
test_single_pixel (void)
{
  g_autoptr (LwTensor) ref = filled (3, 4, 6, 0.5f);
  g_autoptr (LwTensor) test = filled (3, 4, 6, 0.5f);
  g_autoptr (LwTensor) map = NULL;
  g_autoptr (GError) error = NULL;
  gsize plane = 4 * 6;
  double max_diff = -1;

  /* pixel (y 1, x 2): green up by 40 levels, red down by 12 → largest difference 40.
   * 0.5 rounds to level 128 (floor(127.5 + 0.5)). */
  test->data[plane + 1 * 6 + 2] = 168.0f / 255.0f;
  test->data[1 * 6 + 2] = 116.0f / 255.0f;
  map = lw_diff_map (ref, test, 2.0, LW_COLORMAP_INFERNO, &max_diff, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (max_diff, ==, 40.0);
  /* gain 2 → t = 80/255; matplotlib inferno(80/255) = (0.441207, 0.099338, 0.431594)
   * (tests/vectors/colormap.txt, last line) → (113, 25, 110) */
  assert_pixel (map, 1, 2, 113, 25, 110);
  assert_pixel (map, 0, 0, 0, 0, 4);
  assert_pixel (map, 3, 5, 0, 0, 4);

  /* gray map: 80 levels of 255 */
  g_clear_pointer (&map, lw_tensor_free);
  map = lw_diff_map (ref, test, 2.0, LW_COLORMAP_GRAY, NULL, &error);
  g_assert_no_error (error);
  assert_pixel (map, 1, 2, 80, 80, 80);

  /* saturation: 40 × 10 > 255 → the top of the map, pale yellow (252, 255, 164) */
  g_clear_pointer (&map, lw_tensor_free);
  map = lw_diff_map (ref, test, 10.0, LW_COLORMAP_INFERNO, NULL, &error);
  g_assert_no_error (error);
  assert_pixel (map, 1, 2, 252, 255, 164);
}

static void
test_alpha_ignored (void)
{
  g_autoptr (LwTensor) ref = filled (4, 2, 2, 0.25f);
  g_autoptr (LwTensor) test = filled (4, 2, 2, 0.25f);
  g_autoptr (LwTensor) ga = filled (2, 2, 2, 0.25f);
  g_autoptr (LwTensor) gb = filled (2, 2, 2, 0.25f);
  g_autoptr (LwTensor) map = NULL;
  g_autoptr (GError) error = NULL;
  double max_diff = -1;

  /* alpha differs everywhere, blue in one pixel by 3 levels */
  for (gsize i = 0; i < 4; i++)
    test->data[3 * 4 + i] = 1.0f;
  test->data[2 * 4 + 3] = ref->data[2 * 4 + 3] + 3.0f / 255.0f;
  map = lw_diff_map (ref, test, 1.0, LW_COLORMAP_GRAY, &max_diff, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (max_diff, ==, 3.0);
  assert_pixel (map, 0, 0, 0, 0, 0);
  assert_pixel (map, 1, 1, 3, 3, 3);

  for (gsize i = 0; i < 4; i++)
    gb->data[4 + i] = 0.0f;
  gb->data[0] = 0.0f; /* gray 64 → 0 */
  g_clear_pointer (&map, lw_tensor_free);
  map = lw_diff_map (ga, gb, 1.0, LW_COLORMAP_GRAY, &max_diff, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (max_diff, ==, 64.0);
  assert_pixel (map, 0, 0, 64, 64, 64);
  assert_pixel (map, 0, 1, 0, 0, 0);
}

static void
test_bad_input (void)
{
  g_autoptr (LwTensor) a = filled (3, 4, 4, 0.0f);
  g_autoptr (LwTensor) b = filled (3, 4, 5, 0.0f);
  g_autoptr (LwTensor) c = filled (1, 4, 4, 0.0f);
  g_autoptr (LwTensor) five = filled (5, 4, 4, 0.0f);
  g_autoptr (LwTensor) flat = lw_tensor_new_2d (4, 4);
  GError *error = NULL;
  double max_diff = 7;
  const double bad_gains[] = { 0.5, 1000.5, NAN, INFINITY, -1.0 };

  g_assert_null (lw_diff_map (a, b, 1.0, LW_COLORMAP_INFERNO, &max_diff, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_SHAPE);
  g_assert_nonnull (strstr (error->message, "3×4×5"));
  g_clear_error (&error);
  g_assert_null (lw_diff_map (a, c, 1.0, LW_COLORMAP_INFERNO, NULL, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_SHAPE);
  g_clear_error (&error);
  g_assert_null (lw_diff_map (flat, flat, 1.0, LW_COLORMAP_INFERNO, NULL, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_SHAPE);
  g_clear_error (&error);
  g_assert_null (lw_diff_map (five, five, 1.0, LW_COLORMAP_INFERNO, NULL, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_SHAPE);
  g_clear_error (&error);
  for (gsize i = 0; i < G_N_ELEMENTS (bad_gains); i++)
    {
      g_assert_null (lw_diff_map (a, a, bad_gains[i], LW_COLORMAP_INFERNO, NULL, &error));
      g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
      g_clear_error (&error);
    }
  g_assert_cmpfloat (max_diff, ==, 0.0);
}

/* The 8-bit interleaved map is the float map × 255, pixel for pixel, and errors the same */
static void
test_rgb8_matches (void)
{
  g_autoptr (LwTensor) a = lw_tensor_new_3d (4, 37, 53);
  g_autoptr (LwTensor) b = lw_tensor_new_3d (4, 37, 53);
  g_autoptr (LwTensor) f = NULL;
  g_autofree guint8 *rgb = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  double max_f, max_b;
  gsize plane = 37 * 53;

  for (gsize i = 0; i < lw_tensor_numel (a); i++)
    {
      a->data[i] = (float) g_rand_double (rand);
      b->data[i] = a->data[i] + (float) g_rand_double_range (rand, -0.1, 0.1);
    }
  f = lw_diff_map (a, b, 3.0, LW_COLORMAP_INFERNO, &max_f, &error);
  g_assert_no_error (error);
  rgb = lw_diff_map_rgb8 (a, b, 3.0, LW_COLORMAP_INFERNO, &max_b, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (max_f, ==, max_b);
  for (gsize i = 0; i < plane; i++)
    for (gsize k = 0; k < 3; k++)
      g_assert_cmpint ((int) lrintf (f->data[k * plane + i] * 255.0f), ==, rgb[3 * i + k]);

  g_assert_null (lw_diff_map_rgb8 (a, b, 0.5, LW_COLORMAP_INFERNO, NULL, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
}

static void
test_speed (void)
{
  /* one slider step on a worker: 768×512 RGB must take a few milliseconds */
  g_autoptr (LwTensor) a = lw_tensor_new_3d (3, 512, 768);
  g_autoptr (LwTensor) b = lw_tensor_new_3d (3, 512, 768);
  g_autoptr (GError) error = NULL;
  double best = G_MAXDOUBLE, max_diff;

  for (gsize i = 0; i < lw_tensor_numel (a); i++)
    {
      a->data[i] = (float) (i % 251) / 250.0f;
      b->data[i] = (float) ((i * 7) % 253) / 252.0f;
    }
  for (int run = 0; run < 5; run++)
    {
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr (LwTensor) map = lw_diff_map (a, b, 4.0, LW_COLORMAP_INFERNO, &max_diff, &error);
      best = MIN (best, (g_get_monotonic_time () - t0) / 1000.0);
      g_assert_no_error (error);
    }
  g_test_message ("lw_diff_map 768×512×3: %.2f ms (best of 5)", best);
  /* generous: the machine is shared and sanitizer builds are slow */
  g_assert_cmpfloat (best, <, 250.0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/diffmap/identical-is-black", test_identical);
  g_test_add_func ("/diffmap/single-pixel", test_single_pixel);
  g_test_add_func ("/diffmap/alpha-ignored", test_alpha_ignored);
  g_test_add_func ("/diffmap/bad-input", test_bad_input);
  g_test_add_func ("/diffmap/rgb8-matches", test_rgb8_matches);
  g_test_add_func ("/diffmap/speed", test_speed);
  return g_test_run ();
}
