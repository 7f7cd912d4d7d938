/* lw-reason-data.c — synthetic GSM8k-Aug-style word problems, vocabulary, sequences, scoring
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "lw-reason-data"

#include "lw-reason-data.h"

#include "lw-error.h"

#include <string.h>

/* ---- vocabulary -------------------------------------------------------------------------- */

static const char *const token_texts[LW_REASON_VOCAB_SIZE] = {
  "<pad>", "<bos>", "<eos>", "###", "Answer:", "<<", ">>",
  "+", "-", "*", "/", "=", ".", "?",
  "<c1>", "<c2>", "<c3>", "<c4>", "<c5>",
  "0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
  /* words: alphabetical, so lookup is a binary search; every template word is here and
   * nothing else, which is what makes V exactly 92 */
  "a", "and", "are", "at", "books", "box", "boxes", "boys", "bus", "buys",
  "cakes", "class", "costs", "day", "days", "die", "does", "dollars", "each", "eggs",
  "equally", "farmer", "fill", "first", "flowers", "for", "from", "garden", "get", "gets",
  "girls", "has", "he", "how", "in", "is", "it", "left", "many", "money",
  "more", "much", "of", "off", "on", "one", "pays", "pens", "people", "put",
  "puts", "rent", "rest", "rows", "sells", "shop", "stop", "teachers", "the", "them",
  "then", "there", "total",
};

const char *
lw_reason_token_text (LwReasonToken id)
{
  return id < LW_REASON_VOCAB_SIZE ? token_texts[id] : NULL;
}

static int
lookup_word (const char *word, gsize len)
{
  int lo = LW_REASON_TOK_WORD0, hi = LW_REASON_VOCAB_SIZE - 1;
  while (lo <= hi)
    {
      int mid = (lo + hi) / 2;
      const char *w = token_texts[mid];
      int c = strncmp (word, w, len);
      if (c == 0 && w[len] != '\0')
        c = -1; /* word is a proper prefix of w */
      if (c == 0)
        return mid;
      if (c < 0)
        hi = mid - 1;
      else
        lo = mid + 1;
    }
  return -1;
}

int
lw_reason_token_lookup (const char *text)
{
  g_return_val_if_fail (text != NULL, -1);
  for (int i = 0; i < LW_REASON_TOK_WORD0; i++)
    if (strcmp (text, token_texts[i]) == 0)
      return i;
  return lookup_word (text, strlen (text));
}

LwReasonToken
lw_reason_speed_token (guint c)
{
  g_return_val_if_fail (c >= 1 && c <= LW_REASON_MAX_SPEED, LW_REASON_TOK_SPEED1);
  return (LwReasonToken) (LW_REASON_TOK_SPEED1 + c - 1);
}

static gboolean
is_letter (guchar ch)
{
  /* Bytes ≥ 0x80 belong to words too, so "café" is one unknown word, not a stray byte */
  return g_ascii_isalpha (ch) || ch >= 0x80;
}

static gboolean
fail_unknown (const char *text, const char *at, gsize len, gboolean word, LwReasonSpan *unknown,
              GError **error)
{
  g_autofree char *raw = g_strndup (at, len);
  g_autofree char *what = g_utf8_make_valid (raw, -1);
  glong pos = g_utf8_validate (text, at - text, NULL) ? g_utf8_pointer_to_offset (text, at)
                                                      : (glong) (at - text);
  if (unknown != NULL)
    {
      unknown->offset = (gsize) (at - text);
      unknown->length = len;
    }
  g_set_error (error, LW_ERROR, LW_ERROR_INVALID_DATA,
               "unknown %s “%s” at character %ld (the vocabulary has %d words, digits and "
               "the symbols << >> ### + - * / = . ?)", word ? "word" : "symbol", what, pos + 1,
               LW_REASON_N_WORDS);
  return FALSE;
}

gboolean
lw_reason_tokenize (const char *text, GArray *ids, LwReasonSpan *unknown, GError **error)
{
  /* symbols of several characters, then the single-character ones in id order */
  static const char *const multi[] = { "<<", ">>", "###", "<pad>", "<bos>", "<eos>",
                                       "<c1>", "<c2>", "<c3>", "<c4>", "<c5>" };
  static const char singles[] = "+-*/=.?";
  g_return_val_if_fail (text != NULL && ids != NULL, FALSE);
  g_return_val_if_fail (g_array_get_element_size (ids) == sizeof (LwReasonToken), FALSE);

  const char *p = text;
  while (*p != '\0')
    {
      guchar ch = (guchar) *p;
      int id = -1;
      gsize len = 1;
      if (g_ascii_isspace (ch))
        {
          p++;
          continue;
        }
      if (g_ascii_isdigit (ch))
        id = LW_REASON_TOK_DIGIT0 + (ch - '0');
      else if (is_letter (ch))
        {
          while (is_letter ((guchar) p[len]))
            len++;
          if (len == 6 && p[len] == ':' && g_ascii_strncasecmp (p, "answer", 6) == 0)
            {
              id = LW_REASON_TOK_ANSWER;
              len++;
            }
          else if (len < 32)
            {
              char lower[32];
              for (gsize i = 0; i < len; i++)
                lower[i] = g_ascii_tolower (p[i]);
              lower[len] = '\0';
              id = lookup_word (lower, len);
            }
          if (id < 0)
            return fail_unknown (text, p, len, TRUE, unknown, error);
        }
      else
        {
          for (guint i = 0; i < G_N_ELEMENTS (multi) && id < 0; i++)
            if (strncmp (p, multi[i], strlen (multi[i])) == 0)
              {
                id = lw_reason_token_lookup (multi[i]);
                len = strlen (multi[i]);
              }
          const char *single = id < 0 ? strchr (singles, ch) : NULL;
          if (single != NULL)
            id = LW_REASON_TOK_PLUS + (int) (single - singles);
          if (id < 0)
            return fail_unknown (text, p, 1, FALSE, unknown, error);
        }
      LwReasonToken tok = (LwReasonToken) id;
      g_array_append_val (ids, tok);
      p += len;
    }
  return TRUE;
}

static gboolean
is_digit_token (LwReasonToken id)
{
  return id >= LW_REASON_TOK_DIGIT0 && id < LW_REASON_TOK_DIGIT0 + 10;
}

char *
lw_reason_detokenize (const LwReasonToken *ids, gsize n)
{
  GString *s = g_string_new (NULL);
  gboolean in_step = FALSE;
  for (gsize i = 0; i < n; i++)
    {
      LwReasonToken id = ids[i];
      /* Spaces between tokens, except inside a number and inside a step, so numbers read
       * as numbers and steps as GSM8k-Aug writes them */
      gboolean glue = i > 0 && (in_step || (is_digit_token (id) && is_digit_token (ids[i - 1])));
      if (i > 0 && !glue)
        g_string_append_c (s, ' ');
      const char *t = lw_reason_token_text (id);
      g_string_append (s, t != NULL ? t : "<?>");
      if (id == LW_REASON_TOK_OPEN)
        in_step = TRUE;
      else if (id == LW_REASON_TOK_CLOSE)
        in_step = FALSE;
    }
  return g_string_free (s, FALSE);
}

/* ---- templates --------------------------------------------------------------------------- */

/* Each template is question text with number slots {0}…{5} and a function drawing the
 * numbers and the steps; the function returns FALSE to have the draw repeated (a bound was
 * exceeded), which keeps the constraints in one place (make_step). */
typedef gboolean (*FillFunc) (LwRng *rng, guint32 *v, LwReasonProblem *p);

typedef struct
{
  const char *text;
  FillFunc    fill;
} Template;

static guint32
uniform (LwRng *rng, guint32 lo, guint32 hi)
{
  return lo + lw_rng_below (rng, hi - lo + 1);
}

/* Appends step a op b [op2 c] = result to p; FALSE if a partial or final result would be
 * negative, a division inexact (or by zero), or any value ≥ LW_REASON_MAX_VALUE. */
static gboolean
make_step (LwReasonProblem *p, guint32 a, char op, guint32 b, char op2, guint32 c,
           guint32 *result)
{
  gint64 r;
  switch (op)
    {
    case '+': r = (gint64) a + b; break;
    case '-': r = (gint64) a - b; break;
    case '*': r = (gint64) a * b; break;
    case '/':
      if (b == 0 || a % b != 0)
        return FALSE;
      r = a / b;
      break;
    default: g_return_val_if_reached (FALSE);
    }
  if (r < 0 || r >= LW_REASON_MAX_VALUE)
    return FALSE;
  if (op2 != 0)
    {
      /* three operands only with + and −, where left-to-right order is the usual reading */
      g_return_val_if_fail ((op == '+' || op == '-') && (op2 == '+' || op2 == '-'), FALSE);
      r = op2 == '+' ? r + c : r - c;
      if (r < 0 || r >= LW_REASON_MAX_VALUE)
        return FALSE;
    }
  if (a >= LW_REASON_MAX_VALUE || b >= LW_REASON_MAX_VALUE || c >= LW_REASON_MAX_VALUE)
    return FALSE;
  LwReasonStep *s = &p->steps[p->n_steps++];
  s->n_operands = op2 != 0 ? 3 : 2;
  s->op[0] = op;
  s->op[1] = op2;
  s->operand[0] = a;
  s->operand[1] = b;
  s->operand[2] = op2 != 0 ? c : 0;
  s->result = (guint32) r;
  *result = (guint32) r;
  return TRUE;
}

#define STEP(a, op, b, r) \
  G_STMT_START { if (!make_step (p, (a), (op), (b), 0, 0, &(r))) return FALSE; } G_STMT_END
#define STEP3(a, op, b, op2, c, r) \
  G_STMT_START { if (!make_step (p, (a), (op), (b), (op2), (c), &(r))) return FALSE; } G_STMT_END

/* The number ranges are set so the data's lengths match the pilot's (reasoning.md §3.1):
 * questions ≈30 tokens, chains ≈27, answers ≈2 digits. Answers are drawn first where a
 * division must come out exact. Counts of plural nouns are at least 2 ("1 flowers"). */

static gboolean
fill_shop (LwRng *rng, guint32 *v, LwReasonProblem *p)
{
  guint32 x, y, z;
  v[0] = uniform (rng, 2, 9);
  v[1] = uniform (rng, 2, 7);
  v[2] = uniform (rng, 2, 5);
  STEP (v[0], '*', v[1], x);
  STEP (x, '*', v[2], y);
  guint32 left = uniform (rng, 5, MIN (150, y - 1));
  v[3] = y - left;
  STEP (y, '-', v[3], z);
  return TRUE;
}

static gboolean
fill_farmer_boxes (LwRng *rng, guint32 *v, LwReasonProblem *p)
{
  guint32 x, y;
  guint32 boxes = uniform (rng, 5, 40);
  v[2] = uniform (rng, 2, 9);
  v[1] = uniform (rng, 2, 40);
  v[0] = boxes * v[2] + v[1];
  STEP (v[0], '-', v[1], x);
  STEP (x, '/', v[2], y);
  return TRUE;
}

static gboolean
fill_class (LwRng *rng, guint32 *v, LwReasonProblem *p)
{
  guint32 x, y;
  v[0] = uniform (rng, 5, 30);
  v[1] = uniform (rng, 5, 30);
  v[2] = uniform (rng, 2, 5);
  v[3] = uniform (rng, 2, 6);
  STEP3 (v[0], '+', v[1], '+', v[2], x);
  STEP (x, '*', v[3], y);
  return TRUE;
}

static gboolean
fill_bus (LwRng *rng, guint32 *v, LwReasonProblem *p)
{
  guint32 x, y;
  v[0] = uniform (rng, 20, 90);
  v[1] = uniform (rng, 1, v[0] - 1);
  v[2] = uniform (rng, 1, 30);
  v[3] = uniform (rng, 1, 30);
  STEP3 (v[0], '-', v[1], '+', v[2], x);
  STEP (x, '-', v[3], y);
  return TRUE;
}

static gboolean
fill_shopping (LwRng *rng, guint32 *v, LwReasonProblem *p)
{
  guint32 x, y, z, w;
  v[0] = uniform (rng, 2, 9);
  v[1] = uniform (rng, 2, 9);
  v[2] = uniform (rng, 2, 9);
  v[3] = uniform (rng, 2, 9);
  guint32 change = uniform (rng, 5, 120);
  STEP (v[0], '*', v[1], x);
  STEP (v[2], '*', v[3], y);
  STEP (x, '+', y, z);
  v[4] = z + change;
  STEP (v[4], '-', z, w);
  return TRUE;
}

static gboolean
fill_farmer_share (LwRng *rng, guint32 *v, LwReasonProblem *p)
{
  guint32 x, y, z;
  guint32 per_box = uniform (rng, 6, 30);
  v[2] = uniform (rng, 2, 6);
  v[3] = uniform (rng, 1, per_box / 3);
  guint32 total = per_box * v[2];
  v[0] = uniform (rng, 2, total - 2);
  v[1] = total - v[0];
  STEP (v[0], '+', v[1], x);
  STEP (x, '/', v[2], y);
  STEP (y, '-', v[3], z);
  return TRUE;
}

static gboolean
fill_garden (LwRng *rng, guint32 *v, LwReasonProblem *p)
{
  guint32 x, y, z;
  v[0] = uniform (rng, 3, 15);
  v[1] = uniform (rng, 4, 15);
  v[3] = uniform (rng, 2, 5);
  guint32 product = v[0] * v[1];
  if (product <= v[3])
    return FALSE;
  /* at most about half the flowers die, so most answers have two digits */
  guint32 hi = (product - 1) / v[3];
  guint32 per_box = uniform (rng, MAX (1, hi / 2), hi);
  v[2] = product - per_box * v[3];
  if (v[2] < 2)
    return FALSE; /* "1 flowers die" */
  STEP (v[0], '*', v[1], x);
  STEP (x, '-', v[2], y);
  STEP (y, '/', v[3], z);
  return TRUE;
}

static gboolean
fill_stock (LwRng *rng, guint32 *v, LwReasonProblem *p)
{
  guint32 x, y, z, w;
  for (int i = 0; i < 4; i++)
    v[i] = uniform (rng, 2, 9);
  STEP (v[0], '*', v[1], x);
  STEP (v[2], '*', v[3], y);
  STEP (x, '+', y, z);
  v[4] = uniform (rng, 2, x);
  v[5] = uniform (rng, 2, y);
  STEP3 (z, '-', v[4], '-', v[5], w);
  return TRUE;
}

static const Template templates[LW_REASON_N_TEMPLATES] = {
  { "a shop sells {0} cakes each day for {1} days . each one costs {2} dollars . "
    "it pays {3} dollars for rent . how much money is left ?", fill_shop },
  { "a farmer has {0} eggs . he sells {1} eggs and puts the rest in boxes of {2} . "
    "how many boxes does he fill ?", fill_farmer_boxes },
  { "a class has {0} boys and {1} girls and {2} teachers . each of them gets {3} pens . "
    "how many pens are there in total ?", fill_class },
  { "a bus has {0} people . at the first stop {1} get off and {2} get on . then {3} get off . "
    "how many people are on the bus ?", fill_bus },
  { "a farmer has {4} dollars . he buys {0} pens for {1} dollars each and {2} books for {3} "
    "dollars each . how much money is left ?", fill_shopping },
  { "a farmer has {0} eggs and buys {1} more . he puts them in {2} boxes equally and sells "
    "{3} from each box . how many eggs are left in each box ?", fill_farmer_share },
  { "a garden has {0} rows of {1} flowers . {2} flowers die and the rest are put in {3} boxes "
    "equally . how many flowers are in each box ?", fill_garden },
  { "a shop has {0} boxes of {1} pens and {2} boxes of {3} books . it sells {4} pens and {5} "
    "books . how many are left ?", fill_stock },
};

/* A template compiled to tokens: ids ≥ 0 are tokens, −1 − k is number slot k */
typedef struct
{
  guint n;
  int   item[LW_REASON_MAX_QUESTION];
} Compiled;

static Compiled compiled[LW_REASON_N_TEMPLATES];

static gpointer
compile_templates (gpointer data)
{
  for (guint t = 0; t < LW_REASON_N_TEMPLATES; t++)
    {
      g_auto (GStrv) words = g_strsplit (templates[t].text, " ", -1);
      Compiled *c = &compiled[t];
      for (guint i = 0; words[i] != NULL; i++)
        {
          const char *w = words[i];
          gboolean slot = w[0] == '{';
          int item = slot ? -1 - (w[1] - '0') : lw_reason_token_lookup (w);
          /* a template word missing from the vocabulary is a programming error */
          if ((!slot && item < 0) || c->n >= LW_REASON_MAX_QUESTION)
            g_error ("reason template %u: “%s” is not in the vocabulary or too long", t, w);
          c->item[c->n++] = item;
        }
    }
  return NULL;
}

static const Compiled *
get_compiled (guint t)
{
  static GOnce once = G_ONCE_INIT;
  g_once (&once, compile_templates, NULL);
  return &compiled[t];
}

/* Writes value's decimal digits as tokens; returns the count */
static guint
put_number (guint64 value, LwReasonToken *out)
{
  char buf[24];
  guint n = (guint) g_snprintf (buf, sizeof buf, "%" G_GUINT64_FORMAT, value);
  for (guint i = 0; i < n; i++)
    out[i] = (LwReasonToken) (LW_REASON_TOK_DIGIT0 + (buf[i] - '0'));
  return n;
}

void
lw_reason_generate (LwRng *rng, LwReasonProblem *problem)
{
  g_return_if_fail (rng != NULL && problem != NULL);
  guint t = lw_rng_below (rng, LW_REASON_N_TEMPLATES);
  guint32 v[6];
  do
    {
      memset (problem, 0, sizeof *problem);
      memset (v, 0, sizeof v);
      problem->template_id = t;
    }
  while (!templates[t].fill (rng, v, problem));
  problem->answer = problem->steps[problem->n_steps - 1].result;

  const Compiled *c = get_compiled (t);
  guint n = 0;
  for (guint i = 0; i < c->n; i++)
    {
      if (c->item[i] >= 0)
        problem->question[n++] = (LwReasonToken) c->item[i];
      else
        n += put_number (v[-1 - c->item[i]], problem->question + n);
    }
  problem->n_question = n;
}

char *
lw_reason_question_text (const LwReasonProblem *problem)
{
  g_return_val_if_fail (problem != NULL, NULL);
  return lw_reason_detokenize (problem->question, problem->n_question);
}

static LwReasonToken
op_token (char op)
{
  switch (op)
    {
    case '+': return LW_REASON_TOK_PLUS;
    case '-': return LW_REASON_TOK_MINUS;
    case '*': return LW_REASON_TOK_TIMES;
    default: return LW_REASON_TOK_DIVIDE;
    }
}

guint
lw_reason_steps_tokens (const LwReasonProblem *problem, LwReasonToken *out, guint cap)
{
  g_return_val_if_fail (problem != NULL && out != NULL, 0);
  /* every step fits in 2 + 3·3 + 2 + 1 + 3 tokens; check against the worst case up front */
  LwReasonToken buf[LW_REASON_MAX_STEPS * 20];
  guint n = 0;
  for (guint k = 0; k < problem->n_steps; k++)
    {
      const LwReasonStep *s = &problem->steps[k];
      buf[n++] = LW_REASON_TOK_OPEN;
      n += put_number (s->operand[0], buf + n);
      for (guint j = 1; j < s->n_operands; j++)
        {
          buf[n++] = op_token (s->op[j - 1]);
          n += put_number (s->operand[j], buf + n);
        }
      buf[n++] = LW_REASON_TOK_EQUALS;
      n += put_number (s->result, buf + n);
      buf[n++] = LW_REASON_TOK_CLOSE;
    }
  if (n > cap)
    return 0;
  memcpy (out, buf, n * sizeof *buf);
  return n;
}

char *
lw_reason_steps_text (const LwReasonProblem *problem)
{
  g_return_val_if_fail (problem != NULL, NULL);
  LwReasonToken buf[LW_REASON_MAX_STEPS * 20];
  guint n = lw_reason_steps_tokens (problem, buf, G_N_ELEMENTS (buf));
  return lw_reason_detokenize (buf, n);
}

guint
lw_reason_answer_digits (const LwReasonProblem *problem)
{
  LwReasonToken buf[24];
  return put_number (problem->answer, buf);
}

/* ---- sequences --------------------------------------------------------------------------- */

gboolean
lw_reason_sequence_build (const LwReasonProblem *problem, LwReasonFormat format, guint speed,
                          LwReasonSequence *seq, GError **error)
{
  g_return_val_if_fail (problem != NULL && seq != NULL, FALSE);
  g_return_val_if_fail (speed >= 1 && speed <= LW_REASON_MAX_SPEED, FALSE);
  LwReasonToken steps[LW_REASON_MAX_STEPS * 20];
  guint n_steps = format == LW_REASON_FORMAT_COT
                    ? lw_reason_steps_tokens (problem, steps, G_N_ELEMENTS (steps)) : 0;
  guint n_answer = lw_reason_answer_digits (problem);
  guint total = 1 + problem->n_question + 1 + 1 + n_steps + 1 + 1 + n_answer + 1;
  if (total > LW_REASON_T_MAX)
    {
      g_set_error (error, LW_ERROR, LW_ERROR_TOO_LARGE,
                   "reasoning sequence: %u tokens, at most %d fit", total, LW_REASON_T_MAX);
      return FALSE;
    }
  memset (seq, 0, sizeof *seq);
  LwReasonToken *ids = seq->ids;
  guint n = 0;
  ids[n++] = LW_REASON_TOK_BOS;
  seq->question_start = n;
  seq->question_len = problem->n_question;
  memcpy (ids + n, problem->question, problem->n_question * sizeof *ids);
  n += problem->n_question;
  seq->speed_pos = n;
  ids[n++] = lw_reason_speed_token (format == LW_REASON_FORMAT_COT ? speed : 1);
  seq->sep1 = n;
  ids[n++] = LW_REASON_TOK_SEP;
  seq->steps_start = n;
  seq->steps_len = n_steps;
  memcpy (ids + n, steps, n_steps * sizeof *ids);
  n += n_steps;
  seq->sep2 = n;
  ids[n++] = LW_REASON_TOK_SEP;
  seq->answer_pos = n;
  ids[n++] = LW_REASON_TOK_ANSWER;
  seq->answer_len = put_number (problem->answer, ids + n);
  n += seq->answer_len;
  ids[n++] = LW_REASON_TOK_EOS;
  seq->len = n;
  for (guint t = seq->sep1; t < n; t++)
    seq->target[t] = 1;
  return TRUE;
}

guint
lw_reason_prompt (const LwReasonToken *question, guint n_question, guint speed,
                  LwReasonToken *out, guint cap)
{
  g_return_val_if_fail (question != NULL || n_question == 0, 0);
  g_return_val_if_fail (speed >= 1 && speed <= LW_REASON_MAX_SPEED, 0);
  if (cap < n_question + 3)
    return 0;
  out[0] = LW_REASON_TOK_BOS;
  memcpy (out + 1, question, n_question * sizeof *out);
  out[n_question + 1] = lw_reason_speed_token (speed);
  out[n_question + 2] = LW_REASON_TOK_SEP;
  return n_question + 3;
}

/* ---- test set and training stream -------------------------------------------------------- */

struct _LwReasonTestSet
{
  GArray     *problems;  /* LwReasonProblem */
  GHashTable *texts;     /* canonical question text → itself (a set) */
};

LwReasonTestSet *
lw_reason_test_set_new (guint64 seed, guint n)
{
  LwReasonTestSet *set = g_new0 (LwReasonTestSet, 1);
  set->problems = g_array_sized_new (FALSE, FALSE, sizeof (LwReasonProblem), n);
  set->texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  LwRng rng;
  lw_rng_seed (&rng, seed);
  while (set->problems->len < n)
    {
      LwReasonProblem p;
      lw_reason_generate (&rng, &p);
      char *text = lw_reason_question_text (&p);
      /* a repeated question would be scored twice; draw another */
      if (!g_hash_table_add (set->texts, text))
        continue;
      g_array_append_val (set->problems, p);
    }
  return set;
}

void
lw_reason_test_set_free (LwReasonTestSet *set)
{
  if (set == NULL)
    return;
  g_array_unref (set->problems);
  g_hash_table_unref (set->texts);
  g_free (set);
}

guint
lw_reason_test_set_size (const LwReasonTestSet *set)
{
  g_return_val_if_fail (set != NULL, 0);
  return set->problems->len;
}

const LwReasonProblem *
lw_reason_test_set_get (const LwReasonTestSet *set, guint i)
{
  g_return_val_if_fail (set != NULL && i < set->problems->len, NULL);
  return &g_array_index (set->problems, LwReasonProblem, i);
}

gboolean
lw_reason_test_set_contains_text (const LwReasonTestSet *set, const char *question_text)
{
  g_return_val_if_fail (set != NULL && question_text != NULL, FALSE);
  return g_hash_table_contains (set->texts, question_text);
}

gboolean
lw_reason_test_set_contains (const LwReasonTestSet *set, const LwReasonProblem *problem)
{
  g_return_val_if_fail (set != NULL && problem != NULL, FALSE);
  g_autofree char *text = lw_reason_question_text (problem);
  return g_hash_table_contains (set->texts, text);
}

void
lw_reason_stream_init (LwReasonStream *stream, guint64 seed, const LwReasonTestSet *exclude)
{
  g_return_if_fail (stream != NULL);
  memset (stream, 0, sizeof *stream);
  lw_rng_seed (&stream->rng, seed);
  stream->exclude = exclude;
}

void
lw_reason_stream_next (LwReasonStream *stream, LwReasonProblem *problem)
{
  g_return_if_fail (stream != NULL && problem != NULL);
  for (;;)
    {
      lw_reason_generate (&stream->rng, problem);
      stream->n_drawn++;
      if (stream->exclude == NULL || !lw_reason_test_set_contains (stream->exclude, problem))
        return;
      stream->n_skipped++;
    }
}

void
lw_reason_measure_lengths (guint64 seed, guint n, LwReasonLengths *out)
{
  g_return_if_fail (out != NULL && n > 0);
  memset (out, 0, sizeof *out);
  LwRng rng;
  lw_rng_seed (&rng, seed);
  guint64 q = 0, cot = 0, ans = 0, steps = 0;
  for (guint i = 0; i < n; i++)
    {
      LwReasonProblem p;
      LwReasonToken buf[LW_REASON_MAX_STEPS * 20];
      lw_reason_generate (&rng, &p);
      guint nc = lw_reason_steps_tokens (&p, buf, G_N_ELEMENTS (buf));
      guint na = lw_reason_answer_digits (&p);
      q += p.n_question;
      cot += nc;
      ans += na;
      steps += p.n_steps;
      out->question_max = MAX (out->question_max, p.n_question);
      out->cot_max = MAX (out->cot_max, nc);
      out->answer_max = MAX (out->answer_max, na);
    }
  out->n = n;
  out->question_mean = (double) q / n;
  out->cot_mean = (double) cot / n;
  out->answer_mean = (double) ans / n;
  out->steps_mean = (double) steps / n;
}

/* ---- scoring ----------------------------------------------------------------------------- */

gboolean
lw_reason_extract_answer (const LwReasonToken *ids, gsize n, guint64 *answer)
{
  g_return_val_if_fail (ids != NULL || n == 0, FALSE);
  gsize i = 0;
  while (i < n && ids[i] != LW_REASON_TOK_ANSWER)
    i++;
  if (i == n)
    return FALSE;
  guint64 value = 0;
  guint digits = 0;
  for (i++; i < n; i++)
    {
      if (ids[i] == LW_REASON_TOK_EOS)
        {
          if (digits == 0)
            return FALSE;
          if (answer != NULL)
            *answer = value;
          return TRUE;
        }
      if (!is_digit_token (ids[i]) || ++digits > 18)
        return FALSE;
      value = value * 10 + (ids[i] - LW_REASON_TOK_DIGIT0);
    }
  return FALSE; /* no <eos>: the answer may have been cut off by the length cap */
}

int
lw_reason_chain_length (const LwReasonToken *ids, gsize n)
{
  g_return_val_if_fail (ids != NULL || n == 0, -1);
  gsize first = 0;
  while (first < n && ids[first] != LW_REASON_TOK_SEP)
    first++;
  if (first == n)
    return -1;
  gsize j = first + 1;
  while (j < n && ids[j] != LW_REASON_TOK_SEP && ids[j] != LW_REASON_TOK_EOS)
    j++;
  return (int) (j - first - 1);
}

gboolean
lw_reason_score_add (LwReasonScore *score, const LwReasonToken *ids, gsize n,
                     guint64 reference, int chain_length)
{
  g_return_val_if_fail (score != NULL, FALSE);
  guint64 value = 0;
  gboolean answered = lw_reason_extract_answer (ids, n, &value);
  gboolean correct = answered && value == reference;
  int chain = chain_length >= 0 ? chain_length : lw_reason_chain_length (ids, n);
  score->n++;
  score->n_answered += answered;
  score->n_correct += correct;
  if (chain >= 0)
    {
      score->chain_sum += chain;
      score->n_chain++;
      if (correct)
        {
          score->chain_sum_correct += chain;
          score->n_chain_correct++;
        }
    }
  return correct;
}

double
lw_reason_score_accuracy (const LwReasonScore *score)
{
  return score->n > 0 ? (double) score->n_correct / score->n : 0.0;
}

double
lw_reason_score_mean_chain (const LwReasonScore *score)
{
  return score->n_chain > 0 ? score->chain_sum / score->n_chain : 0.0;
}

double
lw_reason_score_mean_chain_correct (const LwReasonScore *score)
{
  /* CoLaR's n_latent_forward_on_acc */
  return score->n_chain_correct > 0 ? score->chain_sum_correct / score->n_chain_correct : 0.0;
}
