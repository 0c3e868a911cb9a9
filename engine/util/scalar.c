/* SPDX-License-Identifier: MIT */
/*
 * scalar.c - reading integers and booleans written as text (scalar.h).
 */
#include "util/scalar.h"

#include <string.h>

int
mc_text_to_int(const char *s, size_t len, int64_t *out)
{
	const char *p = s, *end = s + len;
	bool neg = false, overflow = false;
	unsigned base = 10;
	uint64_t v = 0, lim;

	if (p < end && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	if (end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'o')) {
		base = p[1] == 'x' ? 16 : 8;
		p += 2;
	}
	if (p == end)
		return 0;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; p < end; p++) {
		unsigned d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			return 0;
		if (d >= base)
			return 0;
		if (!overflow && v > (lim - d) / base)
			overflow = true;
		if (!overflow)
			v = v * base + d;
	}
	if (overflow)
		return -1;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 1;
}

static bool
word_is(const char *s, size_t len, const char *w)
{
	size_t n = strlen(w);

	if (n != len)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != w[i])
			return false;
	}
	return true;
}

int
mc_text_to_bool(const char *s, size_t len, bool *out)
{
	static const char *const yes[] = {"true", "yes", "on", "1"};
	static const char *const no[] = {"false", "no", "off", "0"};

	for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++) {
		if (word_is(s, len, yes[i])) {
			*out = true;
			return 1;
		}
		if (word_is(s, len, no[i])) {
			*out = false;
			return 1;
		}
	}
	return 0;
}
