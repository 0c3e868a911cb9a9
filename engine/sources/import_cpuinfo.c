/* SPDX-License-Identifier: MIT */
/*
 * import_cpuinfo.c - the cpuinfo importer: /proc/cpuinfo of any
 * architecture Linux prints it for, as one host record; errors at
 * FILE:LINE:1.
 *
 * Each architecture's kernel lays the file out its own way: a block per
 * processor (x86, ppc, Arm, RISC-V, MIPS, LoongArch, ia64), one block with
 * "processor N:" lines (s390), one block with "ncpus active" (sparc) or
 * "cpus detected" (alpha), and on older Arm kernels lines printed once
 * before or after the blocks (Processor, Features, CPU implementer...).
 * The file is read once, keeping the first value of every key this
 * importer reads (the first processor's, wherever it is printed); the
 * record is then built from those, each field from the keys of
 * docs/import/cpuinfo.md. Nothing is guessed: a key the file does not
 * hold leaves its field out.
 */
#include "sources/importer.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/grow.h"
#include "util/strmap.h"

/* The keys read, as the kernels spell them (case matters: LoongArch's
 * "CPU Family" is not x86's "cpu family"). */
enum cpuinfo_key {
	K_VENDOR_ID,      /* x86, s390 */
	K_VENDOR,         /* ia64 */
	K_CPU_FAMILY,     /* x86 */
	K_FAMILY,         /* ia64: a number, or a word ("Itanium 2") */
	K_MODEL,          /* x86, ia64; the machine on ppc: not read there */
	K_STEPPING,       /* x86 */
	K_REVISION,       /* ia64 (ppc's "2.1 (pvr ...)" is not read) */
	K_MODEL_NAME,     /* x86, Arm */
	K_MODEL_NAME_LA,  /* LoongArch "Model Name" */
	K_PROCESSOR,      /* old Arm "Processor : ARMv7 Processor rev 4 (v7l)" */
	K_CPU,            /* ppc, sparc, alpha */
	K_CPU_MODEL,      /* mips, alpha */
	K_FLAGS,          /* x86 */
	K_FEATURES_CAP,   /* Arm, LoongArch "Features" */
	K_FEATURES,       /* s390 (ia64's is prose: not read) */
	K_CPUCAPS,        /* sparc, separated by commas */
	K_ASES,           /* mips "ASEs implemented" */
	K_ISA,            /* riscv, mips */
	K_ISA_LA,         /* LoongArch "ISA" */
	K_FAMILY_LA,      /* LoongArch "CPU Family : Loongson-64bit" */
	K_IMPLEMENTER,    /* Arm */
	K_ARM_ARCH,       /* Arm "CPU architecture" */
	K_PART,           /* Arm "CPU part" */
	K_TYPE,           /* sparc: sun4u, sun4v... */
	K_PLATFORM,       /* ppc: pSeries, PowerNV, PowerMac... */
	K_ARCH,           /* ia64 "arch : IA-64" */
	K_MVENDORID,      /* riscv: the JEDEC vendor id, "0x489" */
	K_UARCH,          /* riscv: the core's compatible, "sifive,u74-mc" */
	K_NKEYS
};

static const struct {
	const char *name;
	int key;  /* an enum cpuinfo_key, or -1: says "a processor is here" */
} known[] = {
	{"vendor_id", K_VENDOR_ID}, {"vendor", K_VENDOR},
	{"cpu family", K_CPU_FAMILY}, {"family", K_FAMILY},
	{"model", K_MODEL}, {"stepping", K_STEPPING}, {"revision", K_REVISION},
	{"model name", K_MODEL_NAME}, {"Model Name", K_MODEL_NAME_LA},
	{"Processor", K_PROCESSOR}, {"cpu", K_CPU}, {"cpu model", K_CPU_MODEL},
	{"flags", K_FLAGS}, {"Features", K_FEATURES_CAP},
	{"features", K_FEATURES}, {"cpucaps", K_CPUCAPS},
	{"ASEs implemented", K_ASES}, {"isa", K_ISA}, {"ISA", K_ISA_LA},
	{"CPU Family", K_FAMILY_LA}, {"CPU implementer", K_IMPLEMENTER},
	{"CPU architecture", K_ARM_ARCH}, {"CPU part", K_PART},
	{"type", K_TYPE}, {"platform", K_PLATFORM}, {"arch", K_ARCH},
	{"mvendorid", K_MVENDORID}, {"uarch", K_UARCH},
	/* only evidence that the file is /proc/cpuinfo */
	{"processor", -1}, {"# processors", -1}, {"cpu number", -1},
	{"ncpus probed", -1}, {"ncpus active", -1}, {"cpus detected", -1},
	{"hart", -1},
};

/* The first value of a key, and where it is. */
typedef struct cpuinfo_value {
	const char *v;      /* trimmed, not NUL-terminated */
	size_t len;
	const char *start;  /* its line */
	unsigned line;
	bool set;
} cpuinfo_value;

/* A later processor's list of flags that is not the first processor's. */
typedef struct cpuinfo_other {
	int key;
	const char *v;
	size_t len;
} cpuinfo_other;

typedef struct cpuinfo {
	mc_file file;
	mc_diag *diag;
	const mc_limits *lim;
	cpuinfo_value k[K_NKEYS];
	cpuinfo_other *others;
	size_t nothers, capothers;
	int errors;
} cpuinfo;

/* The keys that hold a processor's flags, the first the file has being
 * read (cpuinfo_features). */
static bool
is_flags_key(int key)
{
	return key == K_FLAGS || key == K_FEATURES_CAP || key == K_FEATURES ||
	       key == K_CPUCAPS || key == K_ASES;
}

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

/* The cores ARM (implementer 0x41) designs, by their MIDR part number
 * (ARM's Technical Reference Manuals), named as lscpu names them, so that
 * an Arm host has the same cpu.name from cpuinfo as from lscpu. */
static const char *
arm_part(int64_t part)
{
	static const struct {
		int part;
		const char *name;
	} parts[] = {
		{0x810, "ARM810"}, {0x920, "ARM920"}, {0x922, "ARM922"},
		{0x926, "ARM926"}, {0x940, "ARM940"}, {0x946, "ARM946"},
		{0x966, "ARM966"}, {0xa20, "ARM1020"}, {0xa22, "ARM1022"},
		{0xa26, "ARM1026"}, {0xb02, "ARM11 MPCore"}, {0xb36, "ARM1136"},
		{0xb56, "ARM1156"}, {0xb76, "ARM1176"},
		{0xc05, "Cortex-A5"}, {0xc07, "Cortex-A7"}, {0xc08, "Cortex-A8"},
		{0xc09, "Cortex-A9"}, {0xc0d, "Cortex-A17"}, {0xc0e, "Cortex-A17"},
		{0xc0f, "Cortex-A15"}, {0xc14, "Cortex-R4"}, {0xc15, "Cortex-R5"},
		{0xc17, "Cortex-R7"}, {0xc18, "Cortex-R8"},
		{0xd01, "Cortex-A32"}, {0xd03, "Cortex-A53"}, {0xd04, "Cortex-A35"},
		{0xd05, "Cortex-A55"}, {0xd06, "Cortex-A65"}, {0xd07, "Cortex-A57"},
		{0xd08, "Cortex-A72"}, {0xd09, "Cortex-A73"}, {0xd0a, "Cortex-A75"},
		{0xd0b, "Cortex-A76"}, {0xd0c, "Neoverse-N1"}, {0xd0d, "Cortex-A77"},
		{0xd0e, "Cortex-A76AE"}, {0xd13, "Cortex-R52"},
		{0xd40, "Neoverse-V1"}, {0xd41, "Cortex-A78"},
		{0xd42, "Cortex-A78AE"}, {0xd44, "Cortex-X1"},
		{0xd46, "Cortex-A510"}, {0xd47, "Cortex-A710"}, {0xd48, "Cortex-X2"},
		{0xd49, "Neoverse-N2"}, {0xd4a, "Neoverse-E1"},
		{0xd43, "Cortex-A65AE"}, {0xd4b, "Cortex-A78C"},
		{0xd4c, "Cortex-X1C"}, {0xd4d, "Cortex-A715"}, {0xd4e, "Cortex-X3"},
		{0xd4f, "Neoverse-V2"}, {0xd80, "Cortex-A520"},
		{0xd81, "Cortex-A720"}, {0xd82, "Cortex-X4"},
		{0xd84, "Neoverse-V3"}, {0xd85, "Cortex-X925"},
		{0xd87, "Cortex-A725"}, {0xd8e, "Neoverse-N3"},
	};

	for (size_t i = 0; i < sizeof(parts) / sizeof(*parts); i++) {
		if (parts[i].part == part)
			return parts[i].name;
	}
	return NULL;
}

static bool
text_is(const char *s, size_t len, const char *want)
{
	return strlen(want) == len && strncmp(s, want, len) == 0;
}

static bool
text_starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && strncasecmp(s, prefix, n) == 0;
}

/* A value that says nothing: empty, "-", or zeros only ("0", "0x00",
 * "0000"), as kernels and lscpu print what they do not know. */
static bool
says_nothing(const char *s, size_t len)
{
	size_t i = 0;

	if (!len || text_is(s, len, "-"))
		return true;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		i = 2;
	for (; i < len; i++) {
		if (s[i] != '0')
			return false;
	}
	return true;
}

/* Whether the white-space separated list s holds word. */
static bool
has_word(const char *s, size_t len, const char *word)
{
	size_t wl = strlen(word), i = 0;

	while (i < len) {
		size_t start;

		while (i < len && mc_import_is_space(s[i]))
			i++;
		start = i;
		while (i < len && !mc_import_is_space(s[i]))
			i++;
		if (i - start == wl && strncmp(s + start, word, wl) == 0)
			return true;
	}
	return false;
}

/* A hexadecimal or decimal code ("0x41", "0xd0c", "65"); -1 when it is
 * not one. */
static int64_t
parse_code(const cpuinfo_value *e)
{
	char buf[32], *endp = NULL;
	long v;

	if (!e->set || !e->len || e->len >= sizeof(buf))
		return -1;
	memcpy(buf, e->v, e->len);
	buf[e->len] = '\0';
	v = strtol(buf, &endp, 0);
	if (endp == buf || *endp != '\0' || v < 0)
		return -1;
	return v;
}

/* Sets a string field from the first value of key unless it says
 * nothing; a value past the scalar limit is an error at its line. */
static int
set_text(cpuinfo *ci, char **field, int key)
{
	const cpuinfo_value *e = &ci->k[key];
	int past;

	if (!e->set || says_nothing(e->v, e->len))
		return 0;
	past = mc_import_set_value(field, e->v, e->len, ci->lim);
	if (past < 0)
		return -1;
	if (past != MC_IMPORT_FITS) {
		mc_import_limit_error(ci->diag, &ci->file, e->line,
				      mc_import_column_of(e->start, e->v), past,
				      e->len, "flags", ci->lim);
		ci->errors++;
	}
	return 0;
}

/* The x86 family, model and stepping: integers, else an error at the
 * line ("stepping : unknown", shown by some hypervisors, is left out). */
static void
x86_number(cpuinfo *ci, int key, const char *what, bool *has, int64_t *out)
{
	const cpuinfo_value *e = &ci->k[key];

	if (!e->set)
		return;
	if (mc_import_parse_int(e->v, e->len, out) == 0) {
		*has = true;
		return;
	}
	if (key == K_STEPPING && text_is(e->v, e->len, "unknown"))
		return;
	mc_file_diag(ci->diag, MC_SEVERITY_ERROR, &ci->file, e->line, 1,
		     "%s '%.*s' is not an integer", what, (int)e->len, e->v);
	ci->errors++;
}

/* ia64's family is a number on later kernels and a word ("Itanium 2") on
 * older ones; model and revision are read only next to a numeric family
 * (a model without its family means nothing). */
static void
ia64_numbers(cpuinfo *ci, mc_hostrec *h)
{
	const cpuinfo_value *f = &ci->k[K_FAMILY], *m = &ci->k[K_MODEL],
			    *r = &ci->k[K_REVISION];

	if (!f->set || mc_import_parse_int(f->v, f->len, &h->family) < 0)
		return;
	h->has_family = true;
	if (m->set && mc_import_parse_int(m->v, m->len, &h->model) == 0)
		h->has_model = true;
	if (r->set && mc_import_parse_int(r->v, r->len, &h->stepping) == 0)
		h->has_stepping = true;
}

/* The architecture the file shows, in the inventory's word, or NULL when
 * it shows none. Like x86's "lm", each test reads what the processor
 * implements, never the machine the file came from. */
static const char *
cpuinfo_arch(const cpuinfo *ci)
{
	const cpuinfo_value *k = ci->k;
	const cpuinfo_value *e;

	e = &k[K_ARM_ARCH];
	if (e->set) {
		int64_t v = 0;
		size_t i = 0;

		/* "AArch64" (early arm64 kernels), "8", "7", "5TEJ"... */
		if (text_starts(e->v, e->len, "aarch64"))
			return "arm64";
		for (; i < e->len && e->v[i] >= '0' && e->v[i] <= '9' && v < 100; i++)
			v = v * 10 + (e->v[i] - '0');
		if (i)
			return v >= 8 ? "arm64" : "arm";
		return NULL;
	}
	if (k[K_VENDOR_ID].set && text_is(k[K_VENDOR_ID].v, k[K_VENDOR_ID].len,
					   "IBM/S390")) {
		e = &k[K_FEATURES];
		return e->set && has_word(e->v, e->len, "zarch") ? "s390x" : "s390";
	}
	if (k[K_FLAGS].set && k[K_CPU_FAMILY].set)
		return has_word(k[K_FLAGS].v, k[K_FLAGS].len, "lm") ? "x64" : "x86";
	e = &k[K_ISA_LA];
	if ((e->set && has_word(e->v, e->len, "loongarch64")) ||
	    (k[K_FAMILY_LA].set && text_is(k[K_FAMILY_LA].v, k[K_FAMILY_LA].len,
					    "Loongson-64bit")))
		return "loongarch64";
	e = &k[K_ISA];
	if (e->set) {
		if (text_starts(e->v, e->len, "rv64"))
			return "riscv64";
		if (text_starts(e->v, e->len, "rv32"))
			return "riscv32";
		for (const char *w = e->v; (w = memchr(w, 'm', (size_t)(e->v + e->len - w)));
		     w++) {
			if (text_starts(w, (size_t)(e->v + e->len - w), "mips64"))
				return "mips64";
		}
		if (text_starts(e->v, e->len, "mips"))
			return "mips";
		if (has_word(e->v, e->len, "loongarch64"))
			return "loongarch64";
	}
	e = &k[K_TYPE];
	if (e->set && (text_is(e->v, e->len, "sun4u") || text_is(e->v, e->len, "sun4v")))
		return "sparc64";
	if (e->set && (text_is(e->v, e->len, "sun4m") || text_is(e->v, e->len, "sun4d") ||
		       text_is(e->v, e->len, "sun4c")))
		return "sparc";
	/* Only 64-bit kernels run the pSeries and PowerNV platforms; the file
	 * does not say which byte order they run in. */
	e = &k[K_PLATFORM];
	if (k[K_CPU].set && e->set &&
	    (text_is(e->v, e->len, "pSeries") || text_is(e->v, e->len, "PowerNV")))
		return "ppc64";
	if (k[K_CPU].set && text_is(k[K_CPU].v, k[K_CPU].len, "Alpha"))
		return "alpha";
	if (k[K_ARCH].set && text_is(k[K_ARCH].v, k[K_ARCH].len, "IA-64"))
		return "ia64";
	return NULL;
}

/* The next word of s from *i, separated by white space (and commas when
 * commas): false at the end. */
static bool
next_word(const char *s, size_t len, bool commas, size_t *i, size_t *start,
	  size_t *wlen)
{
	while (*i < len && (mc_import_is_space(s[*i]) || (commas && s[*i] == ',')))
		(*i)++;
	*start = *i;
	while (*i < len && !mc_import_is_space(s[*i]) && !(commas && s[*i] == ','))
		(*i)++;
	*wlen = *i - *start;
	return *wlen > 0;
}

/*
 * Keeps of h's features those every other list of key holds as well: a
 * flag only some processors show (a hypervisor that hides one from some
 * virtual processors) cannot be relied on by what runs on the host. Each
 * list is read once, through a map of the features: time linear in the
 * file. -1 when memory runs out.
 */
static int
keep_common(cpuinfo *ci, mc_hostrec *h, int key)
{
	mc_strmap map;
	size_t *stamp = NULL, epoch = 0, n = 0;
	int rc = -1;

	mc_strmap_init(&map);
	if (!h->nfeatures)
		return 0;
	if (!(stamp = calloc(h->nfeatures, sizeof(*stamp))))
		goto out;
	for (size_t i = 0; i < h->nfeatures; i++) {
		if (mc_strmap_put(&map, h->features[i], strlen(h->features[i]), i,
				  NULL) < 0)
			goto out;
	}
	for (size_t o = 0; o < ci->nothers; o++) {
		const cpuinfo_other *x = &ci->others[o];
		size_t i = 0, start, wlen, idx;

		if (x->key != key)
			continue;
		epoch++;
		while (next_word(x->v, x->len, key == K_CPUCAPS, &i, &start, &wlen)) {
			/* held by every list so far, and by this one */
			if (mc_strmap_get(&map, x->v + start, wlen, &idx) &&
			    stamp[idx] == epoch - 1)
				stamp[idx] = epoch;
		}
	}
	for (size_t i = 0; i < h->nfeatures; i++) {
		size_t idx = i;

		mc_strmap_get(&map, h->features[i], strlen(h->features[i]), &idx);
		if (stamp[idx] == epoch)
			h->features[n++] = h->features[i];
		else
			free(h->features[i]);
	}
	h->nfeatures = n;
	rc = 0;
out:
	free(stamp);
	mc_strmap_free(&map);
	return rc;
}

/* The features: the first list of flags, in the order of the keys of
 * cpuinfo.md, less the flags another processor's list does not hold.
 * sparc's cpucaps are separated by commas. */
static int
cpuinfo_features(cpuinfo *ci, mc_hostrec *h, bool ia64)
{
	static const int keys[] = {K_FLAGS, K_FEATURES_CAP, K_FEATURES,
				   K_CPUCAPS, K_ASES};
	const cpuinfo_value *e = NULL;
	char *copy = NULL;
	const char *v;
	size_t at = 0, atlen = 0;
	int past;

	for (size_t i = 0; i < sizeof(keys) / sizeof(*keys) && !e; i++) {
		if (ci->k[keys[i]].set && !(ia64 && keys[i] == K_FEATURES))
			e = &ci->k[keys[i]];
	}
	if (!e)
		return 0;
	v = e->v;
	if (e == &ci->k[K_CPUCAPS]) {
		if (!(copy = malloc(e->len + 1)))
			return -1;
		for (size_t i = 0; i < e->len; i++)
			copy[i] = e->v[i] == ',' ? ' ' : e->v[i];
		v = copy;
	}
	atlen = e->len;
	past = mc_import_add_features(h, v, e->len, false, ci->lim, &at, &atlen);
	free(copy);
	if (past < 0)
		return -1;
	if (past != MC_IMPORT_FITS) {
		mc_import_limit_error(ci->diag, &ci->file, e->line,
				      mc_import_column_of(e->start, e->v + at), past,
				      atlen, "flags", ci->lim);
		ci->errors++;
		return 0;
	}
	return keep_common(ci, h, (int)(e - ci->k));
}

/* Builds h from the values read. -1 when memory runs out; errors are
 * counted in ci. */
static int
cpuinfo_host(cpuinfo *ci, mc_hostrec *h)
{
	cpuinfo_value *k = ci->k;
	const char *arch = cpuinfo_arch(ci), *who = NULL, *core = NULL;
	int64_t impl = parse_code(&k[K_IMPLEMENTER]);
	static const int names[] = {K_MODEL_NAME, K_MODEL_NAME_LA, K_CPU_MODEL,
				    K_CPU, K_PROCESSOR, K_UARCH};

	if (arch && mc_hostrec_set(&h->architecture, arch, strlen(arch)) < 0)
		return -1;
	/* the vendor */
	if (set_text(ci, &h->manufacturer, K_VENDOR_ID) < 0)
		return -1;
	if (!h->manufacturer && set_text(ci, &h->manufacturer, K_VENDOR) < 0)
		return -1;
	if (!h->manufacturer && set_text(ci, &h->manufacturer, K_MVENDORID) < 0)
		return -1;
	if (!h->manufacturer && k[K_IMPLEMENTER].set) {
		who = impl > 0 ? arm_implementer(impl) : NULL;
		if (who ? mc_hostrec_set(&h->manufacturer, who, strlen(who)) < 0
			: set_text(ci, &h->manufacturer, K_IMPLEMENTER) < 0)
			return -1;
	}
	/* the name: an ARM core's, else the first the file gives */
	if (impl == 0x41)
		core = arm_part(parse_code(&k[K_PART]));
	if (core && mc_hostrec_set(&h->cpu_name, core, strlen(core)) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(names) / sizeof(*names) && !h->cpu_name; i++) {
		if (set_text(ci, &h->cpu_name, names[i]) < 0)
			return -1;
	}
	/* family, model, stepping */
	if (k[K_CPU_FAMILY].set) {
		x86_number(ci, K_CPU_FAMILY, "cpu family", &h->has_family, &h->family);
		x86_number(ci, K_MODEL, "model", &h->has_model, &h->model);
		x86_number(ci, K_STEPPING, "stepping", &h->has_stepping, &h->stepping);
	} else if (k[K_FAMILY].set) {
		ia64_numbers(ci, h);
		/* a family that is a word names the processor */
		if (!h->has_family && !h->cpu_name && set_text(ci, &h->cpu_name, K_FAMILY) < 0)
			return -1;
	}
	if (cpuinfo_features(ci, h, arch && strcmp(arch, "ia64") == 0) < 0)
		return -1;
	mc_import_virt_from_features(h);
	/* a guest: the processor says so, not which hypervisor it runs under */
	for (size_t i = 0; i < h->nfeatures && !h->running_under; i++) {
		if (strcmp(h->features[i], "hypervisor") == 0 &&
		    mc_hostrec_set(&h->running_under, "unknown", 7) < 0)
			return -1;
	}
	return 0;
}

int
mc_import_cpuinfo(mc_hostlist *out, const char *name, const char *data,
		  size_t len, const mc_import_ctx *ctx,
		mc_diag *diag)
{
	cpuinfo ci;
	mc_limits lim;
	mc_hostrec *h = NULL;
	char **ids = NULL;          /* the distinct physical ids */
	size_t nids = 0, capids = 0;
	mc_strmap idmap;            /* id -> its index in ids */
	bool processors = false, nomem = false;
	unsigned line = 0;
	const char *p = data, *end = data + len;

	memset(&ci, 0, sizeof(ci));
	ci.file = (mc_file){name, data, len, NULL};
	ci.diag = diag;
	ci.lim = &lim;
	mc_strmap_init(&idmap);
	mc_import_limits(&lim, ctx->limits);
	if (mc_import_refuse_nul(&ci.file, diag) < 0)
		goto fail;
	h = mc_hostrec_new();
	if (!h || mc_import_name_from_file(h, name) < 0 || mc_import_set_source(h, "cpuinfo", name) < 0)
		goto nomem;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *s = p, *start = p, *colon, *k, *v;
		size_t n, klen, vlen;

		if (!eol)
			eol = end;
		n = (size_t)(eol - p);
		p = eol < end ? eol + 1 : end;
		line++;
		mc_import_trim(&s, &n);
		if (!n)
			continue;
		colon = memchr(s, ':', n);
		if (!colon) {
			mc_file_diag(diag, MC_SEVERITY_ERROR, &ci.file, line, 1,
				     "expected 'key : value' (a line of /proc/cpuinfo)");
			ci.errors++;
			continue;
		}
		k = s;
		klen = (size_t)(colon - s);
		v = colon + 1;
		vlen = n - klen - 1;
		mc_import_trim(&k, &klen);
		mc_import_trim(&v, &vlen);
		/* the socket: x86's physical id, LoongArch's and MIPS's
		 * package */
		if (text_is(k, klen, "physical id") || text_is(k, klen, "package")) {
			size_t idx;
			char **more;
			int r;

			/* Every processor repeats its socket's id: count them
			 * through a hash, not a search. */
			if (!vlen || text_is(v, vlen, "-") ||
			    mc_strmap_get(&idmap, v, vlen, &idx))
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
		/* s390: "processor 0: version = FF, identification = ..." */
		if (text_starts(k, klen, "processor ") && klen > 10 &&
		    k[10] >= '0' && k[10] <= '9') {
			processors = true;
			continue;
		}
		for (size_t i = 0; i < sizeof(known) / sizeof(*known); i++) {
			cpuinfo_value *e;

			if (!text_is(k, klen, known[i].name))
				continue;
			if (known[i].key < 0 || known[i].key == K_PROCESSOR)
				processors = true;
			if (known[i].key < 0)
				break;
			e = &ci.k[known[i].key];
			if (!e->set) {
				*e = (cpuinfo_value){v, vlen, start, line, true};
			} else if (is_flags_key(known[i].key) &&
				   !(e->len == vlen && memcmp(e->v, v, vlen) == 0) &&
				   !(ci.nothers &&
				     ci.others[ci.nothers - 1].len == vlen &&
				     memcmp(ci.others[ci.nothers - 1].v, v, vlen) == 0)) {
				cpuinfo_other *more = mc_grow(ci.others, &ci.capothers,
							      ci.nothers + 1,
							      sizeof(*more));

				if (!more)
					goto nomem;
				ci.others = more;
				ci.others[ci.nothers++] = (cpuinfo_other){known[i].key, v, vlen};
			}
			break;
		}
	}
	if (!ci.errors && !processors) {
		mc_file_diag(diag, MC_SEVERITY_ERROR, &ci.file, 1, 1,
			     "no 'processor' line: not the text of /proc/cpuinfo");
		ci.errors++;
	}
	if (ci.errors)
		goto fail;
	if (cpuinfo_host(&ci, h) < 0)
		goto nomem;
	if (ci.errors)
		goto fail;
	h->sockets = (int64_t)nids;
	for (size_t i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
	free(ci.others);
	mc_strmap_free(&idmap);
	mc_file_release(&ci.file);
	return mc_hostlist_add(out, h) < 0 ? MC_ENOMEM : MC_OK;
nomem:
	nomem = true;
fail:
	for (size_t i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
	free(ci.others);
	mc_strmap_free(&idmap);
	mc_file_release(&ci.file);
	mc_hostrec_free(h);
	return MC_IMPORT_FAIL(nomem);
}
