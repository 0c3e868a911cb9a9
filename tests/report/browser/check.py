#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every report of `migcheck report`, rendered in headless Chromium, run from
the project's root (CTest `report.browser`, through run.sh):

    check.py [--migcheck BIN] [--out DIR] [--screenshots DIR]

For each report of reports():
- `tidy -errors -q` reports no error (its warnings, if any, are printed);
- Chromium loads it with no console message: a page without script has none,
  so any message is a failure (that nothing is fetched is html.py's check:
  Chromium 156 does not log a file:// load that fails);
- the rendered DOM (as Chromium built it, not the file) has every section the
  report must have (tests/report/html.py's SECTIONS), in order, each with its
  <h2>;
- the page fits a window 1280 CSS pixels wide with no horizontal scrolling:
  the width of the laid-out document is not more than the viewport's (the
  window less its vertical scroll bar: only the screenshot hides it), and
  the same in a window 800 px wide;
- a 1280x800 screenshot (PNG; taller for docs/report.md's fleet report) and
  an A4 PDF are written, the PDF with at least
  a page per section (the print style sheet starts each on a new page).
And the checks can fail: reports spoilt one way each (mutants()) must fail,
with the message expected; the console capture must see a page's message.

--out DIR keeps the reports, PNGs and PDFs there (else a temporary
directory). --screenshots DIR copies the screenshots docs/report.md shows
into DIR (docs/images).

Exit status 0 when all holds, 1 when not, 77 (CTest's skip) when chromium or
tidy is not installed (1 then if MIGCHECK_REQUIRE_BROWSER=1, as in CI).
"""
import concurrent.futures
import html.parser
import importlib.util
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
SKIP = 77
# Each Chromium run gets this long before it is killed (a run takes 2-4 s).
TIMEOUT = 60
def load_html_py():
    # tests/report/html.py, under another name: `html` is also the standard
    # library's package, which html.parser below needs.
    spec = importlib.util.spec_from_file_location(
        'report_html', os.path.join(HERE, '..', 'html.py'))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


POLICY_SECTIONS = load_html_py().SECTIONS
FLEET_SECTIONS = load_html_py().FLEET_SECTIONS


# Screenshots are 1280 px wide and 800 high; the fleet report's in
# docs/report.md is taller, to show its first graph whole.
HEIGHT, FLEET_DOCS_HEIGHT = 800, 1600


def reports():
    """The reports rendered: (name, the arguments of `migcheck report`, the
    ids of the sections it must have, and for the reports docs/report.md
    shows, the height of the screenshot shown (else None)). A report of
    another kind is one more line."""
    out = []
    for f in sorted(os.listdir('policies')):
        if f.endswith(('.yaml', '.lua')):
            out.append((f, ['policy', 'policies/' + f], POLICY_SECTIONS, None))
    out.append(('scvmm-2008-r2-against',
                ['policy', 'policies/scvmm-2008-r2.yaml',
                 '--against', 'policies/scvmm-2008.yaml', '-i', 'examples/fleet.yaml'],
                POLICY_SECTIONS, HEIGHT))
    # Every example under hyperv.yaml, and every shipped policy with each
    # example its own tests read.
    pairs = {('hyperv.yaml', f) for f in os.listdir('examples') if f.endswith('.yaml')}
    for p in os.listdir('policies'):
        with open('policies/' + p, encoding='utf-8') as f:
            pairs |= {(p, e) for e in re.findall(r'\.\./examples/([\w-]+\.yaml)', f.read())}
    for p, e in sorted(pairs):
        name = 'fleet-%s-%s' % (re.sub(r'\.(yaml|lua)$', '', p), e[:-5])
        out.append((name, ['fleet', '-p', 'policies/' + p, '-i', 'examples/' + e],
                    FLEET_SECTIONS,
                    FLEET_DOCS_HEIGHT if name == 'fleet-vmware-evc-vmware-fleet' else None))
    out.append(('fleet-evacuation', ['fleet', '-p', 'policies/scvmm-2008.yaml', '-i',
                                     'examples/fleet.yaml', '--host', 'hv-west-01'],
                FLEET_SECTIONS, None))
    return out


def find_chromium():
    env = os.environ.get('CHROMIUM')
    if env:
        return shutil.which(env)
    for name in ('chromium', 'chromium-browser'):
        path = shutil.which(name)
        if path:
            return path
    return None


class Chromium:
    def __init__(self, exe, tmp):
        self.exe = exe
        self.tmp = tmp
        self.runs = 0

    def run(self, url, *args):
        """Runs headless Chromium on url with args; returns (stdout, the
        console messages). Each run has a fresh profile in the temporary
        directory; --no-sandbox only as root, where Chromium's sandbox
        refuses to start.

        The console: with --enable-logging=stderr --v=0 Chromium logs every
        console message of a page (console.*, uncaught exceptions, the
        browser's own warnings to the page) on standard error as
            [pid:tid:time:INFO:CONSOLE:LINE] "message", source: URL (LINE)
        (older versions: INFO:CONSOLE(LINE)). Its other log lines (D-Bus,
        GPU, sandbox) name no CONSOLE and are left out. That the capture
        works is itself checked on each run (self_test)."""
        self.runs += 1
        profile = tempfile.mkdtemp(prefix='profile-', dir=self.tmp)
        cmd = [self.exe, '--headless', '--user-data-dir=' + profile,
               '--enable-logging=stderr', '--v=0',
               '--disable-gpu', '--no-first-run', '--no-default-browser-check',
               '--disable-extensions', '--disable-background-networking',
               '--disable-component-update', '--disable-sync', '--mute-audio',
               '--force-device-scale-factor=1',
               '--allow-file-access-from-files']
        if os.geteuid() == 0:
            cmd.append('--no-sandbox')
        cmd += list(args) + [url]
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=TIMEOUT, cwd=self.tmp)
        except subprocess.TimeoutExpired:
            raise Failure('chromium did not finish within %d s: %s' % (TIMEOUT, ' '.join(cmd)))
        finally:
            shutil.rmtree(profile, ignore_errors=True)
        err = p.stderr.decode('utf-8', 'replace')
        console = [line for line in err.splitlines()
                   if re.search(r':INFO:CONSOLE[:(]', line)]
        if p.returncode != 0:
            raise Failure('chromium exited with %d:\n%s' % (p.returncode, err[-2000:]))
        return p.stdout.decode('utf-8', 'replace'), console


class Failure(Exception):
    pass


class Sections(html.parser.HTMLParser):
    """The <section id> elements of a serialized DOM, in order, each with the
    text of its first <h2>."""

    def __init__(self):
        super().__init__()
        self.found = []
        self.h2 = None

    def handle_starttag(self, tag, attrs):
        if tag == 'section':
            self.found.append([dict(attrs).get('id'), ''])
        elif tag == 'h2' and self.found and not self.found[-1][1]:
            self.h2 = []

    def handle_endtag(self, tag):
        if tag == 'h2' and self.h2 is not None:
            self.found[-1][1] = ' '.join(''.join(self.h2).split())
            self.h2 = None

    def handle_data(self, data):
        if self.h2 is not None:
            self.h2.append(data)


def png_size(path):
    with open(path, 'rb') as f:
        head = f.read(24)
    if head[:8] != b'\x89PNG\r\n\x1a\n' or head[12:16] != b'IHDR':
        raise Failure('%s: not a PNG' % path)
    return struct.unpack('>II', head[16:24])


def pdf_pages(path):
    """The page objects of a PDF (Chromium writes them uncompressed)."""
    with open(path, 'rb') as f:
        data = f.read()
    if not data.startswith(b'%PDF-'):
        raise Failure('%s: not a PDF' % path)
    return len(re.findall(rb'/Type\s*/Page(?![A-Za-z])', data))


def mutants():
    """The checks can fail: a report spoiled in one way each, (name, what is
    done to its text, what the failure must say). Only the harness renders
    them (the console, the sections and the widths), not the PNG and PDF."""
    return [
        ('no-lint-section',
         lambda t: re.sub(r'<section id="lint">.*?</section>', '', t, flags=re.S),
         ["the rendered DOM has the sections ['summary', 'words', 'rules', "
          "'kinds-fields', 'tests', 'impact']"]),
        ('too-wide',
         lambda t: t.replace('<main>', '<main><div style="width: 1500px">wide</div>', 1),
         ['in a 1280 px window the page is']),
        ('console-and-tidy',
         lambda t: t.replace('<main>', '<main><foo>x</foo><script>console.error("spoilt")</script>', 1),
         ['tidy finds errors', '"spoilt"']),
    ]


class Page:
    """A report to check, and what was found."""

    def __init__(self, name, args, sections, height=None, mutate=None, expected=()):
        self.name, self.args, self.sections = name, args, sections
        self.height = height or HEIGHT
        self.mutate, self.expected = mutate, expected
        self.path = self.url = None
        self.problems, self.notes, self.widths = [], [], []
        self.pdf_pages = 0


def make(page, migcheck, out):
    """Writes the report (spoilt, for a mutant) and runs tidy on it."""
    page.path = os.path.join(out, page.name + '.html')
    p = subprocess.run([migcheck, 'report'] + page.args + ['-o', page.path],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode != 0:
        page.problems.append('migcheck report %s: exit status %d\n%s'
                             % (' '.join(page.args), p.returncode, p.stdout.decode()))
        return
    if page.mutate:
        with open(page.path, encoding='utf-8') as f:
            text = page.mutate(f.read())
        with open(page.path, 'w', encoding='utf-8') as f:
            f.write(text)
    page.url = 'file://' + urllib.parse.quote(os.path.abspath(page.path))
    # tidy: exit status 2 on errors, 1 on warnings alone; the warnings are
    # printed, not failed on (there are none today).
    t = subprocess.run(['tidy', '-errors', '-q', page.path],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if t.returncode >= 2:
        page.problems.append('tidy finds errors:\n' + t.stdout.decode())
    elif t.stdout.strip():
        page.notes.append('tidy warnings:\n' + t.stdout.decode())


def render(chromium, page, out):
    """The page alone in a window 1280 px wide (and page.height high):
    screenshot, PDF, console."""
    png = os.path.join(out, page.name + '.png')
    pdf = os.path.join(out, page.name + '.pdf')
    for f in (png, pdf):
        if os.path.exists(f):
            os.unlink(f)
    _, console = chromium.run(page.url, '--window-size=1280,%d' % page.height,
                              '--hide-scrollbars',
                              '--screenshot=' + png,
                              '--print-to-pdf=' + pdf, '--no-pdf-header-footer')
    if console:
        page.problems.append('console messages:\n  ' + '\n  '.join(console))
    if not os.path.exists(png):
        page.problems.append('no screenshot written')
    elif png_size(png) != (1280, page.height):
        page.problems.append('screenshot %dx%d, expected 1280x%d'
                             % (png_size(png) + (page.height,)))
    if not os.path.exists(pdf):
        page.problems.append('no PDF written')
    else:
        page.pdf_pages = pdf_pages(pdf)
        if page.pdf_pages < len(page.sections):
            page.problems.append('the PDF has %d pages, expected at least %d (one per section)'
                                 % (page.pdf_pages, len(page.sections)))


def measure(chromium, pages):
    """Every page in harness.html, in one Chromium run: the widths and the
    rendered DOM of each, in a 1280 and an 800 px frame, and the console
    messages of each (a message names the URL of its frame; one that names
    none counts against every page)."""
    harness = 'file://' + urllib.parse.quote(os.path.join(HERE, 'harness.html'))
    query = '&'.join('src=' + urllib.parse.quote(p.url, safe='') for p in pages)
    dom, console = chromium.run(harness + '?' + query, '--window-size=1400,900', '--dump-dom')
    for line in console:
        owners = [p for p in pages if p.url in line] or pages
        for p in owners:
            p.problems.append('console message (in the frame):\n  ' + line)
    m = re.search(r'<pre id="result">(.*?)</pre>', dom, re.S)
    if not m or not m.group(1):
        raise Failure('the harness wrote no result:\n' + dom[-2000:])
    results = json.loads(html.unescape(m.group(1)))
    for page, result in zip(pages, results):
        for frame in ('w1280', 'w800'):
            r = result.get(frame, {})
            if 'error' in r or 'dom' not in r:
                page.problems.append('%s: the frame could not be read: %s' % (frame, r.get('error')))
                continue
            page.widths.append('%s: %d/%d' % (frame[1:], r['scrollWidth'], r['clientWidth']))
            if r['scrollWidth'] > r['clientWidth']:
                msg = ('in a %d px window the page is %d px wide: it scrolls sideways'
                       % (r['frameWidth'], r['scrollWidth']))
                msg += ''.join('\n    ' + w for w in r['wide'])
                page.problems.append(msg)
            parser = Sections()
            parser.feed(r['dom'])
            got = [sid for sid, _ in parser.found]
            if got != list(page.sections):
                page.problems.append('%s: the rendered DOM has the sections %s, expected %s'
                                     % (frame, got, list(page.sections)))
            for sid, h2 in parser.found:
                if not h2:
                    page.problems.append('%s: section %s has no <h2> in the rendered DOM'
                                         % (frame, sid))


def verdict(page):
    """The lines to print for a page; Failure when it fails (or, spoilt,
    when it does not fail as expected)."""
    if page.mutate:
        text = '\n'.join(page.problems)
        missing = [m for m in page.expected if m not in text]
        if not page.problems:
            raise Failure('the spoilt report passed')
        if missing:
            raise Failure('the spoilt report failed, but without %s:\n%s' % (missing, text))
        return ['fails as it should']
    if page.problems:
        raise Failure('\n'.join(page.problems))
    return ['%d sections, %d PDF pages, width/viewport %s'
            % (len(page.sections), page.pdf_pages, ', '.join(page.widths))] + page.notes


def self_test(chromium):
    """The console capture sees a page's console.error: without this, a
    Chromium that logs its console otherwise would pass every report."""
    page = os.path.join(HERE, 'console-error.html')
    _, console = chromium.run('file://' + urllib.parse.quote(page), '--dump-dom')
    if not any('expected console error' in line for line in console):
        raise Failure('the console capture missed console-error.html\'s message; '
                      'captured: %s' % console)
    return ['console capture sees console-error.html']


def png_chunks(data):
    pos = 8
    while pos < len(data):
        n, = struct.unpack('>I', data[pos:pos + 4])
        yield data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        pos += 12 + n


def png_chunk(kind, body):
    return (struct.pack('>I', len(body)) + kind + body
            + struct.pack('>I', zlib.crc32(kind + body) & 0xffffffff))


def optimise_png(src, dst):
    """Writes the PNG src to dst as an indexed-colour PNG when it has at most
    256 colours (a page of text has a few dozen; lossless), else as it is.
    Python's zlib and nothing else: no tool to install."""
    with open(src, 'rb') as f:
        data = f.read()
    ihdr = idat = b''
    for kind, body in png_chunks(data):
        if kind == b'IHDR':
            ihdr = body
        elif kind == b'IDAT':
            idat += body
    w, h, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', ihdr)
    bpp = {2: 3, 6: 4}.get(ctype)
    if depth != 8 or bpp is None or interlace:
        shutil.copyfile(src, dst)
        return
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(h):
        ft = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if ft == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif ft == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 255
        elif ft == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif ft == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pr) & 255
        rows.append(bytes(line))
        prev = line
    palette = {}
    out_rows = []
    for line in rows:
        idx = bytearray(w)
        for x in range(w):
            px = line[x * bpp:x * bpp + bpp]
            if bpp == 4 and px[3] != 255:
                shutil.copyfile(src, dst)
                return
            px = px[:3]
            if px not in palette:
                if len(palette) == 256:
                    shutil.copyfile(src, dst)
                    return
                palette[px] = len(palette)
            idx[x] = palette[px]
        out_rows.append(b'\0' + bytes(idx))
    plte = b''.join(sorted(palette, key=palette.get))
    png = (data[:8]
           + png_chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 3, 0, 0, 0))
           + png_chunk(b'PLTE', plte)
           + png_chunk(b'IDAT', zlib.compress(b''.join(out_rows), 9))
           + png_chunk(b'IEND', b''))
    with open(dst, 'wb') as f:
        f.write(png if len(png) < len(data) else data)


def main(argv):
    migcheck, out, shots = 'build/bin/migcheck', None, None
    i = 1
    while i < len(argv):
        if argv[i] in ('--migcheck', '--out', '--screenshots') and i + 1 < len(argv):
            val = argv[i + 1]
            if argv[i] == '--migcheck':
                migcheck = val
            elif argv[i] == '--out':
                out = val
            else:
                shots = val
            i += 2
        else:
            print(__doc__)
            return 2
    exe = find_chromium()
    missing = [n for n, found in (('chromium', exe), ('tidy', shutil.which('tidy'))) if not found]
    if missing:
        # CI sets MIGCHECK_REQUIRE_BROWSER=1: there, a skip would hide that
        # the test never ran.
        required = os.environ.get('MIGCHECK_REQUIRE_BROWSER') == '1'
        print('%s report.browser: %s not installed (Debian: apt-get install %s)'
              % ('FAIL' if required else 'SKIP', ' and '.join(missing), ' '.join(missing)))
        return 1 if required else SKIP
    os.environ.setdefault('SOURCE_DATE_EPOCH', '1700000000')
    migcheck = os.path.abspath(migcheck)
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix='migcheck-browser-') as tmp:
        if out is None:
            out = os.path.join(tmp, 'out')
        os.makedirs(out, exist_ok=True)
        chromium = Chromium(exe, tmp)
        fail = 0
        todo = reports()
        pages = [Page(name, args, secs, height) for name, args, secs, height in todo]
        pages += [Page('spoilt-' + name, ['policy', 'policies/scvmm-2008.yaml'],
                       POLICY_SECTIONS, None, mutate, expected)
                  for name, mutate, expected in mutants()]
        # Two at a time: a Chromium run is mostly waiting on its own start-up.
        # The harness renders every report in one run, beside a run per
        # report for its screenshot and PDF.
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(lambda p: make(p, migcheck, out), pages))
            made = [p for p in pages if p.url]
            jobs = [('harness', pool.submit(measure, chromium, made)),
                    ('console self-test', pool.submit(self_test, chromium))]
            jobs += [(p.name, pool.submit(render, chromium, p, out))
                     for p in made if not p.mutate]
            for name, job in jobs:
                try:
                    for line in job.result() or []:
                        print('ok   %s: %s' % (name, line))
                except Failure as e:
                    fail += 1
                    print('FAIL %s: %s' % (name, e))
        for p in pages:
            try:
                for line in verdict(p):
                    print('ok   %s: %s' % (p.name, line))
            except Failure as e:
                fail += 1
                print('FAIL %s: %s' % (p.name, e))
        if shots and not fail:
            os.makedirs(shots, exist_ok=True)
            for name, _, _, height in todo:
                if height:
                    dst = os.path.join(shots, 'report-%s.png' % name)
                    optimise_png(os.path.join(out, name + '.png'), dst)
                    print('wrote %s (%d bytes)' % (dst, os.path.getsize(dst)))
    print('report.browser: %d reports, %d Chromium runs, %d failed, %.1f s'
          % (len(todo), chromium.runs, fail, time.monotonic() - start))
    return 1 if fail else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
