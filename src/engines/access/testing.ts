import { PRIVILEGE_LEVELS, recordKind, type MfaMethod, type RecordKindName } from '../../core/index.js';
import { emptyModel, type Model } from '../engine.js';

/**
 * Helpers for the access engine's tests: models from plain objects (validated
 * and defaulted by the real schemas) and seeded random models for property tests.
 */

/** Record inputs per kind, as a workspace file would hold them. */
export type ModelInput = Partial<Record<RecordKindName, Record<string, unknown>[]>>;

/** A model from record inputs, each parsed by its kind's schema (so defaults apply exactly as on import). */
export function modelOf(input: ModelInput): Model {
  const m = emptyModel() as unknown as Record<string, unknown[]>;
  for (const [kind, records] of Object.entries(input) as [RecordKindName, Record<string, unknown>[]][]) {
    m[kind] = records.map((r) => recordKind(kind).schema.parse(r));
  }
  return m as unknown as Model;
}

/** A small seeded PRNG (mulberry32): the same seed gives the same model. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}

const MFA: MfaMethod[][] = [[], [], ['sms'], ['totp'], ['fido2'], ['email', 'fido2']];

/**
 * A random MSP with a few customers: identities (some disabled, some without
 * MFA), nested groups with cycles, roles, tools, assets and grants of every
 * shape (roles, tools, just-in-time, expired). Small enough to brute-force;
 * `scale` multiplies the assets per customer (bitsets spanning many words).
 */
export function randomModel(seed: number, now = new Date('2026-06-01T00:00:00Z'), scale = 1): Model {
  const r = rng(seed);
  const customers = r.int(2, 4);
  const orgs = [{ id: 'msp', name: 'MSP', kind: 'msp' }];
  for (let c = 0; c < customers; c++) orgs.push({ id: `c${c}`, name: `Customer ${c}`, kind: 'customer', msp: 'msp', criticalInfrastructure: c === 0 } as never);
  const identities: Record<string, unknown>[] = [];
  const groups: Record<string, unknown>[] = [];
  const assets: Record<string, unknown>[] = [];
  const roles: Record<string, unknown>[] = [];
  const add = (tenant: string, nIds: number, nGroups: number) => {
    for (let i = 0; i < nIds; i++) {
      identities.push({ id: `${tenant}-u${i}`, tenant, displayName: `${tenant} user ${i}`, enabled: r.chance(0.85), mfa: r.pick(MFA) });
    }
    for (let i = 0; i < nGroups; i++) groups.push({ id: `${tenant}-g${i}`, tenant, name: `${tenant} group ${i}`, privileged: r.chance(0.4) });
  };
  add('msp', r.int(2, 5), r.int(2, 4));
  const tools = ['rmm', 'password-vault', 'remote-access'].slice(0, r.int(1, 3));
  tools.forEach((k, i) => assets.push({ id: `tool${i}`, tenant: 'msp', name: `Tool ${k}`, kind: 'msp-tool', toolKind: k }));
  for (let c = 0; c < customers; c++) {
    const t = `c${c}`;
    add(t, r.int(1, 3), r.int(1, 2));
    for (let i = 0, n = r.int(1, 4 * scale); i < n; i++) assets.push({ id: `${t}-a${i}`, tenant: t, name: `${t} asset ${i}`, kind: r.pick(['device', 'device', 'cloud-tenant']) });
    roles.push({ id: `${t}-ga`, tenant: t, name: 'Global Administrator', privilege: 'global-admin' });
    roles.push({ id: `${t}-ua`, tenant: t, name: 'User Administrator', privilege: 'admin' });
  }
  const memberships: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < r.int(3, 12); i++) {
    const g = r.pick(groups);
    const asGroup = r.chance(0.35);
    const m = asGroup ? r.pick(groups) : r.pick(identities);
    const key = `${g.id}>${m.id}`;
    if (seen.has(key) || g.id === m.id) continue;
    seen.add(key);
    memberships.push({ tenant: g.tenant, group: g.id, member: m.id, memberKind: asGroup ? 'group' : 'identity' });
  }
  const grants: Record<string, unknown>[] = [];
  const toolIds = assets.filter((a) => a.kind === 'msp-tool');
  for (let i = 0; i < r.int(4, 14); i++) {
    const pk = r.pick(['identity', 'group', 'tool'] as const);
    const principal = pk === 'identity' ? r.pick(identities) : pk === 'group' ? r.pick(groups) : r.pick(toolIds);
    const toAsset = r.chance(0.45);
    const target = toAsset ? r.pick(assets) : r.pick(orgs.slice(1));
    const tenant = toAsset ? (target as { tenant: string }).tenant : target.id;
    const role = !toAsset && r.chance(0.4) ? r.pick(roles.filter((x) => x.tenant === tenant)) : undefined;
    const expired = r.chance(0.1);
    grants.push({
      id: `gr${i}`, tenant, principal: principal.id, principalKind: pk, target: target.id, targetKind: toAsset ? 'asset' : 'organization',
      privilege: r.pick(PRIVILEGE_LEVELS), mode: r.chance(0.3) ? 'jit' : 'standing', via: r.pick(['gdap', 'rmm', 'password-vault', 'vpn', 'directory']),
      ...(role ? { role: role.id } : {}), ...(r.chance(0.3) ? { tool: r.pick(toolIds).id } : {}),
      ...(expired ? { expiresAt: new Date(now.getTime() - 86_400_000).toISOString() } : {}),
    });
  }
  return modelOf({ organization: orgs, identity: identities, group: groups, membership: memberships, role: roles, asset: assets, grant: grants });
}
