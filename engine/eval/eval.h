/* SPDX-License-Identifier: MIT */
/*
 * eval.h - evaluating one VM against one target host, allocation-free.
 *
 * The steps are those of the policy language: host requirements, relaxations,
 * match, compare, rules, verdict, rating; remedies re-run them on a copy of
 * the VM's values. Everything is read from the fleet's bound values and the
 * compiled policy; a context holds the scratch space, made once per thread.
 */
#ifndef MC_EVAL_H
#define MC_EVAL_H

#include "eval/fleet.h"
#include "eval/fit.h"
#include "lua/luarule.h"

/* The checks of the policy language: a host requirement, a relaxation, a
 * kind's match or compare entry, a rule, a preference, and a resource of
 * `placement` (index: its mc_resource). A pair evaluates them in that
 * order, placement after the rules. Violations, traces and mc_eval_check
 * name them so. */
typedef enum mc_check_type {
	MC_CHECK_HOST,
	MC_CHECK_RELAX,
	MC_CHECK_MATCH,
	MC_CHECK_COMPARE,
	MC_CHECK_RULE,
	MC_CHECK_PREFER,
	MC_CHECK_PLACE
} mc_check_type;

typedef enum mc_vio_status {
	MC_VS_FAILED,        /* the check does not hold */
	MC_VS_SOURCE_BAD,    /* the source's field value is missing or malformed */
	MC_VS_TARGET_BAD,    /* the target's field value is missing or malformed */
	MC_VS_UNKNOWN        /* a condition or a Lua rule could not be decided */
} mc_vio_status;

/* One violation as evaluation records it; reports turn it into words. */
typedef struct mc_vio {
	uint8_t check;    /* mc_check_type */
	uint8_t status;   /* mc_vio_status */
	uint32_t index;   /* host requirement, match or compare entry of the
	                     kind, or rule */
	mc_why why;       /* for conditions */
} mc_vio;

typedef struct mc_pair_result {
	bool allowed;
	uint8_t rating_halves;  /* 0..10 */
	uint64_t held;          /* the weight of the preferences that hold */
	uint64_t relaxed;       /* relaxations that applied */
	size_t nvio;
	mc_vio *vio;            /* room for policy->max_violations */
} mc_pair_result;

/* What a trace records of one check (see mc_ctx_trace). */
typedef struct mc_trace_rec {
	uint8_t check;    /* mc_check_type */
	uint8_t outcome;  /* mc_trace_outcome */
	uint32_t index;   /* as in mc_vio */
	mc_why why;       /* for conditions */
} mc_trace_rec;

typedef struct mc_ctx {
	const mc_fleet *fleet;
	mc_budget *budget;           /* what every Lua rule and match spends */
	mc_budget *own_budget;       /* budget, when the context made it */
	mc_matcher matcher;
	mc_lua *lua;                 /* the Lua rules' sandbox, or NULL */
	mc_trace_rec *trace;         /* when tracing: every check of the last
	                                mc_eval_pair, in order */
	size_t ntrace, captrace;
	const mc_node **vm_scratch;  /* a VM's values with a remedy applied */
	/* When not NULL: host requirements and rules not evaluated (a
	 * matrix of hosts leaves out those that read the VM). */
	const uint8_t *skip_host;
	const uint8_t *skip_rule;
	bool skip_place;             /* placement not evaluated (it reads the
	                                VM) */
	mc_vio *vio_scratch;
} mc_ctx;

/* The VM of an evaluation: its path values, its record, and the remedy
 * applied to both (or NULL). */
typedef struct mc_vmview {
	const mc_node *const *vals;
	const mc_node *record;
	const mc_remedy *remedy;
} mc_vmview;

/* Makes the context record every check mc_eval_pair evaluates (not those
 * of remedies) in ctx->trace. */
int mc_ctx_trace(mc_ctx *ctx);

/* The VM view of VM number vm of the fleet, as it is. */
mc_vmview mc_ctx_vm(const mc_ctx *ctx, size_t vm);

/* Makes a context spending `budget` (NULL: a budget of its own, of the
 * fleet's limits). */
int mc_ctx_init(mc_ctx *ctx, const mc_fleet *fleet, mc_budget *budget);
void mc_ctx_release(mc_ctx *ctx);

/* The environment for conditions on (vm, source, target). */
mc_env mc_ctx_env(mc_ctx *ctx, const mc_node *const *vm, size_t source,
		  const size_t *target);

/*
 * Step 1: the first kind whose `when` holds for the VM (vm: its values, on
 * host source). Returns its index; -1 when none holds; -2 when a `when`
 * could not be decided (*why says which value; *kind is that kind).
 */
int mc_select_kind(mc_ctx *ctx, const mc_node *const *vm, size_t source,
		   mc_why *why, int *kind);

/* Says in out why step 1 gave no kind for VM vm: sel is what
 * mc_select_kind returned (-1 or -2), with its kind and why. */
void mc_no_kind_words(mc_ctx *ctx, mc_buf *out, size_t vm, int sel, int kind,
		      const mc_why *why);

/* Steps 3 to 9 for kind on (vm, source, target); out->vio must have room
 * for policy->max_violations. */
void mc_eval_pair(mc_ctx *ctx, const mc_vmview *vm, size_t source,
		  size_t target, int kind, mc_pair_result *out);

/* A check that holds (a relaxation or a preference that applies). */
#define MC_ONE_PASSED (-1)

/*
 * Evaluates one check on (vm, source, target), as mc_eval_pair does for
 * each: MC_ONE_PASSED, or the mc_vio_status of the violation it gives (for
 * a relaxation or a preference, MC_VS_FAILED when it does not apply). The
 * index is that of a host requirement, relaxation, rule or preference of
 * the policy, or of a match or compare entry of the kind. Relaxations are
 * not applied: the caller leaves out a field check they drop.
 */
int mc_eval_check(mc_ctx *ctx, const mc_vmview *vm, size_t source,
		  size_t target, int kind, mc_check_type check, size_t index);

/* The rating of a move whose preferences of total weight `held` hold, in
 * half stars: 2 + 8 * held / total, rounded (halves up); 10 when the
 * policy has no preferences. */
uint8_t mc_rating_halves(const mc_policy *p, uint64_t held);

/* The rating of a move that `placement` rates and the VM fits: score
 * (0 to 1, eval/fit.h) and the preferences' held weight, weighed by the
 * placement's weight against the preferences' total: 1 + 4 * x stars in
 * half stars, x = (weight * score + held) / (weight + total). */
uint8_t mc_rating_placed(const mc_policy *p, double score, uint64_t held);

/*
 * Step 10: passes[r] is set for each remedy r that makes the move of VM vm
 * to target, evaluated as `kind`, allowed. A remedy that changes what the
 * kinds read (the VM's state, its checkpoints) is evaluated with the kind
 * the changed VM selects; any other remedy keeps `kind`, so that a remedy
 * never answers a question about another kind of move than the one asked.
 */
void mc_eval_remedies(mc_ctx *ctx, size_t vm, size_t target, int kind,
		      bool *passes);

#endif
