/* SPDX-License-Identifier: MIT */
/*
 * hostile.h - the hostile Lua rules of the escape suite, which the order
 * suite evaluates again with the hosts in other orders.
 */
#ifndef MC_TEST_HOSTILE_H
#define MC_TEST_HOSTILE_H

#include <stddef.h>

typedef struct hostile {
	const char *id;
	const char *body;     /* a YAML block: each line indented by 6 */
	const char *expect;   /* in the violation's message */
} hostile;

extern const hostile HOSTILE[];
extern const size_t NHOSTILE_RULES;
#define NHOSTILE NHOSTILE_RULES

/* A policy of every hostile rule (with `limits` as its `limits:` line when
 * not NULL), then rules that check nothing survived; caller frees. */
char *hostile_policy(const char *limits);

#endif
