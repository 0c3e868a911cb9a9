/* SPDX-License-Identifier: MIT */
/*
 * api.c - the public face of the importers and the probe (mc_hostset_*,
 * mc_import_format_*): a list of host records over import.h, probe.h and
 * hostrec.h, which stay internal.
 */
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/diag.h"
#include "load/named.h"
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
	char *host_name;      /* the name of the host each input describes */
	char delimiter;       /* csv: between cells; 0: a comma */
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
	free(set->host_name);
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

int
mc_hostset_set_name(mc_hostset *set, const char *name)
{
	return set_copy(&set->host_name, name);
}

void
mc_hostset_set_delimiter(mc_hostset *set, char delimiter)
{
	set->delimiter = delimiter;
}

/* Drops the records from hosts and vms on: what an input that did not
 * import added. */
static void
drop_from(mc_hostlist *l, size_t hosts, size_t vms)
{
	while (l->count > hosts)
		mc_hostrec_free(l->hosts[--l->count]);
	while (l->nvms > vms)
		mc_vmrec_free(l->vms[--l->nvms]);
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
	mc_import_ctx ctx = {limits, set->cpu_map, set->vm_host, set->vm_state,
			     set->delimiter};

	size_t hosts = set->list.count, vms = set->list.nvms;
	int rc;

	mc_limits lim;

	if (!import)
		return MC_EUSAGE;
	mc_import_limits(&lim, limits);
	if (len > lim.max_file_bytes)
		return mc_file_too_large(name, NULL, &lim, diag);
	rc = import(&set->list, name, data, len, &ctx, diag);
	if (rc == MC_OK && set->host_name) {
		size_t n = set->list.count - hosts;

		if (n != 1 || set->list.nvms != vms) {
			mc_diag_error(diag, "%s: a name is given for its host, but "
				      "it holds %zu hosts and %zu VMs", name, n,
				      set->list.nvms - vms);
			rc = MC_EINPUT;
		} else if (set_copy(&set->list.hosts[hosts]->name,
				    set->host_name) != MC_OK) {
			rc = MC_ENOMEM;
		}
	}
	/* where each new record came from, for messages about merging */
	for (size_t i = hosts; rc == MC_OK && i < set->list.count; i++)
		if (mc_hostrec_set(&set->list.hosts[i]->file, name, strlen(name)) < 0)
			rc = MC_ENOMEM;
	for (size_t i = vms; rc == MC_OK && i < set->list.nvms; i++)
		if (mc_hostrec_set(&set->list.vms[i]->file, name, strlen(name)) < 0)
			rc = MC_ENOMEM;
	if (rc != MC_OK)
		drop_from(&set->list, hosts, vms);
	return rc;
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

/* A record's name and its place in the set, for finding names twice. */
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

/* How records of one kind are merged: hosts or VMs. */
typedef struct kind {
	const char *what;                  /* "host", "VM" */
	void **recs;                       /* the list's records */
	size_t *count;
	const char *(*name)(const void *);
	const char *(*file)(const void *);
	unsigned (*line)(const void *), (*col)(const void *);
	int (*merge)(void *into, void *from, mc_buf *why);
	void (*release)(void *);
} kind;

/* Reports that record `later` of kind k disagrees with `first` (why). */
static void
conflict(const kind *k, const void *first, const void *later, const char *why,
	 mc_diag *diag)
{
	unsigned l1 = k->line(first), l2 = k->line(later);

	mc_diag_add(diag, MC_SEVERITY_ERROR, k->file(later), l2 ? l2 : 1,
		    l2 ? k->col(later) : 1, NULL, 0, "%s '%s': %s at %s:%u:%u",
		    k->what, k->name(later), why, k->file(first), l1 ? l1 : 1,
		    l1 ? k->col(first) : 1);
}

/*
 * Merges the records of kind k that share a name into the first of them
 * (mc_hostrec_merge), in set order, and drops the others. Sorting, not
 * comparing every pair: a CMDB export may hold thousands of hosts. A
 * conflict is an error naming both places. -1 when memory runs out.
 */
static int
merge_kind(const kind *k, mc_diag *diag)
{
	size_t n = *k->count, kept = 0;
	named *by = calloc(n + 1, sizeof(*by));
	size_t *into = calloc(n + 1, sizeof(*into));
	mc_buf why = MC_BUF_INIT;
	int rc = 0;

	if (!by || !into) {
		rc = -1;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		by[i] = (named){k->name(k->recs[i]), i};
		into[i] = i;
	}
	qsort(by, n, sizeof(*by), by_name);
	for (size_t i = 1, start = 0; i < n; i++) {
		if (strcmp(by[i].name, by[start].name) != 0)
			start = i;
		else
			into[by[i].at] = by[start].at;
	}
	/* in set order, each record into the first of its name */
	for (size_t i = 0; i < n && rc == 0; i++) {
		void *first = k->recs[into[i]];

		if (into[i] == i)
			continue;
		mc_buf_reset(&why);
		rc = k->merge(first, k->recs[i], &why);
		if (rc > 0)
			conflict(k, first, k->recs[i], mc_buf_str(&why), diag);
		rc = rc < 0 || mc_buf_failed(&why) ? -1 : 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (into[i] == i)
			k->recs[kept++] = k->recs[i];
		else
			k->release(k->recs[i]);
	}
	*k->count = kept;
out:
	mc_buf_free(&why);
	free(by);
	free(into);
	return rc;
}

static const char *
host_name(const void *r)
{
	return ((const mc_hostrec *)r)->name;
}

static const char *
host_file(const void *r)
{
	return ((const mc_hostrec *)r)->file;
}

static unsigned
host_line(const void *r)
{
	return ((const mc_hostrec *)r)->line;
}

static unsigned
host_col(const void *r)
{
	return ((const mc_hostrec *)r)->col;
}

static int
host_merge(void *into, void *from, mc_buf *why)
{
	return mc_hostrec_merge(into, from, why);
}

static void
host_release(void *r)
{
	mc_hostrec_free(r);
}

static const char *
vm_name(const void *r)
{
	return ((const mc_vmrec *)r)->name;
}

static const char *
vm_file(const void *r)
{
	return ((const mc_vmrec *)r)->file;
}

static unsigned
vm_line(const void *r)
{
	return ((const mc_vmrec *)r)->line;
}

static unsigned
vm_col(const void *r)
{
	return ((const mc_vmrec *)r)->col;
}

static int
vm_merge(void *into, void *from, mc_buf *why)
{
	return mc_vmrec_merge(into, from, why);
}

static void
vm_release(void *r)
{
	mc_vmrec_free(r);
}

/*
 * Gives each VM that names its host by the platform's reference (vSphere's
 * "host-16") the name of the host of that reference. A reference no
 * imported host has, or a VM with no host at all, is an error.
 */
static int
resolve_hosts(mc_hostlist *l, mc_diag *diag)
{
	for (size_t i = 0; i < l->nvms; i++) {
		mc_vmrec *vm = l->vms[i];
		const mc_hostrec *h = NULL;
		unsigned line = vm->line ? vm->line : 1;
		unsigned col = vm->line ? vm->col : 1;

		if (vm->host)
			continue;
		for (size_t k = 0; vm->host_ref && k < l->count && !h; k++)
			if (l->hosts[k]->ref &&
			    strcmp(l->hosts[k]->ref, vm->host_ref) == 0)
				h = l->hosts[k];
		if (h) {
			if (mc_hostrec_set(&vm->host, h->name, strlen(h->name)) < 0)
				return -1;
		} else if (vm->host_ref) {
			mc_diag_add(diag, MC_SEVERITY_ERROR, vm->file, line, col,
				    NULL, 0, "VM '%s' is on host '%s', which no "
				    "imported file describes (import its host's "
				    "file too)", vm->name, vm->host_ref);
		} else {
			mc_diag_add(diag, MC_SEVERITY_ERROR, vm->file, line, col,
				    NULL, 0, "VM '%s' has no host", vm->name);
		}
	}
	return 0;
}

int
mc_hostset_merge(mc_hostset *set, mc_diag *diag)
{
	mc_hostlist *l = &set->list;
	size_t errors = mc_diag_error_count(diag);
	const kind hosts = {"host", (void **)l->hosts, &l->count, host_name,
			    host_file, host_line, host_col, host_merge,
			    host_release};
	const kind vms = {"VM", (void **)l->vms, &l->nvms, vm_name, vm_file,
			  vm_line, vm_col, vm_merge, vm_release};

	if (merge_kind(&hosts, diag) < 0 || merge_kind(&vms, diag) < 0 ||
	    resolve_hosts(l, diag) < 0)
		return MC_ENOMEM;
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

int
mc_hostset_each_value(const mc_hostset *set, bool vm, size_t i,
		      mc_record_visit visit, void *ctx)
{
	const char *name = vm ? set->list.vms[i]->name : set->list.hosts[i]->name;
	mc_record_value v = {"name", MC_RECORD_STRING, name ? name : "unnamed",
			     0, NULL, 0};
	mc_fields f = {0};
	int rc = visit(ctx, &v);

	if (rc != 0)
		return rc;
	if ((vm ? mc_vmrec_fields(set->list.vms[i], &f)
		: mc_hostrec_fields(set->list.hosts[i], &f)) < 0) {
		mc_fields_free(&f);
		return MC_ENOMEM;
	}
	for (size_t k = 0; k < f.n && rc == 0; k++) {
		const mc_field *x = &f.v[k];
		static const mc_record_type types[] = {
			[MC_FIELD_STRING] = MC_RECORD_STRING,
			[MC_FIELD_INT] = MC_RECORD_INTEGER,
			[MC_FIELD_BOOL] = MC_RECORD_BOOLEAN,
			[MC_FIELD_SET] = MC_RECORD_LIST,
		};

		v = (mc_record_value){x->path, types[x->kind], x->text, x->num,
				      (const char *const *)x->set.v, x->set.n};
		rc = visit(ctx, &v);
	}
	mc_fields_free(&f);
	return rc;
}
