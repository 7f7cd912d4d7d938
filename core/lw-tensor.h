/* lw-tensor.h — float32 tensors of up to 4 dimensions, the currency between modules
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Data are contiguous, row-major (last dimension fastest). Images are C×H×W with values in
 * [0, 1]; audio is C×T in [−1, 1] with its sample rate. The struct is public for kernels; treat shape and ndim as read-only.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LW_TENSOR_MAX_DIMS 4

typedef struct
{
  guint  ndim;
  gsize  shape[LW_TENSOR_MAX_DIMS]; /* unused dimensions are 1 */
  float *data;                      /* owned, 64-byte aligned, numel floats */
  double sample_rate;               /* audio (C×T): samples per second per channel; 0 otherwise */
} LwTensor;

LwTensor *lw_tensor_new      (guint ndim, const gsize *shape, GError **error);
/* Like lw_tensor_new, but the contents are undefined: for outputs a kernel overwrites whole
 * (zeroing megabytes that are rewritten at once shows up in codec profiles). */
LwTensor *lw_tensor_new_uninit (guint ndim, const gsize *shape, GError **error);
LwTensor *lw_tensor_new_1d   (gsize n0);
LwTensor *lw_tensor_new_2d   (gsize n0, gsize n1);
LwTensor *lw_tensor_new_3d   (gsize n0, gsize n1, gsize n2);
LwTensor *lw_tensor_copy     (const LwTensor *t);  /* sample_rate included */
void      lw_tensor_free     (LwTensor *t);
gsize     lw_tensor_numel    (const LwTensor *t);
gboolean  lw_tensor_same_shape (const LwTensor *a, const LwTensor *b);
/* "3×512×512": free with g_free */
char     *lw_tensor_shape_string (const LwTensor *t);

/* Front ends call this once at start: large blocks then stay in the heap and are reused after
 * they are freed, instead of being mapped fresh from the kernel each time (first touches of a
 * fresh mapping fault once per 4 KiB page, which cost about a quarter of a codec run on a VM). */
void      lw_memory_keep_large_blocks (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwTensor, lw_tensor_free)

G_END_DECLS
