/* SPDX-License-Identifier: MIT */
/*
 * fuzz_vsphere.c - the importer of govc's host.info / vm.info JSON (and
 * pyVmomi / PowerCLI objects): `import --from vsphere`. The input is
 * imported as it is, and with the VMs' host and state given (as a library
 * caller may). What imports with the VMs on one host must load as an
 * inventory, with that host added, or the target aborts: the importer
 * writes only what the loader reads back. (An input may name a host or a
 * VM twice, which the merge of imports reports: such an import is not
 * loaded.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "imported.h"
#include "migcheck.h"
#include "sources/hostrec.h"
#include "sources/import.h"
#include "sources/vmrec.h"
#include "util/buf.h"

#define VM_HOST "esx-fuzz-01"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int placed = 0; placed < 2; placed++) {
		mc_import_ctx ctx = {.vm_host = placed ? VM_HOST : NULL,
				     .vm_state = placed ? "running" : NULL};
		mc_hostlist l = {0};
		mc_diag *diag = mc_diag_new();
		mc_buf out = MC_BUF_INIT;

		if (!diag)
			return 0;
		if (mc_import_vsphere(&l, "fuzz.json", (const char *)data, size,
				      &ctx, diag) == MC_OK) {
			mc_hostrec_yaml(&out, l.hosts, l.count);
			mc_vmrec_yaml(&out, l.vms, l.nvms);
			if (placed && fuzz_stands_alone(&l))
				fuzz_must_load(&l);
		}
		for (size_t i = 0; i < mc_diag_count(diag); i++)
			(void)mc_diag_get(diag, i)->message;
		mc_buf_free(&out);
		mc_hostlist_free(&l);
		mc_diag_free(diag);
	}
	return 0;
}
