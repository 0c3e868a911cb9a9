/* SPDX-License-Identifier: MIT */
/*
 * test_import_resources.c - the resources.* and usage.* keys the importers
 * write (docs/import/), each checked against the value its fixture under
 * tests/import/ implies, worked out by hand in the comment beside it; the
 * units of libvirt's <memory>, and the keys left out when a platform does
 * not give them.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "sources/import.h"

/* The bytes of the file at rel under the source tree (malloc'd). */
static char *
slurp(const char *rel, size_t *len)
{
	char path[1024], *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", MC_SOURCE_DIR, rel);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	ck_assert_int_eq(fseek(f, 0, SEEK_SET), 0);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Imports the fixture rel with fn (ctx may be NULL); fails the test unless
 * it imports. */
static void
import_file(mc_importer fn, const char *rel, const mc_import_ctx *ctx,
	    mc_hostlist *out)
{
	mc_import_ctx none = {0};
	mc_diag *diag = mc_diag_new();
	size_t len;
	char *data = slurp(rel, &len);
	int rc;

	ck_assert_ptr_nonnull(diag);
	rc = fn(out, rel, data, len, ctx ? ctx : &none, diag);
	ck_assert_msg(rc == MC_OK, "%s did not import: %s", rel,
		      first_diag(diag));
	free(data);
	mc_diag_free(diag);
}

/* Imports text with fn; returns its status and, in *first, its first
 * diagnostic (a static buffer). */
static int
import_text(mc_importer fn, const char *text, const mc_import_ctx *ctx,
	    mc_hostlist *out, const char **first)
{
	mc_diag *diag = mc_diag_new();
	int rc;

	ck_assert_ptr_nonnull(diag);
	rc = fn(out, "t.xml", text, strlen(text), ctx, diag);
	*first = first_diag(diag);
	mc_diag_free(diag);
	return rc;
}

static const mc_hostrec *
host_named(const mc_hostlist *l, const char *name)
{
	for (size_t i = 0; i < l->count; i++) {
		if (strcmp(l->hosts[i]->name, name) == 0)
			return l->hosts[i];
	}
	ck_abort_msg("no host '%s'", name);
	return NULL;
}

static const mc_vmrec *
vm_named(const mc_hostlist *l, const char *name)
{
	for (size_t i = 0; i < l->nvms; i++) {
		if (strcmp(l->vms[i]->name, name) == 0)
			return l->vms[i];
	}
	ck_abort_msg("no VM '%s'", name);
	return NULL;
}

static void
want_int(const mc_fields *f, const char *path, int64_t v)
{
	const mc_field *x = mc_fields_get(f, path);

	ck_assert_msg(x != NULL, "%s is not written", path);
	ck_assert_int_eq(x->kind, MC_FIELD_INT);
	ck_assert_msg(x->num == v, "%s is %lld, not %lld", path,
		      (long long)x->num, (long long)v);
}

static void
want_none(const mc_fields *f, const char *path)
{
	ck_assert_msg(mc_fields_get(f, path) == NULL, "%s is written", path);
}

/* ------------------------------------------------------------------------
 * libvirt: virsh capabilities and virsh dumpxml
 */

START_TEST(libvirt_cells)
{
	mc_hostlist l = {0};
	const mc_hostrec *h;

	/* libvirt's tests/capabilityschemadata/caps-qemu-kvm.xml: two cells,
	 * <cpus num='8'> each: 8 + 8 = 16; <memory unit='KiB'> 16175540 and
	 * 16510060: 32685600 KiB / 1024 = 31919.53 MiB, rounded down 31919 */
	import_file(mc_import_libvirt, "tests/import/libvirt/caps-qemu-kvm.xml",
		    NULL, &l);
	h = host_named(&l, "caps-qemu-kvm");
	want_int(&h->extra, "resources.cpus", 16);
	want_int(&h->extra, "resources.memory_mb", 31919);
	want_none(&h->extra, "usage.memory_mb");
	want_none(&h->extra, "usage.cpu_percent");
	mc_hostlist_free(&l);

	/* vircaps-x86_64-basic.xml: four cells of <cpus num='4'>: 16; memory
	 * 1048576 + 2097152 + 3145728 + 4194304 = 10485760 KiB = 10240 MiB */
	import_file(mc_import_libvirt,
		    "tests/import/libvirt/vircaps-x86_64-basic.xml", NULL, &l);
	h = host_named(&l, "vircaps-x86_64-basic");
	want_int(&h->extra, "resources.cpus", 16);
	want_int(&h->extra, "resources.memory_mb", 10240);
	mc_hostlist_free(&l);

	/* kvm-cascadelake-01.xml: one cell, <cpus num='4'>, 394874968 KiB /
	 * 1024 = 385620.08 MiB: 385620 */
	import_file(mc_import_libvirt,
		    "tests/import/libvirt/kvm-cascadelake-01.xml", NULL, &l);
	h = host_named(&l, "kvm-cascadelake-01");
	want_int(&h->extra, "resources.cpus", 4);
	want_int(&h->extra, "resources.memory_mb", 385620);
	mc_hostlist_free(&l);

	/* a bare host <cpu> (cputestdata) has no cells: nothing guessed */
	import_file(mc_import_libvirt, "tests/import/libvirt/x86_64-host.xml",
		    NULL, &l);
	h = host_named(&l, "x86_64-host");
	want_none(&h->extra, "resources.cpus");
	want_none(&h->extra, "resources.memory_mb");
	mc_hostlist_free(&l);
}
END_TEST

/* A cell without <memory> leaves the sum out; the processors stay. */
START_TEST(libvirt_cell_without_memory)
{
	static const char text[] =
		"<capabilities><host><cpu><arch>x86_64</arch></cpu>\n"
		"<topology><cells num='2'>\n"
		"<cell id='0'><memory unit='KiB'>2048</memory><cpus num='2'/></cell>\n"
		"<cell id='1'><cpus num='3'/></cell>\n"
		"</cells></topology></host></capabilities>\n";
	mc_import_ctx ctx = {0};
	mc_hostlist l = {0};
	const char *first;

	ck_assert_int_eq(import_text(mc_import_libvirt, text, &ctx, &l, &first),
			 MC_OK);
	want_int(&l.hosts[0]->extra, "resources.cpus", 5);
	want_none(&l.hosts[0]->extra, "resources.memory_mb");
	mc_hostlist_free(&l);
}
END_TEST

START_TEST(libvirt_domain_fixtures)
{
	mc_import_ctx ctx = {.vm_host = "kvm-01"};
	mc_hostlist l = {0};
	const mc_vmrec *vm;

	/* web-01.xml: <vcpu placement='static'>4</vcpu>; <memory
	 * unit='KiB'>8388608</memory>: 8388608 / 1024 = 8192 MiB */
	import_file(mc_import_libvirt_domain,
		    "tests/import/libvirt-domain/web-01.xml", &ctx, &l);
	vm = vm_named(&l, "web-01");
	want_int(&vm->extra, "resources.vcpus", 4);
	want_int(&vm->extra, "resources.memory_mb", 8192);
	want_none(&vm->extra, "load.cpu_percent");
	mc_hostlist_free(&l);

	/* libvirt's cpu-Haswell.xml: <vcpu>6</vcpu>; 219100 KiB / 1024 =
	 * 213.96 MiB, rounded down 213 */
	import_file(mc_import_libvirt_domain,
		    "tests/import/libvirt-domain/cpu-Haswell.xml", &ctx, &l);
	ck_assert_uint_eq(l.nvms, 1);
	want_int(&l.vms[0]->extra, "resources.vcpus", 6);
	want_int(&l.vms[0]->extra, "resources.memory_mb", 213);
	mc_hostlist_free(&l);
}
END_TEST

/* <memory>'s units, as libvirt's virScaleInteger reads them. */
START_TEST(libvirt_memory_units)
{
	static const struct {
		const char *unit;   /* NULL: no unit= */
		const char *value;
		int64_t mib;
	} cases[] = {
		{NULL, "4096", 4},                 /* KiB: 4096 / 1024 */
		{"KiB", "1048575", 1023},          /* 1023.999 */
		{"k", "2048", 2},
		{"KB", "1048576000", 1000000},     /* 1048576000 * 1000 / 2^20 */
		{"b", "1048575", 0},
		{"bytes", "2147483648", 2048},
		{"byte", "1048576", 1},
		{"M", "512", 512},
		{"mib", "7", 7},
		{"MB", "1000", 953},               /* 10^9 / 2^20 = 953.67 */
		{"G", "3", 3072},
		{"GiB", "2", 2048},
		{"GB", "1", 953},                  /* 10^9 / 2^20 */
		{"T", "1", 1048576},
		{"TiB", "1", 1048576},
		{"TB", "1", 953674},               /* 10^12 / 2^20 = 953674.3 */
		{"p", "1", 1073741824},            /* 2^50 / 2^20 */
		{"PB", "1", 953674316},            /* 10^15 / 2^20 = 953674316.4 */
		{"EiB", "7", INT64_C(7696581394432)},  /* 7 * 2^60 / 2^20 */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char text[512];
		mc_import_ctx ctx = {.vm_host = "kvm-01"};
		mc_hostlist l = {0};
		const char *first;

		snprintf(text, sizeof(text), "<domain><name>d</name>"
			 "<memory%s%s%s>%s</memory><vcpu current='2'>8</vcpu>"
			 "</domain>", cases[i].unit ? " unit='" : "",
			 cases[i].unit ? cases[i].unit : "",
			 cases[i].unit ? "'" : "", cases[i].value);
		ck_assert_msg(import_text(mc_import_libvirt_domain, text, &ctx,
					  &l, &first) == MC_OK, "%s: %s",
			      text, first);
		want_int(&l.vms[0]->extra, "resources.memory_mb", cases[i].mib);
		/* current= is what the guest starts with */
		want_int(&l.vms[0]->extra, "resources.vcpus", 2);
		mc_hostlist_free(&l);
	}
}
END_TEST

/* Malformed values are errors at their element, never guessed. */
START_TEST(libvirt_memory_refused)
{
	static const struct {
		const char *xml;
		const char *error;
	} cases[] = {
		{"<memory unit='KB2'>1</memory>", "t.xml:1:23: <memory "
		 "unit='KB2'>: not a unit libvirt knows (b, KiB, KB, MiB, MB, "
		 "GiB, GB, TiB, TB, ...)"},
		{"<memory unit='EiB'>8</memory>", "t.xml:1:23: a quantity of "
		 "memory past 64 bits of bytes"},  /* 8 * 2^60 = 2^63 */
		{"<memory>-5</memory>", "t.xml:1:23: <memory>-5</memory>: not a "
		 "whole number"},
		{"<memory>99999999999999999999</memory>", "t.xml:1:23: "
		 "<memory>99999999999999999999</memory>: a number past 64 bits"},
		{"<memory>4 GiB</memory>", "t.xml:1:23: <memory>4 GiB</memory>: "
		 "not a whole number"},
		{"<vcpu>0x4</vcpu>", "t.xml:1:23: <vcpu>0x4</vcpu>: not a whole "
		 "number"},
		{"<vcpu current='-1'>4</vcpu>", "t.xml:1:23: <vcpu "
		 "current='-1'>: not a whole number"},
		{"<vcpu>0</vcpu>", "t.xml:1:23: <vcpu>0</vcpu>: a domain has one "
		 "vCPU or more"},
		{"<vcpu current='5'>4</vcpu>", "t.xml:1:23: <vcpu current='5'>: "
		 "the vCPUs started are 1 to the <vcpu> count, 4"},
		{"<vcpu current='0'>4</vcpu>", "t.xml:1:23: <vcpu current='0'>: "
		 "the vCPUs started are 1 to the <vcpu> count, 4"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char text[512];
		mc_import_ctx ctx = {.vm_host = "kvm-01"};
		mc_hostlist l = {0};
		const char *first;

		snprintf(text, sizeof(text), "<domain><name>d</name>%s</domain>",
			 cases[i].xml);
		ck_assert_int_eq(import_text(mc_import_libvirt_domain, text, &ctx,
					     &l, &first), MC_EINPUT);
		ck_assert_str_eq(first, cases[i].error);
		ck_assert_uint_eq(l.nvms, 0);
	}
}
END_TEST

/* ------------------------------------------------------------------------
 * Hyper-V: Get-VMHost, Get-VM
 */

/* Hyper-V gives capacity, not use: hosts have resources but no usage, VMs
 * no load (Get-VM's CPUUsage is a sample of no documented base). */
START_TEST(hyperv_no_usage)
{
	mc_import_ctx ctx = {0};
	mc_hostlist l = {0};
	const mc_hostrec *h;

	/* cluster-east.json: HV-EAST-01's LogicalProcessorCount 48,
	 * MemoryCapacity 274877906944 B / 1048576 = 262144 MiB */
	import_file(mc_import_hyperv, "tests/import/hyperv/cluster-east.json",
		    &ctx, &l);
	h = host_named(&l, "HV-EAST-01");
	want_int(&h->extra, "resources.cpus", 48);
	want_int(&h->extra, "resources.memory_mb", 262144);
	for (size_t i = 0; i < l.count; i++) {
		want_none(&l.hosts[i]->extra, "usage.memory_mb");
		want_none(&l.hosts[i]->extra, "usage.cpu_percent");
	}
	mc_hostlist_free(&l);

	/* get-vm.json: web-11 has CPUUsage 0 and MemoryAssigned 8589934592;
	 * MemoryStartup 8589934592 / 1048576 = 8192 is the configured memory */
	import_file(mc_import_hyperv, "tests/import/hyperv/get-vm.json", &ctx, &l);
	ck_assert_uint_eq(l.nvms, 2);
	want_int(&vm_named(&l, "web-11")->extra, "resources.memory_mb", 8192);
	for (size_t i = 0; i < l.nvms; i++)
		want_none(&l.vms[i]->extra, "load.cpu_percent");
	mc_hostlist_free(&l);
}
END_TEST

/* ------------------------------------------------------------------------
 * VMM: Get-SCVMHost
 */

START_TEST(scvmm_usage)
{
	mc_import_ctx ctx = {0};
	mc_hostlist l = {0};
	const mc_hostrec *h;

	/* hosts.json (make-fixtures.py): hv-01's TotalMemory 68719476736 B /
	 * 1048576 = 65536 MB, AvailableMemory 40960: 65536 - 40960 = 24576;
	 * CpuUtilization 23 */
	import_file(mc_import_scvmm, "tests/import/scvmm/hosts.json", &ctx, &l);
	h = host_named(&l, "hv-01.contoso.com");
	want_int(&h->extra, "resources.memory_mb", 65536);
	want_int(&h->extra, "usage.memory_mb", 24576);
	want_int(&h->extra, "usage.cpu_percent", 23);
	/* hv-amd-01: 34359738368 / 1048576 = 32768, less 20480: 12288 */
	h = host_named(&l, "hv-amd-01.contoso.com");
	want_int(&h->extra, "usage.memory_mb", 12288);
	want_int(&h->extra, "usage.cpu_percent", 12);
	/* hv-03 does not respond (its zeros are no use): nothing */
	h = host_named(&l, "hv-03.contoso.com");
	want_none(&h->extra, "usage.memory_mb");
	want_none(&h->extra, "usage.cpu_percent");
	want_none(&h->extra, "resources.memory_mb");
	mc_hostlist_free(&l);

	/* ManageIQ's real export narrows hosts to TotalMemory 77297573888:
	 * 73716.68 MB, rounded down 73716; no AvailableMemory, no
	 * CpuUtilization, so no usage */
	import_file(mc_import_scvmm,
		    "tests/import/scvmm/manageiq-get-inventory.json", &ctx, &l);
	h = host_named(&l, "qeblade26.cfme-qe-vmm-ad.rhq.lab.eng.bos.redhat.com");
	want_int(&h->extra, "resources.memory_mb", 73716);
	want_none(&h->extra, "usage.memory_mb");
	want_none(&h->extra, "usage.cpu_percent");
	for (size_t i = 0; i < l.nvms; i++)
		want_none(&l.vms[i]->extra, "load.cpu_percent");
	mc_hostlist_free(&l);
}
END_TEST

/* A figure that says nothing is left out, as VMM's other malformed
 * counts are. */
START_TEST(scvmm_usage_left_out)
{
	static const struct {
		const char *values;
		bool memory, cpu;
	} cases[] = {
		/* 2048 MB in all, 1024 available: 1024 used, 50 % */
		{"\"AvailableMemory\": 1024, \"CpuUtilization\": 50", true, true},
		{"\"AvailableMemory\": 4096, \"CpuUtilization\": 101", false,
		 false},
		{"\"AvailableMemory\": -1, \"CpuUtilization\": -1", false, false},
		{"\"AvailableMemory\": \"1024\", \"CpuUtilization\": \"5\"",
		 false, false},
		{"\"AvailableMemory\": 1.5, \"CpuUtilization\": 2.5", false,
		 false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char text[512];
		mc_import_ctx ctx = {0};
		mc_hostlist l = {0};
		const char *first;

		snprintf(text, sizeof(text), "{\"Name\": \"hv\", "
			 "\"CommunicationStateString\": \"Responding\", "
			 "\"TotalMemory\": 2147483648, %s}", cases[i].values);
		ck_assert_msg(import_text(mc_import_scvmm, text, &ctx, &l,
					  &first) == MC_OK, "%s: %s", text, first);
		want_int(&l.hosts[0]->extra, "resources.memory_mb", 2048);
		if (cases[i].memory)
			want_int(&l.hosts[0]->extra, "usage.memory_mb", 1024);
		else
			want_none(&l.hosts[0]->extra, "usage.memory_mb");
		if (cases[i].cpu)
			want_int(&l.hosts[0]->extra, "usage.cpu_percent", 50);
		else
			want_none(&l.hosts[0]->extra, "usage.cpu_percent");
		mc_hostlist_free(&l);
	}
}
END_TEST

/* ------------------------------------------------------------------------
 * vSphere: govc host.info -json, pyVmomi
 */

START_TEST(vsphere_quickstats)
{
	mc_import_ctx ctx = {0};
	mc_hostlist l = {0};
	const mc_hostrec *h;

	/* govc 0.37.0 against vcsim: summary.quickStats overallMemoryUsage
	 * 1404 (MB), overallCpuUsage 67 (MHz) of hardware.cpuInfo.hz
	 * 3591345000 x numCpuCores 2 = 7182690000 Hz: 67e6 * 100 /
	 * 7182690000 = 0.93 %, rounded 1 */
	import_file(mc_import_vsphere,
		    "tests/import/vsphere/govc-0.37.0-host-info.json", &ctx, &l);
	h = host_named(&l, "DC0_H0");
	want_int(&h->extra, "usage.memory_mb", 1404);
	want_int(&h->extra, "usage.cpu_percent", 1);
	want_none(&h->extra, "usage.disk_iops");
	want_none(&h->extra, "resources.network_mbps");
	/* disconnected (govc host.disconnect): its quick stats are not
	 * current, whatever they say */
	h = host_named(&l, "DC0_C0_H2");
	want_none(&h->extra, "usage.memory_mb");
	want_none(&h->extra, "usage.cpu_percent");
	mc_hostlist_free(&l);

	/* pyVmomi's record of a vCenter 8 host: overallMemoryUsage 5986;
	 * overallCpuUsage 3062 MHz of 1995312146 Hz x 8 cores =
	 * 15962497168 Hz: 3062e8 / 15962497168 = 19.18 %, rounded 19 */
	import_file(mc_import_vsphere, "tests/import/vsphere/pyvmomi-host.json",
		    &ctx, &l);
	ck_assert_uint_eq(l.count, 1);
	want_int(&l.hosts[0]->extra, "usage.memory_mb", 5986);
	want_int(&l.hosts[0]->extra, "usage.cpu_percent", 19);
	mc_hostlist_free(&l);

	/* PowerCLI cut at -Depth 2: quickStats is a type's name, no usage */
	import_file(mc_import_vsphere,
		    "tests/import/vsphere/powercli-host-depth2.json", &ctx, &l);
	ck_assert_uint_eq(l.count, 1);
	want_none(&l.hosts[0]->extra, "usage.memory_mb");
	want_none(&l.hosts[0]->extra, "usage.cpu_percent");
	mc_hostlist_free(&l);

	/* VMs: quickStats.overallCpuUsage (MHz) is no load.cpu_percent */
	import_file(mc_import_vsphere,
		    "tests/import/vsphere/govc-0.24.2-vm-info.json", &ctx, &l);
	ck_assert_uint_gt(l.nvms, 0);
	for (size_t i = 0; i < l.nvms; i++)
		want_none(&l.vms[i]->extra, "load.cpu_percent");
	mc_hostlist_free(&l);
}
END_TEST

/* usage.cpu_percent is rounded to the nearest, halves up, from the
 * summary's MHz when hardware.cpuInfo is not given, and may pass 100. */
START_TEST(vsphere_cpu_percent_rounding)
{
	static const struct {
		const char *hardware;
		int64_t mhz;
		int64_t pct;
	} cases[] = {
		/* 1000 MHz of 2 x 1000 MHz: 50 % */
		{"\"summary\": {\"hardware\": {\"cpuMhz\": 1000, "
		 "\"numCpuCores\": 2}", 1000, 50},
		/* 5 of 1000: 0.5 %, up to 1 */
		{"\"summary\": {\"hardware\": {\"cpuMhz\": 1000, "
		 "\"numCpuCores\": 1}", 5, 1},
		/* 4 of 1000: 0.4 %, down to 0 */
		{"\"summary\": {\"hardware\": {\"cpuMhz\": 1000, "
		 "\"numCpuCores\": 1}", 4, 0},
		/* 2500 of 2000: 125 % (turbo) */
		{"\"summary\": {\"hardware\": {\"cpuMhz\": 2000, "
		 "\"numCpuCores\": 1}", 2500, 125},
		/* hz wins over the summary: 1500 of 3 x 1e9 Hz = 50 % */
		{"\"hardware\": {\"cpuInfo\": {\"hz\": 1000000000, "
		 "\"numCpuCores\": 3}}, \"summary\": {\"hardware\": "
		 "{\"cpuMhz\": 9999, \"numCpuCores\": 9}", 1500, 50},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char text[1024];
		mc_import_ctx ctx = {0};
		mc_hostlist l = {0};
		const char *first;

		snprintf(text, sizeof(text), "{\"hostSystems\": [{\"name\": "
			 "\"esx\", \"runtime\": {\"connectionState\": "
			 "\"connected\"}, %s, \"quickStats\": "
			 "{\"overallCpuUsage\": %lld}}}]}", cases[i].hardware,
			 (long long)cases[i].mhz);
		ck_assert_msg(import_text(mc_import_vsphere, text, &ctx, &l,
					  &first) == MC_OK, "%s: %s", text, first);
		want_int(&l.hosts[0]->extra, "usage.cpu_percent", cases[i].pct);
		mc_hostlist_free(&l);
	}
}
END_TEST

Suite *
import_resources_suite(void)
{
	Suite *s = suite_create("import_resources");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, libvirt_cells);
	tcase_add_test(tc, libvirt_cell_without_memory);
	tcase_add_test(tc, libvirt_domain_fixtures);
	tcase_add_test(tc, libvirt_memory_units);
	tcase_add_test(tc, libvirt_memory_refused);
	tcase_add_test(tc, hyperv_no_usage);
	tcase_add_test(tc, scvmm_usage);
	tcase_add_test(tc, scvmm_usage_left_out);
	tcase_add_test(tc, vsphere_quickstats);
	tcase_add_test(tc, vsphere_cpu_percent_rounding);
	suite_add_tcase(s, tc);
	return s;
}
