/* lw-tensor.c — float32 tensors of up to 4 dimensions
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-tensor"

#include "lw-tensor.h"
#include "lw-error.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

/* 2^31 floats (8 GiB) is far above anything the workbench handles; larger requests are bugs
 * or hostile headers, and get an error rather than an attempt. */
#define LW_TENSOR_MAX_NUMEL ((gsize) 1 << 31)

static LwTensor *
tensor_alloc (guint ndim, const gsize *shape, gboolean zero, GError **error)
{
  gsize numel = 1;

  if (ndim == 0 || ndim > LW_TENSOR_MAX_DIMS)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE, "tensor: %u dimensions (1 to %d allowed)",
                   ndim, LW_TENSOR_MAX_DIMS);
      return NULL;
    }
  for (guint i = 0; i < ndim; i++)
    {
      if (shape[i] == 0 || shape[i] > LW_TENSOR_MAX_NUMEL || numel > LW_TENSOR_MAX_NUMEL / shape[i])
        {
          g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                       "tensor: dimension %u of size %" G_GSIZE_FORMAT " is zero or too large", i,
                       shape[i]);
          return NULL;
        }
      numel *= shape[i];
    }

  LwTensor *t = g_new0 (LwTensor, 1);
  t->ndim = ndim;
  for (guint i = 0; i < LW_TENSOR_MAX_DIMS; i++)
    t->shape[i] = i < ndim ? shape[i] : 1;
  gsize bytes = (numel * sizeof (float) + 63) & ~(gsize) 63;
  t->data = aligned_alloc (64, bytes);
  if (t->data == NULL)
    {
      g_free (t);
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "tensor: out of memory for %" G_GSIZE_FORMAT " floats", numel);
      return NULL;
    }
  if (zero)
    memset (t->data, 0, bytes);
  return t;
}

LwTensor *
lw_tensor_new (guint ndim, const gsize *shape, GError **error)
{
  return tensor_alloc (ndim, shape, TRUE, error);
}

LwTensor *
lw_tensor_new_uninit (guint ndim, const gsize *shape, GError **error)
{
  return tensor_alloc (ndim, shape, FALSE, error);
}

static LwTensor *
new_or_abort (guint ndim, const gsize *shape)
{
  GError *error = NULL;
  LwTensor *t = lw_tensor_new (ndim, shape, &error);
  if (t == NULL)
    g_error ("%s", error->message);
  return t;
}

LwTensor *
lw_tensor_new_1d (gsize n0)
{
  gsize s[] = { n0 };
  return new_or_abort (1, s);
}

LwTensor *
lw_tensor_new_2d (gsize n0, gsize n1)
{
  gsize s[] = { n0, n1 };
  return new_or_abort (2, s);
}

LwTensor *
lw_tensor_new_3d (gsize n0, gsize n1, gsize n2)
{
  gsize s[] = { n0, n1, n2 };
  return new_or_abort (3, s);
}

gsize
lw_tensor_numel (const LwTensor *t)
{
  gsize n = 1;
  for (guint i = 0; i < t->ndim; i++)
    n *= t->shape[i];
  return n;
}

LwTensor *
lw_tensor_copy (const LwTensor *t)
{
  LwTensor *c = new_or_abort (t->ndim, t->shape);
  c->sample_rate = t->sample_rate;
  memcpy (c->data, t->data, lw_tensor_numel (t) * sizeof (float));
  return c;
}

void
lw_tensor_free (LwTensor *t)
{
  if (t == NULL)
    return;
  free (t->data);
  g_free (t);
}

gboolean
lw_tensor_same_shape (const LwTensor *a, const LwTensor *b)
{
  if (a->ndim != b->ndim)
    return FALSE;
  for (guint i = 0; i < a->ndim; i++)
    if (a->shape[i] != b->shape[i])
      return FALSE;
  return TRUE;
}

char *
lw_tensor_shape_string (const LwTensor *t)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < t->ndim; i++)
    g_string_append_printf (s, "%s%" G_GSIZE_FORMAT, i ? "×" : "", t->shape[i]);
  return g_string_free (s, FALSE);
}

void
lw_memory_keep_large_blocks (void)
{
  mallopt (M_MMAP_THRESHOLD, 256 << 20);
  mallopt (M_TRIM_THRESHOLD, 512 << 20);
}
