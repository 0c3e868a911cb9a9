#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""libvirt's own CPU tests as the judge of policies/libvirt-kvm.yaml.

Every DO_TEST_COMPARE, DO_TEST_UPDATE (its compare part), DO_TEST_GUESTCPU and
DO_TEST_BASELINE line of libvirt 9.0.0's tests/cputest.c for x86_64 and ppc64
is a case below, with the line it comes from. Each case is run as a user
would run migcheck: `migcheck import --from libvirt` for the hosts,
`migcheck import --from libvirt-domain` for the guests, then
`migcheck check --format json` or `migcheck baseline --format json`, and the
verdict is held against libvirt's:

  compare(H, C)  H is the target host. When C is a host CPU (it has <arch>),
                 C is the source host and the guest a host-passthrough domain
                 on it; when C is a guest CPU, the guest is C, running on a
                 copy of H. IDENTICAL or SUPERSET: the move is allowed;
                 INCOMPATIBLE: refused; ERROR: `migcheck import` exits 2 with
                 FILE:LINE:COL: error: on stderr and nothing on stdout.
  update         the compare part: compare(H, H+C), H+C being the guest CPU
                 libvirt's update made of C on H.
  guestcpu       cpuTestGuestCPU: 0 is allowed, -1 is refused (or an import
                 error). With a model list (cputest.c's *_list), the target is
                 H as `virsh domcapabilities` shows it, offering those models
                 (virCPUTranslate).
  baseline       each <cpu> of the input is a host; the features every host
                 has (`migcheck baseline`; with --migratable, its
                 migratable-features) must be those of libvirt's result,
                 which is imported as a host and baselined alone; the common
                 vendor too (x86), the common model (ppc64). A result of -1:
                 the hosts have no common vendor or model (or do not import).

DERIVED adds three cases made from the host-model update cases, for the
policy's reading of a host-model guest not yet expanded.

Imports are batched (one run for many files; a file whose import fails is
imported again alone, so that its error is its own); cases with the same
guest CPU on the same source share one guest and one `migcheck check`; the
checks and baselines run as many at once as there are processors.

The cases migcheck does not decide as libvirt does are EXCEPTIONS, each with
the libvirt rule migcheck does not model and where docs/policies.md justifies
it. The test fails when a case outside the list disagrees with libvirt, and
when a listed case agrees (the list must stay honest).

Usage: cputest.py --migcheck PATH [--policy FILE] [--data DIR] [-v]
The CPU map: $MIGCHECK_CPU_MAP, else /usr/share/libvirt/cpu_map (package
libvirt0); without one the test fails.

The XML files in cputestdata/ are libvirt's (LGPL-2.1-or-later): see README.md.
"""

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# (cputest.c line, test, arch, host, cpu, libvirt's result, models list)
# compare/update results are virCPUCompareResult names; guestcpu and
# baseline results are the int cputest.c expects (0 or -1). For baseline,
# "host" is the test's name and "cpu" which result file it is held against
# (flags 0: -result, EXPAND_FEATURES: -expanded, MIGRATABLE: -migratable).
CASES = [
    (1036, "compare", "x86_64", "host", "host", "IDENTICAL", None),
    (1037, "compare", "x86_64", "host", "host-better", "INCOMPATIBLE", None),
    (1038, "compare", "x86_64", "host", "host-worse", "SUPERSET", None),
    (1039, "compare", "x86_64", "host", "host-amd-fake", "INCOMPATIBLE", None),
    (1040, "compare", "x86_64", "host", "host-incomp-arch", "INCOMPATIBLE", None),
    (1041, "compare", "x86_64", "host", "host-no-vendor", "IDENTICAL", None),
    (1042, "compare", "x86_64", "host-no-vendor", "host", "INCOMPATIBLE", None),
    (1044, "compare", "ppc64", "host", "host", "IDENTICAL", None),
    (1045, "compare", "ppc64", "host", "host-better", "INCOMPATIBLE", None),
    (1046, "compare", "ppc64", "host", "host-worse", "INCOMPATIBLE", None),
    (1047, "compare", "ppc64", "host", "host-incomp-arch", "INCOMPATIBLE", None),
    (1048, "compare", "ppc64", "host", "host-no-vendor", "IDENTICAL", None),
    (1049, "compare", "ppc64", "host-no-vendor", "host", "INCOMPATIBLE", None),
    (1052, "compare", "x86_64", "host", "bogus-model", "ERROR", None),
    (1053, "compare", "x86_64", "host", "bogus-feature", "ERROR", None),
    (1054, "compare", "x86_64", "host", "min", "SUPERSET", None),
    (1055, "compare", "x86_64", "host", "pentium3", "SUPERSET", None),
    (1056, "compare", "x86_64", "host", "exact", "SUPERSET", None),
    (1057, "compare", "x86_64", "host", "exact-forbid", "INCOMPATIBLE", None),
    (1058, "compare", "x86_64", "host", "exact-forbid-extra", "SUPERSET", None),
    (1059, "compare", "x86_64", "host", "exact-disable", "SUPERSET", None),
    (1060, "compare", "x86_64", "host", "exact-disable2", "SUPERSET", None),
    (1061, "compare", "x86_64", "host", "exact-disable-extra", "SUPERSET", None),
    (1062, "compare", "x86_64", "host", "exact-require", "SUPERSET", None),
    (1063, "compare", "x86_64", "host", "exact-require-extra", "INCOMPATIBLE", None),
    (1064, "compare", "x86_64", "host", "exact-force", "SUPERSET", None),
    (1065, "compare", "x86_64", "host", "strict", "INCOMPATIBLE", None),
    (1066, "compare", "x86_64", "host", "strict-full", "IDENTICAL", None),
    (1067, "compare", "x86_64", "host", "strict-disable", "IDENTICAL", None),
    (1068, "compare", "x86_64", "host", "strict-force-extra", "IDENTICAL", None),
    (1069, "compare", "x86_64", "host", "guest", "SUPERSET", None),
    (1070, "compare", "x86_64", "host", "pentium3-amd", "INCOMPATIBLE", None),
    (1071, "compare", "x86_64", "host-amd", "pentium3-amd", "SUPERSET", None),
    (1072, "compare", "x86_64", "host-worse", "penryn-force", "IDENTICAL", None),
    (1073, "compare", "x86_64", "host-SandyBridge", "exact-force-Haswell", "IDENTICAL", None),
    (1075, "compare", "ppc64", "host", "guest-strict", "IDENTICAL", None),
    (1076, "compare", "ppc64", "host", "guest-exact", "INCOMPATIBLE", None),
    (1077, "compare", "ppc64", "host", "guest-legacy", "IDENTICAL", None),
    (1078, "compare", "ppc64", "host", "guest-legacy-incompatible", "INCOMPATIBLE", None),
    (1079, "compare", "ppc64", "host", "guest-legacy-bad", "ERROR", None),
    (1080, "compare", "ppc64", "host", "guest-compat-none", "IDENTICAL", None),
    (1081, "compare", "ppc64", "host", "guest-compat-valid", "IDENTICAL", None),
    (1082, "compare", "ppc64", "host", "guest-compat-bad", "ERROR", None),
    (1083, "compare", "ppc64", "host", "guest-compat-incompatible", "INCOMPATIBLE", None),
    (1087, "update", "x86_64", "host", "min", "IDENTICAL", None),
    (1088, "update", "x86_64", "host", "pentium3", "IDENTICAL", None),
    (1089, "update", "x86_64", "host", "guest", "SUPERSET", None),
    (1090, "update", "x86_64", "host", "host-model", "IDENTICAL", None),
    (1091, "update", "x86_64", "host", "host-model-nofallback", "IDENTICAL", None),
    (1092, "update", "x86_64", "host-invtsc", "host-model", "SUPERSET", None),
    (1096, "update", "ppc64", "host", "guest", "IDENTICAL", None),
    (1097, "update", "ppc64", "host", "guest-nofallback", "INCOMPATIBLE", None),
    (1098, "update", "ppc64", "host", "guest-legacy", "IDENTICAL", None),
    (1099, "update", "ppc64", "host", "guest-legacy-incompatible", "INCOMPATIBLE", None),
    (1100, "update", "ppc64", "host", "guest-legacy-bad", "ERROR", None),
    (1101, "update", "ppc64", "host", "guest-compat-none", "IDENTICAL", None),
    (1102, "update", "ppc64", "host", "guest-compat-valid", "IDENTICAL", None),
    (1103, "update", "ppc64", "host", "guest-compat-bad", "ERROR", None),
    (1104, "update", "ppc64", "host", "guest-compat-incompatible", "INCOMPATIBLE", None),
    (1107, "baseline", "x86_64", "incompatible-vendors", "result", -1, None),
    (1108, "baseline", "x86_64", "no-vendor", "result", 0, None),
    (1109, "baseline", "x86_64", "some-vendors", "result", 0, None),
    (1110, "baseline", "x86_64", "simple", "result", 0, None),
    (1111, "baseline", "x86_64", "simple", "expanded", 0, None),
    (1112, "baseline", "x86_64", "features", "result", 0, None),
    (1113, "baseline", "x86_64", "features", "expanded", 0, None),
    (1114, "baseline", "x86_64", "Westmere+Nehalem", "result", 0, None),
    (1115, "baseline", "x86_64", "Westmere+Nehalem", "migratable", 0, None),
    (1117, "baseline", "ppc64", "incompatible-vendors", "result", -1, None),
    (1118, "baseline", "ppc64", "no-vendor", "result", 0, None),
    (1119, "baseline", "ppc64", "incompatible-models", "result", -1, None),
    (1120, "baseline", "ppc64", "same-model", "result", 0, None),
    (1121, "baseline", "ppc64", "legacy", "result", -1, None),
    (1132, "guestcpu", "x86_64", "host", "guest", 0, None),
    (1133, "guestcpu", "x86_64", "host-better", "pentium3", 0, None),
    (1134, "guestcpu", "x86_64", "host-worse", "guest", 0, None),
    (1135, "guestcpu", "x86_64", "host", "strict-force-extra", 0, None),
    (1136, "guestcpu", "x86_64", "host", "penryn-force", 0, None),
    (1137, "guestcpu", "x86_64", "host", "guest", 0, "model486"),
    (1138, "guestcpu", "x86_64", "host", "guest", 0, "models"),
    (1139, "guestcpu", "x86_64", "host", "guest", -1, "nomodel"),
    (1140, "guestcpu", "x86_64", "host", "guest-nofallback", -1, "models"),
    (1141, "guestcpu", "x86_64", "host", "host+host-model", 0, "models"),
    (1142, "guestcpu", "x86_64", "host", "host+host-model-nofallback", -1, "models"),
    (1143, "guestcpu", "x86_64", "host-Haswell-noTSX", "Haswell", 0, "haswell"),
    (1144, "guestcpu", "x86_64", "host-Haswell-noTSX", "Haswell-noTSX", 0, "haswell"),
    (1145, "guestcpu", "x86_64", "host-Haswell-noTSX", "Haswell-noTSX-nofallback", -1, "haswell"),
    (1146, "guestcpu", "x86_64", "host-Haswell-noTSX", "Haswell-noTSX", 0, None),
    (1148, "guestcpu", "ppc64", "host", "guest", 0, "ppc_models"),
    (1149, "guestcpu", "ppc64", "host", "guest-nofallback", -1, "ppc_models"),
    (1150, "guestcpu", "ppc64", "host", "guest-legacy", 0, "ppc_models"),
    (1151, "guestcpu", "ppc64", "host", "guest-legacy-incompatible", -1, "ppc_models"),
    (1152, "guestcpu", "ppc64", "host", "guest-legacy-bad", -1, "ppc_models"),
]

# Cases derived from cputest.c's update cases of host-model guests, for the
# policy's reading of a host-model guest not yet expanded (its host's
# features less those libvirt never migrates): that guest, on host H, must
# be allowed onto a host that offers exactly what libvirt expanded it into
# (H+C read as a host CPU). Their key is "LINE-host-model".
DERIVED = [
    (1090, "host-model", "x86_64", "host", "host-model", "IDENTICAL", None),
    (1091, "host-model", "x86_64", "host", "host-model-nofallback", "IDENTICAL", None),
    (1092, "host-model", "x86_64", "host-invtsc", "host-model", "IDENTICAL", None),
]

# The cases migcheck decides otherwise, by cputest.c line: the libvirt rule
# it does not model, and the section of docs/policies.md that says why.
POLICIES_MD = "docs/policies.md#libvirt-kvm-what-migcheck-does-not-model"
EXCEPTIONS = {
    1047: ("ppc64Compute stops at the architecture (x86_64) before it looks "
           "the model up; `migcheck import` refuses the CPU first: POWER7 is "
           "no model of the x86 CPU map", POLICIES_MD),
}


class Migcheck:
    """Runs migcheck; counts the runs."""

    def __init__(self, path, cpu_map, verbose):
        self.path = path
        self.cpu_map = cpu_map
        self.verbose = verbose
        self.runs = 0           # counted in the main thread's calls and the pool's

    def run(self, args):
        self.runs += 1
        if self.verbose:
            print("  $ migcheck " + " ".join(args), file=sys.stderr)
        p = subprocess.run([self.path] + args, capture_output=True, text=True)
        return p.returncode, p.stdout, p.stderr

    def run_all(self, arglists):
        """Runs independent commands, as many at once as there are
        processors; their results in the order given."""
        with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
            return list(pool.map(self.run, arglists))

    def imp(self, fmt, files, extra=()):
        return self.run(["import", "--from", fmt, "--cpu-map", self.cpu_map]
                        + list(extra) + list(files))


def is_host_cpu(path):
    """A host CPU holds <arch>, as virCPUDefParseXML's VIR_CPU_TYPE_AUTO reads it."""
    root = ET.parse(path).getroot()
    return root.tag == "cpu" and root.find("arch") is not None


def import_error_ok(rc, out, err):
    """ERROR: exit 2, FILE:LINE:COL: error: on stderr, nothing on stdout."""
    return rc == 2 and out == "" and re.search(r"^[^:\n]+:\d+:\d+: error: ", err, re.M)


class Run:
    def __init__(self, mc, policy, data, tmp):
        self.mc = mc
        self.policy = policy
        self.data = data
        self.tmp = tmp

    def file(self, arch, name):
        return os.path.join(self.data, "%s-%s.xml" % (arch, name))

    def copy(self, src, name):
        dst = os.path.join(self.tmp, name + ".xml")
        shutil.copyfile(src, dst)
        return dst

    def write(self, name, text):
        dst = os.path.join(self.tmp, name + ".xml")
        with open(dst, "w") as f:
            f.write(text)
        return dst

    def import_batch(self, fmt, files, extra=()):
        """Imports files in one run. When that fails, the files its errors
        name are imported alone (so that each error is its own) and the
        others together again. Returns (yaml texts, {file: (rc, out, err)}
        of the files that failed)."""
        rc, out, err = self.mc.imp(fmt, files, extra)
        if rc == 0:
            return [out], {}
        named = [f for f in files if re.search("^" + re.escape(f) + r":\d+:\d+: ", err, re.M)]
        if not named or len(files) == 1:
            named = files
        texts, failed = [], {}
        for f in named:
            rc, out, err = self.mc.imp(fmt, [f], extra) if len(files) > 1 else (rc, out, err)
            if rc == 0:
                texts.append(out)
            else:
                failed[f] = (rc, out, err)
        rest = [f for f in files if f not in named]
        if rest:
            t, fl = self.import_batch(fmt, rest, extra)
            texts += t
            failed.update(fl)
        return texts, failed


def merge(texts, key):
    """Imported inventories of hosts or VMs, as one YAML text (the lists
    concatenated under one key)."""
    body = []
    for t in texts:
        lines = t.splitlines()
        started = False
        for line in lines:
            if line.startswith(key + ":"):
                started = True
                rest = line[len(key) + 1:].strip()
                if rest not in ("", "[]"):
                    raise SystemExit("cannot merge an inventory written as %r" % line)
                continue
            if started:
                body.append(line)
    return key + ":" + ("\n" + "\n".join(body) if body else " []") + "\n"


# What `virsh capabilities` does not say and an admin adds to each imported
# host (docs/import/libvirt.md): the QEMU version and the host's status. Every
# host gets the same, so that only the CPUs decide.
QEMU = ["product: QEMU/KVM", "version: '7.2.0'"]
STATUS = ("status: { connection: responding, virtualization_service: running, "
          "available_for_placement: true }")


def host_facts(text):
    """The imported hosts, each with QEMU and STATUS added: after its name,
    or QEMU inside the hypervisor: block a host from domcapabilities has."""
    out = []
    for line in text.splitlines():
        out.append(line)
        m = re.match(r"^(\s*)- name: ", line)
        if m:
            out.append(m.group(1) + "  " + STATUS)
            out.append(m.group(1) + "  hypervisor: { %s }" % ", ".join(QEMU))
            continue
        m = re.match(r"^(\s+)hypervisor:\s*$", line)
        if m:
            # the block of the host: its flow-style hypervisor: line goes
            del out[-1]
            at = max(i for i, l in enumerate(out) if l.strip().startswith("hypervisor: {"))
            del out[at]
            out.append(line)
            out += [m.group(1) + "  " + q for q in QEMU]
    return "\n".join(out) + "\n"


# The CPU models cputest.c gives the hypervisor (its *_list arrays).
MODELS = {
    "model486": ["486"],
    "nomodel": ["nomodel"],
    "models": ["qemu64", "core2duo", "Nehalem"],
    "haswell": ["SandyBridge", "Haswell"],
    "ppc_models": ["POWER6", "POWER7", "POWER8"],
}


def as_domcaps(run, arch, host_file, models, name):
    """The host CPU of host_file as `virsh domcapabilities` shows it: its
    model, vendor and features as the host-model CPU, and models as the
    custom mode's models."""
    cpu = ET.parse(host_file).getroot()
    lines = ["<domainCapabilities>", "  <domain>kvm</domain>",
             "  <arch>%s</arch>" % cpu.findtext("arch"), "  <cpu>",
             "    <mode name='host-model' supported='yes'>",
             "      <model fallback='forbid'>%s</model>" % cpu.findtext("model")]
    if cpu.find("vendor") is not None:
        lines.append("      <vendor>%s</vendor>" % cpu.findtext("vendor"))
    for f in cpu.findall("feature"):
        lines.append("      <feature policy='require' name='%s'/>" % f.get("name"))
    lines += ["    </mode>", "    <mode name='custom' supported='yes'>"]
    lines += ["      <model usable='yes'>%s</model>" % m for m in models]
    lines += ["    </mode>", "  </cpu>", "</domainCapabilities>"]
    return run.write(name, "\n".join(lines) + "\n")


def moves(run, cases):
    """compare, update and guestcpu cases: {key: (verdict, detail)}, the
    verdict being 'allowed', 'refused' or 'error'. Cases with the same guest
    CPU on the same source host share one guest, checked once against every
    target of those cases."""
    results = {}
    by_arch = {}
    for c in cases:
        by_arch.setdefault(c[2], []).append(c)
    for arch, acases in by_arch.items():
        target_files, source_files = {}, {}
        guests = {}           # (source, guest CPU file) -> guest name
        host_vms = {}         # source host name -> [guest files]
        plan = {}             # guest name -> [(case key, source, target host)]
        for line, test, _, host, cpu, expected, models in acases:
            key = case_key(line, test)
            hfile = run.file(arch, host)
            if test == "guestcpu" and models:
                # the target as `virsh domcapabilities` shows it, offering
                # the case's CPU models (virCPUTranslate)
                src = "src-%s-%s" % (arch, host)
                source_files[src] = hfile
                host = host + "," + models
                target_files[host] = as_domcaps(run, arch, hfile, MODELS[models],
                                                "%s-%s" % (arch, host))
                cfile = run.file(arch, cpu)
            elif test == "host-model":
                # the target: what libvirt expanded the guest into, as a host
                src = "src-%s-%s" % (arch, host)
                source_files[src] = hfile
                host = host + "+" + cpu
                target_files[host] = as_host(run, arch, run.file(arch, host),
                                             "%s-%s" % (arch, host))
                cfile = run.file(arch, cpu)
            else:
                target_files[host] = hfile
                cfile = run.file(arch, host + "+" + cpu if test == "update" else cpu)
                if is_host_cpu(cfile):
                    # the source is C; the guest host-passthrough on it
                    src = "src-%s-%s" % (arch, os.path.basename(cfile)[len(arch) + 1:-4])
                    source_files[src] = cfile
                else:
                    src = "src-%s-%s" % (arch, host)
                    source_files[src] = hfile
            if (src, cfile) not in guests:
                vm = "vm%d" % (len(guests) + 1)
                guests[(src, cfile)] = vm
                if is_host_cpu(cfile):
                    guest = run.write(vm, "<domain type='kvm' id='1'>\n"
                                          "  <name>%s</name>\n"
                                          "  <os><type arch='%s'>hvm</type></os>\n"
                                          "  <cpu mode='host-passthrough'/>\n"
                                          "</domain>\n"
                                      % (vm, ET.parse(cfile).getroot().findtext("arch")))
                else:
                    guest = run.copy(cfile, vm)
                host_vms.setdefault(src, []).append(guest)
            plan.setdefault(guests[(src, cfile)], []).append((key, src, host))
        files = [f if os.path.dirname(f) == run.tmp else run.copy(f, "%s-%s" % (arch, h))
                 for h, f in target_files.items()]
        files += [run.copy(f, src) for src, f in source_files.items()]
        texts, failed = run.import_batch("libvirt", files)
        host_failed = {os.path.basename(f)[:-4]: e for f, e in failed.items()}
        vm_texts, vm_failed = [], {}
        for src, doms in host_vms.items():
            if src in host_failed:
                continue
            t, fl = run.import_batch("libvirt-domain", doms,
                                     ["--host", src, "--state", "running"])
            vm_texts += t
            vm_failed.update({os.path.basename(f)[:-4]: e for f, e in fl.items()})
        inv = os.path.join(run.tmp, "inventory-%s.yaml" % arch)
        with open(inv, "w") as f:
            f.write(host_facts(merge(texts, "hosts")))
            f.write(merge(vm_texts, "vms"))
        jobs = []
        for vm, vcases in plan.items():
            todo = []
            for key, src, host in vcases:
                target = "%s-%s" % (arch, host)
                for name in (vm, src, target):
                    e = vm_failed.get(name) or host_failed.get(name)
                    if e:
                        results[key] = ("error" if import_error_ok(*e) else "bad-error",
                                        (e[2].strip().splitlines() or ["exit %d" % e[0]])[0])
                        break
                else:
                    todo.append((key, target))
            if not todo:
                continue
            args = ["check", "-p", run.policy, "-i", inv, "--vm", vm, "--format", "json"]
            if len(todo) == 1:
                args += ["--to", todo[0][1]]
            jobs.append((todo, args))
        for (todo, _), (rc, out, err) in zip(jobs, run.mc.run_all([a for _, a in jobs])):
            if rc not in (0, 1):
                for key, _ in todo:
                    results[key] = ("check-failed", err.strip())
                continue
            hosts = {h["name"]: h for h in json.loads(out)["hosts"]}
            for key, target in todo:
                h = hosts[target]
                detail = "; ".join("%s: %s" % (v["rule"], v["message"]) for v in h["violations"])
                results[key] = ("allowed" if h["allowed"] else "refused", detail)
    return results


def case_key(line, test):
    return "%d-%s" % (line, test) if test == "host-model" else line


def as_host(run, arch, path, name):
    """libvirt's guest CPU at path (a model and required features, as its
    update and baseline results are) written as a host CPU of arch."""
    res = ET.parse(path).getroot()
    host = ET.Element("cpu")
    ET.SubElement(host, "arch").text = arch
    for tag in ("model", "vendor"):
        if res.findtext(tag):
            ET.SubElement(host, tag).text = res.findtext(tag)
    for feat in res.findall("feature"):
        if feat.get("policy", "require") not in ("require", "force"):
            raise SystemExit("%s: a feature with policy %s" % (path, feat.get("policy")))
        ET.SubElement(host, "feature", name=feat.get("name"))
    return run.write(name, ET.tostring(host, encoding="unicode"))


def baselines_of(run, inventories):
    """{name: inventory text} -> {name: {field: (state, value or reason)}}:
    `migcheck baseline` of each inventory (all of its hosts), the state being
    'value', 'differ' (the hosts disagree) or 'missing'."""
    names = list(inventories)
    argss = []
    for name in names:
        inv = os.path.join(run.tmp, name + ".yaml")
        with open(inv, "w") as f:
            f.write(inventories[name])
        argss.append(["baseline", "-p", run.policy, "-i", inv, "--format", "json"])
    out_by_name = {}
    for name, args, (rc, out, err) in zip(names, argss, run.mc.run_all(argss)):
        if rc not in (0, 1):
            raise SystemExit("migcheck baseline failed on %s: %s" % (args[4], err))
        fields = {}
        for f in json.loads(out)["fields"]:
            if "value" in f and f["value"] is not None:
                fields[f["field"]] = ("value", f["value"])
            else:
                differ = "no value" not in f.get("reason", "")
                fields[f["field"]] = ("differ" if differ else "missing", f.get("reason"))
        out_by_name[name] = fields
    return out_by_name


def split_hosts(texts):
    """The host records of imported inventories, by name: each record's
    lines, from its `- name:` to the next."""
    hosts, cur = {}, None
    for line in merge(texts, "hosts").splitlines()[1:]:
        m = re.match(r'^\s*- name: "?([^"]*)"?\s*$', line)
        if m:
            cur = hosts.setdefault(m.group(1), [])
        if cur is not None:
            cur.append(line)
    return {name: "\n".join(lines) + "\n" for name, lines in hosts.items()}


def baselines(run, cases):
    """Every <cpu> of every case and every result, imported in one run (the
    files that fail alone), then one baseline of each case's hosts and one of
    its result."""
    results, members, files, rfiles = {}, {}, [], {}
    for line, _, arch, name, flavour, expected, _ in cases:
        root = ET.parse(run.file(arch, "baseline-" + name)).getroot()
        members[line] = []
        for i, cpu in enumerate(root.findall("cpu")):
            host = "b%d-%d" % (line, i)
            files.append(run.write(host, ET.tostring(cpu, encoding="unicode")))
            members[line].append(host)
        if expected == 0:
            # libvirt's result, as a host: its model and required features
            rfiles[line] = as_host(run, arch, run.file(arch, "baseline-%s-%s" % (name, flavour)),
                                   "r%d" % line)
    texts, failed = run.import_batch("libvirt", files + list(rfiles.values()))
    hosts = split_hosts(texts)
    failed = {os.path.basename(f)[:-4]: e for f, e in failed.items()}
    inventories = {}
    for line, _, arch, name, flavour, expected, _ in cases:
        if any(h in failed for h in members[line]):
            continue
        inventories["b%d" % line] = host_facts(
            "hosts:\n" + "".join(hosts[h] for h in members[line]) + "vms: []\n")
        if expected == 0:
            if "r%d" % line in failed:
                raise SystemExit("cannot import libvirt's result %s: %s"
                                 % (rfiles[line], failed["r%d" % line][2]))
            inventories["r%d" % line] = host_facts("hosts:\n" + hosts["r%d" % line] + "vms: []\n")
    folded = baselines_of(run, inventories)
    for line, _, arch, name, flavour, expected, _ in cases:
        errors = [failed[h] for h in members[line] if h in failed]
        if errors:
            e = errors[0]
            results[line] = ("error" if import_error_ok(*e) else "bad-error", e[2].strip())
            continue
        got = folded["b%d" % line]
        key = "vendor" if arch == "x86_64" else "power-model"
        if expected < 0:
            verdict = "incompatible" if got[key][0] == "differ" else "compatible"
            results[line] = (verdict, "%s: %s" % (key, got[key]))
            continue
        want = folded["r%d" % line]
        diffs = []
        # --migratable: the features a host-model guest migrates with
        fkey = "migratable-features" if flavour == "migratable" else "features"
        if got[fkey] != want["features"]:
            g = set(got[fkey][1]) if got[fkey][0] == "value" else set()
            w = set(want["features"][1]) if want["features"][0] == "value" else set()
            diffs.append("%s: migcheck only %s, libvirt only %s"
                         % (fkey, sorted(g - w), sorted(w - g)))
        gv = got[key][1] if got[key][0] == "value" else None
        wv = want[key][1] if want[key][0] == "value" else None
        if gv != wv:
            diffs.append("%s: migcheck %s, libvirt %s" % (key, gv, wv))
        results[line] = ("incompatible", "; ".join(diffs)) if diffs else ("compatible", "")
    return results


def expected_verdict(test, expected):
    if test in ("compare", "update", "host-model"):
        return {"IDENTICAL": "allowed", "SUPERSET": "allowed",
                "INCOMPATIBLE": "refused", "ERROR": "error"}[expected]
    if test == "guestcpu":
        return "allowed" if expected == 0 else ("refused", "error")
    return "compatible" if expected == 0 else ("incompatible", "error")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--migcheck", required=True)
    ap.add_argument("--policy", default=os.path.join(ROOT, "policies", "libvirt-kvm.yaml"))
    ap.add_argument("--data", default=os.path.join(HERE, "cputestdata"))
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    cpu_map = os.environ.get("MIGCHECK_CPU_MAP") or "/usr/share/libvirt/cpu_map"
    if not os.path.isfile(os.path.join(cpu_map, "index.xml")):
        print("FAIL: no libvirt CPU map at %s: install libvirt0 (Debian/Ubuntu) or "
              "set MIGCHECK_CPU_MAP to a cpu_map directory" % cpu_map, file=sys.stderr)
        return 1

    mc = Migcheck(os.path.abspath(args.migcheck), cpu_map, args.verbose)
    for fmt, name in (("libvirt", "x86_64-host"), ("libvirt-domain", "x86_64-min")):
        extra = ["--host", "h"] if fmt == "libvirt-domain" else []
        rc, out, err = mc.imp(fmt, [os.path.join(args.data, name + ".xml")], extra)
        if rc != 0 or "features" not in out:
            print("FAIL: `migcheck import --from %s --cpu-map %s` does not import %s.xml "
                  "with its model expanded (exit %d): %s"
                  % (fmt, cpu_map, name, rc, err.strip()), file=sys.stderr)
            return 1

    tmp = tempfile.mkdtemp(prefix="migcheck-cputest-")
    try:
        run = Run(mc, os.path.abspath(args.policy), args.data, tmp)
        results = moves(run, [c for c in CASES + DERIVED if c[1] != "baseline"])
        results.update(baselines(run, [c for c in CASES if c[1] == "baseline"]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    failures = 0
    for line, test, arch, host, cpu, expected, models in CASES + DERIVED:
        want = expected_verdict(test, expected)
        got, detail = results[case_key(line, test)]
        agrees = got == want or (isinstance(want, tuple) and got in want)
        label = "cputest.c:%d %s(%s) %s/%s%s -> libvirt %s, migcheck %s" % (
            line, test, arch, host, cpu, "," + models if models else "", expected, got)
        if test == "host-model":
            label = "derived from " + label
        if case_key(line, test) in EXCEPTIONS:
            if agrees:
                failures += 1
                print("FAIL %s: listed as an exception, but migcheck agrees: "
                      "take it off EXCEPTIONS" % label)
            elif args.verbose:
                print("exception %s (%s)" % (label, EXCEPTIONS[line][0]))
            continue
        if agrees:
            if args.verbose:
                print("ok   %s" % label)
        else:
            failures += 1
            print("FAIL %s%s" % (label, ": " + detail if detail else ""))
    unknown = set(EXCEPTIONS) - {c[0] for c in CASES}
    for line in sorted(unknown):
        failures += 1
        print("FAIL exception cputest.c:%d is no case" % line)
    print("%d cases of cputest.c and %d derived, %d exceptions, %d failures, %d migcheck runs"
          % (len(CASES), len(DERIVED), len(EXCEPTIONS), failures, mc.runs))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
