/* SPDX-License-Identifier: MIT */
/*
 * cond.h - conditions: compiled once from policy YAML into small trees,
 * evaluated with three-valued logic so that missing data fails closed.
 *
 * A condition is `{PATH: TEST}` (several keys: all must hold), or
 * `{all: [C...]}`, `{any: [C...]}`, `{not: C}`. A TEST is a scalar (equality)
 * or a mapping of operators: eq ne lt le gt ge in not_in matches exists
 * superset subset (their table is ops.h). An operand that starts with `$`
 * is a path (`$vm.memory_mb`); `$$` starts a literal `$`.
 *
 * Evaluation gives TRUE, FALSE or UNKNOWN. UNKNOWN means a value was missing
 * (a null value counts as missing) or malformed; `not` keeps UNKNOWN, `all`
 * is FALSE if any part is, `any` is TRUE if any part is (Kleene logic).
 * Callers treat UNKNOWN as "the check failed" where that refuses a move,
 * and as "does not hold" where holding would loosen a check.
 */
#ifndef MC_COND_H
#define MC_COND_H

#include <stdbool.h>

#include "util/arena.h"
#include "util/buf.h"
#include "load/node.h"
#include "load/path.h"
#include "policy/ops.h"
#include "util/regex.h"
#include "util/strmap.h"

typedef enum mc_tv {
	MC_FALSE = 0,
	MC_TRUE = 1,
	MC_UNKNOWN = 2
} mc_tv;

typedef enum mc_cond_type {
	MC_COND_ALL,
	MC_COND_ANY,
	MC_COND_NOT,
	MC_COND_LEAF
} mc_cond_type;

typedef struct mc_cond mc_cond;
struct mc_cond {
	uint8_t type;            /* mc_cond_type */
	uint8_t op;              /* mc_op, for leaves */
	bool operand_is_ref;
	const mc_node *at;       /* where the condition (or leaf's path) is */
	/* leaves */
	const char *subject_text;  /* "target.status.agent" */
	mc_ref subject;
	mc_ref operand_ref;
	const mc_node *operand;  /* literal operand (or the `$path` scalar) */
	const mc_regex *re;      /* matches */
	/* all, any, not */
	const mc_cond **kids;
	size_t nkids;
};

/* The values a condition reads: per scope, an array indexed like the
 * policy's path tables. target may be NULL where no target exists. */
typedef struct mc_env {
	const mc_node *const *vm;
	const mc_node *const *source;
	const mc_node *const *target;
	mc_matcher *matcher;
} mc_env;

/* Why a condition came out as it did: the leaf that decided it, or an
 * `any` of several parts none of which held. */
typedef enum mc_why_reason {
	MC_WHY_HELD,
	MC_WHY_FAILED,
	MC_WHY_MISSING,          /* the path has no value */
	MC_WHY_MISSING_OPERAND,  /* the `$path` operand has no value */
	MC_WHY_MALFORMED,        /* the values cannot be compared this way */
	MC_WHY_TOO_LARGE,        /* lists too long to compare in a condition */
	MC_WHY_REGEX_LIMIT,      /* a pattern match hit its limit */
	MC_WHY_REGEX_RUN         /* the run's budget of pattern steps ran out */
} mc_why_reason;

typedef struct mc_why {
	const mc_cond *leaf;     /* a leaf, or an `any` that failed whole */
	uint8_t reason;  /* mc_why_reason */
} mc_why;

/* A pattern text compiled once (mc_cond_pattern): the pattern, or why it
 * did not compile. */
typedef struct mc_cond_pat {
	const mc_regex *re;
	const char *err;    /* NULL when it compiled */
	size_t offset;
} mc_cond_pat;

/* What a condition may read, and where compiled parts go. A zeroed context
 * with these members set is ready; mc_cond_ctx_release frees what it
 * keeps. */
typedef struct mc_cond_ctx {
	mc_arena *arena;
	mc_diag *diag;
	const mc_limits *limits;
	mc_pathtab *vm_paths;
	mc_pathtab *host_paths;
	mc_regex_set *regexes;
	unsigned scopes;    /* 1 << mc_scope for each scope allowed */
	const char *where;  /* "a kind's 'when'", for messages */
	int errors;         /* errors reported so far */
	bool nomem;
	/* the patterns compiled so far, by their text ([1]: the caseless
	 * ones), and by the address of a node's text with its caselessness */
	mc_strmap pattern_index[2];
	mc_strmap pattern_nodes;
	mc_cond_pat *patterns;
	size_t npatterns, cappatterns;
} mc_cond_ctx;

/* Frees what ctx keeps for compiling (not what it compiled). */
void mc_cond_ctx_release(mc_cond_ctx *ctx);

/*
 * The pattern (UTF-8) of string node v, compiled into ctx->regexes once
 * per text and caselessness, however many times the policy uses it: an
 * alias of a pattern of half a megabyte was compiled at every use. An
 * alias shares its anchor's text: it is found by the text's address, in
 * no time whatever its length. NULL after reporting at v why it does not
 * compile (as often as it is used), or when memory runs out (ctx->nomem).
 */
const mc_regex *mc_cond_pattern(mc_cond_ctx *ctx, const mc_node *v,
				bool caseless);

/* Compiles a condition; returns NULL after reporting what is wrong (every
 * error found, counted in ctx->errors). */
const mc_cond *mc_cond_compile(mc_cond_ctx *ctx, const mc_node *n);

/*
 * Compiles a path operand of the form "vm.x" (no `$`) against the allowed
 * scopes into *ref; reports and returns -1 when it is not one.
 */
int mc_cond_compile_path(mc_cond_ctx *ctx, const mc_node *at, const char *s,
			 size_t len, mc_ref *ref);

/* The value at ref, or NULL when missing (null values count as missing). */
static inline const mc_node *
mc_env_get(const mc_env *env, mc_ref ref)
{
	const mc_node *const *v = ref.scope == MC_SCOPE_VM ? env->vm
		: ref.scope == MC_SCOPE_SOURCE ? env->source : env->target;
	const mc_node *n = v[ref.index];

	return n && !(n->kind == MC_NODE_SCALAR && n->type == MC_SCALAR_NULL)
	       ? n : NULL;
}

/* Evaluates c; when why is given, it is set to the deciding leaf (or to
 * an `any` of which no part held). */
mc_tv mc_cond_eval(const mc_cond *c, const mc_env *env, mc_why *why);

/* Describes a why in words: "target.status.agent is 'not-responding',
 * expected 'responding'", or "none of 3 alternatives holds". */
void mc_cond_describe(mc_buf *out, const mc_why *why, const mc_env *env);

/* True when c reads the path `index` of scope `scope` (as its subject or
 * as a `$path` operand), anywhere in its tree. */
bool mc_cond_reads(const mc_cond *c, mc_scope scope, uint32_t index);

/*
 * Writes c in words, for people who do not read policies: "vm.state is one
 * of saved, paused", "vm.checkpoints is more than 0", "target.cluster equals
 * source.cluster", "either A or B", "all of: A; B", "not A". Parts that are
 * themselves lists are put in parentheses.
 */
void mc_cond_words(mc_buf *out, const mc_cond *c);

#endif
