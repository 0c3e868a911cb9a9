/* SPDX-License-Identifier: MIT */
/*
 * main.c - runs one Check suite by name (as CTest does, one test per suite)
 * or all of them; the suites are those of MC_UNIT_SUITES
 * (tests/CMakeLists.txt).
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
#define MC_SUITE(name) {#name, name##_suite},
#include "unit_suites.h"
#undef MC_SUITE
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
