/* SPDX-License-Identifier: MIT */
/*
 * buf.h - a growable byte buffer for building text. A buffer whose memory
 * ran out remembers it: later appends do nothing and mc_buf_failed() says so,
 * so that callers check once at the end.
 */
#ifndef MC_BUF_H
#define MC_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/diag.h"

typedef struct mc_buf {
	char *data;  /* NUL-terminated when not NULL */
	size_t len, cap;
	bool failed;
} mc_buf;

#define MC_BUF_INIT {NULL, 0, 0, false}

void mc_buf_free(mc_buf *b);
void mc_buf_reset(mc_buf *b);
void mc_buf_add(mc_buf *b, const char *s, size_t len);
void mc_buf_adds(mc_buf *b, const char *s);
void mc_buf_addc(mc_buf *b, char c);
void mc_buf_addf(mc_buf *b, const char *fmt, ...) MC_PRINTF(2, 3);
bool mc_buf_failed(const mc_buf *b);

/* The length of the longest prefix of s (len bytes) that is valid UTF-8
 * (no overlong forms, surrogates or code points above U+10FFFF): len when
 * all of s is valid. */
size_t mc_utf8_valid_prefix(const char *s, size_t len);

/* Appends s as valid UTF-8 text: each byte that is not part of valid UTF-8,
 * and each NUL byte, becomes U+FFFD. For text from untrusted code. */
void mc_buf_add_utf8(mc_buf *b, const char *s, size_t len);

/* The length of the valid UTF-8 character at s (at most len bytes), its
 * code point in *cp (when cp is not NULL); 0 when s does not start with
 * one (overlong forms, surrogates and code points past U+10FFFF are not). */
size_t mc_utf8_char(const char *s, size_t len, uint32_t *cp);

/*
 * Appends s for a terminal or a line-oriented reader, with everything that
 * is not printable text on one line escaped: C0 controls as \x1b (but
 * newlines when keep_newlines), DEL as \x7f, a byte that is not part of
 * valid UTF-8 as \xff, and C1 controls, U+2028, U+2029, U+FFFE and U+FFFF
 * as \u009b. Backslashes are kept as they are. The one escaping of text
 * output: reports, diagnostics, comments in written YAML.
 */
void mc_buf_add_printable(mc_buf *b, const char *s, size_t len,
			  bool keep_newlines);

/* The text so far ("" when empty). */
const char *mc_buf_str(const mc_buf *b);

/* Hands the text over: *out is malloc'd and NUL-terminated ("" when
 * empty), its length in *len, and b is left empty. MC_ENOMEM (with *out
 * NULL and b freed) when the buffer's memory ran out. */
int mc_buf_take(mc_buf *b, char **out, size_t *len);

#endif
