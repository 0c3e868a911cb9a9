/* SPDX-License-Identifier: MIT */
/*
 * common.h - what the benchmarks of the engine share: the clocks and peak
 * memory of clock.h, the limits a fleet's size needs, and printing
 * diagnostics.
 */
#ifndef MC_BENCH_COMMON_H
#define MC_BENCH_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "migcheck.h"

/*
 * Sets the limit of `--limit NAME=N` (N may end in k, M or G), as the
 * command line does, for the limits a fleet's size needs: file-size,
 * nodes, items, alias-nodes. False for anything else.
 */
static inline bool
bench_limit(mc_limits *lim, const char *spec)
{
	static const struct {
		const char *name;
		size_t off;
	} names[] = {
		{"file-size", offsetof(mc_limits, max_file_bytes)},
		{"nodes", offsetof(mc_limits, max_nodes)},
		{"items", offsetof(mc_limits, max_items)},
		{"alias-nodes", offsetof(mc_limits, max_alias_nodes)},
	};
	const char *eq = strchr(spec, '=');
	char *end = NULL;
	unsigned long long n;

	if (!eq)
		return false;
	n = strtoull(eq + 1, &end, 10);
	if (end == eq + 1)
		return false;
	if (*end == 'k' || *end == 'M' || *end == 'G') {
		n <<= *end == 'k' ? 10 : *end == 'M' ? 20 : 30;
		end++;
	}
	if (*end || n == 0)
		return false;
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		if (strlen(names[i].name) == (size_t)(eq - spec) &&
		    strncmp(names[i].name, spec, (size_t)(eq - spec)) == 0) {
			*(size_t *)(void *)((char *)lim + names[i].off) = (size_t)n;
			return true;
		}
	}
	return false;
}

static inline void
print_diag(const mc_diag *d)
{
	for (size_t i = 0; i < mc_diag_count(d); i++) {
		const mc_diag_item *it = mc_diag_get(d, i);
		fprintf(stderr, "%s:%u:%u: %s\n", it->at.file ? it->at.file : "-",
			it->at.line, it->at.column, it->message);
	}
}

#endif
