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
#include "sources/hostrec.h"
#include "sources/import.h"
#include "sources/probe.h"

struct mc_hostset {
	mc_hostlist list;
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
	free(set);
}

size_t
mc_hostset_count(const mc_hostset *set)
{
	return set->list.count;
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

	if (!import)
		return MC_EUSAGE;
	return import(&set->list, name, data, len, limits, diag);
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

/* Sorting, not comparing every pair: a CMDB export may hold thousands of
 * hosts. */
int
mc_hostset_check_names(const mc_hostset *set, mc_diag *diag)
{
	const mc_hostlist *hosts = &set->list;
	size_t n = hosts->count, errors = mc_diag_error_count(diag);
	named *by = calloc(n + 1, sizeof(*by));
	size_t *first = calloc(n + 1, sizeof(*first));

	if (!by || !first) {
		mc_diag_error(diag, "out of memory checking the host names");
		goto out;
	}
	/* sorted by name, then by set order: each run of one name starts at
	 * its first place */
	for (size_t i = 0; i < n; i++) {
		by[i].name = hosts->hosts[i]->name;
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
	/* one error for each host imported again, in set order */
	for (size_t i = 0; i < n; i++) {
		if (first[i] != i)
			mc_diag_error(diag, "host '%s' is imported twice: from %s and "
				      "from %s", hosts->hosts[i]->name,
				      hosts->hosts[first[i]]->source,
				      hosts->hosts[i]->source);
	}
out:
	free(by);
	free(first);
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

	mc_hostrec_yaml(&b, set->list.hosts, set->list.count);
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
	};
}
