/* SPDX-License-Identifier: MIT */
/*
 * hostrec.h - a host's record as migcheck's inventories hold it, made by
 * `migcheck probe` and the importers, written out as inventory YAML.
 *
 * Every string is malloc'd and owned by the record; mc_hostrec_free frees
 * them all. Values a source does not give stay NULL or unset and are left
 * out of the inventory (policies then fail closed on them).
 */
#ifndef MC_HOSTREC_H
#define MC_HOSTREC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "sources/fields.h"

typedef struct mc_hostrec {
	char *name;
	char *cluster;
	/* cpu */
	char *manufacturer;   /* the vendor string: GenuineIntel, AuthenticAMD */
	char *architecture;   /* x64, x86, arm64, ... */
	bool has_family, has_model, has_stepping;
	int64_t family;       /* display family */
	int64_t model;        /* display model */
	int64_t stepping;
	char *signature;      /* CPUID leaf 1 EAX, "0x50654" */
	char *cpu_name;       /* the brand string */
	char *model_name;     /* the platform's CPU model (libvirt's <model>) */
	bool model_unexpanded;  /* a model whose features are not known */
	bool has_features;    /* features is known (written even empty) */
	/* the features a guest started with host-model takes along when it
	 * migrates: libvirt drops the host's own migratable='no' ones */
	mc_strlist migratable_features;
	bool has_migratable;  /* migratable_features is known */
	int64_t sockets;      /* 0: not known */
	char **features;      /* flags as Linux names them in /proc/cpuinfo */
	size_t nfeatures;
	/* hypervisor */
	char *hypervisor_product;
	char *hypervisor_version;
	mc_strlist cpu_models;  /* the CPU models the hypervisor offers guests */
	bool has_cpu_models;    /* cpu_models is known (written even empty) */
	/* virtualization */
	bool has_virt;
	bool virt_supported;  /* hardware virtualization (vmx, svm) */
	char *running_under;  /* the hypervisor this machine runs under, if any */
	/* what the platform says beyond these: status.*, resources.*, ... */
	mc_fields extra;
	/* the platform's own reference to the host, by which its VMs name it
	 * (vSphere's "host-16"); not written */
	char *ref;
	/* what the record was made from, written as a comment, and where in
	 * it the record starts (line 0: the file as a whole) */
	char *source;
	char *file;          /* the input it was read from */
	unsigned line, col;
} mc_hostrec;

/* A new, empty record; NULL when memory runs out. */
mc_hostrec *mc_hostrec_new(void);

void mc_hostrec_free(mc_hostrec *h);

/* Sets *field to a copy of len bytes at s (replacing what it held);
 * -1 when memory runs out. */
int mc_hostrec_set(char **field, const char *s, size_t len);

/* Adds a feature flag (a copy); -1 when memory runs out. */
int mc_hostrec_add_feature(mc_hostrec *h, const char *s, size_t len);

/* Appends h's fields to out (all but its name), in the inventory's order:
 * what its members say, then its extra fields. -1 when memory runs out. */
int mc_hostrec_fields(const mc_hostrec *h, mc_fields *out);

/*
 * Merges from (a record of the same name) into into: what into lacks is
 * moved over. A path both hold with different values is a conflict: into
 * is left as it was, the path and both values are written to why, and 1
 * returned. 0 when merged, -1 when memory runs out.
 */
int mc_hostrec_merge(mc_hostrec *into, mc_hostrec *from, mc_buf *why);

/* Writes the records as an inventory: "hosts:" and one entry each, every
 * string quoted so that migcheck's loader reads it back as the same string
 * (bytes that are not UTF-8 as U+FFFD), and only valid UTF-8 YAML. */
void mc_hostrec_yaml(mc_buf *out, mc_hostrec *const *hosts, size_t n);

#endif
