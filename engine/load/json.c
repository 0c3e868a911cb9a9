/* SPDX-License-Identifier: MIT */
/*
 * json.c - the JSON loader: jansson's values and the places of their text
 * in, a tree of marked nodes out (json.h).
 *
 * Three passes over the text. The first (check_limits) reads its tokens,
 * as far as the end of the first value, and finds the first place that
 * goes past a limit: jansson then parses the text only up to there, so
 * that a file of many small values costs no more memory than the limits
 * allow, and the text before it decides between a JSON error and the
 * limit, whichever comes first. The second is jansson's. The third
 * (build) walks jansson's values in document order, each taking the next
 * token of the text for its place: jansson has refused what is not JSON
 * and duplicate keys, so its values and the text's tokens are the same
 * sequence. Each of jansson's values is freed once its node is built, so
 * that the two trees are not held whole at once.
 */
#include "load/json.h"

#include <assert.h>
#include <errno.h>
#include <iconv.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

/* ------------------------------------------------------------------------
 * Tokens and their places
 */

typedef enum tok_kind {
	TOK_END,      /* the end of the text */
	TOK_OTHER,    /* what no JSON token starts with, or a string not closed */
	TOK_MAP,      /* { */
	TOK_LIST,     /* [ */
	TOK_CLOSE,    /* } or ] */
	TOK_COMMA,
	TOK_COLON,
	TOK_STRING,
	TOK_ATOM      /* a number, true, false or null */
} tok_kind;

typedef struct token {
	tok_kind kind;
	size_t start, end;    /* its bytes */
	uint32_t line, col;   /* 1-based, where it starts */
	size_t bytes;         /* a string's bytes once decoded */
	bool nul;             /* a string that holds \u0000 */
} token;

/* A place in the text, with its line and column. */
typedef struct cursor {
	const unsigned char *s;
	size_t len, i;
	uint32_t line, col;
} cursor;

static void
cursor_init(cursor *c, const char *text, size_t len)
{
	c->s = (const unsigned char *)text;
	c->len = len;
	c->i = 0;
	c->line = 1;
	c->col = 1;
}

static int
hex4(const unsigned char *p, size_t left, uint32_t *v)
{
	*v = 0;
	if (left < 4)
		return -1;
	for (int k = 0; k < 4; k++) {
		unsigned char h = p[k];

		*v <<= 4;
		if (h >= '0' && h <= '9')
			*v |= (uint32_t)(h - '0');
		else if (h >= 'a' && h <= 'f')
			*v |= (uint32_t)(h - 'a' + 10);
		else if (h >= 'A' && h <= 'F')
			*v |= (uint32_t)(h - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

/* The bytes of code point v in UTF-8. */
static size_t
utf8_bytes(uint32_t v)
{
	return v < 0x80 ? 1 : v < 0x800 ? 2 : 3;
}

/*
 * Reads a string from its opening quote: its decoded length and whether it
 * holds a NUL, its end after the closing quote. A line break inside it
 * (NEL, LS and PS are JSON, CR and LF are not) counts as the YAML loader
 * and the file's index of lines count it. Returns false for a string not
 * closed.
 */
static bool
scan_string(cursor *c, token *t)
{
	const unsigned char *s = c->s;
	size_t i = c->i + 1, n = c->len, bytes = 0;

	c->col++;
	while (i < n) {
		unsigned char b = s[i];
		size_t run = i;

		/* Printable ASCII, most of any string: a column a byte. */
		while (b >= 0x20 && b < 0x7F && b != '"' && b != '\\' && ++i < n)
			b = s[i];
		c->col += (uint32_t)(i - run);
		bytes += i - run;
		if (i == n)
			break;
		if (b == '"') {
			c->col++;
			c->i = i + 1;
			t->bytes = bytes;
			return true;
		}
		if (b == '\\' && i + 1 < n) {
			uint32_t v, lo;

			c->col += 2;
			if (s[i + 1] != 'u') {
				bytes++;
				i += 2;
				continue;
			}
			if (hex4(s + i + 2, n - i - 2, &v) < 0) {
				i += 2;
				continue;
			}
			c->col += 4;
			i += 6;
			if (v >= 0xD800 && v <= 0xDBFF && i + 1 < n && s[i] == '\\' &&
			    s[i + 1] == 'u' && hex4(s + i + 2, n - i - 2, &lo) == 0 &&
			    lo >= 0xDC00 && lo <= 0xDFFF) {
				c->col += 6;
				i += 6;
				bytes += 4;
				continue;
			}
			t->nul |= v == 0;
			bytes += utf8_bytes(v);
			continue;
		}
		if (b == '\n' || (b == '\r' && !(i + 1 < n && s[i + 1] == '\n'))) {
			c->line++;
			c->col = 1;
		} else if (b == 0xC2 && i + 1 < n && s[i + 1] == 0x85) {
			c->line++;
			c->col = 1;
			bytes += 2;
			i += 2;
			continue;
		} else if (b == 0xE2 && i + 2 < n && s[i + 1] == 0x80 &&
			   (s[i + 2] == 0xA8 || s[i + 2] == 0xA9)) {
			c->line++;
			c->col = 1;
			bytes += 3;
			i += 3;
			continue;
		} else if ((b & 0xC0) != 0x80 && b != '\r') {
			c->col++;
		}
		bytes++;
		i++;
	}
	c->i = n;
	return false;
}

static bool
atom_char(unsigned char b)
{
	return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') ||
	       (b >= 'A' && b <= 'Z') || b == '-' || b == '+' || b == '.';
}

/* Reads the next token after white space. */
static void
next_token(cursor *c, token *t)
{
	const unsigned char *s = c->s;
	size_t n = c->len;

	while (c->i < n) {
		unsigned char b = s[c->i];

		if (b == ' ' || b == '\t') {
			size_t run = c->i;

			while (++c->i < n && s[c->i] == ' ')
				;
			c->col += (uint32_t)(c->i - run);
			continue;
		} else if (b == '\n' || (b == '\r' && !(c->i + 1 < n &&
							 s[c->i + 1] == '\n'))) {
			c->line++;
			c->col = 1;
		} else if (b != '\r') {
			break;
		}
		c->i++;
	}
	memset(t, 0, sizeof(*t));
	t->start = c->i;
	t->line = c->line;
	t->col = c->col;
	if (c->i == n) {
		t->kind = TOK_END;
		return;
	}
	switch (s[c->i]) {
	case '{': t->kind = TOK_MAP; break;
	case '[': t->kind = TOK_LIST; break;
	case '}': case ']': t->kind = TOK_CLOSE; break;
	case ',': t->kind = TOK_COMMA; break;
	case ':': t->kind = TOK_COLON; break;
	case '"':
		t->kind = scan_string(c, t) ? TOK_STRING : TOK_OTHER;
		t->end = c->i;
		return;
	default:
		if (!atom_char(s[c->i])) {
			t->kind = TOK_OTHER;
			return;
		}
		while (c->i < n && atom_char(s[c->i])) {
			c->i++;
			c->col++;
		}
		t->kind = TOK_ATOM;
		t->end = c->i;
		return;
	}
	c->i++;
	c->col++;
	t->end = c->i;
}

/* ------------------------------------------------------------------------
 * The limits, before jansson
 */

/* What the first pass found past a limit, or a NUL in a string. */
typedef struct stop {
	bool found;
	bool nul;             /* else a limit: */
	mc_load_limit what;
	size_t off;           /* where its token starts */
	uint32_t line, col;
} stop;

typedef struct level {
	bool map, key_next;
	size_t items;
} level;

static void
stop_at(stop *st, const token *t, bool nul, mc_load_limit what)
{
	st->found = true;
	st->nul = nul;
	st->what = what;
	st->off = t->start;
	st->line = t->line;
	st->col = t->col;
}

/*
 * Reads the tokens of the text as far as the end of its first value, as
 * the YAML loader reads a flow collection's events, and finds the first
 * one past a limit of lim (max_depth at most MC_MAX_DEPTH), or a string
 * that holds a NUL. Tokens are taken as they come: what is not JSON, which
 * stops it, is jansson's to report. Sets *any when there was a token.
 */
static void
check_limits(const char *text, size_t len, const mc_limits *lim, stop *st,
	     bool *any)
{
	level stack[MC_MAX_DEPTH];
	size_t depth = 0, nodes = 0;
	cursor c;
	token t;

	cursor_init(&c, text, len);
	*any = false;
	for (;;) {
		next_token(&c, &t);
		if (t.kind == TOK_END || t.kind == TOK_OTHER) {
			*any = *any || t.kind == TOK_OTHER;
			return;
		}
		*any = true;
		if (t.kind == TOK_COLON)
			continue;
		if (t.kind == TOK_COMMA) {
			if (depth && stack[depth - 1].map)
				stack[depth - 1].key_next = true;
			continue;
		}
		if (t.kind == TOK_CLOSE) {
			if (depth <= 1)
				return;
			depth--;
			continue;
		}
		/* A value, or a key: a node. */
		if (t.kind == TOK_MAP || t.kind == TOK_LIST) {
			if (depth >= lim->max_depth) {
				stop_at(st, &t, false, MC_LOAD_DEPTH);
				return;
			}
		} else if (t.kind == TOK_STRING || t.kind == TOK_ATOM) {
			size_t bytes = t.kind == TOK_STRING ? t.bytes : t.end - t.start;

			if (bytes > lim->max_scalar_bytes) {
				stop_at(st, &t, false, MC_LOAD_SCALAR);
				return;
			}
			if (t.nul) {
				stop_at(st, &t, true, MC_LOAD_SCALAR);
				return;
			}
		}
		if (++nodes > lim->max_nodes) {
			stop_at(st, &t, false, MC_LOAD_NODES);
			return;
		}
		if (depth) {
			level *l = &stack[depth - 1];

			if (!l->map || l->key_next) {
				if (l->items >= lim->max_items) {
					stop_at(st, &t, false, l->map ? MC_LOAD_MAP_ITEMS
						: MC_LOAD_LIST_ITEMS);
					return;
				}
				l->items++;
			}
			l->key_next = false;
		}
		if (t.kind == TOK_MAP || t.kind == TOK_LIST) {
			stack[depth].map = t.kind == TOK_MAP;
			stack[depth].key_next = t.kind == TOK_MAP;
			stack[depth].items = 0;
			depth++;
		} else if (!depth) {
			return;
		}
	}
}

/* ------------------------------------------------------------------------
 * Building the tree from jansson's values
 */

typedef struct walker {
	mc_doc *doc;
	const char *text;
	cursor cur;
	mc_keys_seed seed;
	int status;
} walker;

/* The next token that starts a value or a key. */
static void
next_value(walker *w, token *t)
{
	do
		next_token(&w->cur, t);
	while (t->kind == TOK_COMMA || t->kind == TOK_COLON || t->kind == TOK_CLOSE);
}

static uint64_t
add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static mc_node *
new_node(walker *w, mc_node_kind kind, const token *t)
{
	mc_node *n = mc_arena_calloc(&w->doc->arena, 1, sizeof(*n));

	if (!n) {
		w->status = MC_ENOMEM;
		return NULL;
	}
	n->kind = (uint8_t)kind;
	n->line = t->line;
	n->col = t->col;
	n->file = &w->doc->file;
	n->weight = 1;
	return n;
}

/* A string of jansson's, at token t (a key or a value). */
static mc_node *
new_string(walker *w, const token *t, const char *s, size_t len)
{
	mc_node *n = new_node(w, MC_NODE_SCALAR, t);

	if (!n)
		return NULL;
	n->type = MC_SCALAR_STR;
	n->flags = MC_NODE_QUOTED;
	n->len = len;
	if (!(n->u.text = mc_arena_strndup(&w->doc->arena, s, len))) {
		w->status = MC_ENOMEM;
		return NULL;
	}
	return n;
}

/* Takes child's height and weight into its collection n. */
static void
adopt(mc_node *n, const mc_node *child)
{
	if (child->height >= n->height)
		n->height = child->height + 1;
	n->weight = add_sat(n->weight, child->weight);
}

static mc_node *build(walker *w, json_t *v);

static mc_node *
build_map(walker *w, json_t *v, mc_node *n)
{
	size_t count = json_object_size(v), i = 0;
	mc_pair *pairs = NULL;

	n->height = 1;
	if (count && !(pairs = mc_arena_calloc(&w->doc->arena, count, sizeof(*pairs)))) {
		w->status = MC_ENOMEM;
		return NULL;
	}
	for (void *it = json_object_iter(v); it && i < count;
	     it = json_object_iter_next(v, it), i++) {
		mc_node *key, *value;
		token t;

		next_value(w, &t);
		assert(t.kind == TOK_STRING);
		key = new_string(w, &t, json_object_iter_key(it),
				 json_object_iter_key_len(it));
		if (!key || !(value = build(w, json_object_iter_value(it))))
			return NULL;
		/* Built: jansson's value goes (null is no allocation). */
		json_object_iter_set_new(v, it, json_null());
		pairs[i].key = key;
		pairs[i].value = value;
		n->weight = add_sat(n->weight, key->weight);
		adopt(n, value);
	}
	n->u.pairs = pairs;
	n->len = i;
	if (mc_node_index_keys(n, &w->doc->arena, &w->seed) < 0) {
		w->status = MC_ENOMEM;
		return NULL;
	}
	return n;
}

static mc_node *
build_list(walker *w, json_t *v, mc_node *n)
{
	size_t count = json_array_size(v);
	const mc_node **items = NULL;

	n->height = 1;
	if (count && !(items = mc_arena_calloc(&w->doc->arena, count, sizeof(*items)))) {
		w->status = MC_ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < count; i++) {
		mc_node *item = build(w, json_array_get(v, i));

		if (!item)
			return NULL;
		json_array_set_new(v, i, json_null());
		items[i] = item;
		adopt(n, item);
	}
	n->u.items = items;
	n->len = count;
	return n;
}

/* The node of value v, whose text starts at the next token. Numbers,
 * true, false and null are their text, typed as a plain scalar of YAML. */
static mc_node *
build(walker *w, json_t *v)
{
	token t;
	mc_node *n;

	next_value(w, &t);
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		assert(t.kind == TOK_MAP);
		return (n = new_node(w, MC_NODE_MAP, &t)) ? build_map(w, v, n) : NULL;
	case JSON_ARRAY:
		assert(t.kind == TOK_LIST);
		return (n = new_node(w, MC_NODE_SEQ, &t)) ? build_list(w, v, n) : NULL;
	case JSON_STRING:
		assert(t.kind == TOK_STRING);
		return new_string(w, &t, json_string_value(v), json_string_length(v));
	default:
		assert(t.kind == TOK_ATOM);
		if (!(n = new_node(w, MC_NODE_SCALAR, &t)))
			return NULL;
		n->len = t.end - t.start;
		if (!(n->u.text = mc_arena_strndup(&w->doc->arena, w->text + t.start,
						   n->len))) {
			w->status = MC_ENOMEM;
			return NULL;
		}
		mc_node_type_plain(n);
		return n;
	}
}

/* ------------------------------------------------------------------------
 * Reading the text: encodings, jansson, errors
 */

/*
 * Converts UTF-16 (len bytes at raw, its byte order mark first, le or
 * big-endian) into a malloc'd, NUL-terminated UTF-8 text, as libyaml
 * converts it when it reads YAML. What is not UTF-16 is reported at its
 * character. Returns an MC_ status.
 */
static int
from_utf16(const mc_file *f, bool le, char **out, size_t *outlen, mc_diag *diag)
{
	const char *raw = f->data;
	size_t len = f->len;
	char *in = (char *)(uintptr_t)(raw + 2), *o, *buf;
	size_t inleft = len - 2, cap, oleft;
	iconv_t cd;
	size_t line, col;
	int rc = MC_OK;

	*out = NULL;
	/* A UTF-16 unit becomes at most 3 bytes of UTF-8 (a pair of them, 4). */
	cap = inleft / 2 * 3 + 4;
	if (!(buf = malloc(cap + 1)))
		return MC_ENOMEM;
	cd = iconv_open("UTF-8", le ? "UTF-16LE" : "UTF-16BE");
	if (cd == (iconv_t)-1) {
		int e = errno;

		free(buf);
		if (e == ENOMEM)
			return MC_ENOMEM;
		mc_file_diag(diag, MC_SEVERITY_ERROR, f, 1, 1, "the file is UTF-16, "
			     "which this system cannot convert (iconv: %s): "
			     "convert it to UTF-8", strerror(e));
		return MC_EINPUT;
	}
	o = buf;
	oleft = cap;
	if (iconv(cd, &in, &inleft, &o, &oleft) == (size_t)-1) {
		int e = errno;

		if (e == ENOMEM) {
			rc = MC_ENOMEM;
		} else {
			mc_text_offset_pos(raw, len, (size_t)(in - raw), &line, &col);
			mc_file_diag(diag, MC_SEVERITY_ERROR, f, (unsigned)line + 1,
				     (unsigned)col + 1, "%s", e == EINVAL
				     ? "incomplete UTF-16 character at the end of the file"
				     : "invalid UTF-16: a surrogate without its pair");
			rc = MC_EINPUT;
		}
	}
	iconv_close(cd);
	if (rc != MC_OK) {
		free(buf);
		return rc;
	}
	*o = '\0';
	*out = buf;
	*outlen = (size_t)(o - buf);
	return MC_OK;
}

/*
 * Reports jansson's error e in text (tlen bytes) of f. jansson's position
 * is the count of bytes it read: the error is at the character that holds
 * the last of them, where its own column points, and at the next byte
 * for bytes that are not UTF-8, which it does not count. The line and
 * column are counted as every other place of the file is.
 */
static void
json_error(const mc_file *f, const char *text, size_t tlen,
	   const json_error_t *e, mc_diag *diag)
{
	size_t off = e->position > 0 ? (size_t)e->position : 0, line, col;

	if (off > tlen)
		off = tlen;
	if (json_error_code(e) != json_error_invalid_utf8 && off > 0) {
		off--;
		for (int k = 0; k < 3 && off > 0 &&
		     ((unsigned char)text[off] & 0xC0) == 0x80; k++)
			off--;
	}
	mc_text_offset_pos(text, tlen, off, &line, &col);
	mc_file_diag(diag, MC_SEVERITY_ERROR, f, (unsigned)line + 1,
		     (unsigned)col + 1, "%s", e->text);
}

/* A key of an object as the text writes it, quotes included. */
typedef struct text_key {
	size_t start, end;
	uint32_t line, col;
} text_key;

/* The string a key's text stands for, as jansson decodes it, or NULL. */
static json_t *
key_string(const char *text, const text_key *k)
{
	return json_loadb(text + k->start, k->end - k->start, JSON_DECODE_ANY, NULL);
}

/* Keys a and b of text are the same string. */
static bool
same_key(const char *text, const text_key *a, const text_key *b,
	 const json_t *bs)
{
	size_t la = a->end - a->start, lb = b->end - b->start;
	json_t *as;
	bool same;

	if (la == lb && memcmp(text + a->start, text + b->start, la) == 0)
		return true;
	if (!bs || (!memchr(text + a->start, '\\', la) &&
		    !memchr(text + b->start, '\\', lb)))
		return false;
	as = key_string(text, a);
	same = as && json_equal(as, bs);
	json_decref(as);
	return same;
}

/*
 * jansson refused the key that ends at byte `at` of text as a duplicate:
 * reports it as the YAML loader reports a duplicate key, at the key, with
 * the place of the first. The text before it is within the limits (depth
 * among them). -1 when the first is not found or memory runs out, for
 * jansson's message to be reported instead.
 */
static int
duplicate_key(const mc_file *f, const char *text, size_t tlen, size_t at,
	      mc_diag *diag)
{
	struct {
		bool map, key_next;
		size_t first;   /* its first key in keys */
	} stack[MC_MAX_DEPTH + 1];
	text_key *keys = NULL, k;
	size_t nkeys = 0, cap = 0, depth = 0;
	json_t *dup = NULL;
	int rc = -1;
	cursor c;
	token t;

	cursor_init(&c, text, tlen);
	for (next_token(&c, &t); t.kind != TOK_END && t.kind != TOK_OTHER &&
	     t.start < at; next_token(&c, &t)) {
		if (t.kind == TOK_MAP || t.kind == TOK_LIST) {
			if (depth > MC_MAX_DEPTH)
				break;
			stack[depth].map = t.kind == TOK_MAP;
			stack[depth].key_next = t.kind == TOK_MAP;
			stack[depth++].first = nkeys;
		} else if (t.kind == TOK_CLOSE && depth) {
			nkeys = stack[--depth].first;
		} else if (t.kind == TOK_COMMA && depth && stack[depth - 1].map) {
			stack[depth - 1].key_next = true;
		} else if (t.kind == TOK_STRING && depth && stack[depth - 1].key_next) {
			stack[depth - 1].key_next = false;
			k = (text_key){t.start, t.end, t.line, t.col};
			if (t.end == at)
				goto found;
			if (MC_GROW(keys, cap, nkeys + 1) < 0)
				break;
			keys[nkeys++] = k;
		}
	}
	goto out;
found:
	dup = key_string(text, &k);
	for (size_t i = stack[depth - 1].first; i < nkeys; i++) {
		if (!same_key(text, &keys[i], &k, dup))
			continue;
		if (mc_file_diag(diag, MC_SEVERITY_ERROR, f, k.line, k.col,
				 "duplicate key '%.64s' (first at line %u, column %u)",
				 dup ? json_string_value(dup) : "", (unsigned)keys[i].line,
				 (unsigned)keys[i].col) == 0)
			mc_diag_set_code(diag, "duplicate-key");
		rc = 0;
		break;
	}
out:
	json_decref(dup);
	free(keys);
	return rc;
}

/* Parses text (tlen bytes, UTF-8) into doc's tree. */
static int
parse(mc_doc *doc, const char *text, size_t tlen, const mc_limits *lim,
      mc_diag *diag)
{
	stop st = {0};
	json_error_t e;
	json_t *root;
	walker w;
	bool any;

	check_limits(text, tlen, lim, &st, &any);
	if (!any)
		return MC_OK;  /* white space alone: no document */
	/* Up to the stop only: what comes first, a JSON error before it or
	 * the stop, is reported. */
	root = json_loadb(text, st.found ? st.off : tlen, JSON_REJECT_DUPLICATES |
			  JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL, &e);
	if (!root && json_error_code(&e) == json_error_out_of_memory)
		return MC_ENOMEM;
	if (!root && !(st.found &&
		       json_error_code(&e) == json_error_premature_end_of_input)) {
		if (json_error_code(&e) != json_error_duplicate_key || e.position <= 0 ||
		    duplicate_key(&doc->file, text, tlen, (size_t)e.position, diag) < 0)
			json_error(&doc->file, text, tlen, &e, diag);
		return MC_EINPUT;
	}
	if (st.found) {
		json_decref(root);
		if (st.nul) {
			mc_file_diag(diag, MC_SEVERITY_ERROR, &doc->file, st.line,
				     st.col, "a scalar contains a NUL byte");
			return MC_EINPUT;
		}
		mc_load_limit_error(diag, &doc->file, st.line, st.col, st.what, lim);
		return MC_ELIMIT;
	}
	memset(&w, 0, sizeof(w));
	w.doc = doc;
	w.text = text;
	cursor_init(&w.cur, text, tlen);
	doc->root = build(&w, root);
	json_decref(root);
	return doc->root ? MC_OK : w.status ? w.status : MC_ENOMEM;
}

int
mc_json_load_buffer(mc_doc **out, const char *name, const char *buf,
		    size_t len, const mc_limits *limits, mc_diag *diag)
{
	const unsigned char *b = (const unsigned char *)buf;
	mc_limits lim;
	mc_doc *doc = NULL;
	char *copy, *utf8 = NULL;
	const char *text;
	size_t tlen;
	int rc;

	*out = NULL;
	if (limits)
		lim = *limits;
	else
		mc_limits_default(&lim);
	/* As the YAML loader: no deeper than the most a limit may say. */
	if (lim.max_depth > MC_MAX_DEPTH)
		lim.max_depth = MC_MAX_DEPTH;
	if (!(copy = malloc(len + 1)))
		return MC_ENOMEM;
	if (len)
		memcpy(copy, buf, len);
	copy[len] = '\0';
	if ((rc = mc_doc_new(&doc, name, copy, len)) != MC_OK)
		return rc;
	if (len > lim.max_file_bytes) {
		mc_doc_free(doc);
		return mc_file_too_large(name, NULL, &lim, diag);
	}
	text = doc->file.data;
	tlen = len;
	if (len >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) {
		rc = from_utf16(&doc->file, b[0] == 0xFF, &utf8, &tlen, diag);
		if (rc == MC_OK) {
			/* The document holds the UTF-8 it was read as: the
			 * places are its characters, and diagnostics show its
			 * lines (the source index shows no UTF-16). */
			free(doc->data_buf);
			doc->file.data = doc->data_buf = utf8;
			doc->file.len = tlen;
			text = utf8;
			utf8 = NULL;
		}
	} else if (len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
		text += 3;
		tlen -= 3;
	}
	if (rc == MC_OK)
		rc = parse(doc, text, tlen, &lim, diag);
	free(utf8);
	if (rc != MC_OK) {
		mc_doc_free(doc);
		return rc;
	}
	*out = doc;
	return MC_OK;
}
