/* SPDX-License-Identifier: MIT */
/*
 * lsafe.c - the library functions rules get in place of Lua's.
 *
 * Each replacement keeps the results, argument checks and error messages
 * of Lua 5.4's function (lbaselib.c, lstrlib.c, lcorolib.c; the table
 * library's are in lsafe_table.c) unless its comment says otherwise, and
 * charges the budget before the work it stands for wherever the amount is
 * known in advance.
 */
#include "lua/lsafe_int.h"

#include <lauxlib.h>
#include <limits.h>
#include <lualib.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lua/lbudget.h"
#include "lua/lpattern.h"


/* What costs more than its instructions say, in units: raising and
 * catching an error (a message made, a long jump, frames unwound), making
 * a coroutine (a thread and its stack), compiling a chunk, writing a
 * number with a fraction as text (snprintf). Each is a few hundred
 * nanoseconds to a microsecond, as many units as that takes of ordinary
 * work. */
#define ERROR_UNITS 64
#define THREAD_UNITS 64
#define LOAD_UNITS 128
#define FLOAT_UNITS 24

/* Per-call state, in one registry table so that a call's end drops it
 * all: the key orders of next, the tables serving as __index or
 * __newindex, and the metatables setmetatable made. Each is weak-keyed. */
static const char CALL_KEY[] = "mc.call";
enum { CALL_ORDER = 1, CALL_BASES, CALL_SNAPS };

static void
charge(lua_State *L, uint64_t n)
{
	mc_lbudget_charge(L, n);
}

/* Pushes the per-call table `which`, made when first needed. */
static void
call_table(lua_State *L, int which)
{
	luaL_checkstack(L, 4, NULL);
	if (lua_getfield(L, LUA_REGISTRYINDEX, CALL_KEY) != LUA_TTABLE) {
		lua_pop(L, 1);
		lua_createtable(L, 3, 0);
		lua_pushvalue(L, -1);
		lua_setfield(L, LUA_REGISTRYINDEX, CALL_KEY);
	}
	if (lua_rawgeti(L, -1, which) != LUA_TTABLE) {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_createtable(L, 0, 1);
		lua_pushliteral(L, "k");
		lua_setfield(L, -2, "__mode");
		lua_setmetatable(L, -2);
		lua_pushvalue(L, -1);
		lua_rawseti(L, -3, which);
	}
	lua_remove(L, -2);
}

void
mc_lsafe_end_call(lua_State *L)
{
	lua_pushnil(L);
	lua_setfield(L, LUA_REGISTRYINDEX, CALL_KEY);
}

/* Runs the original function (upvalue 1 of a wrapper, a C function of
 * Lua's libraries, which keep no upvalues of their own) in the wrapper's
 * own frame, on its arguments: called directly, it costs no second call
 * (and no second pair of hooks). Returns how many results it left on top
 * of the stack. */
static int
call_original(lua_State *L)
{
	lua_CFunction f = lua_tocfunction(L, lua_upvalueindex(1));

	return f(L);
}

/* The bytes of the strings from index `from` to the top. */
static uint64_t
string_bytes(lua_State *L, int from)
{
	uint64_t n = 0;

	for (int i = from; i <= lua_gettop(L); i++) {
		if (lua_type(L, i) == LUA_TSTRING)
			n += lua_rawlen(L, i);
	}
	return n;
}

/*
 * A string, utf8 or base function whose work is linear in the size of its
 * arguments and results (every string a sandbox holds is short: see
 * string_cap in lbudget.h): one unit, one per argument and result, and one
 * per MC_LSAFE_BYTES_PER_UNIT bytes of them.
 */
static int
charged(lua_State *L)
{
	int n;

	charge(L, 1 + (uint64_t)lua_gettop(L) + string_bytes(L, 1) / MC_LSAFE_BYTES_PER_UNIT);
	n = call_original(L);
	charge(L, (uint64_t)n + string_bytes(L, lua_gettop(L) - n + 1) / MC_LSAFE_BYTES_PER_UNIT);
	return n;
}

/* ------------------------------------------------------------------------
 * Text without addresses
 */

void
mc_lsafe_tostring(lua_State *L, int idx)
{
	idx = lua_absindex(L, idx);
	luaL_checkstack(L, 2, NULL);
	if (luaL_callmeta(L, idx, "__tostring")) {
		if (!lua_isstring(L, -1))
			luaL_error(L, "'__tostring' must return a string");
		return;
	}
	switch (lua_type(L, idx)) {
	case LUA_TNIL:
	case LUA_TBOOLEAN:
	case LUA_TNUMBER:
	case LUA_TSTRING:
		luaL_tolstring(L, idx, NULL);
		return;
	default:
		/* "table", not "table: 0x55d0c1a2b3c0": a heap address differs
		 * from run to run, and is nothing a rule needs to know */
		switch (luaL_getmetafield(L, idx, "__name")) {
		case LUA_TSTRING:
			return;
		case LUA_TNIL:
			break;
		default:
			lua_pop(L, 1);
			break;
		}
		lua_pushstring(L, luaL_typename(L, idx));
		return;
	}
}

/* The units of writing the value at idx as text, when it is a number
 * with a fraction (an integer or a string costs its bytes). */
static uint64_t
float_units(lua_State *L, int idx)
{
	return lua_type(L, idx) == LUA_TNUMBER && !lua_isinteger(L, idx)
	       ? FLOAT_UNITS : 0;
}

static int
sb_tostring(lua_State *L)
{
	luaL_checkany(L, 1);
	charge(L, 1 + float_units(L, 1));
	mc_lsafe_tostring(L, 1);
	return 1;
}

/* string.format: %p is refused and %s shows values as tostring does. */
static int
sb_format(lua_State *L)
{
	size_t fl;
	const char *f = luaL_checklstring(L, 1, &fl), *end = f + fl;
	int arg = 1, top = lua_gettop(L), n;

	while ((f = memchr(f, '%', (size_t)(end - f))) != NULL) {
		if (++f < end && *f == '%') {
			f++;
			continue;
		}
		while (f < end && *f && strchr("-+ #0123456789.", *f))
			f++;
		if (f >= end)
			break;  /* Lua's format reports it */
		if (*f == 'p')
			return luaL_error(L, "invalid conversion '%%p' to 'format' "
					  "(rules are not shown addresses)");
		if (++arg <= top && *f == 's' && lua_type(L, arg) != LUA_TSTRING &&
		    lua_type(L, arg) != LUA_TNUMBER) {
			mc_lsafe_tostring(L, arg);
			lua_replace(L, arg);
		}
		f++;
	}
	uint64_t cost = 1 + (uint64_t)top + string_bytes(L, 1) / MC_LSAFE_BYTES_PER_UNIT;
	for (int i = 2; i <= top; i++)
		cost += float_units(L, i);
	charge(L, cost);
	n = call_original(L);
	charge(L, string_bytes(L, lua_gettop(L) - n + 1) / MC_LSAFE_BYTES_PER_UNIT);
	return n;
}

/* string.rep: a result longer than the sandbox's strings is refused before
 * any work; an empty one is made at once rather than in n steps. (n is at
 * most the string limit here.) */
static int
sb_rep(lua_State *L)
{
	size_t l, lsep;
	lua_Integer n;
	uint64_t total;
	mc_lbudget *b = mc_lbudget_of(L);

	luaL_checklstring(L, 1, &l);
	n = luaL_checkinteger(L, 2);
	luaL_optlstring(L, 3, "", &lsep);
	if (n <= 0 || l + lsep == 0) {
		lua_pushliteral(L, "");
		return 1;
	}
	if ((uint64_t)n > UINT64_MAX / (l + lsep))
		total = UINT64_MAX;
	else
		total = (uint64_t)n * (l + lsep) - lsep;
	if (b && total > b->string_cap)
		return mc_lbudget_long_string(L, total);
	/* Lua copies the pieces one by one: a unit a piece as well */
	charge(L, 1 + (uint64_t)n + total / MC_LSAFE_BYTES_PER_UNIT);
	return call_original(L);
}

/* ------------------------------------------------------------------------
 * Tables in one order
 */

typedef struct okey {
	int type;         /* LUA_TNUMBER, LUA_TSTRING or LUA_TBOOLEAN */
	bool isint;
	lua_Integer i;    /* an integer, or a boolean as 0 or 1 */
	lua_Number n;
	const char *s;
	size_t len;
	lua_Integer slot; /* where the key waits in the list of keys */
} okey;

static int
type_rank(int type)
{
	return type == LUA_TNUMBER ? 0 : type == LUA_TSTRING ? 1 : 2;
}

/* Numbers in numeric order (an integer and a float compared exactly),
 * then strings byte by byte, then false before true. */
static int
okey_cmp(const void *a, const void *b)
{
	const okey *x = a, *y = b;

	if (x->type != y->type)
		return type_rank(x->type) < type_rank(y->type) ? -1 : 1;
	if (x->type == LUA_TSTRING) {
		int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
		return c ? c : (x->len > y->len) - (x->len < y->len);
	}
	if (x->type == LUA_TNUMBER && !(x->isint && y->isint)) {
		long double p = x->isint ? (long double)x->i : (long double)x->n;
		long double q = y->isint ? (long double)y->i : (long double)y->n;
		return (p > q) - (p < q);
	}
	return (x->i > y->i) - (x->i < y->i);
}

static uint64_t
log2_ceil(uint64_t n)
{
	uint64_t k = 0;

	while (k < 64 && ((uint64_t)1 << k) < n)
		k++;
	return k;
}

/*
 * Pushes the order of the keys of table t: a table whose [1] lists them in
 * order ([2], mapping each key to its place, is made when next() needs it).
 * Lua walks a table in the order of its hash part, which follows the
 * state's random seed; rules are to give the same answer every time.
 */
static void
push_order(lua_State *L, int t)
{
	lua_Integer n = 0, k = 0;
	okey *keys;
	int list, order;

	luaL_checkstack(L, 8, NULL);
	lua_pushnil(L);
	while (lua_next(L, t)) {
		lua_pop(L, 1);
		n++;
	}
	charge(L, 1 + (uint64_t)n * (4 + 2 * log2_ceil((uint64_t)n)));
	keys = lua_newuserdatauv(L, (size_t)(n ? n : 1) * sizeof(*keys), 0);
	lua_createtable(L, n > INT_MAX ? INT_MAX : (int)n, 0);
	list = lua_gettop(L);
	lua_pushnil(L);
	while (lua_next(L, t)) {
		okey *o = &keys[k];
		int kt = lua_type(L, -2);

		lua_pop(L, 1);
		if (kt != LUA_TNUMBER && kt != LUA_TSTRING && kt != LUA_TBOOLEAN)
			luaL_error(L, "a table with a %s as a key has no order to walk "
				   "it in (use a list)", luaL_typename(L, -1));
		memset(o, 0, sizeof(*o));
		o->type = kt;
		if (kt == LUA_TSTRING) {
			o->s = lua_tolstring(L, -1, &o->len);
		} else if (kt == LUA_TBOOLEAN) {
			o->i = lua_toboolean(L, -1);
		} else if (lua_isinteger(L, -1)) {
			o->isint = true;
			o->i = lua_tointeger(L, -1);
		} else {
			o->n = lua_tonumber(L, -1);
		}
		o->slot = ++k;
		lua_pushvalue(L, -1);
		lua_rawseti(L, list, k);
	}
	qsort(keys, (size_t)n, sizeof(*keys), okey_cmp);
	lua_createtable(L, 2, 0);
	order = lua_gettop(L);
	lua_createtable(L, n > INT_MAX ? INT_MAX : (int)n, 0);
	for (lua_Integer i = 0; i < n; i++) {
		lua_rawgeti(L, list, keys[i].slot);
		lua_rawseti(L, order + 1, i + 1);
	}
	lua_rawseti(L, order, 1);
	lua_replace(L, list - 1);  /* over the keys' userdata */
	lua_settop(L, list - 1);
}

/* Pushes the order of table t taken anew, and keeps it in `orders`. */
static void
new_order(lua_State *L, int t, int orders)
{
	push_order(L, t);
	lua_pushvalue(L, t);
	lua_pushvalue(L, -2);
	lua_rawset(L, orders);
}

/* The place of the key at index k in order o (1-based), or 0. */
static lua_Integer
place_of(lua_State *L, int o, int k)
{
	lua_Integer pos, n;

	if (lua_rawgeti(L, o, 2) != LUA_TTABLE) {
		lua_pop(L, 1);
		lua_rawgeti(L, o, 1);
		n = (lua_Integer)lua_rawlen(L, -1);
		charge(L, 1 + 2 * (uint64_t)n);
		lua_createtable(L, 0, n > INT_MAX ? INT_MAX : (int)n);
		for (lua_Integer i = 1; i <= n; i++) {
			lua_rawgeti(L, -2, i);
			lua_pushinteger(L, i);
			lua_rawset(L, -3);
		}
		lua_remove(L, -2);
		lua_pushvalue(L, -1);
		lua_rawseti(L, o, 2);
	}
	lua_pushvalue(L, k);
	lua_rawget(L, -2);
	pos = lua_tointeger(L, -1);
	lua_pop(L, 2);
	return pos;
}

int
mc_lsafe_next(lua_State *L, int idx)
{
	int key, orders, order;
	lua_Integer pos = 0, n;

	idx = lua_absindex(L, idx);
	key = lua_gettop(L);
	charge(L, 1);
	call_table(L, CALL_ORDER);
	orders = key + 1;
	order = key + 2;
	if (lua_isnil(L, key)) {
		new_order(L, idx, orders);
	} else {
		lua_pushvalue(L, idx);
		if (lua_rawget(L, orders) != LUA_TTABLE ||
		    !(pos = place_of(L, order, key))) {
			/* no order yet, or a key added since it was taken */
			lua_settop(L, orders);
			new_order(L, idx, orders);
			if (!(pos = place_of(L, order, key)))
				return luaL_error(L, "invalid key to 'next'");
		}
	}
	lua_rawgeti(L, order, 1);
	n = (lua_Integer)lua_rawlen(L, -1);
	while (++pos <= n) {
		lua_rawgeti(L, order + 1, pos);
		lua_pushvalue(L, -1);
		if (lua_rawget(L, idx) != LUA_TNIL) {
			/* key and value in place of the key given */
			lua_copy(L, -2, key);
			lua_replace(L, key + 1);
			lua_settop(L, key + 1);
			return 1;
		}
		lua_pop(L, 2);
	}
	lua_settop(L, key - 1);
	return 0;
}

static int
sb_next(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 2);
	if (mc_lsafe_next(L, 1))
		return 2;
	lua_pushnil(L);
	return 1;
}

/*
 * The iterator pairs() gives: upvalue 1 is the list of the table's keys in
 * order, upvalue 2 how many it has given. A step looks nothing up but the
 * next key's value; a control value other than the last key given (a
 * caller driving the iterator by hand) goes the way of next().
 */
static int
pairs_next(lua_State *L)
{
	lua_Integer pos = lua_tointeger(L, lua_upvalueindex(2)), n;

	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 2);
	charge(L, 1);
	/* what a step gives depends on the key given alone, never on the
	 * steps before it */
	if (lua_isnil(L, 2)) {
		pos = 0;
	} else {
		if (pos <= 0)
			goto by_key;
		lua_rawgeti(L, lua_upvalueindex(1), pos);
		if (!lua_rawequal(L, -1, 2))
			goto by_key;
		lua_pop(L, 1);
	}
	n = (lua_Integer)lua_rawlen(L, lua_upvalueindex(1));
	while (++pos <= n) {
		lua_rawgeti(L, lua_upvalueindex(1), pos);
		lua_pushvalue(L, -1);
		if (lua_rawget(L, 1) != LUA_TNIL) {
			lua_pushinteger(L, pos);
			lua_replace(L, lua_upvalueindex(2));
			return 2;
		}
		lua_pop(L, 2);
	}
	lua_pushinteger(L, pos);
	lua_replace(L, lua_upvalueindex(2));
	lua_pushnil(L);
	return 1;
by_key:
	lua_settop(L, 2);
	return sb_next(L);
}

static int
sb_pairs(lua_State *L)
{
	luaL_checkany(L, 1);
	if (luaL_getmetafield(L, 1, "__pairs") != LUA_TNIL) {
		lua_pushvalue(L, 1);
		lua_call(L, 1, 3);
		return 3;
	}
	luaL_checktype(L, 1, LUA_TTABLE);
	push_order(L, 1);
	lua_rawgeti(L, -1, 1);
	lua_pushinteger(L, 0);
	lua_pushcclosure(L, pairs_next, 2);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

/* ------------------------------------------------------------------------
 * Metatables
 */

/* Pushes mt[name], read raw; returns its type. */
static int
rawfield(lua_State *L, int mt, const char *name)
{
	lua_pushstring(L, name);
	return lua_rawget(L, mt);
}

/* How many tables (or userdata) a lookup in v may go through, following
 * __index (or __newindex) from metatable to metatable; stops counting past
 * MC_LSAFE_MAX_CHAIN. */
static int
chain_length(lua_State *L, int v, const char *event)
{
	int n = 0, top = lua_gettop(L);

	lua_pushvalue(L, v);
	while (n <= MC_LSAFE_MAX_CHAIN &&
	       (lua_type(L, -1) == LUA_TTABLE || lua_type(L, -1) == LUA_TUSERDATA)) {
		n++;
		if (!lua_getmetatable(L, -1))
			break;
		lua_pushstring(L, event);
		lua_rawget(L, -2);
		lua_replace(L, -3);
		lua_pop(L, 1);
	}
	lua_settop(L, top);
	return n;
}

/*
 * setmetatable(t, mt). A metatable's fields are read when it is set: the
 * table gets a copy of them, and getmetatable(t) still gives mt. So no
 * later change can make a lookup walk a chain of __index tables past
 * MC_LSAFE_MAX_CHAIN in one instruction (Lua would walk 2,000), and a
 * table that serves as another's __index or __newindex keeps the
 * metatable it has. Refused: __gc (it would run outside any rule's
 * budget), __mode (what a weak table holds would depend on when memory
 * is collected) and a __call that is not a function (Lua follows a chain
 * of callable tables without end).
 */
static int
sb_setmetatable(lua_State *L)
{
	static const char *const chains[] = {"__index", "__newindex"};
	int t = lua_type(L, 2), snaps, bases, copy;

	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
	lua_settop(L, 2);
	call_table(L, CALL_SNAPS);
	snaps = lua_gettop(L);
	call_table(L, CALL_BASES);
	bases = lua_gettop(L);
	if (lua_getmetatable(L, 1)) {
		/* protected by the rule (true), or by the sandbox (not ours) */
		if (lua_rawget(L, snaps) != LUA_TBOOLEAN || lua_toboolean(L, -1))
			return luaL_error(L, "cannot change a protected metatable");
		lua_pop(L, 1);
	}
	lua_pushvalue(L, 1);
	if (lua_rawget(L, bases) != LUA_TNIL)
		return luaL_error(L, "cannot change the metatable of a table that "
				  "is another metatable's __index or __newindex");
	lua_pop(L, 1);
	if (t == LUA_TNIL) {
		lua_settop(L, 2);
		lua_setmetatable(L, 1);
		return 1;
	}
	/* Lua reads metamethods raw, and so is a metatable checked */
	if (rawfield(L, 2, "__gc") != LUA_TNIL)
		return luaL_error(L, "__gc metamethods are not allowed in rules");
	if (rawfield(L, 2, "__mode") != LUA_TNIL)
		return luaL_error(L, "weak tables (__mode) are not allowed in rules: "
				  "what they hold would depend on when memory is "
				  "collected");
	t = rawfield(L, 2, "__call");
	if (t != LUA_TNIL && t != LUA_TFUNCTION)
		return luaL_error(L, "a __call metamethod must be a function in rules");
	lua_settop(L, bases);
	for (int i = 0; i < 2; i++) {
		t = rawfield(L, 2, chains[i]);
		if ((t == LUA_TTABLE || t == LUA_TUSERDATA) &&
		    chain_length(L, lua_gettop(L), chains[i]) >= MC_LSAFE_MAX_CHAIN)
			return luaL_error(L, "an %s chain through more than %d tables",
					  chains[i], MC_LSAFE_MAX_CHAIN);
		lua_pop(L, 1);
	}
	/* the copy the table gets */
	lua_newtable(L);
	copy = lua_gettop(L);
	lua_pushnil(L);
	while (lua_next(L, 2)) {
		charge(L, 1);
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, copy);
	}
	lua_pushvalue(L, copy);
	lua_pushliteral(L, "__metatable");
	if (lua_rawget(L, copy) == LUA_TNIL) {
		lua_pop(L, 1);
		lua_pushboolean(L, 0);
		lua_rawset(L, snaps);
		lua_pushvalue(L, 2);
		lua_setfield(L, copy, "__metatable");
	} else {
		lua_pop(L, 1);
		lua_pushboolean(L, 1);
		lua_rawset(L, snaps);
	}
	for (int i = 0; i < 2; i++) {
		lua_pushstring(L, chains[i]);
		if (lua_rawget(L, copy) == LUA_TTABLE) {
			lua_pushboolean(L, 1);
			lua_rawset(L, bases);
		} else {
			lua_pop(L, 1);
		}
	}
	lua_settop(L, copy);
	lua_setmetatable(L, 1);
	lua_settop(L, 1);
	return 1;
}

/* ------------------------------------------------------------------------
 * Code, errors and coroutines
 */

/* load(text [, name [, mode [, env]]]): text only, always under the chunk
 * name "(load)" (a rule cannot make its errors look as if they came from
 * another file), with the read-only globals unless env is given. */
static int
sb_load(lua_State *L)
{
	size_t len;
	const char *text, *mode = luaL_optstring(L, 3, "bt");

	if (lua_type(L, 1) != LUA_TSTRING) {
		luaL_pushfail(L);
		lua_pushliteral(L, "load takes the text of a chunk in a rule");
		return 2;
	}
	if (!strchr(mode, 't')) {
		luaL_pushfail(L);
		lua_pushfstring(L, "attempt to load a text chunk (mode is '%s')", mode);
		return 2;
	}
	text = lua_tolstring(L, 1, &len);
	charge(L, LOAD_UNITS + len / 8);
	if (luaL_loadbufferx(L, text, len, "=(load)", "t") != LUA_OK) {
		luaL_pushfail(L);
		lua_insert(L, -2);
		return 2;
	}
	if (!lua_isnone(L, 4))
		lua_pushvalue(L, 4);
	else
		lua_getfield(L, LUA_REGISTRYINDEX, MC_LSAFE_ENV_KEY);
	if (!lua_setupvalue(L, -2, 1))
		lua_pop(L, 1);
	return 1;
}

/* pcall, as Lua's (yields inside it included), charging a caught error. */
static int
finish_pcall(lua_State *L, int status, lua_KContext extra)
{
	if (status != LUA_OK && status != LUA_YIELD) {
		charge(L, ERROR_UNITS);
		lua_pushboolean(L, 0);
		lua_pushvalue(L, -2);
		return 2;
	}
	return lua_gettop(L) - (int)extra;
}

static int
sb_pcall(lua_State *L)
{
	int status;

	luaL_checkany(L, 1);
	lua_pushboolean(L, 1);
	lua_insert(L, 1);
	status = lua_pcallk(L, lua_gettop(L) - 2, LUA_MULTRET, 0, 0, finish_pcall);
	return finish_pcall(L, status, 0);
}

/*
 * Errors that stop a call at its budget are raised from the count hook,
 * and Lua runs no hook while a hook's error unwinds: a message handler
 * would run with no budget at all. So xpcall calls its handler after the
 * protected call has returned. The handler waits below the function, as
 * in Lua's own xpcall, so no stack beyond the arguments is needed.
 */
static int
sb_xpcall(lua_State *L)
{
	int n = lua_gettop(L);

	luaL_checktype(L, 2, LUA_TFUNCTION);
	/* f, h, args... -> h, f, args... */
	lua_pushvalue(L, 1);
	lua_copy(L, 2, 1);
	lua_replace(L, 2);
	if (lua_pcall(L, n - 2, LUA_MULTRET, 0) == LUA_OK) {
		lua_pushboolean(L, 1);
		lua_replace(L, 1);
		return lua_gettop(L);
	}
	charge(L, ERROR_UNITS);
	lua_call(L, 1, 1);  /* handler(error) */
	lua_pushboolean(L, 0);
	lua_insert(L, -2);
	return 2;
}

static bool
budget_spent(lua_State *L)
{
	mc_lbudget *b = mc_lbudget_of(L);

	return b && b->ended;
}

/* coroutine.close, but never of a coroutine once the call has ended: the
 * __close of one that died at the budget would run unbounded. */
static int
sb_coclose(lua_State *L)
{
	mc_lbudget *b = mc_lbudget_of(L);

	if (b && b->ended)
		return mc_lbudget_fail(L, b);
	return call_original(L);
}

/*
 * The function coroutine.wrap returns, as Lua's auxwrap: resumes its
 * coroutine; when the coroutine died of an error, closes it (unless the
 * call has ended) and raises the error with the caller's position. A
 * coroutine that could not be resumed because it is running or normal (a
 * wrapped function calling its own wrapper, or resuming its caller) is in
 * use and is left alone.
 */
static int
sb_auxwrap(lua_State *L)
{
	lua_State *co = lua_tothread(L, lua_upvalueindex(1));
	int n = lua_gettop(L), nres, rc, stat;

	if (!lua_checkstack(co, n))
		return luaL_error(L, "too many arguments to resume");
	lua_xmove(L, co, n);
	rc = lua_resume(co, L, n, &nres);
	if (rc == LUA_OK || rc == LUA_YIELD) {
		if (!lua_checkstack(L, nres + 1)) {
			lua_pop(co, nres);
			return luaL_error(L, "too many results to resume");
		}
		lua_xmove(co, L, nres);
		return nres;
	}
	lua_xmove(co, L, 1);  /* the error */
	stat = lua_status(co);
	if (stat != LUA_OK && stat != LUA_YIELD && !budget_spent(L)) {
		stat = lua_resetthread(co);
		lua_xmove(co, L, 1);
	}
	if (stat != LUA_ERRMEM && lua_type(L, -1) == LUA_TSTRING) {
		luaL_where(L, 1);
		lua_insert(L, -2);
		lua_concat(L, 2);
	}
	return lua_error(L);
}

static int
sb_cocreate(lua_State *L)
{
	lua_State *co;

	luaL_checktype(L, 1, LUA_TFUNCTION);
	charge(L, THREAD_UNITS);
	co = lua_newthread(L);
	lua_pushvalue(L, 1);
	lua_xmove(L, co, 1);
	return 1;
}

static int
sb_cowrap(lua_State *L)
{
	sb_cocreate(L);
	lua_pushcclosure(L, sb_auxwrap, 1);
	return 1;
}

/* ------------------------------------------------------------------------
 * Opening
 */

typedef struct replacement {
	const char *lib;    /* NULL: the base library */
	const char *name;
	lua_CFunction f;
	bool wraps;         /* gets the original as its upvalue */
} replacement;

static const replacement REPLACED[] = {
	{NULL, "next", sb_next, false},
	{NULL, "pairs", sb_pairs, false},
	{NULL, "tostring", sb_tostring, false},
	{NULL, "setmetatable", sb_setmetatable, false},
	{NULL, "xpcall", sb_xpcall, false},
	{NULL, "pcall", sb_pcall, false},
	{NULL, "tonumber", charged, true},
	{NULL, "rawequal", charged, true},
	{LUA_STRLIBNAME, "byte", charged, true},
	{LUA_STRLIBNAME, "char", charged, true},
	{LUA_STRLIBNAME, "format", sb_format, true},
	{LUA_STRLIBNAME, "lower", charged, true},
	{LUA_STRLIBNAME, "upper", charged, true},
	{LUA_STRLIBNAME, "rep", sb_rep, true},
	{LUA_STRLIBNAME, "reverse", charged, true},
	{LUA_STRLIBNAME, "sub", charged, true},
	{LUA_STRLIBNAME, "pack", charged, true},
	{LUA_STRLIBNAME, "packsize", charged, true},
	{LUA_STRLIBNAME, "unpack", charged, true},
	{LUA_UTF8LIBNAME, "char", charged, true},
	{LUA_UTF8LIBNAME, "codepoint", charged, true},
	{LUA_UTF8LIBNAME, "len", charged, true},
	{LUA_UTF8LIBNAME, "offset", charged, true},
	{LUA_UTF8LIBNAME, "codes", charged, true},
	{LUA_COLIBNAME, "create", sb_cocreate, false},
	{LUA_COLIBNAME, "wrap", sb_cowrap, false},
	{LUA_COLIBNAME, "close", sb_coclose, true},
};

void
mc_lsafe_open(lua_State *L)
{
	for (size_t i = 0; i < sizeof(REPLACED) / sizeof(*REPLACED); i++) {
		const replacement *r = &REPLACED[i];

		if (r->lib)
			lua_getglobal(L, r->lib);
		else
			lua_pushglobaltable(L);
		if (r->wraps) {
			lua_getfield(L, -1, r->name);
			lua_pushcclosure(L, r->f, 1);
		} else {
			lua_pushcfunction(L, r->f);
		}
		lua_setfield(L, -2, r->name);
		lua_pop(L, 1);
	}
	mc_lsafe_open_table(L);
	lua_pushcfunction(L, sb_load);
	lua_setglobal(L, "load");
	lua_getglobal(L, LUA_STRLIBNAME);
	mc_lpattern_open(L, -1);
	lua_pop(L, 1);
}

