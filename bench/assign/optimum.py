#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench/assign/optimum.py [--tmlim S] [--lp FILE] [--moves FILE] FLEETDIR

The most VMs of the fleet in FLEETDIR (gen.py) that `migcheck plan
--assign` could place: writes the assignment as an integer program in CPLEX
LP format, solves it with glpsol (Debian package glpk-utils) and prints

    optimum N

or, when glpsol stops at its time limit (--tmlim, default 120 s, half of it
with the rows most[h] below and half without) before it has proved its
best, `best N bound B` and exits 3. The model counts the
VMs of each class (VMs of the same kind, source manufacturer, vCPUs, memory
and load, which the model cannot tell apart) that go to each host:

    maximize   sum y[c,h]
    subject to sum_h y[c,h] <= |c|                   every class c
               sum_c cpu[c,h] y[c,h] <= cpu_free[h]  every host h
               sum_c mem[c,h] y[c,h] <= mem_free[h]  every host h
               sum_c y[c,h] <= most[h]               every host h
               0 <= y[c,h] <= |c| - (VMs of c on h), integer

with y[c,h] only where the policy allows c's VMs onto h and one of them
fits on h alone; needs and capacities as bench/assign/fleet.py computes
them, in integers (CPU in hundredths of a percent, rounded up). The bounds
are Hall's condition for each class: every solution is a set of moves, no
VM to its own host (match_class finds them), and every set of moves is a
solution; counting by class rather than choosing VM by VM spares glpsol the
VMs' symmetry. A host's capacity is lowered to the largest sum its
candidates' needs can make, and each row divided by its needs' greatest
common divisor, and most[h] is the most VMs that fit on it (its
candidates' smallest needs first): each tightens the relaxation and
changes no solution.
Capacity is consumed on targets only, never freed on sources, so any order
of the moves is executable: the optimum is a count, whatever the order.
--lp keeps the model (FILE.2 the one without most[h]), --moves writes the optimal moves (VM, from, to, one a
line), which are checked against the fleet before the count is printed.
"""

import argparse
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True      # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleet as fl  # noqa: E402


def classes(f):
    """The VMs in classes that the model cannot tell apart: the same kind of
    move from the same manufacturer (any, for a cold move), vCPUs, memory and
    load. A class's VMs differ only in their own host, which none of them
    may go to: its count on host h is at most the class's VMs not on h."""
    out = {}
    for v, vm in enumerate(f.vms):
        src = f.hosts[f.host_index[vm["host"]]]
        group = src["cpu"]["manufacturer"] if vm["state"] == "running" else "*"
        key = (vm["state"], group, vm["resources"]["vcpus"],
               vm["resources"]["memory_mb"], f.load[v])
        out.setdefault(key, []).append(v)
    return list(out.values())


def write_lp(f, source, path, count_rows=True):
    """Writes the model to path; returns the classes (lists of VMs) and the
    model's columns, (class, host) each."""
    cls = classes(f)
    cols, bound = [], {}
    for c, vs in enumerate(cls):
        on = {}
        for v in vs:
            on[f.vms[v]["host"]] = on.get(f.vms[v]["host"], 0) + 1
        # The class's VMs have the same needs and the same candidates but
        # their own hosts, which the bound leaves out.
        for h in range(len(f.hosts)):
            if not f.fits_alone(vs[0], h) or not any(f.compatible(v, h) for v in vs):
                continue
            ub = len(vs) - on.get(f.hosts[h]["name"], 0)
            if ub > 0:
                cols.append((c, h))
                bound[(c, h)] = ub
    name = {col: "y_%d_%d" % col for col in cols}
    by_host = {}
    for c, h in cols:
        by_host.setdefault(h, []).append(c)

    out = ["\\ The most VMs placed of %s (bench/assign/optimum.py):" % source,
           "\\ y_C_H VMs of class C go to host H.",
           "Maximize", " placed:"]
    out += ["  + " + name[col] for col in cols] or ["  0 y_none"]
    out.append("Subject To")
    by_class = {}
    for c, h in cols:
        by_class.setdefault(c, []).append(h)
    for c, hs in sorted(by_class.items()):
        if sum(bound[(c, h)] for h in hs) > len(cls[c]):
            out.append(" class_%d:" % c)
            out += ["  + " + name[(c, h)] for h in hs]
            out.append("  <= %d" % len(cls[c]))
    for h, cs in sorted(by_host.items()):
        most = sum(bound[(c, h)] for c in cs)
        for r, label in ((0, "cpu"), (1, "mem")):
            needs = [(f.need(cls[c][0], h)[r], bound[(c, h)], c) for c in cs]
            if sum(n * m for n, m, c in needs) <= f.cap[h][r]:
                continue          # every candidate fits at once
            most = min(most, most_vms(needs, f.cap[h][r]))
            g = 0
            for n, m, c in needs:
                g = math.gcd(g, n)
            out.append(" %s_%d:" % (label, h))
            out += ["  + %d %s" % (n // g, name[(c, h)]) for n, m, c in needs]
            out.append("  <= %d" % (reachable(needs, f.cap[h][r]) // g))
        if count_rows and most < sum(bound[(c, h)] for c in cs):
            # No more VMs than the smallest needs that fit: a cut the
            # relaxation, which fills a host with fractions of its largest
            # VMs, misses.
            out.append(" count_%d:" % h)
            out += ["  + " + name[(c, h)] for c in cs]
            out.append("  <= %d" % most)
    out.append("Bounds")
    out += ["  0 <= %s <= %d" % (name[col], bound[col]) for col in cols]
    out.append("General")
    out += ["  " + name[col] for col in cols] or ["  y_none"]
    out.append("End")
    with open(path, "w") as lp:
        lp.write("\n".join(out) + "\n")
    return cls, cols


def reachable(needs, cap):
    """The largest sum of needs (need, times at most, _) that is at most cap:
    a capacity the host cannot fill to the last unit is as good as this one,
    and the model's relaxation is tighter with it."""
    bits, mask = 1, (1 << (cap + 1)) - 1
    for n, m, _ in needs:
        for _ in range(m):
            if n == 0:
                break
            more = (bits | (bits << n)) & mask
            if more == bits:
                break
            bits = more
    return bits.bit_length() - 1


def most_vms(needs, cap):
    """The most VMs of needs (need, times at most, _) that fit in cap: the
    smallest ones."""
    count = 0
    for n, m, _ in sorted(needs):
        k = min(m, cap // n if n else m)
        count += k
        cap -= k * n
        if k < m:
            break
    return count


def match_class(f, vs, slots):
    """Gives each target host in slots (with repeats) a VM of vs that is not
    on it (augmenting paths); [(v, h)]. Such a matching exists when no host
    has more slots than the VMs not on it and there are no more slots than
    VMs (Hall's condition), as the model's bounds ensure."""
    owner = {}                 # slot -> v

    def augment(v, seen):
        for s, h in enumerate(slots):
            if s in seen or f.vms[v]["host"] == f.hosts[h]["name"]:
                continue
            seen.add(s)
            if s not in owner or augment(owner[s], seen):
                owner[s] = v
                return True
        return False

    for v in vs:
        if len(owner) == len(slots):
            break
        augment(v, set())
    if len(owner) != len(slots):
        raise SystemExit("optimum.py: a class's moves cannot be matched to its VMs")
    return [(v, slots[s]) for s, v in sorted(owner.items())]


def solve(lp_path, tmlim, workdir):
    """(status, objective, bound, values) from glpsol on lp_path."""
    sol = os.path.join(workdir, "sol.txt")
    log = os.path.join(workdir, "glpsol.log")
    with open(log, "w") as out:
        subprocess.run(["glpsol", "--lp", lp_path, "--tmlim", str(tmlim),
                        "--cuts", "-w", sol], stdout=out, stderr=subprocess.STDOUT,
                       check=False)
    with open(log) as f:
        text = f.read()
    if not os.path.exists(sol):
        sys.stderr.write(text)
        raise SystemExit("optimum.py: glpsol wrote no solution")
    values, status, obj = {}, None, None
    with open(sol) as f:
        for line in f:
            p = line.split()
            if p and p[0] == "s" and p[1] == "mip":
                status, obj = p[4], round(float(p[5]))
            elif p and p[0] == "j":
                values[int(p[1])] = round(float(p[2]))
    # The best bound B&B proved, from the last progress line: "... >= N".
    bound = None
    for m in re.finditer(r"mip =\s*(\S+)\s*<=\s*(\S+)", text):
        if m.group(2) != "tree":
            bound = float(m.group(2))
    return status, obj, bound, values


def main(argv):
    ap = argparse.ArgumentParser(prog="optimum.py", description=__doc__.split("\n\n")[1])
    ap.add_argument("--tmlim", type=int, default=120)
    ap.add_argument("--lp")
    ap.add_argument("--moves")
    ap.add_argument("fleet")
    a = ap.parse_args(argv[1:])
    if not shutil.which("glpsol"):
        sys.stderr.write("optimum.py: no glpsol: apt-get install -y glpk-utils\n")
        return 2
    f = fl.read_fleet(a.fleet)
    with tempfile.TemporaryDirectory() as tmp:
        lp = a.lp or os.path.join(tmp, "model.lp")
        cls, cols = write_lp(f, a.fleet, lp)
        if not cols:
            status, obj, bound, values = "o", 0, 0, {}
        else:
            # glpsol proves some fleets at once with the count rows and
            # struggles without them, and others the other way round: half
            # the time each. Both models have the same columns, so the best
            # solution of either is one, and the lower bound holds for both.
            half = max(1, a.tmlim // 2)
            status, obj, bound, values = solve(lp, half, tmp)
            if status != "o":
                write_lp(f, a.fleet, lp + ".2", count_rows=False)
                s2, o2, b2, v2 = solve(lp + ".2", half, tmp)
                if o2 is not None and (obj is None or o2 > obj):
                    obj, values = o2, v2
                if s2 == "o":
                    bound = o2
                elif bound is None or (b2 is not None and b2 < bound):
                    bound = b2
                if obj is not None and bound is not None and obj >= bound:
                    status = "o"
    slots = {}
    for j, x in values.items():
        c, h = cols[j - 1]
        slots.setdefault(c, []).extend([h] * x)
    chosen = [m for c in sorted(slots) for m in match_class(f, cls[c], slots[c])]
    moves = [(f.vms[v]["name"], f.vms[v]["host"], f.hosts[h]["name"]) for v, h in chosen]
    errors = fl.check_moves(f, moves)
    if errors or len(moves) != obj:
        sys.stderr.write("optimum.py: the solution does not hold: %d moves, objective %s\n"
                         % (len(moves), obj))
        sys.stderr.write("".join(e + "\n" for e in errors[:10]))
        return 2
    if a.moves:
        with open(a.moves, "w") as out:
            out.write("".join("%s %s %s\n" % m for m in moves))
    if status == "o":      # integer optimal
        print("optimum %d" % obj)
        return 0
    print("best %d bound %s" % (obj, "?" if bound is None else int(bound)))
    return 3


if __name__ == "__main__":
    sys.exit(main(sys.argv))
