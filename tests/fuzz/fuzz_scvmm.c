/* SPDX-License-Identifier: MIT */
/*
 * fuzz_scvmm.c - the importer of VMM's JSON (import --from scvmm): one
 * fuzzed file read as the output of Get-SCVMHost and Get-SCVirtualMachine
 * | ConvertTo-Json. What imports must load as an inventory (with a host
 * record added for each VM's host the input does not hold), or the target
 * aborts: the importer writes only what the loader reads back. An input
 * that names a host or a VM twice is left to the merge of imports and not
 * loaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "imported.h"
#include "migcheck.h"
#include "sources/import.h"
#include "util/buf.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mc_import_ctx ctx = {0};
	mc_hostlist l = {0};
	mc_diag *diag = mc_diag_new();

	if (!diag)
		return 0;
	if (mc_import_scvmm(&l, "fuzz.json", (const char *)data, size, &ctx,
			    diag) == MC_OK && fuzz_stands_alone(&l))
		fuzz_must_load(&l);
	for (size_t i = 0; i < mc_diag_count(diag); i++)
		(void)mc_diag_get(diag, i)->message;
	mc_hostlist_free(&l);
	mc_diag_free(diag);
	return 0;
}
