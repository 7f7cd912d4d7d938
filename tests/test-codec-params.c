/* test-codec-params.c — the codec registry and parameter parsing, checking and formatting
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "lw-codec.h"
#include "lw-error.h"

#include <math.h>
#include <string.h>

static void
test_registry (void)
{
  const LwCodec **list = lw_codec_list ();
  guint n = 0;
  for (; list[n]; n++)
    {
      const LwCodec *c = list[n];
      GError *error = NULL;
      g_assert_true (lw_codec_lookup (c->name, &error) == c);
      g_assert_true (lw_codec_lookup_id (c->id, &error) == c);
      g_assert_no_error (error);
      /* every parameter description is consistent, and the sweep parameter drives the rate */
      for (guint i = 0; i < c->n_params; i++)
        {
          const LwParamSpec *s = &c->params[i];
          g_assert_cmpfloat (s->min, <=, s->default_value);
          g_assert_cmpfloat (s->default_value, <=, s->max);
          g_assert_nonnull (s->help);
          if (s->type == LW_PARAM_ENUM)
            g_assert_cmpuint (g_strv_length ((char **) s->choices), ==, s->max + 1);
        }
      int sweep = lw_params_index (c, c->sweep_param);
      g_assert_cmpint (sweep, >=, 0);
      g_assert_true (c->params[sweep].drives_rate);
      for (guint k = 0; k < n; k++)
        g_assert_cmpuint (list[k]->id, !=, c->id);
    }
  /* four image codecs (wavelet-latent, jpeg, jpeg2000, webp), three audio codecs
   * (wavelet-latent-audio, opus, flac) */
  g_assert_cmpuint (n, ==, 7);
  for (const char *const *name = (const char *[]) { "wavelet-latent", "jpeg", "jpeg2000", "webp",
                                                    "wavelet-latent-audio", "opus", "flac", NULL };
       *name != NULL; name++)
    g_assert_nonnull (lw_codec_lookup (*name, NULL));

  GError *error = NULL;
  g_assert_null (lw_codec_lookup ("mp3", &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_UNKNOWN_CODEC);
  g_assert_nonnull (strstr (error->message, "wavelet-latent"));
  g_clear_error (&error);
  g_assert_null (lw_codec_lookup_id (999, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_UNKNOWN_CODEC);
  g_clear_error (&error);
}

static void
test_parse (void)
{
  GError *error = NULL;
  const LwCodec *c = lw_codec_lookup ("wavelet-latent", &error);
  g_autoptr (LwParams) p = lw_params_new (c);

  g_assert_true (lw_params_parse (p, "step=7.5", &error));
  g_assert_cmpfloat (lw_params_get (p, "step"), ==, 7.5);
  g_assert_true (lw_params_parse (p, "entropy=webp", &error));
  g_assert_cmpfloat (lw_params_get (p, "entropy"), ==, 1);
  g_assert_true (lw_params_parse (p, "latents=12", &error));
  g_assert_no_error (error);

  const char *bad[] = { "step", "=3", "step=", "step=abc", "step=1e9", "step=nan", "latents=2.5",
                        "entropy=zip", "colour=red" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (lw_params_parse (p, bad[i], &error));
      g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
      g_clear_error (&error);
    }
  /* failed assignments leave the old values */
  g_assert_cmpfloat (lw_params_get (p, "step"), ==, 7.5);

  g_autofree char *s = lw_params_to_string (p);
  g_assert_nonnull (strstr (s, "step=7.5"));
  g_assert_nonnull (strstr (s, "entropy=webp"));

  g_autoptr (LwParams) q = lw_params_copy (p);
  g_assert_false (lw_params_need_reanalysis (p, q));
  g_assert_true (lw_params_parse (q, "step=3", &error));
  g_assert_false (lw_params_need_reanalysis (p, q)); /* a rate knob */
  g_assert_true (lw_params_parse (q, "levels=2", &error));
  g_assert_true (lw_params_need_reanalysis (p, q));
}

static void
test_bool_and_format (void)
{
  GError *error = NULL;
  const LwCodec *c = lw_codec_lookup ("webp", &error);
  g_autoptr (LwParams) p = lw_params_new (c);
  g_assert_true (lw_params_parse (p, "lossless=true", &error));
  g_assert_cmpfloat (lw_params_get (p, "lossless"), ==, 1);
  g_assert_true (lw_params_parse (p, "lossless=no", &error));
  g_assert_cmpfloat (lw_params_get (p, "lossless"), ==, 0);
  int i = lw_params_index (c, "lossless");
  g_autofree char *t = lw_param_format (&c->params[i], 1);
  g_assert_cmpstr (t, ==, "true");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/codec/registry", test_registry);
  g_test_add_func ("/codec/params/parse", test_parse);
  g_test_add_func ("/codec/params/bool-and-format", test_bool_and_format);
  return g_test_run ();
}
