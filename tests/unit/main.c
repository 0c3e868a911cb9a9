/*
 * main.c - runs one Check suite by name (as CTest does, one test per suite)
 * or all of them.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static const struct {
	const char *name;
	Suite *(*make)(void);
} suites[] = {
	{"node", node_suite},
	{"diag", diag_suite},
	{"value", value_suite},
	{"cond", cond_suite},
	{"normalize", normalize_suite},
	{"policy", policy_suite},
	{"eval", eval_suite},
	{"extends", extends_suite},
	{"inventory", inventory_suite},
	{"lua", lua_suite},
	{"escape", escape_suite},
	{"order", order_suite},
	{"luapolicy", luapolicy_suite},
	{"lpattern", lpattern_suite},
	{"luasrc", luasrc_suite},
	{"explain", explain_suite},
	{"lint", lint_suite},
	{"probe", probe_suite},
	{"plan", plan_suite},
	{"baseline", baseline_suite},
	{"text", text_suite},
};

int
main(int argc, char **argv)
{
	SRunner *sr = NULL;
	int failed;

	for (size_t i = 0; i < sizeof(suites) / sizeof(*suites); i++) {
		if (argc > 1 && strcmp(argv[1], suites[i].name) != 0)
			continue;
		if (!sr)
			sr = srunner_create(suites[i].make());
		else
			srunner_add_suite(sr, suites[i].make());
	}
	if (!sr) {
		fprintf(stderr, "unit_tests: no suite named '%s'\n", argv[1]);
		return 2;
	}
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
