/* lw-waveform-private.h — LwWaveform internals shared by the widget and its drawing code
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * lw-waveform.c is the widget (API, properties, input, snapshot); lw-waveform-draw.c holds
 * the signals' pyramids, the lane layout and the cached static drawing (traces, time axis).
 */
#pragma once

#include "lw-decimate.h"
#include "lw-waveform.h"

G_BEGIN_DECLS

#define LANE_GAP        4      /* px between channel lanes */
#define MAX_CHANNELS    8

typedef struct
{
  GPtrArray *pyramids;  /* LwMinMaxPyramid per channel; NULL: no signal */
  double     rate;
  gsize      frames;
} Signal;

struct _LwWaveform
{
  GtkWidget      parent_instance;

  Signal         audio;
  Signal         overlay;

  double         view_start, view_end;
  double         cursor;
  double         sel_start, sel_end;

  GskRenderNode *static_node;   /* traces and axis; dropped on size/css/data/view change */
  int            axis_h;        /* px of the time axis; 0: not measured yet */

  double         drag_x0;
  guint          dragging : 1;
  double         pointer_x;     /* for Ctrl+scroll zoom; NaN outside */
};

void     _lw_waveform_signal_clear   (Signal *s);
/* Pyramids of `t` (NULL clears); FALSE with LW_ERROR_SHAPE naming `what` */
gboolean _lw_waveform_signal_set     (Signal *s, const LwTensor *t, const char *what,
                                      GError **error);
double   _lw_waveform_duration       (LwWaveform *self);
gboolean _lw_waveform_view_valid     (LwWaveform *self);
int      _lw_waveform_axis_height    (LwWaveform *self);
gboolean _lw_waveform_lane_geometry  (LwWaveform *self, guint channel, int *y, int *h);
/* Zero lines, traces (main, then overlay) and time axis for a width × height widget */
void     _lw_waveform_draw_static    (LwWaveform *self, cairo_t *cr, int width, int height);

G_END_DECLS
