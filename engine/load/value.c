/* SPDX-License-Identifier: MIT */
/*
 * value.c - scalar comparison and coercion.
 */
#include "load/value.h"

#include "util/buf.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <xxhash.h>

static bool
is_sep(char c)
{
	return c == '.' || c == '-' || c == '_';
}

static bool
is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool
mc_version_valid(const char *s, size_t len)
{
	bool seg_empty = true;

	if (len == 0 || !is_digit(s[0]))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (is_sep(s[i])) {
			if (seg_empty)
				return false;
			seg_empty = true;
		} else if (is_alnum(s[i])) {
			seg_empty = false;
		} else {
			return false;
		}
	}
	return !seg_empty;
}

/* The next segment of a version at *p (before end): sets *seg and *n and
 * advances past the separator. An exhausted version gives "0". */
static void
next_seg(const char **p, const char *end, const char **seg, size_t *n)
{
	const char *s = *p;

	if (s >= end) {
		*seg = "0";
		*n = 1;
		return;
	}
	const char *e = s;
	while (e < end && !is_sep(*e))
		e++;
	*seg = s;
	*n = (size_t)(e - s);
	*p = e < end ? e + 1 : e;
}

static bool
all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return false;
	}
	return true;
}

static int
cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	if (c)
		return c;
	return an < bn ? -1 : an > bn;
}

static int
cmp_seg(const char *a, size_t an, const char *b, size_t bn)
{
	if (all_digits(a, an) && all_digits(b, bn)) {
		/* Numbers of any length: drop leading zeros, then the longer is
		 * larger, and equal lengths compare as text. */
		while (an > 1 && *a == '0') {
			a++;
			an--;
		}
		while (bn > 1 && *b == '0') {
			b++;
			bn--;
		}
		if (an != bn)
			return an < bn ? -1 : 1;
		return memcmp(a, b, an);
	}
	return cmp_bytes(a, an, b, bn);
}

int
mc_version_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	const char *pa = a, *ea = a + alen, *pb = b, *eb = b + blen;

	/* One text: hosts that share a version (an alias, or a binding kept
	 * for all of them) compare in no time, however long it is. */
	if (a == b && alen == blen)
		return 0;

	while (pa < ea || pb < eb) {
		const char *sa, *sb;
		size_t na, nb;
		int c;

		next_seg(&pa, ea, &sa, &na);
		next_seg(&pb, eb, &sb, &nb);
		c = cmp_seg(sa, na, sb, nb);
		if (c)
			return c < 0 ? -1 : 1;
	}
	return 0;
}

/* n, or NULL when it is a null scalar: both mean "no value". */
static const mc_node *
some(const mc_node *n)
{
	return n && !(n->kind == MC_NODE_SCALAR && n->type == MC_SCALAR_NULL)
	       ? n : NULL;
}

static bool
text_equal(const mc_node *a, const mc_node *b)
{
	return a->len == b->len && memcmp(a->u.text, b->u.text, a->len) == 0;
}

bool
mc_value_equal(const mc_node *a, const mc_node *b, unsigned how)
{
	a = some(a);
	b = some(b);
	if (!a || !b)
		return a == b;
	if (a->kind != b->kind ||
	    (a->kind != MC_NODE_SCALAR && (!(how & MC_EQ_DEEP) || a->len != b->len)))
		return false;
	for (size_t i = 0; a->kind != MC_NODE_SCALAR && i < a->len; i++) {
		if (a->kind == MC_NODE_SEQ
		    ? !mc_value_equal(a->u.items[i], b->u.items[i], how)
		    : !mc_value_equal(a->u.pairs[i].key, b->u.pairs[i].key, how) ||
		      !mc_value_equal(a->u.pairs[i].value, b->u.pairs[i].value, how))
			return false;
	}
	if (a->kind != MC_NODE_SCALAR)
		return true;
	if (a->type != b->type)
		return false;
	if (a->type == MC_SCALAR_BOOL || a->type == MC_SCALAR_INT)
		return a->num == b->num && (!(how & MC_EQ_TEXT) || text_equal(a, b));
	return text_equal(a, b);
}

bool
mc_value_in(const mc_node *v, const mc_node *list)
{
	if (!list || list->kind != MC_NODE_SEQ)
		return false;
	for (size_t i = 0; i < list->len; i++) {
		if (mc_node_equal(list->u.items[i], v))
			return true;
	}
	return false;
}

uint64_t
mc_value_hash(const mc_node *n, uint64_t h)
{
	n = some(n);
	if (!n)
		return mc_hash_mix(h, 1);
	h = mc_hash_mix(h, ((uint64_t)n->kind << 8 | n->type) + 2);
	switch (n->kind) {
	case MC_NODE_SCALAR:
		if (n->type == MC_SCALAR_BOOL || n->type == MC_SCALAR_INT)
			return mc_hash_mix(h, (uint64_t)n->num);
		return mc_hash_mix(h, XXH3_64bits(n->u.text, n->len));
	case MC_NODE_SEQ:
		for (size_t i = 0; i < n->len; i++)
			h = mc_value_hash(n->u.items[i], h);
		return h;
	default:
		for (size_t i = 0; i < n->len; i++) {
			h = mc_value_hash(n->u.pairs[i].key, h);
			h = mc_value_hash(n->u.pairs[i].value, h);
		}
		return h;
	}
}

/* The text of an integer or string scalar as a version candidate; integers
 * are written in decimal into buf. */
static const char *
version_text(const mc_node *n, char *buf, size_t size, size_t *len)
{
	if (n->type == MC_SCALAR_INT) {
		int w = snprintf(buf, size, "%" PRId64, n->num);
		*len = (size_t)w;
		return buf;
	}
	*len = n->len;
	return n->u.text;
}

int
mc_node_order(const mc_node *a, const mc_node *b, int *cmp)
{
	char abuf[24], bbuf[24];
	const char *at, *bt;
	size_t al, bl;

	if (a->kind != MC_NODE_SCALAR || b->kind != MC_NODE_SCALAR)
		return -1;
	if (a->type == MC_SCALAR_INT && b->type == MC_SCALAR_INT) {
		*cmp = (a->num > b->num) - (a->num < b->num);
		return 0;
	}
	if ((a->type != MC_SCALAR_INT && a->type != MC_SCALAR_STR) ||
	    (b->type != MC_SCALAR_INT && b->type != MC_SCALAR_STR))
		return -1;
	at = version_text(a, abuf, sizeof(abuf), &al);
	bt = version_text(b, bbuf, sizeof(bbuf), &bl);
	if (!mc_version_valid(at, al) || !mc_version_valid(bt, bl))
		return -1;
	*cmp = mc_version_cmp(at, al, bt, bl);
	return 0;
}

#define SHOW_TEXT 120
#define SHOW_ITEMS 8

static void
write_scalar(mc_buf *b, const mc_node *n, bool quoted)
{
	switch (n->type) {
	case MC_SCALAR_NULL:
		mc_buf_adds(b, "null");
		return;
	case MC_SCALAR_BOOL:
		mc_buf_adds(b, n->num ? "true" : "false");
		return;
	case MC_SCALAR_INT:
		mc_buf_addf(b, "%" PRId64, n->num);
		return;
	default:
		break;
	}
	if (quoted)
		mc_buf_addc(b, '\'');
	if (n->len > SHOW_TEXT) {
		/* Cut at a UTF-8 character boundary. */
		size_t cut = SHOW_TEXT;
		while (cut > 0 && ((unsigned char)n->u.text[cut] & 0xC0) == 0x80)
			cut--;
		mc_buf_add(b, n->u.text, cut);
		mc_buf_adds(b, "...");
	} else {
		mc_buf_add(b, n->u.text, n->len);
	}
	if (quoted)
		mc_buf_addc(b, '\'');
}

void
mc_value_write(mc_buf *b, const mc_node *n, bool quoted)
{
	if (n->kind == MC_NODE_SCALAR) {
		write_scalar(b, n, quoted);
	} else if (n->kind == MC_NODE_MAP) {
		mc_buf_adds(b, "{...}");
	} else {
		mc_buf_addc(b, '[');
		for (size_t i = 0; i < n->len && i < SHOW_ITEMS; i++) {
			if (i)
				mc_buf_adds(b, ", ");
			if (n->u.items[i]->kind == MC_NODE_SCALAR)
				write_scalar(b, n->u.items[i], quoted);
			else
				mc_buf_adds(b, n->u.items[i]->kind == MC_NODE_MAP
					    ? "{...}" : "[...]");
		}
		if (n->len > SHOW_ITEMS)
			mc_buf_addf(b, ", ... (%zu in all)", n->len);
		mc_buf_addc(b, ']');
	}
}
