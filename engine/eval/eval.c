/* SPDX-License-Identifier: MIT */
/*
 * eval.c - the evaluation of a pair.
 */
#include "eval/eval.h"

#include <stdlib.h>
#include <string.h>

#include "load/value.h"

int
mc_ctx_init(mc_ctx *ctx, const mc_fleet *fleet, mc_budget *budget)
{
	const mc_policy *p = fleet->policy;

	memset(ctx, 0, sizeof(*ctx));
	ctx->fleet = fleet;
	if (!budget && mc_budget_new(&ctx->own_budget, &fleet->limits) != MC_OK)
		return MC_ENOMEM;
	ctx->budget = budget ? budget : ctx->own_budget;
	ctx->vm_scratch = calloc(fleet->nvm_paths + 1, sizeof(*ctx->vm_scratch));
	ctx->vio_scratch = calloc(p->max_violations + 1, sizeof(*ctx->vio_scratch));
	if (!ctx->vm_scratch || !ctx->vio_scratch ||
	    mc_matcher_init(&ctx->matcher, &fleet->limits) < 0 ||
	    (p->has_lua && mc_lua_new(&ctx->lua, p, ctx->budget) != MC_OK)) {
		mc_ctx_release(ctx);
		return MC_ENOMEM;
	}
	ctx->matcher.budget = ctx->budget;
	return MC_OK;
}

int
mc_ctx_trace(mc_ctx *ctx)
{
	const mc_policy *p = ctx->fleet->policy;
	size_t most = 0;

	for (size_t k = 0; k < p->nkinds; k++) {
		size_t n = p->checks[k].nmatch + p->checks[k].ncompare;
		if (n > most)
			most = n;
	}
	ctx->captrace = p->nhost_require + p->nrelax + most + p->nrules +
			p->nprefer + (p->placement.on ? MC_NRES : 0);
	ctx->trace = calloc(ctx->captrace + 1, sizeof(*ctx->trace));
	ctx->ntrace = 0;
	return ctx->trace ? MC_OK : MC_ENOMEM;
}

/* Records a check for a trace, when one is kept. */
static void
note(mc_ctx *ctx, mc_check_type check, mc_trace_outcome outcome, size_t index,
     const mc_why *why)
{
	mc_trace_rec *r;

	if (!ctx->trace || ctx->ntrace >= ctx->captrace)
		return;
	r = &ctx->trace[ctx->ntrace++];
	r->check = (uint8_t)check;
	r->outcome = (uint8_t)outcome;
	r->index = (uint32_t)index;
	if (why)
		r->why = *why;
	else
		r->why.leaf = NULL;
}

/* What a trace says of a check that came out as st. */
static mc_trace_outcome
outcome(mc_check_type check, int st)
{
	if (check == MC_CHECK_RELAX || check == MC_CHECK_PREFER)
		return st == MC_ONE_PASSED ? MC_TRACE_APPLIED : MC_TRACE_NOT_APPLIED;
	return st == MC_ONE_PASSED ? MC_TRACE_PASSED : st == MC_VS_FAILED
	       ? MC_TRACE_FAILED : MC_TRACE_UNDECIDED;
}

mc_vmview
mc_ctx_vm(const mc_ctx *ctx, size_t vm)
{
	mc_vmview v;

	v.vals = mc_fleet_vm_values(ctx->fleet, vm);
	v.record = ctx->fleet->inv->vms[vm].node;
	v.remedy = NULL;
	return v;
}

void
mc_ctx_release(mc_ctx *ctx)
{
	mc_matcher_release(&ctx->matcher);
	mc_lua_free(ctx->lua);
	ctx->lua = NULL;
	free(ctx->trace);
	ctx->trace = NULL;
	free(ctx->vm_scratch);
	free(ctx->vio_scratch);
	ctx->vm_scratch = NULL;
	ctx->vio_scratch = NULL;
	mc_budget_free(ctx->own_budget);
	ctx->own_budget = NULL;
	ctx->budget = NULL;
}

mc_env
mc_ctx_env(mc_ctx *ctx, const mc_node *const *vm, size_t source,
	   const size_t *target)
{
	mc_env env;

	env.vm = vm;
	env.source = mc_fleet_host_values(ctx->fleet, source);
	env.target = target ? mc_fleet_host_values(ctx->fleet, *target) : NULL;
	env.matcher = &ctx->matcher;
	return env;
}

int
mc_select_kind(mc_ctx *ctx, const mc_node *const *vm, size_t source,
	       mc_why *why, int *kind)
{
	const mc_policy *p = ctx->fleet->policy;
	mc_env env = mc_ctx_env(ctx, vm, source, NULL);

	for (size_t k = 0; k < p->nkinds; k++) {
		mc_tv tv;

		if (!p->kinds[k].when)
			return (int)k;
		tv = mc_cond_eval(p->kinds[k].when, &env, why);
		if (tv == MC_TRUE)
			return (int)k;
		if (tv == MC_UNKNOWN) {
			*kind = (int)k;
			return -2;
		}
	}
	return -1;
}

void
mc_no_kind_words(mc_ctx *ctx, mc_buf *out, size_t vm, int sel, int kind,
		 const mc_why *why)
{
	const mc_fleet *f = ctx->fleet;
	const mc_policy *p = f->policy;
	const mc_vm_rec *rec = &f->inv->vms[vm];

	if (sel == -2) {
		mc_env env = mc_ctx_env(ctx, mc_fleet_vm_values(f, vm), rec->host, NULL);

		mc_buf_addf(out, "cannot tell whether kind '%s' of policy '%s' "
			    "applies to VM '%s': ", p->kinds[kind].name, p->name,
			    rec->name);
		mc_cond_describe(out, why, &env);
		return;
	}
	mc_buf_addf(out, "VM '%s' is in state '%s', which no kind of policy '%s' "
		    "covers (kinds: ", rec->name, rec->state, p->name);
	for (size_t k = 0; k < p->nkinds; k++)
		mc_buf_addf(out, "%s%s", k ? ", " : "", p->kinds[k].name);
	mc_buf_addf(out, ")");
}

static bool
fval_equal(const mc_field *fd, const mc_fval *a, const mc_fval *b)
{
	switch (fd->type) {
	case MC_FT_INTEGER:
	case MC_FT_BOOLEAN:
		return a->num == b->num;
	case MC_FT_VERSION:
		return mc_version_cmp(a->text, a->len, b->text, b->len) == 0;
	case MC_FT_SET:
		return a->count == b->count &&
		       memcmp(a->items, b->items, a->count * sizeof(*a->items)) == 0;
	default:
		return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
	}
}

/* Sets sorted by address: does sup hold every member of sub? */
static bool
set_within(const mc_fval *sub, const mc_fval *sup)
{
	size_t j = 0;

	if (sub->count > sup->count)
		return false;
	for (size_t i = 0; i < sub->count; i++) {
		while (j < sup->count && (uintptr_t)sup->items[j] < (uintptr_t)sub->items[i])
			j++;
		if (j == sup->count || sup->items[j] != sub->items[i])
			return false;
		j++;
	}
	return true;
}

static bool
set_disjoint(const mc_fval *a, const mc_fval *b)
{
	size_t i = 0, j = 0;

	while (i < a->count && j < b->count) {
		if (a->items[i] == b->items[j])
			return false;
		if ((uintptr_t)a->items[i] < (uintptr_t)b->items[j])
			i++;
		else
			j++;
	}
	return true;
}

/* target OP source */
static bool
compare_holds(const mc_field *fd, unsigned op, const mc_fval *tgt,
	      const mc_fval *src)
{
	const mc_op_info *o = mc_op_info_of(op);
	int c;

	switch (o->eval) {
	case MC_EVAL_EQUAL:
		return fval_equal(fd, tgt, src) != o->negated;
	case MC_EVAL_SUPERSET:
		return set_within(src, tgt);
	case MC_EVAL_SUBSET:
		return set_within(tgt, src);
	case MC_EVAL_DISJOINT:
		return set_disjoint(tgt, src);
	default:
		break;
	}
	if (fd->type == MC_FT_INTEGER)
		c = (tgt->num > src->num) - (tgt->num < src->num);
	else
		c = mc_version_cmp(tgt->text, tgt->len, src->text, src->len);
	return mc_op_orders(o, c);
}

/* A field check's values: MC_ONE_PASSED when both are usable. */
static int
field_status(const mc_fval *src, const mc_fval *tgt)
{
	if (src->status != MC_FV_OK)
		return MC_VS_SOURCE_BAD;
	if (tgt->status != MC_FV_OK)
		return MC_VS_TARGET_BAD;
	return MC_ONE_PASSED;
}

static int
tv_status(mc_tv tv)
{
	return tv == MC_TRUE ? MC_ONE_PASSED : tv == MC_FALSE ? MC_VS_FAILED
	       : MC_VS_UNKNOWN;
}

/* A field check, target OP source: MC_ONE_PASSED or its status. */
static inline int
field_check(const mc_fleet *f, uint32_t fi, unsigned op, size_t source,
	    size_t target)
{
	const mc_fval *s = mc_fleet_source_field(f, source, fi);
	const mc_fval *t = mc_fleet_field(f, target, fi);
	int st = field_status(s, t);

	if (st != MC_ONE_PASSED)
		return st;
	if (op == MC_OP_EQ)      /* every match and field preference */
		return fval_equal(&f->policy->fields[fi], t, s) ? MC_ONE_PASSED
		       : MC_VS_FAILED;
	return compare_holds(&f->policy->fields[fi], op, t, s) ? MC_ONE_PASSED
	       : MC_VS_FAILED;
}

/* What a resource's placement comes to, as a check's status. */
static int
place_vio_status(uint8_t st)
{
	switch (st) {
	case MC_FIT_SHORT:
		return MC_VS_FAILED;
	case MC_FIT_HOST_BAD:
		return MC_VS_TARGET_BAD;
	case MC_FIT_VM_BAD:
		return MC_VS_UNKNOWN;
	default:
		return MC_ONE_PASSED;
	}
}

static int
place_status(const mc_policy *p, const mc_vmview *vm,
	     const mc_node *const *host, size_t r)
{
	mc_fit pc;

	mc_fit_eval(&p->placement, vm->vals, host, &pc);
	return place_vio_status(pc.status[r]);
}

/*
 * The one evaluation of a check (see mc_eval_check) of kind checks kc, in
 * env. *why is set to the leaf that decided a condition (leaf NULL for
 * other checks).
 */
static inline int
check_one(mc_ctx *ctx, const mc_vmview *vm, const mc_env *env, size_t source,
	  size_t target, const mc_kind_checks *kc, mc_check_type check,
	  size_t index, mc_why *why)
{
	const mc_fleet *f = ctx->fleet;
	const mc_policy *p = f->policy;
	const mc_rule *r;
	const mc_prefer *pr;

	why->leaf = NULL;
	why->reason = 0;
	switch (check) {
	case MC_CHECK_HOST:
		return tv_status(mc_cond_eval(p->host_require[index].cond, env, why));
	case MC_CHECK_RELAX:
		return mc_cond_eval(p->relax[index].when, env, why) == MC_TRUE
		       ? MC_ONE_PASSED : MC_VS_FAILED;
	case MC_CHECK_MATCH:
		return field_check(f, kc->match[index].field, MC_OP_EQ, source,
				   target);
	case MC_CHECK_COMPARE:
		return field_check(f, kc->compare[index].field,
				   kc->compare[index].op, source, target);
	case MC_CHECK_RULE:
		r = &p->rules[index];
		if (r->require)
			return tv_status(mc_cond_eval(r->require, env, why));
		switch (mc_lua_rule(ctx->lua, index, vm->record, vm->remedy,
				    f->inv->hosts[source].node,
				    f->inv->hosts[target].node, NULL)) {
		case MC_LUA_HELD:
			return MC_ONE_PASSED;
		case MC_LUA_FAILED:
			return MC_VS_FAILED;
		default:
			return MC_VS_UNKNOWN;
		}
	case MC_CHECK_PLACE:
		return place_status(p, vm, mc_fleet_host_values(f, target), index);
	default:
		pr = &p->prefer[index];
		if (pr->field < 0)
			return mc_cond_eval(pr->when, env, why) == MC_TRUE
			       ? MC_ONE_PASSED : MC_VS_FAILED;
		return field_check(f, (uint32_t)pr->field, MC_OP_EQ, source, target)
		       == MC_ONE_PASSED ? MC_ONE_PASSED : MC_VS_FAILED;
	}
}

static void
add_vio(mc_pair_result *out, mc_check_type check, int status, size_t index,
	const mc_why *why)
{
	mc_vio *v = &out->vio[out->nvio++];

	v->check = (uint8_t)check;
	v->status = (uint8_t)status;
	v->index = (uint32_t)index;
	v->why = *why;
}

/* Evaluates a check of a pair, notes it in the trace and, when it is a
 * violation, in out. Returns MC_ONE_PASSED or its status. */
static inline int
run_check(mc_ctx *ctx, const mc_vmview *vm, const mc_env *env, size_t source,
	  size_t target, const mc_kind_checks *kc, mc_check_type check,
	  size_t index, mc_pair_result *out)
{
	mc_why why;
	int st = check_one(ctx, vm, env, source, target, kc, check, index, &why);

	if (ctx->trace)
		note(ctx, check, outcome(check, st), index, &why);
	if (st != MC_ONE_PASSED && check != MC_CHECK_RELAX &&
	    check != MC_CHECK_PREFER)
		add_vio(out, check, st, index, &why);
	return st;
}

uint8_t
mc_rating_halves(const mc_policy *p, uint64_t held)
{
	if (p->prefer_total == 0)
		return 10;
	/* 1 + 4 * held / total stars, to the nearest half star (halves up):
	 * in half stars, 2 + 8 * held / total, rounded. */
	return (uint8_t)(2 + (16 * held + p->prefer_total) /
			 (2 * (uint64_t)p->prefer_total));
}

uint8_t
mc_rating_placed(const mc_policy *p, double score, uint64_t held)
{
	double w = p->placement.weight;
	double x = (w * score + (double)held) / (w + p->prefer_total);

	/* 1 + 4 * x stars to the nearest half star, as mc_rating_halves; the
	 * small term keeps a tie that arithmetic lands just below it. */
	return (uint8_t)(2 + (int)(8 * x + 0.5 + 1e-9));
}

/* Places the VM on the target: a violation for each resource that does
 * not pass (a shortfall only when the policy refuses it), and the score.
 * Returns whether the VM fits. */
static bool
place(mc_ctx *ctx, const mc_vmview *vm, size_t target, mc_pair_result *out,
      double *score)
{
	const mc_placement *pl = &ctx->fleet->policy->placement;
	const mc_why none = {0};
	mc_fit pc;

	mc_fit_eval(pl, vm->vals, mc_fleet_host_values(ctx->fleet, target), &pc);
	for (size_t r = 0; r < MC_NRES; r++) {
		int st = place_vio_status(pc.status[r]);

		if (pc.status[r] == MC_FIT_IGNORED)
			continue;
		if (pc.status[r] == MC_FIT_FITS) {
			note(ctx, MC_CHECK_PLACE, MC_TRACE_PASSED, r, NULL);
			continue;
		}
		if (pc.status[r] == MC_FIT_OVER ||
		    (pc.status[r] == MC_FIT_SHORT && !pl->refuse)) {
			note(ctx, MC_CHECK_PLACE, MC_TRACE_NOT_APPLIED, r, NULL);
			continue;
		}
		note(ctx, MC_CHECK_PLACE, outcome(MC_CHECK_PLACE, st), r, NULL);
		add_vio(out, MC_CHECK_PLACE, st, r, &none);
	}
	*score = pc.score;
	return pc.fits;
}

void
mc_eval_pair(mc_ctx *ctx, const mc_vmview *vm, size_t source,
	     size_t target, int kind, mc_pair_result *out)
{
	const mc_policy *p = ctx->fleet->policy;
	const mc_kind_checks *kc = &p->checks[kind];
	mc_env env = mc_ctx_env(ctx, vm->vals, source, &target);
	uint64_t dropped = 0, held = 0;
	bool placed = p->placement.on && (p->placement.kinds & (1u << kind)) &&
		      !ctx->skip_place, fits = true;
	double score = 0;

	out->nvio = 0;
	out->relaxed = 0;
	out->rating_halves = 0;
	out->held = 0;
	ctx->ntrace = 0;

	for (size_t i = 0; i < p->nhost_require; i++) {
		if (!(ctx->skip_host && ctx->skip_host[i]))
			run_check(ctx, vm, &env, source, target, kc, MC_CHECK_HOST, i,
				  out);
	}
	for (size_t i = 0; i < p->nrelax; i++) {
		if (run_check(ctx, vm, &env, source, target, kc, MC_CHECK_RELAX, i,
			      out) == MC_ONE_PASSED) {
			dropped |= p->relax[i].drop;
			out->relaxed |= (uint64_t)1 << i;
		}
	}
	for (size_t i = 0; i < kc->nmatch; i++) {
		if (dropped & ((uint64_t)1 << kc->match[i].field))
			note(ctx, MC_CHECK_MATCH, MC_TRACE_DROPPED, i, NULL);
		else
			run_check(ctx, vm, &env, source, target, kc, MC_CHECK_MATCH, i,
				  out);
	}
	for (size_t i = 0; i < kc->ncompare; i++) {
		if (dropped & ((uint64_t)1 << kc->compare[i].field))
			note(ctx, MC_CHECK_COMPARE, MC_TRACE_DROPPED, i, NULL);
		else
			run_check(ctx, vm, &env, source, target, kc, MC_CHECK_COMPARE,
				  i, out);
	}
	for (size_t i = 0; i < p->nrules; i++) {
		if ((p->rules[i].kinds & (1u << kind)) &&
		    !(ctx->skip_rule && ctx->skip_rule[i]))
			run_check(ctx, vm, &env, source, target, kc, MC_CHECK_RULE, i,
				  out);
	}

	if (placed)
		fits = place(ctx, vm, target, out, &score);

	out->allowed = out->nvio == 0;
	if (!out->allowed)
		return;
	for (size_t i = 0; p->prefer_total && i < p->nprefer; i++) {
		if (run_check(ctx, vm, &env, source, target, kc, MC_CHECK_PREFER, i,
			      out) == MC_ONE_PASSED)
			held += p->prefer[i].weight;
	}
	out->held = held;
	/* A VM that does not fit where the policy lets it in anyway rates
	 * zero stars. */
	out->rating_halves = !placed ? mc_rating_halves(p, held)
			     : fits ? mc_rating_placed(p, score, held) : 0;
}

int
mc_eval_check(mc_ctx *ctx, const mc_vmview *vm, size_t source, size_t target,
	      int kind, mc_check_type check, size_t index)
{
	mc_env env = mc_ctx_env(ctx, vm->vals, source, &target);
	mc_why why;

	return check_one(ctx, vm, &env, source, target,
			 &ctx->fleet->policy->checks[kind], check, index, &why);
}

void
mc_eval_remedies(mc_ctx *ctx, size_t vm, size_t target, int kind,
		 bool *passes)
{
	const mc_fleet *f = ctx->fleet;
	const mc_policy *p = f->policy;
	const mc_node *const *vals = mc_fleet_vm_values(f, vm);
	size_t source = f->inv->vms[vm].host;
	mc_vmview changed = {ctx->vm_scratch, f->inv->vms[vm].node, NULL};
	mc_trace_rec *trace = ctx->trace;
	size_t ntrace = ctx->ntrace;
	mc_pair_result res;

	/* A remedy's evaluation is not part of the trace of the move. */
	ctx->trace = NULL;
	res.vio = ctx->vio_scratch;
	for (size_t r = 0; r < p->nremedies; r++) {
		const mc_remedy *rem = &p->remedies[r];
		mc_why why;
		int k = kind, unknown;

		memcpy(ctx->vm_scratch, vals, f->nvm_paths * sizeof(*vals));
		for (size_t i = 0; i < rem->nset; i++)
			ctx->vm_scratch[rem->set[i].vm_path] = rem->set[i].value;
		passes[r] = false;
		if (rem->reselects_kind &&
		    (k = mc_select_kind(ctx, ctx->vm_scratch, source, &why, &unknown)) < 0)
			continue;
		changed.remedy = rem;
		mc_eval_pair(ctx, &changed, source, target, k, &res);
		passes[r] = res.allowed;
	}
	ctx->trace = trace;
	ctx->ntrace = ntrace;
}
