#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Validates `migcheck lint --format sarif` against the SARIF 2.1.0 schema.

Usage (from the project's root): python3 tests/lint/sarif.py BIN

Lints the whole lint corpus at once (errors and warnings of every id) and
the shipped policies (no result), and checks each log against
tests/schemas/sarif-2.1.0-rtm.5.json, then a few things the schema leaves
open: one run, every result's ruleId listed among the driver's rules.
"""
import glob
import json
import subprocess
import sys

import jsonschema


def lint(binary, paths):
    proc = subprocess.run([binary, "lint", "--format", "sarif", *paths],
                          capture_output=True, timeout=60, check=False,
                          env={"NO_COLOR": "1"})
    # 2 with a file that cannot be read (the corpus has one): the report
    # is written all the same, and names it.
    if proc.returncode not in (0, 1, 2) or not proc.stdout:
        sys.exit(f"lint exited {proc.returncode}: {proc.stderr.decode()}")
    return json.loads(proc.stdout)


def main():
    binary = sys.argv[1]
    with open("tests/schemas/sarif-2.1.0-rtm.5.json", encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.Draft4Validator(schema)
    corpus = sorted(glob.glob("tests/lint/policy/*")) + ["tests/lint/policy/missing.yaml"]
    shipped = sorted(glob.glob("policies/*.yaml") + glob.glob("policies/*.lua"))
    failed = 0
    for name, paths, want_results in (("corpus", corpus, True),
                                      ("shipped", shipped, False)):
        log = lint(binary, paths)
        errors = sorted(validator.iter_errors(log), key=str)
        for e in errors:
            print(f"FAIL {name}: {'/'.join(map(str, e.path))}: {e.message}")
        runs = log.get("runs", [])
        if len(runs) != 1:
            print(f"FAIL {name}: {len(runs)} runs, expected 1")
            failed += 1
            continue
        rules = [r["id"] for r in runs[0]["tool"]["driver"]["rules"]]
        results = runs[0]["results"]
        for r in results:
            if r["ruleId"] not in rules or rules[r["ruleIndex"]] != r["ruleId"]:
                print(f"FAIL {name}: ruleId {r['ruleId']} not among the rules")
                failed += 1
        if bool(results) != want_results:
            print(f"FAIL {name}: {len(results)} results")
            failed += 1
        failed += len(errors)
    print(f"sarif schema: {failed} failures")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
