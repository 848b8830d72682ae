import type { Privilege } from '../core/index.js';
import { daysAgo, randomAgo, type DemoContext } from './context.js';
import { productFields } from './devices.js';
import { uniquePerson } from './names.js';
import { credentialRef } from './people.js';
import { rngFor } from './prng.js';
import { SERVER_OS, WORKSTATION_OS } from './products.js';
import { MSP, MSP_GROUPS, MSP_TOOLS, type Technician } from './staff.js';
import type { DemoFlaw, DemoRecordInputs } from './types.js';

type In<K extends keyof DemoRecordInputs> = DemoRecordInputs[K];

/** The MSP's organization record. */
export const mspOrganization = (): In<'organization'> => ({
  id: MSP.id, name: MSP.name, kind: 'msp', domains: [MSP.domain], sector: 'technology', criticality: 'critical', tags: ['msp'],
});

/** Office staff without customer access: they show that not every MSP account is a technician. */
const OFFICE_ROLES = ['Chief Executive Officer', 'Service Delivery Manager', 'Account Manager', 'Finance Manager'] as const;
const SERVICE_ACCOUNTS = [
  { local: 'svc-ncentral', name: 'N-central service (RMM automation)' },
  { local: 'svc-veeam', name: 'Veeam backup service' },
  { local: 'svc-psa-sync', name: 'PSA to RMM sync service' },
] as const;
const svcId = (local: string) => `${local}@${MSP.domain}`;

/** The MSP's identities: technicians, office staff and service accounts. */
export function mspIdentities(ctx: DemoContext, techs: readonly Technician[]): In<'identity'>[] {
  const rng = rngFor(ctx.seed, 'msp', 'identities');
  const out: In<'identity'>[] = techs.map((x) => ({
    id: x.id, tenant: MSP.id, kind: 'human', displayName: x.displayName, username: x.id, enabled: true, mfa: [...x.mfa],
    lastSignIn: daysAgo(ctx, x.lastSignInDaysAgo), privileged: true, credentialRef: credentialRef(ctx.seed, x.id),
    ...(x.departedDaysAgo !== undefined ? { departedAt: daysAgo(ctx, x.departedDaysAgo) } : {}),
    tags: ['technician', x.tier],
  }));
  const used = new Set<string>();
  for (const role of OFFICE_ROLES) {
    // Office staff sign in as first.last, technicians as initial+last, so the two never collide.
    const { first, last, local } = uniquePerson(rng, used);
    const id = `${local}@${MSP.domain}`;
    out.push({
      id, tenant: MSP.id, kind: 'human', displayName: `${first} ${last}`, username: id, mfa: ['authenticator-push'],
      lastSignIn: randomAgo(ctx, rng, 0, 3), tags: ['office', role.toLowerCase().replace(/ /g, '-')],
    });
  }
  for (const s of SERVICE_ACCOUNTS) {
    out.push({
      id: svcId(s.local), tenant: MSP.id, kind: 'service', displayName: s.name, username: svcId(s.local),
      // Workload identities sign in with a certificate, not a password.
      mfa: ['certificate'], lastSignIn: randomAgo(ctx, rng, 0, 0.5), privileged: true, tags: ['service'],
    });
  }
  return out;
}

/** The MSP's groups. */
export const mspGroups = (): In<'group'>[] => [
  { id: MSP_GROUPS.allStaff, tenant: MSP.id, name: 'All Staff' },
  { id: MSP_GROUPS.tier1, tenant: MSP.id, name: 'msp-tier1', tags: ['technicians'] },
  { id: MSP_GROUPS.tier2, tenant: MSP.id, name: 'msp-tier2', tags: ['technicians'] },
  { id: MSP_GROUPS.admins, tenant: MSP.id, name: 'msp-admins', privileged: true, tags: ['technicians'] },
  { id: MSP_GROUPS.adminAgents, tenant: MSP.id, name: 'AdminAgents', privileged: true, tags: ['partner-center'] },
];

/** Memberships of the MSP's groups. */
export function mspMemberships(ctx: DemoContext, techs: readonly Technician[]): In<'membership'>[] {
  const m = (group: string, member: string): In<'membership'> => ({ tenant: MSP.id, group, member, memberKind: 'identity' });
  const out: In<'membership'>[] = [];
  for (const x of mspIdentities(ctx, techs)) if (x.kind === 'human') out.push(m(MSP_GROUPS.allStaff, x.id));
  for (const x of techs) {
    out.push(m(x.tier === 'admin' ? MSP_GROUPS.admins : x.tier === 'tier2' ? MSP_GROUPS.tier2 : MSP_GROUPS.tier1, x.id));
    if (x.tier === 'admin') out.push(m(MSP_GROUPS.adminAgents, x.id));
  }
  return out;
}

const MSP_ROLES: readonly { key: string; name: string; privilege: Privilege; system: string; templateId?: string }[] = [
  { key: 'global-admin', name: 'Global Administrator', privilege: 'global-admin', system: 'directory', templateId: '62e90394-69f5-4237-9190-012177145e10' },
  { key: 'rmm-administrator', name: 'N-central System Administrator', privilege: 'system', system: 'rmm' },
  { key: 'rmm-technician', name: 'N-central Technician', privilege: 'operator', system: 'rmm' },
  { key: 'sc-administrator', name: 'ScreenConnect Administrator', privilege: 'admin', system: 'remote-access' },
  { key: 'sc-technician', name: 'ScreenConnect Technician', privilege: 'operator', system: 'remote-access' },
  { key: 'vault-administrator', name: 'Vault Administrator', privilege: 'admin', system: 'vault' },
  { key: 'vault-user', name: 'Vault User', privilege: 'user', system: 'vault' },
  { key: 'backup-administrator', name: 'Veeam Backup Administrator', privilege: 'admin', system: 'backup' },
  { key: 'backup-operator', name: 'Veeam Backup Operator', privilege: 'operator', system: 'backup' },
  { key: 'vpn-user', name: 'SSL VPN User', privilege: 'user', system: 'vpn' },
  { key: 'psa-user', name: 'PSA User', privilege: 'user', system: 'psa' },
];
const mspRole = (key: string) => `${MSP.id}:${key}`;

/** The MSP's roles in its own tenant and tools. */
export const mspRoles = (): In<'role'>[] =>
  MSP_ROLES.map((r) => ({
    id: mspRole(r.key), tenant: MSP.id, name: r.name, privilege: r.privilege, system: r.system, ...(r.templateId ? { templateId: r.templateId } : {}),
  }));

/** Who holds which role on which MSP tool: the hub's internal access. */
export function mspGrants(ctx: DemoContext): In<'grant'>[] {
  const rng = rngFor(ctx.seed, 'msp', 'grants');
  const since = daysAgo(ctx, 900);
  const plan: [string, 'group' | 'identity', string, string, In<'grant'>['via'], 'standing' | 'jit'][] = [
    [MSP_GROUPS.tier1, 'group', MSP_TOOLS.rmm, 'rmm-technician', 'rmm', 'standing'],
    [MSP_GROUPS.tier2, 'group', MSP_TOOLS.rmm, 'rmm-technician', 'rmm', 'standing'],
    [MSP_GROUPS.admins, 'group', MSP_TOOLS.rmm, 'rmm-administrator', 'rmm', 'standing'],
    [MSP_GROUPS.tier1, 'group', MSP_TOOLS.remote, 'sc-technician', 'remote-access', 'standing'],
    [MSP_GROUPS.tier2, 'group', MSP_TOOLS.remote, 'sc-technician', 'remote-access', 'standing'],
    [MSP_GROUPS.admins, 'group', MSP_TOOLS.remote, 'sc-administrator', 'remote-access', 'standing'],
    [MSP_GROUPS.tier1, 'group', MSP_TOOLS.vault, 'vault-user', 'password-vault', 'standing'],
    [MSP_GROUPS.tier2, 'group', MSP_TOOLS.vault, 'vault-user', 'password-vault', 'standing'],
    [MSP_GROUPS.admins, 'group', MSP_TOOLS.vault, 'vault-administrator', 'password-vault', 'jit'],
    [MSP_GROUPS.tier2, 'group', MSP_TOOLS.backup, 'backup-operator', 'backup-console', 'standing'],
    [MSP_GROUPS.admins, 'group', MSP_TOOLS.backup, 'backup-administrator', 'backup-console', 'jit'],
    [MSP_GROUPS.tier1, 'group', MSP_TOOLS.vpn, 'vpn-user', 'vpn', 'standing'],
    [MSP_GROUPS.tier2, 'group', MSP_TOOLS.vpn, 'vpn-user', 'vpn', 'standing'],
    [MSP_GROUPS.allStaff, 'group', MSP_TOOLS.psa, 'psa-user', 'psa', 'standing'],
    [svcId('svc-veeam'), 'identity', MSP_TOOLS.backup, 'backup-administrator', 'backup-console', 'standing'],
    [svcId('svc-ncentral'), 'identity', MSP_TOOLS.rmm, 'rmm-administrator', 'rmm', 'standing'],
    [svcId('svc-psa-sync'), 'identity', MSP_TOOLS.psa, 'psa-user', 'psa', 'standing'],
  ];
  const byKey = new Map(MSP_ROLES.map((r) => [r.key, r]));
  const grants: In<'grant'>[] = plan.map(([principal, principalKind, tool, role, via, mode]) => ({
    id: `${MSP.id}:${principal.split(/[:@]/)[principal.includes('@') ? 0 : 1]}:${role}`, tenant: MSP.id, principal, principalKind,
    target: tool, targetKind: 'asset', privilege: byKey.get(role)?.privilege ?? 'user', role: mspRole(role), mode, via, tool,
    grantedAt: since, lastUsed: randomAgo(ctx, rng, 0, 3),
  }));
  grants.push({
    id: `${MSP.id}:msp-admins:global-admin`, tenant: MSP.id, principal: MSP_GROUPS.admins, principalKind: 'group', target: MSP.id,
    targetKind: 'organization', privilege: 'global-admin', role: mspRole('global-admin'), mode: 'jit', via: 'directory', grantedAt: since,
  });
  return grants;
}

/** The MSP's own servers, technician laptops and cloud tenant (its tools are in msp-tools.ts). */
export function mspDevices(ctx: DemoContext, techs: readonly Technician[]): In<'asset'>[] {
  const rng = rngFor(ctx.seed, 'msp', 'devices');
  const ad = `ad.${MSP.domain}`;
  const out: In<'asset'>[] = [
    {
      id: `${MSP.id}:nw-dc01`, tenant: MSP.id, name: 'NW-DC01 (domain controller)', kind: 'device', ...productFields(SERVER_OS.ws2022),
      addresses: ['10.200.0.2'], hostnames: [`nw-dc01.${ad}`], criticality: 'critical', lastSeen: randomAgo(ctx, rng, 0, 1), tags: ['server'],
    },
    {
      id: `${MSP.id}:nw-jump01`, tenant: MSP.id, name: 'NW-JUMP01 (admin jump host)', kind: 'device', ...productFields(SERVER_OS.ws2022),
      addresses: ['10.200.0.5'], hostnames: [`nw-jump01.${ad}`], criticality: 'critical', lastSeen: randomAgo(ctx, rng, 0, 1), tags: ['server', 'jump-host'],
    },
    {
      id: `${MSP.id}:m365`, tenant: MSP.id, name: `Microsoft 365 tenant (${MSP.domain})`, kind: 'cloud-tenant', vendor: 'Microsoft',
      product: 'Microsoft 365 E5', version: 'cloud', hostnames: [MSP.domain], criticality: 'critical',
    },
  ];
  techs.forEach((x, k) => {
    const name = `NW-LT${String(k + 1).padStart(3, '0')}`;
    out.push({
      id: `${MSP.id}:${name.toLowerCase()}`, tenant: MSP.id, name, kind: 'device', ...productFields(WORKSTATION_OS.win11Ent24h2),
      addresses: [`10.201.${k >> 8}.${(k & 255) + 1}`], hostnames: [`${name.toLowerCase()}.${ad}`], criticality: 'high', owner: x.id,
      lastSeen: daysAgo(ctx, Math.min(x.lastSignInDaysAgo, 30)), tags: ['laptop', 'technician'],
    });
  });
  return out;
}

/** The MSP's own backups, log sources, IR plan and exercise. */
export function mspGovernance(ctx: DemoContext): {
  backups: In<'backup'>[]; logSources: In<'logSource'>[]; irPlan: In<'irPlan'>; exercises: In<'exercise'>[]; flaws: DemoFlaw[];
} {
  const rng = rngFor(ctx.seed, 'msp', 'governance');
  const backup = (key: string, name: string, assets: string[]): In<'backup'> => ({
    id: `${MSP.id}:backup:${key}`, tenant: MSP.id, name, assets, tool: 'Veeam Backup & Replication', frequencyHours: 24, rpoHours: 24,
    rtoHours: 4, lastSuccess: randomAgo(ctx, rng, 0, 0.9), lastRestoreTest: randomAgo(ctx, rng, 10, 90), restoreTestHours: 1.5,
    immutable: true, isolated: true, keysSeparate: true,
  });
  const backups = [
    backup('rmm', 'N-central database and configuration', [MSP_TOOLS.rmm]),
    backup('vault', 'Devolutions Server database', [MSP_TOOLS.vault]),
    backup('vbr-config', 'Veeam configuration backup', [MSP_TOOLS.backup]),
    backup('dc', 'Domain controller system state', [`${MSP.id}:nw-dc01`]),
  ];
  const log = (key: string, name: string, kind: In<'logSource'>['kind'], asset: string | undefined, retentionDays: number, msp = true): In<'logSource'> => ({
    id: `${MSP.id}:log:${key}`, tenant: MSP.id, name, kind, retentionDays, centralized: retentionDays >= 180, mspInfrastructure: msp,
    ...(asset ? { asset } : {}),
  });
  const logSources = [
    log('entra-signin', 'Entra ID sign-in logs (MSP tenant)', 'authentication', `${MSP.id}:m365`, 365, false),
    log('rmm', 'N-central audit log', 'rmm', MSP_TOOLS.rmm, 365),
    // The ScreenConnect audit database is pruned at 90 days by default and nobody changed it.
    log('screenconnect', 'ScreenConnect audit log', 'remote-access', MSP_TOOLS.remote, 90),
    log('fortigate', 'FortiGate SSL VPN events', 'vpn', MSP_TOOLS.vpn, 365),
    log('netscaler', 'NetScaler gateway logs', 'remote-access', MSP_TOOLS.citrix, 180),
    log('globalprotect', 'GlobalProtect logs', 'vpn', MSP_TOOLS.globalProtect, 180),
    log('ivanti', 'Ivanti Connect Secure events', 'vpn', MSP_TOOLS.ivanti, 180),
    log('vault', 'Devolutions Server activity log', 'application', MSP_TOOLS.vault, 365),
    log('veeam', 'Veeam session history', 'backup', MSP_TOOLS.backup, 365),
  ];
  const irPlan: In<'irPlan'> = {
    id: `${MSP.id}:ir-plan`, tenant: MSP.id, title: `Incident Response Plan - ${MSP.name}`, executive: 'Chief Executive Officer',
    technicalLead: 'Head of Security Operations', procurement: 'Finance Manager', mspCompromisePlaybook: true, hardCopy: true,
    updated: randomAgo(ctx, rng, 30, 120),
  };
  const exercises: In<'exercise'>[] = [{
    id: `${MSP.id}:exercise:rmm-compromise`, tenant: MSP.id, plan: irPlan.id, date: randomAgo(ctx, rng, 60, 200), kind: 'tabletop',
    scenario: 'Attacker with a stolen technician session pushes a script to every customer through the RMM', afterActionReport: true,
  }];
  const flaws: DemoFlaw[] = [{
    flaw: 'short-log-retention', tenant: MSP.id, subject: { kind: 'logSource', id: `${MSP.id}:log:screenconnect` },
    description: 'ScreenConnect audit logs at the MSP are kept 90 days, less than the 180 days the advisory asks for.',
  }];
  return { backups, logSources, irPlan, exercises, flaws };
}

/** Planted weaknesses of the MSP's technicians. */
export function technicianFlaws(techs: readonly Technician[]): DemoFlaw[] {
  const out: DemoFlaw[] = [];
  for (const x of techs) {
    const subject = { kind: 'identity' as const, id: x.id };
    if (x.weakness === 'no-mfa') {
      out.push({ flaw: 'technician-without-mfa', tenant: MSP.id, subject, description: `Technician ${x.displayName} has no MFA method registered, yet reaches every customer.` });
    } else if (x.weakness === 'sms-only') {
      out.push({ flaw: 'technician-weak-mfa', tenant: MSP.id, subject, description: `Technician ${x.displayName} signs in with SMS codes only, a weak factor for a privileged account.` });
    } else if (x.weakness === 'departed') {
      out.push({
        flaw: 'departed-technician-active', tenant: MSP.id, subject,
        description: `${x.displayName} left the MSP ${x.departedDaysAgo} days ago; the account is still enabled, in msp-tier2, and holds direct remote-access grants.`,
      });
    } else if (x.weakness === 'stale') {
      out.push({ flaw: 'stale-account', tenant: MSP.id, subject, description: `Technician account ${x.id} has not signed in for ${Math.floor(x.lastSignInDaysAgo)} days but is still enabled.` });
    }
  }
  return out;
}
