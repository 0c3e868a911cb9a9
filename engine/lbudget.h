/*
 * lbudget.h - the work budget of one call into a Lua sandbox.
 *
 * Lua's count hook measures the instructions a rule executes, but it never
 * fires inside a C function. The C functions a sandbox offers that can work
 * long on small input (pattern matching) charge this budget themselves, so
 * that one limit bounds everything a call does.
 *
 * A sandbox stores a pointer to its budget in the Lua state's extra space
 * (every coroutine of the state inherits it).
 */
#ifndef MC_LBUDGET_H
#define MC_LBUDGET_H

#include <lauxlib.h>
#include <lua.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct mc_lbudget {
	uint64_t used;    /* instructions and steps spent in this call */
	uint64_t limit;   /* what the call may spend */
	bool exceeded;    /* the call ran out: every later attempt fails too */
} mc_lbudget;

/* The budget of L's sandbox, or NULL outside a sandbox. */
static inline mc_lbudget *
mc_lbudget_of(lua_State *L)
{
	return *(mc_lbudget **)lua_getextraspace(L);
}

/* Installs b as L's budget (b may be NULL). */
static inline void
mc_lbudget_set(lua_State *L, mc_lbudget *b)
{
	*(mc_lbudget **)lua_getextraspace(L) = b;
}

/* Spends n units; raises a Lua error once the budget is exceeded. */
static inline void
mc_lbudget_charge(lua_State *L, uint64_t n)
{
	mc_lbudget *b = mc_lbudget_of(L);

	if (!b)
		return;
	b->used += n;
	if (b->used > b->limit || b->exceeded) {
		b->exceeded = true;
		luaL_error(L, "instruction budget exceeded");
	}
}

#endif
