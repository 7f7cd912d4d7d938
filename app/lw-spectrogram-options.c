/* lw-spectrogram-options.c — window, FFT size, hop and axis of the page's spectrograms
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-spectrogram-options"

#include "config.h"

#include <glib/gi18n.h>

#include "lw-spectrogram-options.h"

/* The choices, in drop-down order; the names are the settings text's words. */
static const char *const window_names[] = { "hann", "hamming", "blackman", "rect", NULL };
static const char *const window_labels[] = { N_("Hann"), N_("Hamming"), N_("Blackman"),
                                             N_("Rectangular"), NULL };
static const LwWindowKind window_kinds[] = { LW_WINDOW_HANN, LW_WINDOW_HAMMING,
                                             LW_WINDOW_BLACKMAN, LW_WINDOW_RECT };
static const guint fft_sizes[] = { 256, 512, 1024, 2048, 4096, 8192, 16384 };
static const char *const fft_labels[] = { "256", "512", "1024", "2048", "4096", "8192", "16384",
                                          NULL };
static const guint hop_divisors[] = { 0, 2, 4, 8, 16 };
static const char *const hop_labels[] = { N_("Automatic"), N_("½ window"), N_("¼ window"),
                                          N_("⅛ window"), N_("1/16 window"), NULL };
static const char *const scale_names[] = { "linear", "log", "mel", NULL };
static const char *const scale_labels[] = { N_("Linear"), N_("Logarithmic"), N_("Mel"), NULL };
static const LwFreqScale scale_kinds[] = { LW_FREQ_LINEAR, LW_FREQ_LOG, LW_FREQ_MEL };

#define DEFAULT_WINDOW 0  /* Hann */
#define DEFAULT_FFT    3  /* 2048 */
#define DEFAULT_HOP    0  /* automatic */
#define DEFAULT_SCALE  1  /* log */

enum { ROW_WINDOW, ROW_FFT, ROW_HOP, ROW_SCALE, N_ROWS };

struct _LwSpectrogramOptions
{
  GtkWidget    parent_instance;

  GtkWidget   *grid;
  GtkDropDown *dropdowns[N_ROWS];
  gboolean     syncing;
};

G_DEFINE_FINAL_TYPE (LwSpectrogramOptions, lw_spectrogram_options, GTK_TYPE_WIDGET)

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
on_selected_cb (GtkDropDown          *dropdown,
                GParamSpec           *pspec,
                LwSpectrogramOptions *self)
{
  if (!self->syncing)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static GtkDropDown *
add_row (LwSpectrogramOptions *self,
         guint                 row,
         const char           *label,
         const char *const    *choices,
         gboolean              translate,
         guint                 selected)
{
  g_autoptr (GtkStringList) list = gtk_string_list_new (NULL);
  GtkWidget *title = gtk_label_new_with_mnemonic (label);
  GtkWidget *dropdown;

  for (guint i = 0; choices[i] != NULL; i++)
    gtk_string_list_append (list, translate ? _(choices[i]) : choices[i]);
  dropdown = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&list)), NULL);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), selected);
  gtk_widget_set_hexpand (dropdown, TRUE);
  gtk_label_set_mnemonic_widget (GTK_LABEL (title), dropdown);
  gtk_label_set_xalign (GTK_LABEL (title), 0.0f);
  gtk_widget_add_css_class (title, "dim-label");
  gtk_grid_attach (GTK_GRID (self->grid), title, 0, (int) row, 1, 1);
  gtk_grid_attach (GTK_GRID (self->grid), dropdown, 1, (int) row, 1, 1);
  g_signal_connect (dropdown, "notify::selected", G_CALLBACK (on_selected_cb), self);
  return GTK_DROP_DOWN (dropdown);
}

static guint
selected (LwSpectrogramOptions *self,
          guint                 row)
{
  return gtk_drop_down_get_selected (self->dropdowns[row]);
}

void
lw_spectrogram_options_get (LwSpectrogramOptions  *self,
                            LwSpectrogramSettings *settings)
{
  guint divisor;

  g_return_if_fail (LW_IS_SPECTROGRAM_OPTIONS (self));
  settings->window =
    window_kinds[MIN (selected (self, ROW_WINDOW), G_N_ELEMENTS (window_kinds) - 1)];
  settings->n_fft = fft_sizes[MIN (selected (self, ROW_FFT), G_N_ELEMENTS (fft_sizes) - 1)];
  divisor = hop_divisors[MIN (selected (self, ROW_HOP), G_N_ELEMENTS (hop_divisors) - 1)];
  settings->hop = divisor == 0 ? 0 : settings->n_fft / divisor;
  settings->scale =
    scale_kinds[MIN (selected (self, ROW_SCALE), G_N_ELEMENTS (scale_kinds) - 1)];
}

char *
lw_spectrogram_options_to_string (LwSpectrogramOptions *self)
{
  g_return_val_if_fail (LW_IS_SPECTROGRAM_OPTIONS (self), NULL);
  return g_strdup_printf ("%s %u %u %s",
                          window_names[MIN (selected (self, ROW_WINDOW), 3u)],
                          fft_sizes[MIN (selected (self, ROW_FFT), G_N_ELEMENTS (fft_sizes) - 1)],
                          hop_divisors[MIN (selected (self, ROW_HOP),
                                            G_N_ELEMENTS (hop_divisors) - 1)],
                          scale_names[MIN (selected (self, ROW_SCALE), 2u)]);
}

static int
find_name (const char *const *names,
           const char        *word)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (g_strcmp0 (names[i], word) == 0)
      return (int) i;
  return -1;
}

static int
find_number (const guint *values,
             guint        n,
             const char  *word)
{
  guint64 v;

  if (word == NULL || !g_ascii_string_to_unsigned (word, 10, 0, G_MAXUINT, &v, NULL))
    return -1;
  for (guint i = 0; i < n; i++)
    if (values[i] == v)
      return (int) i;
  return -1;
}

gboolean
lw_spectrogram_options_set_string (LwSpectrogramOptions *self,
                                   const char           *text)
{
  g_auto (GStrv) words = NULL;
  int index[N_ROWS];
  gboolean changed = FALSE;

  g_return_val_if_fail (LW_IS_SPECTROGRAM_OPTIONS (self), FALSE);
  if (text == NULL)
    return FALSE;
  words = g_strsplit (text, " ", -1);
  if (g_strv_length (words) != N_ROWS)
    return FALSE;
  index[ROW_WINDOW] = find_name (window_names, words[0]);
  index[ROW_FFT] = find_number (fft_sizes, G_N_ELEMENTS (fft_sizes), words[1]);
  index[ROW_HOP] = find_number (hop_divisors, G_N_ELEMENTS (hop_divisors), words[2]);
  index[ROW_SCALE] = find_name (scale_names, words[3]);
  for (guint r = 0; r < N_ROWS; r++)
    if (index[r] < 0)
      return FALSE;
  self->syncing = TRUE;
  for (guint r = 0; r < N_ROWS; r++)
    if (selected (self, r) != (guint) index[r])
      {
        gtk_drop_down_set_selected (self->dropdowns[r], (guint) index[r]);
        changed = TRUE;
      }
  self->syncing = FALSE;
  if (changed)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return TRUE;
}

static void
lw_spectrogram_options_dispose (GObject *object)
{
  LwSpectrogramOptions *self = LW_SPECTROGRAM_OPTIONS (object);

  g_clear_pointer (&self->grid, gtk_widget_unparent);
  G_OBJECT_CLASS (lw_spectrogram_options_parent_class)->dispose (object);
}

static void
lw_spectrogram_options_class_init (LwSpectrogramOptionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lw_spectrogram_options_dispose;
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
lw_spectrogram_options_init (LwSpectrogramOptions *self)
{
  self->grid = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (self->grid), 12);
  gtk_grid_set_row_spacing (GTK_GRID (self->grid), 4);
  gtk_widget_set_parent (self->grid, GTK_WIDGET (self));
  self->dropdowns[ROW_WINDOW] = add_row (self, ROW_WINDOW, _("_Window"), window_labels, TRUE,
                                         DEFAULT_WINDOW);
  self->dropdowns[ROW_FFT] = add_row (self, ROW_FFT, _("_FFT size"), fft_labels, FALSE,
                                      DEFAULT_FFT);
  self->dropdowns[ROW_HOP] = add_row (self, ROW_HOP, _("_Hop"), hop_labels, TRUE, DEFAULT_HOP);
  self->dropdowns[ROW_SCALE] = add_row (self, ROW_SCALE, _("Frequency _axis"), scale_labels,
                                        TRUE, DEFAULT_SCALE);
}

const char *
lw_spectrogram_window_label (LwWindowKind kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (window_kinds); i++)
    if (window_kinds[i] == kind)
      return _(window_labels[i]);
  return "?";
}

GtkWidget *
lw_spectrogram_options_new (void)
{
  return g_object_new (LW_TYPE_SPECTROGRAM_OPTIONS, NULL);
}
