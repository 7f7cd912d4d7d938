/* test-nn-params.c — the parameter arena, RNG, AdamW against torch.optim.AdamW, the lr schedule
 * and checkpoints (tools/gen-nn-optim-vectors.py writes the references)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "lw-error.h"
#include "lw-nn-params.h"
#include "lw-safetensors.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static GStrv
read_vector_lines (const char *name)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_file_get_contents (g_test_get_filename (G_TEST_DIST, "vectors", name, NULL), &text, NULL,
                       &error);
  g_assert_no_error (error);
  return g_strsplit (text, "\n", -1);
}

/* ---- arena ------------------------------------------------------------------------------- */

static void
test_arena (void)
{
  g_autoptr (LwNnParams) p = lw_nn_params_new ();
  gsize s0[2] = { 3, 5 }, s1[1] = { 7 }, s2[4] = { 2, 3, 3, 3 };
  g_assert_cmpuint (lw_nn_params_declare (p, "lin.weight", 2, s0), ==, 0);
  g_assert_cmpuint (lw_nn_params_declare (p, "lin.bias", 1, s1), ==, 1);
  g_assert_cmpuint (lw_nn_params_declare (p, "conv.weight", 4, s2), ==, 2);
  g_assert_cmpuint (lw_nn_params_declare (p, "scale", 0, NULL), ==, 3);
  lw_nn_params_allocate (p);

  g_assert_cmpuint (lw_nn_params_count (p), ==, 4);
  g_assert_cmpuint (lw_nn_params_total (p), ==, 15 + 7 + 54 + 1);
  float *values = lw_nn_params_values (p), *grads = lw_nn_params_grads (p);
  g_assert_cmpuint ((guintptr) values % 64, ==, 0);
  g_assert_cmpuint ((guintptr) grads % 64, ==, 0);
  /* slices back to back, at the same offsets in both arenas */
  const gsize offsets[4] = { 0, 15, 22, 76 };
  const gsize numels[4] = { 15, 7, 54, 1 };
  for (guint i = 0; i < 4; i++)
    {
      g_assert_true (lw_nn_params_value (p, i) == values + offsets[i]);
      g_assert_true (lw_nn_params_grad (p, i) == grads + offsets[i]);
      g_assert_cmpuint (lw_nn_params_numel (p, i), ==, numels[i]);
      g_assert_cmpint (lw_nn_params_find (p, lw_nn_params_name (p, i)), ==, (int) i);
      g_assert_true (lw_nn_params_trainable (p, i));
    }
  g_assert_cmpint (lw_nn_params_find (p, "missing"), ==, -1);
  g_assert_cmpstr (lw_nn_params_name (p, 2), ==, "conv.weight");
  g_assert_cmpuint (lw_nn_params_ndim (p, 2), ==, 4);
  g_assert_cmpuint (lw_nn_params_shape (p, 2)[3], ==, 3);
  /* decay: matrices and kernels yes, biases and scalars no */
  g_assert_true (lw_nn_params_decay (p, 0));
  g_assert_false (lw_nn_params_decay (p, 1));
  g_assert_true (lw_nn_params_decay (p, 2));
  g_assert_false (lw_nn_params_decay (p, 3));
  lw_nn_params_set_decay (p, 0, FALSE);
  g_assert_false (lw_nn_params_decay (p, 0));
  for (gsize k = 0; k < lw_nn_params_total (p); k++)
    g_assert_true (values[k] == 0.0f && grads[k] == 0.0f);

  /* initialisers: deterministic, in range, roughly the right spread */
  LwRng rng;
  lw_rng_seed (&rng, 7);
  lw_nn_params_init_normal (p, 2, 0.02, &rng);
  lw_nn_params_init_uniform (p, 1, 0.5, &rng);
  lw_nn_params_init_constant (p, 3, 1.0f);
  g_assert_cmpfloat (lw_nn_params_value (p, 3)[0], ==, 1.0f);
  for (gsize k = 0; k < 7; k++)
    g_assert_true (fabsf (lw_nn_params_value (p, 1)[k]) <= 0.5f);
  LwRng again;
  lw_rng_seed (&again, 7);
  g_assert_cmpfloat (lw_nn_params_value (p, 2)[0], ==, (float) (0.02 * lw_rng_normal (&again)));

  /* gradient norm and clipping, frozen tensors left out */
  lw_nn_params_zero_grad (p);
  lw_nn_params_grad (p, 0)[0] = 3.0f;
  lw_nn_params_grad (p, 1)[6] = 4.0f;
  lw_nn_params_grad (p, 2)[1] = 100.0f;
  lw_nn_params_set_trainable (p, 2, FALSE);
  g_assert_false (lw_nn_params_trainable (p, 2));
  g_assert_cmpfloat_with_epsilon (lw_nn_params_grad_norm (p), 5.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (lw_nn_params_clip_grad (p, 10.0), 5.0, 1e-12);
  g_assert_cmpfloat (lw_nn_params_grad (p, 0)[0], ==, 3.0f); /* below max: untouched */
  g_assert_cmpfloat_with_epsilon (lw_nn_params_clip_grad (p, 1.0), 5.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (lw_nn_params_grad (p, 0)[0], 3.0 / (5.0 + 1e-6), 1e-7);
  g_assert_cmpfloat_with_epsilon (lw_nn_params_grad (p, 1)[6], 4.0 / (5.0 + 1e-6), 1e-7);
  g_assert_cmpfloat (lw_nn_params_grad (p, 2)[1], ==, 100.0f);
}

static void
test_empty_arena (void)
{
  g_autoptr (LwNnParams) p = lw_nn_params_new ();
  lw_nn_params_allocate (p);
  g_assert_cmpuint (lw_nn_params_total (p), ==, 0);
  g_assert_nonnull (lw_nn_params_values (p));
  g_assert_cmpfloat (lw_nn_params_grad_norm (p), ==, 0.0);
}

/* ---- RNG --------------------------------------------------------------------------------- */

static void
test_rng (void)
{
  g_auto (GStrv) lines = read_vector_lines ("nn-rng.txt");
  guint checked = 0;
  for (guint l = 0; lines[l]; l++)
    {
      g_auto (GStrv) f = g_strsplit (lines[l], " ", -1);
      if (f[0] == NULL || f[0][0] == '#' || f[0][0] == '\0')
        continue;
      LwRng rng;
      lw_rng_seed (&rng, g_ascii_strtoull (f[1], NULL, 10));
      if (strcmp (f[0], "next") == 0)
        for (guint k = 2; f[k]; k++)
          g_assert_cmpuint (lw_rng_next (&rng), ==, g_ascii_strtoull (f[k], NULL, 10));
      else if (strcmp (f[0], "uniform") == 0)
        for (guint k = 2; f[k]; k++)
          g_assert_cmpfloat (lw_rng_uniform (&rng), ==, g_ascii_strtod (f[k], NULL));
      else if (strcmp (f[0], "normal") == 0)
        for (guint k = 2; f[k]; k++)
          g_assert_cmpfloat_with_epsilon (lw_rng_normal (&rng), g_ascii_strtod (f[k], NULL),
                                          1e-13);
      else if (strcmp (f[0], "below") == 0)
        {
          guint32 n = (guint32) g_ascii_strtoull (f[2], NULL, 10);
          for (guint k = 3; f[k]; k++)
            g_assert_cmpuint (lw_rng_below (&rng, n), ==, g_ascii_strtoull (f[k], NULL, 10));
        }
      else
        g_assert_not_reached ();
      checked++;
    }
  g_assert_cmpuint (checked, ==, 4 * 6);

  /* uniform in [0, 1), below in range and covering it, normal roughly standard */
  LwRng rng;
  lw_rng_seed (&rng, 123);
  guint counts[7] = { 0 };
  double sum = 0, sum2 = 0;
  for (int i = 0; i < 20000; i++)
    {
      double u = lw_rng_uniform (&rng);
      g_assert_true (u >= 0.0 && u < 1.0);
      guint32 b = lw_rng_below (&rng, 7);
      g_assert_cmpuint (b, <, 7);
      counts[b]++;
      double z = lw_rng_normal (&rng);
      g_assert_true (isfinite (z));
      sum += z;
      sum2 += z * z;
    }
  for (int i = 0; i < 7; i++)
    g_assert_cmpuint (counts[i], >, 2500);
  g_assert_cmpfloat (fabs (sum / 20000), <, 0.05);
  g_assert_cmpfloat (fabs (sum2 / 20000 - 1.0), <, 0.05);
}

/* ---- AdamW against torch ----------------------------------------------------------------- */

static void
parse_floats (char **f, float *out, gsize n)
{
  for (gsize k = 0; k < n; k++)
    {
      g_assert_nonnull (f[k]);
      out[k] = strtof (f[k], NULL);
    }
  g_assert_null (f[n]);
}

static double worst_rel;

static void
assert_close (const float *got, char **want_text, gsize n, const char *what)
{
  for (gsize k = 0; k < n; k++)
    {
      double want = g_ascii_strtod (want_text[k], NULL);
      double err = fabs ((double) got[k] - want);
      /* relative to the value, with a floor at the scale of the values (~0.01…1) so entries
       * that pass close to zero are not judged on cancellation noise */
      double rel = err / MAX (fabs (want), 1e-2);
      worst_rel = MAX (worst_rel, rel);
      if (rel > 1e-6)
        g_error ("%s[%" G_GSIZE_FORMAT "]: %.9g, torch %.9g", what, k, got[k], want);
    }
}

static void
test_adamw_torch (void)
{
  g_auto (GStrv) lines = read_vector_lines ("nn-optim.txt");
  g_autoptr (LwNnParams) p = lw_nn_params_new ();
  g_autoptr (LwAdamW) opt = NULL;
  LwAdamWConfig config = { 0 };
  double max_norm = 0;
  guint n_after = 0, n_norm = 0, cur_step = G_MAXUINT;
  double lr = 0;
  worst_rel = 0;

  for (guint l = 0; lines[l]; l++)
    {
      g_auto (GStrv) f = g_strsplit (lines[l], " ", -1);
      if (f[0] == NULL || f[0][0] == '#' || f[0][0] == '\0')
        continue;
      if (strcmp (f[0], "config") == 0)
        {
          config.beta1 = g_ascii_strtod (f[1], NULL);
          config.beta2 = g_ascii_strtod (f[2], NULL);
          config.eps = g_ascii_strtod (f[3], NULL);
          config.weight_decay = g_ascii_strtod (f[4], NULL);
          max_norm = g_ascii_strtod (f[5], NULL);
        }
      else if (strcmp (f[0], "param") == 0)
        {
          gsize shape[LW_NN_MAX_DIMS];
          guint ndim = (guint) atoi (f[4]);
          for (guint d = 0; d < ndim; d++)
            shape[d] = g_ascii_strtoull (f[5 + d], NULL, 10);
          guint i = lw_nn_params_declare (p, f[1], ndim, shape);
          /* the default decay rule must be the one the reference used */
          g_assert_cmpint (lw_nn_params_decay (p, i) && atoi (f[2]), ==, atoi (f[3]));
        }
      else if (strcmp (f[0], "init") == 0)
        {
          if (opt == NULL)
            {
              lw_nn_params_allocate (p);
              opt = lw_adamw_new (p, &config);
            }
          int i = lw_nn_params_find (p, f[1]);
          parse_floats (f + 2, lw_nn_params_value (p, (guint) i),
                        lw_nn_params_numel (p, (guint) i));
        }
      else if (strcmp (f[0], "grad") == 0)
        {
          guint step = (guint) atoi (f[1]);
          if (step != cur_step)
            {
              /* trainable flags come from the param lines, once the arena exists */
              for (guint l2 = 0; lines[l2]; l2++)
                if (g_str_has_prefix (lines[l2], "param "))
                  {
                    g_auto (GStrv) q = g_strsplit (lines[l2], " ", -1);
                    lw_nn_params_set_trainable (p, (guint) lw_nn_params_find (p, q[1]),
                                                atoi (q[2]));
                  }
              lw_nn_params_zero_grad (p);
              cur_step = step;
            }
          int i = lw_nn_params_find (p, f[2]);
          parse_floats (f + 3, lw_nn_params_grad (p, (guint) i),
                        lw_nn_params_numel (p, (guint) i));
        }
      else if (strcmp (f[0], "lr") == 0)
        {
          lr = g_ascii_strtod (f[2], NULL);
          /* the schedule the script used: warmup 2, total 6, 1e-2 → 1e-3 */
          g_assert_cmpfloat_with_epsilon (lw_lr_warmup_cosine ((guint64) atoi (f[1]), 2, 6, 1e-2,
                                                               1e-3),
                                          lr, 1e-15);
        }
      else if (strcmp (f[0], "norm") == 0)
        {
          double norm = lw_nn_params_clip_grad (p, max_norm);
          double want = g_ascii_strtod (f[2], NULL);
          g_assert_cmpfloat (fabs (norm - want), <=, 1e-6 * want);
          lw_adamw_step (opt, lr);
          g_assert_cmpuint (lw_adamw_steps (opt), ==, (guint64) atoi (f[1]) + 1);
          n_norm++;
        }
      else if (strcmp (f[0], "after") == 0)
        {
          int i = lw_nn_params_find (p, f[2]);
          g_autofree char *what = g_strdup_printf ("step %s %s", f[1], f[2]);
          assert_close (lw_nn_params_value (p, (guint) i), f + 3,
                        lw_nn_params_numel (p, (guint) i), what);
          n_after++;
        }
      else if (strcmp (f[0], "m") == 0 || strcmp (f[0], "v") == 0)
        {
          int i = lw_nn_params_find (p, f[1]);
          gsize offset = (gsize) (lw_nn_params_value (p, (guint) i) - lw_nn_params_values (p));
          float *arena = f[0][0] == 'm' ? lw_adamw_m (opt) : lw_adamw_v (opt);
          g_autofree char *what = g_strdup_printf ("%s %s", f[0], f[1]);
          assert_close (arena + offset, f + 2, lw_nn_params_numel (p, (guint) i), what);
        }
    }
  g_assert_cmpuint (n_norm, ==, 6);
  g_assert_cmpuint (n_after, ==, 6 * 5);
  g_test_message ("worst relative difference to torch: %.3g", worst_rel);
}

static void
test_schedule (void)
{
  const double max = 1e-3, min = 1e-4;
  /* warmup: lr_max·(step + 1)/warmup */
  g_assert_cmpfloat_with_epsilon (lw_lr_warmup_cosine (0, 10, 100, max, min), 1e-4, 1e-18);
  g_assert_cmpfloat_with_epsilon (lw_lr_warmup_cosine (4, 10, 100, max, min), 5e-4, 1e-18);
  g_assert_cmpfloat_with_epsilon (lw_lr_warmup_cosine (9, 10, 100, max, min), 1e-3, 1e-18);
  /* cosine: lr_max at the end of warmup, the midpoint halfway, lr_min at total and after */
  g_assert_cmpfloat_with_epsilon (lw_lr_warmup_cosine (10, 10, 100, max, min), 1e-3, 1e-18);
  g_assert_cmpfloat_with_epsilon (lw_lr_warmup_cosine (55, 10, 100, max, min), 5.5e-4, 1e-17);
  /* a quarter of the way: min + (max − min)·(1 + cos(π/4))/2 */
  g_assert_cmpfloat_with_epsilon (lw_lr_warmup_cosine (32, 10, 98, max, min),
                                  1e-4 + 9e-4 * (1 + sqrt (0.5)) / 2, 1e-17);
  g_assert_cmpfloat_with_epsilon (lw_lr_warmup_cosine (100, 10, 100, max, min), min, 1e-18);
  g_assert_cmpfloat_with_epsilon (lw_lr_warmup_cosine (5000, 10, 100, max, min), min, 1e-18);
  /* no warmup */
  g_assert_cmpfloat_with_epsilon (lw_lr_warmup_cosine (0, 0, 100, max, min), max, 1e-18);
  g_assert_cmpfloat_with_epsilon (lw_lr_warmup_cosine (50, 0, 100, max, min), 5.5e-4, 1e-17);
  /* monotone after warmup */
  for (guint64 s = 10; s < 100; s++)
    g_assert_cmpfloat (lw_lr_warmup_cosine (s + 1, 10, 100, max, min), <=,
                       lw_lr_warmup_cosine (s, 10, 100, max, min));
}

/* ---- checkpoints ------------------------------------------------------------------------- */

static LwNnParams *
make_model (guint64 seed, gboolean with_conv)
{
  LwNnParams *p = lw_nn_params_new ();
  gsize w[2] = { 4, 3 }, b[1] = { 3 }, c[4] = { 2, 3, 3, 3 };
  lw_nn_params_declare (p, "lin.weight", 2, w);
  lw_nn_params_declare (p, "lin.bias", 1, b);
  if (with_conv)
    lw_nn_params_declare (p, "blocks.0.conv1.weight", 4, c);
  lw_nn_params_allocate (p);
  LwRng rng;
  lw_rng_seed (&rng, seed);
  for (guint i = 0; i < lw_nn_params_count (p); i++)
    lw_nn_params_init_normal (p, i, 0.5, &rng);
  return p;
}

static const LwAdamWConfig adamw_config = { 0.9, 0.95, 1e-8, 0.01 };

static void
train_steps (LwNnParams *p, LwAdamW *opt, guint n)
{
  for (guint s = 0; s < n; s++)
    {
      float *g = lw_nn_params_grads (p);
      for (gsize k = 0; k < lw_nn_params_total (p); k++)
        g[k] = sinf ((float) (k + 3 * s));
      lw_adamw_step (opt, 1e-2);
    }
}

typedef struct
{
  char *dir;
} Tmp;

static char *
tmp_path (Tmp *t, const char *name)
{
  if (t->dir == NULL)
    t->dir = g_dir_make_tmp ("lw-ckpt-XXXXXX", NULL);
  return g_build_filename (t->dir, name, NULL);
}

static void
tmp_clear (Tmp *t)
{
  if (t->dir == NULL)
    return;
  g_autoptr (GDir) d = g_dir_open (t->dir, 0, NULL);
  const char *name;
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (t->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (t->dir);
  g_free (t->dir);
}

static void
test_checkpoint_round_trip (void)
{
  Tmp tmp = { 0 };
  g_autofree char *path = tmp_path (&tmp, "model.safetensors");
  g_autoptr (GError) error = NULL;
  g_autoptr (LwNnParams) p = make_model (1, TRUE);
  g_autoptr (LwAdamW) opt = lw_adamw_new (p, &adamw_config);
  train_steps (p, opt, 3);
  g_autoptr (GHashTable) meta = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (meta, "config.d_model", "128");
  g_hash_table_insert (meta, "step", "3");
  g_assert_true (lw_nn_checkpoint_save (path, p, opt, meta, &error));
  g_assert_no_error (error);

  /* the file is plain safetensors: the tensors under their names, state beside them */
  g_autoptr (LwSafetensors) st = lw_safetensors_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lw_safetensors_count (st), ==, 9);
  g_assert_cmpint (lw_safetensors_find (st, "adamw.m.blocks.0.conv1.weight"), >=, 0);
  g_assert_cmpstr (lw_safetensors_metadata (st, "adamw.steps"), ==, "3");
  g_assert_cmpstr (lw_safetensors_metadata (st, "config.d_model"), ==, "128");

  g_autoptr (LwNnParams) q = make_model (2, TRUE);
  g_autoptr (LwAdamW) qopt = lw_adamw_new (q, &adamw_config);
  GHashTable *loaded_meta = NULL;
  g_assert_true (lw_nn_checkpoint_load (path, q, qopt, &loaded_meta, &error));
  g_assert_no_error (error);
  gsize bytes = lw_nn_params_total (p) * sizeof (float);
  g_assert_cmpmem (lw_nn_params_values (q), bytes, lw_nn_params_values (p), bytes);
  g_assert_cmpmem (lw_adamw_m (qopt), bytes, lw_adamw_m (opt), bytes);
  g_assert_cmpmem (lw_adamw_v (qopt), bytes, lw_adamw_v (opt), bytes);
  g_assert_cmpuint (lw_adamw_steps (qopt), ==, 3);
  g_assert_cmpstr (g_hash_table_lookup (loaded_meta, "step"), ==, "3");
  g_assert_cmpstr (g_hash_table_lookup (loaded_meta, "config.d_model"), ==, "128");
  g_assert_cmpstr (g_hash_table_lookup (loaded_meta, "adamw.steps"), ==, "3");
  g_hash_table_unref (loaded_meta);

  /* resumed training continues identically */
  train_steps (p, opt, 2);
  train_steps (q, qopt, 2);
  g_assert_cmpmem (lw_nn_params_values (q), bytes, lw_nn_params_values (p), bytes);

  /* without an optimiser the state is ignored; a file without state resets an optimiser */
  g_autoptr (LwNnParams) r = make_model (3, TRUE);
  g_assert_true (lw_nn_checkpoint_load (path, r, NULL, NULL, &error));
  g_assert_no_error (error);
  g_autofree char *plain = tmp_path (&tmp, "plain.safetensors");
  g_assert_true (lw_nn_checkpoint_save (plain, p, NULL, NULL, &error));
  g_assert_true (lw_nn_checkpoint_load (plain, q, qopt, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lw_adamw_steps (qopt), ==, 0);
  g_assert_cmpfloat (lw_adamw_m (qopt)[0], ==, 0.0f);
  g_assert_cmpfloat (lw_adamw_v (qopt)[5], ==, 0.0f);
  tmp_clear (&tmp);
}

/* Writes a file from a raw header and data (for dtypes our writer does not produce) */
static void
write_raw (const char *path, const char *header, const void *data, gsize n)
{
  gsize hn = strlen (header);
  g_autofree guint8 *buf = g_malloc (8 + hn + n);
  for (int i = 0; i < 8; i++)
    buf[i] = (guint8) ((guint64) hn >> (8 * i));
  memcpy (buf + 8, header, hn);
  memcpy (buf + 8 + hn, data, n);
  g_assert_true (g_file_set_contents (path, (char *) buf, (gssize) (8 + hn + n), NULL));
}

static void
expect_load_error (LwNnParams *p, LwAdamW *opt, const char *path, int code, const char *needle1,
                   const char *needle2)
{
  gsize bytes = lw_nn_params_total (p) * sizeof (float);
  g_autofree float *before = g_memdup2 (lw_nn_params_values (p), bytes);
  g_autofree float *m_before = opt ? g_memdup2 (lw_adamw_m (opt), bytes) : NULL;
  guint64 steps = opt ? lw_adamw_steps (opt) : 0;
  g_autoptr (GError) error = NULL;
  GHashTable *meta = NULL;

  g_assert_false (lw_nn_checkpoint_load (path, p, opt, &meta, &error));
  g_assert_null (meta);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  if (error->code != code || !strstr (error->message, path)
      || (needle1 && !strstr (error->message, needle1))
      || (needle2 && !strstr (error->message, needle2)))
    g_error ("unexpected error %d: %s", error->code, error->message);
  g_assert_cmpmem (lw_nn_params_values (p), bytes, before, bytes);
  if (opt)
    {
      g_assert_cmpmem (lw_adamw_m (opt), bytes, m_before, bytes);
      g_assert_cmpuint (lw_adamw_steps (opt), ==, steps);
    }
}

static void
test_checkpoint_mismatch (void)
{
  Tmp tmp = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (LwNnParams) p = make_model (1, TRUE);
  g_autoptr (LwAdamW) opt = lw_adamw_new (p, &adamw_config);
  train_steps (p, opt, 2);

  /* wrong shape: the conv kernel of another model */
  g_autoptr (LwNnParams) other = lw_nn_params_new ();
  gsize w[2] = { 4, 3 }, b[1] = { 3 }, c[4] = { 3, 2, 3, 3 };
  lw_nn_params_declare (other, "lin.weight", 2, w);
  lw_nn_params_declare (other, "lin.bias", 1, b);
  lw_nn_params_declare (other, "blocks.0.conv1.weight", 4, c);
  lw_nn_params_allocate (other);
  g_autofree char *shape = tmp_path (&tmp, "shape.safetensors");
  g_assert_true (lw_nn_checkpoint_save (shape, other, NULL, NULL, &error));
  expect_load_error (p, opt, shape, LW_ERROR_SHAPE, "tensor 'blocks.0.conv1.weight'",
                     "shape [3, 2, 3, 3] in the file, [2, 3, 3, 3] expected");

  /* missing tensor: a model without the conv */
  g_autoptr (LwNnParams) small = make_model (5, FALSE);
  g_autofree char *missing = tmp_path (&tmp, "missing.safetensors");
  g_assert_true (lw_nn_checkpoint_save (missing, small, NULL, NULL, &error));
  expect_load_error (p, opt, missing, LW_ERROR_INVALID_DATA, "'blocks.0.conv1.weight'",
                     "missing");

  /* extra tensor: loading the big model's file into the small one */
  g_autofree char *full = tmp_path (&tmp, "full.safetensors");
  g_assert_true (lw_nn_checkpoint_save (full, p, opt, NULL, &error));
  expect_load_error (small, NULL, full, LW_ERROR_INVALID_DATA, "'blocks.0.conv1.weight'",
                     "not in the model");

  /* wrong dtype: lin.bias as I64 */
  g_autofree char *dtype = tmp_path (&tmp, "dtype.safetensors");
  {
    const char *header
      = "{\"lin.weight\":{\"dtype\":\"F32\",\"shape\":[4,3],\"data_offsets\":[0,48]},"
        "\"lin.bias\":{\"dtype\":\"I64\",\"shape\":[3],\"data_offsets\":[48,72]}}";
    guint8 data[72] = { 0 };
    write_raw (dtype, header, data, sizeof data);
  }
  expect_load_error (small, NULL, dtype, LW_ERROR_UNSUPPORTED, "tensor 'lin.bias'", "I64");

  /* F16 and BF16 are accepted */
  g_autofree char *half = tmp_path (&tmp, "half.safetensors");
  {
    const char *header
      = "{\"lin.weight\":{\"dtype\":\"F16\",\"shape\":[4,3],\"data_offsets\":[0,24]},"
        "\"lin.bias\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[24,30]}}";
    guint8 data[30] = { 0 };
    for (int k = 0; k < 12; k++)
      data[2 * k + 1] = 0x3c; /* 1.0 in binary16 */
    for (int k = 0; k < 3; k++)
      {
        data[24 + 2 * k] = 0x80;
        data[24 + 2 * k + 1] = 0xbf; /* −1.0 in bfloat16 */
      }
    write_raw (half, header, data, sizeof data);
  }
  g_assert_true (lw_nn_checkpoint_load (half, small, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (lw_nn_params_value (small, 0)[11], ==, 1.0f);
  g_assert_cmpfloat (lw_nn_params_value (small, 1)[2], ==, -1.0f);

  /* truncated file: the full checkpoint cut in its data block, and in its header */
  g_autofree char *contents = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (full, &contents, &len, NULL));
  g_autofree char *cut = tmp_path (&tmp, "cut.safetensors");
  g_assert_true (g_file_set_contents (cut, contents, (gssize) (len - 10), NULL));
  expect_load_error (p, opt, cut, LW_ERROR_TRUNCATED, "tensor 'adamw.v.blocks.0.conv1.weight'",
                     "truncated");
  g_assert_true (g_file_set_contents (cut, contents, 100, NULL));
  expect_load_error (p, opt, cut, LW_ERROR_TRUNCATED, "header", NULL);

  /* optimiser state for only some tensors: fails as a whole, the model untouched */
  g_autofree char *partial = tmp_path (&tmp, "partial.safetensors");
  {
    g_autoptr (LwSafetensorsWriter) wr = lw_safetensors_writer_new ();
    for (guint i = 0; i < lw_nn_params_count (p); i++)
      lw_safetensors_writer_add_f32 (wr, lw_nn_params_name (p, i), lw_nn_params_ndim (p, i),
                                     lw_nn_params_shape (p, i), lw_nn_params_value (p, i));
    lw_safetensors_writer_add_f32 (wr, "adamw.m.lin.bias", 1, b, lw_nn_params_value (p, 1));
    lw_safetensors_writer_add_metadata (wr, "adamw.steps", "2");
    g_assert_true (lw_safetensors_writer_write (wr, partial, &error));
  }
  expect_load_error (p, opt, partial, LW_ERROR_INVALID_DATA, "tensor 'adamw.m.lin.weight'",
                     "missing");
  /* state for a tensor the model lacks */
  g_autofree char *stray = tmp_path (&tmp, "stray.safetensors");
  {
    g_autoptr (LwSafetensorsWriter) wr = lw_safetensors_writer_new ();
    for (guint i = 0; i < lw_nn_params_count (p); i++)
      lw_safetensors_writer_add_f32 (wr, lw_nn_params_name (p, i), lw_nn_params_ndim (p, i),
                                     lw_nn_params_shape (p, i), lw_nn_params_value (p, i));
    lw_safetensors_writer_add_f32 (wr, "adamw.v.head.bias", 1, b, lw_nn_params_value (p, 1));
    g_assert_true (lw_safetensors_writer_write (wr, stray, &error));
  }
  expect_load_error (p, opt, stray, LW_ERROR_INVALID_DATA, "'adamw.v.head.bias'", "optimiser");
  /* a step count that is not a number */
  g_autofree char *steps = tmp_path (&tmp, "steps.safetensors");
  g_autoptr (GHashTable) meta = g_hash_table_new (g_str_hash, g_str_equal);
  g_assert_true (lw_nn_checkpoint_save (steps, p, opt, meta, &error));
  {
    g_autoptr (LwSafetensors) st = lw_safetensors_open (steps, &error);
    g_autoptr (LwSafetensorsWriter) wr = lw_safetensors_writer_new ();
    g_autoptr (GPtrArray) keep = g_ptr_array_new_with_free_func (g_free);
    for (guint k = 0; k < lw_safetensors_count (st); k++)
      {
        const LwStTensorInfo *t = lw_safetensors_info (st, k);
        float *x = lw_safetensors_read_f32 (st, k, &error);
        g_ptr_array_add (keep, x);
        lw_safetensors_writer_add_f32 (wr, t->name, t->ndim, t->shape, x);
      }
    lw_safetensors_writer_add_metadata (wr, "adamw.steps", "-1");
    g_assert_true (lw_safetensors_writer_write (wr, steps, &error));
  }
  expect_load_error (p, opt, steps, LW_ERROR_INVALID_DATA, "adamw.steps", "'-1'");
  /* no file at all */
  g_autofree char *none = tmp_path (&tmp, "none.safetensors");
  expect_load_error (p, opt, none, LW_ERROR_IO, NULL, NULL);

  /* a save that cannot write is an I/O error */
  g_autofree char *nodir = tmp_path (&tmp, "no/such/dir.safetensors");
  g_assert_false (lw_nn_checkpoint_save (nodir, p, opt, NULL, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_IO);
  g_clear_error (&error);
  tmp_clear (&tmp);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nn-params/arena", test_arena);
  g_test_add_func ("/nn-params/empty-arena", test_empty_arena);
  g_test_add_func ("/nn-params/rng", test_rng);
  g_test_add_func ("/nn-params/adamw-torch", test_adamw_torch);
  g_test_add_func ("/nn-params/schedule", test_schedule);
  g_test_add_func ("/nn-params/checkpoint/round-trip", test_checkpoint_round_trip);
  g_test_add_func ("/nn-params/checkpoint/mismatch", test_checkpoint_mismatch);
  return g_test_run ();
}
