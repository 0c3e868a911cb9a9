/* SPDX-License-Identifier: MIT */
/*
 * import_lscpu.c - the lscpu importer: the JSON of lscpu -J, flat or nested
 * ("children"), as one host record.
 */
#include "sources/importer.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


typedef struct lscpu_fields {
	const mc_node *arch, *vendor, *family, *model, *stepping, *mname,
		      *flags, *sockets, *hv, *virt;
} lscpu_fields;

/* lscpu's "-" (s390's "Model name: -", "Socket(s): -") and an empty
 * value say the machine did not tell: the field is left out. */
static bool
says_nothing(const mc_node *d)
{
	const char *s = d->u.text;
	size_t len = d->len;

	mc_import_trim(&s, &len);
	return !len || (len == 1 && *s == '-');
}

/* Records the data of the fields read, the first of each name winning,
 * through every level of children. */
static int
lscpu_walk(const mc_node *seq, lscpu_fields *f, mc_diag *diag)
{
	static const struct {
		const char *field;
		size_t off;
	} wanted[] = {
		{"Architecture", offsetof(lscpu_fields, arch)},
		{"Vendor ID", offsetof(lscpu_fields, vendor)},
		{"CPU family", offsetof(lscpu_fields, family)},
		{"Model", offsetof(lscpu_fields, model)},
		{"Stepping", offsetof(lscpu_fields, stepping)},
		{"Model name", offsetof(lscpu_fields, mname)},
		{"Flags", offsetof(lscpu_fields, flags)},
		{"Socket(s)", offsetof(lscpu_fields, sockets)},
		{"Hypervisor vendor", offsetof(lscpu_fields, hv)},
		{"Virtualization", offsetof(lscpu_fields, virt)},
	};

	for (size_t i = 0; i < seq->len; i++) {
		const mc_node *e = seq->u.items[i], *field, *d, *kids;
		const char *key;
		size_t klen;

		field = e->kind == MC_NODE_MAP ? mc_node_get(e, "field") : NULL;
		if (!field || !mc_node_is_str(field)) {
			mc_node_error(diag, e, "expected an lscpu entry "
				      "{\"field\": ..., \"data\": ...}, not %s",
				      e->kind == MC_NODE_MAP ? "an object without "
				      "a field" : mc_node_describe(e));
			return -1;
		}
		key = field->u.text;
		klen = field->len;
		mc_import_trim(&key, &klen);
		if (klen && key[klen - 1] == ':')
			klen--;
		d = mc_node_get(e, "data");
		if (d && d->kind == MC_NODE_SCALAR && d->type != MC_SCALAR_NULL &&
		    !says_nothing(d)) {
			for (size_t w = 0; w < sizeof(wanted) / sizeof(*wanted); w++) {
				const mc_node **slot = (const mc_node **)(void *)
					((char *)f + wanted[w].off);

				if (strlen(wanted[w].field) == klen &&
				    strncmp(wanted[w].field, key, klen) == 0 && !*slot)
					*slot = d;
			}
		} else if (d && d->kind != MC_NODE_SCALAR) {
			mc_node_error(diag, d, "the data of '%s' should be a string, "
				      "not %s", field->u.text, mc_node_describe(d));
			return -1;
		}
		kids = mc_node_get(e, "children");
		if (kids) {
			if (kids->kind != MC_NODE_SEQ) {
				mc_node_error(diag, kids, "children should be an array, "
					      "not %s", mc_node_describe(kids));
				return -1;
			}
			if (lscpu_walk(kids, f, diag) < 0)
				return -1;
		}
	}
	return 0;
}

/* Sets an integer field from an lscpu value; an error at the value when it
 * is not an integer. */
static int
lscpu_int(const mc_node *d, const char *what, bool *has, int64_t *v,
	  mc_diag *diag, int *errors)
{
	if (!d)
		return 0;
	if (mc_import_parse_int(d->u.text, d->len, v) < 0)
		return mc_node_error_counted(diag, errors, d, "%s '%s' is not an "
					     "integer", what, d->u.text);
	*has = true;
	return 0;
}

/* Whether the machine is x86 (its architecture, else its CPUID vendor
 * string), where the CPU family must be an integer. */
static bool
lscpu_is_x86(const mc_hostrec *h)
{
	static const char *const vendors[] = {
		"GenuineIntel", "AuthenticAMD", "HygonGenuine", "CentaurHauls",
		"Shanghai", "CyrixInstead", "GenuineTMx86", "Geode by NSC",
		"VIA VIA VIA ", "Vortex86 SoC",
	};

	if (h->architecture)
		return strcmp(h->architecture, "x64") == 0 ||
		       strcmp(h->architecture, "x86") == 0;
	for (size_t i = 0; h->manufacturer && i < sizeof(vendors) / sizeof(*vendors); i++) {
		if (strcmp(h->manufacturer, vendors[i]) == 0)
			return true;
	}
	return false;
}

/* The host of the output of lscpu -J (doc). */
static int
lscpu_host(mc_hostrec *h, const mc_doc *doc, const char *name,
	   const mc_limits *lim, mc_diag *diag)
{
	lscpu_fields f;
	const mc_node *root = doc->root, *list;
	int rc, errors = 0;

	memset(&f, 0, sizeof(f));
	list = mc_node_get(root, "lscpu");
	if (!list || list->kind != MC_NODE_SEQ) {
		mc_node_error(diag, list ? list : root, "expected the output of "
			      "'lscpu -J': an object whose \"lscpu\" is an array");
		return MC_EINPUT;
	}
	if (lscpu_walk(list, &f, diag) < 0)
		return MC_EINPUT;

	if (mc_import_name_from_file(h, name) < 0 || mc_import_set_source(h, "lscpu", name) < 0)
		return MC_ENOMEM;
	if (f.arch && mc_import_set_arch(h, f.arch->u.text, f.arch->len) < 0)
		return MC_ENOMEM;
	if (f.vendor && mc_import_set_trimmed(&h->manufacturer, f.vendor->u.text,
				    f.vendor->len) < 0)
		return MC_ENOMEM;
	if (f.mname && mc_import_set_trimmed(&h->cpu_name, f.mname->u.text,
				   f.mname->len) < 0)
		return MC_ENOMEM;
	/* Outside x86 lscpu's CPU family is no display family: a word on
	 * LoongArch (Loongson-64bit), RISC-V's marchid in hexadecimal; it is
	 * then read only when it is an integer. */
	if (f.family && !lscpu_is_x86(h)) {
		int64_t v;

		if (mc_import_parse_int(f.family->u.text, f.family->len, &v) < 0)
			f.family = NULL;
	}
	lscpu_int(f.family, "CPU family", &h->has_family, &h->family, diag,
		  &errors);
	/* On ARM, lscpu has no family, and its "Model" and "Stepping" are the
	 * revision and variant of the core (Stepping: r3p1), not an x86
	 * display model: they are read only next to a family. */
	if (f.family) {
		lscpu_int(f.model, "Model", &h->has_model, &h->model, diag,
			  &errors);
		lscpu_int(f.stepping, "Stepping", &h->has_stepping, &h->stepping,
			  diag, &errors);
	}
	if (f.sockets) {
		int64_t s;

		if (mc_import_parse_int(f.sockets->u.text, f.sockets->len, &s) == 0 && s > 0)
			h->sockets = s;
	}
	/* sparc: lscpu shows the machine type (sun4u, sun4v) as its Flags,
	 * which are not the processor's features. */
	if (f.flags && f.flags->len == 5 && strncmp(f.flags->u.text, "sun4", 4) == 0)
		f.flags = NULL;
	if (f.flags) {
		size_t at, atlen;

		rc = mc_import_add_features(h, f.flags->u.text, f.flags->len, false, lim,
				  &at, &atlen);
		if (rc < 0)
			return MC_ENOMEM;
		if (rc != MC_IMPORT_FITS) {
			/* the position of the JSON string: the flags are in it */
			mc_import_limit_error(diag, &doc->file, f.flags->line, f.flags->col, rc,
				    atlen, "flags", lim);
			errors++;
		}
	}
	mc_import_virt_from_features(h);
	if (f.virt) {
		h->has_virt = true;
		h->virt_supported = true;
	}
	if (f.hv && mc_import_set_trimmed(&h->running_under, f.hv->u.text, f.hv->len) < 0)
		return MC_ENOMEM;
	/* a guest whose hypervisor lscpu does not name: the processor's
	 * "hypervisor" flag says only that there is one */
	for (size_t i = 0; i < h->nfeatures && !h->running_under; i++) {
		if (strcmp(h->features[i], "hypervisor") == 0 &&
		    mc_hostrec_set(&h->running_under, "unknown", 7) < 0)
			return MC_ENOMEM;
	}
	return errors ? MC_EINPUT : MC_OK;
}

int
mc_import_lscpu(mc_hostlist *out, const char *name, const char *data,
		size_t len, const mc_import_ctx *ctx, mc_diag *diag)
{
	return mc_import_json(out, name, data, len, ctx->limits, diag,
			      "the output of 'lscpu -J'", lscpu_host);
}
