/*
 * test_eval.c - the eval suite.
 */
#include "helpers.h"

Suite *
eval_suite(void)
{
	Suite *s = suite_create("eval");

	return s;
}
