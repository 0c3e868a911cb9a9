/* SPDX-License-Identifier: MIT */
/*
 * inventory.c - loading and merging inventory files.
 */
#include "eval/inventory.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/value.h"
#include "util/buf.h"
#include "util/grow.h"

typedef struct adder {
	mc_inventory *inv;
	mc_diag *diag;
	int errors;
	bool nomem;
} adder;

/* Reports an error at a node and counts it. */
#define aerror(a, at, ...) \
	mc_node_error_counted((a)->diag, &(a)->errors, (at), __VA_ARGS__)

static void aerror_at(adder *a, mc_place at, const char *fmt, ...) MC_PRINTF(3, 4);

/* Reports an error at a place (a value's: mc_node_value_at) and counts
 * it. */
static void
aerror_at(adder *a, mc_place at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mc_file_vdiag(a->diag, MC_SEVERITY_ERROR, at.file, at.line, at.col, fmt, ap);
	va_end(ap);
	a->errors++;
}

int
mc_inventory_new(mc_inventory **out, const mc_limits *limits)
{
	mc_inventory *inv = calloc(1, sizeof(*inv));

	*out = NULL;
	if (!inv)
		return MC_ENOMEM;
	if (limits)
		inv->limits = *limits;
	else
		mc_limits_default(&inv->limits);
	mc_strmap_init(&inv->host_index);
	mc_strmap_init(&inv->vm_index);
	mc_arena_init(&inv->arena);
	*out = inv;
	return MC_OK;
}

void
mc_inventory_free(mc_inventory *inv)
{
	if (!inv)
		return;
	for (size_t i = 0; i < inv->ndocs; i++)
		mc_doc_free(inv->docs[i]);
	free(inv->docs);
	free(inv->hosts);
	free(inv->vms);
	mc_strmap_free(&inv->host_index);
	mc_strmap_free(&inv->vm_index);
	mc_arena_release(&inv->arena);
	free(inv);
}

size_t
mc_inventory_host_count(const mc_inventory *inv)
{
	return inv->nhosts;
}

size_t
mc_inventory_vm_count(const mc_inventory *inv)
{
	return inv->nvms;
}

const char *
mc_inventory_host_name(const mc_inventory *inv, size_t i)
{
	return i < inv->nhosts ? inv->hosts[i].name : NULL;
}

const char *
mc_inventory_vm_name(const mc_inventory *inv, size_t i)
{
	return i < inv->nvms ? inv->vms[i].name : NULL;
}

long
mc_inventory_find_host(const mc_inventory *inv, const char *name)
{
	size_t i;

	return mc_strmap_get(&inv->host_index, name, strlen(name), &i) ? (long)i : -1;
}

long
mc_inventory_find_vm(const mc_inventory *inv, const char *name)
{
	size_t i;

	return mc_strmap_get(&inv->vm_index, name, strlen(name), &i) ? (long)i : -1;
}

/* A record's `name`: a non-empty scalar, written at *at. */
static const mc_node *
record_name(adder *a, const mc_node *rec, const char *what, mc_place *at)
{
	const mc_node *n = mc_node_get_at(rec, "name", at);

	if (!n) {
		aerror(a, rec, "a %s needs a 'name'", what);
		return NULL;
	}
	if (n->kind != MC_NODE_SCALAR || n->type == MC_SCALAR_NULL || n->len == 0) {
		/* mc_node_describe() says "an empty string" for "" */
		aerror_at(a, *at, "a %s's 'name' must be a non-empty scalar, not %s",
			  what, mc_node_describe(n));
		return NULL;
	}
	return n;
}

/* The place to report a record's name at: the name's, unless the record
 * came through an alias (its name is then written before it), then the
 * alias. */
static mc_place
name_place(const mc_node *rec, mc_place name)
{
	if (name.file == rec->file && (name.line < rec->line ||
	    (name.line == rec->line && name.col < rec->col)))
		return mc_node_place(rec);
	return name;
}

/* ------------------------------------------------------------------------
 * Merging the parts of one record
 *
 * A host or VM named in several files is one record: its parts merge key
 * by key at every depth, into a record built in the inventory's arena from
 * the parts' own nodes (which keep their file, line and column). What two
 * parts both give must agree; a disagreement is an error at the later
 * value that names the earlier one.
 */

/* One step of the path from a record to a value, on the C stack. */
typedef struct step {
	const struct step *up;
	const mc_node *key;
} step;

typedef struct merger {
	adder *a;
	const char *what;  /* "host" or "VM" */
	const char *name;
} merger;

/* How many members of a set a message names, and bytes of a value. */
#define SHOW_MEMBERS 3
#define SHOW_BYTES 64

/* A scalar's text, its first SHOW_BYTES bytes at most (cut before a
 * character), and "..." when cut. */
static void
add_text(mc_buf *b, const mc_node *n)
{
	size_t len = n->len;

	if (len > SHOW_BYTES) {
		len = SHOW_BYTES;
		while (len && ((unsigned char)n->u.text[len] & 0xc0) == 0x80)
			len--;
	}
	mc_buf_add(b, n->u.text, len);
	if (len < n->len)
		mc_buf_adds(b, "...");
}

static void
add_path(mc_buf *b, const step *at)
{
	if (at->up) {
		add_path(b, at->up);
		mc_buf_addc(b, '.');
	}
	add_text(b, at->key);
}

/* A value as messages show it: a string in double quotes, other scalars
 * as written (an integer too large for 64 bits too), null as null, and
 * collections by kind. */
static void
add_value(mc_buf *b, const mc_node *n)
{
	bool quoted = n->type == MC_SCALAR_STR && !(n->flags & MC_NODE_BIGINT);

	if (n->kind != MC_NODE_SCALAR) {
		mc_buf_adds(b, mc_node_describe(n));
		return;
	}
	if (n->type == MC_SCALAR_NULL) {
		mc_buf_adds(b, "null");
		return;
	}
	if (quoted)
		mc_buf_addc(b, '"');
	add_text(b, n);
	if (quoted)
		mc_buf_addc(b, '"');
}

/* "host 'hv-01': 'cpu.family' " */
static void
add_subject(mc_buf *b, const merger *m, const step *at)
{
	mc_buf_addf(b, "%s '%s': '", m->what, m->name);
	add_path(b, at);
	mc_buf_adds(b, "' ");
}

static void
add_place(mc_buf *b, mc_place at)
{
	mc_buf_addf(b, "%s:%u:%u", at.file->name, (unsigned)at.line,
		    (unsigned)at.col);
}

/* Reports the message in b at place at. */
static void
report(merger *m, mc_place at, mc_buf *b)
{
	if (mc_buf_failed(b))
		m->a->nomem = true;
	else
		aerror_at(m->a, at, "%s", mc_buf_str(b));
	mc_buf_free(b);
}

/* A value and where it was written. */
typedef struct placed {
	const mc_node *n;
	mc_place at;
} placed;

/* y (later) and x (earlier) are different values. */
static void
conflict(merger *m, const step *at, placed x, placed y)
{
	mc_buf b = MC_BUF_INIT;

	add_subject(&b, m, at);
	mc_buf_adds(&b, "is ");
	add_value(&b, y.n);
	mc_buf_adds(&b, " here but ");
	add_value(&b, x.n);
	mc_buf_adds(&b, " at ");
	add_place(&b, x.at);
	report(m, y.at, &b);
}

/*
 * Two scalars agree when conditions find them equal (mc_node_equal): of
 * one type and one value, strings of the same bytes (quoted or not),
 * integers of the same number (16 and 0x10), booleans of the same truth,
 * or both null. An integer and a string never agree (6 and "6", 6 and
 * 6.0, which is text). This is an order of scalars that sorts equal ones
 * together: 0 exactly when mc_node_equal.
 */
static int
scalar_cmp(const mc_node *x, const mc_node *y)
{
	size_t len;
	int c;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	switch (x->type) {
	case MC_SCALAR_NULL:
		return 0;
	case MC_SCALAR_BOOL:
	case MC_SCALAR_INT:
		return x->num < y->num ? -1 : x->num > y->num;
	default:
		len = x->len < y->len ? x->len : y->len;
		c = memcmp(x->u.text, y->u.text, len);
		return c ? c : x->len < y->len ? -1 : x->len > y->len;
	}
}

static int
member_cmp(const void *a, const void *b)
{
	return scalar_cmp(*(const mc_node *const *)a, *(const mc_node *const *)b);
}

static int deep_equal(const mc_node *x, const mc_node *y);

/* Whether a list holds a mapping or a list. */
static bool
holds_collections(const mc_node *n)
{
	for (size_t i = 0; i < n->len; i++) {
		if (n->u.items[i]->kind != MC_NODE_SCALAR)
			return true;
	}
	return false;
}

/* Sorted copy of a list's members, without repeats; *n their count. NULL
 * when memory runs out. */
static const mc_node **
sorted_members(const mc_node *seq, size_t *n)
{
	const mc_node **v = malloc((seq->len + 1) * sizeof(*v));
	size_t k = 0;

	if (!v)
		return NULL;
	if (seq->len)
		memcpy(v, seq->u.items, seq->len * sizeof(*v));
	qsort(v, seq->len, sizeof(*v), member_cmp);
	for (size_t i = 0; i < seq->len; i++) {
		if (k == 0 || scalar_cmp(v[k - 1], v[i]) != 0)
			v[k++] = v[i];
	}
	*n = k;
	return v;
}

/*
 * Compares two lists of scalars as sets (order and repeats ignored).
 * Returns 1 when equal, 0 when not (and, when m is given, reports at y the
 * members only one of them has, SHOW_MEMBERS of each at most), -1 when
 * memory runs out.
 */
static int
same_set(merger *m, const step *at, const mc_node *x, const mc_node *y)
{
	size_t nx = 0, ny = 0, i = 0, j = 0, onlyx = 0, onlyy = 0;
	const mc_node **sx = sorted_members(x, &nx), **sy = sorted_members(y, &ny);
	const mc_node *showx[SHOW_MEMBERS], *showy[SHOW_MEMBERS];
	int rc = -1;

	if (!sx || !sy)
		goto out;
	while (i < nx || j < ny) {
		int c = i == nx ? 1 : j == ny ? -1 : scalar_cmp(sx[i], sy[j]);

		if (c < 0) {
			if (onlyx < SHOW_MEMBERS)
				showx[onlyx] = sx[i];
			onlyx++;
			i++;
		} else if (c > 0) {
			if (onlyy < SHOW_MEMBERS)
				showy[onlyy] = sy[j];
			onlyy++;
			j++;
		} else {
			i++;
			j++;
		}
	}
	rc = onlyx == 0 && onlyy == 0;
	if (!rc && m) {
		mc_buf b = MC_BUF_INIT;

		add_subject(&b, m, at);
		mc_buf_adds(&b, "is not the same set here as at ");
		add_place(&b, mc_node_place(x));
		/* what y (here) has that x lacks, then the reverse */
		for (int side = 0; side < 2; side++) {
			size_t count = side ? onlyx : onlyy;
			const mc_node *const *show = side ? showx : showy;

			if (!count)
				continue;
			mc_buf_adds(&b, !side ? ": only here: " : onlyy ? "; only there: "
				    : ": only there: ");
			for (size_t k = 0; k < count && k < SHOW_MEMBERS; k++) {
				if (k)
					mc_buf_adds(&b, ", ");
				add_value(&b, show[k]);
			}
			if (count > SHOW_MEMBERS)
				mc_buf_addf(&b, " and %zu more", count - SHOW_MEMBERS);
		}
		report(m, mc_node_place(y), &b);
	}
out:
	free(sx);
	free(sy);
	return rc;
}

/* Two lists agree as sets; a list that holds mappings or lists is a
 * sequence of records, which must be equal item by item. Returns 1, 0 or
 * -1 as same_set (reporting at y when m is given). */
static int
same_list(merger *m, const step *at, const mc_node *x, const mc_node *y)
{
	size_t i = 0;

	if (x->len == y->len) {  /* the same members in the same order */
		for (; i < x->len; i++) {
			const mc_node *p = x->u.items[i], *q = y->u.items[i];

			if (p->kind != MC_NODE_SCALAR || q->kind != MC_NODE_SCALAR ||
			    scalar_cmp(p, q) != 0)
				break;
		}
		if (i == x->len)
			return 1;
	}
	if (!holds_collections(x) && !holds_collections(y))
		return same_set(m, at, x, y);
	for (i = 0; i < x->len && i < y->len; i++) {
		int r = deep_equal(x->u.items[i], y->u.items[i]);

		if (r < 0)
			return -1;
		if (r == 0)
			break;
	}
	if (i == x->len && i == y->len)
		return 1;
	if (m) {
		mc_buf b = MC_BUF_INIT;

		add_subject(&b, m, at);
		mc_buf_adds(&b, "is not the same list here as at ");
		add_place(&b, mc_node_place(x));
		if (i < x->len && i < y->len)
			mc_buf_addf(&b, ": item %zu differs", i + 1);
		else
			mc_buf_addf(&b, ": %zu items here, %zu there", y->len, x->len);
		report(m, mc_node_place(y), &b);
	}
	return 0;
}

/* Whether x and y are the same value under the rules of merging: equal
 * scalars, mappings with the same keys and equal values, lists as
 * same_list. 1 or 0, or -1 when memory runs out. */
static int
deep_equal(const mc_node *x, const mc_node *y)
{
	if (x == y)
		return 1;
	if (x->kind != y->kind)
		return 0;
	switch (x->kind) {
	case MC_NODE_SCALAR:
		return mc_node_equal(x, y);
	case MC_NODE_SEQ:
		return same_list(NULL, NULL, x, y);
	default:
		if (x->len != y->len)
			return 0;
		for (size_t i = 0; i < x->len; i++) {
			const mc_pair *p = &x->u.pairs[i];
			const mc_node *v = mc_node_getn(y, p->key->u.text, p->key->len);
			int r = v ? deep_equal(p->value, v) : 0;

			if (r <= 0)
				return r;
		}
		return 1;
	}
}

/* A mapping at least this large is looked up through a map of its keys
 * while merging: a merged mapping has no index of its own. */
#define MERGE_INDEXED 16

static const mc_node *merge_value(merger *m, const step *at, placed x, placed y);

/*
 * The mapping x with y merged into it: x's pairs in order, with merged
 * values, then y's other pairs. Returns x itself when y adds nothing, and
 * NULL only when memory runs out.
 */
static const mc_node *
merge_map(merger *m, const step *at, const mc_node *x, const mc_node *y)
{
	mc_strmap keys;
	mc_pair *pairs = NULL;
	mc_place *places = NULL;
	mc_node *out;
	size_t n = x->len;
	bool indexed = x->len >= MERGE_INDEXED;

	mc_strmap_init(&keys);
	for (size_t i = 0; indexed && i < x->len; i++) {
		const mc_node *k = x->u.pairs[i].key;

		if (mc_strmap_put(&keys, k->u.text, k->len, i, NULL) < 0)
			goto nomem;
	}
	for (size_t j = 0; j < y->len; j++) {
		const mc_pair *q = &y->u.pairs[j];
		const mc_node *k = q->key, *v;
		step here = {at, k};
		size_t i = x->len;

		if (indexed) {
			if (!mc_strmap_get(&keys, k->u.text, k->len, &i))
				i = x->len;
		} else {
			for (i = 0; i < x->len; i++) {
				const mc_node *o = x->u.pairs[i].key;

				if (o->len == k->len && memcmp(o->u.text, k->u.text, k->len) == 0)
					break;
			}
		}
		placed yv = {q->value, mc_node_value_at(y, j)};

		if (i < x->len) {
			placed xv = {x->u.pairs[i].value, mc_node_value_at(x, i)};

			v = merge_value(m, &here, xv, yv);
		} else {
			v = q->value;
		}
		if (!v)
			goto nomem;
		if (i < x->len && v == x->u.pairs[i].value)
			continue;
		if (!pairs) {
			pairs = mc_arena_calloc(&m->a->inv->arena, x->len + y->len,
						sizeof(*pairs));
			places = mc_arena_calloc(&m->a->inv->arena, x->len + y->len,
						 sizeof(*places));
			if (!pairs || !places)
				goto nomem;
			if (x->len)
				memcpy(pairs, x->u.pairs, x->len * sizeof(*pairs));
			for (size_t c = 0; c < x->len; c++)
				places[c] = mc_node_value_at(x, c);
		}
		if (i < x->len) {
			pairs[i].value = v;
		} else {
			places[n] = yv.at;
			pairs[n++] = *q;
		}
	}
	mc_strmap_free(&keys);
	if (!pairs)
		return x;
	if (!(out = mc_arena_memdup(&m->a->inv->arena, x, 1, sizeof(*x))))
		goto nomem;
	out->u.pairs = pairs;
	out->len = n;
	out->keys = NULL;
	if (mc_node_set_places(out, &m->a->inv->arena, places) < 0)
		goto nomem;
	out->weight = 1;
	out->height = 1;
	for (size_t i = 0; i < n; i++) {
		const mc_node *v = pairs[i].value;
		uint64_t w = pairs[i].key->weight + v->weight;

		out->weight = out->weight > UINT64_MAX - w ? UINT64_MAX : out->weight + w;
		if (v->height >= out->height)
			out->height = v->height + 1;
	}
	return out;
nomem:
	mc_strmap_free(&keys);
	m->a->nomem = true;
	return NULL;
}

/* x (earlier) and y (later) merged: mappings key by key, anything else
 * kept as x when y agrees, reported at y when it does not. NULL only when
 * memory runs out. */
static const mc_node *
merge_value(merger *m, const step *at, placed x, placed y)
{
	if (x.n->kind == MC_NODE_MAP && y.n->kind == MC_NODE_MAP)
		return merge_map(m, at, x.n, y.n);
	if (x.n->kind == MC_NODE_SEQ && y.n->kind == MC_NODE_SEQ) {
		if (same_list(m, at, x.n, y.n) < 0) {
			m->a->nomem = true;
			return NULL;
		}
		return x.n;
	}
	if (x.n->kind != y.n->kind ||
	    (x.n->kind == MC_NODE_SCALAR && !mc_node_equal(x.n, y.n)))
		conflict(m, at, x, y);
	return x.n;
}

/* Where a record was defined before: the earlier part `prev` is in the
 * same file as rec (one file, or one path given twice). */
static bool
same_file(const mc_node *prev, const mc_node *rec)
{
	return prev->file == rec->file ||
	       strcmp(prev->file->name, rec->file->name) == 0;
}

static void
defined_twice(adder *a, const mc_node *prev, const mc_node *rec,
	      const mc_node *name, mc_place name_at, const char *what)
{
	mc_place f = mc_node_place(prev);

	mc_node_get_at(prev, "name", &f);
	f = name_place(prev, f);
	aerror_at(a, name_place(rec, name_at), "%s '%s' is defined twice (first "
		  "at %s:%u:%u)", what, name->u.text, f.file->name,
		  (unsigned)f.line, (unsigned)f.col);
}

/* Room for n more hosts (or VMs) and their names, so that a list of them
 * grows the arrays and the index once. */
static int
reserve(adder *a, bool hosts, size_t n)
{
	mc_inventory *inv = a->inv;

	if (hosts)
		return MC_GROW(inv->hosts, inv->caphosts, inv->nhosts + n) < 0 ||
		       mc_strmap_reserve(&inv->host_index, inv->nhosts + n) < 0 ? -1 : 0;
	return MC_GROW(inv->vms, inv->capvms, inv->nvms + n) < 0 ||
	       mc_strmap_reserve(&inv->vm_index, inv->nvms + n) < 0 ? -1 : 0;
}

/*
 * Indexes a record's name as record number idx: returns 1 when the name is
 * new. When it is not, *prev is the record's number, and the part is
 * merged into it (into *node, its merged record): 2, unless the record's
 * last part (*last) is in the same file, which is an error naming both,
 * or memory runs out: 0.
 */
static int
index_name(adder *a, mc_strmap *index, const mc_node *rec, const mc_node *n,
	   mc_place name_at, size_t idx, const char *what, size_t *prev,
	   const mc_node **(*record_of)(mc_inventory *, size_t, const mc_node ***))
{
	const mc_node **node, **last;
	int r = mc_strmap_put(index, n->u.text, n->len, idx, prev);

	if (r < 0) {
		a->nomem = true;
		return 0;
	}
	if (r == 1)
		return 1;
	node = record_of(a->inv, *prev, &last);
	if (same_file(*last, rec)) {
		defined_twice(a, *last, rec, n, name_at, what);
		return 0;
	}
	merger m = {a, what, n->u.text};
	placed was = {*node, mc_node_place(*node)}, part = {rec, mc_node_place(rec)};
	const mc_node *merged = merge_value(&m, NULL, was, part);

	if (!merged)
		return 0;
	*node = merged;
	*last = rec;
	return 2;
}

static const mc_node **
host_parts(mc_inventory *inv, size_t i, const mc_node ***last)
{
	*last = &inv->hosts[i].last;
	return &inv->hosts[i].node;
}

static const mc_node **
vm_parts(mc_inventory *inv, size_t i, const mc_node ***last)
{
	*last = &inv->vms[i].last;
	return &inv->vms[i].node;
}

/* ------------------------------------------------------------------------
 * Records
 *
 * What a part of a record holds is checked as it is read: a key of the
 * wrong type is wrong in every merge. What a record needs, and the VMs'
 * defaults, wait for every part (mc_inventory_finish).
 */

static void
add_host(adder *a, const mc_node *rec)
{
	mc_inventory *inv = a->inv;
	const mc_node *name, *cluster;
	mc_place name_at, at;
	size_t prev;

	if (rec->kind != MC_NODE_MAP) {
		aerror(a, rec, "a host must be a mapping, not %s", mc_node_describe(rec));
		return;
	}
	if (!(name = record_name(a, rec, "host", &name_at)))
		return;
	cluster = mc_node_get_at(rec, "cluster", &at);
	if (cluster && !(cluster->kind == MC_NODE_SCALAR &&
			 cluster->type != MC_SCALAR_NULL)) {
		aerror_at(a, at, "'cluster' must be a name, not %s",
			  mc_node_describe(cluster));
		return;
	}
	if (inv->nhosts == UINT32_MAX) {
		aerror(a, rec, "too many hosts");
		return;
	}
	if (MC_GROW(inv->hosts, inv->caphosts, inv->nhosts + 1) < 0) {
		a->nomem = true;
		return;
	}
	mc_host_rec *h = &inv->hosts[inv->nhosts];
	h->name = name->u.text;
	h->cluster = cluster ? cluster->u.text : NULL;
	h->node = rec;
	h->last = rec;
	switch (index_name(a, &inv->host_index, rec, name, name_at, inv->nhosts,
			   "host", &prev, host_parts)) {
	case 1:
		inv->nhosts++;
		break;
	case 2:  /* parts that both give it agree */
		if (!inv->hosts[prev].cluster)
			inv->hosts[prev].cluster = h->cluster;
		break;
	}
}

/* A scalar made for a default, placed at the record it completes. */
static mc_node *
synthetic(mc_inventory *inv, const mc_node *at, mc_scalar_type type,
	  const char *text, int64_t num)
{
	mc_node *n = mc_arena_calloc(&inv->arena, 1, sizeof(*n));

	if (!n)
		return NULL;
	n->kind = MC_NODE_SCALAR;
	n->type = (uint8_t)type;
	n->line = at->line;
	n->col = at->col;
	n->file = at->file;
	n->u.text = text;
	n->len = strlen(text);
	n->num = num;
	n->weight = 1;
	return n;
}

/* The VM record with `checkpoints: 0` and `processor_compatibility: false`
 * added where it lacks them; NULL when memory runs out. */
static const mc_node *
with_defaults(mc_inventory *inv, const mc_node *rec)
{
	static const struct {
		const char *key;
		mc_scalar_type type;
		const char *text;
	} defaults[] = {
		{"checkpoints", MC_SCALAR_INT, "0"},
		{"processor_compatibility", MC_SCALAR_BOOL, "false"},
	};
	const size_t nd = sizeof(defaults) / sizeof(*defaults);
	mc_pair *pairs;
	mc_place *places;
	mc_node *copy;
	size_t n = rec->len;

	for (size_t i = 0; i < nd; i++)
		n += !mc_node_get(rec, defaults[i].key);
	if (n == rec->len)
		return rec;
	copy = mc_arena_memdup(&inv->arena, rec, 1, sizeof(*rec));
	pairs = mc_arena_calloc(&inv->arena, n, sizeof(*pairs));
	places = mc_arena_calloc(&inv->arena, n, sizeof(*places));
	if (!copy || !pairs || !places)
		return NULL;
	memcpy(pairs, rec->u.pairs, rec->len * sizeof(*pairs));
	for (size_t i = 0; i < rec->len; i++)
		places[i] = mc_node_value_at(rec, i);
	n = rec->len;
	for (size_t i = 0; i < nd; i++) {
		if (mc_node_get(rec, defaults[i].key))
			continue;
		pairs[n].key = synthetic(inv, rec, MC_SCALAR_STR, defaults[i].key, 0);
		pairs[n].value = synthetic(inv, rec, defaults[i].type, defaults[i].text, 0);
		if (!pairs[n].key || !pairs[n].value)
			return NULL;
		places[n++] = mc_node_place(rec);
	}
	copy->u.pairs = pairs;
	copy->len = n;
	copy->keys = NULL;
	if (mc_node_set_places(copy, &inv->arena, places) < 0)
		return NULL;
	return copy;
}

static void
add_vm(adder *a, const mc_node *rec)
{
	mc_inventory *inv = a->inv;
	const mc_node *name, *host, *state, *n;
	mc_place name_at, host_at = mc_node_place(rec), at;
	size_t prev;

	if (rec->kind != MC_NODE_MAP) {
		aerror(a, rec, "a VM must be a mapping, not %s", mc_node_describe(rec));
		return;
	}
	if (!(name = record_name(a, rec, "VM", &name_at)))
		return;
	host = mc_node_get_at(rec, "host", &host_at);
	state = mc_node_get_at(rec, "state", &at);
	if (host && (host->kind != MC_NODE_SCALAR || host->type == MC_SCALAR_NULL)) {
		aerror_at(a, host_at, "'host' must be a host's name, not %s",
			  mc_node_describe(host));
		return;
	}
	if (state && (!mc_node_is_str(state) || state->len == 0)) {
		aerror_at(a, at, "'state' must be a word such as running, saved, "
			  "paused or stopped, not %s", mc_node_describe(state));
		return;
	}
	n = mc_node_get_at(rec, "checkpoints", &at);
	if (n && !(n->kind == MC_NODE_SCALAR && n->type == MC_SCALAR_INT &&
		   n->num >= 0)) {
		if (n->kind == MC_NODE_SCALAR && n->type == MC_SCALAR_INT)
			aerror_at(a, at, "'checkpoints' must be a whole number of "
				  "checkpoints (0 or more), not %s", n->u.text);
		else
			aerror_at(a, at, "'checkpoints' must be a whole number of "
				  "checkpoints (0 or more), not %s", mc_node_describe(n));
		return;
	}
	n = mc_node_get_at(rec, "processor_compatibility", &at);
	if (n && !(n->kind == MC_NODE_SCALAR && n->type == MC_SCALAR_BOOL)) {
		aerror_at(a, at, "'processor_compatibility' must be true or false, "
			  "not %s", mc_node_describe(n));
		return;
	}
	if (inv->nvms == UINT32_MAX) {
		aerror(a, rec, "too many VMs");
		return;
	}
	if (MC_GROW(inv->vms, inv->capvms, inv->nvms + 1) < 0) {
		a->nomem = true;
		return;
	}
	mc_vm_rec *v = &inv->vms[inv->nvms];
	v->name = name->u.text;
	v->state = state ? state->u.text : NULL;
	v->node = rec;
	v->last = rec;
	v->host_node = host;
	v->host_at = host_at;
	v->host = UINT32_MAX;
	switch (index_name(a, &inv->vm_index, rec, name, name_at, inv->nvms, "VM",
			   &prev, vm_parts)) {
	case 1:
		inv->nvms++;
		break;
	case 2:  /* parts that both give them agree */
		if (!inv->vms[prev].state)
			inv->vms[prev].state = v->state;
		if (!inv->vms[prev].host_node) {
			inv->vms[prev].host_node = host;
			inv->vms[prev].host_at = host_at;
		}
		break;
	}
}

static int
add_doc(mc_inventory *inv, mc_doc *doc, mc_diag *diag)
{
	adder a = {inv, diag, 0, false};
	const mc_node *root = doc->root;

	if (MC_GROW(inv->docs, inv->capdocs, inv->ndocs + 1) < 0) {
		mc_doc_free(doc);
		return MC_ENOMEM;
	}
	inv->docs[inv->ndocs++] = doc;
	if (!root) {
		mc_file_diag(diag, MC_SEVERITY_ERROR, &doc->file, 1, 1,
			     "the inventory file is empty; it must be a mapping "
			     "with 'hosts', 'vms' or both");
		return MC_EINPUT;
	}
	if (root->kind != MC_NODE_MAP) {
		mc_node_error(diag, root, "an inventory must be a mapping with "
			      "'hosts', 'vms' or both, not %s", mc_node_describe(root));
		return MC_EINPUT;
	}
	for (size_t i = 0; i < root->len; i++) {
		const mc_node *k = root->u.pairs[i].key, *v = root->u.pairs[i].value;
		bool hosts = strcmp(k->u.text, "hosts") == 0;

		if (!hosts && strcmp(k->u.text, "vms") != 0) {
			aerror(&a, k, "unknown key '%.64s' in an inventory (known keys: "
			       "hosts, vms)", k->u.text);
			continue;
		}
		if (v->kind == MC_NODE_SCALAR && v->type == MC_SCALAR_NULL)
			continue;  /* `vms:` with nothing under it */
		if (v->kind != MC_NODE_SEQ) {
			aerror(&a, v, "'%s' must be a list, not %s", k->u.text,
			       mc_node_describe(v));
			continue;
		}
		if (reserve(&a, hosts, v->len) < 0)
			return MC_ENOMEM;
		for (size_t j = 0; j < v->len && !a.nomem; j++) {
			if (hosts)
				add_host(&a, v->u.items[j]);
			else
				add_vm(&a, v->u.items[j]);
		}
	}
	if (a.nomem)
		return MC_ENOMEM;
	return a.errors ? MC_EINPUT : MC_OK;
}

int
mc_inventory_add_file(mc_inventory *inv, const char *path, mc_diag *diag)
{
	mc_doc *doc;
	int rc = mc_doc_load_file_as(&doc, path, &inv->limits, MC_DOC_SHARED, diag);

	if (rc != MC_OK)
		return rc;
	return add_doc(inv, doc, diag);
}

int
mc_inventory_add_named(mc_inventory *inv, const char *path, const mc_node *by,
		       mc_diag *diag)
{
	static const char *const marks[] = {"hosts", "vms", NULL};
	const mc_named named = {by, "inventory", "an inventory", marks};
	mc_doc *doc;
	int rc = mc_doc_load_named(&doc, path, &named, &inv->limits, MC_DOC_SHARED,
				   diag);

	if (rc != MC_OK)
		return rc;
	return add_doc(inv, doc, diag);
}

int
mc_inventory_add_buffer(mc_inventory *inv, const char *name, const char *buf,
			size_t len, mc_diag *diag)
{
	mc_doc *doc;
	int rc = mc_doc_load_buffer_as(&doc, name, buf, len, &inv->limits,
				       MC_DOC_SHARED, diag);

	if (rc != MC_OK)
		return rc;
	return add_doc(inv, doc, diag);
}

/*
 * What needs every part of a VM: its `host` and `state`, its defaults, and
 * its host, which may be in any file.
 */
int
mc_inventory_finish(mc_inventory *inv, mc_diag *diag)
{
	int errors = 0;

	for (size_t i = 0; i < inv->nvms; i++) {
		mc_vm_rec *v = &inv->vms[i];
		const mc_node *h = v->host_node, *rec;
		long idx;

		if (!h || !v->state) {
			mc_node_error_counted(diag, &errors, v->node, "VM '%s' needs %s",
					      v->name, !h && !v->state ? "'host' and 'state'"
					      : !h ? "'host'" : "'state'");
			continue;
		}
		if (!(rec = with_defaults(inv, v->node)))
			return MC_ENOMEM;
		v->node = rec;
		idx = mc_inventory_find_host(inv, h->u.text);
		if (idx < 0) {
			mc_place_diag(diag, MC_SEVERITY_ERROR, v->host_at, "VM '%s' is on "
				      "host '%s', which no inventory file defines",
				      v->name, h->u.text);
			errors++;
			continue;
		}
		v->host = (uint32_t)idx;
	}
	if (errors)
		return MC_EINPUT;
	inv->finished = true;
	return MC_OK;
}

typedef struct named {
	const char *name;
	uint32_t host;
} named;

static int
named_cmp(const void *a, const void *b)
{
	return strcmp(((const named *)a)->name, ((const named *)b)->name);
}

int
mc_inventory_by_name(const mc_inventory *inv, uint32_t *byname)
{
	named *by = malloc((inv->nhosts + 1) * sizeof(*by));

	if (!by)
		return -1;
	for (size_t h = 0; h < inv->nhosts; h++) {
		by[h].name = inv->hosts[h].name;
		by[h].host = (uint32_t)h;
	}
	qsort(by, inv->nhosts, sizeof(*by), named_cmp);
	for (size_t i = 0; i < inv->nhosts; i++)
		byname[i] = by[i].host;
	free(by);
	return 0;
}
