/* SPDX-License-Identifier: MIT */
/*
 * sandbox.h - a Lua state that rules from untrusted policy files can run in.
 *
 * Built like Suricata's util-lua-sandbox: a counting allocator with a
 * memory limit, an instruction budget through a count hook, and an
 * allow-list of libraries and functions. What a rule can reach:
 *
 *   base      assert error getmetatable ipairs load (text only) next pairs
 *             pcall rawequal rawget rawlen select setmetatable tonumber
 *             tostring type xpcall _VERSION _G
 *   string    all but dump
 *   table, utf8, coroutine   all
 *   math      all but random and randomseed (rules are deterministic)
 *   version, sets, normalize the helper modules of lua/
 *
 * No io, os, debug, package, require, dofile, loadfile, collectgarbage,
 * print, warn, rawset or string.dump; lsafe.h says how the functions that
 * remain differ from Lua's (bounded work, one order, no addresses).
 * Globals, libraries and helper modules are read-only; the string
 * metatable is protected.
 *
 * A call ends at an error, at its instruction budget (which C functions
 * and calls passing many values are charged to as well), at its memory
 * limit, or when it makes a string longer than the sandbox's string limit;
 * at a limit, every further instruction fails, so pcall cannot catch its
 * way past it. Each call runs on a fresh Lua thread, and what it records
 * in the sandbox is dropped when it returns: only the state that was
 * there before it (mc_sandbox_settle) is there after it.
 *
 * One sandbox belongs to one thread at a time.
 */
#ifndef MC_SANDBOX_H
#define MC_SANDBOX_H

#include <lua.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lua/lbudget.h"
#include "migcheck.h"

typedef struct mc_sandbox mc_sandbox;

/* How a call ended. */
typedef enum mc_lua_status {
	MC_LUA_OK,
	MC_LUA_ERROR,    /* a runtime error: its message is on the stack */
	MC_LUA_BUDGET,   /* the instruction budget ran out */
	MC_LUA_MEMORY,   /* the memory limit was reached */
	MC_LUA_SYNTAX,   /* (loading) the text does not compile */
	MC_LUA_STRING,   /* a string longer than the string limit was asked
	                    for (mc_sandbox_string_asked says how long) */
	MC_LUA_NOMEM     /* (loading) malloc failed, under the limit */
} mc_lua_status;

/* The shortest string limit a sandbox takes. */
#define MC_SANDBOX_MIN_STRING MC_MIN_LUA_STRING

/* The string limit a sandbox asked for `asked` keeps. */
static inline size_t
mc_sandbox_string_cap(size_t asked)
{
	return asked < MC_SANDBOX_MIN_STRING ? MC_SANDBOX_MIN_STRING : asked;
}

/* Creates a sandbox whose state may hold at most `memory` bytes and whose
 * strings are at most `string_cap` bytes long (MC_SANDBOX_MIN_STRING at
 * least). Returns MC_OK, MC_ENOMEM,
 * or MC_ELIMIT when `memory` is too small for Lua's libraries (*out is
 * then NULL). */
int mc_sandbox_new(mc_sandbox **out, size_t memory, size_t string_cap);

/* Closes the state (deterministically: rules cannot set finalizers). */
void mc_sandbox_free(mc_sandbox *sb);

lua_State *mc_sandbox_state(mc_sandbox *sb);

/* Collects all garbage and takes what the state holds then as what every
 * later call's memory limit counts from: call it once what outlives calls
 * (loaded rules, their data) is in place. */
void mc_sandbox_settle(mc_sandbox *sb);

/*
 * Compiles text (never binary) as a chunk named `name` (Lua's chunk name
 * convention: "@file" or "=label"), with the read-only globals as its
 * environment, and pushes the function. On MC_LUA_SYNTAX the message is
 * pushed instead.
 */
int mc_sandbox_load(mc_sandbox *sb, const char *text, size_t len,
		    const char *name);

/* Pushes the bytecode of the function on the top of the stack into a
 * malloc'd buffer (debug information kept, for error lines). */
int mc_sandbox_dump(mc_sandbox *sb, char **bytes, size_t *len);

/* Loads bytecode that mc_sandbox_dump made (in any sandbox), with the
 * read-only globals as environment, and pushes the function. */
int mc_sandbox_undump(mc_sandbox *sb, const char *bytes, size_t len,
		      const char *name);

/*
 * Calls the function below its nargs arguments, as lua_pcall, with at most
 * `instructions` units of work (lbudget.h) and `memory` more bytes than
 * the state held when it was last settled. On MC_LUA_OK the nresults
 * results are on the stack; otherwise one value: the error object for
 * MC_LUA_ERROR, nil for a limit.
 */
int mc_sandbox_call(mc_sandbox *sb, int nargs, int nresults,
		    uint64_t instructions, size_t memory);

/* Units of work the last call used. */
uint64_t mc_sandbox_used(const mc_sandbox *sb);

/* The length of the string the last call was refused (MC_LUA_STRING). */
uint64_t mc_sandbox_string_asked(const mc_sandbox *sb);

/*
 * Replaces the table at the top of the stack with a read-only view of it:
 * reads go through (nested tables are viewed read-only too), writes raise
 * an error, the metatable is protected.
 */
void mc_sandbox_freeze(mc_sandbox *sb);

/* True when the value at idx is such a view (or the globals' view). */
bool mc_sandbox_is_view(mc_sandbox *sb, int idx);

#endif
