/* lw-param-controls.h — a codec's parameter controls, built from its parameter description
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One row per LwParamSpec: numbers get a slider (over the same positions as lw-rate-map, so
 * log-scale parameters step geometrically and "right" always means more bits for the rate
 * parameter) beside a spin button with the exact value; enums a drop-down; booleans a switch.
 * The codec's rate parameter comes first. Ranges and help texts come from the codec only.
 * The widget owns a copy of the values; "changed" tells which parameter the user changed.
 */
#pragma once

#include <gtk/gtk.h>

#include "lw-codec.h"

G_BEGIN_DECLS

#define LW_TYPE_PARAM_CONTROLS (lw_param_controls_get_type ())
G_DECLARE_FINAL_TYPE (LwParamControls, lw_param_controls, LW, PARAM_CONTROLS, GtkWidget)

GtkWidget      *lw_param_controls_new            (void);
/* Shows `params` (copied). Rows are rebuilt when the codec differs from the one shown. */
void            lw_param_controls_set_params     (LwParamControls *self,
                                                  const LwParams  *params);
/* (nullable) (transfer none) */
const LwParams *lw_param_controls_get_params     (LwParamControls *self);
/* Sets one value as if the user had; emits "changed" when it changed. FALSE with an error
 * when the name is unknown or the value out of range. */
gboolean        lw_param_controls_set_value      (LwParamControls *self,
                                                  const char      *name,
                                                  double           value,
                                                  GError         **error);
/* (nullable) (transfer none): the slider adjustment of a numeric parameter (positions as in
 * lw-rate-map), for keyboard actions and tests */
GtkAdjustment  *lw_param_controls_get_adjustment (LwParamControls *self,
                                                  const char      *name);

G_END_DECLS
