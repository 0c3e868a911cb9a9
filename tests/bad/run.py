#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The adversarial (bad-input) corpus of migcheck, run from the project's root:

    python3 tests/bad/run.py build/bin/migcheck [--sanitizer] [--pending] [NAME...]

(sh tests/bad/run.sh BIN ... does the same.) Two tables of cases, one case a line,
fields separated by tabs, '#' lines and empty lines ignored:

  cases.tsv    NAME  ARGS  FIRST-STDERR-LINE
      The input is refused: migcheck must exit with status 2, print nothing on
      standard output, and print exactly FIRST-STDERR-LINE first on standard
      error (FILE:LINE:COL: error: WHAT for a file, "migcheck: error: WHAT" or a
      usage error for the command line).

  refused.tsv  NAME  ARGS  STDOUT-TEXT
      The input is valid but hostile, and the answer must fail closed: migcheck
      must exit with status 1 (the move is refused), print STDOUT-TEXT somewhere
      on standard output (the reason it was refused), and nothing on standard
      error.

ARGS are the arguments of migcheck, split as a POSIX shell would (quotes
allowed, no expansions). gen.sh writes the inputs too large to commit into
tests/bad/generated/ before the cases run.

Bounds, per case (the requirement: no input takes more than a second or more
than 256 MB):

  - wall time below 1 s. The time is measured around the child alone. The
    machine may be shared (ctest -j2), so a case over the bound is run a second
    time and fails only if it is over the bound both times;
  - peak resident memory (the child's ru_maxrss, from wait4) below 256 MiB.

A process still running after 10 times the time bound is killed (a hang).

Under AddressSanitizer and UndefinedBehaviorSanitizer (--sanitizer, which CTest
passes when MC_SANITIZE is on; also detected from the binary's symbols) the
program runs 2-3 times slower: the time bound is multiplied by 5. The memory
bound holds there too: ASan's quarantine of freed memory (256 MB by default,
which alone would reach the bound) is cut to 16 MB unless ASAN_OPTIONS names
its own, so that the figure is what the engine holds plus ASan's shadow and
red zones.

pending.tsv lists hostile inputs the engine does not yet keep within the
bounds (NAME ARGS NOTE); they are run only with --pending, which prints their
figures and never fails.

At the end the runner prints the number of cases by category, the slowest
cases and the largest peak RSS. It exits 0 when every case passes.
"""
import os
import resource
import shlex
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REL = os.path.relpath(HERE)            # tests/bad, as the messages name it
TIME_BOUND = 1.0                       # seconds of wall time per case
RSS_BOUND = 256 * 1024 * 1024          # bytes of peak resident memory per case
SANITIZER_TIME_FACTOR = 5
HANG_FACTOR = 10                       # killed after HANG_FACTOR * the time bound
MIN_CASES = 60


def read_table(name):
    """(lineno, NAME, ARGS, EXPECTED) for each case line of tests/bad/NAME."""
    path = os.path.join(HERE, name)
    if not os.path.exists(path):
        return []
    rows = []
    with open(path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) != 3:
                sys.exit(f"{REL}/{name}:{no}: a case has 3 fields separated by tabs, "
                         f"not {len(fields)}")
            rows.append((no, fields[0], fields[1], fields[2]))
    return rows


def is_sanitized(binary):
    try:
        with open(binary, "rb") as f:
            data = f.read()
    except OSError:
        return False
    return b"__asan_init" in data or b"__ubsan_handle_" in data


def category(name, args):
    """Which kind of hostile input a case holds, for the summary."""
    argv = shlex.split(args)
    if "pattern" in name or name.startswith("pat-"):
        return "patterns (pcre2 and Lua)"
    if argv and argv[0] == "import":
        return "importers"
    if name.startswith("cli-"):
        return "command line"
    if name.startswith("lua-"):
        return "Lua (policy files and rules)"
    if "-p" in argv:
        pol = argv[argv.index("-p") + 1]
        if pol.endswith(".lua"):
            return "Lua (policy files and rules)"
        if not pol.endswith("/policy/base.yaml"):
            return "YAML policies"
    return "inventories"


def run_once(binary, argv, hang_after, limit_as):
    """Runs binary argv once; returns (status, stdout, stderr, wall, cpu, maxrss)."""
    env = dict(os.environ, NO_COLOR="1")
    asan = env.get("ASAN_OPTIONS", "")
    if "quarantine_size_mb" not in asan:
        env["ASAN_OPTIONS"] = (asan + ":" if asan else "") + "quarantine_size_mb=16"

    start = time.monotonic()
    proc = subprocess.Popen([binary] + argv, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, start_new_session=True)
    if limit_as:
        # A guard for the machine, far above the bound: a runaway case
        # fails on its figures instead of swapping.
        try:
            resource.prlimit(proc.pid, resource.RLIMIT_AS, (limit_as, limit_as))
        except (OSError, ValueError):
            pass
    killed = []

    def kill():
        killed.append(True)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    timer = threading.Timer(hang_after, kill)
    timer.start()
    out_chunks, err_chunks = [], []
    t_out = threading.Thread(target=lambda: out_chunks.append(proc.stdout.read()))
    t_err = threading.Thread(target=lambda: err_chunks.append(proc.stderr.read()))
    t_out.start()
    t_err.start()
    _, wstatus, ru = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    timer.cancel()
    timer.join()
    t_out.join()
    t_err.join()
    proc.returncode = os.waitstatus_to_exitcode(wstatus)  # reaped above
    status = "hang" if killed else proc.returncode
    cpu = ru.ru_utime + ru.ru_stime
    return (status, out_chunks[0], err_chunks[0], wall, cpu, ru.ru_maxrss * 1024)


def main():
    args = [a for a in sys.argv[1:] if a]   # CTest passes "" for no option
    if not args or args[0].startswith("-"):
        sys.exit("usage: run.py BIN [--sanitizer] [--pending] [NAME...]")
    binary = args[0]
    flags = {a for a in args[1:] if a.startswith("--")}
    only = {a for a in args[1:] if not a.startswith("--")}
    sanitizer = "--sanitizer" in flags or os.environ.get("MC_BAD_SANITIZER") == "1" \
        or is_sanitized(binary)
    pending = "--pending" in flags
    time_bound = TIME_BOUND * (SANITIZER_TIME_FACTOR if sanitizer else 1)
    hang_after = time_bound * HANG_FACTOR
    limit_as = None if sanitizer else 4 << 30

    gen = ["sh", os.path.join(HERE, "gen.sh"), os.path.join(REL, "generated")]
    if pending:
        gen.append("pending")
    if subprocess.call(gen) != 0:
        print("bad input: gen.sh failed")
        return 1

    cases = [("exit2", r) for r in read_table("cases.tsv")]
    cases += [("refused", r) for r in read_table("refused.tsv")]
    if pending:
        cases += [("pending", r) for r in read_table("pending.tsv")]
    seen = set()
    for _, (no, name, _, _) in cases:
        if name in seen:
            sys.exit(f"bad input: case '{name}' is listed twice")
        seen.add(name)
    if only:
        cases = [c for c in cases if c[1][1] in only]

    failed = 0
    figures = []       # (wall, cpu, rss, name)
    by_category = {}
    counts = {"exit2": 0, "refused": 0, "pending": 0}
    for kind, (no, name, args_text, expected) in cases:
        argv = shlex.split(args_text)
        counts[kind] += 1
        if kind != "pending":
            cat = category(name, args_text)
            by_category[cat] = by_category.get(cat, 0) + 1
        status, out, err, wall, cpu, rss = run_once(binary, argv, hang_after, limit_as)
        if kind != "pending" and status != "hang" and wall >= time_bound:
            # once more: the machine may have been busy
            again = run_once(binary, argv, hang_after, limit_as)
            if again[3] < wall:
                status, out, err, wall, cpu, rss = again
        figures.append((wall, cpu, rss, name))
        if kind == "pending":
            print(f"PENDING {name}: exit {status}, {wall:.2f} s wall, {cpu:.2f} s CPU, "
                  f"{rss / 2**20:.0f} MiB peak RSS ({expected})")
            first = err.decode("utf-8", "replace").split("\n", 1)[0]
            if first:
                print(f"    {first[:200]}")
            continue
        problems = []
        first = err.decode("utf-8", "replace").split("\n", 1)[0]
        if status == "hang":
            problems.append(f"still running after {hang_after:.0f} s: killed")
        elif kind == "exit2":
            if status != 2:
                problems.append(f"exit status {status}, expected 2")
            if out:
                problems.append("standard output is not empty")
            if first != expected:
                problems.append(f"standard error begins\n    {first}\n  expected\n"
                                f"    {expected}")
        else:
            if status != 1:
                problems.append(f"exit status {status}, expected 1 (refused)")
            if expected.encode() not in out:
                problems.append(f"standard output does not say\n    {expected}")
            if err:
                problems.append(f"standard error is not empty; it begins\n    {first}")
        if wall >= time_bound and status != "hang":
            problems.append(f"took {wall:.2f} s (twice), over the bound of "
                            f"{time_bound:g} s")
        if rss >= RSS_BOUND:
            problems.append(f"peak RSS {rss / 2**20:.0f} MiB, over the bound of "
                            f"{RSS_BOUND >> 20} MiB")
        if problems:
            failed += 1
            for p in problems:
                print(f"FAIL {name}: {p}")

    total = counts["exit2"] + counts["refused"]
    print(f"bad input: {total} cases ({counts['exit2']} refused with exit 2, "
          f"{counts['refused']} fail-closed verdicts), {failed} failed")
    if by_category:
        print("  by category: " + ", ".join(f"{k} {v}" for k, v in
                                             sorted(by_category.items())))
    print(f"  bounds: wall < {time_bound:g} s, peak RSS < {RSS_BOUND >> 20} MiB"
          + (" (sanitizer build: time bound x5)" if sanitizer else ""))
    if figures:
        print("  slowest:")
        for wall, cpu, rss, name in sorted(figures, reverse=True)[:5]:
            print(f"    {wall:6.3f} s wall {cpu:6.3f} s CPU {rss / 2**20:7.1f} MiB  {name}")
        print("  largest peak RSS:")
        for rss, name in sorted(((f[2], f[3]) for f in figures), reverse=True)[:3]:
            print(f"    {rss / 2**20:7.1f} MiB  {name}")
    if not only and total < MIN_CASES:
        print(f"bad input: fewer than {MIN_CASES} cases")
        failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
