/* SPDX-License-Identifier: MIT */
/*
 * test_assign.c - mc_assignment_make() on generated fleets: no host is
 * given more than its room, every move is one the policy allows, and a VM
 * is left where it is only when no host the policy allows has room for it.
 * The room is counted here again, from the inventory's numbers, with the
 * arithmetic of docs/placement.md.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

/* Intel and AMD hosts; a saved VM needs its host's manufacturer, a stopped
 * one goes anywhere. CPU and memory are considered, with reserves. */
static const char *const CHECKS =
	"policy: assign\n"
	"format: 1\n"
	"fields:\n"
	"  vendor: { from: cpu.manufacturer }\n"
	"kinds:\n"
	"  saved: { when: { vm.state: saved } }\n"
	"  stopped: { when: { vm.state: stopped } }\n"
	"match:\n"
	"  saved: [vendor]\n"
	"prefer:\n"
	"  - { when: { target.cluster: $source.cluster }, weight: 1 }\n";
static const char *const PLACEMENT =
	"placement:\n"
	"  importance: { cpu: 5, memory: 8 }\n"
	"  reserves: { cpu_percent: 10, memory_mb: 1024 }\n"
	"  goal: ";

/* A Lua rule without `uses` that lets every move through: with it, the
 * kinds are evaluated pair by pair, not apart (factor.h). */
static const char *const ANY_HOST =
	"rules:\n"
	"  - id: any-host\n"
	"    lua: |\n"
	"      return true\n";

/* The policy with goal, by_pairs: with ANY_HOST. */
static void
policy_text(char *out, size_t size, const char *goal, bool by_pairs)
{
	snprintf(out, size, "%s%s%s%s\n", CHECKS, by_pairs ? ANY_HOST : "",
		 PLACEMENT, goal);
}

#define RESERVE_CPU 10
#define RESERVE_MB 1024
#define VM_LOAD 20

typedef struct host {
	int cpus, cpu_use, memory, memory_use, intel;
	char cluster;
} host;

typedef struct vm {
	int host, saved, vcpus, memory, load;  /* load < 0: none given */
} vm;

typedef struct fleet {
	size_t nhosts, nvms;
	host *h;
	vm *v;
} fleet;

static unsigned long long
next(unsigned long long *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

/* A fleet tight enough that some VMs find no room. */
static fleet
generate(unsigned long long seed, size_t nhosts, size_t nvms)
{
	fleet fl = {nhosts, nvms, calloc(nhosts, sizeof(host)), calloc(nvms, sizeof(vm))};
	unsigned long long s = seed;

	ck_assert_ptr_nonnull(fl.h);
	ck_assert_ptr_nonnull(fl.v);
	for (size_t i = 0; i < nhosts; i++) {
		host *h = &fl.h[i];

		h->cpus = 4 << (next(&s) % 4);
		h->cpu_use = (int)(next(&s) % 60);
		h->memory = 8192 << (next(&s) % 3);
		h->memory_use = (int)(next(&s) % (unsigned)(h->memory / 2));
		h->intel = next(&s) % 3 != 0;
		h->cluster = (char)('a' + next(&s) % 3);
	}
	for (size_t i = 0; i < nvms; i++) {
		vm *v = &fl.v[i];

		v->host = (int)(next(&s) % nhosts);
		v->saved = next(&s) % 2;
		v->vcpus = 1 << (next(&s) % 3);
		v->memory = 512 << (next(&s) % 4);
		v->load = next(&s) % 4 == 0 ? -1 : (int)(next(&s) % 80);
	}
	return fl;
}

static char *
inventory_text(const fleet *fl)
{
	mc_buf b = MC_BUF_INIT;
	char *text;
	size_t len;

	mc_buf_adds(&b, "hosts:\n");
	for (size_t i = 0; i < fl->nhosts; i++) {
		const host *h = &fl->h[i];

		mc_buf_addf(&b, "  - name: h%03zu\n    cluster: %c\n"
			    "    cpu: { manufacturer: %s }\n"
			    "    resources: { cpus: %d, memory_mb: %d }\n"
			    "    usage: { cpu_percent: %d, memory_mb: %d }\n", i,
			    h->cluster, h->intel ? "GenuineIntel" : "AuthenticAMD",
			    h->cpus, h->memory, h->cpu_use, h->memory_use);
	}
	mc_buf_adds(&b, "vms:\n");
	for (size_t i = 0; i < fl->nvms; i++) {
		const vm *v = &fl->v[i];

		mc_buf_addf(&b, "  - name: vm%03zu\n    host: h%03d\n    state: %s\n"
			    "    resources: { vcpus: %d, memory_mb: %d }\n", i, v->host,
			    v->saved ? "saved" : "stopped", v->vcpus, v->memory);
		if (v->load >= 0)
			mc_buf_addf(&b, "    load: { cpu_percent: %d }\n", v->load);
	}
	ck_assert_int_eq(mc_buf_take(&b, &text, &len), 0);
	return text;
}

/* What VM v needs of host h's processors, in hundredths of a percent. */
static long
cpu_need(const fleet *fl, size_t v, size_t h)
{
	long load = fl->v[v].load < 0 ? VM_LOAD : fl->v[v].load;

	return (load * fl->v[v].vcpus * 100 + fl->h[h].cpus - 1) / fl->h[h].cpus;
}

static bool
compatible(const fleet *fl, size_t v, size_t h)
{
	return (size_t)fl->v[v].host != h &&
	       (!fl->v[v].saved || fl->h[h].intel == fl->h[fl->v[v].host].intel);
}

/* Whether v fits on h with cpu and mem (hundredths, MB) already taken. */
static bool
fits(const fleet *fl, size_t v, size_t h, long cpu, long mem)
{
	const host *x = &fl->h[h];

	return x->cpu_use * 100L + cpu + cpu_need(fl, v, h) <=
	       (100L - RESERVE_CPU) * 100 &&
	       x->memory_use + mem + fl->v[v].memory <= x->memory - RESERVE_MB;
}

static size_t
index_of(const char *name, char prefix)
{
	ck_assert_int_eq(name[0], prefix);
	return (size_t)strtoul(name + (prefix == 'v' ? 2 : 1), NULL, 10);
}

static void
check_assignment(const char *goal, unsigned long long seed, size_t nhosts,
		 size_t nvms, size_t *placed, size_t *left)
{
	char policy[2048];
	fleet fl = generate(seed, nhosts, nvms);
	char *inv = inventory_text(&fl);
	fleet_fixture x;
	mc_assignment_request req = {NULL, NULL};
	mc_assignment *res = NULL;
	long *cpu = calloc(nhosts, sizeof(long)), *mem = calloc(nhosts, sizeof(long));
	bool *seen = calloc(nvms, sizeof(bool));

	policy_text(policy, sizeof(policy), goal, false);
	x = fleet_from("assign.yaml", policy, inv, NULL);
	ck_assert_int_eq(mc_assignment_make(&res, x.fleet, &req, x.diag), MC_OK);
	ck_assert_uint_eq(res->nvms, nvms);
	ck_assert_uint_eq(res->nmoves + res->nunplaced, nvms);
	/* Each move, in order: allowed, and within the room left. */
	for (size_t i = 0; i < res->nmoves; i++) {
		const mc_assignment_move *m = &res->moves[i];
		size_t v = index_of(m->vm, 'v'), h = index_of(m->to, 'h');

		ck_assert(!seen[v]);
		seen[v] = true;
		ck_assert_uint_eq(index_of(m->from, 'h'), (size_t)fl.v[v].host);
		ck_assert_msg(compatible(&fl, v, h), "%s to %s", m->vm, m->to);
		ck_assert_msg(fits(&fl, v, h, cpu[h], mem[h]), "%s does not fit on "
			      "%s after %zu moves", m->vm, m->to, i);
		ck_assert_uint_ge(m->rating_halves, 2);
		cpu[h] += cpu_need(&fl, v, h);
		mem[h] += fl.v[v].memory;
	}
	/* A VM left where it is has no room on any host it may go to, even
	 * now, when every host has at most the room it had at its turn. */
	for (size_t i = 0; i < res->nunplaced; i++) {
		const mc_assignment_unplaced *u = &res->unplaced[i];
		size_t v = index_of(u->vm, 'v'), n = 0;

		ck_assert(!seen[v]);
		seen[v] = true;
		for (size_t h = 0; h < nhosts; h++) {
			if (!compatible(&fl, v, h))
				continue;
			n++;
			ck_assert_msg(!fits(&fl, v, h, cpu[h], mem[h]),
				      "%s left where it is, but h%03zu has room", u->vm, h);
		}
		ck_assert_uint_eq(u->compatible, n);
		ck_assert_uint_eq(u->full, n);
		ck_assert_ptr_nonnull(u->why);
	}
	*placed += res->nmoves;
	*left += res->nunplaced;
	mc_assignment_free(res);
	fleet_done(&x);
	free(inv);
	free(cpu);
	free(mem);
	free(seen);
	free(fl.h);
	free(fl.v);
}

static unsigned
seeds(void)
{
	return test_time_scale() > 1 ? 2 : 40;
}

START_TEST(never_over_room_load_balancing)
{
	size_t placed = 0, left = 0;

	for (unsigned long long seed = 1; seed <= seeds(); seed++)
		check_assignment("load-balancing", seed, 12, 60, &placed, &left);
	/* The fleets are tight: some VMs stay, most move. */
	ck_assert_uint_gt(placed, left);
	ck_assert_uint_gt(left, 0);
}
END_TEST

START_TEST(never_over_room_resource_maximization)
{
	size_t placed = 0, left = 0;

	for (unsigned long long seed = 101; seed <= 100 + seeds(); seed++)
		check_assignment("resource-maximization", seed, 12, 60, &placed, &left);
	ck_assert_uint_gt(placed, left);
	ck_assert_uint_gt(left, 0);
}
END_TEST

/* The sets of hosts of a kind evaluated apart give the assignment that
 * evaluating each pair of classes gives: the same moves, ratings and
 * reasons. */
START_TEST(apart_as_by_pairs)
{
	size_t left = 0;

	for (unsigned long long seed = 201; seed <= 200 + seeds(); seed++) {
		fleet fl = generate(seed, 12, 60);
		char *inv = inventory_text(&fl);
		mc_assignment *res[2] = {NULL, NULL};
		fleet_fixture x[2];
		mc_assignment_request req = {NULL, NULL};

		for (int i = 0; i < 2; i++) {
			char policy[2048];

			policy_text(policy, sizeof(policy), seed % 2 ?
				    "load-balancing" : "resource-maximization", i);
			x[i] = fleet_from("assign.yaml", policy, inv, NULL);
			ck_assert_int_eq(mc_assignment_make(&res[i], x[i].fleet, &req,
							    x[i].diag), MC_OK);
		}
		ck_assert_uint_eq(res[0]->nmoves, res[1]->nmoves);
		ck_assert_uint_eq(res[0]->nunplaced, res[1]->nunplaced);
		left += res[0]->nunplaced;
		for (size_t m = 0; m < res[0]->nmoves; m++) {
			const mc_assignment_move *a = &res[0]->moves[m], *b = &res[1]->moves[m];

			ck_assert_str_eq(a->vm, b->vm);
			ck_assert_str_eq(a->to, b->to);
			ck_assert_uint_eq(a->rating_halves, b->rating_halves);
		}
		for (size_t u = 0; u < res[0]->nunplaced; u++) {
			const mc_assignment_unplaced *a = &res[0]->unplaced[u];
			const mc_assignment_unplaced *b = &res[1]->unplaced[u];

			ck_assert_str_eq(a->vm, b->vm);
			ck_assert_uint_eq(a->compatible, b->compatible);
			ck_assert_str_eq(a->why, b->why);
		}
		for (int i = 0; i < 2; i++) {
			mc_assignment_free(res[i]);
			fleet_done(&x[i]);
		}
		free(inv);
		free(fl.h);
		free(fl.v);
	}
	ck_assert_uint_gt(left, 0);
}
END_TEST

/* Emptying one host: its VMs only, each placed or said why not. */
START_TEST(evacuation_moves_one_host)
{
	char policy[2048];
	fleet fl = generate(7, 32, 200);
	char *inv = inventory_text(&fl);
	fleet_fixture x;
	mc_assignment_request req = {"h005", NULL};
	mc_assignment *res = NULL;
	size_t on = 0;

	for (size_t v = 0; v < fl.nvms; v++)
		on += fl.v[v].host == 5;
	policy_text(policy, sizeof(policy), "load-balancing", false);
	x = fleet_from("assign.yaml", policy, inv, NULL);
	ck_assert_int_eq(mc_assignment_make(&res, x.fleet, &req, x.diag), MC_OK);
	ck_assert_uint_eq(res->nvms, on);
	ck_assert_uint_eq(res->nmoves + res->nunplaced, on);
	ck_assert_str_eq(res->host, "h005");
	for (size_t i = 0; i < res->nmoves; i++)
		ck_assert_str_eq(res->moves[i].from, "h005");
	mc_assignment_free(res);
	fleet_done(&x);
	free(inv);
	free(fl.h);
	free(fl.v);
}
END_TEST

/* Placed smallest first, the two stopped VMs fill t1, the one host the
 * saved VM may go to (t2's processors are another manufacturer's); the
 * VM left over has them moved to t2 and takes t1. */
START_TEST(makes_room_by_moving_placed_vms)
{
	char policy[2048];
	fleet_fixture x;
	mc_assignment_request req = {NULL, NULL};
	mc_assignment *res = NULL;
	static const char *const want[][2] = {
		{"s1", "t2"}, {"s2", "t2"}, {"u", "t1"},
	};

	policy_text(policy, sizeof(policy), "resource-maximization", false);
	x = fleet_from("assign.yaml", policy,
		"hosts:\n"
		"  - { name: src, cpu: { manufacturer: AuthenticAMD },\n"
		"      resources: { cpus: 16, memory_mb: 2048 },\n"
		"      usage: { cpu_percent: 0, memory_mb: 0 } }\n"
		"  - { name: t1, cpu: { manufacturer: AuthenticAMD },\n"
		"      resources: { cpus: 16, memory_mb: 9216 },\n"
		"      usage: { cpu_percent: 0, memory_mb: 0 } }\n"
		"  - { name: t2, cpu: { manufacturer: GenuineIntel },\n"
		"      resources: { cpus: 16, memory_mb: 17408 },\n"
		"      usage: { cpu_percent: 0, memory_mb: 0 } }\n"
		"vms:\n"
		"  - { name: u, host: src, state: saved,\n"
		"      resources: { vcpus: 1, memory_mb: 8192 } }\n"
		"  - { name: s1, host: src, state: stopped,\n"
		"      resources: { vcpus: 1, memory_mb: 4096 } }\n"
		"  - { name: s2, host: src, state: stopped,\n"
		"      resources: { vcpus: 1, memory_mb: 4096 } }\n",
		NULL);
	ck_assert_int_eq(mc_assignment_make(&res, x.fleet, &req, x.diag), MC_OK);
	ck_assert_uint_eq(res->nunplaced, 0);
	ck_assert_uint_eq(res->nmoves, 3);
	/* In the order placed: s1 and s2 first (their targets changed when
	 * they moved), then u. */
	for (size_t i = 0; i < 3; i++) {
		ck_assert_str_eq(res->moves[i].vm, want[i][0]);
		ck_assert_str_eq(res->moves[i].to, want[i][1]);
	}
	mc_assignment_free(res);
	fleet_done(&x);
}
END_TEST

/* 2^40 vCPUs at 2^40 percent: a demand past int64_t's range, counted as
 * more than any host has (docs/placement.md), never wrapped around. */
START_TEST(huge_cpu_demand_fits_nowhere)
{
	char policy[2048];
	fleet_fixture x;
	mc_assignment_request req = {NULL, NULL};
	mc_assignment *res = NULL;

	policy_text(policy, sizeof(policy), "load-balancing", false);
	x = fleet_from("assign.yaml", policy,
		"hosts:\n"
		"  - { name: a, resources: { cpus: 1099511627776, memory_mb: 65536 },\n"
		"      usage: { cpu_percent: 0, memory_mb: 0 } }\n"
		"  - { name: b, resources: { cpus: 1, memory_mb: 65536 },\n"
		"      usage: { cpu_percent: 0, memory_mb: 0 } }\n"
		"vms:\n"
		"  - { name: big, host: b, state: stopped,\n"
		"      resources: { vcpus: 1099511627776, memory_mb: 1024 },\n"
		"      load: { cpu_percent: 1099511627776 } }\n"
		"  - { name: small, host: b, state: stopped,\n"
		"      resources: { vcpus: 1, memory_mb: 1024 } }\n",
		NULL);
	ck_assert_int_eq(mc_assignment_make(&res, x.fleet, &req, x.diag), MC_OK);
	ck_assert_uint_eq(res->nmoves, 1);
	ck_assert_str_eq(res->moves[0].vm, "small");
	ck_assert_uint_eq(res->nunplaced, 1);
	ck_assert_str_eq(res->unplaced[0].vm, "big");
	ck_assert_str_eq(res->unplaced[0].why,
			 "the one host the policy allows has no room left: cpu short on 1");
	mc_assignment_free(res);
	fleet_done(&x);
}
END_TEST

/* Without placement there is no room to count: a usage error. */
START_TEST(needs_placement)
{
	fleet_fixture x = fleet_from("p.yaml",
		"policy: p\nformat: 1\nkinds:\n  any: {}\n",
		"hosts:\n  - name: a\n  - name: b\nvms:\n  - {name: v, host: a, state: stopped}\n",
		NULL);
	mc_assignment_request req = {NULL, NULL};
	mc_assignment *res = NULL;

	ck_assert_int_eq(mc_assignment_make(&res, x.fleet, &req, x.diag),
			 MC_EUSAGE);
	ck_assert_ptr_null(res);
	ck_assert(has_diag(x.diag, "has no 'placement'"));
	fleet_done(&x);
}
END_TEST

Suite *
assign_suite(void)
{
	Suite *s = suite_create("assign");
	TCase *tc = tcase_create("assign");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, never_over_room_load_balancing);
	tcase_add_test(tc, never_over_room_resource_maximization);
	tcase_add_test(tc, evacuation_moves_one_host);
	tcase_add_test(tc, apart_as_by_pairs);
	tcase_add_test(tc, makes_room_by_moving_placed_vms);
	tcase_add_test(tc, huge_cpu_demand_fits_nowhere);
	tcase_add_test(tc, needs_placement);
	suite_add_tcase(s, tc);
	return s;
}
