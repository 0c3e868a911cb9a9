#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""fmt keeps what a policy says: for each YAML file given, `migcheck fmt`
of the file is laid out again as itself (idempotent), keeps every comment
of the file (the same text, in the same order), reads as the same YAML
events (PyYAML's parser, not libyaml's: an independent reading), and, for
a policy with tests, gives the same `migcheck test` report.

    check.py MIGCHECK FILE...
"""
import os
import subprocess
import sys
import tempfile

import yaml


def fmt(binary, data):
    r = subprocess.run([binary, "fmt", "-"], input=data, capture_output=True)
    if r.returncode != 0:
        raise AssertionError("fmt failed: " + r.stderr.decode(errors="replace"))
    return r.stdout


def comments(data):
    """The comments of a YAML text, in order: what lies between tokens
    (and in block scalar headers) from a '#' to the end of its line."""
    text = data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    starts = [0]
    for ln in lines:
        starts.append(starts[-1] + len(ln) + 1)
    found = []
    pos = 0
    for tok in yaml.scan(text):
        start = tok.start_mark.index
        found += gap_comments(text[pos:start])
        if isinstance(tok, yaml.ScalarToken) and tok.style in ("|", ">"):
            header = text[start:text.find("\n", start) if "\n" in text[start:] else len(text)]
            if "#" in header:
                found.append(header[header.index("#"):].rstrip())
            # the content ends where the token ends; the rest of its last
            # line, if any, is blanks
        pos = max(pos, tok.end_mark.index)
    return found


def gap_comments(gap):
    out = []
    for ln in gap.split("\n"):
        s = ln.strip(" \t")
        if s.startswith("#"):
            out.append(s.rstrip())
    return out


def events(data):
    out = []
    for ev in yaml.parse(data):
        d = [type(ev).__name__]
        for k in ("anchor", "tag", "implicit", "value", "style", "explicit"):
            if hasattr(ev, k):
                d.append((k, getattr(ev, k)))
        out.append(d)
    return out


def test_report(binary, path):
    r = subprocess.run([binary, "test", path], capture_output=True)
    return r.returncode, r.stdout.decode(errors="replace").replace(path, "POLICY")


def main():
    binary = sys.argv[1]
    failed = 0
    for path in sys.argv[2:]:
        data = open(path, "rb").read()
        try:
            once = fmt(binary, data)
            twice = fmt(binary, once)
            if once != twice:
                raise AssertionError("not idempotent: fmt(fmt(x)) != fmt(x)")
            if comments(data) != comments(once):
                raise AssertionError("comments differ:\n  %s\n  %s" %
                                     (comments(data), comments(once)))
            if events(data) != events(once):
                raise AssertionError("the YAML events differ")
            if "tests:" in data.decode("utf-8", "replace"):
                d = os.path.dirname(path) or "."
                fd, tmp = tempfile.mkstemp(prefix=".fmt-", suffix=".yaml", dir=d)
                try:
                    os.write(fd, once)
                    os.close(fd)
                    a = test_report(binary, path)
                    b = test_report(binary, tmp)
                    b = (b[0], b[1].replace(tmp, "POLICY"))
                    if a != b:
                        raise AssertionError("migcheck test differs:\n%s\n%s" % (a, b))
                finally:
                    os.unlink(tmp)
        except AssertionError as e:
            print("FAIL %s: %s" % (path, e))
            failed += 1
    print("fmt check: %d files, %d failed" % (len(sys.argv) - 2, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
