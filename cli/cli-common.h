/* cli-common.h — shared helpers for latent-workbench-cli subcommands (errors, exit codes, JSON)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Exit status contract (scripts rely on it):
 *   0  success
 *   1  bad input: a file is missing, unreadable, malformed, truncated or too large
 *   2  usage error: unknown command or option, missing arguments, unknown codec,
 *      unknown or out-of-range parameter
 *   3  `run` only: the experiment ran but did not reproduce its recorded results
 *   130  `train` only: interrupted (SIGINT); the checkpoint was saved and the run can resume
 * Error messages go to stderr as "latent-workbench-cli: FILE: problem".
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "lw-codec.h"
#include "lw-tensor.h"

G_BEGIN_DECLS

#define CLI_PROGRAM "latent-workbench-cli"

enum
{
  CLI_EXIT_OK = 0,
  CLI_EXIT_BAD_INPUT = 1,
  CLI_EXIT_USAGE = 2,
  CLI_EXIT_NOT_REPRODUCED = 3,  /* `run`: the results differ from those the experiment records */
  CLI_EXIT_INTERRUPTED = 130,   /* `train`: stopped by SIGINT after saving (128 + SIGINT) */
};

typedef int (*CliCommandFunc) (int argc, char **argv);

int  cli_cmd_codecs (int argc, char **argv);
int  cli_cmd_encode (int argc, char **argv);
int  cli_cmd_decode (int argc, char **argv);
int  cli_cmd_info   (int argc, char **argv);
int  cli_cmd_rd     (int argc, char **argv);
int  cli_cmd_run    (int argc, char **argv);
int  cli_cmd_train  (int argc, char **argv);
int  cli_cmd_reason (int argc, char **argv);

/* Parses argv with a fresh GOptionContext for `command`. On a parse error prints the
 * error and the command's short usage to stderr and returns FALSE (exit 2). --help is
 * handled by GLib (prints to stdout, exits 0). */
gboolean cli_parse_options (const char *command, const char *parameter_string,
                            const char *summary, const GOptionEntry *entries,
                            int *argc, char ***argv);

/* "latent-workbench-cli: usage error text" plus a hint to --help; returns CLI_EXIT_USAGE */
int  cli_usage_error (const char *command, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Prints "latent-workbench-cli: FILE: message" (FILE omitted when NULL or already named at
 * the start of the message) and returns the exit status that fits the error: 2 for
 * LW_ERROR_INVALID_PARAM / LW_ERROR_UNKNOWN_CODEC, 1 otherwise. */
int  cli_report_error (const char *file, const GError *error);
int  cli_exit_status_for (const GError *error);

/* Reads a whole file (at most `max_bytes`), naming the file in the error. */
GBytes   *cli_read_file (const char *path, gsize max_bytes, GError **error);

/* Looks the codec up and applies KEY=VALUE assignments; errors are usage errors. */
LwParams *cli_params_from_args (const LwCodec *codec, char **assignments, GError **error);

/* Writes a JSON node to stdout, pretty-printed, followed by a newline. */
void      cli_print_json (JsonNode *root);
/* Adds a double member, or null when it is not finite (JSON has no inf/NaN). */
void      cli_json_add_double (JsonBuilder *b, const char *member, double value);

/* "12.34" or "inf"/"nan" with a fixed number of decimals, locale-independent */
char     *cli_format_double (double value, int decimals);

const char *cli_media_kind_name (LwMediaKind kind);
const char *cli_param_type_name (LwParamType type);

/* A duration for progress lines: "42s", "3m07s", "1h05m"; "?" when unknown */
char    *cli_format_duration (double seconds);

/* Ctrl-C during training: cli_sigint_catch makes the first SIGINT only set a flag (a second
 * one is not caught) until cli_sigint_release; cli_interrupted reads the flag */
void     cli_sigint_catch    (void);
void     cli_sigint_release  (void);
gboolean cli_interrupted     (void);
/* How a trainer's run ended: stopped by Ctrl-C (the checkpoint `out` saved at `step`) prints
 * how to continue with resume_option and gives CLI_EXIT_INTERRUPTED; another error is
 * reported; success gives CLI_EXIT_OK */
int      cli_train_outcome   (gboolean ok, const GError *error, guint64 step, const char *out,
                              const char *resume_option);

G_END_DECLS
