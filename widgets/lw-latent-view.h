/* lw-latent-view.h — the latent channels of an encoding as a grid of small images with statistics
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shows an LwLatentInfo (core/lw-latent-inspect.h): a header line with the description and
 * the bit totals, then one tile per channel in index order, the channel in a diverging
 * blue–white–red colour map symmetric around 0 (white) over the channel's own range, or over
 * one range common to all channels ("common-range"), scaled nearest-neighbour into a box of
 * LW_LATENT_VIEW_TILE_SIZE pixels, captioned "#k · H=2.31 b · 1.2 kbit" (entropy in
 * bits/symbol, coded bits). Hovering a tile shows all its statistics. Without an info a
 * placeholder text is shown.
 */
#pragma once

#include <gtk/gtk.h>

#include "lw-latent-inspect.h"

G_BEGIN_DECLS

#define LW_LATENT_VIEW_TILE_SIZE 96 /* pixels, the longer side of a channel image */

#define LW_TYPE_LATENT_VIEW (lw_latent_view_get_type ())
G_DECLARE_FINAL_TYPE (LwLatentView, lw_latent_view, LW, LATENT_VIEW, GtkWidget)

GtkWidget          *lw_latent_view_new              (void);

/* Takes ownership of info; NULL clears the view and shows the placeholder. */
void                lw_latent_view_set_info         (LwLatentView  *self,
                                                     LwLatentInfo  *info);
/* (transfer none) (nullable) */
const LwLatentInfo *lw_latent_view_get_info         (LwLatentView  *self);

/* Shown while there is no info, e.g. "JPEG has no latent to show" */
void                lw_latent_view_set_placeholder  (LwLatentView  *self,
                                                     const char    *text);
const char         *lw_latent_view_get_placeholder  (LwLatentView  *self);

/* Property "common-range": one colour range for all channels instead of one per channel */
void                lw_latent_view_set_common_range (LwLatentView  *self,
                                                     gboolean       common);
gboolean            lw_latent_view_get_common_range (LwLatentView  *self);

/* Where channel k's image is drawn, in the view's coordinates (after scrolling); FALSE if
 * there is no such channel or the view is not laid out yet. */
gboolean            lw_latent_view_get_tile_bounds  (LwLatentView    *self,
                                                     guint            k,
                                                     graphene_rect_t *bounds);

/* The tooltip text of channel k (all its statistics); NULL if there is no such channel.
 * Free with g_free. */
char               *lw_latent_view_describe_channel (LwLatentView  *self,
                                                     guint          k);

G_END_DECLS
