/* SPDX-License-Identifier: MIT */
/*
 * buf.c - growable text buffer.
 */
#include "util/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

void
mc_buf_free(mc_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = false;
}

void
mc_buf_reset(mc_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
	b->failed = false;
}

static bool
reserve(mc_buf *b, size_t more)
{
	size_t cap;
	char *d;

	if (b->failed)
		return false;
	if (b->cap && more < b->cap - b->len)
		return true;
	if (more > SIZE_MAX / 2 - b->len) {
		b->failed = true;
		return false;
	}
	cap = b->cap ? b->cap : 64;
	if (!(d = mc_grow(b->data, &cap, b->len + more + 1, 1))) {
		b->failed = true;
		return false;
	}
	b->data = d;
	b->cap = cap;
	return true;
}

void
mc_buf_add(mc_buf *b, const char *s, size_t len)
{
	if (!reserve(b, len))
		return;
	if (len)
		memcpy(b->data + b->len, s, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void
mc_buf_adds(mc_buf *b, const char *s)
{
	mc_buf_add(b, s, strlen(s));
}

void
mc_buf_addc(mc_buf *b, char c)
{
	mc_buf_add(b, &c, 1);
}

void
mc_buf_addf(mc_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return;
	}
	if (!reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

bool
mc_buf_failed(const mc_buf *b)
{
	return b->failed;
}

const char *
mc_buf_str(const mc_buf *b)
{
	return b->data ? b->data : "";
}

/* The length of the valid UTF-8 character at s (at most len bytes), or 0;
 * its code point in *cp when cp is not NULL. */
static size_t
utf8_char(const unsigned char *s, size_t len, uint32_t *cpout)
{
	size_t n;
	uint32_t cp;

	if (s[0] < 0x80) {
		cp = s[0];
		n = 1;
		goto out;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		n = 2;
		cp = s[0] & 0x1F;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		n = 3;
		cp = s[0] & 0x0F;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t k = 1; k < n; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[k] & 0x3F);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
out:
	if (cpout)
		*cpout = cp;
	return n;
}

size_t
mc_utf8_char(const char *s, size_t len, uint32_t *cp)
{
	return len ? utf8_char((const unsigned char *)s, len, cp) : 0;
}

size_t
mc_utf8_valid_prefix(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len && (n = utf8_char(u + i, len - i, NULL)) != 0)
		i += n;
	return i;
}

void
mc_buf_add_utf8(mc_buf *b, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, start = 0, n;

	while (i < len) {
		n = u[i] ? utf8_char(u + i, len - i, NULL) : 0;
		if (n) {
			i += n;
			continue;
		}
		mc_buf_add(b, s + start, i - start);
		mc_buf_add(b, "\xEF\xBF\xBD", 3);
		start = ++i;
	}
	mc_buf_add(b, s + start, len - start);
}

/* True for a code point that is not printable text on one line: C0 and
 * C1 controls, DEL, the line and paragraph separators (line breaks to YAML
 * and some terminals) and the two non-characters U+FFFE and U+FFFF. */
static bool
unprintable(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 ||
	       cp == 0x2029 || cp == 0xFFFE || cp == 0xFFFF;
}

void
mc_buf_add_printable(mc_buf *b, const char *s, size_t len, bool keep_newlines)
{
	size_t i = 0, start = 0, n;
	uint32_t cp;

	while (i < len) {
		n = utf8_char((const unsigned char *)s + i, len - i, &cp);
		if (n && (!unprintable(cp) || (cp == '\n' && keep_newlines))) {
			i += n;
			continue;
		}
		mc_buf_add(b, s + start, i - start);
		if (!n || cp < 0x80)
			mc_buf_addf(b, "\\x%02x", (unsigned char)s[i]);
		else
			mc_buf_addf(b, "\\u%04x", (unsigned)cp);
		i += n ? n : 1;
		start = i;
	}
	mc_buf_add(b, s + start, len - start);
}

int
mc_buf_take(mc_buf *b, char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	if (!b->data)
		mc_buf_adds(b, "");
	if (mc_buf_failed(b)) {
		mc_buf_free(b);
		return MC_ENOMEM;
	}
	*out = b->data;
	*len = b->len;
	b->data = NULL;
	mc_buf_free(b);
	return MC_OK;
}
