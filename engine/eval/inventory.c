/*
 * inventory.c - loading and merging inventory files.
 */
#include "eval/inventory.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

typedef struct adder {
	mc_inventory *inv;
	mc_diag *diag;
	int errors;
	bool nomem;
} adder;

/* Reports an error at a node and counts it. */
#define aerror(a, at, ...) \
	mc_node_error_counted((a)->diag, &(a)->errors, (at), __VA_ARGS__)

int
mc_inventory_new(mc_inventory **out, const mc_limits *limits)
{
	mc_inventory *inv = calloc(1, sizeof(*inv));

	*out = NULL;
	if (!inv)
		return MC_ENOMEM;
	if (limits)
		inv->limits = *limits;
	else
		mc_limits_default(&inv->limits);
	mc_strmap_init(&inv->host_index);
	mc_strmap_init(&inv->vm_index);
	mc_arena_init(&inv->arena);
	*out = inv;
	return MC_OK;
}

void
mc_inventory_free(mc_inventory *inv)
{
	if (!inv)
		return;
	for (size_t i = 0; i < inv->ndocs; i++)
		mc_doc_free(inv->docs[i]);
	free(inv->docs);
	free(inv->hosts);
	free(inv->vms);
	mc_strmap_free(&inv->host_index);
	mc_strmap_free(&inv->vm_index);
	mc_arena_release(&inv->arena);
	free(inv);
}

size_t
mc_inventory_host_count(const mc_inventory *inv)
{
	return inv->nhosts;
}

size_t
mc_inventory_vm_count(const mc_inventory *inv)
{
	return inv->nvms;
}

const char *
mc_inventory_host_name(const mc_inventory *inv, size_t i)
{
	return i < inv->nhosts ? inv->hosts[i].name : NULL;
}

const char *
mc_inventory_vm_name(const mc_inventory *inv, size_t i)
{
	return i < inv->nvms ? inv->vms[i].name : NULL;
}

long
mc_inventory_find_host(const mc_inventory *inv, const char *name)
{
	size_t i;

	return mc_strmap_get(&inv->host_index, name, strlen(name), &i) ? (long)i : -1;
}

long
mc_inventory_find_vm(const mc_inventory *inv, const char *name)
{
	size_t i;

	return mc_strmap_get(&inv->vm_index, name, strlen(name), &i) ? (long)i : -1;
}

/* A record's `name`: a non-empty scalar. */
static const mc_node *
record_name(adder *a, const mc_node *rec, const char *what)
{
	const mc_node *n = mc_node_get(rec, "name");

	if (!n) {
		aerror(a, rec, "a %s needs a 'name'", what);
		return NULL;
	}
	if (n->kind != MC_NODE_SCALAR || n->type == MC_SCALAR_NULL || n->len == 0) {
		/* mc_node_describe() says "an empty string" for "" */
		aerror(a, n, "a %s's 'name' must be a non-empty scalar, not %s", what,
		       mc_node_describe(n));
		return NULL;
	}
	return n;
}

/* The place to report a record's name at: the name, unless the record came
 * through an alias (its name is then written before it), then the alias. */
static const mc_node *
name_place(const mc_node *rec, const mc_node *name)
{
	if (name->file == rec->file && (name->line < rec->line ||
	    (name->line == rec->line && name->col < rec->col)))
		return rec;
	return name;
}

/* Indexes a name; a name already there is an error naming both places. */
static bool
index_name(adder *a, mc_strmap *index, const mc_node *rec, const mc_node *n,
	   size_t idx,
	   const mc_node *(*first_of)(const mc_inventory *, size_t),
	   const char *what)
{
	size_t prev;
	int r = mc_strmap_put(index, n->u.text, n->len, idx, &prev);

	if (r < 0) {
		a->nomem = true;
		return false;
	}
	if (r == 0) {
		const mc_node *first = first_of(a->inv, prev);
		const mc_node *f = name_place(first, mc_node_get(first, "name"));
		aerror(a, name_place(rec, n), "%s '%s' is defined twice (first at "
		       "%s:%u:%u)", what, n->u.text, f->file->name,
		       (unsigned)f->line, (unsigned)f->col);
		return false;
	}
	return true;
}

static const mc_node *
host_node(const mc_inventory *inv, size_t i)
{
	return inv->hosts[i].node;
}

static const mc_node *
vm_node(const mc_inventory *inv, size_t i)
{
	return inv->vms[i].node;
}

static void
add_host(adder *a, const mc_node *rec)
{
	mc_inventory *inv = a->inv;
	const mc_node *name, *cluster;

	if (rec->kind != MC_NODE_MAP) {
		aerror(a, rec, "a host must be a mapping, not %s", mc_node_describe(rec));
		return;
	}
	if (!(name = record_name(a, rec, "host")))
		return;
	cluster = mc_node_get(rec, "cluster");
	if (cluster && !(cluster->kind == MC_NODE_SCALAR &&
			 cluster->type != MC_SCALAR_NULL)) {
		aerror(a, cluster, "'cluster' must be a name, not %s",
		       mc_node_describe(cluster));
		return;
	}
	if (inv->nhosts == UINT32_MAX) {
		aerror(a, rec, "too many hosts");
		return;
	}
	if (MC_GROW(inv->hosts, inv->caphosts, inv->nhosts + 1) < 0) {
		a->nomem = true;
		return;
	}
	mc_host_rec *h = &inv->hosts[inv->nhosts];
	h->name = name->u.text;
	h->cluster = cluster ? cluster->u.text : NULL;
	h->node = rec;
	if (index_name(a, &inv->host_index, rec, name, inv->nhosts, host_node,
		       "host"))
		inv->nhosts++;
}

/* A scalar made for a default, placed at the record it completes. */
static mc_node *
synthetic(adder *a, const mc_node *at, mc_scalar_type type, const char *text,
	  int64_t num)
{
	mc_node *n = mc_arena_calloc(&a->inv->arena, 1, sizeof(*n));

	if (!n) {
		a->nomem = true;
		return NULL;
	}
	n->kind = MC_NODE_SCALAR;
	n->type = (uint8_t)type;
	n->line = at->line;
	n->col = at->col;
	n->file = at->file;
	n->u.text = text;
	n->len = strlen(text);
	n->num = num;
	n->weight = 1;
	return n;
}

/* The VM record with `checkpoints: 0` and `processor_compatibility: false`
 * added where it lacks them. */
static const mc_node *
with_defaults(adder *a, const mc_node *rec)
{
	static const struct {
		const char *key;
		mc_scalar_type type;
		const char *text;
	} defaults[] = {
		{"checkpoints", MC_SCALAR_INT, "0"},
		{"processor_compatibility", MC_SCALAR_BOOL, "false"},
	};
	const size_t nd = sizeof(defaults) / sizeof(*defaults);
	mc_pair *pairs;
	mc_node *copy;
	size_t n = rec->len;

	for (size_t i = 0; i < nd; i++)
		n += !mc_node_get(rec, defaults[i].key);
	if (n == rec->len)
		return rec;
	copy = mc_arena_memdup(&a->inv->arena, rec, 1, sizeof(*rec));
	pairs = mc_arena_calloc(&a->inv->arena, n, sizeof(*pairs));
	if (!copy || !pairs) {
		a->nomem = true;
		return NULL;
	}
	memcpy(pairs, rec->u.pairs, rec->len * sizeof(*pairs));
	n = rec->len;
	for (size_t i = 0; i < nd; i++) {
		if (mc_node_get(rec, defaults[i].key))
			continue;
		pairs[n].key = synthetic(a, rec, MC_SCALAR_STR, defaults[i].key, 0);
		pairs[n].value = synthetic(a, rec, defaults[i].type, defaults[i].text, 0);
		if (!pairs[n].key || !pairs[n].value)
			return NULL;
		n++;
	}
	copy->u.pairs = pairs;
	copy->len = n;
	return copy;
}

static void
add_vm(adder *a, const mc_node *rec)
{
	mc_inventory *inv = a->inv;
	const mc_node *name, *host, *state, *n;

	if (rec->kind != MC_NODE_MAP) {
		aerror(a, rec, "a VM must be a mapping, not %s", mc_node_describe(rec));
		return;
	}
	if (!(name = record_name(a, rec, "VM")))
		return;
	host = mc_node_get(rec, "host");
	state = mc_node_get(rec, "state");
	if (!host || !state) {
		aerror(a, rec, "VM '%s' needs %s", name->u.text,
		       !host && !state ? "'host' and 'state'" : !host ? "'host'"
		       : "'state'");
		return;
	}
	if (host->kind != MC_NODE_SCALAR || host->type == MC_SCALAR_NULL) {
		aerror(a, host, "'host' must be a host's name, not %s",
		       mc_node_describe(host));
		return;
	}
	if (!mc_node_is_str(state) || state->len == 0) {
		aerror(a, state, "'state' must be a word such as running, saved, "
		       "paused or stopped, not %s", mc_node_describe(state));
		return;
	}
	n = mc_node_get(rec, "checkpoints");
	if (n && !(n->kind == MC_NODE_SCALAR && n->type == MC_SCALAR_INT &&
		   n->num >= 0)) {
		if (n->kind == MC_NODE_SCALAR && n->type == MC_SCALAR_INT)
			aerror(a, n, "'checkpoints' must be a whole number of "
			       "checkpoints (0 or more), not %s", n->u.text);
		else
			aerror(a, n, "'checkpoints' must be a whole number of "
			       "checkpoints (0 or more), not %s", mc_node_describe(n));
		return;
	}
	n = mc_node_get(rec, "processor_compatibility");
	if (n && !(n->kind == MC_NODE_SCALAR && n->type == MC_SCALAR_BOOL)) {
		aerror(a, n, "'processor_compatibility' must be true or false, not %s",
		       mc_node_describe(n));
		return;
	}
	if (inv->nvms == UINT32_MAX) {
		aerror(a, rec, "too many VMs");
		return;
	}
	if (MC_GROW(inv->vms, inv->capvms, inv->nvms + 1) < 0) {
		a->nomem = true;
		return;
	}
	if (!(rec = with_defaults(a, rec)))
		return;
	mc_vm_rec *v = &inv->vms[inv->nvms];
	v->name = name->u.text;
	v->state = state->u.text;
	v->node = rec;
	v->host_node = host;
	v->host = UINT32_MAX;
	if (index_name(a, &inv->vm_index, rec, name, inv->nvms, vm_node, "VM"))
		inv->nvms++;
}

static int
add_doc(mc_inventory *inv, mc_doc *doc, mc_diag *diag)
{
	adder a = {inv, diag, 0, false};
	const mc_node *root = doc->root;

	if (MC_GROW(inv->docs, inv->capdocs, inv->ndocs + 1) < 0) {
		mc_doc_free(doc);
		return MC_ENOMEM;
	}
	inv->docs[inv->ndocs++] = doc;
	if (!root) {
		mc_file_diag(diag, MC_SEVERITY_ERROR, &doc->file, 1, 1,
			     "the inventory file is empty; it must be a mapping "
			     "with 'hosts', 'vms' or both");
		return MC_EINPUT;
	}
	if (root->kind != MC_NODE_MAP) {
		mc_node_error(diag, root, "an inventory must be a mapping with "
			      "'hosts', 'vms' or both, not %s", mc_node_describe(root));
		return MC_EINPUT;
	}
	for (size_t i = 0; i < root->len; i++) {
		const mc_node *k = root->u.pairs[i].key, *v = root->u.pairs[i].value;
		bool hosts = strcmp(k->u.text, "hosts") == 0;

		if (!hosts && strcmp(k->u.text, "vms") != 0) {
			aerror(&a, k, "unknown key '%.64s' in an inventory (known keys: "
			       "hosts, vms)", k->u.text);
			continue;
		}
		if (v->kind == MC_NODE_SCALAR && v->type == MC_SCALAR_NULL)
			continue;  /* `vms:` with nothing under it */
		if (v->kind != MC_NODE_SEQ) {
			aerror(&a, v, "'%s' must be a list, not %s", k->u.text,
			       mc_node_describe(v));
			continue;
		}
		for (size_t j = 0; j < v->len && !a.nomem; j++) {
			if (hosts)
				add_host(&a, v->u.items[j]);
			else
				add_vm(&a, v->u.items[j]);
		}
	}
	if (a.nomem)
		return MC_ENOMEM;
	return a.errors ? MC_EINPUT : MC_OK;
}

int
mc_inventory_add_file(mc_inventory *inv, const char *path, mc_diag *diag)
{
	mc_doc *doc;
	int rc = mc_doc_load_file(&doc, path, &inv->limits, diag);

	if (rc != MC_OK)
		return rc;
	return add_doc(inv, doc, diag);
}

int
mc_inventory_add_named(mc_inventory *inv, const char *path, const mc_node *by,
		       mc_diag *diag)
{
	static const char *const marks[] = {"hosts", "vms", NULL};
	const mc_named named = {by, "inventory", "an inventory", marks};
	mc_doc *doc;
	int rc = mc_doc_load_named(&doc, path, &named, &inv->limits, diag);

	if (rc != MC_OK)
		return rc;
	return add_doc(inv, doc, diag);
}

int
mc_inventory_add_buffer(mc_inventory *inv, const char *name, const char *buf,
			size_t len, mc_diag *diag)
{
	mc_doc *doc;
	int rc = mc_doc_load_buffer(&doc, name, buf, len, &inv->limits, diag);

	if (rc != MC_OK)
		return rc;
	return add_doc(inv, doc, diag);
}

int
mc_inventory_finish(mc_inventory *inv, mc_diag *diag)
{
	int errors = 0;

	for (size_t i = 0; i < inv->nvms; i++) {
		mc_vm_rec *v = &inv->vms[i];
		const mc_node *h = v->host_node;
		long idx = mc_inventory_find_host(inv, h->u.text);

		if (idx < 0) {
			mc_node_error(diag, h, "VM '%s' is on host '%s', which no "
				      "inventory file defines", v->name, h->u.text);
			errors++;
			continue;
		}
		v->host = (uint32_t)idx;
	}
	if (errors)
		return MC_EINPUT;
	inv->finished = true;
	return MC_OK;
}

typedef struct named {
	const char *name;
	uint32_t host;
} named;

static int
named_cmp(const void *a, const void *b)
{
	return strcmp(((const named *)a)->name, ((const named *)b)->name);
}

int
mc_inventory_by_name(const mc_inventory *inv, uint32_t *byname)
{
	named *by = malloc((inv->nhosts + 1) * sizeof(*by));

	if (!by)
		return -1;
	for (size_t h = 0; h < inv->nhosts; h++) {
		by[h].name = inv->hosts[h].name;
		by[h].host = (uint32_t)h;
	}
	qsort(by, inv->nhosts, sizeof(*by), named_cmp);
	for (size_t i = 0; i < inv->nhosts; i++)
		byname[i] = by[i].host;
	free(by);
	return 0;
}
