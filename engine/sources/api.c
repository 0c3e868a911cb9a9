/*
 * api.c - the public face of the importers and the probe (mc_hostset_*,
 * mc_import_format_*): a list of host records over import.h, probe.h and
 * hostrec.h, which stay internal.
 */
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/diag.h"
#include "load/node.h"
#include "sources/cpumap.h"
#include "sources/hostrec.h"
#include "sources/import.h"
#include "sources/probe.h"

struct mc_hostset {
	mc_hostlist list;
	mc_cpumap *cpu_map;   /* NULL: none loaded */
	char *vm_host;        /* the host imported VMs are on */
	char *vm_state;       /* their state; NULL: as the input says */
};

int
mc_hostset_new(mc_hostset **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? MC_OK : MC_ENOMEM;
}

void
mc_hostset_free(mc_hostset *set)
{
	if (!set)
		return;
	mc_hostlist_free(&set->list);
	mc_cpumap_free(set->cpu_map);
	free(set->vm_host);
	free(set->vm_state);
	free(set);
}

size_t
mc_hostset_count(const mc_hostset *set)
{
	return set->list.count;
}

size_t
mc_hostset_vm_count(const mc_hostset *set)
{
	return set->list.nvms;
}

int
mc_hostset_load_cpu_map(mc_hostset *set, const char *dir, mc_diag *diag)
{
	mc_cpumap *map = NULL;
	int rc = mc_cpumap_load(&map, dir, NULL, diag);

	if (rc != MC_OK)
		return rc;
	mc_cpumap_free(set->cpu_map);
	set->cpu_map = map;
	return MC_OK;
}

bool
mc_hostset_has_cpu_map(const mc_hostset *set)
{
	return set->cpu_map != NULL;
}

/* Replaces *field with a copy of s (NULL: none). */
static int
set_copy(char **field, const char *s)
{
	if (!s) {
		free(*field);
		*field = NULL;
		return MC_OK;
	}
	return mc_hostrec_set(field, s, strlen(s)) < 0 ? MC_ENOMEM : MC_OK;
}

int
mc_hostset_set_vm_place(mc_hostset *set, const char *host, const char *state)
{
	if (set_copy(&set->vm_host, host) != MC_OK ||
	    set_copy(&set->vm_state, state) != MC_OK)
		return MC_ENOMEM;
	return MC_OK;
}

const char *
mc_import_format_names(void)
{
	return mc_import_formats();
}

bool
mc_import_format_known(const char *format)
{
	return mc_import_find(format) != NULL;
}

int
mc_hostset_import_buffer(mc_hostset *set, const char *format,
			 const char *name, const char *data, size_t len,
			 const mc_limits *limits, mc_diag *diag)
{
	mc_importer import = mc_import_find(format);
	mc_import_ctx ctx = {limits, set->cpu_map, set->vm_host, set->vm_state};

	if (!import)
		return MC_EUSAGE;
	return import(&set->list, name, data, len, &ctx, diag);
}

int
mc_hostset_import_file(mc_hostset *set, const char *format, const char *path,
		       const mc_limits *limits, mc_diag *diag)
{
	mc_limits lim;
	char *data = NULL;
	size_t len = 0;
	int rc;

	if (!mc_import_find(format))
		return MC_EUSAGE;
	mc_import_limits(&lim, limits);
	rc = mc_file_read(path, NULL, &lim, diag, &data, &len);
	if (rc != MC_OK)
		return rc;
	rc = mc_hostset_import_buffer(set, format, path, data, len, limits, diag);
	free(data);
	return rc;
}

int
mc_hostset_probe(mc_hostset *set, const char *name, const char *cluster)
{
	mc_hostrec *h = NULL;

	if (mc_probe(&h, name, cluster) < 0)
		return MC_ENOMEM;
	return mc_hostlist_add(&set->list, h) < 0 ? MC_ENOMEM : MC_OK;
}

/* A host's name and its place in the set, for finding names twice. */
typedef struct named {
	const char *name;
	size_t at;
} named;

static int
by_name(const void *a, const void *b)
{
	const named *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->at > y->at) - (x->at < y->at);
}

/*
 * Adds an error for each of the n records (named names[i], made from
 * sources[i]) named as one before it, in order. Sorting, not comparing
 * every pair: a CMDB export may hold thousands of hosts.
 */
static void
check_dups(const char *what, const char *const *names,
	   const char *const *sources, size_t n, mc_diag *diag)
{
	named *by = calloc(n + 1, sizeof(*by));
	size_t *first = calloc(n + 1, sizeof(*first));

	if (!by || !first) {
		mc_diag_error(diag, "out of memory checking the %s names", what);
		goto out;
	}
	/* sorted by name, then by set order: each run of one name starts at
	 * its first place */
	for (size_t i = 0; i < n; i++) {
		by[i].name = names[i];
		by[i].at = i;
		first[i] = i;
	}
	qsort(by, n, sizeof(*by), by_name);
	for (size_t i = 1, start = 0; i < n; i++) {
		if (strcmp(by[i].name, by[start].name) != 0)
			start = i;
		else
			first[by[i].at] = by[start].at;
	}
	/* one error for each record imported again, in set order */
	for (size_t i = 0; i < n; i++) {
		if (first[i] != i)
			mc_diag_error(diag, "%s '%s' is imported twice: from %s and "
				      "from %s", what, names[i], sources[first[i]],
				      sources[i]);
	}
out:
	free(by);
	free(first);
}

int
mc_hostset_check_names(const mc_hostset *set, mc_diag *diag)
{
	const mc_hostlist *l = &set->list;
	size_t errors = mc_diag_error_count(diag);
	size_t n = l->count > l->nvms ? l->count : l->nvms;
	const char **names = calloc(n + 1, sizeof(*names));
	const char **sources = calloc(n + 1, sizeof(*sources));

	if (!names || !sources) {
		mc_diag_error(diag, "out of memory checking the names");
		goto out;
	}
	for (size_t i = 0; i < l->count; i++) {
		names[i] = l->hosts[i]->name;
		sources[i] = l->hosts[i]->source;
	}
	check_dups("host", names, sources, l->count, diag);
	for (size_t i = 0; i < l->nvms; i++) {
		names[i] = l->vms[i]->name;
		sources[i] = l->vms[i]->source;
	}
	check_dups("VM", names, sources, l->nvms, diag);
out:
	free(names);
	free(sources);
	return mc_diag_error_count(diag) > errors ? MC_EINPUT : MC_OK;
}

int
mc_hostset_set_cluster(mc_hostset *set, const char *cluster)
{
	for (size_t i = 0; i < set->list.count; i++) {
		if (mc_hostrec_set(&set->list.hosts[i]->cluster, cluster,
				   strlen(cluster)) < 0)
			return MC_ENOMEM;
	}
	return MC_OK;
}

int
mc_hostset_yaml(char **out, size_t *len, const mc_hostset *set)
{
	mc_buf b = MC_BUF_INIT;

	/* An inventory of VMs only has no hosts: section. */
	if (set->list.count || !set->list.nvms)
		mc_hostrec_yaml(&b, set->list.hosts, set->list.count);
	if (set->list.nvms)
		mc_vmrec_yaml(&b, set->list.vms, set->list.nvms);
	return mc_buf_take(&b, out, len);
}

void
mc_hostset_get(const mc_hostset *set, size_t i, mc_host_record *out)
{
	const mc_hostrec *h = set->list.hosts[i];

	*out = (mc_host_record){
		.name = h->name,
		.cluster = h->cluster,
		.manufacturer = h->manufacturer,
		.architecture = h->architecture,
		.has_family = h->has_family,
		.has_model = h->has_model,
		.has_stepping = h->has_stepping,
		.family = h->family,
		.model = h->model,
		.stepping = h->stepping,
		.signature = h->signature,
		.cpu_name = h->cpu_name,
		.sockets = h->sockets,
		.features = (const char *const *)h->features,
		.nfeatures = h->nfeatures,
		.hypervisor_product = h->hypervisor_product,
		.hypervisor_version = h->hypervisor_version,
		.has_virt = h->has_virt,
		.virt_supported = h->virt_supported,
		.running_under = h->running_under,
		.source = h->source,
		.model_name = h->model_name,
	};
}
