/* wavelet-speed.c — throughput of the CDF 9/7 J=3 packet transform on a 3×512×512 image
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: wavelet-speed [RUNS]   (default 20)
 *
 * Prints megapixels per second (image pixels, the three channels together) for the forward
 * and the inverse transform on one thread, best of RUNS after a warm-up run. Wall-clock and
 * thread CPU time are both shown: on a shared machine the CPU-time figure is the one that
 * says what one core does. The codec needs ≥ 20 MP/s for a whole encode or decode; the
 * forward transform alone aims at ≥ 100 MP/s.
 */
#define G_LOG_DOMAIN "wavelet-speed"

#include <time.h>

#include <glib.h>

#include "lw-wavelet.h"

typedef struct
{
  double wall, cpu; /* seconds */
} Stamp;

static Stamp
now (void)
{
  struct timespec ts;
  Stamp s;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  s.cpu = (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
  s.wall = (double) g_get_monotonic_time () * 1e-6;
  return s;
}

int
main (int argc, char **argv)
{
  guint runs = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 20;
  gsize h = 512, w = 512;
  double mp = (double) (h * w) / 1e6;
  Stamp best_fwd = { G_MAXDOUBLE, G_MAXDOUBLE }, best_inv = { G_MAXDOUBLE, G_MAXDOUBLE };
  double max_err = 0.0;
  g_autoptr (LwTensor) x = lw_tensor_new_3d (3, h, w);
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);

  for (gsize i = 0; i < lw_tensor_numel (x); i++)
    x->data[i] = (float) g_rand_double_range (rand, -0.5, 0.5);

  for (guint r = 0; r < MAX (runs, 1) + 1; r++)
    {
      g_autoptr (GError) error = NULL;
      Stamp t0 = now ();
      g_autoptr (LwTensor) y = lw_wpt2d_forward (LW_WAVELET_CDF97, x, 3, &error);
      Stamp t1 = now ();
      g_autoptr (LwTensor) xr = y ? lw_wpt2d_inverse (LW_WAVELET_CDF97, y, 3, &error) : NULL;
      Stamp t2 = now ();
      if (error != NULL)
        g_error ("%s", error->message);
      if (r == 0)
        {
          for (gsize i = 0; i < lw_tensor_numel (x); i++)
            max_err = MAX (max_err, ABS (xr->data[i] - x->data[i]));
          continue; /* warm-up: first-touch page faults */
        }
      best_fwd.wall = MIN (best_fwd.wall, t1.wall - t0.wall);
      best_fwd.cpu = MIN (best_fwd.cpu, t1.cpu - t0.cpu);
      best_inv.wall = MIN (best_inv.wall, t2.wall - t1.wall);
      best_inv.cpu = MIN (best_inv.cpu, t2.cpu - t1.cpu);
    }

  g_print ("cdf97 J=3 3x%" G_GSIZE_FORMAT "x%" G_GSIZE_FORMAT ", best of %u, round-trip max "
           "error %.2g\n", h, w, MAX (runs, 1), max_err);
  g_print ("  forward  %7.1f MP/s wall (%.2f ms)  %7.1f MP/s cpu (%.2f ms)\n",
           mp / best_fwd.wall, best_fwd.wall * 1e3, mp / best_fwd.cpu, best_fwd.cpu * 1e3);
  g_print ("  inverse  %7.1f MP/s wall (%.2f ms)  %7.1f MP/s cpu (%.2f ms)\n",
           mp / best_inv.wall, best_inv.wall * 1e3, mp / best_inv.cpu, best_inv.cpu * 1e3);
  g_print ("  fwd+inv  %7.1f MP/s wall            %7.1f MP/s cpu\n",
           mp / (best_fwd.wall + best_inv.wall), mp / (best_fwd.cpu + best_inv.cpu));
  return 0;
}
