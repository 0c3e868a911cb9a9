/* SPDX-License-Identifier: MIT */
/*
 * source.c - the files that inputs are read from: reading one whole within
 * a size limit, finding its lines through an index built once, and
 * diagnostics that show the source line at a line and column.
 */
#include "util/source.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/arena.h"

/*
 * Reads the file open at fd whole, within max bytes: a regular file is
 * refused by its size before anything is read; a FIFO, a pipe or a device
 * is read up to max bytes and one more, which is enough to know it is over
 * the limit. Returns 0, or -1 with errno set (EFBIG past the limit).
 */
static int
read_fd(int fd, const struct stat *st, size_t max, char **data, size_t *len)
{
	char *buf = NULL;
	size_t cap = 0, n = 0, first = 4096;
	int saved;

	if (S_ISREG(st->st_mode)) {
		if ((uintmax_t)st->st_size > max) {
			errno = EFBIG;
			return -1;
		}
		first = (size_t)st->st_size + 2;
	}
	for (;;) {
		ssize_t r;

		if (n + 1 >= cap) {
			size_t ncap = cap ? cap * 2 : first;
			char *nb;

			if (ncap > max + 2)
				ncap = max + 2;
			if (ncap <= n + 1) {
				errno = EFBIG;
				goto fail;
			}
			nb = buf ? realloc(buf, ncap) : mc_large_alloc(ncap);
			if (!nb)
				goto fail;
			buf = nb;
			cap = ncap;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			errno = EFBIG;
			goto fail;
		}
	}
	if (!buf && !(buf = malloc(1)))
		return -1;
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
fail:
	saved = errno;
	free(buf);
	errno = saved;
	return -1;
}

/*
 * Opens and reads path. A file a policy names must be a regular file: it
 * is opened without blocking (a FIFO would otherwise wait for a writer for
 * ever) and refused unread when fstat says it is anything else; *mode then
 * tells what it is. Returns 0, or -1 with errno set.
 */
int
mc_read_path(const char *path, size_t max, bool regular_only, char **data,
	     size_t *len, mode_t *mode)
{
	struct stat st;
	int fd, rc = -1, saved;

	*mode = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
		  (regular_only ? O_NONBLOCK : 0));
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto out;
	*mode = st.st_mode;
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		goto out;
	}
	if (regular_only && !S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto out;
	}
	rc = read_fd(fd, &st, max, data, len);
out:
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

/* The character at byte i of d (len bytes, i < len), UTF-16 (le or be) or
 * UTF-8; sets *w to its width in bytes, never past len: a character cut
 * short by the end of the data is as wide as what is left of it. */
static uint32_t
char_at(const unsigned char *d, size_t len, size_t i, int utf16, size_t *w)
{
	uint32_t c;
	size_t full;

	if (utf16) {
		*w = 2;
		if (i + 1 >= len) {
			*w = len - i;
			return 0;
		}
		c = utf16 == 1 ? (uint32_t)(d[i] | d[i + 1] << 8)
			       : (uint32_t)(d[i] << 8 | d[i + 1]);
		if (c >= 0xD800 && c <= 0xDBFF)
			*w = i + 4 <= len ? 4 : len - i;  /* a surrogate pair */
		return c;
	}
	c = d[i];
	full = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
	       : (c & 0xF8) == 0xF0 ? 4 : 1;
	*w = i + full > len ? len - i : full;
	if (full == 1 || *w != full)
		return c;
	c &= 0x3F >> (*w - 1);
	for (size_t k = 1; k < *w; k++)
		c = c << 6 | (d[i + k] & 0x3F);
	return c;
}

void
mc_text_offset_pos(const char *data, size_t len, size_t off, size_t *pline,
		   size_t *pcol)
{
	const unsigned char *d = (const unsigned char *)data;
	size_t i = 0, line = 0, col = 0, w, w2;
	int utf16 = 0;

	if (len >= 2 && d[0] == 0xFF && d[1] == 0xFE) {
		utf16 = 1;
		i = 2;
	} else if (len >= 2 && d[0] == 0xFE && d[1] == 0xFF) {
		utf16 = 2;
		i = 2;
	} else if (len >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) {
		i = 3;
	}
	if (off > len)
		off = len;
	while (i < off) {
		uint32_t c = char_at(d, len, i, utf16, &w);

		if (c == '\r' && i + w < off && char_at(d, len, i + w, utf16, &w2) == '\n')
			w += w2;
		if (c == '\r' || c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029) {
			line++;
			col = 0;
		} else {
			col++;
		}
		i += w;
	}
	*pline = line;
	*pcol = col;
}

/* True when the character at d[i] ends a line; *w is the width of the
 * break (CR LF is one break). */
static bool
line_break(const unsigned char *d, size_t len, size_t i, size_t *w)
{
	size_t w2;
	uint32_t c = char_at(d, len, i, 0, w);

	if (c == '\r' && i + *w < len && char_at(d, len, i + *w, 0, &w2) == '\n')
		*w += w2;
	return c == '\r' || c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029;
}

/*
 * A file's index of lines. Every diagnostic shows its source line, and a
 * file may have many diagnostics: finding each line by counting breaks
 * from byte 0 made them quadratic. The index is built in one pass, as jq's
 * locfile.c builds its own, but keeps a mark only where at least
 * LINE_STRIDE bytes have passed since the previous one, not at every line:
 * a file of line breaks alone would otherwise need several times its size
 * in marks. A line is found by a binary search over the marks and a walk
 * of less than LINE_STRIDE bytes from the nearest one, and the marks take
 * at most 1/16 of the file's size.
 */
#define LINE_STRIDE 256

typedef struct line_mark {
	size_t line;  /* 1-based */
	size_t off;   /* where that line starts */
} line_mark;

struct mc_lines {
	size_t nlines;  /* lines in the file: line breaks + 1 */
	size_t nmarks;
	line_mark marks[];
};

/* True for text that begins as UTF-16 does, with a byte order mark of
 * either order (0xFF or 0xFE, which UTF-8 never holds): its lines are not
 * shown. */
static bool
is_utf16(const unsigned char *d, size_t n)
{
	return n >= 2 && (d[0] == 0xFF || d[0] == 0xFE);
}

/* Counts the lines of f with the line breaks libyaml counts, keeping a
 * mark at the first line and at each line start LINE_STRIDE bytes or more
 * past the previous mark. NULL when memory runs out. */
static mc_lines *
lines_build(const mc_file *f)
{
	const unsigned char *d = (const unsigned char *)f->data;
	size_t i = 0, n = f->len, w, line = 1, cap;
	mc_lines *ls;

	if (n >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF)
		i = 3;
	/* A mark after the first lies LINE_STRIDE bytes past the one before. */
	cap = n / LINE_STRIDE + 1;
	ls = malloc(sizeof(*ls) + cap * sizeof(ls->marks[0]));
	if (!ls)
		return NULL;
	ls->marks[0].line = 1;
	ls->marks[0].off = i;
	ls->nmarks = 1;
	while (i < n) {
		if (line_break(d, n, i, &w)) {
			line++;
			if (i + w - ls->marks[ls->nmarks - 1].off >= LINE_STRIDE &&
			    i + w <= n) {
				ls->marks[ls->nmarks].line = line;
				ls->marks[ls->nmarks++].off = i + w;
			}
		}
		i += w;
	}
	ls->nlines = line;
	return ls;
}

/* The index of f's lines, made on first use. Documents are shared by
 * threads once loaded: the first to finish publishes its index, the others
 * free theirs. The index is a cache: f is not changed otherwise. */
static const mc_lines *
file_lines(const mc_file *f)
{
	mc_file *mf = (mc_file *)(uintptr_t)f;
	mc_lines *ls = atomic_load_explicit(&mf->lines, memory_order_acquire);
	mc_lines *none = NULL;

	if (ls)
		return ls;
	ls = lines_build(f);
	if (ls && !atomic_compare_exchange_strong_explicit(&mf->lines, &none, ls,
							  memory_order_acq_rel,
							  memory_order_acquire)) {
		free(ls);
		ls = none;
	}
	return ls;
}

void
mc_file_release(mc_file *f)
{
	if (!f)
		return;
	free(atomic_load_explicit(&f->lines, memory_order_relaxed));
	atomic_store_explicit(&f->lines, NULL, memory_order_relaxed);
}

/* The longest source line a diagnostic shows. */
#define SHOW_LINE 200

/*
 * Finds line `line` (1-based) of a UTF-8 file: sets *text to its start and
 * *len to its length without the break, or *text to NULL for other
 * encodings and for lines absent, too long or not printable enough to
 * show. Returns -1 when memory runs out, else 0.
 */
static int
find_line(const mc_file *f, unsigned line, const char **text, size_t *len)
{
	const unsigned char *d = (const unsigned char *)f->data;
	const mc_lines *ls;
	size_t lo, hi, i, l, start, w, n = f->len;

	*text = NULL;
	if (!d || line == 0 || is_utf16(d, n))
		return 0;
	if (!(ls = file_lines(f)))
		return -1;
	if (line > ls->nlines)
		return 0;
	/* The last mark at or before the line. */
	lo = 0;
	hi = ls->nmarks;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (ls->marks[mid].line <= line)
			lo = mid;
		else
			hi = mid;
	}
	i = ls->marks[lo].off;
	for (l = ls->marks[lo].line; l < line && i < n; i += w) {
		if (line_break(d, n, i, &w))
			l++;
	}
	if (l != line)
		return 0;
	start = i;
	while (i < n && i - start <= SHOW_LINE && !line_break(d, n, i, &w))
		i += w;
	/* A source line is shown only when it is short, printable text. */
	if (i - start > SHOW_LINE)
		return 0;
	for (size_t k = start; k < i; k++) {
		if (d[k] < 0x20 && d[k] != '\t')
			return 0;
	}
	*text = f->data + start;
	*len = i - start;
	return 0;
}

const char *
mc_file_line(const mc_file *f, unsigned line, size_t *len)
{
	const char *text;

	find_line(f, line, &text, len);
	return text;
}

int
mc_file_vdiag(mc_diag *diag, mc_severity sev, const mc_file *f, unsigned line,
	      unsigned col, const char *fmt, va_list ap)
{
	char msg[1024];
	const char *text = NULL;
	size_t len = 0;

	/* Past the diagnostics a file keeps, this one is only counted. */
	if (mc_diag_full(diag, f ? f->name : NULL))
		return mc_diag_add(diag, sev, f ? f->name : NULL, line, col, NULL,
				   0, "%s", "");
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (f && find_line(f, line, &text, &len) < 0)
		return -1;
	return mc_diag_add(diag, sev, f ? f->name : NULL, line, col, text, len,
			   "%s", msg);
}

int
mc_file_diag(mc_diag *diag, mc_severity sev, const mc_file *f, unsigned line,
	     unsigned col, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = mc_file_vdiag(diag, sev, f, line, col, fmt, ap);
	va_end(ap);
	return rc;
}

const char *
mc_size_text(char *buf, size_t size, uint64_t bytes)
{
	static const char *const units[] = {"GiB", "MiB", "KiB"};

	for (unsigned i = 0; i < 3; i++) {
		unsigned shift = 30 - 10 * i;
		uint64_t unit = (uint64_t)1 << shift;

		if (bytes >= unit && bytes % unit == 0) {
			snprintf(buf, size, "%" PRIu64 " %s", bytes >> shift, units[i]);
			return buf;
		}
	}
	snprintf(buf, size, "%" PRIu64 " byte%s", bytes, bytes == 1 ? "" : "s");
	return buf;
}
