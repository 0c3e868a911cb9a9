/*
 * test_extends.c - the extends suite.
 */
#include "helpers.h"

Suite *
extends_suite(void)
{
	Suite *s = suite_create("extends");

	return s;
}
