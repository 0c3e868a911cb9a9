/* SPDX-License-Identifier: MIT */
/*
 * imported.c - the records of an import, loaded back as an inventory.
 */
#include "imported.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migcheck.h"
#include "util/buf.h"

/* True when one of the first n names is name. */
static bool
among(char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

bool
fuzz_stands_alone(const mc_hostlist *l)
{
	for (size_t i = 0; i < l->count; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(l->hosts[i]->name, l->hosts[j]->name) == 0)
				return false;
	for (size_t i = 0; i < l->nvms; i++) {
		if (!l->vms[i]->host || !l->vms[i]->state)
			return false;
		for (size_t j = 0; j < i; j++)
			if (strcmp(l->vms[i]->name, l->vms[j]->name) == 0)
				return false;
	}
	return true;
}

void
fuzz_must_load(const mc_hostlist *l)
{
	mc_buf b = MC_BUF_INIT;
	mc_inventory *inv = NULL;
	mc_diag *diag = mc_diag_new();
	char **names = calloc(l->count + l->nvms + 1, sizeof(*names));
	size_t n = 0, len = 0;
	char *text = NULL;

	if (!diag || !names || mc_inventory_new(&inv, NULL) != MC_OK)
		goto out;
	for (size_t i = 0; i < l->count; i++)
		names[n++] = l->hosts[i]->name;
	mc_hostrec_yaml(&b, l->hosts, l->count);  /* "hosts:" even for none */
	for (size_t i = 0; i < l->nvms; i++) {
		if (among(names, n, l->vms[i]->host))
			continue;
		names[n++] = l->vms[i]->host;
		mc_buf_adds(&b, "  - name: ");
		mc_yaml_quote(&b, l->vms[i]->host);
		mc_buf_addc(&b, '\n');
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
