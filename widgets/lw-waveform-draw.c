/* lw-waveform-draw.c — LwWaveform: signal pyramids, lane layout, traces and time axis
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Per-column extremes come from the min/max pyramid (O(width · log T) per redraw); when a
 * column holds less than a sample the trace becomes a line through the samples instead.
 */
#define G_LOG_DOMAIN "lw-waveform"

#include <glib/gi18n.h>
#include <math.h>

#include "lw-audio-widget-private.h"
#include "lw-error.h"
#include "lw-ticks.h"
#include "lw-waveform-private.h"

void
_lw_waveform_signal_clear (Signal *s)
{
  g_clear_pointer (&s->pyramids, g_ptr_array_unref);
  s->rate = 0;
  s->frames = 0;
}

gboolean
_lw_waveform_signal_set (Signal         *s,
                         const LwTensor *t,
                         const char     *what,
                         GError        **error)
{
  GPtrArray *pyr;

  if (t == NULL)
    {
      _lw_waveform_signal_clear (s);
      return TRUE;
    }
  if (t->ndim != 2 || t->shape[0] < 1 || t->shape[0] > MAX_CHANNELS || t->shape[1] < 1 ||
      !(t->sample_rate > 0) || !isfinite (t->sample_rate))
    {
      g_autofree char *shape = lw_tensor_shape_string (t);
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE,
                   _("%s: expected C×T audio with 1 to %d channels and a sample rate, got %s at %g Hz"),
                   what, MAX_CHANNELS, shape, t->sample_rate);
      return FALSE;
    }
  pyr = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_minmax_pyramid_free);
  for (gsize c = 0; c < t->shape[0]; c++)
    g_ptr_array_add (pyr, lw_minmax_pyramid_new (t->data + c * t->shape[1], t->shape[1]));
  _lw_waveform_signal_clear (s);
  s->pyramids = pyr;
  s->rate = t->sample_rate;
  s->frames = t->shape[1];
  return TRUE;
}

double
_lw_waveform_duration (LwWaveform *self)
{
  return self->audio.pyramids ? self->audio.frames / self->audio.rate : 0.0;
}

gboolean
_lw_waveform_view_valid (LwWaveform *self)
{
  return isfinite (self->view_start) && isfinite (self->view_end) &&
         self->view_start < self->view_end;
}

int
_lw_waveform_axis_height (LwWaveform *self)
{
  if (self->axis_h == 0)
    self->axis_h = _lw_audio_line_height (GTK_WIDGET (self)) + (int) LW_AUDIO_TICK_LEN + 2;
  return self->axis_h;
}

gboolean
_lw_waveform_lane_geometry (LwWaveform *self,
                            guint       channel,
                            int        *y,
                            int        *h)
{
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  guint n = self->audio.pyramids ? self->audio.pyramids->len : 0;
  int avail, lane;

  if (channel >= n)
    return FALSE;
  avail = height - _lw_waveform_axis_height (self) - LANE_GAP * ((int) n - 1);
  lane = avail / (int) n;
  if (lane < 2)
    return FALSE;
  *y = (int) channel * (lane + LANE_GAP);
  *h = lane;
  return TRUE;
}

/* Drawing */

static double
value_to_y (double v,
            int    lane_y,
            int    lane_h)
{
  v = CLAMP (v, -1.0, 1.0);
  return lane_y + (1.0 - v) * 0.5 * lane_h;
}

static void
draw_trace (LwWaveform          *self,
            cairo_t             *cr,
            const Signal        *s,
            const GdkRGBA       *colour,
            int                  width)
{
  double span = self->view_end - self->view_start;
  double spc = span * s->rate / width;       /* samples per column */
  guint n = MIN (s->pyramids->len, self->audio.pyramids->len);

  gdk_cairo_set_source_rgba (cr, colour);
  for (guint c = 0; c < n; c++)
    {
      const LwMinMaxPyramid *pyr = g_ptr_array_index (s->pyramids, c);
      int ly, lh;

      if (!_lw_waveform_lane_geometry (self, c, &ly, &lh))
        continue;
      if (spc >= 1.0)
        {
          g_autofree float *lo = g_new (float, width);
          g_autofree float *hi = g_new (float, width);
          double prev_top = NAN, prev_bot = NAN;

          lw_minmax_pyramid_columns (pyr, self->view_start * s->rate, self->view_end * s->rate,
                                     (guint) width, lo, hi);
          for (int x = 0; x < width; x++)
            {
              double top, bot, t0, b0;

              if (isnan (lo[x]))
                {
                  prev_top = prev_bot = NAN;
                  continue;
                }
              t0 = top = floor (value_to_y (hi[x], ly, lh));
              b0 = bot = ceil (value_to_y (lo[x], ly, lh));
              if (bot <= top)
                b0 = bot = top + 1;
              /* join to the previous column so steep edges stay connected */
              if (!isnan (prev_top))
                {
                  top = MIN (top, prev_bot - 1);
                  bot = MAX (bot, prev_top + 1);
                }
              top = MAX (top, ly);
              bot = MIN (bot, ly + lh);
              cairo_rectangle (cr, x, top, 1, bot - top);
              prev_top = t0;
              prev_bot = b0;
            }
          cairo_fill (cr);
        }
      else
        {
          const float *x = lw_minmax_pyramid_get_samples (pyr);
          gint64 n_frames = (gint64) lw_minmax_pyramid_get_length (pyr);
          gint64 k0 = MAX ((gint64) floor (self->view_start * s->rate) - 1, 0);
          gint64 k1 = MIN ((gint64) ceil (self->view_end * s->rate) + 1, n_frames - 1);

          cairo_save (cr);
          cairo_rectangle (cr, 0, ly, width, lh);
          cairo_clip (cr);
          cairo_set_line_width (cr, 1.5);
          cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
          for (gint64 k = k0; k <= k1; k++)
            {
              double px = (k / s->rate - self->view_start) / span * width;
              double py = value_to_y (x[k], ly, lh);

              if (k == k0)
                cairo_move_to (cr, px, py);
              else
                cairo_line_to (cr, px, py);
            }
          if (k1 == k0)
            cairo_rel_line_to (cr, 1, 0);
          cairo_stroke (cr);
          cairo_restore (cr);
        }
    }
}

void
_lw_waveform_draw_static (LwWaveform *self,
                          cairo_t    *cr,
                          int         width,
                          int         height)
{
  LwAudioStyle st;
  GdkRGBA faint;
  g_autoptr (PangoLayout) layout = NULL;
  LwTicks ticks;
  int axis_y = height - _lw_waveform_axis_height (self);

  _lw_audio_style_lookup (GTK_WIDGET (self), &st);
  faint = _lw_audio_with_alpha (&st.fg, 0.2f);

  if (self->audio.pyramids == NULL || !_lw_waveform_view_valid (self))
    return;

  /* zero lines */
  gdk_cairo_set_source_rgba (cr, &faint);
  for (guint c = 0; c < self->audio.pyramids->len; c++)
    {
      int ly, lh;

      if (_lw_waveform_lane_geometry (self, c, &ly, &lh))
        cairo_rectangle (cr, 0, ly + lh / 2, width, 1);
    }
  cairo_fill (cr);

  draw_trace (self, cr, &self->audio, &st.accent, width);
  if (self->overlay.pyramids != NULL)
    {
      GdkRGBA ov = _lw_audio_with_alpha (&st.second, 0.75f);
      draw_trace (self, cr, &self->overlay, &ov, width);
    }

  /* time axis along the bottom */
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  gdk_cairo_set_source_rgba (cr, &faint);
  cairo_rectangle (cr, 0, axis_y, width, 1);
  cairo_fill (cr);
  if (lw_ticks_linear (self->view_start, self->view_end, CLAMP (width / 90, 2, 16), FALSE, &ticks))
    for (guint i = 0; i < ticks.n; i++)
      {
        double x = (ticks.values[i] - self->view_start) /
                   (self->view_end - self->view_start) * width;
        g_autofree char *num = lw_ticks_format (&ticks, ticks.values[i]);
        /* Translators: a time axis label, %s is a number of seconds */
        g_autofree char *label = g_strdup_printf (_("%s s"), num);

        gdk_cairo_set_source_rgba (cr, &faint);
        cairo_rectangle (cr, floor (x), axis_y, 1, LW_AUDIO_TICK_LEN);
        cairo_fill (cr);
        gdk_cairo_set_source_rgba (cr, &st.fg);
        _lw_audio_draw_text (cr, layout, label, CLAMP (x, 2, width - 2), axis_y + LW_AUDIO_TICK_LEN,
                             x < 30 ? 0.0 : x > width - 30 ? 1.0 : 0.5);
      }
}
