/* SPDX-License-Identifier: MIT */
/*
 * sandbox.c - the Lua sandbox: its state, allocator, hooks and calls, and
 * read-only views of tables. The functions rules call are in lsafe.c.
 */
#include "lua/sandbox.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "lua/lsafe.h"
#include "lua/luamodules.h"
#include "load/value.h"

/* The count hook runs every HOOK_EVERY instructions: often enough to stop
 * a loop within a few microseconds of its budget, rarely enough to cost
 * little. */
#define HOOK_EVERY 1000

/* Calls and returns are hooked too: one call can pass a million values
 * (f(table.unpack(t)), or a vararg passed on), and each is copied. A
 * transfer of more than TRANSFER_FREE values is charged two units a value. */
#define HOOK_MASK (LUA_MASKCOUNT | LUA_MASKCALL | LUA_MASKRET)
#define TRANSFER_FREE 32

/* The most values one call may receive or return. Lua lets a call pass a
 * million, and moving a stack that large costs more than any charge per
 * value can say (the stack is reallocated, and shrunk again by the
 * collector at times no charge may depend on). */
#define TRANSFER_MAX 8000

/* Work allowed when the engine itself runs Lua (loading modules). */
#define SETUP_BUDGET 10000000

/* Making an object costs work too: every ALLOC_CHARGE bytes of a new
 * string, table, closure or userdata are charged as one instruction.
 * Growing a table's parts or a stack is not: how often Lua does that
 * depends on the state's history and hash seed, and a charge must not. */
#define ALLOC_CHARGE 8

static const char FROZEN_KEY[] = "mc.frozen"; /* registry: table -> view */
static const char VIEWS_KEY[] = "mc.views";   /* registry: the views, a set */

struct mc_sandbox {
	mc_lbudget budget;    /* first: a budget's address is its sandbox's */
	lua_State *L;
	size_t mem;           /* bytes held */
	size_t mem_limit;     /* what allocations may reach now */
	size_t mem_cap;       /* what the state may ever hold */
	size_t base;          /* bytes held by what outlives calls */
	size_t str_header;    /* bytes a string's block holds beyond its text */
	bool str_probe;       /* measuring str_header */
	/* An allocation refused at the limit: Lua collects all garbage and
	 * asks again once; refused again, the call is out of memory. */
	struct {
		bool pending;
		const void *ptr;
		size_t osize, nsize;
	} refusal;
	uint64_t last_used;
	mc_lend last_end;
	size_t gc_mark;       /* memory after the last full collection */
};

static mc_sandbox *
sandbox_of(lua_State *L)
{
	return (mc_sandbox *)(void *)mc_lbudget_of(L);
}

/* ------------------------------------------------------------------------
 * Memory
 */

static void
out_of_memory(mc_sandbox *sb)
{
	sb->refusal.pending = false;
	if (!sb->budget.ended)
		sb->budget.ended = MC_LEND_MEMORY;
}

/* A growth past the limit. Lua's emergency collection asks again for the
 * same block at once; any other request first means the refusal stood. */
static void
refuse(mc_sandbox *sb, const void *ptr, size_t osize, size_t nsize)
{
	if (sb->refusal.pending) {
		out_of_memory(sb);
		return;
	}
	sb->refusal.pending = true;
	sb->refusal.ptr = ptr;
	sb->refusal.osize = osize;
	sb->refusal.nsize = nsize;
}

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
	if (!ptr && osize == LUA_TSTRING) {
		if (sb->str_probe) {
			sb->str_header = nsize;
			sb->str_probe = false;
		} else if (nsize - sb->str_header > sb->budget.string_cap + 1) {
			if (!sb->budget.ended) {
				sb->budget.ended = MC_LEND_STRING;
				sb->budget.string_len = nsize - sb->str_header - 1;
			}
			return NULL;
		}
	}
	if (nsize > old && (sb->mem >= sb->mem_limit ||
			    nsize - old > sb->mem_limit - sb->mem)) {
		refuse(sb, ptr, osize, nsize);
		return NULL;
	}
	p = realloc(ptr, nsize);
	if (!p)
		return NULL;
	if (nsize > old && sb->refusal.pending) {
		if (ptr == sb->refusal.ptr && osize == sb->refusal.osize &&
		    nsize == sb->refusal.nsize)
			sb->refusal.pending = false;  /* the collection made room */
		else
			out_of_memory(sb);
	}
	sb->mem = sb->mem - old + nsize;
	if (!ptr && osize != 0)
		sb->budget.used += nsize / ALLOC_CHARGE;
	return p;
}

/* ------------------------------------------------------------------------
 * Hooks: instructions, and values passed
 */

/* Ends the call in thread L: this and every later instruction fails. */
static void
fail(lua_State *L, mc_lbudget *b)
{
	lua_sethook(L, lua_gethook(L), HOOK_MASK, 1);
	mc_lbudget_fail(L, b);
}

/* The values a call of a Lua vararg function received beyond its
 * parameters (0 when at most TRANSFER_FREE). */
static uint64_t
extra_args(lua_State *L, lua_Debug *ar)
{
	int lo = TRANSFER_FREE + 1, hi;

	if (!lua_getlocal(L, ar, -lo))
		return 0;
	lua_pop(L, 1);
	for (hi = lo * 2; lua_getlocal(L, ar, -hi); hi *= 2) {
		lua_pop(L, 1);
		lo = hi;
		if (hi > (1 << 29))
			return (uint64_t)hi;
	}
	while (hi - lo > 1) {  /* lo has a value, hi none */
		int mid = lo + (hi - lo) / 2;
		if (lua_getlocal(L, ar, -mid)) {
			lua_pop(L, 1);
			lo = mid;
		} else {
			hi = mid;
		}
	}
	return (uint64_t)lo;
}

/* The values passed to a call or returned by one, when many. */
static uint64_t
transferred(lua_State *L, lua_Debug *ar)
{
	int top = lua_gettop(L);
	uint64_t n = 0;

	if (ar->event == LUA_HOOKRET) {
		/* the results end at the top; a Lua function's frame may
		 * reach higher, so this counts at most a frame too many */
		if (top <= TRANSFER_FREE || !lua_getinfo(L, "r", ar))
			return 0;
		return 2 * (uint64_t)(top - ar->ftransfer + 1);
	}
	n = extra_args(L, ar);
	if (!n && top > TRANSFER_FREE && lua_getinfo(L, "f", ar)) {
		/* a C function's arguments are its stack */
		if (lua_iscfunction(L, -1))
			n = (uint64_t)top;
		lua_pop(L, 1);
	}
	/* a value passed is copied in, and most often out again */
	return n > TRANSFER_FREE ? 2 * n : 0;
}

static void
hook(lua_State *L, lua_Debug *ar)
{
	mc_sandbox *sb = sandbox_of(L);
	mc_lbudget *b;

	if (!sb)
		return;
	b = &sb->budget;
	/* The main thread runs only the sandbox's own code (a call's thread
	 * is made and left there): never stopped from here. */
	if (L == sb->L && (ar->event != LUA_HOOKCOUNT || b->ended))
		return;
	if (ar->event == LUA_HOOKCOUNT) {
		if (!b->ended && sb->refusal.pending)
			out_of_memory(sb);
		if (!b->ended) {
			b->used += HOOK_EVERY;
			if (b->used <= b->limit)
				return;
			b->ended = MC_LEND_BUDGET;
		}
		fail(L, b);
	}
	if (b->ended)
		fail(L, b);
	uint64_t n = transferred(L, ar);
	if (n > 2 * (uint64_t)TRANSFER_MAX)
		luaL_error(L, "a call passed %I values; rules pass at most %d in "
			   "one call", (LUAI_UACINT)(n / 2), TRANSFER_MAX);
	if (n) {
		b->used = n > UINT64_MAX - b->used ? UINT64_MAX : b->used + n;
		if (b->used > b->limit) {
			b->ended = MC_LEND_BUDGET;
			fail(L, b);
		}
	}
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
	mc_lsafe_tostring(L, 2);
	return luaL_error(L, "attempt to set global '%s': globals are read-only "
			  "(use local)", lua_tostring(L, -1));
}

static void freeze_at(lua_State *L, int idx);

/* Replaces the value at the top with its view when it is a table. */
static void
freeze_top(lua_State *L)
{
	if (lua_type(L, -1) == LUA_TTABLE)
		freeze_at(L, -1);
}

/*
 * __index of a view: the real table's own value, viewed read-only; when it
 * has none, what the real table's metatable gives through its __index (a
 * function is called with the view, a table is read through its view).
 */
static int
view_index(lua_State *L)
{
	lua_pushvalue(L, 2);
	if (lua_rawget(L, lua_upvalueindex(1)) == LUA_TNIL &&
	    lua_getmetatable(L, lua_upvalueindex(1))) {
		lua_pushliteral(L, "__index");
		switch (lua_rawget(L, -2)) {
		case LUA_TFUNCTION:
			lua_pushvalue(L, 1);
			lua_pushvalue(L, 2);
			lua_call(L, 2, 1);
			break;
		case LUA_TTABLE:
			freeze_at(L, -1);
			lua_pushvalue(L, 2);
			lua_gettable(L, -2);
			break;
		default:
			lua_pushnil(L);
			break;
		}
	}
	freeze_top(L);
	return 1;
}

static int
view_len(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)lua_rawlen(L, lua_upvalueindex(1)));
	return 1;
}

/* The iterator of pairs(view): the real table's keys in the sandbox's
 * one order, keys and values viewed read-only. */
static int
view_next(lua_State *L)
{
	lua_settop(L, 2);
	if (!mc_lsafe_next(L, lua_upvalueindex(1))) {
		lua_pushnil(L);
		return 1;
	}
	freeze_top(L);
	lua_insert(L, -2);
	freeze_top(L);
	lua_insert(L, -2);
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
		found = lua_type(L, -1) == LUA_TTABLE || lua_type(L, -2) == LUA_TTABLE;
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
	luaL_checkstack(L, 6, NULL);
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
	/* A table that holds no tables and has no metatable is read straight
	 * (the libraries are such); any other gives views of what it holds. */
	lua_pushvalue(L, idx);
	if (lua_getmetatable(L, idx)) {
		lua_pop(L, 1);
		lua_pushcclosure(L, view_index, 1);
	} else if (holds_tables(L, idx)) {
		lua_pushcclosure(L, view_index, 1);
	}
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

bool
mc_sandbox_is_view(mc_sandbox *sb, int idx)
{
	lua_State *L = sb->L;
	bool view;

	idx = lua_absindex(L, idx);
	lua_getfield(L, LUA_REGISTRYINDEX, VIEWS_KEY);
	lua_pushvalue(L, idx);
	view = lua_rawget(L, -2) != LUA_TNIL;
	lua_pop(L, 2);
	return view;
}

/* ------------------------------------------------------------------------
 * The helper modules' primitives
 */

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

	mc_lbudget_charge(L, l / 8 + 1);
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

/* Sets up the libraries, the replacements and the read-only globals. Runs
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
	mc_lsafe_open(L);

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
	lua_setfield(L, LUA_REGISTRYINDEX, MC_LSAFE_ENV_KEY);
	mc_lsafe_end_call(L);
	return 0;
}

/* Measures what a string's block holds beyond its text: the string limit
 * is enforced on the blocks the allocator sees. */
static int
probe_strings(lua_State *L)
{
	static const char text[] = "a string long enough to be made apart from "
				   "the interned short ones, sixty-four bytes";
	mc_sandbox *sb = sandbox_of(L);

	sb->str_probe = true;
	lua_pushlstring(L, text, sizeof(text) - 1);
	if (sb->str_probe || sb->str_header <= sizeof(text))
		return luaL_error(L, "the sandbox cannot see Lua's strings");
	sb->str_header -= sizeof(text);
	return 0;
}

int
mc_sandbox_new(mc_sandbox **out, size_t memory, size_t string_cap)
{
	mc_sandbox *sb = calloc(1, sizeof(*sb));
	int rc = MC_ENOMEM;

	*out = NULL;
	if (!sb)
		return MC_ENOMEM;
	sb->mem_cap = sb->mem_limit = memory;
	sb->budget.limit = SETUP_BUDGET;
	sb->budget.string_cap = mc_sandbox_string_cap(string_cap);
	sb->L = lua_newstate(alloc, sb);
	if (!sb->L)
		goto fail;
	mc_lbudget_set(sb->L, &sb->budget);
	lua_sethook(sb->L, hook, HOOK_MASK, HOOK_EVERY);
	lua_pushcfunction(sb->L, probe_strings);
	if (lua_pcall(sb->L, 0, 0, 0) != LUA_OK)
		goto fail;
	lua_pushcfunction(sb->L, setup);
	if (lua_pcall(sb->L, 0, 0, 0) != LUA_OK || sb->budget.ended)
		goto fail;
	mc_sandbox_settle(sb);
	*out = sb;
	return MC_OK;
fail:
	/* refused at the limit, not by malloc: the limit is too small */
	if (sb->refusal.pending || sb->budget.ended == MC_LEND_MEMORY)
		rc = MC_ELIMIT;
	if (sb->L)
		lua_close(sb->L);
	free(sb);
	return rc;
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

void
mc_sandbox_settle(mc_sandbox *sb)
{
	lua_gc(sb->L, LUA_GCCOLLECT);
	sb->base = sb->gc_mark = sb->mem;
}

uint64_t
mc_sandbox_used(const mc_sandbox *sb)
{
	return sb->last_used;
}

uint64_t
mc_sandbox_string_asked(const mc_sandbox *sb)
{
	return sb->budget.string_len;
}

/* Sets a just-loaded function's environment to the globals' view. */
static void
set_env(lua_State *L)
{
	lua_getfield(L, LUA_REGISTRYINDEX, MC_LSAFE_ENV_KEY);
	if (!lua_setupvalue(L, -2, 1))
		lua_pop(L, 1);
}

int
mc_sandbox_load(mc_sandbox *sb, const char *text, size_t len, const char *name)
{
	int rc;

	sb->budget.ended = MC_LEND_NONE;
	sb->refusal.pending = false;
	rc = luaL_loadbufferx(sb->L, text, len, name, "t");
	if (rc == LUA_ERRMEM) {
		/* a literal longer than the sandbox's strings, the limit, or
		 * malloc */
		int why = sb->budget.ended == MC_LEND_STRING ? MC_LUA_STRING
			  : sb->budget.ended || sb->refusal.pending ? MC_LUA_MEMORY
			  : MC_LUA_NOMEM;

		sb->budget.ended = MC_LEND_NONE;
		sb->refusal.pending = false;
		return why;
	}
	if (rc != LUA_OK)
		return MC_LUA_SYNTAX;
	set_env(sb->L);
	return MC_LUA_OK;
}

/* lua_dump's writer: appends to a malloc'd buffer. */
typedef struct dumpbuf {
	char *bytes;
	size_t len, cap;
} dumpbuf;

static int
writer(lua_State *L, const void *p, size_t sz, void *ud)
{
	dumpbuf *d = ud;

	(void)L;
	if (sz == 0)
		return 0;
	if (sz > SIZE_MAX - d->len || MC_GROW(d->bytes, d->cap, d->len + sz) < 0)
		return 1;
	memcpy(d->bytes + d->len, p, sz);
	d->len += sz;
	return 0;
}

int
mc_sandbox_dump(mc_sandbox *sb, char **bytes, size_t *len)
{
	dumpbuf d = {NULL, 0, 0};

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

/*
 * Runs the function below nargs arguments (and two integers: nargs and
 * nresults) on a thread of its own, under lua_pcall on that thread, and
 * returns its results (or its error object) and the status. A fresh
 * thread's stack and call frames start small each time, so what one call
 * grew changes nothing the next is charged or allowed.
 */
static int
on_own_thread(lua_State *L)
{
	int nresults = (int)lua_tointeger(L, -1);
	int nargs = (int)lua_tointeger(L, -2);
	lua_State *co;
	int rc, n;

	lua_pop(L, 2);
	co = lua_newthread(L);
	lua_insert(L, 1);
	lua_xmove(L, co, nargs + 1);
	rc = lua_pcall(co, nargs, nresults, 0);
	n = rc == LUA_OK ? nresults : 1;
	lua_xmove(co, L, n);
	lua_pushinteger(L, rc);
	return n + 1;
}

int
mc_sandbox_call(mc_sandbox *sb, int nargs, int nresults,
		uint64_t instructions, size_t memory)
{
	lua_State *L = sb->L;
	int top = lua_gettop(L) - nargs - 1, rc;

	sb->budget.used = 0;
	sb->budget.limit = instructions;
	sb->budget.ended = MC_LEND_NONE;
	sb->budget.string_len = 0;
	sb->refusal.pending = false;
	sb->mem_limit = memory < sb->mem_cap - sb->base ? sb->base + memory
		: sb->mem_cap;
	/* every thread made for the call starts with the hook as it is set
	 * here, whatever the last call did to its own */
	lua_sethook(L, hook, HOOK_MASK, HOOK_EVERY);
	lua_pushcfunction(L, on_own_thread);
	lua_insert(L, top + 1);
	lua_pushinteger(L, nargs);
	lua_pushinteger(L, nresults);
	rc = lua_pcall(L, nargs + 3, LUA_MULTRET, 0);
	if (rc == LUA_OK) {
		rc = (int)lua_tointeger(L, -1);
		lua_pop(L, 1);
	} else if (!sb->budget.ended) {
		/* the thread could not be made */
		sb->budget.ended = MC_LEND_MEMORY;
	}
	sb->last_used = sb->budget.used;
	sb->last_end = (mc_lend)sb->budget.ended;
	if (sb->refusal.pending && !sb->last_end)
		sb->last_end = MC_LEND_MEMORY;
	sb->mem_limit = sb->mem_cap;
	sb->budget.used = 0;
	sb->budget.limit = SETUP_BUDGET;
	sb->budget.ended = MC_LEND_NONE;
	sb->refusal.pending = false;
	mc_lsafe_end_call(L);
	switch (sb->last_end) {
	case MC_LEND_BUDGET:
		rc = MC_LUA_BUDGET;
		break;
	case MC_LEND_MEMORY:
		rc = MC_LUA_MEMORY;
		break;
	case MC_LEND_STRING:
		rc = MC_LUA_STRING;
		break;
	default:
		rc = rc == LUA_OK ? MC_LUA_OK : rc == LUA_ERRMEM ? MC_LUA_MEMORY
		     : MC_LUA_ERROR;
		break;
	}
	if (rc != MC_LUA_OK && rc != MC_LUA_ERROR) {
		/* the error object is the limit's own message */
		lua_settop(L, top);
		lua_pushnil(L);
	}
	/* Garbage of earlier calls is collected whole once it has doubled
	 * the state (no rule code runs in a collection: rules cannot set
	 * finalizers). */
	if (sb->mem > 2 * sb->gc_mark + 65536) {
		lua_gc(L, LUA_GCCOLLECT);
		sb->gc_mark = sb->mem;
	}
	return rc;
}
