/* SPDX-License-Identifier: MIT */
/*
 * ops.h - the operators of the policy language, one const table row each.
 *
 * A row says everything about an operator: its name as policies write it,
 * what operand it takes in a condition, the field types it fits in a kind's
 * `compare`, how the evaluator decides it, and every phrase that reports
 * use for it. Conditions (cond.c), `compare` entries (policy.c), the
 * evaluators (eval.c, factor.c) and the reports (check.c, plan.c,
 * baseline.c, explain.c) all read the table; none keeps a list of its own.
 *
 * The table is const and process-wide; it holds no state.
 */
#ifndef MC_OPS_H
#define MC_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The type of a declared field (`fields:`), which `compare` operators fit. */
typedef enum mc_ftype {
	MC_FT_STRING,
	MC_FT_INTEGER,
	MC_FT_BOOLEAN,
	MC_FT_VERSION,
	MC_FT_SET
} mc_ftype;

/* The operators, in the order of the table (and of the lists in
 * messages). */
typedef enum mc_op {
	MC_OP_EQ,
	MC_OP_NE,
	MC_OP_LT,
	MC_OP_LE,
	MC_OP_GT,
	MC_OP_GE,
	MC_OP_IN,
	MC_OP_NOT_IN,
	MC_OP_MATCHES,
	MC_OP_EXISTS,
	MC_OP_SUPERSET,
	MC_OP_SUBSET,
	MC_OP_DISJOINT,   /* `compare` only */
	MC_OP_COUNT
} mc_op;

/* What an operator takes in a condition. */
typedef enum mc_operand_kind {
	MC_OPERAND_NONE,     /* not a condition operator */
	MC_OPERAND_VALUE,    /* a scalar or a $path */
	MC_OPERAND_LIST,     /* a list of scalars or a $path */
	MC_OPERAND_PATTERN,  /* a pattern string */
	MC_OPERAND_BOOL      /* true or false */
} mc_operand_kind;

/* How an operator is decided (the subject or target on the left). */
typedef enum mc_op_eval {
	MC_EVAL_EQUAL,     /* equal values (ne: negated) */
	MC_EVAL_ORDER,     /* an ordering, read through `order` */
	MC_EVAL_MEMBER,    /* one of a list (not_in: negated) */
	MC_EVAL_MATCH,     /* matches a pattern */
	MC_EVAL_EXISTS,    /* has a value */
	MC_EVAL_SUPERSET,  /* holds every member of the other */
	MC_EVAL_SUBSET,    /* holds only members of the other */
	MC_EVAL_DISJOINT   /* shares no member with the other */
} mc_op_eval;

/* Bits of `order`: the comparisons (left against right) that hold. */
#define MC_ORDER_LESS 1u
#define MC_ORDER_SAME 2u
#define MC_ORDER_MORE 4u

/* Bit of a field type in `fits`. */
#define MC_FT_BIT(t) (1u << (t))

typedef struct mc_op_info {
	const char *name;        /* as written in policies: "ge" */
	uint8_t operand;         /* mc_operand_kind */
	uint8_t eval;            /* mc_op_eval */
	bool negated;            /* ne, not_in: the opposite of eval */
	uint8_t order;           /* MC_ORDER_* bits of the comparisons that
	                            hold, for equal and ordered operators */
	uint8_t fits;            /* MC_FT_BIT of the field types `compare`
	                            takes it for; 0: not a `compare` operator */
	const char *needs;       /* why a field type does not fit:
	                            " (it needs a set)" */
	/* Phrases. */
	const char *expected;    /* a failed condition: "expected at least " */
	const char *words;       /* a condition in words, before a literal:
	                            "is at least" */
	const char *words_ref;   /* ... and before a $path */
	const char *plan;        /* a plan's reason: "at least" */
	const char *message;     /* a `compare` entry's default message */
	const char *set_detail;  /* a failed set `compare`, before the members
	                            that make the difference: "on both: " */
} mc_op_info;

/* The operator table, indexed by mc_op. */
extern const mc_op_info mc_ops[MC_OP_COUNT];

/* The operator's row; op must be an mc_op. */
static inline const mc_op_info *
mc_op_info_of(unsigned op)
{
	return &mc_ops[op];
}

/* The operator's name as written in policies ("ge"), or "?". */
const char *mc_op_name(unsigned op);

/* The operator named name, into *op; false when there is none. */
bool mc_op_lookup(const char *name, mc_op *op);

/* Whether a comparison whose result is cmp (<0, 0, >0: left against
 * right) satisfies operator row o, for equal and ordered operators. */
static inline bool
mc_op_orders(const mc_op_info *o, int cmp)
{
	return (o->order & (cmp < 0 ? MC_ORDER_LESS : cmp > 0 ? MC_ORDER_MORE
			    : MC_ORDER_SAME)) != 0;
}

/* Which operators a list of names holds. */
typedef enum mc_op_use {
	MC_OP_USE_COND,     /* those of conditions */
	MC_OP_USE_COMPARE   /* those of `compare` */
} mc_op_use;

/* Writes the names of the operators of `use`, in table order, separated
 * by sep, into out (size bytes, always terminated): "eq ne lt ...".
 * Returns out. */
char *mc_op_names(char *out, size_t size, mc_op_use use, const char *sep);

#endif
