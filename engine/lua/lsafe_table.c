/* SPDX-License-Identifier: MIT */
/*
 * lsafe_table.c - the table library rules get in place of Lua's
 * (ltablib.c): the same results, argument checks and error messages,
 * with the budget charged per element moved, compared or joined before
 * the work is done; table.sort is a stable merge sort, so that the order
 * of equal elements does not depend on Lua's quicksort.
 */
#include "lua/lsafe_int.h"

#include <lauxlib.h>
#include <limits.h>
#include <lualib.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lua/lbudget.h"


#define TAB_R 1
#define TAB_W 2
#define TAB_L 4

static int
checkfield(lua_State *L, const char *key, int n)
{
	lua_pushstring(L, key);
	return lua_rawget(L, -n) != LUA_TNIL;
}

/* A table, or a value whose metatable gives what is needed. */
static void
checktab(lua_State *L, int arg, int what)
{
	if (lua_type(L, arg) != LUA_TTABLE) {
		int n = 1;
		if (lua_getmetatable(L, arg) &&
		    (!(what & TAB_R) || checkfield(L, "__index", ++n)) &&
		    (!(what & TAB_W) || checkfield(L, "__newindex", ++n)) &&
		    (!(what & TAB_L) || checkfield(L, "__len", ++n)))
			lua_pop(L, n);
		else
			luaL_checktype(L, arg, LUA_TTABLE);
	}
}

static lua_Integer
aux_getn(lua_State *L, int n, int w)
{
	checktab(L, n, w | TAB_L);
	return luaL_len(L, n);
}

/* The number of integers from i to e (0 when e < i), without overflow. */
static uint64_t
span(lua_Integer i, lua_Integer e)
{
	return e >= i ? (uint64_t)((lua_Unsigned)e - (lua_Unsigned)i) + 1 : 0;
}

/* The elements moved to shift a range from `from` to `to` by one. */
static uint64_t
moves(lua_Integer from, lua_Integer to)
{
	return to > from ? (uint64_t)((lua_Unsigned)to - (lua_Unsigned)from) : 0;
}

static int
sb_insert(lua_State *L)
{
	lua_Integer pos, e = aux_getn(L, 1, TAB_R | TAB_W);

	e = (lua_Integer)((lua_Unsigned)e + 1u);
	switch (lua_gettop(L)) {
	case 2:
		pos = e;
		break;
	case 3:
		pos = luaL_checkinteger(L, 2);
		luaL_argcheck(L, (lua_Unsigned)pos - 1u < (lua_Unsigned)e, 2,
			      "position out of bounds");
		mc_lbudget_charge(L, 1 + moves(pos, e));
		for (lua_Integer i = e; i > pos; i--) {
			lua_geti(L, 1, i - 1);
			lua_seti(L, 1, i);
		}
		break;
	default:
		return luaL_error(L, "wrong number of arguments to 'insert'");
	}
	lua_seti(L, 1, pos);
	return 0;
}

static int
sb_remove(lua_State *L)
{
	lua_Integer size = aux_getn(L, 1, TAB_R | TAB_W);
	lua_Integer pos = luaL_optinteger(L, 2, size);

	if (pos != size)
		luaL_argcheck(L, (lua_Unsigned)pos - 1u <= (lua_Unsigned)size, 1,
			      "position out of bounds");
	mc_lbudget_charge(L, 1 + moves(pos, size));
	lua_geti(L, 1, pos);
	for (; pos < size; pos++) {
		lua_geti(L, 1, pos + 1);
		lua_seti(L, 1, pos);
	}
	lua_pushnil(L);
	lua_seti(L, 1, pos);
	return 1;
}

static int
sb_move(lua_State *L)
{
	lua_Integer f = luaL_checkinteger(L, 2);
	lua_Integer e = luaL_checkinteger(L, 3);
	lua_Integer t = luaL_checkinteger(L, 4);
	int tt = !lua_isnoneornil(L, 5) ? 5 : 1;

	checktab(L, 1, TAB_R);
	checktab(L, tt, TAB_W);
	if (e >= f) {
		lua_Integer n, i;

		luaL_argcheck(L, f > 0 || e < LUA_MAXINTEGER + f, 3,
			      "too many elements to move");
		n = e - f + 1;
		luaL_argcheck(L, t <= LUA_MAXINTEGER - n + 1, 4,
			      "destination wrap around");
		mc_lbudget_charge(L, 1 + (uint64_t)n);
		if (t > e || t <= f || (tt != 1 && !lua_compare(L, 1, tt, LUA_OPEQ))) {
			for (i = 0; i < n; i++) {
				lua_geti(L, 1, f + i);
				lua_seti(L, tt, t + i);
			}
		} else {
			for (i = n - 1; i >= 0; i--) {
				lua_geti(L, 1, f + i);
				lua_seti(L, tt, t + i);
			}
		}
	}
	lua_pushvalue(L, tt);
	return 1;
}

/* Adds t[i] (a string or number) to b; returns its length. */
static size_t
addfield(lua_State *L, luaL_Buffer *b, lua_Integer i)
{
	size_t len;

	lua_geti(L, 1, i);
	if (!lua_isstring(L, -1))
		luaL_error(L, "invalid value (%s) at index %I in table for 'concat'",
			   luaL_typename(L, -1), (LUAI_UACINT)i);
	lua_tolstring(L, -1, &len);
	luaL_addvalue(b);
	return len;
}

/* table.concat: a result longer than the sandbox's strings is refused as
 * soon as it is known to be. */
static int
sb_concat(lua_State *L)
{
	mc_lbudget *bud = mc_lbudget_of(L);
	luaL_Buffer b;
	lua_Integer last = aux_getn(L, 1, TAB_R);
	size_t lsep;
	const char *sep = luaL_optlstring(L, 2, "", &lsep);
	lua_Integer i = luaL_optinteger(L, 3, 1);
	uint64_t total = 0;

	last = luaL_optinteger(L, 4, last);
	mc_lbudget_charge(L, 1 + 2 * span(i, last));
	luaL_buffinit(L, &b);
	for (; i <= last; i++) {
		size_t len = addfield(L, &b, i);

		if (i < last) {
			luaL_addlstring(&b, sep, lsep);
			len += lsep;
		}
		total += len;
		if (bud && total > bud->string_cap)
			return mc_lbudget_long_string(L, total);
		mc_lbudget_charge(L, len / MC_LSAFE_BYTES_PER_UNIT);
		if (i == LUA_MAXINTEGER)
			break;
	}
	luaL_pushresult(&b);
	return 1;
}

static int
sb_unpack(lua_State *L)
{
	lua_Unsigned n;
	lua_Integer i = luaL_optinteger(L, 2, 1);
	lua_Integer e = luaL_opt(L, luaL_checkinteger, 3, luaL_len(L, 1));

	if (i > e)
		return 0;
	n = (lua_Unsigned)e - (lua_Unsigned)i;
	if (n >= (unsigned int)INT_MAX || !lua_checkstack(L, (int)(++n)))
		return luaL_error(L, "too many results to unpack");
	mc_lbudget_charge(L, 1 + n);
	for (; i < e; i++)
		lua_geti(L, 1, i);
	lua_geti(L, 1, e);
	return (int)n;
}

/* Whether the value at a is less than the one at b, as table.sort orders
 * them (the comparator, if the call has one, at index 2). */
static bool
sort_less(lua_State *L, int a, int b)
{
	uint64_t cost = 1;

	a = lua_absindex(L, a);
	b = lua_absindex(L, b);
	if (lua_type(L, a) == LUA_TSTRING && lua_type(L, b) == LUA_TSTRING)
		cost += (lua_rawlen(L, a) + lua_rawlen(L, b)) / (2 * MC_LSAFE_BYTES_PER_UNIT);
	mc_lbudget_charge(L, cost);
	if (lua_isnil(L, 2))
		return lua_compare(L, a, b, LUA_OPLT);
	lua_pushvalue(L, 2);
	lua_pushvalue(L, a);
	lua_pushvalue(L, b);
	lua_call(L, 2, 1);
	bool r = lua_toboolean(L, -1);
	lua_pop(L, 1);
	return r;
}

/*
 * table.sort, as a stable merge sort: Lua's quicksort picks its pivot at
 * random for large arrays (so equal elements end in an order that changes
 * from run to run) and may raise "invalid order function"; this one gives
 * one order for any comparator, and never more than n log n comparisons.
 */
static int
sb_sort(lua_State *L)
{
	lua_Integer n = aux_getn(L, 1, TAB_R | TAB_W);
	int src, dst;

	if (n <= 1)
		return 0;
	luaL_argcheck(L, n < INT_MAX, 1, "array too big");
	if (!lua_isnoneornil(L, 2))
		luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_settop(L, 2);
	mc_lbudget_charge(L, 1 + 2 * (uint64_t)n);
	lua_createtable(L, (int)n, 0);
	lua_createtable(L, (int)n, 0);
	src = 3;
	dst = 4;
	for (lua_Integer i = 1; i <= n; i++) {
		lua_geti(L, 1, i);
		lua_rawseti(L, src, i);
	}
	for (lua_Integer w = 1; w < n; w *= 2) {
		for (lua_Integer lo = 1; lo <= n; lo += 2 * w) {
			lua_Integer mid = lo + w < n + 1 ? lo + w : n + 1;
			lua_Integer hi = lo + 2 * w < n + 1 ? lo + 2 * w : n + 1;
			lua_Integer i = lo, j = mid, k = lo;

			while (i < mid || j < hi) {
				bool right = false;

				if (i < mid && j < hi) {
					lua_rawgeti(L, src, j);
					lua_rawgeti(L, src, i);
					right = sort_less(L, -2, -1);
					lua_pop(L, 2);
				} else {
					right = i >= mid;
				}
				lua_rawgeti(L, src, right ? j++ : i++);
				lua_rawseti(L, dst, k++);
			}
		}
		src = src == 3 ? 4 : 3;
		dst = dst == 3 ? 4 : 3;
	}
	for (lua_Integer i = 1; i <= n; i++) {
		lua_rawgeti(L, src, i);
		lua_seti(L, 1, i);
	}
	return 0;
}

static const luaL_Reg TABLE_FUNCS[] = {
	{"insert", sb_insert},
	{"remove", sb_remove},
	{"move", sb_move},
	{"concat", sb_concat},
	{"unpack", sb_unpack},
	{"sort", sb_sort},
	{NULL, NULL}
};

void
mc_lsafe_open_table(lua_State *L)
{
	lua_getglobal(L, LUA_TABLIBNAME);
	luaL_setfuncs(L, TABLE_FUNCS, 0);
	lua_pop(L, 1);
}
