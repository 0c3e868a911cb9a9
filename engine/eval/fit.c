/* SPDX-License-Identifier: MIT */
/*
 * fit.c - fitting a VM on a host under a policy's `placement` (fit.h).
 */
#include "eval/fit.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *const names[MC_NRES] = {"cpu", "memory", "disk", "network"};

/* The largest value read: products of two stay far within int64_t. */
#define MAX_VALUE ((int64_t)1 << 40)

const char *
mc_resource_name(mc_resource r)
{
	return names[r];
}

/* A whole number from 0 to MAX_VALUE at n, into *v. */
static bool
count(const mc_node *n, int64_t *v)
{
	if (!n || n->kind != MC_NODE_SCALAR || n->type != MC_SCALAR_INT ||
	    n->num < 0 || n->num > MAX_VALUE)
		return false;
	*v = n->num;
	return true;
}

/* Reads the host's path k into *v, or marks resource r bad. */
static bool
host_value(const mc_placement *pl, const mc_node *const *host, int k,
	   mc_resource r, mc_fit *out, int64_t *v)
{
	if (count(host[pl->host_path[k]], v))
		return true;
	out->status[r] = MC_FIT_HOST_BAD;
	out->bad[r] = (uint8_t)k;
	out->bad_value[r] = host[pl->host_path[k]];
	return false;
}

/* The VM's load of resource r from path k, or the policy's default when it
 * has none; false (r marked bad) when it is malformed. */
static bool
vm_load(const mc_placement *pl, const mc_node *const *vm, int k,
	mc_resource r, mc_fit *out, int64_t *v)
{
	const mc_node *n = vm[pl->vm_path[k]];

	if (!n) {
		*v = pl->vm_load[r];
		out->defaulted[r] = true;
		return true;
	}
	if (count(n, v))
		return true;
	out->status[r] = MC_FIT_VM_BAD;
	out->bad[r] = (uint8_t)k;
	out->bad_value[r] = n;
	return false;
}

static bool
vm_value(const mc_placement *pl, const mc_node *const *vm, int k,
	 mc_resource r, mc_fit *out, int64_t *v)
{
	if (count(vm[pl->vm_path[k]], v))
		return true;
	out->status[r] = MC_FIT_VM_BAD;
	out->bad[r] = (uint8_t)k;
	out->bad_value[r] = vm[pl->vm_path[k]];
	return false;
}

/* A VM's CPU demand, vcpus x load x 100, at most MC_FIT_DEMAND_MAX: a VM
 * that asks more needs more than any host has (more than 2^22 processors'
 * worth), and the sums with it stay within int64_t. */
static int64_t
demand(int64_t vcpus, int64_t load)
{
	int64_t d;

	if (__builtin_mul_overflow(vcpus, load, &d) ||
	    __builtin_mul_overflow(d, 100, &d) || d > MC_FIT_DEMAND_MAX)
		return MC_FIT_DEMAND_MAX;
	return d;
}

/* need, used and avail of resource r; false when a value is bad. */
static bool
measure(const mc_placement *pl, const mc_node *const *vm,
	const mc_node *const *host, mc_resource r, mc_fit *out)
{
	int64_t cap, use, a, b;

	switch (r) {
	case MC_RES_CPU:
		/* In hundredths of a percent of the host; the VM's share is
		 * rounded up, so that rounding never lets a VM in. */
		if (!host_value(pl, host, MC_PH_CPUS, r, out, &cap) ||
		    !host_value(pl, host, MC_PH_CPU_USE, r, out, &use) ||
		    !vm_value(pl, vm, MC_PV_VCPUS, r, out, &a) ||
		    !vm_load(pl, vm, MC_PV_CPU_LOAD, r, out, &b))
			return false;
		if (cap == 0) {
			out->status[r] = MC_FIT_HOST_BAD;
			out->bad[r] = MC_PH_CPUS;
			out->bad_value[r] = host[pl->host_path[MC_PH_CPUS]];
			return false;
		}
		b = demand(a, b);
		out->need[r] = b / cap + (b % cap != 0);
		out->used[r] = use * 100;
		out->avail[r] = (100 - pl->reserve[r]) * 100;
		return true;
	case MC_RES_MEMORY:
		if (!host_value(pl, host, MC_PH_MEMORY, r, out, &cap) ||
		    !host_value(pl, host, MC_PH_MEMORY_USE, r, out, &use) ||
		    !vm_value(pl, vm, MC_PV_MEMORY, r, out, &a))
			return false;
		out->need[r] = a;
		out->used[r] = use;
		out->avail[r] = cap - pl->reserve[r];
		return true;
	case MC_RES_DISK:
		if (!host_value(pl, host, MC_PH_DISK, r, out, &cap) ||
		    !host_value(pl, host, MC_PH_DISK_USE, r, out, &use) ||
		    !vm_load(pl, vm, MC_PV_DISK_LOAD, r, out, &a))
			return false;
		out->need[r] = a;
		out->used[r] = use;
		out->avail[r] = cap - pl->reserve[r];
		return true;
	default:
		if (!host_value(pl, host, MC_PH_NETWORK, r, out, &cap) ||
		    !host_value(pl, host, MC_PH_NETWORK_USE, r, out, &use) ||
		    !vm_load(pl, vm, MC_PV_NETWORK_LOAD, r, out, &a))
			return false;
		out->need[r] = a;
		out->used[r] = use;
		out->avail[r] = cap * (100 - pl->reserve[r]) / 100;
		return true;
	}
}

int64_t
mc_fit_free_memory(const mc_placement *pl, const mc_node *const *host)
{
	int64_t cap, use;

	if (!count(host[pl->host_path[MC_PH_MEMORY]], &cap) ||
	    !count(host[pl->host_path[MC_PH_MEMORY_USE]], &use))
		return INT64_MIN;
	return cap - pl->reserve[MC_RES_MEMORY] - use;
}

int64_t
mc_fit_cpu_demand(const mc_placement *pl, const mc_node *const *vm)
{
	mc_fit scratch;
	int64_t a, b;

	if (!pl->importance[MC_RES_CPU] ||
	    !vm_value(pl, vm, MC_PV_VCPUS, MC_RES_CPU, &scratch, &a) ||
	    !vm_load(pl, vm, MC_PV_CPU_LOAD, MC_RES_CPU, &scratch, &b))
		return -1;
	return demand(a, b);
}

bool
mc_fit_cpu_host(const mc_placement *pl, const mc_node *const *host,
		int64_t *cpus, int64_t *free)
{
	int64_t use;

	if (!pl->importance[MC_RES_CPU] ||
	    !count(host[pl->host_path[MC_PH_CPUS]], cpus) ||
	    !count(host[pl->host_path[MC_PH_CPU_USE]], &use) || *cpus == 0)
		return false;
	*free = (100 - pl->reserve[MC_RES_CPU]) * 100 - use * 100;
	return true;
}

void
mc_fit_read(const mc_placement *pl, const mc_node *const *vm,
	    const mc_node *const *host, mc_fit *out)
{
	memset(out, 0, sizeof(*out));
	for (int r = 0; r < MC_NRES; r++) {
		if (pl->importance[r] && measure(pl, vm, host, (mc_resource)r, out))
			out->status[r] = MC_FIT_FITS;
	}
}

void
mc_fit_judge(const mc_placement *pl, mc_fit *out, const int64_t *more,
	     bool strict)
{
	double sum = 0, weights = 0;

	out->fits = true;
	for (int r = 0; r < MC_NRES; r++) {
		int64_t used;
		double taken;

		if (out->status[r] == MC_FIT_IGNORED)
			continue;
		if (out->status[r] == MC_FIT_HOST_BAD || out->status[r] == MC_FIT_VM_BAD) {
			out->fits = false;
			continue;
		}
		used = out->used[r] + (more ? more[r] : 0);
		weights += pl->importance[r];
		if (used + out->need[r] > out->avail[r]) {
			/* Memory is a hard requirement; the others only rate
			 * the host lower, at nothing for an overloaded one. */
			bool hard = strict || r == MC_RES_MEMORY;

			out->status[r] = hard ? MC_FIT_SHORT : MC_FIT_OVER;
			if (hard)
				out->fits = false;
			continue;
		}
		out->status[r] = MC_FIT_FITS;
		taken = out->avail[r] > 0
			? (double)(used + out->need[r]) / (double)out->avail[r]
			: 1.0;
		sum += pl->importance[r] *
		       (pl->goal == MC_GOAL_LOAD_BALANCING ? 1.0 - taken : taken);
	}
	out->score = out->fits && weights > 0 ? sum / weights : 0;
}

void
mc_fit_eval(const mc_placement *pl, const mc_node *const *vm,
	    const mc_node *const *host, mc_fit *out)
{
	mc_fit_read(pl, vm, host, out);
	mc_fit_judge(pl, out, NULL, false);
}

/* n (≥ 0) with a comma between thousands: 16,384. */
static void
add_count(mc_buf *b, int64_t n)
{
	char digits[24];
	int len = snprintf(digits, sizeof(digits), "%" PRId64, n);

	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			mc_buf_addc(b, ',');
		mc_buf_addc(b, digits[i]);
	}
}

/* A CPU amount in hundredths of a percent: "12%", "12.5%", "12.25%". */
static void
add_percent(mc_buf *b, int64_t hundredths)
{
	int64_t whole = hundredths / 100, frac = hundredths % 100;

	if (frac == 0)
		mc_buf_addf(b, "%" PRId64 "%%", whole);
	else if (frac % 10 == 0)
		mc_buf_addf(b, "%" PRId64 ".%" PRId64 "%%", whole, frac / 10);
	else
		mc_buf_addf(b, "%" PRId64 ".%02" PRId64 "%%", whole, frac);
}

/* An amount of resource r in its unit: "16,384 MB", "12.5%". */
static void
add_amount(mc_buf *b, mc_resource r, int64_t v)
{
	static const char *const units[MC_NRES] = {"", " MB", " IOPS", " Mbit/s"};

	if (r == MC_RES_CPU) {
		add_percent(b, v);
		return;
	}
	add_count(b, v);
	mc_buf_adds(b, units[r]);
}

/* " after the 4,096 MB reserve", or nothing without one. */
static void
add_reserve(mc_buf *b, const mc_placement *pl, mc_resource r)
{
	if (!pl->reserve[r])
		return;
	mc_buf_adds(b, " after the ");
	if (r == MC_RES_CPU || r == MC_RES_NETWORK)
		mc_buf_addf(b, "%" PRId64 "%%", pl->reserve[r]);
	else
		add_amount(b, r, pl->reserve[r]);
	mc_buf_adds(b, " reserve");
}

/* "is missing.", or "is 'lots', not a whole number from 0 to …". */
static void
bad_value(mc_buf *b, const mc_node *n, int least)
{
	if (!n) {
		mc_buf_adds(b, "is missing.");
		return;
	}
	if (n->kind == MC_NODE_SCALAR) {
		mc_buf_adds(b, "is '");
		mc_buf_add_printable(b, n->u.text, n->len > 40 ? 40 : n->len, false);
		mc_buf_adds(b, n->len > 40 ? "\xe2\x80\xa6', " : "', ");
	} else {
		mc_buf_adds(b, "is a collection, ");
	}
	mc_buf_addf(b, "not a whole number from %d to ", least);
	add_count(b, MAX_VALUE);
	mc_buf_addc(b, '.');
}

void
mc_fit_why(mc_buf *b, const mc_placement *pl, const mc_fit *pc,
	     mc_resource r, const char *host)
{
	static const char *const what[MC_NRES] = {
		"processor capacity", "memory", "disk I/O", "network capacity"
	};
	int64_t free_now = pc->avail[r] - pc->used[r];

	switch (pc->status[r]) {
	case MC_FIT_SHORT:
		mc_buf_addf(b, "Host %s has not enough %s: the VM needs ", host,
			    what[r]);
		add_amount(b, r, pc->need[r]);
		mc_buf_adds(b, "; ");
		add_amount(b, r, free_now > 0 ? free_now : 0);
		mc_buf_adds(b, " free");
		add_reserve(b, pl, r);
		mc_buf_addc(b, '.');
		break;
	case MC_FIT_HOST_BAD:
		mc_buf_addf(b, "Cannot place the VM on host %s: target %s ", host,
			    mc_placement_host_paths[pc->bad[r]]);
		bad_value(b, pc->bad_value[r], pc->bad[r] == MC_PH_CPUS ? 1 : 0);
		break;
	case MC_FIT_VM_BAD:
		mc_buf_addf(b, "Cannot place the VM on host %s: vm %s ", host,
			    mc_placement_vm_paths[pc->bad[r]]);
		bad_value(b, pc->bad_value[r], 0);
		break;
	default:
		break;
	}
}

void
mc_fit_summary(mc_buf *b, const mc_placement *pl, const mc_fit *pc)
{
	const char *sep = "";

	for (int r = 0; r < MC_NRES; r++) {
		int64_t left = pc->avail[r] - pc->used[r] - pc->need[r];

		if (pc->status[r] == MC_FIT_SHORT) {
			mc_buf_addf(b, "%s%s does not fit: the VM needs ", sep, names[r]);
			add_amount(b, (mc_resource)r, pc->need[r]);
			mc_buf_adds(b, "; ");
			left = pc->avail[r] - pc->used[r];
			add_amount(b, (mc_resource)r, left > 0 ? left : 0);
			mc_buf_adds(b, " free");
			add_reserve(b, pl, (mc_resource)r);
			sep = "; ";
			continue;
		}
		if (pc->status[r] != MC_FIT_FITS && pc->status[r] != MC_FIT_OVER)
			continue;
		mc_buf_addf(b, "%s%s ", sep, names[r]);
		if (pc->status[r] == MC_FIT_OVER) {
			mc_buf_adds(b, "over capacity: ");
			add_amount(b, (mc_resource)r, pc->used[r] + pc->need[r]);
			mc_buf_adds(b, " used of ");
		} else {
			add_amount(b, (mc_resource)r, left);
			mc_buf_adds(b, " of ");
		}
		add_amount(b, (mc_resource)r, pc->avail[r] > 0 ? pc->avail[r] : 0);
		mc_buf_adds(b, pc->status[r] == MC_FIT_OVER ? " after placement"
			    : " free after placement");
		if (pc->defaulted[r]) {
			static const char *const units[MC_NRES] = {"%", "", " IOPS",
								   " Mbit/s"};
			mc_buf_addf(b, " (the VM's load: the policy's %" PRId64 "%s)",
				    pl->vm_load[r], units[r]);
		}
		sep = "; ";
	}
	mc_buf_addf(b, "%s%s", sep, pl->goal == MC_GOAL_LOAD_BALANCING
		    ? "goal: load balancing" : "goal: resource maximization");
}
