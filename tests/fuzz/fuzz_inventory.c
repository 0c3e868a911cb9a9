/* SPDX-License-Identifier: MIT */
/*
 * fuzz_inventory.c - the inventory loader: one fuzzed file, or two (the
 * bytes before the first NUL and the bytes after it, whose records of one
 * name merge), added and finished (each VM's host must exist).
 */
#include <string.h>

#include "fuzz.h"
#include "migcheck.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mc_inventory *inv = NULL;
	mc_diag *diag = mc_diag_new();
	const char *text = (const char *)data;
	const char *nul = memchr(text, '\0', size);
	size_t first = nul ? (size_t)(nul - text) : size;
	int rc;

	if (!diag || mc_inventory_new(&inv, NULL) != MC_OK)
		goto out;
	rc = mc_inventory_add_buffer(inv, "fuzz.yaml", text, first, diag);
	if (rc == MC_OK && nul)
		rc = mc_inventory_add_buffer(inv, "fuzz2.yaml", nul + 1,
					     size - first - 1, diag);
	if (rc == MC_OK)
		mc_inventory_finish(inv, diag);
	for (size_t i = 0; i < mc_diag_count(diag); i++)
		(void)mc_diag_get(diag, i)->message;
out:
	mc_inventory_free(inv);
	mc_diag_free(diag);
	return 0;
}
