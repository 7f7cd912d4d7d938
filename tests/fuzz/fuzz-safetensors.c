/* fuzz-safetensors.c — libFuzzer target: arbitrary bytes through the safetensors reader
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * lw_safetensors_new_from_bytes must return a reader or an LW_ERROR, never both or neither.
 * An accepted file must keep its promises: every tensor inside the data block, and every
 * float dtype readable as f32 (other dtypes an error). The float tensors then go through the
 * writer and back, which must accept them with the same names, shapes and bit patterns — so
 * the writer escapes every name and metadata string the reader lets through. A training curve
 * (lw-train-curve.h) is read from every accepted file: accepted, absent or refused with an
 * LW_ERROR, and an accepted one writes out and reads back the same.
 */
#define G_LOG_DOMAIN "fuzz-safetensors"

#include "lw-error.h"
#include "lw-safetensors.h"
#include "lw-train-curve.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_curve (LwSafetensors *st)
{
  GError *error = NULL;
  LwTrainCurve *curve = NULL;
  gboolean ok = lw_train_curve_read (st, "fuzz input", &curve, &error);
  if (ok != (error == NULL) || (!ok && (error->domain != LW_ERROR || curve != NULL)))
    abort ();
  g_clear_error (&error);
  if (curve == NULL)
    return;
  LwSafetensorsWriter *w = lw_safetensors_writer_new ();
  lw_train_curve_write (curve, w);
  GBytes *bytes = lw_safetensors_writer_to_bytes (w);
  LwSafetensors *st2 = lw_safetensors_new_from_bytes (bytes, "curve", &error);
  LwTrainCurve *again = NULL;
  if (st2 == NULL || !lw_train_curve_read (st2, "curve", &again, &error) || again == NULL
      || lw_train_curve_n_rows (again) != lw_train_curve_n_rows (curve)
      || lw_train_curve_n_fields (again) != lw_train_curve_n_fields (curve))
    abort ();
  for (guint i = 0; i < lw_train_curve_n_rows (curve); i++)
    if (memcmp (lw_train_curve_row (curve, i), lw_train_curve_row (again, i),
                lw_train_curve_n_fields (curve) * sizeof (float)) != 0)
      abort ();
  lw_train_curve_free (again);
  lw_safetensors_free (st2);
  g_bytes_unref (bytes);
  lw_safetensors_writer_free (w);
  lw_train_curve_free (curve);
}

static gboolean
is_float (LwStDtype dtype)
{
  return dtype == LW_ST_F32 || dtype == LW_ST_F16 || dtype == LW_ST_BF16 || dtype == LW_ST_F64;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  /* an exact-size heap copy, so reads past the end are caught */
  GBytes *bytes = g_bytes_new (data, size);
  LwSafetensors *st = lw_safetensors_new_from_bytes (bytes, "fuzz input", &error);
  g_bytes_unref (bytes);
  if ((st == NULL) == (error == NULL))
    abort ();
  if (error != NULL)
    {
      if (error->domain != LW_ERROR || error->message == NULL)
        abort ();
      g_clear_error (&error);
      return 0;
    }

  check_curve (st);
  guint n = lw_safetensors_count (st);
  float **values = g_new0 (float *, n);
  LwSafetensorsWriter *w = lw_safetensors_writer_new ();
  for (const char *const *k = lw_safetensors_metadata_keys (st); *k; k++)
    lw_safetensors_writer_add_metadata (w, *k, lw_safetensors_metadata (st, *k));
  gsize end = 0;
  for (guint i = 0; i < n; i++)
    {
      const LwStTensorInfo *t = lw_safetensors_info (st, i);
      if (t->offset < end || t->nbytes != t->numel * lw_st_dtype_size (t->dtype)
          || lw_safetensors_find (st, t->name) != (int) i)
        abort ();
      end = t->offset + t->nbytes;
      values[i] = lw_safetensors_read_f32 (st, i, &error);
      if (is_float (t->dtype) != (values[i] != NULL))
        abort ();
      if (values[i] == NULL)
        {
          if (error == NULL || error->domain != LW_ERROR)
            abort ();
          g_clear_error (&error);
          continue;
        }
      /* touch every value so ASan sees any read past the allocation */
      volatile float sink = 0;
      for (gsize k = 0; k < t->numel; k++)
        sink += values[i][k];
      (void) sink;
      lw_safetensors_writer_add_f32 (w, t->name, t->ndim, t->shape, values[i]);
    }

  GBytes *again = lw_safetensors_writer_to_bytes (w);
  LwSafetensors *st2 = lw_safetensors_new_from_bytes (again, "rewritten", &error);
  if (st2 == NULL)
    abort ();
  for (guint i = 0; i < n; i++)
    {
      if (values[i] == NULL)
        continue;
      const LwStTensorInfo *t = lw_safetensors_info (st, i);
      int j = lw_safetensors_find (st2, t->name);
      if (j < 0)
        abort ();
      const LwStTensorInfo *u = lw_safetensors_info (st2, (guint) j);
      if (u->ndim != t->ndim || u->numel != t->numel
          || memcmp (u->shape, t->shape, t->ndim * sizeof (gsize)) != 0
          || (t->numel > 0
              && memcmp (lw_safetensors_data (st2, (guint) j), values[i], u->nbytes) != 0))
        abort ();
    }
  for (const char *const *k = lw_safetensors_metadata_keys (st); *k; k++)
    if (g_strcmp0 (lw_safetensors_metadata (st2, *k), lw_safetensors_metadata (st, *k)) != 0)
      abort ();

  lw_safetensors_free (st2);
  g_bytes_unref (again);
  lw_safetensors_writer_free (w);
  for (guint i = 0; i < n; i++)
    g_free (values[i]);
  g_free (values);
  lw_safetensors_free (st);
  return 0;
}
