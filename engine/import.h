/*
 * import.h - turning what platforms print into inventory host records.
 *
 * Each importer reads one input (a file's bytes, named `name` for
 * diagnostics) and appends the host records it holds to a list: one host
 * per input for the per-machine formats, several for CSV. Bad input is an
 * error at FILE:LINE:COL (or FILE:LINE:1 for line-based text) in diag, and
 * MC_EINPUT; nothing is appended then.
 */
#ifndef MC_IMPORT_H
#define MC_IMPORT_H

#include "hostrec.h"
#include "migcheck.h"

/* A growing list of records. */
typedef struct mc_hostlist {
	mc_hostrec **hosts;
	size_t count, cap;
} mc_hostlist;

/* Appends h (taken over: freed on failure); -1 when memory runs out. */
int mc_hostlist_add(mc_hostlist *l, mc_hostrec *h);
void mc_hostlist_free(mc_hostlist *l);

typedef int (*mc_importer)(mc_hostlist *out, const char *name,
			   const char *data, size_t len, mc_diag *diag);

/* The importer for a format name ("win32", "lscpu", "cpuinfo", "libvirt",
 * "csv"), or NULL. */
mc_importer mc_import_find(const char *format);

/* The format names, for messages: "win32, lscpu, cpuinfo, libvirt, csv". */
const char *mc_import_formats(void);

int mc_import_win32(mc_hostlist *out, const char *name, const char *data,
		    size_t len, mc_diag *diag);
int mc_import_lscpu(mc_hostlist *out, const char *name, const char *data,
		    size_t len, mc_diag *diag);
int mc_import_cpuinfo(mc_hostlist *out, const char *name, const char *data,
		      size_t len, mc_diag *diag);
int mc_import_libvirt(mc_hostlist *out, const char *name, const char *data,
		      size_t len, mc_diag *diag);
int mc_import_csv(mc_hostlist *out, const char *name, const char *data,
		  size_t len, mc_diag *diag);

#endif
