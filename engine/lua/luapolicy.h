/* SPDX-License-Identifier: MIT */
/*
 * luapolicy.h - policies written in Lua.
 *
 * A `*.lua` policy file is a chunk that returns a table of the same shape as
 * a YAML policy; a rule's `lua` may there be a function(vm, source, target).
 * The file runs once, in a sandbox like the rules', and its table becomes a
 * node tree like a YAML file's, so that everything downstream — compiling,
 * `extends` in either direction, errors, the digest — treats both alike.
 *
 * Positions: Lua keeps none, so the source is scanned for the table
 * constructors that built the table (lua/luasrc.h). A value written as a
 * literal, or under a name assigned one at the top of the file, gets the
 * line and column where it is written; a value computed by code gets the
 * position of the nearest enclosing entry that has one. Keys keep the order
 * they are written in (a kind written first is tried first); keys of tables
 * built by code follow, sorted.
 *
 * luapolicy.c also defines mc_policy_load and mc_policy_load_buffer of
 * migcheck.h: policy/ loads and compiles, and is handed the Lua it needs
 * (Lua policy files, a sandbox, rule texts) as an mc_policy_lua.
 */
#ifndef MC_LUAPOLICY_H
#define MC_LUAPOLICY_H

#include "load/node.h"
#include "policy/policy.h"
#include "lua/sandbox.h"

/* What a Lua policy file may spend building its table: it builds the whole
 * policy, so ten times what a rule call gets by default. Evaluators that
 * run the file again get the same. */
#define MC_LUA_FILE_INSTRUCTIONS (10 * (uint64_t)MC_LUA_DEFAULT_INSTRUCTIONS)
/* ... and the memory it may hold meanwhile: a rule's default (a table of a
 * policy's rules and data is a few hundred kilobytes). */
#define MC_LUA_FILE_MEMORY MC_LUA_DEFAULT_MEMORY

/* What the document of a Lua policy keeps (its `ext`): the file's compiled
 * chunk, which returns the table the nodes were made from, and how many
 * functions that table holds. */
typedef struct mc_luadoc {
	char *chunk;
	size_t chunk_len;
	size_t nfuncs;
} mc_luadoc;

/* The Lua part of a document, or NULL for a YAML one. */
const mc_luadoc *mc_luadoc_of(const mc_doc *doc);

#endif
