#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Builds the walkthrough's vSphere fleet (hosts.json, vms.json) from the real govc
0.37.0 output of ../govc-0.37.0-host-info.json and ../govc-0.37.0-vm-info.json: the
same objects, renamed, with the values README.md lists changed. Run from this
directory; the result is committed."""
import copy
import json


def reg(v):
    b = format(v, "032b")
    return ":".join(b[i:i + 4] for i in range(0, 32, 4))


def unreg(s):
    return int(s.replace(":", ""), 2)


VENDORS = {  # leaf 0 EBX, EDX, ECX
    "GenuineIntel": (0x756E6547, 0x49656E69, 0x6C65746E),
    "AuthenticAMD": (0x68747541, 0x69746E65, 0x444D4163),
}

# name, ref, CPUID vendor, leaf-1 signature, brand, package vendor, max EVC mode,
# maintenance (processors of /work/shared/data/processors.tsv)
HOSTS = [
    ("esx-prod-01", "host-21", "GenuineIntel", 0x50656,
     "Intel(R) Xeon(R) Platinum 8268 CPU @ 2.90GHz", "intel", "intel-cascadelake", False),
    ("esx-prod-02", "host-22", "GenuineIntel", 0x50654,
     "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz", "intel", "intel-skylake", False),
    ("esx-prod-03", "host-23", "GenuineIntel", 0x206D7,
     "Intel(R) Xeon(R) CPU E5-2650 0 @ 2.00GHz", "intel", "intel-sandybridge", True),
    ("esx-amd-01", "host-31", "AuthenticAMD", 0x830F10,
     "AMD EPYC 7502 32-Core Processor", "amd", "amd-zen2", False),
]


def set_cpuid(leaves, vendor, sig):
    for leaf in leaves:
        if leaf["level"] == 0:
            ebx, edx, ecx = VENDORS[vendor]
            leaf["ebx"], leaf["edx"], leaf["ecx"] = reg(ebx), reg(edx), reg(ecx)
        elif leaf["level"] == 1:
            leaf["eax"] = reg(sig)
            # a physical host: no hypervisor bit; AMD-V, not VT-x, on AMD
            ecx = unreg(leaf["ecx"]) & 0x7FFFFFFF
            if vendor == "AuthenticAMD":
                ecx &= ~(1 << 5)
            leaf["ecx"] = reg(ecx)
        elif leaf["level"] == -2147483647 and vendor == "AuthenticAMD":
            leaf["ecx"] = reg(unreg(leaf["ecx"]) | 1 << 2)  # svm


def hosts():
    src = json.load(open("../govc-0.37.0-host-info.json"))["hostSystems"]
    base = next(h for h in src if h["name"] == "DC0_C0_H0")
    out = []
    for name, ref, vendor, sig, brand, pkgv, evc, maint in HOSTS:
        h = copy.deepcopy(base)
        h["self"]["value"] = ref
        h["name"] = name
        h["summary"]["config"]["name"] = name
        h["summary"]["host"]["value"] = ref
        h["summary"]["hardware"]["cpuModel"] = brand
        h["summary"]["maxEVCModeKey"] = evc
        h["config"]["product"].update(
            {"fullName": "VMware ESXi 7.0.3 build-21930508", "version": "7.0.3",
             "build": "21930508"})
        h["summary"]["config"]["product"] = h["config"]["product"]
        set_cpuid(h["hardware"]["cpuFeature"], vendor, sig)
        for p in h["hardware"]["cpuPkg"]:
            p["vendor"] = pkgv
            p["description"] = brand
            set_cpuid(p["cpuFeature"], vendor, sig)
        h["runtime"]["inMaintenanceMode"] = maint
        h["summary"]["runtime"]["inMaintenanceMode"] = maint
        out.append(h)
    return {"hostSystems": out}


PER_VM_SKYLAKE = [  # per-VM EVC masks, as ApplyEvcModeVM sets them (a few of them)
    ("cpuid.Intel", "Val:1"), ("cpuid.FAMILY", "Val:6"), ("cpuid.MODEL", "Val:0x55"),
    ("cpuid.AVX512F", "Val:1"), ("cpuid.AVX2", "Val:1"), ("cpuid.AES", "Val:1"),
]

# name, ref, host ref, power state, EVC mode, per-VM EVC, hardware version, base VM
VMS = [
    ("web-01", "vm-101", "host-21", "poweredOn", "intel-cascadelake", False, "vmx-19", "DC0_H0_VM0"),
    ("app-01", "vm-102", "host-21", "poweredOn", "intel-skylake", True, "vmx-14", "DC0_C0_RP0_VM0"),
    ("db-01", "vm-103", "host-22", "suspended", "intel-skylake", False, "vmx-19", "DC0_H0_VM1"),
    ("backup-01", "vm-104", "host-31", "poweredOff", None, False, "vmx-19", "DC0_C0_RP0_VM1"),
]


def vms():
    src = {v["name"]: v for v in json.load(open("../govc-0.37.0-vm-info.json"))["virtualMachines"]}
    out = []
    for name, ref, host, power, evc, per_vm, version, base in VMS:
        v = copy.deepcopy(src[base])
        v["self"]["value"] = ref
        v["name"] = name
        v["config"]["name"] = name
        v["config"]["version"] = version
        v["summary"]["config"]["name"] = name
        v["summary"]["vm"]["value"] = ref
        for rt in (v["runtime"], v["summary"]["runtime"]):
            rt["host"]["value"] = host
            rt["powerState"] = power
            if evc:
                rt["minRequiredEVCModeKey"] = evc
            if per_vm:
                rt["featureMask"] = [{"key": k, "featureName": k, "value": val}
                                     for k, val in PER_VM_SKYLAKE]
        out.append(v)
    return {"virtualMachines": out}


def write(path, doc):
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")


write("hosts.json", hosts())
write("vms.json", vms())
