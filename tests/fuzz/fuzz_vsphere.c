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
#include "migcheck.h"
#include "sources/hostrec.h"
#include "sources/import.h"
#include "sources/vmrec.h"
#include "util/buf.h"

#define VM_HOST "esx-fuzz-01"

static bool
names_unique(const mc_hostlist *l)
{
	for (size_t i = 0; i < l->count; i++) {
		if (strcmp(l->hosts[i]->name, VM_HOST) == 0)
			return false;
		for (size_t j = 0; j < i; j++)
			if (strcmp(l->hosts[i]->name, l->hosts[j]->name) == 0)
				return false;
	}
	for (size_t i = 0; i < l->nvms; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(l->vms[i]->name, l->vms[j]->name) == 0)
				return false;
	return true;
}

/* The imported hosts, the VMs' host, and the VMs must load. */
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
	mc_hostrec_yaml(&b, l->hosts, l->count);
	mc_buf_adds(&b, "  - name: \"" VM_HOST "\"\n");
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
	mc_buf_free(&b);
	free(text);
	mc_inventory_free(inv);
	mc_diag_free(diag);
}

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
			if (placed && names_unique(&l))
				must_load(&l);
		}
		for (size_t i = 0; i < mc_diag_count(diag); i++)
			(void)mc_diag_get(diag, i)->message;
		mc_buf_free(&out);
		mc_hostlist_free(&l);
		mc_diag_free(diag);
	}
	return 0;
}
