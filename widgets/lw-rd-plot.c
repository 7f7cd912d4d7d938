/* lw-rd-plot.c — rate–distortion plot: one curve per codec, an operating point, hover readout
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The static part (grid, axes, curves, legend) is drawn once into a cached render node; the
 * operating point and the hover readout go on top each frame, so moving the pointer or the
 * rate slider never redraws the curves. The layout (plot area, ticks, legend corner) is
 * computed once per size and data and shared by snapshot, hit testing and data_to_widget().
 * The same draw functions paint into the snapshot's cairo context and into the export's
 * cairo surface, so an export looks like the widget.
 */
#define G_LOG_DOMAIN "lw-rd-plot"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "lw-error.h"
#include "lw-rd-plot-private.h"

#define MIN_EXPORT    16
#define MAX_EXPORT    8192    /* 256 MiB of ARGB pixels for a PNG */

G_DEFINE_FINAL_TYPE (LwRdPlot, lw_rd_plot, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_METRIC,
  PROP_LOG_RATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GType
lw_rd_metric_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { LW_RD_METRIC_PSNR, "LW_RD_METRIC_PSNR", "psnr" },
        { LW_RD_METRIC_PSNR_Y, "LW_RD_METRIC_PSNR_Y", "psnr-y" },
        { LW_RD_METRIC_SSIM, "LW_RD_METRIC_SSIM", "ssim" },
        { LW_RD_METRIC_MS_SSIM, "LW_RD_METRIC_MS_SSIM", "ms-ssim" },
        { 0, NULL, NULL },
      };
      GType type = g_enum_register_static (g_intern_static_string ("LwRdMetric"), values);
      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

const char *
lw_rd_metric_get_title (LwRdMetric metric)
{
  switch (metric)
    {
    case LW_RD_METRIC_PSNR:
      return _("PSNR (dB)");
    case LW_RD_METRIC_PSNR_Y:
      return _("PSNR-Y (dB)");
    case LW_RD_METRIC_SSIM:
      return _("SSIM");
    case LW_RD_METRIC_MS_SSIM:
      return _("MS-SSIM");
    default:
      return "";
    }
}

/* Helpers: data */

static void
plot_curve_free (gpointer data)
{
  LwRdPlotCurve *pc = data;

  lw_rd_curve_free (pc->curve);
  g_free (pc);
}

static LwRdCurve *
curve_copy (const LwRdCurve *curve)
{
  LwRdCurve *copy = lw_rd_curve_new (curve->codec, curve->label);

  if (curve->points != NULL && curve->points->len > 0)
    g_array_append_vals (copy->points, curve->points->data, curve->points->len);
  return copy;
}

/* Everything drawn from data or size is stale: the next snapshot rebuilds it */
static void
invalidate (LwRdPlot *self)
{
  _lw_plot_cache_invalidate (&self->cache, GTK_WIDGET (self));
}

static void
data_changed (LwRdPlot *self)
{
  self->hover_curve = -1;
  invalidate (self);
}

static const LwPlotLayout *
ensure_layout (LwRdPlot *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  int width, height;

  if (_lw_plot_cache_needs_layout (&self->cache, widget, &width, &height))
    _lw_rd_plot_compute_layout (self, gtk_widget_get_pango_context (widget), width, height,
                                &self->cache.layout);
  return &self->cache.layout;
}

/* Event handlers */

static void
on_motion_cb (GtkEventControllerMotion *controller,
              double                    wx,
              double                    wy,
              LwRdPlot                 *self)
{
  const LwPlotLayout *L = ensure_layout (self);
  double best = HOVER_DIST * HOVER_DIST;
  int best_curve = -1;
  guint best_point = 0;

  if (L->valid)
    for (guint i = 0; i < self->curves->len; i++)
      {
        LwRdPlotCurve *pc = g_ptr_array_index (self->curves, i);

        for (guint k = 0; k < pc->curve->points->len; k++)
          {
            double x, y, dx, dy;

            if (!_lw_rd_plot_point_xy (&g_array_index (pc->curve->points, LwRdPoint, k),
                                       self->metric, L->log_x, &x, &y))
              continue;
            dx = _lw_plot_map_x (L, x) - wx;
            dy = _lw_plot_map_y (L, y) - wy;
            if (dx * dx + dy * dy <= best)
              {
                best = dx * dx + dy * dy;
                best_curve = (int) i;
                best_point = k;
              }
          }
      }
  if (best_curve != self->hover_curve || (best_curve >= 0 && best_point != self->hover_point))
    {
      self->hover_curve = best_curve;
      self->hover_point = best_point;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
on_leave_cb (GtkEventControllerMotion *controller,
             LwRdPlot                 *self)
{
  if (self->hover_curve >= 0)
    {
      self->hover_curve = -1;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

/* Overrides */

static void
lw_rd_plot_snapshot (GtkWidget   *widget,
                     GtkSnapshot *snapshot)
{
  LwRdPlot *self = LW_RD_PLOT (widget);
  const LwPlotLayout *L = ensure_layout (self);
  PangoContext *pctx = gtk_widget_get_pango_context (widget);
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, L->width, L->height);
  LwPlotStyle st;
  cairo_t *cr;

  if (L->width <= 0 || L->height <= 0)
    return;
  _lw_plot_style_from_widget (widget, &st);
  if (self->cache.node == NULL)
    {
      GtkSnapshot *sub;

      cr = _lw_plot_cache_begin (&self->cache, &sub);
      _lw_rd_plot_draw_static (self, cr, pctx, L, &st);
      _lw_plot_cache_end (&self->cache, sub, cr);
    }
  if (self->cache.node != NULL)
    gtk_snapshot_append_node (snapshot, self->cache.node);

  if (L->valid && (isfinite (self->op_bpp) || self->hover_curve >= 0))
    {
      cr = gtk_snapshot_append_cairo (snapshot, &bounds);
      _lw_rd_plot_draw_operating_point (self, cr, L, &st);
      _lw_rd_plot_draw_hover (self, cr, pctx, L, &st);
      cairo_destroy (cr);
    }
}

static void
lw_rd_plot_size_allocate (GtkWidget *widget,
                          int        width,
                          int        height,
                          int        baseline)
{
  _lw_plot_cache_resize (&LW_RD_PLOT (widget)->cache, width, height);
}

static void
lw_rd_plot_css_changed (GtkWidget         *widget,
                        GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (lw_rd_plot_parent_class)->css_changed (widget, change);
  /* colours or fonts may have changed (dark style, text scaling) */
  invalidate (LW_RD_PLOT (widget));
}

static void
lw_rd_plot_measure (GtkWidget      *widget,
                    GtkOrientation  orientation,
                    int             for_size,
                    int            *minimum,
                    int            *natural,
                    int            *minimum_baseline,
                    int            *natural_baseline)
{
  _lw_plot_measure (orientation, 200, 150, 480, 320, minimum, natural);
}

static void
lw_rd_plot_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  LwRdPlot *self = LW_RD_PLOT (object);

  switch (prop_id)
    {
    case PROP_METRIC:
      g_value_set_enum (value, self->metric);
      break;
    case PROP_LOG_RATE:
      g_value_set_boolean (value, self->log_rate);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lw_rd_plot_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  LwRdPlot *self = LW_RD_PLOT (object);

  switch (prop_id)
    {
    case PROP_METRIC:
      lw_rd_plot_set_metric (self, g_value_get_enum (value));
      break;
    case PROP_LOG_RATE:
      lw_rd_plot_set_log_rate (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lw_rd_plot_dispose (GObject *object)
{
  LwRdPlot *self = LW_RD_PLOT (object);

  g_clear_pointer (&self->cache.node, gsk_render_node_unref);
  G_OBJECT_CLASS (lw_rd_plot_parent_class)->dispose (object);
}

static void
lw_rd_plot_finalize (GObject *object)
{
  LwRdPlot *self = LW_RD_PLOT (object);

  g_ptr_array_unref (self->curves);
  g_free (self->op_codec);
  G_OBJECT_CLASS (lw_rd_plot_parent_class)->finalize (object);
}

static void
lw_rd_plot_class_init (LwRdPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = lw_rd_plot_get_property;
  object_class->set_property = lw_rd_plot_set_property;
  object_class->dispose = lw_rd_plot_dispose;
  object_class->finalize = lw_rd_plot_finalize;
  widget_class->snapshot = lw_rd_plot_snapshot;
  widget_class->size_allocate = lw_rd_plot_size_allocate;
  widget_class->css_changed = lw_rd_plot_css_changed;
  widget_class->measure = lw_rd_plot_measure;

  properties[PROP_METRIC] =
    g_param_spec_enum ("metric", NULL, NULL, LW_TYPE_RD_METRIC, LW_RD_METRIC_PSNR,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOG_RATE] =
    g_param_spec_boolean ("log-rate", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "rdplot");
}

static void
lw_rd_plot_init (LwRdPlot *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->curves = g_ptr_array_new_with_free_func (plot_curve_free);
  self->metric = LW_RD_METRIC_PSNR;
  self->op_bpp = NAN;
  for (guint i = 0; i < G_N_ELEMENTS (self->op_values); i++)
    self->op_values[i] = NAN;
  self->hover_curve = -1;

  g_signal_connect (motion, "motion", G_CALLBACK (on_motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
}

/* The first palette colour no curve uses, so removing a curve frees its colour; with all in
 * use, colours repeat in insertion order */
static guint
free_colour (LwRdPlot *self)
{
  for (guint c = 0; c < LW_PLOT_N_COLOURS; c++)
    {
      gboolean used = FALSE;

      for (guint k = 0; k < self->curves->len && !used; k++)
        used = ((LwRdPlotCurve *) g_ptr_array_index (self->curves, k))->colour == c;
      if (!used)
        return c;
    }
  return self->curves->len % LW_PLOT_N_COLOURS;
}

/* Public API */

GtkWidget *
lw_rd_plot_new (void)
{
  return g_object_new (LW_TYPE_RD_PLOT, NULL);
}

void
lw_rd_plot_set_curve (LwRdPlot        *self,
                      const LwRdCurve *curve)
{
  int i;

  g_return_if_fail (LW_IS_RD_PLOT (self));
  g_return_if_fail (curve != NULL);

  i = _lw_rd_plot_find_curve (self, curve->codec);
  if (i >= 0)
    {
      LwRdPlotCurve *pc = g_ptr_array_index (self->curves, i);

      lw_rd_curve_free (pc->curve);
      pc->curve = curve_copy (curve);
    }
  else
    {
      LwRdPlotCurve *pc = g_new0 (LwRdPlotCurve, 1);

      pc->curve = curve_copy (curve);
      pc->colour = free_colour (self);
      g_ptr_array_add (self->curves, pc);
    }
  data_changed (self);
}

void
lw_rd_plot_remove_curve (LwRdPlot   *self,
                         const char *codec)
{
  int i;

  g_return_if_fail (LW_IS_RD_PLOT (self));

  i = _lw_rd_plot_find_curve (self, codec);
  if (i < 0)
    return;
  g_ptr_array_remove_index (self->curves, (guint) i);
  data_changed (self);
}

void
lw_rd_plot_clear (LwRdPlot *self)
{
  g_return_if_fail (LW_IS_RD_PLOT (self));

  if (self->curves->len == 0)
    return;
  g_ptr_array_set_size (self->curves, 0);
  data_changed (self);
}

guint
lw_rd_plot_get_n_curves (LwRdPlot *self)
{
  g_return_val_if_fail (LW_IS_RD_PLOT (self), 0);
  return self->curves->len;
}

void
lw_rd_plot_set_operating_point (LwRdPlot   *self,
                                const char *codec,
                                double      bpp,
                                double      psnr,
                                double      psnr_y,
                                double      ssim,
                                double      ms_ssim)
{
  g_return_if_fail (LW_IS_RD_PLOT (self));

  g_free (self->op_codec);
  self->op_codec = g_strdup (codec);
  self->op_bpp = bpp;
  self->op_values[LW_RD_METRIC_PSNR] = psnr;
  self->op_values[LW_RD_METRIC_PSNR_Y] = psnr_y;
  self->op_values[LW_RD_METRIC_SSIM] = ssim;
  self->op_values[LW_RD_METRIC_MS_SSIM] = ms_ssim;
  /* only the dynamic layer changes: the cached curves stay */
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lw_rd_plot_set_metric (LwRdPlot   *self,
                       LwRdMetric  metric)
{
  g_return_if_fail (LW_IS_RD_PLOT (self));
  g_return_if_fail (metric <= LW_RD_METRIC_MS_SSIM);

  if (self->metric == metric)
    return;
  self->metric = metric;
  data_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_METRIC]);
}

LwRdMetric
lw_rd_plot_get_metric (LwRdPlot *self)
{
  g_return_val_if_fail (LW_IS_RD_PLOT (self), LW_RD_METRIC_PSNR);
  return self->metric;
}

void
lw_rd_plot_set_log_rate (LwRdPlot *self,
                         gboolean  log_rate)
{
  g_return_if_fail (LW_IS_RD_PLOT (self));

  log_rate = !!log_rate;
  if (self->log_rate == (guint) log_rate)
    return;
  self->log_rate = log_rate;
  data_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOG_RATE]);
}

gboolean
lw_rd_plot_get_log_rate (LwRdPlot *self)
{
  g_return_val_if_fail (LW_IS_RD_PLOT (self), FALSE);
  return self->log_rate;
}

gboolean
lw_rd_plot_data_to_widget (LwRdPlot *self,
                           double    bpp,
                           double    value,
                           double   *wx,
                           double   *wy)
{
  const LwPlotLayout *L;

  g_return_val_if_fail (LW_IS_RD_PLOT (self), FALSE);

  L = ensure_layout (self);
  if (!L->valid || (L->log_x && !(bpp > 0)))
    return FALSE;
  if (wx)
    *wx = _lw_plot_map_x (L, bpp);
  if (wy)
    *wy = _lw_plot_map_y (L, value);
  return TRUE;
}

typedef struct
{
  int fd;
  int error;           /* errno of the first failed write, 0 if none */
} ExportSink;

static cairo_status_t
export_write_cb (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  ExportSink *sink = closure;

  while (length > 0 && sink->error == 0)
    {
      ssize_t n = write (sink->fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          sink->error = n < 0 ? errno : EIO;
          break;
        }
      data += n;
      length -= (unsigned int) n;
    }
  return sink->error ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* Draws the plot in the light style into `surface` (width × height user units) */
static void
export_draw (LwRdPlot        *self,
             cairo_surface_t *surface,
             int              width,
             int              height)
{
  cairo_t *cr = cairo_create (surface);
  PangoContext *pctx = pango_cairo_create_context (cr);
  const PangoFontDescription *font =
    pango_context_get_font_description (gtk_widget_get_pango_context (GTK_WIDGET (self)));
  cairo_font_options_t *options = cairo_font_options_create ();
  const LwPlotStyle st = {
    .fg = { 0.18, 0.18, 0.2, 1 },
    .bg = { 1, 1, 1, 1 },
    .paint_bg = TRUE,
  };
  LwPlotLayout L;

  /* the widget's font at the screen's 96 dpi, so text takes the share of the plot it takes
   * on screen; unhinted metrics so the vector formats lay out like the PNG */
  pango_context_set_font_description (pctx, font);
  pango_cairo_context_set_resolution (pctx, 96);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options (pctx, options);
  cairo_font_options_destroy (options);

  _lw_rd_plot_compute_layout (self, pctx, width, height, &L);
  _lw_rd_plot_draw_static (self, cr, pctx, &L, &st);
  _lw_rd_plot_draw_operating_point (self, cr, &L, &st);
  g_object_unref (pctx);
  cairo_destroy (cr);
}

gboolean
lw_rd_plot_export (LwRdPlot    *self,
                   const char  *path,
                   int          width,
                   int          height,
                   GError     **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *ext = NULL;
  cairo_surface_t *surface = NULL;
  cairo_status_t status;
  ExportSink sink = { -1, 0 };
  const char *dot;

  g_return_val_if_fail (LW_IS_RD_PLOT (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  base = g_path_get_basename (path);
  dot = strrchr (base, '.');
  ext = g_ascii_strdown (dot ? dot + 1 : "", -1);
  if (strcmp (ext, "png") != 0 && strcmp (ext, "svg") != 0 && strcmp (ext, "pdf") != 0)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                   _("%s: cannot export the plot as “%s”; use a .png, .svg or .pdf file name"),
                   path, dot ? dot : base);
      return FALSE;
    }
  if (width < MIN_EXPORT || width > MAX_EXPORT || height < MIN_EXPORT || height > MAX_EXPORT)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   _("%s: export size %d × %d is outside %d to %d"), path, width, height,
                   MIN_EXPORT, MAX_EXPORT);
      return FALSE;
    }

  /* a hidden temporary file next to the target, renamed over it at the end */
  dir = g_path_get_dirname (path);
  tmp = g_strdup_printf ("%s%c.%s.XXXXXX", dir, G_DIR_SEPARATOR, base);
  sink.fd = g_mkstemp_full (tmp, O_WRONLY, 0666);
  if (sink.fd < 0)
    {
      int saved = errno;
      g_set_error (error, LW_ERROR, LW_ERROR_IO, _("%s: cannot create a file in “%s”: %s"),
                   path, dir, g_strerror (saved));
      return FALSE;
    }

  if (strcmp (ext, "png") == 0)
    surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  else if (strcmp (ext, "svg") == 0)
    surface = cairo_svg_surface_create_for_stream (export_write_cb, &sink, width, height);
  else
    surface = cairo_pdf_surface_create_for_stream (export_write_cb, &sink, width, height);

  export_draw (self, surface, width, height);
  if (strcmp (ext, "png") == 0)
    status = cairo_surface_write_to_png_stream (surface, export_write_cb, &sink);
  else
    {
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
    }
  cairo_surface_destroy (surface);

  if (close (sink.fd) != 0 && sink.error == 0)
    sink.error = errno;
  if (status != CAIRO_STATUS_SUCCESS || sink.error != 0)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_IO, _("%s: writing the plot failed: %s"), path,
                   sink.error ? g_strerror (sink.error) : cairo_status_to_string (status));
      g_unlink (tmp);
      return FALSE;
    }
  if (g_rename (tmp, path) != 0)
    {
      int saved = errno;
      g_set_error (error, LW_ERROR, LW_ERROR_IO, _("%s: cannot replace the file: %s"), path,
                   g_strerror (saved));
      g_unlink (tmp);
      return FALSE;
    }
  return TRUE;
}
