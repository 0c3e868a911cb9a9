#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reads the HTML of `migcheck report policy` and `report fleet` as XML (it is
XHTML-compatible), for tests/report/run.sh:

    html.py text FILE              the text of each section, by its id
    html.py check FILE             well-formed, and the shape docs/report.md gives
    html.py fleetcheck FILE [DOT]  the same for a fleet report, and its graphs'
                                   moves join their classes' boxes and cross none
                                   (and with DOT, what edges checks)
    html.py edges FILE DOT         the graphs' moves equal `matrix --format dot`'s
    html.py heat FILE MATRIX.json  the heat map agrees with `matrix --format json`
    html.py evac FILE ASSIGN.json  the evacuation equals `plan --assign --format json`
    html.py diff FILE DIFF.json    the fleet impact equals `diff --format json`
    html.py coverage FILE TEST.json  the coverage equals `test --coverage --format json`
    html.py selftest               fleetcheck's geometry fails a move over a box

Exit status 0 when it holds, 1 (with the reason) when not.
"""
import json
import re
import sys
import xml.etree.ElementTree as ET

NS = '{http://www.w3.org/1999/xhtml}'
SVG = '{http://www.w3.org/2000/svg}'
BLOCKS = {'h1', 'h2', 'h3', 'p', 'li', 'caption', 'dt', 'dd', 'tr', 'ul', 'ol',
          'table', 'thead', 'tbody', 'dl', 'section', 'header', 'main',
          'title', 'desc', 'text'}
SECTIONS = ['summary', 'words', 'rules', 'kinds-fields', 'tests', 'lint', 'impact']
FLEET_SECTIONS = ['summary', 'classes', 'heat', 'baselines', 'unplaced', 'evacuation']


def local(tag):
    return tag.split('}')[-1]


def norm(s):
    return re.sub(r'\s+', ' ', s).strip()


def lines(el):
    """The text of el, a line per block element; a table row's cells joined
    by ' | '."""
    out, buf = [], []

    def flush():
        t = norm(''.join(buf))
        buf.clear()
        if t:
            out.append(t)

    def rec(e, top):
        tag = local(e.tag)
        if tag == 'tr':
            flush()
            out.append(' | '.join('; '.join(lines(c)) for c in e))
            return
        if not top and tag in BLOCKS:
            flush()
            out.extend(lines(e))
            return
        buf.append(e.text or '')
        for c in e:
            rec(c, False)
            buf.append(c.tail or '')

    rec(el, True)
    flush()
    return out


def load(path):
    with open(path, 'rb') as f:
        data = f.read()
    return data, ET.fromstring(data)


def sections(root):
    return {s.get('id'): s for s in root.iter(NS + 'section')}


def table(section, caption_start):
    for t in section.iter(NS + 'table'):
        cap = t.find(NS + 'caption')
        if cap is not None and norm(''.join(cap.itertext())).startswith(caption_start):
            return [['; '.join(lines(c)) for c in tr]
                    for tr in t.find(NS + 'tbody')]
    return None


def fail(msg):
    print(msg)
    sys.exit(1)


def cmd_text(path):
    _, root = load(path)
    for sid, s in sections(root).items():
        print('== ' + sid)
        for line in lines(s):
            print(line)


def cmd_check(path, want_sections=SECTIONS):
    data, root = load(path)
    if not data.startswith(b'<!DOCTYPE html>\n'):
        fail(path + ': does not start with <!DOCTYPE html>')
    if local(root.tag) != 'html' or root.get('lang') != 'en':
        fail(path + ': the root is not <html lang="en">')
    metas = [m.get('charset') for m in root.iter(NS + 'meta')]
    if metas != ['utf-8']:
        fail(path + ': no <meta charset="utf-8">')
    for e in root.iter():
        tag = local(e.tag)
        if tag in ('script', 'link', 'img', 'iframe', 'object'):
            fail(path + ': has a <%s>' % tag)
        for a in ('src', 'href'):
            if e.get(a):
                fail(path + ': <%s %s=...>: nothing may be fetched' % (tag, a))
        if tag == 'th' and e.get('scope') not in ('col', 'row'):
            fail(path + ': a <th> without scope')
    styles = list(root.iter(NS + 'style'))
    css = ''.join(styles[0].itertext()) if len(styles) == 1 else ''
    if '@page{size:A4' not in css or 'url(' in css or '@import' in css:
        fail(path + ': not the one inline style sheet with @page A4')
    if root.find('.//' + NS + 'header') is None or root.find('.//' + NS + 'main') is None:
        fail(path + ': no <header> or <main>')
    got = [s.get('id') for s in root.iter(NS + 'section')]
    if got != want_sections:
        fail(path + ': sections %s, expected %s' % (got, want_sections))
    for s in root.iter(NS + 'section'):
        h2 = s.find(NS + 'h2')
        if h2 is None or not norm(''.join(h2.itertext())):
            fail(path + ': section %s has no <h2>' % s.get('id'))
    for t in root.iter(NS + 'table'):
        if t.find(NS + 'caption') is None:
            fail(path + ': a table without a caption')


def cmd_diff(path, jpath):
    _, root = load(path)
    with open(jpath) as f:
        d = json.load(f)
    s = sections(root)['impact']
    text = '\n'.join(lines(s))
    for side in ('old', 'new'):
        if d[side]['digest'] not in text:
            fail('the %s policy\'s digest %s is not in the report' % (side, d[side]['digest']))
    if ('%d moves compared' % d['moves']) not in text:
        fail('the report does not say %d moves compared' % d['moves'])
    want = [[t['kind'], str(t['now_refused']), str(t['now_allowed']),
             str(t['rating_changed']), str(t['other'])] for t in d['summary']]
    got = table(s, 'Changed moves per kind')
    if got != want:
        fail('moves per kind: report %s, diff %s' % (got, want))

    def verdict(v):
        return v['verdict'] + ('' if v['verdict'] != 'allowed' else
                               ', rating %s' % (('%g' % v['rating'])))
    want = [[c['vm'], c['host'],
             '%s → %s' % (c['old']['kind'] or '(none)', c['new']['kind'] or '(none)'),
             verdict(c['old']), verdict(c['new']),
             ', '.join(c['gained']) or '-', ', '.join(c['lost']) or '-']
            for c in d['changes']]
    got = table(s, 'Every changed move') or []
    got = [[re.sub(r'^[^a-z]+ ', '', cell) if i in (3, 4) else cell
            for i, cell in enumerate(row)] for row in got]
    got = [[cell.replace('no verdict', 'none') for cell in row] for row in got]
    if got != want[:len(got)] or (len(want) <= 1000 and len(got) != len(want)):
        for a, b in zip(got, want):
            if a != b:
                fail('changed move: report %s, diff %s' % (a, b))
        fail('changed moves: report %d, diff %d' % (len(got), len(want)))


def cmd_coverage(path, jpath):
    _, root = load(path)
    with open(jpath) as f:
        pol = json.load(f)['policies'][0]
    s = sections(root)['tests']
    cov = pol['coverage']
    n = sum(1 for c in cov if c['exercised'])
    text = '\n'.join(lines(s))
    if ('%d of %d checks exercised.' % (n, len(cov))) not in text:
        fail('the report does not say %d of %d checks exercised' % (n, len(cov)))
    want = [[c['check'], 'exercised' if c['exercised'] else 'not exercised', c['at']]
            for c in cov]
    got = [[r[0], re.sub(r'^[^a-z]+ ', '', r[1]), r[2]]
           for r in table(s, 'Every check') or []]
    if got != want:
        fail('coverage: report %s, test %s' % (got, want))
    want = [[t['name'], t['outcome']] for t in pol['tests']]
    got = [[r[1], re.sub(r'^[^a-z]+ ', '', r[0])] for r in table(s, "The policy's own tests") or []]
    if got != want:
        fail('tests: report %s, test %s' % (got, want))


def cmd_fleetcheck(path, dot=None):
    cmd_check(path, FLEET_SECTIONS)
    if dot:
        cmd_edges(path, dot)
    _, root = load(path)
    for svg in root.iter(SVG + 'svg'):
        for t in ('title', 'desc'):
            e = svg.find(SVG + t)
            if e is None or not norm(''.join(e.itertext())):
                fail(path + ': an <svg> without a <%s>' % t)
    for svg in root.iter(SVG + 'svg'):
        graph_geometry(path, svg)
    for td in sections(root)['heat'].iter(NS + 'td'):
        for span in td.iter(NS + 'span'):
            if span.get('class') in ('ok', 'bad') and not norm(''.join(span.itertext()))[1:]:
                fail(path + ': a heat map mark without its letter')


def crosses(p, q, box):
    """Does the segment p-q pass through the inside of box (x0, y0, x1, y1)?
    (Liang and Barsky's clipping: a segment along a side, or touching it,
    does not.)"""
    x0, y0, x1, y1 = box
    t0, t1 = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    for d, lo, hi, v in ((dx, x0, x1, p[0]), (dy, y0, y1, p[1])):
        if d == 0:
            if not lo < v < hi:
                return False
            continue
        a, b = (lo - v) / d, (hi - v) / d
        t0, t1 = max(t0, min(a, b)), min(t1, max(a, b))
    return t1 - t0 > 1e-9 and t0 < t1


def on_side(p, box):
    x0, y0, x1, y1 = box
    return ((p[0] in (x0, x1) and y0 <= p[1] <= y1) or
            (p[1] in (y0, y1) and x0 <= p[0] <= x1))


def graph_geometry(path, svg, say=None):
    """Each move starts on a side of its class's box and ends on one of its
    target's, and none of its segments passes over a box: a drawing where a
    move crosses a third class would show a move that is not there. Each
    finding goes to say (fail by default)."""
    say = say or fail
    boxes = {}
    for g in svg.iter(SVG + 'g'):
        r = g.find(SVG + 'rect')
        x, y = float(r.get('x')), float(r.get('y'))
        boxes[g.get('data-class')] = (x, y, x + float(r.get('width')), y + float(r.get('height')))
    for ln in svg.iter(SVG + 'polyline'):
        pts = [tuple(float(c) for c in xy.split(',')) for xy in ln.get('points').split()]
        a, b = ln.get('data-from'), ln.get('data-to')
        if not on_side(pts[0], boxes[a]) or not on_side(pts[-1], boxes[b]):
            say('%s: the move %s -> %s does not join their boxes' % (path, a, b))
        for p, q in zip(pts, pts[1:]):
            for c, box in boxes.items():
                if crosses(p, q, box):
                    say('%s: the move %s -> %s crosses the box of %s' % (path, a, b, c))


def cmd_selftest():
    box = (0, 0, 10, 10)
    cases = [((-5, 5), (15, 5), True), ((-5, -5), (15, 15), True),
             ((5, 5), (6, 6), True), ((0, -5), (0, 15), False),
             ((-5, 10), (15, 10), False), ((10, 5), (20, 5), False),
             ((-5, -1), (15, -1), False), ((-5, 20), (20, -5), True)]
    for p, q, want in cases:
        if crosses(p, q, box) != want:
            fail('selftest: crosses(%s, %s) is not %s' % (p, q, want))
    svg = ET.fromstring(
        '<svg xmlns="http://www.w3.org/2000/svg">'
        '<g data-class="C1"><rect x="0" y="0" width="10" height="10"/></g>'
        '<g data-class="C2"><rect x="20" y="0" width="10" height="10"/></g>'
        '<g data-class="C3"><rect x="40" y="0" width="10" height="10"/></g>'
        '<polyline data-from="C1" data-to="C3" points="10,5 40,5"/></svg>')
    said = []
    graph_geometry('selftest', svg, said.append)
    if said != ['selftest: the move C1 -> C3 crosses the box of C2']:
        fail('selftest: a move over C2 gave %s' % said)


def fleet_kinds(root):
    """Per kind (in order): the moves drawn in the SVG and those listed in
    the table under it, each a set of (from, to, 'one'|'both')."""
    s = sections(root)['classes']
    drawn = []
    for svg in s.iter(SVG + 'svg'):
        drawn.append({(ln.get('data-from'), ln.get('data-to'), ln.get('data-ways'))
                      for ln in svg.iter(SVG + 'polyline')})
    listed = []
    for t in s.iter(NS + 'table'):
        if t.get('class') != 'moves':
            continue
        rows = set()
        for tr in t.find(NS + 'tbody'):
            cells = [norm(''.join(c.itertext())) for c in tr]
            if cells[0] != 'none':
                rows.add((cells[0], cells[1], cells[2].split()[0]))
        listed.append(rows)
    return drawn, listed


def cmd_edges(path, dot):
    _, root = load(path)
    drawn, listed = fleet_kinds(root)
    want = {}
    with open(dot) as f:
        for line in f:
            m = re.match(r'\s*k(\d+)_c(\d+) -> k\d+_c(\d+)( \[dir=both\])?;', line)
            if m:
                want.setdefault(int(m.group(1)), set()).add(
                    ('C' + m.group(2), 'C' + m.group(3), 'both' if m.group(4) else 'one'))
    want = [want.get(k, set()) for k in range(len(listed))]
    if drawn != want:
        fail('the SVG graphs\' moves %s, matrix --format dot %s' % (drawn, want))
    if listed != want:
        fail('the tables of moves %s, matrix --format dot %s' % (listed, want))


def cmd_heat(path, jpath):
    _, root = load(path)
    with open(jpath) as f:
        d = json.load(f)
    kinds = d['kinds']
    t = sections(root)['heat'].find('.//' + NS + 'table')
    head = [norm(''.join(c.itertext())) for c in t.find(NS + 'thead').find(NS + 'tr')][1:]
    hosts = sorted({h for c in kinds[0]['classes'] for h in c['hosts']})
    if sorted(head) != hosts:
        fail('heat map: hosts %s, matrix %s' % (head, hosts))
    allowed = []
    for k in kinds:
        of = {h: c['id'] for c in k['classes'] for h in c['hosts']}
        ex = {c['id']: c.get('exchange', len(c['hosts']) < 2) for c in k['classes']}
        moves = set()
        for e in k['edges']:
            moves.add((e['from'], e['to']))
            if e['both_ways']:
                moves.add((e['to'], e['from']))
        allowed.append((of, ex, moves))
    n = 0
    for tr in t.find(NS + 'tbody'):
        cells = list(tr)
        src = norm(''.join(cells[0].itertext()))
        for dst, td in zip(head, cells[1:]):
            marks = [sp for sp in td.iter(NS + 'span')]
            if src == dst:
                continue
            if len(marks) != len(kinds):
                fail('heat map %s -> %s: %d marks, %d kinds' % (src, dst, len(marks), len(kinds)))
            for (of, ex, moves), sp in zip(allowed, marks):
                a, b = of[src], of[dst]
                want = ex[a] if a == b else (a, b) in moves
                got = sp.get('class') == 'ok' and norm(''.join(sp.itertext())).startswith('\u2713')
                if got != want:
                    fail('heat map %s -> %s (%s): report %s, matrix %s'
                         % (src, dst, sp.get('title'), got, want))
                n += 1
    if n != len(hosts) * (len(hosts) - 1) * len(kinds):
        fail('heat map: %d marks checked' % n)


def cmd_evac(path, jpath):
    _, root = load(path)
    with open(jpath) as f:
        d = json.load(f)
    s = sections(root)['evacuation']
    want = [[str(m['order']), m['vm'], m['from'], m['to'], m.get('cluster') or '-',
             '%g' % m['rating']] for m in d['moves']]
    got = [r[:5] + [r[5].split()[-1]] for r in table(s, 'Moves, in the order') or []]
    if got != want:
        fail('evacuation moves: report %s, plan --assign %s' % (got, want))
    want = [[u['vm'], u['state'], u.get('kind') or '(none)', str(u['compatible_hosts']),
             str(u['full_hosts']), u['why']] for u in d['unplaced']]
    got = table(s, 'VMs that stay') or []
    if got != want:
        fail('evacuation, VMs that stay: report %s, plan --assign %s' % (got, want))


def main(argv):
    cmds = {'text': cmd_text, 'check': cmd_check, 'diff': cmd_diff,
            'coverage': cmd_coverage, 'fleetcheck': cmd_fleetcheck,
            'edges': cmd_edges, 'heat': cmd_heat, 'evac': cmd_evac,
            'selftest': cmd_selftest}
    if len(argv) < 2 or argv[1] not in cmds:
        print(__doc__)
        return 2
    try:
        cmds[argv[1]](*argv[2:])
    except ET.ParseError as e:
        fail('%s: not well-formed XML: %s' % (argv[2], e))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
