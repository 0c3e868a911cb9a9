/* SPDX-License-Identifier: MIT */
/*
 * test_cond.c - the cond suite: conditions compiled from YAML text and
 * evaluated against records with three-valued logic (engine/policy/cond.h).
 *
 * Each test compiles its conditions with an mc_cond_ctx of its own, then
 * binds records given as YAML ("vm: {...}, source: {...}, target: {...}")
 * by resolving every interned path against them, as a fleet does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/cond.h"
#include "helpers.h"

#define MAX_DOCS 64

/* ------------------------------------------------------------------------
 * Fixture
 */

static struct {
	cond_fixture c;             /* F.c.ctx compiles the conditions */
	mc_doc *docs[MAX_DOCS];
	size_t ndocs;
	const mc_node **vals[3];   /* per scope, indexed like the path tables */
	mc_matcher matcher;
	bool matcher_ready;
	mc_env env;
	mc_why why;
	char text[1024];           /* the last description */
} F;

static void
setup(void)
{
	memset(&F, 0, sizeof(F));
	cond_fixture_init(&F.c);
}

static void
unbind(void)
{
	for (int s = 0; s < 3; s++) {
		free(F.vals[s]);
		F.vals[s] = NULL;
	}
	if (F.matcher_ready)
		mc_matcher_release(&F.matcher);
	F.matcher_ready = false;
}

static void
teardown(void)
{
	unbind();
	for (size_t i = 0; i < F.ndocs; i++)
		mc_doc_free(F.docs[i]);
	cond_fixture_release(&F.c);
}

/* Parses YAML text into a document the fixture keeps; returns its root. */
static const mc_node *
yaml(const char *name, const char *text)
{
	mc_doc *doc = NULL;
	mc_diag *d = mc_diag_new();
	int rc = mc_doc_load_buffer(&doc, name, text, strlen(text), NULL, d);

	ck_assert_msg(rc == MC_OK, "YAML did not load: %s", first_diag(d));
	mc_diag_free(d);
	ck_assert_uint_lt(F.ndocs, MAX_DOCS);
	F.docs[F.ndocs++] = doc;
	ck_assert_ptr_nonnull(doc->root);
	return doc->root;
}

/* Compiles a condition that must compile without a diagnostic. */
static const mc_cond *
cond(const char *text)
{
	const mc_cond *c = mc_cond_compile(&F.c.ctx, yaml("cond.yaml", text));

	ck_assert_msg(c != NULL, "'%s' did not compile: %s", text,
		      first_diag(F.c.diag));
	ck_assert_int_eq(F.c.ctx.errors, 0);
	ck_assert_uint_eq(mc_diag_count(F.c.diag), 0);
	return c;
}

/* Compiles a condition that must not compile; returns its first error,
 * which must be at line:col and contain text. */
static const mc_diag_item *
cond_error(const char *src, unsigned line, unsigned col, const char *text)
{
	const mc_cond *c = mc_cond_compile(&F.c.ctx, yaml("cond.yaml", src));
	const mc_diag_item *it;

	ck_assert_msg(c == NULL, "'%s' compiled", src);
	ck_assert_int_ge(F.c.ctx.errors, 1);
	ck_assert_uint_ge(mc_diag_error_count(F.c.diag), 1);
	it = mc_diag_get(F.c.diag, 0);
	ck_assert_str_eq(it->at.file, "cond.yaml");
	ck_assert_msg(it->at.line == line && it->at.column == col,
		      "error at %u:%u, expected %u:%u (%s)", it->at.line,
		      it->at.column, line, col, it->message);
	ck_assert_msg(strstr(it->message, text) != NULL,
		      "message '%s' lacks '%s'", it->message, text);
	return it;
}

/* Resolves every interned path against records given as YAML with keys
 * vm, source and target (each optional), and makes the env. */
static void
bind(const char *records)
{
	const mc_node *root = yaml("records.yaml", records);
	const mc_node *rec[3] = {
		mc_node_get(root, "vm"), mc_node_get(root, "source"),
		mc_node_get(root, "target"),
	};

	unbind();
	for (int s = 0; s < 3; s++) {
		const mc_pathtab *t = s == MC_SCOPE_VM ? &F.c.vm_paths : &F.c.host_paths;
		F.vals[s] = calloc(t->count + 1, sizeof(*F.vals[s]));
		ck_assert_ptr_nonnull(F.vals[s]);
		for (size_t i = 0; i < t->count; i++)
			F.vals[s][i] = rec[s] ? mc_path_resolve(&t->paths[i], rec[s]) : NULL;
	}
	ck_assert_int_eq(mc_matcher_init(&F.matcher, &F.c.limits), 0);
	F.matcher_ready = true;
	F.env.vm = F.vals[MC_SCOPE_VM];
	F.env.source = F.vals[MC_SCOPE_SOURCE];
	F.env.target = F.vals[MC_SCOPE_TARGET];
	F.env.matcher = &F.matcher;
}

static mc_tv
eval(const mc_cond *c)
{
	memset(&F.why, 0, sizeof(F.why));
	return mc_cond_eval(c, &F.env, &F.why);
}

/* Compiles src, binds records, evaluates. */
static mc_tv
check(const char *src, const char *records)
{
	const mc_cond *c = cond(src);

	bind(records);
	return eval(c);
}

/* The description of the last evaluation's why. */
static const char *
describe(void)
{
	mc_buf b = MC_BUF_INIT;

	mc_cond_describe(&b, &F.why, &F.env);
	ck_assert(!mc_buf_failed(&b));
	snprintf(F.text, sizeof(F.text), "%s", mc_buf_str(&b));
	mc_buf_free(&b);
	return F.text;
}

#define assert_tv(got, want) \
	ck_assert_msg((got) == (want), "got %d, expected %d", (int)(got), (int)(want))

#define assert_why(reason_, subject) do { \
	ck_assert_ptr_nonnull(F.why.leaf); \
	ck_assert_int_eq(F.why.reason, (reason_)); \
	ck_assert_str_eq(F.why.leaf->subject_text, (subject)); \
} while (0)

/* ------------------------------------------------------------------------
 * Operators
 */

START_TEST(op_eq_scalar_test)
{
	const char *c = "{target.status.agent: responding}";

	assert_tv(check(c, "target: {status: {agent: responding}}"), MC_TRUE);
	assert_tv(check(c, "target: {status: {agent: not-responding}}"), MC_FALSE);
	assert_why(MC_WHY_FAILED, "target.status.agent");
}
END_TEST

START_TEST(op_eq_explicit)
{
	const char *c = "{vm.generation: {eq: 2}}";

	assert_tv(check(c, "vm: {generation: 2}"), MC_TRUE);
	assert_tv(check(c, "vm: {generation: 1}"), MC_FALSE);
}
END_TEST

START_TEST(op_eq_is_type_sensitive)
{
	/* The integer 1 is not the string "1", and true is not "true". */
	assert_tv(check("{vm.n: '1'}", "vm: {n: 1}"), MC_FALSE);
	assert_tv(check("{vm.n: 1}", "vm: {n: '1'}"), MC_FALSE);
	assert_tv(check("{vm.b: true}", "vm: {b: 'true'}"), MC_FALSE);
	assert_tv(check("{vm.b: true}", "vm: {b: true}"), MC_TRUE);
	/* yes is a string in the core schema, and so equal only to 'yes'. */
	assert_tv(check("{vm.b: yes}", "vm: {b: true}"), MC_FALSE);
	assert_tv(check("{vm.b: yes}", "vm: {b: 'yes'}"), MC_TRUE);
}
END_TEST

START_TEST(op_ne)
{
	const char *c = "{vm.state: {ne: running}}";

	assert_tv(check(c, "vm: {state: saved}"), MC_TRUE);
	assert_tv(check(c, "vm: {state: running}"), MC_FALSE);
	assert_why(MC_WHY_FAILED, "vm.state");
}
END_TEST

START_TEST(op_lt_le_gt_ge_on_integers)
{
	const char *rec = "vm: {mem: 2048}";

	assert_tv(check("{vm.mem: {lt: 4096}}", rec), MC_TRUE);
	assert_tv(check("{vm.mem: {lt: 2048}}", rec), MC_FALSE);
	assert_tv(check("{vm.mem: {le: 2048}}", rec), MC_TRUE);
	assert_tv(check("{vm.mem: {le: 2047}}", rec), MC_FALSE);
	assert_tv(check("{vm.mem: {gt: 2047}}", rec), MC_TRUE);
	assert_tv(check("{vm.mem: {gt: 2048}}", rec), MC_FALSE);
	assert_tv(check("{vm.mem: {ge: 2048}}", rec), MC_TRUE);
	assert_tv(check("{vm.mem: {ge: 2049}}", rec), MC_FALSE);
	/* Numerically, not as text: 10 > 9. */
	assert_tv(check("{vm.n: {gt: 9}}", "vm: {n: 10}"), MC_TRUE);
	assert_tv(check("{vm.n: {gt: -1}}", "vm: {n: -5}"), MC_FALSE);
}
END_TEST

START_TEST(op_order_on_versions)
{
	const char *rec = "target: {hv: {version: 6.3.9600}}";

	assert_tv(check("{target.hv.version: {ge: '6.3'}}", rec), MC_TRUE);
	assert_tv(check("{target.hv.version: {gt: '6.3.9600.0'}}", rec), MC_FALSE);
	assert_tv(check("{target.hv.version: {lt: '10.0'}}", rec), MC_TRUE);
	assert_tv(check("{target.hv.version: {le: '6.3'}}", rec), MC_FALSE);
	/* An integer operand against a version value. */
	assert_tv(check("{target.hv.version: {lt: 7}}", rec), MC_TRUE);
	assert_tv(check("{target.hv.version: {ge: 10}}", rec), MC_FALSE);
}
END_TEST

START_TEST(op_in)
{
	const char *c = "{vm.state: {in: [saved, paused]}}";

	assert_tv(check(c, "vm: {state: paused}"), MC_TRUE);
	assert_tv(check(c, "vm: {state: running}"), MC_FALSE);
	assert_why(MC_WHY_FAILED, "vm.state");
	/* Members compare with their types. */
	assert_tv(check("{vm.gen: {in: [1, 2]}}", "vm: {gen: 2}"), MC_TRUE);
	assert_tv(check("{vm.gen: {in: ['1', '2']}}", "vm: {gen: 2}"), MC_FALSE);
}
END_TEST

START_TEST(op_not_in)
{
	const char *c = "{vm.state: {not_in: [saved, paused]}}";

	assert_tv(check(c, "vm: {state: running}"), MC_TRUE);
	assert_tv(check(c, "vm: {state: saved}"), MC_FALSE);
}
END_TEST

START_TEST(op_matches)
{
	const char *c = "{target.cpu.name: {matches: '^Intel\\(R\\) Xeon'}}";

	assert_tv(check(c, "target: {cpu: {name: 'Intel(R) Xeon(R) Gold 6230'}}"),
		  MC_TRUE);
	assert_tv(check(c, "target: {cpu: {name: 'AMD EPYC 7302'}}"), MC_FALSE);
	assert_why(MC_WHY_FAILED, "target.cpu.name");
	/* Case matters: no caseless flag in conditions. */
	assert_tv(check(c, "target: {cpu: {name: 'intel(r) xeon'}}"), MC_FALSE);
}
END_TEST

START_TEST(op_matches_reads_integers_and_booleans_as_text)
{
	assert_tv(check("{vm.model: {matches: '^8[0-9]$'}}", "vm: {model: 85}"),
		  MC_TRUE);
	assert_tv(check("{vm.flag: {matches: '^true$'}}", "vm: {flag: true}"),
		  MC_TRUE);
	assert_tv(check("{vm.flag: {matches: '^true$'}}", "vm: {flag: false}"),
		  MC_FALSE);
}
END_TEST

START_TEST(op_exists_true)
{
	const char *c = "{vm.memory_mb: {exists: true}}";

	assert_tv(check(c, "vm: {memory_mb: 1024}"), MC_TRUE);
	assert_tv(check(c, "vm: {other: 1}"), MC_FALSE);
	ck_assert_str_eq(describe(), "vm.memory_mb is missing, expected to exist");
	/* A null value counts as missing. */
	assert_tv(check(c, "vm: {memory_mb: ~}"), MC_FALSE);
}
END_TEST

START_TEST(op_exists_false)
{
	const char *c = "{vm.memory_mb: {exists: false}}";

	assert_tv(check(c, "vm: {other: 1}"), MC_TRUE);
	assert_tv(check(c, "vm: {memory_mb: ~}"), MC_TRUE);
	assert_tv(check(c, "vm: {memory_mb: 1024}"), MC_FALSE);
	ck_assert_str_eq(describe(), "vm.memory_mb exists, expected to be absent");
}
END_TEST

START_TEST(op_exists_never_unknown)
{
	/* Neither a missing record nor a missing path makes exists unknown. */
	assert_tv(check("{vm.a.b.c: {exists: true}}", "vm: {a: 5}"), MC_FALSE);
	assert_tv(check("{vm.a.b.c: {exists: false}}", "vm: {a: 5}"), MC_TRUE);
}
END_TEST

START_TEST(op_superset)
{
	const char *c = "{target.cpu.features: {superset: [sse4_2, avx]}}";

	assert_tv(check(c, "target: {cpu: {features: [avx2, avx, sse4_2]}}"),
		  MC_TRUE);
	assert_tv(check(c, "target: {cpu: {features: [sse4_2, avx2]}}"), MC_FALSE);
	assert_tv(check("{target.f: {superset: []}}", "target: {f: []}"), MC_TRUE);
}
END_TEST

START_TEST(op_subset)
{
	const char *c = "{vm.tags: {subset: [a, b, c]}}";

	assert_tv(check(c, "vm: {tags: [b, a]}"), MC_TRUE);
	assert_tv(check(c, "vm: {tags: []}"), MC_TRUE);
	assert_tv(check(c, "vm: {tags: [a, d]}"), MC_FALSE);
}
END_TEST

START_TEST(op_superset_of_a_path)
{
	const char *c = "{target.cpu.features: {superset: $source.cpu.features}}";

	assert_tv(check(c, "source: {cpu: {features: [a, b]}}\n"
			"target: {cpu: {features: [b, c, a]}}"), MC_TRUE);
	assert_tv(check(c, "source: {cpu: {features: [a, d]}}\n"
			"target: {cpu: {features: [b, c, a]}}"), MC_FALSE);
}
END_TEST

START_TEST(op_set_operators_on_a_scalar_are_malformed)
{
	assert_tv(check("{vm.tags: {superset: [a]}}", "vm: {tags: a}"), MC_UNKNOWN);
	assert_why(MC_WHY_MALFORMED, "vm.tags");
	assert_tv(check("{vm.tags: {subset: $vm.other}}", "vm: {tags: [a], other: a}"),
		  MC_UNKNOWN);
	assert_why(MC_WHY_MALFORMED, "vm.tags");
}
END_TEST

START_TEST(op_in_a_path_that_is_no_list_is_malformed)
{
	assert_tv(check("{vm.state: {in: $vm.allowed}}",
			"vm: {state: a, allowed: [a, b]}"), MC_TRUE);
	assert_tv(check("{vm.state: {in: $vm.allowed}}",
			"vm: {state: a, allowed: a}"), MC_UNKNOWN);
	assert_why(MC_WHY_MALFORMED, "vm.state");
}
END_TEST

START_TEST(op_lists_too_long_to_compare_are_refused)
{
	/* 1001 x 1000 member comparisons pass the bound of a million. */
	size_t cap = 16 * 1024;
	char *c = malloc(cap), *r = malloc(cap);
	size_t cl = 0, rl = 0;

	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(r);
	cl += (size_t)snprintf(c + cl, cap - cl, "{vm.l: {superset: [");
	rl += (size_t)snprintf(r + rl, cap - rl, "vm: {l: [");
	for (int i = 0; i < 1001; i++) {
		if (i < 1000)
			cl += (size_t)snprintf(c + cl, cap - cl, "%s%d", i ? "," : "", i);
		rl += (size_t)snprintf(r + rl, cap - rl, "%s%d", i ? "," : "", i);
	}
	snprintf(c + cl, cap - cl, "]}}");
	snprintf(r + rl, cap - rl, "]}");
	assert_tv(check(c, r), MC_UNKNOWN);
	assert_why(MC_WHY_TOO_LARGE, "vm.l");
	free(c);
	free(r);
}
END_TEST

START_TEST(op_name_matches_the_policy_word)
{
	ck_assert_str_eq(mc_op_name(MC_OP_EQ), "eq");
	ck_assert_str_eq(mc_op_name(MC_OP_GE), "ge");
	ck_assert_str_eq(mc_op_name(MC_OP_NOT_IN), "not_in");
	ck_assert_str_eq(mc_op_name(MC_OP_MATCHES), "matches");
	ck_assert_str_eq(mc_op_name(MC_OP_SUBSET), "subset");
	ck_assert_str_eq(mc_op_name(MC_OP_DISJOINT), "disjoint");
	ck_assert_str_eq(mc_op_name(MC_OP_COUNT), "?");
}
END_TEST

/* Every row of the operator table is complete, and names are unique. */
START_TEST(op_table_rows_are_complete)
{
	for (unsigned i = 0; i < MC_OP_COUNT; i++) {
		const mc_op_info *o = &mc_ops[i];
		mc_op found;

		ck_assert_ptr_nonnull(o->name);
		ck_assert(mc_op_lookup(o->name, &found));
		ck_assert_uint_eq(found, i);
		ck_assert_ptr_nonnull(o->expected);
		ck_assert_msg(o->operand != MC_OPERAND_NONE || o->fits,
			      "'%s' is an operator of nothing", o->name);
		if (o->operand != MC_OPERAND_NONE)
			ck_assert_msg(o->words && o->words_ref, "'%s'", o->name);
		if (o->fits) {
			ck_assert_msg(o->plan && o->message, "'%s'", o->name);
			ck_assert_msg(o->needs || o->eval == MC_EVAL_EQUAL, "'%s'", o->name);
		}
		if (o->eval == MC_EVAL_ORDER || o->eval == MC_EVAL_EQUAL)
			ck_assert_msg(o->order, "'%s' has no order", o->name);
		ck_assert_msg(!o->set_detail == !(o->fits == MC_FT_BIT(MC_FT_SET)),
			      "'%s'", o->name);
	}
	ck_assert(!mc_op_lookup("equals", &(mc_op){MC_OP_EQ}));
}
END_TEST

START_TEST(op_table_lists_operators_in_order)
{
	char b[128];

	ck_assert_str_eq(mc_op_names(b, sizeof(b), MC_OP_USE_COND, " "),
			 "eq ne lt le gt ge in not_in matches exists superset subset");
	ck_assert_str_eq(mc_op_names(b, sizeof(b), MC_OP_USE_COMPARE, ", "),
			 "eq, ne, lt, le, gt, ge, superset, subset, disjoint");
	ck_assert_str_eq(mc_op_names(b, 9, MC_OP_USE_COND, " "), "eq ne lt");
}
END_TEST

START_TEST(op_table_orders)
{
	ck_assert(mc_op_orders(&mc_ops[MC_OP_GE], 0));
	ck_assert(mc_op_orders(&mc_ops[MC_OP_GE], 3));
	ck_assert(!mc_op_orders(&mc_ops[MC_OP_GE], -1));
	ck_assert(!mc_op_orders(&mc_ops[MC_OP_NE], 0));
	ck_assert(mc_op_orders(&mc_ops[MC_OP_NE], -2));
	ck_assert(mc_op_orders(&mc_ops[MC_OP_LT], -1));
	ck_assert(!mc_op_orders(&mc_ops[MC_OP_LT], 0));
}
END_TEST

/* ------------------------------------------------------------------------
 * Operands
 */

START_TEST(operand_path_is_read_from_the_records)
{
	const char *c = "{target.memory.free_mb: {ge: $vm.memory_mb}}";

	assert_tv(check(c, "vm: {memory_mb: 2048}\ntarget: {memory: {free_mb: 4096}}"),
		  MC_TRUE);
	assert_tv(check(c, "vm: {memory_mb: 2048}\ntarget: {memory: {free_mb: 1024}}"),
		  MC_FALSE);
	assert_why(MC_WHY_FAILED, "target.memory.free_mb");
	ck_assert(F.why.leaf->operand_is_ref);
}
END_TEST

START_TEST(operand_path_equality_between_hosts)
{
	const char *c = "{target.cluster: $source.cluster}";

	assert_tv(check(c, "source: {cluster: east}\ntarget: {cluster: east}"), MC_TRUE);
	assert_tv(check(c, "source: {cluster: east}\ntarget: {cluster: west}"),
		  MC_FALSE);
	/* source and target read the same host paths, from different records. */
	ck_assert_uint_eq(F.c.host_paths.count, 1);
}
END_TEST

START_TEST(operand_path_missing_is_unknown)
{
	const char *c = "{target.memory.free_mb: {ge: $vm.memory_mb}}";

	assert_tv(check(c, "vm: {name: x}\ntarget: {memory: {free_mb: 4096}}"),
		  MC_UNKNOWN);
	assert_why(MC_WHY_MISSING_OPERAND, "target.memory.free_mb");
	assert_tv(check(c, "vm: {memory_mb: ~}\ntarget: {memory: {free_mb: 4096}}"),
		  MC_UNKNOWN);
	assert_why(MC_WHY_MISSING_OPERAND, "target.memory.free_mb");
}
END_TEST

START_TEST(operand_double_dollar_is_a_literal)
{
	const char *c = "{vm.price: $$5}";

	assert_tv(check(c, "vm: {price: $5}"), MC_TRUE);
	assert_tv(check(c, "vm: {price: $$5}"), MC_FALSE);
	/* No path was interned for the literal. */
	ck_assert_uint_eq(F.c.vm_paths.count, 1);
	ck_assert(!F.why.leaf->operand_is_ref);
}
END_TEST

START_TEST(operand_double_dollar_in_an_operator)
{
	assert_tv(check("{vm.price: {ne: $$vm.x}}", "vm: {price: $vm.x}"), MC_FALSE);
	assert_tv(check("{vm.price: {ne: $$vm.x}}", "vm: {price: vm.x}"), MC_TRUE);
}
END_TEST

START_TEST(operand_paths_are_interned_once)
{
	cond("{vm.a: 1, vm.b: $vm.a}");
	cond("{any: [{vm.a: 2}, {source.x: $target.x}]}");
	ck_assert_uint_eq(F.c.vm_paths.count, 2);
	ck_assert_uint_eq(F.c.host_paths.count, 1);
	ck_assert_str_eq(F.c.vm_paths.paths[0].text, "a");
	ck_assert_str_eq(F.c.vm_paths.paths[1].text, "b");
	ck_assert_str_eq(F.c.host_paths.paths[0].text, "x");
}
END_TEST

/* ------------------------------------------------------------------------
 * Combinations
 */

START_TEST(combine_all)
{
	const char *c = "{all: [{vm.a: 1}, {vm.b: 2}]}";

	assert_tv(check(c, "vm: {a: 1, b: 2}"), MC_TRUE);
	assert_tv(check(c, "vm: {a: 1, b: 3}"), MC_FALSE);
	assert_why(MC_WHY_FAILED, "vm.b");
	assert_tv(check(c, "vm: {a: 0, b: 2}"), MC_FALSE);
	assert_why(MC_WHY_FAILED, "vm.a");
}
END_TEST

START_TEST(combine_any)
{
	const char *c = "{any: [{vm.a: 1}, {vm.b: 2}]}";

	assert_tv(check(c, "vm: {a: 0, b: 2}"), MC_TRUE);
	assert_why(MC_WHY_HELD, "vm.b");
	assert_tv(check(c, "vm: {a: 1, b: 0}"), MC_TRUE);
	assert_tv(check(c, "vm: {a: 0, b: 0}"), MC_FALSE);
	/* no one part failed it: the alternatives did, together */
	ck_assert_str_eq(describe(), "none of 2 alternatives holds");
	/* an `any` of one part is that part */
	assert_tv(check("{any: [{vm.a: 1}]}", "vm: {a: 0}"), MC_FALSE);
	assert_why(MC_WHY_FAILED, "vm.a");
}
END_TEST

START_TEST(combine_not)
{
	const char *c = "{not: {vm.state: running}}";

	assert_tv(check(c, "vm: {state: saved}"), MC_TRUE);
	assert_tv(check(c, "vm: {state: running}"), MC_FALSE);
}
END_TEST

START_TEST(combine_nested)
{
	const char *c =
		"any:\n"
		"  - all: [{vm.state: saved}, {not: {vm.checkpoints: 0}}]\n"
		"  - not: {any: [{vm.state: running}, {vm.state: stopped}]}\n";

	/* saved with checkpoints: the first branch holds. */
	assert_tv(check(c, "vm: {state: saved, checkpoints: 2}"), MC_TRUE);
	/* paused: the second branch holds. */
	assert_tv(check(c, "vm: {state: paused, checkpoints: 0}"), MC_TRUE);
	/* running: neither holds. */
	assert_tv(check(c, "vm: {state: running, checkpoints: 3}"), MC_FALSE);
	/* stopped: neither holds. */
	assert_tv(check(c, "vm: {state: stopped, checkpoints: 0}"), MC_FALSE);
}
END_TEST

START_TEST(combine_several_keys_mean_all)
{
	const char *c = "{vm.a: 1, vm.b: 2}";

	assert_tv(check(c, "vm: {a: 1, b: 2}"), MC_TRUE);
	assert_tv(check(c, "vm: {a: 1, b: 0}"), MC_FALSE);
	assert_tv(check(c, "vm: {a: 0, b: 2}"), MC_FALSE);
}
END_TEST

START_TEST(combine_several_operators_mean_all)
{
	const char *c = "{vm.mem: {ge: 1024, le: 4096}}";

	assert_tv(check(c, "vm: {mem: 2048}"), MC_TRUE);
	assert_tv(check(c, "vm: {mem: 512}"), MC_FALSE);
	assert_tv(check(c, "vm: {mem: 8192}"), MC_FALSE);
	ck_assert_int_eq(F.why.leaf->op, MC_OP_LE);
}
END_TEST

START_TEST(combine_empty_all_and_any)
{
	/* Kleene identities: all of nothing holds, any of nothing does not. */
	assert_tv(check("{all: []}", "vm: {}"), MC_TRUE);
	assert_tv(check("{any: []}", "vm: {}"), MC_FALSE);
}
END_TEST

/* ------------------------------------------------------------------------
 * Three-valued logic
 */

START_TEST(tv_missing_value_is_unknown)
{
	assert_tv(check("{vm.memory_mb: {ge: 1024}}", "vm: {name: x}"), MC_UNKNOWN);
	assert_why(MC_WHY_MISSING, "vm.memory_mb");
	/* A path through a scalar is missing too. */
	assert_tv(check("{vm.a.b: 1}", "vm: {a: 5}"), MC_UNKNOWN);
	assert_why(MC_WHY_MISSING, "vm.a.b");
}
END_TEST

START_TEST(tv_null_value_counts_as_missing)
{
	assert_tv(check("{vm.state: running}", "vm: {state: ~}"), MC_UNKNOWN);
	assert_why(MC_WHY_MISSING, "vm.state");
	assert_tv(check("{vm.state: running}", "vm: {state: }"), MC_UNKNOWN);
}
END_TEST

START_TEST(tv_negative_operators_on_missing_are_unknown)
{
	/* Fail closed: a missing value is not "not equal" nor "not in". */
	assert_tv(check("{vm.state: {ne: running}}", "vm: {}"), MC_UNKNOWN);
	assert_tv(check("{vm.state: {not_in: [running]}}", "vm: {}"), MC_UNKNOWN);
	assert_tv(check("{vm.f: {subset: [a]}}", "vm: {}"), MC_UNKNOWN);
}
END_TEST

START_TEST(tv_not_unknown_is_unknown)
{
	assert_tv(check("{not: {vm.a: 1}}", "vm: {}"), MC_UNKNOWN);
	assert_why(MC_WHY_MISSING, "vm.a");
	assert_tv(check("{not: {not: {vm.a: 1}}}", "vm: {}"), MC_UNKNOWN);
}
END_TEST

START_TEST(tv_all_false_and_unknown_is_false)
{
	assert_tv(check("{all: [{vm.a: 1}, {vm.missing: 1}]}", "vm: {a: 0}"), MC_FALSE);
	assert_why(MC_WHY_FAILED, "vm.a");
	/* In either order: the FALSE part decides. */
	assert_tv(check("{all: [{vm.missing: 1}, {vm.a: 1}]}", "vm: {a: 0}"), MC_FALSE);
	assert_why(MC_WHY_FAILED, "vm.a");
}
END_TEST

START_TEST(tv_all_true_and_unknown_is_unknown)
{
	assert_tv(check("{all: [{vm.a: 1}, {vm.missing: 1}]}", "vm: {a: 1}"),
		  MC_UNKNOWN);
	assert_why(MC_WHY_MISSING, "vm.missing");
	/* Several keys are an all. */
	assert_tv(check("{vm.a: 1, vm.missing: 1}", "vm: {a: 1}"), MC_UNKNOWN);
}
END_TEST

START_TEST(tv_any_true_and_unknown_is_true)
{
	assert_tv(check("{any: [{vm.a: 1}, {vm.missing: 1}]}", "vm: {a: 1}"), MC_TRUE);
	assert_why(MC_WHY_HELD, "vm.a");
	assert_tv(check("{any: [{vm.missing: 1}, {vm.a: 1}]}", "vm: {a: 1}"), MC_TRUE);
	assert_why(MC_WHY_HELD, "vm.a");
}
END_TEST

START_TEST(tv_any_false_and_unknown_is_unknown)
{
	assert_tv(check("{any: [{vm.a: 1}, {vm.missing: 1}]}", "vm: {a: 0}"),
		  MC_UNKNOWN);
	assert_why(MC_WHY_MISSING, "vm.missing");
	assert_tv(check("{any: [{vm.missing: 1}, {vm.a: 1}]}", "vm: {a: 0}"),
		  MC_UNKNOWN);
	assert_why(MC_WHY_MISSING, "vm.missing");
}
END_TEST

START_TEST(tv_not_of_any_with_unknown)
{
	/* not(any(FALSE, UNKNOWN)) = not(UNKNOWN) = UNKNOWN: never TRUE. */
	assert_tv(check("{not: {any: [{vm.a: 1}, {vm.missing: 1}]}}", "vm: {a: 0}"),
		  MC_UNKNOWN);
}
END_TEST

START_TEST(tv_order_on_non_version_text_is_malformed)
{
	assert_tv(check("{vm.a: {gt: 5}}", "vm: {a: abc}"), MC_UNKNOWN);
	assert_why(MC_WHY_MALFORMED, "vm.a");
	assert_tv(check("{vm.a: {le: abc}}", "vm: {a: 5}"), MC_UNKNOWN);
	assert_why(MC_WHY_MALFORMED, "vm.a");
	assert_tv(check("{vm.a: {lt: 5}}", "vm: {a: true}"), MC_UNKNOWN);
	assert_why(MC_WHY_MALFORMED, "vm.a");
	assert_tv(check("{vm.a: {ge: 5}}", "vm: {a: [5]}"), MC_UNKNOWN);
	assert_why(MC_WHY_MALFORMED, "vm.a");
}
END_TEST

/* ------------------------------------------------------------------------
 * Why and describe
 */

START_TEST(why_points_at_the_leaf)
{
	const char *c = "all:\n  - {vm.a: 1}\n  - vm.b: {ge: 5}\n";

	assert_tv(check(c, "vm: {a: 1, b: 2}"), MC_FALSE);
	assert_why(MC_WHY_FAILED, "vm.b");
	ck_assert_int_eq(F.why.leaf->type, MC_COND_LEAF);
	ck_assert_int_eq(F.why.leaf->op, MC_OP_GE);
	/* An operator leaf is at its operator. */
	ck_assert_uint_eq(F.why.leaf->at->line, 3);
	ck_assert_uint_eq(F.why.leaf->at->col, 12);
	assert_tv(check(c, "vm: {a: 2, b: 9}"), MC_FALSE);
	/* A scalar test's leaf is at its path. */
	ck_assert_uint_eq(F.why.leaf->at->line, 2);
	ck_assert_uint_eq(F.why.leaf->at->col, 6);
}
END_TEST

START_TEST(describe_failed_eq)
{
	assert_tv(check("{target.status.agent: responding}",
			"target: {status: {agent: not-responding}}"), MC_FALSE);
	ck_assert_str_eq(describe(),
			 "target.status.agent is 'not-responding', expected 'responding'");
}
END_TEST

START_TEST(describe_missing_value)
{
	assert_tv(check("{target.status.agent: responding}", "target: {status: {}}"),
		  MC_UNKNOWN);
	ck_assert_str_eq(describe(), "target.status.agent is missing");
}
END_TEST

START_TEST(describe_missing_operand)
{
	assert_tv(check("{target.memory.free_mb: {ge: $vm.memory_mb}}",
			"vm: {}\ntarget: {memory: {free_mb: 4096}}"), MC_UNKNOWN);
	ck_assert_str_eq(describe(),
			 "target.memory.free_mb cannot be compared: vm.memory_mb is missing");
}
END_TEST

START_TEST(describe_failed_order_with_a_path_operand)
{
	assert_tv(check("{target.memory.free_mb: {ge: $vm.memory_mb}}",
			"vm: {memory_mb: 2048}\ntarget: {memory: {free_mb: 1024}}"),
		  MC_FALSE);
	ck_assert_str_eq(describe(), "target.memory.free_mb is 1024, expected at "
			 "least 2048 (vm.memory_mb)");
}
END_TEST

START_TEST(describe_failed_in)
{
	assert_tv(check("{vm.state: {in: [saved, paused]}}", "vm: {state: running}"),
		  MC_FALSE);
	ck_assert_str_eq(describe(),
			 "vm.state is 'running', expected one of ['saved', 'paused']");
}
END_TEST

START_TEST(describe_failed_matches)
{
	assert_tv(check("{vm.name: {matches: '^web-'}}", "vm: {name: db-01}"),
		  MC_FALSE);
	ck_assert_str_eq(describe(), "vm.name is 'db-01', expected to match /^web-/");
}
END_TEST

START_TEST(describe_malformed)
{
	assert_tv(check("{vm.a: {gt: 5}}", "vm: {a: abc}"), MC_UNKNOWN);
	ck_assert_str_eq(describe(), "vm.a is 'abc', which 'gt' cannot compare with 5");
}
END_TEST

START_TEST(describe_without_a_leaf)
{
	mc_buf b = MC_BUF_INIT;
	mc_why none = {NULL, MC_WHY_HELD};

	mc_cond_describe(&b, &none, &F.env);
	ck_assert_str_eq(mc_buf_str(&b), "no condition part decided");
	mc_buf_free(&b);
}
END_TEST

/* ------------------------------------------------------------------------
 * Compile errors
 */

START_TEST(error_unknown_operator)
{
	/* {vm.a: {eqq: 1}}: the operator at column 9 */
	cond_error("{vm.a: {eqq: 1}}", 1, 9, "unknown operator 'eqq'");
}
END_TEST

START_TEST(error_path_outside_the_records)
{
	cond_error("{host.a: 1}", 1, 2, "'host.a' is not a path");
}
END_TEST

START_TEST(error_path_with_an_empty_part)
{
	cond_error("{vm..a: 1}", 1, 2, "is not a path");
}
END_TEST

START_TEST(error_path_that_is_only_a_scope)
{
	cond_error("\nvm: 1\n", 2, 1, "'vm' is not a path");
}
END_TEST

START_TEST(error_operand_path_outside_the_records)
{
	/* {vm.a: {eq: $host.b}}: the operand at column 13 */
	cond_error("{vm.a: {eq: $host.b}}", 1, 13, "'host.b' is not a path");
}
END_TEST

START_TEST(error_scope_not_allowed)
{
	const mc_diag_item *it;

	F.c.ctx.scopes = (1u << MC_SCOPE_VM) | (1u << MC_SCOPE_SOURCE);
	F.c.ctx.where = "a kind's 'when'";
	it = cond_error("{vm.a: 1, target.b: 2}", 1, 11, "'target.' paths");

	/* The message says where the condition is. */
	ck_assert_ptr_eq(strstr(it->message, "a kind's 'when'"), it->message);
}
END_TEST

START_TEST(error_scope_not_allowed_in_an_operand)
{
	F.c.ctx.scopes = (1u << MC_SCOPE_VM) | (1u << MC_SCOPE_SOURCE);
	/* {vm.a: {eq: $target.b}} */
	cond_error("{vm.a: {eq: $target.b}}", 1, 13, "'target.' paths");
}
END_TEST

START_TEST(error_scopes_allowed_compile)
{
	F.c.ctx.scopes = (1u << MC_SCOPE_VM) | (1u << MC_SCOPE_SOURCE);
	cond("{vm.a: 1, source.b: $vm.c}");
}
END_TEST

START_TEST(error_in_with_a_non_list)
{
	/* {vm.a: {in: x}}: x at column 13 */
	cond_error("{vm.a: {in: x}}", 1, 13, "'in' takes a list or a $path, not a string");
}
END_TEST

START_TEST(error_in_with_a_nested_list)
{
	cond_error("{vm.a: {not_in: [x, [y]]}}", 1, 21, "holds only scalars");
}
END_TEST

START_TEST(error_bad_matches_pattern)
{
	/* {vm.a: {matches: '(abc'}}: the pattern at column 18 */
	const mc_diag_item *it = cond_error("{vm.a: {matches: '(abc'}}", 1, 18,
					    "bad pattern at offset 4");

	ck_assert_ptr_nonnull(strstr(it->message, "parenthesis"));
}
END_TEST

START_TEST(error_matches_with_a_non_string)
{
	cond_error("{vm.a: {matches: 5}}", 1, 18, "'matches' takes a pattern string");
}
END_TEST

START_TEST(error_exists_with_a_non_boolean)
{
	cond_error("{vm.a: {exists: yes}}", 1, 17, "'exists' takes true or false");
}
END_TEST

START_TEST(error_empty_condition)
{
	cond_error("{}", 1, 1, "not an empty mapping");
}
END_TEST

START_TEST(error_condition_that_is_no_mapping)
{
	cond_error("[vm.a]", 1, 1, "a condition is a mapping");
	mc_diag_clear(F.c.diag);
	F.c.ctx.errors = 0;
	cond_error("{all: [running]}", 1, 8, "not a string");
}
END_TEST

START_TEST(error_empty_test)
{
	cond_error("{vm.a: {}}", 1, 8, "an empty test");
}
END_TEST

START_TEST(error_list_as_a_test)
{
	cond_error("{vm.a: [x, y]}", 1, 8, "write { in: [...] }");
}
END_TEST

START_TEST(error_null_operand)
{
	cond_error("{vm.a: {eq: ~}}", 1, 13, "'eq' takes a value or a $path, not null");
}
END_TEST

START_TEST(error_all_takes_a_list)
{
	cond_error("{all: {vm.a: 1}}", 1, 7, "'all' takes a list of conditions");
}
END_TEST

START_TEST(error_every_error_is_reported)
{
	const char *src =
		"all:\n"
		"  - host.a: 1\n"
		"  - vm.b: {nope: 2}\n"
		"  - vm.c: {in: 3}\n";
	const mc_cond *c = mc_cond_compile(&F.c.ctx, yaml("cond.yaml", src));

	ck_assert_ptr_null(c);
	ck_assert_int_eq(F.c.ctx.errors, 3);
	ck_assert_uint_eq(mc_diag_error_count(F.c.diag), 3);
	ck_assert(has_diag(F.c.diag, "cond.yaml:2:5: 'host.a' is not a path"));
	ck_assert(has_diag(F.c.diag, "cond.yaml:3:12: unknown operator 'nope'"));
	ck_assert(has_diag(F.c.diag, "cond.yaml:4:16: 'in' takes a list"));
}
END_TEST

START_TEST(error_source_line_is_shown)
{
	const mc_diag_item *it = cond_error("all:\n  - vm.a: {eqq: 1}\n", 2, 12,
					    "unknown operator");

	ck_assert_str_eq(it->source_line, "  - vm.a: {eqq: 1}");
}
END_TEST

/* ------------------------------------------------------------------------
 * Pattern limits
 */

START_TEST(regex_catastrophic_pattern_hits_the_limit)
{
	const mc_cond *c;
	char rec[128];

	F.c.limits.regex_match_limit = 10000;
	c = cond("{vm.s: {matches: '^(a+)+$'}}");
	/* 30 a's and a b: 2^30 ways to fail without a limit. */
	snprintf(rec, sizeof(rec), "vm: {s: %.*sb}", 30,
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	bind(rec);
	assert_tv(eval(c), MC_UNKNOWN);
	assert_why(MC_WHY_REGEX_LIMIT, "vm.s");
	ck_assert_str_eq(describe(), "vm.s is 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaab', "
			 "and matching it against /^(a+)+$/ exceeded the pattern "
			 "match limit (--limit regex-match)");
}
END_TEST

START_TEST(regex_limit_leaves_easy_matches_alone)
{
	const mc_cond *c;

	F.c.limits.regex_match_limit = 10000;
	c = cond("{vm.s: {matches: '^(a+)+$'}}");
	bind("vm: {s: aaaa}");
	assert_tv(eval(c), MC_TRUE);
	bind("vm: {s: ab}");
	assert_tv(eval(c), MC_FALSE);
}
END_TEST

START_TEST(regex_limit_under_any_stays_unknown)
{
	const mc_cond *c;

	F.c.limits.regex_match_limit = 10000;
	c = cond("{any: [{vm.s: {matches: '^(a+)+$'}}, {vm.t: 1}]}");
	bind("vm: {s: aaaaaaaaaaaaaaaaaaaaaaaaaaaaab, t: 0}");
	assert_tv(eval(c), MC_UNKNOWN);
	assert_why(MC_WHY_REGEX_LIMIT, "vm.s");
}
END_TEST

Suite *
cond_suite(void)
{
	Suite *s = suite_create("cond");
	TCase *tc;

	tc = tcase_create("operators");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, op_eq_scalar_test);
	tcase_add_test(tc, op_eq_explicit);
	tcase_add_test(tc, op_eq_is_type_sensitive);
	tcase_add_test(tc, op_ne);
	tcase_add_test(tc, op_lt_le_gt_ge_on_integers);
	tcase_add_test(tc, op_order_on_versions);
	tcase_add_test(tc, op_in);
	tcase_add_test(tc, op_not_in);
	tcase_add_test(tc, op_matches);
	tcase_add_test(tc, op_matches_reads_integers_and_booleans_as_text);
	tcase_add_test(tc, op_exists_true);
	tcase_add_test(tc, op_exists_false);
	tcase_add_test(tc, op_exists_never_unknown);
	tcase_add_test(tc, op_superset);
	tcase_add_test(tc, op_subset);
	tcase_add_test(tc, op_superset_of_a_path);
	tcase_add_test(tc, op_set_operators_on_a_scalar_are_malformed);
	tcase_add_test(tc, op_in_a_path_that_is_no_list_is_malformed);
	tcase_add_test(tc, op_lists_too_long_to_compare_are_refused);
	tcase_add_test(tc, op_name_matches_the_policy_word);
	tcase_add_test(tc, op_table_rows_are_complete);
	tcase_add_test(tc, op_table_lists_operators_in_order);
	tcase_add_test(tc, op_table_orders);
	suite_add_tcase(s, tc);

	tc = tcase_create("operands");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, operand_path_is_read_from_the_records);
	tcase_add_test(tc, operand_path_equality_between_hosts);
	tcase_add_test(tc, operand_path_missing_is_unknown);
	tcase_add_test(tc, operand_double_dollar_is_a_literal);
	tcase_add_test(tc, operand_double_dollar_in_an_operator);
	tcase_add_test(tc, operand_paths_are_interned_once);
	suite_add_tcase(s, tc);

	tc = tcase_create("combinations");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, combine_all);
	tcase_add_test(tc, combine_any);
	tcase_add_test(tc, combine_not);
	tcase_add_test(tc, combine_nested);
	tcase_add_test(tc, combine_several_keys_mean_all);
	tcase_add_test(tc, combine_several_operators_mean_all);
	tcase_add_test(tc, combine_empty_all_and_any);
	suite_add_tcase(s, tc);

	tc = tcase_create("three_valued");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, tv_missing_value_is_unknown);
	tcase_add_test(tc, tv_null_value_counts_as_missing);
	tcase_add_test(tc, tv_negative_operators_on_missing_are_unknown);
	tcase_add_test(tc, tv_not_unknown_is_unknown);
	tcase_add_test(tc, tv_all_false_and_unknown_is_false);
	tcase_add_test(tc, tv_all_true_and_unknown_is_unknown);
	tcase_add_test(tc, tv_any_true_and_unknown_is_true);
	tcase_add_test(tc, tv_any_false_and_unknown_is_unknown);
	tcase_add_test(tc, tv_not_of_any_with_unknown);
	tcase_add_test(tc, tv_order_on_non_version_text_is_malformed);
	suite_add_tcase(s, tc);

	tc = tcase_create("describe");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, why_points_at_the_leaf);
	tcase_add_test(tc, describe_failed_eq);
	tcase_add_test(tc, describe_missing_value);
	tcase_add_test(tc, describe_missing_operand);
	tcase_add_test(tc, describe_failed_order_with_a_path_operand);
	tcase_add_test(tc, describe_failed_in);
	tcase_add_test(tc, describe_failed_matches);
	tcase_add_test(tc, describe_malformed);
	tcase_add_test(tc, describe_without_a_leaf);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, error_unknown_operator);
	tcase_add_test(tc, error_path_outside_the_records);
	tcase_add_test(tc, error_path_with_an_empty_part);
	tcase_add_test(tc, error_path_that_is_only_a_scope);
	tcase_add_test(tc, error_operand_path_outside_the_records);
	tcase_add_test(tc, error_scope_not_allowed);
	tcase_add_test(tc, error_scope_not_allowed_in_an_operand);
	tcase_add_test(tc, error_scopes_allowed_compile);
	tcase_add_test(tc, error_in_with_a_non_list);
	tcase_add_test(tc, error_in_with_a_nested_list);
	tcase_add_test(tc, error_bad_matches_pattern);
	tcase_add_test(tc, error_matches_with_a_non_string);
	tcase_add_test(tc, error_exists_with_a_non_boolean);
	tcase_add_test(tc, error_empty_condition);
	tcase_add_test(tc, error_condition_that_is_no_mapping);
	tcase_add_test(tc, error_empty_test);
	tcase_add_test(tc, error_list_as_a_test);
	tcase_add_test(tc, error_null_operand);
	tcase_add_test(tc, error_all_takes_a_list);
	tcase_add_test(tc, error_every_error_is_reported);
	tcase_add_test(tc, error_source_line_is_shown);
	suite_add_tcase(s, tc);

	tc = tcase_create("regex_limits");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, regex_catastrophic_pattern_hits_the_limit);
	tcase_add_test(tc, regex_limit_leaves_easy_matches_alone);
	tcase_add_test(tc, regex_limit_under_any_stays_unknown);
	suite_add_tcase(s, tc);

	return s;
}
