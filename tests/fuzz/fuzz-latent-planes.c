/* fuzz-latent-planes.c — libFuzzer target for lw_latent_decode_planes
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Input: 4 header bytes pick the shape (planes 1..8, height and width 1..64) and the alphabet
 * (one of 16 sizes from 1 to 65536); the rest is the latent stream. A stream that decodes must
 * give in-range symbols, and re-encoding them must round-trip exactly.
 */
#define G_LOG_DOMAIN "fuzz-latent-planes"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lw-rans.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const guint alphabets[16] = { 1, 2, 3, 4, 7, 12, 16, 64, 255, 256, 1000, 4096, 4097,
                                     32768, 65535, 65536 };

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 4)
    return 0;
  guint np = 1 + data[0] % 8, h = 1 + data[1] % 64, w = 1 + data[2] % 64;
  guint a = alphabets[data[3] & 15];
  gsize n = (gsize) np * h * w;
  g_autofree guint16 *out = g_new (guint16, n);
  GError *error = NULL;
  if (!lw_latent_decode_planes (data + 4, size - 4, out, np, h, w, a, &error))
    {
      if (error == NULL)
        abort (); /* a failure must say why */
      g_clear_error (&error);
      return 0;
    }
  for (gsize i = 0; i < n; i++)
    if (out[i] >= a)
      abort ();
  g_autoptr (GBytes) again = lw_latent_code_planes (out, np, h, w, a, &error);
  if (again == NULL)
    abort ();
  gsize len;
  const guint8 *d = g_bytes_get_data (again, &len);
  g_autofree guint16 *back = g_new (guint16, n);
  if (!lw_latent_decode_planes (d, len, back, np, h, w, a, &error)
      || memcmp (back, out, n * sizeof *out) != 0)
    abort ();
  return 0;
}
