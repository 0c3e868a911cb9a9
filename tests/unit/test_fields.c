/* SPDX-License-Identifier: MIT */
/*
 * test_fields.c - a record's values by inventory path: written nested as
 * the inventory holds them (and read back so by the loader), compared,
 * and records of one name merged, a conflict naming the path and both
 * values.
 */
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "sources/hostrec.h"
#include "sources/vmrec.h"

/* Writes the fields of one record named "h" as an inventory. */
static char *
yaml_of(const mc_fields *f)
{
	mc_buf b = MC_BUF_INIT;
	char *text;
	size_t len;

	mc_buf_adds(&b, "hosts:\n");
	mc_record_yaml(&b, NULL, "h", f);
	ck_assert_int_eq(mc_buf_take(&b, &text, &len), MC_OK);
	return text;
}

START_TEST(nested_in_first_order)
{
	mc_fields f = {0};
	mc_strlist *tags;
	char *text;

	ck_assert_int_eq(mc_fields_str(&f, "status.connection", "responding", 10), 0);
	ck_assert_int_eq(mc_fields_int(&f, "resources.cpus", 8), 0);
	ck_assert_int_eq(mc_fields_bool(&f, "status.maintenance", false), 0);
	ck_assert_ptr_nonnull(tags = mc_fields_set(&f, "a.b.tags"));
	ck_assert_int_eq(mc_strlist_add(tags, "x\"y", 3), 0);
	ck_assert_int_eq(mc_fields_int(&f, "a.n", -3), 0);
	/* setting a path again replaces its value, in its place */
	ck_assert_int_eq(mc_fields_int(&f, "resources.cpus", 16), 0);
	text = yaml_of(&f);
	ck_assert_str_eq(text,
		"hosts:\n"
		"  - name: \"h\"\n"
		"    status:\n"
		"      connection: \"responding\"\n"
		"      maintenance: false\n"
		"    resources:\n"
		"      cpus: 16\n"
		"    a:\n"
		"      b:\n"
		"        tags: [\"x\\\"y\"]\n"
		"      \"n\": -3\n");  /* YAML 1.1's n is false */
	free(text);
	mc_fields_free(&f);
}
END_TEST

START_TEST(written_reads_back)
{
	mc_fields f = {0};
	mc_inventory *inv = NULL;
	mc_diag *diag = mc_diag_new();
	char *text;

	mc_fields_str(&f, "hypervisor.version", "10.0.17763", 10);
	mc_fields_bool(&f, "status.available_for_placement", true);
	mc_fields_int(&f, "resources.memory_mb", 65536);
	text = yaml_of(&f);
	ck_assert_int_eq(mc_inventory_new(&inv, NULL), MC_OK);
	ck_assert_msg(mc_inventory_add_buffer(inv, "f.yaml", text, strlen(text),
					      diag) == MC_OK,
		      "%s", first_diag(diag));
	ck_assert_uint_eq(mc_inventory_host_count(inv), 1);
	mc_inventory_free(inv);
	mc_diag_free(diag);
	free(text);
	mc_fields_free(&f);
}
END_TEST

START_TEST(keys_yaml_would_retype_are_quoted)
{
	mc_fields f = {0};
	mc_inventory *inv = NULL;
	mc_diag *diag = mc_diag_new();
	char *text;

	mc_fields_str(&f, "x.1", "a", 1);
	mc_fields_str(&f, "null", "b", 1);
	mc_fields_str(&f, "On", "c", 1);
	mc_fields_str(&f, "rack-2", "d", 1);
	text = yaml_of(&f);
	ck_assert_str_eq(text,
		"hosts:\n"
		"  - name: \"h\"\n"
		"    x:\n"
		"      \"1\": \"a\"\n"
		"    \"null\": \"b\"\n"
		"    \"On\": \"c\"\n"
		"    rack-2: \"d\"\n");
	ck_assert_int_eq(mc_inventory_new(&inv, NULL), MC_OK);
	ck_assert_msg(mc_inventory_add_buffer(inv, "k.yaml", text, strlen(text),
					      diag) == MC_OK,
		      "%s", first_diag(diag));
	mc_inventory_free(inv);
	mc_diag_free(diag);
	free(text);
	mc_fields_free(&f);
}
END_TEST

START_TEST(nodes_counted_as_loader)
{
	mc_fields f = {0};
	mc_strlist *l;

	mc_fields_str(&f, "status.connection", "up", 2);
	mc_fields_str(&f, "status.agent", "up", 2);
	l = mc_fields_set(&f, "cpu.features");
	mc_strlist_add(l, "sse", 3);
	mc_strlist_add(l, "avx", 3);
	mc_fields_int(&f, "rack", 4);
	/* status: its key and mapping, and a key and a value each (6); cpu:
	 * its key and mapping, features' key and sequence and 2 items (6);
	 * rack: a key and a value (2) */
	ck_assert_uint_eq(mc_fields_nodes(&f), 14);
	mc_fields_free(&f);
}
END_TEST

START_TEST(sets_equal_in_any_order)
{
	mc_fields a = {0}, b = {0};
	mc_strlist *x = mc_fields_set(&a, "s"), *y = mc_fields_set(&b, "s");

	mc_strlist_add(x, "a", 1);
	mc_strlist_add(x, "b", 1);
	mc_strlist_add(y, "b", 1);
	mc_strlist_add(y, "a", 1);
	ck_assert(mc_field_equal(&a.v[0], &b.v[0]));
	mc_strlist_add(y, "c", 1);
	ck_assert(!mc_field_equal(&a.v[0], &b.v[0]));
	/* an integer is not the string of its digits */
	mc_fields_int(&a, "n", 6);
	mc_fields_str(&b, "n", "6", 1);
	ck_assert(!mc_field_equal(mc_fields_get(&a, "n"), mc_fields_get(&b, "n")));
	mc_fields_free(&a);
	mc_fields_free(&b);
}
END_TEST

static mc_hostrec *
host(const char *name)
{
	mc_hostrec *h = mc_hostrec_new();

	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(mc_hostrec_set(&h->name, name, strlen(name)), 0);
	return h;
}

START_TEST(hosts_merge)
{
	mc_hostrec *cpu = host("hv-01"), *status = host("hv-01");
	mc_buf why = MC_BUF_INIT;
	mc_fields f = {0};
	char *text;

	mc_hostrec_set(&cpu->manufacturer, "GenuineIntel", 12);
	cpu->family = 6;
	cpu->has_family = true;
	mc_hostrec_add_feature(cpu, "sse4_2", 6);
	mc_fields_str(&status->extra, "status.connection", "responding", 10);
	mc_hostrec_set(&status->manufacturer, "GenuineIntel", 12);
	mc_hostrec_set(&status->hypervisor_version, "10.0.17763", 10);
	ck_assert_int_eq(mc_hostrec_merge(cpu, status, &why), 0);
	ck_assert_uint_eq(why.len, 0);
	ck_assert_str_eq(cpu->hypervisor_version, "10.0.17763");
	ck_assert_ptr_null(status->hypervisor_version);  /* moved */
	ck_assert_int_eq(mc_hostrec_fields(cpu, &f), 0);
	text = yaml_of(&f);
	ck_assert_str_eq(text,
		"hosts:\n"
		"  - name: \"h\"\n"
		"    cpu:\n"
		"      manufacturer: \"GenuineIntel\"\n"
		"      family: 6\n"
		"      features: [\"sse4_2\"]\n"
		"    hypervisor:\n"
		"      version: \"10.0.17763\"\n"
		"    status:\n"
		"      connection: \"responding\"\n");
	free(text);
	mc_fields_free(&f);
	mc_buf_free(&why);
	mc_hostrec_free(cpu);
	mc_hostrec_free(status);
}
END_TEST

START_TEST(hosts_conflict)
{
	mc_hostrec *a = host("hv-01"), *b = host("hv-01");
	mc_buf why = MC_BUF_INIT;

	a->model = 85;
	a->has_model = true;
	mc_fields_str(&a->extra, "status.connection", "responding", 10);
	b->model = 106;
	b->has_model = true;
	mc_hostrec_set(&b->hypervisor_product, "Hyper-V", 7);
	ck_assert_int_eq(mc_hostrec_merge(a, b, &why), 1);
	ck_assert_str_eq(mc_buf_str(&why), "'cpu.model' is 106 here but 85");
	/* into is left as it was: nothing of b moved over */
	ck_assert_ptr_null(a->hypervisor_product);
	ck_assert_str_eq(b->hypervisor_product, "Hyper-V");
	mc_buf_free(&why);
	mc_hostrec_free(a);
	mc_hostrec_free(b);
}
END_TEST

START_TEST(path_inside_a_value_conflicts)
{
	mc_hostrec *a = host("h"), *b = host("h");
	mc_buf why = MC_BUF_INIT;

	mc_fields_str(&a->extra, "rack", "E4", 2);
	mc_fields_str(&b->extra, "rack.row", "4", 1);
	ck_assert_int_eq(mc_hostrec_merge(a, b, &why), 1);
	ck_assert_str_eq(mc_buf_str(&why),
			 "'rack.row' is a value here but 'rack' is \"E4\"");
	mc_buf_free(&why);
	mc_hostrec_free(a);
	mc_hostrec_free(b);
}
END_TEST

START_TEST(vms_merge_sets_agree)
{
	mc_vmrec *a = mc_vmrec_new(), *b = mc_vmrec_new();
	mc_buf why = MC_BUF_INIT;

	mc_hostrec_set(&a->host, "hv-01", 5);
	mc_hostrec_set(&a->state, "saved", 5);
	a->has_cpu_features = true;
	mc_strlist_add(&a->cpu_features, "sse2", 4);
	mc_strlist_add(&a->cpu_features, "avx", 3);
	b->has_cpu_features = true;
	mc_strlist_add(&b->cpu_features, "avx", 3);
	mc_strlist_add(&b->cpu_features, "sse2", 4);
	mc_fields_int(&b->extra, "checkpoints", 2);
	ck_assert_int_eq(mc_vmrec_merge(a, b, &why), 0);
	ck_assert_int_eq(mc_fields_get(&a->extra, "checkpoints")->num, 2);
	mc_strlist_add(&b->cpu_features, "avx2", 4);
	ck_assert_int_eq(mc_vmrec_merge(a, b, &why), 1);
	ck_assert_str_eq(mc_buf_str(&why), "'cpu.features' is [\"avx\", \"sse2\", "
			 "\"avx2\"] here but [\"sse2\", \"avx\"]");
	mc_buf_free(&why);
	mc_vmrec_free(a);
	mc_vmrec_free(b);
}
END_TEST

Suite *
fields_suite(void)
{
	Suite *s = suite_create("fields");
	TCase *tc = tcase_create("fields");

	tcase_add_test(tc, nested_in_first_order);
	tcase_add_test(tc, written_reads_back);
	tcase_add_test(tc, keys_yaml_would_retype_are_quoted);
	tcase_add_test(tc, nodes_counted_as_loader);
	tcase_add_test(tc, sets_equal_in_any_order);
	tcase_add_test(tc, hosts_merge);
	tcase_add_test(tc, hosts_conflict);
	tcase_add_test(tc, path_inside_a_value_conflicts);
	tcase_add_test(tc, vms_merge_sets_agree);
	suite_add_tcase(s, tc);
	return s;
}
