/* SPDX-License-Identifier: MIT */
/*
 * import_win32.c - the win32 importer: the JSON of Get-CimInstance Win32_Processor |
 * ConvertTo-Json, one object per socket, as one host record.
 */
#include "sources/importer.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* The value under key when it is a string, else NULL (null and absent
 * alike: PowerShell writes null for what WMI does not know). */
static const mc_node *
json_str(const mc_node *obj, const char *key)
{
	const mc_node *n = mc_node_get(obj, key);

	if (!n || n->kind != MC_NODE_SCALAR || n->type == MC_SCALAR_NULL)
		return NULL;
	return n;
}

static bool
same_text(const mc_node *a, const mc_node *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a->u.text, b->u.text) == 0;
}

/* "Intel64 Family 6 Model 85 Stepping 4": the numbers after the words
 * Family, Model and Stepping. Family and Model are required. */
static int
parse_caption(mc_hostrec *h, const char *s)
{
	const char *prev = NULL;
	size_t prevlen = 0;

	while (*s) {
		const char *w;
		size_t n;
		int64_t v;

		while (*s && mc_import_is_space(*s))
			s++;
		w = s;
		while (*s && !mc_import_is_space(*s))
			s++;
		n = (size_t)(s - w);
		if (!n)
			break;
		if (prev && mc_import_parse_int(w, n, &v) == 0) {
			if (prevlen == 6 && strncmp(prev, "Family", 6) == 0) {
				h->family = v;
				h->has_family = true;
			} else if (prevlen == 5 && strncmp(prev, "Model", 5) == 0) {
				h->model = v;
				h->has_model = true;
			} else if (prevlen == 8 && strncmp(prev, "Stepping", 8) == 0) {
				h->stepping = v;
				h->has_stepping = true;
			}
		}
		prev = w;
		prevlen = n;
	}
	return h->has_family && h->has_model ? 0 : -1;
}

static int
win32_socket_differs(mc_diag *diag, const mc_node *obj, const mc_node *a,
		     const mc_node *b, const char *key, size_t socket)
{
	return mc_node_error(diag, b ? b : obj,
			     "socket %zu has %s '%s', socket 1 '%s': the sockets of "
			     "one host must agree", socket, key,
			     b ? b->u.text : "(none)", a ? a->u.text : "(none)");
}

/* The host of a Win32_Processor object or an array of them (root). */
static int
win32_host(mc_hostrec *h, const mc_doc *doc, const char *name,
	   const mc_limits *lim, mc_diag *diag)
{
	const mc_node *root = doc->root, *first, *sys, *cap, *man, *n;
	const mc_node *const *objs;
	size_t nobjs;
	int errors = 0;

	(void)lim;
	if (root->kind == MC_NODE_MAP) {
		objs = &root;
		nobjs = 1;
	} else if (root->kind == MC_NODE_SEQ && root->len > 0) {
		objs = root->u.items;
		nobjs = root->len;
	} else {
		mc_node_error(diag, root, "expected a Win32_Processor object or an "
			      "array of them (one per socket), not %s",
			      root->kind == MC_NODE_SEQ ? "an empty array"
			      : mc_node_describe(root));
		return MC_EINPUT;
	}
	for (size_t i = 0; i < nobjs; i++) {
		if (objs[i]->kind != MC_NODE_MAP) {
			mc_node_error(diag, objs[i], "expected a Win32_Processor "
				      "object, not %s", mc_node_describe(objs[i]));
			return MC_EINPUT;
		}
	}
	first = objs[0];
	sys = json_str(first, "SystemName");
	cap = json_str(first, "Caption");
	man = json_str(first, "Manufacturer");
	if (!sys)
		mc_node_error_counted(diag, &errors, first,
				      "a Win32_Processor object without SystemName");
	if (!cap)
		mc_node_error_counted(diag, &errors, first,
				      "a Win32_Processor object without Caption");
	if (errors)
		return MC_EINPUT;
	for (size_t i = 1; i < nobjs; i++) {
		const mc_node *o = objs[i];
		const mc_node *s2 = json_str(o, "SystemName");
		const mc_node *c2 = json_str(o, "Caption");
		const mc_node *m2 = json_str(o, "Manufacturer");

		if (s2 && !same_text(sys, s2))
			errors += win32_socket_differs(diag, o, sys, s2,
						       "SystemName", i + 1) == 0;
		if (!same_text(man, m2))
			errors += win32_socket_differs(diag, o, man, m2,
						       "Manufacturer", i + 1) == 0;
		if (!same_text(cap, c2))
			errors += win32_socket_differs(diag, o, cap, c2,
						       "Caption", i + 1) == 0;
	}
	if (errors)
		return MC_EINPUT;

	if (mc_import_set_trimmed(&h->name, sys->u.text, sys->len) < 0 ||
	    mc_import_set_source(h, "win32", name) < 0)
		return MC_ENOMEM;
	if (!h->name) {
		mc_node_error(diag, sys, "SystemName is empty");
		return MC_EINPUT;
	}
	if (man && mc_import_set_trimmed(&h->manufacturer, man->u.text, man->len) < 0)
		return MC_ENOMEM;
	if (parse_caption(h, cap->u.text) < 0)
		mc_node_error_counted(diag, &errors, cap, "Caption '%s' does not "
				      "read as 'ARCH Family N Model N Stepping N'",
				      cap->u.text);
	n = mc_node_get(first, "Architecture");
	if (n && !(n->kind == MC_NODE_SCALAR && n->type == MC_SCALAR_NULL)) {
		const char *arch = n->kind == MC_NODE_SCALAR &&
				   n->type == MC_SCALAR_INT ? mc_import_win32_arch(n->num) : NULL;

		if (n->kind != MC_NODE_SCALAR || n->type != MC_SCALAR_INT)
			mc_node_error_counted(diag, &errors, n, "Architecture should "
					      "be a number, not %s",
					      mc_node_describe(n));
		else if (!arch)
			mc_node_error_counted(diag, &errors, n, "unsupported "
					      "Architecture code %" PRId64 " (known: "
					      "0 x86, 5 arm, 9 x64, 12 arm64)", n->num);
		else if (mc_hostrec_set(&h->architecture, arch, strlen(arch)) < 0)
			return MC_ENOMEM;
	}
	n = json_str(first, "Name");
	if (n && mc_import_set_trimmed(&h->cpu_name, n->u.text, n->len) < 0)
		return MC_ENOMEM;
	n = json_str(first, "ProcessorId");
	if (n) {
		const char *id = n->u.text;
		size_t idlen = n->len;
		bool ok = idlen == 16;
		unsigned long eax;

		for (size_t i = 0; ok && i < idlen; i++)
			ok = isxdigit((unsigned char)id[i]) != 0;
		if (!ok) {
			mc_node_error_counted(diag, &errors, n, "ProcessorId '%s' is "
					      "not 16 hexadecimal digits", id);
		} else if ((eax = strtoul(id + 8, NULL, 16)) != 0) {
			char sig[24];

			/* zero (a virtual processor, or a platform without
			 * CPUID) is no signature: left out */
			snprintf(sig, sizeof(sig), "0x%lX", eax);
			if (mc_hostrec_set(&h->signature, sig, strlen(sig)) < 0)
				return MC_ENOMEM;
		}
	}
	{
		const char *keys[] = {"VirtualizationFirmwareEnabled",
				      "VMMonitorModeExtensions"};

		for (size_t i = 0; i < 2; i++) {
			n = mc_node_get(first, keys[i]);
			if (!n || n->kind != MC_NODE_SCALAR ||
			    n->type != MC_SCALAR_BOOL)
				continue;
			h->virt_supported = h->has_virt ? h->virt_supported && n->num
							: n->num != 0;
			h->has_virt = true;
		}
	}
	h->sockets = (int64_t)nobjs;
	return errors ? MC_EINPUT : MC_OK;
}

int
mc_import_win32(mc_hostlist *out, const char *name, const char *data,
		size_t len, const mc_import_ctx *ctx, mc_diag *diag)
{
	return mc_import_json(out, name, data, len, ctx->limits, diag,
			      "the JSON of 'Get-CimInstance Win32_Processor | "
			      "ConvertTo-Json'", win32_host);
}
