/* SPDX-License-Identifier: MIT */
/*
 * lua_common.h - what the Lua benchmarks share: a policy given as text
 * bound to examples/fleet.yaml, with an evaluation context whose run's
 * budget never ends (every round spends from it), and web-01 as the VM.
 */
#ifndef MC_BENCH_LUA_COMMON_H
#define MC_BENCH_LUA_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "eval/eval.h"
#include "migcheck.h"

typedef struct lua_bench {
	mc_diag *d;
	mc_policy *p;
	mc_inventory *inv;
	mc_fleet *f;
	mc_budget *budget;
	mc_ctx ctx;
	mc_vmview vm;   /* web-01 */
	size_t src;     /* its host */
} lua_bench;

/* Sets b up for the policy `text`; prints why and returns -1 when it
 * cannot. */
static inline int
lua_bench_open(lua_bench *b, const char *name, const char *text)
{
	mc_limits lim;
	long vm;

	memset(b, 0, sizeof(*b));
	b->d = mc_diag_new();
	mc_limits_default(&lim);
	lim.lua_run_instructions = UINT64_MAX;
	if (!b->d || mc_budget_new(&b->budget, &lim) ||
	    mc_policy_load_buffer(&b->p, "bench.yaml", text, strlen(text), NULL, b->d) ||
	    mc_inventory_new(&b->inv, NULL) ||
	    mc_inventory_add_file(b->inv, MC_SOURCE_DIR "/examples/fleet.yaml", b->d) ||
	    mc_inventory_finish(b->inv, b->d) ||
	    mc_fleet_new(&b->f, b->p, b->inv, NULL, b->d) ||
	    mc_ctx_init(&b->ctx, b->f, b->budget)) {
		fprintf(stderr, "bench: %s: setup failed: %s\n", name,
			b->d && mc_diag_count(b->d) ? mc_diag_get(b->d, 0)->message
			: "?");
		return -1;
	}
	vm = mc_inventory_find_vm(b->inv, "web-01");
	b->vm = mc_ctx_vm(&b->ctx, (size_t)vm);
	b->src = b->inv->vms[vm].host;
	return 0;
}

static inline void
lua_bench_close(lua_bench *b)
{
	mc_ctx_release(&b->ctx);
	mc_budget_free(b->budget);
	mc_fleet_free(b->f);
	mc_inventory_free(b->inv);
	mc_policy_free(b->p);
	mc_diag_free(b->d);
}

#endif
