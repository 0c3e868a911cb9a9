/* SPDX-License-Identifier: MIT */
/*
 * regex.h - pcre2 patterns, compiled (and JIT-compiled) once at load and
 * matched under the match and depth limits of mc_limits.
 *
 * Matching needs an mc_matcher: the match data and match context, made once
 * per evaluation context so that a match allocates nothing. A pattern is
 * immutable after compiling and may be shared by threads, each with its own
 * matcher.
 */
#ifndef MC_REGEX_H
#define MC_REGEX_H

#include <stdbool.h>
#include <stddef.h>

#include <stdint.h>

#include "migcheck.h"

typedef struct mc_regex mc_regex;

typedef struct mc_matcher {
	void *match_data;  /* pcre2_match_data_8 */
	void *context;     /* pcre2_match_context_8 */
	uint32_t limit;    /* steps one match may take */
	mc_budget *budget; /* the run's, that every match spends; or NULL */
	bool run_out;      /* the last match stopped at the run's budget */
} mc_matcher;

/*
 * Compiles a pattern (UTF-8). On error returns -1 with the pcre2 message in
 * err and the byte offset in the pattern at which it was found, or -2
 * (MC_ENOMEM) when memory runs out.
 */
int mc_regex_compile(mc_regex **out, const char *pattern, size_t len,
		     bool caseless, char *err, size_t errsize, size_t *offset);

void mc_regex_free(mc_regex *re);

/*
 * Checks a replacement template for the pattern: `$$`, `$N`, `${N}` and
 * `${name}` naming groups the pattern has. Returns 0, or -1 with a message.
 */
int mc_regex_check_replacement(const mc_regex *re, const char *to,
			       char *err, size_t errsize);

/* Makes a matcher with the limits' match and depth limits, spending no
 * budget until `budget` is set. */
int mc_matcher_init(mc_matcher *m, const mc_limits *limits);
void mc_matcher_release(mc_matcher *m);

/*
 * Returns 1 when the pattern matches the subject, 0 when it does not, -1
 * when a limit stopped the match (the caller fails closed; m->run_out says
 * whether it was the run's budget rather than the match limit).
 *
 * pcre2 does not say how many steps a match took, so a match is tried
 * under a limit that starts at a few dozen steps and grows fourfold up to
 * the match limit, and each try is charged to the budget in full: the
 * charge is at most about four times the work (and at least a few dozen
 * steps a match), and the work never more than the charge.
 */
int mc_regex_match(const mc_regex *re, mc_matcher *m, const char *s,
		   size_t len);

/*
 * When the pattern matches the subject, writes the replacement template
 * `to` with its group references filled into out (at most *outlen bytes
 * with the NUL) and returns 1, setting *outlen to the length. Returns 0
 * when it does not match, -1 on a limit, -2 when out is too small (*outlen
 * is then the size needed). A group that took no part in the match is
 * replaced by nothing.
 */
int mc_regex_replace(const mc_regex *re, mc_matcher *m, const char *s,
		     size_t len, const char *to, char *out, size_t *outlen);

/* The patterns a policy owns, freed together. */
typedef struct mc_regex_set {
	mc_regex **items;
	size_t count, cap;
} mc_regex_set;

/* Adds re to the set (which then owns it); -1 when memory runs out, in
 * which case re is freed. */
int mc_regex_set_add(mc_regex_set *set, mc_regex *re);
void mc_regex_set_free(mc_regex_set *set);

#endif
