/* SPDX-License-Identifier: MIT */
/*
 * test_lua.c - Lua rules in YAML policies: results, messages, positions,
 * the helper modules, `uses`, remedies seen through the data, limits.
 */
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "policy/policy.h"

static const char *INVENTORY =
	"hosts:\n"
	"  - name: src\n"
	"    cluster: east\n"
	"    cpu: { manufacturer: GenuineIntel, architecture: x64, features: [sse4_2, avx, avx2] }\n"
	"    hypervisor: { version: '10.0.17763' }\n"
	"    memory: { free_mb: 4096 }\n"
	"  - name: big\n"
	"    cluster: east\n"
	"    cpu: { manufacturer: Intel, architecture: x86_64, features: [SSE4.2, avx, avx2, avx512f] }\n"
	"    hypervisor: { version: '10.0.20348' }\n"
	"    memory: { free_mb: 65536 }\n"
	"  - name: small\n"
	"    cluster: west\n"
	"    cpu: { manufacturer: AuthenticAMD, architecture: amd64, features: [sse4_2, avx] }\n"
	"    hypervisor: { version: '6.3.9600' }\n"
	"    memory: { free_mb: 512 }\n"
	"vms:\n"
	"  - { name: v, host: src, state: running, memory_mb: 2048, guest_arch: x64 }\n"
	"  - { name: off, host: src, state: stopped, memory_mb: 2048 }\n";

#define HEAD "policy: l\nkinds:\n  live: { when: { vm.state: running } }\n  stopped: { when: { vm.state: stopped } }\n"

/* Runs one rule (`rule` is the YAML of one list entry) on v against host
 * `to`. */
static check_run
one(const char *rule, const char *vm, const char *to)
{
	char policy[4096];
	check_run r;

	snprintf(policy, sizeof(policy), HEAD "rules:\n%s", rule);
	r = run_check(policy, INVENTORY, vm, to, NULL);
	ck_assert_msg(r.status == MC_OK, "%s", first_diag(r.fx.diag));
	return r;
}

START_TEST(true_false_and_message)
{
	check_run r = one("  - id: mem\n    lua: |\n"
			  "      local free = target.memory.free_mb\n"
			  "      if free < vm.memory_mb then\n"
			  "        return false, target.name .. ' has ' .. free .. ' MB free'\n"
			  "      end\n"
			  "      return true\n", "v", NULL);

	ck_assert(verdict(r.res, "big")->allowed);
	ck_assert_str_eq(rule_ids(verdict(r.res, "small")), "rule.mem");
	ck_assert_str_eq(violation(verdict(r.res, "small"), "rule.mem")->message,
			 "small has 512 MB free");
	ck_assert_ptr_null(violation(verdict(r.res, "small"), "rule.mem")->detail);
	check_done(&r);
}
END_TEST

/* false without a message: the rule's own message, filled */
START_TEST(false_uses_the_rules_message)
{
	check_run r = one("  - id: no\n    lua: return false\n"
			  "    message: 'No for {target.name} ({vm.memory_mb} MB).'\n",
			  "v", "big");

	ck_assert_str_eq(violation(verdict(r.res, "big"), "rule.no")->message,
			 "No for big (2048 MB).");
	check_done(&r);
	r = one("  - id: no\n    lua: return false\n", "v", "big");
	ck_assert_str_eq(violation(verdict(r.res, "big"), "rule.no")->message,
			 "Rule no does not hold for host big.");
	check_done(&r);
}
END_TEST

/* A runtime error names the line of the policy file it happened on. */
START_TEST(runtime_error_points_into_the_yaml)
{
	check_run r = one("  - id: oops\n"
			  "    lua: |\n"
			  "      local a = 1\n"
			  "      local b = target.nothere.deeper\n"
			  "      return true\n", "v", "big");
	const mc_violation *v = violation(verdict(r.res, "big"), "rule.oops");

	/* HEAD is 4 lines, "rules:" the 5th; the body's second line is 9 */
	ck_assert_str_eq(v->detail, "policy.yaml:9: attempt to index a nil value "
			 "(field 'nothere')");
	ck_assert_str_eq(v->message, "Cannot check rule oops on host big: "
			 "policy.yaml:9: attempt to index a nil value (field 'nothere').");
	ck_assert_uint_eq(v->at.line, 6);
	check_done(&r);
}
END_TEST

/* A syntax error is a load error at its line, at the code's column. */
START_TEST(syntax_error_at_its_line)
{
	mc_diag *d = policy_errors("p.yaml", HEAD "rules:\n"
				   "  - id: bad\n"
				   "    lua: |\n"
				   "      local x = 1\n"
				   "      if x then return true\n"
				   "      return false\n");

	/* 'return' must end its block: the 'if' is still open at line 10 */
	ck_assert_str_eq(first_diag(d), "p.yaml:10:7: Lua: 'end' expected (to close "
			 "'if' at line 9) near 'return'");
	mc_diag_free(d);
	d = policy_errors("p.yaml", HEAD "rules:\n"
			  "  - id: bad\n"
			  "    lua: |\n"
			  "      return = 1\n");
	ck_assert_str_eq(first_diag(d), "p.yaml:8:7: Lua: unexpected symbol near '='");
	mc_diag_free(d);
	d = policy_errors("p.yaml", HEAD "rules:\n"
			  "  - { id: bad, lua: 'return )' }\n");
	ck_assert_str_eq(first_diag(d), "p.yaml:6:22: Lua: unexpected symbol near ')'");
	mc_diag_free(d);
}
END_TEST

START_TEST(helper_modules)
{
	check_run r = one("  - id: helpers\n    lua: |\n"
			  "      assert(version.compare('6.3', '6.3.0') == 0)\n"
			  "      assert(version.lt('6.3.9600', '10.0'))\n"
			  "      assert(version.major('10.0.17763') == 10)\n"
			  "      assert(version.valid('R2 SP1') == false)\n"
			  "      assert(not pcall(version.compare, 'x', '1'))\n"
			  "      local t = normalize.features(target.cpu.features)\n"
			  "      local s = normalize.features(source.cpu.features)\n"
			  "      assert(normalize.manufacturer(target.cpu.manufacturer) == 'Intel' or\n"
			  "             normalize.manufacturer(target.cpu.manufacturer) == 'AMD')\n"
			  "      assert(normalize.architecture(target.cpu.architecture) == 'x64')\n"
			  "      assert(normalize.feature('SSE4.2') == 'sse4_2')\n"
			  "      local missing = sets.missing(t, s)\n"
			  "      if #missing > 0 then\n"
			  "        return false, 'lacks ' .. table.concat(missing, ', ')\n"
			  "      end\n"
			  "      return sets.superset(t, s) and sets.size(t) >= 3\n",
			  "v", NULL);

	/* big writes SSE4.2, normalized to sse4_2: a superset */
	ck_assert_msg(verdict(r.res, "big")->allowed, "%s",
		      verdict(r.res, "big")->nviolations
		      ? verdict(r.res, "big")->violations[0].message : "");
	ck_assert_str_eq(violation(verdict(r.res, "small"), "rule.helpers")->message,
			 "lacks avx2");
	check_done(&r);
}
END_TEST

/* The data: scalars keep their types, lists have lengths and can be
 * walked, missing paths are nil. */
START_TEST(data_views)
{
	check_run r = one("  - id: data\n    lua: |\n"
			  "      assert(type(vm.memory_mb) == 'number' and math.type(vm.memory_mb) == 'integer')\n"
			  "      assert(vm.checkpoints == 0 and vm.processor_compatibility == false)\n"
			  "      assert(vm.nothere == nil and target.cpu.nothere == nil)\n"
			  "      assert(#target.cpu.features == 4 and target.cpu.features[4] == 'avx512f')\n"
			  "      local n = 0\n"
			  "      for i, f in ipairs(target.cpu.features) do n = n + 1 end\n"
			  "      assert(n == 4)\n"
			  "      local keys = {}\n"
			  "      for k in pairs(target.cpu) do keys[#keys + 1] = k end\n"
			  "      assert(table.concat(keys, ',') == 'manufacturer,architecture,features')\n"
			  "      assert(tostring(vm):find('read%-only'))\n"
			  "      return true\n", "v", "big");

	ck_assert_msg(verdict(r.res, "big")->allowed, "%s",
		      verdict(r.res, "big")->nviolations
		      ? verdict(r.res, "big")->violations[0].message : "");
	check_done(&r);
}
END_TEST

/* A remedy's `set` is what the VM view shows while the remedy is tried. */
START_TEST(remedies_change_what_rules_see)
{
	static const char *policy = HEAD
		"rules:\n"
		"  - id: compat\n"
		"    lua: return vm.processor_compatibility == true, 'needs compatibility'\n"
		"remedies:\n"
		"  - { id: turn-on, says: Turn it on., set: { vm.processor_compatibility: true } }\n"
		"  - { id: other, says: Something else., set: { vm.memory_mb: 1 } }\n";
	check_run r = run_check(policy, INVENTORY, "v", "big", NULL);

	ck_assert_int_eq(r.status, MC_OK);
	ck_assert_str_eq(rule_ids(verdict(r.res, "big")), "rule.compat");
	ck_assert_str_eq(remedy_ids(verdict(r.res, "big")), "turn-on");
	check_done(&r);
}
END_TEST

/* `uses`: a read outside the declared paths fails the rule, even when the
 * rule catches the error. */
START_TEST(uses_is_enforced)
{
	check_run r = one("  - id: declared\n"
			  "    uses: [target.cpu.features, source.cpu.features, vm.memory_mb]\n"
			  "    lua: |\n"
			  "      return sets.superset(normalize.features(target.cpu.features),\n"
			  "                           normalize.features(source.cpu.features))\n"
			  "         and vm.memory_mb > 0\n", "v", NULL);

	ck_assert(verdict(r.res, "big")->allowed);
	ck_assert_str_eq(rule_ids(verdict(r.res, "small")), "rule.declared");
	ck_assert_str_eq(violation(verdict(r.res, "small"), "rule.declared")->message,
			 "Rule declared does not hold for host small.");
	check_done(&r);

	r = one("  - id: sneaky\n"
		"    uses: [target.cpu.features]\n"
		"    lua: |\n"
		"      pcall(function() return target.memory.free_mb end)\n"
		"      return true\n", "v", "big");
	ck_assert_str_eq(violation(verdict(r.res, "big"), "rule.sneaky")->message,
			 "Cannot check rule sneaky on host big: it read "
			 "target.memory, which its 'uses' does not list.");
	check_done(&r);

	/* a path covers everything under it */
	r = one("  - id: broad\n"
		"    uses: [target.cpu]\n"
		"    lua: return target.cpu.features[1] ~= nil and target.cpu.manufacturer ~= nil\n",
		"v", "big");
	ck_assert(verdict(r.res, "big")->allowed);
	check_done(&r);
}
END_TEST

START_TEST(uses_errors)
{
	mc_diag *d = policy_errors("p.yaml", HEAD "rules:\n"
				   "  - { id: u, uses: [host.cpu], lua: return true }\n");

	ck_assert_str_eq(first_diag(d), "p.yaml:6:21: 'host.cpu' is not a path: it "
			 "must start with 'vm.', 'source.' or 'target.' and have no "
			 "empty part");
	mc_diag_free(d);
	d = policy_errors("p.yaml", HEAD "rules:\n"
			  "  - { id: u, uses: [vm.x], require: { vm.x: 1 } }\n");
	ck_assert_str_eq(first_diag(d), "p.yaml:6:20: 'uses' is for Lua rules: a "
			 "condition's paths are known already");
	mc_diag_free(d);
}
END_TEST

/* Limits: set per policy within the caps, and enforced. */
START_TEST(limits_per_policy)
{
	static const char *policy = HEAD
		"limits: { lua_instructions: 5000 }\n"
		"rules:\n"
		"  - id: count\n"
		"    lua: |\n"
		"      local n = 0\n"
		"      for i = 1, 100000 do n = n + i end\n"
		"      return true\n";
	check_run r = run_check(policy, INVENTORY, "v", "big", NULL);

	ck_assert_int_eq(r.status, MC_OK);
	ck_assert_str_eq(violation(verdict(r.res, "big"), "rule.count")->message,
			 "Cannot check rule count on host big: it ran past its budget "
			 "of 5000 instructions (the policy's limits: lua_instructions, "
			 "at most --limit lua-instructions).");
	check_done(&r);

	mc_diag *d = policy_errors("p.yaml", HEAD "limits: { lua_instructions: 1000000000 }\n");
	ck_assert_str_eq(first_diag(d), "p.yaml:5:29: 'lua_instructions' must be a "
			 "whole number from 1000 to 100000000 (raise it with --limit "
			 "lua-instructions=N)");
	mc_diag_free(d);
	d = policy_errors("p.yaml", HEAD "limits: { lua_memory_mb: 0, lua_time: 1 }\n");
	ck_assert(has_diag(d, "p.yaml:5:26: 'lua_memory_mb' must be a whole number "
			   "from 1 to 16"));
	ck_assert(has_diag(d, "p.yaml:5:29: unknown key 'lua_time' in 'limits'"));
	mc_diag_free(d);
}
END_TEST

/* The contract's example policy: its Lua rule runs, and its test case
 * reads as written. */
START_TEST(spec_example_policy)
{
	mc_diag *d = mc_diag_new();
	mc_policy *p = NULL;
	mc_inventory *inv = NULL;
	mc_fleet *f = NULL;
	mc_check_result *res = NULL;
	mc_check_request req = {"web-01", "hv-amd-01", NULL, false, NULL};

	ck_assert_int_eq(mc_policy_load(&p, SRC("tests/fixtures/spec-example-policy.yaml"),
					NULL, d), MC_OK);
	ck_assert_int_eq(mc_inventory_new(&inv, NULL), MC_OK);
	ck_assert_int_eq(mc_inventory_add_file(inv, SRC("examples/kb969726.yaml"), d), MC_OK);
	ck_assert_int_eq(mc_inventory_finish(inv, d), MC_OK);
	ck_assert_int_eq(mc_fleet_new(&f, p, inv, NULL, d), MC_OK);
	ck_assert_int_eq(mc_check(&res, f, &req, d), MC_OK);
	ck_assert_str_eq(rule_ids(&res->hosts[0]), "match.manufacturer match.family");
	ck_assert_str_eq(remedy_ids(&res->hosts[0]), "discard-saved-state");
	mc_check_result_free(res);
	mc_fleet_free(f);
	mc_inventory_free(inv);
	mc_policy_free(p);
	mc_diag_free(d);
}
END_TEST

Suite *
lua_suite(void)
{
	Suite *s = suite_create("lua");
	TCase *t = tcase_create("rules");

	tcase_add_test(t, true_false_and_message);
	tcase_add_test(t, false_uses_the_rules_message);
	tcase_add_test(t, runtime_error_points_into_the_yaml);
	tcase_add_test(t, syntax_error_at_its_line);
	tcase_add_test(t, helper_modules);
	tcase_add_test(t, data_views);
	tcase_add_test(t, remedies_change_what_rules_see);
	tcase_add_test(t, uses_is_enforced);
	tcase_add_test(t, uses_errors);
	tcase_add_test(t, limits_per_policy);
	tcase_add_test(t, spec_example_policy);
	suite_add_tcase(s, t);
	return s;
}
