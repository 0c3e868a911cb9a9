/* SPDX-License-Identifier: MIT */
/*
 * test_plan.c - mc_plan() and mc_matrix(): classes decide as pairs do, on a
 * generated fleet with every kind of check; targets, reasons, evacuation;
 * matrix classes and one-way edges; the matrix by checks apart as by class
 * pairs whole, with every shipped policy. mc_diff(): by classes as by pairs
 * and as mc_check() of every VM under both policies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "load/node.h"

/* Every kind of check: host requirements (one reads the VM), a relaxation,
 * match and compare of every type, a condition rule, a Lua rule with
 * `uses`, a Lua rule without (its kind is evaluated pair by pair), and
 * both kinds of preference. */
static const char *const POLICY =
	"policy: every-check\n"
	"format: 1\n"
	"fields:\n"
	"  manufacturer:\n"
	"    from: cpu.manufacturer\n"
	"    normalize:\n"
	"      - { pattern: '^(GenuineIntel|Intel.*)$', to: Intel }\n"
	"  family: { from: cpu.family, type: integer }\n"
	"  version: { from: hypervisor.version, type: version }\n"
	"  features: { from: cpu.features, type: set }\n"
	"  model: { from: cpu.model, type: integer }\n"
	"kinds:\n"
	"  live: { when: { vm.state: running } }\n"
	"  saved-state: { when: { vm.state: { in: [saved, paused] } } }\n"
	"  stopped: { when: { vm.state: stopped } }\n"
	"host:\n"
	"  require:\n"
	"    - { target.status: responding }\n"
	"    - { target.memory.free_mb: { ge: $vm.memory_mb } }\n"
	"  message: Host {target.name} cannot take it.\n"
	"relax:\n"
	"  - { id: compat, when: { vm.compat: true }, drop: [family, features] }\n"
	"match:\n"
	"  live: [manufacturer, family]\n"
	"  saved-state: [manufacturer, family, model]\n"
	"  stopped: []\n"
	"compare:\n"
	"  live:\n"
	"    - { field: version, op: ge }\n"
	"    - { field: features, op: superset }\n"
	"  saved-state:\n"
	"    - { field: version, op: ge }\n"
	"rules:\n"
	"  - id: not-quarantined\n"
	"    require: { target.cluster: { ne: quarantine } }\n"
	"  - id: family-window\n"
	"    kinds: [live, saved-state]\n"
	"    uses: [target.cpu.family, source.cpu.family]\n"
	"    lua: |\n"
	"      return (target.cpu.family or 0) + 1 >= (source.cpu.family or 0)\n"
	"  - id: big-enough\n"
	"    kinds: [stopped]\n"
	"    lua: |\n"
	"      return target.memory.free_mb > 100\n"
	"prefer:\n"
	"  - { when: { target.cluster: $source.cluster }, weight: 2 }\n"
	"  - { match: model, weight: 1 }\n";

/* A small deterministic generator (xorshift). */
static unsigned
next(unsigned long long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (unsigned)(*s >> 11);
}

static const char *const FLAGS[] = {"sse4_2", "avx", "avx2", "aes", "sha_ni",
				    "avx512f", "vmx", "rdrand"};

/* A fleet of hosts and VMs drawn from few values, so that classes form,
 * with some values missing, malformed or unlisted. */
static char *
generate(unsigned long long seed, size_t nhosts, size_t nvms)
{
	static const char *const mfr[] = {"GenuineIntel", "Intel(R) Xeon", "AuthenticAMD"};
	static const char *const ver[] = {"10.0.17763", "10.0.20348", "10.0.26100", "bad..1"};
	static const char *const clu[] = {"a", "b", "quarantine"};
	static const char *const state[] = {"running", "saved", "paused", "stopped",
					    "running", "suspended"};
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	fputs("hosts:\n", out);
	for (size_t h = 0; h < nhosts; h++) {
		unsigned r = next(&seed), feats = next(&seed);

		fprintf(out, "  - name: h%03zu\n    cluster: %s\n", h, clu[r % 3]);
		fputs("    cpu:\n", out);
		if (r % 17)
			fprintf(out, "      manufacturer: %s\n", mfr[(r / 3) % 3]);
		fprintf(out, "      family: %u\n      model: %u\n", 5 + (r / 9) % 3,
			(r / 27) % 2 ? 85 : 106);
		fputs("      features: [", out);
		for (size_t f = 0; f < 8; f++) {
			if (feats & (1u << f) || f < 2)
				fprintf(out, "%s%s", f ? ", " : "", FLAGS[f]);
		}
		fputs("]\n", out);
		fprintf(out, "    hypervisor: { version: %s }\n", ver[(r / 54) % 4]);
		fprintf(out, "    status: %s\n", (r / 216) % 7 ? "responding" : "down");
		fprintf(out, "    memory: { free_mb: %u }\n", ((r / 1512) % 4) * 100);
		/* What placement reads, from the same draw; a few hosts do not
		 * say how much memory they use. */
		fprintf(out, "    resources: { cpus: %u, memory_mb: %u }\n",
			4u << (r / 5 % 3), 8192u << (r / 7 % 3));
		if (r / 11 % 13)
			fprintf(out, "    usage: { cpu_percent: %u, memory_mb: %u }\n",
				r / 13 % 90, (r / 19 % 6) * 2048);
		else
			fprintf(out, "    usage: { cpu_percent: %u }\n", r / 13 % 90);
	}
	fputs("vms:\n", out);
	for (size_t v = 0; v < nvms; v++) {
		unsigned r = next(&seed);

		fprintf(out, "  - { name: vm%03zu, host: h%03u, state: %s, memory_mb: %u, "
			"compat: %s, resources: { vcpus: %u, memory_mb: %u }",
			v, (unsigned)(r % nhosts), state[(r / 100) % 6],
			((r / 600) % 3) * 100, (r / 1800) % 4 ? "false" : "true",
			1u << (r / 7 % 3), 1024u << (r / 11 % 4));
		if (r / 13 % 5)
			fprintf(out, ", load: { cpu_percent: %u }", r / 17 % 70);
		fputs(" }\n", out);
	}
	fclose(out);
	return text;
}

static mc_plan_result *
plan(const fleet_fixture *x, const char *host, size_t top, bool by_pairs)
{
	mc_plan_request req;
	mc_plan_result *res = NULL;

	memset(&req, 0, sizeof(req));
	req.host = host;
	req.top = top;
	req.by_pairs = by_pairs;
	ck_assert_int_eq(mc_plan(&res, x->fleet, &req, x->diag), MC_OK);
	return res;
}

static void
assert_same_vm(const mc_plan_vm *a, const mc_plan_vm *b)
{
	ck_assert_str_eq(a->name, b->name);
	ck_assert_uint_eq(a->allowed, b->allowed);
	ck_assert_uint_eq(a->ntargets, b->ntargets);
	for (size_t t = 0; t < a->ntargets; t++) {
		ck_assert_str_eq(a->targets[t].host, b->targets[t].host);
		ck_assert_uint_eq(a->targets[t].rating_halves, b->targets[t].rating_halves);
	}
	ck_assert_uint_eq(a->nreasons, b->nreasons);
	for (size_t r = 0; r < a->nreasons; r++) {
		ck_assert_str_eq(a->reasons[r].rule, b->reasons[r].rule);
		ck_assert_str_eq(a->reasons[r].says, b->reasons[r].says);
		ck_assert_uint_eq(a->reasons[r].hosts, b->reasons[r].hosts);
	}
	ck_assert(!a->error == !b->error);
}

/* How many fleets a property is checked on: n natively; under valgrind,
 * which runs code 20 to 50 times slower, the first (or first two, which
 * differ in kind) only, every path still taken once. */
static unsigned long long
seeds(unsigned long long n)
{
	return test_time_scale() > 1 ? (n > 4 ? 2 : 1) : n;
}

/* Classes decide every pair as pair-by-pair evaluation does, and as
 * mc_check() does, on fleets drawn from several seeds. */
/* Plans by classes and by pairs under policy, and checks each VM with
 * mc_check(), on fleets drawn from several seeds. */
static void
plan_as_pairs_and_check(const char *policy)
{
	for (unsigned long long seed = 1; seed <= seeds(4); seed++) {
		char *text = generate(seed * 7919, 60, 150);
		fleet_fixture x = fleet_from("p.yaml", policy, text, NULL);
		mc_plan_result *cls = plan(&x, NULL, 60, false);
		mc_plan_result *prs = plan(&x, NULL, 60, true);
		size_t unplaced = 0, covered = 0;

		ck_assert_uint_eq(cls->nvms, 150);
		ck_assert_uint_eq(cls->nunplaced, prs->nunplaced);
		/* Classes save work: fewer evaluations than pairs. */
		ck_assert_uint_lt(cls->evaluations, prs->evaluations);
		for (size_t v = 0; v < cls->nvms; v++) {
			const mc_plan_vm *pv = &cls->vms[v];
			mc_check_request req = {pv->name, NULL, NULL, false, NULL};
			mc_check_result *chk = NULL;
			size_t allowed = 0;
			int rc;

			assert_same_vm(pv, &prs->vms[v]);
			unplaced += pv->allowed == 0;
			covered += pv->error == NULL;
			rc = mc_check(&chk, x.fleet, &req, x.diag);
			if (pv->error) {
				/* No kind covers the VM: check refuses it too. */
				ck_assert_int_eq(rc, MC_EINPUT);
				mc_diag_clear(x.diag);
				continue;
			}
			ck_assert_int_eq(rc, MC_OK);
			for (size_t h = 0; h < chk->nhosts; h++)
				allowed += chk->hosts[h].allowed;
			ck_assert_uint_eq(pv->allowed, allowed);
			/* check sorts hosts as plan does: the first are its targets. */
			for (size_t t = 0; t < pv->ntargets; t++) {
				ck_assert_str_eq(pv->targets[t].host, chk->hosts[t].name);
				ck_assert_uint_eq(pv->targets[t].rating_halves,
						  chk->hosts[t].rating_halves);
			}
			mc_check_result_free(chk);
		}
		ck_assert_uint_eq(unplaced, cls->nunplaced);
		/* By pairs: every VM a kind covers against every host. */
		ck_assert_uint_eq(prs->evaluations, covered * 60);
		/* The fleet has VMs placed and VMs not. */
		ck_assert_uint_gt(cls->nunplaced, 0);
		ck_assert_uint_lt(cls->nunplaced, cls->nvms);
		mc_plan_result_free(cls);
		mc_plan_result_free(prs);
		fleet_done(&x);
		free(text);
	}
}

START_TEST(classes_decide_as_pairs_do)
{
	plan_as_pairs_and_check(POLICY);
}
END_TEST

/* With placement, every VM is placed host by host after its class's
 * checks: the same allowed counts, targets and ratings as mc_check(), by
 * classes and by pairs, under both goals and with a VM let in at 0 stars
 * where it does not fit. */
START_TEST(placement_plans_as_check_does)
{
	static const char *const goals[] = {
		"placement:\n  goal: load-balancing\n"
		"  importance: { cpu: 5, memory: 8 }\n"
		"  reserves: { cpu_percent: 10, memory_mb: 512 }\n",
		"placement:\n  goal: resource-maximization\n  kinds: [live, saved-state]\n"
		"  weight: 3\n  refuse: false\n",
	};

	for (size_t i = 0; i < sizeof(goals) / sizeof(*goals); i++) {
		size_t n = strlen(POLICY) + strlen(goals[i]) + 1;
		char *policy = malloc(n);

		ck_assert_ptr_nonnull(policy);
		snprintf(policy, n, "%s%s", POLICY, goals[i]);
		plan_as_pairs_and_check(policy);
		free(policy);
	}
}
END_TEST

static const char *const SMALL =
	"hosts:\n"
	"  - { name: a1, cluster: a, cpu: { manufacturer: GenuineIntel, family: 6, model: 85, features: [sse4_2, avx] }, hypervisor: { version: 10.0.17763 }, status: responding, memory: { free_mb: 400 } }\n"
	"  - { name: a2, cluster: a, cpu: { manufacturer: GenuineIntel, family: 6, model: 85, features: [sse4_2, avx] }, hypervisor: { version: 10.0.17763 }, status: responding, memory: { free_mb: 400 } }\n"
	"  - { name: a3, cluster: a, cpu: { manufacturer: GenuineIntel, family: 6, model: 106, features: [sse4_2, avx, avx2] }, hypervisor: { version: 10.0.20348 }, status: responding, memory: { free_mb: 400 } }\n"
	"  - { name: b1, cluster: b, cpu: { manufacturer: GenuineIntel, family: 6, model: 85, features: [sse4_2, avx] }, hypervisor: { version: 10.0.17763 }, status: responding, memory: { free_mb: 400 } }\n"
	"  - { name: d1, cluster: a, cpu: { manufacturer: GenuineIntel, family: 6, model: 85, features: [sse4_2, avx] }, hypervisor: { version: 10.0.17763 }, status: down, memory: { free_mb: 400 } }\n"
	"  - { name: m1, cluster: b, cpu: { manufacturer: AuthenticAMD, family: 25, model: 1, features: [sse4_2, avx, avx2] }, hypervisor: { version: 10.0.20348 }, status: responding, memory: { free_mb: 400 } }\n"
	"vms:\n"
	"  - { name: web, host: a1, state: running, memory_mb: 100 }\n"
	"  - { name: amd, host: m1, state: running, memory_mb: 100 }\n"
	"  - { name: big, host: a1, state: running, memory_mb: 1000 }\n"
	"  - { name: odd, host: a3, state: suspended, memory_mb: 100 }\n";

/* The best hosts by rating then name, the VM's own host never among them. */
START_TEST(targets_are_the_best_hosts)
{
	fleet_fixture x = fleet_from("p.yaml", POLICY, SMALL, NULL);
	mc_plan_result *res = plan(&x, NULL, 2, false);
	const mc_plan_vm *web = &res->vms[0];

	ck_assert_uint_eq(res->nvms, 4);
	ck_assert_str_eq(web->name, "web");
	ck_assert_str_eq(web->kind, "live");
	/* a2 (same cluster and model: 5), a3 (cluster only: 3.5), b1 (model
	 * only: 2.5); d1 is down, m1 is AMD. */
	ck_assert_uint_eq(web->allowed, 3);
	ck_assert_uint_eq(web->ntargets, 2);
	ck_assert_str_eq(web->targets[0].host, "a2");
	ck_assert_uint_eq(web->targets[0].rating_halves, 10);
	ck_assert_str_eq(web->targets[1].host, "a3");
	ck_assert_uint_eq(web->targets[1].rating_halves, 7);
	ck_assert_str_eq(web->targets[1].cluster, "a");
	mc_plan_result_free(res);
	fleet_done(&x);
}
END_TEST

/* A VM no host takes has its reasons, each with the hosts refusing for
 * it, most first; a VM no kind covers says so. */
START_TEST(unplaced_vms_have_their_reasons)
{
	fleet_fixture x = fleet_from("p.yaml", POLICY, SMALL, NULL);
	mc_plan_result *res = plan(&x, NULL, 3, false);
	const mc_plan_vm *amd = &res->vms[1], *big = &res->vms[2], *odd = &res->vms[3];

	ck_assert_uint_eq(res->nunplaced, 3);
	ck_assert_uint_eq(amd->allowed, 0);
	ck_assert_uint_eq(amd->ntargets, 0);
	/* Five other hosts: all Intel, of another family (so the Lua rule
	 * fails too); four lack avx2 or have an older Hyper-V; d1 is down. */
	static const char *const rules[] = {"match.family", "match.manufacturer",
		"rule.family-window", "compare.features", "compare.version", "host.1"};
	static const size_t hosts[] = {5, 5, 5, 4, 4, 1};
	ck_assert_uint_eq(amd->nreasons, 6);
	for (size_t i = 0; i < 6; i++) {
		ck_assert_str_eq(amd->reasons[i].rule, rules[i]);
		ck_assert_uint_eq(amd->reasons[i].hosts, hosts[i]);
	}
	ck_assert_str_eq(amd->reasons[0].says, "family differs from the VM's host's");
	ck_assert_str_eq(amd->reasons[0].field, "family");
	ck_assert_str_eq(amd->reasons[3].says, "features on the target is not a "
			 "superset of the VM's host's");
	ck_assert_str_eq(amd->reasons[5].says, "the host does not meet: "
			 "target.status is responding");
	ck_assert_uint_eq(amd->reasons[0].at.line, 24);
	ck_assert_uint_eq(amd->reasons[0].at.column, 24);
	ck_assert_str_eq(amd->reasons[0].at.file, "p.yaml");
	/* 1000 MB fits nowhere: every other host refuses for it. */
	ck_assert_uint_eq(big->nreasons >= 1, 1);
	ck_assert_str_eq(big->reasons[0].rule, "host.2");
	ck_assert_uint_eq(big->reasons[0].hosts, 5);
	ck_assert_ptr_null(odd->kind);
	ck_assert_str_eq(odd->error, "VM 'odd' is in state 'suspended', which no "
			 "kind of policy 'every-check' covers (kinds: live, "
			 "saved-state, stopped)");
	mc_plan_result_free(res);
	fleet_done(&x);
}
END_TEST

/* Emptying a host: only its VMs; an unknown host is a usage error. */
START_TEST(evacuation_plans_one_host)
{
	fleet_fixture x = fleet_from("p.yaml", POLICY, SMALL, NULL);
	mc_plan_result *res = plan(&x, "a1", 3, false);
	mc_plan_request req;

	ck_assert_uint_eq(res->nvms, 2);
	ck_assert_str_eq(res->vms[0].name, "web");
	ck_assert_str_eq(res->vms[1].name, "big");
	ck_assert_str_eq(res->host, "a1");
	ck_assert_uint_eq(res->nunplaced, 1);
	mc_plan_result_free(res);
	memset(&req, 0, sizeof(req));
	req.host = "nowhere";
	ck_assert_int_eq(mc_plan(&res, x.fleet, &req, x.diag), MC_EUSAGE);
	ck_assert_ptr_null(res);
	ck_assert_str_eq(first_diag(x.diag), "no host named 'nowhere' in the inventory");
	fleet_done(&x);
}
END_TEST

/* Hosts with equal fingerprints share a class; a newer host takes VMs
 * from an older one but not back: a one-way edge. */
START_TEST(matrix_classes_and_one_way_edges)
{
	fleet_fixture x = fleet_from("p.yaml", POLICY, SMALL, NULL);
	mc_matrix_request req = {"saved-state", NULL, false};
	mc_matrix_result *res = NULL;
	const mc_matrix_kind *k;
	bool seen = false;

	ck_assert_int_eq(mc_matrix(&res, x.fleet, &req, x.diag), MC_OK);
	ck_assert_uint_eq(res->nkinds, 1);
	k = &res->kinds[0];
	ck_assert_str_eq(k->kind, "saved-state");
	/* a1 and a2 are alike; b1 differs by cluster (a rule reads it; that a
	 * preference reads it too would not split it), d1 by status, a3 and m1
	 * by everything. */
	ck_assert_uint_eq(k->nclasses, 5);
	ck_assert_uint_eq(k->classes[0].nhosts, 2);
	ck_assert_str_eq(k->classes[0].hosts[0], "a1");
	ck_assert_str_eq(k->classes[0].hosts[1], "a2");
	ck_assert(k->classes[0].exchange);
	/* The host requirement on free memory reads the VM: left out. */
	ck_assert_uint_eq(k->nleft_out, 1);
	ck_assert_str_eq(k->left_out[0], "host.2");
	for (size_t e = 0; e < k->nedges; e++) {
		const mc_matrix_edge *ed = &k->edges[e];

		/* Nothing moves to d1, which is down. */
		ck_assert_str_ne(k->classes[ed->to].hosts[0], "d1");
		if (strcmp(k->classes[ed->from].hosts[0], "d1") == 0 &&
		    strcmp(k->classes[ed->to].hosts[0], "a1") == 0) {
			ck_assert(!ed->both_ways);
			seen = true;
		}
	}
	ck_assert(seen);
	mc_matrix_result_free(res);
	req.kind = "nothing";
	ck_assert_int_eq(mc_matrix(&res, x.fleet, &req, x.diag), MC_EUSAGE);
	ck_assert_ptr_null(res);
	fleet_done(&x);
}
END_TEST

/* A version check is one-way: from the older hypervisor to the newer. */
START_TEST(matrix_version_is_one_way)
{
	fleet_fixture x = fleet_from("p.yaml", POLICY,
		"hosts:\n"
		"  - { name: old, cluster: a, cpu: { manufacturer: GenuineIntel, family: 6, model: 85, features: [avx] }, hypervisor: { version: 10.0.17763 }, status: responding, memory: { free_mb: 1 } }\n"
		"  - { name: new, cluster: a, cpu: { manufacturer: GenuineIntel, family: 6, model: 85, features: [avx] }, hypervisor: { version: 10.0.20348 }, status: responding, memory: { free_mb: 1 } }\n",
		NULL);
	mc_matrix_request req = {"live", NULL, false};
	mc_matrix_result *res = NULL;
	const mc_matrix_kind *k;

	ck_assert_int_eq(mc_matrix(&res, x.fleet, &req, x.diag), MC_OK);
	k = &res->kinds[0];
	ck_assert_uint_eq(k->nclasses, 2);
	ck_assert_uint_eq(k->nedges, 1);
	ck_assert_str_eq(k->classes[k->edges[0].from].hosts[0], "old");
	ck_assert_str_eq(k->classes[k->edges[0].to].hosts[0], "new");
	ck_assert(!k->edges[0].both_ways);
	/* The Lua rule with `uses` reads two hosts alone: it stays in. */
	ck_assert_uint_eq(k->nleft_out, 1);
	ck_assert_str_eq(k->left_out[0], "host.2");
	mc_matrix_result_free(res);
	fleet_done(&x);
}
END_TEST

/* ------------------------------------------------------------------------
 * Diffs
 */

/* base with `from` replaced by `to` (which must be there). */
static char *
policy_with(const char *base, const char *from, const char *to)
{
	const char *at = strstr(base, from);
	size_t head, n;
	char *out;

	ck_assert_ptr_nonnull(at);
	head = (size_t)(at - base);
	n = strlen(base) - strlen(from) + strlen(to);
	out = malloc(n + 1);
	ck_assert_ptr_nonnull(out);
	memcpy(out, base, head);
	strcpy(out + head, to);
	strcat(out, at + strlen(from));
	return out;
}

/* POLICY's Lua rules, and a condition rule for them: without Lua, every
 * kind has its checks evaluated apart. */
static const char *const LUA_RULES =
	"  - id: family-window\n"
	"    kinds: [live, saved-state]\n"
	"    uses: [target.cpu.family, source.cpu.family]\n"
	"    lua: |\n"
	"      return (target.cpu.family or 0) + 1 >= (source.cpu.family or 0)\n"
	"  - id: big-enough\n"
	"    kinds: [stopped]\n"
	"    lua: |\n"
	"      return target.memory.free_mb > 100\n";
static const char *const NO_LUA_RULES =
	"  - id: family-window\n"
	"    kinds: [live, saved-state]\n"
	"    require: { target.cpu.family: { ge: $source.cpu.family } }\n";

/* Changes to a policy: a host requirement, a kind covering more VMs, a
 * relaxation, a preference's weight (changes 0 to 3 fit both bases); a
 * Lua rule with `uses`, a Lua rule without (POLICY only). */
static char *
variant(const char *base, int which)
{
	switch (which) {
	case 0:
		return policy_with(base, "free_mb: { ge: $vm.memory_mb }",
				   "free_mb: { gt: $vm.memory_mb }");
	case 1:
		return policy_with(base, "stopped: { when: { vm.state: stopped } }",
				   "stopped: { when: { vm.state: { in: [stopped, suspended] } } }");
	case 2:
		return policy_with(base, "drop: [family, features] }\n"
				   "match:\n", "drop: [features] }\nmatch:\n");
	case 3:
		return policy_with(base, "weight: 2 }", "weight: 1 }");
	case 4:
		return policy_with(base, "(target.cpu.family or 0) + 1",
				   "(target.cpu.family or 0)");
	default:
		return policy_with(base, "target.memory.free_mb > 100",
				   "target.memory.free_mb > 200");
	}
}

static mc_diff_result *
diff_of(const mc_fleet *before, const mc_fleet *after, bool by_pairs, bool by_vm,
	mc_diag *diag)
{
	mc_diff_request req;
	mc_diff_result *res = NULL;

	memset(&req, 0, sizeof(req));
	req.by_pairs = by_pairs;
	req.by_vm = by_vm;
	ck_assert_int_eq(mc_diff(&res, before, after, &req, diag), MC_OK);
	return res;
}

static void
assert_same_ids(const char *const *a, size_t na, const char *const *b, size_t nb)
{
	ck_assert_uint_eq(na, nb);
	for (size_t i = 0; i < na; i++)
		ck_assert_str_eq(a[i], b[i]);
}

static void
assert_same_verdict(const mc_diff_verdict *a, const mc_diff_verdict *b)
{
	ck_assert(!a->kind == !b->kind);
	if (a->kind)
		ck_assert_str_eq(a->kind, b->kind);
	ck_assert(a->allowed == b->allowed);
	ck_assert_uint_eq(a->rating_halves, b->rating_halves);
}

/* The changes of a and b, compared a VM at a time (mc_diff_next), and
 * their tallies. */
static void
assert_same_diff(mc_diff_result *a, mc_diff_result *b)
{
	const mc_diff_change *x, *y;
	size_t ca = 0, cb = 0, na, total = 0;

	ck_assert_uint_eq(a->moves, b->moves);
	ck_assert_uint_eq(a->nchanges, b->nchanges);
	while ((na = mc_diff_next(a, &ca, &x))) {
		ck_assert_uint_eq(mc_diff_next(b, &cb, &y), na);
		for (size_t i = 0; i < na; i++) {
			ck_assert_str_eq(x[i].vm, y[i].vm);
			ck_assert_str_eq(x[i].host, y[i].host);
			assert_same_verdict(&x[i].move->before, &y[i].move->before);
			assert_same_verdict(&x[i].move->after, &y[i].move->after);
			assert_same_ids(x[i].move->gained, x[i].move->ngained,
					y[i].move->gained, y[i].move->ngained);
			assert_same_ids(x[i].move->lost, x[i].move->nlost,
					y[i].move->lost, y[i].move->nlost);
		}
		total += na;
	}
	ck_assert_uint_eq(total, a->nchanges);
	ck_assert_uint_eq(mc_diff_next(b, &cb, &y), 0);
	/* Past the end, it stays there. */
	ck_assert_uint_eq(mc_diff_next(a, &ca, &x), 0);
	ck_assert_uint_eq(mc_diff_next(b, &cb, &y), 0);
	ck_assert_uint_eq(a->ntallies, b->ntallies);
	for (size_t i = 0; i < a->ntallies; i++) {
		const mc_diff_tally *t = &a->tallies[i], *u = &b->tallies[i];

		ck_assert_str_eq(t->kind, u->kind);
		ck_assert_uint_eq(t->now_refused, u->now_refused);
		ck_assert_uint_eq(t->now_allowed, u->now_allowed);
		ck_assert_uint_eq(t->rating_changed, u->rating_changed);
		ck_assert_uint_eq(t->other, u->other);
	}
}

/* kept has its changes, made has none: mc_diff_next gives kept's in runs
 * of one VM each, VM after VM, and made's alike (assert_same_diff). */
static void
assert_by_vm(mc_diff_result *kept, mc_diff_result *made)
{
	const mc_diff_change *x;
	size_t cur = 0, n, total = 0;

	ck_assert_ptr_null(made->changes);
	ck_assert_ptr_nonnull(kept->changes);
	while ((n = mc_diff_next(kept, &cur, &x))) {
		ck_assert_ptr_eq(x, &kept->changes[total]);
		for (size_t i = 1; i < n; i++)
			ck_assert_ptr_eq(x[i].vm, x[0].vm);
		total += n;
		if (total < kept->nchanges)
			ck_assert_str_ne(kept->changes[total].vm, x[0].vm);
	}
	ck_assert_uint_eq(total, kept->nchanges);
	/* The tallies count the changes, kind by kind. */
	for (size_t t = 0; t < kept->ntallies; t++) {
		const mc_diff_tally *k = &kept->tallies[t];
		size_t ways[4] = {0, 0, 0, 0};

		for (size_t i = 0; i < kept->nchanges; i++) {
			const mc_diff_move *m = kept->changes[i].move;
			const char *kind = m->after.kind ? m->after.kind : m->before.kind;

			if (strcmp(kind, k->kind) == 0)
				ways[m->before.allowed * 2 + m->after.allowed]++;
		}
		ck_assert_uint_gt(k->now_refused + k->now_allowed + k->rating_changed +
				  k->other, 0);
		ck_assert_uint_eq(k->now_refused, ways[2]);
		ck_assert_uint_eq(k->now_allowed, ways[1]);
		ck_assert_uint_eq(k->rating_changed, ways[3]);
		ck_assert_uint_eq(k->other, ways[0]);
		if (t)
			ck_assert_str_lt(kept->tallies[t - 1].kind, k->kind);
	}
	assert_same_diff(kept, made);
}

static const mc_host_verdict *
verdict_on(const mc_check_result *r, const char *host)
{
	for (size_t i = 0; r && i < r->nhosts; i++) {
		if (strcmp(r->hosts[i].name, host) == 0)
			return &r->hosts[i];
	}
	return NULL;
}

/* The rule ids of a's violations that b lacks, each once, as a list. */
static size_t
ids_not_in(const mc_host_verdict *a, const mc_host_verdict *b, const char **out)
{
	size_t n = 0;

	for (size_t i = 0; a && i < a->nviolations; i++) {
		const char *id = a->violations[i].rule;
		bool skip = false;

		for (size_t j = 0; j < n; j++)
			skip |= strcmp(out[j], id) == 0;
		for (size_t j = 0; b && j < b->nviolations; j++)
			skip |= strcmp(b->violations[j].rule, id) == 0;
		if (!skip)
			out[n++] = id;
	}
	return n;
}

static mc_check_result *
check_or_none(const mc_fleet *f, const char *vm, mc_diag *diag)
{
	mc_check_request req = {vm, NULL, NULL, false, NULL};
	mc_check_result *r = NULL;
	int rc = mc_check(&r, f, &req, diag);

	if (rc == MC_EINPUT) {
		mc_diag_clear(diag);
		return NULL;
	}
	ck_assert_int_eq(rc, MC_OK);
	return r;
}

/* mc_check() of each of the fleet's nvms VMs, vm000 on; NULL for a VM
 * no kind of the policy checks. */
static mc_check_result **
checks_of(const mc_fleet *f, size_t nvms, mc_diag *diag)
{
	mc_check_result **r = calloc(nvms, sizeof(*r));

	ck_assert_ptr_nonnull(r);
	for (size_t v = 0; v < nvms; v++) {
		char vm[32];

		snprintf(vm, sizeof(vm), "vm%03zu", v);
		r[v] = check_or_none(f, vm, diag);
	}
	return r;
}

static void
checks_free(mc_check_result **r, size_t nvms)
{
	for (size_t v = 0; v < nvms; v++)
		mc_check_result_free(r[v]);
	free(r);
}

/* The diff as mc_check() of every VM under both policies (checks_of()
 * before and after) tells it: every change, in order, and the moves. */
static void
assert_diff_as_checks(const mc_diff_result *d, mc_check_result *const *before,
		      mc_check_result *const *after, size_t nhosts, size_t nvms)
{
	size_t moves = 0, i = 0;
	const char *ids[64];

	for (size_t v = 0; v < nvms; v++) {
		char vm[32];
		const mc_check_result *o = before[v], *n = after[v];
		const char *own;

		snprintf(vm, sizeof(vm), "vm%03zu", v);
		own = o ? o->vm_host : n ? n->vm_host : NULL;
		for (size_t h = 0; h < nhosts; h++) {
			char host[32];
			const mc_host_verdict *a, *b;
			const mc_diff_move *m;
			size_t k;

			snprintf(host, sizeof(host), "h%03zu", h);
			if (own && strcmp(own, host) == 0)
				continue;
			moves++;
			a = verdict_on(o, host);
			b = verdict_on(n, host);
			if (!a && !b)
				continue;
			if (a && b && a->allowed == b->allowed &&
			    a->rating_halves == b->rating_halves)
				continue;
			ck_assert_uint_lt(i, d->nchanges);
			ck_assert_str_eq(d->changes[i].vm, vm);
			ck_assert_str_eq(d->changes[i].host, host);
			m = d->changes[i++].move;
			ck_assert(!m->before.kind == !a);
			ck_assert(!m->after.kind == !b);
			if (a) {
				ck_assert_str_eq(m->before.kind, o->kind);
				ck_assert(m->before.allowed == a->allowed);
				ck_assert_uint_eq(m->before.rating_halves, a->rating_halves);
			}
			if (b) {
				ck_assert_str_eq(m->after.kind, n->kind);
				ck_assert(m->after.allowed == b->allowed);
				ck_assert_uint_eq(m->after.rating_halves, b->rating_halves);
			}
			k = ids_not_in(b, a, ids);
			assert_same_ids(m->gained, m->ngained, ids, k);
			k = ids_not_in(a, b, ids);
			assert_same_ids(m->lost, m->nlost, ids, k);
		}
	}
	ck_assert_uint_eq(i, d->nchanges);
	ck_assert_uint_eq(moves, d->moves);
}

/* Diff by classes gives every changed move, its verdicts, ratings and
 * violations gained and lost, and the tallies, as diff by pairs does and
 * as mc_check() does, for the first `variants` changes of base, both ways,
 * on fleets drawn from every other seed from `first`. */
static void
diff_as_by_pairs(const char *base, int variants, unsigned long long first)
{
	for (unsigned long long seed = first; seed <= seeds(6); seed += 2) {
		char *text = generate(seed * 104729, 50, 120);
		fleet_fixture x = fleet_from("p.yaml", base, text, NULL);
		mc_check_result **base_checks = checks_of(x.fleet, 120, x.diag);

		for (int which = 0; which < variants; which++) {
			char *changed = variant(base, which);
			mc_policy *p = NULL;
			mc_fleet *f = NULL;
			mc_check_result **checks;

			ck_assert_int_eq(mc_policy_load_buffer(&p, "q.yaml", changed,
							       strlen(changed), NULL,
							       x.diag), MC_OK);
			ck_assert_int_eq(mc_fleet_new(&f, p, x.inv, NULL, x.diag), MC_OK);
			checks = checks_of(f, 120, x.diag);
			for (int way = 0; way < 2; way++) {
				const mc_fleet *before = way ? f : x.fleet;
				const mc_fleet *after = way ? x.fleet : f;
				mc_diff_result *cls = diff_of(before, after, false, false,
							      x.diag);
				mc_diff_result *prs = diff_of(before, after, true, false,
							      x.diag);
				mc_diff_result *vms = diff_of(before, after, false, true,
							      x.diag);

				assert_same_diff(cls, prs);
				assert_by_vm(cls, vms);
				assert_diff_as_checks(cls, way ? checks : base_checks,
						      way ? base_checks : checks, 50, 120);
				/* Some moves change, most do not; classes save work. */
				ck_assert_uint_gt(cls->nchanges, 0);
				ck_assert_uint_lt(cls->nchanges, cls->moves / 2);
				ck_assert_uint_lt(cls->vm_classes, prs->vm_classes);
				mc_diff_result_free(cls);
				mc_diff_result_free(prs);
				mc_diff_result_free(vms);
			}
			/* A policy against itself changes nothing. */
			{
				mc_diff_result *same = diff_of(f, f, false, false, x.diag);

				ck_assert_uint_eq(same->nchanges, 0);
				ck_assert_uint_eq(same->ntallies, 0);
				mc_diff_result_free(same);
			}
			checks_free(checks, 120);
			mc_fleet_free(f);
			mc_policy_free(p);
			free(changed);
		}
		checks_free(base_checks, 120);
		fleet_done(&x);
		free(text);
	}
}

/* POLICY, some kinds decided class pair by class pair, on odd seeds. */
START_TEST(diff_by_classes_as_by_pairs)
{
	diff_as_by_pairs(POLICY, 6, 1);
}
END_TEST

/* Every kind's checks evaluated apart, on even seeds; the changes of a Lua
 * rule (variants 4 and 5) are POLICY's only. */
START_TEST(diff_by_classes_as_by_pairs_no_lua)
{
	char *no_lua = policy_with(POLICY, LUA_RULES, NO_LUA_RULES);

	diff_as_by_pairs(no_lua, 4, 2);
	free(no_lua);
}
END_TEST

/* The fleets of a diff are of one inventory. */
START_TEST(diff_needs_one_inventory)
{
	char *text = generate(7, 10, 20);
	fleet_fixture x = fleet_from("p.yaml", POLICY, text, NULL);
	fleet_fixture y = fleet_from("p.yaml", POLICY, text, NULL);
	mc_diff_request req;
	mc_diff_result *res = (mc_diff_result *)&req;

	memset(&req, 0, sizeof(req));
	ck_assert_int_eq(mc_diff(&res, x.fleet, y.fleet, &req, x.diag), MC_EUSAGE);
	ck_assert_ptr_null(res);
	fleet_done(&x);
	fleet_done(&y);
	free(text);
}
END_TEST

/* ------------------------------------------------------------------------
 * The matrix by checks apart, against the matrix by class pairs whole.
 */

/* Do two matrices of a kind have the same classes (their hosts, values
 * and exchange) and edges? */
static void
assert_same_kind(const mc_matrix_kind *x, const mc_matrix_kind *y)
{
	{
		ck_assert_uint_eq(x->nclasses, y->nclasses);
		for (size_t c = 0; c < x->nclasses; c++) {
			const mc_matrix_class *a = &x->classes[c], *b = &y->classes[c];

			ck_assert_uint_eq(a->nhosts, b->nhosts);
			for (size_t h = 0; h < a->nhosts; h++)
				ck_assert_str_eq(a->hosts[h], b->hosts[h]);
			ck_assert_uint_eq(a->nvalues, b->nvalues);
			for (size_t v = 0; v < a->nvalues; v++) {
				ck_assert_str_eq(a->values[v].name, b->values[v].name);
				ck_assert(!a->values[v].value.text == !b->values[v].value.text);
				if (a->values[v].value.text)
					ck_assert_str_eq(a->values[v].value.text,
							 b->values[v].value.text);
			}
			ck_assert_msg(a->exchange == b->exchange, "kind %s, C%zu: exchange",
				      x->kind, c + 1);
		}
		ck_assert_uint_eq(x->nedges, y->nedges);
		for (size_t e = 0; e < x->nedges; e++) {
			ck_assert_uint_eq(x->edges[e].from, y->edges[e].from);
			ck_assert_uint_eq(x->edges[e].to, y->edges[e].to);
			ck_assert(x->edges[e].both_ways == y->edges[e].both_ways);
		}
		ck_assert_uint_eq(x->nleft_out, y->nleft_out);
		for (size_t i = 0; i < x->nleft_out; i++)
			ck_assert_str_eq(x->left_out[i], y->left_out[i]);
	}
}

/* Do two matrices have the same kinds, alike? pr was evaluated by class
 * pairs whole. */
static void
assert_same_matrix(const mc_matrix_result *ab, const mc_matrix_result *pr)
{
	ck_assert_uint_eq(ab->nkinds, pr->nkinds);
	for (size_t k = 0; k < ab->nkinds; k++) {
		ck_assert_str_eq(ab->kinds[k].kind, pr->kinds[k].kind);
		ck_assert(pr->kinds[k].by_pairs);
		ck_assert_ptr_null(pr->kinds[k].same_as);
		assert_same_kind(&ab->kinds[k], &pr->kinds[k]);
	}
}

/* The matrix of policy text on a generated fleet, and each kind's alone:
 * the same. Returns how many kinds share an earlier kind's matrix. */
static size_t
matrix_kinds_shared(const char *policy)
{
	char *text = generate(424242, 40, 10);
	fleet_fixture x = fleet_from("p.yaml", policy, text, NULL);
	mc_matrix_request req = {NULL, NULL, false};
	mc_matrix_result *all = NULL, *one = NULL;
	size_t shared = 0;

	ck_assert_int_eq(mc_matrix(&all, x.fleet, &req, x.diag), MC_OK);
	ck_assert_uint_eq(all->nkinds, 3);
	for (size_t k = 0; k < all->nkinds; k++) {
		const mc_matrix_kind *mk = &all->kinds[k];

		req.kind = mk->kind;
		ck_assert_int_eq(mc_matrix(&one, x.fleet, &req, x.diag), MC_OK);
		ck_assert_ptr_null(one->kinds[0].same_as);
		ck_assert_uint_gt(one->kinds[0].evaluations, 0);
		assert_same_kind(mk, &one->kinds[0]);
		if (mk->same_as) {
			ck_assert_str_eq(mk->same_as, all->kinds[0].kind);
			ck_assert_ptr_eq(mk->edges, all->kinds[0].edges);
			ck_assert_uint_eq(mk->evaluations, 0);
			shared++;
		}
		mc_matrix_result_free(one);
	}
	mc_matrix_result_free(all);
	fleet_done(&x);
	free(text);
	return shared;
}

/* A kind that checks of two hosts what an earlier kind checks shares its
 * matrix; one match, compare or rule of its own sets it apart. */
START_TEST(matrix_kinds_alike_share)
{
	char *a = policy_with(POLICY, "  saved-state: [manufacturer, family, model]\n",
			      "  saved-state: [manufacturer, family]\n");
	char *alike = policy_with(a, "  saved-state:\n    - { field: version, op: ge }\n",
				  "  saved-state:\n    - { field: version, op: ge }\n"
				  "    - { field: features, op: superset }\n");
	char *op = policy_with(alike, "    - { field: features, op: superset }\n  saved",
			       "    - { field: features, op: subset }\n  saved");
	char *rule = policy_with(alike, "    kinds: [live, saved-state]\n",
				 "    kinds: [live]\n");

	ck_assert_uint_eq(matrix_kinds_shared(POLICY), 0);
	ck_assert_uint_eq(matrix_kinds_shared(alike), 1);
	ck_assert_uint_eq(matrix_kinds_shared(op), 0);
	ck_assert_uint_eq(matrix_kinds_shared(rule), 0);
	free(a);
	free(alike);
	free(op);
	free(rule);
}
END_TEST

/* What each of n classes reaches by one of the moves ed[0 .. m) or more
 * (Warshall, on rows of words), a malloc'd n rows. */
static uint64_t *
matrix_reach(const mc_matrix_edge *ed, size_t m, size_t n, size_t words)
{
	uint64_t *r = calloc(n * words + 1, sizeof(*r));

	ck_assert_ptr_nonnull(r);
	for (size_t e = 0; e < m; e++)
		r[ed[e].from * words + ed[e].to / 64] |= (uint64_t)1 << (ed[e].to % 64);
	for (size_t k = 0; k < n; k++) {
		for (size_t i = 0; i < n; i++) {
			if (!((r[i * words + k / 64] >> (k % 64)) & 1))
				continue;
			for (size_t w = 0; w < words; w++)
				r[i * words + w] |= r[k * words + w];
		}
	}
	return r;
}

/* The reduction of a kind's moves (mc_matrix_reduce) is a part of them,
 * in their order, with the same reachability, both_ways where the reverse
 * is kept too. */
static void
assert_reduces(const mc_matrix_kind *all)
{
	size_t n = all->nclasses, words = (n + 63) / 64 + 1, e = 0, m = 0;
	mc_matrix_edge *red = NULL;
	uint64_t *ra, *rr;

	ck_assert_int_eq(mc_matrix_reduce(&red, &m, all), MC_OK);
	ck_assert_ptr_nonnull(red);
	ck_assert_uint_le(m, all->nedges);
	for (size_t i = 0; i < m; i++) {
		const mc_matrix_edge *x = &red[i];
		bool back = false;

		while (e < all->nedges && (all->edges[e].from != x->from ||
					   all->edges[e].to != x->to))
			e++;
		ck_assert_msg(e < all->nedges, "kind %s: C%u -> C%u is no move",
			      all->kind, x->from + 1, x->to + 1);
		for (size_t j = 0; j < m; j++)
			back |= red[j].from == x->to && red[j].to == x->from;
		ck_assert(x->both_ways == back);
	}
	ra = matrix_reach(all->edges, all->nedges, n, words);
	rr = matrix_reach(red, m, n, words);
	ck_assert_mem_eq(ra, rr, n * words * sizeof(*ra));
	free(ra);
	free(rr);
	free(red);
}

/* The matrix of a fleet both ways. Returns how many kinds were evaluated
 * apart and have some edges, but not every one: kinds that tell. */
static size_t
matrix_both_ways(const mc_fleet *f, mc_diag *diag)
{
	mc_matrix_request req = {NULL, NULL, false};
	mc_matrix_result *ab = NULL, *pr = NULL;
	size_t telling = 0;

	ck_assert_int_eq(mc_matrix(&ab, f, &req, diag), MC_OK);
	req.by_pairs = true;
	ck_assert_int_eq(mc_matrix(&pr, f, &req, diag), MC_OK);
	assert_same_matrix(ab, pr);
	for (size_t k = 0; k < ab->nkinds; k++)
		assert_reduces(&ab->kinds[k]);
	for (size_t k = 0; k < ab->nkinds; k++) {
		const mc_matrix_kind *x = &ab->kinds[k];
		size_t n = x->nclasses;

		if (x->by_pairs || !x->nedges || x->nedges == n * (n - 1))
			continue;
		/* Apart, fewer evaluations than class pairs. */
		ck_assert_uint_lt(x->evaluations, pr->kinds[k].evaluations);
		telling++;
	}
	mc_matrix_result_free(ab);
	mc_matrix_result_free(pr);
	return telling;
}

/* MC_SOURCE_DIR "/" rel, in buf. */
static const char *
path_in_source(const char *rel, char *buf)
{
	snprintf(buf, 512, "%s/%s", MC_SOURCE_DIR, rel);
	return buf;
}

/* Writes node n as YAML flow text. */
static void
emit_node(FILE *out, const mc_node *n)
{
	switch (n->kind) {
	case MC_NODE_MAP:
		fputc('{', out);
		for (size_t i = 0; i < n->len; i++) {
			fputs(i ? ", " : " ", out);
			emit_node(out, n->u.pairs[i].key);
			fputs(": ", out);
			emit_node(out, n->u.pairs[i].value);
		}
		fputs(" }", out);
		break;
	case MC_NODE_SEQ:
		fputc('[', out);
		for (size_t i = 0; i < n->len; i++) {
			fputs(i ? ", " : "", out);
			emit_node(out, n->u.items[i]);
		}
		fputc(']', out);
		break;
	default:
		if (n->type == MC_SCALAR_NULL) {
			fputs("null", out);
		} else if (n->type == MC_SCALAR_BOOL) {
			fputs(n->num ? "true" : "false", out);
		} else if (n->type == MC_SCALAR_INT) {
			fputs(n->u.text, out);
		} else {
			fputc('"', out);
			for (const char *c = n->u.text; *c; c++) {
				if ((unsigned char)*c < 0x20)
					fprintf(out, "\\x%02x", (unsigned char)*c);
				else
					fprintf(out, "%s%c", *c == '"' || *c == '\\'
						? "\\" : "", *c);
			}
			fputc('"', out);
		}
		break;
	}
}

/* A mapping of a host (the host itself, named name, when parent is NULL;
 * else its mapping `parent`) with values of other hosts at the same keys
 * here and there, a few left out, and the rest its own. */
static void
emit_mixed(FILE *out, const mc_node *hosts, const mc_node *map,
	   const char *parent, const char *name, unsigned long long *seed)
{
	size_t written = 0;

	fputc('{', out);
	if (!parent) {
		fprintf(out, " name: %s", name);
		written++;
	}
	for (size_t i = 0; i < map->len; i++) {
		const char *key = map->u.pairs[i].key->u.text;
		const mc_node *v = map->u.pairs[i].value, *donor;
		unsigned r = next(seed);

		if (!parent && strcmp(key, "name") == 0)
			continue;
		if (r % 41 == 0)
			continue;   /* missing */
		if (r % 4 == 1) {
			donor = hosts->u.items[next(seed) % hosts->len];
			if (parent)
				donor = mc_node_get(donor, parent);
			if (donor && (donor = mc_node_get(donor, key)))
				v = donor;
		}
		fprintf(out, "%s\"%s\": ", written++ ? ", " : " ", key);
		if (!parent && v->kind == MC_NODE_MAP)
			emit_mixed(out, hosts, v, key, NULL, seed);
		else
			emit_node(out, v);
	}
	fputs(" }", out);
}

/* A fleet of n hosts recombined from the hosts of the inventory at path:
 * each one of them, some of its values (two levels deep) another's. */
static char *
recombined(const char *path, unsigned long long seed, size_t n)
{
	mc_doc *doc = NULL;
	mc_diag *diag = mc_diag_new();
	const mc_node *hosts;
	char *text = NULL, name[32];
	size_t len = 0;
	FILE *out;

	ck_assert_int_eq(mc_doc_load_file(&doc, path, NULL, diag), MC_OK);
	hosts = mc_node_get(doc->root, "hosts");
	ck_assert_ptr_nonnull(hosts);
	ck_assert_uint_gt(hosts->len, 1);
	out = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(out);
	fputs("hosts:\n", out);
	for (size_t h = 0; h < n; h++) {
		snprintf(name, sizeof(name), "h%03zu", h);
		fputs("  - ", out);
		emit_mixed(out, hosts, hosts->u.items[next(&seed) % hosts->len], NULL,
			   name, &seed);
		fputc('\n', out);
	}
	fclose(out);
	mc_doc_free(doc);
	mc_diag_free(diag);
	return text;
}

/* The matrix decided by checks apart is the one decided by class pairs
 * whole, with every shipped policy on fleets recombined from its example
 * inventory's hosts, and with the policy of every check on generated
 * fleets: the same classes, values, exchanges and edges. */
START_TEST(matrix_checks_apart_as_class_pairs_do)
{
	static const char *const pairs[][2] = {
		{"policies/hyperv.yaml", "examples/fleet.yaml"},
		{"policies/hyperv-features.lua", "examples/fleet.yaml"},
		{"policies/scvmm-2008.yaml", "examples/kb969726.yaml"},
		{"policies/scvmm-2008-r2.yaml", "examples/vmm2008r2.yaml"},
		{"policies/vmware-evc.yaml", "examples/vmware-fleet.yaml"},
		{"policies/libvirt-kvm.yaml", "examples/kvm-fleet.yaml"},
	};

	for (unsigned long long seed = 1; seed <= seeds(4); seed++) {
		char *text = generate(seed * 7919, 60, 10);
		fleet_fixture x = fleet_from("p.yaml", POLICY, text, NULL);

		ck_assert_uint_ge(matrix_both_ways(x.fleet, x.diag), 1);
		fleet_done(&x);
		free(text);
	}
	for (size_t i = 0; i < sizeof(pairs) / sizeof(*pairs); i++) {
		mc_diag *diag = mc_diag_new();
		mc_policy *p = NULL;
		size_t telling = 0;
		char pbuf[512], ibuf[512];

		ck_assert_msg(mc_policy_load(&p, path_in_source(pairs[i][0], pbuf), NULL, diag)
			      == MC_OK, "%s: %s", pairs[i][0], first_diag(diag));
		for (unsigned long long seed = 1; seed <= seeds(3); seed++) {
			char *text = recombined(path_in_source(pairs[i][1], ibuf), seed * 104729, 120);
			mc_inventory *inv = NULL;
			mc_fleet *f = NULL;

			ck_assert_int_eq(mc_inventory_new(&inv, NULL), MC_OK);
			ck_assert_msg(mc_inventory_add_buffer(inv, "inv.yaml", text,
							      strlen(text), diag) == MC_OK &&
				      mc_inventory_finish(inv, diag) == MC_OK,
				      "%s: %s", pairs[i][1], first_diag(diag));
			ck_assert_msg(mc_fleet_new(&f, p, inv, NULL, diag) == MC_OK,
				      "%s: %s", pairs[i][0], first_diag(diag));
			telling += matrix_both_ways(f, diag);
			mc_fleet_free(f);
			mc_inventory_free(inv);
			free(text);
		}
		/* Each policy has kinds the comparison tells something of. */
		ck_assert_msg(telling >= 1, "%s: no kind with some edges", pairs[i][0]);
		mc_policy_free(p);
		mc_diag_free(diag);
	}
}
END_TEST

Suite *
plan_suite(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("plan");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, classes_decide_as_pairs_do);
	tcase_add_test(tc, placement_plans_as_check_does);
	tcase_add_test(tc, targets_are_the_best_hosts);
	tcase_add_test(tc, unplaced_vms_have_their_reasons);
	tcase_add_test(tc, evacuation_plans_one_host);
	tcase_add_test(tc, matrix_classes_and_one_way_edges);
	tcase_add_test(tc, matrix_version_is_one_way);
	tcase_add_test(tc, diff_by_classes_as_by_pairs);
	tcase_add_test(tc, diff_by_classes_as_by_pairs_no_lua);
	tcase_add_test(tc, diff_needs_one_inventory);
	tcase_add_test(tc, matrix_checks_apart_as_class_pairs_do);
	tcase_add_test(tc, matrix_kinds_alike_share);
	suite_add_tcase(s, tc);
	return s;
}
