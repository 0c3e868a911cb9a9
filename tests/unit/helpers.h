/* SPDX-License-Identifier: MIT */
/*
 * helpers.h - what the unit suites share: loading policies and inventories
 * from strings, and the suites' constructors.
 */
#ifndef MC_TEST_HELPERS_H
#define MC_TEST_HELPERS_H

#include <check.h>

#include "policy/cond.h"
#include "migcheck.h"

/* Every suite's maker, NAME_suite(), for each NAME of MC_UNIT_SUITES
 * (tests/CMakeLists.txt: the one place a suite is registered). */
#define MC_SUITE(name) Suite *name##_suite(void);
#include "unit_suites.h"
#undef MC_SUITE

/*
 * How many times slower than a native build the tests run: 100 under
 * valgrind (memcheck runs code 20 to 50 times slower) or when the
 * environment sets MC_TEST_SLOW (tests/valgrind/run.sh does), 1 otherwise.
 * Wall-clock bounds are multiplied by it: what they guard is asserted by
 * counts (an instruction budget, a number of steps), and the time is a
 * backstop for a native build.
 */
double test_time_scale(void);

/*
 * What compiling conditions alone needs (the cond and explain suites): an
 * arena, the path tables, a pattern set, diagnostics and default limits,
 * and a context over them that accepts every scope.
 */
typedef struct cond_fixture {
	mc_arena arena;
	mc_diag *diag;
	mc_limits limits;
	mc_pathtab vm_paths, host_paths;
	mc_regex_set regexes;
	mc_cond_ctx ctx;
} cond_fixture;

void cond_fixture_init(cond_fixture *c);
void cond_fixture_release(cond_fixture *c);

/* The project's source directory, for fixtures: MC_SOURCE_DIR "/examples". */
#define SRC(path) MC_SOURCE_DIR "/" path

/* Loads a policy from text (named name); fails the test when it does not
 * load. */
mc_policy *policy_from(const char *name, const char *text);

/* Loads a policy that must fail; returns its diagnostics (caller frees). */
mc_diag *policy_errors(const char *name, const char *text);

/* An inventory from one text; fails the test when it does not load. */
mc_inventory *inventory_from(const char *text);

/* The first diagnostic as "FILE:LINE:COL: MESSAGE" in a static buffer. */
const char *first_diag(const mc_diag *diag);

/* True when some diagnostic's "FILE:LINE:COL: MESSAGE" contains text. */
int has_diag(const mc_diag *diag, const char *text);

/*
 * A temporary directory for a test's files: temp_dir_make() makes a fresh
 * /tmp/PREFIX-XXXXXX, temp_dir_put() writes a file into it (name may hold a
 * subdirectory that exists), temp_dir_remove() removes it and all it holds.
 */
typedef struct temp_dir {
	char path[64];
} temp_dir;

void temp_dir_make(temp_dir *t, const char *prefix);
void temp_dir_put(const temp_dir *t, const char *name, const char *text);
void temp_dir_remove(const temp_dir *t);

/*
 * A fleet from a policy and an inventory given as text (the policy named
 * name, the inventory inv.yaml), loaded and bound under limits (NULL: the
 * defaults); diag holds what they reported. Fails the test, with the first
 * diagnostic, when a step does not succeed. fleet_done() frees it all.
 */
typedef struct fleet_fixture {
	mc_policy *policy;
	mc_inventory *inv;
	mc_fleet *fleet;
	mc_diag *diag;
} fleet_fixture;

fleet_fixture fleet_from(const char *name, const char *policy,
			 const char *inventory, const mc_limits *limits);
void fleet_done(fleet_fixture *x);

/*
 * One check with a policy and an inventory given as text: the result of
 * mc_check() for vm (to and kind may be NULL). Owns everything it made;
 * check_done() frees it.
 */
typedef struct check_run {
	fleet_fixture fx;
	mc_check_result *res;
	int status;
} check_run;

check_run run_check(const char *policy, const char *inventory, const char *vm,
		    const char *to, const char *kind);

/* As run_check, spending `budget` (NULL: one of the default limits). */
check_run run_check_budget(const char *policy, const char *inventory,
			   const char *vm, const char *to, const char *kind,
			   mc_budget *budget);
void check_done(check_run *r);

/* The verdict on a host of a result, or NULL. */
const mc_host_verdict *verdict(const mc_check_result *res, const char *host);

/* The violation with rule id `rule` in a verdict, or NULL. */
const mc_violation *violation(const mc_host_verdict *h, const char *rule);

/* The rule ids of a verdict joined by spaces ("host.1 match.family"). */
const char *rule_ids(const mc_host_verdict *h);

/* The remedy ids of a verdict joined by spaces. */
const char *remedy_ids(const mc_host_verdict *h);

#endif
