/* fuzz-lwc-decode.c — libFuzzer target: arbitrary bytes through the .lwc parser and every decoder
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * lw_codec_decode_bytes parses the container, looks the codec up by id and runs its decoder,
 * so one target covers the container and all codecs. The only acceptable outcomes are a
 * tensor or a GError; whatever comes back is freed so leaks show up under LeakSanitizer.
 *
 * A valid container may declare up to 16384×16384×4 samples, and a codec stream can be
 * tiny yet honestly that large (a flat image); decoding it would take gigabytes and
 * seconds, which is legitimate behaviour but useless fuzzing and trips libFuzzer's memory
 * limit. So inputs whose declared shape exceeds FUZZ_MAX_SAMPLES are skipped.
 */
#define G_LOG_DOMAIN "fuzz-lwc-decode"

#include "lw-bitstream.h"
#include "lw-codec.h"
#include "lw-error.h"

#include <stdint.h>
#include <stdlib.h>

#define FUZZ_MAX_SAMPLES ((guint64) 1 << 22)

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  const LwCodec *codec = NULL;
  LwBitstream *bs = lw_bitstream_parse (data, size, NULL);
  if (bs != NULL)
    {
      guint64 samples = 1;
      /* saturating: samples ≤ 2^22 + 1 and a dim < 2^31, so no product wraps */
      for (guint i = 0; i < lw_bitstream_get_ndim (bs); i++)
        samples = MIN (samples * lw_bitstream_get_dim (bs, i), FUZZ_MAX_SAMPLES + 1);
      gboolean too_big = samples > FUZZ_MAX_SAMPLES;
      lw_bitstream_free (bs);
      if (too_big)
        return 0;
    }

  LwTensor *t = lw_codec_decode_bytes (data, size, &codec, &error);

  /* Exactly one of result and error: anything else is a contract violation worth a crash */
  if ((t == NULL) == (error == NULL))
    abort ();
  if (error != NULL && (error->domain != LW_ERROR || error->message == NULL))
    abort ();
  g_clear_error (&error);
  lw_tensor_free (t);
  return 0;
}
