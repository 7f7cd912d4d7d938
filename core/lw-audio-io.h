/* lw-audio-io.h — WAV, FLAC, Ogg and AIFF reading and WAV/FLAC writing (libsndfile), to and
 * from C×T float tensors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Samples are floats: integer sources are scaled by 1/2^(bits−1) (16-bit −32768 → −1.0,
 * 32767 → 32767/32768), float sources are taken as they are (values beyond ±1 are kept;
 * non-finite samples and samples beyond ±LW_AUDIO_MAX_SAMPLE, 120 dB over full scale, are an
 * error: such bytes are not audio, and a float WAV holding them need not even be readable,
 * since libsndfile refuses a data chunk whose first bytes spell "OggS" or "wvpk", both
 * floats above 1e11). The tensor's sample_rate is set.
 *
 * Limits are checked from the header before any sample memory is allocated: 8–192 kHz,
 * 1–8 channels, at least one frame and at most LW_AUDIO_MAX_SECONDS of audio. Sample memory
 * then grows only with the samples the file really delivers, so a small file that declares
 * a long length cannot make the loader allocate much.
 *
 * Truncated files are refused (LW_ERROR_TRUNCATED): when a file delivers fewer frames than
 * its header declares — a WAV or AIFF data chunk cut short, a FLAC stream that ends early —
 * the error names the file and the number of missing frames. Accepting the part that was
 * read would make two tools disagree about the same file's length and hide damage. (A cut
 * Ogg stream has no readable end, and libsndfile refuses it as malformed: LW_ERROR_INVALID_DATA.)
 *
 * Only the four containers the workbench supports are handed to libsndfile (recognised by
 * their magic bytes): RIFF/RF64 WAVE, FLAC, Ogg and AIFF/AIFC. Anything else is refused
 * before libsndfile sees it.
 */
#pragma once

#include <glib.h>

#include "lw-tensor.h"

G_BEGIN_DECLS

#define LW_AUDIO_MAX_SECONDS   (30 * 60)
#define LW_AUDIO_MIN_RATE      8000
#define LW_AUDIO_MAX_RATE      192000
#define LW_AUDIO_MAX_CHANNELS  8
#define LW_AUDIO_MAX_SAMPLE    1e6

typedef struct
{
  guint  sample_rate, channels;
  gint64 frames;
  char   container[16];   /* "WAV", "FLAC", "OGG", "AIFF" */
  char   encoding[16];    /* "PCM_16", "PCM_24", "PCM_32", "FLOAT", "DOUBLE", "VORBIS", "PCM_U8", ... */
  guint  bits;            /* 8/16/24/32/64, 0 for Vorbis */
} LwAudioInfo;

typedef enum
{
  LW_AUDIO_WAV_16,
  LW_AUDIO_WAV_24,
  LW_AUDIO_WAV_FLOAT,
  LW_AUDIO_FLAC_16,
  LW_AUDIO_FLAC_24,
} LwAudioFormat;

/* info (nullable) describes the source file. `name` is used in messages. */
LwTensor *lw_audio_load             (const char *path, LwAudioInfo *info, GError **error);
LwTensor *lw_audio_load_from_memory (const guint8 *data, gsize len, const char *name,
                                     LwAudioInfo *info, GError **error);
/* By extension: .wav → WAV (16-bit unless `format` is another WAV format), .flac → FLAC (16-bit
 * unless `format` is LW_AUDIO_FLAC_24). Written to a temporary file and renamed (atomic).
 * Integer formats clip to [−1, 1] and round to nearest. */
gboolean  lw_audio_save             (const LwTensor *audio, const char *path, LwAudioFormat format,
                                     GError **error);
GBytes   *lw_audio_encode_memory    (const LwTensor *audio, LwAudioFormat format, GError **error);
/* FALSE: not .wav/.flac. *format gets the 16-bit format of that container. */
gboolean  lw_audio_format_for_path  (const char *path, LwAudioFormat *format);
/* By extension, case-insensitive: wav flac ogg oga aif aiff aifc */
gboolean  lw_audio_path_is_audio    (const char *path);

G_END_DECLS
