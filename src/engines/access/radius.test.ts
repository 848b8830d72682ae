import { describe, expect, it } from 'vitest';
import { privilegeRank } from '../../core/index.js';
import { buildAccessGraph } from './graph-build.js';
import { N_ORG, NODE_KINDS, PASS, isTarget, type AccessGraph } from './graph.js';
import { RadiusIndex } from './radii.js';
import { blastRadius, chokepoints, formatPath, hubSources } from './radius.js';
import { referenceDistance, referenceRadius } from './reference.js';
import { modelOf, randomModel } from './testing.js';
import { summarize, widest, type Attacker } from './traverse.js';

const NOW = new Date('2026-12-01T00:00:00Z');

/** A small hub: technicians in groups, an RMM, a vault and two customers. */
const hub = () =>
  buildAccessGraph(
    modelOf({
      organization: [
        { id: 'msp', name: 'Harbor IT', kind: 'msp' },
        { id: 'clinic', name: 'Clinic', kind: 'customer', msp: 'msp', criticalInfrastructure: true },
        { id: 'law', name: 'Law firm', kind: 'customer', msp: 'msp' },
      ],
      identity: [
        { id: 'ana', tenant: 'msp', displayName: 'Ana', mfa: ['fido2'] },
        { id: 'ben', tenant: 'msp', displayName: 'Ben', mfa: ['sms'] },
      ],
      group: [
        { id: 'tier2', tenant: 'msp', name: 'Tier 2' },
        { id: 'admins', tenant: 'msp', name: 'Admins' },
      ],
      membership: [
        { tenant: 'msp', group: 'tier2', member: 'ana' },
        { tenant: 'msp', group: 'tier2', member: 'ben' },
        { tenant: 'msp', group: 'admins', member: 'ana' },
      ],
      role: [{ id: 'clinic-ga', tenant: 'clinic', name: 'Global Administrator', privilege: 'global-admin' }],
      asset: [
        { id: 'rmm', tenant: 'msp', name: 'RMM', kind: 'msp-tool', toolKind: 'rmm', managedEndpoints: 140 },
        { id: 'clinic-pc', tenant: 'clinic', name: 'Clinic PC', kind: 'device' },
        { id: 'clinic-fw', tenant: 'clinic', name: 'Clinic firewall', kind: 'device' },
        { id: 'law-m365', tenant: 'law', name: 'Law M365', kind: 'cloud-tenant' },
      ],
      grant: [
        { id: 'gdap', tenant: 'clinic', principal: 'tier2', principalKind: 'group', target: 'clinic', privilege: 'global-admin', role: 'clinic-ga', via: 'gdap' },
        { id: 'rmm-clinic', tenant: 'clinic', principal: 'rmm', principalKind: 'tool', target: 'clinic', privilege: 'system', via: 'rmm' },
        { id: 'rmm-law', tenant: 'law', principal: 'rmm', principalKind: 'tool', target: 'law', privilege: 'system', via: 'rmm' },
        { id: 'rmm-login', tenant: 'msp', principal: 'tier2', principalKind: 'group', target: 'rmm', targetKind: 'asset', privilege: 'operator', via: 'rmm' },
        { id: 'rmm-admin', tenant: 'msp', principal: 'admins', principalKind: 'group', target: 'rmm', targetKind: 'asset', privilege: 'system', via: 'rmm', mode: 'jit' },
        { id: 'fw', tenant: 'clinic', principal: 'ben', target: 'clinic-fw', targetKind: 'asset', privilege: 'admin', via: 'vpn' },
      ],
    }),
    { now: NOW },
  );

const id = (g: AccessGraph, k: 'identity' | 'group' | 'asset', key: string) => g.lookup(k, key)!;

describe('blast radius', () => {
  it('reports each customer at its highest privilege with the path that explains it', () => {
    const g = hub();
    const r = blastRadius(g, id(g, 'identity', 'ana'));
    expect(r.customers).toBe(2);
    // Global Admin through GDAP is as short, but system through the RMM is stronger: the RMM path explains the clinic.
    expect(r.reached.map((c) => [c.customer.id, c.privilege, c.assets, c.endpoints])).toEqual([
      ['clinic', 'system', 2, 2],
      ['law', 'system', 1, 0],
    ]);
    expect(formatPath(r.reached[1]!.path)).toBe('Ana → Admins → (system, jit, rmm) RMM → (system, rmm) Law firm');
    expect(r.reached[0]!.path.map((s) => s.node.name)).toEqual(['Ana', 'Admins', 'RMM', 'Clinic']);
    const ben = blastRadius(g, id(g, 'identity', 'ben'));
    expect(ben.reached[0]!.path.map((s) => s.node.name)).toEqual(['Ben', 'Tier 2', 'Global Administrator @ Clinic', 'Clinic']);
    expect(r.tools.map((t) => [t.asset.id, t.privilege])).toEqual([['rmm', 'system']]);
    expect(r.declaredEndpoints).toBe(140);
  });

  it('takes the weakest edge of a path as its privilege', () => {
    const g = hub();
    // Ben signs in to the RMM as an operator only: the RMM's system reach is capped at operator.
    const r = blastRadius(g, id(g, 'identity', 'ben'));
    expect(r.reached.map((c) => [c.customer.id, c.privilege])).toEqual([['clinic', 'global-admin'], ['law', 'operator']]);
  });

  it('narrows the radius for an attacker with standing access only, or with passwords only', () => {
    const g = hub();
    const standing = blastRadius(g, id(g, 'identity', 'ana'), { attacker: { standingOnly: true } });
    expect(standing.reached.map((c) => [c.customer.id, c.privilege])).toEqual([['clinic', 'global-admin'], ['law', 'operator']]);
    expect(blastRadius(g, id(g, 'identity', 'ana'), { attacker: { passwordOnly: true } }).customers).toBe(0);
  });

  it('lists every asset on request', () => {
    const g = hub();
    const r = blastRadius(g, id(g, 'asset', 'rmm'), { listAssets: true });
    expect(r.assetList?.map((a) => [a.asset.id, a.privilege])).toEqual([['clinic-fw', 'system'], ['clinic-pc', 'system'], ['law-m365', 'system']]);
  });

  it('ranks chokepoints by customers, then endpoints, then privilege, tools and groups before people', () => {
    const g = hub();
    const rows = chokepoints(g).map((c) => [c.source.id, c.customers, Math.max(c.endpoints, c.declaredEndpoints), c.maxPrivilege]);
    expect(rows).toEqual([
      ['rmm', 2, 140, 'system'],
      ['admins', 2, 140, 'system'],
      ['ana', 2, 140, 'system'],
      ['tier2', 2, 140, 'global-admin'],
      ['ben', 2, 140, 'global-admin'],
    ]);
  });
});

/** Every attacker model the engine uses. */
const ATTACKERS: Attacker[] = [{}, { standingOnly: true }, { passwordOnly: true }, { standingOnly: true, passwordOnly: true }];

describe('radius kernels against a naive reference (seeded random graphs)', () => {
  it('widest + summarize and the closure index give the reference counts and levels for every node', () => {
    for (let seed = 1; seed <= 80; seed++) {
      const g = buildAccessGraph(randomModel(seed, undefined, seed > 60 ? 25 : 1), { now: new Date('2026-06-01T00:00:00Z') });
      for (const attacker of ATTACKERS) {
        const index = new RadiusIndex(g, { attacker, heavyDegree: 1 + (seed % 3) });
        for (let v = 0; v < g.nodeCount; v++) {
          // A radius is asked of principals and tools; an organization is a target, not a source.
          if (g.kind[v] === N_ORG) continue;
          const ref = referenceRadius(g, v, attacker);
          const fast = summarize(g, v, widest(g, v, attacker));
          const viaIndex = index.summary(v);
          const levels = [...index.lastCustomerLevels()].map(([ci, l]) => [g.key[g.customers[ci]!], l]).sort();
          const expected = { customers: ref.customers.size, assets: ref.assets, endpoints: ref.endpoints, tools: ref.tools };
          const ctx = `seed ${seed} node ${g.key[v]} ${JSON.stringify(attacker)}`;
          expect({ customers: fast.customers, assets: fast.assets, endpoints: fast.endpoints, tools: fast.tools }, ctx).toEqual(expected);
          expect({ customers: viaIndex.customers, assets: viaIndex.assets, endpoints: viaIndex.endpoints, tools: viaIndex.tools }, ctx).toEqual(expected);
          expect(viaIndex.maxRank, ctx).toBe(fast.maxRank);
          expect(levels, ctx).toEqual([...ref.customers].sort());
        }
      }
    }
  });

  it('explains each customer with a path of its highest privilege and, among those, the fewest steps', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const g = buildAccessGraph(randomModel(seed), { now: new Date('2026-06-01T00:00:00Z') });
      for (const attacker of ATTACKERS.slice(0, 2)) {
        for (const v of hubSources(g)) {
          const ref = referenceRadius(g, v, attacker);
          const r = blastRadius(g, v, { attacker });
          expect(Object.fromEntries(r.reached.map((c) => [c.customer.id, privilegeRank(c.privilege) + 1]))).toEqual(Object.fromEntries(ref.customers));
          for (const c of r.reached) {
            const path = c.path;
            const ctx = `seed ${seed} ${g.key[v]} → ${c.customer.id}`;
            expect(path[0]!.node.id, ctx).toBe(g.key[v]);
            const end = path.at(-1)!.node;
            const endNode = g.key.findIndex((k, i) => k === end.id && NODE_KINDS[g.kind[i]!] === end.kind);
            const org = g.kind[endNode] === N_ORG ? endNode : g.tenant[endNode]!;
            expect(g.key[org], ctx).toBe(c.customer.id);
            const weakest = Math.min(PASS, ...path.slice(1).map((s) => (s.edge?.privilege ? privilegeRank(s.edge.privilege) : PASS)));
            expect(weakest, ctx).toBe(privilegeRank(c.privilege));
            const orgNode = g.lookup('organization', c.customer.id)!;
            // Shortest among the strongest: no target of this customer is closer over edges at least that strong.
            let best = Infinity;
            for (let x = 0; x < g.nodeCount; x++) {
              const o = g.kind[x] === N_ORG ? x : g.tenant[x];
              if (o !== orgNode || x === v || !isTarget(g, x)) continue;
              const d = referenceDistance(g, v, x, privilegeRank(c.privilege), attacker);
              if (d >= 0) best = Math.min(best, d);
            }
            expect(path.length - 1, ctx).toBe(best);
          }
        }
      }
    }
  });
});
