/* SPDX-License-Identifier: MIT */
/*
 * cpumap.h - libvirt's CPU map: the CPU models and features libvirt knows
 * for each architecture (/usr/share/libvirt/cpu_map, Debian's libvirt0),
 * read once and then asked by name.
 *
 * The map is a directory: index.xml names, for each architecture family
 * ("x86", "ppc64", "arm"), the files of its vendors, features and models.
 * A model may include another (<model name='Penryn'/>), whose features it
 * then has too; a model's features here are all of them, inherited ones
 * included, each once, in libvirt's spelling ("sse4.2", "tsc-deadline"):
 * the base model's first, then its own in the map's order, less those it
 * marks removed='yes'. libvirt's x86 map defines every model by its
 * features; its ppc64 map defines models and no features; its arm map a
 * few features (sve...) that no model uses.
 *
 * The map is read as libvirt 9.0 reads it (src/cpu/cpu_map.c): a model
 * includes only a model defined before it, names only features and vendors
 * the map defines, and no name is defined twice; otherwise the load fails
 * with every error at its FILE:LINE:COL. A loaded map is read-only: any
 * number of threads may ask it at once.
 */
#ifndef MC_CPUMAP_H
#define MC_CPUMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "migcheck.h"

typedef struct mc_cpumap mc_cpumap;

/* The map's default directory, where Debian's libvirt0 installs it. */
#define MC_CPUMAP_DIR MC_CPU_MAP_DIR

/*
 * Reads the map in directory dir (its index.xml and the files it
 * includes) into *out. A file that is not the map libvirt writes is an
 * error at its FILE:LINE:COL in diag and MC_EINPUT; a directory without
 * index.xml is MC_EINPUT too. MC_ENOMEM when memory runs out.
 */
int mc_cpumap_load(mc_cpumap **out, const char *dir, const mc_limits *limits,
		   mc_diag *diag);

void mc_cpumap_free(mc_cpumap *map);

/*
 * The architecture family of a libvirt architecture name, as index.xml
 * names it: "x86" for i386...i686 and x86_64, "ppc64" for ppc64 and
 * ppc64le, "arm" for aarch64, armv7l and armv6l (migcheck's own x64, x86
 * and arm64 too); NULL for one the map has no section for, or map NULL.
 */
const char *mc_cpumap_family(const mc_cpumap *map, const char *arch);

/* True when family (see mc_cpumap_family) defines feature name. */
bool mc_cpumap_has_feature(const mc_cpumap *map, const char *family,
			   const char *name);

/*
 * Finds model name of family: true, with *features (owned by the map) and
 * *n its features, inherited ones included, in libvirt's spelling; false
 * when family defines no such model.
 */
bool mc_cpumap_model(const mc_cpumap *map, const char *family,
		     const char *name, const char *const **features, size_t *n);

/*
 * The vendor model name of family names (its own <vendor name=...> or its
 * base model's), as the map spells it: "Intel", "AMD", "IBM"; NULL for a
 * model without one or not in the map.
 */
const char *mc_cpumap_model_vendor(const mc_cpumap *map, const char *family,
				   const char *name);

/*
 * Every feature family defines, in the map's order: true, with *names
 * (owned by the map) and *n; false when the map has no such family.
 */
bool mc_cpumap_feature_names(const mc_cpumap *map, const char *family,
			     const char *const **names, size_t *n);

/* True when family's feature name is one libvirt never migrates
 * (migratable='no' in the map, such as invtsc). */
bool mc_cpumap_unmigratable(const mc_cpumap *map, const char *family,
			    const char *name);

/*
 * Writes into buf (of size bytes) feature name as Linux's /proc/cpuinfo
 * names it (sse4.2 -> sse4_2, pclmuldq -> pclmulqdq; docs/import/libvirt.md
 * has the table) and returns buf, or NULL when it does not fit.
 */
const char *mc_cpumap_linux_name(const char *name, char *buf, size_t size);

/* Feature name as Linux names it, in a malloc'd string; NULL when memory
 * runs out. */
char *mc_cpumap_linux_dup(const char *name);

/* A libvirt vendor name as the inventory writes it, the CPUID vendor
 * string (Intel -> GenuineIntel, AMD -> AuthenticAMD, Hygon ->
 * HygonGenuine); any other name as it is. */
const char *mc_cpumap_vendor_string(const char *name);

#endif
