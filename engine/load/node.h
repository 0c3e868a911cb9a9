/* SPDX-License-Identifier: MIT */
/*
 * node.h - YAML files as trees of nodes that know where they came from.
 *
 * libyaml's event parser feeds a builder that keeps, for every node, its
 * file and its 1-based line and column; resolves plain scalars to null,
 * boolean, integer or string (the YAML 1.2 core schema, so that `no` and
 * `on` stay strings); and refuses what libyaml lets through: duplicate
 * keys, alias cycles, undefined aliases, more than one document. Every
 * limit of mc_limits is enforced while parsing, before anything is walked.
 * Aliases share the node they refer to; `<<` merge keys are expanded.
 *
 * A document owns all its nodes and the file's bytes (kept for the source
 * lines that diagnostics show). Reading files and finding their lines is
 * util/source.h's job, reading the files that files name load/named.h's;
 * both are included here, for the loaders that use all three.
 */
#ifndef MC_NODE_H
#define MC_NODE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/diag.h"
#include "util/source.h"
#include "load/named.h"
#include "migcheck.h"

typedef enum mc_node_kind {
	MC_NODE_SCALAR = 1,
	MC_NODE_SEQ,
	MC_NODE_MAP
} mc_node_kind;

typedef enum mc_scalar_type {
	MC_SCALAR_NULL = 1,
	MC_SCALAR_BOOL,
	MC_SCALAR_INT,
	MC_SCALAR_STR,
	MC_SCALAR_FUNC   /* a Lua function, from a Lua policy (num: its index) */
} mc_scalar_type;

/* A plain scalar that reads as an integer too large for 64 bits: kept as a
 * string, and described as what it is. */
#define MC_NODE_BIGINT 0x80
/* A scalar written in block style (| or >), and one written in quotes. */
#define MC_NODE_BLOCK 0x40
#define MC_NODE_QUOTED 0x20
/* An empty Lua table: a mapping with no pairs that serves as a list too. */
#define MC_NODE_EMPTY_TABLE 0x10

typedef struct mc_node mc_node;
typedef struct mc_keys mc_keys;
typedef struct mc_pair {
	const mc_node *key;
	const mc_node *value;
} mc_pair;

struct mc_node {
	uint8_t kind;        /* mc_node_kind */
	uint8_t type;        /* mc_scalar_type, for scalars */
	uint8_t flags;       /* MC_NODE_BIGINT, and the builder's state */
	uint32_t line, col;  /* 1-based */
	uint32_t height;     /* levels of collections in the subtree */
	const mc_file *file;
	size_t len;          /* scalar: bytes of text; seq: items; map: pairs */
	union {
		const char *text;        /* scalars: NUL-terminated */
		const mc_node **items;   /* sequences */
		const mc_pair *pairs;    /* mappings, in file order */
	} u;
	union {
		int64_t num;          /* integer value, or 0/1 for booleans */
		const mc_keys *keys;  /* a large mapping's index of its keys
		                         (node.c), or NULL */
	};
	uint64_t weight;     /* nodes in the subtree, aliases expanded */
};

typedef struct mc_doc {
	mc_arena arena;
	mc_file file;         /* name and data point at the buffers below */
	char *name_buf;
	char *data_buf;
	const mc_node *root;  /* NULL for an empty file */
	/* What a later stage keeps with the document, freed with it by
	 * ext_free: a Lua policy's compiled chunk (lua/luapolicy.h). */
	void *ext;
	void (*ext_free)(void *ext);
} mc_doc;

/*
 * How a document is built. MC_DOC_TREE gives every node a place of its
 * own. MC_DOC_SHARED, for inventories, which are large and say the same
 * words over and over: a mapping's key or a list's item that is an
 * untagged, unanchored scalar is the node of the first scalar of the same
 * text and style, shared, with that first place; a mapping's value too,
 * its place kept by the mapping (mc_node_value_at). So a scalar in a
 * collection has no place of its own after loading (the loader's own
 * errors still give the right one): what is said about a value later is
 * said at mc_node_value_at, about a key or a list item at its mapping or
 * list. The list of a `<<` merge keeps its items' own nodes. A list of
 * scalars that are the same nodes as an earlier list's shares its items
 * array (a host's CPU features), though it is a node of its own.
 */
typedef enum mc_doc_mode {
	MC_DOC_TREE,
	MC_DOC_SHARED
} mc_doc_mode;

/* Reads and parses the file at path. On error *out is NULL and diag says
 * where (a missing or unreadable file is reported at its line 1). */
int mc_doc_load_file(mc_doc **out, const char *path, const mc_limits *limits,
		     mc_diag *diag);
int mc_doc_load_file_as(mc_doc **out, const char *path, const mc_limits *limits,
			mc_doc_mode mode, mc_diag *diag);

/* Parses len bytes at buf (copied), named name in diagnostics. */
int mc_doc_load_buffer(mc_doc **out, const char *name, const char *buf,
		       size_t len, const mc_limits *limits, mc_diag *diag);
int mc_doc_load_buffer_as(mc_doc **out, const char *name, const char *buf,
			  size_t len, const mc_limits *limits, mc_doc_mode mode,
			  mc_diag *diag);

/* Parses len bytes at data, which it takes over (malloc'd, with a NUL
 * after them; freed on error too), named name in diagnostics. */
int mc_doc_load_owned(mc_doc **out, const char *name, char *data, size_t len,
		      const mc_limits *limits, mc_doc_mode mode, mc_diag *diag);

void mc_doc_free(mc_doc *doc);

/*
 * For the loaders of other formats (load/json.h), which build the same
 * trees: they share the YAML loader's documents, its typing of scalars,
 * its index of keys and its limits.
 */

/* A new empty document named name (copied) over len bytes at data, which
 * it takes over (malloc'd, with a NUL after them; freed on error too). */
int mc_doc_new(mc_doc **out, const char *name, char *data, size_t len);

/* Types a scalar by its text (n->u.text, n->len) as the YAML loader types
 * a plain one (the YAML 1.2 core schema): null, boolean, integer (an
 * integer past 64 bits a string with MC_NODE_BIGINT), else string. */
void mc_node_type_plain(mc_node *n);

/* The seed of a document's indexes of keys, drawn at the first. */
typedef struct mc_keys_seed {
	uint64_t seed;
	bool drawn;
} mc_keys_seed;

/* Gives map, a mapping of distinct keys whose pairs are set, the index
 * that mc_node_get uses when it has more than a few pairs (made in
 * arena). -1 when memory runs out. */
int mc_node_index_keys(mc_node *map, mc_arena *arena, mc_keys_seed *seed);

/* The limits of mc_limits that a loader enforces as it reads a file. */
typedef enum mc_load_limit {
	MC_LOAD_DEPTH,       /* a collection nested deeper than max_depth */
	MC_LOAD_NODES,       /* the node past max_nodes */
	MC_LOAD_MAP_ITEMS,   /* the key past max_items in one mapping */
	MC_LOAD_LIST_ITEMS,  /* the item past max_items in one list */
	MC_LOAD_SCALAR       /* a scalar longer than max_scalar_bytes */
} mc_load_limit;

/* Reports that limit `what` of lim was exceeded at line and col of f, in
 * the words every loader uses, with the id "limit". */
void mc_load_limit_error(mc_diag *diag, const mc_file *f, uint32_t line,
			 uint32_t col, mc_load_limit what, const mc_limits *lim);

/* The value under key in a mapping, or NULL (also when map is not one).
 * A mapping the loader built with more than a few pairs has an index of
 * its keys: a lookup takes a hash and a probe or two, whatever its size. */
const mc_node *mc_node_get(const mc_node *map, const char *key);
const mc_node *mc_node_getn(const mc_node *map, const char *key, size_t len);

/* The index of key's pair in map (a mapping), or map->len. */
size_t mc_node_find(const mc_node *map, const char *key, size_t len);

/* Where a value was written: a file, a 1-based line and column. */
typedef struct mc_place {
	const mc_file *file;
	uint32_t line, col;
} mc_place;

/* Where a node was written (for a shared scalar, its first place). */
mc_place mc_node_place(const mc_node *n);

/* Where the value of map's pair i was written: the mapping's record of it
 * in a shared document, else the value's own place. */
mc_place mc_node_value_at(const mc_node *map, size_t i);

/* As mc_node_get, and where the value was written in *at. */
const mc_node *mc_node_get_at(const mc_node *map, const char *key, mc_place *at);

/* Gives a mapping built outside the loader (which has no index; a copy of
 * a loaded one with other pairs among them) the places of its values,
 * at[0..map->len), copied into arena, in place of any it had; -1 when
 * memory runs out. */
int mc_node_set_places(mc_node *map, mc_arena *arena, const mc_place *at);

/* Adds a diagnostic at place at, with its source line. */
int mc_place_diag(mc_diag *diag, mc_severity sev, mc_place at,
		  const char *fmt, ...) MC_PRINTF(4, 5);

/* True for a list, and for an empty Lua table (which may stand for one). */
static inline int
mc_node_is_seq(const mc_node *n)
{
	return n->kind == MC_NODE_SEQ ||
	       (n->kind == MC_NODE_MAP && n->len == 0 &&
		(n->flags & MC_NODE_EMPTY_TABLE));
}

/* True for a scalar holding a string (quoted, or plain and not null,
 * boolean or integer). */
int mc_node_is_str(const mc_node *n);

/* "a string", "an integer", "a mapping", ... for messages. */
const char *mc_node_describe(const mc_node *n);

/* Adds a diagnostic positioned at node n, with its source line. */
int mc_node_diag(mc_diag *diag, mc_severity sev, const mc_node *n,
		 const char *fmt, ...) MC_PRINTF(4, 5);
#define mc_node_error(diag, n, ...) \
	mc_node_diag((diag), MC_SEVERITY_ERROR, (n), __VA_ARGS__)

/* As mc_node_error, and counts the error in *count: the loaders count
 * their errors to know whether anything they read was wrong. */
int mc_node_error_counted(mc_diag *diag, int *count, const mc_node *n,
			  const char *fmt, ...) MC_PRINTF(4, 5);

#endif
