/* SPDX-License-Identifier: MIT */
/*
 * gen.c - a seeded generator of realistic Hyper-V fleets, for benchmarks.
 *
 *   gen --vms N --hosts M --seed S [--processors TSV] [--json FILE] [-o FILE]
 *       [--resources]
 *
 * Writes an inventory (YAML, to stdout or -o FILE) that migcheck reads, and
 * with --json the same data as one JSON document, for the peer engines of
 * bench/peers. The same arguments always give the same bytes.
 *
 * Hosts are built from the real processors of processors.tsv (vendor,
 * display family and model, stepping, name, generation). Each generation's
 * feature flags (Linux /proc/cpuinfo names) come from a per-vendor ladder:
 * a newer generation has every flag of an older one, except that Zen 2
 * drops Bulldozer's xop, fma4, lwp and nodeid_msr (as real parts do, and as
 * examples/fleet.yaml does). What the generator varies, and why:
 *
 * - clusters of 8 to 32 hosts, mostly of one generation, some mixed (a
 *   newer generation bought later), so that compatibility is neither all
 *   nor nothing;
 * - Hyper-V versions from Windows Server 2012 to 2025 that fit the
 *   processor's age, most of a cluster on one version during a rolling
 *   upgrade, some with a fourth (update) segment: 10.0.17763.5458;
 * - the ways inventories write the same thing: GenuineIntel or Intel,
 *   x64, x86_64, AMD64 or the WMI code 9, sse4.2 for sse4_2;
 * - a few hosts with a BIOS-disabled flag (breaking the subset ladder),
 *   unhealthy hosts (not responding, virtualization service stopped,
 *   closed for placement, VMM agent down), and a very few with a value
 *   missing (features, Hyper-V version, status) -- which every policy
 *   must refuse rather than pass;
 * - VMs in every state (running, saved, paused, stopped), some with
 *   checkpoints, processor compatibility on some, off on most, unset on
 *   a few.
 *
 * --resources adds the keys placement reads (docs/placement.md) to the
 * YAML: a host's resources.cpus and memory_mb and its usage, a VM's
 * resources and, for most, its expected CPU load. They are made from what
 * is drawn anyway and the record's number, so the rest of the fleet is the
 * same bytes with or without them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MC_PROCESSORS_TSV
#define MC_PROCESSORS_TSV "processors.tsv"
#endif

/* ------------------------------------------------------------------------
 * A seeded generator (splitmix64): the same seed, the same fleet.
 */
static uint64_t rng_state;

static uint64_t
rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number in [0, n). */
static size_t
rng_below(size_t n)
{
	return (size_t)(rng_next() % (uint64_t)n);
}

/* True with probability per_mille / 1000. */
static bool
rng_chance(unsigned per_mille)
{
	return rng_below(1000) < per_mille;
}

/* ------------------------------------------------------------------------
 * Feature ladders. A flag is present from level `from` of its vendor's
 * ladder up to (not including) level `until` (0: for good).
 */
typedef struct flag {
	const char *name;
	int from, until;
} flag;

typedef struct level {
	const char *generation;   /* as processors.tsv names it */
	int hv_lo, hv_hi;         /* Hyper-V versions that fit, as indexes */
} level;

static const level INTEL_LEVELS[] = {
	{"Merom/Conroe", 0, 1},
	{"Nehalem", 0, 2},
	{"Sandy Bridge", 0, 3},
	{"Haswell", 1, 3},
	{"Broadwell", 1, 4},
	{"Skylake-Server", 2, 4},
	{"Cascade Lake", 2, 4},
	{"Ice Lake-Server", 3, 5},
	{"Sapphire Rapids", 4, 5},
	{"Emerald Rapids", 4, 5},
	{"Granite Rapids", 4, 5},
};

static const flag INTEL_FLAGS[] = {
#define F(n, l) {n, l, 0}
	F("fpu", 0), F("vme", 0), F("de", 0), F("pse", 0), F("tsc", 0), F("msr", 0),
	F("pae", 0), F("mce", 0), F("cx8", 0), F("apic", 0), F("sep", 0),
	F("mtrr", 0), F("pge", 0), F("mca", 0), F("cmov", 0), F("pat", 0),
	F("pse36", 0), F("clflush", 0), F("mmx", 0), F("fxsr", 0), F("sse", 0),
	F("sse2", 0), F("ss", 0), F("ht", 0), F("syscall", 0), F("nx", 0),
	F("lm", 0), F("constant_tsc", 0), F("pni", 0), F("ssse3", 0), F("cx16", 0),
	F("lahf_lm", 0), F("vmx", 0),
	/* Nehalem */
	F("rdtscp", 1), F("sse4_1", 1), F("sse4_2", 1), F("popcnt", 1), F("ept", 1),
	F("vpid", 1),
	/* Sandy Bridge */
	F("pdpe1gb", 2), F("pclmulqdq", 2), F("pcid", 2), F("x2apic", 2),
	F("tsc_deadline_timer", 2), F("aes", 2), F("xsave", 2), F("avx", 2),
	F("xsaveopt", 2),
	/* Haswell */
	F("fma", 3), F("movbe", 3), F("f16c", 3), F("rdrand", 3), F("abm", 3),
	F("fsgsbase", 3), F("bmi1", 3), F("avx2", 3), F("smep", 3), F("bmi2", 3),
	F("erms", 3), F("invpcid", 3),
	/* Broadwell */
	F("3dnowprefetch", 4), F("adx", 4), F("rdseed", 4), F("smap", 4),
	/* Skylake-SP */
	F("avx512f", 5), F("avx512dq", 5), F("avx512cd", 5), F("avx512bw", 5),
	F("avx512vl", 5), F("clflushopt", 5), F("clwb", 5), F("xsavec", 5),
	F("xgetbv1", 5), F("xsaves", 5), F("pku", 5), F("ospke", 5),
	/* Cascade Lake */
	F("avx512_vnni", 6),
	/* Ice Lake-SP */
	F("avx512ifma", 7), F("sha_ni", 7), F("avx512vbmi", 7), F("avx512_vbmi2", 7),
	F("gfni", 7), F("vaes", 7), F("vpclmulqdq", 7), F("avx512_bitalg", 7),
	F("avx512_vpopcntdq", 7), F("rdpid", 7), F("fsrm", 7), F("wbnoinvd", 7),
	/* Sapphire Rapids (Emerald Rapids adds no flag) */
	F("avx_vnni", 8), F("avx512_bf16", 8), F("avx512_fp16", 8), F("amx_tile", 8),
	F("amx_bf16", 8), F("amx_int8", 8), F("serialize", 8), F("tsxldtrk", 8),
	F("movdiri", 8), F("movdir64b", 8), F("cldemote", 8), F("waitpkg", 8),
	F("enqcmd", 8),
	/* Granite Rapids */
	F("amx_fp16", 10),
};

static const level AMD_LEVELS[] = {
	{"K10 (Opteron G3)", 0, 1},
	{"Bulldozer (Opteron G4)", 0, 2},
	{"Zen 2 (EPYC Rome)", 2, 4},
	{"Zen 3 (EPYC Milan)", 3, 5},
	{"Zen 4 (EPYC Genoa)", 4, 5},
};

static const flag AMD_FLAGS[] = {
	F("fpu", 0), F("vme", 0), F("de", 0), F("pse", 0), F("tsc", 0), F("msr", 0),
	F("pae", 0), F("mce", 0), F("cx8", 0), F("apic", 0), F("sep", 0),
	F("mtrr", 0), F("pge", 0), F("mca", 0), F("cmov", 0), F("pat", 0),
	F("pse36", 0), F("clflush", 0), F("mmx", 0), F("fxsr", 0), F("sse", 0),
	F("sse2", 0), F("ht", 0), F("syscall", 0), F("nx", 0), F("mmxext", 0),
	F("fxsr_opt", 0), F("pdpe1gb", 0), F("rdtscp", 0), F("lm", 0),
	F("constant_tsc", 0), F("pni", 0), F("monitor", 0), F("cx16", 0),
	F("popcnt", 0), F("lahf_lm", 0), F("cmp_legacy", 0), F("svm", 0),
	F("extapic", 0), F("cr8_legacy", 0), F("abm", 0), F("sse4a", 0),
	F("misalignsse", 0), F("3dnowprefetch", 0), F("osvw", 0), F("ibs", 0),
	F("skinit", 0), F("wdt", 0), F("npt", 0),
	/* Bulldozer; Zen dropped xop, lwp, fma4 and nodeid_msr */
	F("pclmulqdq", 1), F("ssse3", 1), F("sse4_1", 1), F("sse4_2", 1),
	F("aes", 1), F("xsave", 1), F("avx", 1), F("topoext", 1),
	F("perfctr_core", 1), {"xop", 1, 2}, {"lwp", 1, 2}, {"fma4", 1, 2},
	{"nodeid_msr", 1, 2},
	/* Zen 2 */
	F("fma", 2), F("x2apic", 2), F("movbe", 2), F("f16c", 2), F("rdrand", 2),
	F("fsgsbase", 2), F("bmi1", 2), F("avx2", 2), F("smep", 2), F("bmi2", 2),
	F("rdseed", 2), F("adx", 2), F("smap", 2), F("clflushopt", 2), F("clwb", 2),
	F("sha_ni", 2), F("xsaveopt", 2), F("xsavec", 2), F("xgetbv1", 2),
	F("xsaves", 2), F("clzero", 2), F("wbnoinvd", 2), F("rdpid", 2),
	/* Zen 3 */
	F("pcid", 3), F("erms", 3), F("invpcid", 3), F("pku", 3), F("ospke", 3),
	F("vaes", 3), F("vpclmulqdq", 3), F("fsrm", 3),
	/* Zen 4 */
	F("avx512f", 4), F("avx512dq", 4), F("avx512ifma", 4), F("avx512cd", 4),
	F("avx512bw", 4), F("avx512vl", 4), F("avx512_bf16", 4), F("avx512vbmi", 4),
	F("avx512_vbmi2", 4), F("gfni", 4), F("avx512_vnni", 4),
	F("avx512_bitalg", 4), F("avx512_vpopcntdq", 4), F("la57", 4),
#undef F
};

/* Hyper-V releases: Windows Server 2012 to 2025. */
static const char *const HYPERV[][2] = {
	{"Windows Server 2012 Hyper-V", "6.2.9200"},
	{"Windows Server 2012 R2 Hyper-V", "6.3.9600"},
	{"Windows Server 2016 Hyper-V", "10.0.14393"},
	{"Windows Server 2019 Hyper-V", "10.0.17763"},
	{"Windows Server 2022 Hyper-V", "10.0.20348"},
	{"Windows Server 2025 Hyper-V", "10.0.26100"},
};

#define NELEM(a) (sizeof(a) / sizeof(*(a)))

/* ------------------------------------------------------------------------
 * Processors from processors.tsv
 */
typedef struct proc {
	char vendor[32];
	char signature[16];
	int family, model, stepping;
	char name[96];
	char generation[64];
	bool amd;
	int level;               /* index in its vendor's ladder */
	const char **flags;      /* NULL-terminated */
	size_t nflags;
} proc;

static proc *procs;
static size_t nprocs;

static void
die(const char *what)
{
	fprintf(stderr, "gen: %s\n", what);
	exit(2);
}

static void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		die("out of memory");
	return p;
}

static void
build_flags(proc *p)
{
	const flag *fl = p->amd ? AMD_FLAGS : INTEL_FLAGS;
	size_t nf = p->amd ? NELEM(AMD_FLAGS) : NELEM(INTEL_FLAGS);

	p->flags = xcalloc(nf + 1, sizeof(*p->flags));
	for (size_t i = 0; i < nf; i++) {
		if (fl[i].from <= p->level && (!fl[i].until || p->level < fl[i].until))
			p->flags[p->nflags++] = fl[i].name;
	}
}

static void
load_processors(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	size_t cap = 0;

	if (!f) {
		fprintf(stderr, "gen: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	while (fgets(line, sizeof(line), f)) {
		char *field[7];
		char *s = line;
		size_t n = 0;
		proc p;

		if (line[0] == '#' || strncmp(line, "vendor\t", 7) == 0)
			continue;
		line[strcspn(line, "\r\n")] = '\0';
		while (n < 7) {
			field[n++] = s;
			s = strchr(s, '\t');
			if (!s)
				break;
			*s++ = '\0';
		}
		if (n < 7)
			continue;
		memset(&p, 0, sizeof(p));
		snprintf(p.vendor, sizeof(p.vendor), "%.31s", field[0]);
		snprintf(p.signature, sizeof(p.signature), "%.15s", field[1]);
		p.family = atoi(field[2]);
		p.model = atoi(field[3]);
		p.stepping = atoi(field[4]);
		snprintf(p.name, sizeof(p.name), "%.95s", field[5]);
		snprintf(p.generation, sizeof(p.generation), "%.63s", field[6]);
		p.amd = strcmp(p.vendor, "AuthenticAMD") == 0;
		if (!p.amd && strcmp(p.vendor, "GenuineIntel") != 0)
			continue;
		const level *lv = p.amd ? AMD_LEVELS : INTEL_LEVELS;
		size_t nl = p.amd ? NELEM(AMD_LEVELS) : NELEM(INTEL_LEVELS);
		p.level = -1;
		for (size_t i = 0; i < nl; i++) {
			if (strcmp(lv[i].generation, p.generation) == 0)
				p.level = (int)i;
		}
		if (p.level < 0) {
			fprintf(stderr, "gen: %s: no feature set for generation '%s'\n",
				path, p.generation);
			exit(2);
		}
		build_flags(&p);
		if (nprocs == cap) {
			cap = cap ? cap * 2 : 32;
			procs = realloc(procs, cap * sizeof(*procs));
			if (!procs)
				die("out of memory");
		}
		procs[nprocs++] = p;
	}
	fclose(f);
	if (!nprocs)
		die("no processors read");
}

static const level *
proc_level(const proc *p)
{
	return p->amd ? &AMD_LEVELS[p->level] : &INTEL_LEVELS[p->level];
}

/* ------------------------------------------------------------------------
 * The fleet
 */
typedef enum health {
	H_OK,
	H_NOT_RESPONDING,
	H_VMMS_STOPPED,
	H_CLOSED,
	H_AGENT_DOWN,
	H_NO_STATUS       /* the status block is missing */
} health;

typedef struct host {
	size_t cluster;
	const proc *cpu;
	int manufacturer_style;   /* 0 vendor string, 1 short name */
	int arch_style;           /* 0 x64, 1 x86_64, 2 AMD64, 3 the code 9 */
	bool dotted_sse4;         /* sse4.1/sse4.2 written with dots */
	int disabled_flag;        /* index of a flag turned off, or -1 */
	bool no_features;
	int hyperv;               /* index in HYPERV, or -1: missing */
	unsigned hv_update;       /* fourth version segment, 0: none */
	health health;
	unsigned memory_total_gb;
	unsigned memory_free_gb;
} host;

typedef struct vm {
	size_t host;
	const char *state;
	unsigned checkpoints;
	int compat;               /* 0 false, 1 true, -1 unset */
	unsigned memory_mb;
	int generation;
	const char *config_version;
} vm;

static host *hosts;
static vm *vms;
static size_t nhosts, nvms, nclusters;
static bool with_resources;

/* A number from the record's index, for the resource keys. */
static unsigned
spread(size_t i, unsigned n)
{
	uint64_t x = (uint64_t)i * 0x9e3779b97f4a7c15ULL;

	return (unsigned)((x >> 33) % n);
}

/* Processors by vendor and age, for picking a cluster's newer purchase. */
static const proc *
pick_newer(const proc *p)
{
	size_t n = 0;
	const proc *cand[64];

	for (size_t i = 0; i < nprocs && n < NELEM(cand); i++) {
		if (procs[i].amd == p->amd && procs[i].level > p->level)
			cand[n++] = &procs[i];
	}
	return n ? cand[rng_below(n)] : p;
}

/* A weight per processor: servers of the last decade are most of a fleet;
 * desktops and old parts are a few lab hosts. */
static unsigned
proc_weight(const proc *p)
{
	static const unsigned intel[] = {1, 2, 3, 6, 8, 10, 10, 8, 6, 3, 2};
	static const unsigned amd[] = {1, 1, 6, 8, 5};

	return p->amd ? amd[p->level] : intel[p->level];
}

static const proc *
pick_processor(void)
{
	unsigned total = 0, r;

	for (size_t i = 0; i < nprocs; i++)
		total += proc_weight(&procs[i]);
	r = (unsigned)rng_below(total);
	for (size_t i = 0; i < nprocs; i++) {
		unsigned w = proc_weight(&procs[i]);
		if (r < w)
			return &procs[i];
		r -= w;
	}
	return &procs[nprocs - 1];
}

static void
make_hosts(void)
{
	size_t h = 0;

	hosts = xcalloc(nhosts, sizeof(*hosts));
	while (h < nhosts) {
		size_t size = 8 + rng_below(25);
		const proc *base = pick_processor();
		const proc *newer = rng_chance(300) ? pick_newer(base) : base;
		const level *lv = proc_level(base);
		int hv = lv->hv_lo + (int)rng_below((size_t)(lv->hv_hi - lv->hv_lo + 1));
		/* A rolling upgrade: some of the cluster already runs the next
		 * release. */
		bool upgrading = hv + 1 < (int)NELEM(HYPERV) && rng_chance(250);

		for (size_t i = 0; i < size && h < nhosts; i++, h++) {
			host *x = &hosts[h];
			x->cluster = nclusters;
			x->cpu = newer != base && rng_chance(400) ? newer : base;
			/* Hosts inventoried by other tools write the vendor and the
			 * architecture their own way. */
			x->manufacturer_style = rng_chance(100) ? 1 : 0;
			x->arch_style = rng_chance(850) ? 0 : 1 + (int)rng_below(3);
			x->dotted_sse4 = x->cpu->level <= 2 && rng_chance(100);
			x->disabled_flag = rng_chance(15)
				? (int)rng_below(x->cpu->nflags) : -1;
			x->no_features = rng_chance(2);
			x->hyperv = rng_chance(2) ? -1 : hv + (upgrading && rng_chance(500));
			x->hv_update = x->hyperv >= 3 && rng_chance(300)
				? 1000 + (unsigned)rng_below(5000) : 0;
			unsigned r = (unsigned)rng_below(1000);
			x->health = r < 15 ? H_NOT_RESPONDING : r < 25 ? H_VMMS_STOPPED
				: r < 45 ? H_CLOSED : r < 55 ? H_AGENT_DOWN
				: r < 56 ? H_NO_STATUS : H_OK;
			x->memory_total_gb = 64u << rng_below(5);
			x->memory_free_gb = (unsigned)rng_below(x->memory_total_gb);
		}
		nclusters++;
	}
	/* Rare cases are rare, but a benchmark that compares engines must
	 * meet each at least once: one host of each, wherever it falls. */
	if (nhosts >= 20) {
		hosts[rng_below(nhosts)].no_features = true;
		hosts[rng_below(nhosts)].hyperv = -1;
		hosts[rng_below(nhosts)].health = H_NO_STATUS;
		hosts[rng_below(nhosts)].dotted_sse4 = true;
		host *x = &hosts[rng_below(nhosts)];
		x->disabled_flag = (int)rng_below(x->cpu->nflags);
	}
}

static void
make_vms(void)
{
	static const char *const config[] = {"5.0", "8.0", "9.0", "10.0", "11.0"};

	vms = xcalloc(nvms, sizeof(*vms));
	for (size_t i = 0; i < nvms; i++) {
		vm *v = &vms[i];
		unsigned r = (unsigned)rng_below(100);

		v->host = rng_below(nhosts);
		v->state = r < 60 ? "running" : r < 70 ? "saved" : r < 75 ? "paused"
			: "stopped";
		v->checkpoints = rng_chance(200) ? 1 + (unsigned)rng_below(5) : 0;
		r = (unsigned)rng_below(100);
		v->compat = r < 15 ? 1 : r < 92 ? 0 : -1;
		v->memory_mb = 1024u << rng_below(8);
		v->generation = rng_chance(800) ? 2 : 1;
		v->config_version = config[rng_below(NELEM(config))];
	}
}

/* ------------------------------------------------------------------------
 * Output. The YAML and the JSON are written by the same walk.
 */
typedef struct out {
	FILE *f;
	bool json;
} out;

static const char *
manufacturer(const host *x)
{
	if (x->manufacturer_style == 0)
		return x->cpu->vendor;
	return x->cpu->amd ? "AMD" : "Intel";
}

static void
write_arch(FILE *f, const host *x, bool json)
{
	static const char *const names[] = {"x64", "x86_64", "AMD64"};

	if (x->arch_style == 3)
		fputs("9", f);
	else
		fprintf(f, json ? "\"%s\"" : "%s", names[x->arch_style]);
}

static const char *
flag_name(const host *x, size_t i)
{
	const char *n = x->cpu->flags[i];

	if (x->dotted_sse4 && strcmp(n, "sse4_1") == 0)
		return "sse4.1";
	if (x->dotted_sse4 && strcmp(n, "sse4_2") == 0)
		return "sse4.2";
	return n;
}

static void
write_host(out *o, size_t h)
{
	const host *x = &hosts[h];
	const proc *p = x->cpu;
	FILE *f = o->f;
	bool j = o->json;
	const char *q = j ? "\"" : "";
	size_t shown = 0;

	if (j) {
		fprintf(f, "%s\n{\"name\":\"hv%05zu\",\"cluster\":\"cl%04zu\",\"cpu\":{",
			h ? "," : "", h + 1, x->cluster + 1);
		fprintf(f, "\"manufacturer\":\"%s\",\"architecture\":", manufacturer(x));
		write_arch(f, x, true);
		fprintf(f, ",\"family\":%d,\"model\":%d,\"stepping\":%d,"
			"\"signature\":\"%s\",\"name\":\"%s\"", p->family, p->model,
			p->stepping, p->signature, p->name);
	} else {
		fprintf(f, "  - name: hv%05zu\n    cluster: cl%04zu\n    cpu:\n", h + 1,
			x->cluster + 1);
		fprintf(f, "      manufacturer: %s\n      architecture: ", manufacturer(x));
		write_arch(f, x, false);
		fprintf(f, "\n      family: %d\n      model: %d\n      stepping: %d\n"
			"      signature: \"%s\"\n      name: \"%s\"\n", p->family,
			p->model, p->stepping, p->signature, p->name);
	}
	if (!x->no_features) {
		fputs(j ? ",\"features\":[" : "      features: [", f);
		for (size_t i = 0; i < p->nflags; i++) {
			if ((int)i == x->disabled_flag)
				continue;
			fprintf(f, "%s%s%s%s", shown++ ? (j ? "," : ", ") : "", q,
				flag_name(x, i), q);
		}
		fputs(j ? "]" : "]\n", f);
	}
	if (j)
		fputs("}", f);
	if (x->hyperv >= 0) {
		char ver[32];
		if (x->hv_update)
			snprintf(ver, sizeof(ver), "%s.%u", HYPERV[x->hyperv][1], x->hv_update);
		else
			snprintf(ver, sizeof(ver), "%s", HYPERV[x->hyperv][1]);
		fprintf(f, j ? ",\"hypervisor\":{\"product\":\"%s\",\"version\":\"%s\"}"
			: "    hypervisor:\n      product: %s\n      version: \"%s\"\n",
			HYPERV[x->hyperv][0], ver);
	}
	if (x->health != H_NO_STATUS) {
		const char *conn = x->health == H_NOT_RESPONDING ? "not-responding"
			: "responding";
		const char *agent = x->health == H_AGENT_DOWN ||
			x->health == H_NOT_RESPONDING ? "not-responding" : "responding";
		const char *vmms = x->health == H_VMMS_STOPPED ? "stopped" : "running";
		const char *avail = x->health == H_CLOSED ? "false" : "true";
		fprintf(f, j ? ",\"status\":{\"connection\":\"%s\",\"agent\":\"%s\","
			"\"agent_version\":\"up-to-date\",\"virtualization_service\":\"%s\","
			"\"virtualization_service_version\":\"up-to-date\","
			"\"available_for_placement\":%s}"
			: "    status: {connection: %s, agent: %s, agent_version: up-to-date, "
			"virtualization_service: %s, virtualization_service_version: "
			"up-to-date, available_for_placement: %s}\n",
			conn, agent, vmms, avail);
	}
	fprintf(f, j ? ",\"memory\":{\"total_mb\":%u,\"free_mb\":%u}}"
		: "    memory: {total_mb: %u, free_mb: %u}\n",
		x->memory_total_gb * 1024, x->memory_free_gb * 1024);
	if (with_resources && !j)
		fprintf(f, "    resources: {cpus: %u, memory_mb: %u}\n"
			"    usage: {cpu_percent: %u, memory_mb: %u}\n",
			8u << spread(h, 4), x->memory_total_gb * 1024, spread(h, 70),
			(x->memory_total_gb - x->memory_free_gb) * 1024);
}

static void
write_vm(out *o, size_t i)
{
	const vm *v = &vms[i];
	FILE *f = o->f;

	if (o->json) {
		fprintf(f, "%s\n{\"name\":\"vm%06zu\",\"host\":\"hv%05zu\",\"state\":\"%s\","
			"\"checkpoints\":%u", i ? "," : "", i + 1, v->host + 1, v->state,
			v->checkpoints);
		if (v->compat >= 0)
			fprintf(f, ",\"processor_compatibility\":%s",
				v->compat ? "true" : "false");
		fprintf(f, ",\"memory_mb\":%u,\"generation\":%d,\"config_version\":\"%s\"}",
			v->memory_mb, v->generation, v->config_version);
		return;
	}
	fprintf(f, "  - {name: vm%06zu, host: hv%05zu, state: %s, checkpoints: %u",
		i + 1, v->host + 1, v->state, v->checkpoints);
	if (v->compat >= 0)
		fprintf(f, ", processor_compatibility: %s", v->compat ? "true" : "false");
	fprintf(f, ", memory_mb: %u, generation: %d, config_version: \"%s\"",
		v->memory_mb, v->generation, v->config_version);
	if (with_resources) {
		fprintf(f, ", resources: {vcpus: %u, memory_mb: %u}", 1u << spread(i, 4),
			v->memory_mb);
		if (spread(i + 7, 10))
			fprintf(f, ", load: {cpu_percent: %u}", 5 + spread(i + 3, 60));
	}
	fputs("}\n", f);
}

static void
write_all(out *o, uint64_t seed)
{
	if (o->json) {
		fputs("{\"hosts\":[", o->f);
		for (size_t h = 0; h < nhosts; h++)
			write_host(o, h);
		fputs("\n],\"vms\":[", o->f);
		for (size_t i = 0; i < nvms; i++)
			write_vm(o, i);
		fputs("\n]}\n", o->f);
		return;
	}
	fprintf(o->f, "# Generated by bench/gen --vms %zu --hosts %zu --seed %" PRIu64
		"\n# %zu hosts in %zu clusters, %zu VMs.\nhosts:\n", nvms, nhosts, seed,
		nhosts, nclusters, nvms);
	for (size_t h = 0; h < nhosts; h++)
		write_host(o, h);
	fputs("vms:\n", o->f);
	for (size_t i = 0; i < nvms; i++)
		write_vm(o, i);
}

static FILE *
open_out(const char *path)
{
	FILE *f;

	if (!path || strcmp(path, "-") == 0)
		return stdout;
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "gen: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	return f;
}

static void
close_out(FILE *f, const char *path)
{
	if (fflush(f) != 0 || ferror(f) || (f != stdout && fclose(f) != 0)) {
		fprintf(stderr, "gen: %s: write error\n", path ? path : "stdout");
		exit(2);
	}
}

static void
usage(void)
{
	fputs("usage: gen --vms N --hosts M --seed S [--processors TSV] "
	      "[--json FILE] [-o FILE] [--resources]\n", stderr);
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *tsv = MC_PROCESSORS_TSV, *json = NULL, *yaml = NULL;
	uint64_t seed = 1;
	out o;

	nvms = 1000;
	nhosts = 100;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--resources") == 0) {
			with_resources = true;
			continue;
		}
		if (!v)
			usage();
		if (strcmp(a, "--vms") == 0)
			nvms = strtoull(v, NULL, 10);
		else if (strcmp(a, "--hosts") == 0)
			nhosts = strtoull(v, NULL, 10);
		else if (strcmp(a, "--seed") == 0)
			seed = strtoull(v, NULL, 10);
		else if (strcmp(a, "--processors") == 0)
			tsv = v;
		else if (strcmp(a, "--json") == 0)
			json = v;
		else if (strcmp(a, "-o") == 0)
			yaml = v;
		else
			usage();
		i++;
	}
	if (nhosts < 2)
		die("--hosts must be at least 2");
	load_processors(tsv);
	rng_state = seed;
	make_hosts();
	make_vms();
	o.f = open_out(yaml);
	o.json = false;
	write_all(&o, seed);
	close_out(o.f, yaml);
	if (json) {
		o.f = open_out(json);
		o.json = true;
		write_all(&o, seed);
		close_out(o.f, json);
	}
	return 0;
}
