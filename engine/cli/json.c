/*
 * json.c - jansson with failures remembered.
 */
#include "json.h"

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

char *
jdump(jctx *j, json_t *root, size_t *len)
{
	char *text = NULL, *out;

	if (j->ok && root)
		text = json_dumps(root, JSON_INDENT(2));
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
