/* lw-save-job.h — writing what a page saves (experiment, decoded image or audio, bitstream)
 * on a worker thread
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lw-project.h"
#include "lw-tensor.h"

G_BEGIN_DECLS

typedef enum
{
  LW_SAVE_PROJECT,  /* data: LwProject, written as experiment JSON */
  LW_SAVE_IMAGE,    /* data: LwTensor C×H×W in [0, 1], written as 8-bit PNG */
  LW_SAVE_AUDIO,    /* data: LwTensor C×T with sample_rate, WAV or FLAC by the name */
  LW_SAVE_BYTES,    /* data: GBytes, written as they are (a .lwc) */
} LwSaveKind;

/* Writes `data` (taken) to `path` atomically on a worker thread: what was at `path` stays
 * intact when writing fails. */
void        lw_save_async    (LwSaveKind           kind,
                              const char          *path,
                              gpointer             data,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data);
gboolean    lw_save_finish   (GAsyncResult  *result,
                              GError       **error);
/* The path the result is about (owned by the result) */
const char *lw_save_get_path (GAsyncResult *result);
/* The message for the user: "Saved “name”" or "Could not save “name”: problem" */
char       *lw_save_message  (const char   *path,
                              const GError *error);

G_END_DECLS
