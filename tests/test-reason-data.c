/* test-reason-data.c — the word-problem generator, its vocabulary, sequences, the held-out test
 * set's separation from the training stream, and answer scoring on a crafted set
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "lw-error.h"
#include "lw-reason-data.h"

#include <stdlib.h>
#include <string.h>

static GArray *
tokens_new (void)
{
  return g_array_new (FALSE, FALSE, sizeof (LwReasonToken));
}

static GArray *
tokenize_ok (const char *text)
{
  g_autoptr (GError) error = NULL;
  GArray *ids = tokens_new ();
  g_assert_true (lw_reason_tokenize (text, ids, NULL, &error));
  g_assert_no_error (error);
  return ids;
}

/* ---- vocabulary -------------------------------------------------------------------------- */

static void
test_vocab_ids (void)
{
  g_assert_cmpint (LW_REASON_VOCAB_SIZE, ==, 92);
  g_assert_cmpint (LW_REASON_VOCAB_PADDED, ==, 96);
  g_assert_cmpint (LW_REASON_N_WORDS, ==, 63);
  /* the documented ids (a checkpoint's embedding rows depend on them) */
  const struct { int id; const char *text; } fixed[] = {
    { 0, "<pad>" }, { 1, "<bos>" }, { 2, "<eos>" }, { 3, "###" }, { 4, "Answer:" },
    { 5, "<<" }, { 6, ">>" }, { 7, "+" }, { 8, "-" }, { 9, "*" }, { 10, "/" }, { 11, "=" },
    { 12, "." }, { 13, "?" }, { 14, "<c1>" }, { 18, "<c5>" }, { 19, "0" }, { 28, "9" },
    { 29, "a" }, { 30, "and" }, { 53, "flowers" }, { 91, "total" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
    {
      g_assert_cmpstr (lw_reason_token_text (fixed[i].id), ==, fixed[i].text);
      g_assert_cmpint (lw_reason_token_lookup (fixed[i].text), ==, fixed[i].id);
    }
  for (guint c = 1; c <= 5; c++)
    g_assert_cmpint (lw_reason_speed_token (c), ==, 13 + c);
  g_assert_null (lw_reason_token_text (LW_REASON_VOCAB_SIZE));
  g_assert_null (lw_reason_token_text (95));

  /* every text is unique and found again; words are lower-case and sorted */
  for (int i = 0; i < LW_REASON_VOCAB_SIZE; i++)
    {
      const char *t = lw_reason_token_text ((LwReasonToken) i);
      g_assert_nonnull (t);
      g_assert_cmpint (lw_reason_token_lookup (t), ==, i);
      if (i > LW_REASON_TOK_WORD0)
        g_assert_cmpint (strcmp (lw_reason_token_text ((LwReasonToken) (i - 1)), t), <, 0);
      if (i >= LW_REASON_TOK_WORD0)
        for (const char *c = t; *c; c++)
          g_assert_true (*c >= 'a' && *c <= 'z');
    }
  g_assert_cmpint (lw_reason_token_lookup ("apples"), ==, -1);
  g_assert_cmpint (lw_reason_token_lookup ("tot"), ==, -1);
  g_assert_cmpint (lw_reason_token_lookup ("totals"), ==, -1);
  g_assert_cmpint (lw_reason_token_lookup (""), ==, -1);
}

/* Every question token is a word, a digit, "." or "?", and every word of the vocabulary is
 * used by some template (the word list is exactly the templates' words). */
static void
test_vocab_closed (void)
{
  gboolean used[LW_REASON_VOCAB_SIZE] = { FALSE };
  LwRng rng;
  lw_rng_seed (&rng, 11);
  for (guint i = 0; i < 5000; i++)
    {
      LwReasonProblem p;
      lw_reason_generate (&rng, &p);
      g_assert_cmpuint (p.n_question, >, 0);
      g_assert_cmpuint (p.n_question, <=, LW_REASON_MAX_QUESTION);
      for (guint j = 0; j < p.n_question; j++)
        {
          LwReasonToken id = p.question[j];
          g_assert_true (id >= LW_REASON_TOK_DIGIT0 || id == LW_REASON_TOK_PERIOD ||
                         id == LW_REASON_TOK_QUESTION);
          g_assert_cmpint (id, <, LW_REASON_VOCAB_SIZE);
          used[id] = TRUE;
        }
      g_assert_cmpint (p.question[p.n_question - 1], ==, LW_REASON_TOK_QUESTION);
    }
  for (int i = LW_REASON_TOK_WORD0; i < LW_REASON_VOCAB_SIZE; i++)
    if (!used[i])
      g_error ("word “%s” is in no template", lw_reason_token_text ((LwReasonToken) i));
}

/* ---- generator --------------------------------------------------------------------------- */

static void
test_generator_determinism (void)
{
  LwRng a, b, c;
  lw_rng_seed (&a, 42);
  lw_rng_seed (&b, 42);
  lw_rng_seed (&c, 43);
  guint differ = 0;
  for (guint i = 0; i < 2000; i++)
    {
      LwReasonProblem pa, pb, pc;
      lw_reason_generate (&a, &pa);
      lw_reason_generate (&b, &pb);
      lw_reason_generate (&c, &pc);
      g_assert_true (memcmp (&pa, &pb, sizeof pa) == 0);
      differ += memcmp (&pa, &pc, sizeof pa) != 0;
    }
  g_assert_cmpuint (differ, >, 1900);

  /* Golden problems: the same seed gives these texts on every machine and build; a change
   * here changes every dataset and test set, and must be deliberate. */
  const char *golden[][2] = {
    { "a garden has 11 rows of 13 flowers . 43 flowers die and the rest are put in 5 boxes "
      "equally . how many flowers are in each box ?",
      "<<11*13=143>> <<143-43=100>> <<100/5=20>>" },
    { "a farmer has 2 eggs and buys 22 more . he puts them in 2 boxes equally and sells 2 from "
      "each box . how many eggs are left in each box ?",
      "<<2+22=24>> <<24/2=12>> <<12-2=10>>" },
    { "a garden has 12 rows of 11 flowers . 57 flowers die and the rest are put in 3 boxes "
      "equally . how many flowers are in each box ?",
      "<<12*11=132>> <<132-57=75>> <<75/3=25>>" },
  };
  LwRng g;
  lw_rng_seed (&g, LW_REASON_TRAIN_SEED);
  for (guint i = 0; i < G_N_ELEMENTS (golden); i++)
    {
      LwReasonProblem p;
      lw_reason_generate (&g, &p);
      g_autofree char *q = lw_reason_question_text (&p);
      g_autofree char *s = lw_reason_steps_text (&p);
      if (g_test_verbose ())
        g_test_message ("golden %u: %s | %s", i, q, s);
      g_assert_cmpstr (q, ==, golden[i][0]);
      g_assert_cmpstr (s, ==, golden[i][1]);
    }
}

/* Parses "<<a op b [op c]=r>>" from the steps text and evaluates it with the usual precedence
 * (an independent reading of what lw_reason_generate computed). */
static const char *
check_step_text (const char *p, const LwReasonStep *step, GHashTable *known)
{
  g_assert_true (g_str_has_prefix (p, "<<"));
  p += 2;
  gint64 vals[3];
  char ops[2];
  guint n = 0;
  for (;;)
    {
      char *end;
      vals[n] = g_ascii_strtoll (p, &end, 10);
      g_assert_true (end != p);
      g_assert_cmpint (vals[n], >=, 0);
      g_assert_cmpint (vals[n], <, LW_REASON_MAX_VALUE);
      /* each operand is a number of the question or an earlier result */
      g_assert_true (g_hash_table_contains (known, GINT_TO_POINTER ((int) vals[n])));
      n++;
      p = end;
      if (*p == '=')
        break;
      g_assert_cmpuint (n, <, 3);
      ops[n - 1] = *p++;
      g_assert_nonnull (strchr ("+-*/", ops[n - 1]));
    }
  g_assert_cmpuint (n, ==, step->n_operands);
  gint64 r = vals[0];
  if (n == 2)
    {
      switch (ops[0])
        {
        case '+': r = vals[0] + vals[1]; break;
        case '-': r = vals[0] - vals[1]; break;
        case '*': r = vals[0] * vals[1]; break;
        default:
          g_assert_cmpint (vals[1], >, 0);
          g_assert_cmpint (vals[0] % vals[1], ==, 0);
          r = vals[0] / vals[1];
        }
    }
  else
    {
      /* three operands: + and − only, so precedence is left to right; the partial result
       * must not be negative either */
      g_assert_nonnull (strchr ("+-", ops[0]));
      g_assert_nonnull (strchr ("+-", ops[1]));
      gint64 partial = ops[0] == '+' ? vals[0] + vals[1] : vals[0] - vals[1];
      g_assert_cmpint (partial, >=, 0);
      r = ops[1] == '+' ? partial + vals[2] : partial - vals[2];
    }
  char *end;
  gint64 stated = g_ascii_strtoll (p + 1, &end, 10);
  g_assert_cmpint (stated, ==, r);
  g_assert_cmpint (r, ==, step->result);
  g_assert_cmpint (r, >=, 0);
  g_assert_cmpint (r, <, LW_REASON_MAX_VALUE);
  g_assert_true (g_str_has_prefix (end, ">>"));
  g_hash_table_add (known, GINT_TO_POINTER ((int) r));
  end += 2;
  return *end == ' ' ? end + 1 : end;
}

static void
test_generator_arithmetic (void)
{
  guint per_template[LW_REASON_N_TEMPLATES] = { 0 };
  LwRng rng;
  lw_rng_seed (&rng, 7);
  for (guint i = 0; i < 20000; i++)
    {
      LwReasonProblem p;
      lw_reason_generate (&rng, &p);
      g_assert_cmpuint (p.template_id, <, LW_REASON_N_TEMPLATES);
      per_template[p.template_id]++;
      g_assert_cmpuint (p.n_steps, >=, 2);
      g_assert_cmpuint (p.n_steps, <=, 4);
      g_assert_cmpuint (p.answer, ==, p.steps[p.n_steps - 1].result);

      /* the numbers of the question, read back from its text */
      g_autoptr (GHashTable) known = g_hash_table_new (NULL, NULL);
      g_autofree char *q = lw_reason_question_text (&p);
      g_auto (GStrv) words = g_strsplit (q, " ", -1);
      for (guint w = 0; words[w] != NULL; w++)
        if (g_ascii_isdigit (words[w][0]))
          g_hash_table_add (known, GINT_TO_POINTER (atoi (words[w])));

      g_autofree char *steps = lw_reason_steps_text (&p);
      const char *s = steps;
      for (guint k = 0; k < p.n_steps; k++)
        s = check_step_text (s, &p.steps[k], known);
      g_assert_cmpstr (s, ==, "");
    }
  for (guint t = 0; t < LW_REASON_N_TEMPLATES; t++)
    g_assert_cmpuint (per_template[t], >, 20000 / LW_REASON_N_TEMPLATES * 9 / 10);
}

static void
test_lengths (void)
{
  LwReasonLengths L;
  lw_reason_measure_lengths (LW_REASON_TRAIN_SEED, 10000, &L);
  g_test_message ("10k problems: question %.2f avg / %u max tokens; chain %.2f / %u; "
                  "answer %.3f / %u digits; %.2f steps (reasoning.md §3.1: 30.5/38, "
                  "26.8/41, 2.0)", L.question_mean, L.question_max, L.cot_mean, L.cot_max,
                  L.answer_mean, L.answer_max, L.steps_mean);
  g_assert_cmpuint (L.n, ==, 10000);
  g_assert_cmpfloat_with_epsilon (L.question_mean, 30.5, 1.0);
  g_assert_cmpfloat_with_epsilon (L.cot_mean, 26.8, 1.0);
  g_assert_cmpfloat_with_epsilon (L.answer_mean, 2.0, 0.1);
  g_assert_cmpuint (L.question_max, <=, 40);
  g_assert_cmpuint (L.cot_max, <=, 44);
  g_assert_cmpuint (L.answer_max, <=, 3);
  g_assert_cmpfloat (L.steps_mean, >, 2.5);
}

/* ---- tokenizer --------------------------------------------------------------------------- */

static void
test_tokenize_round_trip (void)
{
  LwRng rng;
  lw_rng_seed (&rng, 3);
  for (guint i = 0; i < 2000; i++)
    {
      LwReasonProblem p;
      LwReasonSequence seq;
      g_autoptr (GError) error = NULL;
      lw_reason_generate (&rng, &p);
      LwReasonFormat format = i % 3 == 0 ? LW_REASON_FORMAT_NO_COT : LW_REASON_FORMAT_COT;
      g_assert_true (lw_reason_sequence_build (&p, format, 1 + i % 5, &seq, &error));
      g_assert_no_error (error);
      g_autofree char *text = lw_reason_detokenize (seq.ids, seq.len);
      g_autoptr (GArray) ids = tokenize_ok (text);
      g_assert_cmpuint (ids->len, ==, seq.len);
      g_assert_true (memcmp (ids->data, seq.ids, seq.len * sizeof (LwReasonToken)) == 0);
    }
}

static void
test_tokenize_user_text (void)
{
  g_autoptr (GArray) ids = tokenize_ok ("A farmer has 23 eggs.How many eggs?  <c3>###Answer:7");
  g_autofree char *back = lw_reason_detokenize ((LwReasonToken *) ids->data, ids->len);
  g_assert_cmpstr (back, ==, "a farmer has 23 eggs . how many eggs ? <c3> ### Answer: 7");
  g_autoptr (GArray) steps = tokenize_ok (" << 12 / 4 = 3 >>\t<<3+1-2=2>>");
  g_autofree char *steps_text = lw_reason_detokenize ((LwReasonToken *) steps->data,
                                                      steps->len);
  g_assert_cmpstr (steps_text, ==, "<<12/4=3>> <<3+1-2=2>>");
  g_autoptr (GArray) empty = tokenize_ok ("  \n ");
  g_assert_cmpuint (empty->len, ==, 0);

  const struct { const char *text; gsize offset, length; const char *needle; } bad[] = {
    { "how many apples ?", 9, 6, "unknown word “apples” at character 10" },
    { "a farmer has 3 , 4 eggs", 15, 1, "unknown symbol “,” at character 16" },
    { "the café has 3 cakes", 4, 5, "unknown word “café” at character 5" },
    { "pens ñ cakes", 5, 2, "“ñ” at character 6" },
    { "Answer 5", 0, 6, "unknown word “Answer”" },
    { "<c6> ###", 0, 1, "unknown symbol “<”" },
    { "3 % 4", 2, 1, "unknown symbol “%”" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GArray) out = tokens_new ();
      LwReasonSpan span = { 99, 99 };
      g_assert_false (lw_reason_tokenize (bad[i].text, out, &span, &error));
      g_assert_error (error, LW_ERROR, LW_ERROR_INVALID_DATA);
      if (strstr (error->message, bad[i].needle) == NULL)
        g_error ("“%s”: message “%s” lacks “%s”", bad[i].text, error->message, bad[i].needle);
      g_assert_cmpuint (span.offset, ==, bad[i].offset);
      g_assert_cmpuint (span.length, ==, bad[i].length);
    }
}

/* ---- sequences --------------------------------------------------------------------------- */

/* reasoning.md §3.1's example, built by hand */
static void
make_example (LwReasonProblem *p)
{
  memset (p, 0, sizeof *p);
  g_autoptr (GArray) q = tokenize_ok ("a shop sells 5 cakes each day for 6 days . each one "
                                      "costs 5 dollars . it pays 5 dollars for rent . how "
                                      "much money is left ?");
  p->n_question = q->len;
  memcpy (p->question, q->data, q->len * sizeof (LwReasonToken));
  const LwReasonStep steps[] = {
    { 2, { '*', 0 }, { 5, 6, 0 }, 30 },
    { 2, { '*', 0 }, { 30, 5, 0 }, 150 },
    { 2, { '-', 0 }, { 150, 5, 0 }, 145 },
  };
  p->n_steps = 3;
  memcpy (p->steps, steps, sizeof steps);
  p->answer = 145;
}

static void
test_sequence_layout (void)
{
  LwReasonProblem p;
  LwReasonSequence seq;
  g_autoptr (GError) error = NULL;
  make_example (&p);
  g_assert_cmpuint (p.n_question, ==, 30);

  g_assert_true (lw_reason_sequence_build (&p, LW_REASON_FORMAT_COT, 2, &seq, &error));
  g_assert_no_error (error);
  g_autofree char *text = lw_reason_detokenize (seq.ids, seq.len);
  g_assert_cmpstr (text, ==, "<bos> a shop sells 5 cakes each day for 6 days . each one costs "
                   "5 dollars . it pays 5 dollars for rent . how much money is left ? <c2> ### "
                   "<<5*6=30>> <<30*5=150>> <<150-5=145>> ### Answer: 145 <eos>");
  g_assert_cmpuint (seq.question_start, ==, 1);
  g_assert_cmpuint (seq.question_len, ==, 30);
  g_assert_cmpuint (seq.speed_pos, ==, 31);
  g_assert_cmpint (seq.ids[seq.speed_pos], ==, LW_REASON_TOK_SPEED1 + 1);
  g_assert_cmpuint (seq.sep1, ==, 32);
  g_assert_cmpuint (seq.steps_start, ==, 33);
  /* << 5 * 6 = 3 0 >>, << 3 0 * 5 = 1 5 0 >>, << 1 5 0 - 5 = 1 4 5 >> */
  g_assert_cmpuint (seq.steps_len, ==, 8 + 10 + 11);
  g_assert_cmpuint (seq.sep2, ==, 33 + 29);
  g_assert_cmpint (seq.ids[seq.sep2], ==, LW_REASON_TOK_SEP);
  g_assert_cmpuint (seq.answer_pos, ==, seq.sep2 + 1);
  g_assert_cmpuint (seq.answer_len, ==, 3);
  g_assert_cmpuint (seq.len, ==, seq.answer_pos + 1 + 3 + 1);
  for (guint t = 0; t < LW_REASON_T_MAX; t++)
    {
      g_assert_cmpuint (seq.target[t], ==, t >= 32 && t < seq.len);
      if (t >= seq.len)
        g_assert_cmpint (seq.ids[t], ==, LW_REASON_TOK_PAD);
    }
  g_assert_cmpint (lw_reason_chain_length (seq.ids, seq.len), ==, 29);

  g_assert_true (lw_reason_sequence_build (&p, LW_REASON_FORMAT_NO_COT, 4, &seq, &error));
  g_autofree char *plain = lw_reason_detokenize (seq.ids + seq.speed_pos, seq.len - seq.speed_pos);
  g_assert_cmpstr (plain, ==, "<c1> ### ### Answer: 145 <eos>");
  g_assert_cmpuint (seq.steps_len, ==, 0);
  g_assert_cmpuint (seq.sep2, ==, seq.sep1 + 1);
  g_assert_cmpint (lw_reason_chain_length (seq.ids, seq.len), ==, 0);
  for (guint t = 0; t < seq.len; t++)
    g_assert_cmpuint (seq.target[t], ==, t >= seq.sep1);

  LwReasonToken prompt[LW_REASON_T_MAX];
  guint n = lw_reason_prompt (p.question, p.n_question, 5, prompt, G_N_ELEMENTS (prompt));
  g_assert_cmpuint (n, ==, 33);
  g_assert_cmpint (prompt[0], ==, LW_REASON_TOK_BOS);
  g_assert_cmpint (prompt[31], ==, LW_REASON_TOK_SPEED1 + 4);
  g_assert_cmpint (prompt[32], ==, LW_REASON_TOK_SEP);
  g_assert_cmpuint (lw_reason_prompt (p.question, p.n_question, 5, prompt, 32), ==, 0);

  /* every generated sequence fits */
  LwRng rng;
  lw_rng_seed (&rng, 5);
  guint longest = 0;
  for (guint i = 0; i < 5000; i++)
    {
      lw_reason_generate (&rng, &p);
      g_assert_true (lw_reason_sequence_build (&p, LW_REASON_FORMAT_COT, 1, &seq, &error));
      longest = MAX (longest, seq.len);
    }
  g_test_message ("longest chain-of-thought sequence in 5000: %u tokens", longest);
  g_assert_cmpuint (longest, <=, 90);
}

/* ---- test set and training stream -------------------------------------------------------- */

static void
test_test_set_separation (void)
{
  g_autoptr (LwReasonTestSet) set = lw_reason_test_set_new (LW_REASON_TEST_SEED, 500);
  g_autoptr (LwReasonTestSet) again = lw_reason_test_set_new (LW_REASON_TEST_SEED, 500);
  g_assert_cmpuint (lw_reason_test_set_size (set), ==, 500);

  /* an independent set of the test questions, and determinism of the set */
  g_autoptr (GHashTable) texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < 500; i++)
    {
      const LwReasonProblem *p = lw_reason_test_set_get (set, i);
      g_assert_true (memcmp (p, lw_reason_test_set_get (again, i), sizeof *p) == 0);
      g_assert_true (lw_reason_test_set_contains (set, p));
      g_assert_true (g_hash_table_add (texts, lw_reason_question_text (p))); /* distinct */
    }

  /* The excluding stream is the plain stream with the test questions removed */
  LwReasonStream plain, train;
  lw_reason_stream_init (&plain, LW_REASON_TRAIN_SEED, NULL);
  lw_reason_stream_init (&train, LW_REASON_TRAIN_SEED, set);
  const guint n = 200000;
  guint hits_plain = 0;
  LwReasonProblem pt, pp;
  lw_reason_stream_next (&train, &pt);
  for (guint i = 0; i < n; i++)
    {
      lw_reason_stream_next (&plain, &pp);
      g_autofree char *q = lw_reason_question_text (&pp);
      if (g_hash_table_contains (texts, q))
        {
          hits_plain++;
          continue;
        }
      g_assert_true (memcmp (&pp, &pt, sizeof pp) == 0);
      lw_reason_stream_next (&train, &pt);
    }
  g_assert_cmpuint (plain.n_skipped, ==, 0);
  g_assert_cmpuint (train.n_skipped, ==, hits_plain);
  g_test_message ("training stream: %u of %u problems were test questions and skipped "
                  "(%.3f%%); test set 500", hits_plain, n, 100.0 * hits_plain / n);

  /* none of 200k training problems is a test question */
  LwReasonStream check;
  lw_reason_stream_init (&check, LW_REASON_TRAIN_SEED, set);
  for (guint i = 0; i < n; i++)
    {
      lw_reason_stream_next (&check, &pt);
      g_autofree char *q = lw_reason_question_text (&pt);
      g_assert_false (g_hash_table_contains (texts, q));
    }
  g_assert_cmpuint (check.n_drawn, ==, n + check.n_skipped);
  g_assert_cmpuint (check.n_skipped, >, 0); /* the check was exercised */

  /* a different seed gives a different test set */
  g_autoptr (LwReasonTestSet) other = lw_reason_test_set_new (LW_REASON_TEST_SEED + 1, 500);
  guint shared = 0;
  for (guint i = 0; i < 500; i++)
    shared += lw_reason_test_set_contains (set, lw_reason_test_set_get (other, i));
  g_assert_cmpuint (shared, <, 50);
}

/* ---- scoring ----------------------------------------------------------------------------- */

static void
test_score_crafted (void)
{
  const struct
  {
    const char *text;
    guint64     reference;
    int         given_chain;  /* −1: count from the tokens */
    gboolean    answered, correct;
    int         chain;        /* expected lw_reason_chain_length */
  } items[] = {
    /* CoT, right: chain << 2 * 3 = 6 >> << 6 + 4 = 1 0 >> is 7 + 8 tokens */
    { "<bos> a bus has 2 people . <c1> ### <<2*3=6>> <<6+4=10>> ### Answer: 10 <eos>",
      10, -1, TRUE, TRUE, 15 },
    /* no chain, right */
    { "<c1> ### ### Answer: 7 <eos> <pad> <pad>", 7, -1, TRUE, TRUE, 0 },
    /* wrong answer */
    { "### <<1+1=2>> ### Answer: 3 <eos>", 2, -1, TRUE, FALSE, 7 },
    /* no digits */
    { "### <<1+1=2>> ### Answer: <eos>", 2, -1, FALSE, FALSE, 7 },
    /* cut off before <eos> */
    { "### <<1+1=2>> ### Answer: 2", 2, -1, FALSE, FALSE, 7 },
    /* a non-digit inside the answer */
    { "### <<1+1=2>> ### Answer: 2 . <eos>", 2, -1, FALSE, FALSE, 7 },
    /* the chain never ended: it counts up to the end */
    { "<c1> ### <<1+1=2>> <<2+2=4>>", 4, -1, FALSE, FALSE, 14 },
    /* leading zeros, no ### at all: no #L */
    { "Answer: 007 <eos>", 7, -1, TRUE, TRUE, -1 },
    /* only the first answer counts */
    { "### ### Answer: 5 <eos> Answer: 6 <eos>", 6, -1, TRUE, FALSE, 0 },
    /* a latent run: the caller's #L (latents fed in) replaces the token count */
    { "<c5> ### ### Answer: 12 <eos>", 12, 5, TRUE, TRUE, 0 },
    /* the chain stops at <eos> when no second ### comes */
    { "### <<1+1=2>> <eos> Answer: 2 <eos>", 2, -1, TRUE, TRUE, 7 },
  };
  LwReasonScore score = { 0 };
  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      g_autoptr (GArray) ids = tokenize_ok (items[i].text);
      const LwReasonToken *t = (const LwReasonToken *) ids->data;
      guint64 value = 999;
      g_assert_cmpint (lw_reason_extract_answer (t, ids->len, &value), ==, items[i].answered);
      g_assert_cmpint (lw_reason_chain_length (t, ids->len), ==, items[i].chain);
      g_assert_cmpint (lw_reason_score_add (&score, t, ids->len, items[i].reference,
                                            items[i].given_chain), ==, items[i].correct);
    }
  g_assert_cmpuint (score.n, ==, 11);
  g_assert_cmpuint (score.n_answered, ==, 7);
  g_assert_cmpuint (score.n_correct, ==, 5);
  g_assert_cmpfloat_with_epsilon (lw_reason_score_accuracy (&score), 5.0 / 11.0, 1e-12);
  /* #L over the 10 items that have one: 15+0+7+7+7+7+14+0+5+7 */
  g_assert_cmpuint (score.n_chain, ==, 10);
  g_assert_cmpfloat_with_epsilon (lw_reason_score_mean_chain (&score), 69.0 / 10.0, 1e-12);
  /* on the correct ones with a #L: 15, 0, 5, 7 */
  g_assert_cmpfloat_with_epsilon (lw_reason_score_mean_chain_correct (&score), 27.0 / 4.0,
                                  1e-12);

  /* 18 digits parse, 19 do not; empty input has no answer and no chain */
  g_autoptr (GArray) a18 = tokenize_ok ("Answer: 123456789012345678 <eos>");
  g_autoptr (GArray) a19 = tokenize_ok ("Answer: 1234567890123456789 <eos>");
  guint64 v = 0;
  g_assert_true (lw_reason_extract_answer ((LwReasonToken *) a18->data, a18->len, &v));
  g_assert_cmpuint (v, ==, G_GUINT64_CONSTANT (123456789012345678));
  g_assert_false (lw_reason_extract_answer ((LwReasonToken *) a19->data, a19->len, &v));
  g_assert_false (lw_reason_extract_answer (NULL, 0, &v));
  g_assert_cmpint (lw_reason_chain_length (NULL, 0), ==, -1);

  /* reference sequences score 100% with #L = their chain lengths */
  LwReasonScore ref = { 0 };
  g_autoptr (LwReasonTestSet) set = lw_reason_test_set_new (LW_REASON_TEST_SEED, 300);
  double chain = 0;
  for (guint i = 0; i < 300; i++)
    {
      const LwReasonProblem *p = lw_reason_test_set_get (set, i);
      LwReasonSequence seq;
      g_assert_true (lw_reason_sequence_build (p, LW_REASON_FORMAT_COT, 1, &seq, NULL));
      /* the generated part starts at the prompt's ### */
      lw_reason_score_add (&ref, seq.ids + seq.sep1, seq.len - seq.sep1, p->answer, -1);
      chain += seq.steps_len;
    }
  g_assert_cmpuint (ref.n_correct, ==, 300);
  g_assert_cmpfloat_with_epsilon (lw_reason_score_mean_chain (&ref), chain / 300, 1e-9);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/reason-data/vocab/ids", test_vocab_ids);
  g_test_add_func ("/reason-data/vocab/closed", test_vocab_closed);
  g_test_add_func ("/reason-data/generator/determinism", test_generator_determinism);
  g_test_add_func ("/reason-data/generator/arithmetic", test_generator_arithmetic);
  g_test_add_func ("/reason-data/generator/lengths", test_lengths);
  g_test_add_func ("/reason-data/tokenize/round-trip", test_tokenize_round_trip);
  g_test_add_func ("/reason-data/tokenize/user-text", test_tokenize_user_text);
  g_test_add_func ("/reason-data/sequence/layout", test_sequence_layout);
  g_test_add_func ("/reason-data/test-set/separation", test_test_set_separation);
  g_test_add_func ("/reason-data/score/crafted", test_score_crafted);
  return g_test_run ();
}
