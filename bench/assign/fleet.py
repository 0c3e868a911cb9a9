# SPDX-License-Identifier: MIT
"""The fleets of bench/assign: how gen.py writes them and how optimum.py,
check.py and tests/assign/optimum.sh read them back (Python 3 stdlib only).

A fleet directory holds policy.yaml and inventory.yaml. Both are YAML that
migcheck reads, written so that this module can read them without a YAML
library: every host and VM is one line of JSON (YAML flow style), and the
policy is the text of policy_text() for its parameters, which read_fleet()
checks byte for byte. What the model assumes is therefore exactly what the
files say:

- kinds: a running VM moves live, a stopped one cold;
- host: a target must have status.available_for_placement true;
- match: a live move needs the same cpu.manufacturer on both hosts; a cold
  move needs nothing;
- placement: CPU and memory considered (importance > 0), disk and network
  not; in `plan --assign` both are hard limits (docs/placement.md):
    CPU, in hundredths of a percent of the target:
      need = ceil(load.cpu_percent x vcpus x 100 / cpus)   (load defaults
             to the policy's vm_load, 20 without one)
      use  = usage.cpu_percent x 100
      cap  = (100 - reserves.cpu_percent) x 100
    memory, in MB: need = the VM's resources.memory_mb,
      use = usage.memory_mb, cap = resources.memory_mb - reserves.memory_mb
  and a VM fits when use + need <= cap for both.
"""

import json
import os

DEFAULT_VM_LOAD = 20


def policy_text(p, header=()):
    """The policy of a fleet with parameters p (a dict: goal, importance_cpu,
    importance_memory, reserve_cpu, reserve_memory, vm_load or None), with
    the comment lines header after the licence."""
    lines = ["# SPDX-License-Identifier: MIT"] + ["# " + h for h in header] + [
        "# Running VMs move live and need the same processor manufacturer,",
        "# stopped VMs move cold anywhere; only hosts open for placement take",
        "# VMs; CPU and memory are considered (bench/assign/fleet.py).",
        "policy: assign-bench",
        "format: 1",
        "fields:",
        "  manufacturer: { from: cpu.manufacturer }",
        "kinds:",
        "  live: { when: { vm.state: running } }",
        "  cold: { when: { vm.state: stopped } }",
        "host:",
        "  require:",
        "    - { target.status.available_for_placement: true }",
        "match:",
        "  live: [manufacturer]",
        "  cold: []",
        "placement:",
        "  goal: %s" % p["goal"],
        "  importance: { cpu: %d, memory: %d }"
        % (p["importance_cpu"], p["importance_memory"]),
        "  reserves: { cpu_percent: %d, memory_mb: %d }"
        % (p["reserve_cpu"], p["reserve_memory"]),
    ]
    if p["vm_load"] is not None:
        lines.append("  vm_load: { cpu_percent: %d }" % p["vm_load"])
    return "\n".join(lines) + "\n"


def parse_policy(text):
    """The parameters of a policy that policy_text() wrote, or ValueError."""
    p = {"vm_load": None}
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("goal:"):
            p["goal"] = s.split(":", 1)[1].strip()
        elif s.startswith("importance:"):
            d = braces(s)
            p["importance_cpu"], p["importance_memory"] = d["cpu"], d["memory"]
        elif s.startswith("reserves:"):
            d = braces(s)
            p["reserve_cpu"], p["reserve_memory"] = d["cpu_percent"], d["memory_mb"]
        elif s.startswith("vm_load:"):
            p["vm_load"] = braces(s)["cpu_percent"]
    try:
        same = uncommented(policy_text(p)) == uncommented(text)
    except KeyError:
        same = False
    if not same:
        raise ValueError("not a policy written by bench/assign/gen.py")
    return p


def uncommented(text):
    return [line for line in text.splitlines() if not line.startswith("#")]


def braces(s):
    """{ a: 1, b: 2 } at the end of s, as a dict of integers."""
    body = s[s.index("{") + 1:s.rindex("}")]
    return {k.strip(): int(v) for k, v in
            (item.split(":") for item in body.split(","))}


def inventory_lines(header, hosts, vms):
    out = ["# SPDX-License-Identifier: MIT"]
    out += ["# " + h for h in header]
    out.append("hosts:")
    out += ["  - " + json.dumps(h, separators=(", ", ": ")) for h in hosts]
    out.append("vms:")
    out += ["  - " + json.dumps(v, separators=(", ", ": ")) for v in vms]
    return "\n".join(out) + "\n"


def parse_inventory(text):
    hosts, vms, cur = [], [], None
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if line == "hosts:":
            cur = hosts
        elif line == "vms:":
            cur = vms
        elif line.startswith("  - {") and cur is not None:
            cur.append(json.loads(line[4:]))
        else:
            raise ValueError("not an inventory written by bench/assign/gen.py: %r" % line)
    return hosts, vms


class Fleet:
    """A fleet read back: hosts and VMs by index, what each VM needs on each
    host, what each host has free, and which moves are allowed."""

    def __init__(self, policy, hosts, vms):
        self.policy, self.hosts, self.vms = policy, hosts, vms
        self.host_index = {h["name"]: i for i, h in enumerate(hosts)}
        self.vm_index = {v["name"]: i for i, v in enumerate(vms)}
        load = policy["vm_load"] if policy["vm_load"] is not None else DEFAULT_VM_LOAD
        self.cap = []   # per host: (cpu, memory) left after use and reserve
        for h in hosts:
            cpu = (100 - policy["reserve_cpu"]) * 100 - h["usage"]["cpu_percent"] * 100
            mem = (h["resources"]["memory_mb"] - policy["reserve_memory"]
                   - h["usage"]["memory_mb"])
            self.cap.append((cpu, mem))
        self.load = [v.get("load", {}).get("cpu_percent", load) for v in vms]

    def need(self, v, h):
        """(cpu in hundredths of a percent of host h, memory MB) of VM v."""
        vm, cpus = self.vms[v], self.hosts[h]["resources"]["cpus"]
        num = self.load[v] * vm["resources"]["vcpus"] * 100
        return (-(-num // cpus), vm["resources"]["memory_mb"])

    def compatible(self, v, h):
        """Whether the policy, placement aside, allows VM v onto host h."""
        vm, target = self.vms[v], self.hosts[h]
        source = self.hosts[self.host_index[vm["host"]]]
        if target is source:
            return False
        if target.get("status", {}).get("available_for_placement") is not True:
            return False
        if vm["state"] == "running":
            return source["cpu"]["manufacturer"] == target["cpu"]["manufacturer"]
        if vm["state"] == "stopped":
            return True
        raise ValueError("VM %s: state %r has no kind" % (vm["name"], vm["state"]))

    def fits_alone(self, v, h):
        """Whether VM v fits on host h when nothing else is placed there."""
        n = self.need(v, h)
        return n[0] <= self.cap[h][0] and n[1] <= self.cap[h][1]


def read_fleet(directory):
    with open(os.path.join(directory, "policy.yaml")) as f:
        policy = parse_policy(f.read())
    with open(os.path.join(directory, "inventory.yaml")) as f:
        hosts, vms = parse_inventory(f.read())
    return Fleet(policy, hosts, vms)


def check_moves(fleet, moves):
    """Replays moves [(vm, from, to)] in order; the list of what is wrong
    (empty when every move is allowed, fits and no VM moves twice)."""
    errors, left, seen = [], [list(c) for c in fleet.cap], set()
    for vm, src, dst in moves:
        v, h = fleet.vm_index.get(vm), fleet.host_index.get(dst)
        if v is None or h is None:
            errors.append("%s -> %s: unknown VM or host" % (vm, dst))
            continue
        if v in seen:
            errors.append("%s moves twice" % vm)
        seen.add(v)
        if src != fleet.vms[v]["host"]:
            errors.append("%s: from %s, but it is on %s" % (vm, src, fleet.vms[v]["host"]))
        if not fleet.compatible(v, h):
            errors.append("%s -> %s: the policy does not allow it" % (vm, dst))
        n = fleet.need(v, h)
        left[h][0] -= n[0]
        left[h][1] -= n[1]
        if left[h][0] < 0:
            errors.append("%s -> %s: CPU over capacity by %.2f%%"
                          % (vm, dst, -left[h][0] / 100))
        if left[h][1] < 0:
            errors.append("%s -> %s: memory over capacity by %d MB"
                          % (vm, dst, -left[h][1]))
    return errors
