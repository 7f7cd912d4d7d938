/* lw-codec-jpeg2000.c — stub, to be written
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-codec-jpeg2000"
#include <glib.h>
