/* SPDX-License-Identifier: MIT */
/*
 * ptest.c - mc_policy_test(): a policy's own examples, run, and what they
 * leave unexercised.
 *
 * A test is one mc_check() request. Its expectations are compared with the
 * verdict of the move it names (`to`), or with the answer for every host
 * when it names none (only `allowed` can be asked then). Anything that
 * keeps a test from running -- an unreadable inventory, a VM or host that
 * is not there -- makes that test fail with the error as its actual text:
 * one broken test never hides the others.
 *
 * Each test is run through the public API as any embedder would, and
 * coverage is named after the compiled policy's checks. A report owns
 * every string it holds, in one arena; it points into nothing it was made
 * from and outlives the policy.
 */
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "eval/keep.h"
#include "util/diag.h"
#include "load/node.h"
#include "policy/policy.h"
#include "eval/fit.h"

/* Coverage items are laid out in policy order: host requirements, then
 * per kind its match and compare entries, rules, relaxations, remedies. */
typedef struct runner {
	const mc_policy *p;
	const mc_limits *lim;
	mc_budget *budget;     /* what all the tests spend, together */
	mc_test_report *rep;
	mc_coverage_item *items;
	size_t nitems;
	size_t *kind_match;    /* first item of each kind's match entries */
	size_t *kind_compare;  /* and of its compare entries */
	size_t first_rule, first_relax, first_remedy;
	size_t place_item[MC_NRES];  /* each resource placement considers, or
	                                SIZE_MAX */
	mc_buf buf;
	bool nomem;
} runner;

/* The text of a rating in half stars: "4.5", "5". buf has room for 4. */
static const char *
rating_text(char buf[4], unsigned halves)
{
	if (halves > 10)
		halves = 10;
	buf[0] = (char)('0' + halves / 2);
	if (halves % 2) {
		buf[1] = '.';
		buf[2] = '5';
		buf[3] = '\0';
	} else {
		buf[1] = '\0';
	}
	return buf;
}

static const char *
keep(runner *r, const char *s)
{
	return mc_keep(mc_owned_arena(r->rep), &r->nomem, s);
}

/* Keeps the buffer's text and empties the buffer. */
static const char *
keep_buf(runner *r)
{
	return mc_keep_buf(mc_owned_arena(r->rep), &r->nomem, &r->buf);
}

static mc_location
location(runner *r, const mc_node *n)
{
	return mc_keep_location(mc_owned_arena(r->rep), &r->nomem, n);
}

static bool
same_place(const mc_location *at, const mc_node *n)
{
	return n && at->file && at->line == n->line && at->column == n->col &&
	       strcmp(at->file, n->file->name) == 0;
}

/* ------------------------------------------------------------------------
 * Coverage
 */

static void
add_item(runner *r, const mc_node *at)
{
	mc_coverage_item *it = &r->items[r->nitems++];

	it->name = keep_buf(r);
	it->at = location(r, at);
	it->exercised = false;
}

static int
list_items(runner *r)
{
	const mc_policy *p = r->p;
	size_t n = p->nhost_require + p->nrules + MC_NRES + p->nrelax +
		   p->nremedies;

	for (size_t k = 0; k < p->nkinds; k++)
		n += p->checks[k].nmatch + p->checks[k].ncompare;
	r->items = mc_arena_calloc(mc_owned_arena(r->rep), n + 1, sizeof(*r->items));
	r->kind_match = calloc(p->nkinds + 1, sizeof(*r->kind_match));
	r->kind_compare = calloc(p->nkinds + 1, sizeof(*r->kind_compare));
	if (!r->items || !r->kind_match || !r->kind_compare)
		return MC_ENOMEM;
	for (size_t i = 0; i < p->nhost_require; i++) {
		mc_buf_addf(&r->buf, "host.%zu", i + 1);
		add_item(r, p->host_require[i].at);
	}
	for (size_t k = 0; k < p->nkinds; k++) {
		const mc_kind_checks *kc = &p->checks[k];

		r->kind_match[k] = r->nitems;
		for (size_t j = 0; j < kc->nmatch; j++) {
			mc_buf_addf(&r->buf, "%s: match.%s", p->kinds[k].name,
				    p->fields[kc->match[j].field].name);
			add_item(r, kc->match[j].at);
		}
		r->kind_compare[k] = r->nitems;
		for (size_t j = 0; j < kc->ncompare; j++) {
			mc_buf_addf(&r->buf, "%s: compare.%s", p->kinds[k].name,
				    p->fields[kc->compare[j].field].name);
			add_item(r, kc->compare[j].at);
		}
	}
	r->first_rule = r->nitems;
	for (size_t i = 0; i < p->nrules; i++) {
		mc_buf_addf(&r->buf, "rule.%s", p->rules[i].id);
		add_item(r, p->rules[i].at);
	}
	for (size_t i = 0; i < MC_NRES; i++) {
		r->place_item[i] = SIZE_MAX;
		if (!p->placement.on || !p->placement.importance[i])
			continue;
		r->place_item[i] = r->nitems;
		mc_buf_addf(&r->buf, "placement.%s", mc_resource_name((mc_resource)i));
		add_item(r, p->placement.res_at[i]);
	}
	r->first_relax = r->nitems;
	for (size_t i = 0; i < p->nrelax; i++) {
		if (p->relax[i].id)
			mc_buf_addf(&r->buf, "relax.%s", p->relax[i].id);
		else
			mc_buf_addf(&r->buf, "relax.%zu", i + 1);
		add_item(r, p->relax[i].at);
	}
	r->first_remedy = r->nitems;
	for (size_t i = 0; i < p->nremedies; i++) {
		mc_buf_addf(&r->buf, "remedy.%s", p->remedies[i].id);
		add_item(r, p->remedies[i].at);
	}
	return r->nomem ? MC_ENOMEM : MC_OK;
}

static void
exercise(runner *r, size_t item)
{
	r->items[item].exercised = true;
}

/* A match or compare violation: the entry of the kind with that field,
 * written where the violation says. */
static void
cover_field(runner *r, int kind, const mc_violation *v, bool match)
{
	const mc_kind_checks *kc = &r->p->checks[kind];
	size_t n = match ? kc->nmatch : kc->ncompare;
	long by_name = -1;

	for (size_t j = 0; j < n; j++) {
		uint32_t fi = match ? kc->match[j].field : kc->compare[j].field;
		const mc_node *at = match ? kc->match[j].at : kc->compare[j].at;

		if (!v->field || strcmp(r->p->fields[fi].name, v->field) != 0)
			continue;
		if (same_place(&v->at, at)) {
			by_name = (long)j;
			break;
		}
		if (by_name < 0)
			by_name = (long)j;
	}
	if (by_name >= 0)
		exercise(r, (match ? r->kind_match[kind] : r->kind_compare[kind]) +
			 (size_t)by_name);
}

static void
cover_verdict(runner *r, int kind, const mc_host_verdict *hv)
{
	const mc_policy *p = r->p;

	for (size_t i = 0; i < hv->nviolations; i++) {
		const mc_violation *v = &hv->violations[i];

		if (strncmp(v->rule, "host.", 5) == 0) {
			unsigned long n = strtoul(v->rule + 5, NULL, 10);
			if (n >= 1 && n <= p->nhost_require)
				exercise(r, n - 1);
		} else if (strncmp(v->rule, "match.", 6) == 0 && kind >= 0) {
			cover_field(r, kind, v, true);
		} else if (strncmp(v->rule, "compare.", 8) == 0 && kind >= 0) {
			cover_field(r, kind, v, false);
		} else if (strncmp(v->rule, "rule.", 5) == 0) {
			for (size_t j = 0; j < p->nrules; j++) {
				if (strcmp(p->rules[j].id, v->rule + 5) == 0)
					exercise(r, r->first_rule + j);
			}
		} else if (strncmp(v->rule, "placement.", 10) == 0) {
			for (size_t j = 0; j < MC_NRES; j++) {
				if (r->place_item[j] != SIZE_MAX &&
				    strcmp(mc_resource_name((mc_resource)j),
					   v->rule + 10) == 0)
					exercise(r, r->place_item[j]);
			}
		}
	}
	for (size_t i = 0; i < hv->nrelaxed; i++) {
		for (size_t j = 0; j < p->nrelax; j++) {
			if (same_place(&hv->relaxed[i].at, p->relax[j].at))
				exercise(r, r->first_relax + j);
		}
	}
	for (size_t i = 0; i < hv->nremedies; i++) {
		for (size_t j = 0; j < p->nremedies; j++) {
			if (strcmp(p->remedies[j].id, hv->remedies[i].id) == 0)
				exercise(r, r->first_remedy + j);
		}
	}
}

/* ------------------------------------------------------------------------
 * Running one test
 */

/* What one test expects, read from its `expect` mapping. */
typedef struct expect {
	const mc_node *allowed, *rating, *violations, *remedies;
	unsigned rating_halves;
} expect;

static unsigned
rating_halves(const mc_node *n)
{
	if (n->type == MC_SCALAR_INT)
		return (unsigned)n->num * 2;
	/* The loader allows "D.0" and "D.5" only. */
	return (unsigned)(n->u.text[0] - '0') * 2 + (n->u.text[2] == '5');
}

/* The first error of diag as one line: "FILE:LINE:COL: message". */
static void
write_first_error(mc_buf *b, const mc_diag *diag, const char *otherwise)
{
	for (size_t i = 0; i < mc_diag_count(diag); i++) {
		const mc_diag_item *it = mc_diag_get(diag, i);

		if (it->severity != MC_SEVERITY_ERROR)
			continue;
		if (it->at.file)
			mc_buf_addf(b, "%s:%u:%u: ", it->at.file, it->at.line,
				    it->at.column);
		mc_buf_adds(b, it->message);
		return;
	}
	mc_buf_adds(b, otherwise);
}

static void
write_ids(mc_buf *b, const char *key, const char *const *ids, size_t n)
{
	mc_buf_addf(b, "%s: [", key);
	for (size_t i = 0; i < n; i++)
		mc_buf_addf(b, "%s%s", i ? ", " : "", ids[i]);
	mc_buf_addc(b, ']');
}

static void
write_sep(mc_buf *b)
{
	if (b->len)
		mc_buf_adds(b, ", ");
}

/* The expectations as text, in the order of the language. */
static void
write_expected(mc_buf *b, const expect *e)
{
	char rt[4];

	if (e->allowed) {
		mc_buf_addf(b, "allowed: %s", e->allowed->num ? "true" : "false");
	}
	if (e->rating) {
		write_sep(b);
		mc_buf_addf(b, "rating: %s", rating_text(rt, e->rating_halves));
	}
	const mc_node *lists[] = {e->violations, e->remedies};
	const char *keys[] = {"violations", "remedies"};
	for (size_t l = 0; l < 2; l++) {
		const mc_node *n = lists[l];
		if (!n)
			continue;
		write_sep(b);
		mc_buf_addf(b, "%s: [", keys[l]);
		for (size_t i = 0; n->kind == MC_NODE_SEQ && i < n->len; i++)
			mc_buf_addf(b, "%s%s", i ? ", " : "", n->u.items[i]->u.text);
		mc_buf_addc(b, ']');
	}
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* True when the ids of list node n are those of ids[0..count), in that
 * order, or in any order when sorted is set. */
static bool
same_ids(const mc_node *n, const char **ids, size_t count, bool any_order,
	 bool *nomem)
{
	size_t len = n->kind == MC_NODE_SEQ ? n->len : 0;
	const char **want;
	bool same = true;

	if (len != count)
		return false;
	if (!count)
		return true;
	want = calloc(len, sizeof(*want));
	if (!want) {
		*nomem = true;
		return false;
	}
	for (size_t i = 0; i < len; i++)
		want[i] = n->u.items[i]->u.text;
	if (any_order) {
		qsort(want, len, sizeof(*want), str_cmp);
		qsort(ids, count, sizeof(*ids), str_cmp);
	}
	for (size_t i = 0; i < len && same; i++)
		same = strcmp(want[i], ids[i]) == 0;
	free(want);
	return same;
}

/* Compares the verdict hv (NULL: the test names no host, and res holds
 * every host's) with the expectations; writes into *actual what the check
 * gave: whether the move is allowed and, for a host, its rating and
 * violations whatever the test expects of them (a failing test then shows
 * what to look at), and its remedies when the test expects some. */
static bool
judge(runner *r, const expect *e, const mc_check_result *res,
      const mc_host_verdict *hv, mc_buf *actual)
{
	bool pass = true, allowed = hv ? hv->allowed : mc_check_result_any_allowed(res);
	const char **ids;
	char rt[4];

	if (e->allowed)
		pass = allowed == (e->allowed->num != 0);
	mc_buf_addf(actual, "allowed: %s", allowed ? "true" : "false");
	if (!hv)
		return pass;
	if (e->rating)
		pass = pass && hv->rating_halves == e->rating_halves;
	write_sep(actual);
	mc_buf_addf(actual, "rating: %s", rating_text(rt, hv->rating_halves));
	if (!(ids = calloc(hv->nviolations + hv->nremedies + 1, sizeof(*ids)))) {
		r->nomem = true;
		return false;
	}
	for (size_t i = 0; i < hv->nviolations; i++)
		ids[i] = hv->violations[i].rule;
	write_sep(actual);
	write_ids(actual, "violations", ids, hv->nviolations);
	if (e->violations)
		pass = same_ids(e->violations, ids, hv->nviolations, true, &r->nomem) &&
		       pass;
	if (e->remedies) {
		for (size_t i = 0; i < hv->nremedies; i++)
			ids[i] = hv->remedies[i].id;
		write_sep(actual);
		write_ids(actual, "remedies", ids, hv->nremedies);
		pass = same_ids(e->remedies, ids, hv->nremedies, false, &r->nomem) &&
		       pass;
	}
	free(ids);
	return pass;
}

/* The test's inventory path: relative to the directory of the policy's
 * file, unless it is absolute. */
static void
write_inventory_path(mc_buf *b, const char *policy_file, const char *inv)
{
	const char *slash = strrchr(policy_file, '/');

	if (inv[0] != '/' && slash)
		mc_buf_add(b, policy_file, (size_t)(slash - policy_file) + 1);
	mc_buf_adds(b, inv);
}

static const char *
text_of(const mc_node *t, const char *key)
{
	const mc_node *n = mc_node_get(t, key);

	return n && n->kind == MC_NODE_SCALAR ? n->u.text : NULL;
}

/*
 * Runs test node t into *tc. Returns MC_ENOMEM only; everything else the
 * test meets is its outcome.
 */
static int
run_test(runner *r, const mc_node *t, mc_test_case *tc)
{
	const mc_node *ex = mc_node_get(t, "expect");
	mc_check_request req;
	expect e;
	mc_diag *diag = NULL;
	mc_inventory *inv = NULL;
	mc_fleet *fleet = NULL;
	mc_check_result *res = NULL;
	mc_buf path = MC_BUF_INIT, actual = MC_BUF_INIT;
	const mc_host_verdict *hv = NULL;
	int rc;

	memset(&req, 0, sizeof(req));
	memset(&e, 0, sizeof(e));
	tc->name = keep(r, text_of(t, "name"));
	tc->at = location(r, t);
	req.vm = text_of(t, "vm");
	req.to = text_of(t, "to");
	req.kind = text_of(t, "kind");
	req.budget = r->budget;
	e.allowed = mc_node_get(ex, "allowed");
	e.rating = mc_node_get(ex, "rating");
	e.violations = mc_node_get(ex, "violations");
	e.remedies = mc_node_get(ex, "remedies");
	if (e.rating)
		e.rating_halves = rating_halves(e.rating);
	write_expected(&r->buf, &e);
	tc->expected = keep_buf(r);

	if (!req.to && (e.rating || e.violations || e.remedies)) {
		tc->error = true;
		mc_buf_addf(&actual, "the test names no target host ('to'): '%s' is "
			    "only known for one move", e.rating ? "rating"
			    : e.violations ? "violations" : "remedies");
		goto done;
	}
	if (!(diag = mc_diag_new())) {
		r->nomem = true;
		goto out;
	}
	write_inventory_path(&path, r->p->file, text_of(t, "inventory"));
	if (mc_buf_failed(&path)) {
		r->nomem = true;
		goto out;
	}
	rc = mc_inventory_new(&inv, r->lim);
	if (rc == MC_OK)
		rc = mc_inventory_add_named(inv, mc_buf_str(&path),
					    mc_node_get(t, "inventory"), diag);
	if (rc == MC_OK)
		rc = mc_inventory_finish(inv, diag);
	if (rc == MC_OK)
		rc = mc_fleet_new(&fleet, r->p, inv, r->lim, diag);
	if (rc == MC_OK)
		rc = mc_check(&res, fleet, &req, diag);
	if (rc == MC_ENOMEM) {
		r->nomem = true;
		goto out;
	}
	if (rc != MC_OK) {
		tc->error = true;
		write_first_error(&actual, diag, "the test could not be run");
		goto done;
	}
	int kind = mc_policy_find_kind(r->p, res->kind);
	for (size_t i = 0; i < res->nhosts; i++)
		cover_verdict(r, kind, &res->hosts[i]);
	if (req.to)
		hv = res->nhosts ? &res->hosts[0] : NULL;
	/* A rating expected of a move placement rates tests every resource
	 * it weighs. */
	if (hv && hv->placement && mc_node_get(mc_node_get(t, "expect"), "rating")) {
		for (size_t i = 0; i < MC_NRES; i++) {
			if (r->place_item[i] != SIZE_MAX)
				exercise(r, r->place_item[i]);
		}
	}
	if (req.to && !hv) {
		tc->error = true;
		mc_buf_addf(&actual, "no verdict for host '%s'", req.to);
		goto done;
	}
	tc->passed = judge(r, &e, res, hv, &actual);
done:
	if (!tc->passed) {
		if (mc_buf_failed(&actual)) {
			r->nomem = true;
		} else {
			tc->actual = keep(r, mc_buf_str(&actual));
		}
	} else {
		tc->expected = NULL;
	}
out:
	mc_check_result_free(res);
	mc_fleet_free(fleet);
	mc_inventory_free(inv);
	mc_diag_free(diag);
	mc_buf_free(&path);
	mc_buf_free(&actual);
	return r->nomem ? MC_ENOMEM : MC_OK;
}

/* ------------------------------------------------------------------------
 * The report
 */

int
mc_policy_test(mc_test_report **out, const mc_policy *p,
	       const mc_limits *limits, mc_diag *diag)
{
	runner r;
	mc_limits def;
	/* The tests belong to the policy's own file, never to its base. */
	const mc_node *list = p->tests ? p->tests
			      : p->ndocs ? mc_node_get(p->docs[0]->root, "tests") : NULL;
	size_t ntests = list && list->kind == MC_NODE_SEQ ? list->len : 0;
	mc_test_case *tests = NULL;
	int rc = MC_ENOMEM;

	*out = NULL;
	memset(&r, 0, sizeof(r));
	if (!limits) {
		mc_limits_default(&def);
		limits = &def;
	}
	r.p = p;
	r.lim = limits;
	r.rep = mc_owned_new(sizeof(*r.rep));
	if (!r.rep || mc_budget_new(&r.budget, limits) != MC_OK)
		goto out;
	tests = mc_arena_calloc(mc_owned_arena(r.rep), ntests + 1, sizeof(*tests));
	if (!tests || list_items(&r) != MC_OK)
		goto out;
	for (size_t i = 0; i < ntests; i++) {
		if (run_test(&r, list->u.items[i], &tests[i]) != MC_OK)
			goto out;
		if (!tests[i].passed)
			r.rep->nfailed++;
		if (tests[i].error)
			r.rep->nerrors++;
	}
	for (size_t i = 0; i < r.nitems; i++)
		r.rep->nexercised += r.items[i].exercised;
	r.rep->policy_name = keep(&r, p->name);
	r.rep->policy_file = keep(&r, p->file);
	r.rep->tests = tests;
	r.rep->ntests = ntests;
	r.rep->coverage = r.items;
	r.rep->ncoverage = r.nitems;
	if (r.nomem)
		goto out;
	*out = r.rep;
	r.rep = NULL;
	rc = MC_OK;
out:
	if (rc == MC_ENOMEM)
		mc_diag_error(diag, "out of memory running the tests of %s", p->file);
	mc_owned_free(r.rep);
	free(r.kind_match);
	free(r.kind_compare);
	mc_buf_free(&r.buf);
	mc_budget_free(r.budget);
	return rc;
}

void
mc_test_report_free(mc_test_report *rep)
{
	mc_owned_free(rep);
}
