/* latent-coder.c — speed and size of the latent-plane entropy coder on real codec symbols
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: latent-coder [--json] [--runs N] [IMAGE.png …]
 *   (default images: every .png in $LW_SHARED_DATADIR/images, else in /work/shared/data/images)
 *
 * For each image and each setting (step 4, 12, 40 × latents 48, 192; other parameters at the
 * codec's defaults, so planes may be MED residuals exactly as the codec sends them) the
 * wavelet-latent codec encodes the image; the 'LATR' chunk is taken out of the container and
 * decoded with lw_latent_decode_planes (timed), and the decoded symbols are coded again with
 * lw_latent_code_planes (timed, and checked to decode back to the same symbols). Times are
 * the thread CPU time (on a shared machine this is what one core does), median of N runs
 * (default 7; --best: the fastest run, steadier when other jobs share the machine).
 * Throughput is in million symbols per second; the codec's budget is ≥ 50 M/s each way
 * (≤ ~4 ms per 512×512 image with 48 latents). --no-encode / --no-decode time one side only
 * (for profiles).
 *
 * Sizes: `bytes` is what the coder of this build produces for the symbols; the symbols do not
 * depend on the entropy coder, so totals from two builds compare directly.
 */
#define G_LOG_DOMAIN "latent-coder-bench"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "lw-bitstream.h"
#include "lw-codec.h"
#include "lw-image-io.h"
#include "lw-rans.h"

typedef struct
{
  char   *image;
  double  step;
  guint   latents;
  guint   planes, height, width, alphabet;
  gsize   symbols;
  gsize   codec_bytes; /* the LATR chunk the codec wrote */
  gsize   bytes;       /* re-encoded by lw_latent_code_planes */
  double  enc_s, dec_s; /* median thread CPU seconds */
} Case;

static double
cpu_now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static gboolean use_best = FALSE;
static gboolean skip_encode = FALSE, skip_decode = FALSE;

/* The median, or with --best the minimum (steadier when other jobs share the core) */
static double
median (double *v, guint n)
{
  qsort (v, n, sizeof *v, cmp_double);
  if (use_best)
    return v[0];
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* g_ptr_array_sort passes pointers to the elements */
static gint
cmp_path (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

static GPtrArray *
default_images (void)
{
  const char *base = g_getenv ("LW_SHARED_DATADIR");
  g_autofree char *dir = g_build_filename (base ? base : "/work/shared/data", "images", NULL);
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  if (d == NULL)
    return paths;
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".png"))
      g_ptr_array_add (paths, g_build_filename (dir, name, NULL));
  g_ptr_array_sort (paths, cmp_path);
  return paths;
}

/* Times decode and re-encode of one LATR chunk; FALSE (with a message) on any mismatch */
static gboolean
run_case (Case *c, const guint8 *lat, gsize lat_len, guint runs)
{
  g_autoptr (GError) error = NULL;
  g_autofree guint16 *sym = g_new (guint16, c->symbols);
  g_autofree guint16 *back = g_new (guint16, c->symbols);
  g_autofree double *te = g_new (double, runs);
  g_autofree double *td = g_new (double, runs);

  /* warm-up decode: first-touch page faults, and the symbols to re-encode */
  if (!lw_latent_decode_planes (lat, lat_len, sym, c->planes, c->height, c->width, c->alphabet,
                                &error))
    {
      g_printerr ("%s: decoding the codec's LATR chunk failed: %s\n", c->image, error->message);
      return FALSE;
    }
  for (guint r = 0; r < (skip_decode ? 1 : runs); r++)
    {
      double t0 = cpu_now ();
      gboolean ok = lw_latent_decode_planes (lat, lat_len, back, c->planes, c->height, c->width,
                                             c->alphabet, &error);
      td[r] = cpu_now () - t0;
      g_assert_true (ok);
    }
  for (guint r = 0; r < (skip_encode ? 1 : runs); r++)
    {
      double t0 = cpu_now ();
      g_autoptr (GBytes) b = lw_latent_code_planes (sym, c->planes, c->height, c->width,
                                                    c->alphabet, &error);
      te[r] = cpu_now () - t0;
      if (b == NULL)
        {
          g_printerr ("%s: re-encoding failed: %s\n", c->image, error->message);
          return FALSE;
        }
      gsize len;
      const guint8 *d = g_bytes_get_data (b, &len);
      c->bytes = len;
      if (r == 0
          && (!lw_latent_decode_planes (d, len, back, c->planes, c->height, c->width,
                                        c->alphabet, &error)
              || memcmp (back, sym, c->symbols * sizeof *sym) != 0))
        {
          g_printerr ("%s: step %g, latents %u: re-encoded planes do not round-trip%s%s\n",
                      c->image, c->step, c->latents, error ? ": " : "",
                      error ? error->message : "");
          return FALSE;
        }
    }
  c->enc_s = median (te, skip_encode ? 1 : runs);
  c->dec_s = median (td, skip_decode ? 1 : runs);
  return TRUE;
}

int
main (int argc, char **argv)
{
  gboolean json = FALSE;
  gint runs = 7;
  g_auto (GStrv) files = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "print one JSON object", NULL },
    { "runs", 'n', 0, G_OPTION_ARG_INT, &runs, "timed runs per case (median), default 7", "N" },
    { "best", 0, 0, G_OPTION_ARG_NONE, &use_best, "report the fastest run, not the median", NULL },
    { "no-encode", 0, 0, G_OPTION_ARG_NONE, &skip_encode, "time decoding only", NULL },
    { "no-decode", 0, 0, G_OPTION_ARG_NONE, &skip_decode, "time encoding only", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, "IMAGE…" },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("[IMAGE.png …]");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("latent-coder: %s\n", error->message);
      return 2;
    }
  runs = CLAMP (runs, 1, 1000);

  g_autoptr (GPtrArray) paths = NULL;
  if (files != NULL && files[0] != NULL)
    {
      paths = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; files[i]; i++)
        g_ptr_array_add (paths, g_strdup (files[i]));
    }
  else
    paths = default_images ();
  if (paths->len == 0)
    {
      g_printerr ("latent-coder: no images (set LW_SHARED_DATADIR or name PNG files)\n");
      return 2;
    }

  const LwCodec *codec = lw_codec_lookup ("wavelet-latent", &error);
  if (codec == NULL)
    {
      g_printerr ("latent-coder: %s\n", error->message);
      return 1;
    }
  static const double steps[] = { 4, 12, 40 };
  static const guint latents[] = { 48, 192 };
  GArray *cases = g_array_new (FALSE, TRUE, sizeof (Case));
  int status = 0;

  for (guint f = 0; f < paths->len && status == 0; f++)
    {
      const char *path = paths->pdata[f];
      g_autoptr (LwTensor) img = lw_image_load (path, NULL, &error);
      if (img == NULL)
        {
          g_printerr ("latent-coder: %s\n", error->message);
          status = 1;
          break;
        }
      g_autoptr (LwParams) params = lw_params_new (codec);
      gpointer analysis = lw_codec_analyse (codec, img, params, NULL, &error);
      if (analysis == NULL)
        {
          g_printerr ("latent-coder: %s: %s\n", path, error->message);
          status = 1;
          break;
        }
      for (guint si = 0; si < G_N_ELEMENTS (steps) && status == 0; si++)
        for (guint li = 0; li < G_N_ELEMENTS (latents) && status == 0; li++)
          {
            Case c = { 0 };
            c.image = g_path_get_basename (path);
            c.step = steps[si];
            c.latents = latents[li];
            g_autoptr (GBytes) file = NULL;
            if (!lw_params_set (params, "step", c.step, &error)
                || !lw_params_set (params, "latents", c.latents, &error)
                || (file = lw_codec_encode (codec, analysis, params, NULL, &error)) == NULL)
              {
                g_printerr ("latent-coder: %s: %s\n", path, error->message);
                g_free (c.image);
                status = 1;
                break;
              }
            gsize flen;
            const guint8 *fdata = g_bytes_get_data (file, &flen);
            g_autoptr (LwBitstream) bs = lw_bitstream_parse (fdata, flen, &error);
            GBytes *lat = bs ? lw_bitstream_get_chunk (bs, LW_FOURCC ('L', 'A', 'T', 'R')) : NULL;
            double bits = lw_params_get (params, "bits"), levels = lw_params_get (params, "levels");
            if (lat == NULL || lw_bitstream_get_ndim (bs) != 3)
              {
                g_printerr ("latent-coder: %s: no LATR chunk in the codec's output%s%s\n", path,
                            error ? ": " : "", error ? error->message : "");
                g_free (c.image);
                status = 1;
                break;
              }
            guint cell = 1u << (guint) levels;
            c.planes = c.latents;
            c.height = (lw_bitstream_get_dim (bs, 1) + cell - 1) / cell;
            c.width = (lw_bitstream_get_dim (bs, 2) + cell - 1) / cell;
            c.alphabet = 1u << (guint) bits;
            c.symbols = (gsize) c.planes * c.height * c.width;
            gsize lat_len;
            const guint8 *lat_data = g_bytes_get_data (lat, &lat_len);
            c.codec_bytes = lat_len;
            if (!run_case (&c, lat_data, lat_len, (guint) runs))
              {
                g_free (c.image);
                status = 1;
                break;
              }
            g_array_append_val (cases, c);
            if (!json)
              g_print ("%-14s step %4g latents %3u  %3ux%2ux%2u  %8" G_GSIZE_FORMAT " B "
                       "(%.3f bit/sym)  enc %6.1f M/s  dec %6.1f M/s\n",
                       c.image, c.step, c.latents, c.planes, c.height, c.width, c.bytes,
                       8.0 * c.bytes / c.symbols, c.symbols / c.enc_s * 1e-6,
                       c.symbols / c.dec_s * 1e-6);
          }
      lw_codec_analysis_free (codec, analysis);
    }

  gsize sym = 0, bytes = 0;
  double enc = 0, dec = 0;
  for (guint i = 0; i < cases->len; i++)
    {
      const Case *c = &g_array_index (cases, Case, i);
      sym += c->symbols;
      bytes += c->bytes;
      enc += c->enc_s;
      dec += c->dec_s;
    }
  if (status == 0 && json)
    {
      GString *s = g_string_new ("{\"runs\": ");
      g_string_append_printf (s, "%d, \"statistic\": \"%s\", \"cases\": [", runs,
                              use_best ? "min" : "median");
      for (guint i = 0; i < cases->len; i++)
        {
          const Case *c = &g_array_index (cases, Case, i);
          g_string_append_printf (s, "%s\n  {\"image\": \"%s\", \"step\": %g, \"latents\": %u, "
                                  "\"shape\": [%u, %u, %u], \"alphabet\": %u, \"symbols\": %"
                                  G_GSIZE_FORMAT ", \"bytes\": %" G_GSIZE_FORMAT ", "
                                  "\"encode_ms\": %.3f, \"decode_ms\": %.3f, "
                                  "\"encode_msym_s\": %.2f, \"decode_msym_s\": %.2f}",
                                  i ? "," : "", c->image, c->step, c->latents, c->planes,
                                  c->height, c->width, c->alphabet, c->symbols, c->bytes,
                                  c->enc_s * 1e3, c->dec_s * 1e3, c->symbols / c->enc_s * 1e-6,
                                  c->symbols / c->dec_s * 1e-6);
        }
      g_string_append_printf (s, "\n], \"total\": {\"symbols\": %" G_GSIZE_FORMAT ", \"bytes\": %"
                              G_GSIZE_FORMAT ", \"encode_msym_s\": %.2f, "
                              "\"decode_msym_s\": %.2f}}\n",
                              sym, bytes, sym / enc * 1e-6, sym / dec * 1e-6);
      g_print ("%s", s->str);
      g_string_free (s, TRUE);
    }
  else if (status == 0)
    g_print ("total: %" G_GSIZE_FORMAT " symbols, %" G_GSIZE_FORMAT " B, encode %.1f M/s, "
             "decode %.1f M/s (thread CPU time, %s of %d)\n",
             sym, bytes, sym / enc * 1e-6, sym / dec * 1e-6, use_best ? "best" : "median", runs);

  for (guint i = 0; i < cases->len; i++)
    g_free (g_array_index (cases, Case, i).image);
  g_array_unref (cases);
  return status;
}
