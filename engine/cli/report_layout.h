/* SPDX-License-Identifier: MIT */
/*
 * report_layout.h - the layered drawing of a kind's compatibility classes
 * for `report fleet` (docs/report.md, "The graph"): where each class's box
 * goes and the polyline of each move, such that no move passes over a box.
 *
 * Sugiyama's method, simply: the strongly connected groups of the moves
 * are condensed and each takes a column (its longest path from a class no
 * move reaches); a move spanning columns passes through a place of its own
 * in every column between (a "dummy node"); each column is ordered by
 * barycenter with the classes of a group kept together; a move within a
 * group runs in a lane of its own beside its column.
 */
#ifndef MIGCHECK_REPORT_LAYOUT_H
#define MIGCHECK_REPORT_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "migcheck.h"

typedef struct rl_point {
	long x, y;
} rl_point;

typedef struct rl_layout {
	long width, height;     /* of the drawing, margins included */
	size_t ncolumns;
	rl_point *box;          /* per class: its box's top left corner */
	size_t *first;          /* per move i: its points are
	                           point[first[i]] to point[first[i + 1] - 1],
	                           from the `from` box's side to the `to`
	                           box's; none for the second move of a
	                           two-way pair (from > to), drawn by the first */
	rl_point *point;
} rl_layout;

/* Lays out n classes of boxes box_w x box_h and the ne moves e between
 * them (a two-way pair as two moves with both_ways, as mc_matrix_reduce
 * gives them). False when memory runs out; *L is then empty, and
 * rl_layout_free may be called on it either way. */
bool rl_layout_make(rl_layout *L, size_t n, const mc_matrix_edge *e, size_t ne,
		    long box_w, long box_h);

void rl_layout_free(rl_layout *L);

#endif
