/* lw-image-page.c — the image workbench page: state, the encode pipeline, codec and
 * parameters, the views and their actions
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every change of image, codec or parameter becomes a numbered request. One worker runs at a
 * time; a newer request cancels the one in flight and waits as `pending`, and when the worker
 * returns, the newest state of the page is encoded next. A result is shown only if its number
 * is the newest, so what is on screen always matches the controls. The codec analysis (the
 * expensive, rate-independent part) is cached and handed to workers by reference. Workers
 * return finished pixels (decoded, heat map) and the latent; the main thread only wraps them.
 */
#define G_LOG_DOMAIN "lw-image-page"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "lw-error.h"
#include "lw-image-page-private.h"
#include "lw-settings.h"
#include "lw-train-dialog.h"

G_DEFINE_FINAL_TYPE (LwImagePage, lw_image_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_BPP,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_TOAST,
  SIGNAL_FOREIGN_PROJECT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *const view_names[LW_N_VIEWS] = {
  "split", "side-by-side", "difference", "latent"
};

enum {
  METRIC_BPP,
  METRIC_SIZE,
  METRIC_RATIO,
  METRIC_DR,
  METRIC_PSNR,
  METRIC_PSNR_Y,
  METRIC_SSIM,
  METRIC_MS_SSIM,
  METRIC_ANALYSE,
  METRIC_ENCODE,
  METRIC_DECODE,
  N_METRICS
};

static void start_encode (LwImagePage *self);

const char *
_lw_view_mode_to_string (LwViewMode mode)
{
  return mode < LW_N_VIEWS ? view_names[mode] : view_names[0];
}

static int
view_mode_from_string (const char *name)
{
  for (int i = 0; i < LW_N_VIEWS; i++)
    if (g_strcmp0 (name, view_names[i]) == 0)
      return i;
  return -1;
}

void
_lw_image_page_toast (LwImagePage *self,
                      const char  *text)
{
  g_debug ("%s", text);
  g_signal_emit (self, signals[SIGNAL_TOAST], 0, text);
}

void
_lw_image_page_update_busy (LwImagePage *self)
{
  gboolean busy = self->encode_cancellable != NULL || self->load_cancellable != NULL ||
                  self->structural_cancellable != NULL;

  if (busy == self->busy)
    return;
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  /* The figures on show belong to the previous setting until the new result arrives. */
  if (busy)
    gtk_widget_add_css_class (GTK_WIDGET (self->metrics_grid), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->metrics_grid), "dim-label");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Measurements */

static void
setup_metrics (LwImagePage *self)
{
  const char *names[N_METRICS] = {
    [METRIC_BPP] = _("Rate"),
    [METRIC_SIZE] = _("Size"),
    [METRIC_RATIO] = _("Ratio"),
    [METRIC_DR] = _("Dim. reduction"),
    [METRIC_PSNR] = _("PSNR"),
    [METRIC_PSNR_Y] = _("PSNR-Y"),
    [METRIC_SSIM] = _("SSIM"),
    [METRIC_MS_SSIM] = _("MS-SSIM"),
    [METRIC_ANALYSE] = _("Analyse"),
    [METRIC_ENCODE] = _("Encode"),
    [METRIC_DECODE] = _("Decode"),
  };
  const char *tips[N_METRICS] = {
    [METRIC_BPP] = _("Bits per pixel of the complete .lwc file"),
    [METRIC_SIZE] = _("Size of the complete .lwc file"),
    [METRIC_RATIO] = _("Compression ratio: size of the original 8-bit samples divided by the coded size"),
    [METRIC_DR] = _("Dimensionality reduction: input samples per latent value (1 for classic codecs)"),
    [METRIC_PSNR] = _("Peak signal-to-noise ratio over all channels, 8-bit"),
    [METRIC_PSNR_Y] = _("PSNR of BT.601 luma"),
    [METRIC_SSIM] = _("Structural similarity (Gaussian window σ = 1.5)"),
    [METRIC_MS_SSIM] = _("Multi-scale structural similarity (5 scales)"),
    [METRIC_ANALYSE] = _("Time of the codec’s analysis (0 when reused from the cache)"),
    [METRIC_ENCODE] = _("Time to encode at the current rate"),
    [METRIC_DECODE] = _("Time to decode the file"),
  };

  self->metric_values = g_new0 (GtkLabel *, N_METRICS);
  for (int i = 0; i < N_METRICS; i++)
    {
      GtkWidget *name = gtk_label_new (names[i]);
      GtkWidget *value = gtk_label_new ("—");

      gtk_label_set_xalign (GTK_LABEL (name), 0.0);
      gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (name, "dim-label");
      gtk_widget_set_tooltip_text (name, tips[i]);
      gtk_label_set_xalign (GTK_LABEL (value), 1.0);
      gtk_label_set_selectable (GTK_LABEL (value), TRUE);
      gtk_widget_add_css_class (value, "numeric");
      /* Two pairs per line keeps the panel short enough for the curves below it. */
      gtk_grid_attach (self->metrics_grid, name, 2 * (i % 2), i / 2, 1, 1);
      gtk_grid_attach (self->metrics_grid, value, 2 * (i % 2) + 1, i / 2, 1, 1);
      self->metric_values[i] = GTK_LABEL (value);
    }
}

static char *
format_size (gsize bytes)
{
  g_autofree char *human = g_format_size (bytes);

  /* Translators: file size: exact bytes, then a rounded size such as "12.3 kB" */
  return g_strdup_printf (_("%s (%zu B)"), human, bytes);
}

static char *
format_db (double db)
{
  if (isinf (db))
    return g_strdup (_("lossless"));
  /* Translators: decibels */
  return g_strdup_printf (_("%.2f dB"), db);
}

static char *
format_ms (double ms)
{
  /* Translators: milliseconds */
  return g_strdup_printf (_("%.1f ms"), ms);
}

static void
show_metrics (LwImagePage     *self,
              const LwMeasure *m)
{
  char *text[N_METRICS] = { NULL };

  if (m != NULL)
    {
      /* Translators: bits per pixel */
      text[METRIC_BPP] = g_strdup_printf (_("%.4f bpp"), m->bpp);
      text[METRIC_SIZE] = format_size (m->bytes);
      /* Translators: a compression ratio such as 46.1:1 */
      text[METRIC_RATIO] = g_strdup_printf (_("%.1f:1"), m->ratio);
      text[METRIC_DR] = g_strdup_printf ("%.2f×", m->dim_reduction);
      text[METRIC_PSNR] = format_db (m->psnr);
      text[METRIC_PSNR_Y] = format_db (m->psnr_y);
      /* NaN: still being computed (see start_structural) */
      text[METRIC_SSIM] = isnan (m->ssim) ? g_strdup ("…") : g_strdup_printf ("%.4f", m->ssim);
      text[METRIC_MS_SSIM] = isnan (m->ms_ssim) ? g_strdup ("…")
                                                : g_strdup_printf ("%.4f", m->ms_ssim);
      text[METRIC_ANALYSE] = format_ms (m->analyse_ms);
      text[METRIC_ENCODE] = format_ms (m->encode_ms);
      text[METRIC_DECODE] = format_ms (m->decode_ms);
    }
  for (int i = 0; i < N_METRICS; i++)
    {
      gtk_label_set_text (self->metric_values[i], text[i] ? text[i] : "—");
      g_free (text[i]);
    }
}

/* Results */

static void
clear_result (LwImagePage *self)
{
  gboolean had = self->shown != NULL;

  g_cancellable_cancel (self->structural_cancellable);
  g_clear_object (&self->structural_cancellable);
  g_clear_pointer (&self->shown, lw_encode_result_free);
  lw_compare_view_set_decoded (self->compare_view, NULL);
  lw_compare_view_set_decoded_caption (self->compare_view, NULL);
  lw_compare_view_set_difference (self->compare_view, NULL, 255.0 / self->diff_gain);
  lw_latent_view_set_info (self->latent_view, NULL);
  show_metrics (self, NULL);
  lw_rd_panel_set_operating_point (self->rd_panel, NULL);
  if (had)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BPP]);
}

static void
show_result (LwImagePage    *self,
             LwEncodeResult *result)
{
  g_autoptr (GdkTexture) decoded = lw_pixels_to_texture (&result->pixels);
  g_autoptr (GdkTexture) diff = result->diff_pixels.bytes ? lw_pixels_to_texture (&result->diff_pixels)
                                                          : NULL;
  const LwMeasure *m = &result->measure;
  g_autofree char *caption = NULL;

  if (isinf (m->psnr))
    /* Translators: caption over the decoded image; %s is the codec, %.3f bits per pixel */
    caption = g_strdup_printf (_("%s — %.3f bpp, lossless"), self->params->codec->title, m->bpp);
  else
    /* Translators: caption over the decoded image: codec, bits per pixel, PSNR in decibels */
    caption = g_strdup_printf (_("%s — %.3f bpp, %.2f dB"), self->params->codec->title, m->bpp,
                               m->psnr);

  lw_compare_view_set_decoded (self->compare_view, decoded);
  lw_compare_view_set_decoded_caption (self->compare_view, caption);
  lw_compare_view_set_difference (self->compare_view, diff, 255.0 / self->diff_gain);
  if (result->latent != NULL)
    lw_latent_view_set_info (self->latent_view, g_steal_pointer (&result->latent));
  else
    {
      lw_latent_view_set_info (self->latent_view, NULL);
      lw_latent_view_set_placeholder (self->latent_view,
                                      result->latent_error ? result->latent_error : _("Computing…"));
    }
  show_metrics (self, m);
  lw_rd_panel_set_operating_point (self->rd_panel, m);

  g_clear_pointer (&self->shown, lw_encode_result_free);
  self->shown = result;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BPP]);
}

static void
on_structural_done_cb (GObject      *source,
                       GAsyncResult *res,
                       gpointer      user_data)
{
  g_autoptr (GWeakRef) weak_self = user_data;
  g_autoptr (LwImagePage) self = g_weak_ref_get (weak_self);
  g_autoptr (GError) error = NULL;
  double ssim = NAN, ms_ssim = NAN;
  gboolean ok = lw_structural_finish (res, &ssim, &ms_ssim, &error);

  /* A newer result or request cancelled this one and cleared the cancellable. */
  if (self == NULL || self->disposed ||
      g_task_get_cancellable (G_TASK (res)) != self->structural_cancellable)
    return;
  g_clear_object (&self->structural_cancellable);
  if (ok && self->shown != NULL)
    {
      self->shown->measure.ssim = ssim;
      self->shown->measure.ms_ssim = ms_ssim;
      show_metrics (self, &self->shown->measure);
      lw_rd_panel_set_operating_point (self->rd_panel, &self->shown->measure);
    }
  else if (!ok && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _lw_image_page_toast (self, error->message);
  _lw_image_page_update_busy (self);
}

/* SSIM and MS-SSIM take as long as the rest of a slider step; they follow the picture. */
static void
start_structural (LwImagePage *self)
{
  g_cancellable_cancel (self->structural_cancellable);
  g_clear_object (&self->structural_cancellable);
  if (self->shown == NULL || self->image == NULL)
    return;
  self->structural_cancellable = g_cancellable_new ();
  lw_structural_async (NULL, self->image, self->shown->decoded, self->structural_cancellable,
                       on_structural_done_cb, lw_weak_ref_new (self));
}

static void
on_encode_done_cb (GObject      *source,
                   GAsyncResult *res,
                   gpointer      user_data)
{
  g_autoptr (GWeakRef) weak_self = user_data;
  g_autoptr (LwImagePage) self = g_weak_ref_get (weak_self);
  g_autoptr (GError) error = NULL;
  g_autoptr (LwEncodeResult) result = lw_encode_finish (res, &error);
  gboolean newest;

  if (self == NULL || self->disposed)
    return;
  newest = self->running_serial == self->serial;
  g_clear_object (&self->encode_cancellable);

  /* Keep the analysis if it still fits what the page shows (same image and codec). */
  if (result != NULL && result->analysis != NULL && result->analysis != self->analysis &&
      lw_analysis_matches (result->analysis, self->image, self->params))
    {
      g_clear_pointer (&self->analysis, lw_analysis_unref);
      self->analysis = lw_analysis_ref (result->analysis);
    }

  if (newest && result != NULL && result->complete)
    {
      show_result (self, g_steal_pointer (&result));
      if (!self->pending)
        start_structural (self);
    }
  else if (newest && error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = NULL;

      /* Translators: first %s is a codec name, second the image file, third the problem */
      text = g_strdup_printf (_("%s could not encode “%s”: %s"), self->params->codec->title,
                              self->image ? self->image->name : "?", error->message);
      clear_result (self);
      _lw_image_page_toast (self, text);
    }

  if (self->pending)
    start_encode (self);
  _lw_image_page_update_busy (self);
}

static void
start_encode (LwImagePage *self)
{
  LwAnalysis *cached = NULL;
  LwEncodeRequest *request;

  self->pending = FALSE;
  if (self->image == NULL || self->params == NULL)
    return;
  if (lw_analysis_matches (self->analysis, self->image, self->params))
    cached = self->analysis;

  self->running_serial = self->serial;
  self->encode_cancellable = g_cancellable_new ();
  request = lw_encode_request_new (self->serial, self->image, self->params, cached);
  request->diff_gain = self->diff_gain;
  request->structural = FALSE;
  /* Only the view on show is made: each costs a few milliseconds of every slider step, and
   * switching views asks again (see set_view_mode). */
  request->diff = self->view_mode == LW_VIEW_DIFFERENCE;
  request->latent = self->view_mode == LW_VIEW_LATENT;
  lw_encode_async (NULL, request, self->encode_cancellable, on_encode_done_cb,
                   lw_weak_ref_new (self));
}

/* Asks for the current image, codec and parameters to be encoded. */
static void
schedule_encode (LwImagePage *self)
{
  if (self->image == NULL || self->params == NULL)
    return;

  self->serial++;
  g_cancellable_cancel (self->structural_cancellable);
  g_clear_object (&self->structural_cancellable);
  if (self->encode_cancellable != NULL)
    {
      /* The worker stops early; its callback starts the newest request. */
      g_cancellable_cancel (self->encode_cancellable);
      self->pending = TRUE;
    }
  else
    start_encode (self);
  _lw_image_page_update_busy (self);
}

/* Codec and parameters */

static void
save_codec_settings (LwImagePage *self)
{
  g_autofree char *text = NULL;

  if (self->settings == NULL || self->params == NULL)
    return;
  text = lw_params_to_string (self->params);
  g_settings_set_string (self->settings, "last-codec", self->params->codec->name);
  g_settings_set_string (self->settings, "last-params", text);
}

/* Makes `params` (copied; its codec among the page's codecs) the current setting. */
static void
set_params (LwImagePage    *self,
            const LwParams *params)
{
  gboolean same_codec = self->params != NULL && self->params->codec == params->codec;

  if (!same_codec || lw_params_need_reanalysis (self->params, params))
    g_clear_pointer (&self->analysis, lw_analysis_unref);
  g_clear_pointer (&self->params, lw_params_free);
  self->params = lw_params_copy (params);

  self->syncing = TRUE;
  for (guint i = 0; i < self->codecs->len; i++)
    if (g_ptr_array_index (self->codecs, i) == params->codec)
      gtk_drop_down_set_selected (self->codec_dropdown, i);
  self->syncing = FALSE;
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->codec_dropdown), params->codec->description);
  lw_param_controls_set_params (self->param_controls, self->params);
  lw_rd_panel_set_params (self->rd_panel, self->params);
  if (!same_codec)
    clear_result (self);
  save_codec_settings (self);
  schedule_encode (self);
}

static void
set_codec (LwImagePage   *self,
           const LwCodec *codec)
{
  g_autoptr (LwParams) params = NULL;

  if (self->params != NULL && self->params->codec == codec)
    return;
  params = lw_params_new (codec);
  set_params (self, params);
}

static void
on_codec_selected_cb (GtkDropDown *dropdown,
                      GParamSpec  *pspec,
                      LwImagePage *self)
{
  guint i = gtk_drop_down_get_selected (dropdown);

  if (self->syncing || self->codecs == NULL || i >= self->codecs->len)
    return;
  set_codec (self, g_ptr_array_index (self->codecs, i));
}

static void
on_param_changed_cb (LwParamControls *controls,
                     const char      *name,
                     LwImagePage     *self)
{
  const LwParams *params = lw_param_controls_get_params (controls);

  if (self->syncing || params == NULL)
    return;
  set_params (self, params);
}

static void
setup_codecs (LwImagePage *self)
{
  const LwCodec **all = lw_codec_list ();
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);

  self->codecs = g_ptr_array_new ();
  for (guint i = 0; all[i] != NULL; i++)
    {
      const LwCodec *c = all[i];
      /* Only image codecs with a rate parameter can drive the controls and the RD sweep. */
      if (c->kind != LW_MEDIA_IMAGE || c->sweep_param == NULL ||
          lw_params_index (c, c->sweep_param) < 0)
        continue;
      g_ptr_array_add (self->codecs, (gpointer) c);
      gtk_string_list_append (names, c->title ? c->title : c->name);
    }
  self->syncing = TRUE;
  gtk_drop_down_set_model (self->codec_dropdown, G_LIST_MODEL (names));
  self->syncing = FALSE;
}

static const LwCodec *
find_codec (LwImagePage *self,
            const char  *name)
{
  for (guint i = 0; i < self->codecs->len; i++)
    {
      const LwCodec *c = g_ptr_array_index (self->codecs, i);
      if (g_strcmp0 (c->name, name) == 0)
        return c;
    }
  return NULL;
}

static void
step_codec (LwImagePage *self,
            int          delta)
{
  guint n = self->codecs->len;
  guint i = gtk_drop_down_get_selected (self->codec_dropdown);

  if (n == 0)
    return;
  i = (i == GTK_INVALID_LIST_POSITION) ? 0 : (guint) (((int) i + delta + (int) n) % (int) n);
  set_codec (self, g_ptr_array_index (self->codecs, i));
}

/* Views */

static void
update_zoom_label (LwImagePage *self)
{
  double zoom = lw_compare_view_get_effective_zoom (self->compare_view);
  g_autofree char *text = NULL;

  /* The fitted scale changes with the window; only a chosen zoom is a number to show. */
  if (lw_compare_view_get_zoom (self->compare_view) == 0.0)
    /* Translators: zoom level while the image is fitted to the view */
    text = g_strdup (_("Fit"));
  else
    text = g_strdup_printf ("%.0f %%", 100.0 * zoom);
  gtk_label_set_text (self->zoom_label, text);
}

static void
on_compare_zoom_cb (LwCompareView *view,
                    GParamSpec    *pspec,
                    LwImagePage   *self)
{
  update_zoom_label (self);
}

static void
set_view_mode (LwImagePage *self,
               LwViewMode   mode)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "compare-mode");

  self->view_mode = mode;
  g_simple_action_set_state (G_SIMPLE_ACTION (action),
                             g_variant_new_string (_lw_view_mode_to_string (mode)));
  switch (mode)
    {
    case LW_VIEW_SPLIT:
      lw_compare_view_set_mode (self->compare_view, LW_COMPARE_MODE_SPLIT);
      break;
    case LW_VIEW_SIDE_BY_SIDE:
      lw_compare_view_set_mode (self->compare_view, LW_COMPARE_MODE_SIDE_BY_SIDE);
      break;
    case LW_VIEW_DIFFERENCE:
    case LW_VIEW_LATENT:
    case LW_N_VIEWS:
    default:
      lw_compare_view_set_mode (self->compare_view, LW_COMPARE_MODE_DIFFERENCE);
      break;
    }
  if (self->image != NULL)
    gtk_stack_set_visible_child_name (self->view_stack,
                                      mode == LW_VIEW_LATENT ? "latent" : "compare");
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "compare-mode", _lw_view_mode_to_string (mode));
  /* The result on show was made for another view: ask for this one's picture. */
  if (self->shown != NULL &&
      ((mode == LW_VIEW_DIFFERENCE && self->shown->diff_pixels.bytes == NULL) ||
       (mode == LW_VIEW_LATENT && !self->shown->latent_done)))
    schedule_encode (self);
}

static void
u8_at (const LwTensor *t,
       double          x,
       double          y,
       int            *out,
       guint          *n)
{
  gsize c = t->shape[0], h = t->shape[1], w = t->shape[2];
  gsize ix = (gsize) x, iy = (gsize) y;

  *n = (guint) MIN (c, 4);
  for (guint k = 0; k < *n; k++)
    {
      float v = t->data[(k * h + iy) * w + ix];
      out[k] = (int) lrintf (CLAMP (v, 0.0f, 1.0f) * 255.0f);
    }
}

static void
append_values (GString   *s,
               const int *v,
               guint      n,
               gboolean   signed_values)
{
  for (guint k = 0; k < n; k++)
    g_string_append_printf (s, signed_values ? (k ? " %+d" : "%+d") : (k ? " %d" : "%d"), v[k]);
}

static void
on_compare_hover_cb (LwCompareView *view,
                     int            x,
                     int            y,
                     LwImagePage   *self)
{
  const LwTensor *orig = self->image ? self->image->tensor : NULL;
  int a[4], b[4], d[4];
  guint na, nb;

  g_string_truncate (self->readout, 0);
  if (orig != NULL && x >= 0 && y >= 0 && (gsize) x < orig->shape[2] && (gsize) y < orig->shape[1])
    {
      g_string_append_printf (self->readout, "x %d  y %d   ", x, y);
      u8_at (orig, x, y, a, &na);
      /* Translators: pixel readout: the original's 8-bit values follow */
      g_string_append (self->readout, _("original "));
      append_values (self->readout, a, na, FALSE);
      if (self->shown != NULL && lw_tensor_same_shape (self->shown->decoded->tensor, orig))
        {
          u8_at (self->shown->decoded->tensor, x, y, b, &nb);
          /* Translators: pixel readout: the decoded image's 8-bit values follow */
          g_string_append (self->readout, _("   decoded "));
          append_values (self->readout, b, nb, FALSE);
          for (guint k = 0; k < na; k++)
            d[k] = b[k] - a[k];
          /* Translators: pixel readout: the differences follow */
          g_string_append (self->readout, _("   difference "));
          append_values (self->readout, d, na, TRUE);
        }
    }
  gtk_label_set_text (self->readout_label, self->readout->str);
}

/* Actions */

static void
compare_mode_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  LwImagePage *self = user_data;
  int mode = view_mode_from_string (g_variant_get_string (parameter, NULL));

  if (mode >= 0)
    set_view_mode (self, (LwViewMode) mode);
}

static void
cycle_mode_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  LwImagePage *self = user_data;

  set_view_mode (self, (LwViewMode) ((self->view_mode + 1) % LW_N_VIEWS));
}

static void
zoom_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  LwImagePage *self = user_data;
  const char *name = g_action_get_name (G_ACTION (action));

  if (self->view_mode == LW_VIEW_LATENT)
    set_view_mode (self, LW_VIEW_SPLIT);
  if (g_str_equal (name, "zoom-in"))
    lw_compare_view_zoom_in (self->compare_view);
  else if (g_str_equal (name, "zoom-out"))
    lw_compare_view_zoom_out (self->compare_view);
  else if (g_str_equal (name, "zoom-100"))
    lw_compare_view_set_zoom (self->compare_view, 1.0);
  else
    lw_compare_view_set_zoom (self->compare_view, 0.0);
}

static void
codec_step_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  LwImagePage *self = user_data;

  step_codec (self, g_str_equal (g_action_get_name (G_ACTION (action)), "next-codec") ? 1 : -1);
}

static void
cancel_rd_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  lw_rd_panel_cancel (LW_IMAGE_PAGE (user_data)->rd_panel);
}

/* A trained decoder is in use (lw_learned_decoder_use): wavelet-latent with the decoder's
 * levels, latents and wavelet and decoder = learned, encoded afresh even when those were
 * already set, since the weights behind "learned" changed. */
static void
on_decoder_ready_cb (LwTrainDialog *dialog,
                     const char    *path,
                     gpointer       decoder,
                     LwImagePage   *self)
{
  const LwLearnedDecoderConfig *config = lw_learned_decoder_config (decoder);
  const LwCodec *codec = find_codec (self, "wavelet-latent");
  g_autoptr (LwParams) params = NULL;
  g_autoptr (GError) error = NULL;

  if (codec == NULL)
    return;
  params = self->params != NULL && self->params->codec == codec ? lw_params_copy (self->params)
                                                                : lw_params_new (codec);
  /* the wavelet choices are in LwWavelet's order */
  if (!lw_params_set (params, "levels", config->levels, &error) ||
      !lw_params_set (params, "latents", config->latents, &error) ||
      !lw_params_parse (params, "decoder=learned", &error) ||
      !lw_params_set (params, "wavelet", config->wavelet, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Cannot use the trained decoder: %s"),
                                               error->message);
      _lw_image_page_toast (self, text);
      return;
    }
  g_clear_pointer (&self->analysis, lw_analysis_unref);
  set_params (self, params);
}

static void
train_decoder_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  LwImagePage *self = user_data;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  LwTrainDialog *dialog;

  if (self->train_dialog != NULL)
    {
      gtk_window_present (self->train_dialog);
      return;
    }
  dialog = lw_train_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL);
  g_signal_connect_object (dialog, "decoder-ready", G_CALLBACK (on_decoder_ready_cb), self, 0);
  g_set_weak_pointer (&self->train_dialog, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

static const GActionEntry view_actions[] = {
  { "compare-mode", compare_mode_action, "s", "'split'", NULL, { 0 } },
  { "cycle-mode", cycle_mode_action, NULL, NULL, NULL, { 0 } },
  { "zoom-in", zoom_action, NULL, NULL, NULL, { 0 } },
  { "zoom-out", zoom_action, NULL, NULL, NULL, { 0 } },
  { "zoom-fit", zoom_action, NULL, NULL, NULL, { 0 } },
  { "zoom-100", zoom_action, NULL, NULL, NULL, { 0 } },
  { "next-codec", codec_step_action, NULL, NULL, NULL, { 0 } },
  { "previous-codec", codec_step_action, NULL, NULL, NULL, { 0 } },
  { "cancel-rd", cancel_rd_action, NULL, NULL, NULL, { 0 } },
  { "train-decoder", train_decoder_action, NULL, NULL, NULL, { 0 } },
};

/* Settings */

static void
on_settings_changed_cb (GSettings   *settings,
                        const char  *key,
                        LwImagePage *self)
{
  if (g_str_equal (key, "diff-gain"))
    {
      double gain = g_settings_get_double (settings, key);
      if (gain != self->diff_gain)
        {
          self->diff_gain = gain;
          schedule_encode (self);
        }
    }
  else if (g_str_equal (key, "rd-points"))
    lw_rd_panel_set_n_points (self->rd_panel, (guint) g_settings_get_int (settings, key));
  else if (g_str_equal (key, "latent-common-range"))
    lw_latent_view_set_common_range (self->latent_view, g_settings_get_boolean (settings, key));
}

static void
restore_settings (LwImagePage *self)
{
  g_autofree char *codec_name = NULL;
  g_autofree char *param_text = NULL;
  g_autofree char *mode = NULL;
  g_auto (GStrv) ticked = NULL;
  const LwCodec *codec = NULL;
  g_autoptr (LwParams) params = NULL;

  if (self->settings != NULL)
    {
      codec_name = g_settings_get_string (self->settings, "last-codec");
      param_text = g_settings_get_string (self->settings, "last-params");
      mode = g_settings_get_string (self->settings, "compare-mode");
      ticked = g_settings_get_strv (self->settings, "rd-codecs");
      self->diff_gain = g_settings_get_double (self->settings, "diff-gain");
      lw_rd_panel_set_n_points (self->rd_panel,
                                (guint) g_settings_get_int (self->settings, "rd-points"));
      lw_latent_view_set_common_range (self->latent_view,
                                       g_settings_get_boolean (self->settings,
                                                               "latent-common-range"));
      codec = find_codec (self, codec_name);
      g_signal_connect (self->settings, "changed", G_CALLBACK (on_settings_changed_cb), self);
    }
  if (codec == NULL)
    codec = find_codec (self, "wavelet-latent");
  if (codec == NULL && self->codecs->len > 0)
    codec = g_ptr_array_index (self->codecs, 0);
  if (codec == NULL)
    return;

  params = lw_params_new (codec);
  if (param_text != NULL && codec_name != NULL && g_str_equal (codec_name, codec->name))
    {
      g_auto (GStrv) parts = g_strsplit (param_text, " ", -1);
      /* A value the codec no longer accepts keeps its default; the rest still apply. */
      for (guint i = 0; parts[i] != NULL; i++)
        if (*parts[i] != '\0' && !lw_params_parse (params, parts[i], NULL))
          g_debug ("ignoring saved parameter %s", parts[i]);
    }
  set_params (self, params);
  if (view_mode_from_string (mode) >= 0)
    set_view_mode (self, (LwViewMode) view_mode_from_string (mode));
  if (ticked != NULL)
    lw_rd_panel_set_ticked (self->rd_panel, (const char * const *) ticked);
}

static void
on_rd_message_cb (LwRdPanel   *panel,
                  const char  *text,
                  LwImagePage *self)
{
  _lw_image_page_toast (self, text);
}

static void
on_rd_ticked_cb (LwRdPanel   *panel,
                 GParamSpec  *pspec,
                 LwImagePage *self)
{
  g_auto (GStrv) ticked = NULL;

  if (self->settings == NULL)
    return;
  ticked = lw_rd_panel_get_ticked (panel);
  g_settings_set_strv (self->settings, "rd-codecs", (const char * const *) ticked);
}

/* Images and experiments (called from lw-image-page-files.c) */

void
_lw_image_page_set_image (LwImagePage  *self,
                          LwLoadResult *result)
{
  g_autoptr (GdkTexture) texture = lw_pixels_to_texture (&result->pixels);
  g_autofree char *info = NULL;
  const LwTensor *t;

  g_clear_pointer (&self->image, lw_shared_image_unref);
  g_clear_pointer (&self->analysis, lw_analysis_unref);
  self->image = g_steal_pointer (&result->image);
  t = self->image->tensor;

  clear_result (self);
  lw_compare_view_set_original (self->compare_view, texture);
  lw_compare_view_set_original_caption (self->compare_view, _("Original"));
  /* Translators: file name, width×height in pixels, channels, then the file's bit depth */
  info = g_strdup_printf (_("%s · %zu×%zu · %zu channels · %u-bit"), self->image->name,
                          t->shape[2], t->shape[1], t->shape[0], result->info.bit_depth);
  gtk_label_set_text (self->image_label, info);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->image_label), self->image->path);
  gtk_stack_set_visible_child_name (self->view_stack,
                                    self->view_mode == LW_VIEW_LATENT ? "latent" : "compare");
  lw_rd_panel_set_image (self->rd_panel, self->image);
  if (self->pending_project != NULL)
    {
      _lw_image_page_apply_view (self, self->pending_project);
      g_clear_pointer (&self->pending_project, lw_project_free);
    }
  schedule_encode (self);
}

/* The codec, parameters and RD panel of an experiment; the view waits for its image. */
gboolean
_lw_image_page_apply_project (LwImagePage *self,
                              LwProject   *project,
                              GError     **error)
{
  if (find_codec (self, project->params->codec->name) == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   _("codec “%s” cannot be used on the image page"),
                   project->params->codec->name);
      return FALSE;
    }
  set_params (self, project->params);
  lw_rd_panel_set_ticked (self->rd_panel, (const char * const *) project->rd_codecs);
  lw_rd_panel_set_anchor (self->rd_panel, project->rd_anchor);
  return TRUE;
}

void
_lw_image_page_apply_view (LwImagePage *self,
                           LwProject   *project)
{
  LwRdPlot *plot = lw_rd_panel_get_plot (self->rd_panel);
  int mode = view_mode_from_string (project->compare_mode);
  static const char *const metrics[] = { "psnr", "psnr-y", "ssim", "ms-ssim" };

  if (mode >= 0)
    set_view_mode (self, (LwViewMode) mode);
  if (project->diff_gain != self->diff_gain)
    {
      self->diff_gain = project->diff_gain;
      if (self->settings != NULL)
        g_settings_set_double (self->settings, "diff-gain", project->diff_gain);
    }
  lw_compare_view_set_split (self->compare_view, project->split);
  lw_compare_view_set_zoom (self->compare_view, project->zoom);
  if (isfinite (project->center_x) && isfinite (project->center_y))
    lw_compare_view_set_center (self->compare_view, project->center_x, project->center_y);
  for (guint i = 0; i < G_N_ELEMENTS (metrics); i++)
    if (g_strcmp0 (project->rd_metric, metrics[i]) == 0)
      lw_rd_plot_set_metric (plot, (LwRdMetric) i);
  lw_rd_plot_set_log_rate (plot, project->rd_log_rate);
}

/* GObject */

static void
lw_image_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  LwImagePage *self = LW_IMAGE_PAGE (object);

  switch (prop_id)
    {
    case PROP_BPP:
      g_value_set_double (value, lw_image_page_get_bpp (self));
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lw_image_page_dispose (GObject *object)
{
  LwImagePage *self = LW_IMAGE_PAGE (object);

  /* Workers may still run; their callbacks see `disposed` (or no page) and touch nothing. */
  self->disposed = TRUE;
  self->pending = FALSE;
  g_cancellable_cancel (self->encode_cancellable);
  g_cancellable_cancel (self->load_cancellable);
  g_cancellable_cancel (self->structural_cancellable);
  g_clear_object (&self->structural_cancellable);
  g_clear_object (&self->encode_cancellable);
  g_clear_object (&self->load_cancellable);
  _lw_image_page_files_dispose (self);
  if (self->train_dialog != NULL)
    gtk_window_destroy (self->train_dialog);
  g_clear_weak_pointer (&self->train_dialog);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), LW_TYPE_IMAGE_PAGE);

  g_clear_pointer (&self->shown, lw_encode_result_free);
  g_clear_pointer (&self->analysis, lw_analysis_unref);
  g_clear_pointer (&self->image, lw_shared_image_unref);
  g_clear_pointer (&self->pending_project, lw_project_free);
  g_clear_object (&self->settings);
  g_clear_object (&self->actions);

  G_OBJECT_CLASS (lw_image_page_parent_class)->dispose (object);
}

static void
lw_image_page_finalize (GObject *object)
{
  LwImagePage *self = LW_IMAGE_PAGE (object);

  g_clear_pointer (&self->params, lw_params_free);
  g_clear_pointer (&self->codecs, g_ptr_array_unref);
  g_clear_pointer (&self->metric_values, g_free);
  g_string_free (self->readout, TRUE);

  G_OBJECT_CLASS (lw_image_page_parent_class)->finalize (object);
}

static void
lw_image_page_class_init (LwImagePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = lw_image_page_get_property;
  object_class->dispose = lw_image_page_dispose;
  object_class->finalize = lw_image_page_finalize;

  properties[PROP_BPP] =
    g_param_spec_double ("bpp", NULL, NULL, 0.0, G_MAXDOUBLE, 0.0, /* NaN while no result */
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LwImagePage::toast:
   * @text: a message for the user (an error, or what was saved where)
   */
  signals[SIGNAL_TOAST] =
    g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * LwImagePage::foreign-project:
   * @project: (type gpointer): an LwProject of another kind (audio), valid during emission
   *
   * An experiment opened here belongs to another page.
   */
  signals[SIGNAL_FOREIGN_PROJECT] =
    g_signal_new ("foreign-project", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);

  g_type_ensure (LW_TYPE_COMPARE_VIEW);
  g_type_ensure (LW_TYPE_LATENT_VIEW);
  g_type_ensure (LW_TYPE_PARAM_CONTROLS);
  g_type_ensure (LW_TYPE_RD_PANEL);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/latentworkbench/Workbench/ui/lw-image-page.ui");
  gtk_widget_class_bind_template_child (widget_class, LwImagePage, paned);
  gtk_widget_class_bind_template_child (widget_class, LwImagePage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, LwImagePage, compare_view);
  gtk_widget_class_bind_template_child (widget_class, LwImagePage, latent_view);
  gtk_widget_class_bind_template_child (widget_class, LwImagePage, readout_label);
  gtk_widget_class_bind_template_child (widget_class, LwImagePage, zoom_label);
  gtk_widget_class_bind_template_child (widget_class, LwImagePage, image_label);
  gtk_widget_class_bind_template_child (widget_class, LwImagePage, spinner);
  gtk_widget_class_bind_template_child (widget_class, LwImagePage, codec_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LwImagePage, param_controls);
  gtk_widget_class_bind_template_child (widget_class, LwImagePage, metrics_grid);
  gtk_widget_class_bind_template_child (widget_class, LwImagePage, rd_panel);
  gtk_widget_class_bind_template_callback (widget_class, on_codec_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_param_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_compare_hover_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_compare_zoom_cb);
}

static void
lw_image_page_init (LwImagePage *self)
{
  self->readout = g_string_new (NULL);
  self->diff_gain = 8.0;
  gtk_widget_init_template (GTK_WIDGET (self));

  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), view_actions,
                                   G_N_ELEMENTS (view_actions), self);
  _lw_image_page_add_file_actions (self);
  /* The page's own buttons find the actions under the same prefix as the window's. */
  gtk_widget_insert_action_group (GTK_WIDGET (self), "image", G_ACTION_GROUP (self->actions));

  setup_metrics (self);
  setup_codecs (self);
  g_signal_connect (self->rd_panel, "notify::ticked", G_CALLBACK (on_rd_ticked_cb), self);
  g_signal_connect (self->rd_panel, "message", G_CALLBACK (on_rd_message_cb), self);
  self->settings = lw_settings_new ();
  restore_settings (self);
  update_zoom_label (self);
  lw_latent_view_set_placeholder (self->latent_view, _("No image open"));
  gtk_label_set_text (self->image_label, _("No image — open or drop a PNG or JPEG file"));
}

/* Public API */

GtkWidget *
lw_image_page_new (void)
{
  return g_object_new (LW_TYPE_IMAGE_PAGE, NULL);
}

GActionGroup *
lw_image_page_get_actions (LwImagePage *self)
{
  g_return_val_if_fail (LW_IS_IMAGE_PAGE (self), NULL);
  return G_ACTION_GROUP (self->actions);
}

gboolean
lw_image_page_select_codec (LwImagePage *self,
                            const char  *name)
{
  const LwCodec *codec;

  g_return_val_if_fail (LW_IS_IMAGE_PAGE (self), FALSE);
  codec = find_codec (self, name);
  if (codec == NULL)
    return FALSE;
  set_codec (self, codec);
  return TRUE;
}

const LwParams *
lw_image_page_get_params (LwImagePage *self)
{
  g_return_val_if_fail (LW_IS_IMAGE_PAGE (self), NULL);
  return self->params;
}

gboolean
lw_image_page_set_param (LwImagePage *self,
                         const char  *name,
                         double       value,
                         GError     **error)
{
  g_return_val_if_fail (LW_IS_IMAGE_PAGE (self), FALSE);
  /* Through the controls, so they show the value; their "changed" signal re-encodes. */
  return lw_param_controls_set_value (self->param_controls, name, value, error);
}

GtkAdjustment *
lw_image_page_get_rate_adjustment (LwImagePage *self)
{
  g_return_val_if_fail (LW_IS_IMAGE_PAGE (self), NULL);
  if (self->params == NULL)
    return NULL;
  return lw_param_controls_get_adjustment (self->param_controls, self->params->codec->sweep_param);
}

gboolean
lw_image_page_get_measure (LwImagePage *self,
                           LwMeasure   *out)
{
  g_return_val_if_fail (LW_IS_IMAGE_PAGE (self), FALSE);
  if (self->shown == NULL)
    return FALSE;
  *out = self->shown->measure;
  return TRUE;
}

double
lw_image_page_get_bpp (LwImagePage *self)
{
  g_return_val_if_fail (LW_IS_IMAGE_PAGE (self), NAN);
  return self->shown ? self->shown->measure.bpp : NAN;
}

gboolean
lw_image_page_get_busy (LwImagePage *self)
{
  g_return_val_if_fail (LW_IS_IMAGE_PAGE (self), FALSE);
  return self->busy;
}

gboolean
lw_image_page_get_rd_busy (LwImagePage *self)
{
  g_return_val_if_fail (LW_IS_IMAGE_PAGE (self), FALSE);
  return lw_rd_panel_get_busy (self->rd_panel);
}

const char *
lw_image_page_get_image_path (LwImagePage *self)
{
  g_return_val_if_fail (LW_IS_IMAGE_PAGE (self), NULL);
  return self->image ? self->image->path : NULL;
}

LwRdPanel *
lw_image_page_get_rd_panel (LwImagePage *self)
{
  g_return_val_if_fail (LW_IS_IMAGE_PAGE (self), NULL);
  return self->rd_panel;
}

LwCompareView *
lw_image_page_get_compare_view (LwImagePage *self)
{
  g_return_val_if_fail (LW_IS_IMAGE_PAGE (self), NULL);
  return self->compare_view;
}

const char *
lw_image_page_get_readout (LwImagePage *self)
{
  g_return_val_if_fail (LW_IS_IMAGE_PAGE (self), NULL);
  return self->readout->str;
}

LwProject *
lw_image_page_to_project (LwImagePage *self)
{
  LwProject *project;
  static const char *const metrics[] = { "psnr", "psnr-y", "ssim", "ms-ssim" };
  LwRdPlot *plot;
  const char *anchor;
  guint metric;

  g_return_val_if_fail (LW_IS_IMAGE_PAGE (self), NULL);
  if (self->image == NULL || self->image->path == NULL || self->params == NULL)
    return NULL;

  project = lw_project_new (self->params->codec, self->image->path);
  lw_params_free (project->params);
  project->params = lw_params_copy (self->params);
  g_free (project->compare_mode);
  project->compare_mode = g_strdup (_lw_view_mode_to_string (self->view_mode));
  project->zoom = lw_compare_view_get_zoom (self->compare_view);
  lw_compare_view_get_center (self->compare_view, &project->center_x, &project->center_y);
  project->split = lw_compare_view_get_split (self->compare_view);
  project->diff_gain = self->diff_gain;
  g_strfreev (project->rd_codecs);
  project->rd_codecs = lw_rd_panel_get_ticked (self->rd_panel);
  anchor = lw_rd_panel_get_anchor (self->rd_panel);
  g_free (project->rd_anchor);
  project->rd_anchor = g_strdup (anchor);
  plot = lw_rd_panel_get_plot (self->rd_panel);
  metric = (guint) lw_rd_plot_get_metric (plot);
  g_free (project->rd_metric);
  project->rd_metric = g_strdup (metrics[MIN (metric, G_N_ELEMENTS (metrics) - 1)]);
  g_object_get (plot, "log-rate", &project->rd_log_rate, NULL);
  /* Only a result that matches the parameters on show is recorded. */
  if (self->shown != NULL && !self->busy && !isnan (self->shown->measure.ssim))
    {
      project->has_results = TRUE;
      project->results = self->shown->measure;
    }
  return project;
}

gboolean
lw_image_page_save_experiment (LwImagePage *self,
                               const char  *path,
                               GError     **error)
{
  g_autoptr (LwProject) project = NULL;

  g_return_val_if_fail (LW_IS_IMAGE_PAGE (self), FALSE);
  project = lw_image_page_to_project (self);
  if (project == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   _("there is no image from a local file to save an experiment of"));
      return FALSE;
    }
  return lw_project_save (project, path, error);
}
