/* wavelet-speed.c — throughput of the CDF 9/7 J=3 packet transform on a 3×512×512 image
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Prints megapixels (image pixels, all three channels together) per second for the forward
 * and the inverse transform, best of a few runs after a warm-up, on one thread. The codec's
 * budget is ≥ 20 MP/s for a whole encode; the transform alone should stay far above that.
 */
#define G_LOG_DOMAIN "wavelet-speed"

#include <glib.h>

#include "lw-wavelet.h"

int
main (int argc, char **argv)
{
  guint runs = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 10;
  gsize h = 512, w = 512;
  double mp = (double) (h * w) / 1e6;
  double best_fwd = G_MAXDOUBLE, best_inv = G_MAXDOUBLE;
  g_autoptr (GError) error = NULL;
  g_autoptr (LwTensor) x = lw_tensor_new_3d (3, h, w);
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);

  for (gsize i = 0; i < lw_tensor_numel (x); i++)
    x->data[i] = (float) g_rand_double_range (rand, -0.5, 0.5);

  for (guint r = 0; r < MAX (runs, 1) + 1; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr (LwTensor) y = lw_wpt2d_forward (LW_WAVELET_CDF97, x, 3, &error);
      gint64 t1 = g_get_monotonic_time ();
      g_autoptr (LwTensor) xr = lw_wpt2d_inverse (LW_WAVELET_CDF97, y, 3, &error);
      gint64 t2 = g_get_monotonic_time ();
      if (error != NULL)
        g_error ("%s", error->message);
      if (r == 0)
        continue; /* warm-up: first-touch page faults */
      best_fwd = MIN (best_fwd, (t1 - t0) / 1e6);
      best_inv = MIN (best_inv, (t2 - t1) / 1e6);
    }

  g_print ("cdf97 J=3 3x%zux%zu: forward %.1f MP/s (%.2f ms), inverse %.1f MP/s (%.2f ms), "
           "forward+inverse %.1f MP/s\n",
           h, w, mp / best_fwd, best_fwd * 1e3, mp / best_inv, best_inv * 1e3,
           mp / (best_fwd + best_inv));
  return 0;
}
