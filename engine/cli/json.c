/* SPDX-License-Identifier: MIT */
/*
 * json.c - jansson with failures remembered.
 */
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
jset(jctx *j, json_t *o, const char *key, json_t *v)
{
	/* The _new setters take over v even when they fail. */
	if (!o || !v) {
		json_decref(v);
		j->ok = false;
	} else if (json_object_set_new(o, key, v) != 0) {
		j->ok = false;
	}
}

void
jpush(jctx *j, json_t *a, json_t *v)
{
	if (!a || !v) {
		json_decref(v);
		j->ok = false;
	} else if (json_array_append_new(a, v) != 0) {
		j->ok = false;
	}
}

json_t *
jtext(const char *s)
{
	size_t len = strlen(s), n = 0;
	char *fixed;
	json_t *v;

	for (size_t i = 0, w; i < len; i += w ? w : 1) {
		w = mc_text_utf8_char(s + i, len - i, NULL);
		n += w ? w : 3;
	}
	if (n == len)
		return json_string(s);
	if (!(fixed = malloc(n + 1)))
		return NULL;
	n = 0;
	for (size_t i = 0, w; i < len; i += w ? w : 1) {
		w = mc_text_utf8_char(s + i, len - i, NULL);
		if (w) {
			memcpy(fixed + n, s + i, w);
			n += w;
		} else {
			memcpy(fixed + n, "\xEF\xBF\xBD", 3);
			n += 3;
		}
	}
	fixed[n] = '\0';
	v = json_string(fixed);
	free(fixed);
	return v;
}

void
jstr(jctx *j, json_t *o, const char *key, const char *s)
{
	if (s)
		jset(j, o, key, json_string(s));
}

json_t *
jlocation(const mc_location *at)
{
	if (!at->file)
		return json_null();
	return jplace(at->file, at->line, at->column);
}

json_t *
jplace(const char *file, unsigned line, unsigned column)
{
	int n = snprintf(NULL, 0, "%s:%u:%u", file, line, column);
	char *s = n < 0 ? NULL : malloc((size_t)n + 1);
	json_t *v;

	if (!s)
		return NULL;
	snprintf(s, (size_t)n + 1, "%s:%u:%u", file, line, column);
	v = jtext(s);
	free(s);
	return v;
}

json_t *
jrating(unsigned halves)
{
	if (halves % 2)
		return json_real(halves / 2.0);
	return json_integer(halves / 2);
}

json_t *
jvalue(jctx *j, const mc_value *v)
{
	json_t *a;

	switch (v->type) {
	case MC_VALUE_NONE:
		return json_null();
	case MC_VALUE_INTEGER:
		return json_integer(v->integer);
	case MC_VALUE_BOOLEAN:
		return json_boolean(v->boolean);
	case MC_VALUE_SET:
		a = json_array();
		for (size_t i = 0; i < v->count; i++)
			jpush(j, a, json_string(v->items[i]));
		return a;
	default:
		return json_string(v->text);
	}
}

char *
jdump(jctx *j, json_t *root, size_t *len)
{
	return jdump_as(j, root, false, len);
}

char *
jdump_as(jctx *j, json_t *root, bool compact, size_t *len)
{
	char *text = NULL, *out;

	if (j->ok && root)
		text = json_dumps(root, compact ? JSON_COMPACT : JSON_INDENT(2));
	json_decref(root);
	if (!text)
		return NULL;
	/* End the document with a newline, as every line of output. */
	*len = strlen(text);
	out = malloc(*len + 2);
	if (out) {
		memcpy(out, text, *len);
		out[(*len)++] = '\n';
		out[*len] = '\0';
	}
	free(text);
	return out;
}
