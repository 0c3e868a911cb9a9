/* SPDX-License-Identifier: MIT */
/*
 * report_layout.c - the layered drawing of a kind's classes and moves
 * (report_layout.h).
 *
 * Nodes are the classes (0 .. n-1), then the dummies: a move from column
 * a to column b > a + 1 gets one in each column between, and is drawn
 * through them, so that each of its segments lies between two adjacent
 * columns, where there are no boxes. Moves within a strongly connected
 * group stay in its column and are drawn as brackets to its right, each
 * in a lane no other bracket of the column overlaps.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report_layout.h"

#define GAP_X 90      /* between a column (and its lanes) and the next */
#define GAP_Y 24      /* between two places of a column */
#define MARGIN 12
#define LANE 8        /* between two lanes of brackets */
#define LANE_0 10     /* from a column to its first lane */
#define DUMMY_H 8     /* the height of a dummy's place */

typedef struct work {
	size_t n, nn, ne, ncomp, counter, nstack;
	const mc_matrix_edge *e;
	size_t *first, *adj;      /* classes: out-neighbours (CSR) */
	size_t *idx, *low, *stack;
	bool *on;
	size_t *layer;            /* per node */
	size_t *group;            /* per node: a class's strongly connected
	                             group; a dummy's own */
	size_t *moves;            /* per node: the moves (or segments) it has */
	size_t *dummy;            /* per move: its first dummy, or SIZE_MAX */
	size_t *nfirst, *nadj;    /* per node: its segment neighbours (CSR) */
	size_t *rank;             /* per node: its place in its column */
	double *key, *gsum;
	size_t *gcnt;
	size_t *lane;             /* per move within a column */
	size_t *nlanes;           /* per column */
	long *x, *top;            /* per column; per node (a dummy: its middle) */
	size_t ncol;
} work;

typedef struct item {
	double gkey, key;
	size_t group, v;
} item;

static int
item_cmp(const void *a, const void *b)
{
	const item *x = a, *y = b;

	if (x->gkey != y->gkey)
		return x->gkey < y->gkey ? -1 : 1;
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (x->v > y->v) - (x->v < y->v);
}

/* Tarjan's strongly connected components, numbering each group after
 * every group it reaches. The depth is at most the number of classes. */
static void
strong(work *w, size_t v)
{
	w->idx[v] = w->low[v] = ++w->counter;
	w->stack[w->nstack++] = v;
	w->on[v] = true;
	for (size_t a = w->first[v]; a < w->first[v + 1]; a++) {
		size_t u = w->adj[a];

		if (!w->idx[u]) {
			strong(w, u);
			if (w->low[u] < w->low[v])
				w->low[v] = w->low[u];
		} else if (w->on[u] && w->idx[u] < w->low[v]) {
			w->low[v] = w->idx[u];
		}
	}
	if (w->low[v] == w->idx[v]) {
		size_t u;

		do {
			u = w->stack[--w->nstack];
			w->on[u] = false;
			w->group[u] = w->ncomp;
		} while (u != v);
		w->ncomp++;
	}
}

/* Is move i drawn? The second of a two-way pair is drawn by the first. */
static bool
drawn(const work *w, size_t i)
{
	return !(w->e[i].both_ways && w->e[i].from > w->e[i].to);
}

/* The classes' groups and columns; the dummies counted (w->nn). */
static bool
columns(work *w)
{
	size_t n = w->n, *glayer;

	for (size_t i = 0; i < w->ne; i++)
		w->first[w->e[i].from + 1]++;
	for (size_t v = 0; v < n; v++)
		w->first[v + 1] += w->first[v];
	for (size_t i = 0; i < w->ne; i++)
		w->adj[w->first[w->e[i].from] + w->rank[w->e[i].from]++] = w->e[i].to;
	for (size_t v = 0; v < n; v++) {
		w->rank[v] = 0;
		if (!w->idx[v])
			strong(w, v);
	}
	if (!(glayer = calloc(w->ncomp + 1, sizeof(*glayer))))
		return false;
	/* The higher group numbers come first in a topological order. */
	for (size_t c = w->ncomp; c-- > 0;) {
		for (size_t v = 0; v < n; v++) {
			if (w->group[v] != c)
				continue;
			for (size_t a = w->first[v]; a < w->first[v + 1]; a++) {
				size_t g = w->group[w->adj[a]];

				if (g != c && glayer[g] < glayer[c] + 1)
					glayer[g] = glayer[c] + 1;
			}
		}
	}
	w->nn = n;
	for (size_t v = 0; v < n; v++) {
		w->layer[v] = glayer[w->group[v]];
		if (w->layer[v] + 1 > w->ncol)
			w->ncol = w->layer[v] + 1;
	}
	free(glayer);
	for (size_t i = 0; i < w->ne; i++) {
		size_t a = w->e[i].from, b = w->e[i].to;

		w->dummy[i] = SIZE_MAX;
		if (!drawn(w, i))
			continue;
		w->moves[a]++;
		w->moves[b]++;
		if (w->layer[b] > w->layer[a] + 1) {
			w->dummy[i] = w->nn;
			w->nn += w->layer[b] - w->layer[a] - 1;
		}
	}
	return true;
}

/* The node after v on move i's way through its dummies. */
static size_t
next_on(const work *w, size_t i, size_t v)
{
	size_t a = w->e[i].from, b = w->e[i].to, last;

	if (w->dummy[i] == SIZE_MAX)
		return b;
	last = w->dummy[i] + (w->layer[b] - w->layer[a] - 1) - 1;
	if (v == a)
		return w->dummy[i];
	return v == last ? b : v + 1;
}

/* Walks the segments of every move between columns: with fill NULL,
 * gives the dummies their columns and groups and counts each node's
 * neighbours; else writes them (fill: per node, those written so far). */
static void
walk_segments(work *w, size_t *fill)
{
	for (size_t i = 0; i < w->ne; i++) {
		size_t a = w->e[i].from, b = w->e[i].to;

		if (!drawn(w, i) || w->layer[a] == w->layer[b])
			continue;
		for (size_t v = a, u; v != b; v = u) {
			u = next_on(w, i, v);
			if (fill) {
				w->nadj[w->nfirst[v] + fill[v]++] = u;
				w->nadj[w->nfirst[u] + fill[u]++] = v;
				continue;
			}
			if (u >= w->n) {
				w->layer[u] = w->layer[a] + (u - w->dummy[i]) + 1;
				w->group[u] = w->ncomp + (u - w->n);
				w->moves[u] = 2;
			}
			w->nfirst[v + 1]++;
			w->nfirst[u + 1]++;
		}
	}
}

/* The dummies' columns and groups, and every node's segment neighbours. */
static bool
segments(work *w)
{
	size_t *fill;

	walk_segments(w, NULL);
	for (size_t v = 0; v < w->nn; v++)
		w->nfirst[v + 1] += w->nfirst[v];
	if (!(fill = calloc(w->nn + 1, sizeof(*fill))))
		return false;
	walk_segments(w, fill);
	free(fill);
	return true;
}

/* Orders each column. Pass 0 by class (the matrix's order, largest
 * first); pass 1 by the mean place of the neighbours in the column
 * before, left to right; pass 2 by those in the column after, right to
 * left (what orders column 0); pass 3 as pass 1. A group's classes stay
 * together, at the mean of their places; a class without moves goes
 * below the others of its column. */
static bool
order(work *w)
{
	size_t nn = w->nn;
	item *it = calloc(nn + 1, sizeof(*it));

	if (!it)
		return false;
	for (size_t pass = 0; pass < 4; pass++) {
		for (size_t s = 0; s < w->ncol; s++) {
			size_t l = pass == 2 ? w->ncol - 1 - s : s, k = 0;

			for (size_t v = 0; v < nn; v++) {
				size_t sum = 0, cnt = 0;

				if (w->layer[v] != l)
					continue;
				for (size_t a = w->nfirst[v]; a < w->nfirst[v + 1]; a++) {
					size_t u = w->nadj[a];

					if (pass == 2 ? w->layer[u] > l : w->layer[u] < l) {
						sum += w->rank[u];
						cnt++;
					}
				}
				w->key[v] = !w->moves[v] ? (double)(nn + v)
					  : !pass ? (double)v
					  : cnt ? (double)sum / (double)cnt : (double)w->rank[v];
				w->gsum[w->group[v]] = 0;
				w->gcnt[w->group[v]] = 0;
				it[k++].v = v;
			}
			for (size_t i = 0; i < k; i++) {
				w->gsum[w->group[it[i].v]] += w->key[it[i].v];
				w->gcnt[w->group[it[i].v]]++;
			}
			for (size_t i = 0; i < k; i++) {
				size_t v = it[i].v, g = w->group[v];

				it[i].gkey = w->gsum[g] / (double)w->gcnt[g];
				it[i].key = w->key[v];
				it[i].group = g;
			}
			qsort(it, k, sizeof(*it), item_cmp);
			for (size_t i = 0; i < k; i++)
				w->rank[it[i].v] = i;
		}
	}
	free(it);
	return true;
}

/* Lanes for the moves within each column: the shortest brackets nearest
 * the column, none sharing a lane with one it overlaps (ends included:
 * two brackets that meet at a box would look like one). */
static bool
lanes(work *w)
{
	size_t *list = calloc(w->ne + 1, sizeof(*list)), k = 0;

	if (!list)
		return false;
	for (size_t i = 0; i < w->ne; i++) {
		if (drawn(w, i) && w->layer[w->e[i].from] == w->layer[w->e[i].to])
			list[k++] = i;
	}
	/* by span, insertion sort: a column has few such moves */
	for (size_t i = 1; i < k; i++) {
		size_t m = list[i], j = i;
		size_t ra = w->rank[w->e[m].from], rb = w->rank[w->e[m].to];
		size_t span = ra > rb ? ra - rb : rb - ra;

		while (j > 0) {
			size_t p = list[j - 1];
			size_t pa = w->rank[w->e[p].from], pb = w->rank[w->e[p].to];

			if ((pa > pb ? pa - pb : pb - pa) <= span)
				break;
			list[j] = p;
			j--;
		}
		list[j] = m;
	}
	for (size_t i = 0; i < k; i++) {
		size_t m = list[i], l = w->layer[w->e[m].from];
		size_t ra = w->rank[w->e[m].from], rb = w->rank[w->e[m].to];
		size_t lo = ra < rb ? ra : rb, hi = ra < rb ? rb : ra, lane = 0;

		for (bool clash = true; clash; lane += clash) {
			clash = false;
			for (size_t j = 0; j < i && !clash; j++) {
				size_t o = list[j];
				size_t oa = w->rank[w->e[o].from], ob = w->rank[w->e[o].to];

				clash = w->layer[w->e[o].from] == l && w->lane[o] == lane &&
					(oa < ob ? oa : ob) <= hi && lo <= (oa < ob ? ob : oa);
			}
		}
		w->lane[m] = lane;
		if (lane + 1 > w->nlanes[l])
			w->nlanes[l] = lane + 1;
	}
	free(list);
	return true;
}

/* Columns' x, nodes' y, the drawing's size. */
static void
place(work *w, rl_layout *L, long box_w, long box_h)
{
	size_t *byrank = w->gcnt;   /* per column, reused: nodes placed so far */
	long bottom = 0;

	w->x[0] = MARGIN;
	for (size_t l = 0; l + 1 < w->ncol; l++)
		w->x[l + 1] = w->x[l] + box_w + GAP_X + (long)w->nlanes[l] * LANE;
	L->width = w->x[w->ncol - 1] + box_w + MARGIN +
		   (w->nlanes[w->ncol - 1] ? LANE_0 + (long)w->nlanes[w->ncol - 1] * LANE : 0);
	/* Each column from the top, in rank order. */
	for (size_t l = 0; l < w->ncol; l++) {
		long y = MARGIN;

		memset(byrank, 0, (w->nn + 1) * sizeof(*byrank));
		for (size_t v = 0; v < w->nn; v++) {
			if (w->layer[v] == l)
				byrank[w->rank[v]] = v + 1;
		}
		for (size_t r = 0; r < w->nn && byrank[r]; r++) {
			size_t v = byrank[r] - 1;

			if (v < w->n) {
				w->top[v] = y;
				y += box_h + GAP_Y;
			} else {
				w->top[v] = y + DUMMY_H / 2;
				y += DUMMY_H + GAP_Y;
			}
		}
		if (y - GAP_Y > bottom)
			bottom = y - GAP_Y;
	}
	L->height = bottom + MARGIN;
	for (size_t v = 0; v < w->n; v++) {
		L->box[v].x = w->x[w->layer[v]];
		L->box[v].y = w->top[v];
	}
}

/* Every drawn move's points. */
static bool
route(work *w, rl_layout *L, long box_w, long box_h)
{
	size_t np = 0;

	for (size_t i = 0; i < w->ne; i++) {
		size_t a = w->e[i].from, b = w->e[i].to;

		L->first[i] = np;
		if (!drawn(w, i))
			continue;
		np += w->layer[a] == w->layer[b] ? 4
		    : 2 + 2 * (w->layer[b] - w->layer[a] - 1);
	}
	L->first[w->ne] = np;
	if (!(L->point = calloc(np + 1, sizeof(*L->point))))
		return false;
	for (size_t i = 0; i < w->ne; i++) {
		size_t a = w->e[i].from, b = w->e[i].to, l = w->layer[a];
		rl_point *p = L->point + L->first[i];

		if (!drawn(w, i))
			continue;
		if (w->layer[b] == l) {
			/* a bracket right of the column, below the middle of the
			 * boxes' sides, where moves to other columns leave */
			long xr = w->x[l] + box_w;
			long xo = xr + LANE_0 + (long)w->lane[i] * LANE;
			long ya = w->top[a] + box_h * 3 / 4, yb = w->top[b] + box_h * 3 / 4;

			p[0] = (rl_point){xr, ya};
			p[1] = (rl_point){xo, ya};
			p[2] = (rl_point){xo, yb};
			p[3] = (rl_point){xr, yb};
			continue;
		}
		*p++ = (rl_point){w->x[l] + box_w, w->top[a] + box_h / 2};
		for (size_t v = next_on(w, i, a); v != b; v = next_on(w, i, v)) {
			*p++ = (rl_point){w->x[w->layer[v]], w->top[v]};
			*p++ = (rl_point){w->x[w->layer[v]] + box_w, w->top[v]};
		}
		*p = (rl_point){w->x[w->layer[b]], w->top[b] + box_h / 2};
	}
	return true;
}

static void
work_free(work *w)
{
	free(w->first);
	free(w->adj);
	free(w->idx);
	free(w->low);
	free(w->stack);
	free(w->on);
	free(w->layer);
	free(w->group);
	free(w->moves);
	free(w->dummy);
	free(w->nfirst);
	free(w->nadj);
	free(w->rank);
	free(w->key);
	free(w->gsum);
	free(w->gcnt);
	free(w->lane);
	free(w->nlanes);
	free(w->x);
	free(w->top);
}

/* The arrays sized by the number of nodes, once the dummies are counted. */
static bool
node_arrays(work *w)
{
	size_t m = w->nn + 1, groups = w->ncomp + (w->nn - w->n) + 1;
	size_t *layer = realloc(w->layer, m * sizeof(*layer));
	size_t *group, *moves, *rank;

	if (layer)
		w->layer = layer;
	group = layer ? realloc(w->group, m * sizeof(*group)) : NULL;
	if (group)
		w->group = group;
	moves = group ? realloc(w->moves, m * sizeof(*moves)) : NULL;
	if (moves)
		w->moves = moves;
	rank = moves ? realloc(w->rank, m * sizeof(*rank)) : NULL;
	if (rank)
		w->rank = rank;
	if (!rank)
		return false;
	memset(w->rank, 0, m * sizeof(*w->rank));
	return (w->nfirst = calloc(m + 1, sizeof(*w->nfirst))) &&
	       (w->nadj = calloc(2 * (w->nn + w->ne) + 1, sizeof(*w->nadj))) &&
	       (w->key = calloc(m, sizeof(*w->key))) &&
	       (w->gsum = calloc(groups, sizeof(*w->gsum))) &&
	       (w->gcnt = calloc(groups > m ? groups : m, sizeof(*w->gcnt))) &&
	       (w->top = calloc(m, sizeof(*w->top)));
}

bool
rl_layout_make(rl_layout *L, size_t n, const mc_matrix_edge *e, size_t ne,
	       long box_w, long box_h)
{
	work w;
	size_t m = n + 1;
	bool ok;

	memset(L, 0, sizeof(*L));
	memset(&w, 0, sizeof(w));
	w.n = n;
	w.e = e;
	w.ne = ne;
	ok = (w.first = calloc(m + 1, sizeof(size_t))) &&
	     (w.adj = calloc(ne + 1, sizeof(size_t))) &&
	     (w.idx = calloc(m, sizeof(size_t))) &&
	     (w.low = calloc(m, sizeof(size_t))) &&
	     (w.stack = calloc(m, sizeof(size_t))) &&
	     (w.on = calloc(m, sizeof(bool))) &&
	     (w.layer = calloc(m, sizeof(size_t))) &&
	     (w.group = calloc(m, sizeof(size_t))) &&
	     (w.moves = calloc(m, sizeof(size_t))) &&
	     (w.rank = calloc(m, sizeof(size_t))) &&
	     (w.dummy = calloc(ne + 1, sizeof(size_t))) &&
	     (w.lane = calloc(ne + 1, sizeof(size_t))) &&
	     (L->box = calloc(m, sizeof(*L->box))) &&
	     (L->first = calloc(ne + 1, sizeof(*L->first))) &&
	     columns(&w) && node_arrays(&w) &&
	     (w.x = calloc(w.ncol + 1, sizeof(*w.x))) &&
	     (w.nlanes = calloc(w.ncol + 1, sizeof(*w.nlanes))) &&
	     segments(&w) && order(&w) && lanes(&w);
	if (ok && n) {
		place(&w, L, box_w, box_h);
		L->ncolumns = w.ncol;
		ok = route(&w, L, box_w, box_h);
	}
	work_free(&w);
	if (!ok)
		rl_layout_free(L);
	return ok;
}

void
rl_layout_free(rl_layout *L)
{
	free(L->box);
	free(L->first);
	free(L->point);
	memset(L, 0, sizeof(*L));
}
