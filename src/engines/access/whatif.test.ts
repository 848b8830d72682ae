import { describe, expect, it } from 'vitest';
import { HubguardError } from '../../core/index.js';
import type { Model } from '../engine.js';
import { buildAccessGraph } from './graph-build.js';
import { N_GROUP, N_IDENTITY, type AccessGraph } from './graph.js';
import { RadiusIndex } from './radii.js';
import { blastRadius, hubSources } from './radius.js';
import { referenceRadius } from './reference.js';
import { modelOf, randomModel, rng } from './testing.js';
import { indexAfter, parseWhatIf, planWhatIf, whatIf, type WhatIfChange } from './whatif.js';

const NOW = new Date('2026-06-01T00:00:00Z');

/** The same model with the change made to the records themselves (the brute-force side). */
function applyToModel(m: Model, c: WhatIfChange): Model {
  const copy = { ...m };
  if (c.kind === 'remove-edge') {
    copy.grant = m.grant.filter((gr) => gr.id !== c.record);
    copy.membership = m.membership.filter((x) => `${x.group}>${x.member}` !== c.record);
  } else if (c.kind === 'enforce-mfa') {
    copy.identity = m.identity.map((i) => (i.id === c.identity && i.mfa.length === 0 ? { ...i, mfa: ['totp'] } : i));
  } else {
    copy.grant = m.grant.map((gr) => (gr.id === c.grant ? { ...gr, mode: 'jit' } : gr));
  }
  return copy;
}

/** The node with the same record key in another build of the graph. */
function same(from: AccessGraph, v: number, to: AccessGraph): number {
  const kind = from.kind[v] === N_IDENTITY ? 'identity' : from.kind[v] === N_GROUP ? 'group' : 'asset';
  return to.lookup(kind, from.key[v]!)!;
}

describe('what-if', () => {
  const small = () =>
    modelOf({
      organization: [
        { id: 'msp', name: 'MSP', kind: 'msp' },
        { id: 'a', name: 'Alpha', kind: 'customer', msp: 'msp' },
      ],
      identity: [{ id: 'ben', tenant: 'msp', displayName: 'Ben' }],
      group: [{ id: 't2', tenant: 'msp', name: 'Tier 2' }],
      membership: [{ tenant: 'msp', group: 't2', member: 'ben' }],
      grant: [{ id: 'ga', tenant: 'a', principal: 't2', principalKind: 'group', target: 'a', privilege: 'global-admin', via: 'gdap' }],
    });

  it('parses what-if specifications and rejects unknown ones', () => {
    expect(parseWhatIf('remove-edge:g>m')).toEqual({ kind: 'remove-edge', record: 'g>m' });
    expect(parseWhatIf('enforce-mfa:ben@x')).toEqual({ kind: 'enforce-mfa', identity: 'ben@x' });
    expect(parseWhatIf('jit:ga')).toEqual({ kind: 'jit', grant: 'ga' });
    expect(() => parseWhatIf('drop:ga')).toThrow(HubguardError);
    expect(() => parseWhatIf('jit:')).toThrow(/needs a target/);
  });

  it('answers each change for the attacker it concerns', () => {
    const g = buildAccessGraph(small(), { now: NOW });
    const mfa = whatIf(g, { kind: 'enforce-mfa', identity: 'ben' });
    expect([mfa.source.id, mfa.before.customers, mfa.after.customers]).toEqual(['ben', 1, 0]);
    expect(mfa.changed).toEqual([{ customer: { kind: 'organization', id: 'a', name: 'Alpha' }, before: 'global-admin' }]);
    const jit = whatIf(g, { kind: 'jit', grant: 'ga' });
    expect([jit.source.id, jit.attacker, jit.before.customers, jit.after.customers]).toEqual(['t2', { standingOnly: true }, 1, 0]);
    const cut = whatIf(g, { kind: 'remove-edge', record: 't2>ben' });
    expect([cut.source.id, cut.before.customers, cut.after.customers]).toEqual(['ben', 1, 0]);
    // The graph itself is untouched.
    expect(blastRadius(g, g.lookup('identity', 'ben')!).customers).toBe(1);
  });

  it('names what it cannot find', () => {
    const g = buildAccessGraph(small(), { now: NOW });
    expect(() => planWhatIf(g, { kind: 'remove-edge', record: 'nope' })).toThrow(/no grant or membership nope/);
    expect(() => planWhatIf(g, { kind: 'enforce-mfa', identity: 'nobody' })).toThrow(/no identity nobody/);
    expect(() => planWhatIf(g, { kind: 'jit', grant: 't2>ben' })).toThrow(/is a membership/);
  });

  it('equals a brute-force rebuild without the edge, for every hub source (seeded random graphs)', () => {
    let checked = 0;
    for (let seed = 1; seed <= 80; seed++) {
      const m = randomModel(seed, NOW);
      const g = buildAccessGraph(m, { now: NOW });
      const r = rng(seed * 7919);
      const live = m.grant.filter((x) => g.edgesOf(x.id).length > 0);
      const changes: WhatIfChange[] = [];
      if (live.length) changes.push({ kind: 'remove-edge', record: r.pick(live).id }, { kind: 'jit', grant: r.pick(live).id });
      if (m.membership.length) {
        const x = r.pick(m.membership);
        changes.push({ kind: 'remove-edge', record: `${x.group}>${x.member}` });
      }
      changes.push({ kind: 'enforce-mfa', identity: r.pick(m.identity).id });
      for (const change of changes) {
        const plan = planWhatIf(g, change);
        const rebuilt = buildAccessGraph(applyToModel(m, change), { now: NOW });
        // Two indexes: the engine's own, and one where every node is "wide", so that closures computed
        // before the change are shared or recomputed by withFlags.
        const wide = new RadiusIndex(g, { attacker: plan.attacker, heavyDegree: 1 });
        for (const v of hubSources(g)) wide.summary(v);
        const wideAfter = wide.withFlags(plan.flags, plan.tails);
        const after = indexAfter(g, plan);
        for (const v of hubSources(g)) {
          const ctx = `seed ${seed} ${JSON.stringify(change)} source ${g.key[v]}`;
          const ref = referenceRadius(rebuilt, same(g, v, rebuilt), plan.attacker);
          const got = after.summary(v);
          expect([got.customers, got.assets, got.endpoints, got.tools], ctx).toEqual([ref.customers.size, ref.assets, ref.endpoints, ref.tools]);
          const levels = Object.fromEntries([...after.lastCustomerLevels()].map(([ci, l]) => [g.key[g.customers[ci]!], l]));
          expect(levels, ctx).toEqual(Object.fromEntries(ref.customers));
          const w = wideAfter.summary(v);
          expect([w.customers, w.assets, w.endpoints, w.tools], `${ctx} (wide)`).toEqual([ref.customers.size, ref.assets, ref.endpoints, ref.tools]);
          const wl = Object.fromEntries([...wideAfter.lastCustomerLevels()].map(([ci, l]) => [g.key[g.customers[ci]!], l]));
          expect(wl, `${ctx} (wide)`).toEqual(Object.fromEntries(ref.customers));
          const explained = blastRadius(g, v, { attacker: plan.attacker, flags: plan.flags });
          expect(explained.customers, ctx).toBe(ref.customers.size);
          checked++;
        }
        const res = whatIf(g, plan);
        const refSubject = referenceRadius(rebuilt, same(g, plan.subject, rebuilt), plan.attacker);
        expect(res.after.customers).toBe(refSubject.customers.size);
      }
    }
    expect(checked).toBeGreaterThan(500);
  });
});
