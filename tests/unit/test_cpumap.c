/* SPDX-License-Identifier: MIT */
/*
 * test_cpumap.c - libvirt's CPU map: the map Debian's libvirt0 installs
 * (/usr/share/libvirt/cpu_map, which CI installs) read whole, its models
 * expanded with what they inherit, the libvirt-to-Linux feature names
 * one-to-one over it, and broken maps reported at FILE:LINE:COL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "sources/cpumap.h"

static mc_cpumap *
installed_map(void)
{
	mc_diag *diag = mc_diag_new();
	mc_cpumap *map = NULL;
	int rc = mc_cpumap_load(&map, MC_CPUMAP_DIR, NULL, diag);

	ck_assert_msg(rc == MC_OK, "the installed map did not load: %s",
		      first_diag(diag));
	ck_assert_uint_eq(mc_diag_count(diag), 0);
	mc_diag_free(diag);
	return map;
}

static bool
has(const char *const *list, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return true;
	return false;
}

START_TEST(installed_families)
{
	mc_cpumap *map = installed_map();

	ck_assert_str_eq(mc_cpumap_family(map, "x86_64"), "x86");
	ck_assert_str_eq(mc_cpumap_family(map, "i686"), "x86");
	ck_assert_str_eq(mc_cpumap_family(map, "ppc64le"), "ppc64");
	ck_assert_str_eq(mc_cpumap_family(map, "ppc64"), "ppc64");
	ck_assert_str_eq(mc_cpumap_family(map, "aarch64"), "arm");
	ck_assert_ptr_null(mc_cpumap_family(map, "s390x"));
	ck_assert_ptr_null(mc_cpumap_family(map, "sparc64"));
	ck_assert_ptr_null(mc_cpumap_family(NULL, "x86_64"));
	mc_cpumap_free(map);
}
END_TEST

/* Penryn as x86_Penryn.xml lists it: 29 features, no more. */
START_TEST(installed_penryn)
{
	mc_cpumap *map = installed_map();
	const char *const *f = NULL;
	size_t n = 0;

	ck_assert(mc_cpumap_model(map, "x86", "Penryn", &f, &n));
	ck_assert_uint_eq(n, 29);
	ck_assert_str_eq(f[0], "apic");
	ck_assert(has(f, n, "sse4.1"));
	ck_assert(!has(f, n, "sse4.2"));
	ck_assert_str_eq(mc_cpumap_model_vendor(map, "x86", "Penryn"), "Intel");
	ck_assert(!mc_cpumap_model(map, "x86", "Penryn2", &f, &n));
	ck_assert(!mc_cpumap_model(map, "ppc64", "Penryn", &f, &n));
	mc_cpumap_free(map);
}
END_TEST

/* Skylake-Server-IBRS; Icelake-Server leaves out the features it marks
 * removed='yes' (intel-pt, monitor are not in it). */
START_TEST(installed_models)
{
	mc_cpumap *map = installed_map();
	const char *const *f = NULL;
	size_t n = 0;

	ck_assert(mc_cpumap_model(map, "x86", "Skylake-Server-IBRS", &f, &n));
	ck_assert(has(f, n, "avx512f"));
	ck_assert(has(f, n, "spec-ctrl"));
	ck_assert(has(f, n, "tsc-deadline"));
	ck_assert(mc_cpumap_model(map, "x86", "Icelake-Server", &f, &n));
	ck_assert(has(f, n, "avx512vnni"));
	ck_assert(!has(f, n, "intel-pt"));
	ck_assert(mc_cpumap_model(map, "x86", "EPYC", &f, &n));
	ck_assert_str_eq(mc_cpumap_model_vendor(map, "x86", "EPYC"), "AMD");
	ck_assert(!has(f, n, "monitor"));
	ck_assert(mc_cpumap_model(map, "ppc64", "POWER8", &f, &n));
	ck_assert_uint_eq(n, 0);
	ck_assert_str_eq(mc_cpumap_model_vendor(map, "ppc64", "POWER8"), "IBM");
	ck_assert(mc_cpumap_model(map, "arm", "Neoverse-N1", &f, &n));
	ck_assert(mc_cpumap_has_feature(map, "x86", "sse4.2"));
	ck_assert(!mc_cpumap_has_feature(map, "x86", "sse4_2"));
	ck_assert(mc_cpumap_has_feature(map, "arm", "sve"));
	ck_assert(mc_cpumap_unmigratable(map, "x86", "invtsc"));
	ck_assert(!mc_cpumap_unmigratable(map, "x86", "sse2"));
	mc_cpumap_free(map);
}
END_TEST

/* A model's features hold no name twice. */
START_TEST(installed_no_duplicates)
{
	mc_cpumap *map = installed_map();
	static const char *const models[] = {
		"Cascadelake-Server", "EPYC-Milan", "Dhyana", "qemu64", "486",
		"Snowridge", "Cooperlake",
	};

	for (size_t m = 0; m < sizeof(models) / sizeof(*models); m++) {
		const char *const *f = NULL;
		size_t n = 0;

		ck_assert_msg(mc_cpumap_model(map, "x86", models[m], &f, &n),
			      "%s", models[m]);
		for (size_t i = 0; i < n; i++)
			for (size_t j = i + 1; j < n; j++)
				if (strcmp(f[i], f[j]) == 0)
					ck_abort_msg("%s: %s twice", models[m], f[i]);
	}
	mc_cpumap_free(map);
}
END_TEST

/*
 * The Linux names are one-to-one over every feature of every family of
 * the map: no two libvirt names become one Linux name, and no libvirt
 * name becomes another's libvirt name (which would then mean two things).
 */
START_TEST(linux_names_one_to_one)
{
	mc_cpumap *map = installed_map();
	static const char *const families[] = {"x86", "ppc64", "arm"};

	for (size_t fam = 0; fam < 3; fam++) {
		const char *const *names = NULL;
		size_t n = 0;
		char (*mapped)[64];

		ck_assert(mc_cpumap_feature_names(map, families[fam], &names, &n));
		mapped = calloc(n ? n : 1, sizeof(*mapped));
		ck_assert_ptr_nonnull(mapped);
		for (size_t i = 0; i < n; i++)
			ck_assert_ptr_nonnull(mc_cpumap_linux_name(names[i], mapped[i],
								  sizeof(mapped[i])));
		/* Plain comparisons: Check records every assertion that
		 * passes, which over n * n pairs takes seconds. */
		for (size_t i = 0; i < n; i++) {
			for (size_t j = 0; j < n; j++) {
				if (i == j)
					continue;
				if (strcmp(mapped[i], mapped[j]) == 0)
					ck_abort_msg("%s and %s are both %s", names[i],
						     names[j], mapped[i]);
				if (strcmp(mapped[i], names[j]) == 0)
					ck_abort_msg("%s becomes %s, the name of "
						     "another", names[i], names[j]);
			}
		}
		free(mapped);
	}
	mc_cpumap_free(map);
}
END_TEST

START_TEST(linux_names)
{
	char buf[32];

	ck_assert_str_eq(mc_cpumap_linux_name("sse4.2", buf, sizeof(buf)), "sse4_2");
	ck_assert_str_eq(mc_cpumap_linux_name("pclmuldq", buf, sizeof(buf)), "pclmulqdq");
	ck_assert_str_eq(mc_cpumap_linux_name("tsc-deadline", buf, sizeof(buf)),
			 "tsc_deadline_timer");
	ck_assert_str_eq(mc_cpumap_linux_name("md-clear", buf, sizeof(buf)), "md_clear");
	ck_assert_str_eq(mc_cpumap_linux_name("cmt", buf, sizeof(buf)), "cqm");
	ck_assert_str_eq(mc_cpumap_linux_name("avx512-vpopcntdq", buf, sizeof(buf)),
			 "avx512_vpopcntdq");
	ck_assert_ptr_null(mc_cpumap_linux_name("tsc-deadline", buf, 8));
}
END_TEST

/* ------------------------------------------------------------------ */

static const char INDEX[] =
	"<cpus>\n"
	"  <arch name='x86'>\n"
	"    <include filename='x86_vendors.xml'/>\n"
	"    <include filename='x86_features.xml'/>\n"
	"    <include filename='x86_models.xml'/>\n"
	"  </arch>\n"
	"</cpus>\n";
static const char VENDORS[] =
	"<cpus>\n  <vendor name='Intel' string='GenuineIntel'/>\n</cpus>\n";
static const char FEATURES[] =
	"<cpus>\n"
	"  <feature name='fpu'><cpuid eax_in='0x01' edx='0x00000001'/></feature>\n"
	"  <feature name='sse4.2'><cpuid eax_in='0x01' ecx='0x00100000'/></feature>\n"
	"  <feature name='invtsc' migratable='no'/>\n"
	"</cpus>\n";

/* Loads a map of INDEX, VENDORS, FEATURES and models (x86_models.xml);
 * returns the status, with the diagnostics in *diag. */
static int
load_made(const char *models, const char *index, mc_cpumap **map,
	  mc_diag **diag, temp_dir *t)
{
	temp_dir_make(t, "mc-cpumap");
	temp_dir_put(t, "index.xml", index ? index : INDEX);
	temp_dir_put(t, "x86_vendors.xml", VENDORS);
	temp_dir_put(t, "x86_features.xml", FEATURES);
	temp_dir_put(t, "x86_models.xml", models);
	*diag = mc_diag_new();
	return mc_cpumap_load(map, t->path, NULL, *diag);
}

/* An error of a made map, at models' FILE:LINE:COL with text. */
static void
made_error(const char *models, const char *index, const char *file,
	   const char *at, const char *text)
{
	temp_dir t;
	mc_cpumap *map = NULL;
	mc_diag *diag = NULL;
	char want[256];
	int rc = load_made(models, index, &map, &diag, &t);

	ck_assert_int_eq(rc, MC_EINPUT);
	ck_assert_ptr_null(map);
	snprintf(want, sizeof(want), "%s/%s:%s: %s", t.path, file, at, text);
	ck_assert_msg(has_diag(diag, want), "want %s, got %s", want,
		      first_diag(diag));
	mc_diag_free(diag);
	temp_dir_remove(&t);
}

START_TEST(made_inheritance)
{
	temp_dir t;
	mc_cpumap *map = NULL;
	mc_diag *diag = NULL;
	const char *const *f = NULL;
	size_t n = 0;
	int rc = load_made(
		"<cpus>\n"
		"  <model name='Base'>\n"
		"    <vendor name='Intel'/>\n"
		"    <feature name='fpu'/>\n"
		"  </model>\n"
		"  <model name='Child'>\n"
		"    <model name='Base'/>\n"
		"    <feature name='sse4.2'/>\n"
		"    <feature name='fpu'/>\n"
		"    <feature name='invtsc' removed='yes'/>\n"
		"  </model>\n"
		"</cpus>\n", NULL, &map, &diag, &t);

	ck_assert_msg(rc == MC_OK, "%s", first_diag(diag));
	ck_assert(mc_cpumap_model(map, "x86", "Child", &f, &n));
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(f[0], "fpu");
	ck_assert_str_eq(f[1], "sse4.2");
	ck_assert_str_eq(mc_cpumap_model_vendor(map, "x86", "Child"), "Intel");
	ck_assert(mc_cpumap_unmigratable(map, "x86", "invtsc"));
	ck_assert_ptr_null(mc_cpumap_family(map, "ppc64"));
	mc_cpumap_free(map);
	mc_diag_free(diag);
	temp_dir_remove(&t);
}
END_TEST

START_TEST(made_cycle)
{
	made_error("<cpus>\n"
		   "  <model name='A'>\n"
		   "    <model name='B'/>\n"
		   "  </model>\n"
		   "  <model name='B'>\n"
		   "    <model name='A'/>\n"
		   "  </model>\n"
		   "</cpus>\n", NULL, "x86_models.xml", "3:5",
		   "CPU model 'A' includes itself, through CPU model 'B'");
	made_error("<cpus>\n  <model name='A'>\n    <model name='A'/>\n"
		   "  </model>\n</cpus>\n", NULL, "x86_models.xml", "3:5",
		   "CPU model 'A' includes itself");
}
END_TEST

START_TEST(made_unknown_base)
{
	made_error("<cpus>\n"
		   "  <model name='A'>\n"
		   "    <model name='Nope'/>\n"
		   "  </model>\n"
		   "</cpus>\n", NULL, "x86_models.xml", "3:5",
		   "CPU model 'A' includes unknown CPU model 'Nope'");
}
END_TEST

START_TEST(made_unknown_feature)
{
	made_error("<cpus>\n"
		   "  <model name='A'>\n"
		   "    <feature name='fpu'/>\n"
		   "    <feature name='warp-drive'/>\n"
		   "  </model>\n"
		   "</cpus>\n", NULL, "x86_models.xml", "4:5",
		   "CPU model 'A' names unknown CPU feature 'warp-drive'");
	made_error("<cpus>\n  <model name='A'/>\n  <model name='A'/>\n</cpus>\n",
		   NULL, "x86_models.xml", "3:3",
		   "a second definition of CPU model 'A'");
}
END_TEST

START_TEST(made_malformed)
{
	made_error("<cpus>\n  <model name='A'>\n</cpus>\n", NULL,
		   "x86_models.xml", "4:1", "Premature end of data");
	made_error("<models/>\n", NULL, "x86_models.xml", "1:1",
		   "not a libvirt CPU map file: the root element is not <cpus>");
	made_error("<cpus/>\n",
		   "<cpus>\n  <arch name='x86'>\n"
		   "    <include filename='../etc/passwd'/>\n  </arch>\n</cpus>\n",
		   "index.xml", "3:5", "<include filename='../etc/passwd'>: "
		   "not a file of the map's directory");
}
END_TEST

START_TEST(no_map)
{
	temp_dir t;
	mc_cpumap *map = NULL;
	mc_diag *diag = mc_diag_new();
	char want[256];

	temp_dir_make(&t, "mc-cpumap");
	ck_assert_int_eq(mc_cpumap_load(&map, t.path, NULL, diag), MC_EINPUT);
	ck_assert_ptr_null(map);
	snprintf(want, sizeof(want), "no libvirt CPU map at %s: index.xml not "
		 "found (install libvirt0, or give --cpu-map DIR)", t.path);
	ck_assert_str_eq(first_diag(diag), want);
	mc_diag_free(diag);
	temp_dir_remove(&t);
}
END_TEST

Suite *
cpumap_suite(void)
{
	Suite *s = suite_create("cpumap");
	TCase *tc = tcase_create("cpumap");

	tcase_add_test(tc, installed_families);
	tcase_add_test(tc, installed_penryn);
	tcase_add_test(tc, installed_models);
	tcase_add_test(tc, installed_no_duplicates);
	tcase_add_test(tc, linux_names_one_to_one);
	tcase_add_test(tc, linux_names);
	tcase_add_test(tc, made_inheritance);
	tcase_add_test(tc, made_cycle);
	tcase_add_test(tc, made_unknown_base);
	tcase_add_test(tc, made_unknown_feature);
	tcase_add_test(tc, made_malformed);
	tcase_add_test(tc, no_map);
	suite_add_tcase(s, tc);
	return s;
}
