/* SPDX-License-Identifier: MIT */
/*
 * cpumap.c - libvirt's CPU map (see cpumap.h): read from its directory
 * once, with every model's inherited features resolved, then asked by name.
 *
 * It is read as libvirt's src/cpu/cpu_map.c and cpu_x86.c read it: in
 * index.xml, each <arch name=...> holds vendors, features and models (in
 * that order) and <include filename=...> elements naming files in the same
 * directory, each of root <cpus> holding the same three kinds. A model's
 * features are those of the model it includes (<model name='Base'/>, as
 * x86ModelParseAncestor copies them) and its own <feature name=.../>,
 * less none: a feature marked removed='yes' is one the model no longer
 * has of its own (libvirt adds it to a CPU it writes as disabled) and is
 * left out, but what the base model gives stays. Like libvirt, a model
 * may include only a model defined before it, and names only known
 * features and vendors; two definitions of one name are an error.
 *
 * Ownership: every string and array of a loaded map lives in the map's
 * arena (mc_owned_new) or in its family arrays, freed by mc_cpumap_free.
 * While loading, every file's parsed document stays open (the map is a
 * few hundred kilobytes of XML), so that an error found when models are
 * resolved is still reported at its element's FILE:LINE:COL.
 */
#include "sources/cpumap.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/arena.h"
#include "util/diag.h"
#include "util/grow.h"
#include "util/strmap.h"
#include "load/named.h"
#include "sources/xml.h"

typedef struct cm_feature {
	const char *name;
	bool migratable;
} cm_feature;

typedef struct cm_model {
	const char *name;
	const char *vendor;            /* as the map names it: "Intel"; or NULL */
	const char *const *features;   /* inherited ones first, libvirt's names */
	size_t nfeatures;
	/* While loading: where it is defined. */
	const xmlNode *elem;
	size_t doc;
} cm_model;

typedef struct cm_family {
	const char *name;              /* "x86", "ppc64", "arm" */
	cm_feature *features;
	size_t nfeatures, fcap;
	const char **feature_names;    /* the names of features, in order */
	mc_strmap fmap;                /* name -> index in features */
	cm_model *models;
	size_t nmodels, mcap;
	mc_strmap mmap;                /* name -> index in models */
	const char **vendors;
	size_t nvendors, vcap;
	mc_strmap vmap;
} cm_family;

struct mc_cpumap {
	cm_family *families;
	size_t nfamilies, cap;
};

/* One file of the map, while it is read. */
typedef struct cm_doc {
	mc_xml x;
	char *path;
	char *data;
	xmlNode *root;
	size_t family;
	bool open;
} cm_doc;

typedef struct cm_load {
	mc_cpumap *map;
	mc_arena *arena;
	const char *dir;
	const mc_limits *limits;
	mc_diag *diag;
	cm_doc *docs;
	size_t ndocs, dcap;
	int status;                    /* MC_ENOMEM once memory ran out */
	int errors;                    /* errors besides those of the docs */
} cm_load;

static void
family_free(cm_family *f)
{
	free(f->features);
	free(f->feature_names);
	mc_strmap_free(&f->fmap);
	free(f->models);
	mc_strmap_free(&f->mmap);
	free(f->vendors);
	mc_strmap_free(&f->vmap);
}

void
mc_cpumap_free(mc_cpumap *map)
{
	if (!map)
		return;
	for (size_t i = 0; i < map->nfamilies; i++)
		family_free(&map->families[i]);
	free(map->families);
	mc_owned_free(map);
}

static const cm_family *
find_family(const mc_cpumap *map, const char *name)
{
	if (!map || !name)
		return NULL;
	for (size_t i = 0; i < map->nfamilies; i++)
		if (strcmp(map->families[i].name, name) == 0)
			return &map->families[i];
	return NULL;
}

static bool
strmap_find(const mc_strmap *m, const char *key, size_t *at)
{
	return mc_strmap_get(m, key, strlen(key), at) == 1;
}

/* ---------------------------------------------------------------------
 * Loading
 */

/* Reports at element n of doc d the message fmt formats. */
static void doc_error(cm_load *l, size_t d, const xmlNode *n,
		      const char *fmt, ...) MC_PRINTF(4, 5);

static void
doc_error(cm_load *l, size_t d, const xmlNode *n, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mc_xml_error(&l->docs[d].x, n, msg);
}

/* The attribute attr of n copied into the arena (*out; NULL when absent
 * or empty). -1 when memory runs out or it is too long (reported). */
static int
arena_attr(cm_load *l, size_t d, const xmlNode *n, const char *attr,
	   const char **out)
{
	xmlChar *v = NULL;

	*out = NULL;
	if (mc_xml_attr(&l->docs[d].x, n, attr, &v) < 0)
		return -1;
	if (v && v[0]) {
		*out = mc_arena_strdup(l->arena, (const char *)v);
		if (!*out)
			l->status = MC_ENOMEM;
	}
	xmlFree(v);
	return l->status == MC_ENOMEM ? -1 : 0;
}

/* Reads file `file` of the map directory as a map document for family f;
 * the new document's index in *at. -1 when it could not be read (reported). */
static int
open_doc(cm_load *l, const char *file, size_t family, size_t *at)
{
	cm_doc *d;
	size_t len = 0;
	int rc;

	if (MC_GROW(l->docs, l->dcap, l->ndocs + 1) < 0) {
		l->status = MC_ENOMEM;
		return -1;
	}
	d = &l->docs[l->ndocs];
	*d = (cm_doc){0};
	d->family = family;
	d->path = malloc(strlen(l->dir) + strlen(file) + 2);
	if (!d->path) {
		l->status = MC_ENOMEM;
		return -1;
	}
	sprintf(d->path, "%s/%s", l->dir, file);
	rc = mc_file_read(d->path, NULL, l->limits, l->diag, &d->data, &len);
	if (rc != MC_OK) {
		free(d->path);
		if (rc == MC_ENOMEM)
			l->status = MC_ENOMEM;
		l->errors++;
		return -1;
	}
	l->ndocs++;
	d->open = true;
	d->root = mc_xml_open(&d->x, d->path, d->data, len, l->limits, l->diag,
			      "a CPU map file", &rc);
	if (!d->root) {
		if (rc == MC_ENOMEM)
			l->status = MC_ENOMEM;
		return -1;
	}
	if (!mc_xml_is(d->root, "cpus")) {
		mc_xml_error(&d->x, d->root, "not a libvirt CPU map file: the "
			     "root element is not <cpus>");
		d->root = NULL;
		return -1;
	}
	*at = l->ndocs - 1;
	return 0;
}

/* Adds family `name` to the map (an <arch> of index.xml); *at its index. */
static int
add_family(cm_load *l, size_t d, const xmlNode *arch, size_t *at)
{
	mc_cpumap *map = l->map;
	const char *name = NULL;

	if (arena_attr(l, d, arch, "name", &name) < 0)
		return -1;
	if (!name) {
		mc_xml_error(&l->docs[d].x, arch, "an <arch> without a name");
		return -1;
	}
	if (find_family(map, name)) {
		doc_error(l, d, arch, "a second <arch name='%.64s'>", name);
		return -1;
	}
	if (MC_GROW(map->families, map->cap, map->nfamilies + 1) < 0) {
		l->status = MC_ENOMEM;
		return -1;
	}
	*at = map->nfamilies++;
	map->families[*at] = (cm_family){.name = name};
	mc_strmap_init(&map->families[*at].fmap);
	mc_strmap_init(&map->families[*at].mmap);
	mc_strmap_init(&map->families[*at].vmap);
	return 0;
}

/* Records the vendors, features and models of container c (an <arch> or a
 * file's <cpus>), in that order as libvirt's loadData reads them. */
static void
collect(cm_load *l, size_t d, const xmlNode *c)
{
	cm_family *f = &l->map->families[l->docs[d].family];
	static const char *const KINDS[] = {"vendor", "feature", "model"};

	for (size_t k = 0; k < 3 && l->status != MC_ENOMEM; k++) {
		for (const xmlNode *n = c->children; n; n = n->next) {
			const char *name = NULL;
			mc_strmap *m = k == 0 ? &f->vmap : k == 1 ? &f->fmap : &f->mmap;
			size_t count = k == 0 ? f->nvendors : k == 1 ? f->nfeatures : f->nmodels;
			int put;

			if (!mc_xml_is(n, KINDS[k]))
				continue;
			if (arena_attr(l, d, n, "name", &name) < 0) {
				if (l->status == MC_ENOMEM)
					return;
				continue;
			}
			if (!name) {
				doc_error(l, d, n, "a <%s> without a name", KINDS[k]);
				continue;
			}
			put = mc_strmap_put(m, name, strlen(name), count, NULL);
			if (put < 0) {
				l->status = MC_ENOMEM;
				return;
			}
			if (put == 0) {
				char what[80];

				snprintf(what, sizeof(what), "%s '%.40s'",
					 k == 0 ? "CPU vendor" : k == 1 ? "CPU feature"
					 : "CPU model", name);
				doc_error(l, d, n, "a second definition of %s", what);
				continue;
			}
			if (k == 0) {
				if (MC_GROW(f->vendors, f->vcap, f->nvendors + 1) < 0)
					goto nomem;
				f->vendors[f->nvendors++] = name;
			} else if (k == 1) {
				xmlChar *mig = NULL;

				if (MC_GROW(f->features, f->fcap, f->nfeatures + 1) < 0)
					goto nomem;
				/* Too long a value is reported; it is not "no". */
				(void)mc_xml_attr(&l->docs[d].x, n, "migratable", &mig);
				f->features[f->nfeatures++] = (cm_feature){
					name, !mig || strcmp((const char *)mig, "no") != 0};
				xmlFree(mig);
			} else {
				if (MC_GROW(f->models, f->mcap, f->nmodels + 1) < 0)
					goto nomem;
				f->models[f->nmodels++] = (cm_model){
					.name = name, .elem = n, .doc = d};
			}
		}
	}
	return;
nomem:
	l->status = MC_ENOMEM;
}

/* Reads the <include>s of <arch> element arch (of index.xml, document 0). */
static void
read_includes(cm_load *l, const xmlNode *arch, size_t family)
{
	for (const xmlNode *n = arch->children; n; n = n->next) {
		const char *file = NULL;
		size_t at;

		if (!mc_xml_is(n, "include"))
			continue;
		if (arena_attr(l, 0, n, "filename", &file) < 0) {
			if (l->status == MC_ENOMEM)
				return;
			continue;
		}
		if (!file) {
			mc_xml_error(&l->docs[0].x, n, "an <include> without a filename");
			continue;
		}
		/* libvirt finds it in the map's directory; nothing else is read. */
		if (strchr(file, '/') || strcmp(file, "..") == 0 ||
		    strcmp(file, ".") == 0) {
			doc_error(l, 0, n, "<include filename='%.64s'>: not a file "
				  "of the map's directory", file);
			continue;
		}
		if (open_doc(l, file, family, &at) == 0)
			collect(l, at, l->docs[at].root);
		if (l->status == MC_ENOMEM)
			return;
	}
}

/*
 * Resolves model i of family f: its vendor, and its features, those of the
 * model it includes first. The base model must come before it, as libvirt
 * finds it while reading the map in order; a base named after it is
 * reported as a cycle when it leads back to model i.
 */
static void
resolve_model(cm_load *l, cm_family *f, size_t i)
{
	cm_model *m = &f->models[i];
	const cm_model *base = NULL;
	unsigned char *seen = NULL;
	const char **list = NULL;
	size_t n = 0, cap = 0;
	const xmlNode *bnode = mc_xml_child(m->elem, "model");
	const xmlNode *vnode = mc_xml_child(m->elem, "vendor");

	if (bnode) {
		const char *bname = NULL;
		size_t j;

		if (arena_attr(l, m->doc, bnode, "name", &bname) < 0)
			return;
		if (!bname) {
			doc_error(l, m->doc, bnode, "CPU model '%.64s' includes a "
				  "<model> without a name", m->name);
			return;
		}
		if (!strmap_find(&f->mmap, bname, &j)) {
			doc_error(l, m->doc, bnode, "CPU model '%.64s' includes "
				  "unknown CPU model '%.64s'", m->name, bname);
			return;
		}
		if (j >= i) {
			/* Follow the chain from j: back to i is a cycle. */
			size_t k = j, steps = 0;
			bool cycle = j == i;

			while (!cycle && steps++ < f->nmodels) {
				const xmlNode *b = mc_xml_child(f->models[k].elem, "model");
				xmlChar *nm = b ? xmlGetNoNsProp(b, (const xmlChar *)"name") : NULL;
				size_t next;
				bool found = nm && strmap_find(&f->mmap, (const char *)nm, &next);

				xmlFree(nm);
				if (!found)
					break;
				cycle = next == i;
				k = next;
			}
			doc_error(l, m->doc, bnode, cycle
				  ? "CPU model '%.64s' includes itself, through "
				    "CPU model '%.64s'"
				  : "CPU model '%.64s' includes CPU model '%.64s', "
				    "which the map defines after it (libvirt reads a "
				    "model's base first)", m->name, bname);
			return;
		}
		base = &f->models[j];
	}

	if (vnode) {
		const char *v = NULL;
		size_t at;

		if (arena_attr(l, m->doc, vnode, "name", &v) < 0)
			return;
		if (!v || !strmap_find(&f->vmap, v, &at)) {
			doc_error(l, m->doc, vnode, "CPU model '%.64s' names unknown "
				  "CPU vendor '%.64s'", m->name, v ? v : "");
			return;
		}
		m->vendor = f->vendors[at];
	} else if (base) {
		m->vendor = base->vendor;
	}

	seen = calloc(f->nfeatures ? f->nfeatures : 1, 1);
	if (!seen)
		goto nomem;
	if (base && base->nfeatures) {
		if (MC_GROW(list, cap, base->nfeatures) < 0)
			goto nomem;
		for (size_t k = 0; k < base->nfeatures; k++) {
			size_t at;

			if (strmap_find(&f->fmap, base->features[k], &at) && !seen[at]) {
				seen[at] = 1;
				list[n++] = f->features[at].name;
			}
		}
	}
	for (const xmlNode *c = m->elem->children; c; c = c->next) {
		const char *fname = NULL;
		xmlChar *removed = NULL;
		size_t at;

		if (!mc_xml_is(c, "feature"))
			continue;
		if (arena_attr(l, m->doc, c, "name", &fname) < 0) {
			if (l->status == MC_ENOMEM)
				goto out;
			continue;
		}
		if (!fname) {
			doc_error(l, m->doc, c, "a <feature> without a name in CPU "
				  "model '%.64s'", m->name);
			continue;
		}
		if (!strmap_find(&f->fmap, fname, &at)) {
			doc_error(l, m->doc, c, "CPU model '%.64s' names unknown CPU "
				  "feature '%.64s'", m->name, fname);
			continue;
		}
		if (mc_xml_attr(&l->docs[m->doc].x, c, "removed", &removed) < 0)
			continue;
		if (removed && strcmp((const char *)removed, "yes") == 0) {
			xmlFree(removed);
			continue;
		}
		xmlFree(removed);
		if (seen[at])
			continue;
		seen[at] = 1;
		if (MC_GROW(list, cap, n + 1) < 0)
			goto nomem;
		list[n++] = f->features[at].name;
	}
	m->features = mc_arena_memdup(l->arena, list, n, sizeof(*list));
	m->nfeatures = n;
	if (n && !m->features)
		goto nomem;
	goto out;
nomem:
	l->status = MC_ENOMEM;
out:
	free(list);
	free(seen);
}

/* The names of each family's features, for mc_cpumap_feature_names. */
static int
name_features(mc_cpumap *map)
{
	for (size_t i = 0; i < map->nfamilies; i++) {
		cm_family *f = &map->families[i];

		if (!f->nfeatures)
			continue;
		f->feature_names = malloc(f->nfeatures * sizeof(*f->feature_names));
		if (!f->feature_names)
			return -1;
		for (size_t k = 0; k < f->nfeatures; k++)
			f->feature_names[k] = f->features[k].name;
	}
	return 0;
}

int
mc_cpumap_load(mc_cpumap **out, const char *dir, const mc_limits *limits,
	       mc_diag *diag)
{
	cm_load l = {0};
	char *index = NULL;
	struct stat st;
	size_t at = 0;
	int rc = MC_OK;

	*out = NULL;
	l.dir = dir ? dir : MC_CPUMAP_DIR;
	l.limits = limits;
	l.diag = diag;
	index = malloc(strlen(l.dir) + sizeof("/index.xml"));
	if (!index)
		return MC_ENOMEM;
	sprintf(index, "%s/index.xml", l.dir);
	if (stat(index, &st) != 0 && (errno == ENOENT || errno == ENOTDIR)) {
		free(index);
		if (mc_diag_error(diag, "no libvirt CPU map at %s: index.xml not "
				  "found (install libvirt0, or give --cpu-map DIR)",
				  l.dir) < 0)
			return MC_ENOMEM;
		return MC_EINPUT;
	}
	free(index);
	l.map = mc_owned_new(sizeof(*l.map));
	if (!l.map)
		return MC_ENOMEM;
	l.arena = mc_owned_arena(l.map);

	if (open_doc(&l, "index.xml", 0, &at) == 0) {
		for (const xmlNode *n = l.docs[0].root->children;
		     n && l.status != MC_ENOMEM; n = n->next) {
			size_t family;

			if (!mc_xml_is(n, "arch") || add_family(&l, 0, n, &family) < 0)
				continue;
			l.docs[0].family = family;
			collect(&l, 0, n);
			read_includes(&l, n, family);
		}
	}
	/* A file that did not read would make every model that uses its
	 * features an error too: its own errors are enough. */
	for (size_t i = 0; i < l.ndocs; i++)
		if (!l.docs[i].root)
			l.errors++;
	for (size_t i = 0; i < l.map->nfamilies && l.status != MC_ENOMEM &&
	     !l.errors; i++) {
		cm_family *f = &l.map->families[i];

		for (size_t k = 0; k < f->nmodels && l.status != MC_ENOMEM; k++)
			resolve_model(&l, f, k);
	}
	if (l.status != MC_ENOMEM && name_features(l.map) < 0)
		l.status = MC_ENOMEM;

	for (size_t i = 0; i < l.ndocs; i++) {
		if (mc_xml_status(&l.docs[i].x) == MC_ENOMEM)
			l.status = MC_ENOMEM;
		else if (l.docs[i].x.errors)
			l.errors++;
	}
	rc = l.status == MC_ENOMEM ? MC_ENOMEM : l.errors ? MC_EINPUT : MC_OK;
	if (l.ndocs == 0 && rc == MC_OK)
		rc = MC_EINPUT;   /* index.xml could not be read (reported) */
	for (size_t i = 0; i < l.ndocs; i++) {
		if (l.docs[i].open)
			mc_xml_close(&l.docs[i].x);
		free(l.docs[i].data);
		free(l.docs[i].path);
	}
	free(l.docs);
	if (rc != MC_OK) {
		mc_cpumap_free(l.map);
		return rc;
	}
	/* Nodes of the documents are gone: no model keeps one. */
	for (size_t i = 0; i < l.map->nfamilies; i++)
		for (size_t k = 0; k < l.map->families[i].nmodels; k++)
			l.map->families[i].models[k].elem = NULL;
	*out = l.map;
	return MC_OK;
}

/* ---------------------------------------------------------------------
 * Lookups
 */

/* libvirt's architecture names (and migcheck's, for the same CPUs) and the
 * family of index.xml that holds their models. */
static const char *const FAMILIES[][2] = {
	{"x86_64", "x86"}, {"i686", "x86"}, {"i586", "x86"}, {"i486", "x86"},
	{"i386", "x86"}, {"x64", "x86"}, {"x86", "x86"},
	{"ppc64", "ppc64"}, {"ppc64le", "ppc64"},
	{"aarch64", "arm"}, {"arm64", "arm"}, {"armv7l", "arm"},
	{"armv6l", "arm"},
};

const char *
mc_cpumap_family(const mc_cpumap *map, const char *arch)
{
	if (!arch)
		return NULL;
	for (size_t i = 0; i < sizeof(FAMILIES) / sizeof(*FAMILIES); i++) {
		if (strcmp(FAMILIES[i][0], arch) == 0) {
			const cm_family *f = find_family(map, FAMILIES[i][1]);

			return f ? f->name : NULL;
		}
	}
	return NULL;
}

bool
mc_cpumap_has_feature(const mc_cpumap *map, const char *family,
		      const char *name)
{
	const cm_family *f = find_family(map, family);
	size_t at;

	return f && name && strmap_find(&f->fmap, name, &at);
}

bool
mc_cpumap_unmigratable(const mc_cpumap *map, const char *family,
		       const char *name)
{
	const cm_family *f = find_family(map, family);
	size_t at;

	return f && name && strmap_find(&f->fmap, name, &at) &&
	       !f->features[at].migratable;
}

static const cm_model *
find_model(const mc_cpumap *map, const char *family, const char *name)
{
	const cm_family *f = find_family(map, family);
	size_t at;

	if (!f || !name || !strmap_find(&f->mmap, name, &at))
		return NULL;
	return &f->models[at];
}

bool
mc_cpumap_model(const mc_cpumap *map, const char *family, const char *name,
		const char *const **features, size_t *n)
{
	const cm_model *m = find_model(map, family, name);

	if (!m)
		return false;
	*features = m->features;
	*n = m->nfeatures;
	return true;
}

const char *
mc_cpumap_model_vendor(const mc_cpumap *map, const char *family,
		       const char *name)
{
	const cm_model *m = find_model(map, family, name);

	return m ? m->vendor : NULL;
}

bool
mc_cpumap_feature_names(const mc_cpumap *map, const char *family,
			const char *const **names, size_t *n)
{
	const cm_family *f = find_family(map, family);

	if (!f)
		return false;
	*names = f->feature_names;
	*n = f->nfeatures;
	return true;
}

/* libvirt's feature names that differ from Linux's beyond '.' and '-'
 * becoming '_' (docs/import/libvirt.md). cmt is CPUID 7 EBX bit 12, which
 * Linux calls cqm (libvirt's map says so: <alias name='cqm'
 * source='linux'/>); mbm_total and mbm_local are CPUID 0xF.1 EDX bits 1
 * and 2, Linux's cqm_mbm_total and cqm_mbm_local. */
static const char *const LINUX_NAMES[][2] = {
	{"pclmuldq", "pclmulqdq"},
	{"tsc-deadline", "tsc_deadline_timer"},
	{"avx512vnni", "avx512_vnni"},
	{"avx512bitalg", "avx512_bitalg"},
	{"avx512vbmi2", "avx512_vbmi2"},
	{"avx512-vbmi2", "avx512_vbmi2"},   /* as later maps may name it */
	{"avx512-vpopcntdq", "avx512_vpopcntdq"},
	{"avx512-bf16", "avx512_bf16"},
	{"avx512-fp16", "avx512_fp16"},
	{"cmt", "cqm"},
	{"mbm_total", "cqm_mbm_total"},
	{"mbm_local", "cqm_mbm_local"},
	{"pause-filter", "pausefilter"},
	{"sgxlc", "sgx_lc"},
	{"tsx-ldtrk", "tsxldtrk"},
};

const char *
mc_cpumap_linux_name(const char *name, char *buf, size_t size)
{
	size_t len;

	for (size_t i = 0; i < sizeof(LINUX_NAMES) / sizeof(*LINUX_NAMES); i++)
		if (strcmp(LINUX_NAMES[i][0], name) == 0) {
			name = LINUX_NAMES[i][1];
			break;
		}
	len = strlen(name);
	if (len >= size)
		return NULL;
	for (size_t i = 0; i <= len; i++)
		buf[i] = (name[i] == '.' || name[i] == '-') ? '_' : name[i];
	return buf;
}

char *
mc_cpumap_linux_dup(const char *name)
{
	/* a rename is never more than 31 bytes longer than the name */
	size_t size = strlen(name) + 32;
	char *buf = malloc(size);

	if (buf && !mc_cpumap_linux_name(name, buf, size)) {
		free(buf);
		return NULL;
	}
	return buf;
}

const char *
mc_cpumap_vendor_string(const char *name)
{
	static const char *const vendors[][2] = {
		{"Intel", "GenuineIntel"}, {"AMD", "AuthenticAMD"},
		{"Hygon", "HygonGenuine"},
	};

	for (size_t i = 0; i < sizeof(vendors) / sizeof(*vendors); i++)
		if (strcmp(vendors[i][0], name) == 0)
			return vendors[i][1];
	return name;
}
