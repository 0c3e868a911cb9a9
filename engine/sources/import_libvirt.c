/* SPDX-License-Identifier: MIT */
/*
 * import_libvirt.c - host records from `virsh capabilities` XML, or from a
 * bare host <cpu> (root <cpu> holding <arch>: what `virsh cpu-compare`
 * takes, and libvirt's tests/cputestdata/ *-host.xml).
 *
 * Also reads `virsh domcapabilities` (root <domainCapabilities>): its
 * host-model CPU, the CPU the hypervisor offers a guest of this host, whose
 * features carry policies (disable and forbid ones the host lacks), and the
 * CPU models of its custom mode, which libvirt can translate a guest's CPU
 * into (virCPUTranslate), as hypervisor.cpu_models.
 *
 * Reads /capabilities/host/cpu: arch, vendor, model, signature, topology
 * and the <feature name=.../> elements; and the sockets, memory and
 * logical processors of /capabilities/host/topology's NUMA cells. The
 * host's features are those libvirt gives it (x86ModelFromCPU for a host
 * CPU): the named model's, from
 * libvirt's CPU map (sources/cpumap.h), and the listed ones, in Linux's
 * names. A host CPU's features carry no policy: libvirt reads every one
 * as present (virCPUDefParseXML ignores policy= on a host CPU), and so
 * does this. With the map, a model or feature it does not define is an
 * error where the XML names it, as libvirt refuses it ("Unknown CPU
 * model"), except the features of an ARM host, which libvirt reports by
 * their Linux hwcap names (fp, asimd), defined in no map. Without the
 * map, a model is left unexpanded: cpu.model_expanded: false, no
 * cpu.features, and a warning.
 *
 * The host's name is the file's name without its directory and
 * extension: the capabilities carry none. The XML is read by sources/xml.h:
 * no network, no DTD, no entity expanded, sizes bounded.
 */
#include "sources/import.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/diag.h"
#include "load/node.h"
#include "sources/cpumap.h"
#include "sources/importer.h"
#include "sources/xml.h"

/* The CPUID leaf 1 EAX of a display family, model and stepping, when they
 * fit its fields ("0x50657"); 0 written otherwise. */
static void
signature_of(char *buf, size_t size, int64_t family, int64_t model,
	     int64_t stepping)
{
	uint32_t base_fam, ext_fam, base_model, ext_model;

	buf[0] = '\0';
	if (family < 0 || family > 15 + 255 || model < 0 || model > 255 ||
	    stepping < 0 || stepping > 15)
		return;
	base_fam = family >= 15 ? 15 : (uint32_t)family;
	ext_fam = family >= 15 ? (uint32_t)family - 15 : 0;
	if (base_fam != 6 && base_fam != 15 && model > 15)
		return;
	base_model = (uint32_t)model & 0xf;
	ext_model = (uint32_t)model >> 4;
	snprintf(buf, size, "0x%X", ext_fam << 20 | ext_model << 16 |
		 base_fam << 8 | base_model << 4 | (uint32_t)stepping);
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/*
 * The sockets of a host: the distinct socket_ids of
 * /capabilities/host/topology/cells/cell/cpus/cpu (libvirt's <cpu><topology
 * sockets=> counts the sockets of one NUMA node). 0 when there are none;
 * -1 on error (reported) or when memory runs out (x->nomem).
 */
static int64_t
count_sockets(mc_xml *x, const xmlNode *host)
{
	const xmlNode *cells = mc_xml_child(mc_xml_child(host, "topology"), "cells");
	int64_t *ids = NULL, count = 0;
	size_t n = 0, cap = 0;

	for (const xmlNode *cell = cells ? cells->children : NULL; cell;
	     cell = cell->next) {
		if (!mc_xml_is(cell, "cell"))
			continue;
		for (const xmlNode *c = mc_xml_child(cell, "cpus")
		     ? mc_xml_child(cell, "cpus")->children : NULL; c; c = c->next) {
			int64_t id;
			int rc;

			if (!mc_xml_is(c, "cpu"))
				continue;
			rc = mc_xml_int_attr(x, c, "socket_id", &id);
			if (rc < 0) {
				free(ids);
				return -1;
			}
			if (rc == 0)
				continue;
			if (n == cap) {
				size_t ncap = cap ? cap * 2 : 64;
				int64_t *grown = realloc(ids, ncap * sizeof(*ids));

				if (!grown) {
					free(ids);
					x->nomem = 1;
					return -1;
				}
				ids = grown;
				cap = ncap;
			}
			ids[n++] = id;
		}
	}
	if (n)
		qsort(ids, n, sizeof(*ids), cmp_i64);
	for (size_t i = 0; i < n; i++)
		count += i == 0 || ids[i] != ids[i - 1];
	free(ids);
	return count;
}

/*
 * The host's memory and logical processors: the sums over the NUMA cells
 * of /capabilities/host/topology/cells of <memory> (libvirt writes it in
 * KiB: the node's memory as the kernel counts it) and of <cpus num=>. The
 * total is written in whole MiB, rounded down. A sum some cell does not
 * give (or no cells) is left out; a malformed value is an error, as for
 * every number of the capabilities.
 */
static void
read_cells(mc_xml *x, const xmlNode *host, mc_hostrec *h)
{
	const xmlNode *cells = mc_xml_child(mc_xml_child(host, "topology"), "cells");
	int64_t bytes = 0, cpus = 0;
	bool has_mem = true, has_cpus = true, any = false;
	int errors = x->errors;

	for (const xmlNode *cell = cells ? cells->children : NULL; cell;
	     cell = cell->next) {
		const xmlNode *mem = mc_xml_child(cell, "memory");
		const xmlNode *c = mc_xml_child(cell, "cpus");
		int64_t v = 0;
		int rc;

		if (!mc_xml_is(cell, "cell"))
			continue;
		any = true;
		rc = mc_xml_bytes(x, mem, &v);
		if (rc == 0) {
			has_mem = false;
		} else if (rc > 0 && v > INT64_MAX - bytes) {
			mc_xml_error(x, mem, "the cells' memory adds up past 64 "
				     "bits of bytes");
		} else if (rc > 0) {
			bytes += v;
		}
		v = 0;
		rc = c ? mc_xml_int_attr(x, c, "num", &v) : 0;
		if (rc == 0) {
			has_cpus = false;
		} else if (rc > 0 && v > INT64_MAX - cpus) {
			mc_xml_error(x, c, "the cells' processors add up past "
				     "64 bits");
		} else if (rc > 0) {
			cpus += v;
		}
	}
	if (!any || x->errors != errors)
		return;
	if (has_cpus && mc_fields_int(&h->extra, "resources.cpus", cpus) < 0)
		x->nomem = 1;
	if (has_mem && mc_fields_int(&h->extra, "resources.memory_mb",
				     bytes / 1048576) < 0)
		x->nomem = 1;
}

/* A <feature> of the host's <cpu>: its name, its place for errors, and
 * whether the host lacks it (a guest CPU definition's disable or forbid,
 * in virsh domcapabilities' host-model CPU). */
typedef struct listed {
	xmlChar *name;
	const xmlNode *at;
	size_t order;
	bool absent;
} listed;

/*
 * Whether the <feature> c of a guest CPU definition is one the host has,
 * as x86ModelFromCPU reads it for the CPU's whole feature set (policy
 * -1): 1 for require (the default) and force, 0 for disable and forbid,
 * -1 for optional (neither).
 */
static int
guest_feature_present(const xmlNode *c)
{
	xmlChar *policy = xmlGetNoNsProp(c, (const xmlChar *)"policy");
	int present = 1;

	if (policy && (xmlStrcmp(policy, (const xmlChar *)"disable") == 0 ||
		       xmlStrcmp(policy, (const xmlChar *)"forbid") == 0))
		present = 0;
	else if (policy && xmlStrcmp(policy, (const xmlChar *)"optional") == 0)
		present = -1;
	xmlFree(policy);
	return present;
}

static int
cmp_listed(const void *a, const void *b)
{
	const listed *x = a, *y = b;
	int c = strcmp((const char *)x->name, (const char *)y->name);

	return c ? c : (x->order > y->order) - (x->order < y->order);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The <feature>s of cpu into *out (*n of them), each named once: a second
 * of one name is an error, as libvirt has it ("specified more than once").
 * Each is checked against the map's family (unless family is NULL or "arm":
 * see the top of the file). Returns -1 on error (reported, or x->nomem).
 */
static int
read_listed(mc_xml *x, const xmlNode *cpu, const mc_cpumap *map,
	    const char *family, bool guest, listed **out, size_t *n)
{
	listed *l = NULL, *sorted = NULL;
	size_t count = 0, k = 0;
	int errors = x->errors;
	bool check = map && family && strcmp(family, "arm") != 0;

	*out = NULL;
	*n = 0;
	for (const xmlNode *c = cpu->children; c; c = c->next)
		count += mc_xml_is(c, "feature");
	if (!count)
		return 0;
	/* No more than max_items of them: markup_fits counted their '<'. */
	l = calloc(count, sizeof(*l));
	if (!l) {
		x->nomem = 1;
		return -1;
	}
	for (const xmlNode *c = cpu->children; c; c = c->next) {
		xmlChar *name = NULL;

		if (!mc_xml_is(c, "feature"))
			continue;
		if (mc_xml_attr(x, c, "name", &name) < 0)
			continue;
		if (!name || !name[0]) {
			xmlFree(name);
			mc_xml_error(x, c, "a <feature> without a name");
			continue;
		}
		if (check && !mc_cpumap_has_feature(map, family, (const char *)name)) {
			char msg[200];

			snprintf(msg, sizeof(msg), "unknown CPU feature '%.64s' "
				 "(libvirt's CPU map has no %s feature of that name; a newer libvirt's "
				 "map may have it: give it with --cpu-map DIR)",
				 (const char *)name, family);
			mc_xml_error(x, c, msg);
			xmlFree(name);
			continue;
		}
		if (guest && guest_feature_present(c) < 0) {
			xmlFree(name);
			continue;
		}
		l[k] = (listed){name, c, k, guest && !guest_feature_present(c)};
		k++;
	}
	if (k > 1) {
		sorted = malloc(k * sizeof(*sorted));
		if (!sorted) {
			x->nomem = 1;
			goto fail;
		}
		memcpy(sorted, l, k * sizeof(*sorted));
		qsort(sorted, k, sizeof(*sorted), cmp_listed);
		for (size_t i = 1; i < k; i++) {
			if (strcmp((const char *)sorted[i].name,
				   (const char *)sorted[i - 1].name) == 0) {
				char msg[160];

				snprintf(msg, sizeof(msg), "CPU feature '%.64s' "
					 "specified more than once",
					 (const char *)sorted[i].name);
				mc_xml_error(x, sorted[i].at, msg);
			}
		}
		free(sorted);
	}
	if (x->errors != errors)
		goto fail;
	*out = l;
	*n = k;
	return 0;
fail:
	for (size_t i = 0; i < k; i++)
		xmlFree(l[i].name);
	free(l);
	return -1;
}

/*
 * Sets h's features: the model's (NULL: none) and the listed ones, less
 * the listed ones the host lacks, in Linux's names, sorted and each once.
 * Returns -1 on error (reported).
 */
static int
set_features(mc_xml *x, const xmlNode *cpu, mc_hostrec *h,
	     const char *const *model, size_t nmodel, const listed *l,
	     size_t nl)
{
	char **names = NULL;
	size_t n = 0, total = nmodel + nl, ngone = 0;
	char **gone = NULL;   /* the names after the ngone first of names */
	int rc = -1;

	if (total > x->lim.max_items) {
		char msg[160];

		snprintf(msg, sizeof(msg), "more than %zu features (limit; raise "
			 "it with --limit items=N)", x->lim.max_items);
		mc_xml_error_id(x, cpu, "limit", msg);
		return -1;
	}
	if (total && !(names = calloc(total, sizeof(*names))))
		goto nomem;
	for (size_t i = 0; i < total; i++) {
		const char *name = i < nmodel ? model[i]
				   : (const char *)l[i - nmodel].name;

		if (!(names[n] = mc_cpumap_linux_dup(name)))
			goto nomem;
		n++;
		/* a feature the host lacks goes first, to be set apart */
		if (i >= nmodel && l[i - nmodel].absent) {
			char *t = names[ngone];

			names[ngone++] = names[n - 1];
			names[n - 1] = t;
		}
	}
	gone = names;
	if (ngone)
		qsort(gone, ngone, sizeof(*gone), cmp_str);
	if (n > ngone)
		qsort(names + ngone, n - ngone, sizeof(*names), cmp_str);
	if (mc_import_reserve_features(h, n - ngone) < 0)
		goto nomem;
	for (size_t i = ngone; i < n; i++) {
		size_t len = strlen(names[i]);

		if ((i > ngone && strcmp(names[i], names[i - 1]) == 0) ||
		    (ngone && bsearch(&names[i], gone, ngone, sizeof(*gone),
				      cmp_str)))
			continue;
		if (!mc_xml_value_fits(x, cpu, len))
			goto out;
		if (mc_import_add_feature(h, names[i], len) < 0)
			goto nomem;
	}
	h->has_features = true;
	rc = 0;
	goto out;
nomem:
	x->nomem = 1;
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* True when name is one of the n features of a model. */
static bool
in_model(const char *const *mf, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(mf[i], name) == 0)
			return true;
	return false;
}

/*
 * Sets h's migratable features: its features less those it lists beyond
 * its model that the map marks migratable='no' (invtsc): what a guest
 * started with host-model takes along, as virCPUx86CopyMigratable makes
 * it (a model's own features stay, such as EPYC-Milan's xsaves).
 */
static void
set_migratable(mc_xml *x, mc_hostrec *h, const mc_cpumap *map,
	       const char *family, const char *const *mf, size_t nmf,
	       const listed *l, size_t nl)
{
	mc_strlist drop = {0};
	char buf[160];

	for (size_t i = 0; i < nl && !x->nomem; i++) {
		const char *name = (const char *)l[i].name;
		const char *linux_name;

		if (l[i].absent || !mc_cpumap_unmigratable(map, family, name) ||
		    in_model(mf, nmf, name))
			continue;
		linux_name = mc_cpumap_linux_name(name, buf, sizeof(buf));
		if (linux_name && mc_strlist_add(&drop, linux_name,
						 strlen(linux_name)) < 0)
			x->nomem = 1;
	}
	for (size_t i = 0; i < h->nfeatures && !x->nomem; i++) {
		if (!mc_strlist_has(&drop, h->features[i]) &&
		    mc_strlist_add(&h->migratable_features, h->features[i],
				   strlen(h->features[i])) < 0)
			x->nomem = 1;
	}
	h->has_migratable = true;
	mc_strlist_free(&drop);
}

/*
 * The host's features: see the top of the file. model is the <model>
 * element (NULL: none) and its text; arch libvirt's architecture (NULL:
 * none given).
 */
static void
read_features(mc_xml *x, const xmlNode *cpu, mc_hostrec *h,
	      const mc_cpumap *map, const xmlNode *mnode, const char *model,
	      const char *arch, bool guest)
{
	const char *family = map ? mc_cpumap_family(map, arch) : NULL;
	const char *const *mf = NULL;
	size_t nmf = 0, nl = 0;
	listed *l = NULL;
	char msg[300];

	if (model && !family) {
		/* Unexpanded: no features at all, so that a policy comparing
		 * them fails closed. */
		h->model_unexpanded = true;
		if (!map)
			snprintf(msg, sizeof(msg), "CPU model '%.64s' not expanded: "
				 "no libvirt CPU map (install libvirt0 or give "
				 "--cpu-map DIR); cpu.features left out", model);
		else
			snprintf(msg, sizeof(msg), "CPU model '%.64s' not expanded: "
				 "libvirt's CPU map has no models for %.32s; "
				 "cpu.features left out", model,
				 arch ? arch : "a CPU without <arch>");
		mc_xml_warning(x, mnode, msg);
		return;
	}
	if (model && !mc_cpumap_model(map, family, model, &mf, &nmf)) {
		snprintf(msg, sizeof(msg), "unknown CPU model '%.64s' (libvirt's "
			 "CPU map has no %s model of that name)", model, family);
		mc_xml_error(x, mnode, msg);
		/* Its features are still checked, every error reported. */
	}
	if (read_listed(x, cpu, map, family, guest, &l, &nl) < 0 || x->errors)
		goto out;
	/* Without a model, features are written only when some are listed:
	 * an empty list would say the host has none. */
	if ((model || nl) && set_features(x, cpu, h, mf, nmf, l, nl) == 0 &&
	    family)
		set_migratable(x, h, map, family, mf, nmf, l, nl);
out:
	for (size_t i = 0; i < nl; i++)
		xmlFree(l[i].name);
	free(l);
}

/* Sets *field to the text of element n (as libvirt writes it, or through
 * map), keeping the text in *text when text is not NULL. */
static void
set_text(mc_xml *x, const xmlNode *n, char **field,
	 const char *(*map)(const char *), char **text)
{
	char *s = NULL;

	if (mc_xml_text(x, n, &s) == 0 && s) {
		const char *v = map ? map(s) : s;

		if (mc_hostrec_set(field, v, strlen(v)) < 0)
			x->nomem = 1;
	}
	if (text)
		*text = s;
	else
		free(s);
}

/* Where a document holds the host's CPU. */
typedef struct found {
	const xmlNode *cpu;    /* the CPU: <cpu>, or domcapabilities' <mode> */
	const xmlNode *arch;   /* its <arch> */
	const xmlNode *host;   /* <capabilities><host>, for the sockets */
	const xmlNode *custom; /* domcapabilities' <mode name='custom'> */
	bool guest;            /* cpu is a guest CPU definition (policies) */
	const char *source;    /* what the record was made from */
} found;

/* The CPU models of domcapabilities' custom mode that the map knows for
 * family (every one, without a map), as libvirt lists them: the models it
 * can translate a guest's CPU into (virCPUTranslate). */
static void
read_cpu_models(mc_xml *x, const xmlNode *custom, mc_hostrec *h,
		const mc_cpumap *map, const char *family)
{
	h->has_cpu_models = true;
	for (const xmlNode *c = custom->children; c && !x->nomem; c = c->next) {
		const char *const *features;
		char *name = NULL;
		size_t n;

		if (!mc_xml_is(c, "model") || mc_xml_text(x, c, &name) < 0 ||
		    !name)
			continue;
		if (family && !mc_cpumap_model(map, family, name, &features, &n))
			;   /* libvirt cannot use a model its map lacks */
		else if (h->cpu_models.n >= x->lim.max_items) {
			mc_xml_error_id(x, c, "limit", "more CPU models than the "
					"items limit (raise it with --limit "
					"items=N)");
			free(name);
			return;
		} else if (mc_strlist_add(&h->cpu_models, name, strlen(name)) < 0)
			x->nomem = 1;
		free(name);
	}
}

/* Fills h from the CPU f found, and from f->host its sockets; errors are
 * counted in x. */
static void
read_cpu(mc_xml *x, const found *f, mc_hostrec *h, const mc_cpumap *map)
{
	const xmlNode *cpu = f->cpu;
	char *arch = NULL, *model = NULL;
	const xmlNode *n;
	int64_t v = 0;

	if (mc_xml_text(x, f->arch, &arch) == 0 && arch &&
	    mc_import_set_arch(h, arch, strlen(arch)) < 0)
		x->nomem = 1;
	set_text(x, mc_xml_child(cpu, "vendor"), &h->manufacturer,
		 mc_cpumap_vendor_string, NULL);
	set_text(x, mc_xml_child(cpu, "model"), &h->model_name, NULL, &model);

	if ((n = mc_xml_child(cpu, "signature")) != NULL) {
		if (mc_xml_int_attr(x, n, "family", &h->family) > 0)
			h->has_family = true;
		if (mc_xml_int_attr(x, n, "model", &h->model) > 0)
			h->has_model = true;
		if (mc_xml_int_attr(x, n, "stepping", &h->stepping) > 0)
			h->has_stepping = true;
		if (h->has_family && h->has_model && h->has_stepping) {
			char sig[16];

			signature_of(sig, sizeof(sig), h->family, h->model,
				     h->stepping);
			if (sig[0] && mc_hostrec_set(&h->signature, sig,
						     strlen(sig)) < 0)
				x->nomem = 1;
		}
	}
	v = f->host ? count_sockets(x, f->host) : 0;
	if (v > 0)
		h->sockets = v;
	else if (v == 0 && (n = mc_xml_child(cpu, "topology")) != NULL &&
		 mc_xml_int_attr(x, n, "sockets", &v) > 0)
		h->sockets = v;

	if (!x->nomem)
		read_features(x, cpu, h, map, mc_xml_child(cpu, "model"), model,
			      arch, f->guest);
	if (f->custom && !x->errors && !x->nomem)
		read_cpu_models(x, f->custom, h, map,
				map ? mc_cpumap_family(map, arch) : NULL);
	free(arch);
	free(model);
}

/* The <mode name=NAME> of domcapabilities' <cpu>, or NULL. */
static const xmlNode *
cpu_mode(const xmlNode *cpu, const char *name)
{
	for (const xmlNode *c = cpu ? cpu->children : NULL; c; c = c->next) {
		xmlChar *n;
		bool is;

		if (!mc_xml_is(c, "mode"))
			continue;
		n = xmlGetNoNsProp(c, (const xmlChar *)"name");
		is = n && strcmp((const char *)n, name) == 0;
		xmlFree(n);
		if (is)
			return c;
	}
	return NULL;
}

/* True unless n says supported='no'. */
static bool
supported(const xmlNode *n)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)"supported");
	bool no = v && strcmp((const char *)v, "no") == 0;

	xmlFree(v);
	return !no;
}

/* The host-model CPU of virsh domcapabilities into *f; false (reported)
 * when it has none. */
static bool
find_domcaps_cpu(mc_xml *x, const xmlNode *root, found *f)
{
	const xmlNode *cpu = mc_xml_child(root, "cpu");
	const xmlNode *custom = cpu_mode(cpu, "custom");

	f->cpu = cpu_mode(cpu, "host-model");
	f->arch = mc_xml_child(root, "arch");
	f->custom = custom && supported(custom) ? custom : NULL;
	f->guest = true;
	f->source = "virsh domcapabilities";
	if (!f->cpu || !supported(f->cpu) || !mc_xml_child(f->cpu, "model")) {
		mc_xml_error(x, f->cpu ? f->cpu : cpu ? cpu : root,
			     "no host-model CPU in the domain capabilities "
			     "(<cpu><mode name='host-model' supported='yes'> "
			     "with a <model>): the hypervisor cannot run this "
			     "host's CPU model; give virsh capabilities");
		return false;
	}
	return true;
}

/* Where root holds the host's CPU, into *f; false (reported) when it
 * holds none. */
static bool
find_cpu(mc_xml *x, const xmlNode *root, found *f)
{
	*f = (found){0};
	if (mc_xml_is(root, "capabilities")) {
		f->host = mc_xml_child(root, "host");
		f->cpu = mc_xml_child(f->host, "cpu");
		f->arch = mc_xml_child(f->cpu, "arch");
		f->source = "virsh capabilities";
		if (!f->cpu)
			mc_xml_error(x, root, "no <host><cpu> in the capabilities");
		return f->cpu != NULL;
	}
	if (mc_xml_is(root, "domainCapabilities"))
		return find_domcaps_cpu(x, root, f);
	if (mc_xml_is(root, "cpu")) {
		f->cpu = root;
		f->arch = mc_xml_child(root, "arch");
		f->source = "a libvirt host <cpu>";
		if (!f->arch)
			mc_xml_error(x, root, "a guest CPU (a <cpu> without <arch>): "
				     "import it with --from libvirt-domain");
		return f->arch != NULL;
	}
	if (mc_xml_is(root, "domain"))
		mc_xml_error(x, root, "a domain's XML (virsh dumpxml), not the "
			     "host's: import it with --from libvirt-domain");
	else
		mc_xml_error(x, root, "not libvirt capabilities XML: the root "
			     "element is not <capabilities> (virsh capabilities "
			     "writes it), <domainCapabilities> (virsh "
			     "domcapabilities) or a host <cpu>");
	return false;
}

int
mc_import_libvirt(mc_hostlist *out, const char *name, const char *data,
		  size_t len, const mc_import_ctx *ctx, mc_diag *diag)
{
	mc_xml x;
	xmlNode *root;
	found f;
	mc_hostrec *h = NULL;
	int rc;

	root = mc_xml_open(&x, name, data, len, ctx->limits, diag,
			   "capabilities XML", &rc);
	if (!root)
		goto out;
	if (!find_cpu(&x, root, &f)) {
		rc = mc_xml_status(&x);
		goto out;
	}
	h = mc_hostrec_new();
	if (!h || mc_import_name_from_file(h, name) < 0 ||
	    mc_hostrec_set(&h->source, f.source, strlen(f.source)) < 0) {
		rc = MC_ENOMEM;
		goto out;
	}
	read_cpu(&x, &f, h, ctx->cpu_map);
	if (f.host && !x.nomem)
		read_cells(&x, f.host, h);
	rc = mc_xml_status(&x);
	if (rc == MC_OK) {
		rc = mc_hostlist_add(out, h) < 0 ? MC_ENOMEM : MC_OK;
		h = NULL;   /* taken over by the list, even when it fails */
	}
out:
	mc_hostrec_free(h);
	mc_xml_close(&x);
	return rc;
}
