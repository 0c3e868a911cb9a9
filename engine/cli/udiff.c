/* SPDX-License-Identifier: MIT */
/*
 * udiff.c - a unified diff of two texts (udiff.h). The lines the texts
 * share at their head and tail are set aside first; Myers' O(ND) greedy
 * search finds the shortest edit script between the rest, keeping each
 * step's furthest reaching paths to walk back; the script is written in
 * hunks with three lines of context.
 */
#include "udiff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONTEXT 3

typedef struct line {
	const char *s;
	size_t len;     /* with its '\n', when it has one */
} line;

enum { OP_SAME, OP_DEL, OP_ADD };

typedef struct op {
	int type;
	size_t a, b;    /* the line of each text where it stands */
} op;

typedef struct script {
	op *ops;
	size_t n, cap;
	bool nomem;
} script;

static line *
split(const char *s, size_t len, size_t *n)
{
	size_t count = 0, i = 0, k = 0;
	line *lines;

	for (size_t j = 0; j < len; j++)
		count += s[j] == '\n';
	count += len && s[len - 1] != '\n';
	lines = malloc((count ? count : 1) * sizeof(*lines));
	if (!lines)
		return NULL;
	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - s) + 1 : len;

		lines[k++] = (line){s + i, e - i};
		i = e;
	}
	*n = k;
	return lines;
}

static bool
same(const line *x, const line *y)
{
	return x->len == y->len && memcmp(x->s, y->s, x->len) == 0;
}

static void
add_op(script *sc, int type)
{
	if (sc->n == sc->cap) {
		size_t cap = sc->cap ? sc->cap * 2 : 64;
		op *ops = realloc(sc->ops, cap * sizeof(*ops));

		if (!ops) {
			sc->nomem = true;
			return;
		}
		sc->ops = ops;
		sc->cap = cap;
	}
	sc->ops[sc->n++] = (op){type, 0, 0};
}

/*
 * The edit script from a[0..n) to b[0..m), reversed, into sc: Myers'
 * greedy search, its V array kept at every step (the part of it a step
 * can read: diagonals -d..d), then a walk back from the end. False when
 * the script is longer than UDIFF_MAX_EDITS.
 */
static bool
myers(script *sc, const line *a, size_t n, const line *b, size_t m)
{
	long max = (long)(n + m), off = max + 1, dfound = -1;
	long *v = calloc((size_t)(2 * max + 3), sizeof(*v));
	long **trace = calloc(UDIFF_MAX_EDITS + 1, sizeof(*trace));
	bool ok = false;

	if (!v || !trace) {
		sc->nomem = true;
		goto out;
	}
	for (long d = 0; d <= max && d <= UDIFF_MAX_EDITS && dfound < 0; d++) {
		/* the state before step d: diagonals -d..d */
		if (!(trace[d] = malloc((size_t)(2 * d + 1) * sizeof(long)))) {
			sc->nomem = true;
			goto out;
		}
		memcpy(trace[d], v + off - d, (size_t)(2 * d + 1) * sizeof(long));
		for (long k = -d; k <= d; k += 2) {
			long x, y;

			if (k == -d || (k != d && v[off + k - 1] < v[off + k + 1]))
				x = v[off + k + 1];
			else
				x = v[off + k - 1] + 1;
			y = x - k;
			while (x < (long)n && y < (long)m && same(&a[x], &b[y])) {
				x++;
				y++;
			}
			v[off + k] = x;
			if (x >= (long)n && y >= (long)m) {
				dfound = d;
				break;
			}
		}
	}
	if (dfound < 0)
		goto out;
	{
		long x = (long)n, y = (long)m;

		for (long d = dfound; d > 0; d--) {
			const long *pv = trace[d];  /* diagonal k at pv[k + d] */
			long k = x - y, pk, px, py, mx, my;

			if (k == -d || (k != d && pv[k - 1 + d] < pv[k + 1 + d]))
				pk = k + 1;
			else
				pk = k - 1;
			px = pv[pk + d];
			py = px - pk;
			/* the edit leads from (px, py) to (mx, my), then a snake */
			mx = pk == k + 1 ? px : px + 1;
			my = pk == k + 1 ? py + 1 : py;
			while (x > mx && y > my) {
				add_op(sc, OP_SAME);
				x--;
				y--;
			}
			add_op(sc, pk == k + 1 ? OP_ADD : OP_DEL);
			x = px;
			y = py;
		}
		while (x > 0 && y > 0) {
			add_op(sc, OP_SAME);
			x--;
			y--;
		}
	}
	ok = true;
out:
	if (trace)
		for (long d = 0; d <= UDIFF_MAX_EDITS; d++)
			free(trace[d]);
	free(trace);
	free(v);
	return ok;
}

static void
put_line(cli_buf *b, char mark, const line *l)
{
	char m[1] = {mark};

	cli_buf_add(b, m, 1);
	cli_buf_add(b, l->s, l->len);
	if (!l->len || l->s[l->len - 1] != '\n')
		cli_buf_puts(b, "\n\\ No newline at end of file\n");
}

static void
range(char *buf, size_t size, size_t start, size_t count)
{
	if (count == 1)
		snprintf(buf, size, "%zu", start + 1);
	else
		snprintf(buf, size, "%zu,%zu", count ? start + 1 : start, count);
}

/* Writes the script's hunks: changes with CONTEXT lines around them,
 * changes closer than twice that in one hunk. */
static void
hunks(cli_buf *b, const op *ops, size_t n, const line *al, const line *bl)
{
	size_t i = 0;

	while (i < n) {
		size_t first, last, start, end, ac = 0, bc = 0;
		char ra[48], rb[48], head[112];

		while (i < n && ops[i].type == OP_SAME)
			i++;
		if (i == n)
			break;
		first = i;
		last = i;
		for (size_t j = i; j < n; j++) {
			if (ops[j].type != OP_SAME) {
				last = j;
				continue;
			}
			if (j - last > 2 * CONTEXT)
				break;
		}
		start = first > CONTEXT ? first - CONTEXT : 0;
		end = last + CONTEXT + 1 < n ? last + CONTEXT + 1 : n;
		for (size_t j = start; j < end; j++) {
			ac += ops[j].type != OP_ADD;
			bc += ops[j].type != OP_DEL;
		}
		range(ra, sizeof(ra), ops[start].a, ac);
		range(rb, sizeof(rb), ops[start].b, bc);
		snprintf(head, sizeof(head), "@@ -%s +%s @@\n", ra, rb);
		cli_buf_puts(b, head);
		for (size_t j = start; j < end; j++) {
			if (ops[j].type == OP_SAME)
				put_line(b, ' ', &al[ops[j].a]);
			else if (ops[j].type == OP_DEL)
				put_line(b, '-', &al[ops[j].a]);
			else
				put_line(b, '+', &bl[ops[j].b]);
		}
		i = end;
	}
}

bool
cli_udiff(cli_buf *b, const char *aname, const char *a, size_t alen,
	  const char *bname, const char *bt, size_t blen)
{
	size_t n = 0, m = 0, head = 0, tail = 0;
	line *al = NULL, *bl = NULL;
	script sc = {NULL, 0, 0, false}, all = {NULL, 0, 0, false};
	bool ok = false;

	if (alen == blen && memcmp(a, bt, alen) == 0)
		return true;
	if (!(al = split(a, alen, &n)) || !(bl = split(bt, blen, &m)))
		goto out;
	while (head < n && head < m && same(&al[head], &bl[head]))
		head++;
	while (tail < n - head && tail < m - head &&
	       same(&al[n - 1 - tail], &bl[m - 1 - tail]))
		tail++;
	for (size_t i = 0; i < head; i++)
		add_op(&all, OP_SAME);
	if (!myers(&sc, al + head, n - head - tail, bl + head, m - head - tail)) {
		if (sc.nomem)
			goto out;
		/* too far apart: everything between head and tail changes */
		sc.n = 0;
		for (size_t i = head; i < m - tail; i++)
			add_op(&sc, OP_ADD);
		for (size_t i = head; i < n - tail; i++)
			add_op(&sc, OP_DEL);
	}
	for (size_t i = sc.n; i-- > 0;)  /* the script is reversed */
		add_op(&all, sc.ops[i].type);
	for (size_t i = 0; i < tail; i++)
		add_op(&all, OP_SAME);
	if (sc.nomem || all.nomem)
		goto out;
	/* where each op stands in both texts */
	{
		size_t x = 0, y = 0;

		for (size_t i = 0; i < all.n; i++) {
			op *o = &all.ops[i];

			o->a = x;
			o->b = y;
			x += o->type != OP_ADD;
			y += o->type != OP_DEL;
		}
	}
	cli_buf_puts(b, "--- ");
	cli_buf_puts(b, aname);
	cli_buf_puts(b, "\n+++ ");
	cli_buf_puts(b, bname);
	cli_buf_puts(b, "\n");
	hunks(b, all.ops, all.n, al, bl);
	ok = !b->failed;
out:
	free(al);
	free(bl);
	free(sc.ops);
	free(all.ops);
	return ok;
}
