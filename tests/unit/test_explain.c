/* SPDX-License-Identifier: MIT */
/*
 * test_explain.c - the explain suite: conditions in words (mc_cond_words of
 * engine/policy/cond.h) and policies described by mc_policy_explain().
 */
#include <string.h>

#include "policy/cond.h"
#include "helpers.h"

static struct {
	cond_fixture c;             /* F.c.ctx compiles the conditions */
	mc_doc *docs[16];
	size_t ndocs;
	mc_buf out;
} F;

static void
setup(void)
{
	memset(&F, 0, sizeof(F));
	cond_fixture_init(&F.c);
}

static void
teardown(void)
{
	for (size_t i = 0; i < F.ndocs; i++)
		mc_doc_free(F.docs[i]);
	cond_fixture_release(&F.c);
	mc_buf_free(&F.out);
}

/* The words for a condition written in YAML. */
static const char *
words(const char *yaml)
{
	mc_doc *doc = NULL;
	const mc_cond *c;

	ck_assert_uint_lt(F.ndocs, 16);
	ck_assert_int_eq(mc_doc_load_buffer(&doc, "cond.yaml", yaml, strlen(yaml),
					    &F.c.limits, F.c.diag), MC_OK);
	F.docs[F.ndocs++] = doc;
	c = mc_cond_compile(&F.c.ctx, doc->root);
	ck_assert_msg(c != NULL, "%s does not compile: %s", yaml, first_diag(F.c.diag));
	mc_buf_reset(&F.out);
	mc_cond_words(&F.out, c);
	ck_assert(!mc_buf_failed(&F.out));
	return mc_buf_str(&F.out);
}

START_TEST(leaf_equality)
{
	ck_assert_str_eq(words("{ vm.state: running }"), "vm.state is running");
	ck_assert_str_eq(words("{ target.status.available_for_placement: true }"),
			 "target.status.available_for_placement is true");
	ck_assert_str_eq(words("{ vm.state: { ne: stopped } }"),
			 "vm.state is not stopped");
}
END_TEST

START_TEST(leaf_order)
{
	ck_assert_str_eq(words("{ vm.checkpoints: { gt: 0 } }"),
			 "vm.checkpoints is more than 0");
	ck_assert_str_eq(words("{ vm.memory_mb: { le: 4096 } }"),
			 "vm.memory_mb is at most 4096");
	ck_assert_str_eq(words("{ target.memory.free_mb: { ge: $vm.memory_mb } }"),
			 "target.memory.free_mb is at least vm.memory_mb");
	ck_assert_str_eq(words("{ vm.generation: { lt: 2 } }"),
			 "vm.generation is less than 2");
}
END_TEST

START_TEST(leaf_lists_and_paths)
{
	ck_assert_str_eq(words("{ vm.state: { in: [saved, paused] } }"),
			 "vm.state is one of saved, paused");
	ck_assert_str_eq(words("{ vm.state: { not_in: [stopped] } }"),
			 "vm.state is none of stopped");
	ck_assert_str_eq(words("{ target.cluster: $source.cluster }"),
			 "target.cluster equals source.cluster");
	ck_assert_str_eq(words("{ target.cluster: { ne: $source.cluster } }"),
			 "target.cluster differs from source.cluster");
	ck_assert_str_eq(words("{ target.cpu.features: { superset: [avx, avx2] } }"),
			 "target.cpu.features has every one of avx, avx2");
	ck_assert_str_eq(words("{ target.cpu.features: { superset: $source.cpu.features } }"),
			 "target.cpu.features has every member of source.cpu.features");
}
END_TEST

START_TEST(leaf_matches_and_exists)
{
	ck_assert_str_eq(words("{ target.name: { matches: '^hv-' } }"),
			 "target.name matches /^hv-/");
	ck_assert_str_eq(words("{ vm.owner: { exists: true } }"), "vm.owner exists");
	ck_assert_str_eq(words("{ vm.owner: { exists: false } }"), "vm.owner is missing");
	/* `$$` is a literal dollar. */
	ck_assert_str_eq(words("{ vm.tag: $$x }"), "vm.tag is $x");
}
END_TEST

START_TEST(compound)
{
	ck_assert_str_eq(words("{ any: [ { vm.state: { in: [saved, paused] } }, "
			       "{ vm.checkpoints: { gt: 0 } } ] }"),
			 "either vm.state is one of saved, paused or "
			 "vm.checkpoints is more than 0");
	ck_assert_str_eq(words("{ vm.state: running, vm.checkpoints: 0 }"),
			 "all of: vm.state is running; vm.checkpoints is 0");
	ck_assert_str_eq(words("{ any: [ {vm.a: 1}, {vm.b: 2}, {vm.c: 3} ] }"),
			 "any of: vm.a is 1; vm.b is 2; vm.c is 3");
	ck_assert_str_eq(words("{ not: { vm.state: stopped } }"),
			 "not vm.state is stopped");
	ck_assert_str_eq(words("{ vm.memory_mb: { ge: 1, le: 8 } }"),
			 "all of: vm.memory_mb is at least 1; vm.memory_mb is at most 8");
}
END_TEST

START_TEST(nested_parts_in_parentheses)
{
	ck_assert_str_eq(words("{ not: { any: [ {vm.a: 1}, {vm.b: 2} ] } }"),
			 "not (either vm.a is 1 or vm.b is 2)");
	ck_assert_str_eq(words("{ all: [ {vm.a: 1}, { any: [ {vm.b: 2}, {vm.c: 3} ] } ] }"),
			 "all of: vm.a is 1; (either vm.b is 2 or vm.c is 3)");
	/* A list of one is that one. */
	ck_assert_str_eq(words("{ any: [ {vm.a: 1} ] }"), "vm.a is 1");
}
END_TEST

/* ------------------------------------------------------------------------
 * mc_policy_explain
 */

static const char *POLICY =
	"policy: small\n"
	"description: A small policy.\n"
	"format: 1\n"
	"fields:\n"
	"  manufacturer: { from: cpu.manufacturer, normalize: [ { pattern: '^GenuineIntel$', to: Intel } ] }\n"
	"  family: { from: cpu.family, type: integer }\n"
	"  hypervisor: { from: hypervisor.version, type: version }\n"
	"kinds:\n"
	"  live: { when: { vm.state: running } }\n"
	"  stopped: { when: { vm.state: stopped } }\n"
	"host:\n"
	"  require: [ { target.status.connection: responding } ]\n"
	"match:\n"
	"  live: [manufacturer, family]\n"
	"  stopped: []\n"
	"compare:\n"
	"  live: [ { field: hypervisor, op: ge } ]\n"
	"relax:\n"
	"  - { when: { vm.processor_compatibility: true }, drop: [family] }\n"
	"rules:\n"
	"  - { id: mem, kinds: [live], require: { target.memory.free_mb: { ge: $vm.memory_mb } } }\n"
	"  - id: guest\n"
	"    lua: |\n"
	"      return true\n"
	"prefer:\n"
	"  - { match: family, weight: 2 }\n"
	"remedies:\n"
	"  - { id: stop, says: Stop it., set: { vm.state: stopped } }\n";

START_TEST(policy_explained)
{
	mc_policy *p = policy_from("small.yaml", POLICY);
	mc_explanation *e = NULL;
	const mc_explain_cell *c;

	ck_assert_int_eq(mc_policy_explain(&e, p), MC_OK);
	mc_policy_free(p);   /* the explanation outlives the policy */
	ck_assert_str_eq(e->name, "small");
	ck_assert_str_eq(e->description, "A small policy.");
	ck_assert_uint_eq(e->nfiles, 1);
	ck_assert_uint_eq(e->nfields, 3);
	ck_assert_str_eq(e->fields[0].normalize[0], "^GenuineIntel$ -> Intel");
	ck_assert_str_eq(e->fields[1].type, "integer");
	ck_assert_uint_eq(e->nkinds, 2);
	ck_assert_str_eq(e->kinds[0].when, "vm.state is running");
	/* live × manufacturer, family, hypervisor; stopped × family */
	c = &e->cells[0 * 3 + 0];
	ck_assert_str_eq(c->check, "match");
	ck_assert_ptr_null(c->relaxed);
	ck_assert_uint_eq(c->at.line, 14);
	c = &e->cells[0 * 3 + 1];
	ck_assert_str_eq(c->check, "match");
	ck_assert_str_eq(c->relaxed, "relaxed when vm.processor_compatibility is true");
	ck_assert_str_eq(e->cells[0 * 3 + 2].check, "ge");
	ck_assert_str_eq(e->cells[1 * 3 + 1].check, "not checked");
	ck_assert_ptr_null(e->cells[1 * 3 + 1].relaxed);
	ck_assert_uint_eq(e->nhost_require, 1);
	ck_assert_str_eq(e->host_require[0].text,
			 "target.status.connection is responding");
	ck_assert_str_eq(e->host_message,
			 "Host {target.name} is not available for placement.");
	ck_assert_uint_eq(e->nrelax, 1);
	ck_assert_str_eq(e->relax[0].dropped[0], "family");
	ck_assert_uint_eq(e->nrules, 2);
	ck_assert_str_eq(e->rules[0].condition,
			 "target.memory.free_mb is at least vm.memory_mb");
	ck_assert_uint_eq(e->rules[0].nkinds, 1);
	ck_assert_str_eq(e->rules[0].kinds[0], "live");
	ck_assert(e->rules[1].lua);
	ck_assert_str_eq(e->rules[1].condition, "Lua");
	ck_assert_uint_eq(e->rules[1].lua_first_line, 24);
	ck_assert_uint_eq(e->rules[1].lua_last_line, 24);
	ck_assert_uint_eq(e->rules[1].nkinds, 0);
	ck_assert_uint_eq(e->nprefer, 1);
	ck_assert_str_eq(e->prefer[0].text, "family is equal on source and target");
	ck_assert_uint_eq(e->prefer_total, 2);
	ck_assert_uint_eq(e->nremedies, 1);
	ck_assert_str_eq(e->remedies[0].set[0], "vm.state = stopped");
	ck_assert_uint_eq(e->ntests, 0);
	mc_explanation_free(e);
	mc_explanation_free(NULL);
}
END_TEST

START_TEST(lua_function_lines)
{
	mc_policy *p = NULL;
	mc_diag *d = mc_diag_new();
	mc_explanation *e = NULL;

	ck_assert_int_eq(mc_policy_load(&p, SRC("policies/hyperv-features.lua"),
					NULL, d), MC_OK);
	ck_assert_int_eq(mc_policy_explain(&e, p), MC_OK);
	ck_assert_uint_eq(e->nfiles, 2);
	/* the base's YAML rule, then the file's own Lua function */
	ck_assert_uint_eq(e->nrules, 2);
	ck_assert(e->rules[1].lua);
	ck_assert_uint_gt(e->rules[1].lua_last_line, e->rules[1].lua_first_line);
	ck_assert_uint_eq(e->rules[1].nuses, 5);
	ck_assert_str_eq(e->rules[1].uses[0], "vm.name");
	/* the base's features, read plainly and over the source's cluster */
	ck_assert_str_eq(e->fields[2].name, "features");
	ck_assert(!e->fields[2].source_cluster);
	ck_assert_str_eq(e->fields[3].name, "cluster-features");
	ck_assert(e->fields[3].source_cluster);
	mc_explanation_free(e);
	mc_policy_free(p);
	mc_diag_free(d);
}
END_TEST

Suite *
explain_suite(void)
{
	Suite *s = suite_create("explain");
	TCase *t = tcase_create("words");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, leaf_equality);
	tcase_add_test(t, leaf_order);
	tcase_add_test(t, leaf_lists_and_paths);
	tcase_add_test(t, leaf_matches_and_exists);
	tcase_add_test(t, compound);
	tcase_add_test(t, nested_parts_in_parentheses);
	suite_add_tcase(s, t);
	t = tcase_create("policy");
	tcase_add_test(t, policy_explained);
	tcase_add_test(t, lua_function_lines);
	suite_add_tcase(s, t);
	return s;
}
