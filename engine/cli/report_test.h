/* SPDX-License-Identifier: MIT */
/*
 * report_test.h - the reports of `migcheck test`: text, JSON and JUnit XML. Each
 * is built whole in memory over the reports of every policy given.
 */
#ifndef MC_REPORT_TEST_H
#define MC_REPORT_TEST_H

#include <stdbool.h>
#include <stddef.h>

#include "migcheck.h"

/* A line per test (PASS or FAIL, policy, name), under a failure where the
 * test is written and what it expected and got; with coverage, the checks
 * no test exercised; then "N passed, M failed". Returns a malloc'd string
 * (its length in *len), or NULL when memory runs out. */
char *report_test_text(const mc_test_report *const *reps, size_t n,
		       bool coverage, bool color, size_t *len);

/* One JSON document: per policy its tests (name, place, outcome, and on
 * failure what was expected and what the check gave) and its coverage
 * (with coverage: every check, exercised or not); then the counts. */
char *report_test_json(const mc_test_report *const *reps, size_t n,
		       bool coverage, size_t *len);

/* One JUnit XML document: a <testsuite> per policy. */
char *report_test_junit(const mc_test_report *const *reps, size_t n,
			size_t *len);

#endif
