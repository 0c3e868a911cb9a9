/* SPDX-License-Identifier: MIT */
/*
 * check.c - mc_check(): one VM against every candidate host, with each
 * verdict put into words.
 *
 * Evaluation records violations as indexes; this module renders them once
 * per reported host: the policy's message with its placeholders filled, the
 * values on both sides, what a condition found, and where in the policy the
 * check is written. Every string of a result lives in the result's arena.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/diag.h"
#include "eval/keep.h"
#include "eval/eval.h"
#include "load/node.h"
#include "load/value.h"

typedef struct renderer {
	mc_ctx ctx;
	mc_check_result *res;
	mc_buf buf;
	bool nomem;
	/* The VM's host's field values, each put into words once: they are
	 * the same for every host it is checked against. */
	mc_value *source;
	bool *have_source;
	mc_keep_cache values;  /* the large values kept, shared by hosts */
} renderer;

static const char *
keep(renderer *r, const char *s)
{
	return mc_keep(mc_owned_arena(r->res), &r->nomem, s);
}

/* Keeps the buffer's text and empties the buffer. */
static const char *
keep_buf(renderer *r)
{
	return mc_keep_buf(mc_owned_arena(r->res), &r->nomem, &r->buf);
}

static mc_location
location(renderer *r, const mc_node *n)
{
	return mc_keep_location(mc_owned_arena(r->res), &r->nomem, n);
}

/* A bound field value as a public value, kept in the result. */
static mc_value
value_of(renderer *r, const mc_field *fd, const mc_fval *fv)
{
	return mc_keep_fval(mc_owned_arena(r->res), &r->nomem, &r->buf,
			    &r->values, fd, fv);
}

/* The value of field fi on the VM's host (fv), put into words the first
 * time it is asked for. */
static mc_value
source_value(renderer *r, size_t fi, const mc_fval *fv)
{
	if (!r->have_source[fi]) {
		r->source[fi] = value_of(r, &r->ctx.fleet->policy->fields[fi], fv);
		r->have_source[fi] = !r->nomem;
	}
	return r->source[fi];
}

/* The members of set a that set b holds too (common) or lacks (!common),
 * into the buffer. Both are sorted by text: one merge. */
static void
write_members(renderer *r, const mc_value *a, const mc_value *b, bool common)
{
	size_t shown = 0, j = 0;

	for (size_t i = 0; i < a->count; i++) {
		int c = 1;

		while (j < b->count && (c = strcmp(b->items[j], a->items[i])) < 0)
			j++;
		if ((j < b->count && c == 0) == common)
			mc_buf_addf(&r->buf, "%s%s", shown++ ? ", " : "", a->items[i]);
	}
}

static const char *
host_name(const mc_fleet *f, size_t h)
{
	return f->inv->hosts[h].name;
}

/* The message for a field value that is missing or unusable: on host, or
 * with source, on the VM's host -- or on host of its cluster (member). */
static void
write_bad_field(renderer *r, const mc_field *fd, const mc_fval *fv,
		const char *host, bool source, const char *member)
{
	mc_buf *b = &r->buf;

	if (member)
		mc_buf_addf(b, "Host %s, of the cluster of the VM's host %s, ",
			    member, host);
	else
		mc_buf_addf(b, "%s %s ", source ? "The VM's host" : "Host", host);
	switch (fv->status) {
	case MC_FV_MISSING:
		mc_buf_addf(b, "has no value at %s (field %s).", fd->from.text,
			    fd->name);
		return;
	case MC_FV_LIMIT:
		mc_buf_addf(b, "has a value at %s that exceeded the pattern match "
			    "limit while being normalized (field %s; --limit "
			    "regex-match).", fd->from.text, fd->name);
		return;
	case MC_FV_RUN_LIMIT:
		mc_buf_addf(b, "has a value at %s that was not normalized: the "
			    "budget of pattern steps for normalizing the "
			    "inventory was spent (field %s; --limit regex-run).",
			    fd->from.text, fd->name);
		return;
	default:
		mc_buf_addf(b, "has %s = ", fd->from.text);
		mc_value_write(b, fv->node, true);
		if (fd->type == MC_FT_INTEGER && fv->node->kind == MC_NODE_SCALAR &&
		    (fv->node->flags & MC_NODE_BIGINT)) {
			mc_buf_addf(b, ", a whole number too large for 64 bits "
				    "(field %s).", fd->name);
			return;
		}
		mc_buf_addf(b, ", which is not %s (field %s).",
			    fd->type == MC_FT_INTEGER ? "a whole number"
			    : fd->type == MC_FT_BOOLEAN ? "true or false"
			    : fd->type == MC_FT_VERSION ? "a version such as 6.3.9600"
			    : fd->type == MC_FT_SET ? "a list of values" : "a value",
			    fd->name);
		return;
	}
}

static void
render_field_vio(renderer *r, mc_violation *out, const mc_vio *v,
		 const mc_env *env, int kind, size_t src, size_t tgt)
{
	const mc_fleet *f = r->ctx.fleet;
	const mc_policy *p = f->policy;
	const mc_kind_checks *kc = &p->checks[kind];
	bool match = v->check == MC_CHECK_MATCH;
	uint32_t fi = match ? kc->match[v->index].field : kc->compare[v->index].field;
	const mc_field *fd = &p->fields[fi];
	const mc_fval *fs = mc_fleet_source_field(f, src, fi);
	const mc_fval *ft = mc_fleet_field(f, tgt, fi);
	const mc_compare_check *cc = match ? NULL : &kc->compare[v->index];

	mc_buf_addf(&r->buf, "%s.%s", match ? "match" : "compare", fd->name);
	out->rule = keep_buf(r);
	out->field = keep(r, fd->name);
	out->source = source_value(r, fi, fs);
	out->target = value_of(r, fd, ft);
	out->at = location(r, match ? kc->match[v->index].at : cc->at);
	if (v->status == MC_VS_SOURCE_BAD || v->status == MC_VS_TARGET_BAD) {
		bool s = v->status == MC_VS_SOURCE_BAD;
		size_t from = mc_fleet_source_host(f, src, fi);

		write_bad_field(r, fd, s ? fs : ft, host_name(f, s ? src : tgt), s,
				s && from != src ? host_name(f, from) : NULL);
		out->message = keep_buf(r);
		return;
	}
	mc_template_render(&r->buf, match ? p->match_message : cc->message, env,
			   fd->name, out->source.text, out->target.text);
	out->message = keep_buf(r);
	if (fd->type == MC_FT_SET && cc) {
		/* Name the members that make the difference: the source's
		 * that a superset lacks, else the target's. */
		const mc_op_info *op = mc_op_info_of(cc->op);
		bool lacks = op->eval == MC_EVAL_SUPERSET;

		if (op->set_detail) {
			mc_buf_adds(&r->buf, op->set_detail);
			write_members(r, lacks ? &out->source : &out->target,
				      lacks ? &out->target : &out->source,
				      op->eval == MC_EVAL_DISJOINT);
		}
		out->detail = r->buf.len ? keep_buf(r) : NULL;
	}
}

/*
 * A Lua rule's violation: evaluation kept no words, so the rule is run
 * again (rules are deterministic) to hear what it says: its message when
 * it returned false, or what went wrong.
 */
static void
render_lua(renderer *r, mc_violation *out, const mc_vio *v, const mc_env *env,
	   const mc_node *vm, size_t src, size_t tgt)
{
	const mc_fleet *f = r->ctx.fleet;
	const mc_rule *rule = &f->policy->rules[v->index];
	const char *target = host_name(f, tgt);
	mc_buf said = MC_BUF_INIT;

	mc_lua_rule(r->ctx.lua, v->index, vm, NULL, f->inv->hosts[src].node,
		    f->inv->hosts[tgt].node, &said);
	mc_buf_addf(&r->buf, "rule.%s", rule->id);
	out->rule = keep_buf(r);
	out->at = location(r, rule->at);
	if (v->status == MC_VS_FAILED && said.len) {
		out->message = keep(r, mc_buf_str(&said));
	} else if (v->status == MC_VS_FAILED) {
		mc_template_render(&r->buf, rule->message, env, NULL, NULL, NULL);
		out->message = keep_buf(r);
	} else {
		out->detail = keep(r, mc_buf_str(&said));
		mc_buf_addf(&r->buf, "Cannot check rule %s on host %s: %s.", rule->id,
			    target, mc_buf_str(&said));
		out->message = keep_buf(r);
	}
	if (mc_buf_failed(&said))
		r->nomem = true;
	mc_buf_free(&said);
}

/* A resource of `placement` that does not pass: "placement.memory", with
 * the numbers in words. */
static void
render_fit_vio(renderer *r, mc_violation *out, const mc_vio *v,
	       const mc_env *env, size_t tgt)
{
	const mc_fleet *f = r->ctx.fleet;
	const mc_placement *pl = &f->policy->placement;
	mc_fit fit;

	mc_fit_eval(pl, env->vm, mc_fleet_host_values(f, tgt), &fit);
	mc_buf_addf(&r->buf, "placement.%s", mc_resource_name(v->index));
	out->rule = keep_buf(r);
	out->at = location(r, pl->res_at[v->index]);
	mc_fit_why(&r->buf, pl, &fit, (mc_resource)v->index, host_name(f, tgt));
	out->message = keep_buf(r);
}

/* What placement found on a host that allows the move, for its verdict. */
static void
render_fit(renderer *r, mc_host_verdict *hv, const mc_vmview *vm, int kind,
	   size_t tgt)
{
	const mc_fleet *f = r->ctx.fleet;
	const mc_placement *pl = &f->policy->placement;
	mc_fit fit;

	if (!pl->on || !(pl->kinds & (1u << kind)) || !hv->allowed)
		return;
	mc_fit_eval(pl, vm->vals, mc_fleet_host_values(f, tgt), &fit);
	mc_fit_summary(&r->buf, pl, &fit);
	hv->placement = keep_buf(r);
}

static void
render_vio(renderer *r, mc_violation *out, const mc_vio *v, const mc_env *env,
	   const mc_node *vm, int kind, size_t src, size_t tgt)
{
	const mc_policy *p = r->ctx.fleet->policy;
	const char *target = host_name(r->ctx.fleet, tgt);

	memset(out, 0, sizeof(*out));
	if (v->check == MC_CHECK_MATCH || v->check == MC_CHECK_COMPARE) {
		render_field_vio(r, out, v, env, kind, src, tgt);
		return;
	}
	if (v->check == MC_CHECK_PLACE) {
		render_fit_vio(r, out, v, env, tgt);
		return;
	}
	if (v->check == MC_CHECK_RULE && !p->rules[v->index].require) {
		render_lua(r, out, v, env, vm, src, tgt);
		return;
	}
	mc_cond_describe(&r->buf, &v->why, env);
	out->detail = keep_buf(r);
	if (v->check == MC_CHECK_HOST) {
		mc_buf_addf(&r->buf, "host.%u", v->index + 1);
		out->rule = keep_buf(r);
		out->at = location(r, p->host_require[v->index].at);
		if (v->status == MC_VS_FAILED)
			mc_template_render(&r->buf, p->host_message, env, NULL, NULL, NULL);
		else
			mc_buf_addf(&r->buf, "Cannot tell whether host %s can take the "
				    "VM: %s.", target, out->detail ? out->detail : "");
		out->message = keep_buf(r);
		return;
	}
	const mc_rule *rule = &p->rules[v->index];
	mc_buf_addf(&r->buf, "rule.%s", rule->id);
	out->rule = keep_buf(r);
	out->at = location(r, rule->at);
	if (v->status == MC_VS_FAILED)
		mc_template_render(&r->buf, rule->message, env, NULL, NULL, NULL);
	else
		mc_buf_addf(&r->buf, "Cannot check rule %s on host %s: %s.", rule->id,
			    target, out->detail ? out->detail : "");
	out->message = keep_buf(r);
}

static void
render_relaxed(renderer *r, mc_host_verdict *hv, uint64_t relaxed)
{
	const mc_policy *p = r->ctx.fleet->policy;
	mc_relax_hit *hits;
	size_t n = 0;

	for (size_t i = 0; i < p->nrelax; i++)
		n += (relaxed >> i) & 1;
	if (!n)
		return;
	hits = mc_arena_calloc(mc_owned_arena(r->res), n, sizeof(*hits));
	if (!hits) {
		r->nomem = true;
		return;
	}
	n = 0;
	for (size_t i = 0; i < p->nrelax; i++) {
		const mc_relax *x = &p->relax[i];
		const char **dropped;
		size_t nd = 0;

		if (!((relaxed >> i) & 1))
			continue;
		dropped = mc_arena_calloc(mc_owned_arena(r->res), p->nfields + 1,
					  sizeof(*dropped));
		if (!dropped) {
			r->nomem = true;
			return;
		}
		for (size_t fi = 0; fi < p->nfields; fi++) {
			if (x->drop & ((uint64_t)1 << fi))
				dropped[nd++] = keep(r, p->fields[fi].name);
		}
		hits[n].note = keep(r, x->note);
		hits[n].dropped = dropped;
		hits[n].ndropped = nd;
		hits[n++].at = location(r, x->at);
	}
	hv->relaxed = hits;
	hv->nrelaxed = n;
}

static void
render_remedies(renderer *r, mc_host_verdict *hv, size_t vm, size_t tgt,
		int kind, bool *passes)
{
	const mc_policy *p = r->ctx.fleet->policy;
	mc_remedy_hit *hits;
	size_t n = 0;

	mc_eval_remedies(&r->ctx, vm, tgt, kind, passes);
	for (size_t i = 0; i < p->nremedies; i++)
		n += passes[i];
	if (!n)
		return;
	hits = mc_arena_calloc(mc_owned_arena(r->res), n, sizeof(*hits));
	if (!hits) {
		r->nomem = true;
		return;
	}
	n = 0;
	for (size_t i = 0; i < p->nremedies; i++) {
		if (!passes[i])
			continue;
		hits[n].id = keep(r, p->remedies[i].id);
		hits[n].says = keep(r, p->remedies[i].says);
		hits[n].warning = keep(r, p->remedies[i].warning);
		hits[n++].at = location(r, p->remedies[i].at);
	}
	hv->remedies = hits;
	hv->nremedies = n;
}

/* The trace of the last evaluation, as public entries. */
static void
render_trace(renderer *r, mc_host_verdict *hv, const mc_env *env, int kind,
	     size_t src, size_t tgt)
{
	const mc_fleet *f = r->ctx.fleet;
	const mc_policy *p = f->policy;
	const mc_kind_checks *kc = &p->checks[kind];
	mc_trace_entry *out;
	size_t n = r->ctx.ntrace;

	out = mc_arena_calloc(mc_owned_arena(r->res), n + 1, sizeof(*out));
	if (!out) {
		r->nomem = true;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const mc_trace_rec *t = &r->ctx.trace[i];
		mc_trace_entry *e = &out[i];
		const mc_node *at = NULL;
		int fi = -1;

		e->outcome = (mc_trace_outcome)t->outcome;
		switch (t->check) {
		case MC_CHECK_HOST:
			mc_buf_addf(&r->buf, "host.%u", t->index + 1);
			at = p->host_require[t->index].at;
			break;
		case MC_CHECK_RELAX:
			if (p->relax[t->index].id)
				mc_buf_addf(&r->buf, "relax.%s", p->relax[t->index].id);
			else
				mc_buf_addf(&r->buf, "relax.%u", t->index + 1);
			at = p->relax[t->index].at;
			break;
		case MC_CHECK_MATCH:
			fi = (int)kc->match[t->index].field;
			mc_buf_addf(&r->buf, "match.%s", p->fields[fi].name);
			at = kc->match[t->index].at;
			break;
		case MC_CHECK_COMPARE:
			fi = (int)kc->compare[t->index].field;
			mc_buf_addf(&r->buf, "compare.%s", p->fields[fi].name);
			at = kc->compare[t->index].at;
			break;
		case MC_CHECK_RULE:
			mc_buf_addf(&r->buf, "rule.%s", p->rules[t->index].id);
			at = p->rules[t->index].at;
			break;
		case MC_CHECK_PLACE:
			mc_buf_addf(&r->buf, "placement.%s",
				    mc_resource_name(t->index));
			at = p->placement.res_at[t->index];
			break;
		default:
			mc_buf_addf(&r->buf, "prefer.%u", t->index + 1);
			at = p->prefer[t->index].at;
			fi = p->prefer[t->index].field;
			break;
		}
		e->check = keep_buf(r);
		e->at = location(r, at);
		if (fi >= 0 && t->outcome != MC_TRACE_DROPPED) {
			e->source = source_value(r, (size_t)fi,
						 mc_fleet_source_field(f, src, (size_t)fi));
			e->target = value_of(r, &p->fields[fi], mc_fleet_field(f, tgt, (size_t)fi));
		}
		if (t->why.leaf) {
			mc_cond_describe(&r->buf, &t->why, env);
			e->detail = keep_buf(r);
		}
	}
	hv->trace = out;
	hv->ntrace = n;
}

static int
verdict_cmp(const void *a, const void *b)
{
	const mc_host_verdict *x = a, *y = b;

	if (x->rating_halves != y->rating_halves)
		return x->rating_halves > y->rating_halves ? -1 : 1;
	/* At 0 stars, a host placement lets in though the VM does not fit
	 * comes before the refused. */
	if (x->allowed != y->allowed)
		return x->allowed ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Step 1 for the request: the kind asked for, or the VM's own. */
static int
choose_kind(renderer *r, const mc_check_request *req, size_t vm, mc_diag *diag,
	    int *kind)
{
	const mc_fleet *f = r->ctx.fleet;
	const mc_policy *p = f->policy;
	const mc_vm_rec *rec = &f->inv->vms[vm];
	mc_why why;
	int unknown = -1;

	if (req->kind) {
		*kind = mc_policy_find_kind(p, req->kind);
		if (*kind >= 0)
			return MC_OK;
		mc_policy_no_kind(p, req->kind, diag);
		return MC_EUSAGE;
	}
	*kind = mc_select_kind(&r->ctx, mc_fleet_vm_values(f, vm), rec->host, &why,
			       &unknown);
	if (*kind >= 0)
		return MC_OK;
	mc_no_kind_words(&r->ctx, &r->buf, vm, *kind, unknown, &why);
	mc_node_error(diag, rec->node, "%s", mc_buf_str(&r->buf));
	mc_buf_reset(&r->buf);
	return MC_EINPUT;
}

int
mc_check(mc_check_result **out, const mc_fleet *f, const mc_check_request *req,
	 mc_diag *diag)
{
	const mc_policy *p = f->policy;
	const mc_inventory *inv = f->inv;
	renderer r;
	mc_pair_result pr = {0};
	mc_host_verdict *hosts = NULL;
	bool *passes = NULL;
	long vm, to = -1;
	size_t src, n = 0;
	int kind, rc;

	*out = NULL;
	memset(&r, 0, sizeof(r));
	vm = mc_inventory_find_vm(inv, req->vm);
	if (vm < 0) {
		mc_diag_error(diag, "no VM named '%s' in the inventory", req->vm);
		return MC_EUSAGE;
	}
	src = inv->vms[vm].host;
	if (req->to) {
		to = mc_inventory_find_host(inv, req->to);
		if (to < 0) {
			mc_diag_error(diag, "no host named '%s' in the inventory", req->to);
			return MC_EUSAGE;
		}
		if ((size_t)to == src) {
			mc_diag_error(diag, "VM '%s' is already on host '%s'", req->vm,
				      req->to);
			return MC_EUSAGE;
		}
	}
	if ((rc = mc_ctx_init(&r.ctx, f, req->budget)) != MC_OK)
		return rc;
	if (req->trace && (rc = mc_ctx_trace(&r.ctx)) != MC_OK) {
		mc_ctx_release(&r.ctx);
		return rc;
	}
	r.res = mc_owned_new(sizeof(*r.res));
	r.source = calloc(p->nfields + 1, sizeof(*r.source));
	r.have_source = calloc(p->nfields + 1, sizeof(*r.have_source));
	pr.vio = calloc(p->max_violations + 1, sizeof(*pr.vio));
	passes = calloc(p->nremedies + 1, sizeof(*passes));
	if (!r.res || !r.source || !r.have_source || !pr.vio || !passes) {
		rc = MC_ENOMEM;
		goto out;
	}
	if ((rc = choose_kind(&r, req, (size_t)vm, diag, &kind)) != MC_OK)
		goto out;
	hosts = mc_arena_calloc(mc_owned_arena(r.res), inv->nhosts + 1,
				sizeof(*hosts));
	if (!hosts) {
		rc = MC_ENOMEM;
		goto out;
	}
	mc_vmview vmv = mc_ctx_vm(&r.ctx, (size_t)vm);
	const mc_node *const *vals = vmv.vals;
	for (size_t t = 0; t < inv->nhosts; t++) {
		mc_host_verdict *hv = &hosts[n];
		mc_violation *vios;

		if (t == src || (to >= 0 && t != (size_t)to))
			continue;
		mc_eval_pair(&r.ctx, &vmv, src, t, kind, &pr);
		hv->name = keep(&r, inv->hosts[t].name);
		hv->cluster = keep(&r, inv->hosts[t].cluster);
		hv->allowed = pr.allowed;
		hv->rating_halves = pr.rating_halves;
		render_relaxed(&r, hv, pr.relaxed);
		render_fit(&r, hv, &vmv, kind, t);
		if (req->trace) {
			mc_env tenv = mc_ctx_env(&r.ctx, vals, src, &t);
			render_trace(&r, hv, &tenv, kind, src, t);
		}
		if (!pr.allowed) {
			mc_env env = mc_ctx_env(&r.ctx, vals, src, &t);
			vios = mc_arena_calloc(mc_owned_arena(r.res), pr.nvio, sizeof(*vios));
			if (!vios) {
				rc = MC_ENOMEM;
				goto out;
			}
			for (size_t i = 0; i < pr.nvio; i++)
				render_vio(&r, &vios[i], &pr.vio[i], &env, vmv.record, kind,
					   src, t);
			hv->violations = vios;
			hv->nviolations = pr.nvio;
			render_remedies(&r, hv, (size_t)vm, t, kind, passes);
		}
		n++;
		if (r.nomem) {
			rc = MC_ENOMEM;
			goto out;
		}
	}
	qsort(hosts, n, sizeof(*hosts), verdict_cmp);
	r.res->policy_name = keep(&r, p->name);
	r.res->policy_file = keep(&r, p->file);
	r.res->policy_digest = keep(&r, p->digest);
	r.res->vm = keep(&r, inv->vms[vm].name);
	r.res->vm_host = keep(&r, inv->hosts[src].name);
	r.res->vm_state = keep(&r, inv->vms[vm].state);
	r.res->kind = keep(&r, p->kinds[kind].name);
	r.res->kind_given = req->kind != NULL;
	r.res->hosts = hosts;
	r.res->nhosts = n;
	if (r.nomem) {
		rc = MC_ENOMEM;
		goto out;
	}
	*out = r.res;
	r.res = NULL;
out:
	mc_owned_free(r.res);
	free(pr.vio);
	free(passes);
	free(r.source);
	free(r.have_source);
	mc_buf_free(&r.buf);
	mc_keep_cache_free(&r.values);
	mc_ctx_release(&r.ctx);
	return rc;
}

bool
mc_check_result_any_allowed(const mc_check_result *res)
{
	for (size_t i = 0; i < res->nhosts; i++) {
		if (res->hosts[i].allowed)
			return true;
	}
	return false;
}

void
mc_check_result_free(mc_check_result *res)
{
	mc_owned_free(res);
}
