/* SPDX-License-Identifier: MIT */
/*
 * fuzz_libvirt_domain.c - the importer of `virsh dumpxml` XML (import
 * --from libvirt-domain): the input is imported with libvirt's CPU map
 * (loaded once, in LLVMFuzzerInitialize, when it is installed) and without
 * one. What imports must load as an inventory, with a host of the VM's
 * host's name, or the target aborts: the importer writes only what the
 * loader reads back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "imported.h"
#include "migcheck.h"
#include "sources/cpumap.h"
#include "sources/import.h"
#include "util/buf.h"

static mc_cpumap *map;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	FILE *f = fopen(MC_CPUMAP_DIR "/index.xml", "rb");
	mc_diag *diag;

	(void)argc;
	(void)argv;
	if (!f)
		return 0;
	fclose(f);
	diag = mc_diag_new();
	if (!diag || mc_cpumap_load(&map, MC_CPUMAP_DIR, NULL, diag) != MC_OK)
		abort();
	mc_diag_free(diag);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int with_map = 0; with_map < 2; with_map++) {
		mc_import_ctx ctx = {.cpu_map = with_map ? map : NULL, .vm_host = "kvm-01"};
		mc_hostlist l = {0};
		mc_diag *diag = mc_diag_new();

		if (!diag)
			return 0;
		if (mc_import_libvirt_domain(&l, "fuzz.xml", (const char *)data,
					     size, &ctx, diag) == MC_OK)
			fuzz_must_load(&l);
		for (size_t i = 0; i < mc_diag_count(diag); i++)
			(void)mc_diag_get(diag, i)->message;
		mc_hostlist_free(&l);
		mc_diag_free(diag);
	}
	return 0;
}
