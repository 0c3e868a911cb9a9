/* SPDX-License-Identifier: MIT */
/*
 * path.c - path tables.
 */
#include "load/path.h"

#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

void
mc_pathtab_init(mc_pathtab *t)
{
	t->paths = NULL;
	t->count = t->cap = 0;
	mc_strmap_init(&t->index);
}

void
mc_pathtab_free(mc_pathtab *t)
{
	free(t->paths);
	mc_strmap_free(&t->index);
	mc_pathtab_init(t);
}

int
mc_path_make(mc_arena *arena, const char *rel, size_t len, mc_path *out)
{
	size_t nsegs = 1, s = 0;
	const char **segs;
	char *text, *copy;

	for (size_t i = 0; i < len; i++)
		nsegs += rel[i] == '.';
	text = mc_arena_strndup(arena, rel, len);
	copy = mc_arena_strndup(arena, rel, len);
	segs = mc_arena_calloc(arena, nsegs, sizeof(*segs));
	if (!text || !copy || !segs)
		return -1;
	segs[s++] = copy;
	for (size_t i = 0; i < len; i++) {
		if (copy[i] == '.') {
			copy[i] = '\0';
			segs[s++] = copy + i + 1;
		}
	}
	out->text = text;
	out->segs = segs;
	out->nsegs = nsegs;
	return 0;
}

long
mc_pathtab_intern(mc_pathtab *t, mc_arena *arena, const char *rel, size_t len)
{
	size_t idx;
	mc_path path;

	if (mc_strmap_get(&t->index, rel, len, &idx))
		return (long)idx;
	if (MC_GROW(t->paths, t->cap, t->count + 1) < 0)
		return -1;
	if (mc_path_make(arena, rel, len, &path) < 0 ||
	    mc_strmap_put(&t->index, path.text, len, t->count, NULL) < 0)
		return -1;
	t->paths[t->count] = path;
	return (long)t->count++;
}

const mc_node *
mc_path_resolve(const mc_path *p, const mc_node *record)
{
	const mc_node *n = record;

	for (size_t i = 0; i < p->nsegs && n; i++)
		n = mc_node_get(n, p->segs[i]);
	return n;
}

int
mc_path_split(const char *s, size_t len, mc_scope *scope, const char **rel,
	      size_t *rellen)
{
	static const struct {
		const char *root;
		mc_scope scope;
	} roots[] = {
		{"vm.", MC_SCOPE_VM},
		{"source.", MC_SCOPE_SOURCE},
		{"target.", MC_SCOPE_TARGET},
	};

	for (size_t i = 0; i < sizeof(roots) / sizeof(*roots); i++) {
		size_t rl = strlen(roots[i].root);
		if (len <= rl || memcmp(s, roots[i].root, rl) != 0)
			continue;
		*scope = roots[i].scope;
		*rel = s + rl;
		*rellen = len - rl;
		/* No empty segment: no leading, trailing or doubled dot. */
		if ((*rel)[0] == '.' || (*rel)[*rellen - 1] == '.')
			return -1;
		for (size_t j = 1; j < *rellen; j++) {
			if ((*rel)[j] == '.' && (*rel)[j - 1] == '.')
				return -1;
		}
		return 0;
	}
	return -1;
}

const char *
mc_scope_name(mc_scope s)
{
	switch (s) {
	case MC_SCOPE_VM:
		return "vm";
	case MC_SCOPE_SOURCE:
		return "source";
	default:
		return "target";
	}
}
