/*
 * matrix.c - mc_matrix(): hosts in compatibility classes per kind, and which
 * class can send VMs to which.
 *
 * The classes are those of classes.h over what a kind reads of two hosts,
 * checks that read the VM left out. Every class pair is evaluated once, a
 * class's first host standing for all of it, with a VM that has no values:
 * relaxations, which depend on the VM, do not apply.
 */
#include <stdlib.h>
#include <string.h>

#include "fleet/classes.h"
#include "eval/eval.h"
#include "eval/keep.h"

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

/* A host path's value as a public value: scalars only. */
static mc_value
scalar_value(builder *b, const mc_node *n)
{
	mc_value v;

	memset(&v, 0, sizeof(v));
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
		v[n].value = scalar_value(b, vals[i]);
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

/* Evaluates every class pair: ok[a * n + c] is 1 when a move from class a
 * to class c is allowed. */
static int
evaluate(builder *b, int kind, const mc_classes *cl, uint8_t *ok)
{
	const mc_fleet *f = b->f;
	size_t n = cl->nclasses;
	mc_pair_result pr;
	mc_vmview vm;

	pr.vio = calloc(b->p->max_violations + 1, sizeof(*pr.vio));
	if (!pr.vio)
		return -1;
	/* A VM with no values, and no record. */
	memset(b->ctx.vm_scratch, 0, f->nvm_paths * sizeof(*b->ctx.vm_scratch));
	vm.vals = b->ctx.vm_scratch;
	vm.record = NULL;
	vm.remedy = NULL;
	for (size_t a = 0; a < n; a++) {
		size_t src = b->byname[cl->first[a]];

		for (size_t c = 0; c < n; c++) {
			size_t tgt = b->byname[cl->first[c]];

			/* Within a class: its first host and another. */
			if (a == c) {
				if (cl->start[c + 1] - cl->start[c] < 2) {
					ok[a * n + c] = 0;
					continue;
				}
				tgt = b->byname[cl->members[cl->start[c] + 1]];
			}
			mc_eval_pair(&b->ctx, &vm, src, tgt, kind, &pr);
			ok[a * n + c] = pr.allowed;
		}
	}
	free(pr.vio);
	return 0;
}

static int
build_kind(builder *b, int kind, mc_matrix_kind *out, mc_diag *diag)
{
	const mc_fleet *f = b->f;
	mc_arena *a = mc_owned_arena(b->res);
	mc_reads r;
	mc_host_key hk;
	mc_class_key key = {mc_host_hash, mc_host_equal, &hk};
	mc_classes cl;
	uint8_t *paths, *ok;
	class_order *order;
	size_t *place, n, nedges = 0;
	mc_matrix_class *classes;
	mc_matrix_edge *edges;

	out->kind = mc_keep(a, &b->nomem, b->p->kinds[kind].name);
	if (mc_reads_of_kind(&r, b->p, kind, true, &b->work) < 0)
		return -1;
	paths = mc_arena_calloc(&b->work, f->nhost_paths + 1, 1);
	if (!paths || left_out(b, kind, &r, out) < 0)
		return -1;
	for (size_t i = 0; i < f->nhost_paths; i++)
		paths[i] = r.target[i] | r.source[i];
	hk = (mc_host_key){f, b->byname, paths, r.fields, false};
	if (mc_classes_build(&cl, f->inv->nhosts, &key, NULL, &b->work) < 0)
		return -1;
	n = cl.nclasses;
	if (n > MAX_CLASSES) {
		mc_diag_error(diag, "the hosts fall into %zu classes for kind '%s', "
			      "more than the %d a matrix shows", n, out->kind,
			      MAX_CLASSES);
		return MC_ELIMIT;
	}
	ok = mc_arena_alloc(&b->work, n * n + 1);
	order = mc_arena_alloc(&b->work, (n + 1) * sizeof(*order));
	place = mc_arena_alloc(&b->work, (n + 1) * sizeof(*place));
	classes = mc_arena_calloc(a, n + 1, sizeof(*classes));
	if (!ok || !order || !place || !classes)
		return -1;
	b->ctx.skip_host = r.skip_host;
	b->ctx.skip_rule = r.skip_rule;
	if (evaluate(b, kind, &cl, ok) < 0)
		return -1;
	for (size_t c = 0; c < n; c++) {
		order[c].size = cl.start[c + 1] - cl.start[c];
		order[c].first = cl.first[c];
		order[c].index = (uint32_t)c;
	}
	qsort(order, n, sizeof(*order), class_order_cmp);
	for (size_t i = 0; i < n; i++) {
		size_t c = order[i].index, size = order[i].size;
		const char **hosts = mc_arena_calloc(a, size + 1, sizeof(*hosts));

		place[c] = i;
		if (!hosts)
			return -1;
		for (size_t m = 0; m < size; m++)
			hosts[m] = b->names[b->byname[cl.members[cl.start[c] + m]]];
		classes[i].hosts = hosts;
		classes[i].nhosts = size;
		classes[i].exchange = ok[c * n + c] != 0;
		if (class_values(b, &classes[i], b->byname[cl.first[c]], &r, paths) < 0)
			return -1;
		for (size_t d = 0; d < n; d++)
			nedges += d != c && ok[c * n + d];
	}
	edges = mc_arena_calloc(a, nedges + 1, sizeof(*edges));
	if (!edges)
		return -1;
	nedges = 0;
	for (size_t i = 0; i < n; i++) {
		size_t c = order[i].index;

		for (size_t j = 0; j < n; j++) {
			size_t d = order[j].index;

			if (c == d || !ok[c * n + d])
				continue;
			edges[nedges].from = i;
			edges[nedges].to = j;
			edges[nedges].both_ways = ok[d * n + c] != 0;
			nedges++;
		}
	}
	out->classes = classes;
	out->nclasses = n;
	out->edges = edges;
	out->nedges = nedges;
	return b->nomem ? -1 : 0;
}

int
mc_matrix(mc_matrix_result **out, const mc_fleet *f,
	  const mc_matrix_request *req, mc_diag *diag)
{
	const mc_policy *p = f->policy;
	mc_matrix_kind *kinds;
	builder b;
	int only = -1, rc = MC_OK;
	size_t n = 0;

	*out = NULL;
	if (req->kind && (only = mc_policy_find_kind(p, req->kind)) < 0) {
		mc_buf names = MC_BUF_INIT;

		for (size_t k = 0; k < p->nkinds; k++)
			mc_buf_addf(&names, "%s%s", k ? ", " : "", p->kinds[k].name);
		mc_diag_error(diag, "policy '%s' has no kind '%s' (kinds: %s)", p->name,
			      req->kind, mc_buf_str(&names));
		mc_buf_free(&names);
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
		if ((rc = build_kind(&b, (int)k, &kinds[n++], diag)) != MC_OK) {
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
