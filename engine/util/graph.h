/* SPDX-License-Identifier: MIT */
/*
 * graph.h - directed graphs held as rows of bits: vertex i's row is
 * `words` 64-bit words, and its bit j an edge from i to j.
 */
#ifndef MC_GRAPH_H
#define MC_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

/*
 * The transitive reduction of rows (n vertices; bit i of row i, a loop,
 * is ignored) into keep (n rows of words each, zeroed by the caller): the
 * edges of rows that a drawing keeps so that a path still leads wherever
 * one led, and no edge kept is implied by the others.
 *
 * Vertices that reach one another (a strongly connected component) keep
 * a spanning out-tree and in-tree of their own edges, found breadth-first
 * from their lowest vertex, lower vertices first, then rid of every edge
 * that the rest still implies, tried by from, then to: when the
 * component's edges go both ways, the edges between its lowest vertex and
 * each other one. Between components, the edges of the transitive
 * reduction of the graph of components (Aho, Garey and Ullman, 1972), each
 * drawn as its lowest edge of rows by from, then to. keep is therefore a
 * subgraph of rows, the same for the same rows.
 *
 * Time: O(n^3 / 64) word operations at most (the components' reachability
 * as bit rows, over the edges between components), O(n^2) within
 * components; memory: two bit matrices and a few arrays of n, from arena.
 * Returns 0, or -1 when memory runs out.
 */
int mc_graph_reduce(uint64_t *keep, const uint64_t *rows, size_t n,
		    size_t words, mc_arena *arena);

#endif
