/* SPDX-License-Identifier: MIT */
/*
 * test_fmt.c - mc_policy_format: the canonical layout of docs/fmt.md,
 * rule by rule; laying out the layout changes nothing; comments, block
 * scalars and quoted scalars kept; bad input refused at its place.
 */
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "migcheck.h"

/* The layout of the NUL-terminated text in, which must succeed; laying it
 * out again must give it back. The result is static. */
static const char *
laid(const char *in)
{
	static char text[4096];
	char *out = NULL, *again = NULL;
	size_t len = 0, len2 = 0;
	mc_diag *diag = mc_diag_new();

	ck_assert_ptr_nonnull(diag);
	ck_assert_int_eq(mc_policy_format(&out, &len, "t.yaml", in, strlen(in),
					  NULL, diag), MC_OK);
	ck_assert_uint_eq(mc_diag_count(diag), 0);
	ck_assert_uint_eq(strlen(out), len);
	ck_assert_int_eq(mc_policy_format(&again, &len2, "t.yaml", out, len,
					  NULL, diag), MC_OK);
	ck_assert_str_eq(again, out);  /* idempotent */
	ck_assert_uint_lt(len, sizeof(text));
	memcpy(text, out, len + 1);
	free(out);
	free(again);
	mc_diag_free(diag);
	return text;
}

#define LAID(in, want) ck_assert_str_eq(laid(in), want)

START_TEST(indentation_is_two_spaces_a_level)
{
	LAID("a:\n     b:\n          c: 1\n     d: 2\n",
	     "a:\n  b:\n    c: 1\n  d: 2\n");
	/* a sequence under a key is indented, indentless or not */
	LAID("a:\n- x\n-    y\nb: 1\n", "a:\n  - x\n  - y\nb: 1\n");
	LAID("a:\n      - x\n", "a:\n  - x\n");
	/* a mapping in a sequence item starts after "- " */
	LAID("-   a: 1\n    b: 2\n-   - c\n    - d\n",
	     "- a: 1\n  b: 2\n- - c\n  - d\n");
}
END_TEST

START_TEST(spaces_and_blank_lines)
{
	LAID("a:    1\nb:\t2   \n", "a: 1\nb: 2\n");
	/* at most one blank line, none at either end */
	LAID("\n\n\na: 1\n\n\n\nb: 2\n\n\n", "a: 1\n\nb: 2\n");
	/* CR LF in, LF out */
	LAID("a: 1\r\nb: 2\r\n", "a: 1\nb: 2\n");
	LAID("a: 1", "a: 1\n");
	LAID("", "");
}
END_TEST

START_TEST(flow_collections)
{
	LAID("a: {x:   1,y: [ 1 ,2 ]}\nb: { }\nc: [ ]\n",
	     "a: { x: 1, y: [1, 2] }\nb: {}\nc: []\n");
	/* lines up with the first item, or hangs two spaces */
	LAID("a: [one,\n        two]\n", "a: [one,\n    two]\n");
	LAID("a: [\n one,\n      two\n ]\n", "a: [\n  one,\n  two\n  ]\n");
}
END_TEST

START_TEST(comments_are_kept)
{
	LAID("# top\na: 1    # end of line\n   # before b\nb:\n    # in b\n    c: 2\n"
	     "    # end of b\n# the end\n",
	     "# top\na: 1  # end of line\n# before b\nb:\n  # in b\n  c: 2\n"
	     "  # end of b\n# the end\n");
	LAID("a: |   # header\n    x\n", "a: |  # header\n  x\n");
}
END_TEST

START_TEST(scalars_keep_their_text)
{
	/* quoted and plain scalars over lines: the lines re-indented */
	LAID("a: 'it''s'\nb: \"x\\ty\"\nc: plain\n     text\n",
	     "a: 'it''s'\nb: \"x\\ty\"\nc: plain\n  text\n");
	/* block scalars move with their collection, content and all */
	LAID("a:\n    lua: |\n        if x then\n            return 1   \n"
	     "\n        end\n    b: >-\n        folded\n",
	     "a:\n  lua: |\n    if x then\n        return 1   \n"
	     "\n    end\n  b: >-\n    folded\n");
	/* a kept block scalar keeps its trailing empty lines */
	LAID("a: |+\n  x\n\n\nb: 1\n", "a: |+\n  x\n\n\nb: 1\n");
	/* with an indentation indicator */
	LAID("a:\n    - |2\n        deeper\n      base\n",
	     "a:\n  - |2\n      deeper\n    base\n");
	LAID("a: &x { b: 1 }\nc: *x\nd: !!str 1\n",
	     "a: &x { b: 1 }\nc: *x\nd: !!str 1\n");
}
END_TEST

/* What cannot be read is refused at its place, with nothing returned. */
START_TEST(bad_input_is_refused)
{
	static char untouched[] = "untouched";
	char *out = untouched;
	size_t len = 7;
	mc_diag *diag = mc_diag_new();
	const mc_diag_item *it;
	static const char bad[] = "a: 1\nb: [1, 2\nc: 3\n";
	static const char utf16[] = "\xff\xfe" "a\0:\0 \0" "1\0\n\0";

	ck_assert_int_eq(mc_policy_format(&out, &len, "bad.yaml", bad,
					  sizeof(bad) - 1, NULL, diag), MC_EINPUT);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(len, 0);
	ck_assert_uint_ge(mc_diag_error_count(diag), 1);
	it = mc_diag_get(diag, 0);
	ck_assert_str_eq(it->at.file, "bad.yaml");
	ck_assert_uint_ge(it->at.line, 2);
	mc_diag_clear(diag);
	ck_assert_int_eq(mc_policy_format(&out, &len, "u.yaml", utf16,
					  sizeof(utf16) - 1, NULL, diag), MC_EINPUT);
	ck_assert_ptr_null(out);
	ck_assert(strstr(mc_diag_get(diag, 0)->message, "UTF-8") != NULL);
	mc_diag_clear(diag);
	/* a second document, as every loader refuses it */
	ck_assert_int_eq(mc_policy_format(&out, &len, "d.yaml", "a: 1\n---\nb: 2\n",
					  15, NULL, diag), MC_EINPUT);
	mc_diag_free(diag);
}
END_TEST

/* The file-size limit of mc_limits holds. */
START_TEST(limits_hold)
{
	mc_limits lim;
	char *out = NULL;
	size_t len = 0;
	mc_diag *diag = mc_diag_new();

	mc_limits_default(&lim);
	lim.max_file_bytes = 4;
	ck_assert_int_eq(mc_policy_format(&out, &len, "big.yaml", "a: 1234\n", 8,
					  &lim, diag), MC_ELIMIT);
	ck_assert_ptr_null(out);
	mc_diag_free(diag);
}
END_TEST

Suite *
fmt_suite(void)
{
	Suite *s = suite_create("fmt");
	TCase *tc = tcase_create("fmt");

	tcase_add_test(tc, indentation_is_two_spaces_a_level);
	tcase_add_test(tc, spaces_and_blank_lines);
	tcase_add_test(tc, flow_collections);
	tcase_add_test(tc, comments_are_kept);
	tcase_add_test(tc, scalars_keep_their_text);
	tcase_add_test(tc, bad_input_is_refused);
	tcase_add_test(tc, limits_hold);
	suite_add_tcase(s, tc);
	return s;
}
