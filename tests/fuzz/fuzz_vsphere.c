/*
 * fuzz_vsphere.c - `import --from vsphere`: one fuzzed file read as govc's
 * host.info or vm.info JSON (or pyVmomi / PowerCLI objects), its hosts and
 * VMs written out as an inventory, and the same again with the VMs' host
 * and state given, as `import` passes them.
 */
#include <stdlib.h>

#include "sources/hostrec.h"
#include "sources/import.h"
#include "sources/vmrec.h"
#include "util/buf.h"
#include "fuzz.h"

static void
import_once(const uint8_t *data, size_t size, const char *host,
	    const char *state)
{
	mc_hostlist list = {0};
	mc_import_ctx ctx = {NULL, NULL, host, state};
	mc_diag *diag = mc_diag_new();
	mc_buf out = MC_BUF_INIT;

	if (!diag)
		return;
	if (mc_import_vsphere(&list, "fuzz.json", (const char *)data, size, &ctx,
			      diag) == MC_OK) {
		mc_hostrec_yaml(&out, list.hosts, list.count);
		mc_vmrec_yaml(&out, list.vms, list.nvms);
	}
	for (size_t i = 0; i < mc_diag_count(diag); i++)
		(void)mc_diag_get(diag, i)->message;
	mc_buf_free(&out);
	mc_hostlist_free(&list);
	mc_diag_free(diag);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	import_once(data, size, NULL, NULL);
	import_once(data, size, "esx-01", "running");
	return 0;
}
