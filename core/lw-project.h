/* lw-project.h — experiment (project) files: image, codec, parameters, view and RD panel as JSON
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One file that the GUI reopens in the same state and `latent-workbench-cli run` replays;
 * the format is specified in docs/project-format.md. Loading validates every field and names
 * the bad one in an LW_ERROR; nothing in a file can make the loader allocate more than a
 * small multiple of LW_PROJECT_MAX_BYTES. Units: centre in image pixels, zoom as a scale
 * factor (1 = one image pixel per screen pixel), split as a fraction of the width.
 */
#pragma once

#include <glib.h>

#include "lw-codec.h"
#include "lw-measure.h"

G_BEGIN_DECLS

#define LW_PROJECT_FORMAT    "latent-workbench-experiment"
#define LW_PROJECT_VERSION   1
#define LW_PROJECT_MAX_BYTES ((gsize) 1 << 20)  /* 1 MiB: larger files are refused unread */
#define LW_PROJECT_MAX_ZOOM  32.0
#define LW_PROJECT_MIN_DIFF_GAIN 1.0
#define LW_PROJECT_MAX_DIFF_GAIN 256.0

typedef struct
{
  char     *image;          /* absolute path after load */
  LwParams *params;         /* params->codec is the codec */
  char     *compare_mode;   /* "split" (default), "side-by-side", "difference", "latent" */
  double    zoom;           /* 0 = fit, else (0, LW_PROJECT_MAX_ZOOM] */
  double    center_x, center_y; /* NaN = centred */
  double    split;          /* 0.5, in [0, 1] */
  double    diff_gain;      /* 8, in [LW_PROJECT_MIN_DIFF_GAIN, LW_PROJECT_MAX_DIFF_GAIN] */
  char    **rd_codecs;      /* NULL-terminated, may be empty */
  char     *rd_anchor;      /* nullable */
  char     *rd_metric;      /* "psnr" (default), "psnr-y", "ssim", "ms-ssim" */
  gboolean  rd_log_rate;
  gboolean  has_results;
  LwMeasure results;        /* timings are neither saved nor loaded (0 after load) */
} LwProject;

/* Defaults for everything but the codec (its default parameters) and the image path, which is
 * made absolute against the current folder. (transfer full) */
LwProject *lw_project_new       (const LwCodec *codec, const char *image_path);
void       lw_project_free      (LwProject *project);
/* Reads at most LW_PROJECT_MAX_BYTES; errors start with the file name. (transfer full) */
LwProject *lw_project_load      (const char *path, GError **error);
/* Atomic (temporary file + rename in the same folder): a failed save leaves any existing
 * file as it was. The image path is stored relative to the file's folder when it lies in it
 * or below, else absolute. */
gboolean   lw_project_save      (const LwProject *project, const char *path, GError **error);
/* base_dir (nullable): folder that a relative image path refers to. (transfer full) */
char      *lw_project_to_json   (const LwProject *project, const char *base_dir);
/* base_dir (nullable: the current folder) resolves a relative image path. (transfer full) */
LwProject *lw_project_from_json (const char *text, gsize len, const char *base_dir,
                                 GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwProject, lw_project_free)

G_END_DECLS
