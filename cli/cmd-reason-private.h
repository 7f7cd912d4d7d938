/* cmd-reason-private.h — what the `reason` subcommands' files share
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cli-common.h"

#include "lw-colar.h"
#include "lw-reasoner.h"

G_BEGIN_DECLS

/* One JSON object on its own line on stdout, flushed */
void     _cli_reason_print_json   (JsonBuilder *builder);
/* "1..5", "2", "1,3,5" → a bit mask of c values (bit c − 1); FALSE if malformed or empty */
gboolean _cli_reason_parse_speeds (const char *text, guint *mask);

int      _cli_reason_train        (int argc, char **argv);
int      _cli_reason_export       (int argc, char **argv);

G_END_DECLS
