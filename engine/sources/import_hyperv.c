/*
 * import_hyperv.c - the hyperv importer: hosts and VMs from what Hyper-V prints.
 */
#include "sources/importer.h"

int
mc_import_hyperv(mc_hostlist *out, const char *name, const char *data,
		size_t len, const mc_import_ctx *ctx, mc_diag *diag)
{
	(void)out;
	(void)data;
	(void)len;
	(void)ctx;
	mc_diag_error(diag, "%s: the hyperv format is not read yet", name);
	return MC_EINPUT;
}
