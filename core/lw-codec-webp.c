/* lw-codec-webp.c — stub, to be written
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-codec-webp"
#include <glib.h>
