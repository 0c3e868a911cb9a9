/*
 * keep.c - copies into a result's arena.
 */
#include "keep.h"

const char *
mc_keep(mc_arena *a, bool *nomem, const char *s)
{
	const char *copy;

	if (!s)
		return NULL;
	copy = mc_arena_strdup(a, s);
	if (!copy)
		*nomem = true;
	return copy;
}

const char *
mc_keep_buf(mc_arena *a, bool *nomem, mc_buf *b)
{
	const char *s;

	if (mc_buf_failed(b)) {
		*nomem = true;
		mc_buf_reset(b);
		return NULL;
	}
	s = mc_keep(a, nomem, mc_buf_str(b));
	mc_buf_reset(b);
	return s;
}

mc_location
mc_keep_location(mc_arena *a, bool *nomem, const mc_node *n)
{
	mc_location at = {NULL, 0, 0};

	if (n) {
		at.file = mc_keep(a, nomem, n->file->name);
		at.line = n->line;
		at.column = n->col;
	}
	return at;
}
