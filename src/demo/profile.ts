import type { Criticality } from '../core/index.js';
import type { DemoContext } from './context.js';
import { CUSTOMER_TEMPLATES, HOSPITAL_TEMPLATES, LAST_NAMES, TOWNS, initials, slug, type DemoSector } from './names.js';
import { hash32, rngFor } from './prng.js';

/** Legacy kit a customer still runs (only customers placed with the end-of-life flaw). */
export interface Legacy {
  ws2012r2: boolean;
  exchange2016: boolean;
  win10: number;
}

/**
 * The cheap facts about customer i: who it is and how big. Every generator
 * derives this first; it costs a few dozen random draws, so summing endpoint
 * counts over all customers (the RMM's reach) stays fast.
 */
export interface CustomerProfile {
  i: number;
  id: string;
  name: string;
  town: string;
  sector: DemoSector;
  domains: string[];
  /** Primary mail and sign-in domain. */
  domain: string;
  /** Active Directory DNS name, e.g. `ad.maplewood-family-clinic.example`. */
  adDomain: string;
  criticality: Criticality;
  criticalInfrastructure: boolean;
  /** Host name prefix, e.g. `MFC` for `MFC-DC01`. */
  hostPrefix: string;
  users: number;
  workstations: number;
  macs: number;
  servers: number;
  /** On-premises AD (Domain Admins) or cloud-only (IT Admins). */
  activeDirectory: boolean;
  firewall: 'fortinet' | 'sonicwall';
  switch: boolean;
  printers: number;
  legacy: Legacy;
  /** Known-exploited version on the perimeter, where the KEV flaw is placed. */
  kevOn?: 'firewall' | 'switch';
  /** When the customer signed with the MSP. */
  onboardedDaysAgo: number;
  /** Set when the contract has ended but access was never removed. */
  contractEndedDaysAgo?: number;
  publicV4: string;
  publicV6: string;
  /** First three octets of the office LAN, e.g. `10.0.7`. */
  lan: string;
}

const T = TOWNS.length;
const M = T * CUSTOMER_TEMPLATES.length;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Seeded affine bijection over (town, template) pairs, so no two customers share a name slot. */
function slotOf(seed: number, i: number): { slot: number; cycle: number } {
  let a = (hash32(seed, 'name-stride') % (M - 1)) + 1;
  while (gcd(a, M) !== 1) a++;
  const b = hash32(seed, 'name-offset') % M;
  const j = i % M;
  return { slot: (((a * j) % M) + b) % M, cycle: Math.floor(i / M) };
}

const CRITICALITY: Record<DemoSector, Criticality> = {
  healthcare: 'high', hospital: 'critical', legal: 'high', finance: 'high', manufacturing: 'medium',
  education: 'medium', nonprofit: 'low', construction: 'medium', retail: 'medium',
};

/** Derives customer i's profile from (seed, i) alone. */
export function customerProfile(ctx: DemoContext, i: number): CustomerProfile {
  const rng = rngFor(ctx.seed, 'customer', i, 'profile');
  const { slot, cycle } = slotOf(ctx.seed, i);
  const town = TOWNS[slot % T] as string;
  const tpl = CUSTOMER_TEMPLATES[Math.floor(slot / T)] ?? CUSTOMER_TEMPLATES[0];
  if (!tpl) throw new Error('demo invariant: no customer templates');
  const hospital = i === ctx.hospitalIndex;
  const [l, m] = rng.sample(LAST_NAMES, 2);
  const template = hospital ? rng.pick(HOSPITAL_TEMPLATES) : tpl.name;
  let name = template.replace('{T}', town).replace('{L}', l ?? 'Harper').replace('{M}', m ?? 'Quinn');
  // Same-named firms exist in different towns; the town in the id keeps the tenant key unique.
  let id = template.includes('{T}') ? slug(name) : `${slug(name)}-${slug(town)}`;
  if (cycle > 0) {
    name = `${name} (site ${cycle + 1})`;
    id = `${id}-${cycle + 1}`;
  }
  const sector: DemoSector = hospital ? 'hospital' : tpl.sector;
  const domain = `${id}.example`;
  const domains = rng.chance(0.35) ? [domain, `${id}.test`] : [domain];

  const users = hospital ? 60 : rng.int(10, 60);
  const servers = hospital ? 6 : users < 20 ? rng.int(1, 2) : rng.int(2, 4);
  const macShare = sector === 'legal' || sector === 'education' ? 0.15 : 0.03;
  const workstations = Math.max(5, Math.round(users * (0.8 + rng.next() * 0.2)));
  const macs = Math.round(workstations * macShare * rng.next() * 2);
  const activeDirectory = hospital || rng.chance(0.75);
  const firewall = rng.chance(0.6) ? 'fortinet' : 'sonicwall';
  const hasSwitch = hospital || users >= 30;

  let legacy: Legacy = { ws2012r2: false, exchange2016: false, win10: 0 };
  if (ctx.has('end-of-life-software', i)) {
    const kind = rng.pick(['server', 'exchange', 'win10', 'server+win10'] as const);
    legacy = {
      ws2012r2: kind === 'server' || kind === 'server+win10',
      exchange2016: kind === 'exchange',
      win10: kind === 'win10' || kind === 'server+win10' ? rng.int(2, 5) : 0,
    };
  }
  const kevOn = ctx.has('kev-vulnerable-device', i) ? (hasSwitch && rng.chance(0.3) ? 'switch' : 'firewall') : undefined;
  const onboardedDaysAgo = rng.int(120, 2400);
  const contractEndedDaysAgo = ctx.has('ended-agreement-standing-access', i) ? rng.int(30, 200) : undefined;

  // Documentation address blocks only (RFC 5737, RFC 3849): 508 IPv4 hosts shared round-robin, IPv6 unique.
  const v4 = i % 508;
  const publicV4 = `${v4 < 254 ? '192.0.2' : '198.51.100'}.${(v4 % 254) + 1}`;
  const publicV6 = `2001:db8:${(i >>> 16).toString(16)}:${(i & 0xffff).toString(16)}::1`;

  return {
    i,
    id,
    name,
    town,
    sector,
    domains,
    domain,
    adDomain: `ad.${domain}`,
    criticality: CRITICALITY[sector],
    criticalInfrastructure: hospital,
    hostPrefix: initials(name.replace(/ \(site \d+\)$/, ''), 4) || 'CU',
    users,
    workstations,
    macs: Math.min(macs, workstations - 1),
    servers,
    activeDirectory,
    firewall,
    switch: hasSwitch,
    printers: 1 + Math.floor(users / 20),
    legacy,
    kevOn,
    onboardedDaysAgo,
    contractEndedDaysAgo,
    publicV4,
    publicV6,
    lan: `10.${(i >>> 8) & 255}.${i & 255}`,
  };
}

/** Endpoints the MSP's RMM agent runs on at this customer (workstations and servers). */
export const managedEndpoints = (p: CustomerProfile): number => p.workstations + p.servers + (p.legacy.ws2012r2 ? 1 : 0) + (p.legacy.exchange2016 ? 1 : 0);
