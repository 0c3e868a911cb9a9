/* SPDX-License-Identifier: MIT */
/*
 * fleet.h - a policy bound to an inventory (the opaque mc_fleet).
 *
 * Binding reads, once, every path the policy uses from every record, and
 * every host's declared fields: normalized by their patterns, coerced to
 * their types, and for sets interned and sorted, so that comparing two
 * hosts' sets is a merge of two pointer arrays. After binding a fleet is
 * immutable; evaluation reads it and allocates nothing.
 */
#ifndef MC_FLEET_H
#define MC_FLEET_H

#include "eval/inventory.h"
#include "policy/policy.h"

typedef enum mc_fv_status {
	MC_FV_OK,
	MC_FV_MISSING,
	MC_FV_MALFORMED,   /* cannot be read as the field's type */
	MC_FV_LIMIT,       /* a normalize pattern hit its match limit */
	MC_FV_RUN_LIMIT    /* the binding's budget of pattern steps ran out */
} mc_fv_status;

/* One host's value of one field. */
typedef struct mc_fval {
	uint8_t status;         /* mc_fv_status */
	const mc_node *node;    /* the raw value, or NULL when missing */
	const char *text;       /* normalized text (not for sets) */
	size_t len;
	int64_t num;            /* integers; booleans as 0/1 */
	const char *const *items;  /* sets: interned, sorted by address */
	size_t count;
} mc_fval;

struct mc_fleet {
	const mc_policy *policy;
	const mc_inventory *inv;
	mc_limits limits;
	mc_arena arena;
	mc_strmap intern;        /* set members: text -> index in `interned` */
	const char **interned;
	size_t ninterned, capinterned;
	size_t nhost_paths, nvm_paths, nfields;
	const mc_node **host_vals;  /* host h: host_vals + h * nhost_paths */
	const mc_node **vm_vals;    /* vm v: vm_vals + v * nvm_paths */
	mc_fval *fvals;             /* host h: fvals + h * nfields */
	/* Every field as the source of a move reads it: fvals itself, unless
	 * a field has `source: cluster`; then a copy in which those fields
	 * hold the members every host of the cluster has. sfrom: for such a
	 * value that is not OK, the host of the cluster it came from (NULL
	 * when no field reads over the cluster). */
	const mc_fval *sfvals;      /* host h: sfvals + h * nfields */
	size_t *sfrom;
};

static inline const mc_node *const *
mc_fleet_host_values(const mc_fleet *f, size_t h)
{
	return f->host_vals + h * f->nhost_paths;
}

static inline const mc_node *const *
mc_fleet_vm_values(const mc_fleet *f, size_t v)
{
	return f->vm_vals + v * f->nvm_paths;
}

static inline const mc_fval *
mc_fleet_field(const mc_fleet *f, size_t h, size_t field)
{
	return &f->fvals[h * f->nfields + field];
}

/*
 * The members of the set a (n of them) that the set b (nb) holds too, kept
 * in a in their order; returns how many. Both are sorted by address, as a
 * fleet's sets are, so this is one merge.
 */
size_t mc_fleet_set_intersect(const char **a, size_t n, const char *const *b,
			      size_t nb);

/* Host h's value of a field as the source of a move: its own, or for a
 * field with `source: cluster` the members every host of its cluster has. */
static inline const mc_fval *
mc_fleet_source_field(const mc_fleet *f, size_t h, size_t field)
{
	return &f->sfvals[h * f->nfields + field];
}

/* The host a source value that is not OK comes from: h itself, or the
 * host of h's cluster whose value the cluster's members lack. */
static inline size_t
mc_fleet_source_host(const mc_fleet *f, size_t h, size_t field)
{
	if (f->policy->fields[field].source_cluster)
		return f->sfrom[h * f->nfields + field];
	return h;
}

#endif
