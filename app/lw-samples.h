/* lw-samples.h — where the bundled sample images are
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* (transfer full) (nullable): the path of the first bundled sample image (PNG or JPEG, by
 * name order), looked up in $LW_DATADIR/samples, the installed data folder, and the source
 * tree's data/samples (so the app works straight from a build directory). */
char *lw_samples_find_default (void);
/* (transfer full) (nullable): the first bundled sample sound (WAV or FLAC, by name order), in
 * the same folders */
char *lw_samples_find_default_audio (void);

G_END_DECLS
