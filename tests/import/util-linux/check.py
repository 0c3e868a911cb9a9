#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""util-linux's lscpu test dumps as the judge of the cpuinfo and lscpu importers.

Every dump of util-linux's tests/ts/lscpu/dumps/ (2.38.1's sixteen, six
more of util-linux's git, and the fifteen util-linux removed in 2012) is here as DUMP.cpuinfo (its proc/cpuinfo),
DUMP.expected (util-linux's tests/expected/lscpu/lscpu-DUMP: what lscpu
prints for it) and, for 2.38.1's, DUMP.json (`lscpu -J --sysroot` of the
dump; see README.md). Each is imported as a user
would (`migcheck import --from cpuinfo`, `--from lscpu`) and every field
migcheck records is held against what lscpu's expected output states:

  Vendor ID          cpu.manufacturer
  Model name         cpu.name
  CPU family         cpu.family
  Model              cpu.model
  Stepping           cpu.stepping
  Flags              cpu.features (the same flags in the same order)
  Socket(s)          cpu.sockets
  Hypervisor vendor  virtualization.running_under
  Virtualization     virtualization.supported (true when stated)

A field lscpu does not state must be absent from the import too (nothing is
guessed): s390's "Socket(s) per book" (from the machine topology) is not a
number of sockets, and neither import records one there. lscpu's expected output has no Architecture (util-linux's test
drops it: it is the running machine's), so cpu.architecture is held against
ARCH below: the architecture of the machine each dump was taken on, as its
name and its files say.

Where migcheck records a field otherwise than lscpu states it, because the
input does not hold lscpu's figure (lscpu read it from /sys, not from
cpuinfo) or because migcheck reads the field its own documented way, the
case is in EXCEPTIONS with what migcheck records instead and why. An
exception is a different expectation, not a skip: the field is still
compared, and an exception whose expectation equals lscpu's is reported as
stale. The test fails on every mismatch, each reported.

Usage: check.py --migcheck PATH [--self-test]
--self-test: a wrong expectation (one dump's vendor changed) must be
reported; exits 0 when it is, 1 when the check did not notice.
"""

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# lscpu's lines and the record's fields they are compared with.
FIELDS = [
    ("Vendor ID", "manufacturer"),
    ("Model name", "name"),
    ("CPU family", "family"),
    ("Model", "model"),
    ("Stepping", "stepping"),
    ("Flags", "features"),
    ("Socket(s)", "sockets"),
    ("Hypervisor vendor", "running_under"),
    ("Virtualization", "virt_supported"),
]

# The architecture of the machine of each dump (cpu.architecture from its
# cpuinfo). None: the file does not tell.
ARCH = {
    "arm-A510-A710-A715-X3": "arm64",  # CPU architecture: 8
    "armv7": "arm",                # CPU architecture: 7
    "loongarch-kvm_on_loongson_3c6000": "loongarch64",  # ISA: loongarch64
    "loongarch-loongson_3a5000_hv": "loongarch64",
    "i386-amdshanghai": "x64",     # flags: lm (a 32-bit kernel on a 64-bit
    "i386-dellpe700": "x86",       #   processor: the processor's architecture)
    "i386-intels5000phb": "x64",
    "ia64-512cpus": "ia64",        # arch: IA-64
    "ia64-hpmatterhorn": "ia64",
    "ia64-hprx1620": "ia64",
    "ia64-pg0": "ia64",
    "ppc-qemu": None,              # PowerMac: 32- or 64-bit kernels; no evidence
    "ppc64-POWER7": "ppc64",       # platform pSeries: 64-bit kernels only
    "ppc64-POWER7-64cpu": "ppc64",
    "rv64-linux": "riscv64",       # isa rv64imafdc
    "rv64-milkvpioneer": "riscv64",
    "rv64-visionfive2": "riscv64",
    "s390-kvm": "s390x",           # features: zarch
    "s390-lpar": "s390x",
    "s390-lpar-drawer": "s390x",
    "s390-nested-virt": "s390x",
    "s390-zvm": "s390x",
    "sparc64": "sparc64",          # type sun4u
    "sparc64-UltraSparc-T1": "sparc64",  # type sun4v
    "vbox-win": "x64",             # flags: lm
    "vmware_fpe": "x64",
    "x86_64-64cpu": "x64",
    "x86_64-64cpu-linux6.2": "x64",
    "x86_64-dell_e4310": "x64",
    "x86_64-dell_poweredge1950": "x64",
    "x86_64-dell_poweredgeR610": "x64",
    "x86_64-dellr710": "x64",
    "x86_64-el5xen": "x64",
    "x86_64-hpdl585": "x64",
    "x86_64-ibme326m": "x64",
    "x86_64-necem14": "x64",
    "x86_64-epyc_7451": "x64",
}

NOT_IN_CPUINFO_HV = ("lscpu names the hypervisor from /proc/sysinfo, "
                     "/sys/hypervisor or DMI, not from cpuinfo; cpuinfo "
                     "says at most that there is one (the hypervisor flag)")
ARM_REVISION = ("Arm: lscpu's Model and Stepping are the core's revision and "
                "variant (r0p4), not a display model; migcheck records none "
                "(docs/import/cpuinfo.md)")
PPC_REVISION = ("ppc: lscpu's Model is the processor revision "
                "('2.1 (pvr 003f 0201)'), not an integer; not recorded")
SOCKETS_FROM_SYS = ("lscpu counts sockets from /sys topology; this cpuinfo "
                    "has no 'physical id' (or 'package'): the count is left "
                    "out, never guessed")
SPARC_FLAGS = ("sparc: lscpu's Flags is the machine type (`type : sun4u`, "
               "recorded as the architecture, sparc64); migcheck's features "
               "are the processor's `cpucaps`")

LOONGARCH_FAMILY = ("LoongArch: lscpu's CPU family is the word 'Loongson-64bit' "
                    "(recorded as the architecture, loongarch64) and its Model "
                    "the CPU Revision ('0x10'): neither is a display family or "
                    "model")
RISCV_IDS = ("RISC-V: lscpu's CPU family and Model are marchid and mimpid, "
             "implementation ids in hexadecimal, not a display family and "
             "model: not recorded")
RISCV_UARCH = ("RISC-V: lscpu 2.38 does not read `uarch`; later lscpu shows it "
               "as Model name (rv64-visionfive2's expected output), as "
               "migcheck records it")
IA64_WORD = ("ia64: this family is the word 'Itanium 2', not a display "
             "family; migcheck records the word as cpu.name and leaves the "
             "model out too (a model without its family means nothing)")
IA64_REVISION = ("ia64: lscpu of 2011 does not print the revision; migcheck "
                 "records it as the stepping next to a numeric family")
NO_SYS_TOPOLOGY = ("this dump has no /sys topology, from which lscpu counts "
                   "sockets; cpuinfo's distinct physical ids give the count")
MIXED_FLAGS = ("the virtual processors' flags differ (the odd ones show lwp): "
               "lscpu shows the last processor's, migcheck records the flags "
               "every processor has (docs/import/cpuinfo.md)")

SPARC_CAPS = ["flush", "stbar", "swap", "muldiv", "v9", "mul32", "div32",
              "v8plus", "vis"]

# The dumps util-linux removed in 2012, with the expected output lscpu of
# 2011 printed for them (README.md): that lscpu printed neither a Model name
# nor a Flags line, so those two fields have nothing to be held against
# there and are not compared (every other field is).
HISTORICAL = {
    "i386-amdshanghai", "i386-dellpe700", "i386-intels5000phb",
    "ia64-512cpus", "ia64-hpmatterhorn", "ia64-hprx1620", "ia64-pg0",
    "sparc64-UltraSparc-T1", "x86_64-dell_poweredge1950",
    "x86_64-dell_poweredgeR610", "x86_64-dellr710", "x86_64-el5xen",
    "x86_64-hpdl585", "x86_64-ibme326m", "x86_64-necem14",
}
HISTORICAL_UNPRINTED = ("name", "features")

# (dump, source, record field): (what migcheck records, why). source is
# "cpuinfo" or "json".
EXCEPTIONS = {
    ("arm-A510-A710-A715-X3", "cpuinfo", "model"): (None, ARM_REVISION),
    ("arm-A510-A710-A715-X3", "cpuinfo", "stepping"): (None, ARM_REVISION),
    ("arm-A510-A710-A715-X3", "cpuinfo", "sockets"): (None, SOCKETS_FROM_SYS),
    ("ia64-512cpus", "cpuinfo", "stepping"): (7, IA64_REVISION),
    ("ia64-hpmatterhorn", "cpuinfo", "family"): (None, IA64_WORD),
    ("ia64-hpmatterhorn", "cpuinfo", "model"): (None, IA64_WORD),
    ("ia64-hpmatterhorn", "cpuinfo", "sockets"): (None, SOCKETS_FROM_SYS),
    ("ia64-hprx1620", "cpuinfo", "family"): (None, IA64_WORD),
    ("ia64-hprx1620", "cpuinfo", "model"): (None, IA64_WORD),
    ("ia64-hprx1620", "cpuinfo", "sockets"): (None, SOCKETS_FROM_SYS),
    ("ia64-pg0", "cpuinfo", "family"): (None, IA64_WORD),
    ("ia64-pg0", "cpuinfo", "model"): (None, IA64_WORD),
    ("loongarch-kvm_on_loongson_3c6000", "cpuinfo", "family"): (None, LOONGARCH_FAMILY),
    ("loongarch-kvm_on_loongson_3c6000", "cpuinfo", "model"): (None, LOONGARCH_FAMILY),
    ("loongarch-loongson_3a5000_hv", "cpuinfo", "family"): (None, LOONGARCH_FAMILY),
    ("loongarch-loongson_3a5000_hv", "cpuinfo", "model"): (None, LOONGARCH_FAMILY),
    ("rv64-linux", "cpuinfo", "name"): ("sifive,u74-mc", RISCV_UARCH),
    ("rv64-milkvpioneer", "cpuinfo", "family"): (None, RISCV_IDS),
    ("rv64-milkvpioneer", "cpuinfo", "model"): (None, RISCV_IDS),
    ("rv64-milkvpioneer", "cpuinfo", "sockets"): (None, SOCKETS_FROM_SYS),
    ("rv64-visionfive2", "cpuinfo", "family"): (None, RISCV_IDS),
    ("rv64-visionfive2", "cpuinfo", "model"): (None, RISCV_IDS),
    ("rv64-visionfive2", "cpuinfo", "sockets"): (None, SOCKETS_FROM_SYS),
    ("armv7", "cpuinfo", "model"): (None, ARM_REVISION),
    ("armv7", "cpuinfo", "stepping"): (None, ARM_REVISION),
    ("armv7", "cpuinfo", "sockets"): (None, SOCKETS_FROM_SYS),
    ("armv7", "json", "model"): (None, ARM_REVISION),
    ("armv7", "json", "stepping"): (None, ARM_REVISION),
    ("ppc-qemu", "cpuinfo", "model"): (None, PPC_REVISION),
    ("ppc-qemu", "cpuinfo", "sockets"): (None, SOCKETS_FROM_SYS),
    ("ppc-qemu", "json", "model"): (None, PPC_REVISION),
    ("ppc64-POWER7", "cpuinfo", "model"): (None, PPC_REVISION),
    ("ppc64-POWER7", "cpuinfo", "sockets"): (None, SOCKETS_FROM_SYS),
    ("ppc64-POWER7", "json", "model"): (None, PPC_REVISION),
    ("ppc64-POWER7-64cpu", "cpuinfo", "model"): (None, PPC_REVISION),
    ("ppc64-POWER7-64cpu", "cpuinfo", "sockets"): (None, SOCKETS_FROM_SYS),
    ("ppc64-POWER7-64cpu", "cpuinfo", "running_under"): (None, NOT_IN_CPUINFO_HV),
    ("ppc64-POWER7-64cpu", "json", "model"): (None, PPC_REVISION),
    ("s390-kvm", "cpuinfo", "running_under"): (None, NOT_IN_CPUINFO_HV),
    ("s390-lpar", "cpuinfo", "running_under"): (None, NOT_IN_CPUINFO_HV),
    ("s390-lpar-drawer", "cpuinfo", "running_under"): (None, NOT_IN_CPUINFO_HV),
    ("s390-nested-virt", "cpuinfo", "running_under"): (None, NOT_IN_CPUINFO_HV),
    ("s390-zvm", "cpuinfo", "running_under"): (None, NOT_IN_CPUINFO_HV),
    ("sparc64", "cpuinfo", "features"): (SPARC_CAPS, SPARC_FLAGS),
    ("sparc64", "cpuinfo", "sockets"): (None, SOCKETS_FROM_SYS),
    ("sparc64", "json", "features"): (None, SPARC_FLAGS),
    ("sparc64-UltraSparc-T1", "cpuinfo", "sockets"): (None, SOCKETS_FROM_SYS),
    ("x86_64-dell_poweredge1950", "cpuinfo", "sockets"): (2, NO_SYS_TOPOLOGY),
    ("x86_64-el5xen", "cpuinfo", "running_under"): (None, NOT_IN_CPUINFO_HV),
    ("vbox-win", "cpuinfo", "running_under"): (None, NOT_IN_CPUINFO_HV),
    ("vmware_fpe", "cpuinfo", "features"):
        (lambda lscpu: [f for f in lscpu if f != "lwp"], MIXED_FLAGS),
}

def expected_fields(path):
    """The 'Key: value' lines of lscpu's first section (before its -p
    tables)."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                break
            key, sep, value = line.partition(":")
            if not sep:
                continue
            out.setdefault(key.strip(), value.strip())
    return out


def lscpu_says(exp):
    """The record lscpu's expected output describes: field -> value, for
    the fields it states."""
    rec = {}
    for line, field in FIELDS:
        v = exp.get(line)
        if v is None or v in ("", "-"):
            continue
        if field in ("family", "model", "stepping", "sockets"):
            try:
                rec[field] = int(v)
            except ValueError:
                rec[field] = v
        elif field == "features":
            rec[field] = v.split()
        elif field == "virt_supported":
            rec[field] = True
        else:
            rec[field] = v
    return rec


def parse_import(text):
    """The one host of `migcheck import`'s YAML: its cpu: and
    virtualization: keys (values written as JSON-compatible scalars and
    flow lists)."""
    rec = {}
    section = None
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith("#") or s == "hosts:" or s.startswith("- name:"):
            continue
        key, _, value = s.partition(":")
        value = value.strip()
        if not value:
            section = key
            continue
        v = json.loads(value)
        if section == "cpu":
            rec[key] = v
        elif section == "virtualization":
            rec["virt_supported" if key == "supported" else key] = v
    return rec


def run_import(migcheck, fmt, path):
    p = subprocess.run([migcheck, "import", "--from", fmt, path],
                       capture_output=True, text=True, timeout=60)
    if p.returncode != 0 or p.stderr:
        return None, "exit %d: %s" % (p.returncode, p.stderr.strip())
    return parse_import(p.stdout), None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--migcheck", required=True)
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args()

    dumps = sorted(f[:-len(".expected")] for f in os.listdir(HERE)
                   if f.endswith(".expected"))
    problems = []
    compared = 0
    unprinted = 0
    used = set()
    if sorted(ARCH) != dumps:
        problems.append("ARCH does not list every dump: %s" % dumps)
    for dump in dumps:
        says = lscpu_says(expected_fields(os.path.join(HERE, dump + ".expected")))
        if args.self_test and dump == "x86_64-dell_e4310":
            says["manufacturer"] = "AuthenticAMD"  # deliberately wrong
        for source, fmt in (("cpuinfo", "cpuinfo"), ("json", "lscpu")):
            path = os.path.join(HERE, "%s.%s" % (dump, source))
            if not os.path.exists(path):
                continue
            got, err = run_import(args.migcheck, fmt, path)
            if got is None:
                problems.append("%s.%s: does not import: %s" % (dump, source, err))
                continue
            want = dict(says)
            # The json has no Architecture (README.md): none expected.
            want["architecture"] = ARCH.get(dump) if source == "cpuinfo" else None
            for field in [f for _, f in FIELDS] + ["architecture"]:
                key = (dump, source, field)
                if dump in HISTORICAL and field in HISTORICAL_UNPRINTED:
                    unprinted += 1
                    continue
                w = want.get(field)
                if key in EXCEPTIONS:
                    used.add(key)
                    instead = EXCEPTIONS[key][0]
                    if callable(instead):
                        instead = instead(w)
                    if instead == w:
                        problems.append("%s.%s %s: stale exception (migcheck "
                                        "is expected to agree with lscpu)" %
                                        (dump, source, field))
                    w = instead
                compared += 1
                if got.get(field) != w:
                    problems.append("%s.%s %s: lscpu %s, migcheck %s" %
                                    (dump, source, field,
                                     json.dumps(w), json.dumps(got.get(field))))
    for key in sorted(set(EXCEPTIONS) - used):
        problems.append("exception for a case not compared: %s" % (key,))
    for p in problems:
        print("FAIL " + p)
    if args.self_test:
        if any("x86_64-dell_e4310" in p and "manufacturer" in p for p in problems):
            print("self-test: the wrong expectation was reported")
            return 0
        print("self-test: a wrong expectation went unnoticed")
        return 1
    print("util-linux: %d dumps, %d fields compared (%d with an exception), "
          "%d not printed by lscpu of 2011, %d mismatches" %
          (len(dumps), compared, len(EXCEPTIONS), unprinted, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
