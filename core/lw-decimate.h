/* lw-decimate.h — min/max pyramids: per-column extremes of a signal for waveform drawing
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A pyramid over one channel of n samples keeps the samples (level 0) and, for k = 1, 2, …,
 * the minimum and maximum of each block of 2^k samples (the last block of a level may be
 * shorter). Any range [a, b) of samples is then the union of at most two blocks per level,
 * so its extremes cost O(log n) and a whole view of N columns O(N log n), exactly (no
 * approximation: the same values a brute-force scan finds). Levels 1–3 are read from the
 * samples when needed rather than stored, so the memory is about 1.25 n floats.
 * Units: sample indices (not seconds); the caller maps time with its sample rate.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _LwMinMaxPyramid LwMinMaxPyramid;

/* Copies x[0..n); n ≥ 1 (NULL for n = 0). */
LwMinMaxPyramid *lw_minmax_pyramid_new         (const float *x,
                                                gsize        n);
void             lw_minmax_pyramid_free        (LwMinMaxPyramid *pyr);
gsize            lw_minmax_pyramid_get_length  (const LwMinMaxPyramid *pyr);
/* Levels including level 0 (the samples): ⌈log2 n⌉ + 1 */
guint            lw_minmax_pyramid_get_n_levels (const LwMinMaxPyramid *pyr);
/* (transfer none): the n samples */
const float     *lw_minmax_pyramid_get_samples (const LwMinMaxPyramid *pyr);

/* Extremes of samples [start, end), clamped to [0, n); FALSE (outputs untouched) when the
 * clamped range is empty. */
gboolean         lw_minmax_pyramid_range       (const LwMinMaxPyramid *pyr,
                                                gsize                  start,
                                                gsize                  end,
                                                float                 *min_out,
                                                float                 *max_out);

/* The samples [start, end) (fractional sample positions, start < end) split into n_cols
 * equal columns: column i spans positions [s_i, s_i+1) with s_i = start + i·(end − start)/n_cols
 * and holds the samples k with ⌈s_i⌉ ≤ k < ⌈s_i+1⌉ (see lw_minmax_pyramid_column_span).
 * A column narrower than a sample holds none: it gets the nearest sample, k = ⌊(s_i + s_i+1)/2⌋,
 * so zoomed-in views stay continuous. Columns with no sample inside [0, n) get NaN. */
void             lw_minmax_pyramid_columns     (const LwMinMaxPyramid *pyr,
                                                double                 start,
                                                double                 end,
                                                guint                  n_cols,
                                                float                 *min_out,
                                                float                 *max_out);

/* The sample range [*a, *b) column i of lw_minmax_pyramid_columns covers, before clamping to
 * [0, n) (may be negative or beyond n); *a < *b always. */
void             lw_minmax_pyramid_column_span (double  start,
                                                double  end,
                                                guint   n_cols,
                                                guint   i,
                                                gint64 *a,
                                                gint64 *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwMinMaxPyramid, lw_minmax_pyramid_free)

G_END_DECLS
