import { describe, expect, it } from 'vitest';
import { isControlId, control } from '../catalog/catalog.js';
import { RECORD_KINDS } from '../core/index.js';
import { generateDemo } from '../demo/index.js';
import { emptyModel, type Model } from './engine.js';
import { ENGINES } from './index.js';

/** The demo workspace as a model, parsed through the schemas as an import would. */
function demoModel(customers: number): Model {
  const ws = generateDemo({ customers, seed: 1, now: new Date('2026-11-01T00:00:00Z') });
  const model = emptyModel() as Record<string, unknown[]>;
  for (const k of RECORD_KINDS) model[k.name] = [...ws[k.name]()].map((r) => k.schema.parse(r));
  return model as unknown as Model;
}

describe('every engine', () => {
  const model = demoModel(12);
  const now = new Date('2026-11-01T00:00:00Z');

  it('declares only controls of the catalog', () => {
    for (const e of ENGINES) for (const c of e.controls) expect(isControlId(c), `${e.name}: ${c}`).toBe(true);
  });

  it('emits findings that name a known control it declared, a known tenant and a duty', () => {
    const tenants = new Set(model.organization.map((o) => o.id as string));
    for (const e of ENGINES) {
      const drafts = e.run(model, { now });
      for (const d of drafts) {
        expect(isControlId(d.control), `${e.name} emitted unknown control ${d.control}`).toBe(true);
        expect(e.controls, `${e.name} emitted undeclared ${d.control}`).toContain(d.control);
        expect(tenants.has(d.tenant), `${e.name}: unknown tenant ${d.tenant}`).toBe(true);
        expect(['msp', 'customer', 'shared']).toContain(d.duty);
        expect(control(d.control).area).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('finds something on the demo MSP, whose flaws are deliberate', () => {
    const total = ENGINES.reduce((s, e) => s + e.run(model, { now }).length, 0);
    expect(total).toBeGreaterThan(0);
  });

  it('is deterministic', () => {
    for (const e of ENGINES) expect(JSON.stringify(e.run(model, { now }))).toBe(JSON.stringify(e.run(model, { now })));
  });
});
