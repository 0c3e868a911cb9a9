/* SPDX-License-Identifier: MIT */
/*
 * lsafe.h - the library functions a sandbox gives rules in place of Lua's.
 *
 * Lua's standard functions are made for trusted code: one call can do
 * unbounded work, report heap addresses, or walk a table in an order that
 * changes from run to run. The sandbox (sandbox.h) opens Lua's libraries
 * and then replaces, with the functions here:
 *
 * - work:  every library function a rule can call charges the budget
 *          (lbudget.h) in proportion to what it does: bytes it reads and
 *          writes, values it passes, elements it moves or sorts;
 * - order: next and pairs walk every table in one fixed order (numbers,
 *          then strings, then booleans); a table keyed by tables or
 *          functions has no order and is refused; table.sort is a stable
 *          merge sort;
 * - text:  tostring and string.format never show an address ("table", not
 *          "table: 0x..."); %p is refused;
 * - metatables: setmetatable refuses __gc, __mode and a __call that is not
 *          a function, keeps __index and __newindex chains short, and
 *          takes the metatable as it is when called;
 * - code:  load takes text only, under a chunk name of its own;
 *          coroutine.wrap, coroutine.close and xpcall keep Lua's semantics
 *          without running code after the budget is spent.
 *
 * What a call records here (key orders, metatables it set) is dropped by
 * mc_lsafe_end_call(), so that nothing of one call reaches the next.
 */
#ifndef MC_LSAFE_H
#define MC_LSAFE_H

#include <lua.h>

/* The registry key of the environment chunks get: the read-only view of
 * the globals that the sandbox makes (load uses it). */
#define MC_LSAFE_ENV_KEY "mc.env"

/* The most tables one lookup may go through, following __index (or
 * __newindex) from metatable to metatable. */
#define MC_LSAFE_MAX_CHAIN 4

/* Replaces the functions of the opened base, string, table, utf8 and
 * coroutine libraries of L (their tables still writable). Raises a Lua
 * error when memory runs out. */
void mc_lsafe_open(lua_State *L);

/*
 * The ordered `next`: pops a key and pushes the key after it in table idx
 * and its value, returning 1, or pushes nothing and returns 0 after the
 * last key. Raw: no metamethods. Raises an error for a table keyed by
 * values that have no order.
 */
int mc_lsafe_next(lua_State *L, int idx);

/* Pushes the text tostring() gives the value at idx: a __tostring's
 * result, a number's or string's text, or the type's name. */
void mc_lsafe_tostring(lua_State *L, int idx);

/* Forgets what the last call recorded. Call with no Lua code running. */
void mc_lsafe_end_call(lua_State *L);

#endif
