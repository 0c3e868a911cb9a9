/* SPDX-License-Identifier: MIT */
/*
 * luasrc_lex.c - the tokenizer of the Lua source scanner, after Lua 5.4's
 * llex.c: Lua 5.4's tokens with their positions, and string literals
 * decoded as Lua decodes them. It reports no errors: a character that
 * starts no token is a TK_BAD token of one byte, which no rule of the
 * parser (luasrc.c) accepts.
 */
#include "lua/luasrc_lex.h"

#include <string.h>

static const char *const keywords[] = {
	"and", "break", "do", "else", "elseif", "end", "false", "for",
	"function", "goto", "if", "in", "local", "nil", "not", "or",
	"repeat", "return", "then", "true", "until", "while"
};


static bool
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static bool
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool
is_xdigit(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Letters, '_', and (as Lua built with LUA_UCID) any non-ASCII byte. */
static bool
is_name_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       c >= 0x80;
}

static bool
is_name_char(int c)
{
	return is_name_start(c) || is_digit(c);
}

static int
hex_value(int c)
{
	if (is_digit(c))
		return c - '0';
	return (c | 0x20) - 'a' + 10;
}

/* The byte at i, or -1 past the end. */
static int
at(const mc_llexer *lx, size_t i)
{
	return i < lx->len ? lx->s[i] : -1;
}

/* The width of the UTF-8 character at byte i: 2 to 4 for a lead byte
 * followed by its continuation bytes, else 1 (ASCII, or a byte that is not
 * valid UTF-8 there, which counts as a character of its own). */
static size_t
utf8_width(const mc_llexer *lx, size_t i)
{
	unsigned c = lx->s[i];
	size_t w = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 1;

	if (c >= 0xF5 || i + w > lx->len)
		return 1;
	for (size_t k = 1; k < w; k++) {
		if ((lx->s[i + k] & 0xC0) != 0x80)
			return 1;
	}
	return w;
}

/*
 * Moves the position mark forward to byte off (never backward: tokens are
 * read in order, so every byte is walked once) and gives its line and
 * column. LF, CR LF and CR end lines; a UTF-8 character is one column.
 * Both saturate rather than wrap.
 */
static void
mark(mc_llexer *lx, size_t off, uint32_t *line, uint32_t *col)
{
	while (lx->mpos < off) {
		unsigned char c = lx->s[lx->mpos];

		if (c == '\r' || c == '\n') {
			if (c == '\r' || !(lx->mpos > 0 && lx->s[lx->mpos - 1] == '\r')) {
				if (lx->mline < UINT32_MAX)
					lx->mline++;
				lx->mcol = 1;
			}
			lx->mpos++;
			continue;
		}
		if (lx->mcol < UINT32_MAX)
			lx->mcol++;
		lx->mpos += c < 0x80 ? 1 : utf8_width(lx, lx->mpos);
	}
	*line = lx->mline;
	*col = lx->mcol;
}

/* True when a long bracket [=*[ opens at byte i; *level is its count of
 * '=' signs. */
static bool
long_open(const mc_llexer *lx, size_t i, size_t *level)
{
	size_t j = i + 1;

	if (at(lx, i) != '[')
		return false;
	while (at(lx, j) == '=')
		j++;
	*level = j - i - 1;
	return at(lx, j) == '[';
}

/* From byte i (inside a long bracket of `level`), the offset after its
 * closing bracket, or the end of the source; *cend is where the content
 * stops. Linear: the '=' signs checked after a ']' are not ']'. */
static size_t
skip_long(const mc_llexer *lx, size_t i, size_t level, size_t *cend)
{
	for (; i < lx->len; i++) {
		size_t j = i + 1, n = 0;

		if (lx->s[i] != ']')
			continue;
		while (n < level && at(lx, j) == '=') {
			j++;
			n++;
		}
		if (n == level && at(lx, j) == ']') {
			*cend = i;
			return j + 1;
		}
	}
	*cend = lx->len;
	return lx->len;
}

/* From the opening quote at i, the end of a short string (after its
 * closing quote; an unfinished string stops before the line break or at
 * the end); *cend is where the content stops. */
static size_t
skip_short(const mc_llexer *lx, size_t i, size_t *cend)
{
	int q = lx->s[i];

	for (i++; i < lx->len; i++) {
		int c = lx->s[i];

		if (c == q) {
			*cend = i;
			return i + 1;
		}
		if (c == '\n' || c == '\r')
			break;
		if (c != '\\' || i + 1 >= lx->len)
			continue;
		c = lx->s[++i];
		if (c == '\n' || c == '\r') {
			/* An escaped line break: CR LF and LF CR are one. */
			int d = at(lx, i + 1);
			if ((d == '\n' || d == '\r') && d != c)
				i++;
		} else if (c == 'z') {
			while (i + 1 < lx->len && is_space(lx->s[i + 1]))
				i++;
		}
	}
	*cend = i;
	return i;
}

/* From the first character of a numeral at i, its end: llex.c's
 * read_numeral, which also takes a letter touching the numeral. */
static size_t
skip_number(const mc_llexer *lx, size_t i)
{
	bool hex = false;

	if (lx->s[i] == '0' && (at(lx, i + 1) == 'x' || at(lx, i + 1) == 'X')) {
		hex = true;
		i++;
	}
	for (i++;;) {
		int c = at(lx, i);

		if (hex ? (c == 'p' || c == 'P') : (c == 'e' || c == 'E')) {
			i++;
			if (at(lx, i) == '+' || at(lx, i) == '-')
				i++;
		} else if (is_xdigit(c) || c == '.') {
			i++;
		} else {
			break;
		}
	}
	while (i < lx->len && is_name_char(lx->s[i]))
		i++;
	return i;
}

static int
keyword(const unsigned char *s, size_t len)
{
	for (size_t k = 0; k < sizeof(keywords) / sizeof(*keywords); k++) {
		if (strlen(keywords[k]) == len && memcmp(keywords[k], s, len) == 0)
			return TK_AND + (int)k;
	}
	return TK_NAME;
}

/* The operator at i: `two` when the next byte is `second`, else `one`. */
static int
op2(const mc_llexer *lx, size_t *i, int second, int two, int one)
{
	if (at(lx, *i + 1) == second) {
		*i += 2;
		return two;
	}
	*i += 1;
	return one;
}

/* Reads the next token into t, skipping white space and comments. At the
 * end of the source, and after it, gives TK_EOF. */
void
mc_llex(mc_llexer *lx, mc_ltoken *t)
{
	const unsigned char *s = lx->s;
	size_t i = lx->pos, n = lx->len, level;
	int c;

	for (;;) {
		while (i < n && is_space(s[i]))
			i++;
		if (i + 1 >= n || s[i] != '-' || s[i + 1] != '-')
			break;
		i += 2;
		if (long_open(lx, i, &level)) {
			i = skip_long(lx, i + level + 2, level, &t->cend);
		} else {
			while (i < n && s[i] != '\n' && s[i] != '\r')
				i++;
		}
	}
	t->off = i;
	t->cstart = t->cend = i;
	t->is_long = false;
	mark(lx, i, &t->line, &t->col);
	if (i >= n) {
		t->kind = TK_EOF;
		t->end = lx->pos = n;
		return;
	}
	c = s[i];
	if (is_name_start(c)) {
		size_t j = i + 1;
		while (j < n && is_name_char(s[j]))
			j++;
		t->kind = keyword(s + i, j - i);
		i = j;
	} else if (is_digit(c) || (c == '.' && is_digit(at(lx, i + 1)))) {
		t->kind = TK_NUMBER;
		i = skip_number(lx, i);
	} else if (c == '"' || c == '\'') {
		t->kind = TK_STRING;
		t->cstart = i + 1;
		i = skip_short(lx, i, &t->cend);
	} else if (c == '[' && long_open(lx, i, &level)) {
		t->kind = TK_STRING;
		t->is_long = true;
		t->cstart = i + level + 2;
		i = skip_long(lx, t->cstart, level, &t->cend);
	} else {
		switch (c) {
		case '=': t->kind = op2(lx, &i, '=', TK_EQ, '='); break;
		case '/': t->kind = op2(lx, &i, '/', TK_IDIV, '/'); break;
		case '~': t->kind = op2(lx, &i, '=', TK_NE, '~'); break;
		case ':': t->kind = op2(lx, &i, ':', TK_DBCOLON, ':'); break;
		case '<':
			t->kind = at(lx, i + 1) == '=' ? op2(lx, &i, '=', TK_LE, '<')
						       : op2(lx, &i, '<', TK_SHL, '<');
			break;
		case '>':
			t->kind = at(lx, i + 1) == '=' ? op2(lx, &i, '=', TK_GE, '>')
						       : op2(lx, &i, '>', TK_SHR, '>');
			break;
		case '.':
			if (at(lx, i + 1) == '.' && at(lx, i + 2) == '.') {
				t->kind = TK_DOTS;
				i += 3;
			} else {
				t->kind = op2(lx, &i, '.', TK_CONCAT, '.');
			}
			break;
		case '+': case '-': case '*': case '%': case '^': case '#':
		case '&': case '|': case '(': case ')': case '{': case '}':
		case '[': case ']': case ';': case ',':
			t->kind = c;
			i++;
			break;
		default:
			t->kind = TK_BAD;
			i++;
			break;
		}
	}
	t->end = lx->pos = i;
}

/* Sets up lx for len bytes at s: past a UTF-8 byte order mark (not a
 * column) and a first line starting with '#'. */
void
mc_llex_init(mc_llexer *lx, const char *s, size_t len)
{
	lx->s = (const unsigned char *)s;
	lx->len = len;
	lx->pos = 0;
	if (len >= 3 && lx->s[0] == 0xEF && lx->s[1] == 0xBB && lx->s[2] == 0xBF)
		lx->pos = 3;
	lx->mpos = lx->pos;
	lx->mline = 1;
	lx->mcol = 1;
	if (at(lx, lx->pos) == '#') {
		while (lx->pos < len && lx->s[lx->pos] != '\n' &&
		       lx->s[lx->pos] != '\r')
			lx->pos++;
	}
}

/* ------------------------------------------------------------------------
 * Decoding string literals
 */

/* Writes x (at most 0x7FFFFFFF) as Lua's \u{} does, in up to 6 bytes of
 * extended UTF-8 (lobject.c's luaO_utf8esc); returns the bytes written. */
static size_t
utf8_escape(char *out, unsigned long x)
{
	char tmp[8];
	size_t n = 0;

	if (x < 0x80) {
		out[0] = (char)x;
		return 1;
	}
	unsigned mfb = 0x3f;  /* the most that fits in the first byte */
	do {
		tmp[n++] = (char)(0x80 | (x & 0x3f));
		x >>= 6;
		mfb >>= 1;
	} while (x > mfb);
	tmp[n++] = (char)((~mfb << 1) | x);
	for (size_t k = 0; k < n; k++)
		out[k] = tmp[n - 1 - k];
	return n;
}

/* The first line break at s[i] (CR LF and LF CR count as one, as in
 * Lua): its width, or 0. */
static size_t
break_width(const unsigned char *s, size_t i, size_t end)
{
	if (i >= end || (s[i] != '\n' && s[i] != '\r'))
		return 0;
	if (i + 1 < end && (s[i + 1] == '\n' || s[i + 1] == '\r') &&
	    s[i + 1] != s[i])
		return 2;
	return 1;
}

/*
 * Decodes the escape after the backslash at s[*i] (i < end) into out;
 * advances *i past it and returns the bytes written. Escapes Lua refuses
 * (it has compiled the file, so only hostile input has them) give the
 * character after the backslash.
 */
static size_t
decode_escape(const unsigned char *s, size_t *i, size_t end, char *out)
{
	size_t k = *i + 1, w;
	unsigned long v = 0;
	int c;

	if (k >= end) {
		*i = k;
		return 0;
	}
	c = s[k];
	switch (c) {
	case 'a': *out = '\a'; break;
	case 'b': *out = '\b'; break;
	case 'f': *out = '\f'; break;
	case 'n': *out = '\n'; break;
	case 'r': *out = '\r'; break;
	case 't': *out = '\t'; break;
	case 'v': *out = '\v'; break;
	case 'x':
		for (w = 0; w < 2 && k + 1 < end && is_xdigit(s[k + 1]); w++)
			v = v * 16 + (unsigned long)hex_value(s[++k]);
		*out = (char)v;
		break;
	case 'z':
		while (k + 1 < end && is_space(s[k + 1]))
			k++;
		*i = k + 1;
		return 0;
	case 'u':
		if (k + 1 < end && s[k + 1] == '{')
			k++;
		while (k + 1 < end && is_xdigit(s[k + 1])) {
			k++;
			if (v <= (0x7FFFFFFFul >> 4))
				v = v * 16 + (unsigned long)hex_value(s[k]);
		}
		if (k + 1 < end && s[k + 1] == '}')
			k++;
		*i = k + 1;
		return utf8_escape(out, v);
	case '\n':
	case '\r':
		*out = '\n';
		*i = k + break_width(s, k, end);
		return 1;
	default:
		if (is_digit(c)) {
			v = (unsigned long)(c - '0');
			for (w = 1; w < 3 && k + 1 < end && is_digit(s[k + 1]); w++)
				v = v * 10 + (unsigned long)(s[++k] - '0');
			*out = (char)(v & 0xFF);
		} else {
			*out = (char)c;  /* \\ \" \' and what Lua refuses */
		}
		break;
	}
	*i = k + 1;
	return 1;
}


size_t
mc_llex_string(const mc_llexer *lx, const mc_ltoken *t, char *out)
{
	const unsigned char *s = lx->s;
	size_t i = t->cstart, end = t->cend, n = 0, w;

	if (t->is_long) {
		i += break_width(s, i, end);  /* a first line break is dropped */
		while (i < end) {
			if ((w = break_width(s, i, end)) > 0) {
				out[n++] = '\n';
				i += w;
			} else {
				out[n++] = (char)s[i++];
			}
		}
	} else {
		while (i < end) {
			if (s[i] == '\\')
				n += decode_escape(s, &i, end, out + n);
			else
				out[n++] = (char)s[i++];
		}
	}
	out[n] = '\0';
	return n;
}
