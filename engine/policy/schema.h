/* SPDX-License-Identifier: MIT */
/*
 * schema.h - the keys a mapping of a policy file may have, declared as
 * data and checked by one function.
 *
 * Each section of a policy (a rule, a remedy, a 'compare' entry ...)
 * declares its keys as a table of {key, type, required}; mc_schema_check
 * reports what breaks it with the messages every section shares: a key the
 * table lacks ("did you mean" the nearest one, else the list of keys), the
 * required keys when one is missing, and the first value of the wrong
 * type. What needs the rest of the policy (a field's name, a condition) is
 * left to the section.
 *
 * Errors are counted in *errors and carry a stable code ("unknown-key",
 * "bad-value").
 */
#ifndef MC_SCHEMA_H
#define MC_SCHEMA_H

#include <stdbool.h>

#include "load/node.h"

typedef enum mc_key_type {
	MC_KEY_ANY,     /* checked by the section itself */
	MC_KEY_STR,     /* a non-empty string */
	MC_KEY_NAME,    /* a name: a letter, then letters, digits, _ - . */
	MC_KEY_MAP,
	MC_KEY_LIST,
	MC_KEY_BOOL,
	MC_KEY_VALUE    /* a scalar other than null */
} mc_key_type;

typedef struct mc_key {
	const char *name;
	mc_key_type type;
	bool required;
	const char *what;   /* what a wrong value is called ("rule id"), or
	                       NULL for the quoted key ("'says'") */
} mc_key;

typedef struct mc_schema {
	const char *what;   /* "a rule": in "unknown key 'x' in a rule" */
	const mc_key *keys; /* ended by {NULL} */
} mc_schema;

/* The most keys a schema declares. */
#define MC_SCHEMA_MAX_KEYS 16

/*
 * Checks the node n against schema s: that it is a mapping, that each of
 * its keys is declared (all such keys reported), that the required keys
 * are there, then each declared value's type in the table's order (up to
 * the first that is wrong). When vals is not NULL, vals[i] receives the
 * value of the schema's key i, or NULL. Returns true when n passed.
 */
bool mc_schema_check(const mc_schema *s, const mc_node *n,
		     const mc_node **vals, mc_diag *diag, int *errors);

/*
 * Checks that n is of type t, reporting "WHAT must be ..." when it is not
 * (what as in mc_key); the one place each type's message is written.
 */
bool mc_schema_want(const mc_node *n, mc_key_type t, const char *what,
		    mc_diag *diag, int *errors);

/* The word of choices (ended by NULL) nearest to word, if one is near
 * enough to be what was meant; else NULL. */
const char *mc_schema_suggest(const char *word, const char *const *choices);

#endif
