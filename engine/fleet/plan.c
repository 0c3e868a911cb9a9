/* SPDX-License-Identifier: MIT */
/*
 * plan.c - mc_plan(): the best targets of every VM, by classes.
 *
 * For each kind, hosts are grouped into target classes by what the kind
 * reads of a target, and VMs of that kind into VM classes by what it reads
 * of the VM and of the VM's host (classes.h). A kind that qualifies has its
 * checks evaluated apart and combined as sets of hosts (factor.h); any
 * other kind has each VM class evaluated once against each of its target
 * classes. The outcomes are then fanned out to the VMs: the best hosts of a
 * VM class, less the VM's own host, and for a VM no host takes, the
 * reasons counted over the hosts.
 *
 * A kind that the policy's `placement` rates is classed by what its checks
 * read, placement aside, and evaluated so; each of its VMs is then placed
 * on every host its class may go to (eval/fit.h), which rates the host and
 * may refuse it: the VM's resources differ from its class's, and the
 * hosts' from their class's.
 */
#include <stdlib.h>
#include <string.h>

#include "fleet/classes.h"
#include "eval/eval.h"
#include "fleet/factor.h"
#include "eval/keep.h"
#include "util/grow.h"

#define DEFAULT_TOP 3

/* The outcome of one VM class against one target class. */
typedef struct outcome {
	uint8_t allowed;
	uint8_t rating;          /* half stars */
	uint64_t held;           /* the weight of the preferences that hold */
	uint32_t nvio;
	size_t vio;              /* first violation in planner.vios */
} outcome;

/* A host on a VM class's list of best targets, by its place by name. */
typedef struct pick {
	uint32_t place;
	uint8_t rating;
} pick;


/* A VM class: its kind, what its class pairs came to, its best hosts. */
typedef struct vm_class {
	int kind;
	size_t outcomes;         /* else: first of targets.nclasses in
	                            planner.out */
	size_t allowed;          /* hosts its class pairs allow, own included */
	pick *best;              /* top + 1 of them (one may be a VM's own) */
	size_t nbest;
	/* The targets of its VMs whose own host is not among the best, which
	 * are most of them: made once, at the first such VM. */
	const mc_plan_target *targets;
	size_t ntargets;
} vm_class;

typedef struct planner {
	const mc_fleet *f;
	const mc_policy *p;
	const mc_inventory *inv;
	const mc_plan_request *req;
	size_t top;
	mc_ctx ctx;
	mc_arena work;
	mc_buf buf;
	bool nomem;
	mc_plan_result *res;
	mc_kind_classes kinds[MC_MAX_KINDS];
	mc_factored *factored[MC_MAX_KINDS];  /* kinds evaluated apart */
	bool placed[MC_MAX_KINDS];           /* kinds placement rates */
	int *vm_kind;            /* per VM: its kind, or -1 */
	uint8_t *skip;           /* per VM: not planned */
	uint8_t *own_allowed;    /* per VM of a kind evaluated apart: its own
	                            host allows the move */
	mc_classes vmc;
	vm_class *vcs;
	outcome *out;
	mc_vio *vios;
	size_t nvios, capvios;
	uint32_t *rank;          /* per host: its place by name */
	uint32_t *byname;        /* per place by name: the host */
	const char **host_names; /* per host: the result's copy */
	const char **host_clusters;
	size_t *reason_base;     /* per kind: where its match and compare
	                            reasons begin in `reasons` */
	mc_plan_reason *reasons; /* rendered once: per check and status */
	size_t nreason_slots;
} planner;

/* ------------------------------------------------------------------------
 * Classes
 */

static int
build_host_classes(planner *pl, int k)
{
	mc_kind_classes *kc = &pl->kinds[k];

	const mc_placement *place = &pl->p->placement;

	pl->placed[k] = place->on && (place->kinds & (1u << k));
	if ((pl->placed[k]
	     ? mc_reads_of_kind_checks(&kc->reads, pl->p, k, &pl->work)
	     : mc_reads_of_kind(&kc->reads, pl->p, k, false, &pl->work)) < 0)
		return -1;
	/* Target classes group places by name, so that their members and
	 * their first come by name; source classes group hosts. */
	return mc_kind_classes_build(kc, pl->f, pl->byname,
				     kc->reads.opaque || pl->req->by_pairs, &pl->work);
}

/* ------------------------------------------------------------------------
 * Evaluation of class pairs
 */

static int
pick_cmp(const void *a, const void *b)
{
	const pick *x = a, *y = b;

	if (x->rating != y->rating)
		return x->rating > y->rating ? -1 : 1;
	return (x->place > y->place) - (x->place < y->place);
}

static int
keep_vios(planner *pl, const mc_pair_result *pr, outcome *o)
{
	if (MC_GROW(pl->vios, pl->capvios, pl->nvios + pr->nvio) < 0)
		return -1;
	memcpy(pl->vios + pl->nvios, pr->vio, pr->nvio * sizeof(*pr->vio));
	o->vio = pl->nvios;
	o->nvio = (uint32_t)pr->nvio;
	pl->nvios += pr->nvio;
	return 0;
}

/* Evaluates VM class c against every target class of its kind, and lists
 * its best hosts (by place by name: picks sort by rating, then name). */
static int
eval_vm_class(planner *pl, size_t c, mc_pair_result *pr, pick *scratch)
{
	vm_class *vc = &pl->vcs[c];
	const mc_kind_classes *kc = &pl->kinds[vc->kind];
	size_t vm = pl->vmc.first[c], src = pl->inv->vms[vm].host, n = 0;
	mc_vmview view = mc_ctx_vm(&pl->ctx, vm);
	size_t want = pl->top + 1;

	for (size_t t = 0; t < kc->targets.nclasses; t++) {
		outcome *o = &pl->out[vc->outcomes + t];
		size_t size = kc->targets.start[t + 1] - kc->targets.start[t];

		mc_eval_pair(&pl->ctx, &view, src, pl->byname[kc->targets.first[t]],
			     vc->kind, pr);
		o->allowed = pr->allowed;
		o->rating = pr->rating_halves;
		o->held = pr->held;
		o->nvio = 0;
		if (!pr->allowed) {
			if (keep_vios(pl, pr, o) < 0)
				return -1;
			continue;
		}
		vc->allowed += size;
		/* The class's first `want` hosts by name are all it can add. */
		for (size_t i = 0; i < size && i < want; i++) {
			scratch[n].place = kc->targets.members[kc->targets.start[t] + i];
			scratch[n].rating = pr->rating_halves;
			n++;
		}
		/* Keep the scratch list short: sort and cut at `want`. */
		if (n >= 4 * want) {
			qsort(scratch, n, sizeof(*scratch), pick_cmp);
			n = want;
		}
	}
	qsort(scratch, n, sizeof(*scratch), pick_cmp);
	if (n > want)
		n = want;
	vc->best = mc_arena_memdup(&pl->work, scratch, n, sizeof(*scratch));
	if (n && !vc->best)
		return -1;
	vc->nbest = n;
	return 0;
}

/* ------------------------------------------------------------------------
 * Reasons
 */

/* The slot of a violation among the reasons: per check and status. */
static size_t
reason_slot(const planner *pl, int kind, const mc_vio *v)
{
	const mc_policy *p = pl->p;
	size_t i;

	switch (v->check) {
	case MC_CHECK_HOST:
		i = v->index;
		break;
	case MC_CHECK_RULE:
		i = p->nhost_require + v->index;
		break;
	case MC_CHECK_PLACE:
		i = p->nhost_require + p->nrules + v->index;
		break;
	case MC_CHECK_MATCH:
		i = pl->reason_base[kind] + v->index;
		break;
	default:
		i = pl->reason_base[kind] + p->checks[kind].nmatch + v->index;
		break;
	}
	return i * 4 + v->status;
}

static void
render_field_reason(planner *pl, mc_plan_reason *r, int kind, const mc_vio *v)
{
	const mc_policy *p = pl->p;
	const mc_kind_checks *kc = &p->checks[kind];
	bool match = v->check == MC_CHECK_MATCH;
	uint32_t fi = match ? kc->match[v->index].field : kc->compare[v->index].field;
	const mc_field *fd = &p->fields[fi];
	mc_arena *a = mc_owned_arena(pl->res);

	mc_buf_addf(&pl->buf, "%s.%s", match ? "match" : "compare", fd->name);
	r->rule = mc_keep_buf(a, &pl->nomem, &pl->buf);
	r->field = mc_keep(a, &pl->nomem, fd->name);
	r->at = mc_keep_location(a, &pl->nomem, match ? kc->match[v->index].at
				 : kc->compare[v->index].at);
	if (v->status == MC_VS_SOURCE_BAD)
		mc_buf_addf(&pl->buf, "%s (%s) on the VM's host is missing or "
			    "malformed", fd->name, fd->from.text);
	else if (v->status == MC_VS_TARGET_BAD)
		mc_buf_addf(&pl->buf, "%s (%s) on the target is missing or "
			    "malformed", fd->name, fd->from.text);
	else if (match)
		mc_buf_addf(&pl->buf, "%s differs from the VM's host's", fd->name);
	else
		mc_buf_addf(&pl->buf, "%s on the target is not %s the VM's host's",
			    fd->name, mc_op_info_of(kc->compare[v->index].op)->plan);
	r->says = mc_keep_buf(a, &pl->nomem, &pl->buf);
}

/* The reason of a violation, rendered the first time it is asked for. */
static const mc_plan_reason *
reason_of(planner *pl, int kind, const mc_vio *v)
{
	const mc_policy *p = pl->p;
	mc_plan_reason *r = &pl->reasons[reason_slot(pl, kind, v)];
	mc_arena *a = mc_owned_arena(pl->res);
	bool unknown = v->status == MC_VS_UNKNOWN;

	if (r->rule)
		return r;
	if (v->check == MC_CHECK_MATCH || v->check == MC_CHECK_COMPARE) {
		render_field_reason(pl, r, kind, v);
		return r;
	}
	if (v->check == MC_CHECK_PLACE) {
		const char *res = mc_resource_name(v->index);

		mc_buf_addf(&pl->buf, "placement.%s", res);
		r->rule = mc_keep_buf(a, &pl->nomem, &pl->buf);
		r->at = mc_keep_location(a, &pl->nomem, p->placement.res_at[v->index]);
		if (v->status == MC_VS_TARGET_BAD)
			mc_buf_addf(&pl->buf, "the host's %s or its use is missing or "
				    "malformed", res);
		else if (unknown)
			mc_buf_addf(&pl->buf, "the VM's %s is missing or malformed", res);
		else
			mc_buf_addf(&pl->buf, "the VM does not fit in the host's free "
				    "%s", res);
	} else if (v->check == MC_CHECK_HOST) {
		const mc_host_req *h = &p->host_require[v->index];

		mc_buf_addf(&pl->buf, "host.%u", v->index + 1);
		r->rule = mc_keep_buf(a, &pl->nomem, &pl->buf);
		r->at = mc_keep_location(a, &pl->nomem, h->at);
		mc_buf_addf(&pl->buf, unknown ? "cannot tell whether the host "
			    "meets: " : "the host does not meet: ");
		mc_cond_words(&pl->buf, h->cond);
	} else {
		const mc_rule *rule = &p->rules[v->index];

		mc_buf_addf(&pl->buf, "rule.%s", rule->id);
		r->rule = mc_keep_buf(a, &pl->nomem, &pl->buf);
		r->at = mc_keep_location(a, &pl->nomem, rule->at);
		mc_buf_addf(&pl->buf, unknown ? "rule %s could not be decided"
			    : "rule %s does not hold", rule->id);
		if (rule->description)
			mc_buf_addf(&pl->buf, " (%s)", rule->description);
	}
	r->says = mc_keep_buf(a, &pl->nomem, &pl->buf);
	return r;
}

static int
reason_cmp(const void *a, const void *b)
{
	const mc_plan_reason *x = a, *y = b;

	if (x->hosts != y->hosts)
		return x->hosts > y->hosts ? -1 : 1;
	return strcmp(x->rule, y->rule);
}

/* Reasons counted over hosts: counts per reason slot, and the slots seen
 * (each slot is seen once per VM, so `seen` never overflows). */
typedef struct tally {
	planner *pl;
	int kind;
	size_t *counts;
	size_t *seen;
	size_t nseen;
} tally;

static void
tally_vio(void *arg, const mc_vio *v, size_t hosts)
{
	tally *t = arg;
	size_t slot = reason_slot(t->pl, t->kind, v);

	if (!t->counts[slot]) {
		t->seen[t->nseen++] = slot;
		reason_of(t->pl, t->kind, v);
	}
	t->counts[slot] += hosts;
}

/* Why no host takes VM vm: each reason with the hosts refusing for it,
 * not counting the VM's own host. */
/* Placing VM v on host h, which the policy allows but for placement:
 * -1 when placement refuses it (*fit says why), else the rating in half
 * stars, as mc_eval_pair() rates it. */
static int
place_on(const planner *pl, size_t v, size_t h, uint64_t held, mc_fit *fit)
{
	const mc_placement *place = &pl->p->placement;

	mc_fit_eval(place, mc_fleet_vm_values(pl->f, v),
		    mc_fleet_host_values(pl->f, h), fit);
	for (int r = 0; r < MC_NRES; r++) {
		if (fit->status[r] == MC_FIT_HOST_BAD ||
		    fit->status[r] == MC_FIT_VM_BAD ||
		    (fit->status[r] == MC_FIT_SHORT && place->refuse))
			return -1;
	}
	return fit->fits ? mc_rating_placed(pl->p, fit->score, held) : 0;
}

/* The hosts of target class c that placement refuses VM vm, counted under
 * each resource that does not pass, whatever else refuses them. */
static void
tally_placement(planner *pl, tally *t, size_t vm, size_t c)
{
	const mc_kind_classes *kc = &pl->kinds[t->kind];
	size_t own = pl->inv->vms[vm].host;
	mc_fit fit;

	for (size_t j = kc->targets.start[c]; j < kc->targets.start[c + 1]; j++) {
		size_t h = pl->byname[kc->targets.members[j]];

		if (h == own || place_on(pl, vm, h, 0, &fit) >= 0)
			continue;
		for (uint32_t r = 0; r < MC_NRES; r++) {
			mc_vio v = {MC_CHECK_PLACE, MC_VS_FAILED, r, {0}};

			if (fit.status[r] == MC_FIT_HOST_BAD)
				v.status = MC_VS_TARGET_BAD;
			else if (fit.status[r] == MC_FIT_VM_BAD)
				v.status = MC_VS_UNKNOWN;
			else if (fit.status[r] != MC_FIT_SHORT)
				continue;
			tally_vio(t, &v, 1);
		}
	}
}

static int
vm_reasons(planner *pl, size_t vm, mc_plan_vm *out, size_t *counts,
	   size_t *seen)
{
	const vm_class *vc = &pl->vcs[pl->vmc.of[vm]];
	const mc_kind_classes *kc = &pl->kinds[vc->kind];
	uint32_t place = pl->rank[pl->inv->vms[vm].host];
	tally t = {pl, vc->kind, counts, seen, 0};
	mc_plan_reason *list;

	if (pl->factored[vc->kind]) {
		mc_factored_reasons(pl->factored[vc->kind], pl->vmc.of[vm], place,
				    tally_vio, &t);
	} else {
		for (size_t c = 0; c < kc->targets.nclasses; c++) {
			const outcome *o = &pl->out[vc->outcomes + c];
			size_t size = kc->targets.start[c + 1] - kc->targets.start[c];

			if (c == kc->targets.of[place])
				size--;
			/* A check gives one violation per pair: count hosts. */
			for (size_t i = 0; size && i < o->nvio; i++)
				tally_vio(&t, &pl->vios[o->vio + i], size);
			if (pl->placed[vc->kind])
				tally_placement(pl, &t, vm, c);
		}
	}
	/* A reason that could not be put into words leaves memory short. */
	list = pl->nomem ? NULL : mc_arena_calloc(mc_owned_arena(pl->res), t.nseen + 1,
						 sizeof(*list));
	if (!list)
		return -1;
	for (size_t i = 0; i < t.nseen; i++) {
		list[i] = pl->reasons[seen[i]];
		list[i].hosts = counts[seen[i]];
		counts[seen[i]] = 0;
	}
	qsort(list, t.nseen, sizeof(*list), reason_cmp);
	out->reasons = list;
	out->nreasons = t.nseen;
	return pl->nomem ? -1 : 0;
}

/* ------------------------------------------------------------------------
 * The plan
 */

/* Hosts by name: rank and byname, and the result's copy of each name. */
static int
order_hosts(planner *pl)
{
	size_t n = pl->inv->nhosts;
	mc_arena *a = mc_owned_arena(pl->res);

	pl->rank = mc_arena_alloc(&pl->work, (n + 1) * sizeof(*pl->rank));
	pl->byname = mc_arena_alloc(&pl->work, (n + 1) * sizeof(*pl->byname));
	pl->host_names = mc_arena_calloc(a, n + 1, sizeof(*pl->host_names));
	pl->host_clusters = mc_arena_calloc(a, n + 1, sizeof(*pl->host_clusters));
	if (!pl->rank || !pl->byname || !pl->host_names || !pl->host_clusters ||
	    mc_inventory_by_name(pl->inv, pl->byname) < 0)
		return -1;
	for (size_t h = 0; h < n; h++) {
		pl->host_names[h] = mc_keep(a, &pl->nomem, pl->inv->hosts[h].name);
		pl->host_clusters[h] = mc_keep(a, &pl->nomem, pl->inv->hosts[h].cluster);
	}
	for (size_t i = 0; i < n; i++)
		pl->rank[pl->byname[i]] = (uint32_t)i;
	return pl->nomem ? -1 : 0;
}

/* Step 1 for every VM planned; a VM no kind covers gets its reason. */
static int
select_kinds(planner *pl, mc_plan_vm *vms)
{
	const mc_inventory *inv = pl->inv;
	mc_arena *a = mc_owned_arena(pl->res);

	for (size_t v = 0; v < inv->nvms; v++) {
		mc_why why;
		int unknown = -1, k;

		if (pl->skip[v])
			continue;
		k = mc_select_kind(&pl->ctx, mc_fleet_vm_values(pl->f, v),
				   inv->vms[v].host, &why, &unknown);
		pl->vm_kind[v] = k;
		if (k >= 0) {
			vms[v].kind = mc_keep(a, &pl->nomem, pl->p->kinds[k].name);
			continue;
		}
		pl->skip[v] = 1;
		mc_no_kind_words(&pl->ctx, &pl->buf, v, k, unknown, &why);
		vms[v].error = mc_keep_buf(a, &pl->nomem, &pl->buf);
	}
	return pl->nomem ? -1 : 0;
}

/* A VM class of a kind evaluated apart: its hosts and its best, and for
 * each of its VMs whether its own host is among them. set and tmp have room
 * for a set of hosts; tmp for the places and ratings of the best too. */
static int
eval_factored(planner *pl, size_t c, pick *scratch, uint64_t *set, uint64_t *tmp)
{
	vm_class *vc = &pl->vcs[c];
	mc_factored *fk = pl->factored[vc->kind];
	size_t words = mc_factored_words(fk), want = pl->top + 1, n;
	uint32_t *places = (uint32_t *)(tmp + words);
	uint8_t *ratings = (uint8_t *)(places + want);
	long allowed;

	if ((allowed = mc_factored_allowed(fk, c, set)) < 0)
		return -1;
	vc->allowed = (size_t)allowed;
	for (size_t i = pl->vmc.start[c]; i < pl->vmc.start[c + 1]; i++) {
		size_t v = pl->vmc.members[i];
		uint32_t place = pl->rank[pl->inv->vms[v].host];

		pl->own_allowed[v] = (set[place / 64] >> (place % 64)) & 1;
	}
	n = mc_factored_best(fk, c, set, want, places, ratings, tmp);
	for (size_t i = 0; i < n; i++) {
		scratch[i].place = places[i];
		scratch[i].rating = ratings[i];
	}
	vc->best = mc_arena_memdup(&pl->work, scratch, n, sizeof(*scratch));
	if (n && !vc->best)
		return -1;
	vc->nbest = n;
	return 0;
}

/* Every VM class against every target class of its kind, or, for a kind
 * evaluated apart, against its checks' sets of hosts. */
static int
evaluate(planner *pl)
{
	size_t total = 0, done = 0, words = (pl->inv->nhosts + 63) / 64 + 1;
	mc_pair_result pr;
	pick *scratch;
	uint64_t *set, *tmp;
	int rc = 0;

	pl->vcs = mc_arena_calloc(&pl->work, pl->vmc.nclasses + 1, sizeof(*pl->vcs));
	if (!pl->vcs)
		return -1;
	for (size_t c = 0; c < pl->vmc.nclasses; c++) {
		int k = pl->vm_kind[pl->vmc.first[c]];

		pl->vcs[c].kind = k;
		pl->vcs[c].outcomes = total;
		if (!pl->factored[k])
			total += pl->kinds[k].targets.nclasses;
	}
	pl->out = mc_arena_alloc(&pl->work, (total + 1) * sizeof(*pl->out));
	pr.vio = calloc(pl->p->max_violations + 1, sizeof(*pr.vio));
	scratch = calloc(5 * (pl->top + 1), sizeof(*scratch));
	/* A set, then the places and ratings of mc_factored_best. */
	tmp = calloc(words + (pl->top + 1) + 1, sizeof(*tmp));
	set = calloc(words, sizeof(*set));
	if (!pl->out || !pr.vio || !scratch || !tmp || !set) {
		rc = -1;
		goto out;
	}
	for (size_t c = 0; c < pl->vmc.nclasses && rc == 0; c++) {
		if (pl->factored[pl->vcs[c].kind])
			rc = eval_factored(pl, c, scratch, set, tmp);
		else
			rc = eval_vm_class(pl, c, &pr, scratch);
		done++;
		if (pl->req->progress && (c % 256 == 255 || done == pl->vmc.nclasses))
			pl->req->progress(pl->req->progress_arg, done, pl->vmc.nclasses);
	}
	pl->res->evaluations += total;
out:
	free(pr.vio);
	free(scratch);
	free(tmp);
	free(set);
	return rc;
}

/* The targets of VM v of a kind placement rates: every host its class may
 * go to, placed; the best `top`, and how many take it. scratch has room
 * for 5 * (top + 1) picks. */
static int
vm_targets_placed(planner *pl, size_t v, mc_plan_vm *out, pick *scratch)
{
	const vm_class *vc = &pl->vcs[pl->vmc.of[v]];
	const mc_kind_classes *kc = &pl->kinds[vc->kind];
	size_t own = pl->inv->vms[v].host, want = pl->top, n = 0, allowed = 0;
	mc_plan_target *t;
	mc_fit fit;

	for (size_t c = 0; c < kc->targets.nclasses; c++) {
		const outcome *o = &pl->out[vc->outcomes + c];

		if (!o->allowed)
			continue;
		for (size_t j = kc->targets.start[c]; j < kc->targets.start[c + 1]; j++) {
			uint32_t place = kc->targets.members[j];
			int rating;

			if (pl->byname[place] == own ||
			    (rating = place_on(pl, v, pl->byname[place], o->held, &fit)) < 0)
				continue;
			allowed++;
			scratch[n].place = place;
			scratch[n].rating = (uint8_t)rating;
			if (++n >= 4 * (want + 1)) {
				qsort(scratch, n, sizeof(*scratch), pick_cmp);
				n = want;
			}
		}
	}
	qsort(scratch, n, sizeof(*scratch), pick_cmp);
	if (n > want)
		n = want;
	t = mc_arena_calloc(mc_owned_arena(pl->res), n + 1, sizeof(*t));
	if (!t)
		return -1;
	for (size_t i = 0; i < n; i++) {
		uint32_t host = pl->byname[scratch[i].place];

		t[i].host = pl->host_names[host];
		t[i].cluster = pl->host_clusters[host];
		t[i].rating_halves = scratch[i].rating;
	}
	out->targets = t;
	out->ntargets = n;
	out->allowed = allowed;
	return 0;
}

/* The targets of VM v: its class's best, less its own host. The VMs of a
 * class whose own host is not among its best share one list. */
static int
vm_targets(planner *pl, size_t v, mc_plan_vm *out)
{
	vm_class *vc = &pl->vcs[pl->vmc.of[v]];
	const mc_kind_classes *kc = &pl->kinds[vc->kind];
	size_t own = pl->inv->vms[v].host, n = 0, count = 0;
	bool mine = false;
	mc_plan_target *t;

	for (size_t i = 0; i < vc->nbest && count < pl->top; i++) {
		if (pl->byname[vc->best[i].place] == own)
			mine = true;
		else
			count++;
	}
	if (!mine && vc->targets) {
		out->targets = vc->targets;
		out->ntargets = vc->ntargets;
	} else {
		t = mc_arena_calloc(mc_owned_arena(pl->res), count, sizeof(*t));
		if (!t)
			return -1;
		for (size_t i = 0; i < vc->nbest && n < count; i++) {
			uint32_t host = pl->byname[vc->best[i].place];

			if (host == own)
				continue;
			t[n].host = pl->host_names[host];
			t[n].cluster = pl->host_clusters[host];
			t[n].rating_halves = vc->best[i].rating;
			n++;
		}
		out->targets = t;
		out->ntargets = n;
		if (!mine) {
			vc->targets = t;
			vc->ntargets = n;
		}
	}
	out->allowed = vc->allowed;
	if (pl->factored[vc->kind])
		out->allowed -= pl->own_allowed[v];
	else if (pl->out[vc->outcomes + kc->targets.of[pl->rank[own]]].allowed)
		out->allowed--;
	return 0;
}

static int
fan_out(planner *pl, mc_plan_vm *vms)
{
	size_t *counts = calloc(pl->nreason_slots + 1, sizeof(*counts));
	size_t *seen = calloc(pl->nreason_slots + 1, sizeof(*seen));
	int rc = 0;

	pick *scratch = calloc(5 * (pl->top + 1), sizeof(*scratch));

	if (!counts || !seen || !scratch)
		rc = -1;
	for (size_t v = 0; v < pl->inv->nvms && rc == 0; v++) {
		if (pl->skip[v]) {
			pl->res->nunplaced += vms[v].error != NULL;
			continue;
		}
		rc = pl->placed[pl->vm_kind[v]]
		     ? vm_targets_placed(pl, v, &vms[v], scratch)
		     : vm_targets(pl, v, &vms[v]);
		pl->res->pairs += pl->inv->nhosts ? pl->inv->nhosts - 1 : 0;
		if (rc == 0 && !vms[v].allowed) {
			pl->res->nunplaced++;
			rc = vm_reasons(pl, v, &vms[v], counts, seen);
		}
	}
	free(counts);
	free(seen);
	free(scratch);
	return rc == 0 && !pl->nomem ? 0 : -1;
}

static int
plan(planner *pl, long only)
{
	const mc_inventory *inv = pl->inv;
	const mc_policy *p = pl->p;
	mc_plan_vm *vms;
	mc_vm_key vk = {pl->f, NULL, pl->kinds, pl->req->by_pairs};
	mc_class_key key = {mc_vm_hash, mc_vm_equal, &vk};
	mc_arena *a = mc_owned_arena(pl->res);
	size_t slots = p->nhost_require + p->nrules + MC_NRES;

	vms = mc_arena_calloc(a, inv->nvms + 1, sizeof(*vms));
	pl->vm_kind = mc_arena_calloc(&pl->work, inv->nvms + 1, sizeof(*pl->vm_kind));
	pl->skip = mc_arena_calloc(&pl->work, inv->nvms + 1, 1);
	pl->own_allowed = mc_arena_calloc(&pl->work, inv->nvms + 1, 1);
	pl->reason_base = mc_arena_calloc(&pl->work, p->nkinds + 1,
					  sizeof(*pl->reason_base));
	if (!vms || !pl->vm_kind || !pl->skip || !pl->own_allowed ||
	    !pl->reason_base)
		return -1;
	for (size_t k = 0; k < p->nkinds; k++) {
		pl->reason_base[k] = slots;
		slots += p->checks[k].nmatch + p->checks[k].ncompare;
	}
	pl->nreason_slots = slots * 4;
	pl->reasons = mc_arena_calloc(&pl->work, pl->nreason_slots + 1,
				      sizeof(*pl->reasons));
	if (!pl->reasons || order_hosts(pl) < 0)
		return -1;
	for (size_t v = 0; v < inv->nvms; v++) {
		vms[v].name = mc_keep(a, &pl->nomem, inv->vms[v].name);
		vms[v].host = pl->host_names[inv->vms[v].host];
		vms[v].state = mc_keep(a, &pl->nomem, inv->vms[v].state);
		pl->skip[v] = only >= 0 && inv->vms[v].host != (size_t)only;
	}
	if (pl->nomem || select_kinds(pl, vms) < 0)
		return -1;
	for (size_t k = 0; k < p->nkinds; k++) {
		if (build_host_classes(pl, (int)k) < 0)
			return -1;
		pl->res->host_classes += pl->kinds[k].targets.nclasses;
	}
	vk.vm_kind = pl->vm_kind;
	if (mc_classes_build(&pl->vmc, inv->nvms, &key, pl->skip, &pl->work) < 0)
		return -1;
	for (size_t k = 0; k < p->nkinds && !pl->req->by_pairs; k++) {
		if (mc_factored_new(&pl->factored[k], &pl->ctx, (int)k, false,
				    &pl->vmc, pl->vm_kind, pl->byname, &pl->work) < 0)
			return -1;
		if (pl->factored[k])
			pl->res->evaluations += mc_factored_evaluations(pl->factored[k]);
	}
	if (evaluate(pl) < 0 || fan_out(pl, vms) < 0)
		return -1;
	pl->res->vm_classes = pl->vmc.nclasses;
	/* Only the VMs asked about are listed. */
	size_t n = 0;
	for (size_t v = 0; v < inv->nvms; v++) {
		if (only < 0 || inv->vms[v].host == (size_t)only)
			vms[n++] = vms[v];
	}
	pl->res->vms = vms;
	pl->res->nvms = n;
	return 0;
}

int
mc_plan(mc_plan_result **out, const mc_fleet *f, const mc_plan_request *req,
	mc_diag *diag)
{
	planner pl;
	long only = -1;
	int rc = MC_OK;

	*out = NULL;
	if (req->host && (only = mc_inventory_find_host(f->inv, req->host)) < 0) {
		mc_diag_error(diag, "no host named '%s' in the inventory", req->host);
		return MC_EUSAGE;
	}
	memset(&pl, 0, sizeof(pl));
	pl.f = f;
	pl.p = f->policy;
	pl.inv = f->inv;
	pl.req = req;
	/* No VM has more targets than there are hosts. */
	pl.top = req->top ? req->top : DEFAULT_TOP;
	if (pl.top > f->inv->nhosts)
		pl.top = f->inv->nhosts;
	mc_arena_init(&pl.work);
	if ((rc = mc_ctx_init(&pl.ctx, f, req->budget)) != MC_OK)
		return rc;
	/* Placement is judged VM by VM, after the classes (place_on). */
	pl.ctx.skip_place = true;
	pl.res = mc_owned_new(sizeof(*pl.res));
	if (!pl.res) {
		rc = MC_ENOMEM;
		goto out;
	}
	if (plan(&pl, only) < 0) {
		rc = MC_ENOMEM;
		goto out;
	}
	pl.res->policy_name = mc_keep(mc_owned_arena(pl.res), &pl.nomem, pl.p->name);
	pl.res->policy_file = mc_keep(mc_owned_arena(pl.res), &pl.nomem, pl.p->file);
	pl.res->policy_digest = mc_keep(mc_owned_arena(pl.res), &pl.nomem,
					pl.p->digest);
	pl.res->host = mc_keep(mc_owned_arena(pl.res), &pl.nomem, req->host);
	pl.res->top = req->top ? req->top : DEFAULT_TOP;
	pl.res->nhosts = pl.inv->nhosts;
	if (pl.nomem) {
		rc = MC_ENOMEM;
		goto out;
	}
	*out = pl.res;
	pl.res = NULL;
out:
	mc_owned_free(pl.res);
	free(pl.vios);
	mc_buf_free(&pl.buf);
	mc_arena_release(&pl.work);
	mc_ctx_release(&pl.ctx);
	return rc;
}

void
mc_plan_result_free(mc_plan_result *res)
{
	mc_owned_free(res);
}
