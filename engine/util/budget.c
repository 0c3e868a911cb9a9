/* SPDX-License-Identifier: MIT */
/*
 * budget.c - what a whole run may spend.
 */
#include "util/budget.h"

#include <stdatomic.h>
#include <stdlib.h>

struct mc_budget {
	_Atomic uint64_t lua_spent;
	_Atomic uint64_t regex_spent;
	uint64_t lua_limit;
	uint64_t regex_limit;
};

int
mc_budget_new(mc_budget **out, const mc_limits *limits)
{
	mc_limits def;
	mc_budget *b;

	*out = NULL;
	if (!limits) {
		mc_limits_default(&def);
		limits = &def;
	}
	if (!(b = calloc(1, sizeof(*b))))
		return MC_ENOMEM;
	atomic_init(&b->lua_spent, 0);
	atomic_init(&b->regex_spent, 0);
	b->lua_limit = limits->lua_run_instructions;
	b->regex_limit = limits->regex_run_steps;
	*out = b;
	return MC_OK;
}

void
mc_budget_free(mc_budget *budget)
{
	free(budget);
}

/* Takes up to want units of counter c under limit: a compare-and-swap
 * loop, so that what is taken never passes the limit. */
static uint64_t
take(_Atomic uint64_t *c, uint64_t limit, uint64_t want)
{
	uint64_t spent = atomic_load(c), got;

	do {
		if (spent >= limit)
			return 0;
		got = limit - spent < want ? limit - spent : want;
	} while (!atomic_compare_exchange_weak(c, &spent, spent + got));
	return got;
}

uint64_t
mc_budget_take_lua(mc_budget *b, uint64_t want)
{
	return take(&b->lua_spent, b->lua_limit, want);
}

uint64_t
mc_budget_take_regex(mc_budget *b, uint64_t want)
{
	return take(&b->regex_spent, b->regex_limit, want);
}

void
mc_budget_give_lua(mc_budget *b, uint64_t unused)
{
	atomic_fetch_sub(&b->lua_spent, unused);
}

uint64_t
mc_budget_lua_spent(const mc_budget *budget)
{
	return atomic_load(&budget->lua_spent);
}

uint64_t
mc_budget_regex_spent(const mc_budget *budget)
{
	return atomic_load(&budget->regex_spent);
}

uint64_t
mc_budget_lua_limit(const mc_budget *b)
{
	return b->lua_limit;
}
