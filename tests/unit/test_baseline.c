/* SPDX-License-Identifier: MIT */
/*
 * test_baseline.c - mc_baseline(): the common fingerprint of a group of
 * hosts, field by field, and what each host offers beyond it.
 */
#include <string.h>

#include "helpers.h"

/*
 * One field of each rule: a set (intersection), a version compared with
 * `ge` (lowest), an integer compared with `le` (highest), strings, an
 * integer that is only matched and a boolean (shared).
 */
static const char *POLICY =
	"policy: base\n"
	"fields:\n"
	"  manufacturer:\n"
	"    from: cpu.manufacturer\n"
	"    normalize:\n"
	"      - { pattern: '^(GenuineIntel|Intel\\b.*)$', to: Intel, caseless: true }\n"
	"      - { pattern: '^(AuthenticAMD|AMD\\b.*)$', to: AMD, caseless: true }\n"
	"  family: { from: cpu.family, type: integer }\n"
	"  features: { from: cpu.features, type: set }\n"
	"  hypervisor: { from: hypervisor.version, type: version }\n"
	"  level: { from: cpu.level, type: integer }\n"
	"  secure: { from: secure_boot, type: boolean }\n"
	"kinds:\n"
	"  live: { when: { vm.state: running } }\n"
	"  saved: { when: { vm.state: saved } }\n"
	"match:\n"
	"  live: [manufacturer, family]\n"
	"  saved: [manufacturer, family, hypervisor]\n"
	"  message: differs\n"
	"compare:\n"
	"  live:\n"
	"    - { field: features, op: superset }\n"
	"    - { field: hypervisor, op: ge }\n"
	"    - { field: level, op: le }\n";

/* Members are interned in order of first appearance (zz, aa, mm...), so
 * the fleet's order by address is not the order by text. */
static const char *INVENTORY =
	"hosts:\n"
	"  - name: h1\n"
	"    cluster: c1\n"
	"    cpu: { manufacturer: GenuineIntel, family: 6, level: 3,\n"
	"           features: [zz, aa, mm, only1] }\n"
	"    hypervisor: { version: 10.0.20348 }\n"
	"    secure_boot: true\n"
	"  - name: h2\n"
	"    cluster: c2\n"
	"    cpu: { manufacturer: Intel Xeon, family: 6, level: 5,\n"
	"           features: [mm, zz, aa, bb] }\n"
	"    hypervisor: { version: 10.0.17763 }\n"
	"    secure_boot: yes\n"
	"  - name: h3\n"
	"    cluster: c1\n"
	"    cpu: { manufacturer: AuthenticAMD, family: 25, level: 4,\n"
	"           features: 'mm zz aa bb cc' }\n"
	"    hypervisor: { version: 10.0.20348.0 }\n"
	"    secure_boot: true\n"
	"  - name: h4\n"
	"    cluster: c1\n"
	"    cpu: { manufacturer: Intel, family: six, features: [aa] }\n"
	"    secure_boot: false\n"
	"vms: []\n";

typedef struct run {
	fleet_fixture fx;
	mc_baseline_result *res;
	int status;
} run;

static run
baseline(const char *policy, const char *inventory, const char *cluster,
	 const char *const *hosts, size_t nhosts)
{
	run r;
	mc_baseline_request req = {cluster, hosts, nhosts};

	memset(&r, 0, sizeof(r));
	r.fx = fleet_from("base.yaml", policy, inventory, NULL);
	r.status = mc_baseline(&r.res, r.fx.fleet, &req, r.fx.diag);
	if (r.status == MC_OK)
		ck_assert_ptr_nonnull(r.res);
	else
		ck_assert_ptr_null(r.res);
	return r;
}

static void
done(run *r)
{
	mc_baseline_result_free(r->res);
	fleet_done(&r->fx);
}

static const mc_baseline_field *
field(const mc_baseline_result *res, const char *name)
{
	for (size_t i = 0; i < res->nfields; i++) {
		if (strcmp(res->fields[i].name, name) == 0)
			return &res->fields[i];
	}
	ck_abort_msg("no field %s", name);
	return NULL;
}

static size_t
field_index(const mc_baseline_result *res, const char *name)
{
	return (size_t)(field(res, name) - res->fields);
}

/* What host h hides of a field. */
static const mc_value *
hidden(const mc_baseline_result *res, size_t h, const char *name)
{
	ck_assert_uint_lt(h, res->nhosts);
	return &res->hosts[h].hidden[field_index(res, name)];
}

/* A set's members joined by spaces, in the result's order. */
static const char *
members(const mc_value *v)
{
	static char buf[512];

	ck_assert_int_eq(v->type, MC_VALUE_SET);
	buf[0] = '\0';
	for (size_t i = 0; i < v->count; i++) {
		if (i)
			strcat(buf, " ");
		strcat(buf, v->items[i]);
	}
	return buf;
}

START_TEST(rules_follow_types_and_compares)
{
	static const char *const hosts[] = {"h1", "h2"};
	run r = baseline(POLICY, INVENTORY, NULL, hosts, 2);

	ck_assert_int_eq(r.status, MC_OK);
	ck_assert_uint_eq(r.res->nfields, 6);
	ck_assert_str_eq(field(r.res, "manufacturer")->rule, "shared");
	ck_assert_str_eq(field(r.res, "family")->rule, "shared");
	ck_assert_str_eq(field(r.res, "features")->rule, "intersection");
	ck_assert_str_eq(field(r.res, "hypervisor")->rule, "lowest");
	ck_assert_str_eq(field(r.res, "level")->rule, "highest");
	ck_assert_str_eq(field(r.res, "secure")->rule, "shared");
	ck_assert_str_eq(field(r.res, "features")->from, "cpu.features");
	ck_assert_str_eq(field(r.res, "features")->at.file, "base.yaml");
	ck_assert_uint_eq(field(r.res, "features")->at.line, 9);
	ck_assert_uint_eq(field(r.res, "features")->at.column, 3);
	ck_assert_str_eq(r.res->policy_name, "base");
	ck_assert_ptr_null(r.res->cluster);
	done(&r);
}
END_TEST

START_TEST(intersection_sorted_by_text)
{
	static const char *const hosts[] = {"h1", "h2"};
	run r = baseline(POLICY, INVENTORY, NULL, hosts, 2);
	const mc_baseline_field *fd = field(r.res, "features");

	ck_assert_int_eq(r.status, MC_OK);
	ck_assert_str_eq(members(&fd->value), "aa mm zz");
	ck_assert_str_eq(fd->value.text, "aa, mm, zz");
	ck_assert_ptr_null(fd->reason);
	/* Each host's members beyond it. */
	ck_assert_str_eq(members(hidden(r.res, 0, "features")), "only1");
	ck_assert_str_eq(hidden(r.res, 0, "features")->text, "only1");
	ck_assert_str_eq(members(hidden(r.res, 1, "features")), "bb");
	done(&r);
}
END_TEST

START_TEST(intersection_of_three_and_string_sets)
{
	static const char *const hosts[] = {"h3", "h1", "h2"};
	run r = baseline(POLICY, INVENTORY, NULL, hosts, 3);
	const mc_baseline_field *fd = field(r.res, "features");

	ck_assert_int_eq(r.status, MC_OK);
	ck_assert_str_eq(members(&fd->value), "aa mm zz");
	/* Hosts come in the request's order. */
	ck_assert_str_eq(r.res->hosts[0].name, "h3");
	ck_assert_str_eq(members(hidden(r.res, 0, "features")), "bb cc");
	ck_assert_str_eq(members(hidden(r.res, 1, "features")), "only1");
	ck_assert_str_eq(members(hidden(r.res, 2, "features")), "bb");
	done(&r);
}
END_TEST

START_TEST(empty_intersection_is_a_value)
{
	static const char *const inv =
		"hosts:\n"
		"  - { name: a, cpu: { features: [x, y] } }\n"
		"  - { name: b, cpu: { features: [z] } }\n";
	static const char *const pol =
		"policy: sets\n"
		"fields:\n"
		"  features: { from: cpu.features, type: set }\n"
		"kinds: { any: {} }\n";
	static const char *const hosts[] = {"a", "b"};
	run r = baseline(pol, inv, NULL, hosts, 2);
	const mc_baseline_field *fd = field(r.res, "features");

	ck_assert_int_eq(r.status, MC_OK);
	ck_assert_int_eq(fd->value.type, MC_VALUE_SET);
	ck_assert_uint_eq(fd->value.count, 0);
	ck_assert_str_eq(fd->value.text, "");
	ck_assert_ptr_null(fd->reason);
	ck_assert(mc_baseline_result_complete(r.res));
	ck_assert_str_eq(members(hidden(r.res, 0, "features")), "x y");
	ck_assert_str_eq(members(hidden(r.res, 1, "features")), "z");
	done(&r);
}
END_TEST

START_TEST(lowest_version_and_highest_integer)
{
	static const char *const hosts[] = {"h1", "h2", "h3"};
	run r = baseline(POLICY, INVENTORY, NULL, hosts, 3);
	const mc_baseline_field *hv = field(r.res, "hypervisor");
	const mc_baseline_field *lv = field(r.res, "level");

	ck_assert_int_eq(r.status, MC_OK);
	ck_assert_int_eq(hv->value.type, MC_VALUE_VERSION);
	ck_assert_str_eq(hv->value.text, "10.0.17763");
	/* h1 and h3 run a newer version (10.0.20348 == 10.0.20348.0); h2 is
	 * the baseline and hides nothing. */
	ck_assert_str_eq(hidden(r.res, 0, "hypervisor")->text, "10.0.20348");
	ck_assert_int_eq(hidden(r.res, 1, "hypervisor")->type, MC_VALUE_NONE);
	ck_assert_str_eq(hidden(r.res, 2, "hypervisor")->text, "10.0.20348.0");
	/* `le`: the highest level is the one every host accepts. */
	ck_assert_int_eq(lv->value.type, MC_VALUE_INTEGER);
	ck_assert_int_eq(lv->value.integer, 5);
	ck_assert_str_eq(lv->value.text, "5");
	ck_assert_int_eq(hidden(r.res, 0, "level")->type, MC_VALUE_INTEGER);
	ck_assert_int_eq(hidden(r.res, 0, "level")->integer, 3);
	ck_assert_int_eq(hidden(r.res, 1, "level")->type, MC_VALUE_NONE);
	ck_assert_int_eq(hidden(r.res, 2, "level")->integer, 4);
	done(&r);
}
END_TEST

START_TEST(shared_values_normalized)
{
	static const char *const hosts[] = {"h1", "h2"};
	run r = baseline(POLICY, INVENTORY, NULL, hosts, 2);
	const mc_baseline_field *m = field(r.res, "manufacturer");
	const mc_baseline_field *fam = field(r.res, "family");
	const mc_baseline_field *sec = field(r.res, "secure");

	ck_assert_int_eq(r.status, MC_OK);
	/* GenuineIntel and "Intel Xeon" are both Intel. */
	ck_assert_int_eq(m->value.type, MC_VALUE_STRING);
	ck_assert_str_eq(m->value.text, "Intel");
	ck_assert_int_eq(fam->value.type, MC_VALUE_INTEGER);
	ck_assert_int_eq(fam->value.integer, 6);
	/* true and yes are both true. */
	ck_assert_int_eq(sec->value.type, MC_VALUE_BOOLEAN);
	ck_assert(sec->value.boolean);
	ck_assert_str_eq(sec->value.text, "true");
	for (size_t h = 0; h < 2; h++) {
		ck_assert_int_eq(hidden(r.res, h, "manufacturer")->type, MC_VALUE_NONE);
		ck_assert_int_eq(hidden(r.res, h, "family")->type, MC_VALUE_NONE);
	}
	ck_assert(mc_baseline_result_complete(r.res));
	done(&r);
}
END_TEST

START_TEST(shared_differs_names_two_hosts)
{
	static const char *const hosts[] = {"h1", "h2", "h3"};
	run r = baseline(POLICY, INVENTORY, NULL, hosts, 3);
	const mc_baseline_field *m = field(r.res, "manufacturer");
	const mc_baseline_field *fam = field(r.res, "family");

	ck_assert_int_eq(r.status, MC_OK);
	ck_assert_int_eq(m->value.type, MC_VALUE_NONE);
	ck_assert_ptr_null(m->value.text);
	ck_assert_str_eq(m->reason, "h1 has Intel, h3 AMD");
	ck_assert_str_eq(fam->reason, "h1 has 6, h3 25");
	ck_assert(!mc_baseline_result_complete(r.res));
	done(&r);
}
END_TEST

START_TEST(unusable_values_fail_closed)
{
	static const char *const hosts[] = {"h1", "h4", "h2"};
	run r = baseline(POLICY, INVENTORY, NULL, hosts, 3);

	ck_assert_int_eq(r.status, MC_OK);
	/* h4 has a family that is no number, no version and no level. */
	ck_assert_int_eq(field(r.res, "family")->value.type, MC_VALUE_NONE);
	ck_assert_str_eq(field(r.res, "family")->reason,
			 "h4 has cpu.family = 'six', which is not a whole number");
	ck_assert_int_eq(field(r.res, "hypervisor")->value.type, MC_VALUE_NONE);
	ck_assert_str_eq(field(r.res, "hypervisor")->reason,
			 "h4 has no value at hypervisor.version");
	ck_assert_str_eq(field(r.res, "level")->reason, "h4 has no value at cpu.level");
	/* Nothing is hidden where there is no baseline. */
	for (size_t h = 0; h < 3; h++) {
		ck_assert_int_eq(hidden(r.res, h, "hypervisor")->type, MC_VALUE_NONE);
		ck_assert_int_eq(hidden(r.res, h, "level")->type, MC_VALUE_NONE);
	}
	/* The other fields still have theirs. */
	ck_assert_str_eq(members(&field(r.res, "features")->value), "aa");
	ck_assert_str_eq(field(r.res, "manufacturer")->value.text, "Intel");
	ck_assert_str_eq(field(r.res, "secure")->reason, "h1 has true, h4 false");
	ck_assert(!mc_baseline_result_complete(r.res));
	done(&r);
}
END_TEST

START_TEST(several_unusable_hosts_counted)
{
	static const char *const inv =
		"hosts:\n"
		"  - { name: a, hypervisor: { version: 6.3 } }\n"
		"  - { name: b }\n"
		"  - { name: c, hypervisor: { version: R2 } }\n"
		"  - { name: d }\n";
	static const char *const pol =
		"policy: v\n"
		"fields:\n"
		"  hypervisor: { from: hypervisor.version, type: version }\n"
		"kinds: { any: {} }\n";
	static const char *const hosts[] = {"a", "b", "c", "d"};
	run r = baseline(pol, inv, NULL, hosts, 4);

	ck_assert_int_eq(r.status, MC_OK);
	ck_assert_str_eq(field(r.res, "hypervisor")->reason,
			 "b has no value at hypervisor.version (and 2 more hosts "
			 "without a usable value)");
	done(&r);
}
END_TEST

START_TEST(ordered_both_ways_is_shared)
{
	static const char *const pol =
		"policy: both\n"
		"fields:\n"
		"  v: { from: v, type: version }\n"
		"  n: { from: n, type: integer }\n"
		"  g: { from: g, type: integer }\n"
		"kinds:\n"
		"  a: { when: { vm.state: running } }\n"
		"  b: { when: { vm.state: saved } }\n"
		"compare:\n"
		"  a:\n"
		"    - { field: v, op: gt }\n"
		"    - { field: n, op: lt }\n"
		"    - { field: g, op: eq }\n"
		"  b:\n"
		"    - { field: v, op: le }\n";
	static const char *const inv =
		"hosts:\n"
		"  - { name: a, v: '6.3', n: 2, g: 1 }\n"
		"  - { name: b, v: '6.3.0', n: 1, g: 1 }\n";
	static const char *const hosts[] = {"a", "b"};
	run r = baseline(pol, inv, NULL, hosts, 2);

	ck_assert_int_eq(r.status, MC_OK);
	/* ge in one kind and le in another: only a shared value will do;
	 * 6.3 and 6.3.0 are the same version, the first host's text is kept. */
	ck_assert_str_eq(field(r.res, "v")->rule, "shared");
	ck_assert_str_eq(field(r.res, "v")->value.text, "6.3");
	/* lt alone: the highest. */
	ck_assert_str_eq(field(r.res, "n")->rule, "highest");
	ck_assert_int_eq(field(r.res, "n")->value.integer, 2);
	ck_assert_int_eq(hidden(r.res, 1, "n")->integer, 1);
	/* eq orders nothing. */
	ck_assert_str_eq(field(r.res, "g")->rule, "shared");
	ck_assert_int_eq(field(r.res, "g")->value.integer, 1);
	done(&r);
}
END_TEST

START_TEST(cluster_in_inventory_order)
{
	run r = baseline(POLICY, INVENTORY, "c1", NULL, 0);

	ck_assert_int_eq(r.status, MC_OK);
	ck_assert_str_eq(r.res->cluster, "c1");
	ck_assert_uint_eq(r.res->nhosts, 3);
	ck_assert_str_eq(r.res->hosts[0].name, "h1");
	ck_assert_str_eq(r.res->hosts[1].name, "h3");
	ck_assert_str_eq(r.res->hosts[2].name, "h4");
	ck_assert_str_eq(r.res->hosts[1].cluster, "c1");
	ck_assert_str_eq(members(&field(r.res, "features")->value), "aa");
	ck_assert_str_eq(members(hidden(r.res, 0, "features")), "mm only1 zz");
	ck_assert_int_eq(hidden(r.res, 2, "features")->type, MC_VALUE_NONE);
	done(&r);
}
END_TEST

START_TEST(one_host_is_its_own_baseline)
{
	static const char *const hosts[] = {"h3"};
	run r = baseline(POLICY, INVENTORY, NULL, hosts, 1);

	ck_assert_int_eq(r.status, MC_OK);
	ck_assert_str_eq(members(&field(r.res, "features")->value), "aa bb cc mm zz");
	ck_assert_str_eq(field(r.res, "manufacturer")->value.text, "AMD");
	for (size_t i = 0; i < r.res->nfields; i++)
		ck_assert_int_eq(r.res->hosts[0].hidden[i].type, MC_VALUE_NONE);
	ck_assert(mc_baseline_result_complete(r.res));
	done(&r);
}
END_TEST

START_TEST(bad_requests)
{
	static const char *const unknown[] = {"h1", "nope"};
	static const char *const twice[] = {"h1", "h2", "h1"};
	run r;

	r = baseline(POLICY, INVENTORY, NULL, unknown, 2);
	ck_assert_int_eq(r.status, MC_EUSAGE);
	ck_assert_str_eq(first_diag(r.fx.diag), "no host named 'nope' in the inventory");
	done(&r);

	r = baseline(POLICY, INVENTORY, NULL, twice, 3);
	ck_assert_int_eq(r.status, MC_EUSAGE);
	ck_assert_str_eq(first_diag(r.fx.diag), "host 'h1' is named twice");
	done(&r);

	r = baseline(POLICY, INVENTORY, "c9", NULL, 0);
	ck_assert_int_eq(r.status, MC_EUSAGE);
	ck_assert_str_eq(first_diag(r.fx.diag), "no host in the inventory is in "
			 "cluster 'c9' (clusters: c1, c2)");
	done(&r);

	r = baseline(POLICY, INVENTORY, "c1", twice, 3);
	ck_assert_int_eq(r.status, MC_EUSAGE);
	ck_assert(has_diag(r.fx.diag, "not both"));
	done(&r);

	r = baseline(POLICY, INVENTORY, NULL, NULL, 0);
	ck_assert_int_eq(r.status, MC_EUSAGE);
	ck_assert(has_diag(r.fx.diag, "name the hosts"));
	done(&r);
}
END_TEST

START_TEST(result_outlives_inputs)
{
	static const char *const hosts[] = {"h1", "h2", "h3"};
	run r = baseline(POLICY, INVENTORY, NULL, hosts, 3);
	mc_baseline_result *res = r.res;

	r.res = NULL;
	done(&r);
	ck_assert_str_eq(res->policy_name, "base");
	ck_assert_str_eq(res->fields[0].name, "manufacturer");
	ck_assert_str_eq(res->fields[0].reason, "h1 has Intel, h3 AMD");
	ck_assert_str_eq(res->fields[2].value.items[2], "zz");
	ck_assert_str_eq(res->hosts[2].name, "h3");
	ck_assert_str_eq(res->hosts[2].hidden[2].items[1], "cc");
	ck_assert_str_eq(res->fields[2].at.file, "base.yaml");
	mc_baseline_result_free(res);
	mc_baseline_result_free(NULL);
}
END_TEST

/* The shipped example and policy: the east cluster of examples/fleet.yaml
 * under hyperv.yaml. */
START_TEST(fleet_east_cluster)
{
	mc_diag *diag = mc_diag_new();
	mc_policy *p = NULL;
	mc_inventory *inv = NULL;
	mc_fleet *f = NULL;
	mc_baseline_result *res = NULL;
	mc_baseline_request req = {"east", NULL, 0};

	ck_assert_int_eq(mc_policy_load(&p, SRC("policies/hyperv.yaml"), NULL, diag),
			 MC_OK);
	ck_assert_int_eq(mc_inventory_new(&inv, NULL), MC_OK);
	ck_assert_int_eq(mc_inventory_add_file(inv, SRC("examples/fleet.yaml"), diag),
			 MC_OK);
	ck_assert_int_eq(mc_inventory_finish(inv, diag), MC_OK);
	ck_assert_int_eq(mc_fleet_new(&f, p, inv, NULL, diag), MC_OK);
	ck_assert_int_eq(mc_baseline(&res, f, &req, diag), MC_OK);
	ck_assert_uint_eq(res->nhosts, 9);
	ck_assert_str_eq(res->fields[0].value.text, "Intel");
	ck_assert_str_eq(res->fields[1].value.text, "x64");
	/* the features again, as the cluster's common members: the same */
	ck_assert_str_eq(res->fields[3].rule, "intersection");
	ck_assert_str_eq(res->fields[3].value.text, res->fields[2].value.text);
	ck_assert_str_eq(res->fields[4].rule, "lowest");
	ck_assert_str_eq(res->fields[4].value.text, "10.0.17763");
	/* Haswell (hv-east-09) is the oldest: it hides nothing, and AVX2 is
	 * in the baseline while AVX-512 is not. */
	ck_assert_str_eq(res->hosts[8].name, "hv-east-09");
	for (size_t i = 0; i < res->nfields; i++)
		ck_assert_int_eq(res->hosts[8].hidden[i].type, MC_VALUE_NONE);
	ck_assert_ptr_nonnull(strstr(res->fields[2].value.text, ", avx2, "));
	ck_assert_ptr_null(strstr(res->fields[2].value.text, "avx512"));
	ck_assert_uint_eq(res->fields[2].value.count, 60);
	/* Broadwell (hv-east-07) hides only what Haswell lacks. */
	ck_assert_str_eq(res->hosts[6].name, "hv-east-07");
	ck_assert_str_eq(res->hosts[6].hidden[2].text, "3dnowprefetch, adx, rdseed, smap");
	ck_assert(mc_baseline_result_complete(res));
	mc_baseline_result_free(res);
	mc_fleet_free(f);
	mc_inventory_free(inv);
	mc_policy_free(p);
	mc_diag_free(diag);
}
END_TEST

Suite *
baseline_suite(void)
{
	Suite *s = suite_create("baseline");
	TCase *t = tcase_create("rules");

	tcase_add_test(t, rules_follow_types_and_compares);
	tcase_add_test(t, intersection_sorted_by_text);
	tcase_add_test(t, intersection_of_three_and_string_sets);
	tcase_add_test(t, empty_intersection_is_a_value);
	tcase_add_test(t, lowest_version_and_highest_integer);
	tcase_add_test(t, shared_values_normalized);
	tcase_add_test(t, shared_differs_names_two_hosts);
	tcase_add_test(t, unusable_values_fail_closed);
	tcase_add_test(t, several_unusable_hosts_counted);
	tcase_add_test(t, ordered_both_ways_is_shared);
	suite_add_tcase(s, t);

	t = tcase_create("requests");
	tcase_add_test(t, cluster_in_inventory_order);
	tcase_add_test(t, one_host_is_its_own_baseline);
	tcase_add_test(t, bad_requests);
	tcase_add_test(t, result_outlives_inputs);
	tcase_add_test(t, fleet_east_cluster);
	suite_add_tcase(s, t);
	return s;
}
