/* lw-safetensors.h — the safetensors format: read (validated, memory-mapped) and write
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Format (huggingface/safetensors): u64 little-endian N, then N bytes of UTF-8 JSON
 * {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, …,
 *  "__metadata__": {"key": "value", …}} (metadata values are strings), then the data block;
 * offsets are relative to the data block, row-major, little-endian.
 * The reader trusts nothing: header length within the file and ≤ 100 MB, valid JSON object,
 * known dtype, shape product × dtype size = end − begin without overflow, offsets inside the
 * data block, no two tensors overlapping, names unique and non-empty. Every error names the
 * file and, where there is one, the tensor.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  LW_ST_BOOL,
  LW_ST_U8,
  LW_ST_I8,
  LW_ST_I16,
  LW_ST_U16,
  LW_ST_F16,
  LW_ST_BF16,
  LW_ST_I32,
  LW_ST_U32,
  LW_ST_F32,
  LW_ST_F64,
  LW_ST_I64,
  LW_ST_U64,
} LwStDtype;

#define LW_ST_MAX_DIMS 8

typedef struct
{
  const char *name;      /* owned by the LwSafetensors */
  LwStDtype   dtype;
  guint       ndim;      /* 0 = scalar */
  gsize       shape[LW_ST_MAX_DIMS];
  gsize       numel;
  gsize       offset;    /* bytes, from the start of the data block */
  gsize       nbytes;
} LwStTensorInfo;

const char *lw_st_dtype_name (LwStDtype dtype);   /* "F32" … */
gsize       lw_st_dtype_size (LwStDtype dtype);   /* bytes per element */

typedef struct _LwSafetensors LwSafetensors;

/* Memory-maps the file. */
LwSafetensors        *lw_safetensors_open       (const char *path, GError **error);
/* label names the data in messages (a file name, "fuzz input") */
LwSafetensors        *lw_safetensors_new_from_bytes (GBytes *bytes, const char *label,
                                                     GError **error);
void                  lw_safetensors_free       (LwSafetensors *st);

guint                 lw_safetensors_count      (const LwSafetensors *st);
/* in the order of their data offsets */
const LwStTensorInfo *lw_safetensors_info       (const LwSafetensors *st, guint i);
int                   lw_safetensors_find       (const LwSafetensors *st, const char *name);
/* __metadata__ entry, NULL if absent; the keys in file order (NULL-terminated, owned) */
const char           *lw_safetensors_metadata   (const LwSafetensors *st, const char *key);
const char *const    *lw_safetensors_metadata_keys (const LwSafetensors *st);
/* raw little-endian bytes of tensor i (nbytes of them) */
const guint8         *lw_safetensors_data       (const LwSafetensors *st, guint i);
/* Tensor i as numel floats (new allocation; g_free). F32, F16, BF16 and F64 convert; other
 * dtypes are an error naming the tensor and its dtype. */
float                *lw_safetensors_read_f32   (const LwSafetensors *st, guint i,
                                                 GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwSafetensors, lw_safetensors_free)

/* ---- writing ------------------------------------------------------------------------------ */
typedef struct _LwSafetensorsWriter LwSafetensorsWriter;

LwSafetensorsWriter *lw_safetensors_writer_new  (void);
void                 lw_safetensors_writer_free (LwSafetensorsWriter *w);
void                 lw_safetensors_writer_add_metadata (LwSafetensorsWriter *w, const char *key,
                                                         const char *value);
/* The data is referenced, not copied: it must stay valid until write. */
void                 lw_safetensors_writer_add_f32 (LwSafetensorsWriter *w, const char *name,
                                                    guint ndim, const gsize *shape,
                                                    const float *data);
/* Tensors in the order added, back to back in the data block (the reference reader rejects
 * gaps); the header is padded with spaces to a multiple of 8, so F32 data are 4-byte aligned
 * when the file is mapped. Atomic: a temporary file in the same folder, then rename;
 * an existing file at path is untouched on failure. */
gboolean             lw_safetensors_writer_write (LwSafetensorsWriter *w, const char *path,
                                                  GError **error);
GBytes              *lw_safetensors_writer_to_bytes (LwSafetensorsWriter *w);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwSafetensorsWriter, lw_safetensors_writer_free)

G_END_DECLS
