/*
 * luarule.c - compiling, loading and running Lua rules.
 */
#include "luarule.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luapolicy.h"
#include "luaproxy.h"

/* A message a rule returns or raises is cut to this many bytes. */
#define MAX_MESSAGE 500

struct mc_lua {
	mc_sandbox *sb;
	const mc_policy *p;
	int funcs;    /* registry: rule + 1 -> function, or why it cannot run */
	int restore;  /* registry: rule + 1 -> list of {function, n, value} */
	mc_proxy_call call;
	const mc_node *vm, *source, *target;  /* of the call under way */
};

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

/* Reports a Lua syntax error "NAME:LINE: what" at LINE of the file. */
static void
syntax_error(const mc_node *n, const char *msg, unsigned first, unsigned last,
	     unsigned col, mc_diag *diag)
{
	const char *name = n->file->name;
	size_t nl = strlen(name);
	unsigned line = first;

	if (strncmp(msg, name, nl) == 0 && msg[nl] == ':') {
		char *end;
		unsigned long l = strtoul(msg + nl + 1, &end, 10);
		if (*end == ':') {
			line = (unsigned)l;
			msg = end + 1;
			while (*msg == ' ')
				msg++;
		}
	}
	/* "near <eof>" is found past the end the engine added */
	if (line > last)
		line = last;
	if (line < first)
		line = first;
	/* the lines of a block all start at its indentation */
	mc_file_diag(diag, MC_SEVERITY_ERROR, n->file, line,
		     line == first || (n->flags & MC_NODE_BLOCK) ? col : 1,
		     "Lua: %s", msg);
}

/* Pads text with line breaks so that its first line is line `line`, with
 * `head` before it on that line and `tail` after it. */
static char *
padded(const mc_node *text, unsigned line, const char *head, const char *tail,
       size_t *len)
{
	size_t hl = strlen(head), tl = strlen(tail);
	char *chunk;

	*len = (line - 1) + hl + text->len + tl;
	chunk = malloc(*len + 1);
	if (!chunk)
		return NULL;
	memset(chunk, '\n', line - 1);
	memcpy(chunk + line - 1, head, hl);
	memcpy(chunk + line - 1 + hl, text->u.text, text->len);
	memcpy(chunk + *len - tl, tail, tl);
	chunk[*len] = '\0';
	return chunk;
}

int
mc_luarule_compile(mc_sandbox *sb, mc_policy *p, mc_rule *rule,
		   const mc_node *text, mc_diag *diag)
{
	lua_State *L = mc_sandbox_state(sb);
	unsigned line, col, last;
	size_t len;
	char *chunk = NULL, *name, *bytes = NULL;
	int rc;

	text_start(text, &line, &col);
	last = line;
	for (size_t i = 0; i < text->len; i++)
		last += text->u.text[i] == '\n';
	name = malloc(strlen(text->file->name) + 2);
	if (!name)
		return -2;
	sprintf(name, "@%s", text->file->name);
	/* The body alone first, so that errors speak of what was written
	 * (not of the function around it), on the file's lines. */
	for (int pass = 0; pass < 2; pass++) {
		free(chunk);
		chunk = pass == 0 ? padded(text, line, "", "", &len)
			: padded(text, line, "return function(vm, source, target) ",
				 "\nend", &len);
		if (!chunk) {
			free(name);
			return -2;
		}
		rc = mc_sandbox_load(sb, chunk, len, name);
		if (rc == MC_LUA_OK && pass == 0)
			lua_pop(L, 1);
		if (rc != MC_LUA_OK)
			break;
	}
	free(chunk);
	free(name);
	if (rc == MC_LUA_MEMORY)
		return -2;
	if (rc != MC_LUA_OK) {
		syntax_error(text, lua_tostring(L, -1), line, last, col, diag);
		lua_pop(L, 1);
		return -1;
	}
	rc = mc_sandbox_dump(sb, &bytes, &len);
	lua_pop(L, 1);
	if (rc != MC_LUA_OK)
		return -2;
	rule->chunk = mc_arena_memdup(&p->arena, bytes, len, 1);
	rule->chunk_len = len;
	free(bytes);
	return rule->chunk ? 0 : -2;
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

/*
 * Makes a Lua policy's function safe to call again and again: tables it
 * reaches through upvalues become read-only views, functions are made so
 * in turn, and other values are listed in `list` as {function, n, value}
 * to be put back after each call. Threads and userdata in upvalues could
 * carry state from one call to the next: refused, with the reason.
 */
static const char *
prepare(mc_sandbox *sb, int f, int list, int seen, int depth)
{
	lua_State *L = mc_sandbox_state(sb);

	if (depth > 32)
		return "its functions nest too deeply";
	lua_pushvalue(L, f);
	if (lua_rawget(L, seen) != LUA_TNIL) {
		lua_pop(L, 1);
		return NULL;
	}
	lua_pop(L, 1);
	lua_pushvalue(L, f);
	lua_pushboolean(L, 1);
	lua_rawset(L, seen);
	for (int i = 1;; i++) {
		const char *name = lua_getupvalue(L, f, i);
		const char *why = NULL;

		if (!name)
			break;
		switch (lua_type(L, -1)) {
		case LUA_TTABLE:
			/* _ENV and the views stay; freezing a view keeps it */
			mc_sandbox_freeze(sb);
			lua_setupvalue(L, f, i);
			continue;
		case LUA_TFUNCTION:
			if (!lua_iscfunction(L, -1))
				why = prepare(sb, lua_gettop(L), list, seen, depth + 1);
			break;
		case LUA_TTHREAD:
		case LUA_TUSERDATA:
		case LUA_TLIGHTUSERDATA:
			why = "it keeps a coroutine or userdata in an upvalue, which "
			      "could carry state from one evaluation to the next";
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
			lua_rawseti(L, list, (lua_Integer)lua_rawlen(L, list) + 1);
			break;
		}
		lua_pop(L, 1);
		if (why)
			return why;
	}
	return NULL;
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
		int rc;

		if (!doc->lua_chunk)
			continue;
		snprintf(name, sizeof(name), "@%s", doc->file.name);
		rc = mc_sandbox_undump(lx->sb, doc->lua_chunk, doc->lua_chunk_len, name);
		if (rc == MC_LUA_OK)
			rc = mc_sandbox_call(lx->sb, 0, 1, MC_LUA_FILE_INSTRUCTIONS,
					     p->lua_state_memory);
		if (rc != MC_LUA_OK || !lua_istable(L, -1)) {
			lua_pop(L, 1);
			lua_pushfstring(L, "the policy file %s did not build its table "
					"again", doc->file.name);
		} else if (mc_lua_functions(L) != doc->lua_nfuncs) {
			lua_pop(L, 2);
			lua_pushfstring(L, "the policy file %s built a different table "
					"when run again", doc->file.name);
		} else {
			lua_remove(L, -2);
		}
		lua_rawseti(L, docs, (lua_Integer)d + 1);
	}
}

/* Pushes the function of Lua rule r, or why it cannot run. */
static void
load_rule(mc_lua *lx, const mc_rule *r, int docs, int list)
{
	lua_State *L = mc_sandbox_state(lx->sb);
	int rc;

	if (r->chunk) {
		char name[512];

		snprintf(name, sizeof(name), "@%s", r->lua_at->file->name);
		rc = mc_sandbox_undump(lx->sb, r->chunk, r->chunk_len, name);
		if (rc == MC_LUA_OK)
			rc = mc_sandbox_call(lx->sb, 0, 1, lx->p->lua_instructions,
					     lx->p->lua_memory);
		if (rc != MC_LUA_OK || !lua_isfunction(L, -1)) {
			lua_pop(L, 1);
			lua_pushfstring(L, "rule %s could not be loaded", r->id);
		}
		return;
	}
	lua_rawgeti(L, docs, (lua_Integer)r->lua_doc + 1);
	if (!lua_istable(L, -1))
		return;  /* the reason the file could not run */
	lua_rawgeti(L, -1, (lua_Integer)r->lua_func + 1);
	lua_remove(L, -2);
	lua_newtable(L);
	const char *why = prepare(lx->sb, lua_gettop(L) - 1, list,
				  lua_gettop(L), 0);
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
	int docs, funcs, restore;

	lua_settop(L, 0);
	lua_newtable(L);
	docs = lua_gettop(L);
	lua_newtable(L);
	funcs = lua_gettop(L);
	lua_newtable(L);
	restore = lua_gettop(L);
	load_docs(lx, docs);
	for (size_t i = 0; i < p->nrules; i++) {
		const mc_rule *r = &p->rules[i];

		if (!r->lua_at)
			continue;
		lua_newtable(L);
		load_rule(lx, r, docs, lua_gettop(L));
		lua_rawseti(L, funcs, (lua_Integer)i + 1);
		if (lua_rawlen(L, -1) > 0)
			lua_rawseti(L, restore, (lua_Integer)i + 1);
		else
			lua_pop(L, 1);
	}
	lx->restore = luaL_ref(L, LUA_REGISTRYINDEX);
	lx->funcs = luaL_ref(L, LUA_REGISTRYINDEX);
	mc_luaproxy_open(L);
	return 0;
}

int
mc_lua_new(mc_lua **out, const mc_policy *p)
{
	mc_lua *lx = calloc(1, sizeof(*lx));
	lua_State *L;

	*out = NULL;
	if (!lx)
		return MC_ENOMEM;
	lx->p = p;
	lx->call.policy = p;
	lx->sb = mc_sandbox_new(p->lua_state_memory);
	if (!lx->sb) {
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

/* Appends a message from Lua, cut to MAX_MESSAGE bytes; bytes that are not
 * UTF-8 text (and NUL bytes) become U+FFFD, as the message ends up in text
 * and JSON output. */
static void
say(mc_buf *b, const char *s, size_t len)
{
	if (!b)
		return;
	if (len > MAX_MESSAGE) {
		/* cut at a character boundary */
		len = MAX_MESSAGE;
		while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;
		mc_buf_add_utf8(b, s, len);
		mc_buf_adds(b, "...");
		return;
	}
	mc_buf_add_utf8(b, s, len);
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

mc_lua_verdict
mc_lua_rule(mc_lua *lx, size_t rule, const mc_node *vm, const mc_remedy *remedy,
	    const mc_node *source, const mc_node *target, mc_buf *message)
{
	lua_State *L = mc_sandbox_state(lx->sb);
	const mc_policy *p = lx->p;
	int top = lua_gettop(L), rc, t;
	mc_lua_verdict v = MC_LUA_UNDECIDED;
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
			say(message, s, len);
		goto out;
	}
	lx->call.rule = &p->rules[rule];
	lx->call.remedy = remedy;
	lx->call.outside[0] = '\0';
	lx->vm = vm;
	lx->source = source;
	lx->target = target;
	lua_pushlightuserdata(L, lx);
	rc = mc_sandbox_call(lx->sb, 2, 2, p->lua_instructions, p->lua_memory);
	lua_rawgeti(L, LUA_REGISTRYINDEX, lx->restore);
	if (lua_rawgeti(L, -1, (lua_Integer)rule + 1) == LUA_TTABLE)
		put_back(L, lua_gettop(L));
	lua_pop(L, 2);

	if (rc == MC_LUA_BUDGET) {
		if (message)
			mc_buf_addf(message, "it ran past its budget of %llu instructions",
				    (unsigned long long)p->lua_instructions);
		goto out;
	}
	if (rc == MC_LUA_MEMORY) {
		if (message && p->lua_memory % ((size_t)1 << 20) == 0)
			mc_buf_addf(message, "it ran past its memory limit of %zu MiB",
				    p->lua_memory >> 20);
		else if (message)
			mc_buf_addf(message, "it ran past its memory limit of %zu bytes",
				    p->lua_memory);
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
			say(message, s, len);
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
		say(message, s, len);
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
