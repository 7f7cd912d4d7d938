/* fuzz-lwc-decode.c — libFuzzer target: arbitrary bytes through the .lwc parser and every decoder
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * lw_codec_decode_bytes parses the container, looks the codec up by id and runs its decoder,
 * so one target covers the container and all codecs; lw_latent_inspect_bytes then runs on the
 * same bytes. The only acceptable outcomes are a result or a GError; whatever comes back is
 * freed so leaks show up under LeakSanitizer.
 *
 * A valid container may declare up to 16384×16384×4 samples, and a codec stream can be
 * tiny yet honestly that large (a flat image); decoding it would take gigabytes and
 * seconds, which is legitimate behaviour but useless fuzzing and trips libFuzzer's memory
 * limit. So inputs whose declared shape exceeds FUZZ_MAX_SAMPLES are skipped.
 *
 * Nearly every mutation breaks a CRC, and the parser rightly stops there, which would keep
 * the fuzzer out of the codecs. So an input that fails with LW_ERROR_CHECKSUM is run a
 * second time with its CRCs recomputed (layout of docs/lwc-format.md): the first run covers
 * the checks, the second the decoders behind them.
 */
#define G_LOG_DOMAIN "fuzz-lwc-decode"

#include "lw-bitstream.h"
#include "lw-codec.h"
#include "lw-error.h"
#include "lw-latent-inspect.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define FUZZ_MAX_SAMPLES ((guint64) 1 << 22)

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static guint32
rd32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static void
wr32 (guint8 *p, guint32 v)
{
  p[0] = v & 0xff;
  p[1] = (v >> 8) & 0xff;
  p[2] = (v >> 16) & 0xff;
  p[3] = v >> 24;
}

/* Recomputes chunk and header CRCs in place where the layout allows; FALSE if it does not */
static gboolean
repair_crcs (guint8 *b, size_t size)
{
  if (size < 16)
    return FALSE;
  size_t pos = 16 + 4 * (size_t) b[13];
  guint n_params = b[14], n_chunks = b[15];
  if (b[13] > 4 || n_params > 32 || n_chunks > 64)
    return FALSE;
  for (guint i = 0; i < n_params; i++)
    {
      if (pos >= size)
        return FALSE;
      pos += 1 + b[pos] + 8;
    }
  size_t table = pos, header = pos + 20 * (size_t) n_chunks + 4;
  if (header > size)
    return FALSE;
  for (guint i = 0; i < n_chunks; i++)
    {
      guint8 *e = b + table + 20 * i;
      guint64 off = (guint64) rd32 (e + 4) | ((guint64) rd32 (e + 8) << 32);
      guint32 len = rd32 (e + 12);
      if (off <= size && len <= size - off)
        wr32 (e + 16, (guint32) crc32 (crc32 (0, NULL, 0), b + off, len));
    }
  wr32 (b + header - 4, (guint32) crc32 (crc32 (0, NULL, 0), b, (uInt) (header - 4)));
  return TRUE;
}

static void
run_one (const uint8_t *data, size_t size, gboolean *checksum_failed)
{
  GError *error = NULL;
  const LwCodec *codec = NULL;
  *checksum_failed = FALSE;
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
        return;
    }

  LwTensor *t = lw_codec_decode_bytes (data, size, &codec, &error);

  /* Exactly one of result and error: anything else is a contract violation worth a crash */
  if ((t == NULL) == (error == NULL))
    abort ();
  if (error != NULL && (error->domain != LW_ERROR || error->message == NULL))
    abort ();
  *checksum_failed = g_error_matches (error, LW_ERROR, LW_ERROR_CHECKSUM);
  g_clear_error (&error);

  /* The latent inspector runs the same checks and decoding steps up to the latent: the same
   * contract, and it must accept every file with a latent that the decoder accepts */
  LwLatentInfo *info = lw_latent_inspect_bytes (data, size, &error);
  if ((info == NULL) == (error == NULL))
    abort ();
  if (error != NULL && (error->domain != LW_ERROR || error->message == NULL))
    abort ();
  if (t != NULL && codec != NULL && codec->inspect != NULL && info == NULL)
    abort ();
  g_clear_error (&error);
  lw_latent_info_free (info);
  lw_tensor_free (t);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  gboolean checksum_failed;

  run_one (data, size, &checksum_failed);
  if (checksum_failed)
    {
      /* An exact-size heap copy, so reads past the end are still caught */
      guint8 *copy = g_malloc (MAX (size, 1));
      memcpy (copy, data, size);
      if (repair_crcs (copy, size))
        run_one (copy, size, &checksum_failed);
      g_free (copy);
    }
  return 0;
}
