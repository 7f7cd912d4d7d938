/* lw-error.h — the LW_ERROR domain and its stable error codes
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LW_ERROR (lw_error_quark ())

/* Stable codes: values never change once released. */
typedef enum
{
  LW_ERROR_FAILED = 0,        /* anything not covered below */
  LW_ERROR_IO = 1,            /* the file could not be read or written */
  LW_ERROR_INVALID_DATA = 2,  /* the bytes are not what they claim to be */
  LW_ERROR_TRUNCATED = 3,     /* the data ends before its declared length */
  LW_ERROR_CHECKSUM = 4,      /* a CRC does not match */
  LW_ERROR_UNSUPPORTED = 5,   /* valid but not handled (format, channel count, bit depth) */
  LW_ERROR_TOO_LARGE = 6,     /* dimensions or sizes above the stated limits */
  LW_ERROR_INVALID_PARAM = 7, /* a parameter is unknown or out of range */
  LW_ERROR_UNKNOWN_CODEC = 8, /* no codec with that name or id */
  LW_ERROR_SHAPE = 9,         /* a tensor has the wrong shape for the operation */
} LwError;

GQuark lw_error_quark (void);

G_END_DECLS
