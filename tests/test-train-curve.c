/* test-train-curve.c — training curves: bounded even decimation, the safetensors form, and
 * the reasoner's curve through training, checkpoint, resume, export and bad files
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "lw-error.h"
#include "lw-reasoner.h"
#include "lw-safetensors.h"
#include "lw-train-curve.h"

static const char *const fields3[] = { "step", "loss", "lr", NULL };

static char *
tmp_path (const char *name)
{
  g_autofree char *dir = g_dir_make_tmp ("lw-train-curve-XXXXXX", NULL);
  g_assert_nonnull (dir);
  return g_build_filename (dir, name, NULL);
}

static void
append_step (LwTrainCurve *c, guint64 step)
{
  double v[3] = { (double) step, 1.0 / (double) step, 1e-3 };
  lw_train_curve_append (c, v);
}

static void
test_basic (void)
{
  g_autoptr (LwTrainCurve) c = lw_train_curve_new (fields3);
  g_assert_cmpuint (lw_train_curve_n_fields (c), ==, 3);
  g_assert_cmpstr (lw_train_curve_field (c, 1), ==, "loss");
  g_assert_cmpint (lw_train_curve_find (c, "lr"), ==, 2);
  g_assert_cmpint (lw_train_curve_find (c, "reward"), ==, -1);
  g_assert_true (lw_train_curve_has_fields (c, fields3));
  g_assert_cmpuint (lw_train_curve_n_rows (c), ==, 0);
  for (guint s = 1; s <= 10; s++)
    append_step (c, s);
  g_assert_cmpuint (lw_train_curve_n_rows (c), ==, 10);
  g_assert_cmpfloat (lw_train_curve_row (c, 9)[0], ==, 10.0f);
  g_assert_cmpfloat_with_epsilon (lw_train_curve_row (c, 3)[1], 0.25f, 1e-7);

  g_autoptr (GError) error = NULL;
  const char *no_step[] = { "loss", NULL }, *twice[] = { "step", "a", "a", NULL };
  const char *comma[] = { "step", "a,b", NULL };
  g_assert_false (lw_train_curve_check_fields (no_step, "log", &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM);
  g_assert_nonnull (strstr (error->message, "'step'"));
  g_clear_error (&error);
  g_assert_false (lw_train_curve_check_fields (twice, "log", NULL));
  g_assert_false (lw_train_curve_check_fields (comma, "log", NULL));
}

/* Any number of appends: at most MAX rows, the first and latest step kept, the rows before
 * the latest evenly spaced by the stride, which is a power of two */
static void
test_decimation (void)
{
  const guint64 counts[] = { 1, 2, LW_TRAIN_CURVE_MAX_ROWS - 2, LW_TRAIN_CURVE_MAX_ROWS - 1,
                             LW_TRAIN_CURVE_MAX_ROWS, 3 * LW_TRAIN_CURVE_MAX_ROWS + 7,
                             20000 };
  for (guint k = 0; k < G_N_ELEMENTS (counts); k++)
    {
      g_autoptr (LwTrainCurve) c = lw_train_curve_new (fields3);
      for (guint64 s = 1; s <= counts[k]; s++)
        append_step (c, s);
      guint n = lw_train_curve_n_rows (c);
      guint64 stride = lw_train_curve_stride (c);
      g_assert_cmpuint (n, <=, LW_TRAIN_CURVE_MAX_ROWS);
      g_assert_cmpuint (n, >=, MIN (counts[k], LW_TRAIN_CURVE_MAX_ROWS / 2));
      g_assert_cmpuint (lw_train_curve_n_appends (c), ==, counts[k]);
      g_assert_true ((stride & (stride - 1)) == 0);
      g_assert_cmpfloat (lw_train_curve_row (c, 0)[0], ==, 1.0f);
      g_assert_cmpfloat (lw_train_curve_row (c, n - 1)[0], ==, (float) counts[k]);
      /* rows 0 … n−2 are appends 0, s, 2s, …; the last may be the latest in between */
      for (guint i = 0; i + 1 < n; i++)
        {
          g_assert_cmpfloat (lw_train_curve_row (c, i)[0], ==, (float) (1 + i * stride));
          g_assert_cmpfloat_with_epsilon (lw_train_curve_row (c, i)[1],
                                          1.0f / (float) (1 + i * stride), 1e-6);
        }
      float gap = lw_train_curve_row (c, n - 1)[0] - (n > 1 ? lw_train_curve_row (c, n - 2)[0]
                                                            : 0.0f);
      g_assert_cmpfloat (gap, <=, (float) stride);
    }
  /* a long run is decimated, not truncated */
  g_autoptr (LwTrainCurve) c = lw_train_curve_new (fields3);
  for (guint64 s = 1; s <= 20000; s++)
    append_step (c, s);
  g_assert_cmpuint (lw_train_curve_stride (c), ==, 8);
}

static LwSafetensors *
round_trip_bytes (LwSafetensorsWriter *w)
{
  g_autoptr (GBytes) bytes = lw_safetensors_writer_to_bytes (w);
  g_autoptr (GError) error = NULL;
  LwSafetensors *st = lw_safetensors_new_from_bytes (bytes, "curve", &error);
  g_assert_no_error (error);
  return st;
}

static void
test_safetensors (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LwTrainCurve) c = lw_train_curve_new (fields3);
  for (guint64 s = 1; s <= 3 * LW_TRAIN_CURVE_MAX_ROWS + 7; s++)
    append_step (c, s);

  g_autoptr (LwSafetensorsWriter) w = lw_safetensors_writer_new ();
  lw_train_curve_write (c, w);
  g_autoptr (LwSafetensors) st = round_trip_bytes (w);
  g_assert_cmpstr (lw_safetensors_metadata (st, LW_TRAIN_CURVE_KEY_FIELDS), ==, "step,loss,lr");
  const LwStTensorInfo *info = lw_safetensors_info (st, 0);
  g_assert_cmpstr (info->name, ==, "train.curve");
  g_assert_cmpuint (info->ndim, ==, 2);
  g_assert_cmpuint (info->shape[0], ==, lw_train_curve_n_rows (c));
  g_assert_cmpuint (info->shape[1], ==, 3);

  LwTrainCurve *back = NULL;
  g_assert_true (lw_train_curve_read (st, "curve", &back, &error));
  g_assert_no_error (error);
  g_autoptr (LwTrainCurve) b = back;
  g_assert_nonnull (b);
  g_assert_true (lw_train_curve_has_fields (b, fields3));
  g_assert_cmpuint (lw_train_curve_n_rows (b), ==, lw_train_curve_n_rows (c));
  g_assert_cmpuint (lw_train_curve_stride (b), ==, lw_train_curve_stride (c));
  for (guint i = 0; i < lw_train_curve_n_rows (c); i++)
    g_assert_cmpmem (lw_train_curve_row (b, i), 3 * sizeof (float), lw_train_curve_row (c, i),
                     3 * sizeof (float));
  /* both carry on alike */
  for (guint64 s = 3 * LW_TRAIN_CURVE_MAX_ROWS + 8; s <= 5 * LW_TRAIN_CURVE_MAX_ROWS; s++)
    {
      append_step (c, s);
      append_step (b, s);
    }
  g_assert_cmpuint (lw_train_curve_n_rows (b), ==, lw_train_curve_n_rows (c));
  for (guint i = 0; i < lw_train_curve_n_rows (c); i++)
    g_assert_cmpmem (lw_train_curve_row (b, i), 3 * sizeof (float), lw_train_curve_row (c, i),
                     3 * sizeof (float));

  /* written by another tool: the tensor and its field names only */
  g_autoptr (LwSafetensorsWriter) w2 = lw_safetensors_writer_new ();
  const float rows[] = { 10, 2.0f, 1e-3f, 20, 1.5f, 1e-3f };
  gsize shape[2] = { 2, 3 };
  lw_safetensors_writer_add_metadata (w2, LW_TRAIN_CURVE_KEY_FIELDS, "step,loss,lr");
  lw_safetensors_writer_add_f32 (w2, LW_TRAIN_CURVE_TENSOR, 2, shape, rows);
  g_autoptr (LwSafetensors) st2 = round_trip_bytes (w2);
  LwTrainCurve *other = NULL;
  g_assert_true (lw_train_curve_read (st2, "other", &other, &error));
  g_assert_nonnull (other);
  g_assert_cmpuint (lw_train_curve_n_rows (other), ==, 2);
  g_assert_cmpfloat (lw_train_curve_row (other, 1)[0], ==, 20.0f);
  lw_train_curve_free (other);

  /* no curve at all */
  g_autoptr (LwSafetensorsWriter) w3 = lw_safetensors_writer_new ();
  lw_safetensors_writer_add_f32 (w3, "x", 2, shape, rows);
  g_autoptr (LwSafetensors) st3 = round_trip_bytes (w3);
  LwTrainCurve *none = (LwTrainCurve *) 0x1;
  g_assert_true (lw_train_curve_read (st3, "plain", &none, &error));
  g_assert_null (none);
}

/* A bad curve: each is refused with the label and the problem */
static void
check_bad (const char *fields, guint ndim, const gsize *shape, const float *data,
           const char *stride, const char *appends, const char *expect)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LwSafetensorsWriter) w = lw_safetensors_writer_new ();
  if (fields != NULL)
    lw_safetensors_writer_add_metadata (w, LW_TRAIN_CURVE_KEY_FIELDS, fields);
  if (stride != NULL)
    lw_safetensors_writer_add_metadata (w, LW_TRAIN_CURVE_KEY_STRIDE, stride);
  if (appends != NULL)
    lw_safetensors_writer_add_metadata (w, LW_TRAIN_CURVE_KEY_APPENDS, appends);
  if (shape != NULL)
    lw_safetensors_writer_add_f32 (w, LW_TRAIN_CURVE_TENSOR, ndim, shape, data);
  g_autoptr (LwSafetensors) st = round_trip_bytes (w);
  LwTrainCurve *c = NULL;
  g_assert_false (lw_train_curve_read (st, "bad.safetensors", &c, &error));
  g_assert_null (c);
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "bad.safetensors: training curve"));
  if (strstr (error->message, expect) == NULL)
    g_error ("'%s' does not say '%s'", error->message, expect);
}

static void
test_malformed (void)
{
  const float data[] = { 1, 2, 3, 2, 5, 6 };
  const float same[] = { 1, 2, 3, 1, 5, 6 };
  gsize s23[2] = { 2, 3 }, s32[2] = { 3, 2 }, s6[1] = { 6 };
  check_bad ("step,a,b", 2, s32, data, NULL, NULL, "[rows, 3]");
  check_bad ("step,a,b", 1, s6, data, NULL, NULL, "[rows, 3]");
  check_bad (NULL, 2, s23, data, NULL, NULL, "without its field names");
  check_bad ("step,a,b", 0, NULL, NULL, NULL, NULL, "no tensor");
  check_bad ("loss,a,b", 2, s23, data, NULL, NULL, "field names");
  check_bad ("step,a,a", 2, s23, data, NULL, NULL, "field names");
  check_bad ("step,a,b", 2, s23, same, NULL, NULL, "row 2: step 1");
  check_bad ("step,a,b", 2, s23, data, "1", "7", "do not match");
}

/* ---- the reasoner's curve ------------------------------------------------------------------ */

static void
small_config (LwReasonTrainConfig *c, LwReasonStage stage, guint64 steps)
{
  lw_reason_train_config_init (c, stage);
  c->model.dim = 32;
  c->model.layers = 2;
  c->model.heads = 2;
  c->batch = 8;
  c->steps = steps;
  c->warmup = 2;
  c->lr = 3e-3;
  c->lr_min = 3e-4;
  c->threads = 1;
}

static gboolean
stop_at_3_cb (const LwReasonTrainProgress *pr, gpointer user_data)
{
  GArray *losses = user_data;
  g_array_append_val (losses, pr->loss);
  return pr->step < 3;
}

static void
assert_same_curves (const LwTrainCurve *a, const LwTrainCurve *b)
{
  g_assert_cmpuint (lw_train_curve_n_rows (a), ==, lw_train_curve_n_rows (b));
  guint nf = lw_train_curve_n_fields (a);
  for (guint i = 0; i < lw_train_curve_n_rows (a); i++)
    g_assert_cmpmem (lw_train_curve_row (a, i), nf * sizeof (float), lw_train_curve_row (b, i),
                     nf * sizeof (float));
}

static void
test_reasoner (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *ckpt = tmp_path ("cot.safetensors");
  g_autofree char *model = tmp_path ("cot-model.safetensors");
  g_autofree char *colar = tmp_path ("colar.safetensors");
  LwReasonTrainConfig tc;
  small_config (&tc, LW_REASON_STAGE_COT, 5);

  g_autoptr (LwReasonTrainer) full = lw_reason_trainer_new (&tc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lw_reason_trainer_run (full, NULL, NULL, NULL, 0, NULL, &error));
  const LwTrainCurve *fc = lw_reasoner_curve (lw_reason_trainer_get_model (full));
  g_assert_nonnull (fc);
  g_assert_cmpuint (lw_train_curve_n_rows (fc), ==, 5);
  g_assert_cmpint (lw_train_curve_find (fc, "ce"), ==, 2);
  g_assert_cmpint (lw_train_curve_find (fc, "mean_log_sigma"), >=, 0);
  int ic = lw_train_curve_find (fc, "c"), igrad = lw_train_curve_find (fc, "grad_norm");
  g_assert_cmpint (ic, >, 0);
  for (guint i = 0; i < 5; i++)
    {
      g_assert_cmpfloat (lw_train_curve_row (fc, i)[0], ==, (float) (i + 1));
      g_assert_cmpfloat (lw_train_curve_row (fc, i)[ic], ==, 1.0f);
      g_assert_cmpfloat (lw_train_curve_row (fc, i)[igrad], >, 0.0f);
    }

  /* three steps, a checkpoint, the rows in it; resumed to five: the uninterrupted curve */
  g_autoptr (GArray) losses = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (LwReasonTrainer) part = lw_reason_trainer_new (&tc, NULL, &error);
  g_assert_false (lw_reason_trainer_run (part, stop_at_3_cb, losses, ckpt, 0, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_autoptr (LwReasoner) at3 = lw_reasoner_load (ckpt, &error);
  g_assert_no_error (error);
  g_assert_nonnull (lw_reasoner_curve (at3));
  g_assert_cmpuint (lw_train_curve_n_rows (lw_reasoner_curve (at3)), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpfloat_with_epsilon (lw_train_curve_row (lw_reasoner_curve (at3), i)[1],
                                    g_array_index (losses, double, i), 1e-5);

  g_autoptr (LwReasonTrainer) resumed = lw_reason_trainer_new (&tc, ckpt, &error);
  g_assert_no_error (error);
  g_assert_true (lw_reason_trainer_run (resumed, NULL, NULL, NULL, 0, NULL, &error));
  assert_same_curves (lw_reasoner_curve (lw_reason_trainer_get_model (resumed)), fc);

  /* export (model only) keeps it */
  g_assert_true (lw_reasoner_save (lw_reason_trainer_get_model (resumed), model, &error));
  g_autoptr (LwReasoner) exported = lw_reasoner_load (model, &error);
  g_assert_no_error (error);
  assert_same_curves (lw_reasoner_curve (exported), fc);
  g_assert_null (lw_reasoner_get_meta (exported, LW_TRAIN_CURVE_KEY_FIELDS));

  /* CoLaR from the CoT checkpoint records its own curve */
  LwReasonTrainConfig cc;
  small_config (&cc, LW_REASON_STAGE_COLAR, 2);
  g_autoptr (LwReasonTrainer) ct = lw_reason_trainer_new (&cc, model, &error);
  g_assert_no_error (error);
  g_assert_true (lw_reason_trainer_run (ct, NULL, NULL, colar, 0, NULL, &error));
  g_autoptr (LwReasoner) cr = lw_reasoner_load (colar, &error);
  g_assert_no_error (error);
  const LwTrainCurve *ccv = lw_reasoner_curve (cr);
  g_assert_cmpuint (lw_train_curve_n_rows (ccv), ==, 2);
  g_assert_cmpfloat (lw_train_curve_row (ccv, 0)[0], ==, 1.0f);
  float c0 = lw_train_curve_row (ccv, 0)[lw_train_curve_find (ccv, "c")];
  g_assert_true (c0 >= 1.0f && c0 <= 5.0f);
  g_assert_cmpfloat (lw_train_curve_row (ccv, 1)[lw_train_curve_find (ccv, "latent")], >, 0.0f);

  /* replaced or dropped by the caller */
  lw_reasoner_set_curve (exported, NULL);
  g_assert_true (lw_reasoner_save (exported, model, &error));
  g_autoptr (LwReasoner) plain = lw_reasoner_load (model, &error);
  g_assert_no_error (error);
  g_assert_null (lw_reasoner_curve (plain));
}

/* A checkpoint whose curve is broken is refused, naming the file */
static void
test_reasoner_malformed (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *good = tmp_path ("good.safetensors");
  g_autofree char *bad = tmp_path ("bad.safetensors");
  LwReasonTrainConfig tc;
  small_config (&tc, LW_REASON_STAGE_NO_COT, 2);
  g_autoptr (LwReasonTrainer) t = lw_reason_trainer_new (&tc, NULL, &error);
  g_assert_true (lw_reason_trainer_run (t, NULL, NULL, NULL, 0, NULL, &error));
  g_assert_true (lw_reasoner_save (lw_reason_trainer_get_model (t), good, &error));

  /* copy every tensor and key, but give the curve one field name too few */
  g_autoptr (LwSafetensors) st = lw_safetensors_open (good, &error);
  g_assert_no_error (error);
  g_autoptr (LwSafetensorsWriter) w = lw_safetensors_writer_new ();
  for (const char *const *k = lw_safetensors_metadata_keys (st); *k; k++)
    lw_safetensors_writer_add_metadata (w, *k, strcmp (*k, LW_TRAIN_CURVE_KEY_FIELDS) == 0
                                                 ? "step,loss" : lw_safetensors_metadata (st, *k));
  g_autoptr (GPtrArray) keep = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < lw_safetensors_count (st); i++)
    {
      const LwStTensorInfo *info = lw_safetensors_info (st, i);
      float *v = lw_safetensors_read_f32 (st, i, &error);
      g_assert_no_error (error);
      g_ptr_array_add (keep, v);
      lw_safetensors_writer_add_f32 (w, info->name, info->ndim, info->shape, v);
    }
  g_assert_true (lw_safetensors_writer_write (w, bad, &error));
  g_assert_no_error (error);

  g_assert_null (lw_reasoner_load (bad, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, bad));
  g_assert_nonnull (strstr (error->message, "training curve"));
  g_clear_error (&error);
  /* and resuming from it too */
  g_assert_null (lw_reason_trainer_new (&tc, bad, &error));
  g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_DATA);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/train-curve/basic", test_basic);
  g_test_add_func ("/train-curve/decimation", test_decimation);
  g_test_add_func ("/train-curve/safetensors", test_safetensors);
  g_test_add_func ("/train-curve/malformed", test_malformed);
  g_test_add_func ("/train-curve/reasoner", test_reasoner);
  g_test_add_func ("/train-curve/reasoner-malformed", test_reasoner_malformed);
  return g_test_run ();
}
