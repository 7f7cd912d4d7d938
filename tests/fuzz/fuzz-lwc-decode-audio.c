/* fuzz-lwc-decode-audio.c — libFuzzer target: hostile audio .lwc files through every decoder
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same driver as fuzz-lwc-decode.c (included below: container parse, the size cap, a
 * second run with CRCs repaired so mutations reach the codecs, the inspector's contract), with
 * a seed corpus of audio files (wavelet-latent-audio streams: mono and stereo, shipped and
 * fitted bases, 8 to 48 kHz) so the fuzzer starts inside the audio decoders. On top, any
 * decoded audio must carry a sample rate and stay within [−1, 1]. The seeds are the codec's
 * own output for short synthetic signals (a few hundred to a few thousand frames).
 */
#define LLVMFuzzerTestOneInput lwc_decode_one
#include "fuzz-lwc-decode.c"
#undef LLVMFuzzerTestOneInput

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_audio (const uint8_t *data, size_t size)
{
  LwBitstream *bs = lw_bitstream_parse (data, size, NULL);
  if (bs == NULL)
    return;
  gboolean audio = lw_bitstream_get_media_kind (bs) == 1 && lw_bitstream_get_ndim (bs) == 2 &&
                   (guint64) lw_bitstream_get_dim (bs, 0) * lw_bitstream_get_dim (bs, 1) <=
                       FUZZ_MAX_SAMPLES;
  lw_bitstream_free (bs);
  if (!audio)
    return;
  const LwCodec *codec = NULL;
  LwTensor *t = lw_codec_decode_bytes (data, size, &codec, NULL);
  if (t != NULL && codec->kind == LW_MEDIA_AUDIO)
    {
      if (t->ndim != 2 || !(t->sample_rate >= 8000 && t->sample_rate <= 192000))
        abort ();
      for (gsize i = 0; i < lw_tensor_numel (t); i++)
        if (!(t->data[i] >= -1.0f && t->data[i] <= 1.0f))
          abort ();
    }
  lw_tensor_free (t);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  lwc_decode_one (data, size);
  check_audio (data, size);
  return 0;
}
