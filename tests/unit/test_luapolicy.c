/* SPDX-License-Identifier: MIT */
/*
 * test_luapolicy.c - policies written in Lua: loading, positions of their
 * errors, functions as rules, `extends` across the two languages, the
 * digest, and what a Lua file's functions may keep between calls.
 */
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "policy/policy.h"

static temp_dir tmp;

static int
load(mc_policy **p, const char *name, mc_diag *d)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", tmp.path, name);
	return mc_policy_load(p, path, NULL, d);
}

/* The first diagnostic with the temporary directory left out. */
static const char *
first(const mc_diag *d)
{
	static char buf[1024];
	const char *s = first_diag(d);
	size_t n = strlen(tmp.path);

	if (strncmp(s, tmp.path, n) == 0 && s[n] == '/')
		s += n + 1;
	snprintf(buf, sizeof(buf), "%s", s);
	return buf;
}

static const char *INVENTORY =
	"hosts:\n"
	"  - { name: s, cpu: { vendor: Intel, features: [a, b] } }\n"
	"  - { name: t1, cpu: { vendor: Intel, features: [a, b, c] } }\n"
	"  - { name: t2, cpu: { vendor: AMD, features: [a] } }\n"
	"vms:\n"
	"  - { name: v, host: s, state: running }\n"
	"  - { name: off, host: s, state: stopped }\n";

/* Runs a check of a policy file in tmp on the inventory above. */
static check_run
run_file(const char *name, const char *vm, const char *to)
{
	check_run r;
	mc_check_request req = {vm, to, NULL, false, NULL};

	memset(&r, 0, sizeof(r));
	r.fx.diag = mc_diag_new();
	ck_assert_msg(load(&r.fx.policy, name, r.fx.diag) == MC_OK, "%s", first(r.fx.diag));
	r.fx.inv = inventory_from(INVENTORY);
	ck_assert_int_eq(mc_fleet_new(&r.fx.fleet, r.fx.policy, r.fx.inv, NULL,
				      r.fx.diag), MC_OK);
	r.status = mc_check(&r.res, r.fx.fleet, &req, r.fx.diag);
	ck_assert_msg(r.status == MC_OK, "%s", first(r.fx.diag));
	return r;
}

static const char *BASIC =
	"-- a policy in Lua\n"
	"local features = { from = 'cpu.features', type = 'set' }\n"
	"return {\n"
	"  policy = 'in-lua',\n"
	"  fields = {\n"
	"    vendor = { from = 'cpu.vendor' },\n"
	"    features = features,\n"
	"  },\n"
	"  kinds = {\n"
	"    stopped = { when = { ['vm.state'] = 'stopped' } },\n"
	"    live = { when = { ['vm.state'] = 'running' } },\n"
	"  },\n"
	"  match = { live = { 'vendor' }, stopped = {} },\n"
	"  compare = { live = { { field = 'features', op = 'superset' } } },\n"
	"  rules = {\n"
	"    { id = 'text', lua = 'return target.cpu.vendor ~= nil' },\n"
	"    { id = 'fn', kinds = { 'live' },\n"
	"      lua = function(vm, source, target)\n"
	"        return #target.cpu.features >= 2, target.name .. ' is small'\n"
	"      end },\n"
	"  },\n"
	"  remedies = {\n"
	"    { id = 'stop', says = 'Stop it.', set = { ['vm.state'] = 'stopped' } },\n"
	"  },\n"
	"}\n";

START_TEST(loads_and_checks)
{
	check_run r;

	temp_dir_make(&tmp, "mc-luapol");
	temp_dir_put(&tmp, "p.lua", BASIC);
	r = run_file("p.lua", "v", NULL);
	ck_assert_str_eq(r.res->policy_name, "in-lua");
	ck_assert_str_eq(r.res->kind, "live");
	/* kinds keep the order they are written in */
	ck_assert_str_eq(mc_policy_kind_name(r.fx.policy, 0), "stopped");
	ck_assert_str_eq(mc_policy_kind_name(r.fx.policy, 1), "live");
	ck_assert(verdict(r.res, "t1")->allowed);
	ck_assert_str_eq(rule_ids(verdict(r.res, "t2")),
			 "match.vendor compare.features rule.fn");
	ck_assert_str_eq(violation(verdict(r.res, "t2"), "rule.fn")->message,
			 "t2 is small");
	ck_assert_str_eq(remedy_ids(verdict(r.res, "t2")), "stop");
	/* locations point into the Lua file */
	const mc_violation *v = violation(verdict(r.res, "t2"), "match.vendor");
	ck_assert_uint_eq(v->at.line, 13);
	ck_assert_uint_eq(v->at.column, 22);
	v = violation(verdict(r.res, "t2"), "rule.fn");
	ck_assert_uint_eq(v->at.line, 17);
	ck_assert_uint_eq(v->at.column, 5);
	check_done(&r);
	temp_dir_remove(&tmp);
}
END_TEST

/* A table used twice is one node, shared as a YAML alias shares its
 * anchor's: both uses work; a table bomb is refused at the alias limit
 * without being expanded, and a shared table too deep where it is used
 * again is refused at the depth limit. */
START_TEST(shared_tables)
{
	static const char *shared =
		"local running = { ['vm.state'] = 'running' }\n"
		"local intel = { 'vendor' }\n"
		"return {\n"
		"  policy = 'shared',\n"
		"  fields = { vendor = { from = 'cpu.vendor' } },\n"
		"  kinds = { live = { when = running }, again = { when = running } },\n"
		"  match = { live = intel, again = intel },\n"
		"}\n";
	mc_limits lim;
	mc_policy *p = NULL;
	mc_diag *d = mc_diag_new();
	char path[256];
	check_run r;

	temp_dir_make(&tmp, "mc-luapol");
	temp_dir_put(&tmp, "shared.lua", shared);
	r = run_file("shared.lua", "v", NULL);
	ck_assert(verdict(r.res, "t1")->allowed);
	ck_assert_str_eq(rule_ids(verdict(r.res, "t2")), "match.vendor");
	check_done(&r);

	temp_dir_put(&tmp, "bomb.lua", "local t = {'x'}\nfor i = 1, 40 do t = {t, t} end\n"
	    "return { policy = 'b', kinds = { any = {} }, x = t }\n");
	ck_assert_int_eq(load(&p, "bomb.lua", d), MC_EINPUT);
	ck_assert_str_eq(first(d), "bomb.lua:3:50: tables used more than once "
			 "expand to more than 1000000 values (raise it with "
			 "--limit alias-nodes=N)");
	mc_diag_clear(d);

	/* Three levels met first at depth 1, then again at depth 3. */
	mc_limits_default(&lim);
	lim.max_depth = 4;
	temp_dir_put(&tmp, "deep.lua", "local t = {{{'x'}}}\n"
	    "return { policy = 'd', kinds = { any = {} }, a = t, b = {{t}} }\n");
	snprintf(path, sizeof(path), "%s/deep.lua", tmp.path);
	ck_assert_int_eq(mc_policy_load(&p, path, &lim, d), MC_EINPUT);
	ck_assert_ptr_null(p);
	ck_assert_str_eq(first(d), "deep.lua:2:59: tables nested deeper than 4 "
			 "levels (raise it with --limit depth=N)");
	mc_diag_free(d);
	temp_dir_remove(&tmp);
}
END_TEST

/* Errors in what the table holds are reported where it is written. */
START_TEST(errors_at_their_place)
{
	mc_diag *d = mc_diag_new();
	mc_policy *p = NULL;
	char text[2048];

	temp_dir_make(&tmp, "mc-luapol");
	snprintf(text, sizeof(text), "%s", BASIC);
	/* a misspelt field in a match list */
	char *at = strstr(text, "{ 'vendor' }");
	memcpy(at, "{ 'vendr'  }", 12);
	temp_dir_put(&tmp, "p.lua", text);
	ck_assert_int_eq(load(&p, "p.lua", d), MC_EINPUT);
	ck_assert_str_eq(first(d), "p.lua:13:22: unknown field 'vendr'; did you mean "
			 "'vendor'?");
	mc_diag_clear(d);

	/* an unknown key */
	temp_dir_put(&tmp, "q.lua", "return {\n  policy = 'q',\n  kindz = {},\n}\n");
	ck_assert_int_eq(load(&p, "q.lua", d), MC_EINPUT);
	ck_assert_str_eq(first(d), "q.lua:3:3: unknown key 'kindz' in a policy; did "
			 "you mean 'kinds'?");
	mc_diag_clear(d);

	/* a function where a name belongs */
	temp_dir_put(&tmp, "r.lua", "return {\n  policy = function() end,\n  kinds = { k = {} },\n}\n");
	ck_assert_int_eq(load(&p, "r.lua", d), MC_EINPUT);
	ck_assert_str_eq(first(d), "r.lua:2:12: policy name must be a non-empty "
			 "string, not a function");
	mc_diag_clear(d);

	/* a table that is both a list and a mapping */
	temp_dir_put(&tmp, "s.lua", "return {\n  policy = 's',\n  kinds = { k = {}, 'x' },\n}\n");
	ck_assert_int_eq(load(&p, "s.lua", d), MC_EINPUT);
	ck_assert_str_eq(first(d), "s.lua:3:11: a table is a list (keys 1, 2, 3...) "
			 "or has names as keys, not both and nothing else");
	mc_diag_free(d);
	temp_dir_remove(&tmp);
}
END_TEST

START_TEST(lua_errors)
{
	mc_diag *d = mc_diag_new();
	mc_policy *p = NULL;

	temp_dir_make(&tmp, "mc-luapol");
	temp_dir_put(&tmp, "a.lua", "local x = 1\nreturn {\n  policy = 'a',\n");
	ck_assert_int_eq(load(&p, "a.lua", d), MC_EINPUT);
	ck_assert_str_eq(first(d), "a.lua:4:1: Lua: unexpected symbol near <eof>");
	mc_diag_clear(d);

	temp_dir_put(&tmp, "b.lua", "local t = {}\nlocal x = t.a.b\nreturn {}\n");
	ck_assert_int_eq(load(&p, "b.lua", d), MC_EINPUT);
	ck_assert_str_eq(first(d), "b.lua:2:1: Lua: attempt to index a nil value "
			 "(field 'a')");
	mc_diag_clear(d);

	temp_dir_put(&tmp, "c.lua", "-- nothing useful\nreturn 42\n");
	ck_assert_int_eq(load(&p, "c.lua", d), MC_EINPUT);
	ck_assert_str_eq(first(d), "c.lua:2:8: a Lua policy returns a table, not a "
			 "number");
	mc_diag_clear(d);

	temp_dir_put(&tmp, "d.lua", "while true do end\n");
	ck_assert_int_eq(load(&p, "d.lua", d), MC_EINPUT);
	ck_assert_str_eq(first(d), "d.lua:1:1: the policy file ran past its "
			 "instruction budget (10 times a rule's default) while "
			 "building its table");
	mc_diag_clear(d);

	temp_dir_put(&tmp, "e.lua", "local f = io.open('/etc/passwd')\nreturn {}\n");
	ck_assert_int_eq(load(&p, "e.lua", d), MC_EINPUT);
	ck_assert_str_eq(first(d), "e.lua:1:1: Lua: attempt to index a nil value "
			 "(global 'io')");
	mc_diag_clear(d);

	/* a rule's text compiles with the lines of the file */
	temp_dir_put(&tmp, "f.lua", "return {\n  policy = 'f',\n  kinds = { k = {} },\n"
	    "  rules = {\n    { id = 'r', lua = [[\n      return (]] },\n  },\n}\n");
	ck_assert_int_eq(load(&p, "f.lua", d), MC_EINPUT);
	ck_assert_str_eq(first(d), "f.lua:6:7: Lua: unexpected symbol near <eof>");
	mc_diag_free(d);
	temp_dir_remove(&tmp);
}
END_TEST

/*
 * A Lua file's functions keep no state between calls: values in upvalues
 * are put back after every call, tables in upvalues are read-only, and a
 * coroutine kept in an upvalue is refused.
 */
START_TEST(functions_keep_no_state)
{
	check_run r;

	temp_dir_make(&tmp, "mc-luapol");
	temp_dir_put(&tmp, "p.lua",
	    "local calls = 0\n"
	    "local seen = {}\n"
	    "local co = coroutine.create(function() end)\n"
	    "local function bump() calls = calls + 1 return calls end\n"
	    "return {\n"
	    "  policy = 'stateful',\n"
	    "  kinds = { any = {} },\n"
	    "  rules = {\n"
	    "    { id = 'count', lua = function() return bump() == 1, 'calls = ' .. calls end },\n"
	    "    { id = 'remember', lua = function(vm, s, t) seen[t.name] = true return true end },\n"
	    "    { id = 'read', lua = function() return seen.x == nil end },\n"
	    "    { id = 'thread', lua = function() return coroutine.status(co) ~= nil end },\n"
	    "  },\n"
	    "}\n");
	r = run_file("p.lua", "v", NULL);
	for (size_t i = 0; i < r.res->nhosts; i++) {
		const mc_host_verdict *h = &r.res->hosts[i];

		/* count held on every host, so calls was 0 each time */
		ck_assert_str_eq(rule_ids(h), "rule.remember rule.thread");
		ck_assert_msg(strstr(violation(h, "rule.remember")->message,
				     "read-only table") != NULL, "%s",
			      violation(h, "rule.remember")->message);
		ck_assert_msg(strstr(violation(h, "rule.thread")->message,
				     "reaches a coroutine or userdata") != NULL, "%s",
			      violation(h, "rule.thread")->message);
	}
	check_done(&r);
	temp_dir_remove(&tmp);
}
END_TEST

/* YAML extends Lua, and Lua extends YAML; the digest covers both. */
START_TEST(extends_across_languages)
{
	static const char *child =
		"policy: child\n"
		"extends: p.lua\n"
		"rules:\n"
		"  - id: fn\n"
		"    lua: return true\n";
	struct sha256_ctx ctx;
	uint8_t md[SHA256_DIGEST_SIZE];
	char want[80] = "sha256:";
	check_run r;

	temp_dir_make(&tmp, "mc-luapol");
	temp_dir_put(&tmp, "p.lua", BASIC);
	temp_dir_put(&tmp, "child.yaml", child);
	r = run_file("child.yaml", "v", "t2");
	/* the YAML file replaced the Lua file's rule fn */
	ck_assert_str_eq(rule_ids(verdict(r.res, "t2")), "match.vendor compare.features");
	sha256_init(&ctx);
	sha256_update(&ctx, strlen(child), (const uint8_t *)child);
	sha256_update(&ctx, strlen(BASIC), (const uint8_t *)BASIC);
	sha256_digest(&ctx, sizeof(md), md);
	for (size_t i = 0; i < sizeof(md); i++)
		snprintf(want + 7 + 2 * i, 3, "%02x", md[i]);
	ck_assert_str_eq(r.res->policy_digest, want);
	check_done(&r);

	temp_dir_put(&tmp, "base.yaml", "policy: base\nfields: { vendor: { from: cpu.vendor } }\n"
	    "kinds: { live: { when: { vm.state: running } } }\n"
	    "match: { live: [vendor] }\n");
	temp_dir_put(&tmp, "top.lua", "return { policy = 'top', extends = 'base.yaml',\n"
	    "  rules = { { id = 'two', lua = function(vm, s, t)\n"
	    "    return #t.cpu.features >= 2 end } } }\n");
	r = run_file("top.lua", "v", NULL);
	ck_assert(verdict(r.res, "t1")->allowed);
	ck_assert_str_eq(rule_ids(verdict(r.res, "t2")), "match.vendor rule.two");
	check_done(&r);
	temp_dir_remove(&tmp);
}
END_TEST

/* The shipped Lua policy loads, extends hyperv.yaml, and its tests have
 * the right shape. */
START_TEST(shipped_lua_policy)
{
	mc_diag *d = mc_diag_new();
	mc_policy *p = NULL;

	ck_assert_msg(mc_policy_load(&p, SRC("policies/hyperv-features.lua"), NULL, d)
		      == MC_OK, "%s", first_diag(d));
	ck_assert_str_eq(mc_policy_name(p), "hyperv-features");
	ck_assert_uint_eq(p->ndocs, 2);
	ck_assert(p->has_lua);
	/* the base's configuration-version, then its own guest-features */
	ck_assert_uint_eq(p->nrules, 2);
	ck_assert_str_eq(p->rules[0].id, "configuration-version");
	ck_assert_str_eq(p->rules[1].id, "guest-features");
	ck_assert(p->rules[1].has_uses);
	ck_assert_uint_eq(p->rules[1].nuses, 5);
	mc_policy_free(p);
	mc_diag_free(d);
}
END_TEST

Suite *
luapolicy_suite(void)
{
	Suite *s = suite_create("luapolicy");
	TCase *t = tcase_create("luapolicy");

	tcase_add_test(t, loads_and_checks);
	tcase_add_test(t, errors_at_their_place);
	tcase_add_test(t, lua_errors);
	tcase_add_test(t, functions_keep_no_state);
	tcase_add_test(t, extends_across_languages);
	tcase_add_test(t, shipped_lua_policy);
	tcase_add_test(t, shared_tables);
	suite_add_tcase(s, t);
	return s;
}
