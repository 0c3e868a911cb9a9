/* SPDX-License-Identifier: MIT */
/*
 * named.c - reading the files the loaders read: whole, within the limits;
 * and a file that a file names (mc_named) refused, read and shown as its
 * contract says, with its errors at the node that names it.
 */
#include "load/named.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "load/node.h"

/* Adds an error about a named file at the node naming it: "KEY: PATH ...". */
static int MC_PRINTF(4, 5)
named_error(mc_diag *diag, const mc_named *named, const char *path,
	    const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return mc_node_error(diag, named->by, "%s: %s %s", named->key, path, what);
}

/* "a FIFO", "a directory", ... for a file that is not a regular one. */
static const char *
file_type(mode_t mode)
{
	return S_ISDIR(mode) ? "a directory" : S_ISFIFO(mode) ? "a FIFO"
	       : S_ISCHR(mode) ? "a character device" : S_ISBLK(mode)
	       ? "a block device" : S_ISSOCK(mode) ? "a socket" : "not a file";
}

int
mc_file_too_large(const char *path, const mc_named *named,
		  const mc_limits *limits, mc_diag *diag)
{
	char size[32];
	int rc;

	mc_size_text(size, sizeof(size), limits->max_file_bytes);
	if (named)
		rc = named_error(diag, named, path, "is larger than %s "
				 MC_LIMIT_HINT("file-size"), size);
	else
		rc = mc_diag_add(diag, MC_SEVERITY_ERROR, path, 1, 1, NULL, 0,
				 "the file is larger than %s " MC_LIMIT_HINT("file-size"),
				 size);
	if (rc == 0)
		mc_diag_set_code(diag, "limit");
	return MC_ELIMIT;
}

int
mc_file_read_error(const char *path, const mc_named *named, int err,
		   mc_diag *diag)
{
	if (err == ENOMEM)
		return MC_ENOMEM;
	if (named)
		named_error(diag, named, path, "cannot be read: %s", strerror(err));
	else
		mc_diag_add(diag, MC_SEVERITY_ERROR, path, 1, 1, NULL, 0,
			    "cannot read the file: %s", strerror(err));
	return MC_EINPUT;
}

int
mc_file_read(const char *path, const mc_named *named, const mc_limits *limits,
	     mc_diag *diag, char **data, size_t *len)
{
	mc_limits defaults;
	mode_t mode;

	*data = NULL;
	*len = 0;
	if (!limits) {
		mc_limits_default(&defaults);
		limits = &defaults;
	}
	if (mc_read_path(path, limits->max_file_bytes, named != NULL, data, len,
		      &mode) == 0)
		return MC_OK;
	if (errno == EFBIG)
		return mc_file_too_large(path, named, limits, diag);
	if (named && mode && !S_ISREG(mode)) {
		named_error(diag, named, path, "is not a regular file (%s)",
			    file_type(mode));
		return MC_EINPUT;
	}
	return mc_file_read_error(path, named, errno, diag);
}

/* True when the top level of a named file is what it is named as. */
static bool
has_mark(const mc_node *root, const mc_named *named)
{
	for (const char *const *m = named->marks; *m; m++) {
		if (mc_node_get(root, *m))
			return true;
	}
	return false;
}

/*
 * A named file is parsed with diagnostics of its own, shown only when it
 * reads as what it is named as. Else one error at the naming node says
 * what it is instead, with a position in it but none of its text: a
 * limit's message (they quote nothing), or that it is not valid YAML.
 */
int
mc_doc_load_named(mc_doc **out, const char *path, const mc_named *named,
		  const mc_limits *limits, int mode, mc_diag *diag)
{
	mc_diag *own = NULL;
	mc_doc *doc = NULL;
	char *data;
	size_t len;
	int rc;

	*out = NULL;
	rc = mc_file_read(path, named, limits, diag, &data, &len);
	if (rc != MC_OK)
		return rc;
	if (!(own = mc_diag_new())) {
		free(data);
		return MC_ENOMEM;
	}
	rc = mc_doc_load_owned(&doc, path, data, len, limits, (mc_doc_mode)mode, own);
	if (rc == MC_ENOMEM)
		goto out;
	if (rc != MC_OK) {
		const mc_diag_item *it = mc_diag_count(own) ? mc_diag_get(own, 0) : NULL;
		unsigned line = it ? it->at.line : 1, col = it ? it->at.column : 1;

		if (rc == MC_ELIMIT && it) {
			if (named_error(diag, named, path, "is not %s within the limits: "
					"line %u, column %u: %s", named->what, line, col,
					it->message) == 0)
				mc_diag_set_code(diag, "limit");
		} else if (named_error(diag, named, path, "is not %s: it is not "
				       "valid YAML (line %u, column %u)", named->what,
				       line, col) == 0) {
			mc_diag_set_code(diag, "yaml");
		}
		goto out;
	}
	if (!doc->root || doc->root->kind != MC_NODE_MAP ||
	    !has_mark(doc->root, named)) {
		const char *or = named->marks[1] ? "' or '" : "";
		int e;

		if (!doc->root)
			e = named_error(diag, named, path, "is not %s: it is empty",
					named->what);
		else if (doc->root->kind != MC_NODE_MAP)
			e = named_error(diag, named, path, "is not %s: it is %s, not "
					"a mapping", named->what,
					mc_node_describe(doc->root));
		else
			e = named_error(diag, named, path, "is not %s: a mapping "
					"without '%s%s%s'", named->what, named->marks[0],
					or, named->marks[1] ? named->marks[1] : "");
		if (e == 0)
			mc_diag_set_code(diag, "bad-value");
		rc = MC_EINPUT;
		goto out;
	}
	*out = doc;
	doc = NULL;
out:
	mc_doc_free(doc);
	mc_diag_free(own);
	return rc;
}
