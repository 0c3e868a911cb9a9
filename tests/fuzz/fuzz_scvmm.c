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
#include "migcheck.h"
#include "sources/import.h"
#include "util/buf.h"

static bool
has_host(mc_hostrec *const *hosts, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(hosts[i]->name, name) == 0)
			return true;
	}
	return false;
}

static bool
names_twice(const mc_hostlist *l)
{
	for (size_t i = 0; i < l->count; i++) {
		if (has_host(l->hosts, i, l->hosts[i]->name))
			return true;
	}
	for (size_t i = 0; i < l->nvms; i++) {
		for (size_t j = 0; j < i; j++) {
			if (strcmp(l->vms[i]->name, l->vms[j]->name) == 0)
				return true;
		}
	}
	return false;
}

static void
must_load(const mc_hostlist *l)
{
	mc_buf b = MC_BUF_INIT;
	mc_inventory *inv = NULL;
	mc_diag *diag = mc_diag_new();
	mc_hostrec **all = NULL;
	size_t n = l->count;
	char *text = NULL;
	size_t len = 0;

	if (!diag || names_twice(l) ||
	    !(all = calloc(l->count + l->nvms + 1, sizeof(*all))))
		goto out;
	if (l->count)
		memcpy(all, l->hosts, l->count * sizeof(*all));
	for (size_t i = 0; i < l->nvms; i++) {
		const char *h = l->vms[i]->host;

		if (has_host(all, n, h))
			continue;
		if (!(all[n] = mc_hostrec_new()) ||
		    mc_hostrec_set(&all[n]->name, h, strlen(h)) < 0) {
			n += all[n] != NULL;
			goto out;
		}
		n++;
	}
	if (mc_inventory_new(&inv, NULL) != MC_OK)
		goto out;
	mc_hostrec_yaml(&b, all, n);
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
	if (all) {
		for (size_t i = l->count; i < n; i++)
			mc_hostrec_free(all[i]);
		free(all);
	}
	mc_buf_free(&b);
	free(text);
	mc_inventory_free(inv);
	mc_diag_free(diag);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mc_import_ctx ctx = {0};
	mc_hostlist l = {0};
	mc_diag *diag = mc_diag_new();

	if (!diag)
		return 0;
	if (mc_import_scvmm(&l, "fuzz.json", (const char *)data, size, &ctx,
			    diag) == MC_OK)
		must_load(&l);
	for (size_t i = 0; i < mc_diag_count(diag); i++)
		(void)mc_diag_get(diag, i)->message;
	mc_hostlist_free(&l);
	mc_diag_free(diag);
	return 0;
}
