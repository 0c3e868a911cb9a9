/* SPDX-License-Identifier: MIT */
/*
 * test_import_libvirt.c - `import --from libvirt` read with and without
 * libvirt's CPU map: with it, a host's model is expanded into its
 * features; without it (the default directory absent), the model is
 * written unexpanded, without features, and a warning says so.
 */
#include <string.h>

#include "helpers.h"
#include "sources/cpumap.h"
#include "sources/import.h"

static const char PENRYN[] =
	"<cpu>\n"
	"  <arch>x86_64</arch>\n"
	"  <model>Penryn</model>\n"
	"  <vendor>Intel</vendor>\n"
	"  <topology sockets='2' cores='4' threads='1'/>\n"
	"  <feature name='dca'/>\n"
	"  <feature name='tsc-deadline'/>\n"
	"</cpu>\n";

static bool
has_feature(const mc_hostrec *h, const char *name)
{
	for (size_t i = 0; i < h->nfeatures; i++)
		if (strcmp(h->features[i], name) == 0)
			return true;
	return false;
}

/* Through the public API: the record has the model's name. */
START_TEST(public_record_has_the_model_name)
{
	mc_hostset *set = NULL;
	mc_diag *diag = mc_diag_new();
	mc_host_record rec;

	ck_assert_ptr_nonnull(diag);
	ck_assert_int_eq(mc_hostset_new(&set), MC_OK);
	ck_assert_int_eq(mc_hostset_import_buffer(set, "libvirt", "kvm-01.xml",
						  PENRYN, strlen(PENRYN), NULL,
						  diag), MC_OK);
	ck_assert_uint_eq(mc_hostset_count(set), 1);
	ck_assert_uint_eq(mc_hostset_vm_count(set), 0);
	mc_hostset_get(set, 0, &rec);
	ck_assert_str_eq(rec.name, "kvm-01");
	ck_assert_str_eq(rec.model_name, "Penryn");
	ck_assert_str_eq(rec.manufacturer, "GenuineIntel");
	ck_assert_ptr_null(rec.cpu_name);
	mc_hostset_free(set);
	mc_diag_free(diag);
}
END_TEST

START_TEST(without_map)
{
	mc_hostlist list = {0};
	mc_import_ctx ctx = {0};
	mc_diag *diag = mc_diag_new();
	const mc_diag_item *it;
	const mc_hostrec *h;
	mc_buf b = MC_BUF_INIT;

	ck_assert_int_eq(mc_import_libvirt(&list, "dir/kvm-01.xml", PENRYN,
					   strlen(PENRYN), &ctx, diag), MC_OK);
	ck_assert_uint_eq(list.count, 1);
	h = list.hosts[0];
	ck_assert_str_eq(h->name, "kvm-01");
	ck_assert_str_eq(h->model_name, "Penryn");
	ck_assert(h->model_unexpanded);
	ck_assert(!h->has_features);
	ck_assert_uint_eq(h->nfeatures, 0);
	ck_assert_int_eq(h->sockets, 2);
	ck_assert_uint_eq(mc_diag_count(diag), 1);
	ck_assert_uint_eq(mc_diag_error_count(diag), 0);
	it = mc_diag_get(diag, 0);
	ck_assert_int_eq(it->severity, MC_SEVERITY_WARNING);
	ck_assert_uint_eq(it->at.line, 3);
	ck_assert_uint_eq(it->at.column, 3);
	ck_assert_str_eq(it->message, "CPU model 'Penryn' not expanded: no "
			 "libvirt CPU map (install libvirt0 or give --cpu-map "
			 "DIR); cpu.features left out");

	mc_hostrec_yaml(&b, list.hosts, list.count);
	ck_assert_ptr_nonnull(strstr(mc_buf_str(&b), "model_expanded: false\n"));
	ck_assert_ptr_null(strstr(mc_buf_str(&b), "features"));
	mc_buf_free(&b);
	mc_hostlist_free(&list);
	mc_diag_free(diag);
}
END_TEST

START_TEST(with_map)
{
	mc_hostlist list = {0};
	mc_cpumap *map = NULL;
	mc_diag *diag = mc_diag_new();
	mc_import_ctx ctx = {0};
	const mc_hostrec *h;

	ck_assert_int_eq(mc_cpumap_load(&map, MC_CPUMAP_DIR, NULL, diag), MC_OK);
	ctx.cpu_map = map;
	ck_assert_int_eq(mc_import_libvirt(&list, "kvm-01.xml", PENRYN,
					   strlen(PENRYN), &ctx, diag), MC_OK);
	ck_assert_uint_eq(mc_diag_count(diag), 0);
	h = list.hosts[0];
	ck_assert(!h->model_unexpanded);
	ck_assert(h->has_features);
	/* Penryn's 29, and the two listed. */
	ck_assert_uint_eq(h->nfeatures, 31);
	ck_assert(has_feature(h, "sse4_1"));
	ck_assert(has_feature(h, "pni"));
	ck_assert(has_feature(h, "dca"));
	ck_assert(has_feature(h, "tsc_deadline_timer"));
	ck_assert(!has_feature(h, "sse4_2"));
	for (size_t i = 1; i < h->nfeatures; i++)
		ck_assert_int_lt(strcmp(h->features[i - 1], h->features[i]), 0);
	mc_hostlist_free(&list);
	mc_cpumap_free(map);
	mc_diag_free(diag);
}
END_TEST

/* A feature named twice is refused, as libvirt refuses it. */
START_TEST(feature_twice)
{
	static const char xml[] =
		"<cpu>\n  <arch>x86_64</arch>\n  <model>Penryn</model>\n"
		"  <feature name='dca'/>\n  <feature name='dca'/>\n</cpu>\n";
	mc_hostlist list = {0};
	mc_cpumap *map = NULL;
	mc_diag *diag = mc_diag_new();
	mc_import_ctx ctx = {0};

	ck_assert_int_eq(mc_cpumap_load(&map, MC_CPUMAP_DIR, NULL, diag), MC_OK);
	ctx.cpu_map = map;
	ck_assert_int_eq(mc_import_libvirt(&list, "h.xml", xml, strlen(xml),
					   &ctx, diag), MC_EINPUT);
	ck_assert_uint_eq(list.count, 0);
	ck_assert_str_eq(first_diag(diag), "h.xml:5:3: CPU feature 'dca' "
			 "specified more than once");
	mc_hostlist_free(&list);
	mc_cpumap_free(map);
	mc_diag_free(diag);
}
END_TEST

Suite *
import_libvirt_suite(void)
{
	Suite *s = suite_create("import_libvirt");
	TCase *tc = tcase_create("import_libvirt");

	tcase_add_test(tc, without_map);
	tcase_add_test(tc, public_record_has_the_model_name);
	tcase_add_test(tc, with_map);
	tcase_add_test(tc, feature_twice);
	suite_add_tcase(s, tc);
	return s;
}
