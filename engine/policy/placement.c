/* SPDX-License-Identifier: MIT */
/*
 * placement.c - compiling the `placement` section: the goal, the kinds it
 * rates, each resource's importance, the hosts' reserves, a VM's load where
 * its record has none, whether a VM that does not fit is refused, and its
 * weight against the preferences. The paths it reads are interned like a
 * condition's, so that binding, classes and reports see them.
 */
#include "policy/loader.h"

#include <stdio.h>
#include <string.h>

static const char *const resource_keys[MC_NRES] = {
	"cpu", "memory", "disk", "network"
};

const char *const mc_placement_host_paths[MC_NPH] = {
	"resources.cpus", "resources.memory_mb", "resources.disk_iops",
	"resources.network_mbps", "usage.cpu_percent", "usage.memory_mb",
	"usage.disk_iops", "usage.network_mbps"
};

const char *const mc_placement_vm_paths[MC_NPV] = {
	"resources.vcpus", "resources.memory_mb", "load.cpu_percent",
	"load.disk_iops", "load.network_mbps"
};

static const mc_key placement_keys[] = {
	{"goal",       MC_KEY_STR,  true,  NULL},
	{"kinds",      MC_KEY_LIST, false, NULL},
	{"importance", MC_KEY_MAP,  false, NULL},
	{"reserves",   MC_KEY_MAP,  false, NULL},
	{"vm_load",    MC_KEY_MAP,  false, NULL},
	{"refuse",     MC_KEY_BOOL, false, NULL},
	{"weight",     MC_KEY_ANY,  false, NULL},
	{NULL,         MC_KEY_ANY,  false, NULL}
};
static const mc_schema placement_schema = {"'placement'", placement_keys};

static const mc_key importance_keys[] = {
	{"cpu",     MC_KEY_ANY, false, NULL},
	{"memory",  MC_KEY_ANY, false, NULL},
	{"disk",    MC_KEY_ANY, false, NULL},
	{"network", MC_KEY_ANY, false, NULL},
	{NULL,      MC_KEY_ANY, false, NULL}
};
static const mc_schema importance_schema = {"'importance'", importance_keys};

static const mc_key reserves_keys[] = {
	{"cpu_percent",     MC_KEY_ANY, false, NULL},
	{"memory_mb",       MC_KEY_ANY, false, NULL},
	{"disk_iops",       MC_KEY_ANY, false, NULL},
	{"network_percent", MC_KEY_ANY, false, NULL},
	{NULL,              MC_KEY_ANY, false, NULL}
};
static const mc_schema reserves_schema = {"'reserves'", reserves_keys};

static const mc_key vm_load_keys[] = {
	{"cpu_percent",  MC_KEY_ANY, false, NULL},
	{"disk_iops",    MC_KEY_ANY, false, NULL},
	{"network_mbps", MC_KEY_ANY, false, NULL},
	{NULL,           MC_KEY_ANY, false, NULL}
};
static const mc_schema vm_load_schema = {"'vm_load'", vm_load_keys};

/* The resource each key of `reserves` and `vm_load` is about. */
static const mc_resource reserve_res[] = {
	MC_RES_CPU, MC_RES_MEMORY, MC_RES_DISK, MC_RES_NETWORK
};
static const mc_resource vm_load_res[] = {
	MC_RES_CPU, MC_RES_DISK, MC_RES_NETWORK
};

/* A whole number from lo to hi at n, into *out; false after an error. */
static bool
whole(loader *L, const mc_node *n, const char *what, int64_t lo, int64_t hi,
      int64_t *out)
{
	if (n->kind != MC_NODE_SCALAR || n->type != MC_SCALAR_INT ||
	    n->num < lo || n->num > hi) {
		lerror(L, n, "%s must be a whole number from %lld to %lld", what,
		       (long long)lo, (long long)hi);
		return false;
	}
	*out = n->num;
	return true;
}

/* The values of a mapping of whole numbers (schema s, keys of resources
 * res in its order) into out[res[i]]; percentages go to 100. */
static void
numbers(loader *L, const mc_node *map, const mc_schema *s,
	const mc_resource *res, int64_t *out)
{
	if (!check_schema(L, s, map, NULL))
		return;
	for (size_t i = 0; s->keys[i].name; i++) {
		const mc_node *n = mc_node_get(map, s->keys[i].name);
		bool percent = strstr(s->keys[i].name, "percent") != NULL;
		char what[64];

		if (!n)
			continue;
		snprintf(what, sizeof(what), "'%s'", s->keys[i].name);
		whole(L, n, what, 0, percent ? 100 : INT32_MAX, &out[res[i]]);
	}
}

static void
importance(loader *L, mc_placement *pl, const mc_node *map)
{
	/* Without `importance`: VMM's CPU 5 and memory 8; disk and network,
	 * which few platforms report, are not considered (VMM: 2 each). */
	pl->importance[MC_RES_CPU] = 5;
	pl->importance[MC_RES_MEMORY] = 8;
	if (!map)
		return;
	pl->importance[MC_RES_CPU] = pl->importance[MC_RES_MEMORY] = 0;
	if (!check_schema(L, &importance_schema, map, NULL))
		return;
	for (size_t r = 0; r < MC_NRES; r++) {
		const mc_node *n = mc_node_get(map, resource_keys[r]);
		int64_t v;

		if (!n)
			continue;
		pl->res_at[r] = n;
		if (whole(L, n, "an importance", 0, 10, &v))
			pl->importance[r] = (uint32_t)v;
	}
	if (!pl->importance[MC_RES_CPU] && !pl->importance[MC_RES_MEMORY] &&
	    !pl->importance[MC_RES_DISK] && !pl->importance[MC_RES_NETWORK] &&
	    L->cc.errors == 0)
		lerror(L, map, "'importance' gives every resource 0: placement "
		       "would consider nothing");
}

static void
intern_paths(loader *L, mc_placement *pl)
{
	mc_policy *p = L->p;

	for (size_t i = 0; i < MC_NPH; i++) {
		const char *path = mc_placement_host_paths[i];
		long k = mc_pathtab_intern(&p->host_paths, &p->arena, path,
					   strlen(path));
		if (k < 0) {
			L->cc.nomem = true;
			return;
		}
		pl->host_path[i] = (uint32_t)k;
	}
	for (size_t i = 0; i < MC_NPV; i++) {
		const char *path = mc_placement_vm_paths[i];
		long k = mc_pathtab_intern(&p->vm_paths, &p->arena, path,
					   strlen(path));
		if (k < 0) {
			L->cc.nomem = true;
			return;
		}
		pl->vm_path[i] = (uint32_t)k;
	}
}

void
mc_policy__compile_placement(loader *L, const layer *l)
{
	mc_placement *pl = &L->p->placement;
	const mc_node *vals[8], *sec = l->placement;
	int errors = L->cc.errors;

	if (!sec || !want_map(L, sec, "'placement'"))
		return;
	if (!check_schema(L, &placement_schema, sec, vals))
		return;
	pl->at = sec;
	for (size_t r = 0; r < MC_NRES; r++)
		pl->res_at[r] = sec;
	if (strcmp(vals[0]->u.text, "load-balancing") == 0) {
		pl->goal = MC_GOAL_LOAD_BALANCING;
	} else if (strcmp(vals[0]->u.text, "resource-maximization") == 0) {
		pl->goal = MC_GOAL_RESOURCE_MAXIMIZATION;
	} else {
		lerror(L, vals[0], "'goal' must be load-balancing or "
		       "resource-maximization");
	}
	pl->kinds = (uint32_t)((1ull << L->p->nkinds) - 1);
	if (vals[1]) {
		pl->kinds = 0;
		for (size_t j = 0; j < vals[1]->len; j++) {
			int k = mc_policy__kind_ref(L, vals[1]->u.items[j], "a kind");
			if (k >= 0)
				pl->kinds |= 1u << k;
		}
	}
	importance(L, pl, vals[2]);
	if (vals[3])
		numbers(L, vals[3], &reserves_schema, reserve_res, pl->reserve);
	/* VMM's load of a new VM: 20 % CPU, no disk I/O, no network. */
	pl->vm_load[MC_RES_CPU] = 20;
	if (vals[4])
		numbers(L, vals[4], &vm_load_schema, vm_load_res, pl->vm_load);
	pl->refuse = vals[5] ? vals[5]->num != 0 : true;
	pl->weight = 1;
	if (vals[6]) {
		int64_t w;
		if (whole(L, vals[6], "'weight'", 1, 1000000, &w))
			pl->weight = (uint32_t)w;
	}
	intern_paths(L, pl);
	pl->on = L->cc.errors == errors && !L->cc.nomem;
}
