/* SPDX-License-Identifier: MIT */
/*
 * factor.c - a kind's checks evaluated apart, combined as sets of hosts.
 */
#include "fleet/factor.h"

#include <stdlib.h>
#include <string.h>

#include "load/value.h"

/* Beyond this many class pairs over all of a kind's checks, evaluating the
 * kind's classes whole is cheaper. */
#define MAX_EVALUATIONS 8000000
#define MAX_PREFER 8
/* Set checks compare members as bits when the fleet has at most this
 * many distinct members (a processor's flags number in the hundreds). */
#define MAX_MEMBER_BITS 4096

/* One check (or preference) of the kind. */
typedef struct atom {
	mc_check_type check;
	uint32_t index;
	int32_t field;           /* a match or compare: its field; else -1 */
	uint32_t weight;         /* a preference: its weight */
	mc_reads reads;
	mc_host_key tkey;
	mc_classes targets;      /* over places by name */
	uint32_t *vside;         /* per VM class: its VM-side class */
	uint32_t *vfirst;        /* per VM-side class: a VM class of it */
	size_t nvside;
	int8_t *out;             /* [vside][target class]: MC_ONE_PASSED or
	                            a violation status */
	uint64_t **pass;         /* per VM-side class: the places it passes,
	                            made on first use */
} atom;

/* The preference subsets that give one rating. */
typedef struct level {
	uint8_t rating;
	uint32_t *subsets;
	size_t nsubsets;
} level;

struct mc_factored {
	mc_ctx *ctx;
	const mc_fleet *f;
	const mc_policy *p;
	int kind;
	const mc_classes *vmc;
	const uint32_t *byname;
	mc_arena *arena;
	size_t nhosts, words;
	atom *atoms;             /* the checks, then the preferences */
	size_t nchecks, natoms;
	uint64_t *drop;          /* per VM class: fields its relaxations drop */
	level *levels;           /* highest rating first */
	uint8_t *rating_of;      /* per subset of the preferences: its rating */
	size_t nlevels;
	size_t evaluations;      /* class pairs evaluated */
};

/* ------------------------------------------------------------------------
 * The VM side of a check: VM classes equal on what it reads of the VM and
 * of the VM's host.
 */

typedef struct vkey {
	const mc_factored *fk;
	const atom *a;
	mc_host_key source;
} vkey;

static uint64_t
vside_hash(const void *arg, size_t c)
{
	const vkey *k = arg;
	const mc_fleet *f = k->fk->f;
	size_t vm = k->fk->vmc->first[c];
	const mc_node *const *vals = mc_fleet_vm_values(f, vm);
	uint64_t h = mc_host_hash(&k->source, f->inv->vms[vm].host);

	for (size_t i = 0; i < f->nvm_paths; i++) {
		if (k->a->reads.vm[i])
			h = mc_value_hash(vals[i], h);
	}
	return h;
}

static bool
vside_equal(const void *arg, size_t a, size_t b)
{
	const vkey *k = arg;
	const mc_fleet *f = k->fk->f;
	size_t va = k->fk->vmc->first[a], vb = k->fk->vmc->first[b];
	const mc_node *const *xa = mc_fleet_vm_values(f, va);
	const mc_node *const *xb = mc_fleet_vm_values(f, vb);

	if (!mc_host_equal(&k->source, f->inv->vms[va].host, f->inv->vms[vb].host))
		return false;
	for (size_t i = 0; i < f->nvm_paths; i++) {
		if (k->a->reads.vm[i] && !mc_value_equal(xa[i], xb[i], MC_CLASS_EQ))
			return false;
	}
	return true;
}

/* ------------------------------------------------------------------------
 * Preparing
 */

static void
add_atom(mc_factored *fk, mc_check_type check, size_t index)
{
	atom *a = &fk->atoms[fk->natoms++];
	const mc_kind_checks *kc = &fk->p->checks[fk->kind];

	memset(a, 0, sizeof(*a));
	a->check = check;
	a->index = (uint32_t)index;
	a->field = check == MC_CHECK_MATCH ? (int32_t)kc->match[index].field
		   : check == MC_CHECK_COMPARE ? (int32_t)kc->compare[index].field : -1;
	if (check == MC_CHECK_PREFER)
		a->weight = fk->p->prefer[index].weight;
}

/* Groups both sides of atom a; returns its class pairs, or -1. */
static long
group(mc_factored *fk, atom *a, const uint8_t *skip)
{
	vkey vk;
	mc_class_key tkey = {mc_host_hash, mc_host_equal, &a->tkey};
	mc_class_key vside_key = {vside_hash, vside_equal, &vk};
	mc_classes vs;

	if (mc_reads_of_check(&a->reads, fk->p, fk->kind, a->check, a->index,
			      fk->arena) < 0)
		return -1;
	a->tkey = (mc_host_key){fk->f, fk->byname, a->reads.target, a->reads.fields,
				false};
	vk = (vkey){fk, a, {fk->f, NULL, a->reads.source, a->reads.fields, false}};
	if (mc_classes_build(&a->targets, fk->nhosts, &tkey, NULL, fk->arena) < 0 ||
	    mc_classes_build(&vs, fk->vmc->nclasses, &vside_key, skip,
				      fk->arena) < 0)
		return -1;
	a->vside = vs.of;
	a->vfirst = vs.first;
	a->nvside = vs.nclasses;
	return (long)(a->nvside * a->targets.nclasses);
}

/* A set's members as bits over the fleet's members, into bits (words
 * long); false when a member is not the fleet's. */
static bool
member_bits(const mc_fleet *f, const mc_fval *v, uint64_t *bits, size_t words)
{
	memset(bits, 0, words * sizeof(*bits));
	for (size_t i = 0; v->status == MC_FV_OK && i < v->count; i++) {
		size_t idx;

		if (!mc_strmap_get(&f->intern, v->items[i], strlen(v->items[i]), &idx))
			return false;
		bits[idx / 64] |= (uint64_t)1 << (idx % 64);
	}
	return true;
}

/* A set check (superset, subset or disjoint: eval) on field decided by
 * bits: the same answers as compare_holds() in eval.c, which merges the
 * members of two sets for every pair. Returns 1 when done, 0 when bits
 * cannot decide it, -1 when memory runs out. */
static int
sets_by_bits(const mc_fleet *f, unsigned eval, size_t field,
	     const uint32_t *sources, size_t ns, const uint32_t *targets,
	     size_t nt, int8_t *out)
{
	size_t words = (f->ninterned + 63) / 64 + 1;
	uint64_t *tbits = malloc((nt * words + words) * sizeof(*tbits));
	uint64_t *sbits = tbits + nt * words;
	int done = 1;

	if (!tbits)
		return -1;
	for (size_t t = 0; t < nt && done; t++)
		done = member_bits(f, mc_fleet_field(f, targets[t], field),
				   tbits + t * words, words);
	for (size_t v = 0; v < ns && done; v++) {
		const mc_fval *sv = mc_fleet_source_field(f, sources[v], field);

		if (!(done = member_bits(f, sv, sbits, words)))
			break;
		for (size_t t = 0; t < nt; t++) {
			const mc_fval *tv = mc_fleet_field(f, targets[t], field);
			const uint64_t *tb = tbits + t * words;
			uint64_t miss = 0;

			if (sv->status != MC_FV_OK) {
				out[v * nt + t] = MC_VS_SOURCE_BAD;
				continue;
			}
			if (tv->status != MC_FV_OK) {
				out[v * nt + t] = MC_VS_TARGET_BAD;
				continue;
			}
			for (size_t w = 0; w < words; w++)
				miss |= eval == MC_EVAL_SUPERSET ? sbits[w] & ~tb[w]
					: eval == MC_EVAL_SUBSET ? tb[w] & ~sbits[w]
					: tb[w] & sbits[w];
			out[v * nt + t] = miss ? MC_VS_FAILED : MC_ONE_PASSED;
		}
	}
	free(tbits);
	return done;
}

/* A value of an ordered check, to be ranked. */
typedef struct ranked {
	const mc_fval *v;
	uint32_t *rank;
} ranked;

static int
version_entry_cmp(const void *a, const void *b)
{
	const mc_fval *x = ((const ranked *)a)->v, *y = ((const ranked *)b)->v;

	return mc_version_cmp(x->text, x->len, y->text, y->len);
}

static int
integer_entry_cmp(const void *a, const void *b)
{
	const mc_fval *x = ((const ranked *)a)->v, *y = ((const ranked *)b)->v;

	return (x->num > y->num) - (x->num < y->num);
}

/* A match or compare (op) on a field of versions or integers decided by
 * ranks: every value of both sides sorted once, so that a pair compares
 * two numbers, with the answers of fval_equal() and compare_holds() in
 * eval.c. Returns 0, or -1 when memory runs out. */
static int
ordered_by_ranks(const mc_fleet *f, const mc_field *fd, const mc_op_info *op,
		 size_t field, const uint32_t *sources, size_t ns,
		 const uint32_t *targets, size_t nt, int8_t *out)
{
	size_t n = 0;
	int (*cmp)(const void *, const void *) = fd->type == MC_FT_VERSION
		? version_entry_cmp : integer_entry_cmp;
	uint32_t *rank = malloc((nt + ns + 1) * sizeof(*rank));
	ranked *all = malloc((nt + ns + 1) * sizeof(*all));
	const mc_fval **val = malloc((nt + ns + 1) * sizeof(*val));

	if (!rank || !all || !val) {
		free(rank);
		free(all);
		free(val);
		return -1;
	}
	/* Targets first, then the sources. */
	for (size_t t = 0; t < nt; t++)
		val[t] = mc_fleet_field(f, targets[t], field);
	for (size_t v = 0; v < ns; v++)
		val[nt + v] = mc_fleet_source_field(f, sources[v], field);
	for (size_t i = 0; i < nt + ns; i++) {
		if (val[i]->status == MC_FV_OK)
			all[n++] = (ranked){val[i], &rank[i]};
	}
	qsort(all, n, sizeof(*all), cmp);
	for (size_t i = 0, r = 0; i < n; i++) {
		if (i && cmp(&all[i - 1], &all[i]) != 0)
			r++;
		*all[i].rank = (uint32_t)r;
	}
	for (size_t v = 0; v < ns; v++) {
		for (size_t t = 0; t < nt; t++) {
			int8_t *o = &out[v * nt + t];
			uint32_t rs = rank[nt + v], rt = rank[t];

			if (val[nt + v]->status != MC_FV_OK)
				*o = MC_VS_SOURCE_BAD;
			else if (val[t]->status != MC_FV_OK)
				*o = MC_VS_TARGET_BAD;
			else
				*o = mc_op_orders(op, (rt > rs) - (rt < rs))
				     ? MC_ONE_PASSED : MC_VS_FAILED;
		}
	}
	free(rank);
	free(all);
	free(val);
	return 0;
}

int
mc_factor_field_pairs(const mc_fleet *f, int kind, mc_check_type check,
		      size_t index, const uint32_t *sources, size_t ns,
		      const uint32_t *targets, size_t nt, int8_t *out)
{
	const mc_kind_checks *kc = &f->policy->checks[kind];
	const mc_op_info *op;
	const mc_field *fd;
	size_t field;
	int done;

	if (check == MC_CHECK_MATCH) {
		field = kc->match[index].field;
		op = mc_op_info_of(MC_OP_EQ);
	} else if (check == MC_CHECK_COMPARE) {
		field = kc->compare[index].field;
		op = mc_op_info_of(kc->compare[index].op);
	} else {
		return 0;
	}
	fd = &f->policy->fields[field];
	if (check == MC_CHECK_COMPARE && fd->type == MC_FT_SET &&
	    f->ninterned <= MAX_MEMBER_BITS &&
	    (op->eval == MC_EVAL_SUPERSET || op->eval == MC_EVAL_SUBSET ||
	     op->eval == MC_EVAL_DISJOINT) &&
	    (done = sets_by_bits(f, op->eval, field, sources, ns, targets, nt,
				 out)) != 0)
		return done;
	if ((fd->type == MC_FT_VERSION || fd->type == MC_FT_INTEGER) &&
	    (check == MC_CHECK_MATCH || op->order))
		return ordered_by_ranks(f, fd, op, field, sources, ns, targets, nt,
					out) < 0 ? -1 : 1;
	return 0;
}

/* Evaluates every class pair of atom a, a VM class's first VM and its host
 * standing for the VM side, a class's first host for the targets. */
static int
evaluate(mc_factored *fk, atom *a)
{
	const mc_fleet *f = fk->f;
	size_t nt = a->targets.nclasses;
	uint32_t *sources, *targets;
	int done;

	a->out = mc_arena_alloc(fk->arena, a->nvside * nt + 1);
	a->pass = mc_arena_calloc(fk->arena, a->nvside + 1, sizeof(*a->pass));
	sources = mc_arena_alloc(fk->arena, (a->nvside + 1) * sizeof(*sources));
	targets = mc_arena_alloc(fk->arena, (nt + 1) * sizeof(*targets));
	if (!a->out || !a->pass || !sources || !targets)
		return -1;
	for (size_t v = 0; v < a->nvside; v++)
		sources[v] = (uint32_t)f->inv->vms[fk->vmc->first[a->vfirst[v]]].host;
	for (size_t t = 0; t < nt; t++)
		targets[t] = fk->byname[a->targets.first[t]];
	if ((done = mc_factor_field_pairs(f, fk->kind, a->check, a->index, sources,
					  a->nvside, targets, nt, a->out)) != 0)
		return done < 0 ? -1 : 0;
	for (size_t v = 0; v < a->nvside; v++) {
		size_t vm = fk->vmc->first[a->vfirst[v]];
		mc_vmview view = mc_ctx_vm(fk->ctx, vm);

		for (size_t t = 0; t < nt; t++)
			a->out[v * nt + t] = (int8_t)mc_eval_check(fk->ctx, &view,
				sources[v], targets[t], fk->kind, a->check, a->index);
	}
	return 0;
}

/* What relaxations drop for each VM class of the kind: they read the VM
 * and its host only. */
static int
relaxations(mc_factored *fk, const uint8_t *skip)
{
	const mc_policy *p = fk->p;

	fk->drop = mc_arena_calloc(fk->arena, fk->vmc->nclasses + 1, sizeof(*fk->drop));
	if (!fk->drop)
		return -1;
	for (size_t c = 0; c < fk->vmc->nclasses; c++) {
		size_t vm = fk->vmc->first[c];
		mc_env env;

		if (skip[c])
			continue;
		env = mc_ctx_env(fk->ctx, mc_fleet_vm_values(fk->f, vm),
				 fk->f->inv->vms[vm].host, NULL);
		for (size_t i = 0; i < p->nrelax; i++) {
			if (mc_cond_eval(p->relax[i].when, &env, NULL) == MC_TRUE)
				fk->drop[c] |= p->relax[i].drop;
		}
	}
	return 0;
}

/* The preference subsets grouped by the rating they give, highest first. */
static int
rating_levels(mc_factored *fk)
{
	size_t np = fk->natoms - fk->nchecks, nsub = (size_t)1 << np;
	uint8_t *of = mc_arena_alloc(fk->arena, nsub);
	size_t count[11] = {0};

	fk->levels = mc_arena_calloc(fk->arena, 11, sizeof(*fk->levels));
	if (!of || !fk->levels)
		return -1;
	for (size_t s = 0; s < nsub; s++) {
		uint64_t held = 0;

		for (size_t j = 0; j < np; j++) {
			if (s & ((size_t)1 << j))
				held += fk->atoms[fk->nchecks + j].weight;
		}
		of[s] = mc_rating_halves(fk->p, held);
		count[of[s]]++;
	}
	fk->rating_of = of;
	for (int r = 10; r >= 0; r--) {
		level *l;

		if (!count[r])
			continue;
		l = &fk->levels[fk->nlevels++];
		l->rating = (uint8_t)r;
		l->subsets = mc_arena_alloc(fk->arena, count[r] * sizeof(*l->subsets));
		if (!l->subsets)
			return -1;
		for (size_t s = 0; s < nsub; s++) {
			if (of[s] == r)
				l->subsets[l->nsubsets++] = (uint32_t)s;
		}
	}
	return 0;
}

static bool
qualifies(const mc_policy *p, int kind, bool placed)
{
	if (mc_relax_reads_target(p) || p->nprefer > MAX_PREFER)
		return false;
	/* A host's rating under `placement` is its own, not a preference's
	 * set of hosts: only a caller that rates it can use the sets. */
	if (!placed && p->placement.on && (p->placement.kinds & (1u << kind)))
		return false;
	for (size_t i = 0; i < p->nrules; i++) {
		const mc_rule *r = &p->rules[i];

		if ((r->kinds & (1u << kind)) && !r->require && !r->has_uses)
			return false;
	}
	return true;
}

int
mc_factored_new(mc_factored **out, mc_ctx *ctx, int kind, bool placed,
		const mc_classes *vmc, const int *vm_kind, const uint32_t *byname,
		mc_arena *arena)
{
	const mc_policy *p = ctx->fleet->policy;
	const mc_kind_checks *kc = &p->checks[kind];
	mc_factored *fk;
	uint8_t *skip;
	long pairs = 0;

	*out = NULL;
	if (!qualifies(p, kind, placed))
		return 1;
	fk = mc_arena_calloc(arena, 1, sizeof(*fk));
	skip = mc_arena_alloc(arena, vmc->nclasses + 1);
	if (!fk || !skip)
		return -1;
	fk->ctx = ctx;
	fk->f = ctx->fleet;
	fk->p = p;
	fk->kind = kind;
	fk->vmc = vmc;
	fk->byname = byname;
	fk->arena = arena;
	fk->nhosts = fk->f->inv->nhosts;
	fk->words = (fk->nhosts + 63) / 64;
	fk->atoms = mc_arena_calloc(arena, p->nhost_require + kc->nmatch +
				    kc->ncompare + p->nrules + p->nprefer + 1,
				    sizeof(*fk->atoms));
	if (!fk->atoms)
		return -1;
	for (size_t i = 0; i < p->nhost_require; i++)
		add_atom(fk, MC_CHECK_HOST, i);
	for (size_t i = 0; i < kc->nmatch; i++)
		add_atom(fk, MC_CHECK_MATCH, i);
	for (size_t i = 0; i < kc->ncompare; i++)
		add_atom(fk, MC_CHECK_COMPARE, i);
	for (size_t i = 0; i < p->nrules; i++) {
		if (p->rules[i].kinds & (1u << kind))
			add_atom(fk, MC_CHECK_RULE, i);
	}
	fk->nchecks = fk->natoms;
	for (size_t i = 0; i < p->nprefer; i++)
		add_atom(fk, MC_CHECK_PREFER, i);
	for (size_t c = 0; c < vmc->nclasses; c++)
		skip[c] = vm_kind[vmc->first[c]] != kind;
	for (size_t i = 0; i < fk->natoms; i++) {
		long n = group(fk, &fk->atoms[i], skip);

		if (n < 0)
			return -1;
		pairs += n;
		if (pairs > MAX_EVALUATIONS)
			return 1;
	}
	fk->evaluations = (size_t)pairs;
	for (size_t i = 0; i < fk->natoms; i++) {
		if (evaluate(fk, &fk->atoms[i]) < 0)
			return -1;
	}
	if (relaxations(fk, skip) < 0 || rating_levels(fk) < 0)
		return -1;
	*out = fk;
	return 0;
}

/* ------------------------------------------------------------------------
 * Combining
 */

size_t
mc_factored_words(const mc_factored *fk)
{
	return fk->words;
}

size_t
mc_factored_evaluations(const mc_factored *fk)
{
	return fk->evaluations;
}

/* The places that atom a lets through for VM class c. */
static const uint64_t *
pass_set(mc_factored *fk, atom *a, size_t c)
{
	size_t v = a->vside[c], nt = a->targets.nclasses;
	uint64_t *set = a->pass[v];

	if (set)
		return set;
	set = mc_arena_calloc(fk->arena, fk->words + 1, sizeof(*set));
	if (!set)
		return NULL;
	for (size_t t = 0; t < nt; t++) {
		if (a->out[v * nt + t] != MC_ONE_PASSED)
			continue;
		for (size_t m = a->targets.start[t]; m < a->targets.start[t + 1]; m++) {
			uint32_t place = a->targets.members[m];

			set[place / 64] |= (uint64_t)1 << (place % 64);
		}
	}
	a->pass[v] = set;
	return set;
}

static bool
dropped(const mc_factored *fk, const atom *a, size_t c)
{
	return a->field >= 0 && (fk->drop[c] & ((uint64_t)1 << a->field));
}

long
mc_factored_allowed(mc_factored *fk, size_t c, uint64_t *set)
{
	long n = 0;

	for (size_t w = 0; w < fk->words; w++)
		set[w] = ~(uint64_t)0;
	if (fk->nhosts % 64)
		set[fk->words - 1] = ((uint64_t)1 << (fk->nhosts % 64)) - 1;
	for (size_t i = 0; i < fk->nchecks; i++) {
		atom *a = &fk->atoms[i];
		const uint64_t *pass;

		if (dropped(fk, a, c))
			continue;
		if (!(pass = pass_set(fk, a, c)))
			return -1;
		for (size_t w = 0; w < fk->words; w++)
			set[w] &= pass[w];
	}
	/* The preferences' sets too, so that mc_factored_best allocates
	 * nothing. */
	for (size_t i = fk->nchecks; i < fk->natoms; i++) {
		if (!pass_set(fk, &fk->atoms[i], c))
			return -1;
	}
	for (size_t w = 0; w < fk->words; w++)
		n += __builtin_popcountll(set[w]);
	return n;
}

uint64_t
mc_factored_held(const mc_factored *fk, size_t c, uint32_t place)
{
	uint64_t held = 0;

	/* Made by mc_factored_allowed. */
	for (size_t j = fk->nchecks; j < fk->natoms; j++) {
		const atom *a = &fk->atoms[j];

		if ((a->pass[a->vside[c]][place / 64] >> (place % 64)) & 1)
			held += a->weight;
	}
	return held;
}

size_t
mc_factored_best(mc_factored *fk, size_t c, const uint64_t *set, size_t want,
		 uint32_t *places, uint8_t *ratings, uint64_t *scratch)
{
	size_t np = fk->natoms - fk->nchecks, n = 0;
	const uint64_t *prefer[MAX_PREFER];

	/* Made by mc_factored_allowed. */
	for (size_t j = 0; j < np; j++)
		prefer[j] = fk->atoms[fk->nchecks + j].pass[fk->atoms[fk->nchecks + j].vside[c]];
	for (size_t l = 0; l < fk->nlevels && n < want; l++) {
		const level *lv = &fk->levels[l];

		/* The hosts whose preferences that hold give this rating. */
		memset(scratch, 0, fk->words * sizeof(*scratch));
		for (size_t s = 0; s < lv->nsubsets; s++) {
			uint32_t sub = lv->subsets[s];

			for (size_t w = 0; w < fk->words; w++) {
				uint64_t x = set[w];

				for (size_t j = 0; j < np; j++)
					x &= (sub & (1u << j)) ? prefer[j][w] : ~prefer[j][w];
				scratch[w] |= x;
			}
		}
		for (size_t w = 0; w < fk->words && n < want; w++) {
			uint64_t x = scratch[w];

			while (x && n < want) {
				places[n] = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(x));
				ratings[n++] = lv->rating;
				x &= x - 1;
			}
		}
	}
	return n;
}

void
mc_factored_ratings(const mc_factored *fk, size_t c, const uint64_t *set,
		    uint8_t *ratings)
{
	size_t np = fk->natoms - fk->nchecks;
	const uint64_t *prefer[MAX_PREFER];

	/* Made by mc_factored_allowed. */
	for (size_t j = 0; j < np; j++)
		prefer[j] = fk->atoms[fk->nchecks + j].pass[fk->atoms[fk->nchecks + j].vside[c]];
	for (size_t w = 0; w < fk->words; w++) {
		uint64_t x = set[w];

		while (x) {
			unsigned b = (unsigned)__builtin_ctzll(x);
			uint32_t sub = 0;

			for (size_t j = 0; j < np; j++)
				sub |= (uint32_t)((prefer[j][w] >> b) & 1) << j;
			ratings[w * 64 + b] = fk->rating_of[sub];
			x &= x - 1;
		}
	}
}

void
mc_factored_reasons(const mc_factored *fk, size_t c, uint32_t own,
		    void (*count)(void *arg, const mc_vio *vio, size_t hosts),
		    void *arg)
{
	for (size_t i = 0; i < fk->nchecks; i++) {
		const atom *a = &fk->atoms[i];
		size_t v = a->vside[c], nt = a->targets.nclasses;
		mc_vio vio;

		if (dropped(fk, a, c))
			continue;
		memset(&vio, 0, sizeof(vio));
		vio.check = (uint8_t)a->check;
		vio.index = a->index;
		for (size_t t = 0; t < nt; t++) {
			int o = a->out[v * nt + t];
			size_t hosts = a->targets.start[t + 1] - a->targets.start[t];

			if (o == MC_ONE_PASSED)
				continue;
			if (a->targets.of[own] == t)
				hosts--;
			if (!hosts)
				continue;
			vio.status = (uint8_t)o;
			count(arg, &vio, hosts);
		}
	}
}
