import { describe, expect, it } from 'vitest';
import { compileCriterion, matchCriterion, type Confidence, type CpeMatchCriterion, type InstalledProduct } from './cpe.js';
import { buildMatchIndex, criteriaFromConfigurations, matchOne, matchProducts, type IndexCriterion } from './index.js';

/** A small deterministic PRNG (mulberry32) so the synthetic data is the same on every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VENDORS: [string, string, (r: () => number) => string][] = [
  ['fortinet', 'fortios', (r) => `${6 + Math.floor(r() * 2)}.${Math.floor(r() * 5) * 2}.${Math.floor(r() * 20)}`],
  ['citrix', 'netscaler_gateway', (r) => `13.${Math.floor(r() * 2)}-${40 + Math.floor(r() * 20)}.${Math.floor(r() * 30)}`],
  ['paloaltonetworks', 'pan-os', (r) => `10.${Math.floor(r() * 3)}.${Math.floor(r() * 12)}${r() < 0.5 ? `-h${Math.floor(r() * 5)}` : ''}`],
  ['cisco', 'ios_xe', (r) => `17.${Math.floor(r() * 12)}.${Math.floor(r() * 6)}${r() < 0.3 ? 'a' : ''}`],
  ['openbsd', 'openssh', (r) => `${7 + Math.floor(r() * 3)}.${Math.floor(r() * 10)}p${1 + Math.floor(r() * 2)}`],
];

function synthetic(nCriteria: number, nRows: number): { criteria: IndexCriterion[]; rows: InstalledProduct[] } {
  const r = rng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const criteria: IndexCriterion[] = [];
  for (let i = 0; i < nCriteria; i++) {
    // Spread over many products so buckets look like NVD's: a few big vendors, many small ones.
    const [vendor, product, gen] = r() < 0.2 ? pick(VENDORS) : [`vendor${i % 400}`, `product${i % 97}`, pick(VENDORS)[2]];
    const shape = r();
    const match: CpeMatchCriterion = shape < 0.3
      ? { criteria: `cpe:2.3:a:${vendor}:${product}:${gen(r)}:*:*:*:*:*:*:*`, vulnerable: true }
      : { criteria: `cpe:2.3:a:${vendor}:${product}:*:*:*:*:*:*:*:*`, vulnerable: r() < 0.95, versionStartIncluding: gen(r), versionEndExcluding: gen(r) };
    criteria.push({ cve: `CVE-2024-${10000 + Math.floor(i / 3)}`, match, platformDependent: r() < 0.1 });
  }
  const rows: InstalledProduct[] = [];
  for (let i = 0; i < nRows; i++) {
    const [vendor, product, gen] = r() < 0.7 ? pick(VENDORS) : [`vendor${Math.floor(r() * 400)}`, `product${Math.floor(r() * 97)}`, pick(VENDORS)[2]];
    rows.push({ vendor, product, version: gen(r) });
  }
  return { criteria, rows };
}

const RANK: Record<Confidence, number> = { exact: 5, 'vendor-scheme': 4, range: 3, uncertain: 2, 'product-only': 1 };

/** The obvious, slow answer: every row against every vulnerable criterion. */
function naive(criteria: IndexCriterion[], rows: InstalledProduct[]): Map<number, Map<string, Confidence>> {
  const out = new Map<number, Map<string, Confidence>>();
  // Parsing each criterion once keeps the naive loop affordable; the matching itself is the same.
  const compiled = criteria.filter((c) => c.match.vulnerable).map((c) => ({ ...c, cc: compileCriterion(c.match) }));
  rows.forEach((p, i) => {
    for (const c of compiled) {
      const m = matchCriterion(c.cc, p);
      if (!m) continue;
      const conf: Confidence = c.platformDependent && RANK[m.confidence] > RANK.uncertain ? 'uncertain' : m.confidence;
      let byCve = out.get(i);
      if (!byCve) out.set(i, (byCve = new Map()));
      const prev = byCve.get(c.cve);
      if (!prev || RANK[conf] > RANK[prev]) byCve.set(c.cve, conf);
    }
  });
  return out;
}

describe('match index', () => {
  it('gives the same results as a naive loop on 10k criteria and 50k rows', () => {
    const { criteria, rows } = synthetic(10_000, 50_000);
    const index = buildMatchIndex(criteria);
    const got = matchProducts(index, rows);
    // Compare the first 1,000 rows against the naive loop (all 50k rows × 10k criteria would make
    // the test slow); the remaining rows are checked for consistency within their duplicate group.
    const sample = rows.slice(0, 1_000);
    const want = naive(criteria, sample);
    const gotMap = new Map(got.filter((g) => g.row < sample.length).map((g) => [g.row, new Map(g.matches.map((m) => [m.cve, m.confidence]))]));
    expect(gotMap).toEqual(want);
    expect(want.size).toBeGreaterThan(100);
    // Fan-out: every row with the same product and version gets the same matches.
    const byKey = new Map<string, string>();
    for (const g of got) {
      const p = rows[g.row] as InstalledProduct;
      const k = `${p.vendor}:${p.product}:${p.version ?? ''}`;
      const v = JSON.stringify(g.matches.map((m) => m.cve).sort());
      expect(byKey.get(k) ?? v).toBe(v);
      byKey.set(k, v);
    }
  });

  it('refuses wildcard vendors and malformed criteria at build time, and indexes only vulnerable ones', () => {
    const index = buildMatchIndex([
      { cve: 'CVE-1', match: { criteria: 'cpe:2.3:a:*:nx:*:*:*:*:*:*:*:*', vulnerable: true } },
      { cve: 'CVE-2', match: { criteria: 'garbage', vulnerable: true } },
      { cve: 'CVE-3', match: { criteria: 'cpe:2.3:h:acme:box:-:*:*:*:*:*:*:*', vulnerable: false } },
      { cve: 'CVE-4', match: { criteria: 'cpe:2.3:a:siemens:nx:*:*:*:*:*:*:*:*', vulnerable: true, versionEndExcluding: '2306' } },
    ]);
    expect(index.size).toBe(1);
    expect(index.rejected.map((r) => r.cve)).toEqual(['CVE-1', 'CVE-2']);
    expect(index.rejected[1]?.reason).toMatch(/HG_ERR|malformed CPE/);
    expect(matchOne(index, { vendor: 'nrwl', product: 'nx', version: '16.0.0' })).toEqual([]);
    expect(matchOne(index, { vendor: 'siemens', product: 'nx', version: '2212' }).map((m) => m.cve)).toEqual(['CVE-4']);
    expect(matchProducts(index, [
      { vendor: 'Siemens', product: 'NX', version: '2212' }, { vendor: 'siemens', product: 'nx', version: '2306' },
      { vendor: 'nrwl', product: 'nx', version: '2212' }, { vendor: 'siemens', product: 'nx' },
    ]).map((r) => [r.row, r.matches.map((m) => m.confidence)])).toEqual([[0, ['range']], [3, ['product-only']]]);
  });

  it('survives hostile rows: huge names and versions, empty strings', () => {
    const index = buildMatchIndex([{ cve: 'CVE-5', match: { criteria: 'cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*', vulnerable: true, versionEndExcluding: '2.0' } }]);
    const rows = [
      { vendor: 'a'.repeat(1_000_000), product: 'widget', version: '1.0' },
      { vendor: 'acme', product: 'widget', version: '9'.repeat(1_000_000) },
      { vendor: 'acme', product: 'widget', version: '' },
      { vendor: '', product: '', version: '1.0' },
      { vendor: 'acme', product: 'widget', version: '1.0' },
    ];
    expect(matchProducts(index, rows).map((r) => [r.row, r.matches[0]?.confidence])).toEqual([[2, 'product-only'], [4, 'range']]);
  });

  it('flattens configurations, flagging AND-with-platform criteria so their matches are uncertain', () => {
    const flat = criteriaFromConfigurations('CVE-2024-40766', [{
      operator: 'AND', nodes: [
        { operator: 'OR', cpeMatch: [{ vulnerable: true, criteria: 'cpe:2.3:o:sonicwall:sonicos:*:*:*:*:*:*:*:*', versionEndExcluding: '5.9.2.14-13o' }] },
        { operator: 'OR', cpeMatch: [{ vulnerable: false, criteria: 'cpe:2.3:h:sonicwall:soho:-:*:*:*:*:*:*:*' }] },
      ],
    }]);
    expect(flat).toHaveLength(1);
    const got = matchProducts(buildMatchIndex(flat), [
      { vendor: 'sonicwall', product: 'sonicos', version: '5.9.2.14-12o' },
      { vendor: 'sonicwall', product: 'sonicos', version: '5.9.2.14-13o' },
    ]);
    expect(got).toEqual([{ row: 0, matches: [expect.objectContaining({ cve: 'CVE-2024-40766', confidence: 'uncertain' })] }]);
  });
});

describe('names read from product strings', () => {
  it('are matched apart from the same name given by a CPE, so each keeps its own confidence', () => {
    const index = buildMatchIndex([{ cve: 'CVE-2024-6387', match: { criteria: 'cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*', vulnerable: true, versionStartIncluding: '8.5p1', versionEndExcluding: '9.8p1' } }]);
    const rows = matchProducts(index, [
      { vendor: 'openbsd', product: 'openssh', version: '9.6' },
      { vendor: 'openbsd', product: 'openssh', version: '9.6', resolvedFrom: 'OpenSSH' },
    ]);
    expect(rows.map((r) => r.matches[0]!.confidence)).toEqual(['range', 'uncertain']);
  });
});
