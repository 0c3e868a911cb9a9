/* SPDX-License-Identifier: MIT */
/*
 * fuzz_cond.c - the condition compiler: a YAML document compiled as a
 * condition over every scope, written in words, then evaluated with every
 * value missing and described.
 */
#include <stdlib.h>
#include <string.h>

#include "policy/cond.h"
#include "fuzz.h"

#define ALL_SCOPES ((1u << MC_SCOPE_VM) | (1u << MC_SCOPE_SOURCE) | \
		    (1u << MC_SCOPE_TARGET))

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mc_arena arena;
	mc_limits limits;
	mc_pathtab vm_paths, host_paths;
	mc_regex_set regexes;
	mc_matcher matcher;
	bool matcher_ready = false;
	mc_cond_ctx ctx;
	mc_doc *doc = NULL;
	mc_diag *diag = mc_diag_new();
	const mc_node **vm = NULL, **host = NULL;
	const mc_cond *c;
	mc_buf out = MC_BUF_INIT;

	mc_arena_init(&arena);
	mc_limits_default(&limits);
	mc_pathtab_init(&vm_paths);
	mc_pathtab_init(&host_paths);
	memset(&regexes, 0, sizeof(regexes));
	memset(&ctx, 0, sizeof(ctx));
	if (!diag || mc_doc_load_buffer(&doc, "cond.yaml", (const char *)data,
					size, &limits, diag) != MC_OK || !doc->root)
		goto out;
	ctx.arena = &arena;
	ctx.diag = diag;
	ctx.limits = &limits;
	ctx.vm_paths = &vm_paths;
	ctx.host_paths = &host_paths;
	ctx.regexes = &regexes;
	ctx.scopes = ALL_SCOPES;
	ctx.where = "a fuzzed condition";
	if (!(c = mc_cond_compile(&ctx, doc->root)))
		goto out;
	mc_cond_words(&out, c);
	vm = calloc(vm_paths.count + 1, sizeof(*vm));
	host = calloc(host_paths.count + 1, sizeof(*host));
	if (!vm || !host || mc_matcher_init(&matcher, &limits) < 0)
		goto out;
	matcher_ready = true;
	{
		mc_env env = { vm, host, host, &matcher };
		mc_why why = {0};
		(void)mc_cond_eval(c, &env, &why);
		if (why.leaf) {
			mc_buf_reset(&out);
			mc_cond_describe(&out, &why, &env);
		}
	}
out:
	if (matcher_ready)
		mc_matcher_release(&matcher);
	free(vm);
	free(host);
	mc_buf_free(&out);
	mc_doc_free(doc);
	mc_cond_ctx_release(&ctx);
	mc_regex_set_free(&regexes);
	mc_pathtab_free(&vm_paths);
	mc_pathtab_free(&host_paths);
	mc_arena_release(&arena);
	mc_diag_free(diag);
	return 0;
}
