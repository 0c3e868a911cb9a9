#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The engine's include rule (docs/architecture.md): a stage includes only
its own headers and those of the stages before it, and the CLI includes only
the public headers (engine/include/) and its own.

    python3 tests/layers/check.py [ENGINE_DIR]

Prints one line per include that breaks the rule, as FILE:LINE: error: ...,
and exits 1 if there is one; 0 when the tree keeps the rule.
`--self-test` copies the engine to a temporary directory, adds an include
that breaks the rule and one that names no header, and checks that both are
reported (so that this test can be seen to fail).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

# The stages in pipeline order. `include` holds the public headers, which
# every stage may include; `cli` is the program, above every stage.
STAGES = ["include", "util", "load", "policy", "lua", "eval", "fleet",
          "audit", "sources", "cli"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def stage_of(rel):
    head = rel.split("/", 1)[0]
    return head if head in STAGES and "/" in rel else None


def check(engine):
    errors = []
    for dirpath, _, names in sorted(os.walk(engine)):
        for name in sorted(names):
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, engine)
            stage = stage_of(rel)
            if stage is None:
                errors.append(f"{path}:1: error: not in a stage's folder "
                              f"({', '.join(STAGES)})")
                continue
            text = open(path, encoding="utf-8").read()
            for m in INCLUDE.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                target = m.group(1)
                where = f"{path}:{line}: error:"
                # A public header is named alone ("migcheck.h"), a CLI
                # header from the CLI alone, anything else by its stage.
                if "/" not in target:
                    own = os.path.join(os.path.dirname(path), target)
                    if os.path.exists(os.path.join(engine, "include", target)):
                        continue
                    if stage == "cli" and os.path.exists(own):
                        continue
                    errors.append(f"{where} '{target}' is neither a public "
                                  "header nor one of its own folder's "
                                  "(write it as STAGE/NAME.h)")
                    continue
                tstage = stage_of(target)
                if tstage is None or not os.path.exists(
                        os.path.join(engine, target)):
                    errors.append(f"{where} '{target}' names no header of "
                                  "the engine")
                    continue
                if stage == "cli" and tstage != "include":
                    errors.append(f"{where} the CLI includes '{target}', "
                                  "which is not a public header")
                elif STAGES.index(tstage) > STAGES.index(stage):
                    errors.append(f"{where} '{stage}' includes '{target}' "
                                  f"of the later stage '{tstage}'")
    return errors


def self_test(engine):
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "engine")
        shutil.copytree(engine, copy)
        if check(copy):
            print("self-test: the tree breaks the rule before any change")
            return 1
        with open(os.path.join(copy, "util", "arena.c"), "a") as f:
            f.write('#include "eval/eval.h"\n')
        with open(os.path.join(copy, "cli", "main.c"), "a") as f:
            f.write('#include "load/node.h"\n')
        errors = check(copy)
        want = ["'util' includes 'eval/eval.h' of the later stage 'eval'",
                "the CLI includes 'load/node.h', which is not a public header"]
        missed = [w for w in want if not any(w in e for e in errors)]
        if missed or len(errors) != len(want):
            print("self-test: expected", want, "got", errors)
            return 1
        # The command itself fails on such a tree, with status 1.
        rc = subprocess.run([sys.executable, __file__, copy],
                            capture_output=True).returncode
        if rc != 1:
            print(f"self-test: exit status {rc} on a broken tree, not 1")
            return 1
        print("self-test: both breaks reported")
        return 0


def main(argv):
    args = [a for a in argv[1:] if a != "--self-test"]
    engine = args[0] if args else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "engine")
    engine = os.path.normpath(engine)
    if "--self-test" in argv:
        return self_test(engine)
    errors = check(engine)
    for e in errors:
        print(e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
