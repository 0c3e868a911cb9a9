/* SPDX-License-Identifier: MIT */
/*
 * luaproxy.h - read-only views of inventory records for Lua rules.
 *
 * A rule sees `vm`, `source` and `target` as userdata that read the node
 * tree in place: indexing a mapping gives its value (scalars as Lua
 * strings, integers, booleans; nil for null or missing; collections as
 * further views), `#` gives a list's length, `pairs` and `ipairs` walk
 * them. Writing raises an error and the metatable is protected.
 *
 * Two things ride along a view:
 * - a remedy's `set` values, which a VM view returns in place of the
 *   record's own, so that a remedy's re-evaluation sees the changed VM;
 * - a rule's `uses` paths: a read outside them raises an error and is
 *   recorded, so that a rule declared a function of some paths cannot
 *   quietly depend on others.
 */
#ifndef MC_LUAPROXY_H
#define MC_LUAPROXY_H

#include <lua.h>

#include "policy/policy.h"

/* What one call of a rule reads through its views. */
typedef struct mc_proxy_call {
	const mc_policy *policy;
	const mc_rule *rule;       /* whose `uses` are checked (if it has any) */
	const mc_remedy *remedy;   /* whose `set` the VM view shows, or NULL */
	char outside[256];         /* the first path read outside `uses`, or "" */
} mc_proxy_call;

/* Registers the views' metatable in L. */
void mc_luaproxy_open(lua_State *L);

/* Pushes a view of record (which may be NULL: an empty record) as the
 * given scope of the call. call must outlive every use of the view. */
void mc_luaproxy_push(lua_State *L, mc_proxy_call *call, const mc_node *record,
		      mc_scope scope);

#endif
