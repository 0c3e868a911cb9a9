/* SPDX-License-Identifier: MIT */
/*
 * text.c - the public face of buf.h's UTF-8 reading and escaping
 * (mc_text_*): what migcheck.h gives programs that print what inputs hold,
 * over the one implementation.
 */
#include <string.h>

#include "util/buf.h"
#include "util/text.h"

int
mc_text_printable(char **out, size_t *outlen, const char *s, size_t len,
		  bool keep_newlines)
{
	mc_buf b = MC_BUF_INIT;

	mc_buf_add_printable(&b, s, len, keep_newlines);
	return mc_buf_take(&b, out, outlen);
}

size_t
mc_text_utf8_char(const char *s, size_t len, uint32_t *cp)
{
	return mc_utf8_char(s, len, cp);
}

size_t
mc_text_column_offset(const char *line, size_t len, unsigned column)
{
	size_t i = 0, w;

	for (unsigned col = 1; col < column && i < len; col++) {
		w = mc_utf8_char(line + i, len - i, NULL);
		i += w ? w : 1;
	}
	return i;
}

size_t
mc_text_distance(const char *a, const char *b, size_t max)
{
	size_t la = strlen(a), lb = strlen(b), d[3][MC_TEXT_NEAR_MAX + 1];

	if (la > MC_TEXT_NEAR_MAX || lb > MC_TEXT_NEAR_MAX ||
	    (la > lb ? la - lb : lb - la) > max)
		return max + 1;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t *row = d[i % 3], *up = d[(i + 2) % 3], *up2 = d[(i + 1) % 3];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t v = up[j - 1] + (a[i - 1] != b[j - 1]);

			if (up[j] + 1 < v)
				v = up[j] + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    up2[j - 2] + 1 < v)
				v = up2[j - 2] + 1;
			row[j] = v;
		}
	}
	return d[la % 3][lb] > max ? max + 1 : d[la % 3][lb];
}

const char *
mc_text_nearest(const char *word, const char *const *names, size_t n,
		size_t stride)
{
	size_t max = strlen(word) < 4 ? 1 : 2, best = max + 1;
	const char *found = NULL;

	for (size_t i = 0; i < n; i++) {
		const char *name = *(const char *const *)(const void *)
			((const char *)names + i * stride);
		size_t d = name ? mc_text_distance(word, name, max) : max + 1;

		if (d < best && d < strlen(name)) {
			best = d;
			found = name;
		}
	}
	return found;
}
