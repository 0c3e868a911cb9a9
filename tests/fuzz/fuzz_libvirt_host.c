/* SPDX-License-Identifier: MIT */
/*
 * fuzz_libvirt_host.c - `import --from libvirt`: one fuzzed file read as
 * virsh capabilities or a host <cpu>, with libvirt's CPU map (the installed
 * one, loaded once in LLVMFuzzerInitialize; none when it is absent) and
 * without it, each import written out as an inventory.
 */
#include <stdlib.h>

#include "sources/cpumap.h"
#include "sources/hostrec.h"
#include "sources/import.h"
#include "util/buf.h"
#include "fuzz.h"

static mc_cpumap *map;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	mc_diag *diag = mc_diag_new();

	(void)argc;
	(void)argv;
	if (!diag)
		abort();
	if (mc_cpumap_load(&map, MC_CPUMAP_DIR, NULL, diag) != MC_OK)
		map = NULL;   /* no map installed: the import without one only */
	mc_diag_free(diag);
	return 0;
}

static void
import_once(const uint8_t *data, size_t size, const mc_cpumap *with)
{
	mc_hostlist list = {0};
	mc_import_ctx ctx = {.cpu_map = with};
	mc_diag *diag = mc_diag_new();
	mc_buf out = MC_BUF_INIT;

	if (!diag)
		return;
	if (mc_import_libvirt(&list, "fuzz.xml", (const char *)data, size, &ctx,
			      diag) == MC_OK)
		mc_hostrec_yaml(&out, list.hosts, list.count);
	for (size_t i = 0; i < mc_diag_count(diag); i++)
		(void)mc_diag_get(diag, i)->message;
	mc_buf_free(&out);
	mc_hostlist_free(&list);
	mc_diag_free(diag);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (map)
		import_once(data, size, map);
	import_once(data, size, NULL);
	return 0;
}
