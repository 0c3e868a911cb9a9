/* SPDX-License-Identifier: MIT */
/*
 * diag.c - a growable list of diagnostics; each item owns its strings.
 *
 * A file keeps at most MC_DIAG_PER_FILE items (items about no file count as
 * one more file): a hostile input can hold an error on every line, and
 * millions of items would take gigabytes and say nothing more than the
 * first hundred. Past that an item is counted, not kept, and one item after
 * the file's kept items (the note) says how many more there were, with the
 * severity of the most severe it counts; the error count counts them all,
 * so that the status and "N errors" stay right.
 */
#include "util/diag.h"

#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "util/strmap.h"

typedef struct item {
	mc_diag_item pub;
	char *file;
	char *message;
	char *source_line;
} item;

/* What was added about one file (or about no file). */
typedef struct file_count {
	const char *name; /* the first item's copy; NULL for no file */
	size_t kept;
	size_t more[3];  /* items not kept, by mc_severity */
	size_t note;     /* index of the note that counts them, or SIZE_MAX */
	size_t note_cap; /* bytes of that note's message */
} file_count;

struct mc_diag {
	item *items;
	size_t count, cap, errors;
	mc_strmap by_file;   /* file name (the first item's copy) -> files[] */
	file_count *files;
	size_t nfiles, capfiles;
	file_count no_file;
	size_t last_file;    /* files[] index of the last item's file, or SIZE_MAX */
	bool last_kept;      /* whether the last item added was kept */
};

mc_diag *
mc_diag_new(void)
{
	mc_diag *diag = calloc(1, sizeof(mc_diag));

	if (diag)
		mc_diag_clear(diag);
	return diag;
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
	mc_strmap_free(&diag->by_file);
	diag->nfiles = 0;
	diag->last_file = SIZE_MAX;
	memset(&diag->no_file, 0, sizeof(diag->no_file));
	diag->no_file.note = SIZE_MAX;
	diag->last_kept = false;
}

void
mc_diag_free(mc_diag *diag)
{
	if (!diag)
		return;
	mc_diag_clear(diag);
	free(diag->items);
	free(diag->files);
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

/* The index in files[] of file's count, or SIZE_MAX when it has none yet.
 * Items come in runs about one file, so the last file is tried first. */
static size_t
find_file(const mc_diag *diag, const char *file)
{
	size_t idx = diag->last_file;

	if (idx < diag->nfiles && strcmp(diag->files[idx].name, file) == 0)
		return idx;
	if (!mc_strmap_get(&diag->by_file, file, strlen(file), &idx))
		return SIZE_MAX;
	return idx;
}

/* The count of file (NULL: no file), or NULL when it has none yet. */
static file_count *
find_count(const mc_diag *diag, const char *file)
{
	size_t idx;

	if (!file)
		return (file_count *)(uintptr_t)&diag->no_file;
	idx = find_file(diag, file);
	return idx == SIZE_MAX ? NULL : &diag->files[idx];
}

bool
mc_diag_full(const mc_diag *diag, const char *file)
{
	const file_count *fc = diag ? find_count(diag, file) : NULL;

	return fc && fc->kept >= MC_DIAG_PER_FILE;
}

/* Starts the count of file, whose name `name` (the copy its first item
 * owns) outlives the map. */
static file_count *
new_count(mc_diag *diag, const char *name)
{
	file_count *files;

	files = mc_grow(diag->files, &diag->capfiles, diag->nfiles + 1,
			sizeof(*files));
	if (!files)
		return NULL;
	diag->files = files;
	if (mc_strmap_put(&diag->by_file, name, strlen(name), diag->nfiles,
			  NULL) < 0)
		return NULL;
	memset(&files[diag->nfiles], 0, sizeof(*files));
	files[diag->nfiles].name = name;
	files[diag->nfiles].note = SIZE_MAX;
	return &files[diag->nfiles++];
}

/* Appends len bytes of t at s + *n, within size (the caller sized s). */
static void
put(char *s, size_t size, size_t *n, const char *t, size_t len)
{
	(void)size;  /* for assert() only */
	assert(*n + len < size);
	memcpy(s + *n, t, len);
	*n += len;
}

/* Writes the note of fc: "… and 3 more errors and 1 more warning in FILE".
 * It is rewritten on every item it counts, so it is put together by hand:
 * printf would cost more than all else an item past the limit costs. */
static void
write_note(char *s, size_t size, const file_count *fc, const char *file)
{
	static const char *const words[] = {" more error", " more warning",
					    " more note"};
	size_t n = 0;

	put(s, size, &n, "\xe2\x80\xa6", 3);  /* … */
	for (size_t k = 0; k < 3; k++) {
		char digits[20];
		size_t d = sizeof(digits);

		if (!fc->more[k])
			continue;
		for (size_t v = fc->more[k]; v; v /= 10)
			digits[--d] = (char)('0' + v % 10);
		put(s, size, &n, " and ", 5);
		put(s, size, &n, digits + d, sizeof(digits) - d);
		put(s, size, &n, words[k], strlen(words[k]));
		if (fc->more[k] != 1)
			put(s, size, &n, "s", 1);
	}
	if (file) {
		put(s, size, &n, " in ", 4);
		put(s, size, &n, file, strlen(file));
	}
	s[n] = '\0';
}

/* Counts an item past the limit of its file: the file's note is added the
 * first time, and rewritten in place after. */
static int
count_more(mc_diag *diag, file_count *fc, mc_severity sev, const char *file)
{
	item *it;

	assert(sev <= MC_SEVERITY_NOTE);
	fc->more[sev]++;
	if (fc->note == SIZE_MAX) {
		item note = {0};
		item *items;

		/* "…", three counts of 20 digits and their words, the file. */
		fc->note_cap = 3 + 3 * (20 + sizeof(" and  more warnings")) +
			       sizeof(" in ") + (file ? strlen(file) : 0);
		items = mc_grow(diag->items, &diag->cap, diag->count + 1,
				sizeof(*items));
		if (items)
			diag->items = items;
		note.message = malloc(fc->note_cap);
		if (!items || !note.message) {
			free(note.message);
			fc->more[sev]--;
			return -1;
		}
		note.pub.severity = MC_SEVERITY_NOTE;
		note.pub.message = note.message;
		note.pub.code = "limit";
		fc->note = diag->count;
		diag->items[diag->count++] = note;
	}
	it = &diag->items[fc->note];
	/* The note stands for the items it counts: an embedder that looks
	 * for an error among the items finds one. */
	if (sev < it->pub.severity)
		it->pub.severity = sev;
	write_note(it->message, fc->note_cap, fc, file);
	return 0;
}

static int MC_PRINTF(8, 0)
vadd(mc_diag *diag, mc_severity sev, const char *file, unsigned line,
     unsigned column, const char *line_text, size_t line_len,
     const char *fmt, va_list ap)
{
	item it = {0}, *items;
	file_count *fc;

	if (!diag)
		return 0;
	diag->last_kept = false;
	fc = find_count(diag, file);
	if (fc && file)
		diag->last_file = (size_t)(fc - diag->files);
	if (fc && fc->kept >= MC_DIAG_PER_FILE) {
		if (count_more(diag, fc, sev, file) < 0)
			return -1;
		if (sev == MC_SEVERITY_ERROR)
			diag->errors++;
		return 0;
	}
	items = mc_grow(diag->items, &diag->cap, diag->count + 1, sizeof(*items));
	if (!items)
		return -1;
	diag->items = items;
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
	if (!it.message || (file && !it.file) || (line_text && !it.source_line) ||
	    (!fc && !(fc = new_count(diag, it.file)))) {
		item_release(&it);
		return -1;
	}
	fc->kept++;
	it.pub.severity = sev;
	it.pub.at.file = it.file;
	it.pub.at.line = line;
	it.pub.at.column = column;
	it.pub.message = it.message;
	it.pub.source_line = it.source_line;
	diag->items[diag->count++] = it;
	diag->last_kept = true;
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
	if (diag && diag->count && diag->last_kept)
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
