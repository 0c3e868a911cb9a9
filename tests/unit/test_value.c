/* SPDX-License-Identifier: MIT */
/*
 * test_value.c - the value suite: versions, integer and boolean text,
 * equality and order of scalars (engine/load/value.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "helpers.h"
#include "load/value.h"

/* ------------------------------------------------------------------------
 * Helpers
 */

static bool
valid(const char *s)
{
	return mc_version_valid(s, strlen(s));
}

/* mc_version_cmp reduced to -1, 0 or 1. */
static int
vcmp(const char *a, const char *b)
{
	int c = mc_version_cmp(a, strlen(a), b, strlen(b));

	return (c > 0) - (c < 0);
}

static int
to_int(const char *s, int64_t *out)
{
	return mc_text_to_int(s, strlen(s), out);
}

static int
to_bool(const char *s, bool *out)
{
	return mc_text_to_bool(s, strlen(s), out);
}

/* One document whose root is a flow sequence of the scalars under test;
 * node(i) is item i. */
static mc_doc *value_doc;

static void
load_values(const char *yaml)
{
	mc_diag *diag = mc_diag_new();
	int rc = mc_doc_load_buffer(&value_doc, "values.yaml", yaml, strlen(yaml),
				    NULL, diag);

	ck_assert_msg(rc == MC_OK, "values did not load: %s", first_diag(diag));
	ck_assert_ptr_nonnull(value_doc->root);
	ck_assert_int_eq(value_doc->root->kind, MC_NODE_SEQ);
	mc_diag_free(diag);
}

static const mc_node *
node(size_t i)
{
	ck_assert_uint_lt(i, value_doc->root->len);
	return value_doc->root->u.items[i];
}

static void
free_values(void)
{
	mc_doc_free(value_doc);
	value_doc = NULL;
}

/* ------------------------------------------------------------------------
 * mc_version_valid
 */

START_TEST(version_valid_accepts_dotted_numbers)
{
	ck_assert(valid("6"));
	ck_assert(valid("6.3"));
	ck_assert(valid("6.3.9600"));
	ck_assert(valid("1.1.603.0"));
	ck_assert(valid("10.0"));
}
END_TEST

START_TEST(version_valid_accepts_dash_and_underscore_separators)
{
	ck_assert(valid("1-2"));
	ck_assert(valid("1_2"));
	ck_assert(valid("1.2-3_4"));
}
END_TEST

START_TEST(version_valid_accepts_letters_after_a_leading_digit)
{
	ck_assert(valid("1.2beta"));
	ck_assert(valid("2.0-rc1"));
	ck_assert(valid("1a"));
}
END_TEST

START_TEST(version_valid_refuses_empty)
{
	ck_assert(!mc_version_valid("", 0));
	ck_assert(!mc_version_valid("1.2", 0));
}
END_TEST

START_TEST(version_valid_refuses_leading_separator)
{
	ck_assert(!valid(".1"));
	ck_assert(!valid("-1"));
	ck_assert(!valid("_1"));
}
END_TEST

START_TEST(version_valid_refuses_double_separator)
{
	ck_assert(!valid("1..2"));
	ck_assert(!valid("1.-2"));
	ck_assert(!valid("1_-2"));
}
END_TEST

START_TEST(version_valid_refuses_trailing_separator)
{
	ck_assert(!valid("1."));
	ck_assert(!valid("1.2-"));
	ck_assert(!valid("1_"));
}
END_TEST

START_TEST(version_valid_refuses_a_leading_letter)
{
	ck_assert(!valid("v1.2"));
	ck_assert(!valid("a"));
	ck_assert(!valid("beta.1"));
}
END_TEST

START_TEST(version_valid_refuses_spaces_and_other_characters)
{
	ck_assert(!valid("1 .2"));
	ck_assert(!valid("1.2 "));
	ck_assert(!valid(" 1.2"));
	ck_assert(!valid("1.2+3"));
	ck_assert(!valid("1/2"));
}
END_TEST

START_TEST(version_valid_reads_only_len_bytes)
{
	/* "1.2" followed by bytes outside the given length. */
	ck_assert(mc_version_valid("1.2 junk", 3));
	ck_assert(!mc_version_valid("1.2 junk", 4));
}
END_TEST

/* ------------------------------------------------------------------------
 * mc_version_cmp
 */

START_TEST(version_cmp_spec_chain)
{
	/* The spec's example: 6.3 == 6.3.0 < 6.3.9600 < 10.0. */
	ck_assert_int_eq(vcmp("6.3", "6.3.0"), 0);
	ck_assert_int_eq(vcmp("6.3.0", "6.3"), 0);
	ck_assert_int_eq(vcmp("6.3.0", "6.3.9600"), -1);
	ck_assert_int_eq(vcmp("6.3", "6.3.9600"), -1);
	ck_assert_int_eq(vcmp("6.3.9600", "10.0"), -1);
	ck_assert_int_eq(vcmp("10.0", "6.3.9600"), 1);
}
END_TEST

START_TEST(version_cmp_numeric_not_textual)
{
	/* As text "10" < "9"; as numbers 10 > 9. */
	ck_assert_int_eq(vcmp("10", "9"), 1);
	ck_assert_int_eq(vcmp("1.10", "1.9"), 1);
	ck_assert_int_eq(vcmp("1.9", "1.10"), -1);
}
END_TEST

START_TEST(version_cmp_missing_segment_is_zero)
{
	ck_assert_int_eq(vcmp("1", "1.0.0.0"), 0);
	ck_assert_int_eq(vcmp("1", "1.0.0.1"), -1);
	ck_assert_int_eq(vcmp("1.0.0.1", "1"), 1);
}
END_TEST

START_TEST(version_cmp_separators_are_equivalent)
{
	ck_assert_int_eq(vcmp("1.2.3", "1-2_3"), 0);
	ck_assert_int_eq(vcmp("1_2", "1.2"), 0);
	ck_assert_int_eq(vcmp("1-3", "1.2"), 1);
}
END_TEST

START_TEST(version_cmp_leading_zeros_are_ignored)
{
	ck_assert_int_eq(vcmp("1.01", "1.1"), 0);
	ck_assert_int_eq(vcmp("007", "7"), 0);
	ck_assert_int_eq(vcmp("1.00", "1"), 0);
	ck_assert_int_eq(vcmp("1.010", "1.9"), 1);
}
END_TEST

START_TEST(version_cmp_forty_digit_segment)
{
	const char *big = "1.1234567890123456789012345678901234567890";
	const char *bigger = "1.1234567890123456789012345678901234567891";
	const char *longer = "1.12345678901234567890123456789012345678900";

	ck_assert_int_eq(vcmp(big, bigger), -1);
	ck_assert_int_eq(vcmp(bigger, big), 1);
	ck_assert_int_eq(vcmp(big, big), 0);
	/* One more digit is larger, even though it sorts after as text. */
	ck_assert_int_eq(vcmp("1.9999999999999999999999999999999999999999", longer),
			 -1);
	/* Larger than any 64-bit number, but still compared exactly. */
	ck_assert_int_eq(vcmp(big, "1.18446744073709551615"), 1);
	ck_assert_int_eq(vcmp("0000000000000000000000000000000000000042", "42"), 0);
}
END_TEST

START_TEST(version_cmp_non_numeric_segments_as_strings)
{
	ck_assert_int_eq(vcmp("1.a", "1.b"), -1);
	ck_assert_int_eq(vcmp("1.beta", "1.alpha"), 1);
	ck_assert_int_eq(vcmp("1.rc1", "1.rc1"), 0);
	/* As strings, "rc10" < "rc9". */
	ck_assert_int_eq(vcmp("1.rc10", "1.rc9"), -1);
}
END_TEST

START_TEST(version_cmp_is_antisymmetric)
{
	static const char *const v[] = {"1", "1.0.1", "1.2", "1.10", "2-beta",
					"6.3.9600", "10.0", "10.0.1_2"};
	const size_t n = sizeof(v) / sizeof(*v);

	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n; j++)
			ck_assert_int_eq(vcmp(v[i], v[j]), -vcmp(v[j], v[i]));
	}
	/* The list is in ascending order. */
	for (size_t i = 0; i + 1 < n; i++)
		ck_assert_msg(vcmp(v[i], v[i + 1]) < 0, "%s < %s", v[i], v[i + 1]);
}
END_TEST

START_TEST(version_cmp_reads_only_len_bytes)
{
	ck_assert_int_eq(mc_version_cmp("1.2.9", 3, "1.2", 3), 0);
}
END_TEST

/* Builds "1.1.1...1" with n segments, the last one `last`. */
static char *
many_segments(size_t n, char last)
{
	char *s = malloc(2 * n);

	ck_assert_ptr_nonnull(s);
	for (size_t i = 0; i < n; i++) {
		s[2 * i] = '1';
		s[2 * i + 1] = '.';
	}
	s[2 * n - 2] = last;
	s[2 * n - 1] = '\0';
	return s;
}

START_TEST(version_cmp_ten_thousand_segments_correct_and_fast)
{
	const size_t n = 10000;
	char *a = many_segments(n, '1');
	char *b = many_segments(n, '2');
	char *c = many_segments(n, '1');
	struct timespec t0, t1;
	double secs;

	ck_assert(valid(a));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 100; i++) {
		ck_assert_int_eq(vcmp(a, b), -1);
		ck_assert_int_eq(vcmp(b, a), 1);
		ck_assert_int_eq(vcmp(a, c), 0);
		/* The short one is padded with zeros: 1 < 1.1.1... */
		ck_assert_int_eq(vcmp("1", a), -1);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* 400 linear comparisons of 10,000 segments take milliseconds; a
	 * quadratic one would take seconds. */
	ck_assert_msg(secs < 1.0 * test_time_scale(),
		      "400 comparisons took %.3f s", secs);
	free(a);
	free(b);
	free(c);
}
END_TEST

/* ------------------------------------------------------------------------
 * mc_text_to_int
 */

START_TEST(text_to_int_decimal)
{
	int64_t v = -7;

	ck_assert_int_eq(to_int("0", &v), 1);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(to_int("42", &v), 1);
	ck_assert_int_eq(v, 42);
	ck_assert_int_eq(to_int("007", &v), 1);
	ck_assert_int_eq(v, 7);
}
END_TEST

START_TEST(text_to_int_signs)
{
	int64_t v = 0;

	ck_assert_int_eq(to_int("-42", &v), 1);
	ck_assert_int_eq(v, -42);
	ck_assert_int_eq(to_int("+42", &v), 1);
	ck_assert_int_eq(v, 42);
	ck_assert_int_eq(to_int("-0", &v), 1);
	ck_assert_int_eq(v, 0);
}
END_TEST

START_TEST(text_to_int_hex)
{
	int64_t v = 0;

	ck_assert_int_eq(to_int("0x1F", &v), 1);
	ck_assert_int_eq(v, 31);
	ck_assert_int_eq(to_int("0xff", &v), 1);
	ck_assert_int_eq(v, 255);
	ck_assert_int_eq(to_int("-0x10", &v), 1);
	ck_assert_int_eq(v, -16);
	ck_assert_int_eq(to_int("0x7fffffffffffffff", &v), 1);
	ck_assert_int_eq(v, INT64_MAX);
}
END_TEST

START_TEST(text_to_int_octal)
{
	int64_t v = 0;

	ck_assert_int_eq(to_int("0o17", &v), 1);
	ck_assert_int_eq(v, 15);
	ck_assert_int_eq(to_int("-0o10", &v), 1);
	ck_assert_int_eq(v, -8);
	/* 8 is no octal digit. */
	ck_assert_int_eq(to_int("0o18", &v), 0);
}
END_TEST

START_TEST(text_to_int_int64_limits_exactly)
{
	int64_t v = 0;

	ck_assert_int_eq(to_int("9223372036854775807", &v), 1);
	ck_assert_int_eq(v, INT64_MAX);
	ck_assert_int_eq(to_int("-9223372036854775808", &v), 1);
	ck_assert_int_eq(v, INT64_MIN);
	ck_assert_int_eq(to_int("-0x8000000000000000", &v), 1);
	ck_assert_int_eq(v, INT64_MIN);
}
END_TEST

START_TEST(text_to_int_one_past_the_limits_overflows)
{
	int64_t v = 12345;

	ck_assert_int_eq(to_int("9223372036854775808", &v), -1);
	ck_assert_int_eq(to_int("-9223372036854775809", &v), -1);
	ck_assert_int_eq(to_int("0x8000000000000000", &v), -1);
	ck_assert_int_eq(to_int("99999999999999999999999999", &v), -1);
	/* Nothing is written on overflow. */
	ck_assert_int_eq(v, 12345);
}
END_TEST

START_TEST(text_to_int_junk_is_not_an_integer)
{
	static const char *const junk[] = {
		"", "-", "+", "0x", "0o", "abc", "12abc", "1.5", "1e3", " 1", "1 ",
		"0xg", "--1", "+-1", "1-", "0b101", "0x1.0", "1,000",
	};
	int64_t v = 99;

	for (size_t i = 0; i < sizeof(junk) / sizeof(*junk); i++)
		ck_assert_msg(to_int(junk[i], &v) == 0, "'%s' read as an integer",
			      junk[i]);
	ck_assert_int_eq(v, 99);
}
END_TEST

START_TEST(text_to_int_reads_only_len_bytes)
{
	int64_t v = 0;

	ck_assert_int_eq(mc_text_to_int("123xyz", 3, &v), 1);
	ck_assert_int_eq(v, 123);
}
END_TEST

/* ------------------------------------------------------------------------
 * mc_text_to_bool
 */

START_TEST(text_to_bool_true_words_any_case)
{
	static const char *const words[] = {"true", "True", "TRUE", "yes", "Yes",
					    "YES", "on", "On", "ON", "1"};

	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++) {
		bool v = false;
		ck_assert_msg(to_bool(words[i], &v) == 1, "'%s' not read", words[i]);
		ck_assert_msg(v, "'%s' read as false", words[i]);
	}
}
END_TEST

START_TEST(text_to_bool_false_words_any_case)
{
	static const char *const words[] = {"false", "False", "FALSE", "no", "No",
					    "NO", "off", "Off", "OFF", "0"};

	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++) {
		bool v = true;
		ck_assert_msg(to_bool(words[i], &v) == 1, "'%s' not read", words[i]);
		ck_assert_msg(!v, "'%s' read as true", words[i]);
	}
}
END_TEST

START_TEST(text_to_bool_refuses_other_text)
{
	static const char *const words[] = {"", "y", "n", "2", "truex", "tru",
					    " true", "of", "onn", "-1", "00"};

	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++) {
		bool v = true;
		ck_assert_msg(to_bool(words[i], &v) == 0, "'%s' read as a boolean",
			      words[i]);
	}
}
END_TEST

/* ------------------------------------------------------------------------
 * mc_node_equal
 */

START_TEST(node_equal_same_type_and_value)
{
	load_values("[1, 1, abc, abc, true, true, ~, null, 0x10, 16]");
	ck_assert(mc_node_equal(node(0), node(1)));
	ck_assert(mc_node_equal(node(2), node(3)));
	ck_assert(mc_node_equal(node(4), node(5)));
	ck_assert(mc_node_equal(node(6), node(7)));
	/* Integers compare by value, not by text. */
	ck_assert(mc_node_equal(node(8), node(9)));
	free_values();
}
END_TEST

START_TEST(node_equal_different_values)
{
	load_values("[1, 2, abc, abd, true, false, abc, abcd]");
	ck_assert(!mc_node_equal(node(0), node(1)));
	ck_assert(!mc_node_equal(node(2), node(3)));
	ck_assert(!mc_node_equal(node(4), node(5)));
	ck_assert(!mc_node_equal(node(6), node(7)));
	ck_assert(!mc_node_equal(node(7), node(6)));
	free_values();
}
END_TEST

START_TEST(node_equal_is_type_sensitive)
{
	/* int 1, string "1", boolean true, string "true", null, string "null" */
	load_values("[1, '1', true, 'true', ~, 'null', \"1\"]");
	ck_assert(!mc_node_equal(node(0), node(1)));
	ck_assert(!mc_node_equal(node(1), node(0)));
	ck_assert(!mc_node_equal(node(0), node(2)));
	ck_assert(!mc_node_equal(node(2), node(3)));
	ck_assert(!mc_node_equal(node(4), node(5)));
	/* Both quoted: strings, equal. */
	ck_assert(mc_node_equal(node(1), node(6)));
	free_values();
}
END_TEST

START_TEST(node_equal_collections_never_equal)
{
	load_values("[[a], [a], {k: v}, {k: v}]");
	ck_assert(!mc_node_equal(node(0), node(1)));
	ck_assert(!mc_node_equal(node(0), node(0)));
	ck_assert(!mc_node_equal(node(2), node(3)));
	ck_assert(!mc_node_equal(node(2), node(2)));
	free_values();
}
END_TEST

START_TEST(value_equal_deep_compares_members)
{
	load_values("[[a, 1], [a, 0x1], [a, '1'], {k: [v]}, {k: [v]}, {k: [w]}]");
	ck_assert(mc_value_equal(node(0), node(1), MC_EQ_DEEP));
	ck_assert(!mc_value_equal(node(0), node(2), MC_EQ_DEEP));
	ck_assert(mc_value_equal(node(3), node(4), MC_EQ_DEEP));
	ck_assert(!mc_value_equal(node(3), node(5), MC_EQ_DEEP));
	ck_assert(!mc_value_equal(node(0), node(3), MC_EQ_DEEP));
	free_values();
}
END_TEST

START_TEST(value_equal_text_tells_spellings_apart)
{
	load_values("[1, 0x1, 1, true, True, [0x1], [1], ~, null]");
	ck_assert(mc_value_equal(node(0), node(1), 0));
	ck_assert(!mc_value_equal(node(0), node(1), MC_EQ_TEXT));
	ck_assert(mc_value_equal(node(0), node(2), MC_EQ_TEXT));
	ck_assert(mc_value_equal(node(3), node(4), 0));
	ck_assert(!mc_value_equal(node(3), node(4), MC_EQ_TEXT));
	ck_assert(!mc_value_equal(node(5), node(6), MC_EQ_DEEP | MC_EQ_TEXT));
	/* No value: NULL and every spelling of null. */
	ck_assert(mc_value_equal(node(7), node(8), MC_EQ_TEXT));
	ck_assert(mc_value_equal(node(7), NULL, MC_EQ_TEXT));
	ck_assert(!mc_value_equal(node(0), NULL, 0));
	free_values();
}
END_TEST

START_TEST(value_hash_agrees_with_equality)
{
	load_values("[1, 0x1, true, TRUE, [a, 0o10], [a, 8], abc, ~]");
	ck_assert_uint_eq(mc_value_hash(node(0), 7), mc_value_hash(node(1), 7));
	ck_assert_uint_eq(mc_value_hash(node(2), 7), mc_value_hash(node(3), 7));
	ck_assert_uint_eq(mc_value_hash(node(4), 7), mc_value_hash(node(5), 7));
	ck_assert_uint_eq(mc_value_hash(node(7), 7), mc_value_hash(NULL, 7));
	ck_assert_uint_ne(mc_value_hash(node(0), 7), mc_value_hash(node(2), 7));
	ck_assert_uint_ne(mc_value_hash(node(6), 7), mc_value_hash(node(7), 7));
	free_values();
}
END_TEST

START_TEST(value_in_finds_equal_members)
{
	load_values("[[0x1, 2, b], 1, b, '2', {k: v}]");
	ck_assert(mc_value_in(node(1), node(0)));
	ck_assert(mc_value_in(node(2), node(0)));
	ck_assert(!mc_value_in(node(3), node(0)));
	ck_assert(!mc_value_in(node(1), node(4)));
	ck_assert(!mc_value_in(node(1), NULL));
	free_values();
}
END_TEST

/* ------------------------------------------------------------------------
 * mc_node_order
 */

START_TEST(node_order_integers_numerically)
{
	int cmp = 99;

	load_values("[9, 10, -5, 3, 7, 7, -9223372036854775808, 9223372036854775807]");
	ck_assert_int_eq(mc_node_order(node(0), node(1), &cmp), 0);
	ck_assert_int_lt(cmp, 0);
	ck_assert_int_eq(mc_node_order(node(1), node(0), &cmp), 0);
	ck_assert_int_gt(cmp, 0);
	ck_assert_int_eq(mc_node_order(node(2), node(3), &cmp), 0);
	ck_assert_int_lt(cmp, 0);
	ck_assert_int_eq(mc_node_order(node(4), node(5), &cmp), 0);
	ck_assert_int_eq(cmp, 0);
	ck_assert_int_eq(mc_node_order(node(6), node(7), &cmp), 0);
	ck_assert_int_lt(cmp, 0);
	ck_assert_int_eq(mc_node_order(node(7), node(6), &cmp), 0);
	ck_assert_int_gt(cmp, 0);
	free_values();
}
END_TEST

START_TEST(node_order_version_strings)
{
	int cmp = 99;

	load_values("['6.3', '6.3.0', 6.3.9600, '10.0', 1.1.603.0]");
	ck_assert_int_eq(mc_node_order(node(0), node(1), &cmp), 0);
	ck_assert_int_eq(cmp, 0);
	ck_assert_int_eq(mc_node_order(node(1), node(2), &cmp), 0);
	ck_assert_int_lt(cmp, 0);
	ck_assert_int_eq(mc_node_order(node(3), node(2), &cmp), 0);
	ck_assert_int_gt(cmp, 0);
	ck_assert_int_eq(mc_node_order(node(4), node(0), &cmp), 0);
	ck_assert_int_lt(cmp, 0);
	free_values();
}
END_TEST

START_TEST(node_order_integer_against_version_string)
{
	int cmp = 99;

	/* int 10, "9.5", int 6, "6.0", int 6, "6.0.1" */
	load_values("[10, '9.5', 6, '6.0', 6, 6.0.1]");
	ck_assert_int_eq(mc_node_order(node(0), node(1), &cmp), 0);
	ck_assert_int_gt(cmp, 0);
	ck_assert_int_eq(mc_node_order(node(1), node(0), &cmp), 0);
	ck_assert_int_lt(cmp, 0);
	ck_assert_int_eq(mc_node_order(node(2), node(3), &cmp), 0);
	ck_assert_int_eq(cmp, 0);
	ck_assert_int_eq(mc_node_order(node(4), node(5), &cmp), 0);
	ck_assert_int_lt(cmp, 0);
	free_values();
}
END_TEST

START_TEST(node_order_refuses_non_version_text)
{
	int cmp = 99;

	load_values("[abc, 1, 'v1.2', '1.2', '1..2']");
	ck_assert_int_eq(mc_node_order(node(0), node(1), &cmp), -1);
	ck_assert_int_eq(mc_node_order(node(1), node(0), &cmp), -1);
	ck_assert_int_eq(mc_node_order(node(2), node(3), &cmp), -1);
	ck_assert_int_eq(mc_node_order(node(4), node(3), &cmp), -1);
	ck_assert_int_eq(cmp, 99);
	free_values();
}
END_TEST

START_TEST(node_order_refuses_booleans)
{
	int cmp = 99;

	load_values("[true, false, 1, '1.0']");
	ck_assert_int_eq(mc_node_order(node(0), node(1), &cmp), -1);
	ck_assert_int_eq(mc_node_order(node(0), node(2), &cmp), -1);
	ck_assert_int_eq(mc_node_order(node(2), node(0), &cmp), -1);
	ck_assert_int_eq(mc_node_order(node(1), node(3), &cmp), -1);
	ck_assert_int_eq(cmp, 99);
	free_values();
}
END_TEST

START_TEST(node_order_refuses_null_and_collections)
{
	int cmp = 99;

	load_values("[~, 1, [1], {a: 1}, '1.0']");
	ck_assert_int_eq(mc_node_order(node(0), node(1), &cmp), -1);
	ck_assert_int_eq(mc_node_order(node(1), node(0), &cmp), -1);
	ck_assert_int_eq(mc_node_order(node(2), node(1), &cmp), -1);
	ck_assert_int_eq(mc_node_order(node(1), node(2), &cmp), -1);
	ck_assert_int_eq(mc_node_order(node(3), node(4), &cmp), -1);
	ck_assert_int_eq(mc_node_order(node(2), node(2), &cmp), -1);
	ck_assert_int_eq(cmp, 99);
	free_values();
}
END_TEST

Suite *
value_suite(void)
{
	Suite *s = suite_create("value");
	TCase *tc;

	tc = tcase_create("version_valid");
	tcase_add_test(tc, version_valid_accepts_dotted_numbers);
	tcase_add_test(tc, version_valid_accepts_dash_and_underscore_separators);
	tcase_add_test(tc, version_valid_accepts_letters_after_a_leading_digit);
	tcase_add_test(tc, version_valid_refuses_empty);
	tcase_add_test(tc, version_valid_refuses_leading_separator);
	tcase_add_test(tc, version_valid_refuses_double_separator);
	tcase_add_test(tc, version_valid_refuses_trailing_separator);
	tcase_add_test(tc, version_valid_refuses_a_leading_letter);
	tcase_add_test(tc, version_valid_refuses_spaces_and_other_characters);
	tcase_add_test(tc, version_valid_reads_only_len_bytes);
	suite_add_tcase(s, tc);

	tc = tcase_create("version_cmp");
	tcase_add_test(tc, version_cmp_spec_chain);
	tcase_add_test(tc, version_cmp_numeric_not_textual);
	tcase_add_test(tc, version_cmp_missing_segment_is_zero);
	tcase_add_test(tc, version_cmp_separators_are_equivalent);
	tcase_add_test(tc, version_cmp_leading_zeros_are_ignored);
	tcase_add_test(tc, version_cmp_forty_digit_segment);
	tcase_add_test(tc, version_cmp_non_numeric_segments_as_strings);
	tcase_add_test(tc, version_cmp_is_antisymmetric);
	tcase_add_test(tc, version_cmp_reads_only_len_bytes);
	tcase_add_test(tc, version_cmp_ten_thousand_segments_correct_and_fast);
	suite_add_tcase(s, tc);

	tc = tcase_create("text_to_int");
	tcase_add_test(tc, text_to_int_decimal);
	tcase_add_test(tc, text_to_int_signs);
	tcase_add_test(tc, text_to_int_hex);
	tcase_add_test(tc, text_to_int_octal);
	tcase_add_test(tc, text_to_int_int64_limits_exactly);
	tcase_add_test(tc, text_to_int_one_past_the_limits_overflows);
	tcase_add_test(tc, text_to_int_junk_is_not_an_integer);
	tcase_add_test(tc, text_to_int_reads_only_len_bytes);
	suite_add_tcase(s, tc);

	tc = tcase_create("text_to_bool");
	tcase_add_test(tc, text_to_bool_true_words_any_case);
	tcase_add_test(tc, text_to_bool_false_words_any_case);
	tcase_add_test(tc, text_to_bool_refuses_other_text);
	suite_add_tcase(s, tc);

	tc = tcase_create("node_equal");
	tcase_add_test(tc, node_equal_same_type_and_value);
	tcase_add_test(tc, node_equal_different_values);
	tcase_add_test(tc, node_equal_is_type_sensitive);
	tcase_add_test(tc, node_equal_collections_never_equal);
	tcase_add_test(tc, value_equal_deep_compares_members);
	tcase_add_test(tc, value_equal_text_tells_spellings_apart);
	tcase_add_test(tc, value_hash_agrees_with_equality);
	tcase_add_test(tc, value_in_finds_equal_members);
	suite_add_tcase(s, tc);

	tc = tcase_create("node_order");
	tcase_add_test(tc, node_order_integers_numerically);
	tcase_add_test(tc, node_order_version_strings);
	tcase_add_test(tc, node_order_integer_against_version_string);
	tcase_add_test(tc, node_order_refuses_non_version_text);
	tcase_add_test(tc, node_order_refuses_booleans);
	tcase_add_test(tc, node_order_refuses_null_and_collections);
	suite_add_tcase(s, tc);

	return s;
}
