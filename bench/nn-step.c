/* nn-step.c — speed of one nn-engine training step next to plain sgemm at the same shapes
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: nn-step [--json] [--reps N] [--threads N]
 *
 * Times a full training step (zero grads, forward, backward, AdamW) of
 *  - the tiny transformer: d=128, 4 layers, 4 heads, T=64, batch 64, vocab 92 padded to 96;
 *  - the conv decoder: in 48, out 192, width 64, 2 blocks, 8 groups, batch 16, 32×32 latent;
 * median of N repetitions after a warm-up. GFLOP/s counts lw_gpt_step_flops and
 * 3 × lw_convdec_forward_flops. In the same run it times cblas_sgemm alone on exactly the
 * GEMM calls those steps make (same M, N, K, transposes and leading dimensions, summed), so
 * the ratio step / sgemm says how much of the BLAS speed survives everything around the GEMMs
 * (target ≥ 0.6 for the transformer). BLAS runs on one thread unless --threads says otherwise.
 * With one thread the GFLOP/s use the calling thread's CPU time, which other processes on a
 * shared machine do not inflate (wall-clock times are printed beside it); with more threads
 * they use wall-clock time.
 *
 * On a machine with two or more cores it also times the same transformer step two ways on two
 * cores, by wall clock: one pass with two BLAS threads, and the batch's halves at once on the
 * model and a replica (lw_gpt_new_replica), one BLAS thread each, their gradients then summed
 * — the way the reasoner's SFT stages train. split_speedup = one pass's time / the halves'.
 */
#define G_LOG_DOMAIN "nn-step"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cblas.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "lw-blas.h"
#include "lw-nn-convdec.h"
#include "lw-nn-gpt.h"
#include "lw-nn-ops.h"

/* ---- timing ------------------------------------------------------------------------------ */

typedef struct
{
  double wall, cpu;
} Times;

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

static double
median (double *v, guint n)
{
  qsort (v, n, sizeof (double), cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

typedef void (*StepFunc) (gpointer data);

/* median wall and CPU seconds of reps runs after one warm-up run */
static Times
time_it (StepFunc f, gpointer data, guint reps)
{
  g_autofree double *wall = g_new (double, reps);
  g_autofree double *cpu = g_new (double, reps);

  f (data);
  for (guint r = 0; r < reps; r++)
    {
      double c0 = cpu_now ();
      gint64 t0 = g_get_monotonic_time ();
      f (data);
      wall[r] = (double) (g_get_monotonic_time () - t0) * 1e-6;
      cpu[r] = cpu_now () - c0;
    }
  return (Times) { median (wall, reps), median (cpu, reps) };
}

/* ---- a list of GEMM calls, replayed on dummy buffers --------------------------------------- */

typedef struct
{
  gboolean ta, tb;
  int m, n, k, lda, ldb, ldc;
  float beta;
  guint count;   /* repetitions of this call in one step */
} Gemm;

typedef struct
{
  GArray *gemms;
  float *a, *b, *c;
  double flops;
} GemmList;

static void
gemm_add (GemmList *l, gboolean ta, gboolean tb, int m, int n, int k, int lda, int ldb, int ldc,
          float beta, guint count)
{
  Gemm g = { ta, tb, m, n, k, lda, ldb, ldc, beta, count };
  g_array_append_val (l->gemms, g);
  l->flops += 2.0 * m * n * k * count;
}

/* y = x·wᵀ + b (forward), dx = dy·w, dw += dyᵀ·x (backward), as lw_nn_linear_* call them */
static void
gemm_add_linear (GemmList *l, int n, int in, int out, guint count)
{
  gemm_add (l, FALSE, TRUE, n, out, in, in, in, out, 1.0f, count);
  gemm_add (l, FALSE, FALSE, n, in, out, out, in, in, 1.0f, count);
  gemm_add (l, TRUE, FALSE, out, in, n, out, in, in, 1.0f, count);
}

static gsize
gemm_elems (int rows, int cols, int ld, gboolean trans)
{
  /* a row-major op(A) of rows × cols stored with leading dimension ld */
  return trans ? (gsize) cols * ld : (gsize) rows * ld;
}

static void
gemm_list_alloc (GemmList *l)
{
  gsize sa = 0, sb = 0, sc = 0;
  for (guint i = 0; i < l->gemms->len; i++)
    {
      Gemm *g = &g_array_index (l->gemms, Gemm, i);
      sa = MAX (sa, gemm_elems (g->m, g->k, g->lda, g->ta));
      sb = MAX (sb, gemm_elems (g->k, g->n, g->ldb, g->tb));
      sc = MAX (sc, (gsize) g->m * g->ldc);
    }
  l->a = g_new (float, sa);
  l->b = g_new (float, sb);
  l->c = g_new0 (float, sc);
  for (gsize i = 0; i < sa; i++)
    l->a[i] = (float) ((i * 7919) % 1000) * 1e-3f - 0.5f;
  for (gsize i = 0; i < sb; i++)
    l->b[i] = (float) ((i * 104729) % 1000) * 1e-3f - 0.5f;
}

static void
gemm_list_run (gpointer data)
{
  GemmList *l = data;
  for (guint i = 0; i < l->gemms->len; i++)
    {
      Gemm *g = &g_array_index (l->gemms, Gemm, i);
      for (guint r = 0; r < g->count; r++)
        cblas_sgemm (CblasRowMajor, g->ta ? CblasTrans : CblasNoTrans,
                     g->tb ? CblasTrans : CblasNoTrans, g->m, g->n, g->k, 1.0f, l->a, g->lda,
                     l->b, g->ldb, g->beta, l->c, g->ldc);
    }
}

static void
gemm_list_clear (GemmList *l)
{
  g_array_unref (l->gemms);
  g_free (l->a);
  g_free (l->b);
  g_free (l->c);
}

/* ---- the transformer ------------------------------------------------------------------------ */

typedef struct
{
  LwGpt *gpt;
  LwAdamW *opt;
  int *tokens, *targets;
  guint batch, t;
} GptBench;

static void
gpt_step (gpointer data)
{
  GptBench *s = data;
  LwNnParams *p = lw_gpt_params (s->gpt);
  lw_nn_params_zero_grad (p);
  lw_gpt_forward (s->gpt, s->tokens, NULL, s->targets, s->batch, s->t);
  lw_gpt_backward (s->gpt, 1.0f, NULL);
  lw_nn_params_clip_grad (p, 1.0);
  lw_adamw_step (s->opt, 1e-4);
}

/* The same step as two halves at once (lw_blas_run_pair): the first on the model, the other on
 * a replica; then the replica's gradients are added to the model's */
typedef struct
{
  GptBench *whole;
  LwGpt    *gpt;   /* the model (first half) or the replica (second) */
} SplitBench;

static void
half_step (gpointer data, gpointer unused)
{
  SplitBench *s = data;
  GptBench *w = s->whole;
  guint half = w->batch / 2;
  gboolean second = s->gpt != w->gpt;
  gsize off = second ? (gsize) half * w->t : 0;
  lw_nn_params_zero_grad (lw_gpt_params (s->gpt));
  lw_gpt_forward (s->gpt, w->tokens + off, NULL, w->targets + off,
                  second ? w->batch - half : half, w->t);
  lw_gpt_backward (s->gpt, 0.5f, NULL);
}

static void
split_step (gpointer data)
{
  SplitBench *s = data;
  GptBench *w = s->whole;
  LwNnParams *p = lw_gpt_params (w->gpt);
  lw_blas_run_pair (half_step, &s[0], &s[1], TRUE);
  lw_nn_params_add_grads (p, lw_gpt_params (s[1].gpt));
  lw_nn_params_clip_grad (p, 1.0);
  lw_adamw_step (w->opt, 1e-4);
}

/* The GEMMs of one transformer step: four linears per layer and the tied head, forward and
 * backward; attention as lw-nn-attention.c calls it, per sequence and head (2 GEMMs forward,
 * 4 backward, full T×T with q, k, v read from the [N, 3C] qkv buffer). */
static void
gpt_gemms (GemmList *l, const LwGptConfig *c, int batch, int t)
{
  int n = batch * t, C = (int) c->dim, hd = C / (int) c->heads;
  guint L = c->layers, bh = (guint) batch * c->heads;

  gemm_add_linear (l, n, C, 3 * C, L);
  gemm_add_linear (l, n, C, C, L);
  gemm_add_linear (l, n, C, 4 * C, L);
  gemm_add_linear (l, n, 4 * C, C, L);
  gemm_add_linear (l, n, C, (int) c->vocab_padded, 1);
  /* forward: S = q·kᵀ, y = P·v */
  gemm_add (l, FALSE, TRUE, t, t, hd, 3 * C, 3 * C, t, 0.0f, L * bh);
  gemm_add (l, FALSE, FALSE, t, hd, t, t, 3 * C, C, 0.0f, L * bh);
  /* backward: dv += Pᵀ·dy, dP = dy·vᵀ, dq += dS·k, dk += dSᵀ·q */
  gemm_add (l, TRUE, FALSE, t, hd, t, t, C, 3 * C, 1.0f, L * bh);
  gemm_add (l, FALSE, TRUE, t, t, hd, C, 3 * C, t, 0.0f, L * bh);
  gemm_add (l, FALSE, FALSE, t, hd, t, t, 3 * C, 3 * C, 1.0f, L * bh);
  gemm_add (l, TRUE, FALSE, t, hd, t, t, 3 * C, 3 * C, 1.0f, L * bh);
}

/* ---- the conv decoder ----------------------------------------------------------------------- */

typedef struct
{
  LwConvDec *dec;
  LwAdamW *opt;
  float *x, *dy;
  guint batch, h, w;
} DecBench;

static void
dec_step (gpointer data)
{
  DecBench *s = data;
  LwNnParams *p = lw_convdec_params (s->dec);
  lw_nn_params_zero_grad (p);
  lw_convdec_forward (s->dec, s->x, s->batch, s->h, s->w);
  lw_convdec_backward (s->dec, s->dy, NULL);
  lw_adamw_step (s->opt, 1e-4);
}

/* One convolution as lw-nn-conv.c runs it per image: forward y[cout, S] = w · col[kk, S];
 * backward dw += dy · colᵀ and, when dx is wanted, dcol = wᵀ · dy (kk = cin·k²). */
static void
conv_gemms (GemmList *l, int batch, int cin, int cout, int k, int s, gboolean want_dx)
{
  int kk = cin * k * k;
  gemm_add (l, FALSE, FALSE, cout, s, kk, kk, s, s, 1.0f, (guint) batch);
  gemm_add (l, FALSE, TRUE, cout, kk, s, s, s, kk, 1.0f, (guint) batch);
  if (want_dx)
    gemm_add (l, TRUE, FALSE, kk, s, cout, kk, s, s, k > 1 ? 0.0f : 1.0f, (guint) batch);
}

static void
dec_gemms (GemmList *l, const LwConvDecConfig *c, int batch, int h, int w)
{
  int s = h * w, Cw = (int) c->width;
  /* the input needs no gradient in training, so conv_in has no dx GEMM */
  conv_gemms (l, batch, (int) c->in_channels, Cw, 3, s, FALSE);
  for (guint i = 0; i < 2 * c->blocks; i++)
    conv_gemms (l, batch, Cw, Cw, 3, s, TRUE);
  conv_gemms (l, batch, Cw, (int) c->out_channels, 1, s, TRUE);
}

/* ---- main ----------------------------------------------------------------------------------- */

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
  gboolean json = FALSE;
  int reps = 5, threads = 1;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "print one JSON object instead of a table", NULL },
    { "reps", 0, 0, G_OPTION_ARG_INT, &reps, "timed repetitions after a warm-up (default 5)",
      "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "BLAS threads (default 1)", "N" },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("— nn training step vs sgemm");
  g_autoptr (GError) error = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("nn-step: %s\n", error->message);
      return 2;
    }
  if (reps < 1 || threads < 1)
    {
      g_printerr ("nn-step: --reps and --threads must be at least 1\n");
      return 2;
    }
  lw_blas_set_threads ((guint) threads);

  LwAdamWConfig oc = { 0.9, 0.95, 1e-8, 0.01 };
  LwRng rng;
  lw_rng_seed (&rng, 1);

  /* transformer */
  LwGptConfig gc = { .vocab = 92, .vocab_padded = 96, .max_t = 64, .layers = 4, .heads = 4,
                     .dim = 128 };
  GptBench gb = { .batch = 64, .t = 64 };
  gsize n = (gsize) gb.batch * gb.t;
  gb.gpt = lw_gpt_new (&gc, 1);
  gb.opt = lw_adamw_new (lw_gpt_params (gb.gpt), &oc);
  gb.tokens = g_new (int, n);
  gb.targets = g_new (int, n);
  for (gsize i = 0; i < n; i++)
    gb.tokens[i] = (int) lw_rng_below (&rng, gc.vocab);
  for (gsize i = 0; i < n; i++)
    gb.targets[i] = i + 1 < n ? gb.tokens[i + 1] : -1;
  Times gpt_t = time_it (gpt_step, &gb, (guint) reps);
  double gpt_flops = lw_gpt_step_flops (&gc, gb.batch, gb.t);

  GemmList gl = { g_array_new (FALSE, FALSE, sizeof (Gemm)), NULL, NULL, NULL, 0.0 };
  gpt_gemms (&gl, &gc, (int) gb.batch, (int) gb.t);
  gemm_list_alloc (&gl);
  Times gsg_t = time_it (gemm_list_run, &gl, (guint) reps);

  /* two cores: one pass on two BLAS threads against the halves at once, one thread each */
  double pass2_s = NAN, split_s = NAN;
  if (g_get_num_processors () >= 2)
    {
      guint before = lw_blas_get_threads ();
      lw_blas_set_threads (2);
      pass2_s = time_it (gpt_step, &gb, (guint) reps).wall;
      lw_blas_set_threads (1);
      SplitBench sb[2] = { { &gb, gb.gpt }, { &gb, lw_gpt_new_replica (gb.gpt) } };
      split_s = time_it (split_step, sb, (guint) reps).wall;
      lw_gpt_free (sb[1].gpt);
      lw_blas_set_threads (before);
    }
  lw_adamw_free (gb.opt);
  lw_gpt_free (gb.gpt);
  g_free (gb.tokens);
  g_free (gb.targets);

  /* conv decoder */
  LwConvDecConfig dc = { .in_channels = 48, .out_channels = 192, .width = 64, .blocks = 2,
                         .groups = 8 };
  DecBench db = { .batch = 16, .h = 32, .w = 32 };
  gsize nx = (gsize) db.batch * dc.in_channels * db.h * db.w;
  gsize ny = (gsize) db.batch * dc.out_channels * db.h * db.w;
  db.dec = lw_convdec_new (&dc, 1);
  db.opt = lw_adamw_new (lw_convdec_params (db.dec), &oc);
  db.x = g_new (float, nx);
  db.dy = g_new (float, ny);
  for (gsize i = 0; i < nx; i++)
    db.x[i] = (float) lw_rng_normal (&rng);
  for (gsize i = 0; i < ny; i++)
    db.dy[i] = (float) lw_rng_normal (&rng) * 1e-3f;
  Times dec_t = time_it (dec_step, &db, (guint) reps);
  double dec_flops = 3.0 * lw_convdec_forward_flops (&dc, db.batch, db.h, db.w);

  GemmList dl = { g_array_new (FALSE, FALSE, sizeof (Gemm)), NULL, NULL, NULL, 0.0 };
  dec_gemms (&dl, &dc, (int) db.batch, (int) db.h, (int) db.w);
  gemm_list_alloc (&dl);
  Times dsg_t = time_it (gemm_list_run, &dl, (guint) reps);
  lw_adamw_free (db.opt);
  lw_convdec_free (db.dec);
  g_free (db.x);
  g_free (db.dy);

  /* one BLAS thread: all work runs on this thread, so its CPU time is the honest clock */
  gboolean cpu_clock = lw_blas_get_threads () == 1;
#define SECONDS(tm) (cpu_clock ? (tm).cpu : (tm).wall)
  double t_gf = gpt_flops / SECONDS (gpt_t) * 1e-9, s_gf = gl.flops / SECONDS (gsg_t) * 1e-9;
  double c_gf = dec_flops / SECONDS (dec_t) * 1e-9, cs_gf = dl.flops / SECONDS (dsg_t) * 1e-9;
#undef SECONDS

  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "benchmark");
      json_builder_add_string_value (b, "nn-step");
      json_builder_set_member_name (b, "threads");
      json_builder_add_int_value (b, lw_blas_get_threads ());
      json_builder_set_member_name (b, "repetitions");
      json_builder_add_int_value (b, reps);
      json_builder_set_member_name (b, "statistic");
      json_builder_add_string_value (b, "median");
      json_builder_set_member_name (b, "clock");
      json_builder_add_string_value (b, cpu_clock ? "thread-cpu" : "wall");
      json_double (b, "transformer_step_gflops", t_gf);
      json_double (b, "sgemm_gflops", s_gf);
      json_double (b, "transformer_ratio", t_gf / s_gf);
      json_double (b, "transformer_step_ms", gpt_t.wall * 1e3);
      json_double (b, "transformer_step_cpu_ms", gpt_t.cpu * 1e3);
      json_double (b, "transformer_step_gflop", gpt_flops * 1e-9);
      json_double (b, "sgemm_ms", gsg_t.wall * 1e3);
      json_double (b, "sgemm_gflop", gl.flops * 1e-9);
      json_double (b, "two_core_one_pass_ms", pass2_s * 1e3);
      json_double (b, "two_core_halves_ms", split_s * 1e3);
      json_double (b, "split_speedup", pass2_s / split_s);
      json_double (b, "convdec_step_gflops", c_gf);
      json_double (b, "convdec_sgemm_gflops", cs_gf);
      json_double (b, "convdec_ratio", c_gf / cs_gf);
      json_double (b, "convdec_step_ms", dec_t.wall * 1e3);
      json_double (b, "convdec_step_cpu_ms", dec_t.cpu * 1e3);
      json_double (b, "convdec_step_gflop", dec_flops * 1e-9);
      json_double (b, "convdec_sgemm_ms", dsg_t.wall * 1e3);
      json_double (b, "convdec_sgemm_gflop", dl.flops * 1e-9);
      json_builder_end_object (b);
      g_autoptr (JsonGenerator) gen = json_generator_new ();
      g_autoptr (JsonNode) root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      json_generator_set_pretty (gen, TRUE);
      g_autofree char *text = json_generator_to_data (gen, NULL);
      g_print ("%s\n", text);
    }
  else
    {
      g_print ("nn training step, median of %d after a warm-up, %u BLAS thread(s), GFLOP/s "
               "by %s time\n", reps, lw_blas_get_threads (),
               cpu_clock ? "thread CPU" : "wall-clock");
      g_print ("  %-34s %9s %9s %9s %8s\n", "", "GFLOP", "ms", "cpu ms", "GFLOP/s");
      g_print ("  %-34s %9.2f %9.1f %9.1f %8.2f\n", "transformer step (B64 T64 d128 L4)",
               gpt_flops * 1e-9, gpt_t.wall * 1e3, gpt_t.cpu * 1e3, t_gf);
      g_print ("  %-34s %9.2f %9.1f %9.1f %8.2f\n", "  sgemm, same shapes", gl.flops * 1e-9,
               gsg_t.wall * 1e3, gsg_t.cpu * 1e3, s_gf);
      g_print ("  %-34s %9.2f %9.1f %9.1f %8.2f\n", "conv decoder step (B16 32x32 w64)",
               dec_flops * 1e-9, dec_t.wall * 1e3, dec_t.cpu * 1e3, c_gf);
      g_print ("  %-34s %9.2f %9.1f %9.1f %8.2f\n", "  sgemm, same shapes", dl.flops * 1e-9,
               dsg_t.wall * 1e3, dsg_t.cpu * 1e3, cs_gf);
      g_print ("  transformer ratio %.2f (target >= 0.6), conv decoder ratio %.2f\n",
               t_gf / s_gf, c_gf / cs_gf);
      if (isfinite (split_s))
        g_print ("  two cores, transformer step: one pass on 2 BLAS threads %.1f ms, halves at "
                 "once on 1 thread each %.1f ms, speed-up %.2f\n", pass2_s * 1e3,
                 split_s * 1e3, pass2_s / split_s);
    }
  gemm_list_clear (&gl);
  gemm_list_clear (&dl);
  return 0;
}
