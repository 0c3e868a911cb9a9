/* SPDX-License-Identifier: MIT */
/*
 * udiff.h - a unified diff of two texts, line by line (`migcheck fmt
 * --diff`), as `diff -u` writes it: Myers' shortest edit script, three
 * lines of context, "\ No newline at end of file" where a text ends
 * without one.
 */
#ifndef MC_CLI_UDIFF_H
#define MC_CLI_UDIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"

/*
 * Adds to b the diff that turns the alen bytes at a (named aname) into the
 * blen bytes at bt (named bname): nothing when they are equal. A diff past
 * UDIFF_MAX_EDITS edits between the texts' common head and tail is
 * written as one change of everything between them (correct, if not the
 * shortest): the search keeps about 8 * UDIFF_MAX_EDITS^2 bytes (8 MB).
 * False when memory runs out.
 */
bool cli_udiff(cli_buf *b, const char *aname, const char *a, size_t alen,
	       const char *bname, const char *bt, size_t blen);

#define UDIFF_MAX_EDITS 1000

#endif
