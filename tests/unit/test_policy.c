/*
 * test_policy.c - the policy suite.
 */
#include "helpers.h"

Suite *
policy_suite(void)
{
	Suite *s = suite_create("policy");

	return s;
}
