/*
 * test_cond.c - the cond suite.
 */
#include "helpers.h"

Suite *
cond_suite(void)
{
	Suite *s = suite_create("cond");

	return s;
}
