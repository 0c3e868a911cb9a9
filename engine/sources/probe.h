/* SPDX-License-Identifier: MIT */
/*
 * probe.h - this machine's fingerprint as a host record: what CPUID says on
 * x86, else what /proc/cpuinfo and uname(2) say. The decoding works on
 * values handed to it, so that tests need no particular CPU.
 */
#ifndef MC_PROBE_H
#define MC_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sources/hostrec.h"

/*
 * One CPUID query: fills regs with EAX, EBX, ECX, EDX of leaf and subleaf.
 * False when the processor does not have the leaf.
 */
typedef bool (*mc_cpuid_fn)(void *ctx, uint32_t leaf, uint32_t subleaf,
			    uint32_t regs[4]);

/*
 * The display family, model and stepping of a CPUID leaf-1 signature (EAX).
 * The extended family is added when the base family is 15; the extended
 * model when the base family is 15, or also 6 for vendor "GenuineIntel"
 * (vendor may be NULL).
 */
void mc_cpuid_decode(uint32_t eax, const char *vendor, int64_t *family,
		     int64_t *model, int64_t *stepping);

/* The product whose leaf-0x40000000 signature (up to 12 bytes, NUL
 * padded) this is: "KVM", "Hyper-V", ...; NULL when not known. */
const char *mc_probe_hypervisor_name(const char *signature);

/*
 * Fills h's CPU and virtualization fields from cpuid: vendor, signature,
 * display family/model/stepping, brand string, feature flags with their
 * /proc/cpuinfo names, hardware virtualization, the hypervisor it runs
 * under; and the architecture (x64 or x86, from the long-mode flag) when h
 * has none yet. Returns 0, 1 when cpuid has not even leaf 0 (h unchanged),
 * -1 when memory runs out.
 */
int mc_probe_cpuid(mc_hostrec *h, mc_cpuid_fn cpuid, void *ctx);

/*
 * Fills h's CPU fields from the text of /proc/cpuinfo (the first value of
 * each key): vendor_id or CPU implementer, cpu family, model or CPU part,
 * stepping or CPU revision, model name, flags or Features; and the
 * hardware virtualization from the flags vmx and svm when they are
 * x86 flags. Fields h already has are kept. Returns 0, or -1 when memory
 * runs out.
 */
int mc_probe_cpuinfo(mc_hostrec *h, const char *text, size_t len);

/* The inventory's name for a uname -m machine: x86_64 -> x64, i686 -> x86,
 * aarch64 -> arm64; others as they are. */
const char *mc_probe_arch_name(const char *machine);

/*
 * Probes this machine: *out is a new record (source "probe") named name,
 * or the host name when name is NULL, in cluster (may be NULL). Returns 0,
 * or -1 when memory runs out.
 */
int mc_probe(mc_hostrec **out, const char *name, const char *cluster);

#endif
