/* SPDX-License-Identifier: MIT */
/*
 * import_libvirt_domain.c - VM records from `virsh dumpxml` XML (a
 * <domain>), or from a bare guest <cpu> as `virsh cpu-compare` reads it.
 *
 * The guest's CPU definition is read as libvirt 9.0 reads it
 * (virCPUDefParseXML in src/conf/cpu_conf.c): a <cpu> without mode= is
 * custom, a custom one matches `exact` unless it says otherwise, a feature
 * without policy= is required. What the guest requires of a host is what
 * x86Compute (src/cpu/cpu_x86.c) calls cpu_require: the model's features,
 * from libvirt's CPU map, and the required ones, less the forced, optional
 * and disabled ones. POWER models are compared by name (ppc64Compute), so
 * they require no features; their legacy names and host-model
 * compatibility modes are checked as src/cpu/cpu_ppc64.c checks them.
 *
 * A model or feature the map does not know is an error at its element, as
 * it is for libvirt. Without a map a named model cannot be expanded: the
 * record then says so (model_expanded: false) and holds no cpu.features,
 * and a warning tells the user.
 */
#include "sources/import.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/diag.h"
#include "sources/cpumap.h"
#include "sources/importer.h"
#include "sources/xml.h"

#define N_OF(a) (sizeof(a) / sizeof(*(a)))

/* libvirt's words, in the order of its enums (src/conf/cpu_conf.h). */
enum { MODE_CUSTOM, MODE_HOST_MODEL, MODE_HOST_PASSTHROUGH, MODE_MAXIMUM };
static const char *const MODES[] = {
	"custom", "host-model", "host-passthrough", "maximum",
};
static const char *const MATCHES[] = {"exact", "minimum", "strict"};
static const char *const CHECKS[] = {"none", "partial", "full"};
static const char *const FALLBACKS[] = {"allow", "forbid"};
static const char *const SWITCHES[] = {"on", "off"};
enum { POL_FORCE, POL_REQUIRE, POL_OPTIONAL, POL_DISABLE, POL_FORBID };
static const char *const POLICIES[] = {
	"force", "require", "optional", "disable", "forbid",
};

/* The map's families a bare <cpu>'s model is looked for in, in order. */
static const char *const FAMILIES[] = {"x86", "ppc64", "arm"};

/* POWER model names libvirt reads as their first six characters
 * (virCPUppc64ConvertLegacy). */
static const char *const PPC64_LEGACY[] = {
	"POWER7_v2.1", "POWER7_v2.3", "POWER7+_v2.1", "POWER8_v1.0",
};

/* One <feature> of the guest's CPU. */
typedef struct feature {
	const xmlNode *node;
	char *name;       /* as libvirt spells it */
	char *lname;      /* as Linux's /proc/cpuinfo does */
	int policy;       /* POL_* */
	size_t at;        /* its place among the <feature>s */
	const struct feature *again;  /* the first of its Linux name */
} feature;

typedef struct reader {
	mc_xml x;
	const mc_import_ctx *ctx;
	mc_vmrec *vm;
	char *arch;        /* <os><type arch=…>, libvirt's word; NULL: none */
	feature *feats;    /* the <feature>s read (some may lack lname) */
	size_t nfeats;
	feature **sorted;  /* those with a name, by Linux name */
	size_t nsorted;
} reader;

static void
set_str(reader *r, char **field, const char *s)
{
	if (mc_hostrec_set(field, s, strlen(s)) < 0)
		r->x.nomem = 1;
}

/*
 * Reads attribute attr of element n, one of the count words of table, into
 * *idx. Returns 1 when given, 0 when absent, -1 (reported) when it is none
 * of them.
 */
static int
enum_attr(reader *r, const xmlNode *n, const char *attr,
	  const char *const *table, size_t count, int *idx)
{
	xmlChar *v = NULL;
	char words[160] = "", msg[320];
	int rc = -1;

	if (mc_xml_attr(&r->x, n, attr, &v) < 0)
		return -1;
	if (!v)
		return 0;
	for (size_t i = 0; i < count; i++) {
		if (strcmp((const char *)v, table[i]) == 0) {
			*idx = (int)i;
			rc = 1;
		}
	}
	if (rc < 0) {
		size_t at = 0;

		for (size_t i = 0; i < count && at < sizeof(words); i++)
			at += (size_t)snprintf(words + at, sizeof(words) - at,
					       "%s%s", i ? ", " : "", table[i]);
		snprintf(msg, sizeof(msg), "invalid <%.32s %s='%.64s'>: "
			 "expected one of %s", (const char *)n->name, attr,
			 (const char *)v, words);
		mc_xml_error(&r->x, n, msg);
	}
	xmlFree(v);
	return rc;
}

/* Reports "BEFORE'NAME'AFTER" at n. */
static void
error_named(reader *r, const xmlNode *n, const char *before, const char *name,
	    const char *after)
{
	char msg[320];

	snprintf(msg, sizeof(msg), "%s'%.200s'%s", before, name, after);
	mc_xml_error(&r->x, n, msg);
}

static int
by_lname(const void *a, const void *b)
{
	const feature *x = *(feature *const *)a, *y = *(feature *const *)b;
	int c = strcmp(x->lname, y->lname);

	return c ? c : (x->at > y->at) - (x->at < y->at);
}

/* The explicit feature of Linux name lname, or NULL. */
static const feature *
find_feature(const reader *r, const char *lname)
{
	size_t lo = 0, hi = r->nsorted;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(r->sorted[mid]->lname, lname);

		if (c == 0)
			return r->sorted[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * Reads every <feature> of cpu into r->feats: its policy (require unless
 * it says otherwise) and name, and its Linux name. A feature named twice is
 * an error, as for libvirt ("specified more than once"); so is one whose
 * two libvirt spellings Linux names alike. Sorted by Linux name to find
 * them: a file may hold a quarter of a million.
 */
static void
read_features(reader *r, const xmlNode *cpu)
{
	size_t n = 0;

	for (const xmlNode *c = cpu->children; c; c = c->next)
		n += mc_xml_is(c, "feature");
	if (!n)
		return;
	r->feats = calloc(n, sizeof(*r->feats));
	r->sorted = calloc(n, sizeof(*r->sorted));
	if (!r->feats || !r->sorted) {
		r->x.nomem = 1;
		return;
	}
	for (const xmlNode *c = cpu->children; c && !r->x.nomem; c = c->next) {
		feature *f;
		xmlChar *name = NULL;

		if (!mc_xml_is(c, "feature"))
			continue;
		f = &r->feats[r->nfeats];
		*f = (feature){c, NULL, NULL, POL_REQUIRE, r->nfeats, NULL};
		r->nfeats++;
		if (enum_attr(r, c, "policy", POLICIES, N_OF(POLICIES),
			      &f->policy) < 0)
			continue;
		if (mc_xml_attr(&r->x, c, "name", &name) < 0)
			continue;
		if (!name || !name[0]) {
			mc_xml_error(&r->x, c, "a <feature> without a name");
		} else if (!(f->name = strdup((const char *)name)) ||
			   !(f->lname = mc_cpumap_linux_dup(f->name))) {
			r->x.nomem = 1;
		} else {
			r->sorted[r->nsorted++] = f;
		}
		xmlFree(name);
	}
	if (r->x.nomem)
		return;
	qsort(r->sorted, r->nsorted, sizeof(*r->sorted), by_lname);
	for (size_t i = 1, start = 0; i < r->nsorted; i++) {
		if (strcmp(r->sorted[i]->lname, r->sorted[start]->lname) != 0)
			start = i;
		else
			r->sorted[i]->again = r->sorted[start];
	}
	/* reported in the order of the file */
	for (size_t i = 0; i < r->nfeats; i++) {
		const feature *f = &r->feats[i], *first = f->again;
		char msg[480];

		if (!first)
			continue;
		if (strcmp(f->name, first->name) == 0)
			snprintf(msg, sizeof(msg), "CPU feature '%.200s' specified "
				 "more than once", f->name);
		else
			snprintf(msg, sizeof(msg), "CPU feature '%.100s' specified "
				 "more than once ('%.100s' is %.100s too)",
				 f->name, first->name, f->lname);
		mc_xml_error(&r->x, f->node, msg);
	}
}

/* Frees what read_features read. */
static void
free_features(reader *r)
{
	for (size_t i = 0; i < r->nfeats; i++) {
		free(r->feats[i].name);
		free(r->feats[i].lname);
	}
	free(r->feats);
	free(r->sorted);
}

/* True when family is the map's POWER one, or without a map (family
 * NULL) when the guest's architecture is. */
static bool
is_ppc64(const reader *r, const char *family)
{
	if (family)
		return strcmp(family, "ppc64") == 0;
	return r->arch && strncmp(r->arch, "ppc64", 5) == 0;
}

/* The POWER model libvirt compares for model: a legacy name's first six
 * characters ("POWER7_v2.3" is POWER7), into buf (of 8 bytes). */
static const char *
ppc64_model(const char *model, char *buf)
{
	for (size_t i = 0; i < N_OF(PPC64_LEGACY); i++) {
		if (strcmp(model, PPC64_LEGACY[i]) == 0) {
			memcpy(buf, model, 6);
			buf[6] = '\0';
			return buf;
		}
	}
	return model;
}

/*
 * A host-model POWER guest's <model> is a compatibility mode: power6 to
 * power10, read as ppc64CheckCompatibilityMode reads them (strtol, all of
 * it). Anything else is an error there, and so here.
 */
static bool
compat_mode_valid(const char *mode)
{
	char *end = NULL;
	long v;

	if (strncmp(mode, "power", 5) != 0)
		return false;
	errno = 0;
	v = strtol(mode + 5, &end, 10);
	return end != mode + 5 && !*end && !errno && v >= 6 && v <= 10;
}

/*
 * Finds model in the map: in the guest's architecture's family, or for a
 * bare <cpu> the first family that defines it. Returns its family, with
 * *features and *n its features, or NULL when no family defines it (or
 * the guest's architecture has no section in the map: *unknown_arch).
 */
static const char *
find_model(const reader *r, const char *model, const char *const **features,
	   size_t *n, bool *unknown_arch)
{
	const mc_cpumap *map = r->ctx->cpu_map;
	char buf[8];

	*unknown_arch = false;
	if (r->arch) {
		const char *family = mc_cpumap_family(map, r->arch);

		if (!family) {
			*unknown_arch = true;
			return NULL;
		}
		if (is_ppc64(r, family))
			model = ppc64_model(model, buf);
		return mc_cpumap_model(map, family, model, features, n)
		       ? family : NULL;
	}
	for (size_t i = 0; i < N_OF(FAMILIES); i++) {
		const char *name = strcmp(FAMILIES[i], "ppc64") == 0
				   ? ppc64_model(model, buf) : model;

		if (mc_cpumap_model(map, FAMILIES[i], name, features, n))
			return FAMILIES[i];
	}
	return NULL;
}

/*
 * Reports each feature the map does not know, as libvirt does when it
 * starts or compares the guest. In family when it is known; for a bare
 * <cpu> without a model, in x86's or arm's. POWER's map defines no
 * features, and libvirt's ppc64 driver reads none: they are not checked.
 * A guest whose architecture the map has no section for is not checked.
 */
static void
check_features(reader *r, const char *family, bool unknown_arch)
{
	const mc_cpumap *map = r->ctx->cpu_map;

	if (!map || unknown_arch || (family && is_ppc64(r, family)))
		return;
	for (size_t i = 0; i < r->nfeats; i++) {
		const feature *f = &r->feats[i];
		bool known;

		if (!f->name)
			continue;
		known = family ? mc_cpumap_has_feature(map, family, f->name)
			       : mc_cpumap_has_feature(map, "x86", f->name) ||
				 mc_cpumap_has_feature(map, "arm", f->name);
		if (!known)
			error_named(r, f->node, "Unknown CPU feature ",
				    f->name, "");
	}
}

static int
by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * cpu.features of a custom guest: the n features of its model and the
 * required ones, less the forced, optional and disabled ones (x86Compute's
 * cpu_require; forbidden ones stay, as there), sorted, each once. More of
 * them than the items limit is an error at <model>.
 */
static void
require_features(reader *r, const xmlNode *model_node,
		 const char *const *features, size_t n)
{
	char **all = calloc(n + r->nfeats + 1, sizeof(*all));
	size_t count = 0, kept = 0;

	if (!all) {
		r->x.nomem = 1;
		return;
	}
	for (size_t i = 0; i < n && !r->x.nomem; i++) {
		char *lname = mc_cpumap_linux_dup(features[i]);
		const feature *f;

		if (!lname) {
			r->x.nomem = 1;
			break;
		}
		f = find_feature(r, lname);
		if (f && (f->policy == POL_FORCE || f->policy == POL_OPTIONAL ||
			  f->policy == POL_DISABLE))
			free(lname);
		else
			all[count++] = lname;
	}
	for (size_t i = 0; i < r->nfeats && !r->x.nomem; i++) {
		const feature *f = &r->feats[i];

		if (!f->lname || f->policy != POL_REQUIRE)
			continue;
		if (!(all[count] = strdup(f->lname)))
			r->x.nomem = 1;
		else
			count++;
	}
	if (!r->x.nomem) {
		qsort(all, count, sizeof(*all), by_str);
		for (size_t i = 0; i < count; i++)
			if (!kept || strcmp(all[i], all[kept - 1]) != 0)
				all[kept++] = all[i];
			else
				free(all[i]);
		count = kept;
	}
	if (!r->x.nomem && count > r->x.lim.max_items) {
		char msg[200];

		snprintf(msg, sizeof(msg), "the CPU requires %zu features, more "
			 "than %zu in one list (limit; raise it with --limit "
			 "items=N)", count, r->x.lim.max_items);
		mc_xml_error_id(&r->x, model_node, "limit", msg);
	}
	for (size_t i = 0; i < count; i++) {
		if (!r->x.nomem && !r->x.errors &&
		    mc_strlist_add(&r->vm->cpu_features, all[i],
				   strlen(all[i])) < 0)
			r->x.nomem = 1;
		free(all[i]);
	}
	free(all);
	r->vm->has_cpu_features = !r->x.nomem && !r->x.errors;
}

/* The force, optional, disable and forbid sets, in the order given. */
static void
policy_sets(reader *r)
{
	mc_vmrec *vm = r->vm;
	mc_strlist *sets[] = {
		[POL_FORCE] = &vm->cpu_force, [POL_REQUIRE] = NULL,
		[POL_OPTIONAL] = &vm->cpu_optional,
		[POL_DISABLE] = &vm->cpu_disable,
		[POL_FORBID] = &vm->cpu_forbid,
	};

	for (size_t i = 0; i < r->nfeats && !r->x.nomem; i++) {
		const feature *f = &r->feats[i];
		mc_strlist *set = sets[f->policy];

		if (f->lname && set &&
		    mc_strlist_add(set, f->lname, strlen(f->lname)) < 0)
			r->x.nomem = 1;
	}
}

/*
 * The model of a guest of mode: for custom, its features from the map (or
 * an error for a model the map does not know, a warning without a map);
 * for host-model on POWER, the compatibility mode checked. The features
 * named are checked against the map either way.
 */
static void
read_model(reader *r, int mode, const xmlNode *model_node, const char *model)
{
	const char *const *features = NULL;
	const char *family = NULL;
	bool unknown_arch = false;
	size_t n = 0;
	char msg[400];

	if (r->ctx->cpu_map && r->arch) {
		family = mc_cpumap_family(r->ctx->cpu_map, r->arch);
		unknown_arch = !family;
	}
	/* A bare <cpu> says no architecture: its powerN is a POWER one. */
	if (mode == MODE_HOST_MODEL && model &&
	    (is_ppc64(r, family) ||
	     (!r->arch && strncmp(model, "power", 5) == 0)) &&
	    !compat_mode_valid(model))
		error_named(r, model_node, "Unknown compatibility mode ", model,
			    " (power6 to power10)");
	if (!r->ctx->cpu_map) {
		if (mode != MODE_CUSTOM || !model)
			return;
		r->vm->model_unexpanded = true;
		snprintf(msg, sizeof(msg), "CPU model '%.200s' not expanded: no "
			 "libvirt CPU map (install libvirt0 or give --cpu-map "
			 "DIR); cpu.features left out", model);
		mc_xml_warning(&r->x, model_node, msg);
		return;
	}
	if (mode == MODE_CUSTOM && model) {
		const char *found = find_model(r, model, &features, &n,
					       &unknown_arch);

		/* libvirt's ARM driver compares no guest models: QEMU's own
		 * names are no error there. */
		if (!found && !unknown_arch &&
		    !(family && strcmp(family, "arm") == 0))
			error_named(r, model_node, "Unknown CPU model ",
				    model, "");
		if (!r->arch)
			family = found;
		else if (!found)
			mode = -1;   /* nothing to expand */
	}
	check_features(r, family, unknown_arch);
	if (r->x.errors || r->x.nomem || mode != MODE_CUSTOM || !family)
		return;
	if (is_ppc64(r, family))
		r->vm->has_cpu_features = true;   /* POWER models have none */
	else
		require_features(r, model_node, features, n);
}

/* Fills the VM's CPU from the guest's <cpu>. */
static void
read_cpu(reader *r, const xmlNode *cpu)
{
	mc_vmrec *vm = r->vm;
	const xmlNode *model_node = mc_xml_child(cpu, "model");
	char *model = NULL, *vendor = NULL;
	int mode = MODE_CUSTOM, match = 0, check = 0, fallback = 0, migr = 0;
	int has_match, has_check, has_fallback = 0, has_migr;

	if (enum_attr(r, cpu, "mode", MODES, N_OF(MODES), &mode) < 0)
		return;
	has_match = enum_attr(r, cpu, "match", MATCHES, N_OF(MATCHES), &match);
	has_check = enum_attr(r, cpu, "check", CHECKS, N_OF(CHECKS), &check);
	has_migr = enum_attr(r, cpu, "migratable", SWITCHES, N_OF(SWITCHES),
			     &migr);
	if (has_migr > 0 && mode != MODE_HOST_PASSTHROUGH &&
	    mode != MODE_MAXIMUM)
		mc_xml_error(&r->x, cpu, "migratable= is only allowed for "
			     "'host-passthrough' and 'maximum' CPU modes");
	if (model_node && mode != MODE_HOST_PASSTHROUGH && mode != MODE_MAXIMUM)
		has_fallback = enum_attr(r, model_node, "fallback", FALLBACKS,
					 N_OF(FALLBACKS), &fallback);
	if (mc_xml_text(&r->x, model_node, &model) < 0 ||
	    mc_xml_text(&r->x, mc_xml_child(cpu, "vendor"), &vendor) < 0)
		goto out;
	if (vendor && !model)
		mc_xml_error(&r->x, mc_xml_child(cpu, "vendor"),
			     "CPU vendor specified without CPU model");
	read_features(r, cpu);
	if (r->x.nomem)
		goto out;
	/* A custom <cpu> without a model gives its topology only: the guest
	 * runs the hypervisor's default CPU, as without <cpu>. */
	if (mode == MODE_CUSTOM && !model) {
		if (r->nfeats)
			mc_xml_error(&r->x, cpu, "Non-empty feature list specified "
				     "without CPU model");
		goto out;
	}
	set_str(r, &vm->cpu_mode, MODES[mode]);
	if (mode == MODE_CUSTOM)
		set_str(r, &vm->cpu_match, MATCHES[has_match > 0 ? match : 0]);
	if (has_check > 0)
		set_str(r, &vm->cpu_check, CHECKS[check]);
	if (has_migr > 0)
		set_str(r, &vm->cpu_migratable, SWITCHES[migr]);
	if (model && (mode == MODE_CUSTOM || mode == MODE_HOST_MODEL))
		set_str(r, &vm->cpu_model, model);
	if (has_fallback > 0)
		set_str(r, &vm->cpu_fallback, FALLBACKS[fallback]);
	if (vendor)
		set_str(r, &vm->cpu_vendor, mc_cpumap_vendor_string(vendor));
	policy_sets(r);
	if (!r->x.nomem)
		read_model(r, mode, model_node,
			   mode == MODE_CUSTOM || mode == MODE_HOST_MODEL
			   ? model : NULL);
out:
	free(model);
	free(vendor);
}

/* The frequency of <clock><timer name='tsc' frequency=…/>: with it, libvirt
 * migrates and saves a guest whose CPU has invtsc (qemuMigrationSrcIsAllowed). */
static void
read_tsc(reader *r, const xmlNode *clock)
{
	for (const xmlNode *t = clock ? clock->children : NULL; t; t = t->next) {
		xmlChar *name = NULL;
		int64_t hz = 0;

		if (!mc_xml_is(t, "timer") ||
		    mc_xml_attr(&r->x, t, "name", &name) < 0 || !name)
			continue;
		if (strcmp((const char *)name, "tsc") == 0 &&
		    mc_xml_int_attr(&r->x, t, "frequency", &hz) > 0)
			r->vm->tsc_frequency = hz;
		xmlFree(name);
	}
}

/*
 * The configured vCPUs and memory: <vcpu>'s current= when given (the vCPUs
 * the guest starts with), else its text (the maximum, which libvirt starts
 * them all with then); <memory> (the boot allocation, in its unit=, KiB by
 * default) in whole MiB, rounded down. Absent elements leave the keys out;
 * a malformed value is an error.
 */
static void
read_resources(reader *r, const xmlNode *dom)
{
	const xmlNode *vcpu = mc_xml_child(dom, "vcpu");
	int64_t bytes = 0, max = 0, cur = 0;
	int has_mem, has_max, has_cur;

	/* read in the order of the document, as the errors are reported */
	has_mem = mc_xml_bytes(&r->x, mc_xml_child(dom, "memory"), &bytes);
	has_max = mc_xml_int_text(&r->x, vcpu, &max);
	has_cur = vcpu ? mc_xml_int_attr(&r->x, vcpu, "current", &cur) : 0;
	/* a guest starts with one vCPU or more, and no more than its
	 * maximum: a count outside that is no count */
	if (has_max > 0 && max == 0) {
		mc_xml_error(&r->x, vcpu, "<vcpu>0</vcpu>: a domain has one "
			     "vCPU or more");
		has_max = -1;
	} else if (has_max > 0 && has_cur > 0 && (cur == 0 || cur > max)) {
		char msg[160];

		snprintf(msg, sizeof(msg), "<vcpu current='%lld'>: the vCPUs "
			 "started are 1 to the <vcpu> count, %lld",
			 (long long)cur, (long long)max);
		mc_xml_error(&r->x, vcpu, msg);
		has_max = -1;
	}
	if (has_max > 0 && has_cur >= 0 &&
	    mc_fields_int(&r->vm->extra, "resources.vcpus",
			  has_cur > 0 ? cur : max) < 0)
		r->x.nomem = 1;
	if (has_mem > 0 &&
	    mc_fields_int(&r->vm->extra, "resources.memory_mb",
			  bytes / 1048576) < 0)
		r->x.nomem = 1;
}

/* The VM's name, architecture, state and resources from <domain>. */
static void
read_domain(reader *r, const xmlNode *dom)
{
	const xmlNode *type = mc_xml_child(mc_xml_child(dom, "os"), "type");
	xmlChar *id = NULL, *arch = NULL;

	if (mc_xml_text(&r->x, mc_xml_child(dom, "name"), &r->vm->name) == 0 &&
	    !r->vm->name)
		mc_xml_error(&r->x, dom, "no <name> in the domain");
	if (mc_xml_attr(&r->x, dom, "id", &id) == 0 && id)
		set_str(r, &r->vm->state, "running");
	xmlFree(id);
	if (type && mc_xml_attr(&r->x, type, "arch", &arch) == 0 && arch &&
	    arch[0]) {
		if (!(r->arch = strdup((const char *)arch)))
			r->x.nomem = 1;
		else
			set_str(r, &r->vm->cpu_architecture,
				mc_import_arch_word(r->arch));
	}
	xmlFree(arch);
	read_tsc(r, mc_xml_child(dom, "clock"));
	read_resources(r, dom);
}

/* A bare guest <cpu>'s VM: named after its file. */
static void
name_from_file(reader *r, const char *name)
{
	size_t len;
	const char *stem = mc_import_file_stem(name, &len);

	if (mc_hostrec_set(&r->vm->name, len ? stem : "unnamed",
			   len ? len : 7) < 0)
		r->x.nomem = 1;
}

int
mc_import_libvirt_domain(mc_hostlist *out, const char *name, const char *data,
			 size_t len, const mc_import_ctx *ctx, mc_diag *diag)
{
	reader r = {.ctx = ctx};
	const xmlNode *root, *cpu = NULL;
	int rc;

	root = mc_xml_open(&r.x, name, data, len, ctx->limits, diag,
			   "domain XML", &rc);
	if (!root)
		goto out;
	if (!(r.vm = mc_vmrec_new())) {
		r.x.nomem = 1;
	} else if (mc_xml_is(root, "domain")) {
		read_domain(&r, root);
		cpu = mc_xml_child(root, "cpu");
	} else if (mc_xml_is(root, "cpu") && mc_xml_child(root, "arch")) {
		mc_xml_error(&r.x, root, "a host CPU (a <cpu> with <arch>): "
			     "import it with --from libvirt");
	} else if (mc_xml_is(root, "cpu")) {
		name_from_file(&r, name);
		cpu = root;
	} else {
		mc_xml_error(&r.x, root, "not libvirt domain XML: the root element "
			     "is not <domain> (virsh dumpxml writes it) nor a "
			     "guest <cpu>");
	}
	if (cpu && !r.x.nomem)
		read_cpu(&r, cpu);
	if (r.vm && !r.x.nomem) {
		if (ctx->vm_state)
			set_str(&r, &r.vm->state, ctx->vm_state);
		else if (!r.vm->state)
			set_str(&r, &r.vm->state, "stopped");
		if (ctx->vm_host)
			set_str(&r, &r.vm->host, ctx->vm_host);
	}
	if (r.vm && !r.x.nomem) {
		size_t n = strlen("virsh dumpxml ") + strlen(name) + 1;

		if (!(r.vm->source = malloc(n)))
			r.x.nomem = 1;
		else
			snprintf(r.vm->source, n, "virsh dumpxml %s", name);
	}
	rc = mc_xml_status(&r.x);
	if (rc == MC_OK) {
		rc = mc_hostlist_add_vm(out, r.vm) < 0 ? MC_ENOMEM : MC_OK;
		r.vm = NULL;   /* taken over by the list, even when it fails */
	}
out:
	free_features(&r);
	free(r.arch);
	mc_vmrec_free(r.vm);
	mc_xml_close(&r.x);
	return rc;
}
