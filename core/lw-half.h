/* lw-half.h — IEEE 754 binary16 conversion (round to nearest even) for compact model data
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <string.h>

static inline guint16
lw_float_to_half (float f)
{
  guint32 x;
  memcpy (&x, &f, 4);
  guint32 sign = (x >> 16) & 0x8000;
  guint32 exp = (x >> 23) & 0xff;
  guint32 man = x & 0x7fffff;

  if (exp == 0xff) /* Inf or NaN */
    return sign | 0x7c00 | (man ? 0x200 : 0);
  int e = (int) exp - 127 + 15;
  if (e >= 31)
    return sign | 0x7c00;
  if (e <= 0)
    {
      if (e < -10)
        return sign;
      man |= 0x800000;
      guint32 shift = 14 - e;
      guint32 half = man >> shift;
      guint32 rem = man & ((1u << shift) - 1);
      guint32 mid = 1u << (shift - 1);
      if (rem > mid || (rem == mid && (half & 1)))
        half++;
      return sign | half;
    }
  guint32 half = sign | ((guint32) e << 10) | (man >> 13);
  guint32 rem = man & 0x1fff;
  if (rem > 0x1000 || (rem == 0x1000 && (half & 1)))
    half++; /* may carry into the exponent, which is the right result */
  return half;
}

static inline float
lw_half_to_float (guint16 h)
{
  guint32 sign = (guint32) (h & 0x8000) << 16;
  guint32 exp = (h >> 10) & 0x1f;
  guint32 man = h & 0x3ff;
  guint32 x;

  if (exp == 0)
    {
      if (man == 0)
        x = sign;
      else
        {
          int e = -1;
          do
            {
              e++;
              man <<= 1;
            }
          while (!(man & 0x400));
          x = sign | ((guint32) (127 - 15 - e) << 23) | ((man & 0x3ff) << 13);
        }
    }
  else if (exp == 31)
    x = sign | 0x7f800000 | (man << 13);
  else
    x = sign | ((exp - 15 + 127) << 23) | (man << 13);
  float f;
  memcpy (&f, &x, 4);
  return f;
}
