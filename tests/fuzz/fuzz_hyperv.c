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
#include "migcheck.h"
#include "sources/import.h"
#include "util/buf.h"

static bool
named(char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(names[i], name) == 0)
			return true;
	}
	return false;
}

/* Whether the records can load as an inventory of their own: partial VM
 * records (of Get-VMProcessor or Get-VMSnapshot alone) and names given
 * twice are for merging with other files. */
static bool
stands_alone(const mc_hostlist *l)
{
	for (size_t i = 0; i < l->count; i++) {
		for (size_t j = 0; j < i; j++) {
			if (strcmp(l->hosts[i]->name, l->hosts[j]->name) == 0)
				return false;
		}
	}
	for (size_t i = 0; i < l->nvms; i++) {
		if (!l->vms[i]->host || !l->vms[i]->state)
			return false;
		for (size_t j = 0; j < i; j++) {
			if (strcmp(l->vms[i]->name, l->vms[j]->name) == 0)
				return false;
		}
	}
	return true;
}

static void
must_load(const mc_hostlist *l)
{
	mc_buf b = MC_BUF_INIT;
	mc_inventory *inv = NULL;
	mc_diag *diag = mc_diag_new();
	char **names = calloc(l->count + l->nvms + 1, sizeof(*names));
	size_t nnames = 0;
	char *text = NULL;
	size_t len = 0;

	if (!diag || !names || mc_inventory_new(&inv, NULL) != MC_OK)
		goto out;
	for (size_t i = 0; i < l->count; i++)
		names[nnames++] = l->hosts[i]->name;
	mc_hostrec_yaml(&b, l->hosts, l->count);  /* "hosts:" even for none */
	for (size_t i = 0; i < l->nvms; i++) {
		const char *h = l->vms[i]->host;

		if (named(names, nnames, h))
			continue;
		names[nnames++] = l->vms[i]->host;
		mc_buf_adds(&b, "  - name: ");
		mc_yaml_quote(&b, h);
		mc_buf_adds(&b, "\n");
	}
	if (l->nvms)
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
	free(names);
	free(text);
	mc_buf_free(&b);
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
	if (mc_import_hyperv(&l, "fuzz.json", (const char *)data, size, &ctx,
			     diag) == MC_OK) {
		if (mc_diag_count(diag))
			abort();  /* an import that worked says nothing */
		if (stands_alone(&l))
			must_load(&l);
	} else if (l.count || l.nvms) {
		abort();  /* a failed import appends nothing */
	}
	for (size_t i = 0; i < mc_diag_count(diag); i++)
		(void)mc_diag_get(diag, i)->message;
	mc_hostlist_free(&l);
	mc_diag_free(diag);
	return 0;
}
