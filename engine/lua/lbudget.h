/* SPDX-License-Identifier: MIT */
/*
 * lbudget.h - the work budget of one call into a Lua sandbox.
 *
 * Lua's count hook measures the instructions a rule executes, but it never
 * fires inside a C function, and one instruction can make a C function do
 * much work (sort a table, move a range, match a pattern). The C functions
 * a sandbox offers charge this budget in proportion to the work they do,
 * so that one limit bounds everything a call does (docs/lua.md, "What a
 * call costs").
 *
 * A call also ends for good at its memory limit, or when it makes a
 * string longer than the sandbox allows: once `ended` is set, every
 * further instruction and every charge fails, so that no pcall can catch
 * its way past a limit.
 *
 * A sandbox stores a pointer to its budget in the Lua state's extra space
 * (every coroutine of the state inherits it).
 */
#ifndef MC_LBUDGET_H
#define MC_LBUDGET_H

#include <lauxlib.h>
#include <lua.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Why a call ended before it returned. */
typedef enum mc_lend {
	MC_LEND_NONE,
	MC_LEND_BUDGET,   /* its instructions (and charged work) ran out */
	MC_LEND_MEMORY,   /* it needed more memory than its limit */
	MC_LEND_STRING    /* it made a string longer than the sandbox allows */
} mc_lend;

typedef struct mc_lbudget {
	uint64_t used;       /* instructions and charged work in this call */
	uint64_t limit;      /* what the call may spend */
	uint8_t ended;       /* mc_lend: the call is over, every attempt fails */
	size_t string_cap;   /* the longest string the sandbox holds */
	uint64_t string_len; /* MC_LEND_STRING: the length it was asked for */
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

/* Raises the error of a call that has ended. */
static inline int
mc_lbudget_fail(lua_State *L, const mc_lbudget *b)
{
	switch ((mc_lend)b->ended) {
	case MC_LEND_MEMORY:
		return luaL_error(L, "memory limit reached");
	case MC_LEND_STRING:
		return luaL_error(L, "string longer than the sandbox allows");
	default:
		return luaL_error(L, "instruction budget exceeded");
	}
}

/* Spends n units; raises a Lua error once the budget is exceeded or the
 * call has ended otherwise. */
static inline void
mc_lbudget_charge(lua_State *L, uint64_t n)
{
	mc_lbudget *b = mc_lbudget_of(L);

	if (!b)
		return;
	b->used = n > UINT64_MAX - b->used ? UINT64_MAX : b->used + n;
	if (b->used > b->limit && !b->ended)
		b->ended = MC_LEND_BUDGET;
	if (b->ended)
		mc_lbudget_fail(L, b);
}

/* Ends the call because it asked for a string of len bytes (more than
 * b->string_cap), and raises the error. */
static inline int
mc_lbudget_long_string(lua_State *L, uint64_t len)
{
	mc_lbudget *b = mc_lbudget_of(L);

	if (!b)
		return luaL_error(L, "resulting string too large");
	if (!b->ended) {
		b->ended = MC_LEND_STRING;
		b->string_len = len;
	}
	return mc_lbudget_fail(L, b);
}

#endif
