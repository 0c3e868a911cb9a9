/* SPDX-License-Identifier: MIT */
/*
 * diag.h - adding items to an mc_diag (the reading side is public, in
 * migcheck.h).
 */
#ifndef MC_DIAG_H
#define MC_DIAG_H

#include <stdbool.h>

#include "migcheck.h"

#if defined(__GNUC__)
#define MC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define MC_PRINTF(f, a)
#endif

/*
 * The most items kept about one file (and about no file): past it, items
 * are counted, and one item (code "limit", no file, the severity of the
 * most severe it counts) after that file's items says how many more there
 * were. mc_diag_error_count counts every error added.
 */
#define MC_DIAG_PER_FILE 100

/*
 * Adds an item. file may be NULL (an item about no file); line and column
 * are 1-based; line_text, if not NULL, is the source line (line_len bytes,
 * no newline). Does nothing when diag is NULL. Returns -1 when memory runs
 * out, else 0.
 */
int mc_diag_add(mc_diag *diag, mc_severity sev, const char *file,
		unsigned line, unsigned column, const char *line_text,
		size_t line_len, const char *fmt, ...) MC_PRINTF(8, 9);

/* True when diag keeps no more items about file (NULL: about no file):
 * another is only counted, and what it would show need not be found. */
bool mc_diag_full(const mc_diag *diag, const char *file);

/*
 * Gives the last item added its stable id (mc_diag_item.code), such as
 * "unknown-key"; code must be a string that outlives the list (a literal).
 * Does nothing when diag is NULL or empty.
 */
void mc_diag_set_code(mc_diag *diag, const char *code);

/* As mc_diag_add, for an error about no file in particular. */
int mc_diag_error(mc_diag *diag, const char *fmt, ...) MC_PRINTF(2, 3);

#endif
