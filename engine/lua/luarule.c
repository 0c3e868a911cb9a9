/* SPDX-License-Identifier: MIT */
/*
 * luarule.c - compiling, loading and running Lua rules.
 */
#include "lua/luarule.h"

#include <lauxlib.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/budget.h"
#include "util/grow.h"
#include "lua/luapolicy.h"
#include "lua/luaproxy.h"
#include "lua/luasrc.h"

/* A message a rule returns or raises is cut to this many bytes. */
#define MAX_MESSAGE 500

/* The chunk name of a rule's text. Lua counts a chunk's lines from 1; the
 * positions "(rule):N:" in messages are turned into lines of the file. */
#define RULE_CHUNK "=(rule)"
#define RULE_MARK "(rule):"

struct mc_lua {
	mc_sandbox *sb;
	const mc_policy *p;
	mc_budget *budget;  /* the run's, or NULL */
	int funcs;    /* registry: rule + 1 -> function, or why it cannot run */
	int restore;  /* registry: rule + 1 -> list of {function, n, value} */
	mc_proxy_call call;
	const mc_node *vm, *source, *target;  /* of the call under way */
};

/* One distinct text compiled at load: its bytecode, or its syntax error
 * (the line counted from the text's first, and the message). */
struct mc_luachunk {
	const char *bytes;
	size_t len;
	unsigned err_line;
	char *err;
	const mc_node *text;  /* the first node it was compiled for */
	unsigned line, col;   /* where that node's text starts */
};

void
mc_luachunks_free(mc_luachunks *chunks)
{
	for (size_t i = 0; i < chunks->count; i++)
		free(chunks->items[i].err);
	free(chunks->items);
	mc_strmap_free(&chunks->index);
	memset(chunks, 0, sizeof(*chunks));
}

/* ------------------------------------------------------------------------
 * Compiling at load
 */

/* Where the text of a scalar starts in its file: block scalars start on
 * the line after their indicator, at their indentation. */
static void
text_start(const mc_node *n, unsigned *line, unsigned *col)
{
	*line = n->line;
	*col = n->col + ((n->flags & MC_NODE_QUOTED) ? 1 : 0);
	if (n->flags & MC_NODE_BLOCK) {
		size_t len;
		const char *l = mc_file_line(n->file, n->line + 1, &len);
		size_t indent = 0;

		*line = n->line + 1;
		while (l && indent < len && l[indent] == ' ')
			indent++;
		*col = (unsigned)indent + 1;
	}
}

/* The line a message from a rule's chunk names ("(rule):LINE: what"), and
 * what follows it in *rest; 0 when it names none. */
static unsigned
chunk_line(const char *msg, const char **rest)
{
	size_t ml = strlen(RULE_MARK);
	char *end;
	unsigned long l;

	*rest = msg;
	if (strncmp(msg, RULE_MARK, ml) != 0)
		return 0;
	l = strtoul(msg + ml, &end, 10);
	if (*end != ':' || l == 0 || l > UINT32_MAX)
		return 0;
	*rest = end + 1;
	while (**rest == ' ')
		(*rest)++;
	return (unsigned)l;
}

/* Appends msg with every "at line N" and "on line N" in it (Lua's
 * parser names other lines of the text so) counted from line `first`. */
static void
add_relined(mc_buf *b, const char *msg, unsigned first)
{
	const char *p;

	while ((p = strstr(msg, " line ")) != NULL) {
		const char *d = p + 6;
		char *end;
		unsigned long n = strtoul(d, &end, 10);
		bool named = p - msg >= 3 && (strncmp(p - 3, " at", 3) == 0 ||
					      strncmp(p - 3, " on", 3) == 0);

		if (!named || end == d || *d < '0' || *d > '9' || n > UINT32_MAX) {
			mc_buf_add(b, msg, (size_t)(d - msg));
			msg = d;
			continue;
		}
		mc_buf_add(b, msg, (size_t)(d - msg));
		mc_buf_addf(b, "%lu", n + first - 1);
		msg = end;
	}
	mc_buf_adds(b, msg);
}

/* Reports a syntax error at line `rel` (counted from 1 at the text's first
 * line) of the text at node n, which starts at `first`:`col`. */
static void
syntax_error(const mc_node *n, const char *msg, unsigned rel, unsigned first,
	     unsigned col, mc_diag *diag)
{
	unsigned last = first, line;
	mc_buf b = MC_BUF_INIT;

	for (size_t i = 0; i < n->len; i++)
		last += n->u.text[i] == '\n';
	line = rel ? first + rel - 1 : first;
	/* "near <eof>" is found past the end the engine added */
	if (line > last)
		line = last;
	add_relined(&b, msg, first);
	/* the lines of a block all start at its indentation */
	mc_file_diag(diag, MC_SEVERITY_ERROR, n->file, line,
		     line == first || (n->flags & MC_NODE_BLOCK) ? col : 1,
		     "Lua: %s", mc_buf_failed(&b) ? msg : mc_buf_str(&b));
	mc_buf_free(&b);
}

/* Compiles head, text and tail as one chunk, leaving the function (or the
 * message) on the stack. */
static int
load_text(mc_sandbox *sb, const mc_node *text, const char *head,
	  const char *tail)
{
	size_t hl = strlen(head), tl = strlen(tail), len = hl + text->len + tl;
	char *chunk = malloc(len + 1);
	int rc;

	if (!chunk)
		return MC_LUA_MEMORY;
	memcpy(chunk, head, hl);
	memcpy(chunk + hl, text->u.text, text->len);
	memcpy(chunk + hl + text->len, tail, tl);
	chunk[len] = '\0';
	rc = mc_sandbox_load(sb, chunk, len, RULE_CHUNK);
	free(chunk);
	return rc;
}

/* Compiles a text not seen before into a new item of chunks. */
static int
compile_new(mc_sandbox *sb, mc_policy *p, struct mc_luachunk *c,
	    const mc_node *text)
{
	lua_State *L = mc_sandbox_state(sb);
	const char *msg, *rest;
	char *bytes = NULL;
	size_t len;
	int rc;

	/* The head shares the text's first line, so lines count alike. */
	rc = load_text(sb, text, "return function(vm, source, target) ", "\nend");
	if (rc == MC_LUA_SYNTAX) {
		/* The body alone, so that the error speaks of what was
		 * written rather than of the function around it. */
		lua_pop(L, 1);
		rc = load_text(sb, text, "", "");
		if (rc == MC_LUA_OK) {
			lua_pop(L, 1);
			rc = load_text(sb, text, "return function(vm, source, target) ",
				       "\nend");
		}
		if (rc == MC_LUA_SYNTAX) {
			msg = lua_tostring(L, -1);
			c->err_line = chunk_line(msg ? msg : "", &rest);
			c->err = strdup(msg ? rest : "the text does not compile");
			lua_pop(L, 1);
			return c->err ? MC_LUA_SYNTAX : MC_LUA_MEMORY;
		}
	}
	if (rc == MC_LUA_STRING) {
		unsigned line = 1, col = 1;
		char why[160];

		mc_lsrc_long_literal(text->u.text, text->len, p->lua_string_cap,
				     &line, &col);
		snprintf(why, sizeof(why), "a string of %llu bytes, longer than the "
			 "%zu bytes a Lua string may have (--limit lua-string)",
			 (unsigned long long)mc_sandbox_string_asked(sb),
			 p->lua_string_cap);
		c->err_line = line;
		c->err = strdup(why);
		return c->err ? MC_LUA_SYNTAX : MC_LUA_MEMORY;
	}
	if (rc != MC_LUA_OK)
		return MC_LUA_MEMORY;
	rc = mc_sandbox_dump(sb, &bytes, &len);
	lua_pop(L, 1);
	if (rc != MC_LUA_OK)
		return MC_LUA_MEMORY;
	c->bytes = mc_arena_memdup(&p->arena, bytes, len, 1);
	c->len = len;
	free(bytes);
	return c->bytes ? MC_LUA_OK : MC_LUA_MEMORY;
}

int
mc_luarule_compile(mc_sandbox *sb, mc_luachunks *chunks, mc_policy *p,
		   mc_rule *rule, const mc_node *text, mc_diag *diag)
{
	struct mc_luachunk *c;
	unsigned line, col;
	size_t i;
	int rc;

	if (!mc_strmap_get(&chunks->index, text->u.text, text->len, &i)) {
		if (MC_GROW(chunks->items, chunks->cap, chunks->count + 1) < 0)
			return -2;
		i = chunks->count;
		c = &chunks->items[i];
		memset(c, 0, sizeof(*c));
		c->text = text;
		text_start(text, &c->line, &c->col);
		rc = compile_new(sb, p, c, text);
		if (rc == MC_LUA_MEMORY) {
			free(c->err);
			return -2;
		}
		chunks->count++;
		if (mc_strmap_put(&chunks->index, text->u.text, text->len, i, NULL) < 0)
			return -2;
	} else {
		c = &chunks->items[i];
		/* An alias shares the text it names, which is written where the
		 * anchor is: its lines are those, and its error is reported. */
		if (c->text->u.text == text->u.text) {
			rule->lua_line = c->line;
			if (c->err)
				return -1;
			rule->chunk = c->bytes;
			rule->chunk_len = c->len;
			return 0;
		}
	}
	text_start(text, &line, &col);
	rule->lua_line = line;
	if (c->err) {
		syntax_error(text, c->err, c->err_line, line, col, diag);
		return -1;
	}
	rule->chunk = c->bytes;
	rule->chunk_len = c->len;
	return 0;
}

/* ------------------------------------------------------------------------
 * The functions of a Lua policy's table, in a fixed order
 */

typedef struct key {
	int type;           /* LUA_TNUMBER or LUA_TSTRING */
	lua_Number num;
	const char *str;
	size_t len;
} key;

static int
key_cmp(const void *a, const void *b)
{
	const key *x = a, *y = b;

	if (x->type != y->type)
		return x->type == LUA_TNUMBER ? -1 : 1;
	if (x->type == LUA_TNUMBER)
		return (x->num > y->num) - (x->num < y->num);
	int c = memcmp(x->str, y->str, x->len < y->len ? x->len : y->len);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Appends the functions of table t (depth first, keys sorted) to list
 * `out`; `seen` guards against cycles. */
static void
walk(lua_State *L, int t, int out, int seen, size_t *n, int depth)
{
	key *keys = NULL;
	size_t nkeys = 0, cap = 0;

	if (depth > 64)
		return;
	luaL_checkstack(L, 4, NULL);
	lua_pushvalue(L, t);
	if (lua_rawget(L, seen) != LUA_TNIL) {
		lua_pop(L, 1);
		return;
	}
	lua_pop(L, 1);
	lua_pushvalue(L, t);
	lua_pushboolean(L, 1);
	lua_rawset(L, seen);
	/* The keys live in a userdata on the stack, not in a malloc'd block:
	 * any Lua call below may raise a memory error, and the collector then
	 * frees them. */
	lua_pushnil(L);
	while (lua_next(L, t)) {
		int kt = lua_type(L, -2);
		lua_pop(L, 1);
		if (kt == LUA_TNUMBER || kt == LUA_TSTRING)
			cap++;
	}
	if (!cap)
		return;
	keys = lua_newuserdatauv(L, cap * sizeof(*keys), 0);
	lua_pushnil(L);
	while (lua_next(L, t)) {
		int kt = lua_type(L, -2);
		lua_pop(L, 1);
		if ((kt != LUA_TNUMBER && kt != LUA_TSTRING) || nkeys == cap)
			continue;
		keys[nkeys].type = kt;
		if (kt == LUA_TNUMBER)
			keys[nkeys].num = lua_tonumber(L, -1);
		else
			keys[nkeys].str = lua_tolstring(L, -1, &keys[nkeys].len);
		nkeys++;
	}
	if (nkeys > 1)
		qsort(keys, nkeys, sizeof(*keys), key_cmp);
	for (size_t i = 0; i < nkeys; i++) {
		if (keys[i].type == LUA_TNUMBER)
			lua_pushnumber(L, keys[i].num);
		else
			lua_pushlstring(L, keys[i].str, keys[i].len);
		lua_rawget(L, t);
		if (lua_type(L, -1) == LUA_TFUNCTION) {
			lua_rawseti(L, out, (lua_Integer)++*n);
		} else if (lua_type(L, -1) == LUA_TTABLE) {
			walk(L, lua_gettop(L), out, seen, n, depth + 1);
			lua_pop(L, 1);
		} else {
			lua_pop(L, 1);
		}
	}
	lua_pop(L, 1);  /* the keys */
}

size_t
mc_lua_functions(lua_State *L)
{
	int t = lua_gettop(L);
	size_t n = 0;

	lua_newtable(L);
	lua_newtable(L);
	walk(L, t, t + 1, t + 2, &n, 0);
	lua_pop(L, 1);
	return n;
}

/* ------------------------------------------------------------------------
 * Loading rules into an evaluator
 */

/* What walking a Lua policy's function passes along. */
typedef struct prep {
	mc_sandbox *sb;
	int list;   /* stack index: {function, n, value} to put back */
	int seen;   /* stack index: tables and functions walked */
} prep;

static const char *prepare(prep *w, int idx, int depth);

/* A Lua function: its tables become views, its functions are walked, its
 * other values are listed to be put back after every call. */
static const char *
prepare_lua(prep *w, int f, int depth)
{
	lua_State *L = mc_sandbox_state(w->sb);
	const char *why = NULL;

	for (int i = 1; !why && lua_getupvalue(L, f, i); i++) {
		switch (lua_type(L, -1)) {
		case LUA_TTABLE:
			why = prepare(w, lua_gettop(L), depth + 1);
			if (!why) {
				mc_sandbox_freeze(w->sb);
				lua_setupvalue(L, f, i);
				continue;
			}
			break;
		case LUA_TFUNCTION:
		case LUA_TTHREAD:
		case LUA_TUSERDATA:
		case LUA_TLIGHTUSERDATA:
			why = prepare(w, lua_gettop(L), depth + 1);
			break;
		default:
			/* {f, i, value}: put back after every call */
			lua_createtable(L, 3, 0);
			lua_pushvalue(L, f);
			lua_rawseti(L, -2, 1);
			lua_pushinteger(L, i);
			lua_rawseti(L, -2, 2);
			lua_pushvalue(L, -2);
			lua_rawseti(L, -2, 3);
			lua_rawseti(L, w->list, (lua_Integer)lua_rawlen(L, w->list) + 1);
			break;
		}
		lua_pop(L, 1);
	}
	return why;
}

/* A C function: the sandbox's own hold functions and the tables of
 * views, which only read. Anything else a C closure holds (a coroutine, a
 * userdata, a position) is its state, which no call may change for the
 * next: an iterator or a wrapped coroutine made by the file is refused. */
static const char *
prepare_c(prep *w, int f, int depth)
{
	lua_State *L = mc_sandbox_state(w->sb);
	const char *why = NULL;

	for (int i = 1; !why && lua_getupvalue(L, f, i); i++) {
		int t = lua_type(L, -1);

		if (t == LUA_TFUNCTION)
			why = prepare(w, lua_gettop(L), depth + 1);
		else if (t != LUA_TTABLE)
			why = t == LUA_TTHREAD || t == LUA_TUSERDATA || t == LUA_TLIGHTUSERDATA
			      ? "it reaches a coroutine or userdata, which could carry "
				"state from one evaluation to the next"
			      : "it reaches an iterator or another built-in function "
				"that keeps state";
		lua_pop(L, 1);
	}
	return why;
}

/* A table: everything it holds (keys, values, its metatable) is walked,
 * then its view is made, so that every view a rule can meet exists before
 * the first call. */
static const char *
prepare_table(prep *w, int t, int depth)
{
	lua_State *L = mc_sandbox_state(w->sb);
	const char *why = NULL;

	lua_pushnil(L);
	while (!why && lua_next(L, t)) {
		why = prepare(w, lua_gettop(L) - 1, depth + 1);
		if (!why)
			why = prepare(w, lua_gettop(L), depth + 1);
		lua_pop(L, 1);
	}
	if (why) {
		lua_pop(L, 1);  /* the key lua_next left */
		return why;
	}
	if (lua_getmetatable(L, t)) {
		why = prepare(w, lua_gettop(L), depth + 1);
		lua_pop(L, 1);
	}
	if (!why) {
		lua_pushvalue(L, t);
		mc_sandbox_freeze(w->sb);
		lua_pop(L, 1);
	}
	return why;
}

/*
 * Makes what the value at idx reaches safe to call again and again (see
 * luarule.h); returns why it cannot be, or NULL.
 */
static const char *
prepare(prep *w, int idx, int depth)
{
	lua_State *L = mc_sandbox_state(w->sb);
	int type = lua_type(L, idx);

	if (type == LUA_TTHREAD || type == LUA_TUSERDATA || type == LUA_TLIGHTUSERDATA)
		return "it reaches a coroutine or userdata, which could carry "
		       "state from one evaluation to the next";
	if (type != LUA_TTABLE && type != LUA_TFUNCTION)
		return NULL;
	if (depth > 64)
		return "what it reaches nests too deeply";
	luaL_checkstack(L, 8, NULL);
	if (type == LUA_TTABLE && mc_sandbox_is_view(w->sb, idx))
		return NULL;
	lua_pushvalue(L, idx);
	if (lua_rawget(L, w->seen) != LUA_TNIL) {
		lua_pop(L, 1);
		return NULL;
	}
	lua_pop(L, 1);
	lua_pushvalue(L, idx);
	lua_pushboolean(L, 1);
	lua_rawset(L, w->seen);
	if (type == LUA_TTABLE)
		return prepare_table(w, lua_absindex(L, idx), depth);
	if (lua_iscfunction(L, idx))
		return prepare_c(w, lua_absindex(L, idx), depth);
	return prepare_lua(w, lua_absindex(L, idx), depth);
}

/* Takes what a call may spend from the run's budget: all it asks for, or
 * what is left. */
static uint64_t
take(mc_lua *lx, uint64_t want)
{
	return lx->budget ? mc_budget_take_lua(lx->budget, want) : want;
}

/* Gives back what a call was granted and did not use. */
static void
give_back(mc_lua *lx, uint64_t granted)
{
	uint64_t used = mc_sandbox_used(lx->sb);

	if (lx->budget && used < granted)
		mc_budget_give_lua(lx->budget, granted - used);
}

/* Runs each Lua policy file of the chain again and keeps the list of its
 * functions in table `docs` (index: document + 1), or the reason it could
 * not. */
static void
load_docs(mc_lua *lx, int docs)
{
	lua_State *L = mc_sandbox_state(lx->sb);
	const mc_policy *p = lx->p;

	for (size_t d = 0; d < p->ndocs; d++) {
		const mc_doc *doc = p->docs[d];
		char name[512];
		uint64_t granted;
		int rc;

		const mc_luadoc *ld = mc_luadoc_of(doc);

		if (!ld)
			continue;
		snprintf(name, sizeof(name), "@%s", doc->file.name);
		granted = take(lx, MC_LUA_FILE_INSTRUCTIONS);
		rc = mc_sandbox_undump(lx->sb, ld->chunk, ld->chunk_len, name);
		if (rc == MC_LUA_OK)
			rc = mc_sandbox_call(lx->sb, 0, 1, granted, p->lua_state_memory);
		give_back(lx, granted);
		if (granted < MC_LUA_FILE_INSTRUCTIONS && rc == MC_LUA_BUDGET) {
			lua_pop(L, 1);
			lua_pushfstring(L, "the run's budget of %I Lua instructions was "
					"spent before the policy file %s could run again "
					"(raise it with --limit lua-run=N)",
					(LUAI_UACINT)mc_budget_lua_limit(lx->budget),
					doc->file.name);
		} else if (rc != MC_LUA_OK || !lua_istable(L, -1)) {
			lua_pop(L, 1);
			lua_pushfstring(L, "the policy file %s did not build its table "
					"again", doc->file.name);
		} else if (mc_lua_functions(L) != ld->nfuncs) {
			lua_pop(L, 2);
			lua_pushfstring(L, "the policy file %s built a different table "
					"when run again", doc->file.name);
		} else {
			lua_remove(L, -2);
		}
		lua_rawseti(L, docs, (lua_Integer)d + 1);
	}
}

/* Pushes the function of Lua rule r, or why it cannot run. A text's
 * function is made once for every rule that has the same text (`texts`
 * maps its bytecode to it): it reaches nothing but the globals. */
static void
load_rule(mc_lua *lx, const mc_rule *r, int docs, int texts, int list)
{
	lua_State *L = mc_sandbox_state(lx->sb);
	int rc;

	if (r->chunk) {
		lua_pushlightuserdata(L, (void *)(uintptr_t)r->chunk);
		if (lua_rawget(L, texts) != LUA_TNIL)
			return;
		lua_pop(L, 1);
		rc = mc_sandbox_undump(lx->sb, r->chunk, r->chunk_len, RULE_CHUNK);
		if (rc == MC_LUA_OK)
			rc = mc_sandbox_call(lx->sb, 0, 1, lx->p->lua_instructions,
					     lx->p->lua_memory);
		if (rc != MC_LUA_OK || !lua_isfunction(L, -1)) {
			lua_pop(L, 1);
			lua_pushfstring(L, "rule %s could not be loaded", r->id);
			return;
		}
		lua_pushlightuserdata(L, (void *)(uintptr_t)r->chunk);
		lua_pushvalue(L, -2);
		lua_rawset(L, texts);
		return;
	}
	lua_rawgeti(L, docs, (lua_Integer)r->lua_doc + 1);
	if (!lua_istable(L, -1))
		return;  /* the reason the file could not run */
	lua_rawgeti(L, -1, (lua_Integer)r->lua_func + 1);
	lua_remove(L, -2);
	lua_newtable(L);
	prep w = {lx->sb, list, lua_gettop(L)};
	const char *why = prepare(&w, lua_gettop(L) - 1, 0);
	lua_pop(L, 1);
	if (why) {
		lua_pop(L, 1);
		lua_pushfstring(L, "rule %s cannot run: %s", r->id, why);
	}
}

/* Loads everything under lua_pcall: memory may run out anywhere. */
static int
load_all(lua_State *L)
{
	mc_lua *lx = lua_touserdata(L, 1);
	const mc_policy *p = lx->p;
	int docs, funcs, restore, texts;

	lua_settop(L, 0);
	lua_newtable(L);
	docs = lua_gettop(L);
	lua_newtable(L);
	funcs = lua_gettop(L);
	lua_newtable(L);
	restore = lua_gettop(L);
	lua_newtable(L);
	texts = lua_gettop(L);
	load_docs(lx, docs);
	for (size_t i = 0; i < p->nrules; i++) {
		const mc_rule *r = &p->rules[i];

		if (!r->lua_at)
			continue;
		lua_newtable(L);
		load_rule(lx, r, docs, texts, lua_gettop(L));
		lua_rawseti(L, funcs, (lua_Integer)i + 1);
		if (lua_rawlen(L, -1) > 0)
			lua_rawseti(L, restore, (lua_Integer)i + 1);
		else
			lua_pop(L, 1);
	}
	lua_settop(L, restore);
	lx->restore = luaL_ref(L, LUA_REGISTRYINDEX);
	lx->funcs = luaL_ref(L, LUA_REGISTRYINDEX);
	mc_luaproxy_open(L);
	return 0;
}

int
mc_lua_new(mc_lua **out, const mc_policy *p, mc_budget *budget)
{
	mc_lua *lx = calloc(1, sizeof(*lx));
	lua_State *L;

	*out = NULL;
	if (!lx)
		return MC_ENOMEM;
	lx->p = p;
	lx->budget = budget;
	lx->call.policy = p;
	if (mc_sandbox_new(&lx->sb, p->lua_state_memory, p->lua_string_cap)) {
		free(lx);
		return MC_ENOMEM;
	}
	L = mc_sandbox_state(lx->sb);
	lua_pushcfunction(L, load_all);
	lua_pushlightuserdata(L, lx);
	if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
		mc_lua_free(lx);
		return MC_ENOMEM;
	}
	/* What the rules hold is in place: every call counts from here. */
	mc_sandbox_settle(lx->sb);
	*out = lx;
	return MC_OK;
}

void
mc_lua_free(mc_lua *lx)
{
	if (!lx)
		return;
	mc_sandbox_free(lx->sb);
	free(lx);
}

/* Puts back the upvalues a Lua policy's rule function may have changed. */
static void
put_back(lua_State *L, int list)
{
	lua_Integer n = (lua_Integer)lua_rawlen(L, list);

	for (lua_Integer i = 1; i <= n; i++) {
		int up;

		lua_rawgeti(L, list, i);           /* {function, n, value} */
		lua_rawgeti(L, -1, 2);
		up = (int)lua_tointeger(L, -1);
		lua_pop(L, 1);
		lua_rawgeti(L, -1, 1);
		lua_rawgeti(L, -2, 3);
		lua_setupvalue(L, -2, up);         /* pops the value */
		lua_pop(L, 2);
	}
}

/*
 * Appends a message from Lua, cut to MAX_MESSAGE bytes, with each position
 * in rule r's text ("(rule):N:") made a position in its file. Bytes that
 * are not UTF-8 text (and NUL bytes) become U+FFFD, as the message ends up
 * in text and JSON output.
 */
static const char *
find_mark(const char *s, const char *end)
{
	size_t ml = strlen(RULE_MARK);

	while ((s = memchr(s, RULE_MARK[0], (size_t)(end - s))) != NULL) {
		if ((size_t)(end - s) >= ml && memcmp(s, RULE_MARK, ml) == 0)
			return s;
		s++;
	}
	return NULL;
}

static void
say(mc_buf *b, const mc_rule *r, const char *s, size_t len)
{
	size_t ml = strlen(RULE_MARK), start = b ? b->len : 0;
	const char *end = s + len, *m;

	if (!b)
		return;
	while ((m = find_mark(s, end)) != NULL) {
		const char *d = m + ml, *e = d;
		unsigned long line = 0;

		while (e < end && *e >= '0' && *e <= '9' && line < UINT32_MAX)
			line = line * 10 + (unsigned long)(*e++ - '0');
		mc_buf_add_utf8(b, s, (size_t)(m - s));
		if (e > d && e < end && *e == ':' && r && r->lua_at) {
			mc_buf_addf(b, "%s:%lu", r->lua_at->file->name,
				    line + r->lua_line - 1);
			s = e;
		} else {
			mc_buf_add_utf8(b, m, ml);
			s = d;
		}
		if (b->len - start > MAX_MESSAGE)
			break;
	}
	mc_buf_add_utf8(b, s, (size_t)(end - s));
	if (!mc_buf_failed(b) && b->len - start > MAX_MESSAGE) {
		/* cut at a character boundary */
		size_t cut = start + MAX_MESSAGE;
		while (cut > start && ((unsigned char)b->data[cut] & 0xC0) == 0x80)
			cut--;
		b->len = cut;
		b->data[cut] = '\0';
		mc_buf_adds(b, "...");
	}
}

/* Runs the rule function below it on views of the call's records: the
 * views are made here, inside the protected call, as making them may run
 * out of memory. */
static int
trampoline(lua_State *L)
{
	mc_lua *lx = lua_touserdata(L, 2);

	lua_settop(L, 1);
	mc_luaproxy_push(L, &lx->call, lx->vm, MC_SCOPE_VM);
	mc_luaproxy_push(L, &lx->call, lx->source, MC_SCOPE_SOURCE);
	mc_luaproxy_push(L, &lx->call, lx->target, MC_SCOPE_TARGET);
	lua_call(L, 3, 2);
	return 2;
}

/* Says which limit ended a call: rc is what the call returned, granted
 * what it was allowed of the instructions it wanted. */
static void
say_limit(mc_lua *lx, int rc, uint64_t granted, mc_buf *message)
{
	const mc_policy *p = lx->p;

	if (!message)
		return;
	if (rc == MC_LUA_BUDGET && granted < p->lua_instructions) {
		mc_buf_addf(message, "the run's budget of %llu Lua instructions is "
			    "spent (raise it with --limit lua-run=N)",
			    (unsigned long long)mc_budget_lua_limit(lx->budget));
	} else if (rc == MC_LUA_BUDGET) {
		mc_buf_addf(message, "it ran past its budget of %llu instructions "
			    "(the policy's limits: lua_instructions, at most "
			    "--limit lua-instructions)",
			    (unsigned long long)p->lua_instructions);
	} else if (rc == MC_LUA_MEMORY) {
		if (p->lua_memory % ((size_t)1 << 20) == 0)
			mc_buf_addf(message, "it ran past its memory limit of %zu MiB",
				    p->lua_memory >> 20);
		else
			mc_buf_addf(message, "it ran past its memory limit of %zu bytes",
				    p->lua_memory);
		mc_buf_adds(message, " (the policy's limits: lua_memory_mb, at most "
			    "--limit lua-memory)");
	} else {
		mc_buf_addf(message, "it needed a string of %llu bytes, longer than "
			    "the %zu bytes a Lua string may have (--limit lua-string)",
			    (unsigned long long)mc_sandbox_string_asked(lx->sb),
			    p->lua_string_cap);
	}
}

mc_lua_verdict
mc_lua_rule(mc_lua *lx, size_t rule, const mc_node *vm, const mc_remedy *remedy,
	    const mc_node *source, const mc_node *target, mc_buf *message)
{
	lua_State *L = mc_sandbox_state(lx->sb);
	const mc_policy *p = lx->p;
	const mc_rule *r = &p->rules[rule];
	int top = lua_gettop(L), rc, t;
	mc_lua_verdict v = MC_LUA_UNDECIDED;
	uint64_t granted;
	const char *s;
	size_t len;

	if (!lua_checkstack(L, 8)) {
		if (message)
			mc_buf_adds(message, "there was no memory to call it");
		return v;
	}
	lua_rawgeti(L, LUA_REGISTRYINDEX, lx->funcs);
	lua_pushcfunction(L, trampoline);
	lua_rawgeti(L, -2, (lua_Integer)rule + 1);
	if (!lua_isfunction(L, -1)) {
		s = lua_tolstring(L, -1, &len);
		if (s)
			say(message, r, s, len);
		goto out;
	}
	if (!(granted = take(lx, p->lua_instructions))) {
		say_limit(lx, MC_LUA_BUDGET, 0, message);
		goto out;
	}
	lx->call.rule = r;
	lx->call.remedy = remedy;
	lx->call.outside[0] = '\0';
	lx->vm = vm;
	lx->source = source;
	lx->target = target;
	lua_pushlightuserdata(L, lx);
	rc = mc_sandbox_call(lx->sb, 2, 2, granted, p->lua_memory);
	give_back(lx, granted);
	lua_rawgeti(L, LUA_REGISTRYINDEX, lx->restore);
	if (lua_rawgeti(L, -1, (lua_Integer)rule + 1) == LUA_TTABLE)
		put_back(L, lua_gettop(L));
	lua_pop(L, 2);

	if (rc == MC_LUA_BUDGET || rc == MC_LUA_MEMORY || rc == MC_LUA_STRING) {
		say_limit(lx, rc, granted, message);
		goto out;
	}
	if (lx->call.outside[0]) {
		if (message)
			mc_buf_addf(message, "it read %s, which its 'uses' does not list",
				    lx->call.outside);
		goto out;
	}
	if (rc != MC_LUA_OK) {
		t = lua_type(L, -1);
		if (t == LUA_TSTRING || t == LUA_TNUMBER) {
			s = lua_tolstring(L, -1, &len);
			say(message, r, s, len);
		} else if (message) {
			mc_buf_addf(message, "it raised an error that is a %s, not a message",
				    lua_typename(L, t));
		}
		goto out;
	}
	t = lua_type(L, -2);
	if (t != LUA_TBOOLEAN) {
		if (message)
			mc_buf_addf(message, "it returned %s%s where true or false was "
				    "expected", t == LUA_TNIL ? "nothing" : "a ",
				    t == LUA_TNIL ? "" : lua_typename(L, t));
		goto out;
	}
	if (lua_toboolean(L, -2)) {
		v = MC_LUA_HELD;
		goto out;
	}
	t = lua_type(L, -1);
	if (t == LUA_TSTRING || t == LUA_TNUMBER) {
		s = lua_tolstring(L, -1, &len);
		say(message, r, s, len);
	} else if (t != LUA_TNIL) {
		if (message)
			mc_buf_addf(message, "it returned false with a %s where a message "
				    "was expected", lua_typename(L, t));
		goto out;
	}
	v = MC_LUA_FAILED;
out:
	lua_settop(L, top);
	return v;
}
