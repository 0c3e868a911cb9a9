/* SPDX-License-Identifier: MIT */
/*
 * lpattern.h - Lua 5.4's pattern functions (string.find, string.match,
 * string.gmatch, string.gsub) with their work charged to the sandbox's
 * budget (lbudget.h).
 *
 * Lua's own versions backtrack in C, where the count hook never fires: one
 * call with a hostile pattern can run for minutes. These give the same
 * results, return values and error messages, but every matching step is
 * charged, so a call stops with "instruction budget exceeded" when the
 * budget is spent. Outside a sandbox (no budget installed) they run
 * unbounded, like Lua's. Character classes are those of the C locale,
 * whatever the process's locale.
 */
#ifndef MC_LPATTERN_H
#define MC_LPATTERN_H

#include <lua.h>

/* Sets find, match, gmatch and gsub in the table at index idx (a string
 * library table) to the bounded versions. */
void mc_lpattern_open(lua_State *L, int idx);

#endif
