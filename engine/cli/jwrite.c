/*
 * jwrite.c - JSON written as it is made.
 */
#include "jwrite.h"

#include <string.h>

void
jw_init(jw *w, FILE *out, bool compact, unsigned indent)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->compact = compact;
	w->indent = indent;
}

static void
put(jw *w, const char *s, size_t len)
{
	fwrite(s, 1, len, w->out);
}

/* A line break and the indentation of nesting level `level`. */
static void
newline(jw *w, unsigned level)
{
	static const char spaces[] = "                                ";
	size_t n = w->indent + 2 * (size_t)level;

	if (w->compact)
		return;
	putc('\n', w->out);
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
		putc(',', w->out);
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
	putc(open, w->out);
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
	putc(w->close[w->depth], w->out);
}

/* Writes s as a JSON string, as jansson does. */
static void
quoted(jw *w, const char *s)
{
	size_t len = strlen(s), start = 0, i = 0;

	putc('"', w->out);
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
	putc('"', w->out);
}

void
jw_key(jw *w, const char *key)
{
	member(w);
	quoted(w, key);
	if (w->compact)
		putc(':', w->out);
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
jw_int(jw *w, long long v)
{
	member(w);
	fprintf(w->out, "%lld", v);
}

void
jw_uint(jw *w, unsigned long long v)
{
	member(w);
	fprintf(w->out, "%llu", v);
}

void
jw_bool(jw *w, bool v)
{
	member(w);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
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
	fprintf(w->out, halves % 2 ? "%u.5" : "%u", halves / 2);
}

void
jw_location(jw *w, const mc_location *at)
{
	if (!at->file) {
		jw_null(w);
		return;
	}
	member(w);
	/* As quoted() would write the text "FILE:LINE:COL". */
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s:%u:%u", at->file, at->line, at->column);
	quoted(w, buf);
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
jw_ok(const jw *w)
{
	return !w->failed && w->depth == 0;
}
