#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench/assign/gen.py SEED HOSTS VMS OUTDIR [TIGHTNESS]

Writes OUTDIR/policy.yaml and OUTDIR/inventory.yaml: a fleet for
`migcheck plan --assign`, the same bytes for the same arguments (Python's
random.Random(SEED), stdlib only). Compatibility is known by construction
(fleet.py says the policy); the hosts' free CPU and memory add up to about
TIGHTNESS (default: 0.80 to 0.95, drawn from the seed) of what the VMs need,
so that not every VM fits and which VMs go where matters.
"""

import os
import random
import sys

sys.dont_write_bytecode = True      # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleet  # noqa: E402

MANUFACTURERS = ["GenuineIntel", "AuthenticAMD"]
HOST_CPUS = [16, 24, 32, 48, 64]
# VM sizes as clouds sell them: (vCPUs, MB), small ones the most common.
SIZES = [(1, 2048), (2, 4096), (2, 8192), (4, 8192), (4, 16384), (8, 32768),
         (16, 65536)]
SIZE_WEIGHTS = [4, 5, 3, 4, 2, 2, 1]
LOADS = [10, 30, 60, 90]


def generate(seed, nhosts, nvms, tightness=None):
    rnd = random.Random(seed)
    policy = {
        "goal": "load-balancing" if seed % 2 == 0 else "resource-maximization",
        "importance_cpu": rnd.randint(1, 10),
        "importance_memory": rnd.randint(1, 10),
        "reserve_cpu": rnd.choice([0, 5, 10, 15]),
        "reserve_memory": rnd.choice([0, 1024, 2048, 4096]),
        # 20 is migcheck's default: leave it out, so the default is used.
        "vm_load": rnd.choice([None, 25, 30]),
    }
    load = policy["vm_load"] or fleet.DEFAULT_VM_LOAD
    t_mem = tightness or rnd.uniform(0.80, 0.95)
    t_cpu = tightness or rnd.uniform(1.0, 1.3)

    hosts = []
    for i in range(nhosts):
        cpus = rnd.choice(HOST_CPUS)
        hosts.append({
            "name": "h%02d" % i,
            "cluster": "c%d" % (i % 4),
            # Both manufacturers on the first two hosts, then 60 % Intel.
            "cpu": {"manufacturer": MANUFACTURERS[i] if i < 2 else
                    MANUFACTURERS[rnd.random() < 0.4]},
            "status": {"available_for_placement": i < 2 or rnd.random() >= 0.1},
            "resources": {"cpus": cpus,
                          "memory_mb": cpus * rnd.choice([8192, 12288, 16384])},
            "usage": {},
        })
    vms = []
    for i in range(nvms):
        vcpus, mb = rnd.choices(SIZES, SIZE_WEIGHTS)[0]
        vm = {
            "name": "vm%03d" % (i + 1),
            "host": hosts[rnd.randrange(nhosts)]["name"],
            "state": "running" if rnd.random() < 0.7 else "stopped",
            "resources": {"vcpus": vcpus, "memory_mb": mb},
        }
        if rnd.random() < 0.8:
            vm["load"] = {"cpu_percent": rnd.choice(LOADS)}
        vms.append(vm)

    # What the VMs need in all: memory in MB, CPU in percent of one
    # processor. The open hosts' free share of each is drawn at random and
    # scaled so that they add up to the tightness times that need.
    need_mem = sum(v["resources"]["memory_mb"] for v in vms)
    need_cpu = sum(v.get("load", {}).get("cpu_percent", load) * v["resources"]["vcpus"]
                   for v in vms)
    open_hosts = [h for h in hosts if h["status"]["available_for_placement"]]
    share = {h["name"]: rnd.uniform(0.2, 1.0) for h in hosts}
    cap_mem = {h["name"]: h["resources"]["memory_mb"] - policy["reserve_memory"]
               for h in hosts}
    cap_cpu = {h["name"]: 100 - policy["reserve_cpu"] for h in hosts}
    w_mem = sum(share[h["name"]] * cap_mem[h["name"]] for h in open_hosts)
    w_cpu = sum(share[h["name"]] * cap_cpu[h["name"]] * h["resources"]["cpus"]
                for h in open_hosts)
    for h in hosts:
        n = h["name"]
        if h["status"]["available_for_placement"]:
            free_mem = t_mem * need_mem * share[n] * cap_mem[n] / w_mem
            free_cpu = (t_cpu * need_cpu * share[n] * cap_cpu[n]
                        * h["resources"]["cpus"] / w_cpu)
        else:
            free_mem = rnd.uniform(0, cap_mem[n])
            free_cpu = rnd.uniform(0, cap_cpu[n] * h["resources"]["cpus"])
        mem_used = cap_mem[n] - min(cap_mem[n], int(free_mem))
        cpu_used = cap_cpu[n] - min(cap_cpu[n], int(free_cpu / h["resources"]["cpus"]))
        h["usage"] = {"cpu_percent": cpu_used, "memory_mb": mem_used}
    return policy, hosts, vms, (t_mem, t_cpu)


def main(argv):
    if len(argv) not in (5, 6):
        sys.stderr.write("usage: gen.py SEED HOSTS VMS OUTDIR [TIGHTNESS]\n")
        return 2
    seed, nhosts, nvms = int(argv[1]), int(argv[2]), int(argv[3])
    tightness = float(argv[5]) if len(argv) == 6 else None
    if nhosts < 2 or nvms < 1:
        sys.stderr.write("gen.py: at least 2 hosts and 1 VM\n")
        return 2
    policy, hosts, vms, (t_mem, t_cpu) = generate(seed, nhosts, nvms, tightness)
    os.makedirs(argv[4], exist_ok=True)
    header = [
        "Written by bench/assign/gen.py %s; seed %d, %d hosts, %d VMs"
        % (" ".join(argv[1:4] + ["DIR"] + argv[5:]), seed, nhosts, nvms),
        "free CPU %.2f and free memory %.2f of what the VMs need; one host or"
        % (t_cpu, t_mem),
        "VM a line (JSON is YAML flow style), so that fleet.py reads it back.",
    ]
    with open(os.path.join(argv[4], "policy.yaml"), "w") as f:
        f.write(fleet.policy_text(policy, header[:1]))
    with open(os.path.join(argv[4], "inventory.yaml"), "w") as f:
        f.write(fleet.inventory_lines(header, hosts, vms))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
