/* SPDX-License-Identifier: MIT */
/*
 * keep.c - copies into a result's arena.
 */
#include "eval/keep.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

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

/* A value worth sharing: what it points at would be copied again. */
#define SHARE_BYTES 256

struct mc_keep_slot {
	mc_value value;
};

void
mc_keep_cache_free(mc_keep_cache *c)
{
	mc_strmap_free(&c->index);
	free(c->slots);
	memset(c, 0, sizeof(*c));
}

/* Cuts the buffer to MC_KEEP_TEXT at a character boundary, saying how
 * much there was (`whole` units of `what`), when it holds more. */
static void
cut_text(mc_buf *buf, size_t whole, const char *what)
{
	size_t cut = MC_KEEP_TEXT;

	if (mc_buf_failed(buf) || buf->len <= MC_KEEP_TEXT)
		return;
	while (cut > 0 && ((unsigned char)buf->data[cut] & 0xC0) == 0x80)
		cut--;
	buf->len = cut;
	buf->data[cut] = '\0';
	mc_buf_addf(buf, "... (%zu %s)", whole, what);
}

static mc_value
make_value(mc_arena *a, bool *nomem, mc_buf *buf, const mc_field *fd,
	   const mc_fval *fv)
{
	mc_value v;

	memset(&v, 0, sizeof(v));
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
		for (size_t i = 0; i < fv->count && buf->len <= MC_KEEP_TEXT; i++)
			mc_buf_addf(buf, "%s%s", i ? ", " : "", items[i]);
		if (buf->len > MC_KEEP_TEXT)
			cut_text(buf, fv->count, "members");
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
	mc_buf_add(buf, fv->text, fv->len > MC_KEEP_TEXT ? MC_KEEP_TEXT + 1 : fv->len);
	cut_text(buf, fv->len, "bytes");
	v.text = mc_keep_buf(a, nomem, buf);
	return v;
}

mc_value
mc_keep_fval(mc_arena *a, bool *nomem, mc_buf *buf, mc_keep_cache *cache,
	     const mc_field *fd, const mc_fval *fv)
{
	struct mc_keep_slot *slots;
	const void *key[2], *data;
	void *kept;
	size_t i;
	mc_value v;

	memset(&v, 0, sizeof(v));
	if (fv->status != MC_FV_OK)
		return v;
	data = fd->type == MC_FT_SET ? (const void *)fv->items : (const void *)fv->text;
	if (!cache || !data ||
	    (fd->type == MC_FT_SET ? fv->count * 8 : fv->len) < SHARE_BYTES)
		return make_value(a, nomem, buf, fd, fv);
	key[0] = fd;
	key[1] = data;
	if (mc_strmap_get(&cache->index, (const char *)key, sizeof(key), &i))
		return cache->slots[i].value;
	v = make_value(a, nomem, buf, fd, fv);
	if (*nomem)
		return v;
	slots = mc_grow(cache->slots, &cache->cap, cache->count + 1,
			sizeof(*cache->slots));
	/* the map keeps its keys' bytes where they are: in the arena */
	kept = slots ? mc_arena_memdup(a, key, sizeof(key), 1) : NULL;
	if (!kept || mc_strmap_put(&cache->index, kept, sizeof(key),
				   cache->count, NULL) < 0) {
		if (slots)
			cache->slots = slots;
		*nomem = true;
		return v;
	}
	cache->slots = slots;
	cache->slots[cache->count++].value = v;
	return v;
}
