/* SPDX-License-Identifier: MIT */
/*
 * hostrec.c - host records and their inventory YAML.
 */
#include "sources/hostrec.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

mc_hostrec *
mc_hostrec_new(void)
{
	return calloc(1, sizeof(mc_hostrec));
}

void
mc_hostrec_free(mc_hostrec *h)
{
	if (!h)
		return;
	free(h->name);
	free(h->cluster);
	free(h->manufacturer);
	free(h->architecture);
	free(h->signature);
	free(h->cpu_name);
	free(h->model_name);
	for (size_t i = 0; i < h->nfeatures; i++)
		free(h->features[i]);
	free(h->features);
	free(h->hypervisor_product);
	free(h->hypervisor_version);
	mc_strlist_free(&h->cpu_models);
	mc_strlist_free(&h->migratable_features);
	free(h->running_under);
	mc_fields_free(&h->extra);
	free(h->ref);
	free(h->file);
	free(h->source);
	free(h);
}

int
mc_hostrec_set(char **field, const char *s, size_t len)
{
	char *copy = malloc(len + 1);

	if (!copy)
		return -1;
	memcpy(copy, s, len);
	copy[len] = '\0';
	free(*field);
	*field = copy;
	return 0;
}

int
mc_hostrec_add_feature(mc_hostrec *h, const char *s, size_t len)
{
	char **f = realloc(h->features, (h->nfeatures + 1) * sizeof(*f));

	if (!f)
		return -1;
	h->features = f;
	h->features[h->nfeatures] = NULL;
	if (mc_hostrec_set(&h->features[h->nfeatures], s, len) < 0)
		return -1;
	h->nfeatures++;
	return 0;
}

#define H(m) offsetof(mc_hostrec, m)

/* The members of a host record, by inventory path, in the inventory's
 * order (../shared/spec/platforms.md). */
static const mc_slot host_slots[] = {
	{"cluster", MC_SLOT_STR, H(cluster), MC_SLOT_NONE, 0},
	{"cpu.manufacturer", MC_SLOT_STR, H(manufacturer), MC_SLOT_NONE, 0},
	{"cpu.architecture", MC_SLOT_STR, H(architecture), MC_SLOT_NONE, 0},
	{"cpu.family", MC_SLOT_INT, H(family), H(has_family), 0},
	{"cpu.model", MC_SLOT_INT, H(model), H(has_model), 0},
	{"cpu.stepping", MC_SLOT_INT, H(stepping), H(has_stepping), 0},
	{"cpu.signature", MC_SLOT_STR, H(signature), MC_SLOT_NONE, 0},
	{"cpu.name", MC_SLOT_STR, H(cpu_name), MC_SLOT_NONE, 0},
	{"cpu.model_name", MC_SLOT_STR, H(model_name), MC_SLOT_NONE, 0},
	{"cpu.model_expanded", MC_SLOT_FALSE, H(model_unexpanded), MC_SLOT_NONE, 0},
	{"cpu.sockets", MC_SLOT_COUNT, H(sockets), MC_SLOT_NONE, 0},
	{"cpu.features", MC_SLOT_ARRAY, H(features), H(has_features),
	 H(nfeatures)},
	{"cpu.migratable_features", MC_SLOT_LIST, H(migratable_features),
	 H(has_migratable), 0},
	{"hypervisor.product", MC_SLOT_STR, H(hypervisor_product), MC_SLOT_NONE, 0},
	{"hypervisor.version", MC_SLOT_STR, H(hypervisor_version), MC_SLOT_NONE, 0},
	{"hypervisor.cpu_models", MC_SLOT_LIST, H(cpu_models), H(has_cpu_models), 0},
	{"virtualization.supported", MC_SLOT_BOOL, H(virt_supported), H(has_virt), 0},
	{"virtualization.running_under", MC_SLOT_STR, H(running_under),
	 MC_SLOT_NONE, 0},
};

#define NSLOTS (sizeof(host_slots) / sizeof(*host_slots))

int
mc_hostrec_fields(const mc_hostrec *h, mc_fields *out)
{
	return mc_slots_fields(h, host_slots, NSLOTS, &h->extra, out);
}

int
mc_hostrec_merge(mc_hostrec *into, mc_hostrec *from, mc_buf *why)
{
	return mc_slots_merge(into, from, host_slots, NSLOTS, H(extra), why);
}

void
mc_hostrec_yaml(mc_buf *out, mc_hostrec *const *hosts, size_t n)
{
	mc_buf_adds(out, "hosts:\n");
	for (size_t i = 0; i < n; i++) {
		mc_fields f = {0};

		if (mc_hostrec_fields(hosts[i], &f) < 0)
			out->failed = true;
		else
			mc_record_yaml(out, hosts[i]->source, hosts[i]->name, &f);
		mc_fields_free(&f);
	}
}
