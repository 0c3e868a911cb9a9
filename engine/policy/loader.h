/* SPDX-License-Identifier: MIT */
/*
 * loader.h - what reading a policy's files (load.c) and compiling them
 * (compile.c, rules.c) share: the layer of named entries the files are
 * laid into, the loader's state, and its error reporting. Internal to
 * policy/.
 */
#ifndef MC_POLICY_LOADER_H
#define MC_POLICY_LOADER_H

#include "policy/policy.h"
#include "policy/schema.h"
#include "util/strmap.h"

/* ------------------------------------------------------------------------
 * Named entries, laid over one another
 */

typedef struct entry {
	const char *name;     /* NULL: an entry without a name (appended) */
	const mc_node *key;   /* the name's node, or the entry itself */
	const mc_node *value;
} entry;

typedef struct entries {
	entry *items;
	size_t count, cap;
	mc_strmap index;  /* name -> its item: a policy may have 10^5 rules */
} entries;

typedef struct layer {
	const mc_node *root;  /* of the file being compiled */
	const mc_node *name, *description, *format, *tests;
	const mc_node *host, *prefer, *match_message, *limits, *placement;
	const mc_node *kinds_node;  /* the last `kinds:` laid over, for errors */
	entries fields, kinds, match, compare, relax, rules, remedies;
} layer;

typedef struct loader {
	mc_policy *p;
	const mc_limits *lim;
	mc_diag *diag;
	mc_cond_ctx cc;       /* arena, paths and error count for compiling */
	mc_kind_checks *checks;  /* p->checks, writable while compiling */
	uint64_t broken_fields;  /* fields with errors: no more errors about
	                            their type */
	const mc_policy_lua *lua;   /* what Lua the loading may use */
	mc_policy_luastate *luast;  /* Lua is compiled here, made when needed */
	bool lua_failed;      /* it could not be made (and that was said) */
	char **chain;         /* real paths of the files being loaded */
	size_t nchain, capchain;
	bool chain_failed;    /* a file of the chain could not be read */
	int status;
} loader;

/* Reports an error at a node, gives it a stable id (mc_diag_item.code) and
 * counts it; lerror is for the errors without an id of their own. */
#define lerror_id(L, id, at, ...) \
	do { \
		if (mc_node_error_counted((L)->diag, &(L)->cc.errors, (at), \
					  __VA_ARGS__) == 0) \
			mc_diag_set_code((L)->diag, (id)); \
	} while (0)
#define lerror(L, at, ...) lerror_id((L), "bad-value", (at), __VA_ARGS__)

/* The shape checks of schema.h, counted in the loader. */
static inline bool
want(loader *L, const mc_node *n, mc_key_type t, const char *what)
{
	return mc_schema_want(n, t, what, L->diag, &L->cc.errors);
}
#define want_map(L, n, what) want((L), (n), MC_KEY_MAP, (what))
#define want_list(L, n, what) want((L), (n), MC_KEY_LIST, (what))
#define want_str(L, n, what) want((L), (n), MC_KEY_STR, (what))
#define want_name(L, n, what) want((L), (n), MC_KEY_NAME, (what))

static inline bool
check_schema(loader *L, const mc_schema *s, const mc_node *n,
	     const mc_node **vals)
{
	return mc_schema_check(s, n, vals, L->diag, &L->cc.errors);
}

/* The Lua state of this loading, made when the first Lua is met (at
 * file:line:col, where a limit too small for Lua to start is reported);
 * NULL when it could not be made. */
mc_policy_luastate *mc_policy__lua(loader *L, const char *file, unsigned line,
				    unsigned col);

/* Compiles the layer into L->p (compile.c). */
void mc_policy__compile(loader *L, const layer *l);

/* The sections compiled by rules.c. */
void mc_policy__compile_rules(loader *L, const layer *l);
void mc_policy__compile_remedies(loader *L, const layer *l);
void mc_policy__check_tests(loader *L, const layer *l);

/* The `placement` section (placement.c). */
void mc_policy__compile_placement(loader *L, const layer *l);

/* A kind's name in match, compare, a rule or a test: its index, or -1
 * after reporting that the policy declares no such kind. */
int mc_policy__kind_ref(loader *L, const mc_node *n, const char *what);

/* An array of n elements in the policy's arena (zeroed). */
static inline void *
alloc_array(loader *L, size_t n, size_t size)
{
	void *a = mc_arena_calloc(&L->p->arena, n ? n : 1, size);

	if (!a)
		L->cc.nomem = true;
	return a;
}

static inline const mc_cond *
condition(loader *L, const mc_node *n, unsigned scopes, const char *where)
{
	L->cc.scopes = scopes;
	L->cc.where = where;
	return mc_cond_compile(&L->cc, n);
}

static inline const mc_template *
message(loader *L, const mc_node *n, unsigned scopes, bool field_values)
{
	L->cc.scopes = scopes;
	L->cc.where = "a message";
	return mc_template_compile(&L->cc, n, field_values);
}

/* The text of an optional string, or NULL (after an error when it is not
 * a non-empty string). */
static inline const char *
str_or_null(loader *L, const mc_node *n, const char *what)
{
	if (!n)
		return NULL;
	if (!want_str(L, n, what))
		return NULL;
	return n->u.text;
}

#define ALL_SCOPES ((1u << MC_SCOPE_VM) | (1u << MC_SCOPE_SOURCE) | \
		    (1u << MC_SCOPE_TARGET))

#endif
