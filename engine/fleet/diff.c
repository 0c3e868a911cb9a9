/* SPDX-License-Identifier: MIT */
/*
 * diff.c - mc_diff(): what changes between two policies, move by move, by
 * classes.
 *
 * Each policy picks a VM's kind from its values and reads, for that kind,
 * some paths of the VM, some of its host (source fields, over the cluster
 * for a `source: cluster` field) and some of the target (classes.h). VMs
 * equal on what either policy reads of them form one class, and each class
 * is decided once under each policy against every host: a kind that
 * qualifies has its checks evaluated apart and combined as sets of hosts
 * (factor.h), any other is evaluated once per class of targets. The two
 * verdicts of each host are compared; for a host where they differ, both
 * pairs are evaluated again to name the violations gained and lost, and
 * the way the move changes is kept once however many moves change alike.
 * The changes are then fanned out to the class's VMs, less each VM's own
 * host. Nothing is kept of a move that does not change.
 */
#include <stdlib.h>
#include <string.h>

#include "fleet/classes.h"
#include "eval/eval.h"
#include "fleet/factor.h"
#include "eval/keep.h"
#include "util/diag.h"
#include "util/grow.h"

/* A place's verdict under one policy: 0 refused, else ALLOWED | rating. */
#define ALLOWED 0x80

/* One policy: its kinds' classes and its verdicts on the class at hand. */
typedef struct side {
	const mc_fleet *f;
	const mc_policy *p;
	mc_ctx ctx;
	bool ready;                    /* ctx made */
	int *vm_kind;                  /* per VM: its kind, or -1 */
	mc_reads reads[MC_MAX_KINDS];
	mc_host_key source_key[MC_MAX_KINDS], target_key[MC_MAX_KINDS];
	mc_classes sources[MC_MAX_KINDS];   /* hosts as the VM's host */
	mc_classes targets[MC_MAX_KINDS];   /* places, for a kind evaluated
	                                       class pair by class pair */
	mc_factored *factored[MC_MAX_KINDS];
	uint8_t *state;                /* per place, for the class at hand */
	mc_pair_result pr;
	/* Kept in the result, each the first time it is needed. */
	const char *kind_names[MC_MAX_KINDS];
	const char **host_ids;         /* per host requirement */
	const char **rule_ids;         /* per rule */
	const char *place_ids[MC_NRES];  /* per resource of `placement` */
	const char **match_ids;        /* per field */
	const char **compare_ids;      /* per field */
} side;

/* A host whose move changes for a VM class, and how. */
typedef struct hit {
	uint32_t host;
	const mc_diff_move *move;
} hit;

typedef struct class_hits {
	hit *hits;                     /* by host */
	size_t n;
} class_hits;

/* A result, with what mc_diff_next() reads to make a VM's changes. */
typedef struct diff_result {
	mc_diff_result pub;            /* first: the caller's pointer */
	size_t nvms;
	const uint32_t *class_of;      /* per VM: its class, UINT32_MAX when
	                                  no policy covers it */
	const class_hits *hits;        /* per VM class */
	const uint32_t *own;           /* per VM: its host */
	const char **vm_names;         /* per VM that has changes */
	const char **host_names;       /* per host that some change targets */
	mc_diff_change *scratch;       /* a VM's changes, made by_vm */
} diff_result;

typedef struct differ {
	const mc_inventory *inv;
	const mc_diff_request *req;
	side s[2];
	mc_arena work;
	mc_buf buf;
	bool nomem;
	diff_result *res;
	uint8_t *skip;                 /* per VM: no policy covers it */
	mc_classes vmc;
	uint32_t *byname;              /* per place by name: the host */
	uint64_t *set;                 /* a set of places */
	class_hits *hits;              /* per VM class, in the result */
	hit *scratch;                  /* the hits of the class at hand */
	/* The ways moves change, each kept once (open addressing). */
	mc_diff_move **moves;
	size_t nmoves, capmoves;
	const char **ids;              /* scratch for gained and lost */
	size_t capids;
	mc_diff_tally *tallies;
	size_t ntallies;
} differ;

/* ------------------------------------------------------------------------
 * Classes
 */

static uint64_t
vm_hash(const void *arg, size_t v)
{
	const differ *d = arg;
	uint64_t h = 0;

	if (d->req->by_pairs)
		return mc_hash_mix(h, v);
	for (int k = 0; k < 2; k++) {
		const side *s = &d->s[k];
		int kind = s->vm_kind[v];
		const mc_node *const *vals;

		h = mc_hash_mix(h, (uint64_t)(kind + 1));
		if (kind < 0)
			continue;
		if (s->reads[kind].opaque)
			return mc_hash_mix(h, v);
		h = mc_hash_mix(h, s->sources[kind].of[d->inv->vms[v].host]);
		vals = mc_fleet_vm_values(s->f, v);
		for (size_t i = 0; i < s->f->nvm_paths; i++) {
			if (s->reads[kind].vm[i])
				h = mc_value_hash(vals[i], h);
		}
	}
	return h;
}

static bool
vm_equal(const void *arg, size_t a, size_t b)
{
	const differ *d = arg;

	if (d->req->by_pairs)
		return a == b;
	for (int k = 0; k < 2; k++) {
		const side *s = &d->s[k];
		int kind = s->vm_kind[a];
		const mc_node *const *va, *const *vb;

		if (kind != s->vm_kind[b])
			return false;
		if (kind < 0)
			continue;
		if (s->reads[kind].opaque)
			return a == b;
		if (s->sources[kind].of[d->inv->vms[a].host] !=
		    s->sources[kind].of[d->inv->vms[b].host])
			return false;
		va = mc_fleet_vm_values(s->f, a);
		vb = mc_fleet_vm_values(s->f, b);
		for (size_t i = 0; i < s->f->nvm_paths; i++) {
			if (s->reads[kind].vm[i] &&
			    !mc_value_equal(va[i], vb[i], MC_CLASS_EQ))
				return false;
		}
	}
	return true;
}

/* Step 1 for every VM, and the classes of hosts as the VM's host. */
static int
side_prepare(differ *d, side *s)
{
	size_t nvms = d->inv->nvms, nhosts = d->inv->nhosts;
	bool opaque;
	mc_class_key key;

	s->p = s->f->policy;
	s->vm_kind = mc_arena_alloc(&d->work, (nvms + 1) * sizeof(*s->vm_kind));
	s->state = mc_arena_calloc(&d->work, nhosts + 1, 1);
	s->pr.vio = mc_arena_calloc(&d->work, s->p->max_violations + 1,
				    sizeof(*s->pr.vio));
	s->host_ids = mc_arena_calloc(&d->work, s->p->nhost_require + 1,
				      sizeof(*s->host_ids));
	s->rule_ids = mc_arena_calloc(&d->work, s->p->nrules + 1, sizeof(*s->rule_ids));
	s->match_ids = mc_arena_calloc(&d->work, s->p->nfields + 1,
				       sizeof(*s->match_ids));
	s->compare_ids = mc_arena_calloc(&d->work, s->p->nfields + 1,
					 sizeof(*s->compare_ids));
	if (!s->vm_kind || !s->state || !s->pr.vio || !s->host_ids ||
	    !s->rule_ids || !s->match_ids || !s->compare_ids)
		return -1;
	for (size_t v = 0; v < nvms; v++) {
		mc_why why;
		int unknown = -1;
		int k = mc_select_kind(&s->ctx, mc_fleet_vm_values(s->f, v),
				       d->inv->vms[v].host, &why, &unknown);

		/* A `when` that cannot be decided covers the VM no more than
		 * one that does not hold. */
		s->vm_kind[v] = k >= 0 ? k : -1;
	}
	for (size_t k = 0; k < s->p->nkinds; k++) {
		if (mc_reads_of_kind(&s->reads[k], s->p, (int)k, false, &d->work) < 0)
			return -1;
		opaque = s->reads[k].opaque || d->req->by_pairs;
		s->source_key[k] = (mc_host_key){s->f, NULL, s->reads[k].source,
						 s->reads[k].fields, opaque};
		key = (mc_class_key){mc_host_hash, mc_host_equal, &s->source_key[k]};
		if (mc_classes_build(&s->sources[k], nhosts, &key, NULL, &d->work) < 0)
			return -1;
	}
	return 0;
}

/* Does a Lua rule apply to kind? */
static bool
kind_has_lua(const mc_policy *p, size_t kind)
{
	for (size_t i = 0; i < p->nrules; i++) {
		if ((p->rules[i].kinds & (1u << kind)) && !p->rules[i].require)
			return true;
	}
	return false;
}

/* Each kind evaluated apart when it qualifies, else its classes of
 * targets (over places by name). A kind with a Lua rule is decided class
 * pair by class pair: evaluated apart, its rules run once per class pair
 * of their own, which are more, and spend the policy's budget of Lua
 * instructions sooner. */
static int
side_kinds(differ *d, side *s)
{
	for (size_t k = 0; k < s->p->nkinds; k++) {
		mc_class_key key;

		if (!d->req->by_pairs && !kind_has_lua(s->p, k) &&
		    mc_factored_new(&s->factored[k], &s->ctx, (int)k, false, &d->vmc,
				    s->vm_kind, d->byname, &d->work) < 0)
			return -1;
		if (s->factored[k])
			continue;
		s->target_key[k] = (mc_host_key){s->f, d->byname, s->reads[k].target,
						 s->reads[k].fields,
						 s->reads[k].opaque || d->req->by_pairs};
		key = (mc_class_key){mc_host_hash, mc_host_equal, &s->target_key[k]};
		if (mc_classes_build(&s->targets[k], d->inv->nhosts, &key, NULL,
				     &d->work) < 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * Deciding a class of VMs
 */

/* The verdict of every place on VM class c under side s, into s->state.
 * Returns the VM's kind under s (-1: no verdict), or -2 when memory runs
 * out. */
static int
decide(differ *d, side *s, size_t c)
{
	size_t vm = d->vmc.first[c], nhosts = d->inv->nhosts;
	int kind = s->vm_kind[vm];

	if (kind < 0)
		return -1;
	memset(s->state, 0, nhosts);
	if (s->factored[kind]) {
		mc_factored *fk = s->factored[kind];

		if (mc_factored_allowed(fk, c, d->set) < 0)
			return -2;
		mc_factored_ratings(fk, c, d->set, s->state);
		for (size_t w = 0; w < mc_factored_words(fk); w++) {
			for (uint64_t x = d->set[w]; x; x &= x - 1)
				s->state[w * 64 + (size_t)__builtin_ctzll(x)] |= ALLOWED;
		}
	} else {
		const mc_classes *t = &s->targets[kind];
		mc_vmview view = mc_ctx_vm(&s->ctx, vm);
		size_t src = d->inv->vms[vm].host;

		for (size_t tc = 0; tc < t->nclasses; tc++) {
			uint8_t v;

			mc_eval_pair(&s->ctx, &view, src, d->byname[t->first[tc]], kind,
				     &s->pr);
			v = s->pr.allowed ? (uint8_t)(ALLOWED | s->pr.rating_halves) : 0;
			for (size_t m = t->start[tc]; m < t->start[tc + 1]; m++)
				s->state[t->members[m]] = v;
		}
	}
	return kind;
}

/* The rule id of a violation under side s, kept once. */
static const char *
rule_id(differ *d, side *s, int kind, const mc_vio *v)
{
	const mc_policy *p = s->p;
	const mc_kind_checks *kc = &p->checks[kind];
	const char **slot;
	uint32_t fi;

	switch (v->check) {
	case MC_CHECK_HOST:
		slot = &s->host_ids[v->index];
		if (!*slot)
			mc_buf_addf(&d->buf, "host.%u", v->index + 1);
		break;
	case MC_CHECK_MATCH:
		fi = kc->match[v->index].field;
		slot = &s->match_ids[fi];
		if (!*slot)
			mc_buf_addf(&d->buf, "match.%s", p->fields[fi].name);
		break;
	case MC_CHECK_COMPARE:
		fi = kc->compare[v->index].field;
		slot = &s->compare_ids[fi];
		if (!*slot)
			mc_buf_addf(&d->buf, "compare.%s", p->fields[fi].name);
		break;
	case MC_CHECK_PLACE:
		slot = &s->place_ids[v->index];
		if (!*slot)
			mc_buf_addf(&d->buf, "placement.%s", mc_resource_name(v->index));
		break;
	default:
		slot = &s->rule_ids[v->index];
		if (!*slot)
			mc_buf_addf(&d->buf, "rule.%s", p->rules[v->index].id);
		break;
	}
	if (!*slot)
		*slot = mc_keep_buf(mc_owned_arena(d->res), &d->nomem, &d->buf);
	return *slot;
}

static bool
has_id(const char *const *ids, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(ids[i], id) == 0)
			return true;
	}
	return false;
}

/* The rule ids of side a's violations that side b lacks, each once, into
 * d->ids from `at`; returns how many. */
static size_t
ids_not_in(differ *d, int a, int b, const int *kinds, size_t at)
{
	side *sa = &d->s[a], *sb = &d->s[b];
	size_t n = 0;

	if (kinds[a] < 0)
		return 0;
	for (size_t i = 0; i < sa->pr.nvio; i++) {
		const char *id = rule_id(d, sa, kinds[a], &sa->pr.vio[i]);
		bool in_b = false;

		if (!id || has_id(d->ids + at, n, id))
			continue;
		for (size_t j = 0; kinds[b] >= 0 && j < sb->pr.nvio && !in_b; j++) {
			const char *other = rule_id(d, sb, kinds[b], &sb->pr.vio[j]);

			in_b = other && strcmp(other, id) == 0;
		}
		if (!in_b)
			d->ids[at + n++] = id;
	}
	return n;
}

static uint64_t
move_hash(const mc_diff_move *m)
{
	uint64_t h = 0;

	h = mc_hash_mix(h, (uintptr_t)m->before.kind);
	h = mc_hash_mix(h, m->before.allowed * 16u + m->before.rating_halves);
	h = mc_hash_mix(h, (uintptr_t)m->after.kind);
	h = mc_hash_mix(h, m->after.allowed * 16u + m->after.rating_halves);
	for (size_t i = 0; i < m->ngained; i++)
		h = mc_hash_mix(h, (uintptr_t)m->gained[i]);
	h = mc_hash_mix(h, m->ngained);
	for (size_t i = 0; i < m->nlost; i++)
		h = mc_hash_mix(h, (uintptr_t)m->lost[i]);
	return mc_hash_mix(h, m->nlost);
}

/* Kind names and rule ids are kept once each: they compare as pointers. */
static bool
move_same(const mc_diff_move *a, const mc_diff_move *b)
{
	return a->before.kind == b->before.kind &&
	       a->before.allowed == b->before.allowed &&
	       a->before.rating_halves == b->before.rating_halves &&
	       a->after.kind == b->after.kind &&
	       a->after.allowed == b->after.allowed &&
	       a->after.rating_halves == b->after.rating_halves &&
	       a->ngained == b->ngained && a->nlost == b->nlost &&
	       (!a->ngained ||
		memcmp(a->gained, b->gained, a->ngained * sizeof(*a->gained)) == 0) &&
	       (!a->nlost ||
		memcmp(a->lost, b->lost, a->nlost * sizeof(*a->lost)) == 0);
}

/* m, kept in the result the first time it is seen. */
static const mc_diff_move *
intern_move(differ *d, const mc_diff_move *m)
{
	mc_arena *a = mc_owned_arena(d->res);
	mc_diff_move *kept;
	size_t s;

	if (2 * (d->nmoves + 1) > d->capmoves) {
		size_t cap = d->capmoves ? 2 * d->capmoves : 64;
		mc_diff_move **slots = calloc(cap, sizeof(*slots));

		if (!slots)
			return NULL;
		for (size_t i = 0; i < d->capmoves; i++) {
			if (!d->moves[i])
				continue;
			s = move_hash(d->moves[i]) & (cap - 1);
			while (slots[s])
				s = (s + 1) & (cap - 1);
			slots[s] = d->moves[i];
		}
		free(d->moves);
		d->moves = slots;
		d->capmoves = cap;
	}
	s = move_hash(m) & (d->capmoves - 1);
	while (d->moves[s] && !move_same(d->moves[s], m))
		s = (s + 1) & (d->capmoves - 1);
	if (d->moves[s])
		return d->moves[s];
	kept = mc_arena_memdup(a, m, 1, sizeof(*m));
	if (!kept)
		return NULL;
	kept->gained = mc_arena_memdup(a, m->gained, m->ngained, sizeof(*m->gained));
	kept->lost = mc_arena_memdup(a, m->lost, m->nlost, sizeof(*m->lost));
	if ((m->ngained && !kept->gained) || (m->nlost && !kept->lost))
		return NULL;
	d->moves[s] = kept;
	d->nmoves++;
	return kept;
}

static const char *
kind_name(differ *d, side *s, int kind)
{
	if (kind < 0)
		return NULL;
	if (!s->kind_names[kind])
		s->kind_names[kind] = mc_keep(mc_owned_arena(d->res), &d->nomem,
					      s->p->kinds[kind].name);
	return s->kind_names[kind];
}

/* How the move of VM vm to host changes: both pairs evaluated again. */
static const mc_diff_move *
move_of(differ *d, size_t vm, size_t host, const int *kinds)
{
	size_t src = d->inv->vms[vm].host, need = 1;
	mc_diff_move m;

	memset(&m, 0, sizeof(m));
	for (int k = 0; k < 2; k++) {
		side *s = &d->s[k];
		mc_diff_verdict *v = k ? &m.after : &m.before;
		mc_vmview view;

		s->pr.nvio = 0;
		if (kinds[k] < 0)
			continue;
		view = mc_ctx_vm(&s->ctx, vm);
		mc_eval_pair(&s->ctx, &view, src, host, kinds[k], &s->pr);
		v->kind = kind_name(d, s, kinds[k]);
		v->allowed = s->pr.allowed;
		v->rating_halves = s->pr.rating_halves;
		need += s->pr.nvio;
	}
	if (MC_GROW(d->ids, d->capids, need) < 0)
		return NULL;
	m.ngained = ids_not_in(d, 1, 0, kinds, 0);
	m.nlost = ids_not_in(d, 0, 1, kinds, m.ngained);
	m.gained = d->ids;
	m.lost = d->ids + m.ngained;
	if (d->nomem)
		return NULL;
	return intern_move(d, &m);
}

static int
hit_cmp(const void *a, const void *b)
{
	const hit *x = a, *y = b;

	return (x->host > y->host) - (x->host < y->host);
}

/* Decides VM class c under both policies and keeps the hosts whose move
 * changes. */
static int
diff_class(differ *d, size_t c)
{
	size_t nhosts = d->inv->nhosts, n = 0, vm = d->vmc.first[c];
	int kinds[2];
	bool all;

	for (int k = 0; k < 2; k++) {
		kinds[k] = decide(d, &d->s[k], c);
		if (kinds[k] == -2)
			return -1;
	}
	/* A verdict against none: every move changes. */
	all = (kinds[0] < 0) != (kinds[1] < 0);
	for (size_t place = 0; place < nhosts; place++) {
		if (all || d->s[0].state[place] != d->s[1].state[place])
			d->scratch[n++].host = d->byname[place];
	}
	if (!n)
		return 0;
	qsort(d->scratch, n, sizeof(*d->scratch), hit_cmp);
	for (size_t i = 0; i < n; i++) {
		d->scratch[i].move = move_of(d, vm, d->scratch[i].host, kinds);
		if (!d->scratch[i].move)
			return -1;
	}
	d->hits[c].hits = mc_arena_memdup(mc_owned_arena(d->res), d->scratch, n,
					  sizeof(*d->scratch));
	d->hits[c].n = n;
	return d->hits[c].hits ? 0 : -1;
}

/* ------------------------------------------------------------------------
 * Fanning out
 *
 * A class's changes are every VM's of the class but the move to the VM's
 * own host: they are counted class by class, less the own hosts, and made
 * a VM at a time, into the result's array or, by_vm, when mc_diff_next()
 * asks for them.
 */

static mc_diff_tally *
tally_of(differ *d, const char *kind)
{
	for (size_t i = 0; i < d->ntallies; i++) {
		if (strcmp(d->tallies[i].kind, kind) == 0)
			return &d->tallies[i];
	}
	d->tallies[d->ntallies].kind = kind;
	return &d->tallies[d->ntallies++];
}

/* Counts n changes of move m in its kind's tally; n may be (size_t)-1 to
 * take one back. */
static void
count(differ *d, const mc_diff_move *m, size_t n)
{
	mc_diff_tally *t = tally_of(d, m->after.kind ? m->after.kind : m->before.kind);

	if (m->before.allowed && !m->after.allowed)
		t->now_refused += n;
	else if (!m->before.allowed && m->after.allowed)
		t->now_allowed += n;
	else if (m->before.allowed)
		t->rating_changed += n;
	else
		t->other += n;
}

static int
tally_cmp(const void *a, const void *b)
{
	return strcmp(((const mc_diff_tally *)a)->kind,
		      ((const mc_diff_tally *)b)->kind);
}

/* The tallies that count something, by kind name. */
static void
tallies_done(differ *d)
{
	size_t n = 0;

	for (size_t i = 0; i < d->ntallies; i++) {
		const mc_diff_tally *t = &d->tallies[i];

		if (t->now_refused || t->now_allowed || t->rating_changed || t->other)
			d->tallies[n++] = *t;
	}
	d->ntallies = n;
	qsort(d->tallies, n, sizeof(*d->tallies), tally_cmp);
}

static const char *
name_of(differ *d, const char **names, const char *name)
{
	if (!*names)
		*names = mc_keep(mc_owned_arena(d->res), &d->nomem, name);
	return *names;
}

/* The hit of host among a class's, or NULL. */
static const hit *
hit_of(const class_hits *ch, uint32_t host)
{
	hit key = {host, NULL};

	return ch->n ? bsearch(&key, ch->hits, ch->n, sizeof(*ch->hits), hit_cmp)
		     : NULL;
}

/* VM v's changes into out (room for its class's hits); returns how many. */
static size_t
vm_changes(const diff_result *r, size_t v, mc_diff_change *out)
{
	const class_hits *ch;
	size_t n = 0;

	if (r->class_of[v] == UINT32_MAX)
		return 0;
	ch = &r->hits[r->class_of[v]];
	for (size_t i = 0; i < ch->n; i++) {
		if (ch->hits[i].host == r->own[v])
			continue;
		out[n].vm = r->vm_names[v];
		out[n].host = r->host_names[ch->hits[i].host];
		out[n++].move = ch->hits[i].move;
	}
	return n;
}

static int
fan_out(differ *d)
{
	const mc_inventory *inv = d->inv;
	diff_result *r = d->res;
	mc_arena *a = mc_owned_arena(r);
	uint32_t *own;
	const char **vm_names, **host_names;
	size_t n = 0;

	own = mc_arena_alloc(a, (inv->nvms + 1) * sizeof(*own));
	vm_names = mc_arena_calloc(a, inv->nvms + 1, sizeof(*vm_names));
	host_names = mc_arena_calloc(a, inv->nhosts + 1, sizeof(*host_names));
	d->tallies = mc_arena_calloc(a, 2 * MC_MAX_KINDS + 1, sizeof(*d->tallies));
	r->class_of = mc_arena_memdup(a, d->vmc.of, inv->nvms, sizeof(*d->vmc.of));
	if (!own || !vm_names || !host_names || !d->tallies || !r->class_of)
		return -1;
	r->nvms = inv->nvms;
	r->hits = d->hits;
	r->own = own;
	r->vm_names = vm_names;
	r->host_names = host_names;
	for (size_t c = 0; c < d->vmc.nclasses; c++) {
		const class_hits *ch = &d->hits[c];
		size_t members = d->vmc.start[c + 1] - d->vmc.start[c];

		n += members * ch->n;
		for (size_t i = 0; i < ch->n; i++) {
			count(d, ch->hits[i].move, members);
			name_of(d, &host_names[ch->hits[i].host],
				inv->hosts[ch->hits[i].host].name);
		}
	}
	for (size_t v = 0; v < inv->nvms; v++) {
		const class_hits *ch;
		const hit *mine;

		own[v] = inv->vms[v].host;
		if (d->skip[v]) {
			r->pub.moves += inv->nhosts;
			continue;
		}
		r->pub.moves += inv->nhosts - 1;
		ch = &d->hits[d->vmc.of[v]];
		if ((mine = hit_of(ch, own[v]))) {
			count(d, mine->move, (size_t)-1);
			n--;
		}
		if (ch->n > (mine != NULL))
			name_of(d, &vm_names[v], inv->vms[v].name);
	}
	tallies_done(d);
	r->pub.nchanges = n;
	r->pub.tallies = d->tallies;
	r->pub.ntallies = d->ntallies;
	if (d->req->by_vm) {
		r->scratch = mc_arena_alloc(a, (inv->nhosts + 1) * sizeof(*r->scratch));
		return r->scratch && !d->nomem ? 0 : -1;
	}
	/* Every change is written below: no need to zero them first. */
	{
		mc_diff_change *changes =
			n + 1 > SIZE_MAX / sizeof(*changes) ? NULL
			: mc_arena_alloc(a, (n + 1) * sizeof(*changes));

		if (!changes)
			return -1;
		n = 0;
		for (size_t v = 0; v < inv->nvms; v++)
			n += vm_changes(r, v, changes + n);
		r->pub.changes = changes;
	}
	return d->nomem ? -1 : 0;
}

size_t
mc_diff_next(mc_diff_result *res, size_t *cursor, const mc_diff_change **changes)
{
	const diff_result *r = (const diff_result *)res;
	size_t i = *cursor, j;

	if (res->changes) {
		if (i >= res->nchanges)
			return 0;
		for (j = i + 1; j < res->nchanges &&
		     res->changes[j].vm == res->changes[i].vm; j++)
			;
		*changes = &res->changes[i];
		*cursor = j;
		return j - i;
	}
	for (; i < r->nvms; i++) {
		size_t n = vm_changes(r, i, r->scratch);

		if (n) {
			*changes = r->scratch;
			*cursor = i + 1;
			return n;
		}
	}
	*cursor = i;
	return 0;
}

/* ------------------------------------------------------------------------
 * The diff
 */

static int
run(differ *d)
{
	const mc_inventory *inv = d->inv;
	size_t nhosts = inv->nhosts;
	mc_class_key key = {vm_hash, vm_equal, d};

	d->byname = mc_arena_alloc(&d->work, (nhosts + 1) * sizeof(*d->byname));
	d->set = mc_arena_calloc(&d->work, nhosts / 64 + 2, sizeof(*d->set));
	d->scratch = mc_arena_alloc(&d->work, (nhosts + 1) * sizeof(*d->scratch));
	d->skip = mc_arena_calloc(&d->work, inv->nvms + 1, 1);
	if (!d->byname || !d->set || !d->scratch || !d->skip ||
	    mc_inventory_by_name(inv, d->byname) < 0)
		return -1;
	for (int k = 0; k < 2; k++) {
		if (side_prepare(d, &d->s[k]) < 0)
			return -1;
	}
	for (size_t v = 0; v < inv->nvms; v++)
		d->skip[v] = d->s[0].vm_kind[v] < 0 && d->s[1].vm_kind[v] < 0;
	if (mc_classes_build(&d->vmc, inv->nvms, &key, d->skip, &d->work) < 0)
		return -1;
	for (int k = 0; k < 2; k++) {
		if (side_kinds(d, &d->s[k]) < 0)
			return -1;
	}
	d->hits = mc_arena_calloc(mc_owned_arena(d->res), d->vmc.nclasses + 1,
				  sizeof(*d->hits));
	if (!d->hits)
		return -1;
	for (size_t c = 0; c < d->vmc.nclasses; c++) {
		if (diff_class(d, c) < 0)
			return -1;
		if (d->req->progress && (c % 256 == 255 || c + 1 == d->vmc.nclasses))
			d->req->progress(d->req->progress_arg, c + 1, d->vmc.nclasses);
	}
	d->res->pub.vm_classes = d->vmc.nclasses;
	return fan_out(d);
}

int
mc_diff(mc_diff_result **out, const mc_fleet *before, const mc_fleet *after,
	const mc_diff_request *req, mc_diag *diag)
{
	differ d;
	int rc = MC_OK;

	*out = NULL;
	if (before->inv != after->inv) {
		mc_diag_error(diag, "the fleets of a diff must be of one inventory");
		return MC_EUSAGE;
	}
	memset(&d, 0, sizeof(d));
	d.inv = before->inv;
	d.req = req;
	d.s[0].f = before;
	d.s[1].f = after;
	mc_arena_init(&d.work);
	for (int k = 0; k < 2 && rc == MC_OK; k++) {
		rc = mc_ctx_init(&d.s[k].ctx, d.s[k].f, NULL);
		d.s[k].ready = rc == MC_OK;
	}
	if (rc == MC_OK && !(d.res = mc_owned_new(sizeof(*d.res))))
		rc = MC_ENOMEM;
	if (rc == MC_OK && (run(&d) < 0 || d.nomem))
		rc = MC_ENOMEM;
	if (rc == MC_OK) {
		*out = &d.res->pub;
		d.res = NULL;
	}
	mc_owned_free(d.res);
	free(d.moves);
	free(d.ids);
	mc_buf_free(&d.buf);
	mc_arena_release(&d.work);
	for (int k = 0; k < 2; k++) {
		if (d.s[k].ready)
			mc_ctx_release(&d.s[k].ctx);
	}
	return rc;
}

void
mc_diff_result_free(mc_diff_result *res)
{
	mc_owned_free(res);
}
