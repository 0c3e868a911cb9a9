/* SPDX-License-Identifier: MIT */
/*
 * classes.h - hosts and VMs grouped by what a kind of move reads.
 *
 * A kind's verdict on a pair depends only on the values its checks read:
 * the target's and the source's host paths named by conditions and by the
 * `uses` of Lua rules, both hosts' fields that match, compare and prefer
 * name, and the VM's paths. Hosts equal on everything a kind reads of a
 * target form a target class; VMs of one kind whose own values and whose
 * host's values are equal on everything it reads form a VM class. One
 * evaluation of a class pair decides every pair it stands for. A kind with
 * a Lua rule that declares no `uses` may read anything: it is opaque, and
 * every host and every VM is a class of its own.
 */
#ifndef MC_CLASSES_H
#define MC_CLASSES_H

#include <stdbool.h>
#include <stdint.h>

#include "eval/eval.h"
#include "eval/fleet.h"
#include "load/value.h"

/* What one kind reads. */
typedef struct mc_reads {
	uint8_t *target;   /* per host path: read from the target */
	uint8_t *source;   /* per host path: read from the VM's host */
	uint8_t *vm;       /* per VM path: read from the VM */
	uint64_t fields;   /* fields read from both hosts */
	bool opaque;       /* a Lua rule reads what it does not declare */
	/* With hosts_only: the host requirements and rules left out because
	 * they read the VM (or, for a Lua rule, may read it). */
	uint8_t *skip_host;
	uint8_t *skip_rule;
} mc_reads;

/* Fills *r for kind; the arrays live in arena. With hosts_only, what a
 * kind's checks read of two hosts alone: checks that read the VM are left
 * out and marked in skip_host and skip_rule, preferences are left out, and
 * the kind is never opaque.
 * Returns 0, or -1 when memory runs out. */
int mc_reads_of_kind(mc_reads *r, const mc_policy *p, int kind,
		     bool hosts_only, mc_arena *arena);

/* Fills *r as mc_reads_of_kind does without hosts_only, but for the
 * kind's `placement`: what decides whether the policy allows a move, room
 * aside. */
int mc_reads_of_kind_checks(mc_reads *r, const mc_policy *p, int kind,
			    mc_arena *arena);

/* Fills *r with what one check of kind reads (see mc_eval_check): a host
 * requirement, relaxation, match or compare entry, rule or preference. */
int mc_reads_of_check(mc_reads *r, const mc_policy *p, int kind,
		      mc_check_type check, size_t index, mc_arena *arena);

/* Does some relaxation's `when` read the target? */
bool mc_relax_reads_target(const mc_policy *p);

/* A grouping of n items into classes. Class numbers follow the first
 * appearance of a member, so the grouping is stable. */
typedef struct mc_classes {
	size_t nitems;
	size_t nclasses;
	uint32_t *of;       /* the class of each item */
	uint32_t *first;    /* per class: its first member (the one evaluated) */
	uint32_t *start;    /* per class c: members[start[c] .. start[c + 1]) */
	uint32_t *members;  /* items, class by class, in item order */
} mc_classes;

/* How items are told apart: a hash of an item, and whether two items are
 * equal. */
typedef struct mc_class_key {
	uint64_t (*hash)(const void *arg, size_t item);
	bool (*equal)(const void *arg, size_t a, size_t b);
	const void *arg;
} mc_class_key;

/* Groups items 0 .. n-1 by key. skip, when not NULL, marks items left out
 * (their class is UINT32_MAX). Returns 0, or -1 when memory runs out. */
int mc_classes_build(mc_classes *c, size_t n, const mc_class_key *key,
		     const uint8_t *skip, mc_arena *arena);

/* The host side of a kind: the hosts of a fleet as targets (reads->target)
 * or as sources (reads->source), with the fields of reads. */
typedef struct mc_host_key {
	const mc_fleet *fleet;
	const uint32_t *order;  /* item i is host order[i]; NULL: host i */
	const uint8_t *paths;   /* which host paths count */
	uint64_t fields;
	bool opaque;            /* every host its own class */
} mc_host_key;

/* The key functions of hosts (arg: an mc_host_key). */
uint64_t mc_host_hash(const void *arg, size_t host);
bool mc_host_equal(const void *arg, size_t a, size_t b);

/* A kind's hosts in classes, by what it reads: as targets (items are
 * places when the target key has an order) and as the VM's host. */
typedef struct mc_kind_classes {
	mc_reads reads;
	mc_host_key target_key, source_key;
	mc_classes targets;
	mc_classes sources;
} mc_kind_classes;

/* Groups the hosts of f for a kind whose reads kc->reads holds: targets by
 * place (byname, or host when NULL), sources by host; with opaque, every
 * host a class of its own. Returns 0, or -1 when memory runs out. */
int mc_kind_classes_build(mc_kind_classes *kc, const mc_fleet *f,
			  const uint32_t *byname, bool opaque, mc_arena *arena);

/* How VMs are told apart: their kind (vm_kind, -1 for none), the source
 * class of their host under it, and their values of the VM paths it
 * reads; with opaque, or for a kind that is, every VM its own class. */
typedef struct mc_vm_key {
	const mc_fleet *fleet;
	const int *vm_kind;
	const mc_kind_classes *kinds;  /* by kind */
	bool opaque;
} mc_vm_key;

/* The key functions of VMs (arg: an mc_vm_key). */
uint64_t mc_vm_hash(const void *arg, size_t vm);
bool mc_vm_equal(const void *arg, size_t a, size_t b);

/* How values read by a kind are told apart (mc_value_equal): lists and
 * mappings member by member, and integers and booleans also by their text,
 * since a pattern or a message sees it. mc_value_hash agrees. */
#define MC_CLASS_EQ (MC_EQ_DEEP | MC_EQ_TEXT)

#endif
