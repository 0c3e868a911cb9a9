/* SPDX-License-Identifier: MIT */
/*
 * fields.h - the values of a record by inventory path ("status.connection",
 * "cpu.features"), typed as the inventory holds them: what a record says
 * beyond the fields its struct names, how records are compared and merged,
 * and how they are written (as inventory YAML, nested by path).
 *
 * Every string is malloc'd and owned by its list.
 */
#ifndef MC_FIELDS_H
#define MC_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* A list of strings (malloc'd, owned by the list). */
typedef struct mc_strlist {
	char **v;
	size_t n, cap;
} mc_strlist;

/* Appends a copy of len bytes at s; -1 when memory runs out. */
int mc_strlist_add(mc_strlist *l, const char *s, size_t len);

/* True when l holds s (the len bytes at s). */
bool mc_strlist_has(const mc_strlist *l, const char *s);
bool mc_strlist_has_n(const mc_strlist *l, const char *s, size_t len);

void mc_strlist_free(mc_strlist *l);

/* The types of an inventory's values. A version is a string. */
typedef enum mc_field_kind {
	MC_FIELD_STRING,
	MC_FIELD_INT,
	MC_FIELD_BOOL,
	MC_FIELD_SET,    /* a list of strings, order kept, compared as a set */
} mc_field_kind;

typedef struct mc_field {
	char *path;        /* "status.connection": keys joined by dots */
	mc_field_kind kind;
	char *text;        /* MC_FIELD_STRING */
	int64_t num;       /* MC_FIELD_INT; MC_FIELD_BOOL: 0 or 1 */
	mc_strlist set;    /* MC_FIELD_SET */
} mc_field;

/* Fields in the order they were first set. */
typedef struct mc_fields {
	mc_field *v;
	size_t n, cap;
} mc_fields;

/* Sets path to a value (a copy), replacing what it held. -1 when memory
 * runs out. */
int mc_fields_str(mc_fields *f, const char *path, const char *s, size_t len);
int mc_fields_int(mc_fields *f, const char *path, int64_t v);
int mc_fields_bool(mc_fields *f, const char *path, bool v);

/* The set at path, made empty there when it was not a set; members are
 * added with mc_strlist_add. NULL when memory runs out. */
mc_strlist *mc_fields_set(mc_fields *f, const char *path);

/* The field at path, or NULL. */
const mc_field *mc_fields_get(const mc_fields *f, const char *path);

/* The field whose path is path's parent or child ("cpu" for "cpu.family",
 * "cpu.family" for "cpu"): the two cannot both be written. NULL when none. */
const mc_field *mc_fields_clash(const mc_fields *f, const char *path);

void mc_fields_free(mc_fields *f);

/* The YAML nodes the fields take when written (mc_fields_yaml), as the
 * loader counts them: a key and a value each, a set's members, and a key
 * and a mapping for each path that holds others. */
size_t mc_fields_nodes(const mc_fields *f);

/* True when a and b hold the same value (sets: the same members). */
bool mc_field_equal(const mc_field *a, const mc_field *b);

/* Appends the value of a field to out as a reader sees it: quoted string,
 * number, true/false, or [members]. */
void mc_field_describe(mc_buf *out, const mc_field *f);

/*
 * Merges from into into: a path into lacks is moved over (from keeps it
 * no more); the same path with another value is a conflict: *clash is set
 * to from's field and into's, and 1 returned (into holds what it held up
 * to there). 0 when merged, -1 when memory runs out.
 */
int mc_fields_merge(mc_fields *into, mc_fields *from, const mc_field **clash,
		    const mc_field **theirs);

/*
 * A record struct's layout: which member holds which inventory path. With
 * it, a record is turned into its fields (in the table's order) and two
 * records of one name are merged, whatever the struct.
 */
typedef enum mc_slot_kind {
	MC_SLOT_STR,      /* char *, NULL: not known */
	MC_SLOT_INT,      /* int64_t, known when the bool at `has` is */
	MC_SLOT_COUNT,    /* int64_t, known when above 0 */
	MC_SLOT_BOOL,     /* bool, known when the bool at `has` is */
	MC_SLOT_FALSE,    /* bool: when set, the path is false */
	MC_SLOT_LIST,     /* mc_strlist, known when the bool at `has` is, or
	                     (has == MC_SLOT_NONE) when not empty */
	MC_SLOT_ARRAY,    /* char **, its count the size_t at `count`, known
	                     when not empty or the bool at `has` is */
} mc_slot_kind;

#define MC_SLOT_NONE SIZE_MAX

typedef struct mc_slot {
	const char *path;
	mc_slot_kind kind;
	size_t off;      /* offsetof the member */
	size_t has;      /* offsetof its bool "known", or MC_SLOT_NONE */
	size_t count;    /* MC_SLOT_ARRAY: offsetof its count */
} mc_slot;

/* Appends the known members of rec (laid out as the n slots say) to out,
 * then a copy of extra's fields. -1 when memory runs out. */
int mc_slots_fields(const void *rec, const mc_slot *slots, size_t n,
		    const mc_fields *extra, mc_fields *out);

/* Moves to into each member from knows and into does not (from keeps it no
 * more). Members both know are left as they are: compare them first. */
void mc_slots_absorb(void *into, void *from, const mc_slot *slots, size_t n);

/* Merges from into into, two records laid out as the n slots say, their
 * extra fields at offset extra_off: as mc_hostrec_merge (hostrec.h). */
int mc_slots_merge(void *into, void *from, const mc_slot *slots, size_t n,
		   size_t extra_off, mc_buf *why);

/* Writes the fields as block mappings nested by path, indent spaces deep:
 * strings quoted as mc_yaml_quote does, sets in flow style. */
void mc_fields_yaml(mc_buf *out, const mc_fields *f, unsigned indent);

/* Writes "# from SOURCE" (escaped onto one line) and "- name: NAME" at the
 * depth of an inventory's records, then the fields under them. */
void mc_record_yaml(mc_buf *out, const char *source, const char *name,
		    const mc_fields *fields);

/* Compares the fields of two records of one name: 1 when a path has
 * another value in b than in a (or one is the other's parent), with why
 * saying "'PATH' is A_VALUE here but B_VALUE there"-like text: the path,
 * b's value and a's; 0 when they agree. */
int mc_fields_conflict(const mc_fields *a, const mc_fields *b, mc_buf *why);

/* Writes s as a YAML double-quoted scalar: quotes, backslashes, control
 * characters, line separators, U+FFFE and U+FFFF escaped; a byte that is
 * not part of valid UTF-8 as U+FFFD. */
void mc_yaml_quote(mc_buf *out, const char *s);

#endif
