/* SPDX-License-Identifier: MIT */
/*
 * plan.c - `migcheck plan` at fleet scale, through the public API:
 *
 *   bench_plan -i INVENTORY [-p POLICY] [--top N] [--pairs] [--limit NAME=N]...
 *
 * Loads the policy and the inventory, binds them, plans every VM with
 * mc_plan() and prints how long each step took (CPU time; wall beside it),
 * how many VM and host pairs the plan decided and at what rate, how many
 * evaluations it took, and the peak memory. Parsing the inventory (YAML
 * into nodes) is timed apart from everything after it. --pairs plans the
 * same fleet again pair by pair (no classes, no checks apart) and fails
 * unless both plans agree on every VM: for the small fleets only, a
 * billion pairs take long (the peak memory printed is that of the plan by
 * classes, before). --limit raises a limit of docs/limits.md, as the
 * command line's does: a fleet of 100,000 VMs is larger than the defaults
 * let a file be. The last line is for bench/fleet.sh:
 *
 *   RESULT vms=… hosts=… parse_ms=… bind_ms=… plan_ms=… total_ms=…
 *          total_wall_ms=… pairs=… evaluations=… rss_mb=…
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "migcheck.h"

#ifndef MC_SOURCE_DIR
#define MC_SOURCE_DIR "."
#endif

static void
usage(void)
{
	fputs("usage: bench_plan -i INVENTORY [-p POLICY] [--top N] [--pairs] "
	      "[--limit NAME=N]...\n", stderr);
	exit(2);
}

/* Do two plans give every VM the same targets, ratings and reasons? */
static bool
same_plans(const mc_plan_result *a, const mc_plan_result *b)
{
	if (a->nvms != b->nvms || a->nunplaced != b->nunplaced)
		return false;
	for (size_t v = 0; v < a->nvms; v++) {
		const mc_plan_vm *x = &a->vms[v], *y = &b->vms[v];

		if (x->allowed != y->allowed || x->ntargets != y->ntargets ||
		    x->nreasons != y->nreasons)
			return false;
		for (size_t t = 0; t < x->ntargets; t++) {
			if (strcmp(x->targets[t].host, y->targets[t].host) != 0 ||
			    x->targets[t].rating_halves != y->targets[t].rating_halves)
				return false;
		}
		for (size_t r = 0; r < x->nreasons; r++) {
			if (strcmp(x->reasons[r].rule, y->reasons[r].rule) != 0 ||
			    x->reasons[r].hosts != y->reasons[r].hosts)
				return false;
		}
	}
	return true;
}

int
main(int argc, char **argv)
{
	const char *policy_path = MC_SOURCE_DIR "/policies/hyperv.yaml";
	const char *inv_path = NULL;
	mc_plan_request req;
	mc_limits lim;
	bool pairs = false;
	mc_diag *d = mc_diag_new();
	mc_policy *p = NULL;
	mc_inventory *inv = NULL;
	mc_fleet *f = NULL;
	mc_plan_result *res = NULL, *by_pairs = NULL;
	double t0, w0, t_policy, t_parse, t_finish, t_fleet, t_plan, w_total, rss;
	int status = 2;

	memset(&req, 0, sizeof(req));
	mc_limits_default(&lim);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--pairs") == 0) {
			pairs = true;
			continue;
		}
		if (i + 1 >= argc)
			usage();
		if (strcmp(a, "-i") == 0)
			inv_path = argv[++i];
		else if (strcmp(a, "-p") == 0)
			policy_path = argv[++i];
		else if (strcmp(a, "--top") == 0)
			req.top = strtoull(argv[++i], NULL, 10);
		else if (strcmp(a, "--limit") == 0 && bench_limit(&lim, argv[i + 1]))
			i++;
		else
			usage();
	}
	if (!inv_path || !d)
		usage();

	w0 = wall();
	t0 = now();
	if (mc_policy_load(&p, policy_path, &lim, d) != MC_OK)
		goto fail;
	t_policy = now() - t0;
	t0 = now();
	if (mc_inventory_new(&inv, &lim) != MC_OK ||
	    mc_inventory_add_file(inv, inv_path, d) != MC_OK)
		goto fail;
	t_parse = now() - t0;
	t0 = now();
	if (mc_inventory_finish(inv, d) != MC_OK)
		goto fail;
	t_finish = now() - t0;
	t0 = now();
	if (mc_fleet_new(&f, p, inv, &lim, d) != MC_OK)
		goto fail;
	t_fleet = now() - t0;
	t0 = now();
	if (mc_plan(&res, f, &req, d) != MC_OK)
		goto fail;
	t_plan = now() - t0;
	w_total = wall() - w0;
	rss = peak_rss_mb();

	double parse = t_policy + t_parse, bind = t_finish + t_fleet;
	double total = parse + bind + t_plan;
	printf("bench_plan: policy %s, inventory %s\n", mc_policy_name(p), inv_path);
	printf("  %zu hosts, %zu VMs: %zu VM x host pairs decided\n", res->nhosts,
	       res->nvms, res->pairs);
	printf("  parse (policy and inventory YAML) %8.1f ms\n", parse * 1e3);
	printf("  bind (inventory finish, fleet)    %8.1f ms\n", bind * 1e3);
	printf("  plan                              %8.1f ms: %zu evaluations, "
	       "%zu host classes, %zu VM classes\n", t_plan * 1e3, res->evaluations,
	       res->host_classes, res->vm_classes);
	printf("  total (cpu)                       %8.1f ms (wall %.1f ms); beyond "
	       "parsing %.2f x the parse\n", total * 1e3, w_total * 1e3,
	       (bind + t_plan) / parse);
	printf("  %.3g pairs/s decided by the plan, %.3g counting loading; "
	       "%zu of %zu VMs placed; peak RSS %.1f MB\n",
	       (double)res->pairs / t_plan, (double)res->pairs / total,
	       res->nvms - res->nunplaced, res->nvms, rss);
	if (pairs) {
		req.by_pairs = true;
		t0 = now();
		if (mc_plan(&by_pairs, f, &req, d) != MC_OK)
			goto fail;
		printf("  by pairs                          %8.1f ms: %zu evaluations, "
		       "%s\n", (now() - t0) * 1e3, by_pairs->evaluations,
		       same_plans(res, by_pairs) ? "the same plan" : "A DIFFERENT PLAN");
		if (!same_plans(res, by_pairs))
			goto out;
	}
	printf("RESULT vms=%zu hosts=%zu parse_ms=%.1f bind_ms=%.1f plan_ms=%.1f "
	       "total_ms=%.1f total_wall_ms=%.1f pairs=%zu evaluations=%zu "
	       "rss_mb=%.1f\n", res->nvms, res->nhosts, parse * 1e3, bind * 1e3,
	       t_plan * 1e3, total * 1e3, w_total * 1e3, res->pairs,
	       res->evaluations, rss);
	status = 0;
	goto out;
fail:
	print_diag(d);
out:
	mc_plan_result_free(res);
	mc_plan_result_free(by_pairs);
	mc_fleet_free(f);
	mc_inventory_free(inv);
	mc_policy_free(p);
	mc_diag_free(d);
	return status;
}
