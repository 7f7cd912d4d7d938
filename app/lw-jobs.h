/* lw-jobs.h — work the window hands to worker threads: loading an image, and one
 * analyse → encode → decode → measure round trip for the rate slider
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Workers get immutable, reference-counted inputs (LwSharedImage, LwAnalysis) so the window
 * can drop its own references at any time — for instance when a new image replaces the one a
 * worker is still encoding — without freeing memory the worker uses. They never touch widgets:
 * pixels come back as LwPixels and the main thread makes textures of them.
 */
#pragma once

#include <gio/gio.h>

#include "lw-codec.h"
#include "lw-colormap.h"
#include "lw-image-io.h"
#include "lw-latent-inspect.h"
#include "lw-measure.h"
#include "lw-texture.h"

G_BEGIN_DECLS

/* An image loaded from `name`, never modified after creation. Atomic reference count. */
typedef struct
{
  LwTensor *tensor;  /* C×H×W in [0, 1] */
  char     *name;    /* display name of the file it came from */
  char     *path;    /* absolute local path of that file, nullable */
} LwSharedImage;

LwSharedImage *lw_shared_image_new   (LwTensor *tensor, const char *name); /* takes tensor */
LwSharedImage *lw_shared_image_ref   (LwSharedImage *image);
void           lw_shared_image_unref (LwSharedImage *image);

/* A codec analysis of one image under one set of non-rate parameters. Only one encode uses it
 * at a time (the window runs one worker at a time); the last reference frees it. */
typedef struct _LwAnalysis LwAnalysis;

/* Takes `data` (the codec's analysis of `image` under `params`; freed with the codec's
 * analysis_free). Works for any signal: images and audio alike are LwSharedImage. */
LwAnalysis *lw_analysis_new     (LwSharedImage  *image,
                                 const LwParams *params,
                                 gpointer        data);
LwAnalysis *lw_analysis_ref     (LwAnalysis *analysis);
void        lw_analysis_unref   (LwAnalysis *analysis);
/* The codec's analysis data (what lw_codec_encode takes); owned by `analysis` */
gpointer    lw_analysis_get_data (const LwAnalysis *analysis);
/* Can this analysis serve an encode of `image` with `params`? */
gboolean    lw_analysis_matches (const LwAnalysis    *analysis,
                                 const LwSharedImage *image,
                                 const LwParams      *params);

/* Image loading */
typedef struct
{
  LwSharedImage *image;
  LwImageInfo    info;
  LwPixels       pixels;
} LwLoadResult;

void          lw_load_result_free   (LwLoadResult *result);
/* `source_object` (nullable) is kept alive until the callback has run. */
void          lw_load_image_async   (GObject             *source_object,
                                     GFile               *file,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
LwLoadResult *lw_load_image_finish  (GAsyncResult  *result,
                                     GError       **error);

/* One point of the rate slider */
typedef struct
{
  guint64        serial;    /* chosen by the caller, returned in the result */
  LwSharedImage *image;     /* owned reference */
  LwParams      *params;    /* owned copy; params->codec is the codec */
  LwAnalysis    *analysis;  /* owned reference, nullable: analyse first when NULL */
  double         diff_gain; /* magnification of the difference heat map, 1–256 */
  gboolean       diff;      /* also make the difference heat map */
  gboolean       latent;    /* also inspect the codec's latent (when it has one) */
  gboolean       structural; /* also SSIM and MS-SSIM (else NaN: see lw_structural_async) */
} LwEncodeRequest;

typedef struct
{
  guint64       serial;
  gboolean      complete;     /* FALSE: cancelled after the analysis; only `analysis` is set */
  LwAnalysis   *analysis;     /* the analysis used (reused or new): cache it */
  gboolean      analysis_reused;
  LwMeasure     measure;      /* rate, distortion and times (analyse_ms 0 when reused) */
  GBytes       *lwc;          /* the complete .lwc file */
  LwSharedImage *decoded;     /* the decoded image, C×H×W in [0, 1] */
  LwPixels      pixels;       /* the decoded image, ready for a texture */
  LwPixels      diff_pixels;  /* |original − decoded| heat map; empty when not asked for */
  double        diff_max;     /* largest difference found, 8-bit units */
  LwLatentInfo *latent;       /* nullable: not asked for, or the codec has none */
  char         *latent_error; /* nullable: why there is no latent to show */
  gboolean      latent_done;  /* the latent was asked for (latent or latent_error is set) */
} LwEncodeResult;

LwEncodeRequest *lw_encode_request_new  (guint64              serial,
                                         LwSharedImage       *image,
                                         const LwParams      *params,
                                         LwAnalysis          *analysis);
void             lw_encode_request_free (LwEncodeRequest *request);
void             lw_encode_result_free  (LwEncodeResult *result);

/* Takes `request`. `source_object` (nullable) is kept alive until the callback has run. */
void            lw_encode_async  (GObject             *source_object,
                                  LwEncodeRequest     *request,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
LwEncodeResult *lw_encode_finish (GAsyncResult  *result,
                                  GError       **error);

/* Workers' callbacks get a weak reference to their widget, never a strong one: the last
 * reference to a GTask (and so to what it holds) can be dropped on the worker thread, and a
 * widget must not be finalized there. A closed window is freed at once; late results find
 * it gone. */
GWeakRef *lw_weak_ref_new  (gpointer  object);
void      lw_weak_ref_free (GWeakRef *ref);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GWeakRef, lw_weak_ref_free)
/* SSIM and MS-SSIM of `decoded` against `image` — the slow figures, computed after the rest of
 * a result is on show so the picture follows the slider without waiting for them. */
void     lw_structural_async  (GObject             *source_object,
                               LwSharedImage       *image,
                               LwSharedImage       *decoded,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data);
gboolean lw_structural_finish (GAsyncResult  *result,
                               double        *ssim,
                               double        *ms_ssim,
                               GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwSharedImage, lw_shared_image_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwAnalysis, lw_analysis_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwLoadResult, lw_load_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwEncodeRequest, lw_encode_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwEncodeResult, lw_encode_result_free)

G_END_DECLS
