/* lw-compare-view.h — two images side by side at one common scale, each under a caption
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LW_TYPE_COMPARE_VIEW (lw_compare_view_get_type ())
G_DECLARE_FINAL_TYPE (LwCompareView, lw_compare_view, LW, COMPARE_VIEW, GtkWidget)

GtkWidget  *lw_compare_view_new                 (void);

GdkTexture *lw_compare_view_get_original        (LwCompareView *self);
void        lw_compare_view_set_original        (LwCompareView *self,
                                                 GdkTexture    *texture);
GdkTexture *lw_compare_view_get_decoded         (LwCompareView *self);
void        lw_compare_view_set_decoded         (LwCompareView *self,
                                                 GdkTexture    *texture);
const char *lw_compare_view_get_original_caption (LwCompareView *self);
void        lw_compare_view_set_original_caption (LwCompareView *self,
                                                  const char    *caption);
const char *lw_compare_view_get_decoded_caption (LwCompareView *self);
void        lw_compare_view_set_decoded_caption (LwCompareView *self,
                                                 const char    *caption);

G_END_DECLS
