// SPDX-License-Identifier: MIT
// run.js - the hyperv policy's live and saved-state checks in four
// general-purpose rules engines, on the same VM x host pairs as bench_pairs.
//
//   node run.js --inventory FLEET.json --verdicts VERDICTS.tsv
//               [--migcheck-pps KIND=N,...] [--raw-pps KIND=N,...]
//               [--limit ENGINE=N,...] [--only ENGINE,...]
//
// Normally started by run.sh, which builds bench_pairs, generates the fleet
// and the verdicts, and passes migcheck's rates.
//
// What is compared. policies/hyperv.yaml decides a live or saved-state move
// of a VM to a target host with these checks (both kinds have the same ones):
//   host.1..3   target.status.connection == responding,
//               target.status.virtualization_service == running,
//               target.status.available_for_placement == true
//   match       manufacturer and architecture equal on source and target,
//               after normalization (GenuineIntel/Intel -> Intel, x86_64/
//               amd64/9 -> x64, ...)
//   compare     features: target is a superset of source (flags normalized:
//               sse4.2 -> sse4_2) -- dropped when vm.processor_compatibility
//               is true;
//               hypervisor: target version >= source version, segment by
//               segment, a missing segment counting as zero
// and a missing value on either side fails its check (fail closed).
//
// Binding (as mc_fleet_new does for migcheck, once per host, not timed in
// the per-pair rates): each host's fields are read and normalized with the
// policy's own patterns; a missing value stays missing (the key is absent),
// and each engine must refuse it with its own means (has, != null, ...).
// A version becomes a record {s0..s3} of its numeric segments so that every
// engine can compare it; the generator writes no other kind of version.
//
// Each engine gets one compiled rule per kind, compiled once, and is then
// called once per pair with (vm, source, target). Its verdict must equal
// migcheck's on every pair evaluated; a mismatch is printed with the facts.
import { readFileSync, createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Engine } = require('json-rules-engine');
const { ZenEngine } = require('@gorules/zen-engine');
const cedar = require('@cedar-policy/cedar-wasm/nodejs');
const { parse: celParse } = await import('@marcbachmann/cel-js');

const KINDS = ['saved-state', 'live'];

// ---------------------------------------------------------------- options
function parseArgs(argv) {
  const o = { limit: {}, mpps: {}, rawpps: {}, planpps: 0, only: null };
  const kv = (s, into) => {
    for (const part of s.split(',').filter(Boolean)) {
      const [k, v] = part.split('=');
      into[k] = Number(v);
    }
  };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i], v = argv[i + 1];
    if (a === '--inventory') o.inventory = v;
    else if (a === '--verdicts') o.verdicts = v;
    else if (a === '--migcheck-pps') kv(v, o.mpps);
    else if (a === '--raw-pps') kv(v, o.rawpps);
    else if (a === '--plan-pps') o.planpps = Number(v);
    else if (a === '--limit') kv(v, o.limit);
    else if (a === '--only') o.only = v.split(',');
    else { console.error(`run.js: unknown argument ${a}`); process.exit(2); }
    i++;
  }
  if (!o.inventory || !o.verdicts) {
    console.error('usage: node run.js --inventory FLEET.json --verdicts VERDICTS.tsv ' +
      '[--migcheck-pps KIND=N,...] [--raw-pps KIND=N,...] [--limit ENGINE=N,...] [--only ENGINE,...]');
    process.exit(2);
  }
  return o;
}

// ---------------------------------------------------------------- binding
// The normalize patterns of policies/hyperv.yaml, in JavaScript syntax.
const NORMALIZE = {
  manufacturer: [
    [/^(GenuineIntel|Intel\b.*)$/i, 'Intel'],
    [/^(AuthenticAMD|AMD\b.*)$/i, 'AMD'],
  ],
  architecture: [
    [/^(x64|x86[_-]64|amd64|em64t|9)$/i, 'x64'],
    [/^(arm64|aarch64|12)$/i, 'arm64'],
  ],
  features: [[/^sse4\.([12])$/, 'sse4_$1']],
};

function scalarText(v) {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object') return undefined;  // not a scalar: malformed
  return String(v);
}

function normalize(field, text) {
  for (const [re, to] of NORMALIZE[field]) {
    if (re.test(text)) return text.replace(re, to);
  }
  return text;
}

function parseVersion(v) {
  const t = scalarText(v);
  if (t === undefined) return undefined;
  const segs = t.split(/[._-]/);
  if (segs.length > 4 || !segs.every((s) => /^[0-9]+$/.test(s)))
    throw new Error(`version '${t}' is outside what this benchmark encodes`);
  const r = {};
  for (let i = 0; i < 4; i++) r[`s${i}`] = i < segs.length ? Number(segs[i]) : 0;
  return r;
}

// A host's facts: only the keys that have a value.
function bindHost(h) {
  const f = { name: h.name };
  const st = h.status;
  if (st && typeof st === 'object') {
    if (st.connection !== undefined) f.connection = st.connection;
    if (st.virtualization_service !== undefined) f.vmms = st.virtualization_service;
    if (st.available_for_placement !== undefined) f.available = st.available_for_placement;
  }
  const cpu = h.cpu || {};
  const m = scalarText(cpu.manufacturer);
  if (m !== undefined) f.manufacturer = normalize('manufacturer', m);
  const a = scalarText(cpu.architecture);
  if (a !== undefined) f.architecture = normalize('architecture', a);
  if (Array.isArray(cpu.features)) {
    f.features = [...new Set(cpu.features.map((x) => normalize('features', String(x))))];
    f.featmap = Object.fromEntries(f.features.map((x) => [x, true]));
  }
  const hv = parseVersion(h.hypervisor && h.hypervisor.version);
  if (hv !== undefined) f.hv = hv;
  return f;
}

function bindVm(v) {
  const f = { name: v.name, host: v.host };
  if (v.processor_compatibility !== undefined) f.compat = v.processor_compatibility;
  return f;
}

// ---------------------------------------------------------------- engines
// Each engine: { name, compile(kind) -> rule, decide(rule, vm, src, tgt) ->
// boolean or Promise<boolean> }.

// 1. CEL (@marcbachmann/cel-js): one expression per kind.
function celVersionGe(t, s, i = 0) {
  if (i === 3) return `${t}.s3 >= ${s}.s3`;
  return `(${t}.s${i} > ${s}.s${i} || (${t}.s${i} == ${s}.s${i} && ${celVersionGe(t, s, i + 1)}))`;
}

const celExpr = () => `
  has(target.connection) && target.connection == "responding" &&
  has(target.vmms) && target.vmms == "running" &&
  has(target.available) && target.available == true &&
  has(source.manufacturer) && has(target.manufacturer) && source.manufacturer == target.manufacturer &&
  has(source.architecture) && has(target.architecture) && source.architecture == target.architecture &&
  ((has(vm.compat) && vm.compat == true) ||
   (has(source.features) && has(target.featmap) && source.features.all(f, f in target.featmap))) &&
  has(source.hv) && has(target.hv) && ${celVersionGe('target.hv', 'source.hv')}`;

const CEL = {
  name: 'cel-js',
  pkg: '@marcbachmann/cel-js',
  compile: () => celParse(celExpr()),
  decide: (rule, vm, source, target) => rule({ vm, source, target }) === true,
};

// 2. ZEN (@gorules/zen-engine): a decision graph, input -> expression ->
// output, one per kind; evaluate() is asynchronous (the engine is Rust
// behind N-API).
function zenVersionGe(t, s, i = 0) {
  if (i === 3) return `${t}.s3 >= ${s}.s3`;
  return `(${t}.s${i} > ${s}.s${i} or (${t}.s${i} == ${s}.s${i} and ${zenVersionGe(t, s, i + 1)}))`;
}

const zenExpr = () => `
  target.connection == "responding" and target.vmms == "running" and
  target.available == true and
  source.manufacturer != null and target.manufacturer != null and source.manufacturer == target.manufacturer and
  source.architecture != null and target.architecture != null and source.architecture == target.architecture and
  (vm.compat == true or
   (source.features != null and target.featmap != null and all(source.features, target.featmap[#] == true))) and
  source.hv != null and target.hv != null and ${zenVersionGe('target.hv', 'source.hv')}`
  .replace(/\s+/g, ' ').trim();

let zenEngine;
const ZEN = {
  name: 'zen-engine',
  pkg: '@gorules/zen-engine',
  compile: (kind) => {
    zenEngine ??= new ZenEngine();
    const graph = {
      nodes: [
        { id: 'in', type: 'inputNode', name: 'request', position: { x: 0, y: 0 } },
        {
          id: 'check', type: 'expressionNode', name: `hyperv ${kind}`, position: { x: 200, y: 0 },
          content: { expressions: [{ id: 'allowed', key: 'allowed', value: zenExpr() }] },
        },
        { id: 'out', type: 'outputNode', name: 'verdict', position: { x: 400, y: 0 } },
      ],
      edges: [
        { id: 'e1', sourceId: 'in', targetId: 'check', type: 'edge' },
        { id: 'e2', sourceId: 'check', targetId: 'out', type: 'edge' },
      ],
    };
    const d = zenEngine.createDecision(graph);
    d.validate();
    return d;
  },
  decide: async (rule, vm, source, target) =>
    (await rule.evaluate({ vm, source, target })).result.allowed === true,
};

// 3. Cedar (@cedar-policy/cedar-wasm): one permit policy per kind (the kind
// is the action), preparsed once; the VM is the principal, the target host
// the resource, the source host an entity the VM points at.
function cedarVersionGe(t, s, i = 0) {
  if (i === 3) return `${t}.s3 >= ${s}.s3`;
  return `(${t}.s${i} > ${s}.s${i} || (${t}.s${i} == ${s}.s${i} && ${cedarVersionGe(t, s, i + 1)}))`;
}

const cedarPolicy = (kind) => `
permit (principal, action == Action::"${kind}", resource)
when {
  resource has connection && resource.connection == "responding" &&
  resource has vmms && resource.vmms == "running" &&
  resource has available && resource.available == true &&
  principal.host has manufacturer && resource has manufacturer &&
    principal.host.manufacturer == resource.manufacturer &&
  principal.host has architecture && resource has architecture &&
    principal.host.architecture == resource.architecture &&
  ((principal has compat && principal.compat == true) ||
   (principal.host has features && resource has features &&
    resource.features.containsAll(principal.host.features))) &&
  principal.host has hv && resource has hv &&
    ${cedarVersionGe('resource.hv', 'principal.host.hv')}
};`;

function cedarHost(h) {
  const attrs = {};
  for (const k of ['connection', 'vmms', 'available', 'manufacturer', 'architecture', 'features', 'hv'])
    if (h[k] !== undefined) attrs[k] = h[k];
  return { uid: { type: 'Host', id: h.name }, attrs, parents: [] };
}

const CEDAR = {
  name: 'cedar-wasm',
  pkg: '@cedar-policy/cedar-wasm',
  compile: (kind) => {
    const id = `hyperv-${kind}`;
    const ans = cedar.preparsePolicySet(id, { staticPolicies: cedarPolicy(kind) });
    if (ans.type !== 'success') throw new Error(`cedar: ${JSON.stringify(ans.errors)}`);
    return { id, kind };
  },
  decide: (rule, vm, source, target) => {
    const vmAttrs = { host: { __entity: { type: 'Host', id: source.name } } };
    if (vm.compat !== undefined) vmAttrs.compat = vm.compat;
    const ans = cedar.statefulIsAuthorized({
      principal: { type: 'Vm', id: vm.name },
      action: { type: 'Action', id: rule.kind },
      resource: { type: 'Host', id: target.name },
      context: {},
      preparsedPolicySetId: rule.id,
      entities: [
        { uid: { type: 'Vm', id: vm.name }, attrs: vmAttrs, parents: [] },
        source.cedar, target.cedar,
      ],
    });
    if (ans.type !== 'success') throw new Error(`cedar: ${JSON.stringify(ans.errors)}`);
    if (ans.response.diagnostics.errors.length)
      throw new Error(`cedar: ${JSON.stringify(ans.response.diagnostics.errors)}`);
    return ans.response.decision === 'allow';
  },
};

// 4. json-rules-engine: one rule per kind, conditions as data; facts vm,
// source, target; two custom operators (a value is present; a list holds
// every member of another) -- the engine has neither.
function jreVersionGe(i = 0) {
  const t = `$.hv.s${i}`;
  const cmp = (op) => ({ fact: 'target', path: t, operator: op, value: { fact: 'source', path: t } });
  if (i === 3) return cmp('greaterThanInclusive');
  return { any: [cmp('greaterThan'), { all: [cmp('equal'), jreVersionGe(i + 1)] }] };
}

const present = (fact, path) => ({ fact, path, operator: 'present', value: true });
const jreSame = (path) => ({
  all: [present('source', path), present('target', path),
    { fact: 'target', path, operator: 'equal', value: { fact: 'source', path } }],
});

const jreRule = (kind) => ({
  name: `hyperv-${kind}`,
  conditions: {
    all: [
      { fact: 'target', path: '$.connection', operator: 'equal', value: 'responding' },
      { fact: 'target', path: '$.vmms', operator: 'equal', value: 'running' },
      { fact: 'target', path: '$.available', operator: 'equal', value: true },
      jreSame('$.manufacturer'),
      jreSame('$.architecture'),
      {
        any: [
          { fact: 'vm', path: '$.compat', operator: 'equal', value: true },
          {
            all: [present('source', '$.features'), present('target', '$.featmap'),
              { fact: 'target', path: '$.featmap', operator: 'hasEvery', value: { fact: 'source', path: '$.features' } }],
          },
        ],
      },
      present('source', '$.hv'), present('target', '$.hv'),
      jreVersionGe(),
    ],
  },
  event: { type: 'allowed' },
});

const JRE = {
  name: 'json-rules-engine',
  pkg: 'json-rules-engine',
  compile: (kind) => {
    const e = new Engine([], { allowUndefinedFacts: true });
    e.addOperator('present', (a) => a !== undefined && a !== null);
    e.addOperator('hasEvery', (map, list) =>
      map !== null && typeof map === 'object' && Array.isArray(list) &&
      list.every((x) => map[x] === true));
    e.addRule(jreRule(kind));
    return e;
  },
  decide: async (rule, vm, source, target) => {
    const { events } = await rule.run({ vm, source, target });
    return events.length === 1;
  },
};

const ENGINES = [CEL, ZEN, CEDAR, JRE];

// ---------------------------------------------------------------- main
function pkgVersion(name) {
  const url = new URL(`node_modules/${name}/package.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')).version;
}

async function readVerdicts(path) {
  const pairs = [];
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line) continue;
    const [vm, host, kind, allowed] = line.split('\t');
    pairs.push({ vm, host, kind, allowed: allowed === '1' });
  }
  return pairs;
}

// Every k-th pair, so that at most `limit` remain: deterministic, and
// spread over every VM and both kinds.
function samplePairs(pairs, limit) {
  if (!limit || limit >= pairs.length) return pairs;
  const step = pairs.length / limit;
  const out = [];
  for (let i = 0; i < limit; i++) out.push(pairs[Math.floor(i * step)]);
  return out;
}

async function main() {
  const o = parseArgs(process.argv);
  const inv = JSON.parse(readFileSync(o.inventory, 'utf8'));
  let t0 = performance.now();
  const hosts = new Map(inv.hosts.map((h) => [h.name, bindHost(h)]));
  const vms = new Map(inv.vms.map((v) => [v.name, bindVm(v)]));
  for (const h of hosts.values()) h.cedar = cedarHost(h);
  const bindMs = performance.now() - t0;
  const all = await readVerdicts(o.verdicts);

  console.log(`peers: ${inv.hosts.length} hosts, ${inv.vms.length} VMs, ` +
    `${all.length} pairs with migcheck's verdicts (${o.verdicts}); ` +
    `binding the hosts' facts took ${bindMs.toFixed(1)} ms (untimed below)`);
  console.log(`node ${process.version}; ${ENGINES.map((e) => `${e.pkg} ${pkgVersion(e.pkg)}`).join(', ')}`);

  const mpps = KINDS.map((k) => o.mpps[k]).filter(Boolean);
  const mAll = mpps.length ? mpps.length / mpps.reduce((a, r) => a + 1 / r, 0) : 0;
  const rpps = KINDS.map((k) => o.rawpps[k]).filter(Boolean);
  const rAll = rpps.length ? rpps.length / rpps.reduce((a, r) => a + 1 / r, 0) : 0;

  const rows = [];
  let mismatches = 0;
  for (const eng of ENGINES) {
    if (o.only && !o.only.includes(eng.name)) continue;
    const pairs = samplePairs(all, o.limit[eng.name]);
    t0 = performance.now();
    const rules = Object.fromEntries(KINDS.map((k) => [k, eng.compile(k)]));
    const compileMs = performance.now() - t0;
    const got = new Array(pairs.length);
    // Warm up (JIT, lazy wasm/N-API setup) on the first pairs, untimed.
    for (let i = 0; i < Math.min(200, pairs.length); i++) {
      const p = pairs[i];
      const vm = vms.get(p.vm);
      await eng.decide(rules[p.kind], vm, hosts.get(vm.host), hosts.get(p.host));
    }
    // CPU time of the process (every thread: zen-engine's work happens
    // off the main thread), so that other work on a shared machine does
    // not count; wall time is shown beside it.
    t0 = performance.now();
    const c0 = process.cpuUsage();
    for (let i = 0; i < pairs.length; i++) {
      const p = pairs[i];
      const vm = vms.get(p.vm);
      const r = eng.decide(rules[p.kind], vm, hosts.get(vm.host), hosts.get(p.host));
      got[i] = r instanceof Promise ? await r : r;
    }
    const cu = process.cpuUsage(c0);
    const secs = (cu.user + cu.system) / 1e6;
    const wallSecs = (performance.now() - t0) / 1e3;
    let bad = 0, allowed = 0;
    for (let i = 0; i < pairs.length; i++) {
      allowed += got[i];
      if (got[i] !== pairs[i].allowed) {
        if (bad < 5) {
          const p = pairs[i], vm = vms.get(p.vm);
          const { cedar: _c, featmap: _f, ...src } = hosts.get(vm.host);
          const { cedar: _c2, featmap: _f2, ...tgt } = hosts.get(p.host);
          console.log(`  MISMATCH ${eng.name}: ${p.vm} -> ${p.host} (${p.kind}): ` +
            `migcheck ${p.allowed ? 'allowed' : 'refused'}, ${eng.name} ${got[i] ? 'allowed' : 'refused'}\n` +
            `    vm ${JSON.stringify(vm)}\n    source ${JSON.stringify({ ...src, features: src.features && src.features.length })}\n` +
            `    target ${JSON.stringify({ ...tgt, features: tgt.features && tgt.features.length })}`);
        }
        bad++;
      }
    }
    mismatches += bad;
    const pps = pairs.length / secs;
    rows.push({
      engine: `${eng.name} ${pkgVersion(eng.pkg)}`, pairs: pairs.length,
      sampled: pairs.length < all.length, compileMs, secs, wallSecs, pps,
      allowedPct: (100 * allowed) / pairs.length, bad,
      ratio: mAll ? mAll / pps : NaN, rawRatio: rAll ? rAll / pps : NaN,
      planRatio: o.planpps ? o.planpps / pps : NaN,
    });
  }

  const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '-');
  console.log('');
  console.log(`migcheck (bench_pairs, same pairs, both kinds, per CPU second): mc_check ${fmt(mAll)} pairs/s` +
    (rAll ? `; evaluation alone ${fmt(rAll)} pairs/s` : '') +
    (o.planpps ? `; the fleet through mc_plan (bench_plan) ${fmt(o.planpps)} pairs/s` : ''));
  console.log('pairs/s below are per CPU second of the node process; "mc_check/engine" is how many ' +
    'times more pairs migcheck decides per second through mc_check (verdict, violations in words, ' +
    'remedies), "eval-only/engine" through its evaluator alone (verdict only, as the engines give), ' +
    '"plan/engine" for the whole fleet at once through mc_plan (every VM under the kind it is in, ' +
    'classes and checks apart)');
  console.log('');
  const head = ['engine', 'pairs', 'compile ms', 'cpu s', 'wall s', 'pairs/s', 'us/pair', 'allowed %', 'mismatches',
    'mc_check/engine', 'eval-only/engine', 'plan/engine'];
  const body = rows.map((r) => [r.engine, `${fmt(r.pairs)}${r.sampled ? ' (sample)' : ''}`,
    fmt(r.compileMs, 1), fmt(r.secs, 2), fmt(r.wallSecs, 2), fmt(r.pps), fmt(1e6 / r.pps, 2), fmt(r.allowedPct, 1), String(r.bad),
    Number.isFinite(r.ratio) ? `${fmt(r.ratio, 2)}x` : '-',
    Number.isFinite(r.rawRatio) ? `${fmt(r.rawRatio, 1)}x` : '-',
    Number.isFinite(r.planRatio) ? `${fmt(r.planRatio, 0)}x` : '-']);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => '| ' + cells.map((c, i) => (i ? c.padStart(w[i]) : c.padEnd(w[i]))).join(' | ') + ' |';
  console.log(line(head));
  console.log('|' + w.map((n, i) => (i ? '-'.repeat(n + 1) + ':' : '-'.repeat(n + 2))).join('|') + '|');
  for (const b of body) console.log(line(b));
  console.log('');
  console.log(mismatches ? `${mismatches} verdicts differ from migcheck's` :
    'every engine gave migcheck\'s verdict on every pair it evaluated');
  if (zenEngine) zenEngine.dispose();
  process.exitCode = mismatches ? 1 : 0;
}

await main();
