/* lw-rd.h — rate–distortion sweeps, curves, and Bjøntegaard deltas
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lw-codec.h"

G_BEGIN_DECLS

typedef struct
{
  double param;      /* the swept parameter's value */
  gsize  bytes;      /* size of the .lwc file */
  double bpp;        /* bits per pixel of the .lwc file */
  double psnr;       /* dB, RGB */
  double psnr_y;     /* dB */
  double ssim;
  double ms_ssim;
  double dim_reduction; /* input samples / latent values (1 for classic codecs) */
  double encode_ms;
  double decode_ms;
  /* Audio points (lw-audio-measure.h); NaN for images. For audio, bpp is bits per sample per
   * channel and psnr is lw_audio_psnr, so curves, BD-rate and plots work unchanged. */
  double kbps;       /* kbit/s of the .lwc over the clip's duration */
  double snr;        /* dB */
  double si_sdr;     /* dB */
  double lsd;        /* log-spectral distance, dB */
} LwRdPoint;

typedef struct
{
  char   *codec;     /* codec name */
  char   *label;     /* e.g. image file name */
  GArray *points;    /* LwRdPoint, sorted by bpp ascending */
} LwRdCurve;

typedef void (*LwProgressFunc) (double fraction, gpointer user_data);

LwRdCurve *lw_rd_curve_new   (const char *codec, const char *label);
void       lw_rd_curve_free  (LwRdCurve *curve);
void       lw_rd_curve_add   (LwRdCurve *curve, const LwRdPoint *point); /* keeps bpp order */
/* TRUE if PSNR does not decrease as bpp increases */
gboolean   lw_rd_curve_is_monotone (const LwRdCurve *curve);

/* Values of codec->sweep_param spread over its range (geometrically if log_scale). */
double    *lw_rd_sweep_values (const LwCodec *codec, guint n_points);

/* Encode + decode the image at n_points settings of the codec's sweep parameter, the other
 * parameters from `base` (NULL: defaults). Polls `cancellable` between points. An audio codec
 * (kind LW_MEDIA_AUDIO) takes C×T audio instead and fills the audio fields of its points. */
LwRdCurve *lw_rd_sweep (const LwCodec *codec, const LwTensor *image, const LwParams *base,
                        guint n_points, const char *label, LwProgressFunc progress,
                        gpointer user_data, GCancellable *cancellable, GError **error);

/* Bjøntegaard (VCEG-M33): cubic fit of log rate against PSNR (BD-rate) or PSNR against
 * log rate (BD-PSNR), integrated over the overlapping interval. BD-rate in percent
 * (negative = test needs fewer bits), BD-PSNR in dB. Error when fewer than 4 points or no
 * overlap. */
gboolean   lw_bd_rate (const LwRdCurve *anchor, const LwRdCurve *test, double *percent,
                       GError **error);
gboolean   lw_bd_psnr (const LwRdCurve *anchor, const LwRdCurve *test, double *db,
                       GError **error);
/* Same on plain arrays (rates in bpp, psnr in dB), n ≥ 4 each */
gboolean   lw_bd_rate_arrays (const double *r1, const double *p1, guint n1,
                              const double *r2, const double *p2, guint n2,
                              double *percent, GError **error);
gboolean   lw_bd_psnr_arrays (const double *r1, const double *p1, guint n1,
                              const double *r2, const double *p2, guint n2,
                              double *db, GError **error);

/* The mean over several images' sweeps of one codec at matched settings: point k averages
 * every field over the images at sweep value k. Settings missing from any image (a sweep may
 * drop a repeated integer value) are left out. (transfer full) */
LwRdCurve *lw_rd_curve_mean (LwRdCurve **curves, guint n_images, const char *label);

/* Interpolated PSNR at a target bpp (linear in log bpp); NaN outside the curve */
double     lw_rd_curve_psnr_at (const LwRdCurve *curve, double bpp);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwRdCurve, lw_rd_curve_free)

G_END_DECLS
