/* lw-error.c — the LW_ERROR domain
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-error"

#include "lw-error.h"

G_DEFINE_QUARK (lw-error-quark, lw_error)
