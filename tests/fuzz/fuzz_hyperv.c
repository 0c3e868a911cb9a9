/* SPDX-License-Identifier: MIT */
/*
 * fuzz_hyperv.c - the importer of Hyper-V's PowerShell JSON (import --from
 * hyperv). What imports is written as an inventory and, when it stands
 * alone (every VM has its host and state, no name is there twice), must
 * load and finish, with a host record added for each VM's host the input
 * does not describe; else the target aborts: the importer writes only what
 * the loader reads back.
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
	if (mc_import_hyperv(&l, "fuzz.json", (const char *)data, size, &ctx,
			     diag) == MC_OK) {
		if (mc_diag_count(diag))
			abort();  /* an import that worked says nothing */
		if (fuzz_stands_alone(&l))
			fuzz_must_load(&l);
	} else if (l.count || l.nvms) {
		abort();  /* a failed import appends nothing */
	}
	for (size_t i = 0; i < mc_diag_count(diag); i++)
		(void)mc_diag_get(diag, i)->message;
	mc_hostlist_free(&l);
	mc_diag_free(diag);
	return 0;
}
