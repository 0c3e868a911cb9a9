/* SPDX-License-Identifier: MIT */
/*
 * graph.c - mc_graph_reduce(): the transitive reduction of a graph that
 * may have cycles, on bit rows.
 *
 * The components come from Tarjan's algorithm, iterative (a component may
 * hold thousands of vertices) and numbered as it completes them, so that
 * every edge between two components goes from the higher number to the
 * lower. The components each one reaches are then made in that order, a
 * row of bits each: an edge X -> Y between components is implied exactly
 * when another successor of X reaches Y.
 */
#include <assert.h>
#include <stdbool.h>
#include <string.h>

#include "util/graph.h"

static inline bool
has(const uint64_t *row, size_t i)
{
	return (row[i / 64] >> (i % 64)) & 1;
}

static inline void
put(uint64_t *row, size_t i)
{
	row[i / 64] |= (uint64_t)1 << (i % 64);
}

static inline void
drop(uint64_t *row, size_t i)
{
	row[i / 64] &= ~((uint64_t)1 << (i % 64));
}

/* The first bit set in row (of n bits) at from or after it; n when none. */
static size_t
next_bit(const uint64_t *row, size_t from, size_t n)
{
	size_t w = from / 64;
	uint64_t x;

	if (from >= n)
		return n;
	x = row[w] & (~(uint64_t)0 << (from % 64));
	while (!x) {
		if (++w * 64 >= n)
			return n;
		x = row[w];
	}
	from = w * 64 + (size_t)__builtin_ctzll(x);
	return from < n ? from : n;
}

typedef struct reducer {
	const uint64_t *rows;
	uint64_t *keep;
	size_t n, words;
	uint32_t *comp;          /* per vertex: its component */
	size_t ncomp;
	uint32_t *start;         /* per component: its first place in members */
	uint32_t *members;       /* the vertices by component, then by number */
	uint32_t *queue;         /* a search's vertices */
	uint32_t *mark;          /* per vertex: the last search that met it */
	uint32_t search;
	/* The edges kept within the component at hand, by from, then to:
	 * vertex x's are eto[efirst[x] .. eend[x]). */
	uint32_t *eto, *efirst, *eend;
	bool *gone;              /* an edge left out, or being tried */
} reducer;

/* Tarjan's components of the graph, into comp and ncomp. */
static int
components(reducer *r, mc_arena *a)
{
	size_t n = r->n, top = 0, depth = 0;
	uint32_t next = 0;
	uint32_t *index = mc_arena_calloc(a, n + 1, sizeof(*index));
	uint32_t *low = mc_arena_alloc(a, (n + 1) * sizeof(*low));
	uint32_t *stack = mc_arena_alloc(a, (n + 1) * sizeof(*stack));
	uint32_t *call = mc_arena_alloc(a, (n + 1) * sizeof(*call));
	uint32_t *at = mc_arena_alloc(a, (n + 1) * sizeof(*at));
	bool *on = mc_arena_calloc(a, n + 1, sizeof(*on));

	if (!index || !low || !stack || !call || !at || !on)
		return -1;
	for (size_t root = 0; root < n; root++) {
		if (index[root])
			continue;
		index[root] = low[root] = ++next;
		at[root] = 0;
		stack[top++] = (uint32_t)root;
		on[root] = true;
		call[depth++] = (uint32_t)root;
		while (depth) {
			size_t v = call[depth - 1];
			const uint64_t *row = r->rows + v * r->words;
			size_t w = next_bit(row, at[v], n);

			if (w == v)
				w = next_bit(row, v + 1, n);
			if (w < n) {
				at[v] = (uint32_t)w + 1;
				if (!index[w]) {
					index[w] = low[w] = ++next;
					at[w] = 0;
					stack[top++] = (uint32_t)w;
					on[w] = true;
					call[depth++] = (uint32_t)w;
				} else if (on[w] && index[w] < low[v]) {
					low[v] = index[w];
				}
				continue;
			}
			/* Every successor of v seen. */
			if (--depth && low[v] < low[call[depth - 1]])
				low[call[depth - 1]] = low[v];
			if (low[v] == index[v]) {
				size_t x;

				do {
					x = stack[--top];
					on[x] = false;
					r->comp[x] = (uint32_t)r->ncomp;
				} while (x != v);
				r->ncomp++;
			}
		}
	}
	return 0;
}

/* The vertices of each component, in order, into start and members. */
static void
group(reducer *r)
{
	memset(r->start, 0, (r->ncomp + 2) * sizeof(*r->start));
	for (size_t v = 0; v < r->n; v++)
		r->start[r->comp[v] + 2]++;
	for (size_t c = 0; c < r->ncomp; c++)
		r->start[c + 2] += r->start[c + 1];
	for (size_t v = 0; v < r->n; v++)
		r->members[r->start[r->comp[v] + 1]++] = (uint32_t)v;
}

/* Does a path of the edges kept within a component, those gone left
 * aside, lead from u to v? */
static bool
leads(reducer *r, size_t u, size_t v)
{
	size_t head = 0, tail = 0;
	uint32_t s = ++r->search;

	r->queue[tail++] = (uint32_t)u;
	r->mark[u] = s;
	while (head < tail) {
		size_t x = r->queue[head++];

		for (size_t e = r->efirst[x]; e < r->eend[x]; e++) {
			size_t y = r->eto[e];

			if (r->gone[e] || r->mark[y] == s)
				continue;
			if (y == v)
				return true;
			r->mark[y] = s;
			r->queue[tail++] = (uint32_t)y;
		}
	}
	return false;
}

/* A breadth-first tree of component m[0 .. k) from (out) or to (!out) its
 * first vertex, into keep. */
static void
tree(reducer *r, const uint32_t *m, size_t k, bool out)
{
	size_t head = 0, tail = 0, words = r->words;
	uint32_t s = ++r->search;

	r->queue[tail++] = m[0];
	r->mark[m[0]] = s;
	while (head < tail) {
		size_t x = r->queue[head++];

		for (size_t i = 0; i < k; i++) {
			size_t y = m[i];

			if (r->mark[y] == s ||
			    !has(r->rows + (out ? x : y) * words, out ? y : x))
				continue;
			r->mark[y] = s;
			r->queue[tail++] = (uint32_t)y;
			if (out)
				put(r->keep + x * words, y);
			else
				put(r->keep + y * words, x);
		}
	}
}

/* The edges kept within component c: its trees, less the edges that the
 * others imply. O(k^2) for k vertices: at most 2(k - 1) edges, each tried
 * by a search over the others. */
static void
within(reducer *r, size_t c)
{
	const uint32_t *m = r->members + r->start[c];
	size_t k = r->start[c + 1] - r->start[c], ne = 0, words = r->words;

	if (k < 2)
		return;
	tree(r, m, k, true);
	tree(r, m, k, false);
	for (size_t i = 0; i < k; i++) {
		size_t x = m[i];

		r->efirst[x] = (uint32_t)ne;
		for (size_t j = 0; j < k; j++) {
			if (!has(r->keep + x * words, m[j]))
				continue;
			r->eto[ne] = m[j];
			r->gone[ne++] = false;
		}
		r->eend[x] = (uint32_t)ne;
	}
	for (size_t i = 0; i < k; i++) {
		size_t x = m[i];

		for (size_t e = r->efirst[x]; e < r->eend[x]; e++) {
			r->gone[e] = true;
			if (leads(r, x, r->eto[e]))
				drop(r->keep + x * words, r->eto[e]);
			else
				r->gone[e] = false;
		}
	}
}

/* The edges kept between components: those of the reduction of the graph
 * of components, each as its lowest edge of rows. */
static int
between(reducer *r, mc_arena *a)
{
	size_t n = r->n, nc = r->ncomp, cw = (nc + 63) / 64, words = r->words;
	uint64_t *succ = mc_arena_calloc(a, nc * cw + 1, sizeof(*succ));
	uint64_t *reach = mc_arena_calloc(a, nc * cw + 1, sizeof(*reach));

	if (!succ || !reach)
		return -1;
	for (size_t u = 0; u < n; u++) {
		const uint64_t *row = r->rows + u * words;

		for (size_t v = next_bit(row, 0, n); v < n; v = next_bit(row, v + 1, n)) {
			if (r->comp[v] != r->comp[u])
				put(succ + r->comp[u] * cw, r->comp[v]);
		}
	}
	/* Sinks first: what each successor reaches is known. Then succ keeps
	 * the successors that no other successor reaches. */
	for (size_t x = 0; x < nc; x++) {
		uint64_t *sx = succ + x * cw, *rx = reach + x * cw;

		for (size_t y = next_bit(sx, 0, nc); y < nc; y = next_bit(sx, y + 1, nc)) {
			const uint64_t *ry = reach + y * cw;

			for (size_t w = 0; w < cw; w++)
				rx[w] |= ry[w];
		}
		for (size_t w = 0; w < cw; w++) {
			uint64_t implied = rx[w];

			rx[w] |= sx[w];
			sx[w] &= ~implied;
		}
	}
	for (size_t u = 0; u < n; u++) {
		const uint64_t *row = r->rows + u * words;
		uint64_t *sx = succ + r->comp[u] * cw;

		for (size_t v = next_bit(row, 0, n); v < n; v = next_bit(row, v + 1, n)) {
			if (r->comp[v] != r->comp[u] && has(sx, r->comp[v])) {
				put(r->keep + u * words, v);
				drop(sx, r->comp[v]);
			}
		}
	}
	return 0;
}

int
mc_graph_reduce(uint64_t *keep, const uint64_t *rows, size_t n, size_t words,
		mc_arena *arena)
{
	reducer r;

	assert(n < UINT32_MAX / 2 && words * 64 >= n);
	memset(&r, 0, sizeof(r));
	r.rows = rows;
	r.keep = keep;
	r.n = n;
	r.words = words;
	r.comp = mc_arena_alloc(arena, (n + 1) * sizeof(*r.comp));
	r.start = mc_arena_alloc(arena, (n + 2) * sizeof(*r.start));
	r.members = mc_arena_alloc(arena, (n + 1) * sizeof(*r.members));
	r.queue = mc_arena_alloc(arena, (n + 1) * sizeof(*r.queue));
	r.mark = mc_arena_calloc(arena, n + 1, sizeof(*r.mark));
	r.eto = mc_arena_alloc(arena, (2 * n + 1) * sizeof(*r.eto));
	r.efirst = mc_arena_alloc(arena, (n + 1) * sizeof(*r.efirst));
	r.eend = mc_arena_alloc(arena, (n + 1) * sizeof(*r.eend));
	r.gone = mc_arena_alloc(arena, (2 * n + 1) * sizeof(*r.gone));
	if (!r.comp || !r.start || !r.members || !r.queue || !r.mark || !r.eto ||
	    !r.efirst || !r.eend || !r.gone)
		return -1;
	if (components(&r, arena) < 0)
		return -1;
	group(&r);
	for (size_t c = 0; c < r.ncomp; c++)
		within(&r, c);
	return between(&r, arena);
}
