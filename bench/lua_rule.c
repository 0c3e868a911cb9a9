/* SPDX-License-Identifier: MIT */
/*
 * lua_rule.c - what one Lua rule costs in the evaluation of a pair.
 *
 *   build/bench/bench_lua_rule [ROUNDS]
 *
 * Evaluates web-01 of examples/fleet.yaml against all 23 other hosts, many
 * times over, with policies that differ only in one rule: none; a trivial
 * Lua rule (`return true`), which measures what the engine adds to any
 * Lua rule (the views, the protected call under its budget); a typical one
 * (two hypervisor versions compared with the version helper); and a heavy
 * one, the feature rule of policies/hyperv-features.lua (normalizing two
 * lists of about 60 flags and taking their difference). Prints the time
 * per pair and the difference from the policy without a Lua rule.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lua_common.h"

#define BASE \
	"policy: bench\n" \
	"fields:\n" \
	"  manufacturer: { from: cpu.manufacturer }\n" \
	"kinds: { live: { when: { vm.state: running } } }\n" \
	"host:\n" \
	"  require: [ { target.status.connection: responding } ]\n" \
	"match: { live: [manufacturer] }\n"

static const char *const POLICIES[][2] = {
	{"no Lua rule", BASE},
	{"Lua: return true", BASE
	 "rules:\n"
	 "  - { id: trivial, lua: return true }\n"},
	{"Lua: versions", BASE
	 "rules:\n"
	 "  - id: newer\n"
	 "    lua: return version.ge(target.hypervisor.version, source.hypervisor.version)\n"},
	{"Lua: feature sets", BASE
	 "rules:\n"
	 "  - id: features\n"
	 "    uses: [vm.processor_compatibility, source.cpu.features, target.cpu.features]\n"
	 "    lua: |\n"
	 "      if vm.processor_compatibility then return true end\n"
	 "      local missing = sets.missing(normalize.features(target.cpu.features),\n"
	 "                                   normalize.features(source.cpu.features))\n"
	 "      return #missing == 0\n"},
};

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 20000;
	double base = 0;

	printf("%-20s %12s %14s %14s\n", "policy", "pairs", "ns per pair",
	       "ns per rule");
	for (size_t k = 0; k < sizeof(POLICIES) / sizeof(*POLICIES); k++) {
		lua_bench b;
		mc_pair_result pr;
		mc_vio vio[16];
		size_t pairs = 0, allowed = 0;

		if (lua_bench_open(&b, POLICIES[k][0], POLICIES[k][1]) < 0)
			return 2;
		pr.vio = vio;
		double t0 = now();
		for (int r = 0; r < rounds; r++) {
			for (size_t t = 0; t < b.inv->nhosts; t++) {
				if (t == b.src)
					continue;
				mc_eval_pair(&b.ctx, &b.vm, b.src, t, 0, &pr);
				allowed += pr.allowed;
				pairs++;
			}
		}
		double ns = (now() - t0) * 1e9 / (double)pairs;
		if (k == 0)
			base = ns;
		printf("%-20s %12zu %14.1f %14.1f   (%zu allowed)\n", POLICIES[k][0],
		       pairs, ns, k ? ns - base : 0.0, allowed / (size_t)rounds);
		lua_bench_close(&b);
	}
	return 0;
}
