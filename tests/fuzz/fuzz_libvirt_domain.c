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

/* The imported VMs of l, after a host of their host's name, must load. */
static void
must_load(const mc_hostlist *l)
{
	mc_buf b = MC_BUF_INIT;
	mc_inventory *inv = NULL;
	mc_diag *diag = mc_diag_new();
	char *text = NULL;
	size_t len = 0;

	if (!diag || mc_inventory_new(&inv, NULL) != MC_OK)
		goto out;
	mc_buf_adds(&b, "hosts:\n  - name: \"kvm-01\"\n");
	mc_vmrec_yaml(&b, l->vms, l->nvms);
	if (mc_buf_take(&b, &text, &len) != MC_OK)
		goto out;
	if (mc_inventory_add_buffer(inv, "fuzz.yaml", text, len, diag) == MC_ENOMEM)
		goto out;
	if (mc_diag_error_count(diag) == 0)
		mc_inventory_finish(inv, diag);
	if (mc_diag_error_count(diag)) {
		fprintf(stderr, "the import does not load: %s\n%s",
			mc_diag_get(diag, 0)->message, text);
		abort();
	}
out:
	free(text);
	mc_inventory_free(inv);
	mc_diag_free(diag);
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
			must_load(&l);
		for (size_t i = 0; i < mc_diag_count(diag); i++)
			(void)mc_diag_get(diag, i)->message;
		mc_hostlist_free(&l);
		mc_diag_free(diag);
	}
	return 0;
}
