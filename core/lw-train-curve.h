/* lw-train-curve.h — a training run's curves: a bounded table of named float columns, kept
 * in the model's checkpoint
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Column 0 is "step"; the others are whatever the trainer records (loss, ce, latent, mean log
 * σ, grad norm, lr, reward…), one row per step. Memory is bounded: the table keeps the
 * evenly spaced rows of a recording stride (every stride-th append, the first included) plus
 * the latest append when it falls between them; when the evenly spaced rows fill their
 * space, every other one is dropped and the stride doubles. So a run of any length keeps its
 * whole curve at an even spacing, first and latest step included, in at most
 * LW_TRAIN_CURVE_MAX_ROWS rows.
 *
 * In a safetensors file the curve is one F32 tensor "train.curve" of shape [rows, fields]
 * with the field names in metadata "lw.train.curve.fields" (comma-separated), readable by
 * other tools; "lw.train.curve.stride" and "lw.train.curve.appends" let a resumed run carry
 * on with the same spacing.
 */
#pragma once

#include <glib.h>

#include "lw-safetensors.h"

G_BEGIN_DECLS

#define LW_TRAIN_CURVE_MAX_ROWS 4096
/* at most this many fields (columns), "step" included */
#define LW_TRAIN_CURVE_MAX_FIELDS 64

#define LW_TRAIN_CURVE_TENSOR "train.curve"
#define LW_TRAIN_CURVE_KEY_FIELDS "lw.train.curve.fields"
#define LW_TRAIN_CURVE_KEY_STRIDE "lw.train.curve.stride"
#define LW_TRAIN_CURVE_KEY_APPENDS "lw.train.curve.appends"

typedef struct _LwTrainCurve LwTrainCurve;

/* fields: NULL-terminated, the first "step"; names non-empty, unique, without commas (a
 * programming error otherwise; lw_train_curve_check_fields says why for outside input) */
LwTrainCurve *lw_train_curve_new       (const char *const *fields);
void          lw_train_curve_free      (LwTrainCurve *c);
LwTrainCurve *lw_train_curve_copy      (const LwTrainCurve *c);

guint         lw_train_curve_n_fields  (const LwTrainCurve *c);
const char   *lw_train_curve_field     (const LwTrainCurve *c, guint i);
/* −1 if there is no such field */
int           lw_train_curve_find      (const LwTrainCurve *c, const char *name);
/* TRUE when c has exactly these fields in this order */
gboolean      lw_train_curve_has_fields (const LwTrainCurve *c, const char *const *fields);
guint         lw_train_curve_n_rows    (const LwTrainCurve *c);
/* n_fields floats */
const float  *lw_train_curve_row       (const LwTrainCurve *c, guint i);
/* Records one step (n_fields values, values[0] the step) */
void          lw_train_curve_append    (LwTrainCurve *c, const double *values);
/* Appends so far and the current stride (rows kept are appends 0, stride, 2·stride, …) */
guint64       lw_train_curve_n_appends (const LwTrainCurve *c);
guint64       lw_train_curve_stride    (const LwTrainCurve *c);

/* NULL-terminated names that would make a valid curve; else LW_ERROR_INVALID_PARAM saying why
 * (label names the source in the message) */
gboolean      lw_train_curve_check_fields (const char *const *fields, const char *label,
                                           GError **error);

/* ---- safetensors -------------------------------------------------------------------------- */
/* Adds the tensor and its metadata to w; c must stay alive and unchanged until w is written */
void          lw_train_curve_write     (const LwTrainCurve *c, LwSafetensorsWriter *w);
/* The file's curve: TRUE with *out NULL when it has none, TRUE with a new curve, or FALSE
 * with LW_ERROR_INVALID_DATA naming label and the problem (dtype, shape, fields, steps that
 * do not increase, too many rows) */
gboolean      lw_train_curve_read      (LwSafetensors *st, const char *label,
                                        LwTrainCurve **out, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwTrainCurve, lw_train_curve_free)

G_END_DECLS
