/* lw-project.h — experiment (project) files: image or audio, codec, parameters, view, RD panel,
 * results and (audio) the blind ABX session as JSON
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One file that the GUI reopens in the same state and `latent-workbench-cli run` replays;
 * the format is specified in docs/project-format.md. Loading validates every field and names
 * the bad one in an LW_ERROR; nothing in a file can make the loader allocate more than a
 * small multiple of LW_PROJECT_MAX_BYTES. Units: centre in image pixels, zoom as a scale
 * factor (1 = one image pixel per screen pixel), split as a fraction of the width; audio times
 * in seconds from the start of the clip.
 *
 * Ownership: the project owns every pointer in it (strings, params, rd_codecs, abx) and
 * lw_project_free frees them; replace a field by freeing the old value first.
 */
#pragma once

#include <glib.h>

#include "lw-abx.h"
#include "lw-audio-measure.h"
#include "lw-codec.h"
#include "lw-measure.h"
#include "lw-stft.h"

G_BEGIN_DECLS

#define LW_PROJECT_FORMAT    "latent-workbench-experiment"
#define LW_PROJECT_VERSION   1
#define LW_PROJECT_MAX_BYTES ((gsize) 1 << 20)  /* 1 MiB: larger files are refused unread */
#define LW_PROJECT_MAX_ZOOM  32.0
#define LW_PROJECT_MIN_DIFF_GAIN 1.0
#define LW_PROJECT_MAX_DIFF_GAIN 256.0

typedef struct
{
  LwMediaKind kind;         /* LW_MEDIA_IMAGE or LW_MEDIA_AUDIO, always params->codec->kind */
  char     *image;          /* image experiments: absolute path after load; NULL for audio */
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
  LwMeasure results;        /* image results; timings are neither saved nor loaded */

  /* Audio experiments (kind == LW_MEDIA_AUDIO). The image view fields above keep their
   * defaults and are not saved; rd_* apply with audio codecs and rd_metric from "psnr"
   * (WaLLoC's audio PSNR, the default), "snr", "si-sdr", "lsd". */
  char       *audio;              /* absolute path after load; NULL for images */
  double      view_start, view_end; /* visible span in seconds; both NaN = the whole clip;
                                   * times are at most LW_AUDIO_MAX_SECONDS */
  double      cursor;             /* playhead in seconds, NaN = none */
  double      selection_start, selection_end; /* seconds, both NaN = no selection */
  LwAbxChoice source;             /* what the A/B switch plays: LW_ABX_A original, B decoded */
  LwFreqScale spectrogram_scale;  /* LW_FREQ_LOG by default */
  LwAudioMeasure audio_results;   /* valid when has_results; timings not saved (0 after load) */
  LwAbx      *abx;                /* blind ABX session, NULL = none (owned) */
} LwProject;

/* Defaults for everything but the codec (its default parameters) and the media path, which is
 * made absolute against the current folder. The codec's kind decides the experiment's: for an
 * audio codec `image_path` is the audio file and lands in `audio`. (transfer full) */
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
