/* SPDX-License-Identifier: MIT */
/*
 * test_policy.c - compiling policies: what loads, every error with its
 * position, and the digest.
 */
#include <nettle/sha2.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "policy/policy.h"

#define HEAD "policy: p\nfields:\n  f: { from: cpu.f }\n  n: { from: cpu.n, type: integer }\n  s: { from: cpu.s, type: set }\n  v: { from: hv.v, type: version }\nkinds:\n  live: { when: { vm.state: running } }\n  stopped: { when: { vm.state: stopped } }\n"
/* HEAD is 9 lines: the text after it starts on line 10. */

/* Loads HEAD + tail and expects its first error to read `want`. */
static void
expect_error(const char *tail, const char *want)
{
	char text[4096];
	mc_diag *d;

	snprintf(text, sizeof(text), "%s%s", HEAD, tail);
	d = policy_errors("p.yaml", text);
	ck_assert_str_eq(first_diag(d), want);
	mc_diag_free(d);
}

START_TEST(minimal_policy_loads)
{
	mc_policy *p = policy_from("p.yaml", HEAD);

	ck_assert_str_eq(mc_policy_name(p), "p");
	ck_assert_str_eq(mc_policy_file(p), "p.yaml");
	ck_assert_uint_eq(mc_policy_kind_count(p), 2);
	ck_assert_str_eq(mc_policy_kind_name(p, 0), "live");
	ck_assert_str_eq(mc_policy_kind_name(p, 1), "stopped");
	ck_assert_ptr_null(mc_policy_kind_name(p, 2));
	mc_policy_free(p);
}
END_TEST

START_TEST(shipped_policies_load)
{
	const char *files[] = {SRC("policies/scvmm-2008.yaml"),
			       SRC("policies/scvmm-2008-r2.yaml"),
			       SRC("policies/hyperv.yaml")};

	for (size_t i = 0; i < 3; i++) {
		mc_diag *d = mc_diag_new();
		mc_policy *p = NULL;
		int rc = mc_policy_load(&p, files[i], NULL, d);

		ck_assert_msg(rc == MC_OK, "%s: %s", files[i], first_diag(d));
		ck_assert_uint_eq(mc_diag_count(d), 0);
		mc_policy_free(p);
		mc_diag_free(d);
	}
}
END_TEST

/* The digest is the SHA-256 of the file's bytes. */
START_TEST(digest_is_sha256_of_bytes)
{
	struct sha256_ctx ctx;
	uint8_t md[SHA256_DIGEST_SIZE];
	char want[80] = "sha256:";
	mc_policy *p = policy_from("p.yaml", HEAD);

	sha256_init(&ctx);
	sha256_update(&ctx, strlen(HEAD), (const uint8_t *)HEAD);
	sha256_digest(&ctx, sizeof(md), md);
	for (size_t i = 0; i < sizeof(md); i++)
		snprintf(want + 7 + 2 * i, 3, "%02x", md[i]);
	ck_assert_str_eq(mc_policy_digest(p), want);
	mc_policy_free(p);
}
END_TEST

START_TEST(compiled_shape)
{
	mc_policy *p = policy_from("p.yaml", HEAD
		"match:\n  live: [f, n]\n"
		"compare:\n  live:\n    - { field: v, op: ge }\n    - { field: s, op: superset }\n"
		"rules:\n  - { id: r1, kinds: [stopped], require: { vm.x: 1 } }\n"
		"  - { id: r2, require: { target.y: { exists: true } } }\n"
		"prefer:\n  - { match: f, weight: 3 }\n  - { when: { vm.x: 1 }, weight: 2 }\n");

	ck_assert_uint_eq(p->nfields, 4);
	ck_assert_int_eq(p->fields[1].type, MC_FT_INTEGER);
	ck_assert_int_eq(p->fields[2].type, MC_FT_SET);
	ck_assert_int_eq(p->fields[3].type, MC_FT_VERSION);
	ck_assert_uint_eq(p->checks[0].nmatch, 2);
	ck_assert_uint_eq(p->checks[0].ncompare, 2);
	ck_assert_uint_eq(p->checks[1].nmatch, 0);
	ck_assert_uint_eq(p->checks[0].compare[0].op, MC_OP_GE);
	ck_assert_uint_eq(p->nrules, 2);
	ck_assert_uint_eq(p->rules[0].kinds, 2u);  /* stopped only */
	ck_assert_uint_eq(p->rules[1].kinds, 3u);  /* every kind: no `kinds` */
	ck_assert_uint_eq(p->prefer_total, 5);
	/* 2 match and 2 compare checks of `live` + 2 rules */
	ck_assert_uint_eq(p->max_violations, 6);
	mc_policy_free(p);
}
END_TEST

START_TEST(error_unknown_top_key_suggests)
{
	expect_error("rulez: []\n", "p.yaml:10:1: unknown key 'rulez' in a policy; "
		     "did you mean 'rules'?");
}
END_TEST

START_TEST(error_unknown_key_lists_known)
{
	expect_error("host: { requires: [] }\n", "p.yaml:10:9: unknown key "
		     "'requires' in 'host'; did you mean 'require'?");
	expect_error("prefer:\n  - { match: f, weight: 1, color: red }\n",
		     "p.yaml:11:28: unknown key 'color' in a 'prefer' entry "
		     "(known keys: match, when, weight)");
}
END_TEST

START_TEST(error_unknown_field_in_match)
{
	expect_error("match:\n  live: [f, nn]\n",
		     "p.yaml:11:13: unknown field 'nn'; did you mean 'n'?");
	expect_error("match:\n  live: [f, zzzzzz]\n",
		     "p.yaml:11:13: unknown field 'zzzzzz': declare it under 'fields'");
}
END_TEST

START_TEST(error_unknown_kind)
{
	expect_error("match:\n  lve: [f]\n",
		     "p.yaml:11:3: unknown kind 'lve'; did you mean 'live'?");
	expect_error("rules:\n  - { id: r, kinds: [teleport], require: { vm.x: 1 } }\n",
		     "p.yaml:11:22: unknown kind 'teleport': declare it under 'kinds'");
}
END_TEST

START_TEST(error_compare_type_mismatch)
{
	expect_error("compare:\n  live:\n    - { field: v, op: superset }\n",
		     "p.yaml:12:23: 'superset' does not apply to field 'v' of type "
		     "version (it needs a set)");
	expect_error("compare:\n  live:\n    - { field: f, op: ge }\n",
		     "p.yaml:12:23: 'ge' does not apply to field 'f' of type string "
		     "(it needs an integer or a version)");
	expect_error("compare:\n  live:\n    - { field: n, op: above }\n",
		     "p.yaml:12:23: unknown compare operator (operators: eq, ne, lt, "
		     "le, gt, ge, superset, subset, disjoint)");
}
END_TEST

/* Loads a policy with one field defined by `def` and expects `want`. */
static void
expect_field_error(const char *def, const char *want)
{
	char text[1024];
	mc_diag *d;

	snprintf(text, sizeof(text), "policy: p\nkinds: { k: }\nfields:\n%s", def);
	d = policy_errors("p.yaml", text);
	ck_assert_str_eq(first_diag(d), want);
	mc_diag_free(d);
}

START_TEST(error_field_definitions)
{
	expect_field_error("  g: { type: integer }\n",
			   "p.yaml:4:6: field 'g' needs 'from': the path of its "
			   "value in a host record, such as cpu.family");
	expect_field_error("  g: { from: target.cpu.g }\n",
			   "p.yaml:4:14: 'from' is a path inside a host record, such "
			   "as cpu.family; leave out 'target.'");
	expect_field_error("  g: { from: cpu..g }\n",
			   "p.yaml:4:14: 'cpu..g' is not a path: it has an empty part");
	expect_field_error("  9g: { from: cpu.g }\n",
			   "p.yaml:4:3: '9g' is not a valid field name: use a letter, "
			   "then letters, digits, '_', '-' or '.' (at most 64)");
	expect_field_error("  g: { from: cpu.g, normalize: [ { pattern: a } ] }\n",
			   "p.yaml:4:34: a 'normalize' entry needs 'pattern' and 'to'");
	expect_field_error("  g: { from: cpu.g, normalize: [ { pattern: '(a)', to: $2 } ] }\n",
			   "p.yaml:4:56: '$2' names a group the pattern does not have");
	expect_field_error("  g: { from: cpu.g, normalize: [ { pattern: a, to: b, caseless: 1 } ] }\n",
			   "p.yaml:4:65: 'caseless' must be true or false");
	expect_field_error("  g: cpu.g\n",
			   "p.yaml:4:6: a field must be a mapping, not a string");
}
END_TEST

START_TEST(error_bad_pattern)
{
	mc_diag *d = policy_errors("p.yaml",
		"policy: p\n"
		"fields:\n"
		"  f:\n"
		"    from: cpu.f\n"
		"    normalize:\n"
		"      - { pattern: 'a(b', to: x }\n"
		"kinds: { k: }\n");

	ck_assert_str_eq(first_diag(d), "p.yaml:6:20: bad pattern at offset 3: "
			 "missing closing parenthesis");
	ck_assert_str_eq(mc_diag_get(d, 0)->source_line,
			 "      - { pattern: 'a(b', to: x }");
	mc_diag_free(d);
}
END_TEST

START_TEST(error_rules)
{
	expect_error("rules:\n  - { kinds: [live], require: { vm.x: 1 } }\n",
		     "p.yaml:11:5: a rule needs an 'id'");
	expect_error("rules:\n  - { id: r, require: { vm.x: 1 }, lua: 'return true' }\n",
		     "p.yaml:11:5: rule 'r' needs either 'require' (a condition) or "
		     "'lua' (code), and not both");
	expect_error("rules:\n  - { id: r, require: { vm.x: 1 } }\n"
		     "  - { id: r, require: { vm.y: 1 } }\n",
		     "p.yaml:12:11: id 'r' is used twice in 'rules' (first at p.yaml:11:11)");
	expect_error("rules:\n  - { id: 9lives, require: { vm.x: 1 } }\n",
		     "p.yaml:11:11: '9lives' is not a valid rule id: use a letter, "
		     "then letters, digits, '_', '-' or '.' (at most 64)");
	expect_error("rules:\n  - { id: r, lua: 42 }\n",
		     "p.yaml:11:19: 'lua' must be a non-empty string, not an integer");
}
END_TEST

START_TEST(error_conditions)
{
	expect_error("host: { require: [ { target.x: { around: 3 } } ] }\n",
		     "p.yaml:10:34: unknown operator 'around' (operators: eq ne lt le "
		     "gt ge in not_in matches exists superset subset)");
	expect_error("host: { require: [ { host.x: 1 } ] }\n",
		     "p.yaml:10:22: 'host.x' is not a path: it must start with 'vm.', "
		     "'source.' or 'target.' and have no empty part");
	expect_error("rules:\n  - { id: r, require: { vm.x: { ge: $nowhere } } }\n",
		     "p.yaml:11:37: 'nowhere' is not a path: it must start with 'vm.', "
		     "'source.' or 'target.' and have no empty part");
	expect_error("rules:\n  - { id: r, require: { vm.x: { matches: '(' } } }\n",
		     "p.yaml:11:42: bad pattern at offset 1: missing closing parenthesis");
	expect_error("rules:\n  - { id: r, require: { vm.x: { in: 3 } } }\n",
		     "p.yaml:11:37: 'in' takes a list or a $path, not an integer");
}
END_TEST

START_TEST(error_kind_reads_target)
{
	mc_diag *d = policy_errors("p.yaml", "policy: p\nkinds:\n  odd: { when: { target.x: 1 } }\n");

	ck_assert_str_eq(first_diag(d), "p.yaml:3:18: a kind's 'when' cannot use "
			 "'target.' paths");
	mc_diag_free(d);
}
END_TEST

START_TEST(error_messages)
{
	expect_error("host: { message: 'Host {target.name is down' }\n",
		     "p.yaml:10:18: a '{' without '}' in a message (write '{{' for a brace)");
	expect_error("host: { message: 'Host {foo.bar} is down' }\n",
		     "p.yaml:10:18: 'foo.bar' is not a path: it must start with 'vm.', "
		     "'source.' or 'target.' and have no empty part");
	/* field placeholders are for match and compare messages only */
	expect_error("host: { message: 'Host {field}' }\n",
		     "p.yaml:10:18: 'field' is not a path: it must start with 'vm.', "
		     "'source.' or 'target.' and have no empty part");
}
END_TEST

START_TEST(error_remedies_and_prefer)
{
	expect_error("remedies:\n  - { id: m, says: Move., set: { target.x: 1 } }\n",
		     "p.yaml:11:34: a remedy's 'set' cannot use 'target.' paths");
	expect_error("remedies:\n  - { id: m, says: Move. }\n",
		     "p.yaml:11:5: a remedy needs 'id', 'says' and 'set'");
	expect_error("prefer:\n  - { match: f, weight: 0 }\n",
		     "p.yaml:11:25: 'weight' must be a whole number from 1 to 1000000");
	expect_error("prefer:\n  - { match: f, when: { vm.x: 1 }, weight: 1 }\n",
		     "p.yaml:11:5: a 'prefer' entry needs 'weight' and either 'match' "
		     "(a field) or 'when' (a condition)");
	expect_error("relax:\n  - { when: { vm.x: 1 }, drop: [manufacturer] }\n",
		     "p.yaml:11:33: unknown field 'manufacturer': declare it under 'fields'");
}
END_TEST

START_TEST(error_top_level_shape)
{
	mc_diag *d = policy_errors("p.yaml", "");

	ck_assert_str_eq(first_diag(d), "p.yaml:1:1: the policy file is empty; it "
			 "must be a mapping with at least 'policy' and 'kinds'");
	mc_diag_free(d);
	d = policy_errors("p.yaml", "- a\n- b\n");
	ck_assert_str_eq(first_diag(d), "p.yaml:1:1: a policy must be a mapping, "
			 "not a list");
	mc_diag_free(d);
	d = policy_errors("p.yaml", "policy: p\nfields: {}\n");
	ck_assert_str_eq(first_diag(d), "p.yaml:1:1: the policy declares no kinds "
			 "of move: add 'kinds', such as live, saved-state and stopped");
	mc_diag_free(d);
	d = policy_errors("p.yaml", "fields: {}\nkinds: { k: }\n");
	ck_assert_str_eq(first_diag(d), "p.yaml:1:1: the policy needs a name: add "
			 "'policy: NAME'");
	mc_diag_free(d);
	expect_error("format: 2\n", "p.yaml:10:9: unsupported policy format: this "
		     "migcheck reads format 1");
}
END_TEST

/* Every error in a file is reported, not just the first. */
START_TEST(all_errors_collected)
{
	mc_diag *d = policy_errors("p.yaml", HEAD
		"rulez: []\n"
		"match:\n  live: [f, nope]\n  lve: [f]\n"
		"compare:\n  live: [ { field: f, op: superset } ]\n");

	ck_assert_uint_eq(mc_diag_error_count(d), 4);
	ck_assert(has_diag(d, "p.yaml:10:1: unknown key 'rulez'"));
	ck_assert(has_diag(d, "p.yaml:12:13: unknown field 'nope'"));
	ck_assert(has_diag(d, "p.yaml:13:3: unknown kind 'lve'"));
	ck_assert(has_diag(d, "p.yaml:15:27: 'superset' does not apply"));
	mc_diag_free(d);
}
END_TEST

/* A field with an error keeps its name: no second error where it is used. */
START_TEST(broken_field_no_cascade)
{
	mc_diag *d = policy_errors("p.yaml",
		"policy: p\n"
		"fields:\n"
		"  f: { from: cpu.f, type: integr }\n"
		"kinds: { live: }\n"
		"match: { live: [f] }\n"
		"compare: { live: [ { field: f, op: ge } ] }\n");

	ck_assert_uint_eq(mc_diag_error_count(d), 1);
	ck_assert_str_eq(first_diag(d), "p.yaml:3:27: unknown type 'integr' (types: "
			 "string, integer, boolean, version, set)");
	mc_diag_free(d);
}
END_TEST

START_TEST(tests_shape_checked)
{
	expect_error("tests:\n  - { name: t, inventory: i.yaml, vm: v }\n",
		     "p.yaml:11:5: a test needs 'name', 'inventory', 'vm' and 'expect'");
	expect_error("tests:\n  - { name: t, inventory: i.yaml, vm: v, expect: { allowed: maybe } }\n",
		     "p.yaml:11:61: 'allowed' must be true or false");
	expect_error("tests:\n  - { name: t, inventory: i.yaml, vm: v, expect: { rating: 4.2 } }\n",
		     "p.yaml:11:60: 'rating' must be 0 to 5 in half stars (such as 4.5)");
	expect_error("tests:\n  - { name: t, inventory: i.yaml, vm: v, kind: warp, expect: {} }\n",
		     "p.yaml:11:48: unknown kind 'warp': declare it under 'kinds'");
	mc_policy_free(policy_from("p.yaml", HEAD
		"tests:\n  - { name: t, inventory: i.yaml, vm: v, to: h, kind: live,\n"
		"      expect: { allowed: false, rating: 0, violations: [match.f], remedies: [] } }\n"));
}
END_TEST

START_TEST(missing_policy_file)
{
	mc_diag *d = mc_diag_new();
	mc_policy *p = NULL;

	ck_assert_int_eq(mc_policy_load(&p, "/nonexistent/p.yaml", NULL, d), MC_EINPUT);
	ck_assert_ptr_null(p);
	ck_assert_str_eq(first_diag(d), "/nonexistent/p.yaml:1:1: cannot read the "
			 "file: No such file or directory");
	mc_diag_free(d);
}
END_TEST

Suite *
policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *t = tcase_create("load");

	tcase_add_test(t, minimal_policy_loads);
	tcase_add_test(t, shipped_policies_load);
	tcase_add_test(t, digest_is_sha256_of_bytes);
	tcase_add_test(t, compiled_shape);
	tcase_add_test(t, missing_policy_file);
	suite_add_tcase(s, t);

	t = tcase_create("errors");
	tcase_add_test(t, error_unknown_top_key_suggests);
	tcase_add_test(t, error_unknown_key_lists_known);
	tcase_add_test(t, error_unknown_field_in_match);
	tcase_add_test(t, error_unknown_kind);
	tcase_add_test(t, error_compare_type_mismatch);
	tcase_add_test(t, error_field_definitions);
	tcase_add_test(t, error_bad_pattern);
	tcase_add_test(t, error_rules);
	tcase_add_test(t, error_conditions);
	tcase_add_test(t, error_kind_reads_target);
	tcase_add_test(t, error_messages);
	tcase_add_test(t, error_remedies_and_prefer);
	tcase_add_test(t, error_top_level_shape);
	tcase_add_test(t, all_errors_collected);
	tcase_add_test(t, broken_field_no_cascade);
	tcase_add_test(t, tests_shape_checked);
	suite_add_tcase(s, t);
	return s;
}
