/* lw-audio-jobs.c — audio loading and the encode/decode round trip, on worker threads
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-audio-jobs"

#include "lw-audio-jobs.h"
#include "lw-audio-metrics.h"

#include <glib/gi18n.h>

#include "lw-error.h"

#define DEFAULT_N_FFT      2048
#define DEFAULT_ROWS       256
#define MAX_FRAMES         4000
#define LOG_F_MIN          20.0

/* Spectrograms */

void
lw_spectrogram_data_free (LwSpectrogramData *s)
{
  if (s == NULL)
    return;
  g_clear_pointer (&s->db, lw_tensor_free);
  g_free (s);
}

void
lw_spectrogram_settings_init (LwSpectrogramSettings *settings)
{
  settings->n_fft = 0;
  settings->hop = 0;
  settings->scale = LW_FREQ_LOG;
  settings->rows = DEFAULT_ROWS;
  settings->window = LW_WINDOW_HANN;
}

LwSpectrogramData *
lw_spectrogram_compute (const LwTensor              *audio,
                        const LwSpectrogramSettings *settings,
                        GError                     **error)
{
  LwSpectrogramSettings defaults;
  g_autoptr (LwSpectrogramData) s = NULL;
  g_autoptr (LwTensor) db = NULL;
  g_autofree float *mono = NULL;
  LwStftConfig cfg = { 0, 0, LW_WINDOW_HANN };
  gsize need;
  gsize c, t;
  guint rows;
  double f_min;

  if (settings == NULL)
    {
      lw_spectrogram_settings_init (&defaults);
      settings = &defaults;
    }
  if (audio->ndim != 2 || audio->shape[0] < 1 || audio->shape[1] < 1 ||
      !(audio->sample_rate > 0.0))
    {
      g_autofree char *shape = lw_tensor_shape_string (audio);
      g_set_error (error, LW_ERROR, LW_ERROR_SHAPE,
                   _("spectrogram: expected C×T audio with a sample rate, got %s"), shape);
      return NULL;
    }
  c = audio->shape[0];
  t = audio->shape[1];

  /* The channel mean: one picture per signal, like the page's single spectrogram lane. */
  mono = g_new (float, t);
  for (gsize i = 0; i < t; i++)
    mono[i] = audio->data[i];
  for (gsize k = 1; k < c; k++)
    {
      const float *x = audio->data + k * t;
      for (gsize i = 0; i < t; i++)
        mono[i] += x[i];
    }
  if (c > 1)
    for (gsize i = 0; i < t; i++)
      mono[i] /= (float) c;

  cfg.n_fft = settings->n_fft ? settings->n_fft : DEFAULT_N_FFT;
  cfg.window = settings->window;
  /* 1 + ⌈t/hop⌉ ≤ MAX_FRAMES bounds memory (frames × (n_fft/2+1) floats) and the FFT count;
   * short clips get a hop of n_fft/4 unless told otherwise, finer than any display needs. */
  need = (t + MAX_FRAMES - 2) / (MAX_FRAMES - 1);
  cfg.hop = settings->hop ? settings->hop : MAX (cfg.n_fft / 4, 1u);
  cfg.hop = (guint) MAX ((gsize) cfg.hop, need);
  db = lw_stft_db (mono, t, &cfg, error);
  if (db == NULL)
    return NULL;

  rows = settings->rows ? settings->rows : DEFAULT_ROWS;
  f_min = settings->scale == LW_FREQ_LOG ? LOG_F_MIN : 0.0;
  s = g_new0 (LwSpectrogramData, 1);
  s->db = lw_spectrum_rows (db, audio->sample_rate, cfg.n_fft, settings->scale, rows, f_min,
                            error);
  if (s->db == NULL)
    return NULL;
  s->seconds_per_frame = cfg.hop / audio->sample_rate;
  s->f_min = f_min;
  s->f_max = audio->sample_rate / 2.0;
  s->scale = settings->scale;
  s->n_fft = cfg.n_fft;
  s->hop = cfg.hop;
  s->window = cfg.window;
  return g_steal_pointer (&s);
}

typedef struct
{
  LwSharedImage        *audio;
  LwSpectrogramSettings settings;
} SpectrogramJob;

static void
spectrogram_job_free (SpectrogramJob *job)
{
  g_clear_pointer (&job->audio, lw_shared_image_unref);
  g_free (job);
}

static void
spectrogram_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  SpectrogramJob *job = task_data;
  GError *error = NULL;
  LwSpectrogramData *s = lw_spectrogram_compute (job->audio->tensor, &job->settings, &error);

  if (s == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, s, (GDestroyNotify) lw_spectrogram_data_free);
}

void
lw_spectrogram_async (LwSharedImage               *audio,
                      const LwSpectrogramSettings *settings,
                      GCancellable                *cancellable,
                      GAsyncReadyCallback          cb,
                      gpointer                     user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, cb, user_data);
  SpectrogramJob *job = g_new0 (SpectrogramJob, 1);

  job->audio = lw_shared_image_ref (audio);
  if (settings != NULL)
    job->settings = *settings;
  else
    lw_spectrogram_settings_init (&job->settings);
  g_task_set_source_tag (task, lw_spectrogram_async);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_set_task_data (task, job, (GDestroyNotify) spectrogram_job_free);
  g_task_run_in_thread (task, spectrogram_thread);
}

LwSpectrogramData *
lw_spectrogram_finish (GAsyncResult *result,
                       GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Loading */

typedef struct
{
  GFile                *file;
  LwSpectrogramSettings settings;
} LoadJob;

static void
load_job_free (LoadJob *job)
{
  g_clear_object (&job->file);
  g_free (job);
}

void
lw_audio_load_result_free (LwAudioLoadResult *r)
{
  if (r == NULL)
    return;
  g_clear_pointer (&r->audio, lw_shared_image_unref);
  g_clear_pointer (&r->spectrogram, lw_spectrogram_data_free);
  g_free (r);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadJob *job = task_data;
  g_autofree char *path = g_file_get_path (job->file);
  g_autofree char *name = g_file_get_basename (job->file);
  g_autoptr (LwAudioLoadResult) result = g_new0 (LwAudioLoadResult, 1);
  g_autoptr (LwTensor) tensor = NULL;
  GError *error = NULL;

  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (job->file);
      g_task_return_new_error (task, LW_ERROR, LW_ERROR_IO,
                               _("%s: only local files can be opened"), uri);
      return;
    }

  /* lw_audio_load's messages name the file */
  tensor = lw_audio_load (path, &result->info, &error);
  if (tensor == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  result->spectrogram = lw_spectrogram_compute (tensor, &job->settings, &error);
  if (result->spectrogram == NULL)
    {
      g_prefix_error (&error, "%s: ", name);
      g_task_return_error (task, error);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  result->audio = lw_shared_image_new (g_steal_pointer (&tensor), name);
  result->audio->path = g_steal_pointer (&path);
  g_task_return_pointer (task, g_steal_pointer (&result),
                         (GDestroyNotify) lw_audio_load_result_free);
}

void
lw_load_audio_async (GObject                     *source,
                     GFile                       *file,
                     const LwSpectrogramSettings *settings,
                     GCancellable                *cancellable,
                     GAsyncReadyCallback          cb,
                     gpointer                     user_data)
{
  g_autoptr (GTask) task = g_task_new (source, cancellable, cb, user_data);
  LoadJob *job = g_new0 (LoadJob, 1);

  job->file = g_object_ref (file);
  if (settings != NULL)
    job->settings = *settings;
  else
    lw_spectrogram_settings_init (&job->settings);
  g_task_set_source_tag (task, lw_load_audio_async);
  g_task_set_task_data (task, job, (GDestroyNotify) load_job_free);
  g_task_run_in_thread (task, load_thread);
}

LwAudioLoadResult *
lw_load_audio_finish (GAsyncResult  *res,
                      GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (res)) == lw_load_audio_async, NULL);
  return g_task_propagate_pointer (G_TASK (res), error);
}

/* Encoding */

LwAudioEncodeRequest *
lw_audio_encode_request_new (guint64         serial,
                             LwSharedImage  *audio,
                             const LwParams *params,
                             LwAnalysis     *analysis)
{
  LwAudioEncodeRequest *r = g_new0 (LwAudioEncodeRequest, 1);

  r->serial = serial;
  r->audio = lw_shared_image_ref (audio);
  r->params = lw_params_copy (params);
  r->analysis = analysis ? lw_analysis_ref (analysis) : NULL;
  lw_spectrogram_settings_init (&r->spectrogram);
  r->lsd = TRUE;
  r->residual_spectrogram = TRUE;
  return r;
}

void
lw_audio_encode_request_free (LwAudioEncodeRequest *r)
{
  if (r == NULL)
    return;
  g_clear_pointer (&r->audio, lw_shared_image_unref);
  g_clear_pointer (&r->params, lw_params_free);
  g_clear_pointer (&r->analysis, lw_analysis_unref);
  g_free (r);
}

void
lw_audio_encode_result_free (LwAudioEncodeResult *r)
{
  if (r == NULL)
    return;
  g_clear_pointer (&r->analysis, lw_analysis_unref);
  g_clear_pointer (&r->lwc, g_bytes_unref);
  g_clear_pointer (&r->decoded, lw_shared_image_unref);
  g_clear_pointer (&r->residual, lw_shared_image_unref);
  g_clear_pointer (&r->decoded_spectrogram, lw_spectrogram_data_free);
  g_clear_pointer (&r->residual_spectrogram, lw_spectrogram_data_free);
  g_free (r);
}

static double
ms_since (gint64 start_us)
{
  return (g_get_monotonic_time () - start_us) / 1000.0;
}

/* The decoded and residual signals and their spectrograms are made on a second thread from
 * its own decode of the file, while this one measures (lw_audio_measure_lwc: decode and
 * metrics, LSD's STFTs the largest part): the two halves take about as long, so a request
 * costs about one of them on two cores. Decoding is deterministic and bit-exact (lw-codec.h),
 * so the second decode is the signal the figures were measured on. */
typedef struct
{
  GBytes                      *lwc;
  const LwTensor              *audio;
  const LwSpectrogramSettings *settings;
  gboolean                     want_residual_spectrogram;
  GCancellable                *cancellable;
  LwTensor                    *decoded;
  LwTensor                    *residual;
  LwSpectrogramData           *decoded_spectrogram;
  LwSpectrogramData           *residual_spectrogram;
  GError                      *error;
} ViewsJob;

static LwTensor *
residual_of (const LwTensor *decoded,
             const LwTensor *original)
{
  LwTensor *r = lw_tensor_new_uninit (decoded->ndim, decoded->shape, NULL);
  gsize n = lw_tensor_numel (decoded);

  for (gsize i = 0; i < n; i++)
    r->data[i] = decoded->data[i] - original->data[i];
  r->sample_rate = decoded->sample_rate;
  return r;
}

static gpointer
views_thread (gpointer data)
{
  ViewsJob *job = data;
  gsize len;
  const guint8 *bytes = g_bytes_get_data (job->lwc, &len);

  job->decoded = lw_codec_decode_bytes (bytes, len, NULL, &job->error);
  if (job->decoded == NULL)
    return NULL;
  /* lw_audio_measure_lwc reports a shape mismatch; only guard the subtraction here. */
  if (!lw_tensor_same_shape (job->decoded, job->audio))
    {
      g_set_error (&job->error, LW_ERROR, LW_ERROR_SHAPE, _("decoded audio has the wrong shape"));
      return NULL;
    }
  if (job->decoded->sample_rate <= 0.0)
    job->decoded->sample_rate = job->audio->sample_rate;
  job->residual = residual_of (job->decoded, job->audio);
  if (g_cancellable_set_error_if_cancelled (job->cancellable, &job->error))
    return NULL;
  job->decoded_spectrogram = lw_spectrogram_compute (job->decoded, job->settings, &job->error);
  if (job->decoded_spectrogram == NULL ||
      g_cancellable_set_error_if_cancelled (job->cancellable, &job->error))
    return NULL;
  if (job->want_residual_spectrogram)
    job->residual_spectrogram = lw_spectrogram_compute (job->residual, job->settings,
                                                        &job->error);
  return NULL;
}

static void
views_job_clear (ViewsJob *job)
{
  g_clear_pointer (&job->decoded, lw_tensor_free);
  g_clear_pointer (&job->residual, lw_tensor_free);
  g_clear_pointer (&job->decoded_spectrogram, lw_spectrogram_data_free);
  g_clear_pointer (&job->residual_spectrogram, lw_spectrogram_data_free);
  g_clear_error (&job->error);
}

static void
encode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  LwAudioEncodeRequest *request = task_data;
  const LwCodec *codec = request->params->codec;
  const LwTensor *audio = request->audio->tensor;
  g_autoptr (LwAudioEncodeResult) result = g_new0 (LwAudioEncodeResult, 1);
  ViewsJob views = { NULL };
  GThread *thread;
  GError *error = NULL;
  gboolean measured;
  double analyse_ms = 0.0, encode_ms, measure_ms;
  gint64 t0, t_measure;

  result->serial = request->serial;
  if (codec->kind != LW_MEDIA_AUDIO)
    {
      g_task_return_new_error (task, LW_ERROR, LW_ERROR_INVALID_PARAM,
                               _("%s: not an audio codec"), codec->name);
      return;
    }

  if (lw_analysis_matches (request->analysis, request->audio, request->params))
    {
      result->analysis = lw_analysis_ref (request->analysis);
      result->analysis_reused = TRUE;
    }
  else
    {
      gpointer data;

      t0 = g_get_monotonic_time ();
      data = lw_codec_analyse (codec, audio, request->params, cancellable, &error);
      if (data == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      result->analysis = lw_analysis_new (request->audio, request->params, data);
      analyse_ms = ms_since (t0);
    }
  /* Cancelled now: still hand the analysis back for the cache. */
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_task_return_pointer (task, g_steal_pointer (&result),
                             (GDestroyNotify) lw_audio_encode_result_free);
      return;
    }

  t0 = g_get_monotonic_time ();
  result->lwc = lw_codec_encode (codec, lw_analysis_get_data (result->analysis),
                                 request->params, cancellable, &error);
  if (result->lwc == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  encode_ms = ms_since (t0);
  if (g_task_return_error_if_cancelled (task))
    return;

  views.lwc = result->lwc;
  views.audio = audio;
  views.settings = &request->spectrogram;
  views.want_residual_spectrogram = request->residual_spectrogram;
  views.cancellable = cancellable;
  thread = g_thread_try_new ("lw-audio-views", views_thread, &views, NULL);
  if (thread == NULL)
    views_thread (&views); /* no thread to be had: do it here */
  /* The same measuring code as `latent-workbench-cli` and RD sweeps. */
  t_measure = g_get_monotonic_time ();
  measured = lw_audio_measure_lwc_partial (codec, audio, result->lwc, request->lsd,
                                           &result->measure, NULL, cancellable, &error);
  measure_ms = ms_since (t_measure);
  if (thread != NULL)
    g_thread_join (thread);
  if (!measured || views.error != NULL)
    {
      g_task_return_error (task, error ? error : g_steal_pointer (&views.error));
      views_job_clear (&views);
      return;
    }
  result->measure.analyse_ms = analyse_ms;
  result->measure.encode_ms = encode_ms;
  result->decoded = lw_shared_image_new (g_steal_pointer (&views.decoded), request->audio->name);
  result->residual = lw_shared_image_new (g_steal_pointer (&views.residual),
                                          request->audio->name);
  result->decoded_spectrogram = g_steal_pointer (&views.decoded_spectrogram);
  result->residual_spectrogram = g_steal_pointer (&views.residual_spectrogram);
  if (g_task_return_error_if_cancelled (task))
    return;

  g_debug ("%s: encode %.1f ms; measure %.1f ms (decode %.1f) beside the views; both %.1f ms",
           codec->name, encode_ms, measure_ms, result->measure.decode_ms, ms_since (t_measure));
  result->complete = TRUE;
  g_task_return_pointer (task, g_steal_pointer (&result),
                         (GDestroyNotify) lw_audio_encode_result_free);
}

void
lw_audio_encode_async (GObject              *source,
                       LwAudioEncodeRequest *request,
                       GCancellable         *cancellable,
                       GAsyncReadyCallback   cb,
                       gpointer              user_data)
{
  g_autoptr (GTask) task = g_task_new (source, cancellable, cb, user_data);

  g_task_set_source_tag (task, lw_audio_encode_async);
  g_task_set_task_data (task, request, (GDestroyNotify) lw_audio_encode_request_free);
  /* The worker decides what a cancelled request returns (see encode_thread). */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, encode_thread);
}

LwAudioEncodeResult *
lw_audio_encode_finish (GAsyncResult  *res,
                        GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (res)) == lw_audio_encode_async, NULL);
  return g_task_propagate_pointer (G_TASK (res), error);
}

/* Log-spectral distance of a result on show */

typedef struct
{
  LwSharedImage *audio;
  LwSharedImage *decoded;
  double         lsd;
} LsdJob;

static void
lsd_job_free (LsdJob *job)
{
  g_clear_pointer (&job->audio, lw_shared_image_unref);
  g_clear_pointer (&job->decoded, lw_shared_image_unref);
  g_free (job);
}

static void
lsd_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  LsdJob *job = task_data;

  job->lsd = lw_lsd (job->audio->tensor, job->decoded->tensor);
  if (!g_task_return_error_if_cancelled (task))
    g_task_return_boolean (task, TRUE);
}

void
lw_audio_lsd_async (GObject             *source,
                    LwSharedImage       *audio,
                    LwSharedImage       *decoded,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr (GTask) task = g_task_new (source, cancellable, callback, user_data);
  LsdJob *job = g_new0 (LsdJob, 1);

  job->audio = lw_shared_image_ref (audio);
  job->decoded = lw_shared_image_ref (decoded);
  job->lsd = NAN;
  g_task_set_source_tag (task, lw_audio_lsd_async);
  g_task_set_task_data (task, job, (GDestroyNotify) lsd_job_free);
  g_task_run_in_thread (task, lsd_thread);
}

gboolean
lw_audio_lsd_finish (GAsyncResult  *result,
                     double        *lsd,
                     GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lw_audio_lsd_async, FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  *lsd = ((LsdJob *) g_task_get_task_data (G_TASK (result)))->lsd;
  return TRUE;
}
