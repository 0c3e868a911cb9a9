/* SPDX-License-Identifier: MIT */
/*
 * luarule.h - Lua rules: compiled once when a policy loads, run in one
 * sandbox per evaluator.
 *
 * A rule's `lua:` text is the body of function(vm, source, target) that
 * returns `ok[, message]`. It is compiled at load, once per distinct text,
 * and its bytecode kept in the policy; its lines are counted from the
 * text's first line, and the positions in its errors are turned into lines
 * of the file it is written in. A Lua policy file's rule may instead be a
 * function: the file's own compiled chunk is kept, and each evaluator runs
 * it once to get the function back.
 *
 * An evaluator (mc_lua) makes a sandbox, loads every rule once, and runs a
 * rule per pair. A rule's call ends in a verdict: it held, it did not hold
 * (with its message, if it gave one), or it could not be decided — an error,
 * a result that is not a boolean, a limit reached (its instructions, its
 * memory, the sandbox's string length, the run's budget), a read outside
 * its `uses` — which refuses the move (fail closed).
 *
 * Nothing a call does survives it: the data views and globals are
 * read-only; everything a Lua policy's function reaches (its upvalues, the
 * tables and functions they hold, their metatables) is read through
 * read-only views, with its other upvalues put back after each call; and
 * what reaches a coroutine or userdata is refused when the evaluator loads.
 */
#ifndef MC_LUARULE_H
#define MC_LUARULE_H

#include "util/buf.h"
#include "policy/policy.h"
#include "lua/sandbox.h"
#include "util/strmap.h"

/* The texts a policy's loading has compiled, so that a text used by many
 * rules (a YAML alias, or a copy) is compiled once. Zero-initialized. */
typedef struct mc_luachunks {
	mc_strmap index;          /* text -> item */
	struct mc_luachunk *items;
	size_t count, cap;
} mc_luachunks;

void mc_luachunks_free(mc_luachunks *chunks);

/* Compiles the text of a rule's `lua:` node into rule->chunk (bytecode in
 * the policy's arena), or takes it from `chunks`. Reports a syntax error at
 * the line it is on, and returns -1; returns -2 when memory runs out. */
int mc_luarule_compile(mc_sandbox *sb, mc_luachunks *chunks, mc_policy *p,
		       mc_rule *rule, const mc_node *text, mc_diag *diag);

typedef struct mc_lua mc_lua;

/* Makes the sandbox of an evaluator and loads every Lua rule of p; every
 * call (the policy files run again, each rule) spends from `budget` (NULL:
 * no budget but each call's own). */
int mc_lua_new(mc_lua **out, const mc_policy *p, mc_budget *budget);

void mc_lua_free(mc_lua *lx);

typedef enum mc_lua_verdict {
	MC_LUA_HELD,
	MC_LUA_FAILED,      /* returned false */
	MC_LUA_UNDECIDED    /* an error of any kind: the rule fails closed */
} mc_lua_verdict;

/*
 * Runs Lua rule number `rule` of the policy on a VM record (as changed by
 * remedy, if not NULL), its host and a target host. When message is not
 * NULL it receives what the rule said: its message when it returned false
 * with one, or what went wrong when it could not be decided.
 */
mc_lua_verdict mc_lua_rule(mc_lua *lx, size_t rule, const mc_node *vm,
			   const mc_remedy *remedy, const mc_node *source,
			   const mc_node *target, mc_buf *message);

/*
 * Pushes the functions a Lua policy's table holds (the table at the top of
 * the stack), in a fixed order — keys sorted, depth first — as a list, and
 * returns how many. Loading and evaluators number functions this way.
 */
size_t mc_lua_functions(lua_State *L);

#endif
