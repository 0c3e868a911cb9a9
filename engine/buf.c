/*
 * buf.c - growable text buffer.
 */
#include "buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	while (cap - b->len <= more)
		cap *= 2;
	d = realloc(b->data, cap);
	if (!d) {
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
