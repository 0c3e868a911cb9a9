#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench/assign/evacuate.py [--seeds N] [--vms N] MIGCHECK OUTDIR

Evacuating one host of a 32-host cluster, host after host: for each of N
seeded fleets (default 10) of 32 hosts and 1,280 VMs (40 a host), written by
gen.py with tightness 1.0 (the hosts' free CPU and memory together as much
as all the VMs need), runs `MIGCHECK plan -p POLICY -i INVENTORY --host H
--assign --format json` for every host H that has VMs, times it (wall
clock, the whole process), and replays its moves with check.py (every move
allowed, no host ever over its CPU or memory capacity, every VM of H
moved or left once). Prints a line per fleet and the slowest and median
times over all evacuations; exits 1 when a plan does not hold.
"""

import json
import os
import subprocess
import sys
import time

sys.dont_write_bytecode = True      # no __pycache__ in the source tree
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import check as ck  # noqa: E402
import fleet as fl  # noqa: E402


def main(argv):
    args, seeds, nvms = argv[1:], 10, 1280
    while args and args[0].startswith("--"):
        if args[0] == "--seeds" and len(args) > 1:
            seeds = int(args[1])
        elif args[0] == "--vms" and len(args) > 1:
            nvms = int(args[1])
        else:
            break
        args = args[2:]
    if len(args) != 2:
        sys.stderr.write(__doc__.split("\n\n")[0] + "\n")
        return 2
    migcheck, out = args
    times, failed, moved, scope = [], 0, 0, 0
    print("%-5s %6s %5s %7s %7s %8s %8s" % ("seed", "hosts", "vms", "moved",
                                           "of", "max ms", "med ms"))
    for seed in range(1, seeds + 1):
        d = os.path.join(out, "evacuate-%d" % seed)
        subprocess.run([sys.executable, os.path.join(here, "gen.py"), str(seed),
                        "32", str(nvms), d, "1.0"], check=True)
        f = fl.read_fleet(d)
        mine, fleet_moved, fleet_scope = [], 0, 0
        for h in f.hosts:
            if not any(v["host"] == h["name"] for v in f.vms):
                continue
            plan = os.path.join(d, "plan.json")
            t0 = time.perf_counter()
            with open(plan, "w") as p:
                r = subprocess.run([migcheck, "plan", "-p",
                                    os.path.join(d, "policy.yaml"), "-i",
                                    os.path.join(d, "inventory.yaml"), "--host",
                                    h["name"], "--assign", "--format", "json"],
                                   stdout=p)
            mine.append((time.perf_counter() - t0) * 1000)
            with open(plan) as p:
                result = json.load(p) if r.returncode in (0, 1) else {}
            errors = ck.check(f, result) if result else ["exit status %d" % r.returncode]
            for e in errors[:5]:
                print("seed %d host %s: %s" % (seed, h["name"], e))
            failed += bool(errors)
            fleet_moved += len(result.get("moves", []))
            fleet_scope += result.get("summary", {}).get("vms", 0)
        mine.sort()
        times += mine
        moved += fleet_moved
        scope += fleet_scope
        print("%-5d %6d %5d %7d %7d %8.1f %8.1f" % (
            seed, len(f.hosts), len(f.vms), fleet_moved, fleet_scope, mine[-1],
            mine[len(mine) // 2]))
    times.sort()
    print("%d evacuations: %d of %d VMs moved; slowest %.1f ms, median %.1f ms; "
          "%d plans that do not hold" % (len(times), moved, scope, times[-1],
                                         times[len(times) // 2], failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
