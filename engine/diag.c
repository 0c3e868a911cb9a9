/*
 * diag.c - a growable list of diagnostics; each item owns its strings.
 */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct item {
	mc_diag_item pub;
	char *file;
	char *message;
	char *source_line;
} item;

struct mc_diag {
	item *items;
	size_t count, cap, errors;
};

mc_diag *
mc_diag_new(void)
{
	return calloc(1, sizeof(mc_diag));
}

static void
item_release(item *it)
{
	free(it->file);
	free(it->message);
	free(it->source_line);
}

void
mc_diag_clear(mc_diag *diag)
{
	if (!diag)
		return;
	for (size_t i = 0; i < diag->count; i++)
		item_release(&diag->items[i]);
	diag->count = 0;
	diag->errors = 0;
}

void
mc_diag_free(mc_diag *diag)
{
	if (!diag)
		return;
	mc_diag_clear(diag);
	free(diag->items);
	free(diag);
}

size_t
mc_diag_count(const mc_diag *diag)
{
	return diag ? diag->count : 0;
}

size_t
mc_diag_error_count(const mc_diag *diag)
{
	return diag ? diag->errors : 0;
}

const mc_diag_item *
mc_diag_get(const mc_diag *diag, size_t i)
{
	return i < diag->count ? &diag->items[i].pub : NULL;
}

static char *MC_PRINTF(1, 0)
vformat(const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *s;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return NULL;
	s = malloc((size_t)n + 1);
	if (s)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

static int MC_PRINTF(8, 0)
vadd(mc_diag *diag, mc_severity sev, const char *file, unsigned line,
     unsigned column, const char *line_text, size_t line_len,
     const char *fmt, va_list ap)
{
	item it = {0};

	if (!diag)
		return 0;
	if (diag->count == diag->cap) {
		size_t cap = diag->cap ? diag->cap * 2 : 8;
		item *items = realloc(diag->items, cap * sizeof(*items));
		if (!items)
			return -1;
		diag->items = items;
		diag->cap = cap;
	}
	it.message = vformat(fmt, ap);
	if (file)
		it.file = strdup(file);
	if (line_text) {
		it.source_line = malloc(line_len + 1);
		if (it.source_line) {
			memcpy(it.source_line, line_text, line_len);
			it.source_line[line_len] = '\0';
		}
	}
	if (!it.message || (file && !it.file) || (line_text && !it.source_line)) {
		item_release(&it);
		return -1;
	}
	it.pub.severity = sev;
	it.pub.at.file = it.file;
	it.pub.at.line = line;
	it.pub.at.column = column;
	it.pub.message = it.message;
	it.pub.source_line = it.source_line;
	diag->items[diag->count++] = it;
	if (sev == MC_SEVERITY_ERROR)
		diag->errors++;
	return 0;
}

int
mc_diag_add(mc_diag *diag, mc_severity sev, const char *file, unsigned line,
	    unsigned column, const char *line_text, size_t line_len,
	    const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vadd(diag, sev, file, line, column, line_text, line_len, fmt, ap);
	va_end(ap);
	return rc;
}

void
mc_diag_set_code(mc_diag *diag, const char *code)
{
	if (diag && diag->count)
		diag->items[diag->count - 1].pub.code = code;
}

int
mc_diag_error(mc_diag *diag, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vadd(diag, MC_SEVERITY_ERROR, NULL, 0, 0, NULL, 0, fmt, ap);
	va_end(ap);
	return rc;
}
