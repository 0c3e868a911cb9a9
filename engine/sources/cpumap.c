/*
 * cpumap.c - libvirt's CPU map (see cpumap.h).
 */
#include "sources/cpumap.h"

#include <stdlib.h>
#include <string.h>

#include "util/diag.h"

struct mc_cpumap {
	int unused;
};

int
mc_cpumap_load(mc_cpumap **out, const char *dir, const mc_limits *limits,
	       mc_diag *diag)
{
	(void)limits;
	*out = NULL;
	mc_diag_error(diag, "cannot read the CPU map at %s", dir ? dir : MC_CPUMAP_DIR);
	return MC_EINPUT;
}

void
mc_cpumap_free(mc_cpumap *map)
{
	free(map);
}
