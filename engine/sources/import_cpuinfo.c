/*
 * import_cpuinfo.c - the cpuinfo importer: /proc/cpuinfo, a block per logical
 * processor, as one host record; errors at FILE:LINE:1.
 */
#include "sources/importer.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "util/strmap.h"


/* ARM's "CPU implementer" codes (the MIDR register), as Linux's lscpu
 * names them. */
static const char *
arm_implementer(int64_t code)
{
	switch (code) {
	case 0x41: return "ARM";
	case 0x42: return "Broadcom";
	case 0x43: return "Cavium";
	case 0x46: return "Fujitsu";
	case 0x48: return "HiSilicon";
	case 0x4e: return "NVIDIA";
	case 0x50: return "APM";
	case 0x51: return "Qualcomm";
	case 0x61: return "Apple";
	case 0xc0: return "Ampere";
	default: return NULL;
	}
}

static bool
key_is(const char *k, size_t klen, const char *want)
{
	return strlen(want) == klen && strncmp(k, want, klen) == 0;
}

int
mc_import_cpuinfo(mc_hostlist *out, const char *name, const char *data,
		  size_t len, const mc_import_ctx *ctx,
		mc_diag *diag)
{
	mc_file file = {name, data, len, NULL};
	mc_limits lim;
	mc_hostrec *h = NULL;
	char **ids = NULL;          /* the distinct physical ids */
	size_t nids = 0, capids = 0;
	mc_strmap idmap;            /* id -> its index in ids */
	size_t processors = 0;      /* processor blocks begun */
	bool in_block = false, nomem = false, arm = false;
	int errors = 0;
	unsigned line = 0;
	const char *p = data, *end = data + len;

	mc_strmap_init(&idmap);
	mc_import_limits(&lim, ctx->limits);
	if (mc_import_refuse_nul(&file, diag) < 0)
		goto fail;
	h = mc_hostrec_new();
	if (!h || mc_import_name_from_file(h, name) < 0 || mc_import_set_source(h, "cpuinfo", name) < 0)
		goto nomem;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *s = p, *start = p, *colon, *k, *v;
		size_t n, klen, vlen, at = 0, atlen = 0;
		int64_t num;
		int past = MC_IMPORT_FITS;

		if (!eol)
			eol = end;
		n = (size_t)(eol - p);
		p = eol < end ? eol + 1 : end;
		line++;
		mc_import_trim(&s, &n);
		if (!n) {
			in_block = false;
			continue;
		}
		colon = memchr(s, ':', n);
		if (!colon) {
			mc_file_diag(diag, MC_SEVERITY_ERROR, &file, line, 1,
				     "expected 'key : value' (a line of /proc/cpuinfo)");
			errors++;
			continue;
		}
		k = s;
		klen = (size_t)(colon - s);
		v = colon + 1;
		vlen = n - klen - 1;
		mc_import_trim(&k, &klen);
		mc_import_trim(&v, &vlen);
		atlen = vlen;  /* a value past a limit: all of it, or one flag */
		if (key_is(k, klen, "processor")) {
			processors++;
			in_block = true;
			continue;
		}
		if (key_is(k, klen, "physical id")) {
			size_t idx;
			char **more;
			int r;

			/* Every processor repeats its socket's id: count them
			 * through a hash, not a search. */
			if (mc_strmap_get(&idmap, v, vlen, &idx))
				continue;
			if (!(more = mc_grow(ids, &capids, nids + 1, sizeof(*ids))))
				goto nomem;
			ids = more;
			ids[nids] = NULL;
			if (mc_hostrec_set(&ids[nids], v, vlen) < 0)
				goto nomem;
			r = mc_strmap_put(&idmap, ids[nids], vlen, nids, NULL);
			nids++;
			if (r < 0)
				goto nomem;
			continue;
		}
		/* ARM kernels end with machine-wide lines (Hardware, Revision,
		 * Serial) after the last block; only the first block's fields
		 * describe the processor. */
		if (!in_block || processors != 1)
			continue;
		if (key_is(k, klen, "vendor_id")) {
			if ((past = mc_import_set_value(&h->manufacturer, v, vlen, &lim)) < 0)
				goto nomem;
		} else if (key_is(k, klen, "model name")) {
			if ((past = mc_import_set_value(&h->cpu_name, v, vlen, &lim)) < 0)
				goto nomem;
		} else if (key_is(k, klen, "cpu family") || key_is(k, klen, "model") ||
			   key_is(k, klen, "stepping")) {
			if (mc_import_parse_int(v, vlen, &num) < 0) {
				/* Some hypervisors show "stepping : unknown". */
				if (key_is(k, klen, "stepping") &&
				    key_is(v, vlen, "unknown"))
					continue;
				mc_file_diag(diag, MC_SEVERITY_ERROR, &file, line, 1,
					     "%.*s '%.*s' is not an integer", (int)klen,
					     k, (int)vlen, v);
				errors++;
			} else if (k[0] == 'c') {
				h->family = num;
				h->has_family = true;
			} else if (k[0] == 'm') {
				h->model = num;
				h->has_model = true;
			} else {
				h->stepping = num;
				h->has_stepping = true;
			}
		} else if (key_is(k, klen, "flags") || key_is(k, klen, "Features")) {
			if ((past = mc_import_add_features(h, v, vlen, false, &lim, &at,
						 &atlen)) < 0)
				goto nomem;
		} else if (key_is(k, klen, "CPU implementer")) {
			char *endp = NULL;
			char buf[32];
			const char *who;

			arm = true;
			snprintf(buf, sizeof(buf), "%.*s", (int)vlen, v);
			num = (int64_t)strtol(buf, &endp, 0);
			who = endp && *endp == '\0' && endp != buf ? arm_implementer(num)
								   : NULL;
			if (who ? mc_hostrec_set(&h->manufacturer, who, strlen(who)) < 0
				: (past = mc_import_set_value(&h->manufacturer, v, vlen, &lim)) < 0)
				goto nomem;
		} else if (key_is(k, klen, "CPU architecture")) {
			arm = true;
			if (mc_import_parse_int(v, vlen, &num) == 0 && num >= 8) {
				if (mc_hostrec_set(&h->architecture, "arm64", 5) < 0)
					goto nomem;
			} else if (mc_hostrec_set(&h->architecture, "arm", 3) < 0) {
				goto nomem;
			}
		}
		if (past != MC_IMPORT_FITS) {
			mc_import_limit_error(diag, &file, line, mc_import_column_of(start, v + at), past,
				    atlen, "flags", &lim);
			errors++;
		}
	}
	if (!errors && !processors) {
		mc_file_diag(diag, MC_SEVERITY_ERROR, &file, 1, 1,
			     "no 'processor' line: not the text of /proc/cpuinfo");
		errors++;
	}
	if (errors)
		goto fail;
	if (!arm && !h->architecture) {
		bool lm = false;

		/* x86: the long-mode flag says the processor runs 64-bit code. */
		for (size_t i = 0; i < h->nfeatures && !lm; i++)
			lm = strcmp(h->features[i], "lm") == 0;
		if (h->manufacturer &&
		    mc_hostrec_set(&h->architecture, lm ? "x64" : "x86", 3) < 0)
			goto nomem;
	}
	mc_import_virt_from_features(h);
	h->sockets = (int64_t)nids;
	for (size_t i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
	mc_strmap_free(&idmap);
	mc_file_release(&file);
	return mc_hostlist_add(out, h) < 0 ? MC_ENOMEM : MC_OK;
nomem:
	nomem = true;
fail:
	for (size_t i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
	mc_strmap_free(&idmap);
	mc_file_release(&file);
	mc_hostrec_free(h);
	return MC_IMPORT_FAIL(nomem);
}

