/*
 * sandbox.c - the Lua sandbox.
 */
#include "sandbox.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lpattern.h"
#include "luamodules.h"
#include "value.h"

/* The count hook runs every HOOK_EVERY instructions: often enough to stop
 * a loop within a few microseconds of its budget, rarely enough to cost
 * little. */
#define HOOK_EVERY 1000

/* Work allowed when the engine itself runs Lua (loading modules). */
#define SETUP_BUDGET 10000000

/* Allocating costs work too: every ALLOC_CHARGE bytes a call allocates are
 * charged as one instruction, so that a call that allocates in a loop (a
 * megabyte string each time round) stops as soon as one that computes,
 * rather than after its instructions have churned gigabytes. */
#define ALLOC_CHARGE 8

static const char ENV_KEY[] = "mc.env";       /* registry: the globals' view */
static const char FROZEN_KEY[] = "mc.frozen"; /* registry: table -> view */
static const char VIEWS_KEY[] = "mc.views";   /* registry: the views, a set */

struct mc_sandbox {
	mc_lbudget budget;
	lua_State *L;
	size_t mem;        /* bytes held */
	size_t mem_limit;  /* what allocations may reach now */
	size_t mem_cap;    /* what the state may ever hold */
	bool mem_refused;  /* an allocation was refused during the call */
	uint64_t last_used;
	size_t gc_mark;    /* memory after the last full collection */
};

/* ------------------------------------------------------------------------
 * Memory and instructions
 */

static void *
alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	mc_sandbox *sb = ud;
	size_t old = ptr ? osize : 0;  /* with no block, osize is a type tag */
	void *p;

	if (nsize == 0) {
		free(ptr);
		sb->mem -= old;
		return NULL;
	}
	if (nsize > old && nsize - old > sb->mem_limit - sb->mem) {
		sb->mem_refused = true;
		return NULL;
	}
	p = realloc(ptr, nsize);
	if (!p)
		return NULL;
	sb->mem = sb->mem - old + nsize;
	/* Charged here, stopped at the next count hook. */
	if (nsize > old)
		sb->budget.used += (nsize - old) / ALLOC_CHARGE;
	return p;
}

static void
hook(lua_State *L, lua_Debug *ar)
{
	mc_lbudget *b = mc_lbudget_of(L);

	(void)ar;
	if (!b)
		return;
	if (!b->exceeded) {
		b->used += HOOK_EVERY;
		if (b->used <= b->limit)
			return;
		b->exceeded = true;
	}
	/* From now on every instruction of this thread fails: a pcall may
	 * catch one error, but the code after it fails again. */
	lua_sethook(L, hook, LUA_MASKCOUNT, 1);
	luaL_error(L, "instruction budget exceeded");
}

/* ------------------------------------------------------------------------
 * Read-only views of tables
 */

static int
refuse_write(lua_State *L)
{
	return luaL_error(L, "attempt to modify a read-only table");
}

static int
refuse_global(lua_State *L)
{
	return luaL_error(L, "attempt to set global '%s': globals are read-only "
			  "(use local)", luaL_tolstring(L, 2, NULL));
}

static void freeze_at(lua_State *L, int idx);

/* __index of a view: the real table's value, itself viewed read-only. */
static int
view_index(lua_State *L)
{
	lua_pushvalue(L, 2);
	lua_rawget(L, lua_upvalueindex(1));
	if (lua_type(L, -1) == LUA_TTABLE)
		freeze_at(L, -1);
	return 1;
}

static int
view_len(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)lua_rawlen(L, lua_upvalueindex(1)));
	return 1;
}

static int
view_next(lua_State *L)
{
	/* upvalue 1: the real table; arguments: the view, the last key */
	lua_settop(L, 2);
	if (lua_next(L, lua_upvalueindex(1)) == 0) {
		lua_pushnil(L);
		return 1;
	}
	if (lua_type(L, -1) == LUA_TTABLE)
		freeze_at(L, -1);
	return 2;
}

static int
view_pairs(lua_State *L)
{
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushcclosure(L, view_next, 1);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

/* Marks the table at the top of the stack as a view: freezing it again
 * leaves it as it is. */
static void
mark_view(lua_State *L)
{
	lua_getfield(L, LUA_REGISTRYINDEX, VIEWS_KEY);
	lua_pushvalue(L, -2);
	lua_pushboolean(L, 1);
	lua_rawset(L, -3);
	lua_pop(L, 1);
}

static bool
holds_tables(lua_State *L, int idx)
{
	bool found = false;

	lua_pushnil(L);
	while (!found && lua_next(L, idx)) {
		found = lua_type(L, -1) == LUA_TTABLE;
		lua_pop(L, 1);
	}
	if (found)
		lua_pop(L, 1);  /* the key lua_next left */
	return found;
}

/* Replaces the table at idx with its read-only view (one view per table,
 * kept in a weak-keyed registry table so that identity holds); a view
 * stays as it is. */
static void
freeze_at(lua_State *L, int idx)
{
	idx = lua_absindex(L, idx);
	lua_getfield(L, LUA_REGISTRYINDEX, VIEWS_KEY);
	lua_pushvalue(L, idx);
	if (lua_rawget(L, -2) != LUA_TNIL) {
		lua_pop(L, 2);
		return;
	}
	lua_pop(L, 2);
	lua_getfield(L, LUA_REGISTRYINDEX, FROZEN_KEY);
	lua_pushvalue(L, idx);
	if (lua_rawget(L, -2) == LUA_TTABLE) {
		lua_replace(L, idx);
		lua_pop(L, 1);
		return;
	}
	lua_pop(L, 1);
	lua_newtable(L);                       /* the view */
	lua_createtable(L, 0, 6);              /* its metatable */
	/* A table that holds no tables is read straight (the libraries are
	 * such); one that does gives views of what it holds. */
	lua_pushvalue(L, idx);
	if (holds_tables(L, idx))
		lua_pushcclosure(L, view_index, 1);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, refuse_write);
	lua_setfield(L, -2, "__newindex");
	lua_pushvalue(L, idx);
	lua_pushcclosure(L, view_len, 1);
	lua_setfield(L, -2, "__len");
	lua_pushvalue(L, idx);
	lua_pushcclosure(L, view_pairs, 1);
	lua_setfield(L, -2, "__pairs");
	lua_pushliteral(L, "read-only");
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);
	mark_view(L);
	lua_pushvalue(L, idx);                 /* frozen[real] = view */
	lua_pushvalue(L, -2);
	lua_rawset(L, -4);
	lua_replace(L, idx);
	lua_pop(L, 1);
}

void
mc_sandbox_freeze(mc_sandbox *sb)
{
	freeze_at(sb->L, -1);
}

/* ------------------------------------------------------------------------
 * The functions rules may call that differ from Lua's
 */

/* load(text [, name [, mode [, env]]]): text only, the read-only globals
 * unless an environment is given. */
static int
sb_load(lua_State *L)
{
	size_t len;
	const char *text, *name = luaL_optstring(L, 2, "=(load)");

	if (lua_type(L, 1) != LUA_TSTRING) {
		luaL_pushfail(L);
		lua_pushliteral(L, "load takes the text of a chunk in a rule");
		return 2;
	}
	text = lua_tolstring(L, 1, &len);
	mc_lbudget_charge(L, len / 8 + 1);
	if (luaL_loadbufferx(L, text, len, name, "t") != LUA_OK) {
		luaL_pushfail(L);
		lua_insert(L, -2);
		return 2;
	}
	if (!lua_isnone(L, 4))
		lua_pushvalue(L, 4);
	else
		lua_getfield(L, LUA_REGISTRYINDEX, ENV_KEY);
	if (!lua_setupvalue(L, -2, 1))
		lua_pop(L, 1);
	return 1;
}

/* Calls the original function (upvalue 1 of a wrapper) with the wrapper's
 * arguments and returns what it returns. */
static int
call_original(lua_State *L, int nresults)
{
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, nresults);
	return lua_gettop(L);
}

/* setmetatable without __gc: a finalizer would run outside any rule's
 * budget, at a time no rule controls. */
static int
sb_setmetatable(lua_State *L)
{
	if (lua_type(L, 2) == LUA_TTABLE) {
		lua_pushliteral(L, "__gc");
		if (lua_rawget(L, 2) != LUA_TNIL)
			return luaL_error(L, "__gc metamethods are not allowed in rules");
		lua_pop(L, 1);
	}
	return call_original(L, 1);
}

/*
 * Errors that stop a call at its budget are raised from the count hook,
 * and Lua runs no hook while a hook's error unwinds: a message handler
 * (xpcall), or the __close metamethods of a coroutine that died of such an
 * error, would run with no budget at all. So xpcall calls its handler only
 * after the protected call has returned, and coroutines that died at the
 * budget are never closed.
 */
static int
sb_xpcall(lua_State *L)
{
	int n = lua_gettop(L);

	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushvalue(L, 2);       /* the handler, kept below the call */
	lua_pushvalue(L, 1);
	for (int i = 3; i <= n; i++)
		lua_pushvalue(L, i);
	if (lua_pcall(L, n - 2 < 0 ? 0 : n - 2, LUA_MULTRET, 0) == LUA_OK) {
		lua_pushboolean(L, 1);
		lua_replace(L, n + 1);  /* over the handler */
		return lua_gettop(L) - n;
	}
	lua_call(L, 1, 1);         /* handler(error) */
	lua_pushboolean(L, 0);
	lua_insert(L, -2);
	return 2;
}

static int
budget_spent(lua_State *L)
{
	mc_lbudget *b = mc_lbudget_of(L);

	return b && b->exceeded;
}

/* coroutine.close, but never of a coroutine once the budget is spent */
static int
sb_coclose(lua_State *L)
{
	if (budget_spent(L))
		return luaL_error(L, "instruction budget exceeded");
	return call_original(L, LUA_MULTRET);
}

/* The function coroutine.wrap returns: resumes its coroutine; on an error
 * closes it (as Lua's does) unless the budget is spent, and raises it. */
static int
sb_auxwrap(lua_State *L)
{
	lua_State *co = lua_tothread(L, lua_upvalueindex(1));
	int n = lua_gettop(L), nres, rc;

	if (!lua_checkstack(co, n))
		return luaL_error(L, "too many arguments to resume");
	lua_xmove(L, co, n);
	rc = lua_resume(co, L, n, &nres);
	if (rc == LUA_OK || rc == LUA_YIELD) {
		if (!lua_checkstack(L, nres + 1))
			return luaL_error(L, "too many results to resume");
		lua_xmove(co, L, nres);
		return nres;
	}
	lua_xmove(co, L, 1);      /* the error */
	if (!budget_spent(L))
		lua_resetthread(co);
	return lua_error(L);
}

static int
sb_cowrap(lua_State *L)
{
	lua_State *co;

	luaL_checktype(L, 1, LUA_TFUNCTION);
	co = lua_newthread(L);
	lua_pushvalue(L, 1);
	lua_xmove(L, co, 1);
	lua_pushcclosure(L, sb_auxwrap, 1);
	return 1;
}

/* string.rep, charged by the length it makes; an empty string repeated any
 * number of times is made at once rather than in a loop of n steps. */
static int
sb_rep(lua_State *L)
{
	size_t l, lsep;
	lua_Integer n;

	luaL_checklstring(L, 1, &l);
	n = luaL_checkinteger(L, 2);
	luaL_optlstring(L, 3, "", &lsep);
	if (n <= 0 || l + lsep == 0) {
		lua_pushliteral(L, "");
		return 1;
	}
	if ((uint64_t)n > SIZE_MAX / (l + lsep))
		return luaL_error(L, "resulting string too large");
	/* A result past the memory left fails as the allocation would, before
	 * any work; the sandbox is the budget's owner. */
	mc_sandbox *sb = (mc_sandbox *)(void *)mc_lbudget_of(L);
	if (sb && (uint64_t)n * (l + lsep) > sb->mem_limit - sb->mem) {
		sb->mem_refused = true;
		return luaL_error(L, "not enough memory");
	}
	mc_lbudget_charge(L, (uint64_t)n * (l + lsep) / 16 + 1);
	return call_original(L, 1);
}

/* version.compare(a, b) for the helper modules: -1, 0 or 1 as the engine
 * orders versions; nil and a message when either is no version. */
static int
prim_version_compare(lua_State *L)
{
	size_t al, bl;
	const char *a = luaL_checklstring(L, 1, &al);
	const char *b = luaL_checklstring(L, 2, &bl);

	mc_lbudget_charge(L, (al + bl) / 8 + 1);
	if (!mc_version_valid(a, al) || !mc_version_valid(b, bl)) {
		luaL_pushfail(L);
		lua_pushfstring(L, "'%s' is not a version",
				mc_version_valid(a, al) ? b : a);
		return 2;
	}
	lua_pushinteger(L, mc_version_cmp(a, al, b, bl));
	return 1;
}

static int
prim_version_valid(lua_State *L)
{
	size_t l;
	const char *s = luaL_checklstring(L, 1, &l);

	lua_pushboolean(L, mc_version_valid(s, l));
	return 1;
}

/* ------------------------------------------------------------------------
 * Building the state
 */

static void
drop(lua_State *L, const char *table, const char *const *names)
{
	if (table)
		lua_getglobal(L, table);
	else
		lua_pushglobaltable(L);
	for (; *names; names++) {
		lua_pushnil(L);
		lua_setfield(L, -2, *names);
	}
	lua_pop(L, 1);
}

/* Wraps global table.field in a C closure that gets the original as its
 * upvalue. */
static void
wrap(lua_State *L, const char *table, const char *field, lua_CFunction f)
{
	if (table)
		lua_getglobal(L, table);
	else
		lua_pushglobaltable(L);
	lua_getfield(L, -1, field);
	lua_pushcclosure(L, f, 1);
	lua_setfield(L, -2, field);
	lua_pop(L, 1);
}

/* Runs the helper modules of lua/ with the full (still writable) globals
 * and makes each a read-only global. */
static int
load_modules(lua_State *L)
{
	for (size_t i = 0; i < mc_lua_nmodules; i++) {
		const mc_lua_module *m = &mc_lua_modules[i];
		char name[64];

		snprintf(name, sizeof(name), "=lua/%s.lua", m->name);
		if (luaL_loadbufferx(L, m->source, m->len, name, "t") != LUA_OK)
			return -1;
		lua_createtable(L, 0, 2);
		lua_pushcfunction(L, prim_version_compare);
		lua_setfield(L, -2, "version_compare");
		lua_pushcfunction(L, prim_version_valid);
		lua_setfield(L, -2, "version_valid");
		if (lua_pcall(L, 1, 1, 0) != LUA_OK || !lua_istable(L, -1))
			return -1;
		lua_setglobal(L, m->name);
	}
	return 0;
}

/* Sets up the libraries, the wrappers and the read-only globals. Runs
 * under lua_pcall, as memory may run out anywhere. */
static int
setup(lua_State *L)
{
	static const luaL_Reg libs[] = {
		{LUA_GNAME, luaopen_base},
		{LUA_TABLIBNAME, luaopen_table},
		{LUA_STRLIBNAME, luaopen_string},
		{LUA_MATHLIBNAME, luaopen_math},
		{LUA_UTF8LIBNAME, luaopen_utf8},
		{LUA_COLIBNAME, luaopen_coroutine},
		{NULL, NULL},
	};
	static const char *const base_out[] = {
		"print", "warn", "collectgarbage", "dofile", "loadfile", "require",
		"rawset", NULL
	};
	static const char *const string_out[] = {"dump", NULL};
	static const char *const math_out[] = {"random", "randomseed", NULL};
	static const char *const frozen[] = {
		LUA_TABLIBNAME, LUA_STRLIBNAME, LUA_MATHLIBNAME, LUA_UTF8LIBNAME,
		LUA_COLIBNAME, NULL
	};

	for (const luaL_Reg *lib = libs; lib->func; lib++) {
		luaL_requiref(L, lib->name, lib->func, 1);
		lua_pop(L, 1);
	}
	drop(L, NULL, base_out);
	drop(L, LUA_STRLIBNAME, string_out);
	drop(L, LUA_MATHLIBNAME, math_out);
	lua_pushnil(L);
	lua_setfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
	lua_pushcfunction(L, sb_load);
	lua_setglobal(L, "load");
	wrap(L, NULL, "setmetatable", sb_setmetatable);
	lua_pushcfunction(L, sb_xpcall);
	lua_setglobal(L, "xpcall");
	wrap(L, LUA_COLIBNAME, "close", sb_coclose);
	lua_getglobal(L, LUA_COLIBNAME);
	lua_pushcfunction(L, sb_cowrap);
	lua_setfield(L, -2, "wrap");
	lua_pop(L, 1);
	wrap(L, LUA_STRLIBNAME, "rep", sb_rep);
	lua_getglobal(L, LUA_STRLIBNAME);
	mc_lpattern_open(L, -1);
	lua_pop(L, 1);

	/* The string metatable: methods from the string library, protected
	 * so that no rule can change what strings do for the others. */
	lua_pushliteral(L, "");
	lua_getmetatable(L, -1);
	lua_pushliteral(L, "read-only");
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 2);

	/* Views are cached per table, weakly, and known as views. */
	for (int i = 0; i < 2; i++) {
		lua_newtable(L);
		lua_createtable(L, 0, 1);
		lua_pushliteral(L, "k");
		lua_setfield(L, -2, "__mode");
		lua_setmetatable(L, -2);
		lua_setfield(L, LUA_REGISTRYINDEX, i ? VIEWS_KEY : FROZEN_KEY);
	}

	if (load_modules(L) < 0)
		return lua_error(L);
	for (size_t i = 0; i < mc_lua_nmodules; i++) {
		lua_getglobal(L, mc_lua_modules[i].name);
		freeze_at(L, -1);
		lua_setglobal(L, mc_lua_modules[i].name);
	}
	for (const char *const *t = frozen; *t; t++) {
		lua_getglobal(L, *t);
		freeze_at(L, -1);
		lua_setglobal(L, *t);
	}

	/* The environment of every chunk: a view of the globals. */
	lua_newtable(L);
	lua_createtable(L, 0, 4);
	lua_pushglobaltable(L);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, refuse_global);
	lua_setfield(L, -2, "__newindex");
	lua_pushglobaltable(L);
	lua_pushcclosure(L, view_pairs, 1);
	lua_setfield(L, -2, "__pairs");
	lua_pushliteral(L, "read-only");
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);
	mark_view(L);
	lua_pushvalue(L, -1);
	lua_setglobal(L, "_G");
	lua_setfield(L, LUA_REGISTRYINDEX, ENV_KEY);
	return 0;
}

mc_sandbox *
mc_sandbox_new(size_t memory)
{
	mc_sandbox *sb = calloc(1, sizeof(*sb));

	if (!sb)
		return NULL;
	sb->mem_cap = sb->mem_limit = memory;
	sb->budget.limit = SETUP_BUDGET;
	sb->L = lua_newstate(alloc, sb);
	if (!sb->L) {
		free(sb);
		return NULL;
	}
	mc_lbudget_set(sb->L, &sb->budget);
	lua_sethook(sb->L, hook, LUA_MASKCOUNT, HOOK_EVERY);
	lua_pushcfunction(sb->L, setup);
	if (lua_pcall(sb->L, 0, 0, 0) != LUA_OK) {
		mc_sandbox_free(sb);
		return NULL;
	}
	lua_gc(sb->L, LUA_GCCOLLECT);
	sb->gc_mark = sb->mem;
	return sb;
}

void
mc_sandbox_free(mc_sandbox *sb)
{
	if (!sb)
		return;
	lua_close(sb->L);
	free(sb);
}

lua_State *
mc_sandbox_state(mc_sandbox *sb)
{
	return sb->L;
}

size_t
mc_sandbox_memory(const mc_sandbox *sb)
{
	return sb->mem;
}

uint64_t
mc_sandbox_used(const mc_sandbox *sb)
{
	return sb->last_used;
}

/* Sets a just-loaded function's environment to the globals' view. */
static void
set_env(lua_State *L)
{
	lua_getfield(L, LUA_REGISTRYINDEX, ENV_KEY);
	if (!lua_setupvalue(L, -2, 1))
		lua_pop(L, 1);
}

int
mc_sandbox_load(mc_sandbox *sb, const char *text, size_t len, const char *name)
{
	int rc = luaL_loadbufferx(sb->L, text, len, name, "t");

	if (rc == LUA_ERRMEM)
		return MC_LUA_MEMORY;
	if (rc != LUA_OK)
		return MC_LUA_SYNTAX;
	set_env(sb->L);
	return MC_LUA_OK;
}

/* lua_dump's writer: appends to a malloc'd buffer. */
typedef struct dumpbuf {
	char *bytes;
	size_t len;
} dumpbuf;

static int
writer(lua_State *L, const void *p, size_t sz, void *ud)
{
	dumpbuf *d = ud;
	char *nb;

	(void)L;
	if (sz == 0)
		return 0;
	nb = realloc(d->bytes, d->len + sz);
	if (!nb)
		return 1;
	memcpy(nb + d->len, p, sz);
	d->bytes = nb;
	d->len += sz;
	return 0;
}

int
mc_sandbox_dump(mc_sandbox *sb, char **bytes, size_t *len)
{
	dumpbuf d = {NULL, 0};

	if (lua_dump(sb->L, writer, &d, 0) != 0) {
		free(d.bytes);
		return MC_LUA_MEMORY;
	}
	*bytes = d.bytes;
	*len = d.len;
	return MC_LUA_OK;
}

int
mc_sandbox_undump(mc_sandbox *sb, const char *bytes, size_t len,
		  const char *name)
{
	int rc = luaL_loadbufferx(sb->L, bytes, len, name, "b");

	if (rc == LUA_ERRMEM)
		return MC_LUA_MEMORY;
	if (rc != LUA_OK)
		return MC_LUA_ERROR;
	set_env(sb->L);
	return MC_LUA_OK;
}

int
mc_sandbox_call(mc_sandbox *sb, int nargs, int nresults,
		uint64_t instructions, size_t memory)
{
	lua_State *L = sb->L;
	int rc;

	sb->budget.used = 0;
	sb->budget.limit = instructions;
	sb->budget.exceeded = false;
	sb->mem_refused = false;
	sb->mem_limit = memory < sb->mem_cap - sb->mem ? sb->mem + memory
		: sb->mem_cap;
	lua_sethook(L, hook, LUA_MASKCOUNT, HOOK_EVERY);
	rc = lua_pcall(L, nargs, nresults, 0);
	sb->last_used = sb->budget.used;
	sb->mem_limit = sb->mem_cap;
	sb->budget.limit = SETUP_BUDGET;
	if (sb->budget.exceeded) {
		sb->budget.exceeded = false;
		rc = MC_LUA_BUDGET;
	} else if (rc == LUA_ERRMEM || (rc != LUA_OK && sb->mem_refused)) {
		rc = MC_LUA_MEMORY;
	} else {
		rc = rc == LUA_OK ? MC_LUA_OK : MC_LUA_ERROR;
	}
	/* Garbage of earlier calls counts against later ones: collect it
	 * whole once it has doubled the state (no rule code runs in a
	 * collection: rules cannot set finalizers). */
	if (sb->mem > 2 * sb->gc_mark + 65536) {
		lua_gc(L, LUA_GCCOLLECT);
		sb->gc_mark = sb->mem;
	}
	return rc;
}
