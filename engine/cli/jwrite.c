/* SPDX-License-Identifier: MIT */
/*
 * jwrite.c - JSON written as it is made.
 */
#include "jwrite.h"

#include <string.h>

void
jw_init(jw *w, FILE *out, bool compact)
{
	w->out = out;
	w->used = 0;
	w->compact = compact;
	w->failed = false;
	w->depth = 0;
	w->after_key = false;
}

static void
flush(jw *w)
{
	if (w->used)
		fwrite(w->buf, 1, w->used, w->out);
	w->used = 0;
}

static void
put(jw *w, const char *s, size_t len)
{
	if (len > sizeof(w->buf) - w->used) {
		flush(w);
		if (len > sizeof(w->buf)) {
			fwrite(s, 1, len, w->out);
			return;
		}
	}
	memcpy(w->buf + w->used, s, len);
	w->used += len;
}

static void
putch(jw *w, char c)
{
	if (w->used == sizeof(w->buf))
		flush(w);
	w->buf[w->used++] = c;
}

void
jw_raw(jw *w, const char *s, size_t len)
{
	put(w, s, len);
}

/* A number in decimal, and ".5" after it when half. */
static void
number(jw *w, unsigned long long v, bool half)
{
	char buf[24];
	size_t i = sizeof(buf);

	/* Digits from the end: a plan writes a few hundred thousand. */
	if (half) {
		buf[--i] = '5';
		buf[--i] = '.';
	}
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(w, buf + i, sizeof(buf) - i);
}

/* A line break and the indentation of nesting level `level`. */
static void
newline(jw *w, unsigned level)
{
	static const char spaces[] = "                                ";
	size_t n = 2 * (size_t)level;

	if (w->compact)
		return;
	putch(w, '\n');
	for (; n > sizeof(spaces) - 1; n -= sizeof(spaces) - 1)
		put(w, spaces, sizeof(spaces) - 1);
	put(w, spaces, n);
}

/* Before a value: a member of the open array, or the value of a key. */
static void
member(jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth == 0)
		return;
	if (!w->empty[w->depth - 1])
		putch(w, ',');
	w->empty[w->depth - 1] = false;
	newline(w, w->depth);
}

static void
begin(jw *w, char open, char close)
{
	member(w);
	if (w->depth == JW_MAX_DEPTH) {
		w->failed = true;
		return;
	}
	putch(w, open);
	w->close[w->depth] = close;
	w->empty[w->depth++] = true;
}

void
jw_object(jw *w)
{
	begin(w, '{', '}');
}

void
jw_array(jw *w)
{
	begin(w, '[', ']');
}

void
jw_end(jw *w)
{
	if (w->depth == 0) {
		w->failed = true;
		return;
	}
	w->depth--;
	if (!w->empty[w->depth])
		newline(w, w->depth);
	putch(w, w->close[w->depth]);
}

/* Writes the text of s inside a JSON string, escaped as jansson does. */
static void
escaped(jw *w, const char *s)
{
	size_t len = strlen(s), start = 0, i = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		char seq[8];
		size_t n;

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (c >= 0x80) {
			n = mc_text_utf8_char(s + i, len - i, NULL);
			if (n) {
				i += n;
				continue;
			}
			esc = "\xEF\xBF\xBD";   /* not UTF-8: U+FFFD */
		} else if (c == '"') {
			esc = "\\\"";
		} else if (c == '\\') {
			esc = "\\\\";
		} else if (c == '\b') {
			esc = "\\b";
		} else if (c == '\f') {
			esc = "\\f";
		} else if (c == '\n') {
			esc = "\\n";
		} else if (c == '\r') {
			esc = "\\r";
		} else if (c == '\t') {
			esc = "\\t";
		} else {
			snprintf(seq, sizeof(seq), "\\u%04X", c);
			esc = seq;
		}
		put(w, s + start, i - start);
		put(w, esc, strlen(esc));
		start = ++i;
	}
	put(w, s + start, len - start);
}

/* Writes s as a JSON string, as jansson does. */
static void
quoted(jw *w, const char *s)
{
	putch(w, '"');
	escaped(w, s);
	putch(w, '"');
}

void
jw_key(jw *w, const char *key)
{
	member(w);
	quoted(w, key);
	if (w->compact)
		putch(w, ':');
	else
		put(w, ": ", 2);
	w->after_key = true;
}

void
jw_string(jw *w, const char *s)
{
	if (!s) {
		jw_null(w);
		return;
	}
	member(w);
	quoted(w, s);
}

void
jw_uint(jw *w, unsigned long long v)
{
	member(w);
	number(w, v, false);
}

void
jw_null(jw *w)
{
	member(w);
	put(w, "null", 4);
}

void
jw_rating(jw *w, unsigned halves)
{
	member(w);
	number(w, halves / 2, halves % 2);
}

void
jw_location(jw *w, const mc_location *at)
{
	if (!at->file) {
		jw_null(w);
		return;
	}
	char place[24];

	member(w);
	snprintf(place, sizeof(place), ":%u:%u", at->line, at->column);
	putch(w, '"');
	escaped(w, at->file);
	put(w, place, strlen(place));
	putch(w, '"');
}

void
jw_key_string(jw *w, const char *key, const char *s)
{
	if (s) {
		jw_key(w, key);
		jw_string(w, s);
	}
}

bool
jw_ok(jw *w)
{
	flush(w);
	return !w->failed && w->depth == 0;
}
