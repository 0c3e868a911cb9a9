/* SPDX-License-Identifier: MIT */
/*
 * importer.h - what the importers share (inside sources/): the skeleton of
 * the JSON importers, and the helpers that turn text into record fields
 * within the limits of the inventory they write. The entry points are in
 * import.h; each format is a file of its own (import_win32.c,
 * import_lscpu.c, import_cpuinfo.c, import_csv.c, import_libvirt.c).
 */
#ifndef MC_IMPORTER_H
#define MC_IMPORTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "load/json.h"
#include "load/node.h"
#include "sources/import.h"

/* The status an importer returns when something went wrong: memory, or
 * else the input. */
#define MC_IMPORT_FAIL(nomem) ((nomem) ? MC_ENOMEM : MC_EINPUT)

/* Moves every record of from to the end of to, all or none: room is made
 * first. from is left empty either way (its records freed on failure). */
int mc_hostlist_move(mc_hostlist *to, mc_hostlist *from);

/*
 * Fills h (new, empty) with the host of a JSON input (doc, whose root is
 * not NULL). Returns MC_OK, MC_EINPUT after reporting, or MC_ENOMEM; the
 * caller frees h on failure.
 */
typedef int (*mc_json_host)(mc_hostrec *h, const mc_doc *doc,
			    const char *name, const mc_limits *lim,
			    mc_diag *diag);

/*
 * The JSON importers' skeleton: parses the input with the JSON loader
 * (load/json.h: jansson's values, every one with its FILE:LINE:COL),
 * reports an empty file as not `expected` ("the output of 'lscpu -J'"),
 * and appends the one host that host() fills. Returns an MC_ status.
 */
int mc_import_json(mc_hostlist *out, const char *name, const char *data,
		   size_t len, const mc_limits *limits, mc_diag *diag,
		   const char *expected, mc_json_host host);

/*
 * What the importers write is an inventory, which the loader reads under
 * its limits: a value or a list it would refuse is refused where it is
 * read, before it takes memory. Values that go past a limit are reported
 * by mc_import_limit_error; these say which limit.
 */
enum {
	MC_IMPORT_FITS = 0,
	MC_IMPORT_TOO_LONG = 1,    /* a scalar past max_scalar_bytes */
	MC_IMPORT_TOO_MANY = 2,    /* a list past max_items */
};

/* True for the len bytes at s being a VM state of the inventory: running,
 * paused, saved or stopped. */
bool mc_import_known_state(const char *s, size_t len);

/* White space as isspace() in the C locale. */
bool mc_import_is_space(char c);

/* Narrows [*s, *s + *len) to its text without surrounding white space. */
void mc_import_trim(const char **s, size_t *len);

/* Sets *field to the trimmed text, or leaves it NULL when that is empty.
 * -1 when memory runs out. */
int mc_import_set_trimmed(char **field, const char *s, size_t len);

/* A decimal integer, white space around it allowed; -1 when it is not one
 * (or does not fit in 32 bits: no family, model or count is that large). */
int mc_import_parse_int(const char *s, size_t len, int64_t *out);

/* Sets h's architecture, in the inventory's word for it (x64, x86,
 * arm64) when it has one. -1 when memory runs out. */
int mc_import_set_arch(mc_hostrec *h, const char *s, size_t len);

/* The inventory's word for a Win32_Processor Architecture code (0 x86,
 * 5 arm, 9 x64, 12 arm64), which VMM reports too; NULL for another. */
const char *mc_import_win32_arch(int64_t code);

/* The inventory's word for architecture s (x64 for x86_64, x86 for i686,
 * arm64 for aarch64), or s itself when it has none. */
const char *mc_import_arch_word(const char *s);

/* Reports that the value at line and col of f goes past a limit (`past`,
 * MC_IMPORT_TOO_LONG or MC_IMPORT_TOO_MANY; len is the value's length,
 * `what` what the list holds). */
void mc_import_limit_error(mc_diag *diag, const mc_file *f, unsigned line,
			   unsigned col, int past, size_t len, const char *what,
			   const mc_limits *lim);

/* As mc_import_set_trimmed, or MC_IMPORT_TOO_LONG (nothing set) for a
 * value the loader would refuse. */
int mc_import_set_value(char **field, const char *s, size_t len,
			const mc_limits *lim);

/*
 * Adds the flags of a list separated by white space (and by semicolons
 * when semis). Returns 0, -1 when memory runs out, or MC_IMPORT_TOO_LONG
 * or MC_IMPORT_TOO_MANY (and adds none) with *at and *atlen the offset in
 * s and the length of the flag past a limit.
 */
int mc_import_add_features(mc_hostrec *h, const char *s, size_t len,
			   bool semis, const mc_limits *lim, size_t *at,
			   size_t *atlen);

/* The 1-based column of p on a line that starts at start: its characters
 * (UTF-8 lead bytes) before it, plus one. */
unsigned mc_import_column_of(const char *start, const char *p);

/* vmx (Intel VT-x) or svm (AMD-V) among the flags: the processor can run
 * virtual machines. */
void mc_import_virt_from_features(mc_hostrec *h);

/* The host name the per-machine text formats have none of: the input's
 * file name without its directories and its extension. */
int mc_import_name_from_file(mc_hostrec *h, const char *name);

/* That name: the start of input name's last component, and in *len its
 * length without the extension (0 for a name such as "dir/"). */
const char *mc_import_file_stem(const char *name, size_t *len);

/* Sets h's source to "FORMAT NAME". -1 when memory runs out. */
int mc_import_set_source(mc_hostrec *h, const char *format, const char *name);

#endif
