/* SPDX-License-Identifier: MIT */
/*
 * test_inventory.c - loading and merging inventories.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

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

/* A name defined twice in one file is an error naming both places. */
START_TEST(duplicate_names)
{
	mc_diag *d = mc_diag_new();
	mc_inventory *inv = NULL;

	expect_error("hosts:\n  - name: a\n  - name: b\n  - name: a\n",
		     "inv.yaml:4:11: host 'a' is defined twice (first at inv.yaml:2:11)");
	expect_error("vms:\n  - { name: v, host: h, state: stopped }\n"
		     "  - { name: v, host: h, state: running }\n",
		     "inv.yaml:3:13: VM 'v' is defined twice (first at inv.yaml:2:13)");
	/* after a merge too: the second file's own two definitions */
	ck_assert_int_eq(load(&inv, d, "one.yaml", "hosts:\n  - name: a\n",
			      "two.yaml", "hosts:\n  - name: a\n  - name: a\n"), MC_EINPUT);
	ck_assert_str_eq(first_diag(d), "two.yaml:3:11: host 'a' is defined twice "
			 "(first at two.yaml:2:11)");
	ck_assert_uint_eq(mc_diag_error_count(d), 1);
	mc_inventory_free(inv);
	mc_diag_clear(d);
	/* one file given twice is one file: its names are defined twice */
	inv = NULL;
	ck_assert_int_eq(load(&inv, d, "same.yaml", "hosts:\n  - name: a\n",
			      "same.yaml", "hosts:\n  - name: a\n"), MC_EINPUT);
	ck_assert_str_eq(first_diag(d), "same.yaml:2:11: host 'a' is defined twice "
			 "(first at same.yaml:2:11)");
	mc_inventory_free(inv);
	mc_diag_free(d);
}
END_TEST

/* ------------------------------------------------------------------------
 * One record from several files
 */

/* Adds n buffers (names[i], texts[i]) to a new inventory and finishes it:
 * the status of the first step that failed. */
static int
loadv(mc_inventory **inv, mc_diag *d, size_t n, const char *const *names,
      const char *const *texts)
{
	int rc = mc_inventory_new(inv, NULL);

	for (size_t i = 0; i < n && rc == MC_OK; i++)
		rc = mc_inventory_add_buffer(*inv, names[i], texts[i],
					     strlen(texts[i]), d);
	if (rc == MC_OK)
		rc = mc_inventory_finish(*inv, d);
	return rc;
}

/* Two files that must not merge: the first diagnostic, and how many. */
static void
expect_conflict(const char *t1, const char *t2, const char *want, size_t count)
{
	const char *names[] = {"one.yaml", "two.yaml"}, *texts[] = {t1, t2};
	mc_diag *d = mc_diag_new();
	mc_inventory *inv = NULL;

	ck_assert_int_eq(loadv(&inv, d, 2, names, texts), MC_EINPUT);
	ck_assert_str_eq(first_diag(d), want);
	ck_assert_uint_eq(mc_diag_error_count(d), count);
	mc_inventory_free(inv);
	mc_diag_free(d);
}

/* Two files that merge: the inventory (the caller frees it). */
static mc_inventory *
merged(const char *t1, const char *t2)
{
	const char *names[] = {"one.yaml", "two.yaml"}, *texts[] = {t1, t2};
	mc_diag *d = mc_diag_new();
	mc_inventory *inv = NULL;

	ck_assert_msg(loadv(&inv, d, 2, names, texts) == MC_OK, "%s", first_diag(d));
	mc_diag_free(d);
	return inv;
}

static const mc_node *
at_path(const mc_node *n, const char *a, const char *b)
{
	n = mc_node_get(n, a);
	return b ? mc_node_get(n, b) : n;
}

/* A probe's CPU, a status file and a hypervisor file make one host:
 * mappings merge at every depth, and every value keeps its own place. */
START_TEST(merge_nested_maps)
{
	const char *names[] = {"probe.yaml", "status.yaml", "hv.yaml"};
	const char *texts[] = {
		"hosts:\n"
		"  - name: hv-01\n"
		"    cpu: { manufacturer: GenuineIntel, family: 6, features: [sse4_2, avx] }\n",
		"hosts:\n"
		"  - name: hv-01\n"
		"    cluster: east\n"
		"    status: { connection: responding }\n"
		"    cpu: { model: 85 }\n",
		"hosts:\n"
		"  - name: hv-01\n"
		"    hypervisor: { product: Windows Server 2022 Hyper-V, version: \"10.0.20348\" }\n"
		"    cpu: { model: 85, family: 6, features: [avx, sse4_2] }\n"
		"    status: { available_for_placement: true }\n",
	};
	mc_diag *d = mc_diag_new();
	mc_inventory *inv = NULL;
	const mc_node *rec, *cpu, *n;

	ck_assert_msg(loadv(&inv, d, 3, names, texts) == MC_OK, "%s", first_diag(d));
	ck_assert_uint_eq(mc_diag_count(d), 0);
	ck_assert_uint_eq(mc_inventory_host_count(inv), 1);
	rec = inv->hosts[0].node;
	/* the record's place is its first part's */
	ck_assert_str_eq(rec->file->name, "probe.yaml");
	ck_assert_uint_eq(rec->line, 2);
	ck_assert_str_eq(inv->hosts[0].cluster, "east");
	cpu = mc_node_get(rec, "cpu");
	ck_assert_uint_eq(cpu->len, 4);
	ck_assert_str_eq(mc_node_get(cpu, "manufacturer")->u.text, "GenuineIntel");
	n = mc_node_get(cpu, "model");
	ck_assert_int_eq(n->num, 85);
	ck_assert_str_eq(n->file->name, "status.yaml");  /* its first giver */
	ck_assert_uint_eq(n->line, 5);
	n = at_path(rec, "hypervisor", "version");
	ck_assert_str_eq(n->u.text, "10.0.20348");
	ck_assert_str_eq(n->file->name, "hv.yaml");
	ck_assert_uint_eq(n->line, 3);
	ck_assert_str_eq(at_path(rec, "status", "connection")->u.text, "responding");
	n = at_path(rec, "status", "available_for_placement");
	ck_assert_int_eq(n->type, MC_SCALAR_BOOL);
	ck_assert_str_eq(n->file->name, "hv.yaml");
	/* the first part's own nodes are not changed */
	ck_assert_uint_eq(mc_node_get(inv->docs[0]->root->u.pairs[0].value->u.items[0],
				      "cpu")->len, 3);
	mc_inventory_free(inv);
	mc_diag_free(d);
}
END_TEST

/* Equal scalars agree: one type and one value, however written. */
START_TEST(equal_scalars)
{
	mc_inventory *inv = merged(
		"hosts:\n  - { name: h, a: \"10.0\", b: 16, c: true, d: ~, e: 6.0, f: x }\n",
		"hosts:\n  - { name: h, a: 10.0, b: 0x10, c: True, d: null, e: '6.0', f: \"x\" }\n");
	const mc_node *rec = inv->hosts[0].node;

	ck_assert_str_eq(mc_node_get(rec, "a")->file->name, "one.yaml");
	ck_assert_int_eq(mc_node_get(rec, "b")->num, 16);
	ck_assert_str_eq(mc_node_get(rec, "b")->u.text, "16");  /* the first kept */
	/* nothing new: the record is the first part */
	ck_assert_ptr_eq(rec, inv->docs[0]->root->u.pairs[0].value->u.items[0]);
	mc_inventory_free(inv);
}
END_TEST

/* A conflict is an error at the later value naming the earlier one. */
START_TEST(conflicting_scalars)
{
	expect_conflict(
		"hosts:\n  - name: hv-01\n    hypervisor:\n      version: \"10.0.20348\"\n",
		"hosts:\n  - name: hv-01\n    hypervisor: { version: \"10.0.17763\" }\n",
		"two.yaml:3:28: host 'hv-01': 'hypervisor.version' is \"10.0.17763\" "
		"here but \"10.0.20348\" at one.yaml:4:16", 1);
	/* an integer and a string never agree; 6.0 is text */
	expect_conflict("hosts: [ { name: h, cpu: { family: 6 } } ]\n",
			"hosts: [ { name: h, cpu: { family: \"6\" } } ]\n",
			"two.yaml:1:36: host 'h': 'cpu.family' is \"6\" here but 6 at "
			"one.yaml:1:36", 1);
	expect_conflict("hosts: [ { name: h, cpu: { family: 6 } } ]\n",
			"hosts: [ { name: h, cpu: { family: 6.0 } } ]\n",
			"two.yaml:1:36: host 'h': 'cpu.family' is \"6.0\" here but 6 at "
			"one.yaml:1:36", 1);
	expect_conflict("hosts: [ { name: h, up: true, n: ~ } ]\n",
			"hosts: [ { name: h, up: false, n: 0 } ]\n",
			"two.yaml:1:25: host 'h': 'up' is false here but true at one.yaml:1:25", 2);
	/* every conflict of every record is reported */
	expect_conflict("hosts: [ { name: h, a: 1, b: 2 }, { name: g, c: 3 } ]\n"
			"vms: [ { name: v, host: h, state: running } ]\n",
			"hosts: [ { name: g, c: 4 }, { name: h, a: 1, b: 3 } ]\n"
			"vms: [ { name: v, host: g } ]\n",
			"two.yaml:1:24: host 'g': 'c' is 4 here but 3 at one.yaml:1:49", 3);
	/* a name written as a number is not the same as a string */
	expect_conflict("hosts: [ { name: 6 } ]\n", "hosts: [ { name: \"6\" } ]\n",
			"two.yaml:1:18: host '6': 'name' is \"6\" here but 6 at one.yaml:1:18", 1);
	/* long strings are cut in the message */
	expect_conflict("hosts: [ { name: h, s: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa } ]\n",
			"hosts: [ { name: h, s: b } ]\n",
			"two.yaml:1:24: host 'h': 's' is \"b\" here but \"aaaaaaaaaaaaaaaa"
			"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" at one.yaml:1:24", 1);
	/* ... before a character, not inside it */
	expect_conflict("hosts: [ { name: h, s: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xc3\xa9 } ]\n",
			"hosts: [ { name: h, s: b } ]\n",
			"two.yaml:1:24: host 'h': 's' is \"b\" here but \"aaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" at one.yaml:1:24", 1);
	/* an integer too large for 64 bits is text, shown as written */
	expect_conflict("hosts: [ { name: h, n: 99999999999999999999 } ]\n",
			"hosts: [ { name: h, n: \"99999999999999999998\" } ]\n",
			"two.yaml:1:24: host 'h': 'n' is \"99999999999999999998\" here but "
			"99999999999999999999 at one.yaml:1:24", 1);
	mc_inventory_free(merged("hosts: [ { name: h, n: 99999999999999999999 } ]\n",
				 "hosts: [ { name: h, n: \"99999999999999999999\" } ]\n"));
}
END_TEST

/* Lists are sets: the same members in any order, repeats or not. */
START_TEST(sets_in_another_order)
{
	mc_inventory *inv = merged(
		"hosts: [ { name: h, cpu: { features: [sse4_2, avx, avx2, 1] } } ]\n",
		"hosts: [ { name: h, cpu: { features: [1, avx2, sse4_2, avx, avx] } } ]\n");
	const mc_node *f = at_path(inv->hosts[0].node, "cpu", "features");

	ck_assert_uint_eq(f->len, 4);  /* the first part's list */
	ck_assert_str_eq(f->file->name, "one.yaml");
	mc_inventory_free(inv);
	mc_inventory_free(merged("hosts: [ { name: h, f: [] } ]\n",
				 "hosts: [ { name: h, f: [] } ]\n"));
}
END_TEST

START_TEST(sets_differing)
{
	expect_conflict(
		"hosts: [ { name: h, cpu: { features: [sse4_2, avx, avx2] } } ]\n",
		"hosts:\n  - name: h\n    cpu:\n      features: [avx, avx512f, sse4_2]\n",
		"two.yaml:4:17: host 'h': 'cpu.features' is not the same set here as at "
		"one.yaml:1:38: only here: \"avx512f\"; only there: \"avx2\"", 1);
	expect_conflict("hosts: [ { name: h, f: [a] } ]\n",
			"hosts: [ { name: h, f: [a, g, f, e, d, c, b] } ]\n",
			"two.yaml:1:24: host 'h': 'f' is not the same set here as at "
			"one.yaml:1:24: only here: \"b\", \"c\", \"d\" and 3 more", 1);
	expect_conflict("hosts: [ { name: h, f: [a, b, 1] } ]\n",
			"hosts: [ { name: h, f: [a, \"1\"] } ]\n",
			"two.yaml:1:24: host 'h': 'f' is not the same set here as at "
			"one.yaml:1:24: only here: \"1\"; only there: 1, \"b\"", 1);
	expect_conflict("hosts: [ { name: h, f: [a, b] } ]\n",
			"hosts: [ { name: h, f: [] } ]\n",
			"two.yaml:1:24: host 'h': 'f' is not the same set here as at "
			"one.yaml:1:24: only there: \"a\", \"b\"", 1);
}
END_TEST

/* A list of mappings is compared item by item, in order. */
START_TEST(lists_of_records)
{
	mc_inventory_free(merged(
		"hosts: [ { name: h, nics: [ { mac: a, up: true }, { mac: b } ] } ]\n",
		"hosts: [ { name: h, nics: [ { up: true, mac: a }, { mac: b } ] } ]\n"));
	expect_conflict("hosts: [ { name: h, nics: [ { mac: a }, { mac: b } ] } ]\n",
			"hosts: [ { name: h, nics: [ { mac: a }, { mac: c } ] } ]\n",
			"two.yaml:1:27: host 'h': 'nics' is not the same list here as at "
			"one.yaml:1:27: item 2 differs", 1);
	expect_conflict("hosts: [ { name: h, nics: [ { mac: a }, { mac: b } ] } ]\n",
			"hosts: [ { name: h, nics: [ { mac: a } ] } ]\n",
			"two.yaml:1:27: host 'h': 'nics' is not the same list here as at "
			"one.yaml:1:27: 1 items here, 2 there", 1);
}
END_TEST

START_TEST(map_versus_scalar)
{
	expect_conflict("hosts: [ { name: h, cpu: { family: 6 } } ]\n",
			"hosts: [ { name: h, cpu: Xeon } ]\n",
			"two.yaml:1:26: host 'h': 'cpu' is \"Xeon\" here but a mapping at "
			"one.yaml:1:26", 1);
	expect_conflict("hosts: [ { name: h, cpu: [a] } ]\n",
			"hosts: [ { name: h, cpu: { family: 6 } } ]\n",
			"two.yaml:1:26: host 'h': 'cpu' is a mapping here but a list at "
			"one.yaml:1:26", 1);
	expect_conflict("hosts: [ { name: h, cpu: } ]\n",
			"hosts: [ { name: h, cpu: { family: 6 } } ]\n",
			"two.yaml:1:26: host 'h': 'cpu' is a mapping here but null at "
			"one.yaml:1:26", 1);
}
END_TEST

/* A VM's required keys may come from different files; the check waits
 * for every part, and so do the defaults. */
START_TEST(vm_split_across_files)
{
	mc_inventory *inv = merged(
		"hosts: [ { name: h } ]\nvms:\n  - { name: v, host: h }\n"
		"  - { name: w, state: saved }\n",
		"vms:\n  - { name: v, state: running, checkpoints: 2 }\n"
		"  - { name: w, host: h, processor_compatibility: true }\n");
	const mc_vm_rec *v = &inv->vms[0], *w = &inv->vms[1];

	ck_assert_str_eq(v->state, "running");
	ck_assert_uint_eq(v->host, 0);
	ck_assert_str_eq(v->host_node->file->name, "one.yaml");
	ck_assert_int_eq(mc_node_get(v->node, "checkpoints")->num, 2);
	ck_assert_int_eq(mc_node_get(v->node, "processor_compatibility")->num, 0);
	ck_assert_str_eq(v->node->file->name, "one.yaml");
	ck_assert_str_eq(w->state, "saved");
	ck_assert_int_eq(mc_node_get(w->node, "checkpoints")->num, 0);
	ck_assert_int_eq(mc_node_get(w->node, "processor_compatibility")->num, 1);
	mc_inventory_free(inv);

	/* what no part gives is missing, reported at the first part */
	expect_conflict("hosts: [ { name: h } ]\nvms: [ { name: v, host: h } ]\n",
			"vms: [ { name: v, memory_mb: 4 } ]\n",
			"one.yaml:2:8: VM 'v' needs 'state'", 1);
	/* each part's types are checked where they are written */
	expect_conflict("vms: [ { name: v, host: h } ]\n",
			"vms: [ { name: v, checkpoints: many } ]\n",
			"two.yaml:1:32: 'checkpoints' must be a whole number of checkpoints "
			"(0 or more), not a string", 1);
	expect_conflict("hosts: [ { name: h } ]\nvms: [ { name: v, host: h, state: saved } ]\n",
			"vms: [ { name: v, host: g } ]\n",
			"two.yaml:1:25: VM 'v': 'host' is \"g\" here but \"h\" at one.yaml:2:25", 1);
}
END_TEST

/* The defaults are not values of a part: a later part's value stands. */
START_TEST(defaults_do_not_conflict)
{
	mc_inventory *inv = merged(
		"hosts: [ { name: h } ]\nvms: [ { name: v, host: h, state: saved } ]\n",
		"vms: [ { name: v, checkpoints: 3, processor_compatibility: true } ]\n");
	const mc_node *cp = mc_node_get(inv->vms[0].node, "checkpoints");

	ck_assert_int_eq(cp->num, 3);
	ck_assert_str_eq(cp->file->name, "two.yaml");
	ck_assert_int_eq(mc_node_get(inv->vms[0].node, "processor_compatibility")->num, 1);
	mc_inventory_free(inv);
	/* a default against a value given as the default: no conflict either */
	inv = merged("hosts: [ { name: h } ]\nvms: [ { name: v, host: h, state: saved } ]\n",
		     "vms: [ { name: v, checkpoints: 0 } ]\n");
	ck_assert_str_eq(mc_node_get(inv->vms[0].node, "checkpoints")->file->name,
			 "two.yaml");
	mc_inventory_free(inv);
}
END_TEST

/* Many parts of one name, and large mappings: merged pairwise into the
 * record, each merge linear in the parts' keys. */
START_TEST(many_parts)
{
	enum { FILES = 300, KEYS = 40 };
	static char texts[FILES][4096], names[FILES][32];
	const char *tp[FILES], *np[FILES];
	mc_diag *d = mc_diag_new();
	mc_inventory *inv = NULL;
	const mc_node *rec, *m;
	double t0;

	for (size_t i = 0; i < FILES; i++) {
		int n = snprintf(texts[i], sizeof(texts[i]),
				 "hosts:\n  - name: h\n    k%zu: %zu\n    m:\n", i, i);
		for (size_t k = 0; k < KEYS; k++)
			n += snprintf(texts[i] + n, sizeof(texts[i]) - (size_t)n,
				      "      x%zu: %zu\n", (i + k) % (KEYS + 8), (i + k) % (KEYS + 8));
		snprintf(names[i], sizeof(names[i]), "part%zu.yaml", i);
		tp[i] = texts[i];
		np[i] = names[i];
	}
	t0 = (double)clock() / CLOCKS_PER_SEC;
	ck_assert_msg(loadv(&inv, d, FILES, np, tp) == MC_OK, "%s", first_diag(d));
	ck_assert_msg((double)clock() / CLOCKS_PER_SEC - t0 < 2 * test_time_scale(),
		      "merging took too long");
	rec = inv->hosts[0].node;
	ck_assert_uint_eq(rec->len, FILES + 2);
	ck_assert_int_eq(mc_node_get(rec, "k299")->num, 299);
	m = mc_node_get(rec, "m");
	ck_assert_uint_eq(m->len, KEYS + 8);
	ck_assert_int_eq(mc_node_get(m, "x47")->num, 47);
	ck_assert_str_eq(mc_node_get(m, "x0")->file->name, "part0.yaml");
	ck_assert_str_eq(mc_node_get(m, "x47")->file->name, "part8.yaml");
	mc_inventory_free(inv);
	mc_diag_free(d);
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
	/* a record large enough for an index of its keys sees its defaults too */
	inv = inventory_from(
		"hosts: [ { name: h } ]\n"
		"vms:\n"
		"  - { name: v, host: h, state: saved, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5,\n"
		"      k6: 6, k7: 7, k8: 8, k9: 9, k10: 10, k11: 11, k12: 12, k13: 13,\n"
		"      k14: 14, k15: 15, k16: 16, k17: 17 }\n");
	ck_assert_ptr_nonnull(mc_node_get(inv->vms[0].node, "checkpoints"));
	ck_assert_int_eq(mc_node_get(inv->vms[0].node, "processor_compatibility")->num, 0);
	ck_assert_int_eq(mc_node_get(inv->vms[0].node, "k17")->num, 17);
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
	tcase_add_test(t, merge_nested_maps);
	tcase_add_test(t, equal_scalars);
	tcase_add_test(t, conflicting_scalars);
	tcase_add_test(t, sets_in_another_order);
	tcase_add_test(t, sets_differing);
	tcase_add_test(t, lists_of_records);
	tcase_add_test(t, map_versus_scalar);
	tcase_add_test(t, vm_split_across_files);
	tcase_add_test(t, defaults_do_not_conflict);
	tcase_add_test(t, many_parts);
	tcase_add_test(t, vm_on_unknown_host);
	tcase_add_test(t, required_keys_and_types);
	tcase_add_test(t, top_level);
	tcase_add_test(t, vm_defaults);
	tcase_add_test(t, json_inventory);
	tcase_add_test(t, examples_load);
	suite_add_tcase(s, t);
	return s;
}
