/* SPDX-License-Identifier: MIT */
/*
 * test_graph.c - mc_graph_reduce(): the transitive reduction of graphs
 * made by hand (a chain, a diamond, a cycle, a graph already reduced), and
 * of random graphs: the same reachability, no edge implied by the others,
 * and only edges of the graph.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "util/graph.h"

#define MAXN 160
#define MAXW ((MAXN + 63) / 64)

typedef struct graph {
	size_t n, words;
	uint64_t rows[MAXN * MAXW];
} graph;

static bool
has(const graph *g, size_t i, size_t j)
{
	return (g->rows[i * g->words + j / 64] >> (j % 64)) & 1;
}

static void
put(graph *g, size_t i, size_t j)
{
	g->rows[i * g->words + j / 64] |= (uint64_t)1 << (j % 64);
}

static void
drop(graph *g, size_t i, size_t j)
{
	g->rows[i * g->words + j / 64] &= ~((uint64_t)1 << (j % 64));
}

static void
graph_init(graph *g, size_t n)
{
	ck_assert_uint_le(n, MAXN);
	memset(g, 0, sizeof(*g));
	g->n = n;
	g->words = (n + 63) / 64 ? (n + 63) / 64 : 1;
}

/* A graph of n vertices A, B, ... and the edges "A>B B>C ...". */
static void
graph_of(graph *g, size_t n, const char *edges)
{
	graph_init(g, n);
	for (const char *p = edges; *p; p++) {
		if (*p == ' ')
			continue;
		ck_assert(p[1] == '>' && p[2]);
		put(g, (size_t)(p[0] - 'A'), (size_t)(p[2] - 'A'));
		p += 2;
	}
}

/* The reduction of g into out. */
static void
reduce(const graph *g, graph *out)
{
	mc_arena a;

	graph_init(out, g->n);
	mc_arena_init(&a);
	ck_assert_int_eq(mc_graph_reduce(out->rows, g->rows, g->n, g->words, &a), 0);
	mc_arena_release(&a);
}

/* The edges of g, by from then to, as graph_of takes them. */
static const char *
edges_of(const graph *g)
{
	static char text[4 * MAXN];
	size_t len = 0;

	text[0] = '\0';
	for (size_t i = 0; i < g->n; i++) {
		for (size_t j = 0; j < g->n; j++) {
			if (!has(g, i, j))
				continue;
			ck_assert_uint_lt(len + 5, sizeof(text));
			len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%c>%c",
						len ? " " : "", (int)('A' + i),
						(int)('A' + j));
		}
	}
	return text;
}

#define REDUCED(n, edges, want) \
	do { \
		graph g_, r_; \
		graph_of(&g_, (n), (edges)); \
		reduce(&g_, &r_); \
		ck_assert_str_eq(edges_of(&r_), (want)); \
	} while (0)

/* The shortcut A -> C of a chain A -> B -> C is left out. */
START_TEST(chain_loses_its_shortcut)
{
	REDUCED(3, "A>B B>C A>C", "A>B B>C");
	REDUCED(5, "A>B A>C A>D A>E B>C B>D B>E C>D C>E D>E", "A>B B>C C>D D>E");
}
END_TEST

/* A diamond keeps its four sides, not the diagonal from top to bottom. */
START_TEST(diamond_loses_its_diagonal)
{
	REDUCED(4, "A>B A>C B>D C>D A>D", "A>B A>C B>D C>D");
}
END_TEST

/* A and B reach each other and C: they keep A <-> B, and C is reached
 * through the lowest edge into it, A -> C. */
START_TEST(cycle_keeps_one_edge_into_what_follows)
{
	REDUCED(3, "A>B B>A A>C B>C", "A>B A>C B>A");
	/* The lowest edge from the component into C: B -> C when A has none. */
	REDUCED(3, "A>B B>A B>C", "A>B B>A B>C");
	/* Into a component: one edge, the lowest. */
	REDUCED(3, "A>B A>C B>C C>B", "A>B B>C C>B");
	/* docs/matrix.md's example. */
	REDUCED(4, "A>B B>A A>C B>C C>D A>D", "A>B A>C B>A C>D");
}
END_TEST

/* Classes that all exchange VMs keep the edges between the first and each
 * other one, both ways; a one-way cycle is its own reduction. */
START_TEST(component_keeps_a_spanning_pair_of_trees)
{
	REDUCED(4, "A>B A>C A>D B>A B>C B>D C>A C>B C>D D>A D>B D>C",
		"A>B A>C A>D B>A C>A D>A");
	REDUCED(3, "A>B B>C C>A", "A>B B>C C>A");
	/* The out-tree's A -> B is implied by A -> C -> B: left out. */
	REDUCED(3, "A>B A>C B>A C>B", "A>C B>A C>B");
}
END_TEST

/* A graph already reduced comes back as it was; loops are no edges. */
START_TEST(reduced_graph_is_unchanged)
{
	REDUCED(4, "A>B A>C B>D C>D", "A>B A>C B>D C>D");
	REDUCED(6, "A>B B>C C>A C>D D>E E>D", "A>B B>C C>A C>D D>E E>D");
	REDUCED(3, "A>A B>B A>B", "A>B");
	REDUCED(0, "", "");
	REDUCED(1, "A>A", "");
}
END_TEST

/* ------------------------------------------------------------------------
 * Random graphs
 */

static uint64_t
next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* What each vertex reaches by one edge or more (Warshall). */
static void
closure(const graph *g, graph *c)
{
	*c = *g;
	for (size_t k = 0; k < g->n; k++) {
		for (size_t i = 0; i < g->n; i++) {
			if (!has(c, i, k))
				continue;
			for (size_t w = 0; w < g->words; w++)
				c->rows[i * g->words + w] |= c->rows[k * g->words + w];
		}
	}
}

/* Does a path of g other than the edge u -> v lead from u to v? */
static bool
implied(graph *g, size_t u, size_t v)
{
	graph c;
	bool yes;

	drop(g, u, v);
	closure(g, &c);
	yes = has(&c, u, v);
	put(g, u, v);
	return yes;
}

/* A random graph: edges at random with a chance of 1 in `odds` between
 * any two vertices, or, with `ranked`, like a fleet's moves: classes of
 * vertices that all exchange, each ranked, moves mostly up the ranks. */
static void
random_graph(graph *g, size_t n, unsigned odds, bool ranked, uint64_t *seed)
{
	size_t rank[MAXN], group[MAXN];

	graph_init(g, n);
	for (size_t i = 0; i < n; i++) {
		group[i] = (size_t)(next_random(seed) % (n / 3 + 1));
		rank[i] = group[i] % 5;
	}
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n; j++) {
			bool edge = next_random(seed) % odds == 0;

			if (ranked)
				edge = group[i] == group[j] ||
				       (rank[i] < rank[j] && next_random(seed) % 4) || edge;
			if (edge)
				put(g, i, j);
		}
	}
}

/* The reduction reaches what the graph reaches, from its edges only, and
 * none of its edges is implied by the others; twice the same. */
START_TEST(random_graphs_keep_their_reachability)
{
	static const unsigned odds[] = {2, 4, 10, 40, 200};
	uint64_t seed = 0x9e3779b97f4a7c15ULL;

	for (unsigned round = 0; round < 150; round++) {
		size_t n = (size_t)(next_random(&seed) % MAXN);
		graph g, r, again, cg, cr;

		if (round < 20)
			n = round;
		random_graph(&g, n, odds[round % 5], round % 3 == 0, &seed);
		reduce(&g, &r);
		reduce(&g, &again);
		ck_assert_mem_eq(r.rows, again.rows, sizeof(r.rows));
		closure(&g, &cg);
		closure(&r, &cr);
		/* Asserted when wrong only: Check writes down every assertion
		 * made. */
		for (size_t i = 0; i < n; i++) {
			for (size_t j = 0; j < n; j++) {
				if (has(&r, i, j) && (i == j || !has(&g, i, j)))
					ck_abort_msg("round %u: %zu -> %zu kept, not an edge",
						     round, i, j);
				if (i != j && has(&cg, i, j) != has(&cr, i, j))
					ck_abort_msg("round %u: %zu reaches %zu in one only",
						     round, i, j);
				if (has(&r, i, j) && implied(&r, i, j))
					ck_abort_msg("round %u: %zu -> %zu implied",
						     round, i, j);
			}
		}
	}
}
END_TEST

Suite *
graph_suite(void)
{
	Suite *s = suite_create("graph");
	TCase *tc = tcase_create("graph");

	tcase_add_test(tc, chain_loses_its_shortcut);
	tcase_add_test(tc, diamond_loses_its_diagonal);
	tcase_add_test(tc, cycle_keeps_one_edge_into_what_follows);
	tcase_add_test(tc, component_keeps_a_spanning_pair_of_trees);
	tcase_add_test(tc, reduced_graph_is_unchanged);
	tcase_add_test(tc, random_graphs_keep_their_reachability);
	suite_add_tcase(s, tc);
	return s;
}
