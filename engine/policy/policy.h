/* SPDX-License-Identifier: MIT */
/*
 * policy.h - a compiled policy (the opaque mc_policy of migcheck.h).
 *
 * Loading reads the policy file and every file it extends, overlays the
 * file's sections on its base's (fields and kinds by name, match and compare
 * per kind, rules and remedies by id, relaxations by id or appended, host
 * and prefer whole), and compiles the result once into flat arrays: field
 * accessors resolved to path indexes, conditions into trees, patterns
 * compiled and JIT-compiled, messages into templates. Nothing is looked up
 * by name afterwards.
 *
 * The policy owns the documents it was compiled from; compiled parts point
 * into them for positions and literal values.
 */
#ifndef MC_POLICY_H
#define MC_POLICY_H

#include "policy/cond.h"
#include "migcheck.h"
#include "policy/template.h"

#define MC_MAX_FIELDS 64
#define MC_MAX_KINDS 32

typedef struct mc_normalize {
	const mc_regex *re;
	const char *to;
	const mc_node *at;
} mc_normalize;

typedef struct mc_field {
	const char *name;
	mc_ftype type;
	mc_path from;             /* inside a host record */
	const mc_normalize *norm;
	size_t nnorm;
	const char *description;  /* or NULL */
	const mc_node *at;        /* the field's name in `fields` */
	bool source_cluster;      /* `source: cluster`: the source side reads
	                           * the members every host of the source's
	                           * cluster has (sets only) */
} mc_field;

typedef struct mc_kind {
	const char *name;
	const mc_cond *when;      /* NULL: always */
	const char *description;
	const mc_node *at;
} mc_kind;

typedef struct mc_match_check {
	uint32_t field;
	const mc_node *at;
} mc_match_check;

typedef struct mc_compare_check {
	uint32_t field;
	uint8_t op;               /* mc_op */
	const mc_template *message;
	const mc_node *at;
} mc_compare_check;

/* What `match` and `compare` check for one kind. */
typedef struct mc_kind_checks {
	const mc_match_check *match;
	size_t nmatch;
	const mc_compare_check *compare;
	size_t ncompare;
} mc_kind_checks;

typedef struct mc_host_req {
	const mc_cond *cond;
	const mc_node *at;
} mc_host_req;

typedef struct mc_relax {
	const char *id;           /* or NULL */
	const mc_cond *when;
	uint64_t drop;            /* field bits */
	const char *note;         /* or NULL */
	const mc_node *at;
} mc_relax;

typedef struct mc_rule {
	const char *id;
	uint32_t kinds;           /* kind bits: the kinds it applies to (all
	                             of them when the rule has no `kinds`) */
	bool kinds_listed;        /* the rule has `kinds` (maybe empty) */
	const mc_cond *require;   /* or NULL for a Lua rule */
	const mc_node *lua_at;    /* a Lua rule's `lua` value, or NULL */
	/* A Lua rule is either compiled text: the bytecode of a chunk that
	 * returns function(vm, source, target) ... end; */
	const char *chunk;
	size_t chunk_len;
	uint32_t lua_line;        /* the line of the file its text starts on */
	/* or function number lua_func of the Lua policy file docs[lua_doc]. */
	size_t lua_doc;
	size_t lua_func;
	const mc_ref *uses;       /* what a Lua rule declares it reads */
	size_t nuses;
	bool has_uses;
	const mc_template *message;
	const char *description;
	const mc_node *at;
} mc_rule;

typedef struct mc_prefer {
	int32_t field;            /* -1: a `when` preference */
	const mc_cond *when;
	uint32_t weight;
	const mc_node *at;
} mc_prefer;

typedef struct mc_assign {
	uint32_t vm_path;
	const mc_node *value;
	const mc_node *at;
} mc_assign;

typedef struct mc_remedy {
	const char *id;
	const char *says;
	const char *warning;      /* or NULL */
	const mc_assign *set;
	size_t nset;
	bool reselects_kind;      /* sets a path that a kind's `when` reads */
	const mc_node *at;
} mc_remedy;

/* The resources `placement` rates a host by, in the order reports name
 * them. */
typedef enum mc_resource {
	MC_RES_CPU,
	MC_RES_MEMORY,
	MC_RES_DISK,
	MC_RES_NETWORK,
	MC_NRES
} mc_resource;

typedef enum mc_goal {
	MC_GOAL_LOAD_BALANCING,       /* the least loaded host rates best */
	MC_GOAL_RESOURCE_MAXIMIZATION /* the fullest host that fits rates best */
} mc_goal;

/* What `placement` reads: host paths, then VM paths (indexes into the
 * policy's tables). */
enum {
	MC_PH_CPUS, MC_PH_MEMORY, MC_PH_DISK, MC_PH_NETWORK,  /* resources.* */
	MC_PH_CPU_USE, MC_PH_MEMORY_USE, MC_PH_DISK_USE,       /* usage.* */
	MC_PH_NETWORK_USE,
	MC_NPH
};
enum {
	MC_PV_VCPUS, MC_PV_MEMORY,                             /* resources.* */
	MC_PV_CPU_LOAD, MC_PV_DISK_LOAD, MC_PV_NETWORK_LOAD,   /* load.* */
	MC_NPV
};

/* The paths placement reads, by MC_PH_* and MC_PV_* (placement.c). */
extern const char *const mc_placement_host_paths[MC_NPH];
extern const char *const mc_placement_vm_paths[MC_NPV];

/* The `placement` section: a VM must fit in what a host has free after
 * its reserves, and fitting hosts are rated from their resources after
 * the VM is placed, under a goal (eval/place.c). */
typedef struct mc_placement {
	bool on;                  /* the policy has the section */
	uint8_t goal;             /* mc_goal */
	bool refuse;              /* a VM that does not fit is refused */
	uint32_t kinds;           /* kind bits it rates */
	uint32_t weight;          /* against the preferences' total weight */
	uint32_t importance[MC_NRES];   /* 0: not considered */
	int64_t reserve[MC_NRES]; /* CPU %, memory MB, disk IOPS, network % */
	int64_t vm_load[MC_NRES]; /* a VM's CPU %, -, disk IOPS, network Mbit/s
	                             where its record has none */
	uint32_t host_path[MC_NPH];
	uint32_t vm_path[MC_NPV];
	const mc_node *at;        /* the section */
	const mc_node *res_at[MC_NRES];  /* each resource's importance, or
	                                    the section */
} mc_placement;

struct mc_policy {
	mc_arena arena;
	mc_doc **docs;            /* the file first, then what it extends */
	size_t ndocs, capdocs;
	mc_regex_set regexes;
	mc_pathtab vm_paths;
	mc_pathtab host_paths;
	const char *name;
	const char *description;
	const char *file;
	char digest[7 + 64 + 1];  /* "sha256:" and hex */

	const mc_field *fields;
	size_t nfields;
	const mc_kind *kinds;
	size_t nkinds;
	const mc_kind_checks *checks;  /* one per kind */
	const mc_template *match_message;
	const mc_host_req *host_require;
	size_t nhost_require;
	const mc_template *host_message;
	const mc_relax *relax;
	size_t nrelax;
	const mc_rule *rules;
	size_t nrules;
	const mc_prefer *prefer;
	size_t nprefer;
	uint32_t prefer_total;
	mc_placement placement;
	const mc_remedy *remedies;
	size_t nremedies;
	const mc_node *tests;     /* checked for shape, or NULL */
	size_t max_violations;    /* per pair */
	bool has_lua;             /* some rule is written in Lua */
	uint64_t lua_instructions;  /* per call of a Lua rule */
	size_t lua_memory;          /* bytes per call of a Lua rule */
	size_t lua_state_memory;    /* bytes a sandbox may hold in all */
	size_t lua_string_cap;      /* the longest string a sandbox holds */
};

/*
 * What loading a policy needs of Lua, given by the stage that has it
 * (lua/luapolicy.c, which defines mc_policy_load with it): policy/ comes
 * before lua/ and calls Lua only through these. A const table; the state
 * it makes lives as long as one loading.
 */
typedef struct mc_policy_luastate mc_policy_luastate;

typedef struct mc_policy_lua {
	/* True when a policy file is to be read as Lua. */
	bool (*is_file)(const char *name);
	/* The longest string a sandbox asked for `asked` holds. */
	size_t (*string_cap)(size_t asked);
	/* Makes the state Lua is compiled in while a policy loads: MC_OK,
	 * MC_ENOMEM, or MC_ELIMIT when `memory` is too small for Lua to
	 * start (*out is then NULL). */
	int (*open)(mc_policy_luastate **out, size_t memory, size_t string_cap);
	void (*close)(mc_policy_luastate *st);
	/* Runs a Lua policy file (data: len bytes, taken over) and makes a
	 * document of the table it returns; an MC_ status. */
	int (*load_file)(mc_policy_luastate *st, mc_doc **out, const char *name,
			 char *data, size_t len, const mc_limits *limits,
			 mc_diag *diag);
	/* Compiles a rule's `lua:` text into rule: 0, -1 after reporting an
	 * error, -2 when memory runs out. */
	int (*compile_rule)(mc_policy_luastate *st, mc_policy *p, mc_rule *rule,
			    const mc_node *text, mc_diag *diag);
} mc_policy_lua;

/*
 * Loads the policy file at path, or len bytes at buf (not NULL) named
 * path, with every file it extends, and compiles it: mc_policy_load and
 * mc_policy_load_buffer of migcheck.h with the Lua they use passed in.
 */
int mc_policy_read(mc_policy **out, const char *path, const char *buf,
		   size_t len, const mc_limits *limits, const mc_policy_lua *lua,
		   mc_diag *diag);

/* Defaults of the `limits:` a policy may set, within mc_limits' caps. */
#define MC_LUA_DEFAULT_INSTRUCTIONS 1000000
#define MC_LUA_DEFAULT_MEMORY ((size_t)16 << 20)

/* The name of a field type ("version"). */
const char *mc_ftype_name(mc_ftype t);

/* The index of a kind by name, or -1. */
int mc_policy_find_kind(const mc_policy *p, const char *name);

/* The error of a request naming kind `name`, which p does not have: with
 * the kind it was likely meant to be, and p's kinds. */
void mc_policy_no_kind(const mc_policy *p, const char *name, mc_diag *diag);

#endif
