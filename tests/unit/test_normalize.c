/*
 * test_normalize.c - the normalize suite.
 */
#include "helpers.h"

Suite *
normalize_suite(void)
{
	Suite *s = suite_create("normalize");

	return s;
}
