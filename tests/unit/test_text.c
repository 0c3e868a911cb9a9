/* SPDX-License-Identifier: MIT */
/*
 * test_text.c - text written for readers: every character that is not
 * printable text on one line escaped for terminals (mc_buf_add_printable),
 * and inventory YAML that migcheck's loader reads back as it was written
 * (mc_hostrec_yaml).
 */
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "helpers.h"
#include "sources/hostrec.h"
#include "eval/inventory.h"

/* The escaped form of len bytes at s. */
static const char *
printable(const char *s, size_t len, bool keep_newlines)
{
	static char out[256];
	mc_buf b = MC_BUF_INIT;

	mc_buf_add_printable(&b, s, len, keep_newlines);
	ck_assert(!mc_buf_failed(&b));
	ck_assert_uint_lt(b.len, sizeof(out));
	memcpy(out, mc_buf_str(&b), b.len + 1);
	mc_buf_free(&b);
	return out;
}

#define ESCAPED(s, want) ck_assert_str_eq(printable(s, sizeof(s) - 1, false), want)

/* C0 controls and DEL as \xHH: what a terminal would act on. */
START_TEST(c0_controls_and_del_are_escaped)
{
	ESCAPED("a\x1b[31mred\x07", "a\\x1b[31mred\\x07");
	ESCAPED("\x7f", "\\x7f");
	ESCAPED("tab\there", "tab\\x09here");
	ESCAPED("one\ntwo\r", "one\\x0atwo\\x0d");
	ESCAPED("nul\0byte", "nul\\x00byte");
	ck_assert_str_eq(printable("one\ntwo\x1b", 8, true), "one\ntwo\\x1b");
}
END_TEST

/* C1 controls (CSI is U+009B), the line and paragraph separators and the
 * two non-characters as \uHHHH. */
START_TEST(c1_and_separators_are_escaped)
{
	ESCAPED("\xc2\x9b" "2J", "\\u009b2J");
	ESCAPED("\xc2\x80\xc2\x9f", "\\u0080\\u009f");
	ESCAPED("a\xe2\x80\xa8" "b\xe2\x80\xa9", "a\\u2028b\\u2029");
	ESCAPED("\xef\xbf\xbe\xef\xbf\xbf", "\\ufffe\\uffff");
}
END_TEST

/* A byte that is not part of valid UTF-8 as \xHH, each on its own: a
 * stray byte, a cut sequence, an overlong form, a surrogate. */
START_TEST(invalid_utf8_is_escaped_byte_by_byte)
{
	ESCAPED("caf\xe9", "caf\\xe9");
	ESCAPED("\xe2\x82", "\\xe2\\x82");
	ESCAPED("\xc0\xaf", "\\xc0\\xaf");
	ESCAPED("\xed\xa0\x80", "\\xed\\xa0\\x80");
	ESCAPED("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");
}
END_TEST

/* Printable text, backslashes included, is kept as it is. */
START_TEST(printable_text_is_kept)
{
	ESCAPED("caf\xc3\xa9 \xe2\x98\x85 \\x1b \xc2\xa0 \xf0\x9f\x98\x80",
		"caf\xc3\xa9 \xe2\x98\x85 \\x1b \xc2\xa0 \xf0\x9f\x98\x80");
	ESCAPED("", "");
}
END_TEST

/* Strings as an importer may find them in a file, and as the loader
 * reads them back from the YAML written: the same, but a byte that is not
 * UTF-8, which becomes U+FFFD. */
static const struct {
	const char *in, *out;
} strings[] = {
	{"esc \x1b[31m bel \x07 tab \t nl \n cr \r", NULL},
	{"del \x7f nel \xc2\x85 csi \xc2\x9b", NULL},
	{"ls \xe2\x80\xa8 ps \xe2\x80\xa9 \xef\xbf\xbe \xef\xbf\xbf", NULL},
	{"quote \" backslash \\ \\x41 # not: [a comment, b]", NULL},
	{"caf\xc3\xa9 \xe2\x98\x85 \xf0\x9f\x98\x80 \xef\xbb\xbf", NULL},
	{"bad \xff\xfe cut \xe2\x82",
	 "bad \xef\xbf\xbd\xef\xbf\xbd cut \xef\xbf\xbd\xef\xbf\xbd"},
	{"\xc0\xaf \xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
	{" null", NULL},
	{"true", NULL},
	{"-123", NULL},
	{"", NULL},
};

static const char *
text_at(const mc_node *n, const char *key)
{
	const mc_node *v = mc_node_get(n, key);

	ck_assert_ptr_nonnull(v);
	ck_assert(mc_node_is_str(v) || (v->kind == MC_NODE_SCALAR && v->len == 0));
	return v->u.text;
}

/* Every string a record holds is written so that the inventory loads and
 * gives it back; a source comment cannot add lines to the file. */
/* "Did you mean": the nearest name within 1 edit (2 from four letters),
 * neighbours swapped counting as one; never a name no nearer than its own
 * length; the first of equals; table entries by their stride. */
START_TEST(nearest_names_what_was_meant)
{
	static const char *const cmds[] = {"check", "plan", "matrix", "diff", "test",
					   "lint", "help", "ls"};
	static const struct { const char *name; int n; } tab[] = {
		{"running", 1}, {"paused", 2}, {"saved", 3}};
	const size_t n = sizeof(cmds) / sizeof(*cmds);
	char longword[100];

	ck_assert_str_eq(mc_text_nearest("checkk", cmds, n, sizeof(*cmds)), "check");
	ck_assert_str_eq(mc_text_nearest("chekc", cmds, n, sizeof(*cmds)), "check");
	ck_assert_str_eq(mc_text_nearest("plna", cmds, n, sizeof(*cmds)), "plan");
	ck_assert_str_eq(mc_text_nearest("matirx", cmds, n, sizeof(*cmds)), "matrix");
	ck_assert_str_eq(mc_text_nearest("dif", cmds, n, sizeof(*cmds)), "diff");
	/* three letters: one edit only; four: two */
	ck_assert_ptr_null(mc_text_nearest("dxf", cmds, n, sizeof(*cmds)));
	ck_assert_str_eq(mc_text_nearest("dxff", cmds, n, sizeof(*cmds)), "diff");
	ck_assert_ptr_null(mc_text_nearest("xyzzy", cmds, n, sizeof(*cmds)));
	ck_assert_ptr_null(mc_text_nearest("mtr", cmds, n, sizeof(*cmds)));
	ck_assert_str_eq(mc_text_nearest("mtrxx", cmds, n, sizeof(*cmds)), "matrix");
	/* "ls" is two edits from "xy", no nearer than its own length */
	ck_assert_ptr_null(mc_text_nearest("xy", cmds, n, sizeof(*cmds)));
	/* the nearest, the first of equals: "tent" is 1 from "test", "lint" 2 */
	ck_assert_str_eq(mc_text_nearest("tent", cmds, n, sizeof(*cmds)), "test");
	ck_assert_str_eq(mc_text_nearest("hlep", cmds, n, sizeof(*cmds)), "help");
	ck_assert_str_eq(mc_text_nearest("pln", cmds, n, sizeof(*cmds)), "plan");
	ck_assert_str_eq(mc_text_nearest("tset", cmds, n, sizeof(*cmds)), "test");
	ck_assert_str_eq(mc_text_nearest("runing", &tab[0].name, 3, sizeof(tab[0])),
			 "running");
	ck_assert_str_eq(mc_text_nearest("save", &tab[0].name, 3, sizeof(tab[0])),
			 "saved");
	memset(longword, 'a', sizeof(longword) - 1);
	longword[sizeof(longword) - 1] = '\0';
	ck_assert_ptr_null(mc_text_nearest(longword, cmds, n, sizeof(*cmds)));
	ck_assert_ptr_null(mc_text_nearest("check", cmds, 0, sizeof(*cmds)));
}
END_TEST

START_TEST(hostrec_yaml_reads_back_what_was_written)
{
	size_t n = sizeof(strings) / sizeof(strings[0]);
	mc_hostrec *hosts[sizeof(strings) / sizeof(strings[0])];
	mc_buf yaml = MC_BUF_INIT;
	mc_inventory *inv;
	char name[16];

	for (size_t i = 0; i < n; i++) {
		const char *s = strings[i].in;

		hosts[i] = mc_hostrec_new();
		ck_assert_ptr_nonnull(hosts[i]);
		snprintf(name, sizeof(name), "h%zu", i);
		ck_assert_int_eq(mc_hostrec_set(&hosts[i]->name, name, strlen(name)), 0);
		ck_assert_int_eq(mc_hostrec_set(&hosts[i]->cpu_name, s, strlen(s)), 0);
		ck_assert_int_eq(mc_hostrec_set(&hosts[i]->hypervisor_version, s,
						strlen(s)), 0);
		ck_assert_int_eq(mc_hostrec_add_feature(hosts[i], s, strlen(s)), 0);
		ck_assert_int_eq(mc_hostrec_set(&hosts[i]->source, s, strlen(s)), 0);
	}
	mc_hostrec_set(&hosts[0]->source, "x\nvms: []\n", strlen("x\nvms: []\n"));
	mc_hostrec_set(&hosts[1]->source, "x\xe2\x80\xa8vms: []",
		       strlen("x\xe2\x80\xa8vms: []"));
	mc_hostrec_yaml(&yaml, hosts, n);
	ck_assert(!mc_buf_failed(&yaml));
	ck_assert_uint_eq(mc_utf8_valid_prefix(yaml.data, yaml.len), yaml.len);
	inv = inventory_from(mc_buf_str(&yaml));
	ck_assert_uint_eq(inv->nhosts, n);
	ck_assert_uint_eq(inv->nvms, 0);
	for (size_t i = 0; i < n; i++) {
		const char *want = strings[i].out ? strings[i].out : strings[i].in;
		long h;
		const mc_node *cpu, *features;

		snprintf(name, sizeof(name), "h%zu", i);
		h = mc_inventory_find_host(inv, name);
		ck_assert_int_ge(h, 0);
		cpu = mc_node_get(inv->hosts[h].node, "cpu");
		ck_assert_str_eq(text_at(cpu, "name"), want);
		ck_assert_str_eq(text_at(mc_node_get(inv->hosts[h].node, "hypervisor"),
					 "version"), want);
		features = mc_node_get(cpu, "features");
		ck_assert_uint_eq(features->len, 1);
		ck_assert_str_eq(features->u.items[0]->u.text, want);
		mc_hostrec_free(hosts[i]);
	}
	mc_inventory_free(inv);
	mc_buf_free(&yaml);
}
END_TEST

Suite *
text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("text");

	tcase_add_test(tc, c0_controls_and_del_are_escaped);
	tcase_add_test(tc, c1_and_separators_are_escaped);
	tcase_add_test(tc, invalid_utf8_is_escaped_byte_by_byte);
	tcase_add_test(tc, printable_text_is_kept);
	tcase_add_test(tc, nearest_names_what_was_meant);
	tcase_add_test(tc, hostrec_yaml_reads_back_what_was_written);
	suite_add_tcase(s, tc);
	return s;
}
