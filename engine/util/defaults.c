/* SPDX-License-Identifier: MIT */
/*
 * defaults.c - library-wide defaults: the version and the default limits.
 */
#include "migcheck.h"

const char *
mc_version(void)
{
	return MC_VERSION_STRING;
}

void
mc_limits_default(mc_limits *limits)
{
	limits->max_file_bytes = (size_t)8 << 20;
	limits->max_scalar_bytes = (size_t)1 << 20;
	limits->max_nodes = 500000;
	limits->max_depth = 64;
	limits->max_items = 250000;
	limits->max_alias_nodes = 1000000;
	limits->max_extends = 8;
	limits->regex_match_limit = 1000000;
	limits->regex_depth_limit = 1000;
	limits->lua_max_instructions = 100000000;
	limits->lua_max_memory = (size_t)16 << 20;
	limits->lua_max_string = 4096;
	limits->lua_run_instructions = 100000000;
	limits->regex_run_steps = 100000000;
}
