/* SPDX-License-Identifier: MIT */
/*
 * fuzz_policy_lua.c - the Lua policy loader (the chunk runs in the
 * sandbox, its table becomes a document) and the compiler. The buffer is
 * named as if it were in policies/, so that an `extends` of a shipped
 * policy (hyperv.yaml) is followed as it would be there.
 */
#include "fuzz.h"
#include "migcheck.h"

#ifndef MC_SOURCE_DIR
#define MC_SOURCE_DIR "."
#endif

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mc_policy *p = NULL;
	mc_diag *diag = mc_diag_new();
	mc_limits lim;

	/* A policy file may hold 16 MiB of Lua objects. Under ASan a million
	 * small objects cost several times that, and its allocator keeps the
	 * most each size of object ever took: over minutes of inputs, the
	 * process's peak would pass libFuzzer's 256 MB though no input comes
	 * near it. 4 MiB still runs every memory-limit path. */
	mc_limits_default(&lim);
	lim.lua_max_memory = (size_t)4 << 20;
	if (!diag)
		return 0;
	if (mc_policy_load_buffer(&p, MC_SOURCE_DIR "/policies/fuzz.lua",
				  (const char *)data, size, &lim, diag) == MC_OK) {
		(void)mc_policy_name(p);
		(void)mc_policy_digest(p);
		for (size_t i = 0; i < mc_policy_kind_count(p); i++)
			(void)mc_policy_kind_name(p, i);
		mc_policy_lint(p, diag);
	}
	mc_policy_free(p);
	mc_diag_free(diag);
	return 0;
}
