/* SPDX-License-Identifier: MIT */
/*
 * test_json.c - the json suite: the JSON loader (engine/load/json.h) builds
 * the tree the YAML loader built from the same text, node for node and
 * place for place, in every encoding it reads; jansson's errors are at
 * jansson's place; the limits hold as the YAML loader holds them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "load/json.h"
#include "load/node.h"

static mc_diag *diag;

static void
setup(void)
{
	diag = mc_diag_new();
	ck_assert_ptr_nonnull(diag);
}

static void
teardown(void)
{
	mc_diag_free(diag);
	diag = NULL;
}

#define KEPT_FLAGS (MC_NODE_BIGINT | MC_NODE_BLOCK | MC_NODE_QUOTED)

/* a (the YAML loader's) and b (the JSON loader's) are the same tree. */
static void
same_tree(const mc_node *a, const mc_node *b)
{
	ck_assert_int_eq(a->kind, b->kind);
	ck_assert_int_eq(a->type, b->type);
	ck_assert_int_eq(a->flags & KEPT_FLAGS, b->flags & KEPT_FLAGS);
	ck_assert_uint_eq(a->line, b->line);
	ck_assert_uint_eq(a->col, b->col);
	ck_assert_uint_eq(a->len, b->len);
	ck_assert_uint_eq(a->height, b->height);
	ck_assert_uint_eq(a->weight, b->weight);
	switch (a->kind) {
	case MC_NODE_SCALAR:
		ck_assert_mem_eq(a->u.text, b->u.text, a->len);
		ck_assert_int_eq(b->u.text[b->len], '\0');
		if (a->type == MC_SCALAR_INT || a->type == MC_SCALAR_BOOL)
			ck_assert_int_eq(a->num, b->num);
		break;
	case MC_NODE_SEQ:
		for (size_t i = 0; i < a->len; i++)
			same_tree(a->u.items[i], b->u.items[i]);
		break;
	default:
		ck_assert_int_eq(a->keys != NULL, b->keys != NULL);
		for (size_t i = 0; i < a->len; i++) {
			same_tree(a->u.pairs[i].key, b->u.pairs[i].key);
			same_tree(a->u.pairs[i].value, b->u.pairs[i].value);
			ck_assert_ptr_eq(mc_node_getn(b, b->u.pairs[i].key->u.text,
						      b->u.pairs[i].key->len),
					 b->u.pairs[i].value);
		}
		break;
	}
}

/* Both loaders read len bytes at text without a diagnostic, to the same
 * tree. */
static void
both_read(const char *text, size_t len)
{
	mc_doc *y = NULL, *j = NULL;

	ck_assert_int_eq(mc_doc_load_buffer(&y, "t.json", text, len, NULL, diag), MC_OK);
	ck_assert_int_eq(mc_json_load_buffer(&j, "t.json", text, len, NULL, diag), MC_OK);
	ck_assert_uint_eq(mc_diag_count(diag), 0);
	ck_assert_ptr_nonnull(y->root);
	ck_assert_ptr_nonnull(j->root);
	same_tree(y->root, j->root);
	mc_doc_free(y);
	mc_doc_free(j);
}

static const char *const texts[] = {
	"{\"a\": 1, \"b\": [true, false, null], \"c\": {\"d\": \"e\"}}",
	"[\n  -0, 1.5, 1e5, 2E-3, 123456789012345678901234567890,\n"
	"  -9223372036854775808, 9223372036854775807, 9223372036854775808\n]\n",
	"{\r\n  \"caf\xc3\xa9\": \"\xe6\x97\xa5\xe6\x9c\xac\",\r\n"
	"  \"x\": \"\\u00e9 \\\" \\\\ \\/ \\n\\t\",  \"y\": 7\r\n}\r\n",
	"{\r  \"cr\": 1,\r  \"only\": [2,\r 3]\r}\r",
	"{\n\t\"tab\": {\n\t\t\"bed\": [1,\n\t\t\t2]\n\t}\n}\n",
	"{\"empty\": {}, \"none\": [], \"s\": \"\", \"deep\": [[[[{}]]]]}",
	"\"top\"",
	"42",
	"\xef\xbb\xbf{\"bom\": \"\xf0\x9f\x98\x80\", \"after\": 1}",
	"{\"k0\": 0, \"k1\": 1, \"k2\": 2, \"k3\": 3, \"k4\": 4, \"k5\": 5,"
	" \"k6\": 6, \"k7\": 7, \"k8\": 8, \"k9\": 9, \"k10\": 10, \"k11\": 11,"
	" \"k12\": 12, \"k13\": 13, \"k14\": 14, \"k15\": 15, \"k16\": 16,"
	" \"k17\": 17, \"k18\": [\"Microsoft.HyperV\", {\"z\": null}]}",
	"[\"a\xe2\x80\xa8\", {\"after\": \"the LS\"}]",
};

START_TEST(json_tree_is_the_yaml_loaders)
{
	const char *t = texts[_i];

	both_read(t, strlen(t));
}
END_TEST

/* libyaml refused a pair of \u escapes for a character past U+FFFF
 * ("found invalid Unicode character escape code"): JSON writes them so. */
START_TEST(json_surrogate_pair_escapes_are_one_character)
{
	static const char t[] = "{\"n\": \"vm \\ud83d\\ude00\", \"m\": 1}";
	mc_doc *d = NULL;
	const mc_node *n, *m;

	ck_assert_int_eq(mc_json_load_buffer(&d, "t.json", t, strlen(t), NULL, diag),
			 MC_OK);
	n = mc_node_get(d->root, "n");
	ck_assert_str_eq(n->u.text, "vm \xf0\x9f\x98\x80");
	ck_assert_uint_eq(n->len, 7);
	m = mc_node_get(d->root, "m");
	ck_assert_uint_eq(m->col, 31);
	mc_doc_free(d);
}
END_TEST

/* A raw LS in a string is a character of it, the spaces before it kept:
 * libyaml took it for a line break of a quoted scalar and dropped them
 * ("a  <LS>b" was "a<LS>b"); it is still a line break for places. */
START_TEST(json_raw_line_separator_keeps_the_spaces_before_it)
{
	static const char t[] = "[\"a  \xe2\x80\xa8" "b\", 1]";
	mc_doc *d = NULL;

	ck_assert_int_eq(mc_json_load_buffer(&d, "t.json", t, strlen(t), NULL, diag),
			 MC_OK);
	ck_assert_str_eq(d->root->u.items[0]->u.text, "a  \xe2\x80\xa8" "b");
	ck_assert_uint_eq(d->root->u.items[1]->line, 2);
	ck_assert_uint_eq(d->root->u.items[1]->col, 5);
	mc_doc_free(d);
}
END_TEST

/* text (ASCII or UTF-8 of the BMP) as UTF-16 with a byte order mark. */
static char *
utf16(const char *text, bool le, size_t *len)
{
	size_t n = strlen(text), o = 0;
	unsigned char *out = malloc(2 * n + 2);
	const unsigned char *s = (const unsigned char *)text;

	ck_assert_ptr_nonnull(out);
	out[o++] = le ? 0xFF : 0xFE;
	out[o++] = le ? 0xFE : 0xFF;
	for (size_t i = 0; i < n;) {
		uint32_t c = s[i];
		size_t w = c < 0x80 ? 1 : c < 0xE0 ? 2 : 3;

		if (w == 2)
			c = (c & 0x1F) << 6 | (s[i + 1] & 0x3F);
		else if (w == 3)
			c = (c & 0x0F) << 12 | (s[i + 1] & 0x3F) << 6 | (s[i + 2] & 0x3F);
		i += w;
		out[o++] = (unsigned char)(le ? c & 0xFF : c >> 8);
		out[o++] = (unsigned char)(le ? c >> 8 : c & 0xFF);
	}
	*len = o;
	return (char *)out;
}

START_TEST(json_utf16_reads_as_libyaml_reads_it)
{
	static const char *const t[] = {
		"{\r\n  \"Name\": \"caf\xc3\xa9 \xe6\x97\xa5\",\r\n  \"N\": [1, 2]\r\n}\r\n",
		"[\"\\u00e9\", {\"k\": true}]",
	};

	for (size_t i = 0; i < 2; i++) {
		for (int le = 0; le < 2; le++) {
			size_t len;
			char *u = utf16(t[i], le, &len);

			both_read(u, len);
			free(u);
		}
	}
}
END_TEST

/* Loads text with the JSON loader; returns its status and leaves the first
 * diagnostic's place in *line and *col. */
static int
json_fails(const char *text, size_t len, const mc_limits *lim, unsigned *line,
	   unsigned *col, const char **msg)
{
	mc_doc *d = NULL;
	int rc;

	mc_diag_clear(diag);
	rc = mc_json_load_buffer(&d, "t.json", text, len, lim, diag);
	ck_assert_ptr_null(d);
	ck_assert_uint_ge(mc_diag_count(diag), 1);
	*line = mc_diag_get(diag, 0)->at.line;
	*col = mc_diag_get(diag, 0)->at.column;
	*msg = mc_diag_get(diag, 0)->message;
	return rc;
}

START_TEST(json_errors_are_where_jansson_stopped)
{
	static const struct {
		const char *text;
		unsigned line, col;
		const char *msg;
	} cases[] = {
		{"{\"a\": 1,\n \"b\" 2}", 2, 6, "':' expected near '2'"},
		{"{\"caf\xc3\xa9\": x}", 1, 10, "invalid token near 'x'"},
		{"[1,\n\t\"\xff\"]", 2, 3, "unable to decode byte 0xff"},
		{"\xef\xbb\xbf[1 2]", 1, 4, "']' expected near '2'"},
		{"{\"a\": 1", 1, 7, "'}' expected near end of file"},
		{"{\"a\": 1\n", 1, 8, "'}' expected near end of file"},
		{"{\"a\": 1,\r\"a\": 2}", 2, 1,
		 "duplicate key 'a' (first at line 1, column 2)"},
		{"{\"a\": {\"b\": 1}, \"b\": 2, \"c\": [{\"b\": 3, \"\\u0062\": 4}]}", 1, 40,
		 "duplicate key 'b' (first at line 1, column 32)"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		unsigned line, col;
		const char *msg;

		ck_assert_int_eq(json_fails(cases[i].text, strlen(cases[i].text), NULL,
					    &line, &col, &msg), MC_EINPUT);
		ck_assert_msg(line == cases[i].line && col == cases[i].col &&
			      strncmp(msg, cases[i].msg, strlen(cases[i].msg)) == 0,
			      "case %zu: %u:%u %s", i, line, col, msg);
	}
}
END_TEST

START_TEST(json_limits_are_the_yaml_loaders)
{
	static const struct {
		const char *text;
		const char *limit;
	} cases[] = {
		{"{\"a\": [1, 2, {\"b\": [[3]]}]}", "depth"},
		{"{\"a\": [1, 2, 3], \"b\": \"cdefghijkl\"}", "scalar"},
		{"[1, 2, 3, 4, 5, 6]", "items"},
		{"{\"a\": 1, \"b\": 2, \"c\": 3, \"d\": 4, \"e\": 5}", "items"},
		{"[[1, 2], [3, 4], [5, 6], [7, 8]]", "nodes"},
		{"{\"a\": \"x\\u0000y\"}", "nul"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		mc_limits lim;
		mc_doc *y = NULL;
		unsigned line, col, yline, ycol;
		const char *msg;
		char ymsg[256];
		int rc;

		mc_limits_default(&lim);
		lim.max_depth = 3;
		lim.max_scalar_bytes = 8;
		lim.max_items = 4;
		lim.max_nodes = 10;
		mc_diag_clear(diag);
		rc = mc_doc_load_buffer(&y, "t.json", cases[i].text, strlen(cases[i].text),
					&lim, diag);
		ck_assert_ptr_null(y);
		yline = mc_diag_get(diag, 0)->at.line;
		ycol = mc_diag_get(diag, 0)->at.column;
		snprintf(ymsg, sizeof(ymsg), "%s", mc_diag_get(diag, 0)->message);
		ck_assert_int_eq(json_fails(cases[i].text, strlen(cases[i].text), &lim,
					    &line, &col, &msg), rc);
		ck_assert_msg(line == yline && col == ycol && strcmp(msg, ymsg) == 0,
			      "%s: %u:%u %s, the YAML loader %u:%u %s", cases[i].limit,
			      line, col, msg, yline, ycol, ymsg);
	}
}
END_TEST

START_TEST(json_white_space_alone_has_no_root)
{
	static const char *const t[] = {"", "  \r\n\t\n", "\xef\xbb\xbf\n"};

	for (size_t i = 0; i < 3; i++) {
		mc_doc *d = NULL;

		ck_assert_int_eq(mc_json_load_buffer(&d, "t.json", t[i], strlen(t[i]),
						     NULL, diag), MC_OK);
		ck_assert_ptr_null(d->root);
		mc_doc_free(d);
	}
	ck_assert_uint_eq(mc_diag_count(diag), 0);
}
END_TEST

START_TEST(json_utf16_errors_are_at_the_character)
{
	/* "[\"a" then a high surrogate alone, in UTF-16LE. */
	static const char bad[] = "\xff\xfe[\0\"\0a\0\x00\xd8\"\0]\0";
	static const char odd[] = "\xff\xfe[\0]\0\n";
	unsigned line, col;
	const char *msg;

	ck_assert_int_eq(json_fails(bad, sizeof(bad) - 1, NULL, &line, &col, &msg),
			 MC_EINPUT);
	ck_assert_uint_eq(line, 1);
	ck_assert_uint_eq(col, 4);
	ck_assert_str_eq(msg, "invalid UTF-16: a surrogate without its pair");
	ck_assert_int_eq(json_fails(odd, sizeof(odd) - 1, NULL, &line, &col, &msg),
			 MC_EINPUT);
	ck_assert_uint_eq(col, 3);
}
END_TEST

Suite *
json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("json");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, json_tree_is_the_yaml_loaders, 0,
			    (int)(sizeof(texts) / sizeof(*texts)));
	tcase_add_test(tc, json_surrogate_pair_escapes_are_one_character);
	tcase_add_test(tc, json_raw_line_separator_keeps_the_spaces_before_it);
	tcase_add_test(tc, json_utf16_reads_as_libyaml_reads_it);
	tcase_add_test(tc, json_errors_are_where_jansson_stopped);
	tcase_add_test(tc, json_limits_are_the_yaml_loaders);
	tcase_add_test(tc, json_white_space_alone_has_no_root);
	tcase_add_test(tc, json_utf16_errors_are_at_the_character);
	suite_add_tcase(s, tc);
	return s;
}
