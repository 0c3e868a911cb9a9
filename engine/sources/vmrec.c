/* SPDX-License-Identifier: MIT */
/*
 * vmrec.c - VM records and their inventory YAML.
 */
#include "sources/vmrec.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>


mc_vmrec *
mc_vmrec_new(void)
{
	return calloc(1, sizeof(mc_vmrec));
}

void
mc_vmrec_free(mc_vmrec *vm)
{
	if (!vm)
		return;
	free(vm->name);
	free(vm->host);
	free(vm->host_ref);
	free(vm->file);
	free(vm->state);
	free(vm->cpu_architecture);
	free(vm->cpu_mode);
	free(vm->cpu_match);
	free(vm->cpu_check);
	free(vm->cpu_migratable);
	free(vm->cpu_model);
	free(vm->cpu_fallback);
	free(vm->cpu_vendor);
	mc_strlist_free(&vm->cpu_features);
	mc_strlist_free(&vm->cpu_force);
	mc_strlist_free(&vm->cpu_optional);
	mc_strlist_free(&vm->cpu_disable);
	mc_strlist_free(&vm->cpu_forbid);
	mc_fields_free(&vm->extra);
	free(vm->source);
	free(vm);
}

#define V(m) offsetof(mc_vmrec, m)

/* The members of a VM record, by inventory path, in the inventory's order
 * (../shared/spec/platforms.md). */
static const mc_slot vm_slots[] = {
	{"host", MC_SLOT_STR, V(host), MC_SLOT_NONE, 0},
	{"state", MC_SLOT_STR, V(state), MC_SLOT_NONE, 0},
	{"clock.tsc_frequency", MC_SLOT_COUNT, V(tsc_frequency), MC_SLOT_NONE, 0},
	{"cpu.architecture", MC_SLOT_STR, V(cpu_architecture), MC_SLOT_NONE, 0},
	{"cpu.mode", MC_SLOT_STR, V(cpu_mode), MC_SLOT_NONE, 0},
	{"cpu.match", MC_SLOT_STR, V(cpu_match), MC_SLOT_NONE, 0},
	{"cpu.check", MC_SLOT_STR, V(cpu_check), MC_SLOT_NONE, 0},
	{"cpu.migratable", MC_SLOT_STR, V(cpu_migratable), MC_SLOT_NONE, 0},
	{"cpu.model", MC_SLOT_STR, V(cpu_model), MC_SLOT_NONE, 0},
	{"cpu.fallback", MC_SLOT_STR, V(cpu_fallback), MC_SLOT_NONE, 0},
	{"cpu.vendor", MC_SLOT_STR, V(cpu_vendor), MC_SLOT_NONE, 0},
	{"cpu.model_expanded", MC_SLOT_FALSE, V(model_unexpanded), MC_SLOT_NONE, 0},
	{"cpu.features", MC_SLOT_LIST, V(cpu_features), V(has_cpu_features), 0},
	{"cpu.force", MC_SLOT_LIST, V(cpu_force), MC_SLOT_NONE, 0},
	{"cpu.optional", MC_SLOT_LIST, V(cpu_optional), MC_SLOT_NONE, 0},
	{"cpu.disable", MC_SLOT_LIST, V(cpu_disable), MC_SLOT_NONE, 0},
	{"cpu.forbid", MC_SLOT_LIST, V(cpu_forbid), MC_SLOT_NONE, 0},
};

#define NSLOTS (sizeof(vm_slots) / sizeof(*vm_slots))

int
mc_vmrec_fields(const mc_vmrec *vm, mc_fields *out)
{
	return mc_slots_fields(vm, vm_slots, NSLOTS, &vm->extra, out);
}

int
mc_vmrec_merge(mc_vmrec *into, mc_vmrec *from, mc_buf *why)
{
	return mc_slots_merge(into, from, vm_slots, NSLOTS, V(extra), why);
}

void
mc_vmrec_yaml(mc_buf *out, mc_vmrec *const *vms, size_t n)
{
	mc_buf_adds(out, "vms:\n");
	for (size_t i = 0; i < n; i++) {
		mc_fields f = {0};

		if (mc_vmrec_fields(vms[i], &f) < 0)
			out->failed = true;
		else
			mc_record_yaml(out, vms[i]->source, vms[i]->name, &f);
		mc_fields_free(&f);
	}
}
