/* SPDX-License-Identifier: MIT */
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

#include "util/arena.h"
#include "util/buf.h"
#include "eval/fleet.h"
#include "load/node.h"
#include "util/strmap.h"

/* A copy of s (NULL for NULL). */
const char *mc_keep(mc_arena *a, bool *nomem, const char *s);

/* A copy of the buffer's text; empties the buffer. */
const char *mc_keep_buf(mc_arena *a, bool *nomem, mc_buf *b);

/* The position of node n (file name copied); all zero for NULL. */
mc_location mc_keep_location(mc_arena *a, bool *nomem, const mc_node *n);

/* The longest text of a value a result keeps: a longer one is cut there,
 * and says how long it was ("1.1.1.1... (800000 bytes)"). A result keeps
 * a value for every host and check, and the text of a value shared by
 * thousands of hosts would be copied, and shown, as often. */
#define MC_KEEP_TEXT 1024

/* The large values a result has kept, so that a value the fleet shares
 * among hosts (one text, one list of members) is kept once. Zero it to
 * start; free it with the result's building. */
typedef struct mc_keep_cache {
	mc_strmap index;      /* the value's field and data address -> slot */
	struct mc_keep_slot *slots;
	size_t count, cap;
} mc_keep_cache;

void mc_keep_cache_free(mc_keep_cache *c);

/* A bound field value as a public value: texts copied (cut to
 * MC_KEEP_TEXT), a set's members sorted by text and joined in its text.
 * buf is scratch space; cache, when not NULL, shares large values. */
mc_value mc_keep_fval(mc_arena *a, bool *nomem, mc_buf *buf,
		      mc_keep_cache *cache, const mc_field *fd,
		      const mc_fval *fv);

#endif
