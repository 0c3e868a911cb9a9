/*
 * test_inventory.c - the inventory suite.
 */
#include "helpers.h"

Suite *
inventory_suite(void)
{
	Suite *s = suite_create("inventory");

	return s;
}
