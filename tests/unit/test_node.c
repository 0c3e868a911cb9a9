/* SPDX-License-Identifier: MIT */
/*
 * test_node.c - the node suite: the YAML loader (engine/load/node.h) and what it
 * promises: exact 1-based positions, core-schema scalar types, refusals of
 * what libyaml lets through, and every limit of mc_limits.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "helpers.h"
#include "util/buf.h"
#include "load/node.h"

/* ------------------------------------------------------------------------
 * Fixture: one document and one diagnostic list per test
 */

static mc_doc *doc;
static mc_diag *diag;

static void
setup(void)
{
	doc = NULL;
	diag = mc_diag_new();
	ck_assert_ptr_nonnull(diag);
}

static void
teardown(void)
{
	mc_doc_free(doc);
	doc = NULL;
	mc_diag_free(diag);
	diag = NULL;
}

/* Loads len bytes (lim NULL: the defaults) into doc; returns the status. */
static int
loadn(const char *yaml, size_t len, const mc_limits *lim)
{
	mc_doc_free(doc);
	doc = NULL;
	mc_diag_clear(diag);
	return mc_doc_load_buffer(&doc, "t.yaml", yaml, len, lim, diag);
}

static int
load(const char *yaml, const mc_limits *lim)
{
	return loadn(yaml, strlen(yaml), lim);
}

/* Loads yaml, which must load without a diagnostic; returns the root. */
static const mc_node *
must_load(const char *yaml)
{
	int rc = load(yaml, NULL);

	ck_assert_msg(rc == MC_OK, "did not load: %s", first_diag(diag));
	ck_assert_ptr_nonnull(doc);
	ck_assert_uint_eq(mc_diag_count(diag), 0);
	return doc->root;
}

/* Loads yaml, which must fail with status `status` and exactly one error
 * (the loader stops at the first); returns that error. */
static const mc_diag_item *
must_fail(const char *yaml, size_t len, const mc_limits *lim, int status)
{
	int rc = loadn(yaml, len, lim);

	ck_assert_msg(rc == status, "status %d, expected %d (%s)", rc, status,
		      first_diag(diag));
	ck_assert_ptr_null(doc);
	ck_assert_uint_eq(mc_diag_error_count(diag), 1);
	return mc_diag_get(diag, 0);
}

/* Asserts an error's position and that its message contains `text`. */
static void
assert_at(const mc_diag_item *it, unsigned line, unsigned col, const char *text)
{
	ck_assert_int_eq(it->severity, MC_SEVERITY_ERROR);
	ck_assert_str_eq(it->at.file, "t.yaml");
	ck_assert_msg(it->at.line == line && it->at.column == col,
		      "error at %u:%u, expected %u:%u (%s)", it->at.line,
		      it->at.column, line, col, it->message);
	ck_assert_msg(strstr(it->message, text) != NULL,
		      "message '%s' lacks '%s'", it->message, text);
}

static void
assert_pos(const mc_node *n, unsigned line, unsigned col)
{
	ck_assert_ptr_nonnull(n);
	ck_assert_msg(n->line == line && n->col == col,
		      "node at %u:%u, expected %u:%u", (unsigned)n->line,
		      (unsigned)n->col, line, col);
}

/* The key node of the pair whose key is `key`. */
static const mc_node *
key_of(const mc_node *map, const char *key)
{
	ck_assert_ptr_nonnull(map);
	ck_assert_int_eq(map->kind, MC_NODE_MAP);
	for (size_t i = 0; i < map->len; i++) {
		if (strcmp(map->u.pairs[i].key->u.text, key) == 0)
			return map->u.pairs[i].key;
	}
	ck_abort_msg("no key '%s'", key);
	return NULL;
}

static const mc_node *
item(const mc_node *seq, size_t i)
{
	ck_assert_ptr_nonnull(seq);
	ck_assert_int_eq(seq->kind, MC_NODE_SEQ);
	ck_assert_uint_lt(i, seq->len);
	return seq->u.items[i];
}

static void
assert_scalar(const mc_node *n, mc_scalar_type type, const char *text)
{
	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(n->kind, MC_NODE_SCALAR);
	ck_assert_msg(n->type == type, "'%s' has type %d, expected %d", n->u.text,
		      n->type, type);
	ck_assert_str_eq(n->u.text, text);
	ck_assert_uint_eq(n->len, strlen(text));
}

static void
assert_int(const mc_node *n, int64_t v)
{
	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(n->kind, MC_NODE_SCALAR);
	ck_assert_msg(n->type == MC_SCALAR_INT, "'%s' is not an integer",
		      n->u.text);
	ck_assert_int_eq(n->num, v);
}

static mc_limits
limits(void)
{
	mc_limits l;

	mc_limits_default(&l);
	return l;
}

/* ------------------------------------------------------------------------
 * Positions
 */

START_TEST(position_block_mapping_keys_and_values)
{
	const mc_node *root = must_load("a: 1\nbb:\n  c: xyz\n  dd: [1]\n");
	const mc_node *bb = mc_node_get(root, "bb");

	assert_pos(root, 1, 1);
	assert_pos(key_of(root, "a"), 1, 1);
	assert_pos(mc_node_get(root, "a"), 1, 4);
	assert_pos(key_of(root, "bb"), 2, 1);
	assert_pos(bb, 3, 3);
	assert_pos(key_of(bb, "c"), 3, 3);
	assert_pos(mc_node_get(bb, "c"), 3, 6);
	assert_pos(key_of(bb, "dd"), 4, 3);
	assert_pos(mc_node_get(bb, "dd"), 4, 7);
	assert_pos(item(mc_node_get(bb, "dd"), 0), 4, 8);
}
END_TEST

START_TEST(position_block_sequence_and_items)
{
	const mc_node *root = must_load("items:\n  - one\n  - two\n  - k: v\n");
	const mc_node *items = mc_node_get(root, "items");

	assert_pos(items, 2, 3);
	assert_pos(item(items, 0), 2, 5);
	assert_pos(item(items, 1), 3, 5);
	assert_pos(item(items, 2), 4, 5);
	assert_pos(mc_node_get(item(items, 2), "k"), 4, 8);
}
END_TEST

START_TEST(position_indentless_sequence)
{
	const mc_node *root = must_load("items:\n- one\n- two\n");
	const mc_node *items = mc_node_get(root, "items");

	assert_pos(items, 2, 1);
	assert_pos(item(items, 0), 2, 3);
	assert_pos(item(items, 1), 3, 3);
}
END_TEST

START_TEST(position_inside_flow_sequence)
{
	/* a: [x, yy]
	 * 123456789  -> '[' at 4, x at 5, yy at 8 */
	const mc_node *root = must_load("a: [x, yy]\n");
	const mc_node *a = mc_node_get(root, "a");

	assert_pos(a, 1, 4);
	assert_pos(item(a, 0), 1, 5);
	assert_pos(item(a, 1), 1, 8);
	assert_scalar(item(a, 1), MC_SCALAR_STR, "yy");
}
END_TEST

START_TEST(position_inside_flow_mapping)
{
	/* m: {k: v, kk: vv} */
	const mc_node *root = must_load("m: {k: v, kk: vv}\n");
	const mc_node *m = mc_node_get(root, "m");

	assert_pos(m, 1, 4);
	assert_pos(key_of(m, "k"), 1, 5);
	assert_pos(mc_node_get(m, "k"), 1, 8);
	assert_pos(key_of(m, "kk"), 1, 11);
	assert_pos(mc_node_get(m, "kk"), 1, 15);
}
END_TEST

START_TEST(position_nested_flow_collections)
{
	/* x: [[p, q], {r: s}]
	 *    4^5 8      14 17 */
	const mc_node *root = must_load("\n\nx: [[p, q], {r: s}]\n");
	const mc_node *x = mc_node_get(root, "x");

	assert_pos(root, 3, 1);
	assert_pos(x, 3, 4);
	assert_pos(item(x, 0), 3, 5);
	assert_pos(item(item(x, 0), 0), 3, 6);
	assert_pos(item(item(x, 0), 1), 3, 9);
	assert_pos(item(x, 1), 3, 13);
	assert_pos(key_of(item(x, 1), "r"), 3, 14);
	assert_pos(mc_node_get(item(x, 1), "r"), 3, 17);
}
END_TEST

START_TEST(position_flow_collection_over_lines)
{
	const mc_node *root = must_load("a: [one,\n     two,\n   three]\n");
	const mc_node *a = mc_node_get(root, "a");

	assert_pos(item(a, 0), 1, 5);
	assert_pos(item(a, 1), 2, 6);
	assert_pos(item(a, 2), 3, 4);
}
END_TEST

START_TEST(position_columns_count_characters_not_bytes)
{
	/* 'é' is two bytes but one column. */
	const mc_node *root = must_load("é: [x, y]\n");
	const mc_node *v = mc_node_get(root, "é");

	assert_pos(v, 1, 4);
	assert_pos(item(v, 1), 1, 8);
}
END_TEST

START_TEST(position_nodes_know_their_file)
{
	const mc_node *root = must_load("a: 1\n");

	ck_assert_ptr_eq(root->file, &doc->file);
	ck_assert_str_eq(root->file->name, "t.yaml");
	ck_assert_uint_eq(root->file->len, 5);
	ck_assert_int_eq(memcmp(root->file->data, "a: 1\n", 5), 0);
	ck_assert_ptr_eq(mc_node_get(root, "a")->file, &doc->file);
}
END_TEST

/* ------------------------------------------------------------------------
 * Scalar types
 */

START_TEST(scalar_null_forms)
{
	const mc_node *root = must_load("a: ~\nb: null\nc:\nd: Null\ne: NULL\n");

	assert_scalar(mc_node_get(root, "a"), MC_SCALAR_NULL, "~");
	assert_scalar(mc_node_get(root, "b"), MC_SCALAR_NULL, "null");
	assert_scalar(mc_node_get(root, "c"), MC_SCALAR_NULL, "");
	assert_scalar(mc_node_get(root, "d"), MC_SCALAR_NULL, "Null");
	assert_scalar(mc_node_get(root, "e"), MC_SCALAR_NULL, "NULL");
}
END_TEST

START_TEST(scalar_null_lookalikes_are_strings)
{
	const mc_node *root = must_load("a: nil\nb: nULL\nc: ''\nd: '~'\ne: \"null\"\n");

	assert_scalar(mc_node_get(root, "a"), MC_SCALAR_STR, "nil");
	assert_scalar(mc_node_get(root, "b"), MC_SCALAR_STR, "nULL");
	assert_scalar(mc_node_get(root, "c"), MC_SCALAR_STR, "");
	assert_scalar(mc_node_get(root, "d"), MC_SCALAR_STR, "~");
	assert_scalar(mc_node_get(root, "e"), MC_SCALAR_STR, "null");
}
END_TEST

START_TEST(scalar_booleans)
{
	const mc_node *root = must_load("[true, True, TRUE, false, False, FALSE]");

	for (size_t i = 0; i < 6; i++) {
		const mc_node *n = item(root, i);
		ck_assert_int_eq(n->type, MC_SCALAR_BOOL);
		ck_assert_int_eq(n->num, i < 3 ? 1 : 0);
	}
}
END_TEST

START_TEST(scalar_yaml11_booleans_stay_strings)
{
	static const char *const words[] = {"yes", "no", "on", "off", "y", "n",
					    "Yes", "NO", "On", "OFF", "tRUE"};
	const mc_node *root = must_load(
		"[yes, no, on, off, y, n, Yes, NO, On, OFF, tRUE]");

	ck_assert_uint_eq(root->len, 11);
	for (size_t i = 0; i < 11; i++)
		assert_scalar(item(root, i), MC_SCALAR_STR, words[i]);
}
END_TEST

START_TEST(scalar_integers_decimal_hex_octal_negative)
{
	const mc_node *root = must_load("[0, 42, -17, +5, 0x1F, 0xff, 0o17, -0x10, 007]");

	assert_int(item(root, 0), 0);
	assert_int(item(root, 1), 42);
	assert_int(item(root, 2), -17);
	assert_int(item(root, 3), 5);
	assert_int(item(root, 4), 31);
	assert_int(item(root, 5), 255);
	assert_int(item(root, 6), 15);
	assert_int(item(root, 7), -16);
	assert_int(item(root, 8), 7);
	/* The text is kept as written. */
	ck_assert_str_eq(item(root, 4)->u.text, "0x1F");
}
END_TEST

START_TEST(scalar_integer_limits)
{
	const mc_node *root = must_load(
		"[9223372036854775807, -9223372036854775808]");

	assert_int(item(root, 0), INT64_MAX);
	assert_int(item(root, 1), INT64_MIN);
}
END_TEST

START_TEST(scalar_integer_past_64_bits_stays_string)
{
	const mc_node *root = must_load(
		"[9223372036854775808, -9223372036854775809, 0x10000000000000000, "
		"123456789012345678901234567890]");

	assert_scalar(item(root, 0), MC_SCALAR_STR, "9223372036854775808");
	assert_scalar(item(root, 1), MC_SCALAR_STR, "-9223372036854775809");
	assert_scalar(item(root, 2), MC_SCALAR_STR, "0x10000000000000000");
	assert_scalar(item(root, 3), MC_SCALAR_STR, "123456789012345678901234567890");
}
END_TEST

START_TEST(scalar_non_integers_are_strings)
{
	const mc_node *root = must_load("[1.5, 1e3, 0b101, 12abc, 1_000, 6.3.9600]");

	assert_scalar(item(root, 0), MC_SCALAR_STR, "1.5");
	assert_scalar(item(root, 1), MC_SCALAR_STR, "1e3");
	assert_scalar(item(root, 2), MC_SCALAR_STR, "0b101");
	assert_scalar(item(root, 3), MC_SCALAR_STR, "12abc");
	assert_scalar(item(root, 4), MC_SCALAR_STR, "1_000");
	assert_scalar(item(root, 5), MC_SCALAR_STR, "6.3.9600");
}
END_TEST

START_TEST(scalar_quoted_values_are_strings)
{
	const mc_node *root = must_load(
		"a: \"123\"\nb: '123'\nc: \"true\"\nd: |\n  123\ne: >-\n  42\n");

	assert_scalar(mc_node_get(root, "a"), MC_SCALAR_STR, "123");
	assert_scalar(mc_node_get(root, "b"), MC_SCALAR_STR, "123");
	assert_scalar(mc_node_get(root, "c"), MC_SCALAR_STR, "true");
	assert_scalar(mc_node_get(root, "d"), MC_SCALAR_STR, "123\n");
	assert_scalar(mc_node_get(root, "e"), MC_SCALAR_STR, "42");
	ck_assert(mc_node_is_str(mc_node_get(root, "a")));
}
END_TEST

START_TEST(scalar_tag_str_keeps_a_string)
{
	const mc_node *root = must_load("a: !!str 123\nb: !!str true\nc: !!str ~\n");

	assert_scalar(mc_node_get(root, "a"), MC_SCALAR_STR, "123");
	assert_scalar(mc_node_get(root, "b"), MC_SCALAR_STR, "true");
	assert_scalar(mc_node_get(root, "c"), MC_SCALAR_STR, "~");
}
END_TEST

START_TEST(scalar_tag_int_reads_an_integer)
{
	const mc_node *root = must_load("a: !!int 42\nb: !!int \"0x10\"\nc: !!int '-7'\n");

	assert_int(mc_node_get(root, "a"), 42);
	assert_int(mc_node_get(root, "b"), 16);
	assert_int(mc_node_get(root, "c"), -7);
}
END_TEST

START_TEST(scalar_tag_bool_and_null)
{
	const mc_node *root = must_load("a: !!bool 'true'\nb: !!null ''\nc: !!bool FALSE\n");

	ck_assert_int_eq(mc_node_get(root, "a")->type, MC_SCALAR_BOOL);
	ck_assert_int_eq(mc_node_get(root, "a")->num, 1);
	ck_assert_int_eq(mc_node_get(root, "b")->type, MC_SCALAR_NULL);
	ck_assert_int_eq(mc_node_get(root, "c")->type, MC_SCALAR_BOOL);
	ck_assert_int_eq(mc_node_get(root, "c")->num, 0);
}
END_TEST

START_TEST(scalar_bad_tag_int_is_an_error)
{
	const char *y = "x: 1\ny: !!int abc\n";
	const mc_diag_item *it = must_fail(y, strlen(y), NULL, MC_EINPUT);

	/* At the node: its tag starts it. */
	assert_at(it, 2, 4, "'abc' is not a valid !!int");
}
END_TEST

START_TEST(scalar_tag_int_past_64_bits_is_an_error)
{
	const char *y = "y: !!int 99999999999999999999\n";
	const mc_diag_item *it = must_fail(y, strlen(y), NULL, MC_EINPUT);

	assert_at(it, 1, 4, "does not fit in 64 bits");
}
END_TEST

START_TEST(scalar_bad_tag_bool_is_an_error)
{
	const char *y = "y: !!bool yes\n";
	const mc_diag_item *it = must_fail(y, strlen(y), NULL, MC_EINPUT);

	assert_at(it, 1, 4, "'yes' is not a valid !!bool");
}
END_TEST

START_TEST(scalar_unsupported_tag_is_an_error)
{
	const char *y = "a: 1\nb: !custom x\n";
	const mc_diag_item *it = must_fail(y, strlen(y), NULL, MC_EINPUT);

	assert_at(it, 2, 4, "unsupported tag '!custom'");
}
END_TEST

START_TEST(collection_unsupported_tag_is_an_error)
{
	const char *y = "a: !!set {x: ~}\n";
	const mc_diag_item *it = must_fail(y, strlen(y), NULL, MC_EINPUT);

	assert_at(it, 1, 4, "unsupported tag");
	ck_assert_ptr_nonnull(strstr(it->message, "set"));
}
END_TEST

START_TEST(collection_matching_tags_are_accepted)
{
	const mc_node *root = must_load("a: !!map {x: 1}\nb: !!seq [1]\n");

	ck_assert_int_eq(mc_node_get(root, "a")->kind, MC_NODE_MAP);
	ck_assert_int_eq(mc_node_get(root, "b")->kind, MC_NODE_SEQ);
}
END_TEST

/* ------------------------------------------------------------------------
 * Duplicate keys and merges
 */

START_TEST(duplicate_key_is_an_error_at_the_second)
{
	const char *y = "a: 1\nb: 2\na: 3\n";
	const mc_diag_item *it = must_fail(y, strlen(y), NULL, MC_EINPUT);

	assert_at(it, 3, 1, "duplicate key 'a' (first at line 1, column 1)");
}
END_TEST

START_TEST(duplicate_key_in_flow_mapping_names_the_first)
{
	/* top:
	 *   m: {x: 1, y: 2, x: 3}   -> x at columns 7 and 19 */
	const char *y = "top:\n  m: {x: 1, y: 2, x: 3}\n";
	const mc_diag_item *it = must_fail(y, strlen(y), NULL, MC_EINPUT);

	assert_at(it, 2, 19, "duplicate key 'x' (first at line 2, column 7)");
}
END_TEST

START_TEST(duplicate_key_quoted_and_plain_are_the_same_key)
{
	const char *y = "a: 1\n'a': 2\n";
	const mc_diag_item *it = must_fail(y, strlen(y), NULL, MC_EINPUT);

	assert_at(it, 2, 1, "duplicate key 'a'");
}
END_TEST

START_TEST(same_key_in_different_mappings_is_fine)
{
	const mc_node *root = must_load("a: {k: 1}\nb: {k: 2}\n");

	assert_int(mc_node_get(mc_node_get(root, "a"), "k"), 1);
	assert_int(mc_node_get(mc_node_get(root, "b"), "k"), 2);
}
END_TEST

START_TEST(merge_adds_the_merged_keys)
{
	const mc_node *root = must_load(
		"base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  z: 3\n");
	const mc_node *d = mc_node_get(root, "d");

	ck_assert_uint_eq(d->len, 3);
	assert_int(mc_node_get(d, "x"), 1);
	assert_int(mc_node_get(d, "y"), 2);
	assert_int(mc_node_get(d, "z"), 3);
	/* No "<<" key is left. */
	ck_assert_ptr_null(mc_node_get(d, "<<"));
}
END_TEST

START_TEST(merge_explicit_key_wins_and_is_no_duplicate)
{
	/* The explicit key before and after the merge. */
	const mc_node *root = must_load(
		"base: &b {x: 1, y: 2}\n"
		"d1:\n  x: 10\n  <<: *b\n"
		"d2:\n  <<: *b\n  x: 20\n");
	const mc_node *d1 = mc_node_get(root, "d1"), *d2 = mc_node_get(root, "d2");

	ck_assert_uint_eq(d1->len, 2);
	ck_assert_uint_eq(d2->len, 2);
	assert_int(mc_node_get(d1, "x"), 10);
	assert_int(mc_node_get(d1, "y"), 2);
	assert_int(mc_node_get(d2, "x"), 20);
	assert_int(mc_node_get(d2, "y"), 2);
	/* The base is untouched. */
	assert_int(mc_node_get(mc_node_get(root, "base"), "x"), 1);
}
END_TEST

START_TEST(merge_earlier_mapping_wins)
{
	const mc_node *root = must_load(
		"b1: &b1 {k: one, p: 1}\nb2: &b2 {k: two, q: 2}\n"
		"d:\n  <<: [*b1, *b2]\n");
	const mc_node *d = mc_node_get(root, "d");

	ck_assert_uint_eq(d->len, 3);
	assert_scalar(mc_node_get(d, "k"), MC_SCALAR_STR, "one");
	assert_int(mc_node_get(d, "p"), 1);
	assert_int(mc_node_get(d, "q"), 2);
}
END_TEST

START_TEST(merge_of_a_scalar_is_an_error)
{
	const char *y = "d:\n  <<: 5\n";
	const mc_diag_item *it = must_fail(y, strlen(y), NULL, MC_EINPUT);

	assert_at(it, 2, 7, "a '<<' merge takes a mapping");
}
END_TEST

START_TEST(quoted_merge_key_is_an_ordinary_key)
{
	const mc_node *root = must_load("'<<': {a: 1}\n");

	ck_assert_ptr_nonnull(mc_node_get(root, "<<"));
	ck_assert_int_eq(mc_node_get(root, "<<")->kind, MC_NODE_MAP);
	ck_assert_ptr_null(mc_node_get(root, "a"));
}
END_TEST

START_TEST(collection_key_is_an_error)
{
	const char *y = "? [a, b]\n: v\n";
	const mc_diag_item *it = must_fail(y, strlen(y), NULL, MC_EINPUT);

	assert_at(it, 1, 3, "a mapping key must be a non-empty scalar");
}
END_TEST

START_TEST(null_key_is_an_error)
{
	const char *y = "a: 1\n~: 2\n";
	const mc_diag_item *it = must_fail(y, strlen(y), NULL, MC_EINPUT);

	assert_at(it, 2, 1, "a mapping key must be a non-empty scalar, not null");
}
END_TEST

/* ------------------------------------------------------------------------
 * Aliases
 */

/* The value an alias stands for is the anchored one, shared and not
 * copied: the same text, items or pairs. (Whether the alias is the very
 * same node, or a node of its own at the alias's place, is left open.) */
static void
assert_shared(const mc_node *alias, const mc_node *anchored)
{
	ck_assert_ptr_nonnull(alias);
	ck_assert_ptr_nonnull(anchored);
	ck_assert_int_eq(alias->kind, anchored->kind);
	ck_assert_int_eq(alias->type, anchored->type);
	ck_assert_uint_eq(alias->len, anchored->len);
	ck_assert_int_eq(alias->num, anchored->num);
	ck_assert_uint_eq(alias->weight, anchored->weight);
	if (alias->kind == MC_NODE_SCALAR)
		ck_assert_ptr_eq(alias->u.text, anchored->u.text);
	else if (alias->kind == MC_NODE_SEQ)
		ck_assert_ptr_eq(alias->u.items, anchored->u.items);
	else
		ck_assert_ptr_eq(alias->u.pairs, anchored->u.pairs);
}

START_TEST(alias_shares_the_anchored_node)
{
	const mc_node *root = must_load(
		"a: &x {k: v}\nb: *x\nc: &s word\nd: *s\ne: &l [1, 2]\nf: *l\n"
		"g: &n 42\nh: *n\n");

	assert_shared(mc_node_get(root, "b"), mc_node_get(root, "a"));
	assert_shared(mc_node_get(root, "d"), mc_node_get(root, "c"));
	assert_shared(mc_node_get(root, "f"), mc_node_get(root, "e"));
	assert_shared(mc_node_get(root, "h"), mc_node_get(root, "g"));
	assert_int(mc_node_get(root, "h"), 42);
	/* The parts keep the place of the text they come from. */
	ck_assert_ptr_eq(mc_node_get(mc_node_get(root, "b"), "k"),
			 mc_node_get(mc_node_get(root, "a"), "k"));
	assert_pos(mc_node_get(mc_node_get(root, "b"), "k"), 1, 11);
	assert_pos(item(mc_node_get(root, "f"), 1), 5, 11);
}
END_TEST

START_TEST(alias_refers_to_the_latest_anchor_of_a_name)
{
	const mc_node *root = must_load("a: &x one\nb: &x two\nc: *x\n");

	assert_scalar(mc_node_get(root, "c"), MC_SCALAR_STR, "two");
	assert_shared(mc_node_get(root, "c"), mc_node_get(root, "b"));
}
END_TEST

START_TEST(alias_cycle_is_refused_at_the_alias)
{
	/* a: &x [1, *x]  -> the alias at column 11 */
	const char *y = "a: &x [1, *x]\n";
	const mc_diag_item *it = must_fail(y, strlen(y), NULL, MC_EINPUT);

	assert_at(it, 1, 11, "alias cycle");
	ck_assert_ptr_nonnull(strstr(it->message, "*x"));
}
END_TEST

START_TEST(alias_cycle_through_a_mapping_is_refused)
{
	const char *y = "top: &t\n  child:\n    back: *t\n";
	const mc_diag_item *it = must_fail(y, strlen(y), NULL, MC_EINPUT);

	assert_at(it, 3, 11, "alias cycle");
}
END_TEST

START_TEST(undefined_alias_is_refused)
{
	const char *y = "a: 1\nb: *nope\n";
	const mc_diag_item *it = must_fail(y, strlen(y), NULL, MC_EINPUT);

	assert_at(it, 2, 4, "alias '*nope' names no anchor");
}
END_TEST

START_TEST(alias_before_its_anchor_is_refused)
{
	const char *y = "b: *x\na: &x 1\n";
	const mc_diag_item *it = must_fail(y, strlen(y), NULL, MC_EINPUT);

	assert_at(it, 1, 4, "names no anchor");
}
END_TEST

/* a: 5 nodes; b: 4 aliases of a (20); c: 4 aliases of b (4 x 21 = 84). */
static const char laughs[] =
	"a: &a [x, x, x, x]\n"
	"b: &b [*a, *a, *a, *a]\n"
	"c: &c [*b, *b, *b, *b]\n";

START_TEST(alias_expansion_within_the_limit_loads)
{
	mc_limits l = limits();

	l.max_alias_nodes = 104;
	ck_assert_int_eq(load(laughs, &l), MC_OK);
	ck_assert_ptr_nonnull(doc);
	/* The expanded weight: c is 1 + 4 x (1 + 4 x 5). */
	ck_assert_uint_eq(mc_node_get(doc->root, "c")->weight, 85);
}
END_TEST

START_TEST(alias_expansion_past_the_limit_is_refused)
{
	mc_limits l = limits();
	const mc_diag_item *it;

	l.max_alias_nodes = 103;
	it = must_fail(laughs, strlen(laughs), &l, MC_ELIMIT);
	/* 20 + 3 x 21 = 83 fit; the fourth *b of c (column 20) makes 104. */
	assert_at(it, 3, 20, "aliases expand to more than 103 nodes "
		  "(raise it with --limit alias-nodes=N)");
}
END_TEST

START_TEST(alias_expansion_billion_laughs_is_refused_early)
{
	mc_limits l = limits();
	const char *y =
		"a: &a [x, x, x, x, x, x, x, x, x, x]\n"
		"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
		"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
		"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n";
	const mc_diag_item *it;

	l.max_alias_nodes = 1000;
	it = must_fail(y, strlen(y), &l, MC_ELIMIT);
	/* b: 10 x 11 = 110; the ninth *b of c (111 each) passes 1000. */
	assert_at(it, 3, 40, "aliases expand to more than 1000 nodes");
	ck_assert_ptr_nonnull(strstr(it->message, "aliases expand"));
}
END_TEST

/* ------------------------------------------------------------------------
 * Limits
 */

START_TEST(depth_limit_exactly_max_depth_is_accepted)
{
	mc_limits l = limits();

	l.max_depth = 3;
	ck_assert_int_eq(load("[[[1]]]", &l), MC_OK);
	ck_assert_int_eq(load("a:\n  b:\n    c: 1\n", &l), MC_OK);
	ck_assert_int_eq(load("a: {b: [1]}\n", &l), MC_OK);
}
END_TEST

START_TEST(depth_limit_one_past_max_depth_is_refused)
{
	mc_limits l = limits();
	const mc_diag_item *it;

	l.max_depth = 3;
	it = must_fail("[[[[1]]]]", 9, &l, MC_ELIMIT);
	assert_at(it, 1, 4, "collections nested deeper than 3 levels "
		  "(raise it with --limit depth=N)");
	it = must_fail("a:\n  b:\n    c:\n      d: 1\n", 26, &l, MC_ELIMIT);
	assert_at(it, 4, 7, "nested deeper than 3 levels");
}
END_TEST

/* A depth limit above MC_MAX_DEPTH counts as MC_MAX_DEPTH: libyaml's time
 * grows with the square of the nesting. */
START_TEST(depth_limit_is_at_most_mc_max_depth)
{
	mc_limits l = limits();
	mc_buf y = MC_BUF_INIT;
	const mc_diag_item *it;

	l.max_depth = (size_t)1 << 30;
	for (int i = 0; i < MC_MAX_DEPTH; i++)
		mc_buf_addc(&y, '[');
	for (int i = 0; i < MC_MAX_DEPTH; i++)
		mc_buf_addc(&y, ']');
	ck_assert_int_eq(loadn(mc_buf_str(&y), y.len, &l), MC_OK);
	mc_buf_reset(&y);
	for (int i = 0; i <= MC_MAX_DEPTH; i++)
		mc_buf_addc(&y, '[');
	for (int i = 0; i <= MC_MAX_DEPTH; i++)
		mc_buf_addc(&y, ']');
	it = must_fail(mc_buf_str(&y), y.len, &l, MC_ELIMIT);
	assert_at(it, 1, MC_MAX_DEPTH + 1, "collections nested deeper than 512 "
		  "levels (raise it with --limit depth=N)");
	mc_buf_free(&y);
}
END_TEST

/* Nesting counts through aliases: an alias of a two-level list inside two
 * levels of mapping and list is four levels deep. */
START_TEST(depth_limit_counts_through_aliases)
{
	mc_limits l = limits();
	const char *y = "a: &a [[1]]\nb: [*a]\n";
	const mc_diag_item *it;

	l.max_depth = 4;
	ck_assert_int_eq(load(y, &l), MC_OK);
	l.max_depth = 3;
	it = must_fail(y, strlen(y), &l, MC_ELIMIT);
	assert_at(it, 2, 5, "an alias nests collections deeper than 3 levels "
		  "(raise it with --limit depth=N)");
}
END_TEST

START_TEST(node_limit_at_and_past)
{
	mc_limits l = limits();
	const mc_diag_item *it;

	l.max_nodes = 5;
	/* The sequence and four items: five nodes. */
	ck_assert_int_eq(load("[1, 2, 3, 4]", &l), MC_OK);
	it = must_fail("[1, 2, 3, 4, 5]", 15, &l, MC_ELIMIT);
	assert_at(it, 1, 14, "more than 5 YAML nodes in one file "
		  "(raise it with --limit nodes=N)");
}
END_TEST

/* The default bound on one collection: 250,000 items load, one more does
 * not; in a mapping a key and its value are one item. */
START_TEST(items_limit_at_and_past_the_default)
{
	mc_limits l;
	mc_buf y = MC_BUF_INIT;
	const mc_diag_item *it;

	mc_limits_default(&l);
	ck_assert_uint_eq(l.max_items, 250000);
	mc_buf_adds(&y, "[0");
	for (size_t i = 1; i < 250000; i++)
		mc_buf_adds(&y, ",0");
	mc_buf_adds(&y, "]");
	ck_assert_int_eq(loadn(mc_buf_str(&y), y.len, &l), MC_OK);
	y.len--;
	mc_buf_adds(&y, ",0]");
	it = must_fail(mc_buf_str(&y), y.len, &l, MC_ELIMIT);
	assert_at(it, 1, 500002, "more than 250000 items in one list "
		  "(raise it with --limit items=N)");
	mc_buf_free(&y);
	l.max_items = 2;
	ck_assert_int_eq(load("{a: 1, b: 2}", &l), MC_OK);
	it = must_fail("{a: 1, b: 2, c: 3}", 18, &l, MC_ELIMIT);
	assert_at(it, 1, 14, "more than 2 items in one mapping "
		  "(raise it with --limit items=N)");
}
END_TEST

START_TEST(node_limit_counts_keys)
{
	mc_limits l = limits();

	l.max_nodes = 4;
	/* map + (a, 1) + (b, 2) = 5 nodes */
	ck_assert_int_eq(load("{a: 1}", &l), MC_OK);
	ck_assert_int_eq(load("{a: 1, b: 2}", &l), MC_ELIMIT);
}
END_TEST

START_TEST(scalar_limit_at_the_limit_is_accepted)
{
	mc_limits l = limits();

	l.max_scalar_bytes = 8;
	ck_assert_int_eq(load("a: abcdefgh\n", &l), MC_OK);
	assert_scalar(mc_node_get(doc->root, "a"), MC_SCALAR_STR, "abcdefgh");
	/* Bytes, not characters: four two-byte characters fit. */
	ck_assert_int_eq(load("a: éééé\n", &l), MC_OK);
}
END_TEST

START_TEST(scalar_limit_past_the_limit_is_refused)
{
	mc_limits l = limits();
	const mc_diag_item *it;

	l.max_scalar_bytes = 8;
	it = must_fail("a: 1\nb: abcdefghi\n", 18, &l, MC_ELIMIT);
	assert_at(it, 2, 4, "a scalar longer than 8 bytes "
		  "(raise it with --limit scalar-size=N)");
	/* Keys too. */
	it = must_fail("abcdefghi: 1\n", 13, &l, MC_ELIMIT);
	assert_at(it, 1, 1, "a scalar longer than 8 bytes");
}
END_TEST

START_TEST(file_size_limit_at_and_past)
{
	mc_limits l = limits();
	const mc_diag_item *it;

	l.max_file_bytes = 10;
	ck_assert_int_eq(load("a: 1234567", &l), MC_OK);  /* 10 bytes */
	it = must_fail("a: 12345678", 11, &l, MC_ELIMIT);
	assert_at(it, 1, 1, "the file is larger than 10 bytes "
		  "(raise it with --limit file-size=N)");
}
END_TEST

/* ------------------------------------------------------------------------
 * Documents and bytes
 */

START_TEST(empty_buffer_gives_no_root_and_no_error)
{
	ck_assert_int_eq(loadn("", 0, NULL), MC_OK);
	ck_assert_ptr_nonnull(doc);
	ck_assert_ptr_null(doc->root);
	ck_assert_uint_eq(mc_diag_count(diag), 0);
}
END_TEST

START_TEST(comments_only_gives_no_root)
{
	ck_assert_int_eq(load("# nothing here\n\n# at all\n", NULL), MC_OK);
	ck_assert_ptr_nonnull(doc);
	ck_assert_ptr_null(doc->root);
	ck_assert_uint_eq(mc_diag_count(diag), 0);
}
END_TEST

START_TEST(second_document_is_refused)
{
	const char *y = "a: 1\n---\nb: 2\n";
	const mc_diag_item *it = must_fail(y, strlen(y), NULL, MC_EINPUT);

	assert_at(it, 2, 1, "a second YAML document");
}
END_TEST

START_TEST(one_explicit_document_is_accepted)
{
	const mc_node *root = must_load("---\na: 1\n...\n");

	assert_int(mc_node_get(root, "a"), 1);
}
END_TEST

START_TEST(nul_escape_in_a_scalar_is_refused)
{
	const char *y = "a: ok\nb: \"x\\0y\"\n";
	const mc_diag_item *it = must_fail(y, strlen(y), NULL, MC_EINPUT);

	assert_at(it, 2, 4, "NUL byte");
}
END_TEST

START_TEST(raw_nul_byte_is_refused_with_its_position)
{
	static const char y[] = "a: ok\nb: x\0y\n";
	const mc_diag_item *it = must_fail(y, sizeof(y) - 1, NULL, MC_EINPUT);

	/* The NUL is the 5th character of line 2. */
	ck_assert_uint_eq(it->at.line, 2);
	ck_assert_uint_eq(it->at.column, 5);
}
END_TEST

START_TEST(invalid_utf8_is_refused_with_its_position)
{
	const char *y = "a: b\nc: \xff\n";
	const mc_diag_item *it = must_fail(y, strlen(y), NULL, MC_EINPUT);

	assert_at(it, 2, 4, "0xFF");
}
END_TEST

START_TEST(invalid_utf8_column_counts_characters)
{
	/* "é" is one column: the bad byte is the 4th character. */
	const char *y = "é: \xff\n";
	const mc_diag_item *it = must_fail(y, strlen(y), NULL, MC_EINPUT);

	ck_assert_uint_eq(it->at.line, 1);
	ck_assert_uint_eq(it->at.column, 4);
}
END_TEST

START_TEST(bom_is_not_a_column)
{
	/* libyaml's marks do not count a UTF-8 byte order mark. */
	const mc_node *root = must_load("\xEF\xBB\xBF" "a: [x]\n");

	assert_pos(key_of(root, "a"), 1, 1);
	assert_pos(item(mc_node_get(root, "a"), 0), 1, 5);
}
END_TEST

/*
 * Regression (found while writing this suite, fixed in node.c since): a
 * reader error (invalid UTF-8, control character) on the first line of a
 * file that starts with a byte order mark was reported one column too far
 * right, because the BOM's lead byte was counted as a character while
 * libyaml's marks skip the BOM.
 */
START_TEST(invalid_utf8_after_bom_column_ignores_the_bom)
{
	const char *y = "\xEF\xBB\xBF" "a: \xff\n";
	const mc_diag_item *it = must_fail(y, strlen(y), NULL, MC_EINPUT);

	assert_at(it, 1, 4, "0xFF");
}
END_TEST

START_TEST(truncated_utf8_at_the_end_is_refused)
{
	const char *y = "a: b\nc: \xe2\x82";
	const mc_diag_item *it = must_fail(y, strlen(y), NULL, MC_EINPUT);

	ck_assert_uint_eq(it->at.line, 2);
	ck_assert_uint_eq(it->at.column, 4);
}
END_TEST

START_TEST(syntax_error_has_a_position)
{
	const char *y = "a: 1\nb: [1, 2\n";
	const mc_diag_item *it = must_fail(y, strlen(y), NULL, MC_EINPUT);

	ck_assert_str_eq(it->at.file, "t.yaml");
	/* libyaml finds the missing ']' at the end of the input. */
	ck_assert_uint_ge(it->at.line, 2);
	ck_assert_uint_ge(it->at.column, 1);
	ck_assert_ptr_nonnull(strstr(it->message, "line 2, column 4"));
}
END_TEST

/* ------------------------------------------------------------------------
 * Diagnostics
 */

START_TEST(diag_source_line_is_the_offending_line)
{
	const char *y = "first: 1\nsecond: 2\nfirst: 3   # again\nlast: 4\n";
	const mc_diag_item *it = must_fail(y, strlen(y), NULL, MC_EINPUT);

	ck_assert_uint_eq(it->at.line, 3);
	ck_assert_ptr_nonnull(it->source_line);
	ck_assert_str_eq(it->source_line, "first: 3   # again");
}
END_TEST

START_TEST(diag_source_line_drops_crlf)
{
	const char *y = "a: 1\r\nb: *nope\r\nc: 3\r\n";
	const mc_diag_item *it = must_fail(y, strlen(y), NULL, MC_EINPUT);

	assert_at(it, 2, 4, "names no anchor");
	ck_assert_str_eq(it->source_line, "b: *nope");
}
END_TEST

START_TEST(diag_source_line_of_the_last_line_without_newline)
{
	const char *y = "a: 1\nb: *nope";
	const mc_diag_item *it = must_fail(y, strlen(y), NULL, MC_EINPUT);

	ck_assert_str_eq(it->source_line, "b: *nope");
}
END_TEST

START_TEST(position_with_cr_line_breaks)
{
	/* A lone CR is a line break for libyaml, as LF and CR LF are. */
	const mc_node *root = must_load("a: 1\rb: x\rc: [p, q]\r");

	assert_pos(mc_node_get(root, "b"), 2, 4);
	assert_pos(item(mc_node_get(root, "c"), 1), 3, 8);
}
END_TEST

START_TEST(reader_error_after_crlf_and_cr_breaks)
{
	const char *y1 = "a: 1\r\nb: \xff\r\n";
	const char *y2 = "a: 1\rb: 2\rc: \xff\r";

	assert_at(must_fail(y1, strlen(y1), NULL, MC_EINPUT), 2, 4, "0xFF");
	assert_at(must_fail(y2, strlen(y2), NULL, MC_EINPUT), 3, 4, "0xFF");
}
END_TEST

/*
 * The source line is found with the same line breaks as positions count
 * (CR LF, CR, LF, NEL, LS, PS): with CR line breaks, the line at 2:4.
 */
START_TEST(diag_source_line_with_cr_line_breaks)
{
	const char *y = "a: 1\rb: *nope\rc: 3\r";
	const mc_diag_item *it = must_fail(y, strlen(y), NULL, MC_EINPUT);

	assert_at(it, 2, 4, "names no anchor");
	ck_assert_ptr_nonnull(it->source_line);
	ck_assert_str_eq(it->source_line, "b: *nope");
}
END_TEST

/*
 * A NEL (U+0085) inside a quoted scalar is a line break in libyaml's marks:
 * the error is on line 3, and so is the source line shown.
 */
START_TEST(diag_source_line_after_a_nel_break)
{
	const char *y = "a: \"x\xc2\x85y\"\nb: *nope\n";
	const mc_diag_item *it = must_fail(y, strlen(y), NULL, MC_EINPUT);

	ck_assert_uint_eq(it->at.column, 4);
	ck_assert_ptr_nonnull(it->source_line);
	ck_assert_str_eq(it->source_line, "b: *nope");
}
END_TEST

/*
 * Every kind of line break libyaml counts, on lines of every length up to
 * past what a diagnostic shows (200 bytes), after a byte order mark: each
 * line is found, with its text, as a scan from the first byte finds it.
 */
START_TEST(file_line_finds_every_line_after_every_break)
{
	static const char *const breaks[] = {"\n", "\r", "\r\n", "\xc2\x85",
					     "\xe2\x80\xa8", "\xe2\x80\xa9"};
	enum { LINES = 3000 };
	mc_buf text = MC_BUF_INIT;
	size_t *start = calloc(LINES + 1, sizeof(*start));
	size_t *len = calloc(LINES + 1, sizeof(*len));
	mc_file f;
	size_t n;

	ck_assert_ptr_nonnull(start);
	ck_assert_ptr_nonnull(len);
	mc_buf_add(&text, "\xef\xbb\xbf", 3);
	for (unsigned l = 1; l <= LINES; l++) {
		start[l] = text.len;
		mc_buf_addf(&text, "L%u", l);
		for (unsigned k = 0; k < l * 37 % 300; k++)
			mc_buf_addc(&text, 'x');
		len[l] = text.len - start[l];
		mc_buf_adds(&text, breaks[l % 6]);
	}
	ck_assert(!mc_buf_failed(&text));
	f = (mc_file){"t.yaml", text.data, text.len, NULL};
	/* Backwards, so that the lines are not found in file order. */
	for (unsigned l = LINES + 1; l >= 1; l--) {
		const char *got = mc_file_line(&f, l, &n);

		if (l == LINES + 1) {
			/* the empty line after the last break */
			ck_assert_ptr_eq(got, text.data + text.len);
			ck_assert_uint_eq(n, 0);
		} else if (len[l] > 200) {
			ck_assert_msg(got == NULL, "line %u of %zu bytes is shown", l,
				      len[l]);
		} else {
			ck_assert_msg(got == text.data + start[l], "line %u", l);
			ck_assert_uint_eq(n, len[l]);
		}
	}
	ck_assert_ptr_null(mc_file_line(&f, LINES + 2, &n));
	ck_assert_ptr_null(mc_file_line(&f, 0, &n));
	mc_file_release(&f);
	/* UTF-16 text: positions count its characters, no line is shown. */
	f = (mc_file){"t.yaml", "\xff\xfe" "a\0:\0 \0" "1\0\n\0", 12, NULL};
	ck_assert_ptr_null(mc_file_line(&f, 1, &n));
	mc_file_release(&f);
	mc_buf_free(&text);
	free(start);
	free(len);
}
END_TEST

/*
 * Finding a line does not count the lines before it: 100,000 lookups of
 * lines near the end of a file of 1,000,000 lines take milliseconds (a scan
 * from the first byte each time took minutes).
 */
START_TEST(file_line_is_found_without_a_scan_from_the_start)
{
	enum { LINES = 1000000 };
	mc_buf text = MC_BUF_INIT;
	struct timespec t0, t1;
	mc_file f;
	size_t n;
	double secs;

	for (unsigned l = 1; l <= LINES; l++)
		mc_buf_addf(&text, "- %u\n", l);
	ck_assert(!mc_buf_failed(&text));
	f = (mc_file){"t.yaml", text.data, text.len, NULL};
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned k = 0; k < 100000; k++) {
		unsigned l = LINES - k % 1000;
		const char *got = mc_file_line(&f, l, &n);
		char want[16];

		/* No ck_assert in the loop: each one costs a system call. */
		snprintf(want, sizeof(want), "- %u", l);
		if (!got || n != strlen(want) || memcmp(got, want, n) != 0)
			ck_abort_msg("line %u is not '%s'", l, want);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	ck_assert_msg(secs < 1.0 * test_time_scale(), "100,000 lines found in %.2f s",
		      secs);
	mc_file_release(&f);
	mc_buf_free(&text);
}
END_TEST

START_TEST(diag_only_the_first_error_stops_the_load)
{
	const char *y = "a: *one\nb: *two\n";

	ck_assert_int_eq(load(y, NULL), MC_EINPUT);
	ck_assert_ptr_null(doc);
	ck_assert_uint_ge(mc_diag_error_count(diag), 1);
	assert_at(mc_diag_get(diag, 0), 1, 4, "'*one'");
}
END_TEST

START_TEST(node_diag_positions_at_the_node)
{
	const mc_node *root = must_load("a:\n  b: [x, yy]\n");
	const mc_node *yy = item(mc_node_get(mc_node_get(root, "a"), "b"), 1);
	const mc_diag_item *it;

	ck_assert_int_eq(mc_node_error(diag, yy, "bad %s", "value"), 0);
	it = mc_diag_get(diag, 0);
	assert_at(it, 2, 10, "bad value");
	ck_assert_str_eq(it->source_line, "  b: [x, yy]");
}
END_TEST

/* ------------------------------------------------------------------------
 * Queries
 */

START_TEST(node_get_finds_values_by_key)
{
	const mc_node *root = must_load("name: hv-01\nab: 1\na: 2\n");

	assert_scalar(mc_node_get(root, "name"), MC_SCALAR_STR, "hv-01");
	assert_int(mc_node_get(root, "a"), 2);
	assert_int(mc_node_get(root, "ab"), 1);
	ck_assert_ptr_null(mc_node_get(root, "missing"));
	ck_assert_ptr_null(mc_node_get(root, "nam"));
	ck_assert_ptr_null(mc_node_get(root, ""));
	/* getn compares exactly len bytes. */
	assert_int(mc_node_getn(root, "abc", 2), 1);
	assert_int(mc_node_getn(root, "abc", 1), 2);
}
END_TEST

/*
 * A mapping of 200,000 keys: every key found, 200,000 absent ones not,
 * in well under a second (searching the pairs in order took minutes).
 */
START_TEST(node_get_in_a_large_mapping_takes_no_search)
{
	enum { KEYS = 200000 };
	mc_buf text = MC_BUF_INIT;
	struct timespec t0, t1;
	const mc_node *root;
	double secs;
	int bad = 0;

	for (unsigned i = 0; i < KEYS; i++)
		mc_buf_addf(&text, "k%u: %u\n", i, i);
	ck_assert(!mc_buf_failed(&text));
	root = must_load(text.data);
	ck_assert_uint_eq(root->len, KEYS);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned i = 0; i < KEYS; i++) {
		char key[16];
		const mc_node *v;

		/* No ck_assert in the loop: each one costs a system call. */
		snprintf(key, sizeof(key), "k%u", i);
		v = mc_node_get(root, key);
		bad += !v || v->type != MC_SCALAR_INT || v->num != (int64_t)i;
		key[0] = 'x';
		bad += mc_node_get(root, key) != NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	ck_assert_int_eq(bad, 0);
	ck_assert_msg(secs < 1.0 * test_time_scale(), "400,000 lookups in %.2f s", secs);
	/* getn compares exactly len bytes there too. */
	assert_int(mc_node_getn(root, "k12345x", 6), 12345);
	mc_buf_free(&text);
}
END_TEST

/* Large mappings find their duplicate keys, and merged keys, as small
 * ones do. */
START_TEST(node_get_in_large_mappings_with_merges_and_duplicates)
{
	mc_buf text = MC_BUF_INIT;
	const mc_node *root, *d, *a;

	/* a base of 40 keys; d: 30 explicit keys (k20..k49) and the base */
	mc_buf_adds(&text, "base: &b {");
	for (unsigned i = 0; i < 40; i++)
		mc_buf_addf(&text, "%sk%u: base", i ? ", " : "", i);
	mc_buf_adds(&text, "}\nd:\n");
	for (unsigned i = 20; i < 50; i++)
		mc_buf_addf(&text, "  k%u: own\n", i);
	mc_buf_adds(&text, "  <<: *b\nalias: *b\n");
	ck_assert(!mc_buf_failed(&text));
	root = must_load(text.data);
	d = mc_node_get(root, "d");
	ck_assert_uint_eq(d->len, 50);
	assert_scalar(mc_node_get(d, "k0"), MC_SCALAR_STR, "base");
	assert_scalar(mc_node_get(d, "k19"), MC_SCALAR_STR, "base");
	assert_scalar(mc_node_get(d, "k20"), MC_SCALAR_STR, "own");
	assert_scalar(mc_node_get(d, "k49"), MC_SCALAR_STR, "own");
	ck_assert_ptr_null(mc_node_get(d, "k50"));
	/* explicit keys first, in file order, then the merged ones */
	ck_assert_str_eq(d->u.pairs[0].key->u.text, "k20");
	ck_assert_str_eq(d->u.pairs[30].key->u.text, "k0");
	/* an alias of a large mapping finds its keys */
	a = mc_node_get(root, "alias");
	ck_assert_uint_eq(a->len, 40);
	assert_scalar(mc_node_get(a, "k39"), MC_SCALAR_STR, "base");

	mc_buf_reset(&text);
	for (unsigned i = 0; i < 1000; i++)
		mc_buf_addf(&text, "k%u: %u\n", i, i);
	mc_buf_adds(&text, "k500: again\n");
	ck_assert_int_eq(load(text.data, NULL), MC_EINPUT);
	assert_at(mc_diag_get(diag, 0), 1001, 1,
		  "duplicate key 'k500' (first at line 501, column 1)");
	mc_buf_free(&text);
}
END_TEST

START_TEST(node_get_on_a_non_mapping_is_null)
{
	const mc_node *root = must_load("[a, b]");

	ck_assert_ptr_null(mc_node_get(root, "a"));
	ck_assert_ptr_null(mc_node_get(item(root, 0), "a"));
	ck_assert_ptr_null(mc_node_get(NULL, "a"));
}
END_TEST

START_TEST(node_describe_names_every_kind)
{
	const mc_node *root = must_load("[~, true, 1, x, '1', [1], {a: 1}]");

	ck_assert_str_eq(mc_node_describe(NULL), "nothing");
	ck_assert_str_eq(mc_node_describe(item(root, 0)), "null");
	ck_assert_str_eq(mc_node_describe(item(root, 1)), "a boolean");
	ck_assert_str_eq(mc_node_describe(item(root, 2)), "an integer");
	ck_assert_str_eq(mc_node_describe(item(root, 3)), "a string");
	ck_assert_str_eq(mc_node_describe(item(root, 4)), "a string");
	ck_assert_str_eq(mc_node_describe(item(root, 5)), "a list");
	ck_assert_str_eq(mc_node_describe(item(root, 6)), "a mapping");
	ck_assert_str_eq(mc_node_describe(root), "a list");
}
END_TEST

START_TEST(node_describe_big_integers_and_empty_strings)
{
	/* An integer past 64 bits stays a string but says what it is. */
	const mc_node *root = must_load("[99999999999999999999, '99999999999999999999', '']");

	ck_assert_int_eq(item(root, 0)->type, MC_SCALAR_STR);
	ck_assert(item(root, 0)->flags & MC_NODE_BIGINT);
	ck_assert_str_eq(mc_node_describe(item(root, 0)),
			 "an integer too large for 64 bits");
	/* Quoted, it is just a string. */
	ck_assert(!(item(root, 1)->flags & MC_NODE_BIGINT));
	ck_assert_str_eq(mc_node_describe(item(root, 1)), "a string");
	ck_assert_str_eq(mc_node_describe(item(root, 2)), "an empty string");
}
END_TEST

START_TEST(node_is_str_only_for_strings)
{
	const mc_node *root = must_load("[~, true, 1, x, '1', [x]]");

	ck_assert(!mc_node_is_str(item(root, 0)));
	ck_assert(!mc_node_is_str(item(root, 1)));
	ck_assert(!mc_node_is_str(item(root, 2)));
	ck_assert(mc_node_is_str(item(root, 3)));
	ck_assert(mc_node_is_str(item(root, 4)));
	ck_assert(!mc_node_is_str(item(root, 5)));
	ck_assert(!mc_node_is_str(NULL));
}
END_TEST

START_TEST(mapping_keeps_file_order)
{
	const mc_node *root = must_load("z: 1\na: 2\nm: 3\n");

	ck_assert_uint_eq(root->len, 3);
	ck_assert_str_eq(root->u.pairs[0].key->u.text, "z");
	ck_assert_str_eq(root->u.pairs[1].key->u.text, "a");
	ck_assert_str_eq(root->u.pairs[2].key->u.text, "m");
}
END_TEST

/* ------------------------------------------------------------------------
 * Shared scalars (MC_DOC_SHARED, as inventories load)
 */

static int
load_shared(const char *yaml)
{
	mc_doc_free(doc);
	doc = NULL;
	mc_diag_clear(diag);
	return mc_doc_load_buffer_as(&doc, "t.yaml", yaml, strlen(yaml), NULL,
				     MC_DOC_SHARED, diag);
}

START_TEST(shared_keys_and_items_are_one_node)
{
	ck_assert_int_eq(load_shared("hosts:\n"
				     "  - name: a\n    features: [sse, avx, sse]\n"
				     "  - name: b\n    features: [avx]\n"), MC_OK);
	const mc_node *hosts = mc_node_get(doc->root, "hosts");
	const mc_node *a = item(hosts, 0), *b = item(hosts, 1);
	const mc_node *fa = mc_node_get(a, "features"), *fb = mc_node_get(b, "features");

	/* One node for every `name` key and every `avx` item, at the first's
	 * place. */
	ck_assert_ptr_eq(key_of(a, "name"), key_of(b, "name"));
	assert_pos(key_of(b, "name"), 2, 5);
	ck_assert_ptr_eq(item(fa, 1), item(fb, 0));
	ck_assert_ptr_eq(item(fa, 0), item(fa, 2));
	assert_scalar(item(fb, 0), MC_SCALAR_STR, "avx");
	assert_pos(item(fb, 0), 3, 21);
	/* A mapping's value is shared too; the mapping keeps its place. */
	mc_place at;
	const mc_node *v = mc_node_get_at(b, "name", &at);

	assert_scalar(v, MC_SCALAR_STR, "b");
	ck_assert_uint_eq(at.line, 4);
	ck_assert_uint_eq(at.col, 11);
	ck_assert_ptr_eq(at.file, &doc->file);
	/* Collections are never shared. */
	ck_assert_ptr_ne(fa, fb);
	assert_pos(fb, 5, 15);
}
END_TEST

START_TEST(shared_values_keep_their_places_in_their_mappings)
{
	ck_assert_int_eq(load_shared("- {state: running, n: 1}\n"
				     "- {n: 1, state: running}\n"
				     "- &x {state: running}\n"
				     "- *x\n"
				     "- {<<: *x, n: 2}\n"), MC_OK);
	const mc_node *r = doc->root;
	mc_place at;

	/* One node for every `running`, at its first place. */
	ck_assert_ptr_eq(mc_node_get(item(r, 0), "state"), mc_node_get(item(r, 1), "state"));
	assert_pos(mc_node_get(item(r, 1), "state"), 1, 11);
	ck_assert_ptr_nonnull(mc_node_get_at(item(r, 1), "state", &at));
	ck_assert_uint_eq(at.line, 2);
	ck_assert_uint_eq(at.col, 17);
	ck_assert_ptr_nonnull(mc_node_get_at(item(r, 1), "n", &at));
	ck_assert_uint_eq(at.col, 7);
	/* Through an alias, and merged by `<<`: where the anchored mapping
	 * wrote it. */
	ck_assert_ptr_nonnull(mc_node_get_at(item(r, 3), "state", &at));
	ck_assert_uint_eq(at.line, 3);
	ck_assert_uint_eq(at.col, 14);
	ck_assert_ptr_nonnull(mc_node_get_at(item(r, 4), "state", &at));
	ck_assert_uint_eq(at.line, 3);
	ck_assert_uint_eq(at.col, 14);
	ck_assert_ptr_nonnull(mc_node_get_at(item(r, 4), "n", &at));
	ck_assert_uint_eq(at.line, 5);
	ck_assert_uint_eq(at.col, 15);
	/* A document loaded as a tree: every value its own node. */
	mc_doc_free(doc);
	doc = NULL;
	r = must_load("- {state: running}\n- {state: running}\n");
	ck_assert_ptr_ne(mc_node_get(item(r, 0), "state"), mc_node_get(item(r, 1), "state"));
	ck_assert_ptr_nonnull(mc_node_get_at(item(r, 1), "state", &at));
	ck_assert_uint_eq(at.line, 2);
}
END_TEST

START_TEST(shared_lists_of_the_same_scalars_share_their_items)
{
	ck_assert_int_eq(load_shared("- [sse, avx, aes]\n"
				     "- [sse, avx, aes]\n"
				     "- [sse, avx]\n"
				     "- ['sse', avx, aes]\n"
				     "- [[sse], [sse]]\n"
				     "- [[sse], [sse]]\n"), MC_OK);
	const mc_node *r = doc->root;

	/* The same scalars in the same order: one items array, but each list
	 * its own node at its own place. */
	ck_assert_ptr_eq(item(r, 0)->u.items, item(r, 1)->u.items);
	ck_assert_ptr_ne(item(r, 0), item(r, 1));
	assert_pos(item(r, 1), 2, 3);
	ck_assert_uint_eq(item(r, 1)->len, 3);
	assert_scalar(item(item(r, 1), 2), MC_SCALAR_STR, "aes");
	/* A prefix, another style of scalar, lists of collections: apart. */
	ck_assert_ptr_ne(item(r, 2)->u.items, item(r, 0)->u.items);
	ck_assert_uint_eq(item(r, 2)->len, 2);
	ck_assert_ptr_ne(item(r, 3)->u.items, item(r, 0)->u.items);
	ck_assert(item(item(r, 3), 0)->flags & MC_NODE_QUOTED);
	ck_assert_ptr_ne(item(r, 4)->u.items, item(r, 5)->u.items);
}
END_TEST

START_TEST(shared_merged_mappings_keep_their_values_places)
{
	/* Eleven pairs, ten of them merged: the pairs' block grows past
	 * its first size, and the places still follow the pairs. */
	ck_assert_int_eq(load_shared("- &a {k1: 1, k2: 2, k3: 3, k4: 4, k5: 5}\n"
				     "- &b {k6: 6, k7: 7, k8: 8, k9: 9, k10: 10}\n"
				     "- {<<: [*a, *b], k0: 0}\n"), MC_OK);
	const mc_node *m = item(doc->root, 2);
	mc_place at;

	ck_assert_uint_eq(m->len, 11);
	assert_int(mc_node_get_at(m, "k0", &at), 0);
	ck_assert_uint_eq(at.line, 3);
	ck_assert_uint_eq(at.col, 22);
	assert_int(mc_node_get_at(m, "k1", &at), 1);
	ck_assert_uint_eq(at.line, 1);
	ck_assert_uint_eq(at.col, 11);
	assert_int(mc_node_get_at(m, "k5", &at), 5);
	ck_assert_uint_eq(at.line, 1);
	ck_assert_uint_eq(at.col, 39);
	assert_int(mc_node_get_at(m, "k10", &at), 10);
	ck_assert_uint_eq(at.line, 2);
	ck_assert_uint_eq(at.col, 40);
	ck_assert_ptr_eq(at.file, &doc->file);
}
END_TEST

START_TEST(shared_scalars_of_another_style_or_type_stay_apart)
{
	ck_assert_int_eq(load_shared("l: [1, '1', \"1\", yes, true, ~]\n"
				     "m: [1, '1', \"1\", yes, true, ~]\n"), MC_OK);
	const mc_node *l = mc_node_get(doc->root, "l"), *m = mc_node_get(doc->root, "m");

	assert_int(item(m, 0), 1);
	assert_scalar(item(m, 1), MC_SCALAR_STR, "1");
	ck_assert(item(m, 1)->flags & MC_NODE_QUOTED);
	assert_scalar(item(m, 3), MC_SCALAR_STR, "yes");
	ck_assert_int_eq(item(m, 4)->type, MC_SCALAR_BOOL);
	ck_assert_int_eq(item(m, 5)->type, MC_SCALAR_NULL);
	ck_assert_ptr_ne(item(m, 0), item(m, 1));
	for (size_t i = 0; i < 6; i++)
		ck_assert_ptr_eq(item(l, i), item(m, i));
	/* Single and double quotes read as the same string. */
	ck_assert_ptr_eq(item(m, 1), item(m, 2));
}
END_TEST

START_TEST(shared_errors_keep_their_places)
{
	/* The duplicate and the first of it, though their key nodes are
	 * shared with the first mapping's. */
	ck_assert_int_eq(load_shared("- {a: 1, b: 2}\n- {b: 3, c: 4, b: 5}\n"), MC_EINPUT);
	assert_at(mc_diag_get(diag, 0), 2, 16, "duplicate key 'b' (first at line 2, column 4)");
	/* A `<<` merge's list keeps its items' own places. */
	ck_assert_int_eq(load_shared("- [x]\n- {<<: [x]}\n"), MC_EINPUT);
	assert_at(mc_diag_get(diag, 0), 2, 9, "a '<<' merge takes a mapping");
	/* A key that is no scalar, after shared ones. */
	ck_assert_int_eq(load_shared("- {a: 1}\n- {a: 2, [k]: 3}\n"), MC_EINPUT);
	assert_at(mc_diag_get(diag, 0), 2, 10, "a mapping key must be");
}
END_TEST

START_TEST(shared_scalars_count_against_the_node_limit)
{
	mc_limits l = limits();
	char yaml[64];

	l.max_nodes = 6;  /* the list and five items, four of them shared */
	snprintf(yaml, sizeof(yaml), "[a, a, a, a, a]\n");
	mc_doc_free(doc);
	doc = NULL;
	ck_assert_int_eq(mc_doc_load_buffer_as(&doc, "t.yaml", yaml, strlen(yaml), &l,
					       MC_DOC_SHARED, diag), MC_OK);
	l.max_nodes = 5;
	mc_doc_free(doc);
	doc = NULL;
	ck_assert_int_eq(mc_doc_load_buffer_as(&doc, "t.yaml", yaml, strlen(yaml), &l,
					       MC_DOC_SHARED, diag), MC_ELIMIT);
}
END_TEST

Suite *
node_suite(void)
{
	Suite *s = suite_create("node");
	TCase *tc;

	tc = tcase_create("positions");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, position_block_mapping_keys_and_values);
	tcase_add_test(tc, position_block_sequence_and_items);
	tcase_add_test(tc, position_indentless_sequence);
	tcase_add_test(tc, position_inside_flow_sequence);
	tcase_add_test(tc, position_inside_flow_mapping);
	tcase_add_test(tc, position_nested_flow_collections);
	tcase_add_test(tc, position_flow_collection_over_lines);
	tcase_add_test(tc, position_columns_count_characters_not_bytes);
	tcase_add_test(tc, position_nodes_know_their_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("scalars");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, scalar_null_forms);
	tcase_add_test(tc, scalar_null_lookalikes_are_strings);
	tcase_add_test(tc, scalar_booleans);
	tcase_add_test(tc, scalar_yaml11_booleans_stay_strings);
	tcase_add_test(tc, scalar_integers_decimal_hex_octal_negative);
	tcase_add_test(tc, scalar_integer_limits);
	tcase_add_test(tc, scalar_integer_past_64_bits_stays_string);
	tcase_add_test(tc, scalar_non_integers_are_strings);
	tcase_add_test(tc, scalar_quoted_values_are_strings);
	tcase_add_test(tc, scalar_tag_str_keeps_a_string);
	tcase_add_test(tc, scalar_tag_int_reads_an_integer);
	tcase_add_test(tc, scalar_tag_bool_and_null);
	tcase_add_test(tc, scalar_bad_tag_int_is_an_error);
	tcase_add_test(tc, scalar_tag_int_past_64_bits_is_an_error);
	tcase_add_test(tc, scalar_bad_tag_bool_is_an_error);
	tcase_add_test(tc, scalar_unsupported_tag_is_an_error);
	tcase_add_test(tc, collection_unsupported_tag_is_an_error);
	tcase_add_test(tc, collection_matching_tags_are_accepted);
	suite_add_tcase(s, tc);

	tc = tcase_create("keys");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, duplicate_key_is_an_error_at_the_second);
	tcase_add_test(tc, duplicate_key_in_flow_mapping_names_the_first);
	tcase_add_test(tc, duplicate_key_quoted_and_plain_are_the_same_key);
	tcase_add_test(tc, same_key_in_different_mappings_is_fine);
	tcase_add_test(tc, merge_adds_the_merged_keys);
	tcase_add_test(tc, merge_explicit_key_wins_and_is_no_duplicate);
	tcase_add_test(tc, merge_earlier_mapping_wins);
	tcase_add_test(tc, merge_of_a_scalar_is_an_error);
	tcase_add_test(tc, quoted_merge_key_is_an_ordinary_key);
	tcase_add_test(tc, collection_key_is_an_error);
	tcase_add_test(tc, null_key_is_an_error);
	tcase_add_test(tc, mapping_keeps_file_order);
	suite_add_tcase(s, tc);

	tc = tcase_create("aliases");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, alias_shares_the_anchored_node);
	tcase_add_test(tc, alias_refers_to_the_latest_anchor_of_a_name);
	tcase_add_test(tc, alias_cycle_is_refused_at_the_alias);
	tcase_add_test(tc, alias_cycle_through_a_mapping_is_refused);
	tcase_add_test(tc, undefined_alias_is_refused);
	tcase_add_test(tc, alias_before_its_anchor_is_refused);
	tcase_add_test(tc, alias_expansion_within_the_limit_loads);
	tcase_add_test(tc, alias_expansion_past_the_limit_is_refused);
	tcase_add_test(tc, alias_expansion_billion_laughs_is_refused_early);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, depth_limit_exactly_max_depth_is_accepted);
	tcase_add_test(tc, depth_limit_one_past_max_depth_is_refused);
	tcase_add_test(tc, depth_limit_is_at_most_mc_max_depth);
	tcase_add_test(tc, depth_limit_counts_through_aliases);
	tcase_add_test(tc, node_limit_at_and_past);
	tcase_add_test(tc, items_limit_at_and_past_the_default);
	tcase_add_test(tc, node_limit_counts_keys);
	tcase_add_test(tc, scalar_limit_at_the_limit_is_accepted);
	tcase_add_test(tc, scalar_limit_past_the_limit_is_refused);
	tcase_add_test(tc, file_size_limit_at_and_past);
	suite_add_tcase(s, tc);

	tc = tcase_create("documents");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, empty_buffer_gives_no_root_and_no_error);
	tcase_add_test(tc, comments_only_gives_no_root);
	tcase_add_test(tc, second_document_is_refused);
	tcase_add_test(tc, one_explicit_document_is_accepted);
	tcase_add_test(tc, nul_escape_in_a_scalar_is_refused);
	tcase_add_test(tc, raw_nul_byte_is_refused_with_its_position);
	tcase_add_test(tc, invalid_utf8_is_refused_with_its_position);
	tcase_add_test(tc, invalid_utf8_column_counts_characters);
	tcase_add_test(tc, truncated_utf8_at_the_end_is_refused);
	tcase_add_test(tc, bom_is_not_a_column);
	tcase_add_test(tc, invalid_utf8_after_bom_column_ignores_the_bom);
	tcase_add_test(tc, syntax_error_has_a_position);
	suite_add_tcase(s, tc);

	tc = tcase_create("diagnostics");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, diag_source_line_is_the_offending_line);
	tcase_add_test(tc, diag_source_line_drops_crlf);
	tcase_add_test(tc, diag_source_line_of_the_last_line_without_newline);
	tcase_add_test(tc, diag_only_the_first_error_stops_the_load);
	tcase_add_test(tc, position_with_cr_line_breaks);
	tcase_add_test(tc, reader_error_after_crlf_and_cr_breaks);
	tcase_add_test(tc, diag_source_line_with_cr_line_breaks);
	tcase_add_test(tc, diag_source_line_after_a_nel_break);
	tcase_add_test(tc, file_line_finds_every_line_after_every_break);
	tcase_add_test(tc, node_diag_positions_at_the_node);
	suite_add_tcase(s, tc);

	/* Large inputs: what they assert is a bound on time, which they
	 * measure themselves; loading them takes seconds under the
	 * sanitizers and valgrind. */
	tc = tcase_create("scale");
	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, file_line_is_found_without_a_scan_from_the_start);
	tcase_add_test(tc, node_get_in_a_large_mapping_takes_no_search);
	suite_add_tcase(s, tc);

	tc = tcase_create("shared");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, shared_keys_and_items_are_one_node);
	tcase_add_test(tc, shared_values_keep_their_places_in_their_mappings);
	tcase_add_test(tc, shared_scalars_of_another_style_or_type_stay_apart);
	tcase_add_test(tc, shared_lists_of_the_same_scalars_share_their_items);
	tcase_add_test(tc, shared_merged_mappings_keep_their_values_places);
	tcase_add_test(tc, shared_errors_keep_their_places);
	tcase_add_test(tc, shared_scalars_count_against_the_node_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("queries");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, node_get_finds_values_by_key);
	tcase_add_test(tc, node_get_on_a_non_mapping_is_null);
	tcase_add_test(tc, node_get_in_large_mappings_with_merges_and_duplicates);
	tcase_add_test(tc, node_describe_names_every_kind);
	tcase_add_test(tc, node_describe_big_integers_and_empty_strings);
	tcase_add_test(tc, node_is_str_only_for_strings);
	suite_add_tcase(s, tc);

	return s;
}
