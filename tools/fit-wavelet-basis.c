/* fit-wavelet-basis.c — fits the shipped PCA bases of the wavelet-latent codec
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: fit-wavelet-basis OUT.lwm IMAGE...
 * For every wavelet (haar, cdf53, cdf97), J = 1..3 and channels 1 (gray, BT.601 luma of the
 * inputs) and 3 (RGB; gray inputs are repeated to three channels), accumulates the covariance of
 * the codec's packet channels over all positions of all images and stores the full eigenbasis.
 * The command that made data/models/wavelet-latent-pca.lwm is in tools/fit-wavelet-basis.sh.
 */
#define G_LOG_DOMAIN "fit-wavelet-basis"

#include "lw-image-io.h"
#include "lw-pca.h"
#include "lw-wavelet-latent.h"

#include <stdio.h>

static LwTensor *
with_channels (const LwTensor *img, guint c)
{
  guint ic = img->shape[0];
  gsize h = img->shape[1], w = img->shape[2], plane = h * w;
  LwTensor *out = lw_tensor_new_3d (c, h, w);
  for (gsize i = 0; i < plane; i++)
    {
      float r = img->data[i];
      float g = ic >= 3 ? img->data[plane + i] : r;
      float b = ic >= 3 ? img->data[2 * plane + i] : r;
      if (c == 1)
        out->data[i] = 0.299f * r + 0.587f * g + 0.114f * b;
      else
        {
          out->data[i] = r;
          out->data[plane + i] = g;
          out->data[2 * plane + i] = b;
        }
    }
  return out;
}

int
main (int argc, char **argv)
{
  if (argc < 3)
    {
      fprintf (stderr, "usage: %s OUT.lwm IMAGE...\n", argv[0]);
      return 2;
    }
  GPtrArray *images = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_tensor_free);
  for (int i = 2; i < argc; i++)
    {
      GError *error = NULL;
      LwTensor *t = lw_image_load (argv[i], NULL, &error);
      if (t == NULL)
        {
          fprintf (stderr, "%s: %s\n", argv[i], error->message);
          return 1;
        }
      g_ptr_array_add (images, t);
    }

  GPtrArray *bases = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_pca_free);
  const guint chans[] = { 1, 3 };
  for (guint ci = 0; ci < G_N_ELEMENTS (chans); ci++)
    for (guint wv = LW_WAVELET_HAAR; wv <= LW_WAVELET_CDF97; wv++)
      for (guint levels = 1; levels <= 3; levels++)
        {
          guint c = chans[ci];
          LwPcaAccumulator *acc = lw_pca_accumulator_new (c << (2 * levels));
          for (guint k = 0; k < images->len; k++)
            {
              GError *error = NULL;
              g_autoptr (LwTensor) img = with_channels (g_ptr_array_index (images, k), c);
              g_autoptr (LwTensor) pk = lw_wavelet_latent_packets (img, wv, levels, &error);
              if (pk == NULL)
                g_error ("%s", error->message);
              lw_pca_accumulator_add (acc, pk->data, pk->shape[1] * pk->shape[2]);
            }
          GError *error = NULL;
          LwPca *pca = lw_pca_accumulator_finish (acc, &error);
          if (pca == NULL)
            g_error ("%s", error->message);
          lw_pca_accumulator_free (acc);
          pca->channels = c;
          pca->levels = levels;
          pca->wavelet = wv;
          double total = 0, top = 0;
          for (guint i = 0; i < pca->n; i++)
            total += pca->variance[i];
          for (guint i = 0; i < pca->n / 4; i++)
            top += pca->variance[i];
          printf ("channels %u wavelet %u J=%u: D=%u, first quarter of directions holds %.4f of "
                  "the variance\n",
                  c, wv, levels, pca->dim, top / total);
          g_ptr_array_add (bases, pca);
        }

  g_autoptr (GBytes) bytes = lw_pca_set_serialize ((LwPca **) bases->pdata, bases->len);
  GError *error = NULL;
  if (!lw_file_write_atomic (argv[1], g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                             &error))
    {
      fprintf (stderr, "%s: %s\n", argv[1], error->message);
      return 1;
    }
  printf ("wrote %s (%" G_GSIZE_FORMAT " bytes, %u bases)\n", argv[1], g_bytes_get_size (bytes),
          bases->len);
  return 0;
}
