/* SPDX-License-Identifier: MIT */
/*
 * luasrc.c - positions of table constructors in Lua source.
 *
 * A parser over the tokens of luasrc_lex.c (which follows Lua 5.4's
 * llex.c), with three levels of understanding:
 *  - top-level statements are parsed: assignments bind names, the final
 *    `return` gives the chunk's value;
 *  - expressions in those statements are skimmed operand by operand, and
 *    constructors in them are parsed entry by entry (recursively, with a
 *    depth limit);
 *  - everything else (parenthesized groups, call arguments, function
 *    bodies, blocks) is skipped by counting brackets or block keywords,
 *    without recursion.
 *
 * Names are resolved by position. Each top-level assignment of a plain
 * name is a record that takes effect at the end of its statement. What
 * might change the table a name holds (`base.x = 1`, `f(base)`, a block
 * that mentions it, a call after a function that assigns it) leaves a
 * "maybe changed" record. A name read at offset r is the last record
 * before r.
 *
 * The file is long for one job, as Lua's lparser.c is: statements,
 * expressions, constructors and the regions it skips are one grammar read
 * by one parser, whose state (the token, the records, the names) all of
 * them change; the lookups at the end read what it built.
 */
#include "lua/luasrc.h"

#include <stdlib.h>
#include <string.h>

#include "migcheck.h"
#include "util/grow.h"
#include "util/strmap.h"
#include "lua/luasrc_lex.h"

#define MAX_BLOCKS 256   /* blocks open in one skipped region */
#define MAX_NAMES 256    /* names on the left of one assignment */
#define MAX_HOPS 100     /* names followed to resolve one value */

/* The tokenizer's types, under the names the parser reads best. */
typedef mc_ltoken token;
typedef mc_llexer lexer;

/* What a top-level statement did to a name, from offset `off` on. */
typedef struct record {
	const char *name;
	size_t len;
	size_t off;
	size_t seq;                  /* order of recording */
	const mc_lsrc_entry *value;  /* NULL: the table may have changed */
} record;

struct mc_lsrc {
	const mc_lsrc_entry *ret;    /* the returned value, or NULL */
	const record *recs;          /* sorted by name, then offset */
	size_t nrecs;
};

/* A primary expression with its suffixes, as skim_suffixed read it. */
typedef struct suffixed {
	bool has_root;    /* starts with a name, `root` */
	token root;
	bool dotted;      /* the root and `.name` suffixes only */
	bool plain;       /* the root alone */
	bool call;        /* ends with a call */
} suffixed;

/* A name in the source: bytes [off, end). */
typedef struct span {
	size_t off, end;
} span;

/* A name bound at the top level. */
typedef struct bound_name {
	const char *key;   /* the arena copy the map and records use */
	size_t changed;    /* the first possible change since the last
	                      binding, or SIZE_MAX */
	bool assigned;     /* assigned inside some function body */
} bound_name;

typedef struct parser {
	lexer lx;
	token tk;                /* the current token */
	token ahead;             /* the next, when has_ahead */
	bool has_ahead;
	int prev;                /* the kind of the token before tk */
	size_t prev_end;         /* where that token ended */
	mc_arena *arena;
	mc_lsrc_entry *stack;    /* entries of the constructors being read */
	size_t nstack, capstack;
	record *recs;
	size_t nrecs, caprecs;
	mc_strmap names;         /* bound names -> index into `bound` */
	bound_name *bound;
	size_t nnames, capnames;
	char *buf;               /* the dotted name being read */
	size_t nbuf, capbuf;
	span *assigned;          /* names assigned inside function bodies */
	size_t nassigned, capassigned;
	size_t *calls;           /* offsets of top-level calls, ascending */
	size_t ncalls, capcalls;
	unsigned char blocks[MAX_BLOCKS];
	int status;
	bool lost;               /* the top level was not understood */
} parser;

/* The value of string token t, decoded as Lua does, NUL-terminated in the
 * arena; NULL when memory runs out. */
static char *
decode_string(parser *p, const token *t, size_t *len)
{
	char *out = mc_arena_alloc(p->arena, t->cend - t->cstart + 1);

	if (!out)
		return NULL;
	*len = mc_llex_string(&p->lx, t, out);
	return out;
}

/* ------------------------------------------------------------------------
 * Parser state: tokens, growing arrays, names and their records
 */

static void
next(parser *p)
{
	p->prev = p->tk.kind;
	p->prev_end = p->tk.end;
	if (p->has_ahead) {
		p->tk = p->ahead;
		p->has_ahead = false;
	} else {
		mc_llex(&p->lx, &p->tk);
	}
}

static int
peek(parser *p)
{
	if (!p->has_ahead) {
		mc_llex(&p->lx, &p->ahead);
		p->has_ahead = true;
	}
	return p->ahead.kind;
}

static void
nomem(parser *p)
{
	if (p->status == MC_OK)
		p->status = MC_ENOMEM;
}

/* Makes room for one more element of size `size` in *items (malloc'd,
 * *cap elements, count used); false (status set) when memory runs out. */
static bool
grow(parser *p, void **items, size_t *cap, size_t count, size_t size)
{
	void *n = mc_grow(*items, cap, count + 1, size);

	if (!n) {
		nomem(p);
		return false;
	}
	*items = n;
	return true;
}

static char *
token_text(parser *p, const token *t)
{
	char *s = mc_arena_strndup(p->arena, (const char *)p->lx.s + t->off,
				   t->end - t->off);

	if (!s)
		nomem(p);
	return s;
}

static void
add_record(parser *p, const char *name, size_t len, size_t off,
	   const mc_lsrc_entry *value)
{
	void *items = p->recs;

	if (!grow(p, &items, &p->caprecs, p->nrecs, sizeof(*p->recs)))
		return;
	p->recs = items;
	p->recs[p->nrecs] = (record){name, len, off, p->nrecs, value};
	p->nrecs++;
}

/*
 * Name token t was read where it might change the table it holds (an
 * argument, an operand, the root of an assignment target): references
 * after t.off no longer resolve through the binding before it. Only names
 * bound so far matter, and only the earliest such read after a binding.
 */
static void
note_change(parser *p, const token *t)
{
	const char *name = (const char *)p->lx.s + t->off;
	size_t len = t->end - t->off, idx;

	if (!mc_strmap_get(&p->names, name, len, &idx) ||
	    t->off >= p->bound[idx].changed)
		return;
	p->bound[idx].changed = t->off;
	add_record(p, p->bound[idx].key, len, t->off, NULL);
}

/* Binds name token t to value (an arena entry, keyed by the name) from
 * offset `effect` on. */
static void
bind(parser *p, const token *t, const mc_lsrc_entry *value, size_t effect)
{
	const char *name = (const char *)p->lx.s + t->off;
	size_t len = t->end - t->off, idx;
	void *items = p->bound;

	if (!mc_strmap_get(&p->names, name, len, &idx)) {
		if (!grow(p, &items, &p->capnames, p->nnames, sizeof(*p->bound)))
			return;
		p->bound = items;
		if (mc_strmap_put(&p->names, value->key, len, p->nnames, NULL) < 0) {
			nomem(p);
			return;
		}
		idx = p->nnames++;
		p->bound[idx].key = value->key;
		p->bound[idx].assigned = false;
	}
	p->bound[idx].changed = SIZE_MAX;
	add_record(p, p->bound[idx].key, len, effect, value);
}

/* A call (or a block that may make one) runs at offset off of the top
 * level: any function may run, and change what it assigns. */
static void
note_call(parser *p, size_t off)
{
	void *items = p->calls;

	if (p->ncalls > 0 && p->calls[p->ncalls - 1] >= off)
		return;
	if (!grow(p, &items, &p->capcalls, p->ncalls, sizeof(*p->calls)))
		return;
	p->calls = items;
	p->calls[p->ncalls++] = off;
}

/* Name token t is assigned to (`t = `, `t.x = `, `t[k] = `) inside a
 * function body. */
static void
note_assigned(parser *p, const token *t)
{
	void *items = p->assigned;

	if (!grow(p, &items, &p->capassigned, p->nassigned,
		  sizeof(*p->assigned)))
		return;
	p->assigned = items;
	p->assigned[p->nassigned++] = (span){t->off, t->end};
}

/* ------------------------------------------------------------------------
 * Skipping what is not parsed
 */

/*
 * Skips a region of blocks: from the opener at the current token
 * (`function`, `if`, `while`, `for`, `do`, `repeat`) to just after the
 * `end` or `until` that closes it; with in_function, the caller has read
 * `function` and its name, and the region closes at the matching `end`.
 * A `do` right after the head of a `while` or `for` continues that loop's
 * block. Names outside nested function bodies are noted as possibly
 * changed when `changes` is set (a top-level block runs; a function body
 * does not, as far as this module knows). False on the end of the source
 * or blocks nested past MAX_BLOCKS.
 */
enum { BLK_FUNCTION = 1, BLK_BLOCK, BLK_HEAD };

static bool
skip_blocks(parser *p, bool changes, bool in_function)
{
	unsigned char *b = p->blocks;
	size_t n = 0, nfn = 0, brackets = 0;
	bool target = false;  /* inside a function: `root` may be assigned */
	token root = p->tk;

	if (in_function) {
		b[n++] = BLK_FUNCTION;
		nfn++;
	}
	for (;;) {
		int k = p->tk.kind, push = 0;

		/* In function bodies, roots of assignment targets: NAME, then
		 * .NAME and [...] suffixes, then '='. */
		if (nfn > 0 && target && brackets > 0) {
			brackets += k == '[';
			brackets -= k == ']';
		} else if (nfn > 0 && target && (k == '.' || k == '[' ||
			   (k == TK_NAME && p->prev == '.'))) {
			brackets += k == '[';
		} else if (nfn > 0 && target && k == '=') {
			note_assigned(p, &root);
			target = false;
		} else if (nfn > 0 && k == TK_NAME && p->prev != '.' &&
			   p->prev != ':' && p->prev != TK_LOCAL &&
			   p->prev != TK_FOR && p->prev != TK_FUNCTION) {
			target = true;
			root = p->tk;
		} else {
			target = false;
		}
		switch (k) {
		case TK_EOF:
			return false;
		case TK_FUNCTION: push = BLK_FUNCTION; break;
		case TK_IF: case TK_REPEAT: push = BLK_BLOCK; break;
		case TK_WHILE: case TK_FOR: push = BLK_HEAD; break;
		case TK_DO:
			if (n > 0 && b[n - 1] == BLK_HEAD)
				b[n - 1] = BLK_BLOCK;
			else
				push = BLK_BLOCK;
			break;
		case TK_END:
		case TK_UNTIL:
			if (n == 0)
				return false;
			if (b[--n] == BLK_FUNCTION)
				nfn--;
			if (n == 0) {
				next(p);
				return true;
			}
			break;
		case TK_NAME:
			if (changes && nfn == 0 && p->prev != '.' && p->prev != ':')
				note_change(p, &p->tk);
			break;
		default:
			break;
		}
		if (push) {
			if (n == MAX_BLOCKS)
				return false;
			b[n++] = (unsigned char)push;
			if (push == BLK_FUNCTION)
				nfn++;
		}
		if (n == 0)
			return false;  /* the current token opened nothing */
		next(p);
	}
}

static bool
is_open(int k)
{
	return k == '(' || k == '[' || k == '{';
}

static bool
is_close(int k)
{
	return k == ')' || k == ']' || k == '}';
}

/*
 * Skips tokens until `open` more closing brackets than opening ones have
 * passed (the current token is counted: with open == 0 it must be an
 * opening bracket), and reads the token after the last one. Function
 * bodies inside are skipped as blocks. Names outside them are noted as
 * possibly changed. False at the end of the source.
 */
static bool
skip_group(parser *p, size_t open)
{
	for (;;) {
		int k = p->tk.kind;

		if (k == TK_EOF)
			return false;
		if (k == TK_FUNCTION) {
			if (!skip_blocks(p, false, false))
				return false;
			continue;
		}
		if (is_open(k)) {
			open++;
		} else if (is_close(k)) {
			if (open == 0)
				return false;
			if (--open == 0) {
				next(p);
				return true;
			}
		} else if (k == TK_NAME && p->prev != '.' && p->prev != ':') {
			note_change(p, &p->tk);
		}
		if ((k == '(' || k == '{' || k == TK_STRING) &&
		    (p->prev == TK_NAME || p->prev == ')' || p->prev == ']' ||
		     p->prev == TK_STRING))
			note_call(p, p->tk.off);
		next(p);
	}
}

/* ------------------------------------------------------------------------
 * Expressions and constructors
 */

static bool skim_expr(parser *p, mc_lsrc_entry *v, int depth);

static bool
buf_add(parser *p, const void *s, size_t len)
{
	void *items = p->buf;

	if (!grow(p, &items, &p->capbuf, p->nbuf + len, 1))
		return false;
	p->buf = items;
	memcpy(p->buf + p->nbuf, s, len);
	p->nbuf += len;
	return true;
}

/*
 * Reads a primary expression (a name, or an expression in parentheses)
 * and its suffixes (.name, [exp], :name args, args). A dotted name is
 * collected in p->buf. The root name is not noted as changed: the caller
 * knows whether it was only read. False when the current token starts no
 * primary expression, or on a malformed suffix.
 */
static bool
skim_suffixed(parser *p, suffixed *sx)
{
	sx->has_root = sx->dotted = sx->plain = sx->call = false;
	p->nbuf = 0;
	sx->root = p->tk;
	if (p->tk.kind == TK_NAME) {
		sx->has_root = sx->dotted = sx->plain = true;
		if (!buf_add(p, p->lx.s + p->tk.off, p->tk.end - p->tk.off))
			return false;
		next(p);
	} else if (p->tk.kind == '(') {
		if (!skip_group(p, 0))
			return false;
	} else {
		return false;
	}
	for (;;) {
		switch (p->tk.kind) {
		case '.':
			next(p);
			if (p->tk.kind != TK_NAME)
				return false;
			if (sx->dotted && (!buf_add(p, ".", 1) ||
					   !buf_add(p, p->lx.s + p->tk.off,
						    p->tk.end - p->tk.off)))
				return false;
			next(p);
			sx->call = false;
			break;
		case ':':
			next(p);
			if (p->tk.kind != TK_NAME)
				return false;
			next(p);
			note_call(p, p->tk.off);
			if (p->tk.kind == TK_STRING)
				next(p);
			else if ((p->tk.kind != '(' && p->tk.kind != '{') ||
				 !skip_group(p, 0))
				return false;
			sx->dotted = false;
			sx->call = true;
			break;
		case '[':
		case '(':
		case '{':
			sx->call = p->tk.kind != '[';
			if (sx->call)
				note_call(p, p->tk.off);
			if (!skip_group(p, 0))
				return false;
			sx->dotted = false;
			break;
		case TK_STRING:
			note_call(p, p->tk.off);
			next(p);
			sx->dotted = false;
			sx->call = true;
			break;
		default:
			return true;
		}
		sx->plain = false;
	}
}

static bool
is_binop(int k)
{
	switch (k) {
	case '+': case '-': case '*': case '/': case '%': case '^':
	case '&': case '|': case '~': case '<': case '>':
	case TK_IDIV: case TK_CONCAT: case TK_EQ: case TK_GE: case TK_LE:
	case TK_NE: case TK_SHL: case TK_SHR: case TK_AND: case TK_OR:
		return true;
	default:
		return false;
	}
}

static bool
is_unop(int k)
{
	return k == '-' || k == TK_NOT || k == '#' || k == '~';
}

static bool parse_table(parser *p, int depth, const mc_lsrc_table **out);

/*
 * Reads one expression, and describes its value in v (kind, position,
 * text, constructor). Only an expression of a single operand has a kind
 * other than VALUE_OTHER; names read in a larger expression are noted as
 * possibly changed. depth is the nesting of the constructor the
 * expression is in. False when the expression is not understood (the
 * current token is where) or the scan has failed.
 */
static bool
skim_expr(parser *p, mc_lsrc_entry *v, int depth)
{
	size_t operands = 0, nunary = 0;
	int unop = 0, kind = MC_LSRC_VALUE_OTHER;
	token lit = p->tk;
	suffixed sx = {0};
	const mc_lsrc_table *t = NULL;

	v->value_line = p->tk.line;
	v->value_col = p->tk.col;
	v->value_off = p->tk.off;
	v->value_kind = MC_LSRC_VALUE_OTHER;
	v->table = NULL;
	v->text = NULL;
	v->text_len = 0;
	for (;;) {
		while (is_unop(p->tk.kind)) {
			if (operands == 0) {
				nunary++;
				unop = p->tk.kind;
			}
			next(p);
		}
		lit = p->tk;
		switch (p->tk.kind) {
		case TK_NAME:
		case '(':
			if (!skim_suffixed(p, &sx))
				return false;
			if (sx.has_root && (operands > 0 || nunary > 0 || !sx.dotted))
				note_change(p, &sx.root);
			kind = sx.dotted ? MC_LSRC_VALUE_NAME : MC_LSRC_VALUE_OTHER;
			break;
		case TK_STRING:
			kind = MC_LSRC_VALUE_STRING;
			next(p);
			break;
		case TK_NUMBER:
		case TK_NIL:
		case TK_TRUE:
		case TK_FALSE:
			kind = MC_LSRC_VALUE_LITERAL;
			next(p);
			break;
		case TK_DOTS:
			kind = MC_LSRC_VALUE_OTHER;
			next(p);
			break;
		case '{':
			if (depth >= MC_LSRC_MAX_DEPTH) {
				if (p->status == MC_OK)
					p->status = MC_ELIMIT;
				return false;
			}
			if (!parse_table(p, depth + 1, &t))
				return false;
			kind = MC_LSRC_VALUE_TABLE;
			break;
		case TK_FUNCTION:
			if (!skip_blocks(p, false, false))
				return false;
			kind = MC_LSRC_VALUE_FUNCTION;
			break;
		default:
			return false;
		}
		if (!is_binop(p->tk.kind))
			break;
		/* A name first read alone turns out to be an operand. */
		if (operands == 0 && kind == MC_LSRC_VALUE_NAME && nunary == 0)
			note_change(p, &sx.root);
		operands++;
		next(p);
	}
	if (operands > 0)
		return true;  /* more than one operand: VALUE_OTHER */
	if (nunary > 0) {
		/* -NUMBER is a literal, as written; the rest is computed. */
		size_t len = lit.end - lit.off;
		char *s;

		if (nunary > 1 || unop != '-' || lit.kind != TK_NUMBER)
			return true;
		if (!(s = mc_arena_alloc(p->arena, len + 2))) {
			nomem(p);
			return false;
		}
		s[0] = '-';
		memcpy(s + 1, p->lx.s + lit.off, len);
		s[len + 1] = '\0';
		v->value_kind = MC_LSRC_VALUE_LITERAL;
		v->text = s;
		v->text_len = len + 1;
		return true;
	}
	v->value_kind = kind;
	switch (kind) {
	case MC_LSRC_VALUE_TABLE:
		v->table = t;
		return true;
	case MC_LSRC_VALUE_NAME:
		v->text = mc_arena_strndup(p->arena, p->buf, p->nbuf);
		v->text_len = p->nbuf;
		break;
	case MC_LSRC_VALUE_STRING:
		v->text = decode_string(p, &lit, &v->text_len);
		break;
	case MC_LSRC_VALUE_LITERAL:
		v->text = token_text(p, &lit);
		v->text_len = lit.end - lit.off;
		break;
	default:
		return true;
	}
	if (!v->text) {
		nomem(p);
		return false;
	}
	return true;
}

static bool
push_entry(parser *p, const mc_lsrc_entry *e)
{
	void *items = p->stack;

	if (!grow(p, &items, &p->capstack, p->nstack, sizeof(*p->stack)))
		return false;
	p->stack = items;
	p->stack[p->nstack++] = *e;
	return true;
}

/* Orders string keys by their bytes, then entries by their place. */
static int
cmp_keyed(const void *a, const void *b)
{
	const mc_lsrc_entry *x = *(const mc_lsrc_entry *const *)a;
	const mc_lsrc_entry *y = *(const mc_lsrc_entry *const *)b;
	size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
	int c = memcmp(x->key, y->key, n);

	if (c != 0)
		return c;
	if (x->key_len != y->key_len)
		return x->key_len < y->key_len ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Moves the entries above `base` on the stack into the arena as a table,
 * with its lookup indexes. */
static mc_lsrc_table *
finish_table(parser *p, const token *open, size_t base, bool complete)
{
	size_t n = p->nstack - base, nkeyed = 0, nitems = 0;
	mc_lsrc_table *t = mc_arena_calloc(p->arena, 1, sizeof(*t));
	mc_lsrc_entry *entries = mc_arena_memdup(p->arena,
						 n ? p->stack + base : NULL, n,
						 sizeof(*entries));
	const mc_lsrc_entry **keyed = NULL, **items = NULL;

	p->nstack = base;
	if (!t || !entries) {
		nomem(p);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (entries[i].key_kind == MC_LSRC_KEY_INDEX)
			nitems++;
		else if (entries[i].key_kind != MC_LSRC_KEY_OTHER)
			nkeyed++;
		else
			t->last_other_ = &entries[i];
	}
	keyed = mc_arena_calloc(p->arena, nkeyed, sizeof(*keyed));
	items = mc_arena_calloc(p->arena, nitems, sizeof(*items));
	if (!keyed || !items) {
		nomem(p);
		return NULL;
	}
	nkeyed = nitems = 0;
	for (size_t i = 0; i < n; i++) {
		if (entries[i].key_kind == MC_LSRC_KEY_INDEX)
			items[nitems++] = &entries[i];
		else if (entries[i].key_kind != MC_LSRC_KEY_OTHER)
			keyed[nkeyed++] = &entries[i];
	}
	if (nkeyed > 1)
		qsort(keyed, nkeyed, sizeof(*keyed), cmp_keyed);
	t->line = open->line;
	t->col = open->col;
	t->off = open->off;
	t->complete = complete;
	t->nentries = n;
	t->entries = entries;
	t->nitems = nitems;
	t->items_ = items;
	t->keyed_ = keyed;
	t->nkeyed_ = nkeyed;
	return t;
}

/*
 * Reads one field of a constructor into e (the value too); false when it
 * is not understood.
 */
static bool
parse_field(parser *p, mc_lsrc_entry *e, size_t *nitems, int depth)
{
	memset(e, 0, sizeof(*e));
	if (p->tk.kind == TK_NAME && peek(p) == '=') {
		e->key_kind = MC_LSRC_KEY_NAME;
		e->line = p->tk.line;
		e->col = p->tk.col;
		e->key = token_text(p, &p->tk);
		e->key_len = p->tk.end - p->tk.off;
		if (!e->key)
			return false;
		next(p);
		next(p);
	} else if (p->tk.kind == '[') {
		next(p);
		e->line = p->tk.line;
		e->col = p->tk.col;
		if (p->tk.kind == TK_STRING && peek(p) == ']') {
			e->key_kind = MC_LSRC_KEY_STRING;
			e->key = decode_string(p, &p->tk, &e->key_len);
			if (!e->key) {
				nomem(p);
				return false;
			}
			next(p);
		} else {
			mc_lsrc_entry k;
			e->key_kind = MC_LSRC_KEY_OTHER;
			if (!skim_expr(p, &k, depth))
				return false;
		}
		if (p->tk.kind != ']')
			return false;
		next(p);
		if (p->tk.kind != '=')
			return false;
		next(p);
	} else {
		e->key_kind = MC_LSRC_KEY_INDEX;
		e->index = ++*nitems;
		e->line = p->tk.line;
		e->col = p->tk.col;
	}
	return skim_expr(p, e, depth);
}

/*
 * Reads the constructor at the current '{' (at nesting `depth`) into
 * *out. When a field is not understood, the constructor is kept as far as
 * it was read, marked incomplete, and the rest skipped to its '}'. False
 * only when the scan failed or the source ended inside.
 */
static bool
parse_table(parser *p, int depth, const mc_lsrc_table **out)
{
	token open = p->tk;
	size_t base = p->nstack, nitems = 0;
	bool complete = true;
	mc_lsrc_entry e;

	next(p);
	while (p->tk.kind != '}') {
		if (!parse_field(p, &e, &nitems, depth) || !push_entry(p, &e)) {
			if (p->status != MC_OK)
				return false;
			complete = false;
			if (!skip_group(p, 1))
				return false;
			goto done;
		}
		if (p->tk.kind == ',' || p->tk.kind == ';') {
			next(p);
		} else if (p->tk.kind != '}') {
			complete = false;
			if (!skip_group(p, 1))
				return false;
			goto done;
		}
	}
	next(p);
done:
	*out = finish_table(p, &open, base, complete);
	return *out != NULL;
}

/* ------------------------------------------------------------------------
 * Top-level statements
 */

/* An entry in the arena for the value of a binding: a copy of v with its
 * key set to the name t, or a value of unknown kind at t. */
static mc_lsrc_entry *
binding_entry(parser *p, const token *t, const mc_lsrc_entry *v)
{
	mc_lsrc_entry *e = mc_arena_alloc(p->arena, sizeof(*e));

	if (!e) {
		nomem(p);
		return NULL;
	}
	if (v) {
		*e = *v;
	} else {
		memset(e, 0, sizeof(*e));
		e->value_kind = MC_LSRC_VALUE_OTHER;
		e->value_line = t->line;
		e->value_col = t->col;
		e->value_off = t->off;
	}
	e->key_kind = MC_LSRC_KEY_NAME;
	e->key = token_text(p, t);
	e->key_len = t->end - t->off;
	e->index = 0;
	e->line = t->line;
	e->col = t->col;
	return e->key ? e : NULL;
}

/*
 * Reads an expression list, and binds names[i] (of n) that are plain
 * names (plain[i]) to the i-th value, from the end of the list on. Names
 * without a value of their own get one of unknown kind. A value that is a
 * name makes an alias (`local copy = base`): the alias is not followed
 * when it changes, so the name it copies counts as changed from there on.
 */
static bool
assign(parser *p, const token *names, const bool *plain, size_t n)
{
	const mc_lsrc_entry *vals[MAX_NAMES];
	size_t nvals = 0;
	mc_lsrc_entry v;

	memset(&v, 0, sizeof(v));
	for (;;) {
		if (!skim_expr(p, &v, 0))
			return false;
		if (v.value_kind == MC_LSRC_VALUE_NAME) {
			const char *dot = memchr(v.text, '.', v.text_len);
			token root = p->tk;

			root.off = v.value_off;
			root.end = v.value_off + (dot ? (size_t)(dot - v.text)
						      : v.text_len);
			note_change(p, &root);
		}
		if (nvals < n) {
			vals[nvals] = plain[nvals] ? binding_entry(p, &names[nvals], &v)
						   : NULL;
			if (plain[nvals] && !vals[nvals])
				return false;
			nvals++;
		}
		if (p->tk.kind != ',')
			break;
		next(p);
	}
	for (size_t i = 0; i < n; i++) {
		const mc_lsrc_entry *e = i < nvals ? vals[i] : NULL;

		if (!plain[i])
			continue;
		if (!e && !(e = binding_entry(p, &names[i], NULL)))
			return false;
		bind(p, &names[i], e, p->prev_end);
	}
	return p->status == MC_OK;
}

/* local function NAME body | local NAME attrib {, NAME attrib} [= explist] */
static bool
stmt_local(parser *p)
{
	token names[MAX_NAMES];
	bool plain[MAX_NAMES];
	size_t n = 0;

	next(p);
	if (p->tk.kind == TK_FUNCTION) {
		mc_lsrc_entry *e;
		token fn = p->tk;

		next(p);
		if (p->tk.kind != TK_NAME)
			return false;
		/* The name is bound before its body, which may call it. */
		e = binding_entry(p, &p->tk, NULL);
		if (!e)
			return false;
		e->value_kind = MC_LSRC_VALUE_FUNCTION;
		e->value_line = fn.line;
		e->value_col = fn.col;
		e->value_off = fn.off;
		bind(p, &p->tk, e, p->tk.end);
		next(p);
		return skip_blocks(p, false, true);
	}
	for (;;) {
		if (p->tk.kind != TK_NAME || n == MAX_NAMES)
			return false;
		names[n] = p->tk;
		plain[n++] = true;
		next(p);
		if (p->tk.kind == '<') {  /* <const>, <close> */
			next(p);
			if (p->tk.kind != TK_NAME)
				return false;
			next(p);
			if (p->tk.kind != '>')
				return false;
			next(p);
		}
		if (p->tk.kind != ',')
			break;
		next(p);
	}
	if (p->tk.kind != '=') {
		for (size_t i = 0; i < n; i++) {
			const mc_lsrc_entry *e = binding_entry(p, &names[i], NULL);
			if (!e)
				return false;
			bind(p, &names[i], e, p->prev_end);
		}
		return p->status == MC_OK;
	}
	next(p);
	return assign(p, names, plain, n);
}

/* function NAME{.NAME}[:NAME] body */
static bool
stmt_function(parser *p)
{
	token fn = p->tk, root;
	bool plain = true;
	mc_lsrc_entry *e;

	next(p);
	if (p->tk.kind != TK_NAME)
		return false;
	root = p->tk;
	next(p);
	while (p->tk.kind == '.' || p->tk.kind == ':') {
		plain = false;
		next(p);
		if (p->tk.kind != TK_NAME)
			return false;
		next(p);
	}
	if (!plain)
		note_change(p, &root);
	if (!skip_blocks(p, false, true))
		return false;
	if (!plain)
		return true;
	if (!(e = binding_entry(p, &root, NULL)))
		return false;
	e->value_kind = MC_LSRC_VALUE_FUNCTION;
	e->value_line = fn.line;
	e->value_col = fn.col;
	e->value_off = fn.off;
	bind(p, &root, e, p->prev_end);
	return p->status == MC_OK;
}

/* An assignment (targets = explist) or a function call. */
static bool
stmt_expr(parser *p)
{
	token names[MAX_NAMES];
	bool plain[MAX_NAMES];
	size_t n = 0;
	suffixed sx;

	for (;;) {
		if (!skim_suffixed(p, &sx) || n == MAX_NAMES)
			return false;
		if (sx.has_root && !sx.plain)
			note_change(p, &sx.root);
		names[n] = sx.root;
		plain[n++] = sx.plain;
		if (p->tk.kind != ',')
			break;
		next(p);
	}
	if (p->tk.kind != '=')
		return n == 1 && sx.call;
	next(p);
	return assign(p, names, plain, n);
}

/* return [explist] [';'], the last statement of the chunk. */
static bool
stmt_return(parser *p, const mc_lsrc_entry **ret)
{
	mc_lsrc_entry v, *e;
	token at_value;

	memset(&v, 0, sizeof(v));
	next(p);
	if (p->tk.kind == TK_EOF || p->tk.kind == ';') {
		if (p->tk.kind == ';')
			next(p);
		return p->tk.kind == TK_EOF;
	}
	at_value = p->tk;
	if (!skim_expr(p, &v, 0))
		return false;
	while (p->tk.kind == ',') {
		mc_lsrc_entry rest;
		next(p);
		if (!skim_expr(p, &rest, 0))
			return false;
	}
	if (p->tk.kind == ';')
		next(p);
	if (p->tk.kind != TK_EOF)
		return false;
	if (!(e = mc_arena_alloc(p->arena, sizeof(*e)))) {
		nomem(p);
		return false;
	}
	*e = v;
	e->key_kind = MC_LSRC_KEY_INDEX;
	e->index = 1;
	e->line = at_value.line;
	e->col = at_value.col;
	*ret = e;
	return true;
}

/* Reads the chunk's statements; sets p->lost at the first it does not
 * understand. */
static void
parse_chunk(parser *p, const mc_lsrc_entry **ret)
{
	mc_lsrc_entry v;
	bool ok = true;

	next(p);
	while (ok && p->status == MC_OK && p->tk.kind != TK_EOF) {
		switch (p->tk.kind) {
		case ';':
		case TK_BREAK:
			next(p);
			break;
		case TK_LOCAL:
			ok = stmt_local(p);
			break;
		case TK_FUNCTION:
			ok = stmt_function(p);
			break;
		case TK_IF:
		case TK_WHILE:
		case TK_FOR:
		case TK_DO:
			note_call(p, p->tk.off);
			ok = skip_blocks(p, true, false);
			break;
		case TK_REPEAT:
			note_call(p, p->tk.off);
			ok = skip_blocks(p, true, false) && skim_expr(p, &v, 0);
			break;
		case TK_RETURN:
			ok = stmt_return(p, ret);
			if (ok)
				return;
			break;
		case TK_GOTO:
			next(p);
			ok = p->tk.kind == TK_NAME;
			next(p);
			break;
		case TK_DBCOLON:
			next(p);
			ok = p->tk.kind == TK_NAME;
			next(p);
			ok = ok && p->tk.kind == TK_DBCOLON;
			next(p);
			break;
		default:
			ok = stmt_expr(p);
			break;
		}
	}
	if (!ok)
		p->lost = true;
}

/* ------------------------------------------------------------------------
 * Scanning and lookups
 */

static int
cmp_name(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	if (c != 0)
		return c;
	return an < bn ? -1 : an > bn;
}

static int
cmp_record(const void *a, const void *b)
{
	const record *x = a, *y = b;
	int c = cmp_name(x->name, x->len, y->name, y->len);

	if (c != 0)
		return c;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * A function body that assigns a top-level name (or a field of the table
 * it holds) may run at any top-level call after the name's binding: adds
 * a possible change at the first call after each binding of such a name
 * (unless the name is bound again first). *recs (in the arena, sorted,
 * p->nrecs long) is replaced by a sorted copy with the additions.
 */
static int
add_call_changes(parser *p, record **recs)
{
	record *r = *recs, *all;
	size_t n = p->nrecs, idx;

	for (size_t i = 0; i < p->nassigned; i++) {
		const span *a = &p->assigned[i];
		if (mc_strmap_get(&p->names, (const char *)p->lx.s + a->off,
				  a->end - a->off, &idx))
			p->bound[idx].assigned = true;
	}
	p->nrecs = 0;
	for (size_t i = 0; i < n && p->status == MC_OK; i++) {
		size_t lo = 0, hi = p->ncalls;

		if (!r[i].value || !mc_strmap_get(&p->names, r[i].name, r[i].len,
						  &idx) || !p->bound[idx].assigned)
			continue;
		while (lo < hi) {  /* the first call after the binding */
			size_t mid = lo + (hi - lo) / 2;
			if (p->calls[mid] <= r[i].off)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == p->ncalls)
			continue;
		if (i + 1 < n && r[i + 1].len == r[i].len &&
		    r[i + 1].name == r[i].name && r[i + 1].off <= p->calls[lo])
			continue;  /* something else happens to the name first */
		add_record(p, r[i].name, r[i].len, p->calls[lo], NULL);
	}
	if (p->status != MC_OK)
		return p->status;
	if (p->nrecs == 0) {
		p->nrecs = n;
		return MC_OK;
	}
	all = mc_arena_calloc(p->arena, n + p->nrecs, sizeof(*all));
	if (!all)
		return MC_ENOMEM;
	memcpy(all, r, n * sizeof(*all));
	memcpy(all + n, p->recs, p->nrecs * sizeof(*all));
	for (size_t i = 0; i < n + p->nrecs; i++)
		all[i].seq = i;
	p->nrecs += n;
	qsort(all, p->nrecs, sizeof(*all), cmp_record);
	*recs = all;
	return MC_OK;
}

int
mc_lsrc_scan(mc_lsrc **out, mc_arena *arena, const char *src, size_t len)
{
	parser p;
	mc_lsrc *s = NULL;
	record *recs = NULL;
	const mc_lsrc_entry *ret = NULL;
	int rc;

	*out = NULL;
	memset(&p, 0, sizeof(p));
	p.arena = arena;
	p.status = MC_OK;
	mc_strmap_init(&p.names);
	mc_llex_init(&p.lx, src, len);
	parse_chunk(&p, &ret);
	rc = p.status;
	if (rc != MC_OK)
		goto out;
	s = mc_arena_calloc(arena, 1, sizeof(*s));
	recs = mc_arena_memdup(arena, p.recs, p.nrecs, sizeof(*recs));
	if (!s || !recs) {
		rc = MC_ENOMEM;
		goto out;
	}
	if (p.nrecs > 1)
		qsort(recs, p.nrecs, sizeof(*recs), cmp_record);
	if (p.nassigned > 0 && p.ncalls > 0) {
		rc = add_call_changes(&p, &recs);
		if (rc != MC_OK)
			goto out;
	}
	s->recs = recs;
	s->nrecs = p.nrecs;
	s->ret = p.lost ? NULL : ret;
	*out = s;
out:
	free(p.stack);
	free(p.recs);
	free(p.bound);
	free(p.buf);
	free(p.assigned);
	free(p.calls);
	mc_strmap_free(&p.names);
	return rc;
}

const mc_lsrc_entry *
mc_lsrc_return_value(const mc_lsrc *src)
{
	return src ? src->ret : NULL;
}

const mc_lsrc_entry *
mc_lsrc_get(const mc_lsrc_table *t, const char *key, size_t len)
{
	size_t lo = 0, hi;
	const mc_lsrc_entry *e;

	if (!t || !t->complete || !key)
		return NULL;
	/* The first entry with a greater key; the one before is the last with
	 * this key, if any. */
	hi = t->nkeyed_;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		e = t->keyed_[mid];
		if (cmp_name(e->key, e->key_len, key, len) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	e = t->keyed_[lo - 1];
	if (cmp_name(e->key, e->key_len, key, len) != 0)
		return NULL;
	if (t->last_other_ && t->last_other_ > e)
		return NULL;  /* [expression] = value may have replaced it */
	return e;
}

const mc_lsrc_entry *
mc_lsrc_duplicate(const mc_lsrc_table *t, const mc_lsrc_entry **first)
{
	const mc_lsrc_entry *dup = NULL;

	*first = NULL;
	if (!t || !t->complete)
		return NULL;
	/* keyed_ is sorted by key, then by place: a repeated key is next to
	 * the entry before it with that key. */
	for (size_t i = 1; i < t->nkeyed_; i++) {
		const mc_lsrc_entry *a = t->keyed_[i - 1], *b = t->keyed_[i];

		if (cmp_name(a->key, a->key_len, b->key, b->key_len) == 0 &&
		    (!dup || b < dup)) {
			dup = b;
			*first = a;
		}
	}
	return dup;
}

const mc_lsrc_entry *
mc_lsrc_item(const mc_lsrc_table *t, size_t index)
{
	if (!t || !t->complete || t->last_other_ || index == 0 ||
	    index > t->nitems)
		return NULL;
	return t->items_[index - 1];
}

/* The value the last record of `name` before offset `before` gave it;
 * NULL when there is none, or the last is a possible change. */
static const mc_lsrc_entry *
binding(const mc_lsrc *src, const char *name, size_t len, size_t before)
{
	size_t lo = 0, hi = src->nrecs;
	const record *r;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c;

		r = &src->recs[mid];
		c = cmp_name(r->name, r->len, name, len);
		if (c < 0 || (c == 0 && r->off < before))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	r = &src->recs[lo - 1];
	return cmp_name(r->name, r->len, name, len) == 0 ? r->value : NULL;
}

static const mc_lsrc_table *table_of(const mc_lsrc *src,
				     const mc_lsrc_entry *e, int *budget);

/* mc_lsrc_find, with a budget of names followed shared by the nested
 * resolutions (each reads at an earlier offset than the one before, but
 * there may be many). */
static const mc_lsrc_entry *
find_entry(const mc_lsrc *src, const char *path, size_t len, size_t before,
	   int *budget)
{
	const char *dot = memchr(path, '.', len);
	size_t n = dot ? (size_t)(dot - path) : len;
	const mc_lsrc_entry *e = binding(src, path, n, before);

	while (e && dot) {
		path = dot + 1;
		len -= n + 1;
		dot = memchr(path, '.', len);
		n = dot ? (size_t)(dot - path) : len;
		e = mc_lsrc_get(table_of(src, e, budget), path, n);
	}
	return e;
}

static const mc_lsrc_table *
table_of(const mc_lsrc *src, const mc_lsrc_entry *e, int *budget)
{
	while (e) {
		if (e->value_kind == MC_LSRC_VALUE_TABLE)
			return e->table;
		if (e->value_kind != MC_LSRC_VALUE_NAME || --*budget < 0)
			return NULL;
		e = find_entry(src, e->text, e->text_len, e->value_off, budget);
	}
	return NULL;
}

const mc_lsrc_table *
mc_lsrc_value_table(const mc_lsrc *src, const mc_lsrc_entry *e)
{
	int budget = MAX_HOPS;

	return src ? table_of(src, e, &budget) : NULL;
}

const mc_lsrc_table *
mc_lsrc_returned(const mc_lsrc *src)
{
	return mc_lsrc_value_table(src, mc_lsrc_return_value(src));
}

const mc_lsrc_entry *
mc_lsrc_find(const mc_lsrc *src, const char *path, size_t len, size_t before)
{
	int budget = MAX_HOPS;

	return src && path ? find_entry(src, path, len, before, &budget) : NULL;
}

const mc_lsrc_table *
mc_lsrc_lookup(const mc_lsrc *src, const char *path, size_t len,
	       size_t before)
{
	return mc_lsrc_value_table(src, mc_lsrc_find(src, path, len, before));
}

/* The first string literal longer than max into *t. */
static bool
long_literal(const char *src, size_t len, size_t max, token *t)
{
	lexer lx;

	mc_llex_init(&lx, src, len);
	for (mc_llex(&lx, t); t->kind != TK_EOF; mc_llex(&lx, t)) {
		if (t->kind == TK_STRING && t->cend - t->cstart > max)
			return true;
	}
	return false;
}

bool
mc_lsrc_long_literal(const char *src, size_t len, size_t max, unsigned *line,
		     unsigned *col)
{
	token t;

	if (!long_literal(src, len, max, &t))
		return false;
	*line = t.line;
	*col = t.col;
	return true;
}

bool
mc_lsrc_long_literal_length(const char *src, size_t len, size_t max, size_t *n)
{
	token t;

	if (!long_literal(src, len, max, &t))
		return false;
	*n = t.cend - t.cstart;
	return true;
}

