/*
 * keep.h - copying strings and positions into a result's arena.
 *
 * The results the library hands out (mc_check_result, mc_test_report) own
 * every string they hold, so that they outlive the policy and inventory
 * they were made from. These copy into the result's arena and remember a
 * failure in *nomem, so that a caller checks once at the end.
 */
#ifndef MC_KEEP_H
#define MC_KEEP_H

#include <stdbool.h>

#include "arena.h"
#include "buf.h"
#include "fleet.h"
#include "node.h"

/* A copy of s (NULL for NULL). */
const char *mc_keep(mc_arena *a, bool *nomem, const char *s);

/* A copy of the buffer's text; empties the buffer. */
const char *mc_keep_buf(mc_arena *a, bool *nomem, mc_buf *b);

/* The position of node n (file name copied); all zero for NULL. */
mc_location mc_keep_location(mc_arena *a, bool *nomem, const mc_node *n);

/* A bound field value as a public value: texts copied, a set's members
 * sorted by text and joined in its text. buf is scratch space. */
mc_value mc_keep_fval(mc_arena *a, bool *nomem, mc_buf *buf,
		      const mc_field *fd, const mc_fval *fv);

#endif
