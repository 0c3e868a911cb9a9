/*
 * fuzz_inventory.c - the inventory loader: one fuzzed file, added and
 * finished (each VM's host must exist).
 */
#include "fuzz.h"
#include "migcheck.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mc_inventory *inv = NULL;
	mc_diag *diag = mc_diag_new();

	if (!diag || mc_inventory_new(&inv, NULL) != MC_OK)
		goto out;
	if (mc_inventory_add_buffer(inv, "fuzz.yaml", (const char *)data, size,
				    diag) == MC_OK)
		mc_inventory_finish(inv, diag);
	for (size_t i = 0; i < mc_diag_count(diag); i++)
		(void)mc_diag_get(diag, i)->message;
out:
	mc_inventory_free(inv);
	mc_diag_free(diag);
	return 0;
}
