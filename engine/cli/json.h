/* SPDX-License-Identifier: MIT */
/*
 * json.h - building the JSON documents of the commands with jansson.
 *
 * jansson's setters return NULL or -1 when memory runs out; these remember
 * the failure, so that a document missing a part is never printed.
 */
#ifndef MC_CLI_JSON_H
#define MC_CLI_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "migcheck.h"

typedef struct jctx {
	bool ok;  /* start with true */
} jctx;

/* o[key] = v, taking over v (also when it fails). */
void jset(jctx *j, json_t *o, const char *key, json_t *v);

/* Appends v to the array a, taking over v. */
void jpush(jctx *j, json_t *a, json_t *v);

/* A JSON string of s, each byte that is not part of valid UTF-8 as
 * U+FFFD (jansson takes only valid UTF-8); NULL when memory runs out. */
json_t *jtext(const char *s);

/* o[key] = s when s is not NULL. */
void jstr(jctx *j, json_t *o, const char *key, const char *s);

/* A place in a policy as "FILE:LINE:COL", or null when it has no file:
 * the one form of a location in every document. */
json_t *jlocation(const mc_location *at);

/* The text "FILE:LINE:COL"; NULL when memory runs out. */
json_t *jplace(const char *file, unsigned line, unsigned column);

/* A rating in half stars as stars: 4 or 4.5. */
json_t *jrating(unsigned halves);

/* A field's value: a number, a boolean, an array of a set's members, the
 * text, or null for no value. */
json_t *jvalue(jctx *j, const mc_value *v);

/* The document root as text, indented, ending in a newline (malloc'd;
 * its length in *len); NULL when anything failed. Releases root. */
char *jdump(jctx *j, json_t *root, size_t *len);

/* As jdump, on one line when compact. */
char *jdump_as(jctx *j, json_t *root, bool compact, size_t *len);

#endif
