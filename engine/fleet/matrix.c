/* SPDX-License-Identifier: MIT */
/*
 * matrix.c - mc_matrix(): hosts in compatibility classes per kind, and which
 * class can send VMs to which.
 *
 * The classes are those of classes.h over what a kind reads of two hosts,
 * checks that read the VM left out. A move from class A to class B is
 * decided as for a class's first host and a VM that has no values:
 * preferences are not read, and a relaxation applies when its `when` holds
 * for such a VM (on those hosts).
 *
 * A kind is decided by checks apart, as plan does (factor.h): each check
 * reads little of two hosts (a match one field, a host requirement a few
 * paths of the target), so the kind's classes fall, for that check, into
 * few source-side and target-side classes of its own. Each check is
 * evaluated once per pair of those and kept, per source-side class, as the
 * set of the kind's classes it lets through (a bitset); a class's row of
 * the matrix is the intersection of its checks' sets, a field check's set
 * widened by the sets of the relaxations that drop its field. When the
 * checks' class pairs would outnumber the kind's, or a rule may read what
 * it does not declare, every class pair is evaluated whole instead; so
 * too with the request's by_pairs, which gives the same matrix. A kind
 * whose checks of two hosts are an earlier kind's (live and saved-state
 * moves often check alike) shares that kind's matrix.
 *
 * mc_matrix_reduce() draws a kind's edges back into rows and keeps those
 * of their transitive reduction (util/graph.h).
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "fleet/classes.h"
#include "fleet/factor.h"
#include "eval/eval.h"
#include "eval/keep.h"
#include "util/graph.h"

/* A matrix of more classes is unreadable, and its class pairs (the square)
 * too many to evaluate on every inventory change. */
#define MAX_CLASSES 4096

typedef struct builder {
	const mc_fleet *f;
	const mc_policy *p;
	mc_ctx ctx;
	mc_arena work;
	mc_buf buf;
	bool nomem;
	mc_matrix_result *res;
	uint32_t *byname;        /* hosts by name */
	const char **names;      /* per host: the result's copy of its name */
	mc_keep_cache values;    /* the large values kept, shared by classes */
	size_t evaluations;      /* of the kind being built */
	int8_t *outcomes;        /* scratch: a check's outcomes on its class
	                            pairs */
	size_t noutcomes;        /* room in outcomes */
} builder;

static int
order_hosts(builder *b)
{
	const mc_inventory *inv = b->f->inv;

	b->byname = mc_arena_alloc(&b->work, (inv->nhosts + 1) * sizeof(*b->byname));
	b->names = mc_arena_calloc(mc_owned_arena(b->res), inv->nhosts + 1,
				   sizeof(*b->names));
	if (!b->byname || !b->names || mc_inventory_by_name(inv, b->byname) < 0)
		return -1;
	for (size_t h = 0; h < inv->nhosts; h++)
		b->names[h] = mc_keep(mc_owned_arena(b->res), &b->nomem, inv->hosts[h].name);
	return b->nomem ? -1 : 0;
}

/* A host path's value as a public value: a scalar as it is, a list of
 * scalars as a set (its members sorted, as a set field's), anything else
 * none. */
static mc_value
path_value(builder *b, const mc_node *n)
{
	static const mc_field set = {.type = MC_FT_SET};
	mc_value v;

	memset(&v, 0, sizeof(v));
	if (n && n->kind == MC_NODE_SEQ) {
		const char **items = mc_arena_calloc(&b->work, n->len + 1, sizeof(*items));
		mc_fval fv = {.status = MC_FV_OK, .node = n, .items = items, .count = n->len};

		if (!items) {
			b->nomem = true;
			return v;
		}
		for (size_t i = 0; i < n->len; i++) {
			if (n->u.items[i]->kind != MC_NODE_SCALAR)
				return v;
			items[i] = n->u.items[i]->u.text;
		}
		return mc_keep_fval(mc_owned_arena(b->res), &b->nomem, &b->buf, NULL,
				    &set, &fv);
	}
	if (!n || n->kind != MC_NODE_SCALAR || n->type == MC_SCALAR_NULL)
		return v;
	v.text = mc_keep(mc_owned_arena(b->res), &b->nomem, n->u.text);
	v.type = n->type == MC_SCALAR_INT ? MC_VALUE_INTEGER
		 : n->type == MC_SCALAR_BOOL ? MC_VALUE_BOOLEAN : MC_VALUE_STRING;
	v.integer = n->num;
	v.boolean = n->num != 0;
	return v;
}

/* What the hosts of a class share, read off its first host. */
static int
class_values(builder *b, mc_matrix_class *mc, size_t host, const mc_reads *r,
	     const uint8_t *paths)
{
	const mc_fleet *f = b->f;
	const mc_node *const *vals = mc_fleet_host_values(f, host);
	mc_matrix_value *v;
	size_t n = 0;

	v = mc_arena_calloc(mc_owned_arena(b->res), f->nfields + f->nhost_paths + 1,
			    sizeof(*v));
	if (!v)
		return -1;
	for (size_t i = 0; i < f->nfields; i++) {
		const mc_field *fd = &b->p->fields[i];

		if (!(r->fields & ((uint64_t)1 << i)))
			continue;
		v[n].name = mc_keep(mc_owned_arena(b->res), &b->nomem, fd->name);
		v[n].field = true;
		v[n].value = mc_keep_fval(mc_owned_arena(b->res), &b->nomem, &b->buf,
					  &b->values, fd, mc_fleet_field(f, host, i));
		n++;
	}
	for (size_t i = 0; i < f->nhost_paths; i++) {
		if (!paths[i])
			continue;
		v[n].name = mc_keep(mc_owned_arena(b->res), &b->nomem,
				    b->p->host_paths.paths[i].text);
		v[n].value = path_value(b, vals[i]);
		n++;
	}
	mc->values = v;
	mc->nvalues = n;
	return b->nomem ? -1 : 0;
}

typedef struct class_order {
	size_t size;
	uint32_t first;          /* place by name of its first host */
	uint32_t index;          /* in the classes built */
} class_order;

static int
class_order_cmp(const void *a, const void *b)
{
	const class_order *x = a, *y = b;

	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return (x->first > y->first) - (x->first < y->first);
}

/* The names of the checks of kind left out because they read the VM. */
static int
left_out(builder *b, int kind, const mc_reads *r, mc_matrix_kind *out)
{
	const mc_policy *p = b->p;
	const char **names;
	size_t n = 0;

	names = mc_arena_calloc(mc_owned_arena(b->res),
				p->nhost_require + p->nrules + 1, sizeof(*names));
	if (!names)
		return -1;
	for (size_t i = 0; i < p->nhost_require; i++) {
		if (!r->skip_host[i])
			continue;
		mc_buf_addf(&b->buf, "host.%zu", i + 1);
		names[n++] = mc_keep_buf(mc_owned_arena(b->res), &b->nomem, &b->buf);
	}
	for (size_t i = 0; i < p->nrules; i++) {
		if (!r->skip_rule[i] || !(p->rules[i].kinds & (1u << kind)))
			continue;
		mc_buf_addf(&b->buf, "rule.%s", p->rules[i].id);
		names[n++] = mc_keep_buf(mc_owned_arena(b->res), &b->nomem, &b->buf);
	}
	out->left_out = names;
	out->nleft_out = n;
	return b->nomem ? -1 : 0;
}

/* The bits of a row: bit c of row a says that class a can send VMs to
 * class c (and, for c == a, that two hosts of a can exchange them). */
static inline bool
bit(const uint64_t *row, size_t c)
{
	return (row[c / 64] >> (c % 64)) & 1;
}

static inline void
set_bit(uint64_t *row, size_t c)
{
	row[c / 64] |= (uint64_t)1 << (c % 64);
}

/* A VM with no values, and no record. */
static mc_vmview
no_vm(builder *b)
{
	mc_vmview vm;

	memset(b->ctx.vm_scratch, 0, b->f->nvm_paths * sizeof(*b->ctx.vm_scratch));
	vm.vals = b->ctx.vm_scratch;
	vm.record = NULL;
	vm.remedy = NULL;
	return vm;
}

/* Evaluates every class pair whole into rows (n rows of words each). */
static int
evaluate_pairs(builder *b, int kind, const mc_classes *cl, uint64_t *rows,
	       size_t words)
{
	size_t n = cl->nclasses;
	mc_pair_result pr;
	mc_vmview vm = no_vm(b);

	pr.vio = calloc(b->p->max_violations + 1, sizeof(*pr.vio));
	if (!pr.vio)
		return -1;
	for (size_t a = 0; a < n; a++) {
		size_t src = b->byname[cl->first[a]];

		for (size_t c = 0; c < n; c++) {
			size_t tgt = b->byname[cl->first[c]];

			/* Within a class: its first host and another. */
			if (a == c) {
				if (cl->start[c + 1] - cl->start[c] < 2)
					continue;
				tgt = b->byname[cl->members[cl->start[c] + 1]];
			}
			mc_eval_pair(&b->ctx, &vm, src, tgt, kind, &pr);
			b->evaluations++;
			if (pr.allowed)
				set_bit(rows + a * words, c);
		}
	}
	free(pr.vio);
	return 0;
}

/* One check of a kind evaluated apart, over the kind's classes. */
typedef struct apart {
	mc_check_type check;
	size_t index;
	int field;               /* a match or compare: its field; else -1 */
	uint64_t drops;          /* a relaxation: the fields it drops */
	mc_classes src, tgt;     /* the kind's classes, as sources and as
	                            targets, grouped by what the check reads */
	uint64_t *pass;          /* per source-side class: the kind's classes
	                            it lets through (words each) */
} apart;

/* Adds a check to atoms (zeroed). */
static void
add_atom(apart *atoms, size_t *n, mc_check_type check, size_t index, int field,
	 uint64_t drops)
{
	apart *a = &atoms[(*n)++];

	a->check = check;
	a->index = index;
	a->field = field;
	a->drops = drops;
}

/* The checks of kind that the matrix evaluates, into atoms (room for
 * them all): host requirements and rules that read no VM, the relaxations
 * that drop a field the kind checks, match and compare entries. Returns
 * how many, or -1 when a rule may read what it does not declare. */
static long
checks_of(const builder *b, int kind, const mc_reads *r, apart *atoms)
{
	const mc_policy *p = b->p;
	const mc_kind_checks *kc = &p->checks[kind];
	size_t n = 0;

	for (size_t i = 0; i < p->nhost_require; i++) {
		if (!r->skip_host[i])
			add_atom(atoms, &n, MC_CHECK_HOST, i, -1, 0);
	}
	for (size_t i = 0; i < p->nrelax; i++) {
		if (p->relax[i].drop & r->fields)
			add_atom(atoms, &n, MC_CHECK_RELAX, i, -1, p->relax[i].drop);
	}
	for (size_t i = 0; i < kc->nmatch; i++)
		add_atom(atoms, &n, MC_CHECK_MATCH, i, (int)kc->match[i].field, 0);
	for (size_t i = 0; i < kc->ncompare; i++)
		add_atom(atoms, &n, MC_CHECK_COMPARE, i, (int)kc->compare[i].field, 0);
	for (size_t i = 0; i < p->nrules; i++) {
		const mc_rule *rule = &p->rules[i];

		if (!(rule->kinds & (1u << kind)) || r->skip_rule[i])
			continue;
		if (!rule->require && !rule->has_uses)
			return -1;
		add_atom(atoms, &n, MC_CHECK_RULE, i, -1, 0);
	}
	return (long)n;
}

/* Groups the kind's classes (rep: each one's first host) as sources and
 * as targets of atom a. Returns its class pairs, or -1. */
static long
group(builder *b, int kind, apart *a, const uint32_t *rep, size_t n)
{
	mc_reads r;
	mc_host_key sk, tk;
	mc_class_key skey = {mc_host_hash, mc_host_equal, &sk};
	mc_class_key tkey = {mc_host_hash, mc_host_equal, &tk};

	if (mc_reads_of_check(&r, b->p, kind, a->check, a->index, &b->work) < 0)
		return -1;
	sk = (mc_host_key){b->f, rep, r.source, r.fields, false};
	tk = (mc_host_key){b->f, rep, r.target, r.fields, false};
	if (mc_classes_build(&a->src, n, &skey, NULL, &b->work) < 0 ||
	    mc_classes_build(&a->tgt, n, &tkey, NULL, &b->work) < 0)
		return -1;
	return (long)(a->src.nclasses * a->tgt.nclasses);
}

/* Evaluates atom a once per pair of its classes, a class's first host
 * standing for it, into a->pass. A match or compare is decided as bits or
 * ranks where it can be (mc_factor_field_pairs). */
static int
evaluate_atom(builder *b, int kind, apart *a, const uint32_t *rep,
	      const mc_vmview *vm, size_t words)
{
	size_t ns = a->src.nclasses, nt = a->tgt.nclasses;
	uint32_t *sources, *targets;
	int8_t *out;
	int done;

	if (ns * nt + 1 > b->noutcomes) {
		free(b->outcomes);
		b->noutcomes = 0;
		if (!(b->outcomes = mc_large_alloc(ns * nt + 1)))
			return -1;
		b->noutcomes = ns * nt + 1;
	}
	out = b->outcomes;
	a->pass = mc_arena_calloc(&b->work, ns * words + 1, sizeof(*a->pass));
	sources = mc_arena_alloc(&b->work, (ns + 1) * sizeof(*sources));
	targets = mc_arena_alloc(&b->work, (nt + 1) * sizeof(*targets));
	if (!a->pass || !sources || !targets)
		return -1;
	for (size_t s = 0; s < ns; s++)
		sources[s] = rep[a->src.first[s]];
	for (size_t t = 0; t < nt; t++)
		targets[t] = rep[a->tgt.first[t]];
	b->evaluations += ns * nt;
	done = mc_factor_field_pairs(b->f, kind, a->check, a->index, sources, ns,
				     targets, nt, out);
	if (done < 0)
		return -1;
	for (size_t s = 0; s < ns; s++) {
		uint64_t *set = a->pass + s * words;

		for (size_t t = 0; t < nt; t++) {
			int st = done ? out[s * nt + t]
				 : mc_eval_check(&b->ctx, vm, sources[s], targets[t],
						 kind, a->check, a->index);

			if (st != MC_ONE_PASSED)
				continue;
			for (size_t m = a->tgt.start[t]; m < a->tgt.start[t + 1]; m++)
				set_bit(set, a->tgt.members[m]);
		}
	}
	return 0;
}

/*
 * Evaluates kind by checks apart into rows (n rows of words each, zeroed).
 * Returns 0, 1 when the kind is to be evaluated by class pairs instead
 * (rows untouched), or -1 when memory runs out.
 */
static int
evaluate_apart(builder *b, int kind, const mc_classes *cl, const mc_reads *r,
	       uint64_t *rows, size_t words)
{
	const mc_policy *p = b->p;
	const mc_kind_checks *kc = &p->checks[kind];
	size_t n = cl->nclasses, pairs = 0;
	uint32_t *rep;
	apart *atoms;
	long natoms;
	mc_vmview vm;

	rep = mc_arena_alloc(&b->work, (n + 1) * sizeof(*rep));
	atoms = mc_arena_calloc(&b->work, p->nhost_require + p->nrelax + kc->nmatch +
				kc->ncompare + p->nrules + 1, sizeof(*atoms));
	if (!rep || !atoms)
		return -1;
	if ((natoms = checks_of(b, kind, r, atoms)) < 0)
		return 1;
	for (size_t c = 0; c < n; c++)
		rep[c] = b->byname[cl->first[c]];
	for (long i = 0; i < natoms; i++) {
		long np = group(b, kind, &atoms[i], rep, n);

		if (np < 0)
			return -1;
		/* Past the kind's own class pairs, checks apart save nothing. */
		if ((pairs += (size_t)np) > n * n)
			return 1;
	}
	vm = no_vm(b);
	for (long i = 0; i < natoms; i++) {
		if (evaluate_atom(b, kind, &atoms[i], rep, &vm, words) < 0)
			return -1;
	}
	for (size_t a = 0; a < n; a++) {
		uint64_t *row = rows + a * words;

		for (size_t w = 0; w < words; w++)
			row[w] = ~(uint64_t)0;
		if (n % 64)
			row[words - 1] = ((uint64_t)1 << (n % 64)) - 1;
		for (long i = 0; i < natoms; i++) {
			const apart *x = &atoms[i];
			const uint64_t *pass = x->pass + x->src.of[a] * words;

			if (x->check == MC_CHECK_RELAX)
				continue;
			for (size_t w = 0; w < words; w++) {
				uint64_t ok = pass[w];

				/* A field check holds where a relaxation that
				 * drops its field applies. */
				for (long j = 0; x->field >= 0 && j < natoms; j++) {
					const apart *y = &atoms[j];

					if (y->check == MC_CHECK_RELAX &&
					    (y->drops & ((uint64_t)1 << x->field)))
						ok |= y->pass[y->src.of[a] * words + w];
				}
				row[w] &= ok;
			}
		}
		/* A class of one host has no two hosts to exchange VMs. */
		if (cl->start[a + 1] - cl->start[a] < 2)
			row[a / 64] &= ~((uint64_t)1 << (a % 64));
	}
	return 0;
}

/* The edges of rows (one per class, as shown): by from, then to. */
static int
edges_of(builder *b, const uint64_t *rows, size_t n, size_t words,
	 mc_matrix_kind *out)
{
	mc_matrix_edge *edges;
	size_t nedges = 0;

	for (size_t i = 0; i < n; i++) {
		for (size_t w = 0; w < words; w++)
			nedges += (size_t)__builtin_popcountll(rows[i * words + w]);
		nedges -= bit(rows + i * words, i);
	}
	/* Every edge is written below: no need to zero them first. */
	edges = mc_arena_alloc(mc_owned_arena(b->res), (nedges + 1) * sizeof(*edges));
	if (!edges)
		return -1;
	nedges = 0;
	for (size_t i = 0; i < n; i++) {
		const uint64_t *row = rows + i * words;

		for (size_t w = 0; w < words; w++) {
			for (uint64_t x = row[w]; x; x &= x - 1) {
				size_t j = w * 64 + (size_t)__builtin_ctzll(x);

				if (j == i)
					continue;
				edges[nedges].from = (uint32_t)i;
				edges[nedges].to = (uint32_t)j;
				edges[nedges].both_ways = bit(rows + j * words, i);
				nedges++;
			}
		}
	}
	out->edges = edges;
	out->nedges = nedges;
	return 0;
}

/* The classes of cl in the order a matrix shows them, largest first, then
 * by first host, into shown (in arena). */
static int
shown_order(builder *b, const mc_classes *cl, mc_classes *shown)
{
	size_t n = cl->nclasses, m = 0;
	class_order *order = mc_arena_alloc(&b->work, (n + 1) * sizeof(*order));

	*shown = *cl;
	shown->of = mc_arena_alloc(&b->work, (cl->nitems + 1) * sizeof(*shown->of));
	shown->first = mc_arena_alloc(&b->work, (n + 1) * sizeof(*shown->first));
	shown->start = mc_arena_alloc(&b->work, (n + 1) * sizeof(*shown->start));
	shown->members = mc_arena_alloc(&b->work,
					(cl->nitems + 1) * sizeof(*shown->members));
	if (!order || !shown->of || !shown->first || !shown->start ||
	    !shown->members)
		return -1;
	for (size_t c = 0; c < n; c++) {
		order[c].size = cl->start[c + 1] - cl->start[c];
		order[c].first = cl->first[c];
		order[c].index = (uint32_t)c;
	}
	qsort(order, n, sizeof(*order), class_order_cmp);
	for (size_t i = 0; i < n; i++) {
		size_t c = order[i].index;

		shown->first[i] = cl->first[c];
		shown->start[i] = (uint32_t)m;
		for (size_t k = cl->start[c]; k < cl->start[c + 1]; k++) {
			shown->members[m++] = cl->members[k];
			shown->of[cl->members[k]] = (uint32_t)i;
		}
	}
	shown->start[n] = (uint32_t)m;
	return 0;
}

static int
build_kind(builder *b, int kind, bool by_pairs, mc_matrix_kind *out,
	   mc_diag *diag)
{
	const mc_fleet *f = b->f;
	mc_arena *a = mc_owned_arena(b->res);
	mc_reads r;
	mc_host_key hk;
	mc_class_key key = {mc_host_hash, mc_host_equal, &hk};
	mc_classes found, cl;
	uint8_t *paths;
	uint64_t *rows;
	size_t n, words;
	mc_matrix_class *classes;
	int rc = 1;

	out->kind = mc_keep(a, &b->nomem, b->p->kinds[kind].name);
	if (mc_reads_of_kind(&r, b->p, kind, true, &b->work) < 0)
		return -1;
	paths = mc_arena_calloc(&b->work, f->nhost_paths + 1, 1);
	if (!paths || left_out(b, kind, &r, out) < 0)
		return -1;
	for (size_t i = 0; i < f->nhost_paths; i++)
		paths[i] = r.target[i] | r.source[i];
	hk = (mc_host_key){f, b->byname, paths, r.fields, false};
	if (mc_classes_build(&found, f->inv->nhosts, &key, NULL, &b->work) < 0)
		return -1;
	n = found.nclasses;
	if (n > MAX_CLASSES) {
		mc_diag_error(diag, "the hosts fall into %zu classes for kind '%s', "
			      "more than the %d a matrix shows", n, out->kind,
			      MAX_CLASSES);
		return MC_ELIMIT;
	}
	/* Numbered as shown, so that rows need no renumbering. */
	if (shown_order(b, &found, &cl) < 0)
		return -1;
	words = (n + 63) / 64;
	rows = mc_arena_calloc(&b->work, n * words + 1, sizeof(*rows));
	classes = mc_arena_calloc(a, n + 1, sizeof(*classes));
	if (!rows || !classes)
		return -1;
	b->ctx.skip_host = r.skip_host;
	b->ctx.skip_rule = r.skip_rule;
	b->ctx.skip_place = true;
	b->evaluations = 0;
	if (!by_pairs && (rc = evaluate_apart(b, kind, &cl, &r, rows, words)) < 0)
		return -1;
	if (rc == 1 && evaluate_pairs(b, kind, &cl, rows, words) < 0)
		return -1;
	out->evaluations = b->evaluations;
	out->by_pairs = rc == 1;
	for (size_t c = 0; c < n; c++) {
		size_t size = cl.start[c + 1] - cl.start[c];
		const char **hosts = mc_arena_calloc(a, size + 1, sizeof(*hosts));

		if (!hosts)
			return -1;
		for (size_t m = 0; m < size; m++)
			hosts[m] = b->names[b->byname[cl.members[cl.start[c] + m]]];
		classes[c].hosts = hosts;
		classes[c].nhosts = size;
		classes[c].exchange = bit(rows + c * words, c);
		if (class_values(b, &classes[c], b->byname[cl.first[c]], &r, paths) < 0)
			return -1;
	}
	if (edges_of(b, rows, n, words, out) < 0)
		return -1;
	out->classes = classes;
	out->nclasses = n;
	return b->nomem ? -1 : 0;
}

/* Do kinds a and b check the same of two hosts? Host requirements and
 * relaxations are every kind's; a kind's own are its match and compare
 * entries and the rules it has. Then their matrices are one. */
static bool
same_checks(const mc_policy *p, int a, int b)
{
	const mc_kind_checks *x = &p->checks[a], *y = &p->checks[b];

	if (x->nmatch != y->nmatch || x->ncompare != y->ncompare)
		return false;
	for (size_t i = 0; i < x->nmatch; i++) {
		if (x->match[i].field != y->match[i].field)
			return false;
	}
	for (size_t i = 0; i < x->ncompare; i++) {
		if (x->compare[i].field != y->compare[i].field ||
		    x->compare[i].op != y->compare[i].op)
			return false;
	}
	for (size_t i = 0; i < p->nrules; i++) {
		if (((p->rules[i].kinds >> a) ^ (p->rules[i].kinds >> b)) & 1)
			return false;
	}
	return true;
}

/* The kind already built, of made[0 .. n), whose matrix kind k shares;
 * NULL when none. */
static const mc_matrix_kind *
shared_with(const mc_policy *p, const mc_matrix_kind *made, const int *of,
	    size_t n, int k)
{
	for (size_t i = 0; i < n; i++) {
		if (!made[i].same_as && same_checks(p, of[i], k))
			return &made[i];
	}
	return NULL;
}

int
mc_matrix(mc_matrix_result **out, const mc_fleet *f,
	  const mc_matrix_request *req, mc_diag *diag)
{
	const mc_policy *p = f->policy;
	mc_matrix_kind *kinds;
	const mc_matrix_kind *like;
	builder b;
	int only = -1, rc = MC_OK, of[MC_MAX_KINDS];
	size_t n = 0;

	*out = NULL;
	if (req->kind && (only = mc_policy_find_kind(p, req->kind)) < 0) {
		mc_policy_no_kind(p, req->kind, diag);
		return MC_EUSAGE;
	}
	memset(&b, 0, sizeof(b));
	b.f = f;
	b.p = p;
	mc_arena_init(&b.work);
	if ((rc = mc_ctx_init(&b.ctx, f, req->budget)) != MC_OK)
		return rc;
	rc = MC_ENOMEM;
	b.res = mc_owned_new(sizeof(*b.res));
	if (!b.res)
		goto out;
	kinds = mc_arena_calloc(mc_owned_arena(b.res), p->nkinds + 1, sizeof(*kinds));
	if (!kinds || order_hosts(&b) < 0)
		goto out;
	rc = MC_OK;
	for (size_t k = 0; k < p->nkinds; k++) {
		if (only >= 0 && (size_t)only != k)
			continue;
		of[n] = (int)k;
		if (!req->by_pairs && (like = shared_with(p, kinds, of, n, (int)k))) {
			kinds[n] = *like;
			kinds[n].kind = mc_keep(mc_owned_arena(b.res), &b.nomem,
						p->kinds[k].name);
			kinds[n].same_as = like->kind;
			kinds[n++].evaluations = 0;
			continue;
		}
		if ((rc = build_kind(&b, (int)k, req->by_pairs, &kinds[n++],
				     diag)) != MC_OK) {
			if (rc != MC_ELIMIT)
				rc = MC_ENOMEM;
			goto out;
		}
	}
	b.res->policy_name = mc_keep(mc_owned_arena(b.res), &b.nomem, p->name);
	b.res->policy_file = mc_keep(mc_owned_arena(b.res), &b.nomem, p->file);
	b.res->policy_digest = mc_keep(mc_owned_arena(b.res), &b.nomem, p->digest);
	b.res->kinds = kinds;
	b.res->nkinds = n;
	if (b.nomem) {
		rc = MC_ENOMEM;
		goto out;
	}
	*out = b.res;
	b.res = NULL;
	rc = MC_OK;
out:
	mc_owned_free(b.res);
	mc_buf_free(&b.buf);
	free(b.outcomes);
	mc_keep_cache_free(&b.values);
	mc_arena_release(&b.work);
	mc_ctx_release(&b.ctx);
	return rc;
}

void
mc_matrix_result_free(mc_matrix_result *res)
{
	mc_owned_free(res);
}

int
mc_matrix_reduce(mc_matrix_edge **out, size_t *nout, const mc_matrix_kind *kind)
{
	size_t n = kind->nclasses, words = (n + 63) / 64, m = 0;
	uint64_t *rows = NULL, *keep = NULL;
	mc_matrix_edge *edges = NULL;
	mc_arena work;
	int rc = MC_ENOMEM;

	*out = NULL;
	*nout = 0;
	mc_arena_init(&work);
	rows = calloc(n * words + 1, sizeof(*rows));
	keep = calloc(n * words + 1, sizeof(*keep));
	if (!rows || !keep)
		goto out;
	for (size_t e = 0; e < kind->nedges; e++) {
		assert(kind->edges[e].from < n && kind->edges[e].to < n);
		set_bit(rows + kind->edges[e].from * words, kind->edges[e].to);
	}
	if (mc_graph_reduce(keep, rows, n, words, &work) < 0)
		goto out;
	for (size_t e = 0; e < kind->nedges; e++)
		m += bit(keep + kind->edges[e].from * words, kind->edges[e].to);
	if (!(edges = malloc((m + 1) * sizeof(*edges))))
		goto out;
	m = 0;
	for (size_t e = 0; e < kind->nedges; e++) {
		const mc_matrix_edge *ed = &kind->edges[e];

		if (!bit(keep + ed->from * words, ed->to))
			continue;
		edges[m] = *ed;
		edges[m++].both_ways = bit(keep + ed->to * words, ed->from);
	}
	*out = edges;
	*nout = m;
	rc = MC_OK;
out:
	free(rows);
	free(keep);
	mc_arena_release(&work);
	return rc;
}
