/* SPDX-License-Identifier: MIT */
/*
 * vmrec.h - a VM's record as migcheck's inventories hold it (vms:), made
 * by the importers of VM definitions (`import --from libvirt-domain`), and
 * written out as inventory YAML.
 *
 * Every string is malloc'd and owned by the record; mc_vmrec_free frees
 * them all. A value the source does not give stays NULL or empty and is
 * left out of the inventory (policies then fail closed on it).
 */
#ifndef MC_VMREC_H
#define MC_VMREC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "sources/fields.h"

typedef struct mc_vmrec {
	char *name;
	char *host;             /* the host it is on now */
	char *host_ref;         /* or the platform's reference to it (a host
	                           record's ref), resolved when the imports
	                           are merged; not written */
	char *state;            /* running, paused, saved, stopped */
	int64_t tsc_frequency;  /* <clock><timer name='tsc' frequency=>, Hz;
	                           0: not set */
	/* the guest's CPU definition (libvirt's <cpu>) */
	char *cpu_architecture; /* x64, x86, ppc64, ... */
	char *cpu_mode;         /* host-passthrough, host-model, custom, maximum */
	char *cpu_match;        /* minimum, exact, strict */
	char *cpu_check;        /* none, partial, full */
	char *cpu_migratable;   /* on, off: host-passthrough and maximum */
	char *cpu_model;
	char *cpu_fallback;     /* allow, forbid */
	char *cpu_vendor;       /* GenuineIntel, AuthenticAMD, ... */
	bool has_cpu_features;  /* cpu_features is known (written even empty) */
	mc_strlist cpu_features;  /* what the guest requires of a host */
	mc_strlist cpu_force, cpu_optional, cpu_disable, cpu_forbid;
	bool model_unexpanded;  /* a model whose features are not known */
	/* what the platform says beyond these: checkpoints,
	 * processor_compatibility, evc_mode, resources.*, ... */
	mc_fields extra;
	/* what the record was made from, written as a comment, and where in
	 * it the record starts (line 0: the file as a whole) */
	char *source;
	char *file;             /* the input it was read from */
	unsigned line, col;
} mc_vmrec;

/* A new, empty record; NULL when memory runs out. */
mc_vmrec *mc_vmrec_new(void);

void mc_vmrec_free(mc_vmrec *vm);

/* Appends vm's fields to out (all but its name), in the inventory's
 * order. -1 when memory runs out. */
int mc_vmrec_fields(const mc_vmrec *vm, mc_fields *out);

/* As mc_hostrec_merge, for VMs. */
int mc_vmrec_merge(mc_vmrec *into, mc_vmrec *from, mc_buf *why);

/* Writes the records as the vms: section of an inventory, every string
 * quoted as mc_yaml_quote does. */
void mc_vmrec_yaml(mc_buf *out, mc_vmrec *const *vms, size_t n);

#endif
