/* SPDX-License-Identifier: MIT */
/*
 * helpers.c - shared test plumbing.
 */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* valgrind.h is only macros (client requests that do nothing natively);
 * without it, MC_TEST_SLOW alone says that the tests run slowly. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define MC_HAVE_VALGRIND_H 1
#endif
#endif

double
test_time_scale(void)
{
	const char *slow = getenv("MC_TEST_SLOW");

	if (slow && *slow && strcmp(slow, "0") != 0)
		return 100.0;
#ifdef MC_HAVE_VALGRIND_H
	if (RUNNING_ON_VALGRIND)
		return 100.0;
#endif
	return 1.0;
}

mc_policy *
policy_from(const char *name, const char *text)
{
	mc_diag *diag = mc_diag_new();
	mc_policy *p = NULL;
	int rc = mc_policy_load_buffer(&p, name, text, strlen(text), NULL, diag);

	ck_assert_msg(rc == MC_OK, "policy did not load: %s", first_diag(diag));
	mc_diag_free(diag);
	return p;
}

mc_diag *
policy_errors(const char *name, const char *text)
{
	mc_diag *diag = mc_diag_new();
	mc_policy *p = NULL;
	int rc = mc_policy_load_buffer(&p, name, text, strlen(text), NULL, diag);

	ck_assert_msg(rc != MC_OK, "policy loaded but should not have");
	ck_assert_ptr_null(p);
	ck_assert_uint_gt(mc_diag_error_count(diag), 0);
	return diag;
}

mc_inventory *
inventory_from(const char *text)
{
	mc_diag *diag = mc_diag_new();
	mc_inventory *inv = NULL;
	int rc = mc_inventory_new(&inv, NULL);

	if (rc == MC_OK)
		rc = mc_inventory_add_buffer(inv, "inv.yaml", text, strlen(text), diag);
	if (rc == MC_OK)
		rc = mc_inventory_finish(inv, diag);
	ck_assert_msg(rc == MC_OK, "inventory did not load: %s", first_diag(diag));
	mc_diag_free(diag);
	return inv;
}

static void
format_item(char *buf, size_t size, const mc_diag_item *it)
{
	if (it->at.file)
		snprintf(buf, size, "%s:%u:%u: %s", it->at.file, it->at.line,
			 it->at.column, it->message);
	else
		snprintf(buf, size, "%s", it->message);
}

const char *
first_diag(const mc_diag *diag)
{
	static char buf[1024];

	if (!diag || mc_diag_count(diag) == 0)
		return "(no diagnostic)";
	format_item(buf, sizeof(buf), mc_diag_get(diag, 0));
	return buf;
}

int
has_diag(const mc_diag *diag, const char *text)
{
	char buf[1024];

	for (size_t i = 0; i < mc_diag_count(diag); i++) {
		format_item(buf, sizeof(buf), mc_diag_get(diag, i));
		if (strstr(buf, text))
			return 1;
	}
	return 0;
}

check_run
run_check(const char *policy, const char *inventory, const char *vm,
	  const char *to, const char *kind)
{
	return run_check_budget(policy, inventory, vm, to, kind, NULL);
}

check_run
run_check_budget(const char *policy, const char *inventory, const char *vm,
		 const char *to, const char *kind, mc_budget *budget)
{
	check_run r;
	mc_check_request req = {vm, to, kind, false, budget};

	memset(&r, 0, sizeof(r));
	r.fx = fleet_from("policy.yaml", policy, inventory, NULL);
	r.status = mc_check(&r.res, r.fx.fleet, &req, r.fx.diag);
	return r;
}

void
check_done(check_run *r)
{
	mc_check_result_free(r->res);
	fleet_done(&r->fx);
}

fleet_fixture
fleet_from(const char *name, const char *policy, const char *inventory,
	   const mc_limits *limits)
{
	fleet_fixture x = {NULL, NULL, NULL, mc_diag_new()};
	int rc;

	ck_assert_ptr_nonnull(x.diag);
	rc = mc_policy_load_buffer(&x.policy, name, policy, strlen(policy),
				   limits, x.diag);
	ck_assert_msg(rc == MC_OK, "policy did not load: %s", first_diag(x.diag));
	rc = mc_inventory_new(&x.inv, limits);
	if (rc == MC_OK)
		rc = mc_inventory_add_buffer(x.inv, "inv.yaml", inventory,
					     strlen(inventory), x.diag);
	if (rc == MC_OK)
		rc = mc_inventory_finish(x.inv, x.diag);
	ck_assert_msg(rc == MC_OK, "inventory did not load: %s",
		      first_diag(x.diag));
	rc = mc_fleet_new(&x.fleet, x.policy, x.inv, limits, x.diag);
	ck_assert_msg(rc == MC_OK, "fleet not bound: %s", first_diag(x.diag));
	return x;
}

void
fleet_done(fleet_fixture *x)
{
	mc_fleet_free(x->fleet);
	mc_inventory_free(x->inv);
	mc_policy_free(x->policy);
	mc_diag_free(x->diag);
}

const mc_host_verdict *
verdict(const mc_check_result *res, const char *host)
{
	for (size_t i = 0; res && i < res->nhosts; i++) {
		if (strcmp(res->hosts[i].name, host) == 0)
			return &res->hosts[i];
	}
	return NULL;
}

const mc_violation *
violation(const mc_host_verdict *h, const char *rule)
{
	for (size_t i = 0; h && i < h->nviolations; i++) {
		if (strcmp(h->violations[i].rule, rule) == 0)
			return &h->violations[i];
	}
	return NULL;
}

const char *
rule_ids(const mc_host_verdict *h)
{
	static char buf[1024];
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; h && i < h->nviolations && off < sizeof(buf); i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s",
					i ? " " : "", h->violations[i].rule);
	return buf;
}

const char *
remedy_ids(const mc_host_verdict *h)
{
	static char buf[1024];
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; h && i < h->nremedies && off < sizeof(buf); i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s",
					i ? " " : "", h->remedies[i].id);
	return buf;
}

void
cond_fixture_init(cond_fixture *c)
{
	memset(c, 0, sizeof(*c));
	mc_arena_init(&c->arena);
	c->diag = mc_diag_new();
	ck_assert_ptr_nonnull(c->diag);
	mc_limits_default(&c->limits);
	mc_pathtab_init(&c->vm_paths);
	mc_pathtab_init(&c->host_paths);
	c->ctx.arena = &c->arena;
	c->ctx.diag = c->diag;
	c->ctx.limits = &c->limits;
	c->ctx.vm_paths = &c->vm_paths;
	c->ctx.host_paths = &c->host_paths;
	c->ctx.regexes = &c->regexes;
	c->ctx.scopes = (1u << MC_SCOPE_VM) | (1u << MC_SCOPE_SOURCE) |
			(1u << MC_SCOPE_TARGET);
	c->ctx.where = "a test condition";
}

void
cond_fixture_release(cond_fixture *c)
{
	mc_cond_ctx_release(&c->ctx);
	mc_regex_set_free(&c->regexes);
	mc_pathtab_free(&c->vm_paths);
	mc_pathtab_free(&c->host_paths);
	mc_arena_release(&c->arena);
	mc_diag_free(c->diag);
}

void
temp_dir_make(temp_dir *t, const char *prefix)
{
	snprintf(t->path, sizeof(t->path), "/tmp/%s-XXXXXX", prefix);
	ck_assert_ptr_nonnull(mkdtemp(t->path));
}

void
temp_dir_put(const temp_dir *t, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", t->path, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

void
temp_dir_remove(const temp_dir *t)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", t->path);
	ck_assert_int_eq(system(cmd), 0);
}
