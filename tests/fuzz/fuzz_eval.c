/* SPDX-License-Identifier: MIT */
/*
 * fuzz_eval.c - evaluation: a fuzzed inventory, bound to each of two
 * shipped policies loaded once, and every VM checked against every host
 * (with a trace, so that every check is described); then planned by
 * classes and by pairs, which must agree, and its matrix built.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "migcheck.h"

#ifndef MC_SOURCE_DIR
#define MC_SOURCE_DIR "."
#endif

static const char *const policy_files[] = {
	MC_SOURCE_DIR "/policies/scvmm-2008.yaml",
	MC_SOURCE_DIR "/policies/hyperv.yaml",
};
#define NPOLICIES (sizeof(policy_files) / sizeof(policy_files[0]))

/* Loaded once, read-only afterwards. */
static mc_policy *policies[NPOLICIES];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	for (size_t i = 0; i < NPOLICIES; i++) {
		mc_diag *diag = mc_diag_new();
		if (!diag || mc_policy_load(&policies[i], policy_files[i], NULL,
					    diag) != MC_OK)
			abort();
		mc_diag_free(diag);
	}
	return 0;
}

/* Plans by classes and by pairs give the same answer, VM by VM. */
static void
plan_both_ways(const mc_fleet *fleet, mc_diag *diag)
{
	mc_plan_request req;
	mc_plan_result *cls = NULL, *prs = NULL;

	memset(&req, 0, sizeof(req));
	req.top = 4;
	if (mc_plan(&cls, fleet, &req, diag) != MC_OK)
		goto out;
	req.by_pairs = true;
	if (mc_plan(&prs, fleet, &req, diag) != MC_OK)
		goto out;
	if (cls->nvms != prs->nvms || cls->nunplaced != prs->nunplaced)
		abort();
	for (size_t v = 0; v < cls->nvms; v++) {
		const mc_plan_vm *a = &cls->vms[v], *b = &prs->vms[v];

		if (a->allowed != b->allowed || a->ntargets != b->ntargets ||
		    a->nreasons != b->nreasons)
			abort();
		for (size_t t = 0; t < a->ntargets; t++) {
			if (strcmp(a->targets[t].host, b->targets[t].host) != 0 ||
			    a->targets[t].rating_halves != b->targets[t].rating_halves)
				abort();
		}
		for (size_t r = 0; r < a->nreasons; r++) {
			if (strcmp(a->reasons[r].rule, b->reasons[r].rule) != 0 ||
			    a->reasons[r].hosts != b->reasons[r].hosts)
				abort();
		}
	}
out:
	mc_plan_result_free(cls);
	mc_plan_result_free(prs);
}

static void
check_all(const mc_policy *policy, const mc_inventory *inv, mc_diag *diag)
{
	mc_matrix_request mreq = {NULL, NULL, false};
	mc_matrix_result *matrix = NULL;
	mc_fleet *fleet = NULL;

	if (mc_fleet_new(&fleet, policy, inv, NULL, diag) != MC_OK)
		return;
	for (size_t v = 0; v < mc_inventory_vm_count(inv); v++) {
		mc_check_request req = {
			.vm = mc_inventory_vm_name(inv, v), .trace = true,
		};
		mc_check_result *res = NULL;
		if (mc_check(&res, fleet, &req, diag) == MC_OK)
			(void)mc_check_result_any_allowed(res);
		mc_check_result_free(res);
	}
	plan_both_ways(fleet, diag);
	if (mc_matrix(&matrix, fleet, &mreq, diag) == MC_OK)
		mc_matrix_result_free(matrix);
	mc_fleet_free(fleet);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mc_inventory *inv = NULL;
	mc_diag *diag = mc_diag_new();

	if (!diag || mc_inventory_new(&inv, NULL) != MC_OK)
		goto out;
	if (mc_inventory_add_buffer(inv, "fuzz.yaml", (const char *)data, size,
				    diag) != MC_OK ||
	    mc_inventory_finish(inv, diag) != MC_OK)
		goto out;
	for (size_t i = 0; i < NPOLICIES; i++)
		check_all(policies[i], inv, diag);
out:
	mc_inventory_free(inv);
	mc_diag_free(diag);
	return 0;
}
