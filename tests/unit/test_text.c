/*
 * test_text.c - text written for readers: every character that is not
 * printable text on one line escaped for terminals (mc_buf_add_printable).
 */
#include <string.h>

#include "buf.h"
#include "helpers.h"

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

Suite *
text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("text");

	tcase_add_test(tc, c0_controls_and_del_are_escaped);
	tcase_add_test(tc, c1_and_separators_are_escaped);
	tcase_add_test(tc, invalid_utf8_is_escaped_byte_by_byte);
	tcase_add_test(tc, printable_text_is_kept);
	suite_add_tcase(s, tc);
	return s;
}
