/* SPDX-License-Identifier: MIT */
/*
 * test_lint.c - what `migcheck lint` relies on: the ids of compile errors,
 * the warnings of mc_policy_lint(), and that a rule with `kinds: []`
 * applies to no kind.
 */
#include <string.h>

#include "helpers.h"

static const char *INVENTORY =
	"hosts:\n"
	"  - { name: s, free: 1 }\n"
	"  - { name: t, free: 1 }\n"
	"vms: [ { name: v, host: s, state: running } ]\n";

/* A rule that fails on every host, for no kind and for every kind. */
START_TEST(rule_with_empty_kinds_never_applies)
{
	static const char *none =
		"policy: r\nkinds: { any: }\n"
		"rules: [ { id: big, kinds: [], require: { target.free: { ge: 100 } } } ]\n";
	static const char *every =
		"policy: r\nkinds: { any: }\n"
		"rules: [ { id: big, require: { target.free: { ge: 100 } } } ]\n";
	check_run r = run_check(none, INVENTORY, "v", NULL, NULL);

	ck_assert_int_eq(r.status, MC_OK);
	ck_assert_ptr_null(violation(verdict(r.res, "t"), "rule.big"));
	ck_assert(verdict(r.res, "t")->allowed);
	check_done(&r);

	r = run_check(every, INVENTORY, "v", NULL, NULL);
	ck_assert_int_eq(r.status, MC_OK);
	ck_assert_ptr_nonnull(violation(verdict(r.res, "t"), "rule.big"));
	check_done(&r);
}
END_TEST

START_TEST(compile_errors_have_ids)
{
	mc_diag *d = policy_errors("p.yaml",
		"policy: p\nkinds: { any: { when: { vm.state: running }, wen: 1 } }\n");

	ck_assert_uint_eq(mc_diag_count(d), 1);
	ck_assert_str_eq(mc_diag_get(d, 0)->code, "unknown-key");
	mc_diag_free(d);

	d = policy_errors("p.yaml", "policy: p\npolicy: q\n");
	ck_assert_str_eq(mc_diag_get(d, 0)->code, "duplicate-key");
	mc_diag_free(d);

	d = policy_errors("p.yaml",
		"policy: p\nkinds: { any: { when: { vm.name: { matches: '[' } } } }\n");
	ck_assert_str_eq(mc_diag_get(d, 0)->code, "bad-pattern");
	mc_diag_free(d);
}
END_TEST

START_TEST(lint_warns_with_id_and_place)
{
	mc_policy *p = policy_from("p.yaml",
		"policy: p\n"
		"kinds: { any: }\n"
		"rules: [ { id: big, kinds: [], require: { target.free: { ge: 100 } } } ]\n");
	mc_diag *d = mc_diag_new();

	ck_assert_int_eq(mc_policy_lint(p, d), MC_OK);
	ck_assert(has_diag(d, "p.yaml:3:28: rule 'big' applies to no kind"));
	ck_assert(has_diag(d, "p.yaml:2:10: kind 'any' checks nothing"));
	ck_assert_uint_eq(mc_diag_count(d), 2);
	ck_assert_uint_eq(mc_diag_error_count(d), 0);
	for (size_t i = 0; i < mc_diag_count(d); i++) {
		const mc_diag_item *it = mc_diag_get(d, i);
		ck_assert_int_eq(it->severity, MC_SEVERITY_WARNING);
		ck_assert(strcmp(it->code, "rule-no-kind") == 0 ||
			  strcmp(it->code, "kind-checks-nothing") == 0);
	}
	mc_diag_free(d);
	mc_policy_free(p);
}
END_TEST

Suite *
lint_suite(void)
{
	Suite *s = suite_create("lint");
	TCase *t = tcase_create("lint");

	tcase_add_test(t, rule_with_empty_kinds_never_applies);
	tcase_add_test(t, compile_errors_have_ids);
	tcase_add_test(t, lint_warns_with_id_and_place);
	suite_add_tcase(s, t);
	return s;
}
