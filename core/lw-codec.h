/* lw-codec.h — the codec interface, its parameter description, and the codec registry
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A codec turns a signal (image C×H×W in [0, 1], or audio C×T) into a complete `.lwc` file
 * (GBytes) and back. Encoding is split in two so a rate slider stays cheap:
 *   analyse  (signal, params) → analysis   expensive, depends only on non-rate params
 *   encode   (analysis, params) → .lwc     re-run on every rate change
 *   decode   (.lwc) → signal               deterministic, bit-exact
 * Parameters are described once by the codec (LwParamSpec); GUI and CLI build their controls
 * and validate values from that description and nowhere else.
 */
#pragma once

#include <gio/gio.h>

#include "lw-tensor.h"
#include "lw-bitstream.h"

G_BEGIN_DECLS

typedef enum
{
  LW_MEDIA_IMAGE = 0,
  LW_MEDIA_AUDIO = 1,
} LwMediaKind;

typedef enum
{
  LW_PARAM_INT = 0,    /* integer in [min, max] */
  LW_PARAM_DOUBLE = 1, /* real in [min, max] */
  LW_PARAM_ENUM = 2,   /* index into choices; min = 0, max = n_choices − 1 */
  LW_PARAM_BOOL = 3,   /* 0 or 1 */
} LwParamType;

typedef struct
{
  const char         *name;
  LwParamType         type;
  double              min;
  double              max;
  double              default_value;
  gboolean            drives_rate;  /* TRUE: changing it needs no new analysis and moves the rate */
  gboolean            log_scale;    /* sweeps and sliders step it geometrically */
  const char         *help;         /* one line, untranslated */
  const char * const *choices;      /* ENUM only: NULL-terminated names */
} LwParamSpec;

typedef struct _LwCodec LwCodec;
/* The latent of one encoding, for display (lw-latent-inspect.h) */
typedef struct _LwLatentInfo LwLatentInfo;

/* A set of parameter values for one codec, indexed like codec->params. */
typedef struct
{
  const LwCodec *codec;
  double        *values;
} LwParams;

typedef struct
{
  /* filled by lw_codec_encode_timed() */
  double analyse_ms;
  double encode_ms;
} LwEncodeTimes;

struct _LwCodec
{
  const char        *name;        /* "wavelet-latent", "jpeg", … (CLI and .lwc use it) */
  const char        *title;       /* human-readable */
  const char        *description; /* one line */
  LwMediaKind        kind;
  guint16            id;          /* codec id in the .lwc header; stable */
  const LwParamSpec *params;
  guint              n_params;
  const char        *sweep_param; /* the rate parameter an RD sweep varies */
  gboolean           sweep_descending; /* TRUE when larger values give lower rates */
  double             sweep_min;   /* RD sweeps cover [sweep_min, sweep_max] of the sweep */
  double             sweep_max;   /* parameter; both 0: its whole range */

  gpointer (*analyse)       (const LwCodec *codec, const LwTensor *signal, const LwParams *params,
                             GCancellable *cancellable, GError **error);
  void     (*analysis_free) (gpointer analysis);
  GBytes * (*encode)        (const LwCodec *codec, gpointer analysis, const LwParams *params,
                             GCancellable *cancellable, GError **error);
  /* `file` is a parsed and CRC-checked container whose codec id is this codec's. */
  LwTensor *(*decode)       (const LwCodec *codec, LwBitstream *file, GError **error);
  /* Optional (NULL: the codec has no latent to show). The latent `decode` would use, with
   * per-channel statistics; the same checks as `decode`. See lw-latent-inspect.h. */
  LwLatentInfo *(*inspect)  (const LwCodec *codec, LwBitstream *file, GError **error);
};

/* Parameters */
LwParams   *lw_params_new       (const LwCodec *codec);      /* defaults */
LwParams   *lw_params_copy      (const LwParams *params);
void        lw_params_free      (LwParams *params);
int         lw_params_index     (const LwCodec *codec, const char *name); /* −1 if unknown */
double      lw_params_get       (const LwParams *params, const char *name);
gboolean    lw_params_set       (LwParams *params, const char *name, double value, GError **error);
/* "KEY=VALUE", VALUE a number, true/false, or an enum choice name */
gboolean    lw_params_parse     (LwParams *params, const char *assignment, GError **error);
gboolean    lw_params_check     (const LwParams *params, GError **error);
/* Do a and b differ in a parameter that needs a new analysis? */
gboolean    lw_params_need_reanalysis (const LwParams *a, const LwParams *b);
/* "quality=75 subsampling=420": free with g_free */
char       *lw_params_to_string (const LwParams *params);
/* The value formatted as the CLI accepts it (choice names for enums) */
char       *lw_param_format     (const LwParamSpec *spec, double value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwParams, lw_params_free)

/* Registry */
const LwCodec  *lw_codec_lookup      (const char *name, GError **error);
const LwCodec  *lw_codec_lookup_id   (guint16 id, GError **error);
/* NULL-terminated, static */
const LwCodec **lw_codec_list        (void);

/* Convenience around the vtable */
gpointer  lw_codec_analyse (const LwCodec *codec, const LwTensor *signal, const LwParams *params,
                            GCancellable *cancellable, GError **error);
void      lw_codec_analysis_free (const LwCodec *codec, gpointer analysis);
GBytes   *lw_codec_encode  (const LwCodec *codec, gpointer analysis, const LwParams *params,
                            GCancellable *cancellable, GError **error);
/* analyse + encode in one call */
GBytes   *lw_codec_encode_signal (const LwCodec *codec, const LwTensor *signal,
                                  const LwParams *params, GCancellable *cancellable,
                                  GError **error);
/* The same, timing the analysis and the encode apart (times nullable) */
GBytes   *lw_codec_encode_timed  (const LwCodec *codec, const LwTensor *signal,
                                  const LwParams *params, LwEncodeTimes *times,
                                  GCancellable *cancellable, GError **error);
/* Parse the container, look the codec up by id, decode. */
LwTensor *lw_codec_decode_bytes (const guint8 *data, gsize len, const LwCodec **codec_out,
                                 GError **error);

G_END_DECLS
