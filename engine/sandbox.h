/*
 * sandbox.h - a Lua state that rules from untrusted policy files can run in.
 *
 * Built like Suricata's util-lua-sandbox: a counting allocator with a
 * memory limit, an instruction budget through a count hook, and an
 * allow-list of libraries and functions. What a rule can reach:
 *
 *   base      assert error getmetatable ipairs load (text only) next pairs
 *             pcall rawequal rawget rawlen select setmetatable (no __gc)
 *             tonumber tostring type xpcall _VERSION _G
 *   string    all but dump; find, match, gmatch and gsub count their steps
 *             against the budget; rep refuses results past the memory limit
 *   table, utf8, coroutine   all
 *   math      all but random and randomseed (rules are deterministic)
 *   version, sets, normalize the helper modules of lua/
 *
 * No io, os, debug, package, require, dofile, loadfile, collectgarbage,
 * print, warn, rawset or string.dump. Globals, libraries and helper modules
 * are read-only; the string metatable is protected. An error, the budget
 * or the memory limit ends a call; once the budget is spent every further
 * instruction fails, so pcall cannot catch its way past it.
 *
 * One sandbox belongs to one thread at a time.
 */
#ifndef MC_SANDBOX_H
#define MC_SANDBOX_H

#include <lua.h>
#include <stddef.h>
#include <stdint.h>

#include "lbudget.h"

typedef struct mc_sandbox mc_sandbox;

/* How a call ended. */
typedef enum mc_lua_status {
	MC_LUA_OK,
	MC_LUA_ERROR,    /* a runtime error: its message is on the stack */
	MC_LUA_BUDGET,   /* the instruction budget ran out */
	MC_LUA_MEMORY,   /* the memory limit was reached */
	MC_LUA_SYNTAX    /* (loading) the text does not compile */
} mc_lua_status;

/* Creates a sandbox whose state may hold at most `memory` bytes. Returns
 * NULL when memory runs out. */
mc_sandbox *mc_sandbox_new(size_t memory);

/* Closes the state (deterministically: rules cannot set finalizers). */
void mc_sandbox_free(mc_sandbox *sb);

lua_State *mc_sandbox_state(mc_sandbox *sb);

/* Bytes the state holds now. */
size_t mc_sandbox_memory(const mc_sandbox *sb);

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
 * `instructions` instructions (and pattern-matching steps) and `memory`
 * more bytes than the state holds when the call starts. On MC_LUA_OK the
 * nresults results are on the stack; on MC_LUA_ERROR the error object.
 */
int mc_sandbox_call(mc_sandbox *sb, int nargs, int nresults,
		    uint64_t instructions, size_t memory);

/* Instructions the last call used. */
uint64_t mc_sandbox_used(const mc_sandbox *sb);

/*
 * Replaces the table at the top of the stack with a read-only view of it:
 * reads go through (nested tables are viewed read-only too), writes raise
 * an error, the metatable is protected.
 */
void mc_sandbox_freeze(mc_sandbox *sb);

#endif
