/*
 * import_libvirt.c - host records from `virsh capabilities` XML.
 *
 * Reads /capabilities/host/cpu: arch, vendor, model, signature, topology
 * and the <feature name=.../> elements. The features of the named model
 * (libvirt's cpu_map) are not expanded: the record holds only the features
 * the XML lists. The host's name is the file's name without its directory
 * and extension: the capabilities carry none.
 *
 * The XML is parsed without network access, without loading a DTD and
 * without substituting entities; libxml2 refuses entity loops and
 * amplification, and a value that holds an entity reference is an error
 * (it is never expanded). Inputs past MC_LIBVIRT_MAX_BYTES are refused
 * before parsing.
 */
#include "sources/import.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/diag.h"
#include "load/node.h"
#include "sources/xml.h"

/* libvirt's names for architectures and vendors, as migcheck's records
 * write them; a name not listed is kept as libvirt writes it. */
static const char *const ARCHES[][2] = {
	{"x86_64", "x64"}, {"aarch64", "arm64"}, {"i686", "x86"},
	{"i586", "x86"}, {"i486", "x86"}, {"i386", "x86"},
};
static const char *const VENDORS[][2] = {
	{"Intel", "GenuineIntel"}, {"AMD", "AuthenticAMD"},
	{"Hygon", "HygonGenuine"},
};

static const char *
lookup(const char *const (*table)[2], size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(table[i][0], name) == 0)
			return table[i][1];
	return name;
}

/* libvirt's feature names that differ from Linux's beyond '.' and '-'. */
static const char *const FEATURES[][2] = {
	{"pclmuldq", "pclmulqdq"},
	{"tsc-deadline", "tsc_deadline_timer"},
	{"avx512vnni", "avx512_vnni"},
	{"avx512bitalg", "avx512_bitalg"},
	{"avx512-vbmi2", "avx512_vbmi2"},
	{"avx512-vpopcntdq", "avx512_vpopcntdq"},
	{"avx512-bf16", "avx512_bf16"},
	{"avx512-fp16", "avx512_fp16"},
	{"cmt", "cqm_occup_llc"},
	{"mbm_total", "cqm_mbm_total"},
	{"mbm_local", "cqm_mbm_local"},
};

/* Adds feature name as Linux's /proc/cpuinfo writes it: the table above,
 * else '.' and '-' become '_' (sse4.2 -> sse4_2, md-clear -> md_clear).
 * There is room for it (read_cpu reserved it). */
static int
add_feature(mc_hostrec *h, const char *name)
{
	const char *mapped = lookup(FEATURES, sizeof(FEATURES) / sizeof(*FEATURES), name);
	size_t len = strlen(mapped);
	char *copy;
	int rc;

	if (mapped != name)
		return mc_import_add_feature(h, mapped, len);
	copy = malloc(len + 1);
	if (!copy)
		return -1;
	for (size_t i = 0; i <= len; i++)
		copy[i] = (mapped[i] == '.' || mapped[i] == '-') ? '_' : mapped[i];
	rc = mc_import_add_feature(h, copy, len);
	free(copy);
	return rc;
}

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

/* The file name without directory and extension. */
static int
host_name(mc_hostrec *h, const char *name)
{
	const char *base = strrchr(name, '/');
	const char *dot;

	base = base ? base + 1 : name;
	dot = strrchr(base, '.');
	return mc_hostrec_set(&h->name, base,
			      dot && dot != base ? (size_t)(dot - base) : strlen(base));
}

/* Fills h from <cpu>; errors are counted in r. */
static int
read_cpu(mc_xml *x, const xmlNode *cpu, mc_hostrec *h)
{
	char *s = NULL;
	const xmlNode *n;
	int64_t v = 0;
	size_t nfeatures = 0;

	if (mc_xml_text(x, mc_xml_child(cpu, "arch"), &s) == 0 && s) {
		const char *a = lookup(ARCHES, sizeof(ARCHES) / sizeof(*ARCHES), s);

		if (mc_hostrec_set(&h->architecture, a, strlen(a)) < 0)
			x->nomem = 1;
	}
	free(s);
	if (mc_xml_text(x, mc_xml_child(cpu, "vendor"), &s) == 0 && s) {
		const char *a = lookup(VENDORS, sizeof(VENDORS) / sizeof(*VENDORS), s);

		if (mc_hostrec_set(&h->manufacturer, a, strlen(a)) < 0)
			x->nomem = 1;
	}
	free(s);
	if (mc_xml_text(x, mc_xml_child(cpu, "model"), &s) == 0 && s) {
		if (mc_hostrec_set(&h->cpu_name, s, strlen(s)) < 0)
			x->nomem = 1;
	}
	free(s);
	s = NULL;

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
	if ((n = mc_xml_child(cpu, "topology")) != NULL &&
	    mc_xml_int_attr(x, n, "sockets", &v) > 0)
		h->sockets = v;

	/* Room for them all first (see mc_import_reserve_features). */
	for (const xmlNode *c = cpu->children; c; c = c->next)
		nfeatures += c->type == XML_ELEMENT_NODE &&
			     strcmp((const char *)c->name, "feature") == 0;
	if (mc_import_reserve_features(h, nfeatures) < 0)
		x->nomem = 1;
	for (const xmlNode *c = cpu->children; c && !x->nomem; c = c->next) {
		xmlChar *fname;

		if (c->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)c->name, "feature") != 0)
			continue;
		/* No more than max_items of them: markup_fits counted their
		 * '<'. */
		fname = xmlGetNoNsProp(c, (const xmlChar *)"name");
		if (!fname || !fname[0])
			mc_xml_error(x, c, "a <feature> without a name");
		else if (mc_xml_value_fits(x, c, strlen((const char *)fname)) &&
			 add_feature(h, (const char *)fname) < 0)
			x->nomem = 1;
		xmlFree(fname);
	}
	return 0;
}

int
mc_import_libvirt(mc_hostlist *out, const char *name, const char *data,
		  size_t len, const mc_import_ctx *ctx, mc_diag *diag)
{
	mc_xml x;
	xmlNode *root, *cpu;
	mc_hostrec *h = NULL;
	int rc;

	root = mc_xml_open(&x, name, data, len, ctx->limits, diag,
			   "capabilities XML", &rc);
	if (!root)
		goto out;
	cpu = mc_xml_child(mc_xml_is(root, "capabilities")
			   ? mc_xml_child(root, "host") : NULL, "cpu");
	if (!cpu) {
		mc_xml_error(&x, root, mc_xml_is(root, "capabilities")
			     ? "no <host><cpu> in the capabilities"
			     : "not libvirt capabilities XML: the root element "
			       "is not <capabilities> (virsh capabilities writes it)");
		rc = mc_xml_status(&x);
		goto out;
	}
	h = mc_hostrec_new();
	if (!h || host_name(h, name) < 0 ||
	    mc_hostrec_set(&h->source, "virsh capabilities", 18) < 0) {
		rc = MC_ENOMEM;
		goto out;
	}
	read_cpu(&x, cpu, h);
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
