/* SPDX-License-Identifier: MIT */
/*
 * classes.c - what a kind reads, and items grouped by it.
 */
#include "fleet/classes.h"

#include <stdlib.h>
#include <string.h>

#include <xxhash.h>


static void
ref_reads(mc_reads *r, mc_ref ref)
{
	switch (ref.scope) {
	case MC_SCOPE_VM:
		r->vm[ref.index] = 1;
		break;
	case MC_SCOPE_SOURCE:
		r->source[ref.index] = 1;
		break;
	default:
		r->target[ref.index] = 1;
		break;
	}
}

static void
cond_reads(mc_reads *r, const mc_cond *c)
{
	if (!c)
		return;
	if (c->type == MC_COND_LEAF) {
		ref_reads(r, c->subject);
		if (c->operand_is_ref)
			ref_reads(r, c->operand_ref);
		return;
	}
	for (size_t i = 0; i < c->nkids; i++)
		cond_reads(r, c->kids[i]);
}

static int
reads_init(mc_reads *r, const mc_policy *p, mc_arena *arena)
{
	memset(r, 0, sizeof(*r));
	r->target = mc_arena_calloc(arena, p->host_paths.count + 1, 1);
	r->source = mc_arena_calloc(arena, p->host_paths.count + 1, 1);
	r->vm = mc_arena_calloc(arena, p->vm_paths.count + 1, 1);
	return r->target && r->source && r->vm ? 0 : -1;
}

/* Does c read a path of the VM? */
static bool
cond_reads_vm(const mc_cond *c)
{
	if (!c)
		return false;
	if (c->type == MC_COND_LEAF)
		return c->subject.scope == MC_SCOPE_VM ||
		       (c->operand_is_ref && c->operand_ref.scope == MC_SCOPE_VM);
	for (size_t i = 0; i < c->nkids; i++) {
		if (cond_reads_vm(c->kids[i]))
			return true;
	}
	return false;
}

static bool
rule_reads_vm(const mc_rule *rule)
{
	if (rule->require)
		return cond_reads_vm(rule->require);
	if (!rule->has_uses)
		return true;
	for (size_t u = 0; u < rule->nuses; u++) {
		if (rule->uses[u].scope == MC_SCOPE_VM)
			return true;
	}
	return false;
}

/* What `placement` reads: the VM's resources and load, the target's
 * resources and use. */
static void
fit_reads(mc_reads *r, const mc_placement *pl)
{
	for (size_t i = 0; i < MC_NPH; i++)
		r->target[pl->host_path[i]] = 1;
	for (size_t i = 0; i < MC_NPV; i++)
		r->vm[pl->vm_path[i]] = 1;
}

static int reads_of_kind(mc_reads *r, const mc_policy *p, int kind,
			 bool hosts_only, bool placement, mc_arena *arena);

int
mc_reads_of_kind(mc_reads *r, const mc_policy *p, int kind, bool hosts_only,
		 mc_arena *arena)
{
	return reads_of_kind(r, p, kind, hosts_only, !hosts_only, arena);
}

int
mc_reads_of_kind_checks(mc_reads *r, const mc_policy *p, int kind,
			mc_arena *arena)
{
	return reads_of_kind(r, p, kind, false, false, arena);
}

static int
reads_of_kind(mc_reads *r, const mc_policy *p, int kind, bool hosts_only,
	      bool placement, mc_arena *arena)
{
	const mc_kind_checks *kc = &p->checks[kind];

	if (reads_init(r, p, arena) < 0)
		return -1;
	r->skip_host = mc_arena_calloc(arena, p->nhost_require + 1, 1);
	r->skip_rule = mc_arena_calloc(arena, p->nrules + 1, 1);
	if (!r->skip_host || !r->skip_rule)
		return -1;
	for (size_t i = 0; i < p->nhost_require; i++) {
		if (hosts_only && cond_reads_vm(p->host_require[i].cond))
			r->skip_host[i] = 1;
		else
			cond_reads(r, p->host_require[i].cond);
	}
	for (size_t i = 0; i < p->nrelax; i++)
		cond_reads(r, p->relax[i].when);
	for (size_t i = 0; i < kc->nmatch; i++)
		r->fields |= (uint64_t)1 << kc->match[i].field;
	for (size_t i = 0; i < kc->ncompare; i++)
		r->fields |= (uint64_t)1 << kc->compare[i].field;
	for (size_t i = 0; i < p->nrules; i++) {
		const mc_rule *rule = &p->rules[i];

		if (!(rule->kinds & (1u << kind)))
			continue;
		if (hosts_only && rule_reads_vm(rule)) {
			r->skip_rule[i] = 1;
		} else if (rule->require) {
			cond_reads(r, rule->require);
		} else if (!rule->has_uses) {
			r->opaque = true;
		} else {
			for (size_t u = 0; u < rule->nuses; u++)
				ref_reads(r, rule->uses[u]);
		}
	}
	/* Placement reads the VM and the target's resources; a matrix of
	 * hosts leaves it out. */
	if (placement && p->placement.on && (p->placement.kinds & (1u << kind)))
		fit_reads(r, &p->placement);
	/* Preferences grade moves; they do not decide them, and a matrix
	 * shows which moves are possible. */
	for (size_t i = 0; i < p->nprefer && !hosts_only; i++) {
		if (p->prefer[i].field >= 0)
			r->fields |= (uint64_t)1 << p->prefer[i].field;
		else
			cond_reads(r, p->prefer[i].when);
	}
	return 0;
}

int
mc_reads_of_check(mc_reads *r, const mc_policy *p, int kind,
		  mc_check_type check, size_t index, mc_arena *arena)
{
	const mc_kind_checks *kc = &p->checks[kind];
	const mc_rule *rule;

	if (reads_init(r, p, arena) < 0)
		return -1;
	switch (check) {
	case MC_CHECK_HOST:
		cond_reads(r, p->host_require[index].cond);
		break;
	case MC_CHECK_MATCH:
		r->fields = (uint64_t)1 << kc->match[index].field;
		break;
	case MC_CHECK_COMPARE:
		r->fields = (uint64_t)1 << kc->compare[index].field;
		break;
	case MC_CHECK_RELAX:
		cond_reads(r, p->relax[index].when);
		break;
	case MC_CHECK_RULE:
		rule = &p->rules[index];
		if (rule->require)
			cond_reads(r, rule->require);
		else if (!rule->has_uses)
			r->opaque = true;
		for (size_t u = 0; u < rule->nuses; u++)
			ref_reads(r, rule->uses[u]);
		break;
	case MC_CHECK_PLACE:
		fit_reads(r, &p->placement);
		break;
	default:
		if (p->prefer[index].field >= 0)
			r->fields = (uint64_t)1 << p->prefer[index].field;
		else
			cond_reads(r, p->prefer[index].when);
		break;
	}
	return 0;
}

static bool
cond_reads_target(const mc_cond *c)
{
	if (!c)
		return false;
	if (c->type == MC_COND_LEAF)
		return c->subject.scope == MC_SCOPE_TARGET ||
		       (c->operand_is_ref && c->operand_ref.scope == MC_SCOPE_TARGET);
	for (size_t i = 0; i < c->nkids; i++) {
		if (cond_reads_target(c->kids[i]))
			return true;
	}
	return false;
}

bool
mc_relax_reads_target(const mc_policy *p)
{
	for (size_t i = 0; i < p->nrelax; i++) {
		if (cond_reads_target(p->relax[i].when))
			return true;
	}
	return false;
}

static uint64_t
fval_hash(const mc_fval *v, uint64_t h)
{
	h = mc_hash_mix(h, v->status + 1);
	if (v->status != MC_FV_OK)
		return h;
	if (v->items || v->count)
		return mc_hash_mix(h, XXH3_64bits(v->items, v->count * sizeof(*v->items)));
	h = mc_hash_mix(h, (uint64_t)v->num);
	return v->text ? mc_hash_mix(h, XXH3_64bits(v->text, v->len)) : h;
}

/* Bound values that every check sees alike: the same status, and the same
 * text, number or members (sets are interned, so members compare as
 * pointers). */
static bool
fval_same(const mc_fval *a, const mc_fval *b)
{
	if (a->status != b->status)
		return false;
	if (a->status != MC_FV_OK)
		return true;
	if (a->count != b->count || a->num != b->num || a->len != b->len ||
	    !a->text != !b->text)
		return false;
	if (a->count && memcmp(a->items, b->items, a->count * sizeof(*a->items)) != 0)
		return false;
	return !a->text || memcmp(a->text, b->text, a->len) == 0;
}

uint64_t
mc_host_hash(const void *arg, size_t host)
{
	const mc_host_key *k = arg;
	const mc_fleet *f = k->fleet;
	const mc_node *const *vals;
	uint64_t h = 0;

	if (k->order)
		host = k->order[host];
	vals = mc_fleet_host_values(f, host);
	if (k->opaque)
		return mc_hash_mix(0, host);
	for (size_t i = 0; i < f->nhost_paths; i++) {
		if (k->paths[i])
			h = mc_value_hash(vals[i], h);
	}
	for (size_t i = 0; i < f->nfields; i++) {
		if (!(k->fields & ((uint64_t)1 << i)))
			continue;
		h = fval_hash(mc_fleet_field(f, host, i), h);
		if (f->policy->fields[i].source_cluster)
			h = fval_hash(mc_fleet_source_field(f, host, i), h);
	}
	return h;
}

bool
mc_host_equal(const void *arg, size_t a, size_t b)
{
	const mc_host_key *k = arg;
	const mc_fleet *f = k->fleet;
	const mc_node *const *va, *const *vb;

	if (k->order) {
		a = k->order[a];
		b = k->order[b];
	}
	va = mc_fleet_host_values(f, a);
	vb = mc_fleet_host_values(f, b);
	if (k->opaque)
		return a == b;
	for (size_t i = 0; i < f->nhost_paths; i++) {
		if (k->paths[i] && !mc_value_equal(va[i], vb[i], MC_CLASS_EQ))
			return false;
	}
	for (size_t i = 0; i < f->nfields; i++) {
		if (!(k->fields & ((uint64_t)1 << i)))
			continue;
		if (!fval_same(mc_fleet_field(f, a, i), mc_fleet_field(f, b, i)))
			return false;
		/* as sources, hosts of two clusters differ */
		if (f->policy->fields[i].source_cluster &&
		    !fval_same(mc_fleet_source_field(f, a, i),
			       mc_fleet_source_field(f, b, i)))
			return false;
	}
	return true;
}

/* ------------------------------------------------------------------------
 * Grouping
 */

int
mc_classes_build(mc_classes *c, size_t n, const mc_class_key *key,
		 const uint8_t *skip, mc_arena *arena)
{
	size_t cap = 16, mask;
	uint32_t *slots, *pos;

	while (cap < 2 * n)
		cap *= 2;
	mask = cap - 1;
	memset(c, 0, sizeof(*c));
	c->nitems = n;
	c->of = mc_arena_alloc(arena, (n + 1) * sizeof(*c->of));
	c->first = mc_arena_alloc(arena, (n + 1) * sizeof(*c->first));
	c->members = mc_arena_alloc(arena, (n + 1) * sizeof(*c->members));
	slots = calloc(cap, sizeof(*slots));   /* class + 1; 0 is empty */
	if (!c->of || !c->first || !c->members || !slots) {
		free(slots);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		size_t s;

		if (skip && skip[i]) {
			c->of[i] = UINT32_MAX;
			continue;
		}
		s = key->hash(key->arg, i) & mask;
		while (slots[s] && !key->equal(key->arg, c->first[slots[s] - 1], i))
			s = (s + 1) & mask;
		if (!slots[s]) {
			c->first[c->nclasses] = (uint32_t)i;
			slots[s] = (uint32_t)++c->nclasses;
		}
		c->of[i] = slots[s] - 1;
	}
	free(slots);
	/* Members class by class, in item order: count each class, sum the
	 * counts into where each class begins, then place. */
	c->start = mc_arena_calloc(arena, c->nclasses + 1, sizeof(*c->start));
	pos = calloc(c->nclasses + 1, sizeof(*pos));
	if (!c->start || !pos) {
		free(pos);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (c->of[i] != UINT32_MAX)
			c->start[c->of[i] + 1]++;
	}
	for (size_t k = 1; k <= c->nclasses; k++)
		c->start[k] += c->start[k - 1];
	memcpy(pos, c->start, c->nclasses * sizeof(*pos));
	for (size_t i = 0; i < n; i++) {
		if (c->of[i] != UINT32_MAX)
			c->members[pos[c->of[i]]++] = (uint32_t)i;
	}
	free(pos);
	return 0;
}

int
mc_kind_classes_build(mc_kind_classes *kc, const mc_fleet *f,
		      const uint32_t *byname, bool opaque, mc_arena *arena)
{
	mc_class_key key;

	kc->target_key = (mc_host_key){f, byname, kc->reads.target,
				       kc->reads.fields, opaque};
	kc->source_key = (mc_host_key){f, NULL, kc->reads.source,
				       kc->reads.fields, opaque};
	key = (mc_class_key){mc_host_hash, mc_host_equal, &kc->target_key};
	if (mc_classes_build(&kc->targets, f->inv->nhosts, &key, NULL, arena) < 0)
		return -1;
	key.arg = &kc->source_key;
	return mc_classes_build(&kc->sources, f->inv->nhosts, &key, NULL, arena);
}

uint64_t
mc_vm_hash(const void *arg, size_t v)
{
	const mc_vm_key *key = arg;
	const mc_fleet *f = key->fleet;
	int k = key->vm_kind[v];
	const mc_kind_classes *kc = &key->kinds[k];
	const mc_node *const *vals = mc_fleet_vm_values(f, v);
	uint64_t h = mc_hash_mix((uint64_t)k, kc->sources.of[f->inv->vms[v].host]);

	if (kc->reads.opaque || key->opaque)
		return mc_hash_mix(h, v);
	for (size_t i = 0; i < f->nvm_paths; i++) {
		if (kc->reads.vm[i])
			h = mc_value_hash(vals[i], h);
	}
	return h;
}

bool
mc_vm_equal(const void *arg, size_t a, size_t b)
{
	const mc_vm_key *key = arg;
	const mc_fleet *f = key->fleet;
	int k = key->vm_kind[a];
	const mc_kind_classes *kc = &key->kinds[k];
	const mc_node *const *va = mc_fleet_vm_values(f, a);
	const mc_node *const *vb = mc_fleet_vm_values(f, b);

	if (k != key->vm_kind[b] ||
	    kc->sources.of[f->inv->vms[a].host] != kc->sources.of[f->inv->vms[b].host])
		return false;
	if (kc->reads.opaque || key->opaque)
		return a == b;
	for (size_t i = 0; i < f->nvm_paths; i++) {
		if (kc->reads.vm[i] && !mc_value_equal(va[i], vb[i], MC_CLASS_EQ))
			return false;
	}
	return true;
}
