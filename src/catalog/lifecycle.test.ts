import { caughtHubguardError } from '../core/test-support.js';
import { describe, expect, it } from 'vitest';
import { lifecycleCatalog, parseLifecycle } from './lifecycle.js';

const thrown = caughtHubguardError;

describe('product lifecycle catalog', () => {
  const cat = lifecycleCatalog();

  it('loads, versioned and dated, with unique ids and real dates', () => {
    expect(cat.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(cat.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(new Set(cat.entries.map((e) => e.id)).size).toBe(cat.entries.length);
    for (const e of cat.entries) expect(Number.isNaN(Date.parse(`${e.endOfLife}T00:00:00Z`)), e.id).toBe(false);
    expect(Object.isFrozen(cat.entries[0])).toBe(true);
  });

  it('holds the vendor dates of the products MSPs run', () => {
    const eol = (id: string) => cat.entries.find((e) => e.id === id)?.endOfLife;
    expect(eol('windows-server-2012')).toBe('2023-10-10');
    expect(eol('windows-server-2016')).toBe('2027-01-12');
    expect(eol('windows-10')).toBe('2025-10-14');
    expect(eol('exchange-2016')).toBe('2025-10-14');
    expect(eol('sql-server-2014')).toBe('2024-07-09');
    expect(eol('fortios-6-2')).toBe('2023-09-28');
    expect(eol('centos-7')).toBe('2024-06-30');
    expect(eol('esxi-6-7')).toBe('2022-10-15');
    const fortios = cat.entries.find((e) => e.id === 'fortios-7-0')!;
    expect(fortios.match).toEqual([{ product: 'FortiOS', versions: ['7.0'] }]);
  });

  it('refuses bad content with the line', () => {
    const base = 'version: 1.0.0\ndate: 2026-01-01\nsource: x\nproducts:\n';
    const entry = (extra: string) => `${base}  - id: a\n    name: A\n    vendors: [V]\n    reference: r\n${extra}`;
    const ok = entry('    match: [{ product: P }]\n    endOfLife: 2026-01-01\n');
    expect(parseLifecycle(ok, 'l.yaml').entries[0]).toMatchObject({ id: 'a', except: [], endOfLife: '2026-01-01' });
    expect(thrown(() => parseLifecycle(entry('    match: [{ product: P }]\n    endOfLife: 2026-13-01\n'), 'l.yaml')).message).toMatch(/not a real date/);
    expect(thrown(() => parseLifecycle(entry('    match: []\n    endOfLife: 2026-01-01\n'), 'l.yaml')).message).toMatch(/l\.yaml:9:/);
    expect(thrown(() => parseLifecycle(entry('    match: [{ product: P, version: "1" }]\n    endOfLife: 2026-01-01\n'), 'l.yaml')).message).toMatch(/l\.yaml:9:/);
    const dup = `${base}  - {id: a, name: A, vendors: [V], match: [{product: P}], endOfLife: 2026-01-01, reference: r}\n  - {id: a, name: B, vendors: [V], match: [{product: P}], endOfLife: 2026-01-01, reference: r}\n`;
    expect(thrown(() => parseLifecycle(dup, 'l.yaml')).message).toMatch(/l\.yaml:6:.*duplicate id "a"/);
  });
});
