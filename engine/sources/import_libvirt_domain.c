/*
 * import_libvirt_domain.c - VM records from `virsh dumpxml` XML.
 */
#include "sources/import.h"

#include "util/diag.h"

int
mc_import_libvirt_domain(mc_hostlist *out, const char *name, const char *data,
			 size_t len, const mc_import_ctx *ctx, mc_diag *diag)
{
	(void)out; (void)data; (void)len; (void)ctx;
	mc_diag_error(diag, "%s: domain XML is not read yet", name);
	return MC_EINPUT;
}
