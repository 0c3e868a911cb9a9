/* SPDX-License-Identifier: MIT */
/*
 * luapolicy.c - running a Lua policy file and turning its table into nodes.
 */
#include "lua/luapolicy.h"

#include <lauxlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua/luarule.h"
#include "lua/luasrc.h"
#include "policy/policy.h"

/* Strings longer than this are converted once, however often they are
 * held (shorter ones are Lua's interned strings, cheap to copy). */
#define SHARED_STRING 40

typedef struct conv {
	lua_State *L;
	mc_doc *doc;
	mc_luadoc *ld;  /* the document's Lua part */
	const mc_limits *lim;
	const mc_lsrc *src;
	mc_diag *diag;
	int funcs;      /* stack index: function -> its number */
	int seen;       /* stack index: table -> true while converted, then
	                   its node (light userdata) */
	size_t nodes;
	uint64_t shared_nodes;  /* values reached again through shared tables */
	int status;
} conv;

/* A place in the file. */
typedef struct place {
	uint32_t line, col;
	bool block;     /* a long string that starts on the next line */
} place;

/* True when a policy file is to be read as Lua (its name ends in ".lua"). */
static bool
is_lua_file(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && strcmp(name + n - 4, ".lua") == 0;
}

static void cerr(conv *c, place at, const char *fmt, ...) MC_PRINTF(3, 4);

static void
cerr(conv *c, place at, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mc_file_diag(c->diag, MC_SEVERITY_ERROR, &c->doc->file, at.line, at.col,
		     "%s", msg);
	if (!c->status)
		c->status = MC_EINPUT;
}

static mc_node *
mknode(conv *c, mc_node_kind kind, place at)
{
	mc_node *n;

	if (++c->nodes > c->lim->max_nodes) {
		cerr(c, at, "the policy's table holds more than %zu values "
		     MC_LIMIT_HINT("nodes"), c->lim->max_nodes);
		return NULL;
	}
	n = mc_arena_calloc(&c->doc->arena, 1, sizeof(*n));
	if (!n) {
		c->status = MC_ENOMEM;
		return NULL;
	}
	n->kind = (uint8_t)kind;
	n->line = at.line;
	n->col = at.col;
	n->file = &c->doc->file;
	n->weight = 1;
	if (at.block)
		n->flags |= MC_NODE_BLOCK;
	return n;
}

static place
entry_key_place(const mc_lsrc_entry *e, place fallback)
{
	place p = {e ? e->line : fallback.line, e ? e->col : fallback.col, false};

	return p;
}

/* Where an entry's value is; a long string opening a line ("[[" and a
 * line break) holds text from the next line on. */
static place
entry_value_place(const conv *c, const mc_lsrc_entry *e, place fallback)
{
	place p = fallback;

	if (!e)
		return p;
	p.line = e->value_line;
	p.col = e->value_col;
	p.block = false;
	if (e->value_kind == MC_LSRC_VALUE_STRING) {
		const char *s = c->doc->file.data + e->value_off;
		const char *end = c->doc->file.data + c->doc->file.len;
		if (s < end && *s == '[') {
			s++;
			while (s < end && *s == '=')
				s++;
			if (s + 1 < end && *s == '[' && (s[1] == '\n' || s[1] == '\r'))
				p.block = true;
		}
	}
	return p;
}

static const mc_node *convert(conv *c, int idx, const mc_lsrc_table *t,
			      place at, size_t depth);

/* The nesting a table may have: max_depth, at most MC_MAX_DEPTH as for
 * YAML (the conversion recurses once a level). */
static size_t
max_depth(const conv *c)
{
	return c->lim->max_depth < MC_MAX_DEPTH ? c->lim->max_depth : MC_MAX_DEPTH;
}

/* Whether the len bytes at s are UTF-8 text, as YAML input must be; if
 * not, says so about the string or key at `at`. */
static bool
utf8_ok(conv *c, place at, const char *what, const char *s, size_t len)
{
	size_t ok = mc_utf8_valid_prefix(s, len);

	if (ok == len)
		return true;
	cerr(c, at, "a %s is not valid UTF-8 (byte 0x%02X at offset %zu)", what,
	     (unsigned)(unsigned char)s[ok], ok);
	return false;
}

/* A scalar value at idx. */
static const mc_node *
scalar(conv *c, int idx, place at)
{
	lua_State *L = c->L;
	mc_node *n;
	char num[64];
	const char *s = NULL;
	size_t len = 0;

	switch (lua_type(L, idx)) {
	case LUA_TBOOLEAN:
		if (!(n = mknode(c, MC_NODE_SCALAR, at)))
			return NULL;
		n->type = MC_SCALAR_BOOL;
		n->num = lua_toboolean(L, idx);
		n->u.text = n->num ? "true" : "false";
		n->len = strlen(n->u.text);
		return n;
	case LUA_TNUMBER:
		if (!(n = mknode(c, MC_NODE_SCALAR, at)))
			return NULL;
		if (lua_isinteger(L, idx)) {
			n->type = MC_SCALAR_INT;
			n->num = (int64_t)lua_tointeger(L, idx);
			len = (size_t)snprintf(num, sizeof(num), "%lld", (long long)n->num);
		} else {
			/* numbers with a fraction are text, as in YAML */
			n->type = MC_SCALAR_STR;
			len = (size_t)snprintf(num, sizeof(num), "%.14g",
					       (double)lua_tonumber(L, idx));
		}
		n->u.text = mc_arena_strndup(&c->doc->arena, num, len);
		n->len = len;
		if (!n->u.text)
			c->status = MC_ENOMEM;
		return n->u.text ? n : NULL;
	case LUA_TSTRING:
		s = lua_tolstring(L, idx, &len);
		/* A long string is one object however often a table holds it:
		 * checked and copied once (keyed by its bytes' address, which
		 * is the string's while the table holds it). */
		if (len > SHARED_STRING) {
			if (lua_rawgetp(L, c->seen, s) == LUA_TLIGHTUSERDATA) {
				const char *text = lua_touserdata(L, -1);

				lua_pop(L, 1);
				if (!(n = mknode(c, MC_NODE_SCALAR, at)))
					return NULL;
				n->type = MC_SCALAR_STR;
				n->u.text = text;
				n->len = len;
				return n;
			}
			lua_pop(L, 1);
		}
		if (len > c->lim->max_scalar_bytes) {
			char size[32];

			cerr(c, at, "a string longer than %s " MC_LIMIT_HINT("scalar-size"),
			     mc_size_text(size, sizeof(size), c->lim->max_scalar_bytes));
			return NULL;
		}
		if (memchr(s, '\0', len)) {
			cerr(c, at, "a string contains a NUL byte");
			return NULL;
		}
		if (!utf8_ok(c, at, "string", s, len))
			return NULL;
		if (!(n = mknode(c, MC_NODE_SCALAR, at)))
			return NULL;
		n->type = MC_SCALAR_STR;
		n->u.text = mc_arena_strndup(&c->doc->arena, s, len);
		n->len = len;
		if (!n->u.text) {
			c->status = MC_ENOMEM;
			return NULL;
		}
		if (len > SHARED_STRING) {
			lua_pushlightuserdata(L, (void *)(uintptr_t)n->u.text);
			lua_rawsetp(L, c->seen, s);
		}
		return n;
	case LUA_TFUNCTION:
		if (!(n = mknode(c, MC_NODE_SCALAR, at)))
			return NULL;
		n->type = MC_SCALAR_FUNC;
		lua_pushvalue(L, idx);
		lua_rawget(L, c->funcs);
		n->num = (int64_t)lua_tointeger(L, -1) - 1;
		lua_pop(L, 1);
		n->u.text = "function";
		n->len = 8;
		return n;
	default:
		cerr(c, at, "a policy holds tables, strings, numbers, booleans and "
		     "functions, not a %s", luaL_typename(L, idx));
		return NULL;
	}
}

typedef struct key {
	const char *s;
	size_t len;
	const mc_lsrc_entry *e;  /* where it is written, or NULL */
} key;

/* Keys in the order they are written; keys not found in the source after
 * them, sorted. */
static int
key_order(const void *a, const void *b)
{
	const key *x = a, *y = b;

	if (x->e && y->e) {
		if (x->e->line != y->e->line)
			return x->e->line < y->e->line ? -1 : 1;
		return (x->e->col > y->e->col) - (x->e->col < y->e->col);
	}
	if (x->e || y->e)
		return x->e ? -1 : 1;
	int r = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
	return r ? r : (x->len > y->len) - (x->len < y->len);
}

/* A table as a list (keys 1..n) or a mapping (string keys). */
static const mc_node *
table_body(conv *c, int idx, const mc_lsrc_table *t, place at, size_t depth)
{
	lua_State *L = c->L;
	size_t n = lua_rawlen(L, idx), count = 0, nstr = 0;
	bool other = false;
	mc_node *node;

	if (depth >= max_depth(c)) {
		cerr(c, at, "tables nested deeper than %zu levels "
		     MC_LIMIT_HINT("depth"), max_depth(c));
		return NULL;
	}
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		count++;
		if (lua_type(L, -1) == LUA_TSTRING)
			nstr++;
		else if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 ||
			 (size_t)lua_tointeger(L, -1) > n)
			other = true;
	}
	if (other || (nstr && nstr != count)) {
		cerr(c, at, "a table is a list (keys 1, 2, 3...) or has names as "
		     "keys, not both and nothing else");
		return NULL;
	}
	if (count && !nstr) {
		const mc_node **items;

		if (!(node = mknode(c, MC_NODE_SEQ, at)))
			return NULL;
		items = mc_arena_calloc(&c->doc->arena, n, sizeof(*items));
		if (!items) {
			c->status = MC_ENOMEM;
			return NULL;
		}
		for (size_t i = 0; i < n; i++) {
			const mc_lsrc_entry *e = mc_lsrc_item(t, i + 1);
			lua_rawgeti(L, idx, (lua_Integer)i + 1);
			items[i] = convert(c, lua_gettop(L), mc_lsrc_value_table(c->src, e),
					   entry_value_place(c, e, at), depth + 1);
			lua_pop(L, 1);
			if (!items[i])
				return NULL;
			node->weight += items[i]->weight;
			if (items[i]->height >= node->height)
				node->height = items[i]->height + 1;
		}
		node->u.items = items;
		node->len = n;
		return node;
	}

	key *keys = calloc(count ? count : 1, sizeof(*keys));
	mc_pair *pairs = mc_arena_calloc(&c->doc->arena, count ? count : 1,
					 sizeof(*pairs));
	size_t k = 0;

	if (!keys || !pairs || !(node = mknode(c, MC_NODE_MAP, at))) {
		if (!keys || !pairs)
			c->status = MC_ENOMEM;
		free(keys);
		return NULL;
	}
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		keys[k].s = lua_tolstring(L, -1, &keys[k].len);
		keys[k].e = mc_lsrc_get(t, keys[k].s, keys[k].len);
		k++;
	}
	qsort(keys, count, sizeof(*keys), key_order);
	/* Lua keeps the last of two entries with one key; in YAML a duplicate
	 * key is an error, and so it is here when the source shows it. */
	const mc_lsrc_entry *first, *dup = mc_lsrc_duplicate(t, &first);
	if (dup) {
		cerr(c, entry_key_place(dup, at), "duplicate key '%.*s' (first at "
		     "line %u, column %u)", (int)(dup->key_len > 200 ? 200 : dup->key_len),
		     dup->key, (unsigned)first->line, (unsigned)first->col);
		free(keys);
		return NULL;
	}
	for (size_t i = 0; i < count && !c->status; i++) {
		const mc_lsrc_entry *e = keys[i].e;
		mc_node *kn = mknode(c, MC_NODE_SCALAR, entry_key_place(e, at));

		if (!kn)
			break;
		kn->type = MC_SCALAR_STR;
		kn->u.text = mc_arena_strndup(&c->doc->arena, keys[i].s, keys[i].len);
		kn->len = keys[i].len;
		if (!kn->u.text || memchr(keys[i].s, '\0', keys[i].len)) {
			if (kn->u.text)
				cerr(c, at, "a key contains a NUL byte");
			else
				c->status = MC_ENOMEM;
			break;
		}
		if (!utf8_ok(c, entry_key_place(e, at), "key", keys[i].s, keys[i].len))
			break;
		lua_pushlstring(L, keys[i].s, keys[i].len);
		lua_rawget(L, idx);
		pairs[i].key = kn;
		pairs[i].value = convert(c, lua_gettop(L), mc_lsrc_value_table(c->src, e),
					 entry_value_place(c, e, at), depth + 1);
		lua_pop(L, 1);
		if (!pairs[i].value)
			break;
		node->weight += 1 + pairs[i].value->weight;
		if (pairs[i].value->height >= node->height)
			node->height = pairs[i].value->height + 1;
	}
	free(keys);
	if (c->status)
		return NULL;
	node->u.pairs = pairs;
	node->len = count;
	if (count == 0)
		node->flags |= MC_NODE_EMPTY_TABLE;
	return node;
}

/*
 * table_body, for a table that is not inside itself. A table met again is
 * not converted again: its node is shared, as a YAML alias shares its
 * anchor's, and what it holds counts against the limit on values reached
 * through aliases (against a table bomb, {t, t} nested 40 deep), and its
 * depth against the limit on nesting.
 */
static const mc_node *
table(conv *c, int idx, const mc_lsrc_table *t, place at, size_t depth)
{
	lua_State *L = c->L;
	const void *p = lua_topointer(L, idx);
	const mc_node *n;

	if (lua_rawgetp(L, c->seen, p) == LUA_TLIGHTUSERDATA) {
		n = lua_touserdata(L, -1);
		lua_pop(L, 1);
		c->shared_nodes += n->weight;
		if (c->shared_nodes > c->lim->max_alias_nodes) {
			cerr(c, at, "tables used more than once expand to more than "
			     "%zu values " MC_LIMIT_HINT("alias-nodes"),
			     c->lim->max_alias_nodes);
			return NULL;
		}
		if (depth + n->height > max_depth(c)) {
			cerr(c, at, "tables nested deeper than %zu levels "
			     MC_LIMIT_HINT("depth"), max_depth(c));
			return NULL;
		}
		return n;
	}
	if (lua_toboolean(L, -1)) {
		lua_pop(L, 1);
		cerr(c, at, "a table contains itself (a cycle)");
		return NULL;
	}
	lua_pop(L, 1);
	lua_pushboolean(L, 1);
	lua_rawsetp(L, c->seen, p);
	n = table_body(c, idx, t, at, depth);
	if (n) {
		lua_pushlightuserdata(L, (void *)(uintptr_t)n);
		lua_rawsetp(L, c->seen, p);
	}
	return n;
}

static const mc_node *
convert(conv *c, int idx, const mc_lsrc_table *t, place at, size_t depth)
{
	if (c->status)
		return NULL;
	if (!lua_checkstack(c->L, 8)) {
		c->status = MC_ENOMEM;
		return NULL;
	}
	if (lua_type(c->L, idx) == LUA_TTABLE)
		return table(c, idx, t, at, depth);
	return scalar(c, idx, at);
}

/* The line and column of byte off of s, counted as luasrc.h counts them
 * (a UTF-8 character is one column; a byte order mark is none). */
static place
byte_place(const char *s, size_t off)
{
	place p = {1, 1, false};
	size_t i = 0;

	if (off >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	for (; i < off; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '\n' || (ch == '\r' && s[i + 1] != '\n')) {
			p.line++;
			p.col = 1;
		} else if (ch != '\r' && (ch & 0xC0) != 0x80) {
			p.col++;
		}
	}
	return p;
}

/* The bytes between the delimiters of the first string literal longer
 * than max (mc_lsrc_long_literal found one). */
static size_t
literal_length(const char *data, size_t len, size_t max)
{
	size_t n = 0;

	mc_lsrc_long_literal_length(data, len, max, &n);
	return n;
}

/* The line in a Lua message "NAME:LINE: what", or 0. */
static unsigned
message_line(const char *msg, const char *name, const char **rest)
{
	size_t nl = strlen(name);
	char *end;
	unsigned long l;

	*rest = msg;
	if (strncmp(msg, name, nl) != 0 || msg[nl] != ':')
		return 0;
	l = strtoul(msg + nl + 1, &end, 10);
	if (*end != ':')
		return 0;
	*rest = end + 1;
	while (**rest == ' ')
		(*rest)++;
	return (unsigned)l;
}

/* Runs the chunk and converts its table, under lua_pcall. */
static int
run(lua_State *L)
{
	conv *c = lua_touserdata(L, 1);
	const mc_lsrc_entry *ret = mc_lsrc_return_value(c->src);
	place at = {ret ? ret->value_line : 1, ret ? ret->value_col : 1, false};

	/* stack: conv, the table */
	if (!lua_istable(L, 2)) {
		cerr(c, at, "a Lua policy returns a table, not %s%s",
		     lua_isnil(L, 2) ? "" : "a ",
		     lua_isnil(L, 2) ? "nothing" : luaL_typename(L, 2));
		return 0;
	}
	lua_pushvalue(L, 2);
	c->ld->nfuncs = mc_lua_functions(L);            /* the list of functions */
	lua_newtable(L);                            /* function -> number */
	c->funcs = lua_gettop(L);
	for (size_t i = 1; i <= c->ld->nfuncs; i++) {
		lua_rawgeti(L, -2, (lua_Integer)i);
		lua_pushinteger(L, (lua_Integer)i);
		lua_rawset(L, c->funcs);
	}
	lua_newtable(L);                            /* table -> state */
	c->seen = lua_gettop(L);
	c->doc->root = convert(c, 2, mc_lsrc_returned(c->src), at, 0);
	return 0;
}

static void
luadoc_free(void *ext)
{
	mc_luadoc *ld = ext;

	free(ld->chunk);
	free(ld);
}

const mc_luadoc *
mc_luadoc_of(const mc_doc *doc)
{
	return doc->ext_free == luadoc_free ? doc->ext : NULL;
}

/*
 * Runs len bytes of Lua at data (taken over: freed with the document or on
 * error), named name, in the sandbox sb, and makes a document of the table
 * it returns. The document keeps the file's compiled chunk, so that an
 * evaluator can run it again to get the rules' functions.
 */
static int
run_policy_file(mc_doc **out, const char *name, char *data, size_t len,
		mc_sandbox *sb, const mc_limits *limits, mc_diag *diag)
{
	lua_State *L = mc_sandbox_state(sb);
	mc_doc *doc = calloc(1, sizeof(*doc));
	mc_luadoc *ld = calloc(1, sizeof(*ld));
	char *chunkname = malloc(strlen(name) + 2);
	conv c;
	const char *rest;
	unsigned line;
	int rc, top = lua_gettop(L);

	*out = NULL;
	if (!doc || !ld || !chunkname || !(doc->name_buf = strdup(name))) {
		free(doc);
		free(ld);
		free(chunkname);
		free(data);
		return MC_ENOMEM;
	}
	mc_arena_init(&doc->arena);
	doc->ext = ld;
	doc->ext_free = luadoc_free;
	doc->file.name = doc->name_buf;
	doc->file.data = doc->data_buf = data;
	doc->file.len = len;
	memset(&c, 0, sizeof(c));
	c.L = L;
	c.doc = doc;
	c.ld = ld;
	c.lim = limits;
	c.diag = diag;
	sprintf(chunkname, "@%s", name);

	/* Lua reads a NUL byte as a character, and its message about one ends
	 * at it: refuse it first, where it is, as the YAML reader does. */
	const char *nul = memchr(data, '\0', len);
	if (nul) {
		cerr(&c, byte_place(data, (size_t)(nul - data)), "NUL bytes are not "
		     "allowed in a Lua policy (byte 0x00)");
		goto out;
	}
	mc_lsrc *scan = NULL;
	rc = mc_lsrc_scan(&scan, &doc->arena, data, len);
	if (rc == MC_ENOMEM) {
		c.status = MC_ENOMEM;
		goto out;
	}
	c.src = rc == MC_OK ? scan : NULL;  /* NULL: positions unknown */
	if (rc == MC_ELIMIT) {
		/* Lua's parser would stop on it with "C stack overflow" */
		cerr(&c, (place){1, 1, false}, "table constructors nested deeper "
		     "than %d levels (limit)", MC_LSRC_MAX_DEPTH);
		goto out;
	}
	/* As Lua's own loader (luaL_loadfile) does: skip a UTF-8 byte order
	 * mark, and a first line starting with '#' up to its line break, which
	 * is kept so that lines count the same. */
	size_t skip = 0;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		skip = 3;
	if (skip < len && data[skip] == '#') {
		while (skip < len && data[skip] != '\n' && data[skip] != '\r')
			skip++;
	}
	rc = mc_sandbox_load(sb, data + skip, len - skip, chunkname);
	if (rc == MC_LUA_NOMEM) {
		c.status = MC_ENOMEM;
		goto out;
	}
	if (rc == MC_LUA_STRING || rc == MC_LUA_MEMORY) {
		size_t cap = mc_sandbox_string_cap(limits->lua_max_string);
		place at = {1, 1, false};
		bool literal = mc_lsrc_long_literal(data, len, cap, &at.line, &at.col);

		/* Lua reads a literal whole before it makes it a string: one
		 * long enough fills the memory limit first */
		if (rc == MC_LUA_STRING || literal)
			cerr(&c, at, "a string of %llu bytes, longer than the %zu "
			     "bytes a Lua string may have (--limit lua-string)",
			     rc == MC_LUA_STRING
			     ? (unsigned long long)mc_sandbox_string_asked(sb)
			     : (unsigned long long)literal_length(data, len, cap),
			     cap);
		else
			cerr(&c, at, "Lua needs more memory to read the policy file "
			     "than --limit lua-memory=%zu allows",
			     limits->lua_max_memory);
		goto out;
	}
	if (rc != MC_LUA_OK) {
		line = message_line(lua_tostring(L, -1), name, &rest);
		cerr(&c, (place){line ? line : 1, 1, false}, "Lua: %s", rest);
		goto out;
	}
	lua_pushvalue(L, -1);
	if (mc_sandbox_dump(sb, &ld->chunk, &ld->chunk_len) != MC_LUA_OK) {
		c.status = MC_ENOMEM;
		goto out;
	}
	lua_pop(L, 1);
	rc = mc_sandbox_call(sb, 0, 1, MC_LUA_FILE_INSTRUCTIONS,
			     limits->lua_max_memory < MC_LUA_FILE_MEMORY
			     ? limits->lua_max_memory : MC_LUA_FILE_MEMORY);
	if (rc == MC_LUA_BUDGET || rc == MC_LUA_MEMORY) {
		cerr(&c, (place){1, 1, false}, "the policy file ran past its %s while "
		     "building its table", rc == MC_LUA_BUDGET
		     ? "instruction budget (10 times a rule's default)"
		     : "memory limit (16 MiB, at most --limit lua-memory)");
		goto out;
	}
	if (rc == MC_LUA_STRING) {
		cerr(&c, (place){1, 1, false}, "the policy file needed a string of "
		     "%llu bytes, longer than the %zu bytes a Lua string may have "
		     "(--limit lua-string)",
		     (unsigned long long)mc_sandbox_string_asked(sb),
		     mc_sandbox_string_cap(limits->lua_max_string));
		goto out;
	}
	if (rc != MC_LUA_OK) {
		const char *msg = lua_tostring(L, -1);
		line = message_line(msg ? msg : "", name, &rest);
		cerr(&c, (place){line ? line : 1, 1, false}, "Lua: %s",
		     msg ? rest : "the policy file raised an error that is not a message");
		goto out;
	}
	/* Convert under protection: the Lua calls may run out of memory. */
	lua_pushcfunction(L, run);
	lua_pushlightuserdata(L, &c);
	lua_pushvalue(L, -3);
	if (lua_pcall(L, 2, 0, 0) != LUA_OK)
		c.status = MC_ENOMEM;
out:
	lua_settop(L, top);
	free(chunkname);
	if (c.status) {
		mc_doc_free(doc);
		return c.status;
	}
	*out = doc;
	return MC_OK;
}

/* ------------------------------------------------------------------------
 * Loading policies: the Lua that policy/ asks for through mc_policy_lua
 */

/* What a loading compiles its Lua in: one sandbox, and the rule texts
 * compiled in it so far. */
struct mc_policy_luastate {
	mc_sandbox *sb;
	mc_luachunks chunks;
};

static int
state_open(mc_policy_luastate **out, size_t memory, size_t string_cap)
{
	mc_policy_luastate *st = calloc(1, sizeof(*st));
	int rc;

	*out = NULL;
	if (!st)
		return MC_ENOMEM;
	rc = mc_sandbox_new(&st->sb, memory, string_cap);
	if (rc != MC_OK) {
		free(st);
		return rc;
	}
	*out = st;
	return MC_OK;
}

static void
state_close(mc_policy_luastate *st)
{
	if (!st)
		return;
	mc_sandbox_free(st->sb);
	mc_luachunks_free(&st->chunks);
	free(st);
}

static size_t
string_cap(size_t asked)
{
	return mc_sandbox_string_cap(asked);
}

static int
load_file(mc_policy_luastate *st, mc_doc **out, const char *name, char *data,
	  size_t len, const mc_limits *limits, mc_diag *diag)
{
	return run_policy_file(out, name, data, len, st->sb, limits, diag);
}

static int
compile_rule(mc_policy_luastate *st, mc_policy *p, mc_rule *rule,
	     const mc_node *text, mc_diag *diag)
{
	return mc_luarule_compile(st->sb, &st->chunks, p, rule, text, diag);
}

static const mc_policy_lua policy_lua = {
	is_lua_file, string_cap, state_open, state_close, load_file,
	compile_rule
};

int
mc_policy_load(mc_policy **out, const char *path, const mc_limits *limits,
	       mc_diag *diag)
{
	*out = NULL;
	return mc_policy_read(out, path, NULL, 0, limits, &policy_lua, diag);
}

int
mc_policy_load_buffer(mc_policy **out, const char *name, const char *buf,
		      size_t len, const mc_limits *limits, mc_diag *diag)
{
	*out = NULL;
	return mc_policy_read(out, name, buf ? buf : "", len, limits, &policy_lua,
			      diag);
}
