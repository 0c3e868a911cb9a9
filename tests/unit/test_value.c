/*
 * test_value.c - the value suite.
 */
#include "helpers.h"

Suite *
value_suite(void)
{
	Suite *s = suite_create("value");

	return s;
}
