/* SPDX-License-Identifier: MIT */
/*
 * inventory.h - hosts and VMs (the opaque mc_inventory of migcheck.h).
 *
 * An inventory is merged from several files. A host or VM named in more
 * than one file is one record: its parts merge key by key at every depth,
 * and a key two parts give must have one value (scalars of one type and
 * value, lists as sets, a list of mappings or lists item by item);
 * anything else is an error at the later value that names the earlier.
 * The merged record is built in the inventory's arena from the parts'
 * nodes, which keep their own file, line and column; its own place is its
 * first part's. One name twice in one file is an error, as it always was.
 *
 * Only `name` (hosts and VMs), `host` and `state` (VMs) are required; the
 * rest of each record is data that policies read by path. The types of
 * the documented optional keys (`cluster`, `checkpoints`,
 * `processor_compatibility`) are checked in each part as it is read, so
 * that a typo there is an error at its line rather than a quiet verdict.
 * What needs every part waits for mc_inventory_finish: a VM's required
 * keys, and its defaults: a VM without `checkpoints` has 0, and without
 * `processor_compatibility` has false, as if the record said so (at the
 * record's position).
 */
#ifndef MC_INVENTORY_H
#define MC_INVENTORY_H

#include "util/arena.h"
#include "migcheck.h"
#include "load/node.h"
#include "util/strmap.h"

typedef struct mc_host_rec {
	const char *name;
	const char *cluster;   /* or NULL */
	const mc_node *node;   /* the record: its one part, or its parts merged */
	const mc_node *last;   /* its last part read */
} mc_host_rec;

typedef struct mc_vm_rec {
	const char *name;
	const char *state;         /* or NULL until finish */
	const mc_node *node;       /* as mc_host_rec's */
	const mc_node *last;
	const mc_node *host_node;  /* the `host:` value, or NULL */
	mc_place host_at;          /* where it was written */
	uint32_t host;             /* index of its host, after finish */
} mc_vm_rec;

struct mc_inventory {
	mc_limits limits;
	mc_arena arena;        /* records completed with their defaults */
	mc_doc **docs;
	size_t ndocs, capdocs;
	mc_host_rec *hosts;
	size_t nhosts, caphosts;
	mc_vm_rec *vms;
	size_t nvms, capvms;
	mc_strmap host_index;  /* name -> index */
	mc_strmap vm_index;
	bool finished;
};

/* As mc_inventory_add_file, for a file that the node `by` names (a policy
 * test's `inventory:`): see mc_named for what that changes. */
int mc_inventory_add_named(mc_inventory *inv, const char *path,
			   const mc_node *by, mc_diag *diag);

/* The index of a host or VM by name, or -1. */
long mc_inventory_find_host(const mc_inventory *inv, const char *name);
long mc_inventory_find_vm(const mc_inventory *inv, const char *name);

/* Fills byname (room for every host) with the hosts' indexes in the
 * byte order of their names. Returns 0, or -1 when memory runs out. */
int mc_inventory_by_name(const mc_inventory *inv, uint32_t *byname);

#endif
