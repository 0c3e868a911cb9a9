/* SPDX-License-Identifier: MIT */
/*
 * report_lint.h - the reports of `migcheck lint`: text, JSON and SARIF
 * 2.1.0, each built whole in memory (see report.h).
 */
#ifndef MC_REPORT_LINT_H
#define MC_REPORT_LINT_H

#include <stdbool.h>
#include <stddef.h>

#include "migcheck.h"

/* One policy file named on the command line: its findings (load errors and
 * lint warnings) and, when it loaded, the policy. */
typedef struct lint_file {
	const char *path;
	mc_policy *policy;  /* NULL when it did not load */
	mc_diag *diag;
	/* diag's items by file, line and column (lint_sort), as reported */
	const mc_diag_item **items;
	size_t nitems;
} lint_file;

/* Fills f->items with f->diag's items by file (a finding about no file
 * in particular under f->path), line and column, alike ones in the order
 * found. Returns false when memory runs out. */
bool lint_sort(lint_file *f);

/* The id a finding is reported under: its code, or "invalid". */
const char *report_lint_id(const mc_diag_item *it);

/* FILE:LINE:COL: error[ID]: message, the source line and a caret, and a
 * summary line. */
char *report_lint_text(const lint_file *files, size_t n, bool color,
		       size_t *len);

/* {"policies": [...], "findings": [...], "errors": N, "warnings": N} */
char *report_lint_json(const lint_file *files, size_t n, size_t *len);

/* A SARIF 2.1.0 log with one run. */
char *report_lint_sarif(const lint_file *files, size_t n, size_t *len);

#endif
