/*
 * test_inventory.c - loading and merging inventories.
 */
#include <string.h>

#include "helpers.h"
#include "eval/inventory.h"

/* Adds buffers (name, text pairs) to a new inventory, then finishes it.
 * Returns the status of the first step that failed. */
static int
load(mc_inventory **inv, mc_diag *d, const char *n1, const char *t1,
     const char *n2, const char *t2)
{
	int rc = mc_inventory_new(inv, NULL);

	if (rc == MC_OK)
		rc = mc_inventory_add_buffer(*inv, n1, t1, strlen(t1), d);
	if (rc == MC_OK && n2)
		rc = mc_inventory_add_buffer(*inv, n2, t2, strlen(t2), d);
	if (rc == MC_OK)
		rc = mc_inventory_finish(*inv, d);
	return rc;
}

static void
expect_error(const char *text, const char *want)
{
	mc_diag *d = mc_diag_new();
	mc_inventory *inv = NULL;

	ck_assert_int_ne(load(&inv, d, "inv.yaml", text, NULL, NULL), MC_OK);
	ck_assert_str_eq(first_diag(d), want);
	mc_inventory_free(inv);
	mc_diag_free(d);
}

START_TEST(merge_files)
{
	mc_diag *d = mc_diag_new();
	mc_inventory *inv = NULL;

	ck_assert_int_eq(load(&inv, d,
		"hosts.yaml", "hosts:\n  - { name: a, cluster: c1 }\n  - { name: b }\n",
		"vms.yaml", "vms:\n  - { name: v, host: b, state: running }\n"), MC_OK);
	ck_assert_uint_eq(mc_inventory_host_count(inv), 2);
	ck_assert_uint_eq(mc_inventory_vm_count(inv), 1);
	ck_assert_int_eq(mc_inventory_find_host(inv, "b"), 1);
	ck_assert_int_eq(mc_inventory_find_vm(inv, "v"), 0);
	ck_assert_int_eq(mc_inventory_find_vm(inv, "w"), -1);
	/* the VM's host may be defined in another file */
	ck_assert_uint_eq(inv->vms[0].host, 1);
	ck_assert_str_eq(inv->hosts[0].cluster, "c1");
	ck_assert_ptr_null(inv->hosts[1].cluster);
	mc_inventory_free(inv);
	mc_diag_free(d);
}
END_TEST

/* A name defined twice is an error naming both places, across files too. */
START_TEST(duplicate_names)
{
	mc_diag *d = mc_diag_new();
	mc_inventory *inv = NULL;

	ck_assert_int_eq(load(&inv, d, "one.yaml", "hosts:\n  - name: a\n",
			      "two.yaml", "hosts:\n  - name: b\n  - name: a\n"), MC_EINPUT);
	ck_assert_str_eq(first_diag(d), "two.yaml:3:11: host 'a' is defined twice "
			 "(first at one.yaml:2:11)");
	mc_inventory_free(inv);
	mc_diag_free(d);

	expect_error("vms:\n  - { name: v, host: h, state: stopped }\n"
		     "  - { name: v, host: h, state: running }\n",
		     "inv.yaml:3:13: VM 'v' is defined twice (first at inv.yaml:2:13)");
}
END_TEST

START_TEST(vm_on_unknown_host)
{
	expect_error("hosts: [ { name: a } ]\nvms:\n  - { name: v, host: zz, state: running }\n",
		     "inv.yaml:3:22: VM 'v' is on host 'zz', which no inventory file "
		     "defines");
}
END_TEST

START_TEST(required_keys_and_types)
{
	expect_error("hosts:\n  - { cluster: c }\n", "inv.yaml:2:5: a host needs a 'name'");
	expect_error("hosts:\n  - { name: [a] }\n",
		     "inv.yaml:2:13: a host's 'name' must be a non-empty scalar, not a list");
	expect_error("vms:\n  - { name: v, state: running }\n",
		     "inv.yaml:2:5: VM 'v' needs 'host'");
	expect_error("vms:\n  - { name: v }\n",
		     "inv.yaml:2:5: VM 'v' needs 'host' and 'state'");
	expect_error("vms:\n  - { name: v, host: h, state: 3 }\n",
		     "inv.yaml:2:32: 'state' must be a word such as running, saved, "
		     "paused or stopped, not an integer");
	expect_error("vms:\n  - { name: v, host: h, state: saved, checkpoints: many }\n",
		     "inv.yaml:2:52: 'checkpoints' must be a whole number of checkpoints "
		     "(0 or more), not a string");
	expect_error("vms:\n  - { name: v, host: h, state: saved, checkpoints: -1 }\n",
		     "inv.yaml:2:52: 'checkpoints' must be a whole number of checkpoints "
		     "(0 or more), not -1");
	expect_error("vms:\n  - { name: v, host: h, state: saved, checkpoints: 99999999999999999999 }\n",
		     "inv.yaml:2:52: 'checkpoints' must be a whole number of checkpoints "
		     "(0 or more), not an integer too large for 64 bits");
	expect_error("hosts:\n  - { name: '' }\n",
		     "inv.yaml:2:13: a host's 'name' must be a non-empty scalar, not an "
		     "empty string");
	expect_error("vms:\n  - { name: v, host: h, state: saved, processor_compatibility: yes }\n",
		     "inv.yaml:2:64: 'processor_compatibility' must be true or false, "
		     "not a string");
	expect_error("hosts:\n  - { name: h, cluster: { a: 1 } }\n",
		     "inv.yaml:2:25: 'cluster' must be a name, not a mapping");
	expect_error("hosts: { name: h }\n", "inv.yaml:1:8: 'hosts' must be a list, not a mapping");
	expect_error("hosts:\n  - just-a-name\n",
		     "inv.yaml:2:5: a host must be a mapping, not a string");
}
END_TEST

START_TEST(top_level)
{
	expect_error("", "inv.yaml:1:1: the inventory file is empty; it must be a "
		     "mapping with 'hosts', 'vms' or both");
	expect_error("- a\n", "inv.yaml:1:1: an inventory must be a mapping with "
		     "'hosts', 'vms' or both, not a list");
	expect_error("host:\n  - name: a\n", "inv.yaml:1:1: unknown key 'host' in an "
		     "inventory (known keys: hosts, vms)");
	/* an empty section is allowed */
	mc_inventory_free(inventory_from("hosts:\nvms:\n"));
}
END_TEST

/* checkpoints defaults to 0, processor_compatibility to false. */
START_TEST(vm_defaults)
{
	mc_inventory *inv = inventory_from(
		"hosts: [ { name: h } ]\n"
		"vms:\n"
		"  - { name: v, host: h, state: running }\n"
		"  - { name: w, host: h, state: saved, checkpoints: 3, processor_compatibility: true }\n");
	const mc_node *cp = mc_node_get(inv->vms[0].node, "checkpoints");
	const mc_node *pc = mc_node_get(inv->vms[0].node, "processor_compatibility");

	ck_assert_ptr_nonnull(cp);
	ck_assert_int_eq(cp->type, MC_SCALAR_INT);
	ck_assert_int_eq(cp->num, 0);
	ck_assert_int_eq(pc->type, MC_SCALAR_BOOL);
	ck_assert_int_eq(pc->num, 0);
	ck_assert_uint_eq(cp->line, 3);  /* placed at the record */
	/* given values stay */
	ck_assert_int_eq(mc_node_get(inv->vms[1].node, "checkpoints")->num, 3);
	ck_assert_int_eq(mc_node_get(inv->vms[1].node, "processor_compatibility")->num, 1);
	/* other keys are kept */
	ck_assert_str_eq(mc_node_get(inv->vms[0].node, "state")->u.text, "running");
	mc_inventory_free(inv);
}
END_TEST

/* JSON is read as YAML flow style. */
START_TEST(json_inventory)
{
	mc_inventory *inv = inventory_from(
		"{\"hosts\": [{\"name\": \"a\", \"cpu\": {\"family\": 6}}],\n"
		" \"vms\": [{\"name\": \"v\", \"host\": \"a\", \"state\": \"stopped\"}]}\n");

	ck_assert_uint_eq(mc_inventory_host_count(inv), 1);
	ck_assert_int_eq(mc_node_get(mc_node_get(inv->hosts[0].node, "cpu"), "family")->num, 6);
	mc_inventory_free(inv);
}
END_TEST

/* The shipped examples load. */
START_TEST(examples_load)
{
	const char *files[] = {SRC("examples/kb969726.yaml"), SRC("examples/fleet.yaml")};

	for (size_t i = 0; i < 2; i++) {
		mc_diag *d = mc_diag_new();
		mc_inventory *inv = NULL;

		ck_assert_int_eq(mc_inventory_new(&inv, NULL), MC_OK);
		ck_assert_msg(mc_inventory_add_file(inv, files[i], d) == MC_OK, "%s",
			      first_diag(d));
		ck_assert_int_eq(mc_inventory_finish(inv, d), MC_OK);
		ck_assert_uint_gt(mc_inventory_host_count(inv), 5);
		mc_inventory_free(inv);
		mc_diag_free(d);
	}
}
END_TEST

Suite *
inventory_suite(void)
{
	Suite *s = suite_create("inventory");
	TCase *t = tcase_create("inventory");

	tcase_add_test(t, merge_files);
	tcase_add_test(t, duplicate_names);
	tcase_add_test(t, vm_on_unknown_host);
	tcase_add_test(t, required_keys_and_types);
	tcase_add_test(t, top_level);
	tcase_add_test(t, vm_defaults);
	tcase_add_test(t, json_inventory);
	tcase_add_test(t, examples_load);
	suite_add_tcase(s, t);
	return s;
}
