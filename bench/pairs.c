/* SPDX-License-Identifier: MIT */
/*
 * pairs.c - every VM against every host, through the public API.
 *
 *   build/bench/bench_pairs -i INVENTORY [-p POLICY] [--kinds K1,K2]
 *                           [--sample N] [--verdicts FILE] [--raw]
 *                           [--limit NAME=N]...
 *
 * Loads the policy (default policies/hyperv.yaml) and the inventory, binds
 * them (mc_fleet_new), and reports each step's time. Then, for each kind
 * (default: saved-state, then live), asks mc_check() once per VM with the
 * kind set and no target -- one call rates every host but the VM's own --
 * and reports the pairs decided per second of CPU time. mc_check() does everything a
 * caller gets: the verdict, every violation put into words, and for each
 * refused host the remedies that would make it pass.
 *
 * --sample N evaluates N VMs spread evenly over the inventory (VM i * V / N
 * for i < N) instead of all V; the output says so. --verdicts FILE writes
 * one line per pair, "vm<TAB>host<TAB>kind<TAB>allowed" (1 or 0), for
 * bench/peers/run.js to compare with other engines. --raw also times the
 * evaluation alone (engine/eval/eval.h, no words, no remedies), which is what a
 * class-free `plan` would pay per pair at least. --limit raises a limit of
 * docs/limits.md as the command line's does (a fleet of 100,000 VMs needs
 * more than the defaults).
 *
 * The last line is machine-readable, for bench/fleet.sh:
 *   RESULT vms=… hosts=… sampled=… load_ms=… load_wall_ms=… <kind>_pps=…
 *          [<kind>_raw_pps=…]
 *          rss_mb=…
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "eval/eval.h"
#include "migcheck.h"

#ifndef MC_SOURCE_DIR
#define MC_SOURCE_DIR "."
#endif

static void
usage(void)
{
	fputs("usage: bench_pairs -i INVENTORY [-p POLICY] [--kinds K1,K2] "
	      "[--sample N] [--verdicts FILE] [--raw] [--limit NAME=N]...\n",
	      stderr);
	exit(2);
}

/* Evaluates the sampled VMs for one kind with mc_check(). */
static int
run_kind(const mc_fleet *fleet, const mc_inventory *inv, const char *kind,
	 const size_t *sample, size_t nsample, FILE *verdicts, double *pps)
{
	mc_diag *d = mc_diag_new();
	size_t pairs = 0, allowed = 0, vms_with_host = 0;
	double spent = 0, spent_wall = 0;

	for (size_t i = 0; i < nsample; i++) {
		const char *name = mc_inventory_vm_name(inv, sample[i]);
		mc_check_request req = {.vm = name, .to = NULL, .kind = kind};
		mc_check_result *res = NULL;
		double w0 = wall(), t0 = now();
		int rc = mc_check(&res, fleet, &req, d);
		double t1;
		bool any = false;

		if (rc != MC_OK) {
			fprintf(stderr, "bench_pairs: mc_check(%s, %s) failed (%d)\n", name,
				kind, rc);
			print_diag(d);
			mc_diag_free(d);
			return -1;
		}
		for (size_t h = 0; h < res->nhosts; h++) {
			allowed += res->hosts[h].allowed;
			any |= res->hosts[h].allowed;
		}
		pairs += res->nhosts;
		vms_with_host += any;
		t1 = now();
		spent += t1 - t0;
		spent_wall += wall() - w0;
		if (verdicts) {
			for (size_t h = 0; h < res->nhosts; h++)
				fprintf(verdicts, "%s\t%s\t%s\t%d\n", name, res->hosts[h].name,
					kind, res->hosts[h].allowed ? 1 : 0);
		}
		w0 = wall();
		t0 = now();
		mc_check_result_free(res);
		spent += now() - t0;
		spent_wall += wall() - w0;
	}
	*pps = (double)pairs / spent;
	printf("  %-12s %11zu pairs  cpu %8.3f s (wall %8.3f s)  %10.0f pairs/s  "
	       "%8.1f ns/pair  allowed %4.1f%%  VMs with a host %5.1f%%\n", kind,
	       pairs, spent, spent_wall, *pps, spent * 1e9 / (double)pairs,
	       100.0 * (double)allowed / (double)pairs,
	       100.0 * (double)vms_with_host / (double)nsample);
	mc_diag_free(d);
	return 0;
}

/* The same pairs with the evaluator alone: no words, no remedies. */
static double
run_raw(const mc_fleet *fleet, const mc_inventory *inv, const char *kind,
	const size_t *sample, size_t nsample)
{
	mc_ctx ctx;
	mc_pair_result pr;
	size_t pairs = 0, allowed = 0;
	int k = -1;

	for (size_t i = 0; i < mc_policy_kind_count(fleet->policy); i++) {
		if (strcmp(mc_policy_kind_name(fleet->policy, i), kind) == 0)
			k = (int)i;
	}
	if (k < 0 || mc_ctx_init(&ctx, fleet, NULL) != MC_OK)
		return 0;
	pr.vio = calloc(fleet->policy->max_violations + 1, sizeof(*pr.vio));
	if (!pr.vio) {
		mc_ctx_release(&ctx);
		return 0;
	}
	/* Whole rounds over the sample until half a second has passed: one
	 * round of a small fleet takes too little time to measure. */
	double t0 = now(), spent;
	do {
		for (size_t i = 0; i < nsample; i++) {
			mc_vmview v = mc_ctx_vm(&ctx, sample[i]);
			size_t src = inv->vms[sample[i]].host;
			for (size_t t = 0; t < inv->nhosts; t++) {
				if (t == src)
					continue;
				mc_eval_pair(&ctx, &v, src, t, k, &pr);
				allowed += pr.allowed;
				pairs++;
			}
		}
		spent = now() - t0;
	} while (spent < 0.5);
	printf("  %-12s %11zu pairs  cpu %8.3f s                    %10.0f pairs/s  "
	       "%8.1f ns/pair  (evaluation alone, engine/eval/eval.h)\n", kind, pairs,
	       spent, (double)pairs / spent, spent * 1e9 / (double)pairs);
	free(pr.vio);
	mc_ctx_release(&ctx);
	return (double)pairs / spent;
}

int
main(int argc, char **argv)
{
	const char *policy_path = MC_SOURCE_DIR "/policies/hyperv.yaml";
	const char *inv_path = NULL, *verdict_path = NULL;
	char kinds_buf[256] = "saved-state,live";
	mc_limits lim;
	size_t want_sample = 0;
	bool raw = false;
	mc_diag *d = mc_diag_new();
	mc_policy *p = NULL;
	mc_inventory *inv = NULL;
	mc_fleet *f = NULL;
	FILE *verdicts = NULL;
	size_t *sample = NULL, nsample, nvms, nhosts;
	double t0, t_policy, t_inv, t_fleet, w_load;
	char result[512];
	size_t rlen;
	int status = 2;

	mc_limits_default(&lim);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--raw") == 0) {
			raw = true;
			continue;
		}
		if (i + 1 >= argc)
			usage();
		const char *v = argv[++i];
		if (strcmp(a, "-i") == 0 || strcmp(a, "--inventory") == 0)
			inv_path = v;
		else if (strcmp(a, "-p") == 0 || strcmp(a, "--policy") == 0)
			policy_path = v;
		else if (strcmp(a, "--kinds") == 0)
			snprintf(kinds_buf, sizeof(kinds_buf), "%s", v);
		else if (strcmp(a, "--sample") == 0)
			want_sample = strtoull(v, NULL, 10);
		else if (strcmp(a, "--verdicts") == 0)
			verdict_path = v;
		else if (strcmp(a, "--limit") != 0 || !bench_limit(&lim, v))
			usage();
	}
	if (!inv_path || !d)
		usage();

	w_load = wall();
	t0 = now();
	if (mc_policy_load(&p, policy_path, &lim, d) != MC_OK)
		goto fail;
	t_policy = now() - t0;
	t0 = now();
	if (mc_inventory_new(&inv, &lim) != MC_OK ||
	    mc_inventory_add_file(inv, inv_path, d) != MC_OK ||
	    mc_inventory_finish(inv, d) != MC_OK)
		goto fail;
	t_inv = now() - t0;
	t0 = now();
	if (mc_fleet_new(&f, p, inv, &lim, d) != MC_OK)
		goto fail;
	t_fleet = now() - t0;
	w_load = wall() - w_load;

	nvms = mc_inventory_vm_count(inv);
	nhosts = mc_inventory_host_count(inv);
	nsample = want_sample && want_sample < nvms ? want_sample : nvms;
	sample = calloc(nsample + 1, sizeof(*sample));
	if (!sample)
		goto fail;
	for (size_t i = 0; i < nsample; i++)
		sample[i] = i * nvms / nsample;

	printf("bench_pairs: policy %s (%s), inventory %s\n", mc_policy_name(p),
	       policy_path, inv_path);
	printf("  %zu hosts, %zu VMs; %zu VM x host pairs per kind\n", nhosts, nvms,
	       nvms * (nhosts - 1));
	printf("  load (cpu): policy %.1f ms, inventory %.1f ms, mc_fleet_new %.1f ms, "
	       "total %.1f ms (wall %.1f ms); peak RSS after load %.1f MB\n",
	       t_policy * 1e3, t_inv * 1e3, t_fleet * 1e3,
	       (t_policy + t_inv + t_fleet) * 1e3, w_load * 1e3, peak_rss_mb());
	if (nsample < nvms)
		printf("  SAMPLED: %zu of %zu VMs (every %.1fth), each against all %zu "
		       "other hosts: %zu pairs per kind\n", nsample, nvms,
		       (double)nvms / (double)nsample, nhosts - 1, nsample * (nhosts - 1));
	if (verdict_path && !(verdicts = fopen(verdict_path, "w"))) {
		perror(verdict_path);
		goto out;
	}

	rlen = (size_t)snprintf(result, sizeof(result),
				"RESULT vms=%zu hosts=%zu sampled=%zu load_ms=%.1f "
				"load_wall_ms=%.1f", nvms, nhosts, nsample,
				(t_policy + t_inv + t_fleet) * 1e3, w_load * 1e3);
	puts("  mc_check, one call per VM (verdicts, violations in words, remedies):");
	for (char *save = NULL, *k = strtok_r(kinds_buf, ",", &save); k;
	     k = strtok_r(NULL, ",", &save)) {
		double pps;
		if (run_kind(f, inv, k, sample, nsample, verdicts, &pps) != 0)
			goto out;
		if (rlen < sizeof(result))
			rlen += (size_t)snprintf(result + rlen, sizeof(result) - rlen,
						 " %s_pps=%.0f", k, pps);
		if (raw && rlen < sizeof(result))
			rlen += (size_t)snprintf(result + rlen, sizeof(result) - rlen,
						 " %s_raw_pps=%.0f", k,
						 run_raw(f, inv, k, sample, nsample));
	}
	if (verdicts && fclose(verdicts) != 0) {
		verdicts = NULL;
		perror(verdict_path);
		goto out;
	}
	verdicts = NULL;
	printf("  peak RSS %.1f MB\n", peak_rss_mb());
	if (rlen < sizeof(result))
		snprintf(result + rlen, sizeof(result) - rlen, " rss_mb=%.1f",
			 peak_rss_mb());
	puts(result);
	status = 0;
	goto out;
fail:
	print_diag(d);
out:
	if (verdicts)
		fclose(verdicts);
	free(sample);
	mc_fleet_free(f);
	mc_inventory_free(inv);
	mc_policy_free(p);
	mc_diag_free(d);
	return status;
}
