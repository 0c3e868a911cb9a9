/* SPDX-License-Identifier: MIT */
/*
 * migcheck.h - the public interface of the migcheck engine.
 *
 * migcheck decides whether a virtual machine may move to a host. A policy
 * (mc_policy) says which host fingerprint fields must match or compare for
 * each kind of move; an inventory (mc_inventory) holds hosts and VMs; a fleet
 * (mc_fleet) is a policy bound to an inventory, with every host's fields read
 * and normalized once; mc_check() rates the hosts for moving one VM.
 *
 * Conventions:
 * - Handles are opaque; each has a create and a free function, and every free
 *   function accepts NULL.
 * - Functions that can fail return MC_OK (0) or a negative mc_status, take the
 *   object they create as their first (out) parameter, and add what went wrong
 *   to an mc_diag when one is given.
 * - Loaded policies and inventories, and fleets, are immutable: several threads
 *   may use one of them at once. A result owns its strings and outlives
 *   nothing it was made from.
 */
#ifndef MIGCHECK_H
#define MIGCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this header: the project's version (CMake's
 * PROJECT_VERSION, which the build checks against these). mc_version()
 * gives the library's, which is the same when both come from one build. */
#define MC_VERSION_MAJOR 0
#define MC_VERSION_MINOR 2
#define MC_VERSION_PATCH 0
#define MC_VERSION_STRING "0.2.0"
/* One number that grows with each version, for #if: 0x000200 is 0.2.0. */
#define MC_VERSION_NUMBER \
	((MC_VERSION_MAJOR << 16) | (MC_VERSION_MINOR << 8) | MC_VERSION_PATCH)

/*
 * MC_API marks what the library exports: the functions declared here, and
 * nothing else. The library is compiled with hidden visibility, so that
 * its internal functions stay internal (tests/symbols checks the symbol
 * table against this header).
 */
#if defined(__GNUC__)
#define MC_API __attribute__((visibility("default")))
#else
#define MC_API
#endif

/* Status codes returned by the functions below. */
typedef enum mc_status {
	MC_OK = 0,
	MC_EINPUT = -1,   /* bad input: the diagnostics say where and why */
	MC_ENOMEM = -2,   /* memory ran out */
	MC_EUSAGE = -3,   /* a request names something that does not exist */
	MC_ELIMIT = -4    /* an input exceeds a limit of mc_limits */
} mc_status;

/* Returns the version of the library, such as "0.1.0". */
MC_API const char *mc_version(void);

/* ------------------------------------------------------------------------
 * Diagnostics
 */

/* A position in an input file: 1-based line and column. */
typedef struct mc_location {
	const char *file;   /* NULL when the item concerns no file */
	unsigned line;
	unsigned column;
} mc_location;

typedef enum mc_severity {
	MC_SEVERITY_ERROR,
	MC_SEVERITY_WARNING,
	MC_SEVERITY_NOTE
} mc_severity;

/* One diagnostic. Strings are owned by the mc_diag. */
typedef struct mc_diag_item {
	mc_severity severity;
	mc_location at;
	const char *message;      /* one line, no trailing period needed */
	const char *source_line;  /* the line of the file at `at`, or NULL */
	const char *code;         /* a stable id of what is wrong, such as
	                             "unknown-key" (docs/lint.md lists them),
	                             or NULL */
} mc_diag_item;

/* A list of diagnostics, filled by the functions that take one. At most
 * 100 items are kept about one file: past them, one item (code "limit", no
 * file, the severity of the most severe it stands for) says how many more
 * errors and warnings there were in that file, and mc_diag_error_count()
 * still counts every error. */
typedef struct mc_diag mc_diag;

/* Creates an empty list; NULL when memory runs out. */
MC_API mc_diag *mc_diag_new(void);

/* Frees the list and its items. */
MC_API void mc_diag_free(mc_diag *diag);

/* The number of items, and of those with MC_SEVERITY_ERROR. */
MC_API size_t mc_diag_count(const mc_diag *diag);
MC_API size_t mc_diag_error_count(const mc_diag *diag);

/* The item at index i (i < mc_diag_count()). */
MC_API const mc_diag_item *mc_diag_get(const mc_diag *diag, size_t i);

/* Removes every item. */
MC_API void mc_diag_clear(mc_diag *diag);

/* ------------------------------------------------------------------------
 * Limits on untrusted input
 */

/* Every input is bounded; mc_limits_default() gives the defaults below. */
typedef struct mc_limits {
	size_t max_file_bytes;     /* size of one input file (8 MiB) */
	size_t max_scalar_bytes;   /* length of one scalar (1 MiB) */
	size_t max_nodes;          /* YAML nodes in one file, and values one
	                              fleet binds (500,000) */
	size_t max_depth;          /* nesting of collections (64) */
	size_t max_items;          /* items in one list or mapping (250,000) */
	size_t max_alias_nodes;    /* nodes reached through aliases, per file (1,000,000) */
	size_t max_extends;        /* length of an `extends` chain (8) */
	uint32_t regex_match_limit;  /* pcre2 match limit per match (1,000,000) */
	uint32_t regex_depth_limit;  /* pcre2 depth limit per match (1,000) */
	/* Caps on what a policy's `limits:` may allow a Lua rule per call;
	 * a policy that sets none gets 1,000,000 instructions and 16 MiB. */
	uint64_t lua_max_instructions;  /* (100,000,000) */
	size_t lua_max_memory;          /* bytes (16 MiB) */
	/* The longest string a Lua rule (or a Lua policy file) may hold or
	 * read: comparing two strings is one instruction, so strings are
	 * kept short enough for that to stay cheap. */
	size_t lua_max_string;          /* bytes (4 KiB; 256 at least) */
	/* What one run may spend in all (see mc_budget): Lua instructions of
	 * every rule call, and pcre2 steps of every match. */
	uint64_t lua_run_instructions;  /* (100,000,000) */
	uint64_t regex_run_steps;       /* (100,000,000) */
} mc_limits;

/* The most max_depth may be; the YAML loader takes a larger value as this one.
 * libyaml spends time on every token in proportion to the flow nesting
 * around it: a file nested 512 deep around a list of 250,000 items loads in
 * half a second, one nested 1,024 deep in about a second. */
#define MC_MAX_DEPTH 512

/* The shortest lua_max_string the library takes (a shorter one is taken
 * as this): the names and messages of Lua's own libraries must fit. */
#define MC_MIN_LUA_STRING 256

/* Fills *limits with the defaults. */
MC_API void mc_limits_default(mc_limits *limits);

/* ------------------------------------------------------------------------
 * Budgets: what a whole run may spend
 *
 * A policy's limits bound each call of a Lua rule and each pattern match;
 * a budget bounds them all together, so that no input -- a spinning rule
 * over ten thousand hosts, a backtracking pattern over every host's value
 * -- can make a run take longer than its budget allows. Once a budget is
 * spent, every later Lua rule and pattern match fails closed: the move is
 * refused, and the message names the limit (lua_run_instructions,
 * regex_run_steps).
 *
 * Each call of mc_fleet_new(), mc_check(), mc_plan(), mc_matrix() and
 * mc_policy_test() spends a budget of its own made from its limits, unless
 * its request names one: a program that makes many calls for one answer
 * (an mc_check() per VM) passes them one budget. mc_diff() spends one per
 * policy. A budget may be shared by
 * threads; each spends from it atomically.
 */
typedef struct mc_budget mc_budget;

/* Creates a budget of limits->lua_run_instructions and
 * limits->regex_run_steps (limits may be NULL for the defaults). */
MC_API int mc_budget_new(mc_budget **out, const mc_limits *limits);

MC_API void mc_budget_free(mc_budget *budget);

/* What has been spent so far: Lua instructions, pcre2 steps. */
MC_API uint64_t mc_budget_lua_spent(const mc_budget *budget);
MC_API uint64_t mc_budget_regex_spent(const mc_budget *budget);

/* ------------------------------------------------------------------------
 * Policies
 */

typedef struct mc_policy mc_policy;

/*
 * Loads and compiles the policy file at path, following its `extends`.
 * limits may be NULL for the defaults. On error *out is NULL and every error
 * found is in diag.
 */
MC_API int mc_policy_load(mc_policy **out, const char *path,
			  const mc_limits *limits, mc_diag *diag);

/*
 * As mc_policy_load, from len bytes at buf; name stands for the file in
 * diagnostics and is the directory base for a relative `extends`.
 */
MC_API int mc_policy_load_buffer(mc_policy **out, const char *name,
				 const char *buf, size_t len,
				 const mc_limits *limits, mc_diag *diag);

MC_API void mc_policy_free(mc_policy *policy);

/* The policy's `policy:` name, its file, and "sha256:<hex>" of its bytes
 * followed by those of every file it extends, nearest first. */
MC_API const char *mc_policy_name(const mc_policy *policy);
MC_API const char *mc_policy_file(const mc_policy *policy);
MC_API const char *mc_policy_digest(const mc_policy *policy);

/* The kinds of move the policy knows, in file order. */
MC_API size_t mc_policy_kind_count(const mc_policy *policy);
MC_API const char *mc_policy_kind_name(const mc_policy *policy, size_t i);

/* ------------------------------------------------------------------------
 * Inventories
 */

typedef struct mc_inventory mc_inventory;

/* Creates an empty inventory; limits may be NULL for the defaults. */
MC_API int mc_inventory_new(mc_inventory **out, const mc_limits *limits);

/*
 * Adds the hosts and VMs of a file (or of len bytes at buf, named name).
 * A host or VM named in several files is one record, its parts merged key
 * by key; a key that two files give different values is an error at the
 * later value naming the earlier. A name defined twice in one file is an
 * error naming both places.
 */
MC_API int mc_inventory_add_file(mc_inventory *inv, const char *path,
				 mc_diag *diag);
MC_API int mc_inventory_add_buffer(mc_inventory *inv, const char *name,
				   const char *buf, size_t len, mc_diag *diag);

/*
 * Checks what needs every file: each VM's `host` and `state` (which may
 * come from different files) and its host, which must exist; then gives
 * VMs their defaults. Call once, after the last add; the inventory cannot
 * be bound to a policy before.
 */
MC_API int mc_inventory_finish(mc_inventory *inv, mc_diag *diag);

MC_API void mc_inventory_free(mc_inventory *inv);

MC_API size_t mc_inventory_host_count(const mc_inventory *inv);
MC_API size_t mc_inventory_vm_count(const mc_inventory *inv);

/* ------------------------------------------------------------------------
 * Fleets and checks
 */

/* A policy bound to an inventory. Both must outlive the fleet. */
typedef struct mc_fleet mc_fleet;

/* Binds policy to a finished inventory: reads and normalizes every host's
 * fields once. */
MC_API int mc_fleet_new(mc_fleet **out, const mc_policy *policy,
			const mc_inventory *inv, const mc_limits *limits,
			mc_diag *diag);

MC_API void mc_fleet_free(mc_fleet *fleet);

/* What mc_check() is asked. */
typedef struct mc_check_request {
	const char *vm;    /* required: the VM's name */
	const char *to;    /* NULL: every host but the VM's own */
	const char *kind;  /* NULL: the first kind whose `when` holds */
	bool trace;        /* list every check evaluated, passed or not */
	mc_budget *budget; /* NULL: a budget of the fleet's limits */
} mc_check_request;

typedef enum mc_value_type {
	MC_VALUE_NONE,      /* no value (absent, or not applicable) */
	MC_VALUE_STRING,
	MC_VALUE_INTEGER,
	MC_VALUE_BOOLEAN,
	MC_VALUE_VERSION,
	MC_VALUE_SET
} mc_value_type;

/* A field's value, normalized. `text` is set for every type but NONE;
 * a set also lists its members, sorted. A text longer than 1 KiB is cut
 * there and ends "... (N bytes)" (a set's: "... (N members)"), so that a
 * long value shared by many hosts costs a result little. */
typedef struct mc_value {
	mc_value_type type;
	const char *text;
	int64_t integer;
	bool boolean;
	const char *const *items;
	size_t count;
} mc_value;

/* One reason a move is refused. */
typedef struct mc_violation {
	const char *rule;     /* "host.1", "match.family", "compare.features",
	                         "rule.ID", "placement.memory" */
	const char *field;    /* the field checked, or NULL */
	mc_value source;      /* the field's value on the VM's host */
	mc_value target;      /* the field's value on the candidate host */
	const char *message;  /* the policy's message, placeholders filled */
	const char *detail;   /* what was found, e.g. "target.status.agent is
	                         'not-responding', expected 'responding'"; or NULL */
	mc_location at;       /* the policy text of the check */
} mc_violation;

/* A remedy that would make the move pass. */
typedef struct mc_remedy_hit {
	const char *id;
	const char *says;
	const char *warning;  /* or NULL */
	mc_location at;
} mc_remedy_hit;

/* A relaxation that applied: these fields were not checked. */
typedef struct mc_relax_hit {
	const char *note;     /* or NULL */
	const char *const *dropped;
	size_t ndropped;
	mc_location at;
} mc_relax_hit;

/* How one check came out, for a trace. */
typedef enum mc_trace_outcome {
	MC_TRACE_PASSED,      /* a check or rule held */
	MC_TRACE_FAILED,      /* it did not hold: a violation */
	MC_TRACE_UNDECIDED,   /* it could not be decided: a violation */
	MC_TRACE_DROPPED,     /* not checked: a relaxation dropped its field */
	MC_TRACE_APPLIED,     /* a relaxation applied, a preference held */
	MC_TRACE_NOT_APPLIED  /* a relaxation did not apply, a preference
	                         did not hold */
} mc_trace_outcome;

/* One check evaluated for a host, in evaluation order. */
typedef struct mc_trace_entry {
	const char *check;    /* "host.1", "relax.ID", "match.FIELD",
	                         "compare.FIELD", "rule.ID", "placement.RESOURCE",
	                         "prefer.N" */
	mc_trace_outcome outcome;
	mc_value source;      /* field checks: the two values */
	mc_value target;
	const char *detail;   /* what a condition found, or NULL */
	mc_location at;
} mc_trace_entry;

/* The verdict on one candidate host. */
typedef struct mc_host_verdict {
	const char *name;
	const char *cluster;           /* or NULL */
	bool allowed;
	unsigned rating_halves;        /* rating in half stars: 0..10 */
	const mc_violation *violations;
	size_t nviolations;
	const mc_remedy_hit *remedies;
	size_t nremedies;
	const mc_relax_hit *relaxed;
	size_t nrelaxed;
	const mc_trace_entry *trace;   /* when the request asked for one */
	size_t ntrace;
	const char *placement;         /* when the policy's `placement` rates
	                                  the move and the host allows it, what
	                                  it found: "cpu 37.5% of 90% free
	                                  after placement; …"; else NULL */
} mc_host_verdict;

/* The answer to one mc_check() request; hosts sorted by rating (highest
 * first), the allowed before the refused, then by name. */
typedef struct mc_check_result {
	const char *policy_name;
	const char *policy_file;
	const char *policy_digest;
	const char *vm;
	const char *vm_host;
	const char *vm_state;
	const char *kind;
	bool kind_given;          /* the request named the kind */
	const mc_host_verdict *hosts;
	size_t nhosts;
} mc_check_result;

/*
 * Rates the hosts for moving one VM. Returns MC_EUSAGE when the request names
 * a VM, host or kind that does not exist, or a host the VM is already on;
 * MC_EINPUT when no kind covers the VM (the diagnostic points at the VM).
 */
MC_API int mc_check(mc_check_result **out, const mc_fleet *fleet,
		    const mc_check_request *req, mc_diag *diag);

/* True when some host in the result allows the move. */
MC_API bool mc_check_result_any_allowed(const mc_check_result *result);

MC_API void mc_check_result_free(mc_check_result *result);

/* ------------------------------------------------------------------------
 * Plans: the best hosts for every VM at once (`migcheck plan`)
 *
 * Hosts that are equal on everything a kind of move reads are evaluated as
 * one class, and so are VMs; one evaluation per class pair decides every
 * pair it stands for (docs/plan.md). A kind with a Lua rule that does not
 * declare its `uses` is evaluated pair by pair.
 */

typedef struct mc_plan_request {
	const char *host;   /* only the VMs on this host (to empty it), or NULL */
	size_t top;         /* targets listed per VM; 0 means 3 */
	bool by_pairs;      /* evaluate every VM and host pair, no classes (the
	                       same answer, slower: for tests and comparison) */
	/* Called now and then while classes are evaluated, when not NULL. */
	void (*progress)(void *arg, size_t done, size_t total);
	void *progress_arg;
	mc_budget *budget;  /* NULL: a budget of the fleet's limits */
} mc_plan_request;

/* A host that can take a VM. */
typedef struct mc_plan_target {
	const char *host;
	const char *cluster;       /* or NULL */
	unsigned rating_halves;    /* 1..10 */
} mc_plan_target;

/* One reason hosts refuse a VM, and how many hosts refuse it for it. */
typedef struct mc_plan_reason {
	const char *rule;          /* "match.family", "host.1", "rule.ID" */
	const char *field;         /* the field checked, or NULL */
	const char *says;          /* in words, for every host alike */
	size_t hosts;
	mc_location at;            /* the check in the policy */
} mc_plan_reason;

typedef struct mc_plan_vm {
	const char *name;
	const char *host;
	const char *state;
	const char *kind;          /* NULL when no kind covers the VM */
	const char *error;         /* then: why, else NULL */
	size_t allowed;            /* hosts that can take the VM */
	const mc_plan_target *targets;  /* the best, highest rating first,
	                                   then by name */
	size_t ntargets;
	const mc_plan_reason *reasons;  /* when no host can take it: most
	                                   hosts first */
	size_t nreasons;
} mc_plan_vm;

typedef struct mc_plan_result {
	const char *policy_name;
	const char *policy_file;
	const char *policy_digest;
	const char *host;          /* the request's host, or NULL */
	size_t top;
	const mc_plan_vm *vms;     /* in inventory order */
	size_t nvms;
	size_t nunplaced;          /* VMs no host can take */
	size_t nhosts;             /* hosts in the inventory */
	/* What it took: VM and host pairs decided, evaluations run, and the
	 * classes of hosts (summed over kinds) and of VMs. */
	size_t pairs;
	size_t evaluations;
	size_t host_classes;
	size_t vm_classes;
} mc_plan_result;

/*
 * Finds the best targets of every VM (or every VM on req->host). Returns
 * MC_EUSAGE when req->host names no host. A VM that no kind covers is not
 * an error: it has no target, and `error` says why.
 */
MC_API int mc_plan(mc_plan_result **out, const mc_fleet *fleet,
		   const mc_plan_request *req, mc_diag *diag);

MC_API void mc_plan_result_free(mc_plan_result *result);

/* ------------------------------------------------------------------------
 * Assignments: one target for every VM, within every host's capacity
 * (`migcheck plan --assign`, docs/plan.md)
 *
 * The VMs are placed one after the other so that as many as can be are:
 * the smallest first (least memory, then fewest hosts the policy allows),
 * each on the host where it still fits and leaves the least memory free
 * (best fit; ties to the best-rated), and what it takes is taken from that
 * host's room before the next: the moves can be made in their order. Room
 * is the policy's `placement` (docs/placement.md), with every resource it
 * considers a hard limit; a host's room is not given back when a VM
 * leaves it.
 */

typedef struct mc_assignment_request {
	const char *host;   /* only the VMs on this host (to empty it), or NULL */
	mc_budget *budget;  /* NULL: a budget of the fleet's limits */
} mc_assignment_request;

/* A move of the assignment. */
typedef struct mc_assignment_move {
	const char *vm;
	const char *from;
	const char *to;
	const char *cluster;       /* the target's, or NULL */
	unsigned rating_halves;    /* the target's rating as the VM is placed */
} mc_assignment_move;

/* A VM the assignment leaves where it is. */
typedef struct mc_assignment_unplaced {
	const char *vm;
	const char *host;
	const char *state;
	const char *kind;          /* NULL when no kind covers the VM */
	size_t compatible;         /* hosts the policy allows, room aside */
	size_t full;               /* of those, hosts without room for it */
	const char *why;           /* in words */
} mc_assignment_unplaced;

typedef struct mc_assignment {
	const char *policy_name;
	const char *policy_file;
	const char *policy_digest;
	const char *host;          /* the request's host, or NULL */
	const mc_assignment_move *moves;   /* in the order to make them */
	size_t nmoves;
	const mc_assignment_unplaced *unplaced;  /* in inventory order */
	size_t nunplaced;
	size_t nvms;               /* VMs assigned: moves and unplaced */
	size_t nhosts;             /* hosts in the inventory */
} mc_assignment;

/*
 * Gives every VM (or every VM on req->host) one target. Returns MC_EUSAGE
 * when req->host names no host, or when the policy has no `placement`
 * (there would be no room to count).
 */
MC_API int mc_assignment_make(mc_assignment **out, const mc_fleet *fleet,
			      const mc_assignment_request *req, mc_diag *diag);

MC_API void mc_assignment_free(mc_assignment *result);

/* ------------------------------------------------------------------------
 * Matrices: which hosts can take VMs from which (`migcheck matrix`)
 *
 * For a kind of move, hosts equal on everything the kind's checks read of
 * two hosts form a compatibility class; an edge from class A to class B
 * says that a VM of that kind may move from any host of A to any host of
 * B. The matrix is about hosts: checks that read the VM (a host
 * requirement or rule with a `vm.` path, a Lua rule that may read it) are
 * left out and listed; the moves are those of a VM with no settings, so a
 * relaxation applies only where its `when` holds for such a VM (one that
 * relaxes a check for a VM that does not say whether processor
 * compatibility is on, say); and preferences, which grade moves rather
 * than decide them, are not read.
 */

typedef struct mc_matrix_request {
	const char *kind;      /* NULL: every kind of the policy */
	mc_budget *budget;     /* NULL: a budget of the fleet's limits */
	bool by_pairs;         /* evaluate every class pair whole rather than
	                          each check apart (the same matrix, slower:
	                          for tests and comparison) */
} mc_matrix_request;

/* A value a class's hosts share: a field, or a host path a check reads. */
typedef struct mc_matrix_value {
	const char *name;      /* the field's name, or the path ("status.agent") */
	bool field;
	mc_value value;        /* MC_VALUE_NONE when missing or malformed;
	                          a path's list of scalars is a set, a
	                          mapping or a list of them none */
} mc_matrix_value;

typedef struct mc_matrix_class {
	const char *const *hosts;       /* by name */
	size_t nhosts;
	const mc_matrix_value *values;  /* fields first, in the policy's order */
	size_t nvalues;
	bool exchange;         /* two hosts of the class can exchange VMs */
} mc_matrix_class;

/* Class `from` can send VMs to class `to` (from != to): indexes into the
 * kind's classes (at most 4,096), 32 bits each, since a matrix of millions
 * of edges is held whole. */
typedef struct mc_matrix_edge {
	uint32_t from, to;
	bool both_ways;          /* `to` can send VMs to `from` too */
} mc_matrix_edge;

typedef struct mc_matrix_kind {
	const char *kind;
	const mc_matrix_class *classes;  /* largest first, then by first host */
	size_t nclasses;
	const mc_matrix_edge *edges;     /* by from, then to */
	size_t nedges;
	const char *const *left_out;     /* checks that read the VM: "host.2",
	                                    "rule.ID" */
	size_t nleft_out;
	/* What it took: evaluations of one check each on a pair of that
	 * check's classes (checks apart), or of a class pair whole. */
	size_t evaluations;
	bool by_pairs;                   /* evaluated by class pairs whole */
	/* Checks apart, a kind that checks of two hosts what a kind before it
	 * checks (the same match and compare entries and the same rules)
	 * shares that kind's classes and edges: same_as names it, and
	 * evaluations is 0. NULL for a kind evaluated. */
	const char *same_as;
} mc_matrix_kind;

typedef struct mc_matrix_result {
	const char *policy_name;
	const char *policy_file;
	const char *policy_digest;
	const mc_matrix_kind *kinds;
	size_t nkinds;
} mc_matrix_result;

/* Builds the matrix of each kind asked for. Returns MC_EUSAGE when
 * req->kind names no kind of the policy, MC_ELIMIT when the hosts fall
 * into more than 4,096 classes for a kind. */
MC_API int mc_matrix(mc_matrix_result **out, const mc_fleet *fleet,
		     const mc_matrix_request *req, mc_diag *diag);

MC_API void mc_matrix_result_free(mc_matrix_result *result);

/*
 * The transitive reduction of kind's edges, for a drawing (docs/matrix.md):
 * the moves left when a move is left out wherever a path of others leads
 * from its class to its target's, so that the moves kept reach what every
 * move reaches and none of them is implied by the others. Classes that
 * reach one another keep a few of their moves among themselves (those
 * between the first and each other one when all go both ways), and each
 * move kept between classes that do not stands for the others between
 * the same two groups. *out is malloc'd (free it with free()), its *nout
 * edges a part of kind's, in their order, both_ways where the reverse
 * move is kept too. Returns MC_OK, or MC_ENOMEM with *out NULL.
 */
MC_API int mc_matrix_reduce(mc_matrix_edge **out, size_t *nout,
			    const mc_matrix_kind *kind);

/* ------------------------------------------------------------------------
 * Baselines: what a group of hosts has in common (`migcheck baseline`)
 *
 * For each field of the policy, the value every host of the group offers,
 * by a rule that the field's type and the policy's `compare` checks choose:
 * - "intersection": a set: the members all of the hosts have (possibly
 *   none: the empty set is a common value too);
 * - "lowest": a version or an integer that some kind compares with `ge` or
 *   `gt` (target at least the source) and none with `le` or `lt`: a VM
 *   started on the lowest value may go to every host of the group;
 * - "highest": the same with `le` or `lt` only;
 * - "shared": any other field (a string, a boolean, a number that is only
 *   matched, or ordered both ways): the one value all hosts share.
 * `match` and `eq`/`ne` checks do not change a field's rule. Where there
 * is no common value -- the hosts differ (for "shared"), or some host has
 * no usable value (fail closed: no baseline is ever guessed) -- `value` is
 * MC_VALUE_NONE and `reason` says why, naming the hosts.
 *
 * For each host, what a VM started on the baseline would not see of that
 * host: a set's members beyond the intersection, or the host's own version
 * or integer where it lies beyond the lowest (highest) one.
 */

typedef struct mc_baseline_request {
	const char *cluster;            /* the hosts of this cluster, or */
	const char *const *hosts;       /* these hosts (only when cluster is
	                                   NULL), each named once */
	size_t nhosts;
} mc_baseline_request;

typedef struct mc_baseline_field {
	const char *name;       /* the policy's field */
	const char *from;       /* its path inside a host record */
	const char *rule;       /* "intersection", "lowest", "highest" or
	                           "shared" */
	mc_value value;         /* the common value; MC_VALUE_NONE if none;
	                           a set's members sorted by text */
	const char *reason;     /* why there is none ("hv-01 has Intel,
	                           hv-amd-01 AMD", "hv-03 has no value at
	                           cpu.features"), or NULL */
	mc_location at;         /* the field in the policy */
} mc_baseline_field;

typedef struct mc_baseline_host {
	const char *name;
	const char *cluster;    /* or NULL */
	/* One per field, in the order of `fields`: what the host offers beyond
	 * the baseline (a set's extra members, sorted by text; a higher version
	 * or integer, or a lower one for "highest"); MC_VALUE_NONE where it
	 * offers nothing more, and wherever the field has no common value. */
	const mc_value *hidden;
} mc_baseline_host;

typedef struct mc_baseline_result {
	const char *policy_name;
	const char *policy_file;
	const char *policy_digest;
	const char *cluster;              /* the request's cluster, or NULL */
	const mc_baseline_field *fields;  /* the policy's fields, in order */
	size_t nfields;
	const mc_baseline_host *hosts;    /* in the request's order (a
	                                     cluster's in inventory order) */
	size_t nhosts;
} mc_baseline_result;

/*
 * Computes the baseline of a group of hosts. Returns MC_EUSAGE when the
 * request names no host, an unknown host, a host twice, a cluster without
 * hosts, or both a cluster and hosts.
 */
MC_API int mc_baseline(mc_baseline_result **out, const mc_fleet *fleet,
		       const mc_baseline_request *req, mc_diag *diag);

/* True when every field of the result has a common value. */
MC_API bool mc_baseline_result_complete(const mc_baseline_result *result);

MC_API void mc_baseline_result_free(mc_baseline_result *result);

/* ------------------------------------------------------------------------
 * Names, for tools that walk a whole inventory (`migcheck diff`)
 */

/* The name of host or VM number i, in file order (i < the count). */
MC_API const char *mc_inventory_host_name(const mc_inventory *inv, size_t i);
MC_API const char *mc_inventory_vm_name(const mc_inventory *inv, size_t i);

/* ------------------------------------------------------------------------
 * Explanations: a policy in plain words (`migcheck explain`)
 *
 * Every string and array belongs to the mc_explanation, which outlives the
 * policy it was made from. Conditions are given in words ("vm.state is one
 * of saved, paused"); `at` is where each item is written in the policy.
 */

typedef struct mc_explain_field {
	const char *name;
	const char *from;          /* the path inside a host record */
	const char *type;          /* "string", "integer", "version", "set"... */
	const char *description;   /* or NULL */
	const char *const *normalize;  /* each "PATTERN -> TO", in order */
	size_t nnormalize;
	mc_location at;
	bool source_cluster;       /* `source: cluster`: on the source of a move,
	                              the members every host of its cluster has */
} mc_explain_field;

typedef struct mc_explain_kind {
	const char *name;
	const char *description;   /* or NULL */
	const char *when;          /* in words; NULL: every VM */
	mc_location at;
} mc_explain_kind;

/* What one kind checks of one field. */
typedef struct mc_explain_cell {
	const char *check;         /* "match", a compare operator ("ge",
	                              "superset", ...), or "not checked" */
	const char *relaxed;       /* "relaxed when <condition>", or NULL */
	mc_location at;            /* the check, or no file when not checked */
} mc_explain_cell;

/* A condition with its place: a host requirement. */
typedef struct mc_explain_item {
	const char *text;
	mc_location at;
} mc_explain_item;

typedef struct mc_explain_relax {
	const char *id;            /* or NULL */
	const char *when;          /* in words */
	const char *const *dropped;
	size_t ndropped;
	const char *note;          /* or NULL */
	mc_location at;
} mc_explain_relax;

typedef struct mc_explain_rule {
	const char *id;
	const char *const *kinds;  /* none: every kind */
	size_t nkinds;
	const char *condition;     /* in words, or "Lua" */
	bool lua;
	unsigned lua_first_line;   /* a Lua rule's code, in the policy file */
	unsigned lua_last_line;
	const char *const *uses;   /* the paths a Lua rule declares it reads */
	size_t nuses;
	const char *message;       /* as written, placeholders unfilled */
	const char *description;   /* or NULL */
	mc_location at;
} mc_explain_rule;

typedef struct mc_explain_prefer {
	const char *text;          /* in words */
	unsigned weight;
	mc_location at;
} mc_explain_prefer;

typedef struct mc_explain_remedy {
	const char *id;
	const char *says;
	const char *warning;       /* or NULL */
	const char *const *set;    /* each "vm.PATH = VALUE" */
	size_t nset;
	mc_location at;
} mc_explain_remedy;

typedef struct mc_explanation {
	const char *name;
	const char *description;   /* or NULL */
	const char *file;
	const char *digest;
	const char *const *files;  /* the file, then each file it extends */
	size_t nfiles;
	const mc_explain_field *fields;
	size_t nfields;
	const mc_explain_kind *kinds;
	size_t nkinds;
	const mc_explain_cell *cells;  /* kind k, field f: cells[k * nfields + f] */
	const mc_explain_item *host_require;
	size_t nhost_require;
	const char *host_message;
	const mc_explain_relax *relax;
	size_t nrelax;
	const mc_explain_rule *rules;
	size_t nrules;
	const mc_explain_prefer *prefer;
	size_t nprefer;
	unsigned prefer_total;     /* the sum of the weights */
	const mc_explain_remedy *remedies;
	size_t nremedies;
	size_t ntests;             /* the `tests:` of the policy's own file */
	const char *placement;     /* the `placement` section in words: "load
	                              balancing for live; importance: …", or
	                              NULL without one */
	mc_location placement_at;
} mc_explanation;

/* Describes the policy; fails only when memory runs out. */
MC_API int mc_policy_explain(mc_explanation **out, const mc_policy *p);

MC_API void mc_explanation_free(mc_explanation *e);

/* ------------------------------------------------------------------------
 * Policy tests
 */

/* One entry of a policy's `tests:`, run. */
typedef struct mc_test_case {
	const char *name;
	mc_location at;        /* the test's entry in the policy */
	bool passed;
	bool error;            /* the test could not run (its inventory, VM,
	                          host or kind): `actual` says why */
	const char *expected;  /* on failure: what the test expects, as text */
	const char *actual;    /* on failure: what the check gave, or the error */
} mc_test_case;

/* One check of the policy, and whether some test exercised it: produced it
 * as a violation (host.N, KIND: match.FIELD, KIND: compare.FIELD, rule.ID),
 * applied it (relax.ID, or relax.N for one without an id) or offered it
 * (remedy.ID) on a move that a test evaluates. */
typedef struct mc_coverage_item {
	const char *name;
	mc_location at;
	bool exercised;
} mc_coverage_item;

/* The outcome of a policy's tests, in file order, and its coverage. */
typedef struct mc_test_report {
	const char *policy_name;
	const char *policy_file;
	const mc_test_case *tests;
	size_t ntests;
	size_t nfailed;        /* of which nerrors could not run */
	size_t nerrors;
	const mc_coverage_item *coverage;
	size_t ncoverage;
	size_t nexercised;
} mc_test_report;

/*
 * Runs the tests the policy's own file declares (not those of files it
 * extends). Each names an inventory relative to that file; a test that
 * cannot run is a failed test, not an error of this call, which fails only
 * when memory runs out. limits may be NULL for the defaults.
 */
MC_API int mc_policy_test(mc_test_report **out, const mc_policy *policy,
			  const mc_limits *limits, mc_diag *diag);

MC_API void mc_test_report_free(mc_test_report *report);

/* ------------------------------------------------------------------------
 * Lint
 */

/*
 * Adds to diag a warning (MC_SEVERITY_WARNING, with a code such as
 * "kind-shadowed", at the offending policy text) for each thing in a
 * loaded policy that is legal but most likely a mistake; docs/lint.md
 * lists them. Returns MC_OK, or MC_ENOMEM.
 */
MC_API int mc_policy_lint(const mc_policy *policy, mc_diag *diag);

/* ------------------------------------------------------------------------
 * Layout (`migcheck fmt`)
 */

/*
 * Lays out the YAML policy of len bytes at buf (named name in
 * diagnostics) in the canonical layout of docs/fmt.md: two spaces a
 * level, one space after ':' and '-', flow collections spaced alike, at
 * most one blank line in a row, every comment kept, every scalar's text
 * and style kept. *out is malloc'd (free it with free()), NUL-terminated,
 * its length in *outlen; laying out *out again gives *out. The text is
 * read as any YAML file is, within limits (NULL: the defaults): what does
 * not load is an error at its FILE:LINE:COL and MC_EINPUT (MC_ELIMIT past
 * a limit), with *out NULL. Only UTF-8 is laid out. The output is parsed
 * again before it is returned: should it not read as the same YAML events
 * as buf, the call fails with MC_EINPUT and an error of code
 * "fmt-internal" rather than return it. The policy is not compiled: a
 * file that reads as YAML is laid out, whatever it says.
 */
MC_API int mc_policy_format(char **out, size_t *outlen, const char *name,
			    const char *buf, size_t len,
			    const mc_limits *limits, mc_diag *diag);

/* ------------------------------------------------------------------------
 * Host records: importing and probing (`migcheck import`, `migcheck probe`)
 *
 * An mc_hostset is a list of host records, made from what platforms print
 * about their processors (docs/import/) or by probing this machine, and
 * written as an inventory (hosts:) that mc_inventory_add_file() reads back.
 * Each importer reads under the limits it is given (NULL: the defaults):
 * a value, a list or a set of hosts beyond them is an error at its place in
 * the input, before it takes memory.
 */

typedef struct mc_hostset mc_hostset;

/* Creates an empty set. */
MC_API int mc_hostset_new(mc_hostset **out);

MC_API void mc_hostset_free(mc_hostset *set);

MC_API size_t mc_hostset_count(const mc_hostset *set);

/* The number of VMs in the set (from the formats that describe VMs:
 * libvirt-domain). */
MC_API size_t mc_hostset_vm_count(const mc_hostset *set);

/*
 * Reads libvirt's CPU map from directory dir (NULL: MC_CPU_MAP_DIR, where
 * Debian's libvirt0 installs it), with which the libvirt formats expand
 * CPU models into their features and check model and feature names
 * (docs/import/libvirt.md). A map that does not read is an error at its
 * FILE:LINE:COL and MC_EINPUT; a directory without a map, MC_EINPUT. Without
 * a map, those formats import models unexpanded.
 */
MC_API int mc_hostset_load_cpu_map(mc_hostset *set, const char *dir,
				   mc_diag *diag);

/* True when a CPU map is loaded. */
MC_API bool mc_hostset_has_cpu_map(const mc_hostset *set);

/* libvirt's CPU map, where Debian's libvirt0 installs it. */
#define MC_CPU_MAP_DIR "/usr/share/libvirt/cpu_map"

/*
 * Where the VMs imported next are: on host (required by the formats that
 * describe VMs), in state (running, paused, saved or stopped; NULL: as the
 * input says).
 */
MC_API int mc_hostset_set_vm_place(mc_hostset *set, const char *host,
				   const char *state);

/* The name of the host each input imported next describes, instead of
 * the name the input gives or its file's name (NULL: none). An input that
 * holds more than one host, or VMs, is then an error. */
MC_API int mc_hostset_set_name(mc_hostset *set, const char *name);

/* The character between a csv input's cells: ',' (0) unless set, such as
 * ';' for the exports of spreadsheets in many locales, or '\t'. */
MC_API void mc_hostset_set_delimiter(mc_hostset *set, char delimiter);

/* The import formats, for messages: "win32, lscpu, cpuinfo, libvirt,
 * libvirt-domain, csv". */
MC_API const char *mc_import_format_names(void);

/* True when format is one of them. */
MC_API bool mc_import_format_known(const char *format);

/*
 * Reads the file at path (or len bytes at data, named name in
 * diagnostics) in format, and appends the hosts it holds: one for the
 * per-machine formats, one per row for csv. Bad input is an error at
 * FILE:LINE:COL in diag and MC_EINPUT (MC_ELIMIT past a limit); nothing is
 * appended then. MC_EUSAGE when format is not known.
 */
MC_API int mc_hostset_import_file(mc_hostset *set, const char *format,
				  const char *path, const mc_limits *limits,
				  mc_diag *diag);
MC_API int mc_hostset_import_buffer(mc_hostset *set, const char *format,
				    const char *name, const char *data,
				    size_t len, const mc_limits *limits,
				    mc_diag *diag);

/* Appends this machine's fingerprint (source "probe"): what CPUID says on
 * x86, else /proc/cpuinfo and uname(2). name NULL: the host name; cluster
 * may be NULL. */
MC_API int mc_hostset_probe(mc_hostset *set, const char *name,
			    const char *cluster);

/*
 * Makes the records of one name one record: a host (or VM) imported from
 * several files (probe's CPU, a status file, a hypervisor file) has the
 * facts of all of them. The same path with different values is an error
 * at the later record naming the first's FILE:LINE:COL; sets agree when
 * they have the same members. Then gives VMs that name their host by the
 * platform's reference (vSphere's "host-16") that host's name: a
 * reference no imported host has is an error. MC_EINPUT after errors,
 * else MC_OK (MC_ENOMEM).
 */
MC_API int mc_hostset_merge(mc_hostset *set, mc_diag *diag);

/* Puts every host of the set in cluster. */
MC_API int mc_hostset_set_cluster(mc_hostset *set, const char *cluster);

/* Writes the set as an inventory (hosts:, and vms: when it holds VMs):
 * *out is malloc'd YAML text (NUL terminated, its length in *len) that
 * reads back as the same strings. */
MC_API int mc_hostset_yaml(char **out, size_t *len, const mc_hostset *set);

/* The type of a record's value (an inventory's scalar types; a version
 * is a string). */
typedef enum mc_record_type {
	MC_RECORD_STRING,
	MC_RECORD_INTEGER,
	MC_RECORD_BOOLEAN,
	MC_RECORD_LIST,     /* a set of strings */
} mc_record_type;

/* One value of a record, by its inventory path ("cpu.family"). */
typedef struct mc_record_value {
	const char *path;
	mc_record_type type;
	const char *text;           /* MC_RECORD_STRING */
	int64_t number;             /* MC_RECORD_INTEGER; BOOLEAN: 0 or 1 */
	const char *const *items;   /* MC_RECORD_LIST */
	size_t nitems;
} mc_record_value;

/* Called for each value of a record; a non-zero return stops the walk. */
typedef int (*mc_record_visit)(void *ctx, const mc_record_value *value);

/*
 * Calls visit for every value of record i of the set -- host i, or VM i
 * when vm is true -- in the order the inventory writes them, beginning
 * with "name": what mc_hostset_yaml() writes, for writing it otherwise
 * (as JSON). Returns visit's first non-zero return, MC_ENOMEM, or MC_OK.
 */
MC_API int mc_hostset_each_value(const mc_hostset *set, bool vm, size_t i,
				 mc_record_visit visit, void *ctx);

/* A host record as the set holds it. Strings are NULL where the source
 * said nothing; they belong to the set. */
typedef struct mc_host_record {
	const char *name;            /* NULL: unnamed */
	const char *cluster;
	const char *manufacturer;    /* the vendor string: GenuineIntel */
	const char *architecture;    /* x64, x86, arm64, ... */
	bool has_family, has_model, has_stepping;
	int64_t family;              /* display family */
	int64_t model;               /* display model */
	int64_t stepping;
	const char *signature;       /* CPUID leaf 1 EAX, "0x50654" */
	const char *cpu_name;        /* the brand string */
	int64_t sockets;             /* 0: not known */
	const char *const *features; /* flags as /proc/cpuinfo names them */
	size_t nfeatures;
	const char *hypervisor_product;
	const char *hypervisor_version;
	bool has_virt;
	bool virt_supported;         /* hardware virtualization */
	const char *running_under;   /* the hypervisor this machine runs
	                                under, if any */
	const char *source;          /* what the record was made from */
	const char *model_name;      /* the platform's CPU model (libvirt's
	                                <model>), NULL when not given */
} mc_host_record;

/* Fills *out with record i of the set (i < mc_hostset_count()). */
MC_API void mc_hostset_get(const mc_hostset *set, size_t i,
			   mc_host_record *out);

/* ------------------------------------------------------------------------
 * Text
 *
 * Input files, hosts and rules may hold any bytes; what a program prints
 * of them should not reach a terminal raw. These read and escape text as
 * every report and diagnostic of `migcheck` does.
 */

/*
 * Escapes len bytes at s into *out (malloc'd, NUL-terminated, its length
 * in *outlen): C0 controls as \x1b (but newlines when keep_newlines), DEL
 * as \x7f, a byte that is not part of valid UTF-8 as \xff, and C1
 * controls, U+2028, U+2029, U+FFFE and U+FFFF as \u009b. Backslashes are
 * kept as they are.
 */
MC_API int mc_text_printable(char **out, size_t *outlen, const char *s,
			     size_t len, bool keep_newlines);

/* The length of the valid UTF-8 character at s (at most len bytes), its
 * code point in *cp (when cp is not NULL); 0 when s does not start with
 * one (overlong forms, surrogates and code points past U+10FFFF are
 * not). */
MC_API size_t mc_text_utf8_char(const char *s, size_t len, uint32_t *cp);

/* The offset in bytes of column (1-based, counted in characters as
 * diagnostics count them: a byte that is not valid UTF-8 is one) in the
 * len bytes at line; len when the line is shorter. */
MC_API size_t mc_text_column_offset(const char *line, size_t len,
				    unsigned column);

/* Of n names, stride bytes apart (a table's first field: pass the address
 * of the first entry's and sizeof(entry); sizeof(char *) for an array of
 * names), the one word was most likely meant to be: within an edit distance
 * (insertions, deletions, substitutions, neighbours swapped) of 1, or of 2
 * for a word of four characters or more, and nearer than its own length;
 * the nearest, the first of equals; NULL when none is. Names and words of
 * more than 63 bytes are never near. For "did you mean" in messages. */
MC_API const char *mc_text_nearest(const char *word, const char *const *names,
				   size_t n, size_t stride);

/* ------------------------------------------------------------------------
 * Diffs: what changes between two policies, move by move (`migcheck diff`)
 *
 * Two fleets of one inventory, one per policy. A move (a VM to a host
 * other than its own) changes when its verdict (allowed, refused, or none
 * when no kind of the policy covers the VM) or its rating differs. VMs are
 * grouped by what either policy reads of them and of their host, and each
 * class is decided once under both policies (docs/diff.md); only the moves
 * that change are kept, so a diff of a billion moves that change little
 * stays small.
 */

typedef struct mc_diff_request {
	bool by_pairs;      /* decide every move alone, no classes (the same
	                       answer, slower: for tests and comparison) */
	/* Called now and then while classes of VMs are decided, when not
	 * NULL. */
	void (*progress)(void *arg, size_t done, size_t total);
	void *progress_arg;
	/* Leave the changes out of the result (its `changes` is NULL; its
	 * `nchanges` and tallies count them as ever), to be read a VM at a
	 * time with mc_diff_next(): a diff whose moves change by the million
	 * need not hold them all at once. */
	bool by_vm;
} mc_diff_request;

/* A move's verdict under one policy. */
typedef struct mc_diff_verdict {
	const char *kind;          /* NULL: no kind covers the VM, no verdict */
	bool allowed;
	unsigned rating_halves;    /* 0..10; 0 when refused or no verdict */
} mc_diff_verdict;

/* How a move changes: shared by every change that changes alike. */
typedef struct mc_diff_move {
	mc_diff_verdict before;    /* under the old policy */
	mc_diff_verdict after;     /* under the new policy */
	/* The rule ids ("host.1", "match.family", "rule.ID") of the violations
	 * the new policy gives and the old does not (gained), and the other
	 * way (lost); each once, in the order the policy evaluates them. */
	const char *const *gained;
	size_t ngained;
	const char *const *lost;
	size_t nlost;
} mc_diff_move;

typedef struct mc_diff_change {
	const char *vm;
	const char *host;          /* the target */
	const mc_diff_move *move;
} mc_diff_change;

/* The changes of one kind (the new policy's kind of the move, else the
 * old one's), by how they change. */
typedef struct mc_diff_tally {
	const char *kind;
	size_t now_refused;        /* allowed, then refused or no verdict */
	size_t now_allowed;        /* refused or no verdict, then allowed */
	size_t rating_changed;     /* allowed both times, rated otherwise */
	size_t other;              /* refused <-> no verdict */
} mc_diff_tally;

typedef struct mc_diff_result {
	size_t moves;              /* moves compared: every VM to every host
	                              but its own (to every host, for a VM
	                              neither policy covers) */
	const mc_diff_change *changes;  /* by VM, then by host, in inventory
	                                   order; NULL when made by_vm */
	size_t nchanges;
	const mc_diff_tally *tallies;   /* by kind name */
	size_t ntallies;
	size_t vm_classes;         /* what it took: classes of VMs decided */
} mc_diff_result;

/*
 * Compares the verdicts of two policies on every move of one inventory:
 * before and after are fleets of the old and the new policy, bound to the
 * same inventory (MC_EUSAGE otherwise). Each policy spends a budget of its
 * fleet's limits.
 */
MC_API int mc_diff(mc_diff_result **out, const mc_fleet *before,
		   const mc_fleet *after, const mc_diff_request *req,
		   mc_diag *diag);

/*
 * The changes of the next VM that has any, for a result made either way:
 * *cursor is 0 for the first VM and is moved on by each call. Points
 * *changes at that VM's changes, by host in inventory order, and returns
 * how many; returns 0 after the last VM. The changes stay valid until the
 * next call on the result or its release (one result, one reader at a
 * time).
 */
MC_API size_t mc_diff_next(mc_diff_result *result, size_t *cursor,
			   const mc_diff_change **changes);

MC_API void mc_diff_result_free(mc_diff_result *result);

#ifdef __cplusplus
}
#endif

#endif
