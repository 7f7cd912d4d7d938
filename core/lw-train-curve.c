/* lw-train-curve.c — a training run's curves: bounded, evenly decimated, in safetensors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-train-curve"

#include "lw-train-curve.h"

#include "lw-error.h"

#include <math.h>
#include <string.h>

/* Evenly spaced rows kept at most: even, so that after dropping every other row the next
 * append on the doubled stride is exactly the one due; one more slot holds the latest */
#define KEPT_MAX (LW_TRAIN_CURVE_MAX_ROWS - 2)

struct _LwTrainCurve
{
  GStrv    fields;
  guint    n_fields;
  float   *data;      /* [(KEPT_MAX + 1) × n_fields] */
  guint    n_kept;    /* rows on the stride */
  gboolean has_tail;  /* row n_kept holds the latest append, between two on the stride */
  guint64  appends;
  guint64  stride;
};

gboolean
lw_train_curve_check_fields (const char *const *fields, const char *label, GError **error)
{
  g_return_val_if_fail (fields != NULL, FALSE);
  guint n = g_strv_length ((char **) fields);
  const char *bad = NULL;
  if (n < 1 || strcmp (fields[0], "step") != 0)
    bad = "the first field must be 'step'";
  else if (n > LW_TRAIN_CURVE_MAX_FIELDS)
    bad = "too many fields (at most " G_STRINGIFY (LW_TRAIN_CURVE_MAX_FIELDS) ")";
  for (guint i = 0; bad == NULL && i < n; i++)
    {
      if (fields[i][0] == '\0' || strchr (fields[i], ',') != NULL)
        bad = "a field name is empty or contains a comma";
      for (guint j = 0; bad == NULL && j < i; j++)
        if (strcmp (fields[i], fields[j]) == 0)
          bad = "a field name appears twice";
    }
  if (bad == NULL)
    return TRUE;
  g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM, "%s: training curve: %s", label, bad);
  return FALSE;
}

LwTrainCurve *
lw_train_curve_new (const char *const *fields)
{
  g_return_val_if_fail (lw_train_curve_check_fields (fields, "lw_train_curve_new", NULL), NULL);
  LwTrainCurve *c = g_new0 (LwTrainCurve, 1);
  c->fields = g_strdupv ((char **) fields);
  c->n_fields = g_strv_length (c->fields);
  c->data = g_new0 (float, (gsize) (KEPT_MAX + 1) * c->n_fields);
  c->stride = 1;
  return c;
}

void
lw_train_curve_free (LwTrainCurve *c)
{
  if (c == NULL)
    return;
  g_strfreev (c->fields);
  g_free (c->data);
  g_free (c);
}

LwTrainCurve *
lw_train_curve_copy (const LwTrainCurve *c)
{
  g_return_val_if_fail (c != NULL, NULL);
  LwTrainCurve *d = lw_train_curve_new ((const char *const *) c->fields);
  memcpy (d->data, c->data, (gsize) (KEPT_MAX + 1) * c->n_fields * sizeof (float));
  d->n_kept = c->n_kept;
  d->has_tail = c->has_tail;
  d->appends = c->appends;
  d->stride = c->stride;
  return d;
}

guint
lw_train_curve_n_fields (const LwTrainCurve *c)
{
  g_return_val_if_fail (c != NULL, 0);
  return c->n_fields;
}

const char *
lw_train_curve_field (const LwTrainCurve *c, guint i)
{
  g_return_val_if_fail (c != NULL && i < c->n_fields, NULL);
  return c->fields[i];
}

int
lw_train_curve_find (const LwTrainCurve *c, const char *name)
{
  g_return_val_if_fail (c != NULL && name != NULL, -1);
  for (guint i = 0; i < c->n_fields; i++)
    if (strcmp (c->fields[i], name) == 0)
      return (int) i;
  return -1;
}

gboolean
lw_train_curve_has_fields (const LwTrainCurve *c, const char *const *fields)
{
  g_return_val_if_fail (c != NULL && fields != NULL, FALSE);
  return g_strv_equal ((const char *const *) c->fields, fields);
}

guint
lw_train_curve_n_rows (const LwTrainCurve *c)
{
  g_return_val_if_fail (c != NULL, 0);
  return c->n_kept + (c->has_tail ? 1 : 0);
}

const float *
lw_train_curve_row (const LwTrainCurve *c, guint i)
{
  g_return_val_if_fail (c != NULL && i < lw_train_curve_n_rows (c), NULL);
  return c->data + (gsize) i * c->n_fields;
}

guint64
lw_train_curve_n_appends (const LwTrainCurve *c)
{
  g_return_val_if_fail (c != NULL, 0);
  return c->appends;
}

guint64
lw_train_curve_stride (const LwTrainCurve *c)
{
  g_return_val_if_fail (c != NULL, 1);
  return c->stride;
}

void
lw_train_curve_append (LwTrainCurve *c, const double *values)
{
  g_return_if_fail (c != NULL && values != NULL);
  guint64 k = c->appends++;
  guint slot = c->n_kept;
  if (k % c->stride == 0)
    {
      if (c->n_kept == KEPT_MAX)
        {
          /* keep appends 0, 2s, 4s, … ; k = KEPT_MAX·s is then on the new stride 2s */
          for (guint i = 1; i < KEPT_MAX / 2; i++)
            memcpy (c->data + (gsize) i * c->n_fields, c->data + (gsize) 2 * i * c->n_fields,
                    c->n_fields * sizeof (float));
          c->n_kept = KEPT_MAX / 2;
          c->stride *= 2;
        }
      slot = c->n_kept++;
      c->has_tail = FALSE;
    }
  else
    c->has_tail = TRUE;
  float *row = c->data + (gsize) slot * c->n_fields;
  for (guint j = 0; j < c->n_fields; j++)
    row[j] = (float) values[j];
}

/* ---- safetensors ------------------------------------------------------------------------ */

void
lw_train_curve_write (const LwTrainCurve *c, LwSafetensorsWriter *w)
{
  g_return_if_fail (c != NULL && w != NULL);
  g_autofree char *fields = g_strjoinv (",", c->fields);
  g_autofree char *stride = g_strdup_printf ("%" G_GUINT64_FORMAT, c->stride);
  g_autofree char *appends = g_strdup_printf ("%" G_GUINT64_FORMAT, c->appends);
  gsize shape[2] = { lw_train_curve_n_rows (c), c->n_fields };
  lw_safetensors_writer_add_metadata (w, LW_TRAIN_CURVE_KEY_FIELDS, fields);
  lw_safetensors_writer_add_metadata (w, LW_TRAIN_CURVE_KEY_STRIDE, stride);
  lw_safetensors_writer_add_metadata (w, LW_TRAIN_CURVE_KEY_APPENDS, appends);
  lw_safetensors_writer_add_f32 (w, LW_TRAIN_CURVE_TENSOR, 2, shape, c->data);
}

static gboolean
meta_count (LwSafetensors *st, const char *key, guint64 *out)
{
  const char *text = lw_safetensors_metadata (st, key);
  return text != NULL && g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32, out, NULL);
}

gboolean
lw_train_curve_read (LwSafetensors *st, const char *label, LwTrainCurve **out, GError **error)
{
  g_return_val_if_fail (st != NULL && label != NULL && out != NULL, FALSE);
  *out = NULL;
  int k = lw_safetensors_find (st, LW_TRAIN_CURVE_TENSOR);
  const char *fields_text = lw_safetensors_metadata (st, LW_TRAIN_CURVE_KEY_FIELDS);
  if (k < 0 && fields_text == NULL)
    return TRUE;   /* older files have no curve */

#define BAD(...)                                                                 \
  G_STMT_START                                                                   \
  {                                                                              \
    g_autofree char *why_ = g_strdup_printf (__VA_ARGS__);                       \
    g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA, "%s: training curve: %s", \
                 label, why_);                                                   \
    return FALSE;                                                                \
  }                                                                              \
  G_STMT_END

  if (k < 0)
    BAD ("metadata '%s' but no tensor '%s'", LW_TRAIN_CURVE_KEY_FIELDS, LW_TRAIN_CURVE_TENSOR);
  if (fields_text == NULL)
    BAD ("tensor '%s' without its field names (metadata '%s')", LW_TRAIN_CURVE_TENSOR,
         LW_TRAIN_CURVE_KEY_FIELDS);
  g_auto (GStrv) fields = g_strsplit (fields_text, ",", -1);
  g_autoptr (GError) local = NULL;
  if (!lw_train_curve_check_fields ((const char *const *) fields, label, &local))
    BAD ("field names '%.80s': the first must be 'step', names non-empty and unique, at most "
         "%d", fields_text, LW_TRAIN_CURVE_MAX_FIELDS);
  guint nf = g_strv_length (fields);
  const LwStTensorInfo *info = lw_safetensors_info (st, (guint) k);
  if (info->dtype != LW_ST_F32)
    BAD ("tensor '%s' is %s, F32 expected", LW_TRAIN_CURVE_TENSOR,
         lw_st_dtype_name (info->dtype));
  if (info->ndim != 2 || info->shape[1] != nf)
    BAD ("tensor '%s' must be [rows, %u] for its %u fields", LW_TRAIN_CURVE_TENSOR, nf, nf);
  gsize rows = info->shape[0];
  if (rows > LW_TRAIN_CURVE_MAX_ROWS - 1)
    BAD ("%" G_GSIZE_FORMAT " rows, at most %d", rows, LW_TRAIN_CURVE_MAX_ROWS - 1);
  g_autofree float *data = lw_safetensors_read_f32 (st, (guint) k, error);
  if (data == NULL)
    return FALSE;
  for (gsize i = 0; i < rows; i++)
    {
      float s = data[i * nf];
      if (!isfinite (s) || (i > 0 && !(s > data[(i - 1) * nf])))
        BAD ("row %" G_GSIZE_FORMAT ": step %g does not follow the previous row's", i + 1,
             (double) s);
    }

  g_autoptr (LwTrainCurve) c = lw_train_curve_new ((const char *const *) fields);
  guint64 stride = 0, appends = 0;
  gboolean have_stride = meta_count (st, LW_TRAIN_CURVE_KEY_STRIDE, &stride);
  gboolean have_appends = meta_count (st, LW_TRAIN_CURVE_KEY_APPENDS, &appends);
  if (have_stride && have_appends && stride >= 1)
    {
      /* the exact state: rows are appends 0, s, 2s, … and maybe the latest */
      guint64 kept = appends > 0 ? (appends - 1) / stride + 1 : 0;
      gboolean tail = appends > 0 && (appends - 1) % stride != 0;
      if (kept + (tail ? 1 : 0) != rows || kept > KEPT_MAX)
        BAD ("%" G_GSIZE_FORMAT " rows do not match %" G_GUINT64_FORMAT
             " appends at stride %" G_GUINT64_FORMAT, rows, appends, stride);
      memcpy (c->data, data, rows * nf * sizeof (float));
      c->n_kept = (guint) kept;
      c->has_tail = tail;
      c->appends = appends;
      c->stride = stride;
    }
  else
    {
      /* written by another tool: every row one append */
      g_autofree double *v = g_new (double, nf);
      for (gsize i = 0; i < rows; i++)
        {
          for (guint j = 0; j < nf; j++)
            v[j] = data[i * nf + j];
          lw_train_curve_append (c, v);
        }
    }
#undef BAD
  *out = g_steal_pointer (&c);
  return TRUE;
}
