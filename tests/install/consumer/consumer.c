/* SPDX-License-Identifier: MIT */
/*
 * consumer.c - a program outside the project, built against the installed
 * library alone (tests/install/run.sh): through pkg-config, and through
 * find_package(migcheck). It asks the KB 969726 question of the installed
 * policy and example: can web-01, saved, move to hv-amd-01?
 *
 *   consumer POLICY INVENTORY
 *
 * Prints the library's version and the verdict with its violations; exits
 * 0 when the move is refused for the processor's manufacturer, as the KB
 * says, 1 otherwise, 2 when something does not load.
 */
#include <stdio.h>
#include <string.h>

#include <migcheck.h>

#if MC_VERSION_NUMBER < 0x000200
#error "migcheck 0.2 or later is needed"
#endif

static void
print_diags(const mc_diag *diag)
{
	for (size_t i = 0; i < mc_diag_count(diag); i++)
		fprintf(stderr, "consumer: %s\n", mc_diag_get(diag, i)->message);
}

int
main(int argc, char **argv)
{
	mc_diag *diag = mc_diag_new();
	mc_policy *policy = NULL;
	mc_inventory *inv = NULL;
	mc_fleet *fleet = NULL;
	mc_check_result *res = NULL;
	mc_check_request req = {"web-01", "hv-amd-01", NULL, false, NULL};
	int status = 2;

	if (argc != 3 || !diag)
		return 2;
	if (strcmp(mc_version(), MC_VERSION_STRING) != 0) {
		fprintf(stderr, "consumer: header %s, library %s\n", MC_VERSION_STRING,
			mc_version());
		goto out;
	}
	if (mc_policy_load(&policy, argv[1], NULL, diag) != MC_OK ||
	    mc_inventory_new(&inv, NULL) != MC_OK ||
	    mc_inventory_add_file(inv, argv[2], diag) != MC_OK ||
	    mc_inventory_finish(inv, diag) != MC_OK ||
	    mc_fleet_new(&fleet, policy, inv, NULL, diag) != MC_OK ||
	    mc_check(&res, fleet, &req, diag) != MC_OK) {
		print_diags(diag);
		goto out;
	}
	status = 1;
	printf("migcheck %s, policy %s\n", mc_version(), mc_policy_name(policy));
	for (size_t h = 0; h < res->nhosts; h++) {
		const mc_host_verdict *v = &res->hosts[h];

		printf("%s -> %s: %s\n", res->vm, v->name, v->allowed ? "allowed" : "refused");
		for (size_t i = 0; i < v->nviolations; i++) {
			printf("  %s\n", v->violations[i].rule);
			if (!v->allowed && strcmp(v->violations[i].rule, "match.manufacturer") == 0)
				status = 0;
		}
	}
out:
	mc_check_result_free(res);
	mc_fleet_free(fleet);
	mc_inventory_free(inv);
	mc_policy_free(policy);
	mc_diag_free(diag);
	return status;
}
