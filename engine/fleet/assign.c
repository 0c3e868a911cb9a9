/* SPDX-License-Identifier: MIT */
/*
 * assign.c - mc_assignment_make(): one target for every VM, within every
 * host's room.
 *
 * What the policy allows, room aside, is decided by classes as for a plan
 * (classes.h): per kind, hosts alike in what its checks read of a target,
 * and VMs alike in what they read of the VM and its host, placement left
 * out; one evaluation per class pair.
 *
 * Then the VMs are placed one after the other so that as many as can be
 * are: the smallest first (least memory, then fewest hosts allowed, then
 * inventory order), each on the host where it leaves the least memory
 * free among those the policy allows and where it still fits with what
 * the VMs placed before it took (placement's every resource a hard
 * limit) -- best fit, the classic heuristic for packing the most items --
 * ties to the higher rating, then by name; what it needs is added to that
 * host's use. Each target class keeps its hosts by free memory, so a VM
 * finds the first host with its memory free by bisection and looks no
 * further than the first that fits. A policy whose placement does not
 * weigh memory places each VM on its best-rated host instead.
 *
 * Then each VM left over tries to make room on one of the hosts it may go
 * to by moving the VMs placed there to other hosts (make_room()).
 */
#include <stdlib.h>
#include <string.h>

#include "fleet/classes.h"
#include "fleet/factor.h"
#include "eval/eval.h"
#include "eval/keep.h"



typedef struct assigner {
	const mc_fleet *f;
	const mc_policy *p;
	const mc_inventory *inv;
	mc_ctx ctx;
	mc_arena work;
	mc_buf buf;
	bool nomem;
	mc_assignment *res;
	mc_kind_classes kinds[MC_MAX_KINDS];
	/* When placement weighs memory: every place by the memory its host
	 * has free, least first (then by name); pos: each place's index in
	 * it. */
	uint32_t *by_free;
	uint32_t *free_pos;
	bool have_kind[MC_MAX_KINDS];
	int *vm_kind;            /* per VM: its kind, or -1 */
	uint8_t *skip;           /* per VM: not assigned */
	mc_classes vmc;
	/* What the policy allows: for a kind evaluated apart (factor.h), per
	 * VM class the set of places that allow it; for the others, per VM
	 * class and target class an outcome. */
	mc_factored *apart[MC_MAX_KINDS];
	size_t words;            /* in a set */
	uint64_t *sets;          /* per VM class evaluated apart, at set_of */
	size_t *set_of;
	size_t *first_out;       /* per VM class not: its first outcome */
	uint8_t *allowed;        /* per outcome */
	uint64_t *held;          /* per outcome: preference weight held */
	size_t *class_hosts;     /* per VM class: the hosts that allow it */
	uint32_t *byname;        /* per place by name: the host */
	uint32_t *rank;          /* per host: its place by name */
	int64_t (*more)[MC_NRES];  /* per host: room taken by the VMs placed */
	long *first_on;          /* per host: the first VM placed on it, or -1 */
	int64_t *free_mb;        /* per host: memory free for VMs, INT64_MIN
	                            when it cannot be read; NULL when
	                            placement does not weigh memory */
	int64_t *cpus;           /* per host: its processors, 0 when its CPU
	                            cannot be read or is not considered */
	int64_t *cpu_free;       /* and its CPU free before the VMs placed */
	/* Per VM: */
	bool *no_kind;           /* no kind covers it */
	size_t *compatible;      /* hosts the policy allows, its own aside */
	size_t *full;            /* of those, hosts without room for it */
	int64_t *memory;         /* the memory it needs, -1 when it says none */
	int64_t *demand;         /* its CPU demand (fit.h), or -1 */
	const char **why;        /* why it stays, or NULL */
	long *target;            /* its host by the assignment, or -1 */
	long *next_on;           /* the next VM placed on its target, or -1 */
	int64_t (*taken)[MC_NRES];  /* what it takes there */
	uint8_t *rating;         /* there, in half stars */
	size_t *order;           /* the VMs placed, in the order placed */
	size_t nplaced;
	size_t looks;            /* hosts looked at by best fit */
} assigner;

/* ------------------------------------------------------------------------
 * What the policy allows
 */

static int
host_classes(assigner *as, int k)
{
	mc_kind_classes *kc = &as->kinds[k];

	if (mc_reads_of_kind_checks(&kc->reads, as->p, k, &as->work) < 0)
		return -1;
	return mc_kind_classes_build(kc, as->f, as->byname, kc->reads.opaque,
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

/* What the policy allows, room aside: for each VM class, the set of
 * places if its kind's checks can be evaluated apart, else the outcome of
 * one evaluation per target class of its kind. */
static int
evaluate(assigner *as)
{
	mc_vm_key vk = {as->f, as->vm_kind, as->kinds, false};
	mc_class_key key = {mc_vm_hash, mc_vm_equal, &vk};
	size_t nc, nout = 0, nsets = 0;
	mc_pair_result pr;

	if (mc_classes_build(&as->vmc, as->inv->nvms, &key, as->skip,
			     &as->work) < 0)
		return -1;
	nc = as->vmc.nclasses + 1;
	as->words = (as->inv->nhosts + 63) / 64;
	as->first_out = mc_arena_alloc(&as->work, nc * sizeof(*as->first_out));
	as->set_of = mc_arena_alloc(&as->work, nc * sizeof(*as->set_of));
	as->class_hosts = mc_arena_calloc(&as->work, nc, sizeof(*as->class_hosts));
	if (!as->first_out || !as->set_of || !as->class_hosts)
		return -1;
	for (int k = 0; k < MC_MAX_KINDS; k++) {
		if (as->have_kind[k] &&
		    mc_factored_new(&as->apart[k], &as->ctx, k, true, &as->vmc,
				    as->vm_kind, as->byname, &as->work) < 0)
			return -1;
	}
	for (size_t c = 0; c < as->vmc.nclasses; c++) {
		int k = as->vm_kind[as->vmc.first[c]];

		as->first_out[c] = nout;
		as->set_of[c] = nsets;
		if (as->apart[k])
			nsets++;
		else
			nout += as->kinds[k].targets.nclasses;
	}
	as->sets = mc_arena_alloc(&as->work, (nsets * as->words + 1) *
				  sizeof(*as->sets));
	as->allowed = mc_arena_alloc(&as->work, nout + 1);
	as->held = mc_arena_alloc(&as->work, (nout + 1) * sizeof(*as->held));
	pr.vio = calloc(as->p->max_violations + 1, sizeof(*pr.vio));
	if (!as->sets || !as->allowed || !as->held || !pr.vio) {
		free(pr.vio);
		return -1;
	}
	for (size_t c = 0; c < as->vmc.nclasses; c++) {
		size_t v = as->vmc.first[c];
		int k = as->vm_kind[v];
		const mc_classes *t = &as->kinds[k].targets;
		mc_vmview view;

		if (as->apart[k]) {
			long n = mc_factored_allowed(as->apart[k], c,
						     as->sets + as->set_of[c] * as->words);

			if (n < 0) {
				free(pr.vio);
				return -1;
			}
			as->class_hosts[c] = (size_t)n;
			continue;
		}
		view = mc_ctx_vm(&as->ctx, v);
		for (size_t tc = 0; tc < t->nclasses; tc++) {
			size_t o = as->first_out[c] + tc;

			mc_eval_pair(&as->ctx, &view, as->inv->vms[v].host,
				     as->byname[t->first[tc]], k, &pr);
			as->allowed[o] = pr.allowed;
			as->held[o] = pr.held;
			if (pr.allowed)
				as->class_hosts[c] += t->start[tc + 1] - t->start[tc];
		}
	}
	free(pr.vio);
	return 0;
}

/* Whether the policy lets a VM of class c (of kind k) go to the host at
 * place i. */
static bool
allowed_at(const assigner *as, size_t c, int k, size_t i)
{
	const uint64_t *set;

	if (!as->apart[k])
		return as->allowed[as->first_out[c] + as->kinds[k].targets.of[i]];
	set = as->sets + as->set_of[c] * as->words;
	return (set[i / 64] >> (i % 64)) & 1;
}

/* And the preferences' weight that holds there. */
static uint64_t
held_at(const assigner *as, size_t c, int k, size_t i)
{
	if (!as->apart[k])
		return as->held[as->first_out[c] + as->kinds[k].targets.of[i]];
	return mc_factored_held(as->apart[k], c, (uint32_t)i);
}

/* ------------------------------------------------------------------------
 * Placing
 */

/* The memory each VM needs, -1 when it does not say, and its CPU
 * demand. */
static void
read_memory(assigner *as)
{
	const mc_placement *pl = &as->p->placement;

	for (size_t v = 0; v < as->inv->nvms; v++) {
		const mc_node *n = mc_fleet_vm_values(as->f, v)[pl->vm_path[MC_PV_MEMORY]];

		as->memory[v] = n && n->kind == MC_NODE_SCALAR &&
				n->type == MC_SCALAR_INT ? n->num : -1;
		as->demand[v] = mc_fit_cpu_demand(pl, mc_fleet_vm_values(as->f, v));
	}
}

/* A VM's place in the order of placing: the smallest first. */
typedef struct turn {
	int64_t memory;
	size_t compatible;
	size_t vm;
} turn;

static int
turn_cmp(const void *pa, const void *pb)
{
	const turn *a = pa, *b = pb;

	if (a->memory != b->memory)
		return a->memory < b->memory ? -1 : 1;
	if (a->compatible != b->compatible)
		return a->compatible < b->compatible ? -1 : 1;
	return (a->vm > b->vm) - (a->vm < b->vm);
}

/* Counts the hosts the policy allows each VM, its own aside. */
static void
count_compatible(assigner *as)
{
	for (size_t v = 0; v < as->inv->nvms; v++) {
		size_t c = as->vmc.of[v];

		if (as->skip[v])
			continue;
		as->compatible[v] = as->class_hosts[c] -
			allowed_at(as, c, as->vm_kind[v], as->rank[as->inv->vms[v].host]);
	}
}

/* The order of places within a target class: less memory free first,
 * then by name. */
static bool
before(const assigner *as, uint32_t a, uint32_t b)
{
	int64_t x = as->free_mb[as->byname[a]], y = as->free_mb[as->byname[b]];

	return x < y || (x == y && a < b);
}

/* Sorts places[0..n) by before(), stably: a bottom-up merge sort, which
 * needs no comparison function with a context (qsort's has none). */
static void
sort_places(const assigner *as, uint32_t *places, uint32_t *tmp, size_t n)
{
	for (size_t width = 1; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t a = lo, b = mid, k = lo;

			while (a < mid && b < hi)
				tmp[k++] = before(as, places[b], places[a]) ? places[b++]
					: places[a++];
			while (a < mid)
				tmp[k++] = places[a++];
			while (b < hi)
				tmp[k++] = places[b++];
		}
		memcpy(places, tmp, n * sizeof(*places));
	}
}

/* Memory host h has free for VMs, after its reserve and what the VMs
 * placed took; INT64_MIN when its record does not say. */
static int64_t
free_memory(const assigner *as, size_t h)
{
	int64_t f = mc_fit_free_memory(&as->p->placement,
				       mc_fleet_host_values(as->f, h));

	return f == INT64_MIN ? f : f - as->more[h][MC_RES_MEMORY];
}

/* When placement weighs memory: each host's free memory, and the places
 * laid out by it. */
static int
lay_out(assigner *as)
{
	size_t n = as->inv->nhosts;
	uint32_t *tmp;

	if (!as->p->placement.importance[MC_RES_MEMORY])
		return 0;
	as->free_mb = mc_arena_alloc(&as->work, (n + 1) * sizeof(*as->free_mb));
	as->by_free = mc_arena_alloc(&as->work, (n + 1) * sizeof(*as->by_free));
	as->free_pos = mc_arena_alloc(&as->work, (n + 1) * sizeof(*as->free_pos));
	tmp = mc_arena_alloc(&as->work, (n + 1) * sizeof(*tmp));
	if (!as->free_mb || !as->by_free || !as->free_pos || !tmp)
		return -1;
	as->cpus = mc_arena_calloc(&as->work, n + 1, sizeof(*as->cpus));
	as->cpu_free = mc_arena_calloc(&as->work, n + 1, sizeof(*as->cpu_free));
	if (!as->cpus || !as->cpu_free)
		return -1;
	for (size_t h = 0; h < n; h++) {
		as->free_mb[h] = free_memory(as, h);
		if (!mc_fit_cpu_host(&as->p->placement, mc_fleet_host_values(as->f, h),
				     &as->cpus[h], &as->cpu_free[h]))
			as->cpus[h] = 0;
	}
	for (size_t i = 0; i < n; i++)
		as->by_free[i] = (uint32_t)i;
	sort_places(as, as->by_free, tmp, n);
	for (size_t i = 0; i < n; i++)
		as->free_pos[as->by_free[i]] = (uint32_t)i;
	return 0;
}

/* Host h's free memory changed: it moves in by_free, which stays ordered
 * by before(). */
static void
resort(assigner *as, size_t h)
{
	uint32_t place = as->rank[h], *order = as->by_free, *pos = as->free_pos;
	size_t i, end = as->inv->nhosts;

	if (!as->free_mb)
		return;
	as->free_mb[h] = free_memory(as, h);
	i = pos[place];
	while (i > 0 && before(as, place, order[i - 1])) {
		order[i] = order[i - 1];
		pos[order[i]] = (uint32_t)i;
		i--;
	}
	while (i + 1 < end && before(as, order[i + 1], place)) {
		order[i] = order[i + 1];
		pos[order[i]] = (uint32_t)i;
		i++;
	}
	order[i] = place;
	pos[place] = (uint32_t)i;
}

/* The best place so far for a VM. */
typedef struct choice {
	int64_t left;            /* memory it would leave free (best fit) */
	double x;                /* its rating before rounding */
	long place;              /* or -1 */
	uint64_t held;
	mc_fit fit;
} choice;

/* What a host the VM does not fit on is counted under: the first of
 * memory, CPU, disk and network it lacks, or UNREADABLE. */
#define UNREADABLE MC_NRES

static int
first_short(const mc_fit *fit)
{
	static const mc_resource order[MC_NRES] = {
		MC_RES_MEMORY, MC_RES_CPU, MC_RES_DISK, MC_RES_NETWORK
	};

	for (int i = 0; i < MC_NRES; i++) {
		if (fit->status[order[i]] == MC_FIT_SHORT)
			return order[i];
	}
	return UNREADABLE;
}

/* Tries the host at place i for VM v: counts it in shortfall when v does
 * not fit, else keeps it when it is better: less memory left free when
 * packing, then a higher rating, then earlier by name. Returns whether v
 * fits. */
static bool
try_place(const assigner *as, size_t v, size_t i, uint64_t held, bool rated,
	  choice *best, size_t *shortfall)
{
	const mc_placement *pl = &as->p->placement;
	size_t h = as->byname[i];
	int64_t left = 0;
	mc_fit fit;
	double x;

	if (rated) {
		mc_fit_read(pl, mc_fleet_vm_values(as->f, v),
			    mc_fleet_host_values(as->f, h), &fit);
		mc_fit_judge(pl, &fit, as->more[h], true);
		if (!fit.fits) {
			shortfall[first_short(&fit)]++;
			return false;
		}
		x = (pl->weight * fit.score + (double)held) /
		    (pl->weight + as->p->prefer_total);
		if (as->free_mb)
			left = as->free_mb[h] - fit.need[MC_RES_MEMORY];
	} else {
		x = as->p->prefer_total ? (double)held / as->p->prefer_total : 1;
	}
	if (best->place < 0 || left < best->left ||
	    (left == best->left && (x > best->x ||
				    (x == best->x && (long)i < best->place)))) {
		best->left = left;
		best->x = x;
		best->place = (long)i;
		best->held = held;
		if (rated)
			best->fit = fit;
	}
	return true;
}

/* The first index of by_free[lo, hi) with at least need free. */
static size_t
first_with(const assigner *as, size_t lo, size_t hi, int64_t need)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (as->free_mb[as->byname[as->by_free[mid]]] < need)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Whether VM v is short of CPU on host h, as mc_fit_judge would find
 * it, told from numbers kept at hand; false when they do not say. */
static bool
short_of_cpu(const assigner *as, size_t v, size_t h)
{
	int64_t d = as->demand[v], n = as->cpus[h];

	return d >= 0 && n > 0 &&
	       d / n + (d % n != 0) > as->cpu_free[h] - as->more[h][MC_RES_CPU];
}

/* Best fit for VM v, its own host and `avoid` aside: from the first place
 * by free memory with enough for it, the first host the policy allows where
 * it fits is the best, with any that leave as much free. When none is,
 * shortfall counts every host the policy allows (but avoid) by what it
 * lacks: those before the first with enough, memory, or that they cannot
 * be read. */
static void
best_fit(assigner *as, size_t v, size_t avoid, choice *best,
	 size_t *shortfall)
{
	size_t c = as->vmc.of[v], own = as->inv->vms[v].host, n = as->inv->nhosts;
	size_t from = first_with(as, 0, n, as->memory[v]);
	size_t tried = 0, bad = 0;
	int k = as->vm_kind[v];
	int64_t found = INT64_MIN;

	for (size_t j = from; j < n; j++) {
		size_t i = as->by_free[j], h = as->byname[i];

		as->looks++;
		if (found != INT64_MIN && as->free_mb[h] != found)
			break;
		/* No better fit than one found already. */
		if (best->place >= 0 && as->free_mb[h] - as->memory[v] > best->left)
			break;
		if (h == own || h == avoid || !allowed_at(as, c, k, i))
			continue;
		tried++;
		/* Most hosts with memory enough are short of CPU: told apart
		 * without reading the fleet. */
		if (short_of_cpu(as, v, h)) {
			shortfall[MC_RES_CPU]++;
			continue;
		}
		if (try_place(as, v, i, held_at(as, c, k, i), true, best, shortfall))
			found = as->free_mb[h];
	}
	if (best->place >= 0)
		return;
	/* Those whose resources cannot be read come first. */
	for (size_t j = 0; j < from; j++) {
		size_t i = as->by_free[j], h = as->byname[i];

		if (as->free_mb[h] != INT64_MIN)
			break;
		bad += h != own && allowed_at(as, c, k, i);
	}
	shortfall[UNREADABLE] += bad;
	shortfall[MC_RES_MEMORY] += as->compatible[v] - tried - bad;
}

/* Whether the assignment packs by memory: placement weighs it for VM v's
 * kind, and v says how much it needs. */
static bool
packs(const assigner *as, size_t v)
{
	const mc_placement *pl = &as->p->placement;
	int k = as->vm_kind[v];

	return pl->on && (pl->kinds & (1u << k)) && as->by_free &&
	       as->memory[v] >= 0;
}

/* The best host VM v still fits on, other than its own and `avoid` (or
 * best->place -1); shortfall[MC_NRES + 1] counts the hosts it does not
 * fit on by what they lack. */
static void
find_place(assigner *as, size_t v, size_t avoid, choice *best,
	   size_t *shortfall)
{
	const mc_placement *pl = &as->p->placement;
	size_t c = as->vmc.of[v], own = as->inv->vms[v].host;
	int k = as->vm_kind[v];
	const mc_classes *t = &as->kinds[k].targets;
	bool rated = pl->on && (pl->kinds & (1u << k));

	memset(best, 0, sizeof(*best));
	best->place = -1;
	memset(shortfall, 0, (MC_NRES + 1) * sizeof(*shortfall));
	if (packs(as, v)) {
		best_fit(as, v, avoid, best, shortfall);
		return;
	}
	/* Packing by memory needs the VM's memory; without it every host is
	 * looked at (and fails it). */
	if (as->apart[k]) {
		for (size_t i = 0; i < as->inv->nhosts; i++) {
			size_t h = as->byname[i];

			if (h != own && h != avoid && allowed_at(as, c, k, i))
				try_place(as, v, i, held_at(as, c, k, i), rated, best,
					  shortfall);
		}
		return;
	}
	for (size_t tc = 0; tc < t->nclasses; tc++) {
		size_t o = as->first_out[c] + tc;
		uint64_t held = as->held[o];

		if (!as->allowed[o])
			continue;
		for (size_t j = t->start[tc]; j < t->start[tc + 1]; j++) {
			size_t i = t->members[j], h = as->byname[i];

			if (h == own || h == avoid)
				continue;
			/* Unrated, a class's hosts rate alike: its first is best. */
			if (try_place(as, v, i, held, rated, best, shortfall) && !rated)
				break;
		}
	}
}

/* Places VM v as chosen, taking its room on the host. */
static void
put(assigner *as, size_t v, const choice *best)
{
	const mc_placement *pl = &as->p->placement;
	size_t h = as->byname[best->place];
	bool rated = pl->on && (pl->kinds & (1u << as->vm_kind[v]));

	as->target[v] = (long)h;
	as->next_on[v] = as->first_on[h];
	as->first_on[h] = (long)v;
	as->rating[v] = rated ? mc_rating_placed(as->p, best->fit.score, best->held)
		: mc_rating_halves(as->p, best->held);
	if (!rated)
		return;
	for (int r = 0; r < MC_NRES; r++) {
		as->taken[v][r] = best->fit.status[r] == MC_FIT_FITS ?
			best->fit.need[r] : 0;
		as->more[h][r] += as->taken[v][r];
	}
	resort(as, h);
}

/* Takes placed VM v off its target, giving the room back. */
static void
lift(assigner *as, size_t v)
{
	size_t h = (size_t)as->target[v];
	long *link = &as->first_on[h];

	while (*link != (long)v)
		link = &as->next_on[*link];
	*link = as->next_on[v];
	as->target[v] = -1;
	for (int r = 0; r < MC_NRES; r++)
		as->more[h][r] -= as->taken[v][r];
	resort(as, h);
}

/* Fits VM v on the host at place i, if it fits there with what is placed
 * now. */
static bool
fit_at(assigner *as, size_t v, size_t i)
{
	size_t c = as->vmc.of[v], shortfall[MC_NRES + 1];
	int k = as->vm_kind[v];
	choice best;

	memset(&best, 0, sizeof(best));
	best.place = -1;
	if (!allowed_at(as, c, k, i) ||
	    !try_place(as, v, i, held_at(as, c, k, i), true, &best, shortfall))
		return false;
	put(as, v, &best);
	return true;
}

/* ------------------------------------------------------------------------
 * Making room
 *
 * Placing the smallest first, best fit leaves room in scraps, and the
 * hosts a VM of few targets needs may be filled by VMs that could go
 * anywhere. A VM left over tries the few hosts it may go to with the most
 * memory free; on each, the VMs placed there move elsewhere, the largest
 * first, each to its own best fit, until the VM fits; if it does not, they
 * go back. Room is only ever taken, never given back at a source, so any
 * order of the moves is executable, and a move that changes its target
 * keeps its turn.
 */

/* Making room stops when best fit has looked at this many hosts per VM and
 * host of the fleet, since it began: on the fleets of bench/assign it
 * looks at 3 to 28, and makes all the room it can; on fleets of 10,000
 * VMs and more, which it would take seconds to go through, it makes room
 * for the first VMs left over only. */
#define ROOM_LOOKS 64

/* How many hosts a VM left over tries: those with the most memory free
 * are the likeliest; more add little and cost a search per VM they
 * hold. */
#define ROOM_TRIES 8

/* The hosts VM v may go to with the most memory free (up to ROOM_TRIES,
 * most free first, its own aside), into places; returns how many. */
static size_t
roomiest(const assigner *as, size_t v, uint32_t *places)
{
	size_t c = as->vmc.of[v], own = as->inv->vms[v].host, n = 0;
	int k = as->vm_kind[v];

	for (size_t j = as->inv->nhosts; j > 0 && n < ROOM_TRIES; j--) {
		uint32_t place = as->by_free[j - 1];

		if (as->byname[place] != own && allowed_at(as, c, k, place))
			places[n++] = place;
	}
	return n;
}

/* Whether placed VM a moves before placed VM b: more memory first, then
 * in inventory order. */
static bool
heavier(const assigner *as, size_t a, size_t b)
{
	int64_t x = as->memory[a], y = as->memory[b];

	return x > y || (x == y && a < b);
}

/* Makes room for VM v on the host at place i by moving the VMs placed
 * there, and places it; or moves nothing back and returns false.
 * moved[] is scratch for as many VMs as the host holds. */
static bool
room_at(assigner *as, size_t v, size_t i, size_t *moved)
{
	size_t h = as->byname[i], n = 0, nmoved = 0;
	size_t shortfall[MC_NRES + 1];
	choice best;

	for (long w = as->first_on[h]; w >= 0; w = as->next_on[w])
		moved[n++] = (size_t)w;
	/* The largest first, then in inventory order. */
	for (size_t a = 1; a < n; a++) {
		size_t w = moved[a], b = a;

		for (; b > 0 && heavier(as, w, moved[b - 1]); b--)
			moved[b] = moved[b - 1];
		moved[b] = w;
	}
	/* moved[] lists the host's VMs, then (from the start, never past the
	 * one being read) those moved. */
	for (size_t j = 0; j < n; j++) {
		size_t w = moved[j];

		if (fit_at(as, v, i)) {
			as->order[as->nplaced++] = v;
			return true;
		}
		find_place(as, w, h, &best, shortfall);
		if (best.place < 0)
			continue;
		lift(as, w);
		put(as, w, &best);
		moved[nmoved++] = w;
	}
	if (fit_at(as, v, i)) {
		as->order[as->nplaced++] = v;
		return true;
	}
	/* Back, the last moved first: each finds the host as it left it. */
	while (nmoved-- > 0) {
		size_t w = moved[nmoved];

		lift(as, w);
		fit_at(as, w, i);
	}
	return false;
}

/* Makes room for each VM left over, the smallest first, once (a second
 * round places few more: on the fleets of bench/assign, a VM in a few
 * thousand), until best fit has looked at ROOM_LOOKS hosts per VM and
 * host. */
static void
make_room(assigner *as, const turn *turns, size_t n, size_t *scratch)
{
	uint32_t places[ROOM_TRIES];
	size_t budget = as->looks + ROOM_LOOKS * (as->inv->nvms + as->inv->nhosts);

	for (size_t i = 0; i < n && as->looks < budget; i++) {
		size_t v = turns[i].vm, np;

		if (as->target[v] >= 0 || !as->compatible[v] || !packs(as, v))
			continue;
		np = roomiest(as, v, places);
		for (size_t j = 0; j < np && !room_at(as, v, places[j], scratch); j++)
			;
	}
}

/* Why VM v stays where it is: "no host the policy allows", or "none of the
 * 4 hosts the policy allows has room left: memory short on 3, cpu short
 * on 1", each host counted once, under the first of memory, CPU, disk and
 * network it lacks. */
static void
say_why(assigner *as, size_t v, const size_t *shortfall)
{
	const char *sep = ": ";

	as->full[v] = 0;
	for (int r = 0; r <= MC_NRES; r++)
		as->full[v] += shortfall[r];
	if (!as->compatible[v]) {
		mc_buf_adds(&as->buf, "no host the policy allows (plan without "
			    "--assign lists the reasons)");
	} else {
		if (as->compatible[v] == 1)
			mc_buf_adds(&as->buf, "the one host the policy allows has no "
				    "room left");
		else
			mc_buf_addf(&as->buf, "none of the %zu hosts the policy allows "
				    "has room left", as->compatible[v]);
		static const int order[MC_NRES + 1] = {
			MC_RES_MEMORY, MC_RES_CPU, MC_RES_DISK, MC_RES_NETWORK, UNREADABLE
		};

		for (int i = 0; i <= MC_NRES; i++) {
			int r = order[i];

			if (!shortfall[r])
				continue;
			if (r == UNREADABLE)
				mc_buf_addf(&as->buf, "%s%zu whose resources cannot be "
					    "read", sep, shortfall[r]);
			else
				mc_buf_addf(&as->buf, "%s%s short on %zu", sep,
					    mc_resource_name((mc_resource)r),
					    shortfall[r]);
			sep = ", ";
		}
	}
	as->why[v] = mc_keep_buf(mc_owned_arena(as->res), &as->nomem, &as->buf);
}

/* Places VM v on its best fit, if it has one; else *shortfall says why. */
static void
place(assigner *as, size_t v, size_t *shortfall)
{
	choice best;

	find_place(as, v, SIZE_MAX, &best, shortfall);
	if (best.place < 0)
		return;
	put(as, v, &best);
	as->order[as->nplaced++] = v;
}

static int
place_all(assigner *as)
{
	size_t nv = as->inv->nvms + 1, n = 0, shortfall[MC_NRES + 1];
	turn *turns = mc_arena_alloc(&as->work, nv * sizeof(*turns));
	size_t *scratch = mc_arena_alloc(&as->work, nv * sizeof(*scratch));

	if (!turns || !scratch)
		return -1;
	for (size_t v = 0; v < as->inv->nvms; v++) {
		if (!as->skip[v])
			turns[n++] = (turn){as->memory[v] > 0 ? as->memory[v] : 0,
					    as->compatible[v], v};
	}
	qsort(turns, n, sizeof(*turns), turn_cmp);
	for (size_t i = 0; i < n; i++)
		place(as, turns[i].vm, shortfall);
	make_room(as, turns, n, scratch);
	/* Moving VMs may have left room for one that did not fit before. */
	for (size_t i = 0; i < n; i++) {
		size_t v = turns[i].vm;

		if (as->target[v] >= 0)
			continue;
		place(as, v, shortfall);
		if (as->target[v] < 0)
			say_why(as, v, shortfall);
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
	as->next_on = mc_arena_alloc(&as->work, nv * sizeof(*as->next_on));
	as->taken = mc_arena_calloc(&as->work, nv, sizeof(*as->taken));
	as->memory = mc_arena_alloc(&as->work, nv * sizeof(*as->memory));
	as->demand = mc_arena_alloc(&as->work, nv * sizeof(*as->demand));
	as->rating = mc_arena_calloc(&as->work, nv, 1);
	as->order = mc_arena_alloc(&as->work, nv * sizeof(*as->order));
	as->byname = mc_arena_alloc(&as->work, nh * sizeof(*as->byname));
	as->rank = mc_arena_alloc(&as->work, nh * sizeof(*as->rank));
	as->more = mc_arena_calloc(&as->work, nh, sizeof(*as->more));
	as->first_on = mc_arena_alloc(&as->work, nh * sizeof(*as->first_on));
	if (!as->vm_kind || !as->skip || !as->no_kind || !as->compatible ||
	    !as->full || !as->why || !as->target || !as->next_on ||
	    !as->taken || !as->memory || !as->demand || !as->rating || !as->order ||
	    !as->byname || !as->rank || !as->more || !as->first_on ||
	    mc_inventory_by_name(inv, as->byname) < 0)
		return -1;
	for (size_t i = 0; i < inv->nhosts; i++) {
		as->rank[as->byname[i]] = (uint32_t)i;
		as->first_on[i] = -1;
	}
	for (size_t v = 0; v < inv->nvms; v++) {
		as->vm_kind[v] = -1;
		as->target[v] = -1;
		as->skip[v] = only >= 0 && inv->vms[v].host != (size_t)only;
	}
	if (select_kinds(as) < 0 || evaluate(as) < 0)
		return -1;
	count_compatible(as);
	read_memory(as);
	if (lay_out(as) < 0 || place_all(as) < 0)
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
