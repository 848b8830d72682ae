// npm run bench:vulns — 1 M installed-product rows across 5,000 customers matched against an
// index of 250,000 synthetic CPE match criteria shaped like NVD's (vendor:product pairs with
// exact versions and per-branch ranges using all four bounds, vendor version schemes included).
// Target (issue: vulnerabilities): match and fan out in < 10 s with peak RSS < 1 GB.
import { buildMatchIndex, matchProducts, type IndexCriterion } from '../src/engines/vulns/index.js';
import type { InstalledProduct } from '../src/engines/vulns/cpe.js';
import { rng } from './detect-gen.js';

const CRITERIA = Number(process.env.BENCH_CRITERIA ?? 250_000);
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const CUSTOMERS = 5_000;

const r = rng(42);
const int = (n: number) => Math.floor(r() * n);

// Real vendor schemes first, then a long tail of generic products (as in NVD: a few products
// carry thousands of criteria, most carry a handful).
const REAL: [string, string, string, () => string][] = [
  ['o', 'fortinet', 'fortios', () => `${6 + int(2)}.${int(5)}.${int(16)}`],
  ['o', 'paloaltonetworks', 'pan-os', () => `${9 + int(3)}.${int(3)}.${int(20)}${r() < 0.3 ? `-h${1 + int(9)}` : ''}`],
  ['a', 'citrix', 'netscaler_application_delivery_controller', () => `${12 + int(3)}.${int(2)}-${40 + int(20)}.${int(50)}`],
  ['o', 'sonicwall', 'sonicos', () => `7.${int(2)}.${int(3)}-${5000 + int(100)}`],
  ['o', 'cisco', 'ios_xe', () => `${16 + int(2)}.${int(12)}.${int(6)}${r() < 0.3 ? 'a' : ''}`],
  ['a', 'connectwise', 'screenconnect', () => `${20 + int(4)}.${int(10)}.${int(12)}`],
  ['a', 'openssl', 'openssl', () => `1.${int(2)}.${int(3)}${String.fromCharCode(97 + int(26))}`],
  ['a', 'ntp', 'ntp', () => `4.2.8p${int(18)}`],
];
const TAIL = 20_000;
const product = (i: number): [string, string, string, () => string] =>
  i < REAL.length ? REAL[i]! : ['a', `vendor${i % 4000}`, `product${i}`, () => `${int(12)}.${int(20)}.${int(40)}`];
/** Criteria: a few percent on the vendor-scheme products (about a thousand each, as in NVD). Rows: a third of them. */
const pick = (realShare: number) => product(r() < realShare ? int(REAL.length) : REAL.length + Math.floor(Math.pow(r(), 2) * TAIL));

const t0 = performance.now();
const criteria: IndexCriterion[] = [];
for (let i = 0; i < CRITERIA; i++) {
  const [part, vendor, prod, ver] = pick(0.03);
  const base = `cpe:2.3:${part}:${vendor}:${prod}`;
  const cve = `CVE-${2015 + int(11)}-${10000 + int(50000)}`;
  if (vendor.startsWith('vendor') && r() < 0.4) {
    // Per-branch ranges, as NVD writes them: [a.b.0, a.b.c) or (a.b.c, a.b.d].
    const [a, b] = [int(12), int(20)];
    const c = 1 + int(39);
    criteria.push({
      cve,
      match: r() < 0.5
        ? { criteria: `${base}:*:*:*:*:*:*:*:*`, vulnerable: true, versionStartIncluding: `${a}.${b}.0`, versionEndExcluding: `${a}.${b}.${c}` }
        : { criteria: `${base}:*:*:*:*:*:*:*:*`, vulnerable: true, versionStartExcluding: `${a}.${b}.${c - 1}`, versionEndIncluding: `${a}.${b}.${c}` },
    });
  } else {
    criteria.push({ cve, match: { criteria: `${base}:${ver()}:*:*:*:*:*:*:*`, vulnerable: true } });
  }
}
const rows: InstalledProduct[] = [];
const deployed = new Map<string, string[]>();
const tenantOf: number[] = [];
for (let i = 0; i < ROWS; i++) {
  const [part, vendor, prod, ver] = pick(0.3);
  // Estates run a few versions of each product: six per product, the first most common.
  const key = `${vendor}:${prod}`;
  let versions = deployed.get(key);
  if (!versions) deployed.set(key, (versions = Array.from({ length: 6 }, ver)));
  rows.push({ part: part as 'a' | 'o', vendor, product: prod, version: versions[Math.floor(Math.pow(r(), 2) * 6)]! });
  tenantOf.push(int(CUSTOMERS));
}
const genSeconds = (performance.now() - t0) / 1000;
const unique = new Set(rows.map((p) => `${p.vendor}:${p.product}:${p.version}`)).size;

const t1 = performance.now();
const index = buildMatchIndex(criteria);
const buildSeconds = (performance.now() - t1) / 1000;
const t2 = performance.now();
const matched = matchProducts(index, rows);
// Fan out: findings per customer, as the engine would write them.
const perCustomer = new Map<number, number>();
let findings = 0;
for (const m of matched) {
  if (!m.matches.length) continue;
  findings += m.matches.length;
  const t = tenantOf[m.row]!;
  perCustomer.set(t, (perCustomer.get(t) ?? 0) + m.matches.length);
}
const matchSeconds = (performance.now() - t2) / 1000;
const rss = Math.round(process.resourceUsage().maxRSS / 1024);

console.log(`criteria ${index.size.toLocaleString('en-US')} (rejected ${index.rejected.length}); rows ${ROWS.toLocaleString('en-US')} (${unique.toLocaleString('en-US')} unique product@version) over ${CUSTOMERS} customers; data generated in ${genSeconds.toFixed(1)} s`);
console.log(`index build ${buildSeconds.toFixed(2)} s; match and fan out ${matchSeconds.toFixed(2)} s; ${findings.toLocaleString('en-US')} matches in ${perCustomer.size} customers; peak RSS ${rss} MB`);
console.log('target: match and fan out < 10 s, peak RSS < 1,024 MB');
