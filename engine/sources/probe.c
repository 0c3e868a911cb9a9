/* SPDX-License-Identifier: MIT */
/*
 * probe.c - this machine's fingerprint: CPUID on x86 (through one small
 * function, so that the decoding can be tested with made-up registers),
 * /proc/cpuinfo and uname(2) elsewhere or when CPUID gives nothing.
 */
#include "sources/probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "util/grow.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define MC_HAVE_CPUID 1
#endif

enum { EAX, EBX, ECX, EDX };

/* The feature bits, named as Linux names them in /proc/cpuinfo (hence
 * "pni" for SSE3). */
static const struct flag {
	uint32_t leaf, subleaf;
	unsigned char reg, bit;
	const char *name;
} flags[] = {
	{1, 0, EDX, 0, "fpu"}, {1, 0, EDX, 1, "vme"}, {1, 0, EDX, 2, "de"},
	{1, 0, EDX, 3, "pse"}, {1, 0, EDX, 4, "tsc"}, {1, 0, EDX, 5, "msr"},
	{1, 0, EDX, 6, "pae"}, {1, 0, EDX, 7, "mce"}, {1, 0, EDX, 8, "cx8"},
	{1, 0, EDX, 9, "apic"}, {1, 0, EDX, 11, "sep"}, {1, 0, EDX, 12, "mtrr"},
	{1, 0, EDX, 13, "pge"}, {1, 0, EDX, 14, "mca"}, {1, 0, EDX, 15, "cmov"},
	{1, 0, EDX, 16, "pat"}, {1, 0, EDX, 17, "pse36"}, {1, 0, EDX, 19, "clflush"},
	{1, 0, EDX, 23, "mmx"}, {1, 0, EDX, 24, "fxsr"}, {1, 0, EDX, 25, "sse"},
	{1, 0, EDX, 26, "sse2"}, {1, 0, EDX, 28, "ht"},

	{1, 0, ECX, 0, "pni"}, {1, 0, ECX, 1, "pclmulqdq"}, {1, 0, ECX, 3, "monitor"},
	{1, 0, ECX, 5, "vmx"}, {1, 0, ECX, 6, "smx"}, {1, 0, ECX, 9, "ssse3"},
	{1, 0, ECX, 12, "fma"}, {1, 0, ECX, 13, "cx16"}, {1, 0, ECX, 19, "sse4_1"},
	{1, 0, ECX, 20, "sse4_2"}, {1, 0, ECX, 21, "x2apic"}, {1, 0, ECX, 22, "movbe"},
	{1, 0, ECX, 23, "popcnt"}, {1, 0, ECX, 25, "aes"}, {1, 0, ECX, 26, "xsave"},
	{1, 0, ECX, 28, "avx"}, {1, 0, ECX, 29, "f16c"}, {1, 0, ECX, 30, "rdrand"},
	{1, 0, ECX, 31, "hypervisor"},

	{7, 0, EBX, 0, "fsgsbase"}, {7, 0, EBX, 3, "bmi1"}, {7, 0, EBX, 4, "hle"},
	{7, 0, EBX, 5, "avx2"}, {7, 0, EBX, 7, "smep"}, {7, 0, EBX, 8, "bmi2"},
	{7, 0, EBX, 9, "erms"}, {7, 0, EBX, 10, "invpcid"}, {7, 0, EBX, 11, "rtm"},
	{7, 0, EBX, 16, "avx512f"}, {7, 0, EBX, 17, "avx512dq"}, {7, 0, EBX, 18, "rdseed"},
	{7, 0, EBX, 19, "adx"}, {7, 0, EBX, 20, "smap"}, {7, 0, EBX, 21, "avx512ifma"},
	{7, 0, EBX, 23, "clflushopt"}, {7, 0, EBX, 24, "clwb"}, {7, 0, EBX, 28, "avx512cd"},
	{7, 0, EBX, 29, "sha_ni"}, {7, 0, EBX, 30, "avx512bw"}, {7, 0, EBX, 31, "avx512vl"},

	{7, 0, ECX, 1, "avx512vbmi"}, {7, 0, ECX, 2, "umip"}, {7, 0, ECX, 3, "pku"},
	{7, 0, ECX, 4, "ospke"}, {7, 0, ECX, 6, "avx512_vbmi2"}, {7, 0, ECX, 8, "gfni"},
	{7, 0, ECX, 9, "vaes"}, {7, 0, ECX, 10, "vpclmulqdq"}, {7, 0, ECX, 11, "avx512_vnni"},
	{7, 0, ECX, 12, "avx512_bitalg"}, {7, 0, ECX, 14, "avx512_vpopcntdq"},
	{7, 0, ECX, 22, "rdpid"},

	{7, 0, EDX, 2, "avx512_4vnniw"}, {7, 0, EDX, 3, "avx512_4fmaps"},
	{7, 0, EDX, 4, "fsrm"}, {7, 0, EDX, 14, "serialize"}, {7, 0, EDX, 16, "tsxldtrk"},
	{7, 0, EDX, 22, "amx_bf16"}, {7, 0, EDX, 23, "avx512_fp16"},
	{7, 0, EDX, 24, "amx_tile"}, {7, 0, EDX, 25, "amx_int8"},

	{7, 1, EAX, 4, "avx_vnni"}, {7, 1, EAX, 5, "avx512_bf16"},

	{0x80000001, 0, ECX, 0, "lahf_lm"}, {0x80000001, 0, ECX, 1, "cmp_legacy"},
	{0x80000001, 0, ECX, 2, "svm"}, {0x80000001, 0, ECX, 5, "abm"},
	{0x80000001, 0, ECX, 6, "sse4a"}, {0x80000001, 0, ECX, 8, "3dnowprefetch"},
	{0x80000001, 0, ECX, 11, "xop"}, {0x80000001, 0, ECX, 16, "fma4"},

	{0x80000001, 0, EDX, 11, "syscall"}, {0x80000001, 0, EDX, 20, "nx"},
	{0x80000001, 0, EDX, 26, "pdpe1gb"}, {0x80000001, 0, EDX, 27, "rdtscp"},
	{0x80000001, 0, EDX, 29, "lm"},
};

#define NFLAGS (sizeof(flags) / sizeof(*flags))

static const struct {
	const char *signature, *name;
} hypervisors[] = {
	{"KVMKVMKVM", "KVM"},
	{"Microsoft Hv", "Hyper-V"},
	{"VMwareVMware", "VMware"},
	{"XenVMMXenVMM", "Xen"},
	{"TCGTCGTCGTCG", "QEMU (TCG)"},
	{"VBoxVBoxVBox", "VirtualBox"},
	{"bhyve bhyve ", "bhyve"},
};

void
mc_cpuid_decode(uint32_t eax, const char *vendor, int64_t *family,
		int64_t *model, int64_t *stepping)
{
	uint32_t base_family = (eax >> 8) & 0xF, base_model = (eax >> 4) & 0xF;
	bool intel = vendor && strcmp(vendor, "GenuineIntel") == 0;

	*stepping = eax & 0xF;
	*family = base_family;
	if (base_family == 15)
		*family += (eax >> 20) & 0xFF;
	*model = base_model;
	if (base_family == 15 || (intel && base_family == 6))
		*model += ((eax >> 16) & 0xF) << 4;
}

const char *
mc_probe_hypervisor_name(const char *signature)
{
	char sig[13];

	memcpy(sig, signature, 12);
	sig[12] = '\0';
	for (size_t i = 0; i < sizeof(hypervisors) / sizeof(*hypervisors); i++) {
		if (strcmp(sig, hypervisors[i].signature) == 0)
			return hypervisors[i].name;
	}
	return NULL;
}

const char *
mc_probe_arch_name(const char *machine)
{
	if (strcmp(machine, "x86_64") == 0 || strcmp(machine, "amd64") == 0)
		return "x64";
	if (strcmp(machine, "aarch64") == 0 || strcmp(machine, "arm64") == 0)
		return "arm64";
	if (machine[0] == 'i' && strcmp(machine + 2, "86") == 0 &&
	    machine[1] >= '3' && machine[1] <= '6')
		return "x86";
	return machine;
}

/* Sets *field to s with the spaces (and NULs) at both ends cut; leaves it
 * alone when nothing remains. */
static int
set_trimmed(char **field, const char *s, size_t len)
{
	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\0'))
		len--;
	if (!len)
		return 0;
	return mc_hostrec_set(field, s, strnlen(s, len));
}

static void
put_regs(char *dst, uint32_t a, uint32_t b, uint32_t c)
{
	memcpy(dst, &a, 4);
	memcpy(dst + 4, &b, 4);
	memcpy(dst + 8, &c, 4);
}

int
mc_probe_cpuid(mc_hostrec *h, mc_cpuid_fn cpuid, void *ctx)
{
	uint32_t r[4], max, max_ext = 0, leaf1[4] = {0};
	uint32_t got[4][4];  /* leaves 1, 7.0, 7.1, 0x80000001 */
	bool have[4] = {false, false, false, false};
	char vendor[13], text[49];
	bool vmx = false, svm = false, lm = false;

	if (!cpuid(ctx, 0, 0, r))
		return 1;
	max = r[EAX];
	put_regs(vendor, r[EBX], r[EDX], r[ECX]);
	vendor[12] = '\0';
	if (set_trimmed(&h->manufacturer, vendor, 12) < 0)
		return -1;
	if (cpuid(ctx, 0x80000000, 0, r) && r[EAX] >= 0x80000000 && r[EAX] < 0x8000FFFF)
		max_ext = r[EAX];

	if (max >= 1 && cpuid(ctx, 1, 0, leaf1)) {
		char sig[16];

		snprintf(sig, sizeof(sig), "0x%X", (unsigned)leaf1[EAX]);
		if (mc_hostrec_set(&h->signature, sig, strlen(sig)) < 0)
			return -1;
		mc_cpuid_decode(leaf1[EAX], vendor, &h->family, &h->model, &h->stepping);
		h->has_family = h->has_model = h->has_stepping = true;
		memcpy(got[0], leaf1, sizeof(leaf1));
		have[0] = true;
	}
	if (max >= 7 && cpuid(ctx, 7, 0, got[1])) {
		have[1] = true;
		if (got[1][EAX] >= 1 && cpuid(ctx, 7, 1, got[2]))
			have[2] = true;
	}
	if (max_ext >= 0x80000001 && cpuid(ctx, 0x80000001, 0, got[3]))
		have[3] = true;

	for (size_t i = 0; i < NFLAGS; i++) {
		const struct flag *f = &flags[i];
		int slot = f->leaf == 1 ? 0 : f->leaf == 7 ? 1 + (int)f->subleaf : 3;

		if (!have[slot] || !(got[slot][f->reg] >> f->bit & 1))
			continue;
		if (mc_hostrec_add_feature(h, f->name, strlen(f->name)) < 0)
			return -1;
		vmx |= strcmp(f->name, "vmx") == 0;
		svm |= strcmp(f->name, "svm") == 0;
		lm |= strcmp(f->name, "lm") == 0;
	}
	h->has_virt = true;
	h->virt_supported = vmx || svm;

	if (max_ext >= 0x80000004) {
		for (uint32_t i = 0; i < 3; i++) {
			if (!cpuid(ctx, 0x80000002 + i, 0, r))
				break;
			memcpy(text + 16 * i, r, 16);
			if (i == 2 && set_trimmed(&h->cpu_name, text, 48) < 0)
				return -1;
		}
	}

	/* Leaf 0x40000000 means something only under a hypervisor. */
	if (have[0] && (leaf1[ECX] >> 31 & 1)) {
		const char *name = NULL;
		char sig[13] = "";

		if (cpuid(ctx, 0x40000000, 0, r)) {
			put_regs(sig, r[EBX], r[ECX], r[EDX]);
			sig[12] = '\0';
			name = mc_probe_hypervisor_name(sig);
		}
		if (name) {
			if (mc_hostrec_set(&h->running_under, name, strlen(name)) < 0)
				return -1;
		} else if (set_trimmed(&h->running_under, sig, strlen(sig)) < 0) {
			return -1;
		}
		if (!h->running_under &&
		    mc_hostrec_set(&h->running_under, "unknown", 7) < 0)
			return -1;
	}

	if (!h->architecture && have[3] &&
	    mc_hostrec_set(&h->architecture, lm ? "x64" : "x86", 3) < 0)
		return -1;
	return 0;
}

/* ------------------------------------------------------------------------
 * /proc/cpuinfo
 */

static const struct {
	unsigned code;
	const char *name;
} implementers[] = {
	{0x41, "ARM"}, {0x42, "Broadcom"}, {0x43, "Cavium"}, {0x46, "Fujitsu"},
	{0x48, "HiSilicon"}, {0x4e, "NVIDIA"}, {0x50, "APM"}, {0x51, "Qualcomm"},
	{0x61, "Apple"}, {0x6d, "Microsoft"}, {0xc0, "Ampere"},
};

static bool
parse_int(const char *s, size_t len, int64_t *out)
{
	char buf[32], *end;
	long long v;

	if (!len || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	v = strtoll(buf, &end, 0);
	if (end == buf || *end)
		return false;
	*out = v;
	return true;
}

static int
set_int(bool *has, int64_t *field, const char *v, size_t len)
{
	if (!*has && parse_int(v, len, field))
		*has = true;
	return 0;
}

static int
set_str(char **field, const char *v, size_t len)
{
	return *field ? 0 : set_trimmed(field, v, len);
}

static int
set_implementer(mc_hostrec *h, const char *v, size_t len)
{
	int64_t code;

	if (h->manufacturer)
		return 0;
	if (parse_int(v, len, &code)) {
		for (size_t i = 0; i < sizeof(implementers) / sizeof(*implementers); i++) {
			if (implementers[i].code == code)
				return mc_hostrec_set(&h->manufacturer, implementers[i].name,
						      strlen(implementers[i].name));
		}
	}
	return set_trimmed(&h->manufacturer, v, len);
}

static int
set_flags(mc_hostrec *h, const char *v, size_t len, bool x86)
{
	const char *end = v + len;

	if (h->nfeatures)
		return 0;
	while (v < end) {
		const char *w;

		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		w = v;
		while (v < end && *v != ' ' && *v != '\t')
			v++;
		if (v > w && mc_hostrec_add_feature(h, w, (size_t)(v - w)) < 0)
			return -1;
		if (x86 && ((v - w == 3 && memcmp(w, "vmx", 3) == 0) ||
			    (v - w == 3 && memcmp(w, "svm", 3) == 0)))
			h->virt_supported = true;
	}
	if (x86)
		h->has_virt = true;
	return 0;
}

int
mc_probe_cpuinfo(mc_hostrec *h, const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *colon, *k, *v;
		size_t klen, vlen;
		int rc = 0;

		if (!eol)
			eol = end;
		colon = memchr(p, ':', (size_t)(eol - p));
		if (colon) {
			k = p;
			klen = (size_t)(colon - p);
			while (klen && (k[klen - 1] == ' ' || k[klen - 1] == '\t'))
				klen--;
			v = colon + 1;
			while (v < eol && (*v == ' ' || *v == '\t'))
				v++;
			vlen = (size_t)(eol - v);
			while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\r'))
				vlen--;
#define KEY(s) (klen == sizeof(s) - 1 && memcmp(k, s, klen) == 0)
			if (KEY("vendor_id"))
				rc = set_str(&h->manufacturer, v, vlen);
			else if (KEY("CPU implementer"))
				rc = set_implementer(h, v, vlen);
			else if (KEY("cpu family"))
				rc = set_int(&h->has_family, &h->family, v, vlen);
			else if (KEY("model") || KEY("CPU part"))
				rc = set_int(&h->has_model, &h->model, v, vlen);
			else if (KEY("stepping") || KEY("CPU revision"))
				rc = set_int(&h->has_stepping, &h->stepping, v, vlen);
			else if (KEY("model name"))
				rc = set_str(&h->cpu_name, v, vlen);
			else if (KEY("flags"))
				rc = set_flags(h, v, vlen, true);
			else if (KEY("Features"))
				rc = set_flags(h, v, vlen, false);
#undef KEY
		}
		if (rc < 0)
			return -1;
		p = eol + 1;
	}
	if (!h->running_under && h->has_virt) {
		for (size_t i = 0; i < h->nfeatures; i++) {
			if (strcmp(h->features[i], "hypervisor") == 0)
				return mc_hostrec_set(&h->running_under, "unknown", 7);
		}
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * This machine
 */

#ifdef MC_HAVE_CPUID
/* The one place that runs the instruction. The hypervisor leaves are
 * above the basic maximum that __get_cpuid_count checks against. */
static bool
real_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf, uint32_t regs[4])
{
	unsigned a, b, c, d;

	(void)ctx;
	if ((leaf & 0xF0000000) == 0x40000000) {
		__cpuid_count(leaf, subleaf, a, b, c, d);
	} else if (!__get_cpuid_count(leaf, subleaf, &a, &b, &c, &d)) {
		return false;
	}
	regs[EAX] = a;
	regs[EBX] = b;
	regs[ECX] = c;
	regs[EDX] = d;
	return true;
}
#endif

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *data = NULL;
	size_t cap = 0, n;

	*len = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (MC_GROW(data, cap, *len + 4096) < 0) {
			free(data);
			data = NULL;
			break;
		}
		n = fread(data + *len, 1, cap - *len, f);
		*len += n;
		if (n == 0)
			break;
	}
	fclose(f);
	return data;
}

int
mc_probe(mc_hostrec **out, const char *name, const char *cluster)
{
	mc_hostrec *h = mc_hostrec_new();
	struct utsname uts;
	char host[256];
	int rc = -1, cpu = 1;

	*out = NULL;
	if (!h)
		goto out;
	if (mc_hostrec_set(&h->source, "probe", 5) < 0)
		goto out;
	if (!name && gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		if (*host)
			name = host;
	}
	if (name && mc_hostrec_set(&h->name, name, strlen(name)) < 0)
		goto out;
	if (cluster && mc_hostrec_set(&h->cluster, cluster, strlen(cluster)) < 0)
		goto out;
	if (uname(&uts) == 0) {
		const char *arch = mc_probe_arch_name(uts.machine);

		if (mc_hostrec_set(&h->architecture, arch, strlen(arch)) < 0)
			goto out;
	}
#ifdef MC_HAVE_CPUID
	if ((cpu = mc_probe_cpuid(h, real_cpuid, NULL)) < 0)
		goto out;
#endif
	if (cpu != 0) {
		size_t len;
		char *text = read_file("/proc/cpuinfo", &len);

		if (text) {
			cpu = mc_probe_cpuinfo(h, text, len);
			free(text);
			if (cpu < 0)
				goto out;
		}
	}
	*out = h;
	h = NULL;
	rc = 0;
out:
	mc_hostrec_free(h);
	return rc;
}
