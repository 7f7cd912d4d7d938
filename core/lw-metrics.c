/* lw-metrics.c — stub, to be written
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-metrics"
#include <glib.h>
