/* SPDX-License-Identifier: MIT */
/*
 * fuzz_policy_yaml.c - the YAML policy loader and compiler. The buffer is
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

	if (!diag)
		return 0;
	if (mc_policy_load_buffer(&p, MC_SOURCE_DIR "/policies/fuzz.yaml",
				  (const char *)data, size, NULL, diag) == MC_OK) {
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
