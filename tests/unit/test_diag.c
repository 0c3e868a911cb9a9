/* SPDX-License-Identifier: MIT */
/*
 * test_diag.c - the diag suite: lists of diagnostics (engine/util/diag.h), and
 * the number of items they keep about one file.
 */
#include <stdint.h>
#include <string.h>

#include "helpers.h"
#include "util/diag.h"

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

static void
add(mc_severity sev, const char *file, unsigned line)
{
	ck_assert_int_eq(mc_diag_add(diag, sev, file, line, 1, "text", 4,
				     "problem on line %u", line), 0);
}

START_TEST(items_are_kept_in_order_with_their_strings)
{
	add(MC_SEVERITY_ERROR, "a.yaml", 3);
	add(MC_SEVERITY_WARNING, "a.yaml", 5);
	mc_diag_set_code(diag, "unknown-key");
	ck_assert_int_eq(mc_diag_error(diag, "about no file"), 0);
	ck_assert_uint_eq(mc_diag_count(diag), 3);
	ck_assert_uint_eq(mc_diag_error_count(diag), 2);
	ck_assert_str_eq(mc_diag_get(diag, 0)->message, "problem on line 3");
	ck_assert_str_eq(mc_diag_get(diag, 0)->at.file, "a.yaml");
	ck_assert_str_eq(mc_diag_get(diag, 0)->source_line, "text");
	ck_assert_ptr_null(mc_diag_get(diag, 0)->code);
	ck_assert_str_eq(mc_diag_get(diag, 1)->code, "unknown-key");
	ck_assert_ptr_null(mc_diag_get(diag, 2)->at.file);
	ck_assert_ptr_null(mc_diag_get(diag, 3));
}
END_TEST

/* Past 100 items about a file, items are counted by one note. */
START_TEST(items_past_the_limit_of_a_file_are_counted_by_one_note)
{
	const mc_diag_item *note;

	for (unsigned i = 1; i <= 1000; i++)
		add(MC_SEVERITY_ERROR, "a.yaml", i);
	ck_assert_uint_eq(mc_diag_count(diag), MC_DIAG_PER_FILE + 1);
	ck_assert_uint_eq(mc_diag_error_count(diag), 1000);
	ck_assert_uint_eq(mc_diag_get(diag, MC_DIAG_PER_FILE - 1)->at.line,
			  MC_DIAG_PER_FILE);
	note = mc_diag_get(diag, MC_DIAG_PER_FILE);
	ck_assert_int_eq(note->severity, MC_SEVERITY_ERROR);
	ck_assert_str_eq(note->code, "limit");
	ck_assert_ptr_null(note->at.file);
	ck_assert_str_eq(note->message, "\xe2\x80\xa6 and 900 more errors in a.yaml");
}
END_TEST

START_TEST(the_note_counts_errors_and_warnings_apart)
{
	for (unsigned i = 1; i <= MC_DIAG_PER_FILE; i++)
		add(MC_SEVERITY_WARNING, "p.yaml", i);
	add(MC_SEVERITY_WARNING, "p.yaml", 101);
	ck_assert_str_eq(mc_diag_get(diag, MC_DIAG_PER_FILE)->message,
			 "\xe2\x80\xa6 and 1 more warning in p.yaml");
	ck_assert_int_eq(mc_diag_get(diag, MC_DIAG_PER_FILE)->severity,
			 MC_SEVERITY_WARNING);
	/* Errors past 100 warnings: the note is an error, so that whoever
	 * looks for one among the items finds it. */
	add(MC_SEVERITY_ERROR, "p.yaml", 102);
	add(MC_SEVERITY_ERROR, "p.yaml", 103);
	ck_assert_str_eq(mc_diag_get(diag, MC_DIAG_PER_FILE)->message,
			 "\xe2\x80\xa6 and 2 more errors and 1 more warning in p.yaml");
	ck_assert_int_eq(mc_diag_get(diag, MC_DIAG_PER_FILE)->severity,
			 MC_SEVERITY_ERROR);
	ck_assert_uint_eq(mc_diag_error_count(diag), 2);
	ck_assert_uint_eq(mc_diag_count(diag), MC_DIAG_PER_FILE + 1);
}
END_TEST

/* Each file has its limit; items about no file have theirs. */
START_TEST(each_file_has_its_own_limit)
{
	for (unsigned i = 1; i <= 150; i++) {
		add(MC_SEVERITY_ERROR, "a.yaml", i);
		add(MC_SEVERITY_ERROR, "b.yaml", i);
		ck_assert_int_eq(mc_diag_error(diag, "no file %u", i), 0);
	}
	ck_assert_uint_eq(mc_diag_count(diag), 3 * (MC_DIAG_PER_FILE + 1));
	ck_assert_uint_eq(mc_diag_error_count(diag), 450);
	ck_assert(has_diag(diag, "\xe2\x80\xa6 and 50 more errors in a.yaml"));
	ck_assert(has_diag(diag, "\xe2\x80\xa6 and 50 more errors in b.yaml"));
	ck_assert(has_diag(diag, "\xe2\x80\xa6 and 50 more errors"));
	ck_assert(mc_diag_full(diag, "a.yaml"));
	ck_assert(mc_diag_full(diag, NULL));
	ck_assert(!mc_diag_full(diag, "c.yaml"));
}
END_TEST

/* A code set after an item that was only counted names nothing. */
START_TEST(a_code_after_a_counted_item_is_not_given_to_another)
{
	for (unsigned i = 1; i <= MC_DIAG_PER_FILE; i++)
		add(MC_SEVERITY_ERROR, "a.yaml", i);
	add(MC_SEVERITY_ERROR, "b.yaml", 1);
	add(MC_SEVERITY_ERROR, "a.yaml", 101);
	mc_diag_set_code(diag, "duplicate-key");
	for (size_t i = 0; i < mc_diag_count(diag); i++) {
		const mc_diag_item *it = mc_diag_get(diag, i);

		if (strncmp(it->message, "\xe2\x80\xa6", 3) != 0)
			ck_assert_ptr_null(it->code);
	}
}
END_TEST

/* Clearing the list starts every count again. */
START_TEST(clear_starts_the_counts_again)
{
	for (unsigned i = 1; i <= 300; i++)
		add(MC_SEVERITY_ERROR, "a.yaml", i);
	mc_diag_clear(diag);
	ck_assert_uint_eq(mc_diag_count(diag), 0);
	ck_assert_uint_eq(mc_diag_error_count(diag), 0);
	ck_assert(!mc_diag_full(diag, "a.yaml"));
	add(MC_SEVERITY_ERROR, "a.yaml", 1);
	ck_assert_uint_eq(mc_diag_count(diag), 1);
}
END_TEST

/* A million errors about one file (a CSV header naming one column 3,000
 * times once gave 4.5 million) are kept as 101 items. */
START_TEST(millions_of_errors_keep_a_hundred_items)
{
	int failed = 0;

	for (unsigned i = 1; i <= 1000000; i++)
		failed |= mc_diag_add(diag, MC_SEVERITY_ERROR, "h.csv", 1, i, NULL,
				      0, "column named twice");
	ck_assert_int_eq(failed, 0);
	ck_assert_uint_eq(mc_diag_count(diag), MC_DIAG_PER_FILE + 1);
	ck_assert_uint_eq(mc_diag_error_count(diag), 1000000);
	ck_assert_str_eq(mc_diag_get(diag, MC_DIAG_PER_FILE)->message,
			 "\xe2\x80\xa6 and 999900 more errors in h.csv");
}
END_TEST

Suite *
diag_suite(void)
{
	Suite *s = suite_create("diag");
	TCase *tc = tcase_create("items");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, items_are_kept_in_order_with_their_strings);
	tcase_add_test(tc, items_past_the_limit_of_a_file_are_counted_by_one_note);
	tcase_add_test(tc, the_note_counts_errors_and_warnings_apart);
	tcase_add_test(tc, each_file_has_its_own_limit);
	tcase_add_test(tc, a_code_after_a_counted_item_is_not_given_to_another);
	tcase_add_test(tc, clear_starts_the_counts_again);
	tcase_add_test(tc, millions_of_errors_keep_a_hundred_items);
	suite_add_tcase(s, tc);
	return s;
}
