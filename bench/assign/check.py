#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench/assign/check.py FLEETDIR PLAN.json

Checks the JSON of `migcheck plan --assign --format json` (schemas/assign-1.json)
against the fleet in FLEETDIR (gen.py) and prints `placed N`. Replays the
moves in their order from the fleet's own numbers (bench/assign/fleet.py):
each must be one the policy allows, to a host other than the VM's own, and
leave every host within its CPU and memory capacity after what was placed
on it before; no VM may move twice, and moves and unplaced VMs together
must be every VM once, as the summary counts them. Exits 1, saying what is
wrong, when anything is.
"""

import json
import os
import sys

sys.dont_write_bytecode = True      # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleet as fl  # noqa: E402


def check(f, plan):
    """The list of what is wrong with plan for fleet f."""
    errors = []
    if plan.get("schema") != "schemas/assign-1.json":
        errors.append("schema is %r" % plan.get("schema"))
    moves = plan.get("moves", [])
    orders = [m.get("order") for m in moves]
    if orders != list(range(1, len(moves) + 1)):
        errors.append("the moves' orders are not 1 to %d" % len(moves))
    errors += fl.check_moves(f, [(m["vm"], m["from"], m["to"]) for m in moves])
    unplaced = [u["vm"] for u in plan.get("unplaced", [])]
    names = [m["vm"] for m in moves] + unplaced
    scope = [v["name"] for v in f.vms
             if plan.get("host") is None or v["host"] == plan["host"]]
    if sorted(names) != sorted(scope):
        errors.append("moves and unplaced are not every VM in scope once")
    s = plan.get("summary", {})
    want = {"vms": len(scope), "placed": len(moves), "unplaced": len(unplaced),
            "hosts": len(f.hosts)}
    for k, v in want.items():
        if s.get(k) != v:
            errors.append("summary.%s is %r, not %d" % (k, s.get(k), v))
    return errors


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: check.py FLEETDIR PLAN.json\n")
        return 2
    f = fl.read_fleet(argv[1])
    with open(argv[2]) as p:
        plan = json.load(p)
    errors = check(f, plan)
    for e in errors[:20]:
        sys.stderr.write("check.py: %s: %s\n" % (argv[2], e))
    if len(errors) > 20:
        sys.stderr.write("check.py: and %d more\n" % (len(errors) - 20))
    if errors:
        return 1
    print("placed %d" % len(plan["moves"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
