/* SPDX-License-Identifier: MIT */
/*
 * node.c - the YAML loader: libyaml events in, a tree of marked nodes out.
 * Reading files and finding their lines is source.c's job; files that
 * files name are named.c's.
 */
#include "load/node.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <xxhash.h>
#include <yaml.h>

#include "util/grow.h"
#include "util/scalar.h"
#include "util/strmap.h"

#define FLAG_OPEN 1     /* a collection still being built */
#define FLAG_MERGE 2    /* a plain `<<` key */
/* A mapping of a shared document: its pairs are followed, in the same
 * block, by where each value was written (a place per pair). */
#define FLAG_POS 4

#define TAG_PREFIX "tag:yaml.org,2002:"

/* An open collection: its node and where its children start on the
 * builder's child stack; `own` when its scalars must be nodes of their
 * own (the list of a `<<` merge, whose items' places its errors give). */
typedef struct frame {
	mc_node *node;
	size_t start;
	bool own;
} frame;

/* Where a child on the builder's stack was written: a shared scalar's
 * node has the place of its first occurrence only. */
typedef struct place {
	uint32_t line, col;
} place;

/* The kinds of scalar text a shared scalar is found by: plain, quoted,
 * and block scalars of the same text are different values. */
enum { SHARE_PLAIN, SHARE_QUOTED, SHARE_BLOCK, SHARE_KINDS };

typedef struct builder {
	mc_doc *doc;
	const mc_limits *lim;
	mc_diag *diag;
	frame *frames;
	size_t nframes, capframes;
	const mc_node **kids;
	place *kplace;          /* per child: where it was written */
	size_t nkids, capkids;
	/* MC_DOC_SHARED: the first node of each text, per kind of scalar,
	 * by text: an index into canon. */
	bool share;
	mc_strmap canon_index[SHARE_KINDS];
	const mc_node **canon;
	size_t ncanon, capcanon;
	/* MC_DOC_SHARED: lists of scalars (a host's CPU features), by their
	 * items: an index into lists, whose items arrays they share. */
	mc_strmap list_index;
	const mc_node ***lists;
	size_t nlists, caplists;
	mc_strmap anchors;      /* anchor name -> index into names/targets */
	char **anchor_names;
	const mc_node **anchor_nodes;
	size_t nanchors, capanchors;
	size_t nodes;
	uint64_t alias_nodes;
	mc_keys_seed seed;      /* of the mappings' key indexes */
	int documents;
	int status;
} builder;

/* ------------------------------------------------------------------------
 * Diagnostics at nodes and at the marks of libyaml
 */

int
mc_node_diag(mc_diag *diag, mc_severity sev, const mc_node *n,
	     const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = mc_file_vdiag(diag, sev, n->file, n->line, n->col, fmt, ap);
	va_end(ap);
	return rc;
}

int
mc_node_error_counted(mc_diag *diag, int *count, const mc_node *n,
		      const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = mc_file_vdiag(diag, MC_SEVERITY_ERROR, n->file, n->line, n->col, fmt, ap);
	va_end(ap);
	(*count)++;
	return rc;
}

static void
berror_id(builder *b, const char *code, const yaml_mark_t *m, int status,
	  const char *fmt, ...) MC_PRINTF(5, 6);

/* Reports a YAML error; its id is `code`, or for NULL "limit" when status
 * is MC_ELIMIT and "yaml" otherwise. */
static void
berror_id(builder *b, const char *code, const yaml_mark_t *m, int status,
	  const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = mc_file_vdiag(b->diag, MC_SEVERITY_ERROR, &b->doc->file,
			(unsigned)m->line + 1, (unsigned)m->column + 1, fmt, ap);
	va_end(ap);
	if (rc == 0)
		mc_diag_set_code(b->diag, code ? code
				 : status == MC_ELIMIT ? "limit" : "yaml");
	if (!b->status)
		b->status = status;
}

#define berror(b, m, status, ...) berror_id((b), NULL, (m), (status), __VA_ARGS__)

static place
mark_place(const yaml_mark_t *m)
{
	place p = {(uint32_t)m->line + 1, (uint32_t)m->column + 1};

	return p;
}

void
mc_load_limit_error(mc_diag *diag, const mc_file *f, uint32_t line,
		    uint32_t col, mc_load_limit what, const mc_limits *lim)
{
	char size[32];
	int rc;

	switch (what) {
	case MC_LOAD_DEPTH:
		rc = mc_file_diag(diag, MC_SEVERITY_ERROR, f, line, col,
				  "collections nested deeper than %zu levels "
				  MC_LIMIT_HINT("depth"), lim->max_depth);
		break;
	case MC_LOAD_NODES:
		rc = mc_file_diag(diag, MC_SEVERITY_ERROR, f, line, col,
				  "more than %zu YAML nodes in one file "
				  MC_LIMIT_HINT("nodes"), lim->max_nodes);
		break;
	case MC_LOAD_MAP_ITEMS:
	case MC_LOAD_LIST_ITEMS:
		rc = mc_file_diag(diag, MC_SEVERITY_ERROR, f, line, col,
				  "more than %zu items in one %s "
				  MC_LIMIT_HINT("items"), lim->max_items,
				  what == MC_LOAD_MAP_ITEMS ? "mapping" : "list");
		break;
	default:
		rc = mc_file_diag(diag, MC_SEVERITY_ERROR, f, line, col,
				  "a scalar longer than %s " MC_LIMIT_HINT("scalar-size"),
				  mc_size_text(size, sizeof(size), lim->max_scalar_bytes));
		break;
	}
	if (rc == 0)
		mc_diag_set_code(diag, "limit");
}

/* Reports a limit of mc_limits exceeded at `at`. */
static void
limit_error(builder *b, place at, mc_load_limit what)
{
	mc_load_limit_error(b->diag, &b->doc->file, at.line, at.col, what, b->lim);
	if (!b->status)
		b->status = MC_ELIMIT;
}

/* ------------------------------------------------------------------------
 * Node queries
 */

/*
 * A mapping's index of its keys: open addressing with linear probing over
 * a power of two of slots, at most half of them used, each holding the
 * index of a pair plus one (0: empty). The hash is XXH3 seeded per
 * document, so that keys cannot be chosen to collide. Mappings of up to
 * KEYS_LINEAR pairs have no index: comparing a few keys costs less than
 * hashing one. A mapping built outside the loader may have the places of
 * its values here (mc_node_set_places), with no index (mask 0); a mapping
 * of a shared document keeps them after its pairs (FLAG_POS).
 */
#define KEYS_LINEAR 16

struct mc_keys {
	const mc_place *at;  /* per pair: where its value was written, or NULL
	                        (mc_node_set_places) */
	uint64_t seed;
	size_t mask;         /* slots - 1; 0: no index */
	uint32_t slot[];
};

static uint64_t
key_hash(const mc_keys *ks, const char *key, size_t len)
{
	return XXH3_64bits_withSeed(key, len, ks->seed);
}

/* The slot of key in ks: the one that holds it, or the empty one where
 * it would go. */
static uint32_t *
keys_find(const mc_keys *ks, const mc_pair *pairs, const char *key,
	  size_t len)
{
	size_t i = (size_t)key_hash(ks, key, len) & ks->mask;
	uint32_t *slot = (uint32_t *)(uintptr_t)ks->slot;

	for (;; i = (i + 1) & ks->mask) {
		const mc_node *k;

		if (!slot[i])
			return &slot[i];
		k = pairs[slot[i] - 1].key;
		if (k->len == len && memcmp(k->u.text, key, len) == 0)
			return &slot[i];
	}
}

const mc_node *
mc_node_getn(const mc_node *map, const char *key, size_t len)
{
	size_t i;

	if (!map || map->kind != MC_NODE_MAP)
		return NULL;
	i = mc_node_find(map, key, len);
	return i < map->len ? map->u.pairs[i].value : NULL;
}

size_t
mc_node_find(const mc_node *map, const char *key, size_t len)
{
	if (map->keys && map->keys->mask) {
		const uint32_t *s = keys_find(map->keys, map->u.pairs, key, len);

		return *s ? *s - 1 : map->len;
	}
	for (size_t i = 0; i < map->len; i++) {
		const mc_node *k = map->u.pairs[i].key;
		if (k->len == len && memcmp(k->u.text, key, len) == 0)
			return i;
	}
	return map->len;
}

const mc_node *
mc_node_get(const mc_node *map, const char *key)
{
	return mc_node_getn(map, key, strlen(key));
}

mc_place
mc_node_value_at(const mc_node *map, size_t i)
{
	const mc_node *v = map->u.pairs[i].value;
	mc_place p = {v->file, v->line, v->col};

	if (map->flags & FLAG_POS) {
		const place *pos = (const place *)(map->u.pairs + map->len);

		p.file = map->file;
		p.line = pos[i].line;
		p.col = pos[i].col;
		return p;
	}
	return map->keys && map->keys->at ? map->keys->at[i] : p;
}

const mc_node *
mc_node_get_at(const mc_node *map, const char *key, mc_place *at)
{
	size_t i;

	if (!map || map->kind != MC_NODE_MAP)
		return NULL;
	i = mc_node_find(map, key, strlen(key));
	if (i == map->len)
		return NULL;
	*at = mc_node_value_at(map, i);
	return map->u.pairs[i].value;
}

mc_place
mc_node_place(const mc_node *n)
{
	mc_place p = {n->file, n->line, n->col};

	return p;
}

int
mc_node_set_places(mc_node *map, mc_arena *arena, const mc_place *at)
{
	mc_keys *ks;

	if (map->keys)  /* an index is the loader's, for its own mappings */
		return -1;
	/* A copy of a loaded mapping with other pairs: no places after them. */
	map->flags &= (uint8_t)~FLAG_POS;
	ks = mc_arena_calloc(arena, 1, sizeof(*ks));
	if (!ks || !(ks->at = mc_arena_memdup(arena, at, map->len, sizeof(*at))))
		return -1;
	map->keys = ks;
	return 0;
}

int
mc_place_diag(mc_diag *diag, mc_severity sev, mc_place at, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = mc_file_vdiag(diag, sev, at.file, at.line, at.col, fmt, ap);
	va_end(ap);
	return rc;
}

int
mc_node_is_str(const mc_node *n)
{
	return n && n->kind == MC_NODE_SCALAR && n->type == MC_SCALAR_STR;
}

const char *
mc_node_describe(const mc_node *n)
{
	if (!n)
		return "nothing";
	switch (n->kind) {
	case MC_NODE_SEQ:
		return "a list";
	case MC_NODE_MAP:
		return "a mapping";
	default:
		break;
	}
	switch (n->type) {
	case MC_SCALAR_NULL:
		return "null";
	case MC_SCALAR_BOOL:
		return "a boolean";
	case MC_SCALAR_INT:
		return "an integer";
	case MC_SCALAR_FUNC:
		return "a function";
	default:
		if (n->flags & MC_NODE_BIGINT)
			return "an integer too large for 64 bits";
		return n->len ? "a string" : "an empty string";
	}
}

/* ------------------------------------------------------------------------
 * Scalars
 */

static int
text_is(const char *s, size_t len, const char *const *words)
{
	for (; *words; words++) {
		if (strlen(*words) == len && memcmp(*words, s, len) == 0)
			return 1;
	}
	return 0;
}

static const char *const null_words[] = {"~", "null", "Null", "NULL", NULL};
static const char *const true_words[] = {"true", "True", "TRUE", NULL};
static const char *const false_words[] = {"false", "False", "FALSE", NULL};

/* Resolves a plain scalar: null, boolean, integer, else string. An integer
 * too large for 64 bits stays a string: policies that need it as a number
 * then refuse it as malformed. */
void
mc_node_type_plain(mc_node *n)
{
	const char *s = n->u.text;
	size_t len = n->len;
	int64_t v;

	n->type = MC_SCALAR_STR;
	if (len == 0 || text_is(s, len, null_words)) {
		n->type = MC_SCALAR_NULL;
	} else if (text_is(s, len, true_words)) {
		n->type = MC_SCALAR_BOOL;
		n->num = 1;
	} else if (text_is(s, len, false_words)) {
		n->type = MC_SCALAR_BOOL;
		n->num = 0;
	} else {
		int r = mc_text_to_int(s, len, &v);
		if (r == 1) {
			n->type = MC_SCALAR_INT;
			n->num = v;
		} else if (r < 0) {
			n->flags |= MC_NODE_BIGINT;
		}
	}
}

/* Resolves a scalar with an explicit tag; returns -1 (after reporting)
 * when the tag is unknown or does not fit the text. */
static int
resolve_tagged(builder *b, mc_node *n, const char *tag, const yaml_mark_t *m)
{
	const size_t plen = sizeof(TAG_PREFIX) - 1;
	const char *t = tag;
	int64_t v;

	if (strcmp(tag, "!") == 0) {
		n->type = MC_SCALAR_STR;
		return 0;
	}
	if (strncmp(tag, TAG_PREFIX, plen) != 0)
		goto bad;
	t += plen;
	if (strcmp(t, "str") == 0 || strcmp(t, "float") == 0) {
		n->type = MC_SCALAR_STR;
	} else if (strcmp(t, "null") == 0) {
		if (n->len && !text_is(n->u.text, n->len, null_words))
			goto mismatch;
		n->type = MC_SCALAR_NULL;
	} else if (strcmp(t, "bool") == 0) {
		if (text_is(n->u.text, n->len, true_words))
			n->num = 1;
		else if (text_is(n->u.text, n->len, false_words))
			n->num = 0;
		else
			goto mismatch;
		n->type = MC_SCALAR_BOOL;
	} else if (strcmp(t, "int") == 0) {
		int r = mc_text_to_int(n->u.text, n->len, &v);
		if (r < 0) {
			berror(b, m, MC_EINPUT, "integer '%s' does not fit in 64 bits",
			       n->u.text);
			return -1;
		}
		if (r == 0)
			goto mismatch;
		n->type = MC_SCALAR_INT;
		n->num = v;
	} else {
		goto bad;
	}
	return 0;
mismatch:
	berror(b, m, MC_EINPUT, "'%.64s' is not a valid !!%s", n->u.text, t);
	return -1;
bad:
	berror(b, m, MC_EINPUT, "unsupported tag '%.64s'", tag);
	return -1;
}

/* ------------------------------------------------------------------------
 * Building the tree
 */

static int
push_kid(builder *b, const mc_node *n, place at)
{
	if (b->nkids == b->capkids) {  /* every node passes here: no call */
		/* Two arrays of one capacity: each grows from the same one. */
		size_t cap = b->capkids, cap2 = b->capkids;
		const mc_node **k = mc_grow(b->kids, &cap, b->nkids + 1, sizeof(*k));

		if (!k)
			return -1;
		b->kids = k;
		place *pl = mc_grow(b->kplace, &cap2, b->nkids + 1, sizeof(*pl));
		if (!pl)
			return -1;
		b->kplace = pl;
		b->capkids = cap;
	}
	b->kplace[b->nkids] = at;
	b->kids[b->nkids++] = n;
	return 0;
}

static uint64_t
add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Hands a finished node, written at `at`, to its parent, or makes it the
 * root. */
static int
attach(builder *b, const mc_node *n, place at)
{
	if (b->nframes == 0) {
		b->doc->root = n;
		return 0;
	}
	const frame *f = &b->frames[b->nframes - 1];
	size_t items = b->nkids - f->start;

	/* A key and its value are one item of a mapping. */
	if (f->node->kind == MC_NODE_MAP)
		items /= 2;
	if (items >= b->lim->max_items) {
		limit_error(b, at, f->node->kind == MC_NODE_MAP
			    ? MC_LOAD_MAP_ITEMS : MC_LOAD_LIST_ITEMS);
		return -1;
	}
	if (push_kid(b, n, at) < 0) {
		b->status = MC_ENOMEM;
		return -1;
	}
	return 0;
}

static place
node_place(const mc_node *n)
{
	place p = {n->line, n->col};

	return p;
}

/* Where the value of map's pair i was written, in map's file. */
static place
value_place(const mc_node *map, size_t i)
{
	mc_place at = mc_node_value_at(map, i);
	place p = {at.line, at.col};

	return p;
}

/* Counts a node against the limit: -1 past it. */
static int
count_node(builder *b, const yaml_mark_t *m)
{
	if (++b->nodes > b->lim->max_nodes) {
		limit_error(b, mark_place(m), MC_LOAD_NODES);
		return -1;
	}
	return 0;
}

static mc_node *
new_node(builder *b, mc_node_kind kind, const yaml_mark_t *m)
{
	mc_node *n;

	if (count_node(b, m) < 0)
		return NULL;
	n = mc_arena_calloc(&b->doc->arena, 1, sizeof(*n));
	if (!n) {
		b->status = MC_ENOMEM;
		return NULL;
	}
	n->kind = (uint8_t)kind;
	n->line = (uint32_t)m->line + 1;
	n->col = (uint32_t)m->column + 1;
	n->file = &b->doc->file;
	n->weight = 1;
	return n;
}

static int
anchor(builder *b, const char *name, const mc_node *n)
{
	size_t idx;
	char *copy;

	if (!name)
		return 0;
	if (b->nanchors == b->capanchors) {
		/* Two arrays of one capacity: each grows from the same one. */
		size_t cap = b->capanchors, cap2 = b->capanchors;
		char **names = mc_grow(b->anchor_names, &cap, b->nanchors + 1,
				       sizeof(*names));
		if (!names)
			goto nomem;
		b->anchor_names = names;
		const mc_node **nodes = mc_grow(b->anchor_nodes, &cap2,
						b->nanchors + 1, sizeof(*nodes));
		if (!nodes)
			goto nomem;
		b->anchor_nodes = nodes;
		b->capanchors = cap;
	}
	copy = strdup(name);
	if (!copy)
		goto nomem;
	int r = mc_strmap_put(&b->anchors, copy, strlen(copy), b->nanchors, &idx);
	if (r < 0) {
		free(copy);
		goto nomem;
	}
	if (r == 0) {
		/* A redefined anchor: later aliases refer to the new node. */
		free(copy);
		b->anchor_nodes[idx] = n;
		return 0;
	}
	b->anchor_names[b->nanchors] = copy;
	b->anchor_nodes[b->nanchors++] = n;
	return 0;
nomem:
	b->status = MC_ENOMEM;
	return -1;
}

/* The kind of text a scalar is shared by, or -1 for a tagged one (its
 * tag decides its type: never shared). */
static int
share_kind(const yaml_event_t *ev)
{
	if (ev->data.scalar.tag)
		return -1;
	switch (ev->data.scalar.style) {
	case YAML_PLAIN_SCALAR_STYLE:
		return SHARE_PLAIN;
	case YAML_LITERAL_SCALAR_STYLE:
	case YAML_FOLDED_SCALAR_STYLE:
		return SHARE_BLOCK;
	default:
		return SHARE_QUOTED;
	}
}

/* The first node of this text and kind, or NULL. */
static const mc_node *
canon_get(const builder *b, int kind, const char *text, size_t len)
{
	size_t i;

	return mc_strmap_get(&b->canon_index[kind], text, len, &i) ? b->canon[i] : NULL;
}

static int
canon_put(builder *b, int kind, const mc_node *n)
{
	if (b->ncanon == b->capcanon) {
		const mc_node **c = mc_grow(b->canon, &b->capcanon, b->ncanon + 1,
					    sizeof(*c));
		if (!c)
			return -1;
		b->canon = c;
	}
	if (mc_strmap_put(&b->canon_index[kind], n->u.text, n->len, b->ncanon,
			  NULL) < 0)
		return -1;
	b->canon[b->ncanon++] = n;
	return 0;
}

/* Whether the next child may be a shared scalar: a mapping's key or
 * value (its place kept by the mapping), or an item of a list that is not
 * a `<<` merge's. */
static bool
shared_here(const builder *b)
{
	return b->nframes > 0 && !b->frames[b->nframes - 1].own;
}

static int
on_scalar(builder *b, yaml_event_t *ev)
{
	size_t len = ev->data.scalar.length;
	const char *text = (const char *)ev->data.scalar.value;
	const char *anc = (const char *)ev->data.scalar.anchor;
	int kind = share_kind(ev);
	const mc_node *first = NULL;
	mc_node *n;

	if (len > b->lim->max_scalar_bytes) {
		limit_error(b, mark_place(&ev->start_mark), MC_LOAD_SCALAR);
		return -1;
	}
	if (memchr(text, '\0', len)) {
		berror(b, &ev->start_mark, MC_EINPUT, "a scalar contains a NUL byte");
		return -1;
	}
	if (b->share && kind >= 0) {
		first = canon_get(b, kind, text, len);
		if (first && !anc && shared_here(b)) {
			if (count_node(b, &ev->start_mark) < 0)
				return -1;
			return attach(b, first, mark_place(&ev->start_mark));
		}
	}
	n = new_node(b, MC_NODE_SCALAR, &ev->start_mark);
	if (!n)
		return -1;
	n->len = len;
	if (first) {
		/* The same text and kind: typed as the first was. */
		n->u.text = first->u.text;
		n->type = first->type;
		n->num = first->num;
		n->flags = first->flags;
	} else if (!(n->u.text = mc_arena_strndup(&b->doc->arena, text, len))) {
		b->status = MC_ENOMEM;
		return -1;
	} else {
		yaml_scalar_style_t style = ev->data.scalar.style;

		if (kind < 0) {
			if (resolve_tagged(b, n, (const char *)ev->data.scalar.tag,
					   &ev->start_mark) < 0)
				return -1;
		} else if (kind == SHARE_PLAIN) {
			mc_node_type_plain(n);
			if (n->len == 2 && memcmp(n->u.text, "<<", 2) == 0)
				n->flags |= FLAG_MERGE;
		} else {
			n->type = MC_SCALAR_STR;
		}
		if (style == YAML_LITERAL_SCALAR_STYLE || style == YAML_FOLDED_SCALAR_STYLE)
			n->flags |= MC_NODE_BLOCK;
		else if (style != YAML_PLAIN_SCALAR_STYLE)
			n->flags |= MC_NODE_QUOTED;
	}
	if (b->share && kind >= 0 && !first && !anc && canon_put(b, kind, n) < 0) {
		b->status = MC_ENOMEM;
		return -1;
	}
	if (anchor(b, anc, n) < 0)
		return -1;
	return attach(b, n, mark_place(&ev->start_mark));
}

static int
on_start(builder *b, yaml_event_t *ev, mc_node_kind kind)
{
	const char *tag = (const char *)(kind == MC_NODE_SEQ
			  ? ev->data.sequence_start.tag : ev->data.mapping_start.tag);
	const char *anc = (const char *)(kind == MC_NODE_SEQ
			  ? ev->data.sequence_start.anchor : ev->data.mapping_start.anchor);
	mc_node *n;
	frame *f;

	if (b->nframes >= b->lim->max_depth) {
		limit_error(b, mark_place(&ev->start_mark), MC_LOAD_DEPTH);
		return -1;
	}
	if (tag && strcmp(tag, kind == MC_NODE_SEQ ? TAG_PREFIX "seq"
				    : TAG_PREFIX "map") != 0 && strcmp(tag, "!") != 0) {
		berror(b, &ev->start_mark, MC_EINPUT, "unsupported tag '%.64s'", tag);
		return -1;
	}
	n = new_node(b, kind, &ev->start_mark);
	if (!n)
		return -1;
	n->flags |= FLAG_OPEN;
	if (anchor(b, anc, n) < 0)
		return -1;
	f = mc_grow(b->frames, &b->capframes, b->nframes + 1, sizeof(*f));
	if (!f) {
		b->status = MC_ENOMEM;
		return -1;
	}
	b->frames = f;
	/* The list of a `<<` merge: its items' own places are its errors'. */
	bool merge = b->nframes > 0 && (b->nkids - f[b->nframes - 1].start) % 2 == 1 &&
		     f[b->nframes - 1].node->kind == MC_NODE_MAP &&
		     (b->kids[b->nkids - 1]->flags & FLAG_MERGE);
	/* The top level's keys and values too: what is said of a file's
	 * keys names their places. */
	merge = merge || b->nframes == 0;
	b->frames[b->nframes].node = n;
	b->frames[b->nframes].start = b->nkids;
	b->frames[b->nframes].own = merge;
	b->nframes++;
	return 0;
}

static int
on_alias(builder *b, yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	const mc_node *n;
	size_t idx;

	if (!mc_strmap_get(&b->anchors, name, strlen(name), &idx)) {
		berror(b, &ev->start_mark, MC_EINPUT, "alias '*%.64s' names no anchor",
		       name);
		return -1;
	}
	n = b->anchor_nodes[idx];
	if (n->flags & FLAG_OPEN) {
		berror(b, &ev->start_mark, MC_EINPUT,
		       "alias '*%.64s' refers to a collection that contains it "
		       "(alias cycle)", name);
		return -1;
	}
	if (b->nframes + n->height > b->lim->max_depth) {
		berror(b, &ev->start_mark, MC_ELIMIT, "an alias nests collections "
		       "deeper than %zu levels " MC_LIMIT_HINT("depth"),
		       b->lim->max_depth);
		return -1;
	}
	b->alias_nodes = add_sat(b->alias_nodes, n->weight);
	if (b->alias_nodes > b->lim->max_alias_nodes) {
		berror(b, &ev->start_mark, MC_ELIMIT, "aliases expand to more than "
		       "%zu nodes " MC_LIMIT_HINT("alias-nodes"),
		       b->lim->max_alias_nodes);
		return -1;
	}
	/* The alias gets a node of its own, at its own place, that shares the
	 * anchored node's value and children: what is said about the value as
	 * a whole points at the alias, what is said about its parts at the
	 * text they come from. */
	mc_node *copy = new_node(b, (mc_node_kind)n->kind, &ev->start_mark);
	if (!copy)
		return -1;
	uint64_t weight = n->weight;
	*copy = *n;
	copy->line = (uint32_t)ev->start_mark.line + 1;
	copy->col = (uint32_t)ev->start_mark.column + 1;
	copy->weight = weight;
	return attach(b, copy, mark_place(&ev->start_mark));
}

/* A mapping being closed: its pairs so far and the index of their keys,
 * made once they are more than KEYS_LINEAR. */
typedef struct map_build {
	mc_pair *pairs;
	place *at;         /* per pair, in a shared document: after the pairs'
	                      room, in their block */
	size_t npairs, cap;
	mc_keys *keys;
	size_t nslots;
} map_build;

/* Makes m's index hold room for n keys at most half full, from the pairs
 * so far. The old index stays in the arena: indexes double, so the old
 * ones take no more than the last. */
static int
keys_grow(mc_arena *arena, mc_keys_seed *seed, map_build *m, size_t n)
{
	size_t slots = 64;
	mc_keys *ks;

	while (slots < 2 * n)
		slots *= 2;
	if (slots <= m->nslots)
		return 0;
	if (!seed->drawn) {
		if (getrandom(&seed->seed, sizeof(seed->seed), 0) != sizeof(seed->seed))
			seed->seed = (uint64_t)(uintptr_t)seed ^ 0x9e3779b97f4a7c15u;
		seed->drawn = true;
	}
	ks = mc_arena_calloc(arena, 1, sizeof(*ks) + slots * sizeof(ks->slot[0]));
	if (!ks)
		return -1;
	ks->seed = seed->seed;
	ks->mask = slots - 1;
	for (size_t i = 0; i < m->npairs; i++) {
		const mc_node *k = m->pairs[i].key;

		*keys_find(ks, m->pairs, k->u.text, k->len) = (uint32_t)i + 1;
	}
	m->keys = ks;
	m->nslots = slots;
	return 0;
}

/* Gives m room for cap pairs (and their places in a shared document),
 * keeping those it has. */
static int
pairs_alloc(builder *b, map_build *m, size_t cap)
{
	size_t each = sizeof(mc_pair) + (b->share ? sizeof(place) : 0);
	mc_pair *np = mc_arena_calloc(&b->doc->arena, cap, each);
	place *na;

	if (!np)
		return -1;
	na = b->share ? (place *)(np + cap) : NULL;
	if (m->npairs) {
		memcpy(np, m->pairs, m->npairs * sizeof(*np));
		if (na)
			memcpy(na, m->at, m->npairs * sizeof(*na));
	}
	m->pairs = np;
	m->at = na;
	m->cap = cap;
	return 0;
}

/*
 * Adds p to m unless its key is there: returns 1 when added, 0 when the
 * key was there (*first is its pair), -1 when memory runs out. The same
 * work finds duplicate keys and builds the index lookups use later.
 */
static int
map_add(builder *b, map_build *m, const mc_pair *p, place at,
	const mc_pair **first)
{
	const mc_node *k = p->key;
	uint32_t *slot = NULL;

	if (m->keys || m->npairs >= KEYS_LINEAR) {
		if (m->npairs + 1 > m->nslots / 2 && (m->npairs >= UINT32_MAX - 1 ||
						      keys_grow(&b->doc->arena, &b->seed, m, m->npairs + 1) < 0))
			return -1;
		slot = keys_find(m->keys, m->pairs, k->u.text, k->len);
		if (*slot) {
			*first = &m->pairs[*slot - 1];
			return 0;
		}
	} else {
		for (size_t i = 0; i < m->npairs; i++) {
			const mc_node *o = m->pairs[i].key;

			if (o->len == k->len && memcmp(o->u.text, k->u.text, k->len) == 0) {
				*first = &m->pairs[i];
				return 0;
			}
		}
	}
	if (m->npairs == m->cap &&
	    pairs_alloc(b, m, m->cap ? m->cap * 2 : 8) < 0)
		return -1;
	if (slot)
		*slot = (uint32_t)m->npairs + 1;
	if (m->at)
		m->at[m->npairs] = at;
	m->pairs[m->npairs++] = *p;
	return 1;
}

int
mc_node_index_keys(mc_node *map, mc_arena *arena, mc_keys_seed *seed)
{
	map_build m = {(mc_pair *)(uintptr_t)map->u.pairs, NULL, map->len,
		       map->len, NULL, 0};

	if (map->len <= KEYS_LINEAR)
		return 0;
	if (map->len >= UINT32_MAX - 1 || keys_grow(arena, seed, &m, map->len) < 0)
		return -1;
	map->keys = m.keys;
	return 0;
}

/* Where the first of a mapping's explicit keys equal to key was written:
 * kids[0..i) are its children before the duplicate at i. */
static place
first_key(const mc_node **kids, const place *at, size_t i, const mc_node *key)
{
	for (size_t j = 0; j < i; j += 2) {
		const mc_node *k = kids[j];

		if (!(k->flags & FLAG_MERGE) && k->len == key->len &&
		    memcmp(k->u.text, key->u.text, k->len) == 0)
			return at[j];
	}
	return node_place(key);
}

/* Collects a mapping's pairs: explicit keys first, in file order, then the
 * keys of merged mappings that no explicit key and no earlier merge
 * defines. Duplicate explicit keys are errors. */
static int
close_map(builder *b, mc_node *n, const mc_node **kids, const place *at,
	  size_t nkids)
{
	map_build m = {NULL, NULL, 0, 0, NULL, 0};
	const mc_pair *first;
	size_t explicit = 0;

	for (size_t i = 0; i < nkids; i += 2) {
		const mc_node *k = kids[i];
		if (k->kind != MC_NODE_SCALAR || k->type == MC_SCALAR_NULL) {
			yaml_mark_t mk = {0, at[i].line - 1, at[i].col - 1};
			berror(b, &mk, MC_EINPUT, "a mapping key must be a non-empty scalar, "
			       "not %s", mc_node_describe(k));
			return -1;
		}
		explicit += (k->flags & FLAG_MERGE) ? 0 : 1;
	}
	/* The explicit pairs in one block; merged ones grow it as they come. */
	if (explicit && (pairs_alloc(b, &m, explicit) < 0 ||
			 (explicit > KEYS_LINEAR && keys_grow(&b->doc->arena, &b->seed, &m, explicit) < 0)))
		goto nomem;
	for (size_t pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < nkids; i += 2) {
			const mc_node *k = kids[i], *v = kids[i + 1];
			int merge = (k->flags & FLAG_MERGE) != 0;
			int r;

			if ((pass == 0) == merge)
				continue;
			if (!merge) {
				mc_pair p = {k, v};
				if ((r = map_add(b, &m, &p, at[i + 1], &first)) < 0)
					goto nomem;
				if (r == 0) {
					yaml_mark_t mk = {0, at[i].line - 1, at[i].col - 1};
					place was = first_key(kids, at, i, first->key);

					berror_id(b, "duplicate-key", &mk, MC_EINPUT,
					       "duplicate key '%.64s' (first at line %u, column %u)",
					       k->u.text, (unsigned)was.line, (unsigned)was.col);
					return -1;
				}
				n->weight = add_sat(n->weight, add_sat(k->weight, v->weight));
				continue;
			}
			/* `<<: map` or `<<: [map, map]`: earlier maps win. */
			const mc_node *const *srcs = &v;
			size_t nsrcs = 1;
			if (v->kind == MC_NODE_SEQ) {
				srcs = v->u.items;
				nsrcs = v->len;
			}
			for (size_t s = 0; s < nsrcs; s++) {
				const mc_node *src = srcs[s];
				if (src->kind != MC_NODE_MAP) {
					yaml_mark_t mk = {0, src->line - 1, src->col - 1};
					berror(b, &mk, MC_EINPUT, "a '<<' merge takes a mapping "
					       "or a list of mappings, not %s",
					       mc_node_describe(src));
					return -1;
				}
				for (size_t j = 0; j < src->len; j++) {
					const mc_pair *p = &src->u.pairs[j];

					if ((r = map_add(b, &m, p, value_place(src, j),
							  &first)) < 0)
						goto nomem;
					if (r == 1)
						n->weight = add_sat(n->weight,
								    add_sat(p->key->weight,
									    p->value->weight));
				}
			}
		}
	}
	n->u.pairs = m.pairs;
	n->len = m.npairs;
	n->keys = m.keys;
	if (b->share && m.npairs) {
		/* The values' places, for what is said about them later, right
		 * after the pairs (merged pairs may have left room between). */
		memmove(m.pairs + m.npairs, m.at, m.npairs * sizeof(*m.at));
		n->flags |= FLAG_POS;
	}
	return 0;
nomem:
	b->status = MC_ENOMEM;
	return -1;
}

/* The items array of a list closing with kids: in a shared document, a
 * list of scalars shares the array of an earlier list of the same nodes. */
static const mc_node **
list_items(builder *b, const frame *f, const mc_node **kids, size_t nkids)
{
	const char *key = (const char *)kids;
	size_t len = nkids * sizeof(*kids), i;
	const mc_node **items;

	if (!b->share || f->own || nkids < 2)
		return mc_arena_memdup(&b->doc->arena, kids, nkids, sizeof(*kids));
	for (i = 0; i < nkids && kids[i]->kind == MC_NODE_SCALAR; i++)
		;
	if (i < nkids)
		return mc_arena_memdup(&b->doc->arena, kids, nkids, sizeof(*kids));
	if (mc_strmap_get(&b->list_index, key, len, &i))
		return b->lists[i];
	if (MC_GROW(b->lists, b->caplists, b->nlists + 1) < 0)
		return NULL;
	items = mc_arena_memdup(&b->doc->arena, kids, nkids, sizeof(*kids));
	if (!items || mc_strmap_put(&b->list_index, (const char *)items, len,
				    b->nlists, NULL) < 0)
		return NULL;
	b->lists[b->nlists++] = items;
	return items;
}

static int
on_end(builder *b)
{
	frame *f = &b->frames[--b->nframes];
	mc_node *n = f->node;
	/* b->kids is NULL until a first child: no arithmetic on it then. */
	const mc_node **kids = b->kids ? b->kids + f->start : NULL;
	const place *at = b->kplace ? b->kplace + f->start : NULL;
	size_t nkids = b->nkids - f->start;

	for (size_t i = 0; i < nkids; i++) {
		if (kids[i]->height >= n->height)
			n->height = kids[i]->height + 1;
	}
	if (n->height == 0)
		n->height = 1;
	if (n->kind == MC_NODE_SEQ) {
		for (size_t i = 0; i < nkids; i++)
			n->weight = add_sat(n->weight, kids[i]->weight);
		n->u.items = list_items(b, f, kids, nkids);
		if (!n->u.items) {
			b->status = MC_ENOMEM;
			return -1;
		}
		n->len = nkids;
	} else if (close_map(b, n, kids, at, nkids) < 0) {
		return -1;
	}
	b->nkids = f->start;
	n->flags &= (uint8_t)~FLAG_OPEN;
	return attach(b, n, node_place(n));
}

/* Reports a libyaml error with the best position it gives. */
static void
parser_error(builder *b, const yaml_parser_t *p)
{
	yaml_mark_t m = p->problem_mark;
	const char *problem = p->problem ? p->problem : "malformed YAML";

	if (p->error == YAML_MEMORY_ERROR) {
		b->status = MC_ENOMEM;
		return;
	}
	if (p->error == YAML_READER_ERROR) {
		/* The reader gives a byte offset only. */
		size_t line, col;

		mc_text_offset_pos(b->doc->file.data, b->doc->file.len,
				   p->problem_offset, &line, &col);
		m.line = line;
		m.column = col;
		/* The value is a byte for the octet errors, else a character
		 * (a code point, or a UTF-16 unit). */
		if (p->problem_value != -1 && (strstr(problem, "octet") ||
					       p->problem_value < 0x80))
			berror(b, &m, MC_EINPUT, "%s (byte 0x%02X)", problem,
			       (unsigned)p->problem_value & 0xFF);
		else if (p->problem_value != -1)
			berror(b, &m, MC_EINPUT, "%s (U+%04X)", problem,
			       (unsigned)p->problem_value);
		else
			berror(b, &m, MC_EINPUT, "%s", problem);
		return;
	}
	/* libyaml does not say that the character it cannot read is a tab. */
	size_t llen;
	const char *l = mc_file_line(&b->doc->file, (unsigned)m.line + 1, &llen);
	if (l && strcmp(problem, "found character that cannot start any token") == 0) {
		size_t col = 0, i = 0;

		for (; i < llen && col < m.column; i++)  /* UTF-8: a character a column */
			col += ((unsigned char)l[i] & 0xC0) != 0x80;
		while (i < llen && ((unsigned char)l[i] & 0xC0) == 0x80)
			i++;
		if (i < llen && l[i] == '\t')
			problem = "found a tab character that cannot start any token "
				  "(YAML indents with spaces only)";
	}
	if (p->context)
		berror(b, &m, MC_EINPUT, "%s (%s at line %u, column %u)", problem,
		       p->context, (unsigned)p->context_mark.line + 1,
		       (unsigned)p->context_mark.column + 1);
	else
		berror(b, &m, MC_EINPUT, "%s", problem);
}

static void
builder_release(builder *b)
{
	for (size_t i = 0; i < b->nanchors; i++)
		free(b->anchor_names[i]);
	free(b->anchor_names);
	free(b->anchor_nodes);
	mc_strmap_free(&b->anchors);
	free(b->frames);
	free(b->kids);
	free(b->kplace);
	for (int k = 0; k < SHARE_KINDS; k++)
		mc_strmap_free(&b->canon_index[k]);
	free(b->canon);
	mc_strmap_free(&b->list_index);
	free(b->lists);
}

static int
parse(builder *b)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int done = 0;

	if (!yaml_parser_initialize(&parser))
		return MC_ENOMEM;
	yaml_parser_set_input_string(&parser,
				     (const unsigned char *)b->doc->file.data,
				     b->doc->file.len);
	while (!done && !b->status) {
		if (!yaml_parser_parse(&parser, &ev)) {
			parser_error(b, &parser);
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++b->documents > 1)
				berror(b, &ev.start_mark, MC_EINPUT,
				       "a second YAML document; a file holds one");
			break;
		case YAML_SCALAR_EVENT:
			on_scalar(b, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
			on_start(b, &ev, MC_NODE_SEQ);
			break;
		case YAML_MAPPING_START_EVENT:
			on_start(b, &ev, MC_NODE_MAP);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			on_end(b);
			break;
		case YAML_ALIAS_EVENT:
			on_alias(b, &ev);
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return b->status;
}
int
mc_doc_new(mc_doc **out, const char *name, char *data, size_t len)
{
	mc_doc *doc = calloc(1, sizeof(*doc));
	char *namecopy = strdup(name);

	*out = NULL;
	if (!doc || !namecopy) {
		free(doc);
		free(namecopy);
		free(data);
		return MC_ENOMEM;
	}
	mc_arena_init(&doc->arena);
	doc->file.name = doc->name_buf = namecopy;
	doc->file.data = doc->data_buf = data;
	doc->file.len = len;
	*out = doc;
	return MC_OK;
}

int
mc_doc_load_owned(mc_doc **out, const char *name, char *data, size_t len,
		  const mc_limits *limits, mc_doc_mode mode, mc_diag *diag)
{
	mc_limits defaults, lim;
	builder b;
	mc_doc *doc;
	int rc;

	*out = NULL;
	if (!limits) {
		mc_limits_default(&defaults);
		limits = &defaults;
	}
	if ((rc = mc_doc_new(&doc, name, data, len)) != MC_OK)
		return rc;
	if (len > limits->max_file_bytes) {
		mc_doc_free(doc);
		return mc_file_too_large(name, NULL, limits, diag);
	}
	/* A deeper limit would make libyaml's time grow with its square. */
	lim = *limits;
	if (lim.max_depth > MC_MAX_DEPTH)
		lim.max_depth = MC_MAX_DEPTH;
	memset(&b, 0, sizeof(b));
	b.doc = doc;
	b.lim = &lim;
	b.diag = diag;
	b.share = mode == MC_DOC_SHARED;
	mc_strmap_init(&b.anchors);
	for (int k = 0; k < SHARE_KINDS; k++)
		mc_strmap_init(&b.canon_index[k]);
	mc_strmap_init(&b.list_index);
	rc = parse(&b);
	builder_release(&b);
	if (rc != MC_OK) {
		mc_doc_free(doc);
		return rc;
	}
	*out = doc;
	return MC_OK;
}

int
mc_doc_load_buffer(mc_doc **out, const char *name, const char *buf,
		   size_t len, const mc_limits *limits, mc_diag *diag)
{
	return mc_doc_load_buffer_as(out, name, buf, len, limits, MC_DOC_TREE, diag);
}

int
mc_doc_load_buffer_as(mc_doc **out, const char *name, const char *buf,
		      size_t len, const mc_limits *limits, mc_doc_mode mode,
		      mc_diag *diag)
{
	char *copy = malloc(len + 1);

	*out = NULL;
	if (!copy)
		return MC_ENOMEM;
	if (len)
		memcpy(copy, buf, len);
	copy[len] = '\0';
	return mc_doc_load_owned(out, name, copy, len, limits, mode, diag);
}

int
mc_doc_load_file(mc_doc **out, const char *path, const mc_limits *limits,
		 mc_diag *diag)
{
	return mc_doc_load_file_as(out, path, limits, MC_DOC_TREE, diag);
}

int
mc_doc_load_file_as(mc_doc **out, const char *path, const mc_limits *limits,
		    mc_doc_mode mode, mc_diag *diag)
{
	char *data;
	size_t len;
	int rc;

	*out = NULL;
	rc = mc_file_read(path, NULL, limits, diag, &data, &len);
	if (rc != MC_OK)
		return rc;
	return mc_doc_load_owned(out, path, data, len, limits, mode, diag);
}

void
mc_doc_free(mc_doc *doc)
{
	if (!doc)
		return;
	mc_arena_release(&doc->arena);
	mc_file_release(&doc->file);
	free(doc->name_buf);
	free(doc->data_buf);
	if (doc->ext_free)
		doc->ext_free(doc->ext);
	free(doc);
}
