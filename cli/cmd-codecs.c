/* cmd-codecs.c — `latent-workbench-cli codecs`: the codec registry and its parameters
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-cli"

#include "cli-common.h"

static void
add_param_json (JsonBuilder       *b,
                const LwParamSpec *spec)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, spec->name);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, cli_param_type_name (spec->type));
  cli_json_add_double (b, "min", spec->min);
  cli_json_add_double (b, "max", spec->max);
  cli_json_add_double (b, "default", spec->default_value);
  json_builder_set_member_name (b, "default_text");
  {
    g_autofree char *text = lw_param_format (spec, spec->default_value);
    json_builder_add_string_value (b, text);
  }
  json_builder_set_member_name (b, "rate");
  json_builder_add_boolean_value (b, spec->drives_rate);
  json_builder_set_member_name (b, "log_scale");
  json_builder_add_boolean_value (b, spec->log_scale);
  json_builder_set_member_name (b, "help");
  json_builder_add_string_value (b, spec->help ? spec->help : "");
  if (spec->type == LW_PARAM_ENUM)
    {
      json_builder_set_member_name (b, "choices");
      json_builder_begin_array (b);
      for (guint k = 0; spec->choices && spec->choices[k]; k++)
        json_builder_add_string_value (b, spec->choices[k]);
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
}

static void
print_codecs_json (const LwCodec **codecs)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_array (b);
  for (guint i = 0; codecs[i]; i++)
    {
      const LwCodec *c = codecs[i];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, c->name);
      json_builder_set_member_name (b, "id");
      json_builder_add_int_value (b, c->id);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, cli_media_kind_name (c->kind));
      json_builder_set_member_name (b, "title");
      json_builder_add_string_value (b, c->title ? c->title : c->name);
      json_builder_set_member_name (b, "description");
      json_builder_add_string_value (b, c->description ? c->description : "");
      json_builder_set_member_name (b, "sweep_param");
      if (c->sweep_param)
        json_builder_add_string_value (b, c->sweep_param);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "sweep_descending");
      json_builder_add_boolean_value (b, c->sweep_descending);
      if (c->sweep_param && lw_params_index (c, c->sweep_param) >= 0)
        {
          const LwParamSpec *spec = &c->params[lw_params_index (c, c->sweep_param)];
          gboolean whole = c->sweep_min == 0 && c->sweep_max == 0;

          /* The range lw_rd_sweep covers: a sub-range of the parameter when the codec says so */
          json_builder_set_member_name (b, "sweep_range");
          json_builder_begin_array (b);
          json_builder_add_double_value (b, whole ? spec->min : c->sweep_min);
          json_builder_add_double_value (b, whole ? spec->max : c->sweep_max);
          json_builder_end_array (b);
        }
      json_builder_set_member_name (b, "params");
      json_builder_begin_array (b);
      for (guint k = 0; k < c->n_params; k++)
        add_param_json (b, &c->params[k]);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  root = json_builder_get_root (b);
  cli_print_json (root);
}

static void
print_codecs_text (const LwCodec **codecs)
{
  for (guint i = 0; codecs[i]; i++)
    {
      const LwCodec *c = codecs[i];

      if (i > 0)
        g_print ("\n");
      g_print ("%s (%s, id %u) — %s\n", c->name, cli_media_kind_name (c->kind), c->id,
               c->title ? c->title : c->name);
      if (c->description && *c->description)
        g_print ("  %s\n", c->description);
      if (c->sweep_param && lw_params_index (c, c->sweep_param) >= 0)
        {
          const LwParamSpec *spec = &c->params[lw_params_index (c, c->sweep_param)];
          gboolean whole = c->sweep_min == 0 && c->sweep_max == 0;
          g_autofree char *lo = lw_param_format (spec, whole ? spec->min : c->sweep_min);
          g_autofree char *hi = lw_param_format (spec, whole ? spec->max : c->sweep_max);

          g_print ("  RD sweeps vary: %s over [%s, %s]\n", c->sweep_param, lo, hi);
        }
      g_print ("  %-18s %-7s %10s %10s %10s  %-4s  %s\n", "parameter", "type", "min", "max",
               "default", "rate", "help");
      for (guint k = 0; k < c->n_params; k++)
        {
          const LwParamSpec *p = &c->params[k];
          g_autofree char *lo = lw_param_format (p, p->min);
          g_autofree char *hi = lw_param_format (p, p->max);
          g_autofree char *def = lw_param_format (p, p->default_value);

          g_print ("  %-18s %-7s %10s %10s %10s  %-4s  %s\n", p->name,
                   cli_param_type_name (p->type), lo, hi, def, p->drives_rate ? "yes" : "no",
                   p->help ? p->help : "");
          if (p->type == LW_PARAM_ENUM && p->choices)
            {
              g_autofree char *names = g_strjoinv ("|", (char **) p->choices);
              g_print ("  %-18s choices: %s\n", "", names);
            }
        }
    }
}

int
cli_cmd_codecs (int    argc,
                char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print a JSON list instead of a table", NULL },
    { NULL }
  };

  if (!cli_parse_options ("codecs", NULL,
                          "List the codecs and the parameters each one accepts.",
                          entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (argc > 1)
    return cli_usage_error ("codecs", "unexpected argument “%s”", argv[1]);

  if (json)
    print_codecs_json (lw_codec_list ());
  else
    print_codecs_text (lw_codec_list ());
  return CLI_EXIT_OK;
}
