import type { MfaMethod } from '../core/index.js';
import { randomAgo, type DemoContext } from './context.js';
import { DEPARTMENTS, EXECUTIVE_TITLE, MANAGEMENT_DEPARTMENT, slug, uniquePerson } from './names.js';
import { hash32, rngFor } from './prng.js';
import type { CustomerProfile } from './profile.js';
import { activeTechnicians, type Technician } from './staff.js';
import type { DemoFlaw, DemoRecordInputs } from './types.js';

type In<K extends keyof DemoRecordInputs> = DemoRecordInputs[K];

/** A customer staff member, with the facts other facets need (department, admin duty, VPN use). */
export interface Person {
  id: string;
  displayName: string;
  title: string;
  department: string;
  /** Runs IT for the customer (office manager, in-house IT): customer Global Admin and admin group member. */
  itAdmin: boolean;
  vpn: boolean;
  enabled: boolean;
}

/** Everything about a customer's identities and directory. */
export interface People {
  persons: Person[];
  executive: Person;
  itContact: Person;
  breakGlass: string;
  /** MSP-created local admin account sharing one password across customers (flaw customers only). */
  mspLocalAdmin?: string;
  adminGroup: string;
  identities: In<'identity'>[];
  groups: In<'group'>[];
  memberships: In<'membership'>[];
  roles: In<'role'>[];
  flaws: DemoFlaw[];
}

/** Fingerprint of a credential, in the form an identity export would carry it. */
export const credentialRef = (...parts: (string | number)[]): string =>
  `sha256:${hash32(...parts, 'a').toString(16).padStart(8, '0')}${hash32(...parts, 'b').toString(16).padStart(8, '0')}`;

/** Entra ID built-in roles the demo assigns, with their real role template ids. */
export const CUSTOMER_ROLES = [
  { key: 'global-admin', name: 'Global Administrator', privilege: 'global-admin', templateId: '62e90394-69f5-4237-9190-012177145e10' },
  { key: 'exchange-admin', name: 'Exchange Administrator', privilege: 'admin', templateId: '29232cdf-9323-42fd-ade2-1d097af3e4de' },
  { key: 'helpdesk-admin', name: 'Helpdesk Administrator', privilege: 'operator', templateId: '729827e3-9c14-49f7-bb1b-9608f156bbb8' },
  { key: 'user-admin', name: 'User Administrator', privilege: 'admin', templateId: 'fe930be7-5e62-47db-91af-98c3a49a38b1' },
  { key: 'intune-admin', name: 'Intune Administrator', privilege: 'admin', templateId: '3a2c62db-5318-420d-8d74-23affee5d9d5' },
  { key: 'security-reader', name: 'Security Reader', privilege: 'read', templateId: '5d6b6bb7-de71-4623-b4af-96380a352509' },
] as const;
/** Short key of one of the customer roles (`global-admin`, `exchange-admin`, ...). */
export type CustomerRoleKey = (typeof CUSTOMER_ROLES)[number]['key'];

/** Key of a customer's role. */
export const roleId = (tenant: string, key: CustomerRoleKey): string => `${tenant}:${key}`;

/** The technician an MSP-side per-customer flaw picks at customer i (stable per purpose). */
export function techFor(ctx: DemoContext, techs: readonly Technician[], i: number, purpose: string): Technician {
  const pool = activeTechnicians(techs).filter((t) => t.tier !== 'tier1');
  return rngFor(ctx.seed, 'customer', i, 'tech', purpose).pick(pool);
}

/** Derives a customer's identities, groups, memberships and roles. */
export function customerPeople(ctx: DemoContext, techs: readonly Technician[], p: CustomerProfile): People {
  const rng = rngFor(ctx.seed, 'customer', p.i, 'people');
  const t = p.id;
  const depts = DEPARTMENTS[p.sector];
  const used = new Set<string>();
  const persons: Person[] = [];
  const itAdmins = p.sector === 'hospital' ? 3 : p.users >= 30 ? 2 : 1;
  for (let k = 0; k < p.users; k++) {
    const { first, last, local } = uniquePerson(rng, used);
    // Staff 0 runs the place; staff 1.. are the people who look after IT day to day.
    const itAdmin = k >= 1 && k <= itAdmins;
    const department = k <= 1 ? MANAGEMENT_DEPARTMENT[p.sector] : rng.pick(depts);
    const title = k === 0 ? EXECUTIVE_TITLE[p.sector] : itAdmin ? (k === 1 ? 'Office Manager' : 'IT Coordinator') : department;
    persons.push({
      id: `${local}@${p.domain}`,
      displayName: `${first} ${last}`,
      title,
      department,
      itAdmin,
      vpn: itAdmin || rng.chance(0.2),
      enabled: true,
    });
  }
  const executive = persons[0] as Person;
  const itContact = persons[1] as Person;
  const stale = new Set(ctx.has('stale-account', p.i) ? rng.sample(persons.slice(itAdmins + 1), rng.int(1, 3)).map((x) => x.id) : []);

  const identities: In<'identity'>[] = [];
  const flaws: DemoFlaw[] = [];
  for (const x of persons) {
    const isStale = stale.has(x.id);
    const mfa: MfaMethod[] = x.itAdmin
      ? [rng.chance(0.5) ? 'fido2' : 'authenticator-push']
      : rng.weighted<MfaMethod[]>([[['authenticator-push'], 17], [['authenticator-push', 'sms'], 1], [['sms'], 1], [[], 1]]);
    identities.push({
      id: x.id,
      tenant: t,
      kind: 'human',
      displayName: x.displayName,
      username: x.id,
      enabled: true,
      mfa: [...mfa],
      lastSignIn: isStale ? randomAgo(ctx, rng, 95, 540) : randomAgo(ctx, rng, 0, 30),
      privileged: x.itAdmin,
      ...(x.itAdmin ? { credentialRef: credentialRef(ctx.seed, x.id) } : {}),
      tags: [slug(x.department), ...(x === executive ? ['executive'] : [])],
    });
    if (isStale) {
      flaws.push({
        flaw: 'stale-account', tenant: t, subject: { kind: 'identity', id: x.id },
        description: `${x.displayName} (${x.title}) at ${p.name} is enabled but has not signed in for more than 90 days.`,
      });
    }
  }
  // Former staff: disabled, as they should be, and kept in the export as real directories do.
  const leavers = rng.int(0, 3);
  for (let k = 0; k < leavers; k++) {
    const { first, last, local } = uniquePerson(rng, used);
    identities.push({
      id: `${local}@${p.domain}`, tenant: t, kind: 'human', displayName: `${first} ${last}`, username: `${local}@${p.domain}`,
      enabled: false, mfa: ['authenticator-push'], lastSignIn: randomAgo(ctx, rng, 120, 900), tags: ['leaver'],
    });
  }

  const breakGlass = `breakglass@${p.domain}`;
  identities.push({
    id: breakGlass, tenant: t, kind: 'shared', displayName: 'Emergency access (break glass)', username: breakGlass,
    // Signed in at each quarterly check of the emergency procedure.
    mfa: ['fido2'], lastSignIn: randomAgo(ctx, rng, 10, 80), privileged: true,
    credentialRef: credentialRef(ctx.seed, breakGlass), tags: ['break-glass'],
  });
  const scanner = `svc-scan@${p.domain}`;
  identities.push({
    id: scanner, tenant: t, kind: 'service', displayName: 'Scan to e-mail service', username: scanner,
    mfa: [], lastSignIn: randomAgo(ctx, rng, 0, 2), tags: ['service'],
  });
  const sharedDesk = p.sector === 'healthcare' || p.sector === 'hospital' ? 'frontdesk' : p.sector === 'retail' ? 'store' : 'reception';
  const hasShared = rng.chance(p.sector === 'healthcare' ? 0.9 : 0.5);
  if (hasShared) {
    identities.push({
      id: `${sharedDesk}@${p.domain}`, tenant: t, kind: 'shared', displayName: `${sharedDesk === 'store' ? 'Store' : 'Front desk'} shared mailbox login`,
      username: `${sharedDesk}@${p.domain}`, mfa: ['authenticator-push'], lastSignIn: randomAgo(ctx, rng, 0, 3), tags: ['shared'],
    });
  }
  let mspLocalAdmin: string | undefined;
  if (ctx.has('shared-admin-credential', p.i)) {
    mspLocalAdmin = `nwadmin@${p.domain}`;
    identities.push({
      id: mspLocalAdmin, tenant: t, kind: 'shared', displayName: 'Northwind admin', username: `${p.hostPrefix}\\nwadmin`,
      mfa: [], lastSignIn: randomAgo(ctx, rng, 0, 14), privileged: true,
      // One password set by the MSP at every customer it onboarded the same way.
      credentialRef: credentialRef(ctx.seed, 'shared-admin-credential'), tags: ['msp-managed'],
    });
    flaws.push({
      flaw: 'shared-admin-credential', tenant: t, subject: { kind: 'identity', id: mspLocalAdmin },
      description: `The MSP-created admin account nwadmin at ${p.name} uses the same password as the nwadmin accounts at other customers.`,
    });
  }

  // Groups.
  const g = (key: string) => `${t}:${key}`;
  const adminGroup = g(p.activeDirectory ? 'domain-admins' : 'it-admins');
  const groups: In<'group'>[] = [
    { id: g('all-staff'), tenant: t, name: 'All Staff' },
    ...depts.map((d) => ({ id: g(`dept-${slug(d)}`), tenant: t, name: d })),
    { id: g('m365-business-premium'), tenant: t, name: 'M365 Business Premium Users', tags: ['licensing'] },
    { id: g('ca-require-mfa'), tenant: t, name: 'CA - Require MFA', tags: ['conditional-access'] },
    { id: g('vpn-users'), tenant: t, name: 'VPN Users' },
    { id: adminGroup, tenant: t, name: p.activeDirectory ? 'Domain Admins' : 'IT Admins', privileged: true },
  ];

  const memberships: In<'membership'>[] = [];
  const add = (group: string, member: string, memberKind: 'identity' | 'group' = 'identity') =>
    memberships.push({ tenant: t, group, member, memberKind });
  for (const d of depts) add(g('all-staff'), g(`dept-${slug(d)}`), 'group');
  if (hasShared) add(g('all-staff'), `${sharedDesk}@${p.domain}`);
  for (const x of persons) {
    add(g(`dept-${slug(x.department)}`), x.id);
    add(g('m365-business-premium'), x.id);
    add(g('ca-require-mfa'), x.id);
    if (x.vpn) add(g('vpn-users'), x.id);
  }
  for (const x of persons.filter((y) => y.itAdmin)) add(adminGroup, x.id);
  if (mspLocalAdmin) add(adminGroup, mspLocalAdmin);
  if (ctx.has('msp-account-in-customer-admin-group', p.i)) {
    const tech = techFor(ctx, techs, p.i, 'admin-group');
    add(adminGroup, tech.id);
    flaws.push({
      flaw: 'msp-account-in-customer-admin-group', tenant: t, subject: { kind: 'membership', id: `${adminGroup}>${tech.id}` },
      description: `MSP technician ${tech.displayName} (${tech.id}) is a member of ${p.activeDirectory ? 'Domain Admins' : 'IT Admins'} at ${p.name}.`,
    });
  }

  const roles: In<'role'>[] = CUSTOMER_ROLES.map((r) => ({
    id: roleId(t, r.key), tenant: t, name: r.name, privilege: r.privilege, system: 'directory', templateId: r.templateId,
  }));
  return { persons, executive, itContact, breakGlass, mspLocalAdmin, adminGroup, identities, groups, memberships, roles, flaws };
}
