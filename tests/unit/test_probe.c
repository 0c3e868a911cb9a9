/* SPDX-License-Identifier: MIT */
/*
 * test_probe.c - the probe's decoding of CPUID signatures (every processor
 * of shared/data/processors.tsv, copied here so that the test stands
 * alone), the naming of feature flags from made-up registers, and the
 * /proc/cpuinfo reader.
 */
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "sources/probe.h"

/* vendor, signature, family, model, stepping: processors.tsv. */
static const struct {
	const char *vendor;
	uint32_t signature;
	int64_t family, model, stepping;
	const char *name;
} processors[] = {
	{"GenuineIntel", 0x6FB, 6, 15, 11, "Intel Core 2 E6850"},
	{"GenuineIntel", 0x106A5, 6, 26, 5, "Intel Xeon W3520"},
	{"GenuineIntel", 0x106E5, 6, 30, 5, "Intel Core i7 860"},
	{"GenuineIntel", 0x206D7, 6, 45, 7, "Intel Xeon E5-2650"},
	{"GenuineIntel", 0x306F2, 6, 63, 2, "Intel Xeon E5-2650 v3"},
	{"GenuineIntel", 0x406F1, 6, 79, 1, "Intel Xeon E5-2650 v4"},
	{"GenuineIntel", 0x50654, 6, 85, 4, "Intel Xeon Gold 6130"},
	{"GenuineIntel", 0x50656, 6, 85, 6, "Intel Xeon Platinum 8268"},
	{"GenuineIntel", 0x606A0, 6, 106, 0, "Intel Xeon (Ice Lake-SP)"},
	{"GenuineIntel", 0x806F8, 6, 143, 8, "Intel Xeon Gold 6438N"},
	{"GenuineIntel", 0xC06F2, 6, 207, 2, "Intel Xeon Gold 6530"},
	{"GenuineIntel", 0xA06D1, 6, 173, 1, "Intel Xeon 6788P"},
	{"AuthenticAMD", 0x100F23, 16, 2, 3, "AMD Opteron 1352"},
	{"AuthenticAMD", 0x600F12, 21, 1, 2, "AMD FX-8150"},
	{"AuthenticAMD", 0x830F10, 23, 49, 0, "AMD EPYC 7502"},
	{"AuthenticAMD", 0xA00F11, 25, 1, 1, "AMD EPYC 7713"},
	{"AuthenticAMD", 0xA10F11, 25, 17, 1, "AMD EPYC 9334"},
};

START_TEST(decode_processors)
{
	int64_t family, model, stepping;

	mc_cpuid_decode(processors[_i].signature, processors[_i].vendor,
			&family, &model, &stepping);
	ck_assert_msg(family == processors[_i].family, "%s: family %lld",
		      processors[_i].name, (long long)family);
	ck_assert_msg(model == processors[_i].model, "%s: model %lld",
		      processors[_i].name, (long long)model);
	ck_assert_msg(stepping == processors[_i].stepping, "%s: stepping %lld",
		      processors[_i].name, (long long)stepping);
}
END_TEST

/* The extended model counts for base family 6 only on Intel. */
START_TEST(decode_family6_vendor)
{
	int64_t family, model, stepping;

	mc_cpuid_decode(0x10661, "GenuineIntel", &family, &model, &stepping);
	ck_assert_int_eq(family, 6);
	ck_assert_int_eq(model, 0x16);
	mc_cpuid_decode(0x10661, "AuthenticAMD", &family, &model, &stepping);
	ck_assert_int_eq(model, 6);
	mc_cpuid_decode(0x10661, NULL, &family, &model, &stepping);
	ck_assert_int_eq(model, 6);
	/* Family 15: both extended fields, for every vendor. */
	mc_cpuid_decode(0xF4A, "GenuineIntel", &family, &model, &stepping);
	ck_assert_int_eq(family, 15);
	ck_assert_int_eq(model, 4);
	ck_assert_int_eq(stepping, 10);
}
END_TEST

/* ------------------------------------------------------------------------
 * A made-up processor: the leaves it answers and their registers.
 */

typedef struct fake_leaf {
	uint32_t leaf, subleaf;
	uint32_t regs[4];
} fake_leaf;

typedef struct fake_cpu {
	const fake_leaf *leaves;
	size_t n;
} fake_cpu;

static bool
fake_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf, uint32_t regs[4])
{
	const fake_cpu *cpu = ctx;

	for (size_t i = 0; i < cpu->n; i++) {
		if (cpu->leaves[i].leaf == leaf && cpu->leaves[i].subleaf == subleaf) {
			memcpy(regs, cpu->leaves[i].regs, sizeof(cpu->leaves[i].regs));
			return true;
		}
	}
	return false;
}

/* Twelve bytes as three registers, in the order given. */
static uint32_t
word(const char *s)
{
	uint32_t w;

	memcpy(&w, s, 4);
	return w;
}

static bool
has_feature(const mc_hostrec *h, const char *name)
{
	for (size_t i = 0; i < h->nfeatures; i++) {
		if (strcmp(h->features[i], name) == 0)
			return true;
	}
	return false;
}

static const char *
features(const mc_hostrec *h)
{
	static char buf[2048];

	buf[0] = '\0';
	for (size_t i = 0; i < h->nfeatures; i++) {
		if (i)
			strcat(buf, " ");
		strcat(buf, h->features[i]);
	}
	return buf;
}

#define BIT(n) (1u << (n))

START_TEST(flags_named)
{
	static const char brand[48] = "  Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz";
	uint32_t b[12];
	fake_leaf leaves[] = {
		{0, 0, {7, 0, 0, 0}},
		/* leaf 1: sse3, vmx, sse4_2, avx, hypervisor; fpu, sse2 */
		{1, 0, {0x50654, 0, BIT(0) | BIT(5) | BIT(20) | BIT(28) | BIT(31),
			BIT(0) | BIT(26)}},
		/* leaf 7: avx2, avx512f, sha_ni, avx512vl; avx512vbmi, rdpid;
		 * amx_tile */
		{7, 0, {1, BIT(5) | BIT(16) | BIT(29) | BIT(31), BIT(1) | BIT(22), BIT(24)}},
		{7, 1, {BIT(5), 0, 0, 0}},
		{0x80000000, 0, {0x80000008, 0, 0, 0}},
		/* lahf_lm, abm; syscall, nx, lm */
		{0x80000001, 0, {0, 0, BIT(0) | BIT(5), BIT(11) | BIT(20) | BIT(29)}},
		{0x80000002, 0, {0}}, {0x80000003, 0, {0}}, {0x80000004, 0, {0}},
		{0x40000000, 0, {0x40000010, 0, 0, 0}},
	};
	fake_cpu cpu = {leaves, sizeof(leaves) / sizeof(*leaves)};
	mc_hostrec *h = mc_hostrec_new();

	memcpy(b, brand, sizeof(b));
	for (int i = 0; i < 3; i++)
		memcpy(leaves[6 + i].regs, b + 4 * i, 16);
	leaves[0].regs[1] = word("Genu");
	leaves[0].regs[3] = word("ineI");
	leaves[0].regs[2] = word("ntel");
	leaves[9].regs[1] = word("KVMK");
	leaves[9].regs[2] = word("VMKV");
	leaves[9].regs[3] = word("M\0\0\0");

	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(mc_probe_cpuid(h, fake_cpuid, &cpu), 0);
	ck_assert_str_eq(h->manufacturer, "GenuineIntel");
	ck_assert_str_eq(h->signature, "0x50654");
	ck_assert(h->has_family && h->has_model && h->has_stepping);
	ck_assert_int_eq(h->family, 6);
	ck_assert_int_eq(h->model, 85);
	ck_assert_int_eq(h->stepping, 4);
	ck_assert_str_eq(h->cpu_name, "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz");
	ck_assert_str_eq(features(h),
			 "fpu sse2 pni vmx sse4_2 avx hypervisor avx2 avx512f sha_ni "
			 "avx512vl avx512vbmi rdpid amx_tile avx512_bf16 lahf_lm abm "
			 "syscall nx lm");
	ck_assert(h->has_virt && h->virt_supported);
	ck_assert_str_eq(h->running_under, "KVM");
	ck_assert_str_eq(h->architecture, "x64");
	mc_hostrec_free(h);
}
END_TEST

/* An AMD without the hypervisor bit: svm gives hardware virtualization,
 * leaf 0x40000000 is not read, no long mode means x86. */
START_TEST(flags_amd_bare_metal)
{
	fake_leaf leaves[] = {
		{0, 0, {1, 0, 0, 0}},
		{1, 0, {0x100F23, 0, 0, BIT(4)}},
		{0x80000000, 0, {0x80000001, 0, 0, 0}},
		{0x80000001, 0, {0, 0, BIT(2) | BIT(6), 0}},
		{0x40000000, 0, {0, 0, 0, 0}},
	};
	fake_cpu cpu = {leaves, sizeof(leaves) / sizeof(*leaves)};
	mc_hostrec *h = mc_hostrec_new();

	leaves[0].regs[1] = word("Auth");
	leaves[0].regs[3] = word("enti");
	leaves[0].regs[2] = word("cAMD");
	ck_assert_int_eq(mc_probe_cpuid(h, fake_cpuid, &cpu), 0);
	ck_assert_str_eq(h->manufacturer, "AuthenticAMD");
	ck_assert_int_eq(h->family, 16);
	ck_assert_int_eq(h->model, 2);
	ck_assert_str_eq(features(h), "tsc svm sse4a");
	ck_assert(has_feature(h, "svm") && !has_feature(h, "lm"));
	ck_assert(h->has_virt && h->virt_supported);
	ck_assert_ptr_null(h->running_under);
	ck_assert_ptr_null(h->cpu_name);
	ck_assert_str_eq(h->architecture, "x86");
	mc_hostrec_free(h);
}
END_TEST

/* No leaf at all: nothing is filled. An unknown hypervisor keeps its raw
 * signature. */
START_TEST(cpuid_edges)
{
	fake_cpu none = {NULL, 0};
	fake_leaf leaves[] = {
		{0, 0, {1, 0, 0, 0}},
		{1, 0, {0x306F2, 0, BIT(31), 0}},
		{0x40000000, 0, {0, 0, 0, 0}},
	};
	fake_cpu cpu = {leaves, sizeof(leaves) / sizeof(*leaves)};
	mc_hostrec *h = mc_hostrec_new();

	ck_assert_int_eq(mc_probe_cpuid(h, fake_cpuid, &none), 1);
	ck_assert_ptr_null(h->manufacturer);
	ck_assert(!h->has_family && !h->has_virt);

	leaves[2].regs[1] = word("ACME");
	leaves[2].regs[2] = word("Hype");
	leaves[2].regs[3] = word("r   ");
	ck_assert_int_eq(mc_probe_cpuid(h, fake_cpuid, &cpu), 0);
	ck_assert_str_eq(h->running_under, "ACMEHyper");
	ck_assert(h->has_virt && !h->virt_supported);
	/* No extended leaves: the architecture is not guessed. */
	ck_assert_ptr_null(h->architecture);
	mc_hostrec_free(h);
}
END_TEST

START_TEST(hypervisor_names)
{
	ck_assert_str_eq(mc_probe_hypervisor_name("KVMKVMKVM\0\0\0"), "KVM");
	ck_assert_str_eq(mc_probe_hypervisor_name("Microsoft Hv"), "Hyper-V");
	ck_assert_str_eq(mc_probe_hypervisor_name("VMwareVMware"), "VMware");
	ck_assert_str_eq(mc_probe_hypervisor_name("XenVMMXenVMM"), "Xen");
	ck_assert_str_eq(mc_probe_hypervisor_name("TCGTCGTCGTCG"), "QEMU (TCG)");
	ck_assert_str_eq(mc_probe_hypervisor_name("VBoxVBoxVBox"), "VirtualBox");
	ck_assert_str_eq(mc_probe_hypervisor_name("bhyve bhyve "), "bhyve");
	ck_assert_ptr_null(mc_probe_hypervisor_name("KVMKVMKVMKVM"));
}
END_TEST

START_TEST(arch_names)
{
	ck_assert_str_eq(mc_probe_arch_name("x86_64"), "x64");
	ck_assert_str_eq(mc_probe_arch_name("i686"), "x86");
	ck_assert_str_eq(mc_probe_arch_name("i386"), "x86");
	ck_assert_str_eq(mc_probe_arch_name("aarch64"), "arm64");
	ck_assert_str_eq(mc_probe_arch_name("ppc64le"), "ppc64le");
}
END_TEST

START_TEST(cpuinfo_x86)
{
	static const char text[] =
		"processor\t: 0\n"
		"vendor_id\t: AuthenticAMD\n"
		"cpu family\t: 25\n"
		"model\t\t: 17\n"
		"model name\t: AMD EPYC 9334 32-Core Processor  \n"
		"stepping\t: 1\n"
		"flags\t\t: fpu sse2 svm hypervisor avx512f\n"
		"\n"
		"processor\t: 1\n"
		"vendor_id\t: SomethingElse\n"
		"model\t\t: 99\n"
		"flags\t\t: fpu\n";
	mc_hostrec *h = mc_hostrec_new();

	ck_assert_int_eq(mc_probe_cpuinfo(h, text, strlen(text)), 0);
	ck_assert_str_eq(h->manufacturer, "AuthenticAMD");
	ck_assert_int_eq(h->family, 25);
	ck_assert_int_eq(h->model, 17);
	ck_assert_int_eq(h->stepping, 1);
	ck_assert_str_eq(h->cpu_name, "AMD EPYC 9334 32-Core Processor");
	ck_assert_str_eq(features(h), "fpu sse2 svm hypervisor avx512f");
	ck_assert(h->has_virt && h->virt_supported);
	ck_assert_str_eq(h->running_under, "unknown");
	ck_assert_ptr_null(h->signature);
	mc_hostrec_free(h);
}
END_TEST

START_TEST(cpuinfo_arm)
{
	static const char text[] =
		"processor\t: 0\n"
		"BogoMIPS\t: 50.00\n"
		"Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics\n"
		"CPU implementer\t: 0x41\n"
		"CPU architecture: 8\n"
		"CPU variant\t: 0x3\n"
		"CPU part\t: 0xd0c\n"
		"CPU revision\t: 1";
	mc_hostrec *h = mc_hostrec_new();

	ck_assert_int_eq(mc_probe_cpuinfo(h, text, strlen(text)), 0);
	ck_assert_str_eq(h->manufacturer, "ARM");
	ck_assert(!h->has_family);
	ck_assert_int_eq(h->model, 0xd0c);
	ck_assert_int_eq(h->stepping, 1);
	ck_assert_int_eq((int)h->nfeatures, 9);
	ck_assert_str_eq(h->features[8], "atomics");
	ck_assert(!h->has_virt);
	mc_hostrec_free(h);
}
END_TEST

/* The whole probe on this machine: whatever it is, a named record. */
START_TEST(probe_this_machine)
{
	mc_hostrec *h = NULL;
	mc_buf b = MC_BUF_INIT;

	ck_assert_int_eq(mc_probe(&h, "me", "lab"), 0);
	ck_assert_str_eq(h->name, "me");
	ck_assert_str_eq(h->cluster, "lab");
	ck_assert_str_eq(h->source, "probe");
	mc_hostrec_yaml(&b, &h, 1);
	ck_assert(!mc_buf_failed(&b));
	mc_inventory_free(inventory_from(mc_buf_str(&b)));
	mc_buf_free(&b);
	mc_hostrec_free(h);

	ck_assert_int_eq(mc_probe(&h, NULL, NULL), 0);
	ck_assert_ptr_null(h->cluster);
	mc_hostrec_free(h);
}
END_TEST

Suite *
probe_suite(void)
{
	Suite *s = suite_create("probe");
	TCase *tc = tcase_create("probe");

	tcase_add_loop_test(tc, decode_processors, 0,
			    (int)(sizeof(processors) / sizeof(*processors)));
	tcase_add_test(tc, decode_family6_vendor);
	tcase_add_test(tc, flags_named);
	tcase_add_test(tc, flags_amd_bare_metal);
	tcase_add_test(tc, cpuid_edges);
	tcase_add_test(tc, hypervisor_names);
	tcase_add_test(tc, arch_names);
	tcase_add_test(tc, cpuinfo_x86);
	tcase_add_test(tc, cpuinfo_arm);
	tcase_add_test(tc, probe_this_machine);
	suite_add_tcase(s, tc);
	return s;
}
