/* SPDX-License-Identifier: MIT */
/*
 * jwrite.h - JSON written as it is made, for the reports that grow with
 * the fleet (a plan of 100,000 VMs): no tree of values, one pass over the
 * bytes.
 *
 * The indented layout is jansson's JSON_INDENT(2) byte for byte, so that a
 * report reads the same whichever writer made it; the compact one is
 * JSON_COMPACT's (no spaces, no line breaks). Strings are written as
 * jansson writes them: `"`, `\` and C0 controls escaped (\b \f \n \r \t,
 * else \u00XX), everything else as it is, and each byte that is not part
 * of valid UTF-8 as U+FFFD (jansson takes only valid UTF-8; see jtext).
 */
#ifndef MC_CLI_JWRITE_H
#define MC_CLI_JWRITE_H

#include <stdbool.h>
#include <stdio.h>

#include "migcheck.h"

/* Containers nested deeper than this are not written (the writer fails):
 * the reports nest a handful of levels. */
#define JW_MAX_DEPTH 32

/* Bytes gathered before they go to the stream in one fwrite. */
#define JW_BUFFER 65536

typedef struct jw {
	FILE *out;
	size_t used;                /* bytes in buf */
	bool compact;
	bool failed;
	unsigned depth;
	bool empty[JW_MAX_DEPTH];   /* the open container has no member yet */
	char close[JW_MAX_DEPTH];   /* and ends with this */
	bool after_key;             /* a value completes a member */
	char buf[JW_BUFFER];
} jw;

/* Starts writing to out. What is written reaches out in pieces of
 * JW_BUFFER, and the rest at jw_ok. */
void jw_init(jw *w, FILE *out, bool compact);

/* Writes len bytes as they are (a line break between documents). */
void jw_raw(jw *w, const char *s, size_t len);

void jw_object(jw *w);     /* { */
void jw_array(jw *w);      /* [ */
void jw_end(jw *w);        /* } or ], after its last member */

/* The key of the next member of the open object. */
void jw_key(jw *w, const char *key);

void jw_string(jw *w, const char *s);   /* NULL writes null */
void jw_uint(jw *w, unsigned long long v);
void jw_null(jw *w);

/* A rating in half stars as stars: 4 or 4.5. */
void jw_rating(jw *w, unsigned halves);

/* A place in a policy as "FILE:LINE:COL", or null when it has no file
 * (as jlocation). */
void jw_location(jw *w, const mc_location *at);

/* key: s, when s is not NULL. */
void jw_key_string(jw *w, const char *key, const char *s);

/* True when everything was written (the output's errors are the
 * caller's, at its fclose); flushes first. */
bool jw_ok(jw *w);

#endif
