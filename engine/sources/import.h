/* SPDX-License-Identifier: MIT */
/*
 * import.h - turning what platforms print into inventory host records.
 *
 * Each importer reads one input (a file's bytes, named `name` for
 * diagnostics) and appends the host records it holds to a list: one host
 * per input for the per-machine formats, several for CSV. Bad input is an
 * error at FILE:LINE:COL (or FILE:LINE:1 for line-based text) in diag, and
 * MC_EINPUT; nothing is appended then.
 *
 * What they write is an inventory, which migcheck reads under the limits
 * of mc_limits: a value longer than the scalar limit, a list longer than
 * the items limit, or hosts of more nodes than the node limit are errors
 * at their place in the input, before they take memory. Each importer
 * reads under the limits it is given (NULL: mc_limits_default()), which
 * `import --limit NAME=N` sets.
 */
#ifndef MC_IMPORT_H
#define MC_IMPORT_H

#include "sources/hostrec.h"
#include "sources/vmrec.h"
#include "migcheck.h"
#include "load/node.h"

/* A growing list of records: hosts, and the VMs of the formats that
 * describe VMs. */
typedef struct mc_hostlist {
	mc_hostrec **hosts;
	size_t count, cap;
	mc_vmrec **vms;
	size_t nvms, vcap;
} mc_hostlist;

/* Appends h (taken over: freed on failure); -1 when memory runs out. */
int mc_hostlist_add(mc_hostlist *l, mc_hostrec *h);

/* Appends vm (taken over: freed on failure); -1 when memory runs out. */
int mc_hostlist_add_vm(mc_hostlist *l, mc_vmrec *vm);

void mc_hostlist_free(mc_hostlist *l);

typedef struct mc_cpumap mc_cpumap;

/* What an importer reads under, besides its input. */
typedef struct mc_import_ctx {
	const mc_limits *limits;   /* NULL: mc_limits_default() */
	const mc_cpumap *cpu_map;  /* libvirt's CPU map; NULL: none */
	const char *vm_host;       /* the host imported VMs are on */
	const char *vm_state;      /* their state; NULL: as the input says */
	char delimiter;            /* csv: between cells; 0: a comma */
} mc_import_ctx;

typedef int (*mc_importer)(mc_hostlist *out, const char *name,
			   const char *data, size_t len,
			   const mc_import_ctx *ctx, mc_diag *diag);

/* Copies given limits into *lim, or the defaults when given is NULL. */
void mc_import_limits(mc_limits *lim, const mc_limits *given);

/* The importer for a format name ("win32", "lscpu", ...), or NULL. */
mc_importer mc_import_find(const char *format);

/* The format names, for messages: "win32, lscpu, cpuinfo, ...". */
const char *mc_import_formats(void);

/* For the importers of text: reports the first NUL byte of f at its line
 * (lines end at LF) and column, and returns -1; 0 when there is none. A NUL
 * would end the C strings the records hold, and cut what they say. */
int mc_import_refuse_nul(const mc_file *f, mc_diag *diag);

/*
 * Makes room in h for `more` features, which mc_import_add_feature then
 * adds without reallocating: a record grows its list one feature at a
 * time, which copies the whole list each time where realloc cannot grow
 * it in place (under AddressSanitizer, always). -1 when memory runs out.
 */
int mc_import_reserve_features(mc_hostrec *h, size_t more);
int mc_import_add_feature(mc_hostrec *h, const char *s, size_t len);

int mc_import_win32(mc_hostlist *out, const char *name, const char *data,
		    size_t len, const mc_import_ctx *ctx, mc_diag *diag);
int mc_import_lscpu(mc_hostlist *out, const char *name, const char *data,
		    size_t len, const mc_import_ctx *ctx, mc_diag *diag);
int mc_import_cpuinfo(mc_hostlist *out, const char *name, const char *data,
		      size_t len, const mc_import_ctx *ctx, mc_diag *diag);
int mc_import_libvirt(mc_hostlist *out, const char *name, const char *data,
		      size_t len, const mc_import_ctx *ctx, mc_diag *diag);
/* VMs (vms:) from `virsh dumpxml`, on ctx->vm_host. */
int mc_import_libvirt_domain(mc_hostlist *out, const char *name,
			     const char *data, size_t len,
			     const mc_import_ctx *ctx, mc_diag *diag);
int mc_import_csv(mc_hostlist *out, const char *name, const char *data,
		  size_t len, const mc_import_ctx *ctx, mc_diag *diag);
/* Hosts and VMs from PowerShell's JSON of Hyper-V (Get-VMHost, Get-VM),
 * of VMM (Get-SCVMHost, Get-SCVirtualMachine) and of vSphere (govc,
 * PowerCLI, pyVmomi). */
int mc_import_hyperv(mc_hostlist *out, const char *name, const char *data,
		     size_t len, const mc_import_ctx *ctx, mc_diag *diag);
int mc_import_scvmm(mc_hostlist *out, const char *name, const char *data,
		    size_t len, const mc_import_ctx *ctx, mc_diag *diag);
int mc_import_vsphere(mc_hostlist *out, const char *name, const char *data,
		      size_t len, const mc_import_ctx *ctx, mc_diag *diag);

#endif
