import type { MfaMethod } from '../core/index.js';
import { FIRST_NAMES, LAST_NAMES } from './names.js';
import { rngFor } from './prng.js';

/** The demo MSP: one organization serving every demo customer. */
export const MSP = Object.freeze({
  id: 'northwind-msp',
  name: 'Northwind Managed Services',
  domain: 'northwind-msp.example',
});

/** Keys of the MSP's groups. Customers' GDAP relationships and vault access point at these. */
export const MSP_GROUPS = Object.freeze({
  allStaff: `${MSP.id}:all-staff`,
  tier1: `${MSP.id}:msp-tier1`,
  tier2: `${MSP.id}:msp-tier2`,
  admins: `${MSP.id}:msp-admins`,
  // Partner Center's "AdminAgents" group: what legacy DAP granted Global Admin to.
  adminAgents: `${MSP.id}:adminagents`,
});

/** Keys of the MSP's tool assets. */
export const MSP_TOOLS = Object.freeze({
  rmm: `${MSP.id}:n-central`,
  remote: `${MSP.id}:screenconnect`,
  vpn: `${MSP.id}:fortigate-hq`,
  citrix: `${MSP.id}:netscaler`,
  globalProtect: `${MSP.id}:pa-globalprotect`,
  ivanti: `${MSP.id}:ivanti-ics`,
  backup: `${MSP.id}:veeam-vbr`,
  vault: `${MSP.id}:devolutions-server`,
  psa: `${MSP.id}:connectwise-psa`,
  fileTransfer: `${MSP.id}:moveit`,
});

/** Technician tier: which MSP group the technician works from. */
export type Tier = 'tier1' | 'tier2' | 'admin';

/** One MSP technician, as every kind generator re-derives it. */
export interface Technician {
  /** Identity key and sign-in name, e.g. `jdoe@northwind-msp.example`. */
  id: string;
  first: string;
  last: string;
  displayName: string;
  tier: Tier;
  mfa: MfaMethod[];
  lastSignInDaysAgo: number;
  /** Set for the departed technician whose account was never closed. */
  departedDaysAgo?: number;
  /** Technician-level planted weakness, if any. */
  weakness?: 'no-mfa' | 'sms-only' | 'departed' | 'stale';
}

/** About 8 technicians plus one per ten customers, capped at 400 (a very large MSSP). */
export const technicianCount = (customers: number): number => Math.min(400, 8 + Math.floor(customers / 10));

/**
 * The MSP's technicians, derived from the seed and the customer count alone.
 * At most 400 entries, so every generator can hold the list.
 */
export function technicians(seed: number, customers: number): Technician[] {
  const n = technicianCount(customers);
  const rng = rngFor(seed, 'msp', 'technicians');
  const admins = Math.max(2, Math.round(n * 0.12));
  const tier2 = Math.max(2, Math.round(n * 0.35));
  const used = new Set<string>();
  const techs: Technician[] = [];
  for (let k = 0; k < n; k++) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const base = `${first[0]}${last}`.toLowerCase();
    let local = base;
    for (let d = 2; used.has(local); d++) local = `${base}${d}`;
    used.add(local);
    const tier: Tier = k < admins ? 'admin' : k < admins + tier2 ? 'tier2' : 'tier1';
    // The most privileged carry phishing-resistant keys; the rest mostly use app push with number matching.
    const mfa: MfaMethod[] =
      tier === 'admin'
        ? ['fido2']
        : rng.weighted<MfaMethod[]>([
            [['authenticator-push'], 5],
            [['fido2'], 3],
            [['fido2', 'authenticator-push'], 1],
            [['windows-hello'], 0.5],
            [['totp'], 0.5],
          ]);
    techs.push({
      id: `${local}@${MSP.domain}`,
      first,
      last,
      displayName: `${first} ${last}`,
      tier,
      mfa: [...mfa],
      lastSignInDaysAgo: rng.next() * 3,
    });
  }
  // Planted weaknesses go to distinct non-admin technicians, so the admin tier keeps its keys.
  const pool = techs.filter((t) => t.tier !== 'admin');
  const [noMfa1, noMfa2, sms, departed, stale] = rngFor(seed, 'msp', 'weak-technicians').sample(pool, 5);
  for (const t of [noMfa1, noMfa2]) if (t) Object.assign(t, { mfa: [], weakness: 'no-mfa' });
  if (sms) Object.assign(sms, { mfa: ['sms'], weakness: 'sms-only' });
  if (departed) {
    // Left 75 days ago; the account still works and still sits in tier 2.
    Object.assign(departed, { tier: 'tier2', weakness: 'departed', departedDaysAgo: 75, lastSignInDaysAgo: 77 });
  }
  if (stale) Object.assign(stale, { weakness: 'stale', lastSignInDaysAgo: 120 + rng.next() * 90 });
  return techs;
}

/** Technicians able to act today (not departed), for per-customer choices. */
export const activeTechnicians = (techs: readonly Technician[]): Technician[] => techs.filter((t) => t.weakness !== 'departed');

/** The departed technician (there is always exactly one). */
export function departedTechnician(techs: readonly Technician[]): Technician {
  const t = techs.find((x) => x.weakness === 'departed');
  if (!t) throw new Error('demo invariant: no departed technician');
  return t;
}
