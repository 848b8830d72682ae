import { describe, expect, it } from 'vitest';
import { RECORD_KINDS, type RecordKindName } from '../core/index.js';
import { countRows, generateDemo } from './index.js';
import type { DemoWorkspace } from './types.js';

const serialize = (ws: DemoWorkspace, kind: RecordKindName): string => {
  const lines: string[] = [];
  for (const r of ws[kind]()) lines.push(JSON.stringify(r));
  return lines.join('\n');
};

function* take<T>(it: Iterable<T>, n: number): Generator<T> {
  if (n <= 0) return;
  let k = 0;
  for (const x of it) {
    yield x;
    if (++k >= n) return;
  }
}

describe('generateDemo', () => {
  it('gives byte-identical streams for the same customers, seed and now', () => {
    const a = generateDemo({ customers: 12, seed: 7 });
    const b = generateDemo({ customers: 12, seed: 7, now: new Date('2026-11-01T00:00:00Z') });
    for (const k of RECORD_KINDS) expect(serialize(b, k.name)).toBe(serialize(a, k.name));
  });

  it('gives different workspaces for different seeds', () => {
    const a = generateDemo({ customers: 12, seed: 1 });
    const b = generateDemo({ customers: 12, seed: 2 });
    expect(serialize(b, 'organization')).not.toBe(serialize(a, 'organization'));
    expect(serialize(b, 'identity')).not.toBe(serialize(a, 'identity'));
  });

  it('moves every date with now', () => {
    const a = [...generateDemo({ customers: 6 }).identity()];
    const later = [...generateDemo({ customers: 6, now: new Date('2027-11-01T00:00:00Z') }).identity()];
    expect(later.map((x) => x.id)).toEqual(a.map((x) => x.id));
    expect(later[0]?.lastSignIn).not.toBe(a[0]?.lastSignIn);
  });

  it('streams the same sequence every time a kind is read', () => {
    const ws = generateDemo({ customers: 8, seed: 3 });
    for (const k of RECORD_KINDS) expect(serialize(ws, k.name)).toBe(serialize(ws, k.name));
  });

  it('yields records that pass their kind schema', () => {
    const ws = generateDemo({ customers: 40, seed: 5 });
    for (const k of RECORD_KINDS) {
      let n = 0;
      for (const r of ws[k.name]()) {
        const res = k.schema.safeParse(r);
        if (!res.success) throw new Error(`${k.name} ${JSON.stringify(r)}: ${res.error.message}`);
        n++;
      }
      // Suppressions are the user's decisions: the demo plants none.
      if (k.name === 'suppression') expect(n).toBe(0);
      else expect(n, k.name).toBeGreaterThan(0);
    }
  });

  it('keeps natural keys unique per kind and resolves every reference', () => {
    const ws = generateDemo({ customers: 40, seed: 9 });
    const keys = new Map<RecordKindName, Set<string>>();
    const parsed = new Map<RecordKindName, Record<string, unknown>[]>();
    for (const k of RECORD_KINDS) {
      const set = new Set<string>();
      const rows: Record<string, unknown>[] = [];
      for (const r of ws[k.name]()) {
        const rec = k.schema.parse(r) as Record<string, unknown>;
        const key = k.key(rec);
        if (set.has(key)) throw new Error(`duplicate ${k.name} key ${key}`);
        set.add(key);
        rows.push(rec);
      }
      keys.set(k.name, set);
      parsed.set(k.name, rows);
    }
    let checked = 0;
    for (const k of RECORD_KINDS) {
      for (const rec of parsed.get(k.name) ?? []) {
        for (const ref of k.refs) {
          const value = rec[ref.field];
          if (value === undefined) continue;
          const to = typeof ref.to === 'function' ? ref.to(rec) : ref.to;
          if (!to) continue;
          for (const v of Array.isArray(value) ? value : [value]) {
            if (!keys.get(to)?.has(String(v))) throw new Error(`${k.name}.${ref.field} = ${String(v)} does not resolve to a ${to}`);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(10_000);
  });

  it('averages at least 200 rows per customer, so 5,000 customers give a million rows', () => {
    const { total, byKind } = countRows(generateDemo({ customers: 500 }));
    expect(total / 500).toBeGreaterThanOrEqual(200);
    expect(Object.values(byKind).reduce((a, b) => a + b, 0)).toBe(total);
    expect(byKind.organization).toBe(501);
    expect(byKind.agreement).toBe(500);
  });

  it('streams lazily: the first records of a ten-million-customer workspace come at once', () => {
    const ws = generateDemo({ customers: 10_000_000 });
    for (const k of RECORD_KINDS.filter((x) => x.name !== 'suppression')) {
      const stream: Iterable<unknown> = ws[k.name]();
      const first = [...take(stream, 600)];
      expect(first.length, k.name).toBe(600);
    }
  });

  it('describes one MSP serving every customer', () => {
    const orgs = [...generateDemo({ customers: 24 }).organization()];
    const msps = orgs.filter((o) => o.kind === 'msp');
    expect(msps.map((o) => o.id)).toEqual(['northwind-msp']);
    expect(msps[0]?.name).toBe('Northwind Managed Services');
    const customers = orgs.filter((o) => o.kind === 'customer');
    expect(customers).toHaveLength(24);
    for (const c of customers) expect(c.msp).toBe('northwind-msp');
  });

  it('uses only reserved example domains', () => {
    const ws = generateDemo({ customers: 30 });
    const domains = [...ws.organization()].flatMap((o) => o.domains ?? []);
    for (const id of [...ws.identity()].map((x) => x.id)) domains.push(id.split('@')[1] ?? '');
    for (const d of domains) expect(d).toMatch(/\.(example|test)$/);
  });

  it('rejects options that cannot give a workspace', () => {
    expect(() => generateDemo({ customers: -1 })).toThrow(RangeError);
    expect(() => generateDemo({ customers: 1.5 })).toThrow(RangeError);
    expect(() => generateDemo({ now: new Date('nope') })).toThrow(RangeError);
  });

  it('gives an MSP-only workspace for zero customers', () => {
    const { byKind } = countRows(generateDemo({ customers: 0 }));
    expect(byKind.organization).toBe(1);
    expect(byKind.agreement).toBe(0);
    expect(byKind.identity).toBeGreaterThan(8);
  });
});
