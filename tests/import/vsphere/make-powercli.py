#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the PowerCLI-shaped fixtures from the real govc 0.24.2 output (PascalCase,
the property names of PowerCLI's VMware.Vim objects) in the documented shape of
`Get-View ... | ConvertTo-Json` under Windows PowerShell 5.1: the object's reference
as MoRef, enums as integers, "key":  value, objects past -Depth as their type name and
arrays past it as one space-joined string. No real sample of that output is public.
Run from this directory; the results are committed."""
import json

HOST_CONN = ["connected", "notResponding", "disconnected"]
HOST_POWER = ["poweredOn", "poweredOff", "standBy", "unknown"]
VM_POWER = ["poweredOff", "poweredOn", "suspended"]


def truncate(v, depth, limit):
    """ConvertTo-Json -Depth limit: past it, objects become their type names and
    arrays the space-joined names of their items."""
    if isinstance(v, dict):
        if depth >= limit:
            return "VMware.Vim." + v.get("_type", "DynamicData")
        return {k: truncate(x, depth + 1, limit) for k, x in v.items() if k != "_type"}
    if isinstance(v, list):
        if depth >= limit:
            return " ".join(truncate(x, limit, limit) if isinstance(x, (dict, list))
                            else str(x) for x in v)
        return [truncate(x, depth + 1, limit) for x in v]
    return v


def ps_json(doc):
    return json.dumps(doc, indent=4).replace('": ', '":  ') + "\n"


def host_view(h):
    h = dict(h)
    h["MoRef"] = h.pop("Self")
    for rt in (h["Runtime"], h["Summary"]["Runtime"]):
        rt["ConnectionState"] = HOST_CONN.index(rt["ConnectionState"])
        rt["PowerState"] = HOST_POWER.index(rt["PowerState"])
    for leaf in h["Hardware"]["CpuFeature"]:
        leaf["_type"] = "HostCpuIdInfo"
    for p in h["Hardware"]["CpuPkg"]:
        p["_type"] = "HostCpuPackage"
    return h


def vm_view(v):
    v = dict(v)
    v["MoRef"] = v.pop("Self")
    for rt in (v["Runtime"], v["Summary"]["Runtime"]):
        rt["PowerState"] = VM_POWER.index(rt["PowerState"])
    return v


hosts = json.load(open("govc-0.24.2-host-info.json"))["HostSystems"]
vms = json.load(open("govc-0.24.2-vm-info.json"))["VirtualMachines"]

# One host: Get-View serialises it bare. -Depth 2 cuts the CPUID leaves.
h = host_view(next(x for x in hosts if x["Name"] == "DC0_C0_H1"))
open("powercli-host-depth2.json", "w").write(ps_json(truncate(h, 0, 2)))

# The same host with -Depth 4, as UTF-16LE with a BOM and CRLF line ends (what
# Windows PowerShell's Out-File writes).
text = ps_json(truncate(h, 0, 4))
open("powercli-host-utf16.json", "wb").write(
    b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le"))

# Several VMs: an array, -Depth 6 (deep enough for the snapshot tree).
open("powercli-vms.json", "w").write(ps_json([truncate(vm_view(v), 0, 6) for v in vms]))
