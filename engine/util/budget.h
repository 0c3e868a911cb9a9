/* SPDX-License-Identifier: MIT */
/*
 * budget.h - spending a run's budget (mc_budget, public in migcheck.h).
 *
 * A call takes what it may spend before it starts and gives back what it
 * did not use, so that threads sharing a budget never spend more than it
 * holds. Both counters are atomic.
 */
#ifndef MC_BUDGET_H
#define MC_BUDGET_H

#include <stdint.h>

#include "migcheck.h"

/* Takes up to `want` units of Lua work (regex steps); returns how many
 * were taken: less than asked when the budget runs low, 0 once spent. */
uint64_t mc_budget_take_lua(mc_budget *b, uint64_t want);
uint64_t mc_budget_take_regex(mc_budget *b, uint64_t want);

/* Gives back units taken and not used. */
void mc_budget_give_lua(mc_budget *b, uint64_t unused);

/* The Lua limit the budget was made with, for messages. */
uint64_t mc_budget_lua_limit(const mc_budget *b);

#endif
