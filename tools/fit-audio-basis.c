/* fit-audio-basis.c — fits the shipped PCA bases of the wavelet-latent-audio codec
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: fit-audio-basis OUT.lwm AUDIO...
 * For channels 1 and 2 and J = 3…8 (CDF 9/7), resamples every training file to the rate that
 * J is chosen for automatically (bands of at least 344 Hz: J=3 at 8 kHz, 4 at 16 kHz, 5 at
 * 32 kHz, 6 at 44.1 kHz) and fits J = 7 and 8 at 44.1 kHz too, normalises it as the codec does (mean removed,
 * peak 0.5), takes the J-level packet transform and accumulates the covariance of the C·2^J
 * packet channels over all time steps; stores all D eigenvectors as float16 rows.
 * Mono: each file's channels separately. Stereo:
 * stereo files as they are, and pairs of mono files mixed at a few pan positions with some
 * crosstalk (L = a·s1 + b·s2, R = b·s1 + a·s2), so the basis sees correlated and independent
 * channels. Besides the files, deterministic synthetic audio (decaying harmonic tones, chirps,
 * coloured noise) is added, so sustained tonal music is represented too.
 * The command and training files that made data/models/wavelet-latent-audio-pca.lwm are in
 * tools/fit-audio-basis.sh (licences there).
 */
#define G_LOG_DOMAIN "fit-audio-basis"

#include "lw-bitstream.h"
#include "lw-pca.h"
#include "lw-wavelet-latent-private.h"
#include "lw-wavelet.h"

#include <math.h>
#include <samplerate.h>
#include <sndfile.h>
#include <stdio.h>
#include <string.h>

typedef struct
{
  guint  channels;
  gsize  frames;
  double rate;
  float *data; /* channel-major */
} Clip;

static void
clip_free (Clip *c)
{
  g_free (c->data);
  g_free (c);
}

static Clip *
load (const char *path)
{
  SF_INFO info = { 0 };
  SNDFILE *f = sf_open (path, SFM_READ, &info);
  if (f == NULL)
    {
      fprintf (stderr, "%s: %s\n", path, sf_strerror (NULL));
      return NULL;
    }
  float *inter = g_new (float, (gsize) info.frames * info.channels);
  sf_count_t got = sf_readf_float (f, inter, info.frames);
  sf_close (f);
  Clip *c = g_new0 (Clip, 1);
  c->channels = MIN (info.channels, 2);
  c->frames = got;
  c->rate = info.samplerate;
  c->data = g_new (float, (gsize) c->channels * got);
  for (guint ch = 0; ch < c->channels; ch++)
    for (gsize i = 0; i < (gsize) got; i++)
      c->data[ch * got + i] = inter[i * info.channels + ch];
  g_free (inter);
  return c;
}

static Clip *
resample (const Clip *in, double rate)
{
  Clip *c = g_new0 (Clip, 1);
  c->channels = in->channels;
  c->rate = rate;
  double ratio = rate / in->rate;
  gsize cap = (gsize) (in->frames * ratio) + 16;
  c->data = g_new0 (float, (gsize) c->channels * cap);
  for (guint ch = 0; ch < in->channels; ch++)
    {
      SRC_DATA d = { 0 };
      d.data_in = in->data + ch * in->frames;
      d.input_frames = in->frames;
      d.data_out = c->data + ch * cap;
      d.output_frames = cap;
      d.src_ratio = ratio;
      d.end_of_input = 1;
      if (src_simple (&d, SRC_SINC_MEDIUM_QUALITY, 1) != 0)
        g_error ("resampling failed");
      c->frames = d.output_frames_gen;
    }
  /* compact to the generated length */
  for (guint ch = 1; ch < c->channels; ch++)
    memmove (c->data + ch * c->frames, c->data + ch * cap, c->frames * sizeof (float));
  return c;
}

/* Deterministic synthetic training audio at `rate`, `seconds` long, mono */
static Clip *
synth (double rate, guint kind, guint seed, double seconds)
{
  GRand *r = g_rand_new_with_seed (seed);
  Clip *c = g_new0 (Clip, 1);
  c->channels = 1;
  c->rate = rate;
  c->frames = (gsize) (seconds * rate);
  c->data = g_new0 (float, c->frames);
  if (kind == 0)
    {
      /* piano-like notes: harmonics with 1/k amplitudes, inharmonicity, exponential decay */
      double t0 = 0;
      while (t0 < seconds)
        {
          double f0 = 55.0 * pow (2.0, g_rand_double_range (r, 0, 5.5));
          double decay = g_rand_double_range (r, 1.0, 6.0), amp = g_rand_double_range (r, 0.1, 0.4);
          gsize start = (gsize) (t0 * rate);
          for (guint k = 1; k <= 20 && k * f0 < rate / 2.2; k++)
            {
              double fk = k * f0 * sqrt (1 + 2e-4 * k * k), ph = g_rand_double (r) * 6.28;
              for (gsize i = start; i < c->frames; i++)
                {
                  double t = (i - start) / rate;
                  c->data[i] +=
                      amp / k * exp (-t * decay * (1 + 0.3 * k)) * sin (6.2832 * fk * t + ph);
                }
            }
          t0 += g_rand_double_range (r, 0.1, 0.6);
        }
    }
  else if (kind == 1)
    {
      /* exponential chirps */
      double f1 = 30, f2 = rate / 2.1, ph = 0;
      for (gsize i = 0; i < c->frames; i++)
        {
          double u = fmod (i / rate, 2.0) / 2.0;
          ph += 6.2832 * f1 * pow (f2 / f1, u) / rate;
          c->data[i] = 0.3 * sin (ph);
        }
    }
  else
    {
      /* noise with a random spectral tilt (one-pole filters) */
      double a = g_rand_double_range (r, 0.0, 0.98), y = 0, b = g_rand_double_range (r, -0.5, 0.5);
      double prev = 0;
      for (gsize i = 0; i < c->frames; i++)
        {
          double w = g_rand_double_range (r, -1, 1);
          y = a * y + (1 - a) * w;
          c->data[i] = 0.3 * (y + b * prev);
          prev = y;
        }
    }
  g_rand_free (r);
  return c;
}

static void
accumulate (LwPcaAccumulator *acc, const float *data, guint channels, gsize frames, guint levels)
{
  gsize step = (gsize) 1 << levels, tp = (frames + step - 1) / step * step;
  if (frames < step)
    return;
  g_autoptr (LwTensor) x = lw_tensor_new_2d (channels, tp);
  for (guint ch = 0; ch < channels; ch++)
    {
      const float *src = data + ch * frames;
      double sum = 0;
      for (gsize i = 0; i < frames; i++)
        sum += src[i];
      float mean = sum / frames, peak = 0;
      for (gsize i = 0; i < frames; i++)
        peak = fmaxf (peak, fabsf (src[i] - mean));
      float gain = peak > 0 ? 0.5f / peak : 1.0f;
      for (gsize i = 0; i < frames; i++)
        x->data[ch * tp + i] = (src[i] - mean) * gain;
    }
  g_autoptr (LwTensor) y = lw_wpt1d_forward (LW_WAVELET_CDF97, x, levels, NULL);
  lw_pca_accumulator_add (acc, y->data, tp >> levels);
}

int
main (int argc, char **argv)
{
  static const double rates[] = { 8000, 16000, 32000, 44100, 44100, 44100 };
  if (argc < 2)
    {
      fprintf (stderr, "usage: %s OUT.lwm AUDIO...\n", argv[0]);
      return 2;
    }
  GPtrArray *files = g_ptr_array_new_with_free_func ((GDestroyNotify) clip_free);
  for (int i = 2; i < argc; i++)
    {
      Clip *c = load (argv[i]);
      if (c == NULL)
        return 1;
      if (c->frames >= 4096)
        g_ptr_array_add (files, c);
      else
        clip_free (c);
    }

  GPtrArray *bases = g_ptr_array_new_with_free_func ((GDestroyNotify) lw_pca_free);
  for (guint j = 3; j <= 8; j++)
    {
      double rate = rates[j - 3];
      GPtrArray *clips = g_ptr_array_new_with_free_func ((GDestroyNotify) clip_free);
      for (guint i = 0; i < files->len; i++)
        g_ptr_array_add (clips, resample (g_ptr_array_index (files, i), rate));
      for (guint k = 0; k < 9; k++)
        g_ptr_array_add (clips, synth (rate, k % 3, 100 + k, k % 3 == 0 ? 8.0 : 3.0));
      /* mono views: every channel of every clip */
      GPtrArray *mono = g_ptr_array_new_with_free_func ((GDestroyNotify) clip_free);
      for (guint i = 0; i < clips->len; i++)
        {
          Clip *c = g_ptr_array_index (clips, i);
          for (guint ch = 0; ch < c->channels; ch++)
            {
              Clip *m = g_new0 (Clip, 1);
              m->channels = 1;
              m->frames = c->frames;
              m->rate = rate;
              m->data = g_memdup2 (c->data + ch * c->frames, c->frames * sizeof (float));
              g_ptr_array_add (mono, m);
            }
        }
      for (guint channels = 1; channels <= 2; channels++)
        {
          guint dim = channels << j;
          LwPcaAccumulator *acc = lw_pca_accumulator_new (dim);
          if (channels == 1)
            for (guint i = 0; i < mono->len; i++)
              {
                Clip *m = g_ptr_array_index (mono, i);
                accumulate (acc, m->data, 1, m->frames, j);
              }
          else
            {
              for (guint i = 0; i < clips->len; i++)
                {
                  Clip *c = g_ptr_array_index (clips, i);
                  if (c->channels == 2)
                    accumulate (acc, c->data, 2, c->frames, j);
                }
              /* mixes of mono pairs, pan a:b with a² + b² = 1 */
              static const double pans[] = { 1.0, 0.9, 0.75 };
              for (guint i = 0; i < mono->len; i++)
                {
                  Clip *s1 = g_ptr_array_index (mono, i);
                  Clip *s2 = g_ptr_array_index (mono, (i * 7 + 3) % mono->len);
                  double a = pans[i % 3], b = sqrt (1 - a * a);
                  gsize n = MIN (s1->frames, s2->frames);
                  float *st = g_new (float, 2 * n);
                  for (gsize k = 0; k < n; k++)
                    {
                      st[k] = a * s1->data[k] + b * s2->data[k];
                      st[n + k] = b * s1->data[k] + a * s2->data[k];
                    }
                  accumulate (acc, st, 2, n, j);
                  /* and the same source in both channels (mono material played in stereo) */
                  for (gsize k = 0; k < n; k++)
                    st[k] = st[n + k] = s1->data[k];
                  accumulate (acc, st, 2, n, j);
                  g_free (st);
                }
            }
          GError *error = NULL;
          LwPca *full = lw_pca_accumulator_finish (acc, &error);
          lw_pca_accumulator_free (acc);
          if (full == NULL)
            g_error ("%s", error->message);
          guint keep = dim;
          LwPca *pca = lw_pca_new (dim, keep);
          memcpy (pca->mean, full->mean, dim * sizeof (float));
          memcpy (pca->variance, full->variance, keep * sizeof (float));
          memcpy (pca->basis, full->basis, (gsize) keep * dim * sizeof (float));
          pca->channels = channels;
          pca->levels = j;
          pca->wavelet = LW_WAVELET_CDF97;
          double tot = 0, kept = 0;
          for (guint k = 0; k < dim; k++)
            tot += full->variance[k], kept += k < keep ? full->variance[k] : 0;
          fprintf (stderr, "J=%u C=%u: D=%u, %u rows keep %.5f of the variance\n", j,
                   channels, dim, keep, kept / tot);
          lw_pca_free (full);
          g_ptr_array_add (bases, pca);
        }
      g_ptr_array_free (mono, TRUE);
      g_ptr_array_unref (clips);
    }
  /* the codec's model format: one chunk per basis, four u32 (channels, levels, wavelet, dim)
   * then a 'BASE' payload (float32 mean, float16 rows); the codec re-orthonormalises the rows */
  g_autoptr (LwBitstream) bs = lw_bitstream_new (16, 1);
  guint32 shape[1] = { bases->len };
  lw_bitstream_set_shape (bs, 1, shape);
  for (guint k = 0; k < bases->len; k++)
    {
      const LwPca *p = g_ptr_array_index (bases, k);
      GByteArray *b = g_byte_array_new ();
      guint32 head[4] = { p->channels, p->levels, p->wavelet, p->dim };
      for (guint i = 0; i < 4; i++)
        {
          guint8 le[4] = { head[i], head[i] >> 8, head[i] >> 16, head[i] >> 24 };
          g_byte_array_append (b, le, 4);
        }
      g_autoptr (GBytes) base = _lw_wavelet_latent_basis_chunk (p, p->n);
      g_byte_array_append (b, g_bytes_get_data (base, NULL), g_bytes_get_size (base));
      g_autoptr (GBytes) chunk = g_byte_array_free_to_bytes (b);
      lw_bitstream_add_chunk (bs, LW_FOURCC ('P', 'C', 'A', 'A' + k), chunk);
    }
  GBytes *out = lw_bitstream_serialize (bs);
  GError *error = NULL;
  if (!g_file_set_contents (argv[1], g_bytes_get_data (out, NULL), g_bytes_get_size (out),
                            &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  g_bytes_unref (out);
  g_ptr_array_unref (bases);
  g_ptr_array_unref (files);
  return 0;
}
