/* fuzz-audio-load.c — libFuzzer target: WAV/FLAC/Ogg/AIFF decoding of arbitrary bytes
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Any input must give either C×T audio within the stated limits (rate, channels, length) with
 * finite samples within ±LW_AUDIO_MAX_SAMPLE, or a GError in the LW_ERROR domain — never a crash, a leak or an allocation
 * beyond what the input delivers. What loads must survive a float WAV round trip unchanged.
 */
#define G_LOG_DOMAIN "fuzz-audio-load"

#include <glib.h>
#include <math.h>
#include <stdint.h>

#include "lw-audio-io.h"
#include "lw-error.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
const char *__lsan_default_suppressions (void);

/* LeakSanitizer asks for this (weak hook) when the target runs under ASan. libvorbis leaks
 * header structures when libsndfile's Ogg open fails on a crafted stream (the leak is inside
 * the library's error path, cf. xiph/vorbis#125; libsndfile gives us nothing to free). Only
 * allocations made inside libvorbis are exempt; leaks in our code still fail the run. */
const char *
__lsan_default_suppressions (void)
{
  return "leak:libvorbis.so\n";
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  LwAudioInfo info = { 0 };
  LwTensor *audio = lw_audio_load_from_memory (data, size, "fuzz-input", &info, &error);

  if (audio == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == LW_ERROR);
      g_error_free (error);
      return 0;
    }
  g_assert_null (error);
  g_assert_true (audio->ndim == 2);
  g_assert_true (audio->shape[0] >= 1 && audio->shape[0] <= LW_AUDIO_MAX_CHANNELS);
  g_assert_true (audio->shape[0] == info.channels);
  g_assert_true (audio->shape[1] >= 1 && (gint64) audio->shape[1] == info.frames);
  g_assert_true (audio->sample_rate >= LW_AUDIO_MIN_RATE
                 && audio->sample_rate <= LW_AUDIO_MAX_RATE);
  g_assert_true ((double) audio->shape[1] <= LW_AUDIO_MAX_SECONDS * audio->sample_rate);
  gsize n = lw_tensor_numel (audio);
  for (gsize i = 0; i < n; i++)
    g_assert_true (isfinite (audio->data[i]) && fabsf (audio->data[i]) <= LW_AUDIO_MAX_SAMPLE);

  /* A float WAV holds every sample exactly; keep big inputs fast */
  if (n <= 1 << 20)
    {
      GBytes *wav = lw_audio_encode_memory (audio, LW_AUDIO_WAV_FLOAT, &error);
      g_assert_no_error (error);
      gsize len;
      const guint8 *bytes = g_bytes_get_data (wav, &len);
      LwTensor *again = lw_audio_load_from_memory (bytes, len, "re-encoded", NULL, &error);
      g_assert_no_error (error);
      g_assert_true (lw_tensor_same_shape (audio, again));
      g_assert_true (again->sample_rate == audio->sample_rate);
      for (gsize i = 0; i < n; i++)
        g_assert_true (again->data[i] == audio->data[i]);
      lw_tensor_free (again);
      g_bytes_unref (wav);
    }
  lw_tensor_free (audio);
  return 0;
}
