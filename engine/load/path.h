/* SPDX-License-Identifier: MIT */
/*
 * path.h - data paths (`vm.memory_mb`, `target.cpu.family`) compiled to
 * indexes.
 *
 * A policy interns every path it reads into one of two tables: VM paths and
 * host paths (the latter read on both the source and the target). Binding a
 * policy to an inventory resolves each table once per record, so that
 * evaluation reads a value with one array index.
 */
#ifndef MC_PATH_H
#define MC_PATH_H

#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "load/node.h"
#include "util/strmap.h"

typedef enum mc_scope {
	MC_SCOPE_VM,
	MC_SCOPE_SOURCE,
	MC_SCOPE_TARGET
} mc_scope;

/* A path relative to its record: "cpu.family". */
typedef struct mc_path {
	const char *text;
	const char **segs;
	size_t nsegs;
} mc_path;

typedef struct mc_pathtab {
	mc_path *paths;
	size_t count, cap;
	mc_strmap index;
} mc_pathtab;

/* A path with its scope: which record it reads. */
typedef struct mc_ref {
	uint8_t scope;   /* mc_scope */
	uint32_t index;  /* into the VM or the host table */
} mc_ref;

void mc_pathtab_init(mc_pathtab *t);
void mc_pathtab_free(mc_pathtab *t);

/* Interns a relative path (its text is copied into arena); returns its
 * index, or -1 when memory runs out. Empty segments are the caller's to
 * refuse (mc_path_split checks them). */
long mc_pathtab_intern(mc_pathtab *t, mc_arena *arena, const char *rel,
		       size_t len);

/* Makes a path from len bytes at rel (copied into arena); -1 when memory
 * runs out. */
int mc_path_make(mc_arena *arena, const char *rel, size_t len, mc_path *out);

/* Follows a path from a record; NULL when a key is missing or a value on
 * the way is not a mapping. */
const mc_node *mc_path_resolve(const mc_path *p, const mc_node *record);

/*
 * Splits "vm.a.b", "source.a" or "target.a" into its scope and the
 * relative path. Returns 0, or -1 when the root is none of the three or a
 * segment is empty.
 */
int mc_path_split(const char *s, size_t len, mc_scope *scope,
		  const char **rel, size_t *rellen);

/* "vm", "source" or "target". */
const char *mc_scope_name(mc_scope s);

#endif
