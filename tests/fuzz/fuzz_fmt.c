/* SPDX-License-Identifier: MIT */
/*
 * fuzz_fmt.c - the layout of YAML policies (mc_policy_format): it never
 * crashes, never returns a layout it has not checked, and laying out its
 * own output gives that output again (abort otherwise).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "migcheck.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out = NULL, *again = NULL;
	size_t len = 0, len2 = 0;
	mc_diag *diag = mc_diag_new();

	if (!diag)
		return 0;
	if (mc_policy_format(&out, &len, "fuzz.yaml", (const char *)data, size,
			     NULL, diag) == MC_OK) {
		for (size_t i = 0; i < mc_diag_count(diag); i++) {
			const mc_diag_item *it = mc_diag_get(diag, i);

			if (it->code && strcmp(it->code, "fmt-internal") == 0)
				abort();
		}
		if (mc_policy_format(&again, &len2, "fuzz.yaml", out, len, NULL,
				     diag) != MC_OK ||
		    len2 != len || memcmp(out, again, len) != 0)
			abort();  /* not idempotent */
	}
	free(out);
	free(again);
	mc_diag_free(diag);
	return 0;
}
