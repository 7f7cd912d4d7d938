/* lw-reason-data.h — synthetic GSM8k-Aug-style word problems, their closed vocabulary,
 * training sequences, the held-out test set and answer scoring (the reasoning page's data)
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A problem is one of eight word-problem templates filled with random integers (LwRng, so
 * the same seed gives the same problems on every machine). Its chain of thought is 2–4
 * calculator steps in GSM8k-Aug's notation, "<<5*6=30>> <<30*5=150>> <<150-5=145>>": steps
 * of two operands (a op b = r) or three (a op b op c = r, + and − only, left to right).
 * Every operand and every intermediate and final result is an integer in [0, LW_REASON_MAX_VALUE)
 * and every division is exact.
 *
 * Tokens (ids are stable; a checkpoint's embedding rows depend on them):
 *    0 <pad>   1 <bos>   2 <eos>   3 ###   4 Answer:   5 <<   6 >>
 *    7 +   8 -   9 *   10 /   11 =   12 .   13 ?
 *   14–18 <c1>…<c5>   the speed tokens (CoLaR's "(Thinking speed: c)")
 *   19–28 the digits 0–9 (numbers are written one digit per token)
 *   29–91 63 words in alphabetical order:
 *     a and are at books box boxes boys bus buys cakes class costs day days die does dollars
 *     each eggs equally farmer fill first flowers for from garden get gets girls has he how in
 *     is it left many money more much of off on one pays pens people put puts rent rest rows
 *     sells shop stop teachers the them then there total
 * V = 92 real tokens; a model pads its embedding and LM head to 96 rows (ids 92–95 are never
 * produced).
 *
 * A training sequence (T ≤ LW_REASON_T_MAX tokens):
 *   chain of thought  <bos> Q <c_k> ### steps ### Answer: digits <eos>
 *   no chain          <bos> Q <c1> ### ### Answer: digits <eos>
 * Its loss mask marks the tokens that are prediction targets: every token from the first ###
 * on (the ### itself is predicted from <c_k>, as in CoLaR, where the speed token is labelled
 * "###"). Question tokens are never targets.
 *
 * Text form: words and symbols separated by spaces, numbers written normally, steps without
 * inner spaces: "a farmer has 23 eggs . … ? <c1> ### <<23-5=18>> <<18/3=6>> ### Answer: 6".
 * Tokenising text splits numbers into digits and ignores spacing, so text written by hand in
 * this language ("how many eggs?") tokenises too, and an unknown word is reported by position.
 */
#pragma once

#include <glib.h>

#include "lw-nn-params.h"

G_BEGIN_DECLS

/* ---- vocabulary -------------------------------------------------------------------------- */
typedef guint16 LwReasonToken;

enum
{
  LW_REASON_TOK_PAD = 0,
  LW_REASON_TOK_BOS = 1,
  LW_REASON_TOK_EOS = 2,
  LW_REASON_TOK_SEP = 3,      /* "###" */
  LW_REASON_TOK_ANSWER = 4,   /* "Answer:" */
  LW_REASON_TOK_OPEN = 5,     /* "<<" */
  LW_REASON_TOK_CLOSE = 6,    /* ">>" */
  LW_REASON_TOK_PLUS = 7,
  LW_REASON_TOK_MINUS = 8,
  LW_REASON_TOK_TIMES = 9,
  LW_REASON_TOK_DIVIDE = 10,
  LW_REASON_TOK_EQUALS = 11,
  LW_REASON_TOK_PERIOD = 12,
  LW_REASON_TOK_QUESTION = 13,
  LW_REASON_TOK_SPEED1 = 14,  /* <c1>; <cK> is LW_REASON_TOK_SPEED1 + K − 1 */
  LW_REASON_TOK_DIGIT0 = 19,  /* digit d is LW_REASON_TOK_DIGIT0 + d */
  LW_REASON_TOK_WORD0 = 29,   /* first word ("a") */
  LW_REASON_VOCAB_SIZE = 92,  /* real tokens */
  LW_REASON_VOCAB_PADDED = 96 /* rows of a model's embedding and LM head */
};

#define LW_REASON_N_WORDS (LW_REASON_VOCAB_SIZE - LW_REASON_TOK_WORD0)
#define LW_REASON_MAX_SPEED 5

/* The token's text ("###", "7", "eggs", "<c3>"); NULL for ids ≥ LW_REASON_VOCAB_SIZE */
const char *lw_reason_token_text  (LwReasonToken id);
/* A token's id from its exact text (words lower-case, "Answer:", "<c2>", "5"); −1 if none */
int         lw_reason_token_lookup (const char *text);
/* <cK> for K in 1…5 */
LwReasonToken lw_reason_speed_token (guint c);

/* The byte range of the first unknown word or symbol in a text (for highlighting) */
typedef struct
{
  gsize offset;   /* bytes from the start of the text */
  gsize length;   /* bytes */
} LwReasonSpan;

/* Tokenises free text: letters form words (looked up lower-cased; "Answer:" with its colon),
 * digits are single tokens, "<<" ">>" "###" "<bos>" "<eos>" "<pad>" "<c1>"…"<c5>" and
 * + - * / = . ? are symbols, whitespace separates and is dropped. Appends the ids to `ids`
 * (a GArray of LwReasonToken). On an unknown word or symbol: LW_ERROR_INVALID_DATA naming it
 * and its character position, *unknown (nullable) receives its byte range, and `ids` holds
 * the tokens before it. */
gboolean lw_reason_tokenize (const char *text, GArray *ids, LwReasonSpan *unknown,
                             GError **error);
/* The text of a token sequence in the form described above; ids ≥ V are written "<?>".
 * Free with g_free. */
char    *lw_reason_detokenize (const LwReasonToken *ids, gsize n);

/* ---- problems ---------------------------------------------------------------------------- */
#define LW_REASON_N_TEMPLATES 8
#define LW_REASON_MAX_STEPS 4
#define LW_REASON_MAX_VALUE 1000     /* operands and results are < this */
#define LW_REASON_MAX_QUESTION 48    /* tokens; the templates stay well below */
#define LW_REASON_T_MAX 128          /* tokens in a training sequence */

typedef struct
{
  guint   n_operands;   /* 2 or 3 */
  char    op[2];        /* '+' '-' '*' '/'; op[1] only with three operands (then + or −) */
  guint32 operand[3];
  guint32 result;
} LwReasonStep;

typedef struct
{
  guint         template_id;                        /* 0 … LW_REASON_N_TEMPLATES − 1 */
  guint         n_steps;                            /* 2 … 4 */
  LwReasonStep  steps[LW_REASON_MAX_STEPS];
  guint32       answer;                             /* = the last step's result */
  guint         n_question;
  LwReasonToken question[LW_REASON_MAX_QUESTION];   /* words, digits, "." and "?" */
} LwReasonProblem;

/* Draws one problem (template uniformly, then its numbers). Deterministic in rng's state. */
void     lw_reason_generate        (LwRng *rng, LwReasonProblem *problem);
/* The question's canonical text ("a farmer has 23 eggs . … ?"); the test set's key. g_free. */
char    *lw_reason_question_text   (const LwReasonProblem *problem);
/* "<<23-5=18>> <<18/3=6>>". g_free. */
char    *lw_reason_steps_text      (const LwReasonProblem *problem);
/* Tokens of the steps, "<< 2 3 - 5 = 1 8 >> << …", into out (capacity cap); returns the
 * count, or 0 if cap is too small. */
guint    lw_reason_steps_tokens    (const LwReasonProblem *problem, LwReasonToken *out,
                                    guint cap);
/* Decimal digits of the answer (1 for 0) */
guint    lw_reason_answer_digits   (const LwReasonProblem *problem);

/* ---- training sequences ------------------------------------------------------------------ */
typedef enum
{
  LW_REASON_FORMAT_COT = 0,     /* <bos> Q <c_k> ### steps ### Answer: digits <eos> */
  LW_REASON_FORMAT_NO_COT = 1,  /* <bos> Q <c1> ### ### Answer: digits <eos> */
} LwReasonFormat;

typedef struct
{
  guint         len;                        /* tokens used */
  LwReasonToken ids[LW_REASON_T_MAX];       /* <pad> after len */
  guint8        target[LW_REASON_T_MAX];    /* 1: token t is a loss target (predicted at t−1) */
  /* Positions (token indices) of the parts, for the compression code */
  guint         question_start;             /* 1 */
  guint         question_len;
  guint         speed_pos;                  /* <c_k> */
  guint         sep1;                       /* the first ### (= speed_pos + 1) */
  guint         steps_start;                /* sep1 + 1 */
  guint         steps_len;                  /* 0 in the no-chain form */
  guint         sep2;                       /* the second ### */
  guint         answer_pos;                 /* "Answer:" */
  guint         answer_len;                 /* digits */
} LwReasonSequence;

/* Builds problem's sequence with speed token <c_speed> (1…5; the no-chain form always uses
 * <c1>). Returns FALSE (LW_ERROR_TOO_LARGE) if it would exceed LW_REASON_T_MAX. */
gboolean lw_reason_sequence_build (const LwReasonProblem *problem, LwReasonFormat format,
                                   guint speed, LwReasonSequence *seq, GError **error);
/* The inference prompt "<bos> Q <c_speed> ###" for a question given as tokens (a generated
 * problem's or a tokenised user text); returns its length, 0 if cap is too small. */
guint    lw_reason_prompt          (const LwReasonToken *question, guint n_question, guint speed,
                                    LwReasonToken *out, guint cap);

/* ---- held-out test set and the training stream ------------------------------------------- */
#define LW_REASON_TEST_SEED  G_GUINT64_CONSTANT (0x7e57da7a5eed0001)
#define LW_REASON_TRAIN_SEED G_GUINT64_CONSTANT (0x7a1bda7a5eed0001)

typedef struct _LwReasonTestSet LwReasonTestSet;

/* n problems with distinct question texts, drawn from their own seed. */
LwReasonTestSet       *lw_reason_test_set_new      (guint64 seed, guint n);
void                   lw_reason_test_set_free     (LwReasonTestSet *set);
guint                  lw_reason_test_set_size     (const LwReasonTestSet *set);
const LwReasonProblem *lw_reason_test_set_get      (const LwReasonTestSet *set, guint i);
/* Is this problem's question in the set? Questions compare as canonical text, the
 * lw_reason_detokenize of their tokens; tokenising and detokenising a user's text gives its
 * canonical form. */
gboolean               lw_reason_test_set_contains (const LwReasonTestSet *set,
                                                    const LwReasonProblem *problem);
gboolean               lw_reason_test_set_contains_text (const LwReasonTestSet *set,
                                                         const char *question_text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LwReasonTestSet, lw_reason_test_set_free)

/* The training stream: problems from its own seed, skipping any whose question is in the
 * test set (exclude may be NULL). Plain struct; copy it to fork the stream. */
typedef struct
{
  LwRng                  rng;
  const LwReasonTestSet *exclude;     /* not owned; must outlive the stream */
  guint64                n_drawn;     /* problems generated, skipped ones included */
  guint64                n_skipped;   /* of those, found in the test set */
} LwReasonStream;

void lw_reason_stream_init (LwReasonStream *stream, guint64 seed, const LwReasonTestSet *exclude);
void lw_reason_stream_next (LwReasonStream *stream, LwReasonProblem *problem);

/* ---- lengths of the data (averages and maxima, in tokens) -------------------------------- */
typedef struct
{
  guint  n;
  double question_mean;   /* Q tokens, without <bos> and the speed token */
  guint  question_max;
  double cot_mean;        /* step tokens between the two ### */
  guint  cot_max;
  double answer_mean;     /* answer digits */
  guint  answer_max;
  double steps_mean;      /* steps per problem */
} LwReasonLengths;

/* Measures n problems drawn from seed */
void lw_reason_measure_lengths (guint64 seed, guint n, LwReasonLengths *out);

/* ---- scoring generated sequences --------------------------------------------------------- */
/* The answer in a generated sequence: the digits after the first "Answer:" up to the next
 * <eos>. FALSE if there is no "Answer:", no <eos> after it, no digit between, a non-digit
 * between, or more than 18 digits. Leading zeros are allowed ("07" is 7). */
gboolean lw_reason_extract_answer (const LwReasonToken *ids, gsize n, guint64 *answer);

/* #L of a token chain of thought: the tokens strictly between the first ### and the next ###
 * (CoLaR's "index of ### in the output minus 1", its output starting with the prompt's ###;
 * 0 for the no-chain form). Without a second ###, the tokens after the first up to <eos> or
 * the end (the chain ran to the cap). −1 if there is no ### at all. */
int      lw_reason_chain_length   (const LwReasonToken *ids, gsize n);

typedef struct
{
  guint  n;                 /* sequences scored */
  guint  n_correct;
  guint  n_answered;        /* with a well-formed answer, right or wrong */
  double chain_sum;         /* Σ #L over all sequences that have one */
  guint  n_chain;
  double chain_sum_correct; /* Σ #L over the correct ones that have one */
  guint  n_chain_correct;
} LwReasonScore;

/* Adds one generated sequence whose reference answer is `reference`. chain_length ≥ 0 is the
 * sequence's #L as counted by the caller (latent runs: latents fed in); < 0 counts it from
 * the tokens with lw_reason_chain_length. Returns whether the answer is correct. */
gboolean lw_reason_score_add      (LwReasonScore *score, const LwReasonToken *ids, gsize n,
                                   guint64 reference, int chain_length);
double   lw_reason_score_accuracy (const LwReasonScore *score);            /* in [0, 1] */
double   lw_reason_score_mean_chain (const LwReasonScore *score);          /* mean #L */
double   lw_reason_score_mean_chain_correct (const LwReasonScore *score);  /* on correct */

G_END_DECLS
