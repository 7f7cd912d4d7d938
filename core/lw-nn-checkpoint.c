/* lw-nn-checkpoint.c — model parameters and AdamW state as safetensors checkpoints
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Loading reads and checks every tensor into temporary arenas first and copies them into the
 * model and optimiser only when the whole file has passed, so a bad checkpoint never leaves a
 * half-loaded model behind.
 */
#define G_LOG_DOMAIN "lw-nn-checkpoint"

#include "lw-nn-params.h"

#include "lw-error.h"
#include "lw-safetensors.h"

#include <stdlib.h>
#include <string.h>

#define M_PREFIX "adamw.m."
#define V_PREFIX "adamw.v."
#define STEPS_KEY "adamw.steps"

LwNnParams *_lw_adamw_params (LwAdamW *opt); /* lw-nn-params.c */

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

gboolean
lw_nn_checkpoint_save (const char *path, LwNnParams *p, LwAdamW *opt, GHashTable *metadata,
                       GError **error)
{
  return lw_nn_checkpoint_save_with (path, p, opt, metadata, NULL, error);
}

gboolean
lw_nn_checkpoint_save_with (const char *path, LwNnParams *p, LwAdamW *opt,
                            GHashTable *metadata, LwSafetensorsWriter *extra, GError **error)
{
  g_return_val_if_fail (path != NULL && p != NULL, FALSE);
  g_return_val_if_fail (opt == NULL || _lw_adamw_params (opt) == p, FALSE);
  g_autoptr (LwSafetensorsWriter) own = extra == NULL ? lw_safetensors_writer_new () : NULL;
  LwSafetensorsWriter *w = extra != NULL ? extra : own;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  guint n = lw_nn_params_count (p);

  if (metadata != NULL)
    {
      /* sorted, so the same model and table always give the same bytes */
      g_autofree gpointer *keys = g_hash_table_get_keys_as_array (metadata, NULL);
      guint n_keys = g_hash_table_size (metadata);
      qsort (keys, n_keys, sizeof (gpointer), compare_strings);
      for (guint k = 0; k < n_keys; k++)
        lw_safetensors_writer_add_metadata (w, keys[k], g_hash_table_lookup (metadata, keys[k]));
    }
  for (guint i = 0; i < n; i++)
    lw_safetensors_writer_add_f32 (w, lw_nn_params_name (p, i), lw_nn_params_ndim (p, i),
                                   lw_nn_params_shape (p, i), lw_nn_params_value (p, i));
  if (opt != NULL)
    {
      g_autofree char *steps = g_strdup_printf ("%" G_GUINT64_FORMAT, lw_adamw_steps (opt));
      lw_safetensors_writer_add_metadata (w, STEPS_KEY, steps);
      const float *values = lw_nn_params_values (p);
      for (guint i = 0; i < n; i++)
        {
          gsize offset = (gsize) (lw_nn_params_value (p, i) - values);
          char *m = g_strconcat (M_PREFIX, lw_nn_params_name (p, i), NULL);
          char *v = g_strconcat (V_PREFIX, lw_nn_params_name (p, i), NULL);
          g_ptr_array_add (names, m);
          g_ptr_array_add (names, v);
          lw_safetensors_writer_add_f32 (w, m, lw_nn_params_ndim (p, i),
                                         lw_nn_params_shape (p, i), lw_adamw_m (opt) + offset);
          lw_safetensors_writer_add_f32 (w, v, lw_nn_params_ndim (p, i),
                                         lw_nn_params_shape (p, i), lw_adamw_v (opt) + offset);
        }
    }
  return lw_safetensors_writer_write (w, path, error);
}

static char *
format_shape (guint ndim, const gsize *shape)
{
  GString *s = g_string_new ("[");
  for (guint d = 0; d < ndim; d++)
    g_string_append_printf (s, d ? ", %" G_GSIZE_FORMAT : "%" G_GSIZE_FORMAT, shape[d]);
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

/* Reads file tensor `name` into dst (the model's tensor i's shape) */
static gboolean
read_tensor (LwSafetensors *st, const char *path, const char *name, LwNnParams *p, guint i,
             float *dst, GError **error)
{
  int k = lw_safetensors_find (st, name);
  if (k < 0)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "%s: tensor '%s': missing from the file", path, name);
      return FALSE;
    }
  const LwStTensorInfo *info = lw_safetensors_info (st, (guint) k);
  if (info->dtype != LW_ST_F32 && info->dtype != LW_ST_F16 && info->dtype != LW_ST_BF16)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                   "%s: tensor '%s': dtype %s in the file, F32, F16 or BF16 expected", path, name,
                   lw_st_dtype_name (info->dtype));
      return FALSE;
    }
  guint ndim = lw_nn_params_ndim (p, i);
  const gsize *shape = lw_nn_params_shape (p, i);
  gboolean same = info->ndim == ndim;
  for (guint d = 0; same && d < ndim; d++)
    same = info->shape[d] == shape[d];
  if (!same)
    {
      g_autofree char *found = format_shape (info->ndim, info->shape);
      g_autofree char *expected = format_shape (ndim, shape);
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE,
                   "%s: tensor '%s': shape %s in the file, %s expected", path, name, found,
                   expected);
      return FALSE;
    }
  g_autofree float *data = lw_safetensors_read_f32 (st, (guint) k, error);
  if (data == NULL)
    return FALSE;
  memcpy (dst, data, info->numel * sizeof (float));
  return TRUE;
}

static gboolean
parse_steps (const char *text, guint64 *out)
{
  if (text == NULL || text[0] < '0' || text[0] > '9')
    return FALSE;
  return g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, out, NULL);
}

gboolean
lw_nn_checkpoint_load (const char *path, LwNnParams *p, LwAdamW *opt, GHashTable **metadata,
                       GError **error)
{
  return lw_nn_checkpoint_load_with (path, p, opt, metadata, NULL, error);
}

gboolean
lw_nn_checkpoint_load_with (const char *path, LwNnParams *p, LwAdamW *opt,
                            GHashTable **metadata, const char *const *skip, GError **error)
{
  g_return_val_if_fail (path != NULL && p != NULL, FALSE);
  g_return_val_if_fail (opt == NULL || _lw_adamw_params (opt) == p, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_autoptr (LwSafetensors) st = lw_safetensors_open (path, error);
  if (st == NULL)
    return FALSE;

  guint n = lw_nn_params_count (p);
  gsize total = lw_nn_params_total (p);
  const float *arena = lw_nn_params_values (p);

  /* Every tensor in the file must be a model tensor or the optimiser state of one */
  gboolean has_state = FALSE;
  for (guint k = 0; k < lw_safetensors_count (st); k++)
    {
      const char *name = lw_safetensors_info (st, k)->name;
      const char *owner = name;
      if (skip != NULL && g_strv_contains (skip, name))
        continue;
      if (g_str_has_prefix (name, M_PREFIX) || g_str_has_prefix (name, V_PREFIX))
        {
          owner = name + strlen (M_PREFIX);
          has_state = TRUE;
        }
      if (lw_nn_params_find (p, owner) < 0)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       owner == name ? "%s: tensor '%s': in the file but not in the model"
                                     : "%s: tensor '%s': optimiser state for a tensor the model "
                                       "does not have",
                       path, name);
          return FALSE;
        }
    }

  g_autofree float *values = g_new (float, MAX (total, 1));
  for (guint i = 0; i < n; i++)
    {
      gsize offset = (gsize) (lw_nn_params_value (p, i) - arena);
      if (!read_tensor (st, path, lw_nn_params_name (p, i), p, i, values + offset, error))
        return FALSE;
    }

  /* Optimiser state: all of it (every m, every v, the step count) or none of it */
  g_autofree float *m = NULL, *v = NULL;
  guint64 steps = 0;
  if (opt != NULL && has_state)
    {
      m = g_new (float, MAX (total, 1));
      v = g_new (float, MAX (total, 1));
      for (guint i = 0; i < n; i++)
        {
          gsize offset = (gsize) (lw_nn_params_value (p, i) - arena);
          g_autofree char *mname = g_strconcat (M_PREFIX, lw_nn_params_name (p, i), NULL);
          g_autofree char *vname = g_strconcat (V_PREFIX, lw_nn_params_name (p, i), NULL);
          if (!read_tensor (st, path, mname, p, i, m + offset, error)
              || !read_tensor (st, path, vname, p, i, v + offset, error))
            return FALSE;
        }
      const char *text = lw_safetensors_metadata (st, STEPS_KEY);
      if (!parse_steps (text, &steps))
        {
          if (text != NULL)
            g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                         "%s: metadata '%s' is not a step count: '%s'", path, STEPS_KEY, text);
          else
            g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                         "%s: metadata '%s' is missing beside the optimiser state", path,
                         STEPS_KEY);
          return FALSE;
        }
    }

  /* everything checked: commit */
  memcpy (lw_nn_params_values (p), values, total * sizeof (float));
  if (opt != NULL)
    {
      if (m != NULL)
        {
          memcpy (lw_adamw_m (opt), m, total * sizeof (float));
          memcpy (lw_adamw_v (opt), v, total * sizeof (float));
        }
      else
        {
          memset (lw_adamw_m (opt), 0, total * sizeof (float));
          memset (lw_adamw_v (opt), 0, total * sizeof (float));
        }
      lw_adamw_set_steps (opt, steps);
    }
  if (metadata != NULL)
    {
      *metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      for (const char *const *k = lw_safetensors_metadata_keys (st); *k; k++)
        g_hash_table_insert (*metadata, g_strdup (*k),
                             g_strdup (lw_safetensors_metadata (st, *k)));
    }
  return TRUE;
}
