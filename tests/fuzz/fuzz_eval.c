/*
 * fuzz_eval.c - evaluation: a fuzzed inventory, bound to each of two
 * shipped policies loaded once, and every VM checked against every host
 * (with a trace, so that every check is described).
 */
#include <stdlib.h>

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

static void
check_all(const mc_policy *policy, const mc_inventory *inv, mc_diag *diag)
{
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
