/* lw-jobs.c — image loading and the encode/decode round trip, on worker threads
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-jobs"

#include "lw-jobs.h"

#include <glib/gi18n.h>

#include "lw-diffmap.h"
#include "lw-error.h"
#include "lw-metrics.h"

struct _LwAnalysis
{
  LwSharedImage *image;   /* owned reference: the key, and keeps the image alive */
  LwParams      *params;  /* copy of the parameters it was made with */
  gpointer       data;    /* the codec's analysis, freed with the codec's analysis_free */
};

GWeakRef *
lw_weak_ref_new (gpointer object)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, object);
  return ref;
}

void
lw_weak_ref_free (GWeakRef *ref)
{
  g_weak_ref_clear (ref);
  g_free (ref);
}

/* LwSharedImage */

static void
shared_image_clear (gpointer data)
{
  LwSharedImage *image = data;

  lw_tensor_free (image->tensor);
  g_free (image->name);
  g_free (image->path);
}

LwSharedImage *
lw_shared_image_new (LwTensor   *tensor,
                     const char *name)
{
  LwSharedImage *image = g_atomic_rc_box_new0 (LwSharedImage);

  image->tensor = tensor;
  image->name = g_strdup (name);
  return image;
}

LwSharedImage *
lw_shared_image_ref (LwSharedImage *image)
{
  return g_atomic_rc_box_acquire (image);
}

void
lw_shared_image_unref (LwSharedImage *image)
{
  g_atomic_rc_box_release_full (image, shared_image_clear);
}

/* LwAnalysis */

static void
analysis_clear (gpointer data)
{
  LwAnalysis *analysis = data;

  lw_codec_analysis_free (analysis->params->codec, analysis->data);
  lw_params_free (analysis->params);
  lw_shared_image_unref (analysis->image);
}

LwAnalysis *
lw_analysis_new (LwSharedImage  *image,
              const LwParams *params,
              gpointer        data)
{
  LwAnalysis *analysis = g_atomic_rc_box_new0 (LwAnalysis);

  analysis->image = lw_shared_image_ref (image);
  analysis->params = lw_params_copy (params);
  analysis->data = data;
  return analysis;
}

LwAnalysis *
lw_analysis_ref (LwAnalysis *analysis)
{
  return g_atomic_rc_box_acquire (analysis);
}

void
lw_analysis_unref (LwAnalysis *analysis)
{
  g_atomic_rc_box_release_full (analysis, analysis_clear);
}

gpointer
lw_analysis_get_data (const LwAnalysis *analysis)
{
  return analysis->data;
}

gboolean
lw_analysis_matches (const LwAnalysis    *analysis,
                     const LwSharedImage *image,
                     const LwParams      *params)
{
  return analysis != NULL && image != NULL && params != NULL &&
         analysis->image == image &&
         !lw_params_need_reanalysis (analysis->params, params);
}

/* Image loading */

void
lw_load_result_free (LwLoadResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->image, lw_shared_image_unref);
  lw_pixels_clear (&result->pixels);
  g_free (result);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *name = g_file_get_basename (file);
  g_autoptr (LwLoadResult) result = g_new0 (LwLoadResult, 1);
  g_autoptr (LwTensor) tensor = NULL;
  GError *error = NULL;

  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);
      g_task_return_new_error (task, LW_ERROR, LW_ERROR_IO,
                               _("%s: only local files can be opened"), uri);
      return;
    }

  tensor = lw_image_load (path, &result->info, &error);
  if (tensor == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  if (!lw_pixels_from_tensor (tensor, &result->pixels, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  result->image = lw_shared_image_new (g_steal_pointer (&tensor), name);
  result->image->path = g_steal_pointer (&path);
  g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) lw_load_result_free);
}

void
lw_load_image_async (GObject             *source_object,
                     GFile               *file,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr (GTask) task = g_task_new (source_object, cancellable, callback, user_data);

  g_task_set_source_tag (task, lw_load_image_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_thread);
}

LwLoadResult *
lw_load_image_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lw_load_image_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Encoding */

LwEncodeRequest *
lw_encode_request_new (guint64         serial,
                       LwSharedImage  *image,
                       const LwParams *params,
                       LwAnalysis     *analysis)
{
  LwEncodeRequest *request = g_new0 (LwEncodeRequest, 1);

  request->serial = serial;
  request->image = lw_shared_image_ref (image);
  request->params = lw_params_copy (params);
  request->analysis = analysis ? lw_analysis_ref (analysis) : NULL;
  request->diff_gain = 8.0;
  request->diff = TRUE;
  request->latent = TRUE;
  request->structural = TRUE;
  return request;
}

void
lw_encode_request_free (LwEncodeRequest *request)
{
  if (request == NULL)
    return;
  g_clear_pointer (&request->image, lw_shared_image_unref);
  g_clear_pointer (&request->params, lw_params_free);
  g_clear_pointer (&request->analysis, lw_analysis_unref);
  g_free (request);
}

void
lw_encode_result_free (LwEncodeResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->analysis, lw_analysis_unref);
  g_clear_pointer (&result->lwc, g_bytes_unref);
  g_clear_pointer (&result->decoded, lw_shared_image_unref);
  lw_pixels_clear (&result->pixels);
  lw_pixels_clear (&result->diff_pixels);
  g_clear_pointer (&result->latent, lw_latent_info_free);
  g_free (result->latent_error);
  g_free (result);
}

static double
ms_since (gint64 start_us)
{
  return (g_get_monotonic_time () - start_us) / 1000.0;
}

/* The latent is inspected from the file alone, so it runs beside the decode and measuring on
 * the second core (this is the thread's function; it returns LwEncodeResult fields). */
typedef struct
{
  GBytes       *lwc;
  LwLatentInfo *latent;
  char         *error;
} LatentJob;

static gpointer
latent_thread (gpointer data)
{
  LatentJob *job = data;
  g_autoptr (GError) error = NULL;
  gsize len;
  const guint8 *bytes = g_bytes_get_data (job->lwc, &len);

  job->latent = lw_latent_inspect_bytes (bytes, len, &error);
  if (job->latent == NULL)
    job->error = g_strdup (error->message);
  return NULL;
}

/* Everything the page shows besides the numbers: the decoded pixels and the heat map. Done
 * here so that the main thread only wraps finished pixels in textures. */
static gboolean
render_views (LwEncodeRequest *request,
              LwEncodeResult  *result,
              GError         **error)
{
  if (!lw_pixels_from_tensor (result->decoded->tensor, &result->pixels, error))
    return FALSE;
  if (request->diff)
    {
      const LwTensor *image = request->image->tensor;
      guint w = (guint) image->shape[2], h = (guint) image->shape[1];
      guint8 *rgb = lw_diff_map_rgb8 (image, result->decoded->tensor, request->diff_gain,
                                      LW_COLORMAP_INFERNO, &result->diff_max, error);
      if (rgb == NULL)
        return FALSE;
      result->diff_pixels.bytes = g_bytes_new_take (rgb, (gsize) w * h * 3);
      result->diff_pixels.width = w;
      result->diff_pixels.height = h;
      result->diff_pixels.stride = (gsize) w * 3;
      result->diff_pixels.format = GDK_MEMORY_R8G8B8;
    }
  return TRUE;
}

static void
encode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  LwEncodeRequest *request = task_data;
  const LwCodec *codec = request->params->codec;
  const LwTensor *image = request->image->tensor;
  g_autoptr (LwEncodeResult) result = g_new0 (LwEncodeResult, 1);
  g_autoptr (LwTensor) decoded = NULL;
  LatentJob latent_job = { NULL, NULL, NULL };
  GThread *latent = NULL;
  gboolean measured;
  GError *error = NULL;
  double analyse_ms = 0.0, encode_ms;
  gint64 t0;

  result->serial = request->serial;

  if (lw_analysis_matches (request->analysis, request->image, request->params))
    {
      result->analysis = lw_analysis_ref (request->analysis);
      result->analysis_reused = TRUE;
    }
  else
    {
      t0 = g_get_monotonic_time ();
      gpointer data = lw_codec_analyse (codec, image, request->params, cancellable, &error);
      if (data == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      result->analysis = lw_analysis_new (request->image, request->params, data);
      analyse_ms = ms_since (t0);
    }
  /* Cancelled now: still hand the (possibly expensive) analysis back for the cache. */
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_task_return_pointer (task, g_steal_pointer (&result),
                             (GDestroyNotify) lw_encode_result_free);
      return;
    }

  t0 = g_get_monotonic_time ();
  result->lwc = lw_codec_encode (codec, result->analysis->data, request->params, cancellable,
                                 &error);
  if (result->lwc == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  encode_ms = ms_since (t0);
  if (g_task_return_error_if_cancelled (task))
    return;

  if (request->latent)
    {
      latent_job.lwc = result->lwc;
      latent = g_thread_try_new ("lw-latent", latent_thread, &latent_job, NULL);
      if (latent == NULL)
        latent_thread (&latent_job); /* no thread to be had: do it here */
    }
  /* The same measuring code as `latent-workbench-cli run` and RD sweeps. */
  measured = lw_measure_lwc_partial (codec, image, result->lwc, request->structural,
                                     &result->measure, &decoded, cancellable, &error);
  if (request->latent)
    {
      if (latent != NULL)
        g_thread_join (latent);
      result->latent_done = TRUE;
      result->latent = g_steal_pointer (&latent_job.latent);
      result->latent_error = g_steal_pointer (&latent_job.error);
    }
  if (!measured)
    {
      g_task_return_error (task, error);
      return;
    }
  result->decoded = lw_shared_image_new (g_steal_pointer (&decoded), request->image->name);
  result->measure.analyse_ms = analyse_ms;
  result->measure.encode_ms = encode_ms;
  if (g_task_return_error_if_cancelled (task))
    return;

  if (!render_views (request, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  result->complete = TRUE;
  g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) lw_encode_result_free);
}

void
lw_encode_async (GObject             *source_object,
                 LwEncodeRequest     *request,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr (GTask) task = g_task_new (source_object, cancellable, callback, user_data);

  g_task_set_source_tag (task, lw_encode_async);
  g_task_set_task_data (task, request, (GDestroyNotify) lw_encode_request_free);
  /* The worker decides what a cancelled request returns (see encode_thread). */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, encode_thread);
}

LwEncodeResult *
lw_encode_finish (GAsyncResult  *result,
                  GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lw_encode_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Structural similarity */

typedef struct
{
  LwSharedImage *image;
  LwSharedImage *decoded;
  LwMeasure      measure;
} StructuralJob;

static void
structural_job_free (StructuralJob *job)
{
  g_clear_pointer (&job->image, lw_shared_image_unref);
  g_clear_pointer (&job->decoded, lw_shared_image_unref);
  g_free (job);
}

static void
structural_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  StructuralJob *job = task_data;
  GError *error = NULL;

  if (lw_measure_structural (job->image->tensor, job->decoded->tensor, &job->measure,
                             cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
lw_structural_async (GObject             *source_object,
                     LwSharedImage       *image,
                     LwSharedImage       *decoded,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr (GTask) task = g_task_new (source_object, cancellable, callback, user_data);
  StructuralJob *job = g_new0 (StructuralJob, 1);

  job->image = lw_shared_image_ref (image);
  job->decoded = lw_shared_image_ref (decoded);
  g_task_set_source_tag (task, lw_structural_async);
  g_task_set_task_data (task, job, (GDestroyNotify) structural_job_free);
  g_task_run_in_thread (task, structural_thread);
}

gboolean
lw_structural_finish (GAsyncResult  *result,
                      double        *ssim,
                      double        *ms_ssim,
                      GError       **error)
{
  StructuralJob *job;

  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lw_structural_async, FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  job = g_task_get_task_data (G_TASK (result));
  *ssim = job->measure.ssim;
  *ms_ssim = job->measure.ms_ssim;
  return TRUE;
}
