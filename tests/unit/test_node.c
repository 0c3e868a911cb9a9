/*
 * test_node.c - the node suite.
 */
#include "helpers.h"

Suite *
node_suite(void)
{
	Suite *s = suite_create("node");

	return s;
}
