/* SPDX-License-Identifier: MIT */
/*
 * fleet.c - binding a policy to an inventory.
 */
#include "eval/fleet.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "load/value.h"

/*
 * Values bound once for all the hosts that share them. An alias shares its
 * anchor's text (and a list's items): an 800 KB version aliased by 3,000
 * hosts was checked, normalized or split 3,000 times; and in an inventory,
 * whose scalars are shared (MC_DOC_SHARED), equal texts are one text and
 * equal lists have equal items: the hundred flags of 10,000 hosts of a few
 * models were split, normalized, interned and sorted 10,000 times. A value
 * costly to bind (SHARED_COST bytes and more) is bound once per field and
 * kept by the address of its text, or the addresses of its items; cheaper
 * ones are bound again, which costs less than keeping them.
 */
#define SHARED_COST 256

typedef struct shared {
	const char *key;    /* the field, then the text's address or the items */
	size_t keylen;
	mc_fval val;
} shared;

typedef struct binder {
	mc_fleet *f;
	mc_matcher matcher;
	char *scratch;        /* normalize output */
	size_t scratchcap;
	const char **members; /* set members being collected */
	size_t nmembers, capmembers;
	mc_strmap shared;     /* a `shared`'s key -> its index */
	shared **sharedv;
	char *key;            /* the key being looked up */
	size_t keycap;
	size_t nshared, capshared;
	size_t values;        /* bound so far: see mc_fleet_new */
	bool nomem;
	bool over;            /* values past the node limit */
} binder;

/* Returns the canonical copy of a member text. */
static const char *
intern(binder *b, const char *s, size_t len)
{
	mc_fleet *f = b->f;
	size_t idx;
	char *copy;

	if (mc_strmap_get(&f->intern, s, len, &idx))
		return f->interned[idx];
	if (MC_GROW(f->interned, f->capinterned, f->ninterned + 1) < 0)
		return NULL;
	copy = mc_arena_strndup(&f->arena, s, len);
	if (!copy || mc_strmap_put(&f->intern, copy, len, f->ninterned, NULL) < 0)
		return NULL;
	f->interned[f->ninterned++] = copy;
	return copy;
}

/*
 * Applies a field's normalize patterns to len bytes at s: the first pattern
 * that matches gives the value. Sets *out (in b->scratch, or s itself) and
 * returns 0, or -1 when a pattern hit its limit, -2 when memory runs out.
 */
static int
normalize(binder *b, const mc_field *fd, const char *s, size_t len,
	  const char **out, size_t *outlen)
{
	for (size_t i = 0; i < fd->nnorm; i++) {
		for (;;) {
			size_t n = b->scratchcap;
			int r = mc_regex_replace(fd->norm[i].re, &b->matcher, s, len,
						 fd->norm[i].to, b->scratch, &n);
			if (r == 1) {
				*out = b->scratch;
				*outlen = n;
				return 0;
			}
			if (r == 0)
				break;
			if (r == -1)
				return -1;
			if (MC_GROW(b->scratch, b->scratchcap, n + 1) < 0)
				return -2;
		}
	}
	*out = s;
	*outlen = len;
	return 0;
}

static int
ptr_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(const char *const *)a;
	uintptr_t y = (uintptr_t)*(const char *const *)b;

	return (x > y) - (x < y);
}

static bool
add_member(binder *b, const mc_field *fd, const char *s, size_t len,
	   mc_fval *fv)
{
	const char *t;
	size_t tl;
	int r = normalize(b, fd, s, len, &t, &tl);

	if (r == -2) {
		b->nomem = true;
		return false;
	}
	if (r == -1) {
		fv->status = b->matcher.run_out ? MC_FV_RUN_LIMIT : MC_FV_LIMIT;
		return false;
	}
	/* a member a pattern rewrote to nothing is left out of the set */
	if (tl == 0 && t != s)
		return true;
	if (++b->values > b->f->limits.max_nodes) {
		b->over = true;
		return false;
	}
	if (b->nmembers == b->capmembers) {
		const char **m = mc_grow(b->members, &b->capmembers, b->nmembers + 1,
					 sizeof(*m));
		if (!m) {
			b->nomem = true;
			return false;
		}
		b->members = m;
	}
	if (!(t = intern(b, t, tl))) {
		b->nomem = true;
		return false;
	}
	b->members[b->nmembers++] = t;
	return true;
}

/* A set from a list of scalars, or from one string of members separated
 * by spaces or commas (as /proc/cpuinfo prints flags). */
static void
bind_set(binder *b, const mc_field *fd, const mc_node *raw, mc_fval *fv)
{
	b->nmembers = 0;
	if (raw->kind == MC_NODE_SEQ) {
		for (size_t i = 0; i < raw->len; i++) {
			const mc_node *it = raw->u.items[i];
			if (it->kind != MC_NODE_SCALAR || it->type == MC_SCALAR_NULL) {
				fv->status = MC_FV_MALFORMED;
				return;
			}
			if (!add_member(b, fd, it->u.text, it->len, fv))
				return;
		}
	} else if (mc_node_is_str(raw)) {
		const char *p = raw->u.text, *end = p + raw->len;
		while (p < end) {
			while (p < end && (*p == ' ' || *p == ',' || *p == '\t'))
				p++;
			const char *q = p;
			while (q < end && *q != ' ' && *q != ',' && *q != '\t')
				q++;
			if (q > p && !add_member(b, fd, p, (size_t)(q - p), fv))
				return;
			p = q;
		}
	} else {
		fv->status = MC_FV_MALFORMED;
		return;
	}
	if (b->nmembers > 1)
		qsort(b->members, b->nmembers, sizeof(*b->members), ptr_cmp);
	size_t n = 0;
	for (size_t i = 0; i < b->nmembers; i++) {
		if (n == 0 || b->members[n - 1] != b->members[i])
			b->members[n++] = b->members[i];
	}
	fv->items = mc_arena_memdup(&b->f->arena, b->members, n, sizeof(*b->members));
	if (!fv->items) {
		b->nomem = true;
		return;
	}
	fv->count = n;
	fv->status = MC_FV_OK;
}

/* What binding raw costs: its bytes, and a list's items and their bytes. */
static size_t
bind_cost(const mc_node *raw)
{
	size_t cost = 0;

	if (raw->kind == MC_NODE_SCALAR)
		return raw->len;
	if (raw->kind != MC_NODE_SEQ)
		return 0;
	for (size_t i = 0; i < raw->len && cost < SHARED_COST; i++)
		cost += 1 + (raw->u.items[i]->kind == MC_NODE_SCALAR
			     ? raw->u.items[i]->len : 0);
	return cost;
}

static void bind_value(binder *b, const mc_field *fd, const mc_node *raw,
		       mc_fval *fv);

/* Binds raw for field fi into fv, once for every value that shares raw's
 * text or items. */
static void
bind_field(binder *b, size_t fi, const mc_field *fd, const mc_node *host,
	   mc_fval *fv)
{
	const mc_node *raw = mc_path_resolve(&fd->from, host);
	shared *e, **grown;
	size_t idx, len;
	const void *data;

	memset(fv, 0, sizeof(*fv));
	if (!raw || (raw->kind == MC_NODE_SCALAR && raw->type == MC_SCALAR_NULL)) {
		fv->status = MC_FV_MISSING;
		return;
	}
	if (bind_cost(raw) < SHARED_COST) {
		bind_value(b, fd, raw, fv);
		return;
	}
	/* The key: the field's index, then the text's address or the items'. */
	if (raw->kind == MC_NODE_SCALAR) {
		data = &raw->u.text;
		len = sizeof(raw->u.text);
	} else {
		data = raw->u.items;
		len = raw->len * sizeof(*raw->u.items);
	}
	if (MC_GROW(b->key, b->keycap, sizeof(fi) + len) < 0) {
		b->nomem = true;
		return;
	}
	memcpy(b->key, &fi, sizeof(fi));
	memcpy(b->key + sizeof(fi), data, len);
	len += sizeof(fi);
	if (mc_strmap_get(&b->shared, b->key, len, &idx)) {
		*fv = b->sharedv[idx]->val;
		fv->node = raw;
		return;
	}
	bind_value(b, fd, raw, fv);
	if (b->nomem || b->over)
		return;
	grown = mc_grow(b->sharedv, &b->capshared, b->nshared + 1, sizeof(*grown));
	if (grown)
		b->sharedv = grown;  /* the old array is freed once grown */
	e = mc_arena_alloc(&b->f->arena, sizeof(*e));
	if (!grown || !e || !(e->key = mc_arena_memdup(&b->f->arena, b->key, len, 1))) {
		b->nomem = true;
		return;
	}
	e->keylen = len;
	e->val = *fv;
	if (mc_strmap_put(&b->shared, e->key, e->keylen, b->nshared, NULL) < 0) {
		b->nomem = true;
		return;
	}
	b->sharedv[b->nshared++] = e;
}

/* Binds raw, not null, for field fd into fv (zeroed). */
static void
bind_value(binder *b, const mc_field *fd, const mc_node *raw, mc_fval *fv)
{
	const char *t;
	size_t tl;
	int r;

	fv->node = raw;
	if (fd->type == MC_FT_SET) {
		bind_set(b, fd, raw, fv);
		return;
	}
	fv->status = MC_FV_MALFORMED;
	if (raw->kind != MC_NODE_SCALAR)
		return;
	r = normalize(b, fd, raw->u.text, raw->len, &t, &tl);
	if (r == -2) {
		b->nomem = true;
		return;
	}
	if (r == -1) {
		fv->status = b->matcher.run_out ? MC_FV_RUN_LIMIT : MC_FV_LIMIT;
		return;
	}
	if (t != raw->u.text && !(t = mc_arena_strndup(&b->f->arena, t, tl))) {
		b->nomem = true;
		return;
	}
	fv->text = t;
	fv->len = tl;
	switch (fd->type) {
	case MC_FT_INTEGER:
		if (raw->type == MC_SCALAR_BOOL ||
		    mc_text_to_int(t, tl, &fv->num) != 1)
			return;
		break;
	case MC_FT_BOOLEAN: {
		bool v;
		if (raw->type == MC_SCALAR_INT || mc_text_to_bool(t, tl, &v) != 1)
			return;
		fv->num = v;
		break;
	}
	case MC_FT_VERSION:
		if (raw->type == MC_SCALAR_BOOL || !mc_version_valid(t, tl))
			return;
		break;
	default:
		break;
	}
	fv->status = MC_FV_OK;
}

static void
binder_release(binder *b)
{
	mc_budget_free(b->matcher.budget);
	mc_matcher_release(&b->matcher);
	free(b->scratch);
	free(b->members);
	mc_strmap_free(&b->shared);
	free(b->sharedv);
	free(b->key);
}

static void
fleet_release(mc_fleet *f)
{
	mc_arena_release(&f->arena);
	mc_strmap_free(&f->intern);
	free(f->interned);
	free(f);
}

size_t
mc_fleet_set_intersect(const char **a, size_t n, const char *const *b, size_t nb)
{
	size_t k = 0, j = 0;

	for (size_t i = 0; i < n; i++) {
		while (j < nb && (uintptr_t)b[j] < (uintptr_t)a[i])
			j++;
		if (j < nb && b[j] == a[i])
			a[k++] = a[i];
	}
	return k;
}

/*
 * Field fi as sources read it (`source: cluster`): on each host, the
 * members that every host of its cluster has. What one host of the
 * cluster does not tell -- a value missing, malformed or cut by a limit
 * -- the cluster cannot be said to have: the first such host's value
 * stands for the cluster's, and sfrom names that host.
 */
static int
bind_cluster_field(mc_fleet *f, mc_fval *sfvals, size_t fi, const size_t *group,
		   size_t ngroups)
{
	size_t nh = f->inv->nhosts, nf = f->nfields;
	mc_fval *acc = calloc(ngroups + 1, sizeof(*acc));
	size_t *from = malloc((ngroups + 1) * sizeof(*from));
	const char ***items = calloc(ngroups + 1, sizeof(*items));
	int rc = -1;

	if (!acc || !from || !items)
		goto done;
	for (size_t g = 0; g < ngroups; g++)
		from[g] = SIZE_MAX;    /* no host of the cluster seen yet */
	for (size_t h = 0; h < nh; h++) {
		const mc_fval *v = &f->fvals[h * nf + fi];
		size_t g = group[h];

		if (from[g] == SIZE_MAX) {
			acc[g] = *v;
			from[g] = h;
			if (v->status != MC_FV_OK)
				continue;
			items[g] = mc_arena_alloc(&f->arena,
						  (v->count + 1) * sizeof(*items[g]));
			if (!items[g])
				goto done;
			memcpy(items[g], v->items, v->count * sizeof(*items[g]));
			acc[g].items = items[g];
			continue;
		}
		if (acc[g].status != MC_FV_OK)
			continue;
		if (v->status != MC_FV_OK) {
			acc[g] = *v;
			from[g] = h;
			continue;
		}
		acc[g].count = mc_fleet_set_intersect(items[g], acc[g].count,
						      v->items, v->count);
	}
	for (size_t h = 0; h < nh; h++) {
		size_t g = group[h];

		sfvals[h * nf + fi] = acc[g];
		f->sfrom[h * nf + fi] = acc[g].status == MC_FV_OK ? h : from[g];
	}
	rc = 0;
done:
	free(acc);
	free(from);
	free(items);
	return rc;
}

/* Every field's values as sources read them (f->sfvals): the fields'
 * own, but for a field with `source: cluster` the members every host of
 * the cluster has. Hosts of one `cluster` form a cluster; a host without
 * one is a cluster of its own. Returns -1 when memory runs out. */
static int
bind_clusters(mc_fleet *f)
{
	const mc_inventory *inv = f->inv;
	size_t nh = inv->nhosts, ngroups = 0;
	size_t *group = NULL;
	mc_fval *sfvals;
	mc_strmap names;
	bool any = false;
	int rc = -1;

	f->sfvals = f->fvals;
	for (size_t i = 0; i < f->nfields; i++)
		any |= f->policy->fields[i].source_cluster;
	if (!any)
		return 0;
	mc_strmap_init(&names);
	sfvals = mc_arena_memdup(&f->arena, f->fvals, nh * f->nfields + 1,
				 sizeof(*sfvals));
	f->sfrom = mc_arena_calloc(&f->arena, nh * f->nfields + 1, sizeof(*f->sfrom));
	group = malloc((nh + 1) * sizeof(*group));
	if (!sfvals || !f->sfrom || !group)
		goto done;
	f->sfvals = sfvals;
	for (size_t h = 0; h < nh; h++) {
		const char *c = inv->hosts[h].cluster;
		size_t g = ngroups;

		if (c && mc_strmap_put(&names, c, strlen(c), ngroups, &g) < 0)
			goto done;
		if (g == ngroups)
			ngroups++;
		group[h] = g;
	}
	for (size_t i = 0; i < f->nfields; i++) {
		if (f->policy->fields[i].source_cluster &&
		    bind_cluster_field(f, sfvals, i, group, ngroups) < 0)
			goto done;
	}
	rc = 0;
done:
	mc_strmap_free(&names);
	free(group);
	return rc;
}

/* Reports that binding went past the node limit at record rec. */
static int
values_limit(const mc_fleet *f, const mc_node *rec, mc_diag *diag)
{
	if (mc_node_error(diag, rec, "binding the policy to the records up to this one "
			  "takes more than %zu values "
			  "(limit; raise it with --limit nodes=N)",
			  f->limits.max_nodes) == 0)
		mc_diag_set_code(diag, "limit");
	return MC_ELIMIT;
}

/*
 * A fleet holds a value for every host and field, every host path and
 * every VM path, and the members of every set it splits from a string:
 * as many as the hosts times the policy's fields, which the limits of one
 * file do not bound (250,000 hosts and 64 fields took 900 MB). They count
 * against the node limit, as the nodes of a file do; past it, binding
 * stops at the record that went past.
 */
int
mc_fleet_new(mc_fleet **out, const mc_policy *p, const mc_inventory *inv,
	     const mc_limits *limits, mc_diag *diag)
{
	binder b;
	mc_fleet *f;
	size_t nh = inv->nhosts, nv = inv->nvms;
	int rc;

	*out = NULL;
	if (!inv->finished) {
		mc_diag_error(diag, "the inventory was not finished "
			      "(mc_inventory_finish) before binding");
		return MC_EUSAGE;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return MC_ENOMEM;
	memset(&b, 0, sizeof(b));
	mc_strmap_init(&b.shared);
	b.f = f;
	f->policy = p;
	f->inv = inv;
	if (limits)
		f->limits = *limits;
	else
		mc_limits_default(&f->limits);
	mc_arena_init(&f->arena);
	mc_strmap_init(&f->intern);
	f->nhost_paths = p->host_paths.count;
	f->nvm_paths = p->vm_paths.count;
	f->nfields = p->nfields;
	/* The tables below first, a record at a time, before they are made. */
	for (size_t h = 0; h < nh; h++) {
		b.values += f->nfields + f->nhost_paths;
		if (b.values > f->limits.max_nodes) {
			rc = values_limit(f, inv->hosts[h].node, diag);
			goto fail;
		}
	}
	for (size_t v = 0; v < nv; v++) {
		b.values += f->nvm_paths;
		if (b.values > f->limits.max_nodes) {
			rc = values_limit(f, inv->vms[v].node, diag);
			goto fail;
		}
	}
	f->host_vals = mc_arena_calloc(&f->arena, nh * f->nhost_paths + 1,
				       sizeof(*f->host_vals));
	f->vm_vals = mc_arena_calloc(&f->arena, nv * f->nvm_paths + 1,
				     sizeof(*f->vm_vals));
	f->fvals = mc_arena_calloc(&f->arena, nh * f->nfields + 1, sizeof(*f->fvals));
	/* every host's values are normalized under one budget of steps */
	if (!f->host_vals || !f->vm_vals || !f->fvals ||
	    mc_matcher_init(&b.matcher, &f->limits) < 0 ||
	    mc_budget_new(&b.matcher.budget, &f->limits) != MC_OK)
		goto nomem;
	for (size_t h = 0; h < nh && !b.nomem; h++) {
		const mc_node *rec = inv->hosts[h].node;
		const mc_node **vals = f->host_vals + h * f->nhost_paths;

		for (size_t i = 0; i < f->nhost_paths; i++)
			vals[i] = mc_path_resolve(&p->host_paths.paths[i], rec);
		for (size_t i = 0; i < f->nfields && !b.nomem && !b.over; i++)
			bind_field(&b, i, &p->fields[i], rec,
				   &f->fvals[h * f->nfields + i]);
		if (b.over) {
			rc = values_limit(f, rec, diag);
			goto fail;
		}
	}
	if (!b.nomem && bind_clusters(f) < 0)
		goto nomem;
	for (size_t v = 0; v < nv; v++) {
		const mc_node *rec = inv->vms[v].node;
		const mc_node **vals = f->vm_vals + v * f->nvm_paths;

		for (size_t i = 0; i < f->nvm_paths; i++)
			vals[i] = mc_path_resolve(&p->vm_paths.paths[i], rec);
	}
	if (b.nomem)
		goto nomem;
	binder_release(&b);
	*out = f;
	return MC_OK;
nomem:
	rc = MC_ENOMEM;
fail:
	binder_release(&b);
	fleet_release(f);
	return rc;
}

void
mc_fleet_free(mc_fleet *f)
{
	if (f)
		fleet_release(f);
}
