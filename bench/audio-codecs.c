/* audio-codecs.c — benchmark: wavelet-latent-audio against Opus and FLAC in one run
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * On the bundled music and speech (piano-band.flac, voice.wav in $LW_SHARED_DATADIR/audio) or
 * the files named on the command line, on one core (OpenBLAS limited to one thread):
 *   speed    encode (analyse + encode into a complete .lwc) and decode (lw_codec_decode_bytes)
 *            as a multiple of real time (seconds of audio per second of CPU), at each codec's
 *            default parameters; the median of REPS timed runs after one warm-up. Opus's
 *            times include resampling to 48 kHz and back.
 *   quality  SNR, SI-SDR, WaLLoC PSNR and LSD (lw-audio-metrics.h) at 32, 64 and 128 kbit/s:
 *            Opus at bitrate = the target (VBR; its actual rate is reported), the other lossy
 *            codecs at the largest rate not above Opus's actual rate there (bisection on the
 *            codec's sweep parameter, 14 steps), so both sit at the same measured rate.
 *   clocks   wall time (g_get_monotonic_time) and process CPU time (CLOCK_PROCESS_CPUTIME_ID)
 *            are both reported: on a shared, loaded machine the CPU figure is the stable one.
 *   ratios   subject speed / peer speed; subject SNR − Opus SNR (dB) at each target.
 * Usage: audio-codecs [--quick] [--json] [--reps N] [FILE…]
 */
#define G_LOG_DOMAIN "lw-bench"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-glib/json-glib.h>

#include "lw-audio-io.h"
#include "lw-blas.h"
#include "lw-audio-metrics.h"
#include "lw-codec.h"
#include "lw-error.h"

static const char *codec_names[] = { "wavelet-latent-audio", "opus", "flac" };
#define N_CODECS G_N_ELEMENTS (codec_names)
#define SUBJECT  0
#define OPUS     1

static const double target_kbps[] = { 32, 64, 128 };
#define N_TARGETS G_N_ELEMENTS (target_kbps)

static const char *default_files[] = { "piano-band.flac", "voice.wav" };

typedef struct
{
  double   kbps, snr, si_sdr, psnr, lsd, param;
  gboolean reached;  /* FALSE: the codec's lowest rate is above the target */
} Point;

typedef struct
{
  const LwCodec *codec;   /* NULL: not registered */
  double enc_x, dec_x;    /* × real time, wall clock */
  double enc_cpu_x, dec_cpu_x; /* × real time, process CPU time */
  double default_kbps;
  Point  at[N_TARGETS];
} CodecResult;

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *v, guint n)
{
  qsort (v, n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static void
die (GError *error)
{
  g_printerr ("audio-codecs: %s\n", error->message);
  exit (1);
}

static double
cpu_seconds (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void
measure_speed (const LwCodec *codec, const LwTensor *x, guint reps, CodecResult *r)
{
  g_autoptr (LwParams) p = lw_params_new (codec);
  g_autofree double *enc = g_new (double, reps), *dec = g_new (double, reps);
  g_autofree double *enc_cpu = g_new (double, reps), *dec_cpu = g_new (double, reps);
  double seconds = x->shape[1] / x->sample_rate;
  for (guint k = 0; k <= reps; k++)
    {
      GError *error = NULL;
      double c0 = cpu_seconds ();
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr (GBytes) lwc = lw_codec_encode_signal (codec, x, p, NULL, &error);
      gint64 t1 = g_get_monotonic_time ();
      double c1 = cpu_seconds ();
      if (lwc == NULL)
        die (error);
      g_autoptr (LwTensor) y = lw_codec_decode_bytes (g_bytes_get_data (lwc, NULL),
                                                      g_bytes_get_size (lwc), NULL, &error);
      gint64 t2 = g_get_monotonic_time ();
      double c2 = cpu_seconds ();
      if (y == NULL)
        die (error);
      if (k == 0) /* warm-up */
        {
          r->default_kbps = lw_kbps (g_bytes_get_size (lwc), x->shape[1], x->sample_rate);
          continue;
        }
      enc[k - 1] = (t1 - t0) / 1e6;
      dec[k - 1] = (t2 - t1) / 1e6;
      enc_cpu[k - 1] = c1 - c0;
      dec_cpu[k - 1] = c2 - c1;
    }
  r->enc_cpu_x = seconds / median (enc_cpu, reps);
  r->dec_cpu_x = seconds / median (dec_cpu, reps);
  r->enc_x = seconds / median (enc, reps);
  r->dec_x = seconds / median (dec, reps);
}

/* encode then decode as one multiple of real time */
static double
both (double enc_x, double dec_x)
{
  return 1.0 / (1.0 / enc_x + 1.0 / dec_x);
}

static GBytes *
encode_with (const LwCodec *codec, gpointer analysis, LwParams *p, double value)
{
  GError *error = NULL;
  if (!lw_params_set (p, codec->sweep_param, value, &error))
    die (error);
  GBytes *lwc = lw_codec_encode (codec, analysis, p, NULL, &error);
  if (lwc == NULL)
    die (error);
  return lwc;
}

static void
score (const LwTensor *x, GBytes *lwc, double param, Point *pt)
{
  GError *error = NULL;
  g_autoptr (LwTensor) y = lw_codec_decode_bytes (g_bytes_get_data (lwc, NULL),
                                                  g_bytes_get_size (lwc), NULL, &error);
  if (y == NULL)
    die (error);
  pt->kbps = lw_kbps (g_bytes_get_size (lwc), x->shape[1], x->sample_rate);
  pt->snr = lw_snr (x, y);
  pt->si_sdr = lw_si_sdr (x, y);
  pt->psnr = lw_audio_psnr (x, y);
  pt->lsd = lw_lsd (x, y);
  pt->param = param;
  pt->reached = TRUE;
}

/* The sweep value whose rate is the largest not above max_kbps (bisection; rate is monotone) */
static void
point_at_rate (const LwCodec *codec, const LwTensor *x, double max_kbps, guint steps, Point *pt)
{
  GError *error = NULL;
  g_autoptr (LwParams) p = lw_params_new (codec);
  gpointer analysis = lw_codec_analyse (codec, x, p, NULL, &error);
  if (analysis == NULL)
    die (error);
  int i = lw_params_index (codec, codec->sweep_param);
  const LwParamSpec *spec = &codec->params[i];
  double lo = codec->sweep_min, hi = codec->sweep_max;
  if (lo == 0 && hi == 0)
    {
      lo = spec->min;
      hi = spec->max;
    }
  gboolean lg = spec->log_scale && lo > 0;
  double a = lg ? log (lo) : lo, b = lg ? log (hi) : hi;
  /* u = a is the low-rate end unless the sweep is descending */
  if (codec->sweep_descending)
    {
      double t = a;
      a = b;
      b = t;
    }
  double best = a;
  gboolean reached = FALSE;
  for (guint k = 0; k < steps; k++)
    {
      double m = 0.5 * (a + b);
      double v = lg ? exp (m) : m;
      if (spec->type == LW_PARAM_INT)
        v = round (v);
      g_autoptr (GBytes) lwc = encode_with (codec, analysis, p, v);
      if (lw_kbps (g_bytes_get_size (lwc), x->shape[1], x->sample_rate) <= max_kbps)
        {
          best = a = m;
          reached = TRUE;
        }
      else
        b = m;
    }
  double v = lg ? exp (best) : best;
  if (spec->type == LW_PARAM_INT)
    v = round (v);
  g_autoptr (GBytes) lwc = encode_with (codec, analysis, p, v);
  score (x, lwc, v, pt);
  pt->reached = reached || pt->kbps <= max_kbps;
  lw_codec_analysis_free (codec, analysis);
}

static void
json_double (JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name (b, name);
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

int
main (int argc, char **argv)
{
  gboolean quick = FALSE, json = FALSE;
  int reps = 0;
  g_auto (GStrv) files = NULL;
  GOptionEntry entries[] = {
    { "quick", 0, 0, G_OPTION_ARG_NONE, &quick, "3 repetitions, 10 bisection steps", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "print one JSON object instead of a table", NULL },
    { "reps", 0, 0, G_OPTION_ARG_INT, &reps, "timed repetitions (default 5)", "N" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, "FILE…" },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("— audio codec benchmark");
  g_option_context_add_main_entries (ctx, entries, NULL);
  GError *error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    die (error);
  guint n_reps = reps > 0 ? (guint) reps : quick ? 3 : 5;
  guint steps = quick ? 10 : 14;

  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  if (files && files[0])
    for (guint i = 0; files[i]; i++)
      g_ptr_array_add (paths, g_strdup (files[i]));
  else
    {
      const char *dir = g_getenv ("LW_SHARED_DATADIR");
      g_autofree char *fallback = g_build_filename (LW_SOURCE_DATADIR, "..", "..", "shared",
                                                    "data", NULL);
      for (guint i = 0; i < G_N_ELEMENTS (default_files); i++)
        g_ptr_array_add (paths, g_build_filename (dir ? dir : fallback, "audio",
                                                  default_files[i], NULL));
    }
  lw_blas_set_threads (1);

  const LwCodec *codecs[N_CODECS];
  for (guint c = 0; c < N_CODECS; c++)
    codecs[c] = lw_codec_lookup (codec_names[c], NULL);
  if (codecs[OPUS] == NULL)
    {
      g_printerr ("audio-codecs: the opus codec is not registered\n");
      return 1;
    }

  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "benchmark");
  json_builder_add_string_value (b, "audio-codecs");
  json_builder_set_member_name (b, "threads");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "repetitions");
  json_builder_add_int_value (b, n_reps);
  json_builder_set_member_name (b, "statistic");
  json_builder_add_string_value (b, "median");
  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);

  for (guint f = 0; f < paths->len; f++)
    {
      const char *path = paths->pdata[f];
      LwAudioInfo info;
      g_autoptr (LwTensor) x = lw_audio_load (path, &info, &error);
      if (x == NULL)
        die (error);
      double seconds = x->shape[1] / x->sample_rate;
      CodecResult res[N_CODECS] = { 0 };

      for (guint c = 0; c < N_CODECS; c++)
        {
          res[c].codec = codecs[c];
          if (codecs[c] == NULL)
            continue;
          /* Opus handles at most 2 channels */
          if (c == OPUS && x->shape[0] > 2)
            {
              res[c].codec = NULL;
              continue;
            }
          measure_speed (codecs[c], x, n_reps, &res[c]);
        }
      if (res[OPUS].codec)
        for (guint t = 0; t < N_TARGETS; t++)
          {
            g_autoptr (LwParams) p = lw_params_new (codecs[OPUS]);
            g_autoptr (GBytes) lwc = NULL;
            gpointer an = lw_codec_analyse (codecs[OPUS], x, p, NULL, &error);
            if (an == NULL)
              die (error);
            lwc = encode_with (codecs[OPUS], an, p, target_kbps[t]);
            lw_codec_analysis_free (codecs[OPUS], an);
            score (x, lwc, target_kbps[t], &res[OPUS].at[t]);
            for (guint c = 0; c < N_CODECS; c++)
              if (c != OPUS && res[c].codec && g_strcmp0 (codec_names[c], "flac") != 0)
                point_at_rate (codecs[c], x, res[OPUS].at[t].kbps, steps, &res[c].at[t]);
          }

      /* JSON */
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "path");
      json_builder_add_string_value (b, path);
      json_builder_set_member_name (b, "sample_rate");
      json_builder_add_double_value (b, x->sample_rate);
      json_builder_set_member_name (b, "channels");
      json_builder_add_int_value (b, x->shape[0]);
      json_double (b, "seconds", seconds);
      json_builder_set_member_name (b, "codecs");
      json_builder_begin_array (b);
      for (guint c = 0; c < N_CODECS; c++)
        {
          if (res[c].codec == NULL)
            continue;
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, codec_names[c]);
          json_double (b, "encode_x_realtime", res[c].enc_x);
          json_double (b, "decode_x_realtime", res[c].dec_x);
          json_double (b, "encode_x_realtime_cpu", res[c].enc_cpu_x);
          json_double (b, "decode_x_realtime_cpu", res[c].dec_cpu_x);
          /* the speed target: encode then decode, seconds of audio per second */
          json_double (b, "encode_decode_x_realtime", both (res[c].enc_x, res[c].dec_x));
          json_double (b, "encode_decode_x_realtime_cpu",
                       both (res[c].enc_cpu_x, res[c].dec_cpu_x));
          json_double (b, "default_kbps", res[c].default_kbps);
          json_builder_set_member_name (b, "at_kbps");
          json_builder_begin_array (b);
          for (guint t = 0; t < N_TARGETS && res[c].at[t].kbps > 0; t++)
            {
              json_builder_begin_object (b);
              json_double (b, "target", target_kbps[t]);
              json_double (b, res[c].codec->sweep_param, res[c].at[t].param);
              json_double (b, "kbps", res[c].at[t].kbps);
              json_double (b, "snr", res[c].at[t].snr);
              json_double (b, "si_sdr", res[c].at[t].si_sdr);
              json_double (b, "psnr", res[c].at[t].psnr);
              json_double (b, "lsd", res[c].at[t].lsd);
              json_builder_set_member_name (b, "rate_reached");
              json_builder_add_boolean_value (b, res[c].at[t].reached);
              json_builder_end_object (b);
            }
          json_builder_end_array (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      if (res[SUBJECT].codec)
        {
          json_builder_set_member_name (b, "ratios");
          json_builder_begin_object (b);
          for (guint c = 1; c < N_CODECS; c++)
            if (res[c].codec)
              {
                g_autofree char *ke = g_strdup_printf ("encode_vs_%s", codec_names[c]);
                g_autofree char *kd = g_strdup_printf ("decode_vs_%s", codec_names[c]);
                json_double (b, ke, res[SUBJECT].enc_x / res[c].enc_x);
                json_double (b, kd, res[SUBJECT].dec_x / res[c].dec_x);
                g_autofree char *kec = g_strdup_printf ("encode_cpu_vs_%s", codec_names[c]);
                g_autofree char *kdc = g_strdup_printf ("decode_cpu_vs_%s", codec_names[c]);
                json_double (b, kec, res[SUBJECT].enc_cpu_x / res[c].enc_cpu_x);
                json_double (b, kdc, res[SUBJECT].dec_cpu_x / res[c].dec_cpu_x);
              }
          if (res[OPUS].codec)
            for (guint t = 0; t < N_TARGETS; t++)
              {
                g_autofree char *k = g_strdup_printf ("snr_minus_opus_db_at_%g", target_kbps[t]);
                /* null when the subject cannot go as low as Opus's rate */
                json_double (b, k, res[SUBJECT].at[t].reached ?
                             res[SUBJECT].at[t].snr - res[OPUS].at[t].snr : NAN);
              }
          json_builder_end_object (b);
        }
      json_builder_end_object (b);

      if (json)
        continue;
      g_autofree char *base = g_path_get_basename (path);
      printf ("%s: %u ch, %g Hz, %.2f s (median of %u runs, one thread)\n", base,
              (guint) x->shape[0], x->sample_rate, seconds, n_reps);
      printf ("  %-22s %10s %10s %10s %10s %10s %10s\n", "codec", "enc ×RT", "dec ×RT",
              "enc+dec ×RT", "enc ×RT cpu", "dec ×RT cpu", "kbit/s");
      for (guint c = 0; c < N_CODECS; c++)
        if (res[c].codec)
          printf ("  %-22s %10.1f %10.1f %10.1f %10.1f %10.1f %10.1f\n", codec_names[c],
                  res[c].enc_x, res[c].dec_x, both (res[c].enc_x, res[c].dec_x), res[c].enc_cpu_x,
                  res[c].dec_cpu_x, res[c].default_kbps);
      printf ("  %-22s %7s %8s %8s %8s %8s %8s\n", "codec @ target", "kbit/s", "SNR", "SI-SDR",
              "PSNR", "LSD", "param");
      for (guint t = 0; t < N_TARGETS; t++)
        for (guint c = 0; c < N_CODECS; c++)
          if (res[c].codec && res[c].at[t].kbps > 0)
            {
              g_autofree char *label = g_strdup_printf ("%s @ %g", codec_names[c], target_kbps[t]);
              printf ("  %-22s %7.1f %8.2f %8.2f %8.2f %8.2f %8.4g%s\n", label, res[c].at[t].kbps,
                      res[c].at[t].snr, res[c].at[t].si_sdr, res[c].at[t].psnr, res[c].at[t].lsd,
                      res[c].at[t].param, res[c].at[t].reached ? "" : "  (lowest rate; above target)");
            }
      if (res[SUBJECT].codec)
        {
          for (guint c = 1; c < N_CODECS; c++)
            if (res[c].codec)
              printf ("  %s / %s speed: encode %.2f×, decode %.2f× (CPU time: %.2f×, %.2f×)\n",
                      codec_names[SUBJECT], codec_names[c], res[SUBJECT].enc_x / res[c].enc_x,
                      res[SUBJECT].dec_x / res[c].dec_x, res[SUBJECT].enc_cpu_x / res[c].enc_cpu_x,
                      res[SUBJECT].dec_cpu_x / res[c].dec_cpu_x);
          if (res[OPUS].codec)
            for (guint t = 0; t < N_TARGETS; t++)
              {
                if (res[SUBJECT].at[t].reached)
                  printf ("  SNR %s − opus at %g kbit/s: %+.2f dB\n", codec_names[SUBJECT],
                          target_kbps[t], res[SUBJECT].at[t].snr - res[OPUS].at[t].snr);
                else
                  printf ("  SNR %s − opus at %g kbit/s: n/a (cannot reach %.1f kbit/s)\n",
                          codec_names[SUBJECT], target_kbps[t], res[OPUS].at[t].kbps);
              }
        }
      printf ("\n");
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  if (json)
    {
      g_autoptr (JsonGenerator) gen = json_generator_new ();
      g_autoptr (JsonNode) root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      json_generator_set_pretty (gen, TRUE);
      g_autofree char *text = json_generator_to_data (gen, NULL);
      printf ("%s\n", text);
    }
  g_ptr_array_unref (paths);
  return 0;
}
