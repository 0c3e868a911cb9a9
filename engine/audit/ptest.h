/*
 * ptest.h - running a policy's `tests:` (mc_policy_test() of migcheck.h).
 *
 * Each test is run through the public API as any embedder would: its
 * inventory is loaded and finished, bound to the policy as a fleet, and
 * asked with mc_check(). Coverage is read from the verdicts of the moves the
 * tests evaluate, and named after the compiled policy's checks.
 *
 * A report owns every string it holds, in one arena; it points into nothing
 * it was made from and outlives the policy.
 */
#ifndef MC_PTEST_H
#define MC_PTEST_H

#include "migcheck.h"

/* The text of a rating in half stars: "4.5", "5". buf has room for 4. */
const char *mc_ptest_rating_text(char buf[4], unsigned halves);

#endif
