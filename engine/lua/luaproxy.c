/* SPDX-License-Identifier: MIT */
/*
 * luaproxy.c - views of records for Lua rules.
 */
#include "lua/luaproxy.h"

#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

#include "lua/lbudget.h"

static const char META[] = "mc.record";

typedef struct view {
	const mc_node *node;   /* NULL: nothing here but overrides */
	mc_proxy_call *call;
	uint64_t set;          /* remedy assignments that go on below here */
	uint64_t uses;         /* `uses` paths that go on below here */
	uint32_t depth;        /* segments from the record */
	uint8_t scope;
	bool covered;          /* a `uses` path covers all below (or no check) */
} view;

static const mc_path *
path_of(const mc_policy *p, mc_ref ref)
{
	return ref.scope == MC_SCOPE_VM ? &p->vm_paths.paths[ref.index]
	       : &p->host_paths.paths[ref.index];
}

static bool
seg_is(const char *seg, const char *key, size_t len)
{
	return strlen(seg) == len && memcmp(seg, key, len) == 0;
}

/* Pushes a scalar's value. A string longer than the sandbox's strings
 * ends the call, as making one would. */
static void
push_scalar(lua_State *L, const mc_node *n)
{
	const mc_lbudget *b;

	switch (n->type) {
	case MC_SCALAR_BOOL:
		lua_pushboolean(L, n->num != 0);
		break;
	case MC_SCALAR_INT:
		lua_pushinteger(L, (lua_Integer)n->num);
		break;
	case MC_SCALAR_NULL:
	case MC_SCALAR_FUNC:
		lua_pushnil(L);
		break;
	default:
		b = mc_lbudget_of(L);
		if (b && n->len > b->string_cap)
			mc_lbudget_long_string(L, n->len);
		lua_pushlstring(L, n->u.text, n->len);
		break;
	}
}

static view *
new_view(lua_State *L, const view *parent, const mc_node *node)
{
	view *v = lua_newuserdatauv(L, sizeof(*v), 1);

	*v = *parent;
	v->node = node;
	luaL_setmetatable(L, META);
	return v;
}

/* The path of a view and a key, for messages: "target.cpu.family". Built
 * only when a read must be reported. The view keeps its path as its user
 * value when a `uses` check is on. */
static void
describe(lua_State *L, int vidx, const char *key, size_t len, char *out,
	 size_t size)
{
	const char *base;

	lua_getiuservalue(L, vidx, 1);
	base = lua_tostring(L, -1);
	snprintf(out, size, "%s.%.*s", base ? base : "?", (int)len, key);
	lua_pop(L, 1);
}

/* view[key]. A metamethod only: its first argument is a view (no rule
 * can reach the protected metatable to call it otherwise). */
static int
view_index(lua_State *L)
{
	view *v = lua_touserdata(L, 1);
	const mc_policy *p = v->call->policy;
	const mc_node *child = NULL;
	char num[24];
	const char *key;
	size_t len;
	uint64_t set = 0, uses = 0;
	bool covered = v->covered;

	mc_lbudget_charge(L, 1);
	if (lua_type(L, 2) == LUA_TSTRING) {
		key = lua_tolstring(L, 2, &len);
		if (v->node && v->node->kind == MC_NODE_MAP)
			child = mc_node_getn(v->node, key, len);
	} else if (lua_isinteger(L, 2)) {
		lua_Integer i = lua_tointeger(L, 2);
		if (v->node && v->node->kind == MC_NODE_SEQ && i >= 1 &&
		    (uint64_t)i <= v->node->len)
			child = v->node->u.items[i - 1];
		/* Fast path: an item of a list nothing tracks or changes. */
		if (v->covered && !v->set && child && child->kind == MC_NODE_SCALAR) {
			push_scalar(L, child);
			return 1;
		}
		len = (size_t)snprintf(num, sizeof(num), "%lld", (long long)i);
		key = num;
	} else {
		lua_pushnil(L);
		return 1;
	}

	/* `uses`: the key must continue some declared path. */
	if (!covered) {
		const mc_rule *r = v->call->rule;
		for (size_t i = 0; i < r->nuses; i++) {
			const mc_path *up = path_of(p, r->uses[i]);
			if (!(v->uses >> i & 1) || !seg_is(up->segs[v->depth], key, len))
				continue;
			if (up->nsegs == v->depth + 1)
				covered = true;
			else
				uses |= (uint64_t)1 << i;
		}
		if (!covered && !uses) {
			char path[256];
			describe(L, 1, key, len, path, sizeof(path));
			if (!v->call->outside[0])
				snprintf(v->call->outside, sizeof(v->call->outside), "%s",
					 path);
			return luaL_error(L, "read %s, which the rule's 'uses' does "
					  "not list", path);
		}
	}

	/* A remedy's `set`: its value, or a way through to it. */
	if (v->call->remedy) {
		const mc_remedy *rem = v->call->remedy;
		for (size_t i = 0; i < rem->nset; i++) {
			const mc_path *sp = &p->vm_paths.paths[rem->set[i].vm_path];
			if (!(v->set >> i & 1) || !seg_is(sp->segs[v->depth], key, len))
				continue;
			if (sp->nsegs == v->depth + 1) {
				push_scalar(L, rem->set[i].value);
				return 1;
			}
			set |= (uint64_t)1 << i;
		}
	}

	if (child && child->kind == MC_NODE_SCALAR && !set) {
		push_scalar(L, child);
		return 1;
	}
	if (!child && !set) {
		lua_pushnil(L);
		return 1;
	}
	view *c = new_view(L, v, child && child->kind != MC_NODE_SCALAR ? child : NULL);
	c->set = set;
	c->uses = uses;
	c->covered = covered;
	c->depth = v->depth + 1;
	if (!covered) {
		char path[256];
		describe(L, 1, key, len, path, sizeof(path));
		lua_pushstring(L, path);
		lua_setiuservalue(L, -2, 1);
	}
	return 1;
}

static int
view_newindex(lua_State *L)
{
	view *v = luaL_checkudata(L, 1, META);

	return luaL_error(L, "%s is read-only", mc_scope_name((mc_scope)v->scope));
}

static int
view_len(lua_State *L)
{
	view *v = lua_touserdata(L, 1);

	lua_pushinteger(L, v->node && v->node->kind == MC_NODE_SEQ
			? (lua_Integer)v->node->len : 0);
	return 1;
}

/* Whether key node k is the string at index idx. */
static bool
key_is(lua_State *L, const mc_node *k, int idx)
{
	size_t len;
	const char *s = lua_type(L, idx) == LUA_TSTRING ? lua_tolstring(L, idx, &len)
			: NULL;

	return s && k->len == len && memcmp(k->u.text, s, len) == 0;
}

/*
 * The iterator of pairs(view): the next key after the one given, with its
 * value read through view_index (so `uses` and remedies apply). Upvalue 1
 * counts the keys it has given, so that a walk over a mapping never
 * searches for where it was; a key given out of turn is searched for, at
 * a unit of budget per key.
 */
static int
view_next(lua_State *L)
{
	view *v = luaL_checkudata(L, 1, META);
	lua_Integer given = lua_tointeger(L, lua_upvalueindex(1));
	size_t i = 0;

	if (!v->node || v->node->kind == MC_NODE_SCALAR)
		return 0;
	if (v->node->kind == MC_NODE_SEQ) {
		if (!lua_isnil(L, 2))
			i = (size_t)luaL_checkinteger(L, 2);
		if (i >= v->node->len)
			return 0;
		lua_pushinteger(L, (lua_Integer)i + 1);
	} else {
		if (lua_isnil(L, 2)) {
			i = 0;
		} else if (given > 0 && (size_t)given <= v->node->len &&
			   key_is(L, v->node->u.pairs[given - 1].key, 2)) {
			i = (size_t)given;
		} else {
			luaL_checkstring(L, 2);
			mc_lbudget_charge(L, v->node->len);
			while (i < v->node->len && !key_is(L, v->node->u.pairs[i].key, 2))
				i++;
			i++;
		}
		if (i >= v->node->len)
			return 0;
		const mc_node *k = v->node->u.pairs[i].key;
		lua_pushinteger(L, (lua_Integer)i + 1);
		lua_replace(L, lua_upvalueindex(1));
		lua_pushlstring(L, k->u.text, k->len);
	}
	lua_pushcfunction(L, view_index);
	lua_pushvalue(L, 1);
	lua_pushvalue(L, -3);
	lua_call(L, 2, 1);
	return 2;
}

static int
view_pairs(lua_State *L)
{
	luaL_checkudata(L, 1, META);
	lua_pushinteger(L, 0);
	lua_pushcclosure(L, view_next, 1);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

static int
view_tostring(lua_State *L)
{
	view *v = luaL_checkudata(L, 1, META);

	lua_pushfstring(L, "%s (read-only %s)", mc_scope_name((mc_scope)v->scope),
			v->node && v->node->kind == MC_NODE_SEQ ? "list" : "record");
	return 1;
}

void
mc_luaproxy_open(lua_State *L)
{
	static const luaL_Reg meta[] = {
		{"__index", view_index},
		{"__newindex", view_newindex},
		{"__len", view_len},
		{"__pairs", view_pairs},
		{"__tostring", view_tostring},
		{NULL, NULL},
	};

	luaL_newmetatable(L, META);
	luaL_setfuncs(L, meta, 0);
	lua_pushliteral(L, "read-only");
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 1);
}

void
mc_luaproxy_push(lua_State *L, mc_proxy_call *call, const mc_node *record,
		 mc_scope scope)
{
	view root = {NULL, call, 0, 0, 0, (uint8_t)scope, true};
	const mc_rule *r = call->rule;
	view *v;

	if (r && r->has_uses) {
		root.covered = false;
		for (size_t i = 0; i < r->nuses; i++) {
			if (r->uses[i].scope == scope)
				root.uses |= (uint64_t)1 << i;
		}
	}
	if (call->remedy && scope == MC_SCOPE_VM)
		root.set = call->remedy->nset >= 64 ? UINT64_MAX
			   : ((uint64_t)1 << call->remedy->nset) - 1;
	v = new_view(L, &root, record && record->kind != MC_NODE_SCALAR ? record
		     : NULL);
	(void)v;
	if (!root.covered) {
		lua_pushstring(L, mc_scope_name(scope));
		lua_setiuservalue(L, -2, 1);
	}
}
