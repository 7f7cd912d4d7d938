/* lw-audio-widget-private.h — colours and text helpers shared by the audio widgets
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Header-only (static inline) so the widgets need no extra compilation unit. Colours come
 * from the widget's style, so the dark style and high contrast work; named colours are the
 * libadwaita ones, with the plain GTK theme's names and fixed values as fallbacks.
 */
#pragma once

#include <gtk/gtk.h>
#include <math.h>

G_BEGIN_DECLS

#define LW_AUDIO_TICK_LEN  4.0
#define LW_AUDIO_PAD       4.0

typedef struct
{
  GdkRGBA fg;       /* text, axes, cursor */
  GdkRGBA accent;   /* main trace */
  GdkRGBA second;   /* overlay trace, hot peaks */
  GdkRGBA warning;
  GdkRGBA error;    /* clip */
} LwAudioStyle;

static inline void
_lw_audio_style_lookup (GtkWidget    *widget,
                        LwAudioStyle *st)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkStyleContext *context = gtk_widget_get_style_context (widget);

  gtk_style_context_get_color (context, &st->fg);
  if (!gtk_style_context_lookup_color (context, "accent_color", &st->accent) &&
      !gtk_style_context_lookup_color (context, "theme_selected_bg_color", &st->accent))
    st->accent = (GdkRGBA) { 0.21f, 0.52f, 0.89f, 1 };
  if (!gtk_style_context_lookup_color (context, "warning_color", &st->warning))
    st->warning = (GdkRGBA) { 0.90f, 0.65f, 0.04f, 1 };
  if (!gtk_style_context_lookup_color (context, "error_color", &st->error))
    st->error = (GdkRGBA) { 0.88f, 0.11f, 0.14f, 1 };
  G_GNUC_END_IGNORE_DEPRECATIONS
  /* the overlay is orange-ish whatever the theme, so it never matches the accent */
  st->second = (GdkRGBA) { 0.93f, 0.45f, 0.11f, 1 };
}

static inline GdkRGBA
_lw_audio_with_alpha (const GdkRGBA *c,
                      float          alpha)
{
  GdkRGBA r = *c;

  r.alpha *= alpha;
  return r;
}

/* Text at (x, y): xalign 0 = left edge at x, 0.5 centred, 1 right edge; y is the top.
 * Returns the text's width. */
static inline double
_lw_audio_draw_text (cairo_t      *cr,
                     PangoLayout  *layout,
                     const char   *text,
                     double        x,
                     double        y,
                     double        xalign)
{
  int w, h;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - xalign * w, y);
  pango_cairo_show_layout (cr, layout);
  return w;
}

/* Height in px of one line of the widget's text */
static inline int
_lw_audio_line_height (GtkWidget *widget)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, "0123456789");
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  g_object_unref (layout);
  return h;
}

/* "100", "2.5k", "20k": compact frequency labels */
static inline char *
_lw_audio_format_hz (double hz)
{
  if (hz >= 1000)
    {
      double k = hz / 1000;
      return fabs (k - round (k)) < 1e-9 ? g_strdup_printf ("%.0fk", k)
                                         : g_strdup_printf ("%.1fk", k);
    }
  return g_strdup_printf ("%.0f", hz);
}

G_END_DECLS
