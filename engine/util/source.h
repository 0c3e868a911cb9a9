/* SPDX-License-Identifier: MIT */
/*
 * source.h - the files that inputs are read from: reading a file whole
 * within a size limit, its lines (found through an index built once, as
 * jq's locfile.c does), and diagnostics at a line and column that show the
 * source line under the message.
 *
 * An mc_file does not own its name or data; what finding lines makes for
 * it is freed by mc_file_release.
 */
#ifndef MC_SOURCE_H
#define MC_SOURCE_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/diag.h"
#include "migcheck.h"

typedef struct mc_lines mc_lines;

typedef struct mc_file {
	const char *name;
	const char *data;
	size_t len;
	/* Where its lines start: made by the first diagnostic that needs a
	 * source line, and kept (source.c). NULL until then; threads that
	 * race to make it agree on one. */
	_Atomic(mc_lines *) lines;
} mc_file;

/*
 * Reads a whole file into a malloc'd, NUL-terminated buffer of at most max
 * bytes. Returns 0, or -1 with errno set (EFBIG past the limit). A FIFO, a
 * pipe or a device is read up to max bytes and one more. With
 * regular_only, path must be a regular file: it is opened without blocking
 * (a FIFO would otherwise wait for a writer for ever) and refused unread
 * (EINVAL) when it is anything else. A directory is refused with EISDIR. *mode is what
 * fstat said it is, or 0 when it could not be opened.
 */
int mc_read_path(const char *path, size_t max, bool regular_only,
		 char **data, size_t *len, mode_t *mode);

/*
 * The 0-based line and column of byte `off` of the raw input (len bytes at
 * data), counted as libyaml counts its marks: characters after the byte
 * order mark, with CR LF, CR, LF, NEL, LS and PS as line breaks; UTF-16
 * input by its characters.
 */
void mc_text_offset_pos(const char *data, size_t len, size_t off,
			size_t *line, size_t *col);

/* Line `line` (1-based) of a UTF-8 file without its line break (*len
 * bytes), or NULL when there is none, it is too long to show, or memory
 * ran out. Takes a bounded time whatever the line: see source.c. */
const char *mc_file_line(const mc_file *f, unsigned line, size_t *len);

/* Frees what finding lines made for f (not its name or data). */
void mc_file_release(mc_file *f);

/* Adds a diagnostic at line and column of file f (NULL: about no file),
 * with its source line. Returns -1 when memory runs out, else 0. */
int mc_file_diag(mc_diag *diag, mc_severity sev, const mc_file *f,
		 unsigned line, unsigned col, const char *fmt, ...) MC_PRINTF(6, 7);

/* As mc_file_diag, with the arguments of fmt in ap. */
int mc_file_vdiag(mc_diag *diag, mc_severity sev, const mc_file *f,
		  unsigned line, unsigned col, const char *fmt, va_list ap)
	MC_PRINTF(6, 0);

/* How an error says which limit was hit and how to raise it:
 * "... deeper than 64 levels " MC_LIMIT_HINT("depth"). */
#define MC_LIMIT_HINT(name) "(raise it with --limit " name "=N)"

/* A size in bytes as limits are written: "256 MiB", "64 KiB", "469 bytes"
 * (buf of at least 32 bytes). Returns buf. */
const char *mc_size_text(char *buf, size_t size, uint64_t bytes);

#endif
