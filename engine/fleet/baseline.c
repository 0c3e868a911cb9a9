/* SPDX-License-Identifier: MIT */
/*
 * baseline.c - mc_baseline(): what a group of hosts has in common.
 *
 * The fleet has already read, normalized and typed every host's fields;
 * this module folds them over the group, field by field, by the rule the
 * field's type and the policy's `compare` checks choose (migcheck.h lists
 * the rules). Sets are merged as the fleet keeps them, sorted by the
 * address of their interned members, and sorted by text only when they are
 * copied into the result. A host whose value is missing or unusable leaves
 * the field without a common value (fail closed): the reason names it.
 *
 * Every string and array of a result lives in the result's arena; memory
 * running out is remembered in the builder and checked once per field.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/diag.h"
#include "eval/fleet.h"
#include "eval/keep.h"
#include "load/value.h"

typedef enum rule {
	RULE_SHARED,
	RULE_INTERSECTION,
	RULE_LOWEST,
	RULE_HIGHEST
} rule;

static const char *const rule_names[] = {"shared", "intersection", "lowest",
					 "highest"};

typedef struct builder {
	const mc_fleet *f;
	mc_baseline_result *res;
	mc_baseline_host *hosts;  /* the result's */
	mc_value *hidden;         /* host h, field fi: hidden[h * nfields + fi] */
	size_t nfields;
	const size_t *group;      /* fleet indexes of the hosts, in order */
	size_t n;
	mc_buf buf;
	bool nomem;
} builder;

static const char *
keep(builder *b, const char *s)
{
	return mc_keep(mc_owned_arena(b->res), &b->nomem, s);
}

static const char *
keep_buf(builder *b)
{
	return mc_keep_buf(mc_owned_arena(b->res), &b->nomem, &b->buf);
}

static const char *
host_name(const builder *b, size_t i)
{
	return b->f->inv->hosts[b->group[i]].name;
}

static const mc_fval *
fval(const builder *b, size_t i, size_t fi)
{
	return mc_fleet_field(b->f, b->group[i], fi);
}

/*
 * The rule of field fi. Only ordered compare checks give a direction: a
 * baseline must satisfy `target OP baseline` on every host, so `ge`/`gt`
 * want the lowest value and `le`/`lt` the highest; both at once leave only
 * a value every host shares.
 */
static rule
field_rule(const mc_policy *p, size_t fi)
{
	const mc_field *fd = &p->fields[fi];
	bool low = false, high = false;

	if (fd->type == MC_FT_SET)
		return RULE_INTERSECTION;
	if (fd->type != MC_FT_INTEGER && fd->type != MC_FT_VERSION)
		return RULE_SHARED;
	for (size_t k = 0; k < p->nkinds; k++) {
		const mc_kind_checks *kc = &p->checks[k];

		for (size_t i = 0; i < kc->ncompare; i++) {
			if (kc->compare[i].field != fi)
				continue;
			/* A target must be above (ge, gt) or below (le, lt). */
			unsigned o = mc_op_info_of(kc->compare[i].op)->order;
			bool more = o & MC_ORDER_MORE, less = o & MC_ORDER_LESS;

			low |= more && !less;
			high |= less && !more;
		}
	}
	if (low != high)
		return low ? RULE_LOWEST : RULE_HIGHEST;
	return RULE_SHARED;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A set value from n fleet members: copied, sorted by text, and joined
 * into `text`. items has room for n + 1 pointers, in the result's arena. */
static mc_value
set_value(builder *b, const char **items, size_t n)
{
	mc_value v;

	memset(&v, 0, sizeof(v));
	for (size_t i = 0; i < n; i++)
		items[i] = keep(b, items[i]);
	if (b->nomem)
		return v;
	qsort(items, n, sizeof(*items), str_cmp);
	for (size_t i = 0; i < n; i++)
		mc_buf_addf(&b->buf, "%s%s", i ? ", " : "", items[i]);
	v.type = MC_VALUE_SET;
	v.items = items;
	v.count = n;
	v.text = keep_buf(b);
	return v;
}

/* A scalar field value (status OK) as a public value. */
static mc_value
scalar_value(builder *b, const mc_field *fd, const mc_fval *fv)
{
	mc_value v;

	memset(&v, 0, sizeof(v));
	switch (fd->type) {
	case MC_FT_INTEGER:
		v.type = MC_VALUE_INTEGER;
		v.integer = fv->num;
		mc_buf_addf(&b->buf, "%" PRId64, fv->num);
		break;
	case MC_FT_BOOLEAN:
		v.type = MC_VALUE_BOOLEAN;
		v.boolean = fv->num != 0;
		mc_buf_adds(&b->buf, fv->num ? "true" : "false");
		break;
	case MC_FT_VERSION:
		v.type = MC_VALUE_VERSION;
		mc_buf_add(&b->buf, fv->text, fv->len);
		break;
	default:
		v.type = MC_VALUE_STRING;
		mc_buf_add(&b->buf, fv->text, fv->len);
		break;
	}
	v.text = keep_buf(b);
	return v;
}

/* Why host i's value of a field cannot be used, into the buffer. */
static void
write_unusable(builder *b, const mc_field *fd, size_t i, const mc_fval *fv)
{
	const char *host = host_name(b, i);

	switch (fv->status) {
	case MC_FV_MISSING:
		mc_buf_addf(&b->buf, "%s has no value at %s", host, fd->from.text);
		return;
	case MC_FV_LIMIT:
		mc_buf_addf(&b->buf, "the value of %s at %s exceeded the pattern "
			    "match limit while being normalized (--limit regex-match)",
			    host, fd->from.text);
		return;
	case MC_FV_RUN_LIMIT:
		mc_buf_addf(&b->buf, "the value of %s at %s was not normalized: the "
			    "budget of pattern steps for normalizing the inventory "
			    "was spent (--limit regex-run)", host, fd->from.text);
		return;
	default:
		mc_buf_addf(&b->buf, "%s has %s = ", host, fd->from.text);
		mc_value_write(&b->buf, fv->node, true);
		mc_buf_addf(&b->buf, ", which is not %s",
			    fd->type == MC_FT_INTEGER ? "a whole number"
			    : fd->type == MC_FT_BOOLEAN ? "true or false"
			    : fd->type == MC_FT_VERSION ? "a version such as 6.3.9600"
			    : fd->type == MC_FT_SET ? "a list of values" : "a value");
		return;
	}
}

/* Writes a normalized scalar for a reason: as it is, or '' when empty. */
static void
write_text(builder *b, const mc_fval *fv)
{
	if (fv->len)
		mc_buf_add(&b->buf, fv->text, fv->len);
	else
		mc_buf_adds(&b->buf, "''");
}

/* <0, 0, >0 as x orders before, as or after y (integers, versions). */
static int
order(const mc_field *fd, const mc_fval *x, const mc_fval *y)
{
	if (fd->type == MC_FT_INTEGER)
		return (x->num > y->num) - (x->num < y->num);
	return mc_version_cmp(x->text, x->len, y->text, y->len);
}

static bool
equal(const mc_field *fd, const mc_fval *x, const mc_fval *y)
{
	switch (fd->type) {
	case MC_FT_INTEGER:
	case MC_FT_BOOLEAN:
		return x->num == y->num;
	case MC_FT_VERSION:
		return mc_version_cmp(x->text, x->len, y->text, y->len) == 0;
	default:
		return x->len == y->len && memcmp(x->text, y->text, x->len) == 0;
	}
}

/*
 * The intersection of every host's set, and each host's members beyond it.
 * Sets are sorted by address, so each step is a merge.
 */
static void
fold_set(builder *b, size_t fi, mc_baseline_field *out)
{
	const mc_fval *first = fval(b, 0, fi);
	const char **common;
	size_t n = first->count;

	common = mc_arena_calloc(mc_owned_arena(b->res), n + 1, sizeof(*common));
	if (!common) {
		b->nomem = true;
		return;
	}
	if (n)
		memcpy(common, first->items, n * sizeof(*common));
	for (size_t h = 1; h < b->n && n; h++) {
		const mc_fval *fv = fval(b, h, fi);

		n = mc_fleet_set_intersect(common, n, fv->items, fv->count);
	}
	for (size_t h = 0; h < b->n; h++) {
		const mc_fval *fv = fval(b, h, fi);
		size_t extra = fv->count - n, i = 0, k = 0;
		const char **items;

		if (!extra)
			continue;
		items = mc_arena_calloc(mc_owned_arena(b->res), extra + 1, sizeof(*items));
		if (!items) {
			b->nomem = true;
			return;
		}
		/* The intersection is within every set: what is not in it is
		 * extra. */
		for (size_t j = 0; j < fv->count; j++) {
			if (i < n && common[i] == fv->items[j])
				i++;
			else
				items[k++] = fv->items[j];
		}
		assert(k == extra);
		b->hidden[h * b->nfields + fi] = set_value(b, items, extra);
	}
	out->value = set_value(b, common, n);
}

/* The lowest (or highest) value, and each host's own where it lies beyond
 * it. Among equal versions ("6.3", "6.3.0") the first host's text wins. */
static void
fold_ordered(builder *b, size_t fi, bool lowest, mc_baseline_field *out)
{
	const mc_field *fd = &b->f->policy->fields[fi];
	size_t best = 0;

	for (size_t h = 1; h < b->n; h++) {
		int c = order(fd, fval(b, h, fi), fval(b, best, fi));

		if (lowest ? c < 0 : c > 0)
			best = h;
	}
	for (size_t h = 0; h < b->n; h++) {
		if (order(fd, fval(b, h, fi), fval(b, best, fi)) != 0)
			b->hidden[h * b->nfields + fi] =
				scalar_value(b, fd, fval(b, h, fi));
	}
	out->value = scalar_value(b, fd, fval(b, best, fi));
}

/* The value every host shares, or a reason naming the first host and the
 * first that differs from it. */
static void
fold_shared(builder *b, size_t fi, mc_baseline_field *out)
{
	const mc_field *fd = &b->f->policy->fields[fi];
	const mc_fval *first = fval(b, 0, fi);

	for (size_t h = 1; h < b->n; h++) {
		const mc_fval *fv = fval(b, h, fi);

		if (equal(fd, first, fv))
			continue;
		mc_buf_addf(&b->buf, "%s has ", host_name(b, 0));
		write_text(b, first);
		mc_buf_addf(&b->buf, ", %s ", host_name(b, h));
		write_text(b, fv);
		out->reason = keep_buf(b);
		return;
	}
	out->value = scalar_value(b, fd, first);
}

static void
fold_field(builder *b, size_t fi, mc_baseline_field *out)
{
	const mc_policy *p = b->f->policy;
	const mc_field *fd = &p->fields[fi];
	rule r = field_rule(p, fi);

	memset(out, 0, sizeof(*out));
	out->name = keep(b, fd->name);
	out->from = keep(b, fd->from.text);
	out->rule = rule_names[r];
	out->at = mc_keep_location(mc_owned_arena(b->res), &b->nomem, fd->at);
	for (size_t h = 0; h < b->n; h++) {
		const mc_fval *fv = fval(b, h, fi);
		size_t more = 0;

		if (fv->status == MC_FV_OK)
			continue;
		write_unusable(b, fd, h, fv);
		for (size_t e = h + 1; e < b->n; e++)
			more += fval(b, e, fi)->status != MC_FV_OK;
		if (more)
			mc_buf_addf(&b->buf, " (and %zu more host%s without a usable "
				    "value)", more, more == 1 ? "" : "s");
		out->reason = keep_buf(b);
		return;
	}
	switch (r) {
	case RULE_INTERSECTION:
		fold_set(b, fi, out);
		break;
	case RULE_LOWEST:
	case RULE_HIGHEST:
		fold_ordered(b, fi, r == RULE_LOWEST, out);
		break;
	default:
		fold_shared(b, fi, out);
		break;
	}
}

/* Writes the clusters of the inventory, in order of first appearance. */
static void
list_clusters(mc_buf *buf, const mc_inventory *inv)
{
	size_t shown = 0;

	for (size_t h = 0; h < inv->nhosts; h++) {
		const char *c = inv->hosts[h].cluster;
		bool seen = false;

		if (!c)
			continue;
		for (size_t e = 0; e < h && !seen; e++)
			seen = inv->hosts[e].cluster && strcmp(inv->hosts[e].cluster, c) == 0;
		if (!seen)
			mc_buf_addf(buf, "%s%s", shown++ ? ", " : "", c);
	}
}

/*
 * The fleet indexes of the hosts the request names, in its order, into
 * *group (malloc'd). Reports what is wrong with the request.
 */
static int
select_hosts(const mc_fleet *f, const mc_baseline_request *req, mc_diag *diag,
	     size_t **group, size_t *n)
{
	const mc_inventory *inv = f->inv;
	size_t *g;
	bool *named = NULL;
	int rc = MC_OK;

	*group = NULL;
	*n = 0;
	if (req->cluster && req->nhosts) {
		mc_diag_error(diag, "a baseline is of a cluster or of named hosts, "
			      "not both");
		return MC_EUSAGE;
	}
	if (!req->cluster && !req->nhosts) {
		mc_diag_error(diag, "name the hosts of the baseline, or a cluster");
		return MC_EUSAGE;
	}
	g = calloc(inv->nhosts + 1, sizeof(*g));
	if (!g)
		return MC_ENOMEM;
	if (req->cluster) {
		for (size_t h = 0; h < inv->nhosts; h++) {
			if (inv->hosts[h].cluster &&
			    strcmp(inv->hosts[h].cluster, req->cluster) == 0)
				g[(*n)++] = h;
		}
		if (!*n) {
			mc_buf clusters = MC_BUF_INIT;

			list_clusters(&clusters, inv);
			if (mc_buf_failed(&clusters))
				rc = MC_ENOMEM;
			else if (clusters.len)
				mc_diag_error(diag, "no host in the inventory is in cluster "
					      "'%s' (clusters: %s)", req->cluster,
					      mc_buf_str(&clusters));
			else
				mc_diag_error(diag, "no host in the inventory is in cluster "
					      "'%s' (no host has a cluster)", req->cluster);
			mc_buf_free(&clusters);
			if (rc == MC_OK)
				rc = MC_EUSAGE;
		}
		goto out;
	}
	assert(req->hosts);
	named = calloc(inv->nhosts + 1, sizeof(*named));
	if (!named) {
		rc = MC_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < req->nhosts; i++) {
		long h = mc_inventory_find_host(inv, req->hosts[i]);

		if (h < 0) {
			mc_diag_error(diag, "no host named '%s' in the inventory",
				      req->hosts[i]);
			rc = MC_EUSAGE;
			goto out;
		}
		if (named[h]) {
			mc_diag_error(diag, "host '%s' is named twice", req->hosts[i]);
			rc = MC_EUSAGE;
			goto out;
		}
		named[h] = true;
		g[(*n)++] = (size_t)h;
	}
out:
	free(named);
	if (rc != MC_OK) {
		free(g);
		*n = 0;
		return rc;
	}
	*group = g;
	return MC_OK;
}

int
mc_baseline(mc_baseline_result **out, const mc_fleet *f,
	    const mc_baseline_request *req, mc_diag *diag)
{
	const mc_policy *p = f->policy;
	builder b;
	size_t *group = NULL;
	mc_baseline_field *fields;
	int rc;

	*out = NULL;
	memset(&b, 0, sizeof(b));
	b.f = f;
	if ((rc = select_hosts(f, req, diag, &group, &b.n)) != MC_OK)
		return rc;
	b.group = group;
	b.res = mc_owned_new(sizeof(*b.res));
	if (!b.res) {
		rc = MC_ENOMEM;
		goto out;
	}
	fields = mc_arena_calloc(mc_owned_arena(b.res), p->nfields + 1,
				 sizeof(*fields));
	b.hosts = mc_arena_calloc(mc_owned_arena(b.res), b.n, sizeof(*b.hosts));
	b.nfields = p->nfields;
	b.hidden = mc_arena_calloc(mc_owned_arena(b.res), b.n * p->nfields + 1,
				   sizeof(*b.hidden));
	if (!fields || !b.hosts || !b.hidden) {
		rc = MC_ENOMEM;
		goto out;
	}
	for (size_t h = 0; h < b.n; h++) {
		const mc_host_rec *rec = &f->inv->hosts[group[h]];

		b.hosts[h].name = keep(&b, rec->name);
		b.hosts[h].cluster = keep(&b, rec->cluster);
		b.hosts[h].hidden = b.hidden + h * p->nfields;
	}
	for (size_t fi = 0; fi < p->nfields && !b.nomem; fi++)
		fold_field(&b, fi, &fields[fi]);
	b.res->policy_name = keep(&b, p->name);
	b.res->policy_file = keep(&b, p->file);
	b.res->policy_digest = keep(&b, p->digest);
	b.res->cluster = keep(&b, req->cluster);
	b.res->fields = fields;
	b.res->nfields = p->nfields;
	b.res->hosts = b.hosts;
	b.res->nhosts = b.n;
	if (b.nomem) {
		rc = MC_ENOMEM;
		goto out;
	}
	*out = b.res;
	b.res = NULL;
out:
	mc_owned_free(b.res);
	mc_buf_free(&b.buf);
	free(group);
	return rc;
}

bool
mc_baseline_result_complete(const mc_baseline_result *res)
{
	for (size_t i = 0; i < res->nfields; i++) {
		if (res->fields[i].value.type == MC_VALUE_NONE)
			return false;
	}
	return true;
}

void
mc_baseline_result_free(mc_baseline_result *res)
{
	mc_owned_free(res);
}
