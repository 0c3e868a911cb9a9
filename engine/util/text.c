/* SPDX-License-Identifier: MIT */
/*
 * text.c - the public face of buf.h's UTF-8 reading and escaping
 * (mc_text_*): what migcheck.h gives programs that print what inputs hold,
 * over the one implementation.
 */
#include <string.h>

#include "util/buf.h"

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
