/* test-project.c — experiment files: round trips, image paths, every validation error, atomic save
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-project"

#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "lw-error.h"
#include "lw-project.h"

static char *
make_tmpdir (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("lw-test-project-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

static void
rm_rf (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_chmod (path, 0755);
      GDir *dir = g_dir_open (path, 0, NULL);
      const char *name;
      while (dir && (name = g_dir_read_name (dir)))
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          rm_rf (child);
        }
      if (dir)
        g_dir_close (dir);
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static guint
count_entries (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  guint n = 0;
  while (dir && g_dir_read_name (dir))
    n++;
  if (dir)
    g_dir_close (dir);
  return n;
}

static void
assert_same_double (double a, double b)
{
  if (isnan (a))
    g_assert_true (isnan (b));
  else
    g_assert_cmpfloat (a, ==, b);
}

static LwProject *
sample_project (const char *image)
{
  const LwCodec *codec = lw_codec_lookup ("wavelet-latent", NULL);
  LwProject *p = lw_project_new (codec, image);
  g_autoptr (GError) error = NULL;

  /* Non-default values of every parameter type: double, int, enum, and the view and panel */
  g_assert_true (lw_params_parse (p->params, "step=3.75", &error));
  g_assert_true (lw_params_parse (p->params, "latents=24", &error));
  g_assert_true (lw_params_parse (p->params, "wavelet=haar", &error));
  g_assert_true (lw_params_parse (p->params, "entropy=webp", &error));
  g_assert_true (lw_params_parse (p->params, "bits=8", &error));
  g_assert_no_error (error);
  g_free (p->compare_mode);
  p->compare_mode = g_strdup ("difference");
  p->zoom = 2.5;
  p->center_x = 100.25;
  p->center_y = NAN;
  p->split = 0.3;
  p->diff_gain = 16;
  g_strfreev (p->rd_codecs);
  p->rd_codecs = g_strsplit ("jpeg,wavelet-latent", ",", -1);
  p->rd_anchor = g_strdup ("jpeg");
  g_free (p->rd_metric);
  p->rd_metric = g_strdup ("ms-ssim");
  p->rd_log_rate = TRUE;
  p->has_results = TRUE;
  p->results = (LwMeasure) { .bytes = 12345, .bpp = 0.25, .ratio = 96.0, .dim_reduction = 8,
                             .psnr = INFINITY, .psnr_y = 40.125, .ssim = 0.9375,
                             .ms_ssim = NAN };
  return p;
}

static void
assert_projects_equal (const LwProject *a, const LwProject *b)
{
  g_assert_cmpstr (a->image, ==, b->image);
  g_assert_true (a->params->codec == b->params->codec);
  for (guint i = 0; i < a->params->codec->n_params; i++)
    g_assert_cmpfloat (a->params->values[i], ==, b->params->values[i]);
  g_assert_cmpstr (a->compare_mode, ==, b->compare_mode);
  g_assert_cmpfloat (a->zoom, ==, b->zoom);
  assert_same_double (a->center_x, b->center_x);
  assert_same_double (a->center_y, b->center_y);
  g_assert_cmpfloat (a->split, ==, b->split);
  g_assert_cmpfloat (a->diff_gain, ==, b->diff_gain);
  g_assert_cmpuint (g_strv_length (a->rd_codecs), ==, g_strv_length (b->rd_codecs));
  for (guint i = 0; a->rd_codecs[i]; i++)
    g_assert_cmpstr (a->rd_codecs[i], ==, b->rd_codecs[i]);
  g_assert_cmpstr (a->rd_anchor, ==, b->rd_anchor);
  g_assert_cmpstr (a->rd_metric, ==, b->rd_metric);
  g_assert_cmpint (a->rd_log_rate, ==, b->rd_log_rate);
  g_assert_cmpint (a->has_results, ==, b->has_results);
  if (a->has_results)
    {
      g_assert_cmpuint (a->results.bytes, ==, b->results.bytes);
      assert_same_double (a->results.bpp, b->results.bpp);
      assert_same_double (a->results.ratio, b->results.ratio);
      assert_same_double (a->results.dim_reduction, b->results.dim_reduction);
      assert_same_double (a->results.psnr, b->results.psnr);
      assert_same_double (a->results.psnr_y, b->results.psnr_y);
      assert_same_double (a->results.ssim, b->results.ssim);
      assert_same_double (a->results.ms_ssim, b->results.ms_ssim);
    }
}

static void
test_defaults (void)
{
  const LwCodec *codec = lw_codec_lookup ("jpeg", NULL);
  g_autoptr (LwProject) p = lw_project_new (codec, "relative/photo.png");
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *want = g_build_filename (cwd, "relative", "photo.png", NULL);

  g_assert_cmpstr (p->image, ==, want);
  g_assert_true (p->params->codec == codec);
  g_assert_cmpfloat (lw_params_get (p->params, "quality"), ==, 75);
  g_assert_cmpstr (p->compare_mode, ==, "split");
  g_assert_cmpfloat (p->zoom, ==, 0);
  g_assert_true (isnan (p->center_x) && isnan (p->center_y));
  g_assert_cmpfloat (p->split, ==, 0.5);
  g_assert_cmpfloat (p->diff_gain, ==, 8);
  g_assert_nonnull (p->rd_codecs);
  g_assert_null (p->rd_codecs[0]);
  g_assert_null (p->rd_anchor);
  g_assert_cmpstr (p->rd_metric, ==, "psnr");
  g_assert_false (p->rd_log_rate);
  g_assert_false (p->has_results);
  lw_project_free (NULL);
}

static void
test_round_trip (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *inside = g_build_filename (dir, "images", "photo.png", NULL);
  g_autofree char *path = g_build_filename (dir, "experiment.json", NULL);
  g_autoptr (GError) error = NULL;

  /* Inside the folder (below it): stored relative, loaded absolute */
  g_autoptr (LwProject) p = sample_project (inside);
  g_assert_true (lw_project_save (p, path, &error));
  g_assert_no_error (error);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"image\" : \"images/photo.png\""));
  g_assert_nonnull (strstr (text, "\"wavelet\" : \"haar\""));  /* enums by choice name */
  g_assert_nonnull (strstr (text, "\"latents\" : 24"));
  g_assert_null (strstr (text, dir));
  g_autoptr (LwProject) q = lw_project_load (path, &error);
  g_assert_no_error (error);
  assert_projects_equal (p, q);

  /* Outside the folder, also a sibling folder sharing a prefix: stored absolute */
  const char *outside[] = { "/somewhere/else/photo.png", NULL };
  g_autofree char *sibling = g_strconcat (dir, "-other/photo.png", NULL);
  g_autofree char *parent = g_build_filename (dir, "..", "photo.png", NULL);
  g_autofree char *parent_abs = g_canonicalize_filename (parent, NULL);
  outside[1] = sibling;
  const char *cases[] = { outside[0], outside[1], parent_abs };
  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autoptr (LwProject) a = sample_project (cases[k]);
      g_autofree char *json = lw_project_to_json (a, dir);
      g_autofree char *expect = g_strdup_printf ("\"image\" : \"%s\"", cases[k]);
      g_assert_nonnull (strstr (json, expect));
      g_assert_true (lw_project_save (a, path, &error));
      g_assert_no_error (error);
      g_autoptr (LwProject) b = lw_project_load (path, &error);
      g_assert_no_error (error);
      assert_projects_equal (a, b);
    }

  /* Without results, and with no base folder (a relative path resolves against the given one) */
  g_autoptr (LwProject) r = sample_project ("/x/y.png");
  r->has_results = FALSE;
  g_autofree char *json = lw_project_to_json (r, NULL);
  g_assert_null (strstr (json, "results"));
  g_autoptr (LwProject) s = lw_project_from_json (json, strlen (json), "/ignored", &error);
  g_assert_no_error (error);
  assert_projects_equal (r, s);
  const char *rel = "{\"format\": \"latent-workbench-experiment\", \"version\": 1, "
                    "\"kind\": \"image\", \"image\": \"sub/a.png\", \"codec\": {\"name\": \"jpeg\"}}";
  g_autoptr (LwProject) t = lw_project_from_json (rel, strlen (rel), "/base/dir", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (t->image, ==, "/base/dir/sub/a.png");
  g_assert_cmpfloat (lw_params_get (t->params, "quality"), ==, 75);  /* missing: default */
  g_assert_cmpstr (t->compare_mode, ==, "split");

  rm_rf (dir);
}

typedef struct
{
  const char *json;     /* members after "format", "version", "kind", "image" unless full */
  gboolean    full;     /* json is the whole document */
  int         code;
  const char *needle;   /* the error must name this */
} BadCase;

#define HEAD "\"format\": \"latent-workbench-experiment\", \"version\": 1, \"kind\": \"image\", " \
             "\"image\": \"a.png\""
#define JPEG ", \"codec\": {\"name\": \"jpeg\"}"
#define WL   ", \"codec\": {\"name\": \"wavelet-latent\", \"params\": "

static const BadCase bad_cases[] = {
  /* document level */
  { "", TRUE, LW_ERROR_INVALID_DATA, "JSON" },
  { "{", TRUE, LW_ERROR_INVALID_DATA, "JSON" },
  { "[1, 2]", TRUE, LW_ERROR_INVALID_DATA, "object" },
  { "\"text\"", TRUE, LW_ERROR_INVALID_DATA, "object" },
  { "{\"version\": 1}", TRUE, LW_ERROR_INVALID_DATA, "format" },
  { "{\"format\": \"something-else\", \"version\": 1}", TRUE, LW_ERROR_UNSUPPORTED,
    "something-else" },
  { "{\"format\": 7}", TRUE, LW_ERROR_INVALID_DATA, "format" },
  { "{\"format\": \"latent-workbench-experiment\"}", TRUE, LW_ERROR_INVALID_DATA, "version" },
  { "{\"format\": \"latent-workbench-experiment\", \"version\": 2}", TRUE, LW_ERROR_UNSUPPORTED,
    "version" },
  { "{\"format\": \"latent-workbench-experiment\", \"version\": 1.5}", TRUE,
    LW_ERROR_INVALID_DATA, "version" },
  { "{\"format\": \"latent-workbench-experiment\", \"version\": \"1\"}", TRUE,
    LW_ERROR_INVALID_DATA, "version" },
  { "{\"format\": \"latent-workbench-experiment\", \"version\": 1, \"kind\": \"video\", "
    "\"image\": \"a.png\"" JPEG "}", TRUE, LW_ERROR_UNSUPPORTED, "kind" },
  { "{\"format\": \"latent-workbench-experiment\", \"version\": 1, \"kind\": \"audio\", "
    "\"image\": \"a.png\"" JPEG "}", TRUE, LW_ERROR_INVALID_DATA, "image" },
  { "{\"format\": \"latent-workbench-experiment\", \"version\": 1, \"kind\": \"image\"" JPEG "}",
    TRUE, LW_ERROR_INVALID_DATA, "image" },
  { "{\"format\": \"latent-workbench-experiment\", \"version\": 1, \"kind\": \"image\", "
    "\"image\": 5" JPEG "}", TRUE, LW_ERROR_INVALID_DATA, "image" },
  { "{\"format\": \"latent-workbench-experiment\", \"version\": 1, \"kind\": \"image\", "
    "\"image\": \"\"" JPEG "}", TRUE, LW_ERROR_INVALID_DATA, "image" },
  { JPEG ", \"colour\": 1", FALSE, LW_ERROR_INVALID_DATA, "colour" },
  /* codec */
  { "", FALSE, LW_ERROR_INVALID_DATA, "codec" },
  { ", \"codec\": \"jpeg\"", FALSE, LW_ERROR_INVALID_DATA, "codec" },
  { ", \"codec\": {\"name\": \"mp3\"}", FALSE, LW_ERROR_UNKNOWN_CODEC, "mp3" },
  { ", \"codec\": {\"params\": {}}", FALSE, LW_ERROR_INVALID_DATA, "codec.name" },
  { ", \"codec\": {\"name\": \"jpeg\", \"extra\": 1}", FALSE, LW_ERROR_INVALID_DATA,
    "codec.extra" },
  { ", \"codec\": {\"name\": \"jpeg\", \"params\": [75]}", FALSE, LW_ERROR_INVALID_DATA,
    "codec.params" },
  { WL "{\"step\": 9999}}", FALSE, LW_ERROR_INVALID_PARAM, "“step” = 9999 is outside 0.25–256" },
  { WL "{\"stepp\": 1}}", FALSE, LW_ERROR_INVALID_PARAM, "stepp" },
  { WL "{\"step\": \"12\"}}", FALSE, LW_ERROR_INVALID_DATA, "codec.params.step" },
  { WL "{\"latents\": 12.5}}", FALSE, LW_ERROR_INVALID_PARAM, "whole number" },
  { WL "{\"wavelet\": \"db4\"}}", FALSE, LW_ERROR_INVALID_PARAM, "db4" },
  { WL "{\"wavelet\": 1}}", FALSE, LW_ERROR_INVALID_DATA, "codec.params.wavelet" },
  { WL "{\"step\": null}}", FALSE, LW_ERROR_INVALID_DATA, "codec.params.step" },
  { WL "{\"step\": 1e999}}", FALSE, LW_ERROR_INVALID_PARAM, "step" },
  { ", \"codec\": {\"name\": \"jpeg\", \"params\": {\"optimize\": 1}}", FALSE,
    LW_ERROR_INVALID_DATA, "codec.params.optimize" },
  { ", \"codec\": {\"name\": \"jpeg\", \"params\": {\"quality\": -5}}", FALSE,
    LW_ERROR_INVALID_PARAM, "quality" },
  /* view */
  { JPEG ", \"view\": 3", FALSE, LW_ERROR_INVALID_DATA, "view" },
  { JPEG ", \"view\": {\"zoom\": 33}", FALSE, LW_ERROR_INVALID_DATA, "view.zoom" },
  { JPEG ", \"view\": {\"zoom\": -1}", FALSE, LW_ERROR_INVALID_DATA, "view.zoom" },
  { JPEG ", \"view\": {\"zoom\": null}", FALSE, LW_ERROR_INVALID_DATA, "view.zoom" },
  { JPEG ", \"view\": {\"split\": 1.5}", FALSE, LW_ERROR_INVALID_DATA, "view.split" },
  { JPEG ", \"view\": {\"split\": \"NaN\"}", FALSE, LW_ERROR_INVALID_DATA, "view.split" },
  { JPEG ", \"view\": {\"split\": NaN}", FALSE, LW_ERROR_INVALID_DATA, "JSON" },
  { JPEG ", \"view\": {\"center_x\": -3}", FALSE, LW_ERROR_INVALID_DATA, "view.center_x" },
  { JPEG ", \"view\": {\"center_y\": 1e300}", FALSE, LW_ERROR_INVALID_DATA, "view.center_y" },
  { JPEG ", \"view\": {\"difference_gain\": 0}", FALSE, LW_ERROR_INVALID_DATA,
    "view.difference_gain" },
  { JPEG ", \"view\": {\"compare_mode\": \"overlay\"}", FALSE, LW_ERROR_INVALID_DATA,
    "view.compare_mode" },
  { JPEG ", \"view\": {\"compare\": \"split\"}", FALSE, LW_ERROR_INVALID_DATA, "view.compare" },
  /* rd */
  { JPEG ", \"rd\": {\"codecs\": \"jpeg\"}", FALSE, LW_ERROR_INVALID_DATA, "rd.codecs" },
  { JPEG ", \"rd\": {\"codecs\": [\"jpeg\", 3]}", FALSE, LW_ERROR_INVALID_DATA, "rd.codecs[1]" },
  { JPEG ", \"rd\": {\"codecs\": [\"jpeg\", \"mp3\"]}", FALSE, LW_ERROR_UNKNOWN_CODEC,
    "rd.codecs[1]" },
  { JPEG ", \"rd\": {\"codecs\": [\"jpeg\", \"jpeg\"]}", FALSE, LW_ERROR_INVALID_DATA, "twice" },
  { JPEG ", \"rd\": {\"anchor\": \"mp3\"}", FALSE, LW_ERROR_UNKNOWN_CODEC, "rd.anchor" },
  { JPEG ", \"rd\": {\"anchor\": 1}", FALSE, LW_ERROR_INVALID_DATA, "rd.anchor" },
  { JPEG ", \"rd\": {\"metric\": \"vmaf\"}", FALSE, LW_ERROR_INVALID_DATA, "rd.metric" },
  { JPEG ", \"rd\": {\"log_rate\": \"yes\"}", FALSE, LW_ERROR_INVALID_DATA, "rd.log_rate" },
  /* results */
  { JPEG ", \"results\": {\"bpp\": 1, \"ratio\": 24}", FALSE, LW_ERROR_INVALID_DATA,
    "results.bytes" },
  { JPEG ", \"results\": {\"bytes\": 10.5, \"bpp\": 1, \"ratio\": 24}", FALSE,
    LW_ERROR_INVALID_DATA, "results.bytes" },
  { JPEG ", \"results\": {\"bytes\": -4, \"bpp\": 1, \"ratio\": 24}", FALSE,
    LW_ERROR_INVALID_DATA, "results.bytes" },
  { JPEG ", \"results\": {\"bytes\": 10, \"ratio\": 24}", FALSE, LW_ERROR_INVALID_DATA,
    "results.bpp" },
  { JPEG ", \"results\": {\"bytes\": 10, \"bpp\": 1, \"ratio\": 24, \"ssim\": 2}", FALSE,
    LW_ERROR_INVALID_DATA, "results.ssim" },
  { JPEG ", \"results\": {\"bytes\": 10, \"bpp\": 1, \"ratio\": 24, \"psnr\": \"inf\"}", FALSE,
    LW_ERROR_INVALID_DATA, "results.psnr" },
  { JPEG ", \"results\": {\"bytes\": 10, \"bpp\": 1, \"ratio\": 24, \"vmaf\": 90}", FALSE,
    LW_ERROR_INVALID_DATA, "results.vmaf" },
};

static void
test_validation (void)
{
  for (guint k = 0; k < G_N_ELEMENTS (bad_cases); k++)
    {
      const BadCase *c = &bad_cases[k];
      g_autofree char *text = c->full ? g_strdup (c->json) : g_strdup_printf ("{" HEAD "%s}",
                                                                             c->json);
      g_autoptr (GError) error = NULL;
      g_autoptr (LwProject) p = lw_project_from_json (text, strlen (text), "/tmp", &error);
      if (p != NULL || error == NULL || error->code != c->code
          || strstr (error->message, c->needle) == NULL)
        g_error ("case %u %s: expected error %d naming “%s”, got %s (code %d)", k, text, c->code,
                 c->needle, error ? error->message : "success", error ? error->code : -1);
      g_assert_true (error->domain == LW_ERROR);
    }

  /* The valid base loads, so each case above fails for its own reason */
  const char *good = "{" HEAD JPEG "}";
  g_autoptr (GError) error = NULL;
  g_autoptr (LwProject) p = lw_project_from_json (good, strlen (good), "/tmp", &error);
  g_assert_no_error (error);
  g_assert_nonnull (p);

  /* Not UTF-8, and an embedded NUL */
  const char bad_utf8[] = "{\"format\": \"\xff\xfe\"}";
  g_assert_null (lw_project_from_json (bad_utf8, sizeof bad_utf8 - 1, NULL, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "UTF-8"));
  g_clear_error (&error);
  const char nul[] = "{\"format\": \0 }";
  g_assert_null (lw_project_from_json (nul, sizeof nul - 1, NULL, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_DATA);
  g_clear_error (&error);

  /* Too large: refused before parsing, limit stated */
  gsize big = LW_PROJECT_MAX_BYTES + 1;
  g_autofree char *huge = g_malloc (big);
  memset (huge, ' ', big);
  g_assert_null (lw_project_from_json (huge, big, NULL, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "1 MiB"));
  g_clear_error (&error);
}

static void
test_load_errors (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *missing = g_build_filename (dir, "missing.json", NULL);
  g_autofree char *big = g_build_filename (dir, "big.json", NULL);
  g_autofree char *bad = g_build_filename (dir, "experiment.json", NULL);
  g_autoptr (GError) error = NULL;

  g_assert_null (lw_project_load (missing, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_IO);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);

  g_assert_null (lw_project_load (dir, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_IO);
  g_clear_error (&error);

  g_autofree char *blob = g_malloc0 (LW_PROJECT_MAX_BYTES + 10);
  g_assert_true (g_file_set_contents (big, blob, LW_PROJECT_MAX_BYTES + 10, NULL));
  g_assert_null (lw_project_load (big, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "big.json"));
  g_assert_nonnull (strstr (error->message, "1 MiB"));
  g_clear_error (&error);

  /* The message starts with the file and names the field */
  const char *text = "{" HEAD WL "{\"step\": 9999}}}";
  g_assert_true (g_file_set_contents (bad, text, -1, NULL));
  g_assert_null (lw_project_load (bad, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
  g_assert_true (g_str_has_prefix (error->message, bad));
  g_assert_nonnull (strstr (error->message, "codec parameter “step” = 9999 is outside 0.25–256"));
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (bad, "", 0, NULL));
  g_assert_null (lw_project_load (bad, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_DATA);
  g_clear_error (&error);
  rm_rf (dir);
}

static void
test_atomic_save (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "experiment.json", NULL);
  g_autofree char *in_missing = g_build_filename (dir, "no-such-folder", "experiment.json", NULL);
  g_autofree char *as_dir = g_build_filename (dir, "taken", NULL);
  g_autoptr (LwProject) p = sample_project ("/x/photo.png");
  g_autoptr (GError) error = NULL;
  g_autofree char *before = NULL, *after = NULL;

  g_assert_true (lw_project_save (p, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &before, NULL, NULL));

  /* A folder that does not exist: error naming the path, nothing created */
  g_assert_false (lw_project_save (p, in_missing, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "no-such-folder"));
  g_clear_error (&error);

  /* The target is a folder: the rename fails, the folder and its file stay, no temp file left */
  g_assert_cmpint (g_mkdir (as_dir, 0755), ==, 0);
  g_autofree char *inner = g_build_filename (as_dir, "keep.txt", NULL);
  g_assert_true (g_file_set_contents (inner, "keep", -1, NULL));
  g_assert_false (lw_project_save (p, as_dir, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_IO);
  g_clear_error (&error);
  g_assert_true (g_file_test (inner, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (count_entries (dir), ==, 2); /* experiment.json and taken/ */

  /* A read-only folder with the file in it: the old file stays whole. Root ignores the mode,
   * so this part only runs as an ordinary user. */
  if (geteuid () != 0)
    {
      g_assert_cmpint (g_chmod (dir, 0555), ==, 0);
      p->zoom = 4;
      g_assert_false (lw_project_save (p, path, &error));
      g_assert_error (error, LW_ERROR, LW_ERROR_IO);
      g_clear_error (&error);
      g_chmod (dir, 0755);
    }
  else
    g_test_message ("running as root: read-only folder case skipped");

  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (before, ==, after);
  rm_rf (dir);
}

/* ---------------------------------------------------------------- audio experiments */

static LwProject *
sample_audio_project (const char *audio)
{
  const LwCodec *codec = lw_codec_lookup ("opus", NULL);
  g_assert_nonnull (codec);
  LwProject *p = lw_project_new (codec, audio);
  g_autoptr (GError) error = NULL;

  g_assert_true (lw_params_parse (p->params, "bitrate=24.5", &error));
  g_assert_true (lw_params_parse (p->params, "complexity=3", &error));
  g_assert_no_error (error);
  p->view_start = 0.25;
  p->view_end = 1.125;
  p->cursor = 0.5;
  p->selection_start = 0.375;
  p->selection_end = 0.875;
  p->source = LW_ABX_B;
  p->spectrogram_scale = LW_FREQ_MEL;
  g_strfreev (p->rd_codecs);
  p->rd_codecs = g_strsplit ("opus,flac", ",", -1);
  p->rd_anchor = g_strdup ("opus");
  g_free (p->rd_metric);
  p->rd_metric = g_strdup ("si-sdr");
  p->has_results = TRUE;
  p->audio_results = (LwAudioMeasure) { .bytes = 4321, .kbps = 24.75, .bits_per_sample = 0.5625,
                                        .ratio = 28.5, .dim_reduction = 1, .snr = 12.5,
                                        .si_sdr = INFINITY, .psnr = 40.0625, .lsd = 1.75 };
  /* A listener right in 3 of 4 trials, over a 64-bit seed */
  p->abx = lw_abx_new (G_GUINT64_CONSTANT (18446744073709551557));
  for (guint i = 0; i < 23; i++)
    {
      LwAbxChoice x = lw_abx_current_x (p->abx);
      lw_abx_answer (p->abx, i % 4 == 1 ? !x : x);
    }
  return p;
}

static void
test_audio_defaults (void)
{
  const LwCodec *codec = lw_codec_lookup ("flac", NULL);
  g_autoptr (LwProject) p = lw_project_new (codec, "/x/voice.wav");

  g_assert_cmpint (p->kind, ==, LW_MEDIA_AUDIO);
  g_assert_cmpstr (p->audio, ==, "/x/voice.wav");
  g_assert_null (p->image);
  g_assert_true (isnan (p->view_start) && isnan (p->view_end) && isnan (p->cursor));
  g_assert_true (isnan (p->selection_start) && isnan (p->selection_end));
  g_assert_cmpint (p->source, ==, LW_ABX_A);
  g_assert_cmpint (p->spectrogram_scale, ==, LW_FREQ_LOG);
  g_assert_null (p->abx);
  g_assert_false (p->has_results);

  /* An image codec still makes an image experiment */
  g_autoptr (LwProject) q = lw_project_new (lw_codec_lookup ("jpeg", NULL), "/x/a.png");
  g_assert_cmpint (q->kind, ==, LW_MEDIA_IMAGE);
  g_assert_cmpstr (q->image, ==, "/x/a.png");
  g_assert_null (q->audio);
}

static void
test_audio_round_trip (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *audio = g_build_filename (dir, "sounds", "voice.wav", NULL);
  g_autofree char *path = g_build_filename (dir, "experiment.json", NULL);
  g_autoptr (LwProject) p = sample_audio_project (audio);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_true (lw_project_save (p, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"kind\" : \"audio\""));
  g_assert_nonnull (strstr (text, "\"audio\" : \"sounds/voice.wav\""));
  g_assert_nonnull (strstr (text, "\"seed\" : \"18446744073709551557\""));
  g_assert_null (strstr (text, "\"image\""));
  g_assert_null (strstr (text, "compare_mode"));

  g_autoptr (LwProject) q = lw_project_load (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (q);
  g_assert_cmpint (q->kind, ==, LW_MEDIA_AUDIO);
  g_assert_cmpstr (q->audio, ==, audio);
  g_assert_null (q->image);
  g_assert_cmpstr (q->params->codec->name, ==, "opus");
  g_assert_cmpfloat (lw_params_get (q->params, "bitrate"), ==, 24.5);
  g_assert_cmpfloat (lw_params_get (q->params, "complexity"), ==, 3);
  g_assert_cmpfloat (q->view_start, ==, 0.25);
  g_assert_cmpfloat (q->view_end, ==, 1.125);
  g_assert_cmpfloat (q->cursor, ==, 0.5);
  g_assert_cmpfloat (q->selection_start, ==, 0.375);
  g_assert_cmpfloat (q->selection_end, ==, 0.875);
  g_assert_cmpint (q->source, ==, LW_ABX_B);
  g_assert_cmpint (q->spectrogram_scale, ==, LW_FREQ_MEL);
  g_assert_cmpuint (g_strv_length (q->rd_codecs), ==, 2);
  g_assert_cmpstr (q->rd_anchor, ==, "opus");
  g_assert_cmpstr (q->rd_metric, ==, "si-sdr");
  g_assert_true (q->has_results);
  const LwAudioMeasure *a = &p->audio_results, *b = &q->audio_results;
  g_assert_cmpuint (a->bytes, ==, b->bytes);
  assert_same_double (a->kbps, b->kbps);
  assert_same_double (a->bits_per_sample, b->bits_per_sample);
  assert_same_double (a->ratio, b->ratio);
  assert_same_double (a->dim_reduction, b->dim_reduction);
  assert_same_double (a->snr, b->snr);
  assert_same_double (a->si_sdr, b->si_sdr);
  assert_same_double (a->psnr, b->psnr);
  assert_same_double (a->lsd, b->lsd);
  g_assert_cmpfloat (b->encode_ms, ==, 0);

  /* The ABX session comes back as the same session and continues with the same X */
  g_assert_nonnull (q->abx);
  g_assert_cmpuint (lw_abx_get_seed (q->abx), ==, lw_abx_get_seed (p->abx));
  g_assert_cmpuint (lw_abx_get_trials (q->abx), ==, 23);
  g_assert_cmpuint (lw_abx_get_correct (q->abx), ==, lw_abx_get_correct (p->abx));
  g_assert_cmpfloat (lw_abx_p_value (q->abx), ==, lw_abx_p_value (p->abx));
  g_assert_cmpint (lw_abx_current_x (q->abx), ==, lw_abx_current_x (p->abx));

  /* Writing the loaded project gives the same text */
  g_autofree char *again = lw_project_to_json (q, dir);
  g_assert_cmpstr (text, ==, again);

  /* Defaults (no view, results or ABX) survive too: nulls for the unset times */
  g_autoptr (LwProject) d = lw_project_new (lw_codec_lookup ("flac", NULL), audio);
  g_autofree char *dtext = lw_project_to_json (d, dir);
  g_assert_null (strstr (dtext, "\"abx\""));
  g_autoptr (LwProject) d2 = lw_project_from_json (dtext, strlen (dtext), dir, &error);
  g_assert_no_error (error);
  g_assert_true (isnan (d2->view_start) && isnan (d2->cursor) && isnan (d2->selection_end));
  g_assert_null (d2->abx);
  g_assert_false (d2->has_results);
  rm_rf (dir);
}

#define AHEAD "\"format\": \"latent-workbench-experiment\", \"version\": 1, \"kind\": \"audio\", " \
              "\"audio\": \"a.wav\""
#define OPUS  ", \"codec\": {\"name\": \"opus\"}"
#define RES   ", \"results\": {\"bytes\": 10, \"kbps\": 8, \"bits_per_sample\": 0.2, \"ratio\": 80"
/* seed 1 draws x = a, b, b, b, … (the first trials of lw_abx_new (1)) */
#define ABX1  ", \"abx\": {\"seed\": \"1\", "

static const BadCase bad_audio_cases[] = {
  { OPUS ", \"image\": \"a.png\"", FALSE, LW_ERROR_INVALID_DATA, "image" },
  { ", \"codec\": {\"name\": \"jpeg\"}", FALSE, LW_ERROR_UNSUPPORTED, "not an audio codec" },
  { ", \"codec\": {\"name\": \"opus\", \"params\": {\"bitrate\": 5000}}", FALSE,
    LW_ERROR_INVALID_PARAM, "bitrate" },
  /* view */
  { OPUS ", \"view\": {\"start\": 1}", FALSE, LW_ERROR_INVALID_DATA, "view.end" },
  { OPUS ", \"view\": {\"start\": 2, \"end\": 1}", FALSE, LW_ERROR_INVALID_DATA, "view.start" },
  { OPUS ", \"view\": {\"start\": -1, \"end\": 1}", FALSE, LW_ERROR_INVALID_DATA, "view.start" },
  { OPUS ", \"view\": {\"start\": 0, \"end\": 1e9}", FALSE, LW_ERROR_INVALID_DATA, "view.end" },
  { OPUS ", \"view\": {\"cursor\": \"0\"}", FALSE, LW_ERROR_INVALID_DATA, "view.cursor" },
  { OPUS ", \"view\": {\"selection_start\": 1, \"selection_end\": 1}", FALSE,
    LW_ERROR_INVALID_DATA, "view.selection_start" },
  { OPUS ", \"view\": {\"selection_end\": 1}", FALSE, LW_ERROR_INVALID_DATA,
    "view.selection_start" },
  { OPUS ", \"view\": {\"source\": \"x\"}", FALSE, LW_ERROR_INVALID_DATA, "view.source" },
  { OPUS ", \"view\": {\"spectrogram_scale\": \"bark\"}", FALSE, LW_ERROR_INVALID_DATA,
    "view.spectrogram_scale" },
  { OPUS ", \"view\": {\"zoom\": 1}", FALSE, LW_ERROR_INVALID_DATA, "view.zoom" },
  /* rd */
  { OPUS ", \"rd\": {\"codecs\": [\"opus\", \"webp\"]}", FALSE, LW_ERROR_UNSUPPORTED,
    "rd.codecs[1]" },
  { OPUS ", \"rd\": {\"anchor\": \"jpeg\"}", FALSE, LW_ERROR_UNSUPPORTED, "rd.anchor" },
  { OPUS ", \"rd\": {\"metric\": \"ssim\"}", FALSE, LW_ERROR_INVALID_DATA, "rd.metric" },
  /* results */
  { OPUS ", \"results\": {\"kbps\": 8, \"bits_per_sample\": 0.2, \"ratio\": 80}", FALSE,
    LW_ERROR_INVALID_DATA, "results.bytes" },
  { OPUS ", \"results\": {\"bytes\": 10, \"bits_per_sample\": 0.2, \"ratio\": 80}", FALSE,
    LW_ERROR_INVALID_DATA, "results.kbps" },
  { OPUS ", \"results\": {\"bytes\": 10, \"kbps\": 8, \"ratio\": 80}", FALSE,
    LW_ERROR_INVALID_DATA, "results.bits_per_sample" },
  { OPUS RES ", \"bpp\": 1}", FALSE, LW_ERROR_INVALID_DATA, "results.bpp" },
  { OPUS RES ", \"snr\": \"inf\"}", FALSE, LW_ERROR_INVALID_DATA, "results.snr" },
  { OPUS RES ", \"lsd\": -1}", FALSE, LW_ERROR_INVALID_DATA, "results.lsd" },
  { OPUS RES ", \"si_sdr\": 1e5}", FALSE, LW_ERROR_INVALID_DATA, "results.si_sdr" },
  /* abx */
  { "{" HEAD JPEG ", \"abx\": {}}", TRUE, LW_ERROR_INVALID_DATA, "abx" },
  { OPUS ", \"abx\": []", FALSE, LW_ERROR_INVALID_DATA, "abx" },
  { OPUS ", \"abx\": {\"trials\": [], \"correct\": 0, \"p_value\": 1}", FALSE,
    LW_ERROR_INVALID_DATA, "abx.seed" },
  { OPUS ", \"abx\": {\"seed\": 1, \"trials\": [], \"correct\": 0, \"p_value\": 1}", FALSE,
    LW_ERROR_INVALID_DATA, "abx.seed" },
  { OPUS ", \"abx\": {\"seed\": \"-1\", \"trials\": [], \"correct\": 0, \"p_value\": 1}", FALSE,
    LW_ERROR_INVALID_DATA, "abx.seed" },
  { OPUS ", \"abx\": {\"seed\": \"18446744073709551616\", \"trials\": [], \"correct\": 0, "
    "\"p_value\": 1}", FALSE, LW_ERROR_INVALID_DATA, "abx.seed" },
  { OPUS ABX1 "\"correct\": 0, \"p_value\": 1}", FALSE, LW_ERROR_INVALID_DATA, "abx.trials" },
  { OPUS ABX1 "\"trials\": [\"a\"], \"correct\": 0, \"p_value\": 1}", FALSE,
    LW_ERROR_INVALID_DATA, "abx.trials[0]" },
  { OPUS ABX1 "\"trials\": [[\"a\", \"c\"]], \"correct\": 1, \"p_value\": 0.5}", FALSE,
    LW_ERROR_INVALID_DATA, "abx.trials[0][1]" },
  { OPUS ABX1 "\"trials\": [[\"a\", \"a\", \"a\"]], \"correct\": 1, \"p_value\": 0.5}", FALSE,
    LW_ERROR_INVALID_DATA, "abx.trials[0]" },
  /* x that the seed did not draw */
  { OPUS ABX1 "\"trials\": [[\"a\", \"a\"], [\"a\", \"b\"]], \"correct\": 2, \"p_value\": 0.25}",
    FALSE, LW_ERROR_INVALID_DATA, "abx.trials[1]" },
  { OPUS ABX1 "\"trials\": [[\"a\", \"a\"], [\"b\", \"a\"]], \"p_value\": 0.75}", FALSE,
    LW_ERROR_INVALID_DATA, "abx.correct" },
  { OPUS ABX1 "\"trials\": [[\"a\", \"a\"], [\"b\", \"a\"]], \"correct\": 2, \"p_value\": 0.75}",
    FALSE, LW_ERROR_INVALID_DATA, "abx.correct" },
  { OPUS ABX1 "\"trials\": [[\"a\", \"a\"], [\"b\", \"a\"]], \"correct\": 1}", FALSE,
    LW_ERROR_INVALID_DATA, "abx.p_value" },
  { OPUS ABX1 "\"trials\": [[\"a\", \"a\"], [\"b\", \"a\"]], \"correct\": 1, \"p_value\": 0.01}",
    FALSE, LW_ERROR_INVALID_DATA, "abx.p_value" },
  { OPUS ABX1 "\"trials\": [], \"correct\": 0, \"p_value\": 1, \"score\": 3}", FALSE,
    LW_ERROR_INVALID_DATA, "abx.score" },
};

static void
test_audio_validation (void)
{
  /* The valid base and a valid session load, so each case fails for its own reason */
  const char *good = "{" AHEAD OPUS RES "}" ABX1
                     "\"trials\": [[\"a\", \"a\"], [\"b\", \"a\"]], \"correct\": 1, "
                     "\"p_value\": 0.75}}";
  g_autoptr (GError) error = NULL;
  g_autoptr (LwProject) p = lw_project_from_json (good, strlen (good), "/tmp", &error);
  g_assert_no_error (error);
  g_assert_nonnull (p);
  g_assert_cmpuint (lw_abx_get_correct (p->abx), ==, 1);
  g_assert_cmpstr (p->audio, ==, "/tmp/a.wav");

  for (guint k = 0; k < G_N_ELEMENTS (bad_audio_cases); k++)
    {
      const BadCase *c = &bad_audio_cases[k];
      g_autofree char *text = c->full ? g_strdup (c->json) : g_strdup_printf ("{" AHEAD "%s}",
                                                                             c->json);
      g_autoptr (GError) e = NULL;
      g_autoptr (LwProject) q = lw_project_from_json (text, strlen (text), "/tmp", &e);
      if (q != NULL || e == NULL || e->code != c->code || strstr (e->message, c->needle) == NULL)
        g_error ("audio case %u %s: expected error %d naming “%s”, got %s (code %d)", k, text,
                 c->code, c->needle, e ? e->message : "success", e ? e->code : -1);
      g_assert_true (e->domain == LW_ERROR);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/project/defaults", test_defaults);
  g_test_add_func ("/project/round-trip", test_round_trip);
  g_test_add_func ("/project/validation", test_validation);
  g_test_add_func ("/project/load-errors", test_load_errors);
  g_test_add_func ("/project/save/atomic", test_atomic_save);
  g_test_add_func ("/project/audio/defaults", test_audio_defaults);
  g_test_add_func ("/project/audio/round-trip", test_audio_round_trip);
  g_test_add_func ("/project/audio/validation", test_audio_validation);
  return g_test_run ();
}
