import { describe, expect, it } from 'vitest';
import { buildAccessGraph, GraphBuilder } from './graph-build.js';
import {
  E_ADMIN_GROUP, E_CONTAINS, E_CREDENTIAL, E_GRANT, E_MEMBER, E_ROLE_SCOPE, E_SIGN_IN, E_TOOL_MANAGES, EDGE_KINDS,
  F_JIT, F_NEEDS_MFA, N_ROLE, edgeSource, type AccessGraph,
} from './graph.js';
import { blastRadius } from './radius.js';
import { modelOf } from './testing.js';

const NOW = new Date('2026-12-01T00:00:00Z');

/** Out-edges of a node as [edge kind, target key]. */
function out(g: AccessGraph, v: number): [string, string][] {
  const r: [string, string][] = [];
  for (let e = g.offsets[v]!; e < g.offsets[v + 1]!; e++) r.push([EDGE_KINDS[g.edgeKind[e]!]!, g.key[g.target[e]!]!]);
  return r.sort();
}

const base = {
  organization: [
    { id: 'msp', name: 'MSP', kind: 'msp' },
    { id: 'a', name: 'Alpha', kind: 'customer', msp: 'msp' },
    { id: 'b', name: 'Beta', kind: 'customer', msp: 'msp' },
  ],
  identity: [
    { id: 'tech', tenant: 'msp', displayName: 'Tech', mfa: ['fido2'] },
    { id: 'nomfa', tenant: 'msp', displayName: 'No MFA' },
    { id: 'gone', tenant: 'msp', displayName: 'Disabled', enabled: false },
  ],
  group: [
    { id: 'g1', tenant: 'msp', name: 'G1' },
    { id: 'g2', tenant: 'msp', name: 'G2' },
    { id: 'a-admins', tenant: 'a', name: 'Domain Admins', privileged: true },
  ],
  role: [{ id: 'ga', tenant: 'a', name: 'Global Administrator', privilege: 'global-admin' }],
  asset: [
    { id: 'rmm', tenant: 'msp', name: 'RMM', kind: 'msp-tool', toolKind: 'rmm', managedEndpoints: 50 },
    { id: 'vault', tenant: 'msp', name: 'Vault', kind: 'msp-tool', toolKind: 'password-vault' },
    { id: 'a-pc', tenant: 'a', name: 'PC', kind: 'device' },
    { id: 'b-pc', tenant: 'b', name: 'PC B', kind: 'device' },
  ],
};

describe('access graph', () => {
  it('turns grants into typed edges: role nodes, tool channels, sign-ins and vault credentials', () => {
    const g = buildAccessGraph(
      modelOf({
        ...base,
        membership: [{ tenant: 'msp', group: 'g1', member: 'tech' }],
        grant: [
          { id: 'gdap', tenant: 'a', principal: 'g1', principalKind: 'group', target: 'a', privilege: 'global-admin', role: 'ga', via: 'gdap', mode: 'jit' },
          { id: 'gdap2', tenant: 'b', principal: 'g2', principalKind: 'group', target: 'b', privilege: 'global-admin', role: 'ga', via: 'gdap' },
          { id: 'rmm-a', tenant: 'a', principal: 'rmm', principalKind: 'tool', target: 'a', privilege: 'system', via: 'rmm' },
          { id: 'login', tenant: 'msp', principal: 'g1', principalKind: 'group', target: 'rmm', targetKind: 'asset', privilege: 'operator', via: 'rmm' },
          { id: 'vault-b', tenant: 'b', principal: 'g1', principalKind: 'group', target: 'b', privilege: 'admin', via: 'password-vault', tool: 'vault' },
        ],
      }),
      { now: NOW },
    );
    const n = (k: 'identity' | 'group' | 'organization' | 'asset', id: string) => g.lookup(k, id)!;
    expect(out(g, n('identity', 'tech'))).toEqual([['member-of', 'g1']]);
    expect(out(g, n('group', 'g1'))).toEqual([['can-sign-in-to', 'rmm'], ['grant', 'b'], ['grant', 'ga@a']]);
    // One role node per (role, target): g2's Global Administrator at b is another node, so g1 never reaches b through it.
    expect(out(g, n('group', 'g2'))).toEqual([['grant', 'ga@b']]);
    const roleA = g.key.indexOf('ga@a');
    expect(g.kind[roleA]).toBe(N_ROLE);
    expect(out(g, roleA)).toEqual([['role-scope', 'a']]);
    expect(out(g, n('asset', 'rmm'))).toEqual([['tool-manages', 'a']]);
    expect(out(g, n('asset', 'vault'))).toEqual([['credential-stored-in', 'b']]);
    expect(out(g, n('organization', 'a'))).toEqual([['contains', 'a-pc']]);
    // The JIT grant's edge is marked; the vault channel it implies is standing.
    const e = g.offsets[n('group', 'g1')]!;
    const flagsOf = (kind: number, to: string) => {
      for (let x = e; x < g.offsets[n('group', 'g1') + 1]!; x++) if (g.edgeKind[x] === kind && g.key[g.target[x]!] === to) return g.flags[x]!;
      return -1;
    };
    expect(flagsOf(E_GRANT, 'ga@a') & F_JIT).toBe(F_JIT);
    expect(flagsOf(E_SIGN_IN, 'rmm') & F_JIT).toBe(0);
    expect([E_MEMBER, E_GRANT, E_ROLE_SCOPE, E_TOOL_MANAGES, E_CREDENTIAL, E_SIGN_IN, E_CONTAINS].every((k) => g.edgeKind.includes(k))).toBe(true);
    expect(g.customers.length).toBe(2);
    expect(g.declaredEndpoints[n('asset', 'rmm')]).toBe(50);
  });

  it('marks the sign-ins of identities that have a second factor', () => {
    const g = buildAccessGraph(
      modelOf({ ...base, membership: [{ tenant: 'msp', group: 'g1', member: 'tech' }, { tenant: 'msp', group: 'g1', member: 'nomfa' }] }),
      { now: NOW },
    );
    const first = (id: string) => g.flags[g.offsets[g.lookup('identity', id)!]!]!;
    expect(first('tech') & F_NEEDS_MFA).toBe(F_NEEDS_MFA);
    expect(first('nomfa') & F_NEEDS_MFA).toBe(0);
  });

  it('leaves out expired grants unless they auto-extend, and reaches nothing through disabled accounts', () => {
    const g = buildAccessGraph(
      modelOf({
        ...base,
        grant: [
          { id: 'old', tenant: 'a', principal: 'tech', target: 'a', privilege: 'admin', via: 'gdap', expiresAt: '2026-01-01' },
          { id: 'renews', tenant: 'b', principal: 'tech', target: 'b', privilege: 'admin', via: 'gdap', expiresAt: '2026-01-01', autoExtend: true },
          { id: 'off', tenant: 'a', principal: 'gone', target: 'a', privilege: 'admin', via: 'rmm' },
        ],
      }),
      { now: NOW },
    );
    expect(g.edgesOf('old')).toEqual([]);
    expect(g.edgesOf('renews')).toHaveLength(1);
    expect(blastRadius(g, g.lookup('identity', 'tech')!).reached.map((c) => c.customer.id)).toEqual(['b']);
    expect(blastRadius(g, g.lookup('identity', 'gone')!).customers).toBe(0);
  });

  it('lets a customer admin group administer its customer', () => {
    const g = buildAccessGraph(modelOf({ ...base, membership: [{ tenant: 'a', group: 'a-admins', member: 'nomfa' }] }), { now: NOW });
    expect(out(g, g.lookup('group', 'a-admins')!)).toEqual([['admin-group', 'a']]);
    expect(g.edgeKind.includes(E_ADMIN_GROUP)).toBe(true);
    const r = blastRadius(g, g.lookup('identity', 'nomfa')!);
    expect(r.reached.map((c) => [c.customer.id, c.privilege])).toEqual([['a', 'admin']]);
    const g2 = buildAccessGraph(
      modelOf({ ...base, grant: [{ id: 'x', tenant: 'a', principal: 'a-admins', principalKind: 'group', target: 'a-pc', targetKind: 'asset', privilege: 'user', via: 'directory' }] }),
      { now: NOW },
    );
    expect(out(g2, g2.lookup('group', 'a-admins')!)).toEqual([['admin-group', 'a'], ['grant', 'a-pc']]);
    // Not for the MSP's own privileged groups: being privileged at the MSP says nothing about a customer.
    const g3 = buildAccessGraph(modelOf({ ...base, group: [{ id: 'm', tenant: 'msp', name: 'M', privileged: true }] }), { now: NOW });
    expect(out(g3, g3.lookup('group', 'm')!)).toEqual([]);
  });

  it('never hangs on membership cycles', () => {
    const g = buildAccessGraph(
      modelOf({
        ...base,
        membership: [
          { tenant: 'msp', group: 'g1', member: 'g2', memberKind: 'group' },
          { tenant: 'msp', group: 'g2', member: 'g1', memberKind: 'group' },
          { tenant: 'msp', group: 'g1', member: 'tech' },
        ],
        grant: [{ id: 'x', tenant: 'b', principal: 'g2', principalKind: 'group', target: 'b', privilege: 'admin', via: 'gdap' }],
      }),
      { now: NOW },
    );
    expect(blastRadius(g, g.lookup('identity', 'tech')!).reached.map((c) => c.customer.id)).toEqual(['b']);
  });

  it('places records that arrive before what they reference, and warns about what never resolves', () => {
    const b = new GraphBuilder({ now: NOW });
    b.membership({ group: 'g1', member: 'tech' });
    b.grant({ id: 'x', principal: 'g1', principalKind: 'group', target: 'a', privilege: 'admin', via: 'gdap' });
    b.grant({ id: 'y', principal: 'ghost', target: 'a', privilege: 'admin', via: 'gdap' });
    b.organization({ id: 'a', name: 'A', kind: 'customer' });
    b.identity({ id: 'tech', tenant: 'nowhere', displayName: 'T' });
    b.group({ id: 'g1', tenant: 'a', name: 'G1' });
    const g = b.build();
    expect(blastRadius(g, g.lookup('identity', 'tech')!).customers).toBe(1);
    expect(g.warnings).toEqual(['grant y: unknown principal, target or tool', 'tech: unknown tenant nowhere']);
  });

  it('finds the source node of any edge', () => {
    const g = buildAccessGraph(modelOf({ ...base, membership: [{ tenant: 'msp', group: 'g1', member: 'tech' }] }), { now: NOW });
    for (let v = 0; v < g.nodeCount; v++) for (let e = g.offsets[v]!; e < g.offsets[v + 1]!; e++) expect(edgeSource(g, e)).toBe(v);
  });
});
