/*
 * keep.c - copies into a result's arena.
 */
#include "keep.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

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

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

mc_value
mc_keep_fval(mc_arena *a, bool *nomem, mc_buf *buf, const mc_field *fd,
	     const mc_fval *fv)
{
	mc_value v;

	memset(&v, 0, sizeof(v));
	if (fv->status != MC_FV_OK)
		return v;
	switch (fd->type) {
	case MC_FT_SET: {
		/* The members are the fleet's: the result keeps copies. */
		const char **items = mc_arena_calloc(a, fv->count + 1, sizeof(*items));
		if (!items) {
			*nomem = true;
			return v;
		}
		for (size_t i = 0; i < fv->count; i++)
			items[i] = mc_keep(a, nomem, fv->items[i]);
		if (*nomem)
			return v;
		qsort(items, fv->count, sizeof(*items), str_cmp);
		for (size_t i = 0; i < fv->count; i++)
			mc_buf_addf(buf, "%s%s", i ? ", " : "", items[i]);
		v.type = MC_VALUE_SET;
		v.items = items;
		v.count = fv->count;
		v.text = mc_keep_buf(a, nomem, buf);
		return v;
	}
	case MC_FT_INTEGER:
		v.type = MC_VALUE_INTEGER;
		v.integer = fv->num;
		mc_buf_addf(buf, "%" PRId64, fv->num);
		v.text = mc_keep_buf(a, nomem, buf);
		return v;
	case MC_FT_BOOLEAN:
		v.type = MC_VALUE_BOOLEAN;
		v.boolean = fv->num != 0;
		v.text = fv->num ? "true" : "false";
		return v;
	case MC_FT_VERSION:
		v.type = MC_VALUE_VERSION;
		break;
	default:
		v.type = MC_VALUE_STRING;
		break;
	}
	mc_buf_add(buf, fv->text, fv->len);
	v.text = mc_keep_buf(a, nomem, buf);
	return v;
}
