/*
 * luarule.h - Lua rules: compiled once when a policy loads, run in one
 * sandbox per evaluator.
 *
 * A rule's `lua:` text is the body of function(vm, source, target) that
 * returns `ok[, message]`. It is compiled at load, with its lines counted
 * as the lines of the file it is written in, so that errors point into the
 * policy file; its bytecode is kept in the policy. A Lua policy file's rule
 * may instead be a function: the file's own compiled chunk is kept, and
 * each evaluator runs it once to get the function back.
 *
 * An evaluator (mc_lua) makes a sandbox, loads every rule once, and runs a
 * rule per pair. A rule's call ends in a verdict: it held, it did not hold
 * (with its message, if it gave one), or it could not be decided — an error,
 * a result that is not a boolean, the budget or the memory limit spent, a
 * read outside its `uses` — which refuses the move (fail closed).
 * Nothing a call does survives it: the data views and globals are
 * read-only, and a Lua policy's functions have their upvalues frozen (tables)
 * or put back after each call (other values).
 */
#ifndef MC_LUARULE_H
#define MC_LUARULE_H

#include "buf.h"
#include "policy.h"
#include "sandbox.h"

/* Compiles the text of a rule's `lua:` node into rule->chunk (bytecode in
 * the policy's arena). Reports a syntax error at the line it is on, and
 * returns -1; returns -2 when memory runs out. */
int mc_luarule_compile(mc_sandbox *sb, mc_policy *p, mc_rule *rule,
		       const mc_node *text, mc_diag *diag);

typedef struct mc_lua mc_lua;

/* Makes the sandbox of an evaluator and loads every Lua rule of p. */
int mc_lua_new(mc_lua **out, const mc_policy *p);

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
