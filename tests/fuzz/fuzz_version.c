/* SPDX-License-Identifier: MIT */
/*
 * fuzz_version.c - version text: validity and comparison. The input is two
 * versions separated by the first newline; comparing valid ones must be a
 * consistent order (reflexive, antisymmetric), or the target aborts.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "load/value.h"

static int
sign(int c)
{
	return (c > 0) - (c < 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *a = (const char *)data, *nl = memchr(a, '\n', size);
	size_t alen = nl ? (size_t)(nl - a) : size;
	const char *b = nl ? nl + 1 : a;
	size_t blen = nl ? size - alen - 1 : size;
	int64_t i;
	bool t;

	(void)mc_text_to_int(a, alen, &i);
	(void)mc_text_to_bool(a, alen, &t);
	if (!mc_version_valid(a, alen) || !mc_version_valid(b, blen))
		return 0;
	if (mc_version_cmp(a, alen, a, alen) != 0 ||
	    mc_version_cmp(b, blen, b, blen) != 0 ||
	    sign(mc_version_cmp(a, alen, b, blen)) !=
	    -sign(mc_version_cmp(b, blen, a, alen)))
		abort();
	return 0;
}
