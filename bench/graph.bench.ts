// npm run bench:graph — the access graph of the 5,000-customer demo: build it, compute the blast
// radius of every MSP principal and tool, answer random what-ifs; prints the figures beside the
// targets of issue 5 (all radii < 5 s, one what-if < 50 ms, peak RSS < 1.5 GB).
//
// The demo is streamed from generateDemo straight into the graph builder (no database). Its
// customers are small offices (about 40 devices each), so on its own it makes about 0.5 M nodes
// and 0.9 M edges. To measure at the target scale (≥ 1 M nodes, ≥ 5 M edges) the bench adds, and
// reports apart, the per-endpoint detail an RMM agent list and a directory export would give:
// endpoints up to BENCH_ENDPOINTS per customer, and for every endpoint its RMM agent and
// remote-access agent (system), the customer's admin group as local admin, and its user's logon.
//
// Environment: BENCH_CUSTOMERS (5000), BENCH_ENDPOINTS (200 per customer, 0 = demo only),
// BENCH_WHATIFS (100).
import { generateDemo, DEMO_MSP_TOOLS } from '../src/demo/index.js';
import { GraphBuilder } from '../src/engines/access/graph-build.js';
import { NF_MSP, NF_MFA, N_IDENTITY, N_TOOL } from '../src/engines/access/graph.js';
import { chokepoints, hubSources as hubSourcesOf } from '../src/engines/access/radius.js';
import { baseIndex, whatIf, type WhatIfChange } from '../src/engines/access/whatif.js';
import { rng } from '../src/engines/access/testing.js';

const customers = Number(process.env.BENCH_CUSTOMERS ?? 5000);
const perCustomer = Number(process.env.BENCH_ENDPOINTS ?? 200);
const whatIfs = Number(process.env.BENCH_WHATIFS ?? 100);
const now = new Date('2026-11-01T00:00:00Z');
const n = (x: number) => Math.round(x).toLocaleString('en-US');
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

console.log(`access graph benchmark: ${n(customers)}-customer demo, endpoints synthesized up to ${perCustomer} per customer\n`);

// 1. Stream the demo into the builder, timing the generator and the builder apart.
const ws = generateDemo({ customers, seed: 1, now });
const b = new GraphBuilder({ now });
let genMs = 0;
let feedMs = 0;
let records = 0;
function feed<T>(source: () => Iterable<T>, add: (r: T) => void): void {
  const it = source()[Symbol.iterator]();
  for (let done = false; !done; ) {
    let t = performance.now();
    const chunk: T[] = [];
    for (let r = it.next(); ; r = it.next()) {
      if (r.done) {
        done = true;
        break;
      }
      chunk.push(r.value);
      if (chunk.length === 4096) break;
    }
    genMs += performance.now() - t;
    t = performance.now();
    for (const r of chunk) add(r);
    feedMs += performance.now() - t;
    records += chunk.length;
  }
}
const customerIds: string[] = [];
const staff = new Map<string, string[]>();
const adminGroup = new Map<string, string>();
const devices = new Map<string, number[]>();
feed(ws.organization, (r) => {
  b.organization(r);
  if (r.kind === 'customer') customerIds.push(r.id);
});
feed(ws.identity, (r) => {
  b.identity(r);
  if (r.kind !== 'service' && r.kind !== 'shared' && r.enabled !== false) (staff.get(r.tenant) ?? staff.set(r.tenant, []).get(r.tenant)!).push(r.id);
});
feed(ws.group, (r) => {
  b.group(r);
  if (r.privileged) adminGroup.set(r.tenant, r.id);
});
feed(ws.membership, (r) => b.membership(r));
feed(ws.role, (r) => b.role(r));
feed(ws.asset, (r) => {
  const v = b.asset(r);
  if (r.kind === 'device') (devices.get(r.tenant) ?? devices.set(r.tenant, []).get(r.tenant)!).push(v);
});
feed(ws.grant, (r) => b.grant(r));

// 2. Synthesize per-endpoint detail (reported apart).
let t0 = performance.now();
let synthNodes = 0;
let synthEdges = 0;
if (perCustomer > 0) {
  const rmm = b.nodeOf('asset', DEMO_MSP_TOOLS.rmm)!;
  const remote = b.nodeOf('asset', DEMO_MSP_TOOLS.remote)!;
  for (const c of customerIds) {
    const eps = devices.get(c) ?? [];
    for (let k = eps.length; k < perCustomer; k++) {
      eps.push(b.asset({ id: `${c}:ep${k}`, tenant: c, name: `${c} endpoint ${k}`, kind: 'device' }));
      synthNodes++;
      synthEdges++; // contained by the customer
    }
    const admins = adminGroup.has(c) ? b.nodeOf('group', adminGroup.get(c)!) : undefined;
    const people = (staff.get(c) ?? []).map((id) => b.nodeOf('identity', id)!);
    eps.forEach((ep, k) => {
      b.link(rmm, ep, 'tool-manages', 'system');
      b.link(remote, ep, 'tool-manages', 'system');
      synthEdges += 2;
      if (admins !== undefined) {
        b.link(admins, ep, 'grant', 'admin');
        synthEdges++;
      }
      if (people.length) {
        b.link(people[k % people.length]!, ep, 'grant', 'user');
        synthEdges++;
      }
    });
  }
}
const synthMs = performance.now() - t0;
t0 = performance.now();
const g = b.build();
const layoutMs = performance.now() - t0;
devices.clear();
staff.clear();

// 3. Every radius of every MSP principal and tool.
t0 = performance.now();
const ranking = chokepoints(g);
const allRadiiMs = performance.now() - t0;

// 4. Random what-ifs on the hub's own records, each answered for its subject.
const r = rng(42);
const hubRecords: number[] = [];
for (let i = 0; i < g.records.ids.length; i++) {
  const p = g.records.principal[i]!;
  if (g.nodeFlags[p]! & NF_MSP || g.kind[p] === N_TOOL) hubRecords.push(i);
}
const hubGrants = hubRecords.filter((i) => g.records.kind[i] === 1);
const mspIdentities: number[] = [];
for (let v = 0; v < g.nodeCount; v++) if (g.kind[v] === N_IDENTITY && g.nodeFlags[v]! & NF_MSP && !(g.nodeFlags[v]! & NF_MFA)) mspIdentities.push(v);
for (let v = 0; v < g.nodeCount && mspIdentities.length < 50; v++) if (g.kind[v] === N_IDENTITY && g.nodeFlags[v]! & NF_MSP) mspIdentities.push(v);
const randomChange = (): WhatIfChange => {
  const k = r.next();
  if (k < 0.4) return { kind: 'remove-edge', record: g.records.ids[r.pick(hubRecords)]! };
  if (k < 0.7) return { kind: 'enforce-mfa', identity: g.key[r.pick(mspIdentities)]! };
  return { kind: 'jit', grant: g.records.ids[r.pick(hubGrants)]! };
};
// What-ifs are asked of a hub whose radii are known: compute every radius once per attacker model
// a what-if can use (full, standing access only, passwords only), as the ranking does.
const sources = hubSourcesOf(g);
t0 = performance.now();
g.edgesOf(''); // the record id → edges index, built on first use
const recordIndexMs = performance.now() - t0;
const warm: number[] = [];
for (const attacker of [{}, { standingOnly: true }, { passwordOnly: true }]) {
  t0 = performance.now();
  const ix = baseIndex(g, attacker);
  for (const v of sources) ix.summary(v);
  warm.push(performance.now() - t0);
}
const times: number[] = [];
let changedCustomers = 0;
for (let i = 0; i < whatIfs; i++) {
  const change = randomChange();
  t0 = performance.now();
  const res = whatIf(g, change);
  times.push(performance.now() - t0);
  changedCustomers += res.changed.length;
}
times.sort((a, c) => a - c);
const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? 0;
const peakMb = process.resourceUsage().maxRSS / 1024;

// 5. Report.
const demoNodes = g.nodeCount - synthNodes;
const demoEdges = g.edgeCount - synthEdges;
console.log(`records streamed      ${n(records)} (generator ${secs(genMs)}, builder ${secs(feedMs)})`);
console.log(`graph                 ${n(g.nodeCount)} nodes, ${n(g.edgeCount)} edges`);
console.log(`  from the demo       ${n(demoNodes)} nodes, ${n(demoEdges)} edges`);
console.log(`  synthesized         ${n(synthNodes)} endpoints, ${n(synthEdges)} edges (${secs(synthMs)})`);
console.log(`build (layout)        ${secs(layoutMs)}; builder + layout ${secs(feedMs + synthMs + layoutMs)}`);
console.log(`hub sources           ${n(ranking.length)} MSP principals and tools`);
console.log('\nTop chokepoints');
for (const c of ranking.slice(0, 5)) {
  console.log(`  ${c.source.name} (${c.source.kind}) → ${n(c.customers)} customers, ${n(Math.max(c.endpoints, c.declaredEndpoints))} endpoints, ${n(c.assets)} assets, ${c.maxPrivilege ?? '-'}`);
}
const tool = ranking.find((c) => c.source.kind === 'tool');
if (tool) console.log(`  first tool: ${tool.source.name} → ${n(tool.customers)} customers, ${n(tool.endpoints)} endpoints, ${tool.maxPrivilege}`);
console.log('\nfigure                         measured      target');
console.log(`all radii (${n(ranking.length)} sources)`.padEnd(31) + `${secs(allRadiiMs).padEnd(14)}< 5 s`);
console.log(`what-if, median of ${whatIfs}`.padEnd(31) + `${`${pct(0.5).toFixed(1)} ms`.padEnd(14)}< 50 ms`);
console.log(`what-if, p90 / max`.padEnd(31) + `${pct(0.9).toFixed(1)} / ${times.at(-1)?.toFixed(1)} ms`);
console.log(`record index (once)`.padEnd(31) + `${recordIndexMs.toFixed(0)} ms (grant and membership ids → edges)`);
console.log(`all radii, 3 attacker models`.padEnd(31) + `${warm.map((w) => secs(w)).join(' / ')} (full / standing only / passwords only)`);
console.log(`peak RSS`.padEnd(31) + `${`${n(peakMb)} MB`.padEnd(14)}< 1,536 MB`);
console.log(`\n(${n(changedCustomers)} customer privileges changed across the what-ifs)`);
