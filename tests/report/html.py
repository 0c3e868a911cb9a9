#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reads the HTML of `migcheck report policy` as XML (it is XHTML-compatible),
for tests/report/run.sh:

    html.py text FILE              the text of each section, by its id
    html.py check FILE             well-formed, and the shape docs/report.md gives
    html.py diff FILE DIFF.json    the fleet impact equals `diff --format json`
    html.py coverage FILE TEST.json  the coverage equals `test --coverage --format json`

Exit status 0 when it holds, 1 (with the reason) when not.
"""
import json
import re
import sys
import xml.etree.ElementTree as ET

NS = '{http://www.w3.org/1999/xhtml}'
BLOCKS = {'h1', 'h2', 'h3', 'p', 'li', 'caption', 'dt', 'dd', 'tr', 'ul', 'ol',
          'table', 'thead', 'tbody', 'dl', 'section', 'header', 'main'}
SECTIONS = ['summary', 'words', 'rules', 'kinds-fields', 'tests', 'lint', 'impact']


def local(tag):
    return tag[len(NS):] if tag.startswith(NS) else tag


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


def cmd_check(path):
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
    if got != SECTIONS:
        fail(path + ': sections %s, expected %s' % (got, SECTIONS))
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


def main(argv):
    cmds = {'text': cmd_text, 'check': cmd_check, 'diff': cmd_diff,
            'coverage': cmd_coverage}
    if len(argv) < 3 or argv[1] not in cmds:
        print(__doc__)
        return 2
    try:
        cmds[argv[1]](*argv[2:])
    except ET.ParseError as e:
        fail('%s: not well-formed XML: %s' % (argv[2], e))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
