/* SPDX-License-Identifier: MIT */
/*
 * assign.c - mc_assignment_make(): one target for every VM, within every
 * host's room.
 *
 * What the policy allows, room aside, is decided by classes as for a plan
 * (classes.h): per kind, hosts alike in what its checks read of a target,
 * and VMs alike in what they read of the VM and its host, placement left
 * out; one evaluation per class pair. Then the VMs are placed one after
 * the other, the hardest first (fewest hosts allowed, then most memory,
 * then inventory order), each on the host of the highest rating where it
 * still fits with what the VMs placed before it took (placement's every
 * resource a hard limit), ties by name; what it needs is added to that
 * host's use.
 */
#include <stdlib.h>
#include <string.h>

#include "fleet/classes.h"
#include "eval/eval.h"
#include "eval/keep.h"

typedef struct kind_classes {
	mc_reads reads;
	mc_host_key target_key, source_key;
	mc_classes targets;      /* places by name, as targets */
	mc_classes sources;      /* hosts as the VM's host */
} kind_classes;

typedef struct assigner {
	const mc_fleet *f;
	const mc_policy *p;
	const mc_inventory *inv;
	mc_ctx ctx;
	mc_arena work;
	mc_buf buf;
	bool nomem;
	mc_assignment *res;
	kind_classes kinds[MC_MAX_KINDS];
	bool have_kind[MC_MAX_KINDS];
	int *vm_kind;            /* per VM: its kind, or -1 */
	uint8_t *skip;           /* per VM: not assigned */
	mc_classes vmc;
	size_t *first_out;       /* per VM class: its first outcome */
	uint8_t *allowed;        /* per outcome (VM class x target class) */
	uint64_t *held;          /* per outcome: preference weight held */
	uint32_t *byname;        /* per place by name: the host */
	uint32_t *rank;          /* per host: its place by name */
	int64_t (*more)[MC_NRES];  /* per host: room taken by the VMs placed */
	/* Per VM: */
	bool *no_kind;           /* no kind covers it */
	size_t *compatible;      /* hosts the policy allows, its own aside */
	size_t *full;            /* of those, hosts without room for it */
	const char **why;        /* why it stays, or NULL */
	long *target;            /* its host by the assignment, or -1 */
	uint8_t *rating;         /* there, in half stars */
	size_t *order;           /* the VMs placed, in the order placed */
	size_t nplaced;
} assigner;

/* ------------------------------------------------------------------------
 * What the policy allows
 */

static uint64_t
vm_hash(const void *arg, size_t v)
{
	const assigner *as = arg;
	int k = as->vm_kind[v];
	const kind_classes *kc = &as->kinds[k];
	const mc_node *const *vals = mc_fleet_vm_values(as->f, v);
	uint64_t h = mc_hash_mix((uint64_t)k, kc->sources.of[as->inv->vms[v].host]);

	if (kc->reads.opaque)
		return mc_hash_mix(h, v);
	for (size_t i = 0; i < as->f->nvm_paths; i++) {
		if (kc->reads.vm[i])
			h = mc_value_hash(vals[i], h);
	}
	return h;
}

static bool
vm_equal(const void *arg, size_t a, size_t b)
{
	const assigner *as = arg;
	int k = as->vm_kind[a];
	const kind_classes *kc = &as->kinds[k];
	const mc_node *const *va = mc_fleet_vm_values(as->f, a);
	const mc_node *const *vb = mc_fleet_vm_values(as->f, b);

	if (k != as->vm_kind[b] || kc->sources.of[as->inv->vms[a].host] !=
	    kc->sources.of[as->inv->vms[b].host])
		return false;
	if (kc->reads.opaque)
		return a == b;
	for (size_t i = 0; i < as->f->nvm_paths; i++) {
		if (kc->reads.vm[i] && !mc_value_equal(va[i], vb[i], MC_CLASS_EQ))
			return false;
	}
	return true;
}

static int
host_classes(assigner *as, int k)
{
	kind_classes *kc = &as->kinds[k];
	mc_class_key key;

	if (mc_reads_of_kind_checks(&kc->reads, as->p, k, &as->work) < 0)
		return -1;
	kc->target_key = (mc_host_key){as->f, as->byname, kc->reads.target,
				       kc->reads.fields, kc->reads.opaque};
	kc->source_key = (mc_host_key){as->f, NULL, kc->reads.source,
				       kc->reads.fields, kc->reads.opaque};
	key = (mc_class_key){mc_host_hash, mc_host_equal, &kc->target_key};
	if (mc_classes_build(&kc->targets, as->inv->nhosts, &key, NULL,
			     &as->work) < 0)
		return -1;
	key.arg = &kc->source_key;
	return mc_classes_build(&kc->sources, as->inv->nhosts, &key, NULL,
				&as->work);
}

/* Each VM's kind; a VM no kind covers is left where it is, with why. */
static int
select_kinds(assigner *as)
{
	mc_arena *a = mc_owned_arena(as->res);

	for (size_t v = 0; v < as->inv->nvms; v++) {
		mc_why why;
		int unknown = -1, k;

		if (as->skip[v])
			continue;
		k = mc_select_kind(&as->ctx, mc_fleet_vm_values(as->f, v),
				   as->inv->vms[v].host, &why, &unknown);
		as->vm_kind[v] = k;
		if (k >= 0) {
			if (!as->have_kind[k] && host_classes(as, k) < 0)
				return -1;
			as->have_kind[k] = true;
			continue;
		}
		as->skip[v] = 1;
		as->no_kind[v] = true;
		mc_no_kind_words(&as->ctx, &as->buf, v, k, unknown, &why);
		as->why[v] = mc_keep_buf(a, &as->nomem, &as->buf);
	}
	return as->nomem ? -1 : 0;
}

/* One evaluation per VM class and target class of its kind. */
static int
evaluate(assigner *as)
{
	mc_class_key key = {vm_hash, vm_equal, as};
	mc_pair_result pr;
	size_t nout = 0;

	if (mc_classes_build(&as->vmc, as->inv->nvms, &key, as->skip,
			     &as->work) < 0)
		return -1;
	as->first_out = mc_arena_alloc(&as->work, (as->vmc.nclasses + 1) *
				       sizeof(*as->first_out));
	if (!as->first_out)
		return -1;
	for (size_t c = 0; c < as->vmc.nclasses; c++) {
		as->first_out[c] = nout;
		nout += as->kinds[as->vm_kind[as->vmc.first[c]]].targets.nclasses;
	}
	as->allowed = mc_arena_alloc(&as->work, nout + 1);
	as->held = mc_arena_alloc(&as->work, (nout + 1) * sizeof(*as->held));
	pr.vio = calloc(as->p->max_violations + 1, sizeof(*pr.vio));
	if (!as->allowed || !as->held || !pr.vio) {
		free(pr.vio);
		return -1;
	}
	for (size_t c = 0; c < as->vmc.nclasses; c++) {
		size_t v = as->vmc.first[c];
		int k = as->vm_kind[v];
		const mc_classes *t = &as->kinds[k].targets;
		mc_vmview view = mc_ctx_vm(&as->ctx, v);

		for (size_t tc = 0; tc < t->nclasses; tc++) {
			size_t o = as->first_out[c] + tc;

			mc_eval_pair(&as->ctx, &view, as->inv->vms[v].host,
				     as->byname[t->first[tc]], k, &pr);
			as->allowed[o] = pr.allowed;
			as->held[o] = pr.held;
		}
	}
	free(pr.vio);
	return 0;
}

/* Whether the policy lets VM v (of class c, kind k) go to the host at
 * place i by name; *held the preferences' weight that holds there. */
static bool
allows(const assigner *as, size_t c, int k, size_t i, uint64_t *held)
{
	size_t o = as->first_out[c] + as->kinds[k].targets.of[i];

	*held = as->held[o];
	return as->allowed[o];
}

/* ------------------------------------------------------------------------
 * Placing
 */

/* The memory a VM needs, for the order: 0 when it says none. */
static int64_t
memory_of(const assigner *as, size_t v)
{
	const mc_placement *pl = &as->p->placement;
	const mc_node *n = mc_fleet_vm_values(as->f, v)[pl->vm_path[MC_PV_MEMORY]];

	return n && n->kind == MC_NODE_SCALAR && n->type == MC_SCALAR_INT &&
	       n->num > 0 ? n->num : 0;
}

/* A VM's place in the order of placing: the hardest first. */
typedef struct turn {
	size_t compatible;
	int64_t memory;
	size_t vm;
} turn;

static int
turn_cmp(const void *pa, const void *pb)
{
	const turn *a = pa, *b = pb;

	if (a->compatible != b->compatible)
		return a->compatible < b->compatible ? -1 : 1;
	if (a->memory != b->memory)
		return a->memory > b->memory ? -1 : 1;
	return (a->vm > b->vm) - (a->vm < b->vm);
}

/* Counts the hosts the policy allows each VM, its own aside. */
static void
count_compatible(assigner *as)
{
	for (size_t v = 0; v < as->inv->nvms; v++) {
		size_t c = as->vmc.of[v], n = 0;
		int k = as->vm_kind[v];
		const mc_classes *t;
		uint64_t held;

		if (as->skip[v])
			continue;
		t = &as->kinds[k].targets;
		for (size_t tc = 0; tc < t->nclasses; tc++) {
			if (as->allowed[as->first_out[c] + tc])
				n += t->start[tc + 1] - t->start[tc];
		}
		if (allows(as, c, k, as->rank[as->inv->vms[v].host], &held))
			n--;  /* its own host */
		as->compatible[v] = n;
	}
}

/* Places VM v on the best host it still fits on, or says why none. */
static void
place_vm(assigner *as, size_t v, size_t *shortfall)
{
	const mc_placement *pl = &as->p->placement;
	size_t c = as->vmc.of[v], own = as->inv->vms[v].host;
	int k = as->vm_kind[v];
	bool rated = pl->on && (pl->kinds & (1u << k));
	const mc_node *const *vals = mc_fleet_vm_values(as->f, v);
	double best_x = -1;
	long best = -1;
	mc_fit fit, best_fit;
	uint64_t best_held = 0;

	memset(&best_fit, 0, sizeof(best_fit));
	memset(shortfall, 0, MC_NRES * sizeof(*shortfall));
	for (size_t i = 0; i < as->inv->nhosts; i++) {
		size_t h = as->byname[i];
		uint64_t held;
		double x;

		if (h == own || !allows(as, c, k, i, &held))
			continue;
		if (rated) {
			mc_fit_read(pl, vals, mc_fleet_host_values(as->f, h), &fit);
			mc_fit_judge(pl, &fit, as->more[h], true);
			if (!fit.fits) {
				as->full[v]++;
				for (int r = 0; r < MC_NRES; r++)
					shortfall[r] += fit.status[r] >= MC_FIT_SHORT;
				continue;
			}
			x = (pl->weight * fit.score + (double)held) /
			    (pl->weight + as->p->prefer_total);
		} else {
			x = as->p->prefer_total ? (double)held / as->p->prefer_total : 1;
		}
		if (x > best_x) {
			best_x = x;
			best = (long)h;
			best_held = held;
			if (rated)
				best_fit = fit;
		}
	}
	as->target[v] = best;
	if (best < 0)
		return;
	as->rating[v] = rated ? mc_rating_placed(as->p, best_fit.score, best_held)
		: mc_rating_halves(as->p, best_held);
	for (int r = 0; rated && r < MC_NRES; r++) {
		if (best_fit.status[r] == MC_FIT_FITS)
			as->more[best][r] += best_fit.need[r];
	}
}

/* Why VM v stays where it is: "no host the policy allows", or "none of the
 * 3 hosts the policy allows has room left: memory short on 3, cpu on 1". */
static void
say_why(assigner *as, size_t v, const size_t *shortfall)
{
	const char *sep = ": ";

	if (!as->compatible[v]) {
		mc_buf_adds(&as->buf, "no host the policy allows (plan without "
			    "--assign lists the reasons)");
	} else {
		mc_buf_addf(&as->buf, "none of the %zu host%s the policy allows "
			    "has room left", as->compatible[v],
			    as->compatible[v] == 1 ? "" : "s");
		for (int r = 0; r < MC_NRES; r++) {
			if (!shortfall[r])
				continue;
			mc_buf_addf(&as->buf, "%s%s short on %zu", sep,
				    mc_resource_name((mc_resource)r), shortfall[r]);
			sep = ", ";
		}
	}
	as->why[v] = mc_keep_buf(mc_owned_arena(as->res), &as->nomem, &as->buf);
}

static int
place_all(assigner *as)
{
	turn *turns = mc_arena_alloc(&as->work, (as->inv->nvms + 1) * sizeof(*turns));
	size_t n = 0, shortfall[MC_NRES];

	if (!turns)
		return -1;
	for (size_t v = 0; v < as->inv->nvms; v++) {
		if (!as->skip[v])
			turns[n++] = (turn){as->compatible[v], memory_of(as, v), v};
	}
	qsort(turns, n, sizeof(*turns), turn_cmp);
	for (size_t i = 0; i < n; i++) {
		size_t v = turns[i].vm;

		place_vm(as, v, shortfall);
		if (as->target[v] < 0)
			say_why(as, v, shortfall);
		else
			as->order[as->nplaced++] = v;
	}
	return as->nomem ? -1 : 0;
}

/* ------------------------------------------------------------------------
 * The result
 */

static int
fill(assigner *as, long only)
{
	mc_arena *a = mc_owned_arena(as->res);
	mc_assignment *res = as->res;
	mc_assignment_move *moves;
	mc_assignment_unplaced *un;
	size_t nvms = 0, nun = 0;

	for (size_t v = 0; v < as->inv->nvms; v++)
		nvms += only < 0 || as->inv->vms[v].host == (size_t)only;
	moves = mc_arena_calloc(a, as->nplaced + 1, sizeof(*moves));
	un = mc_arena_calloc(a, nvms - as->nplaced + 1, sizeof(*un));
	if (!moves || !un)
		return -1;
	for (size_t i = 0; i < as->nplaced; i++) {
		size_t v = as->order[i], t = (size_t)as->target[v];

		moves[i].vm = mc_keep(a, &as->nomem, as->inv->vms[v].name);
		moves[i].from = mc_keep(a, &as->nomem,
					as->inv->hosts[as->inv->vms[v].host].name);
		moves[i].to = mc_keep(a, &as->nomem, as->inv->hosts[t].name);
		moves[i].cluster = mc_keep(a, &as->nomem, as->inv->hosts[t].cluster);
		moves[i].rating_halves = as->rating[v];
	}
	for (size_t v = 0; v < as->inv->nvms; v++) {
		mc_assignment_unplaced *u = &un[nun];

		if (only >= 0 && as->inv->vms[v].host != (size_t)only)
			continue;
		if (!as->no_kind[v] && as->target[v] >= 0)
			continue;
		u->vm = mc_keep(a, &as->nomem, as->inv->vms[v].name);
		u->host = mc_keep(a, &as->nomem,
				  as->inv->hosts[as->inv->vms[v].host].name);
		u->state = mc_keep(a, &as->nomem, as->inv->vms[v].state);
		if (!as->no_kind[v])
			u->kind = mc_keep(a, &as->nomem,
					  as->p->kinds[as->vm_kind[v]].name);
		u->compatible = as->compatible[v];
		u->full = as->full[v];
		u->why = as->why[v];
		nun++;
	}
	res->moves = moves;
	res->nmoves = as->nplaced;
	res->unplaced = un;
	res->nunplaced = nun;
	res->nvms = nvms;
	res->nhosts = as->inv->nhosts;
	res->policy_name = mc_keep(a, &as->nomem, as->p->name);
	res->policy_file = mc_keep(a, &as->nomem, as->p->file);
	res->policy_digest = mc_keep(a, &as->nomem, as->p->digest);
	return as->nomem ? -1 : 0;
}

static int
assign(assigner *as, long only)
{
	const mc_inventory *inv = as->inv;
	size_t nv = inv->nvms + 1, nh = inv->nhosts + 1;

	as->vm_kind = mc_arena_alloc(&as->work, nv * sizeof(*as->vm_kind));
	as->skip = mc_arena_calloc(&as->work, nv, 1);
	as->no_kind = mc_arena_calloc(&as->work, nv, sizeof(*as->no_kind));
	as->compatible = mc_arena_calloc(&as->work, nv, sizeof(*as->compatible));
	as->full = mc_arena_calloc(&as->work, nv, sizeof(*as->full));
	as->why = mc_arena_calloc(&as->work, nv, sizeof(*as->why));
	as->target = mc_arena_alloc(&as->work, nv * sizeof(*as->target));
	as->rating = mc_arena_calloc(&as->work, nv, 1);
	as->order = mc_arena_alloc(&as->work, nv * sizeof(*as->order));
	as->byname = mc_arena_alloc(&as->work, nh * sizeof(*as->byname));
	as->rank = mc_arena_alloc(&as->work, nh * sizeof(*as->rank));
	as->more = mc_arena_calloc(&as->work, nh, sizeof(*as->more));
	if (!as->vm_kind || !as->skip || !as->no_kind || !as->compatible ||
	    !as->full || !as->why || !as->target || !as->rating || !as->order ||
	    !as->byname || !as->rank || !as->more ||
	    mc_inventory_by_name(inv, as->byname) < 0)
		return -1;
	for (size_t i = 0; i < inv->nhosts; i++)
		as->rank[as->byname[i]] = (uint32_t)i;
	for (size_t v = 0; v < inv->nvms; v++) {
		as->vm_kind[v] = -1;
		as->target[v] = -1;
		as->skip[v] = only >= 0 && inv->vms[v].host != (size_t)only;
	}
	if (select_kinds(as) < 0 || evaluate(as) < 0)
		return -1;
	count_compatible(as);
	if (place_all(as) < 0)
		return -1;
	return fill(as, only);
}

int
mc_assignment_make(mc_assignment **out, const mc_fleet *f,
		   const mc_assignment_request *req, mc_diag *diag)
{
	assigner as;
	long only = -1;
	int rc = MC_OK;

	*out = NULL;
	if (req->host && (only = mc_inventory_find_host(f->inv, req->host)) < 0) {
		mc_diag_error(diag, "no host named '%s' in the inventory", req->host);
		return MC_EUSAGE;
	}
	if (!f->policy->placement.on) {
		mc_diag_error(diag, "policy '%s' has no 'placement': an assignment "
			      "needs one to know what room a host has "
			      "(docs/placement.md)", f->policy->name);
		return MC_EUSAGE;
	}
	memset(&as, 0, sizeof(as));
	as.f = f;
	as.p = f->policy;
	as.inv = f->inv;
	mc_arena_init(&as.work);
	if ((rc = mc_ctx_init(&as.ctx, f, req->budget)) != MC_OK)
		return rc;
	/* What the policy allows, room aside: placement is judged here. */
	as.ctx.skip_place = true;
	as.res = mc_owned_new(sizeof(*as.res));
	if (!as.res || assign(&as, only) < 0) {
		rc = MC_ENOMEM;
		goto out;
	}
	as.res->host = mc_keep(mc_owned_arena(as.res), &as.nomem, req->host);
	if (as.nomem) {
		rc = MC_ENOMEM;
		goto out;
	}
	*out = as.res;
	as.res = NULL;
out:
	mc_owned_free(as.res);
	mc_buf_free(&as.buf);
	mc_arena_release(&as.work);
	mc_ctx_release(&as.ctx);
	return rc;
}

void
mc_assignment_free(mc_assignment *res)
{
	mc_owned_free(res);
}
