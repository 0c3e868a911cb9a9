/* SPDX-License-Identifier: MIT */
/*
 * luasrc.h - where the table constructors of a Lua policy are in its source.
 *
 * A Lua policy is a chunk that returns a table; Lua's runtime does not say
 * where in the file that table and its parts were written. This module
 * reads the source text again: a Lua 5.4 tokenizer, and a parser that
 * understands the top level of a chunk (local and global assignments, the
 * final `return`) and the table constructors in it, and skims everything
 * else (function bodies, blocks, calls, operators) by counting brackets and
 * block keywords. It runs nothing.
 *
 * What it finds:
 *  - the constructor the chunk returns (`return { ... }`), or the one a
 *    returned name was last assigned at the top level (`return policy`);
 *  - for each constructor, its entries in source order: `name = value`,
 *    `["string"] = value`, `[expr] = value` (an "other" key), and
 *    positional values, numbered as Lua numbers them;
 *  - for each value, whether it is a literal constructor, a plain or dotted
 *    name (`features`, `base.manufacturer`), a string or other literal, a
 *    function, or anything else;
 *  - every top-level assignment of a plain name, so that names resolve to
 *    the constructor they held where they were read.
 *
 * Mapping the table a chunk returned to positions: scan the source, and
 * start from t = mc_lsrc_returned(src). For a string key k of the Lua
 * table, e = mc_lsrc_get(t, k); for an integer key i, e = mc_lsrc_item(t,
 * i). The key was written at e->line:e->col, its value at
 * e->value_line:e->value_col. When the value is a table, its constructor
 * is mc_lsrc_value_table(src, e), written in place or reached through a
 * (dotted) name; descend into it the same way. NULL at any step means no
 * position is known for that part: use the nearest enclosing one. A value
 * can be checked against its entry (a string equals e->text when
 * e->value_kind is MC_LSRC_VALUE_STRING).
 *
 * Names resolve by position: a name read at some offset holds what its
 * last top-level assignment before that offset gave it (`local NAME = `
 * or `NAME = `, which take effect at the end of their statement), unless
 * the table may have changed in between. It may have when, at the top
 * level and after the assignment, the name is the root of an assignment
 * target (`base.x = 1`), is read in any other way than alone or dotted
 * (`f(base)`, `#base`, `base:m()`, `base[1]`), is copied into another
 * name (`local copy = base`), or is mentioned in a block (`if`, `for`...);
 * or when some function body assigns it or a field of it and a call (or
 * a block) follows at the top level. Mutations this cannot see: through
 * a copy held in a table (`local t = { b = base }; t.b.x = 1`), or by a
 * function reaching the table without assigning it (`table.insert(t, x)`
 * inside a function called at the top level), or by metamethods.
 *
 * Positions are 1-based lines and columns. Columns count characters
 * (UTF-8 code points; a byte that is not valid UTF-8 counts as one; a tab
 * is one column); lines end at LF, CR LF or CR. A UTF-8 byte order mark
 * is not a column; a first line starting with '#' (a "#!" line) is
 * skipped, as Lua's loader does.
 *
 * The scan never fails on what it does not understand: a constructor it
 * lost track in is marked incomplete, and a top level it lost track in
 * gives no returned table; the lookups below then answer NULL ("no
 * position known") rather than something that may be wrong. It runs in
 * time linear in the source (plus sorting each constructor's keys), never
 * reads outside the buffer, and recurses only into nested constructors,
 * at most MC_LSRC_MAX_DEPTH deep.
 *
 * Memory: everything the scan makes is allocated from the caller's arena
 * and lives until the arena is released; there is no free function. The
 * source buffer is not referenced after mc_lsrc_scan returns.
 */
#ifndef MC_LUASRC_H
#define MC_LUASRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

/* Constructors nested deeper than this fail the scan with MC_ELIMIT (Lua's
 * own parser refuses such a chunk: LUAI_MAXCCALLS is 200). */
#define MC_LSRC_MAX_DEPTH 200

typedef enum mc_lsrc_key_kind {
	MC_LSRC_KEY_NAME = 1,   /* name = value */
	MC_LSRC_KEY_STRING,     /* ["string"] = value */
	MC_LSRC_KEY_INDEX,      /* a positional value */
	MC_LSRC_KEY_OTHER       /* [expression] = value, with any other key */
} mc_lsrc_key_kind;

typedef enum mc_lsrc_value_kind {
	MC_LSRC_VALUE_TABLE = 1,  /* a literal constructor: .table */
	MC_LSRC_VALUE_NAME,       /* a name or dotted name: .text, "a.b.c" */
	MC_LSRC_VALUE_STRING,     /* a string literal: .text, decoded */
	MC_LSRC_VALUE_LITERAL,    /* a number (maybe negated), true, false or
	                             nil: .text as written */
	MC_LSRC_VALUE_FUNCTION,   /* a function literal */
	MC_LSRC_VALUE_OTHER       /* anything else: a call, an operation... */
} mc_lsrc_value_kind;

typedef struct mc_lsrc_table mc_lsrc_table;

/* One entry of a constructor (or of the chunk: see mc_lsrc_find). */
typedef struct mc_lsrc_entry {
	mc_lsrc_key_kind key_kind;
	mc_lsrc_value_kind value_kind;
	const char *key;      /* KEY_NAME, KEY_STRING: decoded, NUL-terminated */
	size_t key_len;       /* (a string key may hold NUL bytes) */
	size_t index;         /* KEY_INDEX: 1, 2, 3... as Lua counts them */
	uint32_t line, col;   /* the key: the name, or the string literal
	                         inside the brackets, or for KEY_OTHER the first
	                         token inside them; for KEY_INDEX, the value */
	uint32_t value_line, value_col;  /* the value's first token */
	size_t value_off;     /* that token's byte offset in the source */
	const mc_lsrc_table *table;  /* VALUE_TABLE */
	const char *text;     /* VALUE_NAME, VALUE_STRING, VALUE_LITERAL:
	                         NUL-terminated */
	size_t text_len;
} mc_lsrc_entry;

/* A table constructor. */
struct mc_lsrc_table {
	uint32_t line, col;   /* the '{' */
	size_t off;           /* its byte offset */
	bool complete;        /* false: the scanner lost track inside it; its
	                         entries stop there and lookups give NULL */
	size_t nentries;
	const mc_lsrc_entry *entries;  /* in source order */
	size_t nitems;        /* positional entries among them */
	/* Indexes for the lookups below; private to luasrc.c. */
	const mc_lsrc_entry *const *items_;  /* positional, by index - 1 */
	const mc_lsrc_entry *const *keyed_;  /* string keys, sorted */
	size_t nkeyed_;
	const mc_lsrc_entry *last_other_;    /* the last KEY_OTHER entry */
};

/* The scan of one chunk. */
typedef struct mc_lsrc mc_lsrc;

/*
 * Scans len bytes of Lua source at src, allocating from arena. Returns
 * MC_OK; MC_ENOMEM when memory runs out; MC_ELIMIT when constructors nest
 * deeper than MC_LSRC_MAX_DEPTH. On error *out is NULL (what was allocated
 * stays in the arena). Source the scanner does not understand is not an
 * error: see mc_lsrc_returned and the table's `complete`.
 */
int mc_lsrc_scan(mc_lsrc **out, mc_arena *arena, const char *src, size_t len);

/* The first value of the chunk's top-level `return`, as an entry (key
 * KEY_INDEX 1, positioned at the value), or NULL when the chunk has no
 * such return or the scanner lost track of the top level. */
const mc_lsrc_entry *mc_lsrc_return_value(const mc_lsrc *src);

/* The constructor the chunk returns: the value of mc_lsrc_return_value as
 * mc_lsrc_value_table resolves it; NULL when unknown. */
const mc_lsrc_table *mc_lsrc_returned(const mc_lsrc *src);

/*
 * The entry with string key key (len bytes) in t: the last one, as Lua
 * keeps the last. NULL when there is none, when t is NULL or incomplete,
 * or when a later `[expression] = value` entry might have replaced it.
 */
const mc_lsrc_entry *mc_lsrc_get(const mc_lsrc_table *t, const char *key,
				 size_t len);

/*
 * A string key written twice in t (`{a = 1, a = 2}` or `["a"] = ...`): of
 * the entries that repeat an earlier key, the one written first, with
 * *first set to the earlier entry with that key. NULL when no key of t is
 * written twice, or t is NULL or incomplete.
 */
const mc_lsrc_entry *mc_lsrc_duplicate(const mc_lsrc_table *t,
				       const mc_lsrc_entry **first);

/* The positional entry with Lua index `index` (1-based) in t; NULL when
 * there is none, t is NULL or incomplete, or t has `[expression] = value`
 * entries (which may take any index). */
const mc_lsrc_entry *mc_lsrc_item(const mc_lsrc_table *t, size_t index);

/*
 * The constructor the value of entry e evaluates to: its own literal
 * constructor, or for a (dotted) name the constructor that name held where
 * e reads it, following names through top-level assignments and the
 * entries of constructors. NULL when not known (e is NULL, its value is
 * something else, a name was assigned something other than a constructor,
 * or the named table may have been changed in between).
 */
const mc_lsrc_table *mc_lsrc_value_table(const mc_lsrc *src,
					 const mc_lsrc_entry *e);

/*
 * The entry a dotted path (len bytes, "base" or "base.manufacturer")
 * designates just before byte offset `before` of the source (SIZE_MAX: at
 * the end of the chunk). The first name is looked up among top-level
 * assignments (the entry returned for it has key KEY_NAME, positioned at
 * the name where it was assigned); each further name is an entry of the
 * constructor the path so far resolves to. NULL when not known.
 */
const mc_lsrc_entry *mc_lsrc_find(const mc_lsrc *src, const char *path,
				  size_t len, size_t before);

/* mc_lsrc_find followed by mc_lsrc_value_table: the constructor a top-level
 * name or a dotted path designates. */
const mc_lsrc_table *mc_lsrc_lookup(const mc_lsrc *src, const char *path,
				    size_t len, size_t before);

/* Finds the first string literal of the source with more than `max` bytes
 * between its delimiters (where a string too long for the sandbox was
 * written); returns false when there is none. */
bool mc_lsrc_long_literal(const char *src, size_t len, size_t max,
			  unsigned *line, unsigned *col);

/* The same literal's length between its delimiters, in *n. */
bool mc_lsrc_long_literal_length(const char *src, size_t len, size_t max,
				 size_t *n);

#endif
