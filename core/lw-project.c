/* lw-project.c — experiment (project) files: reading, validating and writing the JSON
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The loader treats the file as untrusted input: it checks the text is UTF-8 and below the
 * size limit before parsing, looks every member up by name with its JSON type checked, and
 * runs codec parameters through the codec's own description (the same ranges the CLI and GUI
 * use). Unknown members are errors, not ignored, so a typo never silently falls back to a
 * default and a replay never runs something other than what was saved.
 */
#define G_LOG_DOMAIN "lw-project"

#include "lw-project.h"
#include "lw-audio-io.h"
#include "lw-error.h"
#include "lw-image-io.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#define MAX_RD_CODECS 64

static const char * const compare_modes[] = { "split", "side-by-side", "difference", "latent",
                                              NULL };
static const char * const rd_metrics[] = { "psnr", "psnr-y", "ssim", "ms-ssim", NULL };
static const char * const audio_rd_metrics[] = { "psnr", "snr", "si-sdr", "lsd", NULL };
static const char * const ab_sources[] = { "a", "b", NULL };        /* LwAbxChoice order */
static const char * const freq_scales[] = { "linear", "log", "mel", NULL }; /* LwFreqScale */

static gboolean
in_list (const char * const *list, const char *s)
{
  for (guint i = 0; list[i]; i++)
    if (strcmp (list[i], s) == 0)
      return TRUE;
  return FALSE;
}

static guint
list_index (const char * const *list, const char *s)
{
  guint i;
  for (i = 0; list[i]; i++)
    if (strcmp (list[i], s) == 0)
      break;
  return i;
}

/* ---------------------------------------------------------------- new / free */

/* Defaults of everything but the codec and the media path */
static LwProject *
project_alloc (void)
{
  LwProject *p = g_new0 (LwProject, 1);
  p->kind = LW_MEDIA_IMAGE;
  p->compare_mode = g_strdup ("split");
  p->center_x = p->center_y = NAN;
  p->split = 0.5;
  p->diff_gain = 8.0;
  p->rd_codecs = g_new0 (char *, 1);
  p->rd_metric = g_strdup ("psnr");
  p->view_start = p->view_end = NAN;
  p->cursor = NAN;
  p->selection_start = p->selection_end = NAN;
  p->source = LW_ABX_A;
  p->spectrogram_scale = LW_FREQ_LOG;
  return p;
}

LwProject *
lw_project_new (const LwCodec *codec, const char *image_path)
{
  g_return_val_if_fail (codec != NULL, NULL);
  LwProject *p = project_alloc ();
  char *path = image_path ? g_canonicalize_filename (image_path, NULL) : NULL;
  p->kind = codec->kind;
  if (codec->kind == LW_MEDIA_AUDIO)
    p->audio = path;
  else
    p->image = path;
  p->params = lw_params_new (codec);
  return p;
}

void
lw_project_free (LwProject *project)
{
  if (project == NULL)
    return;
  g_free (project->image);
  lw_params_free (project->params);
  g_free (project->compare_mode);
  g_strfreev (project->rd_codecs);
  g_free (project->rd_anchor);
  g_free (project->rd_metric);
  g_free (project->audio);
  lw_abx_free (project->abx);
  g_free (project);
}

/* ---------------------------------------------------------------- writing */

/* `path` relative to `base` when it lies in base or below, else NULL */
static char *
relative_to (const char *path, const char *base)
{
  g_autofree char *b = g_canonicalize_filename (base, NULL);
  gsize n = strlen (b);
  /* "/" is its own prefix with separator */
  if (n > 0 && b[n - 1] == G_DIR_SEPARATOR)
    n--;
  if (strncmp (path, b, n) != 0 || path[n] != G_DIR_SEPARATOR || path[n + 1] == '\0')
    return NULL;
  return g_strdup (path + n + 1);
}

static void
add_number (JsonBuilder *b, const char *member, double value)
{
  json_builder_set_member_name (b, member);
  if (isfinite (value))
    json_builder_add_double_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_string (JsonBuilder *b, const char *member, const char *value)
{
  json_builder_set_member_name (b, member);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_param (JsonBuilder *b, const LwParamSpec *spec, double value)
{
  json_builder_set_member_name (b, spec->name);
  switch (spec->type)
    {
    case LW_PARAM_ENUM:
      {
        g_autofree char *name = lw_param_format (spec, value);
        json_builder_add_string_value (b, name);
        break;
      }
    case LW_PARAM_BOOL:
      json_builder_add_boolean_value (b, value != 0);
      break;
    case LW_PARAM_INT:
      json_builder_add_int_value (b, (gint64) value);
      break;
    case LW_PARAM_DOUBLE:
    default:
      json_builder_add_double_value (b, value);
      break;
    }
}

/* The audio view, results and ABX session of an audio experiment */
static void
add_audio_members (JsonBuilder *b, const LwProject *project)
{
  json_builder_set_member_name (b, "view");
  json_builder_begin_object (b);
  add_number (b, "start", project->view_start);
  add_number (b, "end", project->view_end);
  add_number (b, "cursor", project->cursor);
  add_number (b, "selection_start", project->selection_start);
  add_number (b, "selection_end", project->selection_end);
  add_string (b, "source", ab_sources[project->source == LW_ABX_B]);
  add_string (b, "spectrogram_scale",
              freq_scales[MIN ((guint) project->spectrogram_scale, LW_FREQ_MEL)]);
  json_builder_end_object (b);
}

static void
add_audio_results (JsonBuilder *b, const LwProject *project)
{
  const LwAudioMeasure *m = &project->audio_results;
  json_builder_set_member_name (b, "results");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "bytes");
  json_builder_add_int_value (b, (gint64) m->bytes);
  add_number (b, "kbps", m->kbps);
  add_number (b, "bits_per_sample", m->bits_per_sample);
  add_number (b, "ratio", m->ratio);
  add_number (b, "dim_reduction", m->dim_reduction);
  add_number (b, "snr", m->snr);
  add_number (b, "si_sdr", m->si_sdr);
  add_number (b, "psnr", m->psnr);
  add_number (b, "lsd", m->lsd);
  json_builder_end_object (b);
}

static void
add_abx (JsonBuilder *b, const LwAbx *abx)
{
  g_autofree LwAbxChoice *xs = NULL, *answers = NULL;
  guint n = lw_abx_get_history (abx, &xs, &answers);
  /* A string: JSON numbers above 2^53 do not survive every reader */
  g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT, lw_abx_get_seed (abx));

  json_builder_set_member_name (b, "abx");
  json_builder_begin_object (b);
  add_string (b, "seed", seed);
  json_builder_set_member_name (b, "trials");
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    {
      json_builder_begin_array (b);
      json_builder_add_string_value (b, ab_sources[xs[i] == LW_ABX_B]);
      json_builder_add_string_value (b, ab_sources[answers[i] == LW_ABX_B]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "correct");
  json_builder_add_int_value (b, lw_abx_get_correct (abx));
  add_number (b, "p_value", lw_abx_p_value (abx));
  json_builder_end_object (b);
}

char *
lw_project_to_json (const LwProject *project, const char *base_dir)
{
  g_return_val_if_fail (project != NULL && project->params != NULL, NULL);
  const LwCodec *codec = project->params->codec;
  /* The codec decides: a project's kind cannot disagree with what it runs */
  gboolean audio = codec->kind == LW_MEDIA_AUDIO;
  const char *media = audio ? project->audio : project->image;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  add_string (b, "format", LW_PROJECT_FORMAT);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, LW_PROJECT_VERSION);
  add_string (b, "kind", audio ? "audio" : "image");

  g_autofree char *rel = NULL;
  if (media)
    {
      g_autofree char *abs = g_canonicalize_filename (media, NULL);
      rel = base_dir ? relative_to (abs, base_dir) : NULL;
      if (rel == NULL)
        rel = g_steal_pointer (&abs);
    }
  add_string (b, audio ? "audio" : "image", rel);

  json_builder_set_member_name (b, "codec");
  json_builder_begin_object (b);
  add_string (b, "name", codec->name);
  json_builder_set_member_name (b, "params");
  json_builder_begin_object (b);
  for (guint i = 0; i < codec->n_params; i++)
    add_param (b, &codec->params[i], project->params->values[i]);
  json_builder_end_object (b);
  json_builder_end_object (b);

  if (audio)
    add_audio_members (b, project);
  else
    {
      json_builder_set_member_name (b, "view");
      json_builder_begin_object (b);
      add_string (b, "compare_mode", project->compare_mode ? project->compare_mode : "split");
      add_number (b, "zoom", project->zoom);
      add_number (b, "center_x", project->center_x);
      add_number (b, "center_y", project->center_y);
      add_number (b, "split", project->split);
      add_number (b, "difference_gain", project->diff_gain);
      json_builder_end_object (b);
    }

  json_builder_set_member_name (b, "rd");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "codecs");
  json_builder_begin_array (b);
  for (guint i = 0; project->rd_codecs && project->rd_codecs[i]; i++)
    json_builder_add_string_value (b, project->rd_codecs[i]);
  json_builder_end_array (b);
  add_string (b, "anchor", project->rd_anchor);
  add_string (b, "metric", project->rd_metric ? project->rd_metric : "psnr");
  json_builder_set_member_name (b, "log_rate");
  json_builder_add_boolean_value (b, project->rd_log_rate);
  json_builder_end_object (b);

  if (project->has_results && audio)
    add_audio_results (b, project);
  else if (project->has_results)
    {
      const LwMeasure *m = &project->results;
      json_builder_set_member_name (b, "results");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "bytes");
      json_builder_add_int_value (b, (gint64) m->bytes);
      add_number (b, "bpp", m->bpp);
      add_number (b, "ratio", m->ratio);
      add_number (b, "dim_reduction", m->dim_reduction);
      add_number (b, "psnr", m->psnr);
      add_number (b, "psnr_y", m->psnr_y);
      add_number (b, "ssim", m->ssim);
      add_number (b, "ms_ssim", m->ms_ssim);
      json_builder_end_object (b);
    }
  if (audio && project->abx)
    add_abx (b, project->abx);
  json_builder_end_object (b);

  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  json_generator_set_root (gen, root);
  char *text = json_generator_to_data (gen, NULL);
  char *with_newline = g_strconcat (text, "\n", NULL);
  g_free (text);
  return with_newline;
}

gboolean
lw_project_save (const LwProject *project, const char *path, GError **error)
{
  g_return_val_if_fail (project != NULL && path != NULL, FALSE);
  g_autofree char *abs = g_canonicalize_filename (path, NULL);
  g_autofree char *dir = g_path_get_dirname (abs);
  g_autofree char *text = lw_project_to_json (project, dir);
  g_autoptr (GError) local = NULL;

  if (!lw_file_write_atomic (path, (const guint8 *) text, strlen (text), &local))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_IO, "%s: cannot save the experiment: %s", path,
                   local->message);
      return FALSE;
    }
  return TRUE;
}

/* ---------------------------------------------------------------- reading */

static const char *
node_type_name (JsonNode *node)
{
  if (JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "an object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "an array";
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return "a string";
    case G_TYPE_BOOLEAN:
      return "a boolean";
    default:
      return "a number";
    }
}

static gboolean
is_number (JsonNode *node)
{
  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  GType t = json_node_get_value_type (node);
  return t == G_TYPE_INT64 || t == G_TYPE_DOUBLE;
}

static gboolean
is_type (JsonNode *node, GType type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

static gboolean
type_error (GError **error, const char *field, JsonNode *node, const char *want)
{
  g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA, "“%s” must be %s, not %s", field, want,
               node_type_name (node));
  return FALSE;
}

/* Members other than those in `known` are errors: a misspelt name must not fall back to a
 * default silently. */
static gboolean
check_members (JsonObject *obj, const char *where, const char * const *known, GError **error)
{
  g_autoptr (GList) names = json_object_get_members (obj);
  for (GList *l = names; l; l = l->next)
    if (!in_list (known, l->data))
      {
        g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA, "unknown member “%s%s%s”", where,
                     *where ? "." : "", (const char *) l->data);
        return FALSE;
      }
  return TRUE;
}

/* An object member; required → error when missing. *out is NULL when absent. */
static gboolean
get_member (JsonObject *obj, const char *name, const char *field, gboolean required,
            JsonNode **out, GError **error)
{
  *out = json_object_has_member (obj, name) ? json_object_get_member (obj, name) : NULL;
  if (*out == NULL && required)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA, "“%s” is missing", field);
      return FALSE;
    }
  return TRUE;
}

static gboolean
get_object (JsonObject *obj, const char *name, const char *field, gboolean required,
            JsonObject **out, GError **error)
{
  JsonNode *node;
  *out = NULL;
  if (!get_member (obj, name, field, required, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return type_error (error, field, node, "an object");
  *out = json_node_get_object (node);
  return TRUE;
}

/* A string member from `choices` (NULL: any non-empty string); null allowed when `nullable` */
static gboolean
get_string (JsonObject *obj, const char *name, const char *field, gboolean required,
            gboolean nullable, const char * const *choices, char **out, GError **error)
{
  JsonNode *node;
  if (!get_member (obj, name, field, required, &node, error))
    return FALSE;
  if (node == NULL || (nullable && JSON_NODE_HOLDS_NULL (node)))
    return TRUE;
  if (!is_type (node, G_TYPE_STRING))
    return type_error (error, field, node, nullable ? "a string or null" : "a string");
  const char *s = json_node_get_string (node);
  if (choices && !in_list (choices, s))
    {
      g_autofree char *names = g_strjoinv ("”, “", (char **) choices);
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA, "“%s” is “%s”; expected one of “%s”",
                   field, s, names);
      return FALSE;
    }
  if (*s == '\0')
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA, "“%s” is an empty string", field);
      return FALSE;
    }
  g_free (*out);
  *out = g_strdup (s);
  return TRUE;
}

/* A number in [lo, hi]; null → `null_value` when `nullable` */
static gboolean
get_number (JsonObject *obj, const char *name, const char *field, double lo, double hi,
            gboolean nullable, double null_value, double *out, GError **error)
{
  JsonNode *node;
  if (!get_member (obj, name, field, FALSE, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (nullable && JSON_NODE_HOLDS_NULL (node))
    {
      *out = null_value;
      return TRUE;
    }
  if (!is_number (node))
    return type_error (error, field, node, nullable ? "a number or null" : "a number");
  double v = json_node_get_double (node);
  if (!(v >= lo && v <= hi))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA, "“%s” = %g is outside %g–%g", field,
                   v, lo, hi);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

static gboolean
get_bool (JsonObject *obj, const char *name, const char *field, gboolean *out, GError **error)
{
  JsonNode *node;
  if (!get_member (obj, name, field, FALSE, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!is_type (node, G_TYPE_BOOLEAN))
    return type_error (error, field, node, "true or false");
  *out = json_node_get_boolean (node);
  return TRUE;
}

/* One codec parameter, typed by its LwParamSpec: enum by choice name, bool as true/false,
 * int as a whole number, double as a number; range from the spec. */
static gboolean
read_param (LwParams *params, const char *name, JsonNode *node, GError **error)
{
  const LwCodec *codec = params->codec;
  int idx = lw_params_index (codec, name);
  g_autofree char *field = g_strdup_printf ("codec.params.%s", name);

  if (idx < 0)
    {
      GString *known = g_string_new (NULL);
      for (guint k = 0; k < codec->n_params; k++)
        g_string_append_printf (known, "%s%s", k ? ", " : "", codec->params[k].name);
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "unknown %s parameter “%s” (known: %s)", codec->name, name, known->str);
      g_string_free (known, TRUE);
      return FALSE;
    }
  const LwParamSpec *spec = &codec->params[idx];
  double value = 0;

  switch (spec->type)
    {
    case LW_PARAM_ENUM:
      {
        if (!is_type (node, G_TYPE_STRING))
          return type_error (error, field, node, "a choice name (string)");
        const char *s = json_node_get_string (node);
        guint k;
        for (k = 0; spec->choices && spec->choices[k]; k++)
          if (strcmp (spec->choices[k], s) == 0)
            break;
        if (spec->choices == NULL || spec->choices[k] == NULL)
          {
            g_autofree char *names = spec->choices ? g_strjoinv (", ", (char **) spec->choices)
                                                   : g_strdup ("");
            g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                         "codec parameter “%s” = “%s” is not one of: %s", name, s, names);
            return FALSE;
          }
        value = k;
        break;
      }
    case LW_PARAM_BOOL:
      if (!is_type (node, G_TYPE_BOOLEAN))
        return type_error (error, field, node, "true or false");
      value = json_node_get_boolean (node) ? 1 : 0;
      break;
    case LW_PARAM_INT:
    case LW_PARAM_DOUBLE:
    default:
      if (!is_number (node))
        return type_error (error, field, node, "a number");
      value = json_node_get_double (node);
      break;
    }

  if (!(value >= spec->min && value <= spec->max))
    {
      g_autofree char *lo = lw_param_format (spec, spec->min);
      g_autofree char *hi = lw_param_format (spec, spec->max);
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "codec parameter “%s” = %g is outside %s–%s", name, value, lo, hi);
      return FALSE;
    }
  if (spec->type == LW_PARAM_INT && value != floor (value))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_PARAM,
                   "codec parameter “%s” must be a whole number, not %g", name, value);
      return FALSE;
    }
  return lw_params_set (params, name, value, error);
}

static const char *
kind_name (LwMediaKind kind)
{
  return kind == LW_MEDIA_AUDIO ? "audio" : "image";
}

/* The codec named `name` must be registered and of the experiment's kind */
static const LwCodec *
codec_of_kind (const char *name, const char *field, LwMediaKind kind, GError **error)
{
  const LwCodec *codec = lw_codec_lookup (name, error);
  if (codec == NULL)
    {
      g_prefix_error (error, "“%s”: ", field);
      return NULL;
    }
  if (codec->kind != kind)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED, "“%s”: codec “%s” is not an %s codec",
                   field, name, kind_name (kind));
      return NULL;
    }
  return codec;
}

static gboolean
read_codec (JsonObject *root, LwProject *p, GError **error)
{
  static const char * const known[] = { "name", "params", NULL };
  JsonObject *obj, *params;
  g_autofree char *name = NULL;

  if (!get_object (root, "codec", "codec", TRUE, &obj, error)
      || !check_members (obj, "codec", known, error)
      || !get_string (obj, "name", "codec.name", TRUE, FALSE, NULL, &name, error)
      || !get_object (obj, "params", "codec.params", FALSE, &params, error))
    return FALSE;
  const LwCodec *codec = codec_of_kind (name, "codec.name", p->kind, error);
  if (codec == NULL)
    return FALSE;
  lw_params_free (p->params);
  /* Parameters missing from the file keep their defaults: files written before a codec
   * gained a parameter still load. */
  p->params = lw_params_new (codec);
  if (params)
    {
      g_autoptr (GList) names = json_object_get_members (params);
      for (GList *l = names; l; l = l->next)
        if (!read_param (p->params, l->data, json_object_get_member (params, l->data), error))
          return FALSE;
    }
  return lw_params_check (p->params, error);
}

static gboolean
read_view (JsonObject *root, LwProject *p, GError **error)
{
  static const char * const known[] = { "compare_mode", "zoom", "center_x", "center_y", "split",
                                        "difference_gain", NULL };
  JsonObject *v;

  if (!get_object (root, "view", "view", FALSE, &v, error))
    return FALSE;
  if (v == NULL)
    return TRUE;
  return check_members (v, "view", known, error)
         && get_string (v, "compare_mode", "view.compare_mode", FALSE, FALSE, compare_modes,
                        &p->compare_mode, error)
         && get_number (v, "zoom", "view.zoom", 0.0, LW_PROJECT_MAX_ZOOM, FALSE, 0, &p->zoom,
                        error)
         && get_number (v, "center_x", "view.center_x", 0.0, LW_IMAGE_MAX_SIDE, TRUE, NAN,
                        &p->center_x, error)
         && get_number (v, "center_y", "view.center_y", 0.0, LW_IMAGE_MAX_SIDE, TRUE, NAN,
                        &p->center_y, error)
         && get_number (v, "split", "view.split", 0.0, 1.0, FALSE, 0, &p->split, error)
         && get_number (v, "difference_gain", "view.difference_gain", LW_PROJECT_MIN_DIFF_GAIN,
                        LW_PROJECT_MAX_DIFF_GAIN, FALSE, 0, &p->diff_gain, error);
}

static gboolean
read_rd (JsonObject *root, LwProject *p, GError **error)
{
  static const char * const known[] = { "codecs", "anchor", "metric", "log_rate", NULL };
  JsonObject *rd;
  JsonNode *node;

  if (!get_object (root, "rd", "rd", FALSE, &rd, error))
    return FALSE;
  if (rd == NULL)
    return TRUE;
  if (!check_members (rd, "rd", known, error)
      || !get_member (rd, "codecs", "rd.codecs", FALSE, &node, error))
    return FALSE;
  if (node != NULL)
    {
      if (!JSON_NODE_HOLDS_ARRAY (node))
        return type_error (error, "rd.codecs", node, "an array of codec names");
      JsonArray *a = json_node_get_array (node);
      guint n = json_array_get_length (a);
      if (n > MAX_RD_CODECS)
        {
          g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                       "“rd.codecs” lists %u codecs; at most %d are allowed", n, MAX_RD_CODECS);
          return FALSE;
        }
      g_auto (GStrv) names = g_new0 (char *, n + 1);
      for (guint i = 0; i < n; i++)
        {
          JsonNode *e = json_array_get_element (a, i);
          g_autofree char *field = g_strdup_printf ("rd.codecs[%u]", i);
          if (!is_type (e, G_TYPE_STRING))
            return type_error (error, field, e, "a codec name (string)");
          const char *s = json_node_get_string (e);
          if (codec_of_kind (s, field, p->kind, error) == NULL)
            return FALSE;
          if (g_strv_contains ((const char * const *) names, s))
            {
              g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                           "“%s”: codec “%s” is listed twice", field, s);
              return FALSE;
            }
          names[i] = g_strdup (s);
        }
      g_strfreev (p->rd_codecs);
      p->rd_codecs = g_steal_pointer (&names);
    }
  if (!get_string (rd, "anchor", "rd.anchor", FALSE, TRUE, NULL, &p->rd_anchor, error)
      || (p->rd_anchor && codec_of_kind (p->rd_anchor, "rd.anchor", p->kind, error) == NULL))
    return FALSE;
  return get_string (rd, "metric", "rd.metric", FALSE, FALSE,
                     p->kind == LW_MEDIA_AUDIO ? audio_rd_metrics : rd_metrics, &p->rd_metric,
                     error)
         && get_bool (rd, "log_rate", "rd.log_rate", &p->rd_log_rate, error);
}

static gboolean
read_results (JsonObject *root, LwProject *p, GError **error)
{
  static const char * const known[] = { "bytes", "bpp", "ratio", "dim_reduction", "psnr",
                                        "psnr_y", "ssim", "ms_ssim", NULL };
  JsonObject *r;
  JsonNode *node;
  LwMeasure m = { 0 };

  if (!get_object (root, "results", "results", FALSE, &r, error))
    return FALSE;
  if (r == NULL)
    return TRUE;
  if (!check_members (r, "results", known, error)
      || !get_member (r, "bytes", "results.bytes", TRUE, &node, error))
    return FALSE;
  /* Integers up to 2^53 are exact in a double, far above any .lwc we write */
  if (!is_number (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return type_error (error, "results.bytes", node, "a whole number");
  gint64 bytes = json_node_get_int (node);
  if (bytes < 1 || bytes > ((gint64) 1 << 53))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "“results.bytes” = %" G_GINT64_FORMAT " is not a positive size", bytes);
      return FALSE;
    }
  m.bytes = (gsize) bytes;
  /* All present, as written. null: PSNR of identical images (+inf), else an undefined value */
  m.bpp = m.ratio = m.dim_reduction = m.psnr = m.psnr_y = m.ssim = m.ms_ssim = NAN;
  if (!get_number (r, "bpp", "results.bpp", 0, 1e9, FALSE, 0, &m.bpp, error)
      || !get_number (r, "ratio", "results.ratio", 0, 1e18, FALSE, 0, &m.ratio, error)
      || !get_number (r, "dim_reduction", "results.dim_reduction", 0, 1e18, TRUE, NAN,
                      &m.dim_reduction, error)
      || !get_number (r, "psnr", "results.psnr", -1e4, 1e4, TRUE, INFINITY, &m.psnr, error)
      || !get_number (r, "psnr_y", "results.psnr_y", -1e4, 1e4, TRUE, INFINITY, &m.psnr_y, error)
      || !get_number (r, "ssim", "results.ssim", -1, 1, TRUE, NAN, &m.ssim, error)
      || !get_number (r, "ms_ssim", "results.ms_ssim", 0, 1, TRUE, NAN, &m.ms_ssim, error))
    return FALSE;
  const char *fields[] = { "bpp", "ratio", NULL };
  double values[] = { m.bpp, m.ratio };
  for (guint i = 0; fields[i]; i++)
    if (isnan (values[i]))
      {
        g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA, "“results.%s” is missing",
                     fields[i]);
        return FALSE;
      }
  p->results = m;
  p->has_results = TRUE;
  return TRUE;
}

/* A pair of times that are both null (the default) or both numbers with lo < hi */
static gboolean
get_span (JsonObject *obj, const char *lo_name, const char *hi_name, const char *where,
          double *lo, double *hi, GError **error)
{
  g_autofree char *lo_field = g_strdup_printf ("%s.%s", where, lo_name);
  g_autofree char *hi_field = g_strdup_printf ("%s.%s", where, hi_name);

  if (!get_number (obj, lo_name, lo_field, 0, LW_AUDIO_MAX_SECONDS, TRUE, NAN, lo, error)
      || !get_number (obj, hi_name, hi_field, 0, LW_AUDIO_MAX_SECONDS, TRUE, NAN, hi, error))
    return FALSE;
  if (isnan (*lo) != isnan (*hi))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "“%s” and “%s” must both be numbers or both null", lo_field, hi_field);
      return FALSE;
    }
  if (!isnan (*lo) && !(*lo < *hi))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA, "“%s” = %g is not before “%s” = %g",
                   lo_field, *lo, hi_field, *hi);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_audio_view (JsonObject *root, LwProject *p, GError **error)
{
  static const char * const known[] = { "start", "end", "cursor", "selection_start",
                                        "selection_end", "source", "spectrogram_scale", NULL };
  g_autofree char *source = NULL, *scale = NULL;
  JsonObject *v;

  if (!get_object (root, "view", "view", FALSE, &v, error))
    return FALSE;
  if (v == NULL)
    return TRUE;
  if (!check_members (v, "view", known, error)
      || !get_span (v, "start", "end", "view", &p->view_start, &p->view_end, error)
      || !get_number (v, "cursor", "view.cursor", 0, LW_AUDIO_MAX_SECONDS, TRUE, NAN, &p->cursor,
                      error)
      || !get_span (v, "selection_start", "selection_end", "view", &p->selection_start,
                    &p->selection_end, error)
      || !get_string (v, "source", "view.source", FALSE, FALSE, ab_sources, &source, error)
      || !get_string (v, "spectrogram_scale", "view.spectrogram_scale", FALSE, FALSE,
                      freq_scales, &scale, error))
    return FALSE;
  if (source)
    p->source = list_index (ab_sources, source) == 1 ? LW_ABX_B : LW_ABX_A;
  if (scale)
    p->spectrogram_scale = (LwFreqScale) list_index (freq_scales, scale);
  return TRUE;
}

/* A whole number member in [0, max] */
static gboolean
get_count (JsonObject *obj, const char *name, const char *field, gboolean required, gint64 lo,
           gint64 hi, gint64 *out, GError **error)
{
  JsonNode *node;
  if (!get_member (obj, name, field, required, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  /* Integers up to 2^53 are exact in a double, far above any .lwc we write */
  if (!is_number (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return type_error (error, field, node, "a whole number");
  gint64 v = json_node_get_int (node);
  if (v < lo || v > hi)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "“%s” = %" G_GINT64_FORMAT " is outside %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT,
                   field, v, lo, hi);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

static gboolean
read_audio_results (JsonObject *root, LwProject *p, GError **error)
{
  static const char * const known[] = { "bytes", "kbps", "bits_per_sample", "ratio",
                                        "dim_reduction", "snr", "si_sdr", "psnr", "lsd", NULL };
  JsonObject *r;
  LwAudioMeasure m = { 0 };
  gint64 bytes = 0;

  if (!get_object (root, "results", "results", FALSE, &r, error))
    return FALSE;
  if (r == NULL)
    return TRUE;
  if (!check_members (r, "results", known, error)
      || !get_count (r, "bytes", "results.bytes", TRUE, 1, (gint64) 1 << 53, &bytes, error))
    return FALSE;
  m.bytes = (gsize) bytes;
  /* null: +inf for the dB figures of a lossless result, else undefined */
  m.kbps = m.bits_per_sample = m.ratio = m.dim_reduction = m.snr = m.si_sdr = m.psnr = m.lsd
    = NAN;
  if (!get_number (r, "kbps", "results.kbps", 0, 1e9, FALSE, 0, &m.kbps, error)
      || !get_number (r, "bits_per_sample", "results.bits_per_sample", 0, 1e9, FALSE, 0,
                      &m.bits_per_sample, error)
      || !get_number (r, "ratio", "results.ratio", 0, 1e18, FALSE, 0, &m.ratio, error)
      || !get_number (r, "dim_reduction", "results.dim_reduction", 0, 1e18, TRUE, NAN,
                      &m.dim_reduction, error)
      || !get_number (r, "snr", "results.snr", -1e4, 1e4, TRUE, INFINITY, &m.snr, error)
      || !get_number (r, "si_sdr", "results.si_sdr", -1e4, 1e4, TRUE, INFINITY, &m.si_sdr, error)
      || !get_number (r, "psnr", "results.psnr", -1e4, 1e4, TRUE, INFINITY, &m.psnr, error)
      || !get_number (r, "lsd", "results.lsd", 0, 1e4, TRUE, NAN, &m.lsd, error))
    return FALSE;
  const char *fields[] = { "kbps", "bits_per_sample", "ratio", NULL };
  double values[] = { m.kbps, m.bits_per_sample, m.ratio };
  for (guint i = 0; fields[i]; i++)
    if (isnan (values[i]))
      {
        g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA, "“results.%s” is missing",
                     fields[i]);
        return FALSE;
      }
  p->audio_results = m;
  p->has_results = TRUE;
  return TRUE;
}

/* The ABX session: the trials are replayed from the seed, so every X must be the one the seed
 * draws; `correct` and `p_value` are checked against the replay, never taken from the file. */
static gboolean
read_abx (JsonObject *root, LwProject *p, GError **error)
{
  static const char * const known[] = { "seed", "trials", "correct", "p_value", NULL };
  g_autofree char *seed_text = NULL;
  JsonObject *o;
  JsonNode *node;
  guint64 seed;
  gint64 correct = 0;
  double p_value = NAN;

  if (!get_object (root, "abx", "abx", FALSE, &o, error))
    return FALSE;
  if (o == NULL)
    return TRUE;
  if (!check_members (o, "abx", known, error)
      || !get_string (o, "seed", "abx.seed", TRUE, FALSE, NULL, &seed_text, error))
    return FALSE;
  if (!g_ascii_string_to_unsigned (seed_text, 10, 0, G_MAXUINT64, &seed, NULL))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "“abx.seed” is “%s”, not a whole number 0–%" G_GUINT64_FORMAT " in decimal",
                   seed_text, G_MAXUINT64);
      return FALSE;
    }
  if (!get_member (o, "trials", "abx.trials", TRUE, &node, error))
    return FALSE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return type_error (error, "abx.trials", node, "an array of [x, answer] pairs");
  JsonArray *a = json_node_get_array (node);
  guint n = json_array_get_length (a);
  if (n > LW_ABX_MAX_TRIALS)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "“abx.trials” has %u trials; at most %d are allowed", n, LW_ABX_MAX_TRIALS);
      return FALSE;
    }
  g_autoptr (LwAbx) abx = lw_abx_new (seed);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (a, i);
      g_autofree char *field = g_strdup_printf ("abx.trials[%u]", i);
      LwAbxChoice pair[2];
      if (!JSON_NODE_HOLDS_ARRAY (e) || json_array_get_length (json_node_get_array (e)) != 2)
        return type_error (error, field, e, "an [x, answer] pair such as [\"a\", \"b\"]");
      for (guint j = 0; j < 2; j++)
        {
          JsonNode *c = json_array_get_element (json_node_get_array (e), j);
          if (!is_type (c, G_TYPE_STRING) || !in_list (ab_sources, json_node_get_string (c)))
            {
              g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                           "“%s[%u]” (%s) must be \"a\" or \"b\"", field, j,
                           j ? "the answer" : "x");
              return FALSE;
            }
          pair[j] = strcmp (json_node_get_string (c), "b") == 0 ? LW_ABX_B : LW_ABX_A;
        }
      if (pair[0] != lw_abx_current_x (abx))
        {
          g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                       "“%s”: x is “%s” but the seed %s draws “%s” for this trial", field,
                       ab_sources[pair[0]], seed_text, ab_sources[lw_abx_current_x (abx)]);
          return FALSE;
        }
      lw_abx_answer (abx, pair[1]);
    }
  if (!get_count (o, "correct", "abx.correct", TRUE, 0, LW_ABX_MAX_TRIALS, &correct, error))
    return FALSE;
  if ((guint) correct != lw_abx_get_correct (abx))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "“abx.correct” = %" G_GINT64_FORMAT " but %u of the %u trials are right",
                   correct, lw_abx_get_correct (abx), n);
      return FALSE;
    }
  if (!get_member (o, "p_value", "abx.p_value", TRUE, &node, error)
      || !get_number (o, "p_value", "abx.p_value", 0, 1, FALSE, 0, &p_value, error))
    return FALSE;
  double want = lw_abx_p_value (abx);
  if (!(fabs (p_value - want) <= 1e-9 * want + 1e-300))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "“abx.p_value” = %.17g but %u of %u right gives %.17g", p_value,
                   lw_abx_get_correct (abx), n, want);
      return FALSE;
    }
  lw_abx_free (p->abx);
  p->abx = g_steal_pointer (&abx);
  return TRUE;
}

LwProject *
lw_project_from_json (const char *text, gsize len, const char *base_dir, GError **error)
{
  static const char * const known_image[] = { "format", "version", "kind", "image", "codec",
                                              "view", "rd", "results", NULL };
  static const char * const known_audio[] = { "format", "version", "kind", "audio", "codec",
                                              "view", "rd", "results", "abx", NULL };
  static const char * const kinds[] = { "image", "audio", NULL };  /* LwMediaKind order */
  g_return_val_if_fail (text != NULL || len == 0, NULL);

  if (len > LW_PROJECT_MAX_BYTES)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "experiment is %" G_GSIZE_FORMAT " bytes; the limit is %" G_GSIZE_FORMAT
                   " (1 MiB)", len, LW_PROJECT_MAX_BYTES);
      return NULL;
    }
  const char *end = NULL;
  if (!g_utf8_validate (text, (gssize) len, &end))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "not UTF-8 text (bad byte at offset %" G_GSIZE_FORMAT ")",
                   (gsize) (end - text));
      return NULL;
    }

  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) local = NULL;
  if (!json_parser_load_from_data (parser, text, (gssize) len, &local))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA, "not valid JSON: %s", local->message);
      return NULL;
    }
  JsonNode *root_node = json_parser_get_root (parser);
  if (root_node == NULL || !JSON_NODE_HOLDS_OBJECT (root_node))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
                   "the top level must be a JSON object, not %s",
                   root_node ? node_type_name (root_node) : "empty");
      return NULL;
    }
  JsonObject *root = json_node_get_object (root_node);

  g_autofree char *format = NULL, *kind = NULL, *media = NULL;
  JsonNode *version;
  if (!get_string (root, "format", "format", TRUE, FALSE, NULL, &format, error))
    return NULL;
  if (strcmp (format, LW_PROJECT_FORMAT) != 0)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                   "“format” is “%s”, not “%s”: not a Latent Workbench experiment", format,
                   LW_PROJECT_FORMAT);
      return NULL;
    }
  if (!get_member (root, "version", "version", TRUE, &version, error))
    return NULL;
  if (!is_number (version) || json_node_get_value_type (version) != G_TYPE_INT64)
    {
      type_error (error, "version", version, "a whole number");
      return NULL;
    }
  if (json_node_get_int (version) != LW_PROJECT_VERSION)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                   "“version” %" G_GINT64_FORMAT " is not supported (this program reads "
                   "version %d)", json_node_get_int (version), LW_PROJECT_VERSION);
      return NULL;
    }
  if (!get_string (root, "kind", "kind", TRUE, FALSE, NULL, &kind, error))
    return NULL;
  if (!in_list (kinds, kind))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_UNSUPPORTED,
                   "“kind” is “%s”; this version handles “image” and “audio” experiments", kind);
      return NULL;
    }
  gboolean audio = strcmp (kind, "audio") == 0;
  if (!check_members (root, "", audio ? known_audio : known_image, error)
      || !get_string (root, kind, kind, TRUE, FALSE, NULL, &media, error))
    return NULL;

  /* The codec is read first so a project always has parameters */
  g_autoptr (LwProject) p = project_alloc ();
  p->kind = audio ? LW_MEDIA_AUDIO : LW_MEDIA_IMAGE;
  if (!read_codec (root, p, error)
      || !(audio ? read_audio_view (root, p, error) : read_view (root, p, error))
      || !read_rd (root, p, error)
      || !(audio ? read_audio_results (root, p, error) : read_results (root, p, error))
      || (audio && !read_abx (root, p, error)))
    return NULL;
  if (audio)
    p->audio = g_canonicalize_filename (media, base_dir);
  else
    p->image = g_canonicalize_filename (media, base_dir);
  return g_steal_pointer (&p);
}

LwProject *
lw_project_load (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_autoptr (GError) local = NULL;
  g_autoptr (GMappedFile) mapped = NULL;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_IO, "%s: is a folder, not an experiment file", path);
      return NULL;
    }
  mapped = g_mapped_file_new (path, FALSE, &local);
  if (mapped == NULL)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_IO, "%s: cannot read: %s", path, local->message);
      return NULL;
    }
  gsize len = g_mapped_file_get_length (mapped);
  if (len > LW_PROJECT_MAX_BYTES)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "%s: file is %" G_GSIZE_FORMAT " bytes; experiment files are limited to "
                   "%" G_GSIZE_FORMAT " bytes (1 MiB)", path, len, LW_PROJECT_MAX_BYTES);
      return NULL;
    }
  g_autofree char *abs = g_canonicalize_filename (path, NULL);
  g_autofree char *dir = g_path_get_dirname (abs);
  /* An empty file maps to NULL contents */
  const char *text = len ? g_mapped_file_get_contents (mapped) : "";
  LwProject *p = lw_project_from_json (text, len, dir, &local);
  if (p == NULL)
    {
      g_set_error (error, local->domain, local->code, "%s: %s", path, local->message);
      return NULL;
    }
  return p;
}
