/* SPDX-License-Identifier: MIT */
/*
 * factor.h - a kind's checks evaluated apart, and combined as sets of hosts.
 *
 * A move is allowed when every check of its kind holds, and each check
 * reads little: a match reads one field of two hosts, a host requirement a
 * few paths of the target. So each check is evaluated once per pair of its
 * own classes (VM classes equal on what it reads of the VM and its host,
 * hosts equal on what it reads of a target), which are few, and the result
 * is kept, per class of the VM side, as the set of hosts the check lets
 * through: a bitset over hosts in name order. The hosts that can take a VM
 * class are the intersection of its checks' sets (less the checks its
 * relaxations drop), its best hosts come from the preferences' sets, rating
 * level by rating level, and why no host takes it is counted from the
 * checks' outcomes per class of hosts.
 *
 * A kind qualifies when its relaxations read no target (they then depend on
 * the VM side alone), its Lua rules declare `uses`, it has at most eight
 * preferences, and its checks' class pairs are not too many.
 */
#ifndef MC_FACTOR_H
#define MC_FACTOR_H

#include "fleet/classes.h"
#include "eval/eval.h"

typedef struct mc_factored mc_factored;

/*
 * Prepares kind for evaluation apart over the VM classes vmc (of that kind
 * and of others: only those of the kind are evaluated). byname lists the
 * hosts in name order: bit i of a set is host byname[i]. Everything lives in
 * arena. placed: the caller rates the kind's hosts under `placement` itself
 * (from mc_factored_held), so a kind placement rates qualifies; it must
 * then not call mc_factored_best or mc_factored_ratings, which know the
 * preferences alone. Returns 0, 1 when the kind does not qualify (*out
 * NULL), or -1 when memory runs out.
 */
int mc_factored_new(mc_factored **out, mc_ctx *ctx, int kind, bool placed,
		    const mc_classes *vmc, const int *vm_kind,
		    const uint32_t *byname, mc_arena *arena);

/* Words in a set of hosts. */
size_t mc_factored_words(const mc_factored *fk);

/* The class pairs of its checks that were evaluated. */
size_t mc_factored_evaluations(const mc_factored *fk);

/* The hosts that allow the move of VM class c, its own host included, into
 * set; returns how many. -1 when memory runs out. Call it for a class
 * before mc_factored_best. */
long mc_factored_allowed(mc_factored *fk, size_t c, uint64_t *set);

/* The weight of the preferences that hold for VM class c on the host at
 * place, as mc_eval_pair gives it; after mc_factored_allowed. */
uint64_t mc_factored_held(const mc_factored *fk, size_t c, uint32_t place);

/*
 * The best of the hosts in set for VM class c: at most want places by name,
 * highest rating first, then by name, into places and ratings (in half
 * stars). Returns how many. scratch has room for a set. Allocates nothing.
 */
size_t mc_factored_best(mc_factored *fk, size_t c, const uint64_t *set,
			size_t want, uint32_t *places, uint8_t *ratings,
			uint64_t *scratch);

/*
 * The rating of each host in set for VM class c, in half stars: ratings[i]
 * for the host at place i (the other places are left as they are). As
 * mc_factored_best, after mc_factored_allowed. Allocates nothing.
 */
void mc_factored_ratings(const mc_factored *fk, size_t c, const uint64_t *set,
			 uint8_t *ratings);

/*
 * Why hosts refuse VM class c: calls count(arg, vio, hosts) for each check
 * that fails and each way it fails (vio->check, index and status set), with
 * the hosts it fails on, not counting the host at place `own`.
 */
void mc_factored_reasons(const mc_factored *fk, size_t c, uint32_t own,
			 void (*count)(void *arg, const mc_vio *vio, size_t hosts),
			 void *arg);

/*
 * A match or compare entry (check, index) of kind on every pair of the
 * hosts sources[0 .. ns) and targets[0 .. nt), into out[s * nt + t]:
 * MC_ONE_PASSED or the violation status, as mc_eval_check gives them. A
 * set check is decided as bits over the fleet's members, a check on
 * versions or integers by ranks of the values. Returns 1 when done, 0
 * when neither way decides the check (then out holds nothing useful), -1
 * when memory runs out.
 */
int mc_factor_field_pairs(const mc_fleet *f, int kind, mc_check_type check,
			  size_t index, const uint32_t *sources, size_t ns,
			  const uint32_t *targets, size_t nt, int8_t *out);

#endif
