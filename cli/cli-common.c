/* cli-common.c — shared helpers for latent-workbench-cli subcommands (errors, exit codes, JSON)
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-cli"

#include "cli-common.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "lw-error.h"

gboolean
cli_parse_options (const char          *command,
                   const char          *parameter_string,
                   const char          *summary,
                   const GOptionEntry  *entries,
                   int                 *argc,
                   char              ***argv)
{
  g_autofree char *prgname = g_strdup_printf ("%s %s", CLI_PROGRAM, command);
  g_autoptr (GOptionContext) context = g_option_context_new (parameter_string);
  g_autoptr (GError) error = NULL;

  /* GOption prints g_get_prgname () in its usage line */
  g_set_prgname (prgname);
  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context,
    "Exit status: 0 success; 1 bad input file (missing, unreadable, malformed, truncated,\n"
    "too large); 2 usage error (unknown command or option, missing arguments, unknown\n"
    "codec, unknown or out-of-range parameter).");
  g_option_context_add_main_entries (context, entries, NULL);

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      cli_usage_error (command, "%s", error->message);
      return FALSE;
    }
  return TRUE;
}

int
cli_usage_error (const char *command,
                 const char *format,
                 ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (command != NULL)
    g_printerr ("%s %s: %s\nTry “%s %s --help” for usage.\n", CLI_PROGRAM, command, message,
                CLI_PROGRAM, command);
  else
    g_printerr ("%s: %s\nTry “%s --help” for usage.\n", CLI_PROGRAM, message, CLI_PROGRAM);
  return CLI_EXIT_USAGE;
}

int
cli_exit_status_for (const GError *error)
{
  if (error != NULL && error->domain == LW_ERROR &&
      (error->code == LW_ERROR_INVALID_PARAM || error->code == LW_ERROR_UNKNOWN_CODEC))
    return CLI_EXIT_USAGE;
  return CLI_EXIT_BAD_INPUT;
}

/* Core messages often name the input already ("photo.png: image is …", "Failed to open
 * file “x”"); prefixing the path again would read badly. */
static gboolean
message_names_file (const char *message,
                    const char *file)
{
  if (strstr (message, file) != NULL)
    return TRUE;
  g_autofree char *base = g_path_get_basename (file);
  return strlen (base) >= 3 && strstr (message, base) != NULL;
}

int
cli_report_error (const char   *file,
                  const GError *error)
{
  const char *message = error != NULL ? error->message : "unknown error";

  if (file != NULL && !message_names_file (message, file))
    g_printerr ("%s: %s: %s\n", CLI_PROGRAM, file, message);
  else
    g_printerr ("%s: %s\n", CLI_PROGRAM, message);
  return cli_exit_status_for (error);
}

GBytes *
cli_read_file (const char  *path,
               gsize        max_bytes,
               GError     **error)
{
  g_autoptr (GMappedFile) mapped = NULL;
  g_autoptr (GError) local = NULL;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, LW_ERROR, LW_ERROR_IO, "%s: is a directory, not a file", path);
      return NULL;
    }
  mapped = g_mapped_file_new (path, FALSE, &local);
  if (mapped == NULL)
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, LW_ERROR, LW_ERROR_IO, "%s: no such file", path);
      else
        g_set_error (error, LW_ERROR, LW_ERROR_IO, "%s: cannot read: %s", path,
                     local->message);
      return NULL;
    }
  if (g_mapped_file_get_length (mapped) > max_bytes)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "%s: file is %" G_GSIZE_FORMAT " bytes; the limit is %" G_GSIZE_FORMAT,
                   path, g_mapped_file_get_length (mapped), max_bytes);
      return NULL;
    }
  /* Copy: the mapping would otherwise see later writes to the same path */
  return g_bytes_new (g_mapped_file_get_contents (mapped), g_mapped_file_get_length (mapped));
}

LwParams *
cli_params_from_args (const LwCodec  *codec,
                      char          **assignments,
                      GError        **error)
{
  g_autoptr (LwParams) params = lw_params_new (codec);

  for (guint i = 0; assignments != NULL && assignments[i] != NULL; i++)
    if (!lw_params_parse (params, assignments[i], error))
      return NULL;
  return g_steal_pointer (&params);
}

void
cli_print_json (JsonNode *root)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  g_print ("%s\n", text);
}

void
cli_json_add_double (JsonBuilder *b,
                     const char  *member,
                     double       value)
{
  json_builder_set_member_name (b, member);
  if (isfinite (value))
    json_builder_add_double_value (b, value);
  else
    json_builder_add_null_value (b);
}

char *
cli_format_double (double value,
                   int    decimals)
{
  char format[16];
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value))
    return g_strdup ("nan");
  if (isinf (value))
    return g_strdup (value > 0 ? "inf" : "-inf");
  g_snprintf (format, sizeof format, "%%.%df", CLAMP (decimals, 0, 12));
  return g_strdup (g_ascii_formatd (buf, sizeof buf, format, value));
}

const char *
cli_media_kind_name (LwMediaKind kind)
{
  switch (kind)
    {
    case LW_MEDIA_IMAGE:
      return "image";
    case LW_MEDIA_AUDIO:
      return "audio";
    default:
      return "unknown";
    }
}

const char *
cli_param_type_name (LwParamType type)
{
  switch (type)
    {
    case LW_PARAM_INT:
      return "int";
    case LW_PARAM_DOUBLE:
      return "double";
    case LW_PARAM_ENUM:
      return "enum";
    case LW_PARAM_BOOL:
      return "bool";
    default:
      return "unknown";
    }
}

char *
cli_format_duration (double s)
{
  if (!isfinite (s) || s < 0)
    return g_strdup ("?");
  guint64 t = (guint64) (s + 0.5);
  if (t >= 3600)
    return g_strdup_printf ("%" G_GUINT64_FORMAT "h%02um", t / 3600, (guint) (t % 3600 / 60));
  if (t >= 60)
    return g_strdup_printf ("%um%02us", (guint) (t / 60), (guint) (t % 60));
  return g_strdup_printf ("%us", (guint) t);
}

static volatile sig_atomic_t interrupted;
static struct sigaction previous_sigint;

static void
on_sigint (int sig)
{
  interrupted = 1;
  /* a second Ctrl-C is not caught */
  signal (sig, SIG_DFL);
}

void
cli_sigint_catch (void)
{
  struct sigaction sa = { 0 };
  interrupted = 0;
  sa.sa_handler = on_sigint;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGINT, &sa, &previous_sigint);
}

void
cli_sigint_release (void)
{
  sigaction (SIGINT, &previous_sigint, NULL);
}

gboolean
cli_interrupted (void)
{
  return interrupted != 0;
}

int
cli_train_outcome (gboolean ok, const GError *error, guint64 step, const char *out,
                   const char *resume_option)
{
  if (ok)
    return CLI_EXIT_OK;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* the trainer saved the checkpoint before returning */
      g_printerr ("%s: interrupted at step %" G_GUINT64_FORMAT "; %s holds the state; continue "
                  "with %s %s\n", CLI_PROGRAM, step, out, resume_option, out);
      return CLI_EXIT_INTERRUPTED;
    }
  return cli_report_error (NULL, error);
}
