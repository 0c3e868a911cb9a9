/* SPDX-License-Identifier: MIT */
/*
 * fit.h - fitting a VM on a host, as a policy's `placement` rates it.
 *
 * For each resource the placement considers (importance above 0), the VM's
 * need is set against what the host has free after its reserve:
 *   CPU      usage.cpu_percent + load.cpu_percent × vcpus ÷ cpus
 *            ≤ 100 − reserve %
 *   memory   usage.memory_mb + the VM's resources.memory_mb
 *            ≤ resources.memory_mb − reserve MB
 *   disk     usage.disk_iops + load.disk_iops ≤ resources.disk_iops − reserve
 *   network  usage.network_mbps + load.network_mbps
 *            ≤ resources.network_mbps × (100 − reserve %) ÷ 100
 * A VM's missing load is the policy's `vm_load`; every other value missing
 * or not a whole number ≥ 0 fails the resource closed. Memory is a hard
 * requirement: a VM that does not fit in it does not fit. The others are
 * soft, as in VMM: a resource over capacity counts for nothing in the
 * score. When the VM fits, the host's score is the importance-weighted
 * mean, over the resources considered, of the share of each left free
 * after placement (load balancing) or taken (resource maximization).
 * Everything is integer arithmetic except the score, and nothing is
 * allocated.
 */
#ifndef MC_FIT_H
#define MC_FIT_H

#include "policy/policy.h"
#include "util/buf.h"

typedef enum mc_fit_status {
	MC_FIT_IGNORED,   /* importance 0 */
	MC_FIT_FITS,
	MC_FIT_OVER,      /* over capacity: rated at nothing (not memory) */
	MC_FIT_SHORT,     /* the VM does not fit (memory; any when strict) */
	MC_FIT_HOST_BAD,  /* a host value is missing or malformed */
	MC_FIT_VM_BAD     /* a VM value is missing or malformed */
} mc_fit_status;

typedef struct mc_fit {
	uint8_t status[MC_NRES];   /* mc_fit_status */
	uint8_t bad[MC_NRES];      /* HOST_BAD, VM_BAD: the path (MC_PH_*,
	                              MC_PV_*) */
	const mc_node *bad_value[MC_NRES];  /* and its value, or NULL */
	bool defaulted[MC_NRES];   /* the VM's load is the policy's */
	/* In the resource's unit (CPU: hundredths of a percent of the host):
	 * the VM's need, the host's use, and its capacity after the reserve. */
	int64_t need[MC_NRES], used[MC_NRES], avail[MC_NRES];
	bool fits;                 /* every considered resource fits */
	double score;              /* 0 to 1 when it fits */
} mc_fit;

/* Places the VM (its values of the policy's VM paths) on the host (its
 * values of the host paths) under pl, into *out: mc_fit_read, then
 * mc_fit_judge as the host is. */
void mc_fit_eval(const mc_placement *pl, const mc_node *const *vm,
		 const mc_node *const *host, mc_fit *out);

/* The memory the host has free for VMs after its reserve, as
 * mc_fit_read counts it; INT64_MIN when a value cannot be read. */
int64_t mc_fit_free_memory(const mc_placement *pl, const mc_node *const *host);

/*
 * CPU apart, when placement considers it, for callers that try many hosts:
 * a VM's demand D (its vCPUs x its load in percent x 100, at most
 * MC_FIT_DEMAND_MAX), and a host's processors and the CPU it has free
 * after its reserve, in hundredths of a percent. The VM needs
 * ceil(D / cpus) of the host, as mc_fit_read counts it. -1 (demand) or
 * false (host) when CPU is not considered or a value cannot be read.
 */
#define MC_FIT_DEMAND_MAX ((int64_t)1 << 62)
int64_t mc_fit_cpu_demand(const mc_placement *pl, const mc_node *const *vm);
bool mc_fit_cpu_host(const mc_placement *pl, const mc_node *const *host,
		     int64_t *cpus, int64_t *free);

/* Reads what placing the VM on the host involves: each considered
 * resource's need, use and capacity (status FITS for now), or that a value
 * is bad. */
void mc_fit_read(const mc_placement *pl, const mc_node *const *vm,
		 const mc_node *const *host, mc_fit *out);

/* Judges *out as mc_fit_read left it, with more[r] (when not NULL) in use
 * on the host besides what its record says: sets each resource's status,
 * fits and score. strict makes every resource as hard as memory. */
void mc_fit_judge(const mc_placement *pl, mc_fit *out, const int64_t *more,
		  bool strict);

/* The name of resource r: "cpu", "memory", "disk", "network". */
const char *mc_resource_name(mc_resource r);

/* Says why resource r of *pc does not pass on host `host`: "Host h2 has
 * not enough memory: the VM needs 16,384 MB; 9,216 MB free after the
 * 4,096 MB reserve." */
void mc_fit_why(mc_buf *b, const mc_placement *pl, const mc_fit *pc,
		  mc_resource r, const char *host);

/* Says what placement found on a host, resource by resource, with the VM
 * loads that are the policy's defaults and the goal: "cpu 37.5% of 90%
 * free after placement; memory 8,192 MB of 61,440 MB free after
 * placement; goal: load balancing". A memory shortfall a policy does not
 * refuse is said as mc_fit_why says it. */
void mc_fit_summary(mc_buf *b, const mc_placement *pl, const mc_fit *pc);

#endif
