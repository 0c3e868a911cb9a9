#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Validates documents against migcheck's JSON Schemas (schemas/).

Run from the project's root:
  validate.py [--migcheck BIN]
                         every golden JSON output of tests/cli against its
                         command's schema (and every inventory that import
                         and probe write, YAML too), every shipped YAML policy against
                         policy-1.json and every example inventory against
                         inventory-1.json; then documents the schemas must
                         refuse (tests/schemas/refused/), so that a schema
                         that accepts anything fails; with BIN, migcheck must
                         refuse the refused policies and inventories too
  validate.py --self-test  checks that this script's YAML reading types
                         scalars as migcheck does

YAML is read as migcheck reads it, the YAML 1.2 core schema
(docs/policy-language.md, "Scalars"): true/false, null/~/empty, decimal,
0x and 0o integers are typed; everything else, fractions included, is a
string.
"""
import glob
import json
import os
import re
import shlex
import subprocess
import sys

import jsonschema
import yaml

SCHEMAS = "schemas"


class CoreLoader(yaml.SafeLoader):
    """PyYAML's safe loader with the YAML 1.2 core schema's plain scalars."""


CoreLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag == "tag:yaml.org,2002:merge"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"))
CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"),
    ["~", "n", "N", ""])
CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"))


def construct_int(loader, node):
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def construct_bool(loader, node):
    return loader.construct_scalar(node).lower() == "true"


CoreLoader.add_constructor("tag:yaml.org,2002:int", construct_int)
CoreLoader.add_constructor("tag:yaml.org,2002:bool", construct_bool)


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=CoreLoader)


def load(path):
    if path.endswith(".json"):
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    return load_yaml(path)


# What each document of tests/schemas/refused/ (NAME.SCHEMA.EXT: a
# document SCHEMA-1.json must refuse) is refused for: words of the
# validator's message and, for a policy or an inventory, of migcheck's, so
# that both refuse it for the same, right reason.
REFUSED = {
    "checkpoints-negative.inventory.yaml": ("minimum", "whole number"),
    "host-without-name.inventory.yaml": ("'name' is a required", "needs a 'name'"),
    "key-typo.policy.yaml": ("'mach' was unexpected", "unknown key 'mach'"),
    "no-schema.check.json": ("'schema' is a required", None),
    "op-unknown.policy.yaml": ("'greater' is not one of", "unknown compare operator"),
    "rating-quarter.plan.json": ("multiple of 0.5", None),
    "remedy-sets-target.policy.yaml": ("does not match '^vm", "cannot use 'target.'"),
    "split-location.lint.json": ("'at' is a required", None),
    "top-key-typo.inventory.yaml": ("'host' was unexpected", "unknown key 'host'"),
}


def validator(name, defs=None):
    with open(os.path.join(SCHEMAS, name), encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    if defs:
        # A line of ndjson: one of the schema's $defs.
        schema = dict(schema["$defs"][defs], **{"$defs": schema["$defs"]})
    return jsonschema.Draft202012Validator(schema)


def errors_of(v, doc):
    return ["%s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(root)",
                        e.message) for e in v.iter_errors(doc)]


def output_schema(args):
    """The schema of a golden case's standard output, and $defs for ndjson,
    or None when its output is not JSON or an inventory."""
    if not args or "--help" in args or "-h" in args:
        return None
    cmd = args[0]
    fmt = None
    for i, a in enumerate(args):
        if a == "--format" and i + 1 < len(args):
            fmt = args[i + 1]
        elif a.startswith("--format="):
            fmt = a.split("=", 1)[1]
    if cmd in ("import", "probe") and fmt in (None, "yaml", "json"):
        return ("inventory-1.json", None)
    if fmt not in ("json", "ndjson"):
        return None
    if fmt == "ndjson" and cmd in ("plan", "diff"):
        return (cmd + "-1.json", "vm")
    if cmd == "plan" and "--assign" in args:
        return ("assign-1.json", None)
    return (cmd + "-1.json", None)


def main(migcheck):
    failed = 0
    checked = {}

    def check(name, defs, doc, what):
        nonlocal failed
        key = (name, defs)
        if key not in cache:
            cache[key] = validator(name, defs)
        errs = errors_of(cache[key], doc)
        checked[name] = checked.get(name, 0) + 1
        for e in errs[:5]:
            print("FAIL %s (%s): %s" % (what, name, e))
        failed += bool(errs)
    cache = {}

    for case in sorted(glob.glob("tests/cli/cases/*/")):
        with open(case + "args", encoding="utf-8") as f:
            args = shlex.split(f.read())
        with open(case + "status", encoding="utf-8") as f:
            which = output_schema(args) if f.read().strip() in ("0", "1") else None
        with open(case + "stdout", encoding="utf-8") as f:
            out = f.read()
        if not which or not out.strip():
            continue
        name, defs = which
        if defs or (args[0] == "check" and "ndjson" in args):
            docs = [json.loads(line) for line in out.splitlines() if line]
        elif out.startswith("{"):
            docs = [json.loads(out)]
        else:
            docs = [yaml.load(out, Loader=CoreLoader)]
        for doc in docs:
            check(name, defs, doc, case)

    for path in sorted(glob.glob("policies/*.yaml")):
        check("policy-1.json", None, load_yaml(path), path)
    for path in sorted(glob.glob("examples/*.yaml")):
        check("inventory-1.json", None, load_yaml(path), path)

    # Every schema must have been used, and must refuse what it should.
    for name in sorted(os.listdir(SCHEMAS)):
        if not checked.get(name):
            print("FAIL %s: no document was validated against it" % name)
            failed += 1
    refused = sorted(glob.glob("tests/schemas/refused/*"))
    if sorted(os.path.basename(p) for p in refused) != sorted(REFUSED):
        print("FAIL tests/schemas/refused/ and REFUSED name other files")
        failed += 1
    for path in refused:
        base = os.path.basename(path)
        name = base.split(".")[1] + "-1.json"
        want, said = REFUSED.get(base, ("?", None))
        errs = errors_of(validator(name), load(path))
        if not any(want in e for e in errs):
            print("FAIL %s: %s gives %s, not %r" % (path, name, errs or "no error",
                                                  want))
            failed += 1
        # What the policy and inventory schemas refuse, migcheck refuses too.
        if migcheck and name in ("policy-1.json", "inventory-1.json"):
            cmd = ([migcheck, "explain", path] if name == "policy-1.json" else
                   [migcheck, "plan", "-p", "policies/hyperv.yaml", "-i", path])
            run = subprocess.run(cmd, capture_output=True, text=True)
            if run.returncode != 2 or said not in run.stderr:
                print("FAIL %s: '%s' exits %d saying %r, not 2 and %r" %
                      (path, " ".join(cmd), run.returncode, run.stderr, said))
                failed += 1
    total = sum(checked.values())
    print("%d documents against %d schemas, %d failed" %
          (total, len(checked), failed))
    return 1 if failed else 0


def self_test():
    doc = yaml.load("a: 2.5\nb: yes\nc: 0x10\nd: ~\ne: True\nf: '7'\ng: 007\n"
                    "h: &x {k: 1}\ni: {<<: *x, l: 2}\n", Loader=CoreLoader)
    want = {"a": "2.5", "b": "yes", "c": 16, "d": None, "e": True, "f": "7",
            "g": 7, "h": {"k": 1}, "i": {"k": 1, "l": 2}}
    if doc != want:
        print("FAIL: read %r, expected %r" % (doc, want))
        return 1
    print("YAML core schema reading: ok")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(self_test())
    sys.exit(main(sys.argv[2] if sys.argv[1:2] == ["--migcheck"] else None))
