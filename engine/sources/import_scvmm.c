/*
 * import_scvmm.c - the scvmm importer: hosts and VMs from what VMM prints.
 */
#include "sources/importer.h"

int
mc_import_scvmm(mc_hostlist *out, const char *name, const char *data,
		size_t len, const mc_import_ctx *ctx, mc_diag *diag)
{
	(void)out;
	(void)data;
	(void)len;
	(void)ctx;
	mc_diag_error(diag, "%s: the scvmm format is not read yet", name);
	return MC_EINPUT;
}
