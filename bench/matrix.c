/* SPDX-License-Identifier: MIT */
/*
 * matrix.c - `migcheck matrix` at fleet scale, through the public API:
 *
 *   bench_matrix -i INVENTORY [-p POLICY] [--kind KIND] [--pairs]
 *                [--limit NAME=N]...
 *
 * Loads the policy and the inventory, binds them, builds the matrix of
 * every kind (or of --kind) with mc_matrix() and prints how long each step
 * took (CPU time; wall beside it), each kind's classes, edges and
 * evaluations, and the peak memory. --pairs builds the same matrix again
 * with every class pair evaluated whole and fails unless both agree on
 * every class, edge and exchange (the peak memory printed is that of the
 * matrix by checks apart, before). Each kind's edges are then reduced for
 * a drawing (mc_matrix_reduce), timed, with the edges kept. The last line
 * is for scripts:
 *
 *   RESULT hosts=… parse_ms=… bind_ms=… matrix_ms=… total_ms=…
 *          total_wall_ms=… classes=… edges=… evaluations=… rss_mb=…
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
	fputs("usage: bench_matrix -i INVENTORY [-p POLICY] [--kind KIND] "
	      "[--pairs] [--limit NAME=N]...\n", stderr);
	exit(2);
}

/* Do two matrices have the same classes (hosts and exchange) and edges? */
static bool
same_matrices(const mc_matrix_result *a, const mc_matrix_result *b)
{
	if (a->nkinds != b->nkinds)
		return false;
	for (size_t k = 0; k < a->nkinds; k++) {
		const mc_matrix_kind *x = &a->kinds[k], *y = &b->kinds[k];

		if (x->nclasses != y->nclasses || x->nedges != y->nedges)
			return false;
		for (size_t c = 0; c < x->nclasses; c++) {
			if (x->classes[c].nhosts != y->classes[c].nhosts ||
			    x->classes[c].exchange != y->classes[c].exchange ||
			    strcmp(x->classes[c].hosts[0], y->classes[c].hosts[0]) != 0)
				return false;
		}
		for (size_t e = 0; e < x->nedges; e++) {
			if (x->edges[e].from != y->edges[e].from ||
			    x->edges[e].to != y->edges[e].to ||
			    x->edges[e].both_ways != y->edges[e].both_ways)
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
	mc_matrix_request req;
	mc_limits lim;
	bool pairs = false;
	mc_diag *d = mc_diag_new();
	mc_policy *p = NULL;
	mc_inventory *inv = NULL;
	mc_fleet *f = NULL;
	mc_matrix_result *res = NULL, *by_pairs = NULL;
	double t0, w0, t_parse, t_bind, t_matrix, w_total, rss;
	size_t classes = 0, edges = 0, evaluations = 0;
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
		else if (strcmp(a, "--kind") == 0)
			req.kind = argv[++i];
		else if (strcmp(a, "--limit") == 0 && bench_limit(&lim, argv[i + 1]))
			i++;
		else
			usage();
	}
	if (!inv_path || !d)
		usage();

	w0 = wall();
	t0 = now();
	if (mc_policy_load(&p, policy_path, &lim, d) != MC_OK ||
	    mc_inventory_new(&inv, &lim) != MC_OK ||
	    mc_inventory_add_file(inv, inv_path, d) != MC_OK)
		goto fail;
	t_parse = now() - t0;
	t0 = now();
	if (mc_inventory_finish(inv, d) != MC_OK ||
	    mc_fleet_new(&f, p, inv, &lim, d) != MC_OK)
		goto fail;
	t_bind = now() - t0;
	t0 = now();
	if (mc_matrix(&res, f, &req, d) != MC_OK)
		goto fail;
	t_matrix = now() - t0;
	w_total = wall() - w0;
	rss = peak_rss_mb();

	printf("bench_matrix: policy %s, inventory %s\n", mc_policy_name(p), inv_path);
	printf("  parse (policy and inventory YAML) %8.1f ms\n", t_parse * 1e3);
	printf("  bind (inventory finish, fleet)    %8.1f ms\n", t_bind * 1e3);
	printf("  matrix                            %8.1f ms\n", t_matrix * 1e3);
	for (size_t k = 0; k < res->nkinds; k++) {
		const mc_matrix_kind *mk = &res->kinds[k];

		printf("    %-12s %5zu classes, %8zu edges, %9zu evaluations%s%s%s\n",
		       mk->kind, mk->nclasses, mk->nedges, mk->evaluations,
		       mk->same_as ? " (shares the matrix of " : mk->by_pairs
		       ? " (class pairs whole)" : " (checks apart)",
		       mk->same_as ? mk->same_as : "", mk->same_as ? ")" : "");
		classes += mk->nclasses;
		edges += mk->nedges;
		evaluations += mk->evaluations;
	}
	printf("  total (cpu) %.1f ms (wall %.1f ms); peak RSS %.1f MB\n",
	       (t_parse + t_bind + t_matrix) * 1e3, w_total * 1e3, rss);
	for (size_t k = 0; k < res->nkinds; k++) {
		mc_matrix_edge *kept = NULL;
		size_t nkept = 0;

		t0 = now();
		if (mc_matrix_reduce(&kept, &nkept, &res->kinds[k]) != MC_OK)
			goto fail;
		printf("  reduced %-12s %8.1f ms: %zu of %zu edges kept\n",
		       res->kinds[k].kind, (now() - t0) * 1e3, nkept,
		       res->kinds[k].nedges);
		free(kept);
	}
	if (pairs) {
		req.by_pairs = true;
		t0 = now();
		if (mc_matrix(&by_pairs, f, &req, d) != MC_OK)
			goto fail;
		printf("  by class pairs                    %8.1f ms: %s\n",
		       (now() - t0) * 1e3, same_matrices(res, by_pairs)
		       ? "the same matrix" : "A DIFFERENT MATRIX");
		if (!same_matrices(res, by_pairs))
			goto out;
	}
	printf("RESULT hosts=%zu parse_ms=%.1f bind_ms=%.1f matrix_ms=%.1f "
	       "total_ms=%.1f total_wall_ms=%.1f classes=%zu edges=%zu "
	       "evaluations=%zu rss_mb=%.1f\n", mc_inventory_host_count(inv),
	       t_parse * 1e3, t_bind * 1e3, t_matrix * 1e3,
	       (t_parse + t_bind + t_matrix) * 1e3, w_total * 1e3, classes, edges,
	       evaluations, rss);
	status = 0;
	goto out;
fail:
	print_diag(d);
out:
	mc_matrix_result_free(res);
	mc_matrix_result_free(by_pairs);
	mc_fleet_free(f);
	mc_inventory_free(inv);
	mc_policy_free(p);
	mc_diag_free(d);
	return status;
}
