/* main.c — latent-workbench-cli entry point: dispatches to the subcommands
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-cli"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli-common.h"

typedef struct
{
  const char     *name;
  CliCommandFunc  func;
  const char     *synopsis;
} CliCommand;

static const CliCommand commands[] = {
  { "codecs", cli_cmd_codecs, "codecs [--json]" },
  { "encode", cli_cmd_encode, "encode --codec NAME [--param KEY=VALUE]... INPUT OUTPUT.lwc" },
  { "decode", cli_cmd_decode, "decode [--reference ORIGINAL] INPUT.lwc OUTPUT.png|.wav|.flac" },
  { "info",   cli_cmd_info,   "info [--json] FILE.lwc" },
  { "rd",     cli_cmd_rd,     "rd --codec NAME[:KEY=VALUE,...] [--codec ...]... [--points N] [--csv FILE] [--json] IMAGE...|AUDIO..." },
  { "run",    cli_cmd_run,    "run [--json] [--out-lwc FILE] [--out-png FILE] EXPERIMENT.json" },
  { "train",  cli_cmd_train,  "train decoder --images DIR|FILE... --out FILE [--steps N] [--batch N] [--crop N] [--width N] [--blocks N] [--latents N] [--lr X] [--proxy noise|quantise] [--resume FILE] [--threads N] [--seed N] [--json]" },
  { "reason", cli_cmd_reason, "reason train --stage cot|nocot|colar [--from CKPT] --out CKPT [--steps N] [--lr X] [--threads N] [--seed N] | reason eval CKPT... [--c 1..5] [--seeds N] [--n N] [--json] | reason run CKPT --question TEXT|--test-index K [--c N] [--json] | reason export CKPT OUT" },
};

static void
print_usage (FILE *out)
{
  fprintf (out, "Usage: %s COMMAND [OPTION…] [ARG…]\n\n", CLI_PROGRAM);
  fprintf (out, "Latent Workbench from the command line: codecs, encode, decode, inspect, RD sweeps,\n"
               "replaying saved experiments. Images are PNG or JPEG; audio (WAV, FLAC, Ogg, AIFF,\n"
               "by extension) takes the audio codecs.\n\n");
  fprintf (out, "Commands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %s\n", commands[i].synopsis);
  fprintf (out,
           "\n"
           "Run “%s COMMAND --help” for a command’s options.\n"
           "\n"
           "Exit status:\n"
           "  0  success\n"
           "  1  bad input: a file is missing, unreadable, malformed, truncated or too large\n"
           "  2  usage error: unknown command or option, missing arguments, unknown codec,\n"
           "     unknown or out-of-range parameter\n"
           "  3  run: the experiment ran but did not reproduce the results it records\n"
           "  130  train: interrupted by Ctrl-C after saving the checkpoint (resume with --resume)\n"
           "       reason train: the same (continue with --from)\n"
           "\n"
           "An output file is written only when the command succeeds; an existing file\n"
           "is never left half-written.\n",
           CLI_PROGRAM);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  /* Numbers in text, CSV and JSON must read the same everywhere: scripts parse them */
  setlocale (LC_NUMERIC, "C");
  g_set_prgname (CLI_PROGRAM);
  lw_memory_keep_large_blocks ();

  if (argc < 2)
    {
      print_usage (stderr);
      return CLI_EXIT_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 ||
      strcmp (argv[1], "help") == 0)
    {
      print_usage (stdout);
      return CLI_EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      g_print ("%s %s\n", CLI_PROGRAM, PACKAGE_VERSION);
      return CLI_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].func (argc - 1, argv + 1);

  g_printerr ("%s: unknown %s “%s”\n\n", CLI_PROGRAM,
              argv[1][0] == '-' ? "option" : "command", argv[1]);
  print_usage (stderr);
  return CLI_EXIT_USAGE;
}
