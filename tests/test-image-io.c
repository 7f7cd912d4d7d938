/* test-image-io.c — PNG/JPEG loading against independently decoded values, PNG round trips,
 * and hostile input (truncation, corruption, absurd headers, non-images)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Expected pixel values come from tools/gen-image-vectors.py: for PNG the arrays it encoded
 * itself (cross-checked with Pillow), for JPEG Pillow's decode.
 */
#define G_LOG_DOMAIN "test-image-io"

#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lw-error.h"
#include "lw-image-io.h"

static char *
vector_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "vectors", "images", name, NULL);
}

static GBytes *
read_vector (const char *name)
{
  g_autofree char *path = vector_path (name);
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_autoptr (GError) error = NULL;
  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (g_steal_pointer (&contents), len);
}

static void
test_expected_values (void)
{
  g_autofree char *path = vector_path ("expected.txt");
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);

  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  guint n_images = 0;
  for (guint i = 0; lines[i]; i++)
    {
      if (!g_str_has_prefix (lines[i], "image "))
        continue;
      char name[128], format[16];
      guint c, h, w, depth;
      g_assert_cmpint (sscanf (lines[i], "image %127s %15s %u %u %u %u", name, format, &c, &h, &w,
                               &depth), ==, 6);
      g_assert_nonnull (lines[i + 1]);
      g_auto (GStrv) values = g_strsplit (lines[i + 1], " ", -1);
      g_assert_cmpuint (g_strv_length (values), ==, c * h * w);

      g_autofree char *file = vector_path (name);
      LwImageInfo info = { 0 };
      g_autoptr (LwTensor) img = lw_image_load (file, &info, &error);
      g_assert_no_error (error);
      g_assert_nonnull (img);
      g_assert_cmpuint (img->ndim, ==, 3);
      g_assert_cmpuint (img->shape[0], ==, c);
      g_assert_cmpuint (img->shape[1], ==, h);
      g_assert_cmpuint (img->shape[2], ==, w);
      g_assert_cmpuint (info.channels, ==, c);
      g_assert_cmpuint (info.bit_depth, ==, depth);
      g_assert_cmpstr (info.format, ==, format);
      g_assert_true (info.has_alpha == (c == 2 || c == 4));

      gboolean jpeg = g_str_equal (format, "jpeg");
      double max = depth == 16 ? 65535.0 : 255.0;
      for (guint k = 0; k < c * h * w; k++)
        {
          double expected = g_ascii_strtod (values[k], NULL);
          double got = img->data[k] * max;
          if (fabs (got - expected) > (jpeg ? 1.0 + 1e-2 : 1e-2))
            g_error ("%s: value %u (c=%u y=%u x=%u) is %g, expected %g", name, k, k / (h * w),
                     (k / w) % h, k % w, got, expected);
        }
      n_images++;
    }
  g_assert_cmpuint (n_images, >=, 30);
}

static void
test_samples (void)
{
  const char *datadir = g_getenv ("LW_SHARED_DATADIR");
  if (datadir == NULL)
    {
      g_test_skip ("LW_SHARED_DATADIR is not set");
      return;
    }
  g_autofree char *path = vector_path ("expected.txt");
  g_autofree char *text = NULL;
  g_file_get_contents (path, &text, NULL, NULL);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = 0;
  for (guint i = 0; lines[i]; i++)
    {
      char name[128];
      guint c, h, w;
      guint64 sum, wsum;
      if (sscanf (lines[i], "sample %127s %u %u %u %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT,
                  name, &c, &h, &w, &sum, &wsum) != 6)
        continue;
      g_autofree char *file = g_build_filename (datadir, "images", name, NULL);
      g_autoptr (GError) error = NULL;
      LwImageInfo info = { 0 };
      g_autoptr (LwTensor) img = lw_image_load (file, &info, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (img->shape[0], ==, c);
      g_assert_cmpuint (img->shape[1], ==, h);
      g_assert_cmpuint (img->shape[2], ==, w);
      g_assert_cmpuint (info.bit_depth, ==, 8);
      g_autofree guint8 *u8 = lw_image_to_u8 (img);
      guint64 s = 0, ws = 0;
      gsize plane = (gsize) h * w;
      for (gsize k = 0; k < c * plane; k++)
        {
          /* C×H×W index k → interleaved u8 index */
          guint v = u8[(k % plane) * c + k / plane];
          s += v;
          ws += (guint64) v * (k % 251);
        }
      g_assert_cmpuint (s, ==, sum);
      g_assert_cmpuint (ws, ==, wsum);
      n++;
    }
  g_assert_cmpuint (n, ==, 3);
}

static void
test_cmyk_unsupported (void)
{
  g_autofree char *file = vector_path ("jpeg-cmyk.jpg");
  g_autoptr (GError) error = NULL;
  g_autoptr (LwTensor) img = lw_image_load (file, NULL, &error);
  g_assert_null (img);
  g_assert_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "CMYK"));
  g_assert_nonnull (strstr (error->message, "jpeg-cmyk.jpg"));
}

static void
test_too_large (void)
{
  struct { const char *name; const char *needle; } cases[] = {
    { "huge-100000x100000.png", "image is 100000×100000 pixels; the limit is 16384 per side" },
    { "wide-20000x100.png", "image is 20000×100 pixels; the limit is 16384 per side" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GBytes) bytes = read_vector (cases[i].name);
      g_autoptr (GError) error = NULL;
      /* The check precedes any pixel allocation: 100000² RGB would need 120 GB, so reaching
       * an allocation would abort rather than return this error. */
      g_autoptr (LwTensor) img = lw_image_load_from_memory (g_bytes_get_data (bytes, NULL),
                                                            g_bytes_get_size (bytes),
                                                            cases[i].name, NULL, &error);
      g_assert_null (img);
      g_assert_error (error, LW_ERROR, LW_ERROR_TOO_LARGE);
      g_assert_nonnull (strstr (error->message, cases[i].needle));
      g_assert_nonnull (strstr (error->message, cases[i].name));
    }
}

static void
check_clean_failure (const guint8 *data, gsize len, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LwTensor) img = lw_image_load_from_memory (data, len, name, NULL, &error);
  if (img != NULL)
    g_error ("%s: cut at %" G_GSIZE_FORMAT " bytes was accepted", name, len);
  g_assert_nonnull (error);
  g_assert_true (error->domain == LW_ERROR);
  g_assert_true (error->code == LW_ERROR_TRUNCATED || error->code == LW_ERROR_INVALID_DATA
                 || error->code == LW_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, name));
}

static void
test_truncated (void)
{
  const char *names[] = { "rgb8.png", "gray16-interlaced.png", "palette2-trns-interlaced.png",
                          "rgba16.png", "jpeg-rgb420.jpg", "jpeg-gray.jpg",
                          "jpeg-progressive.jpg" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr (GBytes) bytes = read_vector (names[i]);
      gsize len;
      const guint8 *data = g_bytes_get_data (bytes, &len);
      for (gsize cut = 0; cut < len; cut++)
        {
          /* A private copy, so ASan sees any read past the cut */
          g_autofree guint8 *copy = g_memdup2 (data, cut);
          check_clean_failure (copy, cut, names[i]);
        }
    }
}

static void
test_corrupt (void)
{
  g_autoptr (GBytes) bytes = read_vector ("rgb8.png");
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  /* Flip one bit at a time in every byte after the signature: CRCs catch each one. */
  for (gsize pos = 8; pos < len; pos++)
    {
      g_autofree guint8 *copy = g_memdup2 (data, len);
      copy[pos] ^= 0x10;
      g_autoptr (GError) error = NULL;
      g_autoptr (LwTensor) img = lw_image_load_from_memory (copy, len, "flipped.png", NULL,
                                                            &error);
      if (img == NULL)
        {
          g_assert_true (error->domain == LW_ERROR);
          g_assert_nonnull (strstr (error->message, "flipped.png"));
        }
    }
}

static void
test_not_an_image (void)
{
  const char *inputs[] = { "", "hello, world", "GIF89a\x01\x00\x01\x00", "\x89PNG", "\xff\xd8" };
  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (LwTensor) img = lw_image_load_from_memory ((const guint8 *) inputs[i],
                                                            strlen (inputs[i]), "data.bin",
                                                            NULL, &error);
      g_assert_null (img);
      g_assert_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED);
      g_assert_nonnull (strstr (error->message, "not a PNG or JPEG image"));
    }

  g_autoptr (GError) error = NULL;
  g_autoptr (LwTensor) img = lw_image_load ("/nonexistent/dir/x.png", NULL, &error);
  g_assert_null (img);
  g_assert_error (error, LW_ERROR, LW_ERROR_IO);
}

/* Libpng's warnings (here: an ancillary chunk with a bad CRC) must not reach stderr. */
static void
test_png_warnings_quiet (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr (GBytes) bytes = read_vector ("rgb8.png");
      gsize len;
      const guint8 *data = g_bytes_get_data (bytes, &len);
      static const guint8 text_chunk[] = { 0, 0, 0, 5, 't', 'E', 'X', 't', 'a', 0, 'b', 'c',
                                           'd', 0xde, 0xad, 0xbe, 0xef };
      GByteArray *buf = g_byte_array_new ();
      g_byte_array_append (buf, data, 33); /* signature + IHDR */
      g_byte_array_append (buf, text_chunk, sizeof text_chunk);
      g_byte_array_append (buf, data + 33, len - 33);
      g_autoptr (GError) error = NULL;
      g_autoptr (LwTensor) img = lw_image_load_from_memory (buf->data, buf->len, "warn.png",
                                                            NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (img);
      g_byte_array_unref (buf);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr_unmatched ("*libpng*");
  g_test_trap_assert_stderr_unmatched ("*CRC*");
}

static LwTensor *
random_image (guint c, guint h, guint w, guint max, GRand *rand)
{
  LwTensor *t = lw_tensor_new_3d (c, h, w);
  for (gsize i = 0; i < lw_tensor_numel (t); i++)
    t->data[i] = (float) g_rand_int_range (rand, 0, max + 1) / (float) max;
  return t;
}

static void
test_roundtrip (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  g_autofree char *dir = g_dir_make_tmp ("lw-image-io-XXXXXX", NULL);
  g_assert_nonnull (dir);
  guint depths[] = { 8, 16 };
  for (guint d = 0; d < 2; d++)
    for (guint c = 1; c <= 4; c++)
      {
        guint max = depths[d] == 16 ? 65535 : 255;
        g_autoptr (LwTensor) src = random_image (c, 9, 13, max, rand);
        g_autoptr (GError) error = NULL;
        g_autoptr (GBytes) png = lw_image_encode_png (src, depths[d], &error);
        g_assert_no_error (error);
        LwImageInfo info = { 0 };
        g_autoptr (LwTensor) back = lw_image_load_from_memory (g_bytes_get_data (png, NULL),
                                                               g_bytes_get_size (png), "rt",
                                                               &info, &error);
        g_assert_no_error (error);
        g_assert_true (lw_tensor_same_shape (src, back));
        g_assert_cmpuint (info.bit_depth, ==, depths[d]);
        g_assert_cmpmem (src->data, lw_tensor_numel (src) * sizeof (float), back->data,
                         lw_tensor_numel (back) * sizeof (float));

        g_autofree char *file = g_strdup_printf ("%s/rt-%u-%u.png", dir, depths[d], c);
        g_assert_true (lw_image_save_png (src, file, depths[d], &error));
        g_assert_no_error (error);
        g_autoptr (LwTensor) again = lw_image_load (file, NULL, &error);
        g_assert_no_error (error);
        g_assert_cmpmem (src->data, lw_tensor_numel (src) * sizeof (float), again->data,
                         lw_tensor_numel (again) * sizeof (float));
        g_unlink (file);
      }

  /* A failed save leaves the old file as it was */
  g_autofree char *file = g_build_filename (dir, "keep.png", NULL);
  g_autoptr (LwTensor) img = random_image (3, 4, 4, 255, rand);
  g_autoptr (GError) error = NULL;
  g_assert_true (lw_image_save_png (img, file, 8, &error));
  g_autofree char *before = NULL;
  gsize before_len;
  g_file_get_contents (file, &before, &before_len, NULL);
  g_assert_false (lw_image_save_png (img, file, 12, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
  g_clear_error (&error);
  g_autofree char *after = NULL;
  gsize after_len;
  g_file_get_contents (file, &after, &after_len, NULL);
  g_assert_cmpmem (before, before_len, after, after_len);
  g_unlink (file);

  g_autofree char *missing = g_build_filename (dir, "no", "such", "dir.png", NULL);
  g_assert_false (lw_image_save_png (img, missing, 8, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_IO);
  g_rmdir (dir);
}

static void
test_u8 (void)
{
  g_autoptr (LwTensor) t = lw_tensor_new_3d (2, 1, 4);
  float v[] = { 0.5f / 255.0f + 1e-6f, 0.4f / 255.0f, -0.2f, 1.7f, NAN, 1.0f, 0.5f, 254.6f / 255.0f };
  memcpy (t->data, v, sizeof v);
  g_autofree guint8 *u8 = lw_image_to_u8 (t);
  /* interleaved: pixel x → (c0, c1) */
  guint8 expected[] = { 1, 0, 0, 255, 0, 128, 255, 255 };
  g_assert_cmpmem (u8, 8, expected, 8);

  g_autoptr (LwTensor) back = lw_image_from_u8 (u8, 4, 1, 2);
  g_assert_cmpuint (back->shape[0], ==, 2);
  g_assert_cmpfloat (back->data[0], ==, 1.0f / 255.0f);
  g_assert_cmpfloat (back->data[4], ==, 0.0f);
  g_assert_cmpfloat (back->data[7], ==, 1.0f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/image-io/load/expected-values", test_expected_values);
  g_test_add_func ("/image-io/load/samples", test_samples);
  g_test_add_func ("/image-io/load/cmyk-unsupported", test_cmyk_unsupported);
  g_test_add_func ("/image-io/load/too-large", test_too_large);
  g_test_add_func ("/image-io/load/truncated", test_truncated);
  g_test_add_func ("/image-io/load/corrupt", test_corrupt);
  g_test_add_func ("/image-io/load/not-an-image", test_not_an_image);
  g_test_add_func ("/image-io/load/png-warnings-quiet", test_png_warnings_quiet);
  g_test_add_func ("/image-io/save/roundtrip", test_roundtrip);
  g_test_add_func ("/image-io/u8", test_u8);
  return g_test_run ();
}
