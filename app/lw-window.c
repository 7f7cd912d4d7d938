/* lw-window.c — the main window: an image, a codec, a rate slider, the decoded result
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every change of image, codec or rate becomes a numbered request. One worker runs at a time;
 * a newer request cancels the one in flight and waits as `pending`, and when the worker
 * returns, the newest state of the window is encoded next. A result is shown only if its
 * number is the newest, so the picture always matches the slider. The codec analysis (the
 * expensive, rate-independent part) is cached and handed to workers by reference.
 */
#define G_LOG_DOMAIN "lw-window"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "lw-codec.h"
#include "lw-compare-view.h"
#include "lw-jobs.h"
#include "lw-rate-map.h"
#include "lw-settings.h"
#include "lw-window.h"

struct _LwWindow
{
  AdwApplicationWindow  parent_instance;

  /* template children */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkDropDown          *codec_dropdown;
  GtkSpinner           *spinner;
  GtkLabel             *rate_name_label;
  GtkScale             *rate_scale;
  GtkAdjustment        *rate_adjustment;
  GtkLabel             *rate_value_label;
  GtkStack             *view_stack;
  LwCompareView        *compare_view;
  GtkLabel             *image_label;
  GtkLabel             *status_label;

  GSettings            *settings;           /* nullable: no schema found */
  GPtrArray            *codecs;             /* const LwCodec *, in drop-down order */
  LwParams             *params;             /* selected codec's values, rate included */
  int                   rate_index;         /* of codec->sweep_param in params */
  LwRateMap             rate_map;           /* rate value ↔ slider position */
  gboolean              syncing;            /* controls are being set from code */

  LwSharedImage        *image;              /* nullable */
  GCancellable         *load_cancellable;   /* of the newest load in flight */
  GtkFileChooserNative *chooser;
  AdwToast             *toast;              /* weak: the last error shown */

  LwAnalysis           *analysis;           /* cache, nullable */
  guint64               serial;             /* newest request */
  guint64               running_serial;     /* request the worker is on */
  GCancellable         *encode_cancellable; /* non-NULL while a worker runs */
  gboolean              pending;            /* a newer request waits for the worker */
  double                bpp;                /* of the result on show, NaN if none */
  gboolean              busy;
  gboolean              disposed;
};

G_DEFINE_FINAL_TYPE (LwWindow, lw_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_BPP,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_encode (LwWindow *self);

/* Workers get a weak reference to the window, never a strong one: the last reference to a
 * GTask (and so to its source object) can be dropped on the worker thread, and a window must
 * not be finalized there. A closed window is freed at once; late results find it gone. */
static GWeakRef *
weak_self_new (LwWindow *self)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, self);
  return ref;
}

static void
weak_self_free (GWeakRef *ref)
{
  g_weak_ref_clear (ref);
  g_free (ref);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GWeakRef, weak_self_free)

/* Helpers */

static const LwParamSpec *
rate_spec (LwWindow *self)
{
  return &self->params->codec->params[self->rate_index];
}

static void
show_error (LwWindow   *self,
            const char *text)
{
  g_autofree char *markup = g_markup_escape_text (text, -1);
  AdwToast *toast;

  g_debug ("%s", text);
  /* One error at a time: a failing codec would otherwise queue a toast per slider step. */
  if (self->toast != NULL)
    adw_toast_dismiss (self->toast);
  toast = adw_toast_new (markup);
  adw_toast_set_timeout (toast, 8);
  g_set_weak_pointer (&self->toast, toast);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
update_busy (LwWindow *self)
{
  gboolean busy = self->encode_cancellable != NULL || self->load_cancellable != NULL;

  if (busy == self->busy)
    return;
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  /* The figures on show belong to the previous setting until the new result arrives. */
  if (busy)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "dim-label");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
set_bpp (LwWindow *self,
         double    bpp)
{
  if (bpp == self->bpp || (isnan (bpp) && isnan (self->bpp)))
    return;
  self->bpp = bpp;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BPP]);
}

static void
clear_result (LwWindow   *self,
              const char *status)
{
  lw_compare_view_set_decoded (self->compare_view, NULL);
  lw_compare_view_set_decoded_caption (self->compare_view, NULL);
  gtk_label_set_text (self->status_label, status ? status : "");
  set_bpp (self, NAN);
}

static void
update_rate_label (LwWindow *self)
{
  const LwParamSpec *spec = rate_spec (self);
  g_autofree char *text = lw_param_format (spec, self->params->values[self->rate_index]);

  gtk_label_set_text (self->rate_value_label, text);
}

/* Encoding */

static void
show_result (LwWindow       *self,
             LwEncodeResult *result)
{
  g_autoptr (GdkTexture) texture = lw_pixels_to_texture (&result->pixels);
  g_autofree char *caption = NULL;
  g_autoptr (GString) status = g_string_new (NULL);

  if (isinf (result->psnr))
    /* Translators: caption over the decoded image; %.2f is bits per pixel */
    caption = g_strdup_printf (_("Decoded — %.2f bpp, lossless"), result->bpp);
  else
    /* Translators: caption over the decoded image: bits per pixel, PSNR in decibels */
    caption = g_strdup_printf (_("Decoded — %.2f bpp, %.1f dB"), result->bpp, result->psnr);

  if (isinf (result->psnr))
    /* Translators: status line: bits per pixel, compression ratio (e.g. 46.1:1), SSIM */
    g_string_append_printf (status, _("%.3f bpp · %.1f:1 · lossless · SSIM %.4f"),
                            result->bpp, result->ratio, result->ssim);
  else
    /* Translators: status line: bits per pixel, compression ratio (e.g. 46.1:1), PSNR, SSIM */
    g_string_append_printf (status, _("%.3f bpp · %.1f:1 · PSNR %.2f dB · SSIM %.4f"),
                            result->bpp, result->ratio, result->psnr, result->ssim);
  if (!result->analysis_reused)
    /* Translators: time in milliseconds */
    g_string_append_printf (status, _(" · analyse %.0f ms"), result->analyse_ms);
  /* Translators: times in milliseconds */
  g_string_append_printf (status, _(" · encode %.0f ms · decode %.0f ms"),
                          result->encode_ms, result->decode_ms);

  lw_compare_view_set_decoded (self->compare_view, texture);
  lw_compare_view_set_decoded_caption (self->compare_view, caption);
  gtk_label_set_text (self->status_label, status->str);
  set_bpp (self, result->bpp);
}

static void
on_encode_done_cb (GObject      *source,
                   GAsyncResult *res,
                   gpointer      user_data)
{
  g_autoptr (GWeakRef) weak_self = user_data;
  g_autoptr (LwWindow) self = g_weak_ref_get (weak_self);
  g_autoptr (GError) error = NULL;
  g_autoptr (LwEncodeResult) result = lw_encode_finish (res, &error);
  gboolean newest;

  if (self == NULL || self->disposed)
    return;
  newest = self->running_serial == self->serial;
  g_clear_object (&self->encode_cancellable);

  /* Keep the analysis if it still fits what the window shows (same image and codec). */
  if (result != NULL && result->analysis != NULL && result->analysis != self->analysis &&
      lw_analysis_matches (result->analysis, self->image, self->params))
    {
      g_clear_pointer (&self->analysis, lw_analysis_unref);
      self->analysis = lw_analysis_ref (result->analysis);
    }

  if (newest && result != NULL && result->complete)
    show_result (self, result);
  else if (newest && error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = NULL;

      /* Translators: first %s is a codec name, second the image file, third the problem */
      text = g_strdup_printf (_("%s could not encode “%s”: %s"), self->params->codec->title,
                              self->image ? self->image->name : "?", error->message);
      clear_result (self, _("Encoding failed"));
      show_error (self, text);
    }

  if (self->pending)
    start_encode (self);
  update_busy (self);
}

static void
start_encode (LwWindow *self)
{
  LwAnalysis *cached = NULL;

  self->pending = FALSE;
  if (self->image == NULL || self->params == NULL)
    return;
  if (lw_analysis_matches (self->analysis, self->image, self->params))
    cached = self->analysis;

  self->running_serial = self->serial;
  self->encode_cancellable = g_cancellable_new ();
  lw_encode_async (NULL,
                   lw_encode_request_new (self->serial, self->image, self->params, cached),
                   self->encode_cancellable, on_encode_done_cb, weak_self_new (self));
}

/* Asks for the current image, codec and rate to be encoded. */
static void
schedule_encode (LwWindow *self)
{
  if (self->image == NULL || self->params == NULL)
    return;

  self->serial++;
  if (self->encode_cancellable != NULL)
    {
      /* The worker stops early; its callback starts the newest request. */
      g_cancellable_cancel (self->encode_cancellable);
      self->pending = TRUE;
    }
  else
    start_encode (self);
  update_busy (self);
}

/* Codec and rate controls */

static void
configure_rate_control (LwWindow *self)
{
  const LwCodec *codec = self->params->codec;
  const LwParamSpec *spec = rate_spec (self);
  const LwRateMap *map = &self->rate_map;

  lw_rate_map_init (&self->rate_map, spec, codec->sweep_descending);
  self->syncing = TRUE;
  gtk_adjustment_configure (self->rate_adjustment,
                            lw_rate_map_to_slider (map, self->params->values[self->rate_index]),
                            map->lower, map->upper, map->step, 10.0 * map->step, 0.0);
  self->syncing = FALSE;

  gtk_scale_clear_marks (self->rate_scale);
  gtk_scale_add_mark (self->rate_scale, lw_rate_map_to_slider (map, spec->default_value),
                      GTK_POS_BOTTOM, NULL);

  gtk_label_set_text (self->rate_name_label, spec->name);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->rate_name_label), spec->help);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->rate_scale), spec->help);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->codec_dropdown), codec->description);
  update_rate_label (self);
}

/* Makes `codec` the current one; `rate` is used when it lies in the rate parameter's range,
 * else the codec's default. */
static void
set_codec (LwWindow      *self,
           const LwCodec *codec,
           double         rate)
{
  const LwParamSpec *spec;

  if (self->params != NULL && self->params->codec == codec)
    return;

  g_clear_pointer (&self->params, lw_params_free);
  g_clear_pointer (&self->analysis, lw_analysis_unref);
  self->params = lw_params_new (codec);
  self->rate_index = lw_params_index (codec, codec->sweep_param);
  spec = rate_spec (self);
  if (isfinite (rate) && rate >= spec->min && rate <= spec->max)
    self->params->values[self->rate_index] = rate;

  configure_rate_control (self);
  clear_result (self, NULL);
  schedule_encode (self);
}

static void
on_codec_selected_cb (GtkDropDown *dropdown,
                      GParamSpec  *pspec,
                      LwWindow    *self)
{
  guint i = gtk_drop_down_get_selected (dropdown);

  if (self->syncing || self->codecs == NULL || i >= self->codecs->len)
    return;
  set_codec (self, g_ptr_array_index (self->codecs, i), NAN);
}

static void
on_rate_value_changed_cb (GtkAdjustment *adjustment,
                          LwWindow      *self)
{
  double value;

  if (self->syncing || self->params == NULL)
    return;
  value = lw_rate_map_from_slider (&self->rate_map, gtk_adjustment_get_value (adjustment));
  /* Integer parameters: many slider positions give the same value; encode once. */
  if (value == self->params->values[self->rate_index])
    return;
  self->params->values[self->rate_index] = value;
  update_rate_label (self);
  schedule_encode (self);
}

static void
setup_codecs (LwWindow *self)
{
  const LwCodec **all = lw_codec_list ();
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);

  self->codecs = g_ptr_array_new ();
  for (guint i = 0; all[i] != NULL; i++)
    {
      const LwCodec *c = all[i];
      /* Only image codecs with a rate parameter can drive the slider. */
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

static int
find_codec (LwWindow   *self,
            const char *name)
{
  for (guint i = 0; i < self->codecs->len; i++)
    if (g_strcmp0 (((const LwCodec *) g_ptr_array_index (self->codecs, i))->name, name) == 0)
      return (int) i;
  return -1;
}

static void
select_codec_index (LwWindow *self,
                    guint     index,
                    double    rate)
{
  self->syncing = TRUE;
  gtk_drop_down_set_selected (self->codec_dropdown, index);
  self->syncing = FALSE;
  set_codec (self, g_ptr_array_index (self->codecs, index), rate);
}

/* Loading */

typedef struct
{
  GWeakRef      window;
  GCancellable *cancellable;
  GFile        *file;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_weak_ref_clear (&data->window);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->file);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LoadData, load_data_free)

static void
set_image (LwWindow     *self,
           LwLoadResult *result)
{
  g_autoptr (GdkTexture) texture = lw_pixels_to_texture (&result->pixels);
  const LwTensor *t;
  g_autofree char *info = NULL;

  g_clear_pointer (&self->image, lw_shared_image_unref);
  g_clear_pointer (&self->analysis, lw_analysis_unref);
  self->image = g_steal_pointer (&result->image);
  t = self->image->tensor;

  lw_compare_view_set_original (self->compare_view, texture);
  gtk_stack_set_visible_child_name (self->view_stack, "compare");
  clear_result (self, NULL);
  adw_window_title_set_subtitle (self->window_title, self->image->name);
  /* Translators: file name, then width×height in pixels and the number of channels */
  info = g_strdup_printf (_("%s · %zu×%zu · %zu channels"), self->image->name,
                          t->shape[2], t->shape[1], t->shape[0]);
  gtk_label_set_text (self->image_label, info);
  schedule_encode (self);
}

static void
on_load_done_cb (GObject      *source,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  g_autoptr (LoadData) data = user_data;
  g_autoptr (LwWindow) self = g_weak_ref_get (&data->window);
  g_autoptr (GError) error = NULL;
  g_autoptr (LwLoadResult) result = lw_load_image_finish (res, &error);

  /* Only the newest load counts; an older one was cancelled when it was replaced. */
  if (self == NULL || self->disposed || data->cancellable != self->load_cancellable)
    return;
  g_clear_object (&self->load_cancellable);

  if (result != NULL)
    set_image (self, result);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *name = g_file_get_basename (data->file);
      /* Translators: first %s is a file name, the second the problem */
      g_autofree char *text = g_strdup_printf (_("Could not open “%s”: %s"), name,
                                               error->message);
      show_error (self, text);
    }
  update_busy (self);
}

static void
on_chooser_response_cb (GtkNativeDialog *dialog,
                        int              response,
                        LwWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      if (file != NULL)
        lw_window_open (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
open_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  LwWindow *self = LW_WINDOW (user_data);
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
      return;
    }
  gtk_file_filter_set_name (filter, _("PNG and JPEG Images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_suffix (filter, "png");
  gtk_file_filter_add_suffix (filter, "jpg");
  gtk_file_filter_add_suffix (filter, "jpeg");

  self->chooser = gtk_file_chooser_native_new (_("Open Image"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static const GActionEntry win_actions[] = {
  { "open", open_action, NULL, NULL, NULL, { 0 } },
};

/* Settings */

static void
restore_settings (LwWindow *self)
{
  g_autofree char *codec_name = NULL;
  double rate = NAN;
  int index = -1;

  if (self->settings != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
      codec_name = g_settings_get_string (self->settings, "last-codec");
      rate = g_settings_get_double (self->settings, "last-rate");
      index = find_codec (self, codec_name);
    }
  if (index < 0)
    {
      index = find_codec (self, "jpeg");
      rate = NAN;
    }
  if (index < 0 && self->codecs->len > 0)
    index = 0;
  if (index >= 0)
    select_codec_index (self, (guint) index, rate);
  else
    gtk_widget_set_sensitive (GTK_WIDGET (self->rate_scale), FALSE);
}

static void
save_settings (LwWindow *self)
{
  int width = 0, height = 0;

  if (self->settings == NULL)
    return;
  /* The default size is the unmaximized size in GTK 4. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  if (width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (self->params != NULL)
    {
      g_settings_set_string (self->settings, "last-codec", self->params->codec->name);
      g_settings_set_double (self->settings, "last-rate",
                             self->params->values[self->rate_index]);
    }
}

/* Overrides */

static gboolean
lw_window_close_request (GtkWindow *window)
{
  save_settings (LW_WINDOW (window));
  return GTK_WINDOW_CLASS (lw_window_parent_class)->close_request (window);
}

static void
lw_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  LwWindow *self = LW_WINDOW (object);

  switch (prop_id)
    {
    case PROP_BPP:
      g_value_set_double (value, self->bpp);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lw_window_dispose (GObject *object)
{
  LwWindow *self = LW_WINDOW (object);

  /* Workers may still run; their callbacks see `disposed` (or no window) and touch nothing. */
  self->disposed = TRUE;
  self->pending = FALSE;
  g_cancellable_cancel (self->encode_cancellable);
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->encode_cancellable);
  g_clear_object (&self->load_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_weak_pointer (&self->toast);

  gtk_widget_dispose_template (GTK_WIDGET (self), LW_TYPE_WINDOW);

  g_clear_pointer (&self->analysis, lw_analysis_unref);
  g_clear_pointer (&self->image, lw_shared_image_unref);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (lw_window_parent_class)->dispose (object);
}

static void
lw_window_finalize (GObject *object)
{
  LwWindow *self = LW_WINDOW (object);

  g_clear_pointer (&self->params, lw_params_free);
  g_clear_pointer (&self->codecs, g_ptr_array_unref);

  G_OBJECT_CLASS (lw_window_parent_class)->finalize (object);
}

static void
lw_window_class_init (LwWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->get_property = lw_window_get_property;
  object_class->dispose = lw_window_dispose;
  object_class->finalize = lw_window_finalize;
  window_class->close_request = lw_window_close_request;

  properties[PROP_BPP] =
    g_param_spec_double ("bpp", NULL, NULL, 0.0, G_MAXDOUBLE, 0.0, /* NaN while no result */
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (LW_TYPE_COMPARE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/latentworkbench/Workbench/ui/lw-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LwWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, LwWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, LwWindow, codec_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LwWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, LwWindow, rate_name_label);
  gtk_widget_class_bind_template_child (widget_class, LwWindow, rate_scale);
  gtk_widget_class_bind_template_child (widget_class, LwWindow, rate_adjustment);
  gtk_widget_class_bind_template_child (widget_class, LwWindow, rate_value_label);
  gtk_widget_class_bind_template_child (widget_class, LwWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, LwWindow, compare_view);
  gtk_widget_class_bind_template_child (widget_class, LwWindow, image_label);
  gtk_widget_class_bind_template_child (widget_class, LwWindow, status_label);
  gtk_widget_class_bind_template_callback (widget_class, on_codec_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_rate_value_changed_cb);
}

static void
lw_window_init (LwWindow *self)
{
  self->bpp = NAN;
  gtk_widget_init_template (GTK_WIDGET (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions),
                                   self);
  self->settings = lw_settings_new ();
  setup_codecs (self);
  restore_settings (self);
  gtk_label_set_text (self->image_label, _("No image"));
}

/* Public API */

/**
 * lw_window_new:
 * @application: (nullable): the application the window belongs to
 *
 * Returns: (transfer none): a new window (owned by GTK's window list)
 */
LwWindow *
lw_window_new (GtkApplication *application)
{
  return g_object_new (LW_TYPE_WINDOW, "application", application, NULL);
}

void
lw_window_open (LwWindow *self,
                GFile    *file)
{
  LoadData *data;

  g_return_if_fail (LW_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  /* A newer load replaces an older one still running. */
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  data = g_new0 (LoadData, 1);
  g_weak_ref_init (&data->window, self);
  data->cancellable = g_object_ref (self->load_cancellable);
  data->file = g_object_ref (file);
  lw_load_image_async (NULL, file, self->load_cancellable, on_load_done_cb, data);
  update_busy (self);
}

gboolean
lw_window_select_codec (LwWindow   *self,
                        const char *name)
{
  int index;

  g_return_val_if_fail (LW_IS_WINDOW (self), FALSE);

  index = find_codec (self, name);
  if (index < 0)
    return FALSE;
  select_codec_index (self, (guint) index, NAN);
  return TRUE;
}

const char *
lw_window_get_codec_name (LwWindow *self)
{
  g_return_val_if_fail (LW_IS_WINDOW (self), NULL);
  return self->params ? self->params->codec->name : NULL;
}

GtkAdjustment *
lw_window_get_rate_adjustment (LwWindow *self)
{
  g_return_val_if_fail (LW_IS_WINDOW (self), NULL);
  return self->rate_adjustment;
}

double
lw_window_get_rate (LwWindow *self)
{
  g_return_val_if_fail (LW_IS_WINDOW (self), NAN);
  return self->params ? self->params->values[self->rate_index] : NAN;
}

double
lw_window_get_bpp (LwWindow *self)
{
  g_return_val_if_fail (LW_IS_WINDOW (self), NAN);
  return self->bpp;
}

gboolean
lw_window_get_busy (LwWindow *self)
{
  g_return_val_if_fail (LW_IS_WINDOW (self), FALSE);
  return self->busy;
}
