/* SPDX-License-Identifier: MIT */
/*
 * named.h - reading the files that the loaders read: a file given on the
 * command line, and a file that a file names (mc_named), which is read
 * and shown only as its contract below says.
 */
#ifndef MC_NAMED_H
#define MC_NAMED_H

#include <stddef.h>

#include "util/diag.h"
#include "util/source.h"
#include "migcheck.h"

struct mc_node;
struct mc_doc;

/*
 * A file that a file names: a base policy (`extends:`), a test's inventory
 * (`inventory:`). It must be a regular file, and it is shown in
 * diagnostics -- its lines, or words of it -- only once it has read as what
 * it is named as: a YAML mapping with one of `marks` at its top level. Until
 * then whatever is wrong with it is reported at `by`, in words that quote
 * nothing of it, so that naming /etc/shadow shows none of it.
 */
typedef struct mc_named {
	const struct mc_node *by;         /* the node that names the file */
	const char *key;           /* "extends": the word messages begin with */
	const char *what;          /* "a policy" */
	const char *const *marks;  /* one or two, then NULL: {"policy", NULL} */
} mc_named;

/*
 * Reads the file at path whole, within limits->max_file_bytes, into a
 * malloc'd buffer (NUL-terminated). A named file (named not NULL) must be
 * a regular file, and errors are reported at named->by; else at the file's
 * line 1, column 1. Returns an MC_ status.
 */
int mc_file_read(const char *path, const mc_named *named,
		 const mc_limits *limits, mc_diag *diag, char **data,
		 size_t *len);

/* Reports that the file at path cannot be read for errno err, as
 * mc_file_read does. Returns MC_EINPUT (MC_ENOMEM for ENOMEM). */
int mc_file_read_error(const char *path, const mc_named *named, int err,
		       mc_diag *diag);

/* Reports that the file at path (read, or given as a buffer) is larger
 * than limits->max_file_bytes, as mc_file_read does. Returns MC_ELIMIT. */
int mc_file_too_large(const char *path, const mc_named *named,
		      const mc_limits *limits, mc_diag *diag);

/* As mc_doc_load_file_as (mode an mc_doc_mode), for a named file (see
 * mc_named). */
int mc_doc_load_named(struct mc_doc **out, const char *path, const mc_named *named,
		      const mc_limits *limits, int mode, mc_diag *diag);

#endif
