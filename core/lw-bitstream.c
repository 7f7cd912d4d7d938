/* lw-bitstream.c — stub, to be written
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-bitstream"
#include <glib.h>
