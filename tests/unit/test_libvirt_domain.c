/* SPDX-License-Identifier: MIT */
/*
 * test_libvirt_domain.c - VMs from `virsh dumpxml` (import --from
 * libvirt-domain): the guest CPU's features as x86Compute's cpu_require
 * (forbidden ones kept), POWER models, the VM's state, the items limit on
 * an expanded model, and what is written without a CPU map (no features,
 * model_expanded: false, one warning).
 */
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "sources/cpumap.h"
#include "sources/import.h"

/* Imports text (named name) with ctx, whose cpu_map is the installed map
 * when with_map; *diag holds what was reported. */
static int
import(mc_hostlist *out, const char *name, const char *text, bool with_map,
       mc_import_ctx *ctx, mc_diag **diag)
{
	mc_cpumap *map = NULL;
	int rc;

	*diag = mc_diag_new();
	ck_assert_ptr_nonnull(*diag);
	if (with_map) {
		rc = mc_cpumap_load(&map, MC_CPUMAP_DIR, NULL, *diag);
		ck_assert_msg(rc == MC_OK, "the installed map did not load: %s",
			      first_diag(*diag));
	}
	ctx->cpu_map = map;
	if (!ctx->vm_host)
		ctx->vm_host = "kvm-01";
	rc = mc_import_libvirt_domain(out, name, text, strlen(text), ctx, *diag);
	mc_cpumap_free(map);
	ctx->cpu_map = NULL;
	return rc;
}

/* The one VM imported. */
static mc_vmrec *
only_vm(const mc_hostlist *l)
{
	ck_assert_uint_eq(l->count, 0);
	ck_assert_uint_eq(l->nvms, 1);
	return l->vms[0];
}

static const char PENRYN[] =
	"<domain type='kvm' id='3'>\n"
	"  <name>web-01</name>\n"
	"  <os><type arch='x86_64' machine='pc'>hvm</type></os>\n"
	"  <cpu>\n"
	"    <model>Penryn</model>\n"
	"    <vendor>Intel</vendor>\n"
	"    <feature name='vmx'/>\n"
	"    <feature policy='forbid' name='sse4.1'/>\n"
	"    <feature policy='force' name='sse2'/>\n"
	"    <feature policy='optional' name='ssse3'/>\n"
	"    <feature policy='disable' name='cx16'/>\n"
	"  </cpu>\n"
	"</domain>\n";

/* cpu_require: Penryn's features and vmx, less sse2, ssse3 and cx16; a
 * forbidden sse4.1 stays (x86Compute does not subtract it). */
START_TEST(custom_requires)
{
	mc_hostlist l = {0};
	mc_import_ctx ctx = {0};
	mc_diag *diag;
	mc_vmrec *vm;

	ck_assert_int_eq(import(&l, "web-01.xml", PENRYN, true, &ctx, &diag),
			 MC_OK);
	ck_assert_uint_eq(mc_diag_count(diag), 0);
	vm = only_vm(&l);
	ck_assert_str_eq(vm->name, "web-01");
	ck_assert_str_eq(vm->host, "kvm-01");
	ck_assert_str_eq(vm->state, "running");
	ck_assert_str_eq(vm->cpu_architecture, "x64");
	ck_assert_str_eq(vm->cpu_mode, "custom");
	ck_assert_str_eq(vm->cpu_match, "exact");
	ck_assert_ptr_null(vm->cpu_check);
	ck_assert_str_eq(vm->cpu_model, "Penryn");
	ck_assert_str_eq(vm->cpu_vendor, "GenuineIntel");
	ck_assert(vm->has_cpu_features);
	ck_assert(!vm->model_unexpanded);
	/* Penryn's 29, plus vmx, less sse2, ssse3 and cx16 */
	ck_assert_uint_eq(vm->cpu_features.n, 27);
	ck_assert(mc_strlist_has(&vm->cpu_features, "vmx"));
	ck_assert(mc_strlist_has(&vm->cpu_features, "sse4_1"));
	ck_assert(mc_strlist_has(&vm->cpu_features, "lahf_lm"));
	ck_assert(!mc_strlist_has(&vm->cpu_features, "sse2"));
	ck_assert(!mc_strlist_has(&vm->cpu_features, "ssse3"));
	ck_assert(!mc_strlist_has(&vm->cpu_features, "cx16"));
	ck_assert(mc_strlist_has(&vm->cpu_forbid, "sse4_1"));
	ck_assert(mc_strlist_has(&vm->cpu_force, "sse2"));
	ck_assert(mc_strlist_has(&vm->cpu_optional, "ssse3"));
	ck_assert(mc_strlist_has(&vm->cpu_disable, "cx16"));
	/* sorted, each once */
	for (size_t i = 1; i < vm->cpu_features.n; i++)
		ck_assert_int_lt(strcmp(vm->cpu_features.v[i - 1],
					vm->cpu_features.v[i]), 0);
	mc_hostlist_free(&l);
	mc_diag_free(diag);
}
END_TEST

/* Without a map: the model is not expanded, no cpu.features, one warning
 * at <model>; the VM imports. */
START_TEST(no_map)
{
	mc_hostlist l = {0};
	mc_import_ctx ctx = {0};
	mc_diag *diag;
	mc_vmrec *vm;
	const mc_diag_item *d;

	ck_assert_int_eq(import(&l, "web-01.xml", PENRYN, false, &ctx, &diag),
			 MC_OK);
	ck_assert_uint_eq(mc_diag_count(diag), 1);
	ck_assert_uint_eq(mc_diag_error_count(diag), 0);
	d = mc_diag_get(diag, 0);
	ck_assert_int_eq(d->severity, MC_SEVERITY_WARNING);
	ck_assert_uint_eq(d->at.line, 5);
	ck_assert_uint_eq(d->at.column, 5);
	ck_assert_ptr_nonnull(strstr(d->message, "CPU model 'Penryn' not "
				     "expanded: no libvirt CPU map"));
	vm = only_vm(&l);
	ck_assert(vm->model_unexpanded);
	ck_assert(!vm->has_cpu_features);
	ck_assert_uint_eq(vm->cpu_features.n, 0);
	ck_assert(mc_strlist_has(&vm->cpu_forbid, "sse4_1"));
	mc_hostlist_free(&l);
	mc_diag_free(diag);
}
END_TEST

/* More features than the items limit, once the model is expanded. */
START_TEST(items_limit)
{
	mc_hostlist l = {0};
	mc_limits lim;
	mc_import_ctx ctx = {0};
	mc_diag *diag;

	mc_limits_default(&lim);
	lim.max_items = 40;
	ctx.limits = &lim;
	ck_assert_int_eq(import(&l, "s.xml", "<cpu>\n <model>Skylake-Server-IBRS"
				"</model>\n</cpu>", true, &ctx, &diag),
			 MC_EINPUT);
	ck_assert_uint_eq(l.nvms, 0);
	ck_assert_str_eq(mc_diag_get(diag, 0)->code, "limit");
	ck_assert_ptr_nonnull(strstr(first_diag(diag), "s.xml:2:2: the CPU "
				     "requires"));
	mc_hostlist_free(&l);
	mc_diag_free(diag);
}
END_TEST

/* A legacy POWER name is its model; POWER models require no features. */
START_TEST(power_legacy)
{
	static const char text[] =
		"<domain type='kvm'>\n"
		"  <name>p1</name>\n"
		"  <os><type arch='ppc64le'>hvm</type></os>\n"
		"  <cpu mode='custom' match='exact'>\n"
		"    <model fallback='allow'>POWER8_v1.0</model>\n"
		"  </cpu>\n"
		"</domain>\n";
	mc_hostlist l = {0};
	mc_import_ctx ctx = {.vm_state = "saved"};
	mc_diag *diag;
	mc_vmrec *vm;

	ck_assert_int_eq(import(&l, "p1.xml", text, true, &ctx, &diag), MC_OK);
	vm = only_vm(&l);
	ck_assert_str_eq(vm->state, "saved");
	ck_assert_str_eq(vm->cpu_architecture, "ppc64le");
	ck_assert_str_eq(vm->cpu_model, "POWER8_v1.0");
	ck_assert_str_eq(vm->cpu_fallback, "allow");
	ck_assert(vm->has_cpu_features);
	ck_assert_uint_eq(vm->cpu_features.n, 0);
	mc_hostlist_free(&l);
	mc_diag_free(diag);
}
END_TEST

/* A bare host-model <cpu>: powerN is a compatibility mode, checked with or
 * without a map; the VM is named after its file and stopped. */
START_TEST(bare_compat_mode)
{
	mc_hostlist l = {0};
	mc_import_ctx ctx = {0};
	mc_diag *diag;
	mc_vmrec *vm;

	ck_assert_int_eq(import(&l, "dir/guest.v1.xml", "<cpu mode='host-model'>"
				"<model>power10</model></cpu>", true, &ctx,
				&diag), MC_OK);
	vm = only_vm(&l);
	ck_assert_str_eq(vm->name, "guest.v1");
	ck_assert_str_eq(vm->state, "stopped");
	ck_assert_str_eq(vm->cpu_mode, "host-model");
	ck_assert_str_eq(vm->cpu_model, "power10");
	ck_assert_ptr_null(vm->cpu_match);
	ck_assert(!vm->has_cpu_features);
	mc_hostlist_free(&l);
	mc_diag_free(diag);

	for (int with_map = 0; with_map < 2; with_map++) {
		ck_assert_int_eq(import(&l, "g.xml", "<cpu mode='host-model'>"
					"<model>power11</model></cpu>", with_map,
					&ctx, &diag), MC_EINPUT);
		ck_assert_uint_eq(l.nvms, 0);
		ck_assert_str_eq(first_diag(diag), "g.xml:1:24: Unknown "
				 "compatibility mode 'power11' (power6 to power10)");
		mc_diag_free(diag);
	}
}
END_TEST

/* A <cpu> of topology only is no CPU definition: no cpu.mode. */
START_TEST(topology_only)
{
	static const char text[] =
		"<domain type='kvm'><name>t</name>"
		"<cpu><topology sockets='1' cores='2' threads='1'/></cpu>"
		"</domain>";
	mc_hostlist l = {0};
	mc_import_ctx ctx = {0};
	mc_diag *diag;
	mc_vmrec *vm;

	ck_assert_int_eq(import(&l, "t.xml", text, true, &ctx, &diag), MC_OK);
	vm = only_vm(&l);
	ck_assert_ptr_null(vm->cpu_mode);
	ck_assert_ptr_null(vm->cpu_match);
	mc_hostlist_free(&l);
	mc_diag_free(diag);
}
END_TEST

Suite *
libvirt_domain_suite(void)
{
	Suite *s = suite_create("libvirt_domain");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, custom_requires);
	tcase_add_test(tc, no_map);
	tcase_add_test(tc, items_limit);
	tcase_add_test(tc, power_legacy);
	tcase_add_test(tc, bare_compat_mode);
	tcase_add_test(tc, topology_only);
	suite_add_tcase(s, tc);
	return s;
}
